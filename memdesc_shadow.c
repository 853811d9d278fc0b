// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow memdesc array.
 *
 * One u64 per PFN spanned by an online node, all in one vmalloc area, each
 * node's words contiguous.  page_to_nid() reads the node from page->flags, so
 * PFN to word is one subtraction: no search, no lock.  Words are written with
 * single 64-bit stores (WRITE_ONCE) and read with READ_ONCE, so a reader never
 * sees a torn word.  The ranges are fixed from load to unload.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "memdesc.h"
#include "memdesc_compat.h"

/* What the word must hold on this kernel: fail the build, not the machine. */
static_assert(MAX_NR_ZONES - 1 <= MEMDESC_ZONE_MAX);
static_assert(NODES_SHIFT <= MEMDESC_NODE_BITS);
static_assert(MEMDESC_MAX_PAGE_ORDER <= MEMDESC_ORDER_MAX);

static struct memdesc_range *memdesc_ranges;	/* nr_node_ids entries */
static u64 *memdesc_words;			/* every range's words */
static unsigned long memdesc_nr_words;
static bool memdesc_seeded;			/* set once, after seeding */

DEFINE_PER_CPU(unsigned long, memdesc_stats[MEMDESC_NR_STATS]);
DEFINE_PER_CPU(struct memdesc_transitions, memdesc_transitions);

/**
 * memdesc_transitions_read - fold the per-cpu transition counts
 * @sum:	filled in
 */
void memdesc_transitions_read(struct memdesc_transitions *sum)
{
	const struct memdesc_transitions *t;
	int cpu, i, j;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		t = per_cpu_ptr(&memdesc_transitions, cpu);
		for (i = 0; i < MEMDESC_NR_CLASSES; i++)
			for (j = 0; j < MEMDESC_NR_CLASSES; j++)
				sum->matrix[i][j] += READ_ONCE(t->matrix[i][j]);
		for (i = 0; i < MEMDESC_NR_EVENTS; i++)
			sum->by_source[i] += READ_ONCE(t->by_source[i]);
	}
}

/**
 * memdesc_stat_read - fold a per-cpu counter
 * @stat:	the counter
 *
 * Return: its sum over all possible CPUs.
 */
unsigned long memdesc_stat_read(enum memdesc_stat stat)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(memdesc_stats[stat], cpu);
	return sum;
}

/**
 * memdesc_stats_reset - zero every counter and transition count
 *
 * Racing increments may survive; the counters are statistics.
 */
void memdesc_stats_reset(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		for (i = 0; i < MEMDESC_NR_STATS; i++)
			per_cpu(memdesc_stats[i], cpu) = 0;
		memset(per_cpu_ptr(&memdesc_transitions, cpu), 0,
		       sizeof(struct memdesc_transitions));
	}
}

/*
 * memdesc_class() of every word, indexed by the bits it reads: type and
 * subtype (bits 0-7) and state (bits 9-10).  The probes count a transition
 * on every event, and memdesc_class()'s branches were about half of an
 * order-0 event's instructions; this is one load.  Filled once at load.
 */
#define MEMDESC_CLASS_INDEX_BITS	(8 + MEMDESC_STATE_BITS)

static u8 memdesc_class_of[1 << MEMDESC_CLASS_INDEX_BITS];

static unsigned int memdesc_class_index(u64 w)
{
	return (w & 0xff) | ((w >> (MEMDESC_STATE_SHIFT - 8)) &
			     (MEMDESC_NR_STATES - 1) << 8);
}

/* At load, before any probe is attached (memdesc_shadow_init()). */
static void memdesc_class_table_init(void)
{
	unsigned int i;
	u64 w;

	BUILD_BUG_ON(MEMDESC_NR_CLASSES > U8_MAX);
	BUILD_BUG_ON(MEMDESC_TYPE_SHIFT != 0 ||
		     MEMDESC_SUBTYPE_SHIFT + MEMDESC_SUBTYPE_BITS != 8 ||
		     MEMDESC_STATE_SHIFT < 8);
	for (i = 0; i < ARRAY_SIZE(memdesc_class_of); i++) {
		w = (u64)(i & 0xff) | (u64)(i >> 8) << MEMDESC_STATE_SHIFT;
		memdesc_class_of[i] = memdesc_class(w);
	}
}

