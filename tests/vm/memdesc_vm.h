/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memdesc_vm.h - what the guest programs share: loading the module, reading
 * its debugfs files into records, and the memory workload.
 *
 * Only the last section uses the kselftest harness, and only when the
 * program included it first, so memdesc_workload (the demo) can include this
 * too; the test programs wrap these in helpers that ASSERT.
 *
 * The debugfs formats (one record a line, fields separated by spaces, '#'
 * lines are comments) are described in README.md and printed by
 * memdesc_report.c.  Each file has a syntax table: the record's first word
 * and the kinds of its fields.  A line that does not match its table entry,
 * or whose first word is not in the table, is a parse error.
 */
#ifndef _MEMDESC_VM_H
#define _MEMDESC_VM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memdesc_types.h"

#define MD_DEBUGFS	"/sys/kernel/debug/memdesc"
#define MD_SYSFS	"/sys/module/memdesc"
#define MD_MODNAME	"memdesc"
#define MD_KO_DEFAULT	"/memdesc.ko"

#define MD_MIB		(1024UL * 1024)
/* PFNs of one memory section: x86-64's SECTION_SIZE_BITS is 27. */
#define MD_SECTION_PFNS	32768ULL

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define MD_MAX_FIELDS	8

/* === Module === */

/* The module to load: $MEMDESC_KO, else the one /init puts in the root. */
static inline const char *md_ko_path(void)
{
	const char *path = getenv("MEMDESC_KO");

	return path && *path ? path : MD_KO_DEFAULT;
}

static inline bool md_loaded(void)
{
	return access(MD_SYSFS, F_OK) == 0;
}

/*
 * md_load - finit_module() the .ko at @path with @params
 *
 * Return: 0 or -errno (-EEXIST if memdesc is already loaded).
 */
static inline int md_load(const char *path, const char *params)
{
	int fd, ret, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	err = errno;
	close(fd);
	return ret ? -err : 0;
}

/*
 * md_unload_module - delete_module(@name)
 *
 * A reader that just closed a debugfs file may still hold a reference for a
 * moment; retry EAGAIN/EBUSY for up to a second.  A leaked reference stays
 * and still fails.
 *
 * Return: 0 or -errno.
 */
static inline int md_unload_module(const char *name)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		usleep(10000);
	}
	return -errno;
}

/* md_unload - md_unload_module("memdesc"). */
static inline int md_unload(void)
{
	return md_unload_module(MD_MODNAME);
}

/* Write @s to @path (sysfs, procfs) in one write() at offset 0: 0 or -errno. */
static inline int md_write_file(const char *path, const char *s)
{
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(s))
		err = -EIO;
	close(fd);
	return err;
}

/* The first line of @path, newline removed; false if it cannot be read. */
static inline bool md_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* What run.sh tells the guest: MODE, TOKEN, TESTS. */
#define MD_VM_CONF	"/etc/memdesc-vm.conf"

/* This run's token, which marks the console lines run.sh reads; or NULL. */
static inline const char *md_token(void)
{
	static char token[64];
	char line[256];
	FILE *f;

	if (token[0])
		return token;
	f = fopen(MD_VM_CONF, "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TOKEN=%63s", token) == 1)
			break;
	fclose(f);
	return token[0] ? token : NULL;
}

/*
 * Write "<token> @tag @text" on the console, where run.sh reads it: "Q"
 * asks its monitor agent for something (a balloon or virtio-mem size),
 * "INFO" reports a figure.  Return: 0 or -errno.
 */
static inline int md_console(const char *tag, const char *text)
{
	const char *token = md_token();
	char line[256];
	int fd, len, ret = 0;

	if (!token)
		return -ENOENT;
	len = snprintf(line, sizeof(line), "%s %s %s\n", token, tag, text);
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, line, len) != len)
		ret = -EIO;
	close(fd);
	return ret;
}

/*
 * Load the modules listed in @list, one path a line, in order; one already
 * loaded (built in, or loaded before) is fine.  Return: how many loaded,
 * or -errno of the first that failed.
 */
