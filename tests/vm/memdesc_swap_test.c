// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_swap_test - the types a machine with swap and a balloon has.
 *
 * zsmalloc's pages (movable), balloon pages (offline, and migrated by
 * compaction), the swap cache and shmem's way in and out of it: paths a
 * guest without swap never takes.  Each test builds the state with the
 * kernel's own modules (run.sh copies zram and virtio_balloon, with what
 * they need, and lists them in /etc/memdesc-swap.modules), then reads
 * compare while the state holds:
 *   - state and type agree on at least 99.9% of PFNs, zone and node on all;
 *   - the class the test made is on both sides, as many pages as the
 *     kernel's own count says (zram's mm_stat, the balloon's MemTotal),
 *     with precision and recall of at least 99%.
 * The balloon is inflated from the host: the test prints "<token> Q
 * balloon <MiB>" on the console and run.sh's monitor agent passes it on.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <time.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"

#define MS_MODULES	"/etc/memdesc-swap.modules"
#define MS_ZRAM		"/sys/block/zram0"
#define MS_CGROUP	"/sys/fs/cgroup"
#define MS_GROUP	MS_CGROUP "/memdesc-swap"
#define MS_ZSWAP	"/sys/module/zswap/parameters"
#define MS_ZSWAP_DEBUGFS "/sys/kernel/debug/zswap"
#define MS_PAGE		4096UL

/* Precision and recall of the class a test made. */
#define MS_CLASS_AGREE	99000ULL

/* Field @idx of the record @key @name, or 0 if there is none. */
static unsigned long long ms_val(const struct md_file *mf, const char *key,
				 const char *name, unsigned int idx)
{
	const struct md_rec *r = md_find(mf, key, name);

	return r ? r->v[idx] : 0;
}

/*
 * Print what compare says, for the log and the docs: the fields, every
 * class either side has, every off-diagonal cell.
 */
static void ms_print_compare(const struct md_file *cmp, const char *when)
{
	size_t i;

	for (i = 0; i < cmp->nr; i++) {
		const struct md_rec *r = &cmp->rec[i];

		if (!strcmp(r->key, "field"))
			ksft_print_msg("%s: field %s %s%% (%llu disagree)\n",
				       when, r->f[0], r->f[3], r->v[2]);
		else if (!strcmp(r->key, "class") && (r->v[1] || r->v[2]))
			ksft_print_msg("%s: class %s shadow %llu live %llu precision %s recall %s\n",
				       when, r->f[0], r->v[1], r->v[2],
				       r->f[4], r->f[5]);
		else if (!strcmp(r->key, "matrix") &&
			 strcmp(r->f[0], r->f[1]))
			ksft_print_msg("%s: cell %s -> %s %llu\n", when,
				       r->f[0], r->f[1], r->v[2]);
	}
}

/*
 * Class @class on both sides: at least @min pages live and in the shadow,
 * precision and recall at MS_CLASS_AGREE or better.
 */
static void ms_check_class(struct __test_metadata *_metadata,
			   const struct md_file *cmp, const char *class,
			   unsigned long long min)
{
	unsigned long long shadow = ms_val(cmp, "class", class, 1);
	unsigned long long live = ms_val(cmp, "class", class, 2);
	unsigned long long v;

	EXPECT_LE(min, live) {
		TH_LOG("%s: %llu pages live, want %llu", class, live, min);
	}
	EXPECT_LE(min, shadow) {
		TH_LOG("%s: %llu pages in the shadow, want %llu", class,
		       shadow, min);
	}
	v = ms_val(cmp, "class", class, 4);
	EXPECT_LE(MS_CLASS_AGREE, v) {
		TH_LOG("%s: precision %llu.%03llu%%", class, v / 1000,
		       v % 1000);
	}
	v = ms_val(cmp, "class", class, 5);
	EXPECT_LE(MS_CLASS_AGREE, v) {
		TH_LOG("%s: recall %llu.%03llu%%", class, v / 1000, v % 1000);
	}
}

/*
 * Read compare, print it, and judge it as every test of the suite does
 * (md_check_compare(): state and type at 99.9% or better, pages a hook
 * left to a resync left out, zone and node everywhere).
 */
