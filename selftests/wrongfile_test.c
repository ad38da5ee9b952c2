// SPDX-License-Identifier: GPL-2.0
/*
 * NS_SPECIFIC_IOC on files that are not a pid namespace's nsfs file, and
 * every mainline nsfs ioctl answered the same with the module loaded,
 * unloaded and loaded again.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "nslastpid_helpers.h"

#define DEPTH 2
#define CMD(type, nr, dir, size) _IOC(dir, type, nr, size)
#define RW (_IOC_READ | _IOC_WRITE)

enum arg_kind { ARG_NONE, ARG_PTR, ARG_ONE, ARG_SELF };

struct nsfs_ioctl {
	const char *name;
	unsigned long cmd;
	enum arg_kind arg;
	bool returns_fd;
};

/* Mainline nsfs commands and numbers around ours that nobody handles. */
static const struct nsfs_ioctl ioctls[] = {
	{ "NS_GET_USERNS", NS_GET_USERNS, ARG_NONE, true },
	{ "NS_GET_PARENT", NS_GET_PARENT, ARG_NONE, true },
	{ "NS_GET_NSTYPE", NS_GET_NSTYPE, ARG_NONE, false },
	{ "NS_GET_OWNER_UID", NS_GET_OWNER_UID, ARG_PTR, false },
	{ "NS_GET_MNTNS_ID", NS_GET_MNTNS_ID, ARG_PTR, false },
	{ "NS_GET_PID_FROM_PIDNS", NS_GET_PID_FROM_PIDNS, ARG_ONE, false },
	{ "NS_GET_TGID_FROM_PIDNS", NS_GET_TGID_FROM_PIDNS, ARG_ONE, false },
	{ "NS_GET_PID_IN_PIDNS", NS_GET_PID_IN_PIDNS, ARG_SELF, false },
	{ "NS_GET_TGID_IN_PIDNS", NS_GET_TGID_IN_PIDNS, ARG_SELF, false },
	{ "NS_MNT_GET_INFO", NSL_MNT_GET_INFO, ARG_PTR, false },
	{ "NS_MNT_GET_NEXT", NSL_MNT_GET_NEXT, ARG_PTR, true },
	{ "NS_MNT_GET_PREV", NSL_MNT_GET_PREV, ARG_PTR, true },
	{ "NS_MNT_GET_INFO size 8", CMD(0xb7, 10, _IOC_READ, 8), ARG_PTR, false },
	{ "NS_MNT_GET_INFO size 24", CMD(0xb7, 10, _IOC_READ, 24), ARG_PTR,
	  false },
	{ "NS_MNT_GET_NEXT no arg", CMD(0xb7, 11, _IOC_READ, 16), ARG_NONE, true },
	{ "nr 0", CMD(0xb7, 0, _IOC_NONE, 0), ARG_NONE, false },
	{ "nr 13", CMD(0xb7, 13, _IOC_NONE, 0), ARG_NONE, false },
	{ "nr 14 read int", CMD(0xb7, 14, _IOC_READ, 4), ARG_PTR, false },
	{ "nr 0x9f", CMD(0xb7, 0x9f, RW, 32), ARG_PTR, false },
	{ "nr 0xa1", CMD(0xb7, 0xa1, RW, 32), ARG_PTR, false },
	{ "nr 0xff", CMD(0xb7, 0xff, _IOC_NONE, 0), ARG_NONE, false },
	{ "type 0xb8 nr 0xa0", CMD(0xb8, 0xa0, RW, 32), ARG_PTR, false },
	{ "type 0xb6 nr 0xa0", CMD(0xb6, 0xa0, RW, 32), ARG_PTR, false },
	{ "type 0 nr 0xa0", CMD(0, 0xa0, RW, 32), ARG_PTR, false },
};

#define NIOCTLS ((int)ARRAY_SIZE(ioctls))

enum fd_kind { FD_PID, FD_OTHER_NS, FD_MUST_ENOTTY, FD_OTHER_FILE };

