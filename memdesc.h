/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the parts of the memdesc module, bottom up.  Each unit
 * calls only those above it in this list (tests/static.sh checks it):
 *
 *   memdesc_types.h	the word: encoding and classes (shared with user space)
 *   memdesc_diff.h	which fields of two words disagree (likewise)
 *   memdesc_pcp.h	the per-cpu free chunk lookup (likewise)
 *   memdesc_census.h	the census of a run of words (shared with the tool)
 *   memdesc_revisions.h	revisions of the design as tables: where each
 *			puts every page, and its descriptors' sizes (likewise)
 *   memdesc_owners.h	owner slot values, the allocator's own frames
 *   memdesc_alloc.c	every allocation: fault injection and accounting
 *   memdesc_testpoint.c	test points: a walk parked where a test asks
 *   memdesc_stats.c	per-cpu counters and class transitions, with names
 *   memdesc_shadow.c	the shadow store: a chunk of u64 words per online
 *			memory section, found through a section-indexed table
 *   memdesc_buddy.c	free blocks at the buddy's order, from the words
 *   memdesc_defer.c	the pages of a large area, finished by a worker
 *   memdesc_owners.c	allocation sites: stacks in the depot, a handle
 *			beside each block head's word (opt-in)
 *   memdesc_vmalloc.c	which pages vmalloc space maps: a page-table walk
 *   memdesc_live.c	the live classifier: a PFN's word from struct page
 *   memdesc_probes.c	tracepoint probes that keep the shadow current
 *   memdesc_hooks.c	kprobes where no tracepoint is
 *   memdesc_events.c	every event source: attach, skip, names
 *   memdesc_inject.c	injected events, a probe's store on a test's word
 *   memdesc_sync.c	seeding, resync and memory hotplug: the live state
 *			copied into the store
 *   memdesc_census.c	the census of the live shadow (memdesc_census.h)
 *   memdesc_compare.c	the compare engine: shadow against live, rechecked
 *   memdesc_report.c	census, compare and stats, formatted for seq_file
 *   memdesc_projection.c	what memdesc would cost, from the shadow
 *   debugfs.c		the debugfs skin over the reports
 *   memdesc_mod.c	module init/exit and parameters
 */
#ifndef _MEMDESC_H
#define _MEMDESC_H