/**
 * memdesc_shadow_init - allocate the shadow for every online node's span
 *
 * Every word starts MEMDESC_WORD_UNKNOWN (zero).
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_shadow_init(void)
{
	unsigned long total = 0;
	int nid;

	memdesc_class_table_init();
	if (memdesc_fail_alloc())
		return -ENOMEM;
	memdesc_ranges = kcalloc(nr_node_ids, sizeof(*memdesc_ranges),
				 GFP_KERNEL);
	if (!memdesc_ranges)
		return -ENOMEM;

	for (nid = 0; nid < nr_node_ids; nid++)
		memdesc_ranges[nid].nid = nid;

	for_each_online_node(nid) {
		struct memdesc_range *r = &memdesc_ranges[nid];
		pg_data_t *pgdat = NODE_DATA(nid);
		unsigned long flags;

		/* Hotplug may be resizing the node: read the span whole. */
		pgdat_resize_lock(pgdat, &flags);
		r->start_pfn = pgdat->node_start_pfn;
		r->nr_pfns = pgdat->node_spanned_pages;
		pgdat_resize_unlock(pgdat, &flags);
		total += r->nr_pfns;
	}

	if (!memdesc_fail_alloc())
		memdesc_words = vzalloc(array_size(total, sizeof(u64)));
	if (!memdesc_words) {
		kfree(memdesc_ranges);
		memdesc_ranges = NULL;
		return -ENOMEM;
	}
	memdesc_nr_words = total;

	total = 0;
	for (nid = 0; nid < nr_node_ids; nid++) {
		memdesc_ranges[nid].words = memdesc_words + total;
		total += memdesc_ranges[nid].nr_pfns;
	}
	return 0;
}

/**
 * memdesc_shadow_destroy - free the shadow
 *
 * The probes must be unregistered and synchronized first.
 */
void memdesc_shadow_destroy(void)
{
	vfree(memdesc_words);
	kfree(memdesc_ranges);
	memdesc_words = NULL;
	memdesc_ranges = NULL;
	memdesc_nr_words = 0;
	memdesc_seeded = false;
}

/**
 * memdesc_next_range - iterate over the node ranges that have words
 * @r:		the previous range, or NULL to start
 *
 * Return: the next range in node order, or NULL after the last.
 */
const struct memdesc_range *memdesc_next_range(const struct memdesc_range *r)
{
	int nid = r ? r->nid + 1 : 0;

	for (; nid < nr_node_ids; nid++)
		if (memdesc_ranges[nid].nr_pfns)
			return &memdesc_ranges[nid];
	return NULL;
}

/**
 * memdesc_shadow_index - where a range's first word is in the whole shadow
 * @r:		the range
 *
 * Return: its index among all words, as the shadow file lays them out.
 */
unsigned long memdesc_shadow_index(const struct memdesc_range *r)
{
	return r->words - memdesc_words;
}

/**
 * memdesc_shadow_copy - the shadow as bytes, for the raw file
 * @ubuf:	user buffer
 * @count:	bytes wanted
 * @pos:	byte offset in the shadow; advanced
 *
 * Little-endian u64s, all ranges back to back (see the layout file).  Each
 * word is read once, with READ_ONCE, and copied from that one read, so no
 * word in the output is torn, whatever the offset.
 *
 * Return: bytes copied, 0 at the end, or -EFAULT.
 */
ssize_t memdesc_shadow_copy(char __user *ubuf, size_t count, loff_t *pos)
{
	loff_t size = (loff_t)memdesc_nr_words * sizeof(u64);
	size_t done = 0, off, len;
	unsigned long i;
	__le64 w;

	if (*pos < 0)
		return -EINVAL;
	while (done < count && *pos < size) {
		i = *pos / sizeof(u64);
		off = *pos % sizeof(u64);
		w = cpu_to_le64(READ_ONCE(memdesc_words[i]));
		len = min(sizeof(u64) - off, count - done);
		if (copy_to_user(ubuf + done, (char *)&w + off, len))
			return done ? done : -EFAULT;
		done += len;
		*pos += len;
		if (!(i % 4096))
			cond_resched();
	}
	return done;
}

