// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_vm.c - what the guest programs share, linked into each of them
 * (declarations and the formats in memdesc_vm.h).
 *
 * The helpers that ASSERT live here too, so this file includes
 * kselftest_harness.h for its ASSERT and EXPECT machinery.  The header
 * also defines the runner, some of it with external linkage, which the
 * program linking this file has already; here the runner is never
 * called, so its external names are made private to this unit and its
 * unused static functions are not warned about.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <linux/btf.h>
#include <linux/magic.h>

#define __active_test	md_vm_unused_active_test
#define __wait_for_test	md_vm_unused_wait_for_test
#define __run_test	md_vm_unused_run_test
#define _fixture_global	md_vm_unused_fixture_global
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "memdesc_vm.h"

/*
 * stdout line-buffered in every program: the console is a pipe to the
 * host, and the harness's stderr must stay in order with it.
 */
static void __attribute__((constructor)) md_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* === Modules === */

/* The module to load: $MEMDESC_KO, else the one /init puts in the root. */
const char *md_ko_path(void)
{
	const char *path = getenv("MEMDESC_KO");

	return path && *path ? path : MD_KO_DEFAULT;
}

/* Whether module @name is loaded (or built in with parameters). */
bool md_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

bool md_loaded(void)
{
	return md_module_loaded(MD_MODNAME);
}

/*
 * md_load - finit_module() the .ko at @path with @params
 *
 * Return: 0 or -errno (-EEXIST if memdesc is already loaded).
 */
int md_load(const char *path, const char *params)
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
 * Whether module @name is between states: its initstate "coming" (its
 * init still runs) or "going" (its exit runs).  delete_module() refuses
 * either with EBUSY.
 */
static bool md_module_in_transit(const char *name)
{
	char path[128], state[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(state, sizeof(state), f))
		state[0] = '\0';
	fclose(f);
	return !strncmp(state, "coming", 6) || !strncmp(state, "going", 5);
}

/*
 * md_unload_module - delete_module(@name)
 *
 * A reader that just closed a debugfs file may still hold a reference for a
 * moment; retry EAGAIN/EBUSY for up to a second.  A leaked reference stays
 * and still fails.  A module still loading or unloading is waited for,
 * for up to MD_TRANSIT_SECONDS: a test its timeout killed inside
 * finit_module() leaves the load running (the syscall finishes before the
 * signal takes effect), and its seeding takes a minute on a sanitizer
 * kernel under load.  Without the wait, every later test's unload would
 * fail with EBUSY for a module that was about to be live.
 *
 * Return: 0 or -errno.
 */
int md_unload_module(const char *name)
{
	double busy_until = md_now() + 1;
	double transit_until = md_now() + MD_TRANSIT_SECONDS;
	int err;

	for (;;) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		/* Kept: the initstate read below may set errno itself. */
		err = errno;
		if (err != EAGAIN && err != EBUSY)
			return -err;
		if (md_module_in_transit(name)) {
			if (md_now() > transit_until)
				return -err;
			busy_until = md_now() + 1;
		} else if (md_now() > busy_until) {
			return -err;
		}
		usleep(10000);
	}
}

/* md_unload - md_unload_module("memdesc"). */
int md_unload(void)
{
	return md_unload_module(MD_MODNAME);
}

/* Write @s to @path (sysfs, procfs) in one write() at offset 0: 0 or -errno. */
int md_write_file(const char *path, const char *s)
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
bool md_read_line(const char *path, char *buf, size_t size)
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

/* This run's token, which marks the console lines run.sh reads; or NULL. */
const char *md_token(void)
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
int md_console(const char *tag, const char *text)
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
int md_load_modules(const char *list)
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

/* A /proc/meminfo value in kB, or -1 if there is no such line. */
long md_meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* A small file, NUL-terminated: its length or -errno. */
ssize_t md_read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	n = n < 0 ? -errno : (ssize_t)len;
	close(fd);
	buf[len] = '\0';
	return n;
}

/* The node a memory block's sysfs directory @dir links to, or -1. */
int md_block_node(const char *dir)
{
	struct dirent *de;
	int nid = -1;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "node%d", &nid) == 1)
			break;
	closedir(d);
	return nid;
}

/* The number at the start of @path, in @base; 0 if there is none. */
unsigned long md_read_ulong(const char *path, int base)
{
	char buf[64];

	if (md_read_text(path, buf, sizeof(buf)) <= 0)
		return 0;
	return strtoul(buf, NULL, base);
}

/* CLOCK_MONOTONIC in seconds. */
double md_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The virtio devices' lines of /proc/interrupts, as diagnostics: a wait on
 * a device (balloon, virtio-mem) that timed out because its interrupts
 * never came shows zeros here, one that came and a worker that is stuck
 * does not.
 */
