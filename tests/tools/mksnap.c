// SPDX-License-Identifier: GPL-2.0
/*
 * mksnap.c - test inputs for memdesc-stat, made without memdesc-stat.
 *
 *   mksnap DIR a|b|c|other|old|big
 *
 * writes, for a small made-up machine with two nodes:
 *
 *   DIR/debugfs/        what the module's debugfs directory would hold:
 *                       layout, shadow, sections, and summary and projection
 *                       computed here from the same words (the expected
 *                       output of memdesc-stat for a snapshot of them), plus
 *                       stats, transitions and compare with fixed contents,
 *                       and owners from a table of allocation sites
 *   DIR/zoneinfo        the matching /proc/zoneinfo
 *   DIR/boot_id         the boot id of the variant's boot
 *   DIR/direct.snap     a snapshot of the same, written here from
 *                       docs/SNAPSHOT.md, sections in another order than
 *                       memdesc-stat writes them and one it does not know,
 *                       in format version 2 (old: 1)
 *   DIR/direct-v1.snap  but old: the same in format version 1, the system
 *                       section last
 *   DIR/projection-now  for old: what memdesc-stat prints for its snapshot
 *                       today, the old module's projection and every
 *                       revision of the design, from the sizes it saved
 *   DIR/diff-a          for b, c and old: what "memdesc-stat diff --raw
 *                       a/direct.snap DIR/direct.snap" must print, from a
 *                       walk here of every PFN of both variants
 *
 * The machine is described per memory section; its sections are 8192 PFNs
 * (32 MiB), not the real 128 MiB, as nothing may assume a size:
 *
 *   0-4    node 0: DMA at 1-4095, DMA32 at 4096-40959, holes at PFN 0 and
 *          20480-20991 (no struct page there, but in an online section)
 *   5-7    node 1, Normal (to the end): anon, then free, the last 100
 *          PFNs unknown
 *   8      never online: a gap, like the PCI hole
 *   9      node 1: offline, until c hot-adds it
 *   10     node 1: file and slab pages, until c takes it offline
 *   11     node 1: online, but untracked (no memory for its chunk)
 *
 * The variants:
 *
 *   a      the module as it is: listed sections 0-7, 10 and 11, so three
 *          ranges, two of them node 1's with a gap between
 *   b      a with known word changes (see b_word()), same boot and layout,
 *          and known changes of allocation sites (see sites[])
 *   c      a after memory hotplug, same boot: 9 added, 10 removed; saved
 *          with owners off
 *   other  a on another boot: another boot_id
 *   old    what the module wrote before it listed sections: one range per
 *          node spanning its holes as hole words (8 and 9), section 11 as
 *          free pages, 19 classes in its summary, stats and compare without
 *          the new lines, no sections or owners file, and no boot_id in
 *          the snapshot, which is of format version 1.
 *          Also DIR/elsewhere.snap: the same at PFNs no other variant has.
 *   big    nothing but DIR/big.snap: 1 GiB of words (put_big()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "memdesc_owners.h"
#include "memdesc_revisions.h"
#include "memdesc_types.h"

#define SECTION_PFNS	8192ULL
#define NR_SECTIONS	12
#define END_PFN		(NR_SECTIONS * SECTION_PFNS)
#define NODE1_START	(5 * SECTION_PFNS)
#define NODE1_UNKNOWN	(8 * SECTION_PFNS - 100)
/* elsewhere.snap: the old variant's ranges moved up by this many PFNs. */
#define ELSEWHERE	(1ULL << 20)
#define TIME_A		1700000000ULL
#define BOOT_A		"4f9c1c2e-7d3a-4b7e-9a51-2c0de5a1b001"
#define BOOT_OTHER	"4f9c1c2e-7d3a-4b7e-9a51-2c0de5a1b002"
/* Frames of a made-up stack, at most; a site shows up to SITE_FRAMES. */
#define MAX_FRAMES	10
#define SITE_FRAMES	MEMDESC_OWNER_SITE_FRAMES
/* The classes before MEMDESC_CLASS_UNTRACKED came: what old modules print. */
#define OLD_NR_CLASSES	MEMDESC_CLASS_UNTRACKED

enum variant { V_A, V_B, V_C, V_OTHER, V_OLD, NR_VARIANTS };

static const char * const variant_names[NR_VARIANTS] = {
	[V_A] = "a", [V_B] = "b", [V_C] = "c", [V_OTHER] = "other",
	[V_OLD] = "old",
};

/* How a variant's layout lists a section. */
enum listing {
	UNLISTED,	/* not in the layout */
	TRACKED,	/* listed, with the words of its pages */
	UNTRACKED,	/* listed, its words read untracked */
	SPANNED,	/* inside an old node range, but not online: holes */
};

struct range {
	unsigned int node;
	uint64_t start;
	uint64_t pfns;
};

static const char *dir;
static enum variant variant;
static struct range ranges[NR_SECTIONS];
static unsigned int nr_ranges;
static uint64_t *words;
static uint64_t nr_words;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mksnap: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	exit(1);
}

static bool old_style(void)
{
	return variant == V_OLD;
}

static unsigned int node_of(uint64_t pfn)
{
	return pfn < NODE1_START ? 0 : 1;
}

static enum listing listing(enum variant v, uint64_t pfn)
{
	unsigned int sec = pfn / SECTION_PFNS;

	if (pfn >= END_PFN)
		return UNLISTED;
	if (sec < 8)
		return TRACKED;
	if (v == V_OLD)
		return sec == 8 || sec == 9 ? SPANNED : TRACKED;
	switch (sec) {
	case 9:
		return v == V_C ? TRACKED : UNLISTED;
	case 10:
		return v == V_C ? UNLISTED : TRACKED;
	case 11:
		return UNTRACKED;
	}
	return UNLISTED;
}

/* === words === */

static uint64_t page(unsigned int type, unsigned int sub, unsigned int order,
		     unsigned int zone, unsigned int node, uint64_t pfn,
		     bool mappable)
{
	struct memdesc_fields f = {
		.type = type, .subtype = sub, .state = MEMDESC_STATE_PAGE,
		.order = order, .zone = zone, .node = node,
		.head = !(pfn & ((1ULL << order) - 1)), .mappable = mappable,
	};
	uint64_t w;

	if (memdesc_encode(&f, (__u64 *)&w))
		die("bad fields for pfn %llu", (unsigned long long)pfn);
	return w;
}

/*
 * Misc pages with a detail, which only a module that knew details wrote:
 * PFN 1 is the zero page, and driver blocks take the details in turn.
 */
static enum variant word_variant;	/* whose word base_word() makes */

static uint64_t with_detail(uint64_t w, unsigned int detail)
{
	struct memdesc_fields f;
	__u64 out;

	if (word_variant == V_OLD)
		return w;
	memdesc_decode(w, &f);
	f.detail = detail;
	if (memdesc_encode(&f, &out))
		die("bad detail %u", detail);
	return out;
}

