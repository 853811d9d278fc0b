// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_benchmod.c - time alloc_pages()/__free_pages(), vmalloc()/vfree()
 * and __alloc_percpu()/free_percpu() pairs, and the two parts of saving an
 * allocation's stack, for make bench and make bench-preemptoff.
 *
 * The page allocator is what memdesc's probes sit on: every pair here fires
 * mm_page_alloc and mm_page_free (and, as the per-cpu lists fill and drain,
 * mm_page_alloc_zone_locked and mm_page_pcpu_drain).  Timing a tight loop of
 * pairs with the probes detached, attached, and with ftrace recording the
 * same events shows what each costs on the allocator's fast path, which a
 * user page fault dilutes.
 *
 * The vmalloc loop is for the function hooks: a vmalloc() of several pages
 * passes through __vmalloc_node_range() and takes its pages from the bulk
 * allocator, so each pair fires both kretprobes memdesc puts there, beside
 * the tracepoints of the pages' free and of the area's bookkeeping.
 *
 * The stack loops take apart what memdesc's owners cost an allocation: a
 * walk of the stack (stack_trace_save(), the kernel's unwinder) and a save
 * into the stack depot of a stack it holds already (a hash and a lookup).
 *
 * One debugfs file, memdesc_benchmod/alloc (0600):
 *
 *   write "<order> <pairs>"		alloc_pages()/__free_pages() pairs
 *   write "vmalloc <pages> <pairs>"	vmalloc(pages * PAGE_SIZE)/vfree() pairs
 *   write "percpu <bytes> <pairs>"	__alloc_percpu(bytes)/free_percpu() pairs
 *   write "slab <pairs>"		a new slab each: an object of a cache of
 *					our own allocated, freed, the cache
 *					shrunk, so the next takes a new slab
 *   write "walk <extra> <calls>"	stack_trace_save() calls, with <extra>
 *					frames of recursion below the writer
 *   write "depot <extra> <calls>"	depot saves of the stack taken there
 *					(each run now, in the writer's context)
 *   read	order <n> pairs <n> ns <n> failed <n> kind <loop> pages <n>
 *		extra <n> frames <n>
 *		kind: alloc_pages, vmalloc, percpu, slab, walk or depot; pages: per
 *		allocation (order 0 pages for vmalloc; for percpu, of one
 *		CPU's copy); pairs: calls for walk and depot; frames: of the
 *		stack they walk or save
 *
 * Bench-only: nothing is kept between writes but the last result.
 */
#define pr_fmt(fmt) "memdesc_benchmod: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#define MEMDESC_BENCH_CMD_MAX	32		/* bytes of one write */
#define MEMDESC_BENCH_MAX_PAIRS	BIT(24)	/* bounds one write's time */
#define MEMDESC_BENCH_MAX_ORDER	10		/* order 9 is what we time */
#define MEMDESC_BENCH_MAX_VPAGES	4096		/* 16 MiB a vmalloc() */
#define MEMDESC_BENCH_MAX_PCPU	32768		/* bytes a CPU, as percpu's */
#define MEMDESC_BENCH_MAX_EXTRA	32		/* frames of recursion */
#define MEMDESC_BENCH_STACK		64		/* frames a walk keeps */
#define MEMDESC_BENCH_SLAB_OBJ		2048		/* bytes an object of ours */

enum memdesc_benchmod_kind {
	MEMDESC_BENCH_ALLOC_PAGES,
	MEMDESC_BENCH_VMALLOC,
	MEMDESC_BENCH_PERCPU,
	MEMDESC_BENCH_SLAB,
	MEMDESC_BENCH_WALK,
	MEMDESC_BENCH_DEPOT,
};

static const char * const memdesc_benchmod_kind_name[] = {
	[MEMDESC_BENCH_ALLOC_PAGES]	= "alloc_pages",
	[MEMDESC_BENCH_VMALLOC]		= "vmalloc",
	[MEMDESC_BENCH_PERCPU]		= "percpu",
	[MEMDESC_BENCH_SLAB]		= "slab",
	[MEMDESC_BENCH_WALK]		= "walk",
	[MEMDESC_BENCH_DEPOT]		= "depot",
};

/**
 * struct memdesc_benchmod_result - the last loop run
 * @kind:	which loop
 * @order:	allocation order (0 for vmalloc)
 * @pages:	pages per allocation
 * @pairs:	alloc/free pairs attempted
 * @ns:		wall time of the loop
 * @failed:	allocations that returned NULL (then nothing was freed), or
 *		depot saves that returned no handle
 * @extra:	frames of recursion below the writer (walk, depot)
 * @frames:	frames of the stack walked or saved (walk, depot)
 */
struct memdesc_benchmod_result {
	enum memdesc_benchmod_kind kind;
	unsigned int order;
	unsigned int pages;
	unsigned long pairs;
	u64 ns;
	unsigned long failed;
	unsigned int extra;
	unsigned int frames;
};

static struct dentry *memdesc_benchmod_dir;
static struct kmem_cache *memdesc_benchmod_cache;
static DEFINE_MUTEX(memdesc_benchmod_lock);	/* serialises runs and reads */
static struct memdesc_benchmod_result memdesc_benchmod_last;

/* Start @r for a loop of @kind: @pairs of allocations of @pages each. */
static void memdesc_benchmod_begin(struct memdesc_benchmod_result *r,
				   enum memdesc_benchmod_kind kind,
				   unsigned int order, unsigned int pages,
				   unsigned long pairs)
{
	r->kind = kind;
	r->order = order;
	r->pages = pages;
	r->pairs = pairs;
	r->ns = 0;
	r->failed = 0;
	r->extra = 0;
	r->frames = 0;
}

/*
 * __GFP_NORETRY: a failing high-order allocation must not push the guest
 * into reclaim or OOM and time that instead; it counts as failed.  No
 * __GFP_COMP and no zeroing, so the loop times the allocator and its
 * events, not the pages.  cond_resched() every 1024 pairs: with no
 * preemption a long loop would otherwise stall the other work on this CPU.
 */
static void memdesc_benchmod_run(unsigned int order, unsigned long pairs,
			      struct memdesc_benchmod_result *r)
{
	unsigned long i;
	u64 start;

	memdesc_benchmod_begin(r, MEMDESC_BENCH_ALLOC_PAGES, order, 1U << order,
			       pairs);
	start = ktime_get_ns();
	for (i = 0; i < pairs; i++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NORETRY |
						__GFP_NOWARN, order);

		if (unlikely(!page))
			r->failed++;
		else
			__free_pages(page, order);
		if (!(i & 1023))
			cond_resched();
	}
	r->ns = ktime_get_ns() - start;
}

/*
 * Plain vmalloc(), as its users call it: GFP_KERNEL, any node, so the
 * pages come from alloc_pages_bulk() (order 0; the huge mappings that
 * would take whole compound pages need VM_ALLOW_HUGE_VMAP).  vfree() frees
 * the pages at once and the area lazily: a purge of the lazy areas runs
 * now and then inside the loop, as it would for any vmalloc() user, and
 * its share is in the figure.
 */
static void memdesc_benchmod_vmalloc(unsigned int pages, unsigned long pairs,
				  struct memdesc_benchmod_result *r)
{
	unsigned long i;
	u64 start;

	memdesc_benchmod_begin(r, MEMDESC_BENCH_VMALLOC, 0, pages, pairs);
	start = ktime_get_ns();
	for (i = 0; i < pairs; i++) {
		void *p = vmalloc((unsigned long)pages * PAGE_SIZE);

		if (unlikely(!p))
			r->failed++;
		else
			vfree(p);
		if (!(i & 1023))
			cond_resched();
	}
	r->ns = ktime_get_ns() - start;
}

/*
 * __alloc_percpu(): a copy on every possible CPU, from a chunk mapped in
 * vmalloc space once the first chunk is full, which memdesc's
 * percpu_alloc_percpu probe walks page by page (make bench-preemptoff).
 */
static void memdesc_benchmod_percpu(unsigned int bytes, unsigned long pairs,
				    struct memdesc_benchmod_result *r)
{
	unsigned long i;
	u64 start;

	memdesc_benchmod_begin(r, MEMDESC_BENCH_PERCPU, 0,
			       DIV_ROUND_UP(bytes, PAGE_SIZE), pairs);
	start = ktime_get_ns();
	for (i = 0; i < pairs; i++) {
		void __percpu *p = __alloc_percpu(bytes, PAGE_SIZE);

		if (unlikely(!p))
			r->failed++;
		else
			free_percpu(p);
		if (!(i & 1023))
			cond_resched();
	}
	r->ns = ktime_get_ns() - start;
}

/*
 * A new slab each pair: the object allocated takes the cache's only slab,
 * which the shrink after its free gives back, so the next allocation
 * makes a slab again (allocate_slab(), which memdesc hooks, and the
 * slab's page allocation and free).
 */
static void memdesc_benchmod_slab(unsigned long pairs,
				  struct memdesc_benchmod_result *r)
{
	unsigned long i;
	u64 start;
	void *obj;

	memdesc_benchmod_begin(r, MEMDESC_BENCH_SLAB, 0, 1, pairs);
	start = ktime_get_ns();
	for (i = 0; i < pairs; i++) {
		obj = kmem_cache_alloc(memdesc_benchmod_cache, GFP_KERNEL);
		if (unlikely(!obj)) {
			r->failed++;
			continue;
		}
		kmem_cache_free(memdesc_benchmod_cache, obj);
		kmem_cache_shrink(memdesc_benchmod_cache);
		cond_resched();
	}
	r->ns = ktime_get_ns() - start;
}

/*
 * As memdesc saves an owner: no extra bits, no reference, and without
 * @can_alloc no pool allocation (a stack the depot lacks then fails).
 */
static depot_stack_handle_t
memdesc_benchmod_depot_save(unsigned long *entries, unsigned int nr,
			    bool can_alloc)
{
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
	return stack_depot_save_flags(entries, nr,
				      can_alloc ? GFP_KERNEL : GFP_NOWAIT,
				      can_alloc ? STACK_DEPOT_FLAG_CAN_ALLOC : 0);
#else
	return __stack_depot_save(entries, nr, 0,
				  can_alloc ? GFP_KERNEL : GFP_NOWAIT, can_alloc);
#endif
}

/*
 * The loop at the bottom of the recursion.  walk: stack_trace_save() into
 * an array large enough for the whole stack, as ftrace's stacktrace
 * trigger walks it.  depot: the stack taken here is saved once, allowed to
 * allocate, so the timed saves all find it: what a save costs memdesc's
 * probe once the depot holds the allocation's stack.
 */
static noinline void
memdesc_benchmod_stack_loop(enum memdesc_benchmod_kind kind,
			    unsigned long calls,
			    struct memdesc_benchmod_result *r)
{
	unsigned long entries[MEMDESC_BENCH_STACK];
	unsigned long i;
	unsigned int nr;
	u64 start;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	r->frames = nr;
	if (kind == MEMDESC_BENCH_DEPOT &&
	    (stack_depot_init() || !memdesc_benchmod_depot_save(entries, nr, true))) {
		r->failed = calls;
		return;
	}
	start = ktime_get_ns();
	for (i = 0; i < calls; i++) {
		if (kind == MEMDESC_BENCH_WALK)
			nr = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
		else if (!memdesc_benchmod_depot_save(entries, nr, false))
			r->failed++;
		if (!(i & 1023))
			cond_resched();
	}
	r->ns = ktime_get_ns() - start;
}

/*
 * @extra frames between the writer and the loop, so that two depths tell a
 * walk's cost per frame from its fixed part.  The barrier after the call
 * keeps it from being a tail call, which would leave no frame.
 */
static noinline void
memdesc_benchmod_stack_at(unsigned int extra, enum memdesc_benchmod_kind kind,
			  unsigned long calls,
			  struct memdesc_benchmod_result *r)
{
	if (extra)
		memdesc_benchmod_stack_at(extra - 1, kind, calls, r);
	else
		memdesc_benchmod_stack_loop(kind, calls, r);
	barrier();
}

static void memdesc_benchmod_stack(unsigned int extra,
				   enum memdesc_benchmod_kind kind,
				   unsigned long calls,
				   struct memdesc_benchmod_result *r)
{
	memdesc_benchmod_begin(r, kind, 0, 0, calls);
	r->extra = extra;
	memdesc_benchmod_stack_at(extra, kind, calls, r);
}

/*
 * "walk|depot <extra> <calls>": the kind, or -1 if @buf is not that, or
 * out of bounds.
 */
static int memdesc_benchmod_parse_stack(const char *buf, unsigned int *extra,
					unsigned long *calls)
{
	char what[8];

	if (sscanf(buf, "%7s %u %lu", what, extra, calls) != 3 ||
	    *extra > MEMDESC_BENCH_MAX_EXTRA ||
	    !*calls || *calls > MEMDESC_BENCH_MAX_PAIRS)
		return -1;
	if (!strcmp(what, "walk"))
		return MEMDESC_BENCH_WALK;
	if (!strcmp(what, "depot"))
		return MEMDESC_BENCH_DEPOT;
	return -1;
}

/* "vmalloc <pages> <pairs>": false if @buf is not that, or out of bounds. */
static bool memdesc_benchmod_parse_vmalloc(const char *buf, unsigned int *pages,
					unsigned long *pairs)
{
	return sscanf(buf, "vmalloc %u %lu", pages, pairs) == 2 &&
	       *pages && *pages <= MEMDESC_BENCH_MAX_VPAGES &&
	       *pairs && *pairs <= MEMDESC_BENCH_MAX_PAIRS;
}

/* "percpu <bytes> <pairs>": false if @buf is not that, or out of bounds. */
static bool memdesc_benchmod_parse_percpu(const char *buf, unsigned int *bytes,
					  unsigned long *pairs)
{
	return sscanf(buf, "percpu %u %lu", bytes, pairs) == 2 &&
	       *bytes && *bytes <= MEMDESC_BENCH_MAX_PCPU &&
	       *pairs && *pairs <= MEMDESC_BENCH_MAX_PAIRS;
}

/* "slab <pairs>": false if @buf is not that, or out of bounds. */
static bool memdesc_benchmod_parse_slab(const char *buf, unsigned long *pairs)
{
	return sscanf(buf, "slab %lu", pairs) == 1 &&
	       *pairs && *pairs <= MEMDESC_BENCH_MAX_PAIRS;
}

/* "<order> <pairs>": false if @buf is not that, or out of bounds. */
static bool memdesc_benchmod_parse_alloc(const char *buf, unsigned int *order,
				      unsigned long *pairs)
{
	return sscanf(buf, "%u %lu", order, pairs) == 2 &&
	       *order <= MEMDESC_BENCH_MAX_ORDER &&
	       *pairs && *pairs <= MEMDESC_BENCH_MAX_PAIRS;
}

static ssize_t memdesc_benchmod_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char buf[MEMDESC_BENCH_CMD_MAX];
	unsigned long pairs;
	unsigned int n;
	int kind;

	if (*ppos != 0 || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	kind = memdesc_benchmod_parse_stack(buf, &n, &pairs);
	if (kind >= 0) {
		mutex_lock(&memdesc_benchmod_lock);
		memdesc_benchmod_stack(n, kind, pairs, &memdesc_benchmod_last);
		mutex_unlock(&memdesc_benchmod_lock);
	} else if (memdesc_benchmod_parse_vmalloc(buf, &n, &pairs)) {
		mutex_lock(&memdesc_benchmod_lock);
		memdesc_benchmod_vmalloc(n, pairs, &memdesc_benchmod_last);
		mutex_unlock(&memdesc_benchmod_lock);
	} else if (memdesc_benchmod_parse_percpu(buf, &n, &pairs)) {
		mutex_lock(&memdesc_benchmod_lock);
		memdesc_benchmod_percpu(n, pairs, &memdesc_benchmod_last);
		mutex_unlock(&memdesc_benchmod_lock);
	} else if (memdesc_benchmod_parse_slab(buf, &pairs)) {
		mutex_lock(&memdesc_benchmod_lock);
		memdesc_benchmod_slab(pairs, &memdesc_benchmod_last);
		mutex_unlock(&memdesc_benchmod_lock);
	} else if (memdesc_benchmod_parse_alloc(buf, &n, &pairs)) {
		mutex_lock(&memdesc_benchmod_lock);
		memdesc_benchmod_run(n, pairs, &memdesc_benchmod_last);
		mutex_unlock(&memdesc_benchmod_lock);
	} else {
		return -EINVAL;
	}
	return count;
}

static int memdesc_benchmod_show(struct seq_file *m, void *v)
{
	struct memdesc_benchmod_result r;

	mutex_lock(&memdesc_benchmod_lock);
	r = memdesc_benchmod_last;
	mutex_unlock(&memdesc_benchmod_lock);
	seq_printf(m, "order %u pairs %lu ns %llu failed %lu kind %s pages %u extra %u frames %u\n",
		   r.order, r.pairs, r.ns, r.failed,
		   memdesc_benchmod_kind_name[r.kind], r.pages, r.extra,
		   r.frames);
	return 0;
}

static int memdesc_benchmod_open(struct inode *inode, struct file *file)
{
	return single_open(file, memdesc_benchmod_show, NULL);
}

static const struct file_operations memdesc_benchmod_fops = {
	.owner		= THIS_MODULE,
	.open		= memdesc_benchmod_open,
	.read		= seq_read,
	.write		= memdesc_benchmod_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* A constructor keeps SLUB from merging the cache with another. */
static void memdesc_benchmod_ctor(void *obj)
{
	memset(obj, 0, MEMDESC_BENCH_SLAB_OBJ);
}

static int __init memdesc_benchmod_init(void)
{
	memdesc_benchmod_cache = kmem_cache_create("memdesc_benchmod",
						   MEMDESC_BENCH_SLAB_OBJ, 0, 0,
						   memdesc_benchmod_ctor);
	if (!memdesc_benchmod_cache)
		return -ENOMEM;
	memdesc_benchmod_dir = debugfs_create_dir("memdesc_benchmod", NULL);
	debugfs_create_file("alloc", 0600, memdesc_benchmod_dir, NULL,
			    &memdesc_benchmod_fops);
	return 0;
}

static void __exit memdesc_benchmod_exit(void)
{
	debugfs_remove_recursive(memdesc_benchmod_dir);
	kmem_cache_destroy(memdesc_benchmod_cache);
}

module_init(memdesc_benchmod_init);
module_exit(memdesc_benchmod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Times alloc_pages()/__free_pages() and vmalloc()/vfree() pairs, stack walks and depot saves for memdesc's make bench");
