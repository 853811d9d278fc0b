// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint probes that keep the shadow current.
 *
 * Probes run in any context the page allocator runs in: IRQ, NMI-free atomic
 * sections, under zone->lock.  So they never sleep, never allocate and never
 * take a lock; each is a counter increment and at most MEMDESC_BLOCK_PFNS
 * word stores, whatever the order (memdesc_shadow_set_block()).
 *
 * The kmem page events say allocated or free.  What a page is comes from
 * the events that see a page change kind: page cache add and delete, LRU
 * insertion, slab object allocation, page_pool hold and release, memory
 * failure, KSM merges.  Where the event means "this folio is what it now
 * is", the probe reads the page's flags at the time of the event with the
 * live classifier (memdesc_live_kind_word()); the others set the type the
 * event names.
 *
 * The __tracepoint_* symbols are not exported, so probes attach by name,
 * through for_each_kernel_tracepoint(), as mm/kfence/kfence_test.c does.
 *
 * The probes of the allocator's and the LRU's events, the ones a fault or
 * an allocation pays, are notrace: untraced, an ftrace entry is still an
 * instruction an event (make bench-gate counts them), and tracing one would
 * trace the page allocator's fast path.  The rarer probes stay traceable,
 * as make bench-preemptoff's handler tracing needs.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/jump_label.h>
#include <linux/slab.h>		/* 6.1's kmem.h uses struct kmem_cache */
#include <linux/tracepoint.h>
#include <trace/events/filemap.h>
#include <trace/events/kmem.h>
#include <trace/events/page_pool.h>
#include <trace/events/pagemap.h>
#include <trace/events/percpu.h>
#include <ras/ras_event.h>

#include "memdesc.h"
#include "memdesc_compat.h"

#ifdef MEMDESC_HAVE_KSM_EVENTS
#include <trace/events/ksm.h>
#endif

DEFINE_STATIC_KEY_TRUE(memdesc_tracking);

/* An allocated page's word: the events do not say what it will become. */
static u64 memdesc_alloc_word(struct page *page, unsigned int order)
{
	return memdesc_page_word(page, MEMDESC_TYPE_MISC, MEMDESC_SUB_DRIVER,
				 order);
}

static u64 memdesc_free_word(struct page *page, unsigned int order)
{
	return memdesc_page_word(page, MEMDESC_TYPE_FREE, 0, order);
}

/* Set once a page has been poisoned: free blocks then keep such words. */
static bool memdesc_hwpoison_seen;

/**
 * memdesc_mark_hwpoison - describe a poisoned page
 * @page:	the page, order 0 from here on
 * @source:	the event, for the transition counts
 */
void memdesc_mark_hwpoison(struct page *page, enum memdesc_stat source)
{
	if (!READ_ONCE(memdesc_hwpoison_seen))
		WRITE_ONCE(memdesc_hwpoison_seen, true);
	memdesc_shadow_set_block(page, 0,
				 __memdesc_pack(MEMDESC_TYPE_HWPOISON, 0, 0,
						page_zonenum(page),
						page_to_nid(page)),
				 source);
}

/* Poisoned pages of one freed block whose words memdesc keeps. */
#define MEMDESC_POISON_KEPT	8

/*
 * A block freed with poisoned pages in it: a hugetlb folio dissolved after
 * memory_failure() moves PG_hwpoison from its head, which stood for the
 * whole folio, to the raw error pages (folio_clear_hugetlb_hwpoison()) and
 * frees the folio whole, and the allocator keeps those pages on its lists
 * until an allocation finds them (check_new_page()).  So a block whose
 * shadow held a hwpoison word has its pages' flags read: the pages that
 * carry PG_hwpoison now are hwpoison, the head that carried it for the
 * folio no longer.  Out of line and only once a page has been poisoned;
 * at most MEMDESC_BLOCK_PFNS words and as many flags read, no more than
 * the store writes.
 */
static noinline void memdesc_free_keep_poison(struct page *page,
					      unsigned int order, u64 word,
					      enum memdesc_stat source)
{
	unsigned long i, nr = min(1UL << order, MEMDESC_BLOCK_PFNS);
	struct page *kept[MEMDESC_POISON_KEPT];
	unsigned int n = 0;
	u64 old;

