// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_topology_test.c - memdesc.ko on a guest shaped like a real
 * machine: 8 CPUs, RAM above the PCI hole, a CPU-less node that appears at
 * runtime, memory that virtio-mem plugs and unplugs, and 1 GiB pages.
 *
 * tests/vm/run.sh --topology boots it: nodes 0 (CPUs 0-3) and 1 (CPUs
 * 4-7) with 3 GiB each, node 2 with neither, and two virtio-mem devices,
 * vm0 on node 2 and vm1 on node 1, both empty at boot.  The guest cannot
 * resize a virtio-mem device itself: it asks the host by writing
 * "<token> Q qom-set vmN requested-size <size>" to the console, which an
 * agent in run.sh checks and passes to QEMU's monitor, then waits for the
 * memory to come or go.  /etc/memdesc-topology.modules lists the kernel's
 * own modules to load for virtio-mem, in order.
 *
 * The tests run in file order and build on each other: node 2 comes
 * online, node 1 grows, node 2 grows and shrinks, then the holes, 1 GiB
 * pages, load on every CPU, where the chunks live, and a chunk that cannot
 * be allocated.  Figures are printed with ksft_print_msg("figure ...").
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <time.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <linux/memfd.h>
#include <linux/mempolicy.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"

#define MT_MODULES	"/etc/memdesc-topology.modules"
#define MT_MEMORY	"/sys/devices/system/memory"
#define MT_NODE		"/sys/devices/system/node"
#define MT_HUGE_1G	"/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"
#define MT_FAIL_NTH	MD_SYSFS "/parameters/fail_nth"
#define MT_STRESS_LOG	"/tmp/memdesc-topology-stress.log"
#define MT_STRESS_YAML	"/tmp/memdesc-topology-stress.yaml"

/* x86-64: SECTION_SIZE_BITS 27, one shadow chunk per 128 MiB section. */
#define MT_SECTION_PFNS		32768ULL
#define MT_PAGE			4096ULL
#define MT_PFN_4G		(1ULL << (32 - 12))
/* A 1 GiB page: order 18. */
#define MT_GIGA_ORDER		18
#define MT_GIGA_PFNS		(1ULL << MT_GIGA_ORDER)
/* What run.sh gives the guest. */
#define MT_CPUS			8
#define MT_NEW_NODE		2
#define MT_OLD_NODE		1
#define MT_STRESS_SECONDS	30
#define MT_NODE2_WORKLOAD	(64 * MD_MIB)

/* === Small files === */

/* MemTotal of node @nid in kB; 0 while the node has no memory. */
static unsigned long long mt_node_memtotal_kb(int nid)
{
	unsigned long long kb = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), MT_NODE "/node%d/meminfo", nid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %*d MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static unsigned long long mt_block_bytes(void)
{
	char buf[64];

	if (!md_read_line(MT_MEMORY "/block_size_bytes", buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 16);
}

/* === Asking the host (md_console()) === */

/* Ask the host to set virtio-mem device @dev (vm0, vm1) to @mib MiB. */
static void mt_request(struct __test_metadata *_metadata, const char *dev,
		       unsigned int mib)
{
	char req[96];

	snprintf(req, sizeof(req), "qom-set %s requested-size %uM", dev, mib);
	ksft_print_msg("request: %s\n", req);
	ASSERT_EQ(0, md_console("Q", req)) {
		TH_LOG("cannot write the request to the console (no token in "
		       MD_VM_CONF "?)");
	}
}

/* === Memory blocks === */

struct mt_block {
	unsigned long nr;		/* memoryN */
	unsigned long long section;	/* first section: phys_index */
	int node;
	bool online;
};

struct mt_blocks {
	struct mt_block *b;
	size_t nr;
	unsigned long long sections;	/* per block */
};

/* Every memory block in sysfs: 0, or -errno. */
static int mt_blocks_read(struct mt_blocks *mb)
{
	char path[PATH_MAX], buf[64];
	struct dirent *de;
	unsigned long nr;
	DIR *d;

	memset(mb, 0, sizeof(*mb));
	mb->sections = mt_block_bytes() / (MT_SECTION_PFNS * MT_PAGE);
	if (!mb->sections)
		return -EINVAL;
	d = opendir(MT_MEMORY);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct mt_block *b;

		if (sscanf(de->d_name, "memory%lu", &nr) != 1)
			continue;
		b = realloc(mb->b, (mb->nr + 1) * sizeof(*b));
		if (!b) {
			closedir(d);
			return -ENOMEM;
		}
		mb->b = b;
		b = &mb->b[mb->nr];
		b->nr = nr;
		snprintf(path, sizeof(path), MT_MEMORY "/%s/state", de->d_name);
		/* A block being removed may vanish under us: skip it. */
		if (!md_read_line(path, buf, sizeof(buf)))
			continue;
		b->online = !strcmp(buf, "online");
		snprintf(path, sizeof(path), MT_MEMORY "/%s/phys_index",
			 de->d_name);
		if (!md_read_line(path, buf, sizeof(buf)))
			continue;
		b->section = strtoull(buf, NULL, 16);
		snprintf(path, sizeof(path), MT_MEMORY "/%s", de->d_name);
		b->node = md_block_node(path);
		mb->nr++;
	}
	closedir(d);
	return 0;
}

static const struct mt_block *mt_block_find(const struct mt_blocks *mb,
					    unsigned long nr)
{
	size_t i;

	for (i = 0; i < mb->nr; i++)
		if (mb->b[i].nr == nr)
			return &mb->b[i];
	return NULL;
}

static size_t mt_blocks_online(const struct mt_blocks *mb, int nid)
{
	size_t i, n = 0;

	for (i = 0; i < mb->nr; i++)
		if (mb->b[i].online && (nid < 0 || mb->b[i].node == nid))
			n++;
	return n;
}

/* Whether the kernel onlines hot-added blocks (6.12), or we must (6.1). */
static bool mt_kernel_onlines(void)
{
	char buf[64];

	return md_read_line(MT_MEMORY "/auto_online_blocks", buf,
			    sizeof(buf)) && strcmp(buf, "offline");
}

/* Online every offline block, as a udev rule would; return: how many. */
static unsigned int mt_online_blocks(void)
{
	char path[PATH_MAX], buf[64];
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(MT_MEMORY);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "memory", 6) ||
		    !isdigit((unsigned char)de->d_name[6]))
			continue;
		snprintf(path, sizeof(path), MT_MEMORY "/%s/state", de->d_name);
		if (md_read_line(path, buf, sizeof(buf)) &&
		    !strcmp(buf, "offline") && !md_write_file(path, "online"))
			n++;
	}
	closedir(d);
	return n;
}

/*
 * Wait until node @nid's MemTotal reads @want_kb, onlining new blocks where
 * the kernel does not.  Return: false on timeout (after @seconds, or after
 * MD_STALL_SECONDS with MemTotal unchanged).
 */
static bool mt_wait_memtotal(int nid, unsigned long long want_kb,
			     unsigned int seconds, const char *what)
{
	bool online = !mt_kernel_onlines();
	unsigned long long kb = mt_node_memtotal_kb(nid);
	unsigned int onlined = 0;
	struct md_wait w;

	md_wait_start(&w, kb);
	for (;;) {
		if (online)
			onlined += mt_online_blocks();
		kb = mt_node_memtotal_kb(nid);
		if (kb == want_kb)
			break;
		if (md_wait_over(&w, kb, seconds)) {
			ksft_print_msg("%s: node %d MemTotal %llu kB (from %llu), want %llu kB; unchanged for %.0f s, %.0f s of %u\n",
				       what, nid, kb, w.first, want_kb,
				       md_now() - w.moved, md_now() - w.t0,
				       seconds);
			/* Where is it stuck: blocked tasks into the kernel log. */
			md_write_file("/proc/sysrq-trigger", "w");
			md_log_virtio_irqs();
			return false;
		}
		usleep(100000);
	}
	ksft_print_msg("figure %s_wait_seconds %.1f (node %d MemTotal %llu kB, %u blocks onlined by hand)\n",
		       what, md_now() - w.t0, nid, kb, onlined);
	return true;
}

/* A digest of node @nid's blocks: their numbers, and ~0 if one is not online. */
static unsigned long long mt_blocks_digest(int nid)
{
	unsigned long long d = 0;
	struct mt_blocks mb;
	size_t i;

	if (mt_blocks_read(&mb))
		return ~0ULL;
	for (i = 0; i < mb.nr && d != ~0ULL; i++) {
		if (mb.b[i].node != nid)
			continue;
		d = mb.b[i].online ? d * 1000003 + mb.b[i].nr + 1 : ~0ULL;
	}
	free(mb.b);
	return d;
}

