// SPDX-License-Identifier: GPL-2.0
/*
 * Records to tables for people, or to JSON for scripts.
 *
 * The input is the module's debugfs record format (docs/debugfs.md): one
 * record a line, its kind first, fields separated by spaces; a '#' line
 * names the columns of the records after it, with or without the kind as its
 * first word ("# field name agree ...", "# class pages").  A kind with such
 * a header is a table; a kind without one is a scalar ("spanned 524288").
 * Nothing here knows a report's fields beyond the few columns that get a
 * human-readable size next to them and the frames of an allocation site,
 * joined with an arrow, so a field the module adds shows up without a
 * change here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memdesc_stat.h"

/* Bytes in a PFN: the module counts 4 KiB pages (x86-64). */
#define PFN_BYTES	4096ULL

/* === parsing === */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * The words of the line from @s to @end, counted; with @w, also stored
 * there and cut apart in place (each blank becomes a NUL).
 */
static unsigned int split_words(char *s, const char *end, char **w)
{
	unsigned int n = 0;

	while (s < end) {
		for (; s < end && is_blank(*s); s++)
			if (w)
				*s = '\0';
		if (s == end)
			break;
		if (w)
			w[n] = s;
		n++;
		while (s < end && !is_blank(*s))
			s++;
	}
	return n;
}

/* The first word of the line from @s to @end, which has one. */
static const char *first_word(const char *s, const char *end)
{
	while (s < end && (is_blank(*s) || !*s))
		s++;
	return s;
}

/**
 * struct records_walk - where a pass over the text is
 * @nr:		records so far
 * @nwords:	words so far, in @r->words
 * @hdr:	where the pending header's words start in @r->words
 * @nh:		how many; a header of none stands for no header
 * @have_hdr:	a '#' line came since the last record
 */
struct records_walk {
	size_t nr;
	size_t nwords;
	size_t hdr;
	unsigned int nh;
	bool have_hdr;
};

/*
 * One record into @r, in the second pass; only counted in the first, when
 * @r->rec is NULL.  @kind is where its words start in @r->words: the kind,
 * then @nf fields.
 */
static void records_add(struct records *r, struct records_walk *wk,
			size_t kind, unsigned int nf, unsigned int lineno,
			bool empty)
{
	if (r->rec) {
		struct record *rec = &r->rec[wk->nr];

		rec->kind = r->words[kind];
		rec->nf = nf;
		rec->f = nf ? &r->words[kind + 1] : NULL;
		rec->nh = wk->have_hdr ? wk->nh : 0;
		rec->hdr = rec->nh ? &r->words[wk->hdr] : NULL;
		rec->line = lineno;
		rec->empty = empty;
	}
	wk->nr++;
	wk->have_hdr = false;
}

/*
 * A pass over @r->text: the first counts records and words (and checks
 * their number), the second, with @r->rec and @r->words allocated, fills
 * them in and cuts the text into words.
 */
static void records_walk(struct records *r, const char *source)
{
	struct records_walk wk = { 0 };
	bool fill = r->rec != NULL;
	unsigned int lineno = 0, n;
	char *p = r->text, *line, *end;
	const char *first;
	char **w;

	while (*p) {
		line = p;
		end = strchrnul(p, '\n');
		p = *end ? end + 1 : end;
		lineno++;
		w = fill ? &r->words[wk.nwords] : NULL;
		n = split_words(line, end, w);
		if (fill)
			*end = '\0';
		if (!n)
			continue;
		if (n > RECORDS_MAX_FIELDS + 1)
			fatal_at(source, lineno,
				 "%u fields; a record has at most %u", n - 1,
				 RECORDS_MAX_FIELDS);
		first = first_word(line, end);
		if (*first != '#') {
			records_add(r, &wk, wk.nwords, n - 1, lineno, false);
			wk.nwords += n;
			continue;
		}
		/* A header no record followed: an empty table of its kind. */
		if (wk.have_hdr && wk.nh)
			records_add(r, &wk, wk.hdr, 0, lineno, true);
		/* "# a b" or "#a b": the words after the '#' */
		wk.hdr = wk.nwords;
		wk.nh = n;
		if (first + 1 < end && first[1] && !is_blank(first[1])) {
			if (fill)
				r->words[wk.hdr]++;
		} else {
			wk.hdr++;
			wk.nh--;
		}
		wk.have_hdr = true;
		wk.nwords += n;
	}
	if (wk.have_hdr && wk.nh)
		records_add(r, &wk, wk.hdr, 0, lineno, true);
	r->nr = wk.nr;
	r->nr_words = wk.nwords;
}

