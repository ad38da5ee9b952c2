#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every test of nslastpid: host checks (header, parser, library, lints,
# fuzzing), then the kselftests and CLI tests in a guest booted from the debug
# kernel with the module loaded. Ends with one line "N passed, N failed".
#
# Usage: scripts/check.sh            (sets up the host and kernels as needed)
# Environment: NSLASTPID_FUZZ_SECS (host fuzzing time, default 20),
#              NSLASTPID_VARIANT (guest kernel, default debug).

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

readonly FUZZ_SECS=${NSLASTPID_FUZZ_SECS:-20}
readonly VARIANT=${NSLASTPID_VARIANT:-debug}

passed=0
failed=0
skipped=0
failures=""

# record NAME STATUS: counts one check that is not itself a test runner.
record() {
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		printf 'ok - %s\n' "$1"
	else
		failed=$((failed + 1))
		failures="$failures $1"
		printf 'not ok - %s\n' "$1"
	fi
}

# count_cargo LOG: adds the counts of every "test result:" line of LOG.
count_cargo() {
	local p f
	p=$(sed -n 's/^test result: .*[^0-9]\([0-9]\+\) passed; \([0-9]\+\) failed.*/\1/p' "$1" |
		paste -sd+ | bc)
	f=$(sed -n 's/^test result: .*[^0-9]\([0-9]\+\) passed; \([0-9]\+\) failed.*/\2/p' "$1" |
		paste -sd+ | bc)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}

# count_tap LOG: adds TAP results. selftests/run.sh nests each binary's TAP
# under "# " and adds one line per binary: individual tests count, and a
# failed binary counts once more so that a crash without a failed test still
# fails. A skipped test counts as neither passed nor failed.
count_tap() {
	local p f s
	p=$(grep -E '^(# )?ok [0-9]+ ' "$1" | grep -v 'selftests: nslastpid:' |
		grep -vc '# SKIP' || true)
	f=$(grep -cE '^(# )?not ok [0-9]+ ' "$1" || true)
	s=$(grep -E '^(# )?ok [0-9]+ .*# SKIP' "$1" | grep -vc 'selftests: nslastpid:' || true)
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	grep -E '^(# )?not ok [0-9]+ ' "$1" | sed 's/^/    failed: /' || true
	grep -E '^(# )?ok [0-9]+ .*# SKIP' "$1" | sed 's/^/    skipped: /' || true
}

# run_logged NAME CMD...: runs CMD showing its output, keeps it in a log, and
# returns its status.
run_logged() {
	local name=$1 rc=0
	shift
	msg "$name"
	"$@" 2>&1 | tee "$NSLASTPID_LOGS/check-$name.log" || rc=${PIPESTATUS[0]}
	return "$rc"
}

host_checks() {
	local rc f kdir
	kdir=$(bash "$NSLASTPID_ROOT/scripts/setup.sh" --kdir "$VARIANT")

	rc=0
	shellcheck -x "$NSLASTPID_ROOT"/scripts/*.sh "$NSLASTPID_ROOT"/.ci/run \
		"$NSLASTPID_ROOT"/selftests/*.sh "$NSLASTPID_ROOT"/tools/tests/*.sh || rc=$?
	record "shellcheck" "$rc"

	rc=0
	for f in "-std=c90 -pedantic" "-std=c11"; do
		# shellcheck disable=SC2086
		printf '#include <linux/nslastpid.h>\nint main(void) { return 0; }\n' |
			gcc $f -Wall -Wextra -Werror -I"$NSLASTPID_ROOT/include/uapi" \
				-x c -o /dev/null - || rc=$?
	done
	record "uapi header compiles as C90 and C11" "$rc"

	rc=0
	perl "$SRC_DIR/scripts/checkpatch.pl" --no-tree --quiet --strict -f \
		"$NSLASTPID_ROOT"/src/*.c "$NSLASTPID_ROOT"/src/*.h \
		"$NSLASTPID_ROOT"/include/uapi/linux/nslastpid.h || rc=$?
	# The kselftest harness's FIXTURE_DATA(x) *self and variant macros
	# trip checkpatch's spacing and macro checks in every selftest.
	perl "$SRC_DIR/scripts/checkpatch.pl" --no-tree --quiet -f \
		--ignore SPACING,COMPLEX_MACRO \
		"$NSLASTPID_ROOT"/selftests/*.c "$NSLASTPID_ROOT"/selftests/*.h || rc=$?
	record "checkpatch" "$rc"

	rc=0
	rustfmt --config-path "$SRC_DIR/.rustfmt.toml" --edition 2021 --check \
		"$NSLASTPID_ROOT"/src/*.rs || rc=$?
	(cd "$NSLASTPID_ROOT/tools" && cargo fmt --all --check) || rc=$?
	record "rustfmt" "$rc"

	rc=0
	make -s -C "$kdir" M="$NSLASTPID_ROOT/build/$VARIANT" LLVM="$LLVM_SUFFIX" \
		CLIPPY=1 modules || rc=$?
	(cd "$NSLASTPID_ROOT/tools" && cargo clippy --all-targets -q -- -D warnings) || rc=$?
	record "clippy (module and tools)" "$rc"

	rc=0
	run_logged cargo-test sh -c "cd '$NSLASTPID_ROOT/tools' && cargo test 2>&1" || rc=$?
	count_cargo "$NSLASTPID_LOGS/check-cargo-test.log"
	[ "$rc" -eq 0 ] || record "cargo test exit status" "$rc"

	rc=0
	run_logged fuzz bash "$NSLASTPID_ROOT/scripts/fuzz.sh" "$FUZZ_SECS" || rc=$?
	record "parser fuzzing for ${FUZZ_SECS}s" "$rc"
}

guest_checks() {
	local rc=0 log="$NSLASTPID_LOGS/check-guest.log"

	run_step build-selftests make -C "$NSLASTPID_ROOT/selftests" KSRC="$SRC_DIR"
	run_step build-tools sh -c "cd '$NSLASTPID_ROOT/tools' && cargo build --release"

	msg "guest tests on the $VARIANT kernel"
	bash "$NSLASTPID_ROOT/scripts/vm.sh" --variant "$VARIANT" --module -- \
		bash -c 'selftests/run.sh; s=$?; tools/tests/cli_guest.sh "$1"; exit $((s | $?))' \
		guest-tests "$NSLASTPID_CLI" \
		2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
	count_tap "$log"
	grep -E '^# # (bad-input|permission) cases' "$log" || true
	record "guest run exit status and kernel log ($VARIANT kernel)" "$rc"
}

main() {
	local start
	start=$(date +%s)
	bash "$NSLASTPID_ROOT/scripts/setup.sh" all

	# The module object directory doubles as the clippy build directory.
	bash "$NSLASTPID_ROOT/scripts/vm.sh" --build-only --variant "$VARIANT" >/dev/null

	host_checks
	guest_checks

	msg "finished in $(($(date +%s) - start))s"
	[ -z "$failures" ] || printf 'failed checks:%s\n' "$failures"
	printf '%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
	[ "$failed" -eq 0 ]
}

main "$@"
