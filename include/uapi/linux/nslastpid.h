/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nslastpid: set and read the last pid of a pid namespace and of its
 * ancestors through one ioctl on the namespace's nsfs file.
 */
#ifndef _UAPI_LINUX_NSLASTPID_H
#define _UAPI_LINUX_NSLASTPID_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* nsfs's ioctl type, NSIO in <linux/nsfs.h>; repeated to stay self-contained. */
#define NSLASTPID_NSIO			0xb7

/*
 * Mainline nsfs uses numbers 1 to 13 and matches 10 to 12 whatever their
 * size; 5 belonged to the 2017 proposal of this ioctl and is now
 * NS_GET_MNTNS_ID. 0xa0 leaves room for mainline to grow for years.
 */
#define NS_SPECIFIC_IOC_NR		0xa0

/* Operations on a pid namespace's nsfs file. */
#define NS_PID_SET_LAST_PIDS		1
#define NS_PID_GET_LAST_PIDS		2

/*
 * Most levels a SET vector may name: MAX_PID_NS_LEVEL in the kernel, the
 * limit of clone3()'s set_tid too. A GET can report one level more: a
 * namespace at the deepest level, 32, has 33 counting the initial one.
 */
#define NS_LAST_PIDS_MAX_LEVELS		32

/*
 * Longest SET text, terminating NUL included: 32 values of at most 7
 * digits (PID_MAX_LIMIT is 4194304) and 31 separators.
 */
#define NS_LAST_PIDS_TEXT_MAX		256

/* A GET buffer of this size always suffices: 33 values, 32 separators. */
#define NS_LAST_PIDS_GET_TEXT_MAX	264

/**
 * struct ns_specific_arg - argument of NS_SPECIFIC_IOC
 * @size:	sizeof(struct ns_specific_arg) as the caller was built with;
 *		must equal the size encoded in the command
 * @op:		an NS_PID_* operation
 * @buf:	user address of the vector text
 * @buf_len:	SET: length of the text including its NUL, which must be its
 *		last byte and its only NUL; GET: capacity of @buf
 * @out_len:	GET, output: length of the vector text including its NUL,
 *		also written when @buf_len is too small; ignored on input
 * @flags:	must be 0
 * @reserved:	must be 0
 *
 * The vector is ':'-separated decimal, innermost namespace first: value k
 * is the last pid of the k-th namespace going up from the opened one. Each
 * value is 0 or digits without a leading zero, sign or blank, and at most
 * pid_max.
 */
struct ns_specific_arg {
	__u32 size;
	__u32 op;
	__aligned_u64 buf;
	__u32 buf_len;
	__u32 out_len;
	__u32 flags;
	__u32 reserved;
};

#define NS_SPECIFIC_ARG_SIZE_VER0	32

/*
 * Errors, beyond EFAULT for an unreadable or unwritable user address:
 * EINVAL	not a pid namespace's nsfs file; @size, @flags or @reserved
 *		wrong; text malformed or a value above pid_max; vector longer
 *		than the namespace has levels (seen from the initial pid
 *		namespace); a value other than 0 for a namespace whose init
 *		has not been created yet
 * E2BIG	@buf_len above NS_LAST_PIDS_TEXT_MAX; a command size above
 *		the known struct with nonzero bytes past it
 * EOPNOTSUPP	unknown @op
 * EPERM	the opened namespace is not the caller's active pid namespace
 *		or a descendant of it, or the vector reaches above that
 *		namespace; a level whose owning user namespace does not grant
 *		the caller CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN
 * ERANGE	GET with @buf_len below the needed length, set in @out_len
 * ENOTTY	the file is not an nsfs file, or the module is not loaded
 * On any error no namespace's last pid has changed.
 */
#define NS_SPECIFIC_IOC	_IOWR(NSLASTPID_NSIO, NS_SPECIFIC_IOC_NR, \
			      struct ns_specific_arg)

#endif /* _UAPI_LINUX_NSLASTPID_H */
