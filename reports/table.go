package reports

// span is a column: its left edge and width.
type span struct{ x, w float64 }

// colGap is the space kept clear at the right of every column.
const colGap = 1.5

// inner is the width text may take in the column.
func (c span) inner() float64 { return c.w - colGap }

// end is the column's right edge.
func (c span) end() float64 { return c.x + c.w }

// columns shares the content width out in proportion to shares.
func (s *sheet) columns(shares ...float64) []span {
	total := 0.0
	for _, v := range shares {
		total += v
	}
	out := make([]span, len(shares))
	x := s.left
	for i, v := range shares {
		w := s.contentW() * v / total
		out[i] = span{x, w}
		x += w
	}
	return out
}

// textRun is text wrapped to a column in one font.
type textRun struct {
	style string
	pt    float64
	lines []string
}

// run wraps text to width w in the given font, at most max lines. Empty text is no run.
func (s *sheet) run(style string, pt float64, text string, w float64, max int) textRun {
	if printable(text) == "" {
		return textRun{style: style, pt: pt}
	}
	s.font(style, pt)
	return textRun{style: style, pt: pt, lines: s.wrap(text, w, max)}
}

func (r textRun) height() float64 { return float64(len(r.lines)) * lineH(r.pt) }

func runsHeight(runs []textRun) float64 {
	h := 0.0
	for _, r := range runs {
		h += r.height()
	}
	return h
}

// drawRuns draws runs one under another from top in the column.
func (s *sheet) drawRuns(c span, top float64, align string, runs ...textRun) {
	for _, r := range runs {
		s.font(r.style, r.pt)
		for _, l := range r.lines {
			s.text(c.x, top, c.inner(), align, l)
			top += lineH(r.pt)
		}
	}
}

// cell is one column of a table row: its runs and alignment.
type cell struct {
	runs  []textRun
	align string
}

// headBlock is a table's column headings with a rule under them.
func (s *sheet) headBlock(cols []span, titles []string, aligns []string) block {
	h := lineH(s.m.small) + 2*s.m.pad
	return block{h: h, draw: func(top float64) {
		s.font("B", s.m.small)
		for i, c := range cols {
			s.text(c.x, top+s.m.pad, c.inner(), aligns[i], titles[i])
		}
		s.rule(top+h-0.2, 0.35, 0)
	}}
}

// cellsHeight is the height of the tallest cell.
func cellsHeight(cells []cell) float64 {
	h := 0.0
	for _, c := range cells {
		h = max(h, runsHeight(c.runs))
	}
	return h
}

// drawCells draws a row's cells from top.
func (s *sheet) drawCells(cols []span, cells []cell, top float64) {
	for i, c := range cells {
		if i < len(cols) {
			s.drawRuns(cols[i], top, c.align, c.runs...)
		}
	}
}
