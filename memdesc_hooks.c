// SPDX-License-Identifier: GPL-2.0
/*
 * Function hooks: where a page changes type and no tracepoint says so.
 *
 * Some changes of type have no event on either kernel (docs/TRANSITIONS.md):
 * zsmalloc and balloon pages become movable or offline through a page-type
 * setter; virtio-mem gives subblocks back as offline pages; vmalloc maps
 * pages it took from the allocator; the bulk allocator takes per-cpu pages
 * with no mm_page_alloc; shmem moves a folio into and out of the swap
 * cache; an anonymous swap-in that skips the swap cache gets its rmap after
 * its LRU insertion; debug_pagealloc turns buddy halves into guard pages.  Each passes
 * through a function that is a real symbol on the kernels it exists in (not
 * static, not inlined), which a kprobe can attach to: at entry where the
 * arguments say everything, at return (a kretprobe, the arguments kept from
 * entry) where the type is only set inside the function.
 *
 * Hook handlers run in whatever context the function runs in, with
 * preemption off, as probes do: they never sleep, allocate or lock.  Those
 * that walk page tables for each page of an area (vmalloc) or classify each
 * (balloons) do MEMDESC_DEFER_INLINE (32) pages and queue the rest for a worker
 * (memdesc_defer.c); the others store at most MEMDESC_HOOK_PAGES words.
 * Pages past that, or past a full queue, are counted (hook_truncated) and
 * left to a resync, which runs once the queue has drained
 * (memdesc_defer_left()).  A hook whose function this kernel
 * lacks stays detached and stats says so, as for an optional tracepoint;
 * skip_events leaves any of them detached.  kretprobes hold one instance
 * per call in flight; a call that finds none free is missed, and stats
 * reports every hook's misses (hook_missed).
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/kprobes.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>

#include "memdesc.h"
#include "memdesc_compat.h"

/* Words one hook call stores at most: two of the largest buddy blocks. */
#define MEMDESC_HOOK_PAGES	(2 * MEMDESC_BLOCK_PFNS)

/* What a kretprobe keeps from entry to return: the six register arguments. */
#define MEMDESC_HOOK_ARGS	6

struct memdesc_hook_args {
	unsigned long arg[MEMDESC_HOOK_ARGS];
};

static u64 memdesc_hook_word(struct page *page, unsigned int type,
			     unsigned int subtype, unsigned int order)
{
	return memdesc_page_word(page, type, subtype, order);
}

/* One order-0 page of type @type (subtype @subtype for MISC). */
static void memdesc_hook_set_page(struct page *page, unsigned int type,
				  unsigned int subtype, enum memdesc_stat source)
{
	memdesc_shadow_set_block(page, 0,
				 memdesc_hook_word(page, type, subtype, 0),
				 source);
}

/* How many of @nr pages a hook may store; the rest are counted. */
static unsigned long memdesc_hook_bound(unsigned long nr)
{
	if (likely(nr <= MEMDESC_HOOK_PAGES))
		return nr;
	memdesc_defer_left(nr - MEMDESC_HOOK_PAGES);
	return MEMDESC_HOOK_PAGES;
}

/*
 * How many of an area's @nr pages a hook does itself: memdesc_defer_inline
 * at most.  The rest go to the worker, @step doing each from there on in
 * the area at @addr; or, with the queue full, are
 * counted and left to a resync.
 */
static unsigned long memdesc_hook_defer(unsigned long nr, unsigned long addr,
					unsigned int sub,
					void (*step)(struct memdesc_deferred *),
					enum memdesc_stat source)
{
	unsigned int inline_pages = READ_ONCE(memdesc_defer_inline);
	struct memdesc_deferred area = {
		.step = step, .i = inline_pages, .nr = nr,
		.addr = addr, .sub = sub, .source = source,
	};

	if (likely(nr <= inline_pages))
		return nr;
	memdesc_defer(&area);
	return inline_pages;
}

/*
 * __SetPageMovable(page, mops): a non-LRU page becomes movable.  zsmalloc
 * calls it for every page of a new zspage, and for the new page when one
 * migrates; the balloon for every page it takes in, after marking it
 * offline (balloon_page_insert()), which the live classifier ranks first.
 * At entry: the flag is set just after, and the kind is already known.
 */
static int memdesc_hook_set_movable(struct kprobe *kp, struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 0);

	if (!memdesc_event(MEMDESC_EV_SET_MOVABLE))
		return 0;
	if (PageOffline(page))
		memdesc_hook_set_page(page, MEMDESC_TYPE_MISC,
				      MEMDESC_SUB_OFFLINE,
				      MEMDESC_EV_SET_MOVABLE);
	else
		memdesc_hook_set_page(page, MEMDESC_TYPE_MOVABLE, 0,
				      MEMDESC_EV_SET_MOVABLE);
	return 0;
}

/*
 * adjust_managed_page_count(page, -n): n pages from @page leave the
 * managed memory.  Balloons (without deflate-on-oom) and virtio-mem call it
 * once the pages are PageOffline; memory offlining calls it too, for pages
 * that are not, and that the memory notifier turns into a hole next.  So
 * only a range that starts offline is retyped, page by page from the live
 * state.  Pages coming back (n > 0) are freed next, which mm_page_free sees.
 */
/*
 * An offline page's word, unless the shadow says offline already, over
 * whatever word it had: alloc_contig_range() isolates free blocks with no
 * allocation event, so a subblock virtio-mem takes back may still read as
 * part of a free block of any order (on 6.1, 70% of a 288 MiB shrink).
 */
static u64 memdesc_hook_managed_make(struct memdesc_deferred *d,
				     struct page *page, u64 old)
{
	if (memdesc_word_class(old) == MEMDESC_CLASS_OFFLINE)
		return 0;
	return memdesc_live_kind_word(page);
}

