#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - the guest side of make bench (busybox sh; /init runs it in
# bench mode, with its output tagged B).  scripts/bench.sh reads the records:
#
#   info <key> <value>
#   cost <workload> <cond> <rep> <ns-per-op> <ops> <events>
#	workload: fault (ns per 4 KiB page faulted in and unmapped), alloc0,
#	alloc3, alloc9 (ns per alloc_pages/__free_pages pair at that order);
#	cond: base (memdesc not loaded), memdesc (loaded), prev (the previous
#	release, /memdesc-prev.ko, loaded instead; only when the host put it
#	in), off (loaded, tracking disabled through control: every probe
#	attached and called, each returning at its first test - the
#	tracepoint machinery's own cost), ftrace (memdesc not loaded, the same
#	tracepoints recorded into the ftrace ring buffer);
#	events: tracepoint hits during the run - memdesc's (or prev's) stats
#	counts, or the ring buffer's entries + overrun; 0 for base and off
#   owner <workload> <cond> <rep> <ns-per-op> <ops> <events> <stacks>
#	<unsaved>
#	what allocation-site tracking costs, see owners_part.  workload as
#	for cost; cond: base, memdesc (loaded, owners off), owners (loaded
#	with owners=1), ftrace (as for cost), ftrace_stacks (ftrace with a
#	stacktrace trigger on mm_page_alloc); events: tracepoint hits as for
#	cost, for ftrace_stacks the ring buffer's entries + overrun less the
#	stacks it holds; stacks: stacks taken - owner_saved + owner_unsaved
#	of stats for owners, what the trigger's count went down by for
#	ftrace_stacks, else 0; unsaved: owner_unsaved alone
#   stackcost <kind> <extra> <rep> <ns-per-call> <calls> <frames>
#	an owner's two parts apart (stack_measure): kind walk
#	(stack_trace_save()) or depot (a depot save of a stack the depot
#	holds), <extra> frames of recursion below the writer, <frames> the
#	stack's
#   hook <workload> <cond> <rep> <ns-per-op> <ops> <events>
#	what the function hooks (kprobes, kretprobes) cost beside the
#	tracepoints, see hooks_part.  workload: vmalloc16, vmalloc1 (ns per
#	vmalloc()/vfree() pair of 16 pages or 1: one __vmalloc_node_range and
#	one alloc_pages_bulk call each), fault, alloc0 (as for cost), fork
#	(ns per fork of a child that writes a page and exits: a process's
#	page tables, pgd_alloc and the table hooks); cond: base
#	(memdesc not loaded), memdesc (loaded, every hook attached), nohooks
#	(loaded with skip_events naming every hook: the tracepoints alone);
#	events: hits of the hook events only, from memdesc's stats (0 for
#	base, and for nohooks whose hooks are detached)
#   gate <workload> <cond> <rep> <ns-per-op> <ops> <events>
#	make bench-gate's records (gate_part): workload fault, alloc0 (as for
#	cost), vmalloc16 (as for hook), percpu (ns per __alloc_percpu() of
#	4 KiB and free_percpu() pair), slab (ns per new slab: an object of a
#	cache allocated, freed and the cache shrunk); cond: base, memdesc,
#	prev (the previous build, when the host put it in), skip (memdesc
#	with the events BENCH_GATE_SKIP names left detached, when set);
#	events: every event memdesc counted, tracepoints and hooks (0 for
#	base)
#   gateskipped <workload> <rep> <events>
#	with BENCH_GATE_SKIP: the events of those names in the memdesc
#	condition's round, which the skip condition did without
#   scan <what> <rep> <ns> <pfns>
#	what: compare, summary (memdesc's debugfs files), page-types (the
#	kernel's tools/mm/page-types reading /proc/kpageflags over the same
#	PFNs), prev-compare and prev-summary (the previous release's files,
#	when the host put it in)
#   profile <function> <calls> <ns>
#	one more compare read, under the function_graph tracer: each of
#	compare's stages, with its callees' time (profile_compare); function
#	"read": the traced read itself
#   mem <key> <value>	memory before/after insmod, see mem_part: MemFree,
#	VmallocUsed, Slab, Percpu, slab bytes (active objects times size), the
#	vmalloc areas memdesc's code made, /proc/modules' size, the span; the
#	shadow's own sizes (stats); the guest's RAM (/proc/iomem) against the
#	PFNs the layout lists; the same of the previous release (prev_*);
#	owners_*: around owners on, see owners_mem
#   irqsoff <scenario> <cond> <rep> <max-us> <cpu> <ns> <pcp-pages>
#	<started-at> <ended-at>
#	the irqsoff tracer's longest stretch with interrupts off while one
#	step ran (see irqsoff_part): tracing_max_latency, the CPU and the
#	functions its trace names; ns: the step's own time; pcp-pages: pages
#	on the per-cpu lists just before it (- when not counted)
#   preemptoff <scenario> <cond> <rep> <max-us> <cpu> <ns> <pages>
#	<started-at> <ended-at>
#	the preemptoff tracer's longest stretch with preemption off while
#	one step ran (see preemptoff_part), as for irqsoff; cond: base, prev
#	(when the host put it in), memdesc; pages: pages a step's allocation
#	spans
#   handler <scenario> <cond> <rep> <function> <calls> <max-us> <sum-us>
#	the same step again under the function_graph tracer of memdesc's
#	handlers and its worker's batch: each call a stretch with preemption
#	off (see preemptoff_handlers)
#
# The cost conditions take turns within each round, so drift in the
# emulator hits them alike; so do the hooks part's.  Settings (from
# /etc/memdesc-vm.conf): BENCH_PARTS ("cost scan mem hooks owners";
# "irqsoff" on its own), BENCH_REPS, BENCH_FAULT_MIB, BENCH_FAULT_LOOPS,
# BENCH_ALLOC_PAIRS (order 0; order 3 gets 1/4, order 9 1/32),
# BENCH_VMALLOC_PAIRS (20000, each of the hooks part's vmalloc loops),
# BENCH_FORKS (1000, the hooks part's fork loop),
# BENCH_SCAN_REPS, BENCH_PROFILE_FUNCS, BENCH_LOAD_PARAMS (insmod
# parameters of every load of memdesc), BENCH_IRQSOFF_REPS (1),
# BENCH_IRQSOFF_FRACTION (percpu_pagelist_high_fraction, 8: the largest
# lists the kernel allows), BENCH_IRQSOFF_SCENARIOS ("compare hugetlb"),
# BENCH_PREEMPTOFF_REPS (3), BENCH_PREEMPTOFF_SCENARIOS ("vmalloc percpu
# bulk compare").
# /init exports only the first few; the file is read here for the rest.

# shellcheck disable=SC1091	# written by run.sh
[ -r /etc/memdesc-vm.conf ] && . /etc/memdesc-vm.conf

