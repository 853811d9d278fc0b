// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_truth_test.c - memdesc's two answers for pages of known kinds.
 *
 * For each kind of page that the kernel or this program can make on purpose
 * - memdesc_truth.ko's allocations (tests/truth/) and, from user space,
 * anonymous, tmpfs, shmem, THP, KSM, hwpoison and offlined memory - the PFN
 * is written to memdesc's pfn file, and both words it shows are held
 * against what the page is:
 *
 *   live	the classifier must name the kind and order exactly, on every
 *		kernel;
 *   shadow	the events must have taught it the same, except where no
 *		event exists (docs/TRANSITIONS.md).  There the test asserts
 *		the documented gap value exactly, so a gap that closes or
 *		opens changes a result.
 *
 * Runs in the guest after memdesc_test, whose last test unloads memdesc:
 * loads memdesc and memdesc_truth ($MEMDESC_KO, $MEMDESC_TRUTH_KO) and
 * unloads both at the end.  Fixtures, in the order they run: "truth" (the
 * kernel kinds; setup writes "alloc", teardown "free"), "truth_user" (the
 * user-space kinds; pinned to one CPU), "truth_unload".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <linux/kernel-page-flags.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"
#include "memdesc_owners.h"
#include "memdesc_truth.h"

#define MDT_DEBUGFS	"/sys/kernel/debug/" MEMDESC_TRUTH_DIR
#define MDT_MODNAME	"memdesc_truth"
#define MDT_KO_DEFAULT	"/memdesc_truth.ko"
#define MDT_PAGE	4096UL
#define MDT_THP		(2 * MD_MIB)
#define MDT_GIB		(1024 * MD_MIB)
#define MDT_LOG_MAX	4	/* failing PFNs shown in full, per check */
#define MDT_TMPFS	"/tmp/memdesc-truth"
#define MDT_MEMORY	"/sys/devices/system/memory"
#define MDT_KSM		"/sys/kernel/mm/ksm"

#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif

/* === Files and modules === */

static const char *mdt_ko_path(void)
{
	const char *path = getenv("MEMDESC_TRUTH_KO");

	return path && *path ? path : MDT_KO_DEFAULT;
}

static bool mdt_loaded(void)
{
	return md_module_loaded(MDT_MODNAME);
}

static int mdt_ctl(const char *cmd)
{
	return md_write_file(MDT_DEBUGFS "/ctl", cmd);
}

/* === memdesc's pfn file === */

/* One word as the pfn file shows it. */
struct mdt_word {
	unsigned long long word;
	char class[24];
	unsigned int order, zone, node, head, mappable;
};

struct mdt_pfn {
	unsigned long long pfn;
	struct mdt_word shadow, live;
	char owner[512];		/* the owner line, after "owner " */
	char stack[2048];		/* the stack line, if any, likewise */
	char text[4096];		/* the whole file, for the log */
};

/* "<key> 0x<word> <class> order N zone N node N head B mappable B" */
static bool mdt_parse_word(const char *line, const char *key,
			   struct mdt_word *w)
{
	size_t k = strlen(key);
	int end = -1;

	if (strncmp(line, key, k) || line[k] != ' ')
		return false;
	line += k + 1;
	if (sscanf(line,
		   "0x%llx %23s order %u zone %u node %u head %u mappable %u%n",
		   &w->word, w->class, &w->order, &w->zone, &w->node,
		   &w->head, &w->mappable, &end) != 7 || end < 0)
		return false;
	return line[end] == '\0' && w->head <= 1 && w->mappable <= 1;
}

/*
 * Select @pfn in memdesc's pfn file and read both words.  Every line of
 * the format must be there, in order.
 */
static void mdt_read_pfn(struct __test_metadata *_metadata,
			 unsigned long long pfn, struct mdt_pfn *p)
{
	char buf[32], copy[sizeof(p->text)], *line, *save;
	unsigned long long got = ~0ULL;
	int ref, map, end = -1, err;
	unsigned int i = 0;
	bool ok = true;

	memset(p, 0, sizeof(*p));
	p->pfn = pfn;
	snprintf(buf, sizeof(buf), "%llu\n", pfn);
	err = md_write_file(MD_DEBUGFS "/pfn", buf);
	ASSERT_EQ(0, err) {
		TH_LOG("select pfn %llu: %s", pfn, strerror(-err));
	}
	ASSERT_LT(0, md_read_text(MD_DEBUGFS "/pfn", p->text,
				   sizeof(p->text)));
	memcpy(copy, p->text, sizeof(copy));
	for (line = strtok_r(copy, "\n", &save); line && ok;
	     line = strtok_r(NULL, "\n", &save), i++) {
		switch (i) {
		case 0:
			ok = sscanf(line, "pfn %llu%n", &got, &end) == 1 &&
			     !line[end] && got == pfn;
			break;
		case 1:
			ok = mdt_parse_word(line, "shadow", &p->shadow);
			break;
		case 2:
			ok = mdt_parse_word(line, "live", &p->live);
			break;
		case 3:
			ok = !strncmp(line, "flags 0x", 8);
			break;
		case 4:
			end = -1;
			ok = sscanf(line, "refcount %d mapcount %d%n", &ref,
				    &map, &end) == 2 && end > 0 && !line[end];
			break;
		case 5:
			ok = !strncmp(line, "owner ", 6);
			if (ok)
				snprintf(p->owner, sizeof(p->owner), "%s",
					 line + 6);
			break;
		case 6:
			/* Only after the owner line of a saved stack. */
			ok = !strncmp(line, "stack 0x", 8) &&
			     !strncmp(p->owner, "0x", 2);
			if (ok)
				snprintf(p->stack, sizeof(p->stack), "%s",
					 line + 6);
			break;
		default:
			ok = false;
		}
	}
	ASSERT_TRUE(ok && (i == 6 || (i == 7 && p->stack[0]))) {
		TH_LOG("pfn %llu: line %u does not parse:\n%s", pfn, i,
		       p->text);
	}
}

/*
 * What a PFN should read.  A class "!x" means anything known but x; NULL
 * leaves the side's class unchecked.  Orders and head -1: not checked.
 */
struct mdt_want {
	const char *shadow;
	int shadow_order;
	int shadow_head;
	const char *live;
	int live_order;
	int live_head;
};

/* Failures of one check, to log the first few in full and count all. */
struct mdt_tally {
	unsigned int checked;
	unsigned int failed;
};

static bool mdt_class_is(const char *want, const char *got)
{
	if (!want)
		return true;
	if (want[0] == '!')
		return strcmp(want + 1, got) && strcmp("unknown", got);
	return !strcmp(want, got);
}

static bool mdt_side_ok(const struct mdt_word *w, const char *class,
			int order, int head)
{
	return mdt_class_is(class, w->class) &&
	       (order < 0 || w->order == (unsigned int)order) &&
	       (head < 0 || w->head == (unsigned int)head);
}

/*
 * Read @pfn and hold it against @want.  Besides @want, a PFN both sides
 * describe as a page must have the same zone and node on both: those
 * never change while a page is online.
 */
static bool mdt_check_pfn_detail(struct __test_metadata *_metadata,
				 struct mdt_tally *t, const char *what,
				 unsigned long long pfn,
				 const struct mdt_want *want, const char *detail)
{
	const char *got_detail;
	struct mdt_pfn p;
	bool ok, place = true;

	mdt_read_pfn(_metadata, pfn, &p);
	got_detail = memdesc_detail_name(memdesc_word_detail(p.shadow.word));
	ok = mdt_side_ok(&p.shadow, want->shadow, want->shadow_order,
			 want->shadow_head) &&
	     mdt_side_ok(&p.live, want->live, want->live_order,
			 want->live_head) &&
	     (!detail || !strcmp(detail, got_detail));
	if (strcmp(p.shadow.class, "hole") && strcmp(p.shadow.class, "unknown") &&
	    strcmp(p.live.class, "hole"))
		place = p.shadow.zone == p.live.zone &&
			p.shadow.node == p.live.node;
	t->checked++;
	if (ok && place)
		return true;
	if (t->failed++ < MDT_LOG_MAX)
		TH_LOG("%s: pfn %llu: want shadow %s order %d head %d detail %s (has %s), live %s order %d head %d%s; the pfn file:\n%s",
		       what, pfn, want->shadow ?: "(any)", want->shadow_order,
		       want->shadow_head, detail ?: "(any)", got_detail,
		       want->live ?: "(any)", want->live_order,
		       want->live_head, place ? "" : " (zone or node differ)",
		       p.text);
	return false;
}

static bool mdt_check_pfn(struct __test_metadata *_metadata,
			  struct mdt_tally *t, const char *what,
			  unsigned long long pfn, const struct mdt_want *want)
{
	return mdt_check_pfn_detail(_metadata, t, what, pfn, want, NULL);
}

/* End of a check: every PFN agreed, and at least @min were checked. */
static void mdt_tally_end(struct __test_metadata *_metadata,
			  const struct mdt_tally *t, const char *what,
			  unsigned int min)
{
	EXPECT_LE(min, t->checked) {
		TH_LOG("%s: %u PFNs checked, want at least %u", what,
		       t->checked, min);
	}
	EXPECT_EQ(0, t->failed) {
		TH_LOG("%s: %u of %u PFNs disagree", what, t->failed,
		       t->checked);
	}
}

/* === memdesc_truth's pfns file === */

struct mdt_rec {
	char kind[24];
	unsigned long long pfn;
	char class[24];
	unsigned int order;
	unsigned int compound;
	unsigned long index;
	char detail[24];
};

struct mdt_recs {
	struct mdt_rec *r;
	size_t nr;
};