void md_log_virtio_irqs(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[1024];
	size_t len;
	bool any = false;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "virtio"))
			continue;
		len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		ksft_print_msg("interrupts: %s\n", line);
		any = true;
	}
	fclose(f);
	if (!any)
		ksft_print_msg("interrupts: no virtio line in /proc/interrupts\n");
}

/* Kernel release at least @major.@minor? */
bool md_kernel_at_least(unsigned int major, unsigned int minor)
{
	unsigned int ma = 0, mi = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * md_module_range - where module @name lies, from /proc/modules
 * @base:	its first address (its text)
 * @size:	the size /proc/modules gives: all its memory together
 *
 * Root reads real addresses there; anyone else reads 0.
 *
 * Return: 0, -ENOENT if @name is not listed, -EPERM if the address is
 * hidden, or -errno.
 */
int md_module_range(const char *name, unsigned long long *base,
		    unsigned long long *size)
{
	char line[512], mod[64];
	int ret = -ENOENT;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu %*s %*s %*s %llx", mod, size,
			   base) != 3 || strcmp(mod, name))
			continue;
		ret = *base ? 0 : -EPERM;
		break;
	}
	fclose(f);
	return ret;
}

/*
 * /dev/kmsg from its end on: md_kmsg_find() sees only what is logged from
 * now.  Return: the fd, or -errno.
 */
int md_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/*
 * md_kmsg_find - the next kernel log message on @fd that starts with
 * @prefix, into @line (its text alone); false when there is none (yet)
 */
bool md_kmsg_find(int fd, const char *prefix, char *line, size_t size)
{
	char rec[2048], *text;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			return false;
		rec[n] = '\0';
		/* "level,seq,usec,flags;text\n" and continuation lines. */
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		text[strcspn(text, "\n")] = '\0';
		if (!strncmp(text, prefix, strlen(prefix))) {
			snprintf(line, size, "%s", text);
			return true;
		}
	}
}

/*
 * md_btf_struct_size - sizeof(struct @name) in the running kernel, from
 * its BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)
 *
 * Return: the size, -ENOENT if the kernel has no BTF or no such struct,
 * -EINVAL if the BTF does not parse, or -errno.
 */
long md_btf_struct_size(const char *name)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	struct btf_header hdr;
	char *buf = NULL, *types, *strs;
	size_t len = 0, cap = 0, off;
	long ret = -ENOENT;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == cap) {
			char *p = realloc(buf, cap = cap ? 2 * cap : 1 << 22);

			if (!p) {
				ret = -ENOMEM;
				goto out;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (!n)
			break;
		len += n;
	}
	ret = -EINVAL;
	if (len < sizeof(hdr))
		goto out;
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.magic != BTF_MAGIC ||
	    hdr.hdr_len + (size_t)hdr.type_off + hdr.type_len > len ||
	    hdr.hdr_len + (size_t)hdr.str_off + hdr.str_len > len)
		goto out;
	types = buf + hdr.hdr_len + hdr.type_off;
	strs = buf + hdr.hdr_len + hdr.str_off;
	for (off = 0; off + sizeof(struct btf_type) <= hdr.type_len; ) {
		struct btf_type t;
		unsigned int vlen, kind;

		memcpy(&t, types + off, sizeof(t));
		off += sizeof(t);
		kind = BTF_INFO_KIND(t.info);
		vlen = BTF_INFO_VLEN(t.info);
		if (kind == BTF_KIND_STRUCT && t.name_off < hdr.str_len &&
		    !strcmp(strs + t.name_off, name)) {
			ret = t.size;
			goto out;
		}
		/* What follows each kind (include/uapi/linux/btf.h). */
		switch (kind) {
		case BTF_KIND_INT:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			off += 4;
			break;
		case BTF_KIND_ARRAY:
			off += sizeof(struct btf_array);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			off += vlen * sizeof(struct btf_member);
			break;
		case BTF_KIND_ENUM:
			off += vlen * sizeof(struct btf_enum);
			break;
		case BTF_KIND_FUNC_PROTO:
			off += vlen * sizeof(struct btf_param);
			break;
		case BTF_KIND_DATASEC:
			off += vlen * sizeof(struct btf_var_secinfo);
			break;
		case BTF_KIND_ENUM64:
			off += vlen * sizeof(struct btf_enum64);
			break;
		case BTF_KIND_PTR:
		case BTF_KIND_FWD:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_FUNC:
		case BTF_KIND_FLOAT:
		case BTF_KIND_TYPE_TAG:
			break;
		default:
			goto out;	/* a kind this reader does not know */
		}
	}
	ret = -ENOENT;
out:
	free(buf);
	close(fd);
	return ret;
}

/* === debugfs records === */

const struct md_syntax md_summary_syntax[] = {
	{ "spanned",	"n" },		/* PFNs the shadow covers */
	{ "class",	"sn" },		/* name pages */
	{ "zone",	"nsnnn" },	/* nid zone pages free allocated */
	{ "detail",	"sn" },		/* name pages, within their class */
	{ NULL }
};