static inline int md_load_modules(const char *list)
{
	char path[4096];
	int n = 0, ret;
	FILE *f = fopen(list, "re");

	if (!f)
		return -errno;
	while (fscanf(f, "%4095s", path) == 1) {
		ret = md_load(path, "");
		if (ret && ret != -EEXIST) {
			fclose(f);
			return ret;
		}
		n += !ret;
	}
	fclose(f);
	return n;
}

/* A /proc/meminfo value in kB, or 0. */
static inline unsigned long md_meminfo_kb(const char *key)
{
	char line[256];
	unsigned long v = 0;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoul(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* === debugfs records === */

/*
 * Field kinds in a syntax string:
 *   n	unsigned decimal
 *   b	0 or 1
 *   s	a word
 *   p	percent with three decimals ("99.987"), or "-"
 *   +	after the last kind: that kind once or more (up to MD_MAX_FIELDS)
 */
struct md_syntax {
	const char *key;	/* first word of the record */
	const char *fields;	/* one kind per field after the key */
};

/* A "p" field printed as "-": agree + disagree == 0. */
#define MD_NO_PERCENT	ULLONG_MAX

struct md_rec {
	char *key;				/* first word */
	unsigned int nf;			/* fields after the key */
	char *f[MD_MAX_FIELDS];			/* fields as printed */
	/* numeric fields; a percent in thousandths; 0 for words */
	unsigned long long v[MD_MAX_FIELDS];
	unsigned int line;			/* 1-based line in the file */
};

struct md_file {
	char path[128];
	struct md_rec *rec;
	size_t nr;
	char err[512];		/* why parsing failed */
};

static const struct md_syntax md_summary_syntax[] = {
	{ "spanned",	"n" },		/* PFNs the shadow covers */
	{ "class",	"sn" },		/* name pages */
	{ "zone",	"nsnnn" },	/* nid zone pages free allocated */
	{ NULL }
};

static const struct md_syntax md_compare_syntax[] = {
	{ "compared",	"n" },		/* online PFNs walked */
	{ "unknown",	"n" },		/* of those, shadow unknown */
	{ "untracked",	"n" },		/* of those, no shadow chunk */
	{ "rechecked",	"n" },		/* disagreed in the walk, looked at again */
	{ "unchecked",	"n" },		/* past the recheck buffer */
	{ "field",	"snnpn" },	/* name agree disagree percent transient */
	{ "matrix",	"ssn" },	/* shadow-class live-class pages */
	{ "example",	"ssn+" },	/* shadow-class live-class pfn... */
	{ "class",	"snnnpp" },	/* name shadow live agree precision recall */
	{ NULL }
};

static const struct md_syntax md_transitions_syntax[] = {
	{ "transition",	"ssn" },	/* from-class to-class blocks */
	{ "source",	"sn" },		/* tracepoint changes */
	{ NULL }
};

static const struct md_syntax md_projection_syntax[] = {
	{ "pfns",		"n" },
	{ "struct_page_bytes",	"n" },
	{ "descriptor",	"snnns" },	/* type count bytes-each bytes source */
	{ "memory",	"snnnn" },	/* layout per-page pages desc total */
	{ "saving",	"np" },		/* bytes percent-of-today */
	{ "bits",	"sn" },		/* field bits */
	{ "max_order",	"n" },
	{ "buddy",	"snnnb" },	/* links pfns bits word-bits fits */
	{ "scattered",	"nn" },		/* misc-pages vmalloc-pages */
	{ NULL }
};

static const struct md_syntax md_layout_syntax[] = {
	{ "range",	"nnnn" },	/* node start-pfn pfns byte-offset */
	{ NULL }
};

static const struct md_syntax md_sections_syntax[] = {
	/* start-pfn node state chunk-node (-1: none) backing chunk-pfn */
	{ "section",	"nnsssn" },
	{ NULL }
};

static const struct md_syntax md_mismatches_syntax[] = {
	/* pfn fields shadow-word class order live-word class order */
	{ "mismatch",	"nsssnssn" },
	{ NULL }
};

static const struct md_syntax md_stats_syntax[] = {
	{ "event",	"sbn" },	/* tracepoint-or-hook attached count */
	{ "counter",	"sn" },		/* name value */
	{ "pfns",	"n" },
	{ "untracked_pfns", "n" },
	{ "shadow_bytes", "n" },
	{ "shadow_word_bytes", "n" },
	{ "shadow_table_bytes", "n" },
	{ "chunks",	"n" },
	{ "chunks_remote", "n" },
	{ "chunks_vmalloc", "n" },
	{ "nodes",	"n" },
	{ "seeded",	"b" },
	{ "tracking",	"b" },
	{ "vmalloc_walk", "b" },
	{ "hook_missed", "n" },
	{ NULL }
};

static inline bool md_parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* "99.987" -> 99987; "-" -> MD_NO_PERCENT.  At most 100.000. */
static inline bool md_parse_percent(const char *s, unsigned long long *v)
{
	unsigned long long whole, frac;
	const char *dot = strchr(s, '.');
	char buf[32];

	if (!strcmp(s, "-")) {
		*v = MD_NO_PERCENT;
		return true;
	}
	if (!dot || dot == s || (size_t)(dot - s) >= sizeof(buf) ||
	    strlen(dot + 1) != 3)
		return false;
	memcpy(buf, s, dot - s);
	buf[dot - s] = '\0';
	if (!md_parse_u64(buf, &whole) || !md_parse_u64(dot + 1, &frac))
		return false;
	*v = whole * 1000 + frac;
	return *v <= 100000;
}

static inline bool md_parse_field(char kind, const char *s,
				  unsigned long long *v)
{
	*v = 0;
	switch (kind) {
	case 'n':
		return md_parse_u64(s, v);
	case 'b':
		return md_parse_u64(s, v) && *v <= 1;
	case 'p':
		return md_parse_percent(s, v);
	case 's':
		return *s != '\0';
	}
	return false;
}

static inline void md_file_free(struct md_file *mf)
{
	size_t i;

	for (i = 0; i < mf->nr; i++)
		free(mf->rec[i].key);
	free(mf->rec);
	mf->rec = NULL;
	mf->nr = 0;
}

/* Split @line (newline removed) into @r per @syn; false with mf->err set. */
static inline bool md_parse_line(struct md_file *mf,
				 const struct md_syntax *syn,
				 char *line, struct md_rec *r)
{
	const struct md_syntax *s;
	char *save, *tok;
	unsigned int i;
	size_t kinds;
	bool repeat;

	r->key = strtok_r(line, " ", &save);
	for (s = syn; s->key; s++)
		if (!strcmp(s->key, r->key))
			break;
	if (!s->key) {
		snprintf(mf->err, sizeof(mf->err), "unknown record '%.100s'",
			 r->key);
		return false;
	}
	/* "ssn+": two words, then one or more numbers. */
	kinds = strlen(s->fields);
	repeat = kinds > 1 && s->fields[kinds - 1] == '+';
	if (repeat)
		kinds--;
	r->nf = 0;
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (r->nf == MD_MAX_FIELDS || (!repeat && r->nf == kinds))
			goto count;
		r->f[r->nf++] = tok;
	}
	if (repeat ? r->nf < kinds : r->nf != kinds)
		goto count;
	for (i = 0; i < r->nf; i++) {
		char kind = s->fields[i < kinds ? i : kinds - 1];

		if (!md_parse_field(kind, r->f[i], &r->v[i])) {
			snprintf(mf->err, sizeof(mf->err),
				 "'%.40s' field %u: bad %c value '%.40s'",
				 r->key, i + 1, kind, r->f[i]);
			return false;
		}
	}
	return true;
count:
	snprintf(mf->err, sizeof(mf->err), "'%.40s' needs %s%zu fields",
		 r->key, repeat ? "at least " : "", kinds);
	return false;
}

/*
 * md_file_read - read and parse one debugfs file
 * @mf:		filled in; md_file_free() it after a successful read
 * @path:	the file
 * @syn:	its syntax table
 *
 * The whole file is read with one open, so its records are one snapshot.
 *
 * Return: 0, -errno if it cannot be read, or -EINVAL with @mf->err naming
 * the line that does not parse.
 */
static inline int md_file_read(struct md_file *mf, const char *path,
			       const struct md_syntax *syn)
{
	unsigned int lineno = 0;
	char *line = NULL, *copy;
	size_t cap = 0, len;
	ssize_t got;
	int ret = 0;
	FILE *f;

	memset(mf, 0, sizeof(*mf));
	snprintf(mf->path, sizeof(mf->path), "%.100s", path);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(mf->err, sizeof(mf->err), "%s: %s", mf->path,
			 strerror(errno));
		return ret;
	}
	while ((got = getline(&line, &cap, f)) > 0) {
		struct md_rec *r;
		char err[sizeof(mf->err)];

		lineno++;
		len = got;
		if (line[len - 1] != '\n') {
			snprintf(mf->err, sizeof(mf->err),
				 "%s:%u: line not terminated", mf->path,
				 lineno);
			ret = -EINVAL;
			break;
		}
		line[--len] = '\0';
		if (line[0] == '#')
			continue;
		if (!len || strstr(line, "  ") || line[0] == ' ' ||
		    line[len - 1] == ' ' || strchr(line, '\t')) {
			snprintf(mf->err, sizeof(mf->err),
				 "%s:%u: '%.200s': not single-space separated",
				 mf->path, lineno, line);
			ret = -EINVAL;
			break;
		}
		r = realloc(mf->rec, (mf->nr + 1) * sizeof(*r));
		copy = strdup(line);
		if (!r || !copy) {
			if (r)
				mf->rec = r;
			free(copy);
			ret = -ENOMEM;
			break;
		}
		mf->rec = r;
		r = &mf->rec[mf->nr];
		memset(r, 0, sizeof(*r));
		r->line = lineno;
		if (!md_parse_line(mf, syn, copy, r)) {
			memcpy(err, mf->err, sizeof(err));
			snprintf(mf->err, sizeof(mf->err),
				 "%s:%u: '%.200s': %.160s", mf->path, lineno,
				 line, err);
			free(copy);
			ret = -EINVAL;
			break;
		}
		mf->nr++;
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(mf->err, sizeof(mf->err), "%s: read error",
			 mf->path);
	}
	free(line);
	fclose(f);
	if (ret)
		md_file_free(mf);
	return ret;
}