/* Node 0, DMA32: every class in 512-PFN chunks, in turn. */
static uint64_t dma32_word(uint64_t pfn)
{
	unsigned int k = (pfn - 4096) / 512 % 18;

	if (pfn >= 20480 && pfn < 20992)
		return memdesc_hole_word(0);
	switch (k) {
	case 0:	 return page(MEMDESC_TYPE_FILE, 0, 0, 1, 0, pfn, true);
	case 1:	 return page(MEMDESC_TYPE_ANON, 0, 9, 1, 0, pfn, true);
	case 2:	 return page(MEMDESC_TYPE_SLAB, 0, 3, 1, 0, pfn, false);
	case 3:	 return page(MEMDESC_TYPE_FREE, 0, 9, 1, 0, pfn, false);
	case 4:	 return with_detail(page(MEMDESC_TYPE_MISC, MEMDESC_SUB_DRIVER,
				    2, 1, 0, pfn, false),
				    (pfn - 4096) / 4 % MEMDESC_NR_DETAILS);
	case 5:	 return page(MEMDESC_TYPE_PGTABLE, 0, 0, 1, 0, pfn, false);
	case 6:	 return page(MEMDESC_TYPE_KSM, 0, 0, 1, 0, pfn, true);
	case 7:	 return page(MEMDESC_TYPE_MOVABLE, 0, 0, 1, 0, pfn, false);
	case 8:	 return page(MEMDESC_TYPE_NETPOOL, 0, 0, 1, 0, pfn, true);
	case 9:	 return page(MEMDESC_TYPE_HWPOISON, 0, 0, 1, 0, pfn, false);
	case 10: return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_GUARD, 0, 1, 0,
			     pfn, false);
	case 11: return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_OFFLINE, 0, 1, 0,
			     pfn, false);
	case 12: return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_VMALLOC_MAP, 0, 1,
			     0, pfn, true);
	case 13: return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_VMALLOC_UNMAP, 0,
			     1, 0, pfn, false);
	case 14: return page(MEMDESC_TYPE_MISC, 9, 0, 1, 0, pfn, false);
	case 15: return page(12, 0, 0, 1, 0, pfn, false);
	case 16: return MEMDESC_WORD_UNKNOWN;
	default: return page(MEMDESC_TYPE_FREE, 0, 10, 1, 0, pfn, false);
	}
}

/* Node 1, Normal, sections 9-11 when they hold pages. */
static uint64_t upper_word(uint64_t pfn)
{
	uint64_t off = pfn % SECTION_PFNS;

	switch (pfn / SECTION_PFNS) {
	case 9:
		/* Hot-added: its memmap's pages reserved, the rest free. */
		if (off < 64)
			return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_RESERVED, 0,
				    2, 1, pfn, false);
		return page(MEMDESC_TYPE_FREE, 0, 0, 2, 1, pfn, false);
	case 10:
		if (off < SECTION_PFNS / 2)
			return page(MEMDESC_TYPE_FILE, 0, 0, 2, 1, pfn, true);
		return page(MEMDESC_TYPE_SLAB, 0, 3, 2, 1, pfn, false);
	default:
		return page(MEMDESC_TYPE_FREE, 0, 10, 2, 1, pfn, false);
	}
}

/* The word of a PFN with a struct page, as a, c, other and old have it. */
static uint64_t base_word(uint64_t pfn)
{
	if (pfn == 0)
		return memdesc_hole_word(0);
	if (pfn == 1)
		return with_detail(page(MEMDESC_TYPE_MISC, MEMDESC_SUB_RESERVED,
					0, 0, 0, pfn, false),
				   MEMDESC_DETAIL_ZERO_PAGE);
	if (pfn < 256)
		return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_RESERVED, 0, 0, 0,
			    pfn, false);
	if (pfn < 4096)
		return page(MEMDESC_TYPE_FREE, 0, 4, 0, 0, pfn, false);
	if (pfn < NODE1_START)
		return dma32_word(pfn);
	if (pfn >= 8 * SECTION_PFNS)
		return upper_word(pfn);
	if (pfn >= NODE1_UNKNOWN)
		return MEMDESC_WORD_UNKNOWN;
	if (pfn < NODE1_START + 12288)
		return page(MEMDESC_TYPE_ANON, 0, 0, 2, 1, pfn, true);
	return page(MEMDESC_TYPE_FREE, 0, 10, 2, 1, pfn, false);
}

/*
 * b: free -> anon at 256-383, anon -> free at 41000-41063, free -> slab at
 * 60000, and PFN 4096 (file) loses its mappable bit: 193 PFNs change
 * class, 1 is rewritten.
 */
static uint64_t b_word(uint64_t pfn, uint64_t w)
{
	if (pfn >= 256 && pfn < 384)
		return page(MEMDESC_TYPE_ANON, 0, 0, 0, 0, pfn, true);
	if (pfn >= 41000 && pfn < 41064)
		return page(MEMDESC_TYPE_FREE, 0, 3, 2, 1, pfn - 41000, false);
	if (pfn == 60000)
		return page(MEMDESC_TYPE_SLAB, 0, 0, 2, 1, pfn, false);
	if (pfn == 4096)
		return w & ~(uint64_t)MEMDESC_MAPPABLE;
	return w;
}

/* The word variant @v's shadow holds for a listed PFN. */
static uint64_t word_at(enum variant v, uint64_t pfn)
{
	switch (listing(v, pfn)) {
	case SPANNED:
		return memdesc_hole_word(node_of(pfn));
	case UNTRACKED:
		return memdesc_untracked_word(node_of(pfn));
	case TRACKED:
		word_variant = v;
		return v == V_B ? b_word(pfn, base_word(pfn)) : base_word(pfn);
	case UNLISTED:
		break;
	}
	errno = EINVAL;
	die("pfn %llu is not listed", (unsigned long long)pfn);
	return 0;
}

/*
 * The layout, as the module builds it: listed sections that are contiguous
 * and of one node make one range.
 */
static void make_layout(void)
{
	struct range *r = NULL;
	uint64_t pfn;

	for (pfn = 0; pfn < END_PFN; pfn += SECTION_PFNS) {
		if (listing(variant, pfn) == UNLISTED)
			continue;
		if (r && r->node == node_of(pfn) &&
		    r->start + r->pfns == pfn) {
			r->pfns += SECTION_PFNS;
			continue;
		}
		r = &ranges[nr_ranges];
		ranges[nr_ranges++] = (struct range){ node_of(pfn), pfn,
						      SECTION_PFNS };
	}
}

static void make_words(void)
{
	unsigned int i;
	uint64_t p;

	for (i = 0; i < nr_ranges; i++)
		nr_words += ranges[i].pfns;
	words = calloc(nr_words, sizeof(*words));
	if (!words)
		die("calloc");
	nr_words = 0;
	for (i = 0; i < nr_ranges; i++)
		for (p = ranges[i].start; p < ranges[i].start + ranges[i].pfns;
		     p++)
			words[nr_words++] = word_at(variant, p);
}

static unsigned long long untracked_pfns(void)
{
	unsigned long long n = 0;
	uint64_t i;

	for (i = 0; i < nr_words; i++)
		n += memdesc_word_state(words[i]) == MEMDESC_STATE_UNTRACKED;
	return n;
}

static uint64_t save_time(enum variant v)
{
	switch (v) {
	case V_B:
		return TIME_A + 60;
	case V_C:
		return TIME_A + 120;
	case V_OLD:
		return TIME_A - 3600;
	default:
		return TIME_A;
	}
}

/* === files === */

static FILE *create(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		die("%s", path);
	return f;
}

static void finish(FILE *f, const char *name)
{
	if (fclose(f))
		die("%s", name);
}

static char *text_of(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		die("open_memstream");
	fn(f);
	fclose(f);
	return buf;
}

