#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [HARNESS-ARGS...] - host unit tests of memdesc_types.h, as TAP.
#
# First checks that the header stands alone in user space (it is shared with
# the user tools, so it may include nothing kernel-only), then builds
# memdesc_types_test.c with the kselftest harness from linux-source-6.12 and
# runs it.  The harness prints its own "TAP version", plan and numbered
# result lines; they are folded into this script's single TAP stream:
# result lines renumbered after ours, its header and plan dropped, anything
# else turned into a "#" comment, so stdout holds exactly one result line per
# test.  HARNESS-ARGS go to the test program (e.g. -t zero_word_is_unknown).
#
# Build outputs go to .cache/host/.  Exits non-zero only if the tests could
# not run at all (no compiler, no harness headers).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/.cache/host
hdr=$top/memdesc_types.h
n=0

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

# --- The header on its own ---------------------------------------------------

# A translation unit with nothing but the header: no -D__KERNEL__, no kernel
# include path, only /usr/include (linux-libc-dev provides <linux/types.h>).
printf '#include "memdesc_types.h"\n' > "$out/header_alone.c"

gcc -std=gnu11 "${hdr_warn[@]}" -I"$top" -c "$out/header_alone.c" \
	-o "$out/header_alone.o" > "$out/log" 2>&1
tap_result $? "memdesc_types.h compiles alone in user space (gcc -std=gnu11 ${hdr_warn[*]})" "$out/log"

gcc -std=c99 -pedantic-errors -Wall -Wextra -Werror -I"$top" \
	-c "$out/header_alone.c" -o "$out/header_alone.o" > "$out/log" 2>&1
tap_result $? "memdesc_types.h compiles alone as strict C99 (gcc -std=c99 -pedantic-errors)" "$out/log"

if command -v clang >/dev/null; then
	clang -std=gnu11 "${hdr_warn[@]}" -I"$top" -c "$out/header_alone.c" \
		-o "$out/header_alone.o" > "$out/log" 2>&1
	tap_result $? "memdesc_types.h compiles alone with clang" "$out/log"
else
	n=$((n + 1))
	echo "ok $n memdesc_types.h compiles alone with clang # SKIP clang not installed"
fi

# Besides system headers, the header must pull in no file of this tree, so a
# tool can carry a copy of it alone.  gcc -MM lists exactly those.
deps=$(gcc -MM -I"$top" "$out/header_alone.c" 2>&1 |
       tr -d '\\\n' | tr -s ' ' '\n' | sed 1d |
       grep -vxF -e "$out/header_alone.c" -e "$hdr" -e "$top/memdesc_types.h")
printf '%s\n' "$deps" | sed '/^$/d; s/^/extra dependency: /' > "$out/log"
[ -z "$deps" ]
tap_result $? "memdesc_types.h includes only system headers" "$out/log"

# --- The harness tests -------------------------------------------------------

gcc "${test_cflags[@]}" -I"$selftests" -I"$top" \
	"$top/tests/host/memdesc_types_test.c" -o "$out/memdesc_types_test" \
	> "$out/log" 2>&1
build=$?
tap_result $build "memdesc_types_test builds (-Wall -Wextra -Werror, ASan, UBSan)" "$out/log"

if [ "$build" -eq 0 ]; then
	"$out/memdesc_types_test" "$@" > "$out/harness.out" 2>&1
	rc=$?

	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$out/harness.out" | head -n 1)
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
	done < "$out/harness.out"

	# A crash of the harness itself (not of a test: those run in children)
	# leaves planned tests unreported.
	if [ -z "$planned" ] || [ "$reported" -ne "$planned" ]; then
		n=$((n + 1))
		echo "not ok $n memdesc_types_test reported $reported of ${planned:-?} planned tests (exit $rc)"
	fi
fi

echo "1..$n"
exit 0
