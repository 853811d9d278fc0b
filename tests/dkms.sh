#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh - dkms add + build of this tree for every kernel, as TAP.
#
# Everything happens in a private DKMS setup under a temporary directory:
# --dkmstree, --sourcetree and --installtree point there and TMPDIR too, so
# /var/lib/dkms, /usr/src and /lib/modules are not touched (checked at the
# end).
#
# Signing is as on a Secure Boot machine: Debian's dkms signs every module
# it builds with a machine-owner key (MOK), /var/lib/dkms/mok.key and
# mok.pub, which it creates on first use.  Here that pair is pointed into
# the temporary directory (mok_signing_key and mok_certificate, which dkms
# reads from the environment as from framework.conf): dkms must create it,
# sign each module with it, and the signature must verify against the
# certificate.  scripts/lockdown.sh must then let the signed module
# through under lockdown and refuse an unsigned build.
#
# Kernels come from scripts/kernels.sh, or MEMDESC_KERNELS.  Needs root:
# without it the one result is "not ok", or a skip with
# MEMDESC_ALLOW_NONROOT=1.  Exits non-zero only if it could not run at all.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
kernels=${MEMDESC_KERNELS:-$(cd "$top" && scripts/kernels.sh)}



# system_state: what must be the same before and after.
system_state()
{
	ls -la --time-style=full-iso /var/lib/dkms /usr/src 2>&1
	find /var/lib/dkms /lib/modules -maxdepth 3 -name '*memdesc*' 2>&1
}

# module_split KO PAYLOAD SIG: KO without its appended signature into
# PAYLOAD, and the PKCS#7 signature (DER) into SIG.  The trailer is the
# signature, a 12-byte struct module_signature whose last 4 bytes are the
# signature's length (big-endian), and the 28-byte marker.
module_split()
{
	local size siglen

	size=$(stat -c %s "$1")
	siglen=$(tail -c 32 "$1" | head -c 4 | od -An -tu1 |
		 awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
	head -c $((size - 40 - siglen)) "$1" > "$2"
	tail -c $((40 + siglen)) "$1" | head -c "$siglen" > "$3"
}

# check_signed KVER KO: dkms signed KO with the MOK it made, and the
# signature verifies against the MOK's certificate; lockdown.sh lets it
# through under lockdown=integrity.
check_signed()
{
	local k=$1 ko=$2 signer

	if [ -z "$ko" ] || [ ! -f "$mok_signing_key" ] ||
	   [ ! -f "$mok_certificate" ]; then
		result 1 "dkms build -k $k: signed with a MOK it created (no module or no $mok_certificate)"
		return
	fi
	signer=$(modinfo -F signer "$ko" 2>/dev/null)
	# Signed, then compressed as the kernel's own modules are.
	case $ko in
	*.xz)	xz -dc "$ko" > "$tmp/memdesc.ko" ;;
	*.zst)	zstd -qdc "$ko" > "$tmp/memdesc.ko" ;;
	*.gz)	gzip -dc "$ko" > "$tmp/memdesc.ko" ;;
	*)	cp "$ko" "$tmp/memdesc.ko" ;;
	esac
	ko=$tmp/memdesc.ko
	module_split "$ko" "$tmp/payload" "$tmp/sig"
	if openssl x509 -inform DER -in "$mok_certificate" > "$tmp/mok.pem" &&
	   openssl cms -verify -binary -inform DER -in "$tmp/sig" \
		-content "$tmp/payload" -certfile "$tmp/mok.pem" \
		-nointern -noverify -out /dev/null > "$log" 2>&1 &&
	   [ "$signer" = "DKMS module signing key" ]; then
		result 0 "dkms build -k $k: signed by '$signer', verified against $(basename "$mok_certificate")"
	else
		result 1 "dkms build -k $k: signed by the MOK (signer '$signer', verification below)"
		comment "$log"
	fi
	MEMDESC_LOCKDOWN=$tmp/lockdown-integrity \
		MEMDESC_SIG_ENFORCE=$tmp/sig-enforce-n \
		"$top/scripts/lockdown.sh" "$ko" > "$log" 2>&1
	result $? "lockdown.sh: the signed module passes under lockdown=integrity"
	comment "$log"
	cp "$tmp/payload" "$tmp/unsigned.ko"
	MEMDESC_LOCKDOWN=$tmp/lockdown-integrity \
		MEMDESC_SIG_ENFORCE=$tmp/sig-enforce-n \
		"$top/scripts/lockdown.sh" "$tmp/unsigned.ko" > "$log" 2>&1
	[ $? -eq 5 ] && grep -q 'mokutil --import' "$log"
	result $? "lockdown.sh: the same module unsigned is refused (exit 5, with the steps)"
	comment "$log"
}

echo "TAP version 13"

# make check runs as root (make deps, the VM tests), so a run without root
# is a broken setup and fails; someone who runs this unprivileged on
# purpose says so with MEMDESC_ALLOW_NONROOT=1 and gets a skip.
if [ "$(id -u)" -ne 0 ]; then
	if [ "${MEMDESC_ALLOW_NONROOT:-0}" = 1 ]; then
		echo "ok 1 dkms # SKIP dkms add needs root (MEMDESC_ALLOW_NONROOT=1)"
	else
		echo "not ok 1 dkms: dkms add needs root (MEMDESC_ALLOW_NONROOT=1 to skip)"
	fi
	echo "1..1"
	exit 0
fi
if ! command -v dkms >/dev/null; then
	result 1 "dkms installed (make deps)"
	echo "1..$n"
	exit 0
fi
if [ -z "$kernels" ]; then
	result 1 "a kernel with headers to build for (make deps)"
	echo "1..$n"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memdesc-dkms.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/dkms" "$tmp/src" "$tmp/lib" "$tmp/tmp" "$tmp/fake"
