#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots a cached test kernel with virtme-ng, optionally loads nslastpid.ko,
# runs one command in the guest and exits with that command's status; a
# kernel warning, oops or sanitizer report in the guest also fails the run.
#
# Usage: scripts/vm.sh [--variant release|debug] [--module] [--rwdir DIR]...
#                      [--shell | -- CMD [ARG]...]
#        scripts/vm.sh [--variant release|debug] --build-only
#                      (builds the module and prints the path of the .ko)
# Environment: NSLASTPID_KVM=1|0 forces KVM on or off instead of probing.

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

readonly GUEST_MEMORY=2G
readonly GUEST_CPUS=2
readonly KVM_PROBE_SECONDS=60
# The last line guest.sh prints; its absence means the guest died.
readonly GUEST_DONE="nslastpid-guest: finished with status"

# use_kvm KDIR: decides once per host boot whether KVM works, since on nested
# hosts /dev/kvm can exist while every guest aborts or hangs.
use_kvm() {
	local probe="$NSLASTPID_CACHE/kvm-probe" boot_id result=0
	case ${NSLASTPID_KVM:-} in
	1) return 0 ;;
	0) return 1 ;;
	esac
	[ -w /dev/kvm ] || return 1
	grep -qwE 'vmx|svm' /proc/cpuinfo || return 1
	boot_id=$(cat /proc/sys/kernel/random/boot_id)
	if [ -f "$probe" ] && [ "$(head -n 1 "$probe")" = "$boot_id" ]; then
		return "$(tail -n 1 "$probe")"
	fi
	timeout "$KVM_PROBE_SECONDS" vng --run "$1/arch/x86/boot/bzImage" \
		--skip-modules --exec true >/dev/null 2>&1 || result=1
	printf '%s\n%s\n' "$boot_id" "$result" >"$probe"
	return "$result"
}

# build_module VARIANT: builds the module against that kernel in a private
# copy of the sources, so release and debug objects never mix.
build_module() {
	local variant=$1 kdir out
	kdir=$(bash "$NSLASTPID_ROOT/scripts/setup.sh" --kdir "$variant")
	out="$NSLASTPID_ROOT/build/$variant"
	mkdir -p "$out"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
		"$NSLASTPID_ROOT/Kbuild" "$NSLASTPID_ROOT/src" \
		"$NSLASTPID_ROOT/include" "$out/"
	make -s -C "$kdir" M="$out" LLVM="$LLVM_SUFFIX" modules >&2
	echo "$out/nslastpid.ko"
}

main() {
	local variant=debug module="" shell="" build_only="" kdir kvm_flag="" how
	local rwdirs=() append=() accel=() cmd status=0 out

	while [ $# -gt 0 ]; do
		case $1 in
		--variant) variant=${2:?}; shift 2 ;;
		--module) module=1; shift ;;
		--rwdir) rwdirs+=(--rwdir "$2"); shift 2 ;;
		--shell) shell=1; shift ;;
		--build-only) build_only=1; shift ;;
		--) shift; break ;;
		*) die "unknown option '$1'" ;;
		esac
	done
	if [ -n "$build_only" ]; then
		build_module "$variant"
		return 0
	fi
	[ -n "$shell" ] || [ $# -gt 0 ] || die "no command given (use -- CMD or --shell)"

	kdir=$(bash "$NSLASTPID_ROOT/scripts/setup.sh" --kdir "$variant")
	[ -f "$kdir/.nslastpid-built" ] ||
		die "$variant kernel not built: run scripts/setup.sh $variant"

	cmd=("$NSLASTPID_ROOT/scripts/guest.sh")
	if [ -n "$module" ]; then
		cmd+=(--module "$(build_module "$variant")")
	fi
	if [ -n "$shell" ]; then
		cmd+=(--shell)
	else
		cmd+=(-- "$@")
	fi

	if use_kvm "$kdir"; then
		how="KVM"
	else
		how="emulation (no usable KVM), one host thread"
		kvm_flag=--disable-kvm
		# Multi-threaded TCG misses the kernel's int3-based live patching of
		# its own text (ftrace, static keys) on the other vCPU now and then,
		# which oopses on a stale int3; one thread for all vCPUs does not.
		accel=("--qemu-opts=-accel tcg,thread=single")
	fi
	msg "guest: $variant kernel $(basename "$kdir"), $how"

	# Under emulation with 5-level paging, the debug kernel's KASAN reports a
	# wild access in an early boot interrupt, and by default KASAN then stays
	# silent for the rest of the boot: keep 4-level paging and every report.
	[ "$variant" = release ] || append=(--append "no5lvl kasan_multi_shot")

	cd "$NSLASTPID_ROOT"
	if [ -n "$shell" ]; then
		# shellcheck disable=SC2086
		exec vng --run "$kdir/arch/x86/boot/bzImage" --skip-modules \
			$kvm_flag --memory "$GUEST_MEMORY" --cpus "$GUEST_CPUS" \
			"${rwdirs[@]}" "${append[@]}" "${accel[@]}" --exec "$(printf '%q ' "${cmd[@]}")"
	fi
	# qemu reopens the output files through /proc/self/fd with O_TRUNC, and
	# virtme-ng drops the command's output without a usable stdin: give it
	# pipes and /dev/null whatever this script was started with.
	out=$(mktemp)
	# shellcheck disable=SC2064
	trap "rm -f '$out'" EXIT
	# shellcheck disable=SC2086
	vng --run "$kdir/arch/x86/boot/bzImage" --skip-modules $kvm_flag \
		--memory "$GUEST_MEMORY" --cpus "$GUEST_CPUS" "${rwdirs[@]}" \
		"${append[@]}" "${accel[@]}" --exec "$(printf '%q ' "${cmd[@]}")" \
		</dev/null > >(tee "$out") 2> >(cat >&2) || status=$?
	# Lets the output processes drain before looking at what they saw.
	wait

	# A guest that panics or hangs never prints guest.sh's last line, and
	# virtme-ng may then report success.
	if ! grep -q "^$GUEST_DONE" "$out"; then
		echo "error: the guest stopped before its command finished" \
			"(kernel panic or crash; rerun with vng --verbose to see the console)" >&2
		[ "$status" -ne 0 ] || status=1
	fi
	return "$status"
}

main "$@"
