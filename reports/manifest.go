package reports

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// ProviderCount is one courier's manifest before printing: the courier and its parcels.
type ProviderCount struct {
	Provider string // as the platform names it; empty for orders no courier is assigned to yet
	Parcels  int
}

// Manifests: one manifest per shipping provider (Package.Provider; an order's packages; packages without a tracking number are listed under a "no tracking number yet" warning rather than dropped), each starting on a new page: title "Courier manifest — <provider>", date, store names, parcel count, then every parcel: tracking number with its Code128 barcode (content = exactly the tracking number), order number, store, and a tick box; at the end signature lines for the handover (Handed over by: name, signature, date/time; Received by courier: name, signature, date/time, and "Parcels received: ____").
//
// A parcel is a tracking number: orders a platform ships together under one tracking number are
// one parcel with their order numbers listed together. An order with no package yet is listed
// as a parcel without a tracking number under the provider "" (no courier assigned). Page
// numbers count the pages of each manifest, as each goes to its own courier.
func Manifests(w io.Writer, orders []domain.Order, opt Options) error {
	return render(w, "courier manifest", orders, opt, false, func(s *sheet, list []*domain.Order) ([]*section, error) {
		var secs []*section
		for _, c := range couriers(list) {
			secs = append(secs, s.manifestSection(c))
		}
		return secs, nil
	})
}

// ManifestProviders lists the providers in the order the manifests print them, with their parcel counts (the UI shows this before printing).
// Parcels without a tracking number are counted.
func ManifestProviders(orders []domain.Order) []ProviderCount {
	var out []ProviderCount
	for _, c := range couriers(distinctOrders(orders)) {
		out = append(out, ProviderCount{Provider: c.provider, Parcels: len(c.tracked) + len(c.untracked)})
	}
	return out
}

// parcel is one box for the courier.
type parcel struct {
	tracking string
	pkgID    string
	orders   []*domain.Order // more than one when the platform combined orders in one parcel
}

// courier is one manifest: a provider's parcels.
type courier struct {
	provider   string
	tracked    []*parcel
	untracked  []*parcel
	byTracking map[string]*parcel
}

// couriers groups the orders' packages by provider (spelled in any case), providers in name
// order and the unassigned last; parcels keep the orders' order.
func couriers(orders []*domain.Order) []*courier {
	byName := map[string]*courier{}
	var list []*courier
	get := func(provider string) *courier {
		provider = strings.TrimSpace(provider)
		key := strings.ToLower(provider)
		c := byName[key]
		if c == nil {
			c = &courier{provider: provider, byTracking: map[string]*parcel{}}
			byName[key] = c
			list = append(list, c)
		}
		return c
	}
	for _, o := range orders {
		if len(o.Packages) == 0 {
			c := get("")
			c.untracked = append(c.untracked, &parcel{orders: []*domain.Order{o}})
			continue
		}
		for _, p := range o.Packages {
			c := get(p.Provider)
			if strings.TrimSpace(p.TrackingNo) == "" {
				c.untracked = append(c.untracked, &parcel{pkgID: p.ID, orders: []*domain.Order{o}})
				continue
			}
			if pc := c.byTracking[p.TrackingNo]; pc != nil {
				if pc.orders[len(pc.orders)-1] != o {
					pc.orders = append(pc.orders, o)
				}
				continue
			}
			pc := &parcel{tracking: p.TrackingNo, pkgID: p.ID, orders: []*domain.Order{o}}
			c.byTracking[p.TrackingNo] = pc
			c.tracked = append(c.tracked, pc)
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].provider, list[j].provider
		if (a == "") != (b == "") {
			return a != ""
		}
		return naturalLess(a, b)
	})
	return list
}

// name is how the manifest names the courier.
func (c *courier) name() string {
	if c.provider == "" {
		return "no courier assigned yet"
	}
	return c.provider
}

