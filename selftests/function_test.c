// SPDX-License-Identifier: GPL-2.0
/*
 * Functional tests of NS_SPECIFIC_IOC: SET and GET on pid namespace
 * hierarchies of every depth, checked against the pids the kernel then
 * hands to a forked task (its NSpid line) and against GET.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "nslastpid_helpers.h"

/* Nested level k gets 1000 + 10k (+ salt): far above the holders' pids. */
static long nested_value(int level, long salt)
{
	return 1000 + 10 * level + salt;
}

/*
 * Forks a task into level `lvl` of h and checks what the kernel says about
 * it: its NSpid entry at each level j must be want[j] (within the slack at
 * level 0), and GET from that level afterwards must name those same pids.
 */
static void check_fork(struct __test_metadata *_metadata, struct nsl_hier *h,
		       int lvl, const long *want)
{
	long nspid[NSL_MAX_LEVELS], got[NSL_MAX_LEVELS];
	int n, m, j;
	pid_t child;

	child = nsl_spawn(h->fd[lvl]);
	ASSERT_GT(child, 0) {
		TH_LOG("fork into level %d failed: %s", lvl, strerror(-child));
	}
	n = nsl_read_nspid(child, nspid, NSL_MAX_LEVELS);
	m = nsl_get(h->fd[lvl], got, NSL_MAX_LEVELS);
	nsl_reap(child);
	ASSERT_EQ(n, lvl + 1) {
		TH_LOG("NSpid of a task in level %d has %d entries", lvl, n);
	}
	ASSERT_EQ(m, lvl + 1) {
		TH_LOG("GET from level %d after the fork returned %d", lvl, m);
	}
	for (j = 0; j <= lvl; j++) {
		if (j == 0) {
			EXPECT_TRUE(nspid[0] >= want[0] &&
				    nspid[0] <= want[0] + NSL_ROOT_SLACK) {
				TH_LOG("level 0: pid %ld, expected %ld",
				       nspid[0], want[0]);
			}
			EXPECT_TRUE(got[lvl] >= nspid[0] &&
				    got[lvl] <= nspid[0] + NSL_ROOT_SLACK) {
				TH_LOG("level 0: GET %ld after a fork that got %ld",
				       got[lvl], nspid[0]);
			}
			continue;
		}
		EXPECT_EQ(nspid[j], want[j]) {
			TH_LOG("level %d of %d: forked task got pid %ld, expected %ld",
			       j, lvl, nspid[j], want[j]);
		}
		EXPECT_EQ(got[lvl - j], nspid[j]) {
			TH_LOG("level %d: GET says %ld, the task got %ld",
			       j, got[lvl - j], nspid[j]);
		}
	}
}

/*
 * SETs n values through fd, which opens level lvl of h, then checks GET
 * and a forked task: set levels give value + 1 (the next free pid after
 * it), the others carry on from where they were.
 */
static void set_and_check(struct __test_metadata *_metadata, struct nsl_hier *h,
			  int lvl, int fd, int n, long salt)
{
	long vals[NSL_MAX_LEVELS], before[NSL_MAX_LEVELS];
	long after[NSL_MAX_LEVELS], want[NSL_MAX_LEVELS];
	char text[NSL_TEXT_CAP];
	int i, m, bad;

	m = nsl_get(fd, before, NSL_MAX_LEVELS);
	ASSERT_EQ(m, lvl + 1) {
		TH_LOG("GET before SET on level %d returned %d", lvl, m);
	}
	for (i = 0; i < n; i++) {
		int level = lvl - i;

		vals[i] = level ? nested_value(level, salt) :
			  nsl_pick_root_value(h->fd[0], before[lvl]);
		ASSERT_GT(vals[i], 0);
		ASSERT_FALSE(nsl_pid_in_use(h->fd[level], vals[i] + 1)) {
			TH_LOG("level %d: pid %ld already taken", level, vals[i] + 1);
		}
	}
	nsl_format(text, sizeof(text), vals, n);
	ASSERT_EQ(nsl_set(fd, text), 0) {
		TH_LOG("SET \"%s\" on level %d: %s", text, lvl, strerror(errno));
	}

	m = nsl_get(fd, after, NSL_MAX_LEVELS);
	ASSERT_EQ(m, lvl + 1);
	for (i = n; i <= lvl; i++)
		vals[i] = before[i];
	bad = nsl_vec_mismatch(after, vals, lvl + 1, true);
	ASSERT_EQ(bad, -1) {
		TH_LOG("after SET \"%s\": GET entry %d is %ld, expected %ld",
		       text, bad, after[bad], vals[bad]);
	}

	for (i = 0; i <= lvl; i++) {
		int level = lvl - i;

		want[level] = nsl_next_free(h->fd[level], after[i]);
	}
	check_fork(_metadata, h, lvl, want);
}

