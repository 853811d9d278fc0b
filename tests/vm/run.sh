#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh KVER | --kdir DIR [--demo | --bench | --boot-only | --topology]
#	 [--mem SIZE] [--nodes N] [--cpus N] [--gbpages] - memdesc.ko in QEMU.
#
# Builds memdesc.ko for KVER and the static guest programs (and, to test,
# memdesc_truth.ko from tests/truth/), packs them with busybox into an
# initramfs, boots /boot/vmlinuz-KVER under TCG with two NUMA
# nodes (one vCPU each), and turns what the guest prints on its serial
# console into TAP.  --kdir DIR boots a kernel built in DIR instead
# (DIR/arch/x86/boot/bzImage, modules built against DIR; the debug tier,
# tests/debug/run.sh), named by its kernelrelease.  The TAP lines:
#
#   ok N KVER: guest ...            boot, NUMA, suite complete, end reached
#   ok N KVER: <fixture>.<test>     one per guest test, renumbered; the
#                                   guest runs memdesc_test, then
#                                   memdesc_truth_test, memdesc_tool_test,
#                                   memdesc_stress_test and memdesc_swap_test
#   ok N KVER: kernel log clean     no WARNING/BUG/Oops/... in the guest dmesg
#
# Tests and the demo get swap and a balloon: the kernel's own zram and
# virtio_balloon modules with what they need (copied in, decompressed, their
# guest paths in load order one a line in /etc/memdesc-swap.modules; the
# guest loads them itself), a virtio-balloon-pci device (id balloon0, no
# deflate-on-oom, no free page reporting), and QEMU's monitor on a unix
# socket.  The guest asks for a balloon size by printing "<token> Q balloon
# <n>" on its console, n the MiB the guest should keep, 128 to the guest's
# memory; an agent here checks each request against that whitelist, sends
# it to the monitor (socat) and logs "sent: balloon <n>" (or "refused: ...")
# and then "  balloon actual <n>M", what the monitor's "info balloon" says
# at that moment (the guest gives the memory up later).  "ok N KVER:
# monitor agent" fails only when a request was refused or the monitor
# said anything else; a run may send none.
#
#   --demo        load the module, run a short workload, put some memory
#                 into swap on zram, print summary, compare and stats
#                 instead of running the tests
#   --bench       time faults, the allocator and scans instead of testing
#                 (tests/vm/bench.sh; records kept in .cache/vm/KVER.bench
#                 for scripts/bench.sh; MEMDESC_BENCH_* set its knobs)
#   --boot-only   boot and check the guest only (no module, no tests)
#   --mem SIZE    guest memory (2G, 1536M), split over the nodes; default 2G
#   --nodes N     NUMA nodes, 1 to 8 (default 2): the memory split evenly,
#                 vCPU i on node i, the nodes past the second CPU-less;
#                 the test programs expect 2
#   --cpus N      vCPUs, 1 to 8 (default 2), one socket each: with one node
#                 all on it, else the first half on node 0 and the rest on
#                 node 1 (the nodes past the second stay CPU-less); the test
#                 programs expect 2.  For bench mode (make bench-irqsoff
#                 fills the per-cpu lists of 8 CPUs)
#   --gbpages     a CPU with 1 GiB pages (qemu64,+pdpe1gb; TCG emulates
#                 them), so the guest can allocate 1 GiB hugetlb pages
#   --topology    a guest shaped like a real machine instead, running
#                 tests/vm/memdesc_topology_test: 8 vCPUs (one socket each),
#                 nodes 0 (CPUs 0-3) and 1 (CPUs 4-7) with 3 GiB each, so
#                 RAM lies on both sides of the PCI hole, node 2 with no CPU
#                 and no memory at boot, two virtio-mem devices (vm0 on node
#                 2, up to 2 GiB; vm1 on node 1, up to 1 GiB; both empty at
#                 boot), a CPU with 1 GiB pages (pdpe1gb), and QEMU's monitor
#                 on a unix socket.  The guest loads the kernel's own
#                 virtio-mem modules (copied in, decompressed, listed in
#                 /etc/memdesc-topology.modules as above) and asks for
#                 memory by printing "<token> Q qom-set vmN requested-size
#                 <n>M|G" on its console; the agent checks each request
#                 against that whitelist (no balloon here, nor zram) and
#                 sends it to the monitor, logging "  vmN requested <n>M
#                 plugged <n>M" per device after it.  The guest has nodes
#                 0-1 at boot and 0-2 once vm0 has memory; the TAP lines
#                 say "KVER topology:".  Not with --mem, --demo, --bench or
#                 --boot-only.
#   --selftests   the default guest running the kernel's own
#                 tools/testing/selftests/mm (Debian's linux-source-6.12,
#                 built static by tests/selftests/build.sh into /selftests)
#                 as workload, then tests/vm/memdesc_selftests_test judges
#                 compare after them.  The TAP lines say "KVER selftests:".
#                 Not with --topology, --lockdown or a mode.
#   --lockdown WHEN  kernel lockdown instead, the default guest running
#                 tests/vm/memdesc_lockdown_test: WHEN "boot" boots with
#                 lockdown=integrity, and the test checks that the unsigned
#                 module is refused, by scripts/lockdown.sh (in the guest
#                 as /bin/lockdown.sh) and by the kernel; WHEN "raised"
#                 boots unlocked, loads the module, then raises lockdown to
#                 integrity and to confidentiality and checks what still
#                 opens.  The TAP lines say "KVER lockdown-WHEN:".  Not with
#                 --topology or a mode.
#
# MEMDESC_VM_TIMEOUT (seconds, default 1800) bounds the QEMU run: a bound
# for a hung guest, not a judge of speed (the main test boot takes about
# 1,150 s on a two-core host running a second boot beside it), and
# MEMDESC_VM_TIMEOUT_SCALE (default 1) multiplies every guest test's own
# timeout (tests/vm/memdesc_vm.h: MD_TIMEOUT).
# MEMDESC_VM_CYCLES (default 50) is how many times stress.load_unload_cycles
# loads and unloads the module under load; the debug tier asks for fewer,
# each cycle taking a minute there against seconds on Debian's kernels.
# MEMDESC_VM_ICOUNT=SHIFT runs the guest clock off QEMU's instruction count
# (-icount shift=SHIFT,sleep=off: one instruction is 2^SHIFT ns), so guest
# timings repeat exactly whatever else loads the host; make bench uses it.
# MEMDESC_VM_TESTS="prog ..." runs only those guest programs; a program
# written prog:ARG,ARG... gets those arguments, the harness's filters
# (-t TEST, -f FIXTURE, -r FIXTURE.TEST), e.g.
# MEMDESC_VM_TESTS="memdesc_stress_test:-r,stress.load_alloc_failure".
# MEMDESC_VM_APPEND adds to the guest kernel's command line.
# MEMDESC_VM_EARLY_CPIO=FILE puts an uncompressed cpio before the
# initramfs, which the kernel reads first: an ACPI table under
# kernel/firmware/acpi/ in it replaces the firmware's (both Debian kernels
# have ACPI_TABLE_UPGRADE).  tests/vm/boot-faults.sh boots a DSDT so.
# MEMDESC_VM_IRQ_ROUTING=acpi routes PCI interrupts through ACPI's _PRT
# instead of the BIOS's MP table (acpi=noirq, the default "mptable"): the
# guest's /init fails the boot before any test if a virtio device got no
# interrupt, naming it.
# MEMDESC_VM_FUZZ_CASES sets the cases stress.fuzz_mutate writes to each
# writer (default 50,000).
# MEMDESC_VM_KO=PATH tests a prebuilt module instead of building one, and
# MEMDESC_VM_TRUTH_KO=PATH a prebuilt memdesc_truth.ko.  In test mode a
# second memdesc.ko built as for a kernel whose headers know INVLPGB (no
# vmalloc walk) goes in as /memdesc-nowalk.ko, for memdesc_test.
# MEMDESC_VM_PREV_KO=PATH puts another build of memdesc.ko into the guest
# as /memdesc-prev.ko: make bench measures the previous release beside
# this one.
# The console log of the last run per kernel stays in .cache/vm/KVER.console.log
# (.cache/vm/KVER.topology.console.log for --topology,
# .cache/vm/KVER.bench.console.log for --bench, so that a make check of the
# same kernel running beside make bench does not overwrite it).
# The files memdesc_tool_test sends back for the fuzz targets' seeds (the
# module's reports, zoneinfo, a trimmed layout and shadow, a snapshot) go
# to .cache/vm/KVER.corpus/ (tests/fuzz/run.sh).
# Exits non-zero only when it could not run (and then prints "not ok" too).

