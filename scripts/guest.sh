#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the virtme-ng guest: loads nslastpid.ko when asked, runs the
# command, unloads the module and fails if the kernel log shows a warning,
# an oops or a sanitizer or lockdep report.
#
# Usage: scripts/guest.sh [--module KO] [--shell | -- CMD [ARG]...]

set -eu

readonly SPLAT='WARNING:|BUG:|Oops|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|blocked for more than|Kernel panic'

module=""
shell=""
while [ $# -gt 0 ]; do
	case $1 in
	--module) module=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	--) shift; break ;;
	*) echo "guest.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
done

if [ -n "$module" ]; then
	insmod "$module"
	export NSLASTPID_KO="$module"
fi

status=0
if [ -n "$shell" ]; then
	"${SHELL:-/bin/bash}" -i || true
else
	"$@" || status=$?
fi

if [ -n "$module" ] && grep -q '^nslastpid ' /proc/modules; then
	rmmod nslastpid || status=1
fi

if dmesg | grep -E "$SPLAT" >/dev/null; then
	echo "guest kernel log has a splat:" >&2
	dmesg | grep -E -B 5 -A 30 "$SPLAT" >&2
	status=1
fi
echo "nslastpid-guest: finished with status $status"
exit "$status"