static void put_ranges(FILE *f, uint64_t shift)
{
	uint64_t offset = 0;
	unsigned int i;

	fprintf(f, "# range node start-pfn pfns byte-offset\n");
	for (i = 0; i < nr_ranges; i++) {
		fprintf(f, "range %u %llu %llu %llu\n", ranges[i].node,
			(unsigned long long)(ranges[i].start + shift),
			(unsigned long long)ranges[i].pfns,
			(unsigned long long)offset * 8);
		offset += ranges[i].pfns;
	}
}

static void put_layout(FILE *f)
{
	put_ranges(f, 0);
}

static void put_layout_elsewhere(FILE *f)
{
	put_ranges(f, ELSEWHERE);
}

/* One line per listed section; each chunk 16 pages at a made-up PFN. */
static void put_sections(FILE *f)
{
	enum listing l;
	uint64_t pfn;

	fprintf(f, "# section start-pfn node state chunk-node backing chunk-pfn\n");
	for (pfn = 0; pfn < END_PFN; pfn += SECTION_PFNS) {
		l = listing(variant, pfn);
		if (l == UNLISTED)
			continue;
		if (l == UNTRACKED)
			fprintf(f, "section %llu %u untracked -1 none 0\n",
				(unsigned long long)pfn, node_of(pfn));
		else
			fprintf(f, "section %llu %u tracked %u direct %llu\n",
				(unsigned long long)pfn, node_of(pfn),
				node_of(pfn),
				0x100000ULL + pfn / SECTION_PFNS * 16);
	}
}

static void put_zoneinfo(FILE *f)
{
	static const char * const names[] = {
		"DMA", "DMA32", "Normal", "Movable", "Device"
	};
	/* node, zone index, start, spanned; others unpopulated */
	static const unsigned long long pop[][4] = {
		{ 0, 0, 1, 4095 },
		{ 0, 1, 4096, NODE1_START - 4096 },
		{ 1, 2, NODE1_START, END_PFN - NODE1_START },
	};
	unsigned int node, z, i;

	for (node = 0; node < 2; node++) {
		for (z = 0; z < 5; z++) {
			unsigned long long spanned = 0, start = 0;
			bool populated = false;

			for (i = 0; i < 3; i++) {
				if (pop[i][0] != node || pop[i][1] != z)
					continue;
				populated = true;
				start = pop[i][2];
				spanned = pop[i][3];
			}
			fprintf(f, "Node %u, zone %8s\n", node, names[z]);
			fprintf(f, "  pages free     %llu\n", spanned / 2);
			fprintf(f, "        min      0\n");
			fprintf(f, "        spanned  %llu\n", spanned);
			fprintf(f, "        present  %llu\n", spanned);
			fprintf(f, "        managed  %llu\n", spanned);
			if (!populated)
				continue;
			fprintf(f, "  pagesets\n    cpu: 0\n              count: 0\n");
			fprintf(f, "  node_unreclaimable:  0\n");
			fprintf(f, "  start_pfn:           %llu\n", start);
		}
	}
}

static const char * const zone_names[] = { "DMA", "DMA32", "Normal" };

/* Page words of misc pages with @detail. */
static unsigned long long count_detail(unsigned int detail)
{
	unsigned long long n = 0;
	uint64_t i, w;

	for (i = 0; i < nr_words; i++) {
		w = words[i];
		n += memdesc_word_state(w) == MEMDESC_STATE_PAGE &&
		     memdesc_word_type(w) == MEMDESC_TYPE_MISC &&
		     memdesc_word_detail(w) == detail;
	}
	return n;
}

/*
 * The module's summary, as memdesc_report.c prints it: a page counts for
 * the node and zone its word names.  An old module knew 19 classes.
 */
static void put_summary(FILE *f)
{
	unsigned long long class[MEMDESC_NR_CLASSES] = { 0 };
	unsigned long long zfree[2][3] = { { 0 } }, zalloc[2][3] = { { 0 } };
	unsigned int node, z, c, nr_classes;
	uint64_t i, w;

	for (i = 0; i < nr_words; i++) {
		w = words[i];
		class[memdesc_word_class(w)]++;
		if (memdesc_word_state(w) != MEMDESC_STATE_PAGE)
			continue;
		node = memdesc_word_node(w);
		z = memdesc_word_zone(w);
		if (memdesc_word_type(w) == MEMDESC_TYPE_FREE)
			zfree[node][z]++;
		else
			zalloc[node][z]++;
	}
	fprintf(f, "spanned %llu\n", (unsigned long long)nr_words);
	fprintf(f, "# node zone pages free allocated\n");
	for (node = 0; node < 2; node++)
		for (z = 0; z < 3; z++)
			if (zfree[node][z] + zalloc[node][z])
				fprintf(f, "zone %u %s %llu %llu %llu\n", node,
					zone_names[z],
					zfree[node][z] + zalloc[node][z],
					zfree[node][z], zalloc[node][z]);
	fprintf(f, "# class pages\n");
	nr_classes = old_style() ? OLD_NR_CLASSES : MEMDESC_NR_CLASSES;
	for (c = 0; c < nr_classes; c++)
		fprintf(f, "class %s %llu\n", memdesc_class_name(c), class[c]);
	if (old_style())
		return;
	fprintf(f, "# detail name pages\n");
	for (c = 1; c < MEMDESC_NR_DETAILS; c++)
		fprintf(f, "detail %s %llu\n", memdesc_detail_name(c),
			count_detail(c));
}

/* order_base_2(n), at least 1: bits for every value below n */
static unsigned int bits_below(unsigned long long n)
{
	unsigned int b = 1;

	while ((1ULL << b) < n)
		b++;
	return b;
}

/* The made-up kernel's struct page, folio and ptdesc: all different. */
static const unsigned long long ksizes[MEMDESC_NR_KSIZES] = {
	[MEMDESC_KSIZE_PAGE] = 64, [MEMDESC_KSIZE_FOLIO] = 128,
	[MEMDESC_KSIZE_PTDESC] = 80,
};

static unsigned long long round16(unsigned long long n)
{
	return (n + 15) / 16 * 16;
}

static void put_percent(FILE *f, long long milli)
{
	unsigned long long abs = milli < 0 ? -milli : milli;

	fprintf(f, "%s%llu.%03llu", milli < 0 ? "-" : "", abs / 1000,
		abs % 1000);
}

/* One placement's descriptor, as the revision sizes it. */
static unsigned long long place_each(const struct memdesc_placement *p)
{
	if (!strcmp(p->desc, "-"))
		return 0;
	return round16(p->ksize ? ksizes[p->ksize] : p->bytes);
}

/* The running kernel's descriptor today for a unit: folios, slab, ... */
static unsigned long long today_each(unsigned int unit)
{
	if (unit == MEMDESC_CLASS_FILE || unit == MEMDESC_CLASS_ANON ||
	    unit == MEMDESC_CLASS_KSM)
		return ksizes[MEMDESC_KSIZE_FOLIO];
	if (unit == MEMDESC_CLASS_SLAB || unit == MEMDESC_CLASS_NETPOOL)
		return ksizes[MEMDESC_KSIZE_PAGE];
	if (unit == MEMDESC_CLASS_PGTABLE)
		return ksizes[MEMDESC_KSIZE_PTDESC];
	return 0;
}

/*
 * Every revision of the design, from the tables, with pages and
 * allocations per unit counted here word by word.
 */
