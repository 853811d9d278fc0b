/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memdesc_vm.h - what the guest programs share (memdesc_vm.c): loading
 * modules, reading memdesc's debugfs files into records, the memory
 * workload, stress-ng, and the checks every program makes the same way.
 *
 * The debugfs formats (one record a line, fields separated by spaces, '#'
 * lines are comments) are described in docs/debugfs.md and printed by
 * memdesc_report.c.  Each file has a syntax table: the record's first word
 * and the kinds of its fields.  A line that does not match its table entry,
 * or whose first word is not in the table, is a parse error.
 *
 * The last section takes the kselftest harness's struct __test_metadata
 * and ASSERTs; it is declared only when the program included
 * kselftest_harness.h first, so memdesc_workload (the demo) includes this
 * header without the harness.
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
/* What run.sh tells the guest: MODE, TOKEN, TESTS. */
#define MD_VM_CONF	"/etc/memdesc-vm.conf"

#define MD_MIB		(1024UL * 1024)
#define MD_PAGE		4096UL
/* PFNs of one memory section: x86-64's SECTION_SIZE_BITS is 27. */
#define MD_SECTION_PFNS	32768ULL
/* nobody:nogroup, for the tests of what an unprivileged process can do. */
#define MD_NOBODY	65534

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define MD_MAX_FIELDS	12

/* === Modules and small files === */

const char *md_ko_path(void);
bool md_module_loaded(const char *name);
bool md_loaded(void);
int md_load(const char *path, const char *params);
int md_unload_module(const char *name);
int md_unload(void);
int md_load_modules(const char *list);
int md_module_range(const char *name, unsigned long long *base,
		    unsigned long long *size);
int md_kmsg_open(void);
bool md_kmsg_find(int fd, const char *prefix, char *line, size_t size);

int md_write_file(const char *path, const char *s);
bool md_read_line(const char *path, char *buf, size_t size);
ssize_t md_read_text(const char *path, char *buf, size_t size);
unsigned long md_read_ulong(const char *path, int base);
int md_block_node(const char *dir);
long md_meminfo_kb(const char *key);
double md_now(void);
void md_log_virtio_irqs(void);
bool md_kernel_at_least(unsigned int major, unsigned int minor);
long md_btf_struct_size(const char *name);

const char *md_token(void);
int md_console(const char *tag, const char *text);

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

extern const struct md_syntax md_summary_syntax[];
extern const struct md_syntax md_compare_syntax[];
extern const struct md_syntax md_transitions_syntax[];
extern const struct md_syntax md_projection_syntax[];
extern const struct md_syntax md_layout_syntax[];
extern const struct md_syntax md_sections_syntax[];
extern const struct md_syntax md_mismatches_syntax[];
extern const struct md_syntax md_stats_syntax[];

/* The fields compare reports, each on one "field" line. */
extern const char * const md_compare_fields[];
extern const size_t md_nr_compare_fields;

int md_file_read(struct md_file *mf, const char *path,
		 const struct md_syntax *syn);
void md_file_free(struct md_file *mf);
void md_dump(const struct md_file *mf);
bool md_rec_is(const struct md_rec *r, const char *key, const char *name);
const struct md_rec *md_matrix_cell(const struct md_file *cmp,
				    const char *shadow, const char *live);
size_t md_count(const struct md_file *mf, const char *key, const char *name);
const struct md_rec *md_find(const struct md_file *mf, const char *key,
			     const char *name);
unsigned long long md_sum(const struct md_file *mf, const char *key,
			  unsigned int idx);
bool md_class_known(const char *name);

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

long md_anon_touch(size_t bytes);
long md_tmpfs_churn(const char *dir, unsigned int nr, size_t bytes);
int md_workload(struct md_workload *w, size_t anon_bytes,
		unsigned int children, size_t child_bytes,
		const char *tmpdir, unsigned int files);

/* === stress-ng === */

#define MD_STRESS_BIN	"/bin/stress-ng"

