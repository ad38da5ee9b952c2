#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmarks task creation with chosen pids in nested pid namespaces on the
# release kernel: ns_last_pid helpers against NS_SPECIFIC_IOC against clone3,
# plus NS_GET_NSTYPE with the module loaded and unloaded. Leaves
# results/bench.md and results/bench.svg, and prints the tables.
#
# Usage: scripts/bench.sh [BENCH OPTION]...
#        options go to 'nslastpid bench', e.g. --depths 1,8 --iterations 50
#        scripts/bench.sh --in-guest BIN [BENCH OPTION]...   (used by the above)

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

readonly RESULTS="$NSLASTPID_ROOT/results"

# in_guest BIN OPTION...: the part that runs in the guest with the module
# loaded; NSLASTPID_KO names the module for reloading it.
in_guest() {
	local bin=$1
	shift
	: "${NSLASTPID_KO:?the guest runner did not name the module}"
	"$bin" bench --out "$RESULTS" "$@" >/dev/null
	rmmod nslastpid
	"$bin" bench --only nstype --out "$RESULTS" >/dev/null
	insmod "$NSLASTPID_KO"
	"$bin" bench --only report --out "$RESULTS"
}

main() {
	local bin="$NSLASTPID_CLI"
	if [ "${1:-}" = --in-guest ]; then
		shift
		in_guest "$@"
		return
	fi
	[ "$(id -u)" -eq 0 ] || die "run as root: the guest runner needs it"
	run_step build-tools-release \
		cargo build --release --manifest-path "$NSLASTPID_ROOT/tools/Cargo.toml" \
		-p nslastpid
	mkdir -p "$RESULTS"
	# Earlier runs' result files would be merged into this report.
	rm -f "$RESULTS"/bench-*.tsv
	bash "$NSLASTPID_ROOT/scripts/vm.sh" --variant release --module \
		--rwdir "$RESULTS" -- \
		bash "$NSLASTPID_ROOT/scripts/bench.sh" --in-guest "$bin" "$@"
	msg "results: $RESULTS/bench.md and $RESULTS/bench.svg"
}

main "$@"
