package db_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

// withStock is the fixture with the test stock list synced.
func withStock(t *testing.T) *dbtest.Fixture {
	t.Helper()
	f := dbtest.New(t, 0)
	if err := f.DB.ReplaceStockItems(t.Context(), stock(), dbtest.Now); err != nil {
		t.Fatal(err)
	}
	return f
}

// addOrders saves Shopee orders with the given SKUs, one order per entry (several SKUs: several lines).
func addOrders(t *testing.T, f *dbtest.Fixture, prefix string, skus ...[]string) {
	t.Helper()
	sp := f.Stores[domain.Shopee]
	var batch []domain.Order
	for i, list := range skus {
		o := domain.Order{StoreID: sp.ID, OrderNo: fmt.Sprintf("%s%04d", prefix, i), Status: domain.SpCompleted,
			CreatedAt: dbtest.T0.Add(time.Duration(i) * time.Minute), Currency: "MYR"}
		for _, sku := range list {
			o.Items = append(o.Items, domain.Item{SKU: sku, Name: "Item " + sku, Qty: 1, UnitPrice: rm(1000), PaidPrice: rm(1000)})
		}
		batch = append(batch, o)
	}
	if err := f.DB.SaveOrders(t.Context(), batch, dbtest.Now); err != nil {
		t.Fatal(err)
	}
}

func TestSetMappingRefusesWhatCannotBePosted(t *testing.T) {
	f := withStock(t)
	ctx := t.Context()
	one := func(code, uom string, qty int) []domain.MapLine {
		return []domain.MapLine{{StockCode: code, UOM: uom, Qty: qty}}
	}
	for msg, m := range map[string]domain.Mapping{
		"needs the platform SKU":               {SKU: "  ", Lines: one("TDG-CHF-BLK", "", 1)},
		`SKU "X": choose the stock item it is`: {SKU: "X"},
		`SKU "X": stock item "TDG-GONE" is not among the stock items synced from SQL Account`:         {SKU: "X", Lines: one("TDG-GONE", "", 1)},
		`SKU "X": stock item "TDG-CHF-BLK" has no UOM "CTN" (its UOMs: UNIT, BOX)`:                    {SKU: "X", Lines: one("tdg-chf-blk", "CTN", 1)},
		`SKU "X": 0 of stock item "TDG-CHF-BLK": the quantity must be at least 1`:                     {SKU: "X", Lines: one("TDG-CHF-BLK", "UNIT", 0)},
		`SKU "X": stock item "PIN-GOLD" in PCS comes twice; give it one line with the total quantity`: {SKU: "X", Lines: append(one("PIN-GOLD", "", 1), one("pin-gold", "pcs", 2)...)},
	} {
		if err := f.DB.SetMapping(ctx, m); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%+v: %v, want %q", m, err, msg)
		}
	}
	if got, err := f.DB.SKUs(ctx, "mapped", "", 0); err != nil || len(got) != 0 {
		t.Errorf("a refused mapping was kept: %+v %v", got, err)
	}
	if err := f.DB.Unmap(ctx, "TDG-CHF-BLK"); err == nil || !strings.Contains(err.Error(), `SKU "TDG-CHF-BLK" is not mapped`) {
		t.Errorf("unmapping an unmapped SKU: %v", err)
	}
}

