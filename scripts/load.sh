#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# load.sh - build and load memdesc on the running kernel of a real machine.
#
#   scripts/load.sh [PARAM=VALUE]...	(re)load, passing module parameters
#   scripts/load.sh --unload		unload
#   scripts/load.sh --help
#
# Checks first (root, module support, CONFIG_TRACEPOINTS and CONFIG_DEBUG_FS,
# kernel headers) and exits 4, the kselftest "skip" code, when the machine
# cannot run the module.  Mounts debugfs if needed, rebuilds memdesc.ko when
# it is missing, older than its sources or built for another kernel, then
# unloads any loaded copy, inserts the new one and prints its summary.
#
# Exit codes: 0 done, 1 failed (build, insmod, rmmod), 2 usage, 4 cannot run
# here.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
rel=$(uname -r)
ko=$top/memdesc.ko
debugfs=/sys/kernel/debug
KSFT_SKIP=4
dmesg_from=0

usage()
{
	cat <<EOF
usage: $(basename "$0") [PARAM=VALUE]...	(re)load memdesc, with module parameters
       $(basename "$0") --unload		unload memdesc
       $(basename "$0") --help		this text

Builds $ko for the running kernel ($rel) if it is missing or
older than its sources, unloads any loaded memdesc, inserts the module and
prints $debugfs/memdesc/summary.  Needs root, a kernel with
CONFIG_TRACEPOINTS and CONFIG_DEBUG_FS, and /lib/modules/$rel/build.

Module parameters are listed by "modinfo memdesc.ko", e.g. seed=0.$(params_help)

Exit codes: 0 done, 1 failed, 2 usage error, 4 cannot run on this machine.
EOF
}

# params_help: the parameters of an already built memdesc.ko, if any, each
# on a new line.
params_help()
{
	[ -f "$ko" ] || return 0
	echo
	modinfo -F parm "$ko" 2>/dev/null | sed 's/^/  /'
}

# die CODE MESSAGE...: print to stderr and exit.
die()
{
	local code=$1

	shift
	echo "load.sh: $*" >&2
	exit "$code"
}

is_loaded()
{
	[ -d /sys/module/memdesc ]
}

unload()
{
	if ! is_loaded; then
		echo "memdesc is not loaded"
		return 0
	fi
	rmmod memdesc || die 1 "rmmod memdesc failed (is a debugfs file open?)"
	echo "memdesc unloaded"
}

# kconfig_value OPT: OPT's value in the running kernel's config ("y", "m",
# empty if unset); exit status 2 if no config can be found.
kconfig_value()
{
	local opt=$1 f

	for f in "/boot/config-$rel" "/lib/modules/$rel/build/.config"; do
		if [ -r "$f" ]; then
			sed -n "s/^$opt=//p" "$f"
			return 0
		fi
	done
	if [ -r /proc/config.gz ]; then
		zcat /proc/config.gz | sed -n "s/^$opt=//p"
		return 0
	fi
	return 2
}

check_kernel()
{
	local opt val

	[ -e /proc/modules ] ||
		die $KSFT_SKIP "kernel $rel has no loadable module support"
	for opt in CONFIG_TRACEPOINTS CONFIG_DEBUG_FS; do
		val=$(kconfig_value "$opt")
		case $? in
		2)
			echo "load.sh: warning: no config for $rel in /boot, build dir or /proc/config.gz; not checking $opt" >&2
			;;
		*)
			[ "$val" = y ] ||
				die $KSFT_SKIP "kernel $rel lacks $opt=y, which memdesc needs"
			;;
		esac
	done
}

mount_debugfs()
{
	if grep -qs "^[^ ]* $debugfs debugfs " /proc/mounts; then
		return 0
	fi
	mount -t debugfs debugfs "$debugfs" ||
		die 1 "cannot mount debugfs on $debugfs"
	echo "mounted debugfs on $debugfs"
}

