// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_compare_test.c - host unit tests of the compare's pure logic: the
 * verdict on one pair of words (memdesc_diff.h), the class table the probes
 * count transitions with (memdesc_class_index() in memdesc_types.h), and the
 * per-cpu free chunk lookup of the live walk (memdesc_pcp.h).
 *
 * In the module these run on every PFN of every compare and on every event;
 * a mistake in them shows in a VM only as a percentage that is a little off.
 * Here it fails in a second.  Expected values are written out from the
 * rules the headers' comments state, not computed by the code under test.
 *
 * Built and run by tests/host/run.sh.
 */

#include "kselftest_harness.h"

#include <stdlib.h>

#include "memdesc_diff.h"
#include "memdesc_pcp.h"
#include "memdesc_types.h"

#define BIT_OF(f)	MEMDESC_CMP_BIT(MEMDESC_CMP_##f)

/* Every field that applies to a pair of allocated pages. */
#define SCOPE_ALLOCATED	(BIT_OF(STATE) | BIT_OF(TYPE) | BIT_OF(ORDER) | \
			 BIT_OF(ZONE) | BIT_OF(NODE) | BIT_OF(MAPPABLE))
#define SCOPE_FREE	(BIT_OF(STATE) | BIT_OF(TYPE) | BIT_OF(FREE_ORDER) | \
			 BIT_OF(ZONE) | BIT_OF(NODE) | BIT_OF(MAPPABLE))
/* An allocated page against a free one: no order field applies. */
#define SCOPE_MIXED	(BIT_OF(STATE) | BIT_OF(TYPE) | BIT_OF(ZONE) | \
			 BIT_OF(NODE) | BIT_OF(MAPPABLE))

static __u64 page(unsigned int type, unsigned int sub, unsigned int order,
		  unsigned int zone, unsigned int node, bool mappable)
{
	struct memdesc_fields f = {
		.type = type, .subtype = sub, .state = MEMDESC_STATE_PAGE,
		.order = order, .zone = zone, .node = node,
		.mappable = mappable,
	};
	__u64 w = 0;

	if (memdesc_encode(&f, &w))
		abort();
	return w;
}

#define ANON(order)	page(MEMDESC_TYPE_ANON, 0, order, 2, 1, true)
#define FREE(order)	page(MEMDESC_TYPE_FREE, 0, order, 2, 1, false)

/* === memdesc_word_diff() === */

TEST(identical_words_agree)
{
	unsigned int scope;

	EXPECT_EQ(0u, memdesc_word_diff(ANON(3), ANON(3), &scope));
	EXPECT_EQ(SCOPE_ALLOCATED, scope);
	EXPECT_EQ(0u, memdesc_word_diff(FREE(9), FREE(9), &scope));
	EXPECT_EQ(SCOPE_FREE, scope);
}

TEST(each_field_alone)
{
	const struct {
		const char *what;
		__u64 live;
		unsigned int diff;
	} cases[] = {
		{ "type", page(MEMDESC_TYPE_FILE, 0, 3, 2, 1, true),
		  BIT_OF(TYPE) },
		{ "order", ANON(4), BIT_OF(ORDER) },
		{ "zone", page(MEMDESC_TYPE_ANON, 0, 3, 1, 1, true),
		  BIT_OF(ZONE) },
		{ "node", page(MEMDESC_TYPE_ANON, 0, 3, 2, 0, true),
		  BIT_OF(NODE) },
		{ "mappable", page(MEMDESC_TYPE_ANON, 0, 3, 2, 1, false),
		  BIT_OF(MAPPABLE) },
	};
	unsigned int scope, i;

	for (i = 0; i < MEMDESC_ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].diff,
			  memdesc_word_diff(ANON(3), cases[i].live, &scope)) {
			TH_LOG("%s", cases[i].what);
		}
		EXPECT_EQ(SCOPE_ALLOCATED, scope);
	}
}

TEST(free_against_allocated_is_a_state_and_type_mismatch)
{
	unsigned int scope;

	/* Same order: still no order field, the sides are not comparable. */
	EXPECT_EQ(BIT_OF(STATE) | BIT_OF(TYPE) | BIT_OF(MAPPABLE),
		  memdesc_word_diff(FREE(3), ANON(3), &scope));
	EXPECT_EQ(SCOPE_MIXED, scope);
	EXPECT_EQ(BIT_OF(STATE) | BIT_OF(TYPE) | BIT_OF(MAPPABLE),
		  memdesc_word_diff(ANON(3), FREE(0), &scope));
	EXPECT_EQ(SCOPE_MIXED, scope);
}