#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "memdesc_diff.h"
#include "memdesc_pcp.h"
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
	MEMDESC_EV_ALLOC_EXTFRAG,	/* kmem:mm_page_alloc_extfrag */
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
	MEMDESC_EV_PERCPU_ALLOC,	/* percpu:percpu_alloc_percpu */
	/* Function hooks (memdesc_hooks.c), where no tracepoint is. */
	MEMDESC_EV_FIRST_HOOK,
	MEMDESC_EV_SET_MOVABLE = MEMDESC_EV_FIRST_HOOK, /* __SetPageMovable */
	MEMDESC_EV_MANAGED_PAGES,	/* adjust_managed_page_count */
	MEMDESC_EV_VMALLOC,		/* __vmalloc_node_range */
	MEMDESC_EV_ALLOC_BULK,		/* alloc_pages_bulk */
	MEMDESC_EV_SWAP_CACHE_ADD,	/* add_to_swap_cache */
	MEMDESC_EV_SWAP_CACHE_DELETE,	/* delete_from_swap_cache */
	MEMDESC_EV_SWAP_READ,		/* swap_read_folio */
	MEMDESC_EV_GUARD_SET,		/* __set_page_guard (not 6.1) */
	MEMDESC_EV_GUARD_CLEAR,		/* __clear_page_guard (not 6.1) */
	MEMDESC_EV_ALLOC_EXACT,		/* alloc_pages_exact */
	MEMDESC_EV_PTE_ALLOC,		/* pte_alloc_one */
	MEMDESC_EV_PMD_ALLOC,		/* __pmd_alloc */
	MEMDESC_EV_PUD_ALLOC,		/* __pud_alloc */
	MEMDESC_EV_P4D_ALLOC,		/* __p4d_alloc (5-level paging only) */
	MEMDESC_EV_PGD_ALLOC,		/* pgd_alloc */
	MEMDESC_EV_PTE_FREE_TLB,	/* ___pte_free_tlb */
	MEMDESC_EV_PMD_FREE_TLB,	/* ___pmd_free_tlb */
	MEMDESC_EV_PUD_FREE_TLB,	/* ___pud_free_tlb */
	MEMDESC_EV_TAKE_OFF_BUDDY,	/* take_page_off_buddy */
	MEMDESC_EV_PUT_BACK_BUDDY,	/* put_page_back_buddy */
	MEMDESC_EV_HUGETLB_ENQUEUE,	/* enqueue_hugetlb_folio */
	MEMDESC_EV_HUGETLB_ANON,	/* hugetlb_add_new_anon_rmap */
	MEMDESC_EV_LRU_ADD,		/* folio_add_lru */
	MEMDESC_EV_KSM_MERGE_ONE,	/* try_to_merge_one_page */
	MEMDESC_EV_FREE_ONE_PAGE,	/* free_one_page */
	MEMDESC_EV_VMAP_PAGES,		/* vmap_pages_range_noflush */
	MEMDESC_EV_SLAB_NEW,		/* allocate_slab */
	MEMDESC_NR_EVENTS,
	MEMDESC_STAT_ALLOC_FAILED = MEMDESC_NR_EVENTS, /* alloc event, NULL page */
	MEMDESC_STAT_OUT_OF_RANGE,	/* event for a PFN with no chunk */
	MEMDESC_STAT_BAD_BLOCK,		/* event order too large or misaligned */
	MEMDESC_STAT_SEEDED,		/* words the seeding walk wrote */
	MEMDESC_STAT_SEED_RACED,	/* words an event wrote first */
	MEMDESC_STAT_PCP_TRUNCATED,	/* per-cpu pages past the snapshot */
	MEMDESC_STAT_RESYNCED,		/* words a resync wrote */
	MEMDESC_STAT_HOTPLUG,		/* memory blocks on- or offlined */
	MEMDESC_STAT_HOOK_TRUNCATED,	/* pages a hook left to resync */
	MEMDESC_STAT_DEFERRED,		/* pages a hook left to the worker */
	MEMDESC_STAT_LEFT_RESYNCS,	/* resyncs run for pages hooks left */
	MEMDESC_STAT_OWNER_SAVED,	/* allocation stacks saved */
	MEMDESC_STAT_OWNER_UNSAVED,	/* not saved: the depot had no room */
	MEMDESC_STAT_OWNER_NO_SLOT,	/* not saved: section without slots */
	MEMDESC_STAT_OWNER_REFILLS,	/* depot pools the worker made room for */
	MEMDESC_NR_STATS,
};

/* === Statistics (memdesc_stats.c) === */

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

/* memdesc_word_class() by memdesc_class_index(); see memdesc_stats.c. */
extern u8 memdesc_class_of[MEMDESC_CLASS_INDEX_SIZE];

static inline void memdesc_count(enum memdesc_stat stat)
{
	this_cpu_inc(memdesc_stats[stat]);
}

/*
 * A change of class, counted once per block (allocation or free chunk) at
 * its head, by the event that made it.
 */
static __always_inline void memdesc_count_transition_to(u64 old,
							unsigned int to,
							enum memdesc_stat source)
{
	unsigned int from = memdesc_class_of[memdesc_class_index(old)];

	if (from == to)
		return;
	this_cpu_inc(memdesc_transitions.matrix[from][to]);
	this_cpu_inc(memdesc_transitions.by_source[source]);
}

/*
 * The class of a word a probe stores, looked up in the caller: a probe
 * that builds its word from a constant type, subtype and state (the
 * allocator's events) gets a constant index, and the lookup is one load.
 */
