// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_stress_test.c - memdesc.ko under what a production kernel throws
 * at it: stress-ng on every vCPU, load/unload cycles under load,
 * memory and CPU hotplug under load, failing load-time allocations, and
 * fuzzed writes to every writable file.
 *
 * Runs as root in the VM that tests/vm/run.sh boots, after the other guest
 * programs; stress-ng and its libraries are in the initramfs.  Every test
 * prints its figures with ksft_print_msg() ("# figure <name> <value>"), so
 * docs/RELIABILITY.md is written from a real console log.  The kernel log
 * is checked by run.sh after all programs ran.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"

#define MS_STRESS_LOG	"/tmp/memdesc-stress.log"
#define MS_STRESS_YAML	"/tmp/memdesc-stress.yaml"
#define MS_MEMORY	"/sys/devices/system/memory"
#define MS_CPU1		"/sys/devices/system/cpu/cpu1/online"

#define MS_LOAD_SECONDS		60	/* a minute of load, at the least */
/* Load/unload cycles under load: tests/vm/run.sh, MEMDESC_VM_CYCLES. */
#ifdef MD_CYCLES
#define MS_CYCLES		MD_CYCLES
#else
#define MS_CYCLES		50
#endif
#define MS_MEM_CYCLES		20	/* memory block offline/online */
#define MS_CPU_CYCLES		10	/* cpu1 offline/online */
#define MS_FUZZ_CASES		10000	/* per writable file, one writer */
#define MS_FUZZ_WRITERS		4	/* then concurrent writers ... */
#define MS_FUZZ_EACH		1000	/* ... of this many cases each */

#define MS_KMEMLEAK		"/sys/kernel/debug/kmemleak"
/* What kmemleak calls this program: its comm, 15 characters. */
#define MS_COMM			"memdesc_stress_"

/* === Files === */

/*
 * Forget the leaks kmemleak has seen so far, if the kernel has it: only
 * objects allocated from here on count in ms_kmemleak_check().
 * Return: false without kmemleak.
 */
static bool ms_kmemleak_begin(struct __test_metadata *_metadata)
{
	int ret;

	if (access(MS_KMEMLEAK, F_OK))
		return false;
	/* Fails once kmemleak has disabled itself (out of memory pool). */
	ret = md_write_file(MS_KMEMLEAK, "clear");
	EXPECT_EQ(0, ret) {
		TH_LOG("kmemleak: clear: %s", strerror(-ret));
	}
	return !ret;
}

/*
 * kmemleak's verdict on what this program made the kernel allocate since
 * ms_kmemleak_begin(): the module's allocations at load happen in this
 * process, so they carry its comm.  (A report cannot name memdesc: its
 * backtrace points into a module that is gone.)  Objects younger than
 * kmemleak's minimum age (5 s) are not reported yet, hence the wait.
 */
static void ms_kmemleak_check(struct __test_metadata *_metadata,
			      const char *what)
{
	char line[512], comm[64];
	int total = 0, ours = 0;
	FILE *f;

	sleep(6);
	ASSERT_EQ(0, md_write_file(MS_KMEMLEAK, "scan"));
	f = fopen(MS_KMEMLEAK, "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "unreferenced object", 19))
			total++;
		if (sscanf(line, " comm \"%63[^\"]\"", comm) == 1 &&
		    !strcmp(comm, MS_COMM)) {
			ours++;
			ksft_print_msg("kmemleak: %s", line);
		}
	}
	fclose(f);
	ksft_print_msg("figure %s_kmemleak reports %d, from this program %d\n",
		       what, total, ours);
	EXPECT_EQ(0, ours);
}

/* Let the page and slab caches give back what they can. */
static void ms_quiesce(void)
{
	sync();
	md_write_file("/proc/sys/vm/drop_caches", "3");
	md_write_file("/proc/sys/vm/compact_memory", "1");
	sleep(2);
}

static void ms_ensure_unloaded(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, md_loaded() ? md_unload() : 0);
}

/* compare's verdict (md_check_compare()), its figures named @when. */
static void ms_check_compare(struct __test_metadata *_metadata,
			     const char *when)
{
	struct md_file cmp;

	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	md_check_compare(_metadata, &cmp, when, 0);
	md_file_free(&cmp);
}

/* === stress-ng === */

/*
 * Read compare and summary in a loop, in a child, until the parent closes
 * @stop's write end: every read must parse.  Exits 0, or 1 on the first
 * read that fails; prints how many it made.
 */
static pid_t ms_reader_start(int stop[2])
{
	unsigned long reads = 0;
	struct pollfd pfd;
	struct md_file mf;
	pid_t pid;

	if (pipe(stop))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	close(stop[1]);
	pfd.fd = stop[0];
	pfd.events = POLLIN;
	while (!poll(&pfd, 1, 0)) {
		if (md_file_read(&mf, MD_DEBUGFS "/compare",
				 md_compare_syntax)) {
			fprintf(stderr, "# reader: %s\n", mf.err);
			_exit(1);
		}
		md_file_free(&mf);
		if (md_file_read(&mf, MD_DEBUGFS "/summary",
				 md_summary_syntax)) {
			fprintf(stderr, "# reader: %s\n", mf.err);
			_exit(1);
		}
		md_file_free(&mf);
		reads += 2;
	}
	ksft_print_msg("figure reader_reads %lu\n", reads);
	_exit(0);
}

static int ms_reader_stop_wait(pid_t pid, int stop[2])
{
	int status;

	close(stop[1]);
	close(stop[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* === Fixture: every test starts with stress-ng present and root === */

FIXTURE(stress) {
};

FIXTURE_SETUP(stress)
{
	if (!md_fixture_ready(_metadata, md_ko_path(), R_OK))
		return;
	md_fixture_ready(_metadata, MD_STRESS_BIN, X_OK);
}

FIXTURE_TEARDOWN(stress)
{
}

/*
 * Load: stress-ng on every vCPU for 60 s (vm, mmap, fork,
 * page-out and in, malloc, POSIX shm, tmpfs and file churn on tmpfs) while
 * another process reads compare and summary in a loop.  Once the load
 * stops and the system settles, compare must meet the load-time thresholds.
 */
TEST_F_TIMEOUT(stress, load_60s, MD_TIMEOUT(600))
{
	pid_t stress, reader;
	int rc, stop[2];
	double t0, t1;

	ms_ensure_unloaded(_metadata);
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	t0 = md_now();
	stress = md_stress_start(MS_STRESS_LOG, MS_STRESS_YAML, MS_LOAD_SECONDS,
				 MD_STRESS_FULL);
	ASSERT_LT(0, stress);
	reader = ms_reader_start(stop);
	ASSERT_LT(0, reader);
	rc = md_stress_stop(stress, true);
	t1 = md_now();
	EXPECT_EQ(0, ms_reader_stop_wait(reader, stop));
	EXPECT_EQ(0, rc) {
		TH_LOG("stress-ng exited %d", rc);
		md_stress_log(MS_STRESS_LOG);
	}
	ksft_print_msg("figure load_seconds %.1f\n", t1 - t0);
	EXPECT_LT(0, md_stress_ops(MS_STRESS_YAML, "load", NULL));
	EXPECT_LE(MS_LOAD_SECONDS, t1 - t0 + 0.5);

	ms_quiesce();
	ms_check_compare(_metadata, "load");
}

/* === What an unload leaves behind === */

/* The line memdesc_alloc.c prints when the module is gone. */
#define MS_UNLOAD_LINE	"memdesc: unloaded with "
#define MS_UNLOAD_FMT	MS_UNLOAD_LINE "%ld slab objects, %ld vmalloc areas and %ld pages outstanding"

/*
 * What a load leaves to check its unload by: where the module lies (its
 * code calls every vmalloc() it makes) and the kernel log from the load on.
 */
struct ms_loaded {
	unsigned long long base;
	unsigned long long size;
	int kmsg;
};

/* Note where the module just loaded lies; the log is read from here. */
static void ms_loaded_begin(struct __test_metadata *_metadata,
			    struct ms_loaded *l)
{
	int ret = md_module_range(MD_MODNAME, &l->base, &l->size);

	ASSERT_EQ(0, ret) {
		TH_LOG("/proc/modules: memdesc: %s", strerror(-ret));
	}
	l->kmsg = md_kmsg_open();
	ASSERT_LE(0, l->kmsg);
}

/*
 * The vmalloc areas whose caller lies in [@base, @base + @size): with the
 * module gone, such a caller prints as a raw address, which no other
 * module's symbols claim.  Each is printed.  Return: how many.
 */
static int ms_vmalloc_orphans(unsigned long long base,
			      unsigned long long size)
{
	char line[512], caller[128];
	unsigned long long a;
	int n = 0;
	FILE *f = fopen("/proc/vmallocinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %127s", caller) != 1 ||
		    sscanf(caller, "0x%llx", &a) != 1)
			continue;
		if (a >= base && a < base + size) {
			ksft_print_msg("vmalloc area left by memdesc: %s",
				       line);
			n++;
		}
	}
	fclose(f);
	return n;
}

/*
 * The module's report of what it still held when it went (memdesc_alloc.c
 * counts every allocation it makes and every free): @want lines of it on
 * @kmsg (-1: at most one, for a load that failed), each with nothing
 * outstanding.
 */
static void ms_unload_report(struct __test_metadata *_metadata, int kmsg,
			     int want, const char *what)
{
	long slab, vmal, pages;
	char line[512];
	int lines = 0;

	while (md_kmsg_find(kmsg, MS_UNLOAD_LINE, line, sizeof(line))) {
		lines++;
		if (sscanf(line, MS_UNLOAD_FMT, &slab, &vmal, &pages) != 3)
			slab = vmal = pages = -1;	/* fails below */
		EXPECT_TRUE(!slab && !vmal && !pages) {
			TH_LOG("%s: '%s'", what, line);
		}
	}
	EXPECT_TRUE(want < 0 ? lines <= 1 : lines == want) {
		TH_LOG("%s: %d lines '" MS_UNLOAD_LINE "...' in the kernel log, want %d",
		       what, lines, want);
	}
}

/*
 * Unload memdesc, loaded as @l says, and check that it left nothing
 * behind: by its own count no slab object, vmalloc area or page; no
 * vmalloc area whose caller is its code; no debugfs directory.
 * Return: 0, or -errno of the unload (then nothing is checked).
 */
static int ms_unload_checked(struct __test_metadata *_metadata,
			     struct ms_loaded *l, const char *what)
{
	struct stat st;
	int ret;

	ret = md_unload();
	if (!ret) {
		ms_unload_report(_metadata, l->kmsg, 1, what);
		EXPECT_EQ(0, ms_vmalloc_orphans(l->base, l->size)) {
			TH_LOG("%s: vmalloc areas of memdesc's code remain",
			       what);
		}
		EXPECT_EQ(-1, stat(MD_DEBUGFS, &st)) {
			TH_LOG("%s: " MD_DEBUGFS " remains", what);
		}
	}
	close(l->kmsg);
	return ret;
}

/*
 * Faults: MS_CYCLES load/unload cycles while stress-ng runs.  Each load must
 * succeed and serve its files; each unload must leave nothing behind
 * (ms_unload_checked()), and where the kernel has kmemleak (the debug
 * tier) it must find nothing the loads allocated.  A load registers some
 * thirty kprobes, each patching kernel text: under TCG with a second boot
 * on the host, 50 cycles took 756 s in a fresh-clone check, so the bound,
 * which is for a hang, is 1,200 (scaled on the debug tier, which runs
 * fewer cycles, each a minute or more).
 */
TEST_F_TIMEOUT(stress, load_unload_cycles, MD_TIMEOUT(1200))
{
	struct ms_loaded l;
	struct md_file stats;
	char what[32];
	double t0, t1, t, t_load = 0, t_unload = 0;
	bool kmemleak;
	pid_t stress;
	int i, ret;

	ms_ensure_unloaded(_metadata);
	kmemleak = ms_kmemleak_begin(_metadata);
	stress = md_stress_start(MS_STRESS_LOG, MS_STRESS_YAML, 3600,
				 MD_STRESS_LIGHT);
	ASSERT_LT(0, stress);
	sleep(2);
	t0 = md_now();
	for (i = 0; i < MS_CYCLES; i++) {
		snprintf(what, sizeof(what), "cycle %d", i);
		t = md_now();
		ret = md_load(md_ko_path(), "");
		t_load += md_now() - t;
		EXPECT_EQ(0, ret) {
			TH_LOG("%s: load: %s", what, strerror(-ret));
			break;
		}
		ms_loaded_begin(_metadata, &l);
		ret = md_file_read(&stats, MD_DEBUGFS "/stats",
				   md_stats_syntax);
		EXPECT_EQ(0, ret) {
			TH_LOG("%s: %s", what, stats.err);
		}
		if (!ret)
			md_file_free(&stats);
		t = md_now();
		ret = ms_unload_checked(_metadata, &l, what);
		t_unload += md_now() - t;
		EXPECT_EQ(0, ret) {
			TH_LOG("%s: unload: %s", what, strerror(-ret));
			break;
		}
		/* Progress on the console: a slow kernel's run can be followed. */
		if (!((i + 1) % 10))
			ksft_print_msg("cycles: %d done, %.1f s (loads %.1f s, unloads %.1f s)\n",
				       i + 1, md_now() - t0, t_load, t_unload);
	}
	t1 = md_now();
	EXPECT_EQ(0, md_stress_stop(stress, false)) {
		md_stress_log(MS_STRESS_LOG);
	}
	ksft_print_msg("figure cycles %d in %.1f s (%.2f s each)\n", i,
		       t1 - t0, i ? (t1 - t0) / i : 0);
	md_stress_ops(MS_STRESS_YAML, "cycles", NULL);
	EXPECT_EQ(MS_CYCLES, i);
	if (kmemleak)
		ms_kmemleak_check(_metadata, "cycles");
	md_ensure_loaded(_metadata);
}

/* === Memory hotplug === */

/* Read the whole raw shadow; NULL on error.  *@len gets its size. */
static char *ms_shadow_read(size_t *len)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;
	char *buf;
	int fd;

	fd = open(MD_DEBUGFS "/shadow", O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || !st.st_size)
		return NULL;
	buf = malloc(st.st_size);
	while (buf && done < (size_t)st.st_size) {
		n = pread(fd, buf + done, st.st_size - done, done);
		if (n <= 0) {
			free(buf);
			buf = NULL;
			break;
		}
		done += n;
	}
	close(fd);
	*len = done;
	return buf;
}