TEST(free_order_is_reported_not_checked)
{
	unsigned int scope, diff;

	diff = memdesc_word_diff(FREE(9), FREE(2), &scope);
	EXPECT_EQ(BIT_OF(FREE_ORDER), diff);
	EXPECT_EQ(0u, diff & MEMDESC_CMP_CHECKED);
	/* Every other field is checked. */
	EXPECT_EQ((1u << MEMDESC_NR_CMP_FIELDS) - 1 - BIT_OF(FREE_ORDER),
		  (unsigned int)MEMDESC_CMP_CHECKED);
}

TEST(misc_subtypes_are_types)
{
	unsigned int scope;
	__u64 driver = page(MEMDESC_TYPE_MISC, MEMDESC_SUB_DRIVER, 0, 0, 0, 0);
	__u64 reserved = page(MEMDESC_TYPE_MISC, MEMDESC_SUB_RESERVED, 0, 0, 0,
			      0);

	EXPECT_EQ(BIT_OF(TYPE), memdesc_word_diff(driver, reserved, &scope));
}

TEST(shadow_without_a_page_checks_state_only)
{
	unsigned int scope;

	/* A shadow hole over an online page: allocated against not free. */
	EXPECT_EQ(0u, memdesc_word_diff(memdesc_hole_word(1), ANON(0), &scope));
	EXPECT_EQ(BIT_OF(STATE), scope);
	EXPECT_EQ(BIT_OF(STATE),
		  memdesc_word_diff(memdesc_hole_word(1), FREE(0), &scope));
	EXPECT_EQ(BIT_OF(STATE), scope);
}

TEST(field_names_are_the_compare_format)
{
	static const char * const want[] = {
		"state", "type", "order", "free_order", "zone", "node",
		"mappable",
	};
	unsigned int f;

	ASSERT_EQ(MEMDESC_ARRAY_SIZE(want), (size_t)MEMDESC_NR_CMP_FIELDS);
	for (f = 0; f < MEMDESC_NR_CMP_FIELDS; f++)
		EXPECT_STREQ(want[f], memdesc_cmp_field_name(f));
	EXPECT_STREQ("invalid", memdesc_cmp_field_name(MEMDESC_NR_CMP_FIELDS));
}

/* === The class table === */

/*
 * The class depends only on the bits memdesc_class_index() keeps: any word,
 * whatever its order, zone, node, head and mappable bits, has the class of
 * the word its index stands for.  Every type, subtype and state, with
 * random other bits.
 */
TEST(class_index_keeps_what_the_class_reads)
{
	unsigned int type, sub, state, k, i;
	__u64 w, noise;

	srandom(1);
	for (i = 0; i < 16 * 16 * MEMDESC_NR_STATES * 16; i++) {
		type = i & 0xf;
		sub = (i >> 4) & 0xf;
		state = (i >> 8) % MEMDESC_NR_STATES;
		noise = ((__u64)random() << 32 | (__u64)random()) &
			~0x7ffULL;
		noise |= (__u64)(random() & 1) << 8;
		w = noise | type | sub << 4 |
		    (__u64)state << MEMDESC_STATE_SHIFT;
		k = memdesc_class_index(w);
		ASSERT_LT(k, MEMDESC_CLASS_INDEX_SIZE);
		ASSERT_EQ(memdesc_word_class(w),
			  memdesc_word_class(memdesc_class_index_word(k))) {
			TH_LOG("word 0x%016llx index %u",
			       (unsigned long long)w, k);
		}
	}
}

/* Distinct (type, subtype, state) map to distinct indices, and back. */
TEST(class_index_round_trips)
{
	unsigned int i;
	__u64 w;

	for (i = 0; i < MEMDESC_CLASS_INDEX_SIZE; i++) {
		w = memdesc_class_index_word(i);
		EXPECT_EQ(i, memdesc_class_index(w));
		EXPECT_EQ(i & 0xf, memdesc_word_type(w));
		EXPECT_EQ((i >> 4) & 0xf, memdesc_word_subtype(w));
		EXPECT_EQ(i >> 8, memdesc_word_state(w));
	}
}

