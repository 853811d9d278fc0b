// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_census_test.c - host unit tests of the shared census.
 *
 * memdesc_census_add() is what the module's summary and projection and
 * memdesc-stat's reports of a snapshot all count with, so a mistake in it
 * shows on both sides alike and no comparison of the two would catch it.
 * Here it counts word arrays built by hand, with the bit layout of
 * memdesc_types.h written out again (as memdesc_types_test.c does), and
 * every count is checked against what the words were built to hold.
 *
 * Built and run by tests/host/run.sh, e.g.
 * "tests/host/run.sh -t zones_by_the_words_own_node_and_zone".
 */

#include "kselftest_harness.h"

#include <stdint.h>
#include <stdlib.h>

#include "memdesc_census.h"
#include "memdesc_revisions.h"

/* The documented layout, independent of the header's macros. */
#define W_TYPE(t)	((__u64)(t) << 0)
#define W_SUB(s)	((__u64)(s) << 4)
#define W_HEAD		((__u64)1 << 8)
#define W_STATE(s)	((__u64)(s) << 9)
#define W_MAPPABLE	((__u64)1 << 11)
#define W_ORDER(o)	((__u64)(o) << 12)
#define W_DETAIL(d)	((__u64)(d) << 18)
#define W_ZONE(z)	((__u64)(z) << 51)
#define W_NODE(n)	((__u64)(n) << 54)

#define S_UNKNOWN	0
#define S_PAGE		1
#define S_HOLE		2
#define S_UNTRACKED	3

#define T_MISC		0
#define T_FILE		1
#define T_ANON		2
#define T_SLAB		4
#define T_FREE		5
#define T_HWPOISON	9

#define SUB_DRIVER		0
#define SUB_RESERVED		1
#define SUB_VMALLOC_MAP		4
#define SUB_VMALLOC_UNMAP	5

/* Node and zone slots the census must have: every value the fields hold. */
#define NODES		1024u
#define ZONES		8u

/* A page word: the fields that place and cost it. */
static __u64 page(unsigned int type, unsigned int sub, unsigned int order,
		  unsigned int zone, unsigned int node)
{
	return W_STATE(S_PAGE) | W_TYPE(type) | W_SUB(sub) | W_ORDER(order) |
	       W_ZONE(zone) | W_NODE(node);
}

static void add_words(struct memdesc_census *c, const __u64 *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		memdesc_census_add(c, w[i]);
}

static __u64 sum(const __u64 *v, size_t n)
{
	__u64 s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i];
	return s;
}

