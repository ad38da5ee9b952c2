// SPDX-License-Identifier: GPL-2.0
/*
 * Permission checks of NS_SPECIFIC_IOC: callers with and without
 * CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in the user namespace owning each
 * level, callers in nested pid namespaces, and a user namespace owning only
 * the inner levels. Each caller is a real unprivileged process; the
 * outcome is read back by root with GET.
 */
#include <grp.h>
#include <sys/mman.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "nslastpid_helpers.h"

#define DEPTH 3
#define NOBODY 65534
#define OTHER_UID 65533

#define CAPBIT(c) (1ULL << (c))

enum cred {
	AS_ROOT,		/* uid 0, every capability */
	AS_ROOT_WITHOUT,	/* uid 0 without CAP_SYS_ADMIN, CAP_CHECKPOINT_RESTORE */
	AS_NOBODY,		/* uid 65534, no capability */
	AS_NOBODY_CR,		/* uid 65534, CAP_CHECKPOINT_RESTORE only */
	AS_NOBODY_ADMIN,	/* uid 65534, CAP_SYS_ADMIN only */
	AS_NOBODY_OTHERS,	/* uid 65534, capabilities that do not count */
	AS_OTHER_UID,		/* uid 65533, no capability, owns nothing */
	AS_IN_USERNS,		/* uid 65534 inside its user namespace, all caps */
	AS_IN_USERNS_CR,	/* same, CAP_CHECKPOINT_RESTORE only */
	AS_IN_USERNS_ADMIN,	/* same, CAP_SYS_ADMIN only */
	AS_IN_USERNS_NONE,	/* same, no capability */
};

/*
 * Hierarchy R is owned by the initial user namespace; in U, levels 2 and 3
 * belong to a user namespace created by uid 65534.
 */
enum { HR, HU };

struct perm_case {
	const char *name;
	enum cred cred;
	int place;		/* level of R the caller's active pid ns is */
	int hier;		/* hierarchy of the opened namespace */
	int level;		/* its level */
	int n;			/* SET: number of values; 0 means GET */
	int err;
	int get_count;		/* GET success: number of values returned */
};