/* Still the driver's, offline, when the worker is done with it? */
static bool memdesc_hook_managed_there(struct memdesc_deferred *d,
				       struct page *page)
{
	return PageOffline(page);
}

/* The worker's part: page @d->i of the range at PFN @d->addr. */
static void memdesc_hook_managed_step(struct memdesc_deferred *d)
{
	struct page *page = pfn_to_online_page(d->addr + d->i);

	if (!page || PageCompound(page) || !PageOffline(page))
		return;
	memdesc_defer_store(d, page, memdesc_hook_managed_make,
			    memdesc_hook_managed_there);
}

static int memdesc_hook_managed_pages(struct kprobe *kp, struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 0);
	long count = (long)regs_get_kernel_argument(regs, 1);
	unsigned long pfn, i, nr;

	if (!memdesc_event(MEMDESC_EV_MANAGED_PAGES))
		return 0;
	if (count >= 0 || PageTail(page) || !PageOffline(page))
		return 0;
	pfn = page_to_pfn(page);
	nr = memdesc_hook_defer(-(unsigned long)count, pfn, 0,
				memdesc_hook_managed_step,
				MEMDESC_EV_MANAGED_PAGES);
	for (i = 0; i < nr; i++) {
		page = pfn_to_online_page(pfn + i);
		if (page)
			memdesc_retype(page, MEMDESC_EV_MANAGED_PAGES);
	}
	return 0;
}

/* Every kretprobe's entry: keep the arguments for the return handler. */
static int memdesc_hook_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct memdesc_hook_args *a = (struct memdesc_hook_args *)ri->data;
	unsigned int i;

	for (i = 0; i < MEMDESC_HOOK_ARGS; i++)
		a->arg[i] = regs_get_kernel_argument(regs, i);
	return 0;
}

static unsigned long memdesc_hook_arg(struct kretprobe_instance *ri,
				      unsigned int i)
{
	return ((struct memdesc_hook_args *)ri->data)->arg[i];
}

/*
 * Return values at the width the function returns them: the x86-64 ABI
 * defines only %eax of an int and %al of a bool, and leaves the rest of
 * %rax as the callee's code left it (setcc writes %al alone).
 */
static int memdesc_hook_ret_int(struct pt_regs *regs)
{
	return (int)regs_return_value(regs);
}

static bool memdesc_hook_ret_bool(struct pt_regs *regs)
{
	return (u8)regs_return_value(regs);
}

/*
 * The subtype of a page mapped at @addr: vmalloc where the live side's
 * walk looks (the vmalloc and module areas, memdesc_vmalloc.c), so that
 * compare can check it; driver elsewhere (KASAN's shadow of hot-added
 * memory is vmalloc'd into its own region) and where the module has no
 * walk, as the live side then calls them.
 */
static unsigned int memdesc_hook_vmalloc_subtype(unsigned long addr)
{
	if (!memdesc_vmalloc_walkable())
		return MEMDESC_SUB_DRIVER;
	if ((addr >= VMALLOC_START && addr <= VMALLOC_END) ||
	    (addr >= MODULES_VADDR && addr < MODULES_END))
		return MEMDESC_SUB_VMALLOC_UNMAP;
	return MEMDESC_SUB_DRIVER;
}

/*
 * Every vmalloc() flavour, module space and vmap'd kernel stacks come
 * through __vmalloc_node_range(size, ...); at its return the area is
 * mapped.  Its pages are vmalloc pages, not mapped to user space yet:
 * vmalloc_unmap, as the live classifier calls them until vmalloc_user()
 * memory is mmap'd.
 * Compound pages (a huge vmalloc mapping) are left to the walk.
 */
/* A vmalloc page's word, for a page its allocation left plain driver. */
static u64 memdesc_hook_vmalloc_make(struct memdesc_deferred *d,
				     struct page *page, u64 old)
{
	if (memdesc_word_order(old) ||
	    memdesc_word_class(old) != MEMDESC_CLASS_DRIVER)
		return 0;
	return memdesc_hook_word(page, MEMDESC_TYPE_MISC, d->sub, 0);
}

/* Still mapped at its place in the area when the worker is done with it? */
static bool memdesc_hook_vmalloc_there(struct memdesc_deferred *d,
				       struct page *page)
{
	return vmalloc_to_page((void *)(d->addr + d->i * PAGE_SIZE)) == page;
}

/* The worker's part: page @d->i of the area at @d->addr. */
static void memdesc_hook_vmalloc_step(struct memdesc_deferred *d)
{
	struct page *page;

	page = vmalloc_to_page((void *)(d->addr + d->i * PAGE_SIZE));
	if (!page || PageCompound(page))
		return;
	memdesc_defer_store(d, page, memdesc_hook_vmalloc_make,
			    memdesc_hook_vmalloc_there);
}

static int memdesc_hook_vmalloc_ret(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	unsigned long addr = regs_return_value(regs);
	unsigned long nr, i;
	unsigned int sub;
	struct page *page;

	if (!memdesc_event(MEMDESC_EV_VMALLOC) || !addr)
		return 0;
	sub = memdesc_hook_vmalloc_subtype(addr);
	nr = memdesc_hook_defer(PAGE_ALIGN(memdesc_hook_arg(ri, 0)) >>
				PAGE_SHIFT, addr, sub,
				memdesc_hook_vmalloc_step, MEMDESC_EV_VMALLOC);
	for (i = 0; i < nr; i++) {
		page = vmalloc_to_page((void *)(addr + i * PAGE_SIZE));
		if (page && !PageCompound(page))
			memdesc_hook_set_page(page, MEMDESC_TYPE_MISC, sub,
					      MEMDESC_EV_VMALLOC);
	}
	return 0;
}

