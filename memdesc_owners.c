// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation sites (owners): which stack allocated each block.
 *
 * page_owner answers this, but Debian builds without it, and it must be on
 * from boot.  This is the same record, taken on a stock kernel from the
 * module's own mm_page_alloc probe, only while asked for (the owners
 * parameter, or "owners on" in the control file): off, the probes pay one
 * patched-out branch.
 *
 * Storage.  The stack goes into the kernel's stack depot, which keeps each
 * distinct stack once and names it by a 32-bit handle.  The handle goes in
 * an owner slot beside the head PFN's shadow word (memdesc_shadow.c gives
 * every listed section a u32 per PFN while owners are on, and frees them
 * when they go off).  A free clears the head's slot, so a block allocated
 * by a path no probe sees reads "unknown", never a previous owner's stack.
 * Blocks allocated before owners went on read MEMDESC_OWNER_UNKNOWN: never
 * guessed.
 *
 * The stack starts at the frame that emitted the event: the module's own
 * frames are dropped by address.  The allocator's frames below the caller
 * (memdesc_owners.h) stay in the depot and are skipped when a site is
 * named, as the same list is skipped in page_owner's stacks.
 *
 * Recursion and locks.  Saving a new stack may need a new depot pool: an
 * allocation, inside an allocation event, and on PREEMPT_RT one that would
 * sleep with preemption off.  So the probe never lets the depot allocate
 * (no STACK_DEPOT_FLAG_CAN_ALLOC): a save takes only the depot's raw
 * spinlock, which no allocation path holds, and fails when the depot has
 * no room.  Then the slot says MEMDESC_OWNER_UNSAVED (counted,
 * owner_unsaved), and the stack is handed to a worker: a per-cpu slot, an
 * irq_work (safe from any context), and a work item that saves it again
 * with allocation allowed, which gives the depot a pool for what follows.
 * The depot keeps one pool in reserve and refills it the same way.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/hash.h>
#include <linux/irq_work.h>
#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sort.h>
#include <linux/stacktrace.h>
#include <linux/workqueue.h>

#include "memdesc.h"
#include "memdesc_compat.h"
#include "memdesc_owners.h"

DEFINE_STATIC_KEY_FALSE(memdesc_owners_key);

/* Serializes on and off; memdesc_owners_key says which, to the probes. */
static DEFINE_MUTEX(memdesc_owners_mutex);
static bool memdesc_owners_running;
static unsigned long memdesc_owners_since;	/* jiffies at "on" */

/* Frames above the saved ones: the module's own, at most. */
#define MEMDESC_OWNER_OWN_FRAMES	8

/* A stack the depot had no room for, waiting for the worker. */
enum {
	MEMDESC_PENDING_FREE,
	MEMDESC_PENDING_FILLING,
	MEMDESC_PENDING_READY,
};

struct memdesc_owner_pending {
	unsigned long entries[MEMDESC_OWNER_DEPTH];
	unsigned int nr;
	int state;
};

static DEFINE_PER_CPU(struct memdesc_owner_pending, memdesc_owner_pending);
static struct irq_work memdesc_owner_irq_work;
static struct work_struct memdesc_owner_refill_work;

/* === The worker: room in the depot === */

static void memdesc_owner_refill(struct work_struct *work)
{
	struct memdesc_owner_pending *p;
	int cpu;

	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr(&memdesc_owner_pending, cpu);
		/* Pairs with the release in memdesc_owner_want_room(). */
		if (smp_load_acquire(&p->state) != MEMDESC_PENDING_READY)
			continue;
		if (memdesc_depot_save(p->entries, p->nr, GFP_KERNEL, true))
			memdesc_count(MEMDESC_STAT_OWNER_REFILLS);
		/* The entries are read: the CPU may fill the slot again. */
		smp_store_release(&p->state, MEMDESC_PENDING_FREE);
	}
}

static void memdesc_owner_kick(struct irq_work *work)
{
	schedule_work(&memdesc_owner_refill_work);
}