struct test_fd {
	char name[48];
	int fd;
	enum fd_kind kind;
};

#define MAX_FDS 32

/*
 * One answer: return value or -errno, the inode behind a returned fd, and
 * the bytes the command wrote through its pointer.
 */
struct answer {
	long ret;
	dev_t dev;
	ino_t ino;
	unsigned char payload[64];
};

FIXTURE(files) {
	struct nsl_hier h;
	struct test_fd fds[MAX_FDS];
	int nfds;
	long base[DEPTH + 1];
};

static void add_fd(FIXTURE_DATA(files) *self, const char *name, int fd,
		   enum fd_kind kind)
{
	struct test_fd *t = &self->fds[self->nfds++];

	snprintf(t->name, sizeof(t->name), "%s", name);
	t->fd = fd;
	t->kind = kind;
}

static int open_ns(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

FIXTURE_SETUP(files)
{
	static const char * const other_ns[] = {
		"net", "uts", "ipc", "mnt", "user", "cgroup", "time",
		"time_for_children",
	};
	int sv[2], pipefd[2], fd = -EBADF, i;
	char name[48];

	ASSERT_OK(nsl_hier_build(&self->h, DEPTH));
	ASSERT_EQ(nsl_set(self->h.fd[DEPTH], "111:122"), 0) {
		TH_LOG("SET on a pid namespace failed: %s", strerror(errno));
	}
	ASSERT_EQ(nsl_get(self->h.fd[DEPTH], self->base, DEPTH + 1), DEPTH + 1);

	add_fd(self, "pid", open_ns("pid"), FD_PID);
	add_fd(self, "pid_for_children", open_ns("pid_for_children"), FD_PID);
	add_fd(self, "nested pid", dup(self->h.fd[DEPTH]), FD_PID);
	for (i = 0; i < (int)ARRAY_SIZE(other_ns); i++) {
		fd = open_ns(other_ns[i]);
		ASSERT_GE(fd, 0) {
			TH_LOG("/proc/self/ns/%s: %s", other_ns[i], strerror(errno));
		}
		add_fd(self, other_ns[i], fd, FD_OTHER_NS);
	}
	/* A user namespace fd from NS_GET_USERNS, and a parent's. */
	fd = ioctl(self->h.fd[DEPTH], NS_GET_USERNS);
	ASSERT_GE(fd, 0);
	add_fd(self, "user via NS_GET_USERNS", fd, FD_OTHER_NS);
	fd = ioctl(self->h.fd[DEPTH], NS_GET_PARENT);
	ASSERT_GE(fd, 0);
	add_fd(self, "pid via NS_GET_PARENT", fd, FD_PID);

	fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		char tmpl[] = "/tmp/nslastpid-XXXXXX";

		fd = mkostemp(tmpl, O_CLOEXEC);
		ASSERT_GE(fd, 0);
		unlink(tmpl);
	}
	ASSERT_EQ(write(fd, "regular", 7), 7);
	add_fd(self, "regular file", fd, FD_MUST_ENOTTY);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	add_fd(self, "unix socket", sv[0], FD_MUST_ENOTTY);
	close(sv[1]);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		add_fd(self, "udp socket", fd, FD_MUST_ENOTTY);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	add_fd(self, "/dev/null", fd, FD_MUST_ENOTTY);
	ASSERT_EQ(pipe2(pipefd, O_CLOEXEC), 0);
	add_fd(self, "pipe", pipefd[0], FD_OTHER_FILE);
	close(pipefd[1]);
	add_fd(self, "eventfd", eventfd(0, EFD_CLOEXEC), FD_OTHER_FILE);
	add_fd(self, "epoll", epoll_create1(EPOLL_CLOEXEC), FD_OTHER_FILE);
	add_fd(self, "memfd", memfd_create("nslastpid", MFD_CLOEXEC),
	       FD_OTHER_FILE);
	add_fd(self, "pidfd", syscall(SYS_pidfd_open, getpid(), 0),
	       FD_OTHER_FILE);
	add_fd(self, "/proc/self/ns directory",
	       open("/proc/self/ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC),
	       FD_OTHER_FILE);
	add_fd(self, "/proc/self/status",
	       open("/proc/self/status", O_RDONLY | O_CLOEXEC), FD_OTHER_FILE);
	for (i = 0; i < self->nfds; i++) {
		snprintf(name, sizeof(name), "%s", self->fds[i].name);
		ASSERT_GE(self->fds[i].fd, 0) {
			TH_LOG("opening %s failed", name);
		}
	}
}

FIXTURE_TEARDOWN(files)
{
	int i;

	for (i = 0; i < self->nfds; i++)
		close(self->fds[i].fd);
	nsl_hier_destroy(&self->h);
	/* Leave the module loaded for whatever runs next. */
	if (!nsl_module_loaded() && getenv("NSLASTPID_KO"))
		nsl_module_load(getenv("NSLASTPID_KO"));
}

static void ask(int fd, const struct nsfs_ioctl *c, struct answer *a)
{
	unsigned long arg = 0;
	struct stat st;

	memset(a, 0, sizeof(*a));
	memset(a->payload, 0xa5, sizeof(a->payload));
	switch (c->arg) {
	case ARG_NONE:
		break;
	case ARG_PTR:
		arg = (unsigned long)a->payload;
		/* The mount namespace commands read their size field. */
		if (_IOC_NR(c->cmd) >= 10 && _IOC_NR(c->cmd) <= 12)
			memset(a->payload, 0, sizeof(a->payload));
		break;
	case ARG_ONE:
		arg = 1;
		break;
	case ARG_SELF:
		arg = getpid();
		break;
	}
	a->ret = ioctl(fd, c->cmd, arg);
	if (a->ret < 0) {
		a->ret = -errno;
		return;
	}
	if (c->returns_fd) {
		/* Compare what the fd names, not its number. */
		if (!fstat(a->ret, &st)) {
			a->dev = st.st_dev;
			a->ino = st.st_ino;
		}
		close(a->ret);
		a->ret = 0;
	}
}

static void record(FIXTURE_DATA(files) *self, struct answer *out)
{
	int f, c;

	for (f = 0; f < self->nfds; f++)
		for (c = 0; c < NIOCTLS; c++)
			ask(self->fds[f].fd, &ioctls[c], &out[f * NIOCTLS + c]);
}

/* NS_SPECIFIC_IOC as GET on pid files and as SET on every other file. */
static int ours(const struct test_fd *t)
{
	char text[NSL_TEXT_CAP];

	if (t->kind == FD_PID)
		return nsl_get_text(t->fd, text, sizeof(text), NULL);
	return nsl_set(t->fd, "150:160");
}

static int compare(struct __test_metadata *_metadata,
		   FIXTURE_DATA(files) *self, const struct answer *a,
		   const struct answer *b, const char *what)
{
	int f, c, diffs = 0;

	for (f = 0; f < self->nfds; f++) {
		for (c = 0; c < NIOCTLS; c++) {
			const struct answer *x = &a[f * NIOCTLS + c];
			const struct answer *y = &b[f * NIOCTLS + c];

			if (x->ret == y->ret && x->dev == y->dev &&
			    x->ino == y->ino &&
			    !memcmp(x->payload, y->payload, sizeof(x->payload)))
				continue;
			diffs++;
			TH_LOG("%s: %s on %s: %ld (ino %lu) vs %ld (ino %lu)%s",
			       what, ioctls[c].name, self->fds[f].name, x->ret,
			       (unsigned long)x->ino, y->ret,
			       (unsigned long)y->ino,
			       x->ret == y->ret ? ", payload differs" : "");
		}
	}
	return diffs;
}

/* Non-pid files get their documented answer and change nothing. */
TEST_F(files, wrong_files_refused)
{
	long now[DEPTH + 1];
	int i, bad;

	for (i = 0; i < self->nfds; i++) {
		const struct test_fd *t = &self->fds[i];
		int ret = ours(t);

		switch (t->kind) {
		case FD_PID:
			EXPECT_EQ(ret, 0) {
				TH_LOG("GET on %s: %s", t->name, strerror(-ret));
			}
			break;
		case FD_OTHER_NS:
			EXPECT_EQ(ret, -EINVAL) {
				TH_LOG("SET on the %s namespace: %d", t->name, ret);
			}
			break;
		case FD_MUST_ENOTTY:
			EXPECT_EQ(ret, -ENOTTY) {
				TH_LOG("SET on %s: %d", t->name, ret);
			}
			break;
		case FD_OTHER_FILE:
			break;
		}
	}
	ASSERT_EQ(nsl_get(self->h.fd[DEPTH], now, DEPTH + 1), DEPTH + 1);
	bad = nsl_vec_mismatch(now, self->base, DEPTH + 1, true);
	EXPECT_EQ(bad, -1) {
		TH_LOG("level %d changed from %ld to %ld", DEPTH - bad,
		       self->base[bad], now[bad]);
	}
}

/*
 * Every mainline nsfs command, and neighbours of ours, on every file:
 * identical answers with the module loaded, after rmmod and after insmod.
 * Files outside nsfs answer NS_SPECIFIC_IOC identically too; nsfs files
 * get ENOTTY while the module is away.
 */
TEST_F_TIMEOUT(files, same_without_module, 120)
{
	const char *ko = getenv("NSLASTPID_KO");
	struct answer *loaded, *unloaded, *reloaded;
	int ours_loaded[MAX_FDS], ours_unloaded[MAX_FDS];
	size_t size = sizeof(struct answer) * MAX_FDS * NIOCTLS;
	int i, ret;

	if (!ko || !*ko)
		SKIP(return, "NSLASTPID_KO is not set: cannot unload and reload");
	ASSERT_TRUE(nsl_module_loaded());
	loaded = calloc(1, size);
	unloaded = calloc(1, size);
	reloaded = calloc(1, size);
	ASSERT_TRUE(loaded && unloaded && reloaded);

	record(self, loaded);
	for (i = 0; i < self->nfds; i++)
		ours_loaded[i] = ours(&self->fds[i]);

	ret = nsl_module_unload();
	ASSERT_EQ(ret, 0) {
		TH_LOG("rmmod nslastpid: %s", strerror(-ret));
	}
	record(self, unloaded);
	for (i = 0; i < self->nfds; i++)
		ours_unloaded[i] = ours(&self->fds[i]);
	ret = nsl_module_load(ko);
	ASSERT_EQ(ret, 0) {
		TH_LOG("insmod %s: %s", ko, strerror(-ret));
	}
	record(self, reloaded);

	EXPECT_EQ(compare(_metadata, self, loaded, unloaded, "loaded/unloaded"), 0);
	EXPECT_EQ(compare(_metadata, self, loaded, reloaded, "loaded/reloaded"), 0);
	for (i = 0; i < self->nfds; i++) {
		const struct test_fd *t = &self->fds[i];

		if (t->kind == FD_PID || t->kind == FD_OTHER_NS) {
			EXPECT_EQ(ours_unloaded[i], -ENOTTY) {
				TH_LOG("%s without the module: %d", t->name,
				       ours_unloaded[i]);
			}
		} else {
			EXPECT_EQ(ours_loaded[i], ours_unloaded[i]) {
				TH_LOG("%s: %d with the module, %d without",
				       t->name, ours_loaded[i], ours_unloaded[i]);
			}
		}
		EXPECT_EQ(ours(t), ours_loaded[i]) {
			TH_LOG("%s after reloading: %d, before %d", t->name,
			       ours(t), ours_loaded[i]);
		}
	}
	free(loaded);
	free(unloaded);
	free(reloaded);
}

TEST_HARNESS_MAIN
