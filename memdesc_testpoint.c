// SPDX-License-Identifier: GPL-2.0
/*
 * Test points: a walk parked, on purpose, inside the window a race needs.
 *
 * A race between a walk and memory hotplug, or between a walk and an event,
 * shows in a stress test only by luck.  A test point makes it happen every
 * time: a test arms one point through the test-only parameter testpoint
 * (/sys/module/memdesc/parameters/testpoint, there from the start of the
 * load, so a point of the seeding walk can be armed with insmod too):
 *
 *	arm POINT [WHAT]	the next walk to pass POINT (and, with WHAT,
 *				only where the point is about WHAT, a zone
 *				name for pcp) parks there
 *	release			the parked walk goes on
 *	disarm			nothing parks; a parked walk goes on
 *
 * and reads back "idle", "armed POINT WHAT", "parked POINT WHAT" or
 * "timeout POINT WHAT".  A walk parks in process context, holding what it
 * holds at that point, for at most MEMDESC_TESTPOINT_SECONDS, so that a
 * test that dies cannot leave it there; a fatal signal ends the park too.
 * The test does the racing thing meanwhile: it knows the walk is in the
 * window once the parameter reads "parked".
 *
 * Points are only in sleepable walks (and the worker that finishes the
 * hooks' areas, memdesc_defer.c), never in a probe, and an unarmed
 * point costs one load.  Like fail_nth (memdesc_alloc.c), this is for the
 * tests; the parameter is root's only.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/wait.h>

#include "memdesc.h"

/* Longest park: a test that gives up must not hold memory hotplug off. */
#define MEMDESC_TESTPOINT_SECONDS	600

/* Longest WHAT: a zone name. */
#define MEMDESC_TESTPOINT_WHAT		16

static const char * const memdesc_testpoint_names[] = {
	[MEMDESC_TP_PCP]	= "pcp",
	[MEMDESC_TP_SYNC_COARSE] = "sync_coarse",
	[MEMDESC_TP_DEFER]	= "defer",
};
static_assert(ARRAY_SIZE(memdesc_testpoint_names) == MEMDESC_NR_TP);

/* Where the one armed point stands. */
enum memdesc_tp_state {
	MEMDESC_TP_IDLE,	/* nothing armed */
	MEMDESC_TP_ARMED,	/* the next walk to pass the point parks */
	MEMDESC_TP_PARKED,	/* a walk is parked there */
	MEMDESC_TP_RELEASED,	/* the parked walk may go on */
	MEMDESC_TP_TIMEOUT,	/* a walk parked and nobody released it */
};

static const char * const memdesc_tp_state_names[] = {
	[MEMDESC_TP_IDLE]	= "idle",
	[MEMDESC_TP_ARMED]	= "armed",
	[MEMDESC_TP_PARKED]	= "parked",
	[MEMDESC_TP_RELEASED]	= "released",
	[MEMDESC_TP_TIMEOUT]	= "timeout",
};

/*
 * The point a walk parks at next: read without the lock by every point
 * passed, MEMDESC_NR_TP when none is armed.  The rest is under the mutex:
 * the point armed last and its WHAT, for the parameter's reader, and
 * whether the module is going away (no walk parks then).
 */
static int memdesc_tp_armed = MEMDESC_NR_TP;
static int memdesc_tp_point = MEMDESC_NR_TP;
static enum memdesc_tp_state memdesc_tp_state;
static char memdesc_tp_what[MEMDESC_TESTPOINT_WHAT];
static bool memdesc_tp_closed;
static DEFINE_MUTEX(memdesc_tp_lock);
static DECLARE_WAIT_QUEUE_HEAD(memdesc_tp_wait);

static bool memdesc_tp_released(void)
{
	return READ_ONCE(memdesc_tp_state) != MEMDESC_TP_PARKED;
}

/* Caller holds memdesc_tp_lock.  The point is disarmed: it parks once. */
static void memdesc_tp_park(enum memdesc_testpoint tp)
{
	long left;

	WRITE_ONCE(memdesc_tp_armed, MEMDESC_NR_TP);
	WRITE_ONCE(memdesc_tp_state, MEMDESC_TP_PARKED);
	pr_info("testpoint %s %s: parked\n", memdesc_testpoint_names[tp],
		memdesc_tp_what);
	mutex_unlock(&memdesc_tp_lock);
	left = wait_event_killable_timeout(memdesc_tp_wait,
					   memdesc_tp_released(),
					   MEMDESC_TESTPOINT_SECONDS * HZ);
	mutex_lock(&memdesc_tp_lock);
	if (memdesc_tp_state == MEMDESC_TP_PARKED) {
		memdesc_tp_state = MEMDESC_TP_TIMEOUT;
		pr_warn("testpoint %s %s: %s, going on\n",
			memdesc_testpoint_names[tp], memdesc_tp_what,
			left ? "killed" : "nobody released it");
	} else {
		memdesc_tp_state = MEMDESC_TP_IDLE;
	}
}