MEMDESC_KO=${MEMDESC_KO:-/memdesc.ko}
PREV_KO=${PREV_KO:-/memdesc-prev.ko}
BENCH_KO=${BENCH_KO:-/memdesc_benchmod.ko}
parts=${BENCH_PARTS:-cost scan mem hooks owners}
reps=${BENCH_REPS:-5}
fault_mib=${BENCH_FAULT_MIB:-256}
fault_loops=${BENCH_FAULT_LOOPS:-4}
pairs=${BENCH_ALLOC_PAIRS:-100000}
vmalloc_pairs=${BENCH_VMALLOC_PAIRS:-20000}
forks=${BENCH_FORKS:-1000}
scan_reps=${BENCH_SCAN_REPS:-3}
load_params=${BENCH_LOAD_PARAMS:-}
# compare's stages, for profile_compare: the whole, the snapshots taken at
# the start of the walk and of the recheck (per-cpu lists, then the
# vmalloc and module page tables), a block's live words, a block's shadow
# words, counting a run, the recheck.
profile_funcs=${BENCH_PROFILE_FUNCS:-memdesc_compare_run memdesc_live_walk_start memdesc_vmalloc_snapshot memdesc_live_walk_range memdesc_view_block memdesc_run_flush memdesc_compare_recheck}
irqsoff_reps=${BENCH_IRQSOFF_REPS:-1}
irqsoff_fraction=${BENCH_IRQSOFF_FRACTION:-8}
irqsoff_scenarios=${BENCH_IRQSOFF_SCENARIOS:-compare hugetlb}
preemptoff_reps=${BENCH_PREEMPTOFF_REPS:-3}
preemptoff_scenarios=${BENCH_PREEMPTOFF_SCENARIOS:-vmalloc percpu bulk compare}
stack_calls=20000
gate_percpu_bytes=4096
gate_percpu_pairs=2000
gate_slab_pairs=500
gate_skip=${BENCH_GATE_SKIP:-}

dbg=/sys/kernel/debug/memdesc
tr=/sys/kernel/tracing
bench_ctl=/sys/kernel/debug/memdesc_benchmod/alloc

# Tracepoint names memdesc attached, one a line.  Set while loaded.
tracepoints=

# memdesc_load [PARAM=VALUE...]: BENCH_LOAD_PARAMS first, e.g.
# "skip_events=..." to time the module without some of its events.
memdesc_load()
{
	# shellcheck disable=SC2086	# a list of parameters
	insmod "$MEMDESC_KO" $load_params "$@" ||
		{ echo "info error insmod-memdesc"; exit 1; }
}

memdesc_unload()
{
	rmmod memdesc || { echo "info error rmmod-memdesc"; exit 1; }
}

# The previous release: the same module name, so it unloads as memdesc.
prev_load()
{
	insmod "$PREV_KO" || { echo "info error insmod-prev"; exit 1; }
}

# Probe hits so far: the sum of memdesc's event counts.  Shell builtins
# only: a forked awk would allocate pages, and count, inside the window.
memdesc_events()
{
	sum=0
	while read -r kind _ _ count; do
		[ "$kind" = event ] && sum=$((sum + count))
	done <"$dbg/stats"
}

# The ftrace side records exactly the tracepoints memdesc attaches, so
# "per event" means the same events on both sides.
ftrace_set()
{
	for t in $tracepoints; do
		for f in "$tr"/events/*/"$t"/enable; do
			[ -f "$f" ] && echo "$1" >"$f"
		done
	done
}

# Events the ring buffer took since the last clear: kept plus overwritten.
# Called with recording off, so reading adds none.
ftrace_events()
{
	sum=0
	for f in "$tr"/per_cpu/cpu*/stats; do
		while read -r key count; do
			case $key in
			entries:|overrun:)	sum=$((sum + count)) ;;
			esac
		done <"$f"
	done
}

# ftrace_stacks: a stack taken on each mm_page_alloc, as the owners probe
# takes one on each allocation, and not on the other events
# (options/stacktrace would take one after every event).  The trigger has
# a count, so that what it went down by says how many stacks it took; the
# count costs a call, a compare and a decrement a stack, beside the walk of
# the whole stack.  An unfiltered trigger runs on every hit of the tracepoint,
# recording on or off, so the count is read just before recording goes
# on and just after it goes off.
stack_trigger=$tr/events/kmem/mm_page_alloc/trigger
stack_count=2000000000

# ftrace_on [stacks]: with stacks, the trigger's count in tcount0.
ftrace_on()
{
	echo 0 >"$tr/tracing_on"
	echo >"$tr/trace"
	ftrace_set 1
	if [ "${1:-}" = stacks ]; then
		echo "stacktrace:$stack_count" >"$stack_trigger" ||
			echo "info error stacktrace-trigger"
		trigger_count
		tcount0=$tcount
	fi
	echo 1 >"$tr/tracing_on"
}

# ftrace_off [stacks]
ftrace_off()
{
	echo 0 >"$tr/tracing_on"
	[ "${1:-}" = stacks ] && echo '!stacktrace' >"$stack_trigger"
	ftrace_set 0
	echo >"$tr/trace"
}

# The stack trigger's count now, into tcount (empty without the trigger).
# Builtins only.
trigger_count()
{
	tcount=
	while read -r line; do
		case $line in
		stacktrace:count=*)
			line=${line#stacktrace:count=}
			tcount=${line%% *}
			;;
		esac
	done <"$stack_trigger"
}

# workload NAME: run one timed workload, its result in /tmp/bench.out.
workload()
{
	case $1 in
	fault)
		memdesc_bench fault "$fault_mib" "$fault_loops" >/tmp/bench.out
		;;
	fork)
		memdesc_bench fork "$forks" >/tmp/bench.out
		;;
	alloc*)
		order=${1#alloc}
		n=$pairs
		[ "$order" -ge 3 ] && n=$((pairs / 4))
		[ "$order" -ge 9 ] && n=$((pairs / 32))
		echo "$order $n" >"$bench_ctl"
		;;
	vmalloc*)
		echo "vmalloc ${1#vmalloc} $vmalloc_pairs" >"$bench_ctl"
		;;
	esac
}

# result NAME: "<ns-per-op> <ops>" of the workload just run.
result()
{
	case $1 in
	fault|fork)	cat /tmp/bench.out ;;
	alloc*|vmalloc*)
		awk '{ if ($8 != 0) exit 1; printf "%.1f %d\n", $6 / $4, $4 }' \
			"$bench_ctl" ;;
	esac
}

# measure COND REP: every workload once under COND.  Events are counted
# from just before to just after the workload, with no fork in between.
measure()
{
	for w in fault alloc0 alloc3 alloc9; do
		sum=0
		case $1 in
		memdesc|prev)	memdesc_events ;;
		ftrace)		ftrace_on ;;
		esac
		before=$sum
		workload "$w" || echo "info error workload-$w-$1"
		case $1 in
		memdesc|prev)	memdesc_events ;;
		ftrace)		echo 0 >"$tr/tracing_on"; ftrace_events ;;
		esac
		ev=$((sum - before))
		[ "$1" = ftrace ] && ftrace_off
		r=$(result "$w") || r="- 0"
		echo "cost $w $1 $2 $r $ev"
	done
}

