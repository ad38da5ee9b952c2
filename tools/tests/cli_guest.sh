#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest test of the nslastpid command line: get, set and spawn, and their
# errors, checked against the kernel's own view (NSpid lines of tasks forked
# by other tools), with the module loaded and after unloading it. Prints TAP
# and exits non-zero if any case fails.
#
# Usage, as root in the guest with the module loaded and NSLASTPID_KO set:
#   tools/tests/cli_guest.sh [PATH-TO-nslastpid]
# Without a path the release, then the debug build in tools/target is used.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-}
if [ -z "$bin" ]; then
	for bin in "$here/../target/release/nslastpid" "$here/../target/debug/nslastpid" ""; do
		[ -z "$bin" ] || [ ! -x "$bin" ] || break
	done
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
	echo "Bail out! no nslastpid binary: build tools or pass its path"
	exit 1
fi
if [ "$(id -u)" -ne 0 ] || [ -z "${NSLASTPID_KO:-}" ]; then
	echo "Bail out! run as root in the guest with the module loaded and NSLASTPID_KO set"
	exit 1
fi
if ! grep -q '^nslastpid ' /proc/modules; then
	echo "Bail out! the nslastpid module is not loaded"
	exit 1
fi

n=0
failed=0
out=""
err=""
rc=0
work=$(mktemp -d)
holder=""

cleanup() {
	[ -z "$holder" ] || kill -KILL "$holder" 2>/dev/null || true
	[ -z "$holder" ] || wait "$holder" 2>/dev/null || true
	rm -rf "$work"
	grep -q '^nslastpid ' /proc/modules || insmod "$NSLASTPID_KO" || true
}
trap cleanup EXIT

# run CMD...: runs CMD, keeping its stdout, stderr and status in out, err, rc.
run() {
	rc=0
	"$@" >"$work/out" 2>"$work/err" || rc=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
}

# result DESC STATUS: one TAP line; on failure the last command's output.
result() {
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
		printf 'status %s\nstdout: %s\nstderr: %s\n' "$rc" "$out" "$err" | sed 's/^/# /'
	fi
}

# expect DESC WANT_STATUS REGEX CMD...: runs CMD and passes if its status is
# WANT_STATUS and its stdout and stderr together match the extended REGEX.
expect() {
	local desc=$1 want=$2 regex=$3 ok=0
	shift 3
	run "$@"
	[ "$rc" -eq "$want" ] || ok=1
	printf '%s\n%s\n' "$out" "$err" | grep -qE -- "$regex" || ok=1
	result "$desc" "$ok"
}

# children_of PID: the pids whose parent is PID.
children_of() {
	local status
	for status in /proc/[0-9]*/status; do
		awk -v p="$1" '$1 == "PPid:" && $2 == p { found = 1 }
			$1 == "Pid:" { pid = $2 } END { if (found) print pid }' \
			"$status" 2>/dev/null || true
	done
}

# Two nested pid namespaces below the guest's: unshare U1 holds level 1,
# whose init U2 (an unshare too) holds level 2, whose init is a shell.
unshare --pid --fork --kill-child \
	unshare --pid --fork --kill-child \
	sh -c "echo ready >'$work/ready'; exec sleep 600" &
holder=$!
for _ in $(seq 100); do
	[ -s "$work/ready" ] && break
	sleep 0.1
done
u2=$(children_of "$holder")
init2=$(children_of "$u2")
if [ -z "$u2" ] || [ -z "$init2" ] || [ ! -s "$work/ready" ]; then
	echo "Bail out! could not set up nested pid namespaces"
	exit 1
fi
ns1=/proc/$holder/ns/pid_for_children
ns2=/proc/$u2/ns/pid_for_children

# NSpid of the first task forked into level 2, as the kernel reports it:
# nsenter enters the init's namespace and forks; the shell execs grep.
kernel_nspid_l2() {
	nsenter --target "$init2" --pid -- sh -c 'exec grep NSpid /proc/self/status' |
		awk '{ $1 = ""; print substr($0, 2) }'
}

echo "# nslastpid $bin; level 1 held by $holder, level 2 by $u2 (init $init2)"

# get
expect "get prints the caller's own last pid" 0 '^[0-9]+$' "$bin" get
expect "get --json on the own namespace" 0 \
	'^\{"ns":"/proc/self/ns/pid","last_pids":\[[0-9]+\]\}$' "$bin" get --json
expect "get --pid reads /proc/PID/ns/pid" 0 '^[0-9]+:[0-9]+$' "$bin" get --pid "$u2"

# set, then the kernel's own fork gives the next pids
expect "set 499:399 on level 2" 0 '' "$bin" set 499:399 --ns "$ns2"
expect "get reads back 499:399 and level 0's" 0 '^499:399:[0-9]+$' "$bin" get --ns "$ns2"
run kernel_nspid_l2
result "kernel forks 400 in level 1 and 500 in level 2 next (NSpid $out)" \
	"$(echo "$out" | grep -qE ' 400 500$' && echo 0 || echo 1)"