static void mdt_recs_free(struct mdt_recs *recs)
{
	free(recs->r);
	recs->r = NULL;
	recs->nr = 0;
}

static void mdt_read_recs(struct __test_metadata *_metadata,
			  struct mdt_recs *recs)
{
	char line[256];
	size_t cap = 0;
	FILE *f;

	recs->r = NULL;
	recs->nr = 0;
	f = fopen(MDT_DEBUGFS "/pfns", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		struct mdt_rec *r;
		int n, end = -1;

		if (line[0] == '#')
			continue;
		if (recs->nr == cap) {
			cap = cap ? 2 * cap : 256;
			r = realloc(recs->r, cap * sizeof(*r));
			ASSERT_NE(NULL, r);
			recs->r = r;
		}
		r = &recs->r[recs->nr];
		n = sscanf(line, "%23s %llu %23s %u %u %lu %23s%n", r->kind,
			   &r->pfn, r->class, &r->order, &r->compound,
			   &r->index, r->detail, &end);
		ASSERT_TRUE(n == 7 && end > 0 && !strcmp(line + end, "\n")) {
			TH_LOG("pfns: '%s'", line);
		}
		recs->nr++;
	}
	fclose(f);
}

/* Special values of struct mdt_want for records: taken from the record. */
#define MDT_REC		(-2)	/* order or head from the record */

/*
 * Check every PFN memdesc_truth lists for @kind (at least @min of them),
 * its shadow word's detail the record's (none for most kinds).
 * A NULL live class in @want means the record's class; MDT_REC orders mean
 * the record's order for the shadow, and for the live side that order if
 * the allocation is compound (struct page keeps no other); MDT_REC heads
 * mean index 0 (live: of a compound allocation only, as a plain high-order
 * allocation's pages are each their own head).
 */
static void mdt_check_kind(struct __test_metadata *_metadata,
			   const struct mdt_recs *recs, const char *kind,
			   const struct mdt_want *want, unsigned int min)
{
	struct mdt_tally t = { 0 };
	size_t i;

	for (i = 0; i < recs->nr; i++) {
		const struct mdt_rec *r = &recs->r[i];
		struct mdt_want w = *want;

		if (strcmp(r->kind, kind))
			continue;
		if (!w.live)
			w.live = r->class;
		if (w.shadow_order == MDT_REC)
			w.shadow_order = r->order;
		if (w.live_order == MDT_REC)
			w.live_order = r->compound ? r->order : 0;
		if (w.shadow_head == MDT_REC)
			w.shadow_head = r->index == 0;
		if (w.live_head == MDT_REC)
			w.live_head = r->compound ? r->index == 0 : -1;
		mdt_check_pfn_detail(_metadata, &t, kind, r->pfn, &w,
				     r->detail);
	}
	mdt_tally_end(_metadata, &t, kind, min);
}

/* PFNs listed for @kind. */
static size_t mdt_count_kind(const struct mdt_recs *recs, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < recs->nr; i++)
		n += !strcmp(recs->r[i].kind, kind);
	return n;
}

/* === User-space pages === */

static unsigned long long mdt_kpageflags(struct __test_metadata *_metadata,
					 unsigned long long pfn)
{
	unsigned long long flags;
	int fd;

	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(flags), pread(fd, &flags, sizeof(flags), pfn * 8));
	close(fd);
	return flags;
}

/* Pin to the CPU we are on, so "this CPU's" per-cpu state stays ours. */
static void mdt_pin_cpu(struct __test_metadata *_metadata)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	ASSERT_LE(0, cpu);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
}

/*
 * Folios a fault just made wait in this CPU's LRU batch, and
 * mm_lru_insertion - the event that tells the shadow anon or file - fires
 * only when the batch drains (docs/TRANSITIONS.md, "driver | anon").
 * munmap() drains this CPU's batches (lru_add_drain() in unmap_region(),
 * 6.1 mm/mmap.c and 6.12 mm/vma.c); the caller is pinned, so that is the
 * CPU that faulted.
 */
static void mdt_lru_drain(struct __test_metadata *_metadata)
{
	char *p;

	p = mmap(NULL, MDT_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, munmap(p, MDT_PAGE));
}

/* Does this kernel have THP?  PREEMPT_RT kernels are built without it. */
static bool mdt_have_thp(void)
{
	return access("/sys/kernel/mm/transparent_hugepage", F_OK) == 0;
}

/*
 * MADV_NOHUGEPAGE on [@addr, @addr + @len): order-0 pages from here on.
 * Without THP the advice is EINVAL, and order 0 is all there is.
 */
static int mdt_no_thp(void *addr, size_t len)
{
	if (!madvise(addr, len, MADV_NOHUGEPAGE))
		return 0;
	return errno == EINVAL && !mdt_have_thp() ? 0 : -errno;
}

