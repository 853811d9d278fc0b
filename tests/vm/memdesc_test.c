// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_test.c - memdesc.ko in a guest: load and unload, the debugfs
 * files, and the shadow against the live kernel before and after a workload.
 *
 * Runs as root in the VM that tests/vm/run.sh boots (2 NUMA nodes); the
 * module comes from $MEMDESC_KO.  Fixtures run in the order they are
 * declared: "load" (which leaves the module loaded), "memdesc" (the tests of
 * a loaded module), "unload" (unload after everything).
 */
#define _GNU_SOURCE
#include <grp.h>
#include <sys/utsname.h>
#include <linux/magic.h>
#include <sys/statfs.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"
#include "memdesc_mixed.h"

static const char * const md_files[] = {
	"summary", "compare", "stats", "mismatches", "pfn", "pfn_at",
	"control", "transitions", "projection", "layout", "sections", "owners", "shadow",
};

/* The optional tracepoints: the shadow must stay right without them. */
static const char * const md_optional[] = {
	"mm_page_free_batched",
	"mm_page_alloc_zone_locked",
	"mm_page_pcpu_drain",
	"mm_page_alloc_extfrag",
	"percpu_alloc_percpu",
};

/*
 * The function hooks, each with the kernel function it attaches to, and
 * the name it has on 6.12 where that differs (the allocator's _noprof
 * suffix of 6.10, swap_readpage() become swap_read_folio() in 6.6).
 */
static const struct {
	const char *event;
	const char *symbol;
	const char *symbol_6_12;
} md_hooks[] = {
	{ "__SetPageMovable", "__SetPageMovable" },
	{ "adjust_managed_page_count", "adjust_managed_page_count" },
	{ "__vmalloc_node_range", "__vmalloc_node_range",
	  "__vmalloc_node_range_noprof" },
	{ "alloc_pages_bulk", "__alloc_pages_bulk", "alloc_pages_bulk_noprof" },
	{ "add_to_swap_cache", "add_to_swap_cache" },
	{ "delete_from_swap_cache", "delete_from_swap_cache" },
	{ "swap_read_folio", "swap_readpage", "swap_read_folio" },
	{ "__set_page_guard", "__set_page_guard" },
	{ "__clear_page_guard", "__clear_page_guard" },
	{ "alloc_pages_exact", "alloc_pages_exact", "alloc_pages_exact_noprof" },
	{ "pte_alloc_one", "pte_alloc_one" },
	{ "__pmd_alloc", "__pmd_alloc" },
	{ "__pud_alloc", "__pud_alloc" },
	{ "__p4d_alloc", "__p4d_alloc" },
	{ "pgd_alloc", "pgd_alloc" },
	{ "___pte_free_tlb", "___pte_free_tlb" },
	{ "___pmd_free_tlb", "___pmd_free_tlb" },
	{ "___pud_free_tlb", "___pud_free_tlb" },
	{ "take_page_off_buddy", "take_page_off_buddy" },
	{ "put_page_back_buddy", "put_page_back_buddy" },
	{ "enqueue_hugetlb_folio", "enqueue_huge_page",
	  "enqueue_hugetlb_folio" },
	{ "hugetlb_add_new_anon_rmap", "hugepage_add_new_anon_rmap",
	  "hugetlb_add_new_anon_rmap" },
	{ "folio_add_lru", "folio_add_lru" },
	{ "try_to_merge_one_page", "try_to_merge_one_page" },
	{ "free_one_page", "free_one_page.constprop.0", "free_one_page" },
	{ "vmap_pages_range_noflush", "vmap_pages_range_noflush" },
	{ "allocate_slab", "allocate_slab" },
};

/* === Helpers that ASSERT === */

/*
 * Write @s to a debugfs file in one write() at @off; 0 or -errno.  seq_file
 * files refuse pwrite() (ESPIPE), so those are seeked instead.
 */