# attached: the tracepoints the loaded module attached, one line.
attached()
{
	awk '$1 == "event" && $3 == 1 { printf "%s%s", n++ ? " " : "", $2 }
	     END { print "" }' "$dbg/stats"
}

# The order in a round is base, memdesc, prev, off, ftrace: the new
# module and the previous one each loaded fresh, off on a third load.
cost_part()
{
	insmod "$BENCH_KO" || { echo "info error insmod-bench"; return 1; }
	memdesc_load
	tracepoints=$(attached)
	memdesc_unload
	echo "info tracepoints $(echo "$tracepoints" | tr ' ' ,)"
	has_prev=
	if [ -f "$PREV_KO" ]; then
		has_prev=1
		prev_load
		echo "info prev_tracepoints $(attached | tr ' ' ,)"
		memdesc_unload
	else
		echo "info prev absent"
	fi
	echo "info ftrace_buffer_kb $(cat "$tr/buffer_size_kb")"
	# One untimed pass: faults in the programs, warms the per-cpu lists.
	measure base 0 >/dev/null
	rep=1
	while [ "$rep" -le "$reps" ]; do
		measure base "$rep"
		memdesc_load
		measure memdesc "$rep"
		memdesc_unload
		if [ -n "$has_prev" ]; then
			prev_load
			measure prev "$rep"
			memdesc_unload
		fi
		memdesc_load
		echo disable >"$dbg/control" ||
			{ echo "info error control-disable"; exit 1; }
		measure off "$rep"
		memdesc_unload
		measure ftrace "$rep"
		rep=$((rep + 1))
	done
	# What the events bought: compare after one more fault workload,
	# "info compare_<field> <agree> <disagree>".
	memdesc_load
	workload fault
	awk '$1 == "field" { print "info compare_" $2, $3, $4 }' "$dbg/compare"
	memdesc_unload
	rmmod memdesc_benchmod
}

# === hooks: what the function hooks cost beside the tracepoints ===

