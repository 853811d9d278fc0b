# SPDX-License-Identifier: GPL-2.0
#
# memdesc - user targets.  Kbuild lists the objects.
#
#   make [KVER=... | KDIR=...]	build memdesc.ko (default: the running kernel)
#   make deps			install the Debian packages (root)
#   make check			host tests, static checks, dkms, VM tests on
#				every installed kernel; ends "N passed, N failed"
#   make check-debug		the VM suite on two 6.12 kernels built here,
#				one with KASAN, one with KCSAN, both with
#				PROVE_LOCKING, DEBUG_ATOMIC_SLEEP, DEBUG_VM
#				(cached in .cache/debug; not part of check)
#   make demo [DEMO_KVER=...]	boot a VM with the module, run a workload,
#				print summary, compare and stats
#   make bench			time faults, the allocator and scans with and
#				without memdesc, beside ftrace and page-types,
#				on every kernel (docs/BENCHMARKS.md)
#   make docs			docs/layers.dot and docs/layers.svg, the
#				picture of which unit uses which, from a build
#				(scripts/layers-graph.sh; make check fails if
#				the committed .dot is not what the code gives)
#   make bench-gate		the probes' instructions per event on 6.12
#				under -icount against tests/bench-gate.budget;
#				one minute, and part of check
#   make bench-irqsoff		the longest stretch with interrupts off, with
#				and without memdesc, on the KASAN debug
#				kernel's irqsoff tracer (not part of check
#				or bench)
#   make bench-preemptoff [MEMDESC_PREEMPTOFF_PREV=REV]
#				the longest stretch with preemption off on a
#				PREEMPT_RT kernel built here, without memdesc,
#				with the build of REV and with this one
#				(not part of check or bench)
#   make fuzz [FUZZ_SECONDS=N]	each fuzz target of memdesc-stat for N
#				seconds (default 600), its corpus kept in
#				.cache/fuzz (tests/fuzz/run.sh; make check
#				runs them 30 s each)
#   make checkpatch / sparse	the static checks alone
#   make tools			build tools/memdesc-stat
#   make install [PREFIX=/usr/local] [DESTDIR=]
#				install memdesc-stat into $(PREFIX)/bin
#   make deb			the Debian packages memdesc-dkms and
#				memdesc-tools, into .cache/deb

MEMDESC_VERSION := 0.1

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
DEMO_KVER ?= $(firstword $(shell scripts/kernels.sh))

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order
	rm -rf .cache/build .tmp_versions
	$(MAKE) -C tools clean

tools:
	$(MAKE) -C tools

# The module goes in with DKMS or scripts/load.sh (README); this installs
# the user tool.
install:
	$(MAKE) -C tools install

deb:
	scripts/deb.sh

deps:
	scripts/deps.sh

check:
	tests/run.sh

# Not part of check: the first build of each of the two kernels takes
# half an hour.
check-debug:
	tests/debug/run.sh

demo:
	@test -n "$(DEMO_KVER)" || { echo "no kernel with headers: make deps" >&2; exit 1; }
	tests/vm/run.sh $(DEMO_KVER) --demo

# Not part of check: several QEMU boots per kernel, minutes each.
bench:
	scripts/bench.sh

DOCS_KVER ?= $(shell scripts/kernels.sh | head -n 1)

docs:
	@test -n "$(DOCS_KVER)" || { echo "no kernel with headers: make deps" >&2; exit 1; }
	scripts/build-module.sh $(DOCS_KVER) $(CURDIR)/.cache/docs/build > /dev/null
	scripts/layers-graph.sh .cache/docs/build > docs/layers.dot
	dot -Tsvg docs/layers.dot -o docs/layers.svg

# One boot; make check runs it too (tests/run.sh, step gate).
bench-gate:
	scripts/bench-gate.sh

# Not part of bench: the KASAN debug kernel (built as for check-debug) and a
# 32 GiB guest with 8 vCPUs.
bench-irqsoff:
	tests/debug/latency.sh irqsoff

# Not part of bench: the rt tier's kernel (built as for check-debug) and
# a guest of 8 vCPUs.
bench-preemptoff:
	tests/debug/latency.sh preemptoff

FUZZ_SECONDS ?= 600

fuzz:
	tests/fuzz/run.sh --seconds $(FUZZ_SECONDS)

checkpatch:
	tests/static.sh checkpatch

sparse:
	tests/static.sh sparse

version:
	@echo $(MEMDESC_VERSION)

.PHONY: all modules clean deps check check-debug demo docs bench bench-gate bench-irqsoff bench-preemptoff \
	fuzz checkpatch \
	sparse version tools install deb