static void put_revisions(FILE *f, unsigned long long pfns)
{
	unsigned long long pages[MEMDESC_NR_UNITS] = { 0 };
	unsigned long long heads[MEMDESC_NR_UNITS] = { 0 };
	unsigned long long desc, each, total, today = 64 * pfns;
	const struct memdesc_revision *r;
	const struct memdesc_placement *p;
	unsigned int i, j, unit, detail;
	long long saving;
	uint64_t w, k;

	for (k = 0; k < nr_words; k++) {
		w = words[k];
		if (memdesc_word_state(w) != MEMDESC_STATE_PAGE)
			continue;
		detail = memdesc_word_detail(w);
		unit = memdesc_word_class(w);
		if (memdesc_word_type(w) == MEMDESC_TYPE_MISC && detail)
			unit = MEMDESC_NR_CLASSES + detail - 1;
		pages[unit]++;
		heads[unit] += memdesc_word_head(w);
	}
	fprintf(f, "# kernel_size struct bytes\n");
	fprintf(f, "kernel_size page 64\nkernel_size folio 128\nkernel_size ptdesc 80\n");
	fprintf(f, "# revision name bytes-per-page pages-bytes descriptor-bytes total saving percent-of-today source\n");
	for (i = 0; i < MEMDESC_NR_REVISIONS; i++) {
		r = &memdesc_revisions[i];
		desc = 0;
		for (j = 0; j < r->nr_place; j++)
			desc += heads[r->place[j].unit] * place_each(&r->place[j]);
		total = r->page_bytes * pfns + desc;
		saving = (long long)(today - total);
		fprintf(f, "revision %s %u %llu %llu %llu %lld ", r->name,
			r->page_bytes, r->page_bytes * pfns, desc, total,
			saving);
		put_percent(f, today ? saving * 100000 / (long long)today : 0);
		fprintf(f, " %s\n", r->page_source);
	}
	fprintf(f, "# place revision unit as descriptor pages descriptors bytes-each bytes kernel-bytes-each source\n");
	for (i = 0; i < MEMDESC_NR_REVISIONS; i++) {
		r = &memdesc_revisions[i];
		for (j = 0; j < r->nr_place; j++) {
			p = &r->place[j];
			each = place_each(p);
			fprintf(f, "place %s %s %s %s %llu %llu %llu %llu %llu %s\n",
				r->name, p->unit < MEMDESC_NR_CLASSES ?
				memdesc_class_name(p->unit) :
				memdesc_detail_name(p->unit - MEMDESC_NR_CLASSES + 1),
				p->as, p->desc, pages[p->unit],
				each ? heads[p->unit] : 0, each,
				each ? heads[p->unit] * each : 0,
				today_each(p->unit), p->source);
		}
	}
}

static void put_projection_as(FILE *f, bool revisions);

/*
 * The module's projection, as memdesc_projection.c prints it; an old
 * module printed no revisions.
 */
static void put_projection(FILE *f)
{
	put_projection_as(f, !old_style());
}

/* For old: what memdesc-stat prints for its snapshot now. */
static void put_projection_now(FILE *f)
{
	put_projection_as(f, true);
}

static void put_projection_as(FILE *f, bool revisions)
{
	static const struct { unsigned int type, each; const char *src; }
	desc[] = {
		{ MEMDESC_TYPE_FILE, 128, "folio" },
		{ MEMDESC_TYPE_ANON, 128, "folio" },
		{ MEMDESC_TYPE_KSM, 128, "folio" },
		{ MEMDESC_TYPE_SLAB, 64, "page" },
		{ MEMDESC_TYPE_PGTABLE, 80, "ptdesc" },
		{ MEMDESC_TYPE_NETPOOL, 64, "page" },
		{ MEMDESC_TYPE_MOVABLE, 16, "assumed" },
		{ MEMDESC_TYPE_HWPOISON, 16, "assumed" },
	};
	unsigned long long heads[16] = { 0 }, pfns = 0, misc = 0, vm = 0;
	unsigned long long d = 0, today, md, part, milli, max_pfn;
	unsigned int max_order = 0, i, order_bits, ab;
	uint64_t w, p;

	for (p = 0; p < nr_words; p++) {
		w = words[p];
		if (memdesc_word_state(w) != MEMDESC_STATE_PAGE)
			continue;
		pfns++;
		if (memdesc_word_order(w) > max_order)
			max_order = memdesc_word_order(w);
		if (memdesc_word_head(w))
			heads[memdesc_word_type(w)]++;
		if (memdesc_word_type(w) != MEMDESC_TYPE_MISC)
			continue;
		misc++;
		if (memdesc_word_subtype(w) == MEMDESC_SUB_VMALLOC_MAP ||
		    memdesc_word_subtype(w) == MEMDESC_SUB_VMALLOC_UNMAP)
			vm++;
	}
	fprintf(f, "pfns %llu\n", pfns);
	fprintf(f, "struct_page_bytes 64\n");
	fprintf(f, "# descriptor type count bytes-each bytes source\n");
	for (i = 0; i < MEMDESC_ARRAY_SIZE(desc); i++) {
		fprintf(f, "descriptor %s %llu %u %llu %s\n",
			memdesc_type_name(desc[i].type), heads[desc[i].type],
			desc[i].each, heads[desc[i].type] * desc[i].each,
			desc[i].src);
		d += heads[desc[i].type] * desc[i].each;
	}
	fprintf(f, "# memory layout bytes-per-page pages-bytes descriptor-bytes total\n");
	fprintf(f, "memory today 64 %llu 0 %llu\n", 64 * pfns, 64 * pfns);
	fprintf(f, "memory interim 32 %llu %llu %llu\n", 32 * pfns, d,
		32 * pfns + d);
	fprintf(f, "memory memdesc 8 %llu %llu %llu\n", 8 * pfns, d,
		8 * pfns + d);
	today = 64 * pfns;
	md = 8 * pfns + d;
	part = today > md ? today - md : 0;
	milli = today ? part * 100000 / today : 0;
	fprintf(f, "# saving bytes percent-of-today\n");
	fprintf(f, "saving %lld %llu.%03llu\n", (long long)(today - md),
		milli / 1000, milli % 1000);
	order_bits = bits_below(max_order + 1);
	/* One past the last listed PFN: gaps and all. */
	max_pfn = ranges[nr_ranges - 1].start + ranges[nr_ranges - 1].pfns;
	ab = bits_below(max_pfn);
	fprintf(f, "# bits field bits\n");
	fprintf(f, "bits node 1\nbits zone 3\nbits section 1\n");
	fprintf(f, "bits order %u\n", order_bits);
	fprintf(f, "bits word %u\n", 4 + 4 + 1 + order_bits + 3 + 1 + 1);
	fprintf(f, "max_order %u\n", max_order);
	fprintf(f, "# buddy links pfns bits-each word-bits fits-8-bytes\n");
	fprintf(f, "buddy zone_relative %llu 16 36 1\n", NODE1_START - 4096);
	fprintf(f, "buddy absolute %llu %u %u 1\n", max_pfn, ab, 2 * ab + 4);
	fprintf(f, "# scattered misc-pages vmalloc-pages\n");
	fprintf(f, "scattered %llu %llu\n", misc, vm);
	if (revisions)
		put_revisions(f, pfns);
}

