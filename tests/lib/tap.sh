# SPDX-License-Identifier: GPL-2.0
#
# tap.sh - TAP output for the test scripts (sourced, not run).
#
# result OK DESC	one result line, numbered from 1; OK is an exit status
# comment FILE [MAX]	FILE's first MAX lines (default 200) as TAP comments:
#			diagnostics, where the first ones matter
# comment_tail FILE [MAX] FILE's last MAX lines (default 30): build logs,
#			where the error is at the end

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
