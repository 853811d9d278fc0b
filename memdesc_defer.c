// SPDX-License-Identifier: GPL-2.0
/*
 * Deferred work: the part of a large area a probe leaves to a worker.
 *
 * A probe runs with preemption off, and on PREEMPT_RT that stretch is the
 * latency the kernel's users measure.  A hook that types a whole area -
 * every page behind a vmalloc() return, behind each CPU's copy of a per-cpu
 * allocation, or given up to a balloon - does its first memdesc_defer_inline
 * (MEMDESC_DEFER_INLINE) pages itself and queues the rest here.  A worker finishes them in
 * batches of MEMDESC_DEFER_BATCH pages, each an RCU-sched reader as a probe
 * is, rescheduling between them, and through memdesc_defer_store(): the
 * area may have been freed meanwhile, and an event's word is newer than the
 * worker's.  Until then the pages read what their allocation left; a walk
 * (compare, summary, resync) waits for the queue to drain first.
 *
 * The queue is MEMDESC_DEFER_SLOTS slots that probes claim with a cmpxchg:
 * no lock and no allocation in the probe, and nothing to free.  A probe
 * kicks the worker through an irq_work, which is safe in any context the
 * probes run in; its handler queues the work item.
 *
 * Pages no slot can take - an area that finds every slot taken, as a
 * balloon or virtio-mem unplugging hundreds of subblocks at once does on
 * a slow machine, or a hook's pages past MEMDESC_HOOK_PAGES - are left to
 * a resync (memdesc_defer_left(), counted in hook_truncated), which a
 * work item of its own runs once the queue has drained: the resync the
 * layer above hands memdesc_defer_resync_open().  Every walk waits for it
 * too, so no report reads such a page's stale word.  A resync copies the
 * live state into every word, not only those pages', so left_resyncs
 * counts them: a resync also hides, until their next event, words that an
 * event gap elsewhere had left wrong.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "memdesc.h"

/* Areas in flight at once; more are left to a resync. */
#define MEMDESC_DEFER_SLOTS	64

/*
 * Pages the worker does between two chances to reschedule: as many as a
 * hook does in its own stretch, so that no stretch of memdesc's is longer.
 */
#define MEMDESC_DEFER_BATCH	MEMDESC_DEFER_INLINE

/* What a slot holds. */
enum memdesc_defer_state {
	MEMDESC_DEFER_FREE,	/* nothing */
	MEMDESC_DEFER_FILLING,	/* a probe is writing it */
	MEMDESC_DEFER_PENDING,	/* for the worker */
	MEMDESC_DEFER_RUNNING,	/* the worker is doing it */
};

unsigned int memdesc_defer_inline = MEMDESC_DEFER_INLINE;

static int memdesc_defer_inline_set(const char *val,
				    const struct kernel_param *kp)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err)
		return err;
	if (n > MEMDESC_DEFER_INLINE)
		return -EINVAL;
	WRITE_ONCE(memdesc_defer_inline, n);
	return 0;
}

static const struct kernel_param_ops memdesc_defer_inline_ops = {
	.set	= memdesc_defer_inline_set,
	.get	= param_get_uint,
};

module_param_cb(defer_inline, &memdesc_defer_inline_ops,
		&memdesc_defer_inline, 0644);
MODULE_PARM_DESC(defer_inline,
		 "Test only: pages a hook types itself before the worker does the rest (0-32, default 32)");

static struct memdesc_deferred memdesc_defer_slots[MEMDESC_DEFER_SLOTS];
/* No queuing after memdesc_defer_stop(). */
static bool memdesc_defer_stopped;

static void memdesc_defer_workfn(struct work_struct *work);
static DECLARE_WORK(memdesc_defer_work, memdesc_defer_workfn);

/*
 * The resync for pages left to one: @memdesc_defer_left_pending is set by
 * the probes that left pages, and cleared by the work item as it starts a
 * resync; @memdesc_defer_resync is the resync, set while the shadow may be
 * resynced (memdesc_defer_resync_open() to memdesc_defer_resync_close(),
 * under @memdesc_defer_resync_lock); @memdesc_defer_resync_task is the
 * task running it, whose own walk must not wait for it.
 */
static bool memdesc_defer_left_pending;
static int (*memdesc_defer_resync)(void);
static struct task_struct *memdesc_defer_resync_task;
static DEFINE_MUTEX(memdesc_defer_resync_lock);

static void memdesc_defer_resync_workfn(struct work_struct *work);
static DECLARE_WORK(memdesc_defer_resync_work, memdesc_defer_resync_workfn);

static void memdesc_defer_kick(struct irq_work *iw)
{
	queue_work(system_unbound_wq, &memdesc_defer_work);
	if (READ_ONCE(memdesc_defer_left_pending))
		queue_work(system_unbound_wq, &memdesc_defer_resync_work);
}

