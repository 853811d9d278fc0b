/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the parts of the memdesc module.
 *
 *   memdesc_shadow.c	the shadow store: one u64 per spanned PFN, seeding
 *   memdesc_probes.c	tracepoint probes that keep the shadow current
 *   memdesc_live.c	the live classifier: a PFN's word from struct page
 *   memdesc_vmalloc.c	which pages vmalloc space maps: a page-table walk
 *   memdesc_report.c	census, compare and stats, formatted for seq_file
 *   memdesc_projection.c	what memdesc would cost, from the shadow
 *   debugfs.c		the debugfs skin over memdesc_report.c
 *   memdesc_mod.c	module init/exit and parameters
 */
#ifndef _MEMDESC_H
#define _MEMDESC_H

#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "memdesc_types.h"

/* === Counters === */

/*
 * Event counts come first, indexed like the probe table; the rest count what
 * the shadow had to do about an event or the seeding walk.  Per-cpu, so a
 * probe pays one this_cpu_inc() in any context; folded on read.
 */
enum memdesc_stat {
	MEMDESC_EV_PAGE_ALLOC,		/* kmem:mm_page_alloc */
	MEMDESC_EV_PAGE_FREE,		/* kmem:mm_page_free */
	MEMDESC_EV_PAGE_FREE_BATCHED,	/* kmem:mm_page_free_batched */
	MEMDESC_EV_ALLOC_ZONE_LOCKED,	/* kmem:mm_page_alloc_zone_locked */
	MEMDESC_EV_PCPU_DRAIN,		/* kmem:mm_page_pcpu_drain */
	MEMDESC_EV_KMALLOC,		/* kmem:kmalloc */
	MEMDESC_EV_KMEM_CACHE_ALLOC,	/* kmem:kmem_cache_alloc */
	MEMDESC_EV_FILEMAP_ADD,		/* filemap:mm_filemap_add_to_page_cache */
	MEMDESC_EV_FILEMAP_DELETE,	/* filemap:mm_filemap_delete_from_page_cache */
	MEMDESC_EV_LRU_INSERTION,	/* pagemap:mm_lru_insertion */
	MEMDESC_EV_PP_HOLD,		/* page_pool:page_pool_state_hold */
	MEMDESC_EV_PP_RELEASE,		/* page_pool:page_pool_state_release */
	MEMDESC_EV_MEMORY_FAILURE,	/* ras:memory_failure_event */
	MEMDESC_EV_KSM_MERGE,		/* ksm:ksm_merge_with_ksm_page (6.4+) */
	MEMDESC_EV_KSM_REMOVE,		/* ksm:ksm_remove_ksm_page (6.4+) */
	MEMDESC_NR_EVENTS,
	MEMDESC_STAT_ALLOC_FAILED = MEMDESC_NR_EVENTS, /* alloc event, NULL page */
	MEMDESC_STAT_OUT_OF_RANGE,	/* event for a PFN the shadow lacks */
	MEMDESC_STAT_SEEDED,		/* words the seeding walk wrote */
	MEMDESC_STAT_SEED_RACED,	/* words an event wrote first */
	MEMDESC_STAT_PCP_TRUNCATED,	/* per-cpu pages past the snapshot */
	MEMDESC_STAT_RESYNCED,		/* words a resync wrote */
	MEMDESC_STAT_HOTPLUG,		/* memory blocks on- or offlined */
	MEMDESC_NR_STATS,
};

DECLARE_PER_CPU(unsigned long, memdesc_stats[MEMDESC_NR_STATS]);

/**
 * struct memdesc_transitions - observed changes of class, per CPU
 * @matrix:	blocks per from-class (row) and to-class (column)
 * @by_source:	changes of class each event made
 */
struct memdesc_transitions {
	unsigned long matrix[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES];
	unsigned long by_source[MEMDESC_NR_EVENTS];
};

DECLARE_PER_CPU(struct memdesc_transitions, memdesc_transitions);

void memdesc_transitions_read(struct memdesc_transitions *sum);

static inline void memdesc_count(enum memdesc_stat stat)
{
	this_cpu_inc(memdesc_stats[stat]);
}

unsigned long memdesc_stat_read(enum memdesc_stat stat);
void memdesc_stats_reset(void);
const char *memdesc_stat_name(enum memdesc_stat stat);

/* === Module (memdesc_mod.c) === */

bool memdesc_fail_alloc(void);

/* === Shadow store (memdesc_shadow.c) === */

/**
 * struct memdesc_range - the shadow words of one node's span
 * @nid:	the node
 * @start_pfn:	node_start_pfn at load
 * @nr_pfns:	node_spanned_pages at load; 0 for a node that was offline
 * @words:	@nr_pfns words inside the one shadow allocation
 *
 * Fixed from load to unload, so readers and probes need no lock.  PFNs the
 * node spans that belong to another node or to no online section read
 * MEMDESC_STATE_HOLE.
 */
struct memdesc_range {
	int nid;
	unsigned long start_pfn;
	unsigned long nr_pfns;
	u64 *words;
};

