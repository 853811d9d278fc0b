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
# tests/vm/bench.sh (scan, memory, then fault and allocator cost, then the
# function hooks' cost beside the tracepoints alone, then the cost of
# allocation sites, owners, beside ftrace taking stacks); the others only
# scan and memory, which are what change with the size.
# MEMDESC_BENCH_PARTS narrows the first size's parts (default "scan mem
# cost hooks owners"); the other sizes then run what it names of scan and
# mem, and the other node counts only if it names cost.  Scan
# and memory come first, so every size measures them in a fresh boot: the
# cost part's module loads and unloads leave vmalloc page tables and
# per-cpu lists behind that a compare would walk.  Those boots have two
# NUMA nodes; then, at the first size only, the cost part again in one
# boot per other node count of MEMDESC_BENCH_NODES (default "2 3 8"; run.sh
# --nodes: the memory split evenly, the nodes past the second CPU-less),
# as the section table finds a word the same way on any number of nodes
# and the per-node layout did not.  The guest's records go to
# .cache/bench/KVER-SIZE.bench (KVER-SIZE.nodesN.bench for the other node
# counts), the report (markdown) to .cache/bench/results.md and standard
# output.
#
# The previous release: MEMDESC_BENCH_PREV (a git revision, default
# 4aa1da7: the last commit whose shadow is one vmalloc area per node span,
# found with page_to_nid() and a subtraction, before d439ecb's section
# table) is exported with git archive, built as scripts/build-module.sh
# builds, and goes into every boot as /memdesc-prev.ko
# (MEMDESC_VM_PREV_KO): the cost part times it as the condition "prev",
# the memory part records its shadow's size.  MEMDESC_BENCH_PREV= (empty)
# leaves it out; so do a tree without git or without that revision, and a
# build that fails, each said on standard error and in the report.
#
# The scan part also reads compare once under the function_graph tracer,
# tracing only compare's stages (MEMDESC_BENCH_PROFILE_FUNCS), and the
# previous release's compare and summary in the same boot.
#
# Knobs (exported to the guest through run.sh): MEMDESC_BENCH_REPS (rounds
# of base/memdesc/prev/off/ftrace, of the hooks part's
# base/memdesc/nohooks, and of the owners part's
# base/memdesc/owners/ftrace/ftrace_stacks, default 5),
# MEMDESC_BENCH_FAULT_MIB (256), MEMDESC_BENCH_FAULT_LOOPS (4),
# MEMDESC_BENCH_ALLOC_PAIRS (100000 at order 0),
# MEMDESC_BENCH_VMALLOC_PAIRS (20000 vmalloc()/vfree() pairs in each of
# the hooks part's loops, of 16 pages and of one), MEMDESC_BENCH_FORKS (1000
# forks of a child that writes a page, the hooks part's fork loop),
# MEMDESC_BENCH_SCAN_REPS
# (3), MEMDESC_BENCH_PROFILE_FUNCS, MEMDESC_BENCH_LOAD_PARAMS (insmod
# parameters for every load of memdesc).
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
	local dir=$1 f base nodes

	for f in "$dir"/*.bench; do
		[ -f "$f" ] || continue
		# KVER-SIZE[.nodesN].bench: the size is the last dash-separated
		# part; two nodes unless named.
		base=${f##*/}
		base=${base%.bench}
		nodes=2
		case $base in
		*.nodes[0-9]*)	nodes=${base##*.nodes}; base=${base%.nodes*} ;;
		esac
		awk -v kver="${base%-*}" -v size="${base##*-}" -v nodes="$nodes" \
			'{ print kver, size, nodes, $0 }' "$f"
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
node_counts=${MEMDESC_BENCH_NODES:-2 3 8}
parts_first=${MEMDESC_BENCH_PARTS:-scan mem cost hooks owners}
parts_rest=
for p in $parts_first; do
	case $p in
	scan|mem)	parts_rest="${parts_rest:+$parts_rest }$p" ;;
	esac
done
prev_rev=${MEMDESC_BENCH_PREV-4aa1da7}
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

# prev_source: the previous release's sources in $out/prev-src, from git;
# its short name on standard output, or why not on standard error.
prev_source()
{
	local rev

	[ -n "$prev_rev" ] || { echo "MEMDESC_BENCH_PREV is empty" >&2; return 1; }
	command -v git >/dev/null || { echo "git is not installed" >&2; return 1; }
	rev=$(git -C "$top" rev-parse --verify --quiet --short "$prev_rev^{commit}") ||
		{ echo "no revision $prev_rev in $top" >&2; return 1; }
	rm -rf "$out/prev-src"
	mkdir -p "$out/prev-src"
	git -C "$top" archive "$rev" | tar -x -C "$out/prev-src" ||
		{ echo "git archive $rev failed" >&2; return 1; }
	echo "$rev"
}

