// SPDX-License-Identifier: GPL-2.0
/*
 * Census, compare, stats and the per-PFN view, formatted: the numbers come
 * from memdesc_compare.c, memdesc_census.c, memdesc_stats.c and the store.
 *
 * Every line the module prints about the shadow is written here, into a
 * seq_file, so any front end (debugfs today) prints the same thing.  Formats
 * are one record a line, the record's kind first, fields separated by one
 * space; lines starting with '#' are headers for people.  They are described
 * in README.md and parsed by the tests: change both together.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/math64.h>
#include <linux/sched.h>

#include "memdesc.h"
#include "memdesc_census.h"
#include "memdesc_compat.h"
#include "memdesc_owners.h"

/* "99.987": thousandths, rounded down, so 100.000 means every PFN agreed. */
static void memdesc_print_ratio(struct seq_file *m, unsigned long agree,
				unsigned long disagree)
{
	unsigned long total = agree + disagree;
	u64 milli;

	if (!total) {
		seq_puts(m, " -");
		return;
	}
	milli = div64_u64((u64)agree * 100000, total);
	seq_printf(m, " %llu.%03llu", div_u64(milli, 1000), milli % 1000);
}

/* === summary: census of the shadow === */

/**
 * memdesc_report_summary - census of the shadow
 * @m:		output
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_report_summary(struct seq_file *m)
{
	struct memdesc_census *c = memdesc_census_run(NULL);
	unsigned int node, zone;
	int i;

	if (IS_ERR(c))
		return PTR_ERR(c);
	seq_printf(m, "spanned %llu\n", c->words);
	seq_puts(m, "# node zone pages free allocated\n");
	/* ZONE_MOVABLE etc. show once they hold pages. */
	for (i = 0; i < MEMDESC_CENSUS_SLOTS; i++) {
		if (!c->zone_free[i] && !c->zone_alloc[i])
			continue;
		node = i / MEMDESC_CENSUS_ZONES;
		zone = i % MEMDESC_CENSUS_ZONES;
		seq_printf(m, "zone %u %s %llu %llu %llu\n", node,
			   memdesc_zone_name(node, zone),
			   c->zone_free[i] + c->zone_alloc[i],
			   c->zone_free[i], c->zone_alloc[i]);
	}
	seq_puts(m, "# class pages\n");
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		seq_printf(m, "class %s %llu\n", memdesc_class_name(i),
			   c->class[i]);
	seq_puts(m, "# detail name pages\n");
	for (i = MEMDESC_DETAIL_NONE + 1; i < MEMDESC_NR_DETAILS; i++)
		seq_printf(m, "detail %s %llu\n", memdesc_detail_name(i),
			   c->unit_pages[MEMDESC_UNIT_DETAIL(i)]);
	memdesc_census_free(c);
	return 0;
}

/* === compare: shadow against the live state === */

static unsigned long memdesc_row(const struct memdesc_compare *c, int s)
{
	unsigned long sum = 0;
	int l;

	for (l = 0; l < MEMDESC_NR_CLASSES; l++)
		sum += c->matrix[s][l];
	return sum;
}

static unsigned long memdesc_column(const struct memdesc_compare *c, int l)
{
	unsigned long sum = 0;
	int s;

	for (s = 0; s < MEMDESC_NR_CLASSES; s++)
		sum += c->matrix[s][l];
	return sum;
}

/*
 * Per class: precision is how often the live state agrees when the shadow
 * names the class, recall how often the shadow names it when the live state
 * does.
 */
static void memdesc_print_classes(struct seq_file *m,
				  const struct memdesc_compare *c)
{
	unsigned long sh, li, both;
	int i;

	seq_puts(m, "# class name shadow live agree precision recall\n");
	for (i = 0; i < MEMDESC_NR_CLASSES; i++) {
		sh = memdesc_row(c, i);
		li = memdesc_column(c, i);
		if (!sh && !li)
			continue;
		both = c->matrix[i][i];
		seq_printf(m, "class %s %lu %lu %lu", memdesc_class_name(i),
			   sh, li, both);
		memdesc_print_ratio(m, both, sh - both);
		memdesc_print_ratio(m, both, li - both);
		seq_putc(m, '\n');
	}
}

