// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_owners_test.c - host unit tests of which frames name a site
 * (memdesc_owners.h): the module skips them to print a site, and the
 * page_owner cross-check skips them in both stacks, so a wrong entry moves
 * every site of a kind at once.  Names as 6.1 and 6.12 print them.
 *
 * Built and run by tests/host/run.sh.
 */

#include "kselftest_harness.h"

#include "memdesc_owners.h"

static bool skipped(const char *fn)
{
	return memdesc_frame_is_allocator(fn, strcspn(fn, " "));
}

/* The allocator's frames on both kernels, and the probe's machinery. */
TEST(allocator_frames)
{
	static const char * const names[] = {
		"__alloc_pages", "__alloc_pages_noprof", "alloc_pages",
		"alloc_pages_noprof", "alloc_pages_mpol_noprof",
		"__folio_alloc_noprof", "folio_alloc", "vma_alloc_folio_noprof",
		"__get_free_pages", "get_zeroed_page_noprof",
		"alloc_pages_exact", "post_alloc_hook", "get_page_from_freelist",
		"__alloc_pages_slowpath", "__alloc_pages_bulk",
		"alloc_pages_bulk_noprof", "alloc_pages_bulk_array_mempolicy",
		"alloc_pages_bulk_array_mempolicy_noprof",
		"__traceiter_mm_page_alloc", "arch_rethook_trampoline",
		"__kretprobe_trampoline", "__alloc_pages_slowpath.constprop.0",
		"get_page_from_freelist.isra.0", "get_free_pages_noprof",
		"alloc_frozen_pages_noprof",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_TRUE(skipped(names[i])) {
			TH_LOG("entry %zu is the allocator's", i);
		}
}

/*
 * Sites: the kernel's callers of the allocator, a module's function (the
 * name ends at the space before "[module]"), and names that only start or
 * end like an allocator function.
 */
TEST(site_frames)
{
	static const char * const names[] = {
		"allocate_slab", "__pte_alloc_one", "pte_alloc_one",
		"__kmalloc_large_node", "vm_area_alloc_pages",
		"__page_pool_alloc_pages_slow", "alloc_skb_with_frags",
		"memdesc_truth_alloc_pages [memdesc_truth]",
		"alloc_pages_exactly", "my_alloc_pages", "__alloc_pages2",
		"alloc_pages_noprofx", "_noprof", "", "folio_alloc_buffers",
		"__traceiter", "alloc_pages_bulk2",
		"alloc_buddy_hugetlb_folio.isra.0", ".alloc_pages",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_FALSE(skipped(names[i])) {
			TH_LOG("entry %zu is a site", i);
		}
}

/* Only the first @len characters count. */
TEST(length_bounds_the_name)
{
	EXPECT_TRUE(memdesc_frame_is_allocator("alloc_pagesXYZ", 11));
	EXPECT_FALSE(memdesc_frame_is_allocator("alloc_pages", 5));
	EXPECT_TRUE(memdesc_frame_is_allocator("__alloc_pages_noprof+0x1/0x2",
					       20));
}

TEST_HARNESS_MAIN
