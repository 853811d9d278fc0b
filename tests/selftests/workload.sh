#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# workload.sh DIR [BUDGET] - run the kernel's own mm selftests, built by
# build.sh into DIR, as workload inside the guest (busybox sh, as root).
#
# They are memdesc's workload, not its tests: a program that fails, skips
# or times out is only reported.  Each runs with the arguments
# run_vmtests.sh gives it, made smaller where the guest is emulated
# (QEMU TCG runs 10 to 30 times slower than the host), under its own
# timeout, and the whole run under BUDGET seconds (default 240): once it
# is spent the programs left are skipped, the core ones (userfaultfd,
# khugepaged, soft offline and hwpoison, cow, gup_longterm, KSM, mremap,
# soft-dirty, mlock, compaction) coming first.
#
# Setup, as run_vmtests.sh does it: 128 huge pages (256 MiB, what
# hugepage-mmap and hugepage-shm map; 1 for the two hugetlb race tests),
# a hugetlbfs mount, THP "always", and the sysctls single programs need.
# Everything changed is written back at the end, nr_hugepages first, so
# that the huge pages go back to the buddy allocator; so are the THP and
# KSM settings a program killed by its timeout could not restore itself.
#
# Prints "workload PROGRAM [ARGS]: pass|fail (rc N)|skip|timeout" for
# each run, with the end of its output as "#" lines when it did not pass,
# then a count.  Each program's output is in LOGS (default
# /tmp/workload), which is also the directory they run in, and how long
# each took in LOGS/times.  Exits non-zero only when the setup failed.

dir=${1:?usage: workload.sh DIR [BUDGET]}
budget=${2:-240}
logs=${WORKLOAD_LOGS:-/tmp/workload}
hugepages=128
thp=/sys/kernel/mm/transparent_hugepage
ksm=/sys/kernel/mm/ksm
vm=/proc/sys/vm

dir=$(cd "$dir" && pwd) || exit 1
rm -rf "$logs"
mkdir -p "$logs/huge" || exit 1
saved=$logs/saved
: >"$saved"
start=$(date +%s)
npass=0 nfail=0 nskip=0 ntimeout=0
setup_failed=
wrap=

setup_error()
{
	echo "workload: setup: $*"
	setup_failed=1
}

# save FILE: remember FILE's value (the selected word of a THP mode list)
# to write it back at the end.
save()
{
	[ -e "$1" ] || return 0
	v=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$1")
	[ -n "$v" ] || v=$(cat "$1")
	echo "$1 $v" >>"$saved"
}

# put FILE VALUE: save FILE, then write VALUE to it.
put()
{
	[ -e "$1" ] || return 1
	grep -q "^$1 " "$saved" || save "$1"
	echo "$2" >"$1"
}

# hugepages N: set nr_hugepages, compacting first so that N can be had.
hugepages()
{
	echo 3 >$vm/drop_caches
	[ -e $vm/compact_memory ] && echo 1 >$vm/compact_memory
	put $vm/nr_hugepages "$1" || setup_error "cannot write nr_hugepages"
	got=$(cat $vm/nr_hugepages)
	[ "$got" -ge "$1" ] || echo "# workload: only $got of $1 huge pages"
}

# result LABEL STATUS [WHY]
result()
{
	echo "workload $1: $2"
	[ -n "${3:-}" ] && echo "#   $3"
	case $2 in
	pass)		npass=$((npass + 1)) ;;
	skip)		nskip=$((nskip + 1)) ;;
	timeout)	ntimeout=$((ntimeout + 1)) ;;
	*)		nfail=$((nfail + 1)) ;;
	esac
}

# skip PROGRAM [ARGS...] -- WHY: report a run not made.
skip()
{
	label=
	while [ "$1" != "--" ]; do
		label="$label${label:+ }$1"
		shift
	done
	shift
	result "$label" skip "$*"
}

