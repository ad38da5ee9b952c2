/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the nslastpid selftests: ioctl wrappers, nested pid
 * namespace hierarchies kept alive by one holder process per level, and
 * readers of the kernel's own view (NSpid lines, GET vectors, pid lookups).
 */
#ifndef NSLASTPID_HELPERS_H
#define NSLASTPID_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/nsfs.h>
#include <linux/types.h>

#include "linux/nslastpid.h"

/*
 * The build host's uapi headers may predate these nsfs ioctls; the numbers
 * are ABI, so spelling them out here matches any kernel that has them.
 */
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID		_IOR(0xb7, 0x5, __u64)
#endif
#ifndef NS_GET_PID_FROM_PIDNS
#define NS_GET_PID_FROM_PIDNS	_IOR(0xb7, 0x6, int)
#define NS_GET_TGID_FROM_PIDNS	_IOR(0xb7, 0x7, int)
#define NS_GET_PID_IN_PIDNS	_IOR(0xb7, 0x8, int)
#define NS_GET_TGID_IN_PIDNS	_IOR(0xb7, 0x9, int)
#endif

/* Layout of the mount namespace ioctls' argument, under a local name. */
struct nsl_mnt_ns_info {
	__u32 size;
	__u32 nr_mounts;
	__u64 mnt_ns_id;
};

#define NSL_MNT_GET_INFO	_IOR(0xb7, 10, struct nsl_mnt_ns_info)
#define NSL_MNT_GET_NEXT	_IOR(0xb7, 11, struct nsl_mnt_ns_info)
#define NSL_MNT_GET_PREV	_IOR(0xb7, 12, struct nsl_mnt_ns_info)

/* MAX_PID_NS_LEVEL: the deepest nesting the kernel allows. */
#define NSL_MAX_DEPTH		32
#define NSL_MAX_LEVELS		(NSL_MAX_DEPTH + 1)

/* The allocator wraps to RESERVED_PIDS, not 1, once it has passed it. */
#define NSL_RESERVED_PIDS	300

/*
 * The initial pid namespace is shared with kernel threads the kernel may
 * start at any moment, so its last pid can creep forward by a few between
 * two looks; nested levels belong to the tests alone and are exact.
 */
#define NSL_ROOT_SLACK		32

#define NSL_TEXT_CAP		(NS_LAST_PIDS_TEXT_MAX + 64)

/*
 * For calls that return 0 or -errno: assert or expect success and log the
 * call and the error by name. Only usable where the harness is included.
 */
#ifdef ASSERT_EQ
#define ASSERT_OK(expr) do { \
	int __nsl_ret = (expr); \
	ASSERT_EQ(__nsl_ret, 0) { \
		TH_LOG("%s failed: %s", #expr, strerror(-__nsl_ret)); \
	} \
} while (0)
#define EXPECT_OK(expr) do { \
	int __nsl_ret = (expr); \
	EXPECT_EQ(__nsl_ret, 0) { \
		TH_LOG("%s failed: %s", #expr, strerror(-__nsl_ret)); \
	} \
} while (0)
#define EXPECT_ERR(expr, err) do { \
	int __nsl_ret = (expr), __nsl_err = (err); \
	EXPECT_EQ(__nsl_ret, -__nsl_err) { \
		TH_LOG("%s: %s, expected %s", #expr, \
		       __nsl_ret ? strerror(-__nsl_ret) : "success", \
		       strerror(__nsl_err)); \
	} \
} while (0)
#endif

/* Returns 0 or -errno, so callers can compare against documented codes. */
static inline int nsl_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* SET from a caller-chosen buffer and length, NUL included or not. */
static inline int nsl_set_raw(int fd, const void *buf, __u32 len)
{
	struct ns_specific_arg arg = {
		.size = sizeof(arg),
		.op = NS_PID_SET_LAST_PIDS,
		.buf = (unsigned long)buf,
		.buf_len = len,
	};

	return nsl_ioctl(fd, NS_SPECIFIC_IOC, &arg);
}

