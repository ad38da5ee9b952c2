// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded random-argument fuzzing of NS_SPECIFIC_IOC for
 * NSLASTPID_FUZZ_SECS seconds (default 5) from inside a throwaway nested
 * hierarchy: every call returns 0 or a documented errno, and the caller
 * and the hierarchy survive.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "nslastpid_helpers.h"

#define PAGE 4096
#define ARENA_PAGES 6		/* the last one is unmapped */
#define DEPTH 3
#define PLACE 1			/* the fuzzer's active pid namespace */

struct fuzz_state {
	unsigned long calls, ok;
	unsigned long by_errno[256];
	int bad_ret;
	char bad_desc[256];
	unsigned long seed;
	int fds[8];
	int nfds;
};

static unsigned long long rng_state;

/* xorshift64*: reproducible from the printed seed. */
static unsigned long long rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned long pick(unsigned long n)
{
	return rnd() % n;
}

static bool documented(int ret)
{
	switch (ret) {
	case 0:
	case -EINVAL:
	case -E2BIG:
	case -EOPNOTSUPP:
	case -EFAULT:
	case -EPERM:
	case -ERANGE:
		return true;
	}
	return false;
}

/* msync() tells a mapped page from an unmapped one without touching it. */
static bool mapped(unsigned long addr)
{
	return msync((void *)(addr & ~(PAGE - 1UL)), PAGE, MS_ASYNC) == 0 ||
	       errno != ENOMEM;
}

/*
 * An address the kernel may be asked to read or write: inside the arena
 * (possibly running into its unmapped end), or somewhere it must refuse.
 * Never an address of this process's other memory, which GET could
 * scribble on.
 */
static unsigned long random_address(char *arena)
{
	unsigned long a;

	switch (pick(9)) {
	case 0:
		return 0;
	case 1:
		return pick(PAGE);
	case 2:
		return 0xffffffff81000000UL + pick(1 << 20);
	case 3:
		return 0xffff888000000000UL + (rnd() & 0xffffff8);
	case 4:
		return 0x8000000000000000UL | rnd();
	case 5:
		/* Just before the unmapped end of the arena. */
		return (unsigned long)arena + ARENA_PAGES * PAGE - 1 - pick(64);
	case 6:
		a = rnd() & 0x7ffffffff000UL;
		return mapped(a) ? 0 : a + pick(PAGE);
	default:
		return (unsigned long)arena + pick((ARENA_PAGES - 1) * PAGE);
	}
}

/* Mostly plausible vectors, sometimes noise. */
static void random_text(char *buf, size_t max)
{
	static const char alphabet[] = "0123456789:0123456789:";
	size_t len = pick(max), i;

	switch (pick(4)) {
	case 0:
		for (i = 0; i < len; i++)
			buf[i] = rnd();
		break;
	case 1: {
		int n = 1 + pick(5), k;
		size_t off = 0;

		for (k = 0; k < n && off < max - 12; k++)
			off += snprintf(buf + off, max - off, "%s%lu",
					k ? ":" : "", (unsigned long)pick(5000));
		len = off;
		break;
	}
	default:
		for (i = 0; i < len; i++)
			buf[i] = alphabet[pick(sizeof(alphabet) - 1)];
		break;
	}
	buf[len] = '\0';
}

static unsigned long random_cmd(void)
{
	static const unsigned int dirs[] = {
		_IOC_READ | _IOC_WRITE, _IOC_READ | _IOC_WRITE,
		_IOC_READ | _IOC_WRITE, _IOC_READ, _IOC_WRITE, _IOC_NONE,
	};
	unsigned int size;

	switch (pick(5)) {
	case 0:
		size = pick(1 << 14);
		break;
	case 1:
		size = pick(64);
		break;
	default:
		size = NS_SPECIFIC_ARG_SIZE_VER0;
		break;
	}
	return _IOC(dirs[pick(6)], NSLASTPID_NSIO, NS_SPECIFIC_IOC_NR, size);
}

