#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh OUTDIR - build the kernel's own mm selftests
# (tools/testing/selftests/mm of Debian's linux-source-6.12) as static
# x86_64 programs into OUTDIR, for workload.sh to run inside a busybox
# guest on Debian's 6.1 or 6.12 kernel.
#
# These programs are written by the people who change the paths memdesc
# follows: userfaultfd, THP and khugepaged, hugetlb and memory failure,
# KSM, mremap, mlock, compaction, migration.  They drive the allocator
# along paths our own tests would not think of.  They are memdesc's
# workload, not its tests: whether one passes says nothing about memdesc;
# what memdesc reports while they run does.
#
# The build is the one selftests/mm/Makefile does for x86_64: its flags,
# every program linked with vm_util.c and thp_settings.c and the uffd ones
# with uffd-common.c, its per-program libraries, local_config.h from the
# suite's own check_config.sh, and the 6.12 UAPI headers, exported by the
# tree's "make headers" out of tree (O=) into .cache/selftests.  -static
# is ours: the guest has no libc.  gcc -static needs the .a of each
# library (libnuma-dev, libcap-dev, liburing-dev; make deps); io_uring is
# used only when liburing.a is there, as check_config.sh decides for the
# shared library.
#
# Prints "ok PROGRAM" or "# skip PROGRAM: reason" for each program, then a
# count, and fails when a program of the core set did not build.
# Idempotent; a program that no longer builds is removed from OUTDIR.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: build.sh OUTDIR" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
work=$top/.cache/selftests
jobs=${MEMDESC_SELFTESTS_JOBS:-$(nproc)}

# Makefile's TEST_GEN_FILES for x86_64, in its order.
programs="
cow compaction_test gup_longterm gup_test hmm-tests
hugetlb-madvise hugetlb-read-hwpoison hugetlb-soft-offline
hugepage-mmap hugepage-mremap hugepage-shm hugepage-vmemmap
khugepaged madv_populate map_fixed_noreplace map_hugetlb map_populate
memfd_secret migration mkdirty mlock-random-test mlock2-tests
mrelease_test mremap_dontunmap mremap_test mseal_test seal_elf
on-fault-limit pagemap_ioctl thuge-gen transhuge-stress
uffd-stress uffd-unit-tests split_huge_page_test
ksm_tests ksm_functional_tests mdwe_test
hugetlb_fault_after_madv hugetlb_madv_vs_map hugetlb_dio droppable
soft-dirty
protection_keys_32 pkey_sighandler_tests_32
protection_keys_64 pkey_sighandler_tests_64
va_high_addr_switch virtual_address_range write_to_hugetlbfs
"

# Without these the workload misses a path it is here for.
core="
uffd-stress uffd-unit-tests khugepaged
hugetlb-soft-offline hugetlb-read-hwpoison
cow gup_longterm ksm_functional_tests mremap_test mremap_dontunmap
soft-dirty mlock2-tests compaction_test
"

die()
{
	echo "build.sh: $*" >&2
	exit 1
}

# The static archive of library $1, or nothing.
static_lib()
{
	local a

	a=$(gcc -print-file-name="lib$1.a")
	[ "$a" != "lib$1.a" ] && echo "$a"
}

src=$("$top/scripts/linux-src.sh")
mm=$src/tools/testing/selftests/mm
mkdir -p "$work/gen" "$work/obj" "$work/log"
# make check boots two kernels' selftests guests side by side, and both
# build here: one at a time.
exec 9>"$work/lock"
flock 9

# --- The 6.12 UAPI headers: a second run only asks make ---

nice make -s -C "$src" O="$work/obj" ARCH=x86 -j"$jobs" headers \
	>"$work/log/headers.log" 2>&1 ||
	die "make headers failed, see $work/log/headers.log"

# --- local_config.h and the libraries each program links ---

(cd "$work/gen" && sh "$mm/check_config.sh" gcc)
uring=$(sed -n 's/^IOURING_EXTRA_LIBS = *//p' "$work/gen/local_config.mk")
if [ -n "$uring" ] && [ -z "$(static_lib uring)" ]; then
	echo "// No liburing support found (no liburing.a)" \
		>"$work/gen/local_config.h"
	uring=
fi

