#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the debug tier (make check-debug): the whole VM suite and the
# topology boot on a 6.12 kernel built with KASAN, PROVE_LOCKING,
# DEBUG_ATOMIC_SLEEP and DEBUG_VM (tests/debug/build-kernel.sh), and zero
# reports in their logs.
#
# Not part of make check: the first kernel build takes about half an hour
# on two cores, and the suite runs several times slower under KASAN and
# lockdep than on Debian's kernels.  The result, with the date, goes to
# .cache/debug/last-result; README.md records the last one by hand.
#
# MEMDESC_VM_TIMEOUT (seconds, default 7200) bounds the QEMU run and
# MEMDESC_VM_TIMEOUT_SCALE (default 4) the guest tests' own timeouts; the
# other MEMDESC_VM_* knobs of tests/vm/run.sh pass through.  Ends with
# "N passed, N failed".

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

passed=0
failed=0
skipped=0

# count FILE: add FILE's TAP results to the totals.
count()
{
	local p f s

	read -r p f s < <(tap_count "$1")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# check OK|NOTOK TEXT: one result of this script's own.
check()
{
	if [ "$1" = OK ]; then
		echo "ok - debug: $2"
		passed=$((passed + 1))
	else
		echo "not ok - debug: $2"
		failed=$((failed + 1))
	fi
}

finish()
{
	local line

	line=$(tap_totals "$passed" "$failed" "$skipped")
	mkdir -p .cache/debug
	echo "$(date -u '+%Y-%m-%d %H:%M UTC') ${kver:-?} $line" \
		>.cache/debug/last-result
	echo "$line"
	[ "$failed" -eq 0 ]
	exit
}

echo "# === debug kernel: tests/debug/build-kernel.sh"
start=$(date +%s)
if kdir=$(tests/debug/build-kernel.sh); then
	kver=$(cat "$kdir/include/config/kernel.release")
	check OK "build $kver ($(($(date +%s) - start))s)"
else
	check NOTOK "build the debug kernel"
	finish
fi

echo "# === vm $kver: tests/vm/run.sh --kdir ${kdir#"$top"/}"
MEMDESC_VM_TIMEOUT=${MEMDESC_VM_TIMEOUT:-7200} \
MEMDESC_VM_TIMEOUT_SCALE=${MEMDESC_VM_TIMEOUT_SCALE:-4} \
	tests/vm/run.sh --kdir "$kdir" 2>&1 | tee "$log"
count "$log"

# The topology boot too: memory hot-added, unplugged and hugetlb'd under
# KASAN and lockdep is where the notifier's locking would show.  With
# acpi=noirq: QEMU's virtio-mem-pci has no MSI-X, and the ACPI _PRT method
# that routes its INTx runs into ACPICA's loop timeout under KASAN and TCG
# with 8 vCPUs, leaving the devices an interrupt that never fires, so no
# resize after the first reaches the guest.  The BIOS's MP table routes it.
echo "# === vm $kver topology: tests/vm/run.sh --kdir ${kdir#"$top"/} --topology"
MEMDESC_VM_APPEND=acpi=noirq \
MEMDESC_VM_TIMEOUT=${MEMDESC_VM_TIMEOUT:-7200} \
MEMDESC_VM_TIMEOUT_SCALE=${MEMDESC_VM_TIMEOUT_SCALE:-4} \
	tests/vm/run.sh --kdir "$kdir" --topology 2>&1 | tee "$log"
count "$log"

# Guard pages, the one type no Debian kernel can have (no
# CONFIG_DEBUG_PAGEALLOC): debug_pagealloc=on with guard pages of order 0,
# so that every buddy split to order 0 leaves one.  A boot of its own, with
# memdesc_test (its fidelity test compares after every kind of memory) and
# memdesc_swap_test's guard test (which skips elsewhere; its balloon and
# swap tests skip here and run in the boot above): the direct map changing
# at every allocation and free makes the stress test's load and unload
# cycles stall RCU under TCG, and an 848 MiB balloon crawl.
echo "# === vm $kver guard pages: tests/vm/run.sh --kdir ${kdir#"$top"/}, debug_pagealloc=on"
MEMDESC_VM_APPEND="debug_pagealloc=on debug_guardpage_minorder=1" \
MEMDESC_VM_TESTS="memdesc_test memdesc_swap_test" \
MEMDESC_VM_TIMEOUT=${MEMDESC_VM_TIMEOUT:-7200} \
MEMDESC_VM_TIMEOUT_SCALE=${MEMDESC_VM_TIMEOUT_SCALE:-4} \
	tests/vm/run.sh --kdir "$kdir" 2>&1 | tee "$log"
count "$log"

# The suite passing proves nothing if the checks were not in the kernel it
# ran: each announces itself at boot.
console=.cache/vm/$kver.console.log
for want in 'KernelAddressSanitizer initialized:KASAN' \
	    'Lock dependency validator:lockdep (PROVE_LOCKING)'; do
	if grep -q "${want%%:*}" "$console" 2>/dev/null; then
		check OK "guest kernel runs ${want#*:}"
	else
		check NOTOK "guest kernel runs ${want#*:} (no '${want%%:*}' in $console)"
	fi
done
finish
