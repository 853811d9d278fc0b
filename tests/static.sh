#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# static.sh [sparse|w1|checkpatch|syntax]... - static checks, as TAP.
#
#   sparse	make C=2 for every kernel: one result per kernel and module
#		(memdesc.ko, the test helper tests/truth/memdesc_truth.ko and
#		the bench helper tests/bench/memdesc_benchmod.ko)
#   w1		make W=1 for every kernel, warning-free: one result per kernel
#		and module
#   checkpatch	checkpatch.pl -f over the module and test sources: one result
#		per file
#   syntax	bash -n / sh -n of every shell script: one result; and
#		scripts/load.sh --help: one result
#   layers	tests/layers.sh on a build for every kernel: no unit calls one
#		above it in memdesc.h's list, and only memdesc_alloc.o calls
#		the kernel's allocators; and docs/layers.dot is what
#		scripts/layers-graph.sh draws from that build (make docs);
#		two results per kernel
#
# No argument runs all five.  Kernels come from scripts/kernels.sh, or
# MEMDESC_KERNELS.  Kbuild writes objects beside the sources, so each build
# gets its own copy of the module sources under .cache/static/, as
# scripts/build-module.sh does.  Exits non-zero only on a usage error.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
cache=$top/.cache/static
kernels=${MEMDESC_KERNELS:-$(cd "$top" && scripts/kernels.sh)}

# Diagnostics from the compiler and sparse look like "FILE:LINE:COL: warning:
# ...".  They count against us when FILE is one of our sources (the copy in
# the build directory).  Anything else points into the kernel's headers: that
# is noise every module built against these headers gets, which we cannot
# fix, so it is printed as a comment but does not fail the check.  Caveat: a
# diagnostic that our code provokes inside a kernel macro is reported at the
# macro's definition, so it lands in this second group; read those comments.
# Neither kernel printed any such noise when this was written.
#
# C=2 compiles as well as checks, so the sparse result takes only what is
# printed under Kbuild's "CHECK" lines (make -j1 keeps them in order), and
# compiler warnings count once, in the W=1 result.  modpost's "WARNING:
# modpost: ..." lines are always about our module; they count under W=1.
diag_re='^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error):'

# checkpatch.pl: the default level must be clean; --strict CHECKs are printed
# as comments only (mm/ does not require --strict; subsystems that do say so
# in MAINTAINERS).  Ignored, because they cannot apply here:
#   LINUX_VERSION_CODE	"code should be for the version to which it is
#			merged": an out-of-tree module builds for several
#			kernels, and memdesc_compat.h is where it compares
#			versions on purpose (see STYLE.md).
cp_ignore=LINUX_VERSION_CODE
# ...and additionally for the user-space programs under tests/ and tools/, whose
# suggested replacements exist only in the kernel:
#   SSCANF_TO_KSTRTO, CONSIDER_KSTRTO	kstrto*() is kernel-only
#   STRCPY, STRLCPY, STRNCPY		strscpy() is kernel-only
#   PREFER_KERNEL_TYPES (--strict)	u64 and friends are kernel-only
#   PREFER_DEFINED_ATTRIBUTE_MACRO	__noreturn and friends: user space defines
#					them itself, and is flagged for it
cp_ignore_user=$cp_ignore,SSCANF_TO_KSTRTO,CONSIDER_KSTRTO,STRCPY,STRLCPY,STRNCPY,PREFER_KERNEL_TYPES,PREFER_DEFINED_ATTRIBUTE_MACRO