/*
 * Wait until node @nid's blocks are all online and stay the same for a
 * second.  MemTotal drops as virtio-mem takes a block's last subblock,
 * before it offlines and removes the block: in between, the block is
 * still there, going offline.  Return: false on timeout.
 */
static bool mt_wait_settled(int nid, unsigned int seconds, const char *what)
{
	unsigned long long d, last = ~0ULL;
	double t0 = md_now();
	unsigned int same = 0;

	while (same < 5) {
		d = mt_blocks_digest(nid);
		same = d != ~0ULL && d == last ? same + 1 : 0;
		last = d;
		if (md_now() - t0 > seconds) {
			ksft_print_msg("%s: node %d's blocks still changing after %u s\n",
				       what, nid, seconds);
			return false;
		}
		usleep(200000);
	}
	ksft_print_msg("figure %s_settle_seconds %.1f\n", what, md_now() - t0);
	return true;
}

/* Offline a block in a child that SIGALRM ends: 0 if offline. */
static int mt_offline(unsigned long nr)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), MT_MEMORY "/memory%lu/state", nr);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		alarm(20);
		_exit(md_write_file(path, "offline") ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EBUSY;
}

/* === debugfs === */

/* Allocated pages of node @nid in summary, over its zones. */
static unsigned long long mt_node_allocated(const struct md_file *sum,
					    int nid, unsigned long long *pages)
{
	unsigned long long alloc = 0;
	size_t i;

	if (pages)
		*pages = 0;
	for (i = 0; i < sum->nr; i++) {
		const struct md_rec *r = &sum->rec[i];

		if (strcmp(r->key, "zone") || r->v[0] != (unsigned int)nid)
			continue;
		alloc += r->v[4];
		if (pages)
			*pages += r->v[2];
	}
	return alloc;
}

/* One line of the sections file. */
struct mt_section {
	unsigned long long pfn;
	int node;
	bool tracked;
	int chunk_node;
	char backing[16];
	unsigned long long chunk_pfn;
};

struct mt_sections {
	struct mt_section *s;
	size_t nr;
};

static void mt_sections_read(struct __test_metadata *_metadata,
			     struct mt_sections *ss)
{
	struct md_file mf;
	size_t i;

	md_read(_metadata, &mf, "sections", md_sections_syntax);
	ss->nr = mf.nr;
	ss->s = calloc(mf.nr ?: 1, sizeof(*ss->s));
	ASSERT_NE(NULL, ss->s);
	for (i = 0; i < mf.nr; i++) {
		const struct md_rec *r = &mf.rec[i];
		struct mt_section *s = &ss->s[i];

		s->pfn = r->v[0];
		s->node = r->v[1];
		s->tracked = !strcmp(r->f[2], "tracked");
		EXPECT_TRUE(s->tracked || !strcmp(r->f[2], "untracked")) {
			TH_LOG("sections line %u: state '%s'", r->line,
			       r->f[2]);
		}
		s->chunk_node = atoi(r->f[3]);
		snprintf(s->backing, sizeof(s->backing), "%s", r->f[4]);
		s->chunk_pfn = r->v[5];
		EXPECT_EQ(0, s->pfn % MT_SECTION_PFNS);
		EXPECT_TRUE(i == 0 || s->pfn > ss->s[i - 1].pfn);
	}
	md_file_free(&mf);
}

static size_t mt_sections_count(const struct mt_sections *ss, int nid,
				int tracked)
{
	size_t i, n = 0;

	for (i = 0; i < ss->nr; i++)
		if ((nid < 0 || ss->s[i].node == nid) &&
		    (tracked < 0 || ss->s[i].tracked == tracked))
			n++;
	return n;
}

static const struct mt_section *mt_section_find(const struct mt_sections *ss,
						unsigned long long pfn)
{
	size_t i;

	for (i = 0; i < ss->nr; i++)
		if (ss->s[i].pfn == pfn - pfn % MT_SECTION_PFNS)
			return &ss->s[i];
	return NULL;
}

static int mt_cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * The listed sections are exactly those of the online memory blocks, each
 * with its block's node; the layout's ranges cover exactly them, back to
 * back in the raw file, with the section's node.
 */
static void mt_check_listed(struct __test_metadata *_metadata,
			    const char *when)
{
	unsigned long long *online, off = 0, covered = 0;
	struct mt_sections ss;
	struct mt_blocks mb;
	struct md_file lay;
	size_t i, j, n, mismatched = 0;
	unsigned int tries;

	/*
	 * The module lists a section when its block is going online, before
	 * sysfs says the block is online: a block virtio-mem is still
	 * onlining shows as listed but not online.  Read both again until
	 * they agree, for up to 5 s; a real disagreement outlasts that.
	 */
	for (tries = 0; ; tries++) {
		ASSERT_EQ(0, mt_blocks_read(&mb));
		mt_sections_read(_metadata, &ss);
		online = calloc(mb.nr * mb.sections + 1, sizeof(*online));
		ASSERT_NE(NULL, online);
		n = 0;
		for (i = 0; i < mb.nr; i++)
			for (j = 0; mb.b[i].online && j < mb.sections; j++)
				online[n++] = (mb.b[i].section + j) *
					      MT_SECTION_PFNS;
		qsort(online, n, sizeof(*online), mt_cmp_ull);
		for (i = 0; n == ss.nr && i < n; i++)
			if (online[i] != ss.s[i].pfn)
				break;
		if ((n == ss.nr && i == n) || tries == 50)
			break;
		free(online);
		free(ss.s);
		free(mb.b);
		usleep(100 * 1000);
	}
	if (tries)
		ksft_print_msg("figure %s_listed_settle_tries %u\n", when,
			       tries);
	EXPECT_EQ(n, ss.nr) {
		TH_LOG("%s: %zu sections of online blocks, %zu listed", when,
		       n, ss.nr);
	}
	for (i = 0; i < n && i < ss.nr; i++) {
		const struct mt_block *b;

		if (online[i] != ss.s[i].pfn) {
			if (mismatched++ < 4)
				TH_LOG("%s: section %zu: online %llu, listed %llu",
				       when, i, online[i], ss.s[i].pfn);
			continue;
		}
		b = mt_block_find(&mb, ss.s[i].pfn / MT_SECTION_PFNS /
				  mb.sections);
		EXPECT_TRUE(b && b->node == ss.s[i].node) {
			TH_LOG("%s: section %llu listed on node %d, its block on %d",
			       when, ss.s[i].pfn, ss.s[i].node,
			       b ? b->node : -1);
		}
	}
	EXPECT_EQ(0, mismatched);

	md_read(_metadata, &lay, "layout", md_layout_syntax);
	for (i = 0; i < lay.nr; i++) {
		const struct md_rec *r = &lay.rec[i];
		const struct mt_section *s;
		unsigned long long p;

		EXPECT_EQ(off, r->v[3]) {
			TH_LOG("%s: layout line %u: offset %llu, want %llu",
			       when, r->line, r->v[3], off);
		}
		off += r->v[2] * 8;
		covered += r->v[2];
		for (p = r->v[1]; p < r->v[1] + r->v[2]; p += MT_SECTION_PFNS) {
			s = mt_section_find(&ss, p);
			EXPECT_TRUE(s && s->node == (int)r->v[0]) {
				TH_LOG("%s: layout range at %llu: PFN %llu not a listed section of node %llu",
				       when, r->v[1], p, r->v[0]);
				break;
			}
		}
	}
	EXPECT_EQ(ss.nr * MT_SECTION_PFNS, covered);
	ksft_print_msg("figure %s_listed_sections %zu online_blocks %zu layout_ranges %zu\n",
		       when, ss.nr, mt_blocks_online(&mb, -1), lay.nr);
	md_file_free(&lay);
	free(online);
	free(ss.s);
	free(mb.b);
}

/*
 * shadow words of @n PFNs from @pfn, through layout and the raw file.
 * Return: 0, or -ENOENT if a PFN is in no range.
 */
static int mt_shadow_words(const struct md_file *lay, int fd,
			   unsigned long long pfn, size_t n, __u64 *w)
{
	size_t i, len;

	while (n) {
		for (i = 0; i < lay->nr; i++) {
			const struct md_rec *r = &lay->rec[i];

			if (pfn >= r->v[1] && pfn - r->v[1] < r->v[2])
				break;
		}
		if (i == lay->nr)
			return -ENOENT;
		len = lay->rec[i].v[1] + lay->rec[i].v[2] - pfn;
		if (len > n)
			len = n;
		if (pread(fd, w, len * 8, lay->rec[i].v[3] +
			  (pfn - lay->rec[i].v[1]) * 8) != (ssize_t)(len * 8))
			return -EIO;
		w += len;
		pfn += len;
		n -= len;
	}
	return 0;
}

