#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# layers.sh OBJDIR - check the module's objects in OBJDIR (a build of it)
# against the layer order memdesc.h lists: each unit may call only units
# listed before it.  Also checks that memdesc_alloc.o is the only object
# that calls a kernel allocator, so fail_nth and the accounting see every
# allocation.
#
# Reads symbols with nm: a unit's undefined symbols that another unit
# defines are the calls (and data references) between them.  Prints one
# line per violation and exits 1 if there is any; 0 otherwise.

set -u

dir=${1:?usage: layers.sh OBJDIR}
top=$(cd "$(dirname "$0")/.." && pwd)

# The units, bottom up, as memdesc.h's header comment lists them.
mapfile -t units < <(sed -n '/^ \* Interfaces between/,/^ \*\//p' \
	"$top/memdesc.h" | awk '$2 ~ /\.c$/ { sub(/\.c$/, "", $2); print $2 }')
if [ "${#units[@]}" -lt 2 ]; then
	echo "layers.sh: no unit list in memdesc.h" >&2
	exit 2
fi

declare -A rank owner
for i in "${!units[@]}"; do
	u=${units[$i]}
	if [ ! -f "$dir/$u.o" ]; then
		echo "layers.sh: $dir/$u.o missing (memdesc.h lists $u.c)" >&2
		exit 2
	fi
	rank[$u]=$i
	while read -r sym; do
		owner[$sym]=$u
	done < <(nm --defined-only "$dir/$u.o" | awk '$2 ~ /[TDBRtdbr]/ { print $3 }')
done

bad=$(mktemp)
trap 'rm -f "$bad"' EXIT

# Every object Kbuild links must be in the list.
for o in "$dir"/*.o; do
	u=$(basename "$o" .o)
	case $u in
	memdesc | memdesc.mod) continue ;;
	esac
	[ -n "${rank[$u]:-}" ] || echo "$u.o: not in memdesc.h's unit list"
done >>"$bad"

alloc_re='^_*(kv?[mzc]alloc|kvfree|kfree|vfree|v[mzc]alloc|kstrdup|kmemdup|get_zeroed_page|get_free_pages|free_pages|alloc_pages|alloc_percpu|free_percpu|krealloc|kmem_cache_alloc)(_node|_noprof|_trace|_large|_array|_lru|_cache)*$'

for u in "${units[@]}"; do
	while read -r sym; do
		def=${owner[$sym]:-}
		if [ -n "$def" ] && [ "${rank[$def]}" -ge "${rank[$u]}" ]; then
			echo "$u.o calls up: $sym, defined in $def.o"
		fi
		if [ "$u" != memdesc_alloc ] && [[ $sym =~ $alloc_re ]]; then
			echo "$u.o calls the allocator directly: $sym"
		fi
	done < <(nm -u "$dir/$u.o" | awk '{ print $2 }')
done >>"$bad"

cat "$bad"
[ ! -s "$bad" ]