static void memdesc_print_examples(struct seq_file *m,
				   const struct memdesc_compare *c)
{
	int s, l, k;

	seq_puts(m, "# example shadow live pfn...\n");
	for (s = 0; s < MEMDESC_NR_CLASSES; s++) {
		for (l = 0; l < MEMDESC_NR_CLASSES; l++) {
			if (!c->nr_examples[s][l])
				continue;
			seq_printf(m, "example %s %s", memdesc_class_name(s),
				   memdesc_class_name(l));
			for (k = 0; k < c->nr_examples[s][l]; k++)
				seq_printf(m, " %lu", c->examples[s][l][k]);
			seq_putc(m, '\n');
		}
	}
}

/* === Allocation sites === */

/* A frame as one field: %pS, without the space before a module's name. */
static void memdesc_print_frame(struct seq_file *m, unsigned long addr)
{
	char buf[256], *sp;

	snprintf(buf, sizeof(buf), "%pS", (void *)addr);
	sp = strchr(buf, ' ');
	if (sp)
		memmove(sp, sp + 1, strlen(sp));
	seq_printf(m, " %s", buf);
}

/* Whether a frame is the page allocator's own (memdesc_owners.h). */
static bool memdesc_frame_skipped(unsigned long addr)
{
	char name[256];

	snprintf(name, sizeof(name), "%ps", (void *)addr);
	return memdesc_frame_is_allocator(name, strcspn(name, " "));
}

static void memdesc_print_handle(struct seq_file *m, u32 handle)
{
	if (handle == MEMDESC_OWNER_UNKNOWN)
		seq_puts(m, "unknown");
	else if (handle == MEMDESC_OWNER_UNSAVED)
		seq_puts(m, "unsaved");
	else
		seq_printf(m, "0x%08x", handle);
}

/*
 * The site of a stack: up to @max frames from the first one outside the
 * page allocator.  Nothing for a sentinel handle; "-" there if @dash, so
 * that a record keeps its fields.
 */
static void memdesc_print_site(struct seq_file *m, u32 handle,
			       unsigned int max, bool dash)
{
	unsigned long *entries;
	unsigned int nr = 0, i = 0, n = 0;

	if (handle != MEMDESC_OWNER_UNKNOWN && handle != MEMDESC_OWNER_UNSAVED)
		nr = stack_depot_fetch(handle, &entries);
	while (i < nr && memdesc_frame_skipped(entries[i]))
		i++;
	for (; i < nr && n < max; i++, n++)
		memdesc_print_frame(m, entries[i]);
	if (!n && dash)
		seq_puts(m, " -");
}

/* Each cell's top sites of persistent disagreement, if owners were on. */
static void memdesc_print_cell_sites(struct seq_file *m,
				     const struct memdesc_compare *c)
{
	const struct memdesc_cell_site *cs;
	unsigned long i;

	if (!c->owners)
		return;
	seq_puts(m, "# site shadow live pages handle site-frames\n");
	for (i = 0; i < c->nr_sites; i++) {
		cs = &c->sites[i];
		seq_printf(m, "site %s %s %lu ", memdesc_class_name(cs->shadow),
			   memdesc_class_name(cs->live), cs->pages);
		memdesc_print_handle(m, cs->owner);
		memdesc_print_site(m, cs->owner, MEMDESC_OWNER_SITE_FRAMES,
				   true);
		seq_putc(m, '\n');
	}
}



/**
 * memdesc_compare_print - the compare report
 * @m:		output
 * @c:		a result of memdesc_compare_run()
 */
void memdesc_compare_print(struct seq_file *m, const struct memdesc_compare *c)
{
	int i, j;

	seq_printf(m, "compared %lu\n", c->compared);
	seq_printf(m, "unknown %lu\n", c->unknown);
	seq_printf(m, "untracked %lu\n", c->untracked);
	seq_printf(m, "rechecked %lu\n", c->rechecked);
	seq_printf(m, "unchecked %lu\n", c->unchecked);
	seq_puts(m, "# field name agree disagree percent transient\n");
	for (i = 0; i < MEMDESC_NR_CMP_FIELDS; i++) {
		seq_printf(m, "field %s %lu %lu", memdesc_cmp_field_name(i),
			   c->agree[i], c->disagree[i]);
		memdesc_print_ratio(m, c->agree[i], c->disagree[i]);
		seq_printf(m, " %lu\n", c->transient[i]);
	}
	seq_puts(m, "# matrix shadow live pages\n");
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		for (j = 0; j < MEMDESC_NR_CLASSES; j++)
			if (c->matrix[i][j])
				seq_printf(m, "matrix %s %s %lu\n",
					   memdesc_class_name(i),
					   memdesc_class_name(j),
					   c->matrix[i][j]);
	memdesc_print_examples(m, c);
	memdesc_print_cell_sites(m, c);
	memdesc_print_classes(m, c);
}

