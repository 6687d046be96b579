package mapping

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// The fixture's SKUs besides its own TDG-CHF-BLK: one that is a stock code, one that is the
// barcode of a stock item's carton, and one that matches nothing.
const (
	skuTudung  = "TDG-CHF-BLK"
	skuMug     = "MUG-01"
	skuCarton  = "9555000000028"
	skuUnknown = "XYZ-NOTHING"
	tudungBox  = "9555000000028"
	tudungPcs  = "9555000000011"
)

func money(v int64) domain.Money { return domain.Money{Minor: v, Currency: "MYR"} }

// stockItems are the SQL Account company the tests sync into the file.
var stockItems = []domain.StockItem{
	{Code: "TDG-CHF", Description: "Tudung Bawal Chiffon", Group: "FASHION", Active: true, StockControl: true, Barcode: tudungPcs,
		UOMs: []domain.StockUOM{{UOM: "PCS", Rate: 1, Price: money(2990), Barcode: tudungPcs, Base: true}, {UOM: "BOX", Rate: 12, Price: money(32000), Barcode: tudungBox}}},
	{Code: "MUG-01", Description: "Mug Putih Seramik", Group: "KITCHEN", Active: true, StockControl: true,
		UOMs: []domain.StockUOM{{UOM: "PCS", Rate: 1, Price: money(1500), Base: true}}},
	{Code: "SHIPPING", Description: "Shipping fee", Group: "NON-STOCK", Active: true,
		UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
}

type fixture struct {
	*dbtest.Fixture
	win fyne.Window
	run *widgets.Runner
}

// newFixture is the dbtest file with the stock items synced and orders of three more SKUs.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	ctx := context.Background()
	if err := f.DB.ReplaceStockItems(ctx, stockItems, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	base, err := f.DB.Order(ctx, f.ID(t, "241101AAAA0003"))
	if err != nil {
		t.Fatal(err)
	}
	var more []domain.Order
	for i, sku := range []string{skuMug, skuCarton, skuUnknown} {
		o := base
		o.ID = 0
		o.OrderNo = "241101MAP000" + string(rune('1'+i))
		o.PlatformID = o.OrderNo
		o.Items = slices.Clone(base.Items)
		for j := range o.Items {
			o.Items[j].ID = 0
			o.Items[j].SKU = sku
			o.Items[j].Name = "Product " + sku
			o.Items[j].PlatformItemID = o.OrderNo + "-1"
		}
		more = append(more, o)
	}
	if err := f.DB.SaveOrders(ctx, more, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	win.Resize(fyne.NewSize(1280, 800))
	return &fixture{Fixture: f, win: win, run: &widgets.Runner{Manual: true}}
}

func (f *fixture) mapping(t *testing.T, sku string) (domain.Mapping, bool) {
	t.Helper()
	m, ok, err := f.DB.Mapping(context.Background(), sku)
	if err != nil {
		t.Fatal(err)
	}
	return m, ok
}

func press(w fyne.Focusable, key fyne.KeyName) { w.TypedKey(&fyne.KeyEvent{Name: key}) }

func codes(items []domain.StockItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}

// The map dialog finds stock items by code, description or barcode as one types, chooses the
// carton when its barcode is searched, maps a bundle, refuses a bad quantity, and unmaps after
// asking.
func TestMapDialog(t *testing.T) {
	f := newFixture(t)
	f.win.SetContent(widget.NewLabel("an order"))
	done := 0
	m := ShowMapDialog(f.win, f.run, f.DB, skuTudung, "Tudung Bawal Chiffon · Black", func() { done++ })
	f.run.Wait()
	if !strings.Contains(m.Current.Text, "Not mapped") || !m.Unmap.Disabled() {
		t.Errorf("an unmapped SKU's dialog says %q, Unmap enabled %v", m.Current.Text, !m.Unmap.Disabled())
	}
	if got := codes(m.Found()); len(got) != len(stockItems) {
		t.Errorf("before typing the dialog lists %v", got)
	}
	if f.win.Canvas().Focused() != m.Search {
		t.Error("the search field does not have the focus")
	}

	for _, c := range []struct{ typed, want string }{
		{"mug-01", "MUG-01"},  // code, any case
		{"seramik", "MUG-01"}, // description
		{tudungPcs, "TDG-CHF"},
		{"shipping", "SHIPPING"},
	} {
		m.Search.SetText("")
		test.Type(m.Search, c.typed)
		f.run.Wait()
		if got := codes(m.Found()); len(got) != 1 || got[0] != c.want {
			t.Errorf("searching %q found %v, want %s", c.typed, got, c.want)
		}
	}
	m.Search.SetText("")
	test.Type(m.Search, "no such thing")
	f.run.Wait()
	if len(m.Found()) != 0 || !strings.Contains(m.Message.Text, "No stock item has") {
		t.Errorf("a search that finds nothing: %v, %q", m.Found(), m.Message.Text)
	}

	// The carton's barcode chooses the carton; the unit can be changed.
	m.Search.SetText(tudungBox)
	f.run.Wait()
	press(m.Search, fyne.KeyReturn)
	l := m.Lines[0]
	if l.Item.Code != "TDG-CHF" || l.UOM.Selected != "BOX" || l.Qty.Text != "1" {
		t.Fatalf("after Enter on the carton's barcode the line is %s %q × %q", l.Item.Code, l.UOM.Selected, l.Qty.Text)
	}
	if !slices.Equal(l.UOM.Options, []string{"PCS", "BOX"}) || f.win.Canvas().Focused() != l.UOM {
		t.Errorf("units offered %v; focus on the unit: %v", l.UOM.Options, f.win.Canvas().Focused() == l.UOM)
	}
	l.UOM.SetSelected("PCS")
	l.Qty.SetText("2")

	// A second stock item makes a bundle: Add to bundle, search, ↓ to it, Enter.
	test.Tap(m.AddLine)
	if len(m.Lines) != 2 || m.Active() != 1 || f.win.Canvas().Focused() != m.Search {
		t.Fatalf("Add to bundle: %d lines, active %d", len(m.Lines), m.Active())
	}
	test.Type(m.Search, "p")
	f.run.Wait()
	for i, it := range m.Found() {
		if it.Code == "MUG-01" {
			for range i {
				press(m.Search, fyne.KeyDown)
			}
		}
	}
	if it, _ := m.Highlighted(); it.Code != "MUG-01" {
		t.Fatalf("↓ moved to %s among %v", it.Code, codes(m.Found()))
	}
	press(m.Search, fyne.KeyEnter)
	if m.Lines[1].Item.Code != "MUG-01" || m.Lines[1].UOM.Selected != "PCS" {
		t.Fatalf("the bundle's second line is %+v", m.Lines[1].Item.Code)
	}

	// A bad quantity is refused in place, and nothing is written.
	m.Lines[1].Qty.SetText("0")
	test.Tap(m.Map)
	f.run.Wait()
	if _, ok := f.mapping(t, skuTudung); ok || done != 0 || !strings.Contains(m.Message.Text, "whole number from 1") {
		t.Fatalf("quantity 0: mapped %v, done %d, message %q", ok, done, m.Message.Text)
	}
	m.Lines[1].Qty.SetText("1")
	test.Tap(m.Map)
	f.run.Wait()
	got, ok := f.mapping(t, skuTudung)
	want := []domain.MapLine{{StockCode: "TDG-CHF", UOM: "PCS", Qty: 2}, {StockCode: "MUG-01", UOM: "PCS", Qty: 1}}
	if !ok || !slices.Equal(got.Lines, want) || got.Auto || done != 1 {
		t.Fatalf("mapped %+v (%v), done %d", got, ok, done)
	}

	// Opened again, it shows the bundle; Unmap asks first, and "Keep it" keeps it.
	m = ShowMapDialog(f.win, f.run, f.DB, skuTudung, "", func() { done++ })
	f.run.Wait()
	if !strings.Contains(m.Current.Text, "TDG-CHF (PCS) × 2 + MUG-01 (PCS)") || len(m.Lines) != 2 || m.Lines[0].Qty.Text != "2" || m.Lines[1].Item.Code != "MUG-01" {
		t.Fatalf("reopened: %q, %d lines", m.Current.Text, len(m.Lines))
	}
	test.Tap(m.Unmap)
	if !uitest.Tap(f.win.Canvas(), "Keep it") {
		t.Fatal("Unmap did not ask")
	}
	f.run.Wait()
	if _, ok := f.mapping(t, skuTudung); !ok {
		t.Fatal("Keep it unmapped the SKU")
	}
	test.Tap(m.Unmap)
	if !uitest.Tap(f.win.Canvas(), "Unmap") {
		t.Fatal("no Unmap in the question")
	}
	f.run.Wait()
	if _, ok := f.mapping(t, skuTudung); ok || done != 2 {
		t.Fatalf("after Unmap: still mapped %v, done %d", ok, done)
	}
}

// A stock code the data file does not know is refused in the dialog, which stays open.
func TestMapDialogShowsTheRefusal(t *testing.T) {
	f := newFixture(t)
	f.win.SetContent(widget.NewLabel("an order"))
	m := ShowMapDialog(f.win, f.run, f.DB, skuMug, "", nil)
	f.run.Wait()
	m.Search.SetText("mug")
	f.run.Wait()
	press(m.Search, fyne.KeyReturn)
	m.Lines[0].Item.Code = "GONE-01" // deleted in SQL Account since the search
	test.Tap(m.Map)
	f.run.Wait()
	if _, ok := f.mapping(t, skuMug); ok || !strings.HasPrefix(m.Message.Text, "Not mapped: ") {
		t.Fatalf("an unknown stock code: mapped %v, message %q", ok, m.Message.Text)
	}
}

// The Mapping screen lists every SKU with its orders and stock items, filters and searches,
// opens the map dialog on Enter, unmaps after asking, and auto-maps only the checked proposals.
func TestMappingScreen(t *testing.T) {
	f := newFixture(t)
	s := New(f.DB, f.win, f.run)
	f.win.SetContent(s.Content())
	s.Reload()
	f.run.Wait()
	skus := func() []string {
		var out []string
		for _, r := range s.Rows() {
			out = append(out, r.SKU)
		}
		slices.Sort(out)
		return out
	}
	if got := skus(); !slices.Equal(got, []string{skuCarton, skuMug, skuTudung, skuUnknown}) {
		t.Fatalf("all SKUs: %v", got)
	}
	for _, r := range s.Rows() {
		if r.SKU == skuTudung && (r.Orders < 10 || r.Name != "Tudung Bawal Chiffon" || CellText(r, 3) != "Not mapped") {
			t.Errorf("row %+v reads %q", r, CellText(r, 3))
		}
	}
	if !strings.Contains(s.Summary.Text, "4 SKUs, 4 not mapped") {
		t.Errorf("summary %q", s.Summary.Text)
	}
	if !s.MapBtn.Disabled() || !s.UnmapBtn.Disabled() {
		t.Error("Map… or Unmap is enabled with no SKU chosen")
	}

	// Auto Map proposes the SKU that is a code and the one that is a carton's barcode; all are
	// checked, and only the checked ones are mapped.
	test.Tap(s.AutoBtn)
	f.run.Wait()
	a := s.Auto()
	if a == nil {
		t.Fatal("no auto-map dialog")
	}
	var carton, mug = -1, -1
	for i, m := range a.Matches() {
		if !a.Checked(i) {
			t.Errorf("proposal %d is not checked at first", i)
		}
		switch m.SKU {
		case skuCarton:
			carton = i
			if m.StockCode != "TDG-CHF" || m.UOM != "BOX" {
				t.Errorf("the carton's barcode proposes %+v", m)
			}
		case skuMug:
			mug = i
		case skuUnknown:
			t.Errorf("a SKU that matches nothing is proposed: %+v", m)
		}
	}
	if carton < 0 || mug < 0 {
		t.Fatalf("proposals %+v", a.Matches())
	}
	test.Tap(a.None)
	if !a.Apply.Disabled() {
		t.Error("Select none leaves the apply button enabled")
	}
	test.Tap(a.All)
	a.Toggle(mug) // a person unchecks a proposal they do not trust
	if want := fmt.Sprintf("Map %d SKUs", len(a.Matches())-1); a.Apply.Text != want && a.Apply.Text != "Map 1 SKU" {
		t.Errorf("apply button says %q", a.Apply.Text)
	}
	test.Tap(a.Apply)
	f.run.Wait()
	if m, ok := f.mapping(t, skuCarton); !ok || !m.Auto || !slices.Equal(m.Lines, []domain.MapLine{{StockCode: "TDG-CHF", UOM: "BOX", Qty: 1}}) {
		t.Errorf("the checked carton proposal mapped %+v %v", m, ok)
	}
	if _, ok := f.mapping(t, skuMug); ok {
		t.Error("the unchecked proposal was mapped")
	}
	if !strings.Contains(s.Message.Text, "Mapped") {
		t.Errorf("after auto-mapping the screen says %q", s.Message.Text)
	}

	// Filters.
	s.SetFilter("mapped")
	f.run.Wait()
	if got := skus(); !slices.Contains(got, skuCarton) || slices.Contains(got, skuMug) || slices.Contains(got, skuUnknown) {
		t.Errorf("mapped: %v", got)
	}
	if r := s.Rows()[slices.IndexFunc(s.Rows(), func(r domain.SKUInfo) bool { return r.SKU == skuCarton })]; CellText(r, 3) != "TDG-CHF (BOX) · auto" {
		t.Errorf("the carton row shows %q", CellText(r, 3))
	}
	s.SetFilter("unmapped")
	f.run.Wait()
	if got := skus(); !slices.Contains(got, skuMug) || !slices.Contains(got, skuUnknown) || slices.Contains(got, skuCarton) {
		t.Errorf("unmapped: %v", got)
	}

	// Ctrl+F's target, the search, narrows the list as one types; ↓ goes into the list and Enter
	// opens the map dialog on that SKU.
	s.SetFilter("all")
	f.run.Wait()
	s.FocusSearch()
	if f.win.Canvas().Focused() != s.Search {
		t.Fatal("FocusSearch did not focus the search")
	}
	test.Type(s.Search, "mug")
	f.run.Wait()
	if got := skus(); !slices.Equal(got, []string{skuMug}) {
		t.Fatalf("searching mug: %v", got)
	}
	press(s.Search, fyne.KeyDown)
	if f.win.Canvas().Focused() != s.Table {
		t.Fatal("↓ from the search does not go into the list")
	}
	press(s.Table, fyne.KeyReturn)
	f.run.Wait()
	d := s.MapDialog()
	if d == nil || d.sku != skuMug {
		t.Fatalf("Enter on the row opened %+v", d)
	}
	d.Search.SetText("MUG-01")
	f.run.Wait()
	press(d.Search, fyne.KeyReturn)
	test.Tap(d.Map)
	f.run.Wait()
	if r := s.Rows(); len(r) != 1 || CellText(r[0], 3) != "MUG-01 (PCS)" {
		t.Fatalf("after mapping from the screen the row reads %q", CellText(r[0], 3))
	}

	// Delete asks before unmapping.
	s.win.Canvas().Focus(s.Table)
	s.Select(0)
	if s.UnmapBtn.Disabled() {
		t.Fatal("Unmap is disabled on a mapped SKU")
	}
	press(s.Table, fyne.KeyDelete)
	if !uitest.Tap(f.win.Canvas(), "Unmap") {
		t.Fatal("Delete did not ask")
	}
	f.run.Wait()
	if _, ok := f.mapping(t, skuMug); ok || CellText(s.Rows()[0], 3) != "Not mapped" {
		t.Errorf("Delete did not unmap: %q", CellText(s.Rows()[0], 3))
	}
	texts := strings.Join(uitest.DrawnText(f.win.Canvas()), "|")
	for _, want := range []string{"SKU", "Product name", "Orders", "Stock item(s)", skuMug, "Not mapped", "Auto Map…"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the screen does not draw %q: %s", want, texts)
		}
	}
}