/*
 * vmap_pages_range_noflush(addr, end, prot, pages, page_shift) returned 0:
 * the pages are mapped at [addr, end) in kernel space.  Its caller outside
 * mm/vmalloc.c is the per-cpu allocator populating a chunk ahead of the
 * allocations that will use it (mm/percpu-vm.c __pcpu_map_pages(), with no
 * percpu_alloc_percpu event for those pages); vmalloc() itself and vmap()
 * go through vmap_pages_range() to __vmap_pages_range_noflush() on 6.12
 * (the bench's vmalloc rounds show no event of this hook), so vmap() of
 * others' pages is still not seen.  A plain driver page mapped
 * there is what the live walk calls vmalloc; pages of any other kind keep
 * it, as on the live side.  Huge mappings (page_shift above PAGE_SHIFT)
 * are left to the walk.
 */
static int memdesc_hook_vmap_ret(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	unsigned long addr = memdesc_hook_arg(ri, 0), nr;
	struct memdesc_deferred d = {
		.addr = addr, .source = MEMDESC_EV_VMAP_PAGES,
	};

	if (!memdesc_event(MEMDESC_EV_VMAP_PAGES) ||
	    memdesc_hook_ret_int(regs) ||
	    memdesc_hook_arg(ri, 4) != PAGE_SHIFT ||
	    memdesc_hook_arg(ri, 1) <= addr)
		return 0;
	d.sub = memdesc_hook_vmalloc_subtype(addr);
	nr = memdesc_hook_defer((memdesc_hook_arg(ri, 1) - addr) >> PAGE_SHIFT,
				addr, d.sub, memdesc_hook_vmalloc_step,
				MEMDESC_EV_VMAP_PAGES);
	/* The first pages here, as the worker does the rest. */
	for (d.i = 0; d.i < nr; d.i++)
		memdesc_hook_vmalloc_step(&d);
	return 0;
}

/*
 * A page the bulk allocator returned that the shadow still calls free was
 * taken from a per-cpu list with no mm_page_alloc: allocated, order 0, of
 * no kind yet.  Pages the caller had in the array before, and pages the
 * per-page fallback allocated (which mm_page_alloc saw), are not free in
 * the shadow and are left as they are.
 */
static void memdesc_hook_bulk_page(struct page *page, u32 *owner)
{
	if (!page || !memdesc_word_is_free(memdesc_shadow_get(page)))
		return;
	memdesc_hook_set_page(page, MEMDESC_TYPE_MISC, MEMDESC_SUB_DRIVER,
			      MEMDESC_EV_ALLOC_BULK);
	if (static_branch_unlikely(&memdesc_owners_key))
		*owner = memdesc_owner_record(page, *owner);
}

/*
 * alloc_pages_bulk(gfp, nid, nodemask, nr_pages, page_list, page_array)
 * returns how many pages the array holds from its start, or how many were
 * put on the list, at its head (list_add()).  With owners on, every page
 * of the call has one stack, saved once.
 */
static int memdesc_hook_bulk_ret(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	unsigned long nr = regs_return_value(regs);
	struct page **array = (struct page **)memdesc_hook_arg(ri, 5);
	struct list_head *list = (struct list_head *)memdesc_hook_arg(ri, 4);
	struct list_head *pos;
	unsigned long i;
	u32 owner = 0;

	if (!memdesc_event(MEMDESC_EV_ALLOC_BULK))
		return 0;
	nr = memdesc_hook_bound(min(nr, memdesc_hook_arg(ri, 3)));
	if (array) {
		for (i = 0; i < nr; i++)
			memdesc_hook_bulk_page(READ_ONCE(array[i]), &owner);
	} else if (list) {
		i = 0;
		list_for_each(pos, list) {
			if (i++ == nr)
				break;
			memdesc_hook_bulk_page(list_entry(pos, struct page,
							  lru), &owner);
		}
	}
	return 0;
}

/*
 * A folio entered the swap cache: anonymous, as both sides call a swap
 * cache folio.  Anonymous folios were already; a shmem folio being written
 * out was file until now (shmem_writepage() then drops its page cache
 * entry with no event).
 */
static int memdesc_hook_swap_add_ret(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	struct folio *folio = (struct folio *)memdesc_hook_arg(ri, 0);

	if (!memdesc_event(MEMDESC_EV_SWAP_CACHE_ADD) ||
	    memdesc_hook_ret_int(regs))
		return 0;
	memdesc_retype(&folio->page, MEMDESC_EV_SWAP_CACHE_ADD);
	return 0;
}

/*
 * A folio left the swap cache, its caller still holding it.  shmem's
 * swap-in (shmem_swapin_folio()) has put it in its own page cache just
 * before, with no mm_filemap_add_to_page_cache: it is file from here.  An
 * anonymous folio stays anon.
 */
static int memdesc_hook_swap_delete_ret(struct kretprobe_instance *ri,
					struct pt_regs *regs)
{
	struct folio *folio = (struct folio *)memdesc_hook_arg(ri, 0);

	if (!memdesc_event(MEMDESC_EV_SWAP_CACHE_DELETE))
		return 0;
	memdesc_retype(&folio->page, MEMDESC_EV_SWAP_CACHE_DELETE);
	return 0;
}

/*
 * swap_read_folio(folio, ...): a folio is read in from swap.  One in the
 * swap cache is typed already (add_to_swap_cache).  One that is not is an
 * anonymous swap-in that skips the swap cache (do_swap_page() on a
 * SWP_SYNCHRONOUS_IO device such as zram): the folio went onto an LRU
 * batch before it had an rmap, and folio_add_new_anon_rmap() makes it
 * anon later with no event.  It is anon from here.  At entry.
 */
static int memdesc_hook_swap_read(struct kprobe *kp, struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 0);
	struct folio *folio = page_folio(page);

	if (!memdesc_event(MEMDESC_EV_SWAP_READ))
		return 0;
	if (folio_test_swapcache(folio) || READ_ONCE(folio->mapping))
		return 0;
	memdesc_set_type(&folio->page, MEMDESC_TYPE_ANON, true,
			 MEMDESC_EV_SWAP_READ);
	return 0;
}

