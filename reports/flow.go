package reports

import "fmt"

// A document is laid out in two passes: first every block is measured and given its page, then
// the pages are drawn. Knowing every page before drawing one gives "Page 2 of 5" without fpdf's
// page-count alias, which rewrites every page once per alias.

// block is a piece of a page that is never split: a title, a table row, the signature lines.
type block struct {
	h    float64
	draw func(top float64)
}

// part is a run of rows under one column heading; the heading repeats on every page the rows
// continue on. The lead blocks (a caption) stay on the page of the heading and the first row.
type part struct {
	lead []block
	head *block
	rows []block
}

// section is a run of pages that starts on a new page and has its own header: the summary, one
// order's picking list, one courier's manifest.
type section struct {
	first []block // the top of its first page
	cont  []block // the top of each later page
	parts []part
	label string // the footer's left side
}

// pageNo is where a page stands, in its section and in the document.
type pageNo struct{ inSection, sectionPages, inDoc, docPages int }

type placed struct {
	b block
	y float64
}

type pageLayout struct {
	sec   *section
	no    pageNo
	items []placed
}

// paginate gives every block of the sections its page and its place on the page.
func (s *sheet) paginate(secs []*section) []*pageLayout {
	var pages []*pageLayout
	for _, sec := range secs {
		start := len(pages)
		var cur *pageLayout
		var y float64
		rows := 0 // rows on the current page: a page never stays empty for a block too tall for it
		place := func(b block) {
			cur.items = append(cur.items, placed{b, y})
			y += b.h
		}
		newPage := func(top []block) {
			cur = &pageLayout{sec: sec}
			pages = append(pages, cur)
			y, rows = s.top, 0
			for _, b := range top {
				place(b)
			}
		}
		newPage(sec.first)
		for _, p := range sec.parts {
			for i, row := range p.rows {
				need := row.h
				if i == 0 {
					need += blocksHeight(p.lead)
					if p.head != nil {
						need += p.head.h
					}
				}
				moved := false
				if y+need > s.bottom+1e-6 && rows > 0 {
					newPage(sec.cont)
					moved = true
				}
				if i == 0 {
					for _, b := range p.lead {
						place(b)
					}
				}
				if p.head != nil && (i == 0 || moved) {
					place(*p.head)
				}
				place(row)
				rows++
			}
		}
		for i := start; i < len(pages); i++ {
			pages[i].no = pageNo{inSection: i - start + 1, sectionPages: len(pages) - start}
		}
	}
	for i, p := range pages {
		p.no.inDoc, p.no.docPages = i+1, len(pages)
	}
	return pages
}

func blocksHeight(bs []block) float64 {
	h := 0.0
	for _, b := range bs {
		h += b.h
	}
	return h
}

// draw draws the laid out pages; number picks the page number the footer shows.
func (s *sheet) draw(pages []*pageLayout, docWide bool) {
	for _, p := range pages {
		s.pdf.AddPage()
		for _, it := range p.items {
			it.b.draw(it.y)
		}
		n, of := p.no.inSection, p.no.sectionPages
		if docWide {
			n, of = p.no.inDoc, p.no.docPages
		}
		s.footer(p.sec.label, fmt.Sprintf("Page %d of %d", n, of))
	}
}

// footer writes the page's bottom line: what the document is and when it was printed on the
// left, the page number on the right.
func (s *sheet) footer(label, page string) {
	s.font("", s.m.small)
	top := s.h - s.m.margin - lineH(s.m.small)
	s.rule(top-0.8, 0.1, 150)
	pw := s.pdf.GetStringWidth(page) + 1
	s.text(s.left, top, s.contentW()-pw-2, "L", label+" · "+s.printed())
	s.text(s.right-pw, top, pw, "R", page)
}

// spacer is an empty block.
func spacer(h float64) block { return block{h: h, draw: func(float64) {}} }
