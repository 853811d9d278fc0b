#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh --check | --seconds N [TARGET...] - memdesc-stat's fuzz targets
# (libFuzzer, with AddressSanitizer and UndefinedBehaviorSanitizer), as TAP.
#
#   --check       make check, step fuzz: every input of regressions/TARGET/
#                 through its target once, then each target for
#                 MEMDESC_FUZZ_CHECK_SECONDS (default 30) from its corpus
#   --seconds N   make fuzz: each target for N seconds, under nice, its
#                 corpus kept and grown in .cache/fuzz/corpus/TARGET
#
# The targets (fuzz.h says how they run the tool's own code):
#
#   snapshot   a snapshot file through every subcommand that reads one
#   debugfs    files of a made-up live system (one input holds them all:
#              fuzz_debugfs.c) through every live subcommand, save, and
#              the subcommands that read what save wrote
#   report     a report's text through the tables, JSON, owners view and
#              metrics, in memory
#
# Seeds: corpus/TARGET/ here, and the files the VM suite's guest sent back
# (.cache/vm/*.corpus/, tests/vm/run.sh) when there are any: snapshots
# for snapshot, the debugfs files and zoneinfo put together for debugfs,
# each text file for report.  Every input a target ever crashed on, timed
# out on or ran out of memory on is kept in regressions/TARGET/.
#
# An input that crashes, leaks, takes more than 10 s or more than 2 GiB is
# a finding: libFuzzer stops and saves it in .cache/fuzz/findings/TARGET/,
# and the result says so, and how to run it again.  Executions per run are
# added to .cache/fuzz/executions.log ("date target seconds executions").

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/fuzz
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"

usage()
{
	echo "usage: $0 --check | --seconds N [snapshot|debugfs|report]..." >&2
	exit 2
}

mode=
seconds=
case ${1:-} in
--check)	mode=check; seconds=${MEMDESC_FUZZ_CHECK_SECONDS:-30} ;;
--seconds)	mode=fuzz; seconds=${2:-}; shift ;;
*)		usage ;;
esac
shift
case $seconds in
''|*[!0-9]*|0)	usage ;;
esac
targets=${*:-"snapshot debugfs report"}
for t in $targets; do
	case $t in
	snapshot|debugfs|report) ;;
	*)	usage ;;
	esac
done

cache=$top/.cache/fuzz
build=$cache/build
log=$cache/log
mkdir -p "$build/objs" "$cache/findings"

# Inputs at most this long: a real snapshot, trimmed, is a few tens of KB.
declare -A max_len=([snapshot]=262144 [debugfs]=262144 [report]=131072)
flags=(-timeout=10 -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1
	-dict="$here/memdesc.dict")

# The targets write their inputs to files: on tmpfs, if there is one.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm

echo "TAP version 13"

# === Build ===

# shellcheck disable=SC2054	# commas are clang's
san=(-fsanitize=address,undefined -fno-sanitize-recover=all)
cflags=(-O1 -g -fno-omit-frame-pointer "${san[@]}")

