// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation sites: the module's owners records read, regrouped by class,
 * and compared between two snapshots.
 *
 * The owners file (README.md, "owners") has one record per (site, class),
 * most pages first over all classes, then each handle's whole stack once.
 * The question people bring is per class ("whose are these slab pages?"),
 * so the view printed here is the same census by class, in the record
 * format report.c renders:
 *
 *   owners <on|off>
 *   seconds, sites, stacks, pages, unknown, unsaved, slot_bytes (on only)
 *   class <class> <pages> <sites> <unknown> <unsaved>
 *   owner <class> <pages> <share> <blocks> <handle> <frame>...
 *   stack <handle> <frame>...				(JSON only)
 *
 * Pages with no known site (handle unknown or unsaved) are rows of their
 * own and always shown, whatever --top says: a census by site must not
 * look more complete than it is.
 *
 * --folded prints the same census as folded stacks, the format
 * flamegraph.pl, inferno and speedscope read: one line per (site, class),
 * "class;root;...;leaf pages", the handle's whole stack root first, each
 * frame without its offset so that a function is one box.  A site with no
 * saved stack is "class;[unknown]" or "class;[unsaved]".
 */
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "memdesc_stat.h"

/* Per class, the sites diff shows, most pages changed first. */
#define OWNERS_DIFF_TOP		10

/* The numbers of an "owners on" record, in its order. */
enum owners_head {
	HEAD_SECONDS,
	HEAD_SITES,
	HEAD_STACKS,
	HEAD_PAGES,
	HEAD_UNKNOWN,
	HEAD_UNSAVED,
	HEAD_SLOT_BYTES,
	NR_HEAD,
};

static const char * const owners_head[] = {
	[HEAD_SECONDS]		= "seconds",
	[HEAD_SITES]		= "sites",
	[HEAD_STACKS]		= "stacks",
	[HEAD_PAGES]		= "pages",
	[HEAD_UNKNOWN]		= "unknown",
	[HEAD_UNSAVED]		= "unsaved",
	[HEAD_SLOT_BYTES]	= "slot_bytes",
};

static_assert(MEMDESC_ARRAY_SIZE(owners_head) == NR_HEAD,
	      "a name for every number of the owners record");

/**
 * struct owner_site - one owner record
 * @rec:	the record: handle, class, pages, blocks, frames from f[4]
 * @class:	its class
 * @pages:	PFNs of that class whose block head has the handle
 * @blocks:	of those, block heads
 * @pos:	its place in the file, to keep the module's order on ties
 */
struct owner_site {
	const struct record *rec;
	unsigned int class;
	uint64_t pages;
	uint64_t blocks;
	size_t pos;
};

/**
 * struct owners - an owners file, parsed and checked
 * @on:		owners were tracked when it was read
 * @head:	the numbers of the "owners on" record (owners_head[])
 * @sites:	the owner records
 * @nr_sites:	how many
 * @stacks:	the stack records, sorted by handle
 * @nr_stacks:	how many
 * @recs:	the records all of these point into
 */
struct owners {
	bool on;
	uint64_t head[NR_HEAD];
	struct owner_site *sites;
	size_t nr_sites;
	const struct record **stacks;
	size_t nr_stacks;
	struct records recs;
};

#define SITE_FRAME0	4	/* field of an owner record's first frame */
#define STACK_FRAME0	2	/* field of a stack record's first frame */

/**
 * class_by_name - a class from its name
 * @name:	as memdesc_class_name() prints it
 *
 * Return: the class, or MEMDESC_NR_CLASSES if no class has that name.
 */
unsigned int class_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		if (!strcmp(memdesc_class_name(i), name))
			break;
	return i;
}

/* Sentinels stand for pages whose site nobody knows; they have no stack. */
static bool handle_saved(const char *h)
{
	return strcmp(h, "unknown") && strcmp(h, "unsaved");
}

/* "0x" and 8 hex digits, as the module prints a depot handle. */
static bool handle_ok(const char *h)
{
	if (!handle_saved(h))
		return true;
	return strlen(h) == 10 && !strncmp(h, "0x", 2) &&
	       strspn(h + 2, "0123456789abcdef") == 8;
}

static int stack_cmp(const void *a, const void *b)
{
	const struct record * const *x = a, * const *y = b;

	return strcmp((*x)->f[0], (*y)->f[0]);
}