/* Small deterministic generator, so a failure reproduces. */
static __u64 next_random(__u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * What holds for every census: each word in exactly one class, each page
 * word in exactly one zone slot, misc pages the misc classes.
 */
static void assert_consistent(struct __test_metadata *_metadata,
			      const struct memdesc_census *c)
{
	__u64 misc = 0;
	unsigned int i;

	ASSERT_EQ(c->words, sum(c->class, MEMDESC_NR_CLASSES));
	ASSERT_EQ(c->pages, c->words - c->class[MEMDESC_CLASS_UNKNOWN] -
			    c->class[MEMDESC_CLASS_HOLE] -
			    c->class[MEMDESC_CLASS_UNTRACKED]);
	ASSERT_EQ(c->pages, sum(c->zone_free, MEMDESC_CENSUS_SLOTS) +
			    sum(c->zone_alloc, MEMDESC_CENSUS_SLOTS));
	for (i = MEMDESC_CLASS_DRIVER; i <= MEMDESC_CLASS_MISC_OTHER; i++)
		misc += c->class[i];
	ASSERT_EQ(c->misc, misc);
	ASSERT_EQ(c->vmalloc, c->class[MEMDESC_CLASS_VMALLOC_MAP] +
			      c->class[MEMDESC_CLASS_VMALLOC_UNMAP]);
	ASSERT_LE(sum(c->heads, MEMDESC_NR_TYPES), c->pages);
}

FIXTURE(census) {
	struct memdesc_census *c;
};

FIXTURE_SETUP(census)
{
	self->c = calloc(1, sizeof(*self->c));
	ASSERT_NE(NULL, self->c);
}

FIXTURE_TEARDOWN(census)
{
	free(self->c);
}

TEST(slots_cover_every_node_and_zone)
{
	unsigned int node, zone, slot;

	ASSERT_EQ(ZONES, MEMDESC_CENSUS_ZONES);
	ASSERT_EQ(NODES * ZONES, MEMDESC_CENSUS_SLOTS);
	/* The reports print slot / ZONES as the node, slot % ZONES as the zone. */
	for (node = 0; node < NODES; node++) {
		for (zone = 0; zone < ZONES; zone++) {
			slot = memdesc_census_slot(node, zone);
			ASSERT_EQ(node, slot / MEMDESC_CENSUS_ZONES);
			ASSERT_EQ(zone, slot % MEMDESC_CENSUS_ZONES);
		}
	}
}

TEST_F(census, nothing_counted)
{
	struct memdesc_census *c = self->c;

	add_words(c, NULL, 0);
	ASSERT_EQ(0ULL, c->words);
	ASSERT_EQ(0ULL, c->pages);
	ASSERT_EQ(0u, c->max_order);
	assert_consistent(_metadata, c);
}

/* One word of every class, each counted once and where it belongs. */
TEST_F(census, every_class_once)
{
	struct memdesc_census *c = self->c;
	__u64 w[MEMDESC_NR_CLASSES];
	unsigned int i;

	for (i = 0; i <= MEMDESC_CLASS_VMALLOC_UNMAP; i++)
		w[i] = page(T_MISC, i - MEMDESC_CLASS_DRIVER, 0, 1, 0);
	w[MEMDESC_CLASS_MISC_OTHER] = page(T_MISC, 6, 0, 1, 0);
	for (i = MEMDESC_CLASS_FILE; i <= MEMDESC_CLASS_HWPOISON; i++)
		w[i] = page(T_FILE + i - MEMDESC_CLASS_FILE, 0, 0, 1, 0);
	w[MEMDESC_CLASS_UNASSIGNED] = page(10, 0, 0, 1, 0);
	w[MEMDESC_CLASS_UNKNOWN] = 0;
	w[MEMDESC_CLASS_HOLE] = W_STATE(S_HOLE);
	w[MEMDESC_CLASS_UNTRACKED] = W_STATE(S_UNTRACKED);

	add_words(c, w, MEMDESC_NR_CLASSES);
	ASSERT_EQ((__u64)MEMDESC_NR_CLASSES, c->words);
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		ASSERT_EQ(1ULL, c->class[i]) TH_LOG("class %s",
						    memdesc_class_name(i));
	/* All but unknown, hole and untracked are pages, all in node 0 zone 1. */
	ASSERT_EQ((__u64)MEMDESC_NR_CLASSES - 3, c->pages);
	ASSERT_EQ(1ULL, c->zone_free[memdesc_census_slot(0, 1)]);
	ASSERT_EQ((__u64)MEMDESC_NR_CLASSES - 4,
		  c->zone_alloc[memdesc_census_slot(0, 1)]);
	ASSERT_EQ(7ULL, c->misc);
	ASSERT_EQ(2ULL, c->vmalloc);
	assert_consistent(_metadata, c);
}

/*
 * Words that describe no page count in their class and in words, nowhere
 * else, whatever their other bits say: an unknown word is all zero in the
 * shadow, but a hole or untracked word carries its node, and a word read
 * from a corrupt snapshot may carry anything.
 */
TEST_F(census, no_page_no_zone_no_cost)
{
	struct memdesc_census *c = self->c;
	__u64 junk = W_TYPE(T_ANON) | W_HEAD | W_MAPPABLE | W_ORDER(63) |
		     W_ZONE(2) | W_NODE(5);
	const __u64 w[] = {
		0,
		junk | W_STATE(S_UNKNOWN),
		W_STATE(S_HOLE) | W_NODE(3),
		junk | W_STATE(S_HOLE),
		W_STATE(S_UNTRACKED) | W_NODE(1023),
		junk | W_STATE(S_UNTRACKED),
		W_STATE(S_HOLE) | W_TYPE(T_MISC) | W_SUB(SUB_VMALLOC_MAP),
	};
	unsigned int i;

	add_words(c, w, MEMDESC_ARRAY_SIZE(w));
	ASSERT_EQ((__u64)MEMDESC_ARRAY_SIZE(w), c->words);
	ASSERT_EQ(2ULL, c->class[MEMDESC_CLASS_UNKNOWN]);
	ASSERT_EQ(3ULL, c->class[MEMDESC_CLASS_HOLE]);
	ASSERT_EQ(2ULL, c->class[MEMDESC_CLASS_UNTRACKED]);
	ASSERT_EQ(0ULL, c->pages);
	for (i = 0; i < MEMDESC_CENSUS_SLOTS; i++) {
		ASSERT_EQ(0ULL, c->zone_free[i]) TH_LOG("slot %u", i);
		ASSERT_EQ(0ULL, c->zone_alloc[i]) TH_LOG("slot %u", i);
	}
	ASSERT_EQ(0ULL, sum(c->heads, MEMDESC_NR_TYPES));
	ASSERT_EQ(0ULL, c->misc);
	ASSERT_EQ(0ULL, c->vmalloc);
	ASSERT_EQ(0u, c->max_order);
	assert_consistent(_metadata, c);
}

/*
 * A page counts in the zone its own word names: two nodes, zones a kernel
 * has and one it has not (6.12's zone 5 pages), the largest node and zone
 * the fields hold, each in its own slot and no other.
 */
TEST_F(census, zones_by_the_words_own_node_and_zone)
{
	struct memdesc_census *c = self->c;
	const struct {
		unsigned int node, zone, type, count;
	} want[] = {
		{ 0, 0, T_FREE, 3 },
		{ 0, 1, T_FREE, 5 },
		{ 0, 1, T_ANON, 7 },
		{ 0, 5, T_MISC, 2 },
		{ 1, 1, T_FILE, 11 },
		{ 1, 1, T_FREE, 13 },
		{ 2, 3, T_HWPOISON, 1 },
		{ 1023, 7, T_FREE, 4 },
		{ 1023, 7, T_SLAB, 6 },
		{ 1023, 0, 12, 1 },		/* an unassigned type */
	};
	__u64 nfree[MEMDESC_CENSUS_SLOTS] = { 0 };
	__u64 nalloc[MEMDESC_CENSUS_SLOTS] = { 0 };
	unsigned int i, j, slot;

	for (i = 0; i < MEMDESC_ARRAY_SIZE(want); i++) {
		slot = want[i].node * ZONES + want[i].zone;
		if (want[i].type == T_FREE)
			nfree[slot] += want[i].count;
		else
			nalloc[slot] += want[i].count;
		for (j = 0; j < want[i].count; j++)
			memdesc_census_add(c, page(want[i].type, 0, 0,
						   want[i].zone,
						   want[i].node));
		/* A hole of the node between them counts in no zone. */
		memdesc_census_add(c, W_STATE(S_HOLE) | W_NODE(want[i].node));
	}
	for (i = 0; i < MEMDESC_CENSUS_SLOTS; i++) {
		ASSERT_EQ(nfree[i], c->zone_free[i])
			TH_LOG("node %u zone %u free", i / ZONES, i % ZONES);
		ASSERT_EQ(nalloc[i], c->zone_alloc[i])
			TH_LOG("node %u zone %u allocated", i / ZONES,
			       i % ZONES);
	}
	ASSERT_EQ(MEMDESC_ARRAY_SIZE(want), c->class[MEMDESC_CLASS_HOLE]);
	assert_consistent(_metadata, c);
}

/* Free means type free, alone: every other type, misc included, is allocated. */
TEST_F(census, free_or_allocated_by_type)
{
	struct memdesc_census *c = self->c;
	unsigned int type, slot = memdesc_census_slot(4, 2);

	for (type = 0; type < 16; type++)
		memdesc_census_add(c, page(type, 0, 0, 2, 4));
	ASSERT_EQ(1ULL, c->zone_free[slot]);
	ASSERT_EQ(15ULL, c->zone_alloc[slot]);
	ASSERT_EQ(16ULL, c->pages);
	ASSERT_EQ(6ULL, c->class[MEMDESC_CLASS_UNASSIGNED]);
	assert_consistent(_metadata, c);
}

/*
 * An order-9 folio and an order-3 free block, as the shadow holds them:
 * the order on every PFN, the head bit on the first.  One descriptor each,
 * counted by its type; tails add pages only.
 */
TEST_F(census, heads_and_orders_of_blocks)
{
	struct memdesc_census *c = self->c;
	static __u64 w[512 + 8 + 4];
	unsigned int i;

	for (i = 0; i < 512; i++)
		w[i] = page(T_ANON, 0, 9, 3, 0) | W_MAPPABLE;
	w[0] |= W_HEAD;
	for (i = 512; i < 520; i++)
		w[i] = page(T_FREE, 0, 3, 3, 0);
	w[512] |= W_HEAD;
	/* Two order-1 slabs, and a head bit on a hole, which is no head. */
	w[520] = page(T_SLAB, 0, 1, 3, 0) | W_HEAD;
	w[521] = page(T_SLAB, 0, 1, 3, 0);
	w[522] = page(T_SLAB, 0, 1, 3, 0) | W_HEAD;
	w[523] = W_STATE(S_HOLE) | W_HEAD | W_TYPE(T_SLAB);

	add_words(c, w, MEMDESC_ARRAY_SIZE(w));
	ASSERT_EQ(523ULL, c->pages);
	ASSERT_EQ(1ULL, c->heads[T_ANON]);
	ASSERT_EQ(1ULL, c->heads[T_FREE]);
	ASSERT_EQ(2ULL, c->heads[T_SLAB]);
	ASSERT_EQ(4ULL, sum(c->heads, MEMDESC_NR_TYPES));
	ASSERT_EQ(9u, c->max_order);
	ASSERT_EQ(512ULL, c->class[MEMDESC_CLASS_ANON]);
	ASSERT_EQ(8ULL, c->zone_free[memdesc_census_slot(0, 3)]);
	ASSERT_EQ(515ULL, c->zone_alloc[memdesc_census_slot(0, 3)]);
	assert_consistent(_metadata, c);
}

/* The largest order is of page words only, and reaches the field's maximum. */
TEST_F(census, max_order_of_pages_only)
{
	struct memdesc_census *c = self->c;

	memdesc_census_add(c, page(T_FILE, 0, 2, 1, 0));
	ASSERT_EQ(2u, c->max_order);
	memdesc_census_add(c, page(T_FILE, 0, 1, 1, 0));
	ASSERT_EQ(2u, c->max_order);
	memdesc_census_add(c, W_STATE(S_HOLE) | W_ORDER(40));
	memdesc_census_add(c, W_STATE(S_UNTRACKED) | W_ORDER(41));
	memdesc_census_add(c, W_STATE(S_UNKNOWN) | W_ORDER(42));
	ASSERT_EQ(2u, c->max_order);
	memdesc_census_add(c, page(T_MISC, SUB_RESERVED, 18, 1, 0));
	ASSERT_EQ(18u, c->max_order);
	memdesc_census_add(c, page(T_FREE, 0, 63, 1, 0));
	ASSERT_EQ(63u, c->max_order);
	assert_consistent(_metadata, c);
}

/*
 * Misc pages keep node and zone per page in the design; of them, vmalloc
 * pages (mappable or not) are the scattered ones.  Unassigned subtypes are
 * misc too; other types are not, whatever their subtype bits say.
 */
TEST_F(census, misc_and_vmalloc)
{
	struct memdesc_census *c = self->c;
	unsigned int sub;

	for (sub = 0; sub < 16; sub++)
		memdesc_census_add(c, page(T_MISC, sub, 0, 0, 0));
	memdesc_census_add(c, page(T_MISC, SUB_VMALLOC_MAP, 0, 0, 0) |
			      W_MAPPABLE);
	memdesc_census_add(c, page(T_FILE, SUB_VMALLOC_UNMAP, 0, 0, 0));
	memdesc_census_add(c, page(T_FREE, SUB_VMALLOC_MAP, 0, 0, 0));
	ASSERT_EQ(17ULL, c->misc);
	ASSERT_EQ(3ULL, c->vmalloc);
	ASSERT_EQ(2ULL, c->class[MEMDESC_CLASS_VMALLOC_MAP]);
	ASSERT_EQ(1ULL, c->class[MEMDESC_CLASS_VMALLOC_UNMAP]);
	ASSERT_EQ(1ULL, c->class[MEMDESC_CLASS_DRIVER]);
	ASSERT_EQ(10ULL, c->class[MEMDESC_CLASS_MISC_OTHER]);
	ASSERT_EQ(1ULL, c->class[MEMDESC_CLASS_FILE]);
	ASSERT_EQ(1ULL, c->class[MEMDESC_CLASS_FREE]);
	assert_consistent(_metadata, c);
}

/* Counts are 64-bit on both sides: a machine has more than 2^32 PFNs. */
TEST_F(census, counts_pass_2_to_the_32)
{
	struct memdesc_census *c = self->c;
	unsigned int slot = memdesc_census_slot(0, 2);

	c->words = UINT32_MAX;
	c->pages = UINT32_MAX;
	c->class[MEMDESC_CLASS_FREE] = UINT32_MAX;
	c->zone_free[slot] = UINT32_MAX;
	c->heads[T_FREE] = UINT32_MAX;
	memdesc_census_add(c, page(T_FREE, 0, 0, 2, 0) | W_HEAD);
	ASSERT_EQ(1ULL << 32, c->words);
	ASSERT_EQ(1ULL << 32, c->pages);
	ASSERT_EQ(1ULL << 32, c->class[MEMDESC_CLASS_FREE]);
	ASSERT_EQ(1ULL << 32, c->zone_free[slot]);
	ASSERT_EQ(1ULL << 32, c->heads[T_FREE]);
}

/*
 * Any word at all, as a corrupt snapshot may hold: counted once, within
 * the tables, and as a decoder written here from the layout counts it.
 */
TEST_F(census, random_words_as_decoded_here)
{
	struct memdesc_census *c = self->c;
	__u64 words = 0, pages = 0, misc = 0, vmalloc = 0;
	__u64 heads[16] = { 0 }, seed = 0x9e3779b97f4a7c15ULL;
	unsigned int max_order = 0, i, state, type, sub, order;
	__u64 w;

	for (i = 0; i < 200000; i++) {
		w = next_random(&seed);
		/* Half of them pages, or few would be. */
		if (i & 1)
			w = (w & ~W_STATE(3)) | W_STATE(S_PAGE);
		memdesc_census_add(c, w);
		words++;
		state = (w >> 9) & 3;
		if (state != S_PAGE)
			continue;
		pages++;
		type = w & 15;
		sub = (w >> 4) & 15;
		order = (w >> 12) & 63;
		if (order > max_order)
			max_order = order;
		if (w & W_HEAD)
			heads[type]++;
		if (type == T_MISC) {
			misc++;
			vmalloc += sub == SUB_VMALLOC_MAP ||
				   sub == SUB_VMALLOC_UNMAP;
		}
	}
	ASSERT_EQ(words, c->words);
	ASSERT_EQ(pages, c->pages);
	ASSERT_EQ(misc, c->misc);
	ASSERT_EQ(vmalloc, c->vmalloc);
	ASSERT_EQ(max_order, c->max_order);
	for (type = 0; type < 16; type++)
		ASSERT_EQ(heads[type], c->heads[type]) TH_LOG("type %u", type);
	assert_consistent(_metadata, c);
}

/*
 * A run of equal words counted at once, as the module's walk counts them,
 * gives the census that counting them one by one gives: every table and
 * field, byte for byte.
 */
TEST_F(census, runs_count_as_their_words)
{
	struct memdesc_census *one = self->c, *runs;
	__u64 seed = 0x2545f4914f6cdd1dULL, w;
	unsigned int i, n, k;

	runs = calloc(1, sizeof(*runs));
	ASSERT_NE(NULL, runs);
	for (i = 0; i < 20000; i++) {
		w = next_random(&seed);
		if (i & 1)
			w = (w & ~W_STATE(3)) | W_STATE(S_PAGE);
		n = next_random(&seed) % 600;
		for (k = 0; k < n; k++)
			memdesc_census_add(one, w);
		memdesc_census_add_n(runs, w, n);
	}
	EXPECT_EQ(0, memcmp(one, runs, sizeof(*one)));
	assert_consistent(_metadata, runs);
	free(runs);
}

/*
 * A misc page with a detail counts in its seed class, and in the unit of
 * its detail instead of the class's unit: the revisions place it apart.
 */
TEST_F(census, details_in_their_class_and_their_own_unit)
{
	struct memdesc_census *c = self->c;
	__u64 w[] = {
		page(T_MISC, SUB_DRIVER, 1, 1, 0) | W_HEAD | W_DETAIL(2),
		page(T_MISC, SUB_DRIVER, 1, 1, 0) | W_DETAIL(2),
		page(T_MISC, SUB_RESERVED, 0, 1, 0) | W_HEAD | W_DETAIL(1),
		page(T_MISC, SUB_DRIVER, 0, 1, 0) | W_HEAD,
		page(T_FILE, 0, 0, 1, 0) | W_HEAD,
	};

	add_words(c, w, 5);
	ASSERT_EQ(3ULL, c->class[MEMDESC_CLASS_DRIVER]);
	ASSERT_EQ(1ULL, c->class[MEMDESC_CLASS_RESERVED]);
	ASSERT_EQ(1ULL, c->unit_pages[MEMDESC_CLASS_DRIVER]);
	ASSERT_EQ(0ULL, c->unit_pages[MEMDESC_CLASS_RESERVED]);
	ASSERT_EQ(2ULL, c->unit_pages[MEMDESC_UNIT_DETAIL(2)]);
	ASSERT_EQ(1ULL, c->unit_heads[MEMDESC_UNIT_DETAIL(2)]);
	ASSERT_EQ(1ULL, c->unit_pages[MEMDESC_UNIT_DETAIL(1)]);
	ASSERT_EQ(1ULL, c->unit_heads[MEMDESC_CLASS_FILE]);
	ASSERT_STREQ("kmalloc_large", memdesc_unit_name(MEMDESC_UNIT_DETAIL(2)));
	ASSERT_STREQ("zero_page", memdesc_unit_name(MEMDESC_UNIT_DETAIL(1)));
	assert_consistent(_metadata, c);
}

/* Every revision places every unit that can count a page, once. */
TEST(revisions_place_every_page_unit_once)
{
	const struct memdesc_revision *r;
	unsigned int i, j, u, seen;

	ASSERT_EQ(3u, MEMDESC_NR_REVISIONS);
	for (i = 0; i < MEMDESC_NR_REVISIONS; i++) {
		r = &memdesc_revisions[i];
		for (u = 0; u < MEMDESC_NR_UNITS; u++) {
			seen = 0;
			for (j = 0; j < r->nr_place; j++)
				seen += r->place[j].unit == u;
			if (u == MEMDESC_CLASS_UNKNOWN || u == MEMDESC_CLASS_HOLE ||
			    u == MEMDESC_CLASS_UNTRACKED) {
				EXPECT_EQ(0u, seen) TH_LOG("%s places %s", r->name,
							   memdesc_unit_name(u));
			} else {
				EXPECT_EQ(1u, seen) TH_LOG("%s places %s %u times",
							   r->name, memdesc_unit_name(u), seen);
			}
		}
		for (j = 0; j < r->nr_place; j++) {
			const char *src = r->place[j].source;

			/* Every size says where it comes from. */
			EXPECT_TRUE(!strncmp(src, "design:", 7) ||
				    !strncmp(src, "kernel:", 7) ||
				    !strncmp(src, "assumed:", 8) ||
				    !strncmp(src, "shadow:", 7))
				TH_LOG("%s: %s: source %s", r->name,
				       memdesc_unit_name(r->place[j].unit), src);
			EXPECT_EQ(NULL, strchr(src, ' '));
		}
	}
}

/*
 * A revision's cost, by hand: 10 file folios of 4 pages and 3 free pages
 * under path-2025 (32-byte pages, the Path folio of 76 bytes, 80 rounded;
 * buddy in the page) and under the seeds, against a 64-byte struct page.
 */
TEST_F(census, revision_cost_by_hand)
{
	struct memdesc_census *c = self->c;
	const __u64 ksize[MEMDESC_NR_KSIZES] = { 0, 64, 256, 64 };
	struct memdesc_revision_cost cost;
	const struct memdesc_revision *path = &memdesc_revisions[2];
	unsigned int i;

	for (i = 0; i < 40; i++)
		memdesc_census_add(c, page(T_FILE, 0, 2, 1, 0) |
				      (i % 4 ? 0 : W_HEAD));
	for (i = 0; i < 3; i++)
		memdesc_census_add(c, page(T_FREE, 0, 0, 1, 0) | W_HEAD);
	ASSERT_STREQ("path-2025", path->name);
	memdesc_revision_cost(path, c, ksize, &cost);
	ASSERT_EQ(43ULL, cost.pfns);
	ASSERT_EQ(43ULL * 32, cost.page_bytes);
	ASSERT_EQ(10ULL * 80, cost.desc_bytes);
	ASSERT_EQ(43LL * 64 - 43 * 32 - 800, cost.saving);
	/* (2752 - 2176) / 2752 = 20.930%, in thousandths. */
	ASSERT_EQ(20930LL, cost.milli);
	/*
	 * The seeds keep the kernel's folio, 256 bytes, and point free
	 * blocks at a 16-byte struct buddy: more than the small page saves,
	 * (2752 - 344 - 2608) / 2752 = -7.267%.
	 */
	memdesc_revision_cost(&memdesc_revisions[0], c, ksize, &cost);
	ASSERT_EQ(10ULL * 256 + 3 * 16, cost.desc_bytes);
	ASSERT_EQ(43LL * 64 - 43 * 8 - 2608, cost.saving);
	ASSERT_GT(0LL, cost.saving);
	ASSERT_EQ(-7267LL, cost.milli);
}

TEST_HARNESS_MAIN
