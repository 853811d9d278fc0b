// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow memdesc array, laid out as the memory model lays out memmap.
 *
 * One chunk of MEMDESC_CHUNK_PFNS words for every online memory section, as
 * SPARSEMEM_VMEMMAP holds one piece of memmap per section, allocated on the
 * section's node when that node has memory to give.  A PFN finds its word
 * through a two-level table indexed by section number, as
 * SPARSEMEM_EXTREME finds a section: a root of leaf pointers, sized to the
 * highest section in use, and leaves of one page each.  A hole costs an
 * empty entry at most; a range of address space with no memory, nothing.
 *
 * Which sections are listed.  Every online section: those online at load,
 * and those the memory notifier (memdesc_sync.c) brings in before their
 * first page reaches the allocator.  A section whose chunk could not be
 * allocated is listed untracked: its words read MEMDESC_STATE_UNTRACKED
 * and cost nothing.  A section going offline is dropped and its chunk
 * freed; an unlisted PFN reads as a hole.  The table itself only grows
 * (root replaced, leaves added) until unload.
 *
 * Concurrency.  Probes run in tracepoint context with preemption disabled:
 * an RCU-sched read-side critical section.  They reach the root, a leaf and
 * a chunk through pointers published with rcu_assign_pointer() and read
 * with rcu_dereference_sched(), so a probe that sees a chunk sees it
 * zeroed.  A retired chunk or root is unpublished first and freed after
 * synchronize_rcu(), when no probe can still hold it.  That is all probes
 * need: they never wait and never see freed memory.  Everything else - the
 * walks of compare, summary, seeding and the raw file, and the notifier -
 * holds memdesc_shadow_mutex, which orders them against changes of the
 * table.
 *
 * Words.  Single 64-bit stores and READ_ONCE() reads, so no reader sees a
 * torn word.  A block larger than MEMDESC_BLOCK_PFNS (a gigantic folio:
 * 2^18 PFNs at 1 GiB) is stored coarse: the first word of each
 * MEMDESC_BLOCK_PFNS block it covers holds the word, and a bit in the
 * section's coarse bitmap says the rest of that block reads the same.  So
 * no event stores more than MEMDESC_BLOCK_PFNS words, whatever its order,
 * though gigantic-page events fire with interrupts off: a 1 GiB folio is
 * 256 stores, not 262,144.  An event for a smaller block inside a coarse
 * one first expands that one block, the cost of one largest buddy block:
 * the kernel orders events on the same pages, so no coarse store into the
 * block can come in meanwhile.  Seeding and resync do not expand a coarse
 * block that way, as they run beside any event: seeding leaves it (its
 * words are all an event's), and a resync writes a block that is coarse
 * in the live state too through its first word, and any other through
 * cmpxchg64() on each word, clearing the bit only if no coarse store came
 * into the section meanwhile (memdesc_view_uncoarse()).
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/bitops.h>
#include <linux/memory_hotplug.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "memdesc.h"
#include "memdesc_compat.h"

/* What the word must hold on this kernel: fail the build, not the machine. */
static_assert(MAX_NR_ZONES - 1 <= MEMDESC_ZONE_MAX);
static_assert(NODES_SHIFT <= MEMDESC_NODE_BITS);
static_assert(MEMDESC_MAX_FOLIO_ORDER <= MEMDESC_ORDER_MAX);
/* Blocks are whole buddy blocks inside a section, and fit one bitmap. */
static_assert(MEMDESC_BLOCK_PFNS == MAX_ORDER_NR_PAGES);
static_assert(MEMDESC_BLOCK_PFNS <= MEMDESC_CHUNK_PFNS);
static_assert(MEMDESC_CHUNK_PFNS / MEMDESC_BLOCK_PFNS <= BITS_PER_LONG);

/*
 * A section's coarse word: a bit per block, and above them a count of
 * coarse stores, by which a resync knows that one came in while it read
 * (memdesc_view_uncoarse()).  Zero whenever no block is coarse, which is
 * all the probes' fast path tests.
 */
#define MEMDESC_COARSE_SEQ	BIT(32)
#define MEMDESC_COARSE_BLOCKS	(MEMDESC_COARSE_SEQ - 1)
static_assert(MEMDESC_CHUNK_PFNS / MEMDESC_BLOCK_PFNS <= 32);

/* Where a section stands in the table. */
enum memdesc_section_state {
	MEMDESC_SECTION_ABSENT,		/* not listed: offline, or no memory */
	MEMDESC_SECTION_TRACKED,	/* listed, with a chunk */
	MEMDESC_SECTION_UNTRACKED,	/* listed, online, no chunk */
};

/**
 * struct memdesc_section - one memory section's entry in the table
 * @words:	its chunk of MEMDESC_CHUNK_PFNS words, or NULL; written under
 *		memdesc_shadow_mutex, read by probes under RCU-sched
 * @coarse:	bit b set: every word of block b reads as its first word
 *		(head bit aside); above the block bits, a count of coarse
 *		stores into the section since it last had no coarse block
 *		(MEMDESC_COARSE_SEQ); atomic operations, any context
 * @owners:	while owners are tracked (memdesc_owners.c), a u32 per PFN
 *		beside @words: at a block's head, the stack depot handle of
 *		its allocation; published and retired as @words is
 * @nid:	node of the section's memory; memdesc_shadow_mutex
 * @state:	enum memdesc_section_state; memdesc_shadow_mutex
 *
 * Probes read @words and @coarse, which share a cache line: entries are
 * aligned to a power of two, which also makes the leaf index a shift.
 */
struct memdesc_section {
	u64 __rcu *words;
	unsigned long coarse;
	u32 __rcu *owners;
	int nid;
	unsigned int state;
} __aligned(32);

static_assert(sizeof(struct memdesc_section) == 32);

#define MEMDESC_LEAF_SECTIONS	(PAGE_SIZE / sizeof(struct memdesc_section))

/* One page of entries: MEMDESC_LEAF_SECTIONS consecutive sections. */
struct memdesc_leaf {
	struct memdesc_section sec[MEMDESC_LEAF_SECTIONS];
};

/**
 * struct memdesc_root - the top of the table
 * @nr_leaves:	entries in @leaf; sections from 0 up to the highest in use
 * @leaf:	leaves; memdesc_empty_leaf where no section of theirs was
 *		ever listed
 */
struct memdesc_root {
	unsigned long nr_leaves;
	struct memdesc_leaf __rcu *leaf[];
};

/*
 * What a probe finds where nothing is: a root of no leaf, and a leaf of no
 * chunk.  Never NULL, so the probes' lookup tests no pointer but the chunk.
 */
static struct memdesc_root memdesc_empty_root;
static struct memdesc_leaf memdesc_empty_leaf;

static struct memdesc_root __rcu *memdesc_root =
	RCU_INITIALIZER(&memdesc_empty_root);
/* The table's shape and every section's state; see the top of the file. */
static DEFINE_MUTEX(memdesc_shadow_mutex);

/* Totals for stats, written under memdesc_shadow_mutex, read racily. */
static unsigned long memdesc_nr_tracked;	/* sections with a chunk */
static unsigned long memdesc_nr_untracked;	/* listed without one */
static unsigned long memdesc_nr_leaves;		/* leaves allocated */
static unsigned long memdesc_nr_remote;		/* chunks off their node */
static unsigned long memdesc_nr_vmalloc;	/* chunks from vmalloc */
static unsigned long memdesc_nr_unlisted;	/* online, no entry at all */

/* Owner slots: given to every section listed while set. */
static bool memdesc_owner_slots;
static unsigned long memdesc_nr_owner_arrays;	/* sections with slots */

/* Bumped whenever the listed set changes; the raw file's cursor checks it. */
static unsigned long memdesc_generation;

/*
 * @nr copies of @word from @w, into words that readers load without a lock
 * (READ_ONCE()) and that probes may store to meanwhile: each store must be
 * single-copy atomic, as WRITE_ONCE()'s is.  On x86-64, the one
 * architecture this module is built and tested for, memset64() is rep
 * stosq over aligned quadwords: each store is atomic (Intel SDM vol. 3A,
 * 8.2.4: for elements of native size within one cache line) though their
 * order may vary, which readers taking the words one at a time do not
 * mind; at a third of a WRITE_ONCE() loop's instructions.  The
 * generic memset64() is a plain C loop the compiler may tear or merge as it
 * likes, so elsewhere this is that WRITE_ONCE() loop.
 *
 * Being asm, rep stosq is invisible to KCSAN; the WRITE_ONCE()s it stands
 * for are marked, so the races it takes part in are intended ones.
 */
static __always_inline void memdesc_store_words(u64 *w, u64 word,
						unsigned long nr)
{
#ifdef CONFIG_X86_64
	memset64(w, word, nr);
#else
	unsigned long i;

	for (i = 0; i < nr; i++)
		WRITE_ONCE(w[i], word);
#endif
}

/* === The table === */

static struct memdesc_root *memdesc_root_locked(void)
{
	return rcu_dereference_protected(memdesc_root,
					 lockdep_is_held(&memdesc_shadow_mutex));
}

/* The entry of section @nr, or NULL if no leaf holds it; under the mutex. */
static struct memdesc_section *memdesc_section_locked(unsigned long nr)
{
	struct memdesc_root *root = memdesc_root_locked();
	struct memdesc_leaf *leaf;

	if (nr / MEMDESC_LEAF_SECTIONS >= root->nr_leaves)
		return NULL;
	leaf = rcu_dereference_protected(root->leaf[nr / MEMDESC_LEAF_SECTIONS],
					 lockdep_is_held(&memdesc_shadow_mutex));
	if (leaf == &memdesc_empty_leaf)
		return NULL;
	return &leaf->sec[nr % MEMDESC_LEAF_SECTIONS];
}

static u64 *memdesc_words_locked(struct memdesc_section *s)
{
	return rcu_dereference_protected(s->words,
					 lockdep_is_held(&memdesc_shadow_mutex));
}

static u32 *memdesc_owners_locked(struct memdesc_section *s)
{
	return rcu_dereference_protected(s->owners,
					 lockdep_is_held(&memdesc_shadow_mutex));
}

/*
 * Make the root reach section @nr: a larger copy replaces it, and the old
 * one is freed once no probe can be reading it.  Sleeps.
 */
static int memdesc_root_grow(unsigned long nr)
{
	struct memdesc_root *old = memdesc_root_locked(), *root;
	unsigned long want = nr / MEMDESC_LEAF_SECTIONS + 1, i;

	if (want <= old->nr_leaves)
		return 0;
	/* Sections beyond the physical address space are a caller's bug. */
	if (WARN_ON_ONCE(nr >= NR_MEM_SECTIONS))
		return -ENOMEM;
	root = memdesc_kvmalloc(1, struct_size(root, leaf, want),
				GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO,
				NUMA_NO_NODE);
	if (!root)
		return -ENOMEM;
	root->nr_leaves = want;
	for (i = 0; i < want; i++)
		RCU_INIT_POINTER(root->leaf[i], i < old->nr_leaves ?
				 rcu_dereference_protected(old->leaf[i], true) :
				 &memdesc_empty_leaf);
	rcu_assign_pointer(memdesc_root, root);
	if (old != &memdesc_empty_root) {
		synchronize_rcu();
		memdesc_kvfree(old);
	}
	return 0;
}

/* The entry of section @nr, growing the table to hold it.  Sleeps. */
static struct memdesc_section *memdesc_section_make(unsigned long nr, int nid)
{
	struct memdesc_section *s = memdesc_section_locked(nr);
	struct memdesc_root *root;
	struct memdesc_leaf *leaf;

	if (s)
		return s;
	if (memdesc_root_grow(nr))
		return NULL;
	leaf = memdesc_kvmalloc(1, sizeof(*leaf),
				GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO, nid);
	if (!leaf)
		return NULL;
	root = memdesc_root_locked();
	rcu_assign_pointer(root->leaf[nr / MEMDESC_LEAF_SECTIONS], leaf);
	memdesc_nr_leaves++;
	return &leaf->sec[nr % MEMDESC_LEAF_SECTIONS];
}

/* === Chunks === */

/*
 * The node holding a chunk's memory, or NUMA_NO_NODE if its pages are on
 * several (a vmalloc chunk can be).
 */
static int memdesc_chunk_nid(const u64 *words)
{
	int nid, i;

	if (!is_vmalloc_addr(words))
		return page_to_nid(virt_to_page(words));
	nid = page_to_nid(vmalloc_to_page(words));
	for (i = 1; i < MEMDESC_CHUNK_BYTES / PAGE_SIZE; i++)
		if (page_to_nid(vmalloc_to_page((char *)words + i * PAGE_SIZE)) != nid)
			return NUMA_NO_NODE;
	return nid;
}

/*
 * A zeroed chunk for a section of node @nid, from that node if it has the
 * memory, else from anywhere (a node coming online has none yet, as when
 * the kernel places a hot-added section's memmap).  kvmalloc: one
 * contiguous allocation where it can, vmalloc pages otherwise.  A fixed
 * size, and no warning on failure: the caller lists the section untracked.
 */
static u64 *memdesc_chunk_alloc(int nid, bool local_only)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO;

	return memdesc_kvmalloc_near(MEMDESC_CHUNK_BYTES, gfp, nid, !local_only);
}

