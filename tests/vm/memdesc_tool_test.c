// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_tool_test.c - tools/memdesc-stat against the live module.
 *
 * Runs in the guest after memdesc_truth_test (which unloads memdesc): loads
 * $MEMDESC_KO, runs /bin/memdesc-stat (built static by tests/vm/run.sh) on
 * the live debugfs files and on snapshots it saves, and unloads.  The host
 * tests (tests/tools/run.sh) cover the formats in detail on made-up inputs;
 * here the question is whether the tool reads a real module, on this kernel,
 * right.
 *
 * Fixtures, in the order they run: "tool" (module loaded), "tool_unload".
 */
#define _GNU_SOURCE

#include <dirent.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"

#define MDS_BIN		"/bin/memdesc-stat"
#define MDS_OUT		"/tmp/memdesc-stat.out"
#define MDS_ERR		"/tmp/memdesc-stat.err"
#define MDS_SNAP_A	"/tmp/memdesc-a.snap"
#define MDS_SNAP_B	"/tmp/memdesc-b.snap"
#define MDS_PNG		"/tmp/memdesc-map.png"
#define MDS_PROM_DIR	"/tmp/memdesc-textfile"
#define MDS_TEXT_MAX	(4 * MD_MIB)
/* The files sent to the host for the fuzz targets' seeds (corpus). */
#define MDS_CORPUS	"/tmp/corpus"
/* Bytes a file may have to be sent: the console is slow under TCG. */
#define MDS_CORPUS_MAX	(256 * 1024)
/* Windows a range, and PFNs a window: as tests/fuzz/seeds.sh trims. */
#define MDS_WINDOWS	4
#define MDS_WINDOW	128

static const char * const mds_reports[] = {
	"summary", "projection", "stats", "transitions", "compare",
};

/*
 * mds_run - run memdesc-stat with @args (a shell word list), stdout to
 * MDS_OUT and stderr to MDS_ERR
 *
 * Return: its exit status, or -1 if it did not exit.
 */
static int mds_run(const char *args)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), MDS_BIN " %s", args);
	return md_shell(cmd, MDS_OUT, MDS_ERR);
}

/* A whole file, NUL-terminated, in a malloc()ed buffer; NULL on error. */
static char *mds_slurp(const char *path)
{
	char *buf = malloc(MDS_TEXT_MAX + 1);
	size_t len = 0;
	ssize_t got;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while (len < MDS_TEXT_MAX &&
	       (got = read(fd, buf + len, MDS_TEXT_MAX - len)) > 0)
		len += got;
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Log what memdesc-stat printed, for a failed check. */
static void mds_log(struct __test_metadata *_metadata)
{
	char *out = mds_slurp(MDS_OUT), *err = mds_slurp(MDS_ERR);

	TH_LOG("stdout: %.600s", out ? out : "(none)");
	TH_LOG("stderr: %.600s", err ? err : "(none)");
	free(out);
	free(err);
}

/* The syntax table for @report's raw records, as memdesc_vm.h has them. */
static const struct md_syntax *mds_syntax(const char *report)
{
	if (!strcmp(report, "summary"))
		return md_summary_syntax;
	if (!strcmp(report, "projection"))
		return md_projection_syntax;
	if (!strcmp(report, "stats"))
		return md_stats_syntax;
	if (!strcmp(report, "transitions"))
		return md_transitions_syntax;
	return md_compare_syntax;
}

/*
 * A JSON object, by shape: starts with '{', ends with "}\n", brackets and
 * braces balance outside strings, and it names @report.  No JSON parser in
 * the guest; the host tests parse the same writer's output with jq.
 */
static bool mds_json_ok(const char *text, const char *report)
{
	char name[64];
	bool in_str = false;
	int depth = 0;
	size_t len = strlen(text);
	const char *p;

	snprintf(name, sizeof(name), "\"report\": \"%s\"", report);
	if (len < 3 || text[0] != '{' || strcmp(text + len - 2, "}\n") ||
	    !strstr(text, name))
		return false;
	for (p = text; *p; p++) {
		if (in_str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_str = false;
			continue;
		}
		if (*p == '"')
			in_str = true;
		else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth < 0)
			return false;
	}
	return !depth && !in_str;
}

