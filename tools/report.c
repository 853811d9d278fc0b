// SPDX-License-Identifier: GPL-2.0
/*
 * Records to tables for people, or to JSON for scripts.
 *
 * The input is the module's debugfs record format (README.md): one record a
 * line, its kind first, fields separated by spaces; a '#' line names the
 * columns of the records after it, with or without the kind as its first
 * word ("# field name agree ...", "# class pages").  A kind with such a
 * header is a table; a kind without one is a scalar ("spanned 524288").
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

static char **split_words(char *line, unsigned int *nr)
{
	unsigned int n = 0, size = 8;
	char **w = xmalloc(size * sizeof(*w));
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (!*p)
			break;
		if (n == size)
			w = xrealloc(w, (size *= 2) * sizeof(*w));
		w[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
	*nr = n;
	return w;
}

static void grow(struct records *r, size_t *size)
{
	if (r->nr < *size)
		return;
	*size = *size ? 2 * *size : 64;
	r->rec = xrealloc(r->rec, *size * sizeof(*r->rec));
}

/* A header with no record after it: an empty table named by its first word. */
static void add_empty(struct records *r, size_t *size, char **hdr,
		      unsigned int nh, char *hdr_buf, unsigned int lineno)
{
	if (!nh) {
		free(hdr);
		free(hdr_buf);
		return;
	}
	grow(r, size);
	r->rec[r->nr++] = (struct record){
		.kind = hdr[0], .nf = 0, .f = NULL, .nh = nh, .hdr = hdr,
		.line = lineno, .empty = true, .hdr_buf = hdr_buf,
	};
}

/**
 * records_parse - split report text into records
 * @r:		filled in; free with records_free()
 * @text:	the report; not modified
 *
 * Each record's words point into its own copy of the line.  A '#' line is
 * kept as the header of the record that follows it.
 */
void records_parse(struct records *r, const char *text)
{
	char **hdr = NULL, *hdr_buf = NULL, *line, *end;
	unsigned int nh = 0, lineno = 0, nw;
	size_t size = 0;
	char **w;

	memset(r, 0, sizeof(*r));
	while (*text) {
		end = strchr(text, '\n');
		if (!end)
			end = (char *)text + strlen(text);
		lineno++;
		line = xmalloc(end - text + 1);
		memcpy(line, text, end - text);
		line[end - text] = '\0';
		text = *end ? end + 1 : end;

		w = split_words(line, &nw);
		if (!nw || w[0][0] == '#') {
			if (!nw) {
				free(w);
				free(line);
				continue;
			}
			/* "# a b" or "#a b": the words after the '#' */
			if (hdr)
				add_empty(r, &size, hdr, nh, hdr_buf, lineno);
			if (w[0][1])
				w[0]++;
			else
				memmove(w, w + 1, --nw * sizeof(*w));
			hdr = w;
			hdr_buf = line;
			nh = nw;
			continue;
		}
		grow(r, &size);
		r->rec[r->nr++] = (struct record){
			.kind = w[0], .nf = nw - 1, .f = w + 1,
			.nh = nh, .hdr = hdr, .line = lineno,
			.buf = line, .hdr_buf = hdr_buf,
		};
		hdr = NULL;
		hdr_buf = NULL;
		nh = 0;
	}
	if (hdr)
		add_empty(r, &size, hdr, nh, hdr_buf, lineno);
}

/**
 * records_free - undo records_parse()
 * @r:		the records
 */
void records_free(struct records *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		if (!r->rec[i].empty)
			free(r->rec[i].f - 1);
		free(r->rec[i].buf);
		free(r->rec[i].hdr);
		free(r->rec[i].hdr_buf);
	}
	free(r->rec);
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
	if (nh > 1 && !strcmp(h[0], r->kind) &&
	    (nh - 1 == r->nf || (g->variadic && nh - 1 <= r->nf)))
		skip = 1;
	else if (!(nh == r->nf || (g->variadic && nh <= r->nf)) &&
		 !strcmp(h[0], r->kind))
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

static struct group *group_records(const struct records *r, size_t *nr)
{
	struct group *g = xcalloc(r->nr, sizeof(*g));
	size_t n = 0, i, j;

	for (i = 0; i < r->nr; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(g[j].kind, r->rec[i].kind))
				break;
		if (j == n) {
			g[n].kind = r->rec[i].kind;
			g[n].rows = xcalloc(r->nr, sizeof(*g[n].rows));
			group_columns(&g[n], &r->rec[i]);
			n++;
		}
		if (!r->rec[i].empty)
			g[j].rows[g[j].nr++] = &r->rec[i];
	}
	*nr = n;
	return g;
}

static void groups_free(struct group *g, size_t nr)
{
	size_t i, j;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < g[i].ncols; j++)
			free(g[i].cols[j]);
		free(g[i].cols);
		free(g[i].rows);
	}
	free(g);
}