static void memdesc_chunk_account(const u64 *words, int nid, int sign)
{
	if (is_vmalloc_addr(words))
		memdesc_nr_vmalloc += sign;
	if (memdesc_chunk_nid(words) != nid)
		memdesc_nr_remote += sign;
}

/* Put @words in @s; the old chunk, if any, is the caller's to retire. */
static void memdesc_chunk_publish(struct memdesc_section *s, u64 *words)
{
	rcu_assign_pointer(s->words, words);
	memdesc_chunk_account(words, s->nid, 1);
}

/* Take @s's chunk out of the table; free it after synchronize_rcu(). */
static u64 *memdesc_chunk_unpublish(struct memdesc_section *s)
{
	u64 *words = memdesc_words_locked(s);

	if (words) {
		RCU_INIT_POINTER(s->words, NULL);
		memdesc_chunk_account(words, s->nid, -1);
	}
	WRITE_ONCE(s->coarse, 0);
	return words;
}

/*
 * Owner slots for a section of node @nid: zeroed, for "allocated before
 * owners were tracked".  Node-local where the node has the memory, as the
 * chunk is.
 */
static u32 *memdesc_owners_alloc(int nid)
{
	return memdesc_kvmalloc_near(MEMDESC_CHUNK_PFNS * sizeof(u32),
				     GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO,
				     nid, true);
}

