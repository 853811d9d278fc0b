# SPDX-License-Identifier: GPL-2.0
#
# bench-report.awk - the tables of docs/BENCHMARKS.md from make bench's
# and make bench-irqsoff's records (scripts/bench.sh feeds it "KVER SIZE
# NODES <record>" lines; the records are described in tests/vm/bench.sh).
# Every figure is a median over the rounds of one boot; ratios compare
# figures of the same boot.  A section whose records are absent is left
# out.  Plain POSIX awk (Debian's default is mawk): no asort, so sort by
# hand.

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

# A number with thousands unmarked; "-" for a missing one.
function num(v) {
	return v == "" ? "-" : sprintf("%d", v)
}

# Hook events per operation: a few significant digits when below 0.01, as
# a fault's are (a vmap'd stack of the fork that starts the workload).
function evfmt(v) {
	if (v == 0)
		return "0"
	return v < 0.01 ? sprintf("%.1e", v) : sprintf("%.2f", v)
}

# The largest of the space-separated numbers in s.
function maxn(s,    a, n, i, m) {
	n = split(s, a, " ")
	m = 0
	for (i = 1; i <= n; i++)
		if (a[i] + 0 > m)
			m = a[i] + 0
	return m
}

# What the hooks add to a vmalloc() of 1 and of 16 pages, split into a
# part per call and a part per page (a straight line through the two).
function hook_split(k, n,    key, d1, d16, p) {
	key = "hook" SUBSEP k SUBSEP n SUBSEP
	if (!((key "vmalloc1" SUBSEP "memdesc" SUBSEP "ns") in vals) ||
	    !((key "vmalloc16" SUBSEP "memdesc" SUBSEP "ns") in vals))
		return
	d1 = median(vals[key "vmalloc1" SUBSEP "memdesc" SUBSEP "ns"])
	d1 -= median(vals[key "vmalloc1" SUBSEP "nohooks" SUBSEP "ns"])
	d16 = median(vals[key "vmalloc16" SUBSEP "memdesc" SUBSEP "ns"])
	d16 -= median(vals[key "vmalloc16" SUBSEP "nohooks" SUBSEP "ns"])
	p = (d16 - d1) / 15
	printf "The hooks add %.0f ns to a vmalloc() of one page and %.0f to one of 16: %.0f per call\n", d1, d16, d1 - p
	printf "of vmalloc() (its two hooks together), whatever the size, and %.0f per page.\n", p
	if (clock[k] ~ /^host/)
		print "On the host clock these are differences of medians that move by more than themselves\nfrom round to round: read them as rough."
	print ""
}

function ratio(a, b) {
	return b > 0 ? sprintf("%.3f", a / b) : "-"
}

# An owner's two parts apart: a walk of the stack, and a depot save of a
# stack the depot holds, each at the writer's depth and with frames of
# recursion added (the module's own frames).
function stack_apart(k, n,    key, w0, w8, f0, f8) {
	key = "sc" SUBSEP k SUBSEP n SUBSEP
	w0 = median(vals[key "walk" SUBSEP 0])
	w8 = median(vals[key "walk" SUBSEP 8])
	f0 = sc_frames[k, n, "walk", 0]
	f8 = sc_frames[k, n, "walk", 8]
	printf "Apart (`memdesc_benchmod.ko`'s loops, memdesc not loaded, medians): a walk of the stack\n"
	printf "(`stack_trace_save()`) costs %.0f ns at the writer's %d frames and %.0f at %d, %.0f for\n",
		w0, f0, w8, f8, (f8 > f0) ? (w8 - w0) / (f8 - f0) : 0
	printf "each frame of recursion (a module's); a depot save of a stack the depot holds costs %.0f at\n",
		median(vals[key "depot" SUBSEP 0])
	printf "%d frames and %.0f at %d.\n", sc_frames[k, n, "depot", 0],
		median(vals[key "depot" SUBSEP 8]), sc_frames[k, n, "depot", 8]
}

# Free bytes at one of the owners part's snapshots: MemFree and the pages
# on the per-cpu lists, where they were counted.
function owners_free(k, s, when,    p) {
	p = mem[k, s, "owners_" when "_pcp_pages"]
	return mem[k, s, "owners_" when "_memfree_kb"] * 1024 + p * 4096
}

# The (kernel, size) pairs whose memory records hold key, in report order,
# into pk[] and ps[]; returns how many.
function mem_pairs(key,    ki, si, np) {
	np = 0
	for (ki = 1; ki <= nk; ki++)
		for (si = 1; si <= ns; si++)
			if ((kernels[ki], sizes[si], key) in mem) {
				pk[++np] = kernels[ki]
				ps[np] = sizes[si]
			}
	return np
}

