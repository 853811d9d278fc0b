// SPDX-License-Identifier: GPL-2.0
/*
 * The live classifier: a PFN's memdesc word from struct page.
 *
 * What the kernel itself says about a page right now, read without taking a
 * reference or a lock on the page: the same racy reads /proc/kpageflags and
 * is_free_buddy_page() make.  A page may change under the read; compare
 * counts such races as mismatches and checks them again.  Those reads are
 * plain where the kernel's own helpers make them plain (PageBuddy()'s
 * page_type, PageAnon()'s mapping), so every entry into the classifier is
 * wrapped in data_race(): for KCSAN, the races with the allocator, the page
 * cache and rmap are intended, and the answer is only ever a hint.
 *
 * Rules, in the order applied (both kernels unless noted):
 *   hole	pfn_to_online_page() is NULL
 *   free	PageBuddy() head (order from page_private()), or a tail of
 *		such a block (from the head the walk passed, or by looking up
 *		the aligned heads as is_free_buddy_page() does)
 *   hwpoison	PageHWPoison(): the page itself, order 0
 *   (tail)	PageTail(): its head's class and order, no head bit
 *   free	no reference and on a per-cpu list (the snapshot taken at
 *		walk start)
 * then a head or single page, by memdesc_live_classify():
 *   reserved	PageReserved()			(the zero page is reserved)
 *   slab	PageSlab()			(6.1 page flag, 6.12 page type)
 *   pgtable	PageTable(); or, of a page no rule above claims, a
 *		top-level table (memdesc_live_pgd()), order
 *		PGD_ALLOCATION_ORDER
 *   guard	PageGuard()			(only with debug_pagealloc),
 *		with its block, order from page_private(), as for a buddy
 *   offline	PageOffline()			(balloon, virtio-mem)
 *   netpool	page_pool's pp_magic		(see memdesc_compat.h)
 *   movable	__PageMovable(): non-LRU movable (zsmalloc, balloon)
 *   ksm	PageKsm()
 *   anon	PageAnon(), or in the swap cache
 *   file	a page-cache mapping; hugetlb folios count as file (hugetlbfs
 *		owns them, in use or pooled) unless anonymous
 *   vmalloc	mapped in vmalloc or module space at walk start (the
 *		snapshot of memdesc_vmalloc.c): map if mapped to user space
 *		now, unmap otherwise.  Only a page no other rule claims: vmap()
 *		of pages owned by others keeps their owner's type.
 *   driver	anything else: plain alloc_pages(), large kmalloc, the huge
 *		zero page
 * Order is the compound order, so a non-compound high-order allocation
 * reads order 0: the kernel keeps no record of its size.  The mappable bit
 * is set for the rmappable folio types (file, anon, KSM), for page_pool
 * pages, and for any other page mapped into user space right now
 * (folio_mapped()).
 *
 * Kernel-version differences are in memdesc_compat.h; the per-cpu list
 * layout (struct per_cpu_pages, page->pcp_list) is the same on 6.1 and 6.12.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/lockdep.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/rwsem.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <asm/pgalloc.h>

#include "memdesc.h"
#include "memdesc_compat.h"

/* === Memory going offline === */

/*
 * Between MEM_GOING_OFFLINE and MEM_OFFLINE, offline_pages() takes the
 * block's pages out of the allocator and out of pfn_to_online_page()'s
 * sight, and, once a zone has no present page left, frees the zone's
 * per-cpu lists (zone_pcp_reset()).  A walk reads both from its start to
 * its end: the lists at its start, and between two holds of a list's lock
 * it keeps a pointer into them.  So a walk holds this for reading from
 * memdesc_live_walk_start() to memdesc_live_walk_end(), and the memory
 * notifier (memdesc_sync.c) holds it for writing across that part of an
 * offline: the offline waits for the walks in progress, and a walk for
 * the offline in progress.  Memory coming online needs no exclusion: a
 * walk skips a zone until it has present pages, and a new zone's lists
 * are allocated (setup_zone_pageset()) before it has any.
 *
 * @memdesc_offline_closed: the module is going away; no offline takes the
 * lock any more (under the lock).
 */
