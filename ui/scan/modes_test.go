package scan

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

// Stock Pick: the order, then its items by SKU; each line shows scanned/required; an item too
// many is Overscan and said loudly, a code of no item is refused; the complete check is recorded.
func TestStockPick(t *testing.T) {
	h := open(t)
	h.press(t, fyne.KeyF7)
	if h.Mode() != ModePick || !strings.Contains(h.drawn(), "F9 Complete Verification") {
		t.Fatalf("F7: mode %v; drawn %s", h.Mode(), h.drawn())
	}
	h.scan(t, dbtest.LazadaNew)
	c := h.Check()
	if c == nil || c.OrderNo != dbtest.LazadaNew || len(c.Lines) != 1 || c.Lines[0].Required != 2 || c.State() != domain.PickIncomplete {
		t.Fatalf("after the order: %+v", c)
	}
	if !strings.Contains(h.drawn(), "0 / 2") || !strings.Contains(h.drawn(), "2 to scan") {
		t.Errorf("the line does not show 0 / 2: %s", h.drawn())
	}
	h.scan(t, "tdg-chf-blk") // the SKU, as a person might type it
	if c.Lines[0].Scanned != 1 || h.Last().Colour != Green || !strings.Contains(h.Last().Words, "1 of 2") {
		t.Fatalf("first item: %+v, panel %+v", c.Lines[0], h.Last())
	}
	h.scan(t, "NOT-IN-ORDER-1")
	if c.Lines[0].Scanned != 1 || h.Last().Colour != Red || h.Last().Verdict != Unknown || !strings.Contains(h.Last().Words, "Not an item of order") {
		t.Fatalf("a stranger's code: %+v, panel %+v", c.Lines[0], h.Last())
	}
	// Another order while this one is half done is refused, and the check goes on.
	h.scan(t, dbtest.ShopeeToShip)
	if h.Check() != c || h.Last().Colour != Red {
		t.Fatalf("a To Ship order during the check: panel %+v", h.Last())
	}
	h.now = h.now.Add(2 * time.Second) // past the repeat window: a second item, not a double read
	h.scan(t, "TDG-CHF-BLK")
	h.run.Wait()
	if c.State() != domain.PickComplete || !strings.Contains(h.Last().Words, "Verified") {
		t.Fatalf("second item: state %v, panel %+v", c.State(), h.Last())
	}
	vs, err := h.f.DB.Verifications(context.Background(), c.OrderID)
	if err != nil || len(vs) != 1 || vs[0].Overridden || vs[0].State != domain.PickComplete || !vs[0].At.Equal(h.now) {
		t.Fatalf("recorded %+v %v", vs, err)
	}

	// The next order; an item too many is Overscan, F10 takes it back.
	h.scan(t, tiktokToProcess)
	c = h.Check()
	if c.OrderNo != tiktokToProcess || c.Lines[0].Required != 2 {
		t.Fatalf("next order: %+v", c)
	}
	for range 3 {
		h.now = h.now.Add(2 * time.Second)
		h.scan(t, "TDG-CHF-BLK")
	}
	// Two complete the check at once: the third is the next order's scan... so check the count.
	if vs, _ := h.f.DB.Verifications(context.Background(), c.OrderID); len(vs) != 1 {
		t.Fatalf("the TikTok order was not recorded complete: %+v", vs)
	}
	if h.Last().Colour != Red {
		t.Errorf("a third item after the check was done: %+v", h.Last())
	}
}

