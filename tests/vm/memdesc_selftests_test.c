// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_selftests_test - the shadow after workloads no one here wrote.
 *
 * The kernel's own tools/testing/selftests/mm, from Debian's
 * linux-source-6.12 and built static by tests/selftests/build.sh, run as
 * workload with memdesc loaded (tests/selftests/workload.sh): userfaultfd,
 * khugepaged, the hugetlb programs (soft offline and hwpoison reads among
 * them), cow, gup_longterm, KSM, mremap, soft-dirty, mlock, compaction and
 * more.  Their own verdicts are printed and not judged: a program that
 * fails or skips on a stock kernel is still workload.  Then compare must
 * hold what the fidelity test holds after its own workload: state and
 * type, zone and node (md_check_compare()), and every class at 99.9% in
 * precision and recall, free blocks at their merged order on 99.9% of
 * free PFNs (md_check_closed()), hwpoison included when the programs
 * poisoned pages.  Then the module unloads cleanly; run.sh checks the
 * kernel log.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"

#define MST_DIR		"/selftests"
#define MST_OUT		"/tmp/selftests.out"
/* The workload's own bound (seconds), within the test's. */
#define MST_BUDGET	"420"

/* The workload's report, as it printed it. */
static void mst_print(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		ksft_print_msg("%s", line);
	fclose(f);
}

/* HardwareCorrupted from /proc/meminfo, in kB; 0 if absent. */
static unsigned long long mst_poisoned_kb(void)
{
	unsigned long long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "HardwareCorrupted: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Field @idx of "class @name ...", or 0 if compare printed none. */
static unsigned long long mst_class(const struct md_file *cmp,
				    const char *name, unsigned int idx)
{
	size_t i;

	for (i = 0; i < cmp->nr; i++)
		if (md_rec_is(&cmp->rec[i], "class", name))
			return cmp->rec[i].v[idx];
	return 0;
}

FIXTURE(selftests) {
	int unused;
};

FIXTURE_SETUP(selftests)
{
	struct stat st;

	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, stat(MST_DIR "/workload.sh", &st)) {
		TH_LOG("no %s/workload.sh: run.sh --selftests copies it",
		       MST_DIR);
	}
	md_ensure_loaded(_metadata);
	/* Allocation sites, so that a failing class names its kernel path. */
	ASSERT_EQ(0, md_write_file(MD_DEBUGFS "/control", "owners on"));
}

FIXTURE_TEARDOWN(selftests)
{
}

TEST_F_TIMEOUT(selftests, workload, MD_TIMEOUT(900))
{
	unsigned long long poisoned;
	struct md_file cmp;
	size_t i;
	int rc;

	rc = md_shell("/bin/sh " MST_DIR "/workload.sh " MST_DIR " " MST_BUDGET,
		      MST_OUT, "/dev/null");
	mst_print(MST_OUT);
	/* Only its setup can fail it: the programs' verdicts are theirs. */
	ASSERT_EQ(0, rc) {
		TH_LOG("workload.sh: exit %d", rc);
	}
	ASSERT_TRUE(md_loaded()) {
		TH_LOG("memdesc is no longer loaded after the workload");
	}

	md_read(_metadata, &cmp, "compare", md_compare_syntax);
	for (i = 0; i < cmp.nr; i++)
		if (!strcmp(cmp.rec[i].key, "class") ||
		    md_rec_is(&cmp.rec[i], "field", "free_order"))
			ksft_print_msg("%s %s shadow/agree %llu live/disagree %llu\n",
				       cmp.rec[i].key, cmp.rec[i].f[0],
				       cmp.rec[i].v[1], cmp.rec[i].v[2]);
	md_check_compare(_metadata, &cmp, "selftests", 0);
	md_check_closed(_metadata, &cmp, "selftests", NULL, 0);
	if (_metadata->exit_code != KSFT_PASS)
		for (i = 0; i < cmp.nr; i++)
			if (!strcmp(cmp.rec[i].key, "site"))
				ksft_print_msg("site %s -> %s %llu pages %s %s %s\n",
					       cmp.rec[i].f[0], cmp.rec[i].f[1],
					       cmp.rec[i].v[2], cmp.rec[i].f[3],
					       cmp.rec[i].nf > 4 ? cmp.rec[i].f[4] : "",
					       cmp.rec[i].nf > 5 ? cmp.rec[i].f[5] : "");

	/*
	 * The hwpoison programs poison what the kernel counts in
	 * HardwareCorrupted; each such page must be a hwpoison page on both
	 * sides, which md_check_closed() judged if any exists.
	 */
	poisoned = mst_poisoned_kb();
	ksft_print_msg("figure selftests_hardware_corrupted_kb %llu hwpoison shadow %llu live %llu\n",
		       poisoned, mst_class(&cmp, "hwpoison", 1),
		       mst_class(&cmp, "hwpoison", 2));
	if (poisoned)
		EXPECT_LT(0, mst_class(&cmp, "hwpoison", 2));
	md_file_free(&cmp);

	EXPECT_EQ(0, md_unload()) {
		TH_LOG("memdesc did not unload after the workload");
	}
}

TEST_HARNESS_MAIN
