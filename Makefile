# SPDX-License-Identifier: GPL-2.0
# Entry points: the module targets delegate to the kernel's Kbuild; the
# project targets wrap the scripts that build the test kernels and boot them.

KDIR ?= $(shell bash scripts/setup.sh --kdir release)
LLVM ?= -19

# bindgen as scripts/setup.sh installs it, and the libclang it needs.
NSLASTPID_CACHE ?= /var/cache/nslastpid
export PATH := $(NSLASTPID_CACHE)/tools/bin:$(PATH)
export LIBCLANG_PATH ?= /usr/lib/llvm$(LLVM)/lib

modules:
	$(MAKE) -C $(KDIR) M=$$PWD LLVM=$(LLVM) modules

clean:
	$(MAKE) -C $(KDIR) M=$$PWD LLVM=$(LLVM) clean

# Lints the Rust module with the kernel's clippy configuration.
clippy:
	$(MAKE) -C $(KDIR) M=$$PWD LLVM=$(LLVM) CLIPPY=1 modules

rustfmtcheck:
	rustfmt --edition 2021 --check src/*.rs

setup:
	bash scripts/setup.sh all

demo:
	bash scripts/demo.sh

check:
	bash scripts/check.sh

bench:
	bash scripts/bench.sh

# An interactive shell in the release guest with the module loaded.
shell:
	bash scripts/vm.sh --variant release --module --shell

.PHONY: modules clean clippy rustfmtcheck setup demo check bench shell