static inline int nsl_set(int fd, const char *text)
{
	return nsl_set_raw(fd, text, strlen(text) + 1);
}

/* GET into buf; *out_len gets the kernel's length when out_len is set. */
static inline int nsl_get_text(int fd, char *buf, __u32 cap, __u32 *out_len)
{
	struct ns_specific_arg arg = {
		.size = sizeof(arg),
		.op = NS_PID_GET_LAST_PIDS,
		.buf = (unsigned long)buf,
		.buf_len = cap,
		.out_len = 0xdeadbeef,
	};
	int ret = nsl_ioctl(fd, NS_SPECIFIC_IOC, &arg);

	if (out_len)
		*out_len = arg.out_len;
	return ret;
}

/*
 * Parses a vector the way the contract spells it; returns the number of
 * values, or -1 if the text is not a well-formed vector. Used on GET
 * output, so a malformed answer from the kernel shows up as -1.
 */
static inline int nsl_parse(const char *text, long *vals, int max)
{
	const char *p = text;
	int n = 0;

	if (!*p)
		return -1;
	for (;;) {
		long v = 0;
		const char *start = p;

		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
			if (v > INT_MAX)
				return -1;
			p++;
		}
		if (p == start || (*start == '0' && p - start > 1))
			return -1;
		if (n == max)
			return -1;
		vals[n++] = v;
		if (!*p)
			return n;
		if (*p != ':')
			return -1;
		p++;
	}
}

/* GET parsed into values, innermost first; returns the count or -errno. */
static inline int nsl_get(int fd, long *vals, int max)
{
	char buf[NSL_TEXT_CAP];
	__u32 len;
	int ret;

	memset(buf, 0x7f, sizeof(buf));
	ret = nsl_get_text(fd, buf, sizeof(buf), &len);
	if (ret)
		return ret;
	if (len == 0 || len > sizeof(buf) || buf[len - 1] != '\0' ||
	    strlen(buf) + 1 != len)
		return -EBADMSG;
	ret = nsl_parse(buf, vals, max);
	return ret < 0 ? -EBADMSG : ret;
}

/* Writes "v0:v1:...", the form SET expects. */
static inline void nsl_format(char *buf, size_t size, const long *vals, int n)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < size; i++)
		off += snprintf(buf + off, size - off, "%s%ld", i ? ":" : "",
				vals[i]);
}

/*
 * Reads the NSpid line of /proc/PID/status: the pid in every namespace
 * from the one /proc belongs to down to the task's own, outermost first.
 * Returns the count or -errno.
 */
static inline int nsl_read_nspid(pid_t pid, long *vals, int max)
{
	char path[64], line[512];
	int n = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + 6, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		n = 0;
		for (;;) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (n == max) {
				n = -E2BIG;
				break;
			}
			vals[n++] = v;
			p = end;
		}
		break;
	}
	fclose(f);
	return n;
}

static inline long nsl_read_long(const char *path)
{
	char buf[64];
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -EIO;
	buf[len] = '\0';
	return strtol(buf, NULL, 10);
}

static inline long nsl_pid_max(void)
{
	return nsl_read_long("/proc/sys/kernel/pid_max");
}

/* Asks the kernel whether pid nr is taken in the namespace behind nsfd. */
static inline bool nsl_pid_in_use(int nsfd, long nr)
{
	return ioctl(nsfd, NS_GET_PID_FROM_PIDNS, nr) >= 0;
}

/*
 * The pid the allocator hands out next in nsfd's namespace after last,
 * as long as no wrap at pid_max is involved: the first free number above
 * last. Returns -1 if none is free below pid_max.
 */
static inline long nsl_next_free(int nsfd, long last)
{
	long pid_max = nsl_pid_max(), p;

	for (p = last + 1; p < pid_max; p++)
		if (!nsl_pid_in_use(nsfd, p))
			return p;
	return -1;
}

