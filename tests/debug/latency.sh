#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# latency.sh irqsoff|preemptoff - the longest stretch with interrupts or
# with preemption off, by the kernel's latency tracer of that name, with
# memdesc and without it, in one boot of a debug tier kernel.
#
# irqsoff (make bench-irqsoff): Debian's kernels have no irqsoff tracer; the
# debug tier's kernels have one (tests/debug/common.config:
# CONFIG_IRQSOFF_TRACER), so this boots the KASAN tier's
# (tests/debug/build-kernel.sh kasan, cached in .cache/debug/kasan/build;
# the figures in docs/BENCHMARKS.md are from it), in bench mode with
# tests/vm/bench.sh's irqsoff part, on a guest of MEMDESC_IRQSOFF_MEM
# (default 32G) over two nodes with MEMDESC_IRQSOFF_CPUS vCPUs (default 8)
# and 1 GiB pages.  Two scenarios, each without memdesc and then with it:
#
#   compare   every CPU's per-cpu lists as full as the kernel lets them be
#             (percpu_pagelist_high_fraction 8, then memory faulted in and
#             freed on each CPU under taskset), then compare read to its
#             end; without memdesc, page-types over the same PFNs under the
#             same load, for the kernel's own longest stretch
#   hugetlb   a 1 GiB hugetlb folio faulted into a memfd and truncated
#             away: mm_filemap_delete_from_page_cache fires for 262,144
#             PFNs under xa_lock_irq
#
# MEMDESC_BENCH_IRQSOFF_REPS (1) rounds, MEMDESC_BENCH_IRQSOFF_SCENARIOS
# ("compare hugetlb").
#
# preemptoff (make bench-preemptoff): on PREEMPT_RT spinlocks sleep, so the
# stretches with preemption off are what is left of the kernel's latency,
# and every probe of memdesc is one.  This boots the rt tier's kernel
# (tests/debug/build-kernel.sh rt: 6.12 with PREEMPT_RT, lockdep and the
# preemptoff tracer), in bench mode with tests/vm/bench.sh's preemptoff
# part, on a guest of MEMDESC_PREEMPTOFF_MEM (default 4G) over two nodes
# with MEMDESC_PREEMPTOFF_CPUS vCPUs (default 8: a per-cpu area has a copy
# on each).  Scenarios, each without memdesc, with the build of git
# revision MEMDESC_PREEMPTOFF_PREV (if set; the condition "prev") and with
# this tree's:
#
#   vmalloc   4 x vmalloc()/vfree() of 16 MiB: the hook on
#             __vmalloc_node_range()'s return types the area's pages
#   percpu    16 x __alloc_percpu()/free_percpu() of 32 KiB a CPU: the
#             percpu_alloc_percpu probe marks the pages behind each copy
#   bulk      vmalloc with owners on: alloc_pages_bulk() hands vmalloc up
#             to 100 pages a call, the hook records their allocation site
#   compare   compare read to its end (memdesc's own walk; no base)
#
# The unbound workqueues (memdesc's worker among them) run on the traced
# CPU too, so what a probe leaves to the worker is measured where it runs.
# MEMDESC_BENCH_PREEMPTOFF_REPS (3) rounds,
# MEMDESC_BENCH_PREEMPTOFF_SCENARIOS ("vmalloc percpu bulk compare").
#
# Both: the debug kernels have lockdep, and the irqsoff one KASAN, so every
# time is inflated; only the conditions of one scenario, side by side,
# mean anything.  The step runs on CPU 0, the only CPU traced: under TCG
# the vCPUs take turns on one host thread, and an idle vCPU's timer
# interrupt spanning another's turn would otherwise be the maximum.  The
# guest clock is QEMU's instruction count (MEMDESC_BENCH_ICOUNT, default 0
# as for make bench; "off" for the host clock), so the figures do not move
# with the load on the host.  Records go to .cache/bench-TRACER/, the
# tables (scripts/bench-report.awk) to .cache/bench-TRACER/results.md and
# standard output.  MEMDESC_VM_TIMEOUT (seconds, default 7200) bounds the
# boot.  Exits non-zero if the boot or a scenario failed.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tracer=${1:-}
case $tracer in
irqsoff)
	tier=kasan
	options="IRQSOFF_TRACER"
	mem=${MEMDESC_IRQSOFF_MEM:-32G}
	cpus=${MEMDESC_IRQSOFF_CPUS:-8}
	extra=--gbpages
	prev_rev=
	what="kasan.config: KASAN, lockdep"
	;;
