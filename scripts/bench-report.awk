# SPDX-License-Identifier: GPL-2.0
#
# bench-report.awk - the tables of docs/BENCHMARKS.md from make bench's
# records (scripts/bench.sh feeds it "KVER SIZE <record>" lines; the
# records are described in tests/vm/bench.sh).  Every figure is a median
# over the rounds of one boot; ratios compare figures of the same boot.
# Plain POSIX awk (Debian's default is mawk): no asort, so sort by hand.

function sortn(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}

# median of the space-separated numbers in s, or "" when none
function median(s,    a, n) {
	n = split(s, a, " ")
	if (!n)
		return ""
	sortn(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function mib(size) {
	if (size ~ /[gG]$/)
		return substr(size, 1, length(size) - 1) * 1024
	return substr(size, 1, length(size) - 1) + 0
}

function pct(a, b) {
	return b > 0 ? sprintf("%+.1f%%", (a - b) * 100 / b) : "-"
}

function add(key, v) {
	vals[key] = (key in vals) ? vals[key] " " v : v
}

function verdict(ok) {
	return ok ? "met" : "**missed**"
}

{
	k = $1; s = $2
	if (!(k in seen_k)) { seen_k[k] = 1; kernels[++nk] = k }
	if (!((k, s) in seen_ks)) {
		seen_ks[k, s] = 1
		if (!(s in seen_s)) { seen_s[s] = 1; sizes[++ns] = s }
	}
}
$3 == "cost" && $7 != "-" {
	# kver size cost workload cond rep ns-per-op ops events
	w = $4; c = $5
	if (!((k, w) in seen_w)) { seen_w[k, w] = 1; works[k] = works[k] " " w }
	cost_k[k] = 1
	add(k SUBSEP s SUBSEP w SUBSEP c SUBSEP "ns", $7)
	add(k SUBSEP s SUBSEP w SUBSEP c SUBSEP "ev", $8 > 0 ? $9 / $8 : 0)
	cost_size[k] = s
}
$3 == "scan" {
	# kver size scan what rep ns pfns
	add(k SUBSEP s SUBSEP $4 SUBSEP "ns", $6)
	pfns[k, s, $4] = $7
}
$3 == "mem" {
	mem[k, s, $4] = $5
}
$3 == "info" && $4 == "clock" {
	clock[k] = $5 " " $6 " " $7 " " $8
	sub(/ +$/, "", clock[k])
}
$3 == "info" && $4 == "cpus" {
	cpus[k, s] = $5
}
$3 == "info" && $4 == "error" {
	errors = errors "\n- " k ", " s ": error " $5
}

END {
	# Sizes in numeric order (the records come in file name order).
	for (i = 2; i <= ns; i++)
		for (j = i; j > 1 && mib(sizes[j - 1]) > mib(sizes[j]); j--) {
			t = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = t
		}

	print "## Cost of the probes, beside ftrace\n"
	print "Medians of each round's ns per operation: `fault` is one 4 KiB page faulted in and"
	print "unmapped (anonymous, THP off for the mapping), `allocN` one alloc_pages()/__free_pages()"
	print "pair at order N.  *not loaded*: memdesc absent; *loaded*: memdesc.ko loaded; *ftrace*:"
	print "memdesc absent, the same tracepoints it attaches recorded into the ftrace ring buffer;"
	print "*off*: memdesc loaded with tracking disabled (`control`), so every probe is called and"
	print "returns at once: what the tracepoints themselves cost, the floor of any probe on them."
	print "*ev/op*: tracepoint hits per operation (memdesc's `stats`; the ring buffer's entries +"
	print "overrun).  *ns/event*: (ns/op of the condition - ns/op not loaded) / ev/op (memdesc's"
	print "ev/op for *off*).  Targets:"
	print "loaded at most +5% on `fault`, +15% on `allocN`; per event at least 5x cheaper than ftrace."
	print "Times are guest nanoseconds.  Clock `icount-shift-0`: QEMU -icount shift=0, one guest"
	print "instruction is one nanosecond, so they count instructions and repeat exactly; `host`:"
	print "the TCG guest clock follows the host's, shared with other work.\n"
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		if (!(k in cost_k))
			continue
		s = cost_size[k]
		printf "### %s, %s guest, clock: %s\n\n", k, s, clock[k]
		print "| workload | not loaded ns/op | loaded ns/op | loaded vs not | target | off vs not | ftrace ns/op | ftrace vs not | ev/op memdesc | ev/op ftrace | ns/event memdesc | ns/event off | ns/event ftrace | ftrace / memdesc per event | target |"
		print "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
		nw = split(works[k], wl, " ")
		for (wi = 1; wi <= nw; wi++) {
			w = wl[wi]
			key = k SUBSEP s SUBSEP w
			b = median(vals[key SUBSEP "base" SUBSEP "ns"])
			m = median(vals[key SUBSEP "memdesc" SUBSEP "ns"])
			# Records from before the off condition have none.
			has_off = (key SUBSEP "off" SUBSEP "ns") in vals
			o = has_off ? median(vals[key SUBSEP "off" SUBSEP "ns"]) : 0
			f = median(vals[key SUBSEP "ftrace" SUBSEP "ns"])
			em = median(vals[key SUBSEP "memdesc" SUBSEP "ev"])
			ef = median(vals[key SUBSEP "ftrace" SUBSEP "ev"])
			lim = w == "fault" ? 5 : 15
			over = b > 0 ? (m - b) * 100 / b : 0
			pm = em > 0 ? (m - b) / em : 0
			po = has_off && em > 0 ? sprintf("%.0f", (o - b) / em) : "-"
			pf = ef > 0 ? (f - b) / ef : 0
			if (pm > 0)
				r = sprintf("%.1fx", pf / pm)
			else
				r = "memdesc within noise (<= 0)"
			printf "| %s | %.0f | %.0f | %s | <= +%d%%: %s | %s | %.0f | %s | %.2f | %.2f | %.0f | %s | %.0f | %s | >= 5x: %s |\n",
				w, b, m, pct(m, b), lim, verdict(over <= lim),
				has_off ? pct(o, b) : "-", f, pct(f, b), em, ef, pm, po,
				pf, r,
				verdict(pm <= 0 || pf >= 5 * pm)
		}
		print ""
	}

	print "## Scan speed\n"
	print "Medians of reading each debugfs file to its end (`compare` walks and classifies every"
	print "online PFN, then rechecks; `summary` counts the shadow), and of `page-types -a 0,END`"
	print "(tools/mm of linux-source-6.12, static) reading /proc/kpageflags over the PFNs the"
	print "shadow spans, in the same boot.  *vs smallest*: ns per PFN relative to the smallest"
	print "guest of the kernel; linear cost keeps it near 1.00.\n"
	print "| kernel (clock) | guest | what | PFNs | ms | PFNs/s | ns/PFN | ns/PFN vs smallest | compare / page-types time |"
	print "|---|---|---|---:|---:|---:|---:|---:|---:|"
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		first = ""
		for (si = 1; si <= ns; si++) {
			s = sizes[si]
			if (!((k, s) in seen_ks))
				continue
			pt = median(vals[k SUBSEP s SUBSEP "page-types" SUBSEP "ns"])
			split("compare summary page-types", what, " ")
			for (wi = 1; wi <= 3; wi++) {
				w = what[wi]
				t = median(vals[k SUBSEP s SUBSEP w SUBSEP "ns"])
				if (t == "" || !pfns[k, s, w])
					continue
				per = t / pfns[k, s, w]
				if (first == "")
					first = s
				if (!((k, w) in base_per))
					base_per[k, w] = per
				cmp = w == "compare" && pt > 0 ? sprintf("%.2f (target <= 1.00: %s)", t / pt, verdict(t <= pt)) : ""
				printf "| %s (%s) | %s | %s | %d | %.1f | %.3g | %.1f | %.2f | %s |\n",
					k, clock[k], s, w, pfns[k, s, w], t / 1e6,
					pfns[k, s, w] / (t / 1e9), per,
					per / base_per[k, w], cmp
			}
		}
	}
	print ""

	print "## Memory\n"
	print "Measured around one insmod, after drop_caches.  *shadow*: the vmalloc areas memdesc's"
	print "own code made (/proc/vmallocinfo lines naming `[memdesc]`, less one guard page each);"
	print "*module*: its size in /proc/modules (text and data); *slab*: slab bytes (active"
	print "objects x object size, /proc/slabinfo) after - before; *percpu*: Percpu after - before"
	print "(/proc/meminfo, kB granularity) plus the module's own per-cpu section (its size in the"
	print ".ko x CPUs: it lands in the boot chunk's reserved area, which no counter shows)."
	print "*fixed* = shadow + module + slab +"
	print "percpu - 8 x spanned.  *VmallocUsed* after - before (/proc/meminfo) cross-checks the"
	print "shadow.  *MemFree drop* is only a coarse check: pages parked on the per-cpu free lists"
	print "are not counted free, so it swings by megabytes as those lists fill and drain."
	print "Target: fixed < 64 KiB.\n"
	print "| kernel | guest | spanned PFNs | 8 x spanned | shadow | VmallocUsed | module | slab | percpu | fixed | target | MemFree drop |"
	print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		for (si = 1; si <= ns; si++) {
			s = sizes[si]
			if (!((k, s, "spanned") in mem))
				continue
			sp = mem[k, s, "spanned"]
			sh = mem[k, s, "vmalloc_memdesc_bytes"] - 4096 * mem[k, s, "vmalloc_memdesc_areas"]
			mo = mem[k, s, "module_core_bytes"]
			sl = mem[k, s, "after_slab_bytes"] - mem[k, s, "before_slab_bytes"]
			pc = (mem[k, s, "after_percpu_kb"] - mem[k, s, "before_percpu_kb"]) * 1024
			pc += mem[k, s, "module_percpu_bytes"] * cpus[k, s]
			fixed = sh + mo + sl + pc - 8 * sp
			drop = (mem[k, s, "before_memfree_kb"] - mem[k, s, "after_memfree_kb"]) * 1024
			vu = (mem[k, s, "after_vmallocused_kb"] - mem[k, s, "before_vmallocused_kb"]) * 1024
			printf "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d (%.1f KiB) | < 64 KiB: %s | %d |\n",
				k, s, sp, 8 * sp, sh, vu, mo, sl, pc, fixed,
				fixed / 1024, verdict(fixed < 65536), drop
		}
	}
	if (errors != "")
		print "\nErrors the guest reported:" errors
}
