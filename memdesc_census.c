// SPDX-License-Identifier: GPL-2.0
/*
 * The census of the live shadow: every listed word counted with
 * memdesc_census.h, the routine memdesc-stat counts snapshots with, for the
 * summary and the projection to format.  Runs of equal words are counted
 * at once.
 */
#include <linux/sched.h>

#include "memdesc.h"
#include "memdesc_census.h"

/**
 * memdesc_census_run - count every word the shadow lists
 * @max_pfn:	set to one past the last PFN listed (0: none), or NULL
 *
 * Sleeps; holds the section table still meanwhile.  The chunks' words
 * change under the walk, so each is read once; the census is of words read
 * at different moments, as any walk of a live shadow is.
 *
 * Return: the census, to free with memdesc_census_free(), or
 * ERR_PTR(-ENOMEM).
 */
struct memdesc_census *memdesc_census_run(unsigned long *max_pfn)
{
	unsigned long end = 0, run = 0;
	struct memdesc_census *c;
	struct memdesc_view v;
	const u64 *words;
	unsigned int b, i;
	u64 *buf, w, last = 0;

	c = memdesc_kvmalloc(1, sizeof(*c), GFP_KERNEL | __GFP_ZERO,
			     NUMA_NO_NODE);
	buf = memdesc_kvmalloc(MEMDESC_BLOCK_PFNS, sizeof(*buf), GFP_KERNEL,
			       NUMA_NO_NODE);
	if (!c || !buf) {
		memdesc_kvfree(c);
		memdesc_kvfree(buf);
		return ERR_PTR(-ENOMEM);
	}
	memdesc_shadow_lock();
	memdesc_for_each_section(&v) {
		end = v.start_pfn + MEMDESC_CHUNK_PFNS;
		for (b = 0; b < MEMDESC_BLOCKS; b++) {
			words = memdesc_view_block(&v, b, buf);
			for (i = 0; i < MEMDESC_BLOCK_PFNS; i++) {
				w = READ_ONCE(words[i]);
				if (w == last && run) {
					run++;
					continue;
				}
				memdesc_census_add_n(c, last, run);
				last = w;
				run = 1;
			}
		}
		cond_resched();
	}
	memdesc_census_add_n(c, last, run);
	memdesc_shadow_unlock();
	memdesc_kvfree(buf);
	if (max_pfn)
		*max_pfn = end;
	return c;
}

/**
 * memdesc_census_free - free a census
 * @c:		a result of memdesc_census_run()
 */
void memdesc_census_free(struct memdesc_census *c)
{
	memdesc_kvfree(c);
}