static void put_stats(FILE *f)
{
	unsigned long long n = nr_words;

	fprintf(f, "# event tracepoint attached count\n"
		"event mm_page_alloc 1 1234\nevent mm_page_free 1 1200\n"
		"event ksm_merge_with_ksm_page 0 0\n"
		"# counter name value\ncounter alloc_failed 0\n"
		"counter out_of_range 0\n");
	if (!old_style())
		fprintf(f, "counter bad_block 0\n");
	fprintf(f, "counter seeded %llu\npfns %llu\n", n, n);
	if (!old_style())
		fprintf(f, "untracked_pfns %llu\n", untracked_pfns());
	fprintf(f, "shadow_bytes %llu\n", (n - untracked_pfns()) * 8 + 4096);
	if (!old_style())
		fprintf(f, "shadow_word_bytes %llu\nshadow_table_bytes 4096\n"
			"chunks %u\nchunks_remote 0\nchunks_vmalloc 0\n",
			(n - untracked_pfns()) * 8,
			(unsigned int)((n - untracked_pfns()) / SECTION_PFNS));
	fprintf(f, "nodes 2\nseeded 1\ntracking 1\n");
	if (!old_style())
		fprintf(f, "vmalloc_walk 1\n");
}

static void put_transitions(FILE *f)
{
	fprintf(f, "# transition from to blocks\n"
		"transition free driver 10\ntransition driver free 9\n"
		"# source tracepoint changes\n"
		"source mm_page_alloc 10\nsource mm_page_free 9\n");
}

static void put_compare(FILE *f)
{
	fprintf(f, "compared 65000\nunknown 0\n");
	if (!old_style())
		fprintf(f, "untracked %llu\n", untracked_pfns());
	fprintf(f, "rechecked 12\nunchecked 0\n"
		"# field name agree disagree percent transient\n"
		"field state 64990 10 99.984 2\n"
		"field type 0 0 - 0\n"
		"# matrix shadow live pages\n"
		"matrix %s %s 60000\nmatrix free driver 10\n"
		"# example shadow live pfn...\n"
		"example free driver 5 6 7 8\n"
		"# class name shadow live agree precision recall\n"
		"class free 60010 60000 60000 99.983 100.000\n",
		"free", "free");
}

/* === owners: allocation sites === */

/*
 * The allocation sites of a and b (and other, which is a): what the owners
 * file of each lists, per (handle, class), no more pages of a class than
 * the words hold.  Pages 0: the variant has no such record.  b: the truth
 * module's site grew (+512), one site is new (+64), one gone (-100), a
 * slab site shrank (-512), pgtable +33, anon's fault site +128, and
 * unknown pages went (blocks freed: driver -500, anon -64).  One handle
 * has pages of two classes, and one stack record for both.  c was saved
 * with owners off; old modules had no owners file.
 */
static const struct site {
	const char *handle;
	unsigned int class;
	unsigned long long pages_a, blocks_a, pages_b, blocks_b;
	const char *stack[MAX_FRAMES];	/* none for unknown, unsaved */
} sites[] = {
	{ "unknown", MEMDESC_CLASS_ANON, 10000, 10000, 9936, 9936 },
	{ "unknown", MEMDESC_CLASS_FILE, 4000, 4000, 4000, 4000 },
	{ "0x00a40002", MEMDESC_CLASS_ANON, 4096, 4096, 4224, 4224, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"alloc_pages_mpol_noprof+0x8e/0x1b0",
		"vma_alloc_folio_noprof+0x64/0xd0",
		"do_anonymous_page+0x1a4/0x7e0",
		"__handle_mm_fault+0x6c1/0xe30",
		"handle_mm_fault+0xd3/0x2c0",
		"do_user_addr_fault+0x1b0/0x6a0",
		"exc_page_fault+0x70/0x170",
		"asm_exc_page_fault+0x26/0x30" } },
	{ "0x00b10003", MEMDESC_CLASS_FILE, 2048, 256, 2048, 256, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"alloc_pages_mpol_noprof+0x8e/0x1b0",
		"folio_alloc_noprof+0x1e/0x60",
		"filemap_alloc_folio_noprof+0x2f/0x110",
		"page_cache_ra_order+0x15a/0x3b0",
		"filemap_fault+0x5b1/0xb40",
		"__do_fault+0x33/0x130",
		"do_fault+0x2c6/0x4f0" } },
	{ "0x00b10003", MEMDESC_CLASS_ANON, 40, 5, 40, 5, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"alloc_pages_mpol_noprof+0x8e/0x1b0",
		"folio_alloc_noprof+0x1e/0x60",
		"filemap_alloc_folio_noprof+0x2f/0x110",
		"page_cache_ra_order+0x15a/0x3b0",
		"filemap_fault+0x5b1/0xb40",
		"__do_fault+0x33/0x130",
		"do_fault+0x2c6/0x4f0" } },
	{ "0x00f10007", MEMDESC_CLASS_VMALLOC_UNMAP, 2048, 2048, 2048, 2048, {
		"alloc_pages_bulk_noprof+0x3b5/0x7c0",
		"__vmalloc_area_node+0x1b4/0x370",
		"__vmalloc_node_range_noprof+0x1e1/0x7e0",
		"__vmalloc_node_noprof+0x4e/0x70",
		"bpf_prog_alloc_no_stats+0x38/0x1e0",
		"bpf_prog_alloc+0x1a/0xb0" } },
	{ "unknown", MEMDESC_CLASS_DRIVER, 900, 225, 400, 100 },
	{ "0x000c0001", MEMDESC_CLASS_DRIVER, 1042, 6, 1554, 7, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"alloc_pages_mpol_noprof+0x8e/0x1b0",
		"memdesc_truth_alloc_pages+0x4c/0x110[memdesc_truth]",
		"memdesc_truth_ctl_write+0x31d/0x6c0[memdesc_truth]",
		"full_proxy_write+0x54/0x80",
		"vfs_write+0xf5/0x450",
		"ksys_write+0x6f/0xf0",
		"do_syscall_64+0x82/0x190",
		"entry_SYSCALL_64_after_hwframe+0x76/0x7e" } },
	{ "0x00c20008", MEMDESC_CLASS_DRIVER, 100, 100, 0, 0, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"dma_direct_alloc+0x91/0x2a0",
		"dma_alloc_attrs+0x48/0xe0",
		"vring_alloc_queue+0x4c/0x80",
		"vring_alloc_queue_split+0x8d/0x1b0" } },
	{ "0x00c30009", MEMDESC_CLASS_DRIVER, 0, 0, 64, 64, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"__get_free_pages_noprof+0xd/0x40",
		"kvm_mmu_memory_cache_alloc+0x2e/0x60",
		"mmu_alloc_root+0x53/0x110" } },
	{ "0x00d20004", MEMDESC_CLASS_SLAB, 4096, 512, 4096, 512, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"alloc_pages_mpol_noprof+0x8e/0x1b0",
		"allocate_slab+0x2a5/0x390",
		"___slab_alloc+0x6d1/0xd60",
		"__slab_alloc.constprop.0+0x3e/0x70",
		"__kmalloc_cache_noprof+0x2b4/0x330",
		"kernfs_fop_open+0x9e/0x3a0" } },
	{ "0x00d20005", MEMDESC_CLASS_SLAB, 1024, 128, 512, 64, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"alloc_pages_mpol_noprof+0x8e/0x1b0",
		"allocate_slab+0x2a5/0x390",
		"___slab_alloc+0x6d1/0xd60",
		"kmem_cache_alloc_noprof+0x27c/0x2e0",
		"alloc_buffer_head+0x1e/0x80" } },
	{ "unsaved", MEMDESC_CLASS_SLAB, 8, 1, 8, 1 },
	{ "0x00e10006", MEMDESC_CLASS_PGTABLE, 97, 97, 130, 130, {
		"__alloc_pages_noprof+0x1f4/0x350",
		"alloc_pages_mpol_noprof+0x8e/0x1b0",
		"pte_alloc_one+0x12/0x40",
		"__pte_alloc+0x1a/0x110",
		"do_anonymous_page+0x5d/0x7e0",
		"__handle_mm_fault+0x6c1/0xe30",
		"handle_mm_fault+0xd3/0x2c0" } },
};