/* A fresh private anonymous mapping of @pages, order-0 pages, touched. */
static char *mdt_anon(struct __test_metadata *_metadata, size_t pages)
{
	size_t off;
	char *p;

	p = mmap(NULL, pages * MDT_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* THP is "always" on Debian: keep these order 0. */
	ASSERT_EQ(0, mdt_no_thp(p, pages * MDT_PAGE));
	for (off = 0; off < pages * MDT_PAGE; off += MDT_PAGE)
		p[off] = 1;
	return p;
}

/* === truth: the kernel's kinds, from memdesc_truth.ko === */

/* memdesc, then memdesc_truth, loaded if they are not. */
static void mdt_ensure_loaded(struct __test_metadata *_metadata)
{
	md_ensure_loaded(_metadata);
	md_ensure_module(_metadata, MDT_MODNAME, mdt_ko_path());
}

FIXTURE(truth) {
	struct mdt_recs recs;
	char *map;		/* vmalloc_mmap, mapped */
	char *reserve;		/* address space for page tables */
	int fd;
};

FIXTURE_SETUP(truth)
{
	int ret;

	self->fd = -1;
	if (!md_fixture_ready(_metadata, mdt_ko_path(), R_OK))
		return;
	mdt_ensure_loaded(_metadata);
	ASSERT_EQ(0, mdt_ctl("free"));
	ret = mdt_ctl("alloc");
	ASSERT_EQ(0, ret) {
		TH_LOG("memdesc_truth alloc: %s", strerror(-ret));
	}
	mdt_read_recs(_metadata, &self->recs);
}

FIXTURE_TEARDOWN(truth)
{
	if (self->map)
		munmap(self->map, MEMDESC_TRUTH_VMALLOC_MMAP_PAGES * MDT_PAGE);
	if (self->fd >= 0)
		close(self->fd);
	if (self->reserve)
		munmap(self->reserve, 2 * MDT_GIB);
	mdt_ctl("free");
	mdt_recs_free(&self->recs);
}

/*
 * memdesc_truth itself: every kind listed with the PFNs it must have, each
 * allocation's PFNs consecutive from index 0, every class one memdesc
 * knows.  The other tests trust these records.
 */
TEST_F(truth, records)
{
	static const unsigned int large[] = MEMDESC_TRUTH_VMALLOC_LARGE_INDICES;
	static const struct {
		const char *kind;
		size_t pfns;		/* 0: a slab, 2^order of it */
	} want[] = {
		{ "pages0", 1 }, { "pages3", 8 }, { "pages9", 512 },
		{ "comp0", 1 }, { "comp3", 8 }, { "comp9", 512 },
		{ "kmem_cache", 0 }, { "kmalloc", 0 }, { "kmem_cache_bulk", 0 },
		{ "kmalloc_large", 4 },
		{ "vmalloc", MEMDESC_TRUTH_VMALLOC_PAGES },
		{ "vmalloc_one", 1 },
		{ "vmalloc_user", MEMDESC_TRUTH_VMALLOC_USER_PAGES },
		{ "vmalloc_mmap", MEMDESC_TRUTH_VMALLOC_MMAP_PAGES },
		{ "netpool", MEMDESC_TRUTH_NETPOOL_PAGES },
		{ "exact", MEMDESC_TRUTH_EXACT_PAGES }, { "percpu", 0 },
		{ "vmalloc_large", ARRAY_SIZE(large) },
		{ "zero_page", 1 }, { "stale_pgd", 0 },
		{ "pte_table", 0 }, { "pmd_table", 0 }, { "pgd_table", 0 },
	};
	const struct mdt_recs *recs = &self->recs;
	size_t i, j, n, total = 0;
	unsigned int c;

	ASSERT_EQ(MEMDESC_TRUTH_NR_KINDS, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		EXPECT_STREQ(memdesc_truth_kind_name(i), want[i].kind);
		n = mdt_count_kind(recs, want[i].kind);
		total += n;
		if (want[i].pfns) {
			EXPECT_EQ(want[i].pfns, n) {
				TH_LOG("%s: %zu PFNs", want[i].kind, n);
			}
		}
	}
	/* Slabs: one whole slab each; no page table before "pgtable". */
	for (i = 0; i < recs->nr; i++) {
		const struct mdt_rec *r = &recs->r[i];

		if (!strcmp(r->kind, "kmem_cache") || !strcmp(r->kind, "kmalloc") ||
		    !strcmp(r->kind, "kmem_cache_bulk"))
			EXPECT_EQ(1UL << r->order, mdt_count_kind(recs, r->kind));
	}
	EXPECT_EQ(0, mdt_count_kind(recs, "pte_table"));
	EXPECT_EQ(recs->nr, total);

	for (i = 0; i < recs->nr; i++) {
		const struct mdt_rec *r = &recs->r[i];

		for (c = 0; c < MEMDESC_NR_CLASSES; c++)
			if (!strcmp(memdesc_class_name(c), r->class))
				break;
		EXPECT_LT(c, MEMDESC_NR_CLASSES) {
			TH_LOG("%s %llu: class '%s'", r->kind, r->pfn, r->class);
		}
		EXPECT_LE(r->compound, 1);
		/* Within an allocation: consecutive PFNs and indices. */
		if (r->index) {
			ASSERT_LT(0, i);
			EXPECT_TRUE(!strcmp(r[-1].kind, r->kind) &&
				    r[-1].pfn + 1 == r->pfn &&
				    r[-1].index + 1 == r->index) {
				TH_LOG("%s %llu: index %lu out of sequence",
				       r->kind, r->pfn, r->index);
			}
		}
		for (j = i + 1; j < recs->nr; j++)
			EXPECT_NE(r->pfn, recs->r[j].pfn) {
				TH_LOG("pfn %llu listed twice", r->pfn);
			}
	}
}

/* A driver allocation at the order and head memdesc_truth recorded. */
static const struct mdt_want mdt_driver = {
	"driver", MDT_REC, MDT_REC, NULL, MDT_REC, MDT_REC,
};

/*
 * Plain alloc_pages(), orders 0, 3, 9: driver, the allocation order in the
 * shadow (mm_page_alloc), order 0 live - a non-compound allocation leaves
 * no order in struct page (docs/design.md, "Limits").
 */
TEST_F(truth, pages)
{
	mdt_check_kind(_metadata, &self->recs, "pages0", &mdt_driver, 1);
	mdt_check_kind(_metadata, &self->recs, "pages3", &mdt_driver, 8);
	mdt_check_kind(_metadata, &self->recs, "pages9", &mdt_driver, 512);
}

/*
 * A block shaped like a dead process's top-level table (memdesc_truth.c:
 * memdesc_truth_alloc_stale_pgd()): its first page names an mm that still
 * points back and counts as alive, but the block is off pgd_list.  Ours,
 * so driver on both sides: the live classifier must not call it a pgd.
 */
TEST_F(truth, stale_pgd)
{
	size_t n = mdt_count_kind(&self->recs, "stale_pgd");

	ASSERT_LE(1, n);
	mdt_check_kind(_metadata, &self->recs, "stale_pgd", &mdt_driver, n);
}

/* __GFP_COMP: driver at the allocation order on both sides. */
TEST_F(truth, compound)
{
	mdt_check_kind(_metadata, &self->recs, "comp0", &mdt_driver, 1);
	mdt_check_kind(_metadata, &self->recs, "comp3", &mdt_driver, 8);
	mdt_check_kind(_metadata, &self->recs, "comp9", &mdt_driver, 512);
}

/*
 * Slab pages, every PFN of the slab at the slab's order: a new slab of a
 * cache of our own (mm_page_alloc, then kmem_cache_alloc retypes it), the
 * slab of a small kmalloc() object (kmalloc), and a new slab that only
 * kmem_cache_alloc_bulk() took objects from, which no object event names
 * (the hook on allocate_slab types it).
 */
TEST_F(truth, slab)
{
	const struct mdt_want want = {
		"slab", MDT_REC, MDT_REC, NULL, MDT_REC, MDT_REC,
	};

	mdt_check_kind(_metadata, &self->recs, "kmem_cache", &want, 1);
	mdt_check_kind(_metadata, &self->recs, "kmalloc", &want, 1);
	/* Filled by the bulk allocator alone: typed when it was made. */
	mdt_check_kind(_metadata, &self->recs, "kmem_cache_bulk", &want, 1);
}

/*
 * kmalloc() past the largest cache is a compound page from the allocator:
 * driver, order 2.  The kmalloc event fires for it too, and must not make
 * it slab; it gives it the detail kmalloc_large.
 */
TEST_F(truth, kmalloc_large)
{
	mdt_check_kind(_metadata, &self->recs, "kmalloc_large", &mdt_driver,
		       4);
}

/*
 * alloc_pages_exact(): driver pages of order 0 each, split from their
 * block with no event; the hook on alloc_pages_exact() gives each its own
 * order-0 word and the detail exact.  Live, struct page keeps no order.
 */
TEST_F(truth, exact)
{
	const struct mdt_want want = { "driver", 0, 1, "driver", 0, -1 };

	mdt_check_kind(_metadata, &self->recs, "exact", &want,
		       MEMDESC_TRUTH_EXACT_PAGES);
}

/*
 * A per-cpu area's pages, in a chunk mapped in vmalloc space: the
 * percpu_alloc_percpu probe gives them the detail percpu.  Live they read
 * as mapped in vmalloc space; the shadow's class is not what this checks.
 */
TEST_F(truth, percpu)
{
	const struct mdt_want want = { "!free", -1, -1, "!free", -1, -1 };

	if (!mdt_count_kind(&self->recs, "percpu"))
		SKIP(return, "every per-cpu area landed in the first chunk (linear map)");
	mdt_check_kind(_metadata, &self->recs, "percpu", &want, 1);
}

/*
 * The zero page: reserved on both sides, in the kernel image; the live
 * classifier knows its PFN and gives it the detail zero_page, which the
 * seeding copies.
 */
TEST_F(truth, zero_page)
{
	const struct mdt_want want = { "reserved", 0, -1, "reserved", 0, -1 };

	mdt_check_kind(_metadata, &self->recs, "zero_page", &want, 1);
}

/*
 * vmalloc: vmalloc_unmap on both sides (mapped in the vmalloc area, not in
 * user space).  No event names a vmalloc page; the module's hook on
 * __vmalloc_node_range() types every page of the area at its return,
 * whether it came from alloc_pages_bulk()'s per-cpu fast path (no
 * mm_page_alloc) or from the one-page allocator: order 0, each page its
 * own head, as vm_area_alloc_pages() splits what it allocates.
 */
static const struct mdt_want mdt_vmalloc = {
	"vmalloc_unmap", 0, 1, "vmalloc_unmap", 0, -1,
};

TEST_F(truth, vmalloc)
{
	mdt_check_kind(_metadata, &self->recs, "vmalloc", &mdt_vmalloc,
		       MEMDESC_TRUTH_VMALLOC_PAGES);
	mdt_check_kind(_metadata, &self->recs, "vmalloc_one", &mdt_vmalloc, 1);
}

/*
 * A large vmalloc() area: the hook types the first MEMDESC_DEFER_INLINE
 * pages at the return and leaves the rest to memdesc's worker, which a
 * read waits for.  Every page listed, on either side of that bound and of
 * the 2,048 the hook once typed and no more, reads as the small areas do.
 */
TEST_F(truth, vmalloc_large)
{
	static const unsigned int idx[] = MEMDESC_TRUTH_VMALLOC_LARGE_INDICES;

	mdt_check_kind(_metadata, &self->recs, "vmalloc_large", &mdt_vmalloc,
		       ARRAY_SIZE(idx));
}

/*
 * Every page of every area through memdesc's worker: the test parameter
 * defer_inline at 0, everything allocated again.  The vmalloc kinds and
 * the per-cpu area read as when the hooks type their first pages
 * themselves, and stats counts the pages the hooks deferred.
 */
TEST_F(truth, all_deferred)
{
	static const unsigned int large[] = MEMDESC_TRUTH_VMALLOC_LARGE_INDICES;
	const struct mdt_want percpu = { "!free", -1, -1, "!free", -1, -1 };
	const char *inline_param = MD_SYSFS "/parameters/defer_inline";
	unsigned long long deferred;
	struct mdt_recs recs = { 0 };

	deferred = md_stat(_metadata, "counter", "deferred");
	ASSERT_EQ(0, md_write_file(inline_param, "0"));
	EXPECT_EQ(0, mdt_ctl("free"));
	EXPECT_EQ(0, mdt_ctl("alloc"));
	EXPECT_EQ(0, md_write_file(inline_param, "32"));
	mdt_read_recs(_metadata, &recs);
	mdt_check_kind(_metadata, &recs, "vmalloc", &mdt_vmalloc,
		       MEMDESC_TRUTH_VMALLOC_PAGES);
	mdt_check_kind(_metadata, &recs, "vmalloc_one", &mdt_vmalloc, 1);
	mdt_check_kind(_metadata, &recs, "vmalloc_user", &mdt_vmalloc,
		       MEMDESC_TRUTH_VMALLOC_USER_PAGES);
	mdt_check_kind(_metadata, &recs, "vmalloc_large", &mdt_vmalloc,
		       ARRAY_SIZE(large));
	if (mdt_count_kind(&recs, "percpu"))
		mdt_check_kind(_metadata, &recs, "percpu", &percpu, 1);
	mdt_recs_free(&recs);
	deferred = md_stat(_metadata, "counter", "deferred") - deferred;
	ksft_print_msg("figure all_deferred pages %llu\n", deferred);
	EXPECT_LE(MEMDESC_TRUTH_VMALLOC_LARGE_PAGES, deferred);
	/* Out of range: the parameter keeps its value. */
	EXPECT_EQ(-EINVAL, md_write_file(inline_param, "33"));
	EXPECT_EQ(-EINVAL, md_write_file(inline_param, "-1"));
}

/* vmalloc_user() never mapped: as vmalloc. */
TEST_F(truth, vmalloc_user)
{
	mdt_check_kind(_metadata, &self->recs, "vmalloc_user", &mdt_vmalloc,
		       MEMDESC_TRUTH_VMALLOC_USER_PAGES);
}

/*
 * vmalloc_user() mapped into user space with remap_vmalloc_range():
 * vmalloc_map live while mapped (our pagemap shows the same PFNs),
 * vmalloc_unmap again after munmap().  Mapping into user space and out of
 * it have no event (docs/TRANSITIONS.md): the shadow keeps what it had,
 * vmalloc_unmap from the hook, vmalloc_map after a resync.
 */
TEST_F(truth, vmalloc_mmap)
{
	const size_t size = MEMDESC_TRUTH_VMALLOC_MMAP_PAGES * MDT_PAGE;
	const struct mdt_want mapped = {
		"vmalloc_unmap", 0, 1, "vmalloc_map", 0, -1,
	};
	const struct mdt_want resynced = {
		"vmalloc_map", 0, -1, "vmalloc_map", 0, -1,
	};
	const struct mdt_want unmapped = {
		"vmalloc_map", 0, -1, "vmalloc_unmap", 0, -1,
	};
	struct mdt_recs recs;
	size_t i, n = 0;

	self->fd = open(MDT_DEBUGFS "/vmalloc_mmap", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	self->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->map) {
		TH_LOG("mmap vmalloc_mmap: %s", strerror(errno));
		self->map = NULL;
	}
	memset(self->map, 0x5a, size);

	mdt_read_recs(_metadata, &recs);
	for (i = 0; i < recs.nr; i++) {
		if (strcmp(recs.r[i].kind, "vmalloc_mmap"))
			continue;
		EXPECT_STREQ("vmalloc_map", recs.r[i].class);
		EXPECT_EQ(recs.r[i].pfn,
			  md_pagemap_pfn(_metadata, self->map + n * MDT_PAGE));
		n++;
	}
	EXPECT_EQ(MEMDESC_TRUTH_VMALLOC_MMAP_PAGES, n);
	mdt_check_kind(_metadata, &recs, "vmalloc_mmap", &mapped, n);
	mdt_recs_free(&recs);

	/* A resync copies the live word: vmalloc_map on both sides. */
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "resync"));
	mdt_read_recs(_metadata, &recs);
	mdt_check_kind(_metadata, &recs, "vmalloc_mmap", &resynced,
		       MEMDESC_TRUTH_VMALLOC_MMAP_PAGES);
	mdt_recs_free(&recs);

	/* munmap() has no event either: the shadow keeps vmalloc_map. */
	ASSERT_EQ(0, munmap(self->map, size));
	self->map = NULL;
	mdt_read_recs(_metadata, &recs);
	mdt_check_kind(_metadata, &recs, "vmalloc_mmap", &unmapped,
		       MEMDESC_TRUTH_VMALLOC_MMAP_PAGES);
	mdt_recs_free(&recs);
}

