// SPDX-License-Identifier: GPL-2.0
/*
 * Module init, exit and parameters.
 *
 * Order matters both ways.  Load: shadow, probes, the hotplug notifier,
 * the sections that came or went meanwhile, seeding, then debugfs, so
 * nothing reads a shadow that is not being kept current.  Unload: debugfs
 * (waits for readers), the notifier, probes (waits for running probes), then
 * the shadow.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/module.h>

#include "memdesc.h"

static bool seed = true;
module_param(seed, bool, 0444);
MODULE_PARM_DESC(seed,
		 "Seed the shadow from the live state at load (default 1); with 0, PFNs read unknown until an event touches them");

static char *skip_events;
module_param(skip_events, charp, 0444);
MODULE_PARM_DESC(skip_events,
		 "Comma-separated optional kmem tracepoints to leave detached, e.g. mm_page_pcpu_drain");

/*
 * Test only.  Debian's kernels are built without CONFIG_FAULT_INJECTION, so
 * failslab and fail_page_alloc cannot make the module's allocations fail;
 * this fails one of them instead, counted from the load or from the last
 * write of the parameter, so the tests can see every unwind path run at
 * load and a shadow chunk go missing when memory comes online.
 */
static unsigned int fail_nth;
static atomic_t memdesc_allocs = ATOMIC_INIT(0);

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

/**
 * memdesc_fail_alloc - whether an allocation should fail, for the tests
 *
 * Called before each allocation on the load path and wherever memory
 * coming online needs some; false unless fail_nth is set.
 *
 * Return: true if this is the allocation fail_nth names; fail_nth is then
 * cleared.
 */
bool memdesc_fail_alloc(void)
{
	unsigned int n = READ_ONCE(fail_nth);

	if (!n || atomic_inc_return(&memdesc_allocs) != n)
		return false;
	/* Once: the parameter reads 0 again, as after a load. */
	WRITE_ONCE(fail_nth, 0);
	return true;
}

static int __init memdesc_init(void)
{
	int err;

	err = memdesc_shadow_init();
	if (err)
		goto out;
	err = memdesc_probes_register(skip_events);
	if (err)
		goto out_shadow;
	err = memdesc_sync_hotplug_register();
	if (err)
		goto out_probes;
	/* Memory that came or went before the notifier could see it. */
	memdesc_sync_enable();
	if (seed) {
		err = memdesc_sync_seed();
		if (err)
			goto out_hotplug;
	}
	err = memdesc_debugfs_init();
	if (err)
		goto out_hotplug;

	/* A fail_nth the load did not reach would fail a later walk. */
	WRITE_ONCE(fail_nth, 0);
	pr_info("tracking %lu PFNs in %zu bytes (%zu of them the table)\n",
		memdesc_shadow_pfns() - memdesc_shadow_untracked_pfns(),
		memdesc_shadow_bytes(), memdesc_shadow_table_bytes());
	return 0;

out_hotplug:
	memdesc_sync_hotplug_unregister();
out_probes:
	memdesc_probes_unregister();
out_shadow:
	memdesc_shadow_destroy();
out:
	WRITE_ONCE(fail_nth, 0);
	return err;
}

static void __exit memdesc_exit(void)
{
	memdesc_debugfs_exit();
	memdesc_sync_hotplug_unregister();
	memdesc_probes_unregister();
	memdesc_shadow_destroy();
}

module_init(memdesc_init);
module_exit(memdesc_exit);

MODULE_DESCRIPTION("Shadow memdesc array kept current from mm tracepoints");
MODULE_AUTHOR("memdesc developers");
MODULE_LICENSE("GPL");