/* Layout and raw file, read together: the words of @n PFNs from @pfn. */
static void mt_shadow_read(struct __test_metadata *_metadata,
			   unsigned long long pfn, size_t n, __u64 *w)
{
	struct md_file lay;
	int fd, ret;

	md_read(_metadata, &lay, "layout", md_layout_syntax);
	fd = open(MD_DEBUGFS "/shadow", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ret = mt_shadow_words(&lay, fd, pfn, n, w);
	close(fd);
	md_file_free(&lay);
	ASSERT_EQ(0, ret) {
		TH_LOG("shadow words of PFNs %llu-%llu: %s", pfn,
		       pfn + n - 1, strerror(-ret));
	}
}

/* What the pfn file says of one PFN. */
struct mt_pfn {
	__u64 shadow, live;
	char shadow_class[32], live_class[32];
};

/* Select @pfn and read both words: 0, or the write's -errno. */
static int mt_pfn_read(unsigned long long pfn, struct mt_pfn *p)
{
	char buf[32], line[512];
	int ret, got = 0;
	FILE *f;

	memset(p, 0, sizeof(*p));
	snprintf(buf, sizeof(buf), "%llu", pfn);
	ret = md_write_file(MD_DEBUGFS "/pfn", buf);
	if (ret)
		return ret;
	f = fopen(MD_DEBUGFS "/pfn", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		got += sscanf(line, "shadow %llx %31s", &p->shadow,
			      p->shadow_class) == 2;
		got += sscanf(line, "live %llx %31s", &p->live,
			      p->live_class) == 2;
	}
	fclose(f);
	return got == 2 ? 0 : -EINVAL;
}

/*
 * Read @pfn until shadow and live name the same class (a page in flight
 * settles), up to 5 times.  Return: whether they did.
 */
static bool mt_pfn_agrees(struct __test_metadata *_metadata,
			  unsigned long long pfn, struct mt_pfn *p)
{
	int i;

	for (i = 0; i < 5; i++) {
		EXPECT_EQ(0, mt_pfn_read(pfn, p)) {
			TH_LOG("pfn %llu refused", pfn);
			return false;
		}
		if (!strcmp(p->shadow_class, p->live_class))
			return true;
		usleep(100000);
	}
	return false;
}

/* What compare said, and what of it the tests use. */
struct mt_compare {
	unsigned long long compared, unknown, untracked;
	unsigned long long state_agree, state_disagree;
	unsigned long long free_offline;	/* matrix free -> offline */
	unsigned long long live_offline;	/* matrix * -> offline, diagonal too */
	unsigned long long free_driver;		/* matrix free -> driver */
};

/* x86-64's KASAN shadow, 4-level paging: Documentation/arch/x86/x86_64/mm.rst */
#define MT_KASAN_SHADOW_START	0xffffec0000000000ULL
#define MT_KASAN_SHADOW_END	0xfffffc0000000000ULL
/* The lowest kernel address with 4-level paging. */
#define MT_KERNEL_SPACE		0xffff800000000000ULL

/*
 * Pages KASAN holds as shadow of memory hot-added since boot: its memory
 * notifier vmallocs them into the shadow region (mm/kasan/shadow.c,
 * kasan_mem_notifier(); vmallocinfo names its caller, the notifier chain),
 * and vmalloc takes order-0 pages through the bulk allocator, which emits
 * no event; outside the vmalloc area, they read driver live.  0 on a
 * kernel without KASAN.
 */
static unsigned long long mt_kasan_hotplug_pages(void)
{
	unsigned long long pages = 0, n, start;
	char line[512], *p;
	FILE *f = fopen("/proc/vmallocinfo", "re");
	bool ok;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, " pages=");
		if (!p || sscanf(p, " pages=%llu", &n) != 1)
			continue;
		/*
		 * %pK hides addresses unless kptr_restrict lets them out
		 * ("(____ptrval____)" or a hash, not a kernel address);
		 * then the caller alone tells KASAN's areas.
		 */
		if (sscanf(line, "0x%llx", &start) == 1 &&
		    start >= MT_KERNEL_SPACE)
			ok = start >= MT_KASAN_SHADOW_START &&
			     start < MT_KASAN_SHADOW_END;
		else
			ok = strstr(line, " notifier_call_chain+") != NULL;
		if (ok)
			pages += n;
	}
	fclose(f);
	return pages;
}

/*
 * compare's verdict with the foundation thresholds (memdesc_stress_test.c,
 * ms_check_compare): nothing unknown, zone and node never wrong, state
 * right for at least 99.9% of the PFNs compared.  Only on a KASAN kernel
 * is anything left out: the shadow pages KASAN vmallocs for hot-added
 * memory, 4,096 per 128 MiB block, of which the hook on
 * __vmalloc_node_range() types the first 2,048 (its bound per call), are
 * left out of free -> driver, no more than vmallocinfo counts.  Prints the
 * figures and the off-diagonal cells.
 */
static void mt_check_compare(struct __test_metadata *_metadata,
			     const char *when,
			     struct mt_compare *out)
{
	unsigned long long agree, disagree, zone, node, kasan;
	struct mt_compare c = { 0 };
	struct md_file cmp;
	size_t i;

	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	c.compared = md_val(_metadata, &cmp, "compared", NULL, 0);
	c.unknown = md_val(_metadata, &cmp, "unknown", NULL, 0);
	c.untracked = md_val(_metadata, &cmp, "untracked", NULL, 0);
	c.state_agree = md_val(_metadata, &cmp, "field", "state", 1);
	c.state_disagree = md_val(_metadata, &cmp, "field", "state", 2);
	zone = md_val(_metadata, &cmp, "field", "zone", 2);
	node = md_val(_metadata, &cmp, "field", "node", 2);
	for (i = 0; i < cmp.nr; i++) {
		const struct md_rec *r = &cmp.rec[i];

		if (strcmp(r->key, "matrix"))
			continue;
		if (!strcmp(r->f[1], "offline"))
			c.live_offline += r->v[2];
		if (!strcmp(r->f[0], r->f[1]))
			continue;
		ksft_print_msg("figure %s_matrix %s %s %llu\n", when, r->f[0],
			       r->f[1], r->v[2]);
		if (!strcmp(r->f[1], "offline") && !strcmp(r->f[0], "free"))
			c.free_offline += r->v[2];
		if (!strcmp(r->f[0], "free") && !strcmp(r->f[1], "driver"))
			c.free_driver += r->v[2];
	}
	/*
	 * Offline pages the shadow calls free: which, and what the hook on
	 * adjust_managed_page_count() left to its worker or dropped, for a
	 * failure to be read without another boot.
	 */
	if (c.free_offline) {
		md_show_examples(&cmp, "free", "offline", 2);
		ksft_print_msg("figure %s_deferred %llu hook_truncated %llu\n",
			       when, md_stat(_metadata, "counter", "deferred"),
			       md_stat(_metadata, "counter", "hook_truncated"));
	}
	md_file_free(&cmp);

	agree = c.state_agree;
	disagree = c.state_disagree;
	/* KASAN's shadow of hot-added memory: docs/TRANSITIONS.md. */
	kasan = mt_kasan_hotplug_pages();
	if (kasan) {
		kasan = kasan < c.free_driver ? kasan : c.free_driver;
		disagree -= kasan;
		ksft_print_msg("figure %s_kasan_shadow_pages %llu left out of free->driver %llu\n",
			       when, kasan, c.free_driver);
	}
	ksft_print_msg("figure %s_compared %llu unknown %llu untracked %llu\n",
		       when, c.compared, c.unknown, c.untracked);
	ksft_print_msg("figure %s_state_disagree %llu (%.3f%%)\n", when,
		       disagree, agree + disagree ?
		       100.0 * agree / (agree + disagree) : 0.0);
	ksft_print_msg("figure %s_zone_disagree %llu node_disagree %llu\n",
		       when, zone, node);
	EXPECT_LT(0, c.compared);
	EXPECT_EQ(0, c.unknown);
	EXPECT_EQ(0, zone);
	EXPECT_EQ(0, node);
	EXPECT_LT(0, agree + disagree);
	EXPECT_GE(agree * 1000, 999 * (agree + disagree)) {
		TH_LOG("%s: state agrees for %llu of %llu, want >= 99.9%%",
		       when, agree, agree + disagree);
	}
	if (out)
		*out = c;
}