/* Give @s owner slots, or clear the ones it has; false if none to give. */
static bool memdesc_owners_publish(struct memdesc_section *s)
{
	u32 *owners = memdesc_owners_locked(s);

	if (owners) {
		memset32(owners, 0, MEMDESC_CHUNK_PFNS);
		return true;
	}
	owners = memdesc_owners_alloc(s->nid);
	if (!owners)
		return false;
	rcu_assign_pointer(s->owners, owners);
	memdesc_nr_owner_arrays++;
	return true;
}

/* Take @s's owner slots out of the table; free after synchronize_rcu(). */
static u32 *memdesc_owners_unpublish(struct memdesc_section *s)
{
	u32 *owners = memdesc_owners_locked(s);

	if (owners) {
		RCU_INIT_POINTER(s->owners, NULL);
		memdesc_nr_owner_arrays--;
	}
	return owners;
}

static void memdesc_section_set_state(struct memdesc_section *s,
				      unsigned int state)
{
	if (s->state == MEMDESC_SECTION_TRACKED)
		memdesc_nr_tracked--;
	else if (s->state == MEMDESC_SECTION_UNTRACKED)
		memdesc_nr_untracked--;
	if (state == MEMDESC_SECTION_TRACKED)
		memdesc_nr_tracked++;
	else if (state == MEMDESC_SECTION_UNTRACKED)
		memdesc_nr_untracked++;
	if (s->state != state)
		memdesc_generation++;
	s->state = state;
}

/**
 * struct memdesc_section_change - what adding or dropping sections did
 * @added:	sections given a chunk
 * @untracked:	sections listed without one
 * @unlisted:	online sections with no table entry either
 * @moved:	chunks moved to their own node
 * @dropped:	sections dropped
 */
struct memdesc_section_change {
	unsigned long added;
	unsigned long untracked;
	unsigned long unlisted;
	unsigned long moved;
	unsigned long dropped;
};

/* Say once per change how much memory the shadow could not cover. */
static void memdesc_report_untracked(const char *when,
				     const struct memdesc_section_change *c)
{
	if (c->untracked)
		pr_warn("%s: no memory for the shadow of %lu MiB (%lu sections): it reads untracked\n",
			when, c->untracked * (MEMDESC_CHUNK_PFNS >> (20 - PAGE_SHIFT)),
			c->untracked);
	if (c->unlisted)
		pr_warn("%s: no memory for the table entries of %lu MiB (%lu sections): not listed at all\n",
			when, c->unlisted * (MEMDESC_CHUNK_PFNS >> (20 - PAGE_SHIFT)),
			c->unlisted);
}

/*
 * List section @nr of node @nid with a fresh chunk of UNKNOWN words.  An
 * existing chunk is reset (the section was offline, or is being onlined
 * again): nothing writes to an offline section's words.
 */
static void memdesc_section_add(unsigned long nr, int nid,
				struct memdesc_section_change *c)
{
	struct memdesc_section *s = memdesc_section_make(nr, nid);
	u64 *words;

	if (!s) {
		c->unlisted++;
		memdesc_nr_unlisted++;
		return;
	}
	words = memdesc_words_locked(s);
	if (words) {
		WRITE_ONCE(s->coarse, 0);
		memdesc_store_words(words, MEMDESC_WORD_UNKNOWN,
				    MEMDESC_CHUNK_PFNS);
	} else {
		s->nid = nid;
		words = memdesc_chunk_alloc(nid, false);
		if (!words) {
			memdesc_section_set_state(s, MEMDESC_SECTION_UNTRACKED);
			c->untracked++;
			return;
		}
		memdesc_chunk_publish(s, words);
		c->added++;
	}
	memdesc_section_set_state(s, MEMDESC_SECTION_TRACKED);
	/* Without slots, the section's allocations count as no_slot. */
	if (memdesc_owner_slots)
		memdesc_owners_publish(s);
}

/* The node of an online section: its first page's. */
static int memdesc_section_nid(unsigned long nr)
{
	struct page *page = pfn_to_online_page(section_nr_to_pfn(nr));

	return page ? page_to_nid(page) : NUMA_NO_NODE;
}

/*
 * The highest section online now, or -1.  Every online section lies in an
 * online node's span.
 */
static long memdesc_highest_online_section(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, pgdat_end_pfn(NODE_DATA(nid)));
	return end ? (long)pfn_to_section_nr(end - 1) : -1;
}

/* Whether section @nr is online: the memory notifier's sense. */
static bool memdesc_section_online(unsigned long nr)
{
	return nr < NR_MEM_SECTIONS && online_section_nr(nr);
}

/* Free chunks and slots once no probe can hold them; empties @n. */
static void memdesc_chunks_retire(void **retired, unsigned int *n)
{
	unsigned int i;

	if (!*n)
		return;
	synchronize_rcu();
	for (i = 0; i < *n; i++)
		memdesc_kvfree(retired[i]);
	*n = 0;
}

#define MEMDESC_RETIRE_BATCH	64

/*
 * Unlist section @s; its chunk and owner slots join @retired, freed in
 * batches.
 */
static void memdesc_section_drop(struct memdesc_section *s, void **retired,
				 unsigned int *n)
{
	u64 *words = memdesc_chunk_unpublish(s);
	u32 *owners = memdesc_owners_unpublish(s);

	memdesc_section_set_state(s, MEMDESC_SECTION_ABSENT);
	if (words)
		retired[(*n)++] = words;
	if (owners)
		retired[(*n)++] = owners;
	if (*n >= MEMDESC_RETIRE_BATCH - 1)
		memdesc_chunks_retire(retired, n);
}

/*
 * Make the listed set the online sections: add what came online, drop
 * what went offline.  Caller holds the mutex.
 */
static void memdesc_sections_reconcile(struct memdesc_section_change *c)
{
	long top = memdesc_highest_online_section();
	struct memdesc_root *root = memdesc_root_locked();
	unsigned long nr, last = root->nr_leaves * MEMDESC_LEAF_SECTIONS;
	void *retired[MEMDESC_RETIRE_BATCH];
	struct memdesc_section *s;
	unsigned int n = 0;
	bool online;

	if (top >= 0)
		last = max(last, (unsigned long)top + 1);
	for (nr = 0; nr < last; nr++) {
		online = memdesc_section_online(nr);
		s = memdesc_section_locked(nr);
		if (online && (!s || s->state == MEMDESC_SECTION_ABSENT)) {
			memdesc_section_add(nr, memdesc_section_nid(nr), c);
		} else if (!online && s && s->state != MEMDESC_SECTION_ABSENT) {
			memdesc_section_drop(s, retired, &n);
			c->dropped++;
		}
		if (!(nr % 256))
			cond_resched();
	}
	memdesc_chunks_retire(retired, &n);
}

/* The table's root and leaves for every section online now. */
static int memdesc_table_init(void)
{
	long top = memdesc_highest_online_section();
	unsigned long nr;
	int err;

	if (top < 0)
		return 0;
	err = memdesc_root_grow(top);
	for (nr = 0; !err && nr <= top; nr++)
		if (memdesc_section_online(nr) &&
		    !memdesc_section_make(nr, memdesc_section_nid(nr)))
			err = -ENOMEM;
	return err;
}