static void ms_compare(struct __test_metadata *_metadata, struct md_file *cmp,
		       const char *when)
{
	md_read(_metadata, cmp, "compare", md_compare_syntax);
	ms_print_compare(cmp, when);
	md_check_compare(_metadata, cmp, when, 0);
}

/* Field @idx (1 attached, 2 count) of the stats line of event @name. */
static unsigned long long ms_stat_event(struct __test_metadata *_metadata,
					const char *name, unsigned int idx)
{
	struct md_file stats;
	unsigned long long n;

	md_read(_metadata, &stats, "stats", md_stats_syntax);
	n = ms_val(&stats, "event", name, idx);
	md_file_free(&stats);
	return n;
}

static unsigned long long ms_event(struct __test_metadata *_metadata,
				   const char *name)
{
	return ms_stat_event(_metadata, name, 2);
}

static bool ms_val_attached(struct __test_metadata *_metadata,
			    const char *name)
{
	return ms_stat_event(_metadata, name, 1);
}

static int ms_sh(const char *cmd)
{
	return md_shell(cmd, NULL, NULL);
}

/* === Modules, zram, the memory cgroup === */

static void ms_modules(struct __test_metadata *_metadata)
{
	static bool loaded;
	int n;

	if (loaded)
		return;
	n = md_load_modules(MS_MODULES);
	ASSERT_LE(0, n) {
		TH_LOG(MS_MODULES ": %s (run.sh writes it)", strerror(-n));
	}
	ksft_print_msg("figure swap_modules_loaded %d\n", n);
	ASSERT_EQ(0, access("/sys/module/zram", F_OK));
	ASSERT_EQ(0, access("/sys/module/virtio_balloon", F_OK));
	loaded = true;
}

/* zram0 as swap, @mib big; once. */
static void ms_zram_swap(struct __test_metadata *_metadata, unsigned int mib)
{
	char buf[64];

	if (md_read_line(MS_ZRAM "/disksize", buf, sizeof(buf)) &&
	    strcmp(buf, "0"))
		return;
	snprintf(buf, sizeof(buf), "%uM", mib);
	ASSERT_EQ(0, md_write_file(MS_ZRAM "/disksize", buf));
	ASSERT_EQ(0, ms_sh("mkswap /dev/zram0 >/dev/null"));
	ASSERT_EQ(0, ms_sh("swapon /dev/zram0"));
}

