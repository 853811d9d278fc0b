#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot-faults.sh KVER - boots that cannot pass end at once and say why:
# one whose virtio device got no interrupt fails before any test runs,
# naming the device and the reason, and one that stalls RCU panics with
# the stalled stack in its console log.
#
# ACPI routes a PCI device's INTx by running the DSDT's _PRT method, a
# loop over the 128 slot and pin pairs that ACPICA abandons after 30 s of
# wall time (AE_AML_LOOP_TIMEOUT).  Under a sanitizer, or TCG on a busy
# host, it ran that long: the balloon kept a line that never fired, and
# the test waiting on it sat for minutes.  Every boot now routes from the
# BIOS's MP table (acpi=noirq, tests/vm/run.sh), and /init fails the boot
# on a device the kernel could not route.  This shows both, on QEMU's own
# DSDT with one Sleep (250 ms) added to _PRT's loop, which makes it run
# the 32 s a slow host did:
#
#   1. a guest of the test boot's shape dumps the DSDT QEMU made for it;
#   2. iasl decompiles it, adds the Sleep, raises the OEM revision (the
#      kernel takes a table from the initramfs only over an older one) and
#      compiles it into an early cpio (tests/vm/run.sh
#      MEMDESC_VM_EARLY_CPIO; both Debian kernels have
#      ACPI_TABLE_UPGRADE);
#   3. the slow _PRT with ACPI's routing (MEMDESC_VM_IRQ_ROUTING=acpi)
#      must fail the boot: the interrupt check not ok, naming
#      virtio-balloon and AE_AML_LOOP_TIMEOUT, no test run, QEMU done in
#      60 s;
#   4. the slow _PRT with the default routing must pass that check and
#      the balloon test: the MP table never runs _PRT.  The same guest then
#      stalls RCU on purpose (memdesc_truth.ko stall=30: 30 s spinning
#      with preemption off at load), and must panic on it
#      (panic_on_rcu_stall) with the stall report and, in the log the
#      panic replays (panic_print), the stalled CPU's stack through
#      memdesc_truth_stall: what a real stall needs to say whether
#      memdesc was on its stack.
#
# Ends with "N passed, N failed".  Needs iasl (acpica-tools, make deps).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:-}
if [ -z "$kver" ] || [ "$#" -ne 1 ]; then
	echo "usage: $0 KVER" >&2
	exit 2
