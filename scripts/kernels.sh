#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - print, one per line, every installed kernel release that has
# both a bootable image (/boot/vmlinuz-REL) and headers to build modules
# against (/lib/modules/REL/build).  Never hard-codes the Debian ABI number:
# it moves with every security update.

set -eu

for img in /boot/vmlinuz-*; do
	[ -e "$img" ] || continue
	rel=${img#/boot/vmlinuz-}
	[ -f "/lib/modules/$rel/build/Makefile" ] || continue
	echo "$rel"
done | sort -V