# The hook events of the loaded module, one line: the events of stats that
# are attached and that no tracepoint of this kernel is named after
# (ftrace_set finds memdesc's tracepoints by the same names), so a hook
# added to the module is measured here without a list to keep in step.
hook_list()
{
	while read -r kind name on _; do
		[ "$kind" = event ] || continue
		[ "$on" = 1 ] || continue
		set -- "$tr"/events/*/"$name"
		[ -d "$1" ] || printf '%s ' "$name"
	done <"$dbg/stats"
	echo
}

# Hits of the hook events so far, into sum.  Builtins only, as
# memdesc_events.
hook_events()
{
	sum=0
	while read -r kind name _ count; do
		[ "$kind" = event ] || continue
		case " $hooks " in
		*" $name "*)	sum=$((sum + count)) ;;
		esac
	done <"$dbg/stats"
}

# hook_measure COND REP: the hooks part's workloads once under COND.
# vmallocN: N pages a vmalloc().  16 go through the bulk allocator's
# per-cpu path, where its hook finds pages no event allocated; one page
# the bulk allocator hands to the single-page allocator, whose event the
# tracepoints see.  Both call both hooks once, so the two sizes tell a
# hook call's own cost from its cost per page.
hook_measure()
{
	for w in vmalloc16 vmalloc1 fault fork alloc0; do
		sum=0
		[ "$1" = base ] || hook_events
		before=$sum
		workload "$w" || echo "info error workload-$w-$1"
		[ "$1" = base ] || hook_events
		ev=$((sum - before))
		r=$(result "$w") || r="- 0"
		echo "hook $w $1 $2 $r $ev"
	done
}

# Calls the attached hooks missed (kretprobe instances all in flight, or
# another kprobe handler running): a missed call runs no handler and counts
# no event, so the report says how many there were.
hook_missed()
{
	awk '$1 == "hook_missed" { print $2 }' "$dbg/stats"
}

# The order in a round is base, memdesc, nohooks: not loaded, loaded with
# every hook, loaded with every hook left detached (skip_events), so the
# difference between the last two is what the hooks add to the same
# tracepoints.
hooks_part()
{
	insmod "$BENCH_KO" || { echo "info error insmod-bench"; return 1; }
	memdesc_load
	hooks=$(hook_list)
	memdesc_unload
	# shellcheck disable=SC2086	# one line from a word list
	skip=$(echo $hooks | tr ' ' ,)
	echo "info hooks_attached ${skip:--}"
	[ -n "$skip" ] || { echo "info error hooks-none-attached"; return 1; }
	memdesc_load skip_events="$skip"
	left=$(hook_list)
	memdesc_unload
	[ -z "$left" ] || echo "info error hooks-attached-despite-skip"
	# One untimed pass: faults in the programs, warms the per-cpu lists
	# and the vmap area caches.
	hook_measure base 0 >/dev/null
	rep=1
	while [ "$rep" -le "$reps" ]; do
		hook_measure base "$rep"
		memdesc_load
		hook_measure memdesc "$rep"
		echo "info hook_missed $rep $(hook_missed)"
		memdesc_unload
		memdesc_load skip_events="$skip"
		hook_measure nohooks "$rep"
		memdesc_unload
		rep=$((rep + 1))
	done
	rmmod memdesc_benchmod
}

# === gate: the probes' instructions per event, against a budget ===

# gate_measure COND REP: the gate's workloads once under COND.  fault and
# alloc0 are the page allocator's and the LRU's events, vmalloc16 the
# vmalloc and bulk allocator hooks, percpu the percpu_alloc_percpu probe,
# which walks a page of every CPU's copy.  Events: every event memdesc
# counted, tracepoints and hooks.
gate_measure()
{
	for w in fault alloc0 vmalloc16 percpu slab; do
		sum=0
		[ "$1" = base ] || memdesc_events
		before=$sum
		skipped_before=$(skipped_events)
		case $w in
		percpu)	echo "percpu $gate_percpu_bytes $gate_percpu_pairs" \
				>"$bench_ctl" ||
				echo "info error workload-$w-$1" ;;
		slab)	echo "slab $gate_slab_pairs" >"$bench_ctl" ||
				echo "info error workload-$w-$1" ;;
		*)	workload "$w" || echo "info error workload-$w-$1" ;;
		esac
		[ "$1" = base ] || memdesc_events
		ev=$((sum - before))
		case $w in
		percpu|slab)	r=$(result alloc) || r="- 0" ;;
		*)		r=$(result "$w") || r="- 0" ;;
		esac
		echo "gate $w $1 $2 $r $ev"
		[ "$1" = memdesc ] && [ -n "$gate_skip" ] &&
			echo "gateskipped $w $2 $(($(skipped_events) - skipped_before))"
	done
}

# skipped_events: the counts of the events BENCH_GATE_SKIP names, summed,
# from stats; 0 when none is loaded or none is named.
skipped_events()
{
	[ -n "$gate_skip" ] && [ -r "$dbg/stats" ] || { echo 0; return; }
	awk -v names=",$gate_skip," '$1 == "event" && index(names, "," $2 ",") {
		s += $4 } END { print s + 0 }' "$dbg/stats"
}

# make bench-gate (scripts/bench-gate.sh): base and memdesc take turns, a
# fresh load each round, after one untimed pass.  Under -icount the
# difference is instructions, which the host divides by the events.
gate_part()
{
	insmod "$BENCH_KO" || { echo "info error insmod-bench"; return 1; }
	# Every round on CPU 0, both sides: each CPU has its own per-cpu
	# lists and node, and a loaded round on the other CPU than its base
	# would count that difference as the probes'.  (It did not narrow the
	# rounds' spread; the host takes their median for that.)
	taskset -p -c 0 $$ >/dev/null || echo "info error pin-cpu0"
	# Untimed passes of both: the first faults and fills caches that the
	# first timed round would otherwise pay for, on one side only.
	gate_measure base 0 >/dev/null
	memdesc_load
	gate_measure memdesc 0 >/dev/null
	memdesc_unload
	gate_measure base 0 >/dev/null
	rep=1
	while [ "$rep" -le "$reps" ]; do
		gate_measure base "$rep"
		memdesc_load
		gate_measure memdesc "$rep"
		memdesc_unload
		if [ -n "$gate_skip" ]; then
			# skip_events replaces the default list: keep its one.
			memdesc_load skip_events="mm_page_free_batched,$gate_skip"
			gate_measure skip "$rep"
			memdesc_unload
		fi
		if [ -f "$PREV_KO" ]; then
			prev_load
			gate_measure prev "$rep"
			memdesc_unload
		fi
		rep=$((rep + 1))
	done
	rmmod memdesc_benchmod
	taskset -p -c "0-$(($(grep -c ^processor /proc/cpuinfo) - 1))" $$ \
		>/dev/null
}

# === owners: what allocation-site tracking costs, beside ftrace's stacks ===

# memdesc's event count so far into sum, and of its owner counters the
# stacks taken (owner_saved + owner_unsaved) into stacks and owner_unsaved
# into unsaved.  Builtins only, as memdesc_events.
owner_counts()
{
	sum=0
	stacks=0
	unsaved=0
	while read -r kind name a b; do
		case $kind in
		event)	sum=$((sum + b)) ;;
		counter)
			case $name in
			owner_saved)	stacks=$((stacks + a)) ;;
			owner_unsaved)	stacks=$((stacks + a)); unsaved=$a ;;
			esac
			;;
		esac
	done <"$dbg/stats"
}

# owner_measure COND REP: the cost part's workloads once under COND, with
# the stacks each took.  ftrace_stacks' ring buffer holds a stack entry
# beside each mm_page_alloc it recorded: those are taken off its events,
# so that events are tracepoint hits under every condition.
owner_measure()
{
	for w in fault alloc0 alloc3 alloc9; do
		sum=0
		stacks=0
		unsaved=0
		case $1 in
		memdesc|owners)	owner_counts ;;
		ftrace)		ftrace_on ;;
		ftrace_stacks)	ftrace_on stacks ;;
		esac
		before=$sum
		st0=$stacks
		un0=$unsaved
		workload "$w" || echo "info error workload-$w-$1"
		case $1 in
		memdesc|owners)	owner_counts ;;
		ftrace)		echo 0 >"$tr/tracing_on"; ftrace_events ;;
		ftrace_stacks)
			echo 0 >"$tr/tracing_on"
			trigger_count
			ftrace_events
			;;
		esac
		ev=$((sum - before))
		st=$((stacks - st0))
		un=$((unsaved - un0))
		case $1 in
		ftrace)	ftrace_off ;;
		ftrace_stacks)
			if [ -n "$tcount0" ] && [ -n "$tcount" ]; then
				st=$((tcount0 - tcount))
			else
				echo "info error stacktrace-count"
			fi
			ev=$((ev - st))
			ftrace_off stacks
			;;
		esac
		r=$(result "$w") || r="- 0"
		echo "owner $w $1 $2 $r $ev $st $un"
	done
}

# depot_stat KEY: a line of the stack depot's own statistics (6.8 on:
# pools, persistent_count, persistent_bytes, ...), or - without them.
depot_stat()
{
	v=$(awk -v k="$1:" '$1 == k { print $2 }' \
		/sys/kernel/debug/stackdepot/stats 2>/dev/null)
	echo "${v:--}"
}

# owners_snap PREFIX: snap's counters, the pages on the per-cpu lists
# (MemFree leaves them out, and the workloads leave tens of MiB there) and
# the depot's counters.
owners_snap()
{
	snap "$1"
	echo "mem ${1}_pcp_pages $(pcp_pages)"
	echo "mem ${1}_depot_pools $(depot_stat pools)"
	echo "mem ${1}_depot_stacks $(depot_stat persistent_count)"
	echo "mem ${1}_depot_stack_bytes $(depot_stat persistent_bytes)"
}

# The depot's hash table lines in the kernel log: it is allocated by its
# first user after boot, which may be owners on.
depot_table_lines()
{
	dmesg | grep -c 'stackdepot: allocating hash table'
}

# owners_mem: what owners on costs in memory, memdesc loaded: the counters
# with owners off, after owners on and one run of every workload, and
# after owners off.  That run also puts the workloads' stacks into the
# depot, which keeps them until reboot, so the timed rounds find every
# stack there and do not measure the first save of each.
owners_mem()
{
	t0=$(depot_table_lines)
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	owners_snap owners_before
	echo "owners on" >"$dbg/control" ||
		{ echo "info error owners-on"; return 1; }
	for w in fault alloc0 alloc3 alloc9; do
		workload "$w" || echo "info error workload-$w-owners-warm"
	done
	sleep 1
	owners_snap owners_on
	awk '$1 == "owners" && $2 == "on" {
		print "mem owners_seconds " $3; print "mem owners_sites " $4
		print "mem owners_stacks " $5; print "mem owners_pages " $6
		print "mem owners_unknown " $7; print "mem owners_unsaved " $8
		print "mem owners_slot_bytes " $9 }' "$dbg/owners"
	awk '$1 == "counter" && $2 ~ /^owner_/ { print "mem owners_" $2, $3 }' \
		"$dbg/stats"
	t1=$(depot_table_lines)
	if [ "$t1" -gt "$t0" ]; then
		e=$(dmesg | sed -n \
			's/.*allocating hash table of \([0-9]*\) entries.*/\1/p' |
			tail -n 1)
		echo "mem owners_depot_table_entries ${e:--}"
	elif [ "$t0" -gt 0 ]; then
		echo "info owners_depot_table before"
	fi
	echo "owners off" >"$dbg/control" || echo "info error owners-off"
	sleep 1
	owners_snap owners_off
}

