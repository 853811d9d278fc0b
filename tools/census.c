// SPDX-License-Identifier: GPL-2.0
/*
 * summary, projection and diff, computed from a snapshot's words.
 *
 * summary and projection print exactly what the module's debugfs files
 * print for the same words (memdesc_report.c, memdesc_projection.c), so a
 * snapshot taken while the shadow holds still reads the same as the live
 * files.  What the words cannot tell - zone names, the kernel's descriptor
 * sizes, node and zone counts, section size - comes from the zones section
 * and from the projection the module printed at save time.
 */
#include <stdlib.h>
#include <string.h>

#include "memdesc_stat.h"

/* === summary === */

/**
 * census_summary - the module's summary, from a snapshot's words
 * @s:		snapshot
 * @out:	output, in the summary file's format
 */
void census_summary(const struct snapshot *s, FILE *out)
{
	uint64_t class[MEMDESC_NR_CLASSES] = { 0 };
	uint64_t zfree[MEMDESC_ZONE_MAX + 1], zalloc[MEMDESC_ZONE_MAX + 1];
	const struct snap_range *r;
	unsigned int i, z;
	char buf[16];
	uint64_t j, w;

	fprintf(out, "spanned %llu\n", (unsigned long long)s->nr_words);
	fputs("# node zone pages free allocated\n", out);
	for (i = 0; i < s->nr_ranges; i++) {
		r = &s->ranges[i];
		memset(zfree, 0, sizeof(zfree));
		memset(zalloc, 0, sizeof(zalloc));
		for (j = 0; j < r->pfns; j++) {
			w = snap_word(s, r->index + j);
			class[memdesc_class(w)]++;
			if (!memdesc_word_is_page(w))
				continue;
			if (memdesc_word_type(w) == MEMDESC_TYPE_FREE)
				zfree[memdesc_word_zone(w)]++;
			else
				zalloc[memdesc_word_zone(w)]++;
		}
		for (z = 0; z <= MEMDESC_ZONE_MAX; z++) {
			if (!zfree[z] && !zalloc[z])
				continue;
			fprintf(out, "zone %u %s %llu %llu %llu\n", r->node,
				snap_zone_name(s, r->node, z, buf, sizeof(buf)),
				(unsigned long long)(zfree[z] + zalloc[z]),
				(unsigned long long)zfree[z],
				(unsigned long long)zalloc[z]);
		}
	}
	fputs("# class pages\n", out);
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		fprintf(out, "class %s %llu\n", memdesc_class_name(i),
			(unsigned long long)class[i]);
}

/* === projection === */

/**
 * struct kernel_sizes - what the projection needs beyond the words
 * @page_bytes:	sizeof(struct page)
 * @desc:	descriptor rows as saved: type, bytes each, source
 * @nr_desc:	how many
 * @layout:	memory rows as saved: name and bytes per page
 * @nr_layout:	how many
 * @node_bits:	bits for nr_node_ids
 * @zone_bits:	bits for MAX_NR_ZONES
 * @section_bits: bits for the section number of the highest PFN
 * @zone_pfns:	PFNs of the largest zone
 */
struct kernel_sizes {
	uint64_t page_bytes;
	struct {
		unsigned int type;
		uint64_t each;
		char source[32];
	} desc[MEMDESC_NR_TYPES];
	unsigned int nr_desc;
	struct {
		char name[32];
		uint64_t per_page;
	} layout[8];
	unsigned int nr_layout;
	uint64_t node_bits;
	uint64_t zone_bits;
	uint64_t section_bits;
	uint64_t zone_pfns;
};

static __noreturn void no_sizes(const struct snapshot *s, const char *what)
{
	fatal("%s: the saved projection has no usable %s: cannot project from this snapshot",
	      s->path, what);
}

static uint64_t saved_value(const struct snapshot *s,
			    const struct records *r, const char *kind,
			    const char *f0, unsigned int field)
{
	const struct record *rec = records_find(r, kind, f0);
	uint64_t v;

	if (!rec || rec->nf <= field || !parse_u64(rec->f[field], &v))
		no_sizes(s, kind);
	return v;
}