static DECLARE_RWSEM(memdesc_offline_rwsem);
static bool memdesc_offline_closed;

/**
 * memdesc_live_offline_begin - hold walks off while memory goes offline
 *
 * For MEM_GOING_OFFLINE: waits for the walks in progress.  The lock stays
 * held when the notifier returns, until memdesc_live_offline_end() from
 * MEM_OFFLINE or MEM_CANCEL_OFFLINE in the same task.  Lockdep is told
 * nothing of it, as virtio-mem keeps its hotplug_mutex across the same
 * two calls: the notifier chain's own rwsem, released between them, makes
 * a cycle lockdep would report though memory hotplug's own lock
 * serializes the two calls.  Sleeps.
 *
 * Return: true if it holds the lock; false once the module is going away.
 */
bool memdesc_live_offline_begin(void)
{
	lockdep_off();
	down_write(&memdesc_offline_rwsem);
	if (memdesc_offline_closed) {
		up_write(&memdesc_offline_rwsem);
		lockdep_on();
		return false;
	}
	lockdep_on();
	return true;
}

/**
 * memdesc_live_offline_end - let walks go on after memory went offline
 *
 * For MEM_OFFLINE and MEM_CANCEL_OFFLINE, after memdesc_live_offline_begin()
 * returned true in the same task.
 */
void memdesc_live_offline_end(void)
{
	lockdep_off();
	up_write(&memdesc_offline_rwsem);
	lockdep_on();
}

/**
 * memdesc_live_offline_close - let no offline hold walks off from here
 *
 * For the unload, before the memory notifier goes: an offline between its
 * two calls now would never get the second.  Waits for one that is (its
 * notifier ends it), so the notifier may go once this returns.  Sleeps.
 */
void memdesc_live_offline_close(void)
{
	down_write(&memdesc_offline_rwsem);
	memdesc_offline_closed = true;
	up_write(&memdesc_offline_rwsem);
}

/* === Per-cpu list snapshot === */

/* Room for every page on a per-cpu list now, and for the lists to grow. */
static unsigned long memdesc_pcp_capacity(void)
{
	unsigned long pages = 0;
	int nid, z, cpu;

	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (!populated_zone(zone))
				continue;
			for_each_possible_cpu(cpu)
				pages += READ_ONCE(per_cpu_ptr(zone->per_cpu_pageset,
							       cpu)->count);
		}
	}
	return pages + pages / 4 + 256;
}

/*
 * Entries copied per hold of a per-cpu list lock.  6.1 takes pcp->lock
 * with interrupts off wherever it takes it, so the copy does too; the hold
 * is bounded whatever the lists hold, as the kernel bounds its own drains
 * (drain_pages_zone(): pcp->batch << CONFIG_PCP_BATCH_SCALE_MAX pages, 2016
 * by default on 6.12).
 */
#define MEMDESC_PCP_HOLD	256

/**
 * struct memdesc_pcp_cursor - where a copy of one CPU's lists stands
 * @pindex:	the list being copied
 * @last:	the last page copied from it, or NULL at its start
 * @list_start:	walk->nr_pcp when the list began, to roll back to
 * @lost:	pages that could not be kept
 */
struct memdesc_pcp_cursor {
	unsigned int pindex;
	struct page *last;
	unsigned long list_start;
	unsigned long lost;
};

/*
 * The page whose pcp_list @pos is, if it can be one on a per-cpu list:
 * unreferenced, neither a buddy nor part of a compound page.  Unless
 * @trusted (reached from the list head within this lock hold, when the list
 * cannot change), @pos is first checked to point into the memmap of online
 * memory (memdesc_page_at()), before any field of it is read: between two
 * holds the list may change under the copy.
 */
static struct page *memdesc_pcp_entry(struct list_head *pos, bool trusted)
{
	struct page *page = list_entry(pos, struct page, pcp_list);

	if (!trusted && !memdesc_page_at(page))
		return NULL;
	/* Racy when untrusted, as the classifier's reads are (see the top). */
	if (data_race(page_ref_count(page) || PageBuddy(page) ||
		      PageCompound(page)))
		return NULL;
	return page;
}