#define NR_SITES	MEMDESC_ARRAY_SIZE(sites)

static unsigned long long site_pages(const struct site *s, enum variant v)
{
	return v == V_B ? s->pages_b : s->pages_a;
}

static unsigned long long site_blocks(const struct site *s, enum variant v)
{
	return v == V_B ? s->blocks_b : s->blocks_a;
}

static bool saved(const char *handle)
{
	return strcmp(handle, "unknown") && strcmp(handle, "unsaved");
}

/* Whether sites[i] is the first of the variant's records with its handle. */
static bool first_of_handle(unsigned int i, enum variant v)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (site_pages(&sites[j], v) &&
		    !strcmp(sites[j].handle, sites[i].handle))
			return false;
	return true;
}

static unsigned int nr_frames(const struct site *s)
{
	unsigned int n = 0;

	while (n < MAX_FRAMES && s->stack[n])
		n++;
	return n;
}

/* A frame's function, up to its "+offset", is the page allocator's own. */
static bool is_allocator(const char *frame)
{
	return memdesc_frame_is_allocator(frame, strcspn(frame, "+"));
}

/*
 * " frame..." of a stack: all of them, or with @site the site, as the
 * module prints it: up to SITE_FRAMES from the first frame outside the
 * page allocator (memdesc_owners.h says which are its own).
 */
static void put_frames(FILE *f, const struct site *s, bool site)
{
	unsigned int i = 0, n = nr_frames(s), max = n;

	if (site) {
		while (i < n && is_allocator(s->stack[i]))
			i++;
		max = i + SITE_FRAMES < n ? i + SITE_FRAMES : n;
	}
	for (; i < max; i++)
		fprintf(f, " %s", s->stack[i]);
}

static unsigned int stack_order[NR_SITES];

/* Whether sites[i]'s stack is among the first @n printed. */
static bool done_stack(unsigned int i, unsigned int n)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		if (stack_order[j] == i)
			return true;
	return false;
}

/* The owners file, as memdesc_report_owners_head() and the rest print it. */
static void put_owners(FILE *f)
{
	unsigned long long pages = 0, unknown = 0, unsaved = 0, p, max;
	unsigned int i, nr = 0, stacks = 0, order[NR_SITES], j, best;
	bool done[NR_SITES] = { false };
	const struct site *s;

	fprintf(f, "# owners on|off seconds sites stacks pages unknown unsaved slot_bytes\n");
	if (variant == V_C) {
		fprintf(f, "owners off\n");
		return;
	}
	for (i = 0; i < NR_SITES; i++) {
		p = site_pages(&sites[i], variant);
		if (!p)
			continue;
		nr++;
		pages += p;
		unknown += strcmp(sites[i].handle, "unknown") ? 0 : p;
		unsaved += strcmp(sites[i].handle, "unsaved") ? 0 : p;
		stacks += saved(sites[i].handle) && first_of_handle(i, variant);
	}
	fprintf(f, "owners on %u %u %u %llu %llu %llu %llu\n",
		variant == V_B ? 63 : 3, nr, stacks, pages, unknown, unsaved,
		2097152ULL);
	fprintf(f, "# owner handle class pages blocks site-frames\n");
	/* Most pages first, ties by class then handle, as the module sorts. */
	for (j = 0; j < nr; j++) {
		best = NR_SITES;
		max = 0;
		for (i = 0; i < NR_SITES; i++) {
			p = site_pages(&sites[i], variant);
			if (done[i] || !p || p < max)
				continue;
			if (p == max && (sites[i].class > sites[best].class ||
					 (sites[i].class == sites[best].class &&
					  strcmp(sites[i].handle,
						 sites[best].handle) > 0)))
				continue;
			max = p;
			best = i;
		}
		done[best] = true;
		order[j] = best;
	}
	for (j = 0; j < nr; j++) {
		s = &sites[order[j]];
		fprintf(f, "owner %s %s %llu %llu", s->handle,
			memdesc_class_name(s->class), site_pages(s, variant),
			site_blocks(s, variant));
		put_frames(f, s, true);
		fputc('\n', f);
	}
	fprintf(f, "# stack handle frames frame...\n");
	/* One per handle, in handle order (8 hex digits: as strings). */
	for (j = 0; j < stacks; j++) {
		best = NR_SITES;
		for (i = 0; i < NR_SITES; i++) {
			s = &sites[i];
			if (!site_pages(s, variant) || !saved(s->handle) ||
			    !first_of_handle(i, variant) || done_stack(i, j))
				continue;
			if (best == NR_SITES ||
			    strcmp(s->handle, sites[best].handle) < 0)
				best = i;
		}
		stack_order[j] = best;
		fprintf(f, "stack %s %u", sites[best].handle,
			nr_frames(&sites[best]));
		put_frames(f, &sites[best], false);
		fputc('\n', f);
	}
}

/* The expected owner records of "diff a this", from the table above. */
static long long site_delta(const struct site *s)
{
	return (long long)site_pages(s, variant) - (long long)s->pages_a;
}

/* Whether sites[x] goes before sites[y] in a class of the diff. */
static bool changed_more(unsigned int x, unsigned int y)
{
	long long dx = site_delta(&sites[x]), dy = site_delta(&sites[y]);

	if (llabs(dx) != llabs(dy))
		return llabs(dx) > llabs(dy);
	if (dx != dy)
		return dx > dy;
	return strcmp(sites[x].handle, sites[y].handle) < 0;
}

static void put_owners_diff(FILE *f)
{
	const char *after = variant == V_C ? "off" : old_style() ? "none" : "on";
	unsigned int c, i, j, n, shown, idx[NR_SITES], t;
	const struct site *s;

	fprintf(f, "owners_before on\nowners_after %s\n", after);
	if (strcmp(after, "on"))
		return;
	fprintf(f, "# owner class before after delta handle site...\n");
	for (c = 0; c < MEMDESC_NR_CLASSES; c++) {
		n = 0;
		for (i = 0; i < NR_SITES; i++)
			if (sites[i].class == c && site_delta(&sites[i]))
				idx[n++] = i;
		for (i = 1; i < n; i++)	/* insertion sort */
			for (j = i; j > 0 && changed_more(idx[j], idx[j - 1]);
			     j--) {
				t = idx[j];
				idx[j] = idx[j - 1];
				idx[j - 1] = t;
			}
		for (i = 0, shown = 0; i < n; i++) {
			s = &sites[idx[i]];
			if (saved(s->handle) && shown++ >= 10)
				continue;
			fprintf(f, "owner %s %llu %llu %lld %s",
				memdesc_class_name(c), s->pages_a,
				site_pages(s, variant), site_delta(s),
				s->handle);
			put_frames(f, s, true);
			fputc('\n', f);
		}
	}
}