/**
 * records_parse - split report text into records
 * @r:		filled in; free with records_free()
 * @source:	where @text came from, for messages
 * @text:	the report; not modified
 *
 * Each record's words point into one copy of @text.  A '#' line is kept as
 * the header of the record that follows it.  A line of more than
 * RECORDS_MAX_FIELDS fields is an error, fatal.  Time and memory are linear
 * in the size of @text.
 */
void records_parse(struct records *r, const char *source, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->text = xstrdup(text);
	records_walk(r, source);
	r->rec = xcalloc(r->nr, sizeof(*r->rec));
	r->words = xcalloc(r->nr_words, sizeof(*r->words));
	records_walk(r, source);
}

/**
 * records_parse_report - records_parse() of report @name from @source
 * @r:		filled in; free with records_free()
 * @source:	where the report came from: debugfs directory, snapshot
 * @name:	the report
 * @text:	its text
 *
 * Messages name it "SOURCE (NAME)".
 */
void records_parse_report(struct records *r, const char *source,
			  const char *name, const char *text)
{
	char *both = xmalloc(strlen(source) + strlen(name) + 4);

	sprintf(both, "%s (%s)", source, name);
	records_parse(r, both, text);
	free(both);
}

/**
 * records_free - undo records_parse()
 * @r:		the records
 */
void records_free(struct records *r)
{
	free(r->rec);
	free(r->words);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

/**
 * records_find - the first record of a kind
 * @r:		records
 * @kind:	its first word
 * @f0:		its first field, or NULL for any
 *
 * Return: the record, or NULL.
 */
const struct record *records_find(const struct records *r, const char *kind,
				  const char *f0)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (!r->rec[i].empty && !strcmp(r->rec[i].kind, kind) &&
		    (!f0 || (r->rec[i].nf && !strcmp(r->rec[i].f[0], f0))))
			return &r->rec[i];
	return NULL;
}

/**
 * parse_u64 - a decimal number, all of @s, no sign
 * @s:		the text
 * @v:		the value
 *
 * Return: true if @s is one.
 */
bool parse_u64(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return true;
}

/**
 * is_number - whether @s is a number as the module prints them, and as JSON
 * and Prometheus take them: -?(0|[1-9][0-9]*)(\.[0-9]+)?
 * @s:		the text
 */
bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	if (*s == '0' && s[1] >= '0' && s[1] <= '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return !*s;
}

/* === grouping === */

/**
 * struct group - every record of one kind
 * @kind:	the kind
 * @rows:	its records, in order
 * @nr:		how many
 * @table:	it had a header: the records are rows of a table
 * @cols:	column names
 * @ncols:	how many; the last takes the rest of the fields if @variadic
 * @variadic:	the header's last word ends in "..."
 * @titled:	the header began with the kind: tables show it as a title,
 *		or, where the next column is "name", in its place
 * @renamed:	the latter
 * @first:	its first record, perhaps an empty one: the columns' source
 */
struct group {
	const char *kind;
	const struct record **rows;
	size_t nr;
	bool table;
	char **cols;
	unsigned int ncols;
	bool variadic;
	bool titled;
	bool renamed;
	const struct record *first;
};

static void group_columns(struct group *g, const struct record *r)
{
	unsigned int nh = r->nh, skip = 0, i, len;
	char **h = r->hdr;

	g->table = nh > 0;
	if (!nh)
		return;
	len = strlen(h[nh - 1]);
	g->variadic = len > 3 && !strcmp(h[nh - 1] + len - 3, "...");
	/*
	 * The kind as the header's first word is a title, not a column,
	 * unless it is the only word: then it names the one column.
	 */
	if (nh > 1 && !strcmp(h[0], r->kind) &&
	    ((nh - 1 == r->nf || (g->variadic && nh - 1 <= r->nf)) ||
	     !(nh == r->nf || (g->variadic && nh <= r->nf))))
		skip = 1;
	g->ncols = nh - skip;
	if (!g->variadic && r->nf > g->ncols)
		g->ncols = r->nf;
	g->cols = xcalloc(g->ncols, sizeof(*g->cols));
	for (i = 0; i < g->ncols; i++) {
		char buf[16];

		if (i + skip < nh) {
			g->cols[i] = xstrdup(h[i + skip]);
		} else {
			snprintf(buf, sizeof(buf), "f%u", i + 1);
			g->cols[i] = xstrdup(buf);
		}
	}
	if (g->variadic)
		g->cols[g->ncols - 1][strlen(g->cols[g->ncols - 1]) - 3] = '\0';
	g->titled = skip;
	g->renamed = skip && !strcmp(g->cols[0], "name");
}

