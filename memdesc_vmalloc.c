// SPDX-License-Identifier: GPL-2.0
/*
 * The vmalloc snapshot: the RAM pages that the kernel's vmalloc area
 * [VMALLOC_START, VMALLOC_END] and module area [MODULES_VADDR, MODULES_END)
 * map right now, read from the kernel page tables.
 *
 * Debian's 6.1 and 6.12 kernels export vmalloc_to_page() and vmalloc_base
 * but not init_mm, find_vm_area() or the vmap_area lists, so the areas
 * cannot be listed; their page tables can be walked.  x86-64 only, checked
 * against 6.1.192 and 6.12.117, and only where the kernel headers know no
 * broadcast TLB flush (MEMDESC_HAVE_VMALLOC_WALK in memdesc_compat.h);
 * elsewhere the snapshot fails with -EOPNOTSUPP.
 *
 * Which page table.  Every pgd copies the kernel half of swapper_pg_dir
 * when it is made (arch/x86/mm/pgtable.c:pgd_ctor()), and the top-level
 * entries over the vmalloc area are all populated at boot, before the first
 * copy (arch/x86/mm/init_64.c:preallocate_vmalloc_pages(): p4d tables with
 * 5-level paging, pud tables with 4-level; both kernels), so none of them
 * changes later.  The module area hangs off the kernel image's top-level
 * entry, also populated at boot.  Below the top level, every pgd leads to
 * init_mm's tables, and the walk starts from current->active_mm->pgd, read
 * with interrupts off, when it can be neither switched nor dropped.
 * (init_task.active_mm would do no better: the idle task borrows mms
 * lazily.)
 *
 * Why no table is freed under the walk.  Unmapping never frees page tables
 * (mm/vmalloc.c:vunmap_pmd_range() and the levels above it only clear
 * entries); CPA frees tables only in the EFI pgd (set_memory.c:
 * populate_pgd()), memory hot-remove only in the direct map and vmemmap.
 * Mapping a huge page over a range that had a table does:
 * mm/vmalloc.c:vmap_try_huge_pmd() and vmap_try_huge_pud(), reached from
 * ioremap and from huge vmalloc (kvmalloc(), vmalloc_huge(), large system
 * hashes), call arch/x86/mm/pgtable.c:pmd_free_pte_page() and
 * pud_free_pmd_page(), which clear the entry, flush_tlb_kernel_range() and
 * free_page() the table.  The kernel's own walker of tables it does not
 * own, mm/ptdump.c:ptdump_walk_pgd(), excludes that with
 * mmap_write_lock(&init_mm), which vmap_try_huge_*() trylock for read on
 * both kernels; a module cannot reach init_mm.  But on both kernels
 * arch/x86/mm/tlb.c:flush_tlb_kernel_range() is on_each_cpu(..., 1): an IPI
 * that every online CPU must take before the table is freed.  So each step
 * of the walk reads from the top-level entry down to its last PTE with
 * interrupts off, the argument GUP-fast makes for user tables: a table
 * reached through an entry read before it was cleared is not freed before
 * the step ends.  A step reads at most one PTE table plus runs of empty
 * entries, bounded by one table per level; PFNs are checked and stored with
 * interrupts on.
 *
 * What the set holds, both kernels alike.  The PFNs under every leaf entry
 * (PTE, 2M PMD or 1G PUD; a PTE that set_memory_np() made non-present keeps
 * its PFN and counts) that have an online struct page.  Races with vmap and
 * vfree are fine: vfree() clears the PTEs before it frees the pages
 * (remove_vm_area()), so a page freed during the walk may be listed, a page
 * freed before it is not.
 *   in	vmalloc(), vzalloc(), vmalloc_user(), kvmalloc() fallbacks: the
 *	area's order-0 pages (huge vmalloc splits its high-order pages:
 *	mm/vmalloc.c:vm_area_alloc_pages()).
 *   in	kernel stacks (VMAP_STACK=y on both): kernel/fork.c:
 *	alloc_thread_stack_node() is __vmalloc_node_range(); the two freed
 *	stacks cached per CPU stay mapped and listed.
 *   in	percpu chunks after the first: mm/percpu-vm.c maps alloc_pages()
 *	pages into pcpu_get_vm_areas() areas.  The first chunk is in the
 *	direct map (x86-64 embeds it: arch/x86/kernel/setup_percpu.c) and is
 *	not listed, unless booted with percpu_alloc=page.
 *   in	module text and data, BPF JIT images, kprobe and ftrace
 *	trampolines: module_alloc() on 6.1 (arch/x86/kernel/module.c),
 *	execmem_alloc() on 6.12 (mm/execmem.c), both __vmalloc_node_range()
 *	inside the module area.
 *   in	vmap(), vm_map_ram() and vmap_pfn() of pages owned by others:
 *	shmem folios (DRM GEM vmap), XFS buffer pages, relay and BPF ring
 *	buffers, ...  The set says "mapped in vmalloc space", not
 *	"allocated by vmalloc": the classifier must let every other type win
 *	and give a vmalloc subtype only to what would otherwise be "driver".
 *   in	ioremap() of firmware-reserved RAM inside an online section (ACPI
 *	tables through acpi_os_map_memory()): PageReserved, so reserved must
 *	win too.  ioremap() of MMIO has no online struct page and drops out
 *	(@nr_dropped).
 *   out KASAN and KMSAN shadow: neither kernel has them; KASAN's vmalloc
 *	shadow lies outside the walked ranges, and with KMSAN VMALLOC_END
 *	already excludes its shadow quarters.
 *   out the kernel image, the direct map, vmemmap, fixmap, cpu_entry_area,
 *	and EFI runtime mappings (efi_mm has its own pgd).
 *   It cannot tell which area a page is in, who allocated it, whether it
 *   was vmalloc()ed or vmap()ed, or the area's flags.
 *
 * Mappable to user space.  VM_USERMAP (vmalloc_user(), vmalloc_32_user())
 * lives in struct vm_struct, reachable only through find_vm_area().  What a
 * page shows is whether it is mapped now: remap_vmalloc_range() and
 * vm_map_pages() insert each page with vm_insert_page(), and
 * mm/memory.c:insert_page_into_pte_locked() adds a file rmap -
 * page_add_file_rmap() on 6.1, folio_add_file_rmap_pte() on 6.12 - so the
 * page's own _mapcount counts its user mappings on both.  @user therefore
 * means "mapped to user now" (subtype 4), exact for vmalloc's order-0
 * pages; a vmalloc_user() buffer nobody has mapped reads as subtype 5, and
 * vmalloc memory mapped with remap_pfn_range(vmalloc_to_pfn()) or
 * vmf_insert_pfn() (VM_PFNMAP, no rmap) is missed.
 *
 * A robust answer needs the areas, not the page tables: an exported walker
 * over the vmap areas giving start, size, flags (VM_ALLOC, VM_MAP,
 * VM_USERMAP, VM_IOREMAP) and the pages, under the vmap locks - what
 * /proc/vmallocinfo prints - or a page type set on the pages
 * vm_area_alloc_pages() allocates (cleared by vfree()), with a second one
 * or a flag for VM_USERMAP.  Short of that, /proc/vmallocinfo (root)
 * prints each area's range with "vmalloc", "vmap", "ioremap" and "user" on
 * both kernels: a walk that also kept each PFN's virtual address could be
 * joined with it in user space.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/bitmap.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "memdesc.h"
#include "memdesc_compat.h"

/* First allocation of the entry array: a small guest's worth. */
#define MEMDESC_VMALLOC_MIN_ENTRIES	4096UL

