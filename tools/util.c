// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc-stat: small helpers for every part of the tool.
 *
 * Messages, allocation that cannot fail, reading files whole or in full,
 * temporary files, and where the live files are.  Any error here is the end
 * of the program: the tool reads, computes and prints, and has nothing to
 * unwind but the temporary files it is writing, which fatal() removes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memdesc_types.h"
#include "util.h"

const char *prog_name = "memdesc-stat";

/* === Temporary files === */

/*
 * Files written under a temporary name and renamed into place once whole:
 * a snapshot being saved, the name top holds for its own, a metrics file.
 * A few at once at most.
 */
#define TEMP_MAX	4

/* Signals that end the program, with a temporary file to remove first. */
static const int temp_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM };

static char *temp_paths[TEMP_MAX];
static unsigned int temp_nr;
/* The actions the signals had before: put back when the last file goes. */
static struct sigaction temp_saved[MEMDESC_ARRAY_SIZE(temp_signals)];
static bool temp_caught[MEMDESC_ARRAY_SIZE(temp_signals)];

static void temp_unlink_all(void)
{
	unsigned int i;

	for (i = 0; i < TEMP_MAX; i++)
		if (temp_paths[i])
			unlink(temp_paths[i]);
}

static void temp_restore_signals(void)
{
	unsigned int i;

	for (i = 0; i < MEMDESC_ARRAY_SIZE(temp_signals); i++)
		if (temp_caught[i])
			sigaction(temp_signals[i], &temp_saved[i], NULL);
	memset(temp_caught, 0, sizeof(temp_caught));
}

/*
 * Remove the files, then let the signal do what it did before: end the
 * program, or run the handler that was there (top's, which restores the
 * terminal).  Only async-signal-safe calls here.
 */
static void temp_on_signal(int sig)
{
	temp_unlink_all();
	temp_restore_signals();
	raise(sig);
}

/* Catch the signals that are not ignored: an ignored one ends nothing. */
static void temp_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = temp_on_signal };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < MEMDESC_ARRAY_SIZE(temp_signals); i++) {
		if (sigaction(temp_signals[i], NULL, &temp_saved[i]) ||
		    temp_saved[i].sa_handler == SIG_IGN)
			continue;
		sigaction(temp_signals[i], &sa, NULL);
		temp_caught[i] = true;
	}
}

/* Keep the signals off while the list changes; returns the old mask. */
static sigset_t temp_block(void)
{
	sigset_t set, old;
	unsigned int i;

	sigemptyset(&set);
	for (i = 0; i < MEMDESC_ARRAY_SIZE(temp_signals); i++)
		sigaddset(&set, temp_signals[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	return old;
}

/**
 * temp_add - a temporary file now exists at @path
 * @path:	its name
 *
 * Until temp_done(), an error or a signal that ends the program removes it.
 */
void temp_add(const char *path)
{
	char *copy = xstrdup(path);
	sigset_t old;
	unsigned int i;

	old = temp_block();
	for (i = 0; i < TEMP_MAX && temp_paths[i]; i++)
		;
	if (i == TEMP_MAX) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		unlink(path);
		fatal("%s: more than %d temporary files at once", path,
		      TEMP_MAX);
	}
	if (!temp_nr++)
		temp_catch_signals();
	temp_paths[i] = copy;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/**
 * temp_done - a temporary file is no longer one to remove on failure
 * @path:	as given to temp_add()
 * @remove:	remove it now; false once it was renamed into place
 */
void temp_done(const char *path, bool remove)
{
	char *copy = NULL;
	sigset_t old;
	unsigned int i;

	old = temp_block();
	for (i = 0; i < TEMP_MAX; i++) {
		if (!temp_paths[i] || strcmp(temp_paths[i], path))
			continue;
		if (remove)
			unlink(path);
		copy = temp_paths[i];
		temp_paths[i] = NULL;
		if (!--temp_nr)
			temp_restore_signals();
		break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(copy);
}

/* Remove and forget every temporary file: the program is failing. */
static void temp_cleanup(void)
{
	sigset_t old = temp_block();
	unsigned int i;

	temp_unlink_all();
	temp_restore_signals();
	for (i = 0; i < TEMP_MAX; i++) {
		free(temp_paths[i]);
		temp_paths[i] = NULL;
	}
	temp_nr = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* === Messages and allocation === */

/*
 * Say what is wrong, after whatever stdout holds so far, remove the
 * temporary files, and exit 1.
 */
void fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	temp_cleanup();
	exit(1);
}

/**
 * vfatal_at - fatal() about a place in a file: "SOURCE: line N: ..."
 * @source:	the file, or whatever names where the text came from
 * @line:	1-based; 0 for the file as a whole ("SOURCE: ...")
 * @fmt:	what is wrong there
 * @ap:		its arguments
 */
void vfatal_at(const char *source, unsigned int line, const char *fmt,
	       va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line)
		fatal("%s: line %u: %s", source, line, msg);
	fatal("%s: %s", source, msg);
}

/**
 * fatal_at - vfatal_at(), with the arguments here
 * @source:	the file
 * @line:	1-based; 0 for the file as a whole
 * @fmt:	what is wrong there
 */
void fatal_at(const char *source, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfatal_at(source, line, fmt, ap);
}

void print_warning(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		fatal("out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", size);
	return p;
}

char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/*
 * The kernel lockdown level in @buf ("integrity" or "confidentiality"), or
 * NULL when the kernel is not locked down or cannot say.  The file reads
 * "none [integrity] confidentiality"; MEMDESC_LOCKDOWN names another one.
 */
static const char *lockdown_level(char *buf, size_t size)
{
	const char *path = env_or("MEMDESC_LOCKDOWN", MEMDESC_LOCKDOWN);
	char text[128], *lb, *rb;
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return NULL;
	text[len] = '\0';
	lb = strchr(text, '[');
	rb = lb ? strchr(lb, ']') : NULL;
	if (!rb || rb - lb - 1 >= (ptrdiff_t)size)
		return NULL;
	memcpy(buf, lb + 1, rb - lb - 1);
	buf[rb - lb - 1] = '\0';
	return strcmp(buf, "none") ? buf : NULL;
}

/* Append to @buf the module's files that lockdown leaves open: read-only. */
static void append_readonly_files(char *buf, size_t size)
{
	DIR *dir = opendir(debugfs_dir());
	struct dirent *d;
	struct stat st;
	size_t len;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' ||
		    fstatat(dirfd(dir), d->d_name, &st, 0) ||
		    !S_ISREG(st.st_mode) || (st.st_mode & 0222))
			continue;
		len = strlen(buf);
		snprintf(buf + len, size - len, " %s", d->d_name);
	}
	closedir(dir);
}

