// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc-stat - read memdesc's shadow memdesc array, live or saved.
 *
 *   memdesc-stat save FILE
 *   memdesc-stat summary|projection|stats|transitions|sections [--json|--raw]
 *                [FILE]
 *   memdesc-stat compare [--json|--raw]
 *   memdesc-stat pfn PFN
 *   memdesc-stat owners [--class CLASS] [--top N] [--json|--raw] [FILE]
 *   memdesc-stat diff [--json|--raw] A B
 *   memdesc-stat metrics [--compare] [-o FILE] [FILE]
 *   memdesc-stat top [-d SECONDS] [-n COUNT] [-b] [--owners] [--nodes]
 *   memdesc-stat --version
 *   memdesc-stat map FILE -o PNG [--width N] [--pfns-per-pixel N] [--zoom N]
 *
 * Without FILE the reports come from /sys/kernel/debug/memdesc (root only);
 * with one, from a snapshot that "save" wrote (format: docs/SNAPSHOT.md).
 * Exit status: 0, 1 on any error, 2 on a usage error.
 *
 * MEMDESC_DEBUGFS, MEMDESC_ZONEINFO, MEMDESC_BOOT_ID and MEMDESC_LOCKDOWN
 * name other places to read the module's files, /proc/zoneinfo, the boot
 * id and the kernel lockdown level from (the tests use them).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memdesc_stat.h"

/* === the command line === */

static void print_usage(FILE *f)
{
	fprintf(f,
"usage: %1$s save FILE\n"
"       %1$s summary|stats|transitions|sections [--json|--raw] [FILE]\n"
"       %1$s projection [--revision NAME] [--json|--raw] [FILE]\n"
"       %1$s compare [--json|--raw]\n"
"       %1$s pfn PFN\n"
"       %1$s owners [--class CLASS] [--top N] [--json|--raw] [FILE]\n"
"       %1$s owners --folded [--class CLASS] [FILE]\n"
"       %1$s diff [--json|--raw] A B\n"
"       %1$s diff --folded [--class CLASS] A B\n"
"       %1$s metrics [--compare] [-o PROM] [FILE]\n"
"       %1$s top [-d SECONDS] [-n COUNT] [-b] [--owners] [--nodes]\n"
"       %1$s --version\n"
"       %1$s map FILE -o PNG [--width N] [--pfns-per-pixel N] [--zoom N]\n"
"\n"
"  save         snapshot the live shadow and reports into FILE\n"
"  summary      census of the shadow: PFNs per zone and class\n"
"  projection   what memdesc would cost for the memory described, under\n"
"               each revision of the design (FILE: recomputed with this\n"
"               program's revisions, whatever the module knew)\n"
"  stats        events and counters of the module (FILE: as saved)\n"
"  transitions  changes of class seen (FILE: as saved)\n"
"  sections     memory sections and where their shadow lives (FILE: as saved)\n"
"  compare      the shadow against the live kernel (live only)\n"
"  pfn          one PFN up close: both words, flags, owner (live only;\n"
"               PFN in decimal or 0x hex; read-only, so it works under\n"
"               kernel lockdown)\n"
"  owners       allocated pages by allocation site, per class, most first\n"
"  diff         PFNs whose class changed from snapshot A to B, and the\n"
"               allocation sites that grew or shrank most\n"
"  map          a PNG of physical memory colored by class\n"
"  metrics      the reports as Prometheus metrics (text exposition)\n"
"  top          a live view: census, changes of class and events per\n"
"               second, refreshed in place ('q' quits)\n"
"\n"
"Without FILE the live module is read, from %2$s.\n"
"  --json       one JSON object, for scripts\n"
"  --raw        the module's own record format\n"
"  --revision NAME           one revision of the design (projection):\n"
"                            seed, wiki-later, path-2025\n"
"  --class CLASS             only this class (owners; diff --folded; as\n"
"                            summary names them)\n"
"  --folded                  folded stacks, root first, weighted by pages,\n"
"                            for flamegraph.pl, inferno or speedscope\n"
"                            (owners: every site; diff: the sites that\n"
"                            grew, by how much)\n"
"  --top N                   sites per class (owners; default 10); pages of\n"
"                            an unknown or unsaved site are always shown\n"
"  -o, --output PNG          picture to write (map)\n"
"  -o, --output PROM         file to write the metrics to, whole or not\n"
"                            at all: a temporary file renamed over it\n"
"                            (metrics; default: standard output)\n"
"  --compare                 add compare's agreement (metrics; live only;\n"
"                            it reads every struct page)\n"
"  -d, --delay SECONDS       between refreshes (top; default 2)\n"
"  -n, --iterations COUNT    refreshes, then exit (top; default: until 'q')\n"
"  -b, --batch               plain text, one refresh after another (top;\n"
"                            also when standard output is not a terminal)\n"
"  --owners                  the allocation sites with the most pages (top)\n"
"  --nodes                   each class's pages per node (top; reads the\n"
"                            whole shadow each refresh, 8 bytes a PFN)\n"
"  -w, --width N             blocks per row (map; default 1024)\n"
"  -p, --pfns-per-pixel N    PFNs per block (map; default: fit 1024 rows)\n"
"  -z, --zoom N              pixels per block side (map; default 1)\n",
		prog_name, debugfs_dir());
}