/* === tool: module loaded === */

FIXTURE(tool) {
	char *map;
	size_t map_len;
};

FIXTURE_SETUP(tool)
{
	self->map = NULL;
	if (!md_fixture_ready(_metadata, MDS_BIN, X_OK))
		return;
	md_ensure_loaded(_metadata);
}

FIXTURE_TEARDOWN(tool)
{
	if (self->map)
		munmap(self->map, self->map_len);
	md_write_file(MD_DEBUGFS "/control", "enable");
}

/*
 * Every report, live: --raw is the module's file in its own syntax, the
 * table for people exits 0 and says something, --json is one object
 * naming the report.
 */
TEST_F(tool, live_reports)
{
	char args[128], *text;
	struct md_file mf;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(mds_reports); i++) {
		const char *r = mds_reports[i];

		snprintf(args, sizeof(args), "%s --raw", r);
		EXPECT_EQ(0, mds_run(args)) {
			mds_log(_metadata);
		}
		ret = md_file_read(&mf, MDS_OUT, mds_syntax(r));
		EXPECT_EQ(0, ret) {
			TH_LOG("%s --raw: %s", r, mf.err);
		}
		if (!ret) {
			EXPECT_LT(0, mf.nr);
			md_file_free(&mf);
		}

		EXPECT_EQ(0, mds_run(r)) {
			mds_log(_metadata);
		}
		text = mds_slurp(MDS_OUT);
		ASSERT_NE(NULL, text);
		EXPECT_LT(40, strlen(text)) {
			TH_LOG("%s: '%s'", r, text);
		}
		free(text);

		snprintf(args, sizeof(args), "%s --json", r);
		EXPECT_EQ(0, mds_run(args));
		text = mds_slurp(MDS_OUT);
		ASSERT_NE(NULL, text);
		EXPECT_TRUE(mds_json_ok(text, r)) {
			TH_LOG("%s --json: %.400s", r, text);
		}
		free(text);
	}
}

/*
 * owners, live: off, it says so and exits 0; on, --raw is the module's
 * file, the table names the allocated pages the module's head counts, and
 * --json is one object; --class of a class that does not exist is a usage
 * error (2).
 */
TEST_F(tool, owners_live)
{
	unsigned long long pages = 0;
	char *text;

	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "owners off"));
	EXPECT_EQ(0, mds_run("owners")) {
		mds_log(_metadata);
	}
	text = mds_slurp(MDS_OUT);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "off")) {
		TH_LOG("owners off: '%.400s'", text);
	}
	free(text);

	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "owners on"));
	EXPECT_EQ(0, mds_run("owners --raw"));
	text = mds_slurp(MDS_OUT);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, strncmp(text, "# owners", 8)) {
		TH_LOG("owners --raw: '%.400s'", text);
	}
	/* The second line is the head record: on, seconds, sites, stacks, pages. */
	EXPECT_EQ(1, sscanf(strchr(text, '\n') + 1,
			    "owners on %*u %*u %*u %llu", &pages));
	free(text);
	EXPECT_LT(0ULL, pages);

	EXPECT_EQ(0, mds_run("owners --class driver")) {
		mds_log(_metadata);
	}
	text = mds_slurp(MDS_OUT);
	ASSERT_NE(NULL, text);
	/* The driver class, with the pages the boot allocated: unknown. */
	EXPECT_TRUE(strstr(text, "driver") && strstr(text, "unknown")) {
		TH_LOG("owners --class driver: '%.400s'", text);
	}
	free(text);

	EXPECT_EQ(0, mds_run("owners --json"));
	text = mds_slurp(MDS_OUT);
	ASSERT_NE(NULL, text);
	EXPECT_TRUE(mds_json_ok(text, "owners")) {
		TH_LOG("owners --json: %.400s", text);
	}
	free(text);

	EXPECT_EQ(2, mds_run("owners --class nosuchclass"));
	md_write_file(MD_DEBUGFS "/control", "owners off");
}

