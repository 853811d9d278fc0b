/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels memdesc builds for.
 *
 * Feature tests first; LINUX_VERSION_CODE only where a known change landed.
 * A newer kernel should be one more well-marked case here, not a rewrite of
 * the callers.
 */
#ifndef _MEMDESC_COMPAT_H
#define _MEMDESC_COMPAT_H

#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pgtable.h>
#include <linux/poison.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "memdesc supports Linux 6.1 and later"
#endif

/*
 * Largest buddy order.  6.8 renamed MAX_ORDER (one past the largest order)
 * to MAX_PAGE_ORDER (the largest order itself).
 */
#ifdef MAX_PAGE_ORDER
#define MEMDESC_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define MEMDESC_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * Largest order of any page a tracepoint can name: a gigantic hugetlb folio
 * (1 GiB, PUD_ORDER, on x86-64), or the largest buddy block where the
 * architecture has none.  Orders come from racy reads of struct page and of
 * the shadow; no larger one may reach a store loop.  PUD_ORDER is generic
 * since 6.7.
 */
#ifdef CONFIG_ARCH_HAS_GIGANTIC_PAGE
#ifdef PUD_ORDER
#define MEMDESC_MAX_FOLIO_ORDER	PUD_ORDER
#else
#define MEMDESC_MAX_FOLIO_ORDER	(PUD_SHIFT - PAGE_SHIFT)
#endif
#else
#define MEMDESC_MAX_FOLIO_ORDER	MEMDESC_MAX_PAGE_ORDER
#endif

/*
 * Page tables got their own descriptor type, struct ptdesc (still an overlay
 * of struct page), in 6.6; before, struct page itself described them.
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define MEMDESC_PTDESC_BYTES	sizeof(struct ptdesc)
#define MEMDESC_PTDESC_SOURCE	"ptdesc"
#else
#define MEMDESC_PTDESC_BYTES	sizeof(struct page)
#define MEMDESC_PTDESC_SOURCE	"page"
#endif

/*
 * The mm whose top-level table a page is: x86's pgd_ctor() writes it there
 * (pgd_set_mm()), into struct page until 6.6 and into the ptdesc overlay
 * since.  Any other page has something else in that word.
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
static inline struct mm_struct *memdesc_pgd_mm(struct page *page)
{
	return READ_ONCE(page_ptdesc(page)->pt_mm);
}
#else
static inline struct mm_struct *memdesc_pgd_mm(struct page *page)
{
	return READ_ONCE(page->pt_mm);
}
#endif

/*
 * Whether a freed block of @order goes to a per-cpu list: page_alloc.c's
 * static pcp_allowed_order(), the same on 6.1 (where pageblock_order is
 * HPAGE_PMD_ORDER on x86) and 6.12.
 */
static inline bool memdesc_pcp_order(unsigned int order)
{
	if (order <= PAGE_ALLOC_COSTLY_ORDER)
		return true;
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	if (order == HPAGE_PMD_ORDER)
		return true;
#endif
	return false;
}

/*
 * Order of the pages on per-cpu list @pindex: page_alloc.c's static
 * pindex_to_order().  Low orders take MIGRATE_PCPTYPES lists each; the lists
 * past them hold only PMD-sized (THP) pages, one list on 6.1 and NR_PCP_THP
 * on 6.12 - ">=" covers both.
 */
static inline unsigned int memdesc_pcp_pindex_order(unsigned int pindex)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return HPAGE_PMD_ORDER;
#endif
	return pindex / MIGRATE_PCPTYPES;
}

/*
 * The struct page at @p, if @p points at one of online memory; else NULL.
 * Under SPARSEMEM_VMEMMAP (Debian's kernels) the memmap is one virtual
 * array, so the test is arithmetic and reads nothing through @p.  The
 * classic sparse model finds a page's section from its flags, which an
 * unchecked pointer must not be read for: there, no pointer passes.
 */