static __noreturn __printf(1, 2) void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog_name);
	exit(2);
}

static unsigned long long parse_count(const char *opt, const char *s,
				      unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		usage_error("%s: want a positive number, not '%s'", opt, s);
	v = strtoull(s, &end, 10);
	if (errno || *end || !v || v > max)
		usage_error("%s: want a number from 1 to %llu, not '%s'", opt,
			    max, s);
	return v;
}

/**
 * struct cmd_args - what a subcommand was given
 * @style:	output style
 * @files:	positional arguments
 * @nr_files:	how many
 * @map:	map options
 * @owners:	owners options
 * @shaped:	--class or --top was given
 * @top_set:	--top was given
 * @compare:	--compare was given
 * @folded:	--folded was given
 * @delay:	top's seconds between refreshes
 * @count:	top's refreshes, 0 for no limit
 * @batch:	top's -b
 * @owners_top:	top's --owners
 * @nodes:	top's --nodes
 */
struct cmd_args {
	enum report_style style;
	char **files;
	int nr_files;
	struct map_opts map;
	struct owners_opts owners;
	bool shaped;
	bool top_set;
	bool compare;
	bool folded;
	double delay;
	unsigned long count;
	bool batch;
	bool owners_top;
	bool nodes;
	const char *revision;
};

static const struct option long_opts[] = {
	{ "json",		no_argument,		NULL, 'j' },
	{ "raw",		no_argument,		NULL, 'r' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "width",		required_argument,	NULL, 'w' },
	{ "pfns-per-pixel",	required_argument,	NULL, 'p' },
	{ "zoom",		required_argument,	NULL, 'z' },
	{ "class",		required_argument,	NULL, 'c' },
	{ "top",		required_argument,	NULL, 't' },
	{ "compare",		no_argument,		NULL, 'C' },
	{ "delay",		required_argument,	NULL, 'd' },
	{ "iterations",		required_argument,	NULL, 'n' },
	{ "batch",		no_argument,		NULL, 'b' },
	{ "owners",		no_argument,		NULL, 'O' },
	{ "nodes",		no_argument,		NULL, 'N' },
	{ "revision",		required_argument,	NULL, 'R' },
	{ "folded",		no_argument,		NULL, 'F' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 },
};

/* --class: a class as summary names it; anything else is a usage error. */
static unsigned int parse_class(const char *s)
{
	unsigned int class = class_by_name(s), i;
	char names[512] = "";

	if (class < MEMDESC_NR_CLASSES)
		return class;
	for (i = 0; i < MEMDESC_NR_CLASSES; i++) {
		strcat(names, i ? " " : "");
		strcat(names, memdesc_class_name(i));
	}
	usage_error("--class: no class '%s'; the classes: %s", s, names);
}

/* -d: seconds, from 0.1 to an hour, a fraction allowed. */
static double parse_seconds(const char *opt, const char *s)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.1 && v <= 3600))
		usage_error("%s: want seconds from 0.1 to 3600, not '%s'", opt,
			    s);
	return v;
}

/*
 * Options anywhere after the subcommand; @allowed lists the short letters
 * the subcommand takes (long-only options have letters here too).  @min
 * and @max bound the positional arguments.
 */
