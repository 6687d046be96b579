package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Stock Pick is the check before packing: the order is scanned, then each item's barcode (its
// stock item's barcode, the seller SKU or the stock code), until every line has as many as the
// buyer ordered.

// PickState is where a stock pick check stands.
type PickState int

const (
	PickIncomplete PickState = iota // some line still lacks items
	PickOverscan                    // a line has more items than ordered (and none lacks)
	PickComplete                    // every line has exactly what was ordered
)

func (s PickState) String() string {
	switch s {
	case PickOverscan:
		return "Overscan"
	case PickComplete:
		return "Complete"
	}
	return "Incomplete"
}

// PickLine is one product of the order: its live lines with the same SKU together.
type PickLine struct {
	SKU       string
	Name      string
	Variation string
	StockCode string
	Required  int
	Scanned   int
	codes     []string // what a scan of this product may read, normalised
}

// Missing is how many items the line still lacks (negative: too many).
func (l PickLine) Missing() int { return l.Required - l.Scanned }

// PickCheck is the stock pick check of one order.
type PickCheck struct {
	OrderID int64
	OrderNo string
	Lines   []PickLine
	history []int // the line of each counted scan, for taking the last back
}

// PickScan is what one item scan did.
type PickScan int

const (
	PickCounted    PickScan = iota // one more of a line that still lacked it
	PickTooMany                    // counted, but the line now has more than ordered
	PickNotInOrder                 // the code is no item of this order
)

// NewPickCheck starts the check of an order's live items. barcodes gives the barcodes of a stock
// item by its code (nil: none known); they are accepted besides the SKU and the stock code.
func NewPickCheck(o *Order, barcodes func(stockCode string) []string) PickCheck {
	p := PickCheck{OrderID: o.ID, OrderNo: o.OrderNo}
	index := map[string]int{}
	for _, it := range o.Items {
		if it.Cancelled || it.Qty <= 0 {
			continue
		}
		key := CodeKey(it.SKU)
		if key == "" {
			key = "#" + it.SKUID + "/" + it.Name // no SKU: the platform's variation tells lines apart
		}
		i, ok := index[key]
		if !ok {
			i = len(p.Lines)
			index[key] = i
			p.Lines = append(p.Lines, PickLine{SKU: it.SKU, Name: it.Name, Variation: it.Variation, StockCode: it.StockCode})
		}
		l := &p.Lines[i]
		l.Required += it.Qty
		codes := []string{it.SKU, it.ShopSKU, it.StockCode}
		if barcodes != nil && it.StockCode != "" {
			codes = append(codes, barcodes(it.StockCode)...)
		}
		for _, c := range codes {
			if k := CodeKey(c); k != "" && !slices.Contains(l.codes, k) {
				l.codes = append(l.codes, k)
			}
		}
	}
	return p
}

// CodeKey is a code as Kedai compares codes (order numbers, tracking numbers, SKUs): spaces
// dropped, case ignored.
func CodeKey(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }

// Line returns the index of the line a code names, or -1.
func (p *PickCheck) Line(code string) int {
	k := CodeKey(code)
	if k == "" {
		return -1
	}
	for i, l := range p.Lines {
		if slices.Contains(l.codes, k) {
			return i
		}
	}
	return -1
}

// Scan counts one item by its code.
func (p *PickCheck) Scan(code string) (int, PickScan) {
	i := p.Line(code)
	if i < 0 {
		return -1, PickNotInOrder
	}
	p.Lines[i].Scanned++
	p.history = append(p.history, i)
	if p.Lines[i].Scanned > p.Lines[i].Required {
		return i, PickTooMany
	}
	return i, PickCounted
}

// Undo takes the last counted item back and returns its line, or -1 when nothing was counted.
func (p *PickCheck) Undo() int {
	if len(p.history) == 0 {
		return -1
	}
	i := p.history[len(p.history)-1]
	p.history = p.history[:len(p.history)-1]
	p.Lines[i].Scanned--
	return i
}

// Counted is how many items were scanned in all.
func (p *PickCheck) Counted() int { return len(p.history) }

// State is where the check stands: a lacking line makes it Incomplete, else an extra item makes
// it Overscan.
func (p *PickCheck) State() PickState {
	over := false
	for _, l := range p.Lines {
		if l.Scanned < l.Required {
			return PickIncomplete
		}
		over = over || l.Scanned > l.Required
	}
	if over {
		return PickOverscan
	}
	return PickComplete
}

// Progress reads like "3 of 5 items".
func (p *PickCheck) Progress() string {
	req, got := 0, 0
	for _, l := range p.Lines {
		req += l.Required
		got += min(l.Scanned, l.Required)
	}
	if req == 1 {
		return fmt.Sprintf("%d of 1 item", got)
	}
	return fmt.Sprintf("%d of %d items", got, req)
}

// JudgePick decides whether an order may be stock-picked: before packing only (New Order or To
// Process), and never one that must not ship.
func JudgePick(o *Order) (ScanVerdict, string) {
	v, words := JudgeScan(o)
	if v == ScanMustNotShip {
		return v, words
	}
	switch o.Tab {
	case TabNew, TabToProcess:
		if allCancelled(o) || len(o.Items) == 0 {
			return ScanWrongStage, "the order has no items left to pick"
		}
		return ScanShip, "pick its items"
	}
	return ScanWrongStage, fmt.Sprintf("stock pick is before packing; the order is on %s", o.Tab.Title())
}

// Verification is a finished stock pick check, kept with the order.
type Verification struct {
	ID         int64
	OrderID    int64
	OrderNo    string
	At         time.Time
	State      PickState // Complete, or what it was when overridden
	Overridden bool      // "Complete Verification" pressed with items missing or extra
	Reason     string    // why it was overridden
	Lines      []PickLine
}

// Verify records a check: complete as scanned, or overridden with a reason, which an override
// must have.
func (p *PickCheck) Verify(at time.Time, reason string) (Verification, error) {
	v := Verification{OrderID: p.OrderID, OrderNo: p.OrderNo, At: at, State: p.State(), Lines: append([]PickLine(nil), p.Lines...)}
	if v.State == PickComplete {
		return v, nil
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return v, fmt.Errorf("order %s is %s (%s): say why it is complete anyway", p.OrderNo, strings.ToLower(v.State.String()), p.Progress())
	}
	v.Overridden, v.Reason = true, reason
	return v, nil
}
