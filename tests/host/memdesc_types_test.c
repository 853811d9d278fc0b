// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_types_test.c - host unit tests of the shadow memdesc word.
 *
 * memdesc_types.h is the record layout shared by the module, debugfs and the
 * user tools, so its bit layout is checked here against the table in the
 * header comment, written out again independently: a constant edited in the
 * header alone fails these tests instead of silently changing what the tools
 * decode.
 *
 * Built and run by tests/host/run.sh; any kselftest harness option works,
 * e.g. "tests/host/run.sh -t zero_word_is_unknown".
 */

#include "kselftest_harness.h"

#include <limits.h>

#include "memdesc_types.h"

/* A word memdesc_encode() never produces: it has reserved bits set. */
#define SENTINEL	0xdeadbeefcafef00dULL

/* Bits 22-50: the design's descriptor pointer, always zero in the shadow. */
#define RESERVED_MASK	(((1ULL << 51) - 1) & ~((1ULL << 22) - 1))

/* === The documented layout, independent of the header's macros === */

enum field_id {
	F_TYPE,
	F_SUBTYPE,
	F_HEAD,
	F_STATE,
	F_MAPPABLE,
	F_ORDER,
	F_DETAIL,
	F_ZONE,
	F_NODE,
	NR_FIELDS,
};

/**
 * struct field_layout - one field of the word, as the header comment gives it
 * @name:	for messages
 * @shift:	lowest bit
 * @bits:	width
 * @max:	largest value memdesc_encode() accepts
 */
struct field_layout {
	const char *name;
	int shift;
	int bits;
	unsigned int max;
};

static const struct field_layout layout[NR_FIELDS] = {
	[F_TYPE]	= { "type",	 0,  4,   15 },
	[F_SUBTYPE]	= { "subtype",	 4,  4,   15 },
	[F_HEAD]	= { "head",	 8,  1,    1 },
	[F_STATE]	= { "state",	 9,  2,    3 },
	[F_MAPPABLE]	= { "mappable",	11,  1,    1 },
	[F_ORDER]	= { "order",	12,  6,   63 },
	[F_DETAIL]	= { "detail",	18,  4,    4 },
	[F_ZONE]	= { "zone",	51,  3,    7 },
	[F_NODE]	= { "node",	54, 10, 1023 },
};

static __u64 field_mask(enum field_id id)
{
	return ((1ULL << layout[id].bits) - 1) << layout[id].shift;
}

static unsigned int get_field(const struct memdesc_fields *f, enum field_id id)
{
	switch (id) {
	case F_TYPE:
		return f->type;
	case F_SUBTYPE:
		return f->subtype;
	case F_HEAD:
		return f->head;
	case F_STATE:
		return f->state;
	case F_MAPPABLE:
		return f->mappable;
	case F_ORDER:
		return f->order;
	case F_DETAIL:
		return f->detail;
	case F_ZONE:
		return f->zone;
	case F_NODE:
		return f->node;
	case NR_FIELDS:
		break;
	}
	abort();
}

static void set_field(struct memdesc_fields *f, enum field_id id,
		      unsigned int v)
{
	switch (id) {
	case F_TYPE:
		f->type = v;
		return;
	case F_SUBTYPE:
		f->subtype = v;
		return;
	case F_HEAD:
		f->head = v;
		return;
	case F_STATE:
		f->state = v;
		return;
	case F_MAPPABLE:
		f->mappable = v;
		return;
	case F_ORDER:
		f->order = v;
		return;
	case F_DETAIL:
		f->detail = v;
		return;
	case F_ZONE:
		f->zone = v;
		return;
	case F_NODE:
		f->node = v;
		return;
	case NR_FIELDS:
		break;
	}
	abort();
}

/* === Helpers === */

/* Every field of @got equals @want. */
static void assert_fields_eq(struct __test_metadata *_metadata,
			     const struct memdesc_fields *want,
			     const struct memdesc_fields *got)
{
	int id;

	for (id = 0; id < NR_FIELDS; id++) {
		ASSERT_EQ(get_field(want, id), get_field(got, id))
			TH_LOG("field %s", layout[id].name);
	}
}