expect "set --json reports what was set" 0 \
	"^\\{\"ns\":\"$ns1\",\"last_pids\":\\[299\\]\\}$" "$bin" set 299 --ns "$ns1" --json
expect "set on level 1 alone leaves level 2" 0 '^500:299:[0-9]+$' "$bin" get --ns "$ns2"

# set errors
expect "set longer than the levels: EINVAL" 1 'EINVAL' "$bin" set 1:2:3:4 --ns "$ns2"
expect "set above pid_max is refused naming the field" 1 'field 2 is above the maximum' \
	"$bin" set 1:99999999 --ns "$ns2"
expect "nothing changed by the refused sets" 0 '^500:299:[0-9]+$' "$bin" get --ns "$ns2"
expect "set with an empty field is a usage error" 2 'field 2 is empty' "$bin" set 1::2
expect "set on a net namespace: EINVAL" 1 'EINVAL' "$bin" set 5 --ns /proc/self/ns/net
expect "get on a file that is no nsfs file: ENOTTY" 1 'ENOTTY' "$bin" get --ns /proc/self/status
expect "set from level 1 reaching level 0: EPERM" 1 'EPERM' \
	nsenter --target "$u2" --pid -- "$bin" set 1:2:3 --ns "$ns2"
# Each nsenter forks into level 1, so its last pid moves on.
expect "get from level 1 stops at level 1" 0 '^500:[0-9]+$' \
	nsenter --target "$u2" --pid -- "$bin" get --ns "$ns2"
expect "get from level 1 of level 0: EPERM" 1 'EPERM' \
	nsenter --target "$u2" --pid -- "$bin" get --ns /proc/1/ns/pid
# Another user's namespace files cannot even be opened: these use their own.
expect "set without capabilities: EPERM" 1 'EPERM' \
	setpriv --reuid 65534 --regid 65534 --clear-groups -- "$bin" set 5
expect "get without capabilities works" 0 '^[0-9]+$' \
	setpriv --reuid 65534 --regid 65534 --clear-groups -- "$bin" get
expect "--pid and --ns together is a usage error" 2 'cannot be used with' \
	"$bin" get --pid 1 --ns /proc/1/ns/pid

# spawn with the module loaded
expect "spawn --method ioctl gives 600:500" 0 '^NSpid:[[:space:]]+[0-9]+[[:space:]]+500[[:space:]]+600$' \
	"$bin" spawn --pids 600:500 --method ioctl --ns "$ns2" -- \
	sh -c 'exec grep NSpid /proc/self/status'
expect "spawn says it used the ioctl" 0 'chosen by ioctl' \
	"$bin" spawn --pids 601:501 --ns "$ns2" -- true
expect "spawn --json reports pid, method, NSpid and exit code" 0 \
	'^\{"pid":[0-9]+,"method":"ioctl","nspid":\[[0-9]+,502,602\],"exit_code":0\}$' \
	"$bin" spawn --pids 602:502 --json --ns "$ns2" -- true
expect "spawn exits with the command's status" 3 '' \
	"$bin" spawn --pids 603:503 --ns "$ns2" -- sh -c 'exit 3'
expect "spawn on a taken pid via ioctl is caught by the NSpid check" 1 'task got NSpid' \
	"$bin" spawn --pids 1 --method ioctl --ns "$ns2" -- true
expect "spawn on a taken pid via clone3: EEXIST" 1 'EEXIST' \
	"$bin" spawn --pids 1 --method clone3 --ns "$ns2" -- true
expect "spawn with more pids than levels: EINVAL" 1 'EINVAL' \
	"$bin" spawn --pids 1:2:3:4 --method ioctl --ns "$ns2" -- true
expect "spawn of a missing command" 1 'find no-such-command in PATH' \
	"$bin" spawn --pids 604:504 --ns "$ns2" -- no-such-command
expect "spawn without a command is a usage error" 2 'required' "$bin" spawn --pids 5

# without the module
run rmmod nslastpid
result "rmmod nslastpid" "$rc"
expect "spawn --method auto falls back to clone3" 0 '^NSpid:[[:space:]]+[0-9]+[[:space:]]+510[[:space:]]+610$' \
	"$bin" spawn --pids 610:510 --ns "$ns2" -- sh -c 'exec grep NSpid /proc/self/status'
expect "spawn without the module says clone3" 0 'chosen by clone3' \
	"$bin" spawn --pids 611:511 --ns "$ns2" -- true
expect "spawn --method ioctl without the module: ENOTTY" 1 'ENOTTY.*module is not loaded' \
	"$bin" spawn --pids 612:512 --method ioctl --ns "$ns2" -- true
expect "get without the module: ENOTTY" 1 'ENOTTY' "$bin" get
run insmod "$NSLASTPID_KO"
result "insmod the module again" "$rc"
expect "get works again after reloading" 0 '^[0-9]+:[0-9]+:[0-9]+$' "$bin" get --ns "$ns2"

echo "1..$n"
[ "$failed" -eq 0 ]
