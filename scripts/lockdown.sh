#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lockdown.sh - may this kernel load MODULE.ko as it is signed (or not)?
#
#   scripts/lockdown.sh [MODULE.ko]
#
# Reads the kernel lockdown level (/sys/kernel/security/lockdown), the
# Secure Boot state (the SecureBoot EFI variable) and module.sig_enforce,
# and whether MODULE.ko carries a signature.  Prints what it found, one
# "name: value" line each, then what that means for memdesc.  Without
# MODULE.ko the question is whether the kernel loads unsigned modules at
# all: load.sh asks it before building one it would have no key to sign.
#
# Debian's kernels lock themselves down to "integrity" when booted with
# UEFI Secure Boot.  Lockdown then refuses a module without a signature
# from a key the kernel trusts (its own, or a machine-owner key (MOK)
# enrolled through shim) with a bare EPERM, and refuses to open any debugfs
# file that is writable, even for reading: memdesc's "pfn" and "control".
# "confidentiality" refuses the same for memdesc's files, and tracefs too;
# memdesc's read-only files stay readable under both (measured on 6.1 and
# 6.12: tests/vm/memdesc_lockdown_test.c).
#
# MEMDESC_LOCKDOWN and MEMDESC_SIG_ENFORCE name other files to read the
# level and sig_enforce from (the tests use them).
#
# Exit codes: 0 the kernel will take MODULE.ko as far as signing goes
# (whether its key is enrolled only insmod can tell), 2 usage, 5 the kernel
# loads only signed modules and MODULE.ko is unsigned (without MODULE.ko:
# the kernel loads only signed modules): the steps to sign it go to
# stderr.
#
# POSIX sh and busybox: the VM tests run it in their guests.

EX_UNSIGNED=5
MOK_KEY=/var/lib/dkms/mok.key
MOK_CERT=/var/lib/dkms/mok.pub
# The tests point these elsewhere, as memdesc-stat's MEMDESC_LOCKDOWN.
LOCKDOWN=${MEMDESC_LOCKDOWN:-/sys/kernel/security/lockdown}
SIG_ENFORCE=${MEMDESC_SIG_ENFORCE:-/sys/module/module/parameters/sig_enforce}
SECURE_BOOT=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
SIG_MAGIC='~Module signature appended~'

# lockdown_level: "none", "integrity", "confidentiality", or "unknown" when
# the lockdown LSM is not there to ask.
lockdown_level()
{
	if [ ! -e "$LOCKDOWN" ] && [ -d /sys/kernel/security/ ] &&
	   ! grep -qs ' /sys/kernel/security securityfs ' /proc/mounts; then
		mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	fi
	# The file reads "none [integrity] confidentiality": the bracketed one.
	sed -n 's/.*\[\([a-z]*\)\].*/\1/p' "$LOCKDOWN" 2>/dev/null | grep . ||
		echo unknown
}

# secure_boot: "on", "off", "no EFI (BIOS boot)" or "unknown".  The
# variable's first four bytes are its attributes; the fifth is 1 when on.
secure_boot()
{
	byte=
	if [ ! -d /sys/firmware/efi ]; then
		echo "no EFI (BIOS boot)"
		return
	fi
	[ -r "$SECURE_BOOT" ] &&
		byte=$(od -An -tu1 -j4 -N1 "$SECURE_BOOT" 2>/dev/null |
			     tr -d ' ')
	case $byte in
	1)	echo on ;;
	0)	echo off ;;
	*)	echo "unknown (no SecureBoot variable in efivarfs)" ;;
	esac
}

# is_signed KO: KO ends with the appended-signature marker that
# scripts/sign-file writes (the kernel's MODULE_SIG_STRING).
is_signed()
{
	[ "$(tail -c 28 "$1" 2>/dev/null)" = "$SIG_MAGIC" ]
}

# unsigned_steps REASON: how to get a signed module onto this machine.
unsigned_steps()
{
	if [ -n "$ko" ]; then
		echo "lockdown.sh: $1, and $ko is unsigned." >&2
	else
		echo "lockdown.sh: $1: an unsigned memdesc.ko would be refused." >&2
	fi
	cat >&2 <<EOF
Sign it with a machine-owner key (MOK) that the firmware's shim trusts:
  1. Create the key, once; the DKMS route makes the same one on its first
     build (make deb, or dkms install, signs with it):
       openssl req -new -x509 -nodes -days 36500 -subj "/CN=DKMS module signing key" \\
         -newkey rsa:2048 -keyout $MOK_KEY -outform DER -out $MOK_CERT
  2. Ask shim to enroll it, choosing a one-time password:
       mokutil --import $MOK_CERT
  3. Reboot; in the blue MokManager screen choose "Enroll MOK", "Continue",
     "Yes", type the password, and boot.
  4. Load again: scripts/load.sh signs memdesc.ko with that key and
     loads it, or install through DKMS (docs/install.md, "Secure Boot").
EOF
}

if [ $# -gt 1 ] || { [ $# -eq 1 ] && [ ! -f "$1" ]; }; then
	echo "usage: lockdown.sh [MODULE.ko]" >&2
	exit 2
fi
ko=${1:-}

level=$(lockdown_level)
enforce=$(cat "$SIG_ENFORCE" 2>/dev/null)
if [ -z "$ko" ]; then
	signed=unsigned		# what the kernel must be asked about
elif is_signed "$ko"; then
	signed=signed
else
	signed=unsigned
fi
echo "lockdown: $level"
echo "secure boot: $(secure_boot)"
echo "sig_enforce: ${enforce:-unknown}"
[ -n "$ko" ] && echo "module: $signed"

case $level in
integrity|confidentiality)
	echo "memdesc under lockdown ($level): only signed modules load; the read-only debugfs files work; pfn and control are refused (use pfn_at)"
	if [ "$signed" = unsigned ]; then
		unsigned_steps "kernel lockdown ($level) loads only signed modules"
		exit $EX_UNSIGNED
	fi
	;;
esac
if [ "$enforce" = Y ] && [ "$signed" = unsigned ]; then
	unsigned_steps "this kernel enforces module signatures (module.sig_enforce)"
	exit $EX_UNSIGNED
fi
exit 0
