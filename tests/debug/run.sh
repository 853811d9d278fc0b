#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the debug tier (make check-debug): the VM suite on two 6.12
# kernels built here (tests/debug/build-kernel.sh), and zero reports of
# ours in their logs.  Both have PROVE_LOCKING, DEBUG_ATOMIC_SLEEP and
# DEBUG_VM; one sanitizer each, since KASAN and KCSAN exclude each other:
#
#   kasan   KASAN, UBSAN and kmemleak: the whole suite, the topology boot, the
#           guard-page boot (debug_pagealloc=on) and the allocation sites
#           against page_owner (page_owner=on)
#   kcsan   KCSAN: the whole suite and the topology boot.  No guard-page
#           boot: guard pages are about which type a PFN has, which the
#           KASAN tier checks; what KCSAN looks at, the hooks racing each
#           other and the readers, the two boots before cover.
#
# KCSAN reports are sorted here, not by tests/vm/run.sh: a report is ours,
# and fails the run, when its title or a frame of either stack names the
# module (a "[memdesc]" or "[memdesc_truth]" symbol, or a memdesc_*
# function).  A report entirely inside the core kernel is not ours: a
# tinyconfig kernel under KCSAN has data races of its own that no change
# here can fix, so those are listed as "# note" lines and do not fail.
# The full text of every report stays in the console logs
# (.cache/vm/KVER*.console.log).
#
# Not part of make check: a first kernel build takes about half an hour on
# two cores, and the suite runs several times slower under a sanitizer and
# lockdep than on Debian's kernels.  The result, with the date, goes to
# .cache/debug/last-result (a line appended per run, as two tiers run side
# by side may finish in either order); docs/testing.md records them by hand.
#
# MEMDESC_DEBUG_TIERS (default "kasan kcsan") picks the tiers.
# MEMDESC_VM_TIMEOUT (seconds, default 14400) bounds each QEMU run and
# MEMDESC_VM_TIMEOUT_SCALE (default 8) the guest tests' own timeouts: under
# a sanitizer and TCG on two cores, the stress test's 50 load/unload cycles
# alone took over an hour (a minute or more a cycle, against 5 to 8 s on
# Debian's kernels), past the 3,600 s a scale of 4 gave them.  So
# MEMDESC_VM_CYCLES (default 10) cuts those cycles: ten loads and unloads
# under a sanitizer and lockdep check what fifty do, and the 40 left out
# were half an hour of the KCSAN tier's main boot, which must end within
# 90 minutes with another guest on the host.  The other MEMDESC_VM_*
# knobs of tests/vm/run.sh pass through.  Ends with "N passed,
# N failed".

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
log=$(mktemp)
reports=$(mktemp)
trap 'rm -f "$log" "$reports"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

tiers=${MEMDESC_DEBUG_TIERS:-kasan kcsan}
# Kept for scripts/reliability-table.sh: each boot's counts.  A run of one
# tier keeps its own file, so that the two tiers may run side by side.
results=$top/.cache/results/check-debug.tsv
[ "$tiers" = kasan ] || [ "$tiers" = kcsan ] &&
	results=$top/.cache/results/check-debug-$tiers.tsv
results_start "$results" check-debug
passed=0
failed=0
skipped=0
kvers=

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
		results_add "$results" "debug: $2" 1 0 0
	else
		echo "not ok - debug: $2"
		failed=$((failed + 1))
		results_add "$results" "debug: $2" 0 1 0
	fi
}

finish()
{
	local line

	line=$(tap_totals "$passed" "$failed" "$skipped")
	mkdir -p .cache/debug
	echo "$(date -u '+%Y-%m-%d %H:%M UTC') ${kvers:-?} $line" \
		>>.cache/debug/last-result
	echo "$line"
	[ "$failed" -eq 0 ]
	exit
}

# vm NAME [ARG...]: one run of the VM suite on $kdir, counted.
vm()
{
	local name=$1

	shift
	echo "# === vm $kver $name: tests/vm/run.sh --kdir ${kdir#"$top"/} $*" \
	     "${MEMDESC_VM_APPEND:+(MEMDESC_VM_APPEND=\"$MEMDESC_VM_APPEND\")}"
	MEMDESC_VM_TIMEOUT=${MEMDESC_VM_TIMEOUT:-14400} \
	MEMDESC_VM_TIMEOUT_SCALE=${MEMDESC_VM_TIMEOUT_SCALE:-8} \
	MEMDESC_VM_CYCLES=${MEMDESC_VM_CYCLES:-10} \
		tests/vm/run.sh --kdir "$kdir" "$@" 2>&1 | tee "$log"
	count "$log"
	# shellcheck disable=SC2046	# "P F S", three words
	results_add "$results" "vm $kver $name" $(tap_count "$log")
}

