/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memdesc_truth.h - the private interface between memdesc_truth.ko and the
 * test program that reads it (tests/vm/memdesc_truth_test.c), as
 * lib/test_hmm_uapi.h is for test_hmm.  Kernel and user-space clean: no
 * includes.
 *
 * Files, under debugfs:
 *
 *   ctl		(0200) one command a write, at offset 0:
 *			  "alloc"	allocate one of every kind below except
 *					the page tables; EBUSY if anything is
 *					held, ENOMEM (nothing held) if an
 *					allocation fails
 *			  "pgtable ADDR" record the PTE and PMD table pages
 *					that map user address ADDR (decimal,
 *					or hex with 0x) in the writer's mm,
 *					and the pages of its top-level table;
 *					ENOENT if ADDR has no PTE table, ENOSPC
 *					past MEMDESC_TRUTH_MAX_PGTABLES
 *			  "free"	free everything, forget the page
 *					tables; EBUSY while vmalloc_mmap is
 *					mapped
 *			anything else fails with EINVAL and changes nothing.
 *   pfns		(0400) one record a PFN held (format below)
 *   vmalloc_mmap	(0600) mmap() it, offset 0, at most
 *			MEMDESC_TRUTH_VMALLOC_MMAP_PAGES pages, to map the
 *			vmalloc_mmap buffer into user space; ENODEV if nothing
 *			is allocated
 *
 * A pfns record, fields separated by one space:
 *
 *   <kind> <pfn> <class> <order> <compound> <index> <detail>
 *
 *   kind	memdesc_truth_kind_name()
 *   pfn	decimal
 *   class	what the page is, by construction, in memdesc's class names
 *		(memdesc_class_name()): the class memdesc's live classifier
 *		should give it.  vmalloc_mmap reads vmalloc_map while mapped
 *		into user space, vmalloc_unmap otherwise.
 *   order	order of the allocation the PFN belongs to (for a slab, the
 *		slab's order; for a page table or a vmalloc page, 0)
 *   compound	1 if the allocation is a compound page, so that struct page
 *		records its order; 0 if the kernel keeps no order
 *   index	PFN minus the allocation's first PFN (0: the head)
 *   detail	the finer misc class memdesc should record in the word, in
 *		its names (memdesc_detail_name()): "none" for most kinds
 *
 * Lines starting with '#' are headers.  Page table PFNs stay valid while
 * the writer keeps ADDR mapped; the module holds no reference on them.
 */
#ifndef _MEMDESC_TRUTH_H
#define _MEMDESC_TRUTH_H

#define MEMDESC_TRUTH_DIR		"memdesc_truth"

/* ARRAY_SIZE() for both sides; user space has no <linux/kernel.h>. */
#define MEMDESC_TRUTH_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define MEMDESC_TRUTH_VMALLOC_PAGES	4	/* vmalloc: the bulk path */
#define MEMDESC_TRUTH_VMALLOC_USER_PAGES 2
#define MEMDESC_TRUTH_VMALLOC_MMAP_PAGES 2
#define MEMDESC_TRUTH_NETPOOL_PAGES	4
#define MEMDESC_TRUTH_MAX_PGTABLES	8	/* "pgtable" commands held */
#define MEMDESC_TRUTH_STALL_MAX		60	/* the stall parameter, seconds */

/* alloc_pages_exact(): 3 pages of an order-2 block, the 4th given back. */
#define MEMDESC_TRUTH_EXACT_PAGES	3

/*
 * A per-cpu area, 8 KiB on every CPU: tries until one lands in a chunk
 * mapped in vmalloc space (the first chunk is in the linear map), and
 * lists at most MEMDESC_TRUTH_PERCPU_MAX_PAGES of its pages.
 */
#define MEMDESC_TRUTH_PERCPU_SIZE	8192
#define MEMDESC_TRUTH_PERCPU_TRIES	8
#define MEMDESC_TRUTH_PERCPU_MAX_PAGES	16

/*
 * A vmalloc() area of more pages than a hook types itself, and than it
 * typed at all before the rest went to a worker (2,048): the pages listed
 * are those at the indices below, across both bounds.
 */
#define MEMDESC_TRUTH_VMALLOC_LARGE_PAGES 4096
#define MEMDESC_TRUTH_VMALLOC_LARGE_INDICES \
	{ 0, 1, 31, 32, 33, 2047, 2048, 4095 }

/* kmalloc() past the largest kmalloc cache: 3 pages and a byte, order 2. */
#define MEMDESC_TRUTH_KMALLOC_LARGE_PAGES 3

enum memdesc_truth_kind {
	MEMDESC_TRUTH_PAGES0,		/* alloc_pages(GFP_KERNEL, 0) */
	MEMDESC_TRUTH_PAGES3,		/* ... order 3, not compound */
	MEMDESC_TRUTH_PAGES9,		/* ... order 9, not compound */
	MEMDESC_TRUTH_COMP0,		/* alloc_pages(... | __GFP_COMP, 0) */
	MEMDESC_TRUTH_COMP3,
	MEMDESC_TRUTH_COMP9,
	MEMDESC_TRUTH_KMEM_CACHE,	/* an object of our own cache */
	MEMDESC_TRUTH_KMALLOC,		/* kmalloc(64) */
	MEMDESC_TRUTH_KMEM_CACHE_BULK,	/* kmem_cache_alloc_bulk(), a new slab */
	MEMDESC_TRUTH_KMALLOC_LARGE,	/* kmalloc() of 3 pages + 1 byte */
	MEMDESC_TRUTH_VMALLOC,		/* vmalloc(), 4 pages */
	MEMDESC_TRUTH_VMALLOC_ONE,	/* vmalloc(), 1 page */
	MEMDESC_TRUTH_VMALLOC_USER,	/* vmalloc_user(), never mapped */
	MEMDESC_TRUTH_VMALLOC_MMAP,	/* vmalloc_user(), the mmap file */
	MEMDESC_TRUTH_NETPOOL,		/* page_pool_alloc_pages() */
	MEMDESC_TRUTH_EXACT,		/* alloc_pages_exact(), 3 pages */
	MEMDESC_TRUTH_PERCPU,		/* a per-cpu area's pages, if vmalloc'd */
	MEMDESC_TRUTH_VMALLOC_LARGE,	/* vmalloc(), 16 MiB, some pages */
	MEMDESC_TRUTH_ZERO_PAGE,	/* ZERO_PAGE(0), not allocated */
	MEMDESC_TRUTH_STALE_PGD,	/* naming a freed mm, as a pgd did */
	MEMDESC_TRUTH_PTE_TABLE,	/* "pgtable": the PTE table page */
	MEMDESC_TRUTH_PMD_TABLE,	/* "pgtable": the PMD table page */
	MEMDESC_TRUTH_PGD_TABLE,	/* "pgtable": the mm's top-level table */
	MEMDESC_TRUTH_NR_KINDS,
};

/**
 * memdesc_truth_kind_name - the kind's name in the pfns file
 * @kind:	enum memdesc_truth_kind
 *
 * Return: a static string, or "invalid".
 */
static inline const char *memdesc_truth_kind_name(unsigned int kind)
{
	static const char * const names[] = {
		[MEMDESC_TRUTH_PAGES0]		= "pages0",
		[MEMDESC_TRUTH_PAGES3]		= "pages3",
		[MEMDESC_TRUTH_PAGES9]		= "pages9",
		[MEMDESC_TRUTH_COMP0]		= "comp0",
		[MEMDESC_TRUTH_COMP3]		= "comp3",
		[MEMDESC_TRUTH_COMP9]		= "comp9",
		[MEMDESC_TRUTH_KMEM_CACHE]	= "kmem_cache",
		[MEMDESC_TRUTH_KMALLOC]		= "kmalloc",
		[MEMDESC_TRUTH_KMEM_CACHE_BULK]	= "kmem_cache_bulk",
		[MEMDESC_TRUTH_KMALLOC_LARGE]	= "kmalloc_large",
		[MEMDESC_TRUTH_VMALLOC]		= "vmalloc",
		[MEMDESC_TRUTH_VMALLOC_ONE]	= "vmalloc_one",
		[MEMDESC_TRUTH_VMALLOC_USER]	= "vmalloc_user",
		[MEMDESC_TRUTH_VMALLOC_MMAP]	= "vmalloc_mmap",
		[MEMDESC_TRUTH_NETPOOL]		= "netpool",
		[MEMDESC_TRUTH_EXACT]		= "exact",
		[MEMDESC_TRUTH_PERCPU]		= "percpu",
		[MEMDESC_TRUTH_VMALLOC_LARGE]	= "vmalloc_large",
		[MEMDESC_TRUTH_ZERO_PAGE]	= "zero_page",
		[MEMDESC_TRUTH_STALE_PGD]	= "stale_pgd",
		[MEMDESC_TRUTH_PTE_TABLE]	= "pte_table",
		[MEMDESC_TRUTH_PMD_TABLE]	= "pmd_table",
		[MEMDESC_TRUTH_PGD_TABLE]	= "pgd_table",
	};

	if (kind < MEMDESC_TRUTH_ARRAY_SIZE(names) && names[kind])
		return names[kind];
	return "invalid";
}

#endif /* _MEMDESC_TRUTH_H */