/* The index of a depot handle's stack record, or @o->nr_stacks if none. */
static size_t owners_stack(const struct owners *o, const char *handle)
{
	const struct record key = { .f = (char **)&handle }, *kp = &key;
	const struct record **r;

	r = bsearch(&kp, o->stacks, o->nr_stacks, sizeof(*o->stacks),
		    stack_cmp);
	return r ? (size_t)(r - o->stacks) : o->nr_stacks;
}

static __noreturn __printf(3, 4) void owners_bad(const char *source,
						 const struct record *r,
						 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfatal_at(source, r ? r->line : 0, fmt, ap);
}

/* "owners on <seconds> ..." or "owners off": the first record. */
static void owners_parse_head(struct owners *o, const char *source,
			      const struct record *r)
{
	unsigned int i;

	if (!r || strcmp(r->kind, "owners") || !r->nf)
		owners_bad(source, r, "want 'owners on|off ...' first");
	o->on = !strcmp(r->f[0], "on");
	if (!o->on && !strcmp(r->f[0], "off") && r->nf == 1)
		return;
	if (!o->on || r->nf != 1 + NR_HEAD)
		owners_bad(source, r, "want 'owners on %s...' or 'owners off'",
			   "<seconds> <sites> <stacks> <pages> <unknown> <unsaved> <slot-bytes>");
	for (i = 0; i < NR_HEAD; i++)
		if (!parse_u64(r->f[i + 1], &o->head[i]))
			owners_bad(source, r, "%s '%s' is not a number",
				   owners_head[i], r->f[i + 1]);
}

static void owners_parse_site(struct owners *o, const char *source,
			      const struct record *r)
{
	struct owner_site *s = &o->sites[o->nr_sites];

	if (r->nf < SITE_FRAME0)
		owners_bad(source, r, "want 'owner <handle> <class> <pages> <blocks> <frame>...'");
	if (!handle_ok(r->f[0]))
		owners_bad(source, r, "'%s' is not a handle", r->f[0]);
	s->class = class_by_name(r->f[1]);
	if (s->class == MEMDESC_NR_CLASSES)
		owners_bad(source, r, "no class '%s'", r->f[1]);
	if (!parse_u64(r->f[2], &s->pages) || !parse_u64(r->f[3], &s->blocks))
		owners_bad(source, r, "pages and blocks are not numbers");
	/* No machine has more pages: every sum and difference fits. */
	if (s->pages > SNAP_MAX_PFN || s->blocks > s->pages)
		owners_bad(source, r, "%llu pages in %llu blocks: not a count of pages",
			   (unsigned long long)s->pages,
			   (unsigned long long)s->blocks);
	s->rec = r;
	s->pos = o->nr_sites++;
}

static void owners_parse_stack(struct owners *o, const char *source,
			       const struct record *r)
{
	uint64_t n;

	if (r->nf < STACK_FRAME0 || !handle_ok(r->f[0]) ||
	    !handle_saved(r->f[0]))
		owners_bad(source, r, "want 'stack <handle> <frames> <frame>...'");
	if (!parse_u64(r->f[1], &n) || n != r->nf - STACK_FRAME0)
		owners_bad(source, r, "says '%s' frames, lists %u", r->f[1],
			   r->nf - STACK_FRAME0);
	o->stacks[o->nr_stacks++] = r;
}

/*
 * The head's counts against the records: the module takes them from one
 * census, so a file where they differ was cut short or made up wrong.
 */
