#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [plain|sanitized]... - memdesc-stat on the build machine, as TAP
# (make check, step tools).
#
# Builds memdesc-stat twice, as it ships (gcc, -Werror) and with
# AddressSanitizer and UndefinedBehaviorSanitizer (gcc's, which come with
# it; every report fatal), and runs the whole suite, suite.sh, against
# each: the second pass's results say "[asan+ubsan]".  The sanitizers write
# their reports to files, not to the output the tests compare, and the
# pass ends with a test that there is none, so a report is a failure even
# from a command whose status a test does not look at.  Leaks are not
# looked for here: an error exits with what it allocated, by design; the
# fuzz targets (tests/fuzz/) check that a run that succeeds frees
# everything.
#
# An argument runs only those passes.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/tools
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"

passes=${*:-"plain sanitized"}
cache=$top/.cache/tools
rm -rf "$cache"
mkdir -p "$cache"

# Every result of a pass carries its label: tap.sh's result(), renamed.
eval "tap_$(declare -f result)"
label=
result()
{
	tap_result "$1" "$label$2"
}

echo "TAP version 13"

# === Build ===

log=$cache/log
gcc -O2 -Wall -Werror -I"$top" -o "$cache/mksnap" "$here/mksnap.c" -lz \
	> "$log" 2>&1 &&
gcc -O2 -Wall -Werror -o "$cache/pngprobe" "$here/pngprobe.c" -lpng \
	>> "$log" 2>&1
rc=$?
result $rc "build mksnap and pngprobe"
[ $rc = 0 ] || { comment_tail "$log"; echo "1..$n"; exit 0; }
mksnap=$cache/mksnap
pngprobe=$cache/pngprobe

sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all"
for pass in $passes; do
	work=$cache/$pass
	mkdir -p "$work"
	case $pass in
	plain)
		label=
		make -s -C "$top/tools" O="$work/build" > "$log" 2>&1
		rc=$?
		result $rc "build memdesc-stat (-Wall -Wextra -Werror)"
		;;
	sanitized)
		label="[asan+ubsan] "
		make -s -C "$top/tools" O="$work/build" \
			CFLAGS="-O1 -g -fno-omit-frame-pointer $sanitize" \
			LDFLAGS="$sanitize" > "$log" 2>&1
		rc=$?
		result $rc "build memdesc-stat ($sanitize)"
		;;
	*)
		result 1 "unknown pass '$pass': want plain or sanitized"
		continue
		;;
	esac
	[ $rc = 0 ] || { comment_tail "$log"; continue; }
	stat=$work/build/memdesc-stat
	reports=$work/sanitizer
	mkdir -p "$reports"
	export ASAN_OPTIONS=detect_leaks=0:log_path=$reports/asan
	export UBSAN_OPTIONS=print_stacktrace=1:log_path=$reports/ubsan
	# shellcheck source=suite.sh
	. "$here/suite.sh"
	unset ASAN_OPTIONS UBSAN_OPTIONS
	if [ "$pass" = sanitized ]; then
		cat "$reports"/* > "$log" 2>/dev/null
		[ ! -s "$log" ]
		result $? "no sanitizer report from any command of the suite"
		comment "$log" 60
	fi
done
echo "1..$n"