/**
 * memdesc_shadow_init - the table and a chunk for every online section
 *
 * Every word starts MEMDESC_WORD_UNKNOWN (zero).  A section whose chunk
 * cannot be allocated is listed untracked and the load goes on.
 *
 * Return: 0, or -ENOMEM if the table itself cannot be allocated; then
 * nothing is left allocated.
 */
int memdesc_shadow_init(void)
{
	struct memdesc_section_change c = { };
	int err;

	mutex_lock(&memdesc_shadow_mutex);
	err = memdesc_table_init();
	if (!err) {
		memdesc_sections_reconcile(&c);
		memdesc_report_untracked("load", &c);
	}
	mutex_unlock(&memdesc_shadow_mutex);
	if (err)
		memdesc_shadow_destroy();
	return err;
}

/**
 * memdesc_shadow_destroy - free the shadow
 *
 * The probes and the memory notifier must be gone first, and every reader.
 */
void memdesc_shadow_destroy(void)
{
	struct memdesc_root *root;
	struct memdesc_leaf *leaf;
	unsigned long l, i;

	mutex_lock(&memdesc_shadow_mutex);
	root = memdesc_root_locked();
	for (l = 0; l < root->nr_leaves; l++) {
		leaf = rcu_dereference_protected(root->leaf[l], true);
		if (leaf == &memdesc_empty_leaf)
			continue;
		for (i = 0; i < MEMDESC_LEAF_SECTIONS; i++) {
			memdesc_kvfree(memdesc_chunk_unpublish(&leaf->sec[i]));
			memdesc_kvfree(memdesc_owners_unpublish(&leaf->sec[i]));
		}
		memdesc_kvfree(leaf);
	}
	if (root != &memdesc_empty_root)
		memdesc_kvfree(root);
	RCU_INIT_POINTER(memdesc_root, &memdesc_empty_root);
	memdesc_nr_tracked = 0;
	memdesc_nr_untracked = 0;
	memdesc_nr_leaves = 0;
	memdesc_nr_remote = 0;
	memdesc_nr_vmalloc = 0;
	memdesc_nr_unlisted = 0;
	memdesc_owner_slots = false;
	memdesc_generation++;
	mutex_unlock(&memdesc_shadow_mutex);
}

/**
 * memdesc_shadow_online - list the sections of a block going online
 * @start_pfn:	first PFN, section aligned
 * @nr_pages:	whole sections
 *
 * For MEM_GOING_ONLINE, before the block's first page reaches the
 * allocator: each section gets a chunk of UNKNOWN words (reusing and
 * resetting one that is still there), or is listed untracked.  Sleeps.
 */
void memdesc_shadow_online(unsigned long start_pfn, unsigned long nr_pages)
{
	struct memdesc_section_change c = { };
	unsigned long nr = pfn_to_section_nr(start_pfn);
	unsigned long end = pfn_to_section_nr(start_pfn + nr_pages - 1);
	struct page *page;
	int nid;

	mutex_lock(&memdesc_shadow_mutex);
	for (; nr <= end; nr++) {
		/* Initialized by move_pfn_range_to_zone() before the notifier. */
		page = pfn_to_page(section_nr_to_pfn(nr));
		nid = page_to_nid(page);
		memdesc_section_add(nr, nid, &c);
	}
	memdesc_report_untracked("memory online", &c);
	mutex_unlock(&memdesc_shadow_mutex);
}

/**
 * memdesc_shadow_online_done - settle the sections of a block now online
 * @start_pfn:	first PFN, section aligned
 * @nr_pages:	whole sections
 *
 * For MEM_ONLINE.  A section the notifier missed going online (the module
 * loaded in between) is listed now.  A chunk that had to come from
 * another node because its own had no memory yet - the first block of a
 * node that appears at runtime - moves to the node, which has memory now:
 * a fresh chunk replaces it, and the caller seeds the UNKNOWN words from
 * the live state, as for any new chunk.  Events the old chunk took are
 * lost with it; seeding reads what they wrote from struct page.  Sleeps.
 */
void memdesc_shadow_online_done(unsigned long start_pfn,
				unsigned long nr_pages)
{
	struct memdesc_section_change c = { };
	unsigned long nr = pfn_to_section_nr(start_pfn);
	unsigned long end = pfn_to_section_nr(start_pfn + nr_pages - 1);
	struct memdesc_section *s;
	u64 *words, *old;

	mutex_lock(&memdesc_shadow_mutex);
	for (; nr <= end; nr++) {
		s = memdesc_section_locked(nr);
		if (!s || s->state == MEMDESC_SECTION_ABSENT) {
			if (memdesc_section_online(nr))
				memdesc_section_add(nr, memdesc_section_nid(nr), &c);
			continue;
		}
		old = memdesc_words_locked(s);
		if (!old || memdesc_chunk_nid(old) == s->nid)
			continue;
		words = memdesc_chunk_alloc(s->nid, true);
		if (!words)
			continue;
		memdesc_chunk_account(old, s->nid, -1);
		memdesc_chunk_publish(s, words);
		memdesc_generation++;
		synchronize_rcu();
		memdesc_kvfree(old);
		c.moved++;
	}
	memdesc_report_untracked("memory online", &c);
	if (c.moved)
		pr_info("memory online: %lu shadow chunks moved to node %d\n",
			c.moved, memdesc_section_nid(pfn_to_section_nr(start_pfn)));
	mutex_unlock(&memdesc_shadow_mutex);
}

/**
 * memdesc_shadow_offline - drop the sections of a block gone offline
 * @start_pfn:	first PFN, section aligned
 * @nr_pages:	whole sections
 *
 * For MEM_OFFLINE and MEM_CANCEL_ONLINE: the block's pages left the
 * allocator (or never reached it), so no event can name them; a probe that
 * found a chunk just before is waited for before the chunk is freed.
 * Sleeps.
 */
void memdesc_shadow_offline(unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned long nr = pfn_to_section_nr(start_pfn);
	unsigned long end = pfn_to_section_nr(start_pfn + nr_pages - 1);
	void *retired[MEMDESC_RETIRE_BATCH];
	struct memdesc_section *s;
	unsigned int n = 0;

	mutex_lock(&memdesc_shadow_mutex);
	for (; nr <= end; nr++) {
		s = memdesc_section_locked(nr);
		if (s && s->state != MEMDESC_SECTION_ABSENT)
			memdesc_section_drop(s, retired, &n);
	}
	memdesc_chunks_retire(retired, &n);
	mutex_unlock(&memdesc_shadow_mutex);
}

/**
 * memdesc_shadow_reconcile - list exactly the sections online now
 *
 * For the load: memory that went on- or offline between the table's
 * allocation and the notifier's registration.  Sleeps.
 */
void memdesc_shadow_reconcile(void)
{
	struct memdesc_section_change c = { };

	mutex_lock(&memdesc_shadow_mutex);
	memdesc_sections_reconcile(&c);
	memdesc_report_untracked("load", &c);
	mutex_unlock(&memdesc_shadow_mutex);
}

/* === Walks (memdesc_shadow_mutex held) === */

/**
 * memdesc_shadow_lock - hold the table still for a walk
 *
 * Memory going on- or offline waits until memdesc_shadow_unlock().
 */
