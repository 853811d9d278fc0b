#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install every Debian package memdesc needs to build, test and
# run its VM suite (make deps).  Idempotent: installs only what is missing,
# and runs apt-get update only when something is.
#
# Both target kernels come with their headers: linux-image-amd64 (6.1, the
# stock Debian 12 kernel) and linux-image-6.12-amd64, and so do their
# PREEMPT_RT builds (linux-image-rt-amd64, linux-image-6.12-rt-amd64): the
# VM suite runs on every installed kernel.  stress-ng loads the guest in
# tests/vm/memdesc_stress_test.c.  socat carries the topology guest's
# memory requests to QEMU's monitor (tests/vm/run.sh --topology).
# prometheus brings promtool, which checks memdesc-stat metrics; systemd,
# systemd-analyze, which checks its service and timer; tmux, the terminal
# memdesc-stat top is tested in.  debhelper, dh-dkms, lintian and
# build-essential (which dpkg-buildpackage checks for) build and
# check the Debian packages (make deb).  flex, bison, bc and libelf-dev build the
# debug tier's kernel from linux-source-6.12 (make check-debug).  clang-14
# and libclang-rt-14-dev (libFuzzer, ASan, UBSan) build memdesc-stat's fuzz
# targets (tests/fuzz/, the fuzz step of make check).
# libnuma-dev, libcap-dev and liburing-dev bring the static libraries the
# kernel's mm selftests link (tests/selftests/build.sh builds them static
# for the guest).  graphviz draws docs/layers.svg (make docs).  acpica-tools
# (iasl) builds the slow DSDT of tests/vm/boot-faults.sh.

set -eu

packages="
make gcc libc6-dev linux-libc-dev perl xz-utils gzip cpio kmod
qemu-system-x86 busybox-static
dkms sparse
libpng-dev zlib1g-dev jq prometheus systemd tmux
debhelper dh-dkms lintian build-essential
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-image-rt-amd64 linux-headers-rt-amd64
linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64
stress-ng socat
linux-source-6.12 flex bison bc libelf-dev
clang-14 libclang-rt-14-dev
libnuma-dev libcap-dev liburing-dev
graphviz acpica-tools
"

missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install:$missing" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