/* page_pool pages: netpool (page_pool_state_hold) on both sides. */
TEST_F(truth, netpool)
{
	const struct mdt_want want = {
		"netpool", 0, -1, NULL, 0, -1,
	};

	mdt_check_kind(_metadata, &self->recs, "netpool", &want,
		       MEMDESC_TRUTH_NETPOOL_PAGES);
}

/*
 * The PTE and PMD table pages that map a page of ours, both made by our
 * fault: a 1 GiB-aligned address in address space nothing else uses needs
 * a new PMD table and a new PTE table.  Live pgtable.  No tracepoint marks
 * a page table; the hooks on pte_alloc_one() and __pmd_alloc() do, so the
 * shadow reads pgtable too.  And our process's top-level table, a plain
 * block of PGD_ALLOCATION_ORDER that pgd_alloc() made when the harness
 * forked us: pgtable at that order on both sides, its first page the head.
 */
TEST_F(truth, pgtable)
{
	const struct mdt_want want = {
		"pgtable", 0, 1, "pgtable", 0, -1,
	};
	struct mdt_tally t = { 0 };
	struct mdt_recs recs;
	char cmd[64], *addr;
	size_t i;
	int ret;

	self->reserve = mmap(NULL, 2 * MDT_GIB, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->reserve) {
		self->reserve = NULL;
	}
	addr = (char *)(((uintptr_t)self->reserve + MDT_GIB - 1) &
			~(uintptr_t)(MDT_GIB - 1));
	ASSERT_EQ(0, mprotect(addr, MDT_PAGE, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, mdt_no_thp(addr, MDT_PAGE));
	addr[0] = 1;

	snprintf(cmd, sizeof(cmd), "pgtable %p", addr);
	ret = mdt_ctl(cmd);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: %s", cmd, strerror(-ret));
	}
	mdt_read_recs(_metadata, &recs);
	ASSERT_EQ(1, mdt_count_kind(&recs, "pte_table"));
	ASSERT_EQ(1, mdt_count_kind(&recs, "pmd_table"));
	mdt_check_kind(_metadata, &recs, "pte_table", &want, 1);
	mdt_check_kind(_metadata, &recs, "pmd_table", &want, 1);
	ASSERT_LE(1, mdt_count_kind(&recs, "pgd_table"));
	for (i = 0; i < recs.nr; i++) {
		const struct mdt_rec *r = &recs.r[i];
		const struct mdt_want pgd = {
			"pgtable", r->order, r->index == 0,
			"pgtable", r->order, r->index == 0,
		};

		if (!strcmp(r->kind, "pgd_table"))
			mdt_check_pfn(_metadata, &t, "pgd_table", r->pfn,
				      &pgd);
	}
	mdt_tally_end(_metadata, &t, "pgd_table", 1);
	mdt_recs_free(&recs);
}

/*
 * memdesc_truth's ctl: garbage is refused with EINVAL; a second alloc with
 * EBUSY; an address without a PTE table with ENOENT, a kernel one with
 * EINVAL; free while vmalloc_mmap is mapped with EBUSY, and it works once
 * unmapped.
 */