/* Is @r a record @key, and if @name is given, is its first field @name? */
static inline bool md_rec_is(const struct md_rec *r, const char *key,
			     const char *name)
{
	return !strcmp(r->key, key) &&
	       (!name || (r->nf && !strcmp(r->f[0], name)));
}

/* How many records md_rec_is(). */
static inline size_t md_count(const struct md_file *mf, const char *key,
			      const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < mf->nr; i++)
		if (md_rec_is(&mf->rec[i], key, name))
			n++;
	return n;
}

/* The first record that md_rec_is(), or NULL. */
static inline const struct md_rec *md_find(const struct md_file *mf,
					   const char *key, const char *name)
{
	size_t i;

	for (i = 0; i < mf->nr; i++)
		if (md_rec_is(&mf->rec[i], key, name))
			return &mf->rec[i];
	return NULL;
}

/* Sum of field @idx over records with first word @key. */
static inline unsigned long long md_sum(const struct md_file *mf,
					const char *key, unsigned int idx)
{
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < mf->nr; i++)
		if (!strcmp(mf->rec[i].key, key))
			sum += mf->rec[i].v[idx];
	return sum;
}

/* === Workload === */

/*
 * What md_workload() did.  Anonymous memory is mapped MADV_NOHUGEPAGE, so
 * every page touched is one order-0 allocation and one free: one
 * mm_page_alloc and one mm_page_free event each, an honest lower bound.
 */