static void kernel_sizes(const struct snapshot *s, struct kernel_sizes *k)
{
	const struct record *rec;
	struct records r;
	unsigned int t;
	size_t i;

	if (!s->projection.data)
		fatal("%s: no projection section in this snapshot: cannot project from it",
		      s->path);
	memset(k, 0, sizeof(*k));
	records_parse(&r, s->projection.data);
	k->page_bytes = saved_value(s, &r, "struct_page_bytes", NULL, 0);
	k->node_bits = saved_value(s, &r, "bits", "node", 1);
	k->zone_bits = saved_value(s, &r, "bits", "zone", 1);
	k->section_bits = saved_value(s, &r, "bits", "section", 1);
	k->zone_pfns = saved_value(s, &r, "buddy", "zone_relative", 1);
	if (k->node_bits > 64 || k->zone_bits > 64 || k->section_bits > 64)
		no_sizes(s, "bits");
	for (i = 0; i < r.nr; i++) {
		rec = &r.rec[i];
		if (rec->empty)
			continue;
		if (!strcmp(rec->kind, "descriptor")) {
			/* descriptor <type> <count> <bytes-each> <bytes> <source> */
			if (rec->nf != 5 || k->nr_desc == MEMDESC_NR_TYPES ||
			    !parse_u64(rec->f[2], &k->desc[k->nr_desc].each) ||
			    k->desc[k->nr_desc].each > 1 << 20 ||
			    strlen(rec->f[4]) >= sizeof(k->desc[0].source))
				no_sizes(s, "descriptor");
			for (t = 0; t < MEMDESC_NR_TYPES; t++)
				if (!strcmp(rec->f[0], memdesc_type_name(t)))
					break;
			if (t == MEMDESC_NR_TYPES)
				no_sizes(s, "descriptor");
			k->desc[k->nr_desc].type = t;
			strcpy(k->desc[k->nr_desc].source, rec->f[4]);
			k->nr_desc++;
		} else if (!strcmp(rec->kind, "memory")) {
			/* memory <layout> <bytes-per-page> ... */
			if (rec->nf != 5 || k->nr_layout == 8 ||
			    strlen(rec->f[0]) >= sizeof(k->layout[0].name) ||
			    !parse_u64(rec->f[1],
				       &k->layout[k->nr_layout].per_page) ||
			    k->layout[k->nr_layout].per_page > 1 << 20)
				no_sizes(s, "memory");
			strcpy(k->layout[k->nr_layout].name, rec->f[0]);
			k->nr_layout++;
		}
	}
	if (!k->nr_layout || k->page_bytes > 1 << 20)
		no_sizes(s, "memory");
	records_free(&r);
}

/**
 * census_projection - the module's projection, from a snapshot's words
 * @s:		snapshot
 * @out:	output, in the projection file's format
 *
 * Counts come from the words; the kernel's sizes from the saved projection.
 */
