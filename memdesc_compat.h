/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels memdesc builds for.
 *
 * Feature tests first; LINUX_VERSION_CODE only where a known change landed.
 * A newer kernel should be one more well-marked case here, not a rewrite of
 * the callers.
 */
#ifndef _MEMDESC_COMPAT_H
#define _MEMDESC_COMPAT_H

#include <linux/version.h>
#include <linux/mmzone.h>

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "memdesc supports Linux 6.1 and later"
#endif

/*
 * Largest buddy order.  6.8 renamed MAX_ORDER (one past the largest order)
 * to MAX_PAGE_ORDER (the largest order itself).
 */
#ifdef MAX_PAGE_ORDER
#define MEMDESC_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define MEMDESC_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * Order of the pages on per-cpu list @pindex: page_alloc.c's static
 * pindex_to_order().  Low orders take MIGRATE_PCPTYPES lists each; the lists
 * past them hold only PMD-sized (THP) pages, one list on 6.1 and NR_PCP_THP
 * on 6.12 - ">=" covers both.
 */
static inline unsigned int memdesc_pcp_pindex_order(unsigned int pindex)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return HPAGE_PMD_ORDER;
#endif
	return pindex / MIGRATE_PCPTYPES;
}

#endif /* _MEMDESC_COMPAT_H */