/**
 * struct memdesc_vmalloc_walk - state of one snapshot
 * @set:	the set being built, for its counters
 * @entries:	PFN << 1 | mapped-to-user, in walk order, with repeats
 * @nr:		entries used
 * @cap:	entries allocated
 * @leaf_pfn:	first PFN under the huge leaf the last step met
 * @leaf_nr:	PFNs under it from the step's address on; 0 when none
 * @nr_batch:	PFNs in @batch
 * @batch:	the PFNs of the PTE table the last step read
 *
 * A step fills @batch or the leaf with interrupts off; the PFNs are checked
 * and moved to @entries, which may grow, with interrupts on.
 */
struct memdesc_vmalloc_walk {
	struct memdesc_vmalloc_set *set;
	unsigned long *entries;
	unsigned long nr;
	unsigned long cap;
	unsigned long leaf_pfn;
	unsigned long leaf_nr;
	unsigned int nr_batch;
	unsigned long batch[PTRS_PER_PTE];
};

#ifdef MEMDESC_HAVE_VMALLOC_WALK

/* === Page-table walk === */

static void memdesc_vmalloc_leaf(struct memdesc_vmalloc_walk *w,
				 unsigned long pfn, unsigned long addr,
				 unsigned long next)
{
	w->leaf_pfn = pfn;
	w->leaf_nr = (next - addr) >> PAGE_SHIFT;
	w->set->nr_huge++;
}

/*
 * One step of the walk over [@addr, @end): with interrupts off, descend
 * from the top level, pass over empty and bad entries within each table
 * reached, and stop after the first PTE table or huge leaf.  Returns where
 * the next step starts.
 *
 * The *_offset_lockless() helpers index the table an entry copy points to,
 * as GUP-fast does; at a level folded away at run time (p4d with 4-level
 * paging) the entry's range equals its parent's, so the loop there never
 * steps past the copy.
 */