/*
 * With debug_pagealloc, a buddy split keeps the half it would have put on
 * a free list below debug_guardpage_minorder out of use as a guard; true
 * if it did.  Called under zone->lock.
 */
static int memdesc_hook_guard_set_ret(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	struct page *page = (struct page *)memdesc_hook_arg(ri, 1);
	unsigned int order = memdesc_hook_arg(ri, 2);

	if (!memdesc_event(MEMDESC_EV_GUARD_SET) || !memdesc_hook_ret_bool(regs))
		return 0;
	memdesc_shadow_set_block(page, order,
				 memdesc_hook_word(page, MEMDESC_TYPE_MISC,
						   MEMDESC_SUB_GUARD, order),
				 MEMDESC_EV_GUARD_SET);
	return 0;
}

/*
 * __clear_page_guard(zone, page, order): its buddy was freed and the guard
 * merges into the free block (__free_one_page()), which is free from here.
 */
static int memdesc_hook_guard_clear(struct kprobe *kp, struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 1);
	unsigned int order = regs_get_kernel_argument(regs, 2);

	if (!memdesc_event(MEMDESC_EV_GUARD_CLEAR))
		return 0;
	memdesc_mark_free(page, order, MEMDESC_EV_GUARD_CLEAR);
	return 0;
}

/*
 * alloc_pages_exact(size, gfp) returned the address of PAGE_ALIGN(size)
 * bytes: an order-N block that split_page() made order-0 pages of, the
 * pages past the size freed (mm_page_free saw those).  No event names the
 * split, so each page kept takes an order-0 word here, with its detail.
 * alloc_pages_exact_nid() is another function, not hooked.
 */
static int memdesc_hook_exact_ret(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	unsigned long addr = regs_return_value(regs);
	unsigned long nr = PAGE_ALIGN(memdesc_hook_arg(ri, 0)) >> PAGE_SHIFT;
	struct page *page;
	unsigned long i;
	u64 word;

	if (!memdesc_event(MEMDESC_EV_ALLOC_EXACT) || !addr)
		return 0;
	nr = memdesc_hook_bound(nr);
	for (i = 0; i < nr; i++) {
		page = virt_to_page((void *)(addr + i * PAGE_SIZE));
		word = memdesc_shadow_get(page);
		if (!memdesc_word_is_page(word) ||
		    memdesc_word_type(word) != MEMDESC_TYPE_MISC)
			continue;
		word = memdesc_hook_word(page, MEMDESC_TYPE_MISC,
					 memdesc_word_subtype(word), 0);
		memdesc_shadow_set_block(page, 0,
					 memdesc_word_with_detail(word,
							MEMDESC_DETAIL_EXACT),
					 MEMDESC_EV_ALLOC_EXACT);
	}
	return 0;
}

/* === Page tables === */

/*
 * A user PTE table: pte_alloc_one() returns its page, which
 * pagetable_pte_ctor() has just made PageTable() with no event.  Faults
 * (__pte_alloc()) and the tables THP deposits for a later split
 * (do_huge_pmd_anonymous_page() and the other pte_alloc_one() callers)
 * all come through it.  Kernel PTE tables (pte_alloc_one_kernel(), inline)
 * get no constructor on 6.1 or 6.12 and stay driver on both sides.
 */
static int memdesc_hook_pte_alloc_ret(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_return_value(regs);

	if (!memdesc_event(MEMDESC_EV_PTE_ALLOC) || !page)
		return 0;
	memdesc_retype(page, MEMDESC_EV_PTE_ALLOC);
	return 0;
}

/*
 * The table an upper-level entry points to, typed as the live state has
 * it: a PMD table is PageTable() on both kernels, a PUD or P4D table only
 * since 6.x gave those levels a constructor (6.12 has it, 6.1 not).
 */
static void memdesc_hook_table(unsigned long pfn, enum memdesc_stat event)
{
	struct page *page = pfn_to_online_page(pfn);

	if (page)
		memdesc_retype(page, event);
}

/*
 * __pmd_alloc(mm, pud, addr), __pud_alloc(mm, p4d, addr) and
 * __p4d_alloc(mm, pgd, addr) make the next level's table with an inline
 * constructor and return 0 once the entry holds a table: theirs, or the
 * one another thread installed first (theirs then freed, which
 * mm_page_free saw).  The caller still holds what keeps that table in
 * place (mmap or VMA lock, or init_mm's for kernel tables), so the entry
 * is read at return.
 */
static int memdesc_hook_pmd_alloc_ret(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	pud_t pud;

	if (!memdesc_event(MEMDESC_EV_PMD_ALLOC) || memdesc_hook_ret_int(regs))
		return 0;
	pud = memdesc_pudp_get((pud_t *)memdesc_hook_arg(ri, 1));
	if (pud_present(pud) && !pud_leaf(pud))
		memdesc_hook_table(pud_pfn(pud), MEMDESC_EV_PMD_ALLOC);
	return 0;
}

static int memdesc_hook_pud_alloc_ret(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	p4d_t p4d;

	if (!memdesc_event(MEMDESC_EV_PUD_ALLOC) || memdesc_hook_ret_int(regs))
		return 0;
	p4d = memdesc_p4dp_get((p4d_t *)memdesc_hook_arg(ri, 1));
	if (p4d_present(p4d) && !p4d_leaf(p4d))
		memdesc_hook_table(p4d_pfn(p4d), MEMDESC_EV_PUD_ALLOC);
	return 0;
}

/*
 * Only with 5-level paging: on a 4-level machine the P4D level is folded
 * into the PGD at run time, p4d_alloc() finds every entry present, and
 * __p4d_alloc() is never called.
 */