/* Fields @from.. of @r joined by @sep. */
static char *join_fields(const struct record *r, unsigned int from,
			 const char *sep)
{
	size_t len = 1;
	unsigned int i;
	char *s;

	for (i = from; i < r->nf; i++)
		len += strlen(r->f[i]) + strlen(sep);
	s = xcalloc(1, len);
	for (i = from; i < r->nf; i++) {
		if (i > from)
			strcat(s, sep);
		strcat(s, r->f[i]);
	}
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
static char *percent(const char *part, uint64_t whole)
{
	char buf[32];
	uint64_t n;

	if (!whole || !parse_u64(part, &n))
		return xstrdup("-");
	snprintf(buf, sizeof(buf), "%.2f", (double)n * 100 / whole);
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

/**
 * struct grid - a table as printed: a header row, then rows of cells
 * @cells:	(@rows + 1) x @cols strings
 * @rows:	data rows
 * @cols:	columns
 */
struct grid {
	char **cells;
	size_t rows;
	unsigned int cols;
};

static char **grid_at(struct grid *t, size_t row, unsigned int col)
{
	return &t->cells[row * t->cols + col];
}

static void grid_print(FILE *out, struct grid *t)
{
	unsigned int c, end, *width = xcalloc(t->cols, sizeof(*width));
	bool *right = xcalloc(t->cols, sizeof(*right));
	size_t r;

	for (c = 0; c < t->cols; c++) {
		right[c] = true;
		for (r = 0; r <= t->rows; r++) {
			const char *s = *grid_at(t, r, c);

			if (strlen(s) > width[c])
				width[c] = strlen(s);
			if (r && !numeric_cell(s))
				right[c] = false;
		}
	}
	for (r = 0; r <= t->rows; r++) {
		/* Empty cells at the end of a row print nothing, not spaces. */
		for (end = t->cols; end > 1 && !**grid_at(t, r, end - 1); end--)
			;
		for (c = 0; c < end; c++) {
			const char *s = *grid_at(t, r, c);
			bool last = c == end - 1;

			if (c)
				fputs("  ", out);
			if (right[c])
				fprintf(out, "%*s", (int)width[c], s);
			else if (last)
				fputs(s, out);
			else
				fprintf(out, "%-*s", (int)width[c], s);
		}
		fputc('\n', out);
	}
	free(width);
	free(right);
}

static void grid_free(struct grid *t)
{
	size_t i;

	for (i = 0; i < (t->rows + 1) * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
}

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
static uint64_t column_sum(const struct group *g, unsigned int c)
{
	uint64_t sum = 0, v;
	size_t r;

	for (r = 0; r < g->nr; r++)
		if (c < g->rows[r]->nf && parse_u64(g->rows[r]->f[c], &v))
			sum += v;
	return sum;
}

static void print_table(FILE *out, const char *name, const struct group *all,
			size_t nr_groups, const struct group *g)
{
	const struct decoration *dec[64];
	unsigned int c, col, extra = 0;
	uint64_t whole[64];
	struct grid t;
	size_t r;

	for (c = 0; c < g->ncols && c < 64; c++) {
		dec[c] = find_decoration(name, g->kind, g->cols[c]);
		if (!dec[c])
			continue;
		extra += dec[c]->percent_of ? 2 : 1;
		whole[c] = 0;
		if (dec[c]->percent_of && *dec[c]->percent_of)
			whole[c] = scalar_value(all, nr_groups,
						dec[c]->percent_of);
		else if (dec[c]->percent_of)
			whole[c] = column_sum(g, c);
	}
	t.rows = g->nr;
	t.cols = g->ncols + extra;
	t.cells = xcalloc((t.rows + 1) * t.cols, sizeof(*t.cells));
	for (c = 0, col = 0; c < g->ncols; c++) {
		*grid_at(&t, 0, col) = xstrdup(c == 0 && g->renamed ? g->kind :
					       g->cols[c]);
		for (r = 0; r < t.rows; r++)
			*grid_at(&t, r + 1, col) = cell(name, g, g->rows[r], c);
		col++;
		if (c >= 64 || !dec[c])
			continue;
		*grid_at(&t, 0, col) = xstrdup("size");
		for (r = 0; r < t.rows; r++) {
			char *h = c < g->rows[r]->nf ?
				  human(g->rows[r]->f[c], dec[c]->unit) : NULL;

			*grid_at(&t, r + 1, col) = h ? h : xstrdup("");
		}
		col++;
		if (!dec[c]->percent_of)
			continue;
		*grid_at(&t, 0, col) = xstrdup("%");
		for (r = 0; r < t.rows; r++)
			*grid_at(&t, r + 1, col) = c < g->rows[r]->nf ?
				percent(g->rows[r]->f[c], whole[c]) :
				xstrdup("");
		col++;
	}
	if (g->titled && !g->renamed)
		fprintf(out, "%s:\n", g->kind);
	grid_print(out, &t);
	grid_free(&t);
}

/* A run of scalar groups: "name  value  (size)", names and values aligned. */
static void print_scalars(FILE *out, const char *name, const struct group *g,
			  size_t nr)
{
	unsigned int kw = 0, vw = 0, i, j;
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
	struct group *g;
	size_t nr;

	if (style == REPORT_RAW) {
		fputs(text, out);
		return;
	}
	records_parse(&r, text);
	g = group_records(&r, &nr);
	if (style == REPORT_JSON)
		print_json(out, name, source, g, nr);
	else
		print_tables(out, name, g, nr);
	groups_free(g, nr);
	records_free(&r);
}