set -u

usage()
{
	echo "usage: $0 KVER | --kdir DIR [--demo | --bench | --boot-only | --topology | --selftests | --lockdown boot|raised] [--mem SIZE] [--nodes N] [--cpus N] [--gbpages]" >&2
	exit 2
}

kver=
kdir=
mode='test'
mem=2G
mem_set=
nodes=2
vcpus=2
gbpages=
topology=
selftests=
lockdown=
while [ $# -gt 0 ]; do
	case $1 in
	--demo)		mode=demo ;;
	--bench)	mode=bench ;;
	--boot-only)	mode=boot ;;
	--topology)	topology=1 ;;
	--selftests)	selftests=1 ;;
	--lockdown)	[ $# -ge 2 ] || usage; lockdown=$2; shift ;;
	--lockdown=*)	lockdown=${1#--lockdown=} ;;
	--mem)		[ $# -ge 2 ] || usage; mem=$2; mem_set=1; shift ;;
	--mem=*)	mem=${1#--mem=}; mem_set=1 ;;
	--nodes)	[ $# -ge 2 ] || usage; nodes=$2; shift ;;
	--nodes=*)	nodes=${1#--nodes=} ;;
	--cpus)		[ $# -ge 2 ] || usage; vcpus=$2; shift ;;
	--cpus=*)	vcpus=${1#--cpus=} ;;
	--gbpages)	gbpages=1 ;;
	--kdir)		[ $# -ge 2 ] || usage; kdir=$2; shift ;;
	-*)		usage ;;
	*)		[ -z "$kver" ] || usage; kver=$1 ;;
	esac
	shift
done
if [ -n "$kdir" ]; then
	[ -z "$kver" ] || usage
	kver=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) || {
		echo "run.sh: --kdir $kdir: not a configured kernel build" >&2
		usage
	}
	kernel=$kdir/arch/x86/boot/bzImage
elif [ -n "$kver" ]; then
	kdir=/lib/modules/$kver/build
	kernel=/boot/vmlinuz-$kver
else
	usage
fi
# The topology guest has its own memory layout and only runs tests.
case $nodes in
[1-8])	;;
*)	echo "run.sh: --nodes $nodes: want 1 to 8" >&2; usage ;;
esac
case $vcpus in
[1-8])	;;
*)	echo "run.sh: --cpus $vcpus: want 1 to 8" >&2; usage ;;
esac
if [ -n "$topology" ]; then
	if [ "$mode" != test ] || [ -n "$mem_set" ] || [ "$nodes" != 2 ] ||
	   [ "$vcpus" != 2 ] || [ -n "$gbpages" ]; then
		usage
	fi
	mem=6G
fi
case $lockdown in
''|boot|raised)	;;
*)	echo "run.sh: --lockdown $lockdown: want boot or raised" >&2; usage ;;
esac
if [ -n "$lockdown" ] && { [ "$mode" != test ] || [ -n "$topology" ]; }; then
	usage
fi
if [ -n "$selftests" ] &&
   { [ "$mode" != test ] || [ -n "$topology$lockdown" ]; }; then
	usage
fi
# A boot shaped for one scenario: what the TAP lines and logs call it.
variant=${topology:+topology}
[ -n "$selftests" ] && variant=selftests
[ -n "$lockdown" ] && variant=lockdown-$lockdown
label=$kver${variant:+ $variant}
# Tests and the demo get swap on zram, a balloon and the monitor agent.
swap=
if [ -z "$variant" ] && { [ "$mode" = test ] || [ "$mode" = demo ]; }; then
	swap=1
fi

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/vm
# shellcheck source=tests/lib/ko.sh
. "$top/tests/lib/ko.sh"
timeout_s=${MEMDESC_VM_TIMEOUT:-1800}
timeout_scale=${MEMDESC_VM_TIMEOUT_SCALE:-1}
case $timeout_scale in
''|*[!0-9]*|0)	echo "run.sh: MEMDESC_VM_TIMEOUT_SCALE=$timeout_scale: want a positive integer" >&2
		usage ;;
esac
cycles=${MEMDESC_VM_CYCLES:-50}
case $cycles in
''|*[!0-9]*|0)	echo "run.sh: MEMDESC_VM_CYCLES=$cycles: want a positive integer" >&2
		usage ;;
esac

n=0
failed=0
skipped=0
# result OK|NOTOK TEXT: print the next TAP line.
result()
{
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n $label: $2"
		case $2 in *"# SKIP"*) skipped=$((skipped + 1)) ;; esac
	else
		echo "not ok $n $label: $2"
		failed=$((failed + 1))
	fi
}

# cannot_run WHY: report that this kernel could not be tested, and stop.
cannot_run()
{
	result NOTOK "$1"
	exit 1
}

# size_mib SIZE: 2G, 1536M, 1536 (MiB) -> MiB.
size_mib()
{
	case $1 in
	*[gG])	echo $((${1%[gG]} * 1024)) ;;
	*[mM])	echo $((${1%[mM]})) ;;
	*)	echo $(($1)) ;;
	esac
}

mem_mib=$(size_mib "$mem" 2>/dev/null) || mem_mib=0
if [ "$mem_mib" -lt 256 ]; then
	echo "run.sh: --mem $mem: want a size of at least 256M" >&2
	usage
fi
if [ $((mem_mib / nodes)) -lt 128 ]; then
	echo "run.sh: --mem $mem over $nodes nodes: want at least 128M a node" >&2
	usage
fi

[ -r "$kernel" ] || cannot_run "setup: no readable $kernel"
# socat for the monitor agent, xz for the kernel's modules.
agent_tools=
[ -n "$topology$swap" ] && agent_tools="socat xz"
for tool in qemu-system-x86_64 busybox cpio gzip gcc timeout $agent_tools; do
	command -v "$tool" >/dev/null || cannot_run "setup: $tool not installed"
done
busybox=$(command -v busybox)
if ldd "$busybox" >/dev/null 2>&1; then
	cannot_run "setup: $busybox is not static (install busybox-static)"
fi

cache=$top/.cache/vm
mkdir -p "$cache" || cannot_run "setup: cannot create $cache"
work=$(mktemp -d "$cache/$kver${variant:+.$variant}.XXXXXX") ||
	cannot_run "setup: mktemp"