/*
 * The shadow word of @pfn from the raw file, as layout places it now: the
 * layout follows memory on- and offline, so it is read afresh.  A PFN no
 * range lists reads as a hole (offline memory has no words).  False if
 * the files cannot be read.
 */
static bool ms_shadow_word(unsigned long long pfn, __u64 *w)
{
	struct md_file layout;
	bool ok = true;
	size_t i;
	int fd;

	if (md_file_read(&layout, MD_DEBUGFS "/layout", md_layout_syntax))
		return false;
	*w = memdesc_hole_word(0);
	for (i = 0; i < layout.nr; i++) {
		const struct md_rec *r = &layout.rec[i];

		if (pfn < r->v[1] || pfn - r->v[1] >= r->v[2])
			continue;
		fd = open(MD_DEBUGFS "/shadow", O_RDONLY);
		ok = fd >= 0 && pread(fd, w, sizeof(*w),
				      r->v[3] + (pfn - r->v[1]) * 8) == sizeof(*w);
		if (fd >= 0)
			close(fd);
		break;
	}
	md_file_free(&layout);
	return ok;
}

/* Whether the first, middle and last PFN of @block read @state. */
static bool ms_block_reads(unsigned long long first, unsigned long long nr,
			   unsigned int state)
{
	unsigned long long pfns[] = { first, first + nr / 2, first + nr - 1 };
	size_t i;
	__u64 w;

	for (i = 0; i < ARRAY_SIZE(pfns); i++) {
		if (!ms_shadow_word(pfns[i], &w))
			return false;
		if (memdesc_word_state(w) != state)
			return false;
	}
	return true;
}

/*
 * Offline a memory block through @path, its state file.  Offlining
 * retries migration until it succeeds or a fatal signal arrives, so it is
 * done in a child that SIGALRM ends after 20 s.  Return: 0 if offline,
 * else the write's error (-EINTR when the alarm ended it).
 */
static int ms_offline(const char *path)
{
	int status, ret;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		alarm(20);
		ret = md_write_file(path, "offline");
		_exit(ret < 0 && ret > -126 ? -ret : ret ? 125 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
}

/* Whether the block of state file @path reads offline. */
static bool ms_block_offline(const char *path)
{
	char state[32] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	if (!fgets(state, sizeof(state), f))
		state[0] = '\0';
	fclose(f);
	return !strncmp(state, "offline", 7);
}

/* A memory block's size in pages; 0 without memory hotplug. */
static unsigned long long ms_block_pages(struct __test_metadata *_metadata)
{
	unsigned long block_bytes = 0;
	FILE *f = fopen(MS_MEMORY "/block_size_bytes", "re");

	if (!f)
		return 0;
	EXPECT_EQ(1, fscanf(f, "%lx", &block_bytes));
	fclose(f);
	return block_bytes / MD_PAGE;
}

/* The highest memoryN in sysfs, or -1. */
static int ms_top_block(void)
{
	struct dirent *de;
	int n, top = -1;
	DIR *d = opendir(MS_MEMORY);

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "memory%d", &n) == 1 && n > top)
			top = n;
	closedir(d);
	return top;
}

/*
 * The block to cycle, found before the load starts: the highest that goes
 * offline, brought back into ZONE_MOVABLE if the kernel lets it (as memory
 * meant to be unplugged is on a real machine), so that under load it holds
 * only pages that can migrate.  Return: the block, or -1; *@online gets
 * the word that brings it back.
 */
static int ms_movable_block(int top, const char **online)
{
	char path[PATH_MAX];
	int block;

	for (block = top; block > 0; block--) {
		snprintf(path, sizeof(path), MS_MEMORY "/memory%d/state", block);
		if (ms_offline(path))
			continue;
		*online = "online_movable";
		if (!md_write_file(path, *online))
			return block;
		*online = "online";
		if (!md_write_file(path, *online))
			return block;
		return -1;
	}
	return -1;
}

/*
 * A fresh load of the module, and the block to cycle (ms_movable_block())
 * in *@block; *@online gets the word that brings it back.
 */
static void ms_load_cycled_block(struct __test_metadata *_metadata,
				 int *block, const char **online)
{
	int top = ms_top_block();

	ASSERT_LT(1, top);
	ms_ensure_unloaded(_metadata);
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	*block = ms_movable_block(top, online);
	ASSERT_LT(0, *block) {
		TH_LOG("no memory block goes offline and online again");
	}
}

/*
 * Faults: a memory block offline and online again, 20 times, while
 * stress-ng runs.  While it is offline the shadow must read holes, once it
 * is back pages; afterwards compare must agree (the block's zone changed
 * to Movable on the way: zone must still never disagree).
 */
TEST_F_TIMEOUT(stress, memory_hotplug, MD_TIMEOUT(900))
{
	unsigned long long nr, first, hotplug = 0;
	int block, done = 0, refused = 0, ret;
	struct md_file stats;
	const char *online = "online";
	char path[PATH_MAX];
	int last_refusal = 0;
	double t0;
	pid_t stress;

	nr = ms_block_pages(_metadata);
	if (!nr)
		SKIP(return, "no memory hotplug in this kernel");
	ms_load_cycled_block(_metadata, &block, &online);
	ksft_print_msg("figure memory_block memory%d back with %s\n", block,
		       online);
	snprintf(path, sizeof(path), MS_MEMORY "/memory%d/state", block);
	first = (unsigned long long)block * nr;

	stress = md_stress_start(MS_STRESS_LOG, MS_STRESS_YAML, 3600,
				 MD_STRESS_LIGHT);
	ASSERT_LT(0, stress);
	t0 = md_now();
	while (done < MS_MEM_CYCLES && refused < 3 * MS_MEM_CYCLES) {
		ret = ms_offline(path);
		/*
		 * An offline the alarm cut short may have finished as it
		 * fired (a sanitizer's kernel takes that long): the block
		 * is offline, and writing "offline" again would only get
		 * EINVAL.  That is a cycle like any other.
		 */
		if (ret && !ms_block_offline(path)) {
			refused++;
			last_refusal = ret;
			sleep(1);
			continue;
		}
		EXPECT_TRUE(ms_block_reads(first, nr, MEMDESC_STATE_HOLE)) {
			TH_LOG("memory%d offline: shadow does not read holes",
			       block);
		}
		ret = md_write_file(path, online);
		ASSERT_EQ(0, ret) {
			TH_LOG("%s: %s again: %s", path, online,
			       strerror(-ret));
		}
		EXPECT_TRUE(ms_block_reads(first, nr, MEMDESC_STATE_PAGE)) {
			TH_LOG("memory%d online: shadow does not read pages",
			       block);
		}
		done++;
	}
	EXPECT_EQ(0, md_stress_stop(stress, false)) {
		md_stress_log(MS_STRESS_LOG);
	}
	ksft_print_msg("figure memory_cycles %d refused %d (last: %s) in %.1f s\n",
		       done, refused, refused ? strerror(-last_refusal) : "-",
		       md_now() - t0);
	/*
	 * An offline the alarm cut short may still have finished: leave
	 * the block online, as the tests after this one expect it.
	 */
	if (ms_block_offline(path))
		EXPECT_EQ(0, md_write_file(path, online));
	md_stress_ops(MS_STRESS_YAML, "hotplug", NULL);
	EXPECT_EQ(MS_MEM_CYCLES, done);

	md_read(_metadata, &stats, "stats", md_stats_syntax);
	if (md_find(&stats, "counter", "hotplug"))
		hotplug = md_find(&stats, "counter", "hotplug")->v[1];
	md_file_free(&stats);
	ksft_print_msg("figure memory_hotplug_counter %llu\n", hotplug);
	EXPECT_LE(2ULL * done, hotplug);
	ms_quiesce();
	ms_check_compare(_metadata, "memory_hotplug");
}