// Overscan, taking back, and Complete Verification by hand with a reason.
func TestStockPickOverscanAndOverride(t *testing.T) {
	h := open(t)
	h.SetMode(ModePick)
	// An order that must not ship is refused loudly.
	h.scan(t, dbtest.ShopeeInCancel)
	if h.Check() != nil || h.Last().Verdict != domain.ScanMustNotShip || h.sounds[len(h.sounds)-1] != SoundMustNotShip {
		t.Fatalf("cancel pending: check %v, panel %+v, sounds %v", h.Check(), h.Last(), h.sounds)
	}
	// Shipped is past picking.
	h.scan(t, "SPXMY0000003")
	if h.Check() != nil || h.Last().Verdict != domain.ScanWrongStage {
		t.Fatalf("shipped: %+v", h.Last())
	}
	o := h.order(t, dbtest.LazadaNew)
	o.Items = append(o.Items, domain.Item{PlatformItemID: "x-3", SKU: "MUG-01", Name: "Mug", Qty: 1, Status: o.Items[0].Status})
	if err := h.f.DB.SaveOrders(context.Background(), []domain.Order{o}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	h.scan(t, dbtest.LazadaNew)
	c := h.Check()
	if c == nil || len(c.Lines) != 2 {
		t.Fatalf("check %+v", c)
	}
	h.scan(t, "MUG-01")
	h.now = h.now.Add(2 * time.Second)
	h.scan(t, "mug-01")
	if c.State() != domain.PickIncomplete || c.Lines[1].Scanned != 2 || h.Last().Colour != Red || h.sounds[len(h.sounds)-1] != SoundWrongStage ||
		!strings.Contains(h.Last().Words, "One too many MUG-01") {
		t.Fatalf("overscan: %v %+v, panel %+v", c.State(), c.Lines, h.Last())
	}
	if !strings.Contains(h.drawn(), "1 too many") {
		t.Errorf("the line does not say 1 too many: %s", h.drawn())
	}
	h.scan(t, "TDG-CHF-BLK")
	h.now = h.now.Add(2 * time.Second)
	h.scan(t, "TDG-CHF-BLK")
	if c.State() != domain.PickOverscan {
		t.Fatalf("every line full, one over: %v", c.State())
	}
	h.press(t, fyne.KeyF10)
	h.run.Wait()
	if vs, _ := h.f.DB.Verifications(context.Background(), c.OrderID); c.Lines[0].Scanned != 1 || len(vs) != 0 {
		t.Fatalf("F10 took back %+v; recorded %+v", c.Lines, vs)
	}

	// F9 with an item missing asks for a reason; without one nothing is recorded.
	h.press(t, fyne.KeyF9)
	cv := h.win.Canvas()
	if cv.Overlays().Top() == nil || !strings.Contains(h.drawn(), "Complete Verification") {
		t.Fatalf("F9 asked nothing: %s", h.drawn())
	}
	h.press(t, fyne.KeyReturn) // an empty reason
	if vs, _ := h.f.DB.Verifications(context.Background(), c.OrderID); len(vs) != 0 || cv.Overlays().Top() == nil {
		t.Fatalf("an empty reason: recorded %+v, dialog %v", vs, cv.Overlays().Top())
	}
	test.Type(cv.Focused().(*widget.Entry), "one tudung short, buyer agreed")
	h.press(t, fyne.KeyReturn)
	h.run.Wait()
	vs, err := h.f.DB.Verifications(context.Background(), c.OrderID)
	if err != nil || len(vs) != 1 || !vs[0].Overridden || vs[0].Reason != "one tudung short, buyer agreed" || vs[0].State != domain.PickIncomplete {
		t.Fatalf("override recorded %+v %v", vs, err)
	}
	if cv.Overlays().Top() != nil || cv.Focused() != h.Field || !strings.Contains(h.Last().Words, "Verified by hand") {
		t.Fatalf("after the override: dialog %v, focus %T, panel %+v", cv.Overlays().Top(), cv.Focused(), h.Last())
	}
}

// Courier Handover: parcels on To Ship count out to the first parcel's courier; another
// courier's parcel, one not ready and one already shipped are refused; the list prints as the
// courier's manifest.
func TestCourierHandover(t *testing.T) {
	h := open(t)
	h.press(t, fyne.KeyF8)
	if h.Mode() != ModeHandover {
		t.Fatalf("F8: mode %v", h.Mode())
	}
	h.scan(t, dbtest.ShopeeTracking)
	if h.Courier() != "Shopee Xpress" || len(h.Handed()) != 1 || h.Last().Colour != Green {
		t.Fatalf("first parcel: courier %q, list %d, panel %+v", h.Courier(), len(h.Handed()), h.Last())
	}
	for _, c := range []struct{ code, words string }{
		{"MYMPA0000003", "goes with LEX MY, not Shopee Xpress"},
		{tiktokTracking, "Not ready for the courier"},
		{dbtest.ShopeeInCancel, "DO NOT SHIP"},
	} {
		h.scan(t, c.code)
		if len(h.Handed()) != 1 || h.Last().Colour != Red || !strings.Contains(h.Last().Words, c.words) {
			t.Errorf("%s: list %d, panel %+v", c.code, len(h.Handed()), h.Last())
		}
	}
	h.scan(t, "SPXMY0000003")
	if h.Last().Colour != Amber || !strings.Contains(h.Last().Words, "Shipped") {
		t.Errorf("a shipped parcel: %+v", h.Last())
	}
	h.now = h.now.Add(5 * time.Second)
	h.scan(t, dbtest.ShopeeToShip) // the same parcel by its order number
	if len(h.Handed()) != 1 || h.Last().Colour != Amber {
		t.Errorf("the same parcel again: list %d, panel %+v", len(h.Handed()), h.Last())
	}
	// The To Ship list is its own.
	if len(h.Scanned()) != 0 {
		t.Errorf("the handover went on the To Ship list: %+v", h.Scanned())
	}
	if ids := h.ids(); len(ids) != 1 || ids[0] != h.f.ID(t, dbtest.ShopeeToShip) {
		t.Errorf("the manifest would list %v", ids)
	}
	h.press(t, fyne.KeyF4)
	if !strings.Contains(h.drawn(), "Start a new handover?") {
		t.Fatalf("F4 asked nothing: %s", h.drawn())
	}
	h.press(t, fyne.KeyReturn)
	if len(h.Handed()) != 0 || h.Courier() != "" {
		t.Fatalf("after a new handover: %d parcels, courier %q", len(h.Handed()), h.Courier())
	}
	h.scan(t, "MYMPA0000003")
	if h.Courier() != "LEX MY" || len(h.Handed()) != 1 {
		t.Errorf("the next courier: %q, %d", h.Courier(), len(h.Handed()))
	}
}
