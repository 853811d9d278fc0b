// SPDX-License-Identifier: GPL-2.0
/*
 * Module init, exit and parameters.
 *
 * Order matters both ways.  Load: shadow, probes, the hotplug notifier,
 * seeding, then debugfs, so nothing reads a shadow that is not being kept
 * current.  Unload: debugfs (waits for readers), the notifier, probes (waits
 * for running probes), then the shadow.
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
 * failslab and fail_page_alloc cannot make the load fail; this makes one of
 * the module's own load-time allocations fail instead, so the tests can see
 * every unwind path run and leave nothing behind.
 */
static unsigned int fail_nth;
module_param(fail_nth, uint, 0444);
MODULE_PARM_DESC(fail_nth,
		 "Test only: fail the Nth allocation made while loading (1-based; default 0, none)");

/* Allocations counted so far; only while memdesc_init() runs. */
static unsigned int memdesc_load_allocs;
static bool memdesc_loading;

/**
 * memdesc_fail_alloc - whether a load-time allocation should fail
 *
 * Called before each allocation on the load path; after the load it is
 * always false, so a runtime walk (compare, resync) never fails from it.
 *
 * Return: true if this is the allocation fail_nth names.
 */
bool memdesc_fail_alloc(void)
{
	if (!READ_ONCE(memdesc_loading) || !fail_nth)
		return false;
	return ++memdesc_load_allocs == fail_nth;
}

static int __init memdesc_init(void)
{
	int err;

	WRITE_ONCE(memdesc_loading, true);
	err = memdesc_shadow_init();
	if (err)
		goto out;
	err = memdesc_probes_register(skip_events);
	if (err)
		goto out_shadow;
	/* Before seeding: an offlined block's holes are not UNKNOWN. */
	err = memdesc_shadow_hotplug_register();
	if (err)
		goto out_probes;
	if (seed) {
		err = memdesc_shadow_seed();
		if (err)
			goto out_hotplug;
	}
	err = memdesc_debugfs_init();
	if (err)
		goto out_hotplug;

	pr_info("tracking %lu PFNs in %zu bytes\n", memdesc_shadow_pfns(),
		memdesc_shadow_bytes());
	WRITE_ONCE(memdesc_loading, false);
	return 0;

out_hotplug:
	memdesc_shadow_hotplug_unregister();
out_probes:
	memdesc_probes_unregister();
out_shadow:
	memdesc_shadow_destroy();
out:
	WRITE_ONCE(memdesc_loading, false);
	return err;
}

static void __exit memdesc_exit(void)
{
	memdesc_debugfs_exit();
	memdesc_shadow_hotplug_unregister();
	memdesc_probes_unregister();
	memdesc_shadow_destroy();
}

module_init(memdesc_init);
module_exit(memdesc_exit);

MODULE_DESCRIPTION("Shadow memdesc array kept current from mm tracepoints");
MODULE_AUTHOR("memdesc developers");
MODULE_LICENSE("GPL");