static int md_write(const char *name, const char *s, size_t len, off_t off)
{
	char path[64];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), MD_DEBUGFS "/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = off ? pwrite(fd, s, len, off) : write(fd, s, len);
	if (n < 0 && errno == ESPIPE && lseek(fd, off, SEEK_SET) == off)
		n = write(fd, s, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

static int md_write_str(const char *name, const char *s)
{
	return md_write(name, s, strlen(s), 0);
}

/* Online nodes from sysfs ("0-1", "0,2-3"), to check stats "nodes". */
static unsigned int md_online_nodes(struct __test_metadata *_metadata)
{
	unsigned int n = 0, a, b;
	char buf[256], *p, *save;
	FILE *f;

	f = fopen("/sys/devices/system/node/online", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	for (p = strtok_r(buf, ",\n", &save); p;
	     p = strtok_r(NULL, ",\n", &save)) {
		if (sscanf(p, "%u-%u", &a, &b) == 2)
			n += b - a + 1;
		else
			n++;
	}
	return n;
}

/* The highest node id the kernel could have, from sysfs ("0-7"). */
static unsigned int md_max_node(struct __test_metadata *_metadata)
{
	char buf[256], *p;
	FILE *f;

	f = fopen("/sys/devices/system/node/possible", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	p = buf + strcspn(buf, "\n");
	while (p > buf && (p[-1] >= '0' && p[-1] <= '9'))
		p--;
	return strtoul(p, NULL, 10);
}

/* Unload if loaded, load with @params: the shadow starts from here. */
static void md_reload(struct __test_metadata *_metadata, const char *params)
{
	int ret;

	ASSERT_EQ(0, md_loaded() ? md_unload() : 0);
	ret = md_load(md_ko_path(), params);
	ASSERT_EQ(0, ret) {
		TH_LOG("load %s '%s': %s", md_ko_path(), params,
		       strerror(-ret));
	}
}

/* === Checks of one file's records === */

/*
 * summary: every class once, in enum order; zone lines add up; the census
 * covers exactly the PFNs stats says the shadow has.
 */
static void md_check_summary(struct __test_metadata *_metadata,
			     const struct md_file *sum,
			     const struct md_file *stats)
{
	int saved = md_check_begin(_metadata);
	unsigned long long spanned, pfns, unknown, hole, untracked;
	unsigned int class = 0;
	size_t i;

	spanned = md_val(_metadata, sum, "spanned", NULL, 0);
	pfns = md_val(_metadata, stats, "pfns", NULL, 0);

	for (i = 0; i < sum->nr; i++) {
		const struct md_rec *r = &sum->rec[i];

		if (!strcmp(r->key, "class")) {
			ASSERT_LT(class, MEMDESC_NR_CLASSES);
			EXPECT_STREQ(memdesc_class_name(class), r->f[0]) {
				TH_LOG("summary line %u: class %u out of order",
				       r->line, class);
			}
			class++;
		} else if (!strcmp(r->key, "zone")) {
			/* A word's own node: any the kernel has. */
			EXPECT_LE(r->v[0], md_max_node(_metadata)) {
				TH_LOG("summary line %u: node %s", r->line,
				       r->f[0]);
			}
			EXPECT_EQ(r->v[2], r->v[3] + r->v[4]) {
				TH_LOG("summary line %u: pages != free + allocated",
				       r->line);
			}
		}
	}
	ASSERT_EQ(MEMDESC_NR_CLASSES, class) {
		TH_LOG("summary: want all %d classes", MEMDESC_NR_CLASSES);
	}
	ASSERT_LT(0, md_count(sum, "zone", NULL));

	unknown = md_val(_metadata, sum, "class", "unknown", 1);
	hole = md_val(_metadata, sum, "class", "hole", 1);
	untracked = md_val(_metadata, sum, "class", "untracked", 1);
	EXPECT_LT(0, spanned);
	EXPECT_EQ(spanned, md_sum(sum, "class", 1)) {
		TH_LOG("summary: class pages do not add up to spanned");
	}
	EXPECT_EQ(pfns, spanned) {
		TH_LOG("summary spanned != stats pfns");
	}
	EXPECT_EQ(spanned - unknown - hole - untracked,
		  md_sum(sum, "zone", 2)) {
		TH_LOG("summary: zone pages != spanned - unknown - hole - untracked");
	}
	EXPECT_EQ(untracked, md_val(_metadata, stats, "untracked_pfns", NULL, 0));
	EXPECT_EQ(md_val(_metadata, sum, "class", "free", 1),
		  md_sum(sum, "zone", 3)) {
		TH_LOG("summary: zone free != class free");
	}
	if (md_check_end(_metadata, saved))
		md_dump(sum);
}

/*
 * stats: the module's event table, every event once, among them the two
 * the shadow cannot live without, attached, and every event the tests name
 * (the table's size is the module's; transitions must list the same); the
 * shadow is 8 bytes a tracked PFN plus a table of a few pages; one node
 * line per online node.
 */
static void md_check_stats(struct __test_metadata *_metadata,
			   const struct md_file *stats)
{
	int saved = md_check_begin(_metadata);
	unsigned long long pfns, bytes;
	size_t i;

	EXPECT_LT(0, md_count(stats, "event", NULL));
	EXPECT_EQ(1, md_val(_metadata, stats, "event", "mm_page_alloc", 1));
	EXPECT_EQ(1, md_val(_metadata, stats, "event", "mm_page_free", 1));
	for (i = 0; i < ARRAY_SIZE(md_optional); i++)
		md_one(_metadata, stats, "event", md_optional[i]);
	for (i = 0; i < ARRAY_SIZE(md_hooks); i++)
		md_one(_metadata, stats, "event", md_hooks[i].event);

	for (i = 0; i < stats->nr; i++) {
		const struct md_rec *r = &stats->rec[i];

		if (!strcmp(r->key, "event")) {
			EXPECT_EQ(1, md_count(stats, "event", r->f[0])) {
				TH_LOG("stats line %u: event repeated",
				       r->line);
			}
		} else if (!strcmp(r->key, "counter")) {
			EXPECT_EQ(1, md_count(stats, "counter", r->f[0])) {
				TH_LOG("stats line %u: counter repeated",
				       r->line);
			}
		}
	}

	pfns = md_val(_metadata, stats, "pfns", NULL, 0) -
	       md_val(_metadata, stats, "untracked_pfns", NULL, 0);
	bytes = md_val(_metadata, stats, "shadow_bytes", NULL, 0);
	md_one(_metadata, stats, "seeded", NULL);
	EXPECT_LT(0, pfns);
	EXPECT_EQ(8 * pfns, md_val(_metadata, stats, "shadow_word_bytes",
				   NULL, 0));
	EXPECT_EQ(bytes, 8 * pfns + md_val(_metadata, stats,
					     "shadow_table_bytes", NULL, 0));
	EXPECT_GT(8 * pfns + 64 * 1024, bytes);
	EXPECT_EQ(pfns / MD_SECTION_PFNS,
		  md_val(_metadata, stats, "chunks", NULL, 0));
	EXPECT_EQ(md_online_nodes(_metadata),
		  md_val(_metadata, stats, "nodes", NULL, 0));
	if (md_check_end(_metadata, saved))
		md_dump(stats);
}

/* === load: module lifecycle; leaves memdesc loaded with seed=1 === */

FIXTURE(load) {
};

FIXTURE_SETUP(load)
{
	md_fixture_ready(_metadata, md_ko_path(), R_OK);
}

FIXTURE_TEARDOWN(load)
{
}

/*
 * Load creates every file, a second load is refused, and unload removes
 * the directory: nothing is left behind for a later load to trip over.
 */
TEST_F(load, load_unload)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	ASSERT_EQ(0, md_loaded() ? md_unload() : 0);
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	ASSERT_TRUE(md_loaded());
	for (i = 0; i < ARRAY_SIZE(md_files); i++) {
		snprintf(path, sizeof(path), MD_DEBUGFS "/%s", md_files[i]);
		EXPECT_EQ(0, stat(path, &st)) {
			TH_LOG("%s: %s", path, strerror(errno));
		}
	}
	EXPECT_EQ(-EEXIST, md_load(md_ko_path(), ""));

	ASSERT_EQ(0, md_unload());
	EXPECT_FALSE(md_loaded());
	EXPECT_EQ(-1, stat(MD_DEBUGFS, &st));
	EXPECT_EQ(ENOENT, errno);

	ASSERT_EQ(0, md_load(md_ko_path(), ""));
}

/*
 * seed=0 leaves the PFNs no event has touched unknown, and says so; a
 * default load seeds again.  Ends with the module loaded for the tests below.
 */
TEST_F(load, seed_param)
{
	struct md_file sum, stats;

	md_reload(_metadata, "seed=0");
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	EXPECT_LT(0, md_val(_metadata, &sum, "class", "unknown", 1));
	EXPECT_EQ(0, md_val(_metadata, &stats, "seeded", NULL, 0));
	md_file_free(&sum);
	md_file_free(&stats);

	md_reload(_metadata, "");
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	EXPECT_EQ(1, md_val(_metadata, &stats, "seeded", NULL, 0));
	md_file_free(&stats);
}


/*
 * With every optional probe skipped, mm_page_free alone must keep frees in
 * the shadow: the optional probes mark the same pages free and would hide a
 * broken mm_page_free probe.  Skipped probes read detached, count nothing.
 */
TEST_F_TIMEOUT(load, skip_events, MD_TIMEOUT(600))
{
	char skip[256] = "skip_events=";
	struct md_file stats, cmp;
	struct md_workload w;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(md_optional); i++) {
		strcat(skip, md_optional[i]);
		strcat(skip, i + 1 < ARRAY_SIZE(md_optional) ? "," : "");
	}
	md_reload(_metadata, skip);
	ret = md_workload(&w, 2 * 192 * MD_MIB, 4, 16 * MD_MIB, "/tmp", 2);
	ASSERT_EQ(0, ret) {
		TH_LOG("workload: %s", strerror(-ret));
	}

	md_read(_metadata, &stats, "stats", md_stats_syntax);
	md_check_stats(_metadata, &stats);
	for (i = 0; i < ARRAY_SIZE(md_optional); i++) {
		EXPECT_EQ(0, md_val(_metadata, &stats, "event", md_optional[i],
				    1));
		EXPECT_EQ(0, md_val(_metadata, &stats, "event", md_optional[i],
				    2));
	}
	EXPECT_LE(w.anon_pages,
		  md_val(_metadata, &stats, "event", "mm_page_free", 2));
	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	md_check_compare(_metadata, &cmp, "skip_events", 0);
	md_file_free(&stats);
	md_file_free(&cmp);

	md_reload(_metadata, "");
}

/* Whether /proc/kallsyms has a function named exactly @name. */
static bool md_kallsyms_has(const char *name)
{
	char line[512], sym[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", sym) == 1 &&
			!strcmp(sym, name);
	fclose(f);
	return found;
}

/*
 * Fork children that live at once: with VMAP_STACK (Debian's kernels, the
 * debug tier) their kernel stacks come from __vmalloc_node_range() once
 * the per-cpu cache of two freed stacks is used up.
 */
static void md_vmap_stacks(void)
{
	pid_t pids[16];
	int i;

	for (i = 0; i < 16; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			usleep(100 * 1000);
			_exit(0);
		}
	}
	for (i = 0; i < 16; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

/*
 * A hook attaches exactly where its function is a symbol of the running
 * kernel: the guard hooks only with CONFIG_DEBUG_PAGEALLOC (the debug
 * tier), the others on every kernel we build for.  skip_events leaves any
 * of them detached, and they count nothing then.
 */
TEST_F_TIMEOUT(load, hooks, MD_TIMEOUT(300))
{
	char skip[512] = "skip_events=";
	struct md_file stats;
	unsigned int i;
	bool v6_12 = md_kallsyms_has("alloc_pages_bulk_noprof");

	md_reload(_metadata, "");
	md_vmap_stacks();
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	for (i = 0; i < ARRAY_SIZE(md_hooks); i++) {
		const char *sym = v6_12 && md_hooks[i].symbol_6_12 ?
				  md_hooks[i].symbol_6_12 :
				  md_hooks[i].symbol;
		bool want = md_kallsyms_has(sym);

		EXPECT_EQ(want, md_val(_metadata, &stats, "event",
				       md_hooks[i].event, 1)) {
			TH_LOG("hook %s: %s %s in kallsyms", md_hooks[i].event,
			       sym, want ? "is" : "is not");
		}
		ksft_print_msg("hook %s (%s) attached %llu count %llu\n",
			       md_hooks[i].event, sym,
			       md_val(_metadata, &stats, "event",
				      md_hooks[i].event, 1),
			       md_val(_metadata, &stats, "event",
				      md_hooks[i].event, 2));
		strcat(skip, md_hooks[i].event);
		strcat(skip, i + 1 < ARRAY_SIZE(md_hooks) ? "," : "");
	}
	/*
	 * The children's kernel stacks were vmalloc'd, and each child had a
	 * top-level table and PTE tables made for it.
	 */
	EXPECT_TRUE(md_val(_metadata, &stats, "event", "__vmalloc_node_range",
			   2) > 0 ||
		    !md_val(_metadata, &stats, "event", "__vmalloc_node_range",
			    1));
	EXPECT_TRUE(md_val(_metadata, &stats, "event", "pgd_alloc", 2) > 0 ||
		    !md_val(_metadata, &stats, "event", "pgd_alloc", 1));
	EXPECT_TRUE(md_val(_metadata, &stats, "event", "pte_alloc_one",
			   2) > 0 ||
		    !md_val(_metadata, &stats, "event", "pte_alloc_one", 1));
	md_file_free(&stats);

	md_reload(_metadata, skip);
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	for (i = 0; i < ARRAY_SIZE(md_hooks); i++) {
		EXPECT_EQ(0, md_val(_metadata, &stats, "event",
				    md_hooks[i].event, 1));
		EXPECT_EQ(0, md_val(_metadata, &stats, "event",
				    md_hooks[i].event, 2));
	}
	EXPECT_EQ(0, md_val(_metadata, &stats, "hook_missed", NULL, 0));
	md_file_free(&stats);
	md_reload(_metadata, "");
}

/*
 * A required tracepoint cannot be skipped and an unknown name is an error:
 * each load fails with EINVAL and leaves nothing loaded.
 */
TEST_F(load, skip_events_invalid)
{
	static const char * const bad[] = {
		"skip_events=mm_page_alloc",
		"skip_events=mm_page_free",
		"skip_events=no_such_tracepoint",
		"skip_events=mm_page_pcpu_drain,bogus",
	};
	size_t i;

	ASSERT_EQ(0, md_loaded() ? md_unload() : 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, md_load(md_ko_path(), bad[i])) {
			TH_LOG("load '%s' was not refused with EINVAL", bad[i]);
		}
		EXPECT_FALSE(md_loaded());
	}
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
}

/*
 * Built as for a kernel whose headers know INVLPGB, the module has no
 * vmalloc walk: stats says so, vmalloc pages read driver on both sides,
 * and compare still agrees.  The module built for this kernel walks, and
 * finds vmalloc pages (kernel stacks at least).
 */
TEST_F(load, vmalloc_walk_gate)
{
	static const char nowalk[] = "/memdesc-nowalk.ko";
	struct md_file stats, sum, cmp;
	int ret;

	if (access(nowalk, R_OK))
		SKIP(return, "%s: %s", nowalk, strerror(errno));
	ASSERT_EQ(0, md_loaded() ? md_unload() : 0);
	ret = md_load(nowalk, "");
	ASSERT_EQ(0, ret) {
		TH_LOG("load %s: %s", nowalk, strerror(-ret));
	}
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	EXPECT_EQ(0, md_val(_metadata, &stats, "vmalloc_walk", NULL, 0));
	EXPECT_EQ(0, md_val(_metadata, &sum, "class", "vmalloc_map", 1) +
		     md_val(_metadata, &sum, "class", "vmalloc_unmap", 1));
	EXPECT_EQ(0, md_count(&cmp, "class", "vmalloc_unmap") +
		     md_count(&cmp, "class", "vmalloc_map")) {
		TH_LOG("compare names vmalloc pages without the walk");
	}
	md_check_compare(_metadata, &cmp, "nowalk", 0);
	md_file_free(&stats);
	md_file_free(&sum);
	md_file_free(&cmp);

	md_reload(_metadata, "");
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	EXPECT_EQ(1, md_val(_metadata, &stats, "vmalloc_walk", NULL, 0));
	EXPECT_LT(0, md_val(_metadata, &sum, "class", "vmalloc_unmap", 1));
	md_file_free(&stats);
	md_file_free(&sum);
}

/* === memdesc: a loaded module === */

FIXTURE(memdesc) {
};

FIXTURE_SETUP(memdesc)
{
	if (!md_fixture_ready(_metadata, md_ko_path(), R_OK))
		return;
	md_ensure_loaded(_metadata);
}

FIXTURE_TEARDOWN(memdesc)
{
}

/*
 * Every file reads and parses completely: every record is known and well
 * formed, so a format change is caught here and not by a confused tool.
 */
TEST_F(memdesc, files_parse)
{
	struct md_file sum, cmp, stats;

	md_read(_metadata, &sum, "summary", md_summary_syntax);
	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	md_one(_metadata, &sum, "spanned", NULL);
	md_check_stats(_metadata, &stats);
	md_check_compare_format(_metadata, &cmp);
	ksft_print_msg("summary %zu, compare %zu, stats %zu records\n",
		       sum.nr, cmp.nr, stats.nr);
	md_file_free(&sum);
	md_file_free(&cmp);
	md_file_free(&stats);
}

/* memdesc-stat, which run.sh builds into every test guest. */
#define MD_STAT_BIN	"/bin/memdesc-stat"
#define MD_STAT_ERR	"/tmp/memdesc-stat-nobody.err"

/*
 * As nobody: open every file in every mode; 0 if each open failed with
 * EACCES, else 1 + the index of the first file that did not.
 */
static int md_nobody_opens(void *arg)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	char path[PATH_MAX];
	size_t i, m;

	for (i = 0; i < ARRAY_SIZE(md_files); i++) {
		snprintf(path, sizeof(path), MD_DEBUGFS "/%s", md_files[i]);
		for (m = 0; m < ARRAY_SIZE(modes); m++)
			if (open(path, modes[m]) >= 0 || errno != EACCES)
				return 1 + i;
	}
	return 0;
}

/* As nobody: memdesc-stat summary, stderr to MD_STAT_ERR; its status. */
static int md_nobody_stat(void *arg)
{
	int status = system(MD_STAT_BIN " summary >/dev/null 2>" MD_STAT_ERR);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}

/*
 * The shadow is a map of physical memory: only root may read it, or write
 * the files that steer it.  The files are 0400 or 0600 and root's; debugfs
 * gives every directory 0755, which lists names and nothing more.  What
 * matters is tested directly: a process without root's privileges opens
 * none of the files, for reading or writing, and the user tool, run by it,
 * says that the files are root-only.  Every other access test of the suite
 * is this one.
 */
TEST_F(memdesc, root_only)
{
	char path[PATH_MAX], err[1024];
	struct stat st;
	int ret;
	size_t i;

	ASSERT_EQ(0, stat(MD_DEBUGFS, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(0, st.st_mode & 022) {
		TH_LOG("%s: mode %o", MD_DEBUGFS, st.st_mode & 07777);
	}
	for (i = 0; i < ARRAY_SIZE(md_files); i++) {
		snprintf(path, sizeof(path), MD_DEBUGFS "/%s", md_files[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(0, st.st_mode & 077) {
			TH_LOG("%s: mode %o", path, st.st_mode & 07777);
		}
	}

	ret = md_as_nobody(_metadata, md_nobody_opens, NULL);
	EXPECT_EQ(0, ret) {
		TH_LOG("as nobody: %s opened, or not with EACCES",
		       md_files[ret - 1]);
	}
	ksft_print_msg("figure nobody_opens_refused %zu\n",
		       ARRAY_SIZE(md_files) * 3);

	/* Root's file would stop nobody's shell redirection. */
	unlink(MD_STAT_ERR);
	ASSERT_EQ(0, access(MD_STAT_BIN, X_OK)) {
		TH_LOG("%s: %s (run.sh builds it)", MD_STAT_BIN,
		       strerror(errno));
	}
	EXPECT_EQ(1, md_as_nobody(_metadata, md_nobody_stat, NULL));
	ASSERT_LT(0, md_read_text(MD_STAT_ERR, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "root-only")) {
		TH_LOG("memdesc-stat as nobody: %s", err);
	}
}

/*
 * The census accounts for every PFN exactly once, and agrees with the size
 * stats reports: a PFN counted twice or lost shows up here.
 */
TEST_F(memdesc, summary_totals)
{
	struct md_file sum, stats;

	md_read(_metadata, &sum, "summary", md_summary_syntax);
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	md_check_stats(_metadata, &stats);
	md_check_summary(_metadata, &sum, &stats);
	md_file_free(&sum);
	md_file_free(&stats);
}

/*
 * Right after a load the shadow is the seed: it must match the live state,
 * or the seeding (not event handling) is wrong.
 */
TEST_F(memdesc, compare_after_load)
{
	struct md_file cmp;

	if (access(md_ko_path(), R_OK))
		SKIP(return, "%s: %s", md_ko_path(), strerror(errno));
	md_reload(_metadata, "");
	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	md_check_compare(_metadata, &cmp, "after_load", 0);
	md_file_free(&cmp);
}

/*
 * Over a GiB of anonymous memory allocated and freed, forked children, and
 * tmpfs files written and removed: the events must keep the shadow as close
 * to the live state as the seed was, and the event counts must show at least
 * the order-0 allocations and frees the workload itself caused.
 */
TEST_F_TIMEOUT(memdesc, compare_after_workload, MD_TIMEOUT(900))
{
	unsigned long long alloc0, free0, alloc1, free1, pages;
	struct md_file stats, cmp, sum;
	const char *tmpdir = getenv("TMPDIR") ?: "/tmp";
	struct md_workload w;
	struct statfs sfs;
	int ret;

	if (!statfs(tmpdir, &sfs) && sfs.f_type != TMPFS_MAGIC)
		ksft_print_msg("%s is not tmpfs\n", tmpdir);

	md_read(_metadata, &stats, "stats", md_stats_syntax);
	alloc0 = md_val(_metadata, &stats, "event", "mm_page_alloc", 2);
	free0 = md_val(_metadata, &stats, "event", "mm_page_free", 2);
	md_file_free(&stats);

	ret = md_workload(&w, 6 * 192 * MD_MIB, 8, 16 * MD_MIB, tmpdir, 4);
	ASSERT_EQ(0, ret) {
		TH_LOG("workload: %s", strerror(-ret));
	}
	pages = w.anon_pages + w.child_pages;
	ksft_print_msg("workload: %lu anon pages, %u children x %lu pages, %lu tmpfs pages\n",
		       w.anon_pages, w.children, w.child_pages / w.children,
		       w.file_pages);
	ASSERT_LE(1024 * MD_MIB / 4096, w.anon_pages);

	md_read(_metadata, &stats, "stats", md_stats_syntax);
	alloc1 = md_val(_metadata, &stats, "event", "mm_page_alloc", 2);
	free1 = md_val(_metadata, &stats, "event", "mm_page_free", 2);
	ksft_print_msg("events: mm_page_alloc +%llu, mm_page_free +%llu, want >= %llu each\n",
		       alloc1 - alloc0, free1 - free0, pages);
	EXPECT_LE(pages, alloc1 - alloc0);
	EXPECT_LE(pages, free1 - free0);

	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	md_check_compare(_metadata, &cmp, "after_workload", 0);
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	md_check_summary(_metadata, &sum, &stats);
	md_file_free(&stats);
	md_file_free(&cmp);
	md_file_free(&sum);
}

/*
 * Every persistent disagreement is one well-formed line whose printed
 * classes and orders are those of the words printed beside them, and whose
 * field list names real fields.
 */
TEST_F(memdesc, mismatches_parse)
{
	struct md_file mis;
	char *fields, *save, *tok;
	unsigned long long sw, lw;
	size_t i, j;

	md_read(_metadata, &mis, "mismatches", md_mismatches_syntax);
	ksft_print_msg("%zu persistent mismatches\n", mis.nr);
	for (i = 0; i < mis.nr; i++) {
		const struct md_rec *r = &mis.rec[i];

		sw = strtoull(r->f[2], NULL, 16);
		lw = strtoull(r->f[5], NULL, 16);
		EXPECT_STREQ(memdesc_class_name(memdesc_word_class(sw)), r->f[3]);
		EXPECT_EQ(memdesc_word_order(sw), r->v[4]);
		EXPECT_STREQ(memdesc_class_name(memdesc_word_class(lw)), r->f[6]);
		EXPECT_EQ(memdesc_word_order(lw), r->v[7]);
		fields = strdup(r->f[1]);
		ASSERT_NE(NULL, fields);
		for (tok = strtok_r(fields, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			for (j = 0; j < md_nr_compare_fields; j++)
				if (!strcmp(tok, md_compare_fields[j]))
					break;
			EXPECT_LT(j, md_nr_compare_fields) {
				TH_LOG("mismatches line %u: field '%s'",
				       r->line, tok);
			}
		}
		free(fields);
	}
	md_file_free(&mis);
}

/*
 * pfn: a PFN written in decimal or hex reads back with both words; what is
 * not a PFN the shadow covers is refused with EINVAL and changes nothing.
 */
TEST_F(memdesc, pfn_file)
{
	static const char * const bad[] = {
		"", "\n", "abc", "-1", "0x", "0xg", "12 34", "1e3",
		"99999999999999999999", "18446744073709551615",
	};
	unsigned long long pfn, spanned_end = 0;
	struct md_file sum;
	char buf[64], line[256];
	char *p;
	FILE *f;
	size_t i;

	p = md_anon_page(_metadata, &pfn);

	snprintf(buf, sizeof(buf), "0x%llx\n", pfn);
	ASSERT_EQ(0, md_write_str("pfn", buf));
	f = fopen(MD_DEBUGFS "/pfn", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	snprintf(buf, sizeof(buf), "pfn %llu\n", pfn);
	EXPECT_STREQ(buf, line);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_EQ(0, strncmp(line, "shadow 0x", 9));
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_EQ(0, strncmp(line, "live 0x", 7));
	/* Mapped by us right now: the live classifier must say anon. */
	EXPECT_NE(NULL, strstr(line, " anon order 0 ")) {
		TH_LOG("%s", line);
	}
	fclose(f);

	md_read(_metadata, &sum, "summary", md_summary_syntax);
	spanned_end = md_val(_metadata, &sum, "spanned", NULL, 0);
	md_file_free(&sum);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, md_write_str("pfn", bad[i])) {
			TH_LOG("pfn input %zu not refused", i);
		}
	/* Far past every node's span. */
	snprintf(buf, sizeof(buf), "%llu", spanned_end * 1024 + (1ULL << 40));
	EXPECT_EQ(-EINVAL, md_write_str("pfn", buf));
	EXPECT_EQ(-EINVAL, md_write("pfn", "1", 1, 1));	/* at an offset */

	/* The refused writes left the selection alone. */
	f = fopen(MD_DEBUGFS "/pfn", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	snprintf(buf, sizeof(buf), "pfn %llu\n", pfn);
	EXPECT_STREQ(buf, line);
	fclose(f);
	munmap(p, MD_PAGE);
}

/*
 * pfn_at: pread() at offset PFN returns the report "pfn" would give for
 * that PFN, whole, and read() moves on to the next PFN.  A buffer too
 * small for the report, and an offset that is no PFN of present memory,
 * are refused with EINVAL.
 */
TEST_F(memdesc, pfn_at_file)
{
	unsigned long long pfn, spanned_end;
	char buf[4096], want[64];
	struct md_file sum;
	char *p, *live;
	ssize_t len;
	int fd;

	p = md_anon_page(_metadata, &pfn);

	fd = open(MD_DEBUGFS "/pfn_at", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	len = pread(fd, buf, sizeof(buf) - 1, pfn);
	ASSERT_LT(0, len) {
		TH_LOG("pread at %llu: %s", pfn, strerror(errno));
	}
	buf[len] = '\0';
	snprintf(want, sizeof(want), "pfn %llu\nshadow 0x", pfn);
	EXPECT_EQ(0, strncmp(buf, want, strlen(want))) {
		TH_LOG("%s", buf);
	}
	/* Mapped by us right now: the live classifier must say anon. */
	live = strstr(buf, "\nlive 0x");
	ASSERT_NE(NULL, live) {
		TH_LOG("%s", buf);
	}
	EXPECT_NE(NULL, strstr(live, " anon order 0 ")) {
		TH_LOG("%s", buf);
	}
	EXPECT_NE(NULL, strstr(buf, "\nowner "));

	/* read() walks: this PFN, then the next. */
	ASSERT_EQ((off_t)pfn, lseek(fd, pfn, SEEK_SET));
	ASSERT_LT(0, read(fd, buf, sizeof(buf) - 1));
	EXPECT_EQ((off_t)pfn + 1, lseek(fd, 0, SEEK_CUR));
	len = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, len);
	buf[len] = '\0';
	snprintf(want, sizeof(want), "pfn %llu\n", pfn + 1);
	EXPECT_EQ(0, strncmp(buf, want, strlen(want))) {
		TH_LOG("%s", buf);
	}

	/* Whole or not at all. */
	errno = 0;
	EXPECT_EQ(-1, pread(fd, buf, 8, pfn));
	EXPECT_EQ(EINVAL, errno);

	md_read(_metadata, &sum, "summary", md_summary_syntax);
	spanned_end = md_val(_metadata, &sum, "spanned", NULL, 0);
	md_file_free(&sum);
	errno = 0;
	EXPECT_EQ(-1, pread(fd, buf, sizeof(buf), spanned_end * 1024 + (1ULL << 40)));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	munmap(p, MD_PAGE);
}

/*
 * control: disable stops the shadow (events stop counting), enable resyncs
 * it so compare holds again, reset zeroes the counters, and anything else
 * is refused with EINVAL.
 */
TEST_F_TIMEOUT(memdesc, control, MD_TIMEOUT(600))
{
	static const char * const bad[] = {
		"", "\n", "enabled", "resync now", "RESET", "disable\ndisable",
		"0123456789012345678901234567890123456789",
	};
	unsigned long long before, after;
	struct md_file stats, cmp;
	struct md_workload w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, md_write_str("control", bad[i])) {
			TH_LOG("control input %zu not refused", i);
		}
	EXPECT_EQ(-EINVAL, md_write("control", "reset", 5, 3));

	ASSERT_EQ(0, md_write_str("control", "reset\n"));
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	EXPECT_EQ(0, md_val(_metadata, &stats, "counter", "seeded", 1));
	EXPECT_EQ(1, md_val(_metadata, &stats, "tracking", NULL, 0));
	md_file_free(&stats);

	ASSERT_EQ(0, md_write_str("control", "disable"));
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	EXPECT_EQ(0, md_val(_metadata, &stats, "tracking", NULL, 0));
	before = md_val(_metadata, &stats, "event", "mm_page_alloc", 2);
	md_file_free(&stats);
	ASSERT_EQ(0, md_workload(&w, 64 * MD_MIB, 1, 4 * MD_MIB, "/tmp", 1));
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	after = md_val(_metadata, &stats, "event", "mm_page_alloc", 2);
	EXPECT_EQ(before, after);
	md_file_free(&stats);

	ASSERT_EQ(0, md_write_str("control", "enable"));
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	EXPECT_EQ(1, md_val(_metadata, &stats, "tracking", NULL, 0));
	EXPECT_LT(0, md_val(_metadata, &stats, "counter", "resynced", 1));
	md_file_free(&stats);
	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	md_check_compare(_metadata, &cmp, "enabled", 0);
	md_file_free(&cmp);

	ASSERT_EQ(0, md_write_str("control", "resync"));
	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	md_check_compare(_metadata, &cmp, "resynced", 0);
	md_file_free(&cmp);
}

/* === the files: transitions, projection, layout, shadow === */

/*
 * A workload makes pages change class through the events that say so: the
 * allocator (free -> driver -> free), the LRU (driver -> anon), slab.  Every
 * change is counted once in the matrix and once for its source, and the
 * sources are the events stats lists.
 */
TEST_F_TIMEOUT(memdesc, transitions, MD_TIMEOUT(600))
{
	struct md_file tr, stats;
	struct md_workload w;
	size_t i, n = 0;

	ASSERT_EQ(0, md_workload(&w, 128 * MD_MIB, 2, 8 * MD_MIB, "/tmp", 1));
	md_read(_metadata, &tr, "transitions", md_transitions_syntax);
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	EXPECT_EQ(md_sum(&tr, "transition", 2), md_sum(&tr, "source", 1));
	EXPECT_LT(0, md_count(&tr, "transition", "free"));
	EXPECT_LT(0, md_val(_metadata, &tr, "source", "mm_page_alloc", 1));
	EXPECT_LT(0, md_val(_metadata, &tr, "source", "mm_page_free", 1));
	/*
	 * A new folio is typed as it enters a per-cpu LRU batch; the
	 * insertion event, when the batch drains, finds it typed already
	 * but for those that changed while they waited.
	 */
	EXPECT_LT(0, md_val(_metadata, &tr, "source", "folio_add_lru", 1) +
		     md_val(_metadata, &tr, "source", "mm_lru_insertion", 1));
	/* One source per event of the module's table, in its order. */
	EXPECT_EQ(md_count(&stats, "event", NULL), md_count(&tr, "source", NULL));
	for (i = 0; i < stats.nr; i++) {
		if (strcmp(stats.rec[i].key, "event"))
			continue;
		while (n < tr.nr && strcmp(tr.rec[n].key, "source"))
			n++;
		ASSERT_LT(n, tr.nr);
		EXPECT_STREQ(stats.rec[i].f[0], tr.rec[n].f[0]);
		n++;
	}
	md_file_free(&tr);
	md_file_free(&stats);
}

/*
 * projection: struct page is the running kernel's size (its BTF says how
 * big; every kernel we build for has BTF, a kernel without it is taken at
 * the module's word); every total is its parts; descriptors come from
 * 16-byte slabs; the census it counts is the summary's (pages that are
 * neither unknown nor holes).
 */
TEST_F(memdesc, projection)
{
	unsigned long long pfns, page, desc = 0, today, memdesc;
	long btf = md_btf_struct_size("page");
	struct md_file pr, sum;
	size_t i;

	md_read(_metadata, &pr, "projection", md_projection_syntax);
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	pfns = md_val(_metadata, &pr, "pfns", NULL, 0);
	page = md_val(_metadata, &pr, "struct_page_bytes", NULL, 0);
	if (btf == -ENOENT && access("/sys/kernel/btf/vmlinux", F_OK))
		ksft_print_msg("no BTF: struct page taken as %llu bytes\n",
			       page);
	else
		EXPECT_EQ(btf, (long)page) {
			TH_LOG("struct page: %llu bytes, BTF says %ld", page,
			       btf);
		}
	EXPECT_EQ(0, page % 8);
	EXPECT_EQ(md_val(_metadata, &sum, "spanned", NULL, 0) -
		  md_val(_metadata, &sum, "class", "unknown", 1) -
		  md_val(_metadata, &sum, "class", "hole", 1), pfns);

	for (i = 0; i < pr.nr; i++) {
		const struct md_rec *r = &pr.rec[i];

		if (strcmp(r->key, "descriptor"))
			continue;
		EXPECT_EQ(0, r->v[2] % 16);
		EXPECT_EQ(r->v[1] * r->v[2], r->v[3]);
		desc += r->v[3];
	}
	EXPECT_LT(0, desc);
	today = md_val(_metadata, &pr, "memory", "today", 4);
	memdesc = md_val(_metadata, &pr, "memory", "memdesc", 4);
	EXPECT_EQ(page * pfns, today);
	EXPECT_EQ(0, md_val(_metadata, &pr, "memory", "today", 3));
	EXPECT_EQ(32 * pfns + desc,
		  md_val(_metadata, &pr, "memory", "interim", 4));
	EXPECT_EQ(8 * pfns + desc, memdesc);
	EXPECT_EQ(today - memdesc, md_val(_metadata, &pr, "saving", NULL, 0));
	EXPECT_GT(today, memdesc);
	EXPECT_GE(64, md_val(_metadata, &pr, "bits", "word", 1));
	/* 2 GiB: zone-relative links fit one word, as do absolute ones. */
	EXPECT_EQ(1, md_val(_metadata, &pr, "buddy", "zone_relative", 4));
	ksft_print_msg("today %llu, memdesc %llu bytes (descriptors %llu), saving %s%%\n",
		       today, memdesc, desc,
		       md_one(_metadata, &pr, "saving", NULL)->f[1]);
	md_file_free(&pr);
	md_file_free(&sum);
}

/* The running kernel's sizes the revisions take, as its BTF gives them. */
static void md_check_kernel_sizes(struct __test_metadata *_metadata,
				  const struct md_file *pr)
{
	static const char * const structs[] = { "page", "folio", "ptdesc" };
	unsigned long long got;
	long btf;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(structs); i++) {
		got = md_val(_metadata, pr, "kernel_size", structs[i], 1);
		btf = md_btf_struct_size(structs[i]);
		/* 6.1 has no struct ptdesc: page tables use struct page. */
		if (btf == -ENOENT && !strcmp(structs[i], "ptdesc"))
			btf = md_btf_struct_size("page");
		if (btf < 0) {
			ksft_print_msg("no BTF for struct %s: taken as %llu\n",
				       structs[i], got);
			continue;
		}
		EXPECT_EQ(btf, (long)got) {
			TH_LOG("struct %s", structs[i]);
		}
	}
}

/*
 * Every revision's cost and every detail's pages, into the log: the
 * figures docs and reviews quote, from the run that checked them.
 */
static void md_print_revisions(struct __test_metadata *_metadata,
			       const char *when)
{
	struct md_file pr, sum;
	size_t i;

	md_read(_metadata, &pr, "projection", md_projection_syntax);
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	ksft_print_msg("%s: %llu pages; struct page %llu, folio %llu, ptdesc %llu bytes\n",
		       when, md_val(_metadata, &pr, "pfns", NULL, 0),
		       md_val(_metadata, &pr, "kernel_size", "page", 1),
		       md_val(_metadata, &pr, "kernel_size", "folio", 1),
		       md_val(_metadata, &pr, "kernel_size", "ptdesc", 1));
	for (i = 0; i < pr.nr; i++) {
		const struct md_rec *r = &pr.rec[i];

		if (!strcmp(r->key, "revision"))
			ksft_print_msg("%s: revision %s: %llu bytes a page, pages %llu, descriptors %llu, total %llu, saving %s (%s%%)\n",
				       when, r->f[0], r->v[1], r->v[2],
				       r->v[3], r->v[4], r->f[5], r->f[6]);
	}
	for (i = 0; i < sum.nr; i++)
		if (!strcmp(sum.rec[i].key, "detail"))
			ksft_print_msg("%s: detail %s %llu pages\n", when,
				       sum.rec[i].f[0], sum.rec[i].v[1]);
	md_file_free(&pr);
	md_file_free(&sum);
}

/*
 * projection, per revision of the design: every page placed once, the
 * bytes of each placement its descriptors times their size, each total
 * its parts, and the sizes the revisions write out where they say so:
 * the seeds' folio is the kernel's, path-2025's is 76 bytes (80) on a
 * 32-byte struct page, and wiki-later embeds buddy in the word.
 */
TEST_F(memdesc, projection_revisions)
{
	static const char * const revs[] = { "seed", "wiki-later", "path-2025" };
	unsigned long long pfns, page, folio, pages, bytes, total;
	const struct md_rec *r;
	struct md_file pr;
	size_t i, j;

	md_read(_metadata, &pr, "projection", md_projection_syntax);
	pfns = md_val(_metadata, &pr, "pfns", NULL, 0);
	page = md_val(_metadata, &pr, "kernel_size", "page", 1);
	folio = md_val(_metadata, &pr, "kernel_size", "folio", 1);
	md_check_kernel_sizes(_metadata, &pr);
	ASSERT_EQ(ARRAY_SIZE(revs), md_count(&pr, "revision", NULL));
	for (i = 0; i < ARRAY_SIZE(revs); i++) {
		const struct md_rec *rev = md_one(_metadata, &pr, "revision",
						  revs[i]);

		pages = bytes = 0;
		for (j = 0; j < pr.nr; j++) {
			r = &pr.rec[j];
			if (strcmp(r->key, "place") || strcmp(r->f[0], revs[i]))
				continue;
			pages += r->v[4];
			EXPECT_EQ(0, r->v[6] % 16);
			EXPECT_EQ(r->v[5] * r->v[6], r->v[7]);
			EXPECT_EQ(!strcmp(r->f[3], "-"), !r->v[6]) {
				TH_LOG("%s %s", revs[i], r->f[1]);
			}
			bytes += r->v[7];
		}
		EXPECT_EQ(pfns, pages) {
			TH_LOG("%s places every page", revs[i]);
		}
		EXPECT_EQ(rev->v[1] * pfns, rev->v[2]);
		EXPECT_EQ(bytes, rev->v[3]);
		total = rev->v[2] + rev->v[3];
		EXPECT_EQ(total, rev->v[4]);
		EXPECT_EQ((long long)(page * pfns - total),
			  strtoll(rev->f[5], NULL, 10));
		ksft_print_msg("%-10s %2llu bytes a page: %llu bytes (descriptors %llu), saving %s%% of today\n",
			       revs[i], rev->v[1], total, rev->v[3],
			       rev->f[6]);
	}
	for (j = 0; j < pr.nr; j++) {
		r = &pr.rec[j];
		if (strcmp(r->key, "place") || strcmp(r->f[1], "file"))
			continue;
		/* path-2025 writes its folio out: 76 bytes, 80 rounded. */
		EXPECT_EQ(strcmp(r->f[0], "path-2025") ?
			  (folio + 15) / 16 * 16 : 80, r->v[6]);
		EXPECT_EQ((folio + 15) / 16 * 16, r->v[8]);
	}
	EXPECT_EQ(32, md_val(_metadata, &pr, "revision", "path-2025", 1));
	md_file_free(&pr);
	md_print_revisions(_metadata, "booted");
}

/*
 * shadow and layout: the raw file is every word, ranges back to back as
 * layout says, and a word read at PFN x 8 within a range is the shadow word
 * the pfn file shows for that PFN.
 */
TEST_F(memdesc, shadow_raw)
{
	unsigned long long pfn, start, nr, off, expect = 0, word, a, b;
	struct md_file lay, stats;
	unsigned char bytes[8];
	char buf[32], line[256];
	struct stat st;
	FILE *f;
	char *p;
	int fd;
	size_t i;

	md_read(_metadata, &lay, "layout", md_layout_syntax);
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	for (i = 0; i < lay.nr; i++) {
		EXPECT_EQ(expect, lay.rec[i].v[3]);
		expect += lay.rec[i].v[2] * 8;
	}
	EXPECT_EQ(8 * md_val(_metadata, &stats, "pfns", NULL, 0), expect);
	ASSERT_EQ(0, stat(MD_DEBUGFS "/shadow", &st));
	EXPECT_EQ(expect, (unsigned long long)st.st_size);

	p = md_anon_page(_metadata, &pfn);
	for (i = 0; i < lay.nr; i++) {
		start = lay.rec[i].v[1];
		nr = lay.rec[i].v[2];
		if (pfn >= start && pfn < start + nr)
			break;
	}
	ASSERT_LT(i, lay.nr);
	off = lay.rec[i].v[3] + (pfn - start) * 8;

	fd = open(MD_DEBUGFS "/shadow", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(8, pread(fd, bytes, 8, off));
	for (word = 0, i = 8; i--; )
		word = word << 8 | bytes[i];	/* little-endian */
	snprintf(buf, sizeof(buf), "%llu", pfn);
	ASSERT_EQ(0, md_write_str("pfn", buf));
	f = fopen(MD_DEBUGFS "/pfn", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	fclose(f);
	EXPECT_EQ(word, strtoull(line + strlen("shadow "), NULL, 16)) {
		TH_LOG("raw 0x%016llx, pfn file: %s", word, line);
	}

	/* Unaligned: bytes 4-11 are the top of word 0 and bottom of word 1. */
	ASSERT_EQ(8, pread(fd, bytes, 8, 4));
	ASSERT_EQ(8, pread(fd, &a, 8, 0));
	ASSERT_EQ(8, pread(fd, &b, 8, 8));
	EXPECT_EQ(0, memcmp(bytes, (char *)&a + 4, 4));
	EXPECT_EQ(0, memcmp(bytes + 4, &b, 4));
	/* Past the end: nothing. */
	EXPECT_EQ(0, pread(fd, bytes, 8, expect));
	close(fd);
	munmap(p, MD_PAGE);
	md_file_free(&lay);
	md_file_free(&stats);
}

/*
 * sections: one line per listed section, in PFN order, each a whole
 * section of the layout; every chunk tracked and on its own node here (the
 * guest's nodes have memory to spare); the chunks' memory adds up to
 * stats, and no section lies in a gap of the layout.
 */
TEST_F(memdesc, sections)
{
	unsigned long long tracked = 0, prev = 0, start;
	struct md_file sec, lay, stats;
	const struct md_rec *r;
	size_t i, j;

	md_read(_metadata, &sec, "sections", md_sections_syntax);
	md_read(_metadata, &lay, "layout", md_layout_syntax);
	md_read(_metadata, &stats, "stats", md_stats_syntax);
	ASSERT_LT(0, sec.nr);
	for (i = 0; i < sec.nr; i++) {
		r = &sec.rec[i];
		start = r->v[0];
		EXPECT_EQ(0, start % MD_SECTION_PFNS);
		if (i)
			EXPECT_LT(prev, start);
		prev = start;
		for (j = 0; j < lay.nr; j++)
			if (start >= lay.rec[j].v[1] &&
			    start < lay.rec[j].v[1] + lay.rec[j].v[2])
				break;
		ASSERT_LT(j, lay.nr) {
			TH_LOG("section %llu is in no layout range", start);
		}
		EXPECT_EQ(lay.rec[j].v[0], r->v[1]) {
			TH_LOG("section %llu: node %llu, its range's %llu",
			       start, r->v[1], lay.rec[j].v[0]);
		}
		EXPECT_STREQ("tracked", r->f[2]);
		EXPECT_EQ(r->v[1], strtoull(r->f[3], NULL, 10)) {
			TH_LOG("section %llu of node %llu: chunk on node %s",
			       start, r->v[1], r->f[3]);
		}
		EXPECT_TRUE(!strcmp(r->f[4], "direct") ||
			    !strcmp(r->f[4], "vmalloc"));
		tracked += MD_SECTION_PFNS;
	}
	EXPECT_EQ(tracked, md_sum(&lay, "range", 2));
	EXPECT_EQ(8 * tracked, md_val(_metadata, &stats, "shadow_word_bytes",
				      NULL, 0));
	EXPECT_EQ(0, md_val(_metadata, &stats, "chunks_remote", NULL, 0));
	md_file_free(&sec);
	md_file_free(&lay);
	md_file_free(&stats);
}

/* === fidelity: a mixed workload, then every disagreement explained === */

#define MD_WALK_CHECK	MD_SYSFS "/parameters/walk_check"
#define MD_WALK_DIFFER	MD_SYSFS "/parameters/walk_differ"

FIXTURE(fidelity) {
	struct md_mixed mix;
};

FIXTURE_SETUP(fidelity)
{
	if (geteuid())
		SKIP(return, "needs root");
	md_ensure_loaded(_metadata);
	/* Allocation sites, for the table's site column. */
	ASSERT_EQ(0, md_write_str("control", "owners on"));
	ASSERT_EQ(0, md_mixed_workload(&self->mix));
	ksft_print_msg("mixed: THP %lu kB, KSM sharing %lu, hugetlb %lu, blocks cycled %u\n",
		       self->mix.thp_kb, self->mix.ksm_sharing,
		       self->mix.hugetlb_pages, self->mix.blocks);
}

FIXTURE_TEARDOWN(fidelity)
{
	/* If md_walk_check() stopped short: compare at its normal cost. */
	md_write_file(MD_WALK_CHECK, "0");
	md_mixed_release(&self->mix);
	md_write_str("control", "owners off");
}

/*
 * compare's block walk against every PFN classified alone, from nothing
 * (the walk_check parameter): they must agree word for word.  A page that
 * changes between the two reads can part them on a live machine, so up to
 * three compares; a difference in the walk itself shows in all three.
 */
static void md_walk_check(struct __test_metadata *_metadata)
{
	unsigned long differ = ULONG_MAX;
	struct md_file cmp;
	char buf[32], *end;
	int i;

	ASSERT_EQ(0, md_write_file(MD_WALK_CHECK, "1"));
	for (i = 0; i < 3 && differ; i++) {
		md_read(_metadata, &cmp, "compare", md_compare_syntax);
		md_file_free(&cmp);
		ASSERT_LT(0, md_read_text(MD_WALK_DIFFER, buf, sizeof(buf)));
		differ = strtoul(buf, &end, 10);
		ASSERT_TRUE(end != buf && *end == '\n') {
			TH_LOG(MD_WALK_DIFFER ": '%s'", buf);
		}
		ksft_print_msg("walk_check: %lu PFNs read differently alone\n",
			       differ);
	}
	EXPECT_EQ(0, md_write_file(MD_WALK_CHECK, "0"));
	EXPECT_EQ(0, differ);
}

/* A row of the mismatch-class table in docs/TRANSITIONS.md. */
struct md_transition {
	char shadow[24];
	char live[24];
	char kernels[8];	/* "6.1", "6.12" or "both" */
	char seen[8];		/* "always" or "may" */
	char bound[64];		/* "LOW..HIGH" in the workload's terms */
	char site[128];		/* functions, comma-separated, or "-" */
};

/*
 * What a bound may name, from the mixed workload: hugetlb pages it maps
 * (and faults in) and those left in the pool.
 */
struct md_bound_vars {
	long long mapped;
	long long pooled;
};

/*
 * One side of a bound: "N", "N*VAR" or "N*VAR+M", VAR one of
 * struct md_bound_vars.  Return: its value, or -1 if it does not parse.
 */
static long long md_bound_side(const char *s, const struct md_bound_vars *v)
{
	long long n, m = 0, var = 1;
	char name[16] = "";
	int len = 0;

	if (sscanf(s, "%lld%n", &n, &len) != 1)
		return -1;
	s += len;
	if (*s == '*') {
		if (sscanf(s + 1, "%15[a-z]%n", name, &len) != 1)
			return -1;
		if (!strcmp(name, "mapped"))
			var = v->mapped;
		else if (!strcmp(name, "pooled"))
			var = v->pooled;
		else
			return -1;
		s += 1 + len;
	}
	if (*s == '+') {
		if (sscanf(s + 1, "%lld%n", &m, &len) != 1)
			return -1;
		s += 1 + len;
	}
	return *s ? -1 : n * var + m;
}

/* "LOW..HIGH" into @lo and @hi; false if it does not parse. */
static bool md_bound_parse(const char *bound, const struct md_bound_vars *v,
			   long long *lo, long long *hi)
{
	char a[32], b[32];
	const char *dots = strstr(bound, "..");

	if (!dots || dots - bound >= (long)sizeof(a) ||
	    strlen(dots + 2) >= sizeof(b))
		return false;
	snprintf(a, sizeof(a), "%.*s", (int)(dots - bound), bound);
	snprintf(b, sizeof(b), "%s", dots + 2);
	*lo = md_bound_side(a, v);
	*hi = md_bound_side(b, v);
	return *lo >= 0 && *hi >= *lo;
}

#define MD_TRANSITIONS	"/etc/memdesc-transitions.md"
#define MD_MAX_TRANSITIONS 64

/* Drop every backquote of @s, in place: Markdown's, not the table's. */
static void md_unquote(char *s)
{
	char *o = s;

	for (; *s; s++)
		if (*s != '`')
			*o++ = *s;
	*o = '\0';
}

/*
 * "| a | b | c | d | e | f | ..." into @t; false for rows that are not
 * classes.  Each cell's first word.
 */
static bool md_parse_transition(char *line, struct md_transition *t)
{
	char *cell[6], *save, *tok;
	int n = 0;

	if (strncmp(line, "| ", 2))
		return false;
	for (tok = strtok_r(line, "|", &save); tok && n < 6;
	     tok = strtok_r(NULL, "|", &save)) {
		while (*tok == ' ')
			tok++;
		tok[strcspn(tok, " ")] = '\0';
		cell[n++] = tok;
	}
	if (n < 6 || !md_class_known(cell[0]) || !md_class_known(cell[1]))
		return false;
	md_unquote(cell[5]);
	snprintf(t->site, sizeof(t->site), "%s", cell[5]);
	snprintf(t->shadow, sizeof(t->shadow), "%s", cell[0]);
	snprintf(t->live, sizeof(t->live), "%s", cell[1]);
	snprintf(t->kernels, sizeof(t->kernels), "%s", cell[2]);
	snprintf(t->seen, sizeof(t->seen), "%s", cell[3]);
	/* Markdown wants backquotes around "*": drop them. */
	if (cell[4][0] == '`')
		cell[4]++;
	cell[4][strcspn(cell[4], "`")] = '\0';
	snprintf(t->bound, sizeof(t->bound), "%s", cell[4]);
	return true;
}

static size_t md_read_transitions(struct __test_metadata *_metadata,
				  struct md_transition *t)
{
	char line[1024];
	size_t n = 0;
	FILE *f;

	f = fopen(MD_TRANSITIONS, "re");
	ASSERT_NE(NULL, f);
	while (n < MD_MAX_TRANSITIONS && fgets(line, sizeof(line), f))
		if (md_parse_transition(line, &t[n]))
			n++;
	fclose(f);
	return n;
}

/* "6.1" or "6.12": the kernel columns of the table. */
static void md_kernel_series(char *buf, size_t size)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		major = minor = 0;	/* matches no row but "both" */
	snprintf(buf, size, "%u.%u", major, minor);
}

static bool md_transition_applies(const struct md_transition *t,
				  const char *series)
{
	return !strcmp(t->kernels, "both") || !strcmp(t->kernels, series);
}

/* The length of a frame's function name: up to '+', or a clone's '.'. */
static size_t md_fn_len(const char *frame)
{
	return strcspn(frame, "+.");
}

/* Whether the function of @frame is one of the comma-separated @names. */
static bool md_site_named(const char *frame, const char *names)
{
	size_t n = md_fn_len(frame), k;

	while (*names) {
		k = strcspn(names, ",");
		if (k == n && !strncmp(frame, names, n))
			return true;
		names += k + (names[k] == ',');
	}
	return false;
}

/*
 * The allocation site the table names for an "always" cell must be where
 * most of the cell's pages of known owner come from: the site records of
 * the cell (compare's top sites, by handle) summed by the function of
 * their first frame.  Pages allocated before owners went on (unknown)
 * name no site.
 */
static void md_check_site(struct __test_metadata *_metadata,
			  const struct md_file *cmp,
			  const struct md_transition *t)
{
	unsigned long long pages[3 * MD_MAX_TRANSITIONS] = { 0 };
	const char *fn[3 * MD_MAX_TRANSITIONS];
	size_t i, j, n = 0, top = 0;

	if (!strcmp(t->site, "-"))
		return;
	for (i = 0; i < cmp->nr; i++) {
		const struct md_rec *r = &cmp->rec[i];

		if (!md_rec_is(r, "site", t->shadow) || strcmp(r->f[1], t->live) ||
		    !strncmp(r->f[3], "unknown", 7) ||
		    !strncmp(r->f[3], "unsaved", 7))
			continue;
		for (j = 0; j < n; j++)
			if (md_fn_len(fn[j]) == md_fn_len(r->f[4]) &&
			    !strncmp(fn[j], r->f[4], md_fn_len(r->f[4])))
				break;
		if (j == n) {
			if (n == ARRAY_SIZE(fn))
				break;
			fn[n++] = r->f[4];
		}
		pages[j] += r->v[2];
		if (pages[j] > pages[top])
			top = j;
	}
	ASSERT_LT(0U, n) {
		TH_LOG("class %s -> %s: no site of known owner", t->shadow,
		       t->live);
	}
	EXPECT_TRUE(md_site_named(fn[top], t->site)) {
		TH_LOG("class %s -> %s: top site %s (%llu pages), the table says %s",
		       t->shadow, t->live, fn[top], pages[top], t->site);
	}
}

/*
 * After every kind of memory and the paths that change pages without an
 * event: allocated/free, zone and node still hold, type does but for the
 * cells the table explains and bounds one by one, and every persistent
 * disagreement is a class docs/TRANSITIONS.md explains, with a count
 * within the bound the table gives it in terms of the workload.  A class
 * that appears, an "always" class that disappears, or a count out of its
 * bound fails: the document and the kernel's behaviour move together.
 */
TEST_F_TIMEOUT(fidelity, mixed_workload, MD_TIMEOUT(900))
{
	struct md_transition t[MD_MAX_TRANSITIONS];
	const struct md_rec *within[MD_MAX_TRANSITIONS];
	unsigned long long explained = 0;
	size_t nw = 0;
	struct md_bound_vars vars;
	char series[16];
	struct md_file cmp;
	long long lo, hi;
	size_t i, j, nt;

	md_kernel_series(series, sizeof(series));
	nt = md_read_transitions(_metadata, t);
	ASSERT_LT(0, nt);
	ASSERT_NE(NULL, self->mix.hugetlb) {
		TH_LOG("no hugetlb pages: the hugetlb classes cannot be checked");
	}

	/*
	 * The pool as it is now: taking a memory block offline dissolves
	 * the free hugetlb folios in it, and the pool does not refill.
	 */
	vars.mapped = MD_HUGETLB;
	vars.pooled = (long long)md_read_ulong("/proc/sys/vm/nr_hugepages", 10) -
		      MD_HUGETLB;
	ksft_print_msg("hugetlb pages mapped %lld pooled %lld (reserved %lu)\n",
		       vars.mapped, vars.pooled, self->mix.hugetlb_pages);
	for (j = 0; j < nt; j++)
		EXPECT_TRUE(md_bound_parse(t[j].bound, &vars, &lo, &hi)) {
			TH_LOG("class %s -> %s: bound '%s' does not parse",
			       t[j].shadow, t[j].live, t[j].bound);
		}

	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	for (i = 0; i < cmp.nr; i++) {
		const struct md_rec *r = &cmp.rec[i];

		if (strcmp(r->key, "matrix") || !strcmp(r->f[0], r->f[1]))
			continue;
		for (j = 0; j < nt; j++)
			if (!strcmp(t[j].shadow, r->f[0]) &&
			    !strcmp(t[j].live, r->f[1]) &&
			    md_transition_applies(&t[j], series))
				break;
		EXPECT_LT(j, nt) {
			TH_LOG("undocumented class %s -> %s (%llu pages) on %s",
			       r->f[0], r->f[1], r->v[2], series);
			continue;
		}
		/*
		 * The count, not just the class: a probe that stops typing
		 * what it should would grow a documented cell.
		 */
		if (!md_bound_parse(t[j].bound, &vars, &lo, &hi))
			continue;
		EXPECT_TRUE((long long)r->v[2] >= lo &&
			    (long long)r->v[2] <= hi) {
			TH_LOG("class %s -> %s: %llu pages, bound %s = %lld..%lld",
			       r->f[0], r->f[1], r->v[2], t[j].bound, lo, hi);
			continue;
		}
		explained += r->v[2];
		if (nw < ARRAY_SIZE(within))
			within[nw++] = r;
	}
	/*
	 * The cells within their documented bounds are judged above, and
	 * left out of their classes: a cell past its bound has failed.
	 */
	md_check_compare(_metadata, &cmp, "fidelity", explained);
	md_check_closed(_metadata, &cmp, "fidelity", within, nw);
	md_print_revisions(_metadata, "mixed workload");
	for (j = 0; j < nt; j++) {
		if (strcmp(t[j].seen, "always") ||
		    !md_transition_applies(&t[j], series))
			continue;
		EXPECT_NE(NULL, md_matrix_cell(&cmp, t[j].shadow, t[j].live)) {
			TH_LOG("documented class %s -> %s did not appear on %s",
			       t[j].shadow, t[j].live, series);
		}
		md_check_site(_metadata, &cmp, &t[j]);
	}
	for (i = 0; i < cmp.nr; i++) {
		const struct md_rec *r = &cmp.rec[i];

		if (!strcmp(r->key, "class"))
			ksft_print_msg("class %s shadow %llu live %llu agree %llu precision %s recall %s\n",
				       r->f[0], r->v[1], r->v[2], r->v[3],
				       r->f[4], r->f[5]);
		if (!strcmp(r->key, "matrix") && strcmp(r->f[0], r->f[1]))
			ksft_print_msg("persistent %s -> %s: %llu\n",
				       r->f[0], r->f[1], r->v[2]);
		if (!strcmp(r->key, "site"))
			ksft_print_msg("site %s -> %s: %llu from %s %s\n",
				       r->f[0], r->f[1], r->v[2], r->f[3],
				       r->f[4]);
		if (!strcmp(r->key, "field"))
			ksft_print_msg("field %s agree %llu disagree %llu (%s) transient %llu\n",
				       r->f[0], r->v[1], r->v[2], r->f[3],
				       r->v[4]);
	}
	for (i = 0; i < cmp.nr; i++)
		if (!strcmp(cmp.rec[i].key, "example")) {
			ksft_print_msg("example %s -> %s:\n", cmp.rec[i].f[0],
				       cmp.rec[i].f[1]);
			md_show_pfn(cmp.rec[i].v[2]);
		}
	md_file_free(&cmp);
	/* With every kind of page there is, the block walk is checked. */
	md_walk_check(_metadata);
}

/* === unload: after everything above === */

FIXTURE(unload) {
};

FIXTURE_SETUP(unload)
{
	if (geteuid())
		SKIP(return, "needs root");
	/* The tests above leave it loaded: gone means one of them broke. */
	ASSERT_TRUE(md_loaded()) {
		TH_LOG("memdesc is not loaded: a test above unloaded it or failed to load it");
	}
}

FIXTURE_TEARDOWN(unload)
{
}

/*
 * Unload a module that has seen a workload: the probes must detach and the
 * shadow go away cleanly (the host checks the kernel log afterwards).
 */
TEST_F(unload, after_use)
{
	struct stat st;

	ASSERT_EQ(0, md_unload());
	EXPECT_FALSE(md_loaded());
	EXPECT_EQ(-1, stat(MD_DEBUGFS, &st));
}

TEST_HARNESS_MAIN