static inline struct page *memdesc_page_at(const void *p)
{
#ifdef CONFIG_SPARSEMEM_VMEMMAP
	unsigned long off = (unsigned long)p - (unsigned long)vmemmap;

	if (off % sizeof(struct page))
		return NULL;
	if (pfn_to_online_page(off / sizeof(struct page)) != p)
		return NULL;
	return (struct page *)p;
#else
	return NULL;
#endif
}

/*
 * page_pool pages carry PP_SIGNATURE in pp_magic.  Kernels with the DMA
 * index in pp_magic's upper bits (6.15, and Debian's 6.12 by backport) mask
 * it off in page_pool_page_is_pp(); older ones only had bits 0-1 to ignore.
 */
static inline bool memdesc_page_is_pp(struct page *page)
{
#ifdef PP_MAGIC_MASK
	return page_pool_page_is_pp(page);
#else
	return (READ_ONCE(page->pp_magic) & ~0x3UL) == PP_SIGNATURE;
#endif
}

/*
 * A page's own mapcount, for display; -1 where the field holds a page type
 * (6.1's slab overlays it too).  6.12 dropped page_mapcount().
 */
static inline int memdesc_page_mapcount(struct page *page)
{
	if (PageSlab(page) || page_has_type(page))
		return -1;
	return atomic_read(&page->_mapcount) + 1;
}

/*
 * KSM tracepoints ("mm: add tracepoints to ksm") came with 6.4; before, the
 * ksm:* probes are not built and stats shows them detached.  The probes'
 * prototypes are checked against TP_PROTO, so a wrong bound fails the build.
 */
#if KERNEL_VERSION(6, 4, 0) <= LINUX_VERSION_CODE
#define MEMDESC_HAVE_KSM_EVENTS 1
#endif

/*
 * page_pool tracepoints pass a netmem_ref since 6.10 (a page before); the
 * probes' prototypes are checked against TP_PROTO at build time.  A net_iov
 * (device memory) has no struct page and is not ours to track.
 */
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
#include <net/netmem.h>
#define memdesc_pp_ref netmem_ref

static inline struct page *memdesc_pp_page(memdesc_pp_ref ref)
{
	return netmem_is_net_iov(ref) ? NULL : netmem_to_page(ref);
}
#else
#define memdesc_pp_ref const struct page *

static inline struct page *memdesc_pp_page(memdesc_pp_ref ref)
{
	return (struct page *)ref;
}
#endif

/* === Function hooks (memdesc_hooks.c) === */

/*
 * Memory allocation profiling (6.10) renamed the allocator's entry points
 * to *_noprof, behind macros; the hooks attach to the functions.
 */
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
#define MEMDESC_VMALLOC_SYMBOL		"__vmalloc_node_range_noprof"
#define MEMDESC_ALLOC_BULK_SYMBOL	"alloc_pages_bulk_noprof"
#define MEMDESC_ALLOC_EXACT_SYMBOL	"alloc_pages_exact_noprof"
#else
#define MEMDESC_VMALLOC_SYMBOL		"__vmalloc_node_range"
#define MEMDESC_ALLOC_BULK_SYMBOL	"__alloc_pages_bulk"
#define MEMDESC_ALLOC_EXACT_SYMBOL	"alloc_pages_exact"
#endif

/*
 * Reading a page in from swap: swap_readpage(page, synchronous, plug) until
 * 6.6 turned it into swap_read_folio(folio, ...); 6.12 has the latter.
 * Either way the first argument is the page or folio (a folio's first
 * member is its head page).
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define MEMDESC_SWAP_READ_SYMBOL	"swap_read_folio"
#else
#define MEMDESC_SWAP_READ_SYMBOL	"swap_readpage"
#endif

/*
 * The hugetlb pool and private mappings: 6.1 names them by page
 * (enqueue_huge_page(h, page), hugepage_add_new_anon_rmap(page, vma,
 * address)), 6.12 by folio; a folio's first member is its head page.
 */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#define MEMDESC_HUGETLB_ENQUEUE_SYMBOL	"enqueue_hugetlb_folio"
