// SPDX-License-Identifier: GPL-2.0
/*
 * Injected events: a store as a probe makes it, with arguments a test
 * chooses, for the tests.
 *
 * The store path takes orders and pages from racy reads of struct page and
 * from kprobed registers; what it must do with an order no page can have,
 * or with a gigantic event landing while a resync is in a coarse block,
 * cannot be asked of the kernel on demand.  The test-only parameter inject
 * (/sys/module/memdesc/parameters/inject, root's only, write-only) takes
 *
 *	EVENT PFN ORDER CLASS
 *
 * and stores, as event EVENT (a name stats prints) would from a probe, a
 * word of class CLASS (a page class: driver, file, free, ...) for the
 * block of order ORDER at PFN, which must have an online struct page.
 * ORDER is passed on as it is, so that the store's own checks are what a
 * test exercises; the word's order field gets its low bits.  Like fail_nth
 * and testpoint, this is for the tests: a write corrupts the shadow on
 * purpose, until the next event or resync.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/kernel.h>
#include <linux/memory_hotplug.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "memdesc.h"

/* The type and subtype of page class @class; false if it is no page's. */
static bool memdesc_inject_kind(unsigned int class, unsigned int *type,
				unsigned int *subtype)
{
	if (class <= MEMDESC_CLASS_VMALLOC_UNMAP) {
		*type = MEMDESC_TYPE_MISC;
		*subtype = class - MEMDESC_CLASS_DRIVER;
		return true;
	}
	if (class >= MEMDESC_CLASS_FILE && class <= MEMDESC_CLASS_HWPOISON) {
		*type = class - MEMDESC_CLASS_FILE + MEMDESC_TYPE_FILE;
		*subtype = 0;
		return true;
	}
	return false;
}

/* A page class by name, or MEMDESC_NR_CLASSES. */
static unsigned int memdesc_inject_class(const char *name)
{
	unsigned int class;

	for (class = 0; class < MEMDESC_NR_CLASSES; class++)
		if (!strcmp(name, memdesc_class_name(class)))
			return class;
	return MEMDESC_NR_CLASSES;
}

/* Decimal, or hexadecimal with 0x, as the pfn file takes a PFN. */
static int memdesc_inject_pfn(const char *s, unsigned long *pfn)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return kstrtoul(s + 2, 16, pfn);
	return kstrtoul(s, 10, pfn);
}

/* The store, in a probe's context: preemption off, an RCU-sched reader. */
static void memdesc_inject_store(struct page *page, unsigned int order,
				 unsigned int type, unsigned int subtype,
				 enum memdesc_stat event)
{
	u64 word;

	rcu_read_lock_sched();
	word = __memdesc_pack(type, subtype, order & MEMDESC_ORDER_MAX,
			      page_zonenum(page), page_to_nid(page));
	memdesc_shadow_set_block(page, order, word, event);
	rcu_read_unlock_sched();
}

static int memdesc_inject_set(const char *val, const struct kernel_param *kp)
{
	char buf[96], *cur = buf, *tok[4];
	unsigned int i, order, class, type, subtype;
	enum memdesc_stat event;
	unsigned long pfn;
	struct page *page;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		goto bad;
	for (i = 0; i < ARRAY_SIZE(tok); i++) {
		do {
			tok[i] = strsep(&cur, " \t\n");
		} while (tok[i] && !*tok[i]);
		if (!tok[i])
			goto bad;
	}
	if (cur && *skip_spaces(cur))
		goto bad;
	event = memdesc_event_by_name(tok[0]);
	class = memdesc_inject_class(tok[3]);
	if (event == MEMDESC_NR_EVENTS || memdesc_inject_pfn(tok[1], &pfn) ||
	    kstrtouint(tok[2], 10, &order) ||
	    !memdesc_inject_kind(class, &type, &subtype))
		goto bad;
	page = pfn_to_online_page(pfn);
	if (!page) {
		pr_warn_ratelimited("inject: PFN %lu has no online struct page\n",
				    pfn);
		return -EINVAL;
	}
	memdesc_inject_store(page, order, type, subtype, event);
	return 0;
bad:
	pr_warn_ratelimited("inject: want \"EVENT PFN ORDER CLASS\"\n");
	return -EINVAL;
}

static const struct kernel_param_ops memdesc_inject_ops = {
	.set	= memdesc_inject_set,
};

module_param_cb(inject, &memdesc_inject_ops, NULL, 0200);
MODULE_PARM_DESC(inject,
		 "Test only: \"EVENT PFN ORDER CLASS\" stores a word as that event's probe would");