static __always_inline unsigned int memdesc_store_class(u64 word)
{
	return memdesc_class_of[memdesc_class_index(word)];
}

static __always_inline void memdesc_count_transition(u64 old, u64 new,
						     enum memdesc_stat source)
{
	memdesc_count_transition_to(old, memdesc_store_class(new), source);
}

void memdesc_stats_init(void);
unsigned long memdesc_stat_read(enum memdesc_stat stat);
void memdesc_stats_reset(void);
const char *memdesc_counter_name(enum memdesc_stat stat);
void memdesc_transitions_read(struct memdesc_transitions *sum);

/* === Allocations (memdesc_alloc.c) === */

bool memdesc_fail_alloc(void);
void memdesc_fail_alloc_clear(void);
void *memdesc_kvmalloc(size_t n, size_t size, gfp_t gfp, int nid);
void *memdesc_kvmalloc_near(size_t bytes, gfp_t gfp, int nid, bool anywhere);
void memdesc_kvfree(const void *p);
char *memdesc_kstrdup(const char *s, gfp_t gfp);
void *memdesc_get_page(gfp_t gfp);
void memdesc_put_page(void *p);
void memdesc_alloc_report(void);

/* === Test points (memdesc_testpoint.c) === */

/* Places in sleepable walks where a test can park one (testpoint=). */
enum memdesc_testpoint {
	MEMDESC_TP_PCP,		/* before a hold of a per-cpu list's lock */
	MEMDESC_TP_SYNC_COARSE,	/* resync: a coarse block read, not its live */
	MEMDESC_TP_DEFER,	/* the worker, before it takes a queued area */
	MEMDESC_NR_TP,
};

void memdesc_testpoint(enum memdesc_testpoint tp, const char *what);
void memdesc_testpoint_exit(void);

/* === Shadow store (memdesc_shadow.c) === */

/* PFNs per chunk: one memory section, the memmap's own unit. */
#define MEMDESC_CHUNK_PFNS	PAGES_PER_SECTION
#define MEMDESC_CHUNK_BYTES	(MEMDESC_CHUNK_PFNS * sizeof(u64))
/* PFNs per block: the largest buddy block; gigantic folios go coarse. */
#define MEMDESC_BLOCK_PFNS	MAX_ORDER_NR_PAGES
#define MEMDESC_BLOCK_ORDER	ilog2(MEMDESC_BLOCK_PFNS)
#define MEMDESC_BLOCKS		(MEMDESC_CHUNK_PFNS / MEMDESC_BLOCK_PFNS)

struct memdesc_section;

/* memdesc_view.nr after the last listed section. */
#define MEMDESC_VIEW_END	ULONG_MAX

/**
 * struct memdesc_view - one listed section, as a walk sees it
 * @nr:		section number, or MEMDESC_VIEW_END
 * @start_pfn:	its first PFN
 * @index:	its place among the listed sections: the raw file holds it
 *		at byte @index * MEMDESC_CHUNK_BYTES
 * @nid:	node of its memory
 * @words:	its chunk, or NULL: online but untracked
 * @owners:	its owner slots, or NULL: owners off, or no memory for them
 * @sec:	its table entry, private to memdesc_shadow.c
 *
 * Valid while memdesc_shadow_lock() is held.
 */
struct memdesc_view {
	unsigned long nr;
	unsigned long start_pfn;
	unsigned long index;
	int nid;
	u64 *words;
	u32 *owners;
	struct memdesc_section *sec;
};

int memdesc_shadow_init(void);
void memdesc_shadow_destroy(void);
void memdesc_shadow_reconcile(void);
void memdesc_shadow_online(unsigned long start_pfn, unsigned long nr_pages);
void memdesc_shadow_online_done(unsigned long start_pfn,
				unsigned long nr_pages);