	for (i = 0; i < nr; i++) {
		old = memdesc_shadow_get(page + i);
		if (memdesc_word_is_page(old) &&
		    memdesc_word_type(old) == MEMDESC_TYPE_HWPOISON)
			break;
	}
	if (i < nr)
		for (i = 0; i < nr && n < MEMDESC_POISON_KEPT; i++)
			if (PageHWPoison(page + i))
				kept[n++] = page + i;
	memdesc_shadow_set_block(page, order, word, source);
	for (i = 0; i < n; i++)
		memdesc_mark_hwpoison(kept[i], source);
}

static void memdesc_store_free(struct page *page, unsigned int order,
			       u64 word, enum memdesc_stat source)
{
	if (unlikely(order && READ_ONCE(memdesc_hwpoison_seen)))
		memdesc_free_keep_poison(page, order, word, source);
	else
		memdesc_shadow_set_block(page, order, word, source);
}

/**
 * memdesc_mark_free - describe a free chunk on the buddy's free lists
 * @page:	its first page
 * @order:	its order
 * @source:	the event, for the transition counts
 */
void memdesc_mark_free(struct page *page, unsigned int order,
		       enum memdesc_stat source)
{
	memdesc_store_free(page, order, memdesc_free_word(page, order), source);
}

/* The same, for a chunk on a per-cpu list. */
static void memdesc_mark_pcp(struct page *page, unsigned int order,
			     enum memdesc_stat source)
{
	memdesc_store_free(page, order,
			   memdesc_free_word(page, order) | MEMDESC_PCP,
			   source);
}

/* Failed allocations are traced too, with a NULL page. */
static notrace void memdesc_probe_page_alloc(void *data, struct page *page,
					     unsigned int order,
					     gfp_t gfp_flags, int migratetype)
{
	if (!memdesc_event(MEMDESC_EV_PAGE_ALLOC))
		return;
	if (unlikely(!page)) {
		memdesc_count(MEMDESC_STAT_ALLOC_FAILED);
		return;
	}
	memdesc_shadow_set_block(page, order, memdesc_alloc_word(page, order),
				 MEMDESC_EV_PAGE_ALLOC);
	if (static_branch_unlikely(&memdesc_owners_key))
		memdesc_owner_record(page, 0);
}

/**
 * memdesc_retype - describe a page's allocation as it is now
 * @page:	any page of it
 * @source:	the event, for the transition counts
 *
 * The live classifier's word for the whole allocation, at the time of the
 * event.  Never sleeps, allocates or locks.
 */
void memdesc_retype(struct page *page, enum memdesc_stat source)
{
	struct page *head = compound_head(page);
	u64 word = memdesc_live_kind_word(head);

	memdesc_shadow_set_block(head, memdesc_word_order(word), word, source);
}

/**
 * memdesc_set_type - give a page's whole allocation a type the event names
 * @page:	any page of it
 * @type:	enum memdesc_type, not MISC with a subtype
 * @mappable:	may be mapped to user space
 * @source:	the event, for the transition counts
 */
void memdesc_set_type(struct page *page, unsigned int type, bool mappable,
		      enum memdesc_stat source)
{
	struct page *head = compound_head(page);
	unsigned int order = compound_order(head);
	u64 word;

	/*
	 * Read racily, as the event's page may be splitting or freed: an
	 * order no folio can have goes no further, not even into the word.
	 */
	if (unlikely(order > MEMDESC_MAX_FOLIO_ORDER)) {
		memdesc_count(MEMDESC_STAT_BAD_BLOCK);
		return;
	}
	word = memdesc_page_word(head, type, 0, order);
	memdesc_shadow_set_block(head, order,
				 mappable ? word | MEMDESC_MAPPABLE : word, source);
}

/*
 * free_pages_prepare() emits this for every freed block, batched or not,
 * before the block reaches a per-cpu or buddy list - and before it keeps a
 * poisoned order-0 page off those lists, so such a page stays hwpoison.
 * Which list is the allocator's own rule (memdesc_pcp_order()): a block
 * of an order the per-cpu lists take goes there, unless its pageblock is
 * isolated or the list's lock is contended, which this event cannot tell.
 */