/* === A zone's per-cpu lists going away under a walk === */

#define MS_TESTPOINT	MD_SYSFS "/parameters/testpoint"
/* How long a parked walk must hold the offline off to pass. */
#define MS_RACE_SECONDS	MD_TIMEOUT(8)

/*
 * "present" of zone @zone on node @nid in /proc/zoneinfo, or -1 if the
 * zone is not listed.
 */
static long ms_zone_present(int nid, const char *zone)
{
	char line[256], name[32];
	long present = -1, v;
	bool in = false;
	int n;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &n, name) == 2) {
			in = n == nid && !strcmp(name, zone);
			continue;
		}
		if (in && sscanf(line, " present %ld", &v) == 1) {
			present = v;
			break;
		}
	}
	fclose(f);
	return present;
}

/* The node of memory block @block (its nodeN link in sysfs), or -1. */
static int ms_block_node(int block)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MS_MEMORY "/memory%d", block);
	return md_block_node(path);
}


/* Whether the test point reads @want at its start now. */
static bool ms_testpoint_is(const char *want)
{
	char state[64];

	return md_read_line(MS_TESTPOINT, state, sizeof(state)) &&
	       !strncmp(state, want, strlen(want));
}

/* Whether the test point reads @want at its start within @seconds. */
static bool ms_testpoint_wait(const char *want, double seconds)
{
	double end = md_now() + seconds;

	do {
		if (ms_testpoint_is(want))
			return true;
		usleep(100 * 1000);
	} while (md_now() < end);
	return false;
}

/* A child that reads compare and exits 0 if it parsed. */
static pid_t ms_compare_child(void)
{
	struct md_file cmp;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	if (md_file_read(&cmp, MD_DEBUGFS "/compare", md_compare_syntax)) {
		fprintf(stderr, "# compare: %s\n", cmp.err);
		_exit(1);
	}
	_exit(0);
}

/* A child that writes "offline" to @path: exit 0, or the errno. */
static pid_t ms_offline_child(const char *path)
{
	pid_t pid;
	int ret;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	alarm(MD_TIMEOUT(300));
	ret = md_write_file(path, "offline");
	_exit(ret < 0 && ret > -126 ? -ret : ret ? 125 : 0);
}

/* Wait for @pid; its exit status, or -1 if it did not exit. */
static int ms_child_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Races: offlining the only block of a zone frees the zone's per-cpu lists
 * (offline_pages() calls zone_pcp_reset() once the zone has no present
 * page left, before MEM_OFFLINE).  A walk copying those lists holds them
 * between two holds of their lock, so it must keep such an offline from
 * getting that far until it is done.  The test point parks compare's walk
 * just before a hold of a Movable list's lock; the zone's one block is
 * offlined meanwhile.  For MS_RACE_SECONDS the zone must stay present and
 * the offline must wait; released, both finish, compare parses, and the
 * kernel log stays clean (on the debug tier: KASAN, UBSAN, lockdep).
 */
TEST_F_TIMEOUT(stress, pcp_offline_race, MD_TIMEOUT(600))
{
	unsigned long long nr = ms_block_pages(_metadata);
	const char *online = "online";
	pid_t reader, offliner = -1;
	int block, nid, ret = 0;
	bool emptied = false, parked;
	char path[PATH_MAX];
	long present;
	double end;

	if (!nr)
		SKIP(return, "no memory hotplug in this kernel");
	ms_load_cycled_block(_metadata, &block, &online);
	if (strcmp(online, "online_movable"))
		SKIP(return, "memory%d does not go into ZONE_MOVABLE", block);
	snprintf(path, sizeof(path), MS_MEMORY "/memory%d/state", block);
	nid = ms_block_node(block);
	present = ms_zone_present(nid, "Movable");
	ksft_print_msg("figure pcp_race memory%d node %d movable_present %ld\n",
		       block, nid, present);
	if (present != (long)nr)
		SKIP(return, "node %d's Movable zone is not memory%d alone",
		     nid, block);

	ASSERT_EQ(0, md_write_file(MS_TESTPOINT, "arm pcp Movable"));
	reader = ms_compare_child();
	ASSERT_LT(0, reader);
	parked = ms_testpoint_wait("parked pcp Movable", MD_TIMEOUT(120));
	EXPECT_TRUE(parked) {
		TH_LOG("compare never reached the Movable zone's lists");
	}
	if (!parked)
		goto release;

	offliner = ms_offline_child(path);
	ASSERT_LT(0, offliner);
	ret = -1;
	for (end = md_now() + MS_RACE_SECONDS; md_now() < end;
	     usleep(100 * 1000)) {
		if (ms_zone_present(nid, "Movable") <= 0) {
			emptied = true;
			break;
		}
		if (waitpid(offliner, &ret, WNOHANG) == offliner) {
			emptied = !WEXITSTATUS(ret);
			ret = WEXITSTATUS(ret);
			offliner = -1;
			break;
		}
		ret = -1;
	}
	EXPECT_FALSE(emptied) {
		TH_LOG("memory%d went offline (node %d's Movable zone present %ld) while compare held the zone's per-cpu lists",
		       block, nid, ms_zone_present(nid, "Movable"));
	}
release:
	EXPECT_EQ(0, md_write_file(MS_TESTPOINT, "release"));
	if (offliner > 0)
		ret = ms_child_status(offliner);
	EXPECT_EQ(0, ret) {
		TH_LOG("memory%d offline: %s", block,
		       ret > 0 ? strerror(ret) : "did not end");
	}
	EXPECT_EQ(0, ms_child_status(reader));
	EXPECT_TRUE(ms_testpoint_wait("idle", 5));
	if (ms_block_offline(path))
		EXPECT_EQ(0, md_write_file(path, online));
	ms_quiesce();
	ms_check_compare(_metadata, "pcp_offline_race");
}

/* === Stores with arguments no kernel gives on demand === */

#define MS_INJECT	MD_SYSFS "/parameters/inject"

/* Store a word of @class for the block of @order at @pfn, as @event would. */
static int ms_inject(const char *event, unsigned long long pfn,
		     unsigned long long order, const char *class)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "%s %llu %llu %s", event, pfn, order, class);
	return md_write_file(MS_INJECT, cmd);
}

/*
 * The first PFN of the first listed, tracked section: aligned to every
 * order a store can take whole, the first a walk comes to, and low memory
 * (the DMA zone's), where events are few.  ~0 if there is none.
 */
static unsigned long long ms_section_pfn(struct __test_metadata *_metadata)
{
	unsigned long long pfn = ~0ULL;
	struct md_file sections;
	size_t i;

	md_read(_metadata, &sections, "sections", md_sections_syntax);
	for (i = 0; i < sections.nr && pfn == ~0ULL; i++)
		if (!strcmp(sections.rec[i].f[2], "tracked"))
			pfn = sections.rec[i].v[0];
	md_file_free(&sections);
	return pfn;
}

/*
 * Bad input to the store: orders no page can have, read racily from
 * struct page or from a kprobed register, must be refused (bad_block)
 * before anything is computed from them - on the debug tier, UBSAN would
 * report a shift by 64 or more - and leave the shadow as it was; and a
 * block not aligned to its order likewise.
 */
TEST_F(stress, inject_bad_order)
{
	static const unsigned long long orders[] = {
		19, 31, 32, 63, 64, 65, 70, 127, 255, 4294967295ULL,
	};
	unsigned long long pfn, bad0, bad1;
	__u64 before, after;
	size_t i;

	ms_ensure_unloaded(_metadata);
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	pfn = ms_section_pfn(_metadata);
	ASSERT_NE(~0ULL, pfn);
	ASSERT_TRUE(ms_shadow_word(pfn + 1, &before));
	bad0 = md_stat(_metadata, "counter", "bad_block");
	for (i = 0; i < ARRAY_SIZE(orders); i++)
		EXPECT_EQ(0, ms_inject("mm_page_alloc", pfn, orders[i], "slab"));
	/* Misaligned, at orders a store takes whole and coarse. */
	EXPECT_EQ(0, ms_inject("mm_page_alloc", pfn + 1, 3, "slab"));
	EXPECT_EQ(0, ms_inject("mm_page_alloc", pfn + 1, 12, "slab"));
	bad1 = md_stat(_metadata, "counter", "bad_block");
	EXPECT_EQ(ARRAY_SIZE(orders) + 2, bad1 - bad0);
	ASSERT_TRUE(ms_shadow_word(pfn + 1, &after));
	EXPECT_EQ(before, after) {
		TH_LOG("PFN %llu: word %#llx became %#llx", pfn + 1,
		       (unsigned long long)before, (unsigned long long)after);
	}
	/* And the parameter's own parser: each of these is EINVAL. */
	EXPECT_EQ(-EINVAL, ms_inject("no_such_event", pfn, 0, "slab"));
	EXPECT_EQ(-EINVAL, ms_inject("mm_page_alloc", pfn, 0, "hole"));
	EXPECT_EQ(-EINVAL, md_write_file(MS_INJECT, "mm_page_alloc 1 2"));
	EXPECT_EQ(-EINVAL, md_write_file(MS_INJECT,
					 "mm_page_alloc 1 99999999999 slab"));
	EXPECT_EQ(-EINVAL, md_write_file(MS_INJECT,
					 "mm_page_alloc 1 0 slab trailing"));
	ksft_print_msg("figure inject_bad_order refused %llu\n", bad1 - bad0);
}

/*
 * The first PFN of @nr PFNs, aligned to @nr, that every word says reserved:
 * the memmap or the kernel's text, pages no allocator event touches, so a
 * word the test stores there stays until the test changes it.  The first
 * tracked section is no such place on a kernel without ZONE_DMA (the
 * debug tier's): its low pages are handed out and freed like any others.
 * ~0ULL if there is none.
 */