void memdesc_shadow_offline(unsigned long start_pfn, unsigned long nr_pages);

void memdesc_shadow_lock(void);
void memdesc_shadow_unlock(void);
bool memdesc_shadow_first(struct memdesc_view *v);
bool memdesc_shadow_next(struct memdesc_view *v);
const u64 *memdesc_view_block(const struct memdesc_view *v, unsigned int block,
			      u64 *buf);
u64 memdesc_view_word(const struct memdesc_view *v, unsigned long i);
u64 *memdesc_view_raw(const struct memdesc_view *v, unsigned int block,
		      unsigned long *seen);
bool memdesc_view_uncoarse(const struct memdesc_view *v, unsigned int block,
			   unsigned long seen);
const char *memdesc_view_backing(const struct memdesc_view *v, int *nid,
				 unsigned long *pfn);
bool memdesc_shadow_word_at(unsigned long pfn, u64 *word);
unsigned long memdesc_shadow_first_pfn(void);
bool memdesc_shadow_pfn_valid(unsigned long pfn);

ssize_t memdesc_shadow_copy(char __user *ubuf, size_t count, loff_t *pos);
unsigned long memdesc_shadow_pfns(void);
unsigned long memdesc_shadow_untracked_pfns(void);
size_t memdesc_shadow_word_bytes(void);
size_t memdesc_shadow_table_bytes(void);
size_t memdesc_shadow_bytes(void);
unsigned long memdesc_shadow_chunks(unsigned long *remote,
				    unsigned long *vmalloc);

u64 memdesc_shadow_get(struct page *page);
bool memdesc_shadow_replace(struct page *page, u64 old, u64 new,
			    enum memdesc_stat source);
int memdesc_shadow_owners_attach(void);
void memdesc_shadow_owners_detach(void);
size_t memdesc_shadow_owner_bytes(void);
u32 *memdesc_shadow_owner_slot(struct page *page);
bool memdesc_shadow_owner_at(unsigned long pfn, u32 *owner);
void memdesc_shadow_set_block_class(struct page *page, unsigned int order,
				    u64 word, unsigned int class,
				    enum memdesc_stat source);

/**
 * memdesc_shadow_set_block - describe a whole allocation or free chunk
 * @page:	its first page
 * @order:	its order
 * @word:	the word for every PFN of it; the head bit is added to the first
 * @source:	the event, for the transition counts
 *
 * memdesc_shadow_set_block_class() with @word's class, looked up here, in
 * the probe: one load for the allocator's events (memdesc_store_class()).
 */
static __always_inline void memdesc_shadow_set_block(struct page *page,
						     unsigned int order,
						     u64 word,
						     enum memdesc_stat source)
{
	memdesc_shadow_set_block_class(page, order, word,
				       memdesc_store_class(word), source);
}

/*
 * Every listed section, in PFN order, under memdesc_shadow_lock(); @v is a
 * struct memdesc_view.
 */
#define memdesc_for_each_section(v)					\
	for (memdesc_shadow_first(v); (v)->nr != MEMDESC_VIEW_END;	\
	     memdesc_shadow_next(v))

/* === Free blocks (memdesc_buddy.c) === */

void memdesc_buddy_block(const u64 *words, u64 *out);

/* === Deferred work (memdesc_defer.c) === */

/*
 * Pages a hook does itself before it leaves an area's rest to the worker:
 * the test parameter defer_inline, MEMDESC_DEFER_INLINE unless a test
 * sets it (0 sends every page through the worker).
 */
#define MEMDESC_DEFER_INLINE	32
extern unsigned int memdesc_defer_inline;