/*
 * Hand a stack the depot could not take to the worker, if this CPU's slot
 * is free; one is enough to make the depot take a pool.  Any context: the
 * slot is claimed with a cmpxchg an interrupt cannot split.
 */
static void memdesc_owner_want_room(const unsigned long *entries,
				    unsigned int nr)
{
	struct memdesc_owner_pending *p = this_cpu_ptr(&memdesc_owner_pending);

	if (this_cpu_cmpxchg(memdesc_owner_pending.state, MEMDESC_PENDING_FREE,
			     MEMDESC_PENDING_FILLING) != MEMDESC_PENDING_FREE)
		return;
	memcpy(p->entries, entries, nr * sizeof(*entries));
	p->nr = nr;
	/* The entries before READY: the worker's acquire pairs with this. */
	smp_store_release(&p->state, MEMDESC_PENDING_READY);
	irq_work_queue(&memdesc_owner_irq_work);
}

/* === From the probes === */

/* The stack of the caller, saved: a depot handle, or MEMDESC_OWNER_UNSAVED. */
static u32 memdesc_owner_save(void)
{
	unsigned long entries[MEMDESC_OWNER_OWN_FRAMES + MEMDESC_OWNER_DEPTH];
	unsigned int nr, i = 0;
	depot_stack_handle_t h;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	while (i < nr && within_module(entries[i], THIS_MODULE))
		i++;
	nr = min_t(unsigned int, nr - i, MEMDESC_OWNER_DEPTH);
	h = memdesc_depot_save(entries + i, nr, GFP_NOWAIT, false);
	if (likely(h)) {
		memdesc_count(MEMDESC_STAT_OWNER_SAVED);
		return h;
	}
	memdesc_count(MEMDESC_STAT_OWNER_UNSAVED);
	if (nr)
		memdesc_owner_want_room(entries + i, nr);
	return MEMDESC_OWNER_UNSAVED;
}

/**
 * memdesc_owner_record - save the stack allocating a block, at its head
 * @page:	the block's first page
 * @handle:	the stack saved for an earlier block of the same call, or 0
 *
 * From the probes, owners on.  Never sleeps, never allocates; the depot's
 * raw spinlock is the one lock (see the top of the file).  A call that
 * allocates many blocks at once (the bulk allocator) saves its stack once:
 * it passes back what the first block's record returned.
 *
 * Return: the handle recorded, for the next block of the same call; 0 if
 * the block's section has no owner slots.
 */
u32 memdesc_owner_record(struct page *page, u32 handle)
{
	u32 *slot = memdesc_shadow_owner_slot(page);

	if (unlikely(!slot)) {
		memdesc_count(MEMDESC_STAT_OWNER_NO_SLOT);
		return handle;
	}
	if (!handle)
		handle = memdesc_owner_save();
	WRITE_ONCE(*slot, handle);
	return handle;
}

/**
 * memdesc_owner_clear - a block was freed: its head has no owner now
 * @page:	the block's first page
 */
void memdesc_owner_clear(struct page *page)
{
	u32 *slot = memdesc_shadow_owner_slot(page);

	if (slot)
		WRITE_ONCE(*slot, MEMDESC_OWNER_UNKNOWN);
}

/* === On and off === */

/**
 * memdesc_owners_start - track allocation sites from now on
 *
 * Sleeps.  Already on is not an error.
 *
 * Return: 0, or -ENOMEM (the depot's table or the owner slots), with
 * owners left off.
 */
int memdesc_owners_start(void)
{
	unsigned long entries[MEMDESC_OWNER_DEPTH];
	unsigned int nr;
	int err = 0;

	mutex_lock(&memdesc_owners_mutex);
	if (memdesc_owners_running)
		goto out;
	/* The depot's hash table, if no user built it at boot. */
	err = memdesc_fail_alloc() ? -ENOMEM : stack_depot_init();
	if (err) {
		pr_warn("owners: the stack depot is not available: %d\n", err);
		goto out;
	}
	err = memdesc_shadow_owners_attach();
	if (err) {
		pr_warn("owners: no memory for the owner slots\n");
		goto out;
	}
	/* A save that may allocate: the depot holds a pool from here. */
	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	memdesc_depot_save(entries, nr, GFP_KERNEL, true);
	memdesc_owners_since = jiffies;
	memdesc_owners_running = true;
	static_branch_enable(&memdesc_owners_key);
	pr_info("owners: tracking allocation sites (%zu bytes of slots)\n",
		memdesc_shadow_owner_bytes());
out:
	mutex_unlock(&memdesc_owners_mutex);
	return err;
}