static notrace void memdesc_probe_page_free(void *data, struct page *page,
					    unsigned int order)
{
	if (!memdesc_event(MEMDESC_EV_PAGE_FREE))
		return;
	if (unlikely(!order && PageHWPoison(page))) {
		memdesc_mark_hwpoison(page, MEMDESC_EV_PAGE_FREE);
		return;
	}
	if (memdesc_pcp_order(order))
		memdesc_mark_pcp(page, order, MEMDESC_EV_PAGE_FREE);
	else
		memdesc_mark_free(page, order, MEMDESC_EV_PAGE_FREE);
	if (static_branch_unlikely(&memdesc_owners_key))
		memdesc_owner_clear(page);
}

/*
 * The batched free path emits this after mm_page_free for the same block, so
 * the block normally reads free already.  The order cannot come from the
 * page: free_pages_prepare() has cleared the compound state, and 6.12's
 * free_unref_folios() zeroes folio->private (where it kept the order) just
 * before the event.  If the word is not free, the shadow's own order of the
 * allocation is the best the module has.
 */
static notrace void memdesc_probe_page_free_batched(void *data,
						    struct page *page)
{
	u64 word;

	if (!memdesc_event(MEMDESC_EV_PAGE_FREE_BATCHED))
		return;
	word = memdesc_shadow_get(page);
	if (unlikely(memdesc_word_state(word) == MEMDESC_STATE_UNTRACKED)) {
		memdesc_count(MEMDESC_STAT_OUT_OF_RANGE);
		return;
	}
	if (memdesc_word_is_free(word))
		return;
	/* The batched path frees to the per-cpu lists. */
	memdesc_mark_pcp(page, memdesc_word_is_page(word) ?
			 memdesc_word_order(word) : 0,
			 MEMDESC_EV_PAGE_FREE_BATCHED);
}

/*
 * A chunk leaves the buddy lists under zone->lock: for a per-cpu list refill,
 * or for an allocation that mm_page_alloc will report next.  Either way it is
 * free right now, at this order, which buddy splitting (no event) may have
 * made smaller than the block the shadow last saw; and off the buddy's
 * lists, so it merges with nothing.
 */
static notrace void memdesc_probe_alloc_zone_locked(void *data,
						    struct page *page,
						    unsigned int order,
						    int migratetype,
						    int percpu_refill)
{
	if (!memdesc_event(MEMDESC_EV_ALLOC_ZONE_LOCKED))
		return;
	memdesc_mark_pcp(page, order, MEMDESC_EV_ALLOC_ZONE_LOCKED);
}

/*
 * A chunk taken from a free block of another migratetype, under
 * zone->lock.  Where the fallback goes through __rmqueue_smallest(), the
 * zone_locked event has said so; 6.12's __rmqueue_steal() splits the block
 * itself (page_del_and_expand()) and emits only this one, for the chunk of
 * @alloc_order, which then goes to a per-cpu list or to the caller, as
 * after mm_page_alloc_zone_locked.  On kernels whose event names the
 * stolen block's head while it is still on the free lists (6.1's
 * __rmqueue_fallback(), which retries __rmqueue_smallest() after), the
 * page is still PageBuddy() and nothing has left the lists yet.
 */
static notrace void memdesc_probe_alloc_extfrag(void *data, struct page *page,
						int alloc_order,
						int fallback_order,
						int alloc_migratetype,
						int fallback_migratetype)
{
	if (!memdesc_event(MEMDESC_EV_ALLOC_EXTFRAG))
		return;
	if (PageBuddy(page) || alloc_order < 0 ||
	    alloc_order > MEMDESC_MAX_FOLIO_ORDER)
		return;
	memdesc_mark_pcp(page, alloc_order, MEMDESC_EV_ALLOC_EXTFRAG);
}

/* A per-cpu chunk goes back to the buddy lists, still free. */
static notrace void memdesc_probe_pcpu_drain(void *data, struct page *page,
					     unsigned int order,
					     int migratetype)
{
	if (!memdesc_event(MEMDESC_EV_PCPU_DRAIN))
		return;
	memdesc_mark_free(page, order, MEMDESC_EV_PCPU_DRAIN);
}

/**
 * memdesc_mark_detail - say what a misc allocation is, finer than its type
 * @head:	its first page
 * @detail:	enum memdesc_detail
 * @source:	the event, for the transition counts
 *
 * Only a misc page's word takes a detail: a page that is something else by
 * now stays what it is.  The order is the word's own.  Never sleeps,
 * allocates or locks.
 */
