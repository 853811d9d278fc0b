// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - the module's reports as Prometheus metrics.
 *
 * Prometheus' text exposition format (0.0.4), as the node exporter's
 * textfile collector reads it: every family once, with HELP and TYPE, its
 * samples together.  Everything comes from the records of the module's
 * files, or of a snapshot's copies of them:
 *
 *   summary	 memdesc_spanned_pages, memdesc_zone_*_pages{node,zone},
 *		 memdesc_class_pages{class}
 *   projection	 memdesc_projection_*
 *   stats	 memdesc_events_total{event}, memdesc_event_attached{event},
 *		 one memdesc_<counter>_total a counter, the shadow's gauges
 *   transitions memdesc_transition_blocks_total{from,to},
 *		 memdesc_transitions_by_event_total{event}
 *   compare	 memdesc_compare_* (opt-in: a compare reads every struct page)
 *
 * Counters are the module's, counted since it was loaded: a reload starts
 * them from zero, which Prometheus' rate() takes for a counter reset.
 */
#include <stdlib.h>
#include <string.h>

#include "memdesc_stat.h"

#define PREFIX	"memdesc_"

/* The family's "# HELP" and "# TYPE" lines. */
static void family(FILE *out, const char *name, const char *type,
		   const char *help)
{
	fprintf(out, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX "%s %s\n", name,
		help, name, type);
}

/* A label value, escaped as the format wants. */
static void label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

/*
 * One sample: @labels alternates label names and values, NULL-ended (NULL
 * at once: no labels); @value is written as given, a number from a record.
 */
static void sample(FILE *out, const char *name, const char *const *labels,
		   const char *value)
{
	const char *sep = "{";

	fprintf(out, PREFIX "%s", name);
	for (; labels && labels[0]; labels += 2) {
		fprintf(out, "%s%s=\"", sep, labels[0]);
		label_value(out, labels[1]);
		fputc('"', out);
		sep = ",";
	}
	if (strcmp(sep, "{"))
		fputc('}', out);
	fprintf(out, " %s\n", value);
}

/*
 * The records @kind of @r whose field @field is a number, as samples of
 * @name; @label_fields names the labels taken from fields 0, 1, ... before
 * @field (NULL-ended).  Records with a wrong shape are skipped: a newer
 * module may add columns, never move them.
 */
static void samples_of(FILE *out, const struct records *r, const char *kind,
		       const char *name, const char *const *label_fields,
		       unsigned int field)
{
	const char *labels[9];
	unsigned int i, l;
	size_t k;

	for (k = 0; k < r->nr; k++) {
		const struct record *rec = &r->rec[k];

		if (rec->empty || strcmp(rec->kind, kind) ||
		    rec->nf <= field || !is_number(rec->f[field]))
			continue;
		for (i = l = 0; label_fields[i] && l < 8; i++, l += 2) {
			labels[l] = label_fields[i];
			labels[l + 1] = rec->f[i];
		}
		labels[l] = NULL;
		sample(out, name, labels, rec->f[field]);
	}
}

/* Whether @r has a record @kind with a number in field @field. */
static bool has_number(const struct records *r, const char *kind,
		       unsigned int field)
{
	size_t k;

	for (k = 0; k < r->nr; k++)
		if (!r->rec[k].empty && !strcmp(r->rec[k].kind, kind) &&
		    r->rec[k].nf > field && is_number(r->rec[k].f[field]))
			return true;
	return false;
}

/* A labelled family: its lines, if any record has a sample for it. */
static void labelled(FILE *out, const struct records *r, const char *kind,
		     const char *name, const char *type, const char *help,
		     const char *const *label_fields, unsigned int field)
{
	if (!has_number(r, kind, field))
		return;
	family(out, name, type, help);
	samples_of(out, r, kind, name, label_fields, field);
}

/* An unlabelled gauge from the one-number record @kind. */
static void scalar(FILE *out, const struct records *r, const char *kind,
		   const char *name, const char *help)
{
	static const char *const none[] = { NULL };

	labelled(out, r, kind, name, "gauge", help, none, 0);
}

static const char *const by_class[] = { "class", NULL };
static const char *const by_event[] = { "event", NULL };
static const char *const by_field[] = { "field", NULL };
static const char *const by_detail[] = { "detail", NULL };
static const char *const by_revision[] = { "revision", NULL };

static void summary_metrics(FILE *out, const struct records *r)
{
	static const char *const by_zone[] = { "node", "zone", NULL };

	scalar(out, r, "spanned", "spanned_pages",
	       "PFNs the shadow spans, holes and untracked memory included");
	labelled(out, r, "zone", "zone_pages", "gauge",
		 "Pages of a populated zone in the shadow", by_zone, 2);
	labelled(out, r, "zone", "zone_free_pages", "gauge",
		 "Pages of a zone the shadow calls free", by_zone, 3);
	labelled(out, r, "zone", "zone_allocated_pages", "gauge",
		 "Pages of a zone the shadow calls allocated", by_zone, 4);
	labelled(out, r, "class", "class_pages", "gauge",
		 "Pages by memdesc class in the shadow", by_class, 1);
	labelled(out, r, "detail", "detail_pages", "gauge",
		 "Misc pages by finer class (zero page, large kmalloc, ...), also counted in their class",
		 by_detail, 1);
}

