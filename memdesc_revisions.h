/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Revisions of the memdesc design, as data: where each revision puts every
 * page the census counts, and what its descriptor costs.
 *
 * The shadow word follows one revision, the seeds'; the projection answers
 * for every revision here, from the same census.  A revision is a table: a
 * placement for every unit (memdesc_census.h), its type or misc subtype in
 * that revision, the descriptor it allocates per allocation and the size of
 * that descriptor with its source.  Adding a revision is adding a table to
 * memdesc_revisions[]; the probes and the classifier never see them.
 *
 * Sizes name their source, as printed (one word, no spaces):
 *   design:...	a struct the design writes out
 *   kernel:...	the running kernel's sizeof(), a MEMDESC_KSIZE_* reference
 *		resolved by whoever prints (the module from its headers,
 *		memdesc-stat from the sizes the module saved)
 *   assumed:...	not written out anywhere; the reason follows
 * Every descriptor is rounded up to 16 bytes: the design allocates them from
 * 16-byte-aligned slabs so that the low 4 bits of the memdesc hold the type.
 *
 * Like memdesc_census.h, shared with user space.
 */
#ifndef _MEMDESC_REVISIONS_H
#define _MEMDESC_REVISIONS_H

#include "memdesc_census.h"

/* Sizes the running kernel answers for: its sizeof() of these structs. */
enum memdesc_ksize {
	MEMDESC_KSIZE_NONE,
	MEMDESC_KSIZE_PAGE,		/* struct page */
	MEMDESC_KSIZE_FOLIO,		/* struct folio */
	MEMDESC_KSIZE_PTDESC,		/* struct ptdesc; struct page before 6.6 */
	MEMDESC_NR_KSIZES,
};

static inline const char *memdesc_ksize_name(unsigned int k)
{
	static const char * const names[] = {
		[MEMDESC_KSIZE_NONE]	= "none",
		[MEMDESC_KSIZE_PAGE]	= "page",
		[MEMDESC_KSIZE_FOLIO]	= "folio",
		[MEMDESC_KSIZE_PTDESC]	= "ptdesc",
	};

	return k < MEMDESC_NR_KSIZES ? names[k] : "invalid";
}

/**
 * struct memdesc_placement - where a revision puts one unit
 * @unit:	memdesc_word_unit() value
 * @as:		its type or subtype there: "type:N", "misc:N", or a name
 *		where the revision numbers none
 * @desc:	the descriptor allocated per allocation, or "-" for none
 * @bytes:	its size before rounding, when @ksize is NONE
 * @ksize:	enum memdesc_ksize: the running kernel's size instead
 * @source:	where the size (or the absence of a descriptor) comes from
 */
struct memdesc_placement {
	unsigned int unit;
	const char *as;
	const char *desc;
	unsigned int bytes;
	unsigned int ksize;
	const char *source;
};

/**
 * struct memdesc_revision - one revision of the design
 * @name:	as printed and as memdesc-stat --revision takes it
 * @page_bytes:	struct page per PFN
 * @page_source: where @page_bytes comes from
 * @place:	a placement for every unit that counts pages
 * @nr_place:	how many
 */
struct memdesc_revision {
	const char *name;
	unsigned int page_bytes;
	const char *page_source;
	const struct memdesc_placement *place;
	unsigned int nr_place;
};

#define MEMDESC_PLACE(_unit, _as, _desc, _bytes, _ksize, _source)	\
	{ .unit = (_unit), .as = (_as), .desc = (_desc),		\
	  .bytes = (_bytes), .ksize = (_ksize), .source = (_source) }
#define MEMDESC_BARE(_unit, _as, _source)				\
	MEMDESC_PLACE(_unit, _as, "-", 0, MEMDESC_KSIZE_NONE, _source)
#define MEMDESC_KERNEL(_unit, _as, _desc, _ksize, _source)		\
	MEMDESC_PLACE(_unit, _as, _desc, 0, _ksize, _source)
#define MEMDESC_SIZED(_unit, _as, _desc, _bytes, _source)		\
	MEMDESC_PLACE(_unit, _as, _desc, _bytes, MEMDESC_KSIZE_NONE, _source)

/*
 * Pages no revision has a place for, a misc subtype or type past the
 * seeds' table: every revision ends with these two rows.
 */
#define MEMDESC_PLACE_MISC_OTHER					\
	MEMDESC_BARE(MEMDESC_CLASS_MISC_OTHER, "misc:other",		\
		     "shadow:unassigned-subtype")
#define MEMDESC_PLACE_UNASSIGNED					\
	MEMDESC_BARE(MEMDESC_CLASS_UNASSIGNED, "type:other",		\
		     "shadow:unassigned-type")