/**
 * memdesc_shadow_pfns - PFNs the shadow covers
 *
 * Return: the number of words.
 */
unsigned long memdesc_shadow_pfns(void)
{
	return memdesc_nr_words;
}

/**
 * memdesc_shadow_bytes - memory the shadow holds
 *
 * Return: bytes of words plus the range table.
 */
size_t memdesc_shadow_bytes(void)
{
	return memdesc_nr_words * sizeof(u64) +
	       nr_node_ids * sizeof(struct memdesc_range);
}

/**
 * memdesc_shadow_seeded - whether the seeding walk has completed
 *
 * Return: true once every word was seeded from the live state.
 */
bool memdesc_shadow_seeded(void)
{
	/* Pairs with the release in memdesc_shadow_seed(). */
	return smp_load_acquire(&memdesc_seeded);
}

/* memdesc_shadow_block(), inlined into the probes' common path. */
static __always_inline u64 *__memdesc_shadow_block(struct page *page,
						   unsigned int nr_pages)
{
	const struct memdesc_range *r;
	unsigned long idx;
	int nid = page_to_nid(page);

	if (unlikely(nid >= nr_node_ids))
		return NULL;
	r = &memdesc_ranges[nid];
	/* Below start_pfn wraps to a huge index and fails the same test. */
	idx = page_to_pfn(page) - r->start_pfn;
	if (unlikely(idx >= r->nr_pfns || r->nr_pfns - idx < nr_pages))
		return NULL;
	return r->words + idx;
}

/**
 * memdesc_shadow_block - the words of @nr_pages PFNs starting at @page
 * @page:	first page; its node selects the range
 * @nr_pages:	how many words the caller will touch
 *
 * Safe in any context.
 *
 * Return: the first word, or NULL if any of the PFNs lies outside the shadow
 * (memory hot-added beyond the span the node had at load).
 */
u64 *memdesc_shadow_block(struct page *page, unsigned int nr_pages)
{
	return __memdesc_shadow_block(page, nr_pages);
}

/*
 * A change of class, counted once per block (allocation or free chunk) at
 * its head, by the event that made it.
 */
static void memdesc_count_transition(u64 old, u64 new, enum memdesc_stat source)
{
	unsigned int from = memdesc_class_of[memdesc_class_index(old)];
	unsigned int to = memdesc_class_of[memdesc_class_index(new)];

	if (from == to)
		return;
	this_cpu_inc(memdesc_transitions.matrix[from][to]);
	this_cpu_inc(memdesc_transitions.by_source[source]);
}

/**
 * memdesc_shadow_set_block - describe a whole allocation or free chunk
 * @page:	its first page
 * @order:	its order
 * @word:	the word for every PFN of it; the head bit is added to the first
 * @source:	the event, for the transition counts
 *
 * For probes: never sleeps, never allocates, takes no lock, and costs
 * 2^@order stores.  The order is on every word so any PFN tells the size.
 * The tail goes in with memset64(): aligned 8-byte stores (rep stosq on
 * x86), each single-copy atomic like WRITE_ONCE(), so a reader never sees
 * a torn word, at a third of the loop's instructions.
 */
void memdesc_shadow_set_block(struct page *page, unsigned int order, u64 word,
			      enum memdesc_stat source)
{
	unsigned int nr;
	u64 *w;

	if (unlikely(order > MEMDESC_ORDER_MAX)) {
		memdesc_count(MEMDESC_STAT_OUT_OF_RANGE);
		return;
	}
	nr = 1U << order;
	w = __memdesc_shadow_block(page, nr);
	if (unlikely(!w)) {
		memdesc_count(MEMDESC_STAT_OUT_OF_RANGE);
		return;
	}
	memdesc_count_transition(READ_ONCE(w[0]), word, source);
	WRITE_ONCE(w[0], word | MEMDESC_HEAD);
	if (nr > 1)
		memset64(w + 1, word, nr - 1);
}