static DEFINE_IRQ_WORK(memdesc_defer_irq_work, memdesc_defer_kick);

/* A free slot, now FILLING; NULL if every slot is in use.  Any context. */
static struct memdesc_deferred *memdesc_defer_claim(void)
{
	struct memdesc_deferred *d;
	unsigned int i;

	if (READ_ONCE(memdesc_defer_stopped))
		return NULL;
	for (i = 0; i < MEMDESC_DEFER_SLOTS; i++) {
		d = &memdesc_defer_slots[i];
		if (atomic_read(&d->state) == MEMDESC_DEFER_FREE &&
		    atomic_cmpxchg(&d->state, MEMDESC_DEFER_FREE,
				   MEMDESC_DEFER_FILLING) == MEMDESC_DEFER_FREE)
			return d;
	}
	return NULL;
}

/**
 * memdesc_defer_left - leave pages to a resync, from a probe
 * @nr:		how many
 *
 * Any context; no lock, no allocation.  Counts them in hook_truncated and
 * has the resync work item run once the queue has drained; after
 * memdesc_defer_stop() they are only counted.
 */
void memdesc_defer_left(unsigned long nr)
{
	this_cpu_add(memdesc_stats[MEMDESC_STAT_HOOK_TRUNCATED], nr);
	if (READ_ONCE(memdesc_defer_stopped))
		return;
	WRITE_ONCE(memdesc_defer_left_pending, true);
	irq_work_queue(&memdesc_defer_irq_work);
}

/**
 * memdesc_defer - leave the rest of an area to the worker, from a probe
 * @area:	the area, from page @area->i on; @state is not read
 *
 * Any context; no lock, no allocation.  Counts the pages left, in
 * deferred, or in hook_truncated if the queue is full.
 *
 * Return: false if the queue is full, and the pages are left to a resync.
 */
bool memdesc_defer(const struct memdesc_deferred *area)
{
	struct memdesc_deferred *d = memdesc_defer_claim();

	if (!d) {
		memdesc_defer_left(area->nr - area->i);
		return false;
	}
	d->step = area->step;
	d->i = area->i;
	d->nr = area->nr;
	d->addr = area->addr;
	d->size = area->size;
	d->cpu = area->cpu;
	d->cpu_nr = area->cpu_nr;
	d->sub = area->sub;
	d->source = area->source;
	this_cpu_add(memdesc_stats[MEMDESC_STAT_DEFERRED], area->nr - area->i);
	/* Release: the worker that sees PENDING sees the slot filled. */
	atomic_set_release(&d->state, MEMDESC_DEFER_PENDING);
	irq_work_queue(&memdesc_defer_irq_work);
	return true;
}

/*
 * One batch of @d's pages, as a probe does them: a stretch with preemption
 * off, of its own frame so that make bench-preemptoff can time it.
 */
static noinline void memdesc_defer_batch(struct memdesc_deferred *d)
{
	unsigned long end = min(d->i + MEMDESC_DEFER_BATCH, d->nr);

	rcu_read_lock_sched();
	for (; d->i < end; d->i++)
		d->step(d);
	rcu_read_unlock_sched();
}

static void memdesc_defer_workfn(struct work_struct *work)
{
	struct memdesc_deferred *d;
	unsigned int i;

	/* For the tests: the queue fills while the worker is parked here. */
	memdesc_testpoint(MEMDESC_TP_DEFER, NULL);
	for (i = 0; i < MEMDESC_DEFER_SLOTS; i++) {
		d = &memdesc_defer_slots[i];
		/* Acquire: pairs with memdesc_defer_queue(). */
		if (atomic_read_acquire(&d->state) != MEMDESC_DEFER_PENDING)
			continue;
		atomic_set(&d->state, MEMDESC_DEFER_RUNNING);
		while (d->i < d->nr) {
			memdesc_defer_batch(d);
			cond_resched();
		}
		atomic_set_release(&d->state, MEMDESC_DEFER_FREE);
	}
}

/* Is an area queued or being done? */
static bool memdesc_defer_busy(void)
{
	unsigned int i, state;

	for (i = 0; i < MEMDESC_DEFER_SLOTS; i++) {
		state = atomic_read(&memdesc_defer_slots[i].state);
		if (state == MEMDESC_DEFER_PENDING ||
		    state == MEMDESC_DEFER_RUNNING)
			return true;
	}
	return false;
}