# ftrace_stack_frames: the frames of the stacks the trigger takes, from a
# short run of the fault and allocator loops whose trace the ring buffer
# holds whole (frames are its " => " lines).  Its stacks start where the
# owners probe's do, at the function that emitted the event; the probe
# saves at most 16 frames of it, the trigger every one.  Untimed.
ftrace_stack_frames()
{
	for w in fault alloc0; do
		ftrace_on stacks
		if [ "$w" = fault ]; then
			memdesc_bench fault 4 1 >/dev/null
		else
			echo "0 1000" >"$bench_ctl"
		fi
		echo 0 >"$tr/tracing_on"
		awk -v w="$w" '/<stack trace>/ { n++; in_st = 1; next }
			in_st && /^ => / { f++; next } { in_st = 0 }
			END { printf "info ftrace_stack_frames %s %d %.1f\n", w, n,
			      n ? f / n : 0 }' "$tr/trace"
		ftrace_off stacks
	done
}

# stack_measure REP: the two parts of an owner's cost apart, in the
# allocator loop's context with memdesc not loaded: stack_trace_save()
# calls (walk), and depot saves of a stack the depot holds (depot), each
# with 0 and 8 frames of recursion below the writer, so that what a frame
# adds shows (a frame of the module: the unwinder finds a module's unwind
# table by a search that a core-kernel frame does not need).
stack_measure()
{
	for kind in walk depot; do
		for extra in 0 8; do
			echo "$kind $extra $stack_calls" >"$bench_ctl" ||
				echo "info error stack-$kind-$extra"
			r=$(awk '{ if ($8 != 0) exit 1
				   printf "%.1f %d %d\n", $6 / $4, $4, $16 }' \
				"$bench_ctl") || r="- 0 0"
			echo "stackcost $kind $extra $1 $r"
		done
	done
}

# The order in a round is base, memdesc, owners, ftrace, ftrace_stacks: not
# loaded; loaded, owners off; loaded with owners=1 (the module parameter,
# each round a fresh load as memdesc's); the same tracepoints into the ring
# buffer; and with a stack on each allocation.  Then the stack's cost
# apart.  Owners first go on, for the memory figures, in owners_mem, whose
# run warms the depot.
owners_part()
{
	insmod "$BENCH_KO" || { echo "info error insmod-bench"; return 1; }
	memdesc_load
	tracepoints=$(attached)
	echo "info owners_tracepoints $(echo "$tracepoints" | tr ' ' ,)"
	owners_mem
	memdesc_unload
	ftrace_stack_frames
	# One untimed pass: faults in the programs, warms the per-cpu lists.
	owner_measure base 0 >/dev/null
	rep=1
	while [ "$rep" -le "$reps" ]; do
		owner_measure base "$rep"
		memdesc_load
		owner_measure memdesc "$rep"
		memdesc_unload
		memdesc_load owners=1
		d0=$(depot_stat persistent_count)
		owner_measure owners "$rep"
		d1=$(depot_stat persistent_count)
		[ "$d0" = - ] || echo "info owners_depot_new $rep $((d1 - d0))"
		echo "info owners_refills $rep $(awk \
			'$2 == "owner_refills" { print $3 }' "$dbg/stats")"
		memdesc_unload
		owner_measure ftrace "$rep"
		owner_measure ftrace_stacks "$rep"
		stack_measure "$rep"
		rep=$((rep + 1))
	done
	rmmod memdesc_benchmod
}

# One compare read under the function_graph tracer, tracing only
# BENCH_PROFILE_FUNCS, compare's stages: "profile <function> <calls> <ns>"
# for each that ran, its time including its callees', and "profile read
# 1 <ns>" for the traced read as a whole.  Under -icount shift=0 a
# nanosecond is an instruction, so this is where compare's instructions
# go.  Only the listed functions are patched, so the tracer costs nothing
# elsewhere; its cost at each traced call shows as the traced read's
# excess over the untraced reads of scan_part, and "info
# profile_traced_calls" lets the report spread it.  A function the
# compiler inlined cannot be traced: "info profile_untraceable <name>".
# Interrupts are left out (nofuncgraph-irqs).
profile_compare()
{
	if ! grep -qw function_graph "$tr/available_tracers" 2>/dev/null; then
		echo "info error profile-no-function-graph"
		return
	fi
	echo 0 >"$tr/tracing_on"
	: >"$tr/set_ftrace_filter"
	for f in $profile_funcs; do
		echo "$f" >>"$tr/set_ftrace_filter" 2>/dev/null ||
			echo "info profile_untraceable $f"
	done
	echo function_graph >"$tr/current_tracer"
	echo funcgraph-tail >"$tr/trace_options"
	echo nofuncgraph-irqs >"$tr/trace_options"
	# Room for every call: a full ring buffer would drop the earliest.
	kb=$(cat "$tr/buffer_size_kb")
	echo 16384 >"$tr/buffer_size_kb"
	echo >"$tr/trace"
	echo 1 >"$tr/tracing_on"
	r=$(memdesc_bench read "$dbg/compare")
	echo 0 >"$tr/tracing_on"
	echo "profile read 1 ${r% *}"
	echo "info profile_overrun $(cat "$tr"/per_cpu/cpu*/stats |
		awk '$1 == "overrun:" { n += $2 } END { print n + 0 }')"
	# "  1234.567 us   |    name();" for a call with no traced callee,
	# "  1234.567 us   |  } /* name */" at the end of one with them.
	awk '
	match($0, /[0-9.]+ us +\|/) {
		d = substr($0, RSTART, RLENGTH)
		sub(/ us.*/, "", d)
		f = substr($0, RSTART + RLENGTH)
		if (f ~ /\/\* .* \*\//) {
			sub(/.*\/\* */, "", f)
			sub(/ *\*\/.*/, "", f)
		} else {
			sub(/^ +/, "", f)
			sub(/\(\);.*/, "", f)
		}
		sub(/ \[.*\]$/, "", f)
		calls[f]++
		all++
		ns[f] += d * 1000
	}
	END {
		for (f in calls)
			printf "profile %s %d %.0f\n", f, calls[f], ns[f]
		printf "info profile_traced_calls %d\n", all
	}
	' "$tr/trace"
	# The funcgraph options exist only while function_graph is current.
	echo nofuncgraph-tail >"$tr/trace_options"
	echo funcgraph-irqs >"$tr/trace_options"
	echo nop >"$tr/current_tracer"
	: >"$tr/set_ftrace_filter"
	echo "${kb%% *}" >"$tr/buffer_size_kb"
	echo >"$tr/trace"
}

# scan_files PREFIX: one read of compare and of summary, timed, as "scan
# PREFIXcompare" and "scan PREFIXsummary" records of round $rep.
scan_files()
{
	r=$(memdesc_bench read "$dbg/compare")
	pfns=$(awk '$1 == "compared" { print $2 }' "$dbg/compare")
	echo "scan ${1}compare $rep ${r% *} $pfns"
	r=$(memdesc_bench read "$dbg/summary")
	pfns=$(awk '$1 == "spanned" { print $2 }' "$dbg/summary")
	echo "scan ${1}summary $rep ${r% *} $pfns"
}