static int memdesc_hook_p4d_alloc_ret(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	pgd_t pgd;

	if (!memdesc_event(MEMDESC_EV_P4D_ALLOC) || memdesc_hook_ret_int(regs))
		return 0;
	pgd = memdesc_pgdp_get((pgd_t *)memdesc_hook_arg(ri, 1));
	if (pgd_present(pgd) && !pgd_leaf(pgd))
		memdesc_hook_table(pgd_pfn(pgd), MEMDESC_EV_P4D_ALLOC);
	return 0;
}

/*
 * pgd_alloc(mm) returns a new process's top-level table, a plain block
 * of PGD_ALLOCATION_ORDER that mm_page_alloc saw as a driver's; the live
 * classifier knows it by its mm (memdesc_live.c: memdesc_live_pgd()).
 */
static int memdesc_hook_pgd_alloc_ret(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	unsigned long pgd = regs_return_value(regs);

	if (!memdesc_event(MEMDESC_EV_PGD_ALLOC) || !pgd)
		return 0;
	memdesc_retype(virt_to_page((void *)pgd), MEMDESC_EV_PGD_ALLOC);
	return 0;
}

/*
 * ___pte_free_tlb(tlb, page), ___pmd_free_tlb(tlb, pmd) and
 * ___pud_free_tlb(tlb, pud): a table leaves a process's page tables.  The
 * destructor clears PageTable() at once, but the page goes to the
 * mmu_gather's batch and is freed only after the TLB flush and, with
 * RCU table freeing (x86), a grace period: mm_page_free comes late.
 * Meanwhile it is a plain page on both sides, typed at return - unless
 * the batch was full and the table freed already (tlb_remove_table_one()),
 * or anything else was stored since: only a word that still reads
 * pgtable is replaced.
 */
static void memdesc_hook_table_gone(struct page *page, enum memdesc_stat event)
{
	u64 old = memdesc_shadow_get(page), word;

	if (!memdesc_word_is_page(old) ||
	    memdesc_word_type(old) != MEMDESC_TYPE_PGTABLE)
		return;
	word = memdesc_live_kind_word(page);
	if (memdesc_word_type(word) != MEMDESC_TYPE_PGTABLE &&
	    !memdesc_word_order(word))
		memdesc_shadow_replace(page, old, word | MEMDESC_HEAD, event);
}

static int memdesc_hook_pte_free_ret(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	if (!memdesc_event(MEMDESC_EV_PTE_FREE_TLB))
		return 0;
	memdesc_hook_table_gone((struct page *)memdesc_hook_arg(ri, 1),
				MEMDESC_EV_PTE_FREE_TLB);
	return 0;
}

static int memdesc_hook_pmd_free_ret(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	if (!memdesc_event(MEMDESC_EV_PMD_FREE_TLB))
		return 0;
	memdesc_hook_table_gone(virt_to_page((void *)memdesc_hook_arg(ri, 1)),
				MEMDESC_EV_PMD_FREE_TLB);
	return 0;
}

static int memdesc_hook_pud_free_ret(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	if (!memdesc_event(MEMDESC_EV_PUD_FREE_TLB))
		return 0;
	memdesc_hook_table_gone(virt_to_page((void *)memdesc_hook_arg(ri, 1)),
				MEMDESC_EV_PUD_FREE_TLB);
	return 0;
}

/* === Poisoned pages off the free lists === */

/*
 * take_page_off_buddy(page) took a free page off the free lists to poison
 * it: soft offline of a free page (mm/memory-failure.c
 * page_handle_poison(), which sets PG_hwpoison next and emits no
 * memory_failure_event), and memory_failure() of a free page.  No
 * allocation event: the block around it is split with no event either,
 * which the buddy's rule at read time makes of the rest.
 */
static int memdesc_hook_take_off_ret(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	struct page *page = (struct page *)memdesc_hook_arg(ri, 0);

	if (!memdesc_event(MEMDESC_EV_TAKE_OFF_BUDDY) ||
	    !memdesc_hook_ret_bool(regs))
		return 0;
	memdesc_mark_hwpoison(page, MEMDESC_EV_TAKE_OFF_BUDDY);
	return 0;
}

/* put_page_back_buddy(page): unpoison gave such a page back, free. */
static int memdesc_hook_put_back_ret(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	struct page *page = (struct page *)memdesc_hook_arg(ri, 0);

	if (!memdesc_event(MEMDESC_EV_PUT_BACK_BUDDY) ||
	    !memdesc_hook_ret_bool(regs))
		return 0;
	memdesc_mark_free(page, 0, MEMDESC_EV_PUT_BACK_BUDDY);
	return 0;
}

/* === Hugetlb folios and LRU batches === */

/*
 * enqueue_hugetlb_folio(h, folio): a hugetlb folio joins its pool's free
 * list, called under hugetlb_lock.  It comes from the buddy allocator
 * (mm/hugetlb.c alloc_buddy_hugetlb_folio(), traced as a plain order-9
 * allocation, then __folio_set_hugetlb() with no event), from a gigantic
 * or boot-time allocation, or back from a mapping (free_huge_folio(),
 * which has cleared ->mapping).  Either way it is what the live state
 * calls a pooled hugetlb folio from here; the entry sees it whole.
 */
static int memdesc_hook_hugetlb_enqueue(struct kprobe *kp,
					struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 1);

	if (!memdesc_event(MEMDESC_EV_HUGETLB_ENQUEUE))
		return 0;
	memdesc_retype(page, MEMDESC_EV_HUGETLB_ENQUEUE);
	return 0;
}

/*
 * hugetlb_add_new_anon_rmap(folio, vma, address): a private hugetlb
 * mapping's fault (or COW, or userfaultfd copy) made the folio anonymous.
 * Hugetlb folios never enter the LRU, so no mm_lru_insertion follows.
 */
static int memdesc_hook_hugetlb_anon_ret(struct kretprobe_instance *ri,
					 struct pt_regs *regs)
{
	struct page *page = (struct page *)memdesc_hook_arg(ri, 0);

