// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics: per-cpu event and counter totals, and the class transitions
 * the events make, with the counters' names.
 *
 * At the bottom of the module with the allocations: the shadow store, the
 * classifier, the probes and sync all count here, and only the reports
 * read.  The event counters' names are the tracepoints' and hooks', kept
 * by the probe tables that attach them.
 */
#include <linux/bug.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "memdesc.h"

DEFINE_PER_CPU(unsigned long, memdesc_stats[MEMDESC_NR_STATS]);
DEFINE_PER_CPU(struct memdesc_transitions, memdesc_transitions);

/**
 * memdesc_transitions_read - fold the per-cpu transition counts
 * @sum:	filled in
 */
void memdesc_transitions_read(struct memdesc_transitions *sum)
{
	const struct memdesc_transitions *t;
	int cpu, i, j;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		t = per_cpu_ptr(&memdesc_transitions, cpu);
		for (i = 0; i < MEMDESC_NR_CLASSES; i++)
			for (j = 0; j < MEMDESC_NR_CLASSES; j++)
				sum->matrix[i][j] += READ_ONCE(t->matrix[i][j]);
		for (i = 0; i < MEMDESC_NR_EVENTS; i++)
			sum->by_source[i] += READ_ONCE(t->by_source[i]);
	}
}

/**
 * memdesc_stat_read - fold a per-cpu counter
 * @stat:	the counter
 *
 * Other CPUs increment their counters meanwhile: each is read once, whole,
 * as the transition counts are.
 *
 * Return: its sum over all possible CPUs.
 */
unsigned long memdesc_stat_read(enum memdesc_stat stat)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(memdesc_stats[stat], cpu));
	return sum;
}

/**
 * memdesc_stats_reset - zero every counter and transition count
 *
 * Racing increments may survive; the counters are statistics.
 */
void memdesc_stats_reset(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		for (i = 0; i < MEMDESC_NR_STATS; i++)
			WRITE_ONCE(per_cpu(memdesc_stats[i], cpu), 0);
		memset(per_cpu_ptr(&memdesc_transitions, cpu), 0,
		       sizeof(struct memdesc_transitions));
	}
}

static const char * const memdesc_counter_names[] = {
	[MEMDESC_STAT_ALLOC_FAILED]	= "alloc_failed",
	[MEMDESC_STAT_OUT_OF_RANGE]	= "out_of_range",
	[MEMDESC_STAT_BAD_BLOCK]	= "bad_block",
	[MEMDESC_STAT_SEEDED]		= "seeded",
	[MEMDESC_STAT_SEED_RACED]	= "seed_raced",
	[MEMDESC_STAT_PCP_TRUNCATED]	= "pcp_truncated",
	[MEMDESC_STAT_RESYNCED]		= "resynced",
	[MEMDESC_STAT_HOTPLUG]		= "hotplug",
	[MEMDESC_STAT_HOOK_TRUNCATED]	= "hook_truncated",
	[MEMDESC_STAT_DEFERRED]		= "deferred",
	[MEMDESC_STAT_LEFT_RESYNCS]	= "left_resyncs",
	[MEMDESC_STAT_OWNER_SAVED]	= "owner_saved",
	[MEMDESC_STAT_OWNER_UNSAVED]	= "owner_unsaved",
	[MEMDESC_STAT_OWNER_NO_SLOT]	= "owner_no_slot",
	[MEMDESC_STAT_OWNER_REFILLS]	= "owner_refills",
};

static_assert(ARRAY_SIZE(memdesc_counter_names) == MEMDESC_NR_STATS);

/**
 * memdesc_counter_name - the name stats prints for a counter
 * @stat:	a counter past the events (MEMDESC_NR_EVENTS or above)
 *
 * Return: the counter's name; an event's is memdesc_event_name()'s.
 */
const char *memdesc_counter_name(enum memdesc_stat stat)
{
	if (WARN_ON_ONCE(stat < MEMDESC_NR_EVENTS || stat >= MEMDESC_NR_STATS))
		return "invalid";
	return memdesc_counter_names[stat];
}

/* === Class transitions === */

/*
 * memdesc_word_class() of every word, indexed by the bits it reads
 * (memdesc_class_index()).  The probes count a transition on every event,
 * and memdesc_word_class()'s branches were about half of an order-0
 * event's instructions; this is one load.  Filled once at load, before any
 * probe is attached.
 */
u8 memdesc_class_of[MEMDESC_CLASS_INDEX_SIZE];

/**
 * memdesc_stats_init - fill the class table
 *
 * At load, before any probe is attached.
 */
void memdesc_stats_init(void)
{
	unsigned int i;

	BUILD_BUG_ON(MEMDESC_NR_CLASSES > U8_MAX);
	for (i = 0; i < ARRAY_SIZE(memdesc_class_of); i++)
		memdesc_class_of[i] =
			memdesc_word_class(memdesc_class_index_word(i));
}