# The PFNs page-types reads: up to the end of the last range memdesc spans.
scan_part()
{
	memdesc_load
	end=$(awk '$1 == "range" { e = $3 + $4; if (e > m) m = e }
		   END { printf "%d\n", m }' "$dbg/layout")
	echo "info scan_end_pfn $end"
	rep=1
	while [ "$rep" -le "$scan_reps" ]; do
		scan_files ""
		r=$(memdesc_bench exec page-types -a "0,$end")
		echo "scan page-types $rep ${r% *} $end"
		[ "${r#* }" = 0 ] || echo "info error page-types-exit ${r#* }"
		rep=$((rep + 1))
	done
	profile_compare
	memdesc_unload
	# The previous release's scans in the same boot, for the ratios.
	[ -f "$PREV_KO" ] || return 0
	prev_load
	rep=1
	while [ "$rep" -le "$scan_reps" ]; do
		scan_files prev-
		rep=$((rep + 1))
	done
	memdesc_unload
}

# meminfo KEY: the value in kB.
meminfo()
{
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# Bytes in every slab cache: active objects times object size.
slab_bytes()
{
	awk 'NR > 2 { s += $2 * $4 } END { printf "%d\n", s }' /proc/slabinfo
}

# The vmalloc areas memdesc's own code asked for (the module loader's, for
# its text and data, name no module): "<bytes> <areas>".  Each area's size
# in vmallocinfo includes its guard page, which holds no memory.
vmalloc_memdesc()
{
	awk '/\[memdesc\]/ { s += $2; n++ } END { printf "%d %d\n", s, n }' \
		/proc/vmallocinfo
}

# snap PREFIX: the counters that a load can move.  Slab (meminfo) also
# counts kmalloc()'s page-sized allocations, which is where the section
# chunks go; slabinfo does not.
snap()
{
	echo "mem ${1}_memfree_kb $(meminfo MemFree)"
	echo "mem ${1}_vmallocused_kb $(meminfo VmallocUsed)"
	echo "mem ${1}_meminfo_slab_kb $(meminfo Slab)"
	echo "mem ${1}_slab_bytes $(slab_bytes)"
	echo "mem ${1}_percpu_kb $(meminfo Percpu)"
}

# The guest's RAM: "<start-pfn> <end-pfn>" (end exclusive) of every
# top-level "System RAM" range of /proc/iomem (addresses are shown to root
# only), whole pages.  Shell arithmetic: busybox awk has no 64-bit hex.
iomem_ram()
{
	while IFS= read -r line; do
		case $line in
		" "*)			continue ;;
		*" : System RAM")	;;
		*)			continue ;;
		esac
		r=${line%% *}
		echo "$(((0x${r%-*} + 4095) / 4096)) $(((0x${r#*-} + 1) / 4096))"
	done </proc/iomem
}

# The listed ranges of the loaded module: "<start-pfn> <end-pfn>".
layout_ranges()
{
	awk '$1 == "range" { print $3, $3 + $4 }' "$dbg/layout"
}

# overlap FILE-A FILE-B: PFNs in both sets of ranges (each sorted, not
# overlapping within itself).
overlap()
{
	sum=0
	while read -r a0 a1; do
		while read -r b0 b1; do
			lo=$a0
			[ "$b0" -gt "$lo" ] && lo=$b0
			hi=$a1
			[ "$b1" -lt "$hi" ] && hi=$b1
			[ "$hi" -gt "$lo" ] && sum=$((sum + hi - lo))
		done <"$2"
	done <"$1"
	echo "$sum"
}

# ram_records: the RAM the guest has, and the holes between its ranges.
ram_records()
{
	iomem_ram >/tmp/ram.ranges
	ram=0
	n=0
	holes=0
	hole_max=0
	end=
	while read -r s e; do
		ram=$((ram + e - s))
		n=$((n + 1))
		if [ -n "$end" ] && [ "$s" -gt "$end" ]; then
			holes=$((holes + s - end))
			[ $((s - end)) -gt "$hole_max" ] && hole_max=$((s - end))
		fi
		end=$e
	done </tmp/ram.ranges
	echo "mem ram_pfns $ram"
	echo "mem ram_ranges $n"
	echo "mem ram_end_pfn ${end:-0}"
	echo "mem hole_pfns $holes"
	echo "mem hole_max_pfns $hole_max"
	sed 's/^/info iomem_ram /' /tmp/ram.ranges
}

# layout_records PREFIX: what the loaded module lists, against the RAM.
layout_records()
{
	layout_ranges >/tmp/layout.ranges
	awk -v p="$1" '{ n++; s += $2 - $1; if ($2 > e) e = $2 }
		END { printf "mem %slayout_pfns %d\nmem %slayout_ranges %d\nmem %slayout_end_pfn %d\n",
		      p, s, p, n, p, e }' /tmp/layout.ranges
	echo "mem ${1}layout_ram_pfns $(overlap /tmp/layout.ranges /tmp/ram.ranges)"
	awk -v p="$1" '$1 == "pfns" || $1 == "untracked_pfns" ||
		       $1 ~ /^shadow.*_bytes$/ || $1 == "chunks" ||
		       $1 == "chunks_vmalloc" { print "mem " p $1, $2 }' \
		"$dbg/stats"
}

# Memory: before and after insmod, after settling.  The vmallocinfo lines
# name their caller, so vmalloc memory of the module's own (the previous
# release's shadow, chunks kvmalloc() could not place in one piece) is
# counted exactly.  Then the previous release, loaded alone, for its size.
mem_part()
{
	ram_records
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	snap before
	memdesc_load
	sleep 1
	snap after
	awk '$1 == "spanned" { print "mem spanned " $2 }' "$dbg/summary"
	layout_records ""
	v=$(vmalloc_memdesc)
	echo "mem vmalloc_memdesc_bytes ${v% *}"
	echo "mem vmalloc_memdesc_areas ${v#* }"
	awk '$1 == "memdesc" { print "mem module_core_bytes " $2 }' \
		/proc/modules
	grep '\[memdesc\]' /proc/vmallocinfo | sed 's/^/info vmallocinfo /'
	memdesc_unload
	[ -f "$PREV_KO" ] || { echo "info prev absent"; return 0; }
	prev_load
	layout_records prev_
	v=$(vmalloc_memdesc)
	echo "mem prev_vmalloc_memdesc_bytes ${v% *}"
	memdesc_unload
}

# === irqsoff: the longest stretch with interrupts off ===

# Pages on every per-cpu list now, and the largest list's high mark.
pcp_pages()
{
	awk '$1 == "count:" { c += $2 } END { print c + 0 }' /proc/zoneinfo
}

pcp_high_max()
{
	awk '$1 == "high:" && $2 > m { m = $2 } END { print m + 0 }' \
		/proc/zoneinfo
}