/**
 * memdesc_owners_stop - stop tracking allocation sites; free the slots
 *
 * The depot's records stay: it never frees one it was not asked to count
 * references for.  Sleeps.  Already off is not an error.
 */
void memdesc_owners_stop(void)
{
	int cpu;

	mutex_lock(&memdesc_owners_mutex);
	if (!memdesc_owners_running)
		goto out;
	static_branch_disable(&memdesc_owners_key);
	/* A probe that took the branch before may still write a slot. */
	synchronize_rcu();
	irq_work_sync(&memdesc_owner_irq_work);
	cancel_work_sync(&memdesc_owner_refill_work);
	for_each_possible_cpu(cpu)
		per_cpu_ptr(&memdesc_owner_pending, cpu)->state =
			MEMDESC_PENDING_FREE;
	memdesc_shadow_owners_detach();
	memdesc_owners_running = false;
	pr_info("owners: stopped\n");
out:
	mutex_unlock(&memdesc_owners_mutex);
}

/**
 * memdesc_owners_init - the worker, before owners can go on
 */
void memdesc_owners_init(void)
{
	init_irq_work(&memdesc_owner_irq_work, memdesc_owner_kick);
	INIT_WORK(&memdesc_owner_refill_work, memdesc_owner_refill);
}

/**
 * memdesc_owners_on - whether allocation sites are being tracked
 * @since:	if on, set to the jiffies it went on at; may be NULL
 */
bool memdesc_owners_on(unsigned long *since)
{
	bool on;

	mutex_lock(&memdesc_owners_mutex);
	on = memdesc_owners_running;
	if (on && since)
		*since = memdesc_owners_since;
	mutex_unlock(&memdesc_owners_mutex);
	return on;
}

/* === The census by site === */

/*
 * Sites are gathered in an open-addressing table keyed by (handle, class),
 * then packed and sorted.  A site with no pages is an empty entry.
 */
#define MEMDESC_SITES_MIN	1024

static unsigned long memdesc_site_hash(u32 handle, unsigned int class)
{
	return hash_32(handle ^ (class * 0x9e3779b9U), 32);
}

