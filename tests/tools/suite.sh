# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# suite.sh - the tests of memdesc-stat on the build machine; sourced by
# run.sh once per build of the tool, with $stat the binary, $work a
# directory of its own, $mksnap and $pngprobe built.
#
# mksnap.c writes, for a made-up two-node machine, what the module's debugfs
# directory would hold and a snapshot written straight from docs/SNAPSHOT.md;
# it computes the expected summary, projection and diffs from the same
# words, so the tool's census is checked against an independent computation.
# Its variants: a (several ranges per node, a gap, untracked memory), b (a
# with changed words), c (a after memory hotplug), other (a on another boot)
# and old (what older modules and tools wrote).
# pngprobe.c decodes the map with libpng and reads pixels back.  The live
# side (the real module) is tested in the guest: tests/vm/memdesc_tool_test.c.
#
# shellcheck disable=SC2154	# top, work, pass, stat, mksnap, pngprobe: run.sh's

log=$work/log
out=$work/out

for v in a b c other old; do
	"$mksnap" "$work/$v" "$v" > "$log" 2>&1 || {
		result 1 "mksnap $v"
		comment "$log"
		return
	}
done

# === Helpers ===

# field FILE KIND N: the Nth field of FILE's records KIND, one line each.
field()
{
	awk -v k="$2" -v f="$3" '$1 == k { print $(f + 1) }' "$1"
}

