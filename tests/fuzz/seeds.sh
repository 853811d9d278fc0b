#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# seeds.sh pack DIR | trim SRC DST | make - the fuzz targets' seeds.
#
#   pack DIR      DIR's files (debugfs/*, zoneinfo, boot_id) as one input of
#                 fuzz_debugfs, on standard output, the shadow last
#   trim SRC DST  SRC's files into DST with the layout and shadow cut to
#                 at most 4 windows of 128 PFNs a range, each a range of its
#                 own: real words of every part of memory, in a few KB
#   make          corpus/*/ anew: from mksnap's machine (variants a and old,
#                 tests/tools/mksnap.c) and the files the VM suite's guest
#                 sent (.cache/vm/*.corpus/, as tests/vm/run.sh keeps
#                 them), trimmed; snapshots the guest's own, or saved by
#                 memdesc-stat from the trimmed files, and a copy of
#                 mksnap a's in format version 1

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/fuzz
# Windows per range, and PFNs per window.
windows=4
window=128

usage()
{
	echo "usage: $0 pack DIR | trim SRC DST | make" >&2
	exit 2
}

# pack DIR: see above.  Files absent from DIR are absent from the input.
pack()
{
	local f name

	for name in layout sections summary projection stats transitions \
		    owners compare zoneinfo boot_id shadow; do
		f=$1/debugfs/$name
		[ -f "$f" ] || f=$1/$name
		[ -f "$f" ] || continue
		printf '=== %s\n' "$name"
		cat "$f"
	done
}

# trim SRC DST: see above.  The module's other files are copied as they are.
trim()
{
	local src=$1 dst=$2 kind node start pfns off words=0 i keep at prev

	rm -rf "$dst"
	mkdir -p "$dst/debugfs"
	cp "$src"/debugfs/* "$dst/debugfs/" &&
		cp "$src/zoneinfo" "$dst/" || return 1
	[ -f "$src/boot_id" ] && cp "$src/boot_id" "$dst/"
	: > "$dst/debugfs/shadow"
	while read -r kind node start pfns off; do
		if [ "$kind" != range ]; then
			echo "$kind $node $start $pfns $off"
			continue
		fi
		keep=$((pfns < window ? pfns : window))
		for ((i = 0; i < windows; i++)); do
			at=$(((pfns - keep) * i / (windows - 1)))
			[ $i -gt 0 ] && [ $((at)) -lt $((prev + keep)) ] &&
				continue
			prev=$at
			echo "range $node $((start + at)) $keep $((words * 8))"
			dd if="$src/debugfs/shadow" bs=8 skip=$((off / 8 + at)) \
				count="$keep" status=none >> "$dst/debugfs/shadow"
			words=$((words + keep))
		done
	done < "$src/debugfs/layout" > "$dst/debugfs/layout"
}

# seed_from NAME DIR: the seeds of all three targets from DIR's files, as
# NAME; the snapshot is DIR's own (the guest's), or saved by $stat.
seed_from()
{
	local name=$1 dir=$2 t=$work/trimmed-$1 f

	trim "$dir" "$t" || return 1
	if [ -f "$dir/tool.snap" ]; then
		cp "$dir/tool.snap" "$here/corpus/snapshot/$name.snap"
	else
		MEMDESC_DEBUGFS=$t/debugfs MEMDESC_ZONEINFO=$t/zoneinfo \
			MEMDESC_BOOT_ID=$t/boot_id "$stat" save \
			"$here/corpus/snapshot/$name.snap" > /dev/null || return 1
	fi
	pack "$t" > "$here/corpus/debugfs/$name"
	for f in "$t"/debugfs/*; do
		[ "${f##*/}" = shadow ] ||
			cp "$f" "$here/corpus/report/$name-${f##*/}"
	done
}

make_seeds()
{
	local v d kver

	work=$top/.cache/fuzz/seeds
	rm -rf "$work"
	mkdir -p "$work"
	make -s -C "$top/tools" O="$work/build" || return 1
	stat=$work/build/memdesc-stat
	gcc -O2 -Wall -I"$top" -o "$work/mksnap" \
		"$top/tests/tools/mksnap.c" -lz || return 1
	rm -f "$here"/corpus/{snapshot,debugfs,report}/*
	mkdir -p "$here"/corpus/{snapshot,debugfs,report}
	for v in a old; do
		"$work/mksnap" "$work/mksnap-$v" "$v" > /dev/null &&
			seed_from "mksnap-$v" "$work/mksnap-$v" || return 1
	done
	# Format version 1: fuzz_snapshot sums a file as its version says.
	cp "$here/corpus/snapshot/mksnap-a.snap" "$here/corpus/snapshot/v1.snap"
	printf '\001' | dd of="$here/corpus/snapshot/v1.snap" bs=1 seek=8 \
		conv=notrunc status=none
	for d in "$top"/.cache/vm/*.corpus; do
		[ -d "$d" ] || continue
		kver=${d##*/}
		kver=${kver%.corpus}
		seed_from "vm-$kver" "$d" || return 1
	done
}

case ${1:-} in
pack)	[ $# = 2 ] || usage; pack "$2" ;;
trim)	[ $# = 3 ] || usage; trim "$2" "$3" ;;
make)	[ $# = 1 ] || usage; make_seeds ;;
*)	usage ;;
esac