/* Pages zsmalloc holds for zram: mm_stat's third field, in bytes. */
static unsigned long long ms_zram_pages(void)
{
	unsigned long long orig, compr, used;
	char buf[256];

	if (!md_read_line(MS_ZRAM "/mm_stat", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu %llu %llu", &orig, &compr, &used) != 3)
		return 0;
	return used / MS_PAGE;
}

/* A memory cgroup capped at @mib, for a workload to swap in. */
static void ms_cgroup(struct __test_metadata *_metadata, unsigned int mib)
{
	char buf[32];

	if (access(MS_CGROUP "/cgroup.controllers", F_OK))
		ASSERT_EQ(0, mount("cgroup2", MS_CGROUP, "cgroup2", 0, NULL));
	ASSERT_EQ(0, md_write_file(MS_CGROUP "/cgroup.subtree_control",
				   "+memory"));
	if (mkdir(MS_GROUP, 0755))
		ASSERT_EQ(EEXIST, errno);
	snprintf(buf, sizeof(buf), "%uM", mib);
	ASSERT_EQ(0, md_write_file(MS_GROUP "/memory.max", buf));
}

/*
 * Fill a page so that it compresses, and is not one zram stores without
 * zsmalloc (a page of one repeated word).
 */
static void ms_fill(char *p, unsigned long seed)
{
	unsigned long *w = (unsigned long *)p;
	unsigned int i;

	for (i = 0; i < 32; i++)
		w[i] = seed * 2654435761UL + i;
}

/*
 * The workload, in a child inside the cgroup: @anon_mib of anonymous memory
 * and a @shmem_mib tmpfs file, each page written, then all read back and
 * written again, so that pages go out to swap and come back in (anon
 * swap-in, shmem swap-in through the swap cache).  The child then stops
 * and holds everything until killed: compare sees the swapped state.
 * Return: the child, stopped; or -1.
 */
static pid_t ms_workload(struct __test_metadata *_metadata,
			 unsigned int anon_mib, unsigned int shmem_mib)
{
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		size_t anon = (size_t)anon_mib << 20, shm = (size_t)shmem_mib << 20;
		char *a, *s, pidbuf[32];
		unsigned long sum = 0;
		size_t off;
		int pass, fd;

		close(ready[0]);
		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		if (md_write_file(MS_GROUP "/cgroup.procs", pidbuf))
			_exit(1);
		a = mmap(NULL, anon, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		fd = open("/tmp/memdesc-swap.shm", O_RDWR | O_CREAT | O_TRUNC,
			  0600);
		if (a == MAP_FAILED || fd < 0 || ftruncate(fd, shm))
			_exit(2);
		s = mmap(NULL, shm, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (s == MAP_FAILED)
			_exit(3);
		madvise(a, anon, MADV_NOHUGEPAGE);
		madvise(s, shm, MADV_NOHUGEPAGE);
		for (pass = 0; pass < 2; pass++) {
			for (off = 0; off < anon; off += MS_PAGE) {
				sum += a[off];
				ms_fill(a + off, off + pass);
			}
			for (off = 0; off < shm; off += MS_PAGE) {
				sum += s[off];
				ms_fill(s + off, off + pass + 1);
			}
		}
		/* Unmapped shmem pages go back through shmem's own swap-in. */
		munmap(s, shm);
		s = mmap(NULL, shm, PROT_READ, MAP_SHARED, fd, 0);
		for (off = 0; s != MAP_FAILED && off < shm; off += MS_PAGE)
			sum += s[off];
		c = (char)sum;
		if (write(ready[1], &c, 1) != 1)
			_exit(4);
		pause();
		_exit(0);
	}
	close(ready[1]);
	EXPECT_EQ(1, read(ready[0], &c, 1)) {
		TH_LOG("the workload did not finish");
	}
	close(ready[0]);
	return pid;
}

static void ms_workload_end(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink("/tmp/memdesc-swap.shm");
}

/* Swap in use, in pages. */
static unsigned long long ms_swap_used(void)
{
	return (md_meminfo_kb("SwapTotal") - md_meminfo_kb("SwapFree")) / 4;
}

/* === The balloon === */

/* Ask the host to set the balloon so that the guest has @mib MiB. */
static void ms_balloon(struct __test_metadata *_metadata, unsigned int mib)
{
	char req[64];

	snprintf(req, sizeof(req), "balloon %u", mib);
	ksft_print_msg("request: %s\n", req);
	ASSERT_EQ(0, md_console("Q", req)) {
		TH_LOG("cannot write the request to the console (no token in "
		       MD_VM_CONF "?)");
	}
}

/*
 * Wait until MemTotal is within 8 MiB of @want_kb (the balloon takes pages
 * in batches, each a round trip to the host), up to @timeout seconds, or
 * until it has not moved for MD_STALL_SECONDS.  A wait that ends short
 * says what it waited for, what it saw, and the balloon's interrupts.
 * Return: MemTotal.
 */
static unsigned long ms_wait_memtotal(unsigned long want_kb, double timeout)
{
	unsigned long kb = md_meminfo_kb("MemTotal");
	struct md_wait w;

	md_wait_start(&w, kb);
	for (;;) {
		kb = md_meminfo_kb("MemTotal");
		if (kb + 8192 >= want_kb && kb <= want_kb + 8192)
			return kb;
		if (md_wait_over(&w, kb, timeout))
			break;
		usleep(200 * 1000);
	}
	ksft_print_msg("balloon: waited for MemTotal %lu kB; saw %lu kB (from %llu), unchanged for %.0f s, after %.0f s of %.0f\n",
		       want_kb, kb, w.first, md_now() - w.moved,
		       md_now() - w.t0, timeout);
	md_log_virtio_irqs();
	return kb;
}

/* === Guard pages === */

/* Whether the kernel was booted with debug_pagealloc=on. */
static bool ms_debug_pagealloc(void)
{
	char buf[1024];

	return md_read_line("/proc/cmdline", buf, sizeof(buf)) &&
	       strstr(buf, "debug_pagealloc=on");
}

FIXTURE(guard) {
};

FIXTURE_SETUP(guard)
{
	if (!ms_debug_pagealloc())
		SKIP(return, "no debug_pagealloc=on: no guard pages (Debian's kernels lack CONFIG_DEBUG_PAGEALLOC; the debug tier boots with it)");
	md_ensure_loaded(_metadata);
}

FIXTURE_TEARDOWN(guard)
{
}

/*
 * With debug_pagealloc=on and debug_guardpage_minorder=1, every buddy
 * split down to order 0 keeps the other half out of use as a guard page
 * until its buddy comes back.  The hooks on __set_page_guard and
 * __clear_page_guard follow them: guard on both sides.
 */
TEST_F_TIMEOUT(guard, pages, MD_TIMEOUT(600))
{
	struct md_file cmp;
	long pages;

	unsigned long long set;

	ASSERT_TRUE(ms_val_attached(_metadata, "__set_page_guard"));
	ASSERT_TRUE(ms_val_attached(_metadata, "__clear_page_guard"));
	pages = md_anon_touch(64 * MD_MIB);
	ASSERT_LT(0, pages);
	set = ms_event(_metadata, "__set_page_guard");
	ksft_print_msg("figure guard_set %llu guard_clear %llu\n", set,
		       ms_event(_metadata, "__clear_page_guard"));
	EXPECT_LT(0ULL, set);
	ms_compare(_metadata, &cmp, "guard");
	ms_check_class(_metadata, &cmp, "guard", 1);
	md_file_free(&cmp);
}

FIXTURE(swap) {
};

FIXTURE_SETUP(swap)
{
	/*
	 * debug_pagealloc remaps the direct map at every allocation and
	 * free: under TCG an 848 MiB balloon then takes longer than any
	 * timeout.  The debug tier runs these in its boot without it.
	 */
	if (ms_debug_pagealloc())
		SKIP(return, "debug_pagealloc=on: the balloon and swap tests run in the boot without it");
	md_ensure_loaded(_metadata);
	ms_modules(_metadata);
}

FIXTURE_TEARDOWN(swap)
{
}

/*
 * Inflated, the balloon's pages are offline on both sides: the kernel has
 * no event for it, the module's hooks on __SetPageMovable and
 * adjust_managed_page_count see it.  Compaction migrates them (balloon
 * compaction), and the new pages are offline too.  Deflated, they are
 * free again and no offline page is left but those the device still holds
 * (MemTotal short of where it was: the wait accepts 8 MiB, and on a busy
 * host the last pages can come back after it), on both sides alike.
 */
TEST_F_TIMEOUT(swap, balloon, MD_TIMEOUT(900))
{
	unsigned long total = md_meminfo_kb("MemTotal"), kb, pages, left;
	unsigned long long moved;
	struct md_file cmp;
	double t0 = md_now(), end;

	ms_balloon(_metadata, 1200);
	kb = ms_wait_memtotal(total - (848UL << 10), MD_TIMEOUT(600));
	pages = (total - kb) / 4;
	ksft_print_msg("figure balloon_inflated_pages %lu in %.0f s\n", pages,
		       md_now() - t0);
	ASSERT_LE(800UL << 8, pages) {
		TH_LOG("MemTotal went from %lu to %lu kB only", total, kb);
	}
	ms_compare(_metadata, &cmp, "inflated");
	ms_check_class(_metadata, &cmp, "offline", pages * 99 / 100);
	md_file_free(&cmp);

	moved = ms_event(_metadata, "__SetPageMovable");
	ASSERT_EQ(0, md_write_file("/proc/sys/vm/compact_memory", "1"));
	moved = ms_event(_metadata, "__SetPageMovable") - moved;
	ksft_print_msg("figure balloon_pages_migrated %llu\n", moved);
	ms_compare(_metadata, &cmp, "compacted");
	ms_check_class(_metadata, &cmp, "offline", pages * 99 / 100);
	md_file_free(&cmp);

	t0 = md_now();
	ms_balloon(_metadata, 2048);
	kb = ms_wait_memtotal(total, MD_TIMEOUT(600));
	ASSERT_LE(total - 8192, kb);
	/* Within 8 MiB the device may still hold a few: give it time. */
	for (end = md_now() + MD_TIMEOUT(30); kb < total && md_now() < end;
	     usleep(200 * 1000))
		kb = md_meminfo_kb("MemTotal");
	left = kb < total ? (total - kb) / 4 : 0;
	ksft_print_msg("figure balloon_deflated MemTotal %lu kB in %.0f s, %lu pages still held\n",
		       kb, md_now() - t0, left);
	ms_compare(_metadata, &cmp, "deflated");
	/* No offline page but those, and the shadow says the same. */
	EXPECT_GE(left, ms_val(&cmp, "class", "offline", 2));
	EXPECT_EQ(ms_val(&cmp, "class", "offline", 2),
		  ms_val(&cmp, "class", "offline", 1));
	md_file_free(&cmp);
}

/*
 * Swap on zram: the workload goes well past its cgroup's limit, so pages
 * are swapped out (compressed into zsmalloc's movable pages) and back in.
 * zsmalloc's pages are movable on both sides, about as many as zram says
 * it uses; swap-cache folios are anon on both sides; shmem folios read back
 * are file on both sides.
 */
TEST_F_TIMEOUT(swap, zram, MD_TIMEOUT(900))
{
	unsigned long long zs, swapped, added, deleted;
	struct md_file cmp;
	double t0;
	pid_t pid;

	ms_zram_swap(_metadata, 512);
	ms_cgroup(_metadata, 96);
	added = ms_event(_metadata, "add_to_swap_cache");
	deleted = ms_event(_metadata, "delete_from_swap_cache");
	t0 = md_now();
	pid = ms_workload(_metadata, 160, 64);
	swapped = ms_swap_used();
	zs = ms_zram_pages();
	ksft_print_msg("figure zram_workload_s %.0f swapped_pages %llu zsmalloc_pages %llu\n",
		       md_now() - t0, swapped, zs);
	ksft_print_msg("figure swap_cache_add %llu delete %llu\n",
		       ms_event(_metadata, "add_to_swap_cache") - added,
		       ms_event(_metadata, "delete_from_swap_cache") - deleted);
	EXPECT_LE(16384ULL, swapped);
	EXPECT_LT(0ULL, zs);
	ms_compare(_metadata, &cmp, "zram");
	ms_check_class(_metadata, &cmp, "movable", zs * 9 / 10);
	/*
	 * What came back in: anonymous pages (through the swap cache, or
	 * around it on zram) and shmem pages, typed as the live side does.
	 */
	ms_check_class(_metadata, &cmp, "anon", 1024);
	ms_check_class(_metadata, &cmp, "file", 1024);
	md_file_free(&cmp);
	ms_workload_end(pid);
}

/*
 * zswap in front of the zram swap, on zsmalloc (6.1's default pool is
 * zbud, whose pages are not movable: set it): the same workload, the pool's
 * pages movable on both sides.
 */
TEST_F_TIMEOUT(swap, zswap, MD_TIMEOUT(900))
{
	unsigned long long stored = 0, pool = 0;
	struct md_file cmp;
	char buf[64];
	pid_t pid;

	ms_zram_swap(_metadata, 512);
	ms_cgroup(_metadata, 96);
	ASSERT_TRUE(md_read_line(MS_ZSWAP "/zpool", buf, sizeof(buf)));
	if (strcmp(buf, "zsmalloc"))
		ASSERT_EQ(0, md_write_file(MS_ZSWAP "/zpool", "zsmalloc"));
	ASSERT_EQ(0, md_write_file(MS_ZSWAP "/enabled", "Y"));
	pid = ms_workload(_metadata, 160, 64);
	if (md_read_line(MS_ZSWAP_DEBUGFS "/stored_pages", buf, sizeof(buf)))
		stored = strtoull(buf, NULL, 10);
	if (md_read_line(MS_ZSWAP_DEBUGFS "/pool_total_size", buf,
			 sizeof(buf)))
		pool = strtoull(buf, NULL, 10) / MS_PAGE;
	ksft_print_msg("figure zswap_stored_pages %llu pool_pages %llu swapped_pages %llu zram_pages %llu\n",
		       stored, pool, ms_swap_used(), ms_zram_pages());
	EXPECT_LT(0ULL, stored);
	EXPECT_LT(0ULL, pool);
	ms_compare(_metadata, &cmp, "zswap");
	/* zswap's pool and zram's: every page zsmalloc holds. */
	ms_check_class(_metadata, &cmp, "movable",
		       (pool + ms_zram_pages()) * 9 / 10);
	md_file_free(&cmp);
	ms_workload_end(pid);
	md_write_file(MS_ZSWAP "/enabled", "N");
}

TEST_HARNESS_MAIN