/**
 * struct memdesc_deferred - the rest of an area, queued by a probe
 * @state:	enum memdesc_defer_state, private to memdesc_defer.c
 * @step:	does page @i of the area, then the caller advances @i; runs
 *		as a probe does (preemption off), never sleeps
 * @i:		the next page to do
 * @nr:		pages in the area
 * @addr:	the area: a virtual address or a PFN, as @step reads it
 * @size:	bytes per CPU's copy, for a per-cpu area
 * @cpu:	the possible CPU whose copy @step is at, for a per-cpu area
 * @cpu_nr:	which possible CPU that is, counting from 0
 * @sub:	the subtype, for a vmalloc area
 * @source:	the event, for the transition counts
 */
struct memdesc_deferred {
	atomic_t state;
	void (*step)(struct memdesc_deferred *d);
	unsigned long i;
	unsigned long nr;
	unsigned long addr;
	unsigned long size;
	unsigned int cpu;
	unsigned int cpu_nr;
	unsigned int sub;
	enum memdesc_stat source;
};

bool memdesc_defer(const struct memdesc_deferred *area);
void memdesc_defer_left(unsigned long nr);
void memdesc_defer_resync_open(int (*resync)(void));
void memdesc_defer_resync_close(void);
void memdesc_defer_store(struct memdesc_deferred *d, struct page *page,
			 u64 (*make)(struct memdesc_deferred *d,
				     struct page *page, u64 old),
			 bool (*there)(struct memdesc_deferred *d,
				       struct page *page));
void memdesc_defer_flush(void);
void memdesc_defer_stop(void);

/* === Allocation sites (memdesc_owners.c) === */

/* Owners on; patched into the allocation and free probes. */
DECLARE_STATIC_KEY_FALSE(memdesc_owners_key);

/**
 * struct memdesc_owner_site - allocated pages of one class from one site
 * @handle:	stack depot handle, or MEMDESC_OWNER_UNKNOWN/_UNSAVED
 * @class:	enum memdesc_class
 * @pages:	PFNs
 * @blocks:	of those, block heads
 */
struct memdesc_owner_site {
	u32 handle;
	unsigned int class;
	unsigned long pages;
	unsigned long blocks;
};

/**
 * struct memdesc_owner_census - allocated pages by (site, class)
 * @sites:	@nr sites, most pages first
 * @nr:		sites
 * @cap:	entries @sites has room for
 * @pages:	allocated PFNs counted
 * @unknown_pages: of those, allocated before owners went on
 * @unsaved_pages: of those, whose stack the depot had no room for
 * @handles:	the depot handles of @sites, sorted, each once
 * @nr_handles:	entries in @handles
 */
struct memdesc_owner_census {
	struct memdesc_owner_site *sites;
	unsigned long nr;
	u32 *handles;
	unsigned long nr_handles;
	unsigned long cap;
	unsigned long pages;
	unsigned long unknown_pages;
	unsigned long unsaved_pages;
};

u32 memdesc_owner_record(struct page *page, u32 handle);
void memdesc_owner_clear(struct page *page);
void memdesc_owners_init(void);
int memdesc_owners_start(void);
void memdesc_owners_stop(void);
bool memdesc_owners_on(unsigned long *since);
struct memdesc_owner_census *memdesc_owners_census(void);
void memdesc_owners_census_free(struct memdesc_owner_census *c);
bool memdesc_owner_locked(unsigned long pfn, u64 word, u32 *owner);
bool memdesc_owner_of(unsigned long pfn, u32 *owner);

/* === Probes (memdesc_probes.c) === */

/*
 * The word's zone and node fields sit where x86-64's page->flags keeps
 * them with SPARSEMEM_VMEMMAP (ZONES_PGSHIFT 51, NODES_PGSHIFT 54, 3 and
 * 10 bits wide: Debian's 6.1 and 6.12 alike), so one mask of the flags
 * gives both.  A kernel whose layout differs in any of the four takes the
 * two reads instead; the choice is made at build time.
 */