qemu_pid=
agent_pid=
# shellcheck disable=SC2317	# called from the trap
cleanup()
{
	# timeout(1) passes the signal on to QEMU.
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# === Build ===

root=$work/root
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp} || cannot_run "setup: mkdir"

if [ "$mode" != boot ]; then
	if [ -n "${MEMDESC_VM_KO:-}" ]; then
		ko=$MEMDESC_VM_KO
		echo "# $kver: using $ko (MEMDESC_VM_KO)"
	else
		echo "# $kver: building memdesc.ko"
		if ! ko=$("$top"/scripts/build-module.sh "$kdir" \
			  "$work/build" 2>"$work/build.log") ||
		   [ ! -f "$ko" ]; then
			sed 's/^/# /' "$work/build.log"
			cannot_run "build memdesc.ko"
		fi
	fi
	cp "$ko" "$root/memdesc.ko" || cannot_run "setup: copy $ko"
	# The lockdown boots: a copy signed with a key made here, which
	# the guest's kernel does not trust, as a MOK not yet enrolled.
	if [ -n "$lockdown" ]; then
		cp "$ko" "$root/memdesc-signed.ko" &&
			openssl req -new -x509 -nodes -days 1 -batch \
				-subj "/CN=memdesc test key" -newkey rsa:2048 \
				-keyout "$work/sign.key" -out "$work/sign.crt" \
				>"$work/sign.log" 2>&1 &&
			"$kdir/scripts/sign-file" sha256 "$work/sign.key" \
				"$work/sign.crt" "$root/memdesc-signed.ko" \
				>>"$work/sign.log" 2>&1 ||
			{ sed 's/^/# /' "$work/sign.log"
			  cannot_run "setup: sign a copy of memdesc.ko"; }
	fi
	if [ -n "${MEMDESC_VM_PREV_KO:-}" ]; then
		echo "# $kver: previous module $MEMDESC_VM_PREV_KO (MEMDESC_VM_PREV_KO)"
		cp "$MEMDESC_VM_PREV_KO" "$root/memdesc-prev.ko" ||
			cannot_run "setup: copy $MEMDESC_VM_PREV_KO"
	fi

	src=$("$top"/scripts/linux-src.sh) || cannot_run "setup: linux-src.sh"
	harness=$src/tools/testing/selftests
	progs="memdesc_test memdesc_truth_test memdesc_tool_test"
	progs+=" memdesc_stress_test memdesc_swap_test memdesc_workload"
	[ -n "$topology" ] && progs=memdesc_topology_test
	[ -n "$selftests" ] && progs=memdesc_selftests_test
	[ -n "$lockdown" ] && progs=memdesc_lockdown_test
	# Each program is its own .c linked with memdesc_vm.c, what they
	# share (as selftests/mm links vm_util.c).
	cflags=(-static -O2 -Wall -I"$harness" -I"$top" -I"$here"
		-I"$top/tests/truth" -DMD_TIMEOUT_SCALE="$timeout_scale"
		-DMD_CYCLES="$cycles")
	if ! gcc "${cflags[@]}" -c -o "$work/memdesc_vm.o" \
	     "$here/memdesc_vm.c" 2>"$work/gcc.log"; then
		sed 's/^/# /' "$work/gcc.log"
		cannot_run "build memdesc_vm.o"
	fi
	sed 's/^/# gcc: /' "$work/gcc.log"
	for prog in $progs; do
		if ! gcc "${cflags[@]}" -o "$root/bin/$prog" "$here/$prog.c" \
		     "$work/memdesc_vm.o" 2>"$work/gcc.log"; then
			sed 's/^/# /' "$work/gcc.log"
			cannot_run "build $prog"
		fi
		sed 's/^/# gcc: /' "$work/gcc.log"
	done
fi

# The kernel's own mm selftests, the selftests boot's workload.
if [ -n "$selftests" ]; then
	if "$top"/tests/selftests/build.sh "$root/selftests" \
		>"$work/selftests.log" 2>&1 &&
	   install -m 0755 "$top/tests/selftests/workload.sh" \
		"$root/selftests/workload.sh"; then
		grep -v '^ok ' "$work/selftests.log" | sed 's/^#* */# /'
		result OK "build the mm selftests (static)"
	else
		sed 's/^#* */# /' "$work/selftests.log"
		cannot_run "build the mm selftests (tests/selftests/build.sh)"
	fi
fi

# The user tool, static (libpng.a and libz.a from the -dev packages): the
# guest runs it against the live debugfs, and the demo shows it.
if [ "$mode" != boot ] && [ -z "$topology" ]; then
	if make -s -C "$top/tools" O="$work/tools" STATIC=1 \
		>"$work/tools.log" 2>&1 &&
	   cp "$work/tools/memdesc-stat" "$root/bin/memdesc-stat"; then
		result OK "build memdesc-stat (static)"
	else
		sed 's/^/# /' "$work/tools.log"
		result NOTOK "build memdesc-stat (static)"
	fi
fi

