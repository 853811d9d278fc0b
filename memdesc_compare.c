// SPDX-License-Identifier: GPL-2.0
/*
 * The compare engine: every online PFN's shadow word against the word the
 * live classifier makes of its struct page, then the disagreements looked
 * at again once the walk is over.  memdesc_diff.h says which fields of one
 * pair disagree; memdesc_report.c prints the result.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sort.h>

#include "memdesc.h"
#include "memdesc_owners.h"

/*
 * Test only: the walk reads a block's live words with
 * memdesc_live_walk_range(), which skips free-block tails, classifies a
 * folio once and looks up online memory once a subsection.  walk_check
 * makes every compare classify each PFN again on its own, from nothing
 * (memdesc_live_walk_word() with the walk's block and folio forgotten),
 * and walk_differ says for how many PFNs of the last such compare the two
 * disagreed.  On a quiet machine the answer is 0; a page that changed
 * between the two reads can make it more.
 */
static bool walk_check;
module_param(walk_check, bool, 0644);
MODULE_PARM_DESC(walk_check,
		 "Test only: compare also classifies every PFN alone, and counts where that differs from the block walk (default 0)");

static unsigned long walk_differ;
module_param(walk_differ, ulong, 0444);
MODULE_PARM_DESC(walk_differ,
		 "Test only: PFNs whose words differed in the last compare with walk_check on");

/* Of one block's words in c->live, count those a lone read disagrees with. */
static void memdesc_walk_check(struct memdesc_compare *c,
			       const struct memdesc_live_walk *walk,
			       unsigned long pfn)
{
	struct memdesc_live_walk one = *walk;
	unsigned int i;
	u64 w;

	for (i = 0; i < MEMDESC_BLOCK_PFNS; i++) {
		one.buddy_start = one.buddy_end = 0;
		one.tail_head = NULL;
		w = memdesc_live_walk_word(&one, pfn + i);
		if (w == c->live[i])
			continue;
		if (c->walk_differ++ < 8)
			pr_info("walk_check: pfn %lu: block walk %#llx, alone %#llx\n",
				pfn + i, c->live[i], w);
	}
}

/* Count @n PFNs' final verdict: each @shadow against @live. */
static void memdesc_tally(struct memdesc_compare *c, u64 shadow, u64 live,
			  unsigned int diff, unsigned int scope,
			  unsigned long n)
{
	int f;

	c->matrix[memdesc_word_class(shadow)][memdesc_word_class(live)] += n;
	for (f = 0; f < MEMDESC_NR_CMP_FIELDS; f++) {
		if (!(scope & MEMDESC_CMP_BIT(f)))
			continue;
		if (diff & MEMDESC_CMP_BIT(f))
			c->disagree[f] += n;
		else
			c->agree[f] += n;
	}
}

static void memdesc_add_example(struct memdesc_compare *c,
				const struct memdesc_mismatch *mm)
{
	unsigned int s = memdesc_word_class(mm->shadow);
	unsigned int l = memdesc_word_class(mm->live);

	if (c->nr_examples[s][l] < MEMDESC_EXAMPLES)
		c->examples[s][l][c->nr_examples[s][l]++] = mm->pfn;
}

/*
 * Count the run of PFNs that paired the same two words, none of which
 * needs a second look: whatever the walk decided for the first, it
 * decides for the rest.
 */
static void memdesc_run_flush(struct memdesc_compare *c)
{
	u64 shadow = c->run_shadow, live = c->run_live;
	unsigned int scope, diff;
	unsigned long n = c->run_n;

	if (!n)
		return;
	c->run_n = 0;
	c->compared += n;
	switch (memdesc_word_state(shadow)) {
	case MEMDESC_STATE_UNKNOWN:
		c->unknown += n;
		c->matrix[memdesc_word_class(shadow)][memdesc_word_class(live)] += n;
		return;
	case MEMDESC_STATE_UNTRACKED:
		c->untracked += n;
		c->matrix[memdesc_word_class(shadow)][memdesc_word_class(live)] += n;
		return;
	}
	diff = memdesc_word_diff(shadow, live, &scope);
	memdesc_tally(c, shadow, live, diff, scope, n);
}

/*
 * Walk pass, for a pair unlike the last: start a run of it if it needs no
 * recheck, else keep the disagreement for the recheck.
 */
