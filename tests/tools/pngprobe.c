// SPDX-License-Identifier: GPL-2.0
/*
 * pngprobe.c - decode a PNG with libpng and print what the tests check.
 *
 *   pngprobe FILE [X Y]...
 *
 * prints "WIDTH HEIGHT", then "R G B" for each pixel asked for.  Exits 1 if
 * libpng cannot decode the whole file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

int main(int argc, char **argv)
{
	png_image img;
	png_bytep px;
	unsigned long x, y;
	int i;

	if (argc < 2 || argc % 2) {
		fprintf(stderr, "usage: pngprobe FILE [X Y]...\n");
		return 2;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, argv[1])) {
		fprintf(stderr, "pngprobe: %s: %s\n", argv[1], img.message);
		return 1;
	}
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "pngprobe: %s: %s\n", argv[1],
			px ? img.message : "out of memory");
		return 1;
	}
	printf("%u %u\n", img.width, img.height);
	for (i = 2; i < argc; i += 2) {
		x = strtoul(argv[i], NULL, 10);
		y = strtoul(argv[i + 1], NULL, 10);
		if (x >= img.width || y >= img.height) {
			printf("outside\n");
			continue;
		}
		printf("%u %u %u\n", px[(y * img.width + x) * 3],
		       px[(y * img.width + x) * 3 + 1],
		       px[(y * img.width + x) * 3 + 2]);
	}
	free(px);
	png_image_free(&img);
	return 0;
}