# copy_tree DIR [SRC]: fresh copy in DIR of the module sources in SRC (the
# top directory: memdesc.ko; tests/truth: the test helper memdesc_truth.ko;
# tests/bench: the bench helper memdesc_benchmod.ko, which has no header).
copy_tree()
{
	local src=${2:-$top} h

	rm -rf "$1"
	mkdir -p "$1"
	cp "$src"/Kbuild "$src"/*.c "$1"/
	for h in "$src"/*.h; do
		[ -f "$h" ] && cp "$h" "$1"/
	done
}

# kbuild_check NAME KVER MAKE-ARG [truth|bench]: build a fresh copy of
# memdesc (or of tests/truth/ or tests/bench/) in
# .cache/static/NAME[-truth|-bench]/ with an extra make argument (C=2 or
# W=1); fail on the build failing or on any diagnostic of ours.
kbuild_check()
{
	local name=$1 kver=$2 arg=$3 dir=$cache/$1/$2 src=$top
	local what="$name ($arg) $kver"

	if [ -n "${4:-}" ]; then
		dir=$cache/$1-$4/$2
		src=$top/tests/$4
		what="$what memdesc_$4"
	fi
	local log=$dir.log diags=$dir.diags ours=$dir.ours theirs=$dir.theirs

	copy_tree "$dir" "$src"
	if ! make -j1 -C "/lib/modules/$kver/build" M="$dir" "$arg" modules \
		> "$log" 2>&1; then
		result 1 "$what: build failed"
		grep -vE '^  [A-Z]' "$log" | tail -n 40 > "$ours"
		comment "$ours"
		return
	fi

	# Kbuild's step lines ("  CC [M]  x.o", "  CHECK   x.c") say which tool
	# printed the lines under them.
	awk -v want="$name" -v re="$diag_re" '
		/^  [A-Z]/		{ step = $1; next }
		/^WARNING: modpost:/	{ if (want == "w1") print; next }
		$0 ~ re			{ if ((step == "CHECK") == (want == "sparse")) print }
	' "$log" > "$diags"
	grep -F "$dir/" "$diags" > "$ours"
	grep -E '^WARNING: modpost:' "$diags" >> "$ours"
	grep -vF "$dir/" "$diags" | grep -vE '^WARNING: modpost:' > "$theirs"

	if [ -s "$theirs" ]; then
		echo "# $what: $(wc -l < "$theirs") diagnostic(s) from kernel headers, not counted:"
		comment "$theirs" 50
	fi
	if [ -s "$ours" ]; then
		result 1 "$what: $(wc -l < "$ours") diagnostic(s) in memdesc sources"
		sed "s|$dir/||" "$ours" > "$ours.short"
		comment "$ours.short"
	else
		result 0 "$what: no diagnostics in memdesc sources"
	fi
}

do_sparse()
{
	local k

	if ! command -v sparse >/dev/null; then
		result 1 "sparse: not installed (make deps)"
		return
	fi
	for k in $kernels; do
		# C=2: check every file, not only those being recompiled.
		kbuild_check sparse "$k" C=2
		kbuild_check sparse "$k" C=2 truth
		kbuild_check sparse "$k" C=2 bench
	done
}

do_w1()
{
	local k

	for k in $kernels; do
		kbuild_check w1 "$k" W=1
		kbuild_check w1 "$k" W=1 truth
		kbuild_check w1 "$k" W=1 bench
	done
}

do_checkpatch()
{
	local src cp f ignore log

	if ! src=$("$top"/scripts/linux-src.sh); then
		result 1 "checkpatch: linux-source-6.12 not available (make deps)"
		return
	fi
	cp=$src/scripts/checkpatch.pl
	log=$cache/checkpatch.log
	mkdir -p "$cache"

	cd "$top" || return
	for f in *.c *.h $(find tests tools -name '*.[ch]' | sort); do
		[ -f "$f" ] || continue
		case $f in
		tests/truth/* | tests/bench/*)	ignore=$cp_ignore ;;	# kernel code
		tests/* | tools/*)	ignore=$cp_ignore_user ;;
		*)		ignore=$cp_ignore ;;
		esac
		# --no-tree: no kernel tree around us; -f: a file, not a patch.
		# Exit status 0 only when nothing but ignored types was found.
		if perl "$cp" --no-tree -f --terse --show-types \
			--ignore "$ignore" "$f" > "$log" 2>&1; then
			result 0 "checkpatch $f"
		else
			result 1 "checkpatch $f"
			comment "$log"
		fi
		perl "$cp" --no-tree -f --terse --show-types --strict \
			--ignore "$ignore" "$f" 2>&1 | grep -E ': CHECK:' |
			sed 's/^/#   --strict: /'
	done
	cd - >/dev/null || return
}

do_syntax()
{
	local f sh bad=0 count=0 log=$cache/syntax.log

	mkdir -p "$cache"
	: > "$log"
	cd "$top" || return
	# Every *.sh, plus extension-less scripts (tests/vm/init, .ci/run):
	# any file with a shell #! line outside .git and .cache.  /bin/sh
	# scripts get sh -n (dash here), so bash-only syntax in them fails.
	while IFS= read -r f; do
		# tr: built binaries lie about too (tools/memdesc-stat).
		case $(head -n 1 "$f" | tr -d '\0') in
		'#!'*bash*)		sh=bash ;;
		'#!'*/sh|'#!'*/sh' '*)	sh='sh' ;;
		*)
			case $f in
			*.sh)	sh=bash ;;
			*)	continue ;;
			esac
			;;
		esac
		count=$((count + 1))
		if ! "$sh" -n "$f" >> "$log" 2>&1; then
			echo "$sh -n $f failed" >> "$log"
			bad=1
		fi
	done < <(find . \( -path ./.git -o -path ./.cache \) -prune -o \
		 -type f -print | sort)
	cd - >/dev/null || return
	result "$bad" "shell syntax (bash -n / sh -n) of $count scripts"
	comment "$log"

	# scripts/load.sh needs a real machine; CI only asks it for its usage.
	"$top"/scripts/load.sh --help > "$log" 2>&1
	bad=$?
	grep -q '^usage: ' "$log" || bad=1
	result "$bad" "scripts/load.sh --help prints its usage"
	[ "$bad" -eq 0 ] || comment "$log"
}

