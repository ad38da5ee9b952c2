#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest half of the demo: builds pid namespaces three levels below the initial
# one, sets the last pid of all four levels with one NS_SPECIFIC_IOC, forks a
# task there and compares its NSpid line with the one asked for.
#
# Usage: scripts/demo-guest.sh PATH-TO-NSLASTPID-CLI

set -eu

readonly CLI=$1
# Pids wanted for the new task, outermost (initial namespace) first, as the
# NSpid line lists them.
readonly WANTED="5000 100 200 300"
# The same innermost first, as `nslastpid spawn --pids` takes them; it sets
# each level's last pid one below with a single NS_SPECIFIC_IOC, then forks.
readonly PIDS="300:200:100:5000"

holder=""
cleanup() {
	[ -z "$holder" ] || kill "$holder" 2>/dev/null || true
}
trap cleanup EXIT

# Each unshare forks the next one as pid 1 of a new pid namespace; the last
# one's sleep keeps all three levels alive.
unshare --pid --fork unshare --pid --fork unshare --pid --fork sleep 600 &
for _ in $(seq 50); do
	holder=$(pgrep -x -n sleep || true)
	[ -n "$holder" ] && [ "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$holder/status")" = 4 ] && break
	holder=""
	sleep 0.1
done
[ -n "$holder" ] || { echo "demo: the namespace hierarchy did not come up" >&2; exit 1; }

echo "holder of the innermost namespace: $(grep '^NSpid:' "/proc/$holder/status")"
echo "nslastpid spawn --ns /proc/$holder/ns/pid --pids $PIDS -- grep NSpid /proc/self/status"
got=$("$CLI" spawn --ns "/proc/$holder/ns/pid" --pids "$PIDS" -- \
	grep '^NSpid:' /proc/self/status)
echo "  wanted NSpid:	$WANTED"
echo "  child  $got"
# The initial namespace's last pid may have moved on since: this shell forks.
echo "nslastpid get --ns /proc/$holder/ns/pid: $("$CLI" get --ns "/proc/$holder/ns/pid")"

if [ "$(echo "$got" | awk '{ $1 = ""; print substr($0, 2) }')" != "$WANTED" ]; then
	echo "demo: the child's NSpid is not the one asked for" >&2
	exit 1
fi
echo "demo: NSpid matches at every level"
