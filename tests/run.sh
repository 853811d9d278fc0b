#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the whole test suite (make check).
#
# Every step is a script that prints TAP result lines ("ok N desc",
# "not ok N desc", "... # SKIP why") and exits non-zero only when it could not
# run at all.  This driver runs the steps in order, echoes their output,
# counts results and ends with the line "N passed, N failed" that CI reads.
#
#   host     tests/host/run.sh          unit tests of the shared pure logic
#   tools    tests/tools/run.sh         memdesc-stat on snapshots made here,
#                                       as built and under ASan+UBSan
#   fuzz     tests/fuzz/run.sh --check  memdesc-stat's fuzz targets: every
#                                       regression input, then 30 s each
#   static   tests/static.sh            sparse (C=2), W=1, checkpatch, shell syntax,
#                                       layers (tests/layers.sh)
#   dkms     tests/dkms.sh              dkms add + build for every kernel
#   deb      tests/deb.sh               make deb, lintian, apt-get install
#                                       (DKMS builds for every kernel), one
#                                       boot with the DKMS module, purge
#   vm       tests/vm/run.sh KVER       the module in QEMU, once per kernel;
#            tests/vm/run.sh KVER --topology
#                                       then, for each kernel that is not a
#                                       PREEMPT_RT (-rt-) build, a second boot
#                                       shaped like a real machine (8 vCPUs,
#                                       3 nodes, virtio-mem hot-add and
#                                       unplug, 1 GiB pages): about 1.5 min
#            tests/vm/run.sh KVER --selftests
#                                       and a boot that runs the kernel's own
#                                       mm selftests as workload, then
#                                       judges compare (about 4.5 min)
#            tests/vm/run.sh KVER --lockdown boot|raised
#                                       and on those kernels two short boots
#                                       under kernel lockdown: booted with
#                                       lockdown=integrity, and raised after
#                                       loading (half a minute each)
#            tests/vm/boot-faults.sh KVER
#                                       and on the newest of them, boots
#                                       that must end at once and say why:
#                                       a balloon with no interrupt (a DSDT
#                                       whose _PRT runs past ACPICA's loop
#                                       timeout) fails before any test,
#                                       naming it; the MP table's routing
#                                       passes; an RCU stall panics with
#                                       its stack (about 3.5 min)
#   gate     scripts/bench-gate.sh      the probes' instructions per event
#                                       in one 6.12 boot under -icount,
#                                       against tests/bench-gate.budget
#                                       (about a minute)
#
# The boots of the vm step run side by side, MEMDESC_VM_JOBS at a time
# (default: one per host CPU, as each guest is one QEMU thread under
# single-threaded TCG).  Each boot's output is printed whole, in the order
# above, once it and every boot before it have ended.
#
# MEMDESC_STEPS="host vm" limits the steps; MEMDESC_KERNELS limits the kernels;
# MEMDESC_TOPOLOGY=0 skips the topology boots, MEMDESC_SELFTESTS=0 the
# selftests boots.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

steps=${MEMDESC_STEPS:-"host tools fuzz static dkms deb vm gate"}
kernels=${MEMDESC_KERNELS:-$(scripts/kernels.sh)}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

passed=0
failed=0
skipped=0
# Kept for scripts/reliability-table.sh: each step's and boot's counts.
results=$top/.cache/results/check.tsv
results_start "$results" check

# run_step NAME CMD...: run one step, count its TAP lines.
run_step()
{
	local name=$1 rc
	shift

	echo "# === $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	count_step "$name" "$log" "$rc"
}