/*
 * Is @cur->last still where the last hold left it, on list @head, with
 * @next after it?  Taken as so if it still looks like a per-cpu page and
 * its successor (a page or @head) links back to it; the list is walked to
 * @head in the end, and a walk that strays off it is dropped there.  Its
 * struct page, and the lists themselves, are still there: the walk holds
 * memdesc_offline_rwsem, so no memory can go offline meanwhile.
 */
static bool memdesc_pcp_still_linked(struct memdesc_pcp_cursor *cur,
				     struct list_head *head,
				     struct list_head *next)
{
	struct page *page;

	if (!memdesc_pcp_entry(&cur->last->pcp_list, false))
		return false;
	if (next == head)
		return READ_ONCE(head->prev) == &cur->last->pcp_list;
	page = memdesc_pcp_entry(next, false);
	return page && READ_ONCE(page->pcp_list.prev) == &cur->last->pcp_list;
}

/* Start the next list; with @drop, forget what was copied of this one. */
static void memdesc_pcp_next_list(struct memdesc_live_walk *walk,
				  struct memdesc_pcp_cursor *cur, bool drop)
{
	if (drop) {
		cur->lost += walk->nr_pcp - cur->list_start;
		walk->nr_pcp = cur->list_start;
	}
	cur->pindex++;
	cur->last = NULL;
	cur->list_start = walk->nr_pcp;
}

/*
 * One hold: copy at most MEMDESC_PCP_HOLD entries, from where the last
 * hold stopped.  Caller holds pcp->lock.
 */
static void memdesc_pcp_hold(struct memdesc_live_walk *walk,
			     struct per_cpu_pages *pcp,
			     struct memdesc_pcp_cursor *cur, unsigned long cap)
{
	struct list_head *head, *pos;
	unsigned int n = 0, order;
	struct page *page;
	bool trusted;

	while (cur->pindex < NR_PCP_LISTS) {
		head = &pcp->lists[cur->pindex];
		order = memdesc_pcp_pindex_order(cur->pindex);
		trusted = !cur->last;
		if (cur->last) {
			pos = READ_ONCE(cur->last->pcp_list.next);
			if (!memdesc_pcp_still_linked(cur, head, pos)) {
				memdesc_pcp_next_list(walk, cur, true);
				continue;
			}
		} else {
			pos = READ_ONCE(head->next);
		}
		for (; pos != head; pos = READ_ONCE(page->pcp_list.next)) {
			if (n++ == MEMDESC_PCP_HOLD)
				return;
			page = memdesc_pcp_entry(pos, trusted);
			if (!page)
				break;
			if (walk->nr_pcp < cap) {
				walk->pcp[walk->nr_pcp].pfn = page_to_pfn(page);
				walk->pcp[walk->nr_pcp].order = order;
				walk->nr_pcp++;
			} else {
				cur->lost++;
			}
			cur->last = page;
		}
		memdesc_pcp_next_list(walk, cur, pos != head);
	}
}

/*
 * Copy one CPU's lists of one zone, in holds of MEMDESC_PCP_HOLD entries.
 * pcp->lock is the lock the allocator takes for a remote drain; local fast
 * paths only trylock it and fall back to the buddy lists, so holding it
 * briefly here delays nobody for long.
 */
static void memdesc_pcp_collect(struct memdesc_live_walk *walk,
				struct zone *zone, struct per_cpu_pages *pcp,
				unsigned long cap)
{
	struct memdesc_pcp_cursor cur = { .list_start = walk->nr_pcp };
	unsigned long flags;

	while (cur.pindex < NR_PCP_LISTS) {
		memdesc_testpoint(MEMDESC_TP_PCP, zone->name);
		spin_lock_irqsave(&pcp->lock, flags);
		memdesc_pcp_hold(walk, pcp, &cur, cap);
		spin_unlock_irqrestore(&pcp->lock, flags);
		cond_resched();
	}
	if (cur.lost)
		this_cpu_add(memdesc_stats[MEMDESC_STAT_PCP_TRUNCATED], cur.lost);
}

