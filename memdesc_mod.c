// SPDX-License-Identifier: GPL-2.0
/*
 * Module init, exit and parameters.
 *
 * Order matters both ways.  Load: shadow, owner slots if asked for,
 * probes, the hotplug notifier,
 * the sections that came or went meanwhile, seeding, then debugfs, so
 * nothing reads a shadow that is not being kept current.  Unload: a
 * parked test point, debugfs (waits for readers), the notifier, probes
 * (waits for running probes), the areas they left to the worker, owners
 * (waits for their worker), then the shadow.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/module.h>

#include "memdesc.h"

static bool seed = true;
module_param(seed, bool, 0444);
MODULE_PARM_DESC(seed,
		 "Seed the shadow from the live state at load (default 1); with 0, PFNs read unknown until an event touches them");

/*
 * mm_page_free_batched comes, on both kernels, right after mm_page_free
 * for the same page (free_pages_prepare() emits the one, the batched path
 * the other before it puts the page on a per-cpu list): its probe only
 * finds the word free already.  Left detached, its tracepoint stays off,
 * which takes one event off every page a fault maps and frees;
 * "skip_events=" attaches it again.
 */
static char *skip_events = "mm_page_free_batched";
module_param(skip_events, charp, 0444);
MODULE_PARM_DESC(skip_events,
		 "Comma-separated optional kmem tracepoints and hooks to leave detached (default mm_page_free_batched; empty: none)");

static bool owners;
module_param(owners, bool, 0444);
MODULE_PARM_DESC(owners,
		 "Track allocation sites from load (default 0); also \"owners on\" and \"owners off\" in the control file");

static int __init memdesc_init(void)
{
	int err;

	memdesc_stats_init();
	memdesc_owners_init();
	err = memdesc_shadow_init();
	if (err)
		goto out;
	if (owners) {
		err = memdesc_owners_start();
		if (err)
			goto out_shadow;
	}
	err = memdesc_events_register(skip_events);
	if (err)
		goto out_owners;
	err = memdesc_sync_hotplug_register();
	if (err)
		goto out_probes;
	/* Memory that came or went before the notifier could see it. */
	memdesc_sync_enable();
	if (seed) {
		err = memdesc_sync_seed();
		if (err)
			goto out_hotplug;
		/* Unseeded, a resync would seed it: pages left stay so. */
		memdesc_defer_resync_open(memdesc_sync_left);
	}
	err = memdesc_debugfs_init();
	if (err)
		goto out_resync;

	memdesc_fail_alloc_clear();
	pr_info("tracking %lu PFNs in %zu bytes (%zu of them the table)\n",
		memdesc_shadow_pfns() - memdesc_shadow_untracked_pfns(),
		memdesc_shadow_bytes(), memdesc_shadow_table_bytes());
	return 0;

out_resync:
	memdesc_defer_resync_close();
out_hotplug:
	memdesc_sync_hotplug_unregister();
out_probes:
	memdesc_events_unregister();
	memdesc_defer_stop();
out_owners:
	memdesc_owners_stop();
out_shadow:
	memdesc_shadow_destroy();
out:
	memdesc_fail_alloc_clear();
	memdesc_alloc_report();
	return err;
}

static void __exit memdesc_exit(void)
{
	memdesc_testpoint_exit();
	memdesc_debugfs_exit();
	/* A resync walks memory: only while hotplug is followed. */
	memdesc_defer_resync_close();
	memdesc_sync_hotplug_unregister();
	memdesc_events_unregister();
	memdesc_defer_stop();
	memdesc_owners_stop();
	memdesc_shadow_destroy();
	memdesc_alloc_report();
}

module_init(memdesc_init);
module_exit(memdesc_exit);

MODULE_DESCRIPTION("Shadow memdesc array kept current from mm tracepoints");
MODULE_AUTHOR("memdesc developers");
MODULE_LICENSE("GPL");
