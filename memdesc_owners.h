/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation sites: what an owner slot holds, and which frames of an
 * allocation's stack belong to the page allocator itself.
 *
 * Shared by the module (memdesc_owners.c), memdesc-stat and the tests that
 * hold its stacks against page_owner's: both sides must skip the same
 * frames to name the same site.  Pure logic over strings, so it includes
 * only string.h.
 */
#ifndef _MEMDESC_OWNERS_H
#define _MEMDESC_OWNERS_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
typedef uint32_t u32;
#endif

/*
 * An owner slot: at a block's head, the stack depot handle of the
 * allocation that made the block, or one of these.  A depot handle is
 * never 0, and never has the extra bits set (the module saves with none),
 * so MEMDESC_OWNER_UNSAVED cannot be one.
 */
#define MEMDESC_OWNER_UNKNOWN	0U		/* allocated before tracking */
#define MEMDESC_OWNER_UNSAVED	0xffffffffU	/* the depot had no room */

/* Frames of a saved stack, at most; page_owner keeps as many. */
#define MEMDESC_OWNER_DEPTH	16
/* Frames an owner record shows: the site and its callers. */
#define MEMDESC_OWNER_SITE_FRAMES	4

/**
 * memdesc_frame_is_allocator - whether a frame is the page allocator's own
 * @fn:		a frame's function name, as "%ps" prints it
 * @len:	its length, up to any " [module]"
 *
 * The page allocator's own functions, as an allocation's stack passes
 * through them between the caller and the allocation event (and, in
 * page_owner's stacks, down to post_alloc_hook), and the return probe the
 * module reads the bulk allocator with.  Each stands for itself and for
 * its _noprof twin (6.10 on) and for the compiler's clones of it
 * (".constprop.0", ".isra.0"); an entry ending in '_' is a prefix.
 * alloc_pages_exact is here: the site is whoever asked for the exact size.
 *
 * Return: true if @fn is one of them.
 */
static inline bool memdesc_frame_is_allocator(const char *fn, size_t len)
{
	static const char * const frames[] = {
		"__traceiter_",		/* the tracepoint's iterator, when shared */
		"post_alloc_hook",
		"prep_new_page",
		"get_page_from_freelist",
		"__alloc_pages_slowpath",
		"__alloc_pages",
		"__alloc_pages_node",
		"__alloc_frozen_pages",
		"alloc_frozen_pages",
		"alloc_pages",
		"alloc_pages_node",
		"alloc_pages_mpol",
		"alloc_pages_exact",
		"alloc_pages_exact_nid",
		"__folio_alloc",
		"__folio_alloc_node",
		"folio_alloc",
		"folio_alloc_mpol",
		"vma_alloc_folio",
		"__get_free_pages",
		"get_free_pages",	/* 6.10's __get_free_pages() */
		"get_zeroed_page",
		"__alloc_pages_bulk",
		"alloc_pages_bulk",
		"alloc_pages_bulk_",	/* its array, list and mempolicy forms */
		/* The return probe on the bulk allocator (memdesc_hooks.c). */
		"__kretprobe_trampoline",
		"__kretprobe_trampoline_handler",
		"trampoline_handler",
		"kretprobe_rethook_handler",
		"rethook_trampoline_handler",
		"arch_rethook_trampoline",
		"arch_rethook_trampoline_callback",
		NULL
	};
	static const char noprof[] = "_noprof";
	const size_t nl = sizeof(noprof) - 1;
	size_t i, n;

	/* A compiler's clone is its function: "f.isra.0", "f.constprop.0". */
	for (i = 0; i < len; i++)
		if (fn[i] == '.') {
			len = i;
			break;
		}
	if (len > nl && !strncmp(fn + len - nl, noprof, nl))
		len -= nl;
	for (i = 0; frames[i]; i++) {
		n = strlen(frames[i]);
		if (frames[i][n - 1] == '_' ? len >= n && !strncmp(fn, frames[i], n) :
		    len == n && !strncmp(fn, frames[i], n))
			return true;
	}
	return false;
}

#endif /* _MEMDESC_OWNERS_H */