# reap: kill what a run left behind, such as the children of a program
# its timeout killed: every process running a program from DIR.
reap()
{
	for p in /proc/[0-9]*; do
		case $(readlink "$p/exe" 2>/dev/null) in
		"$dir"/*) kill -9 "${p#/proc/}" 2>/dev/null ;;
		esac
	done
}

# run SECONDS PROGRAM [ARGS...]: run PROGRAM from DIR in LOGS for at most
# SECONDS (cut to what is left of the budget), and report it.
run()
{
	limit=$1
	shift
	label="$*"
	prog=$1
	shift
	if [ ! -x "$dir/$prog" ]; then
		result "$label" skip "not built"
		return
	fi
	now=$(date +%s)
	left=$((budget - (now - start)))
	if [ "$left" -lt 5 ]; then
		result "$label" skip "time budget spent"
		return
	fi
	[ "$limit" -gt "$left" ] && limit=$left
	log=$logs/$(echo "$label" | tr ' /' '__').log
	# shellcheck disable=SC2086	# $wrap is a command prefix
	(cd "$logs" && exec timeout -k 5 "$limit" $wrap "$dir/$prog" "$@") \
		>"$log" 2>&1 </dev/null
	rc=$?
	took=$(($(date +%s) - now))
	reap
	echo "$label: rc $rc in ${took}s" >>"$logs/times"
	if [ "$rc" = 0 ]; then
		result "$label" pass
		return
	elif [ "$rc" = 4 ]; then
		result "$label" skip "$(tail -n 1 "$log")"
		return
	elif [ "$took" -ge "$limit" ] && [ "$rc" -gt 128 ]; then
		result "$label" timeout
	else
		result "$label" "fail (rc $rc)"
	fi
	tail -n 5 "$log" | sed 's/^/#   /'
}

# --- Setup ---

[ -w $vm/nr_hugepages ] || setup_error "no $vm/nr_hugepages (not root?)"
[ -d $thp ] || setup_error "no $thp"
mount -t hugetlbfs none "$logs/huge" ||
	setup_error "cannot mount hugetlbfs on $logs/huge"
for f in $vm/overcommit_memory $vm/enable_soft_offline \
	/proc/sys/kernel/shmmax /proc/sys/kernel/shmall \
	/proc/sys/kernel/yama/ptrace_scope \
	$thp/enabled $thp/defrag $thp/shmem_enabled $thp/use_zero_page \
	$thp/khugepaged/defrag $thp/khugepaged/alloc_sleep_millisecs \
	$thp/khugepaged/scan_sleep_millisecs $thp/khugepaged/pages_to_scan \
	$thp/khugepaged/max_ptes_none $thp/khugepaged/max_ptes_swap \
	$thp/khugepaged/max_ptes_shared \
	"$thp"/hugepages-*/enabled "$thp"/hugepages-*/shmem_enabled; do
	[ -f "$f" ] && save "$f"
done
# KSM's are written back apart: merge_across_nodes changes only after
# run=2 has unmerged every page.
ksm_saved=
for f in max_page_sharing merge_across_nodes sleep_millisecs \
	pages_to_scan stable_node_chains_prune_millisecs use_zero_pages run; do
	[ -f $ksm/$f ] && ksm_saved="$ksm_saved $f=$(cat $ksm/$f)"
done
put $thp/enabled always || setup_error "cannot set THP enabled=always"
hugepages $hugepages
# on-fault-limit must run as a user without CAP_IPC_LOCK.
passwd=
if [ ! -e /etc/passwd ]; then
	mkdir -p /etc && echo 'root:x:0:0:root:/:/bin/sh' >/etc/passwd &&
		passwd=created
fi
if ! grep -q '^nobody:' /etc/passwd 2>/dev/null; then
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd &&
		passwd=${passwd:-appended}
fi

if [ -n "$setup_failed" ]; then
	echo "workload: setup failed, nothing run"
else
	# shellcheck disable=SC2012	# our own file names
	echo "# workload: $(ls "$dir" | wc -l) programs in $dir," \
		"budget ${budget}s, logs in $logs"

	# --- The core: what memdesc needs to see ---

	for f in move wp-fork poison zeropage; do
		run 30 uffd-unit-tests -f $f
	done
	# 32 MiB: 16 huge pages for each of the source and destination.
	run 30 uffd-stress anon 16 4
	run 30 uffd-stress hugetlb 32 4
	run 30 uffd-stress hugetlb-private 32 4
	run 30 uffd-stress shmem 16 4
	run 30 uffd-stress shmem-private 16 4
	run 90 khugepaged all:anon
	if [ -e $vm/enable_soft_offline ]; then
		run 30 hugetlb-soft-offline
	else
		skip hugetlb-soft-offline -- "no vm.enable_soft_offline (before 6.11)"
	fi
	run 60 hugetlb-read-hwpoison
	run 90 cow
	run 60 gup_longterm
	run 60 ksm_functional_tests
	run 45 ksm_tests -M -p 10 -l 30
	run 45 mremap_test
	run 20 mremap_dontunmap
	run 30 soft-dirty
	run 30 mlock2-tests
	# It fills 80% of free memory with locked pages, frees every other
	# one and asks for huge pages: the allocator's compaction path.
	put $vm/nr_hugepages 0
	run 120 compaction_test
	hugepages $hugepages

	# --- hugetlb ---

	run 45 hugepage-mmap
	put /proc/sys/kernel/shmmax 268435456
	put /proc/sys/kernel/shmall 4194304
	run 45 hugepage-shm
	run 30 map_hugetlb 64
	run 30 hugepage-mremap 16
	run 20 hugepage-vmemmap
	run 30 hugetlb-madvise
	run 30 hugetlb_dio
	run 30 thuge-gen
	run 30 write_to_hugetlbfs -p "$logs/huge/file" -s 16777216 -m 0 -o -w
	rm -f "$logs/huge/file"
	# These two race for the only free huge page there is.
	put $vm/nr_hugepages 1
	run 30 hugetlb_fault_after_madv
	run 30 hugetlb_madv_vs_map
	put $vm/nr_hugepages $hugepages

	# --- THP, KSM, migration ---

	run 60 migration -t private_anon_thp
	run 60 split_huge_page_test
	run 30 transhuge-stress -d 10 64
	run 30 ksm_tests -U -l 30
	run 30 ksm_tests -Z -p 10 -z 0 -l 30
	run 30 ksm_tests -Z -p 10 -z 1 -l 30
	run 30 ksm_tests -N -m 1 -l 30
	run 30 ksm_tests -N -m 0 -l 30
	run 30 ksm_tests -P -s 10 -l 30
	run 30 ksm_tests -H -s 10 -l 30
	run 60 khugepaged madvise:shmem

	# --- The rest of mm's selftests ---

	run 30 mlock-random-test
	wrap="su -s /bin/sh nobody -c"
	run 15 on-fault-limit
	wrap=
	run 30 madv_populate
	run 15 map_populate
	run 30 mrelease_test
	run 30 mkdirty
	run 45 pagemap_ioctl
	put /proc/sys/kernel/yama/ptrace_scope 0
	run 15 memfd_secret
	run 15 droppable
	run 15 mseal_test
	run 15 seal_elf
	run 15 mdwe_test
	run 15 map_fixed_noreplace
	run 30 protection_keys_64
	run 30 pkey_sighandler_tests_64
	put $vm/overcommit_memory 1
	run 45 virtual_address_range
	if grep -qw la57 /proc/cpuinfo; then
		run 15 va_high_addr_switch
	else
		skip va_high_addr_switch -- "no 5-level paging (la57)"
	fi
	if [ -e /sys/kernel/debug/gup_test ]; then
		run 30 gup_test -u
		run 30 gup_test -a
	else
		skip gup_test -- "no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST)"
	fi
	if [ -e /dev/hmm_dmirror0 ]; then
		run 60 hmm-tests
	else
		skip hmm-tests -- "no /dev/hmm_dmirror0 (test_hmm module)"
	fi
fi

# --- Restore, huge pages first ---

# shellcheck disable=SC2162	# the values have no backslashes
tac "$saved" | while read f v; do
	echo "$v" >"$f" || echo "# workload: restore: cannot write $v to $f"
done
# Huge pages still mapped (a killed program's shm segment) stay as
# surplus pages: say so, they are not back in the buddy allocator.
want=$(sed -n "s|^$vm/nr_hugepages ||p" "$saved")
got=$(cat $vm/nr_hugepages)
[ "$got" = "$want" ] ||
	echo "# workload: restore: nr_hugepages is $got, not $want (pages in use)"
if [ -n "$ksm_saved" ]; then
	echo 2 >$ksm/run
	for kv in $ksm_saved; do
		echo "${kv#*=}" >"$ksm/${kv%%=*}" ||
			echo "# workload: restore: cannot write $kv to $ksm"
	done
fi
umount "$logs/huge" 2>/dev/null
case $passwd in
created)	rm -f /etc/passwd ;;
appended)	sed -i '/^nobody:x:65534:/d' /etc/passwd ;;
esac

echo "# workload: $npass pass, $nfail fail, $nskip skip, $ntimeout timeout" \
	"in $(($(date +%s) - start))s"
[ -z "$setup_failed" ]