{
	k = $1; s = $2; n = $3
	# The node count's records and the rest: a record is $4 onwards.
	$1 = $2 = $3 = ""
	$0 = substr($0, 4)
	if (!(k in seen_k)) { seen_k[k] = 1; kernels[++nk] = k }
	if (!((k, s) in seen_ks)) {
		seen_ks[k, s] = 1
		if (!(s in seen_s)) { seen_s[s] = 1; sizes[++ns] = s }
	}
}
$1 == "cost" && $5 != "-" {
	# cost workload cond rep ns-per-op ops events
	w = $2; c = $3
	if (!((k, w) in seen_w)) { seen_w[k, w] = 1; works[k] = works[k] " " w }
	if (!((k, n) in seen_kn)) { seen_kn[k, n] = 1; cost_nodes[k] = cost_nodes[k] " " n }
	cost_k[k] = 1
	if (c == "prev")
		prev_k[k] = 1
	add(k SUBSEP n SUBSEP w SUBSEP c SUBSEP "ns", $5)
	add(k SUBSEP n SUBSEP w SUBSEP c SUBSEP "ev", $6 > 0 ? $7 / $6 : 0)
	cost_size[k, n] = s
}
$1 == "hook" && $5 != "-" {
	# hook workload cond rep ns-per-op ops events
	w = $2; c = $3
	if (!((k, n, w) in seen_hw)) { seen_hw[k, n, w] = 1; hook_works[k, n] = hook_works[k, n] " " w }
	if (!((k, n) in seen_hkn)) { seen_hkn[k, n] = 1; hook_nodes[k] = hook_nodes[k] " " n }
	hook_k[k] = 1
	add("hook" SUBSEP k SUBSEP n SUBSEP w SUBSEP c SUBSEP "ns", $5)
	add("hook" SUBSEP k SUBSEP n SUBSEP w SUBSEP c SUBSEP "ev", $6 > 0 ? $7 / $6 : 0)
	hook_size[k, n] = s
}
$1 == "owner" && $5 != "-" {
	# owner workload cond rep ns-per-op ops events stacks unsaved
	w = $2; c = $3
	if (!((k, n, w) in seen_ow)) { seen_ow[k, n, w] = 1; own_works[k, n] = own_works[k, n] " " w }
	if (!((k, n) in seen_okn)) { seen_okn[k, n] = 1; own_nodes[k] = own_nodes[k] " " n }
	own_k[k] = 1
	key = "own" SUBSEP k SUBSEP n SUBSEP w SUBSEP c SUBSEP
	add(key "ns", $5)
	add(key "ev", $6 > 0 ? $7 / $6 : 0)
	add(key "st", $6 > 0 ? $8 / $6 : 0)
	if (c == "owners")
		own_unsaved[k, n] += $9
	own_size[k, n] = s
}
$1 == "stackcost" && $5 != "-" {
	# stackcost kind extra rep ns-per-call calls frames
	add("sc" SUBSEP k SUBSEP n SUBSEP $2 SUBSEP $3, $5)
	sc_frames[k, n, $2, $3] = $7
	sc_k[k, n] = 1
}
$1 == "scan" && n == 2 {
	# scan what rep ns pfns
	add(k SUBSEP s SUBSEP $2 SUBSEP "ns", $4)
	pfns[k, s, $2] = $5
}
$1 == "profile" && n == 2 {
	# profile function calls ns
	key = k SUBSEP s
	if (!(key in seen_prof)) { seen_prof[key] = 1; prof_rows[++nprof] = key }
	if (!((key, $2) in prof_ns))
		prof_fn[key, ++prof_nf[key]] = $2
	prof_calls[key, $2] = $3
	prof_ns[key, $2] = $4
}
$1 == "mem" && n == 2 {
	mem[k, s, $2] = $3
}
$1 == "irqsoff" {
	# irqsoff scenario cond rep max-us cpu ns pcp-pages started ended
	key = k SUBSEP s SUBSEP n SUBSEP $2 SUBSEP $4
	if (!(key in seen_irq)) { seen_irq[key] = 1; irq_rows[++nirq] = key }
	irq[key, $3, "us"] = $5
	irq[key, $3, "cpu"] = $6
	irq[key, $3, "ns"] = $7
	irq[key, $3, "pcp"] = $8
	irq[key, $3, "from"] = $9
	irq[key, $3, "to"] = $10
}
$1 == "preemptoff" {
	# preemptoff scenario cond rep max-us cpu ns pages started ended
	key = k SUBSEP s SUBSEP n SUBSEP $2 SUBSEP $4
	if (!(key in seen_pre)) { seen_pre[key] = 1; pre_rows[++npre] = key }
	pre[key, $3, "us"] = $5
	pre[key, $3, "ns"] = $7
	pre[key, $3, "pages"] = $8
	pre[key, $3, "from"] = $9
	pre[key, $3, "to"] = $10
}
$1 == "handler" {
	# handler scenario cond rep function calls max-us sum-us
	key = k SUBSEP s SUBSEP n SUBSEP $2 SUBSEP $5
	if (!(key in seen_hand)) { seen_hand[key] = 1; hand_rows[++nhand] = key }
	if ($7 > hand[key, $3, "max"] + 0)
		hand[key, $3, "max"] = $7
	hand[key, $3, "calls"] += $6
	hand[key, $3, "sum"] += $8
	hand[key, $3, "reps"]++
}
$1 == "info" && $2 == "preemptoff_deferred" {
	# info preemptoff_deferred scenario cond rep pages
	pre_def[k SUBSEP s SUBSEP n SUBSEP $3 SUBSEP $5, $4] = $6
}
$1 == "info" && $2 == "clock" {
	clock[k] = $3 " " $4 " " $5 " " $6
	sub(/ +$/, "", clock[k])
}
$1 == "info" && $2 == "cpus" {
	cpus[k, s, n] = $3
}
$1 == "info" && $2 == "prev_rev" {
	prev_rev[k] = $3
}
$1 == "info" && $2 == "prev_skipped" {
	$1 = $2 = ""
	prev_skip[k] = substr($0, 3)
}
$1 == "info" && $2 == "prev_tracepoints" {
	prev_tp[k] = $3
}
$1 == "info" && $2 == "hooks_attached" {
	hooks_att[k, n] = $3
}
$1 == "info" && $2 == "hook_missed" {
	# info hook_missed rep calls
	hook_missed[k, n] = hook_missed[k, n] " " $4
}
$1 == "info" && $2 == "owners_depot_new" {
	# info owners_depot_new rep stacks
	own_depot_new[k, n] = own_depot_new[k, n] " " $4
}
$1 == "info" && $2 == "owners_refills" {
	own_refills[k, n] = own_refills[k, n] " " $4
}
$1 == "info" && $2 == "ftrace_stack_frames" {
	# info ftrace_stack_frames workload stacks mean-frames
	if ((k, n) in ft_frames)
		ft_frames[k, n] = ft_frames[k, n] ", "
	ft_frames[k, n] = ft_frames[k, n] $3 " " $5
}
$1 == "info" && $2 == "owners_depot_table" {
	own_table_before[k, s] = 1
}
$1 == "info" && $2 == "tracepoints" {
	tp[k] = $3
}
$1 == "info" && $2 == "irqsoff_hugetlb_delete_events" {
	irq_delete[k, s, n] = irq_delete[k, s, n] " " $3
}
$1 == "info" && $2 == "irqsoff_pcp_high_max" {
	irq_high[k, s, n] = $3
}
$1 == "info" && $2 == "error" {
	errors = errors "\n- " k ", " s ", " n " nodes: error " $3
}