#define MEMDESC_PLACE_IN_FLAGS						\
	(ZONES_PGSHIFT - MEMDESC_ZONE_SHIFT == 0 &&			\
	 ZONES_WIDTH - MEMDESC_ZONE_BITS == 0 &&			\
	 NODES_PGSHIFT - MEMDESC_NODE_SHIFT == 0 &&			\
	 NODES_WIDTH - MEMDESC_NODE_BITS == 0)
#define MEMDESC_PLACE_MASK						\
	((u64)MEMDESC_ZONE_MAX << MEMDESC_ZONE_SHIFT |			\
	 (u64)MEMDESC_NODE_MAX << MEMDESC_NODE_SHIFT)

/**
 * memdesc_page_word - a PAGE word for @page, its zone and node its own
 * @page:	the page
 * @type:	enum memdesc_type
 * @subtype:	the misc subtype, 0 for other types
 * @order:	the block's order
 *
 * For probes: no range checks, as __memdesc_pack().
 */
static __always_inline u64 memdesc_page_word(const struct page *page,
					     unsigned int type,
					     unsigned int subtype,
					     unsigned int order)
{
	u64 place;

	if (MEMDESC_PLACE_IN_FLAGS)
		place = READ_ONCE(page->flags) & MEMDESC_PLACE_MASK;
	else
		place = (u64)page_zonenum(page) << MEMDESC_ZONE_SHIFT |
			(u64)page_to_nid(page) << MEMDESC_NODE_SHIFT;
	return __memdesc_pack(type, subtype, order, 0, 0) | place;
}

/* Tracking on or off (control file); patched out of the probes when on. */
DECLARE_STATIC_KEY_TRUE(memdesc_tracking);

/* Count an event, or tell the probe to return if tracking is off. */
static __always_inline bool memdesc_event(enum memdesc_stat event)
{
	if (!static_branch_likely(&memdesc_tracking))
		return false;
	memdesc_count(event);
	return true;
}

void memdesc_retype(struct page *page, enum memdesc_stat source);
void memdesc_set_lru_type(struct folio *folio, enum memdesc_stat source);
void memdesc_mark_detail(struct page *head, unsigned int detail,
			 enum memdesc_stat source);
void memdesc_set_type(struct page *page, unsigned int type, bool mappable,
		      enum memdesc_stat source);
void memdesc_mark_free(struct page *page, unsigned int order,
		       enum memdesc_stat source);
void memdesc_mark_hwpoison(struct page *page, enum memdesc_stat source);

int memdesc_probe_skip(enum memdesc_stat event);
int memdesc_probes_register(void);
void memdesc_probes_unregister(void);
void memdesc_probes_track(bool on);
bool memdesc_probes_tracking(void);
const char *memdesc_probe_name(enum memdesc_stat event);
bool memdesc_probe_attached(enum memdesc_stat event);

/* === Function hooks (memdesc_hooks.c) === */

void memdesc_hooks_register(void);
void memdesc_hooks_unregister(void);
const char *memdesc_hook_name(enum memdesc_stat event);
bool memdesc_hook_attached(enum memdesc_stat event);
void memdesc_hook_skip(enum memdesc_stat event);
unsigned long memdesc_hooks_missed(void);

/* === Event sources (memdesc_events.c) === */

int memdesc_events_register(const char *skip_events);
void memdesc_events_unregister(void);
const char *memdesc_event_name(enum memdesc_stat event);
enum memdesc_stat memdesc_event_by_name(const char *name);
bool memdesc_event_attached(enum memdesc_stat event);

/* === Sync (memdesc_sync.c) === */

int memdesc_sync_seed(void);
int memdesc_sync_resync(void);
int memdesc_sync_left(void);
bool memdesc_sync_seeded(void);
int memdesc_sync_hotplug_register(void);
void memdesc_sync_hotplug_unregister(void);
void memdesc_sync_enable(void);

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

bool memdesc_vmalloc_walkable(void);
int memdesc_vmalloc_snapshot(struct memdesc_vmalloc_set *set);
bool memdesc_vmalloc_lookup(const struct memdesc_vmalloc_set *set,
			    unsigned long pfn, bool *user);
