// SPDX-License-Identifier: GPL-2.0
/*
 * What memdesc would cost for the memory the shadow describes right now:
 * descriptors the design would allocate, struct page at 64, 32 and 8 bytes,
 * and the bit budgets of the 8-byte word on this machine.
 *
 * Descriptor sizes are the running kernel's own where it has the type:
 * struct folio for file, anon and KSM folios; struct ptdesc for page tables
 * (struct page before 6.6); struct page for slab (struct slab is private to
 * mm/, which asserts it fits in a struct page) and for page_pool pages (their
 * state lives in struct page today).  The design leaves struct movable and
 * struct hwpoison "TBD": 16 bytes each, the smallest a 16-byte-aligned slab
 * object can be, is assumed and printed as such.  Every size is rounded up
 * to 16 bytes: the design allocates descriptors from 16-byte-aligned slabs so
 * the low 4 bits of the memdesc can hold the type.
 *
 * Those rows are the running kernel's reference.  Then each revision of the
 * design (memdesc_revisions.h) gets its own block: where it puts every unit
 * the census counts, with the descriptor sizes that revision implies.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "memdesc.h"
#include "memdesc_census.h"
#include "memdesc_compat.h"
#include "memdesc_revisions.h"

/**
 * struct memdesc_descriptor - what one memdesc type's descriptor costs
 * @type:	enum memdesc_type
 * @bytes:	size before rounding to 16
 * @source:	where @bytes comes from, as printed
 */
struct memdesc_descriptor {
	unsigned int type;
	size_t bytes;
	const char *source;
};

static const struct memdesc_descriptor memdesc_descriptors[] = {
	{ MEMDESC_TYPE_FILE,	 sizeof(struct folio),	"folio" },
	{ MEMDESC_TYPE_ANON,	 sizeof(struct folio),	"folio" },
	{ MEMDESC_TYPE_KSM,	 sizeof(struct folio),	"folio" },
	{ MEMDESC_TYPE_SLAB,	 sizeof(struct page),	"page" },
	{ MEMDESC_TYPE_PGTABLE,	 MEMDESC_PTDESC_BYTES,	MEMDESC_PTDESC_SOURCE },
	{ MEMDESC_TYPE_NETPOOL,	 sizeof(struct page),	"page" },
	{ MEMDESC_TYPE_MOVABLE,	 16,			"assumed" },
	{ MEMDESC_TYPE_HWPOISON, 16,			"assumed" },
};

/* Bytes per PFN in each layout the report compares. */
#define MEMDESC_INTERIM_PAGE_BYTES	32
#define MEMDESC_WORD_BYTES		8

/* Bits to hold every value below @n (at least 1). */
static unsigned int memdesc_bits(unsigned long n)
{
	return n > 2 ? order_base_2(n) : 1;
}

/* The largest zone, in PFNs: zone-relative buddy links must reach across it. */
static unsigned long memdesc_max_zone_pfns(void)
{
	unsigned long max = 0;
	int nid, z;

	for_each_online_node(nid)
		for (z = 0; z < MAX_NR_ZONES; z++)
			max = max(max,
				  NODE_DATA(nid)->node_zones[z].spanned_pages);
	return max;
}

static void memdesc_print_percent(struct seq_file *m, u64 part, u64 whole)
{
	u64 milli = whole ? div64_u64(part * 100000, whole) : 0;

	seq_printf(m, " %llu.%03llu", div_u64(milli, 1000), milli % 1000);
}

static u64 memdesc_print_descriptors(struct seq_file *m,
				     const struct memdesc_census *c)
{
	const struct memdesc_descriptor *d;
	u64 total = 0, bytes;
	int i;

	seq_puts(m, "# descriptor type count bytes-each bytes source\n");
	for (i = 0; i < ARRAY_SIZE(memdesc_descriptors); i++) {
		d = &memdesc_descriptors[i];
		bytes = c->heads[d->type] * ALIGN(d->bytes, 16);
		seq_printf(m, "descriptor %s %llu %zu %llu %s\n",
			   memdesc_type_name(d->type), c->heads[d->type],
			   ALIGN(d->bytes, 16), bytes, d->source);
		total += bytes;
	}
	return total;
}