/*
 * The descriptors the seeds imply, which the later wiki revision keeps
 * (it writes out no new one): one macro each, numbered by the revision.
 */
#define MEMDESC_SEED_FILE(_as)						\
	MEMDESC_KERNEL(MEMDESC_CLASS_FILE, _as, "folio",		\
		       MEMDESC_KSIZE_FOLIO, "kernel:sizeof(struct-folio)")
#define MEMDESC_SEED_ANON(_as)						\
	MEMDESC_KERNEL(MEMDESC_CLASS_ANON, _as, "anon_folio",		\
		       MEMDESC_KSIZE_FOLIO,				\
		       "kernel:sizeof(struct-folio),anon_folio-not-written-out")
#define MEMDESC_SEED_KSM(_as)						\
	MEMDESC_KERNEL(MEMDESC_CLASS_KSM, _as, "ksm", MEMDESC_KSIZE_FOLIO, \
		       "assumed:struct-ksm-TBD,sized-as-the-folio-it-is-today")
#define MEMDESC_SEED_SLAB(_as)						\
	MEMDESC_KERNEL(MEMDESC_CLASS_SLAB, _as, "slab", MEMDESC_KSIZE_PAGE, \
		       "kernel:sizeof(struct-page),struct-slab-overlays-it")
#define MEMDESC_SEED_MOVABLE(_as)					\
	MEMDESC_SIZED(MEMDESC_CLASS_MOVABLE, _as, "movable", 16,	\
		      "assumed:struct-movable-TBD,smallest-16-byte-object")
#define MEMDESC_SEED_PGTABLE(_as)					\
	MEMDESC_KERNEL(MEMDESC_CLASS_PGTABLE, _as, "ptdesc",		\
		       MEMDESC_KSIZE_PTDESC, "kernel:sizeof(struct-ptdesc)")
#define MEMDESC_SEED_NETPOOL(_as)					\
	MEMDESC_KERNEL(MEMDESC_CLASS_NETPOOL, _as, "netpool",		\
		       MEMDESC_KSIZE_PAGE,				\
		       "kernel:sizeof(struct-page),page_pool-state-lives-there")
#define MEMDESC_SEED_HWPOISON(_as)					\
	MEMDESC_SIZED(MEMDESC_CLASS_HWPOISON, _as, "hwpoison", 16,	\
		      "assumed:struct-hwpoison-TBD,smallest-16-byte-object")

/*
 * The seeds (kernelnewbies Memdescs, revision of 2024-01-05; LSFMM 2024):
 * the layout the shadow word implements.  The seeds change no descriptor
 * but the page itself, so the folio, slab and ptdesc keep today's sizes.
 * Their table points type 5 at a struct buddy, which LSFMM wrote out as
 * two words, prev and next: one per free block.  (Willy's reply under the
 * LWN report, "I do not propose ever allocating a struct buddy", is what
 * the later revision does: buddy in the word.)
 */
static const struct memdesc_placement memdesc_place_seed[] = {
	MEMDESC_BARE(MEMDESC_CLASS_DRIVER, "misc:0", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_RESERVED, "misc:1", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_GUARD, "misc:2", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_OFFLINE, "misc:3", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_VMALLOC_MAP, "misc:4", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_VMALLOC_UNMAP, "misc:5",
		     "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_ZERO_PAGE), "misc:1",
		     "design:no-pointer,reserved-page"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_KMALLOC_LARGE),
		     "misc:0", "design:no-pointer,driver-allocation"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_PERCPU), "misc:0",
		     "design:no-pointer,driver-allocation"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_EXACT), "misc:0",
		     "design:no-pointer,driver-allocation"),
	MEMDESC_SEED_FILE("type:1"),
	MEMDESC_SEED_ANON("type:2"),
	MEMDESC_SEED_KSM("type:3"),
	MEMDESC_SEED_SLAB("type:4"),
	MEMDESC_SIZED(MEMDESC_CLASS_FREE, "type:5", "buddy", 16,
		      "design:struct-buddy{prev,next}(LWN-2024)"),
	MEMDESC_SEED_MOVABLE("type:6"),
	MEMDESC_SEED_PGTABLE("type:7"),
	MEMDESC_SEED_NETPOOL("type:8"),
	MEMDESC_SEED_HWPOISON("type:9"),
	MEMDESC_PLACE_MISC_OTHER,
	MEMDESC_PLACE_UNASSIGNED,
};

/*
 * A later revision of the same wiki page (DESIGN-NOTES.md): buddy becomes
 * type 1 and is embedded in the word, the folio types move up by one,
 * percpu is type 10, and misc gains subtypes for the zero page,
 * kmalloc_large, exact and brd.  It writes out no new descriptor, so the
 * others keep the seeds' sizes.  brd pages are not told apart on a stock
 * kernel: they count in driver here.
 */
