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
#	cond: base (memdesc not loaded), memdesc (loaded), off (loaded, tracking
#	disabled through control: every probe attached and called, each
#	returning at its first test - the tracepoint machinery's own cost),
#	ftrace (memdesc not loaded, the same tracepoints recorded into the
#	ftrace ring buffer);
#	events: tracepoint hits during the run - memdesc's stats counts, or
#	the ring buffer's entries + overrun; 0 for base and off
#   scan <what> <rep> <ns> <pfns>
#	what: compare, summary (memdesc's debugfs files), page-types (the
#	kernel's tools/mm/page-types reading /proc/kpageflags over the same
#	PFNs)
#   mem <key> <value>	memory before/after insmod, see mem_part: MemFree,
#	VmallocUsed, Percpu, slab bytes (active objects times size), the
#	vmalloc areas memdesc's code made, /proc/modules' size, the span
#
# The four conditions take turns within each round, so drift in the
# emulator hits them alike.  Settings (from /etc/memdesc-vm.conf):
# BENCH_PARTS ("cost scan mem"), BENCH_REPS, BENCH_FAULT_MIB,
# BENCH_FAULT_LOOPS, BENCH_ALLOC_PAIRS (order 0; order 3 gets 1/4, order 9
# 1/32), BENCH_SCAN_REPS.

MEMDESC_KO=${MEMDESC_KO:-/memdesc.ko}
BENCH_KO=${BENCH_KO:-/memdesc_bench.ko}
parts=${BENCH_PARTS:-cost scan mem}
reps=${BENCH_REPS:-5}
fault_mib=${BENCH_FAULT_MIB:-256}
fault_loops=${BENCH_FAULT_LOOPS:-4}
pairs=${BENCH_ALLOC_PAIRS:-100000}
scan_reps=${BENCH_SCAN_REPS:-3}

dbg=/sys/kernel/debug/memdesc
tr=/sys/kernel/tracing
bench_ctl=/sys/kernel/debug/memdesc_bench/alloc

# Tracepoint names memdesc attached, one a line.  Set while loaded.
tracepoints=

memdesc_load()
{
	insmod "$MEMDESC_KO" || { echo "info error insmod-memdesc"; exit 1; }
}

memdesc_unload()
{
	rmmod memdesc || { echo "info error rmmod-memdesc"; exit 1; }
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

ftrace_on()
{
	echo 0 >"$tr/tracing_on"
	echo >"$tr/trace"
	ftrace_set 1
	echo 1 >"$tr/tracing_on"
}

ftrace_off()
{
	echo 0 >"$tr/tracing_on"
	ftrace_set 0
	echo >"$tr/trace"
}

# workload NAME: run one timed workload, its result in /tmp/bench.out.
workload()
{
	case $1 in
	fault)
		memdesc_bench fault "$fault_mib" "$fault_loops" >/tmp/bench.out
		;;
	alloc*)
		order=${1#alloc}
		n=$pairs
		[ "$order" -ge 3 ] && n=$((pairs / 4))
		[ "$order" -ge 9 ] && n=$((pairs / 32))
		echo "$order $n" >"$bench_ctl"
		;;
	esac
}

# result NAME: "<ns-per-op> <ops>" of the workload just run.
result()
{
	case $1 in
	fault)	cat /tmp/bench.out ;;
	alloc*)	awk '{ if ($8 != 0) exit 1; printf "%.1f %d\n", $6 / $4, $4 }' \
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
		memdesc)	memdesc_events ;;
		ftrace)		ftrace_on ;;
		esac
		before=$sum
		workload "$w" || echo "info error workload-$w-$1"
		case $1 in
		memdesc)	memdesc_events ;;
		ftrace)		echo 0 >"$tr/tracing_on"; ftrace_events ;;
		esac
		ev=$((sum - before))
		[ "$1" = ftrace ] && ftrace_off
		r=$(result "$w") || r="- 0"
		echo "cost $w $1 $2 $r $ev"
	done
}

cost_part()
{
	insmod "$BENCH_KO" || { echo "info error insmod-bench"; return 1; }
	memdesc_load
	tracepoints=$(awk '$1 == "event" && $3 == 1 { print $2 }' "$dbg/stats")
	memdesc_unload
	# shellcheck disable=SC2086	# one line from a word list
	echo "info tracepoints $(echo $tracepoints | tr ' ' ,)"
	echo "info ftrace_buffer_kb $(cat "$tr/buffer_size_kb")"
	# One untimed pass: faults in the programs, warms the per-cpu lists.
	measure base 0 >/dev/null
	rep=1
	while [ "$rep" -le "$reps" ]; do
		measure base "$rep"
		memdesc_load
		measure memdesc "$rep"
		echo disable >"$dbg/control" ||
			{ echo "info error control-disable"; exit 1; }
		measure off "$rep"
		memdesc_unload
		measure ftrace "$rep"
		rep=$((rep + 1))
	done
	rmmod memdesc_bench
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
		r=$(memdesc_bench read "$dbg/compare")
		pfns=$(awk '$1 == "compared" { print $2 }' "$dbg/compare")
		echo "scan compare $rep ${r% *} $pfns"
		r=$(memdesc_bench read "$dbg/summary")
		pfns=$(awk '$1 == "spanned" { print $2 }' "$dbg/summary")
		echo "scan summary $rep ${r% *} $pfns"
		r=$(memdesc_bench exec page-types -a "0,$end")
		echo "scan page-types $rep ${r% *} $end"
		[ "${r#* }" = 0 ] || echo "info error page-types-exit ${r#* }"
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

# snap PREFIX: the counters that a load can move.
snap()
{
	echo "mem ${1}_memfree_kb $(meminfo MemFree)"
	echo "mem ${1}_vmallocused_kb $(meminfo VmallocUsed)"
	echo "mem ${1}_slab_bytes $(slab_bytes)"
	echo "mem ${1}_percpu_kb $(meminfo Percpu)"
}

# Memory: before and after insmod, after settling.  The vmallocinfo lines
# name their caller, so the shadow (and nothing else) is counted exactly.
mem_part()
{
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	snap before
	memdesc_load
	sleep 1
	snap after
	awk '$1 == "spanned" { print "mem spanned " $2 }' "$dbg/summary"
	awk '$1 == "shadow_bytes" { print "mem shadow_bytes " $2 }' \
		"$dbg/stats"
	v=$(vmalloc_memdesc)
	echo "mem vmalloc_memdesc_bytes ${v% *}"
	echo "mem vmalloc_memdesc_areas ${v#* }"
	awk '$1 == "memdesc" { print "mem module_core_bytes " $2 }' \
		/proc/modules
	grep '\[memdesc\]' /proc/vmallocinfo | sed 's/^/info vmallocinfo /'
	memdesc_unload
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