static unsigned long memdesc_vmalloc_step(struct memdesc_vmalloc_walk *w,
					  unsigned long addr, unsigned long end)
{
	unsigned long flags, next;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	local_irq_save(flags);

	pgdp = pgd_offset_pgd(current->active_mm->pgd, addr);
	for (;; pgdp++, addr = next) {
		next = pgd_addr_end(addr, end);
		pgd = memdesc_pgdp_get(pgdp);
		if (!pgd_none(pgd) && !pgd_bad(pgd))
			break;
		if (next == end)
			goto out;
	}

	end = next;
	p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	for (;; p4dp++, addr = next) {
		next = p4d_addr_end(addr, end);
		p4d = memdesc_p4dp_get(p4dp);
		if (!p4d_none(p4d) && !p4d_bad(p4d))
			break;
		if (next == end)
			goto out;
	}

	end = next;
	pudp = pud_offset_lockless(p4dp, p4d, addr);
	for (;; pudp++, addr = next) {
		next = pud_addr_end(addr, end);
		pud = memdesc_pudp_get(pudp);
		if (pud_leaf(pud)) {
			memdesc_vmalloc_leaf(w, pud_pfn(pud) +
					     ((addr & ~PUD_MASK) >> PAGE_SHIFT),
					     addr, next);
			goto out;
		}
		if (!pud_none(pud) && !pud_bad(pud))
			break;
		if (next == end)
			goto out;
	}

	end = next;
	pmdp = pmd_offset_lockless(pudp, pud, addr);
	for (;; pmdp++, addr = next) {
		next = pmd_addr_end(addr, end);
		pmd = memdesc_pmdp_get(pmdp);
		if (pmd_leaf(pmd)) {
			memdesc_vmalloc_leaf(w, pmd_pfn(pmd) +
					     ((addr & ~PMD_MASK) >> PAGE_SHIFT),
					     addr, next);
			goto out;
		}
		if (!pmd_none(pmd) && !pmd_bad(pmd))
			break;
		if (next == end)
			goto out;
	}

	/* pte_pfn() undoes the L1TF inversion of a non-present entry. */
	ptep = pte_offset_kernel(&pmd, addr);
	do {
		pte = ptep_get(ptep);
		if (!pte_none(pte))
			w->batch[w->nr_batch++] = pte_pfn(pte);
	} while (ptep++, addr += PAGE_SIZE, addr != next);
out:
	local_irq_restore(flags);
	return next;
}

/* === Collecting PFNs === */

/* Room for @more entries; the array is copied, never reallocated in place. */
static int memdesc_vmalloc_reserve(struct memdesc_vmalloc_walk *w,
				   unsigned long more)
{
	unsigned long cap, *entries;

	if (w->nr + more <= w->cap)
		return 0;
	cap = max3(w->cap * 2, w->nr + more, MEMDESC_VMALLOC_MIN_ENTRIES);
	entries = memdesc_kvmalloc(cap, sizeof(*entries), GFP_KERNEL,
				   NUMA_NO_NODE);
	if (!entries)
		return -ENOMEM;
	if (w->nr)
		memcpy(entries, w->entries, w->nr * sizeof(*entries));
	memdesc_kvfree(w->entries);
	w->entries = entries;
	w->cap = cap;
	return 0;
}

/*
 * Keep @pfn if it has an online struct page; note whether that page is
 * mapped to user space (memdesc_page_mapcount() is -1 for typed pages).
 * Room must have been reserved.
 */
static void memdesc_vmalloc_add(struct memdesc_vmalloc_walk *w,
				unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	w->set->nr_seen++;
	if (!page) {
		w->set->nr_dropped++;
		return;
	}
	w->entries[w->nr++] = pfn << 1 | (memdesc_page_mapcount(page) > 0);
}

/* Move what the last step found into the entry array. */
static int memdesc_vmalloc_collect(struct memdesc_vmalloc_walk *w)
{
	unsigned long i, n;

	if (memdesc_vmalloc_reserve(w, w->nr_batch))
		return -ENOMEM;
	for (i = 0; i < w->nr_batch; i++)
		memdesc_vmalloc_add(w, w->batch[i]);
	w->nr_batch = 0;

	/* A 1G leaf is 262144 PFNs: take them a PTE table's worth at a time. */
	while (w->leaf_nr) {
		n = min_t(unsigned long, w->leaf_nr, PTRS_PER_PTE);
		if (memdesc_vmalloc_reserve(w, n))
			return -ENOMEM;
		for (i = 0; i < n; i++)
			memdesc_vmalloc_add(w, w->leaf_pfn + i);
		w->leaf_pfn += n;
		w->leaf_nr -= n;
		cond_resched();
	}
	return 0;
}