const struct md_syntax md_compare_syntax[] = {
	{ "compared",	"n" },		/* online PFNs walked */
	{ "unknown",	"n" },		/* of those, shadow unknown */
	{ "untracked",	"n" },		/* of those, no shadow chunk */
	{ "rechecked",	"n" },		/* disagreed in the walk, looked at again */
	{ "unchecked",	"n" },		/* past the recheck buffer */
	{ "field",	"snnpn" },	/* name agree disagree percent transient */
	{ "matrix",	"ssn" },	/* shadow-class live-class pages */
	{ "example",	"ssn+" },	/* shadow-class live-class pfn... */
	{ "site",	"ssnss+" },	/* shadow live pages owner frame... */
	{ "class",	"snnnpp" },	/* name shadow live agree precision recall */
	{ NULL }
};

const struct md_syntax md_transitions_syntax[] = {
	{ "transition",	"ssn" },	/* from-class to-class blocks */
	{ "source",	"sn" },		/* tracepoint changes */
	{ NULL }
};

const struct md_syntax md_projection_syntax[] = {
	{ "pfns",		"n" },
	{ "struct_page_bytes",	"n" },
	{ "descriptor",	"snnns" },	/* type count bytes-each bytes source */
	{ "memory",	"snnnn" },	/* layout per-page pages desc total */
	{ "saving",	"np" },		/* bytes percent-of-today */
	{ "bits",	"sn" },		/* field bits */
	{ "max_order",	"n" },
	{ "buddy",	"snnnb" },	/* links pfns bits word-bits fits */
	{ "scattered",	"nn" },		/* misc-pages vmalloc-pages */
	{ "kernel_size", "sn" },	/* struct bytes */
	/* name per-page pages desc total saving (signed) percent source */
	{ "revision",	"snnnnsss" },
	/* revision unit as desc pages descs each bytes kernel-each source */
	{ "place",	"ssssnnnnns" },
	{ NULL }
};

const struct md_syntax md_layout_syntax[] = {
	{ "range",	"nnnn" },	/* node start-pfn pfns byte-offset */
	{ NULL }
};

const struct md_syntax md_sections_syntax[] = {
	/* start-pfn node state chunk-node (-1: none) backing chunk-pfn */
	{ "section",	"nnsssn" },
	{ NULL }
};

const struct md_syntax md_mismatches_syntax[] = {
	/* pfn fields shadow-word class order live-word class order owner site */
	{ "mismatch",	"nsssnssnss" },
	{ NULL }
};

