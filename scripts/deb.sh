#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh - build the Debian packages memdesc-dkms and memdesc-tools (make deb)
# into .cache/deb/, and print their paths.
#
# dpkg-buildpackage writes beside the tree it builds, so it builds a copy:
# the files git tracks or does not ignore (or, outside git, the tree
# without .cache and .git)
# in .cache/deb/memdesc-VERSION.  Needs debhelper, dh-dkms and the tool's
# build dependencies (make deps).

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/.cache/deb
version=$(make -s --no-print-directory -C "$top" version)
src=$out/memdesc-$version

rm -rf "$out"
mkdir -p "$src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$top" ls-files -z --cached --others --exclude-standard | (cd "$top" && xargs -0 cp --parents -t "$src")
else
	tar -C "$top" --exclude=./.cache --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed: $out/build.log" >&2
	exit 1
}
rm -rf "$src"
ls "$out"/*.deb
