// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_lockdown_test.c - memdesc under kernel lockdown.
 *
 * Debian's kernels lock themselves down to "integrity" when booted with
 * UEFI Secure Boot.  Lockdown refuses a module without a signature from a
 * trusted key, and any debugfs file that is writable, even for reading.
 * A guest has no firmware to enroll a key with, so what is tested is what
 * can be: the refusals, that they are explained, and what still works.
 *
 * Two fixtures, each for its own boot (tests/vm/run.sh --lockdown WHEN):
 *
 *   booted   the kernel booted with lockdown=integrity.  scripts/lockdown.sh
 *            (here /bin/lockdown.sh) refuses the unsigned module with its
 *            exit code and the steps to sign it; the kernel refuses it
 *            too, and refuses /memdesc-signed.ko, which run.sh signed
 *            with a throwaway key the kernel does not trust: the case of
 *            a machine-owner key not yet enrolled.  scripts/load.sh, with
 *            no key, stops before insmod with the steps; with that key
 *            laid out as DKMS's MOK, it signs the module, and when the
 *            kernel refuses the signature it says how to enroll the key.
 *   raised   the kernel booted unlocked.  load.sh loads memdesc, then lockdown
 *            is raised to integrity and then to confidentiality (it only
 *            ever goes up, so this is one test, in that order).  At each
 *            level every read-only file still reads whole, pfn and
 *            control are refused, memdesc-stat works and names lockdown
 *            when a file is refused, and the module unloads but does not
 *            load again.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <sys/mount.h>

#include "kselftest_harness.h"
#include "memdesc_vm.h"

#define ML_LOCKDOWN	"/sys/kernel/security/lockdown"
#define ML_SCRIPT	"/bin/lockdown.sh"
#define ML_SIGNED_KO	"/memdesc-signed.ko"
/* scripts/load.sh as a user runs it, in a tree of its own (run.sh). */
#define ML_LOAD_SH	"bash /memdesc/scripts/load.sh"
#define ML_TREE_KO	"/memdesc/memdesc.ko"
/* A throwaway key pair run.sh made, to lay out as DKMS's MOK. */
#define ML_TEST_MOK	"/etc/memdesc-mok"
#define ML_DKMS_DIR	"/var/lib/dkms"
#define ML_STAT		"/bin/memdesc-stat"
#define ML_OUT		"/tmp/lockdown.out"
#define ML_ERR		"/tmp/lockdown.err"
#define ML_FAKE_DIR	"/tmp/lockdown-debugfs"
/* scripts/lockdown.sh and load.sh: the module must be signed and is not. */
#define ML_EX_UNSIGNED	5
/* load.sh: the kernel refused the signature (its key is not enrolled). */
#define ML_EX_KEY_REJECTED	6

/* The files lockdown must leave open: every read-only one. */
static const char * const ml_readable[] = {
	"summary", "compare", "stats", "mismatches", "transitions",
	"projection", "layout", "sections", "owners", "shadow",
};

/* And those it must refuse: writable, so closed even for reading. */
static const char * const ml_refused[] = { "pfn", "control" };

/* The level in brackets in ML_LOCKDOWN, into @buf; false if unreadable. */
static bool ml_level(char *buf, size_t size)
{
	char text[128], *lb, *rb;

	if (access(ML_LOCKDOWN, F_OK))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0,
		      NULL);
	if (!md_read_line(ML_LOCKDOWN, text, sizeof(text)))
		return false;
	lb = strchr(text, '[');
	rb = lb ? strchr(lb, ']') : NULL;
	if (!rb || (size_t)(rb - lb) > size)
		return false;
	snprintf(buf, size, "%.*s", (int)(rb - lb - 1), lb + 1);
	return true;
}

/* Run shell command @cmd with stdout to ML_OUT, stderr to ML_ERR: status. */
static int ml_run(const char *cmd)
{
	return md_shell(cmd, ML_OUT, ML_ERR);
}

