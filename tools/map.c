// SPDX-License-Identifier: GPL-2.0
/*
 * A picture of physical memory: one block per PFN, or per N PFNs colored by
 * the class most of them have, in rows of a fixed width.
 *
 * The layout's ranges, in PFN order, are cut where a zone starts, and each
 * piece (a band) starts a new row, labelled "node N ZONE" in the left margin.
 * A thick line separates nodes, a thin one zones.  A gap between two ranges
 * of one node (a hole, offline memory) gets the thin line too: the band
 * after it starts a row of its own anyway, and the line says the PFNs do
 * not run on from the row above; the band records' start PFNs say how far
 * they jump.  The legend under the map gives each class's color and PFN
 * count; the same lines go to standard output and into the PNG's text
 * chunks.
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memdesc_stat.h"

/* Auto scale: the smallest power of two PFNs per block that fits this. */
#define MAP_AUTO_ROWS		1024
/* No picture larger than this many pixels. */
#define MAP_MAX_PIXELS		(64ULL << 20)
#define MAP_MARGIN		4
#define MAP_KEY	"thick line: node boundary, thin line: zone boundary or PFN gap"

/* Palette indexes below the classes'. */
enum {
	INK_PAPER,		/* background */
	INK_TEXT,
	INK_NODE,		/* node boundary */
	INK_ZONE,		/* zone boundary */
	INK_CLASS,		/* first class; MEMDESC_NR_CLASSES follow */
};

static const png_color map_palette[INK_CLASS + MEMDESC_NR_CLASSES] = {
	[INK_PAPER]	= { 255, 255, 255 },
	[INK_TEXT]	= {   0,   0,   0 },
	[INK_NODE]	= {   0,   0,   0 },
	[INK_ZONE]	= { 136, 138, 133 },
	[INK_CLASS + MEMDESC_CLASS_DRIVER]	   = { 245, 121,   0 },
	[INK_CLASS + MEMDESC_CLASS_RESERVED]	   = {  85,  87,  83 },
	[INK_CLASS + MEMDESC_CLASS_GUARD]	   = { 255,   0, 255 },
	[INK_CLASS + MEMDESC_CLASS_OFFLINE]	   = { 143,  89,   2 },
	[INK_CLASS + MEMDESC_CLASS_VMALLOC_MAP]   = { 255, 160, 200 },
	[INK_CLASS + MEMDESC_CLASS_VMALLOC_UNMAP] = { 173, 127, 168 },
	[INK_CLASS + MEMDESC_CLASS_MISC_OTHER]	   = { 193, 125,  17 },
	[INK_CLASS + MEMDESC_CLASS_FILE]	   = {  52, 101, 164 },
	[INK_CLASS + MEMDESC_CLASS_ANON]	   = {  78, 154,   6 },
	[INK_CLASS + MEMDESC_CLASS_KSM]	   = {   0, 160, 160 },
	[INK_CLASS + MEMDESC_CLASS_SLAB]	   = { 237, 212,   0 },
	[INK_CLASS + MEMDESC_CLASS_FREE]	   = { 222, 226, 218 },
	[INK_CLASS + MEMDESC_CLASS_MOVABLE]	   = { 114, 159, 207 },
	[INK_CLASS + MEMDESC_CLASS_PGTABLE]	   = { 204,   0,   0 },
	[INK_CLASS + MEMDESC_CLASS_NETPOOL]	   = { 117,  80, 123 },
	[INK_CLASS + MEMDESC_CLASS_HWPOISON]	   = {  40,   0,  40 },
	[INK_CLASS + MEMDESC_CLASS_UNASSIGNED]   = { 138, 226,  52 },
	[INK_CLASS + MEMDESC_CLASS_UNKNOWN]	   = { 160, 160, 160 },
	[INK_CLASS + MEMDESC_CLASS_HOLE]	   = {  46,  52,  54 },
	/* Memory the shadow could not cover: loud, unlike unknown's grey. */
	[INK_CLASS + MEMDESC_CLASS_UNTRACKED]	   = {   0, 200, 255 },
};