# Extra libraries of program $1, as the Makefile gives them.
extra_libs()
{
	case $1 in
	cow|gup_longterm)		echo "$uring" ;;
	mlock-random-test|memfd_secret)	echo -lcap ;;
	ksm_tests|migration)		echo -lnuma ;;
	*_32|*_64)			echo -lrt -ldl ;;
	esac
}

# Extra compiler flags of program $1: ours, where the tarball's source
# does not build as it is.
extra_cflags()
{
	case $1 in
	# 6.12.118's khugepaged.c returns KSFT_SKIP without including the
	# header that defines it; included first, it must see the
	# _GNU_SOURCE the file defines (empty, so the two agree).
	khugepaged)	echo "-D_GNU_SOURCE= -include $mm/../kselftest.h" ;;
	esac
}

cflags="-Wall -O2 -I $src -I $work/gen
	-isystem $work/obj/usr/include -isystem $src/tools/include/uapi
	-U_FORTIFY_SOURCE -no-pie"
libs="-lrt -lpthread -lm"

# Why program $1 cannot build here, or nothing.
cannot_build()
{
	local l

	case $1 in
	*_32)
		echo 'int main(void) { return 0; }' >"$work/gen/m32.c"
		gcc -m32 -static "$work/gen/m32.c" -o "$work/gen/m32" \
			2>/dev/null ||
			echo "no 32-bit static libc (gcc-multilib, libc6-dev-i386)"
		return 0
		;;
	esac
	for l in $(extra_libs "$1"); do
		case $l in
		-lcap)	[ -n "$(static_lib cap)" ] || echo "libcap.a missing (libcap-dev)" ;;
		-lnuma)	[ -n "$(static_lib numa)" ] || echo "libnuma.a missing (libnuma-dev)" ;;
		esac
	done
}

# Build program $1 into OUTDIR; its status and log go to $work/log.
build_one()
{
	local p=$1 c=${1%_[36][24]} flags='' log=$work/log/$1.log
	local objs="$work/gen/vm_util.o $work/gen/thp_settings.o"

	case $p in
	uffd-*)	objs="$objs $work/gen/uffd-common.o" ;;
	*_32)	flags="-m32 -mxsave" objs="$mm/vm_util.c $mm/thp_settings.c" ;;
	*_64)	flags="-m64 -mxsave" ;;
	esac
	# shellcheck disable=SC2046,SC2086	# word lists
	if nice gcc $cflags $flags $(extra_cflags "$p") -static "$mm/$c.c" $objs \
		$libs $(extra_libs "$p") -o "$work/gen/$p" >"$log" 2>&1; then
		mv -f "$work/gen/$p" "$out/$p"
		echo 0 >"$work/log/$p.rc"
	else
		rm -f "$out/$p"
		echo 1 >"$work/log/$p.rc"
	fi
}

# The shared units, once (the Makefile compiles them into each program).
for u in vm_util thp_settings uffd-common; do
	# shellcheck disable=SC2086
	nice gcc $cflags -c "$mm/$u.c" -o "$work/gen/$u.o" \
		>"$work/log/$u.log" 2>&1 ||
		die "$u.c does not compile, see $work/log/$u.log"
done

# --- Build, $jobs at a time, then report in the Makefile's order ---

rm -f "$work"/log/*.rc
for p in $programs; do
	why=$(cannot_build "$p" | head -n 1)
	if [ -n "$why" ]; then
		rm -f "$out/$p"
		echo "$why" >"$work/log/$p.rc"
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n || true
	done
	build_one "$p" &
done
wait

built=0
skipped=0
missing=
for p in $programs; do
	rc=$(cat "$work/log/$p.rc")
	case $rc in
	0)
		echo "ok $p"
		built=$((built + 1))
		continue
		;;
	1)
		why=$(grep -m 1 -E 'error|undefined reference' "$work/log/$p.log" |
			sed "s|^$src/||") || why="see $work/log/$p.log"
		;;
	*)
		why=$rc
		;;
	esac
	echo "# skip $p: $why"
	skipped=$((skipped + 1))
	for c in $core; do
		[ "$c" = "$p" ] && missing="$missing $p"
	done
done
echo "# $built built, $skipped skipped, into $out"

if [ -n "$missing" ]; then
	die "core workload programs did not build:$missing"
fi
