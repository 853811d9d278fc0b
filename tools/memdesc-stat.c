// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc-stat - read memdesc's shadow memdesc array, live or saved.
 *
 *   memdesc-stat save FILE
 *   memdesc-stat summary|projection|stats|transitions|sections [--json|--raw]
 *                [FILE]
 *   memdesc-stat compare [--json|--raw]
 *   memdesc-stat diff [--json|--raw] A B
 *   memdesc-stat map FILE -o PNG [--width N] [--pfns-per-pixel N] [--zoom N]
 *
 * Without FILE the reports come from /sys/kernel/debug/memdesc (root only);
 * with one, from a snapshot that "save" wrote (format: docs/SNAPSHOT.md).
 * Exit status: 0, 1 on any error, 2 on a usage error.
 *
 * MEMDESC_DEBUGFS, MEMDESC_ZONEINFO and MEMDESC_BOOT_ID name other places to
 * read the module's files, /proc/zoneinfo and the boot id from (the tests
 * use them).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "memdesc_stat.h"

/* === the command line === */

static void print_usage(FILE *f)
{
	fprintf(f,
"usage: %1$s save FILE\n"
"       %1$s summary|projection|stats|transitions|sections [--json|--raw] [FILE]\n"
"       %1$s compare [--json|--raw]\n"
"       %1$s diff [--json|--raw] A B\n"
"       %1$s map FILE -o PNG [--width N] [--pfns-per-pixel N] [--zoom N]\n"
"\n"
"  save         snapshot the live shadow and reports into FILE\n"
"  summary      census of the shadow: PFNs per zone and class\n"
"  projection   what memdesc would cost for the memory described\n"
"  stats        events and counters of the module (FILE: as saved)\n"
"  transitions  changes of class seen (FILE: as saved)\n"
"  sections     memory sections and where their shadow lives (FILE: as saved)\n"
"  compare      the shadow against the live kernel (live only)\n"
"  diff         PFNs whose class changed from snapshot A to B\n"
"  map          a PNG of physical memory colored by class\n"
"\n"
"Without FILE the live module is read, from %2$s.\n"
"  --json       one JSON object, for scripts\n"
"  --raw        the module's own record format\n"
"  -o, --output PNG          picture to write (map)\n"
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
 */
struct cmd_args {
	enum report_style style;
	char **files;
	int nr_files;
	struct map_opts map;
};

static const struct option long_opts[] = {
	{ "json",		no_argument,		NULL, 'j' },
	{ "raw",		no_argument,		NULL, 'r' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "width",		required_argument,	NULL, 'w' },
	{ "pfns-per-pixel",	required_argument,	NULL, 'p' },
	{ "zoom",		required_argument,	NULL, 'z' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 },
};

/*
 * Options anywhere after the subcommand; @allowed lists the short letters
 * the subcommand takes.  @min and @max bound the positional arguments.
 */
static void parse_args(int argc, char **argv, const char *allowed, int min,
		       int max, struct cmd_args *a)
{
	const char *cmd = argv[0];
	int c;

	memset(a, 0, sizeof(*a));
	a->map.width = 1024;
	a->map.zoom = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jro:w:p:z:h", long_opts,
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
	snap_save(a.files[0]);
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

/* summary, projection, stats, transitions, sections, compare */
static int cmd_report(int argc, char **argv)
{
	const char *name = argv[0];
	struct snapshot s;
	struct cmd_args a;
	char *text, *path;

	parse_args(argc, argv, "jr", 0, 1, &a);
	if (!a.nr_files) {
		path = debugfs_path(name);
		text = read_text(path, NULL, false);
		report_print(name, debugfs_dir(), text, a.style, stdout);
		free(path);
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
	report_print(name, s.path, text, a.style, stdout);
	free(text);
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

	parse_args(argc, argv, "jr", 2, 2, &a);
	snap_load(&sa, a.files[0]);
	snap_load(&sb, a.files[1]);
	f = open_memstream(&text, &len);
	if (!f)
		fatal("open_memstream: %s", strerror(errno));
	census_diff(&sa, &sb, f);
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
	{ "diff",	 cmd_diff },
	{ "map",	 cmd_map },
};

int main(int argc, char **argv)
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
