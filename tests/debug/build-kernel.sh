#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh kasan|kcsan|rt - build one of the debug tier's kernels and
# print its build directory (the KDIR modules build against; the image is
# arch/x86/boot/bzImage in it).
#
# Source: Debian's linux-source-6.12 tarball (make deps), extracted whole
# into .cache/debug/linux-source-6.12 and shared by both tiers, each built
# out of tree (O=) in .cache/debug/TIER/build.  Config: tinyconfig plus
# tests/debug/common.config (PROVE_LOCKING, DEBUG_ATOMIC_SLEEP, DEBUG_VM
# and what the VM suite needs) plus the tier's own fragment,
# tests/debug/TIER.config: kasan (KASAN, UBSAN, kmemleak, DEBUG_PAGEALLOC),
# kcsan (KCSAN) or rt (PREEMPT_RT and the preemptoff tracer, for make
# bench-preemptoff).  KASAN and KCSAN exclude each other, hence two
# kernels; each fragment sets its own LOCALVERSION (-memdesc-kasan,
# -memdesc-kcsan, -memdesc-rt) so that the kernels' releases, and
# tests/vm/run.sh's caches keyed by them, differ.  A fragment's line wins
# over common.config's for the same option (rt's preemption model).  Both are cached: a second run with the same tarball and
# fragments only asks make whether anything is out of date, which takes
# seconds; a first build takes about half an hour on two cores.
#
# Fails, naming them, if any line of either fragment did not survive
# olddefconfig: a kernel without its sanitizer that passes is not a debug
# tier.  One build per tier at a time (a lock in .cache/debug/TIER); the
# two tiers may build side by side.

set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
tier=${1:-}
common=$top/tests/debug/common.config
fragment=$top/tests/debug/$tier.config
cache=$top/.cache/debug
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1 || true)
src=$cache/linux-source-6.12
out=$cache/$tier/build
jobs=${MEMDESC_DEBUG_JOBS:-$(nproc)}

log()
{
	echo "build-kernel.sh: $*" >&2
}

case $tier in
kasan|kcsan|rt) ;;
*)
	echo "usage: build-kernel.sh kasan|kcsan|rt" >&2
	exit 2
	;;
esac

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

# The build records the source's absolute path in every command line, so
# the path is the real one: a tree whose .cache/debug is a link to another
# tree's shares that tree's builds instead of rebuilding them.
mkdir -p "$cache/$tier"
cache=$(cd "$cache" && pwd -P)
src=$cache/linux-source-6.12
out=$cache/$tier/build
exec 8>"$cache/$tier/.lock"
flock 8

# The source is extracted afresh when the tarball changes (a Debian
# update), under a lock of its own: the other tier's build may be here
# too (a re-extraction drops both tiers' builds: build the other tier
# again after it).  scripts/linux-src.sh's
# partial tree is a different directory.
tar_id=$(stat -c '%s %Y' "$tarball")
exec 9>"$cache/.extract.lock"
flock 9
if [ "$(cat "$src/.memdesc-tarball" 2>/dev/null)" != "$tar_id" ]; then
	log "extracting $tarball"
	rm -rf "$src" "$cache/kasan/build" "$cache/kcsan/build" "$cache/rt/build"
	tar -xf "$tarball" -C "$cache"
	echo "$tar_id" >"$src/.memdesc-tarball"
fi
flock -u 9

# The config is regenerated when a fragment changes; make then rebuilds
# only what the change touches.
want_id=$(cat "$common" "$fragment" "$0" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/.memdesc-config" 2>/dev/null)" != "$want_id" ]; then
	log "configuring: tinyconfig + ${common#"$top"/} + ${fragment#"$top"/}"
	mkdir -p "$out"
	make -s -C "$src" O="$out" ARCH=x86_64 tinyconfig >&2
	"$src"/scripts/kconfig/merge_config.sh -m -O "$out" \
		"$out/.config" "$common" "$fragment" >/dev/null
	make -s -C "$src" O="$out" ARCH=x86_64 olddefconfig >&2

	# The options the fragment sets; common.config's lines for them
	# are overridden, not lost.
	own=$(grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' "$fragment" |
		sed 's/^# //' | sort -u)
	lost=$(cat "$common" "$fragment" | grep -E '^(CONFIG_|# CONFIG_)' |
		while IFS= read -r line; do
			opt=$(echo "$line" | grep -oE 'CONFIG_[A-Za-z0-9_]+' | head -n 1)
			if ! grep -qxF "$line" "$fragment" &&
			   echo "$own" | grep -qxF "$opt"; then
				continue
			fi
			# "Not set" holds too where the option does not
			# exist (its menu is off).
			case $line in
			'# '*)	if grep -q "^$opt=" "$out/.config"; then
					echo "  $line"
				fi ;;
			*)	if ! grep -qxF "$line" "$out/.config"; then
					echo "  $line"
				fi ;;
			esac
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