static const struct memdesc_placement memdesc_place_wiki_later[] = {
	MEMDESC_BARE(MEMDESC_CLASS_RESERVED, "misc:0", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_ZERO_PAGE), "misc:1",
		     "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_DRIVER, "misc:2",
		     "design:no-pointer,brd(misc:8)-counted-here"),
	MEMDESC_BARE(MEMDESC_CLASS_VMALLOC_MAP, "misc:3", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_VMALLOC_UNMAP, "misc:3",
		     "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_GUARD, "misc:4", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_OFFLINE, "misc:5", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_KMALLOC_LARGE),
		     "misc:6", "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_EXACT), "misc:7",
		     "design:no-pointer"),
	MEMDESC_BARE(MEMDESC_CLASS_FREE, "type:1",
		     "design:struct-buddy-embedded-in-the-word"),
	MEMDESC_SEED_FILE("type:2"),
	MEMDESC_SEED_ANON("type:3"),
	MEMDESC_SEED_KSM("type:4"),
	MEMDESC_SEED_SLAB("type:5"),
	MEMDESC_SEED_MOVABLE("type:6"),
	MEMDESC_SEED_PGTABLE("type:7"),
	MEMDESC_SEED_NETPOOL("type:8"),
	MEMDESC_SEED_HWPOISON("type:9"),
	MEMDESC_SIZED(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_PERCPU), "type:10",
		      "percpu", 16,
		      "assumed:struct-percpu-not-written-out,smallest-16-byte-object"),
	MEMDESC_PLACE_MISC_OTHER,
	MEMDESC_PLACE_UNASSIGNED,
};

/*
 * The 2025 "Memdescs/Path" page: an interim 32-byte struct page whose
 * memdesc field overlaps buddy_list, so free pages need no descriptor, and
 * per-type slab caches for slab, folio, zpdesc, ptdesc and bump
 * descriptors.  It writes out struct folio: flags, lru, mapping, index,
 * private, _refcount, _mapcount, pincount, pfn and memcg, 76 bytes.  It
 * numbers no types, so placements are by descriptor.  Pages in no memdesc
 * it calls bare.
 */
static const struct memdesc_placement memdesc_place_path_2025[] = {
	MEMDESC_BARE(MEMDESC_CLASS_DRIVER, "bare", "design:bare-page"),
	MEMDESC_BARE(MEMDESC_CLASS_RESERVED, "bare", "design:bare-page"),
	MEMDESC_BARE(MEMDESC_CLASS_GUARD, "bare", "design:bare-page"),
	MEMDESC_BARE(MEMDESC_CLASS_OFFLINE, "bare", "design:bare-page"),
	MEMDESC_BARE(MEMDESC_CLASS_VMALLOC_MAP, "bare", "design:bare-page"),
	MEMDESC_BARE(MEMDESC_CLASS_VMALLOC_UNMAP, "bare", "design:bare-page"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_ZERO_PAGE), "bare",
		     "design:bare-page"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_KMALLOC_LARGE), "bare",
		     "design:bare-page"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_PERCPU), "bare",
		     "design:bare-page"),
	MEMDESC_BARE(MEMDESC_UNIT_DETAIL(MEMDESC_DETAIL_EXACT), "bare",
		     "design:bare-page"),
	MEMDESC_BARE(MEMDESC_CLASS_FREE, "buddy",
		     "design:buddy_list-in-the-32-byte-page"),
	MEMDESC_SIZED(MEMDESC_CLASS_FILE, "folio", "folio", 76,
		      "design:path-2025-struct-folio(76-bytes)"),
	MEMDESC_SIZED(MEMDESC_CLASS_ANON, "folio", "folio", 76,
		      "design:path-2025-struct-folio(76-bytes)"),
	MEMDESC_SIZED(MEMDESC_CLASS_KSM, "folio", "folio", 76,
		      "design:path-2025-struct-folio(76-bytes)"),
	MEMDESC_KERNEL(MEMDESC_CLASS_SLAB, "slab", "slab", MEMDESC_KSIZE_PAGE,
		       "assumed:struct-slab-not-written-out,sizeof(struct-page)-it-overlays"),
	MEMDESC_SIZED(MEMDESC_CLASS_MOVABLE, "zpdesc", "zpdesc", 16,
		      "assumed:zpdesc-not-written-out,smallest-16-byte-object"),
	MEMDESC_KERNEL(MEMDESC_CLASS_PGTABLE, "ptdesc", "ptdesc",
		       MEMDESC_KSIZE_PTDESC, "kernel:sizeof(struct-ptdesc)"),
	MEMDESC_KERNEL(MEMDESC_CLASS_NETPOOL, "bump", "netpool",
		       MEMDESC_KSIZE_PAGE,
		       "assumed:no-page_pool-struct-written-out,kernel-sizeof(struct-page)"),
	MEMDESC_SIZED(MEMDESC_CLASS_HWPOISON, "hwpoison", "hwpoison", 16,
		      "assumed:struct-hwpoison-TBD,smallest-16-byte-object"),
	MEMDESC_PLACE_MISC_OTHER,
	MEMDESC_PLACE_UNASSIGNED,
};

