/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow memdesc word: bit layout, encode/decode, names.
 *
 * Shared by the module, its tests and user-space tools, so it includes only
 * what both sides have: <linux/types.h> from the kernel or linux-libc-dev.
 *
 * The word follows the memdesc design (kernelnewbies "Memdescs", LSFMM 2024):
 *
 *   bits  0-3   type           enum memdesc_type
 *   bits  4-7   subtype        enum memdesc_subtype, type 0 (misc) only
 *   bit   8     head           first PFN of its allocation or free chunk
 *   bits  9-10  state          enum memdesc_state (shadow bookkeeping)
 *   bit   11    mappable       may be mapped to user space
 *   bits 12-17  order          allocation order, on every PFN of it
 *   bits 18-21  detail         enum memdesc_detail, type 0 (misc) only
 *   bit   22    pcp            free (type 5) only: on a per-cpu list
 *   bits 23-50  reserved       zero (the design's descriptor pointer lives here)
 *   bits 51-53  zone           zone index, as page_zonenum()
 *   bits 54-63  node           node id; 10 bits = Debian's NODES_SHIFT
 *
 * Bits 8-10 are unused by the design; the shadow keeps its own bookkeeping
 * there.  A misc page has no descriptor pointer, so bits 18-21 of its word
 * are free too: the shadow keeps there what later design revisions make a
 * misc subtype or a type of its own (the zero page, large kmalloc, ...),
 * a finer breakdown that leaves the seeds' type and subtype as they are.
 * RAM disk pages, which the later revision names too, are not told apart:
 * brd keeps them in its own xarray, behind no event or export.  A free
 * chunk has no descriptor pointer either: bit 22 of its word says whether
 * it waits on a per-cpu list, where the buddy allocator does not merge it,
 * or on the buddy's free lists (memdesc_buddy_orders()).
 *
 * The all-zero word is MEMDESC_STATE_UNKNOWN, so a zeroed shadow reads
 * "not tracked" everywhere and no real page can be mistaken for it: every
 * word that describes a page has MEMDESC_STATE_PAGE set.
 */
#ifndef _MEMDESC_TYPES_H
#define _MEMDESC_TYPES_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#endif

enum memdesc_type {
	MEMDESC_TYPE_MISC	= 0,	/* no descriptor; see memdesc_subtype */
	MEMDESC_TYPE_FILE	= 1,	/* page cache folio */
	MEMDESC_TYPE_ANON	= 2,	/* anonymous folio */
	MEMDESC_TYPE_KSM	= 3,	/* KSM stable page */
	MEMDESC_TYPE_SLAB	= 4,	/* struct slab */
	MEMDESC_TYPE_FREE	= 5,	/* buddy or per-cpu list */
	MEMDESC_TYPE_MOVABLE	= 6,	/* non-LRU movable (zsmalloc, balloon) */
	MEMDESC_TYPE_PGTABLE	= 7,	/* struct ptdesc */
	MEMDESC_TYPE_NETPOOL	= 8,	/* page_pool */
	MEMDESC_TYPE_HWPOISON	= 9,	/* memory failure */
	MEMDESC_NR_TYPES	= 16,	/* 10-15 unassigned */
};

enum memdesc_subtype {
	MEMDESC_SUB_DRIVER		= 0,	/* plain alloc_pages() */
	MEMDESC_SUB_RESERVED		= 1,	/* PageReserved */
	MEMDESC_SUB_GUARD		= 2,	/* PageGuard */
	MEMDESC_SUB_OFFLINE		= 3,	/* PageOffline */
	MEMDESC_SUB_VMALLOC_MAP		= 4,	/* vmalloc, mappable */
	MEMDESC_SUB_VMALLOC_UNMAP	= 5,	/* vmalloc, not mappable */
	MEMDESC_NR_SUBTYPES		= 16,	/* 6-15 unassigned */
};

/*
 * What a misc page is, finer than the seeds' subtypes: what later revisions
 * of the design name (memdesc_revisions.h).  Detected where a stock kernel
 * tells it; NONE otherwise.
 */
enum memdesc_detail {
	MEMDESC_DETAIL_NONE		= 0,
	MEMDESC_DETAIL_ZERO_PAGE	= 1,	/* the 4 KiB zero page */
	MEMDESC_DETAIL_KMALLOC_LARGE	= 2,	/* kmalloc() above the slabs */
	MEMDESC_DETAIL_PERCPU		= 3,	/* a per-cpu chunk's page */
	MEMDESC_DETAIL_EXACT		= 4,	/* alloc_pages_exact() */
	MEMDESC_NR_DETAILS		= 5,	/* 5-15 unassigned */
};

enum memdesc_state {
	MEMDESC_STATE_UNKNOWN	= 0,	/* not seeded, no event seen yet */
	MEMDESC_STATE_PAGE	= 1,	/* the other fields describe the page */
	MEMDESC_STATE_HOLE	= 2,	/* no online struct page at this PFN */
	MEMDESC_STATE_UNTRACKED	= 3,	/* online, but the shadow has no room */
	MEMDESC_NR_STATES	= 4,
};

#define MEMDESC_TYPE_SHIFT	0
#define MEMDESC_TYPE_BITS	4
#define MEMDESC_SUBTYPE_SHIFT	4
#define MEMDESC_SUBTYPE_BITS	4
#define MEMDESC_HEAD_SHIFT	8
#define MEMDESC_STATE_SHIFT	9
#define MEMDESC_STATE_BITS	2
#define MEMDESC_MAPPABLE_SHIFT	11
#define MEMDESC_ORDER_SHIFT	12
#define MEMDESC_ORDER_BITS	6
#define MEMDESC_DETAIL_SHIFT	18
#define MEMDESC_DETAIL_BITS	4
#define MEMDESC_PCP_SHIFT	22
#define MEMDESC_ZONE_SHIFT	51
#define MEMDESC_ZONE_BITS	3
#define MEMDESC_NODE_SHIFT	54
#define MEMDESC_NODE_BITS	10

/* ARRAY_SIZE() for both sides; user space has no <linux/kernel.h>. */
#define MEMDESC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define MEMDESC_FIELD_MAX(bits)		((1u << (bits)) - 1)
#define MEMDESC_ORDER_MAX	MEMDESC_FIELD_MAX(MEMDESC_ORDER_BITS)
#define MEMDESC_ZONE_MAX	MEMDESC_FIELD_MAX(MEMDESC_ZONE_BITS)
#define MEMDESC_NODE_MAX	MEMDESC_FIELD_MAX(MEMDESC_NODE_BITS)

#define MEMDESC_HEAD		((__u64)1 << MEMDESC_HEAD_SHIFT)
#define MEMDESC_MAPPABLE	((__u64)1 << MEMDESC_MAPPABLE_SHIFT)
#define MEMDESC_PCP		((__u64)1 << MEMDESC_PCP_SHIFT)

/* The word of a PFN nothing is known about yet. */
#define MEMDESC_WORD_UNKNOWN	((__u64)0)

/**
 * struct memdesc_fields - one word, decoded
 * @type:	enum memdesc_type
 * @subtype:	enum memdesc_subtype; must be 0 unless @type is MISC
 * @detail:	enum memdesc_detail; must be 0 unless @type is MISC
 * @state:	enum memdesc_state
 * @order:	order of the allocation (or free chunk) the PFN belongs to
 * @zone:	zone index within the node
 * @node:	node id
 * @head:	the PFN is the first of its allocation
 * @mappable:	the page may be mapped to user space
 */
struct memdesc_fields {
	unsigned int type;
	unsigned int subtype;
	unsigned int detail;
	unsigned int state;
	unsigned int order;
	unsigned int zone;
	unsigned int node;
	bool head;
	bool mappable;
};

static inline unsigned int memdesc_field(__u64 word, unsigned int shift,
					 unsigned int bits)
{
	return (unsigned int)(word >> shift) & MEMDESC_FIELD_MAX(bits);
}

static inline unsigned int memdesc_word_type(__u64 w)
{
	return memdesc_field(w, MEMDESC_TYPE_SHIFT, MEMDESC_TYPE_BITS);
}

static inline unsigned int memdesc_word_subtype(__u64 w)
{
	return memdesc_field(w, MEMDESC_SUBTYPE_SHIFT, MEMDESC_SUBTYPE_BITS);
}

static inline unsigned int memdesc_word_detail(__u64 w)
{
	return memdesc_field(w, MEMDESC_DETAIL_SHIFT, MEMDESC_DETAIL_BITS);
}

static inline unsigned int memdesc_word_state(__u64 w)
{
	return memdesc_field(w, MEMDESC_STATE_SHIFT, MEMDESC_STATE_BITS);
}

static inline unsigned int memdesc_word_order(__u64 w)
{
	return memdesc_field(w, MEMDESC_ORDER_SHIFT, MEMDESC_ORDER_BITS);
}

static inline unsigned int memdesc_word_zone(__u64 w)
{
	return memdesc_field(w, MEMDESC_ZONE_SHIFT, MEMDESC_ZONE_BITS);
}

static inline unsigned int memdesc_word_node(__u64 w)
{
	return memdesc_field(w, MEMDESC_NODE_SHIFT, MEMDESC_NODE_BITS);
}

static inline bool memdesc_word_head(__u64 w)
{
	return w & MEMDESC_HEAD;
}

static inline bool memdesc_word_mappable(__u64 w)
{
	return w & MEMDESC_MAPPABLE;
}

static inline bool memdesc_word_is_page(__u64 w)
{
	return memdesc_word_state(w) == MEMDESC_STATE_PAGE;
}

static inline bool memdesc_word_is_free(__u64 w)
{
	return memdesc_word_is_page(w) &&
	       memdesc_word_type(w) == MEMDESC_TYPE_FREE;
}

/* A free chunk on the buddy's free lists, where it merges with its buddy. */
static inline bool memdesc_word_in_buddy(__u64 w)
{
	return memdesc_word_is_free(w) && !(w & MEMDESC_PCP);
}

/*
 * __memdesc_pack - build a PAGE word without range checks.
 *
 * For the probes, whose inputs come from the kernel and are range-checked at
 * build time (see memdesc_shadow.c); everything else uses memdesc_encode().
 */
static inline __u64 __memdesc_pack(unsigned int type, unsigned int subtype,
				   unsigned int order, unsigned int zone,
				   unsigned int node)
{
	return (__u64)type << MEMDESC_TYPE_SHIFT |
	       (__u64)subtype << MEMDESC_SUBTYPE_SHIFT |
	       (__u64)MEMDESC_STATE_PAGE << MEMDESC_STATE_SHIFT |
	       (__u64)order << MEMDESC_ORDER_SHIFT |
	       (__u64)zone << MEMDESC_ZONE_SHIFT |
	       (__u64)node << MEMDESC_NODE_SHIFT;
}

/* The word of a PFN without an online struct page. */
static inline __u64 memdesc_hole_word(unsigned int node)
{
	return (__u64)MEMDESC_STATE_HOLE << MEMDESC_STATE_SHIFT |
	       (__u64)(node & MEMDESC_NODE_MAX) << MEMDESC_NODE_SHIFT;
}

/*
 * The word of an online PFN whose section has no shadow chunk: its memory
 * could not be allocated.  Never stored; the raw file and the reports make
 * it up for such sections.
 */
static inline __u64 memdesc_untracked_word(unsigned int node)
{
	return (__u64)MEMDESC_STATE_UNTRACKED << MEMDESC_STATE_SHIFT |
	       (__u64)(node & MEMDESC_NODE_MAX) << MEMDESC_NODE_SHIFT;
}

/**
 * memdesc_encode - build a word from its fields, refusing what does not fit
 * @f:		the fields
 * @word:	where the word goes; untouched on error
 *
 * Return: 0, or -EINVAL if a field is out of range, a subtype or detail is
 * given for a type other than MISC, or the state is not one of enum
 * memdesc_state.
 */
static inline int memdesc_encode(const struct memdesc_fields *f, __u64 *word)
{
	__u64 w;

	if (f->type >= MEMDESC_NR_TYPES || f->subtype >= MEMDESC_NR_SUBTYPES ||
	    f->order > MEMDESC_ORDER_MAX || f->zone > MEMDESC_ZONE_MAX ||
	    f->node > MEMDESC_NODE_MAX)
		return -EINVAL;
	if (f->detail >= MEMDESC_NR_DETAILS)
		return -EINVAL;
	if ((f->subtype || f->detail) && f->type != MEMDESC_TYPE_MISC)
		return -EINVAL;
	if (f->state >= MEMDESC_NR_STATES)
		return -EINVAL;

	w = __memdesc_pack(f->type, f->subtype, f->order, f->zone, f->node);
	w &= ~((__u64)MEMDESC_FIELD_MAX(MEMDESC_STATE_BITS) << MEMDESC_STATE_SHIFT);
	w |= (__u64)f->state << MEMDESC_STATE_SHIFT;
	w |= (__u64)f->detail << MEMDESC_DETAIL_SHIFT;
	if (f->head)
		w |= MEMDESC_HEAD;
	if (f->mappable)
		w |= MEMDESC_MAPPABLE;
	*word = w;
	return 0;
}

/**
 * memdesc_decode - split a word into its fields
 * @word:	the word
 * @f:		filled in
 */
static inline void memdesc_decode(__u64 word, struct memdesc_fields *f)
{
	f->type = memdesc_word_type(word);
	f->subtype = memdesc_word_subtype(word);
	f->detail = memdesc_word_detail(word);
	f->state = memdesc_word_state(word);
	f->order = memdesc_word_order(word);
	f->zone = memdesc_word_zone(word);
	f->node = memdesc_word_node(word);
	f->head = memdesc_word_head(word);
	f->mappable = memdesc_word_mappable(word);
}

/**
 * memdesc_type_name - the type's short name
 * @type:	enum memdesc_type; unassigned and out-of-range values are named so
 *
 * Return: a static string.
 */
static inline const char *memdesc_type_name(unsigned int type)
{
	static const char * const names[] = {
		[MEMDESC_TYPE_MISC]	= "misc",
		[MEMDESC_TYPE_FILE]	= "file",
		[MEMDESC_TYPE_ANON]	= "anon",
		[MEMDESC_TYPE_KSM]	= "ksm",
		[MEMDESC_TYPE_SLAB]	= "slab",
		[MEMDESC_TYPE_FREE]	= "free",
		[MEMDESC_TYPE_MOVABLE]	= "movable",
		[MEMDESC_TYPE_PGTABLE]	= "pgtable",
		[MEMDESC_TYPE_NETPOOL]	= "netpool",
		[MEMDESC_TYPE_HWPOISON]	= "hwpoison",
	};

	if (type < MEMDESC_ARRAY_SIZE(names))
		return names[type];
	return "unassigned";
}

/**
 * memdesc_subtype_name - the misc subtype's short name
 * @subtype:	enum memdesc_subtype
 *
 * Return: a static string.
 */
static inline const char *memdesc_subtype_name(unsigned int subtype)
{
	static const char * const names[] = {
		[MEMDESC_SUB_DRIVER]		= "driver",
		[MEMDESC_SUB_RESERVED]		= "reserved",
		[MEMDESC_SUB_GUARD]		= "guard",
		[MEMDESC_SUB_OFFLINE]		= "offline",
		[MEMDESC_SUB_VMALLOC_MAP]	= "vmalloc_map",
		[MEMDESC_SUB_VMALLOC_UNMAP]	= "vmalloc_unmap",
	};

	if (subtype < MEMDESC_ARRAY_SIZE(names))
		return names[subtype];
	return "unassigned";
}

/**
 * memdesc_detail_name - the misc detail's short name
 * @detail:	enum memdesc_detail
 *
 * Return: a static string.
 */
static inline const char *memdesc_detail_name(unsigned int detail)
{
	static const char * const names[] = {
		[MEMDESC_DETAIL_NONE]		= "none",
		[MEMDESC_DETAIL_ZERO_PAGE]	= "zero_page",
		[MEMDESC_DETAIL_KMALLOC_LARGE]	= "kmalloc_large",
		[MEMDESC_DETAIL_PERCPU]		= "percpu",
		[MEMDESC_DETAIL_EXACT]		= "exact",
	};

	if (detail < MEMDESC_ARRAY_SIZE(names))
		return names[detail];
	return "unassigned";
}

/**
 * memdesc_word_with_detail - a misc word with its detail replaced
 * @w:		the word
 * @detail:	enum memdesc_detail
 *
 * Return: @w with @detail, or @w unchanged unless it is a misc page's word.
 */
static inline __u64 memdesc_word_with_detail(__u64 w, unsigned int detail)
{
	__u64 mask = (__u64)MEMDESC_FIELD_MAX(MEMDESC_DETAIL_BITS) <<
		     MEMDESC_DETAIL_SHIFT;

	if (!memdesc_word_is_page(w) || memdesc_word_type(w) != MEMDESC_TYPE_MISC)
		return w;
	return (w & ~mask) | (__u64)detail << MEMDESC_DETAIL_SHIFT;
}

/*
 * A class is what the census and the compare matrix count: a type, with MISC
 * split by subtype, plus the three states that are not pages.  One table, so a
 * renumbered design revision changes only memdesc_word_class().
 */
enum memdesc_class {
	MEMDESC_CLASS_DRIVER,
	MEMDESC_CLASS_RESERVED,
	MEMDESC_CLASS_GUARD,
	MEMDESC_CLASS_OFFLINE,
	MEMDESC_CLASS_VMALLOC_MAP,
	MEMDESC_CLASS_VMALLOC_UNMAP,
	MEMDESC_CLASS_MISC_OTHER,	/* misc with an unassigned subtype */
	MEMDESC_CLASS_FILE,
	MEMDESC_CLASS_ANON,
	MEMDESC_CLASS_KSM,
	MEMDESC_CLASS_SLAB,
	MEMDESC_CLASS_FREE,
	MEMDESC_CLASS_MOVABLE,
	MEMDESC_CLASS_PGTABLE,
	MEMDESC_CLASS_NETPOOL,
	MEMDESC_CLASS_HWPOISON,
	MEMDESC_CLASS_UNASSIGNED,	/* types 10-15 */
	MEMDESC_CLASS_UNKNOWN,		/* MEMDESC_STATE_UNKNOWN */
	MEMDESC_CLASS_HOLE,		/* MEMDESC_STATE_HOLE */
	MEMDESC_CLASS_UNTRACKED,	/* MEMDESC_STATE_UNTRACKED */
	MEMDESC_NR_CLASSES,
};

/**
 * memdesc_word_class - the census class of a word
 * @w:		the word
 *
 * Return: enum memdesc_class.
 */
static inline unsigned int memdesc_word_class(__u64 w)
{
	unsigned int type = memdesc_word_type(w);
	unsigned int sub = memdesc_word_subtype(w);

	switch (memdesc_word_state(w)) {
	case MEMDESC_STATE_PAGE:
		break;
	case MEMDESC_STATE_HOLE:
		return MEMDESC_CLASS_HOLE;
	case MEMDESC_STATE_UNTRACKED:
		return MEMDESC_CLASS_UNTRACKED;
	default:
		return MEMDESC_CLASS_UNKNOWN;
	}
	if (type == MEMDESC_TYPE_MISC)
		return sub <= MEMDESC_SUB_VMALLOC_UNMAP ?
		       MEMDESC_CLASS_DRIVER + sub : MEMDESC_CLASS_MISC_OTHER;
	if (type <= MEMDESC_TYPE_HWPOISON)
		return MEMDESC_CLASS_FILE + type - MEMDESC_TYPE_FILE;
	return MEMDESC_CLASS_UNASSIGNED;
}

/*
 * memdesc_word_class() reads only the type and subtype (bits 0-7) and the
 * state: those bits, packed, index a table of classes, so that a hot path
 * classifies a word with one load.
 */
#define MEMDESC_CLASS_INDEX_BITS	(8 + MEMDESC_STATE_BITS)
#define MEMDESC_CLASS_INDEX_SIZE	(1u << MEMDESC_CLASS_INDEX_BITS)

#if MEMDESC_TYPE_SHIFT != 0 || MEMDESC_SUBTYPE_SHIFT + MEMDESC_SUBTYPE_BITS != 8 || \
	MEMDESC_STATE_SHIFT < 8
#error "memdesc_class_index() assumes type and subtype in bits 0-7"
#endif

/**
 * memdesc_class_index - the bits of a word its class depends on, packed
 * @w:		the word
 *
 * Return: an index below MEMDESC_CLASS_INDEX_SIZE.
 */
static inline unsigned int memdesc_class_index(__u64 w)
{
	return (unsigned int)(w & 0xff) |
	       (unsigned int)((w >> (MEMDESC_STATE_SHIFT - 8)) &
			      ((MEMDESC_NR_STATES - 1) << 8));
}

/**
 * memdesc_class_index_word - a word with the class an index stands for
 * @i:		an index below MEMDESC_CLASS_INDEX_SIZE
 *
 * Return: the word whose memdesc_class_index() is @i, its other bits zero.
 */
static inline __u64 memdesc_class_index_word(unsigned int i)
{
	return (__u64)(i & 0xff) | (__u64)(i >> 8) << MEMDESC_STATE_SHIFT;
}

/**
 * memdesc_class_name - the class's name, as debugfs and the tools print it
 * @class:	enum memdesc_class
 *
 * Return: a static string; misc subtypes print bare ("driver", "reserved").
 */
static inline const char *memdesc_class_name(unsigned int class)
{
	if (class <= MEMDESC_CLASS_VMALLOC_UNMAP)
		return memdesc_subtype_name(class - MEMDESC_CLASS_DRIVER);
	if (class >= MEMDESC_CLASS_FILE && class <= MEMDESC_CLASS_HWPOISON)
		return memdesc_type_name(class - MEMDESC_CLASS_FILE +
					 MEMDESC_TYPE_FILE);
	switch (class) {
	case MEMDESC_CLASS_MISC_OTHER:
		return "misc_other";
	case MEMDESC_CLASS_UNASSIGNED:
		return "unassigned";
	case MEMDESC_CLASS_UNKNOWN:
		return "unknown";
	case MEMDESC_CLASS_HOLE:
		return "hole";
	case MEMDESC_CLASS_UNTRACKED:
		return "untracked";
	}
	return "invalid";
}

#endif /* _MEMDESC_TYPES_H */
