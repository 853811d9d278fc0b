// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation the module makes, in one place, for two reasons.
 *
 * Fault injection: Debian's kernels have no CONFIG_FAULT_INJECTION, so
 * failslab cannot fail the module's allocations for its tests.  The test
 * parameter fail_nth fails the Nth allocation from the load, or from the
 * write that sets it, once.  allocs counts the allocations made from the
 * same point, so a test learns how many sites a load passes through
 * instead of expecting a count by hand.
 *
 * Accounting: the live allocations, by where they came from (slab, vmalloc,
 * whole pages), are counted, and the exit path prints what is still out
 * once everything has been freed.  Slab and MemFree totals cannot see a
 * leak of a few objects; this can.
 *
 * Nothing here runs in a probe: probes never allocate.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "memdesc.h"

/* Test only: 1-based allocation to fail; 0, none. */
static unsigned int fail_nth;
/* Allocations since the load or the last write of fail_nth. */
static atomic_t memdesc_allocs = ATOMIC_INIT(0);

static atomic_long_t memdesc_live_slab = ATOMIC_LONG_INIT(0);
static atomic_long_t memdesc_live_vmalloc = ATOMIC_LONG_INIT(0);
static atomic_long_t memdesc_live_pages = ATOMIC_LONG_INIT(0);

static int memdesc_fail_nth_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_uint(val, kp);

	if (!err)
		atomic_set(&memdesc_allocs, 0);
	return err;
}

static const struct kernel_param_ops memdesc_fail_nth_ops = {
	.set	= memdesc_fail_nth_set,
	.get	= param_get_uint,
};

module_param_cb(fail_nth, &memdesc_fail_nth_ops, &fail_nth, 0644);
MODULE_PARM_DESC(fail_nth,
		 "Test only: fail the Nth allocation from the load or from this write on (1-based; default 0, none)");

static int memdesc_allocs_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&memdesc_allocs));
}

static const struct kernel_param_ops memdesc_allocs_ops = {
	.get	= memdesc_allocs_get,
};

module_param_cb(allocs, &memdesc_allocs_ops, NULL, 0444);
MODULE_PARM_DESC(allocs,
		 "Test only: allocations made since the load or the last write of fail_nth");

/**
 * memdesc_fail_alloc - whether an allocation should fail, for the tests
 *
 * Called by every allocator below, and by the one place that creates an
 * object the module does not allocate itself (its debugfs directory).
 * Counts the call.
 *
 * Return: true if this is the allocation fail_nth names; fail_nth is then
 * cleared.
 */
bool memdesc_fail_alloc(void)
{
	unsigned int nth = READ_ONCE(fail_nth);

	if (atomic_inc_return(&memdesc_allocs) != nth || !nth)
		return false;
	/* Once: the parameter reads 0 again, as after a load. */
	WRITE_ONCE(fail_nth, 0);
	return true;
}

/**
 * memdesc_fail_alloc_clear - forget a fail_nth that has not been reached
 *
 * At the end of a load, so that a count the load did not reach does not
 * fail a later walk.
 */
void memdesc_fail_alloc_clear(void)
{
	WRITE_ONCE(fail_nth, 0);
}

static void memdesc_account(const void *p, long sign)
{
	if (is_vmalloc_addr(p))
		atomic_long_add(sign, &memdesc_live_vmalloc);
	else
		atomic_long_add(sign, &memdesc_live_slab);
}

/**
 * memdesc_kvmalloc - allocate an array from slab or, if large, vmalloc
 * @n:		elements
 * @size:	bytes each
 * @gfp:	GFP_KERNEL, with __GFP_ZERO or __GFP_NOWARN
 * @nid:	preferred node, or NUMA_NO_NODE
 *
 * Return: the memory, to free with memdesc_kvfree(); NULL on failure, on
 * overflow of @n * @size, or when fail_nth names this allocation.
 */
void *memdesc_kvmalloc(size_t n, size_t size, gfp_t gfp, int nid)
{
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	if (memdesc_fail_alloc())
		return NULL;
	p = kvmalloc_node(bytes, gfp, nid);
	if (p)
		memdesc_account(p, 1);
	return p;
}

/**
 * memdesc_kvmalloc_near - allocate from a node, or else anywhere
 * @bytes:	size
 * @gfp:	as for memdesc_kvmalloc()
 * @nid:	the node to try first
 * @anywhere:	whether to fall back to any node when @nid has no memory
 *
 * One allocation as fail_nth counts it, however many tries it takes: a
 * failure injected here fails the allocation, not just its first try.
 *
 * Return: as for memdesc_kvmalloc().
 */
void *memdesc_kvmalloc_near(size_t bytes, gfp_t gfp, int nid, bool anywhere)
{
	void *p;

	if (memdesc_fail_alloc())
		return NULL;
	p = kvmalloc_node(bytes, gfp | __GFP_THISNODE, nid);
	if (!p && anywhere)
		p = kvmalloc_node(bytes, gfp, nid);
	if (p)
		memdesc_account(p, 1);
	return p;
}

/**
 * memdesc_kvfree - free what memdesc_kvmalloc() or memdesc_kstrdup() gave
 * @p:		the memory, or NULL
 */
void memdesc_kvfree(const void *p)
{
	if (!p)
		return;
	memdesc_account(p, -1);
	kvfree(p);
}

/**
 * memdesc_kstrdup - copy a string
 * @s:		the string
 * @gfp:	allocation flags
 *
 * Return: the copy, to free with memdesc_kvfree(); or NULL.
 */
char *memdesc_kstrdup(const char *s, gfp_t gfp)
{
	char *p;

	if (memdesc_fail_alloc())
		return NULL;
	p = kstrdup(s, gfp);
	if (p)
		memdesc_account(p, 1);
	return p;
}

/**
 * memdesc_get_page - one zeroed page, mapped
 * @gfp:	allocation flags
 *
 * Return: its address, to free with memdesc_put_page(); or NULL.
 */
void *memdesc_get_page(gfp_t gfp)
{
	unsigned long addr;

	if (memdesc_fail_alloc())
		return NULL;
	addr = get_zeroed_page(gfp);
	if (addr)
		atomic_long_inc(&memdesc_live_pages);
	return (void *)addr;
}

/**
 * memdesc_put_page - free a page from memdesc_get_page()
 * @p:		its address, or NULL
 */
void memdesc_put_page(void *p)
{
	if (!p)
		return;
	atomic_long_dec(&memdesc_live_pages);
	free_page((unsigned long)p);
}

/**
 * memdesc_alloc_report - print what is still allocated, at unload
 *
 * Called last on the exit path, when everything should have been freed;
 * the tests read the line after every unload.
 */
void memdesc_alloc_report(void)
{
	pr_info("unloaded with %ld slab objects, %ld vmalloc areas and %ld pages outstanding\n",
		atomic_long_read(&memdesc_live_slab),
		atomic_long_read(&memdesc_live_vmalloc),
		atomic_long_read(&memdesc_live_pages));
}