static void parse_args(int argc, char **argv, const char *allowed, int min,
		       int max, struct cmd_args *a)
{
	const char *cmd = argv[0];
	int c;

	memset(a, 0, sizeof(*a));
	a->map.width = 1024;
	a->map.zoom = 1;
	a->owners.class = MEMDESC_NR_CLASSES;
	a->owners.top = 10;
	a->delay = 2;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jro:w:p:z:d:n:bh", long_opts,
				NULL)) != -1) {
		if (c == 'h') {
			print_usage(stdout);
			exit(0);
		}
		if (c == '?')
			usage_error("%s: unknown option '%s'", cmd,
				    argv[optind - 1]);
		if (c == ':')
			usage_error("%s: option '%s' needs a value", cmd,
				    argv[optind - 1]);
		if (!strchr(allowed, c))
			usage_error("%s: option '%s' does not apply", cmd,
				    argv[optind - 1]);
		switch (c) {
		case 'j':
		case 'r':
			if (a->style != REPORT_TABLE)
				usage_error("%s: --json and --raw exclude each other",
					    cmd);
			a->style = c == 'j' ? REPORT_JSON : REPORT_RAW;
			break;
		case 'o':
			a->map.output = optarg;
			break;
		case 'w':
			a->map.width = parse_count("--width", optarg, 65536);
			break;
		case 'p':
			a->map.pfns_per_px = parse_count("--pfns-per-pixel",
							 optarg, 1ULL << 40);
			break;
		case 'z':
			a->map.zoom = parse_count("--zoom", optarg, 64);
			break;
		case 'c':
			a->owners.class = parse_class(optarg);
			a->shaped = true;
			break;
		case 't':
			a->owners.top = parse_count("--top", optarg, 1U << 20);
			a->shaped = true;
			a->top_set = true;
			break;
		case 'C':
			a->compare = true;
			break;
		case 'd':
			a->delay = parse_seconds("--delay", optarg);
			break;
		case 'n':
			a->count = parse_count("--iterations", optarg,
					       1UL << 30);
			break;
		case 'b':
			a->batch = true;
			break;
		case 'O':
			a->owners_top = true;
			break;
		case 'N':
			a->nodes = true;
			break;
		case 'R':
			a->revision = optarg;
			break;
		case 'F':
			a->folded = true;
			break;
		}
	}
	a->files = argv + optind;
	a->nr_files = argc - optind;
	if (a->nr_files < min)
		usage_error("%s: missing %s", cmd, min > 1 ? "files" : "FILE");
	if (a->nr_files > max)
		usage_error("%s: unexpected argument '%s'", cmd,
			    a->files[max]);
}

/* Run @fn into a memory buffer: the computed reports go to the renderer. */
static char *capture(void (*fn)(const struct snapshot *s, FILE *out),
		     const struct snapshot *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		fatal("open_memstream: %s", strerror(errno));
	fn(s, f);
	if (fclose(f))
		fatal("open_memstream: %s", strerror(errno));
	return text;
}

static int cmd_save(int argc, char **argv)
{
	struct cmd_args a;

	parse_args(argc, argv, "", 1, 1, &a);
	snap_save(a.files[0], 0, NULL);
	return 0;
}

/* The saved copy of a report the tool cannot compute from words. */
static char *saved_text(const struct snapshot *s, const char *name)
{
	const struct snap_text *t = NULL;

	if (!strcmp(name, "stats"))
		t = &s->stats;
	else if (!strcmp(name, "transitions"))
		t = &s->transitions;
	else if (!strcmp(name, "sections"))
		t = &s->sections;
	if (!t || !t->data)
		fatal("%s: no %s section in this snapshot", s->path, name);
	return xstrdup(t->data);
}

/*
 * --revision: the projection's rows of one revision of the design, and
 * every row that belongs to none.  A revision the text does not have is an
 * error that lists those it has.
 */
static void only_revision(char *text, const char *rev, const char *source)
{
	char *in = text, *out = text, *eol, names[256] = "";
	bool found = false, keep;
	char kind[16], name[64];
	size_t len;

	while (*in) {
		eol = strchrnul(in, '\n');
		len = eol - in + (*eol == '\n');
		keep = true;
		if (sscanf(in, "%15s %63s", kind, name) == 2 &&
		    (!strcmp(kind, "revision") || !strcmp(kind, "place"))) {
			keep = !strcmp(name, rev);
			if (!strcmp(kind, "revision")) {
				found |= keep;
				if (strlen(names) + strlen(name) + 2 < sizeof(names))
					strcat(strcat(names, " "), name);
			}
		}
		if (keep) {
			memmove(out, in, len);
			out += len;
		}
		in += len;
	}
	*out = '\0';
	if (!found)
		usage_error("--revision: %s has no revision '%s'; it has:%s",
			    source, rev, *names ? names : " none");
}