# pcp_fill: fault in and free, on each CPU in turn, a little more memory
# than its largest list holds: the pages freed stay on that CPU's list up
# to its high mark.  THP is off for the mapping (memdesc_bench fault).
pcp_fill()
{
	mib=$(($(pcp_high_max) * 4 * 5 / 4 / 1024 + 16))
	cpu=0
	while [ "$cpu" -lt "$ncpus" ]; do
		taskset -c "$cpu" memdesc_bench fault "$mib" 1 >/dev/null ||
			echo "info error irqsoff-fill-cpu$cpu"
		cpu=$((cpu + 1))
	done
}

# The window: the maximum reset and recording on just before the step,
# recording off just after, so what is read afterwards is the step's.
irqsoff_reset()
{
	echo 0 >"$tr/tracing_max_latency"
	echo 1 >"$tr/tracing_on"
}

irqsoff_stop()
{
	echo 0 >"$tr/tracing_on"
}

# "<max-us> <cpu>" and, last, "<started-at> <ended-at>" of the longest
# stretch since the reset, from the irqsoff trace's header.
irqsoff_result()
{
	us=$(cat "$tr/tracing_max_latency")
	cpu=$(sed -n 's/^# latency:.*CPU#\([0-9]*\).*/\1/p' "$tr/trace" | head -n 1)
	started=$(sed -n 's/^#  *=> started at: *//p' "$tr/trace" | head -n 1)
	ended=$(sed -n 's/^#  *=> ended at: *//p' "$tr/trace" | head -n 1)
	echo "$us ${cpu:--} $1 $2 ${started:-?} ${ended:-?}"
}

# irqsoff_trace SCENARIO COND REP: the longest stretch's trace as info
# lines: its header, and the stack the tracer took where it ended.
irqsoff_trace()
{
	grep -v '^#  *|\|^# *$\|^#  *-*$' "$tr/trace" |
		sed "s/^/info irqsoff_trace $1 $2 $3 /"
}

# irqsoff_compare COND REP: the per-cpu lists full on every CPU, then
# compare (memdesc) or page-types over the same PFNs (base), on the traced
# CPU: the kernel's own longest stretch under that load is what compare is
# held against.
irqsoff_compare()
{
	pcp_fill
	pages=$(pcp_pages)
	irqsoff_reset
	if [ "$1" = memdesc ]; then
		r=$(taskset -c "$irqsoff_cpu" memdesc_bench read "$dbg/compare")
	else
		r=$(taskset -c "$irqsoff_cpu" memdesc_bench exec page-types -a "0,$ram_end")
	fi
	irqsoff_stop
	[ "$1" = base ] && [ "${r#* }" != 0 ] &&
		echo "info error page-types-exit ${r#* }"
	echo "irqsoff compare $1 $2 $(irqsoff_result "${r% *}" "$pages")"
	irqsoff_trace compare "$1" "$2"
	[ "$1" = memdesc ] &&
		awk '$1 == "counter" && $2 == "pcp_truncated" { print "info irqsoff_pcp_truncated", $3 }' \
			"$dbg/stats"
}

# irqsoff_hugetlb COND REP: a 1 GiB hugetlb folio faulted into a memfd and
# truncated away, on the traced CPU; the helper opens the window just
# before the truncation and closes it just after.
irqsoff_hugetlb()
{
	ev0=0
	[ "$1" = memdesc ] && ev0=$(delete_events)
	r=$(taskset -c "$irqsoff_cpu" memdesc_bench hugetlb "$tr") ||
		{ echo "info error irqsoff-hugetlb-$1"; return; }
	echo "irqsoff hugetlb $1 $2 $(irqsoff_result "${r% *}" -)"
	irqsoff_trace hugetlb "$1" "$2"
	if [ "$1" = memdesc ]; then
		echo "info irqsoff_hugetlb_delete_events $(($(delete_events) - ev0))"
		awk '$1 == "counter" && $2 == "bad_block" { print "info irqsoff_bad_block", $3 }' \
			"$dbg/stats"
	fi
}

delete_events()
{
	awk '$1 == "event" && $2 == "mm_filemap_delete_from_page_cache" { print $4 }' \
		"$dbg/stats"
}

# One 1 GiB page in the hugetlb pool, allocated now (alloc_contig_pages).
hugetlb_pool()
{
	h=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
	[ -w "$h" ] || { echo "info error hugetlb-no-1g-pages"; return 1; }
	echo 1 >"$h"
	[ "$(cat "$h")" = 1 ] ||
		{ echo "info error hugetlb-1g-pool $(cat "$h")"; return 1; }
}

# Each scenario without memdesc and with it, in this boot, under the
# irqsoff tracer (whose hooks cost both conditions alike).  The step runs
# on CPU 0 and only CPU 0 is traced (tracing_cpumask): under TCG the vCPUs
# take turns on one host thread, so an idle vCPU's timer interrupt that
# spans another vCPU's turn reads as tens of milliseconds with interrupts
# off, and over all CPUs that is the maximum whatever the step does.
irqsoff_part()
{
	irqsoff_cpu=0
	ncpus=$(grep -c ^processor /proc/cpuinfo)
	ram_records >/dev/null
	ram_end=$(awk 'END { print $2 }' /tmp/ram.ranges)
	echo "$irqsoff_fraction" >/proc/sys/vm/percpu_pagelist_high_fraction ||
		echo "info error percpu_pagelist_high_fraction"
	echo "info irqsoff_pcp_high_max $(pcp_high_max)"
	echo "info irqsoff_end_pfn $ram_end"
	scenarios=
	for sc in $irqsoff_scenarios; do
		[ "$sc" = hugetlb ] && ! hugetlb_pool && continue
		scenarios="$scenarios $sc"
	done
	echo 0 >"$tr/tracing_on"
	# The debug kernels have the function tracer (their kprobes sit on
	# ftrace, as Debian's do), and a latency tracer then records every
	# function called with interrupts off, stretching what it measures:
	# only the stretch, as without it.
	if [ -e "$tr/options/function-trace" ]; then
		echo 0 >"$tr/options/function-trace"
	fi
	echo irqsoff >"$tr/current_tracer" ||
		{ echo "info error irqsoff-tracer"; return 1; }
	printf '%x\n' $((1 << irqsoff_cpu)) >"$tr/tracing_cpumask"
	echo "info irqsoff_traced_cpu $irqsoff_cpu"
	rep=1
	while [ "$rep" -le "$irqsoff_reps" ]; do
		for sc in $scenarios; do
			"irqsoff_$sc" base "$rep"
			memdesc_load
			"irqsoff_$sc" memdesc "$rep"
			memdesc_unload
		done
		rep=$((rep + 1))
	done
	echo nop >"$tr/current_tracer"
	echo 1 >"$tr/tracing_on"
}

# === preemptoff: the longest stretch with preemption off ===

# A vmalloc() of 4096 pages (16 MiB) and its vfree(), four times; a
# per-cpu area of 32 KiB on every CPU and its free, sixteen times.
preemptoff_vmalloc_pages=4096
preemptoff_percpu_bytes=32768

