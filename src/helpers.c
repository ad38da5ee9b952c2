// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-line copies of kernel macros and inline functions that bindgen
 * cannot bind. The ftrace_regs accessors run inside the ftrace callback, so
 * they must never be traced themselves.
 */
#include <linux/ftrace.h>
#include <linux/proc_ns.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate_wait.h>
#include <linux/sched.h>

#include "helpers.h"

notrace unsigned long nslastpid_fregs_argument(void *fregs, unsigned int n)
{
	return ftrace_regs_get_argument((struct ftrace_regs *)fregs, n);
}

notrace void nslastpid_fregs_set_ip(void *fregs, unsigned long ip)
{
	ftrace_regs_set_instruction_pointer((struct ftrace_regs *)fregs, ip);
}

struct ns_common *nslastpid_file_ns(struct file *file)
{
	return get_proc_ns(file_inode(file));
}

struct pid_namespace *nslastpid_active_pid_ns(void)
{
	return task_active_pid_ns(current);
}

/*
 * Without CONFIG_TASKS_RCU the kernel maps this to synchronize_rcu(), which
 * is then enough: no task can be preempted in module text.
 */
void nslastpid_synchronize_rcu_tasks(void)
{
	synchronize_rcu_tasks();
}