static void projection_metrics(FILE *out, const struct records *r)
{
	static const char *const by_layout[] = { "layout", NULL };

	scalar(out, r, "pfns", "projection_pages",
	       "Pages the projection describes");
	labelled(out, r, "descriptor", "projection_descriptors", "gauge",
		 "Separately allocated descriptors memdesc would need, by class",
		 by_class, 1);
	labelled(out, r, "descriptor", "projection_descriptor_bytes", "gauge",
		 "Bytes of those descriptors, by class", by_class, 3);
	labelled(out, r, "memory", "projection_memory_bytes", "gauge",
		 "Bytes of struct page and descriptors: today, interim (32-byte pages) and memdesc (8-byte words)",
		 by_layout, 4);
	scalar(out, r, "saving", "projection_saving_bytes",
	       "Bytes memdesc would save against today");
	labelled(out, r, "revision", "projection_revision_descriptor_bytes",
		 "gauge", "Descriptor bytes under each revision of the design",
		 by_revision, 3);
	labelled(out, r, "revision", "projection_revision_bytes", "gauge",
		 "Bytes of struct page and descriptors under each revision of the design",
		 by_revision, 4);
	labelled(out, r, "revision", "projection_revision_saving_bytes",
		 "gauge",
		 "Bytes each revision of the design would save against today (absent when it costs more)",
		 by_revision, 5);
}

/*
 * The shadow's one-number records in stats, under names that say their
 * unit; a record not listed here (from a newer module) is left out rather
 * than named by guess.
 */
static const struct {
	const char *kind, *name, *help;
} stats_gauges[] = {
	{ "pfns", "tracked_pages", "Pages the shadow tracks" },
	{ "untracked_pfns", "untracked_pages",
	  "Pages of present memory the shadow could not track" },
	{ "shadow_bytes", "shadow_bytes", "Memory the shadow takes" },
	{ "shadow_word_bytes", "shadow_word_bytes",
	  "Memory the shadow's words take" },
	{ "shadow_table_bytes", "shadow_table_bytes",
	  "Memory the shadow's section table takes" },
	{ "chunks", "shadow_chunks", "Chunks of shadow words" },
	{ "chunks_remote", "shadow_chunks_remote",
	  "Chunks of shadow words on another node than their memory" },
	{ "chunks_vmalloc", "shadow_chunks_vmalloc",
	  "Chunks of shadow words from vmalloc" },
	{ "nodes", "nodes", "Online NUMA nodes" },
	{ "seeded", "seed_done", "1 once the shadow was seeded from struct page" },
	{ "tracking", "tracking", "1 while the probes keep the shadow current" },
	{ "vmalloc_walk", "vmalloc_walk",
	  "1 if vmalloc pages are typed by a walk of the vmalloc areas" },
	{ "hook_missed", "hook_missed",
	  "Hooked calls whose pages were not typed" },
};

/* A counter's name as a metric name: lower case, digits, underscores. */
static bool metric_name_ok(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
		     strlen(s);
}

static void stats_metrics(FILE *out, const struct records *r)
{
	char name[96], help[160];
	size_t i, k;

	labelled(out, r, "event", "events_total", "counter",
		 "Events the module's probes handled since it was loaded",
		 by_event, 2);
	labelled(out, r, "event", "event_attached", "gauge",
		 "1 if the module's probe is attached to the event", by_event,
		 1);
	for (k = 0; k < r->nr; k++) {
		const struct record *rec = &r->rec[k];

		if (rec->empty || strcmp(rec->kind, "counter") ||
		    rec->nf < 2 || !metric_name_ok(rec->f[0]) ||
		    !is_number(rec->f[1]))
			continue;
		snprintf(name, sizeof(name), "%s_total", rec->f[0]);
		snprintf(help, sizeof(help),
			 "The module's %s counter, since it was loaded",
			 rec->f[0]);
		family(out, name, "counter", help);
		sample(out, name, NULL, rec->f[1]);
	}
	for (i = 0; i < MEMDESC_ARRAY_SIZE(stats_gauges); i++)
		scalar(out, r, stats_gauges[i].kind, stats_gauges[i].name,
		       stats_gauges[i].help);
}