// orderNos and stores describe a parcel's orders.
func (p *parcel) orderNos() string {
	nos := make([]string, len(p.orders))
	for i, o := range p.orders {
		nos[i] = o.OrderNo
	}
	return strings.Join(nos, ", ")
}

func (p *parcel) stores() string { return storeNames(p.orders) }

// manifestSection lays one courier's manifest out.
func (s *sheet) manifestSection(c *courier) *section {
	m := s.m
	title := "Courier manifest — " + c.name()
	sec := &section{label: "Courier manifest " + c.name()}
	var orders []*domain.Order
	for _, p := range append(append([]*parcel(nil), c.tracked...), c.untracked...) {
		orders = append(orders, p.orders...)
	}
	count := "Parcels: " + strconv.Itoa(len(c.tracked)+len(c.untracked))
	if n := len(c.untracked); n > 0 {
		count += fmt.Sprintf(" (%d without a tracking number yet, listed at the end)", n)
	}
	sec.first = []block{
		s.titleBlock(title, m.title),
		s.textBlock("B", m.body, count, 2, 0),
		s.textBlock("", m.body, "Stores: "+storeNames(orders), 3, 0),
		spacer(2),
	}
	sec.cont = []block{s.titleBlock(title+" (continued)", m.body), spacer(1)}

	narrow := s.opt.Page.label()
	var cols []span
	var head block
	if narrow {
		cols = s.columns(6, 44, 40, 7)
		head = s.headBlock(cols, []string{"#", "Tracking number", "Order / store", ""}, []string{"L", "L", "L", "C"})
	} else {
		cols = s.columns(7, 64, 44, 48, 17)
		head = s.headBlock(cols, []string{"#", "Tracking number", "Order", "Store", "Collected"}, []string{"L", "L", "L", "L", "C"})
	}
	var tracked []block
	for i, p := range c.tracked {
		tracked = append(tracked, s.parcelRow(i+1, p, cols, narrow))
	}
	sec.parts = append(sec.parts, part{head: &head, rows: tracked})

	if len(c.untracked) > 0 {
		warn := []block{
			spacer(3),
			s.textBlock("B", m.body, fmt.Sprintf("No tracking number yet — %s", plural(len(c.untracked), "parcel", "parcels")), 2, 0),
			s.textBlock("", m.small, "Not ready to hand over: arrange the shipment and print the AWB first. These parcels are not part of the count the courier signs for.", 3, 1),
		}
		var ucols []span
		var uhead block
		if narrow {
			ucols = s.columns(6, 44, 47)
			uhead = s.headBlock(ucols, []string{"#", "Package", "Order / store"}, []string{"L", "L", "L"})
		} else {
			ucols = s.columns(7, 64, 44, 65)
			uhead = s.headBlock(ucols, []string{"#", "Package", "Order", "Store"}, []string{"L", "L", "L", "L"})
		}
		var rows []block
		for i, p := range c.untracked {
			rows = append(rows, s.untrackedRow(i+1, p, ucols, narrow))
		}
		sec.parts = append(sec.parts, part{lead: warn, head: &uhead, rows: rows})
	}
	lead, sig := s.signatureBlocks(c, len(c.tracked))
	sec.parts = append(sec.parts, part{lead: lead, rows: sig})
	return sec
}

// parcelRow is one parcel: its text on one band, its tracking number's barcode on a band below.
func (s *sheet) parcelRow(n int, p *parcel, cols []span, narrow bool) block {
	m := s.m
	var cells []cell
	var tick span
	if narrow {
		cells = []cell{
			{runs: []textRun{s.run("", m.small, strconv.Itoa(n), cols[0].inner(), 1)}},
			{runs: []textRun{s.run("B", m.body, p.tracking, cols[1].inner(), 2)}},
			{runs: []textRun{s.run("", m.body, p.orderNos(), cols[2].inner(), 3), s.run("", m.small, p.stores(), cols[2].inner(), 2)}},
		}
		tick = cols[3]
	} else {
		cells = []cell{
			{runs: []textRun{s.run("", m.small, strconv.Itoa(n), cols[0].inner(), 1)}},
			{runs: []textRun{s.run("B", m.body, p.tracking, cols[1].inner(), 2)}},
			{runs: []textRun{s.run("", m.body, p.orderNos(), cols[2].inner(), 4)}},
			{runs: []textRun{s.run("", m.body, p.stores(), cols[3].inner(), 3)}},
		}
		tick = cols[4]
	}
	barX := cols[1].x
	return s.barcodeRow(cols, cells, tick, s.code128(p.tracking), barX,
		"No barcode: this tracking number has characters a Code128 barcode cannot carry.", min(lineH(m.body)*1.1, 5))
}