/**
 * memdesc_report_compare - compare and print
 * @m:		output
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_report_compare(struct seq_file *m)
{
	struct memdesc_compare *c = memdesc_compare_run();

	if (IS_ERR(c))
		return PTR_ERR(c);
	memdesc_compare_print(m, c);
	memdesc_compare_free(c);
	return 0;
}

/* === mismatches and pfn: one PFN a line, both words decoded === */

static void memdesc_print_fields(struct seq_file *m, unsigned int fields)
{
	const char *sep = " ";
	int f;

	for (f = 0; f < MEMDESC_NR_CMP_FIELDS; f++) {
		if (fields & MEMDESC_CMP_BIT(f)) {
			seq_printf(m, "%s%s", sep, memdesc_cmp_field_name(f));
			sep = ",";
		}
	}
}

/**
 * memdesc_report_mismatch - print one persistent disagreement
 * @m:		output
 * @c:		a result of memdesc_compare_run()
 * @i:		below memdesc_compare_nr_mismatches()
 */
void memdesc_report_mismatch(struct seq_file *m,
			     const struct memdesc_compare *c, unsigned long i)
{
	const struct memdesc_mismatch *mm = &c->mis[i];

	seq_printf(m, "mismatch %lu", mm->pfn);
	memdesc_print_fields(m, mm->fields);
	seq_printf(m, " 0x%016llx %s %u 0x%016llx %s %u ", mm->shadow,
		   memdesc_class_name(memdesc_word_class(mm->shadow)),
		   memdesc_word_order(mm->shadow), mm->live,
		   memdesc_class_name(memdesc_word_class(mm->live)),
		   memdesc_word_order(mm->live));
	if (c->owners) {
		memdesc_print_handle(m, mm->owner);
		memdesc_print_site(m, mm->owner, 1, true);
	} else {
		seq_puts(m, "off -");
	}
	seq_putc(m, '\n');
}

static void memdesc_print_word(struct seq_file *m, const char *what, u64 w)
{
	seq_printf(m, "%s 0x%016llx %s order %u zone %u node %u head %d mappable %d\n",
		   what, w, memdesc_class_name(memdesc_word_class(w)),
		   memdesc_word_order(w), memdesc_word_zone(w),
		   memdesc_word_node(w), memdesc_word_head(w),
		   memdesc_word_mappable(w));
}

/**
 * memdesc_report_owners_head - the owners file's first records
 * @m:		output
 * @c:		the census, or NULL if owners are off
 */
void memdesc_report_owners_head(struct seq_file *m,
				const struct memdesc_owner_census *c)
{
	unsigned long since;

	seq_puts(m, "# owners on|off seconds sites stacks pages unknown unsaved slot_bytes\n");
	if (!c || !memdesc_owners_on(&since)) {
		seq_puts(m, "owners off\n");
		return;
	}
	seq_printf(m, "owners on %lu %lu %lu %lu %lu %lu %zu\n",
		   (jiffies - since) / HZ, c->nr, c->nr_handles, c->pages,
		   c->unknown_pages, c->unsaved_pages,
		   memdesc_shadow_owner_bytes());
	seq_puts(m, "# owner handle class pages blocks site-frames\n");
}

/**
 * memdesc_report_owner_site - one owner record
 * @m:		output
 * @site:	a site of the census
 */
void memdesc_report_owner_site(struct seq_file *m,
			       const struct memdesc_owner_site *site)
{
	seq_puts(m, "owner ");
	memdesc_print_handle(m, site->handle);
	seq_printf(m, " %s %lu %lu", memdesc_class_name(site->class),
		   site->pages, site->blocks);
	memdesc_print_site(m, site->handle, MEMDESC_OWNER_SITE_FRAMES, false);
	seq_putc(m, '\n');
}