static void report_revision(const char *name, const char *source, char *text,
			    const struct cmd_args *a)
{
	if (a->revision)
		only_revision(text, a->revision, source);
	report_print(name, source, text, a->style, stdout);
}

/* summary, projection, stats, transitions, sections, compare */
static int cmd_report(int argc, char **argv)
{
	const char *name = argv[0];
	struct snapshot s;
	struct cmd_args a;
	char *text;

	parse_args(argc, argv, strcmp(name, "projection") ? "jr" : "jrR", 0, 1,
		   &a);
	if (!a.nr_files) {
		text = debugfs_read(name, false);
		report_revision(name, debugfs_dir(), text, &a);
		free(text);
		return 0;
	}
	if (!strcmp(name, "compare"))
		fatal("compare needs the live kernel: it checks every shadow word against its struct page, and a snapshot holds only the shadow (run '%s compare' without FILE)",
		      prog_name);
	snap_load(&s, a.files[0]);
	if (!strcmp(name, "summary"))
		text = capture(census_summary, &s);
	else if (!strcmp(name, "projection"))
		text = capture(census_projection, &s);
	else
		text = saved_text(&s, name);
	report_revision(name, s.path, text, &a);
	free(text);
	snap_free(&s);
	return 0;
}

/*
 * The owners file, live or saved.  A module or snapshot older than
 * allocation sites has none: an error, as a missing saved report is.
 * "owners off" is not: it is what the module says while not tracking.
 */
static char *owners_text(const struct cmd_args *a, struct snapshot *s,
			 char **source)
{
	char *path, *summary, *text;

	if (a->nr_files) {
		snap_load(s, a->files[0]);
		if (!s->owners.data)
			fatal("%s: no owners section in this snapshot (saved by an older tool, or from a module without allocation sites)",
			      s->path);
		*source = snap_section_source(s, "owners");
		return xstrdup(s->owners.data);
	}
	path = debugfs_path("owners");
	text = read_text(path, NULL, true);
	if (!text) {
		summary = debugfs_path("summary");
		if (access(summary, F_OK))
			read_text(path, NULL, false);	/* says why, exits */
		fatal("%s: missing: this module is older than allocation sites",
		      path);
	}
	*source = path;
	return text;
}

static void owners_off_note(const struct cmd_args *a, FILE *out)
{
	if (a->nr_files)
		fprintf(out, "\nAllocation sites were not tracked when %s was saved.\n",
			a->files[0]);
	else
		fprintf(out, "\nAllocation sites are not tracked: 'owners on' in %s/control starts them (or load memdesc with owners=1).\n",
			debugfs_dir());
}

/* owners: allocated pages by allocation site, per class */
static int cmd_owners(int argc, char **argv)
{
	char *text, *source, *view = NULL;
	struct snapshot s = { 0 };
	struct cmd_args a;
	size_t len = 0;
	bool on;
	FILE *f;

	parse_args(argc, argv, "jrctF", 0, 1, &a);
	if (a.style == REPORT_RAW && a.shaped)
		usage_error("owners: --raw prints the module's records as they are; --class and --top apply to tables and --json");
	if (a.folded && (a.style != REPORT_TABLE || a.top_set))
		usage_error("owners: --folded prints every site as a folded stack; --json, --raw and --top do not apply");
	text = owners_text(&a, &s, &source);
	if (a.folded) {
		if (!owners_folded(source, text, a.owners.class, stdout))
			owners_off_note(&a, stderr);
		goto out;
	}
	if (a.style == REPORT_RAW) {
		fputs(text, stdout);
		goto out;
	}
	a.owners.stacks = a.style == REPORT_JSON;
	f = open_memstream(&view, &len);
	if (!f)
		fatal("open_memstream: %s", strerror(errno));
	on = owners_view(source, text, &a.owners, f);
	if (fclose(f))
		fatal("open_memstream: %s", strerror(errno));
	report_print("owners", a.nr_files ? s.path : debugfs_dir(), view,
		     a.style, stdout);
	if (!on && a.style == REPORT_TABLE)
		owners_off_note(&a, stdout);
	free(view);
out:
	free(text);
	free(source);
	if (a.nr_files)
		snap_free(&s);
	return 0;
}