/*
 * Is @pfn, which the live state calls allocated, perhaps a page on its way
 * to the free lists?  free_pages_prepare() traces a free before the page
 * reaches a per-cpu or buddy list, and until it does nothing in struct page
 * says free: no reference, no PageBuddy (and the walk's per-cpu snapshot is
 * older than the page).  Under PREEMPT_RT, where the per-cpu lock is often
 * contended, such a page can go straight to the buddy lists with no further
 * event, so the free the event wrote is the newer truth.
 */
static bool memdesc_live_may_be_freeing(unsigned long pfn, u64 live)
{
	struct page *page;

	if (!memdesc_word_is_page(live) || memdesc_word_is_free(live))
		return false;
	page = pfn_to_online_page(pfn);
	return page && !page_ref_count(compound_head(page));
}

/*
 * memdesc_sync_word - copy the live state into one word without undoing an
 * event.
 *
 * The probes are live while this runs, and an event's store is newer than
 * any live state read before it, so a copy must never overwrite one.  The
 * word is replaced with a cmpxchg from the value read before the live state
 * was: if an event stored in between, the cmpxchg fails and the event's
 * word stands; if the event stores after the cmpxchg, it overwrites the
 * copy.  An allocation is traced after the page left the free lists, so
 * the live state read after its event already says allocated.  A free is
 * traced before the page reaches them, so the live state can lag the event:
 * a free word is kept over an unreferenced "allocated" page (see
 * memdesc_live_may_be_freeing()).
 *
 * Seeding (@only_unknown) replaces only UNKNOWN words, which no event ever
 * stores, so it is exact.  A resync replaces any other word; it can be
 * fooled by two events that leave the word as it was (an allocation and
 * its free) both landing inside one PFN's read-and-cmpxchg window, and it
 * leaves a stale free word on an allocated page with no reference (a
 * pooled hugetlb folio, a tail of a non-compound allocation) for the next
 * event to correct.
 *
 * Return: true if the word now holds the live state read here.
 */
static bool memdesc_sync_word(u64 *w, struct memdesc_live_walk *walk,
			      unsigned long pfn, int nid, bool only_unknown)
{
	u64 old = READ_ONCE(*w), live;

	if (only_unknown && old != MEMDESC_WORD_UNKNOWN)
		return false;
	live = memdesc_live_walk_word(walk, pfn, nid);
	if (memdesc_word_is_free(old) && memdesc_live_may_be_freeing(pfn, live))
		return false;
	return cmpxchg64(w, old, live) == old;
}

/*
 * Copy the live state of [first, first + nr) of @r; return the words
 * written and count the ones an event held.
 */
static unsigned long memdesc_sync_range(const struct memdesc_range *r,
					unsigned long first, unsigned long nr,
					struct memdesc_live_walk *walk,
					bool only_unknown, unsigned long *raced)
{
	unsigned long i, done = 0;

	for (i = first; i < first + nr; i++) {
		if (memdesc_sync_word(&r->words[i], walk, r->start_pfn + i,
				      r->nid, only_unknown))
			done++;
		else
			(*raced)++;
		if (!(i % 1024))
			cond_resched();
	}
	return done;
}

/*
 * Copy the live state of every word; the seeding walk (@only_unknown) or a
 * resync.  Sleeps.
 */
static int memdesc_sync_all(bool only_unknown, unsigned long *done,
			    unsigned long *raced)
{
	struct memdesc_live_walk walk;
	const struct memdesc_range *r;
	int err;

	*done = 0;
	*raced = 0;
	err = memdesc_live_walk_start(&walk);
	if (err)
		return err;
	memdesc_for_each_range(r)
		*done += memdesc_sync_range(r, 0, r->nr_pfns, &walk,
					    only_unknown, raced);
	memdesc_live_walk_end(&walk);
	return 0;
}

/**
 * memdesc_shadow_seed - copy the live state of every PFN into the shadow
 *
 * Called with the probes already attached, so no event is lost between the
 * walk and tracking: see memdesc_sync_word() for why the walk cannot undo
 * an event.  Sleeps.
 *
 * Return: 0, or -ENOMEM if the per-cpu list snapshot cannot be allocated.
 */
