// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_truth.c - kernel pages of known kinds, for testing memdesc.ko.
 *
 * memdesc.ko says what every page is, from events (the shadow) and from its
 * struct page (the live classifier).  This module makes pages whose kind is
 * known by construction - plain and compound alloc_pages(), slab objects,
 * large kmalloc, vmalloc, page_pool - and names their PFNs, so a test can
 * hold memdesc's answers against the truth (tests/vm/memdesc_truth_test.c).
 * It also names the page table pages that map a user address of the test,
 * which only the kernel can find.  The file formats are in memdesc_truth.h.
 *
 * Test-only: it allocates on command, takes no part in memdesc's work, and
 * frees everything on "free" and at unload.  One mutex serialises the
 * commands, the pfns file and mmap; it nests inside mmap_lock (mmap() is
 * called with it held), so the page table walk takes mmap_lock before it,
 * never under it.
 */
#define pr_fmt(fmt) "memdesc_truth: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/pgtable.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <asm/pgalloc.h>

/* === Kernel version differences: the only ones, all here === */

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "memdesc_truth supports Linux 6.1 and later"
#endif

/*
 * 6.6 split <net/page_pool.h> into <net/page_pool/types.h> and
 * <net/page_pool/helpers.h>.  page_pool_create(), page_pool_alloc_pages(),
 * page_pool_put_full_page() and page_pool_destroy() keep their names and
 * arguments on 6.1 and 6.12, and struct page_pool_params its field names
 * (6.12 groups them with struct_group, which designated initializers see
 * through).
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/* === End of version differences === */

#include "memdesc_truth.h"

#define MEMDESC_TRUTH_OBJ_SIZE		512	/* our kmem_cache's objects */
#define MEMDESC_TRUTH_BULK_OBJS		4	/* kmem_cache_alloc_bulk()'s */
#define MEMDESC_TRUTH_KMALLOC_SIZE	64
#define MEMDESC_TRUTH_KMALLOC_LARGE_SIZE \
	(MEMDESC_TRUTH_KMALLOC_LARGE_PAGES * PAGE_SIZE + 1)
#define MEMDESC_TRUTH_MAX_RANGES	120
#define MEMDESC_TRUTH_CMD_MAX		64	/* bytes of one ctl write */

/* The alloc_pages() kinds, in enum order from MEMDESC_TRUTH_PAGES0. */
#define MEMDESC_TRUTH_NR_PAGE_KINDS	(MEMDESC_TRUTH_COMP9 + 1)

/* The vmalloc kinds, in enum order from MEMDESC_TRUTH_VMALLOC. */
#define MEMDESC_TRUTH_NR_VMALLOC_KINDS \
	(MEMDESC_TRUTH_VMALLOC_MMAP - MEMDESC_TRUTH_VMALLOC + 1)

/**
 * struct memdesc_truth_range - PFNs of one allocation, or a piece of one
 * @pfn:	first PFN
 * @nr:		PFNs from @pfn
 * @index:	@pfn's index in its allocation (0: its first PFN)
 * @kind:	enum memdesc_truth_kind
 * @order:	the allocation's order
 * @compound:	the allocation is a compound page
 */
struct memdesc_truth_range {
	unsigned long pfn;
	unsigned long nr;
	unsigned long index;
	unsigned int kind;
	unsigned int order;
	bool compound;
};

/**
 * struct memdesc_truth - everything the module holds; all under @lock
 *			  except @mapped
 * @lock:	serialises commands, the pfns file and mmap
 * @allocated:	"alloc" succeeded and no "free" followed
 * @pages:	the alloc_pages() kinds, by kind
 * @cache:	our kmem_cache, for the module's lifetime
 * @cache_obj:	an object of @cache
 * @bulk_cache:	a cache only kmem_cache_alloc_bulk() takes from
 * @bulk_objs:	its objects, all from one new slab
 * @kmalloc_obj: a small kmalloc() object
 * @kmalloc_large_obj: a kmalloc() object past the largest kmalloc cache
 * @vbuf:	the vmalloc kinds' buffers, by kind
 * @vlarge:	the large vmalloc area
 * @pool:	the page_pool
 * @pp_pages:	pages taken from @pool
 * @exact:	the alloc_pages_exact() buffer
 * @pcpu:	per-cpu areas, the last one in vmalloc space if any is
 * @stale_pgd:	a block shaped like a freed top-level table
 * @stale_mm:	the look-alike of the freed mm_struct it names
 * @ranges:	the PFNs the pfns file lists
 * @nr_ranges:	entries in @ranges
 * @nr_pgtables: "pgtable" commands recorded in @ranges
 * @mapped:	user mappings of the vmalloc_mmap buffer (atomic: vm_ops
 *		close runs without @lock)
 * @dir:	our debugfs directory
 */
