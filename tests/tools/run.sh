#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - memdesc-stat on the build machine, as TAP (make check, step tools).
#
# mksnap.c writes, for a made-up two-node machine, what the module's debugfs
# directory would hold and a snapshot written straight from docs/SNAPSHOT.md;
# it computes the expected summary and projection from the same words, so
# the tool's census is checked against an independent computation.
# pngprobe.c decodes the map with libpng and reads pixels back.  The live
# side (the real module) is tested in the guest: tests/vm/memdesc_tool_test.c.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/tools
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"

work=$top/.cache/tools
rm -rf "$work"
mkdir -p "$work"
log=$work/log
out=$work/out

echo "TAP version 13"

# === Build ===

make -s -C "$top/tools" O="$work/build" > "$log" 2>&1
rc=$?
result $rc "build memdesc-stat (-Wall -Wextra -Werror)"
[ $rc = 0 ] || { comment_tail "$log"; echo "1..$n"; exit 0; }
stat=$work/build/memdesc-stat

gcc -O2 -Wall -Werror -I"$top" -o "$work/mksnap" "$here/mksnap.c" -lz \
	> "$log" 2>&1 &&
gcc -O2 -Wall -Werror -o "$work/pngprobe" "$here/pngprobe.c" -lpng \
	>> "$log" 2>&1
rc=$?
result $rc "build mksnap and pngprobe"
[ $rc = 0 ] || { comment_tail "$log"; echo "1..$n"; exit 0; }

for v in a b other; do
	"$work/mksnap" "$work/$v" "$v" > "$log" 2>&1 || {
		result 1 "mksnap $v"
		comment "$log"
		echo "1..$n"
		exit 0
	}
done

# === Helpers ===

# live V CMD...: memdesc-stat reading variant V's made-up debugfs.
live()
{
	local v=$1

	shift
	MEMDESC_DEBUGFS=$work/$v/debugfs MEMDESC_ZONEINFO=$work/$v/zoneinfo \
		"$stat" "$@"
}

# same DESC EXPECTED-FILE: $out equals EXPECTED-FILE.
same()
{
	if diff -u "$2" "$out" > "$log" 2>&1; then
		result 0 "$1"
	else
		result 1 "$1"
		comment "$log" 40
	fi
}

# fails DESC STATUS PATTERN CMD...: CMD exits STATUS and says PATTERN on
# stderr, in one line.
fails()
{
	local desc=$1 want=$2 pattern=$3 rc

	shift 3
	"$@" > "$out" 2> "$log"
	rc=$?
	if [ "$rc" = "$want" ] && [ "$(wc -l < "$log")" -ge 1 ] &&
	   grep -qE "$pattern" "$log"; then
		result 0 "$desc"
	else
		result 1 "$desc (exit $rc, want $want and /$pattern/)"
		comment "$log" 10
	fi
}

# field FILE KIND N...: the Nth fields of FILE's record KIND, one line each.
field()
{
	awk -v k="$2" -v f="$3" '$1 == k { print $(f + 1) }' "$1"
}

# === Reports, live and saved ===

a=$work/a.snap
b=$work/b.snap
live a save "$a" > "$log" 2>&1
result $? "save: a snapshot of the live files"
comment "$log"
live b save "$b" > "$log" 2>&1
result $? "save: a second snapshot"

for r in summary projection stats transitions compare; do
	live a "$r" --raw > "$out" 2>&1
	same "$r --raw (live): the module's file as it is" \
		"$work/a/debugfs/$r"
done