# live V CMD...: memdesc-stat reading variant V's made-up debugfs; killed
# after a minute, should a FIFO there never be written (see flip()).
live()
{
	local v=$1

	shift
	MEMDESC_DEBUGFS=$work/$v/debugfs MEMDESC_ZONEINFO=$work/$v/zoneinfo \
		MEMDESC_BOOT_ID=$work/$v/boot_id timeout 60 "$stat" "$@"
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

# === Reports, live and saved ===

a=$work/a.snap
b=$work/b.snap
live a save "$a" > "$log" 2>&1
result $? "save: a snapshot of the live files"
comment "$log"
live b save "$b" > "$log" 2>&1
result $? "save: a second snapshot"

for r in summary projection stats transitions sections compare owners; do
	live a "$r" --raw > "$out" 2>&1
	same "$r --raw (live): the module's file as it is" \
		"$work/a/debugfs/$r"
done
grep -aqx "boot_id $(cat "$work/a/boot_id")" "$a"
result $? "save: the boot id in the system section"
if [ -r /proc/sys/kernel/random/boot_id ]; then
	MEMDESC_DEBUGFS=$work/a/debugfs MEMDESC_ZONEINFO=$work/a/zoneinfo \
		"$stat" save "$work/boot.snap" > "$log" 2>&1 &&
	grep -aqx "boot_id $(cat /proc/sys/kernel/random/boot_id)" \
		"$work/boot.snap"
	rc=$?
	result $rc "save: the boot id of this boot, from /proc"
	[ $rc = 0 ] || comment "$log"
fi

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
	"$stat" sections --raw "$snap" > "$out" 2>&1
	same "sections --raw $name: the saved section" \
		"$work/a/debugfs/sections"
done
# a: node 1 has two ranges with a gap; its pages make one zone line.
[ "$(awk '$1 == "range" && $2 == 1' "$work/a/debugfs/layout" | wc -l)" = 2 ] &&
"$stat" summary --raw "$a" > "$out" 2>&1 &&
[ "$(grep -c '^zone 1 Normal ' "$out")" = 1 ] &&
grep -qx "spanned $(awk '$1 == "range" { n += $4 } END { print n }' \
	"$work/a/debugfs/layout")" "$out"
result $? "summary: two ranges of node 1, one zone line, spanned as listed"
grep -qx "class untracked 8192" "$out"
result $? "summary: the untracked section's 8192 PFNs"
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
# The lines the module added, with their sizes.
"$stat" stats "$a" > "$out" 2>&1 &&
grep -qE "^untracked_pfns +8192 +\(32\.0 MiB\)$" "$out" &&
grep -qE "^shadow_word_bytes +[0-9]+ +\([0-9.]+ KiB\)$" "$out" &&
grep -qE "^vmalloc_walk +1$" "$out" &&
live a compare > "$out" 2>&1 &&
grep -qE "^untracked +8192 +\(32\.0 MiB\)$" "$out"
rc=$?
result $rc "stats and compare tables: untracked PFNs and shadow bytes sized"
[ $rc = 0 ] || comment "$out" 40
"$stat" sections "$a" > "$out" 2>&1 &&
grep -qE "^ *90112 +1 +untracked +-1 +none +0$" "$out"
result $? "sections table: the untracked section"

# JSON: valid, and holding the same numbers as the raw report.
for r in summary projection stats transitions sections compare; do
	if [ "$r" != summary ] && [ "$r" != projection ]; then
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
[ "$got" = "$want" ] && [[ $got == *"untracked 8192"* ]]
result $? "summary --json: classes and pages as the raw report, untracked too"
"$stat" projection --json "$a" > "$out"
got=$(jq -r '.pfns' "$out")
[ "$got" = "$(field "$work/a/debugfs/projection" pfns 1)" ]
result $? "projection --json: pfns as the raw report ($got)"

# === Revisions of the design ===

# Every revision the tool knows, recomputed from the words of a snapshot.
got=$("$stat" projection --json "$a" |
	jq -r '[.revision[] | .name] | join(" ")')
[ "$got" = "seed wiki-later path-2025" ]
result $? "projection --json: every revision ($got)"
# Each revision places every page once, and adds up.
"$stat" projection --raw "$a" > "$out"
awk '$1 == "pfns" { pfns = $2 }
     $1 == "place" { pages[$2] += $6; bytes[$2] += $9 }
     $1 == "revision" { n++; name[n] = $2; pb[n] = $4; db[n] = $5; tot[n] = $6 }
     END {
	for (i = 1; i <= n; i++) {
		r = name[i]
		if (pages[r] != pfns || bytes[r] != db[i] || pb[i] + db[i] != tot[i])
			exit 1
	}
	exit n != 3
     }' "$out"
result $? "projection: each revision places every page, and its bytes add up"
"$stat" projection --raw --revision path-2025 "$a" > "$out" 2>&1
awk '($1 != "revision" && $1 != "place") || $2 == "path-2025"' \
	"$work/a/debugfs/projection" > "$work/want"
diff -q "$work/want" "$out" > /dev/null &&
[ "$(grep -c '^place path-2025 ' "$out")" -gt 10 ]
result $? "projection --revision path-2025: its rows and the shared ones"
live a projection --raw --revision wiki-later > "$out" 2>&1 &&
grep -q '^revision wiki-later 8 ' "$out" && ! grep -q '^place seed ' "$out"
result $? "projection --revision (live): the module's rows of one revision"
fails "projection --revision of an unknown name: refused, names the known" \
	2 "no revision 'seed2'; it has: seed wiki-later path-2025" \
	"$stat" projection --revision seed2 "$a"
fails "--revision on another subcommand: refused" 2 "does not apply" \
	"$stat" summary --revision seed "$a"

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
"$stat" diff --raw "$work/a/direct.snap" "$work/b/direct.snap" > "$out" 2>&1
same "diff --raw a b: as mksnap walked it" "$work/b/diff-a"

# Memory hotplug between two snapshots of one boot: c lists section 9 (hot
# added), not section 10 (taken offline), and the untracked section at
# another byte offset.  mksnap counted the changes PFN by PFN.
"$stat" diff --raw "$work/a/direct.snap" "$work/c/direct.snap" > "$out" 2>&1
same "diff --raw a c (layouts differ, same boot): as mksnap walked it" \
	"$work/c/diff-a"
grep -qx "change hole free 8128" "$out" &&
grep -qx "change hole reserved 64" "$out" &&
grep -qx "change file hole 4096" "$out" &&
grep -qx "change slab hole 4096" "$out" &&
! grep -q "untracked" <(grep '^change ' "$out")
result $? "diff a c: hole -> free/reserved where added, file/slab -> hole where removed"
live c save "$work/c.snap" > "$log" 2>&1 &&
"$stat" diff --raw "$a" "$work/c.snap" 2>&1 | grep -v '^seconds ' > "$out"
grep -v '^seconds ' "$work/c/diff-a" > "$work/c/diff-a.noseconds"
same "diff --raw of two saved snapshots, memory hotplugged in between" \
	"$work/c/diff-a.noseconds"
"$stat" diff --raw "$work/c/direct.snap" "$work/a/direct.snap" > "$out" 2>&1 &&
grep -qx "change hole file 4096" "$out" &&
grep -qx "change free hole 8128" "$out"
result $? "diff c a: the same changes the other way"

fails "diff of two boots: refused" 1 "different boots" \
	"$stat" diff "$work/a/direct.snap" "$work/other/direct.snap"
live other save "$work/other.snap" > "$log" 2>&1
fails "diff of two boots, as saved: refused" 1 "different boots" \
	"$stat" diff "$a" "$work/other.snap"

# === owners: allocation sites ===

# mksnap's sites[]: a's census, b's changes, c saved with owners off, old
# with no owners file at all.
oa=$work/a/debugfs/owners

# The table: classes by their pages, each class's sites by theirs, the
# site's frames joined caller by caller, unknown and unsaved as rows.
live a owners > "$out" 2>"$log"
rc=$?
classes=$(awk '/^class +pages/ { t = 1; next } t && !NF { exit }
	t { printf "%s ", $1 }' "$out")
[ "$rc" = 0 ] && [ "$classes" = "anon file slab vmalloc_unmap driver pgtable " ]
result $? "owners: classes ordered by their pages ($classes)"
comment "$log"
grep -qE "^driver +1042 +4\.1 MiB +51\.03 +6 +0x000c0001 +memdesc_truth_alloc_pages\+0x4c/0x110\[memdesc_truth\] ← memdesc_truth_ctl_write\+0x31d/0x6c0\[memdesc_truth\] ← full_proxy_write\+0x54/0x80 ← vfs_write\+0xf5/0x450$" "$out"
result $? "owners: a site with pages, share of its class, blocks, handle, frames joined by ←"
sites=$(awk '/^class +pages +size +share/ { t = 1; next }
	t && $1 == "driver" { printf "%s:%s ", $2, $(NF > 6 ? 7 : 6) }' "$out")
[ "$sites" = "1042:0x000c0001 900:unknown 100:0x00c20008 " ]
result $? "owners: a class's sites by pages, unknown among them ($sites)"
grep -qE "^anon +10000 +39\.1 MiB +70\.74 +10000 +unknown$" "$out" &&
grep -qE "^slab +8 +32\.0 KiB +0\.16 +1 +unsaved$" "$out" &&
grep -qE "^unknown +14900 +\(58\.2 MiB\)$" "$out" &&
grep -qE "^unsaved +8 +\(32\.0 KiB\)$" "$out"
result $? "owners: unknown and unsaved pages shown as such, in rows and totals"

# The same records in another order read the same: the tool sorts.
rm -rf "$work/shuffled"
cp -r "$work/a" "$work/shuffled"
{ grep -v '^owner ' "$oa" | sed -n '1,3p'; grep '^owner ' "$oa" | tac
  grep -v '^owner ' "$oa" | sed '1,3d'; } > "$work/shuffled/debugfs/owners"
live shuffled owners > "$work/owners-shuffled" 2>&1
live a owners > "$out" 2>&1
! cmp -s "$oa" "$work/shuffled/debugfs/owners" &&
diff -u "$out" "$work/owners-shuffled" > "$log" 2>&1
result $? "owners: the records in reverse order make the same table"
comment "$log" 40

cat > "$work/owners-driver" <<'END'
owners      on
seconds           3
sites            13
stacks            8
pages         29499  (115.2 MiB)
unknown       14900  (58.2 MiB)
unsaved           8  (32.0 KiB)
slot_bytes  2097152  (2.0 MiB)

class   pages     size     %  sites  unknown  unsaved
driver   2042  8.0 MiB  6.92      3      900        0

owner:
class   pages       size  share  blocks  handle      site
driver   1042    4.1 MiB  51.03       6  0x000c0001  memdesc_truth_alloc_pages+0x4c/0x110[memdesc_truth] ← memdesc_truth_ctl_write+0x31d/0x6c0[memdesc_truth] ← full_proxy_write+0x54/0x80 ← vfs_write+0xf5/0x450
driver    900    3.5 MiB  44.07     225  unknown
driver    100  400.0 KiB   4.90     100  0x00c20008  dma_direct_alloc+0x91/0x2a0 ← dma_alloc_attrs+0x48/0xe0 ← vring_alloc_queue+0x4c/0x80 ← vring_alloc_queue_split+0x8d/0x1b0
END
live a owners --class driver > "$out" 2>&1
same "owners --class driver: the totals, that class and its sites only" \
	"$work/owners-driver"

live a owners --class slab --top 1 > "$out" 2>&1 &&
grep -qE "^slab +4096 .* 0x00d20004 " "$out" &&
grep -qE "^slab +8 .* unsaved$" "$out" &&
! grep -q "0x00d20005" "$out" &&
[ "$(grep -cE '^slab +[0-9]+ ' "$out")" = 3 ]
result $? "owners --top 1: the biggest site, and the unsaved pages anyway"
live a owners --class ksm > "$out" 2>&1 &&
grep -qE "^ksm +0 +0 B +0\.00 +0 +0 +0$" "$out" && ! grep -q "^owner:" "$out"
result $? "owners --class of a class with no pages: a row of zeros"
fails "owners --class with no such class: usage error, naming the classes" 2 \
	"no class 'slabs'.*driver reserved" live a owners --class slabs
fails "owners --top 0: usage error" 2 "want a number" live a owners --top 0
fails "owners --raw with --class: usage error" 2 "raw prints the module" \
	live a owners --raw --class slab
fails "owners --class on another subcommand: usage error" 2 "does not apply" \
	"$stat" summary --class slab "$a"

# JSON: the header totals, every site with its frames, and the whole
# stack of each handle shown, as the raw records have them.
live a owners --json > "$out" 2>"$log"
jq -e '.report == "owners" and .owners == "on"' "$out" > /dev/null 2>>"$log"
result $? "owners --json: valid JSON, report \"owners\", owners on"
comment "$log" 10
got=$(jq -r '[.seconds, .sites, .stacks, .pages, .unknown, .unsaved,
	.slot_bytes] | map(tostring) | join(" ")' "$out")
[ "$got" = "$(awk '$1 == "owners" { $1 = $2 = ""; print substr($0, 3) }' "$oa")" ]
result $? "owners --json: the header totals as the raw record ($got)"
got=$(jq -r '[.owner[] | "\(.handle) \(.class) \(.pages) \(.blocks) \(.site | join(" "))"
	| sub(" $"; "")] | sort | join("\n")' "$out")
want=$(awk '$1 == "owner" { $1 = ""; print substr($0, 2) }' "$oa" | sort)
[ "$got" = "$want" ] && [ -n "$got" ]
result $? "owners --json: every site, unknown and unsaved too, with its frames"
got=$(jq -r '.stack[] | "\(.handle) \(.frames | length) \(.frames | join(" "))"' "$out")
want=$(awk '$1 == "stack" { $1 = ""; print substr($0, 2) }' "$oa")
[ "$got" = "$want" ] && [ "$(jq '.stack | length' "$out")" = 8 ]
result $? "owners --json: one whole stack per handle, the handle in two classes once"
jq -e '[.class[].pages] as $p | ($p | add) == .pages and $p == ($p | sort | reverse)
	and ([.owner[] | select(.class == "driver") | .pages] as $d |
	     $d == ($d | sort | reverse))
	and (.owner[] | select(.handle == "0x000c0001") | .share == 51.03)' \
	"$out" > /dev/null
result $? "owners --json: classes and sites by pages, shares of the class"
live a owners --json --class slab --top 1 > "$out" 2>&1 &&
jq -e '[.owner[].handle] == ["0x00d20004", "unsaved"] and
	[.stack[].handle] == ["0x00d20004"]' "$out" > /dev/null
result $? "owners --json --class --top: only the stacks of the sites shown"

# Folded stacks (flamegraph.pl, inferno, speedscope): a line per site and
# class, the handle's whole stack root first without offsets, weighted by
# pages; sites with no stack as [unknown] and [unsaved].
cat > "$work/owners-folded-slab" <<'END'
slab;kernfs_fop_open;__kmalloc_cache_noprof;__slab_alloc.constprop.0;___slab_alloc;allocate_slab;alloc_pages_mpol_noprof;__alloc_pages_noprof 4096
slab;alloc_buffer_head;kmem_cache_alloc_noprof;___slab_alloc;allocate_slab;alloc_pages_mpol_noprof;__alloc_pages_noprof 1024
slab;[unsaved] 8
END
live a owners --folded --class slab > "$out" 2>&1
same "owners --folded --class slab: root first, offsets gone, [unsaved] too" \
	"$work/owners-folded-slab"
live a owners --folded > "$out" 2>"$log"
bad=$(awk '$1 == "owner" { want[$3] += $4 }
	   END { while ((getline line < "'"$out"'") > 0) {
			n = split(line, w, " "); split(w[1], f, ";")
			if (n != 2 || w[2] !~ /^[0-9]+$/ || f[2] == "") { print "line:" line; continue }
			got[f[1]] += w[2] }
		 for (c in want) if (got[c] != want[c]) printf " %s:%d/%d", c, got[c], want[c]
		 for (c in got) if (!(c in want)) printf " %s:extra", c }' "$oa")
[ -z "$bad" ] && [ "$(wc -l < "$out")" = "$(grep -c '^owner ' "$oa")" ]
result $? "owners --folded: a line per site, each class's pages as the census has them${bad:+ (wrong:$bad)}"
cat > "$work/diff-folded" <<'END'
driver;entry_SYSCALL_64_after_hwframe;do_syscall_64;ksys_write;vfs_write;full_proxy_write;memdesc_truth_ctl_write;memdesc_truth_alloc_pages;alloc_pages_mpol_noprof;__alloc_pages_noprof 512
driver;mmu_alloc_root;kvm_mmu_memory_cache_alloc;__get_free_pages_noprof;__alloc_pages_noprof 64
anon;asm_exc_page_fault;exc_page_fault;do_user_addr_fault;handle_mm_fault;__handle_mm_fault;do_anonymous_page;vma_alloc_folio_noprof;alloc_pages_mpol_noprof;__alloc_pages_noprof 128
pgtable;handle_mm_fault;__handle_mm_fault;do_anonymous_page;__pte_alloc;pte_alloc_one;alloc_pages_mpol_noprof;__alloc_pages_noprof 33
END
"$stat" diff --folded "$work/a/direct.snap" "$work/b/direct.snap" > "$out" 2>&1
same "diff --folded a b: the sites that grew, by how much, the new site's stack from b" \
	"$work/diff-folded"
"$stat" diff --folded --class pgtable "$work/a/direct.snap" \
	"$work/b/direct.snap" > "$out" 2>&1
[ "$(cat "$out")" = "$(grep '^pgtable;' "$work/diff-folded")" ]
result $? "diff --folded --class pgtable: that class only"
fails "owners --folded --json: usage error" 2 "folded prints every site" \
	live a owners --folded --json
fails "owners --folded --top: usage error" 2 "folded prints every site" \
	live a owners --folded --top 3
fails "diff --class without --folded: usage error" 2 "class applies with --folded" \
	"$stat" diff --class slab "$work/a/direct.snap" "$work/b/direct.snap"

# Owners off: said so, and not an error (the module says it, as it is).
live c owners > "$out" 2>"$log"
rc=$?
[ "$rc" = 0 ] && grep -qE "^owners +off$" "$out" &&
grep -q "^Allocation sites are not tracked: 'owners on' in .*/control" "$out" &&
! grep -q '^owner:' "$out"
result $? "owners, off: says so and how to start them, exit 0"
live c owners --json > "$out" 2>"$log" &&
jq -e '.owners == "off" and (has("owner") | not)' "$out" > /dev/null
result $? "owners --json, off: \"owners\": \"off\" and no sites"

# Snapshots: the section as the module wrote it, read back the same.
"$stat" owners --raw "$a" > "$out" 2>&1
same "owners --raw a.snap: the owners section as saved" "$oa"
live a owners --json | jq 'del(.source)' > "$work/owners-live.json" &&
"$stat" owners --json "$a" | jq 'del(.source)' > "$out" &&
[ "$(jq '.owner | length' "$out")" = 13 ]
same "owners --json a.snap: as the live file read" "$work/owners-live.json"
"$stat" owners "$work/a/direct.snap" > "$out" 2>&1 &&
grep -qE "^driver +1042 .* 0x000c0001 " "$out"
result $? "owners of a snapshot written from docs/SNAPSHOT.md"
live c save "$work/c-owners.snap" > "$log" 2>&1 &&
"$stat" owners "$work/c-owners.snap" > "$out" 2>&1 &&
grep -qE "^owners +off$" "$out" &&
grep -q "were not tracked when .*c-owners.snap was saved" "$out"
result $? "owners of a snapshot saved with owners off: says so"

# A census that does not add up is refused, saying where.
rm -rf "$work/bad"
cp -r "$work/a" "$work/bad"
sed -i 's/^owners on 3 13 8 29499 /owners on 3 13 8 29500 /' \
	"$work/bad/debugfs/owners"
fails "owners: totals that do not add up refused" 1 "its sites add up to" \
	live bad owners
cp "$oa" "$work/bad/debugfs/owners"
sed -i 's/^owner 0x00c20008 /owner 0xc20008 /' "$work/bad/debugfs/owners"
fails "owners: a bad handle refused, with its line" 1 \
	"owners: line 13: '0xc20008' is not a handle" live bad owners
cp "$oa" "$work/bad/debugfs/owners"
sed -i '/^stack 0x00c20008 /d' "$work/bad/debugfs/owners"
fails "owners: a site with no stack refused" 1 "stacks" live bad owners

# diff: the sites that grew or shrank most, per class, when both have
# owners; mksnap's diff-a (checked above, whole) holds the same.
"$stat" diff --raw "$a" "$b" > "$out" 2>&1 &&
grep -qx "owners_before on" "$out" && grep -qx "owners_after on" "$out" &&
[ "$(grep '^owner driver ' "$out" | head -1 | cut -d' ' -f3-6)" = \
  "1042 1554 512 0x000c0001" ] &&
grep -qx "owner driver 900 400 -500 unknown" "$out" &&
grep -q "^owner driver 0 64 64 0x00c30009 kvm_mmu" "$out" &&
grep -q "^owner slab 1024 512 -512 0x00d20005 " "$out" &&
[ "$(grep -c '^owner ' "$out")" = 8 ]
result $? "diff: the grown site first in its class, new, gone and unknown pages too"
"$stat" diff "$a" "$b" > "$out" 2>&1 &&
grep -qE "^driver +1042 +1554 +512 +2\.0 MiB +0x000c0001 +memdesc_truth_alloc_pages\+0x4c/0x110\[memdesc_truth\] ← " "$out"
result $? "diff table: the grown site with its frames"
"$stat" diff --json "$a" "$b" > "$out" 2>&1 &&
jq -e '.owners_before == "on" and
	(.owner[] | select(.handle == "0x000c0001") |
	 .delta == 512 and .site[0] == "memdesc_truth_alloc_pages+0x4c/0x110[memdesc_truth]")' \
	"$out" > /dev/null
result $? "diff --json: the grown site's delta and frames"
"$stat" diff --raw "$a" "$work/c-owners.snap" > "$out" 2>&1 &&
grep -qx "owners_after off" "$out" && ! grep -q "^owner " "$out"
result $? "diff with a snapshot saved with owners off: says so, no sites"

# === map ===

png=$work/b.png
"$stat" map "$b" -o "$png" --raw > "$out" 2>"$log"
result $? "map: writes $png"
comment "$log"
read -r w h < <(awk '$1 == "image" { print $3, $4 }' "$out")
"$pngprobe" "$png" > "$log" 2>&1 && [ "$(head -1 "$log")" = "$w $h" ]
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
# coloured PNG "PFN CLASS"...: in PNG, as $out reports it, each PFN's
# block has its class's colour; what does not goes to $log.
coloured()
{
	local png=$1 check pfn class xy want got bad=0

	shift
	: > "$log"
	for check; do
		read -r pfn class <<< "$check"
		xy=$(pixel "$pfn")
		want=$(awk -v c="$class" '$1 == "color" && $2 == c {
			print $3, $4, $5 }' "$out")
		# shellcheck disable=SC2086	# x and y are two arguments
		got=$("$pngprobe" "$png" $xy | tail -1)
		if [ -z "$xy" ] || [ -z "$want" ] || [ "$got" != "$want" ]; then
			bad=1
			echo "pfn $pfn at ($xy): $got, want $class ($want)" \
				>> "$log"
		fi
	done
	return $bad
}
coloured "$png" "256 anon" "383 anon" "41000 free" "60000 slab"
rc=$?
result $rc "map: PFNs coloured by their class (256, 383, 41000, 60000)"
[ $rc = 0 ] || comment "$log"

"$stat" map "$b" -o "$work/b64.png" --pfns-per-pixel 64 --zoom 4 --raw \
	> "$out" 2>&1 &&
[ "$(awk '$1 == "scale" { print $2, $3 }' "$out")" = "64 4" ] &&
"$pngprobe" "$work/b64.png" > /dev/null 2>&1
result $? "map --pfns-per-pixel 64 --zoom 4"

# a: a band per range and zone, in PFN order; node 1's second range starts
# a band of its own after the gap.
png=$work/a.png
"$stat" map "$a" -o "$png" --raw > "$out" 2>"$log"
bands=$(awk '$1 == "band" { printf "%s:%s+%s ", $2, $4, $5 }' "$out")
[ "$bands" = "0:0+1 0:1+4095 0:4096+36864 1:40960+24576 1:81920+16384 " ]
result $? "map of a: a band per range and zone, in PFN order"
comment "$log"

# A thick line (2 rows) above node 1's first band, a thin one (1 row, the
# zone colour) above the band after the gap.
read -r x y1 < <(awk '$1 == "band" && $4 == 40960 { print $6, $7 }' "$out")
read -r y2 < <(awk '$1 == "band" && $4 == 81920 { print $7 }' "$out")
got=$("$pngprobe" "$png" "$x" $((y1 - 3)) "$x" $((y1 - 2)) \
	"$x" $((y2 - 3)) "$x" $((y2 - 2)) | tail -4 | tr '\n' ,)
[ "$got" = "0 0 0,0 0 0,255 255 255,136 138 133," ]
result $? "map: thick line at the node boundary, thin line at the gap ($got)"

coloured "$png" "82000 file" "86100 slab" "95000 untracked" "20500 hole"
rc=$?
result $rc "map: the untracked section in its own colour, and the range after the gap"
[ $rc = 0 ] || comment "$log"
[ "$(awk '$1 == "color" { print $3, $4, $5 }' "$out" | sort | uniq -d)" = "" ]
result $? "map: every class in the legend a colour of its own"

# === What older modules and tools wrote ===

# old: one range per node spanning its holes, a summary of 19 classes, no
# boot_id, no sections: every subcommand still reads it.
old=$work/old/direct.snap
"$stat" summary --raw "$old" 2>&1 |
	grep -vx -e "class untracked 0" -e "# detail name pages" \
		-e "detail [a-z_]* 0" > "$out"
same "summary --raw of an old snapshot: as the old module's, less untracked and details" \
	"$work/old/debugfs/summary"
"$stat" summary --raw "$old" 2>&1 | grep -qx "class untracked 0"
result $? "summary --raw of an old snapshot: untracked 0"
"$stat" projection --raw "$old" > "$out" 2>&1
same "projection --raw of an old snapshot: every revision, from the sizes it saved" \
	"$work/old/projection-now"
"$stat" stats --raw "$old" > "$out" 2>&1
same "stats --raw of an old snapshot: the saved section" \
	"$work/old/debugfs/stats"
"$stat" summary --json "$old" > "$out" 2>&1 &&
[ "$(jq -r '.class | length' "$out")" = 20 ]
result $? "summary --json of an old snapshot"
fails "sections of an old snapshot: says there are none" 1 \
	"no sections section" "$stat" sections "$old"
fails "owners of an old snapshot: says there are none" 1 \
	"no owners section" "$stat" owners "$old"
"$stat" map "$old" -o "$work/old.png" --raw > "$out" 2>&1 &&
"$pngprobe" "$work/old.png" > /dev/null 2>&1 &&
[ "$(grep -c '^band ' "$out")" = 4 ] && ! grep -q '^color untracked' "$out"
result $? "map of an old snapshot: a band per node and zone"
"$stat" diff --raw "$old" "$old" > "$out" 2>&1 &&
grep -qx "changed 0" "$out" && grep -qx "pfns 98304" "$out"
result $? "diff of an old snapshot with itself: no change"
"$stat" diff --raw "$work/a/direct.snap" "$old" > "$out" 2>&1
same "diff --raw a old (old has no boot_id, shares PFNs): as mksnap walked it" \
	"$work/old/diff-a"
fails "diff of old snapshots with no PFN in common: refused" 1 \
	"no PFN in common" \
	"$stat" diff "$old" "$work/old/elsewhere.snap"
fails "diff of a snapshot with a boot_id and one without, no PFN in common: refused" \
	1 "no PFN in common" \
	"$stat" diff "$work/a/direct.snap" "$work/old/elsewhere.snap"

# An old module: no sections or owners file, which save leaves out, and
# says so.
live old save "$work/old.snap" > "$log" 2>&1 &&
grep -q "sections: missing" "$log" &&
grep -q "owners: missing" "$log" &&
"$stat" projection --raw "$work/old.snap" > "$out" 2>&1 &&
diff -q "$out" "$work/old/projection-now" > /dev/null
rc=$?
result $rc "save from an old module: no sections or owners file, warnings, a snapshot"
[ $rc = 0 ] || comment "$log"
fails "owners of an old module: says it has none" 1 \
	"older than allocation sites" live old owners
"$stat" diff --raw "$a" "$work/old.snap" > "$out" 2>&1 &&
grep -qx "owners_before on" "$out" && grep -qx "owners_after none" "$out" &&
! grep -q "^owner " "$out"
result $? "diff with a snapshot without owners: says so, no sites"

# === save while memory comes and goes ===

# flip TEXT...: a's debugfs, but its layout a FIFO that hands out the
# files TEXT, one per open, then lets the writer end.  A pause after each
# lets the reader close the FIFO before the next text comes.
flip()
{
	local d=$work/flip/debugfs f

	rm -rf "$work/flip"
	mkdir -p "$d"
	for f in "$work"/a/debugfs/*; do
		ln -s "$f" "$d/"
	done
	cp "$work/a/zoneinfo" "$work/a/boot_id" "$work/flip/"
	rm "$d/layout"
	mkfifo "$d/layout"
	# shellcheck disable=SC2016	# the inner shell expands them
	timeout 30 bash -c 'f=$1; shift
		for t; do cat "$t" > "$f" || exit 1; sleep 0.2; done' \
		flip "$d/layout" "$@" &
	flip_pid=$!
}

la=$work/a/debugfs/layout
lb=$work/layout-b
# The same words at other PFNs: as if node 1's memory moved meanwhile.
sed 's/^range 1 81920 16384 /range 1 73728 16384 /' "$la" > "$lb"
# save reads the layout once up front, to fail early without a module,
# then before and after each copy: here a, (a, b) changed, (b, b) held.
flip "$la" "$la" "$lb" "$lb" "$lb"
live flip save "$work/flip.snap" > "$log" 2>&1 &&
wait "$flip_pid" &&
grep -aqx "range 1 73728 16384 524288" "$work/flip.snap" &&
! grep -aqx "range 1 81920 16384 524288" "$work/flip.snap"
rc=$?
result $rc "save: the layout changed during the copy; copied again, kept the second"
[ $rc = 0 ] || comment "$log"
texts=("$la")
for _ in 1 2 3 4 5; do
	texts+=("$la" "$lb")
done
flip "${texts[@]}"
fails "save: a layout that never holds still: gives up, says why" 1 \
	"changed while the shadow was read, 5 times" \
	live flip save "$work/flip.snap"
wait "$flip_pid"
result $? "save: read the layout 11 times, 2 a try"

# === metrics: Prometheus text exposition ===

# metric NAME LABELS: the value of the sample NAME{LABELS} in $out ("" for
# none), LABELS as written ('class="anon"'; empty: no labels).
metric()
{
	local want=memdesc_$1

	[ -n "$2" ] && want="$want{$2}"
	awk -v w="$want" '$1 == w { print $2 }' "$out"
}

# promtool_ok DESC: $out passes promtool check metrics (Debian's
# prometheus package), its lint included.
promtool_ok()
{
	if ! command -v promtool > /dev/null; then
		result 1 "$1 (promtool not installed: make deps)"
		return
	fi
	promtool check metrics < "$out" > "$log" 2>&1
	result $? "$1"
	comment "$log"
}

live a metrics > "$out" 2> "$log"
result $? "metrics: of the live files"
comment "$log"
promtool_ok "metrics: promtool check metrics passes"
# classes_differ SUMMARY: the classes of raw SUMMARY whose pages in $out
# differ from its.
classes_differ()
{
	local class pages

	while read -r class pages; do
		[ "$(metric class_pages "class=\"$class\"")" = "$pages" ] ||
			echo -n " class $class"
	done < <(awk '$1 == "class" { print $2, $3 }' "$1")
}

# Every class of summary, with summary's pages; every zone; every event.
bad=$(classes_differ "$work/a/debugfs/summary")
while read -r node zone pages free alloc; do
	l="node=\"$node\",zone=\"$zone\""
	[ "$(metric zone_pages "$l")" = "$pages" ] &&
		[ "$(metric zone_free_pages "$l")" = "$free" ] &&
		[ "$(metric zone_allocated_pages "$l")" = "$alloc" ] ||
		bad="$bad zone $node/$zone"
done < <(awk '$1 == "zone" { print $2, $3, $4, $5, $6 }' \
	 "$work/a/debugfs/summary")
while read -r event attached count; do
	[ "$(metric events_total "event=\"$event\"")" = "$count" ] &&
		[ "$(metric event_attached "event=\"$event\"")" = "$attached" ] ||
		bad="$bad event $event"
done < <(awk '$1 == "event" { print $2, $3, $4 }' "$work/a/debugfs/stats")
[ "$(metric seeded_total "")" = \
  "$(awk '$1 == "counter" && $2 == "seeded" { print $3 }' \
	 "$work/a/debugfs/stats")" ] || bad="$bad seeded_total"
[ "$(metric tracked_pages "")" = 81920 ] || bad="$bad tracked_pages"
[ "$(metric transition_blocks_total 'from="free",to="driver"')" = 10 ] ||
	bad="$bad transition"
[ "$(metric projection_saving_bytes "")" = \
  "$(field "$work/a/debugfs/projection" saving 1)" ] || bad="$bad saving"
[ -z "$(metric compare_compared_pages "")" ] || bad="$bad compare-unasked"
[ -z "$bad" ]
result $? "metrics: census, zones, events, counters and transitions as the files say${bad:+ (wrong:$bad)}"
! grep -E '^# TYPE memdesc_[a-z_]+ counter$' "$out" | grep -vq '_total counter$'
result $? "metrics: every counter's name ends in _total"

live a metrics --compare > "$out" 2> "$log"
result $? "metrics --compare: of the live files"
comment "$log"
promtool_ok "metrics --compare: promtool check metrics passes"
# field state 64990 10: 64990 / 65000; class free 60010 60000 60000.
[ "$(metric compare_agreement_ratio 'field="state"')" = 0.999846154 ] &&
	[ -z "$(metric compare_agreement_ratio 'field="type"')" ] &&
	[ "$(metric compare_class_precision_ratio 'class="free"')" = 0.999833361 ] &&
	[ "$(metric compare_class_recall_ratio 'class="free"')" = 1 ] &&
	[ "$(metric compare_matrix_pages 'shadow="free",live="driver"')" = 10 ] &&
	[ -n "$(metric compare_duration_seconds "")" ]
result $? "metrics --compare: agreement, precision and recall from the counts; none where compare has none"

"$stat" metrics "$a" > "$out" 2> "$log"
result $? "metrics: of a snapshot"
comment "$log"
promtool_ok "metrics of a snapshot: promtool check metrics passes"
"$stat" summary --raw "$a" > "$work/a.summary"
bad=$(classes_differ "$work/a.summary")
[ -z "$bad" ] && [ -n "$(metric events_total 'event="mm_page_alloc"')" ]
result $? "metrics of a snapshot: the census from its words, its saved stats${bad:+ (wrong:$bad)}"

# The PromQL queries of docs/memdesc-stat.md, as recording rules: promtool
# parses them.
awk '/^```promql$/ { on = 1; next } on && /^```$/ { exit }
     on && /^#/ { if (q != "") print q; q = ""; next }
     on && NF { q = q " " $0 }
     END { if (q != "") print q }' "$top/docs/memdesc-stat.md" > "$work/queries"
{
	echo "groups:"
	echo "  - name: readme"
	echo "    rules:"
	i=0
	while read -r q; do
		i=$((i + 1))
		echo "      - record: readme:query$i"
		echo "        expr: '${q//\'/\'\'}'"
	done < "$work/queries"
} > "$work/rules.yml"
[ "$(wc -l < "$work/queries")" = 3 ] &&
	promtool check rules "$work/rules.yml" > "$log" 2>&1
result $? "docs/memdesc-stat.md: its 3 PromQL queries parse (promtool check rules)"
comment "$log"

prom=$work/prom/memdesc.prom
mkdir -p "$work/prom"
echo "old" > "$prom"
live a metrics -o "$prom" > "$out" 2> "$log" &&
	[ ! -s "$out" ] && cmp -s "$prom" <(live a metrics) &&
	[ "$(stat -c %a "$prom")" = 644 ] &&
	[ "$(ls "$work/prom")" = memdesc.prom ]
result $? "metrics -o: the file replaced whole, mode 0644, no temporary file left"
comment "$log"
echo "old" > "$prom"
fails "metrics -o: live files missing: says why, file untouched" 1 \
	"memdesc.ko loaded" env MEMDESC_DEBUGFS="$work/none" \
	"$stat" metrics -o "$prom"
[ "$(cat "$prom")" = old ] && [ "$(ls "$work/prom")" = memdesc.prom ]
result $? "metrics -o: a failed read leaves the old file and no temporary one"
fails "metrics -o into a missing directory: says why" 1 "No such file" \
	live a metrics -o "$work/none/memdesc.prom"
fails "metrics --compare of a snapshot: usage error" 2 "live kernel" \
	"$stat" metrics --compare "$a"

# === pfn: one PFN, the file offset choosing it ===

# A made-up pfn_at: a regular file read at offset PFN returns what lies at
# byte PFN, so the report the tool prints proves where it read.
printf '0123456789pfn 10\nshadow 0x0\n' > "$work/a/debugfs/pfn_at"
live a pfn 10 > "$out" 2> "$log" &&
	[ "$(cat "$out")" = "$(printf 'pfn 10\nshadow 0x0')" ]
result $? "pfn 10: the report read at offset 10"
comment "$log"
live a pfn 0xa > "$out" 2> "$log" && [ "$(head -n 1 "$out")" = "pfn 10" ]
result $? "pfn 0xa: hex with 0x"
live a pfn 010 > "$out" 2> "$log" && [ "$(head -n 1 "$out")" = "pfn 10" ]
result $? "pfn 010: decimal, a leading 0 is not octal"
for bad in abc 0x 0xfg " 5" 5k 99999999999999999999; do
	fails "pfn '$bad': usage error" 2 "want a PFN" live a pfn "$bad"
done
fails "pfn without a PFN: usage error" 2 "missing PFN" live a pfn
fails "pfn past the end of pfn_at: says so" 1 "end of file" live a pfn 4096
fails "pfn without the module: says why" 1 "memdesc.ko loaded" \
	env MEMDESC_DEBUGFS="$work/none" "$stat" pfn 1
rm "$work/a/debugfs/pfn_at"

# === top: the live view ===

# A copy of a's files that changes while top watches it.
rm -rf "$work/top"
cp -r "$work/a/debugfs" "$work/top"
MEMDESC_DEBUGFS=$work/top timeout 60 "$stat" top -b -n 2 -d 2 > "$out" 2> "$log" &
top_pid=$!
sleep 0.5
# 20 more free -> driver blocks, 10 more anon pages, 100 more allocations.
sed -i 's/^transition free driver 10$/transition free driver 30/' \
	"$work/top/transitions"
sed -i 's/^class anon 14336$/class anon 14346/' "$work/top/summary"
sed -i 's/^event mm_page_alloc 1 1234$/event mm_page_alloc 1 1334/' \
	"$work/top/stats"
wait "$top_pid"
result $? "top -b -n 2: two refreshes, exit 0"
comment "$log"
# The second refresh: rates over its ~2 s, the change since the first.
second=$(awk '/^memdesc-stat top / { n++ } n == 2' "$out")
tr_rate=$(awk '$1 == "free" && $2 == "->" && $3 == "driver" { print $4 }' <<< "$second")
ev_rate=$(awk '{ for (i = 1; i < NF; i++) if ($i == "mm_page_alloc") print $(i + 1) }' <<< "$second")
anon=$(awk '$1 == "anon" { print $2, $4 }' <<< "$second")
awk -v t="$tr_rate" -v e="$ev_rate" \
	'BEGIN { exit !(t >= 9 && t <= 10 && e >= 45 && e <= 50) }' &&
	[ "$anon" = "14346 +10" ] &&
	[ "$(grep -c '^memdesc-stat top ' "$out")" = 2 ] &&
	awk '/^memdesc-stat top / { n++ } n == 1' "$out" | grep -q '^free -> driver  *-  '
result $? "top: rates per second over the refresh, the census' change, '-' at first (transition $tr_rate/s, event $ev_rate/s, anon '$anon')"
[ "$(awk 'length > 80' "$out" | wc -l)" = 0 ] &&
	[ "$(MEMDESC_DEBUGFS=$work/top "$stat" top -b -n 1 --owners | wc -l)" -le 24 ] &&
	MEMDESC_DEBUGFS=$work/top "$stat" top -b -n 1 --owners |
	grep -q '^anon  *10000  unknown$'
result $? "top: fits 80x24, with --owners too, whose sites lead with the most pages"

# --nodes: each class's pages per node, from the shadow; the columns sum
# to the class's pages, and no temporary snapshot is left behind.
mkdir -p "$work/toptmp"
TMPDIR=$work/toptmp live a top -b -n 1 --nodes > "$out" 2> "$log"
rc=$?
bad=$(awk '/^CLASS .* NODE0 +NODE1$/ { on = 1; rows = 0; next }
	   on && NF == 6 { rows++; if ($5 + $6 != $2) print $1 }
	   on && NF != 6 { if (!rows) print "no-rows"; exit }' "$out")
[ $rc = 0 ] && [ -z "$bad" ] && grep -q '^free  *20124 .* 7936  *12188$' "$out" &&
	[ -z "$(ls -A "$work/toptmp")" ]
result $? "top --nodes: classes per node from the shadow, summing to the census${bad:+ (wrong: $bad)}"
comment "$log"

# In a terminal: tmux, 80x24; the screen redrawn, 'q' quits.
if command -v tmux > /dev/null; then
	sock=$work/tmux.sock
	tmux -S "$sock" new-session -d -s top -x 80 -y 24 \
		"env MEMDESC_DEBUGFS=$work/top $stat top -d 0.5; echo exit \$? > $work/top.exit; sleep 30" \
		2> "$log"
	sleep 2
	tmux -S "$sock" capture-pane -p -t top > "$work/pane" 2>> "$log"
	tmux -S "$sock" send-keys -t top q 2>> "$log"
	for _ in $(seq 50); do
		[ -s "$work/top.exit" ] && break
		sleep 0.1
	done
	tmux -S "$sock" kill-server 2> /dev/null
	grep -q "refresh [2-9] every 0.5 s" "$work/pane" &&
		grep -q "'q' quits" "$work/pane" &&
		grep -q '^CLASS ' "$work/pane" && grep -q '^TRANSITION ' "$work/pane" &&
		[ "$(grep -c '^memdesc-stat top ' "$work/pane")" = 1 ] &&
		[ "$(cat "$work/top.exit" 2>/dev/null)" = "exit 0" ]
	result $? "top in tmux (80x24): redrawn in place, 'q' quits with status 0"
	[ "$(grep -c '^memdesc-stat top ' "$work/pane")" = 1 ] || comment "$work/pane"
	comment "$log"
else
	result 1 "top in tmux: tmux not installed (make deps)"
fi
fails "top -d 0: usage error" 2 "want seconds" "$stat" top -d 0
fails "top -n 0: usage error" 2 "want a number" "$stat" top -n 0
fails "top with a FILE: usage error" 2 "unexpected argument" \
	"$stat" top "$a"
fails "top, module not loaded: says why before taking the screen" 1 \
	"memdesc.ko loaded" env MEMDESC_DEBUGFS="$work/none" "$stat" top

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

# bad_live DESC PATTERN SED: save from a's debugfs with its layout edited.
bad_live()
{
	rm -rf "$work/bad"
	cp -r "$work/a" "$work/bad"
	sed -i "$3" "$work/bad/debugfs/layout"
	fails "$1" 1 "$2" live bad save "$work/x.snap"
}
bad_live "save: overlapping ranges refused" "overlap" \
	's/^range 1 81920 /range 1 60000 /'
bad_live "save: ranges not back to back refused" "back to back" \
	's/ 524288$/ 524296/'
bad_live "save: an absurd PFN refused" "out of range" \
	's/^range 1 81920 /range 1 81920000000000000 /'
bad_live "save: no range refused" "no range" '/^range/d'
rm -rf "$work/bad"
cp -r "$work/a" "$work/bad"
truncate -s -8 "$work/bad/debugfs/shadow"
fails "save: a shadow that does not match its layout, read after read" 1 \
	"changed while the shadow was read" live bad save "$work/x.snap"
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

# === Hostile input: each kind of fault fuzzing found, where it lives ===

# hostile FILE TEXT: $work/hostile, a copy of a's debugfs and zoneinfo with
# FILE (a debugfs file, or zoneinfo) holding TEXT instead.
hostile()
{
	local f=$work/hostile/debugfs/$1

	rm -rf "$work/hostile"
	cp -r "$work/a" "$work/hostile"
	[ "$1" = zoneinfo ] && f=$work/hostile/zoneinfo
	printf '%s' "$2" > "$f"
}

# bounded CMD...: CMD with its memory bounded to 256 MiB: by ulimit for the
# plain build, by the allocator's own limit for the sanitized one (whose
# shadow memory takes terabytes of address space).
bounded()
{
	if [ "$pass" = sanitized ]; then
		ASAN_OPTIONS=$ASAN_OPTIONS:hard_rss_limit_mb=256 "$@"
	else
		(ulimit -v 262144 && exec "$@")
	fi
}

# Crashes: a '#' header of one word, or with no record after it, in any
# report, live or saved, read as an empty table; an empty file too.
bad=
for r in summary projection stats transitions sections compare; do
	for text in "# $r" "# one" "#" "# $r..." "#one two" ""; do
		hostile "$r" "$text"$'\n'
		for style in "" --json; do
			live hostile "$r" $style > "$out" 2> "$log" ||
				bad="$bad $r:'$text'$style"
		done
		live hostile "$r" --json 2> /dev/null | jq -e . > /dev/null ||
			bad="$bad $r:'$text':invalid-json"
	done
done
[ -z "$bad" ]
result $? "a header with one word, or no record, in every report, table and JSON${bad:+ (failed:$bad)}"
hostile stats "# stats"$'\n'"# one"$'\n'
printf '# transitions\n' > "$work/hostile/debugfs/transitions"
printf '# x...\n' > "$work/hostile/debugfs/sections"
bad=
live hostile save "$work/hostile.snap" > "$log" 2>&1 || bad=" save"
for r in stats transitions sections; do
	for style in "" --json; do
		# shellcheck disable=SC2086	# no style is no argument
		"$stat" "$r" $style "$work/hostile.snap" > "$out" 2> "$log" ||
			bad="$bad $r$style"
	done
done
"$stat" stats --json "$work/hostile.snap" | jq -e '.one == [] and .stats == []' \
	> /dev/null 2>&1 || bad="$bad stats-json-content"
[ -z "$bad" ]
result $? "a snapshot's text sections of headers alone: every table and JSON report${bad:+ (failed:$bad)}"
hostile transitions ""
live hostile top -b -n 1 > "$out" 2> "$log" && grep -q '^TRANSITION ' "$out"
result $? "top, an empty transitions file: the view without transitions"
comment "$log"

# Saved but unreadable: a zone a snapshot cannot hold is refused by save,
# as load refuses it, and no snapshot or temporary file is left.
zi=$work/a/zoneinfo
# save_refuses DESC PATTERN: save from $work/hostile fails saying PATTERN.
save_refuses()
{
	rm -f "$work/x.snap"
	fails "$1" 1 "$2" live hostile save "$work/x.snap"
	[ ! -e "$work/x.snap" ] && ! ls "$work"/x.snap.* > /dev/null 2>&1
	result $? "$1: nothing written"
}
hostile zoneinfo "$(sed 's/^Node 0, zone    DMA32$/Node 0, zone ABCDEFGHIJKLMNOP/' "$zi")"
save_refuses "save: a zone name of 16 characters refused" \
	"zoneinfo: line [0-9]+: zone name 'ABCDEFGHIJKLMNOP': longer than 15"
hostile zoneinfo "$(cat "$zi"; for z in 1 2 3 4; do
	printf 'Node 1, zone Extra%s\n  spanned 1\n  start_pfn: 1\n' "$z"; done)"
save_refuses "save: a ninth zone on a node refused" \
	"zone Extra4 is node 1's zone 8; the word holds zones up to 7"
hostile zoneinfo "$(sed 's/start_pfn: *4096$/start_pfn: 99999999999999999999999/' "$zi")"
save_refuses "save: a start_pfn past 2^64 refused, not saturated" \
	"line [0-9]+: '99999999999999999999999' is not a number"
hostile zoneinfo "$(sed 's/start_pfn: *4096$/start_pfn: 4503599627370497/' "$zi")"
save_refuses "save: a start_pfn past 2^52 refused" "past PFN 2\\^52"

hostile zoneinfo "$(sed 's/$/\r/' "$zi")"
rm -f "$work/x.snap"
live hostile save "$work/x.snap" > "$log" 2>&1 &&
	"$stat" summary --raw "$work/x.snap" > "$out" 2>&1 &&
	grep -q '^zone 0 DMA32 ' "$out"
rc=$?
result $rc "save: a zoneinfo with CRLF line ends: its zones read back by name"
[ $rc = 0 ] || comment "$log"

# Header fields outside the crc: version 2 sums the whole header; version 1
# (direct-v1.snap, system last) cannot hide an entry past the count.
# patch FILE OFFSET BYTES: a copy of FILE at $work/patched.snap, BYTES (printf
# escapes) written at OFFSET.
patch()
{
	cp "$1" "$work/patched.snap"
	# shellcheck disable=SC2059	# BYTES are printf's escapes
	printf "$3" | dd of="$work/patched.snap" bs=1 seek="$2" conv=notrunc \
		status=none
}
count_minus_one()
{
	od -An -tu4 -j24 -N4 "$1" | awk '{ printf "\\%03o", $1 - 1 }'
}
patch "$a" 24 "$(count_minus_one "$a")"
fails "a saved snapshot, its section count made smaller: refused" 1 \
	"corrupt snapshot: checksum" "$stat" summary "$work/patched.snap"
patch "$a" 32 '\001'
fails "a saved snapshot, its save time changed: refused" 1 \
	"corrupt snapshot: checksum" "$stat" summary "$work/patched.snap"
patch "$a" 50 '\001'
fails "a saved snapshot, a reserved header byte set: refused" 1 \
	"header bytes 40 to 63 are not zero" "$stat" summary "$work/patched.snap"
v1=$work/a/direct-v1.snap
"$stat" summary --raw "$v1" > "$out" 2>&1
same "a version 1 snapshot still reads" "$work/a/debugfs/summary"
patch "$v1" 24 "$(count_minus_one "$v1")"
fails "a version 1 snapshot, its count made smaller to drop system: refused" \
	1 "table goes on past the 9 sections the header counts" \
	"$stat" summary "$work/patched.snap"
cp "$work/patched.snap" "$work/other-v1.snap"
patch "$work/other/direct-v1.snap" 24 \
	"$(count_minus_one "$work/other/direct-v1.snap")"
fails "diff of two boots, version 1, one count made smaller: refused" 1 \
	"corrupt snapshot" "$stat" diff "$v1" "$work/patched.snap"

# Arithmetic that wraps: owners whose pages wrap to the right total.
oa=$work/a/debugfs/owners
# Two driver sites 2^63 pages larger: the sum wraps to the head's total.
hostile owners "$(sed -e 's/^\(owner 0x000c0001 driver \)1042 /\19223372036854776850 /' \
	-e 's/^\(owner 0x00c20008 driver \)100 /\19223372036854775908 /' "$oa")"
fails "owners: a site's pages past any machine's refused" 1 \
	"line [0-9]+: 9223372036854776850 pages in 6 blocks: not a count of pages" \
	live hostile owners
hostile owners "$(sed 's/^owners on 3 13 /owners on 3 4109 /' "$oa"
	for _ in $(seq 4096); do echo "owner unknown anon 4503599627370496 1"; done)"
fails "owners: sites whose pages add up past 2^64, to the head's total: refused" 1 \
	"add up to more than 2\\^64" live hostile owners

# ... and a projection whose bytes times 100000 pass 2^63: 1 GiB of words
# (on tmpfs if there is one) of a kernel whose struct page took 1 MiB.
big=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo "$work")/big.XXXXXX")
"$mksnap" "$big" big > "$log" 2>&1 &&
	"$stat" projection --raw "$big/big.snap" > "$out" 2>&1
rc=$?
grep -q '^saving 140736414613504 99\.999$' "$out" &&
	grep -q '^revision wiki-later 8 1073741824 0 1073741824 140736414613504 99\.999 ' "$out" &&
	grep -q '^revision seed 8 1073741824 2147483648 3221225472 140734267129856 99\.997 ' "$out"
bad=$?
result $bad "projection of 2^27 PFNs of 1 MiB struct pages: 99.999% saved, not negative (exit $rc)"
[ $bad = 0 ] || grep -E '^(saving|revision) ' "$out" | sed 's/^/#   /'
rm -rf "$big"

# Cost that grows faster than the input: bounded, and linear.
hostile stats "x $(printf 'a %.0s' $(seq 400000))"$'\n'
fails "one record of 400000 fields: refused, at once" 1 \
	"line 1: 400000 fields; a record has at most 64" \
	timeout 10 env MEMDESC_DEBUGFS="$work/hostile/debugfs" "$stat" stats
hostile stats "$(awk 'BEGIN { for (i = 0; i < 16000; i++)
	printf "# k%d a b\nk%d 1 2\n", i, i }')"
bounded timeout 20 env MEMDESC_DEBUGFS="$work/hostile/debugfs" "$stat" stats \
	> "$out" 2> "$log" &&
	[ "$(grep -c '^k15999:$' "$out")" = 1 ] &&
	bounded timeout 20 env MEMDESC_DEBUGFS="$work/hostile/debugfs" \
		"$stat" stats --json 2> "$log" | jq -e '.k15999[0].a == 1' > /dev/null
result $? "16000 kinds of record in 130 KB: every table, in 256 MiB"
comment "$log"
rm -f "$work/hostile/debugfs/summary"
mkfifo "$work/hostile/debugfs/summary"
yes "spanned 1" > "$work/hostile/debugfs/summary" 2> /dev/null &
yes_pid=$!
fails "a report that never ends: read up to 256 MiB, then refused" 1 \
	"summary: larger than 256 MiB: not a memdesc report" \
	timeout 60 env MEMDESC_DEBUGFS="$work/hostile/debugfs" "$stat" summary
kill "$yes_pid" 2> /dev/null
wait "$yes_pid" 2> /dev/null
hostile stats "$(awk 'BEGIN { for (i = 0; i < 5000; i++)
	printf "event e%d 1 %d\n", i, i }')"
fails "top: 5000 events refused" 1 "more than 4096 events" \
	timeout 20 env MEMDESC_DEBUGFS="$work/hostile/debugfs" "$stat" top -b -n 1

# Leftovers: a failed save, a failed top --nodes, a save ended by a signal
# leave no temporary file.
rm -rf "$work/bad" "$work/toptmp2"
cp -r "$work/a" "$work/bad"
truncate -s -8 "$work/bad/debugfs/shadow"
rm -f "$work/x.snap"
live bad save "$work/x.snap" > "$log" 2>&1
[ ! -e "$work/x.snap" ] && ! ls "$work"/x.snap.* > /dev/null 2>&1
result $? "save that fails after it began writing: no temporary file left"
mkdir -p "$work/toptmp2"
TMPDIR=$work/toptmp2 live bad top -b -n 1 --nodes > "$out" 2> "$log"
rc=$?
[ $rc = 1 ] && [ -z "$(ls -A "$work/toptmp2")" ]
result $? "top --nodes that fails: nothing left in TMPDIR (exit $rc)"
find "$work/toptmp2" -mindepth 1 | sed 's/^/#   left: /'
# The layout a FIFO: save reads it once to start, then blocks on the
# second read, its temporary file begun; SIGTERM then.
rm -rf "$work/sig"
cp -r "$work/a" "$work/sig"
rm "$work/sig/debugfs/layout"
mkfifo "$work/sig/debugfs/layout"
(cat "$work/a/debugfs/layout" > "$work/sig/debugfs/layout") &
MEMDESC_DEBUGFS=$work/sig/debugfs MEMDESC_ZONEINFO=$work/a/zoneinfo \
	"$stat" save "$work/sig.snap" > "$log" 2>&1 &
save_pid=$!
for _ in $(seq 100); do
	ls "$work"/sig.snap.* > /dev/null 2>&1 && break
	sleep 0.1
done
began=$(ls "$work"/sig.snap.* 2> /dev/null)
kill -TERM "$save_pid"
wait "$save_pid"
rc=$?
[ -n "$began" ] && [ $rc = 143 ] && ! ls "$work"/sig.snap* > /dev/null 2>&1
result $? "save ended by SIGTERM: its temporary file removed (exit $rc)"

# === make install ===

make -s -C "$top" install DESTDIR="$work/dest" PREFIX=/usr > "$log" 2>&1 &&
"$work/dest/usr/bin/memdesc-stat" --help > "$out" 2>&1 &&
grep -q "owners \[--class CLASS\] \[--top N\] \[--json|--raw\] \[FILE\]" "$out"
result $? "make install DESTDIR=... PREFIX=/usr: a working memdesc-stat"
comment "$log"
grep -qx "ExecStart=/usr/bin/memdesc-stat metrics \$MEMDESC_METRICS_ARGS -o /var/lib/prometheus/node-exporter/memdesc.prom" \
	"$work/dest/usr/lib/systemd/system/memdesc-metrics.service" &&
	[ -f "$work/dest/usr/lib/systemd/system/memdesc-metrics.timer" ]
result $? "make install: the metrics service, on the installed tool, and its timer"
version=$(make -s --no-print-directory -C "$top" version)
[ "$("$work/dest/usr/bin/memdesc-stat" --version)" = "memdesc-stat $version" ]
result $? "memdesc-stat --version: the Makefile's version ($version)"
man1=$work/dest/usr/share/man/man1/memdesc-stat.1
grep -q "\"memdesc $version\"" "$man1"
result $? "make install: the man page, with the Makefile's version"
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man1" \
	> "$work/man.txt" 2> "$log" && [ ! -s "$log" ]
result $? "memdesc-stat(1): man --warnings reports nothing"
comment "$log"
# memdesc(4), made from docs/debugfs.md: clean, and every record format of
# its debugfs reference in it, as the file writes it.
man4=$work/dest/usr/share/man/man4/memdesc.4
missing=
if LC_ALL=C.UTF-8 MANWIDTH=200 man --warnings -E ascii -l "$man4" \
	> "$work/man4.txt" 2> "$log" && [ ! -s "$log" ]; then
	while IFS= read -r rec; do
		grep -qF -- "$rec" "$work/man4.txt" || missing="$missing '$rec'"
	done < <(awk '/^## debugfs reference$/ { on = 1; next }
		      on && /^## / { exit }
		      on && /^```/ { c = !c; next }
		      on && c' "$top/docs/debugfs.md")
	while IFS= read -r file; do
		grep -qE "^   $file[ ,]" "$work/man4.txt" || missing="$missing §$file"
	done < <(sed -n 's/^### `\([a-z]*\)`.*/\1/p' "$top/docs/debugfs.md")
	grep -q "^MEMDESC(4) .* MEMDESC(4)$" "$work/man4.txt" &&
		grep -q "memdesc $version" "$work/man4.txt" &&
		grep -q "^PARAMETERS" "$work/man4.txt" || missing="$missing header"
	[ -z "$missing" ]
	result $? "memdesc(4): from docs/debugfs.md, every record format and file${missing:+ (missing:$missing)}"
else
	result 1 "memdesc(4): man --warnings reports nothing"
	comment "$log"
fi
# Every subcommand and long option --help lists has its place in the page.
missing=
"$stat" --help > "$out"
for word in $(awk '/^  [a-z]/ { print $1 }' "$out" | grep -v '^-') \
	    $(grep -oE -- '--[a-z-]+' "$out" | sort -u); do
	grep -qE -- "(^| )$word( |,|$)" "$work/man.txt" ||
		missing="$missing $word"
done
[ -z "$missing" ]
result $? "memdesc-stat(1): every subcommand and option of --help${missing:+ (missing:$missing)}"
# complete WORDS...: what bash completion offers after memdesc-stat WORDS
# (the last word the one being completed), sorted, on one line; run in
# $work/comp, which holds two snapshots, a text file and a directory.
# compopt works only inside a completion readline started: a no-op here.
complete_words()
{
	(cd "$work/comp" &&
	 bash -c '. "$1"; shift; compopt() { :; }
		  COMP_WORDS=(memdesc-stat "$@"); COMP_CWORD=$#
		  _memdesc_stat; printf "%s\n" "${COMPREPLY[@]}"' \
		bash "$work/dest/usr/share/bash-completion/completions/memdesc-stat" \
		"$@" 2>&1) | sort | tr '\n' ' ' | sed 's/ $//'
}

# completes DESC WANT WORDS...
completes()
{
	local desc=$1 want=$2 got

	shift 2
	got=$(complete_words "$@")
	[ "$got" = "$want" ]
	result $? "bash completion: $desc${got:+ ('$got')}"
	[ "$got" = "$want" ] || echo "#   want '$want'"
}

mkdir -p "$work/comp/dir"
touch "$work/comp/a.snap" "$work/comp/b.snap" "$work/comp/notes.txt"
completes "subcommands" \
	"--help compare diff map metrics owners pfn projection save sections stats summary top transitions" ""
completes "a subcommand by prefix" "map metrics" m
completes "owners' options" "--class --folded --help --json --raw --top" owners --
completes "diff's options" "--class --folded --help --json --raw" diff --
completes "metrics' options" "--compare --help --output" metrics --
completes "a class after --class" "slab" owners --class sl
completes "snapshots and directories where a FILE goes" "a.snap b.snap dir" \
	diff a.snap ""
completes "no file for compare (live only)" "" compare ""
completes "no file for pfn (a number)" "" pfn ""
completes "nothing after --top (a number)" "" owners --top ""
completes "top's long options" "--batch --delay --help --iterations --nodes --owners" \
	top --
completes "nothing after top -d (seconds)" "" top -d ""
# The classes it offers are the classes the tool knows.
want=$("$stat" owners --class none 2>&1 | sed -n 's/.*the classes: //p' |
	tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
got=$(bash -c '. "$1"; echo $_memdesc_stat_classes' bash \
	"$work/dest/usr/share/bash-completion/completions/memdesc-stat" |
	tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
[ -n "$want" ] && [ "$got" = "$want" ]
result $? "bash completion: the classes memdesc-stat knows"
[ "$got" = "$want" ] || echo "#   tool: '$want'; completion: '$got'"
# systemd-analyze verify wants the ExecStart binary where the unit says.
rm -rf "$work/prefix"
make -s -C "$top" install PREFIX="$work/prefix" > "$log" 2>&1 &&
	(cd "$work/prefix/lib/systemd/system" &&
	 systemd-analyze verify --man=no ./memdesc-metrics.service \
		./memdesc-metrics.timer) >> "$log" 2>&1
result $? "metrics service and timer: systemd-analyze verify"
comment "$log"