static void memdesc_print_memory(struct seq_file *m, const char *layout,
				 unsigned int per_page, u64 pfns, u64 descriptors)
{
	u64 pages = (u64)per_page * pfns;

	seq_printf(m, "memory %s %u %llu %llu %llu\n", layout, per_page, pages,
		   descriptors, pages + descriptors);
}

/*
 * The 8-byte word of a misc page must hold type, subtype, mappable, order,
 * zone, node and - where sections are not implied by the PFN - the section.
 */
static void memdesc_print_bits(struct seq_file *m,
			       const struct memdesc_census *c,
			       unsigned long max_pfn)
{
	unsigned int node = memdesc_bits(nr_node_ids);
	unsigned int zone = memdesc_bits(MAX_NR_ZONES);
	unsigned int section = memdesc_bits(max_pfn >> PFN_SECTION_SHIFT);
	unsigned int order = memdesc_bits(c->max_order + 1);
	unsigned int word = MEMDESC_TYPE_BITS + MEMDESC_SUBTYPE_BITS + 1 +
			    order + zone + node + section;

	seq_puts(m, "# bits field bits\n");
	seq_printf(m, "bits node %u\n", node);
	seq_printf(m, "bits zone %u\n", zone);
	seq_printf(m, "bits section %u\n", section);
	seq_printf(m, "bits order %u\n", order);
	seq_printf(m, "bits word %u\n", word);
	seq_printf(m, "max_order %u\n", c->max_order);
}

/*
 * A free block as one word: two PFN links (prev, next) and the type.  With
 * absolute PFNs that is the design's 2 TB limit; zone-relative PFNs need
 * only enough bits for the largest zone.
 */
static void memdesc_print_buddy(struct seq_file *m, unsigned long max_pfn)
{
	unsigned long zone_pfns = memdesc_max_zone_pfns();
	unsigned int zbits = memdesc_bits(zone_pfns);
	unsigned int abits = memdesc_bits(max_pfn);

	seq_puts(m, "# buddy links pfns bits-each word-bits fits-8-bytes\n");
	seq_printf(m, "buddy zone_relative %lu %u %u %d\n", zone_pfns, zbits,
		   2 * zbits + MEMDESC_TYPE_BITS,
		   2 * zbits + MEMDESC_TYPE_BITS <= 64);
	seq_printf(m, "buddy absolute %lu %u %u %d\n", max_pfn, abits,
		   2 * abits + MEMDESC_TYPE_BITS,
		   2 * abits + MEMDESC_TYPE_BITS <= 64);
}

/* The running kernel's sizes the revisions refer to, by enum memdesc_ksize. */
static void memdesc_kernel_sizes(u64 *ksize)
{
	ksize[MEMDESC_KSIZE_NONE] = 0;
	ksize[MEMDESC_KSIZE_PAGE] = sizeof(struct page);
	ksize[MEMDESC_KSIZE_FOLIO] = sizeof(struct folio);
	ksize[MEMDESC_KSIZE_PTDESC] = MEMDESC_PTDESC_BYTES;
}

static void memdesc_print_signed_percent(struct seq_file *m, s64 milli)
{
	u64 abs = milli < 0 ? -milli : milli;

	seq_printf(m, " %s%llu.%03llu", milli < 0 ? "-" : "", div_u64(abs, 1000),
		   abs % 1000);
}

static void memdesc_print_revision(struct seq_file *m,
				   const struct memdesc_revision *rev,
				   const struct memdesc_census *c,
				   const u64 *ksize)
{
	struct memdesc_revision_cost cost;

	memdesc_revision_cost(rev, c, ksize, &cost);
	seq_printf(m, "revision %s %u %llu %llu %llu %lld", rev->name,
		   rev->page_bytes, cost.page_bytes, cost.desc_bytes,
		   cost.total, cost.saving);
	memdesc_print_signed_percent(m, cost.milli);
	seq_printf(m, " %s\n", rev->page_source);
}