/* Print compare's matrix cells whose live class is @live; no judgement. */
static void mt_compare_cells(const char *when, const char *live)
{
	struct md_file cmp;
	size_t i;

	if (md_file_read(&cmp, MD_DEBUGFS "/compare", md_compare_syntax)) {
		ksft_print_msg("%s: %s\n", when, cmp.err);
		return;
	}
	for (i = 0; i < cmp.nr; i++) {
		const struct md_rec *r = &cmp.rec[i];

		if (!strcmp(r->key, "matrix") && !strcmp(r->f[1], live))
			ksft_print_msg("figure %s_matrix %s %s %llu\n", when,
				       r->f[0], r->f[1], r->v[2]);
	}
	md_file_free(&cmp);
}

/* === The fixture === */

FIXTURE(topology) {
};

FIXTURE_SETUP(topology)
{
	if (!md_fixture_ready(_metadata, md_ko_path(), R_OK))
		return;
	md_ensure_loaded(_metadata);
}

FIXTURE_TEARDOWN(topology)
{
}

/* Load the kernel's virtio-mem and what it needs, in the listed order. */
static void mt_load_virtio(struct __test_metadata *_metadata)
{
	char path[PATH_MAX];
	unsigned int n = 0;
	FILE *f;
	int ret;

	f = fopen(MT_MODULES, "re");
	ASSERT_NE(NULL, f) {
		TH_LOG(MT_MODULES ": %s (run.sh --topology writes it)",
		       strerror(errno));
	}
	while (fscanf(f, "%4095s", path) == 1) {
		ret = md_load(path, "");
		EXPECT_TRUE(!ret || ret == -EEXIST) {
			TH_LOG("load %s: %s", path, strerror(-ret));
		}
		n += !ret;
	}
	fclose(f);
	ksft_print_msg("figure virtio_modules_loaded %u\n", n);
	ASSERT_EQ(0, access("/sys/module/virtio_mem", F_OK));
}

/* Bind @len bytes at @p to node @nid; with MPOL_MF_MOVE, which drains
 * every CPU's LRU batches first (lru_cache_disable()), so pages touched
 * before have had their mm_lru_insertion.
 */
static int mt_mbind(void *p, size_t len, int nid, unsigned int flags)
{
	unsigned long mask = 1UL << nid;

	return syscall(SYS_mbind, p, len, MPOL_BIND, &mask,
		       sizeof(mask) * 8, flags) ? -errno : 0;
}

/* Add @n words to @counts, per class. */
static void mt_class_tally(unsigned long long *counts, const __u64 *w,
			   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		counts[memdesc_word_class(w[i])]++;
}

static void mt_class_print(const char *what, const unsigned long long *counts)
{
	unsigned int i;

	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		if (counts[i])
			ksft_print_msg("figure %s_class %s %llu\n", what,
				       memdesc_class_name(i), counts[i]);
}

/* Print how many of @n words fall in each class. */
static void mt_class_counts(const char *what, const __u64 *w, size_t n)
{
	unsigned long long counts[MEMDESC_NR_CLASSES] = { 0 };

	mt_class_tally(counts, w, n);
	mt_class_print(what, counts);
}

/*
 * 1. A CPU-less node comes online at runtime, as a CXL expander or a
 * cloud hot-add would bring it: node 2 gets 512 MiB from vm0 while
 * memdesc is loaded.  Its sections are listed with the node's zones, the
 * listed set is exactly the online blocks, compare holds, and anonymous
 * memory bound to node 2 reads anon on node 2 word by word.
 */