# preemptoff_step SCENARIO: the scenario's allocations, on the traced CPU.
preemptoff_step()
{
	case $1 in
	vmalloc|bulk)
		cmd="echo vmalloc $preemptoff_vmalloc_pages 4 >$bench_ctl" ;;
	percpu)	cmd="echo percpu $preemptoff_percpu_bytes 16 >$bench_ctl" ;;
	compare) cmd="memdesc_bench read $dbg/compare >/dev/null" ;;
	esac
	taskset -c "$irqsoff_cpu" sh -c "$cmd" ||
		echo "info error preemptoff-step-$1"
}

# preemptoff_one SCENARIO COND REP: one step, traced.  bulk is vmalloc
# with owners on: the bulk allocator hands vmalloc its pages, up to 100
# a call, and each page had a stack of its own before.  compare has no
# base: it is memdesc's own walk.
preemptoff_one()
{
	owners=
	[ "$1" = bulk ] && owners=owners=1
	case $2 in
	base)	[ "$1" = compare ] && return ;;
	prev)	# shellcheck disable=SC2086	# one parameter or none
		insmod "$PREV_KO" $owners ||
			{ echo "info error insmod-prev"; return; } ;;
	memdesc)
		# shellcheck disable=SC2086	# one parameter or none
		memdesc_load $owners ;;
	esac
	# What the load left queued is done before the window opens.
	[ "$2" != base ] && memdesc_bench read "$dbg/summary" >/dev/null
	t0=$(cut -d ' ' -f 1 /proc/uptime)
	irqsoff_reset
	preemptoff_step "$1"
	irqsoff_stop
	ns=$(awk -v a="$t0" -v b="$(cut -d ' ' -f 1 /proc/uptime)" \
		'BEGIN { printf "%.0f", (b - a) * 1e9 }')
	case $1 in
	percpu)	pages=$((preemptoff_percpu_bytes / 4096 * ncpus)) ;;
	compare) pages=- ;;
	*)	pages=$preemptoff_vmalloc_pages ;;
	esac
	echo "preemptoff $1 $2 $3 $(irqsoff_result "$ns" "$pages")"
	irqsoff_trace "preemptoff_$1" "$2" "$3"
	[ "$2" = base ] && return
	awk -v w="$1 $2 $3" '$1 == "counter" &&
		($2 == "deferred" || $2 == "hook_truncated") {
		print "info preemptoff_" $2, w, $3 }' "$dbg/stats"
	preemptoff_handlers "$@"
	memdesc_unload
}

# The probes' own stretches, which the kernel's longest may hide: the step
# again, under the function_graph tracer of just the handlers (each runs
# with preemption off) and the worker's batch, on the traced CPU.
# "handler <scenario> <cond> <rep> <function> <calls> <max-us> <sum-us>".
preemptoff_funcs="memdesc_hook_vmalloc_ret memdesc_probe_percpu_alloc memdesc_hook_bulk_ret memdesc_defer_batch"

preemptoff_handlers()
{
	: >"$tr/set_ftrace_filter"
	for f in $preemptoff_funcs; do
		echo "$f" >>"$tr/set_ftrace_filter" 2>/dev/null
	done
	echo function_graph >"$tr/current_tracer" || return
	echo nofuncgraph-irqs >"$tr/trace_options"
	echo >"$tr/trace"
	echo 1 >"$tr/tracing_on"
	preemptoff_step "$1"
	[ "$1" = compare ] || memdesc_bench read "$dbg/summary" >/dev/null
	echo 0 >"$tr/tracing_on"
	awk -v w="$1 $2 $3" '
	match($0, /[0-9.]+ us +\|/) {
		d = substr($0, RSTART, RLENGTH)
		sub(/ us.*/, "", d)
		f = substr($0, RSTART + RLENGTH)
		sub(/^ +/, "", f)
		sub(/\(\);.*/, "", f)
		sub(/ \[.*\]$/, "", f)
		d += 0
		calls[f]++
		sum[f] += d
		if (d > max[f] + 0)
			max[f] = d
	}
	END {
		for (f in calls)
			printf "handler %s %s %d %.1f %.1f\n", w, f, calls[f], max[f], sum[f]
	}' "$tr/trace"
	echo funcgraph-irqs >"$tr/trace_options"
	echo preemptoff >"$tr/current_tracer"
	: >"$tr/set_ftrace_filter"
	echo >"$tr/trace"
}

# Each scenario without memdesc, with the previous build (when the host
# put one in) and with this one, in this boot, under the preemptoff
# tracer.  As for irqsoff, only CPU 0 is traced and the step runs there;
# so do the unbound workqueues (memdesc's worker among them), so that a
# stretch a probe hands to the worker is measured where it went.
preemptoff_part()
{
	irqsoff_cpu=0
	ncpus=$(grep -c ^processor /proc/cpuinfo)
	wq=/sys/devices/virtual/workqueue/cpumask
	wq_mask=$(cat "$wq" 2>/dev/null)
	printf '%x\n' $((1 << irqsoff_cpu)) >"$wq" 2>/dev/null ||
		echo "info error preemptoff-workqueue-cpumask"
	insmod "$BENCH_KO" || { echo "info error insmod-bench"; return 1; }
	conds="base memdesc"
	[ -r "$PREV_KO" ] && conds="base prev memdesc"
	echo 0 >"$tr/tracing_on"
	[ -e "$tr/options/function-trace" ] &&
		echo 0 >"$tr/options/function-trace"
	echo preemptoff >"$tr/current_tracer" ||
		{ echo "info error preemptoff-tracer"; rmmod memdesc_benchmod; return 1; }
	printf '%x\n' $((1 << irqsoff_cpu)) >"$tr/tracing_cpumask"
	echo "info preemptoff_traced_cpu $irqsoff_cpu"
	rep=1
	while [ "$rep" -le "$preemptoff_reps" ]; do
		for sc in $preemptoff_scenarios; do
			for cond in $conds; do
				preemptoff_one "$sc" "$cond" "$rep"
			done
		done
		rep=$((rep + 1))
	done
	echo nop >"$tr/current_tracer"
	echo 1 >"$tr/tracing_on"
	rmmod memdesc_benchmod
	[ -n "$wq_mask" ] && echo "$wq_mask" >"$wq"
}

mount -t tracefs tracefs "$tr" 2>/dev/null
# shellcheck disable=SC2086	# one line from a word list
echo "info parts $(echo $parts | tr ' ' ,)"
echo "info cpus $(grep -c ^processor /proc/cpuinfo)"
echo "info thp $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
for p in $parts; do
	t0=$(cut -d ' ' -f 1 /proc/uptime)
	"${p}_part"
	echo "info part_${p}_s $(awk -v a="$t0" -v b="$(cut -d ' ' -f 1 /proc/uptime)" 'BEGIN { printf "%.0f", b - a }')"
done