struct md_workload {
	unsigned long anon_pages;	/* touched and unmapped, parent */
	unsigned long child_pages;	/* touched by children, all exited */
	unsigned int children;
	unsigned long file_pages;	/* written to tmpfs and removed */
};

/* Map @bytes anonymous, write one byte per page, unmap.  Return: pages. */
static inline long md_anon_touch(size_t bytes)
{
	size_t page = sysconf(_SC_PAGESIZE), off;
	char *p;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	/* EINVAL without CONFIG_TRANSPARENT_HUGEPAGE: order 0 anyway. */
	madvise(p, bytes, MADV_NOHUGEPAGE);
	for (off = 0; off < bytes; off += page)
		p[off] = (char)off | 1;
	if (munmap(p, bytes))
		return -errno;
	return bytes / page;
}

/* Write @nr files of @bytes under @dir, then remove them.  Return: pages. */
static inline long md_tmpfs_churn(const char *dir, unsigned int nr,
				  size_t bytes)
{
	static char buf[1 << 20];
	char path[PATH_MAX];
	unsigned int i;
	size_t done;
	int fd;

	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), "%s/memdesc-churn.%u", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		for (done = 0; done < bytes; done += sizeof(buf)) {
			if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
				close(fd);
				unlink(path);
				return -EIO;
			}
		}
		close(fd);
	}
	for (i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), "%s/memdesc-churn.%u", dir, i);
		if (unlink(path))
			return -errno;
	}
	return nr * (bytes / sysconf(_SC_PAGESIZE));
}

