#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# linux-src.sh - print a directory holding the pieces of Debian's
# linux-source-6.12 tarball this project uses (kselftest harness headers,
# checkpatch.pl and its data files, tools/mm with what page-types.c builds
# against, and the mm selftests with what "make headers" needs to export
# the 6.12 UAPI headers they build against), extracting them on first use,
# and again when this list grows.
#
# The tarball comes from the linux-source-6.12 package (make deps); nothing
# from it is committed.  The cache lives in .cache/ of this tree.

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/.cache
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1 || true)
dir=$cache/linux-source-6.12
stamp=$dir/.extracted

members="
linux-source-6.12/tools/testing/selftests/kselftest_harness.h
linux-source-6.12/tools/testing/selftests/kselftest.h
linux-source-6.12/scripts/checkpatch.pl
linux-source-6.12/scripts/spelling.txt
linux-source-6.12/scripts/const_structs.checkpatch
linux-source-6.12/tools/mm
linux-source-6.12/tools/lib/api
linux-source-6.12/tools/include
linux-source-6.12/include/uapi/linux/magic.h
linux-source-6.12/include/uapi/linux/kernel-page-flags.h
linux-source-6.12/tools/testing/selftests/mm
linux-source-6.12/mm/gup_test.h
linux-source-6.12/lib/test_hmm_uapi.h
linux-source-6.12/include/vdso/time64.h
linux-source-6.12/Makefile
linux-source-6.12/scripts
linux-source-6.12/include/uapi
linux-source-6.12/arch/x86/Makefile
linux-source-6.12/arch/x86/Makefile_32.cpu
linux-source-6.12/arch/x86/include/uapi
linux-source-6.12/arch/x86/include/asm/Kbuild
linux-source-6.12/arch/x86/entry/syscalls
linux-source-6.12/arch/x86/tools
"

# The stamp holds the member list it was extracted for, on one line.
# shellcheck disable=SC2086,SC2116	# one line from a word list
want=$(echo $members)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	if [ -z "$tarball" ]; then
		echo "linux-src.sh: /usr/src/linux-source-6.12.tar.* missing (run make deps)" >&2
		exit 1
	fi
	mkdir -p "$cache"
	# shellcheck disable=SC2086
	tar -xf "$tarball" -C "$cache" $members
	echo "$want" >"$stamp"
fi
echo "$dir"
