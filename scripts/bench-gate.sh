#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-gate.sh - make bench-gate: fail when a probe got slower.
#
#   scripts/bench-gate.sh		boot the stock 6.12 kernel once and judge
#   scripts/bench-gate.sh --judge FILE	judge the gate records of FILE again
#
# One boot of tests/vm/run.sh --bench under -icount shift=0 (one guest
# instruction a nanosecond, however busy the host is), running the guest's
# gate part (tests/vm/bench.sh), pinned to CPU 0: faults, order-0
# allocator pairs, 16-page vmalloc pairs, per-cpu allocation pairs and new
# slabs, each with memdesc not loaded and loaded, in turns.  For each
# workload and round, the instructions memdesc added, divided by the
# events it counted, is the probes' cost an event, and the median over the
# rounds is held against tests/bench-gate.budget.  Not one round: a round
# is not exact.  Work beside the workload's own lands in one side of one
# round (a timer's softirq, an LRU drain, a per-cpu chunk depopulated and
# populated again), a base round 64 instructions an op slower makes the
# difference a third smaller, and in one boot an unloaded slab round ran
# slower than the loaded one.  Across twelve boots the median of five
# moved by 19 instructions an event at most (slab; percpu 15, the others
# under 3), single rounds by hundreds (docs/BENCHMARKS.md).
# A workload over its budget, or one whose records are missing, fails.
#
# The budget is what the probes cost today plus a margin for the rounds'
# spread, and it only comes down: raising a line needs a line in
# docs/BENCHMARKS.md saying why.  Knobs: MEMDESC_GATE_KERNEL (default: the
# newest installed stock 6.12 kernel), MEMDESC_GATE_REPS (rounds, 5),
# MEMDESC_GATE_PREV_KO (another build of memdesc.ko for that kernel, timed
# in the same rounds and reported beside, not judged), MEMDESC_GATE_SKIP
# (events, comma-separated, to time in each round loaded without them as
# well: what those events cost each, reported, not judged).
# Output ends "N passed, N failed"; the exit status is 1 on any failure.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
budget=$top/tests/bench-gate.budget
out=$top/.cache/bench-gate

# judge FILE: the verdict of FILE's gate records against the budget.
judge()
{
	awk -v budget="$budget" '
	BEGIN {
		while ((getline line < budget) > 0) {
			if (line ~ /^#/ || line ~ /^[ \t]*$/)
				continue
			split(line, f)
			max[f[1]] = f[2]
			order[++nw] = f[1]
		}
	}
	# gate <workload> <cond> <rep> <ns-per-op> <ops> <events>
	$1 == "gate" && $4 > 0 {
		key = $2 " " $4
		if ($3 == "base")
			base[key] = $5
		else if ($3 == "memdesc") {
			mem[key] = $5
			ops[key] = $6
			ev[key] = $7
		} else if ($3 == "prev") {
			prev[key] = $5
			pops[key] = $6
			pev[key] = $7
		} else if ($3 == "skip")
			skip[key] = $5
	}
	# gateskipped <workload> <rep> <events>
	$1 == "gateskipped" && $3 > 0 { skipped[$2 " " $3] = $4 }
	$1 == "info" && $2 == "error" { errors = errors " " $3 }
	# insert(c, k, n, x, key): x into c[1..n], kept ascending, key beside
	# it in k; the new n.  (mawk has no asort.)
	function insert(c, k, n, x, key,	j) {
		for (j = ++n; j > 1 && c[j - 1] > x; j--) {
			c[j] = c[j - 1]
			k[j] = k[j - 1]
		}
		c[j] = x
		k[j] = key
		return n
	}
	END {
		if (errors != "")
			printf "# guest errors:%s\n", errors
		for (w = 1; w <= nw; w++) {
			name = order[w]
			n = 0
			pn = 0
			for (key in mem) {
				split(key, k, " ")
				if (k[1] != name || !(key in base) || ev[key] <= 0)
					continue
				n = insert(cost, keys, n,
					   (mem[key] - base[key]) * ops[key] / ev[key], key)
				if (!(key in prev) || pev[key] <= 0)
					continue
				pn = insert(pcost, pkeys, pn,
					    (prev[key] - base[key]) * pops[key] / pev[key], key)
			}
			if (!n) {
				printf "not ok %s: no records\n", name
				failed++
				continue
			}
			# The upper of the middle two when n is even.
			mid = int(n / 2) + 1
			m = cost[mid]
			mkey = keys[mid]
			if (pn > 0) {
				pm = pcost[int(pn / 2) + 1]
				printf "# %s: the previous build %.1f instructions an event in the same boot; this / previous %.3f\n",
				       name, pm, m / pm
			}
			# Only where they come often enough to stand out.
			if ((mkey in skip) && skipped[mkey] >= ops[mkey] / 10)
				printf "# %s: the events MEMDESC_GATE_SKIP names, %.2f an op, %.1f instructions each (loaded with them and without, the same round)\n",
				       name, skipped[mkey] / ops[mkey],
				       (mem[mkey] - skip[mkey]) * ops[mkey] / skipped[mkey]
			printf "# %s: %.1f instructions an event (the median of %d rounds, %.1f to %.1f; %.2f events an op), budget %d\n",
			       name, m, n, cost[1], cost[n], ev[mkey] / ops[mkey],
			       max[name]
			if (m <= max[name]) {
				printf "ok %s: %.1f <= %d\n", name, m, max[name]
				passed++
			} else {
				printf "not ok %s: %.1f > %d instructions an event\n",
				       name, m, max[name]
				failed++
			}
		}
		printf "%d passed, %d failed\n", passed, failed
		exit failed > 0
	}' "$1"
}

if [ "${1:-}" = --judge ]; then
	[ $# -eq 2 ] || { echo "usage: $0 [--judge FILE]" >&2; exit 2; }
	judge "$2"
	exit
fi
[ $# -eq 0 ] || { echo "usage: $0 [--judge FILE]" >&2; exit 2; }

kver=${MEMDESC_GATE_KERNEL:-$(cd "$top" && scripts/kernels.sh |
			      grep '^6\.12\.' | grep -v -- '-rt-' | tail -n 1)}
[ -n "$kver" ] || { echo "bench-gate: no stock 6.12 kernel with headers (make deps)" >&2; exit 1; }
mkdir -p "$out"
log=$out/$kver.log
echo "bench-gate: $kver, one boot under -icount (log: $log)" >&2
MEMDESC_VM_ICOUNT=0 MEMDESC_BENCH_PARTS=gate \
MEMDESC_VM_PREV_KO=${MEMDESC_GATE_PREV_KO:-} \
MEMDESC_BENCH_GATE_SKIP=${MEMDESC_GATE_SKIP:-} \
MEMDESC_BENCH_REPS=${MEMDESC_GATE_REPS:-5} \
MEMDESC_BENCH_FAULT_MIB=64 MEMDESC_BENCH_FAULT_LOOPS=1 \
MEMDESC_BENCH_ALLOC_PAIRS=20000 MEMDESC_BENCH_VMALLOC_PAIRS=2000 \
	"$top/tests/vm/run.sh" "$kver" --bench --mem 2G --nodes 2 >"$log" 2>&1
if grep -q '^not ok' "$log" || ! grep -q 'bench ran' "$log"; then
	echo "not ok boot: see $log"
	grep '^not ok' "$log"
	echo "0 passed, 1 failed"
	exit 1
fi
cp "$top/.cache/vm/$kver.bench" "$out/$kver.bench"
judge "$out/$kver.bench"
