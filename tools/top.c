// SPDX-License-Identifier: GPL-2.0
/*
 * top.c - a live view of the shadow, refreshed in place, as slabtop does.
 *
 * Each refresh reads summary, stats and transitions (and owners, with
 * --owners) and shows, in 80 columns and 24 lines:
 *
 *   the census by class, and its change since the last refresh;
 *   free and allocated pages per node and zone, or with --nodes each
 *   class's pages per node (from the shadow itself, read whole each
 *   refresh: 8 bytes a PFN, so opt-in);
 *   the changes of class per second, from transitions' counts;
 *   the events per second, from stats' counts;
 *   with --owners, the allocation sites with the most pages.
 *
 * Rates need two refreshes: the first shows "-".  On a terminal the screen
 * is redrawn and 'q' quits; with -b (or when standard output is not a
 * terminal) each refresh is printed after the last, plain text, for logs.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "memdesc_stat.h"

/*
 * Lines of each part, most first; with --owners fewer classes and rates,
 * to leave the sites room in 24 lines.
 */
#define TOP_CLASSES		10
#define TOP_CLASSES_OWNERS	8
#define TOP_RATES		5
#define TOP_RATES_OWNERS	4
#define TOP_SITES		3
#define TOP_NODES		4	/* columns; the last takes the rest */
#define PAGES_PER_MIB	256	/* 4 KiB pages */

/* A counted thing: a class, a transition, an event; before and now. */
struct top_count {
	char name[96];
	uint64_t now;
	uint64_t before;
	bool seen_before;
};

/*
 * Things of one kind counted: classes, transitions, events.  A module has a
 * few dozen of each, a few hundred transitions at most; a file with more
 * than TOP_MAX_COUNTS is none of its.
 */
#define TOP_MAX_COUNTS	4096

struct top_list {
	const char *what;	/* "classes", for messages */
	struct top_count *c;
	size_t nr;
};

/* One refresh's reading, and the previous one's counts inside each list. */
struct top_state {
	uint64_t (*by_node)[TOP_NODES];	/* --nodes: pages per class and node */
	unsigned int nodes;		/* highest node seen + 1 */
	struct top_list classes;
	struct top_list transitions;
	struct top_list events;
	double t;		/* when read, monotonic seconds */
	double t_before;	/* 0: no refresh before */
	unsigned int refresh;
};

static struct top_count *list_get(struct top_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->c[i].name, name))
			return &l->c[i];
	if (l->nr == TOP_MAX_COUNTS)
		fatal("%s: more than %d %s to follow: not a memdesc module's",
		      debugfs_dir(), TOP_MAX_COUNTS, l->what);
	l->c = xrealloc(l->c, (l->nr + 1) * sizeof(*l->c));
	memset(&l->c[l->nr], 0, sizeof(*l->c));
	snprintf(l->c[l->nr].name, sizeof(l->c[l->nr].name), "%s", name);
	return &l->c[l->nr++];
}

/* Start a new reading: what was now is before; unseen entries read 0. */
static void list_roll(struct top_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		l->c[i].before = l->c[i].now;
		l->c[i].seen_before = true;
		l->c[i].now = 0;
	}
}

/* Set @name's count from field @field of record @rec, if it is a number. */
static void list_set(struct top_list *l, const char *name,
		     const struct record *rec, unsigned int field)
{
	uint64_t v;

	if (field < rec->nf && parse_u64(rec->f[field], &v))
		list_get(l, name)->now = v;
}

/* Debugfs file @name, read and parsed; false if it is missing and @missing_ok. */
static bool top_parse(struct records *r, const char *name, bool missing_ok)
{
	char *path = debugfs_path(name), *text;
	bool found;

	text = read_text(path, NULL, missing_ok);
	found = text;
	if (found)
		records_parse(r, path, text);
	free(text);
	free(path);
	return found;
}

/* Read summary, stats and transitions into @st. */
static void top_read(struct top_state *st, struct records *summary)
{
	struct records r;
	char name[96];
	size_t i;

	list_roll(&st->classes);
	list_roll(&st->transitions);
	list_roll(&st->events);
	st->t_before = st->refresh ? st->t : 0;
	st->t = now_seconds();
	st->refresh++;

	top_parse(summary, "summary", false);
	for (i = 0; i < summary->nr; i++) {
		const struct record *rec = &summary->rec[i];

		if (!rec->empty && !strcmp(rec->kind, "class") && rec->nf >= 2)
			list_set(&st->classes, rec->f[0], rec, 1);
	}

	top_parse(&r, "transitions", false);
	for (i = 0; i < r.nr; i++) {
		const struct record *rec = &r.rec[i];

		if (rec->empty || strcmp(rec->kind, "transition") ||
		    rec->nf < 3)
			continue;
		snprintf(name, sizeof(name), "%s -> %s", rec->f[0], rec->f[1]);
		list_set(&st->transitions, name, rec, 2);
	}
	records_free(&r);

	top_parse(&r, "stats", false);
	for (i = 0; i < r.nr; i++) {
		const struct record *rec = &r.rec[i];

		if (!rec->empty && !strcmp(rec->kind, "event") && rec->nf >= 3)
			list_set(&st->events, rec->f[0], rec, 2);
	}
	records_free(&r);
}