void memdesc_mark_detail(struct page *head, unsigned int detail,
			 enum memdesc_stat source)
{
	u64 word = memdesc_shadow_get(head);

	if (!memdesc_word_is_page(word) ||
	    memdesc_word_type(word) != MEMDESC_TYPE_MISC ||
	    memdesc_word_detail(word) == detail)
		return;
	memdesc_shadow_set_block(head, memdesc_word_order(word),
				 memdesc_word_with_detail(word & ~MEMDESC_HEAD,
							  detail), source);
}

/*
 * An object came from a slab: its page became slab when the slab was made,
 * with no event then.  One read per object while the shadow already knows.
 * Large kmalloc (no PageSlab) keeps the word mm_page_alloc gave it, with
 * the detail that says so.
 */
static void memdesc_note_object(const void *ptr, enum memdesc_stat source)
{
	struct page *head;
	u64 word;

	if (unlikely(ZERO_OR_NULL_PTR(ptr)) || unlikely(!virt_addr_valid(ptr)))
		return;
	head = compound_head(virt_to_page(ptr));
	if (!PageSlab(head)) {
		if (source == MEMDESC_EV_KMALLOC)
			memdesc_mark_detail(head, MEMDESC_DETAIL_KMALLOC_LARGE,
					    source);
		return;
	}
	word = memdesc_shadow_get(head);
	if (unlikely(memdesc_word_state(word) == MEMDESC_STATE_UNTRACKED)) {
		memdesc_count(MEMDESC_STAT_OUT_OF_RANGE);
		return;
	}
	if (memdesc_word_is_page(word) &&
	    memdesc_word_type(word) == MEMDESC_TYPE_SLAB)
		return;
	memdesc_retype(head, source);
}

static void memdesc_probe_kmalloc(void *data, unsigned long call_site,
				  const void *ptr, size_t bytes_req,
				  size_t bytes_alloc, gfp_t gfp_flags, int node)
{
	if (!memdesc_event(MEMDESC_EV_KMALLOC))
		return;
	memdesc_note_object(ptr, MEMDESC_EV_KMALLOC);
}

static void memdesc_probe_kmem_cache_alloc(void *data, unsigned long call_site,
					   const void *ptr,
					   struct kmem_cache *s,
					   gfp_t gfp_flags, int node)
{
	if (!memdesc_event(MEMDESC_EV_KMEM_CACHE_ALLOC))
		return;
	memdesc_note_object(ptr, MEMDESC_EV_KMEM_CACHE_ALLOC);
}

/* Page cache (not shmem, whose pages first show on the LRU). */
static void memdesc_probe_filemap_add(void *data, struct folio *folio)
{
	if (!memdesc_event(MEMDESC_EV_FILEMAP_ADD))
		return;
	memdesc_retype(&folio->page, MEMDESC_EV_FILEMAP_ADD);
}

/*
 * Emitted before the folio's mapping is cleared: from here it is an
 * allocated page of no kind until the last reference frees it.  Not a
 * hugetlb folio, which stays what hugetlbfs owns (file) until
 * free_huge_folio() puts it back in the pool (the hook on its enqueue) or
 * dissolves it into the buddy allocator (free events) - or never, for a
 * folio memory_failure() kept out of use.
 */
static void memdesc_probe_filemap_delete(void *data, struct folio *folio)
{
	if (!memdesc_event(MEMDESC_EV_FILEMAP_DELETE))
		return;
	if (PageHuge(&folio->page))
		return;
	memdesc_set_type(&folio->page, MEMDESC_TYPE_MISC, false,
			 MEMDESC_EV_FILEMAP_DELETE);
}

/*
 * Every anonymous, shmem and page cache folio passes through the LRU, with
 * its anon/file identity settled by then (the rmap or the mapping is set
 * before the folio is added).
 */
/**
 * memdesc_set_lru_type - type a folio as it goes onto an LRU list or batch
 * @folio:	the folio
 * @source:	the event, for the transition counts
 */
void memdesc_set_lru_type(struct folio *folio, enum memdesc_stat source)
{
	u64 word = memdesc_live_lru_word(folio);

	memdesc_shadow_set_block(&folio->page, memdesc_word_order(word), word,
				 source);
}

