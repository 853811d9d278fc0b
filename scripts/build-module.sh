#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KVER OUTDIR - build memdesc.ko for kernel KVER in OUTDIR.
#
# Kbuild writes objects beside the sources, so each kernel gets its own copy
# of the tree; two kernels never share a .o.  Prints the path of the module.

set -eu

kver=${1:?usage: build-module.sh KVER OUTDIR}
out=${2:?usage: build-module.sh KVER OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=/lib/modules/$kver/build

if [ ! -f "$kdir/Makefile" ]; then
	echo "build-module.sh: no headers for $kver at $kdir" >&2
	exit 1
fi

mkdir -p "$out"
cp "$top"/Kbuild "$top"/*.c "$top"/*.h "$out"/
make -s -C "$kdir" M="$out" modules >&2
echo "$out/memdesc.ko"