/* === the expected diff from a === */

/**
 * struct expect - what "diff a this" counts, PFN by PFN
 * @pfns:	PFNs either variant lists
 * @changed:	of those, with another class here than in a
 * @rewritten:	listed in both, same class, another word
 * @before:	PFNs per class in a; a PFN a does not list is a hole
 * @after:	the same here
 * @matrix:	changed PFNs per (class in a, class here)
 * @run_start:	first PFN of the open run
 * @run_pfns:	its length; 0 if none is open
 * @run_from:	its class in a
 * @run_to:	its class here
 */
struct expect {
	unsigned long long pfns, changed, rewritten;
	unsigned long long before[MEMDESC_NR_CLASSES];
	unsigned long long after[MEMDESC_NR_CLASSES];
	unsigned long long matrix[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES];
	uint64_t run_start, run_pfns;
	unsigned int run_from, run_to;
};

static void expect_flush(struct expect *e, FILE *runs)
{
	if (e->run_pfns)
		fprintf(runs, "run %llu %llu %llu %s %s\n",
			(unsigned long long)e->run_start,
			(unsigned long long)(e->run_start + e->run_pfns - 1),
			(unsigned long long)e->run_pfns,
			memdesc_class_name(e->run_from),
			memdesc_class_name(e->run_to));
	e->run_pfns = 0;
}

static unsigned int class_at(enum variant v, uint64_t pfn, uint64_t *w)
{
	if (listing(v, pfn) == UNLISTED)
		return MEMDESC_CLASS_HOLE;
	*w = word_at(v, pfn);
	return memdesc_word_class(*w);
}

static void expect_pfn(struct expect *e, uint64_t pfn, FILE *runs)
{
	bool in_a = listing(V_A, pfn) != UNLISTED;
	bool in_v = listing(variant, pfn) != UNLISTED;
	uint64_t wa = 0, wv = 0;
	unsigned int f, t;

	if (!in_a && !in_v) {
		expect_flush(e, runs);
		return;
	}
	f = class_at(V_A, pfn, &wa);
	t = class_at(variant, pfn, &wv);
	e->pfns++;
	e->before[f]++;
	e->after[t]++;
	if (f == t) {
		e->rewritten += in_a && in_v && wa != wv;
		expect_flush(e, runs);
		return;
	}
	e->changed++;
	e->matrix[f][t]++;
	if (e->run_pfns && (e->run_from != f || e->run_to != t))
		expect_flush(e, runs);
	if (!e->run_pfns) {
		e->run_start = pfn;
		e->run_from = f;
		e->run_to = t;
	}
	e->run_pfns++;
}

static void put_diff(FILE *f)
{
	struct expect *e = calloc(1, sizeof(*e));
	char *runs = NULL;
	size_t len = 0;
	unsigned int c, t;
	FILE *rf;
	uint64_t pfn;

	rf = open_memstream(&runs, &len);
	if (!e || !rf)
		die("diff");
	fprintf(rf, "# run start-pfn end-pfn pfns from to\n");
	for (pfn = 0; pfn <= END_PFN; pfn++)
		expect_pfn(e, pfn, rf);
	fclose(rf);
	fprintf(f, "pfns %llu\nchanged %llu\nrewritten %llu\nseconds %lld\n",
		e->pfns, e->changed, e->rewritten,
		(long long)(save_time(variant) - save_time(V_A)));
	fprintf(f, "# class name before after delta\n");
	for (c = 0; c < MEMDESC_NR_CLASSES; c++)
		if (e->before[c] || e->after[c])
			fprintf(f, "class %s %llu %llu %lld\n",
				memdesc_class_name(c), e->before[c],
				e->after[c],
				(long long)(e->after[c] - e->before[c]));
	fprintf(f, "# change from to pfns\n");
	for (c = 0; c < MEMDESC_NR_CLASSES; c++)
		for (t = 0; t < MEMDESC_NR_CLASSES; t++)
			if (e->matrix[c][t])
				fprintf(f, "change %s %s %llu\n",
					memdesc_class_name(c),
					memdesc_class_name(t), e->matrix[c][t]);
	fputs(runs, f);
	free(runs);
	free(e);
	put_owners_diff(f);
}

/* === the snapshot, per docs/SNAPSHOT.md === */

static void le32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

struct section {
	const char *name;
	const void *data;
	size_t len;
};

static void put_snapshot(const char *name, const struct section *sec,
			 unsigned int nr, uint64_t when, unsigned int version)
{
	size_t table = 64 + 32 * nr, size = table, off, i;
	unsigned char *buf;
	FILE *f;

	/* Start the data at 128 bytes after the table, not right after it. */
	size += 128;
	for (i = 0; i < nr; i++)
		size += (sec[i].len + 7) / 8 * 8;
	buf = calloc(1, size);
	if (!buf)
		die("calloc");
	off = table + 128;
	for (i = 0; i < nr; i++) {
		unsigned char *e = buf + 64 + 32 * i;

		memcpy(e, sec[i].name, strlen(sec[i].name));
		le64(e + 16, off);
		le64(e + 24, sec[i].len);
		memcpy(buf + off, sec[i].data, sec[i].len);
		off += (sec[i].len + 7) / 8 * 8;
	}
	memcpy(buf, "MEMDSNAP", 8);
	le32(buf + 8, version);
	le32(buf + 12, 64);
	le64(buf + 16, size);
	le32(buf + 24, nr);
	le64(buf + 32, when);
	/* Version 1 summed what follows the header, 2 all but the sum. */
	if (version == 1)
		le32(buf + 28, crc32(crc32(0, NULL, 0), buf + 64, size - 64));
	else
		le32(buf + 28, crc32(crc32(0, NULL, 0), buf, size));
	f = create(name);
	if (fwrite(buf, 1, size, f) != size)
		die("%s", name);
	finish(f, name);
	free(buf);
}

static void write_text(const char *name, void (*fn)(FILE *f))
{
	FILE *f = create(name);

	fn(f);
	finish(f, name);
}

static const char *boot_id(void)
{
	if (old_style())
		return NULL;
	return variant == V_OTHER ? BOOT_OTHER : BOOT_A;
}

static void put_boot_id(FILE *f)
{
	fprintf(f, "%s\n", boot_id() ? boot_id() : BOOT_A);
}

/*
 * direct.snap, and for the old variant elsewhere.snap; @le is the shadow.
 * An old tool wrote no sections section and no boot id.
 */
