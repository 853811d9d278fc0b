// SPDX-License-Identifier: GPL-2.0
/*
 * mksnap.c - test inputs for memdesc-stat, made without memdesc-stat.
 *
 *   mksnap DIR a|b|other
 *
 * writes, for a small made-up machine with two nodes:
 *
 *   DIR/debugfs/        what the module's debugfs directory would hold:
 *                       layout, shadow, and summary and projection computed
 *                       here from the same words (the expected output of
 *                       memdesc-stat for a snapshot of them), plus stats,
 *                       transitions and compare with fixed contents
 *   DIR/zoneinfo        the matching /proc/zoneinfo
 *   DIR/direct.snap     a snapshot of the same, written here from
 *                       docs/SNAPSHOT.md, sections in another order than
 *                       memdesc-stat writes them and one it does not know
 *
 * "b" is "a" with known changes (see change_b()); "other" has a smaller
 * node 1, so it cannot be diffed against either.
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

#include "memdesc_types.h"

#define NODE0_PFNS	40960ULL
#define NODE1_START	NODE0_PFNS
#define NODE1_PFNS_AB	24576ULL
#define NODE1_PFNS_OTHER 16384ULL
#define TIME_A		1700000000ULL
#define TIME_B		(TIME_A + 60)

static const char *dir;
static char variant;
static uint64_t node1_pfns;
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
	case 4:	 return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_DRIVER, 2, 1, 0,
			     pfn, false);
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

static uint64_t word_of(uint64_t pfn)
{
	if (pfn == 0)
		return memdesc_hole_word(0);
	if (pfn < 256)
		return page(MEMDESC_TYPE_MISC, MEMDESC_SUB_RESERVED, 0, 0, 0,
			    pfn, false);
	if (pfn < 4096)
		return page(MEMDESC_TYPE_FREE, 0, 4, 0, 0, pfn, false);
	if (pfn < NODE0_PFNS)
		return dma32_word(pfn);
	if (pfn >= NODE1_START + node1_pfns - 100)
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
static void change_b(void)
{
	uint64_t pfn;

	for (pfn = 256; pfn < 384; pfn++)
		words[pfn] = page(MEMDESC_TYPE_ANON, 0, 0, 0, 0, pfn, true);
	for (pfn = 41000; pfn < 41064; pfn++)
		words[pfn] = page(MEMDESC_TYPE_FREE, 0, 3, 2, 1, pfn - 41000,
				  false);
	words[60000] = page(MEMDESC_TYPE_SLAB, 0, 0, 2, 1, 60000, false);
	words[4096] &= ~(uint64_t)MEMDESC_MAPPABLE;
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

static void put_layout(FILE *f)
{
	fprintf(f, "# range node start-pfn pfns byte-offset\n");
	fprintf(f, "range 0 0 %llu 0\n", NODE0_PFNS);
	fprintf(f, "range 1 %llu %llu %llu\n", NODE1_START,
		(unsigned long long)node1_pfns, NODE0_PFNS * 8);
}

static void put_zoneinfo(FILE *f)
{
	static const char * const names[] = {
		"DMA", "DMA32", "Normal", "Movable", "Device"
	};
	/* node, zone index, start, spanned; others unpopulated */
	static const unsigned long long pop[][4] = {
		{ 0, 0, 1, 4095 },
		{ 0, 1, 4096, NODE0_PFNS - 4096 },
		{ 1, 2, NODE1_START, 0 },
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
				spanned = pop[i][3] ? pop[i][3] : node1_pfns;
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

/* The module's summary, as memdesc_report.c prints it. */
static void put_summary(FILE *f)
{
	unsigned long long class[MEMDESC_NR_CLASSES] = { 0 };
	unsigned long long zfree[8], zalloc[8];
	uint64_t starts[2] = { 0, NODE0_PFNS }, ends[2];
	unsigned int node, z, c;
	uint64_t i, w;

	ends[0] = NODE0_PFNS;
	ends[1] = NODE0_PFNS + node1_pfns;
	fprintf(f, "spanned %llu\n", (unsigned long long)nr_words);
	fprintf(f, "# node zone pages free allocated\n");
	for (node = 0; node < 2; node++) {
		memset(zfree, 0, sizeof(zfree));
		memset(zalloc, 0, sizeof(zalloc));
		for (i = starts[node]; i < ends[node]; i++) {
			w = words[i];
			class[memdesc_class(w)]++;
			if (memdesc_word_state(w) != MEMDESC_STATE_PAGE)
				continue;
			if (memdesc_word_type(w) == MEMDESC_TYPE_FREE)
				zfree[memdesc_word_zone(w)]++;
			else
				zalloc[memdesc_word_zone(w)]++;
		}
		for (z = 0; z < 8; z++)
			if (zfree[z] + zalloc[z])
				fprintf(f, "zone %u %s %llu %llu %llu\n", node,
					zone_names[z], zfree[z] + zalloc[z],
					zfree[z], zalloc[z]);
	}
	fprintf(f, "# class pages\n");
	for (c = 0; c < MEMDESC_NR_CLASSES; c++)
		fprintf(f, "class %s %llu\n", memdesc_class_name(c), class[c]);
}

/* The module's projection, as memdesc_projection.c prints it. */
static void put_projection(FILE *f)
{
	static const struct { unsigned int type, each; const char *src; }
	desc[] = {
		{ MEMDESC_TYPE_FILE, 64, "folio" },
		{ MEMDESC_TYPE_ANON, 64, "folio" },
		{ MEMDESC_TYPE_KSM, 64, "folio" },
		{ MEMDESC_TYPE_SLAB, 64, "page" },
		{ MEMDESC_TYPE_PGTABLE, 64, "page" },
		{ MEMDESC_TYPE_NETPOOL, 64, "page" },
		{ MEMDESC_TYPE_MOVABLE, 16, "assumed" },
		{ MEMDESC_TYPE_HWPOISON, 16, "assumed" },
	};
	unsigned long long heads[16] = { 0 }, pfns = 0, misc = 0, vm = 0;
	unsigned long long d = 0, today, md, part, milli, max_pfn;
	unsigned int max_order = 0, i, order_bits;
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
	/* order_base_2(max_order + 1), at least 1 */
	for (order_bits = 1; (1U << order_bits) < max_order + 1; order_bits++)
		;
	max_pfn = NODE1_START + node1_pfns;
	fprintf(f, "# bits field bits\n");
	fprintf(f, "bits node 1\nbits zone 3\nbits section 1\n");
	fprintf(f, "bits order %u\n", order_bits);
	fprintf(f, "bits word %u\n", 4 + 4 + 1 + order_bits + 3 + 1 + 1);
	fprintf(f, "max_order %u\n", max_order);
	fprintf(f, "# buddy links pfns bits-each word-bits fits-8-bytes\n");
	fprintf(f, "buddy zone_relative %llu 16 36 1\n", NODE0_PFNS - 4096);
	fprintf(f, "buddy absolute %llu %u %u 1\n", max_pfn,
		max_pfn > 65536 ? 17 : 16, max_pfn > 65536 ? 38 : 36);
	fprintf(f, "# scattered misc-pages vmalloc-pages\n");
	fprintf(f, "scattered %llu %llu\n", misc, vm);
}

static void put_stats(FILE *f)
{
	fprintf(f, "# event tracepoint attached count\n"
		"event mm_page_alloc 1 1234\nevent mm_page_free 1 1200\n"
		"event ksm_merge_with_ksm_page 0 0\n"
		"# counter name value\ncounter alloc_failed 0\n"
		"counter seeded %llu\n"
		"pfns %llu\nshadow_bytes %llu\nnodes 2\nseeded 1\ntracking 1\n",
		(unsigned long long)nr_words, (unsigned long long)nr_words,
		(unsigned long long)nr_words * 8 + 64);
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
	fprintf(f, "compared 65000\nunknown 0\nrechecked 12\nunchecked 0\n"
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
			 unsigned int nr, uint64_t when)
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
	le32(buf + 8, 1);
	le32(buf + 12, 64);
	le64(buf + 16, size);
	le32(buf + 24, nr);
	le32(buf + 28, crc32(crc32(0, NULL, 0), buf + 64, size - 64));
	le64(buf + 32, when);
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

int main(int argc, char **argv)
{
	char path[4096], *layout, *zoneinfo, *summary, *projection, *stats;
	char *zones;
	unsigned char *le;
	uint64_t i;
	FILE *f;

	if (argc != 3 || (strcmp(argv[2], "a") && strcmp(argv[2], "b") &&
			  strcmp(argv[2], "other"))) {
		fprintf(stderr, "usage: mksnap DIR a|b|other\n");
		return 2;
	}
	dir = argv[1];
	variant = argv[2][0];
	node1_pfns = variant == 'o' ? NODE1_PFNS_OTHER : NODE1_PFNS_AB;
	nr_words = NODE0_PFNS + node1_pfns;
	words = calloc(nr_words, sizeof(*words));
	if (!words)
		die("calloc");
	for (i = 0; i < nr_words; i++)
		words[i] = word_of(i);
	if (variant == 'b')
		change_b();

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
	f = create("debugfs/shadow");
	if (fwrite(le, 8, nr_words, f) != nr_words)
		die("shadow");
	finish(f, "shadow");

	write_text("debugfs/layout", put_layout);
	write_text("debugfs/summary", put_summary);
	write_text("debugfs/projection", put_projection);
	write_text("debugfs/stats", put_stats);
	write_text("debugfs/transitions", put_transitions);
	write_text("debugfs/compare", put_compare);
	write_text("zoneinfo", put_zoneinfo);

	layout = text_of(put_layout);
	zoneinfo = text_of(put_zoneinfo);
	summary = text_of(put_summary);
	projection = text_of(put_projection);
	stats = text_of(put_stats);
	if (asprintf(&zones, "# zone node index name start-pfn spanned\n"
		     "zone 0 0 DMA 1 4095\nzone 0 1 DMA32 4096 %llu\n"
		     "zone 1 2 Normal %llu %llu\n", NODE0_PFNS - 4096,
		     NODE1_START, (unsigned long long)node1_pfns) < 0)
		die("asprintf");
	{
		const struct section sec[] = {
			{ "zones", zones, strlen(zones) },
			{ "future_thing", "ignore me\n", 10 },
			{ "projection", projection, strlen(projection) },
			{ "summary", summary, strlen(summary) },
			{ "stats", stats, strlen(stats) },
			{ "system", "release 6.1.0-test\nmachine x86_64\n", 34 },
			{ "layout", layout, strlen(layout) },
			{ "shadow", le, nr_words * 8 },
		};

		put_snapshot("direct.snap", sec, MEMDESC_ARRAY_SIZE(sec),
			     variant == 'b' ? TIME_B : TIME_A);
	}
	free(zoneinfo);
	free(layout);
	free(summary);
	free(projection);
	free(stats);
	free(zones);
	free(le);
	free(words);
	return 0;
}