# The test helper module: its own Kbuild, built in a copy of tests/truth/
# as the main module is.  Without it the truth tests fail in the guest.
if [ "$mode" = test ] && [ -z "$variant" ]; then
	if [ -n "${MEMDESC_VM_TRUTH_KO:-}" ]; then
		truth_ko=$MEMDESC_VM_TRUTH_KO
		echo "# $kver: using $truth_ko (MEMDESC_VM_TRUTH_KO)"
	else
		echo "# $kver: building memdesc_truth.ko"
		mkdir -p "$work/truth" && cp "$top"/tests/truth/* "$work/truth"/
		truth_ko=$work/truth/memdesc_truth.ko
		if ! make -s -C "$kdir" M="$work/truth" \
			modules >"$work/truth.log" 2>&1 || [ ! -f "$truth_ko" ]
		then
			sed 's/^/# /' "$work/truth.log"
			truth_ko=
		fi
	fi
	if [ -n "$truth_ko" ] && cp "$truth_ko" "$root/memdesc_truth.ko"; then
		result OK "build memdesc_truth.ko"
	else
		result NOTOK "build memdesc_truth.ko"
	fi
fi

# The module as a kernel whose headers define X86_FEATURE_INVLPGB (6.15,
# or a backport) would build it: without the vmalloc walk.  memdesc_test
# loads it to see the fallback that no installed kernel needs.
if [ "$mode" = test ] && [ -z "$variant" ]; then
	mkdir -p "$work/nowalk" && cp "$top"/Kbuild "$top"/*.c "$top"/*.h \
		"$work/nowalk"/
	if make -s -C "$kdir" M="$work/nowalk" \
		KCFLAGS=-DX86_FEATURE_INVLPGB=1 modules >"$work/nowalk.log" 2>&1 &&
	   cp "$work/nowalk/memdesc.ko" "$root/memdesc-nowalk.ko"; then
		result OK "build memdesc.ko without the vmalloc walk"
	else
		sed 's/^/# /' "$work/nowalk.log"
		result NOTOK "build memdesc.ko without the vmalloc walk"
	fi
fi

# Bench mode: the allocator timer module (tests/bench/, its own Kbuild,
# built in a copy as tests/truth/ is), the guest's timer and script, and the
# kernel's own tools/mm/page-types, static, to race compare against.
if [ "$mode" = bench ]; then
	mkdir -p "$work/bench" && cp "$top"/tests/bench/* "$work/bench"/
	if ! make -s -C "$kdir" M="$work/bench" \
		modules >"$work/bench.log" 2>&1 ||
	   ! cp "$work/bench/memdesc_benchmod.ko" "$root/memdesc_benchmod.ko"; then
		sed 's/^/# /' "$work/bench.log"
		cannot_run "build memdesc_benchmod.ko"
	fi
	gcc -static -O2 -Wall -o "$root/bin/memdesc_bench" \
		"$here/memdesc_bench.c" || cannot_run "build memdesc_bench"
	install -m 0755 "$here/bench.sh" "$root/bin/memdesc-bench.sh" ||
		cannot_run "setup: copy bench.sh"
	pt=$src/tools
	if ! gcc -static -O2 -I"$pt/include" -I"$pt/lib" -I"$pt/lib/api" \
		-o "$root/bin/page-types" "$pt/mm/page-types.c" \
		"$pt/lib/api/fs/fs.c" "$pt/lib/api/debug.c" \
		>"$work/pt.log" 2>&1; then
		sed 's/^/# /' "$work/pt.log"
		cannot_run "build page-types (tools/mm, static)"
	fi
	result OK "build memdesc_benchmod.ko, memdesc_bench, page-types"
fi

# copy_dynamic BIN GUEST: host program BIN into the guest as GUEST, with
# every library ldd names, at the paths the loader looks in: Debian's
# programs are dynamically linked.
copy_dynamic()
{
	local libs lib

	libs=$(ldd "$1" | grep -o '/[^ ]*') &&
		mkdir -p "$root${2%/*}" && cp "$1" "$root$2" || return 1
	for lib in $libs; do
		mkdir -p "$root${lib%/*}" && cp -L "$lib" "$root$lib" ||
			return 1
	done
}

# copy_stress: stress-ng for memdesc_stress_test.
copy_stress()
{
	local stress

	stress=$(command -v stress-ng) && copy_dynamic "$stress" /bin/stress-ng
}

# The lockdown boots run scripts/load.sh itself, as a user would: bash,
# kmod's modinfo (busybox's reads a file only through modules.dep), the
# kernel's sign-file where load.sh looks for it, the two scripts and the
# module in a tree of their own (/memdesc), and a throwaway key pair laid
# out as DKMS's MOK, for the test to put in /var/lib/dkms.
copy_load_sh()
{
	mkdir -p "$root/memdesc/scripts" "$root/etc/memdesc-mok" &&
		copy_dynamic "$(command -v bash)" /bin/bash &&
		copy_dynamic "$(command -v modinfo)" /bin/modinfo &&
		copy_dynamic "$kdir/scripts/sign-file" \
			"/lib/modules/$kver/build/scripts/sign-file" &&
		cp "$top/scripts/load.sh" "$top/scripts/lockdown.sh" \
			"$root/memdesc/scripts/" &&
		cp "$root/memdesc.ko" "$root/memdesc/memdesc.ko" &&
		cp "$work/sign.key" "$root/etc/memdesc-mok/mok.key" &&
		openssl x509 -in "$work/sign.crt" -outform DER \
			-out "$root/etc/memdesc-mok/mok.pub"
}

if [ -n "$lockdown" ]; then
	if copy_load_sh; then
		result OK "copy bash, sign-file and scripts/load.sh"
	else
		result NOTOK "copy bash, sign-file and scripts/load.sh"
	fi
fi

if [ "$mode" = test ]; then
	if copy_stress; then
		result OK "copy stress-ng and its libraries"
	else
		result NOTOK "copy stress-ng and its libraries (install stress-ng)"
	fi
fi

# The kernel's own modules that the guest loads itself: virtio-mem for the
# topology boot, zram and virtio_balloon for tests and the demo.  Each comes
# with what it needs, in the order modprobe would load them (modules.dep
# lists every dependency, the one to load first last), skipping what is
# built in: on 6.1 the virtio core, the PCI transport and zsmalloc are
# modules too; on 6.12 the virtio core and PCI transport are built in, and
# zram needs the lz4 compressors.  Decompressed here (busybox and
# finit_module may not read .xz); their guest paths go one a line into a
# list under /etc, which the guest loads in order.  A kernel built here
# (--kdir) has its modules in the build tree, listed in modules.order, and
# no modules.dep: the debug tier's config builds the virtio core and
# zsmalloc in, so each module named is all it needs.

# mod_add LIST DIR BASE REL: copy module REL (a path under BASE) into the
# guest's DIR, decompressed, and add it to the guest's LIST, once.
mod_add()
{
	local list=$root$1 name=${4##*/} guest

	name=${name%.xz}
	name=${name%.zst}
	name=${name%.gz}
	guest=$2/$name
	grep -qx "$guest" "$list" 2>/dev/null && return 0
	ko_cat "$3/$4" >"$root$guest" || return 1
	echo "$guest" >>"$list"
}

# copy_modules_built LIST DIR NAME...: from the --kdir build tree.  Its
# modules.order names objects (.o) before 6.2 and modules (.ko) since.
copy_modules_built()
{
	local list=$1 dir=$2 name line

	shift 2
	for name; do
		grep -Eq "(^|/)$name\.ko\$" "$kdir/modules.builtin" &&
			continue
		line=$(grep -E -m 1 "(^|/)$name\.(o|ko)\$" \
			    "$kdir/modules.order") || return 1
		line=${line%.o}
		mod_add "$list" "$dir" "$kdir" "${line%.ko}.ko" || return 1
	done
}

# copy_modules_installed LIST DIR NAME...: from /lib/modules/KVER, each
# after its dependencies.
copy_modules_installed()
{
	local list=$1 dir=$2 moddir=/lib/modules/$kver name line deps i

	shift 2
	for name; do
		grep -Eq "/$name\.ko(\.[a-z]+)?\$" "$moddir/modules.builtin" &&
			continue
		line=$(grep -E -m 1 "(^|/)$name\.ko(\.(xz|zst|gz))?:" \
			    "$moddir/modules.dep") || return 1
		read -r -a deps <<<"${line#*:}"
		for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
			mod_add "$list" "$dir" "$moddir" "${deps[i]}" ||
				return 1
		done
		mod_add "$list" "$dir" "$moddir" "${line%%:*}" || return 1
	done
}

# copy_modules LIST DIR NAME...: modules NAME... and what they need into the
# guest's directory DIR, their guest paths in load order in the guest's file
# LIST; fails if a module is missing or the list ends up empty.
copy_modules()
{
	mkdir -p "$root$2" "$root${1%/*}" && : >"$root$1" || return 1
	if [ "$kernel" != "/boot/vmlinuz-$kver" ]; then
		copy_modules_built "$@" || return 1
	else
		copy_modules_installed "$@" || return 1
	fi
	[ -s "$root$1" ]
}

# modules_copied LIST: the file names in the guest's LIST, on one line.
modules_copied()
{
	sed 's,.*/,,' "$root$1" | tr '\n' ' ' | sed 's/ $//'
}

# Where the modules come from, for the TAP lines.
mod_from=/lib/modules/$kver
[ "$kernel" != "/boot/vmlinuz-$kver" ] && mod_from=$kdir
if [ -n "$topology" ]; then
	list=/etc/memdesc-topology.modules
	if copy_modules "$list" /lib/memdesc-topology virtio_pci virtio_mem
	then
		result OK "copy virtio-mem modules ($(modules_copied "$list"))"
	else
		result NOTOK "copy virtio-mem modules from $mod_from"
	fi
