#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every nslastpid selftest binary as root (meant for the guest), passes
# each one's TAP through as indented comments under one top-level TAP plan,
# and exits 1 if any test failed, 4 if none failed but some were skipped.
#
# Usage: selftests/run.sh [TEST...]   (default: all, in a fixed order)
# Environment: NSLASTPID_KO (module path, for the unload/reload tests),
# NSLASTPID_STRESS_SECS, NSLASTPID_FUZZ_SECS, NSLASTPID_RELOADS,
# NSLASTPID_OUT (directory of the binaries, default selftests/out).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${NSLASTPID_OUT:-$here/out}
all=(function_test badinput_test perm_test wrongfile_test stress_test
	fuzz_test lifetime_test)

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=("${all[@]}")
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: the selftests need root" >&2
	exit 1
fi

# The guest sees the checkout read-only, so binaries are built on the host.
for t in "${tests[@]}"; do
	if [ ! -x "$out/$t" ]; then
		echo "run.sh: $out/$t is missing: run 'make -C selftests' first" >&2
		exit 1
	fi
done

# count NAME LINE: the number after " NAME:" in a "# Totals:" line.
count() {
	local n
	n=$(grep -oE " $1:[0-9]+" <<<"$2" | head -n 1 | cut -d: -f2)
	echo "${n:-0}"
}

echo "TAP version 13"
echo "1..${#tests[@]}"
num=0
failed=0
skipped=0
pass_total=0
fail_total=0
skip_total=0
for t in "${tests[@]}"; do
	num=$((num + 1))
	log=$(mktemp)
	start=$(date +%s)
	# Streamed, not buffered: if the kernel dies mid-test, the lines so
	# far still reach the console.
	"$out/$t" 2>&1 | tee "$log" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	# The harness's last line counts its tests; add them up.
	totals=$(grep -E '^# Totals: ' "$log" | tail -n 1 || true)
	if [ -n "$totals" ]; then
		pass_total=$((pass_total + $(count pass "$totals")))
		fail_total=$((fail_total + $(count fail "$totals") + \
			$(count error "$totals")))
		skip_total=$((skip_total + $(count skip "$totals")))
	fi
	rm -f "$log"
	secs=$(($(date +%s) - start))
	case $rc in
	0)
		echo "ok $num selftests: nslastpid: $t # ${secs}s"
		;;
	4)
		skipped=$((skipped + 1))
		echo "ok $num selftests: nslastpid: $t # SKIP"
		;;
	*)
		failed=$((failed + 1))
		echo "not ok $num selftests: nslastpid: $t # exit=$rc ${secs}s"
		;;
	esac
done

echo "# nslastpid: $pass_total test cases passed, $fail_total failed, $skip_total skipped; $failed of ${#tests[@]} binaries failed"
if [ "$failed" -ne 0 ] || [ "$fail_total" -ne 0 ]; then
	exit 1
fi
if [ "$skipped" -ne 0 ] || [ "$skip_total" -ne 0 ]; then
	echo "# skipped cases are not passes: see the SKIP lines above"
	exit 4
fi
exit 0