/* Whether file @path contains @text. */
static bool ml_has(const char *path, const char *text)
{
	static char buf[64 * 1024];
	ssize_t len = md_read_text(path, buf, sizeof(buf));

	return len >= 0 && strstr(buf, text);
}

static void ml_log_output(struct __test_metadata *_metadata)
{
	static char buf[8192];

	if (md_read_text(ML_OUT, buf, sizeof(buf)) > 0)
		TH_LOG("stdout: %s", buf);
	if (md_read_text(ML_ERR, buf, sizeof(buf)) > 0)
		TH_LOG("stderr: %s", buf);
}

/* Read @fd to its end; the bytes read, or -errno. */
static long long ml_read_all(int fd)
{
	static char buf[64 * 1024];
	long long total = 0;
	ssize_t got;

	while ((got = read(fd, buf, sizeof(buf))) > 0)
		total += got;
	return got < 0 ? -errno : total;
}

/* A PFN of present memory: that of a page of ours, mapped for good. */
static unsigned long long ml_some_pfn(struct __test_metadata *_metadata)
{
	static unsigned long long pfn;

	if (!pfn)
		md_anon_page(_metadata, &pfn);
	return pfn;
}

/*
 * What lockdown at @level leaves of memdesc: the read-only files read
 * whole, the writable ones are refused, and memdesc-stat works and, made
 * to open a refused file, says that lockdown refused it.
 */
static void ml_check_files(struct __test_metadata *_metadata,
			   const char *level)
{
	char path[PATH_MAX], cmd[512], want[128], buf[4096];
	unsigned long long pfn = ml_some_pfn(_metadata);
	long long len;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(ml_readable); i++) {
		snprintf(path, sizeof(path), MD_DEBUGFS "/%s", ml_readable[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		EXPECT_LE(0, fd) {
			TH_LOG("%s: %s, under lockdown %s", path,
			       strerror(errno), level);
		}
		if (fd < 0)
			continue;
		len = ml_read_all(fd);
		EXPECT_LT(0, len) {
			TH_LOG("%s: read: %s", path, strerror(-len));
		}
		close(fd);
	}
	fd = open(MD_DEBUGFS "/pfn_at", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("pfn_at: %s, under lockdown %s", strerror(errno), level);
	}
	len = pread(fd, buf, sizeof(buf) - 1, pfn);
	EXPECT_LT(0, len);
	close(fd);

	for (i = 0; i < ARRAY_SIZE(ml_refused); i++) {
		snprintf(path, sizeof(path), MD_DEBUGFS "/%s", ml_refused[i]);
		errno = 0;
		EXPECT_EQ(-1, open(path, O_RDONLY | O_CLOEXEC));
		EXPECT_EQ(EPERM, errno) {
			TH_LOG("%s for reading: %s", path, strerror(errno));
		}
		errno = 0;
		EXPECT_EQ(-1, open(path, O_WRONLY | O_CLOEXEC));
		EXPECT_EQ(EPERM, errno) {
			TH_LOG("%s for writing: %s", path, strerror(errno));
		}
	}

	/* The tool opens only read-only files: all of it works. */
	EXPECT_EQ(0, ml_run(ML_STAT " summary")) {
		ml_log_output(_metadata);
	}
	EXPECT_EQ(0, ml_run(ML_STAT " compare")) {
		ml_log_output(_metadata);
	}
	EXPECT_EQ(0, ml_run(ML_STAT " save /tmp/lockdown.snap")) {
		ml_log_output(_metadata);
	}
	snprintf(cmd, sizeof(cmd), ML_STAT " pfn %llu", pfn);
	EXPECT_EQ(0, ml_run(cmd)) {
		ml_log_output(_metadata);
	}
	snprintf(want, sizeof(want), "pfn %llu\n", pfn);
	EXPECT_TRUE(ml_has(ML_OUT, want));

	/*
	 * A refusal as the tool would meet it: a directory of the module's
	 * files in which "summary" is control.  The kernel's EPERM must come
	 * out named, with the files that still open.
	 */
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %1$s && mkdir %1$s && for f in %2$s/*; do ln -s $f %1$s/; done && ln -sf %2$s/control %1$s/summary && MEMDESC_DEBUGFS=%1$s %3$s summary",
		 ML_FAKE_DIR, MD_DEBUGFS, ML_STAT);
	EXPECT_EQ(1, ml_run(cmd));
	snprintf(want, sizeof(want), "blocked by kernel lockdown (%s)", level);
	EXPECT_TRUE(ml_has(ML_ERR, want)) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_ERR, " still work:")) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_ERR, " compare")) {
		ml_log_output(_metadata);
	}
	EXPECT_FALSE(ml_has(ML_ERR, " pfn ")) {
		ml_log_output(_metadata);
	}
}

/* The unsigned module, asked of lockdown.sh at @level: refused, with steps. */
static void ml_check_script_refuses(struct __test_metadata *_metadata,
				    const char *level)
{
	char want[64];

	EXPECT_EQ(ML_EX_UNSIGNED, ml_run("sh " ML_SCRIPT " /memdesc.ko")) {
		ml_log_output(_metadata);
	}
	snprintf(want, sizeof(want), "lockdown: %s\n", level);
	EXPECT_TRUE(ml_has(ML_OUT, want)) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_OUT, "module: unsigned\n"));
	EXPECT_TRUE(ml_has(ML_ERR, "is unsigned"));
	EXPECT_TRUE(ml_has(ML_ERR, "mokutil --import"));
	EXPECT_TRUE(ml_has(ML_ERR, "MokManager"));
}