static void memdesc_compare_pfn(struct memdesc_compare *c, unsigned long pfn,
				u64 shadow, u64 live)
{
	unsigned int state = memdesc_word_state(shadow), scope, diff;
	struct memdesc_mismatch mm = { pfn, shadow, live, 0,
				       MEMDESC_OWNER_UNKNOWN };

	if (state != MEMDESC_STATE_UNKNOWN && state != MEMDESC_STATE_UNTRACKED) {
		diff = memdesc_word_diff(shadow, live, &scope);
		if (diff & MEMDESC_CMP_CHECKED) {
			mm.fields = diff;
			c->compared++;
			if (c->nr_mis < MEMDESC_RECHECK_MAX) {
				c->mis[c->nr_mis++] = mm;
				return;
			}
			c->unchecked++;
			memdesc_tally(c, shadow, live, diff, scope, 1);
			memdesc_add_example(c, &mm);
			return;
		}
		/*
		 * A free block at another order: not rechecked (the buddy
		 * allocator merges and splits as the walk goes), but the
		 * first PFN of each such run is an example of free -> free.
		 */
		if (diff & MEMDESC_CMP_BIT(MEMDESC_CMP_FREE_ORDER))
			memdesc_add_example(c, &mm);
	}
	memdesc_run_flush(c);
	c->run_shadow = shadow;
	c->run_live = live;
	c->run_n = 1;
}

/*
 * Every online PFN of one listed section.  The live words of a block are
 * read first, then checked against the shadow's: most neighbours pair the
 * same two words (a free block's tails, a folio's, a run of small pages of
 * one kind), and such a pair costs two compares and an increment.  The
 * shadow's free words are read at the order the buddy allocator has merged
 * or split their blocks to since their events (memdesc_buddy.c).
 */
static void memdesc_compare_section(struct memdesc_compare *c,
				    struct memdesc_live_walk *walk,
				    const struct memdesc_view *v)
{
	unsigned long pfn = v->start_pfn;
	const u64 *words;
	unsigned int b, i;
	u64 shadow, live;

	for (b = 0; b < MEMDESC_BLOCKS; b++, pfn += MEMDESC_BLOCK_PFNS) {
		words = memdesc_view_block(v, b, c->buf);
		memdesc_buddy_block(words, c->buf);
		memdesc_live_walk_range(walk, pfn, MEMDESC_BLOCK_PFNS, c->live);
		if (c->walk_check)
			memdesc_walk_check(c, walk, pfn);
		for (i = 0; i < MEMDESC_BLOCK_PFNS; i++) {
			shadow = c->buf[i];
			live = c->live[i];
			if (c->run_n && shadow == c->run_shadow &&
			    live == c->run_live) {
				c->run_n++;
				continue;
			}
			if (memdesc_word_state(live) != MEMDESC_STATE_HOLE)
				memdesc_compare_pfn(c, pfn + i, shadow, live);
		}
		cond_resched();
	}
}

/*
 * The allocation site of a persistent disagreement: the owner of the block
 * the shadow describes, or, if the shadow has no allocation there (it
 * missed one), of the block the live word describes.
 */
static void memdesc_attribute(struct memdesc_compare *c,
			      struct memdesc_mismatch *mm)
{
	if (!c->owners)
		return;
	if (!memdesc_owner_locked(mm->pfn, mm->shadow, &mm->owner) &&
	    !memdesc_owner_locked(mm->pfn, mm->live, &mm->owner))
		mm->owner = MEMDESC_OWNER_UNKNOWN;
}

/* By cell, then by site: runs of one (cell, site) to count. */
static int memdesc_cell_site_cmp(const void *a, const void *b)
{
	const struct memdesc_cell_site *x = a, *y = b;

	if (x->shadow != y->shadow)
		return x->shadow < y->shadow ? -1 : 1;
	if (x->live != y->live)
		return x->live < y->live ? -1 : 1;
	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	return 0;
}

/* By cell, then most pages first: the top sites of a cell lead it. */
static int memdesc_cell_top_cmp(const void *a, const void *b)
{
	const struct memdesc_cell_site *x = a, *y = b;

	if (x->shadow != y->shadow || x->live != y->live)
		return memdesc_cell_site_cmp(a, b);
	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return memdesc_cell_site_cmp(a, b);
}

/*
 * Count the persistent disagreements by (cell, site) and keep each cell's
 * MEMDESC_CELL_SITES largest.  Only the rechecked ones carry an owner:
 * those past MEMDESC_RECHECK_MAX count in no site.
 */
