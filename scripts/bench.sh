#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - make bench: what memdesc costs, beside the alternatives.
#
#   scripts/bench.sh		boot every kernel at every size and report
#   scripts/bench.sh --report DIR
#				report again from the records a run kept
#
# For each kernel (scripts/kernels.sh, or MEMDESC_KERNELS) and guest size
# (MEMDESC_BENCH_SIZES, default "2G 8G 32G"), one boot of
# tests/vm/run.sh --bench.  The first size runs every part of
# tests/vm/bench.sh (scan, memory, then fault and allocator cost); the
# others only scan and memory, which are what change with the size.  Scan
# and memory come first, so every size measures them in a fresh boot: the
# cost part's module loads and unloads leave vmalloc page tables and
# per-cpu lists behind that a compare would walk.  The guest's
# records go to .cache/bench/KVER-SIZE.bench, the report (markdown) to
# .cache/bench/results.md and standard output.
#
# Knobs (exported to the guest through run.sh): MEMDESC_BENCH_REPS (rounds
# of base/memdesc/ftrace, default 5), MEMDESC_BENCH_FAULT_MIB (256),
# MEMDESC_BENCH_FAULT_LOOPS (4), MEMDESC_BENCH_ALLOC_PAIRS (100000 at order
# 0), MEMDESC_BENCH_SCAN_REPS (3).
#
# Clock: MEMDESC_BENCH_ICOUNT (default 0) runs the guest with QEMU's
# -icount shift=0 (run.sh's MEMDESC_VM_ICOUNT): guest time is its
# instruction count, one instruction a nanosecond, so the figures repeat to
# a fraction of a percent however busy the host is.  Under plain TCG the
# guest clock is the host's, and on a shared host the noise was larger than
# the effects measured.  MEMDESC_BENCH_ICOUNT=off uses the host clock.
# Kernels matching MEMDESC_BENCH_HOST_CLOCK (a shell pattern, default
# "6.1.*") always use the host clock: Debian's 6.1 hangs at "Booting SMP
# configuration" under -icount (QEMU 7.2), 6.12 boots.  The report says
# which clock each kernel's figures come from.
# Exits non-zero if a boot failed; its records are then missing.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/.cache/bench

# report DIR: the markdown tables from DIR/*.bench.
report()
{
	local dir=$1 f

	for f in "$dir"/*.bench; do
		[ -f "$f" ] || continue
		# KVER-SIZE.bench: the size is the last dash-separated part.
		local base=${f##*/}
		base=${base%.bench}
		awk -v kver="${base%-*}" -v size="${base##*-}" \
			'{ print kver, size, $0 }' "$f"
	done | awk -f "$top/scripts/bench-report.awk"
}

if [ "${1:-}" = --report ]; then
	[ $# -eq 2 ] || { echo "usage: $0 [--report DIR]" >&2; exit 2; }
	report "$2"
	exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [--report DIR]" >&2; exit 2; }

kernels=${MEMDESC_KERNELS:-$(cd "$top" && scripts/kernels.sh)}
icount_default=${MEMDESC_BENCH_ICOUNT:-0}
[ "$icount_default" = off ] && icount_default=
sizes=${MEMDESC_BENCH_SIZES:-2G 8G 32G}
[ -n "$kernels" ] || { echo "bench.sh: no kernel with headers (make deps)" >&2; exit 1; }

# percpu_bytes KO: the size of KO's per-cpu section.  The module loader
# places it in the first per-cpu chunk's reserved area, populated at boot,
# so no counter in the guest moves by it; the report adds it per CPU.
percpu_bytes()
{
	local hex

	# Name, type, address, offset, size: the size is 4 fields on.
	hex=$(readelf -SW "$1" 2>/dev/null | awk '{ for (i = 1; i < NF; i++)
		if ($i == ".data..percpu") print $(i + 4) }')
	echo $((16#${hex:-0}))
}

mkdir -p "$out"
rm -rf "$out"/*.bench "$out"/*.log "$out"/build-*
failed=0
for k in $kernels; do
	# One build per kernel, so every boot runs the same module.
	if ! ko=$("$top"/scripts/build-module.sh "$k" "$out/build-$k" \
		  2>"$out/$k-build.log"); then
		echo "bench: build memdesc.ko for $k failed; see $out/$k-build.log" >&2
		failed=1
		continue
	fi
	percpu=$(percpu_bytes "$ko")
	icount=$icount_default
	# shellcheck disable=SC2254	# the pattern is the point
	case $k in
	${MEMDESC_BENCH_HOST_CLOCK-6.1.*})	icount= ;;
	esac
	clock="host (TCG wall clock)"
	[ -n "$icount" ] && clock="icount-shift-$icount"
	first=1
	for s in $sizes; do
		parts="scan mem"
		[ "$first" = 1 ] && parts="scan mem cost"
		first=0
		echo "bench: $k, $s guest: $parts" >&2
		log=$out/$k-$s.log
		MEMDESC_VM_ICOUNT=$icount MEMDESC_VM_KO=$ko \
		MEMDESC_BENCH_PARTS=$parts \
			"$top/tests/vm/run.sh" "$k" --bench --mem "$s" \
			>"$log" 2>&1
		if grep -q '^not ok' "$log" ||
		   ! grep -q 'bench ran' "$log"; then
			echo "bench: $k, $s guest failed; see $log" >&2
			grep '^not ok' "$log" >&2
			failed=1
			continue
		fi
		{
			cat "$top/.cache/vm/$k.bench"
			echo "mem module_percpu_bytes $percpu"
			echo "info clock $clock"
		} >"$out/$k-$s.bench"
	done
done

{
	echo "<!-- scripts/bench.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes') -->"
	echo "<!-- host: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1); QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG -->"
	echo "<!-- clock: per kernel, in each table's heading -->"
	echo "<!-- knobs: reps ${MEMDESC_BENCH_REPS:-5}, fault ${MEMDESC_BENCH_FAULT_MIB:-256} MiB x ${MEMDESC_BENCH_FAULT_LOOPS:-4}, alloc pairs ${MEMDESC_BENCH_ALLOC_PAIRS:-100000}, scan reps ${MEMDESC_BENCH_SCAN_REPS:-3} -->"
	report "$out"
} >"$out/results.md"
cat "$out/results.md"
echo "bench: records and report in $out" >&2
exit "$failed"
