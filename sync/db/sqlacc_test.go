package db_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

func rm(v int64) domain.Money { return domain.Money{Minor: v, Currency: "MYR"} }

// The SQL Account keys come back as set, and neither the file nor its WAL holds them in plain text.
func TestSQLAccConfigKeysAreSealed(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kedai.db")
	opt := dbtest.Options(t)
	d, err := db.OpenWith(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if c, err := d.SQLAccConfig(ctx); err != nil || c != (db.SQLAccConfig{}) {
		t.Fatalf("never set: %+v %v", c, err)
	}
	const access, secret = "AKIA-ACCESS-7f3e9c1d", "SECRET-9b8a7c6d5e4f3a2b"
	for _, bad := range []db.SQLAccConfig{
		{AccessKey: access, SecretKey: secret},
		{URL: "api.sql.my", AccessKey: access, SecretKey: secret},
		{URL: "https://api.sql.my", SecretKey: secret},
		{URL: "https://api.sql.my", AccessKey: access, SecretKey: "  "},
	} {
		if err := d.SetSQLAccConfig(ctx, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if c, _ := d.SQLAccConfig(ctx); c != (db.SQLAccConfig{}) {
		t.Fatalf("a refused config changed the file: %+v", c)
	}
	if err := d.SetSQLAccConfig(ctx, db.SQLAccConfig{URL: " https://api.sql.my/ ", AccessKey: access, SecretKey: secret}); err != nil {
		t.Fatal(err)
	}
	want := db.SQLAccConfig{URL: "https://api.sql.my", AccessKey: access, SecretKey: secret, Region: "ap-southeast-1", Service: "execute-api"}
	if c, err := d.SQLAccConfig(ctx); err != nil || c != want {
		t.Fatalf("back: %+v %v, want %+v", c, err, want)
	}
	other := db.SQLAccConfig{URL: "http://127.0.0.1:8080/sqlacc", AccessKey: access, SecretKey: secret, Region: "ap-southeast-5", Service: "sqlaccount"}
	if err := d.SetSQLAccConfig(ctx, other); err != nil {
		t.Fatal(err)
	}
	if c, _ := d.SQLAccConfig(ctx); c != other {
		t.Fatalf("changed: %+v, want %+v", c, other)
	}
	plain := func(when string) {
		for _, f := range []string{path, path + "-wal"} {
			raw, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			for _, s := range []string{access, secret} {
				if bytes.Contains(raw, []byte(s)) {
					t.Errorf("%s: %s holds %q in plain text", when, filepath.Base(f), s)
				}
			}
		}
	}
	plain("open")
	d.Close()
	plain("closed")
	d2, err := db.OpenWith(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if c, err := d2.SQLAccConfig(ctx); err != nil || c != other {
		t.Fatalf("after reopening: %+v %v", c, err)
	}
}

// stock is the SQL Account stock list of the tests: the fixture's tudung by the unit and the box,
// a bundle's parts, an inactive item and the non-stock items of the extra lines.
func stock() []domain.StockItem {
	return []domain.StockItem{
		{Code: "TDG-CHF-BLK", Description: "Tudung Bawal Chiffon (Black)", Group: "TUDUNG", Active: true, StockControl: true,
			Barcode: "9555000000011", UOMs: []domain.StockUOM{
				{UOM: "UNIT", Rate: 1, Price: rm(2990), Base: true, Barcode: "9555000000011"},
				{UOM: "BOX", Rate: 12, Price: rm(33000), Barcode: "9555000000028"}}},
		{Code: "TDG-CHF-RED", Description: "Tudung Bawal Chiffon (Red)", Active: true, StockControl: true,
			UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Price: rm(2990), Base: true, Barcode: "9555000000035"}}},
		{Code: "PIN-GOLD", Description: "Scarf pin, gold", Active: true, StockControl: true,
			UOMs: []domain.StockUOM{{UOM: "PCS", Rate: 1, Price: rm(500), Base: true, Barcode: "SHARED-1"}}},
		{Code: "PIN-SILVER", Description: "Scarf pin, silver", Active: true, StockControl: true,
			UOMs: []domain.StockUOM{{UOM: "PCS", Rate: 1, Price: rm(500), Base: true, Barcode: "SHARED-1"}}},
		{Code: "OLD-ITEM", Description: "Discontinued", Active: false, UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
		{Code: "VOUCHER", Description: "Seller voucher", Active: true, UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
		{Code: "SHIPPING", Description: "Shipping fee", Active: true, UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
	}
}

func codes(s ...string) []string { return s }

func stockCodes(items []domain.StockItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}

func TestStockItemsReplaceAndSearch(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	if at, err := f.DB.SQLAccSyncedAt(ctx); err != nil || !at.IsZero() {
		t.Fatalf("never synced: %v %v", at, err)
	}
	if err := f.DB.ReplaceStockItems(ctx, stock(), dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if at, err := f.DB.SQLAccSyncedAt(ctx); err != nil || !at.Equal(dbtest.Now) {
		t.Fatalf("synced at %v %v", at, err)
	}
	for search, want := range map[string][]string{
		"":                       codes("OLD-ITEM", "PIN-GOLD", "PIN-SILVER", "SHIPPING", "TDG-CHF-BLK", "TDG-CHF-RED", "VOUCHER"),
		"tdg":                    codes("TDG-CHF-BLK", "TDG-CHF-RED"),
		"TDG-CHF-B":              codes("TDG-CHF-BLK"),
		"chf-red":                codes("TDG-CHF-RED"), // a part of the code
		"red":                    codes("TDG-CHF-RED"), // the code's last part, and a word of the description
		"bawal":                  codes("TDG-CHF-BLK", "TDG-CHF-RED"),
		"Chiffon (black)":        codes("TDG-CHF-BLK"), // every word must match
		"chiffon gold":           nil,
		"9555000000028":          codes("TDG-CHF-BLK"), // the BOX's barcode
		" 9555000000035 ":        codes("TDG-CHF-RED"),
		"shared-1":               codes("PIN-GOLD", "PIN-SILVER"),
		"pin":                    codes("PIN-GOLD", "PIN-SILVER"),
		"nothing":                nil,
		"tudung bawal chiffon ~": codes("TDG-CHF-BLK", "TDG-CHF-RED"),
	} {
		got, err := f.DB.StockItems(ctx, search, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(stockCodes(got), want) {
			t.Errorf("search %q: %v, want %v", search, stockCodes(got), want)
		}
	}
	// An exact code comes before the items it is a prefix of.
	if err := f.DB.ReplaceStockItems(ctx, append(stock(), domain.StockItem{Code: "TDG", Description: "Tudung, loose",
		UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}}), dbtest.Now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.DB.StockItems(ctx, "tdg", 2); !reflect.DeepEqual(stockCodes(got), codes("TDG", "TDG-CHF-BLK")) {
		t.Errorf("exact first, limited: %v", stockCodes(got))
	}
	it, err := f.DB.StockItem(ctx, "tdg-chf-blk")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(it, stock()[0]) {
		t.Errorf("item back:\n%+v\nwant\n%+v", it, stock()[0])
	}
	if _, err := f.DB.StockItem(ctx, "NOPE"); !errors.Is(err, db.ErrNoStockItem) || !strings.Contains(err.Error(), `"NOPE"`) {
		t.Errorf("unknown item: %v", err)
	}

	// A bad list changes nothing, and says what is wrong.
	for want, bad := range map[string][]domain.StockItem{
		`stock item "tdg-chf-blk" comes twice`: append(stock(), domain.StockItem{Code: "tdg-chf-blk"}),
		"has no code":                          {{Code: " ", Description: "x"}},
		`has UOM "box" twice`:                  {{Code: "A", UOMs: []domain.StockUOM{{UOM: "BOX", Rate: 12}, {UOM: "box", Rate: 10}}}},
		`UOM "CTN" has rate 0`:                 {{Code: "A", UOMs: []domain.StockUOM{{UOM: "CTN"}}}},
		"a UOM without a name":                 {{Code: "A", UOMs: []domain.StockUOM{{Rate: 1}}}},
	} {
		if err := f.DB.ReplaceStockItems(ctx, bad, dbtest.Now.Add(2*time.Hour)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad list: %v, want %q", err, want)
		}
	}
	if all, _ := f.DB.StockItems(ctx, "", 0); len(all) != len(stock())+1 {
		t.Errorf("a refused list changed the items: %v", stockCodes(all))
	}
	if at, _ := f.DB.SQLAccSyncedAt(ctx); !at.Equal(dbtest.Now.Add(time.Hour)) {
		t.Errorf("a refused list moved the sync time to %v", at)
	}
	// Replacing drops what SQL Account no longer has, and its keys.
	if err := f.DB.ReplaceStockItems(ctx, stock()[:1], dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.DB.StockItems(ctx, "9555000000035", 0); len(got) != 0 {
		t.Errorf("a dropped item is still found by its barcode: %v", stockCodes(got))
	}
}

func TestCodes(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	customers := []domain.AccountCode{{Code: "300-S0002", Description: "Shopee Butik Ayu"}, {Code: "300-L0001", Description: "Lazada Kedai Cantik"}}
	if err := f.DB.ReplaceCodes(ctx, domain.CodeCustomer, customers); err != nil {
		t.Fatal(err)
	}
	taxes := []domain.AccountCode{{Code: "SV", Description: "Service tax", Rate: 8}, {Code: "ST", Rate: 10}}
	if err := f.DB.ReplaceCodes(ctx, domain.CodeTax, taxes); err != nil {
		t.Fatal(err)
	}
	got, err := f.DB.Codes(ctx, domain.CodeCustomer)
	want := []domain.AccountCode{{Kind: "customer", Code: "300-L0001", Description: "Lazada Kedai Cantik"},
		{Kind: "customer", Code: "300-S0002", Description: "Shopee Butik Ayu"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("customers %+v %v", got, err)
	}
	if got, _ := f.DB.Codes(ctx, domain.CodeTax); len(got) != 2 || got[0].Code != "ST" || got[0].Rate != 10 || got[1].Rate != 8 {
		t.Errorf("taxes %+v", got)
	}
	for _, bad := range []struct {
		kind  domain.CodeKind
		codes []domain.AccountCode
	}{
		{"agent", nil},
		{domain.CodeCustomer, []domain.AccountCode{{Code: "A"}, {Code: "a"}}},
		{domain.CodeCustomer, []domain.AccountCode{{Code: ""}}},
		{domain.CodeTax, []domain.AccountCode{{Code: "X", Rate: 101}}},
	} {
		if err := f.DB.ReplaceCodes(ctx, bad.kind, bad.codes); err == nil {
			t.Errorf("%s %+v accepted", bad.kind, bad.codes)
		}
	}
	if got, _ := f.DB.Codes(ctx, domain.CodeCustomer); len(got) != 2 {
		t.Errorf("a refused list changed the customers: %+v", got)
	}
	if _, err := f.DB.Codes(ctx, "agent"); err == nil {
		t.Error("an unknown kind listed")
	}
	// Replacing one kind leaves the others.
	if err := f.DB.ReplaceCodes(ctx, domain.CodeCustomer, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.DB.Codes(ctx, domain.CodeTax); len(got) != 2 {
		t.Errorf("taxes after the customers were emptied: %+v", got)
	}
}

func TestStoreCodes(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	sp := f.Stores[domain.Shopee]
	if c, err := f.DB.StoreCodes(ctx, sp.ID); err != nil || c != (domain.StoreCodes{StoreID: sp.ID}) {
		t.Fatalf("never set: %+v %v", c, err)
	}
	// Before anything is synced, any code is taken as typed.
	early := domain.StoreCodes{StoreID: sp.ID, Customer: " 300-S0002 ", Voucher: "voucher"}
	if err := f.DB.SetStoreCodes(ctx, early); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.DB.StoreCodes(ctx, sp.ID); c.Customer != "300-S0002" || c.Voucher != "voucher" {
		t.Errorf("early codes %+v", c)
	}
	if err := f.DB.ReplaceStockItems(ctx, stock(), dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if err := f.DB.ReplaceCodes(ctx, domain.CodeCustomer, []domain.AccountCode{{Code: "300-S0002"}, {Code: "300-L0001"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.DB.ReplaceCodes(ctx, domain.CodeLocation, []domain.AccountCode{{Code: "ECOM"}}); err != nil {
		t.Fatal(err)
	}
	set := domain.StoreCodes{StoreID: sp.ID, Customer: "300-s0002", Location: "ecom", Project: "SHOPEE", Voucher: "voucher",
		Shipping: "Shipping", Payment: "ONLINE"}
	if err := f.DB.SetStoreCodes(ctx, set); err != nil {
		t.Fatal(err) // no projects or payment methods synced: those are taken as typed
	}
	want := domain.StoreCodes{StoreID: sp.ID, Customer: "300-S0002", Location: "ECOM", Project: "SHOPEE", Voucher: "VOUCHER",
		Shipping: "SHIPPING", Payment: "ONLINE"}
	if c, _ := f.DB.StoreCodes(ctx, sp.ID); c != want {
		t.Errorf("codes %+v, want SQL Account's spelling %+v", c, want)
	}
	for msg, bad := range map[string]domain.StoreCodes{
		`store "Butik Ayu Shopee": customer code "300-X" is not among the customers synced from SQL Account`: {StoreID: sp.ID, Customer: "300-X"},
		`location "KL" is not among the locations synced`:                                                    {StoreID: sp.ID, Customer: "300-S0002", Location: "KL"},
		`discount item "DISC" is not among the stock items synced`:                                           {StoreID: sp.ID, Discount: "DISC"},
		`no store with id 99`: {StoreID: 99},
	} {
		if err := f.DB.SetStoreCodes(ctx, bad); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%+v: %v, want %q", bad, err, msg)
		}
	}
	if c, _ := f.DB.StoreCodes(ctx, sp.ID); c != want {
		t.Errorf("a refused change changed the codes: %+v", c)
	}
	if c, _ := f.DB.StoreCodes(ctx, f.Stores[domain.Lazada].ID); c.Customer != "" {
		t.Errorf("another store has codes: %+v", c)
	}
}

func TestPostSettings(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	if s, err := f.DB.PostSettings(ctx); err != nil || s != (domain.PostSettings{Mode: domain.PostManual}) {
		t.Fatalf("default %+v %v", s, err)
	}
	s := domain.PostSettings{Mode: domain.PostAll, Tax: "SV", TaxRate: 6, TaxInclusive: true, IncludeCancelled: true}
	if err := f.DB.SetPostSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.DB.PostSettings(ctx); got != s {
		t.Errorf("back %+v, want %+v", got, s)
	}
	if err := f.DB.ReplaceCodes(ctx, domain.CodeTax, []domain.AccountCode{{Code: "SV", Rate: 8}, {Code: "SVE"}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []domain.PostSettings{{Mode: "sometimes"}, {Tax: "GST"}, {Tax: "SV", TaxRate: -1}} {
		if err := f.DB.SetPostSettings(ctx, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if got, _ := f.DB.PostSettings(ctx); got != s {
		t.Errorf("a refused change changed the settings: %+v", got)
	}
	// A synced code's rate stands in for none; no code, no tax.
	if err := f.DB.SetPostSettings(ctx, domain.PostSettings{Tax: "sv"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.DB.PostSettings(ctx); got != (domain.PostSettings{Mode: domain.PostManual, Tax: "SV", TaxRate: 8}) {
		t.Errorf("got %+v", got)
	}
	if err := f.DB.SetPostSettings(ctx, domain.PostSettings{Mode: domain.PostAll, TaxRate: 6, TaxInclusive: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.DB.PostSettings(ctx); got != (domain.PostSettings{Mode: domain.PostAll}) {
		t.Errorf("got %+v", got)
	}
}

// Words that thousands of items share are searched item by item in code order; a rare word
// still drives. Both give the same answers.
func TestStockSearchCommonWords(t *testing.T) {
	d := dbtest.Open(t)
	ctx := t.Context()
	var items []domain.StockItem
	for i := range 2500 {
		items = append(items, domain.StockItem{Code: fmt.Sprintf("ITEM-%04d", i), Description: fmt.Sprintf("Tudung model %d", i),
			Active: true, UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true, Barcode: fmt.Sprintf("9555%09d", i)}}})
	}
	if err := d.ReplaceStockItems(ctx, items, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		search string
		want   []string
	}{
		{"tudung", codes("ITEM-0000", "ITEM-0001", "ITEM-0002")},
		{"item tudung model", codes("ITEM-0000", "ITEM-0001", "ITEM-0002")},
		{"tudung 2499", codes("ITEM-2499")},
		{"2499 TUDUNG", codes("ITEM-2499")},
		{"item-1234", codes("ITEM-1234")},
		{"9555000000017", codes("ITEM-0017")},
		{"tudung 123", codes("ITEM-0123", "ITEM-1230", "ITEM-1231")},
		{"tudung nothing", nil},
	} {
		got, err := d.StockItems(ctx, c.search, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(stockCodes(got), c.want) {
			t.Errorf("search %q: %v, want %v", c.search, stockCodes(got), c.want)
		}
	}
}