/**
 * memdesc_testpoint - park here if a test armed this point
 * @tp:		the point
 * @what:	what the walk is at, for a test that armed @tp for one thing
 *		only (a zone name); NULL matches only an unqualified arm
 *
 * Sleeps, when armed; the caller must be able to.
 */
void memdesc_testpoint(enum memdesc_testpoint tp, const char *what)
{
	might_sleep();
	if (likely(READ_ONCE(memdesc_tp_armed) != tp))
		return;
	mutex_lock(&memdesc_tp_lock);
	if (memdesc_tp_armed == tp && memdesc_tp_state == MEMDESC_TP_ARMED &&
	    !memdesc_tp_closed && (!memdesc_tp_what[0] ||
	     (what && !strcmp(what, memdesc_tp_what))))
		memdesc_tp_park(tp);
	mutex_unlock(&memdesc_tp_lock);
}

/* "arm POINT [WHAT]": the point's index, WHAT copied; or -EINVAL. */
static int memdesc_tp_parse_arm(char *args)
{
	char *name = strsep(&args, " ");
	int tp;

	tp = match_string(memdesc_testpoint_names, MEMDESC_NR_TP, name);
	if (tp < 0)
		return -EINVAL;
	args = args ? strim(args) : "";
	if (strchr(args, ' ') || strlen(args) >= MEMDESC_TESTPOINT_WHAT)
		return -EINVAL;
	strscpy(memdesc_tp_what, args, sizeof(memdesc_tp_what));
	return tp;
}

/* Caller holds memdesc_tp_lock. */
static int memdesc_tp_command(char *cmd)
{
	int tp;

	if (!strcmp(cmd, "release") || !strcmp(cmd, "disarm")) {
		if (cmd[0] == 'd')
			WRITE_ONCE(memdesc_tp_armed, MEMDESC_NR_TP);
		if (memdesc_tp_state == MEMDESC_TP_PARKED) {
			WRITE_ONCE(memdesc_tp_state, MEMDESC_TP_RELEASED);
			wake_up(&memdesc_tp_wait);
		} else if (cmd[0] == 'd' ||
			   memdesc_tp_state == MEMDESC_TP_TIMEOUT) {
			memdesc_tp_state = MEMDESC_TP_IDLE;
		}
		return 0;
	}
	if (strncmp(cmd, "arm ", 4))
		return -EINVAL;
	/* One walk parks at a time; a parked one is released first. */
	if (memdesc_tp_state == MEMDESC_TP_PARKED ||
	    memdesc_tp_state == MEMDESC_TP_RELEASED)
		return -EBUSY;
	tp = memdesc_tp_parse_arm(cmd + 4);
	if (tp < 0)
		return tp;
	memdesc_tp_point = tp;
	memdesc_tp_state = MEMDESC_TP_ARMED;
	WRITE_ONCE(memdesc_tp_armed, tp);
	return 0;
}

static int memdesc_tp_set(const char *val, const struct kernel_param *kp)
{
	char buf[48];
	int err;

	if (strlen(val) >= sizeof(buf))
		return -EINVAL;
	strscpy(buf, val, sizeof(buf));
	mutex_lock(&memdesc_tp_lock);
	err = memdesc_tp_command(strim(buf));
	mutex_unlock(&memdesc_tp_lock);
	if (err == -EINVAL)
		pr_warn_ratelimited("testpoint: want \"arm POINT [WHAT]\", \"release\" or \"disarm\"\n");
	return err;
}

static int memdesc_tp_get(char *buf, const struct kernel_param *kp)
{
	int len;

	mutex_lock(&memdesc_tp_lock);
	if (memdesc_tp_state == MEMDESC_TP_IDLE)
		len = sysfs_emit(buf, "idle\n");
	else
		len = sysfs_emit(buf, "%s %s %s\n",
				 memdesc_tp_state_names[memdesc_tp_state],
				 memdesc_testpoint_names[memdesc_tp_point],
				 memdesc_tp_what[0] ? memdesc_tp_what : "-");
	mutex_unlock(&memdesc_tp_lock);
	return len;
}

static const struct kernel_param_ops memdesc_tp_ops = {
	.set	= memdesc_tp_set,
	.get	= memdesc_tp_get,
};

module_param_cb(testpoint, &memdesc_tp_ops, NULL, 0600);
MODULE_PARM_DESC(testpoint,
		 "Test only: \"arm POINT [WHAT]\" parks the next walk to pass POINT (pcp, sync_coarse, defer) until \"release\"");

/**
 * memdesc_testpoint_exit - let a parked walk go, and park none from here
 *
 * For the unload, before the files whose readers may be parked go away.
 */
void memdesc_testpoint_exit(void)
{
	mutex_lock(&memdesc_tp_lock);
	memdesc_tp_closed = true;
	WRITE_ONCE(memdesc_tp_armed, MEMDESC_NR_TP);
	if (memdesc_tp_state == MEMDESC_TP_PARKED) {
		WRITE_ONCE(memdesc_tp_state, MEMDESC_TP_RELEASED);
		wake_up(&memdesc_tp_wait);
	}
	mutex_unlock(&memdesc_tp_lock);
}