/*
 * The kernel's refusal of @ko: EPERM, no module, and lockdown's own line
 * in the log.
 */
static void ml_check_kernel_refuses(struct __test_metadata *_metadata,
				    const char *ko)
{
	char line[512];
	int kmsg = md_kmsg_open();
	bool found = false;

	ASSERT_LE(0, kmsg);
	EXPECT_EQ(-EPERM, md_load(ko, ""));
	EXPECT_FALSE(md_loaded());
	while (md_kmsg_find(kmsg, "Lockdown: ", line, sizeof(line)))
		if (strstr(line, "unsigned module loading is restricted"))
			found = true;
	close(kmsg);
	EXPECT_TRUE(found) {
		TH_LOG("no lockdown message for %s", ko);
	}
}

FIXTURE(booted) {
	char level[32];
};

FIXTURE_SETUP(booted)
{
	ASSERT_TRUE(ml_level(self->level, sizeof(self->level)));
	ASSERT_STREQ("integrity", self->level) {
		TH_LOG("this boot wants lockdown=integrity (run.sh --lockdown boot)");
	}
}

FIXTURE_TEARDOWN(booted)
{
}

/* The check load.sh makes before insmod: exit 5 and the steps to sign. */
TEST_F(booted, script_refuses_unsigned)
{
	ml_check_script_refuses(_metadata, self->level);
}

/* And the kernel agrees with it. */
TEST_F(booted, kernel_refuses_unsigned)
{
	ml_check_kernel_refuses(_metadata, md_ko_path());
}

/*
 * A module signed with a key the kernel does not trust (a MOK not yet
 * enrolled): the script lets it through, as only the kernel knows its
 * keys; the kernel refuses it just the same.
 */
TEST_F(booted, untrusted_signature_refused)
{
	EXPECT_EQ(0, ml_run("sh " ML_SCRIPT " " ML_SIGNED_KO)) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_OUT, "module: signed\n"));
	ml_check_kernel_refuses(_metadata, ML_SIGNED_KO);
}

/* Whether @path ends with the signature marker that sign-file appends. */
static bool ml_signed(const char *path)
{
	static const char magic[] = "~Module signature appended~\n";
	char tail[sizeof(magic) - 1];
	bool ok = false;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (lseek(fd, -(off_t)sizeof(tail), SEEK_END) >= 0 &&
	    read(fd, tail, sizeof(tail)) == sizeof(tail))
		ok = !memcmp(tail, magic, sizeof(tail));
	close(fd);
	return ok;
}