struct memdesc_truth {
	struct mutex lock;		/* see above */
	bool allocated;
	struct page *pages[MEMDESC_TRUTH_NR_PAGE_KINDS];
	struct kmem_cache *cache;
	void *cache_obj;
	struct kmem_cache *bulk_cache;
	void *bulk_objs[MEMDESC_TRUTH_BULK_OBJS];
	void *kmalloc_obj;
	void *kmalloc_large_obj;
	void *vbuf[MEMDESC_TRUTH_NR_VMALLOC_KINDS];
	void *vlarge;
	struct page_pool *pool;
	struct page *pp_pages[MEMDESC_TRUTH_NETPOOL_PAGES];
	void *exact;
	void __percpu *pcpu[MEMDESC_TRUTH_PERCPU_TRIES];
	struct page *stale_pgd;
	struct mm_struct *stale_mm;
	struct memdesc_truth_range ranges[MEMDESC_TRUTH_MAX_RANGES];
	unsigned int nr_ranges;
	unsigned int nr_pgtables;
	atomic_t mapped;
	struct dentry *dir;
};

static struct memdesc_truth truth = {
	.lock = __MUTEX_INITIALIZER(truth.lock),
	.mapped = ATOMIC_INIT(0),
};

/* The class memdesc should give each kind, by construction. */
static const char * const memdesc_truth_class[] = {
	[MEMDESC_TRUTH_PAGES0]		= "driver",
	[MEMDESC_TRUTH_PAGES3]		= "driver",
	[MEMDESC_TRUTH_PAGES9]		= "driver",
	[MEMDESC_TRUTH_COMP0]		= "driver",
	[MEMDESC_TRUTH_COMP3]		= "driver",
	[MEMDESC_TRUTH_COMP9]		= "driver",
	[MEMDESC_TRUTH_KMEM_CACHE]	= "slab",
	[MEMDESC_TRUTH_KMALLOC]		= "slab",
	[MEMDESC_TRUTH_KMEM_CACHE_BULK]	= "slab",
	[MEMDESC_TRUTH_KMALLOC_LARGE]	= "driver",
	[MEMDESC_TRUTH_VMALLOC]		= "vmalloc_unmap",
	[MEMDESC_TRUTH_VMALLOC_ONE]	= "vmalloc_unmap",
	[MEMDESC_TRUTH_VMALLOC_USER]	= "vmalloc_unmap",
	[MEMDESC_TRUTH_VMALLOC_MMAP]	= "vmalloc_unmap",  /* unless mapped */
	[MEMDESC_TRUTH_NETPOOL]		= "netpool",
	[MEMDESC_TRUTH_EXACT]		= "driver",
	[MEMDESC_TRUTH_PERCPU]		= "driver",
	[MEMDESC_TRUTH_VMALLOC_LARGE]	= "vmalloc_unmap",
	[MEMDESC_TRUTH_ZERO_PAGE]	= "reserved",
	[MEMDESC_TRUTH_STALE_PGD]	= "driver",
	[MEMDESC_TRUTH_PTE_TABLE]	= "pgtable",
	[MEMDESC_TRUTH_PMD_TABLE]	= "pgtable",
	[MEMDESC_TRUTH_PGD_TABLE]	= "pgtable",
};
static_assert(ARRAY_SIZE(memdesc_truth_class) == MEMDESC_TRUTH_NR_KINDS);

/* The finer misc class memdesc should record; "none" where unset. */
static const char *memdesc_truth_detail(unsigned int kind)
{
	switch (kind) {
	case MEMDESC_TRUTH_KMALLOC_LARGE:
		return "kmalloc_large";
	case MEMDESC_TRUTH_EXACT:
		return "exact";
	case MEMDESC_TRUTH_PERCPU:
		return "percpu";
	case MEMDESC_TRUTH_ZERO_PAGE:
		return "zero_page";
	}
	return "none";
}

/* Pages of each vmalloc kind. */
static const unsigned int memdesc_truth_vmalloc_pages[] = {
	[MEMDESC_TRUTH_VMALLOC - MEMDESC_TRUTH_VMALLOC] =
		MEMDESC_TRUTH_VMALLOC_PAGES,
	[MEMDESC_TRUTH_VMALLOC_ONE - MEMDESC_TRUTH_VMALLOC] = 1,
	[MEMDESC_TRUTH_VMALLOC_USER - MEMDESC_TRUTH_VMALLOC] =
		MEMDESC_TRUTH_VMALLOC_USER_PAGES,
	[MEMDESC_TRUTH_VMALLOC_MMAP - MEMDESC_TRUTH_VMALLOC] =
		MEMDESC_TRUTH_VMALLOC_MMAP_PAGES,
};
static_assert(ARRAY_SIZE(memdesc_truth_vmalloc_pages) ==
	      MEMDESC_TRUTH_NR_VMALLOC_KINDS);

