#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job, end to end: sets up the host and the release test kernel if
# needed, builds the module and the nslastpid CLI, boots the guest, loads the
# module and creates a task with a chosen pid at every level of a 3-level
# pid namespace hierarchy, then shows its NSpid line and the GET vector.

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

bash "$NSLASTPID_ROOT/scripts/setup.sh" release
run_step build-tools sh -c "cd '$NSLASTPID_ROOT/tools' && cargo build --release"
bash "$NSLASTPID_ROOT/scripts/vm.sh" --variant release --module -- \
	bash scripts/demo-guest.sh "$NSLASTPID_CLI"