// untrackedRow is a parcel without a tracking number: nothing to scan yet.
func (s *sheet) untrackedRow(n int, p *parcel, cols []span, narrow bool) block {
	m := s.m
	pkg := p.pkgID
	if pkg == "" {
		pkg = "not packed yet"
	}
	cells := []cell{
		{runs: []textRun{s.run("", m.small, strconv.Itoa(n), cols[0].inner(), 1)}},
		{runs: []textRun{s.run("", m.body, pkg, cols[1].inner(), 2)}},
	}
	if narrow {
		cells = append(cells, cell{runs: []textRun{s.run("", m.body, p.orderNos(), cols[2].inner(), 3), s.run("", m.small, p.stores(), cols[2].inner(), 2)}})
	} else {
		cells = append(cells,
			cell{runs: []textRun{s.run("", m.body, p.orderNos(), cols[2].inner(), 4)}},
			cell{runs: []textRun{s.run("", m.body, p.stores(), cols[3].inner(), 3)}})
	}
	h := max(cellsHeight(cells), lineH(m.body)) + 2*m.pad
	return block{h: h, draw: func(top float64) {
		s.drawCells(cols, cells, top+m.pad)
		s.rule(top+h, 0.1, 160)
	}}
}

// signatureBlocks are the handover lines: side by side on A4, one under the other on a label
// (so each may start a page of its own).
// The lead (a line saying what is signed for) stays on the page of the first signature block.
func (s *sheet) signatureBlocks(c *courier, parcels int) (lead, rows []block) {
	m := s.m
	space := 9.0 // room to write by hand
	if s.opt.Page.label() {
		space = 7.5
	}
	seller := []string{"Name", "Signature", "Date/time"}
	courierLines := []string{"Name", "Signature", "Date/time", "Parcels received"}
	headH := lineH(m.body) + 1
	column := func(x, w float64, heading string, labels []string) func(top float64) {
		return func(top float64) {
			s.font("B", m.body)
			s.text(x, top, w, "L", heading)
			s.font("", m.body)
			for i, l := range labels {
				y := top + headH + float64(i+1)*space
				label := l + ":"
				lw := s.pdf.GetStringWidth(label) + 1.5
				s.text(x, y-lineH(m.body), lw, "L", label)
				s.pdf.SetLineWidth(0.2)
				s.pdf.Line(x+lw, y-0.6, x+w, y-0.6)
			}
		}
	}
	note := fmt.Sprintf("%s with a tracking number listed above.", plural(parcels, "parcel", "parcels"))
	received := "Received by courier (" + c.name() + ")"
	if c.provider == "" {
		received = "Received by courier"
	}
	intro := s.textBlock("", m.small, note, 2, 1)
	if !s.opt.Page.label() {
		w := (s.contentW() - 10) / 2
		h := headH + float64(len(courierLines))*space + 2
		return []block{spacer(4), intro}, []block{{h: h, draw: func(top float64) {
			column(s.left, w, "Handed over by", seller)(top)
			column(s.left+w+10, w, received, courierLines)(top)
		}}}
	}
	w := s.contentW()
	return []block{spacer(3), intro}, []block{
		{h: headH + float64(len(seller))*space + 3, draw: column(s.left, w, "Handed over by", seller)},
		{h: headH + float64(len(courierLines))*space + 1, draw: column(s.left, w, received, courierLines)},
	}
}