/* Order of each alloc_pages() kind. */
static const unsigned int memdesc_truth_page_order[] = {
	[MEMDESC_TRUTH_PAGES0]	= 0,
	[MEMDESC_TRUTH_PAGES3]	= 3,
	[MEMDESC_TRUTH_PAGES9]	= 9,
	[MEMDESC_TRUTH_COMP0]	= 0,
	[MEMDESC_TRUTH_COMP3]	= 3,
	[MEMDESC_TRUTH_COMP9]	= 9,
};
static_assert(ARRAY_SIZE(memdesc_truth_page_order) ==
	      MEMDESC_TRUTH_NR_PAGE_KINDS);

/* === Records === */

static int memdesc_truth_add(unsigned int kind, unsigned long pfn,
			     unsigned long nr, unsigned int order,
			     bool compound, unsigned long index)
{
	struct memdesc_truth_range *r;

	lockdep_assert_held(&truth.lock);
	/* Sized for every kind and MEMDESC_TRUTH_MAX_PGTABLES commands. */
	if (WARN_ON_ONCE(truth.nr_ranges == MEMDESC_TRUTH_MAX_RANGES))
		return -ENOSPC;
	r = &truth.ranges[truth.nr_ranges++];
	r->kind = kind;
	r->pfn = pfn;
	r->nr = nr;
	r->order = order;
	r->compound = compound;
	r->index = index;
	return 0;
}

/* Every PFN of the slab or compound page holding @obj. */
static int memdesc_truth_add_folio(unsigned int kind, const void *obj)
{
	struct folio *folio = virt_to_folio(obj);
	unsigned int order = folio_order(folio);

	return memdesc_truth_add(kind, folio_pfn(folio), 1UL << order, order,
				 order > 0, 0);
}

/* Forget everything but the page tables, which no "alloc" made. */
static void memdesc_truth_forget_allocated(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < truth.nr_ranges; i++)
		if (truth.ranges[i].kind == MEMDESC_TRUTH_PTE_TABLE ||
		    truth.ranges[i].kind == MEMDESC_TRUTH_PMD_TABLE ||
		    truth.ranges[i].kind == MEMDESC_TRUTH_PGD_TABLE)
			truth.ranges[n++] = truth.ranges[i];
	truth.nr_ranges = n;
}

/* === Allocation === */

/*
 * Each memdesc_truth_alloc_*() allocates one kind and records its PFNs;
 * on failure it may leave a partial allocation behind, which
 * memdesc_truth_free_all() releases.  Each is a function of its own, never
 * inlined: memdesc's allocation sites (its owners file) must name these
 * functions in the stacks of the pages they allocate
 * (tests/vm/memdesc_truth_test.c).
 */
static noinline int memdesc_truth_alloc_pages(void)
{
	unsigned int kind;

	for (kind = MEMDESC_TRUTH_PAGES0; kind <= MEMDESC_TRUTH_COMP9; kind++) {
		unsigned int order = memdesc_truth_page_order[kind];
		bool comp = kind >= MEMDESC_TRUTH_COMP0;
		struct page *page;

		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN |
				   (comp ? __GFP_COMP : 0), order);
		if (!page)
			return -ENOMEM;
		truth.pages[kind] = page;
		/* The allocator makes no compound page of order 0. */
		if (memdesc_truth_add(kind, page_to_pfn(page), 1UL << order,
				      order, comp && order, 0))
			return -ENOSPC;
	}
	return 0;
}

static noinline int memdesc_truth_alloc_slab(void)
{
	int err;

	truth.cache_obj = kmem_cache_alloc(truth.cache, GFP_KERNEL);
	if (!truth.cache_obj)
		return -ENOMEM;
	err = memdesc_truth_add_folio(MEMDESC_TRUTH_KMEM_CACHE, truth.cache_obj);
	if (err)
		return err;

	truth.kmalloc_obj = kmalloc(MEMDESC_TRUTH_KMALLOC_SIZE, GFP_KERNEL);
	if (!truth.kmalloc_obj)
		return -ENOMEM;
	err = memdesc_truth_add_folio(MEMDESC_TRUTH_KMALLOC, truth.kmalloc_obj);
	if (err)
		return err;

	/*
	 * The bulk allocator traces no object (no kmem_cache_alloc event),
	 * so only the slab's making can tell memdesc it is one.  The cache
	 * is empty before (memdesc_truth_shrink()), so the slab is new.
	 */
	if (!kmem_cache_alloc_bulk(truth.bulk_cache, GFP_KERNEL,
				   MEMDESC_TRUTH_BULK_OBJS, truth.bulk_objs))
		return -ENOMEM;
	return memdesc_truth_add_folio(MEMDESC_TRUTH_KMEM_CACHE_BULK,
				       truth.bulk_objs[0]);
}