static void owners_check(const struct owners *o, const char *source)
{
	uint64_t pages = 0, unknown = 0, unsaved = 0, *sum;
	size_t i;

	for (i = 0; i < o->nr_sites; i++) {
		sum = NULL;
		if (!strcmp(o->sites[i].rec->f[0], "unknown"))
			sum = &unknown;
		else if (!strcmp(o->sites[i].rec->f[0], "unsaved"))
			sum = &unsaved;
		/* A sum past 2^64 would wrap, and might wrap to the head's. */
		if (__builtin_add_overflow(pages, o->sites[i].pages, &pages) ||
		    (sum && __builtin_add_overflow(*sum, o->sites[i].pages, sum)))
			owners_bad(source, o->sites[i].rec,
				   "the sites' pages add up to more than 2^64");
	}
	if (o->head[HEAD_SITES] != o->nr_sites ||
	    o->head[HEAD_STACKS] != o->nr_stacks)
		owners_bad(source, NULL, "says %llu sites and %llu stacks, lists %zu and %zu",
			   (unsigned long long)o->head[HEAD_SITES],
			   (unsigned long long)o->head[HEAD_STACKS],
			   o->nr_sites, o->nr_stacks);
	if (o->head[HEAD_PAGES] != pages || o->head[HEAD_UNKNOWN] != unknown ||
	    o->head[HEAD_UNSAVED] != unsaved)
		owners_bad(source, NULL, "says %llu pages (%llu unknown, %llu unsaved), its sites add up to %llu (%llu, %llu)",
			   (unsigned long long)o->head[HEAD_PAGES],
			   (unsigned long long)o->head[HEAD_UNKNOWN],
			   (unsigned long long)o->head[HEAD_UNSAVED],
			   (unsigned long long)pages,
			   (unsigned long long)unknown,
			   (unsigned long long)unsaved);
	for (i = 1; i < o->nr_stacks; i++)
		if (!strcmp(o->stacks[i - 1]->f[0], o->stacks[i]->f[0]))
			owners_bad(source, o->stacks[i], "a second stack of %s",
				   o->stacks[i]->f[0]);
	for (i = 0; i < o->nr_sites; i++)
		if (handle_saved(o->sites[i].rec->f[0]) &&
		    owners_stack(o, o->sites[i].rec->f[0]) == o->nr_stacks)
			owners_bad(source, o->sites[i].rec, "no stack record for %s",
				   o->sites[i].rec->f[0]);
}

/*
 * Parse @text, an owners file; every error is fatal and names @source.
 * Kinds of record it does not know are skipped, as a later module may add
 * some.
 */
static void owners_parse(struct owners *o, const char *source,
			 const char *text)
{
	const struct record *r;
	size_t i, first;

	memset(o, 0, sizeof(*o));
	records_parse(&o->recs, source, text);
	for (first = 0; first < o->recs.nr && o->recs.rec[first].empty;
	     first++)
		;
	owners_parse_head(o, source,
			  first < o->recs.nr ? &o->recs.rec[first] : NULL);
	o->sites = xcalloc(o->recs.nr, sizeof(*o->sites));
	o->stacks = xcalloc(o->recs.nr, sizeof(*o->stacks));
	if (!o->on)
		return;
	for (i = first + 1; i < o->recs.nr; i++) {
		r = &o->recs.rec[i];
		if (r->empty)
			continue;
		if (!strcmp(r->kind, "owner"))
			owners_parse_site(o, source, r);
		else if (!strcmp(r->kind, "stack"))
			owners_parse_stack(o, source, r);
		else if (!strcmp(r->kind, "owners"))
			owners_bad(source, r, "a second owners record");
	}
	qsort(o->stacks, o->nr_stacks, sizeof(*o->stacks), stack_cmp);
	owners_check(o, source);
}

static void owners_free(struct owners *o)
{
	free(o->sites);
	free(o->stacks);
	records_free(&o->recs);
	memset(o, 0, sizeof(*o));
}

/* === the view by class === */

/**
 * struct class_total - one class of the census
 * @class:	the class
 * @pages:	its pages, over every site
 * @sites:	its owner records
 * @unknown:	its pages of handle unknown
 * @unsaved:	its pages of handle unsaved
 */
struct class_total {
	unsigned int class;
	uint64_t pages;
	uint64_t sites;
	uint64_t unknown;
	uint64_t unsaved;
};

/* Most pages first; ties in class order, as the summary lists them. */
static int class_total_cmp(const void *a, const void *b)
{
	const struct class_total *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return x->class < y->class ? -1 : x->class > y->class;
}

/* Class, then most pages first; ties in the file's order. */
static int site_cmp(const void *a, const void *b)
{
	const struct owner_site *x = a, *y = b;

	if (x->class != y->class)
		return x->class < y->class ? -1 : 1;
	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Every class's totals, in class order. */
static void class_totals(const struct owners *o, struct class_total *t)
{
	const struct owner_site *s;
	size_t i;

	for (i = 0; i < MEMDESC_NR_CLASSES; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].class = i;
	}
	for (i = 0; i < o->nr_sites; i++) {
		s = &o->sites[i];
		t[s->class].pages += s->pages;
		t[s->class].sites++;
		if (!strcmp(s->rec->f[0], "unknown"))
			t[s->class].unknown += s->pages;
		else if (!strcmp(s->rec->f[0], "unsaved"))
			t[s->class].unsaved += s->pages;
	}
}