/* By kind, then in the report's order. */
static int by_kind(const void *a, const void *b)
{
	const struct record *x = *(const struct record * const *)a;
	const struct record *y = *(const struct record * const *)b;
	int c = strcmp(x->kind, y->kind);

	if (c)
		return c;
	return x < y ? -1 : x > y;
}

/* In the order their kinds first appear. */
static int by_first(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/**
 * struct groups - a report's records by kind
 * @g:		the groups, in the order their kinds first appear
 * @nr:		how many
 * @rows:	every group's rows, one array: sorted by kind, which brings
 *		each kind's records together in O(n log n)
 */
struct groups {
	struct group *g;
	size_t nr;
	const struct record **rows;
};

static void group_records(const struct records *r, struct groups *gs)
{
	const struct record **by = xcalloc(r->nr, sizeof(*by));
	struct group *g = xcalloc(r->nr, sizeof(*g));
	size_t n = 0, i, j, k;

	for (i = 0; i < r->nr; i++)
		by[i] = &r->rec[i];
	qsort(by, r->nr, sizeof(*by), by_kind);
	for (i = 0; i < r->nr; i = j) {
		g[n].kind = by[i]->kind;
		g[n].first = by[i];
		group_columns(&g[n], by[i]);
		/* Its rows: the records of the kind that are not empty. */
		g[n].rows = by + i;
		for (j = i, k = i; j < r->nr && !strcmp(by[j]->kind, g[n].kind);
		     j++)
			if (!by[j]->empty)
				by[k++] = by[j];
		g[n].nr = k - i;
		n++;
	}
	qsort(g, n, sizeof(*g), by_first);
	gs->g = g;
	gs->nr = n;
	gs->rows = by;
}

static void groups_free(struct groups *gs)
{
	size_t i, j;

	for (i = 0; i < gs->nr; i++) {
		for (j = 0; j < gs->g[i].ncols; j++)
			free(gs->g[i].cols[j]);
		free(gs->g[i].cols);
	}
	free(gs->g);
	free(gs->rows);
}

/* Fields @from.. of @r joined by @sep. */
static char *join_fields(const struct record *r, unsigned int from,
			 const char *sep)
{
	size_t len = 1, seplen = strlen(sep), flen;
	unsigned int i;
	char *s, *p;

	for (i = from; i < r->nf; i++)
		len += strlen(r->f[i]) + seplen;
	p = s = xmalloc(len);
	for (i = from; i < r->nf; i++) {
		if (i > from) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		flen = strlen(r->f[i]);
		memcpy(p, r->f[i], flen);
		p += flen;
	}
	*p = '\0';
	return s;
}

/*
 * Variadic columns that tables join with more than a space: an allocation
 * site's frames, each called from the next ("a \u2190 b" is "a <- b" in
 * UTF-8).  JSON keeps them an array.
 */
static const struct join {
	const char *report;
	const char *kind;
	const char *sep;
} joins[] = {
	{ "owners",	"owner",	" \u2190 " },
	{ "diff",	"owner",	" \u2190 " },
};

static const char *join_sep(const char *report, const char *kind)
{
	size_t i;

	for (i = 0; i < MEMDESC_ARRAY_SIZE(joins); i++)
		if (!strcmp(joins[i].report, report) &&
		    !strcmp(joins[i].kind, kind))
			return joins[i].sep;
	return " ";
}

/* Field @c of @r as the table shows it; a variadic rest joined. */
static char *cell(const char *name, const struct group *g,
		  const struct record *r, unsigned int c)
{
	if (c >= r->nf)
		return xstrdup("");
	if (!g->variadic || c < g->ncols - 1)
		return xstrdup(r->f[c]);
	return join_fields(r, c, join_sep(name, g->kind));
}

/* === JSON === */

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_key(FILE *out, const char *s)
{
	char *k = xstrdup(s), *p;

	for (p = k; *p; p++)
		if (*p == '-')
			*p = '_';
	json_string(out, k);
	fputs(": ", out);
	free(k);
}

static void json_value(FILE *out, const char *s)
{
	if (!strcmp(s, "-"))
		fputs("null", out);
	else if (is_number(s))
		fputs(s, out);
	else
		json_string(out, s);
}

static void json_row(FILE *out, const struct group *g, const struct record *r)
{
	unsigned int c, i;

	fputc('{', out);
	for (c = 0; c < g->ncols; c++) {
		if (c)
			fputs(", ", out);
		json_key(out, g->cols[c]);
		if (g->variadic && c == g->ncols - 1) {
			fputc('[', out);
			for (i = c; i < r->nf; i++) {
				if (i > c)
					fputs(", ", out);
				json_value(out, r->f[i]);
			}
			fputc(']', out);
		} else if (c < r->nf) {
			json_value(out, r->f[c]);
		} else {
			fputs("null", out);
		}
	}
	fputc('}', out);
}

/* A scalar record: one value, several as an array, none as true. */
static void json_scalar(FILE *out, const struct record *r)
{
	unsigned int i;

	if (!r->nf) {
		fputs("true", out);
	} else if (r->nf == 1) {
		json_value(out, r->f[0]);
	} else {
		fputc('[', out);
		for (i = 0; i < r->nf; i++) {
			if (i)
				fputs(", ", out);
			json_value(out, r->f[i]);
		}
		fputc(']', out);
	}
}

static void print_json(FILE *out, const char *name, const char *source,
		       const struct group *g, size_t nr)
{
	size_t i, j;

	fputs("{\n  \"report\": ", out);
	json_string(out, name);
	fputs(",\n  \"source\": ", out);
	json_string(out, source);
	for (i = 0; i < nr; i++) {
		fputs(",\n  ", out);
		json_key(out, g[i].kind);
		if (!g[i].table && g[i].nr == 1) {
			json_scalar(out, g[i].rows[0]);
			continue;
		}
		if (!g[i].nr) {
			fputs("[]", out);
			continue;
		}
		fputc('[', out);
		for (j = 0; j < g[i].nr; j++) {
			fputs(j ? ",\n    " : "\n    ", out);
			if (g[i].table)
				json_row(out, &g[i], g[i].rows[j]);
			else
				json_scalar(out, g[i].rows[j]);
		}
		fputs("\n  ]", out);
	}
	fputs("\n}\n", out);
}

/* === tables === */

enum unit {
	UNIT_PFNS,
	UNIT_BYTES,
};

/*
 * Columns (or, with no column, scalars) that get a human-readable size
 * beside them in tables; @percent_of adds a share of that scalar too.
 */
static const struct decoration {
	const char *report;
	const char *kind;
	const char *column;
	enum unit unit;
	const char *percent_of;
} decorations[] = {
	{ "summary",	"spanned",	NULL,		UNIT_PFNS, NULL },
	{ "summary",	"zone",		"pages",	UNIT_PFNS, NULL },
	{ "summary",	"class",	"pages",	UNIT_PFNS, "spanned" },
	{ "projection",	"pfns",		NULL,		UNIT_PFNS, NULL },
	{ "projection",	"descriptor",	"bytes",	UNIT_BYTES, NULL },
	{ "projection",	"memory",	"pages-bytes",	UNIT_BYTES, NULL },
	{ "projection",	"memory",	"descriptor-bytes", UNIT_BYTES, NULL },
	{ "projection",	"memory",	"total",	UNIT_BYTES, NULL },
	{ "projection",	"saving",	"bytes",	UNIT_BYTES, NULL },
	{ "projection",	"revision",	"total",	UNIT_BYTES, NULL },
	{ "projection",	"place",	"bytes",	UNIT_BYTES, NULL },
	{ "summary",	"detail",	"pages",	UNIT_PFNS, NULL },
	{ "stats",	"pfns",		NULL,		UNIT_PFNS, NULL },
	{ "stats",	"untracked_pfns", NULL,		UNIT_PFNS, NULL },
	{ "stats",	"shadow_bytes",	NULL,		UNIT_BYTES, NULL },
	{ "stats",	"shadow_word_bytes", NULL,	UNIT_BYTES, NULL },
	{ "stats",	"shadow_table_bytes", NULL,	UNIT_BYTES, NULL },
	{ "compare",	"compared",	NULL,		UNIT_PFNS, NULL },
	{ "compare",	"untracked",	NULL,		UNIT_PFNS, NULL },
	{ "diff",	"pfns",		NULL,		UNIT_PFNS, NULL },
	{ "diff",	"changed",	NULL,		UNIT_PFNS, NULL },
	{ "diff",	"rewritten",	NULL,		UNIT_PFNS, NULL },
	{ "diff",	"change",	"pfns",		UNIT_PFNS, NULL },
	{ "diff",	"owner",	"delta",	UNIT_PFNS, NULL },
	{ "owners",	"pages",	NULL,		UNIT_PFNS, NULL },
	{ "owners",	"unknown",	NULL,		UNIT_PFNS, NULL },
	{ "owners",	"unsaved",	NULL,		UNIT_PFNS, NULL },
	{ "owners",	"slot_bytes",	NULL,		UNIT_BYTES, NULL },
	{ "owners",	"class",	"pages",	UNIT_PFNS, "pages" },
	{ "owners",	"owner",	"pages",	UNIT_PFNS, NULL },
	{ "map",	"color",	"pfns",		UNIT_PFNS, "" },
};

static const struct decoration *find_decoration(const char *report,
						const char *kind,
						const char *column)
{
	size_t i;

	for (i = 0; i < MEMDESC_ARRAY_SIZE(decorations); i++) {
		const struct decoration *d = &decorations[i];

		if (!strcmp(d->report, report) && !strcmp(d->kind, kind) &&
		    ((!d->column && !column) ||
		     (d->column && column && !strcmp(d->column, column))))
			return d;
	}
	return NULL;
}

static const char * const human_units[] = {
	"B", "KiB", "MiB", "GiB", "TiB", "PiB",
};

/* "1.5 GiB", "512 KiB", "-3.0 MiB", "0 B"; NULL if @s is no number. */
static char *human(const char *s, enum unit unit)
{
	bool neg = *s == '-';
	double v;
	uint64_t n;
	char buf[32];
	int u = 0;

	if (!parse_u64(s + neg, &n))
		return NULL;
	v = n;
	if (unit == UNIT_PFNS)
		v *= PFN_BYTES;
	while (v >= 1024 && u < (int)MEMDESC_ARRAY_SIZE(human_units) - 1) {
		v /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, sizeof(buf), "%s%.1f %s", neg ? "-" : "", v,
			 human_units[u]);
	else
		snprintf(buf, sizeof(buf), "%s%.0f B", neg ? "-" : "", v);
	return xstrdup(buf);
}

/* @part of @whole as "12.34", or "-". */
static char *percent(const char *part, double whole)
{
	char buf[32];
	uint64_t n;

	if (!whole || !parse_u64(part, &n))
		return xstrdup("-");
	snprintf(buf, sizeof(buf), "%.2f", n * 100.0 / whole);
	return xstrdup(buf);
}

/* Right-align a column whose every cell looks like a number. */
static bool numeric_cell(const char *s)
{
	if (!*s || !strcmp(s, "-"))
		return true;
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	while ((*s >= '0' && *s <= '9') || *s == '.')
		s++;
	return !*s || !strcmp(s, " B") || s[0] == ' ';
}

/* A cell wider than this widens its column no further: it sticks out. */
#define TABLE_PAD_MAX	64

enum col_kind {
	COL_FIELD,		/* a field as it is */
	COL_SIZE,		/* its human-readable size */
	COL_SHARE,		/* its share of a whole, in percent */
};

/**
 * struct col - a column of a table as printed
 * @field:	the field it shows, or the size or share of
 * @kind:	which of these
 * @unit:	the field's unit, for COL_SIZE
 * @whole:	what COL_SHARE divides by; 0 for no share
 * @width:	its widest cell, at most TABLE_PAD_MAX
 * @right:	every cell looks like a number: aligned right
 */
struct col {
	unsigned int field;
	enum col_kind kind;
	enum unit unit;
	double whole;
	unsigned int width;
	bool right;
};

/**
 * struct table - a group as printed: its columns, and a row per record
 * @name:	the report, which decides the decorations and joins
 * @g:		the group
 * @col:	the columns, each field's followed by its size and share
 * @nr:		how many
 * @field_end:	per field, the column after its last one
 */
struct table {
	const char *name;
	const struct group *g;
	struct col *col;
	unsigned int nr;
	unsigned int *field_end;
};

/* The value of a scalar record, as a number; 0 if there is none. */
static uint64_t scalar_value(const struct group *g, size_t nr,
			     const char *kind)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(g[i].kind, kind) && !g[i].table &&
		    g[i].rows[0]->nf == 1 && parse_u64(g[i].rows[0]->f[0], &v))
			return v;
	return 0;
}