# needs_build: memdesc.ko is missing, older than a source or for another
# kernel.
needs_build()
{
	local built newer

	[ -f "$ko" ] || return 0
	built=$(modinfo -F vermagic "$ko" 2>/dev/null)
	[ "${built%% *}" = "$rel" ] || return 0
	newer=$(find "$top" -maxdepth 1 \( -name '*.[ch]' -o -name Kbuild \
		-o -name Makefile \) -newer "$ko" -print -quit)
	[ -n "$newer" ]
}

build()
{
	local kdir=/lib/modules/$rel/build

	needs_build || return 0
	[ -f "$kdir/Makefile" ] ||
		die $KSFT_SKIP "no kernel headers at $kdir: install linux-headers-$rel"
	command -v make >/dev/null ||
		die $KSFT_SKIP "make not found: install build-essential"
	echo "building memdesc.ko for $rel"
	# A module built for another kernel: start clean.
	if [ -f "$ko" ]; then
		make -s -C "$top" clean ||
			die 1 "make clean failed"
	fi
	make -s -C "$top" KVER="$rel" modules ||
		die 1 "build failed (make -C $top KVER=$rel)"
	[ -f "$ko" ] || die 1 "build produced no $ko"
}

# check_params PARAM...: every PARAM is NAME or NAME=VALUE for a parameter
# the module declares.
check_params()
{
	local p name known

	known=$(modinfo -F parm "$ko" 2>/dev/null | sed 's/:.*//')
	for p in "$@"; do
		name=${p%%=*}
		[[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
			die 2 "'$p' is not a module parameter (NAME=VALUE)"
		grep -qxF "$name" <<< "$known" ||
			die 2 "memdesc has no parameter '$name' (it has: ${known//$'\n'/ })"
	done
}

check_signature()
{
	local enforce

	enforce=$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)
	if [ "$enforce" = Y ] && [ -z "$(modinfo -F signer "$ko" 2>/dev/null)" ]; then
		die $KSFT_SKIP "kernel $rel only loads signed modules (Secure Boot?) and $ko is unsigned: sign it with your MOK key or install it through dkms"
	fi
}

# kernel_messages: memdesc's kernel log lines since dmesg_from.
kernel_messages()
{
	dmesg 2>/dev/null | tail -n "+$((dmesg_from + 1))" | grep 'memdesc' |
		sed 's/^/  /'
}

summary()
{
	local p

	echo "memdesc loaded on $rel from $ko"
	for p in /sys/module/memdesc/parameters/*; do
		[ -r "$p" ] && echo "  parameter ${p##*/}=$(cat "$p")"
	done
	kernel_messages
	if [ -r "$debugfs/memdesc/summary" ]; then
		echo
		cat "$debugfs/memdesc/summary"
	fi
	echo
	echo "debugfs files: $(cd "$debugfs/memdesc" 2>/dev/null && echo *)"
	echo "(in $debugfs/memdesc; unload with: $0 --unload)"
}

load()
{
	check_kernel
	mount_debugfs
	build
	check_params "$@"
	check_signature
	if is_loaded; then
		rmmod memdesc ||
			die 1 "cannot unload the loaded memdesc (is a debugfs file open?)"
		echo "unloaded the previous memdesc"
	fi
	# Kernel messages of this load only: those after the current last line.
	dmesg_from=$(dmesg 2>/dev/null | wc -l)
	if ! insmod "$ko" "$@"; then
		kernel_messages >&2
		die 1 "insmod $ko $* failed"
	fi
	summary
}

action=load
params=()
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help)
		usage
		exit 0
		;;
	--unload)
		action=unload
		;;
	--)
		shift
		params+=("$@")
		break
		;;
	-*)
		usage >&2
		exit 2
		;;
	*)
		params+=("$1")
		;;
	esac
	shift
done

if [ "$action" = unload ] && [ ${#params[@]} -gt 0 ]; then
	die 2 "--unload takes no module parameters"
fi
[ "$(id -u)" -eq 0 ] || die $KSFT_SKIP "must be run as root"
for tool in insmod rmmod modinfo; do
	command -v "$tool" >/dev/null ||
		die $KSFT_SKIP "$tool not found: install kmod"
done

case $action in
unload)	unload ;;
load)	load "${params[@]}" ;;
esac