/* Pages per class of @raw's owner records ("owner HANDLE CLASS PAGES ..."). */
static void mds_owner_pages(const char *raw, const char * const *classes,
			    unsigned long long *pages, size_t n)
{
	char class[32];
	unsigned long long p;
	const char *line;
	size_t i;

	for (line = raw; line && *line;) {
		if (sscanf(line, "owner %*s %31s %llu", class, &p) == 2)
			for (i = 0; i < n; i++)
				if (!strcmp(class, classes[i]))
					pages[i] += p;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

/* One class's folded lines weigh what its owner records say. */
static void tool_folded_weighs(struct __test_metadata *_metadata,
			       const char *class, unsigned long long want,
			       unsigned long long got)
{
	EXPECT_EQ(want, got) {
		TH_LOG("%s: %llu pages in the folded lines, %llu in the owner records",
		       class, got, want);
	}
}

/*
 * owners --folded on real allocation sites: a snapshot taken with owners on
 * after this process faulted in anonymous memory.  Every line is
 * "class;frame;...;frame pages"; each class's lines weigh what the owner
 * records of the same snapshot give it; and the anonymous faults are
 * there, root first (the fault entry before handle_mm_fault, the
 * allocator last).
 */
TEST_F(tool, owners_folded)
{
	static const char * const classes[] = { "anon", "driver", "slab" };
	unsigned long long want[3] = { 0 }, got[3] = { 0 }, p;
	char *raw, *folded, *line, *end, *sp;
	bool fault_seen = false, ok;
	unsigned int lines = 0;
	size_t i;

	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "owners on"));
	self->map_len = 4 * MD_MIB;
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	madvise(self->map, self->map_len, MADV_NOHUGEPAGE);
	for (i = 0; i < self->map_len; i += 4096)
		self->map[i] = 1;
	EXPECT_EQ(0, mds_run("save " MDS_SNAP_A)) {
		mds_log(_metadata);
	}
	md_write_file(MD_DEBUGFS "/control", "owners off");
	ASSERT_EQ(0, mds_run("owners --raw " MDS_SNAP_A));
	raw = mds_slurp(MDS_OUT);
	ASSERT_NE(NULL, raw);
	ASSERT_EQ(0, mds_run("owners --folded " MDS_SNAP_A)) {
		mds_log(_metadata);
	}
	folded = mds_slurp(MDS_OUT);
	ASSERT_NE(NULL, folded);
	mds_owner_pages(raw, classes, want, 3);

	for (line = folded; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		*end = '\0';
		lines++;
		sp = strrchr(line, ' ');
		/* One space, before the weight; frames after the class. */
		ok = sp && strchr(line, ' ') == sp && strchr(line, ';') &&
		     strchr(line, ';') < sp && sscanf(sp, " %llu", &p) == 1;
		EXPECT_TRUE(ok) {
			TH_LOG("not a folded line: '%.300s'", line);
		}
		if (!ok)
			continue;
		*sp = '\0';
		for (i = 0; i < 3; i++)
			if (!strncmp(line, classes[i], strlen(classes[i])) &&
			    line[strlen(classes[i])] == ';')
				got[i] += p;
		if (!strncmp(line, "anon;", 5) && strstr(line, ";handle_mm_fault;") &&
		    strstr(strstr(line, ";handle_mm_fault;"), "alloc"))
			fault_seen = true;
	}
	EXPECT_LT(0U, lines);
	for (i = 0; i < 3; i++)
		tool_folded_weighs(_metadata, classes[i], want[i], got[i]);
	EXPECT_TRUE(fault_seen) {
		TH_LOG("no anon line with handle_mm_fault before an allocator frame");
	}
	free(raw);
	free(folded);
}

/*
 * With tracking disabled the shadow holds still: a snapshot saved then
 * must give, recomputed by the tool from its words, exactly the summary
 * and projection the module printed from the same words.
 */