const struct md_syntax md_stats_syntax[] = {
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

static bool md_parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* "99.987" -> 99987; "-" -> MD_NO_PERCENT.  At most 100.000. */
static bool md_parse_percent(const char *s, unsigned long long *v)
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

static bool md_parse_field(char kind, const char *s,
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

void md_file_free(struct md_file *mf)
{
	size_t i;

	for (i = 0; i < mf->nr; i++)
		free(mf->rec[i].key);
	free(mf->rec);
	mf->rec = NULL;
	mf->nr = 0;
}

/* Split @line (newline removed) into @r per @syn; false with mf->err set. */
static bool md_parse_line(struct md_file *mf, const struct md_syntax *syn,
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
int md_file_read(struct md_file *mf, const char *path,
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

const char * const md_compare_fields[] = {
	"state", "type", "order", "free_order", "zone", "node", "mappable",
};
const size_t md_nr_compare_fields = ARRAY_SIZE(md_compare_fields);

/* Print a file's records, for the log of a failed check. */
void md_dump(const struct md_file *mf)
{
	size_t i;
	unsigned int j;

	fprintf(stderr, "# %s:\n", mf->path);
	for (i = 0; i < mf->nr; i++) {
		fprintf(stderr, "#   %s", mf->rec[i].key);
		for (j = 0; j < mf->rec[i].nf; j++)
			fprintf(stderr, " %s", mf->rec[i].f[j]);
		fputc('\n', stderr);
	}
}

/* Is @name one of the classes memdesc_types.h names? */
bool md_class_known(const char *name)
{
	unsigned int c;

	for (c = 0; c < MEMDESC_NR_CLASSES; c++)
		if (!strcmp(memdesc_class_name(c), name))
			return true;
	return false;
}

/* Is @r a record @key, and if @name is given, is its first field @name? */
bool md_rec_is(const struct md_rec *r, const char *key,
			     const char *name)
{
	return !strcmp(r->key, key) &&
	       (!name || (r->nf && !strcmp(r->f[0], name)));
}

/* The matrix record of class @shadow in the shadow, @live live, or NULL. */
const struct md_rec *md_matrix_cell(const struct md_file *cmp,
				    const char *shadow, const char *live)
{
	size_t i;

	for (i = 0; i < cmp->nr; i++)
		if (md_rec_is(&cmp->rec[i], "matrix", shadow) &&
		    !strcmp(cmp->rec[i].f[1], live))
			return &cmp->rec[i];
	return NULL;
}

/* How many records md_rec_is(). */
size_t md_count(const struct md_file *mf, const char *key,
			      const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < mf->nr; i++)
		if (md_rec_is(&mf->rec[i], key, name))
			n++;
	return n;
}

/* The first record that md_rec_is(), or NULL. */
const struct md_rec *md_find(const struct md_file *mf,
					   const char *key, const char *name)
{
	size_t i;

	for (i = 0; i < mf->nr; i++)
		if (md_rec_is(&mf->rec[i], key, name))
			return &mf->rec[i];
	return NULL;
}

/* Sum of field @idx over records with first word @key. */
unsigned long long md_sum(const struct md_file *mf,
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

/* Map @bytes anonymous, write one byte per page, unmap.  Return: pages. */
long md_anon_touch(size_t bytes)
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
long md_tmpfs_churn(const char *dir, unsigned int nr,
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
int md_workload(struct md_workload *w, size_t anon_bytes,
			      unsigned int children, size_t child_bytes,
			      const char *tmpdir, unsigned int files)
{
	long avail_kb = md_meminfo_kb("MemAvailable");
	size_t round = 192 * MD_MIB, done;
	size_t avail = avail_kb > 0 ? avail_kb * 1024UL : 0;
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


/* === stress-ng === */

/* /dev/shm for POSIX shm: the guest's devtmpfs has none. */
static void md_dev_shm(void)
{
	struct statfs sfs;

	mkdir("/dev/shm", 01777);
	if (statfs("/dev/shm", &sfs) || sfs.f_type != TMPFS_MAGIC)
		mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");
}

/*
 * md_stress_start - stress-ng on every vCPU ("0" instances: one per online
 * CPU) in the background for at most @seconds
 * @log:	its log file
 * @yaml:	its metrics, for md_stress_ops()
 * @mix:	MD_STRESS_FULL, every memory stressor of the load test (vm,
 *		mmap, fork, page-out and in, malloc, POSIX shm, tmpfs, file
 *		churn); MD_STRESS_LIGHT, the ones that keep the allocator busy
 *		without pinning much memory (for hotplug and the cycles)
 *
 * Memory sizes are kept well under the guest's memory: an OOM kill prints
 * a call trace, and the kernel log must stay clean.
 *
 * Return: the pid, or -errno.
 */
pid_t md_stress_start(const char *log, const char *yaml,
		      unsigned int seconds, enum md_stress_mix mix)
{
	char timeout[32];
	pid_t pid;

	snprintf(timeout, sizeof(timeout), "%us", seconds);
	md_dev_shm();
	unlink(yaml);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int fd = open("/dev/null", O_RDWR);

		/*
		 * Die with the test, however it ends: a test its timeout
		 * kills must not leave stress-ng loading the tests after it
		 * for up to @seconds.  (The harness kills the test's process
		 * group; this does not depend on stress-ng staying in it.)
		 * stress-ng's stressors die with stress-ng.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (mix == MD_STRESS_FULL)
			execl(MD_STRESS_BIN, "stress-ng",
			      "--vm", "0", "--vm-bytes", "10%",
			      "--mmap", "0", "--mmap-bytes", "16M",
			      "--fork", "0",
			      "--pageswap", "0",
			      "--malloc", "0", "--malloc-bytes", "1M",
			      "--malloc-max", "32",
			      "--shm", "0", "--shm-bytes", "4M",
			      "--tmpfs", "0",
			      "--hdd", "0", "--hdd-bytes", "8M",
			      "--temp-path", "/tmp", "--oom-avoid",
			      "--timeout", timeout, "--metrics-brief",
			      "--log-file", log, "--yaml", yaml, NULL);
		else
			execl(MD_STRESS_BIN, "stress-ng",
			      "--vm", "0", "--vm-bytes", "8%",
			      "--fork", "0",
			      "--malloc", "0", "--malloc-bytes", "1M",
			      "--malloc-max", "32",
			      "--tmpfs", "0",
			      "--temp-path", "/tmp", "--oom-avoid",
			      "--timeout", timeout, "--metrics-brief",
			      "--log-file", log, "--yaml", yaml, NULL);
		_exit(127);
	}
	return pid;
}

/*
 * Stop stress-ng (it cleans up on SIGINT), or with @wait_only let it run
 * out its time, and reap it.  Return: its exit status, 128 + signal, or -1.
 */
int md_stress_stop(pid_t pid, bool wait_only)
{
	int status;

	if (!wait_only)
		kill(pid, SIGINT);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Print the stress-ng log, for a failed run. */
void md_stress_log(const char *log)
{
	char line[512];
	FILE *f = fopen(log, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "# stress-ng: %s", line);
	fclose(f);
}

/*
 * md_stress_ops - the bogo ops stress-ng's stressors made, from @yaml
 * @when:	if set, each stressor's and the total are printed as figures
 *		"@when_ops_<stressor>"
 * @stressors:	if set, how many stressors reported
 *
 * Return: the sum.
 */
unsigned long long md_stress_ops(const char *yaml, const char *when,
				 unsigned int *stressors)
{
	char line[256], name[64] = "?";
	unsigned long long ops, total = 0;
	unsigned int n = 0;
	FILE *f = fopen(yaml, "re");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, " - stressor: %63s", name) == 1)
				continue;
			if (sscanf(line, " bogo-ops: %llu", &ops) != 1)
				continue;
			if (when)
				ksft_print_msg("figure %s_ops_%s %llu\n", when,
					       name, ops);
			total += ops;
			n++;
		}
		fclose(f);
	}
	if (when)
		ksft_print_msg("figure %s_ops_total %llu\n", when, total);
	if (stressors)
		*stressors = n;
	return total;
}

/* === For harness programs: helpers that ASSERT === */

/*
 * Read and parse debugfs file @name of memdesc with syntax @syn, as one
 * snapshot; a file that cannot be read or does not parse fails the test.
 */
void md_read(struct __test_metadata *_metadata, struct md_file *mf,
	     const char *name, const struct md_syntax *syn)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), MD_DEBUGFS "/%s", name);
	ret = md_file_read(mf, path, syn);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s: %s %s", path, strerror(-ret), mf->err);
	}
}