void memdesc_shadow_lock(void)
{
	mutex_lock(&memdesc_shadow_mutex);
}

/**
 * memdesc_shadow_unlock - let the table change again
 */
void memdesc_shadow_unlock(void)
{
	mutex_unlock(&memdesc_shadow_mutex);
}

/* Fill @v for the first listed section at or after @nr. */
static bool memdesc_view_find(struct memdesc_view *v, unsigned long nr)
{
	struct memdesc_root *root = memdesc_root_locked();
	unsigned long end = root->nr_leaves * MEMDESC_LEAF_SECTIONS;
	struct memdesc_section *s;

	for (; nr < end; nr++) {
		s = memdesc_section_locked(nr);
		if (!s) {
			nr = round_up(nr + 1, MEMDESC_LEAF_SECTIONS) - 1;
			continue;
		}
		if (s->state == MEMDESC_SECTION_ABSENT)
			continue;
		v->nr = nr;
		v->start_pfn = section_nr_to_pfn(nr);
		v->nid = s->nid;
		v->words = memdesc_words_locked(s);
		v->owners = memdesc_owners_locked(s);
		v->sec = s;
		return true;
	}
	v->nr = MEMDESC_VIEW_END;
	v->sec = NULL;
	v->words = NULL;
	v->owners = NULL;
	return false;
}

/**
 * memdesc_shadow_first - start a walk over the listed sections
 * @v:		the walk's view of its section
 *
 * Sections come in PFN order; @v->index counts them, as the raw file lays
 * them out.  Caller holds memdesc_shadow_lock().
 *
 * Return: false if no section is listed.
 */
bool memdesc_shadow_first(struct memdesc_view *v)
{
	lockdep_assert_held(&memdesc_shadow_mutex);
	v->index = 0;
	return memdesc_view_find(v, 0);
}

/**
 * memdesc_shadow_next - the next listed section of a walk
 * @v:		the view memdesc_shadow_first() filled in
 *
 * Return: false after the last.
 */
bool memdesc_shadow_next(struct memdesc_view *v)
{
	lockdep_assert_held(&memdesc_shadow_mutex);
	v->index++;
	return memdesc_view_find(v, v->nr + 1);
}

/* A coarse block's words, made whole in @buf. */
static const u64 *memdesc_coarse_fill(u64 first, u64 *buf)
{
	buf[0] = first;
	memset64(buf + 1, first & ~MEMDESC_HEAD, MEMDESC_BLOCK_PFNS - 1);
	return buf;
}

/**
 * memdesc_view_block - the words of one block of a walk's section
 * @v:		a view of a listed section
 * @block:	below MEMDESC_CHUNK_PFNS / MEMDESC_BLOCK_PFNS
 * @buf:	MEMDESC_BLOCK_PFNS words of room
 *
 * The chunk's own words, to be read with READ_ONCE(), or @buf holding the
 * words of a coarse block or of an untracked section.
 *
 * Return: MEMDESC_BLOCK_PFNS words.
 */
const u64 *memdesc_view_block(const struct memdesc_view *v, unsigned int block,
			      u64 *buf)
{
	unsigned long coarse;

	if (!v->words) {
		memset64(buf, memdesc_untracked_word(v->nid), MEMDESC_BLOCK_PFNS);
		return buf;
	}
	/* Pairs with memdesc_set_coarse(): the word before the bit. */
	coarse = smp_load_acquire(&v->sec->coarse);
	if (unlikely(coarse & BIT(block)))
		return memdesc_coarse_fill(READ_ONCE(v->words[block <<
							       MEMDESC_BLOCK_ORDER]),
					   buf);
	return v->words + (block << MEMDESC_BLOCK_ORDER);
}

/**
 * memdesc_view_word - one word of a walk's section
 * @v:		a view of a listed section
 * @i:		below MEMDESC_CHUNK_PFNS
 *
 * Return: the word of PFN @v->start_pfn + @i.
 */
u64 memdesc_view_word(const struct memdesc_view *v, unsigned long i)
{
	unsigned long coarse;
	u64 w;

	if (!v->words)
		return memdesc_untracked_word(v->nid);
	/* Pairs with memdesc_set_coarse() and memdesc_split_block(). */
	coarse = smp_load_acquire(&v->sec->coarse);
	if (likely(!(coarse & BIT(i >> MEMDESC_BLOCK_ORDER))))
		return READ_ONCE(v->words[i]);
	w = READ_ONCE(v->words[i & ~(MEMDESC_BLOCK_PFNS - 1)]);
	return i & (MEMDESC_BLOCK_PFNS - 1) ? w & ~MEMDESC_HEAD : w;
}

/*
 * Mark block @block of @s coarse and count a coarse store.  Fully ordered,
 * as a successful cmpxchg is: the block's first word, written before,
 * is seen by whoever sees the bit (memdesc_view_block()).  Any context.
 */
static void memdesc_coarse_set(struct memdesc_section *s, unsigned int block)
{
	unsigned long old = READ_ONCE(s->coarse);

	while (!try_cmpxchg(&s->coarse, &old,
			    (old | BIT(block)) + MEMDESC_COARSE_SEQ))
		;
}

/*
 * Clear block @block's bit, unless @seen is set and a coarse store came in
 * since the coarse word read @seen; with the last bit, the count goes too.
 * Fully ordered: a reader that sees the bit clear sees the words written
 * before.  Any context.
 *
 * Return: false if a coarse store came in since @seen (the bit stays).
 */
static bool memdesc_coarse_clear(struct memdesc_section *s,
				 unsigned int block, const unsigned long *seen)
{
	unsigned long old = READ_ONCE(s->coarse), new;

	do {
		if (!(old & BIT(block)))
			return true;
		if (seen && (old ^ *seen) & ~MEMDESC_COARSE_BLOCKS)
			return false;
		new = old & ~BIT(block);
		if (!(new & MEMDESC_COARSE_BLOCKS))
			new = 0;
	} while (!try_cmpxchg(&s->coarse, &old, new));
	return true;
}

/*
 * Write out a coarse block's word to every word of it and clear its bit:
 * from here its words are each their own.  For an event that lands in the
 * block: the kernel orders events on the same pages, so no coarse store
 * into this block can come in meanwhile.  Any context.
 */
static void memdesc_split_block(struct memdesc_section *s, u64 *words,
				unsigned int block)
{
	u64 *b = words + (block << MEMDESC_BLOCK_ORDER);

	memdesc_store_words(b + 1, READ_ONCE(b[0]) & ~MEMDESC_HEAD,
			    MEMDESC_BLOCK_PFNS - 1);
	memdesc_coarse_clear(s, block, NULL);
}

/**
 * memdesc_view_raw - one block of a walk's section, to write words into
 * @v:		a view of a listed section
 * @block:	below MEMDESC_CHUNK_PFNS / MEMDESC_BLOCK_PFNS
 * @seen:	set to the section's coarse word if the block is coarse
 *
 * The chunk's own words.  Writers (seeding, resync) update them with
 * cmpxchg64(), racing the probes.  A coarse block is not split: its words
 * past the first are hidden until memdesc_view_uncoarse() (a resync that
 * wrote them all), or until an event splits it.
 *
 * Return: MEMDESC_BLOCK_PFNS words, or NULL for an untracked section;
 * *@seen is 0 unless the block is coarse.
 */