static int memdesc_compare_sites(struct memdesc_compare *c)
{
	struct memdesc_cell_site *t;
	unsigned long i, n = 0, kept = 0, in_cell = 0;

	if (!c->owners || !c->nr_mis)
		return 0;
	t = memdesc_kvmalloc(c->nr_mis, sizeof(*t), GFP_KERNEL, NUMA_NO_NODE);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < c->nr_mis; i++)
		t[i] = (struct memdesc_cell_site){
			.shadow = memdesc_word_class(c->mis[i].shadow),
			.live = memdesc_word_class(c->mis[i].live),
			.owner = c->mis[i].owner, .pages = 1 };
	sort(t, c->nr_mis, sizeof(*t), memdesc_cell_site_cmp, NULL);
	for (i = 0; i < c->nr_mis; i++) {
		if (n && !memdesc_cell_site_cmp(&t[n - 1], &t[i]))
			t[n - 1].pages++;
		else
			t[n++] = t[i];
	}
	sort(t, n, sizeof(*t), memdesc_cell_top_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (!i || t[i].shadow != t[i - 1].shadow ||
		    t[i].live != t[i - 1].live)
			in_cell = 0;
		if (in_cell++ < MEMDESC_CELL_SITES)
			t[kept++] = t[i];
	}
	c->sites = t;
	c->nr_sites = kept;
	return 0;
}

/*
 * Look at every disagreement again, once the walk is over: an event or an
 * allocator step in flight during the walk (a page between free and the
 * free lists, a per-cpu refill) has settled by now.  What still disagrees
 * is persistent and stays in c->mis.
 */
static int memdesc_compare_recheck(struct memdesc_compare *c)
{
	struct memdesc_live_walk walk;
	unsigned long i, kept = 0;
	unsigned int scope, diff;
	int err, f;

	err = memdesc_live_walk_start(&walk);
	if (err)
		return err;
	c->owners = memdesc_owners_on(NULL);
	memdesc_shadow_lock();
	for (i = 0; i < c->nr_mis; i++) {
		struct memdesc_mismatch *mm = &c->mis[i];

		/* A PFN whose memory went offline since reads as a hole. */
		memdesc_shadow_word_at(mm->pfn, &mm->shadow);
		mm->live = memdesc_live_walk_word(&walk, mm->pfn);
		diff = memdesc_word_diff(mm->shadow, mm->live, &scope);
		for (f = 0; f < MEMDESC_NR_CMP_FIELDS; f++)
			if ((mm->fields & ~diff) & MEMDESC_CMP_BIT(f))
				c->transient[f]++;
		memdesc_tally(c, mm->shadow, mm->live, diff, scope, 1);
		mm->fields = diff;
		if (diff & MEMDESC_CMP_CHECKED) {
			memdesc_add_example(c, mm);
			memdesc_attribute(c, mm);
			c->mis[kept++] = *mm;
		}
		if (!(i % 1024))
			cond_resched();
	}
	memdesc_shadow_unlock();
	memdesc_live_walk_end(&walk);
	c->rechecked = c->nr_mis;
	c->nr_mis = kept;
	return 0;
}

/**
 * memdesc_compare_run - compare every online PFN, shadow against live
 *
 * Walks every PFN, then looks again at those that disagreed.  Sleeps; takes
 * each per-cpu list lock briefly for the snapshots.
 *
 * Return: the result, for memdesc_compare_print() and the mismatch report,
 * to be freed with memdesc_compare_free(); or an ERR_PTR.
 */
struct memdesc_compare *memdesc_compare_run(void)
{
	struct memdesc_live_walk walk;
	struct memdesc_compare *c;
	struct memdesc_view v;
	int err = -ENOMEM;

	c = memdesc_kvmalloc(1, sizeof(*c), GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->mis = memdesc_kvmalloc(MEMDESC_RECHECK_MAX, sizeof(*c->mis),
				 GFP_KERNEL, NUMA_NO_NODE);
	if (!c->mis)
		goto fail;
	err = memdesc_live_walk_start(&walk);
	if (err)
		goto fail;
	c->walk_check = READ_ONCE(walk_check);
	memdesc_shadow_lock();
	memdesc_for_each_section(&v)
		memdesc_compare_section(c, &walk, &v);
	memdesc_run_flush(c);
	memdesc_shadow_unlock();
	memdesc_live_walk_end(&walk);
	if (c->walk_check)
		WRITE_ONCE(walk_differ, c->walk_differ);
	err = memdesc_compare_recheck(c);
	if (!err)
		err = memdesc_compare_sites(c);
	if (err)
		goto fail;
	return c;
fail:
	memdesc_compare_free(c);
	return ERR_PTR(err);
}

/**
 * memdesc_compare_free - free a compare result
 * @c:		the result; NULL is fine
 */
void memdesc_compare_free(struct memdesc_compare *c)
{
	if (!c)
		return;
	memdesc_kvfree(c->sites);
	memdesc_kvfree(c->mis);
	memdesc_kvfree(c);
}

/**
 * memdesc_compare_nr_mismatches - persistent disagreements in a result
 * @c:		a result of memdesc_compare_run()
 *
 * Return: how many memdesc_report_mismatch() can print.
 */
unsigned long memdesc_compare_nr_mismatches(const struct memdesc_compare *c)
{
	return c->nr_mis;
}