TEST_F_TIMEOUT(topology, hotadd_new_node, MD_TIMEOUT(300))
{
	unsigned long long pfns0, pages, alloc0, alloc1, *pfn;
	size_t i, n = MT_NODE2_WORKLOAD / MT_PAGE, anon = 0;
	struct mt_sections ss;
	struct md_file sum, lay;
	char buf[64], info[96];
	__u64 *w;
	char *p;
	int fd;

	ASSERT_TRUE(md_read_line(MT_NODE "/online", buf, sizeof(buf)));
	ksft_print_msg("figure nodes_at_boot %s\n", buf);
	ASSERT_STREQ("0-1", buf);
	ASSERT_TRUE(md_read_line("/sys/devices/system/cpu/online", buf,
				 sizeof(buf)));
	snprintf(info, sizeof(info), "topology_cpus %s", buf);
	md_console("INFO", info);
	ASSERT_EQ(MT_CPUS, sysconf(_SC_NPROCESSORS_ONLN));
	pfns0 = md_stat(_metadata, "pfns", NULL);

	mt_request(_metadata, "vm0", 512);
	mt_load_virtio(_metadata);
	ASSERT_TRUE(mt_wait_memtotal(MT_NEW_NODE, 512 * 1024,
				     MD_TIMEOUT(60), "node2_online"));
	ASSERT_TRUE(md_read_line(MT_NODE "/online", buf, sizeof(buf)));
	ksft_print_msg("figure nodes_after_hotadd %s\n", buf);
	snprintf(info, sizeof(info), "topology_nodes %s", buf);
	md_console("INFO", info);
	ASSERT_STREQ("0-2", buf);

	/* summary: node 2's zones hold its 512 MiB. */
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	alloc0 = mt_node_allocated(&sum, MT_NEW_NODE, &pages);
	md_file_free(&sum);
	ksft_print_msg("figure node2_zone_pages %llu allocated %llu\n", pages,
		       alloc0);
	EXPECT_EQ(512 * MD_MIB / MT_PAGE, pages);

	/* sections and layout: node 2's four sections, and nothing else new. */
	mt_sections_read(_metadata, &ss);
	ksft_print_msg("figure node2_sections %zu tracked %zu\n",
		       mt_sections_count(&ss, MT_NEW_NODE, -1),
		       mt_sections_count(&ss, MT_NEW_NODE, 1));
	EXPECT_EQ(512 * MD_MIB / MT_PAGE / MT_SECTION_PFNS,
		  mt_sections_count(&ss, MT_NEW_NODE, 1));
	free(ss.s);
	md_read(_metadata, &lay, "layout", md_layout_syntax);
	for (i = 0, pages = 0; i < lay.nr; i++)
		if (lay.rec[i].v[0] == MT_NEW_NODE)
			pages += lay.rec[i].v[2];
	md_file_free(&lay);
	EXPECT_EQ(512 * MD_MIB / MT_PAGE, pages);
	EXPECT_EQ(pfns0 + 512 * MD_MIB / MT_PAGE,
		  md_stat(_metadata, "pfns", NULL));
	mt_check_listed(_metadata, "node2_online");
	mt_check_compare(_metadata, "node2_online", NULL);

	/* 64 MiB of anonymous memory bound to node 2, touched. */
	p = mmap(NULL, MT_NODE2_WORKLOAD, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	madvise(p, MT_NODE2_WORKLOAD, MADV_NOHUGEPAGE);
	ASSERT_EQ(0, mt_mbind(p, MT_NODE2_WORKLOAD, MT_NEW_NODE, 0));
	for (i = 0; i < n; i++)
		p[i * MT_PAGE] = 1;
	ASSERT_EQ(0, mt_mbind(p, MT_NODE2_WORKLOAD, MT_NEW_NODE,
			      MPOL_MF_MOVE));
	pfn = calloc(n, sizeof(*pfn));
	w = calloc(n, sizeof(*w));
	ASSERT_TRUE(pfn && w);
	md_pagemap(_metadata, p, n, pfn);

	md_read(_metadata, &lay, "layout", md_layout_syntax);
	fd = open(MD_DEBUGFS "/shadow", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < n; i++) {
		ASSERT_NE(0, pfn[i]);
		ASSERT_EQ(0, mt_shadow_words(&lay, fd, pfn[i], 1, &w[i])) {
			TH_LOG("PFN %llu of the workload is in no range",
			       pfn[i]);
		}
		anon += memdesc_word_class(w[i]) == MEMDESC_CLASS_ANON &&
			memdesc_word_node(w[i]) == MT_NEW_NODE;
	}
	close(fd);
	md_file_free(&lay);
	md_read(_metadata, &sum, "summary", md_summary_syntax);
	alloc1 = mt_node_allocated(&sum, MT_NEW_NODE, NULL);
	md_file_free(&sum);
	ksft_print_msg("figure node2_workload_pages %zu anon_on_node2 %zu\n",
		       n, anon);
	ksft_print_msg("figure node2_allocated %llu -> %llu (+%lld)\n", alloc0,
		       alloc1, (long long)(alloc1 - alloc0));
	if (anon != n)
		mt_class_counts("node2_workload", w, n);
	EXPECT_EQ(n, anon);
	EXPECT_LE(alloc0 + n, alloc1);
	munmap(p, MT_NODE2_WORKLOAD);
	free(pfn);
	free(w);
}

/*
 * 2. Memory hot-added to a node that has some: vm1 gives node 1 256 MiB
 * more.  Node 1's listed sections grow by exactly that, and compare holds.
 */
TEST_F_TIMEOUT(topology, hotadd_existing_node, MD_TIMEOUT(300))
{
	unsigned long long kb0 = mt_node_memtotal_kb(MT_OLD_NODE);
	struct mt_sections ss;
	size_t before, after;

	mt_load_virtio(_metadata);
	mt_sections_read(_metadata, &ss);
	before = mt_sections_count(&ss, MT_OLD_NODE, 1);
	free(ss.s);
	mt_request(_metadata, "vm1", 256);
	ASSERT_TRUE(mt_wait_memtotal(MT_OLD_NODE, kb0 + 256 * 1024,
				     MD_TIMEOUT(60), "node1_grow"));
	mt_sections_read(_metadata, &ss);
	after = mt_sections_count(&ss, MT_OLD_NODE, 1);
	free(ss.s);
	ksft_print_msg("figure node1_sections %zu -> %zu\n", before, after);
	EXPECT_EQ(before + 256 * MD_MIB / MT_PAGE / MT_SECTION_PFNS, after);
	mt_check_listed(_metadata, "node1_grow");
	mt_check_compare(_metadata, "node1_grow", NULL);
}

/*
 * After a shrink: blocks of node 2 that were online in @before and are
 * gone are not listed (mt_check_listed), and their PFNs read hole through
 * the pfn file - or, if virtio-mem removed the block (no struct page
 * left), the pfn file refuses them as it refuses any PFN without one.
 * Pages virtio-mem fake-offlined inside blocks still online read live
 * offline: counted, with what the shadow says of them.
 */
static void mt_check_shrunk(struct __test_metadata *_metadata,
			    const struct mt_blocks *before, const char *when)
{
	unsigned long long kb = mt_node_memtotal_kb(MT_NEW_NODE);
	unsigned long long sub = 2 * MD_MIB / MT_PAGE, expected, offline = 0;
	unsigned long long pfn, block_pfns, counts[MEMDESC_NR_CLASSES] = { 0 };
	unsigned int gone = 0, refused = 0, holes = 0;
	struct mt_sections ss;
	struct mt_blocks now;
	__u64 *w;
	struct mt_compare c;
	struct mt_pfn v;
	size_t i;

	ASSERT_EQ(0, mt_blocks_read(&now));
	block_pfns = now.sections * MT_SECTION_PFNS;
	w = calloc(sub, sizeof(*w));
	ASSERT_NE(NULL, w);
	for (i = 0; i < before->nr; i++) {
		const struct mt_block *b = &before->b[i];
		const struct mt_block *n = mt_block_find(&now, b->nr);
		int ret;

		if (!b->online || b->node != MT_NEW_NODE || (n && n->online))
			continue;
		gone++;
		for (pfn = b->section * MT_SECTION_PFNS;
		     pfn < (b->section * MT_SECTION_PFNS) + block_pfns;
		     pfn += block_pfns / 2 - 1) {
			ret = mt_pfn_read(pfn, &v);
			if (ret == -EINVAL && !n) {
				refused++;
				continue;
			}
			EXPECT_EQ(0, ret) {
				TH_LOG("%s: pfn %llu of memory%lu (%s): %s",
				       when, pfn, b->nr,
				       n ? "offline" : "removed",
				       strerror(-ret));
				continue;
			}
			EXPECT_STREQ("hole", v.shadow_class);
			EXPECT_STREQ("hole", v.live_class);
			holes++;
		}
	}

	/*
	 * Fake-offlined subblocks: what MemTotal lacks of the online blocks.
	 * Each block left is printed with them, and with the shadow chunks
	 * it holds: a chunk is unmovable, so virtio-mem cannot take back the
	 * subblock it lies in.
	 */
	expected = mt_blocks_online(&now, MT_NEW_NODE) * block_pfns -
		   kb / 4;
	mt_sections_read(_metadata, &ss);
	for (i = 0; i < now.nr; i++) {
		const struct mt_block *b = &now.b[i];
		unsigned int sbs = 0;
		char chunks[256] = "";
		size_t j, len = 0;

		if (!b->online || b->node != MT_NEW_NODE)
			continue;
		for (pfn = b->section * MT_SECTION_PFNS;
		     pfn < b->section * MT_SECTION_PFNS + block_pfns;
		     pfn += sub) {
			ASSERT_EQ(0, mt_pfn_read(pfn, &v));
			if (strcmp(v.live_class, "offline"))
				continue;
			offline += sub;
			sbs++;
			mt_shadow_read(_metadata, pfn, sub, w);
			mt_class_tally(counts, w, sub);
		}
		for (j = 0; j < ss.nr && len < sizeof(chunks) - 32; j++)
			if (ss.s[j].tracked &&
			    ss.s[j].chunk_pfn / block_pfns == b->nr)
				len += snprintf(chunks + len,
						sizeof(chunks) - len, " %llu",
						ss.s[j].pfn / block_pfns);
		ksft_print_msg("figure %s_block memory%lu offline_subblocks %u chunks_of_blocks%s\n",
			       when, b->nr, sbs, len ? chunks : " none");
	}
	free(ss.s);
	/* What the shadow says of the fake-offlined pages. */
	mt_class_print(when, counts);
	ksft_print_msg("figure %s_blocks_gone %u pfns_refused %u pfns_hole %u\n",
		       when, gone, refused, holes);
	ksft_print_msg("figure %s_fake_offline_pages %llu (expected from MemTotal %llu)\n",
		       when, offline, expected);
	EXPECT_EQ(expected, offline);
	mt_check_listed(_metadata, when);
	mt_check_compare(_metadata, when, &c);
	ksft_print_msg("figure %s_compare_live_offline %llu shadow_free %llu\n",
		       when, c.live_offline, c.free_offline);
	EXPECT_EQ(expected, c.live_offline);
	/*
	 * virtio-mem gives each subblock back with adjust_managed_page_count()
	 * once its pages are PageOffline: the module's hook there types them.
	 */
	EXPECT_EQ(0, c.free_offline) {
		TH_LOG("%s: %llu fake-offlined pages still free in the shadow",
		       when, c.free_offline);
	}
	EXPECT_EQ(offline, counts[MEMDESC_CLASS_OFFLINE]) {
		TH_LOG("%s: %llu of %llu fake-offlined pages offline in the shadow",
		       when, counts[MEMDESC_CLASS_OFFLINE],
		       offline);
	}
	free(now.b);
	free(w);
}

/*
 * 3. Node 2 grows to 1 GiB, then shrinks to 288 MiB - not a whole number
 * of blocks, so virtio-mem fake-offlines subblocks in a block it keeps -
 * and to 256 MiB.  The shadow grows with it and gives back what went away.
 */
TEST_F_TIMEOUT(topology, grow_shrink, MD_TIMEOUT(300))
{
	unsigned long long pfns0, pfns1, pfns2, oor;
	struct mt_blocks before;
	size_t online;

	mt_load_virtio(_metadata);
	pfns0 = md_stat(_metadata, "pfns", NULL);
	mt_request(_metadata, "vm0", 1024);
	ASSERT_TRUE(mt_wait_memtotal(MT_NEW_NODE, 1024 * 1024,
				     MD_TIMEOUT(60), "node2_grow"));
	pfns1 = md_stat(_metadata, "pfns", NULL);
	ksft_print_msg("figure grow_pfns %llu -> %llu\n", pfns0, pfns1);
	EXPECT_EQ(pfns0 + 512 * MD_MIB / MT_PAGE, pfns1);
	mt_check_listed(_metadata, "node2_grow");
	mt_check_compare(_metadata, "node2_grow", NULL);

	ASSERT_EQ(0, mt_blocks_read(&before));
	mt_request(_metadata, "vm0", 288);
	ASSERT_TRUE(mt_wait_memtotal(MT_NEW_NODE, 288 * 1024,
				     MD_TIMEOUT(90), "node2_shrink_288"));
	ASSERT_TRUE(mt_wait_settled(MT_NEW_NODE, MD_TIMEOUT(60),
				    "node2_shrink_288"));
	mt_check_shrunk(_metadata, &before, "node2_shrink_288");
	free(before.b);

	ASSERT_EQ(0, mt_blocks_read(&before));
	mt_request(_metadata, "vm0", 256);
	ASSERT_TRUE(mt_wait_memtotal(MT_NEW_NODE, 256 * 1024,
				     MD_TIMEOUT(90), "node2_shrink_256"));
	ASSERT_TRUE(mt_wait_settled(MT_NEW_NODE, MD_TIMEOUT(60),
				    "node2_shrink_256"));
	mt_check_shrunk(_metadata, &before, "node2_shrink_256");
	free(before.b);
	/* The shadow gave back what went away, and holds what is left. */
	pfns2 = md_stat(_metadata, "pfns", NULL);
	ASSERT_EQ(0, mt_blocks_read(&before));
	online = mt_blocks_online(&before, -1);
	ksft_print_msg("figure shrink_pfns %llu -> %llu (node 2 blocks %zu)\n",
		       pfns1, pfns2, mt_blocks_online(&before, MT_NEW_NODE));
	EXPECT_EQ(online * before.sections * MT_SECTION_PFNS, pfns2);
	EXPECT_GT(pfns1, pfns2);
	free(before.b);
	/* Every event of all that hit a listed section. */
	oor = md_stat(_metadata, "counter", "out_of_range");
	ksft_print_msg("figure out_of_range %llu\n", oor);
	EXPECT_EQ(0, oor);
}

/*
 * 4. The PCI hole below 4 GiB: no section wholly inside it is listed, the
 * words cost 8 bytes per PFN of tracked sections and nothing for the hole,
 * and the PFNs on either side of it read the same class in shadow and
 * live.  PFNs of a section that holds both RAM and the start of the hole
 * (the memory model's granularity) are listed; they must read alike too.
 */
TEST_F(topology, holes)
{
	unsigned long long lo_end = 0, hi_start = ~0ULL, s, e, first_whole;
	unsigned long long listed_in_hole = 0, tracked;
	char line[256], name[64];
	struct mt_sections ss;
	struct md_file lay;
	struct mt_pfn v;
	size_t i;
	FILE *f;

	f = fopen("/proc/iomem", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == ' ' ||
		    sscanf(line, "%llx-%llx : %63[^\n]", &s, &e, name) != 3 ||
		    strcmp(name, "System RAM"))
			continue;
		/* root reads real addresses; all zero would mean we are not */
		ASSERT_NE(0, e);
		if (e < (MT_PFN_4G << 12) && e + 1 > lo_end)
			lo_end = e + 1;
		if (s >= (MT_PFN_4G << 12) && s < hi_start)
			hi_start = s;
	}
	fclose(f);
	ASSERT_NE(0, lo_end);
	ASSERT_NE(~0ULL, hi_start);
	lo_end /= MT_PAGE;
	hi_start /= MT_PAGE;
	first_whole = (lo_end + MT_SECTION_PFNS - 1) / MT_SECTION_PFNS *
		      MT_SECTION_PFNS;
	ksft_print_msg("figure hole_pfns %llu-%llu (%llu MiB), whole sections from %llu\n",
		       lo_end, hi_start - 1,
		       (hi_start - lo_end) * MT_PAGE / MD_MIB, first_whole);
	ASSERT_LT(lo_end, hi_start);

	md_read(_metadata, &lay, "layout", md_layout_syntax);
	for (i = 0; i < lay.nr; i++) {
		s = lay.rec[i].v[1];
		e = s + lay.rec[i].v[2];
		EXPECT_FALSE(s < hi_start && e > first_whole) {
			TH_LOG("layout range %llu-%llu lies in the hole",
			       s, e - 1);
		}
		if (s < hi_start && e > lo_end)
			listed_in_hole += (e < first_whole ? e : first_whole) -
					  (s > lo_end ? s : lo_end);
	}
	md_file_free(&lay);
	ksft_print_msg("figure hole_pfns_listed %llu (section tail)\n",
		       listed_in_hole);
	EXPECT_GT(MT_SECTION_PFNS, listed_in_hole);

	mt_sections_read(_metadata, &ss);
	tracked = mt_sections_count(&ss, -1, 1);
	for (i = 0; i < ss.nr; i++)
		EXPECT_FALSE(ss.s[i].pfn >= first_whole &&
			     ss.s[i].pfn < hi_start);
	free(ss.s);
	s = md_stat(_metadata, "shadow_word_bytes", NULL);
	ksft_print_msg("figure shadow_word_bytes %llu tracked_sections %llu\n",
		       s, tracked);
	EXPECT_EQ(8 * tracked * MT_SECTION_PFNS, s);

	for (i = 0; i < 3; i++) {
		unsigned long long pfn = i == 0 ? lo_end - 1 :
					 i == 1 ? hi_start : lo_end;

		if (i == 2 && !listed_in_hole)
			break;
		EXPECT_TRUE(mt_pfn_agrees(_metadata, pfn, &v)) {
			TH_LOG("pfn %llu: shadow %s (%#llx), live %s (%#llx)",
			       pfn, v.shadow_class, v.shadow, v.live_class,
			       v.live);
		}
		ksft_print_msg("figure hole_edge pfn %llu shadow %s live %s\n",
			       pfn, v.shadow_class, v.live_class);
	}
}