# build: the tool's objects (not main.o), its C library calls renamed
# (redefine.syms), the harness and the targets, linked with libFuzzer.
build()
{
	local o t

	command -v clang > /dev/null ||
		{ echo "clang not installed (make deps)"; return 1; }
	make -s -C "$top/tools" O="$build/tools" CC=clang \
		CFLAGS="${cflags[*]} -fsanitize=fuzzer-no-link" \
		LDFLAGS="${san[*]}" || return 1
	rm -f "$build"/objs/*.o
	for o in "$build"/tools/*.o; do
		[ "${o##*/}" = main.o ] && continue
		objcopy --redefine-syms="$here/redefine.syms" "$o" \
			"$build/objs/${o##*/}" || return 1
	done
	for t in fuzz fuzz_snapshot fuzz_debugfs fuzz_report; do
		clang -std=gnu11 -Wall -Wextra -Werror "${cflags[@]}" \
			-fsanitize=fuzzer-no-link -I"$top" -I"$top/tools" \
			-D_GNU_SOURCE -c -o "$build/$t.o" "$here/$t.c" || return 1
	done
	for t in snapshot debugfs report; do
		clang "${san[@]}" -fsanitize=fuzzer -o "$build/fuzz_$t" \
			"$build/fuzz_$t.o" "$build/fuzz.o" "$build"/objs/*.o \
			-lpng -lz -lm || return 1
	done
}

build > "$log" 2>&1
rc=$?
result $rc "build the fuzz targets (clang -fsanitize=fuzzer,address,undefined)"
[ $rc = 0 ] || { comment_tail "$log"; echo "1..$n"; exit 0; }

# === Seeds ===

# vm_seeds TARGET DIR: the VM suite's files, as TARGET's seeds, into DIR.
vm_seeds()
{
	local d f name

	for d in "$top"/.cache/vm/*.corpus; do
		[ -d "$d" ] || continue
		name=${d##*/}
		name=${name%.corpus}
		case $1 in
		snapshot)
			for f in "$d"/*.snap; do
				[ -f "$f" ] && cp "$f" "$2/vm-$name-${f##*/}"
			done
			;;
		report)
			for f in "$d"/debugfs/*; do
				[ -f "$f" ] && [ "${f##*/}" != shadow ] &&
					cp "$f" "$2/vm-$name-${f##*/}"
			done
			;;
		debugfs)
			"$here/seeds.sh" pack "$d" > "$2/vm-$name" 2> /dev/null ||
				rm -f "$2/vm-$name"
			;;
		esac
	done
}

# seeds TARGET DIR: every seed of TARGET into DIR.
seeds()
{
	mkdir -p "$2"
	cp "$here/corpus/$1"/* "$2/" 2> /dev/null
	vm_seeds "$1" "$2"
}

# === Runs ===

# executions LOG: the executions libFuzzer counted in its LOG.
executions()
{
	sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -n 1
}

# findings TARGET LOG: say what the run of TARGET found, and how to see
# it again; true if nothing.
findings()
{
	local t=$1 f found=1

	for f in "$cache/findings/$t"/*; do
		[ -f "$f" ] || continue
		[ "$f" -nt "$2.start" ] || continue
		found=0
		echo "#   found: $f"
		echo "#   again: $build/fuzz_$t $f"
		echo "#   keep:  cp $f $here/regressions/$t/"
	done
	return $found
}

total=0
for t in $targets; do
	bin=$build/fuzz_$t
	mkdir -p "$cache/findings/$t"
	tlog=$cache/$t.log

	# Every input that ever failed, once each: none may fail again.
	regs=("$here/regressions/$t"/*)
	if [ -f "${regs[0]}" ]; then
		"$bin" "${flags[@]}" "${regs[@]}" > "$tlog" 2>&1
		rc=$?
		result $rc "$t: ${#regs[@]} regression inputs run clean"
		[ $rc = 0 ] || comment_tail "$tlog" 40
	fi

	if [ "$mode" = check ]; then
		corpus=$(mktemp -d "$cache/corpus.XXXXXX")
		nice_cmd=()
	else
		corpus=$cache/corpus/$t
		nice_cmd=(nice -n 19)
	fi
	seeds "$t" "$corpus"
	touch "$tlog.start"
	"${nice_cmd[@]}" "$bin" "${flags[@]}" -max_len="${max_len[$t]}" \
		-max_total_time="$seconds" \
		-artifact_prefix="$cache/findings/$t/" "$corpus" \
		> "$tlog" 2>&1
	rc=$?
	execs=$(executions "$tlog")
	echo "$(date -u +%FT%TZ) $t $seconds ${execs:-0}" >> "$cache/executions.log"
	total=$((total + ${execs:-0}))
	if [ $rc = 0 ] && ! findings "$t" "$tlog" > /dev/null; then
		result 0 "$t: fuzzed ${seconds}s, ${execs:-?} executions, no finding"
	else
		result 1 "$t: fuzzed ${seconds}s, ${execs:-?} executions: a finding (exit $rc)"
		findings "$t" "$tlog"
		grep -E -m 1 -A 30 'ERROR|==[0-9]+==|SUMMARY|memdesc-stat fuzz' \
			"$tlog" | sed 's/^/#   /'
	fi
	[ "$mode" = check ] && rm -rf "$corpus"
done
echo "# $total executions in all; every run so far: $cache/executions.log"
echo "1..$n"