/* Which stressors md_stress_start() runs. */
enum md_stress_mix {
	MD_STRESS_FULL,		/* every memory stressor of the load test */
	MD_STRESS_LIGHT,	/* the allocator busy, little memory pinned */
};

pid_t md_stress_start(const char *log, const char *yaml,
		      unsigned int seconds, enum md_stress_mix mix);
int md_stress_stop(pid_t pid, bool wait_only);
void md_stress_log(const char *log);
unsigned long long md_stress_ops(const char *yaml, const char *when,
				 unsigned int *stressors);

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
/* How long a module load or unload in progress may take to finish. */
#define MD_TRANSIT_SECONDS	MD_TIMEOUT(120)
/*
 * A wait on a device (the balloon, virtio-mem) gives up once what it
 * watches has not moved for this long, whatever time its bound has left:
 * a device whose interrupt never comes makes no progress at all, and the
 * bound, sized for a slow kernel doing the whole resize, is many minutes.
 */
#define MD_STALL_SECONDS	MD_TIMEOUT(120)

/* A wait on a value that should keep moving (MemTotal, as a device resizes). */
struct md_wait {
	double t0, moved;
	unsigned long long first, last;
};

static inline void md_wait_start(struct md_wait *w, unsigned long long value)
{
	w->t0 = w->moved = md_now();
	w->first = w->last = value;
}

/* Over: @bound seconds in, or MD_STALL_SECONDS with @value unchanged. */
static inline bool md_wait_over(struct md_wait *w, unsigned long long value,
				double bound)
{
	double now = md_now();

	if (value != w->last) {
		w->last = value;
		w->moved = now;
	}
	return now - w->t0 > bound || now - w->moved > MD_STALL_SECONDS;
}

/* === For harness programs: helpers that ASSERT === */

void md_read(struct __test_metadata *_metadata, struct md_file *mf,
	     const char *name, const struct md_syntax *syn);
const struct md_rec *md_one(struct __test_metadata *_metadata,
			    const struct md_file *mf, const char *key,
			    const char *name);
unsigned long long md_val(struct __test_metadata *_metadata,
			  const struct md_file *mf, const char *key,
			  const char *name, unsigned int idx);
unsigned long long md_stat(struct __test_metadata *_metadata,
			   const char *key, const char *name);
void md_ensure_module(struct __test_metadata *_metadata, const char *name,
		      const char *path);
bool md_fixture_ready(struct __test_metadata *_metadata, const char *path,
		      int mode);
void md_ensure_loaded(struct __test_metadata *_metadata);
void md_pagemap(struct __test_metadata *_metadata, const void *addr,
		size_t n, unsigned long long *pfns);
unsigned long long md_pagemap_pfn(struct __test_metadata *_metadata,
				  const void *addr);
int md_shell(const char *cmd, const char *out, const char *err);
char *md_anon_page(struct __test_metadata *_metadata, unsigned long long *pfn);
int md_as_nobody(struct __test_metadata *_metadata,
		 int (*fn)(void *arg), void *arg);

int md_check_begin(struct __test_metadata *_metadata);
bool md_check_end(struct __test_metadata *_metadata, int saved);
#define MD_AGREE_PERMILLE	999
bool md_agrees(unsigned long long agree, unsigned long long disagree,
	       unsigned long long left_out);
void md_show_pfn(unsigned long long pfn);
void md_show_examples(const struct md_file *cmp, const char *shadow,
		      const char *live, unsigned int max);
void md_show_unmerged(unsigned long long pfn);
void md_check_closed(struct __test_metadata *_metadata,
		     const struct md_file *cmp, const char *when,
		     const struct md_rec *const *left, size_t n);
void md_check_compare_format(struct __test_metadata *_metadata,
			     const struct md_file *cmp);
unsigned long long md_check_compare(struct __test_metadata *_metadata,
				    const struct md_file *cmp,
				    const char *when,
				    unsigned long long type_explained);
#endif /* __KSELFTEST_HARNESS_H */

#endif /* _MEMDESC_VM_H */
