#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fuzzes the last-pid vector parser with cargo-fuzz for a bounded time,
# installing cargo-fuzz into the cache first if needed; fails on any crash.
#
# Usage: scripts/fuzz.sh [SECONDS]   (default 30)

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-30}
case $seconds in
'' | *[!0-9]*) die "usage: $0 [SECONDS]" ;;
esac

fuzz_dir="$NSLASTPID_ROOT/tools/vector/fuzz"
# The build and the corpus live in the cache, like every other build
# artifact, so the checkout stays clean and later runs start from what
# earlier ones found.
target_dir="$NSLASTPID_CACHE/fuzz/target"
corpus="$NSLASTPID_CACHE/fuzz/corpus/parse"

if ! cargo fuzz --version >/dev/null 2>&1; then
	run_step install-cargo-fuzz cargo install --locked \
		--root "$NSLASTPID_CACHE/tools" cargo-fuzz
fi

# cargo-fuzz builds with unstable rustc flags (sanitizers, coverage
# instrumentation); only the stable toolchain is installed, and
# RUSTC_BOOTSTRAP lets it take them.
export RUSTC_BOOTSTRAP=1
mkdir -p "$corpus"
cd "$fuzz_dir"
run_step fuzz-build cargo fuzz build --target-dir "$target_dir" parse
# A crash leaves its input under artifacts/parse in the fuzz directory and
# makes cargo fuzz, and so this step, fail.
run_step fuzz-run cargo fuzz run --target-dir "$target_dir" parse "$corpus" -- \
	-max_total_time="$seconds" -dict="$fuzz_dir/parse.dict"
msg "fuzz: $(grep -E '^Done [0-9]+ runs' "$NSLASTPID_LOGS/fuzz-run.log" || echo 'no summary line')"