static struct memdesc_owner_site *
memdesc_site_slot(struct memdesc_owner_site *t, unsigned long cap, u32 handle,
		  unsigned int class)
{
	unsigned long i = memdesc_site_hash(handle, class) & (cap - 1);

	while (t[i].pages && (t[i].handle != handle || t[i].class != class))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Double the table; false if there is no memory for it. */
static bool memdesc_sites_grow(struct memdesc_owner_census *c)
{
	unsigned long cap = c->cap * 2, i;
	struct memdesc_owner_site *t, *s;

	t = memdesc_kvmalloc(cap, sizeof(*t), GFP_KERNEL | __GFP_ZERO,
			     NUMA_NO_NODE);
	if (!t)
		return false;
	for (i = 0; i < c->cap; i++) {
		if (!c->sites[i].pages)
			continue;
		s = memdesc_site_slot(t, cap, c->sites[i].handle,
				      c->sites[i].class);
		*s = c->sites[i];
	}
	memdesc_kvfree(c->sites);
	c->sites = t;
	c->cap = cap;
	return true;
}

/* The site of (@handle, @class), made if new; NULL with no memory. */
static struct memdesc_owner_site *
memdesc_site_get(struct memdesc_owner_census *c, u32 handle,
		 unsigned int class)
{
	struct memdesc_owner_site *s;

	s = memdesc_site_slot(c->sites, c->cap, handle, class);
	if (s->pages)
		return s;
	if (c->nr + 1 > c->cap / 4 * 3) {
		if (!memdesc_sites_grow(c))
			return NULL;
		s = memdesc_site_slot(c->sites, c->cap, handle, class);
	}
	s->handle = handle;
	s->class = class;
	c->nr++;
	return s;
}

/* The head of the block @word describes at @pfn: blocks are aligned. */
static unsigned long memdesc_block_head(unsigned long pfn, u64 word)
{
	return pfn & ~((1UL << memdesc_word_order(word)) - 1);
}

/*
 * The owner of PFN @pfn of @v's section, whose word is @word: the slot at
 * the head of its block, found by the word's order.  A head in another
 * section (a gigantic folio's) is looked up there.
 */
static u32 memdesc_owner_in_view(const struct memdesc_view *v,
				 unsigned long pfn, u64 word)
{
	unsigned long head = memdesc_block_head(pfn, word);
	u32 owner;

	if (head >= v->start_pfn)
		return v->owners ? READ_ONCE(v->owners[head - v->start_pfn]) :
				   MEMDESC_OWNER_UNKNOWN;
	return memdesc_shadow_owner_at(head, &owner) ? owner :
						      MEMDESC_OWNER_UNKNOWN;
}

/* Whether a word's PFN belongs to an allocation: it has an owner. */
static bool memdesc_word_allocated(u64 word, unsigned int class)
{
	return memdesc_word_state(word) == MEMDESC_STATE_PAGE &&
	       class != MEMDESC_CLASS_FREE;
}

/* Count the allocated PFNs of one listed section by site. */
static int memdesc_owners_count(struct memdesc_owner_census *c,
				const struct memdesc_view *v, u64 *buf)
{
	struct memdesc_owner_site *last = NULL;
	unsigned long pfn;
	unsigned int b, i, class;
	const u64 *w;
	u64 word;
	u32 owner;

	if (!v->words)
		return 0;
	for (b = 0; b < MEMDESC_BLOCKS; b++) {
		w = memdesc_view_block(v, b, buf);
		for (i = 0; i < MEMDESC_BLOCK_PFNS; i++) {
			word = READ_ONCE(w[i]);
			class = memdesc_class_of[memdesc_class_index(word)];
			if (!memdesc_word_allocated(word, class))
				continue;
			pfn = v->start_pfn + b * MEMDESC_BLOCK_PFNS + i;
			owner = memdesc_owner_in_view(v, pfn, word);
			/* A block's PFNs come in a row: one lookup each. */
			if (!last || last->handle != owner || last->class != class)
				last = memdesc_site_get(c, owner, class);
			if (!last)
				return -ENOMEM;
			last->pages++;
			if (word & MEMDESC_HEAD)
				last->blocks++;
			c->pages++;
			if (owner == MEMDESC_OWNER_UNKNOWN)
				c->unknown_pages++;
			else if (owner == MEMDESC_OWNER_UNSAVED)
				c->unsaved_pages++;
		}
	}
	return 0;
}

/* Most pages first; ties by class, then handle, for a stable order. */
static int memdesc_site_cmp(const void *a, const void *b)
{
	const struct memdesc_owner_site *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	if (x->class != y->class)
		return x->class < y->class ? -1 : 1;
	if (x->handle != y->handle)
		return x->handle < y->handle ? -1 : 1;
	return 0;
}

static int memdesc_handle_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Move the table's sites to its front and sort them; list the depot
 * handles among them once each, in order.
 */
static int memdesc_sites_pack(struct memdesc_owner_census *c)
{
	unsigned long i, n = 0;
	u32 h;

	for (i = 0; i < c->cap; i++)
		if (c->sites[i].pages)
			c->sites[n++] = c->sites[i];
	sort(c->sites, n, sizeof(*c->sites), memdesc_site_cmp, NULL);
	c->handles = memdesc_kvmalloc(max(n, 1UL), sizeof(*c->handles),
				      GFP_KERNEL, NUMA_NO_NODE);
	if (!c->handles)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		h = c->sites[i].handle;
		if (h != MEMDESC_OWNER_UNKNOWN && h != MEMDESC_OWNER_UNSAVED)
			c->handles[c->nr_handles++] = h;
	}
	sort(c->handles, c->nr_handles, sizeof(*c->handles),
	     memdesc_handle_cmp, NULL);
	for (i = 0, n = 0; i < c->nr_handles; i++)
		if (!n || c->handles[n - 1] != c->handles[i])
			c->handles[n++] = c->handles[i];
	c->nr_handles = n;
	return 0;
}