void census_projection(const struct snapshot *s, FILE *out)
{
	uint64_t heads[MEMDESC_NR_TYPES] = { 0 };
	uint64_t pfns = 0, misc = 0, vmalloc = 0, max_pfn = 0;
	uint64_t desc = 0, bytes, today, memdesc, milli, part;
	unsigned int max_order = 0, type, sub, i, order, word, zb, ab;
	const struct snap_range *r;
	struct kernel_sizes k;
	uint64_t j, w;

	kernel_sizes(s, &k);
	for (i = 0; i < s->nr_ranges; i++) {
		r = &s->ranges[i];
		if (r->start + r->pfns > max_pfn)
			max_pfn = r->start + r->pfns;
		for (j = 0; j < r->pfns; j++) {
			w = snap_word(s, r->index + j);
			if (!memdesc_word_is_page(w))
				continue;
			pfns++;
			if (memdesc_word_order(w) > max_order)
				max_order = memdesc_word_order(w);
			type = memdesc_word_type(w);
			sub = memdesc_word_subtype(w);
			if (memdesc_word_head(w))
				heads[type]++;
			if (type != MEMDESC_TYPE_MISC)
				continue;
			misc++;
			if (sub == MEMDESC_SUB_VMALLOC_MAP ||
			    sub == MEMDESC_SUB_VMALLOC_UNMAP)
				vmalloc++;
		}
	}

	fprintf(out, "pfns %llu\n", (unsigned long long)pfns);
	fprintf(out, "struct_page_bytes %llu\n",
		(unsigned long long)k.page_bytes);
	fputs("# descriptor type count bytes-each bytes source\n", out);
	for (i = 0; i < k.nr_desc; i++) {
		bytes = heads[k.desc[i].type] * k.desc[i].each;
		fprintf(out, "descriptor %s %llu %llu %llu %s\n",
			memdesc_type_name(k.desc[i].type),
			(unsigned long long)heads[k.desc[i].type],
			(unsigned long long)k.desc[i].each,
			(unsigned long long)bytes, k.desc[i].source);
		desc += bytes;
	}

	fputs("# memory layout bytes-per-page pages-bytes descriptor-bytes total\n",
	      out);
	for (i = 0; i < k.nr_layout; i++) {
		/* "today" is struct page alone: no descriptors beside it. */
		uint64_t d = strcmp(k.layout[i].name, "today") ? desc : 0;

		bytes = k.layout[i].per_page * pfns;
		fprintf(out, "memory %s %llu %llu %llu %llu\n",
			k.layout[i].name,
			(unsigned long long)k.layout[i].per_page,
			(unsigned long long)bytes, (unsigned long long)d,
			(unsigned long long)(bytes + d));
	}
	today = k.page_bytes * pfns;
	memdesc = 8 * pfns + desc;
	part = today > memdesc ? today - memdesc : 0;
	milli = today ? part * 100000 / today : 0;
	fputs("# saving bytes percent-of-today\n", out);
	fprintf(out, "saving %lld %llu.%03llu\n", (long long)(today - memdesc),
		(unsigned long long)(milli / 1000),
		(unsigned long long)(milli % 1000));

	order = bits_for(max_order + 1);
	word = MEMDESC_TYPE_BITS + MEMDESC_SUBTYPE_BITS + 1 + order +
	       k.zone_bits + k.node_bits + k.section_bits;
	fputs("# bits field bits\n", out);
	fprintf(out, "bits node %llu\n", (unsigned long long)k.node_bits);
	fprintf(out, "bits zone %llu\n", (unsigned long long)k.zone_bits);
	fprintf(out, "bits section %llu\n",
		(unsigned long long)k.section_bits);
	fprintf(out, "bits order %u\n", order);
	fprintf(out, "bits word %u\n", word);
	fprintf(out, "max_order %u\n", max_order);

	zb = bits_for(k.zone_pfns);
	ab = bits_for(max_pfn);
	fputs("# buddy links pfns bits-each word-bits fits-8-bytes\n", out);
	fprintf(out, "buddy zone_relative %llu %u %u %d\n",
		(unsigned long long)k.zone_pfns, zb,
		2 * zb + MEMDESC_TYPE_BITS, 2 * zb + MEMDESC_TYPE_BITS <= 64);
	fprintf(out, "buddy absolute %llu %u %u %d\n",
		(unsigned long long)max_pfn, ab, 2 * ab + MEMDESC_TYPE_BITS,
		2 * ab + MEMDESC_TYPE_BITS <= 64);
	fputs("# scattered misc-pages vmalloc-pages\n", out);
	fprintf(out, "scattered %llu %llu\n", (unsigned long long)misc,
		(unsigned long long)vmalloc);
}

/* === diff === */

static void same_layout(const struct snapshot *a, const struct snapshot *b)
{
	const struct snap_range *ra, *rb;
	unsigned int i;

	if (a->nr_ranges != b->nr_ranges)
		fatal("%s and %s: different layouts (%u and %u node ranges): snapshots of different machines or boots cannot be diffed",
		      a->path, b->path, a->nr_ranges, b->nr_ranges);
	for (i = 0; i < a->nr_ranges; i++) {
		ra = &a->ranges[i];
		rb = &b->ranges[i];
		if (ra->node != rb->node || ra->start != rb->start ||
		    ra->pfns != rb->pfns)
			fatal("%s and %s: different layouts (range %u: node %u PFNs %llu+%llu, node %u PFNs %llu+%llu): snapshots of different machines or boots cannot be diffed",
			      a->path, b->path, i, ra->node,
			      (unsigned long long)ra->start,
			      (unsigned long long)ra->pfns, rb->node,
			      (unsigned long long)rb->start,
			      (unsigned long long)rb->pfns);
	}
}

