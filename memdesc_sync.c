// SPDX-License-Identifier: GPL-2.0
/*
 * The live state copied into the shadow: seeding at load, resync on
 * demand, and memory that comes and goes (the memory notifier).
 *
 * The probes are live while any of this runs, and an event's store is
 * newer than any live state read before it, so a copy never overwrites
 * one: see memdesc_sync_word().  This unit sits above the store
 * (memdesc_shadow.c) and the live classifier (memdesc_live.c) and is the
 * only one that joins them.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/sched.h>

#include "memdesc.h"
#include "memdesc_compat.h"

static bool memdesc_seeded;		/* set once, after seeding */
static bool memdesc_sync_enabled;	/* probes attached: copies may go in */
/*
 * Walks held off for an offline, from MEM_GOING_OFFLINE to its end; only
 * the notifier touches it, and memory hotplug runs one change at a time.
 */
static bool memdesc_offline_held;

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
	/* A guard page has no reference either, and is out of use. */
	if (memdesc_word_class(live) == MEMDESC_CLASS_GUARD)
		return false;
	page = pfn_to_online_page(pfn);
	return page && !page_ref_count(compound_head(page));
}

/*
 * memdesc_sync_word - copy the live state into one word without undoing an
 * event.
 *
 * The word is replaced with a cmpxchg from the value read before the live
 * state was: if an event stored in between, the cmpxchg fails and the
 * event's word stands; if the event stores after the cmpxchg, it
 * overwrites the copy.  An allocation is traced after the page left the
 * free lists, so the live state read after its event already says
 * allocated.  A free is traced before the page reaches them, so the live
 * state can lag the event: a free word is kept over an unreferenced
 * "allocated" page (see memdesc_live_may_be_freeing()).
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
			      unsigned long pfn, bool only_unknown)
{
	u64 old = READ_ONCE(*w), live;

	if (only_unknown && old != MEMDESC_WORD_UNKNOWN)
		return false;
	live = memdesc_live_walk_word(walk, pfn);
	if (memdesc_word_is_free(old) && memdesc_live_may_be_freeing(pfn, live))
		return false;
	return cmpxchg64(w, old, live) == old;
}

/**
 * struct memdesc_sync - one copy of the live state into the shadow
 * @walk:	the live walk
 * @only_unknown: seeding: write UNKNOWN words only
 * @done:	words that hold the live state read here
 * @raced:	words an event held
 * @old:	a coarse block's words, read before its live state
 * @live:	the live words of that block
 */
struct memdesc_sync {
	struct memdesc_live_walk walk;
	bool only_unknown;
	unsigned long done;
	unsigned long raced;
	u64 old[MEMDESC_BLOCK_PFNS];
	u64 live[MEMDESC_BLOCK_PFNS];
};

/* Are @live one word throughout, as a coarse block's are? */
static bool memdesc_sync_uniform(const u64 *live)
{
	u64 tail = live[0] & ~MEMDESC_HEAD;
	unsigned int i;

	for (i = 1; i < MEMDESC_BLOCK_PFNS; i++)
		if (live[i] != tail)
			return false;
	return true;
}

/*
 * A resync of a block stored coarse (a gigantic folio's, when the events
 * last said so), whose words past the first are hidden behind its bit.
 * Its words are read before its live state, as memdesc_sync_word() reads
 * one word before it.  Live state that is one word throughout (the folio is
 * still there, or a free block of the largest order is) goes into the
 * first word, and the block stays coarse.  Anything else is written word
 * by word, then the bit cleared, unless an event stored into the block or
 * a coarse store came into its section meanwhile: the event's word, newer
 * than the live state read here, stands.
 */
static bool memdesc_sync_coarse(struct memdesc_sync *sync,
				struct memdesc_view *v, unsigned int block,
				u64 *w, unsigned long pfn, unsigned long seen)
{
	unsigned int i;

	for (i = 0; i < MEMDESC_BLOCK_PFNS; i++)
		sync->old[i] = READ_ONCE(w[i]);
	memdesc_testpoint(MEMDESC_TP_SYNC_COARSE, NULL);
	memdesc_live_walk_range(&sync->walk, pfn, MEMDESC_BLOCK_PFNS,
				sync->live);
	if (!memdesc_sync_uniform(sync->live)) {
		for (i = 1; i < MEMDESC_BLOCK_PFNS; i++) {
			if (memdesc_word_is_free(sync->old[i]) &&
			    memdesc_live_may_be_freeing(pfn + i, sync->live[i]))
				continue;
			cmpxchg64(&w[i], sync->old[i], sync->live[i]);
		}
	}
	if (cmpxchg64(&w[0], sync->old[0], sync->live[0]) != sync->old[0])
		return false;
	return memdesc_sync_uniform(sync->live) ||
	       memdesc_view_uncoarse(v, block, seen);
}