static const struct perm_case cases[] = {
	/* No capability, or the wrong ones. */
	{ "no caps, nested levels", AS_NOBODY, 0, HR, 3, 3, EPERM, 0 },
	{ "no caps, one level", AS_NOBODY, 0, HR, 1, 1, EPERM, 0 },
	{ "no caps, full vector", AS_NOBODY, 0, HR, 3, 4, EPERM, 0 },
	{ "no caps, GET", AS_NOBODY, 0, HR, 3, 0, 0, 4 },
	{ "unrelated caps", AS_NOBODY_OTHERS, 0, HR, 3, 1, EPERM, 0 },
	{ "uid 0 without the two caps", AS_ROOT_WITHOUT, 0, HR, 3, 2, EPERM, 0 },
	{ "other uid, no caps, GET", AS_OTHER_UID, 0, HR, 2, 0, 0, 3 },
	/* Either capability is enough. */
	{ "CAP_CHECKPOINT_RESTORE, nested", AS_NOBODY_CR, 0, HR, 3, 3, 0, 0 },
	{ "CAP_CHECKPOINT_RESTORE, full", AS_NOBODY_CR, 0, HR, 3, 4, 0, 0 },
	{ "CAP_SYS_ADMIN, partial", AS_NOBODY_ADMIN, 0, HR, 2, 2, 0, 0 },
	{ "CAP_SYS_ADMIN, full", AS_NOBODY_ADMIN, 0, HR, 2, 3, 0, 0 },
	/* Nested callers stop at their own pid namespace. */
	{ "nested, up to own level", AS_ROOT, 1, HR, 3, 3, 0, 0 },
	{ "nested, past own level", AS_ROOT, 1, HR, 3, 4, EPERM, 0 },
	{ "nested, more values than levels", AS_ROOT, 1, HR, 3, 6, EPERM, 0 },
	{ "nested, on an ancestor", AS_ROOT, 1, HR, 0, 1, EPERM, 0 },
	{ "nested deeper, on an ancestor", AS_ROOT, 2, HR, 1, 1, EPERM, 0 },
	{ "nested, on own level", AS_ROOT, 2, HR, 2, 1, 0, 0 },
	{ "nested, GET stops at own level", AS_ROOT, 1, HR, 3, 0, 0, 3 },
	{ "nested, GET of an ancestor", AS_ROOT, 1, HR, 0, 0, EPERM, 0 },
	{ "nested, GET of own level", AS_ROOT, 2, HR, 2, 0, 0, 1 },
	{ "nested, other hierarchy", AS_ROOT, 1, HU, 3, 1, EPERM, 0 },
	{ "nested, GET of other hierarchy", AS_ROOT, 1, HU, 3, 0, EPERM, 0 },
	{ "nested with CAP_CHECKPOINT_RESTORE", AS_NOBODY_CR, 1, HR, 3, 2, 0, 0 },
	{ "nested without caps", AS_NOBODY, 2, HR, 3, 1, EPERM, 0 },
	/* A user namespace owning levels 2 and 3 of U only. */
	{ "userns owner outside it, its levels", AS_NOBODY, 0, HU, 3, 2, 0, 0 },
	{ "userns owner outside it, one level more", AS_NOBODY, 0, HU, 3, 3,
	  EPERM, 0 },
	{ "userns owner outside it, full", AS_NOBODY, 0, HU, 3, 4, EPERM, 0 },
	{ "userns owner, R's levels", AS_NOBODY, 0, HR, 3, 1, EPERM, 0 },
	{ "inside userns, its levels", AS_IN_USERNS, 0, HU, 3, 2, 0, 0 },
	{ "inside userns, level 2 only", AS_IN_USERNS, 0, HU, 2, 1, 0, 0 },
	{ "inside userns, one level more", AS_IN_USERNS, 0, HU, 3, 3, EPERM, 0 },
	{ "inside userns, full", AS_IN_USERNS, 0, HU, 3, 4, EPERM, 0 },
	{ "inside userns, level 1", AS_IN_USERNS, 0, HU, 1, 1, EPERM, 0 },
	{ "inside userns, R's levels", AS_IN_USERNS, 0, HR, 3, 1, EPERM, 0 },
	{ "inside userns, GET", AS_IN_USERNS, 0, HU, 3, 0, 0, 4 },
	{ "inside userns, CAP_CHECKPOINT_RESTORE", AS_IN_USERNS_CR, 0, HU, 3, 2,
	  0, 0 },
	{ "inside userns, CAP_SYS_ADMIN", AS_IN_USERNS_ADMIN, 0, HU, 3, 2, 0, 0 },
	{ "inside userns, no caps", AS_IN_USERNS_NONE, 0, HU, 3, 1, EPERM, 0 },
	{ "non-owner uid, userns levels", AS_OTHER_UID, 0, HU, 3, 1, EPERM, 0 },
	{ "root, userns levels and above", AS_ROOT, 0, HU, 3, 4, 0, 0 },
};

#define NCASES ((int)ARRAY_SIZE(cases))

/* What the caller process gets and hands back, in shared memory. */
struct shared {
	int fd;			/* the opened namespace, inherited */
	int userns_fd;
	bool get;
	char text[NSL_TEXT_CAP];
	int ret;		/* ioctl result, or 1000 + step on setup error */
	char out[NSL_TEXT_CAP];
	int go_fd;
	enum cred cred;
};

static int set_caps(__u64 mask)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	data[0].effective = (__u32)mask;
	data[0].permitted = (__u32)mask;
	data[1].effective = (__u32)(mask >> 32);
	data[1].permitted = (__u32)(mask >> 32);
	return syscall(SYS_capset, &hdr, data);
}

static __u64 effective_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return ~0ULL;
	return data[0].effective | (__u64)data[1].effective << 32;
}

/* Becomes uid, keeping exactly the capabilities in keep. */
static int become(uid_t uid, __u64 keep)
{
	if (prctl(PR_SET_KEEPCAPS, keep ? 1 : 0))
		return 1;
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return 2;
	if (set_caps(keep))
		return 3;
	if (getuid() != uid || geteuid() != uid || effective_caps() != keep)
		return 4;
	return 0;
}