/* Encode @f, decode the word, expect @f back; returns the word. */
static __u64 assert_roundtrip(struct __test_metadata *_metadata,
			      const struct memdesc_fields *f)
{
	struct memdesc_fields back;
	__u64 w = SENTINEL;

	ASSERT_EQ(0, memdesc_encode(f, &w))
		TH_LOG("type %u sub %u state %u order %u zone %u node %u",
		       f->type, f->subtype, f->state, f->order, f->zone,
		       f->node);
	ASSERT_EQ(0ULL, w & RESERVED_MASK);
	memset(&back, 0x5a, sizeof(back));
	memdesc_decode(w, &back);
	assert_fields_eq(_metadata, f, &back);
	return w;
}

/* memdesc_encode() refuses @f and leaves the word alone. */
static void assert_refused(struct __test_metadata *_metadata,
			   const struct memdesc_fields *f)
{
	__u64 w = SENTINEL;

	ASSERT_EQ(-EINVAL, memdesc_encode(f, &w))
		TH_LOG("type %u sub %u state %u order %u zone %u node %u",
		       f->type, f->subtype, f->state, f->order, f->zone,
		       f->node);
	ASSERT_EQ(SENTINEL, w);
}

static __u64 page_word(unsigned int type, unsigned int subtype)
{
	return (__u64)type | (__u64)subtype << 4 |
	       (__u64)MEMDESC_STATE_PAGE << 9;
}

