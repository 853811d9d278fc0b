// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_debugfs.c - a made-up live system through every subcommand that
 * reads one, save among them, and the snapshot it saves through those that
 * read a snapshot.
 *
 * The input holds several files, each after a line "=== NAME" at the start
 * of the input or of a line, up to the next such line (the newline before
 * it is the file's) or the end:
 *
 *   === layout
 *   range 0 0 8 0
 *   === zoneinfo
 *   Node 0, zone      DMA
 *   ...
 *   === shadow
 *   <64 bytes>
 *
 * NAME is one of the module's debugfs files (fuzz_debugfs_files[]), or
 * zoneinfo or boot_id; a file the input does not hold is absent.  The
 * shadow, binary, is best last.
 *
 * Whatever save writes, load must read: a snapshot save wrote that summary
 * then refuses is a finding.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "memdesc_stat.h"

static const char * const fuzz_debugfs_files[] = {
	"debugfs/layout", "debugfs/shadow", "debugfs/sections",
	"debugfs/summary", "debugfs/projection", "debugfs/stats",
	"debugfs/transitions", "debugfs/owners", "debugfs/compare",
	"debugfs/pfn_at", "zoneinfo", "boot_id",
};

/*
 * The live subcommands, each reader of a file once; how their records
 * print, in tables and in JSON, fuzz_report tries faster.  Then save, and
 * what reads the snapshot it saved: summary must, and diff of it with
 * itself reads its system section.
 */
static const char * const fuzz_debugfs_live[] = {
	"summary --json",
	"projection --revision path-2025",
	"stats",
	"transitions --json",
	"sections",
	"compare --json",
	"owners",
	"metrics --compare",
	"pfn 3",
	"top -b -n 1 --owners --nodes",
};

/* The file the marker at @p names, or NULL; @p is past its line after. */
static const char *file_of(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl;
	size_t i, len;

	if (end - *p < 4 || memcmp(*p, "=== ", 4))
		return NULL;
	nl = memchr(*p, '\n', end - *p);
	if (!nl)
		return NULL;
	len = nl - (*p + 4);
	for (i = 0; i < MEMDESC_ARRAY_SIZE(fuzz_debugfs_files); i++) {
		const char *name = fuzz_debugfs_files[i];
		const char *base = strchr(name, '/') ? strchr(name, '/') + 1 :
						       name;

		if (strlen(base) == len && !memcmp(*p + 4, base, len)) {
			*p = nl + 1;
			return name;
		}
	}
	return NULL;
}

/* The next marker's place from @p on, or @end. */
static const uint8_t *next_marker(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *q;

	for (q = p; q < end; q++) {
		q = memchr(q, '=', end - q);
		if (!q)
			return end;
		if ((q == p || q[-1] == '\n') && end - q >= 4 &&
		    !memcmp(q, "=== ", 4))
			return q;
	}
	return end;
}

/* Write the files of the input, and remove those it does not hold. */
static void write_files(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *next;
	bool seen[MEMDESC_ARRAY_SIZE(fuzz_debugfs_files)] = { false };
	const char *name;
	size_t i;

	while (p < end) {
		name = file_of(&p, end);
		next = next_marker(p, end);
		if (name) {
			fuzz_write(name, p, next - p);
			for (i = 0; i < MEMDESC_ARRAY_SIZE(fuzz_debugfs_files); i++)
				if (fuzz_debugfs_files[i] == name)
					seen[i] = true;
		}
		/* An unknown name: on to the next marker. */
		if (!name && next == p)
			next = next_marker(p + 1, end);
		p = next;
	}
	for (i = 0; i < MEMDESC_ARRAY_SIZE(fuzz_debugfs_files); i++)
		if (!seen[i])
			fuzz_remove(fuzz_debugfs_files[i]);
}

int LLVMFuzzerInitialize(int *argc __maybe_unused,
			 char ***argv __maybe_unused)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[128], cmd[300];
	size_t i;

	write_files(data, size);
	for (i = 0; i < MEMDESC_ARRAY_SIZE(fuzz_debugfs_live); i++)
		fuzz_stat(fuzz_debugfs_live[i]);

	snprintf(out, sizeof(out), "%s", fuzz_path("out.snap"));
	fuzz_remove("out.snap");
	snprintf(cmd, sizeof(cmd), "save %s", out);
	if (fuzz_stat(cmd))
		return 0;
	snprintf(cmd, sizeof(cmd), "summary --raw %s", out);
	if (fuzz_stat(cmd))
		fuzz_finding("save wrote a snapshot that load refuses", cmd);
	snprintf(cmd, sizeof(cmd), "diff --raw %s %s", out, out);
	fuzz_stat(cmd);
	return 0;
}