	if (!memdesc_event(MEMDESC_EV_HUGETLB_ANON))
		return 0;
	memdesc_retype(page, MEMDESC_EV_HUGETLB_ANON);
	return 0;
}

/*
 * folio_add_lru(folio): a new folio goes into this CPU's LRU batch, where
 * it can wait for many faults before the batch is drained and
 * mm_lru_insertion fires.  A fault's anonymous folio has its rmap by now
 * (mm/memory.c do_anonymous_page(): folio_add_new_anon_rmap() first) and
 * a page cache folio its mapping (filemap_add_folio()), so its type is
 * known at entry.  A folio with neither - swapped in around the swap
 * cache, its rmap to come - is left to the swap-in hook and the event.
 */
static int memdesc_hook_lru_add(struct kprobe *kp, struct pt_regs *regs)
{
	struct folio *folio = (struct folio *)regs_get_kernel_argument(regs, 0);

	if (!memdesc_event(MEMDESC_EV_LRU_ADD))
		return 0;
	if (!READ_ONCE(folio->mapping) && !folio_test_swapcache(folio))
		return 0;
	memdesc_set_lru_type(folio, MEMDESC_EV_LRU_ADD);
	return 0;
}

/*
 * try_to_merge_one_page(vma, page, kpage) returned 0: with no @kpage the
 * page itself became the stable KSM page (mm/ksm.c: set_page_stable_node()
 * or folio_set_stable_node() under the page lock), else its mapping now
 * points at @kpage and the page is to be freed.  6.1 has no KSM
 * tracepoint, so this is its only sign of a merge; on 6.12 the
 * ksm_merge_with_ksm_page event that follows says the same.  KSM holds a
 * reference on the page across the call.
 */
static int memdesc_hook_ksm_merge_ret(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	struct page *page = (struct page *)memdesc_hook_arg(ri, 1);

	if (!memdesc_event(MEMDESC_EV_KSM_MERGE_ONE) ||
	    memdesc_hook_ret_int(regs))
		return 0;
	memdesc_retype(page, MEMDESC_EV_KSM_MERGE_ONE);
	return 0;
}

/*
 * allocate_slab(s, flags, node) returns the new slab, PageSlab() since
 * it set the flag, or NULL.  The object events (kmalloc, kmem_cache_alloc)
 * type a slab when its first object is traced, but kmem_cache_alloc_bulk()
 * (io_uring's requests, the maple tree's nodes) traces none, and a slab
 * filled that way stayed driver.  struct slab overlays its head page
 * (mm/slab.h), so the return value is that page.  Once per slab made.
 */
static int memdesc_hook_slab_new_ret(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_return_value(regs);

	if (!memdesc_event(MEMDESC_EV_SLAB_NEW) || !page)
		return 0;
	memdesc_retype(page, MEMDESC_EV_SLAB_NEW);
	return 0;
}

/*
 * free_one_page(zone, page, pfn, order, ...): a freed chunk goes straight
 * to the buddy's lists.  mm_page_free guessed a per-cpu list for an order
 * those lists take (memdesc_pcp_order()), but the allocator sends it here
 * when its pageblock is isolated or the per-cpu list's lock is contended
 * (mm/page_alloc.c free_unref_page(), free_unref_page_list(), 6.12
 * free_unref_folios()); such a chunk then merges, and the buddy's rule at
 * read time must see it on the free lists.  Every other call finds a word
 * without the per-cpu bit and costs one load.
 */
static int memdesc_hook_free_one_page(struct kprobe *kp, struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_get_kernel_argument(regs, 1);
	unsigned long pfn = regs_get_kernel_argument(regs, 2);
	unsigned int order = regs_get_kernel_argument(regs, 3);
	u64 word;

	if (!memdesc_event(MEMDESC_EV_FREE_ONE_PAGE))
		return 0;
	if (unlikely(!pfn_valid(pfn) || pfn_to_page(pfn) != page)) {
		memdesc_count(MEMDESC_STAT_BAD_BLOCK);
		return 0;
	}
	word = memdesc_shadow_get(page);
	if (!memdesc_word_is_free(word) || !(word & MEMDESC_PCP) ||
	    order > MEMDESC_MAX_FOLIO_ORDER)
		return 0;
	memdesc_mark_free(page, order, MEMDESC_EV_FREE_ONE_PAGE);
	return 0;
}

/**
 * struct memdesc_hook - one function the module hooks
 * @name:	the event's name in stats and skip_events
 * @symbol:	the function on this kernel
 * @pre:	kprobe handler at entry, or NULL for a kretprobe
 * @entry:	kretprobe: keeps the arguments
 * @ret:	kretprobe: the handler at return
 * @skip:	named in skip_events: leave detached
 * @attached:	registered successfully; read by stats
 * @kp:		the kprobe
 * @rp:		the kretprobe
 */
struct memdesc_hook {
	const char *name;
	const char *symbol;
	kprobe_pre_handler_t pre;
	kretprobe_handler_t entry;
	kretprobe_handler_t ret;
	bool skip;
	bool attached;
	struct kprobe kp;
	struct kretprobe rp;
};

#define MEMDESC_KPROBE(_name, _symbol, _pre)				\
	{ .name = _name, .symbol = _symbol, .pre = _pre }
#define MEMDESC_KRETPROBE(_name, _symbol, _entry, _ret)			\
	{ .name = _name, .symbol = _symbol, .entry = _entry, .ret = _ret }

/* A hook's index in memdesc_hooks[]. */
#define MEMDESC_HOOK(ev)	((ev) - MEMDESC_EV_FIRST_HOOK)

