package reports

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// PickingListSummary: every SKU across the orders with total quantity, name, variation and SQL Account
// stock code (Item.StockCode, may be empty), sorted for a walk through the shelves (by stock code, then SKU; unmapped SKUs last, by SKU),
// each SKU line with a Code128 barcode of the SKU. Header: title, date, number of orders and units, stores.
// Cancelled items (Item.Cancelled) are not picked. A SKU that Code128 cannot encode (non-ASCII) is printed without a barcode and with a note, never an error.
func PickingListSummary(w io.Writer, orders []domain.Order, opt Options) error {
	return render(w, "picking list summary", orders, opt, true, func(s *sheet, list []*domain.Order) ([]*section, error) {
		lines, picked, units := summarise(list)
		if len(lines) == 0 {
			return nil, fmt.Errorf("nothing to pick: every item of the %d orders is cancelled", len(list))
		}
		return []*section{s.summarySection(list, lines, picked, units)}, nil
	})
}

// render is what every document does around its own sections: check the options, drop repeated
// orders, refuse none, lay the sections out on pages and write the PDF (nothing when it fails).
// docWide numbers the pages across the whole document rather than per section.
func render(w io.Writer, name string, orders []domain.Order, opt Options, docWide bool,
	sections func(s *sheet, list []*domain.Order) ([]*section, error)) error {
	opt, err := opt.normalise()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	list := distinctOrders(orders)
	if len(list) == 0 {
		return fmt.Errorf("%s: %w", name, ErrNoOrders)
	}
	s := newSheet(opt)
	secs, err := sections(s, list)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	s.draw(s.paginate(secs), docWide)
	if err := s.output(w); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// PickingList: one page per order (A4, A6 or 4x6): the order number as a Code128 barcode (content = exactly Order.OrderNo) and a QR code
// (content = exactly domain.OrderCode(o.StoreID, o.OrderNo)), store name, platform, buyer name, order date, ship-by date if set,
// items (SKU, name, variation, quantity, stock code), total units. An order with more lines than a
// page holds continues on the next pages, which repeat the order number and the column headings.
// A fully cancelled order still gets its page, saying there is nothing to pick, so a scan of it
// is recognised rather than unknown.
func PickingList(w io.Writer, orders []domain.Order, opt Options) error {
	return render(w, "picking list", orders, opt, true, func(s *sheet, list []*domain.Order) ([]*section, error) {
		s.prepareOrderSymbols(list)
		secs := make([]*section, len(list))
		for i, o := range list {
			secs[i] = s.orderSection(o)
		}
		return secs, nil
	})
}

// distinctOrders drops repeats of an order (same store and number) so nothing is picked twice.
func distinctOrders(orders []domain.Order) []*domain.Order {
	seen := make(map[string]bool, len(orders))
	out := make([]*domain.Order, 0, len(orders))
	for i := range orders {
		o := &orders[i]
		key := strconv.FormatInt(o.StoreID, 10) + "\x00" + o.OrderNo
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, o)
	}
	return out
}

// storeNames lists the stores of the orders, sorted.
func storeNames(orders []*domain.Order) string {
	seen := map[string]bool{}
	var names []string
	for _, o := range orders {
		n := strings.TrimSpace(o.StoreName)
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool { return naturalLess(names[i], names[j]) })
	return strings.Join(names, ", ")
}

// pickLine is one thing to take off the shelf: a SKU and how many.
type pickLine struct {
	sku, name, variation, stock string
	qty                         int
}

// shown is the line's SKU and stock code as printed, saying so where there is none.
func (l *pickLine) shown() (sku, stock string) {
	sku, stock = l.sku, l.stock
	if sku == "" {
		sku = "(no SKU)"
	}
	if stock == "" {
		stock = "not mapped"
	}
	return sku, stock
}

