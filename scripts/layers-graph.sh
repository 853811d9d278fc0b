#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# layers-graph.sh OBJDIR - print, in graphviz's dot language, which part of
# the module uses which: the units of memdesc.h's list ("Interfaces between
# the parts"), bottom up, a solid edge where a unit's object calls or reads
# symbols another unit's object defines (nm, on the build in OBJDIR, as
# tests/layers.sh reads them; labelled with how many), and a dashed edge
# where a source file includes one of the listed headers.  memdesc.h and
# memdesc_compat.h, which every unit includes, are left out.
#
# make docs writes its output to docs/layers.dot and draws docs/layers.svg;
# tests/static.sh (layers) fails when docs/layers.dot is not what the code
# gives, so the picture cannot drift from the code.

set -eu

dir=${1:?usage: layers-graph.sh OBJDIR}
top=$(cd "$(dirname "$0")/.." && pwd)

# The listed files, bottom up, with their one-line descriptions.
mapfile -t listed < <(sed -n '/^ \* Interfaces between/,/^ \*\//p' \
	"$top/memdesc.h" | awk '$2 ~ /\.[ch]$/ { print $2 }')
[ "${#listed[@]}" -ge 2 ] || { echo "layers-graph.sh: no unit list in memdesc.h" >&2; exit 2; }

declare -A owner
for f in "${listed[@]}"; do
	case $f in
	*.c)
		u=${f%.c}
		[ -f "$dir/$u.o" ] || { echo "layers-graph.sh: $dir/$u.o missing" >&2; exit 2; }
		while read -r sym; do
			owner[$sym]=$f
		done < <(nm --defined-only "$dir/$u.o" | awk '$2 ~ /[TDBRtdbr]/ { print $3 }')
		;;
	esac
done

echo "// Made by scripts/layers-graph.sh (make docs) from memdesc.h's unit"
echo "// list, nm of a build and the sources' includes: do not edit."
echo "digraph memdesc_layers {"
echo "	rankdir=BT;"
echo "	node [shape=box, fontname=\"monospace\", fontsize=10];"
echo "	edge [fontname=\"monospace\", fontsize=8];"
for f in "${listed[@]}"; do
	case $f in
	*.h)	echo "	\"$f\" [style=rounded];" ;;
	*)	echo "	\"$f\";" ;;
	esac
done
# Calls: unit -> unit, with the number of symbols.
for f in "${listed[@]}"; do
	case $f in *.c) ;; *) continue ;; esac
	nm -u "$dir/${f%.c}.o" | awk '{ print $2 }' | while read -r sym; do
		def=${owner[$sym]:-}
		[ -n "$def" ] && [ "$def" != "$f" ] && echo "$def"
	done | sort | uniq -c | while read -r n def; do
		echo "	\"$f\" -> \"$def\" [label=\"$n\"];"
	done
done
# Includes of the listed headers, by the listed files and by debugfs.c
# and the rest of the tree's module sources.
for f in "${listed[@]}"; do
	sed -n 's/^#include "\(memdesc_[a-z_]*\.h\)".*/\1/p' "$top/$f" | sort -u |
	while read -r h; do
		case " ${listed[*]} " in
		*" $h "*)	echo "	\"$f\" -> \"$h\" [style=dashed];" ;;
		esac
	done
done
echo "}"
