// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc-stat's main(): the program itself is memdesc_stat(), which the
 * fuzz targets (tests/fuzz/) link without this file.
 */
#include "memdesc_stat.h"

int main(int argc, char **argv)
{
	return memdesc_stat(argc, argv);
}