static unsigned long long ms_quiet_block(struct __test_metadata *_metadata,
					 unsigned long long nr)
{
	unsigned long long pfn = ~0ULL, start, end, p, q;
	struct md_file layout;
	size_t len, i;
	char *shadow;
	__u64 w;

	shadow = ms_shadow_read(&len);
	if (!shadow)
		return pfn;
	md_read(_metadata, &layout, "layout", md_layout_syntax);
	for (i = 0; i < layout.nr && pfn == ~0ULL; i++) {
		const struct md_rec *r = &layout.rec[i];

		start = r->v[1];
		end = start + r->v[2];
		if (r->v[3] + r->v[2] * 8 > len)
			break;
		for (p = (start + nr - 1) / nr * nr; p + nr <= end; p += nr) {
			for (q = p; q < p + nr; q++) {
				memcpy(&w, shadow + r->v[3] + (q - start) * 8, 8);
				if (memdesc_word_class(w) != MEMDESC_CLASS_RESERVED)
					break;
			}
			if (q == p + nr) {
				pfn = p;
				break;
			}
		}
	}
	md_file_free(&layout);
	free(shadow);
	return pfn;
}

/*
 * Races: a resync reads a coarse block (a gigantic folio's words, one for
 * each MEMDESC_BLOCK_PFNS) and then its live state; a gigantic event that
 * stores into the block in between is newer than that live state, so its
 * word must stand, the block still coarse.  The test point parks the
 * resync in that window; an injected order-11 store (two blocks, coarse)
 * comes in meanwhile.  Afterwards a resync puts the shadow right again.
 *
 * The resync parks at the first coarse block it reaches, so the injected
 * one must still be coarse then: any real event storing into it makes it
 * word by word again.  Hence a block of reserved pages.  If the resync
 * ends without parking all the same, the test says so at once, with the
 * block's first word, rather than waiting out its timeout.
 */
TEST_F_TIMEOUT(stress, sync_coarse_race, MD_TIMEOUT(300))
{
	const unsigned long long nr = 1ULL << 11;	/* the store's PFNs */
	unsigned long long pfn;
	bool parked = false;
	int i, status = -1;
	pid_t resync;
	double end;
	__u64 w;

	ms_ensure_unloaded(_metadata);
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	pfn = ms_quiet_block(_metadata, nr);
	if (pfn == ~0ULL) {
		pfn = ms_section_pfn(_metadata);
		ksft_print_msg("figure sync_coarse_block %llu first section (no %llu reserved PFNs in a row)\n",
			       pfn, nr);
	} else {
		ksft_print_msg("figure sync_coarse_block %llu reserved\n", pfn);
	}
	ASSERT_NE(~0ULL, pfn);
	ASSERT_EQ(0, ms_inject("mm_page_alloc", pfn, 11, "driver"));
	ASSERT_EQ(0, md_write_file(MS_TESTPOINT, "arm sync_coarse"));

	fflush(NULL);
	resync = fork();
	ASSERT_LE(0, resync);
	if (!resync)
		_exit(md_write_file(MD_DEBUGFS "/control", "resync") ? 1 : 0);
	for (end = md_now() + MD_TIMEOUT(120); !parked && md_now() < end;
	     usleep(100 * 1000)) {
		parked = ms_testpoint_is("parked sync_coarse");
		if (!parked && waitpid(resync, &status, WNOHANG) == resync)
			break;
	}
	EXPECT_TRUE(parked) {
		ASSERT_TRUE(ms_shadow_word(pfn, &w));
		TH_LOG("the resync %s without parking at a coarse block; PFN %llu now %s order %u%s (%#llx)",
		       status == -1 ? "still running, timed out" : "ended", pfn,
		       memdesc_class_name(memdesc_word_class(w)),
		       memdesc_word_order(w),
		       memdesc_word_head(w) ? " head" : "",
		       (unsigned long long)w);
	}
	if (!parked) {
		md_write_file(MS_TESTPOINT, "disarm");
		if (status == -1)
			ms_child_status(resync);
		return;
	}
	EXPECT_EQ(0, ms_inject("mm_page_alloc", pfn, 11, "file"));
	EXPECT_EQ(0, md_write_file(MS_TESTPOINT, "release"));
	EXPECT_EQ(0, ms_child_status(resync));

	/* The block's first word, a tail, and its last: the event's. */
	for (i = 0; i < 3; i++) {
		unsigned long long p = pfn + (i == 2 ? 1023 : i * 5);

		ASSERT_TRUE(ms_shadow_word(p, &w));
		EXPECT_EQ(MEMDESC_CLASS_FILE, memdesc_word_class(w)) {
			TH_LOG("PFN %llu: %s order %u, not the file order 11 stored during the resync",
			       p, memdesc_class_name(memdesc_word_class(w)),
			       memdesc_word_order(w));
		}
		EXPECT_EQ(11, memdesc_word_order(w));
		EXPECT_EQ(p == pfn, memdesc_word_head(w));
	}
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "resync"));
	ms_check_compare(_metadata, "sync_coarse_race");
}

/* New processes for stress.defer_queue_full: each a vmalloc'd stack. */
#define MS_DEFER_KIDS		256

/*
 * The class cell @shadow -> @live of compare, after the walks waited for
 * the worker and the resync of pages left to one.
 */
static unsigned long long ms_compare_cell(struct __test_metadata *_metadata,
					  const char *shadow, const char *live)
{
	const struct md_rec *r;
	unsigned long long n;
	struct md_file cmp;

	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	r = md_matrix_cell(&cmp, shadow, live);
	n = r ? r->v[2] : 0;
	md_file_free(&cmp);
	return n;
}

/*
 * Races: the worker's queue full.  With defer_inline at 0 every vmalloc
 * area goes to the worker, and the test point parks it before it takes
 * any; the kernel stacks of MS_DEFER_KIDS new processes (vmalloc'd,
 * VMAP_STACK) fill its 64 slots and the rest find none (hook_truncated).
 * Those pages read what their allocation left, driver, until a resync:
 * once the worker is released it runs one (left_resyncs), and compare,
 * which waits for it, must find no more driver pages that live says
 * vmalloc than the vmap() pages no hook sees (docs/TRANSITIONS.md: 64).
 */
TEST_F_TIMEOUT(stress, defer_queue_full, MD_TIMEOUT(300))
{
	const char *inline_param = MD_SYSFS "/parameters/defer_inline";
	unsigned long long left0, resyncs0, left, resyncs, cell;
	pid_t kids[MS_DEFER_KIDS];
	bool parked;
	int i, n;

	ms_ensure_unloaded(_metadata);
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	left0 = md_stat(_metadata, "counter", "hook_truncated");
	resyncs0 = md_stat(_metadata, "counter", "left_resyncs");
	ASSERT_EQ(0, md_write_file(inline_param, "0"));
	ASSERT_EQ(0, md_write_file(MS_TESTPOINT, "arm defer"));

	fflush(NULL);
	for (n = 0; n < MS_DEFER_KIDS; n++) {
		kids[n] = fork();
		if (!kids[n]) {
			pause();
			_exit(0);
		}
		if (kids[n] < 0)
			break;
	}
	parked = ms_testpoint_wait("parked defer", MD_TIMEOUT(60));
	left = md_stat(_metadata, "counter", "hook_truncated") - left0;
	EXPECT_EQ(0, md_write_file(MS_TESTPOINT, parked ? "release" : "disarm"));
	EXPECT_EQ(0, md_write_file(inline_param, "32"));
	cell = ms_compare_cell(_metadata, "driver", "vmalloc_unmap");
	resyncs = md_stat(_metadata, "counter", "left_resyncs") - resyncs0;
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);

	ksft_print_msg("figure defer_queue_full kids %d pages_left %llu left_resyncs %llu driver_vmalloc_unmap %llu\n",
		       n, left, resyncs, cell);
	EXPECT_EQ(MS_DEFER_KIDS, n);
	EXPECT_TRUE(parked) {
		TH_LOG("the worker never reached the test point");
	}
	EXPECT_LT(0, left) {
		TH_LOG("%d new processes' stacks did not fill the worker's 64 slots", n);
	}
	EXPECT_LE(1, resyncs);
	EXPECT_GE(64, cell) {
		TH_LOG("%llu pages of areas left to a resync still read driver", cell);
	}
	ms_check_compare(_metadata, "defer_queue_full");
}

/*
 * Faults: cpu1 offline and online again while stress-ng runs, with
 * a compare read while it is away (its per-cpu lists drained into the
 * buddy lists with events); afterwards compare must agree.
 */
TEST_F_TIMEOUT(stress, cpu_hotplug, MD_TIMEOUT(900))
{
	struct md_file cmp;
	int i, done = 0, ret;
	pid_t stress;
	double t0;

	if (access(MS_CPU1, W_OK))
		SKIP(return, "%s: %s", MS_CPU1, strerror(errno));
	md_ensure_loaded(_metadata);
	stress = md_stress_start(MS_STRESS_LOG, MS_STRESS_YAML, 3600,
				 MD_STRESS_LIGHT);
	ASSERT_LT(0, stress);
	t0 = md_now();
	for (i = 0; i < MS_CPU_CYCLES; i++) {
		ret = md_write_file(MS_CPU1, "0");
		EXPECT_EQ(0, ret) {
			TH_LOG("cpu1 offline: %s", strerror(-ret));
			break;
		}
		ret = md_file_read(&cmp, MD_DEBUGFS "/compare",
				   md_compare_syntax);
		EXPECT_EQ(0, ret) {
			TH_LOG("%s", cmp.err);
		}
		if (!ret)
			md_file_free(&cmp);
		ret = md_write_file(MS_CPU1, "1");
		ASSERT_EQ(0, ret) {
			TH_LOG("cpu1 online: %s", strerror(-ret));
		}
		done++;
	}
	EXPECT_EQ(0, md_stress_stop(stress, false)) {
		md_stress_log(MS_STRESS_LOG);
	}
	ksft_print_msg("figure cpu_cycles %d in %.1f s\n", done,
		       md_now() - t0);
	EXPECT_EQ(MS_CPU_CYCLES, done);
	ms_quiesce();
	ms_check_compare(_metadata, "cpu_hotplug");
}

/*
 * How much memory the loaded module lists untracked: stats' figure, which
 * summary's class and compare's count must repeat.  -1 if they disagree.
 */
