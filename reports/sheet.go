package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// Noto Sans covers Latin (Malay, English), Greek and Cyrillic. It has no CJK glyphs: Chinese
// product names print as empty boxes, while the SKU and stock code beside them stay readable.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	notoRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	notoBold []byte
)

const fontFamily = "noto"

// metrics are the sizes of one page size: an A4 sheet is read at arm's length on a desk, a label
// in the hand on the packing bench.
type metrics struct {
	margin  float64 // mm
	body    float64 // pt
	small   float64 // pt
	title   float64 // pt
	big     float64 // pt: the order number
	pad     float64 // mm above and below a table row's text
	barH    float64 // mm: a Code128 in a table row
	headBar float64 // mm: the order number's Code128 at the top of a picking list
	qr      float64 // mm: the least QR symbol size, quiet zone not counted
	footer  float64 // mm kept for the footer
}

func metricsFor(p PageSize) metrics {
	if p.label() {
		return metrics{margin: 4, body: 7.5, small: 6.2, title: 10.5, big: 11, pad: 0.8,
			barH: 8, headBar: 12, qr: 20, footer: 4.5}
	}
	return metrics{margin: 12, body: 9.5, small: 7.5, title: 15, big: 14, pad: 1.2,
		barH: 9, headBar: 14, qr: 22, footer: 6}
}

// ptMM converts a font size in points to millimetres.
const ptMM = 25.4 / 72

// lineH is the height of one line of text at size pt.
func lineH(pt float64) float64 { return pt * ptMM * 1.25 }

// sheet is one PDF being laid out: its page size, fonts and barcode images.
type sheet struct {
	pdf     *fpdf.Fpdf
	opt     Options
	m       metrics
	w, h    float64 // page, mm
	left    float64 // content box
	right   float64
	top     float64
	bottom  float64
	symbols map[string]*symbol // by kind and content: each barcode is drawn into the PDF once
	err     error              // the first barcode that could not be made (not an encoding refusal)
}