/**
 * struct diff_run - consecutive PFNs that changed between the same classes
 * @start:	first PFN
 * @pfns:	how many; 0 when no run is open
 * @from:	class in the first snapshot
 * @to:		class in the second
 */
struct diff_run {
	uint64_t start;
	uint64_t pfns;
	unsigned int from;
	unsigned int to;
};

static void run_flush(FILE *out, struct diff_run *run)
{
	if (!run->pfns)
		return;
	fprintf(out, "run %llu %llu %llu %s %s\n",
		(unsigned long long)run->start,
		(unsigned long long)(run->start + run->pfns - 1),
		(unsigned long long)run->pfns, memdesc_class_name(run->from),
		memdesc_class_name(run->to));
	run->pfns = 0;
}

/**
 * census_diff - what changed from snapshot @a to snapshot @b
 * @a:		before
 * @b:		after; must have @a's layout
 * @out:	output, in the record format:
 *
 *   pfns <pfns>                     PFNs in each snapshot
 *   changed <pfns>                  PFNs whose class changed
 *   rewritten <pfns>                PFNs with the same class, other fields
 *                                   (order, head, mappable, zone) changed
 *   seconds <n>                     time from @a to @b
 *   class <class> <a> <b> <delta>   per class seen in either
 *   change <from> <to> <pfns>       per pair of classes, nonzero only
 *   run <start> <end> <pfns> <from> <to>   runs of consecutive PFNs with the
 *                                   same change, merged
 */
void census_diff(const struct snapshot *a, const struct snapshot *b,
		 FILE *out)
{
	static uint64_t matrix[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES];
	uint64_t ca[MEMDESC_NR_CLASSES] = { 0 }, cb[MEMDESC_NR_CLASSES] = { 0 };
	uint64_t changed = 0, rewritten = 0, j, wa, wb;
	struct diff_run run = { 0 };
	unsigned int i, f, t;
	char *runs = NULL;
	size_t len = 0;
	FILE *rf;

	same_layout(a, b);
	memset(matrix, 0, sizeof(matrix));
	/* Runs are found in the same pass, and printed last. */
	rf = open_memstream(&runs, &len);
	if (!rf)
		fatal("open_memstream failed");
	fputs("# run start-pfn end-pfn pfns from to\n", rf);
	for (i = 0; i < a->nr_ranges; i++) {
		const struct snap_range *r = &a->ranges[i];

		for (j = 0; j < r->pfns; j++) {
			wa = snap_word(a, r->index + j);
			wb = snap_word(b, r->index + j);
			f = memdesc_class(wa);
			t = memdesc_class(wb);
			ca[f]++;
			cb[t]++;
			if (f == t) {
				rewritten += wa != wb;
				run_flush(rf, &run);
				continue;
			}
			changed++;
			matrix[f][t]++;
			if (run.pfns && (run.from != f || run.to != t))
				run_flush(rf, &run);
			if (!run.pfns) {
				run.start = r->start + j;
				run.from = f;
				run.to = t;
			}
			run.pfns++;
		}
		run_flush(rf, &run);
	}
	if (fclose(rf))
		fatal("open_memstream failed");

	fprintf(out, "pfns %llu\n", (unsigned long long)a->nr_words);
	fprintf(out, "changed %llu\n", (unsigned long long)changed);
	fprintf(out, "rewritten %llu\n", (unsigned long long)rewritten);
	fprintf(out, "seconds %lld\n", (long long)(b->time - a->time));
	fputs("# class name before after delta\n", out);
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		if (ca[i] || cb[i])
			fprintf(out, "class %s %llu %llu %lld\n",
				memdesc_class_name(i),
				(unsigned long long)ca[i],
				(unsigned long long)cb[i],
				(long long)(cb[i] - ca[i]));
	fputs("# change from to pfns\n", out);
	for (f = 0; f < MEMDESC_NR_CLASSES; f++)
		for (t = 0; t < MEMDESC_NR_CLASSES; t++)
			if (matrix[f][t])
				fprintf(out, "change %s %s %llu\n",
					memdesc_class_name(f),
					memdesc_class_name(t),
					(unsigned long long)matrix[f][t]);
	fputs(runs, out);
	free(runs);
}