static notrace void memdesc_probe_lru_insertion(void *data, struct folio *folio)
{
	if (!memdesc_event(MEMDESC_EV_LRU_INSERTION))
		return;
	memdesc_set_lru_type(folio, MEMDESC_EV_LRU_INSERTION);
}

/* A page enters a page_pool (pp_magic set just before). */
static void memdesc_probe_pp_hold(void *data, const struct page_pool *pool,
				  memdesc_pp_ref ref, u32 hold)
{
	struct page *page = memdesc_pp_page(ref);

	if (!memdesc_event(MEMDESC_EV_PP_HOLD))
		return;
	if (page)
		memdesc_set_type(page, MEMDESC_TYPE_NETPOOL, true,
				 MEMDESC_EV_PP_HOLD);
}

/* A page leaves its pool; its last put frees it (mm_page_free). */
static void memdesc_probe_pp_release(void *data, const struct page_pool *pool,
				     memdesc_pp_ref ref, u32 release)
{
	struct page *page = memdesc_pp_page(ref);

	if (!memdesc_event(MEMDESC_EV_PP_RELEASE))
		return;
	if (page)
		memdesc_set_type(page, MEMDESC_TYPE_MISC, false,
				 MEMDESC_EV_PP_RELEASE);
}

/*
 * The page that carries PG_hwpoison for a poisoned @page: itself, or, in a
 * hugetlb folio still in use, the folio's head, which stands for the whole
 * folio until it is dissolved (mm/memory-failure.c
 * folio_set_hugetlb_hwpoison(): the raw page only goes on a list).  The
 * live state calls that head hwpoison and the rest of the folio what it
 * was, and so does the shadow.
 */
static struct page *memdesc_poisoned_page(struct page *page)
{
	struct page *head = compound_head(page);

	if (head != page && !PageHWPoison(page) && PageHWPoison(head))
		return head;
	return page;
}

/* The page is poisoned (TestSetPageHWPoison) before the event. */
static void memdesc_probe_memory_failure(void *data, unsigned long pfn,
					 int type, int result)
{
	struct page *page = pfn_to_online_page(pfn);

	if (!memdesc_event(MEMDESC_EV_MEMORY_FAILURE))
		return;
	if (!page) {
		memdesc_count(MEMDESC_STAT_OUT_OF_RANGE);
		return;
	}
	memdesc_mark_hwpoison(memdesc_poisoned_page(page),
			      MEMDESC_EV_MEMORY_FAILURE);
}

#ifdef MEMDESC_HAVE_KSM_EVENTS
/*
 * A page was merged into the KSM page at @pfn, or became one (kpage NULL):
 * on success the page at @pfn is a stable KSM page now.
 */
static void memdesc_probe_ksm_merge(void *data, void *ksm_page,
				    unsigned long pfn, void *rmap_item,
				    void *mm, int err)
{
	struct page *page;

	if (!memdesc_event(MEMDESC_EV_KSM_MERGE))
		return;
	if (err)
		return;
	page = pfn_to_online_page(pfn);
	if (page)
		memdesc_retype(page, MEMDESC_EV_KSM_MERGE);
}

/*
 * A stable node goes (mm/ksm.c remove_node_from_stable_tree()): its page is
 * KSM no longer, or about to be freed.  Or it went already: a node that
 * ksm_get_folio() finds stale names a page freed since, which may sit on
 * a per-cpu list, where the classifier cannot tell it from a driver's
 * page, or be anyone's by now.  A page with no reference is left as the
 * free events put it; one taken again was typed by its own events.
 */
static void memdesc_probe_ksm_remove(void *data, unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (!memdesc_event(MEMDESC_EV_KSM_REMOVE))
		return;
	if (page && page_ref_count(compound_head(page)) > 0)
		memdesc_retype(page, MEMDESC_EV_KSM_REMOVE);
}
#else
#define memdesc_probe_ksm_merge		NULL
#define memdesc_probe_ksm_remove	NULL
#endif

/*
 * Page @d->i of a per-cpu allocation's copies, @d->nr / nr_cpu_ids pages
 * each (the copy of possible CPU @d->cpu at @d->i % that; @d->addr the
 * per-cpu pointer, @d->size its bytes), or 0 where none is: the copy
 * starts there, or is not in vmalloc space.  Called for ascending @d->i,
 * in the probe and then in the worker, it moves @d->cpu along.
 */
