// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/memdesc/: a thin skin over memdesc_report.c.
 *
 * debugfs is not ABI; everything here only opens a report, so another front
 * end can reuse the reports unchanged.  Files are root-only: the shadow is a
 * map of physical memory.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include "memdesc.h"

/*
 * The reports walk every PFN.  single_open() would start with one page and
 * re-run the whole walk each time the output outgrew the buffer, so start
 * with room for the largest report (the full compare matrix is ~10 KiB).
 */
#define MEMDESC_REPORT_BUF	(64 * 1024)

static struct dentry *memdesc_dir;

#define MEMDESC_REPORT_FILE(name)					\
static int memdesc_##name##_show(struct seq_file *m, void *v)		\
{									\
	return memdesc_report_##name(m);				\
}									\
									\
static int memdesc_##name##_open(struct inode *inode, struct file *file) \
{									\
	return single_open_size(file, memdesc_##name##_show, NULL,	\
				MEMDESC_REPORT_BUF);			\
}									\
									\
static const struct file_operations memdesc_##name##_fops = {		\
	.owner		= THIS_MODULE,					\
	.open		= memdesc_##name##_open,			\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

MEMDESC_REPORT_FILE(summary);
MEMDESC_REPORT_FILE(compare);
MEMDESC_REPORT_FILE(stats);

/**
 * memdesc_debugfs_init - create /sys/kernel/debug/memdesc and its files
 *
 * Return: 0, or -ENODEV if debugfs is not available (not built in, or
 * disabled with debugfs=off).
 */
int memdesc_debugfs_init(void)
{
	if (!debugfs_initialized()) {
		pr_err("debugfs is not available\n");
		return -ENODEV;
	}
	memdesc_dir = debugfs_create_dir("memdesc", NULL);
	if (IS_ERR(memdesc_dir)) {
		pr_err("cannot create debugfs directory: %ld\n",
		       PTR_ERR(memdesc_dir));
		return -ENODEV;
	}
	debugfs_create_file("summary", 0400, memdesc_dir, NULL,
			    &memdesc_summary_fops);
	debugfs_create_file("compare", 0400, memdesc_dir, NULL,
			    &memdesc_compare_fops);
	debugfs_create_file("stats", 0400, memdesc_dir, NULL,
			    &memdesc_stats_fops);
	return 0;
}

/**
 * memdesc_debugfs_exit - remove the files; waits for readers to leave
 */
void memdesc_debugfs_exit(void)
{
	debugfs_remove(memdesc_dir);
	memdesc_dir = NULL;
}