u64 *memdesc_view_raw(const struct memdesc_view *v, unsigned int block,
		      unsigned long *seen)
{
	unsigned long coarse;

	*seen = 0;
	if (!v->words)
		return NULL;
	/* Pairs with memdesc_coarse_set(): the first word after the bit. */
	coarse = smp_load_acquire(&v->sec->coarse);
	if (coarse & BIT(block))
		*seen = coarse;
	return v->words + (block << MEMDESC_BLOCK_ORDER);
}

/**
 * memdesc_view_uncoarse - a resync wrote every word of a coarse block
 * @v:		a view of a listed section
 * @block:	the block memdesc_view_raw() found coarse
 * @seen:	the coarse word it found
 *
 * The words become the block's own, unless a coarse store came into the
 * section since @seen was read: its word, newer than the resync's, then
 * stays the block's.  (It may have been into another block: the block then
 * stays coarse, on the resync's first word, for the next event or resync.)
 *
 * Return: false if the block stayed coarse.
 */
bool memdesc_view_uncoarse(const struct memdesc_view *v, unsigned int block,
			   unsigned long seen)
{
	return memdesc_coarse_clear(v->sec, block, &seen);
}

/**
 * memdesc_view_backing - where a walk's section's chunk lives
 * @v:		a view of a listed section
 * @nid:	set to the node of the chunk's memory; NUMA_NO_NODE if several
 * @pfn:	set to the PFN of its first page
 *
 * Return: "direct" (one allocation in the direct map), "vmalloc", or
 * "none" for an untracked section.
 */
const char *memdesc_view_backing(const struct memdesc_view *v, int *nid,
				 unsigned long *pfn)
{
	*nid = NUMA_NO_NODE;
	*pfn = 0;
	if (!v->words)
		return "none";
	*nid = memdesc_chunk_nid(v->words);
	if (!is_vmalloc_addr(v->words)) {
		*pfn = page_to_pfn(virt_to_page(v->words));
		return "direct";
	}
	*pfn = page_to_pfn(vmalloc_to_page(v->words));
	return "vmalloc";
}

/**
 * memdesc_shadow_word_at - the shadow word of any PFN, for a report
 * @pfn:	the PFN
 * @word:	set to its word: a hole word if no listed section holds it
 *
 * Caller holds memdesc_shadow_lock().
 *
 * Return: true if the PFN has a struct page (pfn_valid()): online memory,
 * or memory that is present but offline, which reads as a hole.
 */
bool memdesc_shadow_word_at(unsigned long pfn, u64 *word)
{
	struct memdesc_section *s;
	struct memdesc_view v;

	lockdep_assert_held(&memdesc_shadow_mutex);
	if (!pfn_valid(pfn))
		return false;
	s = memdesc_section_locked(pfn_to_section_nr(pfn));
	if (!s || s->state == MEMDESC_SECTION_ABSENT) {
		*word = memdesc_hole_word(s ? s->nid : 0);
		return true;
	}
	v.nid = s->nid;
	v.sec = s;
	v.words = memdesc_words_locked(s);
	*word = memdesc_view_word(&v, pfn % MEMDESC_CHUNK_PFNS);
	return true;
}

/**
 * memdesc_shadow_owner_at - the owner slot of any PFN, for a report
 * @pfn:	the PFN
 * @owner:	set to the slot's value
 *
 * Caller holds memdesc_shadow_lock().
 *
 * Return: false if the PFN's section has no owner slots (owners are not
 * tracked, or it had no memory for them).
 */
bool memdesc_shadow_owner_at(unsigned long pfn, u32 *owner)
{
	struct memdesc_section *s;
	u32 *owners;

	lockdep_assert_held(&memdesc_shadow_mutex);
	s = memdesc_section_locked(pfn_to_section_nr(pfn));
	if (!s || s->state == MEMDESC_SECTION_ABSENT)
		return false;
	owners = memdesc_owners_locked(s);
	if (!owners)
		return false;
	*owner = READ_ONCE(owners[pfn % MEMDESC_CHUNK_PFNS]);
	return true;
}

/**
 * memdesc_shadow_pfn_valid - whether the reports answer for a PFN
 * @pfn:	the PFN
 *
 * Return: true if it has a struct page: online memory, or present memory
 * that is offline (a hole).
 */
bool memdesc_shadow_pfn_valid(unsigned long pfn)
{
	return pfn_valid(pfn);
}

/**
 * memdesc_shadow_first_pfn - the first PFN of the first listed section
 *
 * Return: it, or 0 if none is listed.
 */
unsigned long memdesc_shadow_first_pfn(void)
{
	struct memdesc_view v;
	unsigned long pfn;

	mutex_lock(&memdesc_shadow_mutex);
	pfn = memdesc_shadow_first(&v) ? v.start_pfn : 0;
	mutex_unlock(&memdesc_shadow_mutex);
	return pfn;
}

/* === The raw file === */

/* Where the last read of the raw file ended, to find the next fast. */
static struct {
	unsigned long generation;
	struct memdesc_view v;
} memdesc_copy_cursor = { .generation = ULONG_MAX };

/* The listed section at @index in the raw file, into @v; under the mutex. */
static bool memdesc_view_at(struct memdesc_view *v, unsigned long index)
{
	struct memdesc_view *c = &memdesc_copy_cursor.v;
	bool ok;

	if (memdesc_copy_cursor.generation == memdesc_generation &&
	    c->nr != MEMDESC_VIEW_END && c->index <= index) {
		*v = *c;
		ok = true;
	} else {
		ok = memdesc_shadow_first(v);
	}
	while (ok && v->index < index)
		ok = memdesc_shadow_next(v);
	if (ok) {
		/* A chunk may have moved since (memdesc_shadow_online_done()). */
		v->words = memdesc_words_locked(v->sec);
		v->owners = memdesc_owners_locked(v->sec);
		*c = *v;
		memdesc_copy_cursor.generation = memdesc_generation;
	}
	return ok;
}

/* Copy up to @max words from byte @pos on into @buf; return the words. */
static size_t memdesc_shadow_fill(__le64 *buf, size_t max, loff_t pos)
{
	struct memdesc_view v;
	unsigned long i;
	size_t n = 0;

	mutex_lock(&memdesc_shadow_mutex);
	if (memdesc_view_at(&v, pos / MEMDESC_CHUNK_BYTES)) {
		i = pos % MEMDESC_CHUNK_BYTES / sizeof(u64);
		for (; n < max && i < MEMDESC_CHUNK_PFNS; n++, i++)
			buf[n] = cpu_to_le64(memdesc_view_word(&v, i));
	}
	mutex_unlock(&memdesc_shadow_mutex);
	return n;
}

/**
 * memdesc_shadow_copy - the shadow as bytes, for the raw file
 * @ubuf:	user buffer
 * @count:	bytes wanted
 * @pos:	byte offset in the shadow; advanced
 *
 * Little-endian u64s, the listed sections back to back in PFN order (see
 * the layout file).  Each word is read once, so none is torn whatever the
 * offset.  Words go through a bounce page: the table is not held while
 * user memory faults in.
 *
 * Return: bytes copied, 0 at the end, -EINVAL, -ENOMEM or -EFAULT.
 */