fi
if [ -n "$swap" ]; then
	list=/etc/memdesc-swap.modules
	if copy_modules "$list" /lib/memdesc-swap \
			virtio_pci virtio_balloon zram; then
		result OK "copy swap and balloon modules ($(modules_copied "$list"))"
	else
		result NOTOK "copy swap and balloon modules from $mod_from"
	fi
fi

cp "$busybox" "$root/bin/busybox" || cannot_run "setup: copy busybox"
for applet in $("$busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
install -m 0755 "$here/init" "$root/init" || cannot_run "setup: copy init"
if [ -n "$lockdown" ]; then
	install -m 0755 "$top/scripts/lockdown.sh" "$root/bin/lockdown.sh" ||
		cannot_run "setup: copy scripts/lockdown.sh"
fi
# The fidelity test checks the mismatch classes against the documented ones.
mkdir -p "$root/etc"
cp "$top/docs/TRANSITIONS.md" "$root/etc/memdesc-transitions.md" ||
	cannot_run "setup: copy docs/TRANSITIONS.md"
# The writers' fuzzing (stress.fuzz_mutate): its seeds and regression
# inputs, and MEMDESC_VM_FUZZ_CASES, the cases per writer.
cp -r "$top/tests/fuzz/writers" "$root/fuzz" ||
	cannot_run "setup: copy tests/fuzz/writers"
if [ -n "${MEMDESC_VM_FUZZ_CASES:-}" ]; then
	echo "MEMDESC_FUZZ_CASES=$MEMDESC_VM_FUZZ_CASES" >"$root/etc/memdesc-fuzz.conf"
fi
# The console the kernel opens for /init; without root, /init reopens it
# from devtmpfs.
mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null

# Random per run: only lines the guest's /init wrote carry it.
token=MDT$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
# The test programs /init runs, in order, in test mode; MEMDESC_VM_TESTS
# narrows them (e.g. to memdesc_stress_test alone).
default_tests="memdesc_test memdesc_truth_test memdesc_tool_test"
default_tests+=" memdesc_stress_test memdesc_swap_test"
[ -n "$topology" ] && default_tests=memdesc_topology_test
[ -n "$selftests" ] && default_tests=memdesc_selftests_test
# The lockdown boots: the fixture of the same scenario.
case $lockdown in
boot)	default_tests=memdesc_lockdown_test:-f,booted ;;
raised)	default_tests=memdesc_lockdown_test:-f,raised ;;
esac
tests=${MEMDESC_VM_TESTS:-$default_tests}
printf 'MODE=%s\nTOKEN=%s\nTESTS="%s"\n' "$mode" "$token" "$tests" \
	>"$root/etc/memdesc-vm.conf"
if [ "$mode" = bench ]; then
	for knob in PARTS REPS FAULT_MIB FAULT_LOOPS ALLOC_PAIRS VMALLOC_PAIRS FORKS \
		    SCAN_REPS PROFILE_FUNCS LOAD_PARAMS IRQSOFF_REPS IRQSOFF_FRACTION \
		    IRQSOFF_SCENARIOS PREEMPTOFF_REPS PREEMPTOFF_SCENARIOS GATE_SKIP; do
		eval "val=\${MEMDESC_BENCH_$knob:-}"
		# shellcheck disable=SC2154	# val is set by eval
		[ -n "$val" ] && printf 'BENCH_%s="%s"\n' "$knob" "$val"
	done >>"$root/etc/memdesc-vm.conf"
fi

initrd=$work/initramfs.cpio.gz
: >"$initrd"
# An uncompressed cpio first, read before the initramfs: ACPI tables under
# kernel/firmware/acpi/ in it replace the firmware's (ACPI_TABLE_UPGRADE).
if [ -n "${MEMDESC_VM_EARLY_CPIO:-}" ]; then
	cat "$MEMDESC_VM_EARLY_CPIO" >"$initrd" ||
		cannot_run "setup: MEMDESC_VM_EARLY_CPIO $MEMDESC_VM_EARLY_CPIO"
fi
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
	>>"$initrd" || cannot_run "setup: cpio"

# === Boot ===

# One socket per vCPU: two cores of one socket on different nodes make the
# scheduler WARN at boot.  mitigations=off: page table isolation costs TCG
# dearly and guards nothing in a throwaway guest.  A big log buffer keeps
# early reports when later ones flood it.  thread=single: with one host
# thread per vCPU (QEMU 7.2's default), loading or unloading the module
# while both vCPUs allocate (memdesc_stress_test) now and then left both
# spinning at the tracepoint site being patched in __alloc_pages(), which
# looks like cross-modifying code going wrong in the emulator: see
# docs/RELIABILITY.md.
console=$cache/$kver${variant:+.$variant}.console.log
[ "$mode" = bench ] && console=$cache/$kver.bench.console.log
# shellcheck disable=SC2054	# commas are QEMU's
qemu=(qemu-system-x86_64 -accel tcg,thread=single -m "${mem_mib}M"
	-smp "$vcpus,sockets=$vcpus,cores=1,threads=1")
# shellcheck disable=SC2054	# commas are QEMU's
[ -n "$gbpages" ] && qemu+=(-cpu qemu64,+pdpe1gb)
# --nodes: the memory split evenly (the last node takes the rest); --cpus:
# the first half of the vCPUs on node 0, the rest on node 1 (one each by
# default); the nodes past the second have memory and no CPU.
node_list=
cpus0=$(((vcpus + 1) / 2))
# cpu_range FIRST LAST: QEMU's "cpus=" value.
cpu_range()
{
	if [ "$1" = "$2" ]; then
		echo "$1"
	else
		echo "$1-$2"
	fi
}
for ((i = 0; i < nodes; i++)); do
	size=$((mem_mib / nodes))
	[ "$i" = $((nodes - 1)) ] && size=$((mem_mib - size * (nodes - 1)))
	qemu+=(-object "memory-backend-ram,id=mem$i,size=${size}M")
	cpus=
	if [ "$nodes" = 1 ]; then
		cpus=",cpus=$(cpu_range 0 $((vcpus - 1)))"
	elif [ "$i" = 0 ]; then
		cpus=",cpus=$(cpu_range 0 $((cpus0 - 1)))"
	elif [ "$i" = 1 ] && [ "$vcpus" -gt "$cpus0" ]; then
		cpus=",cpus=$(cpu_range "$cpus0" $((vcpus - 1)))"
	fi
	qemu+=(-numa "node,nodeid=$i$cpus,memdev=mem$i")
	node_list="${node_list:+$node_list + }${size}M"
done
append="console=ttyS0 panic=-1 mitigations=off log_buf_len=4M"
# PCI interrupts from the BIOS's MP table, not ACPI.  ACPI routes a
# device's INTx by running the DSDT's _PRT method, an AML loop over every
# slot that ACPICA abandons after 30 s of wall time (AE_AML_LOOP_TIMEOUT);
# under TCG on a busy host, or under a sanitizer, it did, and the device
# (the balloon, virtio-mem: QEMU gives neither MSI-X) kept a line that
# never fires.  Whether a boot passed then hung on how fast the host ran
# the AML.  The MP table is a static table: no loop, no clock.
# MEMDESC_VM_IRQ_ROUTING=acpi keeps ACPI's routing, to see that failure.
case ${MEMDESC_VM_IRQ_ROUTING:-mptable} in
mptable) append+=" acpi=noirq" ;;
acpi)	;;
*)	echo "MEMDESC_VM_IRQ_ROUTING: mptable or acpi, not '$MEMDESC_VM_IRQ_ROUTING'" >&2
	exit 2 ;;
