/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The census of shadow words: what the summary and projection reports count.
 *
 * The module counts its live shadow, for the summary and the projection
 * alike, with memdesc_census_run() (memdesc_report.c); memdesc-stat counts
 * the words of a snapshot (tools/census.c).  Both count with
 * memdesc_census_add(), so the same words give the same report on either
 * side.  Each side walks its words its own way - the module's chunks change
 * under it and are read with READ_ONCE(), a snapshot's words are
 * little-endian bytes in a file - and hands them over one at a time.
 *
 * Like memdesc_types.h, shared with user space: it includes only that
 * header, and uses only what both sides have.
 */
#ifndef _MEMDESC_CENSUS_H
#define _MEMDESC_CENSUS_H

#include "memdesc_types.h"

/*
 * The zone tables have a slot for every node and zone a word can name, not
 * only those the kernel has: struct page can hold nonsense too (6.12 leaves
 * two pages after a QEMU guest's last node reading zone 5), and the census
 * counts a word where the word says.  Slot node * MEMDESC_CENSUS_ZONES + zone.
 */
#define MEMDESC_CENSUS_ZONES	(MEMDESC_ZONE_MAX + 1)
#define MEMDESC_CENSUS_SLOTS	((MEMDESC_NODE_MAX + 1) * MEMDESC_CENSUS_ZONES)

/*
 * A unit is what a design revision places (memdesc_revisions.h): a class,
 * except that a misc page with a detail is a unit of its detail alone.
 * Classes first, then the details after NONE.
 */
#define MEMDESC_NR_UNITS	(MEMDESC_NR_CLASSES + MEMDESC_NR_DETAILS - 1)

/* The unit of a misc page with @detail (not NONE). */
#define MEMDESC_UNIT_DETAIL(detail)	(MEMDESC_NR_CLASSES + (detail) - 1)

/**
 * memdesc_word_unit - the unit a word counts in
 * @w:		the word
 *
 * Return: an index below MEMDESC_NR_UNITS.
 */
static inline unsigned int memdesc_word_unit(__u64 w)
{
	unsigned int class = memdesc_word_class(w);
	unsigned int detail = memdesc_word_detail(w);

	if (class > MEMDESC_CLASS_MISC_OTHER || !detail ||
	    detail >= MEMDESC_NR_DETAILS)
		return class;
	return MEMDESC_UNIT_DETAIL(detail);
}

/**
 * memdesc_unit_name - the unit's name: its class's or its detail's
 * @unit:	below MEMDESC_NR_UNITS
 *
 * Return: a static string.
 */
static inline const char *memdesc_unit_name(unsigned int unit)
{
	if (unit < MEMDESC_NR_CLASSES)
		return memdesc_class_name(unit);
	return memdesc_detail_name(unit - MEMDESC_NR_CLASSES + 1);
}

/**
 * struct memdesc_census - counts over a set of shadow words
 * @words:	words counted, of every state: what the summary calls spanned
 * @class:	words per enum memdesc_class; they sum to @words
 * @zone_free:	free page words per node and zone slot
 * @zone_alloc:	page words that are not free, per node and zone slot
 * @pages:	words that describe a page (MEMDESC_STATE_PAGE): the sum of
 *		@zone_free and @zone_alloc
 * @heads:	head page words per enum memdesc_type: one descriptor each
 * @misc:	page words of type misc: no descriptor, so node and zone stay
 *		in every word
 * @vmalloc:	of those, the vmalloc subtypes (the design's scattered memory)
 * @unit_pages:	page words per unit (memdesc_word_unit())
 * @unit_heads:	head page words per unit: allocations
 * @max_order:	largest order of any page word
 *
 * 128 KiB and a little: allocate it zeroed, then memdesc_census_add() each
 * word to it.
 */
struct memdesc_census {
	__u64 words;
	__u64 class[MEMDESC_NR_CLASSES];
	__u64 zone_free[MEMDESC_CENSUS_SLOTS];
	__u64 zone_alloc[MEMDESC_CENSUS_SLOTS];
	__u64 pages;
	__u64 heads[MEMDESC_NR_TYPES];
	__u64 misc;
	__u64 vmalloc;
	__u64 unit_pages[MEMDESC_NR_UNITS];
	__u64 unit_heads[MEMDESC_NR_UNITS];
	unsigned int max_order;
};

/**
 * memdesc_census_slot - the zone table slot of a node and zone
 * @node:	node id, at most MEMDESC_NODE_MAX
 * @zone:	zone index, at most MEMDESC_ZONE_MAX
 *
 * Return: an index below MEMDESC_CENSUS_SLOTS.
 */
static inline unsigned int memdesc_census_slot(unsigned int node,
					       unsigned int zone)
{
	return node * MEMDESC_CENSUS_ZONES + zone;
}

/**
 * memdesc_census_add_n - count @n copies of one word
 * @c:		the census
 * @w:		the word
 * @n:		how many
 *
 * Every word counts in @c->words and in its class.  Only words that
 * describe a page count further: in the zone table, by the word's own node
 * and zone fields (a section holding pages of two nodes counts each page
 * where it belongs), and in what the projection needs.  Unknown, hole and
 * untracked words have no page behind them to place or to cost.
 *
 * Neighbouring words are mostly equal (a free block's, a folio's tails, a
 * run of small pages of one kind), so a walk counts each run of them at
 * once, for a fraction of the work of one call a word.
 */
static inline void memdesc_census_add_n(struct memdesc_census *c, __u64 w,
					__u64 n)
{
	unsigned int slot, type, sub, order, unit;

	if (!n)
		return;
	c->words += n;
	c->class[memdesc_word_class(w)] += n;
	if (!memdesc_word_is_page(w))
		return;

	c->pages += n;
	slot = memdesc_census_slot(memdesc_word_node(w), memdesc_word_zone(w));
	type = memdesc_word_type(w);
	if (type == MEMDESC_TYPE_FREE)
		c->zone_free[slot] += n;
	else
		c->zone_alloc[slot] += n;

	order = memdesc_word_order(w);
	if (order > c->max_order)
		c->max_order = order;
	unit = memdesc_word_unit(w);
	c->unit_pages[unit] += n;
	if (memdesc_word_head(w)) {
		c->heads[type] += n;
		c->unit_heads[unit] += n;
	}
	if (type != MEMDESC_TYPE_MISC)
		return;
	c->misc += n;
	sub = memdesc_word_subtype(w);
	if (sub == MEMDESC_SUB_VMALLOC_MAP || sub == MEMDESC_SUB_VMALLOC_UNMAP)
		c->vmalloc += n;
}

/**
 * memdesc_census_add - count one word
 * @c:		the census
 * @w:		the word
 */
static inline void memdesc_census_add(struct memdesc_census *c, __u64 w)
{
	memdesc_census_add_n(c, w, 1);
}

#endif /* _MEMDESC_CENSUS_H */