ssize_t memdesc_shadow_copy(char __user *ubuf, size_t count, loff_t *pos)
{
	size_t done = 0, words, skip, len;
	__le64 *buf;

	if (*pos < 0)
		return -EINVAL;
	buf = memdesc_get_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		skip = *pos % sizeof(u64);
		words = memdesc_shadow_fill(buf, PAGE_SIZE / sizeof(u64),
					    *pos - skip);
		if (!words)
			break;
		len = min(words * sizeof(u64) - skip, count - done);
		if (copy_to_user(ubuf + done, (char *)buf + skip, len)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		done += len;
		*pos += len;
		cond_resched();
	}
	memdesc_put_page(buf);
	return done;
}

/* === Sizes and counts, for stats and the layout === */

/**
 * memdesc_shadow_pfns - PFNs the shadow lists, tracked or not
 *
 * Return: listed sections times MEMDESC_CHUNK_PFNS.
 */
unsigned long memdesc_shadow_pfns(void)
{
	return (READ_ONCE(memdesc_nr_tracked) +
		READ_ONCE(memdesc_nr_untracked)) * MEMDESC_CHUNK_PFNS;
}

/**
 * memdesc_shadow_untracked_pfns - online PFNs the shadow has no word for
 *
 * Return: PFNs of untracked sections, and of online sections with no
 * table entry either.
 */
unsigned long memdesc_shadow_untracked_pfns(void)
{
	return (READ_ONCE(memdesc_nr_untracked) +
		READ_ONCE(memdesc_nr_unlisted)) * MEMDESC_CHUNK_PFNS;
}

/**
 * memdesc_shadow_word_bytes - memory the words hold
 *
 * Return: 8 bytes per tracked PFN.
 */
size_t memdesc_shadow_word_bytes(void)
{
	return READ_ONCE(memdesc_nr_tracked) * MEMDESC_CHUNK_BYTES;
}

/**
 * memdesc_shadow_table_bytes - memory the table holds
 *
 * Return: the root and the leaves.
 */
size_t memdesc_shadow_table_bytes(void)
{
	struct memdesc_root *root;
	size_t bytes;

	rcu_read_lock();
	root = rcu_dereference(memdesc_root);
	bytes = root == &memdesc_empty_root ? 0 :
		struct_size(root, leaf, root->nr_leaves);
	rcu_read_unlock();
	return bytes + READ_ONCE(memdesc_nr_leaves) * sizeof(struct memdesc_leaf);
}

/**
 * memdesc_shadow_bytes - memory the shadow holds
 *
 * Return: words plus table.
 */
size_t memdesc_shadow_bytes(void)
{
	return memdesc_shadow_word_bytes() + memdesc_shadow_table_bytes();
}

/**
 * memdesc_shadow_chunks - how the chunks were placed
 * @remote:	set to the chunks whose memory is not on their section's node
 * @vmalloc:	set to the chunks in vmalloc space (the rest are one
 *		allocation each in the direct map)
 *
 * Return: the tracked sections.
 */
unsigned long memdesc_shadow_chunks(unsigned long *remote,
				    unsigned long *vmalloc)
{
	*remote = READ_ONCE(memdesc_nr_remote);
	*vmalloc = READ_ONCE(memdesc_nr_vmalloc);
	return READ_ONCE(memdesc_nr_tracked);
}

/* === Probes (any context) === */

/*
 * The entry of the section holding @pfn, from a probe: RCU-sched, which
 * the tracepoint's preempt-disabled call provides.  Root and leaf are
 * never NULL (memdesc_empty_root, memdesc_empty_leaf), so the only test on
 * the way is the bound; the entry may hold no chunk.
 */
static __always_inline struct memdesc_section *
memdesc_section_rcu(unsigned long pfn)
{
	unsigned long nr = pfn_to_section_nr(pfn);
	struct memdesc_root *root = rcu_dereference_sched(memdesc_root);
	struct memdesc_leaf *leaf;

	if (unlikely(nr / MEMDESC_LEAF_SECTIONS >= root->nr_leaves))
		return &memdesc_empty_leaf.sec[0];
	leaf = rcu_dereference_sched(root->leaf[nr / MEMDESC_LEAF_SECTIONS]);
	return &leaf->sec[nr % MEMDESC_LEAF_SECTIONS];
}

/*
 * A word of a chunk with coarse blocks, from a probe.  Out of line: the
 * view it builds on the stack would cost every read (stack variables are
 * zeroed on Debian's kernels, INIT_STACK_ALL_ZERO).
 */
static noinline u64 memdesc_read_coarse(struct memdesc_section *s, u64 *words,
					unsigned long idx)
{
	struct memdesc_view v = { .words = words, .sec = s };

	return memdesc_view_word(&v, idx);
}

/**
 * memdesc_shadow_get - the shadow word of a page, from a probe
 * @page:	the page
 *
 * Any context the tracepoints run in (preemption disabled).  Returned, not
 * stored through a pointer: a probe then needs no stack slot for it.
 *
 * Return: the word; an untracked word if no chunk holds the page.
 */
notrace u64 memdesc_shadow_get(struct page *page)
{
	unsigned long pfn = page_to_pfn(page), idx = pfn % MEMDESC_CHUNK_PFNS;
	struct memdesc_section *s = memdesc_section_rcu(pfn);
	u64 *words = rcu_dereference_sched(s->words);

	if (unlikely(!words))
		return memdesc_untracked_word(page_to_nid(page));
	/*
	 * A block that goes coarse after this test is read from its own
	 * words, as if just before the event that made it coarse.
	 */
	if (likely(!READ_ONCE(s->coarse)))
		return READ_ONCE(words[idx]);
	return memdesc_read_coarse(s, words, idx);
}

/**
 * memdesc_shadow_replace - change one page's word, unless it changed
 * @page:	an order-0 page
 * @old:	the word memdesc_shadow_get() read
 * @new:	its new word, the head bit included
 * @source:	the event, for the transition counts
 *
 * For work done after its event (memdesc_defer.c): any event that stored
 * since @old was read is newer, and its word stands.  A page of a coarse
 * block has no word of its own to change.  Never sleeps, allocates or locks.
 *
 * Return: true if the word was @old and is @new now.
 */
bool memdesc_shadow_replace(struct page *page, u64 old, u64 new,
			    enum memdesc_stat source)
{
	unsigned long pfn = page_to_pfn(page), idx = pfn % MEMDESC_CHUNK_PFNS;
	struct memdesc_section *s = memdesc_section_rcu(pfn);
	u64 *words = rcu_dereference_sched(s->words);

	if (unlikely(!words) ||
	    test_bit(idx >> MEMDESC_BLOCK_ORDER, &s->coarse))
		return false;
	if (cmpxchg64(&words[idx], old, new) != old)
		return false;
	memdesc_count_transition(old, new, source);
	return true;
}

/*
 * A block of more than MEMDESC_BLOCK_PFNS, stored coarse: one word and one
 * bit per MEMDESC_BLOCK_PFNS block, across as many sections as it spans.
 * Out of line, as every path off the order-0 one: its frame would be paid
 * by every event.
 */