/*
 * Why a debugfs file may be missing or closed, in a few words.  Lockdown
 * (integrity and up: Secure Boot on Debian) refuses to open any writable
 * debugfs file, even for reading, with a bare EPERM; say so, and what still
 * works.
 */
static const char *open_hint(const char *path, int err)
{
	static char hint[512];
	char level[32];

	if (strncmp(path, debugfs_dir(), strlen(debugfs_dir())))
		return "";
	if (err == ENOENT)
		return " (is memdesc.ko loaded and debugfs mounted?)";
	if (err == EPERM && lockdown_level(level, sizeof(level))) {
		snprintf(hint, sizeof(hint),
			 " (blocked by kernel lockdown (%s): it refuses every writable debugfs file; these read-only ones still work:",
			 level);
		append_readonly_files(hint, sizeof(hint) - 1);
		strcat(hint, ")");
		return hint;
	}
	if (err == EACCES || err == EPERM)
		return " (the memdesc files are root-only)";
	return "";
}

int checked_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		fatal("%s: %s%s", path, strerror(errno), open_hint(path, errno));
	return fd;
}

/*
 * Read @count bytes at @offset, in as many reads as it takes: debugfs hands
 * out less than asked.  Returns the bytes read, fewer only at end of file;
 * an error is fatal.
 */
size_t pread_full(int fd, void *buf, size_t count, uint64_t offset,
		  const char *path)
{
	size_t done = 0;
	ssize_t ret;

	while (done < count) {
		ret = pread(fd, (char *)buf + done, count - done,
			    (off_t)(offset + done));
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			fatal("%s: read at byte %llu: %s", path,
			      (unsigned long long)(offset + done),
			      strerror(errno));
		}
		if (!ret)
			break;
		done += ret;
	}
	return done;
}

/*
 * read_text - a whole text file, NUL-terminated
 *
 * debugfs and /proc files say size 0, so read until EOF, but no further
 * than TEXT_MAX_BYTES.  With @missing_ok, a file that does not exist returns
 * NULL; any other error is fatal.
 */
char *read_text(const char *path, size_t *len, bool missing_ok)
{
	size_t size = 65536, done = 0;
	char *buf;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (missing_ok && errno == ENOENT)
			return NULL;
		fatal("%s: %s%s", path, strerror(errno), open_hint(path, errno));
	}
	buf = xmalloc(size);
	for (;;) {
		if (done + 1 >= size)
			buf = xrealloc(buf, size *= 2);
		ret = read(fd, buf + done, size - done - 1);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			fatal("%s: %s%s", path, strerror(errno),
			      open_hint(path, errno));
		}
		if (!ret)
			break;
		done += ret;
		if (done > TEXT_MAX_BYTES)
			fatal("%s: larger than %u MiB: not a memdesc report",
			      path, TEXT_MAX_BYTES >> 20);
	}
	close(fd);
	if (memchr(buf, '\0', done))
		fatal("%s: not a text file", path);
	buf[done] = '\0';
	if (len)
		*len = done;
	return buf;
}

/* The value of environment variable @var, or @dflt if it is unset or empty. */
const char *env_or(const char *var, const char *dflt)
{
	const char *v = getenv(var);

	return v && *v ? v : dflt;
}

/* The module's debugfs directory: MEMDESC_DEBUGFS, or where the tests say. */
const char *debugfs_dir(void)
{
	return env_or("MEMDESC_DEBUGFS", MEMDESC_DEBUGFS);
}

/* The path of debugfs file @name, to be freed by the caller. */
char *debugfs_path(const char *name)
{
	const char *dir = debugfs_dir();
	char *path = xmalloc(strlen(dir) + strlen(name) + 2);

	sprintf(path, "%s/%s", dir, name);
	return path;
}

/*
 * The text of debugfs file @name, to be freed by the caller; NULL if it is
 * missing and @missing_ok, else an error that says why.
 */
char *debugfs_read(const char *name, bool missing_ok)
{
	char *path = debugfs_path(name), *text;

	text = read_text(path, NULL, missing_ok);
	free(path);
	return text;
}

unsigned int bits_for(uint64_t n)
{
	unsigned int bits = 0;

	if (n <= 2)
		return 1;
	/* order_base_2(n): the smallest b with 2^b >= n */
	while (bits < 64 && ((uint64_t)1 << bits) < n)
		bits++;
	return bits;
}

/* Seconds on the monotonic clock, for timing a read. */
double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
