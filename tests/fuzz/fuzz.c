// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz.c - memdesc-stat run again and again in one process (fuzz.h).
 *
 * The fuzz_*() functions below the first banner stand in for the C
 * library's inside the tool's objects only (tests/fuzz/redefine.syms): the
 * tool's code is as it ships, and this file is the whole difference.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "memdesc_stat.h"

/* Words of a command line, at most. */
#define FUZZ_MAX_ARGS		32
/* Streams and mappings the tool holds at once: a few at most. */
#define FUZZ_MAX_STREAMS	32
#define FUZZ_MAX_MAPS		32
/*
 * Allocations are kept XORed with this: LeakSanitizer, which scans memory
 * for pointers, sees none here to what the tool forgot to free.
 */
#define FUZZ_HIDE		0xa5a5a5a5a5a5a5a5ULL

static char fuzz_dir[64];
static bool fuzz_verbose;

/* === What the tool holds: memory, streams, mappings === */

/*
 * Every block the tool allocated and has not freed, hidden: an open
 * addressing table of linear probes, grown at half full.
 */
static struct {
	uintptr_t *slot;
	size_t size;
	size_t nr;
} fuzz_mem;

static size_t mem_hash(uintptr_t h)
{
	return (size_t)((h >> 4) * 0x9e3779b97f4a7c15ULL) & (fuzz_mem.size - 1);
}

static void mem_insert(uintptr_t h)
{
	size_t i = mem_hash(h);

	while (fuzz_mem.slot[i])
		i = (i + 1) & (fuzz_mem.size - 1);
	fuzz_mem.slot[i] = h;
	fuzz_mem.nr++;
}

static void mem_add(void *p)
{
	uintptr_t *old = fuzz_mem.slot;
	size_t i, size = fuzz_mem.size;

	if (2 * (fuzz_mem.nr + 1) > fuzz_mem.size) {
		fuzz_mem.size = size ? 2 * size : 1024;
		fuzz_mem.slot = calloc(fuzz_mem.size, sizeof(*fuzz_mem.slot));
		if (!fuzz_mem.slot)
			abort();
		fuzz_mem.nr = 0;
		for (i = 0; i < size; i++)
			if (old[i])
				mem_insert(old[i]);
		free(old);
	}
	mem_insert((uintptr_t)p ^ FUZZ_HIDE);
}

/* Forget @p; false if it was not the tool's (the C library's memory). */
static bool mem_del(void *p)
{
	uintptr_t h = (uintptr_t)p ^ FUZZ_HIDE;
	size_t mask = fuzz_mem.size - 1, i, j, k;

	if (!fuzz_mem.size)
		return false;
	for (i = mem_hash(h); fuzz_mem.slot[i] != h; i = (i + 1) & mask)
		if (!fuzz_mem.slot[i])
			return false;
	/*
	 * Close the gap: move back each later entry of the run whose home
	 * is not between the gap and where it lies.
	 */
	for (j = i;;) {
		j = (j + 1) & mask;
		if (!fuzz_mem.slot[j])
			break;
		k = mem_hash(fuzz_mem.slot[j]);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		fuzz_mem.slot[i] = fuzz_mem.slot[j];
		i = j;
	}
	fuzz_mem.slot[i] = 0;
	fuzz_mem.nr--;
	return true;
}

/*
 * Free every block (@release) or only forget them, for LeakSanitizer.  A
 * table grown large goes: a walk of it after every run would cost more
 * than the run.
 */
static void mem_drop(bool release)
{
	size_t i;

	if (!fuzz_mem.nr)
		return;
	for (i = 0; i < fuzz_mem.size; i++) {
		if (fuzz_mem.slot[i] && release)
			free((void *)(fuzz_mem.slot[i] ^ FUZZ_HIDE));
		fuzz_mem.slot[i] = 0;
	}
	fuzz_mem.nr = 0;
	if (fuzz_mem.size > 4096) {
		free(fuzz_mem.slot);
		memset(&fuzz_mem, 0, sizeof(fuzz_mem));
	}
}

/*
 * A stream the tool opened.  A memory stream writes its buffer here, not
 * where the tool asked: after a longjmp(), that is a dead stack frame.
 * fuzz_fclose() hands it on.
 */
struct fuzz_stream {
	FILE *f;
	bool mem;
	char *buf;
	size_t len;
	char **user_buf;
	size_t *user_len;
};

static struct fuzz_stream fuzz_streams[FUZZ_MAX_STREAMS];

static struct { void *addr; size_t len; } fuzz_maps[FUZZ_MAX_MAPS];

/* The file descriptors the tool opened (but through fopen()). */
static fd_set fuzz_fds;

static int fd_add(int fd)
{
	if (fd >= FD_SETSIZE)
		fuzz_finding("a file descriptor past FD_SETSIZE", "");
	if (fd >= 0)
		FD_SET(fd, &fuzz_fds);
	return fd;
}

static void fd_del(int fd)
{
	if (fd >= 0 && fd < FD_SETSIZE)
		FD_CLR(fd, &fuzz_fds);
}