// summarise adds the live items of the orders up per SKU, in shelf order. picked is the number
// of orders with something to pick.
func summarise(orders []*domain.Order) (lines []*pickLine, picked, units int) {
	index := map[string]*pickLine{}
	for _, o := range orders {
		some := false
		for _, it := range o.Items {
			if it.Cancelled || it.Qty <= 0 {
				continue
			}
			key := it.SKU
			if key == "" { // no SKU: the name is all the picker has
				key = "\x00" + it.Name + "\x00" + it.Variation
			}
			l := index[key]
			if l == nil {
				l = &pickLine{sku: it.SKU}
				index[key] = l
				lines = append(lines, l)
			}
			l.fill(it)
			l.qty += it.Qty
			units += it.Qty
			some = true
		}
		if some {
			picked++
		}
	}
	sort.SliceStable(lines, func(i, j int) bool { return shelfLess(lines[i], lines[j]) })
	return lines, picked, units
}

// fill takes the name, variation and stock code from the first line that has them.
func (l *pickLine) fill(it domain.Item) {
	if l.name == "" {
		l.name = it.Name
	}
	if l.variation == "" {
		l.variation = it.Variation
	}
	if l.stock == "" {
		l.stock = strings.TrimSpace(it.StockCode)
	}
}

// shelfLess orders lines for a walk through the shelves: by stock code, then SKU; SKUs not mapped
// to a stock item last, by SKU.
func shelfLess(a, b *pickLine) bool {
	if (a.stock == "") != (b.stock == "") {
		return a.stock != ""
	}
	if a.stock != b.stock {
		return naturalLess(a.stock, b.stock)
	}
	if a.sku != b.sku {
		return naturalLess(a.sku, b.sku)
	}
	return a.name < b.name
}

