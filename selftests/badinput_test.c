// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed arguments to NS_SPECIFIC_IOC, one table entry each: every one
 * must fail with its documented errno and leave every level's last pid as
 * it was.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "nslastpid_helpers.h"

#define PAGE 4096
#define DEPTH 3
#define KNOWN_SIZE NS_SPECIFIC_ARG_SIZE_VER0
#define CMD(dir, size) _IOC(dir, NSLASTPID_NSIO, NS_SPECIFIC_IOC_NR, size)
#define RW (_IOC_READ | _IOC_WRITE)

/* Where the text (or GET's buffer) lives when it is not ordinary memory. */
enum buf_at {
	BUF_TEXT,		/* a copy of .text in mapped memory */
	BUF_NULL,
	BUF_UNMAPPED,
	BUF_PROT_NONE,
	BUF_READ_ONLY,
	BUF_KERNEL_TEXT,
	BUF_KERNEL_DIRECT,
	BUF_NONCANONICAL,
	BUF_ALL_ONES,
	BUF_CROSS_TEXT,		/* .text's last byte before the NUL on the edge */
	BUF_CROSS_NUL,		/* only the NUL falls past the edge */
	BUF_PAGE_END,		/* GET buffer whose last 4 bytes are mapped */
};

/* Where the struct itself lives. */
enum arg_at {
	ARG_MAPPED,
	ARG_NULL,
	ARG_UNMAPPED,
	ARG_KERNEL,
	ARG_CROSS,		/* first 16 bytes mapped */
	ARG_TAIL_UNMAPPED,	/* the known 32 bytes mapped, the rest not */
	ARG_READ_ONLY,
};

struct bad_case {
	const char *name;
	const char *text;	/* text; with .len, raw bytes */
	int len;		/* buf_len; 0 means strlen + 1, LEN_ZERO means 0 */
	enum buf_at buf;
	bool get;		/* GET instead of SET */
	bool op_set;
	__u32 op;
	bool size_set;
	__u32 size;
	__u32 flags;
	__u32 reserved;
	unsigned long cmd;	/* 0: NS_SPECIFIC_IOC */
	int tail;		/* offset of a nonzero byte past the known size */
	enum arg_at arg;
	int err;
};

#define LEN_ZERO	-1
#define OP(x)		.op_set = true, .op = (x)
#define SIZE(x)		.size_set = true, .size = (x)

/* Texts that depend on pid_max or are too long to spell out. */
static char t_pid_max_plus1[32], t_vec_pid_max_plus1[64], t_uint_plus_pid[64];
static char t_33[192], t_5[96], t_6[96], t_32[192];
static char t_256_ones[NS_LAST_PIDS_TEXT_MAX + 1];
static char t_255_ones[NS_LAST_PIDS_TEXT_MAX];
static char t_128_zeros[NS_LAST_PIDS_TEXT_MAX];
static char t_300_len[300] = "5";

