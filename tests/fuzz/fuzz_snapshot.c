// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_snapshot.c - a snapshot file (docs/SNAPSHOT.md) through every
 * subcommand that reads one.
 *
 * The input is the file.  Its CRC and file size are made right first, as
 * the header's version computes them, or a mutation would almost never get
 * past them to what they guard; inputs whose size is 7 modulo 64 keep
 * theirs, so the checks themselves are fuzzed too.  A file load refuses is
 * given to one subcommand only: the others would refuse it the same way.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "memdesc_stat.h"

/*
 * The subcommands, with IN for the snapshot and PNG for map's output: each
 * reader of a snapshot once.  How their records print, in tables and in
 * JSON, fuzz_report tries faster.
 */
static const char * const fuzz_snapshot_cmds[] = {
	"summary --json IN",
	"projection --raw IN",
	"stats IN",
	"owners --json IN",
	"metrics IN",
	"diff --raw IN IN",
	"map IN -o PNG --width 64 --raw",
};

static void put_le32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The size and CRC of @m as its version has them. */
static void snapshot_fix(uint8_t *m, size_t size)
{
	static const uint8_t zero[4];
	uLong crc = crc32(0, NULL, 0);
	int i;

	if (size < SNAP_HEADER_BYTES || size % 64 == 7 ||
	    memcmp(m, SNAP_MAGIC, 8))
		return;
	for (i = 0; i < 8; i++)
		m[16 + i] = (uint64_t)size >> (8 * i);
	if (get_le32(m + 8) == 1) {
		crc = crc32(crc, m + SNAP_HEADER_BYTES, size - SNAP_HEADER_BYTES);
	} else {
		crc = crc32(crc, m, 28);
		crc = crc32(crc, zero, 4);
		crc = crc32(crc, m + 32, size - 32);
	}
	put_le32(m + 28, crc);
}

/* @cmd with IN and PNG replaced, into @buf. */
static const char *command(char *buf, size_t size, const char *cmd)
{
	char in[128], png[128];
	const char *p;
	size_t len = 0;

	snprintf(in, sizeof(in), "%s", fuzz_path("in.snap"));
	snprintf(png, sizeof(png), "%s", fuzz_path("map.png"));
	for (p = cmd; *p && len + 1 < size;) {
		if (!strncmp(p, "IN", 2)) {
			len += snprintf(buf + len, size - len, "%s", in);
			p += 2;
		} else if (!strncmp(p, "PNG", 3)) {
			len += snprintf(buf + len, size - len, "%s", png);
			p += 3;
		} else {
			buf[len++] = *p++;
		}
	}
	buf[len] = '\0';
	return buf;
}

int LLVMFuzzerInitialize(int *argc __maybe_unused,
			 char ***argv __maybe_unused)
{
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	char cmd[512];
	size_t i;

	if (size)
		memcpy(copy, data, size);
	snapshot_fix(copy, size);
	fuzz_write("in.snap", copy, size);
	free(copy);
	for (i = 0; i < MEMDESC_ARRAY_SIZE(fuzz_snapshot_cmds); i++)
		if (fuzz_stat(command(cmd, sizeof(cmd),
				      fuzz_snapshot_cmds[i])) && !i)
			break;
	return 0;
}
