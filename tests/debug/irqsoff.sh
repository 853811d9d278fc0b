#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# irqsoff.sh - make bench-irqsoff: the longest stretch with interrupts off,
# with memdesc and without it, by the kernel's irqsoff tracer.
#
# Debian's kernels have no irqsoff tracer; the debug tier's kernels have
# one (tests/debug/common.config: CONFIG_IRQSOFF_TRACER), so this boots the
# KASAN tier's (tests/debug/build-kernel.sh kasan, cached in
# .cache/debug/kasan/build; the figures in docs/BENCHMARKS.md are from
# it) once,
# in bench mode with tests/vm/bench.sh's irqsoff part, on a guest of
# MEMDESC_IRQSOFF_MEM (default 32G) over two nodes with
# MEMDESC_IRQSOFF_CPUS vCPUs (default 8) and 1 GiB pages.  Two scenarios,
# each without memdesc and then with it, in that one boot:
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
# The debug kernel has KASAN and lockdep, so every time is inflated; only
# the two conditions of one scenario, side by side, mean anything.  The
# guest clock is QEMU's instruction count (MEMDESC_BENCH_ICOUNT, default 0
# as for make bench; "off" for the host clock), so the figures do not move
# with the load on the host.  Records go to .cache/bench-irqsoff/, the
# tables (scripts/bench-report.awk) to .cache/bench-irqsoff/results.md and
# standard output.  The step runs on CPU 0, the only CPU traced: under TCG
# the vCPUs take turns on one host thread, and an idle vCPU's timer
# interrupt spanning another's turn would otherwise be the maximum.
# MEMDESC_BENCH_IRQSOFF_REPS (1) rounds,
# MEMDESC_BENCH_IRQSOFF_SCENARIOS ("compare hugetlb"); MEMDESC_VM_TIMEOUT
# (seconds, default 7200) bounds the boot.  Exits non-zero if the boot or
# a scenario failed.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=$top/.cache/bench-irqsoff
mem=${MEMDESC_IRQSOFF_MEM:-32G}
cpus=${MEMDESC_IRQSOFF_CPUS:-8}
icount=${MEMDESC_BENCH_ICOUNT:-0}
[ "$icount" = off ] && icount=

# One build at a time in .cache/debug/kasan/build: make check-debug may
# be building it now.
if pgrep -f 'tests/debug/build-kernel\.sh kasan' >/dev/null; then
	echo "irqsoff.sh: a KASAN tier kernel build is running; try again when it ends" >&2
	exit 1
fi
kdir=$(tests/debug/build-kernel.sh kasan) || {
	echo "irqsoff.sh: no debug kernel (tests/debug/build-kernel.sh failed)" >&2
	exit 1
}
kver=$(cat "$kdir/include/config/kernel.release")
if ! grep -q '^CONFIG_IRQSOFF_TRACER=y' "$kdir/.config"; then
	echo "irqsoff.sh: $kver has no CONFIG_IRQSOFF_TRACER" >&2
	exit 1
fi

mkdir -p "$out"
rm -f "$out"/*.bench "$out"/*.log
log=$out/$kver-$mem.log
clock="host (TCG wall clock)"
[ -n "$icount" ] && clock="icount-shift-$icount"
echo "irqsoff: $kver, $mem guest, $cpus vCPUs, clock $clock" >&2
start=$(date +%s)
MEMDESC_VM_ICOUNT=$icount MEMDESC_VM_TIMEOUT=${MEMDESC_VM_TIMEOUT:-7200} \
MEMDESC_BENCH_PARTS=irqsoff \
	tests/vm/run.sh --kdir "$kdir" --bench --mem "$mem" --cpus "$cpus" \
	--gbpages >"$log" 2>&1
failed=0
if grep -q '^not ok' "$log" || ! grep -q 'bench ran' "$log"; then
	echo "irqsoff: the boot failed; see $log" >&2
	grep '^not ok' "$log" >&2
	failed=1
fi
if [ -s ".cache/vm/$kver.bench" ]; then
	{
		cat ".cache/vm/$kver.bench"
		echo "info clock $clock"
		echo "info nodes 2"
	} >"$out/$kver-$mem.bench"
fi

{
	echo "<!-- tests/debug/irqsoff.sh (make bench-irqsoff), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes') -->"
	echo "<!-- kernel: $kver (tests/debug/common.config + kasan.config: KASAN, lockdep); guest $mem, $cpus vCPUs, 2 nodes, 1 GiB pages; QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG -->"
	echo "<!-- clock: $clock; host $(nproc) CPUs; wall $(($(date +%s) - start)) s -->"
	scripts/bench.sh --report "$out"
} >"$out/results.md"
cat "$out/results.md"
echo "irqsoff: records and report in $out" >&2
exit "$failed"