static const struct bad_case cases[] = {
	/* Shape of the vector. */
	{ "empty text", "", .err = EINVAL },
	{ "lone separator", ":", .err = EINVAL },
	{ "two separators", "::", .err = EINVAL },
	{ "leading separator", ":5", .err = EINVAL },
	{ "trailing separator", "5:", .err = EINVAL },
	{ "doubled separator", "5::6", .err = EINVAL },
	{ "doubled separator inside", "150::160", .err = EINVAL },
	{ "trailing separator after three", "150:160:170:", .err = EINVAL },
	{ "comma", "5,6", .err = EINVAL },
	{ "semicolon", "5;6", .err = EINVAL },
	{ "dot", "5.0", .err = EINVAL },
	/* Signs and blanks. */
	{ "plus sign", "+5", .err = EINVAL },
	{ "minus sign", "-5", .err = EINVAL },
	{ "negative zero", "-0", .err = EINVAL },
	{ "double minus", "--5", .err = EINVAL },
	{ "trailing minus", "5-", .err = EINVAL },
	{ "leading space", " 5", .err = EINVAL },
	{ "trailing space", "5 ", .err = EINVAL },
	{ "space before separator", "150 :160", .err = EINVAL },
	{ "space after separator", "150: 160", .err = EINVAL },
	{ "leading tab", "\t5", .err = EINVAL },
	{ "trailing newline", "5\n", .err = EINVAL },
	{ "lone newline", "\n", .err = EINVAL },
	{ "carriage return", "5\r", .err = EINVAL },
	/* Not decimal. */
	{ "hex", "0x10", .err = EINVAL },
	{ "upper hex", "0X1F", .err = EINVAL },
	{ "exponent", "1e3", .err = EINVAL },
	{ "letter", "a", .err = EINVAL },
	{ "trailing letter", "5a", .err = EINVAL },
	{ "trailing letter on last level", "150:160:170x", .err = EINVAL },
	{ "arabic-indic digit", "\xd9\xa3", .err = EINVAL },
	{ "high byte", "\xff", .err = EINVAL },
	/* Leading zeros. */
	{ "leading zeros", "007", .err = EINVAL },
	{ "double zero", "00", .err = EINVAL },
	{ "zero then digit", "01", .err = EINVAL },
	{ "leading zero on an outer level", "150:007", .err = EINVAL },
	/* Magnitude. */
	{ "pid_max + 1", t_pid_max_plus1, .err = EINVAL },
	{ "pid_max + 1 on the last level", t_vec_pid_max_plus1, .err = EINVAL },
	{ "INT_MAX", "2147483647", .err = EINVAL },
	{ "INT_MAX + 1", "2147483648", .err = EINVAL },
	{ "UINT_MAX", "4294967295", .err = EINVAL },
	{ "UINT_MAX + 1", "4294967296", .err = EINVAL },
	{ "UINT_MAX + 1 + a valid pid", t_uint_plus_pid, .err = EINVAL },
	{ "U64_MAX", "18446744073709551615", .err = EINVAL },
	{ "U64_MAX + 1", "18446744073709551616", .err = EINVAL },
	{ "30 digits", "999999999999999999999999999999", .err = EINVAL },
	/* Number of values. */
	{ "33 values", t_33, .err = EINVAL },
	{ "one more value than levels", t_5, .err = EINVAL },
	{ "two more values than levels", t_6, .err = EINVAL },
	{ "32 values on 4 levels", t_32, .err = EINVAL },
	{ "128 zeros in 255 bytes", t_128_zeros, .err = EINVAL },
	{ "255 digits", t_255_ones, .err = EINVAL },
	/* Length and terminator. */
	{ "no terminator", "5", .len = 1, .err = EINVAL },
	{ "no terminator, three digits", "150", .len = 3, .err = EINVAL },
	{ "buf_len 0", "5", .len = LEN_ZERO, .err = EINVAL },
	{ "embedded NUL", "5\0006", .len = 4, .err = EINVAL },
	{ "two NULs at the end", "5\0", .len = 3, .err = EINVAL },
	{ "NUL only", "", .len = 1, .err = EINVAL },
	{ "two NULs only", "\0", .len = 2, .err = EINVAL },
	{ "256 digits, buf_len 257", t_256_ones, .err = E2BIG },
	{ "short text, buf_len 300", t_300_len, .len = 300, .err = E2BIG },
	{ "buf_len 4096", t_300_len, .len = 4096, .err = E2BIG },
	{ "buf_len UINT_MAX", "5", .len = -2, .err = E2BIG },
	/* Unreadable text. */
	{ "NULL text", "150", .buf = BUF_NULL, .err = EFAULT },
	{ "unmapped text", "150", .buf = BUF_UNMAPPED, .err = EFAULT },
	{ "PROT_NONE text", "150", .buf = BUF_PROT_NONE, .err = EFAULT },
	{ "kernel text address", "150", .buf = BUF_KERNEL_TEXT, .err = EFAULT },
	{ "kernel direct map address", "150", .buf = BUF_KERNEL_DIRECT,
	  .err = EFAULT },
	{ "non-canonical address", "150", .buf = BUF_NONCANONICAL, .err = EFAULT },
	{ "address -1", "150", .buf = BUF_ALL_ONES, .err = EFAULT },
	{ "text crossing into an unmapped page", "150", .buf = BUF_CROSS_TEXT,
	  .err = EFAULT },
	{ "NUL in an unmapped page", "150", .buf = BUF_CROSS_NUL, .err = EFAULT },
	/* Struct fields. */
	{ "size 0", "150", SIZE(0), .err = EINVAL },
	{ "size 24", "150", SIZE(24), .err = EINVAL },
	{ "size 31", "150", SIZE(31), .err = EINVAL },
	{ "size 33", "150", SIZE(33), .err = EINVAL },
	{ "size 40 in a 32-byte command", "150", SIZE(40), .err = EINVAL },
	{ "size UINT_MAX", "150", SIZE(0xffffffff), .err = EINVAL },
	{ "flags 1", "150", .flags = 1, .err = EINVAL },
	{ "flags high bit", "150", .flags = 0x80000000, .err = EINVAL },
	{ "reserved 1", "150", .reserved = 1, .err = EINVAL },
	{ "reserved all ones", "150", .reserved = 0xffffffff, .err = EINVAL },
	{ "op 0", "150", OP(0), .err = EOPNOTSUPP },
	{ "op 3", "150", OP(3), .err = EOPNOTSUPP },
	{ "op 0x101", "150", OP(0x101), .err = EOPNOTSUPP },
	{ "op UINT_MAX", "150", OP(0xffffffff), .err = EOPNOTSUPP },
	/* The command's own size and direction. */
	{ "command size 0", "150", SIZE(0), .cmd = CMD(RW, 0), .err = EINVAL },
	{ "command size 16", "150", SIZE(16), .cmd = CMD(RW, 16), .err = EINVAL },
	{ "command size 31", "150", SIZE(31), .cmd = CMD(RW, 31), .err = EINVAL },
	{ "read-only command", "150", .cmd = CMD(_IOC_READ, 32), .err = EINVAL },
	{ "write-only command", "150", .cmd = CMD(_IOC_WRITE, 32), .err = EINVAL },
	{ "command without direction", "150", .cmd = CMD(_IOC_NONE, 32),
	  .err = EINVAL },
	{ "command without direction or size", "150", SIZE(0),
	  .cmd = CMD(_IOC_NONE, 0), .err = EINVAL },
	{ "size 40, nonzero byte 39", "150", SIZE(40), .cmd = CMD(RW, 40),
	  .tail = 39, .err = E2BIG },
	{ "size 64, nonzero byte 32", "150", SIZE(64), .cmd = CMD(RW, 64),
	  .tail = 32, .err = E2BIG },
	{ "size 4096, nonzero last byte", "150", SIZE(4096),
	  .cmd = CMD(RW, 4096), .tail = 4095, .err = E2BIG },
	{ "size 4097, zero tail", "150", SIZE(4097), .cmd = CMD(RW, 4097),
	  .err = E2BIG },
	{ "size 16383, zero tail", "150", SIZE(16383), .cmd = CMD(RW, 16383),
	  .err = E2BIG },
	{ "command size 48, struct size 32", "150", SIZE(32),
	  .cmd = CMD(RW, 48), .err = EINVAL },
	{ "command size 32, struct size 48", "150", SIZE(48), .err = EINVAL },
	/* Unreadable struct. */
	{ "NULL struct", "150", .arg = ARG_NULL, .err = EFAULT },
	{ "unmapped struct", "150", .arg = ARG_UNMAPPED, .err = EFAULT },
	{ "kernel struct address", "150", .arg = ARG_KERNEL, .err = EFAULT },
	{ "struct crossing into an unmapped page", "150", .arg = ARG_CROSS,
	  .err = EFAULT },
	{ "size 64 with the tail unmapped", "150", SIZE(64), .cmd = CMD(RW, 64),
	  .arg = ARG_TAIL_UNMAPPED, .err = EFAULT },
	/* GET. */
	{ "GET into NULL", .get = true, .len = 100, .buf = BUF_NULL,
	  .err = EFAULT },
	{ "GET into an unmapped page", .get = true, .len = 100,
	  .buf = BUF_UNMAPPED, .err = EFAULT },
	{ "GET into a read-only page", .get = true, .len = 100,
	  .buf = BUF_READ_ONLY, .err = EFAULT },
	{ "GET into kernel memory", .get = true, .len = 100,
	  .buf = BUF_KERNEL_TEXT, .err = EFAULT },
	{ "GET across into an unmapped page", .get = true, .len = 100,
	  .buf = BUF_PAGE_END, .err = EFAULT },
	{ "GET with struct in a read-only page", .get = true, .len = 100,
	  .arg = ARG_READ_ONLY, .err = EFAULT },
	{ "GET buffer too small", .get = true, .len = 4, .err = ERANGE },
	{ "GET buf_len 0", .get = true, .len = LEN_ZERO, .err = ERANGE },
	{ "GET flags 1", .get = true, .len = 100, .flags = 1, .err = EINVAL },
	{ "GET reserved 1", .get = true, .len = 100, .reserved = 1,
	  .err = EINVAL },
	{ "GET size 24", .get = true, .len = 100, SIZE(24), .err = EINVAL },
	{ "GET read-only command", .get = true, .len = 100,
	  .cmd = CMD(_IOC_READ, 32), .err = EINVAL },
	{ "GET size 40, nonzero byte 35", .get = true, .len = 100, SIZE(40),
	  .cmd = CMD(RW, 40), .tail = 35, .err = E2BIG },
};

