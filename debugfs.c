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
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

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
MEMDESC_REPORT_FILE(transitions);
MEMDESC_REPORT_FILE(projection);
MEMDESC_REPORT_FILE(layout);
MEMDESC_REPORT_FILE(sections);

/* === shadow: the raw array, for tools === */

static ssize_t memdesc_raw_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	return memdesc_shadow_copy(ubuf, count, ppos);
}

static loff_t memdesc_raw_size(void)
{
	return (loff_t)memdesc_shadow_pfns() * sizeof(u64);
}

static loff_t memdesc_raw_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, memdesc_raw_size());
}

/* The size follows memory hotplug; fstat() after open sees the current one. */
static int memdesc_raw_open(struct inode *inode, struct file *file)
{
	inode_lock(inode);
	i_size_write(inode, memdesc_raw_size());
	inode_unlock(inode);
	return 0;
}

static const struct file_operations memdesc_raw_fops = {
	.owner		= THIS_MODULE,
	.open		= memdesc_raw_open,
	.read		= memdesc_raw_read,
	.llseek		= memdesc_raw_llseek,
};

/*
 * memdesc_user_input - copy a short command from user space
 *
 * One write is one command: no partial writes at an offset, nothing empty,
 * nothing longer than @size - 1.  The result is NUL-terminated and stripped
 * of surrounding white space.
 */
static int memdesc_user_input(const char __user *ubuf, size_t count,
			      loff_t *ppos, char *buf, size_t size)
{
	char *trimmed;

	if (*ppos || !count || count >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	/* strim() cuts the tail in place but skips the head by its return. */
	trimmed = strim(buf);
	memmove(buf, trimmed, strlen(trimmed) + 1);
	return 0;
}

/* === pfn: select one PFN, read its words === */

/* The selected PFN; the first listed PFN until a write picks another. */
static unsigned long memdesc_pfn_selected;
static bool memdesc_pfn_chosen;
static DEFINE_MUTEX(memdesc_pfn_lock);

static int memdesc_pfn_show(struct seq_file *m, void *v)
{
	unsigned long pfn;

	mutex_lock(&memdesc_pfn_lock);
	pfn = memdesc_pfn_chosen ? memdesc_pfn_selected :
				   memdesc_shadow_first_pfn();
	mutex_unlock(&memdesc_pfn_lock);
	return memdesc_report_pfn(m, pfn);
}

static int memdesc_pfn_open(struct inode *inode, struct file *file)
{
	return single_open(file, memdesc_pfn_show, NULL);
}

/* Decimal, or hexadecimal with 0x: a leading 0 is not octal here. */
static int memdesc_parse_pfn(const char *s, unsigned long *pfn)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return kstrtoul(s + 2, 16, pfn);
	return kstrtoul(s, 10, pfn);
}

static ssize_t memdesc_pfn_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned long pfn;
	char buf[32];
	int err;

	err = memdesc_user_input(ubuf, count, ppos, buf, sizeof(buf));
	/* Any PFN with a struct page: offline memory reads as a hole. */
	if (!err && (memdesc_parse_pfn(buf, &pfn) || !memdesc_shadow_pfn_valid(pfn)))
		err = -EINVAL;
	if (err) {
		pr_warn_ratelimited("pfn: want a PFN of present memory, in decimal or 0x hex\n");
		return err;
	}
	mutex_lock(&memdesc_pfn_lock);
	memdesc_pfn_selected = pfn;
	memdesc_pfn_chosen = true;
	mutex_unlock(&memdesc_pfn_lock);
	return count;
}