esac
# An RCU stall panics, and the panic prints every task's stack (panic_print
# bit 0) and replays the whole kernel log (bit 5) at full verbosity: the
# stall report names a blocked task ("P39") but prints no stack of it, and
# what it does print goes at a level the console does not show (init), so
# without these a stalled guest said neither who stalled nor where, and
# waited out its QEMU bound.  A stall already fails the log check; this
# makes it fail at once, with the stacks that say whether memdesc is on one.
append+=" sysctl.kernel.panic_on_rcu_stall=1 panic_print=0x21"
# PREEMPT_RT runs the 8250's interrupt handler in a thread, which under TCG
# falls behind a UART that drains at once.  6.1-rt's spurious-interrupt
# detector then took a long burst of output for an interrupt storm and
# disabled IRQ 4 ("nobody cared", a stack dump in the log), and the console
# crawled on the 8250 backup timer from there.  It judges the emulator's
# UART, not anything memdesc does.
case $kver in
*-rt-*)	append+=" noirqdebug" ;;
esac
[ "$lockdown" = boot ] && append+=" lockdown=integrity"
append+=${MEMDESC_VM_APPEND:+ $MEMDESC_VM_APPEND}
qemu+=(-kernel "$kernel" -initrd "$initrd"
	-append "$append"
	-nic none -nographic -no-reboot)
smp="$vcpus vCPUs${gbpages:+, 1 GiB pages}"
# Tests and the demo: a balloon the guest may ask the agent to resize, by
# default one that neither deflates on OOM nor reports free pages, so the
# guest gives up exactly what was asked and gets it back only when asked.
monitor=$work/monitor.sock
if [ -n "$swap" ]; then
	# shellcheck disable=SC2054	# commas are QEMU's
	qemu+=(-device virtio-balloon-pci,id=balloon0
		-monitor "unix:$monitor,server,nowait")
	smp+=", balloon"
else
	qemu+=(-monitor none)
fi
# The topology guest: 6 GiB of RAM split 3 + 3 GiB, so that with QEMU's
# 3 GiB below the PCI hole node 1 lies wholly above 4 GiB; maxmem leaves
# room for both virtio-mem devices (QEMU puts device memory from 7 GiB,
# 1 GiB aligned).  node=2 with no memdev and no CPU is a CPU-less node
# that only virtio-mem gives memory, as a CXL expander would.  qemu64
# lacks 1 GiB pages; +pdpe1gb adds them (TCG emulates them).  8 vCPUs
# under thread=single share one host thread: idle ones cost little.
topo_devices="vm0:2048 vm1:1024"	# virtio-mem id:max MiB
if [ -n "$topology" ]; then
	# shellcheck disable=SC2054	# commas are QEMU's
	qemu=(qemu-system-x86_64 -accel tcg,thread=single
		-cpu qemu64,+pdpe1gb -m 6G,maxmem=9G,slots=2
		-smp 8,sockets=8,cores=1,threads=1
		-object memory-backend-ram,id=mem0,size=3G
		-object memory-backend-ram,id=mem1,size=3G
		-numa node,nodeid=0,cpus=0-3,memdev=mem0
		-numa node,nodeid=1,cpus=4-7,memdev=mem1
		-numa node,nodeid=2
		-object memory-backend-ram,id=vmem0,size=2G
		-object memory-backend-ram,id=vmem1,size=1G
		-device virtio-mem-pci,id=vm0,memdev=vmem0,node=2,requested-size=0
		-device virtio-mem-pci,id=vm1,memdev=vmem1,node=1,requested-size=0
		-kernel "$kernel" -initrd "$initrd"
		-append "$append"
		-nic none -nographic -no-reboot
		-monitor "unix:$monitor,server,nowait")
	smp="8 vCPUs, nodes 3G + 3G + CPU-less node 2, virtio-mem vm0 2G vm1 1G"
fi
if [ -n "${MEMDESC_VM_ICOUNT:-}" ]; then
	qemu+=(-icount "shift=$MEMDESC_VM_ICOUNT,sleep=off")
fi

# agent_allowed REQUEST: whether the guest may have it done.  Nothing
# but what the two functions below allow reaches the monitor, which could
# otherwise do anything to the guest or the host's files.
agent_allowed()
{
	if [ -n "$topology" ]; then
		agent_allowed_virtio_mem "$1"
	else
		agent_allowed_balloon "$1"
	fi
}

# agent_allowed_virtio_mem REQUEST: the topology boot's only request,
# "qom-set vmN requested-size <n>M|G" of a device in $topo_devices, within
# its size, in whole 2 MiB virtio-mem blocks.
agent_allowed_virtio_mem()
{
	local dev size mib max

	# No leading zero: QEMU would read the number as octal.
	[[ $1 =~ ^qom-set\ (vm[0-9])\ requested-size\ (0|[1-9][0-9]{0,4})([MG])$ ]] ||
		return 1
	dev=${BASH_REMATCH[1]}
	size=${BASH_REMATCH[2]}
	mib=$size
	[ "${BASH_REMATCH[3]}" = G ] && mib=$((size * 1024))
	# shellcheck disable=SC2086	# one device a word
	max=$(printf '%s\n' $topo_devices | sed -n "s/^$dev://p")
	[ -n "$max" ] && [ "$mib" -le "$max" ] && [ $((mib % 2)) = 0 ]
}

# agent_allowed_balloon REQUEST: the only request of tests and the demo,
# "balloon <n>": n MiB left to the guest, from 128 (below that the guest
# has too little to run in, let alone answer) up to all it was given.
agent_allowed_balloon()
{
	# No leading zero: QEMU would read the number as octal.
	[[ $1 =~ ^balloon\ ([1-9][0-9]{0,5})$ ]] || return 1
	[ "${BASH_REMATCH[1]}" -ge 128 ] &&
		[ "${BASH_REMATCH[1]}" -le "$mem_mib" ]
}

# agent_query: what the agent asks the monitor after a request, to log.
agent_query()
{
	if [ -n "$topology" ]; then
		echo 'info memory-devices'
	else
		echo 'info balloon'
	fi
}

# agent: follow the console until QEMU exits; pass every request the guest
# printed with its token ("<token> Q <request>") that agent_allowed() lets
# through to QEMU's monitor, and log what it did and what the monitor then
# says of the devices (agent_query) or the balloon.  A kernel message may
# precede the token on a line.
agent()
{
	local line req

	tail -n +1 -F --pid="$qemu_pid" "$work/console.raw" 2>/dev/null |
	while IFS= read -r line; do
		case $line in
		*"$token Q "*)	req=${line##*"$token Q "}
				req=${req%$'\r'} ;;
		*)		continue ;;
		esac
		if ! agent_allowed "$req"; then
			echo "refused: $req"
			continue
		fi
		echo "sent: $req"
		# HMP echoes with line editing: keep only its answers, each
		# device's sizes or the balloon's on one line, and anything
		# else it says.
		printf '%s\n%s\n' "$req" "$(agent_query)" |
			socat -t 2 - "UNIX-CONNECT:$monitor" 2>&1 |
			tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' |
			grep -Ev '^\(qemu\)|^QEMU .* monitor|^$' |
			awk '/^Memory device/ { dev = $NF; gsub(/"/, "", dev); next }
			     $1 == "requested-size:" { want = $2 / 1048576; next }
			     $1 == "size:" { printf "  %s requested %dM plugged %dM\n",
					     dev, want, $2 / 1048576; next }
			     $1 == "balloon:" && $2 ~ /^actual=[0-9]+$/ {
				     sub(/^actual=/, "", $2)
				     printf "  balloon actual %dM\n", $2; next }
			     /^  / { next }
			     { print "  " $0 }'
	done >"$work/agent.log"
}

