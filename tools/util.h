/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memdesc-stat: the small helpers every part of the tool calls (util.c).
 *
 * Errors end the program: fatal() says what is wrong, removes the temporary
 * files registered with temp_add(), and exits 1, so no caller checks for a
 * NULL from the x*alloc() family or a short read from pread_full() other
 * than at end of file.  These helpers know nothing of
 * snapshots or reports; they sit below everything else in the tool.
 */
#ifndef _MEMDESC_STAT_UTIL_H
#define _MEMDESC_STAT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Where the live system is read from; the environment variables of the
 * same names point elsewhere (the tests use them).
 */
#define MEMDESC_DEBUGFS		"/sys/kernel/debug/memdesc"
#define MEMDESC_LOCKDOWN	"/sys/kernel/security/lockdown"
#define MEMDESC_ZONEINFO	"/proc/zoneinfo"
#define MEMDESC_BOOT_ID		"/proc/sys/kernel/random/boot_id"

/*
 * The most a text file or a snapshot's text section may hold: the largest
 * report a module writes (the sections file of a 64 TiB machine) is a few
 * tens of MiB.  Anything larger is refused, so that no input can make the
 * tool read without end (a FIFO, /dev/zero).
 */
#define TEXT_MAX_BYTES		(256U << 20)

/* The kernel's attribute spellings, as tools/include/linux/compiler.h has them. */
#define __noreturn		__attribute__((__noreturn__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __maybe_unused		__attribute__((__unused__))

/* The program's name, for the start of every message. */
extern const char *prog_name;

__printf(1, 2) __noreturn void fatal(const char *fmt, ...);
__printf(3, 4) __noreturn void fatal_at(const char *source, unsigned int line,
					const char *fmt, ...);
__printf(3, 0) __noreturn void vfatal_at(const char *source, unsigned int line,
					 const char *fmt, va_list ap);
__printf(1, 2) void print_warning(const char *fmt, ...);
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
int checked_open(const char *path, int flags);
size_t pread_full(int fd, void *buf, size_t count, uint64_t offset,
		  const char *path);
char *read_text(const char *path, size_t *len, bool missing_ok);
void temp_add(const char *path);
void temp_done(const char *path, bool remove);
const char *env_or(const char *var, const char *dflt);
const char *debugfs_dir(void);
char *debugfs_path(const char *name);
char *debugfs_read(const char *name, bool missing_ok);

double now_seconds(void);

/* Bits to hold every value below @n, at least 1: the module's memdesc_bits(). */
unsigned int bits_for(uint64_t n);

#endif /* _MEMDESC_STAT_UTIL_H */
