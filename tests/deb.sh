#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh - the Debian packages, as TAP (make check, step deb).
#
# make deb builds memdesc-dkms and memdesc-tools; lintian must find no error
# and no warning in either.  apt-get installs both, and DKMS builds the
# module for every installed kernel (scripts/kernels.sh).  One kernel boots
# in QEMU with the module DKMS built, not one make built, for the basic
# load, files, compare and unload tests.  apt-get purge then removes both,
# and nothing may be left: no DKMS tree, no module file, no source, no tool.
# Module signing is pointed at a file that does not exist, as in
# tests/dkms.sh, so that DKMS makes no MOK key pair in /var/lib/dkms.
#
# Needs root (apt-get, dkms); the packages are purged on any exit.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/lib/ko.sh
. "$top/tests/lib/ko.sh"
cd "$top" || exit 1

echo "TAP version 13"
if [ "$(id -u)" -ne 0 ]; then
	echo "not ok 1 deb: installing packages needs root"
	echo "1..1"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memdesc-deb.XXXXXX") || exit 1
log=$tmp/log
export sign_file=$tmp/no-sign-file
export mok_signing_key=$tmp/no-mok.key
export mok_certificate=$tmp/no-mok.pub
export DEBIAN_FRONTEND=noninteractive
kernels=${MEMDESC_KERNELS:-$(scripts/kernels.sh)}
version=$(make -s --no-print-directory version)

# leftovers: every file of either package that may outlive a purge.
leftovers()
{
	find /usr/src /var/lib/dkms /lib/modules -maxdepth 4 \
		-name '*memdesc*' 2>/dev/null
	ls -d /usr/bin/memdesc-stat /usr/share/man/man1/memdesc-stat.1.gz \
	      /usr/share/man/man4/memdesc.4.gz \
	      /usr/share/bash-completion/completions/memdesc-stat \
	      /lib/systemd/system/memdesc-metrics.* \
	      /usr/share/doc/memdesc-* 2>/dev/null
	dpkg-query -W -f='${Package} ${Status}\n' 'memdesc-*' 2>/dev/null |
		grep -v 'not-installed$'
}

purge()
{
	apt-get purge -y -q memdesc-dkms memdesc-tools \
		>"$tmp/purge.log" 2>&1
}
trap 'purge; rm -rf "$tmp"' EXIT

dkms_before=$(ls -A /var/lib/dkms 2>&1)
before=$(leftovers)
[ -z "$before" ]
result $? "no memdesc package or file installed before"
[ -z "$before" ] || sed "s/^/#   /" <<< "$before"

# === Build ===

make -s deb >"$log" 2>&1
rc=$?
result $rc "make deb"
[ $rc = 0 ] || { comment_tail "$log"; echo "1..$n"; exit 0; }
debs=(.cache/deb/memdesc-dkms_"${version}"_all.deb
      .cache/deb/memdesc-tools_"${version}"_amd64.deb)
ls "${debs[@]}" >"$log" 2>&1
result $? "make deb: memdesc-dkms and memdesc-tools $version"
comment "$log"

lintian --fail-on error,warning "${debs[@]}" >"$log" 2>&1
result $? "lintian: no error and no warning in either package"
grep -v 'root privileges' "$log" | sed 's/^/#   /'

changelog=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "$changelog" = "$version" ]
result $? "debian/changelog's version is the Makefile's ($changelog, $version)"

# === Install ===

apt-get install -y -q "${debs[@]/#/./}" >"$log" 2>&1
rc=$?
result $rc "apt-get install ./memdesc-dkms_*.deb ./memdesc-tools_*.deb"
[ $rc = 0 ] || comment_tail "$log"

conf_version=$(bash -c '. "$1" && echo "$PACKAGE_VERSION"' _ \
	"/usr/src/memdesc-$version/dkms.conf" 2>&1)
tool_version=$(memdesc-stat --version 2>&1)
[ "$conf_version" = "$version" ] &&
	[ "$tool_version" = "memdesc-stat $version" ]
result $? "installed dkms.conf and memdesc-stat --version say $version ('$conf_version', '$tool_version')"

# The module DKMS built for KVER, decompressed if DKMS compressed it as the
# kernel's own modules are.
dkms_ko()
{
	local k=$1 f

	for f in "/lib/modules/$k/updates/dkms/memdesc.ko"{,.xz,.zst,.gz}; do
		[ -f "$f" ] || continue
		ko_cat "$f"
		return
	done
	return 1
}

for k in $kernels; do
	dkms status "memdesc/$version" -k "$k" 2>&1 | grep -q ': installed' &&
		dkms_ko "$k" >"$tmp/memdesc-$k.ko" &&
		modinfo -F vermagic "$tmp/memdesc-$k.ko" | grep -q "^$k "
	result $? "DKMS built and installed memdesc $version for $k"
done

[ -x /usr/bin/memdesc-stat ] &&
	man -w memdesc-stat >/dev/null 2>&1 &&
	man -w 4 memdesc >/dev/null 2>&1 &&
	[ -f /usr/share/bash-completion/completions/memdesc-stat ] &&
	[ -f /lib/systemd/system/memdesc-metrics.timer ] &&
	! systemctl is-enabled memdesc-metrics.timer >/dev/null 2>&1
result $? "memdesc-tools: the tool, memdesc-stat(1), memdesc(4), completion, and the timer not enabled"

# === One boot with the module DKMS built ===

kver=$(echo "$kernels" | tr ' ' '\n' | grep -v -- '-rt-' | tail -n 1)
if [ -z "$kver" ] || [ ! -s "$tmp/memdesc-$kver.ko" ]; then
	result 1 "boot with the DKMS module: no stock kernel with a DKMS module"
else
	MEMDESC_VM_KO=$tmp/memdesc-$kver.ko \
	MEMDESC_VM_TESTS="memdesc_test:-r,load.load_unload,-r,memdesc.files_parse,-r,memdesc.compare_after_load,-r,unload.after_use" \
		tests/vm/run.sh "$kver" >"$log" 2>&1
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	grep -q "using $tmp/memdesc-$kver.ko" "$log" &&
		grep -q "memdesc.compare_after_load" "$log" &&
		[ "$f" = 0 ] && [ "$p" -gt 0 ]
	result $? "$kver boots with the DKMS module: load, files, compare, unload ($p passed, $f failed)"
	[ "$f" = 0 ] || grep -E '^not ok|^#   #' "$log" | head -n 40
fi

# === Purge ===

purge
rc=$?
result $rc "apt-get purge memdesc-dkms memdesc-tools"
[ $rc = 0 ] || comment_tail "$tmp/purge.log"
after=$(leftovers)
[ -z "$after" ] && [ "$(ls -A /var/lib/dkms 2>&1)" = "$dkms_before" ]
result $? "nothing left: no DKMS tree, module, source, tool, man page or unit, no key in /var/lib/dkms"
[ -z "$after" ] || sed "s/^/#   /" <<< "$after"

echo "1..$n"