#define NCASES ((int)ARRAY_SIZE(cases))

FIXTURE(bad) {
	struct nsl_hier h;
	char *area;		/* 5 pages for the struct; the 6th is unmapped */
	char *unmapped;
	char *edge;		/* a mapped page for texts ends here */
	char *prot_none;
	char *read_only;
	long base[DEPTH + 1];
};

static void fill_texts(long pid_max, long root)
{
	int i, off;

	snprintf(t_pid_max_plus1, sizeof(t_pid_max_plus1), "%ld", pid_max + 1);
	snprintf(t_vec_pid_max_plus1, sizeof(t_vec_pid_max_plus1),
		 "150:160:170:%ld", pid_max + 1);
	snprintf(t_uint_plus_pid, sizeof(t_uint_plus_pid), "150:%lld",
		 (1LL << 32) + 160);
	for (i = 0, off = 0; i < 33; i++)
		off += snprintf(t_33 + off, sizeof(t_33) - off, "%s1%02d",
				i ? ":" : "", i);
	snprintf(t_5, sizeof(t_5), "150:160:170:%ld:5", root);
	snprintf(t_6, sizeof(t_6), "150:160:170:%ld:5:6", root);
	for (i = 0, off = 0; i < 32; i++)
		off += snprintf(t_32 + off, sizeof(t_32) - off, "%s%d",
				i ? ":" : "", 150 + i);
	memset(t_256_ones, '1', sizeof(t_256_ones) - 1);
	memset(t_255_ones, '1', sizeof(t_255_ones) - 1);
	for (i = 0; i < 127; i++)
		memcpy(t_128_zeros + 2 * i, "0:", 2);
	t_128_zeros[254] = '0';
}