static long long ms_untracked(struct __test_metadata *_metadata)
{
	struct md_file stats, sum, cmp;
	long long n, in_sum, in_cmp;

	md_read(_metadata, &stats, "stats", md_stats_syntax);
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	n = md_find(&stats, "untracked_pfns", NULL)->v[0];
	in_sum = md_find(&sum, "class", "untracked")->v[1];
	in_cmp = md_find(&cmp, "untracked", NULL)->v[0];
	md_file_free(&stats);
	md_file_free(&sum);
	md_file_free(&cmp);
	if (in_sum != n || in_cmp != n) {
		ksft_print_msg("untracked: stats %lld, summary %lld, compare %lld\n",
			       n, in_sum, in_cmp);
		return -1;
	}
	return n;
}

/* What the module's fault-injection point has counted since the load. */
#define MS_ALLOCS	MD_SYSFS "/parameters/allocs"

/*
 * The module's own allocations fail cleanly.  Debian's kernels have no
 * CONFIG_FAULT_INJECTION (no failslab or fail_page_alloc), so the module's
 * test parameter fail_nth fails its Nth allocation, and allocs counts the
 * allocations a load made.  A clean load tells how many, N (read before
 * any debugfs file, whose reads allocate too); then n = 1..N each fails
 * once.  The table, the walks' snapshots and the debugfs directory are
 * needed: such a load returns ENOMEM and leaves no module and no
 * directory behind.  A section's chunk is not: that load goes on with the
 * section untracked, as one section of words and no more, and says so in
 * summary, stats and compare.  Every one of the N is one or the other, and
 * n = N + 1 fails nothing.  Every load, failed or not, must leave nothing
 * allocated behind it (ms_unload_checked()).  Then a load with every probe
 * attached must work (a probe left attached to a freed module would oops
 * at once).
 */
TEST_F_TIMEOUT(stress, load_alloc_failure, MD_TIMEOUT(900))
{
	/*
	 * With owners=1 too: the stack depot's table and every section's
	 * owner slots are needed, so each of those fails the load.
	 */
	static const char * const extra[] = {
		"", "skip_events=mm_page_pcpu_drain ", "owners=1 ",
	};
	unsigned int n, x, sites, failed = 0, untracked_loads = 0;
	long long untracked;
	struct ms_loaded l;
	char params[128];
	struct stat st;
	bool kmemleak;
	int ret, kmsg;

	ms_ensure_unloaded(_metadata);
	kmemleak = ms_kmemleak_begin(_metadata);
	for (x = 0; x < ARRAY_SIZE(extra); x++) {
		unsigned int enomem = 0, chunks = 0;

		snprintf(params, sizeof(params), "%s", extra[x]);
		ret = md_load(md_ko_path(), params);
		ASSERT_EQ(0, ret) {
			TH_LOG("'%s': %s", params, strerror(-ret));
		}
		sites = md_read_ulong(MS_ALLOCS, 10);
		ms_loaded_begin(_metadata, &l);
		ASSERT_EQ(0, ms_untracked(_metadata));
		ASSERT_EQ(0, ms_unload_checked(_metadata, &l, params));
		ASSERT_LT(0, sites) {
			TH_LOG("'%s': " MS_ALLOCS " reads 0", params);
		}

		for (n = 1; n <= sites + 1; n++) {
			snprintf(params, sizeof(params), "%sfail_nth=%u",
				 extra[x], n);
			kmsg = md_kmsg_open();
			ASSERT_LE(0, kmsg);
			ret = md_load(md_ko_path(), params);
			if (ret) {
				EXPECT_EQ(-ENOMEM, ret) {
					TH_LOG("'%s': %s", params,
					       strerror(-ret));
				}
				EXPECT_FALSE(md_loaded());
				EXPECT_EQ(-1, stat(MD_DEBUGFS, &st));
				ms_unload_report(_metadata, kmsg, -1, params);
				close(kmsg);
				EXPECT_GE(sites, n) {
					TH_LOG("'%s': past the %u allocations a load makes",
					       params, sites);
				}
				enomem++;
				continue;
			}
			close(kmsg);
			ms_loaded_begin(_metadata, &l);
			untracked = ms_untracked(_metadata);
			ASSERT_EQ(0, ms_unload_checked(_metadata, &l, params));
			if (n > sites) {
				EXPECT_EQ(0, untracked) {
					TH_LOG("'%s': %lld PFNs untracked, past the %u allocations a load makes",
					       params, untracked, sites);
				}
				break;
			}
			EXPECT_EQ(MD_SECTION_PFNS, untracked) {
				TH_LOG("'%s': %lld PFNs untracked, want one section",
				       params, untracked);
			}
			chunks++;
		}
		ksft_print_msg("figure fail_nth '%s' sites %u: %u fail the load, %u leave a section untracked\n",
			       extra[x], sites, enomem, chunks);
		EXPECT_EQ(sites, enomem + chunks);
		EXPECT_EQ(sites + 1, n);
		/* One chunk a section of the guest's memory, at the least. */
		EXPECT_LE(md_meminfo_kb("MemTotal") * 1024 / MD_PAGE /
			  MD_SECTION_PFNS, chunks);
		failed += enomem;
		untracked_loads += chunks;
	}
	ksft_print_msg("figure fail_nth_failed_loads %u untracked_loads %u\n",
		       failed, untracked_loads);
	if (kmemleak)
		ms_kmemleak_check(_metadata, "fail_nth");

	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	ms_check_compare(_metadata, "fail_nth");
}

/* === Fuzzing the writable files === */

/* xorshift64*: the same cases for a seed, on every kernel. */
static unsigned long long ms_rand(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* One fuzz case: bytes, and how the write is made. */
struct ms_case {
	char buf[4200];
	size_t len;
	off_t off;		/* > 0: a partial write at an offset */
	bool bad_ptr;		/* from an unmapped address: EFAULT */
	bool valid;		/* the generator meant a PFN it covers */
	unsigned long long pfn;	/* then: which */
};

/* What the generator knows of the PFN space. */
struct ms_space {
	unsigned long long lo, hi;	/* first PFN covered, last + 1 */
	unsigned long long holes[64];	/* covered PFNs that read hole */
	unsigned int nr_holes;
	unsigned long long gap;		/* a PFN between ranges, or 0 */
	unsigned long long start[8], end[8];	/* the ranges */
	unsigned int nr_ranges;
};

static bool ms_covered(const struct ms_space *sp, unsigned long long pfn)
{
	unsigned int i;

	for (i = 0; i < sp->nr_ranges; i++)
		if (pfn >= sp->start[i] && pfn < sp->end[i])
			return true;
	return false;
}

static void ms_case_random(struct ms_case *c, unsigned long long *s,
			   size_t max)
{
	size_t i;

	c->len = ms_rand(s) % max;
	for (i = 0; i < c->len; i++)
		c->buf[i] = ms_rand(s);
}

/* The kernel's isspace(): NUL ends the command; 0xa0 is space there too. */
static bool ms_kspace(unsigned char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r') || ch == 0xa0;
}

/*
 * Would the pfn file take @c (random bytes)?  Its parse, as debugfs.c does
 * it: up to the first NUL, white space trimmed, decimal or 0x hex, one
 * optional '+', a PFN some range covers.  Rare, but a random "7" is a PFN.
 */
static bool ms_pfn_parses(const struct ms_case *c, const struct ms_space *sp,
			  unsigned long long *pfn)
{
	char s[32], *p, *end;
	size_t b;
	int base = 10;

	if (!c->len || c->len >= sizeof(s))
		return false;
	memcpy(s, c->buf, c->len);
	s[c->len] = '\0';
	for (p = s; *p && ms_kspace(*p); p++)
		;
	for (b = strlen(p); b && ms_kspace(p[b - 1]); b--)
		p[b - 1] = '\0';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		base = 16;
	}
	if (*p == '+')
		p++;
	if (!isxdigit((unsigned char)*p))
		return false;
	errno = 0;
	*pfn = strtoull(p, &end, base);
	return !errno && !*end && ms_covered(sp, *pfn);
}

/* Random @c for the pfn file. */
static void ms_pfn_case(struct ms_case *c, unsigned long long *s,
			const struct ms_space *sp)
{
	static const char * const fmt[] = { "%llu", "0x%llx", "%llu\n",
					    " 0X%llX\n", "\t%llu " };
	unsigned long long v;
	unsigned int kind = ms_rand(s) % 100;

	c->len = 0;
	c->off = 0;
	c->bad_ptr = false;
	c->valid = false;
	if (kind < 30) {			/* random bytes */
		ms_case_random(c, s, 40);
		c->valid = ms_pfn_parses(c, sp, &c->pfn);
		return;
	}
	if (kind < 40) {			/* huge */
		static const char * const huge[] = {
			"18446744073709551615", "18446744073709551616",
			"99999999999999999999", "0xffffffffffffffff",
			"0x10000000000000000", "340282366920938463463374607431768211456",
		};
		v = ms_rand(s);
		if (v & 1)
			snprintf(c->buf, sizeof(c->buf), "%s",
				 huge[v / 2 % ARRAY_SIZE(huge)]);
		else
			snprintf(c->buf, sizeof(c->buf), "%llu",
				 (v | 1ULL << 63) >> (v % 20));
		if (strtoull(c->buf, NULL, 0) < sp->hi && strlen(c->buf) < 32)
			snprintf(c->buf, sizeof(c->buf), "%llu", ~0ULL);
	} else if (kind < 50) {			/* negative */
		snprintf(c->buf, sizeof(c->buf), "-%llu",
			 ms_rand(s) % (sp->hi + 2));
	} else if (kind < 60) {			/* out of range */
		v = ms_rand(s) % 4;
		if (v == 0 && sp->lo)
			v = sp->lo - 1;
		else if (v == 1 && sp->gap)
			v = sp->gap;
		else
			v = sp->hi + ms_rand(s) % (1ULL << (ms_rand(s) % 40));
		snprintf(c->buf, sizeof(c->buf), fmt[ms_rand(s) % 5], v);
	} else if (kind < 75) {			/* valid, holes too */
		v = sp->lo + ms_rand(s) % (sp->hi - sp->lo);
		if (sp->nr_holes && ms_rand(s) % 2)
			v = sp->holes[ms_rand(s) % sp->nr_holes];
		if (!ms_covered(sp, v))
			v = sp->start[0];
		snprintf(c->buf, sizeof(c->buf), fmt[ms_rand(s) % 5], v);
		c->valid = true;
		c->pfn = v;
	} else if (kind < 85) {			/* partial: at an offset */
		snprintf(c->buf, sizeof(c->buf), "%llu", sp->lo);
		c->off = 1 + ms_rand(s) % 8;
	} else if (kind < 90) {			/* zero-length */
		c->buf[0] = '\0';
	} else if (kind < 97) {			/* too long for any PFN */
		v = 32 + ms_rand(s) % 4096;
		memset(c->buf, '1', v);
		c->buf[v] = '\0';
	} else {				/* unmapped buffer */
		snprintf(c->buf, sizeof(c->buf), "%llu", sp->lo);
		c->bad_ptr = true;
	}
	c->len = strlen(c->buf);
}