static void one_call(struct fuzz_state *st, char *arena)
{
	unsigned long cmd = random_cmd(), argp, textp;
	unsigned int size = _IOC_SIZE(cmd), off;
	struct ns_specific_arg arg = {};
	char *text = arena + 4 * PAGE;
	int fd = st->fds[pick(st->nfds)], ret;

	/* The struct: usually in the arena, sized to the command. */
	memset(arena, 0, 4 * PAGE);
	random_text(text, pick(4) ? 80 : PAGE - 1);
	textp = pick(4) ? (unsigned long)text : random_address(arena);
	arg.size = pick(8) ? size : (pick(2) ? NS_SPECIFIC_ARG_SIZE_VER0 : rnd());
	arg.op = pick(8) ? 1 + pick(2) : rnd();
	arg.buf = textp;
	arg.buf_len = pick(8) ? strlen(text) + 1 - pick(2) : rnd();
	if (pick(2))
		arg.buf_len = pick(400);
	arg.flags = pick(16) ? 0 : rnd();
	arg.reserved = pick(16) ? 0 : rnd();
	arg.out_len = rnd();

	/* Ends at the text page, so the kernel reads zeros past the struct. */
	off = size < sizeof(arg) ? sizeof(arg) : size;
	off = off <= 4 * PAGE ? 4 * PAGE - off : 0;
	off &= ~7U;
	memcpy(arena + off, &arg, sizeof(arg));
	if (size > sizeof(arg) && !pick(4))
		arena[off + sizeof(arg) + pick(size - sizeof(arg))] = rnd() | 1;
	argp = pick(10) ? (unsigned long)arena + off : random_address(arena);

	ret = nsl_ioctl(fd, cmd, (void *)argp);
	st->calls++;
	if (!ret)
		st->ok++;
	else if (-ret < 256)
		st->by_errno[-ret]++;
	if (!documented(ret) && !st->bad_ret) {
		st->bad_ret = ret;
		snprintf(st->bad_desc, sizeof(st->bad_desc),
			 "cmd %#lx arg %#lx size %u op %u buf %#llx buf_len %u flags %#x reserved %#x: %d",
			 cmd, argp, arg.size, arg.op, (unsigned long long)arg.buf,
			 arg.buf_len, arg.flags, arg.reserved, ret);
	}
}

/* The fuzzer process, inside level PLACE: it cannot reach the host's levels. */
static int fuzzer(void *p)
{
	struct fuzz_state *st = p;
	long secs = nsl_env_long("NSLASTPID_FUZZ_SECS", 5);
	long long end = nsl_now_ns() + secs * 1000000000LL;
	char *arena;

	arena = mmap(NULL, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		return 1;
	munmap(arena + (ARENA_PAGES - 1) * PAGE, PAGE);
	rng_state = st->seed;
	while (nsl_now_ns() < end) {
		int i;

		for (i = 0; i < 256; i++)
			one_call(st, arena);
	}
	return 0;
}

FIXTURE(fuzz) {
	struct nsl_hier h;
	struct fuzz_state *st;
};

FIXTURE_SETUP(fuzz)
{
	ASSERT_OK(nsl_hier_build(&self->h, DEPTH));
	self->st = mmap(NULL, sizeof(*self->st), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->st, MAP_FAILED);
}

FIXTURE_TEARDOWN(fuzz)
{
	nsl_hier_destroy(&self->h);
}

/* Random arguments give documented answers and break nothing. */
TEST_F_TIMEOUT(fuzz, random_arguments, 600)
{
	const char *seed = getenv("NSLASTPID_FUZZ_SEED");
	struct fuzz_state *st = self->st;
	char why[128] = "";
	int status = 0;
	pid_t pid;

	st->seed = seed && *seed ? strtoul(seed, NULL, 0) :
		   (unsigned long)(nsl_now_ns() ^ getpid()) | 1;
	st->fds[st->nfds++] = self->h.fd[1];
	st->fds[st->nfds++] = self->h.fd[2];
	st->fds[st->nfds++] = self->h.fd[3];
	st->fds[st->nfds++] = self->h.pfc[2];
	st->fds[st->nfds++] = self->h.pfc[0];
	/* Above the fuzzer's own namespace: must always be refused. */
	st->fds[st->nfds++] = self->h.fd[0];
	ksft_print_msg("fuzz seed %#lx (set NSLASTPID_FUZZ_SEED to repeat)\n",
		       st->seed);

	pid = nsl_spawn_fn(self->h.fd[PLACE], fuzzer, st);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("the fuzzer did not survive: wait status %#x", status);
	}
	ksft_print_msg("fuzz: %lu calls, %lu succeeded\n", st->calls, st->ok);
	ksft_print_msg("fuzz: EINVAL %lu, E2BIG %lu, EOPNOTSUPP %lu\n",
		       st->by_errno[EINVAL], st->by_errno[E2BIG],
		       st->by_errno[EOPNOTSUPP]);
	ksft_print_msg("fuzz: EFAULT %lu, EPERM %lu, ERANGE %lu\n",
		       st->by_errno[EFAULT], st->by_errno[EPERM],
		       st->by_errno[ERANGE]);
	EXPECT_EQ(st->bad_ret, 0) {
		TH_LOG("undocumented answer: %s", st->bad_desc);
	}
	EXPECT_GT(st->calls, 0UL) {
		TH_LOG("the fuzzer made no call");
	}

	/* The hierarchy still behaves. */
	EXPECT_EQ(nsl_set_spawn_check(self->h.fd[DEPTH], DEPTH, "123:234:345",
				      why, sizeof(why)), 0) {
		TH_LOG("after the fuzz run: %s", why);
	}
}

TEST_HARNESS_MAIN
