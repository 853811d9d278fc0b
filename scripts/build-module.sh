#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KVER|KDIR OUTDIR - build memdesc.ko in OUTDIR, for kernel
# release KVER (its headers in /lib/modules/KVER/build) or against the
# kernel build directory KDIR (an argument with a slash).
#
# Kbuild writes objects beside the sources, so each kernel gets its own copy
# of the tree; two kernels never share a .o.  Prints the path of the module.

set -eu

kver=${1:?usage: build-module.sh KVER|KDIR OUTDIR}
out=${2:?usage: build-module.sh KVER|KDIR OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
case $kver in
*/*)	kdir=$kver ;;
*)	kdir=/lib/modules/$kver/build ;;
esac

if [ ! -f "$kdir/Makefile" ]; then
	echo "build-module.sh: no kernel build or headers at $kdir" >&2
	exit 1
fi

mkdir -p "$out"
cp "$top"/Kbuild "$top"/*.c "$top"/*.h "$out"/
make -s -C "$kdir" M="$out" modules >&2
echo "$out/memdesc.ko"
