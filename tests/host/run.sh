#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [HARNESS-ARGS...] - host unit tests of the shared headers, as TAP.
#
# First checks that each header shared with user space (memdesc_types.h,
# memdesc_census.h: the user tools include them) stands alone there: it
# compiles by itself and includes nothing kernel-only and nothing of this
# tree but the other shared headers.  Then builds every tests/host/*_test.c
# as a program of its own with the kselftest harness from linux-source-6.12
# and runs it.  The harness prints its own "TAP version", plan and numbered
# result lines; they are folded into this script's single TAP stream:
# result lines renumbered after ours, its header and plan dropped, anything
# else turned into a "#" comment, so stdout holds exactly one result line per
# test.  HARNESS-ARGS go to every test program (e.g. -t zero_word_is_unknown;
# a program with no test of that name runs none).
#
# Build outputs go to .cache/host/.  Exits non-zero only if the tests could
# not run at all (no compiler, no harness headers).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/.cache/host
n=0

# The headers shared with user space, relative to $top.
shared_headers=(memdesc_types.h memdesc_census.h memdesc_diff.h memdesc_pcp.h
		memdesc_owners.h memdesc_revisions.h)

# Warnings for the standalone header check: what a user tool including it
# might well build with.
hdr_warn=(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
	  -Wmissing-prototypes -Wundef)

# The test program gets -Wall -Wextra -Werror less two warnings that the 6.12
# harness itself raises in every test: TEST() hands each test a "variant"
# argument it need not use (-Wunused-parameter), and the TEST_F() wrapper's
# setjmp/fork pattern trips -Wclobbered at -O2.  Neither is about our code;
# everything else, sign-compare in our assertions included, stays an error.
# ASan and UBSan make an out-of-range shift in the header fail its test.
test_cflags=(-std=gnu11 -O2 -g -Wall -Wextra -Werror
	     -Wno-unused-parameter -Wno-clobbered
	     '-fsanitize=address,undefined' -fno-sanitize-recover=all)

# tap_result OK DESC [LOGFILE]: one result line; LOGFILE's lines as comments.
tap_result()
{
	local ok=$1 desc=$2 log=${3:-}

	n=$((n + 1))
	if [ "$ok" = 0 ]; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
	fi
	if [ -n "$log" ] && [ -s "$log" ]; then
		sed 's/^/#   /' "$log"
	fi
}

if ! command -v gcc >/dev/null; then
	echo "host/run.sh: gcc not found" >&2
	exit 1
fi
selftests=$("$top"/scripts/linux-src.sh)/tools/testing/selftests || exit 1
if [ ! -f "$selftests/kselftest_harness.h" ]; then
	echo "host/run.sh: no kselftest_harness.h in $selftests" >&2
	exit 1
fi
mkdir -p "$out" || exit 1

echo "TAP version 13"

# --- The shared headers on their own -----------------------------------------

# header_alone HEADER: a translation unit with nothing but HEADER, compiled
# with no -D__KERNEL__, no kernel include path, only /usr/include
# (linux-libc-dev provides <linux/types.h>).
header_alone()
{
	local h=$1 src=$out/alone_${1%.h}.c obj=$out/alone_${1%.h}.o
	local deps allowed=() s

	printf '#include "%s"\n' "$h" > "$src"

	gcc -std=gnu11 "${hdr_warn[@]}" -I"$top" -c "$src" -o "$obj" \
		> "$out/log" 2>&1
	tap_result $? "$h compiles alone in user space (gcc -std=gnu11 ${hdr_warn[*]})" "$out/log"

	gcc -std=c99 -pedantic-errors -Wall -Wextra -Werror -I"$top" \
		-c "$src" -o "$obj" > "$out/log" 2>&1
	tap_result $? "$h compiles alone as strict C99 (gcc -std=c99 -pedantic-errors)" "$out/log"

	if command -v clang >/dev/null; then
		clang -std=gnu11 "${hdr_warn[@]}" -I"$top" -c "$src" \
			-o "$obj" > "$out/log" 2>&1
		tap_result $? "$h compiles alone with clang" "$out/log"
	else
		n=$((n + 1))
		echo "ok $n $h compiles alone with clang # SKIP clang not installed"
	fi

	# Besides system headers, it may pull in only shared headers, so a
	# tool can carry copies of those alone.  gcc -MM lists exactly the
	# files it reads that are not system headers.
	for s in "${shared_headers[@]}"; do
		allowed+=(-e "$top/$s")
	done
	deps=$(gcc -MM -I"$top" "$src" 2>&1 |
	       tr -d '\\\n' | tr -s ' ' '\n' | sed 1d |
	       grep -vxF -e "$src" "${allowed[@]}")
	printf '%s\n' "$deps" | sed '/^$/d; s/^/extra dependency: /' > "$out/log"
	[ -z "$deps" ]
	tap_result $? "$h includes only system headers and shared headers" "$out/log"
}

for h in "${shared_headers[@]}"; do
	header_alone "$h"
done

# --- The harness tests -------------------------------------------------------

# harness_test NAME [HARNESS-ARGS...]: build tests/host/NAME.c, run it and
# fold its TAP lines into ours.
harness_test()
{
	local name=$1 bin=$out/$1 rc planned reported line

	shift
	gcc "${test_cflags[@]}" -I"$selftests" -I"$top" \
		"$top/tests/host/$name.c" -o "$bin" > "$out/log" 2>&1
	rc=$?
	tap_result $rc "$name builds (-Wall -Wextra -Werror, ASan, UBSan)" "$out/log"
	[ "$rc" -eq 0 ] || return

	"$bin" "$@" > "$out/$name.out" 2>&1
	rc=$?

	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$out/$name.out" | head -n 1)
	reported=0
	while IFS= read -r line; do
		case $line in
		"TAP version "*|1..[0-9]*)
			;;
		"ok "[0-9]*|"not ok "[0-9]*)
			# "ok 7 name # SKIP why" -> "ok N name # SKIP why"
			reported=$((reported + 1))
			n=$((n + 1))
			[[ $line =~ ^(not )?ok\ [0-9]+(.*)$ ]]
			echo "${BASH_REMATCH[1]}ok $n${BASH_REMATCH[2]}"
			;;
		\#*)
			echo "$line"
			;;
		*)
			echo "# $line"
			;;
		esac
	done < "$out/$name.out"

	# A crash of the harness itself (not of a test: those run in children)
	# leaves planned tests unreported.
	if [ -z "$planned" ] || [ "$reported" -ne "$planned" ]; then
		n=$((n + 1))
		echo "not ok $n $name reported $reported of ${planned:-?} planned tests (exit $rc)"
	fi
}

for t in "$top"/tests/host/*_test.c; do
	[ -f "$t" ] || continue
	t=${t##*/}
	harness_test "${t%.c}" "$@"
done

echo "1..$n"
exit 0