# count_step NAME LOG RC: add the TAP lines of step NAME's output LOG, which
# exited RC, to the totals.
count_step()
{
	local name=$1 log=$2 rc=$3 p f s

	read -r p f s < <(tap_count "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name: runner exited $rc without reporting a failure"
		f=1
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		echo "not ok - $name: ran no test"
		f=1
	fi
	echo "# $name: $p passed, $f failed, $s skipped"
	results_add "$results" "$name" "$p" "$f" "$s"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# vm_list: the vm step's boots, one "KVER" or "KVER --OPTION..." a line.
vm_list()
{
	local k newest

	# shellcheck disable=SC2086	# one kernel a word
	newest=$(printf '%s\n' $kernels | grep -v -- '-rt-' | sort -V | tail -n 1)

	for k in $kernels; do
		echo "$k"
		# The real-machine topology, the mm selftests and lockdown,
		# on the stock kernels only: the time budget has no room for
		# the -rt- ones, and lockdown is the same code on them.
		case $k in
		*-rt-*)	continue ;;
		esac
		[ "${MEMDESC_TOPOLOGY:-1}" = 0 ] || echo "$k --topology"
		[ "${MEMDESC_SELFTESTS:-1}" = 0 ] || echo "$k --selftests"
		echo "$k --lockdown boot"
		echo "$k --lockdown raised"
		# The boots that must fail, on the newest stock kernel only:
		# what they judge is /init and the kernel's ACPI and RCU
		# messages, the same on every kernel.
		if [ "$k" = "$newest" ]; then
			echo "$k --boot-faults"
		fi
	done
}

# vm_cmd ARGS...: the command that runs one boot of vm_list, as words
# (KVER and the options have no spaces); vm_run ARGS... runs it.
vm_cmd()
{
	case " $* " in
	*" --boot-faults "*)	echo tests/vm/boot-faults.sh "$1" ;;
	*)			echo tests/vm/run.sh "$@" ;;
	esac
}

vm_run()
{
	local cmd

	read -ra cmd < <(vm_cmd "$@")
	"${cmd[@]}"
}

# vm_flush DIR: print and count, in order, the boots in DIR that have ended
# with none before them still running; vm_next is the first not printed.
vm_flush()
{
	local dir=$1 name

	while [ -e "$dir/$vm_next.rc" ]; do
		name=$(cat "$dir/$vm_next.name")
		# shellcheck disable=SC2046	# KVER and its options
		echo "# === $name: $(vm_cmd $(cat "$dir/$vm_next.args"))"
		cat "$dir/$vm_next.log"
		count_step "$name" "$dir/$vm_next.log" "$(cat "$dir/$vm_next.rc")"
		vm_next=$((vm_next + 1))
	done
}

# vm_boots: run the boots of vm_list, up to MEMDESC_VM_JOBS at once.
vm_boots()
{
	local jobs=${MEMDESC_VM_JOBS:-$(nproc)} dir i=0 args name

	case $jobs in
	''|*[!0-9]*|0)
		echo "not ok - vm: MEMDESC_VM_JOBS=$jobs: want a positive integer"
		failed=$((failed + 1))
		return
		;;
	esac
	dir=$(mktemp -d)
	# Extracted once here, not by boots racing each other.
	scripts/linux-src.sh >/dev/null
	vm_next=0
	while read -r args; do
		while [ "$(jobs -pr | wc -l)" -ge "$jobs" ]; do
			wait -n
			vm_flush "$dir"
		done
		name="vm ${args/ --/ }"
		echo "$name" >"$dir/$i.name"
		echo "$args" >"$dir/$i.args"
		# shellcheck disable=SC2086	# KVER and its options
		{ vm_run $args >"$dir/$i.log" 2>&1
		  echo $? >"$dir/$i.rc"; } &
		i=$((i + 1))
	done < <(vm_list)
	while [ "$vm_next" -lt "$i" ]; do
		wait -n
		# A boot whose shell was killed left no status.
		if [ -z "$(jobs -pr)" ] && [ ! -e "$dir/$vm_next.rc" ]; then
			echo 1 >"$dir/$vm_next.rc"
		fi
		vm_flush "$dir"
	done
	rm -rf "$dir"
}

# An interrupted run takes its boots with it: each boot's run.sh, whose
# own trap ends its QEMU, and the shell waiting on it.
# shellcheck disable=SC2317	# called from the trap
stop_boots()
{
	local pid

	for pid in $(jobs -p); do
		pkill -TERM -P "$pid"
		kill "$pid"
	done 2>/dev/null
	exit 130
}
trap stop_boots INT TERM

for step in $steps; do
	case $step in
	host)	run_step host tests/host/run.sh ;;
	tools)	run_step tools tests/tools/run.sh ;;
	fuzz)	run_step fuzz tests/fuzz/run.sh --check ;;
	static)	run_step static tests/static.sh ;;
	dkms)	run_step dkms tests/dkms.sh ;;
	gate)	run_step gate scripts/bench-gate.sh ;;
	deb)	run_step deb tests/deb.sh ;;
	vm)
		if [ -z "$kernels" ]; then
			echo "not ok - vm: no kernel with image and headers (run make deps)"
			failed=$((failed + 1))
		fi
		vm_boots
		;;
	*)
		echo "not ok - unknown step '$step'"
		failed=$((failed + 1))
		;;
	esac
done

tap_totals "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
