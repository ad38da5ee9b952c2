# SPDX-License-Identifier: GPL-2.0
# Shared constants and helpers for the nslastpid scripts: cache layout, logging
# and the named-step runner that keeps a log per step and prints its tail on
# failure. Sourced, never executed.

# shellcheck shell=bash disable=SC2034

NSLASTPID_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly NSLASTPID_ROOT

# Build artifacts live outside the checkout so a fresh clone reuses them.
NSLASTPID_CACHE=${NSLASTPID_CACHE:-/var/cache/nslastpid}
readonly NSLASTPID_CACHE
readonly NSLASTPID_LOGS="$NSLASTPID_CACHE/logs"

# The Debian package that provides the kernel source, and its pinned version.
# bookworm-security keeps older versions, so the pin stays fetchable after
# newer point releases appear.
readonly KERNEL_PKG=linux-source-6.12
KERNEL_PKG_VERSION=${NSLASTPID_KERNEL_VERSION:-6.12.118-1~deb12u1}
readonly KERNEL_PKG_VERSION

# Where the kernel source package is unpacked.
readonly SRC_DIR="$NSLASTPID_CACHE/src/$KERNEL_PKG_VERSION/$KERNEL_PKG"

readonly LLVM_SUFFIX=-19
readonly BINDGEN_VERSION=0.72.1
readonly VIRTME_NG_VERSION=1.42

export PATH="$NSLASTPID_CACHE/tools/bin:$NSLASTPID_CACHE/venv/bin:$HOME/.cargo/bin:$PATH"
export LIBCLANG_PATH=/usr/lib/llvm${LLVM_SUFFIX}/lib

# The CLI as the guests run it. The cargo build stays in the checkout:
# virtme-ng guests mount a tmpfs over /var/cache, where the kernels live.
export CARGO_TARGET_DIR="$NSLASTPID_ROOT/tools/target"
readonly NSLASTPID_CLI="$CARGO_TARGET_DIR/release/nslastpid"

msg() {
	printf '==> %s\n' "$*"
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# run_step NAME CMD...: runs CMD with its output in $NSLASTPID_LOGS/NAME.log,
# reports the elapsed time every minute while it runs, and on failure prints
# the step's name and the tail of its log before exiting non-zero.
run_step() {
	local name=$1 log start pid rc=0 ticks=0
	shift
	mkdir -p "$NSLASTPID_LOGS"
	log="$NSLASTPID_LOGS/$name.log"
	start=$(date +%s)
	msg "step '$name' (log: $log)"
	"$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		ticks=$((ticks + 1))
		if [ $((ticks % 60)) -eq 0 ]; then
			printf '    %s: %ss elapsed, last line: %.100s\n' \
				"$name" "$(($(date +%s) - start))" \
				"$(tail -n 1 "$log" 2>/dev/null)"
		fi
	done
	wait "$pid" || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf 'error: step %s failed with status %s after %ss; last lines of %s:\n' \
			"$name" "$rc" "$(($(date +%s) - start))" "$log" >&2
		tail -n 40 "$log" | sed 's/^/    | /' >&2
		exit 1
	fi
	msg "step '$name' done in $(($(date +%s) - start))s"
}