/**
 * memdesc_report_owner_stack - one stack record: a handle's every frame
 * @m:		output
 * @handle:	a depot handle
 */
void memdesc_report_owner_stack(struct seq_file *m, u32 handle)
{
	unsigned long *entries;
	unsigned int nr, i;

	nr = stack_depot_fetch(handle, &entries);
	seq_printf(m, "stack 0x%08x %u", handle, nr);
	for (i = 0; i < nr; i++)
		memdesc_print_frame(m, entries[i]);
	seq_putc(m, '\n');
}

/* The pfn file's owner lines: its block's site and whole stack. */
static void memdesc_report_pfn_owner(struct seq_file *m, unsigned long pfn)
{
	u32 handle;

	if (!memdesc_owners_on(NULL)) {
		seq_puts(m, "owner off\n");
		return;
	}
	if (!memdesc_owner_of(pfn, &handle)) {
		seq_puts(m, "owner none\n");
		return;
	}
	seq_puts(m, "owner ");
	memdesc_print_handle(m, handle);
	memdesc_print_site(m, handle, MEMDESC_OWNER_SITE_FRAMES, false);
	seq_putc(m, '\n');
	if (handle != MEMDESC_OWNER_UNKNOWN && handle != MEMDESC_OWNER_UNSAVED)
		memdesc_report_owner_stack(m, handle);
}

/**
 * memdesc_report_pfn - one PFN: shadow and live words, raw page state
 * @m:		output
 * @pfn:	a PFN with a struct page
 *
 * Return: 0, -EINVAL if @pfn has no struct page (memdesc_shadow_word_at()),
 * or -ENOMEM.
 */
int memdesc_report_pfn(struct seq_file *m, unsigned long pfn)
{
	struct memdesc_live_walk walk;
	struct page *page;
	u64 shadow, live;
	bool valid;
	int err;

	err = memdesc_live_walk_start(&walk);
	if (err)
		return err;
	memdesc_shadow_lock();
	valid = memdesc_shadow_word_at(pfn, &shadow);
	if (valid)
		live = memdesc_live_walk_word(&walk, pfn);
	memdesc_shadow_unlock();
	memdesc_live_walk_end(&walk);
	if (!valid)
		return -EINVAL;

	seq_printf(m, "pfn %lu\n", pfn);
	memdesc_print_word(m, "shadow", shadow);
	memdesc_print_word(m, "live", live);
	page = pfn_to_online_page(pfn);
	if (page) {
		seq_printf(m, "flags 0x%016lx %pGp\n", page->flags,
			   &page->flags);
		seq_printf(m, "refcount %d mapcount %d\n",
			   page_ref_count(page), memdesc_page_mapcount(page));
	} else {
		seq_puts(m, "flags 0x0000000000000000 offline\n");
		seq_puts(m, "refcount 0 mapcount 0\n");
	}
	memdesc_report_pfn_owner(m, pfn);
	return 0;
}

/* === transitions: observed changes of class === */

/**
 * memdesc_report_transitions - changes of class since load or reset
 * @m:		output
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_report_transitions(struct seq_file *m)
{
	struct memdesc_transitions *t;
	int i, j;

	t = memdesc_kvmalloc(1, sizeof(*t), GFP_KERNEL, NUMA_NO_NODE);
	if (!t)
		return -ENOMEM;
	memdesc_transitions_read(t);
	seq_puts(m, "# transition from to blocks\n");
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		for (j = 0; j < MEMDESC_NR_CLASSES; j++)
			if (t->matrix[i][j])
				seq_printf(m, "transition %s %s %lu\n",
					   memdesc_class_name(i),
					   memdesc_class_name(j),
					   t->matrix[i][j]);
	seq_puts(m, "# source tracepoint changes\n");
	for (i = 0; i < MEMDESC_NR_EVENTS; i++)
		seq_printf(m, "source %s %lu\n", memdesc_event_name(i),
			   t->by_source[i]);
	memdesc_kvfree(t);
	return 0;
}

/* === layout and sections: where the words are === */