/* Would the control file take @c as a command? */
static bool ms_control_valid(const struct ms_case *c)
{
	static const char * const cmds[] = {
		"resync", "reset", "disable", "enable", "owners on",
		"owners off",
	};
	char s[16];
	size_t a = 0, b, i;

	if (c->off || c->bad_ptr || !c->len || c->len >= sizeof(s))
		return false;
	memcpy(s, c->buf, c->len);
	s[c->len] = '\0';
	b = strlen(s);
	while (a < b && ms_kspace(s[a]))
		a++;
	while (b > a && ms_kspace(s[b - 1]))
		b--;
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (b - a == strlen(cmds[i]) && !memcmp(s + a, cmds[i], b - a))
			return true;
	return false;
}

/* Random @c for the control file; never a command that would be taken. */
static void ms_control_case(struct ms_case *c, unsigned long long *s)
{
	static const char * const near[] = {
		"resync", "reset", "disable", "enable", "Resync", "RESET",
		"disabled", "enabl", "re set", "resync resync", "reset\nreset",
		"enable\x01", "-1", "0", "18446744073709551616", "on", "off",
	};
	unsigned int kind = ms_rand(s) % 100;
	const char *w;

	do {
		c->off = 0;
		c->bad_ptr = false;
		c->valid = false;
		if (kind < 40) {
			ms_case_random(c, s, 24);
			continue;
		}
		w = near[ms_rand(s) % ARRAY_SIZE(near)];
		if (kind < 60) {		/* a word, mutated */
			snprintf(c->buf, sizeof(c->buf), "%s", w);
			c->len = strlen(c->buf);
			if (c->len)
				c->buf[ms_rand(s) % c->len] ^=
					1 << (ms_rand(s) % 8);
		} else if (kind < 70) {		/* a command, then junk */
			c->len = snprintf(c->buf, sizeof(c->buf), "%s%c", w,
					  (char)('!' + ms_rand(s) % 90));
		} else if (kind < 80) {		/* partial: at an offset */
			c->len = snprintf(c->buf, sizeof(c->buf), "%s", w);
			c->off = 1 + ms_rand(s) % 8;
		} else if (kind < 85) {		/* zero-length */
			c->len = 0;
		} else if (kind < 95) {		/* too long, a command inside */
			c->len = 16 + ms_rand(s) % 4096;
			memset(c->buf, ' ', c->len);
			memcpy(c->buf, w, strlen(w));
		} else {			/* unmapped buffer */
			c->len = snprintf(c->buf, sizeof(c->buf), "%s", w);
			c->bad_ptr = true;
		}
		kind = ms_rand(s) % 100;
	} while (ms_control_valid(c));
}

/* Write @c to @fd: the write's result, or -errno. */
static long ms_case_write(int fd, const struct ms_case *c)
{
	const void *p = c->bad_ptr ? (const void *)16 : c->buf;
	ssize_t n;

	if (c->off)
		n = pwrite(fd, p, c->len, c->off);
	else
		n = write(fd, p, c->len);
	if (n < 0 && errno == ESPIPE && lseek(fd, c->off, SEEK_SET) == c->off) {
		n = write(fd, p, c->len);
		lseek(fd, 0, SEEK_SET);
	}
	return n < 0 ? -errno : n;
}

/* Tally of one writer's cases. */
struct ms_tally {
	unsigned long cases, accepted, einval, efault, zero, wrong;
};

/*
 * Judge one write: an accepted case must have been meant (a PFN the file
 * covers, written whole), a refused one must say EINVAL, or EFAULT from an
 * unmapped buffer; a zero-length write may be answered 0 by the VFS before
 * the file sees it.  Anything else is wrong.
 */
static void ms_judge(struct ms_tally *t, const struct ms_case *c, long ret,
		     bool may_accept)
{
	t->cases++;
	if (ret == (long)c->len && c->len) {
		t->accepted++;
		if (!may_accept || !c->valid)
			t->wrong++;
	} else if (!c->len && (ret == 0 || ret == -EINVAL)) {
		t->zero++;
	} else if (ret == -EINVAL) {
		t->einval++;
		if (c->valid)
			t->wrong++;
	} else if (ret == -EFAULT && c->bad_ptr) {
		t->efault++;
	} else {
		t->wrong++;
	}
}

static void ms_tally_print(const char *file, const char *who,
			   const struct ms_tally *t)
{
	ksft_print_msg("figure fuzz_%s_%s cases %lu accepted %lu einval %lu efault %lu zero_len %lu wrong %lu\n",
		       file, who, t->cases, t->accepted, t->einval, t->efault,
		       t->zero, t->wrong);
}

/* Say what a wrongly answered case was. */
static void ms_case_log(const struct ms_case *c, long ret)
{
	char hex[3 * 40 + 1] = "";
	size_t i;

	for (i = 0; i < c->len && i < 40; i++)
		sprintf(hex + 3 * i, " %02x", (unsigned char)c->buf[i]);
	ksft_print_msg("wrong answer %ld (%s) to len %zu off %ld bad_ptr %d valid %d pfn %llu:%s\n",
		       ret, ret < 0 ? strerror(-ret) : "ok", c->len,
		       (long)c->off, c->bad_ptr, c->valid, c->pfn, hex);
}

/* The PFN the pfn file shows, or ~0. */
static unsigned long long ms_pfn_selected(void)
{
	unsigned long long pfn = ~0ULL;
	char line[128];
	FILE *f = fopen(MD_DEBUGFS "/pfn", "re");

	if (!f)
		return pfn;
	if (fgets(line, sizeof(line), f))
		sscanf(line, "pfn %llu", &pfn);
	fclose(f);
	return pfn;
}

/* The PFN space from layout and the raw shadow. */
static void ms_space_get(struct __test_metadata *_metadata,
			 struct ms_space *sp, const char *shadow)
{
	unsigned long long p, end = 0;
	struct md_file layout;
	size_t i;
	__u64 w;

	memset(sp, 0, sizeof(*sp));
	md_read(_metadata, &layout, "layout", md_layout_syntax);
	ASSERT_LT(0, layout.nr);
	sp->lo = ~0ULL;
	for (i = 0; i < layout.nr; i++) {
		const struct md_rec *r = &layout.rec[i];

		if (r->v[1] < sp->lo)
			sp->lo = r->v[1];
		if (r->v[1] + r->v[2] > sp->hi)
			sp->hi = r->v[1] + r->v[2];
		if (end && r->v[1] > end)
			sp->gap = end;
		end = r->v[1] + r->v[2];
		if (sp->nr_ranges < 8 && r->v[2]) {
			sp->start[sp->nr_ranges] = r->v[1];
			sp->end[sp->nr_ranges++] = end;
		}
		for (p = 0; p < r->v[2] && sp->nr_holes < 64; p += 97) {
			memcpy(&w, shadow + r->v[3] + p * 8, 8);
			if (memdesc_word_state(w) == MEMDESC_STATE_HOLE)
				sp->holes[sp->nr_holes++] = r->v[1] + p;
		}
	}
	md_file_free(&layout);
}

/*
 * @writers children each write @each cases of @gen to @file at once; return
 * the number of wrong answers (or -1 if a child died).
 */
static long ms_fuzz_concurrent(const char *file, bool pfn,
			       const struct ms_space *sp, struct ms_tally *sum)
{
	int pipes[2], i, status;
	pid_t pids[MS_FUZZ_WRITERS];
	struct ms_tally t;

	if (pipe(pipes))
		return -1;
	fflush(NULL);
	for (i = 0; i < MS_FUZZ_WRITERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			unsigned long long s = 0x9e3779b97f4a7c15ULL * (i + 2);
			static struct ms_case c;
			char path[64];
			int fd, k;

			memset(&t, 0, sizeof(t));
			snprintf(path, sizeof(path), MD_DEBUGFS "/%s", file);
			fd = open(path, O_WRONLY);
			if (fd < 0)
				_exit(1);
			for (k = 0; k < MS_FUZZ_EACH; k++) {
				if (pfn)
					ms_pfn_case(&c, &s, sp);
				else
					ms_control_case(&c, &s);
				ms_judge(&t, &c, ms_case_write(fd, &c), pfn);
			}
			close(fd);
			if (write(pipes[1], &t, sizeof(t)) != sizeof(t))
				_exit(1);
			_exit(0);
		}
	}
	close(pipes[1]);
	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < MS_FUZZ_WRITERS; i++) {
		if (read(pipes[0], &t, sizeof(t)) != sizeof(t))
			break;
		sum->cases += t.cases;
		sum->accepted += t.accepted;
		sum->einval += t.einval;
		sum->efault += t.efault;
		sum->zero += t.zero;
		sum->wrong += t.wrong;
	}
	close(pipes[0]);
	for (i = 0; i < MS_FUZZ_WRITERS; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			return -1;
	return sum->wrong;
}

/*
 * Bad input: 10,000 fuzzed writes to one writable file from one
 * writer, then 4 x 1,000 from concurrent writers, with tracking disabled so
 * the raw shadow must read back byte for byte the same afterwards.  For
 * pfn, the selection must follow every accepted write and survive every
 * refused one.
 */