static struct fuzz_stream *stream_slot(FILE *f)
{
	unsigned int i;

	for (i = 0; i < FUZZ_MAX_STREAMS; i++)
		if (fuzz_streams[i].f == f)
			return &fuzz_streams[i];
	return NULL;
}

/* A free slot for a stream. */
static struct fuzz_stream *stream_new(void)
{
	struct fuzz_stream *s = stream_slot(NULL);

	if (!s)
		fuzz_finding("more streams open than the harness keeps", "");
	return s;
}

static FILE *stream_add(FILE *f)
{
	if (f)
		stream_new()->f = f;
	return f;
}

/* === The C library, as the tool's objects see it === */

FILE *fuzz_stdout;
FILE *fuzz_stderr;

void *fuzz_malloc(size_t size)
{
	void *p = malloc(size);

	if (p)
		mem_add(p);
	return p;
}

void *fuzz_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb, size);

	if (p)
		mem_add(p);
	return p;
}

void *fuzz_realloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size);

	if (p) {
		if (ptr)
			mem_del(ptr);
		mem_add(p);
	}
	return p;
}

void fuzz_free(void *ptr)
{
	if (ptr)
		mem_del(ptr);
	free(ptr);
}

void *fuzz_mmap(void *addr, size_t len, int prot, int flags, int fd,
		off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);
	unsigned int i;

	if (p == MAP_FAILED)
		return p;
	for (i = 0; i < FUZZ_MAX_MAPS && fuzz_maps[i].addr; i++)
		;
	if (i == FUZZ_MAX_MAPS)
		fuzz_finding("more mappings than the harness keeps", "");
	fuzz_maps[i].addr = p;
	fuzz_maps[i].len = len;
	return p;
}

int fuzz_munmap(void *addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < FUZZ_MAX_MAPS; i++)
		if (fuzz_maps[i].addr == addr)
			fuzz_maps[i].addr = NULL;
	return munmap(addr, len);
}

int fuzz_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return fd_add(open(path, flags, mode));
}

int fuzz_mkstemp(char *template)
{
	return fd_add(mkstemp(template));
}

int fuzz_close(int fd)
{
	fd_del(fd);
	return close(fd);
}

FILE *fuzz_fopen(const char *path, const char *mode)
{
	return stream_add(fopen(path, mode));
}

/* The stream owns the descriptor from here: fclose() closes it. */
FILE *fuzz_fdopen(int fd, const char *mode)
{
	FILE *f = stream_add(fdopen(fd, mode));

	if (f)
		fd_del(fd);
	return f;
}

FILE *fuzz_open_memstream(char **buf, size_t *len)
{
	struct fuzz_stream *s = stream_new();

	s->f = open_memstream(&s->buf, &s->len);
	if (!s->f)
		return NULL;
	s->mem = true;
	s->user_buf = buf;
	s->user_len = len;
	return s->f;
}

/* A memory stream's buffer becomes the tool's, to free or to leak. */
int fuzz_fclose(FILE *f)
{
	struct fuzz_stream *s = stream_slot(f);
	int ret = fclose(f);

	if (!s)
		return ret;
	if (s->mem) {
		*s->user_buf = s->buf;
		*s->user_len = s->len;
		mem_add(s->buf);
	}
	memset(s, 0, sizeof(*s));
	return ret;
}

int fuzz_printf(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfprintf(fuzz_stdout, fmt, ap);
	va_end(ap);
	return ret;
}

/* === Runs === */

static jmp_buf fuzz_exit_jmp;
static int fuzz_exit_status;
static bool fuzz_running;

void fuzz_exit(int status)
{
	if (!fuzz_running)
		_exit(status);
	fuzz_exit_status = status;
	longjmp(fuzz_exit_jmp, 1);
}

/**
 * fuzz_finding - report what the harness found wrong, and abort
 * @what:	what
 * @cmdline:	the command line it followed
 *
 * libFuzzer takes the abort for a crash: it saves the input and stops.
 */
void fuzz_finding(const char *what, const char *cmdline)
{
	fprintf(stderr, "memdesc-stat fuzz: %s (memdesc-stat %s)\n", what,
		cmdline);
	abort();
}

/* What an exit() left: released, as the end of the process releases it. */
static void release_all(void)
{
	unsigned int i;
	int fd;

	for (i = 0; i < FUZZ_MAX_STREAMS; i++) {
		if (!fuzz_streams[i].f)
			continue;
		fclose(fuzz_streams[i].f);
		if (fuzz_streams[i].mem)
			free(fuzz_streams[i].buf);
		memset(&fuzz_streams[i], 0, sizeof(fuzz_streams[i]));
	}
	for (i = 0; i < FUZZ_MAX_MAPS; i++) {
		if (fuzz_maps[i].addr)
			munmap(fuzz_maps[i].addr, fuzz_maps[i].len);
		fuzz_maps[i].addr = NULL;
	}
	mem_drop(true);
	for (fd = 0; fd < FD_SETSIZE; fd++) {
		if (FD_ISSET(fd, &fuzz_fds)) {
			close(fd);
			FD_CLR(fd, &fuzz_fds);
		}
	}
}