TEST_F(truth, ctl_input)
{
	static const char * const bad[] = {
		"", "\n", "ALLOC", "allocate", "free now", "pgtable",
		"pgtable ", "pgtable x", "pgtable 0x", "pgtable -1",
		"pgtable 4096 4096", "pgtable 0xffffffffff600000",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	const size_t size = MEMDESC_TRUTH_VMALLOC_MMAP_PAGES * MDT_PAGE;
	char cmd[64], *addr;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, mdt_ctl(bad[i])) {
			TH_LOG("ctl input %zu not refused", i);
		}
	EXPECT_EQ(-EBUSY, mdt_ctl("alloc"));

	self->reserve = mmap(NULL, 2 * MDT_GIB, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->reserve) {
		self->reserve = NULL;
	}
	addr = (char *)(((uintptr_t)self->reserve + MDT_GIB - 1) &
			~(uintptr_t)(MDT_GIB - 1));
	snprintf(cmd, sizeof(cmd), "pgtable %p", addr);
	EXPECT_EQ(-ENOENT, mdt_ctl(cmd));

	self->fd = open(MDT_DEBUGFS "/vmalloc_mmap", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	/* Past the buffer, or at an offset: refused. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size + MDT_PAGE, PROT_READ,
				   MAP_SHARED, self->fd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, MDT_PAGE, PROT_READ, MAP_SHARED,
				   self->fd, size));
	self->map = mmap(NULL, size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->map) {
		self->map = NULL;
	}
	EXPECT_EQ(-EBUSY, mdt_ctl("free"));
	ASSERT_EQ(0, munmap(self->map, size));
	self->map = NULL;
	EXPECT_EQ(0, mdt_ctl("free"));
	EXPECT_EQ(0, mdt_ctl("free"));
	/* Nothing allocated: nothing to map. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size, PROT_READ, MAP_SHARED,
				   self->fd, 0));
	EXPECT_EQ(0, mdt_ctl("alloc\n"));
}

/* === truth_user: user-space kinds === */

/* === Allocation sites (owners) === */

static int mdt_control(const char *cmd)
{
	return md_write_file(MD_DEBUGFS "/control", cmd);
}

/* Whether a space-separated list of frames has one starting with @fn+. */
static bool mdt_frames_have(const char *frames, const char *fn)
{
	size_t n = strlen(fn);
	const char *f = frames;

	while ((f = strstr(f, fn))) {
		if ((f == frames || f[-1] == ' ') && f[n] == '+')
			return true;
		f += n;
	}
	return false;
}

/* The first frame of an owner line's site ("0x... f0 f1 ..."), or "". */
static void mdt_site_frame0(const char *owner, char *out, size_t size)
{
	const char *sp = strchr(owner, ' ');

	snprintf(out, size, "%s", sp ? sp + 1 : "");
	out[strcspn(out, " ")] = '\0';
}

FIXTURE(truth_owners) {
	struct mdt_recs recs;
	bool on;
};

/*
 * Owners on, then memdesc_truth's allocations: each must name the function
 * that made it.  "free" first, which also shrinks the module's slab cache,
 * so that its slab is allocated now, under tracking.
 */
FIXTURE_SETUP(truth_owners)
{
	int ret;

	if (!md_fixture_ready(_metadata, mdt_ko_path(), R_OK))
		return;
	mdt_ensure_loaded(_metadata);
	ASSERT_EQ(0, mdt_ctl("free"));
	ret = mdt_control("owners on");
	ASSERT_EQ(0, ret) {
		TH_LOG("owners on: %s", strerror(-ret));
	}
	self->on = true;
	ret = mdt_ctl("alloc");
	ASSERT_EQ(0, ret) {
		TH_LOG("memdesc_truth alloc: %s", strerror(-ret));
	}
	mdt_read_recs(_metadata, &self->recs);
}

FIXTURE_TEARDOWN(truth_owners)
{
	umount(MDT_TMPFS);
	mdt_ctl("free");
	if (self->on)
		mdt_control("owners off");
	mdt_recs_free(&self->recs);
}

/*
 * Ground truth: every block memdesc_truth allocated names, in its owner
 * stack, the memdesc_truth function that allocated its kind; a plain or
 * compound alloc_pages() names it as the site itself, the first frame
 * outside the page allocator.  The small kmalloc's slab is shared with the
 * rest of the kernel, and page tables are not allocated by the module, so
 * neither has a known owner.  Tail PFNs read their head's owner.
 */
TEST_F(truth_owners, sites)
{
	static const struct {
		const char *prefix;	/* kinds starting so */
		const char *fn;		/* in the stack */
		bool site;		/* and the site's first frame */
	} want[] = {
		{ "pages", "memdesc_truth_alloc_pages", true },
		{ "comp", "memdesc_truth_alloc_pages", true },
		{ "kmem_cache", "memdesc_truth_alloc_slab", false },
		{ "kmalloc_large", "memdesc_truth_alloc_kmalloc_large", false },
		{ "vmalloc_large", "memdesc_truth_alloc_vmalloc_large", false },
		{ "vmalloc", "memdesc_truth_alloc_vmalloc", false },
		{ "netpool", "memdesc_truth_alloc_netpool", false },
		{ "stale_pgd", "memdesc_truth_alloc_stale_pgd", true },
	};
	unsigned int checked = 0, failed = 0;
	char frame0[256], head_owner[512] = "";
	struct mdt_pfn p;
	size_t i, k;

	for (i = 0; i < self->recs.nr; i++) {
		const struct mdt_rec *r = &self->recs.r[i];

		for (k = 0; k < ARRAY_SIZE(want); k++)
			if (!strncmp(r->kind, want[k].prefix,
				     strlen(want[k].prefix)))
				break;
		if (k == ARRAY_SIZE(want) || !strcmp(r->kind, "kmalloc"))
			continue;
		/* Heads, and the last PFN of a block of more than one. */
		if (r->index && (i + 1 < self->recs.nr &&
				 self->recs.r[i + 1].index))
			continue;
		mdt_read_pfn(_metadata, r->pfn, &p);
		checked++;
		mdt_site_frame0(p.owner, frame0, sizeof(frame0));
		if (!r->index)
			snprintf(head_owner, sizeof(head_owner), "%s", p.owner);
		if (strncmp(p.owner, "0x", 2) ||
		    !mdt_frames_have(p.stack, want[k].fn) ||
		    (want[k].site && (strncmp(frame0, want[k].fn,
					      strlen(want[k].fn)) ||
				      frame0[strlen(want[k].fn)] != '+' ||
				      !strstr(frame0, "[memdesc_truth]"))) ||
		    (r->index && strcmp(p.owner, head_owner))) {
			if (failed++ < MDT_LOG_MAX)
				TH_LOG("%s pfn %llu index %lu: want %s%s, got:\n%s",
				       r->kind, r->pfn, r->index, want[k].fn,
				       want[k].site ? " as the site" : "",
				       p.text);
		}
	}
	ksft_print_msg("figure owner_sites_checked %u failed %u\n", checked,
		       failed);
	/* One block's owner lines, for the log: what a reader sees. */
	if (head_owner[0])
		ksft_print_msg("owner %s\n", head_owner);
	EXPECT_LT(20U, checked);
	EXPECT_EQ(0U, failed);
}

/*
 * The owners file: one record of class driver for the alloc_pages() site,
 * with every page of the six allocations (1 + 8 + 512, plain and
 * compound) and their six blocks; a stack record for its handle, once;
 * and a head whose counts add up.
 */
TEST_F(truth_owners, census)
{
	unsigned long long pages = 0, blocks = 0, head[6] = { 0 };
	unsigned int sites = 0, stacks = 0, matches = 0, ours = 0;
	char line[4096], handle[16] = "", state[8];
	FILE *f;

	f = fopen(MD_DEBUGFS "/owners", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char h[16], class[24];
		unsigned long long pg, bl;
		int n, end = -1;

		if (line[0] == '#')
			continue;
		if (!strncmp(line, "owners ", 7)) {
			/* on seconds sites stacks pages unknown unsaved bytes */
			n = sscanf(line, "owners %7s %*u %llu %llu %llu %llu %llu %llu",
				   state, &head[0], &head[1], &head[2],
				   &head[3], &head[4], &head[5]);
			ASSERT_EQ(7, n) {
				TH_LOG("%s", line);
			}
			ASSERT_STREQ("on", state);
			continue;
		}
		if (!strncmp(line, "stack ", 6)) {
			stacks++;
			if (handle[0] && !strncmp(line + 6, handle, strlen(handle)) &&
			    line[6 + strlen(handle)] == ' ')
				ours++;
			continue;
		}
		n = sscanf(line, "owner %15s %23s %llu %llu%n", h, class, &pg,
			   &bl, &end);
		ASSERT_EQ(4, n) {
			TH_LOG("%s", line);
		}
		ASSERT_EQ(0U, stacks) {
			TH_LOG("an owner record after the stacks: %s", line);
		}
		sites++;
		pages += pg;
		blocks += bl;
		if (!strcmp(class, "driver") &&
		    mdt_frames_have(line + end, "memdesc_truth_alloc_pages")) {
			matches++;
			snprintf(handle, sizeof(handle), "%s", h);
			ksft_print_msg("%s", line);
			EXPECT_EQ(2 * (1 + 8 + 512), pg);
			EXPECT_EQ(6, bl);
		}
	}
	fclose(f);
	EXPECT_EQ(1U, matches);
	EXPECT_EQ(1U, ours);
	/* The head counts what follows it. */
	EXPECT_EQ(head[0], sites);
	EXPECT_EQ(head[1], stacks);
	EXPECT_EQ(head[2], pages);
	EXPECT_LE(blocks, pages);
	EXPECT_LE(head[3] + head[4], head[2]);
	EXPECT_LT(0ULL, head[5]);
}

/* === page_owner, the independent oracle === */

#define MDT_PAGE_OWNER		"/sys/kernel/debug/page_owner"
#define MDT_ORACLE_SAMPLE	1500	/* records compared, at most */
#define MDT_ORACLE_MIN		1000	/* PFNs compared, at least */
#define MDT_ORACLE_HOLD		(16 * MD_MIB)	/* anon, held */
#define MDT_ORACLE_FILES	2000	/* one-page tmpfs files: file, slab */
#define MDT_ORACLE_MAX		(1 << 20)	/* page_owner records kept */

/*
 * The site of a stack, as both sides print frames ("%pS"): the first frame
 * the page allocator does not own (memdesc_owners.h), without the space
 * page_owner leaves before a module's name.  @frames are lines or fields
 * separated by @sep.
 */
static void mdt_first_site(const char *frames, char sep, char *out,
			   size_t size)
{
	const char *f = frames, *end;
	size_t n;

	out[0] = '\0';
	while (*f) {
		while (*f == ' ' || *f == sep)
			f++;
		end = strchr(f, sep);
		n = end ? (size_t)(end - f) : strlen(f);
		if (n && !memdesc_frame_is_allocator(f, strcspn(f, " +"))) {
			size_t i, o = 0;

			/* Too long to hold: no site, rather than a later frame. */
			if (n >= size)
				return;
			for (i = 0; i < n; i++)
				if (f[i] != ' ')
					out[o++] = f[i];
			out[o] = '\0';
			return;
		}
		if (!end)
			return;
		f = end + 1;
	}
}

/* One page_owner record: a block head, when it was allocated, its site. */
struct mdt_po_rec {
	unsigned long long pfn;
	unsigned long long ts;		/* local_clock() ns at allocation */
	char site[128];
};

/*
 * Parse one record of page_owner (one read() returns one): the first line
 * has "ts <ns> ns", the second "PFN <pfn>" (0x on 6.12, decimal on 6.1),
 * then the stack, a frame a line, indented.
 */
static bool mdt_po_parse(char *buf, struct mdt_po_rec *r)
{
	char *ts = strstr(buf, ", ts "), *pfn = strstr(buf, "\nPFN ");
	char *stack;

	if (!ts || !pfn)
		return false;
	r->ts = strtoull(ts + 5, NULL, 10);
	r->pfn = strtoull(pfn + 5, NULL, 0);
	stack = strchr(pfn + 1, '\n');
	if (!stack)
		return false;
	mdt_first_site(stack + 1, '\n', r->site, sizeof(r->site));
	return r->site[0];
}

/* The record of @pfn, read at its offset (the PFN, less min_low_pfn: 0). */
static bool mdt_po_at(int fd, unsigned long long pfn, struct mdt_po_rec *r)
{
	static char buf[16384];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, pfn);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	return mdt_po_parse(buf, r) && r->pfn == pfn;
}

/* A page_owner file that exists because the boot asked for it. */
static bool mdt_page_owner_wanted(void)
{
	char cmdline[4096];

	return md_read_line("/proc/cmdline", cmdline, sizeof(cmdline)) &&
	       strstr(cmdline, "page_owner=on");
}

/*
 * Memdesc's allocation sites against page_owner's, the kernel's own record
 * of every allocation's stack, on a kernel that has it (the debug tier's
 * KASAN kernel, booted with page_owner=on).  With owners on, one anonymous
 * page touched gives the time from which page_owner's records are of
 * allocations memdesc saw (page_owner stamps each with local_clock()).
 * Then memory of several classes is allocated and held, every page_owner
 * record is read, and MDT_ORACLE_SAMPLE of those stamped later, evenly
 * spread, are held against memdesc's pfn file: both must name the same
 * site, the first frame outside the page allocator.  At least
 * MDT_ORACLE_MIN PFNs in three classes, 99% of the sample agreeing (a PFN
 * memdesc has no site for is a miss; one freed between the two reads is
 * left out); every disagreement is listed.
 */
TEST_F_TIMEOUT(truth_owners, page_owner, MD_TIMEOUT(900))
{
	unsigned int compared = 0, agreed = 0, unknown = 0, classes = 0;
	unsigned int by_class[MEMDESC_NR_CLASSES] = { 0 }, freed = 0;
	static char buf[16384];
	struct mdt_po_rec *recs, first;
	size_t nr = 0, i, step;
	char *hold, *mark, ours[256], path[64];
	struct mdt_pfn p;
	unsigned int c;
	ssize_t n;
	int fd;

	if (access(MDT_PAGE_OWNER, R_OK)) {
		ASSERT_FALSE(mdt_page_owner_wanted()) {
			TH_LOG("booted with page_owner=on, but no %s",
			       MDT_PAGE_OWNER);
		}
		SKIP(return, "no page_owner: a kernel with CONFIG_PAGE_OWNER booted with page_owner=on (make check-debug)");
	}
	fd = open(MDT_PAGE_OWNER, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* Owners are on (the fixture): from this page's stamp on, all seen. */
	mark = mdt_anon(_metadata, 1);
	ASSERT_NE(NULL, mark);
	ASSERT_TRUE(mdt_po_at(fd, md_pagemap_pfn(_metadata, mark), &first));

	/* Memory of several classes, allocated now and held. */
	hold = mdt_anon(_metadata, MDT_ORACLE_HOLD / MDT_PAGE);
	ASSERT_NE(NULL, hold);
	ASSERT_TRUE(mkdir(MDT_TMPFS, 0700) == 0 || errno == EEXIST);
	ASSERT_EQ(0, mount("tmpfs", MDT_TMPFS, "tmpfs", 0, "huge=never"));
	for (i = 0; i < MDT_ORACLE_FILES; i++) {
		int f;

		snprintf(path, sizeof(path), MDT_TMPFS "/f%zu", i);
		f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		ASSERT_LE(0, f);
		ASSERT_EQ(4, write(f, "page", 4));
		close(f);
	}

	/* Every record, in PFN order; those stamped after the mark kept. */
	recs = calloc(MDT_ORACLE_MAX, sizeof(*recs));
	ASSERT_NE(NULL, recs);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	while (nr < MDT_ORACLE_MAX && (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (mdt_po_parse(buf, &recs[nr]) && recs[nr].ts >= first.ts)
			nr++;
	}
	close(fd);
	step = nr > MDT_ORACLE_SAMPLE ? nr / MDT_ORACLE_SAMPLE : 1;
	for (i = 0; i < nr; i += step) {
		mdt_read_pfn(_metadata, recs[i].pfn, &p);
		/* Freed since page_owner was read (a slab shrunk): no owner. */
		if (!strcmp(p.live.class, "free")) {
			freed++;
			continue;
		}
		if (strncmp(p.owner, "0x", 2)) {
			/* Allocated after owners went on: memdesc missed it. */
			if (unknown++ < MDT_LOG_MAX)
				TH_LOG("pfn %llu: page_owner %s, memdesc no site\n%s",
				       recs[i].pfn, recs[i].site, p.text);
			continue;
		}
		mdt_first_site(p.owner + strcspn(p.owner, " "), ' ', ours,
			       sizeof(ours));
		compared++;
		for (c = 0; c < MEMDESC_NR_CLASSES; c++)
			if (!strcmp(p.shadow.class, memdesc_class_name(c)))
				by_class[c]++;
		if (ours[0] && !strcmp(ours, recs[i].site)) {
			agreed++;
			continue;
		}
		TH_LOG("pfn %llu (%s): memdesc %s, page_owner %s\n%s",
		       recs[i].pfn, p.shadow.class, ours, recs[i].site, p.text);
	}
	for (c = 0; c < MEMDESC_NR_CLASSES; c++) {
		if (!by_class[c])
			continue;
		classes++;
		ksft_print_msg("figure page_owner_class %s %u\n",
			       memdesc_class_name(c), by_class[c]);
	}
	ksft_print_msg("figure page_owner_records_after_mark %zu compared %u agreed %u unknown %u freed %u classes %u\n",
		       nr, compared, agreed, unknown, freed, classes);
	free(recs);
	munmap(hold, MDT_ORACLE_HOLD);
	munmap(mark, MDT_PAGE);
	umount(MDT_TMPFS);
	EXPECT_LE(MDT_ORACLE_MIN, compared);
	EXPECT_LE(3U, classes);
	/* A PFN memdesc has no site for counts against it. */
	EXPECT_LE((compared + unknown) * 99ULL, agreed * 100ULL);
}

/*
 * Blocks allocated before owners went on read unknown, never a guess; a
 * free and a new allocation give them a real owner.  Off frees the slots
 * and the files say off.
 */
TEST_F(truth_owners, unknown_then_off)
{
	const struct mdt_rec *head = NULL;
	struct mdt_pfn p;
	size_t i;
	char line[256];
	FILE *f;

	ASSERT_EQ(0, mdt_ctl("free"));
	ASSERT_EQ(0, mdt_control("owners off"));
	self->on = false;
	ASSERT_EQ(0, mdt_ctl("alloc"));
	mdt_recs_free(&self->recs);
	mdt_read_recs(_metadata, &self->recs);
	for (i = 0; i < self->recs.nr && !head; i++)
		if (!strcmp(self->recs.r[i].kind, "pages9") &&
		    !self->recs.r[i].index)
			head = &self->recs.r[i];
	ASSERT_NE(NULL, head);
	mdt_read_pfn(_metadata, head->pfn, &p);
	EXPECT_STREQ("off", p.owner);

	ASSERT_EQ(0, mdt_control("owners on"));
	self->on = true;
	mdt_read_pfn(_metadata, head->pfn, &p);
	EXPECT_STREQ("unknown", p.owner) {
		TH_LOG("%s", p.text);
	}

	ASSERT_EQ(0, mdt_control("owners off"));
	self->on = false;
	f = fopen(MD_DEBUGFS "/owners", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_STREQ("owners off\n", line);
	EXPECT_EQ(NULL, fgets(line, sizeof(line), f));
	fclose(f);
	/* Off twice, on twice: neither is an error. */
	EXPECT_EQ(0, mdt_control("owners off"));
	EXPECT_EQ(0, mdt_control("owners on"));
	EXPECT_EQ(0, mdt_control("owners on"));
	self->on = true;
	EXPECT_EQ(-EINVAL, mdt_control("owners"));
	EXPECT_EQ(-EINVAL, mdt_control("owners maybe"));
}

FIXTURE(truth_user) {
	char *map;
	size_t map_len;
	int fd;
	bool mounted;
	char numa_balancing[16];
	char ksm_run[16];
};

FIXTURE_SETUP(truth_user)
{
	self->fd = -1;
	if (geteuid())
		SKIP(return, "needs root");
	mdt_ensure_loaded(_metadata);
	mdt_pin_cpu(_metadata);
	/* NUMA balancing would migrate our pages between the nodes. */
	if (md_read_text("/proc/sys/kernel/numa_balancing",
			  self->numa_balancing,
			  sizeof(self->numa_balancing)) > 0)
		md_write_file("/proc/sys/kernel/numa_balancing", "0");
	else
		self->numa_balancing[0] = '\0';
}

FIXTURE_TEARDOWN(truth_user)
{
	if (self->map)
		munmap(self->map, self->map_len);
	if (self->fd >= 0)
		close(self->fd);
	if (self->mounted)
		umount(MDT_TMPFS);
	if (self->ksm_run[0])
		md_write_file(MDT_KSM "/run", self->ksm_run);
	if (self->numa_balancing[0])
		md_write_file("/proc/sys/kernel/numa_balancing",
			  self->numa_balancing);
}

/* A touched anonymous page: anon, order 0, both sides (mm_lru_insertion). */
TEST_F(truth_user, anon)
{
	const struct mdt_want want = { "anon", 0, 1, "anon", 0, 1 };
	struct mdt_tally t = { 0 };

	self->map_len = 4 * MDT_PAGE;
	self->map = mdt_anon(_metadata, 4);
	mdt_lru_drain(_metadata);
	mdt_check_pfn(_metadata, &t, "anon",
		      md_pagemap_pfn(_metadata, self->map), &want);
	mdt_check_pfn(_metadata, &t, "anon",
		      md_pagemap_pfn(_metadata, self->map + 3 * MDT_PAGE), &want);
	mdt_tally_end(_metadata, &t, "anon", 2);
}

/* Touch the two pages at @map, then both must read @want. */
static void mdt_check_two_pages(struct __test_metadata *_metadata, char *map,
				const char *what, const struct mdt_want *want)
{
	struct mdt_tally t = { 0 };

	map[0] = 1;
	map[MDT_PAGE] = 1;
	mdt_lru_drain(_metadata);
	mdt_check_pfn(_metadata, &t, what, md_pagemap_pfn(_metadata, map), want);
	mdt_check_pfn(_metadata, &t, what,
		      md_pagemap_pfn(_metadata, map + MDT_PAGE), want);
	mdt_tally_end(_metadata, &t, what, 2);
}

/*
 * A page of a tmpfs file, mapped and touched: file, order 0.  shmem adds
 * its folios to the page cache itself on 6.1 (no filemap event); the
 * shadow learns file from mm_lru_insertion on both kernels.
 */
TEST_F(truth_user, tmpfs)
{
	const struct mdt_want want = { "file", 0, 1, "file", 0, 1 };

	if (mkdir(MDT_TMPFS, 0700) && errno != EEXIST)
		ASSERT_EQ(0, -errno);
	ASSERT_EQ(0, mount("tmpfs", MDT_TMPFS, "tmpfs", 0, "huge=never"));
	self->mounted = true;
	self->fd = open(MDT_TMPFS "/file", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ftruncate(self->fd, 2 * MDT_PAGE));
	self->map_len = 2 * MDT_PAGE;
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->map) {
		self->map = NULL;
	}
	mdt_check_two_pages(_metadata, self->map, "tmpfs", &want);
}

/* MAP_SHARED | MAP_ANONYMOUS is shmem: file, order 0. */
TEST_F(truth_user, shmem)
{
	const struct mdt_want want = { "file", 0, 1, "file", 0, 1 };

	self->map_len = 2 * MDT_PAGE;
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map) {
		self->map = NULL;
	}
	mdt_check_two_pages(_metadata, self->map, "shmem", &want);
}

/*
 * A THP: anon, order 9, on the head and every tail, both sides; the head
 * bit on the head only.  The kernel may not find 2 MiB (TCG guests
 * fragment, compaction may fail): a few attempts with compaction between,
 * then SKIP - only when kpageflags says no THP was made.
 */
TEST_F_TIMEOUT(truth_user, thp, MD_TIMEOUT(180))
{
	struct mdt_want want = { "anon", 9, 1, "anon", 9, 1 };
	unsigned long long head = 0, flags = 0;
	struct mdt_tally t = { 0 };
	unsigned int tries, i;
	char *p = NULL;

	if (!mdt_have_thp())
		SKIP(return, "no THP in this kernel (PREEMPT_RT builds it without)");
	for (tries = 0; tries < 4; tries++) {
		self->map_len = 2 * MDT_THP;
		self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, self->map) {
			self->map = NULL;
		}
		p = (char *)(((uintptr_t)self->map + MDT_THP - 1) &
			     ~(uintptr_t)(MDT_THP - 1));
		ASSERT_EQ(0, madvise(p, MDT_THP, MADV_HUGEPAGE));
		p[0] = 1;
		head = md_pagemap_pfn(_metadata, p);
		flags = mdt_kpageflags(_metadata, head);
		if ((flags & (1ULL << KPF_THP)) &&
		    (flags & (1ULL << KPF_COMPOUND_HEAD)))
			break;
		munmap(self->map, self->map_len);
		self->map = NULL;
		md_write_file("/proc/sys/vm/compact_memory", "1");
	}
	if (!self->map)
		SKIP(return, "no THP in %u tries (kpageflags 0x%llx, AnonHugePages %lu kB)",
		     tries, flags, md_meminfo_kb("AnonHugePages"));
	mdt_lru_drain(_metadata);

	for (i = 0; i < 512; i++) {
		unsigned long long pfn = md_pagemap_pfn(_metadata, p + i * MDT_PAGE);

		EXPECT_EQ(head + i, pfn);
		want.shadow_head = want.live_head = i == 0;
		mdt_check_pfn(_metadata, &t, "thp", pfn, &want);
	}
	mdt_tally_end(_metadata, &t, "thp", 512);
}

/*
 * Merge @pages identical anonymous pages of our own, mapped at *@map for
 * *@map_len bytes, with KSM, and stop ksmd once they are one KSM page;
 * KSM's run setting before goes to @ksm_run for the teardown.  ksmd may be
 * slow under TCG: up to 20 s.  Return: the KSM page's PFN, 0 if it merged
 * none.
 */
static unsigned long long mdt_ksm_merge(struct __test_metadata *_metadata,
					char **map, size_t *map_len,
					char *ksm_run, size_t run_len,
					unsigned int pages)
{
	unsigned long long pfn0 = 0, pfn1 = 0, flags = 0;
	unsigned int waited;
	size_t off;

	*map_len = pages * MDT_PAGE;
	*map = mdt_anon(_metadata, pages);
	/* Content of our own, so we merge with nobody else's pages. */
	for (off = 0; off < *map_len; off++)
		(*map)[off] = (char)((off % MDT_PAGE) * 7 + getpid());
	mdt_lru_drain(_metadata);
	EXPECT_EQ(0, madvise(*map, *map_len, MADV_MERGEABLE));

	EXPECT_LT(0, md_read_text(MDT_KSM "/run", ksm_run, run_len));
	EXPECT_EQ(0, md_write_file(MDT_KSM "/pages_to_scan", "5000"));
	EXPECT_EQ(0, md_write_file(MDT_KSM "/sleep_millisecs", "10"));
	EXPECT_EQ(0, md_write_file(MDT_KSM "/run", "1"));
	for (waited = 0; waited < 200; waited++) {
		pfn0 = md_pagemap_pfn(_metadata, *map);
		pfn1 = md_pagemap_pfn(_metadata, *map + MDT_PAGE);
		flags = mdt_kpageflags(_metadata, pfn0);
		if (pfn0 == pfn1 && (flags & (1ULL << KPF_KSM)))
			break;
		usleep(100 * 1000);
	}
	/* Stop scanning: the page should hold still while we look. */
	md_write_file(MDT_KSM "/run", "0");
	if (waited == 200) {
		TH_LOG("KSM merged none of our pages in 20 s (pages_sharing %lu, full_scans %lu)",
		       md_read_ulong(MDT_KSM "/pages_sharing", 10),
		       md_read_ulong(MDT_KSM "/full_scans", 10));
		return 0;
	}
	ksft_print_msg("KSM merged after %u ms\n", waited * 100);
	return pfn0;
}

/*
 * KSM: identical pages merged into one KSM page.  Live ksm, and the shadow
 * too on both kernels: 6.12 from ksm_merge_with_ksm_page, which came with
 * 6.4, and 6.1, which has no KSM event, from the hook on
 * try_to_merge_one_page.  SKIP only if ksmd merged nothing of ours.
 */
TEST_F_TIMEOUT(truth_user, ksm, MD_TIMEOUT(120))
{
	const bool ksm_events = md_kernel_at_least(6, 4);
	const unsigned int pages = 16;
	struct mdt_want want = { NULL, 0, 1, "ksm", 0, 1 };
	struct mdt_tally t = { 0 };
	unsigned long long pfn0;
	struct md_file stats;
	unsigned int i;

	want.shadow = "ksm";
	ASSERT_EQ(0, md_file_read(&stats, MD_DEBUGFS "/stats",
				  md_stats_syntax)) {
		TH_LOG("%s", stats.err);
	}
	ASSERT_NE(NULL, md_find(&stats, "event", "ksm_merge_with_ksm_page"));
	EXPECT_EQ(ksm_events,
		  md_find(&stats, "event", "ksm_merge_with_ksm_page")->v[1]) {
		TH_LOG("ksm_merge_with_ksm_page attached: want %d",
		       ksm_events);
	}
	md_file_free(&stats);

	pfn0 = mdt_ksm_merge(_metadata, &self->map, &self->map_len,
			     self->ksm_run, sizeof(self->ksm_run), pages);
	if (!pfn0)
		SKIP(return, "KSM merged none of our pages");
	for (i = 0; i < pages; i++) {
		unsigned long long pfn = md_pagemap_pfn(_metadata,
						     self->map + i * MDT_PAGE);

		/* All the same content: one KSM page, or some still apart. */
		if (pfn == pfn0)
			mdt_check_pfn(_metadata, &t, "ksm", pfn, &want);
	}
	mdt_tally_end(_metadata, &t, "ksm", 1);
}

/* The changes of class @event made, from the transitions file. */
static unsigned long long mdt_source_changes(struct __test_metadata *_metadata,
					     const char *event)
{
	unsigned long long n = 0;
	struct md_file tr;

	EXPECT_EQ(0, md_file_read(&tr, MD_DEBUGFS "/transitions",
				  md_transitions_syntax)) {
		TH_LOG("%s", tr.err);
		return 0;
	}
	if (md_find(&tr, "source", event))
		n = md_find(&tr, "source", event)->v[1];
	md_file_free(&tr);
	return n;
}

/*
 * A KSM page freed under its stable node: unmapped everywhere, it goes to
 * the allocator (mm_page_free) while the node stays in KSM's tree, until
 * ksmd's next pass finds it stale (mm/ksm.c ksm_get_folio()) and removes
 * it, emitting ksm_remove_ksm_page (6.4+) for a PFN that is free by now,
 * most likely on a per-cpu list.  The shadow must not take that event for
 * an allocated page's: whatever the PFN is by the time we look, both sides
 * say the same.  On 6.1 the event does not exist, and this holds too.
 */
TEST_F_TIMEOUT(truth_user, ksm_stale_node, MD_TIMEOUT(120))
{
	unsigned long long pfn, changes;
	unsigned int waited, tries;
	struct mdt_pfn p;

	pfn = mdt_ksm_merge(_metadata, &self->map, &self->map_len,
			    self->ksm_run, sizeof(self->ksm_run), 16);
	if (!pfn)
		SKIP(return, "KSM merged none of our pages");
	changes = mdt_source_changes(_metadata, "ksm_remove_ksm_page");
	ASSERT_EQ(0, munmap(self->map, self->map_len));
	self->map = NULL;

	/*
	 * Until KSM holds no stable node: ours goes at ksmd's next visit of
	 * our mm, which then has no mergeable area and leaves KSM's list,
	 * and nothing else in the guest merges.
	 */
	ASSERT_EQ(0, md_write_file(MDT_KSM "/run", "1"));
	for (waited = 0; waited < 200; waited++) {
		if (!md_read_ulong(MDT_KSM "/pages_shared", 10))
			break;
		usleep(100 * 1000);
	}
	md_write_file(MDT_KSM "/run", "0");
	ASSERT_GT(200, waited) {
		TH_LOG("KSM still holds %lu stable nodes after 20 s (full_scans %lu)",
		       md_read_ulong(MDT_KSM "/pages_shared", 10),
		       md_read_ulong(MDT_KSM "/full_scans", 10));
	}

	/* Read again if a page was allocated between the two sides' reads. */
	for (tries = 0; tries < 3; tries++) {
		mdt_read_pfn(_metadata, pfn, &p);
		if (!strcmp(p.shadow.class, p.live.class))
			break;
		usleep(10 * 1000);
	}
	EXPECT_STREQ(p.live.class, p.shadow.class) {
		TH_LOG("the freed KSM page's PFN %llu:\n%s", pfn, p.text);
	}
	/*
	 * The removal changed no class: the page was free (a per-cpu list,
	 * where a retype would have made it driver) or someone else's by
	 * then, typed by its own events.
	 */
	EXPECT_EQ(changes, mdt_source_changes(_metadata, "ksm_remove_ksm_page"));
}

/*
 * A memory block taken offline: its PFNs are holes on both sides (the
 * memory notifier tells the shadow); online again, they are pages again.
 * The highest-numbered block first, the likeliest to hold only movable
 * memory; SKIP if no block can be offlined.
 */
TEST_F_TIMEOUT(truth_user, memory_block, MD_TIMEOUT(180))
{
	const struct mdt_want offline = { "hole", -1, -1, "hole", -1, -1 };
	const struct mdt_want online = { "!hole", -1, -1, "!hole", -1, -1 };
	unsigned long long first = 0, nr;
	unsigned long block_bytes;
	struct mdt_tally t = { 0 };
	int n, block, top = -1, tried = 0, ret = 0;
	bool found = false;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	block_bytes = md_read_ulong(MDT_MEMORY "/block_size_bytes", 16);
	ASSERT_LT(0, block_bytes);
	nr = block_bytes / MDT_PAGE;
	d = opendir(MDT_MEMORY);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "memory%d", &n) == 1 && n > top)
			top = n;
	closedir(d);

	for (block = top; block > 0 && tried < 16; block--) {
		snprintf(path, sizeof(path), MDT_MEMORY "/memory%d/removable",
			 block);
		if (!access(path, F_OK) && md_read_ulong(path, 10) != 1)
			continue;
		snprintf(path, sizeof(path), MDT_MEMORY "/memory%d/online",
			 block);
		if (md_read_ulong(path, 10) != 1)
			continue;
		tried++;
		ret = md_write_file(path, "0");
		if (!ret) {
			found = true;
			break;
		}
	}
	if (!found)
		SKIP(return, "no memory block could be offlined (%d tried, last: %s)",
		     tried, strerror(-ret));
	first = (unsigned long long)block * nr;
	ksft_print_msg("memory%d offline: PFNs %llu-%llu\n", block, first,
		       first + nr - 1);

	mdt_check_pfn(_metadata, &t, "offline", first, &offline);
	mdt_check_pfn(_metadata, &t, "offline", first + nr / 2, &offline);
	mdt_check_pfn(_metadata, &t, "offline", first + nr - 1, &offline);

	ret = md_write_file(path, "1");
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: online again: %s", path, strerror(-ret));
	}
	mdt_check_pfn(_metadata, &t, "online", first, &online);
	mdt_check_pfn(_metadata, &t, "online", first + nr / 2, &online);
	mdt_check_pfn(_metadata, &t, "online", first + nr - 1, &online);
	mdt_tally_end(_metadata, &t, "memory block", 6);
}