/* The sum of a column, for a share with no scalar to divide by. */
static double column_sum(const struct group *g, unsigned int c)
{
	unsigned __int128 sum = 0;
	uint64_t v;
	size_t r;

	for (r = 0; r < g->nr; r++)
		if (c < g->rows[r]->nf && parse_u64(g->rows[r]->f[c], &v))
			sum += v;
	return (double)sum;
}

static void table_add(struct table *t, unsigned int field, enum col_kind kind,
		      const struct decoration *d, double whole)
{
	t->col[t->nr++] = (struct col){
		.field = field, .kind = kind, .unit = d ? d->unit : UNIT_PFNS,
		.whole = whole, .right = true,
	};
}

/* The columns of @g: each field, then its size and share if it has them. */
static void table_columns(struct table *t, const struct group *all,
			  size_t nr_groups)
{
	const struct group *g = t->g;
	const struct decoration *d;
	unsigned int c;
	double whole;

	t->col = xcalloc(3 * g->ncols, sizeof(*t->col));
	t->field_end = xcalloc(g->ncols, sizeof(*t->field_end));
	for (c = 0; c < g->ncols; c++) {
		table_add(t, c, COL_FIELD, NULL, 0);
		d = find_decoration(t->name, g->kind, g->cols[c]);
		if (d) {
			table_add(t, c, COL_SIZE, d, 0);
			if (d->percent_of) {
				whole = *d->percent_of ?
					scalar_value(all, nr_groups,
						     d->percent_of) :
					column_sum(g, c);
				table_add(t, c, COL_SHARE, d, whole);
			}
		}
		t->field_end[c] = t->nr;
	}
}

