/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mixed workload of the fidelity test: every kind of memory the shadow
 * should learn, some of it kept resident while compare runs so each type
 * has a population to agree on, and the kernel paths that change pages
 * behind the events' backs (compaction, memory offlining, KSM, THP).
 *
 * Steps the kernel cannot take here (no THP allocated, no block could be
 * offlined, KSM merged nothing) are reported in struct md_mixed, never
 * fatal: the compare is judged on what did happen.
 */
#ifndef _MEMDESC_MIXED_H
#define _MEMDESC_MIXED_H

#include <dirent.h>
#include <sys/mount.h>

#include "memdesc_vm.h"

#define MD_THP_BYTES	(32 * MD_MIB)
#define MD_KSM_PAGES	512
#define MD_HUGETLB	8		/* 2 MiB pages */
#define MD_SLAB_FILES	20000
#define MD_RAMFS	"/tmp/memdesc-ramfs"

/**
 * struct md_mixed - what the mixed workload holds and did
 * @thp:	THP-backed anonymous region, kept mapped
 * @ksm:	identical pages under MADV_MERGEABLE, kept mapped
 * @hugetlb:	MAP_HUGETLB region, kept mapped (NULL if none reserved)
 * @ksm_sharing: /sys/kernel/mm/ksm/pages_sharing after the wait
 * @thp_kb:	AnonHugePages from /proc/meminfo, kB
 * @hugetlb_pages: hugetlb pages reserved
 * @blocks:	memory blocks taken offline and online again
 * @base:	the order-0 workload (anon, forks, tmpfs)
 */
struct md_mixed {
	char *thp;
	char *ksm;
	char *hugetlb;
	unsigned long ksm_sharing;
	unsigned long thp_kb;
	unsigned long hugetlb_pages;
	unsigned int blocks;
	struct md_workload base;
};

/* A 2 MiB-aligned anonymous region with THP asked for, touched. */
static inline char *md_thp_region(size_t bytes)
{
	size_t align = 2 * MD_MIB, off;
	char *raw, *p;

	md_write_file("/sys/kernel/mm/transparent_hugepage/enabled", "always");
	raw = mmap(NULL, bytes + align, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	madvise(p, bytes, MADV_HUGEPAGE);
	for (off = 0; off < bytes; off += 4096)
		p[off] = 1;
	return p;
}

/* Identical pages offered to KSM; wait (bounded) for it to merge some. */
static inline char *md_ksm_region(unsigned long *sharing)
{
	size_t bytes = MD_KSM_PAGES * 4096UL;
	unsigned int tries;
	char *p;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, bytes, MADV_NOHUGEPAGE);
	memset(p, 0x6b, bytes);
	if (madvise(p, bytes, MADV_MERGEABLE))
		return p;
	md_write_file("/sys/kernel/mm/ksm/pages_to_scan", "5000");
	md_write_file("/sys/kernel/mm/ksm/sleep_millisecs", "10");
	md_write_file("/sys/kernel/mm/ksm/run", "1");
	for (tries = 0; tries < 100; tries++) {
		*sharing = md_read_ulong("/sys/kernel/mm/ksm/pages_sharing", 10);
		if (*sharing >= MD_KSM_PAGES / 2)
			break;
		usleep(200 * 1000);
	}
	/* Stop scanning: the compare should see a settled state. */
	md_write_file("/sys/kernel/mm/ksm/run", "0");
	return p;
}

static inline char *md_hugetlb_region(unsigned long *reserved)
{
	size_t bytes = MD_HUGETLB * 2 * MD_MIB, off;
	char *p;

	md_write_file("/proc/sys/vm/nr_hugepages", "16");
	*reserved = md_read_ulong("/proc/sys/vm/nr_hugepages", 10);
	if (*reserved < MD_HUGETLB)
		return NULL;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	for (off = 0; off < bytes; off += 4096)
		p[off] = 1;
	return p;
}

