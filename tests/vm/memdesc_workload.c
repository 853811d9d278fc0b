// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_workload.c - the memory workload of the guest tests, on its own,
 * for "tests/vm/run.sh KVER --demo": give the shadow something to track
 * before its files are printed.
 *
 * usage: memdesc_workload [MiB of anonymous memory, default 1152]
 */
#include "memdesc_vm.h"

int main(int argc, char **argv)
{
	size_t anon = 6 * 192 * MD_MIB;
	const char *tmpdir = getenv("TMPDIR") ?: "/tmp";
	struct md_workload w;
	int ret;

	if (argc > 1)
		anon = strtoul(argv[1], NULL, 10) * MD_MIB;
	ret = md_workload(&w, anon, 8, 16 * MD_MIB, tmpdir, 4);
	if (ret) {
		fprintf(stderr, "memdesc_workload: %s\n", strerror(-ret));
		return 1;
	}
	printf("anonymous: %lu pages touched and freed\n", w.anon_pages);
	printf("children:  %u forked, %lu pages touched, all exited\n",
	       w.children, w.child_pages);
	printf("tmpfs:     %lu pages written to %s and removed\n",
	       w.file_pages, tmpdir);
	return 0;
}