FIXTURE_SETUP(bad)
{
	long root;
	int ret;

	ret = nsl_hier_build(&self->h, DEPTH);
	ASSERT_EQ(ret, 0) {
		TH_LOG("building the hierarchy: %s", strerror(-ret));
	}
	self->area = mmap(NULL, 6 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->area, MAP_FAILED);
	ASSERT_EQ(munmap(self->area + 5 * PAGE, PAGE), 0);
	self->unmapped = self->area + 5 * PAGE;
	self->edge = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->edge, MAP_FAILED);
	ASSERT_EQ(munmap(self->edge + PAGE, PAGE), 0);
	self->edge += PAGE;
	self->prot_none = mmap(NULL, PAGE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->prot_none, MAP_FAILED);
	self->read_only = mmap(NULL, PAGE, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->read_only, MAP_FAILED);

	/* Known, distinct nested values; refused texts use other ones. */
	ASSERT_EQ(nsl_set(self->h.fd[DEPTH], "111:122:133"), 0) {
		TH_LOG("SET of a valid vector failed: %s", strerror(errno));
	}
	ASSERT_EQ(nsl_get(self->h.fd[DEPTH], self->base, DEPTH + 1), DEPTH + 1);
	root = nsl_pick_root_value(self->h.fd[0], self->base[DEPTH]);
	ASSERT_GT(root, 0);
	fill_texts(nsl_pid_max(), root);
}

FIXTURE_TEARDOWN(bad)
{
	nsl_hier_destroy(&self->h);
}