log=$tmp/log
before=$(system_state)

export TMPDIR=$tmp/tmp
export mok_signing_key=$tmp/mok.key
export mok_certificate=$tmp/mok.pub
trees=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/src"
       --installtree "$tmp/lib")
echo "none [integrity] confidentiality" > "$tmp/lockdown-integrity"
echo N > "$tmp/sig-enforce-n"

# --- lockdown.sh, asked about the kernel alone ------------------------------

# lockdown_case DESC WANT LEVEL-LINE SIG_ENFORCE: lockdown.sh without a
# module, reading those files, exits WANT.
lockdown_case()
{
	echo "$3" > "$tmp/lockdown-case"
	echo "$4" > "$tmp/sig-enforce-case"
	MEMDESC_LOCKDOWN=$tmp/lockdown-case \
		MEMDESC_SIG_ENFORCE=$tmp/sig-enforce-case \
		"$top/scripts/lockdown.sh" > "$log" 2>&1
	local rc=$?
	[ "$rc" = "$2" ]
	result $? "lockdown.sh: $1 (exit $rc, want $2)"
	[ "$rc" = "$2" ] || comment "$log"
}
lockdown_case "no lockdown: unsigned modules load" 0 \
	"[none] integrity confidentiality" N
lockdown_case "integrity: only signed modules load" 5 \
	"none [integrity] confidentiality" N
lockdown_case "confidentiality: only signed modules load" 5 \
	"none integrity [confidentiality]" N
lockdown_case "module.sig_enforce without lockdown: only signed" 5 \
	"[none] integrity confidentiality" Y

# --- dkms.conf ---------------------------------------------------------------

# The version dkms sees is the Makefile's, through dkms.conf's own reading.
mk_version=$(make -s -C "$top" version 2>/dev/null)
conf_version=$(cd / && bash -c '. "$1" && echo "$PACKAGE_VERSION"' _ \
	       "$top/dkms.conf" 2>&1)
if [ -n "$mk_version" ] && [ "$conf_version" = "$mk_version" ]; then
	result 0 "dkms.conf PACKAGE_VERSION is the Makefile's MEMDESC_VERSION ($mk_version)"
else
	result 1 "dkms.conf PACKAGE_VERSION '$conf_version' is the Makefile's MEMDESC_VERSION '$mk_version'"
fi
version=$conf_version

# --- add ---------------------------------------------------------------------

dkms add "${trees[@]}" "$top" > "$log" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ -f "$tmp/src/memdesc-$version/dkms.conf" ] &&
	[ -L "$tmp/dkms/memdesc/$version/source" ]
added=$?
result $added "dkms add of this tree as memdesc/$version"
[ "$added" -eq 0 ] || comment_tail "$log"

# --- build, per kernel -------------------------------------------------------

for k in $kernels; do
	if [ "$added" -ne 0 ]; then
		result 1 "dkms build -k $k (not added)"
		continue
	fi
	dkms build "${trees[@]}" -m memdesc -v "$version" -k "$k" \
		> "$log" 2>&1
	rc=$?
	ko=$(find "$tmp/dkms/memdesc/$version/$k" -path '*/module/memdesc.ko*' \
	     2>/dev/null | head -n 1)
	vermagic=
	[ -n "$ko" ] && vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null | sed "s/ *$//")
	case $vermagic in
	"$k "*)	ok=0 ;;
	*)	ok=1 ;;
	esac
	if [ "$rc" -eq 0 ] && [ "$ok" -eq 0 ]; then
		result 0 "dkms build -k $k: ${ko##*/}, vermagic $vermagic"
	else
		result 1 "dkms build -k $k (exit $rc, module '${ko##*/}', vermagic '$vermagic')"
		comment_tail "$log"
		comment_tail "$tmp/dkms/memdesc/$version/build/make.log"
	fi
	check_signed "$k" "$ko"
done

# --- refusal: BUILD_EXCLUSIVE_CONFIG -----------------------------------------

# A kernel "source dir" whose .config lacks the option: dkms must refuse it
# (exit 77) before building anything.
for opt in CONFIG_TRACEPOINTS CONFIG_DEBUG_FS; do
	fake=$tmp/fake/$opt
	k=$(echo "$kernels" | head -n 1)
	mkdir -p "$fake/include"
	grep -v "^$opt=" "/lib/modules/$k/build/.config" > "$fake/.config"
	dkms build "${trees[@]}" -m memdesc -v "$version" \
		-k "0.0.0-memdesc-no-$opt" --kernelsourcedir "$fake" \
		> "$log" 2>&1
	rc=$?
	if [ "$rc" -eq 77 ]; then
		result 0 "dkms refuses a kernel without $opt (exit 77)"
	else
		result 1 "dkms refuses a kernel without $opt (exit $rc, want 77)"
		comment_tail "$log"
	fi
done

# --- clean up ----------------------------------------------------------------

dkms remove "${trees[@]}" -m memdesc -v "$version" --all > "$log" 2>&1
rc=$?
find "$tmp/dkms" -mindepth 1 > "$tmp/left" 2>&1
[ "$rc" -eq 0 ] && [ ! -s "$tmp/left" ]
result $? "dkms remove --all empties the private dkms tree"
comment_tail "$tmp/left"
[ "$rc" -eq 0 ] || comment_tail "$log"

after=$(system_state)
if [ "$before" = "$after" ]; then
	result 0 "/var/lib/dkms, /usr/src and /lib/modules untouched"
else
	result 1 "/var/lib/dkms, /usr/src and /lib/modules untouched"
	diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'
fi

echo "1..$n"
exit 0
