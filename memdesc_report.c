// SPDX-License-Identifier: GPL-2.0
/*
 * Census, compare and stats: computed and formatted.
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
#include <linux/slab.h>

#include "memdesc.h"

static const char * const memdesc_stat_names[] = {
	[MEMDESC_STAT_ALLOC_FAILED]	= "alloc_failed",
	[MEMDESC_STAT_OUT_OF_RANGE]	= "out_of_range",
	[MEMDESC_STAT_SEEDED]		= "seeded",
	[MEMDESC_STAT_SEED_RACED]	= "seed_raced",
	[MEMDESC_STAT_PCP_TRUNCATED]	= "pcp_truncated",
};

static_assert(ARRAY_SIZE(memdesc_stat_names) == MEMDESC_NR_STATS);

/**
 * memdesc_stat_name - the name stats prints for a counter
 * @stat:	the counter
 *
 * Return: the tracepoint name for an event, else the counter's name.
 */
const char *memdesc_stat_name(enum memdesc_stat stat)
{
	if (stat < MEMDESC_NR_EVENTS)
		return memdesc_probe_name(stat);
	return memdesc_stat_names[stat];
}

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
 * struct memdesc_census - counts over the shadow's words
 * @class:	words per enum memdesc_class
 * @zone_free:	PAGE words per node and zone that are free
 * @zone_alloc:	PAGE words per node and zone that are not
 */
struct memdesc_census {
	unsigned long class[MEMDESC_NR_CLASSES];
	unsigned long zone_free[MAX_NR_ZONES];
	unsigned long zone_alloc[MAX_NR_ZONES];
};

static void memdesc_census_range(struct memdesc_census *c,
				 const struct memdesc_range *r)
{
	unsigned long i;

	for (i = 0; i < r->nr_pfns; i++) {
		u64 w = READ_ONCE(r->words[i]);

		c->class[memdesc_class(w)]++;
		if (memdesc_word_is_page(w)) {
			if (memdesc_word_type(w) == MEMDESC_TYPE_FREE)
				c->zone_free[memdesc_word_zone(w)]++;
			else
				c->zone_alloc[memdesc_word_zone(w)]++;
		}
		if (!(i % 4096))
			cond_resched();
	}
}

/**
 * memdesc_report_summary - census of the shadow
 * @m:		output
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_report_summary(struct seq_file *m)
{
	unsigned long class[MEMDESC_NR_CLASSES] = { };
	const struct memdesc_range *r;
	struct memdesc_census *c;
	int i, z;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;

	seq_printf(m, "spanned %lu\n", memdesc_shadow_pfns());
	seq_puts(m, "# node zone pages free allocated\n");
	memdesc_for_each_range(r) {
		memset(c, 0, sizeof(*c));
		memdesc_census_range(c, r);
		for (i = 0; i < MEMDESC_NR_CLASSES; i++)
			class[i] += c->class[i];
		/* ZONE_MOVABLE etc. show once they hold pages. */
		for (z = 0; z < MAX_NR_ZONES; z++) {
			if (!c->zone_free[z] && !c->zone_alloc[z])
				continue;
			seq_printf(m, "zone %d %s %lu %lu %lu\n", r->nid,
				   memdesc_zone_name(r->nid, z),
				   c->zone_free[z] + c->zone_alloc[z],
				   c->zone_free[z], c->zone_alloc[z]);
		}
	}
	seq_puts(m, "# class pages\n");
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		seq_printf(m, "class %s %lu\n", memdesc_class_name(i), class[i]);
	kfree(c);
	return 0;
}

/* === compare: shadow against the live state === */

enum memdesc_field {
	MEMDESC_FIELD_STATE,		/* allocated or free */
	MEMDESC_FIELD_TYPE,		/* class, i.e. type and misc subtype */
	MEMDESC_FIELD_ORDER,		/* PFNs allocated on both sides */
	MEMDESC_FIELD_FREE_ORDER,	/* PFNs free on both sides */
	MEMDESC_FIELD_ZONE,
	MEMDESC_FIELD_NODE,
	MEMDESC_NR_FIELDS,
};

static const char * const memdesc_field_names[] = {
	[MEMDESC_FIELD_STATE]		= "state",
	[MEMDESC_FIELD_TYPE]		= "type",
	[MEMDESC_FIELD_ORDER]		= "order",
	[MEMDESC_FIELD_FREE_ORDER]	= "free_order",
	[MEMDESC_FIELD_ZONE]		= "zone",
	[MEMDESC_FIELD_NODE]		= "node",
};

static_assert(ARRAY_SIZE(memdesc_field_names) == MEMDESC_NR_FIELDS);

/**
 * struct memdesc_compare - result of one compare walk
 * @compared:	online PFNs walked
 * @unknown:	of those, shadow words still UNKNOWN
 * @agree:	per field, PFNs where shadow and live agree
 * @disagree:	per field, PFNs where they do not
 * @matrix:	PFNs per shadow class (row) and live class (column)
 */