/**
 * memdesc_live_walk_start - prepare an ascending walk over the PFNs
 * @walk:	the walk state
 *
 * Lets the deferred work finish (memdesc_defer.c), takes the per-cpu list
 * and vmalloc snapshots, and holds memory from going offline until
 * memdesc_live_walk_end(): not to be called while holding
 * memdesc_shadow_lock(), which the memory notifier takes in between.
 * Sleeps.
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_live_walk_start(struct memdesc_live_walk *walk)
{
	unsigned long cap;
	int nid, z, cpu, err;

	memset(walk, 0, sizeof(*walk));
	/* Areas a probe left to the worker go in before the walk reads. */
	memdesc_defer_flush();
	down_read(&memdesc_offline_rwsem);
	cap = memdesc_pcp_capacity();
	walk->pcp = memdesc_kvmalloc(cap, sizeof(*walk->pcp), GFP_KERNEL,
				     NUMA_NO_NODE);
	if (!walk->pcp) {
		up_read(&memdesc_offline_rwsem);
		return -ENOMEM;
	}

	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];

			if (!populated_zone(zone))
				continue;
			for_each_possible_cpu(cpu) {
				struct per_cpu_pages *pcp;

				pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
				memdesc_pcp_collect(walk, zone, pcp, cap);
			}
		}
	}
	sort(walk->pcp, walk->nr_pcp, sizeof(*walk->pcp), memdesc_pcp_cmp, NULL);

	/* Where the kernel cannot be walked, vmalloc pages read driver. */
	err = memdesc_vmalloc_snapshot(&walk->vmalloc);
	if (err && err != -EOPNOTSUPP) {
		memdesc_live_walk_end(walk);
		return err;
	}
	return 0;
}

/**
 * memdesc_live_walk_end - release what memdesc_live_walk_start() took
 * @walk:	the walk state
 */
void memdesc_live_walk_end(struct memdesc_live_walk *walk)
{
	memdesc_kvfree(walk->pcp);
	walk->pcp = NULL;
	walk->nr_pcp = 0;
	memdesc_vmalloc_release(&walk->vmalloc);
	up_read(&memdesc_offline_rwsem);
}

/* === Classifier === */

/* page_private() of a buddy head, which a racing allocation may be changing. */
static unsigned int memdesc_buddy_order(struct page *page)
{
	unsigned long order = READ_ONCE(page->private);

	return order <= MEMDESC_MAX_PAGE_ORDER ? order : 0;
}

/*
 * The block holding @pfn whose head, at or below it and aligned to an order
 * of at least @from, is a buddy head (or with @guard, a guard head: a buddy
 * split under debug_pagealloc left it out of the free lists, marked
 * PageGuard, its order in page_private() as a buddy head's is), looked up as
 * is_free_buddy_page() does.  A buddy block never crosses a MAX_ORDER
 * block, and a section is never smaller than one, so the heads' struct
 * pages are online whenever @page is.
 */
static bool memdesc_find_block(struct page *page, unsigned long pfn,
			       unsigned int from, bool guard,
			       unsigned long *start, unsigned int *order)
{
	unsigned int o;

	for (o = from; o <= MEMDESC_MAX_PAGE_ORDER; o++) {
		unsigned long head_pfn = pfn & ~((1UL << o) - 1);
		struct page *head = page - (pfn - head_pfn);

		if ((guard ? PageGuard(head) : PageBuddy(head)) &&
		    memdesc_buddy_order(head) >= o) {
			*start = head_pfn;
			*order = memdesc_buddy_order(head);
			return true;
		}
	}
	return false;
}

/* The free block holding a page that is not itself a buddy head. */
static bool memdesc_find_buddy(struct page *page, unsigned long pfn,
			       unsigned long *start, unsigned int *order)
{
	return memdesc_find_block(page, pfn, 1, false, start, order);
}

/* The guard block holding an unreferenced page, its head included. */
static bool memdesc_find_guard(struct page *page, unsigned long pfn,
			       unsigned long *start, unsigned int *order)
{
	return memdesc_find_block(page, pfn, 0, true, start, order);
}

