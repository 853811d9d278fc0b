/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memdesc-stat: what the pieces of the tool share.
 *
 *   main.c		main(): memdesc_stat()
 *   memdesc-stat.c	command line, subcommands
 *   util.c		small helpers every file calls (util.h)
 *   snapshot.c		the snapshot file: save from debugfs, load, check
 *   census.c		summary, projection and diff computed from words,
 *			printed in the module's own record format
 *   owners.c		allocation sites: the owners census by class, and
 *			its diff
 *   metrics.c		the reports as Prometheus metrics, for the node
 *			exporter's textfile collector
 *   top.c		the live view, refreshed in place
 *   report.c		records to tables for people, or to JSON
 *   map.c		the PNG picture of physical memory
 *   font.c		a 6x8 bitmap font for the picture's labels
 *
 * Everything the tool prints about memory goes through the record format of
 * the module's debugfs files (docs/debugfs.md, "debugfs reference"): one
 * record a line, kind first, '#' lines naming the columns.  Reports computed
 * here print that format too, so one renderer serves debugfs and snapshots
 * alike.
 */
#ifndef _MEMDESC_STAT_H
#define _MEMDESC_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memdesc_types.h"
#include "util.h"

/* === memdesc-stat.c === */

int memdesc_stat(int argc, char **argv);

/* === snapshot.c === */

#define SNAP_MAGIC		"MEMDSNAP"
#define SNAP_VERSION		2	/* written; 1 is read too */
#define SNAP_HEADER_BYTES	64
#define SNAP_HEADER_RESERVED	40	/* zeros from here to the table */
#define SNAP_SECTION_BYTES	32
#define SNAP_NAME_BYTES		16
#define SNAP_MAX_SECTIONS	64
#define SNAP_ALIGN		8
#define SNAP_ZONE_NAME_BYTES	16
/*
 * No PFN, and no count of pages, is larger: 52 bits of PFN.  A snapshot
 * lists fewer, and a count of more is not one of pages.
 */
#define SNAP_MAX_PFN		(1ULL << 52)

/**
 * struct snap_range - a run of PFNs of one node, as the layout file gives it
 * @node:	node id
 * @start:	first PFN
 * @pfns:	PFNs (words)
 * @index:	index of the first word in the shadow section
 *
 * A node may have many ranges, with PFN gaps between them (holes, offline
 * memory); a PFN in no range has no word.
 */
struct snap_range {
	unsigned int node;
	uint64_t start;
	uint64_t pfns;
	uint64_t index;
};

/**
 * struct snap_zone - a populated zone, from /proc/zoneinfo at save time
 * @node:	node id
 * @index:	zone index, as the word's zone field holds it
 * @name:	the kernel's name ("DMA32")
 * @start:	zone_start_pfn
 * @spanned:	spanned PFNs
 */
struct snap_zone {
	unsigned int node;
	unsigned int index;
	char name[SNAP_ZONE_NAME_BYTES];
	uint64_t start;
	uint64_t spanned;
};

/**
 * struct snap_text - a text section, not NUL-terminated in the file
 * @data:	a NUL-terminated copy, or NULL if the section is absent
 * @len:	bytes
 */
struct snap_text {
	char *data;
	size_t len;
};

/**
 * struct snapshot - a loaded snapshot file
 * @path:	file name, for messages
 * @map:	the file, mapped read-only
 * @size:	its size
 * @time:	when it was saved, seconds since the epoch
 * @words:	the shadow section: little-endian u64s, unaligned-safe access
 *		through snap_word()
 * @nr_words:	words in it
 * @ranges:	parsed layout section, sorted by PFN; they do not overlap
 * @nr_ranges:	entries in @ranges
 * @zones:	parsed zones section, sorted by node and index; no two alike
 * @nr_zones:	entries in @zones
 * @summary:	the module's summary at save time
 * @projection:	the module's projection at save time
 * @stats:	the module's stats at save time
 * @transitions: the module's transitions at save time
 * @sections:	the module's sections file at save time
 * @owners:	the module's owners file at save time
 * @system:	release, machine, page size, boot id
 */
struct snapshot {
	const char *path;
	void *map;
	size_t size;
	uint64_t time;
	const unsigned char *words;
	uint64_t nr_words;
	struct snap_range *ranges;
	unsigned int nr_ranges;
	struct snap_zone *zones;
	unsigned int nr_zones;
	struct snap_text summary;
	struct snap_text projection;
	struct snap_text stats;
	struct snap_text transitions;
	struct snap_text sections;
	struct snap_text owners;
	struct snap_text system;
};

/* snap_save()'s flags */
#define SNAP_SAVE_QUIET		0x1	/* nothing on standard output */
#define SNAP_SAVE_WORDS		0x2	/* the shadow, not the reports */

void snap_save(const char *path, unsigned int flags, struct snapshot *back);
void snap_load(struct snapshot *s, const char *path);
void snap_free(struct snapshot *s);
char *snap_section_source(const struct snapshot *s, const char *name);
const struct snap_zone *snap_node_zones(const struct snapshot *s,
					unsigned int node, unsigned int *nr);