/*
 * Copy the live state of one listed section; count the words written and
 * those an event held.  Untracked sections have no words to write.
 * Seeding leaves coarse blocks as they are: an event stored all their
 * words, and no word of theirs is UNKNOWN.
 */
static void memdesc_sync_section(struct memdesc_sync *sync,
				 struct memdesc_view *v)
{
	unsigned long pfn = v->start_pfn, seen;
	unsigned int b, i;
	u64 *w;

	for (b = 0; b < MEMDESC_BLOCKS; b++, pfn += MEMDESC_BLOCK_PFNS) {
		w = memdesc_view_raw(v, b, &seen);
		if (!w)
			return;
		if (seen) {
			if (!sync->only_unknown &&
			    memdesc_sync_coarse(sync, v, b, w, pfn, seen))
				sync->done += MEMDESC_BLOCK_PFNS;
			else
				sync->raced += MEMDESC_BLOCK_PFNS;
			cond_resched();
			continue;
		}
		for (i = 0; i < MEMDESC_BLOCK_PFNS; i++) {
			if (memdesc_sync_word(&w[i], &sync->walk, pfn + i,
					      sync->only_unknown))
				sync->done++;
			else
				sync->raced++;
		}
		cond_resched();
	}
}

/*
 * Copy the live state of every listed section that overlaps
 * [@first, @end); the seeding walk (@only_unknown), a resync, or a block
 * of memory that came online.  Sleeps.
 */
static int memdesc_sync_pfns(unsigned long first, unsigned long end,
			     bool only_unknown, unsigned long *done,
			     unsigned long *raced)
{
	struct memdesc_sync *sync;
	struct memdesc_view v;
	int err;

	*done = 0;
	*raced = 0;
	sync = memdesc_kvmalloc(1, sizeof(*sync), GFP_KERNEL, NUMA_NO_NODE);
	if (!sync)
		return -ENOMEM;
	sync->only_unknown = only_unknown;
	sync->done = 0;
	sync->raced = 0;
	err = memdesc_live_walk_start(&sync->walk);
	if (err)
		goto out;
	memdesc_shadow_lock();
	memdesc_for_each_section(&v) {
		if (v.start_pfn + MEMDESC_CHUNK_PFNS <= first ||
		    v.start_pfn >= end)
			continue;
		memdesc_sync_section(sync, &v);
	}
	memdesc_shadow_unlock();
	memdesc_live_walk_end(&sync->walk);
	*done = sync->done;
	*raced = sync->raced;
out:
	memdesc_kvfree(sync);
	return err;
}

/**
 * memdesc_sync_seed - copy the live state of every PFN into the shadow
 *
 * Called with the probes already attached, so no event is lost between the
 * walk and tracking: see memdesc_sync_word() for why the walk cannot undo
 * an event.  Sleeps.
 *
 * Return: 0, or -ENOMEM if the walk's snapshots cannot be allocated.
 */
int memdesc_sync_seed(void)
{
	unsigned long seeded, raced;
	int err;

	err = memdesc_sync_pfns(0, ULONG_MAX, true, &seeded, &raced);
	if (err)
		return err;
	this_cpu_add(memdesc_stats[MEMDESC_STAT_SEEDED], seeded);
	this_cpu_add(memdesc_stats[MEMDESC_STAT_SEED_RACED], raced);
	/* Whoever sees "seeded" sees every seeded word. */
	smp_store_release(&memdesc_seeded, true);
	pr_info("seeded %lu PFNs, %lu already set by events\n", seeded, raced);
	return 0;
}

/* A resync of every PFN, counted in resynced; *@raced: words events held. */
static int memdesc_sync_all(unsigned long *done, unsigned long *raced)
{
	int err;

	err = memdesc_sync_pfns(0, ULONG_MAX, false, done, raced);
	if (!err)
		this_cpu_add(memdesc_stats[MEMDESC_STAT_RESYNCED], *done);
	return err;
}

/**
 * memdesc_sync_resync - copy the live state of every PFN again
 *
 * For the control file: after tracking was off, or to start a measurement
 * from a clean shadow.  Sleeps.
 *
 * Return: 0, or -ENOMEM.
 */
int memdesc_sync_resync(void)
{
	unsigned long done, raced;
	int err;

	err = memdesc_sync_all(&done, &raced);
	if (err)
		return err;
	pr_info("resynced %lu PFNs, %lu held by events\n", done, raced);
	return 0;
}

