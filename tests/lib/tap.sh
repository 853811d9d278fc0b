# SPDX-License-Identifier: GPL-2.0
#
# tap.sh - TAP output for the test scripts (sourced, not run).
#
# result OK DESC	one result line, numbered from 1; OK is an exit status
# comment FILE [MAX]	FILE's first MAX lines (default 200) as TAP comments:
#			diagnostics, where the first ones matter
# comment_tail FILE [MAX] FILE's last MAX lines (default 30): build logs,
#			where the error is at the end
# tap_count FILE	"P F S": how many results in FILE passed, failed and
#			skipped (an "ok ... # SKIP" line is skipped, not passed)
# tap_totals P F S	the closing line CI reads: "P passed, F failed", with
#			", S skipped" when S > 0
# results_start FILE TIER  begin the results file make check or check-debug
#			keeps (scripts/reliability-table.sh reads it): the
#			tier, the commit tested and the date
# results_add FILE FAMILY P F S  one family's counts (a step, a boot), as it ends

n=0

result()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
	fi
}

comment()
{
	[ -s "$1" ] || return 0
	head -n "${2:-200}" "$1" | sed 's/^/#   /'
}

comment_tail()
{
	[ -s "$1" ] || return 0
	tail -n "${2:-30}" "$1" | sed 's/^/#   /'
}

tap_count()
{
	echo "$(grep -E '^ok ' "$1" | grep -cvE '# SKIP')" \
	     "$(grep -cE '^not ok ' "$1")" "$(grep -cE '^ok .*# SKIP' "$1")"
}

results_start()
{
	local commit

	mkdir -p "$(dirname "$1")"
	commit=$(git -C "$(dirname "$1")" rev-parse --short HEAD 2>/dev/null) ||
		commit=unknown
	# A tree with changes not committed tests more than the commit.
	git -C "$(dirname "$1")" diff --quiet HEAD 2>/dev/null ||
		[ "$commit" = unknown ] || commit=$commit+changes
	printf '# tier %s commit %s date %s\n' "$2" "$commit" \
		"$(date -u '+%Y-%m-%dT%H:%MZ')" >"$1"
}

results_add()
{
	[ -f "$1" ] && printf '%s\t%s\t%s\t%s\n' "$2" "$3" "$4" "$5" >>"$1"
}

tap_totals()
{
	if [ "$3" -gt 0 ]; then
		echo "$1 passed, $2 failed, $3 skipped"
	else
		echo "$1 passed, $2 failed"
	fi
}