/* The cell of column @c in row @r, or in the header row for NULL. */
static char *table_cell(const struct table *t, unsigned int c,
			const struct record *r)
{
	const struct col *col = &t->col[c];
	const struct group *g = t->g;
	char *h;

	if (!r) {
		if (col->kind == COL_SIZE)
			return xstrdup("size");
		if (col->kind == COL_SHARE)
			return xstrdup("%");
		return xstrdup(col->field == 0 && g->renamed ? g->kind :
			       g->cols[col->field]);
	}
	if (col->field >= r->nf)
		return xstrdup("");
	if (col->kind == COL_SHARE)
		return percent(r->f[col->field], col->whole);
	if (col->kind == COL_FIELD)
		return cell(t->name, g, r, col->field);
	h = human(r->f[col->field], col->unit);
	return h ? h : xstrdup("");
}

/*
 * The columns row @r (NULL: the header) has cells in: a row without a
 * field has none of the field's columns.
 */
static unsigned int table_row_cols(const struct table *t,
				   const struct record *r)
{
	if (!r || r->nf >= t->g->ncols)
		return t->nr;
	return r->nf ? t->field_end[r->nf - 1] : 1;
}

/* Widths and alignment, a cell at a time: no row is kept. */
static void table_measure(struct table *t)
{
	const struct record *r;
	unsigned int c, n;
	size_t i, len;
	char *s;

	for (i = 0; i <= t->g->nr; i++) {
		r = i ? t->g->rows[i - 1] : NULL;
		n = table_row_cols(t, r);
		for (c = 0; c < n; c++) {
			s = table_cell(t, c, r);
			len = strlen(s);
			if (len > t->col[c].width)
				t->col[c].width = len < TABLE_PAD_MAX ? len :
						  TABLE_PAD_MAX;
			if (r && !numeric_cell(s))
				t->col[c].right = false;
			free(s);
		}
	}
}