#define MEMDESC_REVISION(_name, _page_bytes, _page_source, _place)	\
	{ .name = (_name), .page_bytes = (_page_bytes),			\
	  .page_source = (_page_source), .place = (_place),		\
	  .nr_place = MEMDESC_ARRAY_SIZE(_place) }

static const struct memdesc_revision memdesc_revisions[] = {
	MEMDESC_REVISION("seed", 8, "design:struct-page{memdesc}",
			 memdesc_place_seed),
	MEMDESC_REVISION("wiki-later", 8, "design:struct-page{memdesc}",
			 memdesc_place_wiki_later),
	MEMDESC_REVISION("path-2025", 32, "design:path-2025-struct-page(32-bytes)",
			 memdesc_place_path_2025),
};

#define MEMDESC_NR_REVISIONS	MEMDESC_ARRAY_SIZE(memdesc_revisions)

/**
 * memdesc_unit_ksize - the running kernel's descriptor for a unit today
 * @unit:	memdesc_word_unit() value
 *
 * The reference column: what the same pages cost now, beyond struct page.
 *
 * Return: enum memdesc_ksize; NONE for pages with no descriptor today.
 */
static inline unsigned int memdesc_unit_ksize(unsigned int unit)
{
	switch (unit) {
	case MEMDESC_CLASS_FILE:
	case MEMDESC_CLASS_ANON:
	case MEMDESC_CLASS_KSM:
		return MEMDESC_KSIZE_FOLIO;
	case MEMDESC_CLASS_SLAB:
	case MEMDESC_CLASS_NETPOOL:
		return MEMDESC_KSIZE_PAGE;
	case MEMDESC_CLASS_PGTABLE:
		return MEMDESC_KSIZE_PTDESC;
	}
	return MEMDESC_KSIZE_NONE;
}

static inline __u64 memdesc_align16(__u64 bytes)
{
	return (bytes + 15) & ~(__u64)15;
}

/**
 * memdesc_place_each - what one descriptor of a placement costs
 * @p:		the placement
 * @ksize:	the running kernel's sizes, by enum memdesc_ksize
 *
 * Return: bytes, rounded up to 16; 0 for a page with no descriptor.
 */
static inline __u64 memdesc_place_each(const struct memdesc_placement *p,
				       const __u64 *ksize)
{
	if (p->desc[0] == '-')
		return 0;
	return memdesc_align16(p->ksize ? ksize[p->ksize] : p->bytes);
}

/**
 * struct memdesc_revision_cost - a revision's cost for one census
 * @pfns:	pages counted
 * @page_bytes:	struct page for them
 * @desc_bytes:	descriptors for them
 * @total:	the two together
 * @saving:	struct page today minus @total; negative if it costs more
 * @milli:	@saving in thousandths of a percent of today (signed)
 */
struct memdesc_revision_cost {
	__u64 pfns;
	__u64 page_bytes;
	__u64 desc_bytes;
	__u64 total;
	__s64 saving;
	__s64 milli;
};

/**
 * memdesc_revision_cost - what a revision costs for a census
 * @rev:	the revision
 * @c:		the census
 * @ksize:	the running kernel's sizes; [MEMDESC_KSIZE_PAGE] is today's
 * @cost:	filled in
 */
static inline void memdesc_revision_cost(const struct memdesc_revision *rev,
					 const struct memdesc_census *c,
					 const __u64 *ksize,
					 struct memdesc_revision_cost *cost)
{
	const struct memdesc_placement *p;
	__u64 today = ksize[MEMDESC_KSIZE_PAGE] * c->pages;
	unsigned int i;

	cost->pfns = c->pages;
	cost->page_bytes = (__u64)rev->page_bytes * c->pages;
	cost->desc_bytes = 0;
	for (i = 0; i < rev->nr_place; i++) {
		p = &rev->place[i];
		cost->desc_bytes += c->unit_heads[p->unit] *
				    memdesc_place_each(p, ksize);
	}
	cost->total = cost->page_bytes + cost->desc_bytes;
	cost->saving = (__s64)(today - cost->total);
	/* |saving| * 100000 fits: struct page bytes are far below 2^40. */
	cost->milli = today ? cost->saving * 100000 / (__s64)today : 0;
}

#endif /* _MEMDESC_REVISIONS_H */
