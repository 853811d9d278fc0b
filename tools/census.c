// SPDX-License-Identifier: GPL-2.0
/*
 * summary, projection and diff, computed from a snapshot's words.
 *
 * summary and projection print exactly what the module's debugfs files
 * print for the same words (memdesc_report.c, memdesc_projection.c), so a
 * snapshot taken while the shadow holds still reads the same as the live
 * files: both count with memdesc_census_add() from memdesc_census.h.  What
 * the words cannot tell - zone names, the kernel's descriptor sizes, node
 * and zone counts, section size - comes from the zones section and from the
 * projection the module printed at save time.  The design revisions come
 * from this program's own tables (memdesc_revisions.h), so a snapshot saved
 * before a revision was known reads under it too.
 */
#include <stdlib.h>
#include <string.h>

#include "memdesc_census.h"
#include "memdesc_revisions.h"
#include "memdesc_stat.h"

/* === the census of a snapshot === */

/*
 * The census of every word the snapshot lists, counted as the module counts
 * its shadow; @max_pfn is set to one past the last PFN listed.  The caller
 * frees it.
 */
static struct memdesc_census *census_count(const struct snapshot *s,
					   uint64_t *max_pfn)
{
	struct memdesc_census *c = xcalloc(1, sizeof(*c));
	const struct snap_range *r;
	unsigned int i;
	uint64_t j;

	*max_pfn = 0;
	for (i = 0; i < s->nr_ranges; i++) {
		r = &s->ranges[i];
		if (r->start + r->pfns > *max_pfn)
			*max_pfn = r->start + r->pfns;
		for (j = 0; j < r->pfns; j++)
			memdesc_census_add(c, snap_word(s, r->index + j));
	}
	return c;
}

/* === summary === */

/**
 * census_summary - the module's summary, from a snapshot's words
 * @s:		snapshot
 * @out:	output, in the summary file's format
 *
 * As the module does, a page counts in the zone line of the node and zone
 * its word names, whichever range holds it: a node with many ranges gets
 * one line per zone.
 */