/* One row; empty cells at its end print nothing, not spaces. */
static void table_print_row(FILE *out, const struct table *t,
			    const struct record *r, char **cells)
{
	unsigned int c, end, n = table_row_cols(t, r);

	for (c = 0; c < n; c++)
		cells[c] = table_cell(t, c, r);
	for (end = n; end > 1 && !*cells[end - 1]; end--)
		;
	for (c = 0; c < end; c++) {
		const struct col *col = &t->col[c];

		if (c)
			fputs("  ", out);
		if (col->right)
			fprintf(out, "%*s", (int)col->width, cells[c]);
		else if (c == end - 1)
			fputs(cells[c], out);
		else
			fprintf(out, "%-*s", (int)col->width, cells[c]);
	}
	fputc('\n', out);
	for (c = 0; c < n; c++)
		free(cells[c]);
}

static void print_table(FILE *out, const char *name, const struct group *all,
			size_t nr_groups, const struct group *g)
{
	struct table t = { .name = name, .g = g };
	char **cells;
	size_t i;

	table_columns(&t, all, nr_groups);
	table_measure(&t);
	cells = xcalloc(t.nr, sizeof(*cells));
	if (g->titled && !g->renamed)
		fprintf(out, "%s:\n", g->kind);
	for (i = 0; i <= g->nr; i++)
		table_print_row(out, &t, i ? g->rows[i - 1] : NULL, cells);
	free(cells);
	free(t.col);
	free(t.field_end);
}