static sigjmp_buf mdt_sigbus_env;

static void mdt_sigbus(int sig)
{
	siglongjmp(mdt_sigbus_env, sig);
}

/*
 * madvise(MADV_HWPOISON) on @addr.  Since 6.4 (67f22ba7750f, "mm/hwpoison:
 * MADV_HWPOISON should behave like real MCE") it also kills the caller with
 * SIGBUS (BUS_MCEERR_AR), as a real machine check would; 6.1 just returns.
 * Both are success.  Returns 0 or -errno.
 */
static int mdt_madv_hwpoison(void *addr, bool *sigbus)
{
	struct sigaction sa = { .sa_handler = mdt_sigbus }, old;
	int ret = 0;

	*sigbus = false;
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(mdt_sigbus_env, 1))
		*sigbus = true;
	else if (madvise(addr, MDT_PAGE, MADV_HWPOISON))
		ret = -errno;
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

/*
 * madvise(MADV_HWPOISON) on a touched anonymous page: hwpoison on both
 * sides (memory_failure_event), while still in our mapping and after
 * munmap() too (the poisoned page's mm_page_free must not make it free).
 * The PFN is taken before poisoning: the page is unmapped by it.  Last of
 * the user kinds, as the page is lost for good.
 */
TEST_F(truth_user, hwpoison)
{
	const struct mdt_want anon = { "anon", 0, 1, "anon", 0, 1 };
	const struct mdt_want want = { "hwpoison", 0, -1, "hwpoison", 0, -1 };
	struct mdt_tally t = { 0 };
	unsigned long long pfn;
	bool sigbus;
	int ret;

	self->map_len = MDT_PAGE;
	self->map = mdt_anon(_metadata, 1);
	mdt_lru_drain(_metadata);
	pfn = md_pagemap_pfn(_metadata, self->map);
	mdt_check_pfn(_metadata, &t, "before", pfn, &anon);

	ret = mdt_madv_hwpoison(self->map, &sigbus);
	ASSERT_EQ(0, ret) {
		TH_LOG("MADV_HWPOISON: %s", strerror(-ret));
	}
	ksft_print_msg("MADV_HWPOISON: %s\n",
		       sigbus ? "SIGBUS (action required)" : "returned 0");
	EXPECT_NE(0, mdt_kpageflags(_metadata, pfn) & (1ULL << KPF_HWPOISON));
	mdt_check_pfn(_metadata, &t, "poisoned", pfn, &want);
	ASSERT_EQ(0, munmap(self->map, MDT_PAGE));
	self->map = NULL;
	mdt_check_pfn(_metadata, &t, "unmapped", pfn, &want);
	mdt_tally_end(_metadata, &t, "hwpoison", 3);
}