/*
 * The zone of node @nid that spans @pfn with pages present, from
 * /proc/zoneinfo, which lists every zone of a node in index order.
 * Return: its index, or -1.
 */
static int mt_zone_of(int nid, unsigned long long pfn)
{
	unsigned long long spanned = 0, present = 0, start = 0, v;
	int n, cur = -1, idx = -1, found = -1;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return -1;
	for (;;) {
		bool more = fgets(line, sizeof(line), f) != NULL;

		/* A zone ends where the next begins, or at the end. */
		if (!more || sscanf(line, "Node %d, zone", &n) == 1) {
			if (cur == nid && present && pfn >= start &&
			    pfn < start + spanned)
				found = idx;
			if (!more)
				break;
			idx = n == cur ? idx + 1 : 0;
			cur = n;
			spanned = 0;
			present = 0;
			start = 0;
			continue;
		}
		if (sscanf(line, " spanned %llu", &v) == 1)
			spanned = v;
		else if (sscanf(line, " present %llu", &v) == 1)
			present = v;
		else if (sscanf(line, " start_pfn: %llu", &v) == 1)
			start = v;
	}
	fclose(f);
	return found;
}

/* The node of the memory block holding @pfn, from sysfs. */
static int mt_pfn_node(unsigned long long pfn)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MT_MEMORY "/memory%llu",
		 pfn * MT_PAGE / mt_block_bytes());
	return md_block_node(path);
}

/*
 * Check @n words of a gigantic folio at @head against type, order 18,
 * head bit on the first only, and node and zone.  Return: words wrong.
 */
static size_t mt_check_giga(const __u64 *w, size_t n, unsigned int cls,
			    int nid, int zone)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += memdesc_word_class(w[i]) != cls ||
		       memdesc_word_order(w[i]) != MT_GIGA_ORDER ||
		       memdesc_word_head(w[i]) != !i ||
		       memdesc_word_node(w[i]) != (unsigned int)nid ||
		       memdesc_word_zone(w[i]) != (unsigned int)zone;
	return bad;
}

/*
 * 5. A 1 GiB hugetlb page allocated at runtime and mapped from a memfd:
 * the shadow stores it coarse, and every one of its 262,144 words must
 * still read file, order 18, head on the first, the right node and zone.
 * Once it is freed back to the buddy allocator, every word reads free.
 */