void memdesc_vmalloc_release(struct memdesc_vmalloc_set *set);

/* === Live classifier (memdesc_live.c) === */

/**
 * struct memdesc_live_walk - state of one ascending walk over the PFNs
 * @buddy_start: first PFN of the free buddy block last met, or 0
 * @buddy_end:	one past its last PFN; 0 when none
 * @buddy_tail: the word of its tails (free, its order, zone and node)
 * @tail_head:	head of the compound page whose tail the walk last met
 * @tail_word:	the word of that page's tails
 * @pcp:	snapshot of the per-cpu free lists, sorted by PFN
 * @nr_pcp:	chunks in @pcp
 * @vmalloc:	snapshot of the pages mapped in vmalloc space; empty where
 *		the kernel cannot be walked (see memdesc_vmalloc.c)
 *
 * A free block's tail pages carry no mark of their own; the walk remembers
 * the block whose head it passed so tails cost O(1), and a compound page's
 * tails are classified once, from the head.  Per-cpu pages carry no
 * mark at all; the snapshot taken at walk start names them.
 */
struct memdesc_live_walk {
	unsigned long buddy_start;
	unsigned long buddy_end;
	u64 buddy_tail;
	struct page *tail_head;
	u64 tail_word;
	struct memdesc_pcp_chunk *pcp;
	unsigned long nr_pcp;
	struct memdesc_vmalloc_set vmalloc;
};

bool memdesc_live_offline_begin(void);
void memdesc_live_offline_end(void);
void memdesc_live_offline_close(void);
int memdesc_live_walk_start(struct memdesc_live_walk *walk);
u64 memdesc_live_walk_word(struct memdesc_live_walk *walk, unsigned long pfn);
void memdesc_live_walk_range(struct memdesc_live_walk *walk, unsigned long pfn,
			     unsigned long nr, u64 *out);
void memdesc_live_walk_end(struct memdesc_live_walk *walk);
u64 memdesc_live_kind_word(struct page *head);
u64 memdesc_live_lru_word(struct folio *folio);
const char *memdesc_zone_name(int nid, unsigned int zone);

/* === Compare (memdesc_compare.c) === */

/* Mismatches looked at again after the walk; past this, unchecked. */
#define MEMDESC_RECHECK_MAX	65536
/* Example PFNs kept per off-diagonal matrix cell. */
#define MEMDESC_EXAMPLES	4

/**
 * struct memdesc_mismatch - a PFN whose shadow and live words disagree
 * @pfn:	the PFN
 * @shadow:	shadow word
 * @live:	live word
 * @fields:	MEMDESC_CMP_BIT()s of the fields that disagree
 * @owner:	its block's owner slot (memdesc_owner_locked()), if
 *		memdesc_compare.owners; else MEMDESC_OWNER_UNKNOWN
 */
struct memdesc_mismatch {
	unsigned long pfn;
	u64 shadow;
	u64 live;
	unsigned int fields;
	u32 owner;
};

/* Sites listed per matrix cell of persistent disagreements, at most. */
#define MEMDESC_CELL_SITES	3

/**
 * struct memdesc_cell_site - disagreeing PFNs of one cell from one site
 * @shadow:	shadow class
 * @live:	live class
 * @owner:	the site: a depot handle, or MEMDESC_OWNER_UNKNOWN/UNSAVED
 * @pages:	persistent disagreements of the cell from the site
 */
struct memdesc_cell_site {
	u8 shadow;
	u8 live;
	u32 owner;
	unsigned long pages;
};