static void ms_fuzz(struct __test_metadata *_metadata, const char *file,
		    bool pfn)
{
	unsigned long long s = 0x0123456789abcdefULL, selected;
	static struct ms_case c;
	struct ms_tally t = { 0 }, ct = { 0 };
	size_t len0, len1;
	char *before, *after, path[64];
	struct ms_space sp;
	int fd, i, moved = 0;
	unsigned long logged = 0;

	md_ensure_loaded(_metadata);
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "disable"));
	before = ms_shadow_read(&len0);
	ASSERT_NE(NULL, before);
	ms_space_get(_metadata, &sp, before);
	ksft_print_msg("figure fuzz_space pfns %llu-%llu holes_sampled %u gap %llu\n",
		       sp.lo, sp.hi, sp.nr_holes, sp.gap);

	snprintf(path, sizeof(path), MD_DEBUGFS "/%s", file);
	fd = open(path, O_WRONLY);
	ASSERT_LE(0, fd);
	selected = ms_pfn_selected();
	for (i = 0; i < MS_FUZZ_CASES; i++) {
		long ret;

		if (pfn)
			ms_pfn_case(&c, &s, &sp);
		else
			ms_control_case(&c, &s);
		ret = ms_case_write(fd, &c);
		ms_judge(&t, &c, ret, pfn);
		if (t.wrong > logged && logged < 8) {
			logged++;
			ms_case_log(&c, ret);
		}
		if (!pfn)
			continue;
		if (ret > 0)
			selected = c.pfn;
		/* Read back often, and after every hole (no struct page). */
		if (i % 50 == 0 || (ret > 0 && c.valid &&
				    sp.nr_holes && c.pfn == sp.holes[0])) {
			if (ms_pfn_selected() != selected)
				moved++;
		}
	}
	close(fd);
	ms_tally_print(file, "single", &t);
	EXPECT_EQ(0, t.wrong);
	EXPECT_EQ(0, moved);
	EXPECT_EQ(MS_FUZZ_CASES, t.cases);

	EXPECT_EQ(0, ms_fuzz_concurrent(file, pfn, &sp, &ct));
	ms_tally_print(file, "concurrent", &ct);
	EXPECT_EQ(MS_FUZZ_WRITERS * MS_FUZZ_EACH, ct.cases);

	after = ms_shadow_read(&len1);
	ASSERT_NE(NULL, after);
	EXPECT_EQ(len0, len1);
	EXPECT_EQ(0, memcmp(before, after, len0 < len1 ? len0 : len1)) {
		TH_LOG("%s: the shadow changed under fuzzing", file);
	}
	ksft_print_msg("figure fuzz_%s_shadow_bytes_compared %zu\n", file,
		       len0);
	free(before);
	free(after);
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "enable"));
}

TEST_F_TIMEOUT(stress, fuzz_pfn, MD_TIMEOUT(600))
{
	ms_fuzz(_metadata, "pfn", true);
}

TEST_F_TIMEOUT(stress, fuzz_control, MD_TIMEOUT(600))
{
	ms_fuzz(_metadata, "control", false);
}

/* === Mutation fuzzing of every writer, from a corpus === */

/*
 * The cases above are generated from a grammar of what might go wrong.
 * These start from inputs that are right - the seeds in
 * tests/fuzz/writers/seeds/FILE/ (in the guest /fuzz/seeds/FILE/), and
 * for pfn the PFNs the live layout has - and mutate them as libFuzzer
 * does, one to four edits a case, so that what is one byte from valid is
 * asked far more often than random bytes would.  Every input of
 * tests/fuzz/writers/regressions/FILE/ goes first, once.  Each writer's
 * parse is repeated here as an oracle: a case it calls valid must be
 * taken, any other refused with EINVAL.  Cases the oracle calls valid for
 * control and inject are not written (a resync, owners on, a store into
 * the shadow); their parse is what the tests of those commands check.
 * MEMDESC_FUZZ_CASES in /etc/memdesc-fuzz.conf (tests/vm/run.sh sets it
 * from MEMDESC_VM_FUZZ_CASES) sets the cases per writer, default
 * MS_MUTATE_CASES.
 */
#define MS_MUTATE_CASES		50000
#define MS_MUTATE_SEEDS		64
#define MS_FUZZ_DIR		"/fuzz"
#define MS_FUZZ_CONF		"/etc/memdesc-fuzz.conf"
#define MS_MUTATE_MAX		200	/* bytes a mutated case grows to */

/* A writer under fuzzing: where it is, and how its oracle reads a case. */
struct ms_writer {
	const char *name;
	const char *path;
	/* true if the writer takes @c; @sp for PFN checks */
	bool (*valid)(const struct ms_case *c, const struct ms_space *sp);
	bool write_valid;	/* write the cases the oracle calls valid */
	bool sysfs;		/* a module parameter (no offsets) */
};

/* Seeds of a writer, as read from the corpus and made up from layout. */
struct ms_seeds {
	char buf[MS_MUTATE_SEEDS][MS_MUTATE_MAX];
	size_t len[MS_MUTATE_SEEDS];
	unsigned int nr;
};

static void ms_seed_add(struct ms_seeds *sd, const char *buf, size_t len)
{
	if (sd->nr == MS_MUTATE_SEEDS || len >= MS_MUTATE_MAX)
		return;
	memcpy(sd->buf[sd->nr], buf, len);
	sd->len[sd->nr++] = len;
}

/* Every file of @dir, each whole (up to MS_MUTATE_MAX - 1 bytes). */
static unsigned int ms_dir_read(const char *dir,
				void (*fn)(void *arg, const char *name,
					   const char *buf, size_t len),
				void *arg)
{
	char path[PATH_MAX], buf[MS_MUTATE_MAX];
	unsigned int n = 0;
	struct dirent *de;
	ssize_t len;
	int fd;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len < 0)
			continue;
		fn(arg, de->d_name, buf, len);
		n++;
	}
	closedir(d);
	return n;
}

static void ms_seed_file(void *arg, const char *name, const char *buf,
			 size_t len)
{
	ms_seed_add(arg, buf, len);
}

/*
 * A module parameter's value as its set() sees it: sysfs ends the string
 * at the write's end or at its first NUL.  NULL if it is @size or longer,
 * which set() refuses whole; else trimmed as strim() trims.
 */
static const char *ms_param_trim(const struct ms_case *c, char *s, size_t size)
{
	size_t a = 0, b = strnlen(c->buf, c->len);

	if (b >= size)
		return NULL;
	memcpy(s, c->buf, b);
	s[b] = '\0';
	while (a < b && ms_kspace(s[a]))
		a++;
	while (b > a && ms_kspace(s[b - 1]))
		b--;
	s[b] = '\0';
	return s + a;
}

static bool ms_oracle_control(const struct ms_case *c,
			      const struct ms_space *sp)
{
	return ms_control_valid(c);
}

static bool ms_oracle_pfn(const struct ms_case *c, const struct ms_space *sp)
{
	unsigned long long pfn;

	if (c->off || c->bad_ptr)
		return false;
	return ms_pfn_parses(c, sp, &pfn);
}

/* memdesc_testpoint.c: "release", "disarm", or "arm POINT [WHAT]". */
static bool ms_oracle_testpoint(const struct ms_case *c,
				const struct ms_space *sp)
{
	static const char * const points[] = { "pcp", "sync_coarse", "defer" };
	char s[48], *p, *name, *what;
	size_t i;

	p = (char *)ms_param_trim(c, s, sizeof(s));
	if (!p)
		return false;
	if (!strcmp(p, "release") || !strcmp(p, "disarm"))
		return true;
	if (strncmp(p, "arm ", 4))
		return false;
	p += 4;
	name = p;
	what = strchr(p, ' ');
	if (what) {
		*what++ = '\0';
		while (ms_kspace(*what))
			what++;
	} else {
		what = "";
	}
	if (strchr(what, ' ') || strlen(what) >= 16)
		return false;
	for (i = 0; i < ARRAY_SIZE(points); i++)
		if (!strcmp(name, points[i]))
			return true;
	return false;
}

