/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-cpu free lists' snapshot: free chunks that carry no mark in their
 * struct page, so the live walk looks each PFN up here.
 *
 * Pure logic over a sorted array, shared by the live classifier
 * (memdesc_live.c) and its host tests, so it includes only stddef.h.
 */
#ifndef _MEMDESC_PCP_H
#define _MEMDESC_PCP_H

#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

/**
 * struct memdesc_pcp_chunk - a free chunk found on a per-cpu list
 * @pfn:	first PFN
 * @order:	its order
 */
struct memdesc_pcp_chunk {
	unsigned long pfn;
	unsigned int order;
};

/**
 * memdesc_pcp_cmp - order chunks by first PFN, for sort()
 * @a:		a struct memdesc_pcp_chunk
 * @b:		another
 *
 * Return: <0, 0 or >0, as @a's PFN is below, equal to or above @b's.
 */
static inline int memdesc_pcp_cmp(const void *a, const void *b)
{
	const struct memdesc_pcp_chunk *x = a, *y = b;

	if (x->pfn == y->pfn)
		return 0;
	return x->pfn < y->pfn ? -1 : 1;
}

/**
 * memdesc_pcp_find - the chunk holding a PFN
 * @chunks:	chunks sorted by memdesc_pcp_cmp(), not overlapping
 * @nr:		how many
 * @pfn:	the PFN
 *
 * Return: the chunk whose PFNs include @pfn, or NULL.
 */
static inline const struct memdesc_pcp_chunk *
memdesc_pcp_find(const struct memdesc_pcp_chunk *chunks, unsigned long nr,
		 unsigned long pfn)
{
	unsigned long lo = 0, hi = nr, mid;
	const struct memdesc_pcp_chunk *c;

	/* The last chunk starting at or below @pfn. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (chunks[mid].pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	c = &chunks[lo - 1];
	return pfn - c->pfn < (1UL << c->order) ? c : NULL;
}

#endif /* _MEMDESC_PCP_H */