shape="$smp, nodes $node_list"
[ -n "$topology" ] && shape=$smp
echo "# $kver: booting QEMU (TCG, $shape, timeout ${timeout_s}s)"
start=$(date +%s)
timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null >"$work/console.raw" 2>&1 &
qemu_pid=$!
if [ -n "$topology$swap" ]; then
	agent &
	agent_pid=$!
fi
wait "$qemu_pid"
qemu_rc=$?
qemu_pid=
wall=$(($(date +%s) - start))
if [ -n "$agent_pid" ]; then
	# tail --pid notices QEMU's exit within a second.
	for _ in 1 2 3 4 5; do
		kill -0 "$agent_pid" 2>/dev/null || break
		sleep 1
	done
	kill "$agent_pid" 2>/dev/null
	wait "$agent_pid" 2>/dev/null
	agent_pid=
fi
tr -d '\r' <"$work/console.raw" >"$console"
# The guest sent its kernel log gzipped, in base64 (Z records): it goes
# back into the console log as text, one D record a line, where the Z
# records were.  A dump that does not decode (a kernel message cut into
# it, or the guest stopped halfway) stays as it came.
dmesg_ok=
if grep -q "$token DMESG end" "$console" &&
   sed -n "s/^.*$token Z //p" "$console" | base64 -d 2>/dev/null |
	gunzip >"$work/dmesg" 2>/dev/null; then
	dmesg_ok=1
	awk -v tok="$token" -v f="$work/dmesg" '
		i = index($0, tok " Z ") {
			if (i > 1)
				print substr($0, 1, i - 1)
			while (!done && (getline l < f) > 0)
				print tok " D " l
			done = 1
			next
		}
		{ print }' "$console" >"$console.new" &&
		mv "$console.new" "$console"
fi

# === Results ===

# tagged TAG: what the guest printed with TAG, token and tag removed.  A
# kernel message may precede the token on a line; it is dropped.
tagged()
{
	sed -n "s/^.*$token $1 //p" "$console"
}

info()
{
	tagged INFO | sed -n "s/^$1 //p" | head -n 1
}

# corpus_keep DIR: the files memdesc_tool_test sent for the fuzz targets'
# seeds (tests/fuzz/run.sh) -- "# corpus: file NAME", the file gzipped in
# base64 "# corpus: data" lines, "# corpus: end NAME" -- decoded into DIR,
# which they replace.  A name other than [debugfs/]word[.snap], a file
# that does not decode, or one of more than 1 MiB, is dropped.
corpus_keep()
{
	local tmp=$work/corpus name kept=0

	rm -rf "$tmp"
	mkdir -p "$tmp/debugfs"
	while IFS= read -r name; do
		[[ $name =~ ^(debugfs/)?[a-z_]+(\.snap)?$ ]] || continue
		tagged T | awk -v n="$name" '
			$0 == "# corpus: file " n { on = 1; next }
			$0 == "# corpus: end " n { exit }
			on { sub(/^# corpus: data /, ""); print }' |
			base64 -d 2>/dev/null | gunzip 2>/dev/null |
			head -c $((1024 * 1024 + 1)) >"$tmp/$name"
		if [ -s "$tmp/$name" ] &&
		   [ "$(stat -c %s "$tmp/$name")" -le $((1024 * 1024)) ]; then
			kept=$((kept + 1))
		else
			rm -f "$tmp/$name"
		fi
	done < <(tagged T | sed -n 's/^# corpus: file //p')
	[ "$kept" -gt 0 ] || return 0
	rm -rf "$1"
	mv "$tmp" "$1"
	echo "# $kver: $kept files for the fuzz targets' seeds in $1"
}

t_init=$(info uptime_init)
t_end=$(info uptime_end)
t_run='?'
if [ -n "$t_init" ] && [ -n "$t_end" ]; then
	t_run=$(awk -v a="$t_init" -v b="$t_end" 'BEGIN { printf "%.0f", b - a }')
fi
echo "# $kver: guest $(info kernel), nodes $(info nodes), MemTotal $(info memtotal)"

if grep -q "$token BEGIN" "$console"; then
	result OK "guest booted to /init"
else
	result NOTOK "guest booted to /init"
fi
# The PCI devices' interrupts (init's irq_check), before any test ran: a
# device without one ended the guest there, each IRQ record saying which
# and why.
irq_ok=$(tagged INFO | sed -n 's/^irq //p' | paste -sd ';' | sed 's/;/; /g')
if tagged IRQ | grep -q .; then
	result NOTOK "every virtio PCI device has an interrupt (no test ran)"
	tagged IRQ | sed 's/^/#   /'
elif [ -n "$irq_ok" ]; then
	result OK "every virtio PCI device has an interrupt ($irq_ok)"
fi
if [ -z "$topology" ]; then
	want_nodes=0-$((nodes - 1))
	[ "$nodes" = 1 ] && want_nodes=0
	if [ "$(info nodes)" = "$want_nodes" ]; then
		result OK "guest has $nodes NUMA nodes"
	else
		result NOTOK "guest has $nodes NUMA nodes (online: '$(info nodes)')"
	fi
else
	# Node 2 has neither CPU nor memory at boot; memdesc_topology_test
	# reports the CPUs it found and the nodes once vm0 plugged memory.
	if [ "$(info nodes)" = 0-1 ]; then
		result OK "guest has 2 NUMA nodes at boot"
	else
		result NOTOK "guest has 2 NUMA nodes at boot (online: '$(info nodes)')"
	fi
	if [ "$(info topology_cpus)" = 0-7 ]; then
		result OK "guest has 8 CPUs"
	else
		result NOTOK "guest has 8 CPUs (online: '$(info topology_cpus)')"
	fi
	if [ "$(info topology_nodes)" = 0-2 ]; then
		result OK "guest has 3 NUMA nodes after hot-add"
	else
		result NOTOK "guest has 3 NUMA nodes after hot-add (online: '$(info topology_nodes)')"
	fi
fi

# agent_check: the agent's log as comments, and a TAP line on what it
# sent, what it refused, and anything else the monitor said, which is a
# complaint.  The topology test always asks for memory; in the other
# runs the programs that ask for a balloon size may not run
# (MEMDESC_VM_TESTS), nor does the demo, so none sent is no failure.
agent_check()
{
	local log=$work/agent.log answer='^  balloon actual [0-9]+M$'
	local sent refused other

	[ -n "$topology" ] && answer='^  vm[0-9] requested '
	sed 's/^/# agent: /' "$log"
	sent=$(grep -c '^sent: ' "$log")
	refused=$(grep -c '^refused: ' "$log")
	other=$(grep -Evc "^(sent|refused): |$answer" "$log")
	if { [ -z "$topology" ] || [ "$sent" -gt 0 ]; } &&
	   [ "$refused" = 0 ] && [ "$other" = 0 ]; then
		result OK "monitor agent ($sent requests sent)"
	else
		result NOTOK "monitor agent ($sent requests sent, $refused refused, $other other monitor lines)"
	fi
}

[ -n "$topology$swap" ] && agent_check

# Guest results: renumber the harness's TAP lines, keep its diagnostics as
# comments, and check each program: it printed its plan, planned at least
# one test, reported every test it planned, and exited 0.  A program that
# crashes after its plan (fewer results, a signal's status) or exits
# non-zero fails the run, whatever its "ok" lines said, and so does one
# whose filter matched no test: that runs nothing and exits 0.  Each
# program's output ends with its "@@exit" line (init).
if [ "$mode" = test ]; then
	# prog_check NAME PLANNED SEEN STATUS: the TAP line for one program.
	prog_check()
	{
		if [ "$2" != none ] && [ "$2" -gt 0 ] && [ "$3" = "$2" ] &&
		   [ "$4" = 0 ]; then
			result OK "guest program $1 ($3 tests, exit 0)"
		else
			result NOTOK "guest program $1 (planned ${2}, reported $3, exit $4)"
		fi
	}
	set -f
	# shellcheck disable=SC2086	# one program a word
	set -- $tests
	set +f
	programs=$#
	checked=0
	planned=none
	seen=0
	while IFS= read -r line; do
		case $line in
		"TAP version"*)
			;;
		1..*)
			planned=${line#1..}
			;;
		"@@exit "*)
			prog=${1:-unknown}
			[ $# -gt 0 ] && shift
			prog_check "${prog%%:*}" "$planned" "$seen" "${line#@@exit }"
			checked=$((checked + 1))
			planned=none
			seen=0
			;;
		"ok "*|"not ok "*)
			seen=$((seen + 1))
			status=${line%% [0-9]*}
			rest=${line#"$status "}
			rest=${rest#* }
			if [ "$status" = ok ]; then
				result OK "$rest"
			else
				result NOTOK "$rest"
			fi
			;;
		"# prom: "*)
			# memdesc_tool_test's metrics: checked below.
			;;
		"# top: "*)
			# Its top view: kept beside the console log.
			;;
		"# corpus: "*)
			# Its files for the fuzz targets: kept below.
			;;
		*)
			echo "#   $line"
			;;
		esac
	done < <(tagged T)
	tagged T | sed -n 's/^# top: //p' >"$cache/$kver.top"
	corpus_keep "$cache/$kver.corpus"
	# The live metrics memdesc_tool_test wrote, checked by promtool
	# here: the guest has none.
	tagged T | sed -n 's/^# prom: //p' >"$work/memdesc.prom"
	if [ -s "$work/memdesc.prom" ]; then
		if ! command -v promtool >/dev/null; then
			result NOTOK "live metrics: promtool not installed (make deps)"
		elif promtool check metrics <"$work/memdesc.prom" \
			>"$work/promtool.log" 2>&1; then
			result OK "live metrics ($(grep -vc '^#' "$work/memdesc.prom") samples) pass promtool check metrics"
		else
			result NOTOK "live metrics pass promtool check metrics"
			sed 's/^/#   /' "$work/promtool.log"
		fi
	fi
	# Programs that never got to exit (the guest died first).
	while [ "$checked" -lt "$programs" ]; do
		prog=$1
		shift
		prog_check "${prog%%:*}" "$planned" "$seen" none
		checked=$((checked + 1))
		planned=none
		seen=0
	done