TEST(class_table_spot_checks)
{
	static const struct {
		__u64 w;
		const char *name;
	} cases[] = {
		{ 0, "unknown" },
		{ (__u64)MEMDESC_STATE_HOLE << MEMDESC_STATE_SHIFT, "hole" },
		{ (__u64)MEMDESC_STATE_UNTRACKED << MEMDESC_STATE_SHIFT,
		  "untracked" },
		{ (__u64)MEMDESC_STATE_PAGE << MEMDESC_STATE_SHIFT, "driver" },
		{ (__u64)MEMDESC_STATE_PAGE << MEMDESC_STATE_SHIFT | 0x40,
		  "vmalloc_map" },
		{ (__u64)MEMDESC_STATE_PAGE << MEMDESC_STATE_SHIFT | 0xf0,
		  "misc_other" },
		{ (__u64)MEMDESC_STATE_PAGE << MEMDESC_STATE_SHIFT | 5, "free" },
		{ (__u64)MEMDESC_STATE_PAGE << MEMDESC_STATE_SHIFT | 9,
		  "hwpoison" },
		{ (__u64)MEMDESC_STATE_PAGE << MEMDESC_STATE_SHIFT | 10,
		  "unassigned" },
	};
	unsigned int i, idx;

	for (i = 0; i < MEMDESC_ARRAY_SIZE(cases); i++) {
		idx = memdesc_class_index(cases[i].w);
		EXPECT_STREQ(cases[i].name,
			     memdesc_class_name(memdesc_word_class(
				     memdesc_class_index_word(idx))));
	}
}

/* === The per-cpu chunk lookup === */

/* Slow and obviously right: every chunk, in turn. */
static const struct memdesc_pcp_chunk *
linear_find(const struct memdesc_pcp_chunk *c, unsigned long nr,
	    unsigned long pfn)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (pfn >= c[i].pfn && pfn - c[i].pfn < (1UL << c[i].order))
			return &c[i];
	return NULL;
}

TEST(pcp_find_empty)
{
	EXPECT_EQ(NULL, memdesc_pcp_find(NULL, 0, 0));
	EXPECT_EQ(NULL, memdesc_pcp_find(NULL, 0, 12345));
}

TEST(pcp_find_edges)
{
	static const struct memdesc_pcp_chunk c[] = {
		{ 0, 0 }, { 8, 3 }, { 16, 1 }, { 4096, 9 },
	};
	const unsigned long nr = MEMDESC_ARRAY_SIZE(c);

	EXPECT_EQ(&c[0], memdesc_pcp_find(c, nr, 0));
	EXPECT_EQ(NULL, memdesc_pcp_find(c, nr, 1));
	EXPECT_EQ(NULL, memdesc_pcp_find(c, nr, 7));
	EXPECT_EQ(&c[1], memdesc_pcp_find(c, nr, 8));
	EXPECT_EQ(&c[1], memdesc_pcp_find(c, nr, 15));
	EXPECT_EQ(&c[2], memdesc_pcp_find(c, nr, 16));
	EXPECT_EQ(&c[2], memdesc_pcp_find(c, nr, 17));
	EXPECT_EQ(NULL, memdesc_pcp_find(c, nr, 18));
	EXPECT_EQ(NULL, memdesc_pcp_find(c, nr, 4095));
	EXPECT_EQ(&c[3], memdesc_pcp_find(c, nr, 4096 + 511));
	EXPECT_EQ(NULL, memdesc_pcp_find(c, nr, 4096 + 512));
}

/* Random non-overlapping chunks, shuffled then sorted as the walk does. */
TEST(pcp_find_matches_linear_search)
{
	enum { NR = 2000 };
	struct memdesc_pcp_chunk *c = calloc(NR, sizeof(*c));
	unsigned long pfn = 1, nr, i, q;
	struct memdesc_pcp_chunk t;

	ASSERT_NE(NULL, c);
	srandom(2);
	for (nr = 0; nr < NR; nr++) {
		c[nr].order = random() % 11;
		/* Aligned as buddy chunks are, with gaps between. */
		pfn += random() % 3 << c[nr].order;
		pfn = (pfn + (1UL << c[nr].order) - 1) &
		      ~((1UL << c[nr].order) - 1);
		c[nr].pfn = pfn;
		pfn += 1UL << c[nr].order;
	}
	for (i = nr - 1; i > 0; i--) {
		q = random() % (i + 1);
		t = c[i];
		c[i] = c[q];
		c[q] = t;
	}
	qsort(c, nr, sizeof(*c), memdesc_pcp_cmp);
	for (i = 1; i < nr; i++)
		ASSERT_LT(c[i - 1].pfn, c[i].pfn);
	for (q = 0; q < pfn + 16; q++)
		ASSERT_EQ(linear_find(c, nr, q), memdesc_pcp_find(c, nr, q)) {
			TH_LOG("pfn %lu", q);
		}
	free(c);
}

TEST_HARNESS_MAIN