struct memdesc_compare {
	unsigned long compared;
	unsigned long unknown;
	unsigned long agree[MEMDESC_NR_FIELDS];
	unsigned long disagree[MEMDESC_NR_FIELDS];
	unsigned long matrix[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES];
};

static void memdesc_tally(struct memdesc_compare *c, enum memdesc_field f,
			  bool same)
{
	if (same)
		c->agree[f]++;
	else
		c->disagree[f]++;
}

static void memdesc_compare_word(struct memdesc_compare *c, u64 shadow,
				 u64 live)
{
	bool sfree = memdesc_word_is_free(shadow);
	bool lfree = memdesc_word_is_free(live);

	c->compared++;
	c->matrix[memdesc_class(shadow)][memdesc_class(live)]++;
	if (memdesc_word_state(shadow) == MEMDESC_STATE_UNKNOWN) {
		c->unknown++;
		return;
	}
	memdesc_tally(c, MEMDESC_FIELD_STATE, sfree == lfree);
	/* A shadow hole over an online page has no other field to check. */
	if (!memdesc_word_is_page(shadow))
		return;
	memdesc_tally(c, MEMDESC_FIELD_TYPE,
		      memdesc_class(shadow) == memdesc_class(live));
	if (sfree == lfree)
		memdesc_tally(c, sfree ? MEMDESC_FIELD_FREE_ORDER :
				  MEMDESC_FIELD_ORDER,
			      memdesc_word_order(shadow) ==
			      memdesc_word_order(live));
	memdesc_tally(c, MEMDESC_FIELD_ZONE,
		      memdesc_word_zone(shadow) == memdesc_word_zone(live));
	memdesc_tally(c, MEMDESC_FIELD_NODE,
		      memdesc_word_node(shadow) == memdesc_word_node(live));
}

static void memdesc_compare_range(struct memdesc_compare *c,
				  struct memdesc_live_walk *walk,
				  const struct memdesc_range *r)
{
	unsigned long i;

	for (i = 0; i < r->nr_pfns; i++) {
		u64 live = memdesc_live_walk_word(walk, r->start_pfn + i, r->nid);

		if (memdesc_word_state(live) == MEMDESC_STATE_HOLE)
			continue;
		memdesc_compare_word(c, READ_ONCE(r->words[i]), live);
		if (!(i % 1024))
			cond_resched();
	}
}

static void memdesc_compare_print(struct seq_file *m,
				  const struct memdesc_compare *c)
{
	int i, j;

	seq_printf(m, "compared %lu\n", c->compared);
	seq_printf(m, "unknown %lu\n", c->unknown);
	seq_puts(m, "# field name agree disagree percent\n");
	for (i = 0; i < MEMDESC_NR_FIELDS; i++) {
		seq_printf(m, "field %s %lu %lu", memdesc_field_names[i],
			   c->agree[i], c->disagree[i]);
		memdesc_print_ratio(m, c->agree[i], c->disagree[i]);
		seq_putc(m, '\n');
	}
	seq_puts(m, "# matrix shadow live pages\n");
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		for (j = 0; j < MEMDESC_NR_CLASSES; j++)
			if (c->matrix[i][j])
				seq_printf(m, "matrix %s %s %lu\n",
					   memdesc_class_name(i),
					   memdesc_class_name(j),
					   c->matrix[i][j]);
}

/**
 * memdesc_report_compare - walk every online PFN, shadow against live
 * @m:		output
 *
 * Sleeps; takes each per-cpu list lock briefly for the snapshot.
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_report_compare(struct seq_file *m)
{
	struct memdesc_live_walk walk;
	const struct memdesc_range *r;
	struct memdesc_compare *c;
	int err;

	c = kvzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	err = memdesc_live_walk_start(&walk);
	if (err)
		goto out;
	memdesc_for_each_range(r)
		memdesc_compare_range(c, &walk, r);
	memdesc_live_walk_end(&walk);
	memdesc_compare_print(m, c);
out:
	kvfree(c);
	return err;
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
	int i;

	seq_puts(m, "# event tracepoint attached count\n");
	for (i = 0; i < MEMDESC_NR_EVENTS; i++)
		seq_printf(m, "event %s %d %lu\n", memdesc_stat_name(i),
			   memdesc_probe_attached(i), memdesc_stat_read(i));
	seq_puts(m, "# counter name value\n");
	for (i = MEMDESC_NR_EVENTS; i < MEMDESC_NR_STATS; i++)
		seq_printf(m, "counter %s %lu\n", memdesc_stat_name(i),
			   memdesc_stat_read(i));
	seq_printf(m, "pfns %lu\n", memdesc_shadow_pfns());
	seq_printf(m, "shadow_bytes %zu\n", memdesc_shadow_bytes());
	seq_printf(m, "nodes %u\n", num_online_nodes());
	seq_printf(m, "seeded %d\n", memdesc_shadow_seeded());
	return 0;
}
