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
#   tools    tests/tools/run.sh         memdesc-stat on snapshots made here
#   static   tests/static.sh            sparse (C=2), W=1, checkpatch, shell syntax,
#                                       layers (tests/layers.sh)
#   dkms     tests/dkms.sh              dkms add + build for every kernel
#   vm       tests/vm/run.sh KVER       the module in QEMU, once per kernel;
#            tests/vm/run.sh KVER --topology
#                                       then, for each kernel that is not a
#                                       PREEMPT_RT (-rt-) build, a second boot
#                                       shaped like a real machine (8 vCPUs,
#                                       3 nodes, virtio-mem hot-add and
#                                       unplug, 1 GiB pages): about 1.5 min
#
# MEMDESC_STEPS="host vm" limits the steps; MEMDESC_KERNELS limits the kernels;
# MEMDESC_TOPOLOGY=0 skips the topology boots.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

steps=${MEMDESC_STEPS:-"host tools static dkms vm"}
kernels=${MEMDESC_KERNELS:-$(scripts/kernels.sh)}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

passed=0
failed=0
skipped=0

# run_step NAME CMD...: run one step, count its TAP lines.
run_step()
{
	local name=$1 rc p f s
	shift

	echo "# === $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
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
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

for step in $steps; do
	case $step in
	host)	run_step host tests/host/run.sh ;;
	tools)	run_step tools tests/tools/run.sh ;;
	static)	run_step static tests/static.sh ;;
	dkms)	run_step dkms tests/dkms.sh ;;
	vm)
		if [ -z "$kernels" ]; then
			echo "not ok - vm: no kernel with image and headers (run make deps)"
			failed=$((failed + 1))
		fi
		for k in $kernels; do
			run_step "vm $k" tests/vm/run.sh "$k"
			# The real-machine topology, on the stock kernels
			# only: the time budget has no room for the -rt- ones.
			case $k in
			*-rt-*)	continue ;;
			esac
			[ "${MEMDESC_TOPOLOGY:-1}" = 0 ] ||
				run_step "vm $k topology" \
					tests/vm/run.sh "$k" --topology
		done
		;;
	*)
		echo "not ok - unknown step '$step'"
		failed=$((failed + 1))
		;;
	esac
done

tap_totals "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