func newSheet(opt Options) *sheet {
	w, h := opt.Page.Millimetres()
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	pdf.SetAutoPageBreak(false, 0)
	// Page streams stay uncompressed: fpdf makes a fresh 1.3 MB zlib compressor for every page,
	// which for a 1,000-label picking list is 1.3 GB of garbage and half the time, to save a
	// few kilobytes a page. Barcode images and fonts are compressed all the same.
	pdf.SetCompression(false)
	pdf.SetCellMargin(0)
	pdf.SetCreationDate(opt.Now)
	pdf.SetModificationDate(opt.Now)
	pdf.SetCreator("Kedai", true)
	pdf.SetProducer("Kedai", true)
	pdf.AddUTF8FontFromBytes(fontFamily, "", notoRegular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", notoBold)
	pdf.SetLineWidth(0.2)
	m := metricsFor(opt.Page)
	s := &sheet{pdf: pdf, opt: opt, m: m, w: w, h: h,
		left: m.margin, right: w - m.margin, top: m.margin, bottom: h - m.margin - m.footer,
		symbols: map[string]*symbol{}}
	s.font("", m.body)
	return s
}

// contentW is the width between the margins.
func (s *sheet) contentW() float64 { return s.right - s.left }

// when formats a time in the user's zone.
func (s *sheet) when(t time.Time) string { return t.In(s.opt.Zone).Format("2006-01-02 15:04") }

// printed is the "printed at" text of headers and footers.
func (s *sheet) printed() string { return "Printed " + s.when(s.opt.Now) }

func (s *sheet) font(style string, pt float64) { s.pdf.SetFont(fontFamily, style, pt) }

// text draws one line of str in the box (x, top, w), aligned "L", "R" or "C", shortened with an
// ellipsis if it is wider than the box. The current font is used.
func (s *sheet) text(x, top, w float64, align, str string) {
	str = s.fit(printable(str), w)
	if str == "" {
		return
	}
	sw := s.pdf.GetStringWidth(str)
	switch align {
	case "R":
		x += w - sw
	case "C":
		x += (w - sw) / 2
	}
	_, size := s.pdf.GetFontSize()
	s.pdf.Text(x, top+size*0.95, str)
}

// lines draws lines one under the other from top, returning the y below the last.
func (s *sheet) lines(x, top, w float64, lines []string) float64 {
	_, pt := s.pdf.GetFontSize()
	for _, l := range lines {
		s.text(x, top, w, "L", l)
		top += lineH(pt)
	}
	return top
}

// fit shortens str with an ellipsis until it is at most w wide in the current font.
func (s *sheet) fit(str string, w float64) string {
	if s.pdf.GetStringWidth(str) <= w {
		return str
	}
	r := []rune(str)
	// The widest prefix that fits with its ellipsis: widths grow with the prefix, so bisect.
	lo, hi := 0, len(r) // lo fits (the bare ellipsis is taken to), hi does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if s.pdf.GetStringWidth(string(r[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return ""
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// wrap breaks str into lines at most w wide in the current font, at most max lines; the last
// line ends with an ellipsis when text was left out. An empty str is one empty line.
func (s *sheet) wrap(str string, w float64, max int) []string {
	str = printable(str)
	if str == "" {
		return []string{""}
	}
	// SplitText rounds the width up to a thousandth of the font size; a hundredth of a
	// millimetre less keeps its lines within what fit lets through.
	ls := s.pdf.SplitText(str, w-0.01)
	if len(ls) == 0 {
		return []string{""}
	}
	if len(ls) > max {
		ls = ls[:max]
		ls[max-1] = s.fit(ls[max-1]+"…", w)
		if !strings.HasSuffix(ls[max-1], "…") {
			ls[max-1] = s.fit(ls[max-1]+" …", w)
		}
	}
	for i := range ls {
		ls[i] = strings.TrimSpace(ls[i])
	}
	return ls
}

// rule draws a horizontal line across the content box.
func (s *sheet) rule(y, width float64, grey int) {
	s.pdf.SetDrawColor(grey, grey, grey)
	s.pdf.SetLineWidth(width)
	s.pdf.Line(s.left, y, s.right, y)
	s.pdf.SetDrawColor(0, 0, 0)
	s.pdf.SetLineWidth(0.2)
}

// tickBox draws an empty square to tick by hand.
func (s *sheet) tickBox(x, y, size float64) {
	s.pdf.SetLineWidth(0.3)
	s.pdf.Rect(x, y, size, size, "D")
	s.pdf.SetLineWidth(0.2)
}

// code128 returns the Code128 symbol for content, made and registered in the PDF once; nil when
// Code128 cannot carry content (the caller prints a note instead).
func (s *sheet) code128(content string) *symbol {
	return s.symbol("c128:", content, code128Symbol)
}

// qr returns the QR symbol for content, made and registered in the PDF once; nil if the content
// is too long for a QR code.
func (s *sheet) qr(content string) *symbol {
	return s.symbol("qr:", content, qrSymbol)
}

func (s *sheet) symbol(kind, content string, encode func(string) (*symbol, error)) *symbol {
	key := kind + content
	if sym, ok := s.symbols[key]; ok {
		return sym
	}
	sym, err := encode(content)
	if err != nil {
		s.symbols[key] = nil
		return nil
	}
	s.register(key, sym)
	return sym
}

// symbolJob is a barcode to make ahead of the layout.
type symbolJob struct {
	kind, content string
	encode        func(string) (*symbol, error)
	sym           *symbol
	err           error
}

// makeSymbols makes the barcodes of jobs on every core and registers them, in the jobs' order so
// the PDF comes out the same every time. QR codes are the slow part of a picking list: each
// tries eight masks.
func (s *sheet) makeSymbols(jobs []symbolJob) {
	seen := map[string]bool{}
	todo := jobs[:0]
	for _, j := range jobs {
		key := j.kind + j.content
		if _, done := s.symbols[key]; done || seen[key] {
			continue
		}
		seen[key] = true
		todo = append(todo, j)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				todo[i].sym, todo[i].err = todo[i].encode(todo[i].content)
			}
		}()
	}
	wg.Wait()
	for _, j := range todo {
		if j.err != nil {
			s.symbols[j.kind+j.content] = nil
			continue
		}
		s.register(j.kind+j.content, j.sym)
	}
}

// register adds a symbol made elsewhere (in parallel) to the PDF.
func (s *sheet) register(key string, sym *symbol) {
	sym.name = fmt.Sprintf("b%d", len(s.symbols))
	s.pdf.RegisterImageOptionsReader(sym.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(sym.png))
	sym.png = nil // fpdf has its own copy
	s.symbols[key] = sym
}

// drawSymbol draws sym w by h mm with its top left corner at (x, y).
func (s *sheet) drawSymbol(sym *symbol, x, y, w, h float64) {
	s.pdf.ImageOptions(sym.name, x, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
}

// output writes the finished PDF to w.
func (s *sheet) output(w io.Writer) error {
	// The whole document is finished in memory before its one write to w, so a failure leaves
	// w untouched.
	s.pdf.Close()
	if err := s.pdf.Error(); err != nil {
		return err
	}
	return s.pdf.Output(w)
}

// printable makes text safe for the PDF font: fpdf handles the Basic Multilingual Plane only, so
// emoji and other characters above U+FFFF are left out, invalid UTF-8 becomes "?", control
// characters become spaces, invisible joiners and variation selectors go, and runs of spaces
// collapse to one.
func printable(s string) string {
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	var b strings.Builder
	space := true // drops leading spaces
	for i, r := range s {
		switch {
		case r == utf8.RuneError && isInvalidAt(s, i):
			r = '?'
		case r > 0xFFFF, r >= 0xFE00 && r <= 0xFE0F, r >= 0x200B && r <= 0x200F, r == 0x2060, r == 0xFEFF:
			continue
		case unicode.IsControl(r) || unicode.IsSpace(r):
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

func isInvalidAt(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && n <= 1
}
