/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces nslastpid uses that the 6.12 `kernel` crate does not
 * bind: bindgen turns this header into src/bindings_generated.rs at build
 * time, with src/bindgen_parameters choosing what to keep.
 */
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/ns_common.h>
#include <linux/pid_namespace.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate_wait.h>
#include <linux/sched.h>

#include "helpers.h"

/*
 * Macros that bindgen cannot evaluate, turned into constants it can.
 *
 * The ftrace callback calls nothing traceable, so it needs no recursion
 * protection, and without FTRACE_OPS_FL_RECURSION ftrace calls it straight
 * from the trampoline. PERMANENT keeps ftrace_enabled=0 from silently
 * turning the ioctl off while the module is loaded.
 */
const unsigned long NSLASTPID_FTRACE_FLAGS = FTRACE_OPS_FL_IPMODIFY |
	FTRACE_OPS_FL_SAVE_ARGS | FTRACE_OPS_FL_PERMANENT;
const int NSLASTPID_CLONE_NEWPID = CLONE_NEWPID;
const int NSLASTPID_CAP_SYS_ADMIN = CAP_SYS_ADMIN;
const int NSLASTPID_CAP_CHECKPOINT_RESTORE = CAP_CHECKPOINT_RESTORE;
