package domain

import (
	"strings"
	"testing"
	"time"
)

func pickOrder() *Order {
	return &Order{ID: 7, OrderNo: "SO-1", Tab: TabToProcess, Items: []Item{
		{SKU: "TSHIRT-RED-M", ShopSKU: "123_MY-456", Name: "T-shirt", Variation: "Red, M", Qty: 1, StockCode: "TS-R-M"},
		{SKU: "MUG-01", Name: "Mug", Qty: 2, StockCode: "MUG"},
		{SKU: "tshirt-red-m", Name: "T-shirt", Qty: 1}, // the same product on a second line
		{SKU: "CAP", Name: "Cap", Qty: 3, Cancelled: true},
	}}
}

func TestPickCheck(t *testing.T) {
	barcodes := func(code string) []string {
		if code == "MUG" {
			return []string{"9555000000017"}
		}
		return nil
	}
	cases := []struct {
		name  string
		scans []string
		want  []PickScan
		state PickState
		prog  string
	}{
		{"nothing yet", nil, nil, PickIncomplete, "0 of 4 items"},
		{"by SKU, case and spaces ignored, lines merged", []string{"tshirt-red-m", " TSHIRT-RED-M "}, []PickScan{PickCounted, PickCounted}, PickIncomplete, "2 of 4 items"},
		{"by stock code, shop SKU and barcode", []string{"ts-r-m", "123_MY-456", "MUG", "9555000000017"},
			[]PickScan{PickCounted, PickCounted, PickCounted, PickCounted}, PickComplete, "4 of 4 items"},
		{"overscan", []string{"MUG-01", "MUG-01", "MUG-01", "TS-R-M", "TS-R-M"},
			[]PickScan{PickCounted, PickCounted, PickTooMany, PickCounted, PickCounted}, PickOverscan, "4 of 4 items"},
		{"overscan while another line lacks is incomplete", []string{"MUG", "MUG", "MUG"},
			[]PickScan{PickCounted, PickCounted, PickTooMany}, PickIncomplete, "2 of 4 items"},
		{"not in the order, and the cancelled line", []string{"CAP", "9999"}, []PickScan{PickNotInOrder, PickNotInOrder}, PickIncomplete, "0 of 4 items"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := NewPickCheck(pickOrder(), barcodes)
			if len(p.Lines) != 2 || p.Lines[0].Required != 2 || p.Lines[1].Required != 2 {
				t.Fatalf("lines %+v", p.Lines)
			}
			for i, code := range c.scans {
				if _, got := p.Scan(code); got != c.want[i] {
					t.Errorf("scan %d %q: %v, want %v", i, code, got, c.want[i])
				}
			}
			if p.State() != c.state || p.Progress() != c.prog {
				t.Errorf("state %v %q, want %v %q", p.State(), p.Progress(), c.state, c.prog)
			}
		})
	}
}

func TestPickUndoAndVerify(t *testing.T) {
	p := NewPickCheck(pickOrder(), nil)
	if p.Undo() != -1 {
		t.Fatal("undo with nothing counted")
	}
	for _, c := range []string{"MUG", "MUG", "MUG"} {
		p.Scan(c)
	}
	if p.State() != PickIncomplete {
		t.Fatal(p.State())
	}
	if p.Undo() != 1 || p.Lines[1].Scanned != 2 || p.Counted() != 2 {
		t.Fatalf("after undo %+v", p.Lines)
	}
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	if _, err := p.Verify(at, "  "); err == nil || !strings.Contains(err.Error(), "say why") {
		t.Fatalf("an incomplete check verified without a reason: %v", err)
	}
	v, err := p.Verify(at, "T-shirts out of stock, buyer agreed by chat")
	if err != nil || !v.Overridden || v.State != PickIncomplete || v.Reason == "" || !v.At.Equal(at) || len(v.Lines) != 2 {
		t.Fatalf("override %+v %v", v, err)
	}
	p.Scan("TSHIRT-RED-M")
	p.Scan("TSHIRT-RED-M")
	if v, err := p.Verify(at, ""); err != nil || v.Overridden || v.State != PickComplete {
		t.Fatalf("complete %+v %v", v, err)
	}
}

func TestJudgePick(t *testing.T) {
	for _, c := range []struct {
		o    Order
		want ScanVerdict
	}{
		{Order{Tab: TabNew, Items: []Item{{Qty: 1}}}, ScanShip},
		{Order{Tab: TabToProcess, Items: []Item{{Qty: 1}}}, ScanShip},
		{Order{Tab: TabToShip, Items: []Item{{Qty: 1}}}, ScanWrongStage},
		{Order{Tab: TabToCancel, Items: []Item{{Qty: 1}}}, ScanMustNotShip},
		{Order{Tab: TabNew, CancelRequested: true, Items: []Item{{Qty: 1}}}, ScanMustNotShip},
		{Order{Tab: TabNew, Items: []Item{{Qty: 1, Cancelled: true}}}, ScanWrongStage},
	} {
		if got, words := JudgePick(&c.o); got != c.want {
			t.Errorf("%s: %v (%s), want %v", c.o.Tab.Title(), got, words, c.want)
		}
	}
}
