// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot file: save it from the live debugfs, load and check it.
 *
 * Format (docs/SNAPSHOT.md has the full description), integers little-endian:
 *
 *   header, 64 bytes:   magic "MEMDSNAP", u32 version (1), u32 header size,
 *                       u64 file size, u32 sections, u32 crc32 of every
 *                       byte after the header, u64 save time, zeros
 *   section table:      per section 32 bytes: name (16, NUL-padded),
 *                       u64 offset, u64 size
 *   sections:           8-byte aligned, anywhere after the table
 *
 * Sections: "shadow" (the raw debugfs shadow file), "layout" (its layout
 * file), "zones" (zone names and spans from /proc/zoneinfo), and the
 * module's "sections", "summary", "projection", "stats", "transitions" and
 * "owners" as they read at save time, and "system" (kernel release, boot
 * id).  A reader ignores sections it does not know, so a section added
 * later (owners came last) needs no new version; anything that does not
 * add up is refused, never trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "memdesc_stat.h"

/* Shadow words per read while saving: 512 KiB. */
#define SNAP_BATCH_WORDS	65536
/*
 * A layout with more ranges than this is not one the module writes: a range
 * is at least one 128 MiB section, and a sparse 64 TiB machine has half a
 * million of those at most.
 */
#define SNAP_MAX_RANGES		(1U << 20)
/* One line per populated zone of each node. */
#define SNAP_MAX_ZONES		((MEMDESC_NODE_MAX + 1) * (MEMDESC_ZONE_MAX + 1))
/* Reads of the shadow that may find the layout changed before one holds. */
#define SNAP_SAVE_TRIES		5

static void put_le32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static uint64_t align8(uint64_t v)
{
	return (v + SNAP_ALIGN - 1) & ~(uint64_t)(SNAP_ALIGN - 1);
}

/* === layout and zones text === */

