// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_bench.c - the guest's timer for make bench (tests/vm/bench.sh).
 *
 *   memdesc_bench fault MIB LOOPS	map MIB of anonymous memory, write one
 *					byte a page, unmap; LOOPS times.
 *					Prints "<ns-per-page> <pages>".
 *   memdesc_bench fork N		fork a child that writes one page of
 *					its own and exits, and wait for it; N
 *					times: each makes a process's page
 *					tables, the top level included.
 *					Prints "<ns-per-fork> <forks>".
 *   memdesc_bench read FILE		read FILE to its end in 1 MiB reads
 *					(debugfs files compute as they are
 *					read).  Prints "<ns> <bytes>".
 *   memdesc_bench exec CMD [ARG]...	run CMD with its output discarded.
 *					Prints "<ns> <exit-status>".
 *   memdesc_bench hugetlb [DIR]	put one 1 GiB hugetlb page into a
 *					memfd (MFD_HUGETLB | MFD_HUGE_1GB)
 *					by faulting it in, unmap it, then
 *					truncate the file to 0, which deletes
 *					the folio from the page cache under
 *					xa_lock_irq.  With DIR, a tracefs
 *					directory (make bench-irqsoff), the
 *					truncation alone is traced: "0" goes
 *					to DIR/tracing_max_latency and
 *					DIR/tracing_on just before and after
 *					it.  Prints "<ns> <bytes>" of the
 *					truncation.
 *
 * Times are CLOCK_MONOTONIC.  Under TCG they are emulated time, so only
 * ratios between runs in one boot mean anything.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MEMDESC_BENCH_READ_BUF	(1024 * 1024)
#define MEMDESC_BENCH_GIGANTIC	(1024UL * 1024 * 1024)

/* Older libc headers lack these; the values are the kernel's UAPI. */
#ifndef MFD_HUGETLB
#define MFD_HUGETLB		0x0004U
#endif
#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT		26
#endif
#ifndef MFD_HUGE_1GB
#define MFD_HUGE_1GB		(30U << MFD_HUGE_SHIFT)
#endif

static void __attribute__((noreturn)) fatal(const char *what)
{
	fprintf(stderr, "memdesc_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * MADV_NOHUGEPAGE: with THP a fault maps 2 MiB at once, and the run would
 * time 128 faults instead of 65536.  The question is the 4 KiB fault path.
 */
static int bench_fault(size_t mib, unsigned long loops)
{
	size_t len = mib << 20, page = sysconf(_SC_PAGESIZE), off;
	unsigned long pages = 0, i;
	uint64_t start, ns;

	start = now_ns();
	for (i = 0; i < loops; i++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			fatal("mmap");
		madvise(p, len, MADV_NOHUGEPAGE);
		for (off = 0; off < len; off += page)
			p[off] = 1;
		pages += len / page;
		if (munmap(p, len))
			fatal("munmap");
	}
	ns = now_ns() - start;
	printf("%.1f %lu\n", (double)ns / pages, pages);
	return 0;
}

static int bench_fork(unsigned long n)
{
	unsigned long i;
	uint64_t start, ns;
	int status;
	pid_t pid;

	start = now_ns();
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			fatal("fork");
		if (!pid) {
			char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED)
				p[0] = 1;
			_exit(p == MAP_FAILED);
		}
		if (waitpid(pid, &status, 0) != pid)
			fatal("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			errno = ECHILD;
			fatal("child");
		}
	}
	ns = now_ns() - start;
	printf("%.1f %lu\n", (double)ns / n, n);
	return 0;
}

static int bench_read(const char *path)
{
	char *buf = malloc(MEMDESC_BENCH_READ_BUF);
	unsigned long long bytes = 0;
	uint64_t start, ns;
	ssize_t got;
	int fd;

	if (!buf)
		fatal("malloc");
	start = now_ns();
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fatal(path);
	while ((got = read(fd, buf, MEMDESC_BENCH_READ_BUF)) > 0)
		bytes += got;
	if (got < 0)
		fatal(path);
	close(fd);
	ns = now_ns() - start;
	printf("%llu %llu\n", (unsigned long long)ns, bytes);
	free(buf);
	return 0;
}

static int bench_exec(char **argv)
{
	uint64_t start, ns;
	int status;
	pid_t pid;

	start = now_ns();
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		fatal("waitpid");
	ns = now_ns() - start;
	printf("%llu %d\n", (unsigned long long)ns,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}

/* Write @val to @dir/@name: a tracefs control file. */
static void write_tracefs(const char *dir, const char *name, const char *val)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		fatal(path);
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		fatal(path);
	close(fd);
}

/*
 * One gigantic folio into a hugetlbfs file and out again.  The fault
 * allocates it from the pool (nr_hugepages of hugepages-1048576kB must be
 * at least 1) and adds it to the page cache; ftruncate() to 0 removes it
 * with mm_filemap_delete_from_page_cache firing under the mapping's
 * xa_lock_irq, which is the step timed, and returns it to the pool.
 */
static int bench_hugetlb(const char *tracefs)
{
	uint64_t start, ns;
	char *p;
	int fd;

	fd = syscall(SYS_memfd_create, "memdesc_bench",
		     MFD_HUGETLB | MFD_HUGE_1GB);
	if (fd < 0)
		fatal("memfd_create(MFD_HUGETLB | MFD_HUGE_1GB)");
	if (ftruncate(fd, MEMDESC_BENCH_GIGANTIC))
		fatal("ftruncate 1 GiB");
	p = mmap(NULL, MEMDESC_BENCH_GIGANTIC, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		fatal("mmap 1 GiB hugetlb");
	p[0] = 1;
	if (munmap(p, MEMDESC_BENCH_GIGANTIC))
		fatal("munmap");
	if (tracefs) {
		write_tracefs(tracefs, "tracing_max_latency", "0\n");
		write_tracefs(tracefs, "tracing_on", "1\n");
	}
	start = now_ns();
	if (ftruncate(fd, 0))
		fatal("ftruncate 0");
	ns = now_ns() - start;
	if (tracefs)
		write_tracefs(tracefs, "tracing_on", "0\n");
	close(fd);
	printf("%llu %lu\n", (unsigned long long)ns, MEMDESC_BENCH_GIGANTIC);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "fault"))
		return bench_fault(strtoul(argv[2], NULL, 0),
				   strtoul(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "fork"))
		return bench_fork(strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "read"))
		return bench_read(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "exec"))
		return bench_exec(argv + 2);
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "hugetlb"))
		return bench_hugetlb(argc == 3 ? argv[2] : NULL);
	fprintf(stderr,
		"usage: memdesc_bench fault MIB LOOPS | fork N | read FILE | exec CMD [ARG]... | hugetlb [DIR]\n");
	return 2;
}