FIXTURE(levels) {
	struct nsl_hier h;
};

FIXTURE_VARIANT(levels) {
	int depth;
};

#define DEPTH(d) \
	FIXTURE_VARIANT_ADD(levels, depth_##d) { .depth = d, }

DEPTH(0); DEPTH(1); DEPTH(2); DEPTH(3); DEPTH(4); DEPTH(5); DEPTH(6);
DEPTH(7); DEPTH(8); DEPTH(9); DEPTH(10); DEPTH(11); DEPTH(12); DEPTH(13);
DEPTH(14); DEPTH(15); DEPTH(16); DEPTH(17); DEPTH(18); DEPTH(19);
DEPTH(20); DEPTH(21); DEPTH(22); DEPTH(23); DEPTH(24); DEPTH(25);
DEPTH(26); DEPTH(27); DEPTH(28); DEPTH(29); DEPTH(30); DEPTH(31);
DEPTH(32);

FIXTURE_SETUP(levels)
{
	int ret = nsl_hier_build(&self->h, variant->depth);

	ASSERT_EQ(ret, 0) {
		TH_LOG("building %d nested pid namespaces: %s", variant->depth,
		       strerror(-ret));
	}
}

FIXTURE_TEARDOWN(levels)
{
	nsl_hier_destroy(&self->h);
}

/* A vector as long as allowed, from the innermost level outwards. */
TEST_F(levels, full_vector)
{
	int lvl = variant->depth;
	int n = lvl + 1 < NS_LAST_PIDS_MAX_LEVELS ? lvl + 1 :
		NS_LAST_PIDS_MAX_LEVELS;

	set_and_check(_metadata, &self->h, lvl, self->h.fd[lvl], n, 0);
}

/* About half the levels: the outer ones keep their last pids. */
TEST_F(levels, partial_vector)
{
	int lvl = variant->depth;
	int n = (lvl + 1) / 2 ? (lvl + 1) / 2 : 1;

	set_and_check(_metadata, &self->h, lvl, self->h.fd[lvl], n, 3);
}

/* The same namespace reached through a pid_for_children link. */
TEST_F(levels, pid_for_children_fd)
{
	int lvl = variant->depth, fd = -EBADF;
	int n = lvl + 1 < NS_LAST_PIDS_MAX_LEVELS ? lvl + 1 :
		NS_LAST_PIDS_MAX_LEVELS;

	if (lvl == 0)
		fd = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
	else
		fd = dup(self->h.pfc[lvl - 1]);
	ASSERT_GE(fd, 0);
	ASSERT_TRUE(nsl_same_file(fd, self->h.fd[lvl]));
	set_and_check(_metadata, &self->h, lvl, fd, n, 5);
	close(fd);
}

/* An fd that NS_GET_PARENT returned works like one opened from /proc. */
TEST_F(levels, parent_fd)
{
	int lvl = variant->depth, fd = -EBADF, n;

	fd = ioctl(self->h.fd[lvl], NS_GET_PARENT);
	if (lvl == 0) {
		/* The initial namespace has no parent to hand out. */
		ASSERT_EQ(fd, -1);
		ASSERT_EQ(errno, EPERM) {
			TH_LOG("NS_GET_PARENT on the initial pid namespace");
		}
		return;
	}
	ASSERT_GE(fd, 0) {
		TH_LOG("NS_GET_PARENT: %s", strerror(errno));
	}
	ASSERT_TRUE(nsl_same_file(fd, self->h.fd[lvl - 1]));
	n = lvl < NS_LAST_PIDS_MAX_LEVELS ? lvl : NS_LAST_PIDS_MAX_LEVELS;
	set_and_check(_metadata, &self->h, lvl - 1, fd, n, 7);
	close(fd);
}

/*
 * GET's text fed back to SET leaves everything as it was; ERANGE reports
 * the needed length without touching the buffer; a 33-value text, which
 * only the deepest namespace can produce, is refused.
 */
TEST_F(levels, get_set_roundtrip)
{
	int lvl = variant->depth, fd = self->h.fd[lvl], m, bad;
	char text[NSL_TEXT_CAP], small[NSL_TEXT_CAP];
	long v1[NSL_MAX_LEVELS], v2[NSL_MAX_LEVELS];
	__u32 len, len2;
	int i;

	memset(text, 0x55, sizeof(text));
	ASSERT_OK(nsl_get_text(fd, text, sizeof(text), &len));
	ASSERT_EQ(strlen(text) + 1, len) {
		TH_LOG("GET out_len does not match the text it wrote");
	}
	ASSERT_EQ(nsl_parse(text, v1, NSL_MAX_LEVELS), lvl + 1) {
		TH_LOG("GET text \"%s\"", text);
	}

	/* Exactly the needed capacity is enough. */
	memset(small, 0x55, sizeof(small));
	ASSERT_OK(nsl_get_text(fd, small, len, &len2));
	ASSERT_EQ(len2, len) {
		TH_LOG("GET with the exact capacity reported another length");
	}

	/* One byte short: ERANGE, needed length reported, buffer untouched. */
	memset(small, 0x55, sizeof(small));
	ASSERT_EQ(nsl_get_text(fd, small, len - 1, &len2), -ERANGE);
	ASSERT_EQ(len2, len) {
		TH_LOG("ERANGE did not report the needed length");
	}
	for (i = 0; i < (int)sizeof(small); i++) {
		ASSERT_EQ(small[i], 0x55) {
			TH_LOG("byte %d of a too small GET buffer was written", i);
		}
	}
	ASSERT_EQ(nsl_get_text(fd, NULL, 0, &len2), -ERANGE);
	ASSERT_EQ(len2, len) {
		TH_LOG("ERANGE with a NULL buffer did not report the needed length");
	}

	if (lvl + 1 > NS_LAST_PIDS_MAX_LEVELS) {
		ASSERT_EQ(nsl_set(fd, text), -EINVAL) {
			TH_LOG("SET of %d values was not refused", lvl + 1);
		}
	} else {
		ASSERT_EQ(nsl_set(fd, text), 0) {
			TH_LOG("SET \"%s\" (GET's own text): %s", text,
			       strerror(errno));
		}
	}
	m = nsl_get(fd, v2, NSL_MAX_LEVELS);
	ASSERT_EQ(m, lvl + 1);
	bad = nsl_vec_mismatch(v2, v1, m, true);
	ASSERT_EQ(bad, -1) {
		TH_LOG("entry %d changed from %ld to %ld", bad, v1[bad], v2[bad]);
	}
}

/*
 * Value 0 restarts the search at 1; a last pid at pid_max - 1 or pid_max
 * leaves nothing above, so the allocator wraps, and since its cursor is
 * past RESERVED_PIDS it wraps to 300 rather than 1 (alloc_pid()); the
 * same happens after writing those values to ns_last_pid.
 */
TEST(zero_and_pid_max)
{
	long pid_max = nsl_pid_max(), cases[4][2], got[2], nspid[2];
	struct nsl_hier h;
	char text[32];
	int i;

	ASSERT_GT(pid_max, NSL_RESERVED_PIDS);
	ASSERT_OK(nsl_hier_build(&h, 1));
	cases[0][0] = 0;
	cases[1][0] = pid_max - 2;
	cases[2][0] = pid_max - 1;
	cases[3][0] = pid_max;
	cases[0][1] = nsl_next_free(h.fd[1], 0);
	cases[1][1] = pid_max - 1;
	cases[2][1] = nsl_next_free(h.fd[1], NSL_RESERVED_PIDS - 1);
	cases[3][1] = cases[2][1];
	ASSERT_FALSE(nsl_pid_in_use(h.fd[1], pid_max - 1));

	for (i = 0; i < 4; i++) {
		pid_t child;

		snprintf(text, sizeof(text), "%ld", cases[i][0]);
		ASSERT_EQ(nsl_set(h.fd[1], text), 0) {
			TH_LOG("SET \"%s\": %s", text, strerror(errno));
		}
		ASSERT_EQ(nsl_get(h.fd[1], got, 2), 2);
		EXPECT_EQ(got[0], cases[i][0]) {
			TH_LOG("GET does not read back the value just set");
		}
		child = nsl_spawn(h.fd[1]);
		ASSERT_GT(child, 0);
		ASSERT_EQ(nsl_read_nspid(child, nspid, 2), 2);
		nsl_reap(child);
		EXPECT_EQ(nspid[1], cases[i][1]) {
			TH_LOG("after SET %s the next task got %ld, expected %ld",
			       text, nspid[1], cases[i][1]);
		}
	}
	nsl_hier_destroy(&h);
}

/* Writes *(long *)arg to ns_last_pid, forks, returns the child's pid. */
static int sysctl_fork(void *arg)
{
	long *shared = arg;
	char buf[32];
	int fd, len;
	pid_t child;

	fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	len = snprintf(buf, sizeof(buf), "%ld", shared[0]);
	if (write(fd, buf, len) != len)
		return 2;
	close(fd);
	child = fork();
	if (child < 0)
		return 3;
	if (child == 0)
		_exit(0);
	shared[1] = child;
	waitpid(child, NULL, 0);
	return 0;
}

/*
 * Two identical one-level hierarchies: one is driven by SET, the other by
 * the ns_last_pid sysctl written from inside it. For the same value the
 * next task gets the same pid in both, including values whose successor is
 * taken (the allocator moves on) and values at pid_max.
 */
TEST(same_as_sysctl)
{
	long pid_max = nsl_pid_max(), *shared;
	long values[] = { 0, 150, 199, 200, 1000, 0, 0, 0 };
	struct nsl_hier a, b;
	pid_t occ[2][2];
	int i, k;

	values[5] = pid_max - 2;
	values[6] = pid_max - 1;
	values[7] = pid_max;
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(shared, MAP_FAILED);
	ASSERT_OK(nsl_hier_build(&a, 1));
	ASSERT_OK(nsl_hier_build(&b, 1));

	/* Both levels get occupants at 200 and 201. */
	for (k = 0; k < 2; k++) {
		struct nsl_hier *h = k ? &b : &a;

		ASSERT_OK(nsl_set(h->fd[1], "199"));
		occ[k][0] = nsl_spawn(h->fd[1]);
		occ[k][1] = nsl_spawn(h->fd[1]);
		ASSERT_GT(occ[k][0], 0);
		ASSERT_GT(occ[k][1], 0);
		ASSERT_TRUE(nsl_pid_in_use(h->fd[1], 200)) {
			TH_LOG("occupant did not get pid 200");
		}
		ASSERT_TRUE(nsl_pid_in_use(h->fd[1], 201)) {
			TH_LOG("occupant did not get pid 201");
		}
	}

	for (i = 0; i < (int)ARRAY_SIZE(values); i++) {
		long nspid[2], want;
		pid_t dummy, child, writer;
		char text[32];

		/* The sysctl writer takes a pid: a dummy does the same in a. */
		ASSERT_OK(nsl_set(a.fd[1], "500"));
		ASSERT_OK(nsl_set(b.fd[1], "500"));
		dummy = nsl_spawn(a.fd[1]);
		ASSERT_GT(dummy, 0);

		want = values[i] >= pid_max - 1 ?
		       nsl_next_free(a.fd[1], NSL_RESERVED_PIDS - 1) :
		       nsl_next_free(a.fd[1], values[i]);
		snprintf(text, sizeof(text), "%ld", values[i]);
		ASSERT_OK(nsl_set(a.fd[1], text));
		child = nsl_spawn(a.fd[1]);
		ASSERT_GT(child, 0);
		ASSERT_EQ(nsl_read_nspid(child, nspid, 2), 2);

		shared[0] = values[i];
		shared[1] = -1;
		writer = nsl_spawn_fn(b.fd[1], sysctl_fork, shared);
		ASSERT_GT(writer, 0);
		ASSERT_EQ(nsl_wait_exit(writer), 0) {
			TH_LOG("writing %ld to ns_last_pid inside b failed", values[i]);
		}
		nsl_reap(child);
		nsl_reap(dummy);

		EXPECT_EQ(nspid[1], want) {
			TH_LOG("SET %ld: next pid %ld, expected %ld", values[i],
			       nspid[1], want);
		}
		EXPECT_EQ(nspid[1], shared[1]) {
			TH_LOG("value %ld: SET gave %ld, ns_last_pid gave %ld",
			       values[i], nspid[1], shared[1]);
		}
	}
	for (k = 0; k < 2; k++) {
		nsl_reap(occ[k][0]);
		nsl_reap(occ[k][1]);
	}
	nsl_hier_destroy(&a);
	nsl_hier_destroy(&b);
	munmap(shared, 4096);
}

/* A wanted pid taken at every level: each level moves on by itself. */
TEST(wanted_pid_taken)
{
	long want[4], before[4];
	struct nsl_hier h;
	pid_t occupant;
	int j;

	ASSERT_OK(nsl_hier_build(&h, 3));
	ASSERT_OK(nsl_set(h.fd[3], "500:600:700"));
	occupant = nsl_spawn(h.fd[3]);
	ASSERT_GT(occupant, 0);
	ASSERT_TRUE(nsl_pid_in_use(h.fd[3], 501)) {
		TH_LOG("occupant did not get 501 at level 3");
	}
	ASSERT_TRUE(nsl_pid_in_use(h.fd[2], 601)) {
		TH_LOG("occupant did not get 601 at level 2");
	}
	ASSERT_TRUE(nsl_pid_in_use(h.fd[1], 701)) {
		TH_LOG("occupant did not get 701 at level 1");
	}

	/* Level 2 asks for a free pid, the others for taken ones. */
	ASSERT_OK(nsl_set(h.fd[3], "500:610:700"));
	ASSERT_EQ(nsl_get(h.fd[3], before, 4), 4);
	want[0] = nsl_next_free(h.fd[0], before[3]);
	want[1] = 702;
	want[2] = 611;
	want[3] = 502;
	for (j = 1; j < 4; j++) {
		ASSERT_EQ(nsl_next_free(h.fd[j], before[3 - j]), want[j]) {
			TH_LOG("level %d: allocator precondition differs from expectation", j);
		}
	}
	check_fork(_metadata, &h, 3, want);
	nsl_reap(occupant);
	nsl_hier_destroy(&h);
}

struct unshare_arg {
	int ready_fd;
};

/* Unshares a pid namespace and then never forks: its init never exists. */
static int unshare_and_wait(void *p)
{
	struct unshare_arg *arg = p;
	char c = 0;

	if (unshare(CLONE_NEWPID))
		return 1;
	if (write(arg->ready_fd, &c, 1) != 1)
		return 2;
	for (;;)
		pause();
}

/*
 * Opens the pid_for_children of a task, spawned into level `lvl` of h,
 * that unshared a pid namespace and has not forked yet.
 */
static int open_uninit(struct __test_metadata *_metadata, struct nsl_hier *h,
		       int lvl, pid_t *task)
{
	struct unshare_arg arg;
	int pipefd[2], fd;
	char c;

	ASSERT_EQ(pipe2(pipefd, O_CLOEXEC), 0);
	arg.ready_fd = pipefd[1];
	*task = nsl_spawn_fn(h->fd[lvl], unshare_and_wait, &arg);
	ASSERT_GT(*task, 0);
	close(pipefd[1]);
	ASSERT_EQ(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	/* /proc hides such a namespace (ENOENT); the pidfd ioctl does not. */
	ASSERT_EQ(nsl_open_ns(*task, "pid_for_children"), -ENOENT) {
		TH_LOG("/proc should hide a pid_for_children without init");
	}
	fd = nsl_open_pfc_pidfd(*task);
	ASSERT_GE(fd, 0) {
		TH_LOG("PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE: %s", strerror(-fd));
	}
	ASSERT_FALSE(nsl_same_file(fd, h->fd[lvl]));
	return fd;
}

/*
 * A namespace whose init does not exist yet reads as 0 and accepts only
 * 0, so that its first task is still pid 1; a refused vector changes no
 * other level either. Once init exists, other values are fine.
 */
TEST(no_init_yet)
{
	long v[NSL_MAX_LEVELS], want[NSL_MAX_LEVELS], root;
	struct nsl_hier h;
	char text[64];
	int fd = -EBADF, bad;
	long expect[4];
	pid_t task, child;

	ASSERT_OK(nsl_hier_build(&h, 2));
	fd = open_uninit(_metadata, &h, 2, &task);

	ASSERT_EQ(nsl_get(fd, v, NSL_MAX_LEVELS), 4);
	EXPECT_EQ(v[0], 0) {
		TH_LOG("a namespace without init must read as 0");
	}
	root = nsl_pick_root_value(h.fd[0], v[3]);
	ASSERT_GT(root, 0);

	EXPECT_ERR(nsl_set(fd, "5"), EINVAL);
	EXPECT_ERR(nsl_set(fd, "1"), EINVAL);
	EXPECT_OK(nsl_set(fd, "0"));
	EXPECT_OK(nsl_set(fd, "0:150"));
	snprintf(text, sizeof(text), "0:160:170:%ld", root);
	EXPECT_OK(nsl_set(fd, text));

	/* All or nothing: the bad innermost value keeps 160:170:root. */
	snprintf(text, sizeof(text), "4:161:171:%ld", root + 500);
	EXPECT_ERR(nsl_set(fd, text), EINVAL);
	ASSERT_EQ(nsl_get(fd, v, NSL_MAX_LEVELS), 4);
	expect[0] = 0;
	expect[1] = 160;
	expect[2] = 170;
	expect[3] = root;
	bad = nsl_vec_mismatch(v, expect, 4, true);
	EXPECT_EQ(bad, -1) {
		TH_LOG("entry %d is %ld, expected %ld", bad, v[bad], expect[bad]);
	}

	/* The first task in the new namespace is its init, pid 1. */
	want[0] = root + 1;
	want[1] = 171;
	want[2] = 161;
	want[3] = 1;
	child = nsl_spawn(fd);
	ASSERT_GT(child, 0);
	ASSERT_EQ(nsl_read_nspid(child, v, NSL_MAX_LEVELS), 4);
	EXPECT_TRUE(v[0] >= want[0] && v[0] <= want[0] + NSL_ROOT_SLACK) {
		TH_LOG("level 0 pid %ld outside [%ld, %ld]", v[0], want[0],
		       want[0] + NSL_ROOT_SLACK);
	}
	for (bad = 1; bad < 4; bad++) {
		EXPECT_EQ(v[bad], want[bad]) {
			TH_LOG("level %d: pid %ld, expected %ld", bad, v[bad],
			       want[bad]);
		}
	}
	ASSERT_EQ(nsl_get(fd, v, NSL_MAX_LEVELS), 4);
	EXPECT_EQ(v[0], 1) {
		TH_LOG("after its first fork the namespace must read 1");
	}

	/* With init alive the namespace takes any value. */
	EXPECT_OK(nsl_set(fd, "41"));
	ASSERT_EQ(nsl_get(fd, v, NSL_MAX_LEVELS), 4);
	EXPECT_EQ(v[0], 41) {
		TH_LOG("SET 41 with init alive did not take effect");
	}

	nsl_reap(child);
	nsl_reap(task);
	close(fd);
	nsl_hier_destroy(&h);
}

/* An uninitialised namespace directly below the initial one. */
TEST(no_init_yet_top)
{
	struct nsl_hier h;
	long v[2], nspid[2];
	int fd = -EBADF;
	pid_t task, child;

	ASSERT_OK(nsl_hier_build(&h, 0));
	fd = open_uninit(_metadata, &h, 0, &task);
	ASSERT_EQ(nsl_get(fd, v, 2), 2);
	EXPECT_EQ(v[0], 0) {
		TH_LOG("a namespace without init must read as 0");
	}
	EXPECT_ERR(nsl_set(fd, "299"), EINVAL);
	EXPECT_OK(nsl_set(fd, "0"));
	child = nsl_spawn(fd);
	ASSERT_GT(child, 0);
	ASSERT_EQ(nsl_read_nspid(child, nspid, 2), 2);
	EXPECT_EQ(nspid[1], 1) {
		TH_LOG("the first task of a new namespace must be pid 1");
	}
	nsl_reap(child);
	nsl_reap(task);
	close(fd);
	nsl_hier_destroy(&h);
}

TEST_HARNESS_MAIN