static void put_snapshots(const unsigned char *le)
{
	char *layout = text_of(put_layout), *summary = text_of(put_summary);
	char *projection = text_of(put_projection), *stats = text_of(put_stats);
	char *sections = text_of(put_sections), *zones, *system;
	char *owners = text_of(put_owners);
	struct section sec[] = {
		{ "zones", NULL, 0 },
		{ "future_thing", "ignore me\n", 10 },
		{ "projection", projection, strlen(projection) },
		{ "summary", summary, strlen(summary) },
		{ "stats", stats, strlen(stats) },
		{ "system", NULL, 0 },
		{ "layout", layout, strlen(layout) },
		{ "shadow", le, nr_words * 8 },
		{ "owners", owners, strlen(owners) },
		{ "sections", sections, strlen(sections) },
	};
	unsigned int nr = MEMDESC_ARRAY_SIZE(sec);

	if (asprintf(&zones, "# zone node index name start-pfn spanned\n"
		     "zone 0 0 DMA 1 4095\nzone 0 1 DMA32 4096 %llu\n"
		     "zone 1 2 Normal %llu %llu\n", NODE1_START - 4096,
		     NODE1_START, END_PFN - NODE1_START) < 0 ||
	    asprintf(&system, "release 6.1.0-test\nmachine x86_64\n%s%s%s",
		     boot_id() ? "boot_id " : "", boot_id() ? boot_id() : "",
		     boot_id() ? "\n" : "") < 0)
		die("asprintf");
	sec[0].data = zones;
	sec[0].len = strlen(zones);
	sec[5].data = system;
	sec[5].len = strlen(system);
	/* Old tools saved neither owners nor sections: the last two. */
	if (old_style())
		nr -= 2;
	put_snapshot("direct.snap", sec, nr, save_time(variant),
		     old_style() ? 1 : 2);
	if (old_style()) {
		free(layout);
		layout = text_of(put_layout_elsewhere);
		sec[6].data = layout;
		sec[6].len = strlen(layout);
		put_snapshot("elsewhere.snap", sec, nr, save_time(variant), 1);
	} else {
		/* As a version 1 writer wrote it, system last. */
		struct section system_sec = sec[5];

		memmove(&sec[5], &sec[6], (nr - 6) * sizeof(*sec));
		sec[nr - 1] = system_sec;
		put_snapshot("direct-v1.snap", sec, nr, save_time(variant), 1);
	}
	free(layout);
	free(summary);
	free(projection);
	free(stats);
	free(sections);
	free(owners);
	free(zones);
	free(system);
}

static void put_shadow(const unsigned char *le)
{
	FILE *f = create("debugfs/shadow");

	if (fwrite(le, 8, nr_words, f) != nr_words)
		die("shadow");
	finish(f, "shadow");
}

/* === big: a snapshot larger than 64-bit percentages === */

#define BIG_WORDS	(1ULL << 27)
#define BIG_PAGE_BYTES	(1ULL << 20)

/* @len bytes of @p into @f at its end, summed into @crc. */
static void put_summed(FILE *f, const void *p, size_t len, uLong *crc)
{
	if (fwrite(p, 1, len, f) != len)
		die("big.snap");
	*crc = crc32(*crc, p, len);
}

/*
 * DIR/big.snap, of format version 1, which every memdesc-stat reads: 2^27
 * PFNs, each a free page, of a kernel whose struct page took 1 MiB.  Its
 * projection's bytes, 2^47, multiplied by 100000 for a percentage, pass
 * 2^63; the saving is 140736414613504 bytes, 99.999% of today's.
 */
static void put_big(void)
{
	static unsigned char head[64 + 4 * 32], chunk[8 << 20];
	uint64_t w = page(MEMDESC_TYPE_FREE, 0, 0, 0, 0, 0, false), i;
	char *text[3], proj[1024];
	static const char * const names[] = {
		"layout", "zones", "projection", "shadow",
	};
	size_t len[4], off = sizeof(head), p = 0, k;
	uLong crc = crc32(0, NULL, 0);
	FILE *f;

	p += snprintf(proj + p, sizeof(proj) - p,
		      "struct_page_bytes %llu\nmemory today %llu 0 0 0\n"
		      "bits node 10\nbits zone 3\nbits section 19\n"
		      "buddy zone_relative %llu 27 58 1\n",
		      BIG_PAGE_BYTES, BIG_PAGE_BYTES, BIG_WORDS);
	for (k = MEMDESC_KSIZE_PAGE; k < MEMDESC_NR_KSIZES; k++)
		p += snprintf(proj + p, sizeof(proj) - p, "kernel_size %s %llu\n",
			      memdesc_ksize_name(k),
			      k == MEMDESC_KSIZE_PAGE ? BIG_PAGE_BYTES : 64ULL);
	text[2] = strdup(proj);
	if (asprintf(&text[0], "range 0 0 %llu 0\n", BIG_WORDS) < 0 ||
	    asprintf(&text[1], "zone 0 0 DMA 0 %llu\n", BIG_WORDS) < 0 ||
	    !text[2])
		die("asprintf");
	for (k = 0; k < 4; k++) {
		len[k] = k < 3 ? strlen(text[k]) : BIG_WORDS * 8;
		memcpy(head + 64 + 32 * k, names[k], strlen(names[k]));
		le64(head + 64 + 32 * k + 16, off);
		le64(head + 64 + 32 * k + 24, len[k]);
		off += (len[k] + 7) / 8 * 8;
	}
	for (i = 0; i < sizeof(chunk); i += 8)
		le64(chunk + i, w);
	f = create("big.snap");
	fseek(f, 64, SEEK_SET);
	put_summed(f, head + 64, sizeof(head) - 64, &crc);
	for (k = 0; k < 3; k++) {
		put_summed(f, text[k], len[k], &crc);
		put_summed(f, chunk, (len[k] + 7) / 8 * 8 - len[k], &crc);
		free(text[k]);
	}
	for (i = 0; i < BIG_WORDS * 8; i += sizeof(chunk))
		put_summed(f, chunk, sizeof(chunk), &crc);
	memcpy(head, "MEMDSNAP", 8);
	le32(head + 8, 1);
	le32(head + 12, 64);
	le64(head + 16, off);
	le32(head + 24, 4);
	le32(head + 28, crc);
	le64(head + 32, TIME_A);
	rewind(f);
	if (fwrite(head, 1, 64, f) != 64)
		die("big.snap");
	finish(f, "big.snap");
}

int main(int argc, char **argv)
{
	char path[4096];
	unsigned char *le;
	uint64_t i;

	if (argc == 3 && !strcmp(argv[2], "big")) {
		dir = argv[1];
		if (mkdir(dir, 0755) && errno != EEXIST)
			die("%s", dir);
		put_big();
		return 0;
	}
	for (variant = 0; variant < NR_VARIANTS; variant++)
		if (argc == 3 && !strcmp(argv[2], variant_names[variant]))
			break;
	if (variant == NR_VARIANTS) {
		fprintf(stderr, "usage: mksnap DIR a|b|c|other|old|big\n");
		return 2;
	}
	dir = argv[1];
	make_layout();
	make_words();

	snprintf(path, sizeof(path), "%s/debugfs", dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		die("%s", dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		die("%s", path);

	le = malloc(nr_words * 8);
	if (!le)
		die("malloc");
	for (i = 0; i < nr_words; i++) {
		int b;

		for (b = 0; b < 8; b++)
			le[i * 8 + b] = words[i] >> (8 * b);
	}
	put_shadow(le);
	write_text("debugfs/layout", put_layout);
	write_text("debugfs/summary", put_summary);
	write_text("debugfs/projection", put_projection);
	if (old_style())
		write_text("projection-now", put_projection_now);
	write_text("debugfs/stats", put_stats);
	write_text("debugfs/transitions", put_transitions);
	write_text("debugfs/compare", put_compare);
	if (!old_style()) {
		write_text("debugfs/sections", put_sections);
		write_text("debugfs/owners", put_owners);
	}
	write_text("zoneinfo", put_zoneinfo);
	write_text("boot_id", put_boot_id);
	if (variant == V_B || variant == V_C || variant == V_OLD)
		write_text("diff-a", put_diff);
	put_snapshots(le);
	free(le);
	free(words);
	return 0;
}