/* The record @key [@name], which must appear exactly once. */
const struct md_rec *md_one(struct __test_metadata *_metadata,
			    const struct md_file *mf, const char *key,
			    const char *name)
{
	ASSERT_EQ(1, md_count(mf, key, name)) {
		TH_LOG("%s: want one '%s%s%s' record", mf->path, key,
		       name ? " " : "", name ?: "");
		md_dump(mf);
	}
	return md_find(mf, key, name);
}

/* Field @idx of the one record @key [@name]. */
unsigned long long md_val(struct __test_metadata *_metadata,
			  const struct md_file *mf, const char *key,
			  const char *name, unsigned int idx)
{
	const struct md_rec *r = md_one(_metadata, mf, key, name);

	ASSERT_LT(idx, r->nf) {
		TH_LOG("%s line %u: no field %u", mf->path, r->line, idx + 1);
	}
	return r->v[idx];
}

/* A stats figure: "@key" alone (field 0) or "@key @name" (field 1). */
unsigned long long md_stat(struct __test_metadata *_metadata,
			   const char *key, const char *name)
{
	unsigned long long v;
	struct md_file st;

	md_read(_metadata, &st, "stats", md_stats_syntax);
	v = md_val(_metadata, &st, key, name, name ? 1 : 0);
	md_file_free(&st);
	return v;
}

/* Load module @name from @path with no parameters, unless it is loaded. */
void md_ensure_module(struct __test_metadata *_metadata, const char *name,
		      const char *path)
{
	int ret;

	if (md_module_loaded(name))
		return;
	ret = md_load(path, "");
	ASSERT_EQ(0, ret) {
		TH_LOG("load %s: %s", path, strerror(-ret));
	}
}

/* Load memdesc if a test needs it. */
/**
 * md_fixture_ready - what every fixture checks first
 * @_metadata:	the test
 * @path:	a file run.sh puts in the guest for this fixture, or NULL
 * @mode:	access(2) mode @path needs
 *
 * Not being root is the choice of whoever runs the program: a skip.  A
 * file the suite installs gone missing means the suite broke: a failure.
 *
 * Return: true to go on; false after a skip.
 */
bool md_fixture_ready(struct __test_metadata *_metadata, const char *path,
		      int mode)
{
	if (geteuid())
		SKIP(return false, "needs root");
	if (path)
		ASSERT_EQ(0, access(path, mode)) {
			TH_LOG("%s: %s (tests/vm/run.sh installs it)", path,
			       strerror(errno));
		}
	return true;
}

void md_ensure_loaded(struct __test_metadata *_metadata)
{
	md_ensure_module(_metadata, MD_MODNAME, md_ko_path());
}

/*
 * PFNs of the @n pages from @addr (page-aligned down), from
 * /proc/self/pagemap: 0 for a page that is not present.
 */
void md_pagemap(struct __test_metadata *_metadata, const void *addr,
		size_t n, unsigned long long *pfns)
{
	unsigned long long *ent = calloc(n, sizeof(*ent));
	size_t i;
	int fd;

	ASSERT_NE(NULL, ent);
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)(n * sizeof(*ent)),
		  pread(fd, ent, n * sizeof(*ent),
			(uintptr_t)addr / MD_PAGE * sizeof(*ent)));
	close(fd);
	for (i = 0; i < n; i++)
		pfns[i] = ent[i] >> 63 ? ent[i] & ((1ULL << 55) - 1) : 0;
	free(ent);
}

