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
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memdesc_stat.h"

const char *prog_name = "memdesc-stat";

/* === helpers === */

void fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void print_warning(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		fatal("out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", size);
	return p;
}

char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/* Why a debugfs file may be missing or closed, in a few words. */
static const char *open_hint(const char *path, int err)
{
	if (strncmp(path, debugfs_dir(), strlen(debugfs_dir())))
		return "";
	if (err == ENOENT)
		return " (is memdesc.ko loaded and debugfs mounted?)";
	if (err == EACCES || err == EPERM)
		return " (the memdesc files are root-only)";
	return "";
}

int checked_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		fatal("%s: %s%s", path, strerror(errno), open_hint(path, errno));
	return fd;
}

/*
 * Read @count bytes at @offset, in as many reads as it takes: debugfs hands
 * out less than asked.  Returns the bytes read, fewer only at end of file;
 * an error is fatal.
 */
size_t pread_full(int fd, void *buf, size_t count, uint64_t offset,
		  const char *path)
{
	size_t done = 0;
	ssize_t ret;

	while (done < count) {
		ret = pread(fd, (char *)buf + done, count - done,
			    (off_t)(offset + done));
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			fatal("%s: read at byte %llu: %s", path,
			      (unsigned long long)(offset + done),
			      strerror(errno));
		}
		if (!ret)
			break;
		done += ret;
	}
	return done;
}

/*
 * read_text - a whole text file, NUL-terminated
 *
 * debugfs and /proc files say size 0, so read until EOF.  With @missing_ok,
 * a file that does not exist returns NULL; any other error is fatal.
 */
char *read_text(const char *path, size_t *len, bool missing_ok)
{
	size_t size = 65536, done = 0;
	char *buf;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (missing_ok && errno == ENOENT)
			return NULL;
		fatal("%s: %s%s", path, strerror(errno), open_hint(path, errno));
	}
	buf = xmalloc(size);
	for (;;) {
		if (done + 1 >= size)
			buf = xrealloc(buf, size *= 2);
		ret = read(fd, buf + done, size - done - 1);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			fatal("%s: %s%s", path, strerror(errno),
			      open_hint(path, errno));
		}
		if (!ret)
			break;
		done += ret;
	}
	close(fd);
	if (memchr(buf, '\0', done))
		fatal("%s: not a text file", path);
	buf[done] = '\0';
	if (len)
		*len = done;
	return buf;
}

/* The value of environment variable @var, or @dflt if it is unset or empty. */
const char *env_or(const char *var, const char *dflt)
{
	const char *v = getenv(var);

	return v && *v ? v : dflt;
}

const char *debugfs_dir(void)
{
	return env_or("MEMDESC_DEBUGFS", MEMDESC_DEBUGFS);
}

char *debugfs_path(const char *name)
{
	const char *dir = debugfs_dir();
	char *path = xmalloc(strlen(dir) + strlen(name) + 2);

	sprintf(path, "%s/%s", dir, name);
	return path;
}

unsigned int bits_for(uint64_t n)
{
	unsigned int bits = 0;

	if (n <= 2)
		return 1;
	/* order_base_2(n): the smallest b with 2^b >= n */
	while (bits < 64 && ((uint64_t)1 << bits) < n)
		bits++;
	return bits;
}

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