void census_summary(const struct snapshot *s, FILE *out)
{
	unsigned int i, node, zone;
	struct memdesc_census *c;
	uint64_t max_pfn;
	char buf[16];

	c = census_count(s, &max_pfn);
	fprintf(out, "spanned %llu\n", (unsigned long long)c->words);
	fputs("# node zone pages free allocated\n", out);
	for (i = 0; i < MEMDESC_CENSUS_SLOTS; i++) {
		if (!c->zone_free[i] && !c->zone_alloc[i])
			continue;
		node = i / MEMDESC_CENSUS_ZONES;
		zone = i % MEMDESC_CENSUS_ZONES;
		fprintf(out, "zone %u %s %llu %llu %llu\n", node,
			snap_zone_name(s, node, zone, buf, sizeof(buf)),
			(unsigned long long)(c->zone_free[i] + c->zone_alloc[i]),
			(unsigned long long)c->zone_free[i],
			(unsigned long long)c->zone_alloc[i]);
	}
	fputs("# class pages\n", out);
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		fprintf(out, "class %s %llu\n", memdesc_class_name(i),
			(unsigned long long)c->class[i]);
	fputs("# detail name pages\n", out);
	for (i = MEMDESC_DETAIL_NONE + 1; i < MEMDESC_NR_DETAILS; i++)
		fprintf(out, "detail %s %llu\n", memdesc_detail_name(i),
			(unsigned long long)c->unit_pages[MEMDESC_UNIT_DETAIL(i)]);
	free(c);
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
 * @ksize:	the kernel's struct sizes, by enum memdesc_ksize
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
	__u64 ksize[MEMDESC_NR_KSIZES];
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

/* The descriptor row of @type as saved, or NULL. */
static const uint64_t *saved_each(const struct kernel_sizes *k,
				  unsigned int type)
{
	unsigned int i;

	for (i = 0; i < k->nr_desc; i++)
		if (k->desc[i].type == type)
			return &k->desc[i].each;
	return NULL;
}

/*
 * The struct sizes the revisions refer to: the saved kernel_size rows, or,
 * from a module that printed none, what its descriptor rows say - folio
 * for file, ptdesc for page tables, both already rounded to 16, as the
 * kernel's are.
 */
static void kernel_struct_sizes(const struct snapshot *s,
				const struct records *r, struct kernel_sizes *k)
{
	const struct record *rec;
	const uint64_t *each;
	unsigned int i;
	uint64_t v;

	k->ksize[MEMDESC_KSIZE_PAGE] = k->page_bytes;
	each = saved_each(k, MEMDESC_TYPE_FILE);
	k->ksize[MEMDESC_KSIZE_FOLIO] = each ? *each : 0;
	each = saved_each(k, MEMDESC_TYPE_PGTABLE);
	k->ksize[MEMDESC_KSIZE_PTDESC] = each ? *each : 0;
	for (i = MEMDESC_KSIZE_PAGE; i < MEMDESC_NR_KSIZES; i++) {
		rec = records_find(r, "kernel_size", memdesc_ksize_name(i));
		if (rec) {
			if (rec->nf != 2 || !parse_u64(rec->f[1], &v) ||
			    v > 1 << 20)
				no_sizes(s, "kernel_size");
			k->ksize[i] = v;
		}
		if (!k->ksize[i])
			no_sizes(s, "kernel_size");
	}
}

static void kernel_sizes(const struct snapshot *s, struct kernel_sizes *k)
{
	const struct record *rec;
	struct records r;
	unsigned int t;
	size_t i;

	char *source;

	if (!s->projection.data)
		fatal("%s: no projection section in this snapshot: cannot project from it",
		      s->path);
	memset(k, 0, sizeof(*k));
	source = snap_section_source(s, "projection");
	records_parse(&r, source, s->projection.data);
	free(source);
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
	kernel_struct_sizes(s, &r, k);
	records_free(&r);
}

/*
 * Bytes are counted in 128 bits here.  The module computes its projection
 * in 64: its page count and struct sizes are its own kernel's.  A
 * snapshot's are whatever load takes, up to 2^52 PFNs and sizes up to
 * 1 MiB, whose products need 72 bits and, multiplied for a percentage, 89.
 * dec128() prints one, in @buf of at least 40 bytes.
 */
static const char *dec128(char *buf, unsigned __int128 v)
{
	char *p = buf + 39;

	*p = '\0';
	do {
		*--p = '0' + (char)(v % 10);
		v /= 10;
	} while (v);
	return p;
}

/*
 * "<saving> <percent>": @today minus @cost, in bytes, and as a percentage
 * of @today to three places, as the module prints them: the percentage
 * negative too if @signed_share, else 0 where @cost is more.
 */
static void print_saving(FILE *out, unsigned __int128 today,
			 unsigned __int128 cost, bool signed_share)
{
	unsigned __int128 saving, milli = 0;
	bool neg = cost > today;
	char a[40], b[40];

	saving = neg ? cost - today : today - cost;
	if (today && (!neg || signed_share))
		milli = saving * 100000 / today;
	fprintf(out, "%s%s %s%s.%03u", neg && saving ? "-" : "",
		dec128(a, saving), neg && milli ? "-" : "",
		dec128(b, milli / 1000), (unsigned int)(milli % 1000));
}

/* What memdesc_revision_cost() computes, in 128 bits. */
static void print_revision(const struct memdesc_revision *rev,
			   const struct memdesc_census *c,
			   const __u64 *ksize, FILE *out)
{
	unsigned __int128 today, pages, desc = 0;
	const struct memdesc_placement *p;
	char a[40], b[40], t[40];
	unsigned int i;

	today = (unsigned __int128)ksize[MEMDESC_KSIZE_PAGE] * c->pages;
	pages = (unsigned __int128)rev->page_bytes * c->pages;
	for (i = 0; i < rev->nr_place; i++) {
		p = &rev->place[i];
		desc += (unsigned __int128)c->unit_heads[p->unit] *
			memdesc_place_each(p, ksize);
	}
	fprintf(out, "revision %s %u %s %s %s ", rev->name, rev->page_bytes,
		dec128(a, pages), dec128(b, desc), dec128(t, pages + desc));
	print_saving(out, today, pages + desc, true);
	fprintf(out, " %s\n", rev->page_source);
}

static void print_placements(const struct memdesc_revision *rev,
			     const struct memdesc_census *c,
			     const __u64 *ksize, FILE *out)
{
	const struct memdesc_placement *p;
	uint64_t each, heads;
	unsigned int i;
	char bytes[40];

	for (i = 0; i < rev->nr_place; i++) {
		p = &rev->place[i];
		each = memdesc_place_each(p, ksize);
		heads = each ? c->unit_heads[p->unit] : 0;
		fprintf(out, "place %s %s %s %s %llu %llu %llu %s %llu %s\n",
			rev->name, memdesc_unit_name(p->unit), p->as, p->desc,
			(unsigned long long)c->unit_pages[p->unit],
			(unsigned long long)heads, (unsigned long long)each,
			dec128(bytes, (unsigned __int128)each * heads),
			(unsigned long long)memdesc_align16(ksize[memdesc_unit_ksize(p->unit)]),
			p->source);
	}
}

/* Every revision this program knows, as memdesc_projection.c prints them. */
static void census_revisions(const struct memdesc_census *c,
			     const __u64 *ksize, FILE *out)
{
	unsigned int i;

	fputs("# kernel_size struct bytes\n", out);
	for (i = MEMDESC_KSIZE_PAGE; i < MEMDESC_NR_KSIZES; i++)
		fprintf(out, "kernel_size %s %llu\n", memdesc_ksize_name(i),
			(unsigned long long)ksize[i]);
	fputs("# revision name bytes-per-page pages-bytes descriptor-bytes total saving percent-of-today source\n",
	      out);
	for (i = 0; i < MEMDESC_NR_REVISIONS; i++)
		print_revision(&memdesc_revisions[i], c, ksize, out);
	fputs("# place revision unit as descriptor pages descriptors bytes-each bytes kernel-bytes-each source\n",
	      out);
	for (i = 0; i < MEMDESC_NR_REVISIONS; i++)
		print_placements(&memdesc_revisions[i], c, ksize, out);
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
	uint64_t max_pfn;
	unsigned __int128 desc = 0, bytes, d;
	unsigned int i, order, word, zb, ab;
	struct memdesc_census *c;
	struct kernel_sizes k;
	char a[40], b[40], t[40];

	kernel_sizes(s, &k);
	c = census_count(s, &max_pfn);

	fprintf(out, "pfns %llu\n", (unsigned long long)c->pages);
	fprintf(out, "struct_page_bytes %llu\n",
		(unsigned long long)k.page_bytes);
	fputs("# descriptor type count bytes-each bytes source\n", out);
	for (i = 0; i < k.nr_desc; i++) {
		bytes = (unsigned __int128)k.desc[i].each *
			c->heads[k.desc[i].type];
		fprintf(out, "descriptor %s %llu %llu %s %s\n",
			memdesc_type_name(k.desc[i].type),
			(unsigned long long)c->heads[k.desc[i].type],
			(unsigned long long)k.desc[i].each, dec128(a, bytes),
			k.desc[i].source);
		desc += bytes;
	}

	fputs("# memory layout bytes-per-page pages-bytes descriptor-bytes total\n",
	      out);
	for (i = 0; i < k.nr_layout; i++) {
		/* "today" is struct page alone: no descriptors beside it. */
		d = strcmp(k.layout[i].name, "today") ? desc : 0;
		bytes = (unsigned __int128)k.layout[i].per_page * c->pages;
		fprintf(out, "memory %s %llu %s %s %s\n", k.layout[i].name,
			(unsigned long long)k.layout[i].per_page,
			dec128(a, bytes), dec128(b, d), dec128(t, bytes + d));
	}
	/* memdesc: an 8-byte word a page, and the descriptors. */
	fputs("# saving bytes percent-of-today\nsaving ", out);
	print_saving(out, (unsigned __int128)k.page_bytes * c->pages,
		     (unsigned __int128)8 * c->pages + desc, false);
	fputc('\n', out);

	order = bits_for(c->max_order + 1);
	word = MEMDESC_TYPE_BITS + MEMDESC_SUBTYPE_BITS + 1 + order +
	       k.zone_bits + k.node_bits + k.section_bits;
	fputs("# bits field bits\n", out);
	fprintf(out, "bits node %llu\n", (unsigned long long)k.node_bits);
	fprintf(out, "bits zone %llu\n", (unsigned long long)k.zone_bits);
	fprintf(out, "bits section %llu\n",
		(unsigned long long)k.section_bits);
	fprintf(out, "bits order %u\n", order);
	fprintf(out, "bits word %u\n", word);
	fprintf(out, "max_order %u\n", c->max_order);

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
	fprintf(out, "scattered %llu %llu\n", (unsigned long long)c->misc,
		(unsigned long long)c->vmalloc);
	census_revisions(c, k.ksize, out);
	free(c);
}

/* === diff === */

static uint64_t range_end(const struct snap_range *r)
{
	return r->start + r->pfns;
}

/* Whether any PFN is in a range of both: the ranges are sorted by PFN. */
static bool share_pfns(const struct snapshot *a, const struct snapshot *b)
{
	unsigned int i = 0, j = 0;

	while (i < a->nr_ranges && j < b->nr_ranges) {
		const struct snap_range *ra = &a->ranges[i];
		const struct snap_range *rb = &b->ranges[j];

		if (ra->start < range_end(rb) && rb->start < range_end(ra))
			return true;
		if (range_end(ra) < range_end(rb))
			i++;
		else
			j++;
	}
	return false;
}

/*
 * Memory comes and goes between two snapshots of one boot, so their
 * layouts may differ; two boots, or two machines, must not be compared at
 * all, PFN for PFN.  The boot id tells them apart.  Snapshots without one
 * (saved by older tools) are refused only when they share no PFN: the one
 * sign of another machine that is left.
 */
static void same_boot(const struct snapshot *a, const struct snapshot *b)
{
	char ida[72], idb[72];
	bool has_a = snap_system(a, "boot_id", ida, sizeof(ida));
	bool has_b = snap_system(b, "boot_id", idb, sizeof(idb));

	if (has_a && has_b && strcmp(ida, idb))
		fatal("%s and %s: snapshots of different boots (boot_id %s and %s) cannot be diffed",
		      a->path, b->path, ida, idb);
	if ((!has_a || !has_b) && !share_pfns(a, b))
		fatal("%s and %s: different layouts with no PFN in common, and %s has no boot_id: snapshots of different machines or boots cannot be diffed",
		      a->path, b->path, !has_a ? a->path : b->path);
}

/**
 * struct diff_side - one snapshot, walked in PFN order
 * @s:		the snapshot
 * @next:	its first range that does not end at or before the walk
 */
struct diff_side {
	const struct snapshot *s;
	unsigned int next;
};

/*
 * The range of @d holding @pfn, or NULL; @until is set to where that
 * answer changes: the end of that range, or the start of the next one
 * (UINT64_MAX if there is none).
 */
static const struct snap_range *side_at(struct diff_side *d, uint64_t pfn,
					uint64_t *until)
{
	const struct snap_range *r;

	while (d->next < d->s->nr_ranges &&
	       range_end(&d->s->ranges[d->next]) <= pfn)
		d->next++;
	if (d->next == d->s->nr_ranges) {
		*until = UINT64_MAX;
		return NULL;
	}
	r = &d->s->ranges[d->next];
	if (pfn < r->start) {
		*until = r->start;
		return NULL;
	}
	*until = range_end(r);
	return r;
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

/**
 * struct diff - what the walk counts
 * @pfns:	PFNs walked: those either snapshot lists
 * @changed:	PFNs whose class changed
 * @rewritten:	PFNs with the same class, in both snapshots, other word
 * @before:	PFNs per class in the first snapshot
 * @after:	and in the second
 * @matrix:	changed PFNs per pair of classes
 * @run:	the run being built
 * @runs:	the run lines, printed last
 */
struct diff {
	uint64_t pfns;
	uint64_t changed;
	uint64_t rewritten;
	uint64_t before[MEMDESC_NR_CLASSES];
	uint64_t after[MEMDESC_NR_CLASSES];
	uint64_t matrix[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES];
	struct diff_run run;
	FILE *runs;
};

static void run_flush(struct diff *d)
{
	struct diff_run *run = &d->run;

	if (!run->pfns)
		return;
	fprintf(d->runs, "run %llu %llu %llu %s %s\n",
		(unsigned long long)run->start,
		(unsigned long long)(run->start + run->pfns - 1),
		(unsigned long long)run->pfns, memdesc_class_name(run->from),
		memdesc_class_name(run->to));
	run->pfns = 0;
}

/* The word of @pfn in @r, which holds it; no range: a hole. */
static unsigned int class_in(const struct snapshot *s,
			     const struct snap_range *r, uint64_t pfn,
			     uint64_t *w)
{
	if (!r)
		return MEMDESC_CLASS_HOLE;
	*w = snap_word(s, r->index + pfn - r->start);
	return memdesc_word_class(*w);
}

/* PFNs @pfn to @end, which neither side's listing changes within. */
static void diff_span(struct diff *d, const struct snapshot *a,
		      const struct snap_range *ra, const struct snapshot *b,
		      const struct snap_range *rb, uint64_t pfn, uint64_t end)
{
	uint64_t wa = 0, wb = 0;
	unsigned int f, t;

	for (; pfn < end; pfn++) {
		f = class_in(a, ra, pfn, &wa);
		t = class_in(b, rb, pfn, &wb);
		d->pfns++;
		d->before[f]++;
		d->after[t]++;
		if (f == t) {
			/* A PFN one side does not list has no word to differ. */
			d->rewritten += ra && rb && wa != wb;
			run_flush(d);
			continue;
		}
		d->changed++;
		d->matrix[f][t]++;
		if (d->run.pfns && (d->run.from != f || d->run.to != t))
			run_flush(d);
		if (!d->run.pfns) {
			d->run.start = pfn;
			d->run.from = f;
			d->run.to = t;
		}
		d->run.pfns++;
	}
}

/* Every PFN either snapshot lists, in order; the other side's is a hole. */
static void diff_walk(struct diff *d, const struct snapshot *a,
		      const struct snapshot *b)
{
	struct diff_side sa = { a, 0 }, sb = { b, 0 };
	const struct snap_range *ra, *rb;
	uint64_t pfn = 0, until_a, until_b, end;

	for (;;) {
		ra = side_at(&sa, pfn, &until_a);
		rb = side_at(&sb, pfn, &until_b);
		end = until_a < until_b ? until_a : until_b;
		if (!ra && !rb) {
			/* A gap in both: runs are of consecutive PFNs. */
			run_flush(d);
			if (end == UINT64_MAX)
				break;
		} else {
			diff_span(d, a, ra, b, rb, pfn, end);
		}
		pfn = end;
	}
}

/**
 * census_diff - what changed from snapshot @a to snapshot @b
 * @a:		before
 * @b:		after, of the same boot; its layout may differ from @a's
 * @out:	output, in the record format:
 *
 *   pfns <pfns>                     PFNs compared: every PFN either
 *                                   snapshot lists
 *   changed <pfns>                  PFNs whose class changed
 *   rewritten <pfns>                PFNs with the same class, other fields
 *                                   (order, head, mappable, zone) changed
 *   seconds <n>                     time from @a to @b
 *   class <class> <a> <b> <delta>   per class seen in either
 *   change <from> <to> <pfns>       per pair of classes, nonzero only
 *   run <start> <end> <pfns> <from> <to>   runs of consecutive PFNs with the
 *                                   same change, merged
 *
 * A PFN only one snapshot lists is a hole in the other: memory that came
 * online in between shows as hole -> class, memory that went away as
 * class -> hole.
 */
void census_diff(const struct snapshot *a, const struct snapshot *b,
		 FILE *out)
{
	struct diff *d = xcalloc(1, sizeof(*d));
	char *runs = NULL;
	unsigned int i, f, t;
	size_t len = 0;

	same_boot(a, b);
	/* Runs are found in the same pass, and printed last. */
	d->runs = open_memstream(&runs, &len);
	if (!d->runs)
		fatal("open_memstream failed");
	fputs("# run start-pfn end-pfn pfns from to\n", d->runs);
	diff_walk(d, a, b);
	if (fclose(d->runs))
		fatal("open_memstream failed");

	fprintf(out, "pfns %llu\n", (unsigned long long)d->pfns);
	fprintf(out, "changed %llu\n", (unsigned long long)d->changed);
	fprintf(out, "rewritten %llu\n", (unsigned long long)d->rewritten);
	/* Save times are any two u64s: the difference may not fit in s64. */
	fprintf(out, "seconds %s%llu\n", b->time < a->time ? "-" : "",
		(unsigned long long)(b->time < a->time ? a->time - b->time :
				     b->time - a->time));
	fputs("# class name before after delta\n", out);
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		if (d->before[i] || d->after[i])
			fprintf(out, "class %s %llu %llu %lld\n",
				memdesc_class_name(i),
				(unsigned long long)d->before[i],
				(unsigned long long)d->after[i],
				(long long)(d->after[i] - d->before[i]));
	fputs("# change from to pfns\n", out);
	for (f = 0; f < MEMDESC_NR_CLASSES; f++)
		for (t = 0; t < MEMDESC_NR_CLASSES; t++)
			if (d->matrix[f][t])
				fprintf(out, "change %s %s %llu\n",
					memdesc_class_name(f),
					memdesc_class_name(t),
					(unsigned long long)d->matrix[f][t]);
	fputs(runs, out);
	free(runs);
	free(d);
}