static unsigned long memdesc_percpu_page_addr(struct memdesc_deferred *d)
{
	unsigned long per_cpu = d->nr / nr_cpu_ids, addr;
	unsigned int j = d->i % per_cpu;

	for (; d->cpu_nr < d->i / per_cpu && d->cpu < nr_cpu_ids; d->cpu_nr++)
		d->cpu = cpumask_next(d->cpu, cpu_possible_mask);
	if (d->cpu >= nr_cpu_ids)
		return 0;
	addr = (unsigned long)per_cpu_ptr((void __percpu *)d->addr, d->cpu);
	if (!is_vmalloc_addr((void *)addr))
		return 0;
	addr = (addr & PAGE_MASK) + j * PAGE_SIZE;
	return addr < (unsigned long)per_cpu_ptr((void __percpu *)d->addr,
						 d->cpu) + d->size ? addr : 0;
}

/* The page behind the copy at @d->i, as the walk in the probe finds it. */
static struct page *memdesc_percpu_page(struct memdesc_deferred *d)
{
	unsigned long addr = memdesc_percpu_page_addr(d);

	return addr ? vmalloc_to_page((void *)addr) : NULL;
}

/* The word with the detail, for a misc page that lacks it. */
static u64 memdesc_percpu_make(struct memdesc_deferred *d, struct page *page,
			       u64 old)
{
	if (memdesc_word_order(old) ||
	    memdesc_word_type(old) != MEMDESC_TYPE_MISC ||
	    memdesc_word_detail(old) == MEMDESC_DETAIL_PERCPU)
		return 0;
	return memdesc_word_with_detail(old & ~MEMDESC_HEAD,
					MEMDESC_DETAIL_PERCPU);
}

/* Still behind the same copy, when the worker is done with it? */
static bool memdesc_percpu_there(struct memdesc_deferred *d, struct page *page)
{
	return memdesc_percpu_page(d) == page;
}

/* The worker's part: page @d->i of the copies. */
static void memdesc_percpu_step(struct memdesc_deferred *d)
{
	struct page *page = memdesc_percpu_page(d);

	if (page && !PageCompound(page))
		memdesc_defer_store(d, page, memdesc_percpu_make,
				    memdesc_percpu_there);
}

/*
 * A per-cpu allocation landed in a chunk: the pages behind its copies are
 * the chunk's, allocated by mm/percpu-vm.c with alloc_pages() and mapped
 * into vmalloc space.  The first chunk is embedded in the linear map from
 * memblock (reserved pages), so only copies at vmalloc addresses are
 * marked.  A page that no allocation has landed in yet - populated ahead
 * of use, or before the module loaded - stays plain driver until one does.
 * The probe marks memdesc_defer_inline pages of the copies; the worker
 * the rest (memdesc_defer.c), or with its queue full a resync.
 */
static void memdesc_probe_percpu_alloc(void *data, unsigned long call_site,
				       bool reserved, bool is_atomic,
				       size_t size, size_t align,
				       void *base_addr, int off,
				       void __percpu *ptr, size_t bytes_alloc,
				       gfp_t gfp_flags)
{
	struct memdesc_deferred here = {
		.step = memdesc_percpu_step, .source = MEMDESC_EV_PERCPU_ALLOC,
	};
	struct page *page;

	if (!memdesc_event(MEMDESC_EV_PERCPU_ALLOC) || !ptr || !size)
		return;
	here.addr = (unsigned long)ptr;
	here.size = size;
	here.cpu = cpumask_first(cpu_possible_mask);
	/* Pages a copy spans, at most: one more if it starts mid-page. */
	here.nr = (DIV_ROUND_UP(size, PAGE_SIZE) + 1) * nr_cpu_ids;
	for (; here.i < min_t(unsigned long, here.nr,
			      READ_ONCE(memdesc_defer_inline)); here.i++) {
		page = memdesc_percpu_page(&here);
		if (page)
			memdesc_mark_detail(page, MEMDESC_DETAIL_PERCPU,
					    MEMDESC_EV_PERCPU_ALLOC);
	}
	if (here.i < here.nr)
		memdesc_defer(&here);
}

/**
 * struct memdesc_probe - one tracepoint the module attaches to
 * @name:	the tracepoint's name
 * @func:	the probe
 * @required:	without it the shadow cannot be kept current: refuse to load
 * @skip:	named in skip_events: leave detached
 * @tp:		the tracepoint, once found
 * @attached:	registered successfully; read by stats
 */