static int apply_cred(struct shared *sh)
{
	const __u64 cr = CAPBIT(CAP_CHECKPOINT_RESTORE);
	const __u64 admin = CAPBIT(CAP_SYS_ADMIN);
	__u64 all = effective_caps();
	int ret;

	switch (sh->cred) {
	case AS_ROOT:
		return 0;
	case AS_ROOT_WITHOUT:
		if (set_caps(all & ~(cr | admin)))
			return 1;
		return effective_caps() & (cr | admin) ? 2 : 0;
	case AS_NOBODY:
		return become(NOBODY, 0);
	case AS_NOBODY_CR:
		return become(NOBODY, cr);
	case AS_NOBODY_ADMIN:
		return become(NOBODY, admin);
	case AS_NOBODY_OTHERS:
		return become(NOBODY, CAPBIT(CAP_SYS_PTRACE) |
			      CAPBIT(CAP_NET_ADMIN) | CAPBIT(CAP_SETUID) |
			      CAPBIT(CAP_SYS_RESOURCE) | CAPBIT(CAP_DAC_OVERRIDE));
	case AS_OTHER_UID:
		return become(OTHER_UID, 0);
	case AS_IN_USERNS:
	case AS_IN_USERNS_CR:
	case AS_IN_USERNS_ADMIN:
	case AS_IN_USERNS_NONE:
		ret = become(NOBODY, 0);
		if (ret)
			return ret;
		/* The owner may enter, and gets every capability inside. */
		if (setns(sh->userns_fd, CLONE_NEWUSER))
			return 5;
		if (sh->cred == AS_IN_USERNS_CR)
			return set_caps(cr) ? 6 : 0;
		if (sh->cred == AS_IN_USERNS_ADMIN)
			return set_caps(admin) ? 6 : 0;
		if (sh->cred == AS_IN_USERNS_NONE)
			return set_caps(0) ? 6 : 0;
		return 0;
	}
	return 7;
}

/* Runs in the caller process: credentials, then wait for go, then call. */
static int caller(void *p)
{
	struct shared *sh = p;
	int ret = apply_cred(sh);
	char c;

	if (ret) {
		sh->ret = 1000 + ret;
		return 1;
	}
	if (read(sh->go_fd, &c, 1) != 1) {
		sh->ret = 1100;
		return 1;
	}
	if (sh->get) {
		__u32 len;

		sh->ret = nsl_get_text(sh->fd, sh->out, sizeof(sh->out), &len);
	} else {
		sh->ret = nsl_set(sh->fd, sh->text);
	}
	return 0;
}

/* Holder 1 of U becomes uid 65534 and creates the user namespace. */
static int userns_prep(int level, void *arg)
{
	if (level != 1)
		return 0;
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	if (unshare(CLONE_NEWUSER))
		return -errno;
	return 0;
}

FIXTURE(perm) {
	struct nsl_hier h[2];
	int userns_fd;
	struct shared *sh;
};

FIXTURE_SETUP(perm)
{
	int ret;

	self->userns_fd = -EBADF;
	ret = nsl_hier_build(&self->h[HR], DEPTH);
	ASSERT_EQ(ret, 0) {
		TH_LOG("building R: %s", strerror(-ret));
	}
	ret = nsl_hier_build_prep(&self->h[HU], DEPTH, userns_prep, NULL);
	ASSERT_EQ(ret, 0) {
		TH_LOG("building U with a user namespace: %s", strerror(-ret));
	}
	self->userns_fd = nsl_open_ns(self->h[HU].pid[2], "user");
	ASSERT_GE(self->userns_fd, 0);
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->sh, MAP_FAILED);
}

FIXTURE_TEARDOWN(perm)
{
	nsl_hier_destroy(&self->h[HR]);
	nsl_hier_destroy(&self->h[HU]);
	if (self->userns_fd >= 0)
		close(self->userns_fd);
}