/**
 * struct memdesc_compare - result of one compare
 * @compared:	online PFNs walked
 * @unknown:	of those, shadow words still UNKNOWN
 * @untracked:	of those, PFNs whose section has no chunk
 * @rechecked:	PFNs that disagreed in the walk and were looked at again
 * @unchecked:	disagreements past MEMDESC_RECHECK_MAX, counted persistent
 * @agree:	per field, PFNs that agree in the end
 * @disagree:	per field, PFNs that disagree in the end (persistent)
 * @transient:	per field, PFNs that disagreed in the walk, not on recheck
 * @matrix:	PFNs per shadow class (row) and live class (column), final
 * @examples:	up to MEMDESC_EXAMPLES persistent PFNs per matrix cell
 * @nr_examples: how many of @examples are set
 * @mis:	the disagreements; after the recheck, the persistent ones
 * @nr_mis:	entries in @mis
 * @owners:	owners were on: @mis carry their owners, and @sites is set
 * @sites:	the top MEMDESC_CELL_SITES sites of each cell's persistent
 *		disagreements, by cell, then pages
 * @nr_sites:	entries in @sites
 * @buf:	a block of shadow words, for the walk
 * @live:	the live words of that block
 * @run_shadow:	the shadow word of the walk's current run of PFNs
 * @run_live:	its live word
 * @run_n:	PFNs in the run, not yet counted
 * @walk_check:	each PFN is also classified alone (the walk_check parameter)
 * @walk_differ: PFNs for which that disagreed with the block walk
 */
struct memdesc_compare {
	unsigned long compared;
	unsigned long unknown;
	unsigned long untracked;
	unsigned long rechecked;
	unsigned long unchecked;
	unsigned long agree[MEMDESC_NR_CMP_FIELDS];
	unsigned long disagree[MEMDESC_NR_CMP_FIELDS];
	unsigned long transient[MEMDESC_NR_CMP_FIELDS];
	unsigned long matrix[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES];
	unsigned long examples[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES]
			      [MEMDESC_EXAMPLES];
	u8 nr_examples[MEMDESC_NR_CLASSES][MEMDESC_NR_CLASSES];
	struct memdesc_mismatch *mis;
	unsigned long nr_mis;
	bool owners;
	struct memdesc_cell_site *sites;
	unsigned long nr_sites;
	u64 buf[MEMDESC_BLOCK_PFNS];
	u64 live[MEMDESC_BLOCK_PFNS];
	u64 run_shadow;
	u64 run_live;
	unsigned long run_n;
	bool walk_check;
	unsigned long walk_differ;
};

struct memdesc_compare *memdesc_compare_run(void);
void memdesc_compare_free(struct memdesc_compare *c);
unsigned long memdesc_compare_nr_mismatches(const struct memdesc_compare *c);

/* === Census (memdesc_census.c) === */

struct memdesc_census;

struct memdesc_census *memdesc_census_run(unsigned long *max_pfn);
void memdesc_census_free(struct memdesc_census *c);

/* === Reports (memdesc_report.c, memdesc_projection.c) === */

int memdesc_report_summary(struct seq_file *m);
int memdesc_report_compare(struct seq_file *m);
int memdesc_report_stats(struct seq_file *m);
int memdesc_report_pfn(struct seq_file *m, unsigned long pfn);
int memdesc_report_transitions(struct seq_file *m);
int memdesc_report_layout(struct seq_file *m);
int memdesc_report_sections(struct seq_file *m);
int memdesc_report_projection(struct seq_file *m);
void memdesc_compare_print(struct seq_file *m, const struct memdesc_compare *c);
void memdesc_report_owners_head(struct seq_file *m,
				const struct memdesc_owner_census *c);
void memdesc_report_owner_site(struct seq_file *m,
			       const struct memdesc_owner_site *site);
void memdesc_report_owner_stack(struct seq_file *m, u32 handle);
void memdesc_report_mismatch(struct seq_file *m,
			     const struct memdesc_compare *c, unsigned long i);

/* === debugfs (debugfs.c) === */

int memdesc_debugfs_init(void);
void memdesc_debugfs_exit(void);

#endif /* _MEMDESC_H */