static void transitions_metrics(FILE *out, const struct records *r)
{
	static const char *const by_pair[] = { "from", "to", NULL };

	labelled(out, r, "transition", "transition_blocks_total", "counter",
		 "Blocks the events moved from one class to another since the load",
		 by_pair, 2);
	labelled(out, r, "source", "transitions_by_event_total", "counter",
		 "Changes of class by the event that made them", by_event, 1);
}

/* Field @i of @rec as a number, or -1 if it is not one. */
static double number_at(const struct record *rec, unsigned int i)
{
	return i < rec->nf && is_number(rec->f[i]) ? strtod(rec->f[i], NULL) :
						      -1;
}

/*
 * A ratio from the counts of records @kind, not from the rounded percent
 * the module prints: field @num over the sum of fields @den[0] and, if not
 * 0, @den[1].  No sample where the denominator is 0 (compare prints "-").
 */
static void ratio_family(FILE *out, const struct records *r,
			 const char *kind, unsigned int num,
			 const unsigned int den[2], const char *name,
			 const char *help, const char *label)
{
	const char *labels[3] = { label, NULL, NULL };
	bool shown = false;
	char value[64];
	size_t k;

	for (k = 0; k < r->nr; k++) {
		const struct record *rec = &r->rec[k];
		double n, d, d1 = 0;

		if (rec->empty || strcmp(rec->kind, kind))
			continue;
		n = number_at(rec, num);
		d = number_at(rec, den[0]);
		if (den[1])
			d1 = number_at(rec, den[1]);
		if (n < 0 || d < 0 || d1 < 0 || d + d1 <= 0)
			continue;
		if (!shown)
			family(out, name, "gauge", help);
		shown = true;
		snprintf(value, sizeof(value), "%.9g", n / (d + d1));
		labels[1] = rec->f[0];
		sample(out, name, labels, value);
	}
}

static void compare_metrics(FILE *out, const struct records *r,
			    double seconds)
{
	static const char *const by_cell[] = { "shadow", "live", NULL };
	static const unsigned int agree_disagree[2] = { 1, 2 };
	static const unsigned int shadow_pages[2] = { 1, 0 };
	static const unsigned int live_pages[2] = { 2, 0 };
	char value[64];

	scalar(out, r, "compared", "compare_compared_pages",
	       "Pages whose shadow word compare checked against struct page");
	scalar(out, r, "unknown", "compare_unknown_pages",
	       "Pages compare could not classify from struct page");
	scalar(out, r, "untracked", "compare_untracked_pages",
	       "Pages compare skipped: the shadow does not track them");
	scalar(out, r, "rechecked", "compare_rechecked_pages",
	       "Pages that disagreed once and were read again");
	labelled(out, r, "field", "compare_agree_pages", "gauge",
		 "Pages whose field agrees between shadow and struct page",
		 by_field, 1);
	labelled(out, r, "field", "compare_disagree_pages", "gauge",
		 "Pages whose field disagrees between shadow and struct page",
		 by_field, 2);
	/* field name agree disagree ...; class name shadow live agree ... */
	ratio_family(out, r, "field", 1, agree_disagree,
		     "compare_agreement_ratio",
		     "Share of compared pages whose field agrees", "field");
	ratio_family(out, r, "class", 3, shadow_pages,
		     "compare_class_precision_ratio",
		     "Of the pages the shadow calls this class, the share struct page does too",
		     "class");
	ratio_family(out, r, "class", 3, live_pages,
		     "compare_class_recall_ratio",
		     "Of the pages struct page calls this class, the share the shadow does too",
		     "class");
	labelled(out, r, "matrix", "compare_matrix_pages", "gauge",
		 "Pages by the shadow's class and the live one", by_cell, 2);
	family(out, "compare_duration_seconds", "gauge",
	       "Wall time of the read of compare these figures come from");
	snprintf(value, sizeof(value), "%.3f", seconds);
	sample(out, "compare_duration_seconds", NULL, value);
}

/* Parse report @name, @text (NULL: absent), and hand it to @fn. */
static void section(FILE *out, const struct metrics_src *src,
		    const char *name, const char *text,
		    void (*fn)(FILE *out, const struct records *r))
{
	struct records r;

	if (!text)
		return;
	records_parse_report(&r, src->source, name, text);
	fn(out, &r);
	records_free(&r);
}

/**
 * metrics_print - @src as Prometheus text exposition, on @out
 *
 * Absent reports (NULL) add no family; compare only if it was read.
 */
void metrics_print(const struct metrics_src *src, FILE *out)
{
	struct records r;

	section(out, src, "summary", src->summary, summary_metrics);
	section(out, src, "projection", src->projection, projection_metrics);
	section(out, src, "stats", src->stats, stats_metrics);
	section(out, src, "transitions", src->transitions,
		transitions_metrics);
	if (src->compare) {
		records_parse_report(&r, src->source, "compare", src->compare);
		compare_metrics(out, &r, src->compare_seconds);
		records_free(&r);
	}
}