int memdesc_shadow_init(void);
void memdesc_shadow_destroy(void);
int memdesc_shadow_seed(void);
int memdesc_shadow_resync(void);
int memdesc_shadow_hotplug_register(void);
void memdesc_shadow_hotplug_unregister(void);
u64 *memdesc_shadow_pfn(unsigned long pfn, const struct memdesc_range **range);
unsigned long memdesc_shadow_index(const struct memdesc_range *r);
ssize_t memdesc_shadow_copy(char __user *ubuf, size_t count, loff_t *pos);
bool memdesc_shadow_seeded(void);
unsigned long memdesc_shadow_pfns(void);
size_t memdesc_shadow_bytes(void);
const struct memdesc_range *memdesc_next_range(const struct memdesc_range *r);
u64 *memdesc_shadow_block(struct page *page, unsigned int nr_pages);
void memdesc_shadow_set_block(struct page *page, unsigned int order, u64 word,
			      enum memdesc_stat source);

/* Every node range with words, in node order. */
#define memdesc_for_each_range(r)					\
	for ((r) = memdesc_next_range(NULL); (r); (r) = memdesc_next_range(r))

/* === Probes (memdesc_probes.c) === */

int memdesc_probes_register(const char *skip_events);
void memdesc_probes_unregister(void);
void memdesc_probes_track(bool on);
bool memdesc_probes_tracking(void);
const char *memdesc_probe_name(enum memdesc_stat event);
bool memdesc_probe_attached(enum memdesc_stat event);

/* === vmalloc snapshot (memdesc_vmalloc.c) === */

/**
 * struct memdesc_vmalloc_set - PFNs mapped in vmalloc space at one moment
 * @pfns:	sorted, unique PFNs with an online struct page
 * @nr:		entries in @pfns
 * @user:	bitmap over the indices of @pfns: set when the page was
 *		mapped to user space too (its own mapcount was above zero)
 * @nr_user:	bits set in @user
 * @nr_seen:	PFNs the walk read, with repeats and with those dropped
 * @nr_dropped:	of those, PFNs with no online struct page (MMIO)
 * @nr_huge:	PMD and PUD leaf entries the walk met
 *
 * A snapshot: nothing pins the pages, so any may have been freed or
 * remapped by the time it is read.  Owned by the caller; no lock.
 */
struct memdesc_vmalloc_set {
	unsigned long *pfns;
	unsigned long nr;
	unsigned long *user;
	unsigned long nr_user;
	unsigned long nr_seen;
	unsigned long nr_dropped;
	unsigned long nr_huge;
};

int memdesc_vmalloc_snapshot(struct memdesc_vmalloc_set *set);
bool memdesc_vmalloc_lookup(const struct memdesc_vmalloc_set *set,
			    unsigned long pfn, bool *user);
bool memdesc_vmalloc_contains(const struct memdesc_vmalloc_set *set,
			      unsigned long pfn);
void memdesc_vmalloc_release(struct memdesc_vmalloc_set *set);

/* === Live classifier (memdesc_live.c) === */

/**
 * struct memdesc_pcp_chunk - a free chunk found on a per-cpu list
 * @pfn:	first PFN
 * @order:	its order
 */
struct memdesc_pcp_chunk {
	unsigned long pfn;
	unsigned int order;
};

/**
 * struct memdesc_live_walk - state of one ascending walk over the PFNs
 * @buddy_start: first PFN of the free buddy block last met, or 0
 * @buddy_end:	one past its last PFN; 0 when none
 * @buddy_order: its order
 * @pcp:	snapshot of the per-cpu free lists, sorted by PFN
 * @nr_pcp:	chunks in @pcp
 * @vmalloc:	snapshot of the pages mapped in vmalloc space; empty where
 *		the kernel cannot be walked (see memdesc_vmalloc.c)
 *
 * A free block's tail pages carry no mark of their own; the walk remembers
 * the block whose head it passed so tails cost O(1).  Per-cpu pages carry no
 * mark at all; the snapshot taken at walk start names them.
 */
struct memdesc_live_walk {
	unsigned long buddy_start;
	unsigned long buddy_end;
	unsigned int buddy_order;
	struct memdesc_pcp_chunk *pcp;
	unsigned long nr_pcp;
	struct memdesc_vmalloc_set vmalloc;
};

int memdesc_live_walk_start(struct memdesc_live_walk *walk);
u64 memdesc_live_walk_word(struct memdesc_live_walk *walk, unsigned long pfn,
			   int nid);
void memdesc_live_walk_end(struct memdesc_live_walk *walk);
u64 memdesc_live_kind_word(struct page *head);
u64 memdesc_live_lru_word(struct folio *folio);
const char *memdesc_zone_name(int nid, unsigned int zone);

/* === Reports (memdesc_report.c) === */

struct memdesc_compare;

int memdesc_report_summary(struct seq_file *m);
int memdesc_report_compare(struct seq_file *m);
int memdesc_report_stats(struct seq_file *m);
int memdesc_report_pfn(struct seq_file *m, unsigned long pfn);
int memdesc_report_transitions(struct seq_file *m);
int memdesc_report_layout(struct seq_file *m);
int memdesc_report_projection(struct seq_file *m);
struct memdesc_compare *memdesc_compare_run(void);
void memdesc_compare_free(struct memdesc_compare *c);
void memdesc_compare_print(struct seq_file *m, const struct memdesc_compare *c);
unsigned long memdesc_compare_nr_mismatches(const struct memdesc_compare *c);
void memdesc_report_mismatch(struct seq_file *m,
			     const struct memdesc_compare *c, unsigned long i);

/* === debugfs (debugfs.c) === */

int memdesc_debugfs_init(void);
void memdesc_debugfs_exit(void);

#endif /* _MEMDESC_H */
