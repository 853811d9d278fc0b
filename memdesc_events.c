// SPDX-License-Identifier: GPL-2.0
/*
 * Every event source, tracepoint probe (memdesc_probes.c) or function hook
 * (memdesc_hooks.c), by its enum memdesc_stat number: attaching them all,
 * leaving the ones skip_events names detached, and their names.  Above
 * both, so that neither calls the other.
 */
#define pr_fmt(fmt) "memdesc: " fmt

#include <linux/string.h>

#include "memdesc.h"

static bool memdesc_event_is_hook(enum memdesc_stat event)
{
	return event >= MEMDESC_EV_FIRST_HOOK;
}

/**
 * memdesc_event_by_name - an event by the name stats prints
 * @name:	the tracepoint's or hooked function's name
 *
 * Return: the event, or MEMDESC_NR_EVENTS if none has that name.
 */
enum memdesc_stat memdesc_event_by_name(const char *name)
{
	int i;

	for (i = 0; i < MEMDESC_NR_EVENTS; i++)
		if (!strcmp(name, memdesc_event_name(i)))
			break;
	return i;
}

/*
 * Mark the optional events named in @list (comma-separated) to stay
 * detached, so a test or a user can measure what each contributes.
 */
static int memdesc_events_skip(const char *list)
{
	char *buf, *cur, *name;
	enum memdesc_stat ev;
	int err = 0;

	if (!list || !*list)
		return 0;
	buf = memdesc_kstrdup(list, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while (!err && (name = strsep(&cur, ",")) != NULL) {
		if (!*name)
			continue;
		ev = memdesc_event_by_name(name);
		if (ev == MEMDESC_NR_EVENTS) {
			pr_err("skip_events: no tracepoint or hook '%s'\n",
			       name);
			err = -EINVAL;
		} else if (memdesc_event_is_hook(ev)) {
			memdesc_hook_skip(ev);
		} else if (memdesc_probe_skip(ev)) {
			pr_err("skip_events: %s is required\n", name);
			err = -EINVAL;
		}
	}
	memdesc_kvfree(buf);
	return err;
}

/**
 * memdesc_events_register - attach every probe whose tracepoint exists, and
 *	every function hook whose function does
 * @skip_events: comma-separated optional tracepoints and hooks to leave
 *		detached, or NULL
 *
 * On error nothing stays attached.
 *
 * Return: 0; -EINVAL if @skip_events names an unknown or required event;
 * or the error of memdesc_probes_register().
 */
int memdesc_events_register(const char *skip_events)
{
	int err;

	err = memdesc_events_skip(skip_events);
	if (!err)
		err = memdesc_probes_register();
	if (err) {
		memdesc_events_unregister();
		return err;
	}
	memdesc_hooks_register();
	return 0;
}

/**
 * memdesc_events_unregister - detach everything and wait for running probes
 *
 * On return no probe or hook runs or will run, so the shadow may be freed.
 */
void memdesc_events_unregister(void)
{
	memdesc_hooks_unregister();
	memdesc_probes_unregister();
}

/**
 * memdesc_event_name - the tracepoint or function behind an event counter
 * @event:	below MEMDESC_NR_EVENTS
 *
 * Return: its name, as stats prints it and skip_events takes it.
 */
const char *memdesc_event_name(enum memdesc_stat event)
{
	if (memdesc_event_is_hook(event))
		return memdesc_hook_name(event);
	return memdesc_probe_name(event);
}

/**
 * memdesc_event_attached - whether the event's probe or hook is registered
 * @event:	below MEMDESC_NR_EVENTS
 *
 * Return: true if attached.
 */
bool memdesc_event_attached(enum memdesc_stat event)
{
	if (memdesc_event_is_hook(event))
		return memdesc_hook_attached(event);
	return memdesc_probe_attached(event);
}