/**
 * memdesc_defer_store - the worker's store for one page of an area
 * @d:		the area, at page @d->i
 * @page:	the order-0 page behind page @d->i of it now
 * @make:	the page's word from its word now, or 0 to leave it
 * @there:	whether @page is still behind page @d->i of the area
 *
 * The area may have been freed, and its pages used again, since its
 * event.  A free or any other event stores a newer word, which stands
 * (memdesc_shadow_replace()); a page that a free and a new allocation
 * gave the word it had when read, and that is no longer where it was in
 * the area, gets that word back.  Only @make judges the word it
 * replaces: a page given to a driver may still read as part of the free
 * block it was isolated from, where no allocation event was emitted.
 * For @d->step.
 */
void memdesc_defer_store(struct memdesc_deferred *d, struct page *page,
			 u64 (*make)(struct memdesc_deferred *d,
				     struct page *page, u64 old),
			 bool (*there)(struct memdesc_deferred *d,
				       struct page *page))
{
	u64 old = memdesc_shadow_get(page), word;

	if (!memdesc_word_is_page(old))
		return;
	word = make(d, page, old);
	if (!word)
		return;
	word |= MEMDESC_HEAD;
	if (memdesc_shadow_replace(page, old, word, d->source) &&
	    !there(d, page))
		memdesc_shadow_replace(page, word, old, d->source);
}

/*
 * The resync for pages left to one.  Its walk waits for the queue to drain
 * (memdesc_defer_flush()), so it reads what the areas queued before it
 * stored.  Pages left while it runs have it run again.
 */
static void memdesc_defer_resync_workfn(struct work_struct *work)
{
	int err;

	mutex_lock(&memdesc_defer_resync_lock);
	WRITE_ONCE(memdesc_defer_resync_task, current);
	while (memdesc_defer_resync &&
	       xchg(&memdesc_defer_left_pending, false)) {
		err = memdesc_defer_resync();
		if (err) {
			pr_warn_ratelimited("resync of the pages hooks left: %d\n",
					    err);
			break;
		}
		this_cpu_inc(memdesc_stats[MEMDESC_STAT_LEFT_RESYNCS]);
	}
	WRITE_ONCE(memdesc_defer_resync_task, NULL);
	mutex_unlock(&memdesc_defer_resync_lock);
}

/**
 * memdesc_defer_resync_open - let pages left by hooks be resynced
 * @resync:	copies the live state into the whole shadow; sleeps, and
 *		waits for the queue itself (memdesc_defer_flush())
 *
 * Once the shadow was seeded and memory hotplug is followed, so that a
 * resync is safe; pages left before are resynced now.  Sleeps.
 */
void memdesc_defer_resync_open(int (*resync)(void))
{
	mutex_lock(&memdesc_defer_resync_lock);
	memdesc_defer_resync = resync;
	mutex_unlock(&memdesc_defer_resync_lock);
	if (READ_ONCE(memdesc_defer_left_pending))
		queue_work(system_unbound_wq, &memdesc_defer_resync_work);
}

/**
 * memdesc_defer_resync_close - no more resyncs of pages left by hooks
 *
 * Waits for one in progress.  Before memory hotplug stops being followed:
 * a walk is safe only while it is.  Pages left from now on stay as they
 * are, counted.  Sleeps.
 */
void memdesc_defer_resync_close(void)
{
	mutex_lock(&memdesc_defer_resync_lock);
	memdesc_defer_resync = NULL;
	mutex_unlock(&memdesc_defer_resync_lock);
	cancel_work_sync(&memdesc_defer_resync_work);
}

/* Rounds memdesc_defer_flush() waits for areas that keep coming. */
#define MEMDESC_DEFER_FLUSH_ROUNDS	8

/**
 * memdesc_defer_flush - wait until the areas queued so far are done
 *
 * For the walks, before they read the shadow.  The kick of an area queued
 * while the worker ran queues the worker again, so a round is the kick
 * and the work; areas that keep coming are waited for a few rounds, then
 * left for the walk to see as they are.  Sleeps.
 */
void memdesc_defer_flush(void)
{
	unsigned int round = 0;

	do {
		irq_work_sync(&memdesc_defer_irq_work);
		flush_work(&memdesc_defer_work);
	} while (memdesc_defer_busy() && ++round < MEMDESC_DEFER_FLUSH_ROUNDS);
	/* Then the resync of pages left, unless this is its own walk. */
	if (READ_ONCE(memdesc_defer_resync_task) != current)
		flush_work(&memdesc_defer_resync_work);
}

/**
 * memdesc_defer_stop - take no more areas, and finish those queued
 *
 * For the unload, after the probes are gone and before the shadow is.
 * Sleeps.
 */
void memdesc_defer_stop(void)
{
	WRITE_ONCE(memdesc_defer_stopped, true);
	memdesc_defer_flush();
	cancel_work_sync(&memdesc_defer_work);
}