/* Dentries and inodes: slab pages made and freed. */
static inline int md_slab_churn(const char *dir)
{
	char path[PATH_MAX];
	unsigned int i;
	int fd;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	for (i = 0; i < MD_SLAB_FILES; i++) {
		snprintf(path, sizeof(path), "%s/%u", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	/* Free half: partially empty slabs stay, empty ones go. */
	for (i = 0; i < MD_SLAB_FILES; i += 2) {
		snprintf(path, sizeof(path), "%s/%u", dir, i);
		unlink(path);
	}
	return 0;
}

/* Page cache of a non-shmem filesystem (ramfs): filemap add events. */
static inline int md_ramfs_file(void)
{
	static char buf[1 << 16];
	int fd, i;

	if (mkdir(MD_RAMFS, 0700) && errno != EEXIST)
		return -errno;
	if (mount("none", MD_RAMFS, "ramfs", 0, NULL) && errno != EBUSY)
		return -errno;
	fd = open(MD_RAMFS "/data", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	memset(buf, 0x3c, sizeof(buf));
	for (i = 0; i < 256; i++)	/* 16 MiB */
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			break;
	close(fd);
	return 0;
}

/*
 * Take memory blocks offline and online again, highest first (the likeliest
 * to hold only movable or free pages); up to @max blocks.  Offlining
 * migrates what it can, so this exercises migration too.
 */
static inline unsigned int md_memory_blocks(unsigned int max)
{
	char path[PATH_MAX];
	unsigned int done = 0;
	int n, block = -1;
	struct dirent *de;
	DIR *d;

	d = opendir("/sys/devices/system/memory");
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "memory%d", &n) == 1 && n > block)
			block = n;
	closedir(d);
	for (; block > 0 && done < max; block--) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/memory/memory%d/state", block);
		if (md_write_file(path, "offline"))
			continue;
		if (md_write_file(path, "online"))
			break;		/* leave it: the compare will show it */
		done++;
	}
	return done;
}

/**
 * md_mixed_workload - run every step, keep the resident parts mapped
 * @m:		filled in; md_mixed_release() it afterwards
 *
 * Return: 0, or -errno of a step that must not fail (the base workload,
 * slab churn, ramfs).
 */
static inline int md_mixed_workload(struct md_mixed *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	err = md_workload(&m->base, 4 * 192 * MD_MIB, 8, 16 * MD_MIB, "/tmp",
			  2);
	if (err)
		return err;
	err = md_slab_churn("/tmp/memdesc-slab");
	if (err)
		return err;
	err = md_ramfs_file();
	if (err)
		return err;
	m->thp = md_thp_region(MD_THP_BYTES);
	/* No THP (PREEMPT_RT): no AnonHugePages line. */
	m->thp_kb = md_meminfo_kb("AnonHugePages") > 0 ?
		     md_meminfo_kb("AnonHugePages") : 0;
	m->ksm = md_ksm_region(&m->ksm_sharing);
	m->hugetlb = md_hugetlb_region(&m->hugetlb_pages);
	m->blocks = md_memory_blocks(2);
	md_write_file("/proc/sys/vm/compact_memory", "1");
	return 0;
}

/* Unmap, unmerge, give back hugetlb pages, remove files. */
static inline void md_mixed_release(struct md_mixed *m)
{
	char path[PATH_MAX];
	unsigned int i;

	if (m->thp)
		munmap(m->thp, MD_THP_BYTES);
	if (m->ksm)
		munmap(m->ksm, MD_KSM_PAGES * 4096UL);
	md_write_file("/sys/kernel/mm/ksm/run", "2");
	if (m->hugetlb)
		munmap(m->hugetlb, MD_HUGETLB * 2 * MD_MIB);
	md_write_file("/proc/sys/vm/nr_hugepages", "0");
	for (i = 1; i < MD_SLAB_FILES; i += 2) {
		snprintf(path, sizeof(path), "/tmp/memdesc-slab/%u", i);
		unlink(path);
	}
	rmdir("/tmp/memdesc-slab");
	unlink(MD_RAMFS "/data");
	umount(MD_RAMFS);
}

#endif /* _MEMDESC_MIXED_H */
