/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what the fuzz targets share (fuzz.c): memdesc-stat, its own
 * code, run as many times as libFuzzer asks in one process.
 *
 * The tool ends on any error: fatal() says why and calls exit().  Its
 * objects are linked here with their calls of exit(), of the allocators,
 * of mmap(), of open(), mkstemp() and close(), and of the stdio functions
 * that open and close streams or print, renamed to fuzz_*() (objcopy
 * --redefine-syms=redefine.syms, run.sh), so that:
 *
 *   - exit() returns to the target, through longjmp(), with the status;
 *   - what a run that ended so left behind (memory, mappings, streams,
 *     file descriptors) is released before the next input, as the end of
 *     the process would have released it;
 *   - what a run that returned left behind is a finding: memory through
 *     LeakSanitizer, which sees no pointer to it here, the rest here;
 *   - the tool's standard output and error go to /dev/null
 *     (FUZZ_VERBOSE=1 keeps its error messages).
 *
 * A target writes its input where the tool reads it (fuzz_write()), in a
 * directory of its own (fuzz_path()), and runs command lines on it.
 */
#ifndef _MEMDESC_FUZZ_H
#define _MEMDESC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "util.h"

/* The tool's standard output and error: /dev/null, or stderr for errors. */
extern FILE *fuzz_stdout;
extern FILE *fuzz_stderr;

/* libFuzzer's entry points, which every target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void fuzz_init(void);
const char *fuzz_path(const char *name);
void fuzz_write(const char *name, const void *data, size_t len);
void fuzz_remove(const char *name);
int fuzz_stat(const char *cmdline);
int fuzz_call(void (*fn)(void *arg), void *arg);
__noreturn void fuzz_finding(const char *what, const char *cmdline);

/*
 * What the tool's objects call instead of the C library's functions of
 * the same names (redefine.syms).
 */
void *fuzz_malloc(size_t size);
void *fuzz_calloc(size_t nmemb, size_t size);
void *fuzz_realloc(void *ptr, size_t size);
void fuzz_free(void *ptr);
__noreturn void fuzz_exit(int status);
void *fuzz_mmap(void *addr, size_t len, int prot, int flags, int fd,
		off_t off);
int fuzz_munmap(void *addr, size_t len);
FILE *fuzz_fopen(const char *path, const char *mode);
FILE *fuzz_fdopen(int fd, const char *mode);
FILE *fuzz_open_memstream(char **buf, size_t *len);
int fuzz_fclose(FILE *f);
int fuzz_printf(const char *fmt, ...);
int fuzz_open(const char *path, int flags, ...);
int fuzz_mkstemp(char *template);
int fuzz_close(int fd);

#endif /* _MEMDESC_FUZZ_H */