/* A run of scalar groups: "name  value  (size)", names and values aligned. */
static void print_scalars(FILE *out, const char *name, const struct group *g,
			  size_t nr)
{
	size_t kw = 0, vw = 0, i, j;
	const struct decoration *d;
	char *val, *h;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < g[i].nr; j++) {
			val = join_fields(g[i].rows[j], 0, " ");
			if (strlen(g[i].kind) > kw)
				kw = strlen(g[i].kind);
			if (strlen(val) > vw)
				vw = strlen(val);
			free(val);
		}
	}
	/* As in tables, an outsize name or value sticks out. */
	if (kw > TABLE_PAD_MAX)
		kw = TABLE_PAD_MAX;
	if (vw > TABLE_PAD_MAX)
		vw = TABLE_PAD_MAX;
	for (i = 0; i < nr; i++) {
		d = find_decoration(name, g[i].kind, NULL);
		for (j = 0; j < g[i].nr; j++) {
			val = join_fields(g[i].rows[j], 0, " ");
			h = d ? human(val, d->unit) : NULL;
			fprintf(out, "%-*s  %*s", (int)kw, g[i].kind,
				numeric_cell(val) ? (int)vw : 0, val);
			if (h)
				fprintf(out, "  (%s)", h);
			fputc('\n', out);
			free(h);
			free(val);
		}
	}
}

static void print_tables(FILE *out, const char *name, const struct group *g,
			 size_t nr)
{
	bool first = true;
	size_t i, j;

	for (i = 0; i < nr; i = j) {
		/* An empty table prints nothing; JSON shows it as []. */
		if (g[i].table && !g[i].nr) {
			j = i + 1;
			continue;
		}
		if (!first)
			fputc('\n', out);
		first = false;
		if (g[i].table) {
			print_table(out, name, g, nr, &g[i]);
			j = i + 1;
			continue;
		}
		for (j = i; j < nr && !g[j].table; j++)
			;
		print_scalars(out, name, &g[i], j - i);
	}
}

/**
 * report_print - print a report
 * @name:	the report ("summary"); picks the columns shown with sizes
 * @source:	where it came from (debugfs directory, snapshot file)
 * @text:	the report in the record format
 * @style:	tables, JSON, or @text as is
 * @out:	where to
 */
void report_print(const char *name, const char *source, const char *text,
		  enum report_style style, FILE *out)
{
	struct records r;
	struct groups gs;

	if (style == REPORT_RAW) {
		fputs(text, out);
		return;
	}
	records_parse_report(&r, source, name, text);
	group_records(&r, &gs);
	if (style == REPORT_JSON)
		print_json(out, name, source, gs.g, gs.nr);
	else
		print_tables(out, name, gs.g, gs.nr);
	groups_free(&gs);
	records_free(&r);
}