# The census of the words, computed by the tool, against mksnap's.
for snap in "$a" "$work/a/direct.snap"; do
	name=${snap#"$work"/}
	for r in summary projection; do
		"$stat" "$r" --raw "$snap" > "$out" 2>&1
		same "$r --raw $name: computed from the shadow words" \
			"$work/a/debugfs/$r"
	done
	"$stat" stats --raw "$snap" > "$out" 2>&1
	same "stats --raw $name: the saved section" "$work/a/debugfs/stats"
done
"$stat" transitions --raw "$a" > "$out" 2>&1
same "transitions --raw a.snap: the saved section" \
	"$work/a/debugfs/transitions"
# direct.snap has no transitions section (docs/SNAPSHOT.md: optional).
fails "transitions of a snapshot without them: says so" 1 \
	"no transitions section" \
	"$stat" transitions "$work/a/direct.snap"

# Tables for people: every class of the raw report, with its count.
"$stat" summary "$a" > "$out" 2>&1
bad=0
while read -r class pages; do
	grep -qE "^$class +$pages " "$out" || { bad=1; echo "$class $pages"; }
done < <(awk '$1 == "class" { print $2, $3 }' "$work/a/debugfs/summary") \
	> "$log"
result $bad "summary table: every class with its page count"
comment "$log"

# JSON: valid, and holding the same numbers as the raw report.
for r in summary projection stats transitions compare; do
	if [ "$r" = compare ] || [ "$r" = stats ] || [ "$r" = transitions ]
	then
		live a "$r" --json > "$out" 2>"$log"
	else
		"$stat" "$r" --json "$a" > "$out" 2>"$log"
	fi
	if jq -e --arg r "$r" '.report == $r' "$out" > /dev/null 2>>"$log"
	then
		result 0 "$r --json: valid JSON, report \"$r\""
	else
		result 1 "$r --json: valid JSON, report \"$r\""
		comment "$log" 10
	fi
done
"$stat" summary --json "$a" > "$out"
got=$(jq -r '[.class[] | "\(.class) \(.pages)"] | join(",")' "$out")
want=$(awk '$1 == "class" { printf "%s%s %s", s, $2, $3; s = "," }' \
	"$work/a/debugfs/summary")
[ "$got" = "$want" ]
result $? "summary --json: classes and pages as the raw report"
"$stat" projection --json "$a" > "$out"
got=$(jq -r '.pfns' "$out")
[ "$got" = "$(field "$work/a/debugfs/projection" pfns 1)" ]
result $? "projection --json: pfns as the raw report ($got)"

# === diff ===

"$stat" diff --raw "$a" "$b" > "$out" 2>"$log"
rc=$?
# mksnap's change_b(): 128 PFNs free -> anon at 256, 64 anon -> free at
# 41000, one free -> slab at 60000, one mappable bit cleared at 4096.
grep -qx "run 256 383 128 free anon" "$out" &&
grep -qx "run 41000 41063 64 anon free" "$out" &&
grep -qx "run 60000 60000 1 free slab" "$out" &&
grep -qx "changed 193" "$out" && grep -qx "rewritten 1" "$out" &&
[ "$(grep -c '^run ' "$out")" = 3 ] && [ "$rc" = 0 ]
result $? "diff: the known changes, as runs of PFNs, and nothing else"
comment "$log"
"$stat" diff --raw "$a" "$a" > "$out" 2>&1 &&
grep -qx "changed 0" "$out" && ! grep -q '^run ' "$out"
result $? "diff of a snapshot with itself: no change"
"$stat" diff "$work/a/direct.snap" "$work/b/direct.snap" > "$out" 2>&1 &&
grep -qE "^free +anon +128 " "$out"
result $? "diff table: from/to classes with counts"
fails "diff of different layouts: refused" 1 "different layouts" \
	"$stat" diff "$a" "$work/other/direct.snap"

# === map ===

png=$work/b.png
"$stat" map "$b" -o "$png" --raw > "$out" 2>"$log"
result $? "map: writes $png"
comment "$log"
read -r w h < <(awk '$1 == "image" { print $3, $4 }' "$out")
"$work/pngprobe" "$png" > "$log" 2>&1 && [ "$(head -1 "$log")" = "$w $h" ]
result $? "map: libpng decodes it, ${w}x$h as reported"

# pixel PFN: the colour of PFN's block, from the reported band geometry.
pixel()
{
	awk -v p="$1" '
		$1 == "scale" { ppb = $2; zoom = $3; bpr = $4 }
		$1 == "band" && p >= $4 && p < $4 + $5 {
			blk = int((p - $4) / ppb)
			print $6 + (blk % bpr) * zoom, $7 + int(blk / bpr) * zoom
		}' "$out"
}
bad=0
for check in "256 anon" "383 anon" "41000 free" "60000 slab"; do
	set -- $check
	xy=$(pixel "$1")
	want=$(awk -v c="$2" '$1 == "color" && $2 == c { print $3, $4, $5 }' \
		"$out")
	# shellcheck disable=SC2086	# x and y are two arguments
	got=$("$work/pngprobe" "$png" $xy | tail -1)
	[ -n "$xy" ] && [ "$got" = "$want" ] || {
		bad=1
		echo "pfn $1 at ($xy): $got, want $2 ($want)" >> "$log"
	}
done
result $bad "map: PFNs coloured by their class (256, 383, 41000, 60000)"
[ $bad = 0 ] || comment "$log"

"$stat" map "$b" -o "$work/b64.png" --pfns-per-pixel 64 --zoom 4 --raw \
	> "$out" 2>&1 &&
[ "$(awk '$1 == "scale" { print $2, $3 }' "$out")" = "64 4" ] &&
"$work/pngprobe" "$work/b64.png" > /dev/null 2>&1
result $? "map --pfns-per-pixel 64 --zoom 4"

# === Bad input: a clear error, never a crash or a wrong answer ===

bad_snap()
{
	local desc=$1 pattern=$2 at=$3 bytes=$4 f=$work/bad.snap

	cp "$a" "$f"
	if [ "$at" = truncate ]; then
		truncate -s "$bytes" "$f"
	else
		printf "$bytes" | dd of="$f" bs=1 seek="$at" conv=notrunc \
			status=none
	fi
	fails "$desc" 1 "$pattern" "$stat" summary "$f"
}
bad_snap "corrupt snapshot: crc mismatch" "crc|corrupt" 4096 '\377\001'
bad_snap "truncated snapshot" "truncated" truncate 10000
bad_snap "shorter than a header" "shorter than its header" truncate 20
bad_snap "wrong magic" "not a memdesc snapshot" 0 'X'
bad_snap "newer format version" "version" 8 '\011'
fails "not a snapshot at all" 1 "not a memdesc snapshot" \
	"$stat" summary "$work/a/debugfs/summary"
fails "missing file" 1 "No such file" "$stat" summary "$work/none.snap"
fails "compare of a snapshot: needs the live kernel" 1 "live" \
	"$stat" compare "$a"
fails "live files missing: says why" 1 "memdesc.ko loaded" \
	env MEMDESC_DEBUGFS="$work/none" "$stat" summary
fails "unknown subcommand: usage error" 2 "unknown subcommand" \
	"$stat" frobnicate
fails "--json with --raw: usage error" 2 "exclude" \
	"$stat" summary --json --raw "$a"
fails "map without -o: usage error" 2 "missing -o" "$stat" map "$a"
fails "map --width 0: usage error" 2 "want a number" \
	"$stat" map "$a" -o "$work/x.png" --width 0
fails "map --zoom -1: usage error" 2 "want a positive number" \
	"$stat" map "$a" -o "$work/x.png" --zoom -1
fails "diff with one file: usage error" 2 "missing files" \
	"$stat" diff "$a"
fails "save with no FILE: usage error" 2 "missing FILE" "$stat" save

# === make install ===

make -s -C "$top" install DESTDIR="$work/dest" PREFIX=/usr > "$log" 2>&1 &&
"$work/dest/usr/bin/memdesc-stat" --help > /dev/null 2>&1
result $? "make install DESTDIR=... PREFIX=/usr: a working memdesc-stat"
comment "$log"

echo "1..$n"