fi
cache=$top/.cache/vm
mkdir -p "$cache"
work=$(mktemp -d "$cache/$kver.boot-faults.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check()
{
	if [ "$1" = OK ]; then
		echo "ok - $kver boot-faults: $2"
		passed=$((passed + 1))
	else
		echo "not ok - $kver boot-faults: $2"
		failed=$((failed + 1))
	fi
}

finish()
{
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

# boot NAME VAR=VALUE...: tests/vm/run.sh KVER with the swap test's
# balloon test (or the guest programs in $tests), its output in
# $work/NAME.log, its console log kept as $work/NAME.console.log.
boot()
{
	local name=$1

	shift
	env "$@" MEMDESC_VM_TESTS="${tests:-memdesc_swap_test:-r,swap.balloon}" \
		"$top/tests/vm/run.sh" "$kver" >"$work/$name.log" 2>&1
	cp "$cache/$kver.console.log" "$work/$name.console.log" 2>/dev/null
}

command -v iasl >/dev/null || {
	check NOTOK "iasl missing (acpica-tools: make deps)"
	finish
}

# 1. QEMU's DSDT for this machine, as the guest reads it.
tests="base64:/sys/firmware/acpi/tables/DSDT" boot dsdt
sed -nE 's/^MDT[0-9a-f]+ T ([A-Za-z0-9+\/=]+)\r?$/\1/p' \
	"$work/dsdt.console.log" | base64 -d >"$work/dsdt.aml" 2>/dev/null
if ! head -c 4 "$work/dsdt.aml" | grep -q DSDT; then
	check NOTOK "the guest's DSDT (see $work/dsdt.log)"
	finish
fi
check OK "the guest's DSDT ($(stat -c %s "$work/dsdt.aml") bytes)"

# 2. The same table, _PRT's loop 250 ms slower an iteration.
(cd "$work" && iasl -d dsdt.aml) >"$work/iasl.log" 2>&1
rev=$(sed -nE 's/^DefinitionBlock \(.*, 0x([0-9A-Fa-f]+)\)$/\1/p' \
	"$work/dsdt.dsl" 2>/dev/null | head -n 1)
awk -v rev="$(printf '0x%08X' $((16#${rev:-0} + 1)))" '
	/^DefinitionBlock \(/ { sub(/0x[0-9A-Fa-f]+\)$/, rev ")"); bumped = 1 }
	/Method \(_PRT,/ { prt = 1 }
	prt && /While \(/ { want = 1 }
	{ print }
	want && /^ *\{ *$/ { print "Sleep (0xFA)"; want = 0; prt = 0; slept++ }
	END { if (slept != 1 || !bumped) exit 1 }
' "$work/dsdt.dsl" >"$work/slow.dsl"
awk_rc=$?
mkdir -p "$work/early/kernel/firmware/acpi"
if [ "$awk_rc" = 0 ] &&
   (cd "$work" && iasl -p slow slow.dsl) >>"$work/iasl.log" 2>&1 &&
   cp "$work/slow.aml" "$work/early/kernel/firmware/acpi/dsdt.aml" &&
   (cd "$work/early" && find . | cpio -o -H newc -R 0:0 --quiet) \
	>"$work/early.cpio"; then
	check OK "a DSDT whose _PRT sleeps 250 ms a slot"
else
	check NOTOK "a DSDT whose _PRT sleeps 250 ms a slot (awk $awk_rc)"
	sed 's/^/#   /' "$work/iasl.log" | tail -n 20
	finish
fi

# show LOG PATTERN: LOG's lines matching PATTERN, as comments.
show()
{
	grep -E "$2" "$1" | sed 's/^/#   /'
}

# 3. ACPI's routing through it: the boot ends at the interrupt check.
start=$(date +%s)
boot acpi MEMDESC_VM_EARLY_CPIO="$work/early.cpio" MEMDESC_VM_IRQ_ROUTING=acpi
wall=$(($(date +%s) - start))
show "$work/acpi.log" 'interrupt|no GSI|AE_AML|QEMU wall'
qemu_wall=$(sed -nE 's/.*QEMU wall ([0-9]+)s.*/\1/p' "$work/acpi.log")
if grep -q 'ACPI: Table Upgrade: override \[DSDT' "$work/acpi.console.log"; then
	check OK "the kernel took the slow DSDT"
else
	check NOTOK "the kernel took the slow DSDT (no 'Table Upgrade: override [DSDT' in its log)"
fi
if grep -q '^not ok .*every virtio PCI device has an interrupt (no test ran)' \
	"$work/acpi.log" &&
   grep -q '^#   0000:.* virtio-balloon: no interrupt' "$work/acpi.log" &&
   grep -q '^#   kernel: .*AE_AML_LOOP_TIMEOUT' "$work/acpi.log"; then
	check OK "ACPI routing: the boot fails on the balloon's interrupt, naming it and AE_AML_LOOP_TIMEOUT"
else
	check NOTOK "ACPI routing: the boot fails on the balloon's interrupt, naming it and AE_AML_LOOP_TIMEOUT"
fi
if grep -q '@@exit' <(grep -E '^MDT[0-9a-f]+ T ' "$work/acpi.console.log"); then
	check NOTOK "ACPI routing: no test ran"
else
	check OK "ACPI routing: no test ran"
fi
if [ -n "$qemu_wall" ] && [ "$qemu_wall" -le 60 ]; then
	check OK "ACPI routing: QEMU done in ${qemu_wall}s (of ${wall}s with the build)"
else
	check NOTOK "ACPI routing: QEMU done in ${qemu_wall:-?}s, want at most 60"
fi

# 4. The default routing through the same table: the MP table's, no _PRT.
# Then an RCU stall, which must end the guest with its stack.
start=$(date +%s)
tests="memdesc_swap_test:-r,swap.balloon insmod:/memdesc_truth.ko,stall=30" \
	boot mptable MEMDESC_VM_EARLY_CPIO="$work/early.cpio"
wall=$(($(date +%s) - start))
show "$work/mptable.log" 'interrupt|swap.balloon|QEMU'
if grep -q '^ok .*every virtio PCI device has an interrupt (.*virtio-balloon IRQ' \
	"$work/mptable.log" &&
   grep -q '^ok .*swap\.balloon$' "$work/mptable.log"; then
	check OK "MP table routing: the balloon has its interrupt and moves"
else
	check NOTOK "MP table routing: the balloon has its interrupt and moves"
	grep -E '^not ok' "$work/mptable.log" | sed 's/^/#   /'
fi
console=$work/mptable.console.log
show "$console" 'rcu: INFO|Kernel panic|memdesc_truth_stall' | head -n 8
if grep -qE 'rcu: INFO: rcu_[a-z]+ (self-)?detected stall' "$console" &&
   grep -q 'Kernel panic - not syncing: RCU Stall' "$console"; then
	check OK "an RCU stall panics the guest"
else
	check NOTOK "an RCU stall panics the guest (no stall report and panic in $console)"
fi
# The stack is printed at a level the console hides (init sets 4); it
# reaches the console only through the panic's replay of the whole log.
if grep -qE 'memdesc_truth_stall\+0x[0-9a-f]+/0x[0-9a-f]+ \[memdesc_truth\]' \
	"$console"; then
	check OK "the stall's console log has the stalled stack (memdesc_truth_stall)"
else
	check NOTOK "the stall's console log has the stalled stack (memdesc_truth_stall)"
fi
# A stall report names a blocked task ("P39") with no stack: the panic
# prints every task's (panic_print bit 0), PID 1 among them.
if grep -qE 'task:init +state:' "$console"; then
	check OK "the panic printed every task's stack ($(grep -cE 'task:[^ ]+ +state:' "$console") task lines)"
else
	check NOTOK "the panic printed every task's stack (no 'task:init' line)"
fi
if grep -q 'guest reached the end (QEMU timed out' "$work/mptable.log"; then
	check NOTOK "the stalled guest ended at its panic, not at the QEMU bound"
else
	check OK "the stalled guest ended at its panic (${wall}s with the build)"
fi
finish