/**
 * memdesc_owners_census - the allocated pages by allocation site and class
 *
 * Every allocated PFN of a tracked section counts to the site of its
 * block's head; unknown and unsaved owners are sites too.  A snapshot
 * with the shadow held still, as the summary's census.
 *
 * Return: the census, sorted by pages, or an ERR_PTR(): -ENODATA if owners
 * are off, -ENOMEM.  Free with memdesc_owners_census_free().
 */
struct memdesc_owner_census *memdesc_owners_census(void)
{
	struct memdesc_owner_census *c;
	struct memdesc_view v;
	u64 *buf;
	int err = 0;

	if (!memdesc_owners_on(NULL))
		return ERR_PTR(-ENODATA);
	c = memdesc_kvmalloc(1, sizeof(*c), GFP_KERNEL | __GFP_ZERO,
			     NUMA_NO_NODE);
	buf = memdesc_kvmalloc(MEMDESC_BLOCK_PFNS, sizeof(*buf), GFP_KERNEL,
			       NUMA_NO_NODE);
	if (c) {
		c->cap = MEMDESC_SITES_MIN;
		c->sites = memdesc_kvmalloc(c->cap, sizeof(*c->sites),
					    GFP_KERNEL | __GFP_ZERO,
					    NUMA_NO_NODE);
	}
	if (!c || !buf || !c->sites) {
		err = -ENOMEM;
		goto out;
	}
	memdesc_shadow_lock();
	memdesc_for_each_section(&v) {
		err = memdesc_owners_count(c, &v, buf);
		if (err)
			break;
		cond_resched();
	}
	memdesc_shadow_unlock();
	if (!err)
		err = memdesc_sites_pack(c);
out:
	memdesc_kvfree(buf);
	if (err) {
		memdesc_owners_census_free(c);
		return ERR_PTR(err);
	}
	return c;
}

/**
 * memdesc_owners_census_free - free a census
 * @c:		from memdesc_owners_census(); NULL is allowed
 */
void memdesc_owners_census_free(struct memdesc_owner_census *c)
{
	if (!c)
		return;
	memdesc_kvfree(c->handles);
	memdesc_kvfree(c->sites);
	memdesc_kvfree(c);
}

/**
 * memdesc_owner_locked - the owner of a PFN's block, the shadow held still
 * @pfn:	a PFN
 * @word:	a word describing its block: the shadow's, or the live one
 * @owner:	set to the slot at the block's head (by @word's order)
 *
 * Caller holds memdesc_shadow_lock().
 *
 * Return: false if owners are off, @word is not of an allocation, or the
 * head's section has no slots.
 */
bool memdesc_owner_locked(unsigned long pfn, u64 word, u32 *owner)
{
	if (!static_branch_unlikely(&memdesc_owners_key) ||
	    !memdesc_word_allocated(word, memdesc_word_class(word)))
		return false;
	return memdesc_shadow_owner_at(memdesc_block_head(pfn, word), owner);
}

/**
 * memdesc_owner_of - the owner of any PFN's block, for a report
 * @pfn:	a PFN
 * @owner:	set to the handle, or MEMDESC_OWNER_UNKNOWN/UNSAVED
 *
 * Return: false if owners are off, the PFN's section has no slots, or its
 * shadow word is not of an allocation.
 */
bool memdesc_owner_of(unsigned long pfn, u32 *owner)
{
	bool ok;
	u64 word;

	memdesc_shadow_lock();
	ok = memdesc_shadow_word_at(pfn, &word) &&
	     memdesc_owner_locked(pfn, word, owner);
	memdesc_shadow_unlock();
	return ok;
}