/* U's levels 2 and 3 really belong to the new user namespace. */
TEST_F(perm, userns_layout)
{
	struct nsl_hier *u = &self->h[HU];
	int level;

	for (level = 0; level <= DEPTH; level++) {
		int owner = ioctl(u->fd[level], NS_GET_USERNS);
		bool inner;

		ASSERT_GE(owner, 0);
		inner = nsl_same_file(owner, self->userns_fd);
		close(owner);
		EXPECT_EQ(inner, level >= 2) {
			TH_LOG("level %d of U is %sowned by the new user namespace",
			       level, inner ? "" : "not ");
		}
	}
}

/*
 * Every case of the table: the caller gets its documented answer, and
 * root's GET shows exactly the levels a success names changed and none
 * after a refusal.
 */
TEST_F(perm, table)
{
	int i, failures = 0;

	for (i = 0; i < NCASES; i++) {
		const struct perm_case *c = &cases[i];
		struct nsl_hier *h = &self->h[c->hier];
		long before[NSL_MAX_LEVELS], after[NSL_MAX_LEVELS];
		long vals[NSL_MAX_LEVELS], want[NSL_MAX_LEVELS];
		int go[2], k, bad, ret;
		pid_t pid;

		memset(self->sh, 0, sizeof(*self->sh));
		self->sh->fd = h->fd[c->level];
		self->sh->userns_fd = self->userns_fd;
		self->sh->get = c->n == 0;
		self->sh->cred = c->cred;
		ASSERT_EQ(pipe2(go, O_CLOEXEC), 0);
		self->sh->go_fd = go[0];

		pid = nsl_spawn_fn(c->place ? self->h[HR].fd[c->place] : -1,
				   caller, self->sh);
		ASSERT_GT(pid, 0);
		close(go[0]);

		/* Now that the caller exists, nothing forks until the end. */
		ASSERT_EQ(nsl_get(h->fd[DEPTH], before, NSL_MAX_LEVELS),
			  DEPTH + 1);
		for (k = 0; k < c->n; k++) {
			int level = c->level - k;

			vals[k] = level > 0 ? 2000 + 40 * level + i :
				  nsl_pick_root_value(h->fd[0], before[DEPTH]);
		}
		if (c->n > c->level + 1) {
			/* Past the initial namespace: values are never used. */
			for (k = c->level + 1; k < c->n; k++)
				vals[k] = 7;
		}
		nsl_format(self->sh->text, sizeof(self->sh->text), vals, c->n);
		ASSERT_EQ(write(go[1], "g", 1), 1);
		close(go[1]);
		ret = nsl_wait_exit(pid);
		ASSERT_EQ(ret, 0) {
			TH_LOG("case \"%s\": the caller failed to run (%d)",
			       c->name, self->sh->ret);
		}

		EXPECT_EQ(self->sh->ret, -c->err) {
			TH_LOG("case %d \"%s\" (%s \"%s\"): got %s, expected %s",
			       i, c->name, c->n ? "SET" : "GET", self->sh->text,
			       self->sh->ret ? strerror(-self->sh->ret) : "success",
			       c->err ? strerror(c->err) : "success");
			failures++;
		}
		if (!c->n && !c->err && !self->sh->ret) {
			long out[NSL_MAX_LEVELS];

			EXPECT_EQ(nsl_parse(self->sh->out, out, NSL_MAX_LEVELS),
				  c->get_count) {
				TH_LOG("case \"%s\": GET returned \"%s\"", c->name,
				       self->sh->out);
				failures++;
			}
		}

		/* Root's view: the levels of the opened namespace's hierarchy. */
		ASSERT_EQ(nsl_get(h->fd[DEPTH], after, NSL_MAX_LEVELS),
			  DEPTH + 1);
		memcpy(want, before, sizeof(want));
		if (c->n && !c->err) {
			for (k = 0; k < c->n; k++)
				want[DEPTH - c->level + k] = vals[k];
		}
		bad = nsl_vec_mismatch(after, want, DEPTH + 1, true);
		EXPECT_EQ(bad, -1) {
			TH_LOG("case %d \"%s\": level %d is %ld, expected %ld",
			       i, c->name, DEPTH - bad, after[bad], want[bad]);
			failures++;
		}
	}
	ksft_print_msg("permission cases: %d, failed: %d\n", NCASES, failures);
}

TEST_HARNESS_MAIN