int memdesc_shadow_seed(void)
{
	unsigned long seeded, raced;
	int err;

	err = memdesc_sync_all(true, &seeded, &raced);
	if (err)
		return err;
	this_cpu_add(memdesc_stats[MEMDESC_STAT_SEEDED], seeded);
	this_cpu_add(memdesc_stats[MEMDESC_STAT_SEED_RACED], raced);
	/* Whoever sees "seeded" sees every seeded word. */
	smp_store_release(&memdesc_seeded, true);
	pr_info("seeded %lu PFNs, %lu already set by events\n", seeded, raced);
	return 0;
}

/**
 * memdesc_shadow_resync - copy the live state of every PFN again
 *
 * For the control file: after tracking was off, or to start a measurement
 * from a clean shadow.  Sleeps.
 *
 * Return: 0, or -ENOMEM.
 */
int memdesc_shadow_resync(void)
{
	unsigned long done, raced;
	int err;

	err = memdesc_sync_all(false, &done, &raced);
	if (err)
		return err;
	this_cpu_add(memdesc_stats[MEMDESC_STAT_RESYNCED], done);
	pr_info("resynced %lu PFNs, %lu held by events\n", done, raced);
	return 0;
}

/**
 * memdesc_shadow_pfn - the word of a PFN and its range
 * @pfn:	any PFN
 * @range:	set to the range holding it
 *
 * Return: the word, or NULL if no range spans @pfn.
 */
u64 *memdesc_shadow_pfn(unsigned long pfn, const struct memdesc_range **range)
{
	const struct memdesc_range *r;

	memdesc_for_each_range(r) {
		if (pfn - r->start_pfn < r->nr_pfns) {
			*range = r;
			return &r->words[pfn - r->start_pfn];
		}
	}
	return NULL;
}

/* === Memory hotplug === */

/*
 * Offlining takes free pages off the buddy lists with no event, and onlining
 * hands pages to the allocator before or without one, so both ends of a
 * block's life are copied from the live state.  Only the part of the block
 * inside a node's span at load is tracked (out_of_range counts the rest).
 */
static void memdesc_hotplug_range(unsigned long start, unsigned long nr,
				  bool online)
{
	struct memdesc_live_walk walk;
	const struct memdesc_range *r;
	unsigned long first, last, i, raced = 0;

	if (online && memdesc_live_walk_start(&walk))
		online = false;		/* no snapshot: fall back to holes */
	memdesc_for_each_range(r) {
		first = max(start, r->start_pfn);
		last = min(start + nr, r->start_pfn + r->nr_pfns);
		if (first >= last)
			continue;
		if (online) {
			memdesc_sync_range(r, first - r->start_pfn, last - first,
					   &walk, false, &raced);
			continue;
		}
		for (i = first; i < last; i++)
			WRITE_ONCE(r->words[i - r->start_pfn],
				   memdesc_hole_word(r->nid));
	}
	if (online)
		memdesc_live_walk_end(&walk);
}

static int memdesc_memory_callback(struct notifier_block *nb,
				   unsigned long action, void *arg)
{
	struct memory_notify *mn = arg;

	switch (action) {
	case MEM_ONLINE:
	case MEM_CANCEL_OFFLINE:
		memdesc_hotplug_range(mn->start_pfn, mn->nr_pages, true);
		memdesc_count(MEMDESC_STAT_HOTPLUG);
		break;
	case MEM_OFFLINE:
		memdesc_hotplug_range(mn->start_pfn, mn->nr_pages, false);
		memdesc_count(MEMDESC_STAT_HOTPLUG);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block memdesc_memory_nb = {
	.notifier_call = memdesc_memory_callback,
};

/**
 * memdesc_shadow_hotplug_register - follow memory blocks going on and offline
 *
 * Return: 0 or the notifier's error.
 */
int memdesc_shadow_hotplug_register(void)
{
	return register_memory_notifier(&memdesc_memory_nb);
}

/**
 * memdesc_shadow_hotplug_unregister - stop following memory blocks
 */
void memdesc_shadow_hotplug_unregister(void)
{
	unregister_memory_notifier(&memdesc_memory_nb);
}