struct memdesc_probe {
	const char *name;
	void *func;
	bool required;
	bool skip;
	struct tracepoint *tp;
	bool attached;
};

static struct memdesc_probe memdesc_probes[MEMDESC_EV_FIRST_HOOK] = {
	[MEMDESC_EV_PAGE_ALLOC] = {
		"mm_page_alloc", memdesc_probe_page_alloc, true },
	[MEMDESC_EV_PAGE_FREE] = {
		"mm_page_free", memdesc_probe_page_free, true },
	[MEMDESC_EV_PAGE_FREE_BATCHED] = {
		"mm_page_free_batched", memdesc_probe_page_free_batched },
	[MEMDESC_EV_ALLOC_ZONE_LOCKED] = {
		"mm_page_alloc_zone_locked", memdesc_probe_alloc_zone_locked },
	[MEMDESC_EV_PCPU_DRAIN] = {
		"mm_page_pcpu_drain", memdesc_probe_pcpu_drain },
	[MEMDESC_EV_ALLOC_EXTFRAG] = {
		"mm_page_alloc_extfrag", memdesc_probe_alloc_extfrag },
	[MEMDESC_EV_KMALLOC] = {
		"kmalloc", memdesc_probe_kmalloc },
	[MEMDESC_EV_KMEM_CACHE_ALLOC] = {
		"kmem_cache_alloc", memdesc_probe_kmem_cache_alloc },
	[MEMDESC_EV_FILEMAP_ADD] = {
		"mm_filemap_add_to_page_cache", memdesc_probe_filemap_add },
	[MEMDESC_EV_FILEMAP_DELETE] = {
		"mm_filemap_delete_from_page_cache",
		memdesc_probe_filemap_delete },
	[MEMDESC_EV_LRU_INSERTION] = {
		"mm_lru_insertion", memdesc_probe_lru_insertion },
	[MEMDESC_EV_PP_HOLD] = {
		"page_pool_state_hold", memdesc_probe_pp_hold },
	[MEMDESC_EV_PP_RELEASE] = {
		"page_pool_state_release", memdesc_probe_pp_release },
	[MEMDESC_EV_MEMORY_FAILURE] = {
		"memory_failure_event", memdesc_probe_memory_failure },
	[MEMDESC_EV_KSM_MERGE] = {
		"ksm_merge_with_ksm_page", memdesc_probe_ksm_merge },
	[MEMDESC_EV_KSM_REMOVE] = {
		"ksm_remove_ksm_page", memdesc_probe_ksm_remove },
	[MEMDESC_EV_PERCPU_ALLOC] = {
		"percpu_alloc_percpu", memdesc_probe_percpu_alloc },
};

/*
 * A probe whose prototype differs from the kernel's TP_PROTO would be called
 * with the wrong arguments: make that a build error.
 */
static void memdesc_probes_check_types(void)
{
	check_trace_callback_type_mm_page_alloc(memdesc_probe_page_alloc);
	check_trace_callback_type_mm_page_free(memdesc_probe_page_free);
	check_trace_callback_type_mm_page_free_batched(memdesc_probe_page_free_batched);
	check_trace_callback_type_mm_page_alloc_zone_locked(memdesc_probe_alloc_zone_locked);
	check_trace_callback_type_mm_page_pcpu_drain(memdesc_probe_pcpu_drain);
	check_trace_callback_type_mm_page_alloc_extfrag(memdesc_probe_alloc_extfrag);
	check_trace_callback_type_kmalloc(memdesc_probe_kmalloc);
	check_trace_callback_type_kmem_cache_alloc(memdesc_probe_kmem_cache_alloc);
	check_trace_callback_type_mm_filemap_add_to_page_cache(memdesc_probe_filemap_add);
	check_trace_callback_type_mm_filemap_delete_from_page_cache(memdesc_probe_filemap_delete);
	check_trace_callback_type_mm_lru_insertion(memdesc_probe_lru_insertion);
	check_trace_callback_type_page_pool_state_hold(memdesc_probe_pp_hold);
	check_trace_callback_type_page_pool_state_release(memdesc_probe_pp_release);
	check_trace_callback_type_memory_failure_event(memdesc_probe_memory_failure);
	check_trace_callback_type_percpu_alloc_percpu(memdesc_probe_percpu_alloc);
#ifdef MEMDESC_HAVE_KSM_EVENTS
	check_trace_callback_type_ksm_merge_with_ksm_page(memdesc_probe_ksm_merge);
	check_trace_callback_type_ksm_remove_ksm_page(memdesc_probe_ksm_remove);
#endif
}