/*
 * A value for the initial namespace whose successors are free for a good
 * stretch, far enough from the current last pid that an accidental write
 * of it is told apart from the normal drift.
 */
static inline long nsl_pick_root_value(int rootfd, long current)
{
	long pid_max = nsl_pid_max(), v, p;

	v = current + 2000;
	if (v > pid_max - 4 * NSL_ROOT_SLACK)
		v = 1000;
	for (; v < pid_max - 2 * NSL_ROOT_SLACK; v += NSL_ROOT_SLACK) {
		for (p = v + 1; p <= v + NSL_ROOT_SLACK; p++)
			if (nsl_pid_in_use(rootfd, p))
				break;
		if (p > v + NSL_ROOT_SLACK)
			return v;
	}
	return -1;
}

static inline int nsl_open_ns(pid_t pid, const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

#ifndef PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE
#define PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE	_IO(0xFF, 6)
#endif

/*
 * A task's pid_for_children through its pidfd, which unlike /proc also
 * hands out a namespace whose init has not been forked yet.
 */
static inline int nsl_open_pfc_pidfd(pid_t pid)
{
	int pidfd, fd;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	fd = ioctl(pidfd, PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 0);
	if (fd < 0)
		fd = -errno;
	close(pidfd);
	return fd;
}

static inline bool nsl_same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Nanoseconds on the monotonic clock. */
static inline long long nsl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline long nsl_env_long(const char *name, long def)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	v = strtol(s, &end, 10);
	return (*end || v < 0) ? def : v;
}

/*
 * A chain of nested pid namespaces. Level 0 is the builder's active pid
 * namespace; level k > 0 is held by its init, holder k, which has done
 * unshare(CLONE_NEWPID) (except the deepest) so that its pid_for_children
 * is level k + 1. Holder 0 is a child of the builder in level 0 that
 * created level 1. Killing holder 1 takes every deeper level with it.
 */
struct nsl_hier {
	int depth;
	pid_t pid[NSL_MAX_LEVELS];	/* holder k as the builder sees it */
	int fd[NSL_MAX_LEVELS];		/* /proc/pid[k]/ns/pid: level k */
	int pfc[NSL_MAX_LEVELS];	/* pid_for_children of holder k */
};

/* Optional hook run by holder `level` before it unshares the next level. */
typedef int (*nsl_prep_fn)(int level, void *arg);

static inline void nsl_hier_init(struct nsl_hier *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < NSL_MAX_LEVELS; i++) {
		h->fd[i] = -EBADF;
		h->pfc[i] = -EBADF;
	}
}

static inline void nsl_report(int wfd, int level, int val)
{
	int msg[2] = { level, val };

	if (write(wfd, msg, sizeof(msg)) != sizeof(msg))
		_exit(1);
}

/* The holder chain; never returns. */
static inline _Noreturn void
nsl_holder(int depth, int wfd, nsl_prep_fn prep, void *prep_arg)
{
	int level;

	/* Holders need nothing from the test but the report pipe. */
	if (wfd != 3) {
		if (dup2(wfd, 3) < 0)
			_exit(1);
		wfd = 3;
	}
	syscall(SYS_close_range, 4, ~0U, 0);

	for (level = 0;; level++) {
		pid_t child;

		if (prep) {
			int ret = prep(level, prep_arg);

			if (ret) {
				nsl_report(wfd, level, ret);
				_exit(1);
			}
		}
		/* Set after prep: a credential change clears it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (level < depth && unshare(CLONE_NEWPID)) {
			nsl_report(wfd, level, -errno);
			_exit(1);
		}
		nsl_report(wfd, level, 0);
		if (level == depth)
			break;
		child = fork();
		if (child < 0) {
			nsl_report(wfd, level + 1, -errno);
			_exit(1);
		}
		if (child > 0) {
			if (level == 0) {
				/*
				 * Holder 0 lives exactly as long as level 1's
				 * init, so reaping holder 0 proves that every
				 * deeper level is gone.
				 */
				while (waitpid(child, NULL, 0) < 0 &&
				       errno == EINTR)
					;
				_exit(0);
			}
			break;
		}
	}
	/* An init ignoring SIGCHLD reaps orphans without help. */
	if (level > 0)
		signal(SIGCHLD, SIG_IGN);
	for (;;)
		pause();
}