#define MEMDESC_HUGETLB_ANON_SYMBOL	"hugetlb_add_new_anon_rmap"
#else
#define MEMDESC_HUGETLB_ENQUEUE_SYMBOL	"enqueue_huge_page"
#define MEMDESC_HUGETLB_ANON_SYMBOL	"hugepage_add_new_anon_rmap"
#endif

/*
 * free_one_page(zone, page, pfn, order, ...): 6.1's only callers pass no
 * FPI flags, so GCC made a clone without that last argument, the first
 * four where they were; 6.12 calls it from __free_pages_ok() too and keeps
 * the name.  The hook checks that @pfn is @page's before it trusts them.
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define MEMDESC_FREE_ONE_PAGE_SYMBOL	"free_one_page"
#else
#define MEMDESC_FREE_ONE_PAGE_SYMBOL	"free_one_page.constprop.0"
#endif

/* === Kernel page-table walk (memdesc_vmalloc.c) === */

/*
 * One read of a page-table entry the walker does not own.  The generic
 * pmdp_get() came in 6.2, pgdp_get(), p4dp_get() and pudp_get() in 6.8;
 * 6.1 has only ptep_get().  All are READ_ONCE() on x86.
 */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define memdesc_pgdp_get(pgdp)	pgdp_get(pgdp)
#define memdesc_p4dp_get(p4dp)	p4dp_get(p4dp)
#define memdesc_pudp_get(pudp)	pudp_get(pudp)
#define memdesc_pmdp_get(pmdp)	pmdp_get(pmdp)
#else
#define memdesc_pgdp_get(pgdp)	READ_ONCE(*(pgdp))
#define memdesc_p4dp_get(p4dp)	READ_ONCE(*(p4dp))
#define memdesc_pudp_get(pudp)	READ_ONCE(*(pudp))
#define memdesc_pmdp_get(pmdp)	READ_ONCE(*(pmdp))
#endif

/*
 * The lockless vmalloc walk is safe only where freeing a kernel page table
 * waits for an IPI to every CPU: x86-64's pmd_free_pte_page() and
 * pud_free_pmd_page() call flush_tlb_kernel_range(), which is
 * on_each_cpu(..., 1) on 6.1 and 6.12.  Kernels that know INVLPGB (6.15,
 * or an older one it was backported to) may flush with a broadcast
 * instruction instead, and then interrupts off hold nothing off: a feature
 * test on the headers being built against, not a version number, since
 * distributions backport.  Elsewhere vmalloc pages read driver and stats
 * says vmalloc_walk 0.
 */
#ifdef CONFIG_X86_64
#include <asm/cpufeatures.h>
#ifndef X86_FEATURE_INVLPGB
#define MEMDESC_HAVE_VMALLOC_WALK 1
#endif
#endif

/* === Stack depot (memdesc_owners.c) === */

/*
 * Save a stack, allocating a pool for the depot or not.  6.8 replaced
 * __stack_depot_save(entries, nr, extra_bits, gfp, can_alloc) with
 * stack_depot_save_flags() and STACK_DEPOT_FLAG_CAN_ALLOC.  No extra bits
 * and, on 6.8+, no reference (STACK_DEPOT_FLAG_GET): a record stays until
 * reboot, as on 6.1, where the depot never frees one.
 */
#include <linux/stackdepot.h>

static inline depot_stack_handle_t memdesc_depot_save(unsigned long *entries,
						      unsigned int nr,
						      gfp_t gfp, bool can_alloc)
{
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
	return stack_depot_save_flags(entries, nr, gfp, can_alloc ?
				      STACK_DEPOT_FLAG_CAN_ALLOC : 0);
#else
	return __stack_depot_save(entries, nr, 0, gfp, can_alloc);
#endif
}

#endif /* _MEMDESC_COMPAT_H */