static int cmd_diff(int argc, char **argv)
{
	struct snapshot sa, sb;
	struct cmd_args a;
	char *text = NULL, *source;
	size_t len = 0;
	FILE *f;

	parse_args(argc, argv, "jrcF", 2, 2, &a);
	if (a.shaped && !a.folded)
		usage_error("diff: --class applies with --folded");
	if (a.folded && a.style != REPORT_TABLE)
		usage_error("diff: --folded prints folded stacks; --json and --raw do not apply");
	snap_load(&sa, a.files[0]);
	snap_load(&sb, a.files[1]);
	if (a.folded) {
		if (!owners_diff_folded(&sa, &sb, a.owners.class, stdout))
			fprintf(stderr, "diff: allocation sites were not tracked in both %s and %s\n",
				a.files[0], a.files[1]);
		snap_free(&sa);
		snap_free(&sb);
		return 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		fatal("open_memstream: %s", strerror(errno));
	census_diff(&sa, &sb, f);
	owners_diff(&sa, &sb, f);
	if (fclose(f))
		fatal("open_memstream: %s", strerror(errno));
	source = xmalloc(strlen(a.files[0]) + strlen(a.files[1]) + 8);
	sprintf(source, "%s -> %s", a.files[0], a.files[1]);
	report_print("diff", source, text, a.style, stdout);
	free(source);
	free(text);
	snap_free(&sa);
	snap_free(&sb);
	return 0;
}

static int cmd_map(int argc, char **argv)
{
	struct snapshot s;
	struct cmd_args a;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	parse_args(argc, argv, "jrowpz", 1, 1, &a);
	if (!a.map.output)
		usage_error("map: missing -o PNG");
	snap_load(&s, a.files[0]);
	f = open_memstream(&text, &len);
	if (!f)
		fatal("open_memstream: %s", strerror(errno));
	map_draw(&s, &a.map, f);
	if (fclose(f))
		fatal("open_memstream: %s", strerror(errno));
	report_print("map", s.path, text, a.style, stdout);
	free(text);
	snap_free(&s);
	return 0;
}

/* The metrics of the live module; compare too, timed, if @compare. */
static void live_metrics(bool compare, FILE *out)
{
	char *summary = debugfs_read("summary", false);
	char *projection = debugfs_read("projection", false);
	char *stats = debugfs_read("stats", false);
	char *transitions = debugfs_read("transitions", false);
	char *cmp = NULL;
	double t0 = 0, t1 = 0;

	if (compare) {
		t0 = now_seconds();
		cmp = debugfs_read("compare", false);
		t1 = now_seconds();
	}
	metrics_print(&(struct metrics_src) {
		.source = debugfs_dir(),
		.summary = summary, .projection = projection, .stats = stats,
		.transitions = transitions, .compare = cmp,
		.compare_seconds = t1 - t0,
	}, out);
	free(summary);
	free(projection);
	free(stats);
	free(transitions);
	free(cmp);
}

/* The metrics of a snapshot: what it saved, the census from its words. */
static void saved_metrics(const char *file, FILE *out)
{
	struct metrics_src src = { 0 };
	struct snapshot s;
	char *summary, *projection;

	snap_load(&s, file);
	summary = capture(census_summary, &s);
	projection = capture(census_projection, &s);
	src.source = s.path;
	src.summary = summary;
	src.projection = projection;
	src.stats = s.stats.data;
	src.transitions = s.transitions.data;
	metrics_print(&src, out);
	free(summary);
	free(projection);
	snap_free(&s);
}

/*
 * Write @len bytes of @text to @path whole or not at all, for a reader
 * such as the node exporter's textfile collector: into a temporary file
 * beside it, not named *.prom, renamed over it once on disk.
 */
static void write_atomic(const char *path, const char *text, size_t len)
{
	char *tmp = xmalloc(strlen(path) + 16);
	FILE *f;
	int fd;

	sprintf(tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		fatal("%s: %s", tmp, strerror(errno));
	temp_add(tmp);
	f = fdopen(fd, "w");
	if (!f || fwrite(text, 1, len, f) != len || fflush(f) ||
	    fchmod(fd, 0644) || fsync(fd) || fclose(f) ||
	    rename(tmp, path))
		fatal("%s: %s", path, strerror(errno));
	temp_done(tmp, false);
	free(tmp);
}

/* metrics: Prometheus text exposition, on standard output or into -o's file */
static int cmd_metrics(int argc, char **argv)
{
	struct cmd_args a;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	parse_args(argc, argv, "oC", 0, 1, &a);
	if (a.compare && a.nr_files)
		usage_error("metrics: --compare needs the live kernel; a snapshot holds only the shadow");
	f = open_memstream(&text, &len);
	if (!f)
		fatal("open_memstream: %s", strerror(errno));
	if (a.nr_files)
		saved_metrics(a.files[0], f);
	else
		live_metrics(a.compare, f);
	if (fclose(f))
		fatal("open_memstream: %s", strerror(errno));
	if (a.map.output)
		write_atomic(a.map.output, text, len);
	else
		fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

/*
 * pfn PFN: the module's report of one PFN, from "pfn_at", which the offset
 * queries without a write.  "pfn" would need one, and kernel lockdown
 * refuses to open it.
 */
static int cmd_pfn(int argc, char **argv)
{
	char buf[4096], *path, *end, *arg;
	unsigned long long pfn;
	struct cmd_args a;
	ssize_t len;
	bool hex;
	int fd;

	parse_args(argc, argv, "", 0, 1, &a);
	if (!a.nr_files)
		usage_error("pfn: missing PFN");
	/* As the module reads "pfn": a leading 0 is not octal. */
	arg = a.files[0];
	hex = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X');
	errno = 0;
	pfn = strtoull(arg + (hex ? 2 : 0), &end, hex ? 16 : 10);
	if (errno || *end || !(hex ? isxdigit(arg[2]) : isdigit(arg[0])) ||
	    pfn > INT64_MAX)
		usage_error("pfn: want a PFN in decimal or 0x hex, not '%s'",
			    arg);
	path = debugfs_path("pfn_at");
	fd = checked_open(path, O_RDONLY);
	len = pread(fd, buf, sizeof(buf), (off_t)pfn);
	if (len < 0 && errno == EINVAL)
		fatal("%s: no PFN %llu: not present memory", path, pfn);
	if (len <= 0)
		fatal("%s: read at PFN %llu: %s", path, pfn,
		      len ? strerror(errno) : "end of file");
	close(fd);
	free(path);
	fwrite(buf, 1, len, stdout);
	return 0;
}

/* top: the live view */
static int cmd_top(int argc, char **argv)
{
	struct cmd_args a;

	parse_args(argc, argv, "dnbON", 0, 0, &a);
	/* Say what is wrong before the screen is taken. */
	free(debugfs_read("summary", false));
	top_run(a.delay, a.count, a.batch, a.owners_top, a.nodes);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "save",	 cmd_save },
	{ "summary",	 cmd_report },
	{ "projection",	 cmd_report },
	{ "stats",	 cmd_report },
	{ "transitions", cmd_report },
	{ "sections",	 cmd_report },
	{ "compare",	 cmd_report },
	{ "pfn",	 cmd_pfn },
	{ "owners",	 cmd_owners },
	{ "diff",	 cmd_diff },
	{ "map",	 cmd_map },
	{ "metrics",	 cmd_metrics },
	{ "top",	 cmd_top },
};

/**
 * memdesc_stat - the program, from its command line
 * @argc:	as main() has it
 * @argv:	as main() has it
 *
 * main() is nothing but this; the fuzz targets (tests/fuzz/) call it with
 * command lines of their own.  Errors end the program, as fatal() does.
 *
 * Return: the exit status.
 */
int memdesc_stat(int argc, char **argv)
{
	size_t i;
	int ret;

	if (argc < 2)
		usage_error("missing subcommand");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("%s %s\n", prog_name, MEMDESC_VERSION);
		return 0;
	}
	for (i = 0; i < MEMDESC_ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].run(argc - 1, argv + 1);
		if (fflush(stdout) || ferror(stdout))
			fatal("standard output: %s", strerror(errno));
		return ret;
	}
	usage_error("unknown subcommand '%s'", argv[1]);
}