const char *snap_zone_name(const struct snapshot *s, unsigned int node,
			   unsigned int zone, char *buf, size_t size);
const char *snap_system(const struct snapshot *s, const char *key, char *buf,
			size_t size);

static inline uint64_t snap_word(const struct snapshot *s, uint64_t i)
{
	const unsigned char *p = s->words + i * 8;
	uint64_t w = 0;
	int b;

	for (b = 7; b >= 0; b--)
		w = w << 8 | p[b];
	return w;
}

/* === census.c: reports computed from a snapshot's words === */

void census_summary(const struct snapshot *s, FILE *out);
void census_projection(const struct snapshot *s, FILE *out);
void census_diff(const struct snapshot *a, const struct snapshot *b,
		 FILE *out);

/* === owners.c: allocation sites === */

/**
 * struct owners_opts - what the owners view shows
 * @class:	only this class; MEMDESC_NR_CLASSES for every class
 * @top:	sites per class with a depot handle (unknown and unsaved
 *		pages are shown whatever it says)
 * @stacks:	each shown handle's whole stack too (for JSON)
 */
struct owners_opts {
	unsigned int class;
	unsigned int top;
	bool stacks;
};

unsigned int class_by_name(const char *name);
bool owners_view(const char *source, const char *text,
		 const struct owners_opts *opts, FILE *out);
void owners_diff(const struct snapshot *a, const struct snapshot *b,
		 FILE *out);
bool owners_folded(const char *source, const char *text, unsigned int class,
		   FILE *out);
bool owners_diff_folded(const struct snapshot *a, const struct snapshot *b,
			unsigned int class, FILE *out);

/* === metrics.c: Prometheus text exposition === */

/**
 * struct metrics_src - the reports metrics are made of; NULL: absent
 * @source:	 where they come from (debugfs directory, snapshot file)
 * @summary:	 the census (summary file, or computed from a snapshot)
 * @projection:	 the projection
 * @stats:	 the stats file
 * @transitions: the transitions file
 * @compare:	 the compare file, if it was read (live only)
 * @compare_seconds: how long reading it took
 */
struct metrics_src {
	const char *source;
	const char *summary;
	const char *projection;
	const char *stats;
	const char *transitions;
	const char *compare;
	double compare_seconds;
};

void metrics_print(const struct metrics_src *src, FILE *out);

/* === top.c: the live view === */

void top_run(double interval, unsigned long count, bool batch, bool owners,
	     bool nodes);

/* === report.c: records to tables or JSON === */

/*
 * Fields a record may have after its kind, and words a header may have
 * after its kind: the widest record the module writes, a stack's, has 18.
 * A table printed from a report is at most this wide, so its size is
 * linear in the report's.
 */
#define RECORDS_MAX_FIELDS	64

/**
 * struct record - one line of a report: "kind field1 field2..."
 * @kind:	first word
 * @nf:		fields after it
 * @f:		the fields
 * @nh:		words of the '#' header line just before, if any
 * @hdr:	those words, without the '#'
 * @line:	1-based line number
 * @empty:	not a record but a header no record followed: a table with
 *		no rows, whose kind is the header's first word
 */
struct record {
	char *kind;
	unsigned int nf;
	char **f;
	unsigned int nh;
	char **hdr;
	unsigned int line;
	bool empty;
};

/**
 * struct records - a report split into records
 * @rec:	the records, in order
 * @nr:		how many
 * @text:	a copy of the report, cut into the words
 * @words:	every record's and header's words, which @rec points into
 * @nr_words:	how many
 */
struct records {
	struct record *rec;
	size_t nr;
	char *text;
	char **words;
	size_t nr_words;
};

void records_parse(struct records *r, const char *source, const char *text);
void records_parse_report(struct records *r, const char *source,
			  const char *name, const char *text);
void records_free(struct records *r);
const struct record *records_find(const struct records *r, const char *kind,
				  const char *f0);
bool parse_u64(const char *s, uint64_t *v);
bool is_number(const char *s);

enum report_style {
	REPORT_TABLE,		/* aligned tables for people */
	REPORT_JSON,		/* one JSON object */
	REPORT_RAW,		/* the records as they are */
};

void report_print(const char *name, const char *source, const char *text,
		  enum report_style style, FILE *out);

/* === map.c === */

/**
 * struct map_opts - how the picture is drawn
 * @output:	PNG file to write
 * @width:	blocks per row
 * @pfns_per_px: PFNs per block; 0 picks one
 * @zoom:	pixels per block side
 */
struct map_opts {
	const char *output;
	unsigned int width;
	uint64_t pfns_per_px;
	unsigned int zoom;
};

void map_draw(const struct snapshot *s, const struct map_opts *o, FILE *out);

/* === font.c === */

#define FONT_WIDTH	6
#define FONT_HEIGHT	8

const unsigned char *font_glyph(char c);

#endif /* _MEMDESC_STAT_H */