static inline void nsl_hier_destroy(struct nsl_hier *h)
{
	int i;

	if (h->depth > 0 && h->pid[1] > 0)
		kill(h->pid[1], SIGKILL);
	else if (h->pid[0] > 0)
		kill(h->pid[0], SIGKILL);
	if (h->pid[0] > 0) {
		while (waitpid(h->pid[0], NULL, 0) < 0 && errno == EINTR)
			;
	}
	for (i = 0; i < NSL_MAX_LEVELS; i++) {
		if (h->fd[i] >= 0)
			close(h->fd[i]);
		if (h->pfc[i] >= 0)
			close(h->pfc[i]);
	}
	nsl_hier_init(h);
}

/*
 * Builds a hierarchy `depth` levels below the caller's active pid
 * namespace. Holder k's pid comes from the kernel: level k's init is pid
 * 1 there, and NS_GET_PID_FROM_PIDNS on holder k-1's pid_for_children
 * translates it. Returns 0 or -errno; on failure nothing is left behind.
 */
static inline int nsl_hier_build_prep(struct nsl_hier *h, int depth,
				      nsl_prep_fn prep, void *prep_arg)
{
	int pipefd[2], k, ret = 0;
	pid_t pid;

	nsl_hier_init(h);
	if (depth < 0 || depth > NSL_MAX_DEPTH)
		return -EINVAL;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (pid == 0) {
		close(pipefd[0]);
		nsl_holder(depth, pipefd[1], prep, prep_arg);
	}
	close(pipefd[1]);
	h->depth = depth;
	h->pid[0] = pid;

	for (k = 0; k <= depth; k++) {
		int msg[2];
		ssize_t n;

		do {
			n = read(pipefd[0], msg, sizeof(msg));
		} while (n < 0 && errno == EINTR);
		if (n != sizeof(msg)) {
			ret = -EPIPE;
			break;
		}
		if (msg[0] != k || msg[1]) {
			ret = msg[1] ? msg[1] : -EPROTO;
			break;
		}
		if (k > 0) {
			/*
			 * /proc refuses a pid_for_children link until that
			 * namespace has an init, so holder k-1's is opened
			 * only now that holder k exists.
			 */
			h->pfc[k - 1] = nsl_open_ns(h->pid[k - 1],
						    "pid_for_children");
			if (h->pfc[k - 1] < 0) {
				ret = h->pfc[k - 1];
				break;
			}
			pid = ioctl(h->pfc[k - 1], NS_GET_PID_FROM_PIDNS, 1);
			if (pid < 0) {
				ret = -errno;
				break;
			}
			h->pid[k] = pid;
		}
		h->fd[k] = nsl_open_ns(h->pid[k], "pid");
		if (h->fd[k] < 0) {
			ret = h->fd[k];
			break;
		}
		if (k > 0 && !nsl_same_file(h->fd[k], h->pfc[k - 1])) {
			ret = -EXDEV;
			break;
		}
	}
	if (!ret) {
		/* The deepest holder did not unshare: its own namespace. */
		h->pfc[depth] = nsl_open_ns(h->pid[depth], "pid_for_children");
		if (h->pfc[depth] < 0)
			ret = h->pfc[depth];
	}
	close(pipefd[0]);
	if (ret)
		nsl_hier_destroy(h);
	return ret;
}

static inline int nsl_hier_build(struct nsl_hier *h, int depth)
{
	return nsl_hier_build_prep(h, depth, NULL, NULL);
}