/*
 * What a run that returned holds is a leak: its memory is left to
 * LeakSanitizer, the rest is a finding here.
 */
static void check_released(const char *cmdline)
{
	unsigned int i;
	int fd;

	for (i = 0; i < FUZZ_MAX_STREAMS; i++)
		if (fuzz_streams[i].f)
			fuzz_finding("a stream left open", cmdline);
	for (i = 0; i < FUZZ_MAX_MAPS; i++)
		if (fuzz_maps[i].addr)
			fuzz_finding("a mapping left", cmdline);
	for (fd = 0; fd < FD_SETSIZE; fd++)
		if (FD_ISSET(fd, &fuzz_fds))
			fuzz_finding("a file descriptor left open", cmdline);
	mem_drop(false);
}

struct fuzz_main {
	int argc;
	char **argv;
	int ret;
};

static void run_main(void *arg)
{
	struct fuzz_main *m = arg;

	m->ret = memdesc_stat(m->argc, m->argv);
}

/* fuzz_call() of @fn, naming @cmdline in findings. */
static int call(void (*fn)(void *arg), void *arg, const char *cmdline)
{
	fuzz_exit_status = 0;
	fuzz_running = true;
	if (!setjmp(fuzz_exit_jmp)) {
		fn(arg);
		fuzz_running = false;
		check_released(cmdline);
		return 0;
	}
	fuzz_running = false;
	release_all();
	return fuzz_exit_status;
}

/**
 * fuzz_call - run some of the tool's code
 * @fn:		the code
 * @arg:	its argument
 *
 * Return: 0 if @fn returned, else the status it called exit() with.
 */
int fuzz_call(void (*fn)(void *arg), void *arg)
{
	return call(fn, arg, "(a call)");
}

/**
 * fuzz_stat - run memdesc-stat with @cmdline, words split at spaces
 * @cmdline:	"summary --json /tmp/x.snap"
 *
 * Return: its exit status.
 */
int fuzz_stat(const char *cmdline)
{
	char copy[1024], *argv[FUZZ_MAX_ARGS + 1], *save;
	struct fuzz_main m = { .argv = argv };
	int ret;

	if (strlen(cmdline) >= sizeof(copy))
		abort();
	strcpy(copy, cmdline);
	argv[m.argc++] = "memdesc-stat";
	for (argv[m.argc] = strtok_r(copy, " ", &save);
	     argv[m.argc] && m.argc < FUZZ_MAX_ARGS;
	     argv[++m.argc] = strtok_r(NULL, " ", &save))
		;
	argv[m.argc] = NULL;
	ret = call(run_main, &m, cmdline);
	return ret ? ret : m.ret;
}

/* === The directory the tool reads === */

/**
 * fuzz_path - where a file of the target's lies
 * @name:	relative to the target's directory
 *
 * Return: the path, in a buffer the next call reuses.
 */
const char *fuzz_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	return path;
}

/**
 * fuzz_write - write a file of the target's, whole
 * @name:	relative to the target's directory
 * @data:	its contents
 * @len:	bytes
 */
void fuzz_write(const char *name, const void *data, size_t len)
{
	const char *p = data;
	ssize_t ret;
	int fd;

	fd = open(fuzz_path(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	if (fd < 0)
		abort();
	for (; len; p += ret, len -= ret) {
		ret = write(fd, p, len);
		if (ret <= 0)
			abort();
	}
	close(fd);
}

/**
 * fuzz_remove - remove a file of the target's, if it is there
 * @name:	relative to the target's directory
 */
void fuzz_remove(const char *name)
{
	unlink(fuzz_path(name));
}

static int remove_one(const char *path,
		      const struct stat *st __maybe_unused,
		      int flag __maybe_unused, struct FTW *ftw __maybe_unused)
{
	return remove(path);
}

static void remove_dir(void)
{
	nftw(fuzz_dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/**
 * fuzz_init - set up the harness, once, from LLVMFuzzerInitialize()
 *
 * A directory of the target's own, removed at exit, with "debugfs" in it;
 * the tool's live files, boot id and zoneinfo are looked for there, and
 * its temporary files (top --nodes) go there.
 */
void fuzz_init(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/memdesc-fuzz.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir) || mkdir(fuzz_path("debugfs"), 0700))
		abort();
	atexit(remove_dir);
	setenv("MEMDESC_DEBUGFS", fuzz_path("debugfs"), 1);
	setenv("MEMDESC_ZONEINFO", fuzz_path("zoneinfo"), 1);
	setenv("MEMDESC_BOOT_ID", fuzz_path("boot_id"), 1);
	setenv("MEMDESC_LOCKDOWN", fuzz_path("lockdown"), 1);
	setenv("TMPDIR", fuzz_dir, 1);
	fuzz_verbose = getenv("FUZZ_VERBOSE") && *getenv("FUZZ_VERBOSE") == '1';
	fuzz_stdout = fopen("/dev/null", "we");
	fuzz_stderr = fuzz_verbose ? stderr : fuzz_stdout;
	if (!fuzz_stdout)
		abort();
}