static struct memdesc_hook memdesc_hooks[MEMDESC_HOOK(MEMDESC_NR_EVENTS)] = {
	[MEMDESC_HOOK(MEMDESC_EV_SET_MOVABLE)] =
		MEMDESC_KPROBE("__SetPageMovable", "__SetPageMovable",
			       memdesc_hook_set_movable),
	[MEMDESC_HOOK(MEMDESC_EV_MANAGED_PAGES)] =
		MEMDESC_KPROBE("adjust_managed_page_count",
			       "adjust_managed_page_count",
			       memdesc_hook_managed_pages),
	[MEMDESC_HOOK(MEMDESC_EV_VMALLOC)] =
		MEMDESC_KRETPROBE("__vmalloc_node_range",
				  MEMDESC_VMALLOC_SYMBOL,
				  memdesc_hook_entry,
				  memdesc_hook_vmalloc_ret),
	[MEMDESC_HOOK(MEMDESC_EV_ALLOC_BULK)] =
		MEMDESC_KRETPROBE("alloc_pages_bulk",
				  MEMDESC_ALLOC_BULK_SYMBOL,
				  memdesc_hook_entry,
				  memdesc_hook_bulk_ret),
	[MEMDESC_HOOK(MEMDESC_EV_SWAP_CACHE_ADD)] =
		MEMDESC_KRETPROBE("add_to_swap_cache", "add_to_swap_cache",
				  memdesc_hook_entry,
				  memdesc_hook_swap_add_ret),
	[MEMDESC_HOOK(MEMDESC_EV_SWAP_CACHE_DELETE)] =
		MEMDESC_KRETPROBE("delete_from_swap_cache",
				  "delete_from_swap_cache",
				  memdesc_hook_entry,
				  memdesc_hook_swap_delete_ret),
	[MEMDESC_HOOK(MEMDESC_EV_SWAP_READ)] =
		MEMDESC_KPROBE("swap_read_folio", MEMDESC_SWAP_READ_SYMBOL,
			       memdesc_hook_swap_read),
	[MEMDESC_HOOK(MEMDESC_EV_GUARD_SET)] =
		MEMDESC_KRETPROBE("__set_page_guard", "__set_page_guard",
				  memdesc_hook_entry,
				  memdesc_hook_guard_set_ret),
	[MEMDESC_HOOK(MEMDESC_EV_GUARD_CLEAR)] =
		MEMDESC_KPROBE("__clear_page_guard", "__clear_page_guard",
			       memdesc_hook_guard_clear),
	[MEMDESC_HOOK(MEMDESC_EV_ALLOC_EXACT)] =
		MEMDESC_KRETPROBE("alloc_pages_exact",
				  MEMDESC_ALLOC_EXACT_SYMBOL,
				  memdesc_hook_entry,
				  memdesc_hook_exact_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PTE_ALLOC)] =
		MEMDESC_KRETPROBE("pte_alloc_one", "pte_alloc_one", NULL,
				  memdesc_hook_pte_alloc_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PMD_ALLOC)] =
		MEMDESC_KRETPROBE("__pmd_alloc", "__pmd_alloc",
				  memdesc_hook_entry,
				  memdesc_hook_pmd_alloc_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PUD_ALLOC)] =
		MEMDESC_KRETPROBE("__pud_alloc", "__pud_alloc",
				  memdesc_hook_entry,
				  memdesc_hook_pud_alloc_ret),
	[MEMDESC_HOOK(MEMDESC_EV_P4D_ALLOC)] =
		MEMDESC_KRETPROBE("__p4d_alloc", "__p4d_alloc",
				  memdesc_hook_entry,
				  memdesc_hook_p4d_alloc_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PGD_ALLOC)] =
		MEMDESC_KRETPROBE("pgd_alloc", "pgd_alloc", NULL,
				  memdesc_hook_pgd_alloc_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PTE_FREE_TLB)] =
		MEMDESC_KRETPROBE("___pte_free_tlb", "___pte_free_tlb",
				  memdesc_hook_entry,
				  memdesc_hook_pte_free_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PMD_FREE_TLB)] =
		MEMDESC_KRETPROBE("___pmd_free_tlb", "___pmd_free_tlb",
				  memdesc_hook_entry,
				  memdesc_hook_pmd_free_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PUD_FREE_TLB)] =
		MEMDESC_KRETPROBE("___pud_free_tlb", "___pud_free_tlb",
				  memdesc_hook_entry,
				  memdesc_hook_pud_free_ret),
	[MEMDESC_HOOK(MEMDESC_EV_TAKE_OFF_BUDDY)] =
		MEMDESC_KRETPROBE("take_page_off_buddy", "take_page_off_buddy",
				  memdesc_hook_entry,
				  memdesc_hook_take_off_ret),
	[MEMDESC_HOOK(MEMDESC_EV_PUT_BACK_BUDDY)] =
		MEMDESC_KRETPROBE("put_page_back_buddy", "put_page_back_buddy",
				  memdesc_hook_entry,
				  memdesc_hook_put_back_ret),
	[MEMDESC_HOOK(MEMDESC_EV_HUGETLB_ENQUEUE)] =
		MEMDESC_KPROBE("enqueue_hugetlb_folio",
			       MEMDESC_HUGETLB_ENQUEUE_SYMBOL,
			       memdesc_hook_hugetlb_enqueue),
	[MEMDESC_HOOK(MEMDESC_EV_HUGETLB_ANON)] =
		MEMDESC_KRETPROBE("hugetlb_add_new_anon_rmap",
				  MEMDESC_HUGETLB_ANON_SYMBOL,
				  memdesc_hook_entry,
				  memdesc_hook_hugetlb_anon_ret),
	[MEMDESC_HOOK(MEMDESC_EV_LRU_ADD)] =
		MEMDESC_KPROBE("folio_add_lru", "folio_add_lru",
			       memdesc_hook_lru_add),
	[MEMDESC_HOOK(MEMDESC_EV_KSM_MERGE_ONE)] =
		MEMDESC_KRETPROBE("try_to_merge_one_page",
				  "try_to_merge_one_page",
				  memdesc_hook_entry,
				  memdesc_hook_ksm_merge_ret),
	[MEMDESC_HOOK(MEMDESC_EV_FREE_ONE_PAGE)] =
		MEMDESC_KPROBE("free_one_page", MEMDESC_FREE_ONE_PAGE_SYMBOL,
			       memdesc_hook_free_one_page),
	[MEMDESC_HOOK(MEMDESC_EV_VMAP_PAGES)] =
		MEMDESC_KRETPROBE("vmap_pages_range_noflush",
				  "vmap_pages_range_noflush",
				  memdesc_hook_entry,
				  memdesc_hook_vmap_ret),
	[MEMDESC_HOOK(MEMDESC_EV_SLAB_NEW)] =
		MEMDESC_KRETPROBE("allocate_slab", "allocate_slab", NULL,
				  memdesc_hook_slab_new_ret),
};