/**
 * struct memdesc_kind - what a page is, before order, zone and node
 * @type:	enum memdesc_type
 * @subtype:	enum memdesc_subtype, for MISC
 * @mappable:	may be mapped to user space
 * @detail:	enum memdesc_detail, for MISC
 */
struct memdesc_kind {
	unsigned int type;
	unsigned int subtype;
	bool mappable;
	unsigned int detail;
};

static struct memdesc_kind memdesc_make_kind(unsigned int type,
					      unsigned int sub, bool mappable)
{
	return (struct memdesc_kind){ type, sub, mappable, MEMDESC_DETAIL_NONE };
}

/*
 * A reserved page: the 4 KiB zero page is one, in the kernel image, and is
 * the only detail struct page itself tells.  (The huge zero folio is a
 * plain compound allocation whose pointer no module can read.)
 */
static struct memdesc_kind memdesc_reserved_kind(struct page *head)
{
	struct memdesc_kind k = memdesc_make_kind(MEMDESC_TYPE_MISC,
						  MEMDESC_SUB_RESERVED, false);

	if (head == ZERO_PAGE(0))
		k.detail = MEMDESC_DETAIL_ZERO_PAGE;
	return k;
}

/*
 * The kind of a single page or compound head that is not free.  Typed pages
 * first: their page_type overlays _mapcount, so the mapcount is read only
 * for pages no type claims.  @walk may be NULL (a probe): then vmalloc pages
 * read as driver, which is all an event can tell.
 */
static struct memdesc_kind memdesc_live_classify(struct memdesc_live_walk *walk,
						 struct page *head)
{
	bool user;

	if (PageReserved(head))
		return memdesc_reserved_kind(head);
	if (PageSlab(head))
		return memdesc_make_kind(MEMDESC_TYPE_SLAB, 0, false);
	if (PageTable(head))
		return memdesc_make_kind(MEMDESC_TYPE_PGTABLE, 0, false);
	if (PageGuard(head))
		return memdesc_make_kind(MEMDESC_TYPE_MISC, MEMDESC_SUB_GUARD, false);
	if (PageOffline(head))
		return memdesc_make_kind(MEMDESC_TYPE_MISC, MEMDESC_SUB_OFFLINE, false);
	if (memdesc_page_is_pp(head))
		return memdesc_make_kind(MEMDESC_TYPE_NETPOOL, 0, true);
	if (__PageMovable(head))
		return memdesc_make_kind(MEMDESC_TYPE_MOVABLE, 0, false);
	if (PageKsm(head))
		return memdesc_make_kind(MEMDESC_TYPE_KSM, 0, true);
	if (PageAnon(head) || folio_test_swapcache(page_folio(head)))
		return memdesc_make_kind(MEMDESC_TYPE_ANON, 0, true);
	if (READ_ONCE(head->mapping) || PageHuge(head))
		return memdesc_make_kind(MEMDESC_TYPE_FILE, 0, true);
	if (walk && memdesc_vmalloc_lookup(&walk->vmalloc, page_to_pfn(head),
					   &user))
		return memdesc_make_kind(MEMDESC_TYPE_MISC, user ?
				    MEMDESC_SUB_VMALLOC_MAP :
				    MEMDESC_SUB_VMALLOC_UNMAP, user);
	return memdesc_make_kind(MEMDESC_TYPE_MISC, MEMDESC_SUB_DRIVER,
			    folio_mapped(page_folio(head)));
}

/*
 * Compound order, bounded by the largest page there can be: the head may
 * be splitting or freed under us, and the order goes into a store loop.
 */
static unsigned int memdesc_compound_order(struct page *head)
{
	unsigned int order = compound_order(head);

	return order <= MEMDESC_MAX_FOLIO_ORDER ? order : 0;
}

static u64 memdesc_live_pack(unsigned int type, unsigned int subtype,
			     unsigned int order, struct page *page, int nid,
			     bool head)
{
	u64 w = __memdesc_pack(type, subtype, order, page_zonenum(page), nid);

	return head ? w | MEMDESC_HEAD : w;
}