// naturalLess compares case-insensitively with runs of digits as numbers, so shelf "A-2" comes
// before "A-10".
func naturalLess(a, b string) bool {
	x, y := strings.ToUpper(a), strings.ToUpper(b)
	for x != "" && y != "" {
		if isDigit(x[0]) && isDigit(y[0]) {
			i, j := digitRun(x), digitRun(y)
			nx, ny := strings.TrimLeft(x[:i], "0"), strings.TrimLeft(y[:j], "0")
			if len(nx) != len(ny) {
				return len(nx) < len(ny)
			}
			if nx != ny {
				return nx < ny
			}
			x, y = x[i:], y[j:]
			continue
		}
		if x[0] != y[0] {
			return x[0] < y[0]
		}
		x, y = x[1:], y[1:]
	}
	if x != y {
		return x == ""
	}
	return a < b
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// unitsText formats a quantity of units.
func unitsText(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.Itoa(n) + " units"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// titleBlock is a document's heading with the print date on the right.
func (s *sheet) titleBlock(title string, pt float64) block {
	s.font("", s.m.small)
	dw := s.pdf.GetStringWidth(s.printed()) + 1
	s.font("B", pt)
	lines := s.wrap(title, s.contentW()-dw-3, 2)
	h := float64(len(lines))*lineH(pt) + 1
	return block{h: h, draw: func(top float64) {
		s.font("B", pt)
		s.lines(s.left, top, s.contentW()-dw-3, lines)
		s.font("", s.m.small)
		s.text(s.right-dw, top+(lineH(pt)-lineH(s.m.small))/2, dw, "R", s.printed())
	}}
}

// textBlock is wrapped text across the content width.
func (s *sheet) textBlock(style string, pt float64, text string, maxLines int, after float64) block {
	r := s.run(style, pt, text, s.contentW(), maxLines)
	c := span{s.left, s.contentW() + colGap}
	return block{h: r.height() + after, draw: func(top float64) { s.drawRuns(c, top, "L", r) }}
}

// fitBars places a Code128 whose bars start at x (or as little right of it as its quiet zone
// needs to stay on the page) and end by limit, with the widest module up to maxDots dots that
// fits. The quiet zones may lie in the margins: white paper all the same. It returns the
// image's left edge and width.
func (s *sheet) fitBars(sym *symbol, x, limit float64, maxDots int) (imgX, imgW float64) {
	bars := float64(sym.cols - 2*code128Quiet)
	for d := maxDots; d >= minModuleDots; d-- {
		mw := float64(d) * printerDot
		q := code128Quiet * mw
		start := max(x, q)
		if start+bars*mw <= limit+1e-9 && start+bars*mw+q <= s.w+1e-9 {
			return start - q, float64(sym.cols) * mw
		}
	}
	// Too long for 0.25 mm modules: squeezed between the margins, still better than cut off.
	mw := (limit - x) / bars
	return x - code128Quiet*mw, float64(sym.cols) * mw
}

// summarySection lays the summary out: a header, then one row per SKU.
func (s *sheet) summarySection(orders []*domain.Order, lines []*pickLine, picked, units int) *section {
	m := s.m
	const title = "Picking List Summary"
	sec := &section{label: "Picking list summary"}
	info := fmt.Sprintf("%s · %s · %s", plural(picked, "order", "orders"), unitsText(units), plural(len(lines), "SKU", "SKUs"))
	sec.first = []block{
		s.titleBlock(title, m.title),
		s.textBlock("B", m.body, info, 2, 0),
		s.textBlock("", m.body, "Stores: "+storeNames(orders), 3, 0),
	}
	if skipped := len(orders) - picked; skipped > 0 {
		sec.first = append(sec.first, s.textBlock("", m.small,
			fmt.Sprintf("%s with every item cancelled: nothing to pick.", plural(skipped, "order", "orders")), 2, 0))
	}
	sec.first = append(sec.first, spacer(2))
	sec.cont = []block{s.titleBlock(title+" (continued)", m.body), spacer(1)}

	var cols []span
	var head block
	narrow := s.opt.Page.label()
	if narrow {
		cols = s.columns(36, 44, 11, 7)
		head = s.headBlock(cols, []string{"SKU / stock code", "Item", "Qty", ""}, []string{"L", "L", "R", "C"})
	} else {
		cols = s.columns(7, 30, 46, 75, 14, 10)
		head = s.headBlock(cols, []string{"#", "Stock code", "SKU", "Item", "Qty", "Picked"}, []string{"L", "L", "L", "L", "R", "C"})
	}
	rows := make([]block, len(lines))
	for i, l := range lines {
		rows[i] = s.summaryRow(i+1, l, cols, narrow)
	}
	total := s.textBlock("B", m.body, fmt.Sprintf("Total: %s in %s", unitsText(units), plural(len(lines), "SKU", "SKUs")), 1, 0)
	sec.parts = []part{{head: &head, rows: rows}, {rows: []block{spacer(1.5), total}}}
	return sec
}

// summaryRow is one SKU: its text on one band, its barcode on a band below.
func (s *sheet) summaryRow(n int, l *pickLine, cols []span, narrow bool) block {
	m := s.m
	sku, stock := l.shown()
	var cells []cell
	var barX float64
	var tick span
	if narrow {
		cells = []cell{
			{runs: []textRun{s.run("B", m.body, sku, cols[0].inner(), 2), s.run("", m.small, stock, cols[0].inner(), 2)}},
			{runs: []textRun{s.run("", m.body, l.name, cols[1].inner(), 3), s.run("", m.small, l.variation, cols[1].inner(), 2)}},
			{runs: []textRun{s.run("B", m.body+1, strconv.Itoa(l.qty), cols[2].inner(), 1)}, align: "R"},
		}
		barX, tick = s.left, cols[3]
	} else {
		cells = []cell{
			{runs: []textRun{s.run("", m.small, strconv.Itoa(n), cols[0].inner(), 1)}},
			{runs: []textRun{s.run("", m.body, stock, cols[1].inner(), 2)}},
			{runs: []textRun{s.run("B", m.body, sku, cols[2].inner(), 2)}},
			{runs: []textRun{s.run("", m.body, l.name, cols[3].inner(), 3), s.run("", m.small, l.variation, cols[3].inner(), 2)}},
			{runs: []textRun{s.run("B", m.body+1, strconv.Itoa(l.qty), cols[4].inner(), 1)}, align: "R"},
		}
		barX, tick = cols[2].x, cols[5]
	}
	var sym *symbol
	note := ""
	switch {
	case l.sku == "":
		note = "No SKU on this item: pick it by name."
	default:
		if sym = s.code128(l.sku); sym == nil {
			note = "No barcode: this SKU has characters a Code128 barcode cannot carry."
		}
	}
	return s.barcodeRow(cols, cells, tick, sym, barX, note, min(lineH(m.body)*0.9, 4))
}

// barcodeRow is a table row with its text on one band and a barcode on a band below, starting
// at barX (or, without one, the note saying why), and a tick box in the tick column.
func (s *sheet) barcodeRow(cols []span, cells []cell, tick span, sym *symbol, barX float64, note string, box float64) block {
	m := s.m
	textH := max(cellsHeight(cells), lineH(m.body))
	bandH := m.barH
	var noteRun textRun
	if sym == nil {
		noteRun = s.run("", m.small, note, s.right-barX, 2)
		bandH = noteRun.height()
	}
	h := m.pad + textH + 0.8 + bandH + m.pad
	return block{h: h, draw: func(top float64) {
		y := top + m.pad
		s.drawCells(cols, cells, y)
		s.tickBox(tick.x+(tick.inner()-box)/2, y, box)
		y += textH + 0.8
		if sym != nil {
			x, w := s.fitBars(sym, barX, s.right, 3)
			s.drawSymbol(sym, x, y, w, m.barH)
		} else {
			s.drawRuns(span{barX, s.right - barX + colGap}, y, "L", noteRun)
		}
		s.rule(top+h, 0.1, 160)
	}}
}

// prepareOrderSymbols makes the barcodes of every order's picking list, on every core, before
// the pages are laid out one by one.
func (s *sheet) prepareOrderSymbols(orders []*domain.Order) {
	jobs := make([]symbolJob, 0, 2*len(orders))
	for _, o := range orders {
		if o.OrderNo != "" {
			jobs = append(jobs, symbolJob{kind: "c128:", content: o.OrderNo, encode: code128Symbol})
		}
		jobs = append(jobs, symbolJob{kind: "qr:", content: domain.OrderCode(o.StoreID, o.OrderNo), encode: qrSymbol})
	}
	s.makeSymbols(jobs)
}

// orderSection lays one order's picking list out.
func (s *sheet) orderSection(o *domain.Order) *section {
	m := s.m
	sec := &section{label: "Picking list " + o.OrderNo}
	where := o.Platform.Title()
	if o.StoreName != "" {
		where += " · " + o.StoreName
	}

	// The top line, the order number's barcode and the number itself.
	top := block{h: lineH(m.small) + 0.8, draw: func(top float64) {
		s.font("B", m.small)
		s.text(s.left, top, s.contentW()*0.4, "L", "PICKING LIST")
		s.font("", m.small)
		s.text(s.left+s.contentW()*0.4, top, s.contentW()*0.6, "R", where)
	}}
	var bar block
	if sym := s.code128(o.OrderNo); sym != nil {
		bar = block{h: m.headBar + 1, draw: func(top float64) {
			x, w := s.fitBars(sym, s.left, s.right, 4)
			s.drawSymbol(sym, x, top+0.5, w, m.headBar)
		}}
	} else {
		bar = s.textBlock("", m.small, "No barcode: this order number has characters a Code128 barcode cannot carry; scan the QR code.", 2, 1)
	}
	number := s.textBlock("B", m.big, "Order "+o.OrderNo, 2, 0.8)

	// Details on the left, the QR code on the right.
	var qrW float64
	qr := s.qr(domain.OrderCode(o.StoreID, o.OrderNo))
	if qr != nil {
		d := qrModuleDots(qr.cols, m.qr)
		for d > minModuleDots && float64(qr.cols*d)*printerDot > s.contentW()*0.45 {
			d--
		}
		qrW = float64(qr.cols*d) * printerDot
	}
	detailW := s.contentW() - qrW - 2
	units := 0
	cancelled := 0
	for _, it := range o.Items {
		if it.Cancelled {
			cancelled++
		} else if it.Qty > 0 {
			units += it.Qty
		}
	}
	var details []textRun
	add := func(style, label, value string) {
		if value != "" {
			details = append(details, s.run(style, m.body, label+": "+value, detailW, 2))
		}
	}
	add("", "Store", o.StoreName)
	add("", "Platform", o.Platform.Title())
	add("", "Buyer", o.Buyer.Name)
	if !o.CreatedAt.IsZero() {
		add("", "Ordered", s.when(o.CreatedAt))
	}
	if !o.ShipBy.IsZero() {
		add("B", "Ship by", s.when(o.ShipBy))
	}
	add("B", "Units", strconv.Itoa(units))
	if note := strings.TrimSpace(o.BuyerNote); note != "" {
		details = append(details, s.run("", m.small, "Buyer note: "+note, detailW, 3))
	}
	detailsH := runsHeight(details)
	info := block{h: max(detailsH, qrW) + 1.5, draw: func(top float64) {
		s.drawRuns(span{s.left, detailW + colGap}, top, "L", details...)
		if qr != nil {
			s.drawSymbol(qr, s.right-qrW, top, qrW, qrW)
		}
	}}
	sec.first = []block{top, bar, number, info}
	sec.cont = []block{
		top,
		s.textBlock("B", m.body, "Order "+o.OrderNo+" (continued)", 2, 1),
	}

	// The items, one row per distinct line.
	var cols []span
	var head block
	narrow := s.opt.Page.label()
	if narrow {
		cols = s.columns(33, 49, 9, 6)
		head = s.headBlock(cols, []string{"SKU / stock code", "Item", "Qty", ""}, []string{"L", "L", "R", "C"})
	} else {
		cols = s.columns(42, 84, 32, 14, 12)
		head = s.headBlock(cols, []string{"SKU", "Item", "Stock code", "Qty", "Picked"}, []string{"L", "L", "L", "R", "C"})
	}
	var rows []block
	for _, l := range orderLines(o) {
		rows = append(rows, s.orderRow(l, cols, narrow))
	}
	var tail []block
	if len(rows) == 0 {
		tail = append(tail, spacer(1.5), s.textBlock("B", m.body, "Every item of this order is cancelled: nothing to pick.", 2, 0))
	} else {
		tail = append(tail, spacer(1.5), s.textBlock("B", m.body, "Total: "+unitsText(units), 1, 0))
	}
	if cancelled > 0 && len(rows) > 0 {
		tail = append(tail, s.textBlock("", m.small, plural(cancelled, "cancelled line is", "cancelled lines are")+" not listed.", 1, 0))
	}
	sec.parts = []part{{head: &head, rows: rows}, {rows: tail}}
	return sec
}

// orderLines are the live lines of an order, one per distinct item: Lazada and TikTok send a
// line per unit, which a picker wants as one line with a quantity.
func orderLines(o *domain.Order) []*pickLine {
	var out []*pickLine
	index := map[string]*pickLine{}
	for _, it := range o.Items {
		if it.Cancelled || it.Qty <= 0 {
			continue
		}
		key := it.SKU + "\x00" + it.Name + "\x00" + it.Variation + "\x00" + it.StockCode
		l := index[key]
		if l == nil {
			l = &pickLine{sku: it.SKU, name: it.Name, variation: it.Variation, stock: strings.TrimSpace(it.StockCode)}
			index[key] = l
			out = append(out, l)
		}
		l.qty += it.Qty
	}
	return out
}

// orderRow is one line of an order's picking list.
func (s *sheet) orderRow(l *pickLine, cols []span, narrow bool) block {
	m := s.m
	sku, stock := l.shown()
	var cells []cell
	var tick span
	if narrow {
		cells = []cell{
			{runs: []textRun{s.run("B", m.body, sku, cols[0].inner(), 2), s.run("", m.small, stock, cols[0].inner(), 1)}},
			{runs: []textRun{s.run("", m.body, l.name, cols[1].inner(), 3), s.run("", m.small, l.variation, cols[1].inner(), 2)}},
			{runs: []textRun{s.run("B", m.body+1, strconv.Itoa(l.qty), cols[2].inner(), 1)}, align: "R"},
		}
		tick = cols[3]
	} else {
		cells = []cell{
			{runs: []textRun{s.run("B", m.body, sku, cols[0].inner(), 2)}},
			{runs: []textRun{s.run("", m.body, l.name, cols[1].inner(), 3), s.run("", m.small, l.variation, cols[1].inner(), 2)}},
			{runs: []textRun{s.run("", m.body, stock, cols[2].inner(), 2)}},
			{runs: []textRun{s.run("B", m.body+1, strconv.Itoa(l.qty), cols[3].inner(), 1)}, align: "R"},
		}
		tick = cols[4]
	}
	textH := max(cellsHeight(cells), lineH(m.body))
	h := textH + 2*m.pad
	box := min(lineH(m.body)*0.9, 4)
	return block{h: h, draw: func(top float64) {
		s.drawCells(cols, cells, top+m.pad)
		s.tickBox(tick.x+(tick.inner()-box)/2, top+m.pad, box)
		s.rule(top+h, 0.1, 160)
	}}
}