TEST_F(tool, snapshot_matches_module)
{
	static const char * const reports[] = { "summary", "projection" };
	char *want[ARRAY_SIZE(reports)], *got, path[128], args[128];
	size_t i;

	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "disable"));
	for (i = 0; i < ARRAY_SIZE(reports); i++) {
		snprintf(path, sizeof(path), MD_DEBUGFS "/%s", reports[i]);
		want[i] = mds_slurp(path);
		ASSERT_NE(NULL, want[i]);
	}
	EXPECT_EQ(0, mds_run("save " MDS_SNAP_A)) {
		mds_log(_metadata);
	}
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "enable"));

	for (i = 0; i < ARRAY_SIZE(reports); i++) {
		snprintf(args, sizeof(args), "%s --raw " MDS_SNAP_A,
			 reports[i]);
		EXPECT_EQ(0, mds_run(args)) {
			mds_log(_metadata);
		}
		got = mds_slurp(MDS_OUT);
		ASSERT_NE(NULL, got);
		EXPECT_STREQ(want[i], got);
		free(got);
		free(want[i]);
	}
	/* Saved sections come back as they were read. */
	EXPECT_EQ(0, mds_run("stats --raw " MDS_SNAP_A));
	EXPECT_EQ(0, mds_run("transitions --raw " MDS_SNAP_A));
}

/*
 * diff: 64 MiB of anonymous memory mapped between two snapshots shows as
 * at least 90% of its pages more anon, in runs that end in anon.
 */
TEST_F(tool, diff_sees_anon)
{
	const size_t pages = 64 * MD_MIB / 4096;
	unsigned long long delta = 0, runs = 0;
	struct md_file mf;
	size_t i;

	EXPECT_EQ(0, mds_run("save " MDS_SNAP_A));
	self->map_len = pages * 4096;
	self->map = mmap(NULL, self->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map) {
		self->map = NULL;
	}
	madvise(self->map, self->map_len, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		self->map[i * 4096] = 1;
	EXPECT_EQ(0, mds_run("save " MDS_SNAP_B));

	ASSERT_EQ(0, mds_run("diff --raw " MDS_SNAP_A " " MDS_SNAP_B)) {
		mds_log(_metadata);
	}
	/* The class delta is signed: a word here, recomputed below. */
	ASSERT_EQ(0, md_file_read(&mf, MDS_OUT, (const struct md_syntax[]) {
		{ "pfns", "n" }, { "changed", "n" }, { "rewritten", "n" },
		{ "seconds", "n" }, { "class", "snns" }, { "change", "ssn" },
		{ "run", "nnnss" }, { "owners_before", "s" },
		{ "owners_after", "s" }, { NULL } })) {
		mds_log(_metadata);
	}
	for (i = 0; i < mf.nr; i++) {
		const struct md_rec *r = &mf.rec[i];

		if (md_rec_is(r, "class", "anon") && r->v[2] > r->v[1])
			delta = r->v[2] - r->v[1];
		else if (md_rec_is(r, "run", NULL) && !strcmp(r->f[4], "anon"))
			runs += r->v[2];
		/* Both snapshots were saved with owners off. */
		else if (md_rec_is(r, "owners_before", NULL) ||
			 md_rec_is(r, "owners_after", NULL))
			EXPECT_STREQ("off", r->f[0]) {
				TH_LOG("%s %s", r->key, r->f[0]);
			}
	}
	md_file_free(&mf);
	EXPECT_LE(pages * 9 / 10, delta);
	EXPECT_LE(pages * 9 / 10, runs);
	ksft_print_msg("diff: anon +%llu pages, %llu PFNs in runs to anon (mapped %zu)\n",
		       delta, runs, pages);
}

/*
 * map: a PNG (by its signature), as wide and high as reported, with a band
 * for each node.
 */
TEST_F(tool, map)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	};
	unsigned long long w = 0, h = 0, pfns = 0;
	const struct md_syntax syn[] = {
		{ "image", "snn" }, { "scale", "nnnn" },
		{ "band", "nsnnnnnn" }, { "color", "snnnn" }, { NULL },
	};
	unsigned char head[24];
	struct md_file mf;
	bool node1 = false;
	size_t i;
	int fd;

	ASSERT_EQ(0, mds_run("save " MDS_SNAP_A));
	ASSERT_EQ(0, mds_run("map " MDS_SNAP_A " -o " MDS_PNG " --raw")) {
		mds_log(_metadata);
	}
	ASSERT_EQ(0, md_file_read(&mf, MDS_OUT, syn)) {
		TH_LOG("%s", mf.err);
	}
	for (i = 0; i < mf.nr; i++) {
		const struct md_rec *r = &mf.rec[i];

		if (md_rec_is(r, "image", NULL)) {
			w = r->v[1];
			h = r->v[2];
		} else if (md_rec_is(r, "band", "1")) {
			node1 = true;
		} else if (md_rec_is(r, "color", NULL)) {
			pfns += r->v[4];
		}
	}
	md_file_free(&mf);
	EXPECT_TRUE(node1);
	EXPECT_LT(0, pfns);

	fd = open(MDS_PNG, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(head), read(fd, head, sizeof(head)));
	close(fd);
	EXPECT_EQ(0, memcmp(head, sig, sizeof(sig)));
	/* IHDR: width and height, big-endian, at bytes 16 and 20. */
	EXPECT_EQ(w, (unsigned long long)head[16] << 24 | head[17] << 16 |
		     head[18] << 8 | head[19]);
	EXPECT_EQ(h, (unsigned long long)head[20] << 24 | head[21] << 16 |
		     head[22] << 8 | head[23]);
}