static const struct file_operations memdesc_pfn_fops = {
	.owner		= THIS_MODULE,
	.open		= memdesc_pfn_open,
	.read		= seq_read,
	.write		= memdesc_pfn_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/*
 * === pfn_at: the same report, the file offset choosing the PFN ===
 *
 * Kernel lockdown (integrity and up, as Secure Boot brings on Debian)
 * refuses to open a debugfs file that is writable, even for reading, so
 * "pfn" is closed there.  This file is read-only: pread() at offset PFN
 * returns that PFN's report, whole, and moves the offset to the next PFN,
 * as page_owner's file does.  A PFN without a struct page is an error, not
 * the next PFN's report: a query names one PFN.
 */

/* One report: the words, the flags and an owner's stack of a few frames. */
#define MEMDESC_PFN_REPORT_BUF	4096

static ssize_t memdesc_pfn_at_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct seq_file m = { .size = MEMDESC_PFN_REPORT_BUF };
	unsigned long pfn = *ppos;
	ssize_t ret;

	if (*ppos < 0 || !memdesc_shadow_pfn_valid(pfn)) {
		pr_warn_ratelimited("pfn_at: offset %lld is not a PFN of present memory\n",
				    *ppos);
		return -EINVAL;
	}
	m.buf = memdesc_kvmalloc(1, m.size, GFP_KERNEL, NUMA_NO_NODE);
	if (!m.buf)
		return -ENOMEM;
	ret = memdesc_report_pfn(&m, pfn);
	if (!ret && seq_has_overflowed(&m))
		ret = -EOVERFLOW;
	/* Whole or not at all: a cut report would read as a shorter one. */
	if (!ret && m.count > count)
		ret = -EINVAL;
	if (!ret)
		ret = copy_to_user(ubuf, m.buf, m.count) ? -EFAULT : m.count;
	if (ret > 0)
		*ppos = pfn + 1;
	memdesc_kvfree(m.buf);
	return ret;
}

static const struct file_operations memdesc_pfn_at_fops = {
	.owner		= THIS_MODULE,
	.read		= memdesc_pfn_at_read,
	.llseek		= default_llseek,
};

/* === mismatches: the persistent disagreements of a compare run at open === */

/* Cursor is index + 1, so that NULL ends the walk and index 0 is valid. */
static void *memdesc_mis_start(struct seq_file *m, loff_t *pos)
{
	if (*pos == 0)
		seq_puts(m, "# mismatch pfn fields shadow-word class order live-word class order owner site\n");
	if (*pos >= memdesc_compare_nr_mismatches(m->private))
		return NULL;
	return (void *)(uintptr_t)(*pos + 1);
}

static void *memdesc_mis_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return memdesc_mis_start(m, pos);
}

static void memdesc_mis_stop(struct seq_file *m, void *v)
{
}

static int memdesc_mis_show(struct seq_file *m, void *v)
{
	memdesc_report_mismatch(m, m->private, (uintptr_t)v - 1);
	return 0;
}

static const struct seq_operations memdesc_mis_sops = {
	.start	= memdesc_mis_start,
	.next	= memdesc_mis_next,
	.stop	= memdesc_mis_stop,
	.show	= memdesc_mis_show,
};

static int memdesc_mis_open(struct inode *inode, struct file *file)
{
	struct memdesc_compare *c = memdesc_compare_run();
	int err;

	if (IS_ERR(c))
		return PTR_ERR(c);
	err = seq_open(file, &memdesc_mis_sops);
	if (err) {
		memdesc_compare_free(c);
		return err;
	}
	((struct seq_file *)file->private_data)->private = c;
	return 0;
}