do_layers()
{
	local k dir log

	for k in $kernels; do
		dir=$cache/layers/$k
		log=$dir.log
		rm -rf "$dir"
		mkdir -p "$cache/layers"
		if ! "$top"/scripts/build-module.sh "$k" "$dir" > "$log" 2>&1; then
			result 1 "layers $k: build failed"
			comment "$log"
			continue
		fi
		if "$top"/tests/layers.sh "$dir" > "$log" 2>&1; then
			result 0 "layers $k: every unit calls only those below it"
		else
			result 1 "layers $k: $(grep -c . "$log") violation(s)"
			comment "$log"
		fi
		if "$top"/scripts/layers-graph.sh "$dir" > "$dir.dot" 2> "$log" &&
		   diff -u "$top/docs/layers.dot" "$dir.dot" > "$log" 2>&1; then
			result 0 "layers $k: docs/layers.dot is what the code gives"
		else
			result 1 "layers $k: docs/layers.dot differs from the code (make docs)"
			comment "$log"
		fi
	done
}

steps=${*:-"sparse w1 checkpatch syntax layers"}
for s in $steps; do
	case $s in
	sparse|w1|checkpatch|syntax|layers) ;;
	*)
		echo "usage: static.sh [sparse|w1|checkpatch|syntax|layers]..." >&2
		exit 2
		;;
	esac
done

echo "TAP version 13"
case " $steps " in
*" sparse "*|*" w1 "*|*" layers "*)
	if [ -z "$kernels" ]; then
		result 1 "no kernel with headers to build against (make deps)"
	fi
	;;
esac
for s in $steps; do
	case $s in
	sparse)		do_sparse ;;
	w1)		do_w1 ;;
	checkpatch)	do_checkpatch ;;
	syntax)		do_syntax ;;
	layers)		do_layers ;;
	esac
done
echo "1..$n"
exit 0