/* Walk [@addr, @end), which must be PAGE_SIZE aligned. */
static int memdesc_vmalloc_walk_range(struct memdesc_vmalloc_walk *w,
				      unsigned long addr, unsigned long end)
{
	int ret;

	while (addr != end) {
		addr = memdesc_vmalloc_step(w, addr, end);
		ret = memdesc_vmalloc_collect(w);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

static int memdesc_vmalloc_walk(struct memdesc_vmalloc_walk *w)
{
	int ret;

	/* VMALLOC_END is inclusive, MODULES_END is not. */
	ret = memdesc_vmalloc_walk_range(w, VMALLOC_START, VMALLOC_END + 1);
	if (ret)
		return ret;
	return memdesc_vmalloc_walk_range(w, MODULES_VADDR, MODULES_END);
}

#else /* !MEMDESC_HAVE_VMALLOC_WALK */

static int memdesc_vmalloc_walk(struct memdesc_vmalloc_walk *w)
{
	return -EOPNOTSUPP;
}

#endif /* MEMDESC_HAVE_VMALLOC_WALK */

/* === The set === */

static int memdesc_vmalloc_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	if (x == y)
		return 0;
	return x < y ? -1 : 1;
}

/*
 * Sort the entries, merge repeats of a PFN (a page vmapped twice, or
 * mapped to user under one of them), and split them into @set's PFN array
 * and user bitmap.  The array is the walk's, reused in place.
 */
static int memdesc_vmalloc_finish(struct memdesc_vmalloc_walk *w,
				  struct memdesc_vmalloc_set *set)
{
	unsigned long i, n = 0;

	sort(w->entries, w->nr, sizeof(*w->entries), memdesc_vmalloc_cmp,
	     NULL);
	for (i = 0; i < w->nr; i++) {
		unsigned long e = w->entries[i];

		if (n && (w->entries[n - 1] >> 1) == (e >> 1))
			w->entries[n - 1] |= e & 1;
		else
			w->entries[n++] = e;
	}

	set->user = memdesc_kvmalloc(BITS_TO_LONGS(max(n, 1UL)),
				     sizeof(*set->user),
				     GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE);
	if (!set->user)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (w->entries[i] & 1) {
			__set_bit(i, set->user);
			set->nr_user++;
		}
		w->entries[i] >>= 1;
	}
	set->pfns = w->entries;
	set->nr = n;
	w->entries = NULL;
	return 0;
}

/**
 * memdesc_vmalloc_walkable - whether this build walks the vmalloc area
 *
 * Return: false where the walk is not known to be safe (see
 * memdesc_compat.h); vmalloc pages then read driver.
 */
bool memdesc_vmalloc_walkable(void)
{
#ifdef MEMDESC_HAVE_VMALLOC_WALK
	return true;
#else
	return false;
#endif
}

/**
 * memdesc_vmalloc_snapshot - the PFNs mapped in vmalloc space now
 * @set:	filled in; release with memdesc_vmalloc_release()
 *
 * Walks the kernel page tables of the vmalloc and module areas without a
 * lock (see the top of this file), keeping the PFNs that have an online
 * struct page.  Sleeps; milliseconds when little is mapped.
 *
 * Return: 0, -ENOMEM, or -EOPNOTSUPP on a kernel the walk was not checked
 * against.  On error @set is empty.
 */
int memdesc_vmalloc_snapshot(struct memdesc_vmalloc_set *set)
{
	struct memdesc_vmalloc_walk *w;
	int ret;

	memset(set, 0, sizeof(*set));
	w = memdesc_kvmalloc(1, sizeof(*w), GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE);
	if (!w)
		return -ENOMEM;
	w->set = set;

	ret = memdesc_vmalloc_walk(w);
	if (!ret)
		ret = memdesc_vmalloc_finish(w, set);
	if (ret) {
		memdesc_kvfree(w->entries);
		memset(set, 0, sizeof(*set));
	}
	memdesc_kvfree(w);
	return ret;
}

/**
 * memdesc_vmalloc_lookup - whether a snapshot holds a PFN
 * @set:	a snapshot
 * @pfn:	the PFN
 * @user:	if not NULL and @pfn is held: whether it was mapped to user
 *		space when the snapshot was taken
 *
 * Return: true if @set holds @pfn.
 */
bool memdesc_vmalloc_lookup(const struct memdesc_vmalloc_set *set,
			    unsigned long pfn, bool *user)
{
	unsigned long lo = 0, hi = set->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (set->pfns[mid] == pfn) {
			if (user)
				*user = test_bit(mid, set->user);
			return true;
		}
		if (set->pfns[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/**
 * memdesc_vmalloc_release - free a snapshot
 * @set:	a snapshot, or an empty one; left empty
 */
void memdesc_vmalloc_release(struct memdesc_vmalloc_set *set)
{
	memdesc_kvfree(set->pfns);
	memdesc_kvfree(set->user);
	memset(set, 0, sizeof(*set));
}