/* load.sh without a key to sign with: exit 5, the steps, nothing loaded. */
TEST_F(booted, load_sh_without_key)
{
	ASSERT_NE(0, access(ML_DKMS_DIR "/mok.key", F_OK));
	EXPECT_EQ(ML_EX_UNSIGNED, ml_run(ML_LOAD_SH)) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_OUT, "lockdown: integrity\n"));
	EXPECT_TRUE(ml_has(ML_ERR, "mokutil --import"));
	EXPECT_FALSE(md_loaded());
	EXPECT_FALSE(ml_signed(ML_TREE_KO));
}

/*
 * load.sh with DKMS's MOK in place: it signs memdesc.ko with it, and when
 * the kernel refuses the signature (the key is not enrolled: no firmware
 * here to enroll it in), it exits 6 with the enrolment steps.
 */
TEST_F(booted, load_sh_signs_key_not_enrolled)
{
	ASSERT_EQ(0, ml_run("mkdir -p " ML_DKMS_DIR " && cp " ML_TEST_MOK
			    "/mok.key " ML_TEST_MOK "/mok.pub " ML_DKMS_DIR));
	EXPECT_EQ(ML_EX_KEY_REJECTED, ml_run(ML_LOAD_SH)) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_OUT, "signed memdesc.ko with the MOK " ML_DKMS_DIR "/mok.pub"));
	EXPECT_TRUE(ml_has(ML_ERR, "not one the kernel trusts"));
	EXPECT_TRUE(ml_has(ML_ERR, "mokutil --import " ML_DKMS_DIR "/mok.pub"));
	EXPECT_TRUE(ml_signed(ML_TREE_KO));
	EXPECT_FALSE(md_loaded());
	ml_run("rm -f " ML_DKMS_DIR "/mok.key " ML_DKMS_DIR "/mok.pub");
}

FIXTURE(raised) {
	char level[32];
};

FIXTURE_SETUP(raised)
{
	ASSERT_TRUE(ml_level(self->level, sizeof(self->level)));
}

FIXTURE_TEARDOWN(raised)
{
}

/* Lockdown only goes up: none, then integrity, then confidentiality. */
TEST_F_TIMEOUT(raised, integrity_then_confidentiality, MD_TIMEOUT(600))
{
	static const char * const levels[] = { "integrity", "confidentiality" };
	char level[32];
	size_t i;

	ASSERT_STREQ("none", self->level) {
		TH_LOG("this boot wants no lockdown at start (run.sh --lockdown raised)");
	}
	EXPECT_EQ(0, ml_run("sh " ML_SCRIPT " /memdesc.ko")) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_OUT, "lockdown: none\n"));
	ASSERT_FALSE(md_loaded());
	/* As a user loads it; no lockdown, so nothing to sign. */
	EXPECT_EQ(0, ml_run(ML_LOAD_SH)) {
		ml_log_output(_metadata);
	}
	EXPECT_TRUE(ml_has(ML_OUT, "memdesc loaded on "));
	ASSERT_TRUE(md_loaded());

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		ASSERT_EQ(0, md_write_file(ML_LOCKDOWN, levels[i]));
		ASSERT_TRUE(ml_level(level, sizeof(level)));
		ASSERT_STREQ(levels[i], level);
		ksft_print_msg("lockdown raised to %s\n", level);
		ml_check_files(_metadata, level);
		ml_check_script_refuses(_metadata, level);
	}

	/*
	 * Unloading is not restricted; loading the unsigned module is.
	 * Lockdown's notices are rate-limited (10 in 5 s) and the refused
	 * opens above used them up: wait, so that the refusal's is logged.
	 */
	ASSERT_EQ(0, md_unload());
	sleep(6);
	ml_check_kernel_refuses(_metadata, md_ko_path());
}

TEST_HARNESS_MAIN
