#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# preemptoff.sh - make bench-preemptoff: the longest stretch with
# preemption off on a PREEMPT_RT kernel, without memdesc, with an earlier
# build of it, and with this one.
#
# On PREEMPT_RT, spinlocks sleep, so the stretches with preemption off are
# what is left of the kernel's latency, and every probe of memdesc is one.
# This boots the rt tier's kernel (tests/debug/build-kernel.sh rt, cached
# in .cache/debug/rt/build: 6.12 with PREEMPT_RT, lockdep and the
# preemptoff tracer) once, in bench mode with tests/vm/bench.sh's
# preemptoff part, on a guest of MEMDESC_PREEMPTOFF_MEM (default 4G) over
# two nodes with MEMDESC_PREEMPTOFF_CPUS vCPUs (default 8: a per-cpu area
# has a copy on each).  Scenarios, each without memdesc, with the build of
# git revision MEMDESC_PREEMPTOFF_PREV (if set; the condition "prev") and
# with this tree's:
#
#   vmalloc   4 x vmalloc()/vfree() of 16 MiB: the hook on
#             __vmalloc_node_range()'s return types the area's pages
#   percpu    16 x __alloc_percpu()/free_percpu() of 32 KiB a CPU: the
#             percpu_alloc_percpu probe marks the pages behind each copy
#   bulk      vmalloc with owners on: alloc_pages_bulk() hands vmalloc up
#             to 100 pages a call, the hook records their allocation site
#   compare   compare read to its end (memdesc's own walk; no base)
#
# The step runs on CPU 0, the only CPU traced, and so do the unbound
# workqueues, memdesc's worker among them: what a probe leaves to the
# worker is measured where it runs.  The guest clock is QEMU's instruction
# count (MEMDESC_BENCH_ICOUNT, default 0; "off" for the host clock).
# Records go to .cache/bench-preemptoff/, the table (scripts/bench-report.awk)
# to .cache/bench-preemptoff/results.md and standard output.
# MEMDESC_BENCH_PREEMPTOFF_REPS (3) rounds, MEMDESC_BENCH_PREEMPTOFF_SCENARIOS
# ("vmalloc percpu bulk compare"); MEMDESC_VM_TIMEOUT (seconds, default
# 7200) bounds the boot.  Exits non-zero if the boot or a scenario failed.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=$top/.cache/bench-preemptoff
mem=${MEMDESC_PREEMPTOFF_MEM:-4G}
cpus=${MEMDESC_PREEMPTOFF_CPUS:-8}
prev_rev=${MEMDESC_PREEMPTOFF_PREV:-}
icount=${MEMDESC_BENCH_ICOUNT:-0}
[ "$icount" = off ] && icount=

if pgrep -f 'tests/debug/build-kernel\.sh rt' >/dev/null; then
	echo "preemptoff.sh: an rt tier kernel build is running; try again when it ends" >&2
	exit 1
fi
kdir=$(tests/debug/build-kernel.sh rt) || {
	echo "preemptoff.sh: no rt kernel (tests/debug/build-kernel.sh failed)" >&2
	exit 1
}
kver=$(cat "$kdir/include/config/kernel.release")
for opt in PREEMPT_RT PREEMPT_TRACER; do
	if ! grep -q "^CONFIG_$opt=y" "$kdir/.config"; then
		echo "preemptoff.sh: $kver has no CONFIG_$opt" >&2
		exit 1
	fi
done

mkdir -p "$out"
rm -rf "$out"/*.bench "$out"/*.log "$out/prev-src" "$out/build-prev"
prev_ko=
prev_name=
if [ -n "$prev_rev" ]; then
	prev_name=$(git rev-parse --verify --quiet --short "$prev_rev^{commit}") || {
		echo "preemptoff.sh: no revision $prev_rev" >&2
		exit 1
	}
	mkdir -p "$out/prev-src"
	git archive "$prev_name" | tar -x -C "$out/prev-src"
	prev_ko=$("$out/prev-src/scripts/build-module.sh" "$kdir" \
		"$out/build-prev" 2>"$out/prev.log") || {
		echo "preemptoff.sh: building $prev_name failed; see $out/prev.log" >&2
		exit 1
	}
fi

log=$out/$kver-$mem.log
clock="host (TCG wall clock)"
[ -n "$icount" ] && clock="icount-shift-$icount"
echo "preemptoff: $kver, $mem guest, $cpus vCPUs, clock $clock${prev_name:+, prev $prev_name}" >&2
start=$(date +%s)
MEMDESC_VM_ICOUNT=$icount MEMDESC_VM_TIMEOUT=${MEMDESC_VM_TIMEOUT:-7200} \
MEMDESC_VM_PREV_KO=$prev_ko MEMDESC_BENCH_PARTS=preemptoff \
	tests/vm/run.sh --kdir "$kdir" --bench --mem "$mem" --cpus "$cpus" \
	>"$log" 2>&1
failed=0
if grep -q '^not ok' "$log" || ! grep -q 'bench ran' "$log"; then
	echo "preemptoff: the boot failed; see $log" >&2
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
	echo "<!-- tests/debug/preemptoff.sh (make bench-preemptoff), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes') -->"
	echo "<!-- kernel: $kver (tests/debug/common.config + rt.config: PREEMPT_RT, lockdep); guest $mem, $cpus vCPUs, 2 nodes; QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG -->"
	echo "<!-- clock: $clock; host $(nproc) CPUs; wall $(($(date +%s) - start)) s -->"
	scripts/bench.sh --report "$out"
} >"$out/results.md"
cat "$out/results.md"
echo "preemptoff: records and report in $out" >&2
exit "$failed"