/* Small deterministic generator, so a failure reproduces. */
static __u64 next_random(__u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* === Layout === */

TEST(layout_matches_header_comment)
{
	__u64 all = RESERVED_MASK;
	int id;

	ASSERT_EQ(layout[F_TYPE].shift, MEMDESC_TYPE_SHIFT);
	ASSERT_EQ(layout[F_TYPE].bits, MEMDESC_TYPE_BITS);
	ASSERT_EQ(layout[F_SUBTYPE].shift, MEMDESC_SUBTYPE_SHIFT);
	ASSERT_EQ(layout[F_SUBTYPE].bits, MEMDESC_SUBTYPE_BITS);
	ASSERT_EQ(1ULL << layout[F_HEAD].shift, MEMDESC_HEAD);
	ASSERT_EQ(layout[F_STATE].shift, MEMDESC_STATE_SHIFT);
	ASSERT_EQ(layout[F_STATE].bits, MEMDESC_STATE_BITS);
	ASSERT_EQ(1ULL << layout[F_MAPPABLE].shift, MEMDESC_MAPPABLE);
	ASSERT_EQ(layout[F_ORDER].shift, MEMDESC_ORDER_SHIFT);
	ASSERT_EQ(layout[F_ORDER].bits, MEMDESC_ORDER_BITS);
	ASSERT_EQ(layout[F_ZONE].shift, MEMDESC_ZONE_SHIFT);
	ASSERT_EQ(layout[F_ZONE].bits, MEMDESC_ZONE_BITS);
	ASSERT_EQ(layout[F_NODE].shift, MEMDESC_NODE_SHIFT);
	ASSERT_EQ(layout[F_NODE].bits, MEMDESC_NODE_BITS);

	ASSERT_EQ(layout[F_ORDER].max, MEMDESC_ORDER_MAX);
	ASSERT_EQ(layout[F_ZONE].max, MEMDESC_ZONE_MAX);
	ASSERT_EQ(layout[F_NODE].max, MEMDESC_NODE_MAX);
	ASSERT_EQ(16, MEMDESC_NR_TYPES);
	ASSERT_EQ(16, MEMDESC_NR_SUBTYPES);
	ASSERT_EQ(0ULL, MEMDESC_WORD_UNKNOWN);

	/* The fields and the reserved bits tile the word exactly. */
	for (id = 0; id < NR_FIELDS; id++) {
		ASSERT_EQ(0ULL, all & field_mask(id))
			TH_LOG("%s overlaps another field", layout[id].name);
		all |= field_mask(id);
	}
	ASSERT_EQ(~0ULL, all);
}

/* === One field at a time: every field, via fixture variants === */

FIXTURE(field) {
	int unused;
};

FIXTURE_VARIANT(field) {
	enum field_id id;
};

FIXTURE_VARIANT_ADD(field, type)	{ .id = F_TYPE };
FIXTURE_VARIANT_ADD(field, subtype)	{ .id = F_SUBTYPE };
FIXTURE_VARIANT_ADD(field, head)	{ .id = F_HEAD };
FIXTURE_VARIANT_ADD(field, state)	{ .id = F_STATE };
FIXTURE_VARIANT_ADD(field, mappable)	{ .id = F_MAPPABLE };
FIXTURE_VARIANT_ADD(field, order)	{ .id = F_ORDER };
FIXTURE_VARIANT_ADD(field, detail)	{ .id = F_DETAIL };
FIXTURE_VARIANT_ADD(field, zone)	{ .id = F_ZONE };
FIXTURE_VARIANT_ADD(field, node)	{ .id = F_NODE };

FIXTURE_SETUP(field)
{
}

FIXTURE_TEARDOWN(field)
{
}

/*
 * Every value of the field round-trips, over three backgrounds: all other
 * fields zero, and all other fields at their maximum with either a misc
 * subtype and detail or a non-misc type (those need type MISC).
 */
TEST_F(field, roundtrip_every_value)
{
	enum field_id me = variant->id;
	struct memdesc_fields bg[3] = { { 0 } };
	unsigned int v;
	int b, id;

	for (b = 1; b < 3; b++)
		for (id = 0; id < NR_FIELDS; id++)
			set_field(&bg[b], id, layout[id].max);
	bg[1].type = MEMDESC_TYPE_MISC;
	bg[2].subtype = 0;
	bg[2].detail = 0;

	for (b = 0; b < 3; b++) {
		if ((me == F_SUBTYPE || me == F_DETAIL) &&
		    bg[b].type != MEMDESC_TYPE_MISC)
			continue;
		if (me == F_TYPE && (bg[b].subtype || bg[b].detail))
			continue;
		for (v = 0; v <= layout[me].max; v++) {
			struct memdesc_fields f = bg[b];

			set_field(&f, me, v);
			assert_roundtrip(_metadata, &f);
		}
	}
}

/* The field at its maximum, everything else zero: only its own bits set. */
TEST_F(field, independent_of_the_others)
{
	enum field_id me = variant->id;
	struct memdesc_fields f = { 0 }, back;
	__u64 w = SENTINEL;
	int id;

	set_field(&f, me, layout[me].max);
	ASSERT_EQ(0, memdesc_encode(&f, &w));
	ASSERT_EQ((__u64)layout[me].max << layout[me].shift, w);
	ASSERT_EQ(0ULL, w & ~field_mask(me));

	memset(&back, 0x5a, sizeof(back));
	memdesc_decode(w, &back);
	for (id = 0; id < NR_FIELDS; id++) {
		ASSERT_EQ(id == (int)me ? layout[me].max : 0,
			  get_field(&back, id))
			TH_LOG("field %s", layout[id].name);
	}

	/* And all bits of the field set in a raw word decode to all ones. */
	memdesc_decode(field_mask(me), &back);
	ASSERT_EQ((1u << layout[me].bits) - 1, get_field(&back, me));
	for (id = 0; id < NR_FIELDS; id++)
		if (id != (int)me)
			ASSERT_EQ(0u, get_field(&back, id));
}

/* === Out-of-range input: refused, word untouched === */

FIXTURE(refused) {
	int unused;
};

/*
 * @bad is refused; @good differs only in the offending field, set to the
 * nearest accepted value, so the boundary itself is tested.
 */
FIXTURE_VARIANT(refused) {
	struct memdesc_fields bad;
	struct memdesc_fields good;
};

FIXTURE_VARIANT_ADD(refused, type_16) {
	.bad  = { .type = 16, .state = MEMDESC_STATE_PAGE },
	.good = { .type = 15, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, type_uint_max) {
	.bad  = { .type = UINT_MAX, .state = MEMDESC_STATE_PAGE },
	.good = { .type = 0, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, subtype_16) {
	.bad  = { .subtype = 16, .state = MEMDESC_STATE_PAGE },
	.good = { .subtype = 15, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, subtype_on_file) {
	.bad  = { .type = MEMDESC_TYPE_FILE, .subtype = 1,
		  .state = MEMDESC_STATE_PAGE },
	.good = { .type = MEMDESC_TYPE_FILE, .subtype = 0,
		  .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, detail_5) {
	.bad  = { .detail = 5, .state = MEMDESC_STATE_PAGE },
	.good = { .detail = 4, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, detail_on_file) {
	.bad  = { .type = MEMDESC_TYPE_FILE, .detail = 1,
		  .state = MEMDESC_STATE_PAGE },
	.good = { .type = MEMDESC_TYPE_FILE, .detail = 0,
		  .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, order_64) {
	.bad  = { .order = 64, .state = MEMDESC_STATE_PAGE },
	.good = { .order = 63, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, zone_8) {
	.bad  = { .zone = 8, .state = MEMDESC_STATE_PAGE },
	.good = { .zone = 7, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, node_1024) {
	.bad  = { .node = 1024, .state = MEMDESC_STATE_PAGE },
	.good = { .node = 1023, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, node_uint_max) {
	.bad  = { .node = UINT_MAX, .state = MEMDESC_STATE_PAGE },
	.good = { .node = 0, .state = MEMDESC_STATE_PAGE },
};

FIXTURE_VARIANT_ADD(refused, state_4) {
	.bad  = { .state = 4 },
	.good = { .state = MEMDESC_STATE_UNTRACKED },
};

FIXTURE_VARIANT_ADD(refused, state_uint_max) {
	.bad  = { .state = UINT_MAX },
	.good = { .state = MEMDESC_STATE_UNKNOWN },
};

FIXTURE_SETUP(refused)
{
}

FIXTURE_TEARDOWN(refused)
{
}

TEST_F(refused, word_untouched)
{
	assert_refused(_metadata, &variant->bad);
	assert_roundtrip(_metadata, &variant->good);
}

/* Every non-misc type refuses every non-zero subtype; misc takes them all. */
TEST(subtype_only_on_misc)
{
	struct memdesc_fields f = { .state = MEMDESC_STATE_PAGE };
	unsigned int type, sub;

	for (type = 0; type < 16; type++) {
		for (sub = 0; sub < 16; sub++) {
			f.type = type;
			f.subtype = sub;
			if (type == MEMDESC_TYPE_MISC || sub == 0)
				assert_roundtrip(_metadata, &f);
			else
				assert_refused(_metadata, &f);
		}
	}
}

/* === Types, subtypes, states and flag bits === */

TEST(every_type_roundtrips_and_is_named)
{
	static const char * const want[16] = {
		"misc", "file", "anon", "ksm", "slab", "free", "movable",
		"pgtable", "netpool", "hwpoison",
		"unassigned", "unassigned", "unassigned", "unassigned",
		"unassigned", "unassigned",
	};
	struct memdesc_fields f = { .state = MEMDESC_STATE_PAGE };
	unsigned int type;
	__u64 w;

	for (type = 0; type < 16; type++) {
		f.type = type;
		w = assert_roundtrip(_metadata, &f);
		ASSERT_EQ(type, memdesc_word_type(w));
		ASSERT_STREQ(want[type], memdesc_type_name(type));
	}
	ASSERT_STREQ("unassigned", memdesc_type_name(16));
	ASSERT_STREQ("unassigned", memdesc_type_name(UINT_MAX));
}

TEST(every_misc_subtype_roundtrips_and_is_named)
{
	static const char * const want[16] = {
		"driver", "reserved", "guard", "offline", "vmalloc_map",
		"vmalloc_unmap",
		"unassigned", "unassigned", "unassigned", "unassigned",
		"unassigned", "unassigned", "unassigned", "unassigned",
		"unassigned", "unassigned",
	};
	struct memdesc_fields f = { .state = MEMDESC_STATE_PAGE };
	unsigned int sub;
	__u64 w;

	for (sub = 0; sub < 16; sub++) {
		f.subtype = sub;
		w = assert_roundtrip(_metadata, &f);
		ASSERT_EQ((unsigned int)MEMDESC_TYPE_MISC, memdesc_word_type(w));
		ASSERT_EQ(sub, memdesc_word_subtype(w));
		ASSERT_STREQ(want[sub], memdesc_subtype_name(sub));
	}
	ASSERT_STREQ("unassigned", memdesc_subtype_name(16));
}

TEST(each_state)
{
	static const unsigned int states[] = {
		MEMDESC_STATE_UNKNOWN, MEMDESC_STATE_PAGE, MEMDESC_STATE_HOLE,
		MEMDESC_STATE_UNTRACKED,
	};
	struct memdesc_fields f = { .type = MEMDESC_TYPE_FREE, .order = 3 };
	unsigned int i;
	__u64 w;

	for (i = 0; i < ARRAY_SIZE(states); i++) {
		f.state = states[i];
		w = assert_roundtrip(_metadata, &f);
		ASSERT_EQ(states[i], memdesc_word_state(w));
		ASSERT_EQ(states[i] == MEMDESC_STATE_PAGE,
			  memdesc_word_is_page(w));
		/* Only a PAGE word is free, whatever its type bits say. */
		ASSERT_EQ(states[i] == MEMDESC_STATE_PAGE,
			  memdesc_word_is_free(w));
	}

	/* A free-typed word is free; no other type is. */
	for (i = 0; i < 16; i++)
		ASSERT_EQ(i == MEMDESC_TYPE_FREE,
			  memdesc_word_is_free(page_word(i, 0)));
}

TEST(head_and_mappable_bits)
{
	struct memdesc_fields f = { .state = MEMDESC_STATE_PAGE };
	__u64 base, w;

	base = assert_roundtrip(_metadata, &f);

	f.head = true;
	w = assert_roundtrip(_metadata, &f);
	ASSERT_EQ(1ULL << 8, w ^ base);
	ASSERT_TRUE(memdesc_word_head(w));
	ASSERT_FALSE(memdesc_word_mappable(w));

	f.head = false;
	f.mappable = true;
	w = assert_roundtrip(_metadata, &f);
	ASSERT_EQ(1ULL << 11, w ^ base);
	ASSERT_FALSE(memdesc_word_head(w));
	ASSERT_TRUE(memdesc_word_mappable(w));

	f.head = true;
	w = assert_roundtrip(_metadata, &f);
	ASSERT_EQ(1ULL << 8 | 1ULL << 11, w ^ base);
	ASSERT_TRUE(memdesc_word_head(w));
	ASSERT_TRUE(memdesc_word_mappable(w));
}

/* Edges of order, node and zone together with every other field set. */
TEST(edges_combined)
{
	static const unsigned int orders[] = { 0, 1, 10, 62, 63 };
	static const unsigned int nodes[] = { 0, 1, 511, 512, 1022, 1023 };
	struct memdesc_fields f = {
		.type = MEMDESC_TYPE_ANON, .state = MEMDESC_STATE_PAGE,
		.head = true, .mappable = true,
	};
	unsigned int o, n, z;

	for (o = 0; o < ARRAY_SIZE(orders); o++)
		for (n = 0; n < ARRAY_SIZE(nodes); n++)
			for (z = 0; z <= 7; z++) {
				__u64 w;

				f.order = orders[o];
				f.node = nodes[n];
				f.zone = z;
				w = assert_roundtrip(_metadata, &f);
				ASSERT_EQ(orders[o], memdesc_word_order(w));
				ASSERT_EQ(nodes[n], memdesc_word_node(w));
				ASSERT_EQ(z, memdesc_word_zone(w));
			}
}

/* === Special words === */

TEST(zero_word_is_unknown)
{
	struct memdesc_fields f, zero = { 0 };
	__u64 w = SENTINEL;

	memset(&f, 0x5a, sizeof(f));
	memdesc_decode(MEMDESC_WORD_UNKNOWN, &f);
	assert_fields_eq(_metadata, &zero, &f);
	ASSERT_EQ((unsigned int)MEMDESC_STATE_UNKNOWN, memdesc_word_state(0));
	ASSERT_FALSE(memdesc_word_is_page(0));
	ASSERT_FALSE(memdesc_word_is_free(0));
	ASSERT_EQ((unsigned int)MEMDESC_CLASS_UNKNOWN, memdesc_word_class(0));
	ASSERT_STREQ("unknown", memdesc_class_name(memdesc_word_class(0)));

	/* All-zero fields encode to the all-zero word. */
	ASSERT_EQ(0, memdesc_encode(&zero, &w));
	ASSERT_EQ(MEMDESC_WORD_UNKNOWN, w);
}

/*
 * A word that is not a page: @make(node) holds @state and the node, nothing
 * else, for every node, and has class @class named @name.
 */
static void assert_state_word(struct __test_metadata *_metadata,
			      __u64 (*make)(unsigned int node),
			      unsigned int state, unsigned int class,
			      const char *name)
{
	static const unsigned int nodes[] = { 0, 1, 7, 1022, 1023 };
	__u64 state_node = field_mask(F_STATE) | field_mask(F_NODE);
	struct memdesc_fields f;
	unsigned int i;
	__u64 w;

	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		struct memdesc_fields want = {
			.state = state, .node = nodes[i],
		};

		w = make(nodes[i]);
		memdesc_decode(w, &f);
		assert_fields_eq(_metadata, &want, &f);
		ASSERT_FALSE(memdesc_word_is_page(w));
		ASSERT_FALSE(memdesc_word_is_free(w));
		ASSERT_EQ(class, memdesc_word_class(w));
		ASSERT_STREQ(name, memdesc_class_name(memdesc_word_class(w)));

		/* memdesc_encode() builds the same word. */
		ASSERT_EQ(w, assert_roundtrip(_metadata, &want));
	}

	/* An out-of-range node never spills outside the node field. */
	ASSERT_EQ(0ULL, make(1024) & ~state_node);
	ASSERT_EQ(0ULL, make(UINT_MAX) & ~state_node);
	ASSERT_EQ(state, memdesc_word_state(make(UINT_MAX)));
}

TEST(hole_word)
{
	assert_state_word(_metadata, memdesc_hole_word, MEMDESC_STATE_HOLE,
			  MEMDESC_CLASS_HOLE, "hole");
}

/* What the raw file and the reports show for a section without a chunk. */
TEST(untracked_word)
{
	assert_state_word(_metadata, memdesc_untracked_word,
			  MEMDESC_STATE_UNTRACKED, MEMDESC_CLASS_UNTRACKED,
			  "untracked");
}

/* The state decides the class before the type bits are looked at. */
TEST(non_page_states_ignore_type_bits)
{
	unsigned int type;

	for (type = 0; type < 16; type++) {
		__u64 t = type | (__u64)(type ? 0 : 3) << 4;

		ASSERT_EQ((unsigned int)MEMDESC_CLASS_UNKNOWN, memdesc_word_class(t));
		ASSERT_EQ((unsigned int)MEMDESC_CLASS_HOLE,
			  memdesc_word_class(t | (__u64)MEMDESC_STATE_HOLE << 9));
		ASSERT_EQ((unsigned int)MEMDESC_CLASS_UNTRACKED,
			  memdesc_word_class(t | (__u64)MEMDESC_STATE_UNTRACKED << 9));
	}
}

/* === Classes === */

static const char * const class_names[MEMDESC_NR_CLASSES] = {
	[MEMDESC_CLASS_DRIVER]		= "driver",
	[MEMDESC_CLASS_RESERVED]	= "reserved",
	[MEMDESC_CLASS_GUARD]		= "guard",
	[MEMDESC_CLASS_OFFLINE]		= "offline",
	[MEMDESC_CLASS_VMALLOC_MAP]	= "vmalloc_map",
	[MEMDESC_CLASS_VMALLOC_UNMAP]	= "vmalloc_unmap",
	[MEMDESC_CLASS_MISC_OTHER]	= "misc_other",
	[MEMDESC_CLASS_FILE]		= "file",
	[MEMDESC_CLASS_ANON]		= "anon",
	[MEMDESC_CLASS_KSM]		= "ksm",
	[MEMDESC_CLASS_SLAB]		= "slab",
	[MEMDESC_CLASS_FREE]		= "free",
	[MEMDESC_CLASS_MOVABLE]		= "movable",
	[MEMDESC_CLASS_PGTABLE]		= "pgtable",
	[MEMDESC_CLASS_NETPOOL]		= "netpool",
	[MEMDESC_CLASS_HWPOISON]	= "hwpoison",
	[MEMDESC_CLASS_UNASSIGNED]	= "unassigned",
	[MEMDESC_CLASS_UNKNOWN]		= "unknown",
	[MEMDESC_CLASS_HOLE]		= "hole",
	[MEMDESC_CLASS_UNTRACKED]	= "untracked",
};

TEST(class_names_cover_every_class)
{
	unsigned int c, d;

	ASSERT_EQ(20, MEMDESC_NR_CLASSES);
	for (c = 0; c < MEMDESC_NR_CLASSES; c++) {
		const char *name = memdesc_class_name(c);

		ASSERT_NE(NULL, name);
		ASSERT_NE(NULL, class_names[c]) TH_LOG("class %u", c);
		ASSERT_STREQ(class_names[c], name);
		ASSERT_STRNE("invalid", name);
		for (d = 0; d < c; d++)
			ASSERT_STRNE(memdesc_class_name(d), name)
				TH_LOG("classes %u and %u share a name", d, c);
	}
	ASSERT_STREQ("invalid", memdesc_class_name(MEMDESC_NR_CLASSES));
	ASSERT_STREQ("invalid", memdesc_class_name(UINT_MAX));
}

/* Each (type, subtype) maps to the class the design gives it. */
TEST(class_of_every_type_and_subtype)
{
	static const unsigned int misc[16] = {
		MEMDESC_CLASS_DRIVER, MEMDESC_CLASS_RESERVED,
		MEMDESC_CLASS_GUARD, MEMDESC_CLASS_OFFLINE,
		MEMDESC_CLASS_VMALLOC_MAP, MEMDESC_CLASS_VMALLOC_UNMAP,
		[6 ... 15] = MEMDESC_CLASS_MISC_OTHER,
	};
	static const unsigned int typed[16] = {
		[MEMDESC_TYPE_FILE]	= MEMDESC_CLASS_FILE,
		[MEMDESC_TYPE_ANON]	= MEMDESC_CLASS_ANON,
		[MEMDESC_TYPE_KSM]	= MEMDESC_CLASS_KSM,
		[MEMDESC_TYPE_SLAB]	= MEMDESC_CLASS_SLAB,
		[MEMDESC_TYPE_FREE]	= MEMDESC_CLASS_FREE,
		[MEMDESC_TYPE_MOVABLE]	= MEMDESC_CLASS_MOVABLE,
		[MEMDESC_TYPE_PGTABLE]	= MEMDESC_CLASS_PGTABLE,
		[MEMDESC_TYPE_NETPOOL]	= MEMDESC_CLASS_NETPOOL,
		[MEMDESC_TYPE_HWPOISON]	= MEMDESC_CLASS_HWPOISON,
		[10 ... 15]		= MEMDESC_CLASS_UNASSIGNED,
	};
	/* Every other field at its maximum must not change the class. */
	__u64 noise = field_mask(F_HEAD) | field_mask(F_MAPPABLE) |
		      field_mask(F_ORDER) | field_mask(F_ZONE) |
		      field_mask(F_NODE);
	unsigned int type, sub;

	for (sub = 0; sub < 16; sub++) {
		__u64 w = page_word(MEMDESC_TYPE_MISC, sub);

		ASSERT_EQ(misc[sub], memdesc_word_class(w)) TH_LOG("subtype %u", sub);
		ASSERT_EQ(misc[sub], memdesc_word_class(w | noise));
		if (sub <= MEMDESC_SUB_VMALLOC_UNMAP)
			ASSERT_STREQ(memdesc_subtype_name(sub),
				     memdesc_class_name(memdesc_word_class(w)));
	}
	for (type = 1; type < 16; type++) {
		__u64 w = page_word(type, 0);

		ASSERT_EQ(typed[type], memdesc_word_class(w)) TH_LOG("type %u", type);
		ASSERT_EQ(typed[type], memdesc_word_class(w | noise));
		/* Class names of typed pages are the type names. */
		ASSERT_STREQ(memdesc_type_name(type),
			     memdesc_class_name(memdesc_word_class(w)));
	}
}

/* === Agreement and random words === */

static void assert_pack_agrees(struct __test_metadata *_metadata,
			       struct memdesc_fields *f, unsigned int node)
{
	__u64 w = SENTINEL;

	f->node = node;
	ASSERT_EQ(0, memdesc_encode(f, &w));
	ASSERT_EQ(w, __memdesc_pack(f->type, f->subtype, f->order, f->zone,
				    f->node));
}

/* The unchecked packer builds exactly what memdesc_encode() builds. */
TEST(pack_agrees_with_encode)
{
	static const unsigned int nodes[] = { 0, 1, 2, 511, 512, 1022, 1023 };
	struct memdesc_fields f = { .state = MEMDESC_STATE_PAGE };
	unsigned int n;

	for (f.type = 0; f.type < 16; f.type++)
		for (f.subtype = 0; f.subtype < 16; f.subtype++) {
			if (f.subtype && f.type != MEMDESC_TYPE_MISC)
				continue;
			for (f.order = 0; f.order <= 63; f.order++)
				for (f.zone = 0; f.zone <= 7; f.zone++)
					for (n = 0; n < ARRAY_SIZE(nodes); n++)
						assert_pack_agrees(_metadata, &f,
								   nodes[n]);
		}
}

/*
 * Any 64-bit word decodes to in-range fields, and re-encoding gives the word
 * back without its reserved bits, unless the word is one encode refuses:
 * a subtype on a typed page.  Every state is valid, so none is refused.
 */
TEST(random_words_reencode)
{
	__u64 seed = 0x9e3779b97f4a7c15ULL;
	struct memdesc_fields f;
	unsigned int i, refused = 0;

	for (i = 0; i < 1000000; i++) {
		__u64 w = next_random(&seed), back = SENTINEL;
		int ret;

		memdesc_decode(w, &f);
		ASSERT_LE(f.type, 15u);
		ASSERT_LE(f.subtype, 15u);
		ASSERT_LE(f.state, 3u);
		ASSERT_LE(f.order, 63u);
		ASSERT_LE(f.zone, 7u);
		ASSERT_LE(f.node, 1023u);

		ret = memdesc_encode(&f, &back);
		if (((f.subtype || f.detail) && f.type) || f.detail > 4) {
			ASSERT_EQ(-EINVAL, ret) TH_LOG("word %#llx", w);
			ASSERT_EQ(SENTINEL, back);
			refused++;
			continue;
		}
		ASSERT_EQ(0, ret) TH_LOG("word %#llx", w);
		ASSERT_EQ(w & ~RESERVED_MASK, back) TH_LOG("word %#llx", w);
	}
	/* The generator did reach both branches. */
	ASSERT_GT(refused, 0u);
	ASSERT_LT(refused, i);
}

TEST_HARNESS_MAIN
