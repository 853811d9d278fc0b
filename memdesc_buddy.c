// SPDX-License-Identifier: GPL-2.0
/*
 * Free blocks at the buddy allocator's order, from the shadow's own words.
 *
 * The buddy allocator merges a freed block with its free buddy, and splits
 * a large block to hand out a small one (expand()), with no event for
 * either: the events say only that a block of some order was freed or
 * left the free lists.  But the result is not history-dependent.  Two free
 * buddies of one order on the free lists always merge (__free_one_page()),
 * so the blocks on those lists are exactly the largest aligned blocks,
 * up to MAX_PAGE_ORDER, all of whose pages are on them.  Which pages are
 * free the events do tell, and whether a free chunk waits on a per-cpu
 * list instead, where nothing merges (MEMDESC_PCP, set by the events that
 * put a chunk there).  So a reader that wants free blocks at their order
 * applies that rule to a block of shadow words when it reads them, and
 * the probes pay nothing for it.
 *
 * Where the rule is not the buddy's: a pageblock of a type that does not
 * merge (isolated, CMA, high-atomic) next to another type at order
 * pageblock_order or more (__free_one_page()'s migratetype test), which the
 * shadow does not know.  A block freed to the buddy where mm_page_free
 * guessed a per-cpu list (an isolated pageblock, a contended list lock)
 * loses its per-cpu bit in the hook on free_one_page().
 */
#include <linux/bitops.h>

#include "memdesc.h"

/* A word with @order and, if @head, the head bit; the rest as it was. */
static u64 memdesc_word_set_order(u64 w, unsigned int order, bool head)
{
	w &= ~((u64)MEMDESC_ORDER_MAX << MEMDESC_ORDER_SHIFT | MEMDESC_HEAD);
	w |= (u64)order << MEMDESC_ORDER_SHIFT;
	return head ? w | MEMDESC_HEAD : w;
}

/*
 * Whether the @n bits of @bm from @start, an aligned power of two, are all
 * @set.  Inline and a long at a time: compare calls it for every block.
 */
static bool memdesc_bits_all(const unsigned long *bm, unsigned int start,
			     unsigned int n, bool set)
{
	unsigned long want = set ? ~0UL : 0, mask;
	unsigned int i;

	if (n >= BITS_PER_LONG) {
		for (i = start / BITS_PER_LONG; i < (start + n) / BITS_PER_LONG;
		     i++)
			if (bm[i] != want)
				return false;
		return true;
	}
	mask = ((1UL << n) - 1) << (start % BITS_PER_LONG);
	return (bm[start / BITS_PER_LONG] & mask) == (want & mask);
}

/* Words [@start, @start + 2^@order) of @w: one free block of @order. */
static void memdesc_buddy_set(u64 *w, unsigned int start, unsigned int order)
{
	unsigned int i, n = 1U << order;

	for (i = 0; i < n; i++)
		w[start + i] = memdesc_word_set_order(w[start + i], order, !i);
}

/*
 * The aligned block of @order at @start, within the block @w of
 * MEMDESC_BLOCK_PFNS words whose free-list words @buddy marks: one free
 * block if all of it is on the free lists, else its halves, each the same.
 */
static void memdesc_buddy_split(u64 *w, const unsigned long *buddy,
				unsigned int start, unsigned int order)
{
	unsigned int n = 1U << order;

	if (memdesc_bits_all(buddy, start, n, false))
		return;
	if (memdesc_bits_all(buddy, start, n, true)) {
		memdesc_buddy_set(w, start, order);
		return;
	}
	memdesc_buddy_split(w, buddy, start, order - 1);
	memdesc_buddy_split(w, buddy, start + n / 2, order - 1);
}

/**
 * memdesc_buddy_block - one block of shadow words, free blocks merged
 * @words:	MEMDESC_BLOCK_PFNS shadow words of a block aligned to it, as
 *		memdesc_view_block() gives them: read with READ_ONCE()
 * @out:	MEMDESC_BLOCK_PFNS words of room; may be @words
 *
 * Copies the words to @out, with the order and head bit of every free
 * word on the buddy's lists (memdesc_word_in_buddy()) those of the free
 * block the buddy allocator has it in: the largest aligned block of free
 * list words around it.  A block never spans two zones, which are aligned
 * to MEMDESC_BLOCK_PFNS, so the block at hand is the largest there is.
 * Per-cpu chunks and every other word stay as stored.
 */
void memdesc_buddy_block(const u64 *words, u64 *out)
{
	unsigned long buddy[BITS_TO_LONGS(MEMDESC_BLOCK_PFNS)], bits = 0;
	unsigned int i, nr = 0;
	u64 w;

	for (i = 0; i < MEMDESC_BLOCK_PFNS; i++) {
		w = READ_ONCE(words[i]);
		out[i] = w;
		if (memdesc_word_in_buddy(w)) {
			bits |= 1UL << (i % BITS_PER_LONG);
			nr++;
		}
		if (i % BITS_PER_LONG == BITS_PER_LONG - 1) {
			buddy[i / BITS_PER_LONG] = bits;
			bits = 0;
		}
	}
	/* Nothing on the free lists, or one whole block: the usual blocks. */
	if (!nr)
		return;
	if (nr == MEMDESC_BLOCK_PFNS) {
		memdesc_buddy_set(out, 0, MEMDESC_BLOCK_ORDER);
		return;
	}
	memdesc_buddy_split(out, buddy, 0, MEMDESC_BLOCK_ORDER);
}