END {
	# Sizes in numeric order (the records come in file name order).
	for (i = 2; i <= ns; i++)
		for (j = i; j > 1 && mib(sizes[j - 1]) > mib(sizes[j]); j--) {
			t = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = t
		}
	for (ki = 1; ki <= nk; ki++)
		if (kernels[ki] in cost_k)
			any_cost = 1

	if (any_cost) {
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
	}
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		if (!(k in cost_k))
			continue
		nn = split(cost_nodes[k], nl, " ")
		sortn(nl, nn)
		for (ni = 1; ni <= nn; ni++) {
			n = nl[ni]
			s = cost_size[k, n]
			printf "### %s, %s guest, %d nodes, clock: %s\n\n", k, s, n, clock[k]
			print "| workload | not loaded ns/op | loaded ns/op | loaded vs not | target | off vs not | ftrace ns/op | ftrace vs not | ev/op memdesc | ev/op ftrace | ns/event memdesc | ns/event off | ns/event ftrace | ftrace / memdesc per event | target |"
			print "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
			nw = split(works[k], wl, " ")
			for (wi = 1; wi <= nw; wi++) {
				w = wl[wi]
				key = k SUBSEP n SUBSEP w
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
	}

	# The function hooks beside the tracepoints alone.
	for (ki = 1; ki <= nk; ki++)
		if (kernels[ki] in hook_k)
			any_hook = 1
	if (any_hook) {
		print "## Cost of the function hooks\n"
		print "Medians of each round's ns per operation, the conditions taking turns in each round:"
		print "*not loaded*: memdesc absent; *tracepoints only*: memdesc loaded with `skip_events`"
		print "naming every function hook, so only its tracepoint probes are attached; *with hooks*:"
		print "memdesc loaded as it ships, every hook attached.  `vmallocN` is one vmalloc()/vfree() pair"
		print "of N pages (`memdesc_benchmod.ko`), which calls `__vmalloc_node_range` and the bulk page"
		print "allocator once each; `fault` and `alloc0` are the workloads of the probe cost table (a"
		print "fault fires the page-table hooks once per new PTE table, every 512 pages; `alloc0` none);"
		print "`fork` is a fork of a child that writes one page and exits, and is waited for: a new"
		print "process's page tables, `pgd_alloc` and the table hooks of each level it fills.  *hook"
		print "events/op*: the hook events' counts in `stats` per operation"
		print "(a kretprobe counts a call once, at its return).  *ns per hook event*: (with hooks -"
		print "tracepoints only) / hook events per op; `-` where hooks fired on fewer than one"
		print "operation in a hundred, too few to carry the difference.  Clocks as in the probe cost"
		print "table.\n"
	}
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		if (!(k in hook_k))
			continue
		nn = split(hook_nodes[k], nl, " ")
		sortn(nl, nn)
		for (ni = 1; ni <= nn; ni++) {
			n = nl[ni]
			c = cpus[k, hook_size[k, n], n]
			printf "### %s, %s guest, %d nodes, %s vCPU%s, clock: %s\n\n", k, hook_size[k, n], n,
				c, c == 1 ? "" : "s", clock[k]
			h = hooks_att[k, n]
			gsub(/,/, ", ", h)
			printf "Hooks attached: %s.", h
			if ((k, n) in hook_missed)
				printf "  Calls they missed, most in a round: %d.", maxn(hook_missed[k, n])
			print "\n"
			print "| workload | not loaded ns/op | tracepoints only ns/op | with hooks ns/op | hooks vs tracepoints only | hook events/op | ns per hook event |"
			print "|---|---:|---:|---:|---:|---:|---:|"
			nw = split(hook_works[k, n], wl, " ")
			for (wi = 1; wi <= nw; wi++) {
				w = wl[wi]
				key = "hook" SUBSEP k SUBSEP n SUBSEP w
				b = median(vals[key SUBSEP "base" SUBSEP "ns"])
				t = median(vals[key SUBSEP "nohooks" SUBSEP "ns"])
				m = median(vals[key SUBSEP "memdesc" SUBSEP "ns"])
				e = median(vals[key SUBSEP "memdesc" SUBSEP "ev"])
				pe = e >= 0.01 ? sprintf("%.0f", (m - t) / e) : "-"
				printf "| %s | %.0f | %.0f | %.0f | %s | %s | %s |\n",
					w, b, t, m, pct(m, t), evfmt(e), pe
			}
			print ""
			hook_split(k, n)
		}
	}

	# Allocation sites (owners) beside ftrace taking a stack on each
	# allocation.
	for (ki = 1; ki <= nk; ki++)
		if (kernels[ki] in own_k)
			any_own = 1
	if (any_own) {
		print "## Cost of allocation sites (owners), beside ftrace with stacks\n"
		print "Medians of each round's ns per operation on the workloads of the probe cost table, the"
		print "conditions taking turns in each round: *not loaded*: memdesc absent; *loaded*: memdesc"
		print "loaded, owners off; *owners*: memdesc loaded with `owners=1`, so each allocation's stack"
		print "goes into the stack depot and its handle beside the block's word; *ftrace*: memdesc"
		print "absent, the same tracepoints recorded into the ring buffer; *ftrace_stacks*: the same with"
		print "a `stacktrace` trigger on `mm_page_alloc`, a stack in the ring buffer for each allocation."
		print "Owners went on once before the rounds with every workload run untimed, so the stacks the"
		print "rounds save are in the depot already (it never frees one): each save is a lookup, not"
		print "a first save.  *ev/op*: tracepoint hits per operation (memdesc's `stats`; the ring"
		print "buffer's entries + overrun less its stacks).  *stacks/op*: stacks taken per operation"
		print "(`owner_saved` + `owner_unsaved`; what the trigger's count went down by).  *ns/event*:"
		print "(ns/op of the condition - ns/op not loaded) / its ev/op.  *ns/stack*: what taking a stack"
		print "adds, (owners - loaded) / owners' stacks per op and (ftrace_stacks - ftrace) /"
		print "ftrace_stacks' stacks per op.  Target: owners per event at most half of ftrace_stacks'."
		print "Clocks as in the probe cost table.\n"
	}
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		if (!(k in own_k))
			continue
		nn = split(own_nodes[k], nl, " ")
		sortn(nl, nn)
		for (ni = 1; ni <= nn; ni++) {
			n = nl[ni]
			printf "### %s, %s guest, %d nodes, clock: %s\n\n", k, own_size[k, n], n, clock[k]
			print "| workload | not loaded ns/op | loaded ns/op | owners ns/op | owners vs not | owners vs loaded | ftrace ns/op | ftrace_stacks ns/op | ev/op owners | ev/op ftrace_stacks | stacks/op owners | stacks/op ftrace_stacks | ns/event loaded | ns/event owners | ns/event ftrace | ns/event ftrace_stacks | owners / ftrace_stacks per event | target | ns/stack owners | ns/stack ftrace_stacks |"
			print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
			nw = split(own_works[k, n], wl, " ")
			for (wi = 1; wi <= nw; wi++) {
				w = wl[wi]
				key = "own" SUBSEP k SUBSEP n SUBSEP w SUBSEP
				b = median(vals[key "base" SUBSEP "ns"])
				m = median(vals[key "memdesc" SUBSEP "ns"])
				o = median(vals[key "owners" SUBSEP "ns"])
				f = median(vals[key "ftrace" SUBSEP "ns"])
				fs = median(vals[key "ftrace_stacks" SUBSEP "ns"])
				em = median(vals[key "memdesc" SUBSEP "ev"])
				eo = median(vals[key "owners" SUBSEP "ev"])
				ef = median(vals[key "ftrace" SUBSEP "ev"])
				efs = median(vals[key "ftrace_stacks" SUBSEP "ev"])
				so = median(vals[key "owners" SUBSEP "st"])
				sfs = median(vals[key "ftrace_stacks" SUBSEP "st"])
				pm = em > 0 ? (m - b) / em : 0
				po = eo > 0 ? (o - b) / eo : 0
				pf = ef > 0 ? (f - b) / ef : 0
				pfs = efs > 0 ? (fs - b) / efs : 0
				printf "| %s | %.0f | %.0f | %.0f | %s | %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f | %s | <= 0.50: %s | %s | %s |\n",
					w, b, m, o, pct(o, b), pct(o, m), f, fs, eo, efs,
					so, sfs, pm, po, pf, pfs, ratio(po, pfs),
					verdict(pfs > 0 && po <= 0.5 * pfs),
					(so > 0) ? sprintf("%.0f", (o - m) / so) : "-",
					(sfs > 0) ? sprintf("%.0f", (fs - f) / sfs) : "-"
			}
			print ""
			printf "Stacks owners could not save in the timed rounds (`owner_unsaved`): %d.", own_unsaved[k, n]
			if ((k, n) in own_depot_new)
				printf "  Stacks new to the depot during each round's owners pass:%s.", own_depot_new[k, n]
			if ((k, n) in own_refills)
				printf "  Depot pools the worker added (`owner_refills`), by round:%s.", own_refills[k, n]
			if ((k, n) in ft_frames)
				printf "\nFrames in a stack the trigger took (mean, short untimed runs): %s; the owners probe\nsaves at most 16 from the same first frame.", ft_frames[k, n]
			print "\n"
			if ((k, n) in sc_k) {
				stack_apart(k, n)
				print ""
			}
		}
	}

	np = mem_pairs("owners_slot_bytes")
	if (np) {
		print "## Memory of allocation sites (owners)\n"
		print "In the boot of the owners cost table, before its rounds: memdesc loaded, drop_caches,"
		print "then `owners on` and one untimed run of each workload, then `owners off`.  *slots*:"
		print "`slot-bytes` of the owners file's head record, 4 bytes per tracked PFN, freed by"
		print "`owners off`.  *depot*: the kernel's stack depot, from its own debugfs `stats` (6.8 on),"
		print "before and with owners on: *pools* (16 KiB page allocations, never freed), *stacks* (its"
		print "persistent records) and their bytes; *table*: the depot's hash table when `owners on`"
		print "was its first user since boot (16 bytes an entry, from the kernel log), else `-`.  *Slab*,"
		print "*VmallocUsed* (/proc/meminfo, Slab counting kmalloc's page-sized allocations, where the"
		print "slots and the table go): after - before; *free drop*: before - after of MemFree plus the"
		print "pages on the per-cpu lists (/proc/zoneinfo's `count`), which MemFree leaves out and the"
		print "workloads fill (MemFree alone where the lists were not counted); *on*: owners on and the"
		print "workloads run, *off*: after `owners off`.\n"
		print "| kernel | guest | slots | table | depot pools before / on | pool bytes added | depot stacks before / on | stack bytes added | Slab on | VmallocUsed on | free drop on | Slab off | VmallocUsed off | free drop off |"
		print "|---|---|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
	}
	for (i = 1; i <= np; i++) {
		k = pk[i]
		s = ps[i]
		pb = mem[k, s, "owners_before_depot_pools"]
		pa = mem[k, s, "owners_on_depot_pools"]
		sb = mem[k, s, "owners_before_depot_stacks"]
		sa = mem[k, s, "owners_on_depot_stacks"]
		te = mem[k, s, "owners_depot_table_entries"]
		if (te == "" || te == "-")
			te = (k, s) in own_table_before ? "before" : "-"
		else
			te = sprintf("%d", te * 16)
		printf "| %s | %s | %d | %s | %s / %s | %s | %s / %s | %s | %d | %d | %d | %d | %d | %d |\n",
			k, s, mem[k, s, "owners_slot_bytes"], te, pb, pa,
			pb == "-" ? "-" : sprintf("%d", (pa - pb) * 16384), sb, sa,
			sb == "-" ? "-" : sprintf("%d", mem[k, s, "owners_on_depot_stack_bytes"] - mem[k, s, "owners_before_depot_stack_bytes"]),
			(mem[k, s, "owners_on_meminfo_slab_kb"] - mem[k, s, "owners_before_meminfo_slab_kb"]) * 1024,
			(mem[k, s, "owners_on_vmallocused_kb"] - mem[k, s, "owners_before_vmallocused_kb"]) * 1024,
			owners_free(k, s, "before") - owners_free(k, s, "on"),
			(mem[k, s, "owners_off_meminfo_slab_kb"] - mem[k, s, "owners_before_meminfo_slab_kb"]) * 1024,
			(mem[k, s, "owners_off_vmallocused_kb"] - mem[k, s, "owners_before_vmallocused_kb"]) * 1024,
			owners_free(k, s, "before") - owners_free(k, s, "off")
	}
	if (np) {
		print ""
		print "With owners on, the owners head record and the owner counters of `stats`: *seconds* since"
		print "`owners on`, *sites*, *stacks* (the stack records it names), *pages* (allocated PFNs"
		print "counted), *unknown* (of those, allocated before owners on), *unsaved*.\n"
		print "| kernel | guest | seconds | sites | stacks | pages | unknown | unsaved | owner_saved | owner_unsaved | owner_no_slot | owner_refills |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	}
	for (i = 1; i <= np; i++) {
		k = pk[i]
		s = ps[i]
		printf "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n",
			k, s, mem[k, s, "owners_seconds"], mem[k, s, "owners_sites"],
			mem[k, s, "owners_stacks"], mem[k, s, "owners_pages"],
			mem[k, s, "owners_unknown"], mem[k, s, "owners_unsaved"],
			mem[k, s, "owners_owner_saved"], mem[k, s, "owners_owner_unsaved"],
			mem[k, s, "owners_owner_no_slot"], mem[k, s, "owners_owner_refills"]
	}
	if (np)
		print ""

	# The previous release beside this one, per node count.
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		if ((k in cost_k) && ((k in prev_k) || (k in prev_skip)))
			any_prev = 1
	}
	if (any_prev) {
		print "## Before and after: this release beside the previous one\n"
		print "The same rounds as above: *prev* is the previous release's module (`MEMDESC_BENCH_PREV`)"
		print "loaded instead of this one, in its turn within each round, counting the same tracepoints"
		print "with its own `stats`.  *ns/event*: (ns/op of the condition - ns/op not loaded) / ev/op."
		print "*this / prev*: ratios of this release's figure to the previous one's; below 1.000 this"
		print "release is cheaper.  Target, at 2 nodes: this release's ns per event not above the"
		print "previous one's.\n"
	}
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		if (!(k in cost_k))
			continue
		if (!(k in prev_k)) {
			if (k in prev_skip)
				printf "### %s: no previous release measured (%s)\n\n", k, prev_skip[k]
			continue
		}
		printf "### %s, clock: %s; previous release %s\n\n", k, clock[k], prev_rev[k]
		if (prev_tp[k] != tp[k])
			printf "The two attach different tracepoints: this %s, prev %s.\n\n", tp[k], prev_tp[k]
		print "| nodes | guest | workload | not loaded ns/op | this ns/op | prev ns/op | this / prev ns/op | ev/op this | ev/op prev | ns/event this | ns/event prev | this / prev per event | target |"
		print "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
		nn = split(cost_nodes[k], nl, " ")
		sortn(nl, nn)
		for (ni = 1; ni <= nn; ni++) {
			n = nl[ni]
			nw = split(works[k], wl, " ")
			for (wi = 1; wi <= nw; wi++) {
				w = wl[wi]
				key = k SUBSEP n SUBSEP w
				if (!((key SUBSEP "prev" SUBSEP "ns") in vals))
					continue
				b = median(vals[key SUBSEP "base" SUBSEP "ns"])
				m = median(vals[key SUBSEP "memdesc" SUBSEP "ns"])
				p = median(vals[key SUBSEP "prev" SUBSEP "ns"])
				em = median(vals[key SUBSEP "memdesc" SUBSEP "ev"])
				ep = median(vals[key SUBSEP "prev" SUBSEP "ev"])
				pm = em > 0 ? (m - b) / em : 0
				pp = ep > 0 ? (p - b) / ep : 0
				tgt = "-"
				if (n == 2)
					tgt = "this <= prev: " verdict(pm <= pp)
				printf "| %d | %s | %s | %.0f | %.0f | %.0f | %s | %.2f | %.2f | %.0f | %.0f | %s | %s |\n",
					n, cost_size[k, n], w, b, m, p, ratio(m, p), em, ep,
					pm, pp, (pp > 0 ? ratio(pm, pp) : "-"), tgt
			}
		}
		print ""
	}

	for (ki = 1; ki <= nk; ki++)
		for (si = 1; si <= ns; si++)
			if ((kernels[ki], sizes[si], "compare", "ns") in vals)
				any_scan = 1
	if (any_scan) {
		print "## Scan speed\n"
		print "Medians of reading each debugfs file to its end (`compare` walks and classifies every"
		print "online PFN, then rechecks; `summary` counts the shadow), and of `page-types -a 0,END`"
		print "(tools/mm of linux-source-6.12, static) reading /proc/kpageflags over the PFNs the"
		print "shadow spans, in the same boot.  *vs smallest*: ns per PFN relative to the smallest"
		print "guest of the kernel; linear cost keeps it near 1.00.\n"
		print "*prev-compare*, *prev-summary*: the previous release's (`MEMDESC_BENCH_PREV`) in the"
		print "same boot; *this / prev*: this release's time over the previous one's.\n"
		print "| kernel (clock) | guest | what | PFNs | ms | PFNs/s | ns/PFN | ns/PFN vs smallest | compare / page-types time | this / prev |"
		print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
	}
	for (ki = 1; ki <= nk; ki++) {
		k = kernels[ki]
		first = ""
		for (si = 1; si <= ns; si++) {
			s = sizes[si]
			if (!((k, s) in seen_ks))
				continue
			pt = median(vals[k SUBSEP s SUBSEP "page-types" SUBSEP "ns"])
			split("compare summary page-types prev-compare prev-summary", what, " ")
			for (wi = 1; wi <= 5; wi++) {
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
				# Under icount a nanosecond is an instruction.
				if (w == "compare" && clock[k] ~ /^icount/)
					cmp = cmp sprintf("; <= 120 instructions a PFN: %s", verdict(per <= 120))
				pv = ""
				if (w == "compare" || w == "summary") {
					p = median(vals[k SUBSEP s SUBSEP "prev-" w SUBSEP "ns"])
					if (p > 0)
						pv = sprintf("%.3f", t / p)
				}
				printf "| %s (%s) | %s | %s | %d | %.1f | %.3g | %.1f | %.2f | %s | %s |\n",
					k, clock[k], s, w, pfns[k, s, w], t / 1e6,
					pfns[k, s, w] / (t / 1e9), per,
					per / base_per[k, w], cmp, pv
			}
		}
	}
	if (any_scan)
		print ""

	if (nprof) {
		print "## Where compare's instructions go\n"
		print "One more `compare` read per boot under the function_graph tracer, which patches only"
		print "compare's stages (tests/vm/bench.sh, profile_compare, `BENCH_PROFILE_FUNCS`).  Each"
		print "function's time includes its callees'; what the compiler inlined counts in its caller:"
		print "`memdesc_compare_run`'s own share is the loop that checks a block's words against the"
		print "shadow's.  Under icount a nanosecond is an instruction.  *per PFN*: over the PFNs"
		print "compared; *share*: of the traced read, whose excess over the untraced median is the"
		print "tracer's own cost at each traced call.\n"
		print "| kernel | guest | function | calls | instructions | per PFN | share |"
		print "|---|---|---|---:|---:|---:|---:|"
	}
	for (pi = 1; pi <= nprof; pi++) {
		key = prof_rows[pi]
		split(key, ks, SUBSEP)
		np = prof_nf[key]
		for (i = 1; i <= np; i++)
			order[i] = prof_ns[key, prof_fn[key, i]] SUBSEP prof_fn[key, i]
		# By time, largest first (insertion sort on the numeric part).
		for (i = 2; i <= np; i++)
			for (j = i; j > 1; j--) {
				split(order[j - 1], prof_x, SUBSEP)
				split(order[j], prof_y, SUBSEP)
				if (prof_x[1] + 0 >= prof_y[1] + 0)
					break
				t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
			}
		total = prof_ns[key, "read"]
		pf = pfns[ks[1], ks[2], "compare"]
		untraced = median(vals[ks[1] SUBSEP ks[2] SUBSEP "compare" SUBSEP "ns"])
		for (i = 1; i <= np; i++) {
			split(order[i], prof_x, SUBSEP)
			f = prof_x[2]
			name = f == "read" ? "(the traced read; untraced: " num(untraced) ")" : "`" f "`"
			printf "| %s | %s | %s | %d | %.0f | %.1f | %s |\n",
				ks[1], ks[2], name, prof_calls[key, f], prof_ns[key, f],
				pf ? prof_ns[key, f] / pf : 0,
				total ? sprintf("%.1f%%", prof_ns[key, f] * 100 / total) : "-"
		}
	}
	if (nprof)
		print ""

	np = mem_pairs("spanned")
	if (np) {
		print "## Memory\n"
		print "Measured around one insmod, after drop_caches.  *shadow*: the words; from the module's"
		print "`stats` (`shadow_word_bytes`: one kmalloc'd, or failing that vmalloc'd, chunk per"
		print "section) where it has that line, else the vmalloc areas memdesc's own code made"
		print "(/proc/vmallocinfo lines naming `[memdesc]`, less one guard page each: the per-node"
		print "layout before the section table);"
		print "*module*: its size in /proc/modules (text and data); *slab*: slab bytes (active"
		print "objects x object size, /proc/slabinfo) after - before, which holds the section table's"
		print "leaves and root; *percpu*: Percpu after - before"
		print "(/proc/meminfo, kB granularity) plus the module's own per-cpu section (its size in the"
		print ".ko x CPUs: it lands in the boot chunk's reserved area, which no counter shows)."
		print "*fixed* = shadow + module + slab +"
		print "percpu - 8 x spanned.  *VmallocUsed* and *Slab* (/proc/meminfo, which counts kmalloc's"
		print "page-sized allocations too) after - before cross-check the"
		print "shadow.  *MemFree drop* is only a coarse check: pages parked on the per-cpu free lists"
		print "are not counted free, so it swings by megabytes as those lists fill and drain."
		print "Target: fixed < 64 KiB.\n"
		print "| kernel | guest | spanned PFNs | 8 x spanned | shadow | VmallocUsed | Slab | module | slab | percpu | fixed | target | MemFree drop |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
	}
	for (i = 1; i <= np; i++) {
		k = pk[i]
		s = ps[i]
		sp = mem[k, s, "spanned"]
		if ((k, s, "shadow_word_bytes") in mem)
			sh = mem[k, s, "shadow_word_bytes"]
		else
			sh = mem[k, s, "vmalloc_memdesc_bytes"] - 4096 * mem[k, s, "vmalloc_memdesc_areas"]
		mo = mem[k, s, "module_core_bytes"]
		sl = mem[k, s, "after_slab_bytes"] - mem[k, s, "before_slab_bytes"]
		pc = (mem[k, s, "after_percpu_kb"] - mem[k, s, "before_percpu_kb"]) * 1024
		pc += mem[k, s, "module_percpu_bytes"] * cpus[k, s, 2]
		fixed = sh + mo + sl + pc - 8 * sp
		drop = (mem[k, s, "before_memfree_kb"] - mem[k, s, "after_memfree_kb"]) * 1024
		vu = (mem[k, s, "after_vmallocused_kb"] - mem[k, s, "before_vmallocused_kb"]) * 1024
		ms = "-"
		if ((k, s, "after_meminfo_slab_kb") in mem)
			ms = sprintf("%d", (mem[k, s, "after_meminfo_slab_kb"] - mem[k, s, "before_meminfo_slab_kb"]) * 1024)
		printf "| %s | %s | %d | %d | %d | %d | %s | %d | %d | %d | %d (%.1f KiB) | < 64 KiB: %s | %d |\n",
			k, s, sp, 8 * sp, sh, vu, ms, mo, sl, pc, fixed,
			fixed / 1024, verdict(fixed < 65536), drop
	}
	if (np)
	print ""

	# The shadow against the RAM the guest has, and the hole below 4 GiB.
	np = mem_pairs("ram_pfns")
	if (np) {
		print "## The shadow against the RAM, with and without a hole\n"
		print "Per guest, after one insmod of each release (2 nodes).  *RAM PFNs*: pages of the"
		print "top-level `System RAM` ranges of /proc/iomem; *highest PFN*: the end of the last one;"
		print "*hole*: PFNs between RAM ranges (the largest gap in brackets).  *listed*: PFNs the"
		print "`layout` file lists; *listed, not RAM*: of those, PFNs no RAM range holds, what the"
		print "words spend on holes.  *words*, *table*, *shadow*: this release's `stats`"
		print "(`shadow_word_bytes`, `shadow_table_bytes`, `shadow_bytes`); *prev shadow*: the"
		print "previous release's `shadow_bytes` (its words, one range per node span).  *this / 8 x RAM*:"
		print "the shadow against one word per RAM page.\n"
		print "| kernel | guest | RAM PFNs | 8 x RAM PFNs | highest PFN | hole PFNs (largest) | listed PFNs | listed, not RAM | words | table | shadow | shadow / 8 x RAM | prev listed PFNs | prev listed, not RAM | prev shadow | shadow / prev | the hole costs this release |"
		print "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	}
	for (i = 1; i <= np; i++) {
		k = pk[i]
		s = ps[i]
		ram = mem[k, s, "ram_pfns"]
		hole = mem[k, s, "hole_pfns"]
		nonram = mem[k, s, "layout_pfns"] - mem[k, s, "layout_ram_pfns"]
		has_p = (k, s, "prev_shadow_bytes") in mem
		pnon = has_p ? mem[k, s, "prev_layout_pfns"] - mem[k, s, "prev_layout_ram_pfns"] : ""
		# A hole of a section or more that the words skip costs
		# them nothing; what remains is the part of a section
		# around RAM that does not end on a section boundary.
		if (mem[k, s, "hole_max_pfns"] < 32768)
			cost = "no section-sized hole"
		else
			cost = sprintf("%s: %d words (%d bytes) on non-RAM PFNs, of a %d-PFN hole",
				nonram < 32768 ? "no" : "**yes**", nonram, 8 * nonram, hole)
		printf "| %s | %s | %d | %d | %d | %d (%d) | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s |\n",
			k, s, ram, 8 * ram, mem[k, s, "ram_end_pfn"], hole,
			mem[k, s, "hole_max_pfns"], mem[k, s, "layout_pfns"],
			nonram, mem[k, s, "shadow_word_bytes"],
			mem[k, s, "shadow_table_bytes"], mem[k, s, "shadow_bytes"],
			ratio(mem[k, s, "shadow_bytes"], 8 * ram),
			has_p ? num(mem[k, s, "prev_layout_pfns"]) : "-",
			has_p ? num(pnon) : "-",
			has_p ? num(mem[k, s, "prev_shadow_bytes"]) : "-",
			has_p ? ratio(mem[k, s, "shadow_bytes"], mem[k, s, "prev_shadow_bytes"]) : "-",
			cost
	}
	if (np)
		print ""

	if (nirq) {
		print "## Longest stretch with interrupts off\n"
		print "The irqsoff tracer's `tracing_max_latency` (µs, by the trace clock), reset and recording"
		print "turned on just before the step and off just after it, on the CPU that ran the step (in"
		print "brackets; the only CPU traced), and the functions its trace names as where that stretch"
		print "started and ended; each scenario without memdesc and with it, in one boot."
		print "*compare*: every CPU's per-cpu lists filled (`percpu_pagelist_high_fraction`, then"
		print "memory faulted in and freed on each CPU in turn), then memdesc's `compare` read to its"
		print "end, or without memdesc `page-types -a 0,END` over the same PFNs; *hugetlb*: a 1 GiB"
		print "hugetlb folio truncated out of a memfd, whose `mm_filemap_delete_from_page_cache` fires"
		print "under `xa_lock_irq`.  *step ms*: the step's own time; *pcp pages*: pages on the per-cpu"
		print "lists just before it.\n"
		print "| kernel | guest | scenario | round | without: max µs (CPU) | started at | ended at | with memdesc: max µs (CPU) | started at | ended at | with / without | step ms without / with | pcp pages without / with |"
		print "|---|---|---|---:|---:|---|---|---:|---|---|---:|---|---|"
	}
	for (i = 1; i <= nirq; i++) {
		key = irq_rows[i]
		split(key, kp, SUBSEP)
		printf "| %s | %s, %d nodes, %s CPUs | %s | %s | %s (%s) | %s | %s | %s (%s) | %s | %s | %s | %s / %s | %s / %s |\n",
			kp[1], kp[2], kp[3], cpus[kp[1], kp[2], kp[3]], kp[4], kp[5],
			irq[key, "base", "us"], irq[key, "base", "cpu"],
			irq[key, "base", "from"], irq[key, "base", "to"],
			irq[key, "memdesc", "us"], irq[key, "memdesc", "cpu"],
			irq[key, "memdesc", "from"], irq[key, "memdesc", "to"],
			ratio(irq[key, "memdesc", "us"], irq[key, "base", "us"]),
			irq[key, "base", "ns"] == "" ? "-" : sprintf("%.1f", irq[key, "base", "ns"] / 1e6),
			irq[key, "memdesc", "ns"] == "" ? "-" : sprintf("%.1f", irq[key, "memdesc", "ns"] / 1e6),
			irq[key, "base", "pcp"], irq[key, "memdesc", "pcp"]
	}
	if (nirq) {
		print ""
		for (i = 1; i <= nirq; i++) {
			split(irq_rows[i], kp, SUBSEP)
			g = kp[1] SUBSEP kp[2] SUBSEP kp[3]
			if (g in irq_said)
				continue
			irq_said[g] = 1
			if (g in irq_high)
				printf "%s, %s: largest per-cpu list high mark %s pages.", kp[1], kp[2], irq_high[g]
			if (g in irq_delete)
				printf " mm_filemap_delete_from_page_cache events memdesc counted per hugetlb round:%s.", irq_delete[g]
			print ""
		}
	}
	if (npre) {
		print "## Longest stretch with preemption off (PREEMPT_RT)\n"
		print "The preemptoff tracer's `tracing_max_latency` (µs, by the trace clock), reset and"
		print "recording turned on just before the step and off just after it, on CPU 0, which ran the"
		print "step and the unbound workqueues (memdesc's worker among them), and the only CPU traced;"
		print "where that stretch started and ended; each scenario without memdesc, with the earlier"
		print "build (*prev*, " (prev_rev[k] != "" ? prev_rev[k] : "none") ") and with this one, in one boot.  *vmalloc*: 4 x vmalloc()/vfree()"
		print "of 16 MiB; *percpu*: 16 x a per-cpu area of 32 KiB a CPU; *bulk*: vmalloc with owners on;"
		print "*compare*: compare read to its end.  *deferred*: pages the step's hooks left to the worker.\n"
		print "| kernel | scenario | round | without: max µs | with prev: max µs | started at | ended at | with memdesc: max µs | started at | ended at | memdesc / without | deferred |"
		print "|---|---|---:|---:|---:|---|---|---:|---|---|---:|---:|"
	}
	for (i = 1; i <= npre; i++) {
		key = pre_rows[i]
		split(key, kp, SUBSEP)
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			kp[1], kp[4], kp[5],
			(key, "base", "us") in pre ? pre[key, "base", "us"] : "-",
			(key, "prev", "us") in pre ? pre[key, "prev", "us"] : "-",
			(key, "prev", "from") in pre ? pre[key, "prev", "from"] : "-",
			(key, "prev", "to") in pre ? pre[key, "prev", "to"] : "-",
			pre[key, "memdesc", "us"], pre[key, "memdesc", "from"],
			pre[key, "memdesc", "to"],
			(key, "base", "us") in pre ? ratio(pre[key, "memdesc", "us"], pre[key, "base", "us"]) : "-",
			(key, "memdesc") in pre_def ? pre_def[key, "memdesc"] : "-"
	}
	if (npre)
		print ""
	if (nhand) {
		print "The same steps again under the function_graph tracer of memdesc's handlers and of its"
		print "worker's batch (`memdesc_defer_batch`), each call one stretch with preemption off: its"
		print "mean and the longest over the rounds (µs, the tracer's own cost and any interrupt taken"
		print "meanwhile in them), and the calls per round.\n"
		print "| kernel | scenario | function | prev: mean µs | longest | calls | memdesc: mean µs | longest | calls | mean, memdesc / prev |"
		print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
	}
	for (i = 1; i <= nhand; i++) {
		key = hand_rows[i]
		split(key, kp, SUBSEP)
		pr = (key, "prev", "max") in hand
		md = (key, "memdesc", "max") in hand
		pmean = pr ? hand[key, "prev", "sum"] / hand[key, "prev", "calls"] : 0
		mmean = md ? hand[key, "memdesc", "sum"] / hand[key, "memdesc", "calls"] : 0
		printf "| %s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s |\n", kp[1], kp[4], kp[5],
			pr ? sprintf("%.1f", pmean) : "-",
			pr ? hand[key, "prev", "max"] : "-",
			pr ? sprintf("%.0f", hand[key, "prev", "calls"] / hand[key, "prev", "reps"]) : "-",
			md ? sprintf("%.1f", mmean) : "-",
			md ? hand[key, "memdesc", "max"] : "-",
			md ? sprintf("%.0f", hand[key, "memdesc", "calls"] / hand[key, "memdesc", "reps"]) : "-",
			pr && md ? ratio(mmean, pmean) : "-"
	}
	if (nhand)
		print ""
	if (errors != "")
		print "\nErrors the guest reported:" errors
}