/*
 * metrics, live, with compare: written whole into -o's file (no temporary
 * file left beside it), every sample a memdesc_ name and a number, the
 * census summing to the pages the shadow spans, and state agreement as
 * compare's own lower bound has it.  Each line is also printed as
 * "# prom: ...", and tests/vm/run.sh runs promtool check metrics on them.
 */
TEST_F(tool, metrics_live)
{
	double v, spanned = -1, classes = 0, state = -1;
	char name[256], line[1024];
	unsigned int samples = 0;
	struct dirent *de;
	int n;
	DIR *d;
	FILE *f;

	mkdir(MDS_PROM_DIR, 0755);
	EXPECT_EQ(0, mds_run("metrics --compare -o " MDS_PROM_DIR "/memdesc.prom")) {
		mds_log(_metadata);
	}
	f = fopen(MDS_PROM_DIR "/memdesc.prom", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		ksft_print_msg("prom: %s", line);
		if (line[0] == '#')
			continue;
		n = sscanf(line, "%255s %lf", name, &v);
		EXPECT_EQ(2, n) {
			TH_LOG("not a sample: '%s'", line);
		}
		if (n != 2)
			continue;
		EXPECT_EQ(0, strncmp(name, "memdesc_", 8));
		samples++;
		if (!strcmp(name, "memdesc_spanned_pages"))
			spanned = v;
		else if (!strncmp(name, "memdesc_class_pages{", 20))
			classes += v;
		else if (!strcmp(name, "memdesc_compare_agreement_ratio{field=\"state\"}"))
			state = v;
	}
	fclose(f);
	EXPECT_LT(100, samples);
	EXPECT_LT(0, spanned);
	EXPECT_EQ(spanned, classes);
	EXPECT_LE(0.999, state) {
		TH_LOG("state agreement %f", state);
	}
	d = opendir(MDS_PROM_DIR);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		EXPECT_TRUE(de->d_name[0] == '.' ||
			    !strcmp(de->d_name, "memdesc.prom")) {
			TH_LOG("left in " MDS_PROM_DIR ": %s", de->d_name);
		}
	closedir(d);
}

/*
 * top, live, in batch mode: two refreshes a second apart, each with the
 * census and the rates, the second with rates and changes where the first
 * had "-".  Printed as "# top: ..." lines, for people reading the log.
 */
