// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime of the things NS_SPECIFIC_IOC touches: namespaces with no task
 * left, the module unloaded and reloaded while callers hammer it, and
 * rmmod while a caller sleeps in a user copy inside the module.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "nslastpid_helpers.h"

#define PAGE 4096
#define DEPTH 3

/* Makes sure the next test finds the module loaded, as run.sh expects. */
static void ensure_loaded(void)
{
	const char *ko = getenv("NSLASTPID_KO");

	if (!nsl_module_loaded() && ko && *ko)
		nsl_module_load(ko);
}

/*
 * After every task of two nested namespaces is gone, their fds still GET
 * and SET; the values are kept, and forking there still fails as the
 * kernel wants (ENOMEM from alloc_pid()).
 */
TEST(dead_namespaces)
{
	long v[NSL_MAX_LEVELS];
	struct nsl_hier h;
	pid_t child;
	int parent = -EBADF;

	ASSERT_OK(nsl_hier_build(&h, 2));
	ASSERT_OK(nsl_set(h.fd[2], "200:300"));

	/* Holder 0 outlives level 1's init: reaping it means all are gone. */
	kill(h.pid[1], SIGKILL);
	ASSERT_EQ(waitpid(h.pid[0], NULL, 0), h.pid[0]);
	memset(h.pid, 0, sizeof(h.pid));
	ASSERT_FALSE(nsl_pid_in_use(h.fd[1], 1)) {
		TH_LOG("level 1 still has a task");
	}
	ASSERT_FALSE(nsl_pid_in_use(h.fd[2], 1)) {
		TH_LOG("level 2 still has a task");
	}

	ASSERT_EQ(nsl_get(h.fd[2], v, NSL_MAX_LEVELS), 3);
	EXPECT_EQ(v[0], 200) {
		TH_LOG("dead level 2 lost its last pid");
	}
	EXPECT_EQ(v[1], 300) {
		TH_LOG("dead level 1 lost its last pid");
	}
	EXPECT_OK(nsl_set(h.fd[2], "210:310"));
	ASSERT_EQ(nsl_get(h.fd[2], v, NSL_MAX_LEVELS), 3);
	EXPECT_EQ(v[0], 210) {
		TH_LOG("SET on a dead level 2 not read back");
	}
	EXPECT_EQ(v[1], 310) {
		TH_LOG("SET on a dead level 1 not read back");
	}

	/*
	 * alloc_pid() takes the numbers before it sees that the namespace
	 * is dead, so the failed fork moves the last pids: set them again.
	 */
	child = nsl_spawn(h.fd[2]);
	if (child > 0)
		nsl_reap(child);
	EXPECT_EQ(child, -ENOMEM) {
		TH_LOG("fork into a dead namespace: %d", child);
	}
	EXPECT_OK(nsl_set(h.fd[2], "220:330"));

	/* The deeper fd alone keeps its ancestors alive. */
	close(h.fd[1]);
	h.fd[1] = -EBADF;
	parent = ioctl(h.fd[2], NS_GET_PARENT);
	ASSERT_GE(parent, 0);
	EXPECT_OK(nsl_set(parent, "340"));
	close(parent);
	ASSERT_EQ(nsl_get(h.fd[2], v, NSL_MAX_LEVELS), 3);
	EXPECT_EQ(v[0], 220) {
		TH_LOG("level 2 changed by a SET on level 1 only");
	}
	EXPECT_EQ(v[1], 340) {
		TH_LOG("SET through NS_GET_PARENT not read back");
	}
	nsl_hier_destroy(&h);
}

struct hammer {
	struct nsl_hier h;
	int stop;		/* read and written with __atomic builtins */
	unsigned long ok, enotty;
	unsigned long errors;
	pthread_mutex_t lock;
	char first_error[256];
};

struct hammer_worker {
	struct hammer *hm;
	int role;
};

static void hammer_result(struct hammer *hm, const char *what, int ret)
{
	if (ret == 0) {
		__atomic_add_fetch(&hm->ok, 1, __ATOMIC_RELAXED);
		return;
	}
	if (ret == -ENOTTY) {
		__atomic_add_fetch(&hm->enotty, 1, __ATOMIC_RELAXED);
		return;
	}
	pthread_mutex_lock(&hm->lock);
	if (!hm->errors++)
		snprintf(hm->first_error, sizeof(hm->first_error), "%s: %d (%s)",
			 what, ret, strerror(-ret));
	pthread_mutex_unlock(&hm->lock);
}

