/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions of src/helpers.c, seen by the C compiler and by bindgen. The
 * ftrace_regs pointer is passed as void * because bindgen sees the struct
 * as empty, which Rust refuses in an extern signature.
 */
#ifndef NSLASTPID_HELPERS_H
#define NSLASTPID_HELPERS_H

struct file;
struct ns_common;
struct pid_namespace;

unsigned long nslastpid_fregs_argument(void *fregs, unsigned int n);
void nslastpid_fregs_set_ip(void *fregs, unsigned long ip);
struct ns_common *nslastpid_file_ns(struct file *file);
struct pid_namespace *nslastpid_active_pid_ns(void);
void nslastpid_synchronize_rcu_tasks(void);

#endif /* NSLASTPID_HELPERS_H */