preemptoff)
	tier=rt
	options="PREEMPT_RT PREEMPT_TRACER"
	mem=${MEMDESC_PREEMPTOFF_MEM:-4G}
	cpus=${MEMDESC_PREEMPTOFF_CPUS:-8}
	extra=
	prev_rev=${MEMDESC_PREEMPTOFF_PREV:-}
	what="rt.config: PREEMPT_RT, lockdep"
	;;
*)
	echo "usage: latency.sh irqsoff|preemptoff" >&2
	exit 2
	;;
esac
out=$top/.cache/bench-$tracer
icount=${MEMDESC_BENCH_ICOUNT:-0}
[ "$icount" = off ] && icount=

say()
{
	echo "latency.sh $tracer: $*" >&2
}

# One build at a time in .cache/debug/TIER/build: make check-debug may
# be building it now.
if pgrep -f "tests/debug/build-kernel\.sh $tier" >/dev/null; then
	say "a $tier tier kernel build is running; try again when it ends"
	exit 1
fi
kdir=$(tests/debug/build-kernel.sh "$tier") || {
	say "no $tier kernel (tests/debug/build-kernel.sh failed)"
	exit 1
}
kver=$(cat "$kdir/include/config/kernel.release")
for opt in $options; do
	if ! grep -q "^CONFIG_$opt=y" "$kdir/.config"; then
		say "$kver has no CONFIG_$opt"
		exit 1
	fi
done

mkdir -p "$out"
rm -rf "$out"/*.bench "$out"/*.log "$out/prev-src" "$out/build-prev"
# The earlier build, for the condition "prev".
prev_ko=
prev_name=
if [ -n "$prev_rev" ]; then
	prev_name=$(git rev-parse --verify --quiet --short "$prev_rev^{commit}") || {
		say "no revision $prev_rev"
		exit 1
	}
	mkdir -p "$out/prev-src"
	git archive "$prev_name" | tar -x -C "$out/prev-src"
	prev_ko=$("$out/prev-src/scripts/build-module.sh" "$kdir" \
		"$out/build-prev" 2>"$out/prev.log") || {
		say "building $prev_name failed; see $out/prev.log"
		exit 1
	}
fi

log=$out/$kver-$mem.log
clock="host (TCG wall clock)"
[ -n "$icount" ] && clock="icount-shift-$icount"
say "$kver, $mem guest, $cpus vCPUs, clock $clock${prev_name:+, prev $prev_name}"
start=$(date +%s)
# shellcheck disable=SC2086	# --gbpages or nothing
MEMDESC_VM_ICOUNT=$icount MEMDESC_VM_TIMEOUT=${MEMDESC_VM_TIMEOUT:-7200} \
MEMDESC_VM_PREV_KO=$prev_ko MEMDESC_BENCH_PARTS=$tracer \
	tests/vm/run.sh --kdir "$kdir" --bench --mem "$mem" --cpus "$cpus" \
	$extra >"$log" 2>&1
failed=0
if grep -q '^not ok' "$log" || ! grep -q 'bench ran' "$log"; then
	say "the boot failed; see $log"
	grep '^not ok' "$log" >&2
	failed=1
fi
if [ -s ".cache/vm/$kver.bench" ]; then
	{
		cat ".cache/vm/$kver.bench"
		echo "info clock $clock"
		echo "info nodes 2"
		[ -n "$prev_name" ] && echo "info prev_rev $prev_name"
	} >"$out/$kver-$mem.bench"
fi

{
	echo "<!-- tests/debug/latency.sh $tracer (make bench-$tracer), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes') -->"
	echo "<!-- kernel: $kver (tests/debug/common.config + $what); guest $mem, $cpus vCPUs, 2 nodes${extra:+, 1 GiB pages}; QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG -->"
	echo "<!-- clock: $clock; host $(nproc) CPUs; wall $(($(date +%s) - start)) s -->"
	scripts/bench.sh --report "$out"
} >"$out/results.md"
cat "$out/results.md"
say "records and report in $out"
exit "$failed"