static int cmp_range_start(const void *a, const void *b)
{
	const struct snap_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted by PFN, each range need only clear the one before it. */
static bool ranges_overlap(struct snap_range *ranges, unsigned int n,
			   char *err, size_t errlen)
{
	unsigned int i;

	qsort(ranges, n, sizeof(*ranges), cmp_range_start);
	for (i = 1; i < n; i++) {
		if (ranges[i].start < ranges[i - 1].start + ranges[i - 1].pfns) {
			snprintf(err, errlen, "layout: the ranges at PFN %llu and %llu overlap",
				 (unsigned long long)ranges[i - 1].start,
				 (unsigned long long)ranges[i].start);
			return true;
		}
	}
	return false;
}

/*
 * Parse a layout file: "range <node> <start-pfn> <pfns> <byte-offset>".
 * Ranges must lie back to back in the shadow, in order, as the module
 * writes them, and must not overlap in PFNs; there may be gaps between
 * them, and many per node.  Returns the ranges sorted by PFN, or NULL and
 * sets @err on anything else.  Save and load both read a layout here, so
 * save takes only a layout load takes.
 */
static struct snap_range *parse_layout(const char *source, const char *text,
				       unsigned int *nr, uint64_t *words,
				       char *err, size_t errlen)
{
	struct snap_range *ranges;
	const struct record *rec;
	struct records recs;
	uint64_t v[4], total = 0;
	unsigned int n = 0, i, j;

	records_parse(&recs, source, text);
	ranges = xcalloc(recs.nr, sizeof(*ranges));
	for (i = 0; i < recs.nr; i++) {
		rec = &recs.rec[i];
		if (rec->empty)
			continue;
		if (strcmp(rec->kind, "range") || rec->nf != 4) {
			snprintf(err, errlen, "layout line %u: want 'range <node> <start-pfn> <pfns> <byte-offset>'",
				 rec->line);
			goto fail;
		}
		for (j = 0; j < 4; j++) {
			if (!parse_u64(rec->f[j], &v[j])) {
				snprintf(err, errlen, "layout line %u: '%s' is not a number",
					 rec->line, rec->f[j]);
				goto fail;
			}
		}
		if (v[0] > MEMDESC_NODE_MAX || !v[2] || v[2] > SNAP_MAX_PFN ||
		    v[1] > SNAP_MAX_PFN || total + v[2] > SNAP_MAX_PFN) {
			snprintf(err, errlen, "layout line %u: node, PFN or size out of range",
				 rec->line);
			goto fail;
		}
		if (n == SNAP_MAX_RANGES) {
			snprintf(err, errlen, "layout line %u: more than %u ranges",
				 rec->line, SNAP_MAX_RANGES);
			goto fail;
		}
		if (v[3] != total * 8) {
			snprintf(err, errlen, "layout line %u: byte offset %llu, want %llu (ranges back to back)",
				 rec->line, (unsigned long long)v[3],
				 (unsigned long long)total * 8);
			goto fail;
		}
		ranges[n].node = v[0];
		ranges[n].start = v[1];
		ranges[n].pfns = v[2];
		ranges[n].index = total;
		total += v[2];
		n++;
	}
	if (!n) {
		snprintf(err, errlen, "layout has no range");
		goto fail;
	}
	if (ranges_overlap(ranges, n, err, errlen))
		goto fail;
	records_free(&recs);
	*nr = n;
	*words = total;
	return ranges;
fail:
	records_free(&recs);
	free(ranges);
	return NULL;
}

/**
 * struct zone_line - a zone of /proc/zoneinfo or of a zones section
 * @node:	node id
 * @index:	zone index on the node
 * @name:	the kernel's name
 * @start:	zone_start_pfn
 * @spanned:	spanned PFNs
 */
struct zone_line {
	uint64_t node;
	uint64_t index;
	const char *name;
	uint64_t start;
	uint64_t spanned;
};

/*
 * What a zone of a snapshot must be, for save and load alike: whatever
 * save takes from /proc/zoneinfo, load takes back.  False with @err set
 * if @z is not one.
 */
static bool zone_ok(const struct zone_line *z, char *err, size_t errlen)
{
	if (z->node > MEMDESC_NODE_MAX)
		snprintf(err, errlen, "node %llu: the word holds nodes up to %u",
			 (unsigned long long)z->node, MEMDESC_NODE_MAX);
	else if (z->index > MEMDESC_ZONE_MAX)
		snprintf(err, errlen, "zone %s is node %llu's zone %llu; the word holds zones up to %u",
			 z->name, (unsigned long long)z->node,
			 (unsigned long long)z->index, MEMDESC_ZONE_MAX);
	else if (strlen(z->name) >= SNAP_ZONE_NAME_BYTES)
		snprintf(err, errlen, "zone name '%.64s': longer than %u characters",
			 z->name, SNAP_ZONE_NAME_BYTES - 1);
	else if (z->start > SNAP_MAX_PFN || z->spanned > SNAP_MAX_PFN)
		snprintf(err, errlen, "zone %s: start_pfn %llu or spanned %llu past PFN 2^52",
			 z->name, (unsigned long long)z->start,
			 (unsigned long long)z->spanned);
	else
		return true;
	return false;
}

/**
 * struct zoneinfo - reading /proc/zoneinfo
 * @path:	its name, for messages
 * @line:	the line being read, 1-based
 * @zone:	the zone being read
 * @seen:	a "Node" line came
 * @populated:	the zone printed a start_pfn: only populated zones do
 * @out:	the zones section being written
 */
struct zoneinfo {
	const char *path;
	unsigned int line;
	struct zone_line zone;
	bool seen;
	bool populated;
	FILE *out;
};

/* The zone read so far, if it is populated, once the next one starts. */
static void zoneinfo_flush(struct zoneinfo *zi)
{
	char err[160];

	if (!zi->populated)
		return;
	if (!zone_ok(&zi->zone, err, sizeof(err)))
		fatal_at(zi->path, zi->line, "%s", err);
	fprintf(zi->out, "zone %llu %llu %s %llu %llu\n",
		(unsigned long long)zi->zone.node,
		(unsigned long long)zi->zone.index, zi->zone.name,
		(unsigned long long)zi->zone.start,
		(unsigned long long)zi->zone.spanned);
	zi->populated = false;
}

/* "Node <n>, zone <name>": a zone starts; @w are the line's words. */
static void zoneinfo_node(struct zoneinfo *zi, char **w)
{
	size_t len = strlen(w[1]);
	uint64_t node;

	w[1][len - 1] = '\0';
	if (!parse_u64(w[1], &node))
		fatal_at(zi->path, zi->line, "node '%.32s' is not a number",
			 w[1]);
	if (zi->seen && node < zi->zone.node)
		fatal_at(zi->path, zi->line,
			 "node %llu after node %llu: nodes out of order",
			 (unsigned long long)node,
			 (unsigned long long)zi->zone.node);
	zoneinfo_flush(zi);
	/* Every zone of a node is listed, in index order, populated or not. */
	zi->zone.index = zi->seen && node == zi->zone.node ?
			 zi->zone.index + 1 : 0;
	zi->zone.node = node;
	zi->zone.name = w[3];
	zi->zone.start = 0;
	zi->zone.spanned = 0;
	zi->seen = true;
}

/* The value of a "<key> <n>" line of the zone being read. */
static uint64_t zoneinfo_value(const struct zoneinfo *zi, const char *word)
{
	uint64_t v;

	if (!zi->seen)
		fatal_at(zi->path, zi->line,
			 "a zone's numbers before any \"Node\" line");
	if (!parse_u64(word, &v))
		fatal_at(zi->path, zi->line, "'%.32s' is not a number", word);
	return v;
}

/*
 * /proc/zoneinfo to "zone <node> <index> <name> <start-pfn> <spanned>".
 * It lists every zone of a node in index order, populated or not, so the
 * index is the count of zones seen so far on that node; only populated
 * zones print a start_pfn, and only those are kept.  A zone is printed when
 * the next one (or the end) is reached.  Numbers are read whole: one that
 * is none, or too large, is an error, as is a zone a snapshot cannot hold.
 * Words end where the record parser ends them (a CR too), so a name is
 * read back as it was written.
 */
static char *zones_from_zoneinfo(const char *path, const char *zoneinfo)
{
	struct zoneinfo zi = { .path = path };
	char *copy = xstrdup(zoneinfo), *p = copy, *end, *text = NULL, *save;
	char *w[6];
	size_t len = 0;
	unsigned int n;
	char more;

	zi.out = open_memstream(&text, &len);
	if (!zi.out)
		fatal("open_memstream: %s", strerror(errno));
	fprintf(zi.out, "# zone node index name start-pfn spanned\n");
	for (; *p; p = end + !!more) {
		end = strchrnul(p, '\n');
		more = *end;
		*end = '\0';
		zi.line++;
		for (n = 0; n < MEMDESC_ARRAY_SIZE(w) &&
			    (w[n] = strtok_r(n ? NULL : p, " \t\r", &save)); n++)
			;
		if (n == 4 && !strcmp(w[0], "Node") && !strcmp(w[2], "zone") &&
		    strlen(w[1]) > 1 && w[1][strlen(w[1]) - 1] == ',') {
			zoneinfo_node(&zi, w);
		} else if (n == 2 && !strcmp(w[0], "spanned")) {
			zi.zone.spanned = zoneinfo_value(&zi, w[1]);
		} else if (n == 2 && !strcmp(w[0], "start_pfn:")) {
			zi.zone.start = zoneinfo_value(&zi, w[1]);
			zi.populated = true;
		}
	}
	zoneinfo_flush(&zi);
	free(copy);
	if (fclose(zi.out))
		fatal("open_memstream: %s", strerror(errno));
	return text;
}

static int cmp_zone(const void *a, const void *b)
{
	const struct snap_zone *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Sort @zones by node and index, and find none twice: a node then has at
 * most MEMDESC_ZONE_MAX + 1, which snap_node_zones() hands out.
 */
static bool zones_unique(struct snap_zone *zones, unsigned int n, char *err,
			 size_t errlen)
{
	unsigned int i;

	qsort(zones, n, sizeof(*zones), cmp_zone);
	for (i = 1; i < n; i++) {
		if (!cmp_zone(&zones[i - 1], &zones[i])) {
			snprintf(err, errlen, "zones: node %u zone %u listed twice",
				 zones[i].node, zones[i].index);
			return false;
		}
	}
	return true;
}

static struct snap_zone *parse_zones(const char *source, const char *text,
				     unsigned int *nr, char *err,
				     size_t errlen)
{
	struct snap_zone *zones;
	const struct record *rec;
	struct zone_line z;
	struct records recs;
	unsigned int n = 0, i;
	char why[160];

	records_parse(&recs, source, text);
	zones = xcalloc(recs.nr, sizeof(*zones));
	for (i = 0; i < recs.nr; i++) {
		rec = &recs.rec[i];
		if (rec->empty)
			continue;
		if (strcmp(rec->kind, "zone") || rec->nf != 5) {
			snprintf(err, errlen, "zones line %u: want 'zone <node> <index> <name> <start-pfn> <spanned>'",
				 rec->line);
			goto fail;
		}
		z.name = rec->f[2];
		if (!parse_u64(rec->f[0], &z.node) ||
		    !parse_u64(rec->f[1], &z.index) ||
		    !parse_u64(rec->f[3], &z.start) ||
		    !parse_u64(rec->f[4], &z.spanned)) {
			snprintf(err, errlen, "zones line %u: a field is not a number",
				 rec->line);
			goto fail;
		}
		if (!zone_ok(&z, why, sizeof(why)) || n == SNAP_MAX_ZONES) {
			snprintf(err, errlen, "zones line %u: %s", rec->line,
				 n == SNAP_MAX_ZONES ? "too many zones" : why);
			goto fail;
		}
		zones[n].node = z.node;
		zones[n].index = z.index;
		strcpy(zones[n].name, z.name);
		zones[n].start = z.start;
		zones[n].spanned = z.spanned;
		n++;
	}
	records_free(&recs);
	if (zones_unique(zones, n, err, errlen)) {
		*nr = n;
		return zones;
	}
	free(zones);
	return NULL;
fail:
	records_free(&recs);
	free(zones);
	return NULL;
}

/**
 * snap_node_zones - the zones of a node
 * @s:		snapshot
 * @node:	node id
 * @nr:		set to how many: MEMDESC_ZONE_MAX + 1 at most
 *
 * Return: the first, in index order; the others follow it.
 */
const struct snap_zone *snap_node_zones(const struct snapshot *s,
					unsigned int node, unsigned int *nr)
{
	unsigned int lo = 0, hi = s->nr_zones, n = 0;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (s->zones[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < s->nr_zones && s->zones[lo + n].node == node)
		n++;
	*nr = n;
	return s->zones + lo;
}

/**
 * snap_zone_name - the kernel's name of a zone
 * @s:		snapshot
 * @node:	node id
 * @zone:	zone index
 * @buf:	room for a made-up name
 * @size:	of @buf
 *
 * A word names a zone that held no page at save time only if struct page
 * said so, and then the kernel has no such zone either (6.1 and 6.12 leave
 * two pages of a QEMU guest reading zone 5): the module prints "invalid"
 * for it, and so does this.
 *
 * Return: the name saved from /proc/zoneinfo, else "invalid".
 */
const char *snap_zone_name(const struct snapshot *s, unsigned int node,
			   unsigned int zone, char *buf, size_t size)
{
	const struct snap_zone *z;
	unsigned int i, n;

	z = snap_node_zones(s, node, &n);
	for (i = 0; i < n; i++)
		if (z[i].index == zone)
			return z[i].name;
	snprintf(buf, size, "invalid");
	return buf;
}

/**
 * snap_system - a value from the snapshot's system section
 * @s:		snapshot
 * @key:	the record ("release", "boot_id")
 * @buf:	room for the value
 * @size:	of @buf
 *
 * Return: @buf, or NULL if the section or a one-value record @key is absent.
 */
const char *snap_system(const struct snapshot *s, const char *key, char *buf,
			size_t size)
{
	const struct record *rec;
	const char *ret = NULL;
	struct records r;
	char *source;

	if (!s->system.data)
		return NULL;
	source = snap_section_source(s, "system");
	records_parse(&r, source, s->system.data);
	free(source);
	rec = records_find(&r, key, NULL);
	if (rec && rec->nf == 1) {
		snprintf(buf, size, "%s", rec->f[0]);
		ret = buf;
	}
	records_free(&r);
	return ret;
}

/* === save === */

/*
 * The module's reports, saved as they read: stats, transitions and owners
 * cannot be recomputed from the words.  owners says "owners off" while
 * allocation sites are not tracked, and that is saved too.
 */
static const char * const save_reports[] = {
	"summary", "projection", "stats", "transitions", "owners",
};

/* shadow, layout, sections, the reports, zones, system */
#define SAVE_SECTIONS	(3 + MEMDESC_ARRAY_SIZE(save_reports) + 2)

/**
 * struct snap_out - the snapshot being written
 * @fd:		the temporary file
 * @path:	its name
 * @offset:	bytes written so far
 * @crc:	crc32 of the bytes from @crc_from to @offset
 * @crc_from:	where the crc starts (the end of the section table)
 * @table:	the section table, written last
 * @nr:		entries used in @table
 */
struct snap_out {
	int fd;
	char *path;
	uint64_t offset;
	uLong crc;
	uint64_t crc_from;
	unsigned char table[SAVE_SECTIONS][SNAP_SECTION_BYTES];
	unsigned int nr;
};

static void out_write(struct snap_out *o, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	ssize_t ret;

	while (done < len) {
		ret = write(o->fd, p + done, len - done);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			fatal("%s: write: %s", o->path, strerror(errno));
		}
		done += ret;
	}
	/* crc32() takes uInt lengths: feed it in pieces. */
	for (done = 0; done < len; done += 1U << 30)
		o->crc = crc32(o->crc, (const Bytef *)p + done,
			       len - done < 1U << 30 ? len - done : 1U << 30);
	o->offset += len;
}

static void out_pad(struct snap_out *o)
{
	static const unsigned char zero[SNAP_ALIGN];

	out_write(o, zero, align8(o->offset) - o->offset);
}

/* Enter the section written from @start on into the table; pad after it. */
static void out_entry(struct snap_out *o, const char *name, uint64_t start)
{
	unsigned char *e = o->table[o->nr++];

	memcpy(e, name, strlen(name));
	put_le64(e + 16, start);
	put_le64(e + 24, o->offset - start);
	out_pad(o);
}

/*
 * A text section, which readers will parse: refused here, naming @source,
 * if they would refuse it then.
 */
static void out_text(struct snap_out *o, const char *name, const char *source,
		     const char *text)
{
	uint64_t start = o->offset;
	struct records r;

	records_parse(&r, source, text);
	records_free(&r);
	out_write(o, text, strlen(text));
	out_entry(o, name, start);
}

/* A module file that older modules lack: saved if it is there. */
static void out_optional(struct snap_out *o, const char *name, char *text)
{
	char *file = debugfs_path(name);

	if (text)
		out_text(o, name, file, text);
	else
		print_warning("%s: missing (an older module?): not saved", file);
	free(file);
	free(text);
}

/*
 * Start the temporary file, removed on any failure; header and table go in
 * last, at its head.
 */
static void out_open(struct snap_out *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	o->path = xmalloc(strlen(path) + 16);
	sprintf(o->path, "%s.XXXXXX", path);
	o->fd = mkstemp(o->path);
	if (o->fd < 0)
		fatal("%s: %s", o->path, strerror(errno));
	temp_add(o->path);
	o->crc_from = align8(SNAP_HEADER_BYTES + sizeof(o->table));
	o->offset = o->crc_from;
	o->crc = crc32(0, NULL, 0);
	if (lseek(o->fd, o->offset, SEEK_SET) < 0)
		fatal("%s: seek: %s", o->path, strerror(errno));
}

/* Drop every section written so far: the shadow copy is to be done again. */
static void out_restart(struct snap_out *o)
{
	if (lseek(o->fd, o->crc_from, SEEK_SET) < 0 ||
	    ftruncate(o->fd, o->crc_from))
		fatal("%s: %s", o->path, strerror(errno));
	o->offset = o->crc_from;
	o->crc = crc32(0, NULL, 0);
	o->nr = 0;
	memset(o->table, 0, sizeof(o->table));
}

/* Header and table, written last, and the file on disk. */
static void out_finish(struct snap_out *o)
{
	static const unsigned char zero[SNAP_ALIGN];
	unsigned char head[SNAP_HEADER_BYTES] = { 0 };
	uLong crc;

	memcpy(head, SNAP_MAGIC, 8);
	put_le32(head + 8, SNAP_VERSION);
	put_le32(head + 12, SNAP_HEADER_BYTES);
	put_le64(head + 16, o->offset);
	put_le32(head + 24, o->nr);
	put_le64(head + 32, time(NULL));
	/*
	 * The crc covers the header, its own field read as zero, the table
	 * and the padding after it, then the data.
	 */
	crc = crc32(crc32(0, NULL, 0), head, sizeof(head));
	crc = crc32(crc, (const Bytef *)o->table, sizeof(o->table));
	crc = crc32(crc, zero, o->crc_from - SNAP_HEADER_BYTES -
		    sizeof(o->table));
	crc = crc32_combine(crc, o->crc, o->offset - o->crc_from);
	put_le32(head + 28, crc);
	if (pwrite(o->fd, head, sizeof(head), 0) != sizeof(head) ||
	    pwrite(o->fd, o->table, sizeof(o->table), SNAP_HEADER_BYTES) !=
	    sizeof(o->table))
		fatal("%s: write: %s", o->path, strerror(errno));
	if (fsync(o->fd) || close(o->fd))
		fatal("%s: %s", o->path, strerror(errno));
}

/*
 * Read the finished file back as any reader will, so that what save
 * writes always loads (a failure here is fatal, and removes it), then let
 * it take @path's place.  @back keeps it loaded, NULL drops it.
 */
static void out_close(struct snap_out *o, const char *path,
		      struct snapshot *back)
{
	struct snapshot s;

	out_finish(o);
	snap_load(&s, o->path);
	if (rename(o->path, path))
		fatal("%s: %s", path, strerror(errno));
	temp_done(o->path, false);
	free(o->path);
	s.path = path;
	if (back)
		*back = s;
	else
		snap_free(&s);
}

/*
 * The boot id, if the kernel has one: two snapshots with different ones
 * cannot be diffed, whatever their layouts.
 */
static char *boot_id(void)
{
	const char *path = env_or("MEMDESC_BOOT_ID", MEMDESC_BOOT_ID);
	char *id = read_text(path, NULL, true);
	size_t len;

	if (!id)
		return NULL;
	len = strcspn(id, "\n");
	id[len] = '\0';
	if (!len || len > 64 ||
	    strspn(id, "0123456789abcdefABCDEF-") != len) {
		print_warning("%s: '%.64s' is not a boot id: not saved", path,
			      id);
		free(id);
		return NULL;
	}
	return id;
}

static char *system_text(void)
{
	char *text, *id = boot_id();
	long page = sysconf(_SC_PAGESIZE);
	struct utsname u;

	if (uname(&u))
		fatal("uname: %s", strerror(errno));
	text = xmalloc(strlen(u.release) + strlen(u.machine) +
		       (id ? strlen(id) : 0) + 80);
	sprintf(text, "release %s\nmachine %s\npage_size %ld\n", u.release,
		u.machine, page);
	if (id)
		sprintf(text + strlen(text), "boot_id %s\n", id);
	free(id);
	return text;
}

/* The layout file, checked; every error is fatal. */
static char *read_layout(const char *path, unsigned int *nr_ranges,
			 uint64_t *words)
{
	char *text = read_text(path, NULL, false), err[256];
	struct snap_range *ranges;

	ranges = parse_layout(path, text, nr_ranges, words, err, sizeof(err));
	if (!ranges)
		fatal("%s: %s", path, err);
	free(ranges);
	return text;
}

/*
 * Copy the shadow file into the snapshot, a batch at a time.  Returns false
 * if it does not hold @words words: the layout changed since it was read.
 * fstat() after open gives the size of the current layout.
 */
static bool save_shadow(struct snap_out *o, const char *path, uint64_t words)
{
	size_t batch = SNAP_BATCH_WORDS * 8, len;
	unsigned char *buf = xmalloc(batch);
	bool whole = true;
	struct stat st;
	uint64_t off;
	int fd;

	fd = checked_open(path, O_RDONLY);
	if (fstat(fd, &st))
		fatal("%s: %s", path, strerror(errno));
	if (st.st_size && (uint64_t)st.st_size != words * 8)
		whole = false;
	for (off = 0; whole && off < words * 8; off += len) {
		len = words * 8 - off < batch ? words * 8 - off : batch;
		whole = pread_full(fd, buf, len, off, path) == len;
		if (whole)
			out_write(o, buf, len);
	}
	close(fd);
	free(buf);
	return whole;
}

/*
 * Memory going on- or offline changes the layout, and the shadow file with
 * it, at any time.  A copy of the shadow is kept only if the layout read
 * before it and the one read after it are the same text; otherwise it is
 * done again.  The sections file is read in between, so it lists the
 * sections of that layout.  Writes "shadow", "layout" and, if the module
 * has it, "sections".
 */
static void save_settled(struct snap_out *o, unsigned int *nr_ranges,
			 uint64_t *words)
{
	char *lpath = debugfs_path("layout"), *spath = debugfs_path("shadow");
	char *cpath = debugfs_path("sections");
	char *before, *after, *sections;
	uint64_t start = o->offset;
	bool whole, same;
	int try;

	for (try = 0; try < SNAP_SAVE_TRIES; try++) {
		before = read_layout(lpath, nr_ranges, words);
		whole = save_shadow(o, spath, *words);
		sections = read_text(cpath, NULL, true);
		after = read_text(lpath, NULL, false);
		same = !strcmp(before, after);
		free(after);
		if (whole && same)
			break;
		free(before);
		free(sections);
		out_restart(o);
	}
	if (try == SNAP_SAVE_TRIES)
		fatal("%s: the layout changed while the shadow was read, %d times in a row (memory going on- or offline?): try again",
		      lpath, SNAP_SAVE_TRIES);
	out_entry(o, "shadow", start);
	out_text(o, "layout", lpath, before);
	out_optional(o, "sections", sections);
	free(before);
	free(lpath);
	free(spath);
	free(cpath);
}

/**
 * snap_save - write a snapshot of the live module to @path
 * @path:	file to write; replaced only once the new one is complete
 * @flags:	SNAP_SAVE_QUIET: say nothing on standard output;
 *		SNAP_SAVE_WORDS: the shadow and what reading it needs, not the
 *		module's reports (projection, for one, walks every word)
 * @back:	the snapshot as loaded back, for the caller to snap_free();
 *		NULL if not wanted
 *
 * The shadow is copied while the kernel keeps changing it: each word is
 * read once and whole, but words far apart are read at different times.
 * What the files hold is checked as snap_load() checks it, before the slow
 * part where that can be, and the finished file is loaded back before it
 * takes @path's place: save writes nothing that load refuses.  On any
 * error the temporary file is removed and @path is left as it was.
 */
void snap_save(const char *path, unsigned int flags, struct snapshot *back)
{
	const char *zpath = env_or("MEMDESC_ZONEINFO", MEMDESC_ZONEINFO);
	char *file, *zoneinfo, *zones, *system;
	unsigned int nr_ranges;
	struct snap_out o;
	uint64_t words;
	size_t i;

	/* Fail early, before the slow part, if the module is not there. */
	file = debugfs_path("layout");
	free(read_layout(file, &nr_ranges, &words));
	free(file);
	zoneinfo = read_text(zpath, NULL, false);
	zones = zones_from_zoneinfo(zpath, zoneinfo);
	free(zoneinfo);
	system = system_text();

	out_open(&o, path);
	save_settled(&o, &nr_ranges, &words);
	for (i = 0; !(flags & SNAP_SAVE_WORDS) &&
		    i < MEMDESC_ARRAY_SIZE(save_reports); i++)
		out_optional(&o, save_reports[i],
			     debugfs_read(save_reports[i], true));
	out_text(&o, "zones", zpath, zones);
	out_text(&o, "system", "system", system);
	free(zones);
	free(system);
	out_close(&o, path, back);
	if (!(flags & SNAP_SAVE_QUIET))
		printf("saved %llu PFNs in %u ranges to %s (%llu bytes)\n",
		       (unsigned long long)words, nr_ranges, path,
		       (unsigned long long)o.offset);
}

/* === load === */

static __noreturn __printf(2, 3) void corrupt(const struct snapshot *s,
						   const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fatal("%s: corrupt snapshot: %s", s->path, msg);
}

static bool section_name_ok(const unsigned char *name)
{
	size_t i;

	if (!name[0])
		return false;
	for (i = 0; i < SNAP_NAME_BYTES && name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return false;
	if (i == SNAP_NAME_BYTES)
		return false;
	for (; i < SNAP_NAME_BYTES; i++)
		if (name[i])
			return false;
	return true;
}

static void load_text(struct snapshot *s, struct snap_text *t,
		      const char *name, uint64_t off, uint64_t size)
{
	const char *p = (const char *)s->map + off;

	if (size > TEXT_MAX_BYTES)
		corrupt(s, "section %s of %llu bytes: text sections hold at most %u MiB",
			name, (unsigned long long)size, TEXT_MAX_BYTES >> 20);
	if (memchr(p, '\0', size))
		corrupt(s, "section %s holds a NUL byte: not text", name);
	t->data = xmalloc(size + 1);
	memcpy(t->data, p, size);
	t->data[size] = '\0';
	t->len = size;
}

/* crc32() of @len bytes, which it takes in uInt pieces. */
static uLong crc_of(uLong crc, const unsigned char *p, size_t len)
{
	size_t chunk;

	for (; len; p += chunk, len -= chunk) {
		chunk = len < 1U << 30 ? len : 1U << 30;
		crc = crc32(crc, p, chunk);
	}
	return crc;
}

/* Map @path whole, checking it is a file that could be a snapshot. */
static void load_map(struct snapshot *s, const char *path)
{
	struct stat st;
	int fd;

	memset(s, 0, sizeof(*s));
	s->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fatal("%s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		fatal("%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		fatal("%s: not a regular file", path);
	s->size = st.st_size;
	if (s->size < 8)
		fatal("%s: not a memdesc snapshot (%zu bytes)", path, s->size);
	s->map = mmap(NULL, s->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (s->map == MAP_FAILED)
		fatal("%s: mmap: %s", path, strerror(errno));
	close(fd);
}

/*
 * Every field of the header, and the crc.  Version 1 left the header out
 * of the crc; version 2 covers the whole file, its own field read as zero.
 * Returns the number of sections.
 */
static uint32_t load_header(struct snapshot *s)
{
	static const unsigned char zero[SNAP_HEADER_BYTES];
	const unsigned char *m = s->map;
	uint32_t version, hsize, nr, crc;
	uint64_t file_size;
	uLong want;

	if (memcmp(m, SNAP_MAGIC, 8))
		fatal("%s: not a memdesc snapshot (no \"%s\" magic)", s->path,
		      SNAP_MAGIC);
	if (s->size < SNAP_HEADER_BYTES)
		fatal("%s: truncated snapshot: %zu bytes, shorter than its header",
		      s->path, s->size);
	version = get_le32(m + 8);
	if (version < 1 || version > SNAP_VERSION)
		fatal("%s: snapshot format version %u; this %s reads versions 1 to %u",
		      s->path, version, prog_name, SNAP_VERSION);
	hsize = get_le32(m + 12);
	file_size = get_le64(m + 16);
	nr = get_le32(m + 24);
	crc = get_le32(m + 28);
	s->time = get_le64(m + 32);
	if (file_size > s->size)
		fatal("%s: truncated snapshot: %zu of %llu bytes", s->path,
		      s->size, (unsigned long long)file_size);
	if (file_size < s->size)
		corrupt(s, "%zu bytes, but the header says %llu", s->size,
			(unsigned long long)file_size);
	if (hsize != SNAP_HEADER_BYTES)
		corrupt(s, "header size %u, not %u", hsize, SNAP_HEADER_BYTES);
	if (memcmp(m + SNAP_HEADER_RESERVED, zero,
		   SNAP_HEADER_BYTES - SNAP_HEADER_RESERVED))
		corrupt(s, "header bytes %u to %u are not zero",
			SNAP_HEADER_RESERVED, SNAP_HEADER_BYTES - 1);
	if (!nr || nr > SNAP_MAX_SECTIONS)
		corrupt(s, "%u sections", nr);
	if (hsize + (uint64_t)nr * SNAP_SECTION_BYTES > s->size)
		corrupt(s, "section table past the end of the file");
	if (version == 1) {
		want = crc_of(crc32(0, NULL, 0), m + hsize, s->size - hsize);
	} else {
		want = crc_of(crc32(0, NULL, 0), m, 28);
		want = crc_of(want, zero, 4);
		want = crc_of(want, m + 32, s->size - 32);
	}
	if (crc != want)
		corrupt(s, "checksum 0x%08x, but the contents sum to 0x%08x",
			crc, (uint32_t)want);
	return nr;
}

/*
 * A section the tool reads, by name: the shadow's words, or a copy of a
 * text section.  Sections of other names are skipped.
 */
static void load_section(struct snapshot *s, const unsigned char *e,
			 uint64_t off, uint64_t size, struct snap_text *layout,
			 struct snap_text *zones)
{
	const struct {
		const char *name;
		struct snap_text *t;
	} texts[] = {
		{ "layout", layout },
		{ "zones", zones },
		{ "summary", &s->summary },
		{ "projection", &s->projection },
		{ "stats", &s->stats },
		{ "transitions", &s->transitions },
		{ "sections", &s->sections },
		{ "owners", &s->owners },
		{ "system", &s->system },
	};
	const char *name = (const char *)e;
	size_t i;

	if (!strcmp(name, "shadow")) {
		if (size % 8)
			corrupt(s, "shadow section of %llu bytes: not whole words",
				(unsigned long long)size);
		s->words = (const unsigned char *)s->map + off;
		s->nr_words = size / 8;
		return;
	}
	for (i = 0; i < MEMDESC_ARRAY_SIZE(texts); i++)
		if (!strcmp(name, texts[i].name))
			load_text(s, texts[i].t, name, off, size);
}

/*
 * The section table: every entry named, inside the file, after the table,
 * once, apart from the others.  Between the table and the first section
 * there is nothing but zeros: an entry there would be one the header does
 * not count (version 1 left the count out of the crc).
 */
static void load_table(struct snapshot *s, uint32_t nr,
		       struct snap_text *layout, struct snap_text *zones)
{
	struct { uint64_t off, size; } sec[SNAP_MAX_SECTIONS];
	const unsigned char *m = s->map, *e, *o;
	uint64_t table_end = SNAP_HEADER_BYTES + (uint64_t)nr * SNAP_SECTION_BYTES;
	uint64_t first = s->size, k;
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		e = m + SNAP_HEADER_BYTES + i * SNAP_SECTION_BYTES;
		sec[i].off = get_le64(e + 16);
		sec[i].size = get_le64(e + 24);
		if (!section_name_ok(e))
			corrupt(s, "section %u has no valid name", i);
		if (sec[i].off % SNAP_ALIGN || sec[i].off < table_end ||
		    sec[i].off > s->size || sec[i].size > s->size - sec[i].off)
			corrupt(s, "section %.16s lies outside the file", e);
		for (j = 0; j < i; j++) {
			o = m + SNAP_HEADER_BYTES + j * SNAP_SECTION_BYTES;
			if (!strncmp((const char *)o, (const char *)e,
				     SNAP_NAME_BYTES))
				corrupt(s, "section %.16s appears twice", e);
			if (sec[i].off < sec[j].off + sec[j].size &&
			    sec[j].off < sec[i].off + sec[i].size)
				corrupt(s, "sections %.16s and %.16s overlap", o,
					e);
		}
		if (sec[i].off < first)
			first = sec[i].off;
	}
	for (k = table_end; k < first; k++)
		if (m[k])
			corrupt(s, "the section table goes on past the %u sections the header counts",
				nr);
	for (i = 0; i < nr; i++) {
		e = m + SNAP_HEADER_BYTES + i * SNAP_SECTION_BYTES;
		load_section(s, e, sec[i].off, sec[i].size, layout, zones);
	}
}

/**
 * snap_load - map and check a snapshot; every error is fatal
 * @s:		filled in
 * @path:	the file
 */
void snap_load(struct snapshot *s, const char *path)
{
	struct snap_text layout = { 0 }, zones = { 0 };
	uint64_t nr_words;
	char err[256], *source;

	load_map(s, path);
	load_table(s, load_header(s), &layout, &zones);
	if (!s->words || !layout.data || !zones.data)
		corrupt(s, "missing section %s", !s->words ? "shadow" :
			!layout.data ? "layout" : "zones");

	nr_words = s->nr_words;
	source = snap_section_source(s, "layout");
	s->ranges = parse_layout(source, layout.data, &s->nr_ranges,
				 &s->nr_words, err, sizeof(err));
	free(source);
	if (!s->ranges)
		corrupt(s, "%s", err);
	if (s->nr_words != nr_words)
		corrupt(s, "layout covers %llu PFNs, the shadow holds %llu words",
			(unsigned long long)s->nr_words,
			(unsigned long long)nr_words);
	source = snap_section_source(s, "zones");
	s->zones = parse_zones(source, zones.data, &s->nr_zones, err,
			       sizeof(err));
	free(source);
	if (!s->zones)
		corrupt(s, "%s", err);
	free(layout.data);
	free(zones.data);
}

/**
 * snap_section_source - how messages name a section of @s
 * @s:		the snapshot
 * @name:	the section
 *
 * Return: "FILE, NAME section", for the caller to free.
 */
char *snap_section_source(const struct snapshot *s, const char *name)
{
	char *source = xmalloc(strlen(s->path) + strlen(name) + 16);

	sprintf(source, "%s, %s section", s->path, name);
	return source;
}

/**
 * snap_free - undo snap_load()
 * @s:		the snapshot
 */
void snap_free(struct snapshot *s)
{
	munmap(s->map, s->size);
	free(s->ranges);
	free(s->zones);
	free(s->summary.data);
	free(s->projection.data);
	free(s->stats.data);
	free(s->transitions.data);
	free(s->sections.data);
	free(s->owners.data);
	free(s->system.data);
	memset(s, 0, sizeof(*s));
}