elif [ "$mode" = bench ]; then
	tagged B | grep -v '^@@exit ' >"$cache/$kver.bench"
	sed 's/^/# bench: /' "$cache/$kver.bench"
	status=$(tagged B | sed -n 's/^@@exit //p')
	if [ "$status" = 0 ] && ! grep -q '^info error' "$cache/$kver.bench"
	then
		result OK "bench ran ($(wc -l <"$cache/$kver.bench") records)"
	else
		result NOTOK "bench ran (exit ${status:-none})"
	fi
elif [ "$mode" = demo ]; then
	echo
	echo "=== memdesc demo: $kver, 2 NUMA nodes, ${mem_mib}M, QEMU TCG ==="
	tagged M | grep -v '^@@exit '
	echo
	if tagged F | base64 -d > "$cache/$kver.map.png" 2>/dev/null &&
	   [ -s "$cache/$kver.map.png" ]; then
		echo "(the map: .cache/vm/$kver.map.png)"
	fi
	status=$(tagged M | sed -n 's/^@@exit //p')
	if [ "$status" = 0 ]; then
		result OK "demo ran"
	else
		result NOTOK "demo ran (exit ${status:-none})"
	fi
fi

if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	result NOTOK "guest reached the end (QEMU timed out after ${timeout_s}s)"
elif ! grep -q "$token DONE" "$console"; then
	result NOTOK "guest reached the end (QEMU exit $qemu_rc, no end marker)"
else
	result OK "guest reached the end"
fi
if [ "${failed}" -gt 0 ] && ! grep -q "$token DONE" "$console"; then
	echo "# last console lines ($console):"
	tail -n 40 "$console" | sed 's/^/#   /'
fi

# The kernel log as the guest dumped it.  If the guest never got there, the
# console is all there is: the check fails, and shows what the console has.
bad='WARNING:|BUG:|Oops|Bad page|rcu_sched self-detected stall|rcu: INFO'
# Lockdep's reports are WARNING:/BUG: lines; these are the ones that are
# not, and its farewell ("turning off the locking correctness validator"
# after a report, or when it runs out of room).  Not "lockdep" alone: a
# debug kernel says "RCU lockdep checking is enabled" at every boot.
bad+='|possible circular locking|inconsistent lock state'
bad+='|locking correctness validator|lockdep is turned off'
bad+='|INFO: trying to register non-static key'
bad+='|general protection|Call Trace|Kernel panic|blocked for more than'
# Not "page dumped because": memory offlining dumps the unmovable page that
# refuses it, and DEBUG_VM's own page reports come with a BUG: or WARNING:.
bad+='|KASAN|UBSAN|sleeping function called'
# KCSAN's reports ("BUG: KCSAN: ...") are not judged here: a KCSAN kernel
# reports the core kernel's own data races whatever memdesc does, and
# tests/debug/run.sh, which boots the only KCSAN kernel, tells the
# module's (a failure) from the kernel's (a note) by their stacks.
kcsan='BUG: KCSAN: '

# bad_lines FILE: the lines of FILE that fail the check.
bad_lines()
{
	grep -E "$bad" "$1" | grep -vF "$kcsan"
}

# log_report FILE: the offending lines, then the first report in context.
log_report()
{
	echo "# offending lines:"
	bad_lines "$1" | head -n 40 | sed 's/^/#   /'
	echo "# first report:"
	grep -vF "$kcsan" "$1" | grep -E -m 1 -B 3 -A 30 "$bad" | sed 's/^/#   /'
}

if [ -n "$dmesg_ok" ]; then
	if bad_lines "$work/dmesg" | grep -q .; then
		result NOTOK "kernel log clean"
		log_report "$work/dmesg"
	else
		result OK "kernel log clean"
	fi
elif grep -q "$token DMESG end" "$console"; then
	result NOTOK "kernel log clean (the dmesg dump does not decode, console checked)"
	bad_lines "$console" | grep -q . && log_report "$console"
else
	result NOTOK "kernel log clean (no dmesg dump, console checked)"
	bad_lines "$console" | grep -q . && log_report "$console"
fi

echo "# $kver: $((n - failed - skipped)) passed, $failed failed, $skipped skipped;" \
     "boot to /init ${t_init:-?}s, $mode ${t_run}s, QEMU wall ${wall}s"
echo "1..$n"
exit 0