static struct memdesc_hook *memdesc_hook(enum memdesc_stat event)
{
	return &memdesc_hooks[MEMDESC_HOOK(event)];
}

/*
 * Calls in flight at once that a kretprobe can follow: vmalloc and the
 * bulk allocator's fallback may sleep, so more than one per CPU.
 */
static int memdesc_hook_maxactive(void)
{
	return 8 * num_possible_cpus() + 32;
}

static int memdesc_hook_attach(struct memdesc_hook *h)
{
	if (h->pre) {
		h->kp = (struct kprobe){
			.symbol_name = h->symbol,
			.pre_handler = h->pre,
		};
		return register_kprobe(&h->kp);
	}
	h->rp = (struct kretprobe){
		.kp.symbol_name = h->symbol,
		.entry_handler = h->entry,
		.handler = h->ret,
		.data_size = sizeof(struct memdesc_hook_args),
		.maxactive = memdesc_hook_maxactive(),
	};
	return register_kretprobe(&h->rp);
}

/**
 * memdesc_hooks_register - attach every hook whose function exists
 *
 * Each hook is optional: one that cannot attach is left detached and
 * logged, and the module goes on without what it feeds.
 */
void memdesc_hooks_register(void)
{
	struct memdesc_hook *h;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(memdesc_hooks); i++) {
		h = &memdesc_hooks[i];
		if (h->skip) {
			pr_info("hook %s skipped, not tracked\n", h->name);
			continue;
		}
		err = memdesc_hook_attach(h);
		if (err == -ENOENT) {
			pr_info("hook %s: no function %s in this kernel, not tracked\n",
				h->name, h->symbol);
			continue;
		}
		if (err) {
			pr_warn("hook %s: cannot probe %s: %d, not tracked\n",
				h->name, h->symbol, err);
			continue;
		}
		WRITE_ONCE(h->attached, true);
	}
}

/**
 * memdesc_hooks_unregister - detach every hook and wait for running ones
 *
 * unregister_kprobes() and unregister_kretprobes() wait until no handler
 * runs; a kretprobe's calls still in flight then return without one.  Each
 * call waits for an RCU grace period, so the hooks go in two batches, not
 * one call each: under a sanitizer and emulation a grace period can take
 * seconds, and an unload would otherwise wait for one per hook.  Sleeps.
 */
void memdesc_hooks_unregister(void)
{
	struct kretprobe *rps[ARRAY_SIZE(memdesc_hooks)];
	struct kprobe *kps[ARRAY_SIZE(memdesc_hooks)];
	unsigned int i, nk = 0, nr = 0;
	struct memdesc_hook *h;

	for (i = 0; i < ARRAY_SIZE(memdesc_hooks); i++) {
		h = &memdesc_hooks[i];
		if (!h->attached)
			continue;
		if (h->pre)
			kps[nk++] = &h->kp;
		else
			rps[nr++] = &h->rp;
	}
	/* Each returns at once for none. */
	unregister_kprobes(kps, nk);
	unregister_kretprobes(rps, nr);
	for (i = 0; i < ARRAY_SIZE(memdesc_hooks); i++) {
		WRITE_ONCE(memdesc_hooks[i].attached, false);
		memdesc_hooks[i].skip = false;
	}
}

/**
 * memdesc_hook_name - the name of a hook's event
 * @event:	MEMDESC_EV_FIRST_HOOK or above, below MEMDESC_NR_EVENTS
 *
 * Return: the name stats and skip_events use: the function's, without the
 * suffix a kernel may add (6.10's _noprof).
 */
const char *memdesc_hook_name(enum memdesc_stat event)
{
	return memdesc_hook(event)->name;
}

/**
 * memdesc_hook_attached - whether the hook's kprobe is registered
 * @event:	MEMDESC_EV_FIRST_HOOK or above, below MEMDESC_NR_EVENTS
 *
 * Return: true if attached.
 */
bool memdesc_hook_attached(enum memdesc_stat event)
{
	return READ_ONCE(memdesc_hook(event)->attached);
}

/**
 * memdesc_hook_skip - leave a hook detached at the next registration
 * @event:	MEMDESC_EV_FIRST_HOOK or above, below MEMDESC_NR_EVENTS
 */
void memdesc_hook_skip(enum memdesc_stat event)
{
	memdesc_hook(event)->skip = true;
}

/**
 * memdesc_hooks_missed - calls the hooks did not see
 *
 * A kprobe misses a call that hits it while another kprobe handler runs on
 * the CPU; a kretprobe also misses calls when all its instances are in
 * flight.
 *
 * Return: the sum over the attached hooks.
 */
unsigned long memdesc_hooks_missed(void)
{
	const struct memdesc_hook *h;
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(memdesc_hooks); i++) {
		h = &memdesc_hooks[i];
		if (!READ_ONCE(h->attached))
			continue;
		if (h->pre)
			sum += READ_ONCE(h->kp.nmissed);
		else
			sum += READ_ONCE(h->rp.nmissed) +
			       READ_ONCE(h->rp.kp.nmissed);
	}
	return sum;
}
