#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - build the debug tier's kernel and print its build
# directory (the KDIR modules build against; the image is
# arch/x86/boot/bzImage in it).
#
# Source: Debian's linux-source-6.12 tarball (make deps), extracted whole
# into .cache/debug/.  Config: tinyconfig plus tests/debug/kernel.config
# (KASAN, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP, DEBUG_VM and what the VM suite
# needs).  Both are cached: a second run with the same tarball and fragment
# only asks make whether anything is out of date, which takes seconds; a
# first build takes about half an hour on two cores.
#
# Fails, naming them, if any line of the fragment did not survive
# olddefconfig: a kernel without KASAN that passes is not a debug tier.

set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
fragment=$top/tests/debug/kernel.config
cache=$top/.cache/debug
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1 || true)
src=$cache/linux-source-6.12
out=$cache/build
jobs=${MEMDESC_DEBUG_JOBS:-$(nproc)}

log()
{
	echo "build-kernel.sh: $*" >&2
}

if [ -z "$tarball" ]; then
	log "/usr/src/linux-source-6.12.tar.* missing (run make deps)"
	exit 1
fi
for tool in flex bison bc; do
	command -v "$tool" >/dev/null || { log "$tool missing (run make deps)"; exit 1; }
done
if [ ! -e /usr/include/gelf.h ]; then
	log "libelf-dev missing: objtool needs it (run make deps)"
	exit 1
fi

# The source is extracted afresh when the tarball changes (a Debian
# update); scripts/linux-src.sh's partial tree is a different directory.
tar_id=$(stat -c '%s %Y' "$tarball")
if [ "$(cat "$src/.memdesc-tarball" 2>/dev/null)" != "$tar_id" ]; then
	log "extracting $tarball"
	rm -rf "$src" "$out"
	mkdir -p "$cache"
	tar -xf "$tarball" -C "$cache"
	echo "$tar_id" >"$src/.memdesc-tarball"
fi

# The config is regenerated when the fragment changes; make then rebuilds
# only what the change touches.
want_id=$(cat "$fragment" "$0" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/.memdesc-config" 2>/dev/null)" != "$want_id" ]; then
	log "configuring: tinyconfig + ${fragment#"$top"/}"
	mkdir -p "$out"
	make -s -C "$src" O="$out" ARCH=x86_64 tinyconfig >&2
	"$src"/scripts/kconfig/merge_config.sh -m -O "$out" \
		"$out/.config" "$fragment" >/dev/null
	make -s -C "$src" O="$out" ARCH=x86_64 olddefconfig >&2

	lost=$(grep -E '^(CONFIG_|# CONFIG_)' "$fragment" | while IFS= read -r line; do
		grep -qxF "$line" "$out/.config" || echo "  $line"
	done)
	if [ -n "$lost" ]; then
		log "these fragment lines did not survive olddefconfig:"
		echo "$lost" >&2
		exit 1
	fi
	echo "$want_id" >"$out/.memdesc-config"
fi

log "building $(make -s -C "$src" O="$out" kernelrelease) in ${out#"$top"/} (-j$jobs)"
nice make -s -C "$src" O="$out" ARCH=x86_64 -j"$jobs" bzImage modules >&2
echo "$out"