/* MemAvailable in bytes, or 0. */
static inline unsigned long md_mem_available(void)
{
	unsigned long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/*
 * md_workload - churn the page allocator from several directions
 * @w:		what was done
 * @anon_bytes:	anonymous memory to map, touch and unmap in this process,
 *		in rounds of 192 MiB (less on a small guest: at most a
 *		quarter of MemAvailable), so the total is reached on any guest
 * @children:	forked children, each touching @child_bytes then exiting
 * @child_bytes: see @children
 * @tmpdir:	where @files files of 32 MiB are written and then removed
 * @files:	see @tmpdir
 *
 * Return: 0 or -errno.
 */
static inline int md_workload(struct md_workload *w, size_t anon_bytes,
			      unsigned int children, size_t child_bytes,
			      const char *tmpdir, unsigned int files)
{
	size_t round = 192 * MD_MIB, avail = md_mem_available(), done;
	unsigned int i, failed = 0;
	pid_t pids[64];
	long ret;

	memset(w, 0, sizeof(*w));
	if (avail && round > avail / 4)
		round = avail / 4 & ~(MD_MIB - 1);
	if (!round || children > ARRAY_SIZE(pids))
		return -EINVAL;

	for (done = 0; done < anon_bytes; done += round) {
		ret = md_anon_touch(round);
		if (ret < 0)
			return ret;
		w->anon_pages += ret;
	}

	fflush(NULL);
	for (i = 0; i < children; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			ret = -errno;
			while (i--)
				waitpid(pids[i], NULL, 0);
			return ret;
		}
		if (!pids[i])
			_exit(md_anon_touch(child_bytes) < 0);
	}
	for (i = 0; i < children; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	if (failed)
		return -ECHILD;
	w->children = children;
	w->child_pages = children * (child_bytes / sysconf(_SC_PAGESIZE));

	ret = md_tmpfs_churn(tmpdir, files, 32 * MD_MIB);
	if (ret < 0)
		return ret;
	w->file_pages = ret;
	return 0;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * Timeouts, scaled for slow kernels: the debug tier (make check-debug,
 * KASAN and lockdep) runs the same tests several times slower, and
 * tests/vm/run.sh builds the guest programs with MD_TIMEOUT_SCALE from
 * MEMDESC_VM_TIMEOUT_SCALE.  Every test's timeout goes through
 * MD_TIMEOUT(), the harness's 30 s default included.
 */
#ifndef MD_TIMEOUT_SCALE
#define MD_TIMEOUT_SCALE	1
#endif
#define MD_TIMEOUT(seconds)	((seconds) * MD_TIMEOUT_SCALE)
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	MD_TIMEOUT(30)

/* === For harness programs: read a debugfs file, load the module === */

/*
 * Read and parse debugfs file @name of memdesc with syntax @syn, as one
 * snapshot; a file that cannot be read or does not parse fails the test.
 */
static inline void md_read(struct __test_metadata *_metadata,
			   struct md_file *mf, const char *name,
			   const struct md_syntax *syn)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), MD_DEBUGFS "/%s", name);
	ret = md_file_read(mf, path, syn);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: %s %s", path, strerror(-ret), mf->err);
	}
}

/* Load the module if a test needs it. */
static inline void md_ensure_loaded(struct __test_metadata *_metadata)
{
	int ret;

	if (md_loaded())
		return;
	ret = md_load(md_ko_path(), "");
	ASSERT_EQ(0, ret) {
		TH_LOG("load %s: %s", md_ko_path(), strerror(-ret));
	}
}
#endif

#endif /* _MEMDESC_VM_H */
