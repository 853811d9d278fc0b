# SPDX-License-Identifier: GPL-2.0
#
# ko.sh - kernel module files (sourced, not run).
#
# ko_cat FILE		FILE's module on standard output, decompressed as
#			its name says (.xz, .zst, .gz), as Debian's kernels
#			and DKMS compress them

ko_cat()
{
	case $1 in
	*.xz)	xz -dc "$1" ;;
	*.zst)	zstd -qdc "$1" ;;
	*.gz)	gzip -dc "$1" ;;
	*)	cat "$1" ;;
	esac
}