/*
 * Forks a child into the pid namespace behind nsfd: it runs fn(arg) and
 * exits with its result, or without fn waits to be killed. Only the
 * calling thread's pid_for_children moves, and it is put back before
 * returning. Returns the child's pid as the caller sees it, or -errno.
 */
static inline pid_t nsl_spawn_fn(int nsfd, int (*fn)(void *), void *arg)
{
	int self, ret;
	pid_t pid;

	self = open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (nsfd >= 0 && setns(nsfd, CLONE_NEWPID)) {
		ret = -errno;
		close(self);
		return ret;
	}
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fn)
			_exit(fn(arg));
		for (;;)
			pause();
	}
	ret = pid < 0 ? -errno : pid;
	if (nsfd >= 0 && setns(self, CLONE_NEWPID)) {
		/* A test left with a moved pid_for_children cannot go on. */
		abort();
	}
	close(self);
	return ret;
}

static inline pid_t nsl_spawn(int nsfd)
{
	return nsl_spawn_fn(nsfd, NULL, NULL);
}

/* Kills and reaps a child; returns its wait status. */
static inline int nsl_reap(pid_t pid)
{
	int status = 0;

	if (pid <= 0)
		return -1;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Waits for a child that exits by itself; returns its exit code or -1. */
static inline int nsl_wait_exit(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Compares a GET vector taken from the initial namespace against an
 * expected one: exact at nested levels, within NSL_ROOT_SLACK above the
 * expected value at the last entry when `last_is_root`. Returns the index
 * of the first mismatch or -1.
 */
static inline int nsl_vec_mismatch(const long *got, const long *want, int n,
				   bool last_is_root)
{
	int i;

	for (i = 0; i < n; i++) {
		if (last_is_root && i == n - 1) {
			if (got[i] < want[i] || got[i] > want[i] + NSL_ROOT_SLACK)
				return i;
		} else if (got[i] != want[i]) {
			return i;
		}
	}
	return -1;
}

/* Module handling for the tests that unload and reload nslastpid. */
#define NSL_MODULE_NAME "nslastpid"

static inline bool nsl_module_loaded(void)
{
	return access("/sys/module/" NSL_MODULE_NAME, F_OK) == 0;
}

/*
 * delete_module() and finit_module() directly: what rmmod and insmod do,
 * without depending on kmod being installed where the tests run.
 * O_NONBLOCK is what rmmod passes too.
 */
static inline int nsl_module_unload(void)
{
	return syscall(SYS_delete_module, NSL_MODULE_NAME, O_NONBLOCK) ?
	       -errno : 0;
}

static inline int nsl_module_load(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * SETs @text (@n values) on @nsfd, a namespace @depth levels below the
 * caller's, forks a task there and compares its nested pids with the values
 * plus one. Returns 0 if they match, -1 with @why filled if not, or a
 * negative errno if a step failed.
 */
static inline int nsl_set_spawn_check(int nsfd, int depth, const char *text,
				      char *why, size_t why_len)
{
	long vals[NSL_MAX_LEVELS], nspid[NSL_MAX_LEVELS];
	int n, k, ret;
	pid_t pid;

	n = nsl_parse(text, vals, NSL_MAX_LEVELS);
	if (n <= 0 || n > depth)
		return -EINVAL;
	ret = nsl_set(nsfd, text);
	if (ret)
		return ret;
	pid = nsl_spawn(nsfd);
	if (pid < 0)
		return pid;
	ret = nsl_read_nspid(pid, nspid, NSL_MAX_LEVELS);
	nsl_reap(pid);
	if (ret != depth + 1)
		return ret < 0 ? ret : -ERANGE;
	/* NSpid lists the outermost level first, the vector the innermost. */
	for (k = 0; k < n; k++) {
		if (nspid[depth - k] != vals[k] + 1) {
			snprintf(why, why_len,
				 "level %d pid is %ld after SET %ld",
				 depth - k, nspid[depth - k], vals[k]);
			return -1;
		}
	}
	return 0;
}

#endif /* NSLASTPID_HELPERS_H */