/*
 * Whether @first is on pgd_list, where x86-64's pgd_ctor() links every
 * top-level table through its lru (ptdesc's pt_list on 6.12, the same
 * word) and pgd_dtor() unlinks it, poisoning both links, before the table
 * is freed.  A neighbour must point back.  pgd_lock is not exported, so a
 * neighbour being unlinked at this moment may not yet, and the other one
 * is tried too; a table read as unlisted through that window is a race
 * like any other, which compare checks again.  The neighbours are
 * followed without faulting: a stale link may point anywhere.
 */
static bool memdesc_live_pgd_listed(struct page *first)
{
	struct list_head *self = &first->lru, *back;
	struct list_head *next = READ_ONCE(self->next);
	struct list_head *prev = READ_ONCE(self->prev);

	if (next == self || prev == self)
		return false;
	if (!copy_from_kernel_nofault(&back, &next->prev, sizeof(back)) &&
	    back == self)
		return true;
	return !copy_from_kernel_nofault(&back, &prev->next, sizeof(back)) &&
	       back == self;
}

/*
 * The first page of the process's top-level table @page is in, or NULL.
 * x86-64 allocates one (pgd_alloc()) as a plain block of
 * PGD_ALLOCATION_ORDER - two pages with page-table isolation built in, the
 * second the user half - with no PageTable(), so that its type shows only
 * here: the first page, allocated, names its mm (pgd_set_mm()), that mm,
 * alive, has its pgd there, and the page is on pgd_list.  A freed
 * mm_struct keeps its pgd pointer, and a page that was its table and is
 * now part of another allocation keeps the pointer to it (truth.pages
 * found one), hence the rest.  Alive alone is not enough: KASAN keeps a
 * freed mm_struct in its quarantine with its own metadata over the first
 * word, mm_count, which then reads as a count (one page a KASAN boot
 * called a pgd, a vmalloc stack's KASAN shadow to the shadow, fits that;
 * truth.stale_pgd builds the case).  The word read as an mm is any driver
 * page's own, so it is followed only into the direct map, and without
 * faulting.
 */
static struct page *memdesc_live_pgd(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	struct page *first = page - (pfn & ((1UL << PGD_ALLOCATION_ORDER) - 1));
	struct mm_struct *mm = memdesc_pgd_mm(first);
	int users;
	pgd_t *pgd;

	if (!mm || !page_ref_count(first) || !virt_addr_valid(mm) ||
	    copy_from_kernel_nofault(&pgd, &mm->pgd, sizeof(pgd)) ||
	    pgd != page_address(first) ||
	    copy_from_kernel_nofault(&users, &mm->mm_count, sizeof(users)) ||
	    users <= 0)
		return NULL;
	return memdesc_live_pgd_listed(first) ? first : NULL;
}

/* The word of a page that is not free: its own or its head's kind. */
static u64 memdesc_live_used(struct memdesc_live_walk *walk, struct page *page,
			     struct page *head, int nid)
{
	struct memdesc_kind k = memdesc_live_classify(walk, head);
	struct page *pgd;
	u64 w;

	if (k.type == MEMDESC_TYPE_MISC && k.subtype == MEMDESC_SUB_DRIVER &&
	    !PageCompound(head)) {
		pgd = memdesc_live_pgd(head);
		if (pgd)
			return memdesc_live_pack(MEMDESC_TYPE_PGTABLE, 0,
						 PGD_ALLOCATION_ORDER, page,
						 nid, page == pgd);
	}
	w = memdesc_live_pack(k.type, k.subtype, memdesc_compound_order(head),
			      page, nid, page == head);

	if (k.detail)
		w = memdesc_word_with_detail(w, k.detail);
	return k.mappable ? w | MEMDESC_MAPPABLE : w;
}

