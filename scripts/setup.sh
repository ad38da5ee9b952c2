#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs everything nslastpid needs on a Debian 12 host and builds the
# Rust-enabled test kernels into the cache, keyed so that a second run with
# the same inputs rebuilds nothing.
#
# Usage: scripts/setup.sh [release|debug|all]   (default: all)
#        scripts/setup.sh --kdir VARIANT        print a built kernel's directory

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

readonly DEBIAN_PACKAGES="build-essential flex bison bc libelf-dev libssl-dev
	cpio kmod busybox-static python3-venv qemu-system-x86 xz-utils rsync
	clang-19 lld-19 llvm-19 libclang-19-dev shellcheck curl ca-certificates"

# Options each variant must end up with after olddefconfig. The fragments ask
# for most of them; the list is checked separately so that a fragment that
# loses a line, or a dependency that silently turns one off, stops the setup
# before a 15-minute build.
readonly REQUIRED_COMMON="RUST=y MODULES=y MODULE_UNLOAD=y MODVERSIONS=n
	MODULE_SIG=n DEBUG_INFO_BTF=n RANDSTRUCT_NONE=y PID_NS=y USER_NS=y
	CHECKPOINT_RESTORE=y FTRACE=y FUNCTION_TRACER=y DYNAMIC_FTRACE=y
	DYNAMIC_FTRACE_WITH_ARGS=y KPROBES=y KALLSYMS=y KALLSYMS_ALL=y
	USERFAULTFD=y VIRTIO_PCI=y NET_9P_VIRTIO=y 9P_FS=y"
readonly REQUIRED_DEBUG="KASAN=y KASAN_GENERIC=y PROVE_LOCKING=y PROVE_RCU=y
	DEBUG_ATOMIC_SLEEP=y PANIC_ON_OOPS=y BOOTPARAM_SOFTLOCKUP_PANIC=y
	BOOTPARAM_HUNG_TASK_PANIC=y"

readonly SRC_PARENT="${SRC_DIR%/*}"

install_packages() {
	local missing="" pkg systemd_version

	for pkg in $DEBIAN_PACKAGES udev; do
		dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null |
			grep -q 'install ok installed' || missing="$missing $pkg"
	done
	[ -n "$missing" ] || return 0

	# virtme-ng's guest init needs udev on the host; pinning it to the
	# installed systemd keeps apt from upgrading systemd along with it.
	systemd_version=$(dpkg-query -W -f '${Version}' systemd)
	apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $DEBIAN_PACKAGES \
		"udev=$systemd_version" "libudev1=$systemd_version"
}

install_rust_src() {
	command -v rustup >/dev/null || {
		echo "rustup not found: install Rust with rustup first"
		return 1
	}
	rustup component list --installed | grep -q '^rust-src' ||
		rustup component add rust-src
}

install_bindgen() {
	local have
	have=$(bindgen --version 2>/dev/null || true)
	[ "$have" = "bindgen $BINDGEN_VERSION" ] && return 0
	cargo install --locked --root "$NSLASTPID_CACHE/tools" \
		bindgen-cli --version "$BINDGEN_VERSION"
}

install_virtme_ng() {
	local venv="$NSLASTPID_CACHE/venv"
	"$venv/bin/vng" --version 2>/dev/null | grep -q "$VIRTME_NG_VERSION" &&
		return 0
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q "virtme-ng==$VIRTME_NG_VERSION"
}

fetch_kernel_source() {
	local tmp
	[ -f "$SRC_DIR/.nslastpid-unpacked" ] && return 0
	rm -rf "$SRC_PARENT"
	mkdir -p "$SRC_PARENT"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download "$KERNEL_PKG=$KERNEL_PKG_VERSION")
	dpkg-deb -x "$tmp"/"$KERNEL_PKG"_*.deb "$tmp/deb"
	tar -C "$SRC_PARENT" -xf "$tmp/deb/usr/src/$KERNEL_PKG.tar.xz"
	rm -rf "$tmp"
	touch "$SRC_DIR/.nslastpid-unpacked"
}

fragments() {
	echo "$NSLASTPID_ROOT/scripts/kconfig/nslastpid.config"
	[ "$1" = release ] || echo "$NSLASTPID_ROOT/scripts/kconfig/$1.config"
}

# kernel_key VARIANT: a short hash of everything the built kernel depends on.
kernel_key() {
	local f
	{
		echo "$KERNEL_PKG=$KERNEL_PKG_VERSION variant=$1"
		for f in $(fragments "$1"); do cat "$f"; done
		rustc --version
		bindgen --version
		"clang$LLVM_SUFFIX" --version | head -n 1
		echo "virtme-ng $VIRTME_NG_VERSION"
	} | sha256sum | cut -c1-12
}

kernel_dir() {
	echo "$NSLASTPID_CACHE/kernels/$1-$KERNEL_PKG_VERSION-$(kernel_key "$1")"
}

rust_available() {
	make -C "$SRC_DIR" LLVM="$LLVM_SUFFIX" rustavailable
}

configure_kernel() {
	local variant=$1 out=$2 f args=""
	rm -rf "$out"
	mkdir -p "$out"
	for f in $(fragments "$variant"); do args="$args --custom $f"; done
	# shellcheck disable=SC2086
	(cd "$SRC_DIR" && virtme-configkernel --defconfig $args \
		"O=$out" "LLVM=$LLVM_SUFFIX")
}

# check_config VARIANT DIR: every required option has its value.
check_config() {
	local variant=$1 config=$2/.config item name want missing=""
	local required="$REQUIRED_COMMON"
	[ "$variant" = release ] || required="$required $REQUIRED_DEBUG"
	for item in $required; do
		name=CONFIG_${item%=*}
		want=${item#*=}
		if [ "$want" = n ]; then
			grep -q "^$name=" "$config" && missing="$missing $name=n"
		else
			grep -qx "$name=$want" "$config" || missing="$missing $name=$want"
		fi
	done
	if [ -n "$missing" ]; then
		echo "required options lost after olddefconfig:$missing"
		return 1
	fi
	echo "all $(echo "$required" | wc -w) required options present"
}

build_kernel() {
	make -C "$SRC_DIR" O="$1" LLVM="$LLVM_SUFFIX" -j"$(nproc)"
}

setup_tools() {
	[ "$(id -u)" -eq 0 ] || die "run as root: the setup installs packages"
	run_step install-packages install_packages
	run_step install-rust-src install_rust_src
	run_step install-bindgen install_bindgen
	run_step install-virtme-ng install_virtme_ng
	run_step fetch-kernel-source fetch_kernel_source
}

setup_kernel() {
	local variant=$1 out
	out=$(kernel_dir "$variant")
	if [ -f "$out/.nslastpid-built" ]; then
		msg "$variant kernel cached: $out"
		return 0
	fi
	msg "$variant kernel not cached, building into $out"
	run_step rustavailable rust_available
	run_step "configure-$variant" configure_kernel "$variant" "$out"
	run_step "check-config-$variant" check_config "$variant" "$out"
	run_step "build-$variant" build_kernel "$out"
	touch "$out/.nslastpid-built"
}

main() {
	local what=${1:-all}
	case $what in
	--kdir)
		kernel_dir "${2:?variant}"
		return 0
		;;
	release | debug) ;;
	all) ;;
	*) die "unknown argument '$what' (release, debug, all or --kdir VARIANT)" ;;
	esac
	setup_tools
	[ "$what" = debug ] || setup_kernel release
	[ "$what" = release ] || setup_kernel debug
}

main "$@"