static void *hammer_thread(void *p)
{
	struct hammer_worker *w = p;
	struct hammer *hm = w->hm;
	long v[NSL_MAX_LEVELS];
	unsigned long round = 0;

	while (!__atomic_load_n(&hm->stop, __ATOMIC_RELAXED)) {
		char text[64];
		int ret, parent;
		pid_t child;

		round++;
		switch (w->role) {
		case 0:
			snprintf(text, sizeof(text), "%lu:%lu:%lu",
				 400 + round % 50, 500 + round % 50, 600 + round % 50);
			hammer_result(hm, "SET", nsl_set(hm->h.fd[DEPTH], text));
			break;
		case 1:
			ret = nsl_get(hm->h.fd[round % 2 ? DEPTH : 1], v,
				      NSL_MAX_LEVELS);
			hammer_result(hm, "GET", ret < 0 ? ret : 0);
			break;
		case 2:
			child = nsl_spawn(hm->h.fd[DEPTH]);
			if (child < 0) {
				hammer_result(hm, "fork", child);
				break;
			}
			ret = nsl_read_nspid(child, v, NSL_MAX_LEVELS);
			nsl_reap(child);
			hammer_result(hm, "NSpid", ret == DEPTH + 1 ? 0 : -EBADMSG);
			break;
		case 3:
			parent = ioctl(hm->h.pfc[DEPTH - 1], NS_GET_PARENT);
			if (parent < 0) {
				hammer_result(hm, "NS_GET_PARENT", -errno);
				break;
			}
			hammer_result(hm, "SET on parent", nsl_set(parent, "0:0"));
			close(parent);
			break;
		}
	}
	return NULL;
}

FIXTURE(reload) {
	const char *ko;
};

FIXTURE_SETUP(reload)
{
	self->ko = getenv("NSLASTPID_KO");
	if (!self->ko || !*self->ko)
		SKIP(return, "NSLASTPID_KO is not set: cannot reload the module");
	ASSERT_TRUE(nsl_module_loaded());
}

FIXTURE_TEARDOWN(reload)
{
	ensure_loaded();
}

/*
 * NSLASTPID_RELOADS (default 100) unload/load cycles while four threads
 * SET, GET, fork and SET through NS_GET_PARENT: calls succeed or, while
 * the module is away, get ENOTTY; nothing else.
 */