static void print_frames(FILE *out, const struct record *r,
			 unsigned int from)
{
	unsigned int i;

	for (i = from; i < r->nf; i++)
		fprintf(out, " %s", r->f[i]);
}

/*
 * One class's sites, @o->sites sorted by site_cmp(): the first @top with a
 * depot handle, and every unknown and unsaved one, in order.  Each saved
 * handle shown is marked in @shown, for its stack.
 */
static void print_class_sites(FILE *out, const struct owners *o,
			      const struct class_total *t, unsigned int top,
			      bool *shown)
{
	const struct owner_site *s;
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < o->nr_sites; i++) {
		s = &o->sites[i];
		if (s->class != t->class)
			continue;
		if (handle_saved(s->rec->f[0])) {
			if (n++ >= top)
				continue;
			shown[owners_stack(o, s->rec->f[0])] = true;
		}
		fprintf(out, "owner %s %llu %.2f %llu %s",
			memdesc_class_name(s->class),
			(unsigned long long)s->pages,
			t->pages ? (double)s->pages * 100 / t->pages : 0.0,
			(unsigned long long)s->blocks, s->rec->f[0]);
		print_frames(out, s->rec, SITE_FRAME0);
		fputc('\n', out);
	}
}

/* A frame as a flame graph names it: the function, without "+off/size". */
static void print_folded_frame(FILE *out, const char *frame)
{
	size_t n = strcspn(frame, "+");

	fprintf(out, ";%.*s", (int)(n ? n : strlen(frame)), frame);
}

/*
 * One folded line: @class, then the stack of @handle root first, from
 * the first of @o and @alt (NULL: none) that holds it, then @weight.
 */
static void print_folded(FILE *out, unsigned int class, const char *handle,
			 const struct owners *o, const struct owners *alt,
			 uint64_t weight)
{
	const struct record *r = NULL;
	size_t k;
	int i;

	k = owners_stack(o, handle);
	if (k < o->nr_stacks) {
		r = o->stacks[k];
	} else if (alt) {
		k = owners_stack(alt, handle);
		if (k < alt->nr_stacks)
			r = alt->stacks[k];
	}
	fputs(memdesc_class_name(class), out);
	if (!r)
		fprintf(out, ";[%s]", handle_saved(handle) ? "no stack" : handle);
	else
		for (i = (int)r->nf - 1; i >= STACK_FRAME0; i--)
			print_folded_frame(out, r->f[i]);
	fprintf(out, " %llu\n", (unsigned long long)weight);
}

/**
 * owners_folded - the owners census as folded stacks, weighted by pages
 * @source:	where @text came from, for messages
 * @text:	an owners file, live or saved
 * @class:	only this class; MEMDESC_NR_CLASSES for every class
 * @out:	output, one line per (site, class); see the top of this file
 *
 * Every error is fatal.
 *
 * Return: whether owners were on when @text was read; nothing is printed
 * if they were not.
 */
bool owners_folded(const char *source, const char *text, unsigned int class,
		   FILE *out)
{
	struct owners o;
	size_t i;
	bool on;

	owners_parse(&o, source, text);
	on = o.on;
	qsort(o.sites, o.nr_sites, sizeof(*o.sites), site_cmp);
	for (i = 0; on && i < o.nr_sites; i++)
		if (o.sites[i].pages && (class == MEMDESC_NR_CLASSES ||
					 class == o.sites[i].class))
			print_folded(out, o.sites[i].class,
				     o.sites[i].rec->f[0], &o, NULL,
				     o.sites[i].pages);
	owners_free(&o);
	return on;
}

/* The stack records of the handles shown, in handle order. */
static void print_stacks(FILE *out, const struct owners *o, const bool *shown)
{
	size_t i;

	fputs("# stack handle frames...\n", out);
	for (i = 0; i < o->nr_stacks; i++) {
		if (!shown[i])
			continue;
		fprintf(out, "stack %s", o->stacks[i]->f[0]);
		print_frames(out, o->stacks[i], STACK_FRAME0);
		fputc('\n', out);
	}
}

