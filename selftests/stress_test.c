// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: threads SET and GET one hierarchy while others SET and fork
 * in sibling hierarchies, for NSLASTPID_STRESS_SECS seconds (default 3).
 * Every GET must return a vector exactly as one SET wrote it.
 */
#include <pthread.h>
#include <stdarg.h>

#include "kselftest_harness.h"
#include "nslastpid_helpers.h"

#define DEPTH 4			/* hierarchy A, the one SET and GET share */
#define SIB_DEPTH 2		/* hierarchies B and C, where forks happen */
#define NSETTERS 2
#define NGETTERS 2
#define NFORKERS 2

/*
 * Setter t writes 3000 + 1000t + 10k at level k of A (levels 4 to 1), and
 * nothing forks in A, so every GET must show one setter's values exactly.
 * Level 0 is shared with the forks in B and C and is not compared.
 */
static long setter_value(int t, int level)
{
	return 3000 + 1000 * t + 10 * level;
}

struct stress {
	struct nsl_hier a, sib[NFORKERS];
	int stop;		/* read and written with __atomic builtins */
	unsigned long sets, gets, forks, sib_sets;
	unsigned long errors;
	pthread_mutex_t lock;
	char first_error[256];
};

struct worker {
	struct stress *s;
	int index;
};

static void fail(struct stress *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->lock);
	if (!s->errors++) {
		va_start(ap, fmt);
		vsnprintf(s->first_error, sizeof(s->first_error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&s->lock);
}

static void *setter(void *p)
{
	struct worker *w = p;
	struct stress *s = w->s;
	long vals[DEPTH];
	char text[NSL_TEXT_CAP];
	int k, fd, ret;

	for (k = 0; k < DEPTH; k++)
		vals[k] = setter_value(w->index, DEPTH - k);
	nsl_format(text, sizeof(text), vals, DEPTH);
	/* One setter goes through the pid_for_children link of level 3. */
	fd = w->index ? s->a.pfc[DEPTH - 1] : s->a.fd[DEPTH];
	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		ret = nsl_set(fd, text);
		if (ret)
			fail(s, "SET \"%s\": %s", text, strerror(-ret));
		__atomic_add_fetch(&s->sets, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * Whether the first n GET entries, opened at level lvl, are one setter's
 * values.
 */
static bool matches_a_setter(const long *got, int lvl, int n)
{
	int t, i;

	for (t = 0; t < NSETTERS; t++) {
		for (i = 0; i < n; i++)
			if (got[i] != setter_value(t, lvl - i))
				break;
		if (i == n)
			return true;
	}
	return false;
}

static void *getter(void *p)
{
	struct worker *w = p;
	struct stress *s = w->s;
	long got[NSL_MAX_LEVELS];
	unsigned long round = 0;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		/* Alternate between the innermost level and level 2. */
		int lvl = (round++ + w->index) % 2 ? 2 : DEPTH;
		int n = nsl_get(s->a.fd[lvl], got, NSL_MAX_LEVELS);

		if (n != lvl + 1) {
			fail(s, "GET from level %d returned %d", lvl, n);
		} else if (!matches_a_setter(got, lvl, lvl)) {
			char text[NSL_TEXT_CAP];

			nsl_format(text, sizeof(text), got, n);
			fail(s, "GET from level %d: \"%s\" was never SET", lvl,
			     text);
		}
		__atomic_add_fetch(&s->gets, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * SET then fork in a sibling hierarchy, which nothing else touches: the
 * task must get exactly the asked-for pids there.
 */
static void *forker(void *p)
{
	struct worker *w = p;
	struct stress *s = w->s;
	struct nsl_hier *h = &s->sib[w->index];
	long nspid[NSL_MAX_LEVELS];
	unsigned long round = 0;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		long v = 5000 + (round++ % 100) * 3;
		char text[64];
		pid_t child;
		int n, ret;

		snprintf(text, sizeof(text), "%ld:%ld", v, v + 1);
		ret = nsl_set(h->fd[SIB_DEPTH], text);
		if (ret) {
			fail(s, "SET \"%s\" on sibling %d: %s", text, w->index,
			     strerror(-ret));
			continue;
		}
		__atomic_add_fetch(&s->sib_sets, 1, __ATOMIC_RELAXED);
		child = nsl_spawn(h->fd[SIB_DEPTH]);
		if (child < 0) {
			fail(s, "fork in sibling %d: %s", w->index,
			     strerror(-child));
			continue;
		}
		n = nsl_read_nspid(child, nspid, NSL_MAX_LEVELS);
		nsl_reap(child);
		if (n != SIB_DEPTH + 1 || nspid[2] != v + 1 || nspid[1] != v + 2)
			fail(s, "after SET \"%s\" in sibling %d the task got %ld:%ld",
			     text, w->index, nspid[2], nspid[1]);
		__atomic_add_fetch(&s->forks, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

FIXTURE(stress) {
	struct stress s;
};

FIXTURE_SETUP(stress)
{
	int i;

	pthread_mutex_init(&self->s.lock, NULL);
	ASSERT_OK(nsl_hier_build(&self->s.a, DEPTH));
	for (i = 0; i < NFORKERS; i++)
		ASSERT_OK(nsl_hier_build(&self->s.sib[i], SIB_DEPTH));
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	nsl_hier_destroy(&self->s.a);
	for (i = 0; i < NFORKERS; i++)
		nsl_hier_destroy(&self->s.sib[i]);
}

/* Concurrent SET, GET and fork; every GET is a vector one SET wrote. */
TEST_F_TIMEOUT(stress, set_get_fork, 600)
{
	long secs = nsl_env_long("NSLASTPID_STRESS_SECS", 3);
	struct worker w[NSETTERS + NGETTERS + NFORKERS];
	pthread_t th[NSETTERS + NGETTERS + NFORKERS];
	struct stress *s = &self->s;
	long vals[DEPTH], got[NSL_MAX_LEVELS];
	char text[NSL_TEXT_CAP];
	int i, k, n = 0;

	/* A starts out holding setter 0's vector, so early GETs match too. */
	for (k = 0; k < DEPTH; k++)
		vals[k] = setter_value(0, DEPTH - k);
	nsl_format(text, sizeof(text), vals, DEPTH);
	ASSERT_OK(nsl_set(s->a.fd[DEPTH], text));

	for (i = 0; i < NSETTERS; i++, n++) {
		w[n] = (struct worker){ s, i };
		ASSERT_EQ(pthread_create(&th[n], NULL, setter, &w[n]), 0);
	}
	for (i = 0; i < NGETTERS; i++, n++) {
		w[n] = (struct worker){ s, i };
		ASSERT_EQ(pthread_create(&th[n], NULL, getter, &w[n]), 0);
	}
	for (i = 0; i < NFORKERS; i++, n++) {
		w[n] = (struct worker){ s, i };
		ASSERT_EQ(pthread_create(&th[n], NULL, forker, &w[n]), 0);
	}
	sleep(secs);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);

	ksft_print_msg("stress: %ld s, %lu SET, %lu GET on A; %lu SET, %lu fork on siblings\n",
		       secs, s->sets, s->gets, s->sib_sets, s->forks);
	EXPECT_EQ(s->errors, 0UL) {
		TH_LOG("%lu errors, first: %s", s->errors, s->first_error);
	}
	EXPECT_GT(s->sets, 0UL) {
		TH_LOG("no SET ran");
	}
	EXPECT_GT(s->gets, 0UL) {
		TH_LOG("no GET ran");
	}
	EXPECT_GT(s->forks, 0UL) {
		TH_LOG("no fork ran");
	}

	/* Afterwards A holds the last vector written, whole. */
	ASSERT_EQ(nsl_get(s->a.fd[DEPTH], got, NSL_MAX_LEVELS), DEPTH + 1);
	EXPECT_TRUE(matches_a_setter(got, DEPTH, DEPTH)) {
		TH_LOG("final GET is not a vector any setter wrote");
	}
}

TEST_HARNESS_MAIN
