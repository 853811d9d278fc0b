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

tap_totals()
{
	if [ "$3" -gt 0 ]; then
		echo "$1 passed, $2 failed, $3 skipped"
	else
		echo "$1 passed, $2 failed"
	fi
}