TEST_F_TIMEOUT(reload, reload_while_busy, 1800)
{
	long reloads = nsl_env_long("NSLASTPID_RELOADS", 100);
	struct hammer_worker w[4];
	pthread_t th[4];
	struct hammer *hm;
	char why[128] = "";
	long i;
	int ret = 0, t;

	hm = calloc(1, sizeof(*hm));
	ASSERT_NE(hm, NULL);
	pthread_mutex_init(&hm->lock, NULL);
	ASSERT_OK(nsl_hier_build(&hm->h, DEPTH));
	for (t = 0; t < 4; t++) {
		w[t].hm = hm;
		w[t].role = t;
		ASSERT_EQ(pthread_create(&th[t], NULL, hammer_thread, &w[t]), 0);
	}
	for (i = 0; i < reloads; i++) {
		ret = nsl_module_unload();
		if (ret) {
			TH_LOG("cycle %ld: rmmod: %s", i, strerror(-ret));
			break;
		}
		ret = nsl_module_load(self->ko);
		if (ret) {
			TH_LOG("cycle %ld: insmod: %s", i, strerror(-ret));
			break;
		}
	}
	__atomic_store_n(&hm->stop, 1, __ATOMIC_RELAXED);
	for (t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	ksft_print_msg("reload: %ld cycles, %lu calls succeeded, %lu got ENOTTY\n",
		       i, hm->ok, hm->enotty);
	ASSERT_EQ(ret, 0);
	EXPECT_EQ(hm->errors, 0UL) {
		TH_LOG("%lu bad results, first: %s", hm->errors, hm->first_error);
	}
	EXPECT_GT(hm->ok, 0UL) {
		TH_LOG("no call succeeded while reloading");
	}

	/* The reloaded module works: exact pids at every nested level. */
	EXPECT_EQ(nsl_set_spawn_check(hm->h.fd[DEPTH], DEPTH, "700:800:900",
				      why, sizeof(why)), 0) {
		TH_LOG("on the reloaded module: %s", why);
	}
	nsl_hier_destroy(&hm->h);
	free(hm);
}

/* State shared by the userfaultfd test's threads. */
struct uffd_run {
	int uffd;
	int fault_efd;		/* signalled once the caller is stuck */
	char *page;		/* registered, missing until the handler fills it */
	char *src;		/* what the handler fills it with */
	int fd;
	bool get;
	long delay_ms;
	long long copy_ns;	/* when the handler resolved the fault */
	int handler_err;
	int ret;
};

static void *uffd_handler(void *p)
{
	struct uffd_run *r = p;
	struct pollfd pfd = { .fd = r->uffd, .events = POLLIN };
	struct uffdio_copy copy = {};
	struct uffd_msg msg;
	struct timespec ts;
	__u64 one = 1;

	if (poll(&pfd, 1, 20000) != 1) {
		r->handler_err = 1;
		return NULL;
	}
	if (read(r->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		r->handler_err = 2;
		return NULL;
	}
	if (write(r->fault_efd, &one, sizeof(one)) != sizeof(one))
		r->handler_err = 3;
	/* Keep the caller inside the module while rmmod runs. */
	ts.tv_sec = r->delay_ms / 1000;
	ts.tv_nsec = (r->delay_ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	r->copy_ns = nsl_now_ns();
	copy.dst = (unsigned long)r->page;
	copy.src = (unsigned long)r->src;
	copy.len = PAGE;
	if (ioctl(r->uffd, UFFDIO_COPY, &copy))
		r->handler_err = 4;
	return NULL;
}

static void *uffd_caller(void *p)
{
	struct uffd_run *r = p;

	if (r->get)
		r->ret = nsl_get_text(r->fd, r->page, PAGE, NULL);
	else
		r->ret = nsl_set_raw(r->fd, r->page, strlen(r->src) + 1);
	return NULL;
}

FIXTURE(copy) {
	const char *ko;
};

FIXTURE_VARIANT(copy) {
	bool get;
};

FIXTURE_VARIANT_ADD(copy, set) { .get = false, };
FIXTURE_VARIANT_ADD(copy, get) { .get = true, };

FIXTURE_SETUP(copy)
{
	self->ko = getenv("NSLASTPID_KO");
	if (!self->ko || !*self->ko)
		SKIP(return, "NSLASTPID_KO is not set: cannot reload the module");
	ASSERT_TRUE(nsl_module_loaded());
}

FIXTURE_TEARDOWN(copy)
{
	ensure_loaded();
}

/*
 * rmmod while a SET (reading its text) or a GET (writing its answer) is
 * stuck on a userfaultfd-registered page: rmmod waits until the copy is
 * resolved, the call completes normally, and the module loads again.
 */
TEST_F_TIMEOUT(copy, rmmod_during_user_copy, 120)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {};
	struct uffd_run r = { .uffd = -EBADF, .fault_efd = -EBADF };
	pthread_t handler, caller;
	long long rm_start, rm_end;
	struct pollfd pfd;
	long v[NSL_MAX_LEVELS];
	struct nsl_hier h;
	int ret;

	r.uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (r.uffd < 0)
		SKIP(return, "userfaultfd unavailable: %s", strerror(errno));
	ASSERT_EQ(ioctl(r.uffd, UFFDIO_API, &api), 0);
	ASSERT_OK(nsl_hier_build(&h, DEPTH));
	r.fault_efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(r.fault_efd, 0);
	r.page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r.src = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(r.page, MAP_FAILED);
	ASSERT_NE(r.src, MAP_FAILED);
	if (!variant->get)
		snprintf(r.src, PAGE, "%s", "1111:1222:1333");
	reg.range.start = (unsigned long)r.page;
	reg.range.len = PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(ioctl(r.uffd, UFFDIO_REGISTER, &reg), 0);
	r.fd = h.fd[DEPTH];
	r.get = variant->get;
	r.delay_ms = 1000;

	ASSERT_EQ(pthread_create(&handler, NULL, uffd_handler, &r), 0);
	ASSERT_EQ(pthread_create(&caller, NULL, uffd_caller, &r), 0);

	/* Wait until the caller is stuck on the missing page. */
	pfd.fd = r.fault_efd;
	pfd.events = POLLIN;
	ASSERT_EQ(poll(&pfd, 1, 20000), 1) {
		TH_LOG("the ioctl never touched its buffer");
	}
	rm_start = nsl_now_ns();
	ret = nsl_module_unload();
	rm_end = nsl_now_ns();
	pthread_join(caller, NULL);
	pthread_join(handler, NULL);

	ASSERT_EQ(r.handler_err, 0) {
		TH_LOG("userfaultfd handler step %d failed", r.handler_err);
	}
	EXPECT_EQ(ret, 0) {
		TH_LOG("rmmod while a caller was inside: %s", strerror(-ret));
	}
	EXPECT_EQ(r.ret, 0) {
		TH_LOG("%s stuck during rmmod returned %s",
		       variant->get ? "GET" : "SET", strerror(-r.ret));
	}
	EXPECT_GE(rm_end, r.copy_ns) {
		TH_LOG("rmmod returned %lld ms before the copy was resolved",
		       (r.copy_ns - rm_end) / 1000000);
	}
	ksft_print_msg("rmmod took %lld ms while a %s waited in a user copy\n",
		       (rm_end - rm_start) / 1000000, variant->get ? "GET" : "SET");

	if (!nsl_module_loaded()) {
		ret = nsl_module_load(self->ko);
		ASSERT_EQ(ret, 0) {
			TH_LOG("insmod after rmmod: %s", strerror(-ret));
		}
	}
	ASSERT_EQ(nsl_get(h.fd[DEPTH], v, NSL_MAX_LEVELS), DEPTH + 1);
	if (variant->get) {
		long w[NSL_MAX_LEVELS];

		/* The answer landed in the page once it existed. */
		EXPECT_EQ(nsl_parse(r.page, w, NSL_MAX_LEVELS), DEPTH + 1) {
			TH_LOG("GET wrote \"%.64s\"", r.page);
		}
	} else {
		EXPECT_EQ(v[0], 1111) {
			TH_LOG("level 3 after a SET that waited out rmmod");
		}
		EXPECT_EQ(v[1], 1222) {
			TH_LOG("level 2 after a SET that waited out rmmod");
		}
		EXPECT_EQ(v[2], 1333) {
			TH_LOG("level 1 after a SET that waited out rmmod");
		}
	}
	close(r.uffd);
	close(r.fault_efd);
	nsl_hier_destroy(&h);
}

TEST_HARNESS_MAIN