TEST_F(tool, top_live)
{
	unsigned int refreshes = 0, classes = 0;
	char line[256];
	FILE *f;

	EXPECT_EQ(0, mds_run("top -b -n 2 -d 1")) {
		mds_log(_metadata);
	}
	f = fopen(MDS_OUT, "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		ksft_print_msg("top: %s", line);
		EXPECT_GE(81, strlen(line)) {
			TH_LOG("wider than 80 columns: '%s'", line);
		}
		if (!strncmp(line, "memdesc-stat top - refresh ", 27))
			refreshes++;
		/*
		 * Class lines (not "free -> ..." transitions) of free and
		 * file, never empty in this guest.
		 */
		if ((!strncmp(line, "free ", 5) || !strncmp(line, "file ", 5)) &&
		    !strstr(line, "->"))
			classes++;
	}
	fclose(f);
	EXPECT_EQ(2, refreshes);
	EXPECT_EQ(4, classes);

	/* --nodes: this guest's two nodes, summing to each class's pages. */
	EXPECT_EQ(0, mds_run("top -b -n 1 --nodes")) {
		mds_log(_metadata);
	}
	f = fopen(MDS_OUT, "re");
	ASSERT_NE(NULL, f);
	classes = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long pages, n0, n1;
		char name[32], change[32];
		double mib;

		if (sscanf(line, "%31s %llu %lf %31s %llu %llu", name, &pages,
			   &mib, change, &n0, &n1) != 6 || strstr(line, "->"))
			continue;
		classes++;
		EXPECT_EQ(pages, n0 + n1) {
			TH_LOG("--nodes: '%s'", line);
		}
	}
	fclose(f);
	EXPECT_LT(2, classes);
}

/* === the fuzz targets' seeds, from this kernel === */

/*
 * Copy @src to @dst whole, a page at a time: a sysctl file refuses a read
 * of more than KMALLOC_MAX_SIZE.  0, or -1 if it could not, or was empty.
 */
static int mds_copy(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out, ret = -1;
	size_t total = 0;
	char buf[4096];
	ssize_t len;

	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (in < 0 || out < 0)
		goto out;
	while ((len = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, len) != len)
			goto out;
		total += len;
	}
	ret = !len && total ? 0 : -1;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}

/*
 * The live layout and shadow, cut to MDS_WINDOWS windows of MDS_WINDOW
 * PFNs a range, each a range of its own, into MDS_CORPUS/debugfs: real
 * words of every part of memory in a few KB.  0 or -1.
 */
static int mds_trim(void)
{
	unsigned long long node, start, pfns, off, words = 0, at, prev = 0;
	unsigned long long keep;
	char line[256], buf[MDS_WINDOW * 8];
	int shadow, dst, i, ret = -1;
	FILE *in, *out;

	in = fopen(MD_DEBUGFS "/layout", "re");
	out = fopen(MDS_CORPUS "/debugfs/layout", "we");
	shadow = open(MD_DEBUGFS "/shadow", O_RDONLY | O_CLOEXEC);
	dst = open(MDS_CORPUS "/debugfs/shadow",
		   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (!in || !out || shadow < 0 || dst < 0)
		goto out;
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, "range %llu %llu %llu %llu", &node, &start,
			   &pfns, &off) != 4) {
			fputs(line, out);
			continue;
		}
		keep = pfns < MDS_WINDOW ? pfns : MDS_WINDOW;
		for (i = 0; i < MDS_WINDOWS; i++) {
			at = (pfns - keep) * i / (MDS_WINDOWS - 1);
			if (i && at < prev + keep)
				continue;
			prev = at;
			if (pread(shadow, buf, keep * 8, off + at * 8) !=
			    (ssize_t)(keep * 8) ||
			    write(dst, buf, keep * 8) != (ssize_t)(keep * 8))
				goto out;
			fprintf(out, "range %llu %llu %llu %llu\n", node,
				start + at, keep, words * 8);
			words += keep;
		}
	}
	ret = words ? 0 : -1;
out:
	if (in)
		fclose(in);
	if (out && fclose(out))
		ret = -1;
	if (shadow >= 0)
		close(shadow);
	if (dst >= 0)
		close(dst);
	return ret;
}

/*
 * Send @path to the host as @name: "# corpus: file NAME", the file gzipped
 * in base64 lines "# corpus: data ...", "# corpus: end NAME".  tests/vm/
 * run.sh keeps it in .cache/vm/KVER.corpus/NAME.  0, or -1 if it is too
 * large or could not be read.
 */
