// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_report.c - a report in the module's record format through every
 * reader of one, in memory: the tables and JSON of each report, the owners
 * view, its folded stacks and Prometheus metrics.
 *
 * The input is the text; one with a NUL byte is none (the tool refuses
 * such a file before it parses it).  Which report it is printed as (each
 * has columns of its own with sizes and shares, and joins) follows from
 * its length, so that a mutation that adds or takes a byte tries another.
 * The same parser reads every debugfs file and every text section of a
 * snapshot; fuzz_debugfs and fuzz_snapshot reach it too, more slowly.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "memdesc_stat.h"

/* Every report the tool renders: each has its own sizes and joins. */
static const char * const fuzz_report_names[] = {
	"summary", "projection", "stats", "transitions", "sections",
	"compare", "owners", "diff", "map",
};

struct fuzz_report {
	const char *text;
	const char *name;
	enum report_style style;
	struct owners_opts owners;
};

static void print_report(void *arg)
{
	const struct fuzz_report *r = arg;

	report_print(r->name, "fuzz", r->text, r->style, fuzz_stdout);
}

static void print_owners(void *arg)
{
	const struct fuzz_report *r = arg;

	owners_view("fuzz", r->text, &r->owners, fuzz_stdout);
}

/* The same census as folded stacks (owners --folded). */
static void print_folded(void *arg)
{
	const struct fuzz_report *r = arg;

	owners_folded("fuzz", r->text, r->owners.class, fuzz_stdout);
}

static void print_metrics(void *arg)
{
	const struct fuzz_report *r = arg;

	metrics_print(&(struct metrics_src) {
		.source = "fuzz", .summary = r->text, .projection = r->text,
		.stats = r->text, .transitions = r->text, .compare = r->text,
	}, fuzz_stdout);
}

int LLVMFuzzerInitialize(int *argc __maybe_unused,
			 char ***argv __maybe_unused)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_report r = {
		.owners = { .class = MEMDESC_NR_CLASSES, .top = 3 },
	};
	char *text;

	if (memchr(data, '\0', size))
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	r.text = text;
	r.name = fuzz_report_names[size % MEMDESC_ARRAY_SIZE(fuzz_report_names)];
	r.style = REPORT_TABLE;
	/* A text the parser refuses, every reader refuses. */
	if (!fuzz_call(print_report, &r)) {
		r.style = REPORT_JSON;
		fuzz_call(print_report, &r);
		/* The view for tables, or JSON's with every stack. */
		if (size & 1) {
			r.owners.stacks = true;
			r.owners.class = MEMDESC_CLASS_SLAB;
		}
		fuzz_call(print_owners, &r);
		fuzz_call(print_folded, &r);
		fuzz_call(print_metrics, &r);
	}
	free(text);
	return 0;
}