/* The PFN of a touched page of ours, which must be present. */
unsigned long long md_pagemap_pfn(struct __test_metadata *_metadata,
				  const void *addr)
{
	unsigned long long pfn;

	md_pagemap(_metadata, addr, 1, &pfn);
	ASSERT_NE(0, pfn) {
		TH_LOG("%p: not present", addr);
	}
	return pfn;
}

/*
 * md_shell - run shell command @cmd, its standard output to file @out and
 * its standard error to @err, each left alone if NULL
 *
 * Return: its exit status, or -1 if it did not exit.
 */
int md_shell(const char *cmd, const char *out, const char *err)
{
	char line[1024];
	int status;

	snprintf(line, sizeof(line), "%s%s%s%s%s", cmd, out ? " >" : "",
		 out ?: "", err ? " 2>" : "", err ?: "");
	status = system(line);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * md_anon_page - one anonymous page of ours, mapped and written, so that
 * the live classifier must say anon; its PFN in @pfn.  Unmap with
 * munmap(page, MD_PAGE).
 */
char *md_anon_page(struct __test_metadata *_metadata, unsigned long long *pfn)
{
	char *p = mmap(NULL, MD_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	*pfn = md_pagemap_pfn(_metadata, p);
	return p;
}

/*
 * md_as_nobody - run @fn(@arg) in a child that is nobody:nogroup, with no
 * supplementary groups and, after setuid(), no capabilities
 *
 * Return: what @fn returned (0 to 125, the child's exit status); the test
 * fails if the child cannot drop root or does not exit.
 */
int md_as_nobody(struct __test_metadata *_metadata,
		 int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgroups(0, NULL) || setgid(MD_NOBODY) ||
		    setuid(MD_NOBODY) || !setuid(0))
			_exit(126);
		_exit(fn(arg) & 0x7f);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_NE(126, WEXITSTATUS(status)) {
		TH_LOG("cannot become nobody");
	}
	return WEXITSTATUS(status);
}

/* === compare, checked === */

/*
 * A check dumps its file when it fails; md_check_begin() and md_check_end()
 * tell whether this check failed, whatever failed earlier in the test.
 */
int md_check_begin(struct __test_metadata *_metadata)
{
	int saved = _metadata->exit_code;

	_metadata->exit_code = KSFT_PASS;
	return saved;
}

bool md_check_end(struct __test_metadata *_metadata, int saved)
{
	bool failed = _metadata->exit_code != KSFT_PASS;

	if (saved != KSFT_PASS)
		_metadata->exit_code = saved;
	return failed;
}

/*
 * compare, as a format: each field once with a percent that matches its
 * counts; matrix cells name real classes, are nonzero, unique, and account
 * for every PFN walked.
 */
void md_check_compare_format(struct __test_metadata *_metadata,
			     const struct md_file *cmp)
{
	int saved = md_check_begin(_metadata);
	unsigned long long compared, unknown, a, d, pct, want;
	size_t i, j;

	compared = md_val(_metadata, cmp, "compared", NULL, 0);
	unknown = md_val(_metadata, cmp, "unknown", NULL, 0);
	ASSERT_LE(unknown, compared);

	for (i = 0; i < md_nr_compare_fields; i++) {
		const char *name = md_compare_fields[i];
		const struct md_rec *r = md_one(_metadata, cmp, "field", name);

		a = r->v[1];
		d = r->v[2];
		pct = r->v[3];
		/* Every known PFN has a state; the other fields only some. */
		EXPECT_TRUE(strcmp(name, "state") ?
			    a + d <= compared - unknown :
			    a + d == compared - unknown) {
			TH_LOG("compare line %u: field %s counts %llu PFNs of %llu known",
			       r->line, name, a + d, compared - unknown);
		}
		if (a + d == 0) {
			EXPECT_EQ(MD_NO_PERCENT, pct);
			continue;
		}
		/* Three decimals, rounded either way. */
		want = a * 100000 / (a + d);
		EXPECT_TRUE(pct == want || pct == want + 1) {
			TH_LOG("compare line %u: field %s %llu %llu %s, want %llu.%03llu",
			       r->line, name, a, d, r->f[3], want / 1000,
			       want % 1000);
		}
	}
	EXPECT_EQ(md_nr_compare_fields, md_count(cmp, "field", NULL));

	for (i = 0; i < cmp->nr; i++) {
		const struct md_rec *r = &cmp->rec[i];

		if (strcmp(r->key, "matrix"))
			continue;
		EXPECT_TRUE(md_class_known(r->f[0]) && md_class_known(r->f[1])) {
			TH_LOG("compare line %u: unknown class", r->line);
		}
		EXPECT_LT(0, r->v[2]);
		for (j = i + 1; j < cmp->nr; j++) {
			EXPECT_FALSE(md_rec_is(&cmp->rec[j], "matrix", r->f[0]) &&
				     !strcmp(cmp->rec[j].f[1], r->f[1])) {
				TH_LOG("compare line %u: cell repeated",
				       cmp->rec[j].line);
			}
		}
	}
	EXPECT_EQ(compared, md_sum(cmp, "matrix", 2)) {
		TH_LOG("compare: matrix does not add up to compared");
	}
	if (md_check_end(_metadata, saved))
		md_dump(cmp);
}

/*
 * md_agrees - whether @agree of @agree + @disagree, less @left_out of the
 * disagreements, is MD_AGREE_PERMILLE or better
 */
bool md_agrees(unsigned long long agree, unsigned long long disagree,
		      unsigned long long left_out)
{
	disagree -= disagree < left_out ? disagree : left_out;
	return agree * 1000 >= MD_AGREE_PERMILLE * (agree + disagree);
}

/**
 * md_check_compare - compare's verdict on the shadow, the suite's one
 * @cmp:	compare, as read
 * @when:	names the figures printed ("@when_state_disagree ...")
 * @type_explained: type disagreements the caller has accounted for one by
 *		one (the fidelity test: cells docs/TRANSITIONS.md bounds);
 *		0 for none
 *
 * The format first (md_check_compare_format()), then: something compared
 * and everything seeded; zone and node never wrong (a PFN's zone and node
 * are fixed, so any miss is a bug); state (allocated or free) and type
 * right for at least 99.9% of the PFNs that have them.  Events have known
 * gaps (docs/TRANSITIONS.md); on a quiet 2 GiB guest the type gaps are
 * some 20 pages (folios waiting in a per-cpu LRU batch, pages vmap()'d),
 * under the 524 that 0.1% allows, while a probe
 * that stops typing what it should misses thousands (the workloads touch
 * a GiB).  Pages a hook left to a resync, as many as stats' hook_truncated
 * says (a hook types at most 2,048 pages a call), are left out of both.
 *
 * Return: the persistent state disagreements.
 */
unsigned long long md_check_compare(struct __test_metadata *_metadata,
				    const struct md_file *cmp,
				    const char *when,
				    unsigned long long type_explained)
{
	const struct md_rec *state, *type, *zone, *node;
	unsigned long long compared, unknown, left;
	int saved;

	md_check_compare_format(_metadata, cmp);
	saved = md_check_begin(_metadata);	/* format failures dumped */
	left = md_stat(_metadata, "counter", "hook_truncated");
	compared = md_val(_metadata, cmp, "compared", NULL, 0);
	unknown = md_val(_metadata, cmp, "unknown", NULL, 0);
	state = md_one(_metadata, cmp, "field", "state");
	type = md_one(_metadata, cmp, "field", "type");
	zone = md_one(_metadata, cmp, "field", "zone");
	node = md_one(_metadata, cmp, "field", "node");
	ksft_print_msg("figure %s_compared %llu unknown %llu\n", when,
		       compared, unknown);
	ksft_print_msg("figure %s_state_disagree %llu (%s%%)\n", when,
		       state->v[2], state->f[3]);
	ksft_print_msg("figure %s_type_disagree %llu (%s%%), explained %llu\n",
		       when, type->v[2], type->f[3], type_explained);
	ksft_print_msg("figure %s_zone_disagree %llu node_disagree %llu\n",
		       when, zone->v[2], node->v[2]);
	if (left)
		ksft_print_msg("figure %s_hook_truncated %llu: left out of state and type\n",
			       when, left);

	EXPECT_LT(0, compared);
	EXPECT_EQ(0, unknown);
	EXPECT_LT(0, zone->v[1]);
	EXPECT_EQ(0, zone->v[2]);
	EXPECT_LT(0, node->v[1]);
	EXPECT_EQ(0, node->v[2]);
	EXPECT_LT(0, state->v[1] + state->v[2]);
	EXPECT_TRUE(md_agrees(state->v[1], state->v[2], left)) {
		TH_LOG("%s: state agrees for %s%% of PFNs (%llu disagree, %llu left to a resync), want >= 99.9%%",
		       when, state->f[3], state->v[2], left);
	}
	EXPECT_LT(0, type->v[1] + type->v[2]);
	EXPECT_TRUE(md_agrees(type->v[1], type->v[2], left + type_explained)) {
		TH_LOG("%s: type agrees for %s%% of PFNs (%llu disagree, %llu explained, %llu left to a resync), want >= 99.9%%",
		       when, type->f[3], type->v[2], type_explained, left);
	}
	if (md_check_end(_metadata, saved))
		md_dump(cmp);
	return state->v[2];
}

/* md_show_pfn - the pfn file's report on @pfn, as it prints it */
void md_show_pfn(unsigned long long pfn)
{
	char buf[32], line[512];
	FILE *f;

	snprintf(buf, sizeof(buf), "%llu", pfn);
	if (md_write_file(MD_DEBUGFS "/pfn", buf))
		return;
	f = fopen(MD_DEBUGFS "/pfn", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		ksft_print_msg("    %s", line);
	fclose(f);
}

/* The shadow's word of @pfn from the pfn file; false if it has none. */
static bool md_pfn_shadow(unsigned long long pfn, unsigned long long *w)
{
	char path[] = MD_DEBUGFS "/pfn", buf[4096], s[24], *p;
	ssize_t len;
	int fd;

	snprintf(s, sizeof(s), "%llu", pfn);
	if (md_write_file(path, s))
		return false;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	p = strstr(buf, "shadow 0x");
	return p && sscanf(p, "shadow %llx", w) == 1;
}

/*
 * md_show_unmerged - why the buddy's rule at read time left the free block
 * of @pfn unmerged: the words of its aligned block of 1024 PFNs that are
 * not free on the buddy's lists in the shadow (another state, or the
 * per-cpu bit), up to 8 of them
 */
void md_show_unmerged(unsigned long long pfn)
{
	unsigned long long start = pfn & ~1023ULL, w, i;
	unsigned int shown = 0, odd = 0;

	for (i = start; i < start + 1024; i++) {
		if (!md_pfn_shadow(i, &w))
			continue;
		if (memdesc_word_is_free(w) && !(w & MEMDESC_PCP))
			continue;
		odd++;
		if (shown++ < 8)
			ksft_print_msg("block %llu: pfn %llu shadow %#llx\n",
				       start, i, w);
	}
	ksft_print_msg("block %llu: %u of 1024 words not on the buddy's lists\n",
		       start, odd);
}

/*
 * md_show_examples - the shadow's and the live word of up to @max PFNs of
 * each example compare gave of @shadow -> @live (NULL: any class on that
 * side), from the pfn file: what a failed check needs to be understood
 * without a second boot
 */
void md_show_examples(const struct md_file *cmp, const char *shadow,
		      const char *live, unsigned int max)
{
	const struct md_rec *r;
	size_t i, j;

	for (i = 0; i < cmp->nr; i++) {
		r = &cmp->rec[i];
		if (strcmp(r->key, "example") || r->nf < 3 ||
		    (shadow && strcmp(r->f[0], shadow)) ||
		    (live && strcmp(r->f[1], live)))
			continue;
		ksft_print_msg("example %s -> %s\n", r->f[0], r->f[1]);
		for (j = 2; j < r->nf && j < 2 + max; j++)
			md_show_pfn(strtoull(r->f[j], NULL, 10));
	}
}

/* md_show_unmerged() of the first free -> free example. */
static void md_show_first_unmerged(const struct md_file *cmp)
{
	size_t i;

	for (i = 0; i < cmp->nr; i++)
		if (md_rec_is(&cmp->rec[i], "example", "free") &&
		    !strcmp(cmp->rec[i].f[1], "free") && cmp->rec[i].nf > 2) {
			md_show_unmerged(strtoull(cmp->rec[i].f[2], NULL, 10));
			return;
		}
}

/*
 * Pages of the @n matrix records of @cells with @name on the shadow side
 * (@live false) or the live side.
 */
static unsigned long long md_cells_left(const struct md_rec *const *cells,
					size_t n, const char *name, bool live)
{
	unsigned long long sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cells[i]->f[live ? 1 : 0], name))
			sum += cells[i]->v[2];
	return sum;
}