static void memdesc_print_placements(struct seq_file *m,
				     const struct memdesc_revision *rev,
				     const struct memdesc_census *c,
				     const u64 *ksize)
{
	const struct memdesc_placement *p;
	u64 each, heads;
	int i;

	for (i = 0; i < rev->nr_place; i++) {
		p = &rev->place[i];
		each = memdesc_place_each(p, ksize);
		heads = each ? c->unit_heads[p->unit] : 0;
		seq_printf(m, "place %s %s %s %s %llu %llu %llu %llu %llu %s\n",
			   rev->name, memdesc_unit_name(p->unit), p->as,
			   p->desc, c->unit_pages[p->unit], heads, each,
			   each * heads,
			   memdesc_align16(ksize[memdesc_unit_ksize(p->unit)]),
			   p->source);
	}
}

/*
 * Every revision's cost, then where each puts every unit, each table under
 * its own header so that the tools read them as tables.
 */
static void memdesc_print_revisions(struct seq_file *m,
				    const struct memdesc_census *c)
{
	u64 ksize[MEMDESC_NR_KSIZES];
	int i;

	memdesc_kernel_sizes(ksize);
	seq_puts(m, "# kernel_size struct bytes\n");
	for (i = MEMDESC_KSIZE_PAGE; i < MEMDESC_NR_KSIZES; i++)
		seq_printf(m, "kernel_size %s %llu\n", memdesc_ksize_name(i),
			   ksize[i]);
	seq_puts(m, "# revision name bytes-per-page pages-bytes descriptor-bytes total saving percent-of-today source\n");
	for (i = 0; i < MEMDESC_NR_REVISIONS; i++)
		memdesc_print_revision(m, &memdesc_revisions[i], c, ksize);
	seq_puts(m, "# place revision unit as descriptor pages descriptors bytes-each bytes kernel-bytes-each source\n");
	for (i = 0; i < MEMDESC_NR_REVISIONS; i++)
		memdesc_print_placements(m, &memdesc_revisions[i], c, ksize);
}

/**
 * memdesc_report_projection - what memdesc would cost for the shadow now
 * @m:		output
 *
 * Return: 0 or -ENOMEM.
 */
int memdesc_report_projection(struct seq_file *m)
{
	struct memdesc_census *c;
	u64 desc, today, memdesc;
	unsigned long max_pfn;

	c = memdesc_census_run(&max_pfn);
	if (IS_ERR(c))
		return PTR_ERR(c);

	seq_printf(m, "pfns %llu\n", c->pages);
	seq_printf(m, "struct_page_bytes %zu\n", sizeof(struct page));
	desc = memdesc_print_descriptors(m, c);

	seq_puts(m, "# memory layout bytes-per-page pages-bytes descriptor-bytes total\n");
	memdesc_print_memory(m, "today", sizeof(struct page), c->pages, 0);
	memdesc_print_memory(m, "interim", MEMDESC_INTERIM_PAGE_BYTES, c->pages,
			     desc);
	memdesc_print_memory(m, "memdesc", MEMDESC_WORD_BYTES, c->pages, desc);
	today = (u64)sizeof(struct page) * c->pages;
	memdesc = (u64)MEMDESC_WORD_BYTES * c->pages + desc;
	seq_puts(m, "# saving bytes percent-of-today\n");
	seq_printf(m, "saving %lld", (s64)(today - memdesc));
	memdesc_print_percent(m, today > memdesc ? today - memdesc : 0, today);
	seq_putc(m, '\n');

	memdesc_print_bits(m, c, max_pfn);
	memdesc_print_buddy(m, max_pfn);
	seq_puts(m, "# scattered misc-pages vmalloc-pages\n");
	seq_printf(m, "scattered %llu %llu\n", c->misc, c->vmalloc);
	memdesc_print_revisions(m, c);
	memdesc_census_free(c);
	return 0;
}