/*
 * Soft offline emits no memory_failure_event.  An anonymous page in use
 * (madvise(MADV_SOFT_OFFLINE)) is migrated, and the old page poisoned and
 * freed: mm_page_free sees a poisoned order-0 page.  A free page (the
 * sysfs soft_offline_page file, given a page just unmapped) is taken off
 * the free lists by take_page_off_buddy(), which has a hook.  Both old
 * PFNs read hwpoison on both sides.  The pages are lost for good.
 */
TEST_F(truth_user, soft_offline)
{
	const struct mdt_want want = { "hwpoison", 0, -1, "hwpoison", 0, -1 };
	struct mdt_tally t = { 0 };
	unsigned long long pfn;
	char addr[32];
	int i, ret = -EBUSY;

	self->map_len = MDT_PAGE;
	self->map = mdt_anon(_metadata, 1);
	mdt_lru_drain(_metadata);
	pfn = md_pagemap_pfn(_metadata, self->map);
	ASSERT_EQ(0, madvise(self->map, MDT_PAGE, MADV_SOFT_OFFLINE)) {
		TH_LOG("MADV_SOFT_OFFLINE: %s", strerror(errno));
	}
	EXPECT_NE(0, mdt_kpageflags(_metadata, pfn) & (1ULL << KPF_HWPOISON));
	mdt_check_pfn(_metadata, &t, "in use", pfn, &want);
	ASSERT_EQ(0, munmap(self->map, MDT_PAGE));
	self->map = NULL;

	/* A free page: one just unmapped, unless it is taken again first. */
	for (i = 0; i < 16 && ret == -EBUSY; i++) {
		char *p = mdt_anon(_metadata, 1);

		pfn = md_pagemap_pfn(_metadata, p);
		ASSERT_EQ(0, munmap(p, MDT_PAGE));
		snprintf(addr, sizeof(addr), "%#llx", pfn * MDT_PAGE);
		ret = md_write_file("/sys/devices/system/memory/soft_offline_page",
				    addr);
	}
	ASSERT_EQ(0, ret) {
		TH_LOG("soft_offline_page %s: %s", addr, strerror(-ret));
	}
	ksft_print_msg("soft_offline_page: a free page offlined at try %d\n",
		       i);
	EXPECT_NE(0, mdt_kpageflags(_metadata, pfn) & (1ULL << KPF_HWPOISON));
	mdt_check_pfn(_metadata, &t, "free", pfn, &want);
	mdt_tally_end(_metadata, &t, "soft_offline", 2);
}

/* === truth_unload: last === */

FIXTURE(truth_unload) {
};

FIXTURE_SETUP(truth_unload)
{
	if (geteuid())
		SKIP(return, "needs root");
	/* The tests above leave both loaded: gone means one of them broke. */
	ASSERT_TRUE(mdt_loaded() && md_loaded()) {
		TH_LOG("memdesc_truth %s, memdesc %s: a test above unloaded it or failed to load it",
		       mdt_loaded() ? "loaded" : "not loaded",
		       md_loaded() ? "loaded" : "not loaded");
	}
}

FIXTURE_TEARDOWN(truth_unload)
{
}

/*
 * Both modules unload cleanly after all of the above (the host checks the
 * kernel log), memdesc_truth first: it frees what it holds.
 */
TEST_F(truth_unload, both)
{
	struct stat st;

	ASSERT_EQ(0, md_unload_module(MDT_MODNAME));
	EXPECT_FALSE(mdt_loaded());
	EXPECT_EQ(-1, stat(MDT_DEBUGFS, &st));
	ASSERT_EQ(0, md_unload());
	EXPECT_FALSE(md_loaded());
	EXPECT_EQ(-1, stat(MD_DEBUGFS, &st));
}

TEST_HARNESS_MAIN