/**
 * struct band - PFNs of one range and zone, drawn from a new row
 * @node:	node id
 * @label:	"node 0 DMA32"
 * @zone:	zone name, or "-" where no zone starts
 * @start:	first PFN
 * @pfns:	PFNs
 * @index:	index of its first word in the shadow
 * @new_node:	first band, or of another node than the band before
 * @y:		top row of its blocks in the image
 * @height:	rows of pixels it takes
 */
struct band {
	unsigned int node;
	char label[40];
	char zone[16];
	uint64_t start;
	uint64_t pfns;
	uint64_t index;
	bool new_node;
	unsigned int y;
	unsigned int height;
};

/**
 * struct image - a palette image being drawn
 * @px:		one palette index per pixel, row after row
 * @width:	pixels per row
 * @height:	rows
 */
struct image {
	unsigned char *px;
	unsigned int width;
	unsigned int height;
};

static void fill(struct image *img, unsigned int x, unsigned int y,
		 unsigned int w, unsigned int h, unsigned char ink)
{
	unsigned int i;

	for (; h && y < img->height; h--, y++)
		for (i = 0; i < w && x + i < img->width; i++)
			img->px[(size_t)y * img->width + x + i] = ink;
}

static void text(struct image *img, unsigned int x, unsigned int y,
		 const char *s, unsigned char ink)
{
	const unsigned char *g;
	unsigned int r, c;

	for (; *s; s++, x += FONT_WIDTH) {
		g = font_glyph(*s);
		for (r = 0; r < FONT_HEIGHT; r++)
			for (c = 0; c < FONT_WIDTH; c++)
				if (g[r] & (0x80 >> c))
					fill(img, x + c, y + r, 1, 1, ink);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The zone holding @pfn, of the zones @z of its node: the one starting
 * last at or before it.
 */
static const struct snap_zone *zone_at(const struct snap_zone *z,
				       unsigned int nr, uint64_t pfn)
{
	const struct snap_zone *best = NULL;
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (z[i].start <= pfn && pfn - z[i].start < z[i].spanned &&
		    (!best || z[i].start >= best->start))
			best = &z[i];
	return best;
}

/*
 * Add the bands of range @r, cut where a zone of its node starts; @cut has
 * room for the node's zones and two more.
 */
static unsigned int range_bands(const struct snapshot *s,
				const struct snap_range *r, struct band *b,
				uint64_t *cut)
{
	const struct snap_zone *zones, *z;
	unsigned int n = 0, j, k = 0, nz;

	zones = snap_node_zones(s, r->node, &nz);
	cut[k++] = r->start;
	for (j = 0; j < nz; j++)
		if (zones[j].start > r->start &&
		    zones[j].start < r->start + r->pfns)
			cut[k++] = zones[j].start;
	qsort(cut, k, sizeof(*cut), cmp_u64);
	cut[k] = r->start + r->pfns;
	for (j = 0; j < k; j++) {
		if (cut[j] == cut[j + 1])
			continue;
		b[n].node = r->node;
		b[n].start = cut[j];
		b[n].pfns = cut[j + 1] - cut[j];
		b[n].index = r->index + (cut[j] - r->start);
		z = zone_at(zones, nz, cut[j]);
		snprintf(b[n].zone, sizeof(b[n].zone), "%s", z ? z->name : "-");
		snprintf(b[n].label, sizeof(b[n].label), "node %u %s", r->node,
			 z ? z->name : "");
		n++;
	}
	return n;
}

/*
 * The bands of every range, in PFN order: a range makes at most one band
 * more than its node has zones.
 */
static struct band *make_bands(const struct snapshot *s, unsigned int *nr)
{
	uint64_t cut[MEMDESC_ZONE_MAX + 3];
	size_t size = s->nr_ranges + s->nr_zones + 1;
	struct band *b = xcalloc(size, sizeof(*b));
	unsigned int n = 0, i;

	for (i = 0; i < s->nr_ranges; i++) {
		if (n + MEMDESC_ZONE_MAX + 2 > size) {
			size = 2 * size + MEMDESC_ZONE_MAX + 2;
			b = xrealloc(b, size * sizeof(*b));
		}
		n += range_bands(s, &s->ranges[i], b + n, cut);
	}
	for (i = 0; i < n; i++)
		b[i].new_node = !i || b[i].node != b[i - 1].node;
	*nr = n;
	return b;
}

static uint64_t blocks_of(uint64_t pfns, uint64_t per)
{
	return pfns / per + !!(pfns % per);
}

static uint64_t rows_of(const struct band *b, unsigned int nr,
			uint64_t per, unsigned int width)
{
	uint64_t rows = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		rows += blocks_of(blocks_of(b[i].pfns, per), width);
	return rows;
}

/* The class most PFNs of the block have; the lower class on a tie. */
static unsigned int majority(const struct snapshot *s, uint64_t index,
			     uint64_t pfns, uint64_t *count)
{
	uint64_t n[MEMDESC_NR_CLASSES] = { 0 };
	unsigned int c, best = 0;
	uint64_t i;

	for (i = 0; i < pfns; i++)
		n[memdesc_word_class(snap_word(s, index + i))]++;
	for (c = 0; c < MEMDESC_NR_CLASSES; c++) {
		count[c] += n[c];
		if (n[c] > n[best])
			best = c;
	}
	return best;
}

/* === PNG === */

static void png_fail(png_structp png, png_const_charp msg)
{
	fprintf(stderr, "%s: libpng: %s\n", prog_name, msg);
	png_longjmp(png, 1);
}

static void png_warn(png_structp png __maybe_unused,
		     png_const_charp msg)
{
	fprintf(stderr, "%s: libpng warning: %s\n", prog_name, msg);
}

static void write_rows(png_structp png, const struct image *img)
{
	unsigned int y;

	for (y = 0; y < img->height; y++)
		png_write_row(png, img->px + (size_t)y * img->width);
}

/* Returns 0, or -1 after libpng has said why. */
static int write_png(FILE *f, const struct image *img, png_text *txt,
		     int nr_txt)
{
	png_structp png;
	png_infop info;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail,
				      png_warn);
	if (!png)
		return -1;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, img->width, img->height, 8,
		     PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_PLTE(png, info, map_palette,
		     MEMDESC_ARRAY_SIZE(map_palette));
	png_set_text(png, info, txt, nr_txt);
	png_write_info(png, info);
	write_rows(png, img);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

/* === layout of the picture === */

/**
 * struct legend - the classes present, as drawn under the map
 * @class:	class of each entry
 * @line:	its text: "anon  123456  45.6%"
 * @nr:		entries
 * @chars:	longest line
 */
struct legend {
	unsigned int class[MEMDESC_NR_CLASSES];
	char line[MEMDESC_NR_CLASSES][64];
	unsigned int nr;
	unsigned int chars;
};

static void make_legend(struct legend *l, const uint64_t *count,
			uint64_t total)
{
	unsigned int c, n;

	memset(l, 0, sizeof(*l));
	for (c = 0; c < MEMDESC_NR_CLASSES; c++) {
		if (!count[c])
			continue;
		n = snprintf(l->line[l->nr], sizeof(l->line[0]),
			     "%-13s %10llu %6.2f%%", memdesc_class_name(c),
			     (unsigned long long)count[c],
			     total ? 100.0 * count[c] / total : 0.0);
		if (n > l->chars)
			l->chars = n;
		l->class[l->nr++] = c;
	}
}

/**
 * map_draw - draw a snapshot as a PNG
 * @s:		snapshot
 * @o:		options
 * @out:	what was drawn, in the record format
 */
void map_draw(const struct snapshot *s, const struct map_opts *o, FILE *out)
{
	uint64_t count[MEMDESC_NR_CLASSES] = { 0 }, per, rows, blocks, k;
	unsigned int nr, i, gutter = 0, map_w, y, x, ly, cols, col_w, c;
	uint64_t most = 0;
	struct tm *tm;
	char title[160], scale[160], release[80], when[32];
	struct legend legend;
	struct image img;
	png_text txt[3];
	struct band *b;
	char *desc;
	size_t len;
	time_t t;
	FILE *f;

	b = make_bands(s, &nr);
	for (i = 0; i < nr; i++)
		if (b[i].pfns > most)
			most = b[i].pfns;
	per = o->pfns_per_px;
	if (!per)
		for (per = 1; per < most &&
		     rows_of(b, nr, per, o->width) > MAP_AUTO_ROWS;)
			per *= 2;
	rows = rows_of(b, nr, per, o->width);
	map_w = o->width * o->zoom;
	if (rows * o->zoom > MAP_MAX_PIXELS / map_w)
		fatal("map: %llu rows of %u pixels are too many: raise --pfns-per-pixel (now %llu) or lower --width or --zoom",
		      (unsigned long long)(rows * o->zoom), map_w,
		      (unsigned long long)per);

	for (i = 0; i < nr; i++)
		if (strlen(b[i].label) * FONT_WIDTH > gutter)
			gutter = strlen(b[i].label) * FONT_WIDTH;
	gutter += 2 * MAP_MARGIN;

	t = s->time;
	tm = gmtime(&t);
	if (!tm || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", tm))
		snprintf(when, sizeof(when), "unknown time");
	if (!snap_system(s, "release", release, sizeof(release)))
		snprintf(release, sizeof(release), "unknown kernel");
	snprintf(title, sizeof(title), "memdesc map  %s  %s", release, when);
	snprintf(scale, sizeof(scale),
		 "%llu PFNs, 1 block = %llu PFN%s (majority class), %u blocks a row",
		 (unsigned long long)s->nr_words, (unsigned long long)per,
		 per > 1 ? "s" : "", o->width);

	/* Everything's place first, then the size of the image. */
	y = MAP_MARGIN + 3 * (FONT_HEIGHT + 2) + MAP_MARGIN;
	for (i = 0; i < nr; i++) {
		y += b[i].new_node ? 3 : 1;	/* the line above the band */
		b[i].y = y + 1;
		b[i].height = blocks_of(blocks_of(b[i].pfns, per), o->width) *
			      o->zoom;
		if (b[i].height < FONT_HEIGHT)
			b[i].height = FONT_HEIGHT;
		y = b[i].y + b[i].height + 1;
	}
	y += 3 + MAP_MARGIN;

	img.width = gutter + map_w + MAP_MARGIN;
	if (img.width < (strlen(scale) + 1) * FONT_WIDTH + 2 * MAP_MARGIN)
		img.width = (strlen(scale) + 1) * FONT_WIDTH + 2 * MAP_MARGIN;
	/*
	 * The legend needs the counts: a first pass would double the work,
	 * so size it for every class and crop the image afterwards.
	 */
	col_w = (MAP_MARGIN + FONT_HEIGHT + FONT_WIDTH + 40 * FONT_WIDTH);
	cols = (img.width - 2 * MAP_MARGIN) / col_w;
	if (!cols)
		cols = 1;
	img.height = y + (FONT_HEIGHT + 4) * (1 + blocks_of(MEMDESC_NR_CLASSES,
							     cols)) +
		     MAP_MARGIN;
	if ((uint64_t)img.width * img.height > MAP_MAX_PIXELS)
		fatal("map: a picture of %ux%u pixels is too large: raise --pfns-per-pixel (now %llu) or lower --width or --zoom",
		      img.width, img.height, (unsigned long long)per);
	img.px = xcalloc((size_t)img.width * img.height, 1);

	text(&img, MAP_MARGIN, MAP_MARGIN, title, INK_TEXT);
	text(&img, MAP_MARGIN, MAP_MARGIN + FONT_HEIGHT + 2, scale, INK_TEXT);
	text(&img, MAP_MARGIN, MAP_MARGIN + 2 * (FONT_HEIGHT + 2), MAP_KEY,
	     INK_TEXT);
	for (i = 0; i < nr; i++) {
		if (b[i].new_node)
			fill(&img, MAP_MARGIN, b[i].y - 3,
			     gutter - MAP_MARGIN + map_w, 2, INK_NODE);
		else
			fill(&img, MAP_MARGIN, b[i].y - 2,
			     gutter - MAP_MARGIN + map_w, 1, INK_ZONE);
		text(&img, MAP_MARGIN, b[i].y, b[i].label, INK_TEXT);
		blocks = blocks_of(b[i].pfns, per);
		for (k = 0; k < blocks; k++) {
			uint64_t first = k * per;
			uint64_t n = b[i].pfns - first < per ?
				     b[i].pfns - first : per;

			c = majority(s, b[i].index + first, n, count);
			x = gutter + (k % o->width) * o->zoom;
			fill(&img, x, b[i].y + (k / o->width) * o->zoom,
			     o->zoom, o->zoom, INK_CLASS + c);
		}
	}
	fill(&img, MAP_MARGIN, y - 3 - MAP_MARGIN, gutter - MAP_MARGIN + map_w,
	     2, INK_NODE);

	/* Legend: a swatch and a line per class present. */
	make_legend(&legend, count, s->nr_words);
	col_w = MAP_MARGIN + FONT_HEIGHT + FONT_WIDTH +
		legend.chars * FONT_WIDTH + 2 * FONT_WIDTH;
	cols = (img.width - 2 * MAP_MARGIN) / col_w;
	if (!cols)
		cols = 1;
	for (i = 0; i < cols && i < legend.nr; i++) {
		char head[64];

		snprintf(head, sizeof(head), "%-13s %10s %7s", "class", "PFNs",
			 "share");
		text(&img, MAP_MARGIN + i * col_w + FONT_HEIGHT + FONT_WIDTH,
		     y, head, INK_TEXT);
	}
	y += FONT_HEIGHT + 4;
	for (i = 0; i < legend.nr; i++) {
		x = MAP_MARGIN + (i % cols) * col_w;
		ly = y + (i / cols) * (FONT_HEIGHT + 4);
		fill(&img, x, ly, FONT_HEIGHT, FONT_HEIGHT - 1,
		     INK_CLASS + legend.class[i]);
		text(&img, x + FONT_HEIGHT + FONT_WIDTH, ly, legend.line[i],
		     INK_TEXT);
	}
	img.height = y + (FONT_HEIGHT + 4) * blocks_of(legend.nr ? legend.nr :
						       1, cols) + MAP_MARGIN;

	/* What was drawn, for standard output and the PNG's text chunks. */
	desc = NULL;
	f = open_memstream(&desc, &len);
	if (!f)
		fatal("open_memstream: %s", strerror(errno));
	fprintf(f, "# image file width height\n");
	fprintf(f, "image %s %u %u\n", o->output, img.width, img.height);
	fprintf(f, "# scale pfns-per-block zoom blocks-per-row rows\n");
	fprintf(f, "scale %llu %u %u %llu\n", (unsigned long long)per,
		o->zoom, o->width, (unsigned long long)rows);
	fprintf(f, "# band node zone start-pfn pfns x y width height\n");
	for (i = 0; i < nr; i++)
		fprintf(f, "band %u %s %llu %llu %u %u %u %u\n", b[i].node,
			b[i].zone, (unsigned long long)b[i].start,
			(unsigned long long)b[i].pfns, gutter, b[i].y, map_w,
			b[i].height);
	fprintf(f, "# color class red green blue pfns\n");
	for (i = 0; i < legend.nr; i++) {
		const png_color *p = &map_palette[INK_CLASS + legend.class[i]];

		fprintf(f, "color %s %u %u %u %llu\n",
			memdesc_class_name(legend.class[i]), p->red, p->green,
			p->blue,
			(unsigned long long)count[legend.class[i]]);
	}
	if (fclose(f))
		fatal("open_memstream: %s", strerror(errno));

	memset(txt, 0, sizeof(txt));
	txt[0] = (png_text){ .compression = PNG_TEXT_COMPRESSION_NONE,
			     .key = "Title", .text = title };
	txt[1] = (png_text){ .compression = PNG_TEXT_COMPRESSION_NONE,
			     .key = "Description", .text = desc };
	txt[2] = (png_text){ .compression = PNG_TEXT_COMPRESSION_NONE,
			     .key = "Software", .text = "memdesc-stat" };

	f = fopen(o->output, "wbe");
	if (!f)
		fatal("%s: %s", o->output, strerror(errno));
	if (write_png(f, &img, txt, 3) || fflush(f) || ferror(f)) {
		fclose(f);
		unlink(o->output);
		fatal("%s: cannot write the PNG", o->output);
	}
	if (fclose(f)) {
		unlink(o->output);
		fatal("%s: %s", o->output, strerror(errno));
	}
	fputs(desc, out);
	free(desc);
	free(img.px);
	free(b);
}
