#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# reliability-table.sh [FILE...] - the table docs/RELIABILITY.md opens with:
# each tier and test family, its last result, and the commit and date it
# ran on, in Markdown.
#
# A FILE is a results file make check or make check-debug keeps
# (.cache/results/check.tsv, check-debug.tsv: tests/lib/tap.sh,
# results_start and results_add), or the output of make check itself,
# whose "# FAMILY: P passed, F failed, S skipped" lines it reads, with the
# commit and date given as "--commit REV --date DATE" before the file.
# Without FILE, every results file under .cache/results.  A tier with no
# log here reads so.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
commit=unknown
date=unknown
files=()
while [ $# -gt 0 ]; do
	case $1 in
	--commit)	commit=${2:?--commit REV}; shift 2 ;;
	--date)		date=${2:?--date DATE}; shift 2 ;;
	-*)		echo "usage: $0 [--commit REV --date DATE] [FILE...]" >&2; exit 2 ;;
	*)		files+=("$1"); shift ;;
	esac
done
if [ ${#files[@]} -eq 0 ]; then
	for f in "$top"/.cache/results/*.tsv; do
		[ -f "$f" ] && files+=("$f")
	done
fi

echo "| tier | family | passed | failed | skipped | result | commit | date |"
echo "|---|---|---:|---:|---:|---|---|---|"
for f in "${files[@]}"; do
	awk -v commit="$commit" -v date="$date" -F '\t' '
	function row(family, p, f, s) {
		printf "| %s | %s | %d | %d | %d | %s | %s | %s |\n", tier,
		       family, p, f, s, f ? "**fail**" : (p ? "pass" : "skip"),
		       commit, date
	}
	NR == 1 && /^# tier / {
		split($0, h, " ")
		tier = h[3]; commit = h[5]; date = h[7]
		next
	}
	NR == 1 { tier = "check" }
	/^# [^=:][^:]*: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ {
		line = substr($0, 3)
		i = index(line, ": ")
		split(substr(line, i + 2), c, " ")
		row(substr(line, 1, i - 1), c[1], c[3], c[5])
		next
	}
	NF == 4 && $2 ~ /^[0-9]+$/ { row($1, $2, $3, $4) }
	' "$f"
done
for t in check check-debug; do
	found=
	for f in "${files[@]}"; do
		case $f in *"$t".tsv) found=1 ;; esac
		head -n 1 "$f" | grep -q "^# tier $t " && found=1
	done
	[ "$t" = check ] && grep -qs '^# [a-z].*: [0-9]* passed, ' "${files[@]}" && found=1
	[ -n "$found" ] || echo "| $t | (no log here) | | | | not run | | |"
done
