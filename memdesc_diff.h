/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which fields of a shadow word and a live word disagree: the compare's
 * verdict on one PFN.
 *
 * Pure logic over two words, shared by the module's compare engine
 * (memdesc_compare.c) and its host tests, so it includes only
 * memdesc_types.h.
 */
#ifndef _MEMDESC_DIFF_H
#define _MEMDESC_DIFF_H

#include "memdesc_types.h"

/* What compare checks of each PFN; "field NAME ..." lines, in this order. */
enum memdesc_cmp_field {
	MEMDESC_CMP_STATE,		/* allocated or free */
	MEMDESC_CMP_TYPE,		/* class, i.e. type and misc subtype */
	MEMDESC_CMP_ORDER,		/* PFNs allocated on both sides */
	MEMDESC_CMP_FREE_ORDER,		/* PFNs free on both sides */
	MEMDESC_CMP_ZONE,
	MEMDESC_CMP_NODE,
	MEMDESC_CMP_MAPPABLE,
	MEMDESC_NR_CMP_FIELDS,
};

#define MEMDESC_CMP_BIT(f)	(1u << (f))

/*
 * Free chunks merge and split in the buddy allocator with no event, so a
 * free order that differs is expected: it is reported, never rechecked.
 */
#define MEMDESC_CMP_CHECKED	(~MEMDESC_CMP_BIT(MEMDESC_CMP_FREE_ORDER) & \
				 (MEMDESC_CMP_BIT(MEMDESC_NR_CMP_FIELDS) - 1))

/**
 * memdesc_cmp_field_name - a field's name, as compare prints it
 * @f:		enum memdesc_cmp_field
 *
 * Return: a static string.
 */
static inline const char *memdesc_cmp_field_name(unsigned int f)
{
	static const char * const names[] = {
		[MEMDESC_CMP_STATE]		= "state",
		[MEMDESC_CMP_TYPE]		= "type",
		[MEMDESC_CMP_ORDER]		= "order",
		[MEMDESC_CMP_FREE_ORDER]	= "free_order",
		[MEMDESC_CMP_ZONE]		= "zone",
		[MEMDESC_CMP_NODE]		= "node",
		[MEMDESC_CMP_MAPPABLE]		= "mappable",
	};

	if (f < MEMDESC_ARRAY_SIZE(names))
		return names[f];
	return "invalid";
}

/**
 * memdesc_word_diff - the fields in which two words disagree
 * @shadow:	the shadow's word, in a known state (not UNKNOWN or UNTRACKED)
 * @live:	the live word
 * @scope:	set to the fields that apply to the pair
 *
 * Every pair has a state.  The other fields need a shadow word that
 * describes a page: a shadow hole over an online page has nothing else to
 * check.  The order fields need both sides allocated (ORDER) or both free
 * (FREE_ORDER).
 *
 * Return: MEMDESC_CMP_BIT()s of the fields that disagree, within @scope.
 */
static inline unsigned int memdesc_word_diff(__u64 shadow, __u64 live,
					     unsigned int *scope)
{
	bool sfree = memdesc_word_is_free(shadow);
	bool lfree = memdesc_word_is_free(live);
	unsigned int diff = 0, f;

	*scope = MEMDESC_CMP_BIT(MEMDESC_CMP_STATE);
	if (sfree != lfree)
		diff |= MEMDESC_CMP_BIT(MEMDESC_CMP_STATE);
	if (!memdesc_word_is_page(shadow))
		return diff;

	*scope |= MEMDESC_CMP_BIT(MEMDESC_CMP_TYPE) |
		  MEMDESC_CMP_BIT(MEMDESC_CMP_ZONE) |
		  MEMDESC_CMP_BIT(MEMDESC_CMP_NODE) |
		  MEMDESC_CMP_BIT(MEMDESC_CMP_MAPPABLE);
	if (memdesc_word_class(shadow) != memdesc_word_class(live))
		diff |= MEMDESC_CMP_BIT(MEMDESC_CMP_TYPE);
	if (memdesc_word_zone(shadow) != memdesc_word_zone(live))
		diff |= MEMDESC_CMP_BIT(MEMDESC_CMP_ZONE);
	if (memdesc_word_node(shadow) != memdesc_word_node(live))
		diff |= MEMDESC_CMP_BIT(MEMDESC_CMP_NODE);
	if (memdesc_word_mappable(shadow) != memdesc_word_mappable(live))
		diff |= MEMDESC_CMP_BIT(MEMDESC_CMP_MAPPABLE);
	if (sfree == lfree) {
		f = sfree ? MEMDESC_CMP_FREE_ORDER : MEMDESC_CMP_ORDER;
		*scope |= MEMDESC_CMP_BIT(f);
		if (memdesc_word_order(shadow) != memdesc_word_order(live))
			diff |= MEMDESC_CMP_BIT(f);
	}
	return diff;
}

#endif /* _MEMDESC_DIFF_H */
