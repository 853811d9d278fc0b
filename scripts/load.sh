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
# Secure Boot: when the kernel loads only signed modules (lockdown, which
# Debian's kernels enter under Secure Boot, or module.sig_enforce), an
# unsigned memdesc.ko is signed with the machine-owner key (MOK) that
# DKMS signs with, if there is one (/var/lib/dkms/mok.key and mok.pub, or
# mok_signing_key and mok_certificate in /etc/dkms/framework.conf).
# scripts/lockdown.sh then says whether the kernel can take the module; if
# not, it and this script stop with the steps, before insmod.
#
# Exit codes: 0 done, 1 failed (build, insmod, rmmod), 2 usage, 4 cannot run
# here, 5 the kernel loads only signed modules and there is no MOK to sign
# memdesc.ko with, 6 the kernel refused the signature: its key is not
# enrolled.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
rel=$(uname -r)
ko=$top/memdesc.ko
debugfs=/sys/kernel/debug
KSFT_SKIP=4
EX_UNSIGNED=5
EX_KEY_REJECTED=6
dmesg_from=0
# The kernel lockdown level, as scripts/lockdown.sh found it.
lockdown=none

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

Under Secure Boot (kernel lockdown) it signs memdesc.ko with the MOK that
DKMS uses, /var/lib/dkms/mok.key, or says how to create and enroll one.

Exit codes: 0 done, 1 failed, 2 usage error, 4 cannot run on this machine,
5 the kernel wants a signed module and there is no key to sign with,
6 the kernel refused the module's signature (its key is not enrolled).
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

# framework_conf NAME: NAME's value in DKMS's framework.conf, if set.
framework_conf()
{
	cat /etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf \
		2>/dev/null |
		sed -n "s/^[[:space:]]*$1=[\"']\{0,1\}\([^\"']*\).*/\1/p" |
		tail -n 1 | sed "s/\$kernelver/$rel/g"
}

# mok_pair: "KEY CERT", the MOK that DKMS signs with, if both exist.
mok_pair()
{
	local key cert

	key=$(framework_conf mok_signing_key)
	cert=$(framework_conf mok_certificate)
	key=${key:-/var/lib/dkms/mok.key}
	cert=${cert:-/var/lib/dkms/mok.pub}
	[ -r "$key" ] && [ -r "$cert" ] && echo "$key $cert"
}

# sign_file: the kernel's sign-file, where DKMS on Debian looks first.
sign_file()
{
	local f

	for f in "/usr/lib/linux-kbuild-${rel%.*}/scripts/sign-file" \
		 "/lib/modules/$rel/build/scripts/sign-file"; do
		[ -x "$f" ] && echo "$f" && return 0
	done
	return 1
}

# sign_with_mok: sign memdesc.ko with the MOK, if there is one.
sign_with_mok()
{
	local pair tool hash

	pair=$(mok_pair) || return 0
	tool=$(sign_file) ||
		die 1 "no scripts/sign-file for $rel: install linux-headers-$rel"
	hash=$(kconfig_value CONFIG_MODULE_SIG_HASH | tr -d '"')
	# shellcheck disable=SC2086	# KEY CERT
	"$tool" "${hash:-sha256}" $pair "$ko" ||
		die 1 "signing $ko with ${pair% *} failed"
	echo "signed memdesc.ko with the MOK ${pair#* }"
}

# check_lockdown: under lockdown (or sig_enforce), a signed module or the
# steps to get one.  scripts/lockdown.sh decides, and says what it finds:
# its refusal of the module as it is built is the cue to sign it.
check_lockdown()
{
	local out rc

	"$top/scripts/lockdown.sh" "$ko" >/dev/null 2>&1
	[ $? = "$EX_UNSIGNED" ] && sign_with_mok
	out=$("$top/scripts/lockdown.sh" "$ko")
	rc=$?
	lockdown=$(sed -n 's/^lockdown: //p' <<< "$out")
	printf '%s\n' "$out" | sed 's/^/  /'
	case $rc in
	0)	;;
	"$EX_UNSIGNED")	exit "$EX_UNSIGNED" ;;
	*)	die 1 "scripts/lockdown.sh failed (exit $rc)" ;;
	esac
}

# check_lockdown_early: before a build whose result there is no key to
# sign, stop if the kernel loads only signed modules; silent otherwise.
check_lockdown_early()
{
	local rc

	mok_pair >/dev/null && return 0
	[ -f "$ko" ] && ! needs_build && "$top/scripts/lockdown.sh" "$ko" \
		>/dev/null 2>&1 && return 0
	"$top/scripts/lockdown.sh" >/dev/null 2>&1 && return 0
	"$top/scripts/lockdown.sh" | sed 's/^/  /'
	rc=${PIPESTATUS[0]}
	[ "$rc" = "$EX_UNSIGNED" ] && exit "$EX_UNSIGNED"
	die 1 "scripts/lockdown.sh failed (exit $rc)"
}

# key_rejected: the kernel refused memdesc.ko's signature in this load.
key_rejected()
{
	dmesg 2>/dev/null | tail -n "+$((dmesg_from + 1))" |
		grep -qE 'Lockdown: .*unsigned module loading is restricted|Loading of module with unavailable key is rejected'
}

key_rejected_steps()
{
	local cert

	cert=$(mok_pair) && cert=${cert#* }
	cat >&2 <<EOF
load.sh: the kernel refused memdesc.ko's signature: the key it is signed
with is not one the kernel trusts (lockdown: $lockdown).  Enroll it:
  1. mokutil --import ${cert:-/var/lib/dkms/mok.pub}   (choose a one-time password)
  2. Reboot; in MokManager choose "Enroll MOK", "Continue", "Yes", type
     the password, and boot.
  3. Run this script again.  "mokutil --test-key CERT" says whether a key
     is enrolled.
EOF
	exit "$EX_KEY_REJECTED"
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
	check_lockdown_early
	build
	check_params "$@"
	check_lockdown
	if is_loaded; then
		rmmod memdesc ||
			die 1 "cannot unload the loaded memdesc (is a debugfs file open?)"
		echo "unloaded the previous memdesc"
	fi
	# Kernel messages of this load only: those after the current last line.
	dmesg_from=$(dmesg 2>/dev/null | wc -l)
	if ! insmod "$ko" "$@"; then
		kernel_messages >&2
		key_rejected && key_rejected_steps
		die 1 "insmod $ko $* failed"
	fi
	summary
	if [[ $lockdown == @(integrity|confidentiality) ]]; then
		echo "kernel lockdown ($lockdown): pfn and control cannot be opened; pfn_at and memdesc-stat pfn PFN read one PFN without them"
	fi
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