static unsigned long buf_address(FIXTURE_DATA(bad) *self,
				 const struct bad_case *c, char *copy, size_t len)
{
	switch (c->buf) {
	case BUF_TEXT:
		return (unsigned long)copy;
	case BUF_NULL:
		return 0;
	case BUF_UNMAPPED:
		return (unsigned long)self->edge;
	case BUF_PROT_NONE:
		return (unsigned long)self->prot_none;
	case BUF_READ_ONLY:
		return (unsigned long)self->read_only;
	case BUF_KERNEL_TEXT:
		return 0xffffffff81000000UL;
	case BUF_KERNEL_DIRECT:
		return 0xffff888000000000UL;
	case BUF_NONCANONICAL:
		return 0x8000000000000000UL;
	case BUF_ALL_ONES:
		return ~0UL;
	case BUF_CROSS_TEXT:
		/* All but the last character and the NUL are mapped. */
		memcpy(self->edge - (len - 2), c->text, len - 2);
		return (unsigned long)(self->edge - (len - 2));
	case BUF_CROSS_NUL:
		memcpy(self->edge - (len - 1), c->text, len - 1);
		return (unsigned long)(self->edge - (len - 1));
	case BUF_PAGE_END:
		return (unsigned long)(self->edge - 4);
	}
	return 0;
}

/* Runs one case; returns 0 or -errno from the ioctl. */
static int run_case(FIXTURE_DATA(bad) *self, const struct bad_case *c)
{
	static char copy[8192];
	unsigned long cmd = c->cmd ? c->cmd : NS_SPECIFIC_IOC;
	struct ns_specific_arg *arg;
	size_t len;
	char *mem;

	/* Text copies sit in ordinary memory, surrounded by zeros. */
	memset(copy, 0, sizeof(copy));
	if (c->get) {
		len = c->len == LEN_ZERO ? 0 : c->len;
	} else if (c->len > 0) {
		len = c->len;
		memcpy(copy, c->text, len < 300 ? len : 300);
	} else if (c->len == -2) {
		len = 0xffffffff;
		snprintf(copy, sizeof(copy), "%s", c->text);
	} else {
		len = c->len == LEN_ZERO ? 0 : strlen(c->text) + 1;
		snprintf(copy, sizeof(copy), "%s", c->text);
	}

	/*
	 * The struct ends (8-byte aligned) near where the mapped area ends,
	 * so every command size reads zeros up to its end.
	 */
	memset(self->area, 0, 5 * PAGE);
	memset(self->edge - PAGE, 0, PAGE);
	mem = self->unmapped - ((_IOC_SIZE(cmd) + 7) & ~7UL);
	if (c->arg == ARG_CROSS)
		mem = self->unmapped - 16;
	else if (c->arg == ARG_TAIL_UNMAPPED)
		mem = self->unmapped - KNOWN_SIZE;
	if (_IOC_SIZE(cmd) < KNOWN_SIZE && c->arg == ARG_MAPPED)
		mem = self->unmapped - KNOWN_SIZE;
	arg = (struct ns_specific_arg *)mem;
	if (c->arg != ARG_CROSS) {
		arg->size = c->size_set ? c->size : sizeof(*arg);
		arg->op = c->op_set ? c->op :
			  (c->get ? NS_PID_GET_LAST_PIDS : NS_PID_SET_LAST_PIDS);
		arg->buf = buf_address(self, c, copy, len);
		arg->buf_len = len;
		arg->flags = c->flags;
		arg->reserved = c->reserved;
		if (c->tail)
			mem[c->tail] = 0x01;
	} else {
		/* Only size and op fit; the kernel must not read further. */
		arg->size = sizeof(*arg);
		arg->op = NS_PID_SET_LAST_PIDS;
	}

	switch (c->arg) {
	case ARG_MAPPED:
	case ARG_CROSS:
	case ARG_TAIL_UNMAPPED:
		break;
	case ARG_NULL:
		return nsl_ioctl(self->h.fd[DEPTH], cmd, NULL);
	case ARG_UNMAPPED:
		return nsl_ioctl(self->h.fd[DEPTH], cmd, self->unmapped);
	case ARG_KERNEL:
		return nsl_ioctl(self->h.fd[DEPTH], cmd,
				 (void *)0xffffffff81000000UL);
	case ARG_READ_ONLY: {
		char *ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int ret;

		if (ro == MAP_FAILED)
			return -ENOMEM;
		memcpy(ro, arg, sizeof(*arg));
		((struct ns_specific_arg *)ro)->buf = (unsigned long)copy;
		mprotect(ro, PAGE, PROT_READ);
		ret = nsl_ioctl(self->h.fd[DEPTH], cmd, ro);
		munmap(ro, PAGE);
		return ret;
	}
	}
	return nsl_ioctl(self->h.fd[DEPTH], cmd, arg);
}