/* A free PFN inside the block [start, start + 2^order). */
static u64 memdesc_live_free(struct memdesc_live_walk *walk, struct page *page,
			     unsigned long pfn, int nid, unsigned long start,
			     unsigned int order)
{
	/* A buddy block never spans two zones or nodes: one tail word. */
	walk->buddy_start = start;
	walk->buddy_end = start + (1UL << order);
	walk->buddy_tail = memdesc_live_pack(MEMDESC_TYPE_FREE, 0, order, page,
					     nid, false);
	return pfn == start ? walk->buddy_tail | MEMDESC_HEAD :
			      walk->buddy_tail;
}

/*
 * A page with no reference that is neither a buddy head nor a compound tail
 * is free if a buddy block or a per-cpu list holds it.  Otherwise it is a
 * tail of a non-compound high-order allocation, a pooled hugetlb folio, or
 * a page between free_pages_prepare() and the free lists: not free, as far
 * as anything in struct page says.
 */
static bool memdesc_live_unreferenced_free(struct memdesc_live_walk *walk,
					   struct page *page, unsigned long pfn,
					   int nid, u64 *word)
{
	const struct memdesc_pcp_chunk *c;
	unsigned long start;
	unsigned int order;

	if (memdesc_find_buddy(page, pfn, &start, &order)) {
		*word = memdesc_live_free(walk, page, pfn, nid, start, order);
		return true;
	}
	c = memdesc_pcp_find(walk->pcp, walk->nr_pcp, pfn);
	if (c) {
		*word = memdesc_live_pack(MEMDESC_TYPE_FREE, 0, c->order, page,
					  nid, pfn == c->pfn) | MEMDESC_PCP;
		return true;
	}
	return false;
}

/*
 * The word of a compound tail: its head's kind and order.  Every tail of
 * one folio has the same word (a compound page never spans two zones or
 * nodes), so the walk keeps the last one with its head and classifies a
 * folio once, not once a page.
 */
static u64 memdesc_live_tail(struct memdesc_live_walk *walk, struct page *page,
			     int nid)
{
	struct page *head = compound_head(page);

	if (head == walk->tail_head)
		return walk->tail_word;
	walk->tail_head = head;
	walk->tail_word = memdesc_live_used(walk, page, head, nid);
	return walk->tail_word;
}

/* The live word of @pfn, whose online struct page is @page. */
static __always_inline u64 memdesc_live_page_word(struct memdesc_live_walk *walk,
						  struct page *page,
						  unsigned long pfn)
{
	unsigned long start;
	unsigned int order;
	u64 word;
	int nid;

	if (pfn > walk->buddy_start && pfn < walk->buddy_end)
		return walk->buddy_tail;
	nid = page_to_nid(page);
	if (PageBuddy(page))
		return memdesc_live_free(walk, page, pfn, nid, pfn,
					 memdesc_buddy_order(page));
	if (PageHWPoison(page))
		return memdesc_live_pack(MEMDESC_TYPE_HWPOISON, 0, 0, page, nid,
					 true);
	/* Before the PF_NO_COMPOUND flag tests, which assert on tails. */
	if (PageTail(page))
		return memdesc_live_tail(walk, page, nid);
	if (!page_ref_count(page)) {
		if (memdesc_live_unreferenced_free(walk, page, pfn, nid, &word))
			return word;
		if (IS_ENABLED(CONFIG_DEBUG_PAGEALLOC) &&
		    memdesc_find_guard(page, pfn, &start, &order))
			return memdesc_live_pack(MEMDESC_TYPE_MISC,
						 MEMDESC_SUB_GUARD, order,
						 page, nid, pfn == start);
	}
	return memdesc_live_used(walk, page, page, nid);
}

/**
 * memdesc_live_walk_word - the live memdesc word of one PFN
 * @walk:	walk state from memdesc_live_walk_start(); PFNs must ascend
 *		within a node for free-block tails to cost O(1), but any order
 *		gives the right answer
 * @pfn:	the PFN
 *
 * Return: the word; a hole word if the PFN has no online struct page.
 */
u64 memdesc_live_walk_word(struct memdesc_live_walk *walk, unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (!page)
		return memdesc_hole_word(0);
	/* Racy reads of struct page, by design: see the top of the file. */
	return data_race(memdesc_live_page_word(walk, page, pfn));
}