# kcsan_reports: every KCSAN report in the kernel log on standard input,
# from its "BUG: KCSAN:" line to the closing rule, each once, as blocks
# whose first line is "ours" or "theirs".  Ours: the title or a stack
# frame ("func+0x1/0x2") names a memdesc module or function.  Only those
# lines: the report's "Comm:" line and lockdep's "held by" lines name the
# test program that ran into the race, whoever raced.
kcsan_reports()
{
	awk '
	function flush() {
		if (title != "" && !(text in seen)) {
			seen[text] = 1
			printf "%s\n%s\n", ours ? "ours" : "theirs", text
		}
		title = ""
	}
	/BUG: KCSAN: / {
		flush()
		title = $0
		text = title
		ours = 0
		lines = 0
		if (title ~ /\[memdesc|(^|[^[:alnum:]_])memdesc_[[:alnum:]_]+/)
			ours = 1
		next
	}
	title == "" { next }
	{
		if ($0 ~ /^=+$/ || ++lines > 80) {
			flush()
			next
		}
		text = text "\n" $0
		if ($0 ~ /\+0x[0-9a-f]+\/0x[0-9a-f]+/ &&
		    $0 ~ /\[memdesc|(^|[^[:alnum:]_])memdesc_[[:alnum:]_]+\+0x/)
			ours = 1
	}
	END { flush() }
	'
}

# kcsan_check NAME CONSOLE: fail on a KCSAN report of ours in CONSOLE
# (each printed in full as comments), and list the core kernel's as notes.
# The reports are read from the guest's dmesg dump at the end of CONSOLE
# (tests/vm/init: "TOKEN D" lines): the console itself shows only the
# lines printed at error level, without the stacks.  No dump (the guest
# died first, which tests/vm/run.sh fails), and the console is all there
# is: a report without stacks can only be told ours by its title.
kcsan_check()
{
	local name=$1 console=$2 nours ntheirs dump=1

	if ! grep -qE '^MDT[0-9a-f]+ DMESG end' "$console" 2>/dev/null; then
		dump=
		echo "# note: $kver $name: no dmesg dump; KCSAN reports from the console, without stacks"
	fi
	if [ -n "$dump" ]; then
		sed -nE 's/^MDT[0-9a-f]+ D //p' "$console"
	else
		cat "$console" 2>/dev/null
	fi | kcsan_reports >"$reports"
	nours=$(grep -cx ours "$reports")
	ntheirs=$(grep -cx theirs "$reports")
	if [ "$ntheirs" -gt 0 ]; then
		echo "# note: $kver $name: $ntheirs KCSAN report(s) inside the core kernel, not counted:"
		awk '$0 == "theirs" { getline; print "# note:   " $0 }' "$reports"
	fi
	if [ ! -s "$console" ]; then
		check NOTOK "$kver $name: no console log ($console)"
	elif [ "$nours" -eq 0 ]; then
		check OK "$kver $name: no KCSAN report involving memdesc"
	else
		check NOTOK "$kver $name: $nours KCSAN report(s) involving memdesc"
		awk '$0 == "ours" { on = 1; print "#"; next } $0 == "theirs" { on = 0 }
		     on { print "#   " $0 }' "$reports"
	fi
}

# banners CONSOLE WANT...: the suite passing proves nothing if the checks
# were not in the kernel it ran; each announces itself at boot.  WANT is
# "TEXT:NAME", split at the last colon: TEXT must be in CONSOLE.
banners()
{
	local console=$1 want

	shift
	for want in "$@"; do
		# At the last colon: KCSAN's banner has one of its own.
		if grep -qF "${want%:*}" "$console" 2>/dev/null; then
			check OK "$kver runs ${want##*:}"
		else
			check NOTOK "$kver runs ${want##*:} (no '${want%:*}' in $console)"
		fi
	done
}

for tier in $tiers; do
	echo "# === $tier kernel: tests/debug/build-kernel.sh $tier"
	start=$(date +%s)
	if kdir=$(tests/debug/build-kernel.sh "$tier"); then
		kver=$(cat "$kdir/include/config/kernel.release")
		kvers+=${kvers:+,}$kver
		check OK "build $kver ($(($(date +%s) - start))s)"
	else
		check NOTOK "build the $tier kernel"
		continue
	fi
	console=.cache/vm/$kver.console.log
	topology=.cache/vm/$kver.topology.console.log

	vm main
	# tests/vm/run.sh's own log check fails on KASAN's reports; KCSAN's
	# it leaves to kcsan_check.
	[ "$tier" = kcsan ] && kcsan_check main "$console"

	# The topology boot too: memory hot-added, unplugged and hugetlb'd
	# under KASAN and lockdep is where the notifier's locking would show,
	# and under KCSAN where the notifier races the hooks.  (Its
	# virtio-mem devices, like every boot's balloon, get their interrupt
	# from the BIOS's MP table, not ACPI's _PRT, whose AML loop timed out
	# here: tests/vm/run.sh.)
	vm topology --topology
	[ "$tier" = kcsan ] && kcsan_check topology "$topology"

	if [ "$tier" = kcsan ]; then
		banners "$console" 'kcsan: enabled early:KCSAN' \
			'Lock dependency validator:lockdep (PROVE_LOCKING)'
		continue
	fi

	# Guard pages, the one type no Debian kernel can have (no
	# CONFIG_DEBUG_PAGEALLOC), on the KASAN tier only (kasan.config): a
	# boot of its own, debug_pagealloc=on with guard pages of order 0, so
	# that every buddy split to order 0 leaves one.  memdesc_test (its
	# fidelity test compares after every kind of memory) and
	# memdesc_swap_test's guard test (which skips elsewhere; its balloon
	# and swap tests skip here and run in the boot above): the direct map
	# changing at every allocation and free makes the stress test's load
	# and unload cycles stall RCU under TCG, and an 848 MiB balloon crawl.
	MEMDESC_VM_APPEND="debug_pagealloc=on debug_guardpage_minorder=1" \
	MEMDESC_VM_TESTS="memdesc_test memdesc_swap_test" \
		vm "guard pages"

	# Allocation sites against page_owner (kasan.config builds it in; it
	# records only when booted so): the one independent record of every
	# allocation's stack, and a boot of its own, since it costs every
	# allocation of the boots above a stack save.
	MEMDESC_VM_APPEND="page_owner=on" \
	MEMDESC_VM_TESTS="memdesc_truth_test:-f,truth_owners" \
		vm "page_owner"
	banners "$console" 'KernelAddressSanitizer initialized:KASAN' \
		'Lock dependency validator:lockdep (PROVE_LOCKING)'
done
finish
