#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# man4.sh VERSION - print memdesc(4), the module's man page, made from
# docs/debugfs.md: its module parameters (the list after "Module
# parameters:") and its "debugfs reference", every file and record format.
# That file is the one source, so the page cannot drift from it.  make install (tools)
# runs this; tests/tools/run.sh checks the page with man --warnings.
#
# The converter knows the Markdown the file uses there: headings, fenced
# code, paragraphs, "- " lists, one table, `code`, **bold**, *italic* and
# [links](...).

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: man4.sh VERSION}
readme=$top/docs/debugfs.md

cat <<EOF
.\\" SPDX-License-Identifier: GPL-2.0
.\\" Made from docs/debugfs.md by scripts/man4.sh: edit that, not this.
.TH MEMDESC 4 2026-11-27 "memdesc $version" "Devices"
.SH NAME
memdesc \\- shadow memdesc array of the running kernel, in debugfs
.SH SYNOPSIS
.B modprobe memdesc
.RI [ parameter = value ...]
.br
.I /sys/kernel/debug/memdesc/
.SH DESCRIPTION
The
.B memdesc
module keeps one 8-byte word per page frame (PFN) beside the kernel's
.IR "struct page" ,
encoding the page's type, subtype, allocation order, zone and node as the
planned memdesc would.
The page allocator's tracepoints and a few function hooks keep it current;
the files below report the census, compare the shadow against the live
kernel, and say what memdesc would cost.
.BR memdesc\\-stat (1)
reads them for people and scripts.
EOF

# md2man: Markdown lines on stdin to man(7) on stdout.  A paragraph or a
# list item is gathered whole before its inline markup is converted, as a
# code span may run over a line break.
md2man()
{
	awk '
	function esc(s) {
		gsub(/\\/, "\\e", s)
		return s
	}
	# Links first (their text may hold code), then code spans, their
	# contents kept literal, then emphasis outside them.
	function inline(s,    out, i, j, code, t) {
		gsub(/\*\*`/, "`", s)		# bold code: code is bold
		gsub(/`\*\*/, "`", s)
		while (match(s, /\[[^]]*\]\([^)]*\)/)) {
			t = substr(s, RSTART + 1, RLENGTH)
			sub(/\]\(.*$/, "", t)
			s = substr(s, 1, RSTART - 1) t substr(s, RSTART + RLENGTH)
		}
		s = esc(s)
		out = ""
		while ((i = index(s, "`")) > 0) {
			out = out emph(substr(s, 1, i - 1))
			s = substr(s, i + 1)
			j = index(s, "`")
			if (!j) { s = "`" s; break }
			code = substr(s, 1, j - 1)
			gsub(/-/, "\\-", code)
			out = out "\\fB" code "\\fR"
			s = substr(s, j + 1)
		}
		return out emph(s)
	}
	function emph(s) {
		while (match(s, /\*\*[^*]+\*\*/))
			s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 2, RLENGTH - 4) "\\fR" substr(s, RSTART + RLENGTH)
		while (match(s, /\*[^* ][^*]*\*/))
			s = substr(s, 1, RSTART - 1) "\\fI" substr(s, RSTART + 1, RLENGTH - 2) "\\fR" substr(s, RSTART + RLENGTH)
		gsub(/—/, "\\(em", s)
		gsub(/→/, "\\(->", s)
		gsub(/×/, "\\(mu", s)
		return s
	}
	# Text for one output line, never starting with a control character.
	function text(s) {
		s = inline(s)
		if (s ~ /^[.\047]/)
			s = "\\&" s
		print s
	}
	function flush() {
		if (para != "")
			text(para)
		para = ""
	}
	function cells(s, a) {
		sub(/^\| */, "", s)
		sub(/ *\|$/, "", s)
		return split(s, a, / *\| */)
	}
	/^```/ {
		flush()
		if (!code) { print ".PP"; print ".in +4n"; print ".EX"; code = 1 }
		else { print ".EE"; print ".in"; code = 0 }
		next
	}
	code {
		line = esc($0)
		gsub(/-/, "\\-", line)
		if (line ~ /^[.\047]/)
			line = "\\&" line
		print line
		next
	}
	/^### / {
		flush()
		h = substr($0, 5)
		gsub(/`/, "", h)
		gsub(/—/, "\\(em", h)
		print ".SS \"" h "\""
		next
	}
	/^\|[-| ]+\|$/ { next }		# the table rule
	/^\|/ {
		flush()
		n = cells($0, c)
		if (!table) {			# the header row, in italics
			table = 1
			print ".TP"
			print "\\fI" c[1] "\\fR"
			row = ""
			for (i = 2; i <= n; i++)
				row = row (i > 2 ? "; " : "") c[i]
			print "\\fI" row "\\fR"
			next
		}
		print ".TP"
		text(c[1])
		row = ""
		for (i = 2; i <= n; i++)
			row = row (i > 2 ? "; " : "") c[i]
		text(row)
		next
	}
	/^- / { flush(); print ".IP \\(bu 2"; para = substr($0, 3); next }
	/^$/ { flush(); table = 0; print ".PP"; next }
	{ sub(/^ +/, ""); para = para (para != "" ? " " : "") $0 }
	END { flush() }
	'
}

echo ".SH PARAMETERS"
awk '/^Module parameters:$/ { on = 1; next }
     on && /^$/ { exit }
     on' "$readme" | md2man

echo ".SH FILES"
awk '/^## debugfs reference$/ { on = 1; next }
     on && /^## / { exit }
     on' "$readme" | md2man

cat <<'EOF'
.SH SEE ALSO
.BR memdesc\-stat (1),
.BR proc (5)
.PP
In the source: docs/debugfs.md, of which this page is made; README.md;
docs/design.md, how the module works, how a page's type is decided, and its
known limits.
EOF