/**
 * memdesc_live_walk_range - the live words of a run of PFNs
 * @walk:	walk state from memdesc_live_walk_start(); ascending calls
 * @pfn:	the first PFN, aligned to PAGES_PER_SUBSECTION
 * @nr:		how many, a multiple of PAGES_PER_SUBSECTION
 * @out:	@nr words: what memdesc_live_walk_word() gives for each PFN
 *
 * The same words for less: whether memory is online, and where its
 * memmap lies, is decided a subsection at a time (the unit memory hotplug
 * and ZONE_DEVICE add memory in), so pfn_to_online_page() is asked once a
 * subsection and its struct pages are walked as an array.  A free block's
 * tails, which the walk knows from their head, are not read at all.
 */
void memdesc_live_walk_range(struct memdesc_live_walk *walk, unsigned long pfn,
			     unsigned long nr, u64 *out)
{
	unsigned long i, j;
	struct page *page;

	for (i = 0; i < nr; i += PAGES_PER_SUBSECTION, pfn += PAGES_PER_SUBSECTION) {
		page = pfn_to_online_page(pfn);
		if (!page) {
			memset64(out + i, memdesc_hole_word(0),
				 PAGES_PER_SUBSECTION);
			continue;
		}
		for (j = 0; j < PAGES_PER_SUBSECTION; j++) {
			/* Racy reads of struct page, by design: see the top. */
			out[i + j] = data_race(memdesc_live_page_word(walk, page + j,
								      pfn + j));
		}
	}
}

/**
 * memdesc_live_kind_word - the word a page's allocation has right now
 * @head:	a single page or compound head that is not free
 *
 * For probes of type-bearing events: the same classifier as the live view,
 * applied at the time of the event.  Never sleeps, allocates or locks.
 *
 * Return: the word, order the compound order, without the head bit.
 */
u64 memdesc_live_kind_word(struct page *head)
{
	/* The event's page, read racily as any (see the top of the file). */
	return data_race(memdesc_live_used(NULL, head, head,
					   page_to_nid(head))) & ~MEMDESC_HEAD;
}

/**
 * memdesc_live_lru_word - the word of a folio going onto an LRU list
 * @folio:	the folio mm_lru_insertion names
 *
 * An LRU folio is anon, KSM or page cache: one read of ->mapping tells
 * which, where memdesc_live_kind_word() tests the flags and page types of
 * every other kind first.  The same answer as the classifier, which orders
 * KSM before anon and the swap cache before a mapping; a folio that is none
 * of the three (no mapping, not in the swap cache: being truncated) gets
 * the whole classifier.  This event comes for nearly every page a fault
 * maps, so its cost shows in fault throughput (docs/BENCHMARKS.md).
 *
 * Return: the word, order the folio's, without the head bit.
 */
u64 memdesc_live_lru_word(struct folio *folio)
{
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);
	struct page *head = &folio->page;
	unsigned int type;

	switch (mapping & PAGE_MAPPING_FLAGS) {
	case PAGE_MAPPING_KSM:
		type = MEMDESC_TYPE_KSM;
		break;
	case PAGE_MAPPING_ANON:
		type = MEMDESC_TYPE_ANON;
		break;
	case 0:
		if (folio_test_swapcache(folio)) {
			type = MEMDESC_TYPE_ANON;
			break;
		}
		if (mapping) {
			type = MEMDESC_TYPE_FILE;
			break;
		}
		fallthrough;
	default:
		return memdesc_live_kind_word(head);
	}
	return memdesc_live_pack(type, 0, memdesc_compound_order(head), head,
				 page_to_nid(head), false) | MEMDESC_MAPPABLE;
}

/**
 * memdesc_zone_name - the kernel's name of a zone
 * @nid:	node
 * @zone:	zone index
 *
 * Return: the name, e.g. "DMA32"; "invalid" for a zone or node that does
 * not exist.
 */
const char *memdesc_zone_name(int nid, unsigned int zone)
{
	if (zone >= MAX_NR_ZONES || nid >= nr_node_ids || !node_online(nid))
		return "invalid";
	return NODE_DATA(nid)->node_zones[zone].name;
}