/**
 * owners_view - the owners census by class, in the record format
 * @source:	where @text came from, for messages
 * @text:	an owners file, live or saved
 * @opts:	which classes, how many sites, whether stacks
 * @out:	output; see the top of this file
 *
 * Every error is fatal.
 *
 * Return: whether owners were on when @text was read.
 */
bool owners_view(const char *source, const char *text,
		 const struct owners_opts *opts, FILE *out)
{
	struct class_total sorted[MEMDESC_NR_CLASSES];
	struct owners o;
	bool *shown;
	size_t i;

	owners_parse(&o, source, text);
	fprintf(out, "owners %s\n", o.on ? "on" : "off");
	if (!o.on) {
		owners_free(&o);
		return false;
	}
	for (i = 0; i < NR_HEAD; i++)
		fprintf(out, "%s %llu\n", owners_head[i],
			(unsigned long long)o.head[i]);
	class_totals(&o, sorted);
	qsort(sorted, MEMDESC_NR_CLASSES, sizeof(*sorted), class_total_cmp);
	qsort(o.sites, o.nr_sites, sizeof(*o.sites), site_cmp);
	shown = xcalloc(o.nr_stacks, sizeof(*shown));

	fputs("# class pages sites unknown unsaved\n", out);
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		if (opts->class == sorted[i].class ||
		    (opts->class == MEMDESC_NR_CLASSES && sorted[i].pages))
			fprintf(out, "class %s %llu %llu %llu %llu\n",
				memdesc_class_name(sorted[i].class),
				(unsigned long long)sorted[i].pages,
				(unsigned long long)sorted[i].sites,
				(unsigned long long)sorted[i].unknown,
				(unsigned long long)sorted[i].unsaved);
	fputs("# owner class pages share blocks handle site...\n", out);
	for (i = 0; i < MEMDESC_NR_CLASSES; i++)
		if (sorted[i].pages && (opts->class == MEMDESC_NR_CLASSES ||
					opts->class == sorted[i].class))
			print_class_sites(out, &o, &sorted[i], opts->top,
					  shown);
	if (opts->stacks)
		print_stacks(out, &o, shown);
	free(shown);
	owners_free(&o);
	return true;
}

/* === diff === */

/**
 * struct owner_change - one (site, class) in either snapshot
 * @class:	the class
 * @handle:	the site's handle
 * @before:	its pages in the first snapshot
 * @after:	in the second
 * @rec:	its owner record, for the frames: the second's if it has one
 */
struct owner_change {
	unsigned int class;
	const char *handle;
	uint64_t before;
	uint64_t after;
	const struct record *rec;
};

static int64_t change_delta(const struct owner_change *c)
{
	return (int64_t)(c->after - c->before);
}

/* By class and handle, to bring a site's two records together. */
static int change_key_cmp(const void *a, const void *b)
{
	const struct owner_change *x = a, *y = b;

	if (x->class != y->class)
		return x->class < y->class ? -1 : 1;
	return strcmp(x->handle, y->handle);
}

/* By class, then most pages changed, growth first, then handle. */
static int change_cmp(const void *a, const void *b)
{
	const struct owner_change *x = a, *y = b;
	int64_t dx = change_delta(x), dy = change_delta(y);
	uint64_t ax = dx < 0 ? -(uint64_t)dx : (uint64_t)dx;
	uint64_t ay = dy < 0 ? -(uint64_t)dy : (uint64_t)dy;

	if (x->class != y->class)
		return x->class < y->class ? -1 : 1;
	if (ax != ay)
		return ax > ay ? -1 : 1;
	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(x->handle, y->handle);
}

/*
 * Both censuses as one list of changes, a site only one of them has
 * counting 0 pages in the other; sites that did not change are dropped.
 */