static noinline void memdesc_set_coarse(unsigned long pfn, unsigned int order,
					u64 word, enum memdesc_stat source)
{
	struct memdesc_section *s = NULL;
	unsigned int block;
	u64 *words = NULL;
	unsigned long end;
	bool head = true;

	/* The order first: a shift by it could be by more than a long. */
	if (unlikely(order > MEMDESC_MAX_FOLIO_ORDER ||
		     pfn & ((1UL << order) - 1))) {
		memdesc_count(MEMDESC_STAT_BAD_BLOCK);
		return;
	}
	for (end = pfn + (1UL << order); pfn < end; pfn += MEMDESC_BLOCK_PFNS) {
		if (!s || !(pfn % MEMDESC_CHUNK_PFNS)) {
			s = memdesc_section_rcu(pfn);
			words = rcu_dereference_sched(s->words);
		}
		if (!words) {
			memdesc_count(MEMDESC_STAT_OUT_OF_RANGE);
			pfn = round_up(pfn + 1, MEMDESC_CHUNK_PFNS) -
			      MEMDESC_BLOCK_PFNS;
			head = false;
			continue;
		}
		block = pfn % MEMDESC_CHUNK_PFNS >> MEMDESC_BLOCK_ORDER;
		if (head) {
			struct memdesc_view v = { .words = words, .sec = s };

			memdesc_count_transition(memdesc_view_word(&v,
					pfn % MEMDESC_CHUNK_PFNS), word, source);
		}
		WRITE_ONCE(words[block << MEMDESC_BLOCK_ORDER],
			   head ? word | MEMDESC_HEAD : word);
		memdesc_coarse_set(s, block);
		head = false;
	}
}

/* The stores of @nr words within one chunk; @w is the first. */
static __always_inline void memdesc_store_block(u64 *w, unsigned long nr,
						u64 word, unsigned int class,
						enum memdesc_stat source)
{
	memdesc_count_transition_to(READ_ONCE(w[0]), class, source);
	WRITE_ONCE(w[0], word | MEMDESC_HEAD);
	if (nr > 1)
		memdesc_store_words(w + 1, word, nr - 1);
}

/*
 * The rare cases of a block of at most MEMDESC_BLOCK_PFNS: no chunk (count
 * it), or a coarse block to write out first.  A tail call of its own, so
 * that the common path saves no register.
 */
static noinline void memdesc_set_block_slow(struct memdesc_section *s,
					    u64 *words, unsigned long idx,
					    unsigned long nr, u64 word,
					    enum memdesc_stat source)
{
	if (!words) {
		memdesc_count(MEMDESC_STAT_OUT_OF_RANGE);
		return;
	}
	if (test_bit(idx >> MEMDESC_BLOCK_ORDER, &s->coarse))
		memdesc_split_block(s, words, idx >> MEMDESC_BLOCK_ORDER);
	memdesc_store_block(words + idx, nr, word, memdesc_store_class(word),
			    source);
}

/**
 * memdesc_shadow_set_block_class - describe a whole allocation or free chunk
 * @page:	its first page
 * @order:	its order
 * @word:	the word for every PFN of it; the head bit is added to the first
 * @class:	@word's class (memdesc_store_class()), for the transition counts
 * @source:	the event, for the transition counts
 *
 * For probes: never sleeps, never allocates, takes no lock.  The order is
 * on every word so any PFN tells the size.  At most MEMDESC_BLOCK_PFNS
 * stores of its own, whatever @order (see the top of the file), and as
 * many again to write out a coarse block it lands in; an order no page can
 * have, or a first page not aligned to its order, is counted and refused.
 * The tail goes in with memdesc_store_words(): each store single-copy
 * atomic, so a reader never sees a torn word.  notrace, as the hot probes
 * (memdesc_probes.c): its ftrace entry is an instruction every event pays
 * untraced, and tracing it would trace the page allocator's fast path.
 */
notrace void memdesc_shadow_set_block_class(struct page *page,
					    unsigned int order, u64 word,
					    unsigned int class,
					    enum memdesc_stat source)
{
	unsigned long pfn = page_to_pfn(page), idx, nr = 1;
	struct memdesc_section *s;
	u64 *words;

	/* Most events are of order 0, which needs neither test. */
	if (order) {
		if (unlikely(order > MEMDESC_BLOCK_ORDER)) {
			memdesc_set_coarse(pfn, order, word, source);
			return;
		}
		nr = 1UL << order;
		if (unlikely(pfn & (nr - 1))) {
			memdesc_count(MEMDESC_STAT_BAD_BLOCK);
			return;
		}
	}
	s = memdesc_section_rcu(pfn);
	words = rcu_dereference_sched(s->words);
	idx = pfn % MEMDESC_CHUNK_PFNS;
	if (unlikely(!words || READ_ONCE(s->coarse))) {
		memdesc_set_block_slow(s, words, idx, nr, word, source);
		return;
	}
	memdesc_store_block(words + idx, nr, word, class, source);
}

/* === Owner slots === */

/**
 * memdesc_shadow_owners_attach - give every listed section owner slots
 *
 * Zeroed: every allocated block reads "allocated before owners were
 * tracked" until its next allocation.  Sections listed later get theirs
 * as they come online.  Sleeps.
 *
 * Return: 0, or -ENOMEM with no slots left anywhere.
 */
int memdesc_shadow_owners_attach(void)
{
	struct memdesc_view v;
	int err = 0;

	mutex_lock(&memdesc_shadow_mutex);
	memdesc_owner_slots = true;
	memdesc_for_each_section(&v) {
		if (v.words && !memdesc_owners_publish(v.sec)) {
			err = -ENOMEM;
			break;
		}
		cond_resched();
	}
	mutex_unlock(&memdesc_shadow_mutex);
	if (err)
		memdesc_shadow_owners_detach();
	return err;
}

/**
 * memdesc_shadow_owners_detach - free every section's owner slots
 *
 * The probes must no longer write them (memdesc_owners.c turns its key off
 * first); one that still holds a slot is waited for.  Sleeps.
 */
void memdesc_shadow_owners_detach(void)
{
	void *retired[MEMDESC_RETIRE_BATCH];
	struct memdesc_view v;
	unsigned int n = 0;
	u32 *owners;

	mutex_lock(&memdesc_shadow_mutex);
	memdesc_owner_slots = false;
	memdesc_for_each_section(&v) {
		owners = memdesc_owners_unpublish(v.sec);
		if (owners)
			retired[n++] = owners;
		if (n == MEMDESC_RETIRE_BATCH)
			memdesc_chunks_retire(retired, &n);
	}
	memdesc_chunks_retire(retired, &n);
	mutex_unlock(&memdesc_shadow_mutex);
}

/**
 * memdesc_shadow_owner_bytes - memory the owner slots take now
 *
 * Return: bytes, read racily.
 */
size_t memdesc_shadow_owner_bytes(void)
{
	return READ_ONCE(memdesc_nr_owner_arrays) * MEMDESC_CHUNK_PFNS *
	       sizeof(u32);
}

/**
 * memdesc_shadow_owner_slot - a block head's owner slot, from a probe
 * @page:	the block's first page
 *
 * RCU-sched, as memdesc_shadow_get(): the slot stays valid until the
 * probe returns.
 *
 * Return: the slot, or NULL if the page's section has none.
 */
u32 *memdesc_shadow_owner_slot(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	u32 *owners = rcu_dereference_sched(memdesc_section_rcu(pfn)->owners);

	return owners ? owners + pfn % MEMDESC_CHUNK_PFNS : NULL;
}