TEST_F_TIMEOUT(topology, gigantic_page, MD_TIMEOUT(300))
{
	unsigned long long head, pfn, nr;
	size_t bad, i, wrong = 0;
	struct mt_pfn v;
	char buf[64];
	int fd, nid, zone;
	__u64 *w;
	char *p;

	ASSERT_EQ(0, access(MT_HUGE_1G, W_OK)) {
		TH_LOG("no 1 GiB hugetlb pages: does the CPU model have pdpe1gb?");
	}
	ASSERT_EQ(0, md_write_file(MT_HUGE_1G, "1"));
	ASSERT_TRUE(md_read_line(MT_HUGE_1G, buf, sizeof(buf)));
	nr = strtoull(buf, NULL, 10);
	if (nr != 1)
		SKIP(return, "the kernel found no free 1 GiB range (nr_hugepages %llu)",
		     nr);

	/*
	 * In the pool, before any file holds it: the page was taken with
	 * alloc_contig_range(), which emits no allocation event, and typed
	 * by the hook on its enqueue.  Shown here; the words are judged once
	 * it is mapped, and the head again once it is back in the pool.
	 */
	mt_compare_cells("giga_pooled_new", "file");

	fd = memfd_create("memdesc-1g", MFD_HUGETLB | MFD_HUGE_1GB);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 1ULL << 30));
	p = mmap(NULL, 1ULL << 30, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < (1ULL << 30); i += 64 * MD_MIB)
		p[i] = 1;
	md_pagemap(_metadata, p, 1, &head);
	ASSERT_NE(0, head);
	EXPECT_EQ(0, head % MT_GIGA_PFNS);
	md_pagemap(_metadata, p + (1ULL << 30) - MT_PAGE, 1, &pfn);
	EXPECT_EQ(head + MT_GIGA_PFNS - 1, pfn);

	/* Node from the memory block, zone from zoneinfo; live agrees. */
	nid = mt_pfn_node(head);
	zone = mt_zone_of(nid, head);
	ASSERT_LE(0, nid);
	ASSERT_LE(0, zone);
	ASSERT_EQ(0, mt_pfn_read(head, &v));
	ksft_print_msg("figure giga_head pfn %llu node %d zone %d shadow %s live %s\n",
		       head, nid, zone, v.shadow_class, v.live_class);
	EXPECT_EQ(zone, (int)memdesc_word_zone(v.live));
	EXPECT_EQ(nid, (int)memdesc_word_node(v.live));
	EXPECT_STREQ("file", v.live_class);

	w = calloc(MT_GIGA_PFNS, sizeof(*w));
	ASSERT_NE(NULL, w);
	mt_shadow_read(_metadata, head, MT_GIGA_PFNS, w);
	bad = mt_check_giga(w, MT_GIGA_PFNS, MEMDESC_CLASS_FILE, nid, zone);
	ksft_print_msg("figure giga_words %llu wrong %zu\n", MT_GIGA_PFNS, bad);
	if (bad) {
		mt_class_counts("giga_mapped", w, MT_GIGA_PFNS);
		TH_LOG("first word %#llx, second %#llx, last %#llx",
		       w[0], w[1], w[MT_GIGA_PFNS - 1]);
	}
	EXPECT_EQ(0, bad);
	/* The pfn file agrees, at the head, inside and at the end. */
	for (i = 0; i < 3; i++) {
		pfn = head + (i == 0 ? 0 : i == 1 ? MT_GIGA_PFNS / 2 + 3 :
			      MT_GIGA_PFNS - 1);
		ASSERT_EQ(0, mt_pfn_read(pfn, &v));
		EXPECT_STREQ("file", v.shadow_class);
		EXPECT_EQ(MT_GIGA_ORDER, memdesc_word_order(v.shadow));
		EXPECT_EQ(MT_GIGA_ORDER, memdesc_word_order(v.live));
		EXPECT_EQ(v.shadow, v.live) {
			TH_LOG("pfn %llu: shadow %#llx live %#llx", pfn,
			       v.shadow, v.live);
		}
	}
	mt_check_compare(_metadata, "giga_mapped", NULL);

	munmap(p, 1ULL << 30);
	close(fd);
	ASSERT_EQ(0, mt_pfn_read(head, &v));
	ksft_print_msg("figure giga_pooled head shadow %s order %u live %s order %u\n",
		       v.shadow_class, memdesc_word_order(v.shadow),
		       v.live_class, memdesc_word_order(v.live));
	/* Back in the pool: the hook on its enqueue typed it as pooled. */
	EXPECT_STREQ(v.live_class, v.shadow_class);
	EXPECT_EQ(memdesc_word_order(v.live), memdesc_word_order(v.shadow));
	ASSERT_EQ(0, md_write_file(MT_HUGE_1G, "0"));
	mt_shadow_read(_metadata, head, MT_GIGA_PFNS, w);
	for (i = 0, bad = 0; i < MT_GIGA_PFNS; i++) {
		if (memdesc_word_is_free(w[i]))
			continue;
		bad++;
		/* Reused since it was freed?  Then live says so too. */
		if (bad <= 64 && !mt_pfn_read(head + i, &v) &&
		    v.shadow == w[i] && !strcmp(v.shadow_class, v.live_class))
			continue;
		wrong++;
	}
	ksft_print_msg("figure giga_freed words_not_free %zu not_live_either %zu\n",
		       bad, wrong);
	if (bad)
		mt_class_counts("giga_freed", w, MT_GIGA_PFNS);
	EXPECT_EQ(0, wrong);
	EXPECT_GE(64, bad);
	free(w);
	mt_check_compare(_metadata, "giga_freed", NULL);
}

/* === stress-ng === */

/* Busy and total jiffies of each CPU from /proc/stat; return: CPUs. */
static unsigned int mt_cpu_times(unsigned long long *busy,
				 unsigned long long *total, unsigned int max)
{
	unsigned long long v[8];
	unsigned int cpu, n = 0, i;
	char line[512];
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu",
			   &cpu, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]) != 9 || cpu >= max)
			continue;
		total[cpu] = 0;
		for (i = 0; i < 8; i++)
			total[cpu] += v[i];
		/* idle and iowait are the fourth and fifth */
		busy[cpu] = total[cpu] - v[3] - v[4];
		n++;
	}
	fclose(f);
	return n;
}

/*
 * 6. stress-ng on all 8 CPUs for 30 s while compare and summary are read
 * in a loop: every read parses, every CPU is busy most of the time, and
 * once the load is gone compare holds.
 */
TEST_F_TIMEOUT(topology, many_cpus, MD_TIMEOUT(600))
{
	unsigned long long busy0[MT_CPUS], total0[MT_CPUS];
	unsigned long long busy1[MT_CPUS], total1[MT_CPUS];
	unsigned long reads = 0, failed = 0;
	unsigned int stressors, cpu, idle_cpus = 0;
	unsigned long long ops;
	struct md_file mf;
	double t0, t1;
	pid_t stress, done;
	int rc, status = 0;

	ASSERT_EQ(MT_CPUS, sysconf(_SC_NPROCESSORS_ONLN));
	if (access(MD_STRESS_BIN, X_OK))
		SKIP(return, "%s: %s", MD_STRESS_BIN, strerror(errno));
	ASSERT_EQ(MT_CPUS, mt_cpu_times(busy0, total0, MT_CPUS));
	t0 = md_now();
	stress = md_stress_start(MT_STRESS_LOG, MT_STRESS_YAML,
				 MT_STRESS_SECONDS, MD_STRESS_LIGHT);
	ASSERT_LT(0, stress);
	while (!(done = waitpid(stress, &status, WNOHANG))) {
		if (md_file_read(&mf, MD_DEBUGFS "/compare",
				 md_compare_syntax)) {
			if (failed++ < 4)
				TH_LOG("%s", mf.err);
		} else {
			md_file_free(&mf);
		}
		if (md_file_read(&mf, MD_DEBUGFS "/summary",
				 md_summary_syntax)) {
			if (failed++ < 4)
				TH_LOG("%s", mf.err);
		} else {
			md_file_free(&mf);
		}
		reads += 2;
	}
	t1 = md_now();
	ASSERT_EQ(MT_CPUS, mt_cpu_times(busy1, total1, MT_CPUS));
	ASSERT_EQ(stress, done);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	ops = md_stress_ops(MT_STRESS_YAML, NULL, &stressors);
	ksft_print_msg("figure many_cpus_seconds %.1f reads %lu failed %lu\n",
		       t1 - t0, reads, failed);
	ksft_print_msg("figure many_cpus_stressors %u ops_total %llu\n",
		       stressors, ops);
	EXPECT_EQ(0, rc) {
		TH_LOG("stress-ng exited %d", rc);
		md_stress_log(MT_STRESS_LOG);
	}
	EXPECT_EQ(0, failed);
	EXPECT_LT(0, ops);
	/*
	 * The YAML lists a stressor once it has finished a bogo op
	 * (--metrics-brief).  On a kernel slowed enough to scale the
	 * timeouts (the debug tier: KASAN under TCG, about 10,000 times
	 * fewer ops) a vm or tmpfs pass over its share of memory does not
	 * finish in 30 s; the load is there all the same (the busy CPUs,
	 * below).
	 */
	EXPECT_LE(MD_TIMEOUT_SCALE == 1 ? 4U : 1U, stressors);
	EXPECT_GE(4U, stressors);
	EXPECT_LE(MT_STRESS_SECONDS, t1 - t0 + 0.5);
	/* One instance of each stressor per CPU: every CPU mostly busy. */
	for (cpu = 0; cpu < MT_CPUS; cpu++) {
		unsigned long long b = busy1[cpu] - busy0[cpu];
		unsigned long long t = total1[cpu] - total0[cpu];

		ksft_print_msg("figure many_cpus_cpu%u_busy %.0f%%\n", cpu,
			       t ? 100.0 * b / t : 0.0);
		idle_cpus += !t || 2 * b < t;
	}
	EXPECT_EQ(0, idle_cpus);

	sync();
	md_write_file("/proc/sys/vm/drop_caches", "3");
	sleep(2);
	mt_check_compare(_metadata, "many_cpus", NULL);
}

/*
 * 7. Every tracked section's chunk lives on the section's own node, by the
 * module's account (sections: chunk-node) and independently: a direct
 * chunk's first page is in a memory block of that node, and each vmalloc
 * area the module holds for a chunk has all its pages on one node, the
 * vmalloc'd sections' nodes in the same numbers.
 */