static struct owner_change *owners_changes(const struct owners *a,
					   const struct owners *b,
					   size_t *nr)
{
	size_t n = a->nr_sites + b->nr_sites, i, j, k = 0;
	struct owner_change *c = xcalloc(n, sizeof(*c));

	for (i = 0; i < n; i++) {
		const struct owners *o = i < a->nr_sites ? a : b;
		const struct owner_site *s =
			&o->sites[i < a->nr_sites ? i : i - a->nr_sites];

		c[i].class = s->class;
		c[i].handle = s->rec->f[0];
		c[i].rec = s->rec;
		if (o == a)
			c[i].before = s->pages;
		else
			c[i].after = s->pages;
	}
	qsort(c, n, sizeof(*c), change_key_cmp);
	for (i = 0; i < n; i = j) {
		struct owner_change m = c[i];

		/* The frames of the second's record, which is the newer. */
		for (j = i + 1; j < n && !change_key_cmp(&c[i], &c[j]); j++) {
			m.before += c[j].before;
			m.after += c[j].after;
			if (c[j].after)
				m.rec = c[j].rec;
		}
		if (m.before != m.after)
			c[k++] = m;
	}
	qsort(c, k, sizeof(*c), change_cmp);
	*nr = k;
	return c;
}

/* "on", "off", or "none" for a snapshot saved without the section. */
static const char *owners_state(const struct snapshot *s, struct owners *o)
{
	char *source;

	if (!s->owners.data)
		return "none";
	source = snap_section_source(s, "owners");
	owners_parse(o, source, s->owners.data);
	free(source);
	return o->on ? "on" : "off";
}

/**
 * owners_diff - which allocation sites grew or shrank from @a to @b
 * @a:		before
 * @b:		after, of the same boot (census_diff() checks), so a depot
 *		handle names the same stack in both
 * @out:	output, in the record format:
 *
 *   owners_before <on|off|none>	the owners section of @a: owners on,
 *   owners_after <on|off|none>		off at save time, or none saved
 *   owner <class> <before> <after> <delta> <handle> <frame>...
 *
 * owner records only when both are on: per class, in class order, the
 * OWNERS_DIFF_TOP sites whose pages changed most, and every unknown and
 * unsaved one that changed.
 */
void owners_diff(const struct snapshot *a, const struct snapshot *b,
		 FILE *out)
{
	struct owners oa = { 0 }, ob = { 0 };
	const char *sa = owners_state(a, &oa), *sb = owners_state(b, &ob);
	unsigned int class = MEMDESC_NR_CLASSES, n = 0;
	struct owner_change *c;
	size_t nr, i;

	fprintf(out, "owners_before %s\nowners_after %s\n", sa, sb);
	if (oa.on && ob.on) {
		c = owners_changes(&oa, &ob, &nr);
		fputs("# owner class before after delta handle site...\n",
		      out);
		for (i = 0; i < nr; i++) {
			if (c[i].class != class) {
				class = c[i].class;
				n = 0;
			}
			if (handle_saved(c[i].handle) && n++ >= OWNERS_DIFF_TOP)
				continue;
			fprintf(out, "owner %s %llu %llu %lld %s",
				memdesc_class_name(c[i].class),
				(unsigned long long)c[i].before,
				(unsigned long long)c[i].after,
				(long long)change_delta(&c[i]), c[i].handle);
			print_frames(out, c[i].rec, SITE_FRAME0);
			fputc('\n', out);
		}
		free(c);
	}
	owners_free(&oa);
	owners_free(&ob);
}

/**
 * owners_diff_folded - the sites that grew from @a to @b, as folded stacks
 * @a:		the first snapshot
 * @b:		the second
 * @class:	only this class; MEMDESC_NR_CLASSES for every class
 * @out:	one line per (site, class) whose pages grew, weighted by how
 *		many they grew by; see the top of this file
 *
 * Return: whether both snapshots had owners on; nothing is printed if not.
 */
bool owners_diff_folded(const struct snapshot *a, const struct snapshot *b,
			unsigned int class, FILE *out)
{
	struct owners oa = { 0 }, ob = { 0 };
	struct owner_change *c;
	size_t nr, i;
	bool on;

	owners_state(a, &oa);
	owners_state(b, &ob);
	on = oa.on && ob.on;
	if (on) {
		c = owners_changes(&oa, &ob, &nr);
		for (i = 0; i < nr; i++)
			if (change_delta(&c[i]) > 0 &&
			    (class == MEMDESC_NR_CLASSES || class == c[i].class))
				print_folded(out, c[i].class, c[i].handle, &ob,
					     &oa, change_delta(&c[i]));
		free(c);
	}
	owners_free(&oa);
	owners_free(&ob);
	return on;
}