/* kstrtoul()/kstrtouint(): an optional '+', digits of @base, no more. */
static bool ms_kstrtoull(const char *s, int base, unsigned long long max)
{
	unsigned long long v;
	char *end;

	if (*s == '+')
		s++;
	if (!isxdigit((unsigned char)*s) || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	return !errno && !*end && v <= max;
}

/* Names of the events stats lists, for the inject oracle. */
static char ms_events[64][48];
static unsigned int ms_nr_events;

/*
 * memdesc_inject.c's parse of "EVENT PFN ORDER CLASS", short of whether
 * the PFN has an online struct page: tokens split at ' ', '\t' or '\n',
 * exactly four, nothing but white space after.
 */
static bool ms_oracle_inject(const struct ms_case *c,
			     const struct ms_space *sp)
{
	char s[96], *cur = s, *tok[4], *pfn;
	size_t len = strnlen(c->buf, c->len);
	unsigned int i, cls;

	if (len >= sizeof(s) || c->bad_ptr)
		return false;
	memcpy(s, c->buf, len);
	s[len] = '\0';
	for (i = 0; i < 4; i++) {
		do {
			tok[i] = strsep(&cur, " \t\n");
		} while (tok[i] && !*tok[i]);
		if (!tok[i])
			return false;
	}
	while (cur && *cur && ms_kspace(*cur))
		cur++;
	if (cur && *cur)
		return false;
	for (i = 0; i < ms_nr_events; i++)
		if (!strcmp(tok[0], ms_events[i]))
			break;
	if (i == ms_nr_events)
		return false;
	pfn = tok[1];
	if (pfn[0] == '0' && (pfn[1] == 'x' || pfn[1] == 'X')) {
		if (!ms_kstrtoull(pfn + 2, 16, ~0ULL))
			return false;
	} else if (!ms_kstrtoull(pfn, 10, ~0ULL)) {
		return false;
	}
	if (!ms_kstrtoull(tok[2], 10, 0xffffffffULL))
		return false;
	for (cls = 0; cls <= MEMDESC_CLASS_HWPOISON; cls++)
		if (cls != MEMDESC_CLASS_MISC_OTHER &&
		    !strcmp(tok[3], memdesc_class_name(cls)))
			return true;
	return false;
}

/* Tokens a mutation inserts, as libFuzzer's dictionaries do. */
static const char * const ms_tokens[] = {
	" ", "\n", "\t", "\r", "\v", "\xa0", "0x", "0X", "-", "+", "0",
	"18446744073709551615", "18446744073709551616", "4294967296",
	"99999999999999999999", "arm", "release", "disarm", "pcp",
	"sync_coarse", "defer", "Movable", "owners", "on", "off", "resync", "mm_page_alloc",
	"driver", "slab", "free", "hole", "unknown",
};

/* One edit of @c, of at most MS_MUTATE_MAX - 1 bytes. */
static void ms_mutate_once(struct ms_case *c, const struct ms_seeds *sd,
			   unsigned long long *s)
{
	size_t pos = c->len ? ms_rand(s) % (c->len + 1) : 0, n;
	const char *tok;
	unsigned int other;

	switch (ms_rand(s) % 7) {
	case 0:			/* flip a bit */
		if (c->len)
			c->buf[pos % c->len] ^= 1 << (ms_rand(s) % 8);
		break;
	case 1:			/* a byte, random */
		if (c->len)
			c->buf[pos % c->len] = ms_rand(s);
		break;
	case 2:			/* insert a byte */
		if (c->len + 1 >= MS_MUTATE_MAX)
			break;
		memmove(c->buf + pos + 1, c->buf + pos, c->len - pos);
		c->buf[pos] = ms_rand(s) % 2 ? ms_rand(s) :
			      " \t\n0x-+"[ms_rand(s) % 8];
		c->len++;
		break;
	case 3:			/* erase a run */
		if (!c->len)
			break;
		pos %= c->len;
		n = 1 + ms_rand(s) % (c->len - pos);
		memmove(c->buf + pos, c->buf + pos + n, c->len - pos - n);
		c->len -= n;
		break;
	case 4:			/* insert a token */
		tok = ms_tokens[ms_rand(s) % ARRAY_SIZE(ms_tokens)];
		n = strlen(tok);
		if (c->len + n >= MS_MUTATE_MAX)
			break;
		memmove(c->buf + pos + n, c->buf + pos, c->len - pos);
		memcpy(c->buf + pos, tok, n);
		c->len += n;
		break;
	case 5:			/* this one's head, another's tail */
		other = ms_rand(s) % sd->nr;
		n = ms_rand(s) % (sd->len[other] + 1);
		if (pos + sd->len[other] - n >= MS_MUTATE_MAX)
			break;
		memcpy(c->buf + pos, sd->buf[other] + n, sd->len[other] - n);
		c->len = pos + sd->len[other] - n;
		break;
	default:		/* repeat a run */
		if (!c->len)
			break;
		pos %= c->len;
		n = 1 + ms_rand(s) % (c->len - pos);
		if (c->len + n >= MS_MUTATE_MAX)
			break;
		memmove(c->buf + pos + n, c->buf + pos, c->len - pos);
		c->len += n;
		break;
	}
}

/* A seed, edited one to four times. */
static void ms_mutate(struct ms_case *c, const struct ms_seeds *sd,
		      unsigned long long *s)
{
	unsigned int i = ms_rand(s) % sd->nr, edits = 1 + ms_rand(s) % 4;

	memset(c, 0, sizeof(*c));
	memcpy(c->buf, sd->buf[i], sd->len[i]);
	c->len = sd->len[i];
	while (edits--)
		ms_mutate_once(c, sd, s);
}

/* One case of @w, judged by its oracle; a wrong answer logged. */
static void ms_writer_case(const struct ms_writer *w, int fd,
			   const struct ms_case *in, const struct ms_space *sp,
			   struct ms_tally *t)
{
	struct ms_case c = *in;
	long ret;

	c.valid = w->valid(&c, sp);
	if (c.valid && !w->write_valid) {
		t->cases++;
		t->accepted++;
		return;
	}
	ret = ms_case_write(fd, &c);
	ms_judge(t, &c, ret, true);
	if (t->wrong && t->wrong <= 4 && (ret == (long)c.len) != c.valid)
		ms_case_log(&c, ret);
	/* A point armed parks the next walk: never leave one armed. */
	if (ret > 0 && !strcmp(w->name, "testpoint"))
		md_write_file(MS_TESTPOINT, "disarm");
}

/* A regression input's replay: where it goes, and its tally. */
struct ms_replay {
	const struct ms_writer *w;
	int fd;
	const struct ms_space *sp;
	struct ms_tally *t;
};

static void ms_regression_file(void *arg, const char *name, const char *buf,
			       size_t len)
{
	const struct ms_replay *r = arg;
	static struct ms_case c;

	memset(&c, 0, sizeof(c));
	memcpy(c.buf, buf, len);
	c.len = len;
	ms_writer_case(r->w, r->fd, &c, r->sp, r->t);
}

/* The layout's PFNs as pfn seeds: the first and last of each range. */
static void ms_pfn_seeds(struct ms_seeds *sd, const struct ms_space *sp)
{
	char buf[32];
	unsigned int i;
	int n;

	for (i = 0; i < sp->nr_ranges; i++) {
		n = snprintf(buf, sizeof(buf), "%llu\n", sp->start[i]);
		ms_seed_add(sd, buf, n);
		n = snprintf(buf, sizeof(buf), "0x%llx", sp->end[i] - 1);
		ms_seed_add(sd, buf, n);
	}
	if (sp->nr_holes) {
		n = snprintf(buf, sizeof(buf), "%llu", sp->holes[0]);
		ms_seed_add(sd, buf, n);
	}
}

/* Cases per writer: MEMDESC_FUZZ_CASES from MS_FUZZ_CONF, or the default. */
static unsigned long ms_mutate_cases(void)
{
	char line[64];
	unsigned long n;

	if (md_read_line(MS_FUZZ_CONF, line, sizeof(line)) &&
	    sscanf(line, "MEMDESC_FUZZ_CASES=%lu", &n) == 1 && n)
		return n;
	return MS_MUTATE_CASES;
}

/* The event names stats lists, for ms_oracle_inject(). */
static void ms_events_get(struct __test_metadata *_metadata)
{
	struct md_file st;
	size_t i;

	md_read(_metadata, &st, "stats", md_stats_syntax);
	ms_nr_events = 0;
	for (i = 0; i < st.nr && ms_nr_events < ARRAY_SIZE(ms_events); i++)
		if (md_rec_is(&st.rec[i], "event", NULL))
			snprintf(ms_events[ms_nr_events++],
				 sizeof(ms_events[0]), "%s",
				 st.rec[i].f[0]);
	md_file_free(&st);
	ASSERT_LT(0, ms_nr_events);
}

/*
 * Bad input, mutated from good: every writer, its regression inputs
 * first, then its cases.  Tracking is off, and no case the oracle calls
 * valid is written where it would change the shadow, so the raw shadow
 * must read back the same afterwards; the kernel log must stay clean.
 */
TEST_F_TIMEOUT(stress, fuzz_mutate, MD_TIMEOUT(1800))
{
	static const struct ms_writer writers[] = {
		{ "control", MD_DEBUGFS "/control", ms_oracle_control,
		  false, false },
		{ "pfn", MD_DEBUGFS "/pfn", ms_oracle_pfn, true, false },
		{ "testpoint", MS_TESTPOINT, ms_oracle_testpoint, true, true },
		{ "inject", MS_INJECT, ms_oracle_inject, false, true },
	};
	unsigned long long s = 0x5eed0f5eed0f5eedULL;
	unsigned long cases = ms_mutate_cases(), i, total = 0;
	static struct ms_seeds sd;
	static struct ms_case c;
	char dir[PATH_MAX], *before, *after;
	struct ms_replay replay;
	size_t len0, len1, w;
	struct ms_space sp;
	struct ms_tally t;
	unsigned int regs;
	int fd;

	ms_ensure_unloaded(_metadata);
	ASSERT_EQ(0, md_load(md_ko_path(), ""));
	ms_events_get(_metadata);
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "disable"));
	before = ms_shadow_read(&len0);
	ASSERT_NE(NULL, before);
	ms_space_get(_metadata, &sp, before);

	for (w = 0; w < ARRAY_SIZE(writers); w++) {
		const struct ms_writer *wr = &writers[w];

		memset(&t, 0, sizeof(t));
		memset(&sd, 0, sizeof(sd));
		snprintf(dir, sizeof(dir), MS_FUZZ_DIR "/seeds/%s", wr->name);
		ms_dir_read(dir, ms_seed_file, &sd);
		if (!strcmp(wr->name, "pfn"))
			ms_pfn_seeds(&sd, &sp);
		ASSERT_LT(0, sd.nr) {
			TH_LOG("%s: no seeds in %s", wr->name, dir);
		}
		fd = open(wr->path, O_WRONLY);
		ASSERT_LE(0, fd) {
			TH_LOG("%s: %s", wr->path, strerror(errno));
		}
		/* Regression inputs: each replayed as a case. */
		snprintf(dir, sizeof(dir), MS_FUZZ_DIR "/regressions/%s",
			 wr->name);
		replay = (struct ms_replay){ wr, fd, &sp, &t };
		regs = ms_dir_read(dir, ms_regression_file, &replay);
		for (i = 0; i < cases; i++) {
			ms_mutate(&c, &sd, &s);
			ms_writer_case(wr, fd, &c, &sp, &t);
		}
		close(fd);
		ksft_print_msg("figure fuzz_mutate_%s seeds %u regressions %u cases %lu accepted %lu einval %lu zero_len %lu wrong %lu\n",
			       wr->name, sd.nr, regs, t.cases, t.accepted,
			       t.einval, t.zero, t.wrong);
		EXPECT_EQ(0, t.wrong);
		total += t.cases;
	}
	ksft_print_msg("figure fuzz_mutate_cases %lu\n", total);

	after = ms_shadow_read(&len1);
	ASSERT_NE(NULL, after);
	EXPECT_EQ(len0, len1);
	EXPECT_EQ(0, memcmp(before, after, len0 < len1 ? len0 : len1)) {
		TH_LOG("the shadow changed under fuzzing");
	}
	free(before);
	free(after);
	EXPECT_EQ(0, md_write_file(MS_TESTPOINT, "disarm"));
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "enable"));
}

/* Does @tok look like a kernel address: 0xffff8... and up, 16 digits? */
static bool ms_kernel_address(const char *tok)
{
	unsigned long long v;
	char *end;

	if (!strncmp(tok, "0x", 2))
		tok += 2;
	if (strlen(tok) != 16)
		return false;
	v = strtoull(tok, &end, 16);
	return !*end && v >= 0xffff800000000000ULL;
}

/* === Access === */

/*
 * Nobody can read anything (memdesc_test's root_only); and what root reads
 * carries no kernel address either, so no file can leak one if its mode is
 * ever relaxed.
 * Every word of every text file is checked, pfn with a few PFNs selected.
 */
TEST_F(stress, no_kernel_addresses)
{
	static const char * const files[] = {
		"summary", "compare", "stats", "mismatches", "transitions",
		"projection", "layout", "pfn",
	};
	unsigned long long words = 0, leaks = 0;
	char line[4096], *tok, *save;
	size_t i;
	FILE *f;

	md_ensure_loaded(_metadata);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(line, sizeof(line), MD_DEBUGFS "/%s", files[i]);
		f = fopen(line, "re");
		ASSERT_NE(NULL, f);
		while (fgets(line, sizeof(line), f)) {
			for (tok = strtok_r(line, "\n :,()[]", &save); tok;
			     tok = strtok_r(NULL, "\n :,()[]", &save)) {
				words++;
				if (ms_kernel_address(tok)) {
					leaks++;
					TH_LOG("%s: '%s'", files[i], tok);
				}
			}
		}
		fclose(f);
	}
	ksft_print_msg("figure address_scan words %llu kernel_addresses %llu\n",
		       words, leaks);
	EXPECT_EQ(0, leaks);
}

/* Leave the module unloaded, as the other programs do. */
TEST_F(stress, unload_at_end)
{
	ASSERT_EQ(0, md_loaded() ? md_unload() : 0);
}

TEST_HARNESS_MAIN