/*
 * --nodes: each class's pages per node, from a snapshot of the shadow
 * saved into a temporary file and read back (snapshot.c does both, with
 * the layout checks a copy of a changing shadow needs).  Nodes past the
 * last column count in it.  The class totals become the snapshot's too.
 */
static void top_read_nodes(struct top_state *st)
{
	const char *dir = env_or("TMPDIR", "/tmp");
	char *path = xmalloc(strlen(dir) + 32);
	struct snapshot snap;
	unsigned int i, col;
	uint64_t j;
	int fd;

	sprintf(path, "%s/memdesc-top.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		fatal("%s: %s", path, strerror(errno));
	close(fd);
	temp_add(path);
	snap_save(path, SNAP_SAVE_QUIET | SNAP_SAVE_WORDS, &snap);
	temp_done(path, true);
	free(path);
	if (!st->by_node)
		st->by_node = xcalloc(MEMDESC_NR_CLASSES, sizeof(*st->by_node));
	memset(st->by_node, 0, MEMDESC_NR_CLASSES * sizeof(*st->by_node));
	st->nodes = 0;
	for (i = 0; i < snap.nr_ranges; i++) {
		const struct snap_range *r = &snap.ranges[i];

		if (r->node + 1 > st->nodes)
			st->nodes = r->node + 1;
		col = r->node < TOP_NODES ? r->node : TOP_NODES - 1;
		for (j = 0; j < r->pfns; j++)
			st->by_node[memdesc_word_class(snap_word(&snap, r->index + j))][col]++;
	}
	snap_free(&snap);
	/*
	 * The census of this view is the snapshot's, so that the columns
	 * add up: the summary read a moment before saw other words.
	 */
	for (i = 0; i < MEMDESC_NR_CLASSES; i++) {
		uint64_t sum = 0;

		for (col = 0; col < TOP_NODES; col++)
			sum += st->by_node[i][col];
		list_get(&st->classes, memdesc_class_name(i))->now = sum;
	}
}

/* Since the last refresh; a count that fell (a reload) is negative. */
static int64_t delta(const struct top_count *c)
{
	if (!c->seen_before)
		return 0;
	if (c->now >= c->before)
		return c->now - c->before > INT64_MAX ? INT64_MAX :
		       (int64_t)(c->now - c->before);
	return c->before - c->now > INT64_MAX ? -INT64_MAX :
	       -(int64_t)(c->before - c->now);
}

/* Most pages first; ties by name, so the order holds still. */
static int by_now(const void *a, const void *b)
{
	const struct top_count *x = a, *y = b;

	if (x->now != y->now)
		return x->now < y->now ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Fastest first, then most counted. */
static int by_delta(const void *a, const void *b)
{
	const struct top_count *x = a, *y = b;
	int64_t dx = delta(x), dy = delta(y);

	if (dx != dy)
		return dx < dy ? 1 : -1;
	return by_now(a, b);
}

/* A sorted copy of @l: the list keeps its order for the next reading. */
static struct top_count *sorted(const struct top_list *l,
				int (*cmp)(const void *, const void *))
{
	struct top_count *c = xmalloc((l->nr + 1) * sizeof(*c));

	if (l->nr)
		memcpy(c, l->c, l->nr * sizeof(*c));
	qsort(c, l->nr, sizeof(*c), cmp);
	return c;
}

/* "%9.1f" of a rate, or "-" before there are two readings. */
static void rate(char *buf, size_t size, const struct top_state *st,
		 const struct top_count *c)
{
	if (!st->t_before || st->t <= st->t_before || !c->seen_before)
		snprintf(buf, size, "%9s", "-");
	else
		snprintf(buf, size, "%9.1f", delta(c) / (st->t - st->t_before));
}

/* The last @width characters of @s, "..." first if it is cut. */
static const char *tail(const char *s, size_t width)
{
	static char buf[128];
	size_t len = strlen(s);

	if (len <= width || width < 4 || width >= sizeof(buf))
		return s;
	snprintf(buf, sizeof(buf), "...%s", s + len - (width - 3));
	return buf;
}

static void print_header(FILE *out, const struct top_state *st,
			 const struct records *summary, double interval,
			 bool batch)
{
	const struct record *spanned = records_find(summary, "spanned", NULL);
	char when[32];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	fprintf(out, "memdesc-stat top - refresh %u every %.1f s - %s%s\n",
		st->refresh, interval, when, batch ? "" : " - 'q' quits");
	/* The directory's tail, if it is too long for the line. */
	fprintf(out, "shadow spans %s pages, read from %s\n\n",
		spanned && spanned->nf ? spanned->f[0] : "?",
		tail(debugfs_dir(), 40));
}

/* "+N" since the last refresh, or "-" at the first. */
static void change_of(char *buf, size_t size, const struct top_state *st,
		      const struct top_count *c)
{
	if (st->t_before)
		snprintf(buf, size, "%+lld", (long long)delta(c));
	else
		snprintf(buf, size, "-");
}

/* --nodes: classes on the left, their pages per node on the right. */
static void print_census_nodes(FILE *out, const struct top_state *st,
			       const struct top_count *c, unsigned int lines)
{
	unsigned int i, n, cols = st->nodes < TOP_NODES ? st->nodes : TOP_NODES;
	unsigned int class;
	char change[32], head[16];

	fprintf(out, "%-14s %9s %8s %8s ", "CLASS", "PAGES", "MIB", "CHANGE");
	for (n = 0; n < cols; n++) {
		if (n == TOP_NODES - 1 && st->nodes > TOP_NODES)
			snprintf(head, sizeof(head), "NODE%u+", n);
		else
			snprintf(head, sizeof(head), "NODE%u", n);
		fprintf(out, " %8s", head);
	}
	fputc('\n', out);
	for (i = 0; i < lines && i < st->classes.nr && c[i].now; i++) {
		class = class_by_name(c[i].name);
		change_of(change, sizeof(change), st, &c[i]);
		fprintf(out, "%-14.14s %9llu %8.1f %8s ", c[i].name,
			(unsigned long long)c[i].now,
			(double)c[i].now / PAGES_PER_MIB, change);
		for (n = 0; n < cols; n++)
			fprintf(out, " %8llu", class < MEMDESC_NR_CLASSES ?
				(unsigned long long)st->by_node[class][n] : 0ULL);
		fputc('\n', out);
	}
}

/* Classes on the left, zones on the right: @lines lines at most. */
static void print_census(FILE *out, const struct top_state *st,
			 const struct records *summary, unsigned int lines)
{
	struct top_count *c = sorted(&st->classes, by_now);
	const struct record *zones[TOP_CLASSES];
	unsigned int nz = 0, i;
	char change[32];
	size_t k;

	for (k = 0; k < summary->nr && nz < lines; k++)
		if (!summary->rec[k].empty &&
		    !strcmp(summary->rec[k].kind, "zone") &&
		    summary->rec[k].nf >= 5)
			zones[nz++] = &summary->rec[k];
	if (st->by_node) {
		print_census_nodes(out, st, c, lines);
		free(c);
		return;
	}
	fprintf(out, "%-14s %9s %8s %8s  %4s %-7s %9s %9s\n", "CLASS",
		"PAGES", "MIB", "CHANGE", "NODE", "ZONE", "FREE", "ALLOC");
	for (i = 0; i < lines; i++) {
		bool class = i < st->classes.nr && c[i].now;

		if (!class && i >= nz)
			break;
		if (class) {
			change_of(change, sizeof(change), st, &c[i]);
			fprintf(out, "%-14.14s %9llu %8.1f %8s", c[i].name,
				(unsigned long long)c[i].now,
				(double)c[i].now / PAGES_PER_MIB, change);
		} else {
			fprintf(out, "%41s", "");
		}
		if (i < nz)
			fprintf(out, "  %4.4s %-7.7s %9.9s %9.9s", zones[i]->f[0],
				zones[i]->f[1], zones[i]->f[3], zones[i]->f[4]);
		fputc('\n', out);
	}
	free(c);
}

/* Transitions on the left, events on the right: @lines lines at most. */
static void print_rates(FILE *out, const struct top_state *st,
			unsigned int lines)
{
	struct top_count *t = sorted(&st->transitions, by_delta);
	struct top_count *e = sorted(&st->events, by_delta);
	char rt[32], re[32];
	unsigned int i;

	fprintf(out, "\n%-29s %9s  %-27s %9s\n", "TRANSITION", "BLOCKS/S",
		"EVENT", "PER S");
	for (i = 0; i < lines; i++) {
		bool ht = i < st->transitions.nr, he = i < st->events.nr;

		if (!ht && !he)
			break;
		if (ht) {
			rate(rt, sizeof(rt), st, &t[i]);
			fprintf(out, "%-29.29s %s", t[i].name, rt);
		} else {
			fprintf(out, "%39s", "");
		}
		if (he) {
			rate(re, sizeof(re), st, &e[i]);
			fprintf(out, "  %-27.27s %s", e[i].name, re);
		}
		fputc('\n', out);
	}
	free(t);
	free(e);
}

/*
 * With --owners: the sites with the most pages, of any class, from the
 * owners file ("owner handle class pages blocks frames..."); a site with
 * no saved stack shows its handle (unknown, unsaved) for a frame.
 */
static void print_owners(FILE *out)
{
	const struct record *best[TOP_SITES] = { NULL }, *on;
	uint64_t pages[TOP_SITES] = { 0 }, p;
	unsigned int i, j;
	struct records r;
	size_t k;

	fprintf(out, "\n%-14s %9s  %s\n", "SITE CLASS", "PAGES",
		"ALLOCATION SITE");
	if (!top_parse(&r, "owners", true)) {
		fputs("  no owners file: this module predates allocation sites\n",
		      out);
		return;
	}
	on = records_find(&r, "owners", NULL);
	if (!on || !on->nf || strcmp(on->f[0], "on")) {
		fputs("  not tracked: 'owners on' in control starts it\n", out);
		goto out;
	}
	for (k = 0; k < r.nr; k++) {
		const struct record *rec = &r.rec[k];

		if (rec->empty || strcmp(rec->kind, "owner") || rec->nf < 4 ||
		    !parse_u64(rec->f[2], &p))
			continue;
		for (i = 0; i < TOP_SITES && best[i] && pages[i] >= p; i++)
			;
		if (i == TOP_SITES)
			continue;
		for (j = TOP_SITES - 1; j > i; j--) {
			best[j] = best[j - 1];
			pages[j] = pages[j - 1];
		}
		best[i] = rec;
		pages[i] = p;
	}
	for (i = 0; i < TOP_SITES && best[i]; i++)
		fprintf(out, "%-14.14s %9llu  %.54s\n", best[i]->f[1],
			(unsigned long long)pages[i],
			best[i]->f[best[i]->nf > 4 ? 4 : 0]);
out:
	records_free(&r);
}

/* === the terminal === */

static struct termios saved_tio;
static bool tio_saved;

static void restore_terminal(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tio_saved = false;
}

static void on_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Keys without Enter and without echo, until exit. */
static void raw_terminal(void)
{
	struct termios tio;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	tio = saved_tio;
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio))
		return;
	tio_saved = true;
	atexit(restore_terminal);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

/* Wait @seconds, or less if 'q' is typed; true if it was. */
static bool wait_or_quit(double seconds)
{
	double end = now_seconds() + seconds, left;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;

	while ((left = end - now_seconds()) > 0) {
		if (!tio_saved) {
			struct timespec ts = {
				.tv_sec = (time_t)left,
				.tv_nsec = (long)((left - (time_t)left) * 1e9),
			};

			nanosleep(&ts, NULL);
			continue;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) > 0 &&
		    read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			return true;
	}
	return false;
}

/**
 * top_run - refresh the view every @interval seconds, @count times (0:
 * until 'q' or a signal)
 * @batch:	plain text, one refresh after the other, no screen control
 * @owners:	show the top allocation sites too
 * @nodes:	each class's pages per node, from the shadow read whole
 */
void top_run(double interval, unsigned long count, bool batch, bool owners,
	     bool nodes)
{
	struct top_state st = {
		.classes.what = "classes",
		.transitions.what = "transitions",
		.events.what = "events",
	};
	struct records summary;
	unsigned long n;

	if (!batch && !isatty(STDOUT_FILENO))
		batch = true;
	if (!batch)
		raw_terminal();
	for (n = 0; !count || n < count; n++) {
		if (n && wait_or_quit(interval))
			break;
		top_read(&st, &summary);
		if (nodes)
			top_read_nodes(&st);
		if (!batch)
			fputs("\033[H\033[2J", stdout);
		else if (n)
			fputc('\n', stdout);
		print_header(stdout, &st, &summary, interval, batch);
		print_census(stdout, &st, &summary,
			     owners ? TOP_CLASSES_OWNERS : TOP_CLASSES);
		print_rates(stdout, &st, owners ? TOP_RATES_OWNERS : TOP_RATES);
		if (owners)
			print_owners(stdout);
		records_free(&summary);
		if (fflush(stdout) || ferror(stdout))
			fatal("standard output: %s", strerror(errno));
	}
	free(st.by_node);
	free(st.classes.c);
	free(st.transitions.c);
	free(st.events.c);
}