static int memdesc_mis_release(struct inode *inode, struct file *file)
{
	memdesc_compare_free(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct file_operations memdesc_mis_fops = {
	.owner		= THIS_MODULE,
	.open		= memdesc_mis_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= memdesc_mis_release,
};

/* === owners: the census by allocation site, taken at open === */

/*
 * Positions: 0 the head, then one per site, then one stack record per
 * handle.  Without owners, only the head.  Cursor is position + 1.
 */
static void *memdesc_owners_seq_start(struct seq_file *m, loff_t *pos)
{
	const struct memdesc_owner_census *c = m->private;
	loff_t end = c ? 1 + c->nr + c->nr_handles : 1;

	if (*pos >= end)
		return NULL;
	return (void *)(uintptr_t)(*pos + 1);
}

static void *memdesc_owners_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return memdesc_owners_seq_start(m, pos);
}

static void memdesc_owners_seq_stop(struct seq_file *m, void *v)
{
}

static int memdesc_owners_seq_show(struct seq_file *m, void *v)
{
	const struct memdesc_owner_census *c = m->private;
	unsigned long i = (uintptr_t)v - 1;

	if (!i) {
		memdesc_report_owners_head(m, c);
	} else if (i <= c->nr) {
		memdesc_report_owner_site(m, &c->sites[i - 1]);
	} else {
		if (i == c->nr + 1)
			seq_puts(m, "# stack handle frames frame...\n");
		memdesc_report_owner_stack(m, c->handles[i - 1 - c->nr]);
	}
	return 0;
}

static const struct seq_operations memdesc_owners_sops = {
	.start	= memdesc_owners_seq_start,
	.next	= memdesc_owners_seq_next,
	.stop	= memdesc_owners_seq_stop,
	.show	= memdesc_owners_seq_show,
};

static int memdesc_owners_open(struct inode *inode, struct file *file)
{
	struct memdesc_owner_census *c = memdesc_owners_census();
	int err;

	if (IS_ERR(c)) {
		if (PTR_ERR(c) != -ENODATA)
			return PTR_ERR(c);
		c = NULL;
	}
	err = seq_open(file, &memdesc_owners_sops);
	if (err) {
		memdesc_owners_census_free(c);
		return err;
	}
	((struct seq_file *)file->private_data)->private = c;
	return 0;
}

static int memdesc_owners_release(struct inode *inode, struct file *file)
{
	memdesc_owners_census_free(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct file_operations memdesc_owners_fops = {
	.owner		= THIS_MODULE,
	.open		= memdesc_owners_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= memdesc_owners_release,
};

/* === control: resync, reset, enable, disable, owners on|off === */

static DEFINE_MUTEX(memdesc_control_lock);

static int memdesc_control(const char *cmd)
{
	if (!strcmp(cmd, "resync"))
		return memdesc_sync_resync();
	if (!strcmp(cmd, "reset")) {
		memdesc_stats_reset();
		return 0;
	}
	if (!strcmp(cmd, "disable")) {
		memdesc_probes_track(false);
		return 0;
	}
	/* Events were missed while tracking was off: start from live. */
	if (!strcmp(cmd, "enable")) {
		memdesc_probes_track(true);
		return memdesc_sync_resync();
	}
	if (!strcmp(cmd, "owners on"))
		return memdesc_owners_start();
	if (!strcmp(cmd, "owners off")) {
		memdesc_owners_stop();
		return 0;
	}
	return -EINVAL;
}

static ssize_t memdesc_control_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	char buf[16];
	int err;

	err = memdesc_user_input(ubuf, count, ppos, buf, sizeof(buf));
	if (!err) {
		mutex_lock(&memdesc_control_lock);
		err = memdesc_control(buf);
		mutex_unlock(&memdesc_control_lock);
	}
	if (err == -EINVAL)
		pr_warn_ratelimited("control: want one of resync, reset, enable, disable, owners on, owners off\n");
	return err ? err : count;
}

static const struct file_operations memdesc_control_fops = {
	.owner		= THIS_MODULE,
	.write		= memdesc_control_write,
	.llseek		= noop_llseek,
};

/* Every file but shadow; root-only, writable only where a command goes in. */
static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} memdesc_files[] = {
	{ "summary",	 0400, &memdesc_summary_fops },
	{ "compare",	 0400, &memdesc_compare_fops },
	{ "stats",	 0400, &memdesc_stats_fops },
	{ "mismatches",	 0400, &memdesc_mis_fops },
	{ "transitions", 0400, &memdesc_transitions_fops },
	{ "projection",	 0400, &memdesc_projection_fops },
	{ "layout",	 0400, &memdesc_layout_fops },
	{ "sections",	 0400, &memdesc_sections_fops },
	{ "owners",	 0400, &memdesc_owners_fops },
	{ "pfn",	 0600, &memdesc_pfn_fops },
	{ "pfn_at",	 0400, &memdesc_pfn_at_fops },
	{ "control",	 0200, &memdesc_control_fops },
};

/**
 * memdesc_debugfs_init - create /sys/kernel/debug/memdesc and its files
 *
 * Return: 0, -ENODEV if debugfs is not available (not built in, or
 * disabled with debugfs=off), or the error creating the directory.
 */
int memdesc_debugfs_init(void)
{
	int i;

	if (!debugfs_initialized()) {
		pr_err("debugfs is not available\n");
		return -ENODEV;
	}
	memdesc_dir = memdesc_fail_alloc() ? ERR_PTR(-ENOMEM) :
		      debugfs_create_dir("memdesc", NULL);
	if (IS_ERR(memdesc_dir)) {
		pr_err("cannot create debugfs directory: %ld\n",
		       PTR_ERR(memdesc_dir));
		return PTR_ERR(memdesc_dir);
	}
	for (i = 0; i < ARRAY_SIZE(memdesc_files); i++)
		debugfs_create_file(memdesc_files[i].name,
				    memdesc_files[i].mode, memdesc_dir, NULL,
				    memdesc_files[i].fops);
	/* Sized, so tools can stat() it and seek from the end. */
	debugfs_create_file_size("shadow", 0400, memdesc_dir, NULL,
				 &memdesc_raw_fops, memdesc_raw_size());
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