/**
 * memdesc_probe_skip - leave an optional probe detached at registration
 * @event:	below MEMDESC_EV_FIRST_HOOK
 *
 * Return: 0, or -EINVAL if the probe is required.
 */
int memdesc_probe_skip(enum memdesc_stat event)
{
	if (memdesc_probes[event].required)
		return -EINVAL;
	memdesc_probes[event].skip = true;
	return 0;
}

static void memdesc_probes_find(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < MEMDESC_EV_FIRST_HOOK; i++)
		if (!strcmp(tp->name, memdesc_probes[i].name))
			memdesc_probes[i].tp = tp;
}

/**
 * memdesc_probes_register - attach every probe whose tracepoint exists
 *
 * A missing or skipped (memdesc_probe_skip()) optional tracepoint disables
 * only what it feeds; stats shows it detached.  On error nothing stays
 * attached.
 *
 * Return: 0; -ENOENT if a required tracepoint is missing; or the error of a
 * failed registration of a required one.
 */
int memdesc_probes_register(void)
{
	struct memdesc_probe *p;
	int i, err = 0;

	memdesc_probes_check_types();
	for_each_kernel_tracepoint(memdesc_probes_find, NULL);

	for (i = 0; i < MEMDESC_EV_FIRST_HOOK; i++) {
		p = &memdesc_probes[i];
		if (p->skip) {
			pr_info("tracepoint %s skipped, not tracked\n", p->name);
			continue;
		}
		if (!p->tp || !p->func) {
			if (p->required) {
				pr_err("required tracepoint %s not found\n",
				       p->name);
				err = -ENOENT;
				goto fail;
			}
			pr_info("tracepoint %s not in this kernel, not tracked\n",
				p->name);
			continue;
		}
		err = tracepoint_probe_register(p->tp, p->func, NULL);
		if (err) {
			pr_err("cannot attach to %s: %d\n", p->name, err);
			if (p->required)
				goto fail;
			continue;
		}
		p->attached = true;
	}
	return 0;

fail:
	memdesc_probes_unregister();
	return err;
}

/**
 * memdesc_probes_unregister - detach every probe and wait for running ones
 *
 * On return no probe runs or will run, so the shadow may be freed.
 */
void memdesc_probes_unregister(void)
{
	struct memdesc_probe *p;
	int i;

	for (i = 0; i < MEMDESC_EV_FIRST_HOOK; i++) {
		p = &memdesc_probes[i];
		if (p->attached)
			tracepoint_probe_unregister(p->tp, p->func, NULL);
		p->attached = false;
		p->skip = false;
		p->tp = NULL;
	}
	tracepoint_synchronize_unregister();
}

/**
 * memdesc_probes_track - turn tracking on or off
 * @on:		whether probes update the shadow
 *
 * The probes stay attached; off, each returns at once.  Turning tracking
 * back on leaves the shadow stale until a resync.  Sleeps.
 */
void memdesc_probes_track(bool on)
{
	if (on)
		static_branch_enable(&memdesc_tracking);
	else
		static_branch_disable(&memdesc_tracking);
}

/**
 * memdesc_probes_tracking - whether tracking is on
 *
 * Return: true if probes update the shadow.
 */
bool memdesc_probes_tracking(void)
{
	return static_key_enabled(&memdesc_tracking);
}

/**
 * memdesc_probe_name - the tracepoint behind an event counter
 * @event:	below MEMDESC_EV_FIRST_HOOK
 *
 * Return: its name.
 */
const char *memdesc_probe_name(enum memdesc_stat event)
{
	return memdesc_probes[event].name;
}

/**
 * memdesc_probe_attached - whether the event's probe is registered
 * @event:	below MEMDESC_EV_FIRST_HOOK
 *
 * Return: true if attached.
 */
bool memdesc_probe_attached(enum memdesc_stat event)
{
	return READ_ONCE(memdesc_probes[event].attached);
}