/* Every table entry fails as documented and changes no level. */
TEST_F(bad, table)
{
	long now[DEPTH + 1];
	int i, bad, failed = 0;

	ASSERT_GE(NCASES, 60);
	for (i = 0; i < NCASES; i++) {
		const struct bad_case *c = &cases[i];
		int ret = run_case(self, c);

		EXPECT_EQ(ret, -c->err) {
			TH_LOG("case %d \"%s\": got %d (%s), expected %s", i,
			       c->name, ret, ret ? strerror(-ret) : "success",
			       strerror(c->err));
			failed++;
		}
		ASSERT_EQ(nsl_get(self->h.fd[DEPTH], now, DEPTH + 1), DEPTH + 1);
		bad = nsl_vec_mismatch(now, self->base, DEPTH + 1, true);
		EXPECT_EQ(bad, -1) {
			TH_LOG("case %d \"%s\": level %d changed from %ld to %ld",
			       i, c->name, DEPTH - bad, self->base[bad], now[bad]);
			failed++;
		}
		/* Follow the initial namespace's natural drift. */
		self->base[DEPTH] = now[DEPTH];
	}
	ksft_print_msg("bad-input cases: %d, failed: %d\n", NCASES, failed);
}

/* A too small GET buffer still learns the needed length. */
TEST_F(bad, erange_reports_length)
{
	struct ns_specific_arg arg = {
		.size = sizeof(arg),
		.op = NS_PID_GET_LAST_PIDS,
	};
	char text[NSL_TEXT_CAP], small[8];
	__u32 len;

	ASSERT_OK(nsl_get_text(self->h.fd[DEPTH], text, sizeof(text), &len));
	memset(small, 'x', sizeof(small));
	arg.buf = (unsigned long)small;
	arg.buf_len = 4;
	ASSERT_EQ(nsl_ioctl(self->h.fd[DEPTH], NS_SPECIFIC_IOC, &arg), -ERANGE) {
		TH_LOG("GET into a 4-byte buffer");
	}
	EXPECT_EQ(arg.out_len, len) {
		TH_LOG("ERANGE did not report the needed length");
	}
	EXPECT_EQ(memcmp(small, "xxxxxxxx", 8), 0) {
		TH_LOG("a GET that failed with ERANGE wrote into the buffer");
	}
}

/*
 * A larger struct is fine when its extra bytes are zero: newer userspace
 * on an older module (copy_struct_from_user()).
 */
TEST_F(bad, larger_struct_zero_tail)
{
	static const __u32 sizes[] = { 40, 64, 4096 };
	char text[32];
	long now[DEPTH + 1];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct ns_specific_arg *arg;
		char *mem = self->unmapped - sizes[i];

		memset(self->area, 0, 5 * PAGE);
		snprintf(text, sizeof(text), "%u:%u", 300 + i, 400 + i);
		arg = (struct ns_specific_arg *)mem;
		arg->size = sizes[i];
		arg->op = NS_PID_SET_LAST_PIDS;
		arg->buf = (unsigned long)text;
		arg->buf_len = strlen(text) + 1;
		EXPECT_EQ(nsl_ioctl(self->h.fd[DEPTH], CMD(RW, sizes[i]), arg), 0) {
			TH_LOG("size %u with a zero tail: %s", sizes[i],
			       strerror(errno));
		}
		ASSERT_EQ(nsl_get(self->h.fd[DEPTH], now, DEPTH + 1), DEPTH + 1);
		EXPECT_EQ(now[0], 300 + i) {
			TH_LOG("level 3 after SET through a larger struct");
		}
		EXPECT_EQ(now[1], 400 + i) {
			TH_LOG("level 2 after SET through a larger struct");
		}
		EXPECT_EQ(now[2], self->base[2]) {
			TH_LOG("level 1 changed though the vector stopped at level 2");
		}
	}
}

TEST_HARNESS_MAIN