static noinline int memdesc_truth_alloc_kmalloc_large(void)
{
	const size_t size = MEMDESC_TRUTH_KMALLOC_LARGE_SIZE;
	unsigned int order = get_order(size);
	void *obj;

	/* Past KMALLOC_MAX_CACHE_SIZE: the page allocator, compound. */
	BUILD_BUG_ON(MEMDESC_TRUTH_KMALLOC_LARGE_SIZE <= KMALLOC_MAX_CACHE_SIZE);
	obj = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!obj)
		return -ENOMEM;
	truth.kmalloc_large_obj = obj;
	return memdesc_truth_add(MEMDESC_TRUTH_KMALLOC_LARGE,
				 page_to_pfn(virt_to_page(obj)), 1UL << order,
				 order, true, 0);
}

static noinline int memdesc_truth_alloc_vmalloc(void)
{
	unsigned int kind;

	for (kind = MEMDESC_TRUTH_VMALLOC; kind <= MEMDESC_TRUTH_VMALLOC_MMAP;
	     kind++) {
		unsigned int i, nr;
		size_t size;
		void *buf;

		nr = memdesc_truth_vmalloc_pages[kind - MEMDESC_TRUTH_VMALLOC];
		size = (size_t)nr * PAGE_SIZE;
		if (kind == MEMDESC_TRUTH_VMALLOC ||
		    kind == MEMDESC_TRUTH_VMALLOC_ONE)
			buf = vmalloc(size);
		else
			buf = vmalloc_user(size);
		if (!buf)
			return -ENOMEM;
		truth.vbuf[kind - MEMDESC_TRUTH_VMALLOC] = buf;
		/* Each page its own order-0 allocation, anywhere. */
		for (i = 0; i < nr; i++) {
			struct page *page;
			int err;

			page = vmalloc_to_page(buf + (size_t)i * PAGE_SIZE);
			if (WARN_ON_ONCE(!page))
				return -EFAULT;
			err = memdesc_truth_add(kind, page_to_pfn(page), 1, 0,
						false, 0);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * A page_pool with no device: no DMA mapping, pages from the bulk
 * allocator, marked with pp_magic and traced by page_pool_state_hold.
 * page_pool_alloc_pages() wants its caller to be the pool's only consumer
 * (normally NAPI); here that is whoever holds truth.lock.
 */
static noinline int memdesc_truth_alloc_netpool(void)
{
	struct page_pool_params pp = {
		.order		= 0,
		.pool_size	= MEMDESC_TRUTH_NETPOOL_PAGES,
		.nid		= NUMA_NO_NODE,
	};
	struct page_pool *pool;
	unsigned int i;

	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	truth.pool = pool;
	for (i = 0; i < MEMDESC_TRUTH_NETPOOL_PAGES; i++) {
		struct page *page = page_pool_alloc_pages(pool, GFP_KERNEL |
							  __GFP_NOWARN);
		int err;

		if (!page)
			return -ENOMEM;
		truth.pp_pages[i] = page;
		err = memdesc_truth_add(MEMDESC_TRUTH_NETPOOL,
					page_to_pfn(page), 1, 0, false, 0);
		if (err)
			return err;
	}
	return 0;
}

/* alloc_pages_exact(): each page kept is an order-0 page of its own. */
static noinline int memdesc_truth_alloc_exact(void)
{
	unsigned long pfn;
	unsigned int i;
	int err;

	truth.exact = alloc_pages_exact(MEMDESC_TRUTH_EXACT_PAGES * PAGE_SIZE,
					GFP_KERNEL | __GFP_NOWARN);
	if (!truth.exact)
		return -ENOMEM;
	pfn = page_to_pfn(virt_to_page(truth.exact));
	for (i = 0; i < MEMDESC_TRUTH_EXACT_PAGES; i++) {
		err = memdesc_truth_add(MEMDESC_TRUTH_EXACT, pfn + i, 1, 0,
					false, 0);
		if (err)
			return err;
	}
	return 0;
}

/* The pages behind every CPU's copy of @ptr, at most a bound of them. */
static int memdesc_truth_add_percpu(void __percpu *ptr)
{
	unsigned long addr, end, n = 0;
	struct page *page;
	int cpu, err;

	for_each_possible_cpu(cpu) {
		addr = (unsigned long)per_cpu_ptr(ptr, cpu);
		end = addr + MEMDESC_TRUTH_PERCPU_SIZE;
		for (addr &= PAGE_MASK; addr < end; addr += PAGE_SIZE) {
			if (n++ == MEMDESC_TRUTH_PERCPU_MAX_PAGES)
				return 0;
			page = vmalloc_to_page((void *)addr);
			if (!page)
				return -EFAULT;
			err = memdesc_truth_add(MEMDESC_TRUTH_PERCPU,
						page_to_pfn(page), 1, 0, false,
						0);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * A per-cpu area in a chunk of vmalloc space: allocate until one is, or
 * give up listing none (the first chunk still had room each time).
 */
static noinline int memdesc_truth_alloc_percpu(void)
{
	void __percpu *ptr;
	unsigned int i;

	for (i = 0; i < MEMDESC_TRUTH_PERCPU_TRIES; i++) {
		ptr = __alloc_percpu(MEMDESC_TRUTH_PERCPU_SIZE, PAGE_SIZE);
		if (!ptr)
			return -ENOMEM;
		truth.pcpu[i] = ptr;
		if (is_vmalloc_addr(per_cpu_ptr(ptr, raw_smp_processor_id())))
			return memdesc_truth_add_percpu(ptr);
	}
	return 0;
}

/* The zero page: nothing to allocate, only its PFN to list. */
/*
 * A vmalloc() area larger than the hook on its return types itself: the
 * rest of its pages are typed by memdesc's worker.  Some of its pages are
 * listed, at indices across that bound.
 */
static noinline int memdesc_truth_alloc_vmalloc_large(void)
{
	static const unsigned int idx[] = MEMDESC_TRUTH_VMALLOC_LARGE_INDICES;
	struct page *page;
	unsigned int i;
	int err;

	truth.vlarge = vmalloc(MEMDESC_TRUTH_VMALLOC_LARGE_PAGES * PAGE_SIZE);
	if (!truth.vlarge)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		page = vmalloc_to_page(truth.vlarge + (size_t)idx[i] * PAGE_SIZE);
		if (WARN_ON_ONCE(!page))
			return -EFAULT;
		err = memdesc_truth_add(MEMDESC_TRUTH_VMALLOC_LARGE,
					page_to_pfn(page), 1, 0, false, 0);
		if (err)
			return err;
	}
	return 0;
}

static int memdesc_truth_add_zero_page(void)
{
	return memdesc_truth_add(MEMDESC_TRUTH_ZERO_PAGE,
				 page_to_pfn(ZERO_PAGE(0)), 1, 0, false, 0);
}

/* The word x86's pgd_set_mm() writes: in struct page, a ptdesc since 6.6. */
static void memdesc_truth_set_pt_mm(struct page *page, struct mm_struct *mm)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	page_ptdesc(page)->pt_mm = mm;
#else
	page->pt_mm = mm;
#endif
}

/*
 * A block that was a process's top-level table, as one is left when its
 * mm dies and the block goes to someone else (here, us): pgd_dtor() took
 * it off pgd_list, poisoning its links, and its first page still names
 * the mm (pgd_set_mm()), whose mm_struct, freed, still points at it.
 * Under KASAN that mm_struct waits in the quarantine with KASAN's
 * metadata over its first word, mm_count, which no longer reads 0; a
 * look-alike with mm_count 1 stands for it.  Driver on both sides, at
 * PGD_ALLOCATION_ORDER, the order _pgd_alloc() asks.
 */
static noinline int memdesc_truth_alloc_stale_pgd(void)
{
	struct page *page;

	truth.stale_mm = kzalloc(sizeof(*truth.stale_mm), GFP_KERNEL);
	if (!truth.stale_mm)
		return -ENOMEM;
	page = alloc_pages(GFP_KERNEL, PGD_ALLOCATION_ORDER);
	if (!page)
		return -ENOMEM;
	truth.stale_pgd = page;
	truth.stale_mm->pgd = page_address(page);
	atomic_set(&truth.stale_mm->mm_count, 1);
	memdesc_truth_set_pt_mm(page, truth.stale_mm);
	page->lru.next = LIST_POISON1;
	page->lru.prev = LIST_POISON2;
	return memdesc_truth_add(MEMDESC_TRUTH_STALE_PGD, page_to_pfn(page),
				 1UL << PGD_ALLOCATION_ORDER,
				 PGD_ALLOCATION_ORDER, false, 0);
}

/* Release everything "alloc" made; page table records stay. */
static void memdesc_truth_free_allocated(void)
{
	unsigned int i;

	lockdep_assert_held(&truth.lock);
	if (truth.pool) {
		for (i = 0; i < MEMDESC_TRUTH_NETPOOL_PAGES; i++) {
			if (truth.pp_pages[i])
				page_pool_put_full_page(truth.pool,
							truth.pp_pages[i],
							false);
			truth.pp_pages[i] = NULL;
		}
		page_pool_destroy(truth.pool);
		truth.pool = NULL;
	}
	if (truth.stale_pgd) {
		memdesc_truth_set_pt_mm(truth.stale_pgd, NULL);
		__free_pages(truth.stale_pgd, PGD_ALLOCATION_ORDER);
		truth.stale_pgd = NULL;
	}
	kfree(truth.stale_mm);
	truth.stale_mm = NULL;
	for (i = 0; i < MEMDESC_TRUTH_PERCPU_TRIES; i++) {
		free_percpu(truth.pcpu[i]);
		truth.pcpu[i] = NULL;
	}
	if (truth.exact)
		free_pages_exact(truth.exact,
				 MEMDESC_TRUTH_EXACT_PAGES * PAGE_SIZE);
	truth.exact = NULL;
	for (i = 0; i < MEMDESC_TRUTH_NR_VMALLOC_KINDS; i++) {
		vfree(truth.vbuf[i]);
		truth.vbuf[i] = NULL;
	}
	vfree(truth.vlarge);
	truth.vlarge = NULL;
	kfree(truth.kmalloc_large_obj);
	truth.kmalloc_large_obj = NULL;
	kfree(truth.kmalloc_obj);
	truth.kmalloc_obj = NULL;
	if (truth.cache_obj) {
		kmem_cache_free(truth.cache, truth.cache_obj);
		truth.cache_obj = NULL;
	}
	if (truth.bulk_objs[0]) {
		kmem_cache_free_bulk(truth.bulk_cache, MEMDESC_TRUTH_BULK_OBJS,
				     truth.bulk_objs);
		memset(truth.bulk_objs, 0, sizeof(truth.bulk_objs));
	}
	for (i = 0; i < MEMDESC_TRUTH_NR_PAGE_KINDS; i++) {
		if (truth.pages[i])
			__free_pages(truth.pages[i],
				     memdesc_truth_page_order[i]);
		truth.pages[i] = NULL;
	}
	memdesc_truth_forget_allocated();
	truth.allocated = false;
}

static int memdesc_truth_alloc_all(void)
{
	int err;

	lockdep_assert_held(&truth.lock);
	if (truth.allocated)
		return -EBUSY;
	err = memdesc_truth_alloc_pages();
	if (!err)
		err = memdesc_truth_alloc_slab();
	if (!err)
		err = memdesc_truth_alloc_kmalloc_large();
	if (!err)
		err = memdesc_truth_alloc_vmalloc();
	if (!err)
		err = memdesc_truth_alloc_vmalloc_large();
	if (!err)
		err = memdesc_truth_alloc_netpool();
	if (!err)
		err = memdesc_truth_alloc_exact();
	if (!err)
		err = memdesc_truth_alloc_percpu();
	if (!err)
		err = memdesc_truth_add_zero_page();
	if (!err)
		err = memdesc_truth_alloc_stale_pgd();
	if (err) {
		memdesc_truth_free_allocated();
		return err;
	}
	truth.allocated = true;
	return 0;
}

/* "free": everything, page table records too. */
static int memdesc_truth_free_all(void)
{
	lockdep_assert_held(&truth.lock);
	/* vfree() under a user mapping would leave it a stale record. */
	if (atomic_read(&truth.mapped))
		return -EBUSY;
	memdesc_truth_free_allocated();
	truth.nr_ranges = 0;
	truth.nr_pgtables = 0;
	return 0;
}

/* === Page tables of the caller === */

/*
 * The PTE table page and the PMD table page that map @addr in current's mm.
 * Only entries are read, under mmap_read_lock(): no PTE table is entered,
 * so one that khugepaged retracts under us (6.12 does that without the
 * write lock) costs nothing.  A PMD table goes only with its mapping, which
 * the caller keeps.
 */
static int memdesc_truth_walk(unsigned long addr, unsigned long *pte_table,
			      unsigned long *pmd_table)
{
	struct mm_struct *mm = current->mm;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd, pmdval;
	int err = -ENOENT;

	if (!mm || addr >= TASK_SIZE)
		return -EINVAL;
	mmap_read_lock(mm);
	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		goto out;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		goto out;
	pud = pud_offset(p4d, addr);
	/* A huge PUD is "bad" here: no PMD table under it. */
	if (pud_none(*pud) || pud_bad(*pud))
		goto out;
	pmd = pmd_offset(pud, addr);
	pmdval = READ_ONCE(*pmd);
	/* A THP, a migration entry or nothing: no PTE table under it. */
	if (pmd_none(pmdval) || !pmd_present(pmdval) ||
	    pmd_trans_huge(pmdval) || pmd_bad(pmdval))
		goto out;
	*pte_table = page_to_pfn(pmd_page(pmdval));
	*pmd_table = page_to_pfn(virt_to_page(pmd));
	err = 0;
out:
	mmap_read_unlock(mm);
	return err;
}

static int memdesc_truth_pgtable(unsigned long addr)
{
	unsigned long pte_pfn, pmd_pfn;
	int err;

	/* Before truth.lock, which nests inside mmap_lock. */
	err = memdesc_truth_walk(addr, &pte_pfn, &pmd_pfn);
	if (err)
		return err;
	mutex_lock(&truth.lock);
	if (truth.nr_pgtables == MEMDESC_TRUTH_MAX_PGTABLES) {
		err = -ENOSPC;
		goto out;
	}
	err = memdesc_truth_add(MEMDESC_TRUTH_PTE_TABLE, pte_pfn, 1, 0,
				false, 0);
	if (!err)
		err = memdesc_truth_add(MEMDESC_TRUTH_PMD_TABLE, pmd_pfn, 1, 0,
					false, 0);
	/*
	 * pgd_alloc()'s block, PGD_ALLOCATION_ORDER and not compound; the
	 * mm's pgd lives as long as the writer.
	 */
	if (!err)
		err = memdesc_truth_add(MEMDESC_TRUTH_PGD_TABLE,
					page_to_pfn(virt_to_page(current->mm->pgd)),
					1UL << PGD_ALLOCATION_ORDER,
					PGD_ALLOCATION_ORDER, false, 0);
	if (!err)
		truth.nr_pgtables++;
out:
	mutex_unlock(&truth.lock);
	return err;
}

/* === DebugFS Interface === */

/* pfns: one record a PFN. */
static int memdesc_truth_pfns_show(struct seq_file *m, void *v)
{
	unsigned int i;
	unsigned long j;

	mutex_lock(&truth.lock);
	seq_puts(m, "# kind pfn class order compound index detail\n");
	for (i = 0; i < truth.nr_ranges; i++) {
		const struct memdesc_truth_range *r = &truth.ranges[i];
		const char *class = memdesc_truth_class[r->kind];

		if (r->kind == MEMDESC_TRUTH_VMALLOC_MMAP &&
		    atomic_read(&truth.mapped))
			class = "vmalloc_map";
		for (j = 0; j < r->nr; j++)
			seq_printf(m, "%s %lu %s %u %d %lu %s\n",
				   memdesc_truth_kind_name(r->kind), r->pfn + j,
				   class, r->order, r->compound, r->index + j,
				   memdesc_truth_detail(r->kind));
	}
	mutex_unlock(&truth.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memdesc_truth_pfns);

/*
 * Empty slabs go back after a free, so the next "alloc" starts a fresh
 * slab.  Not under truth.lock: kmem_cache_shrink() takes cpu_hotplug_lock,
 * which the kernel orders before mem_hotplug_lock, the memory notifier
 * chain, ksm_thread_mutex and, in ksmd, mmap_lock; and mmap takes
 * truth.lock under mmap_lock.  Lockdep reported the cycle on the debug
 * kernel (make check-debug).
 */
static void memdesc_truth_shrink(void)
{
	kmem_cache_shrink(truth.cache);
	kmem_cache_shrink(truth.bulk_cache);
}

/*
 * ctl: copy one command, at offset 0, NUL-terminated and trimmed.  The
 * buffer holds MEMDESC_TRUTH_CMD_MAX bytes and the NUL.
 */
static ssize_t memdesc_truth_ctl_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	char buf[MEMDESC_TRUTH_CMD_MAX + 1], *cmd;
	unsigned long addr;
	int err;

	if (*ppos || !count || count > MEMDESC_TRUTH_CMD_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	cmd = strim(buf);

	if (!strcmp(cmd, "alloc")) {
		mutex_lock(&truth.lock);
		err = memdesc_truth_alloc_all();
		mutex_unlock(&truth.lock);
		if (err)
			memdesc_truth_shrink();
	} else if (!strcmp(cmd, "free")) {
		mutex_lock(&truth.lock);
		err = memdesc_truth_free_all();
		mutex_unlock(&truth.lock);
		if (!err)
			memdesc_truth_shrink();
	} else if (str_has_prefix(cmd, "pgtable ")) {
		/* kstrtoul(): digits only, base from a 0x prefix. */
		err = kstrtoul(skip_spaces(cmd + strlen("pgtable ")), 0, &addr);
		if (!err)
			err = memdesc_truth_pgtable(addr);
	} else {
		err = -EINVAL;
	}
	return err ? err : count;
}

static const struct file_operations memdesc_truth_ctl_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= memdesc_truth_ctl_write,
	.llseek	= noop_llseek,
};

/* vmalloc_mmap: the buffer of that kind, mapped into user space. */
static void memdesc_truth_vm_open(struct vm_area_struct *vma)
{
	atomic_inc(&truth.mapped);
}

static void memdesc_truth_vm_close(struct vm_area_struct *vma)
{
	atomic_dec(&truth.mapped);
}

static const struct vm_operations_struct memdesc_truth_vm_ops = {
	.open	= memdesc_truth_vm_open,
	.close	= memdesc_truth_vm_close,
};

static int memdesc_truth_mmap(struct file *file, struct vm_area_struct *vma)
{
	void *buf;
	int err;

	mutex_lock(&truth.lock);
	buf = truth.vbuf[MEMDESC_TRUTH_VMALLOC_MMAP - MEMDESC_TRUTH_VMALLOC];
	if (!buf) {
		err = -ENODEV;
		goto out;
	}
	/* Refuses a range past the buffer and an offset. */
	err = remap_vmalloc_range(vma, buf, vma->vm_pgoff);
	if (err)
		goto out;
	vma->vm_ops = &memdesc_truth_vm_ops;
	memdesc_truth_vm_open(vma);
out:
	mutex_unlock(&truth.lock);
	return err;
}

/*
 * debugfs' full proxy has no mmap, so this file is created "unsafe": the
 * real fops, with the module pinned by .owner while the file (or a mapping
 * of it) is open; exit removes the file only once nothing holds it.
 */
static const struct file_operations memdesc_truth_mmap_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.mmap	= memdesc_truth_mmap,
	.llseek	= noop_llseek,
};

/* === Module === */

/*
 * stall=SECONDS at load: spin that long with preemption off before loading,
 * so that this CPU passes through no RCU quiescent state.  Past the stall
 * timeout (21 s on Debian's kernels) RCU reports the CPU, and the guests of
 * tests/vm/boot-faults.sh then panic: what that checks is that the panic's
 * output names this function on the stalled CPU's stack, as a real stall
 * would have to say whether memdesc was on one.  Nothing else loads the
 * module with it.
 */
static unsigned int stall;
module_param(stall, uint, 0);
MODULE_PARM_DESC(stall, "seconds to stall RCU at load (1-60), for tests of the stall report");

static noinline void memdesc_truth_stall(unsigned int seconds)
{
	u64 end = ktime_get_ns() + (u64)seconds * NSEC_PER_SEC;

	preempt_disable();
	while (ktime_get_ns() < end)
		cpu_relax();
	preempt_enable();
}

/* Keeps find_mergeable() from merging our cache with another one. */
static void memdesc_truth_ctor(void *obj)
{
	memset(obj, 0, MEMDESC_TRUTH_OBJ_SIZE);
}

static int __init memdesc_truth_init(void)
{
	if (stall > MEMDESC_TRUTH_STALL_MAX) {
		pr_err("stall=%u: at most %u seconds\n", stall,
		       MEMDESC_TRUTH_STALL_MAX);
		return -EINVAL;
	}
	if (stall)
		memdesc_truth_stall(stall);

	truth.cache = kmem_cache_create("memdesc_truth", MEMDESC_TRUTH_OBJ_SIZE,
					0, 0, memdesc_truth_ctor);
	if (!truth.cache)
		return -ENOMEM;
	/* A constructor of its own keeps SLUB from merging it with another. */
	truth.bulk_cache = kmem_cache_create("memdesc_truth_bulk",
					     MEMDESC_TRUTH_OBJ_SIZE, 0, 0,
					     memdesc_truth_ctor);
	if (!truth.bulk_cache) {
		kmem_cache_destroy(truth.cache);
		return -ENOMEM;
	}

	truth.dir = debugfs_create_dir(MEMDESC_TRUTH_DIR, NULL);
	debugfs_create_file("ctl", 0200, truth.dir, NULL,
			    &memdesc_truth_ctl_fops);
	debugfs_create_file("pfns", 0400, truth.dir, NULL,
			    &memdesc_truth_pfns_fops);
	debugfs_create_file_unsafe("vmalloc_mmap", 0600, truth.dir, NULL,
				   &memdesc_truth_mmap_fops);
	return 0;
}

static void __exit memdesc_truth_exit(void)
{
	debugfs_remove_recursive(truth.dir);
	mutex_lock(&truth.lock);
	/* No mapping is left: each pins the module through its file. */
	WARN_ON_ONCE(memdesc_truth_free_all());
	mutex_unlock(&truth.lock);
	kmem_cache_destroy(truth.bulk_cache);
	kmem_cache_destroy(truth.cache);
}

module_init(memdesc_truth_init);
module_exit(memdesc_truth_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Pages of known kinds, to test memdesc.ko against");