TEST_F(topology, node_locality)
{
	unsigned int direct = 0, vmal = 0, areas = 0, remote = 0;
	int by_node[64] = { 0 }, by_area[64] = { 0 };
	char line[1024], path[PATH_MAX];
	unsigned long long block = mt_block_bytes();
	struct mt_sections ss;
	size_t i;
	FILE *f;

	mt_sections_read(_metadata, &ss);
	for (i = 0; i < ss.nr; i++) {
		const struct mt_section *s = &ss.s[i];

		if (!s->tracked)
			continue;
		EXPECT_EQ(s->node, s->chunk_node) {
			TH_LOG("section %llu of node %d: chunk on node %d (%s)",
			       s->pfn, s->node, s->chunk_node, s->backing);
		}
		remote += s->node != s->chunk_node;
		if (!strcmp(s->backing, "vmalloc")) {
			vmal++;
			if (s->node >= 0 && s->node < 64)
				by_node[s->node]++;
			continue;
		}
		EXPECT_STREQ("direct", s->backing);
		direct++;
		snprintf(path, sizeof(path), MT_NODE "/node%d/memory%llu",
			 s->node, s->chunk_pfn * MT_PAGE / block);
		EXPECT_EQ(0, access(path, F_OK)) {
			TH_LOG("section %llu: chunk at PFN %llu not in a block of node %d",
			       s->pfn, s->chunk_pfn, s->node);
		}
	}
	free(ss.s);

	/* The module's chunk areas: 64 pages, allocated from memdesc. */
	f = fopen("/proc/vmallocinfo", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save;
		int nodes = 0, nid = -1, cnt;

		if (!strstr(line, "[memdesc]") || !strstr(line, " pages=64 "))
			continue;
		areas++;
		for (tok = strtok_r(line, "\n ", &save); tok;
		     tok = strtok_r(NULL, "\n ", &save))
			if (sscanf(tok, "N%d=%d", &nid, &cnt) == 2)
				nodes++;
		EXPECT_EQ(1, nodes);
		if (nodes == 1 && nid >= 0 && nid < 64)
			by_area[nid]++;
	}
	fclose(f);
	ksft_print_msg("figure chunks direct %u vmalloc %u vmalloc_areas %u remote %u\n",
		       direct, vmal, areas, remote);
	EXPECT_EQ(vmal, areas);
	EXPECT_EQ(0, memcmp(by_node, by_area, sizeof(by_node)));
	EXPECT_EQ(vmal, md_stat(_metadata, "chunks_vmalloc", NULL));
	EXPECT_EQ(0, md_stat(_metadata, "chunks_remote", NULL));
	EXPECT_EQ(direct + vmal, md_stat(_metadata, "chunks", NULL));
}

/* Whether the kernel log has a line with both @a and @b. */
static bool mt_dmesg_has(const char *a, const char *b)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf, *line, *save;
	bool found = false;

	if (size <= 0)
		return false;
	buf = calloc(1, size + 1);
	if (!buf)
		return false;
	size = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	if (size > 0) {
		buf[size] = '\0';
		for (line = strtok_r(buf, "\n", &save); line && !found;
		     line = strtok_r(NULL, "\n", &save))
			found = strstr(line, a) && strstr(line, b);
	}
	free(buf);
	return found;
}

/* Class @name's pages in summary. */
static unsigned long long mt_summary_class(struct __test_metadata *_metadata,
					   const char *name)
{
	unsigned long long v;
	struct md_file sum;

	md_read(_metadata, &sum, "summary", md_summary_syntax);
	v = md_val(_metadata, &sum, "class", name, 1);
	md_file_free(&sum);
	return v;
}

/*
 * 8. A chunk that cannot be allocated: with fail_nth=1, the next 128 MiB
 * vm1 plugs into node 1 comes online untracked, and says so everywhere;
 * taken offline (it reads hole) and online again, it is tracked.
 */
TEST_F_TIMEOUT(topology, untracked, MD_TIMEOUT(300))
{
	unsigned long long kb0 = mt_node_memtotal_kb(MT_OLD_NODE);
	unsigned long long pfn = 0, untracked_pfns;
	struct mt_sections s0, s1;
	struct mt_compare c;
	char buf[32], path[PATH_MAX];
	struct mt_pfn v;
	size_t i, new = 0;
	int ret, tries;

	mt_load_virtio(_metadata);
	mt_sections_read(_metadata, &s0);
	/* Nothing of the module's may allocate between here and the block. */
	ASSERT_EQ(0, md_write_file(MT_FAIL_NTH, "1"));
	mt_request(_metadata, "vm1", 384);
	ret = mt_wait_memtotal(MT_OLD_NODE, kb0 + 128 * 1024, MD_TIMEOUT(60),
			       "node1_untracked");
	md_read_line(MT_FAIL_NTH, buf, sizeof(buf));
	ksft_print_msg("figure fail_nth_after %s\n", buf);
	/* It fired, and cleared itself. */
	EXPECT_STREQ("0", buf);
	ASSERT_EQ(0, md_write_file(MT_FAIL_NTH, "0"));
	ASSERT_TRUE(ret);

	mt_sections_read(_metadata, &s1);
	for (i = 0; i < s1.nr; i++) {
		if (mt_section_find(&s0, s1.s[i].pfn))
			continue;
		new++;
		pfn = s1.s[i].pfn;
		EXPECT_FALSE(s1.s[i].tracked);
		EXPECT_EQ(MT_OLD_NODE, s1.s[i].node);
		EXPECT_STREQ("none", s1.s[i].backing);
		EXPECT_EQ(-1, s1.s[i].chunk_node);
	}
	ksft_print_msg("figure untracked_new_sections %zu first_pfn %llu\n",
		       new, pfn);
	ASSERT_EQ(128 * MD_MIB / MT_PAGE / MT_SECTION_PFNS, new);
	EXPECT_EQ(new, mt_sections_count(&s1, -1, 0));
	free(s0.s);
	free(s1.s);

	untracked_pfns = new * MT_SECTION_PFNS;
	EXPECT_EQ(untracked_pfns, mt_summary_class(_metadata, "untracked"));
	EXPECT_EQ(untracked_pfns, md_stat(_metadata, "untracked_pfns", NULL));
	mt_check_compare(_metadata, "untracked", &c);
	EXPECT_EQ(untracked_pfns, c.untracked);
	EXPECT_TRUE(mt_dmesg_has("memdesc:", "untracked")) {
		TH_LOG("no memdesc warning about untracked memory in the kernel log");
	}
	ASSERT_EQ(0, mt_pfn_read(pfn, &v));
	ksft_print_msg("figure untracked_pfn %llu shadow %s live %s\n", pfn,
		       v.shadow_class, v.live_class);
	EXPECT_STREQ("untracked", v.shadow_class);
	mt_check_listed(_metadata, "untracked");

	/* Offline (it may take a few tries under migration), then online. */
	for (tries = 0; tries < 5 && mt_offline(pfn * MT_PAGE /
						mt_block_bytes()); tries++)
		sleep(1);
	ASSERT_GT(5, tries);
	ASSERT_EQ(0, mt_pfn_read(pfn, &v));
	ksft_print_msg("figure untracked_offline shadow %s live %s\n",
		       v.shadow_class, v.live_class);
	EXPECT_STREQ("hole", v.shadow_class);
	EXPECT_STREQ("hole", v.live_class);
	EXPECT_EQ(0, md_stat(_metadata, "untracked_pfns", NULL));
	mt_check_listed(_metadata, "untracked_offline");
	snprintf(path, sizeof(path), MT_MEMORY "/memory%llu/state",
		 pfn * MT_PAGE / mt_block_bytes());
	ASSERT_EQ(0, md_write_file(path, "online"));
	mt_sections_read(_metadata, &s1);
	EXPECT_EQ(0, mt_sections_count(&s1, -1, 0));
	EXPECT_TRUE(mt_section_find(&s1, pfn) &&
		    mt_section_find(&s1, pfn)->tracked &&
		    mt_section_find(&s1, pfn)->chunk_node == MT_OLD_NODE);
	free(s1.s);
	EXPECT_EQ(0, mt_summary_class(_metadata, "untracked"));
	EXPECT_EQ(0, md_stat(_metadata, "untracked_pfns", NULL));
	mt_check_listed(_metadata, "retracked");
	mt_check_compare(_metadata, "retracked", &c);
	EXPECT_EQ(0, c.untracked);
}

/* Leave the module unloaded, as the other programs do: its chunks go. */
TEST_F(topology, unload_at_end)
{
	ASSERT_EQ(0, md_unload());
}

TEST_HARNESS_MAIN