func TestMappingsFillStockCodes(t *testing.T) {
	f := withStock(t)
	ctx := t.Context()
	id := f.ID(t, dbtest.ShopeeToShip)
	if o, _ := f.DB.Order(ctx, id); o.Items[0].StockCode != "" {
		t.Fatalf("unmapped item shows stock code %q", o.Items[0].StockCode)
	}
	// No UOM: the base one; codes and UOMs as SQL Account spells them.
	if err := f.DB.SetMapping(ctx, domain.Mapping{SKU: "TDG-CHF-BLK", Lines: []domain.MapLine{{StockCode: "tdg-chf-blk", Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	m, ok, err := f.DB.Mapping(ctx, "TDG-CHF-BLK")
	if err != nil || !ok || !reflect.DeepEqual(m, domain.Mapping{SKU: "TDG-CHF-BLK", Lines: []domain.MapLine{{StockCode: "TDG-CHF-BLK", UOM: "UNIT", Qty: 1}}}) {
		t.Fatalf("mapping %+v %v %v", m, ok, err)
	}
	if _, ok, _ := f.DB.Mapping(ctx, "tdg-chf-blk"); ok {
		t.Error("a SKU is matched exactly, not whatever its case")
	}
	o, err := f.DB.Order(ctx, id)
	if err != nil || o.Items[0].StockCode != "TDG-CHF-BLK" {
		t.Fatalf("stock code %q %v", o.Items[0].StockCode, err)
	}
	// A bundle shows every stock code.
	bundle := domain.Mapping{SKU: "TDG-CHF-BLK", Auto: true, Lines: []domain.MapLine{{StockCode: "TDG-CHF-BLK", UOM: "box", Qty: 1},
		{StockCode: "PIN-GOLD", UOM: "PCS", Qty: 12}}}
	if err := f.DB.SetMapping(ctx, bundle); err != nil {
		t.Fatal(err)
	}
	orders, err := f.DB.Orders(ctx, []int64{id, f.ID(t, dbtest.LazadaNew)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		for _, it := range o.Items {
			if it.StockCode != "TDG-CHF-BLK+PIN-GOLD" {
				t.Errorf("order %s: stock code %q", o.OrderNo, it.StockCode)
			}
		}
	}
	ms, err := f.DB.Mappings(ctx, []string{"TDG-CHF-BLK", "NOPE"})
	bundle.Lines[0].UOM = "BOX"
	if err != nil || len(ms) != 1 || !reflect.DeepEqual(ms["TDG-CHF-BLK"], bundle) {
		t.Errorf("mappings %+v %v", ms, err)
	}
	if err := f.DB.Unmap(ctx, "TDG-CHF-BLK"); err != nil {
		t.Fatal(err)
	}
	if o, _ := f.DB.Order(ctx, id); o.Items[0].StockCode != "" {
		t.Errorf("unmapped, still %q", o.Items[0].StockCode)
	}
}

func TestSKUsListsEverySKUWithItsOrders(t *testing.T) {
	f := withStock(t)
	ctx := t.Context()
	// The fixture's 14 orders all sell TDG-CHF-BLK (Lazada and TikTok as two lines: one order each).
	addOrders(t, f, "SKU", []string{"PIN-GOLD"}, []string{"PIN-GOLD", "pin_%x"}, []string{"9555000000035", "PIN-GOLD"}, []string{"Tudung-Merah"})
	if err := f.DB.SetMapping(ctx, domain.Mapping{SKU: "PIN-GOLD", Lines: []domain.MapLine{{StockCode: "PIN-GOLD", Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.DB.SetMapping(ctx, domain.Mapping{SKU: "NOT-SOLD-YET", Lines: []domain.MapLine{{StockCode: "TDG-CHF-RED", Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	type row struct {
		SKU, Name string
		Orders    int
		Mapped    bool
	}
	list := func(filter, search string, limit int) []row {
		t.Helper()
		got, err := f.DB.SKUs(ctx, filter, search, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, s := range got {
			out = append(out, row{s.SKU, s.Name, s.Orders, s.Mapping != nil})
		}
		return out
	}
	all := []row{
		{"9555000000035", "Item 9555000000035", 1, false},
		{"NOT-SOLD-YET", "", 0, true},
		{"PIN-GOLD", "Item PIN-GOLD", 3, true},
		{"TDG-CHF-BLK", "Tudung Bawal Chiffon", 14, false},
		{"Tudung-Merah", "Item Tudung-Merah", 1, false},
		{"pin_%x", "Item pin_%x", 1, false},
	}
	for _, c := range []struct {
		filter, search string
		limit          int
		want           []row
	}{
		{"all", "", 0, all},
		{"", "", 3, all[:3]},
		{"mapped", "", 0, []row{all[1], all[2]}},
		{"unmapped", "", 0, []row{all[0], all[3], all[4], all[5]}},
		{"unmapped", "", 2, []row{all[0], all[3]}},
		{"all", "pin", 0, []row{all[2], all[5]}},
		{"all", "_%", 0, []row{all[5]}},          // wildcards are text
		{"all", "chiffon", 0, []row{all[3]}},     // the name
		{"mapped", "not-sold", 0, []row{all[1]}}, // a mapping no order has yet
		{"unmapped", "TUDUNG", 0, []row{all[3], all[4]}},
	} {
		if got := list(c.filter, c.search, c.limit); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SKUs(%q, %q, %d):\n%v\nwant\n%v", c.filter, c.search, c.limit, got, c.want)
		}
	}
	if _, err := f.DB.SKUs(ctx, "half", "", 0); err == nil {
		t.Error("an unknown filter listed")
	}
	got, _ := f.DB.SKUs(ctx, "mapped", "pin", 0)
	if len(got) != 1 || got[0].Mapping.Lines[0] != (domain.MapLine{StockCode: "PIN-GOLD", UOM: "PCS", Qty: 1}) {
		t.Errorf("mapping shown %+v", got)
	}
}

func TestAutoMatches(t *testing.T) {
	f := withStock(t)
	ctx := t.Context()
	addOrders(t, f, "AUTO",
		[]string{"pin-silver"},      // a code, in another case
		[]string{"9555000000028"},   // the BOX's barcode
		[]string{"9555000000035"},   // the item's only UOM's barcode
		[]string{"SHARED-1"},        // a barcode of two items: no proposal
		[]string{"OLD-ITEM"},        // inactive
		[]string{"PIN-GOLD"},        // mapped already
		[]string{"nothing-like-it"}, // no match
	)
	if err := f.DB.SetMapping(ctx, domain.Mapping{SKU: "PIN-GOLD", Lines: []domain.MapLine{{StockCode: "PIN-GOLD", Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	got, err := f.DB.AutoMatches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.AutoMatch{
		{SKU: "9555000000028", Name: "Item 9555000000028", StockCode: "TDG-CHF-BLK", UOM: "BOX", Why: "SKU equals barcode of UOM BOX"},
		{SKU: "9555000000035", Name: "Item 9555000000035", StockCode: "TDG-CHF-RED", UOM: "UNIT", Why: "SKU equals barcode of UOM UNIT"},
		{SKU: "TDG-CHF-BLK", Name: "Tudung Bawal Chiffon", StockCode: "TDG-CHF-BLK", UOM: "UNIT", Why: "SKU equals item code"},
		{SKU: "pin-silver", Name: "Item pin-silver", StockCode: "PIN-SILVER", UOM: "PCS", Why: "SKU equals item code"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("auto matches:\n%+v\nwant\n%+v", got, want)
	}
	// Confirmed, they are mappings like any other, and no longer proposed.
	for _, m := range got {
		if err := f.DB.SetMapping(ctx, domain.Mapping{SKU: m.SKU, Auto: true, Lines: []domain.MapLine{{StockCode: m.StockCode, UOM: m.UOM, Qty: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := f.DB.AutoMatches(ctx); len(got) != 0 {
		t.Errorf("still proposed: %+v", got)
	}
	if m, ok, _ := f.DB.Mapping(ctx, "9555000000028"); !ok || !m.Auto || m.Lines[0].UOM != "BOX" {
		t.Errorf("confirmed %+v", m)
	}
}

// The counts follow the orders as they are saved again: an order counts once per SKU however
// many lines have it, a SKU an order no longer has loses it, and saving again changes nothing.
func TestSKUCountsFollowSavedOrders(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	count := func() map[string]int {
		t.Helper()
		got, err := f.DB.SKUs(ctx, "all", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, s := range got {
			out[s.SKU] = s.Orders
		}
		return out
	}
	if got := count(); !reflect.DeepEqual(got, map[string]int{"TDG-CHF-BLK": 14}) {
		t.Fatalf("fixture counts %v", got)
	}
	o := load(t, f, dbtest.LazadaNew) // two lines of TDG-CHF-BLK
	o.Items[1].SKU, o.Items[1].Name = "TDG-CHF-RED", "Tudung merah"
	for range 2 {
		if err := f.DB.SaveOrders(ctx, []domain.Order{o}, dbtest.Now); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(); !reflect.DeepEqual(got, map[string]int{"TDG-CHF-BLK": 14, "TDG-CHF-RED": 1}) {
		t.Errorf("one line changed %v", got)
	}
	o.Items[0].SKU = "TDG-CHF-RED"
	if err := f.DB.SaveOrders(ctx, []domain.Order{o}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if got := count(); !reflect.DeepEqual(got, map[string]int{"TDG-CHF-BLK": 13, "TDG-CHF-RED": 1}) {
		t.Errorf("both lines changed %v", got)
	}
	if got, _ := f.DB.SKUs(ctx, "all", "merah", 0); len(got) != 1 || got[0].Name != "Tudung merah" {
		t.Errorf("by the name last saved: %+v", got)
	}
}