/**
 * memdesc_report_layout - the raw file's ranges
 * @m:		output
 *
 * One line per run of listed sections that are contiguous in PFNs and of
 * one node, in PFN order, each at its byte offset in the raw file; the
 * runs lie back to back there.  Memory going on- or offline changes it:
 * read it again after the raw file, and read both again if it changed.
 *
 * Return: 0.
 */
int memdesc_report_layout(struct seq_file *m)
{
	unsigned long start = 0, pfns = 0, index = 0;
	struct memdesc_view v;
	int nid = NUMA_NO_NODE;

	seq_puts(m, "# range node start-pfn pfns byte-offset\n");
	memdesc_shadow_lock();
	memdesc_for_each_section(&v) {
		if (pfns && v.nid == nid && v.start_pfn == start + pfns) {
			pfns += MEMDESC_CHUNK_PFNS;
			continue;
		}
		if (pfns)
			seq_printf(m, "range %d %lu %lu %llu\n", nid, start, pfns,
				   (u64)index * MEMDESC_CHUNK_BYTES);
		nid = v.nid;
		start = v.start_pfn;
		pfns = MEMDESC_CHUNK_PFNS;
		index = v.index;
	}
	memdesc_shadow_unlock();
	if (pfns)
		seq_printf(m, "range %d %lu %lu %llu\n", nid, start, pfns,
			   (u64)index * MEMDESC_CHUNK_BYTES);
	return 0;
}

/**
 * memdesc_report_sections - every listed section and where its chunk lives
 * @m:		output
 *
 * Return: 0.
 */
int memdesc_report_sections(struct seq_file *m)
{
	struct memdesc_view v;
	unsigned long pfn;
	const char *how;
	int nid;

	seq_puts(m, "# section start-pfn node state chunk-node backing chunk-pfn\n");
	memdesc_shadow_lock();
	memdesc_for_each_section(&v) {
		how = memdesc_view_backing(&v, &nid, &pfn);
		seq_printf(m, "section %lu %d %s %d %s %lu\n", v.start_pfn, v.nid,
			   v.words ? "tracked" : "untracked", nid, how, pfn);
		cond_resched();
	}
	memdesc_shadow_unlock();
	return 0;
}

/* === stats === */

/**
 * memdesc_report_stats - event counts, counters and the shadow's size
 * @m:		output
 *
 * Return: 0.
 */
int memdesc_report_stats(struct seq_file *m)
{
	unsigned long chunks, remote, vmalloc;
	int i;

	seq_puts(m, "# event tracepoint-or-hook attached count\n");
	for (i = 0; i < MEMDESC_NR_EVENTS; i++)
		seq_printf(m, "event %s %d %lu\n", memdesc_event_name(i),
			   memdesc_event_attached(i), memdesc_stat_read(i));
	seq_puts(m, "# counter name value\n");
	for (i = MEMDESC_NR_EVENTS; i < MEMDESC_NR_STATS; i++)
		seq_printf(m, "counter %s %lu\n", memdesc_counter_name(i),
			   memdesc_stat_read(i));
	chunks = memdesc_shadow_chunks(&remote, &vmalloc);
	seq_printf(m, "pfns %lu\n", memdesc_shadow_pfns());
	seq_printf(m, "untracked_pfns %lu\n", memdesc_shadow_untracked_pfns());
	seq_printf(m, "shadow_bytes %zu\n", memdesc_shadow_bytes());
	seq_printf(m, "shadow_word_bytes %zu\n", memdesc_shadow_word_bytes());
	seq_printf(m, "shadow_table_bytes %zu\n", memdesc_shadow_table_bytes());
	seq_printf(m, "chunks %lu\n", chunks);
	seq_printf(m, "chunks_remote %lu\n", remote);
	seq_printf(m, "chunks_vmalloc %lu\n", vmalloc);
	seq_printf(m, "nodes %u\n", num_online_nodes());
	seq_printf(m, "seeded %d\n", memdesc_sync_seeded());
	seq_printf(m, "tracking %d\n", memdesc_probes_tracking());
	seq_printf(m, "vmalloc_walk %d\n", memdesc_vmalloc_walkable());
	seq_printf(m, "hook_missed %lu\n", memdesc_hooks_missed());
	return 0;
}