/*
 * What no workload may hide: free blocks at their merged order, and every
 * class in precision and in recall, each at 99.9% at least.  The @n
 * matrix records of @left are cells the caller has judged against a
 * bound its documentation gives (the fidelity test, docs/TRANSITIONS.md):
 * they are left out of their two classes; none for a caller that judges
 * none.
 */
void md_check_closed(struct __test_metadata *_metadata,
		     const struct md_file *cmp, const char *when,
		     const struct md_rec *const *left, size_t n)
{
	unsigned long long a;
	size_t i;

	for (i = 0; i < cmp->nr; i++) {
		const struct md_rec *r = &cmp->rec[i];

		if (md_rec_is(r, "field", "free_order")) {
			EXPECT_TRUE(md_agrees(r->v[1], r->v[2], 0)) {
				TH_LOG("%s: free_order agrees for %llu of %llu free PFNs",
				       when, r->v[1], r->v[1] + r->v[2]);
				md_show_examples(cmp, "free", "free", 2);
				md_show_first_unmerged(cmp);
			}
		}
		if (!strcmp(r->key, "class")) {
			a = r->v[3];
			EXPECT_TRUE(md_agrees(a, r->v[1] - a,
					      md_cells_left(left, n, r->f[0],
							    false)) &&
				    md_agrees(a, r->v[2] - a,
					      md_cells_left(left, n, r->f[0],
							    true))) {
				TH_LOG("%s: class %s shadow %llu live %llu agree %llu",
				       when, r->f[0], r->v[1], r->v[2], a);
				md_show_examples(cmp, r->f[0], NULL, 2);
				md_show_examples(cmp, NULL, r->f[0], 2);
			}
		}
	}
}