# prev_build KVER: the previous release's memdesc.ko for KVER, built as
# scripts/build-module.sh builds (a copy of its Kbuild and sources per
# kernel); its path on standard output.
prev_build()
{
	local kdir=/lib/modules/$1/build dir=$out/build-prev-$1

	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$out/prev-src"/Kbuild "$out/prev-src"/*.c "$out/prev-src"/*.h "$dir"/ &&
		make -s -C "$kdir" M="$dir" modules >&2 &&
		[ -f "$dir/memdesc.ko" ] && echo "$dir/memdesc.ko"
}

# boot KVER SIZE NODES PARTS NAME: one bench boot; its records, with what
# the host knows, in $out/NAME.bench.
boot()
{
	local log=$out/$5.log

	echo "bench: $1, $2 guest, $3 nodes: $4" >&2
	MEMDESC_VM_ICOUNT=$icount MEMDESC_VM_KO=$ko \
	MEMDESC_VM_PREV_KO=$prev_ko MEMDESC_BENCH_PARTS=$4 \
		"$top/tests/vm/run.sh" "$1" --bench --mem "$2" --nodes "$3" \
		>"$log" 2>&1
	if grep -q '^not ok' "$log" || ! grep -q 'bench ran' "$log"; then
		echo "bench: $1, $2 guest, $3 nodes failed; see $log" >&2
		grep '^not ok' "$log" >&2
		failed=1
		return
	fi
	{
		cat "$top/.cache/vm/$1.bench"
		echo "mem module_percpu_bytes $percpu"
		echo "info clock $clock"
		echo "info nodes $3"
		if [ -n "$prev_ko" ]; then
			echo "info prev_rev $prev_name"
		else
			echo "info prev_skipped $prev_why"
		fi
	} >"$out/$5.bench"
}

mkdir -p "$out"
rm -rf "$out"/*.bench "$out"/*.log "$out"/build-* "$out/prev-src"
failed=0
prev_name=
prev_why=
if prev_name=$(prev_source 2>"$out/prev.log"); then
	echo "bench: previous release $prev_name (MEMDESC_BENCH_PREV=$prev_rev)" >&2
else
	prev_why=$(head -n 1 "$out/prev.log")
	prev_name=
	echo "bench: no previous release: $prev_why; the prev condition is skipped" >&2
fi
for k in $kernels; do
	# One build per kernel, so every boot runs the same module.
	if ! ko=$("$top"/scripts/build-module.sh "$k" "$out/build-$k" \
		  2>"$out/$k-build.log"); then
		echo "bench: build memdesc.ko for $k failed; see $out/$k-build.log" >&2
		failed=1
		continue
	fi
	prev_ko=
	if [ -n "$prev_name" ]; then
		if ! prev_ko=$(prev_build "$k" 2>"$out/$k-prev-build.log"); then
			prev_ko=
			prev_why="build of $prev_name for $k failed ($out/$k-prev-build.log)"
			echo "bench: $prev_why; the prev condition is skipped" >&2
		fi
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
		parts=$parts_rest
		[ "$first" = 1 ] && parts=$parts_first
		[ -n "$parts" ] && boot "$k" "$s" 2 "$parts" "$k-$s"
		case "$first $parts " in
		"1 "*" cost "*)
			for n in $node_counts; do
				[ "$n" = 2 ] && continue
				boot "$k" "$s" "$n" cost "$k-$s.nodes$n"
			done
			;;
		esac
		first=0
	done
done

{
	echo "<!-- scripts/bench.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes') -->"
	echo "<!-- host: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1); QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG -->"
	echo "<!-- clock: per kernel, in each table's heading -->"
	echo "<!-- knobs: reps ${MEMDESC_BENCH_REPS:-5}, fault ${MEMDESC_BENCH_FAULT_MIB:-256} MiB x ${MEMDESC_BENCH_FAULT_LOOPS:-4}, alloc pairs ${MEMDESC_BENCH_ALLOC_PAIRS:-100000}, vmalloc pairs ${MEMDESC_BENCH_VMALLOC_PAIRS:-20000}, scan reps ${MEMDESC_BENCH_SCAN_REPS:-3}, nodes ${node_counts}, parts ${parts_first} -->"
	if [ -n "$prev_name" ]; then
		echo "<!-- previous release: $prev_name (MEMDESC_BENCH_PREV=$prev_rev) -->"
	else
		echo "<!-- previous release: none, the prev condition was skipped: $prev_why -->"
	fi
	report "$out"
} >"$out/results.md"
cat "$out/results.md"
echo "bench: records and report in $out" >&2
exit "$failed"