static int mds_send(const char *path, const char *name)
{
	char cmd[256], line[256];
	struct stat st;
	FILE *f;

	if (stat(path, &st) || st.st_size > MDS_CORPUS_MAX) {
		ksft_print_msg("corpus: not sent: %s\n", name);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "gzip -9 -c %s | base64", path);
	if (md_shell(cmd, MDS_OUT, MDS_ERR))
		return -1;
	f = fopen(MDS_OUT, "re");
	if (!f)
		return -1;
	ksft_print_msg("corpus: file %s\n", name);
	while (fgets(line, sizeof(line), f))
		ksft_print_msg("corpus: data %s", line);
	ksft_print_msg("corpus: end %s\n", name);
	fclose(f);
	return 0;
}

/*
 * Real files for the fuzz targets' seeds (tests/fuzz/): the module's
 * reports and /proc/zoneinfo as they read on this kernel, the layout and
 * shadow trimmed, and the snapshot memdesc-stat saves from those, sent to
 * the host.  Allocation sites on, so that owners has some.
 */
TEST_F(tool, corpus)
{
	static const char * const files[] = {
		"summary", "projection", "stats", "transitions", "sections",
		"owners", "compare", "layout", "shadow",
	};
	char src[128], dst[128];
	size_t i;

	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "owners on"));
	ASSERT_EQ(0, md_shell("rm -rf " MDS_CORPUS " && mkdir -p "
			      MDS_CORPUS "/debugfs", NULL, NULL));
	for (i = 0; i < ARRAY_SIZE(files) - 2; i++) {
		snprintf(src, sizeof(src), MD_DEBUGFS "/%s", files[i]);
		snprintf(dst, sizeof(dst), MDS_CORPUS "/debugfs/%s", files[i]);
		EXPECT_EQ(0, mds_copy(src, dst)) {
			TH_LOG("copy %s", src);
		}
	}
	EXPECT_EQ(0, mds_copy("/proc/zoneinfo", MDS_CORPUS "/zoneinfo"));
	EXPECT_EQ(0, mds_copy("/proc/sys/kernel/random/boot_id",
			      MDS_CORPUS "/boot_id"));
	ASSERT_EQ(0, mds_trim());
	EXPECT_EQ(0, md_shell("MEMDESC_DEBUGFS=" MDS_CORPUS "/debugfs MEMDESC_ZONEINFO="
			      MDS_CORPUS "/zoneinfo MEMDESC_BOOT_ID=" MDS_CORPUS
			      "/boot_id " MDS_BIN " save " MDS_CORPUS "/tool.snap",
			      MDS_OUT, MDS_ERR)) {
		mds_log(_metadata);
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(src, sizeof(src), MDS_CORPUS "/debugfs/%s", files[i]);
		snprintf(dst, sizeof(dst), "debugfs/%s", files[i]);
		/* A big owners file stays here; the rest must go. */
		if (mds_send(src, dst))
			EXPECT_STREQ("owners", files[i]);
	}
	EXPECT_EQ(0, mds_send(MDS_CORPUS "/zoneinfo", "zoneinfo"));
	EXPECT_EQ(0, mds_send(MDS_CORPUS "/boot_id", "boot_id"));
	EXPECT_EQ(0, mds_send(MDS_CORPUS "/tool.snap", "tool.snap"));
	md_write_file(MD_DEBUGFS "/control", "owners off");
}

/* === tool_unload: last === */

FIXTURE(tool_unload) {
};

FIXTURE_SETUP(tool_unload)
{
	if (geteuid())
		SKIP(return, "needs root");
}

FIXTURE_TEARDOWN(tool_unload)
{
}

/* Unloaded: the tool says what is missing; snapshots still read. */
TEST_F(tool_unload, after)
{
	char *err;

	if (md_loaded())
		ASSERT_EQ(0, md_unload());
	EXPECT_EQ(1, mds_run("summary"));
	err = mds_slurp(MDS_ERR);
	ASSERT_NE(NULL, err);
	EXPECT_NE(NULL, strstr(err, "memdesc.ko loaded")) {
		TH_LOG("stderr: %s", err);
	}
	free(err);
	EXPECT_EQ(0, mds_run("summary " MDS_SNAP_A)) {
		mds_log(_metadata);
	}
}

TEST_HARNESS_MAIN