/**
 * memdesc_sync_left - copy the live state of every PFN, for pages left
 *
 * For memdesc_defer_resync_open(): a resync, as memdesc_sync_resync() is,
 * of the pages hooks could not type (memdesc_defer.c), run as often as a
 * queue overflows, so it logs nothing; stats' left_resyncs counts it.
 * Sleeps.
 *
 * Return: 0, or -ENOMEM.
 */
int memdesc_sync_left(void)
{
	unsigned long done, raced;

	return memdesc_sync_all(&done, &raced);
}

/**
 * memdesc_sync_seeded - whether the seeding walk has completed
 *
 * Return: true once every word was seeded from the live state.
 */
bool memdesc_sync_seeded(void)
{
	/* Pairs with the release in memdesc_sync_seed(). */
	return smp_load_acquire(&memdesc_seeded);
}

/**
 * memdesc_sync_enable - let memory coming online be seeded
 *
 * Once the probes are attached a copy of the live state is kept current;
 * before, it would go stale unseen.  Then the listed sections are made the
 * online ones, for memory that came or went before the notifier was there.
 */
void memdesc_sync_enable(void)
{
	WRITE_ONCE(memdesc_sync_enabled, true);
	memdesc_shadow_reconcile();
}

/* === Memory hotplug === */

/*
 * A block's chunks come before its first page reaches the allocator
 * (MEM_GOING_ONLINE): onlining frees every page, with events, and the
 * allocator may hand them out at once.  Its words are seeded from the live
 * state once it is online; offlining takes free pages off the buddy lists
 * with no event, so a block going back to the allocator after a cancelled
 * offline is copied whole.  A block gone offline loses its chunks.
 */
static void memdesc_hotplug_sync(unsigned long start, unsigned long nr,
				 bool only_unknown)
{
	unsigned long done, raced;

	if (!READ_ONCE(memdesc_sync_enabled))
		return;
	/* No snapshot: the words stay as the events left them. */
	memdesc_sync_pfns(start, start + nr, only_unknown, &done, &raced);
}

/*
 * The end of an offline, done or cancelled: walks may go on.  A
 * MEM_CANCEL_OFFLINE comes without a MEM_GOING_OFFLINE of ours when
 * another notifier refused the offline before this one was called.
 */
static void memdesc_offline_done(void)
{
	if (!memdesc_offline_held)
		return;
	memdesc_offline_held = false;
	memdesc_live_offline_end();
}

static int memdesc_memory_callback(struct notifier_block *nb,
				   unsigned long action, void *arg)
{
	struct memory_notify *mn = arg;

	switch (action) {
	case MEM_GOING_ONLINE:
		memdesc_shadow_online(mn->start_pfn, mn->nr_pages);
		break;
	case MEM_ONLINE:
		memdesc_shadow_online_done(mn->start_pfn, mn->nr_pages);
		memdesc_hotplug_sync(mn->start_pfn, mn->nr_pages, true);
		memdesc_count(MEMDESC_STAT_HOTPLUG);
		break;
	case MEM_CANCEL_ONLINE:
		memdesc_shadow_offline(mn->start_pfn, mn->nr_pages);
		break;
	case MEM_GOING_OFFLINE:
		/* Until its end: see memdesc_live_offline_begin(). */
		memdesc_offline_held = memdesc_live_offline_begin();
		break;
	case MEM_CANCEL_OFFLINE:
		memdesc_offline_done();
		memdesc_hotplug_sync(mn->start_pfn, mn->nr_pages, false);
		memdesc_count(MEMDESC_STAT_HOTPLUG);
		break;
	case MEM_OFFLINE:
		/* The next walk finds the block's words gone with its pages. */
		memdesc_shadow_offline(mn->start_pfn, mn->nr_pages);
		memdesc_offline_done();
		memdesc_count(MEMDESC_STAT_HOTPLUG);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block memdesc_memory_nb = {
	.notifier_call = memdesc_memory_callback,
};

/**
 * memdesc_sync_hotplug_register - follow memory blocks going on and offline
 *
 * Return: 0 or the notifier's error.
 */
int memdesc_sync_hotplug_register(void)
{
	return register_memory_notifier(&memdesc_memory_nb);
}

/**
 * memdesc_sync_hotplug_unregister - stop following memory blocks
 */
void memdesc_sync_hotplug_unregister(void)
{
	/* An offline between its two calls would keep walks held off. */
	memdesc_live_offline_close();
	unregister_memory_notifier(&memdesc_memory_nb);
	WRITE_ONCE(memdesc_sync_enabled, false);
	WRITE_ONCE(memdesc_seeded, false);
}
