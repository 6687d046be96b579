package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kedai.db")
	d, err := Open(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d, path
}

func addStore(t *testing.T, d *DB, p domain.Platform, name string) domain.Store {
	t.Helper()
	s, err := d.AddStore(ctx, domain.Store{Platform: p, Name: name, Region: "MY", ShopID: "S-" + name}, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// order builds a one-item order of the platform in the given platform status.
func order(s domain.Store, no, status string, created time.Time) domain.Order {
	o := domain.Order{
		StoreID: s.ID, Platform: s.Platform, OrderNo: no, CreatedAt: created, UpdatedAt: created.Add(time.Hour),
		Currency: "MYR", Total: domain.Money{Minor: 2990, Currency: "MYR"},
		Buyer:   domain.Buyer{Name: "Siti Nurhaliza"},
		Address: domain.Address{Name: "Siti", Lines: []string{"1 Jalan Ampang"}, Postcode: "50450", City: "Kuala Lumpur"},
		Items:   []domain.Item{{Name: "Tudung Bawal", SKU: "TDG-1", Qty: 1, PaidPrice: domain.Money{Minor: 2990, Currency: "MYR"}}},
	}
	if s.Platform == domain.Lazada {
		o.Items[0].Status = status
	} else {
		o.Status = status
	}
	return o
}

func save(t *testing.T, d *DB, orders ...domain.Order) {
	t.Helper()
	if err := d.SaveOrders(ctx, orders, now); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesAndReopens(t *testing.T) {
	d, path := openTemp(t)
	var mode string
	if err := d.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
	addStore(t, d, domain.Shopee, "Butik Ayu")
	d.Close()
	d2, err := Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer d2.Close()
	stores, _ := d2.Stores(ctx)
	if len(stores) != 1 || stores[0].Name != "Butik Ayu" {
		t.Fatalf("stores after reopen: %+v", stores)
	}
	h, _, err := readHeader(path)
	if err != nil || h.applicationID != ApplicationID || h.userVersion != SchemaVersion() {
		t.Fatalf("header %+v, %v", h, err)
	}
}

// Each refusal must say why, and leave the file byte for byte as it was.
func TestOpenRefusesAndLeavesFileUntouched(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.db")
	c, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')`); err != nil {
		t.Fatal(err)
	}
	c.Close()

	text := filepath.Join(dir, "notes.db")
	os.WriteFile(text, []byte("these are my notes, not a database, but long enough to be read as a header......................"), 0o644)

	short := filepath.Join(dir, "short.db")
	os.WriteFile(short, []byte("SQLite"), 0o644)

	// A real Kedai file, then damaged in three ways.
	good := filepath.Join(dir, "good.db")
	d, err := Open(good)
	if err != nil {
		t.Fatal(err)
	}
	s := addStore(t, d, domain.Lazada, "Kedai Cantik")
	for i := range 300 {
		save(t, d, order(s, fmt.Sprintf("%015d", i), "pending", t0))
	}
	d.Close()
	raw, _ := os.ReadFile(good)

	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, raw[:len(raw)/2], 0o644)

	garbled := filepath.Join(dir, "garbled.db")
	g := bytes.Clone(raw)
	for i := 100; i < 4096 && i < len(g); i++ { // the schema page
		g[i] = byte(i * 7)
	}
	os.WriteFile(garbled, g, 0o644)

	newer := filepath.Join(dir, "newer.db")
	n := bytes.Clone(raw)
	n[63] = byte(SchemaVersion() + 1) // user_version, big-endian at offset 60
	os.WriteFile(newer, n, 0o644)

	cases := []struct {
		path string
		want error
		says string
	}{
		{foreign, ErrNotKedai, "another program"},
		{text, ErrNotKedai, "not a SQLite database"},
		{short, ErrNotKedai, "not a SQLite database"},
		{truncated, ErrCorrupt, "restore it from a backup"},
		{garbled, ErrCorrupt, ""},
		{newer, ErrTooNew, "update Kedai"},
	}
	for _, c := range cases {
		before, _ := os.ReadFile(c.path)
		d, err := Open(c.path)
		if err == nil {
			d.Close()
			t.Errorf("%s: opened, want %v", filepath.Base(c.path), c.want)
			continue
		}
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: error %q, want %v saying %q", filepath.Base(c.path), err, c.want, c.says)
		}
		after, _ := os.ReadFile(c.path)
		if !bytes.Equal(before, after) {
			t.Errorf("%s: the file was changed", filepath.Base(c.path))
		}
		for _, side := range []string{"-wal", "-journal"} {
			if fileExists(c.path + side) {
				t.Errorf("%s: left a %s file", filepath.Base(c.path), side)
			}
		}
	}
}

func TestMigrationBacksUpOlderFile(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 {
		// With one migration there is nothing older to upgrade from; check the backup path with a
		// fake second migration instead.
		ms = append(ms, migration{version: len(ms) + 1, name: "test_upgrade.sql", sql: "CREATE TABLE upgrade_probe (x INTEGER);"})
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := create(path, ms[:len(ms)-1]); err != nil {
		t.Fatal(err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	d := &DB{path: path, w: w}
	if err := d.migrate(ms); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	w.Close()
	backup := fmt.Sprintf("%s.v%d.bak", path, len(ms)-1)
	h, _, err := readHeader(backup)
	if err != nil || h.userVersion != len(ms)-1 {
		t.Fatalf("backup %s: %+v, %v", backup, h, err)
	}
}

func TestStores(t *testing.T) {
	d, _ := openTemp(t)
	addStore(t, d, domain.Lazada, "Kedai Cantik")
	if _, err := d.AddStore(ctx, domain.Store{Platform: domain.Shopee, Name: "kedai cantik"}, now); !errors.Is(err, ErrDuplicateStore) {
		t.Errorf("duplicate name (other case) accepted: %v", err)
	}
	if _, err := d.AddStore(ctx, domain.Store{Platform: "ebay", Name: "X"}, now); err == nil {
		t.Error("unknown platform accepted")
	}
	if _, err := d.AddStore(ctx, domain.Store{Platform: domain.Shopee, Name: "  "}, now); err == nil {
		t.Error("empty name accepted")
	}
	s, err := d.StoreByName(ctx, "KEDAI CANTIK")
	if err != nil || s.Platform != domain.Lazada {
		t.Errorf("StoreByName: %+v %v", s, err)
	}
}

func TestSaveRefusesBadOrdersAndWritesNothing(t *testing.T) {
	d, _ := openTemp(t)
	lz := addStore(t, d, domain.Lazada, "Kedai Cantik")
	good := order(lz, "1", "pending", t0)
	bad := []domain.Order{
		order(domain.Store{ID: 99, Platform: domain.Lazada}, "2", "pending", t0),
		order(lz, "", "pending", t0),
		order(lz, "3", "pending", time.Time{}),
		func() domain.Order { o := order(lz, "4", "pending", t0); o.Items[0].Qty = 0; return o }(),
		func() domain.Order { o := order(lz, "5", "pending", t0); o.Platform = domain.Shopee; return o }(),
	}
	for i, b := range bad {
		if err := d.SaveOrders(ctx, []domain.Order{good, b}, now); err == nil {
			t.Errorf("bad order %d accepted", i)
		}
	}
	counts, _ := d.TabCounts(ctx, domain.OrderQuery{})
	if len(counts) != 0 {
		t.Fatalf("something was written: %v", counts)
	}
}

func TestSaveDerivesTabsAndKeepsLocalStage(t *testing.T) {
	d, _ := openTemp(t)
	sp := addStore(t, d, domain.Shopee, "Butik Ayu")
	o := order(sp, "241122ABCD1234", "PROCESSED", t0)
	o.Packages = []domain.Package{{ID: "OFG1", TrackingNo: "SPXMY01", Provider: "Shopee Xpress"}}
	o.Items[0].PackageID = "OFG1"
	save(t, d, o)
	rows, _ := d.OrderPage(ctx, domain.OrderQuery{Tab: domain.TabToProcess}, nil, 10)
	if len(rows) != 1 {
		t.Fatalf("to-process rows: %+v", rows)
	}
	r := rows[0]
	if r.StoreName != "Butik Ayu" || r.Platform != domain.Shopee || r.TrackingNo != "SPXMY01" || r.Provider != "Shopee Xpress" || r.Units != 1 || r.FirstItem != "Tudung Bawal" {
		t.Errorf("row %+v", r)
	}
	if err := d.SetStage(ctx, r.ID, domain.StageReady, now); err != nil {
		t.Fatal(err)
	}
	// A sync brings the same order again: the stage is ours and must survive.
	o.UpdatedAt = o.UpdatedAt.Add(time.Hour)
	save(t, d, o)
	full, err := d.Order(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if full.Stage != domain.StageReady || full.Tab != domain.TabToShip {
		t.Errorf("after resync: stage %q tab %s", full.Stage, full.Tab.Title())
	}
	o.Status = "SHIPPED"
	save(t, d, o)
	full, _ = d.Order(ctx, r.ID)
	if full.Tab != domain.TabShipped {
		t.Errorf("shipped order on %s", full.Tab.Title())
	}
	counts, _ := d.TabCounts(ctx, domain.OrderQuery{})
	if counts[domain.TabShipped] != 1 || counts[domain.TabToShip] != 0 || counts[domain.TabToProcess] != 0 {
		t.Errorf("counts after moves: %v", counts)
	}
	var items, keys int
	d.r.QueryRow(`SELECT count(*) FROM items`).Scan(&items)
	d.r.QueryRow(`SELECT count(*) FROM search_keys`).Scan(&keys)
	if items != 1 || keys != 3 {
		t.Errorf("after three saves: %d items, %d search keys (replaced, not added)", items, keys)
	}
}

func TestOrderRoundTrip(t *testing.T) {
	d, _ := openTemp(t)
	lz := addStore(t, d, domain.Lazada, "Kedai Cantik")
	m := func(v int64) domain.Money { return domain.Money{Minor: v, Currency: "MYR"} }
	o := domain.Order{
		StoreID: lz.ID, OrderNo: "543210987654321", PlatformID: "543210987654321",
		CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), PaidAt: t0.Add(time.Minute), ShipBy: t0.Add(48 * time.Hour),
		Currency: "MYR", Subtotal: m(5980), ShippingFee: m(490), SellerVoucher: m(500), PlatformVoucher: m(300),
		Total: m(5670), VoucherCode: "11DOT11", PaymentMethod: "COD", COD: true,
		Buyer:        domain.Buyer{Name: "Tan Wei Ming", Phone: "60123456789"},
		Address:      domain.Address{Name: "Tan Wei Ming", Lines: []string{"8 Jalan SS2/24"}, Postcode: "47300", City: "Petaling Jaya", State: "Selangor"},
		BuyerNote:    "Leave at guardhouse",
		ShippingType: "Dropshipping", ProviderType: "seller_own_fleet", SelfDelivery: true, CancelRequested: false,
		Packages: []domain.Package{{ID: "FP123", TrackingNo: "MYMPA1", Provider: "LEX MY", Status: "packed"}},
		Items: []domain.Item{
			{PlatformItemID: "1", SKU: "A", Name: "Serum", Variation: "30ml", Qty: 1, UnitPrice: m(2990), PaidPrice: m(2490), Status: "packed", PackageID: "FP123"},
			{PlatformItemID: "2", SKU: "A", Name: "Serum", Variation: "30ml", Qty: 1, UnitPrice: m(2990), PaidPrice: m(2490), Status: "canceled", CancelReason: "Out of Stock", CancelledBy: "seller"},
		},
	}
	save(t, d, o)
	ids, _ := d.OrderIDs(ctx, domain.OrderQuery{})
	got, err := d.Order(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Tab != domain.TabToProcess || got.Status != "packed, canceled" || got.StoreName != "Kedai Cantik" {
		t.Errorf("tab %s status %q store %q", got.Tab.Title(), got.Status, got.StoreName)
	}
	if !got.Items[1].Cancelled || got.Items[1].CancelReason != "Out of Stock" || got.Items[0].Cancelled {
		t.Errorf("cancelled flags: %+v", got.Items)
	}
	if got.Total != m(5670) || got.SellerVoucher != m(500) || got.ShippingFee != m(490) || !got.COD || !got.SelfDelivery {
		t.Errorf("amounts/flags: %+v", got)
	}
	if got.Address.City != "Petaling Jaya" || got.BuyerNote != "Leave at guardhouse" || !got.ShipBy.Equal(o.ShipBy) || !got.PaidAt.Equal(o.PaidAt) {
		t.Errorf("details: %+v", got)
	}
	if len(got.Packages) != 1 || got.Packages[0] != o.Packages[0] {
		t.Errorf("packages: %+v", got.Packages)
	}
	if _, err := d.Order(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing order: %v", err)
	}
}

// seedList writes n orders of each platform spread over time, returning the stores.
func seedList(t *testing.T, d *DB, n int) []domain.Store {
	t.Helper()
	stores := []domain.Store{
		addStore(t, d, domain.Lazada, "Kedai Cantik Lazada"),
		addStore(t, d, domain.Shopee, "Butik Ayu Shopee"),
		addStore(t, d, domain.TikTok, "Rumah Gadget TikTok"),
	}
	statuses := map[domain.Platform][]string{
		domain.Lazada: {"pending", "packed", "ready_to_ship", "shipped", "delivered", "canceled"},
		domain.Shopee: {"UNPAID", "READY_TO_SHIP", "PROCESSED", "SHIPPED", "COMPLETED", "IN_CANCEL"},
		domain.TikTok: {"AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"},
	}
	var batch []domain.Order
	for i := range n {
		for j, s := range stores {
			st := statuses[s.Platform][i%6]
			o := order(s, fmt.Sprintf("ORD-%d%09d", j, i), st, t0.Add(time.Duration(i)*time.Minute))
			o.Packages = []domain.Package{{ID: fmt.Sprintf("PKG%d-%d", j, i), TrackingNo: fmt.Sprintf("TRK%d%07d", j, i)}}
			batch = append(batch, o)
		}
	}
	save(t, d, batch...)
	return stores
}

func TestKeysetPagingMatchesOffsetPaging(t *testing.T) {
	d, _ := openTemp(t)
	seedList(t, d, 600)
	for _, q := range []domain.OrderQuery{
		{Tab: domain.TabNew},
		{Tab: domain.TabNew, Asc: true},
		{Tab: domain.TabShipped, Sort: domain.SortUpdated},
		{Tab: domain.TabNew, Platform: domain.Shopee},
	} {
		var keyset []int64
		var after *domain.Cursor
		for {
			page, err := d.OrderPage(ctx, q, after, 37)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, r := range page {
				keyset = append(keyset, r.ID)
			}
			c := q.CursorOf(page[len(page)-1])
			after = &c
		}
		all, _ := d.OrderIDs(ctx, q)
		counts, _ := d.TabCounts(ctx, q)
		if len(keyset) != len(all) || len(all) != counts[q.Tab] || len(all) == 0 {
			t.Fatalf("%+v: keyset %d rows, ids %d, count %d", q, len(keyset), len(all), counts[q.Tab])
		}
		for i := range all {
			if keyset[i] != all[i] {
				t.Fatalf("%+v: row %d differs", q, i)
			}
		}
		at, _ := d.OrderPageAt(ctx, q, 50, 5)
		for i, r := range at {
			if r.ID != all[50+i] {
				t.Fatalf("%+v: offset row %d differs", q, 50+i)
			}
		}
		// Newest first unless asked otherwise.
		first, _ := d.Order(ctx, all[0])
		last, _ := d.Order(ctx, all[len(all)-1])
		key := func(o domain.Order) time.Time {
			if q.Sort == domain.SortUpdated {
				return o.UpdatedAt
			}
			return o.CreatedAt
		}
		if q.Asc == key(first).After(key(last)) {
			t.Errorf("%+v: wrong direction", q)
		}
	}
}

func TestCountsAgreeWithRows(t *testing.T) {
	d, _ := openTemp(t)
	stores := seedList(t, d, 120)
	queries := []domain.OrderQuery{
		{},
		{Platform: domain.TikTok},
		{StoreIDs: []int64{stores[0].ID}},
		{Platform: domain.Shopee, StoreIDs: []int64{stores[0].ID}}, // contradictory: nothing
		{From: t0.Add(30 * time.Minute), To: t0.Add(90 * time.Minute)},
		{Search: "23"},
		{Search: "butik"},
		{Search: "butik", From: t0.Add(30 * time.Minute), To: t0.Add(90 * time.Minute)},
		{Search: "23", Platform: domain.TikTok},
		{Search: "no-such-thing"},
	}
	for _, q := range queries {
		counts, err := d.TabCounts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, tab := range domain.Tabs {
			q2 := q
			q2.Tab = tab
			ids, err := d.OrderIDs(ctx, q2)
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != counts[tab] {
				t.Errorf("%+v tab %s: count %d, rows %d", q, tab.Title(), counts[tab], len(ids))
			}
			total += len(ids)
		}
		if q.Platform == domain.Shopee && len(q.StoreIDs) > 0 || q.Search == "no-such-thing" {
			if total != 0 {
				t.Errorf("contradictory filter found %d", total)
			}
		} else if total == 0 {
			t.Errorf("%+v found nothing", q)
		}
	}
}

func TestSearch(t *testing.T) {
	d, _ := openTemp(t)
	seedList(t, d, 200)
	find := func(q domain.OrderQuery) []string {
		t.Helper()
		var nos []string
		for _, tab := range domain.Tabs {
			q.Tab = tab
			rows, err := d.OrderPage(ctx, q, nil, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				nos = append(nos, r.OrderNo)
			}
		}
		return nos
	}
	// Last digits: "123" ends ORD-0000000123, ORD-1000000123, ORD-2000000123.
	got := find(domain.OrderQuery{Search: "123"})
	if len(got) != 3 {
		t.Errorf("last digits 123: %v", got)
	}
	for _, no := range got {
		if !strings.HasSuffix(no, "123") {
			t.Errorf("last digits 123 found %s", no)
		}
	}
	if got := find(domain.OrderQuery{Search: "ord-1000000007"}); len(got) != 1 || got[0] != "ORD-1000000007" {
		t.Errorf("full number, other case: %v", got)
	}
	if got := find(domain.OrderQuery{Search: "TRK20000042"}); len(got) != 1 || got[0] != "ORD-2000000042" {
		t.Errorf("tracking number: %v", got)
	}
	if got := find(domain.OrderQuery{Search: " pkg1-77 "}); len(got) != 1 || got[0] != "ORD-1000000077" {
		t.Errorf("package id: %v", got)
	}
	if got := find(domain.OrderQuery{Search: "Rumah Gadget"}); len(got) != 200 {
		t.Errorf("store name: %d orders", len(got))
	}
	if got := find(domain.OrderQuery{Search: "rumah", Platform: domain.Lazada}); len(got) != 0 {
		t.Errorf("store name outside the platform filter: %d", len(got))
	}
	if got := find(domain.OrderQuery{Search: "nothing-like-this"}); len(got) != 0 {
		t.Errorf("no match: %v", got)
	}
	rows, _ := d.FindOrders(ctx, "TRK10000123", 5)
	if len(rows) == 0 || rows[0].OrderNo != "ORD-1000000123" {
		t.Errorf("FindOrders exact first: %+v", rows)
	}
}

// A text that is both a store's name and the end of order numbers finds both.
func TestSearchMatchingStoreAndNumbers(t *testing.T) {
	d, _ := openTemp(t)
	seedList(t, d, 200)
	shop := addStore(t, d, domain.Shopee, "Kedai 0123")
	save(t, d, order(shop, "SHOP-A", "READY_TO_SHIP", t0), order(shop, "SHOP-B", "SHIPPED", t0))
	q := domain.OrderQuery{Search: "0123"}
	counts, err := d.TabCounts(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	var nos []string
	for _, tab := range domain.Tabs {
		total += counts[tab]
		q.Tab = tab
		rows, _ := d.OrderPage(ctx, q, nil, 100)
		for _, r := range rows {
			nos = append(nos, r.OrderNo)
		}
	}
	// ORD-0000000123, ORD-1000000123, ORD-2000000123 and the store's two orders.
	if total != 5 || len(nos) != 5 {
		t.Errorf("counts %v rows %v", counts, nos)
	}
}

func TestAdjacent(t *testing.T) {
	d, _ := openTemp(t)
	seedList(t, d, 30)
	q := domain.OrderQuery{Tab: domain.TabNew}
	ids, _ := d.OrderIDs(ctx, q)
	next, ok, err := d.Adjacent(ctx, q, ids[1], true)
	if err != nil || !ok || next.ID != ids[2] {
		t.Errorf("next of second: %v %v %v", next.ID, ok, err)
	}
	prev, ok, _ := d.Adjacent(ctx, q, ids[1], false)
	if !ok || prev.ID != ids[0] {
		t.Errorf("previous of second: %v %v", prev.ID, ok)
	}
	if _, ok, _ := d.Adjacent(ctx, q, ids[0], false); ok {
		t.Error("previous of first exists")
	}
	if _, ok, _ := d.Adjacent(ctx, q, ids[len(ids)-1], true); ok {
		t.Error("next of last exists")
	}
}

func TestRefreshAgedTabs(t *testing.T) {
	d, _ := openTemp(t)
	lz := addStore(t, d, domain.Lazada, "Kedai Cantik")
	o := order(lz, "1", "delivered", t0)
	o.DeliveredAt = now.Add(-domain.LazadaReturnWindow + time.Hour)
	save(t, d, o)
	if n, _ := d.RefreshAgedTabs(ctx, now); n != 0 {
		t.Fatalf("moved %d orders early", n)
	}
	n, err := d.RefreshAgedTabs(ctx, now.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("moved %d, %v", n, err)
	}
	counts, _ := d.TabCounts(ctx, domain.OrderQuery{})
	if counts[domain.TabCompleted] != 1 || counts[domain.TabDelivered] != 0 {
		t.Errorf("counts %v", counts)
	}
}

func TestSettings(t *testing.T) {
	d, path := openTemp(t)
	if v, _ := d.Setting(ctx, "orders.columns", "all"); v != "all" {
		t.Errorf("default %q", v)
	}
	d.SetSetting(ctx, "orders.columns", "store,total")
	d.SetSetting(ctx, "orders.columns", "store")
	d.Close()
	d2, _ := Open(path)
	defer d2.Close()
	if v, _ := d2.Setting(ctx, "orders.columns", "all"); v != "store" {
		t.Errorf("after reopen %q", v)
	}
}

// A search counts on each order's current tab: stage changes, returns and ageing move the keys.
func TestSearchFollowsOrdersToTheirNewTab(t *testing.T) {
	d, _ := openTemp(t)
	sp := addStore(t, d, domain.Shopee, "Butik Ayu")
	lz := addStore(t, d, domain.Lazada, "Kedai Cantik")
	o := order(sp, "241122MOVE0023", domain.SpProcessed, t0)
	old := order(lz, "500000000000123", domain.LzDelivered, t0)
	old.DeliveredAt = now.Add(-domain.LazadaReturnWindow + time.Minute)
	save(t, d, o, old)
	tabOf := func(text string) domain.Tab {
		t.Helper()
		counts, err := d.TabCounts(ctx, domain.OrderQuery{Search: text})
		if err != nil {
			t.Fatal(err)
		}
		var tab domain.Tab
		for k, n := range counts {
			if n != 1 || tab != 0 {
				t.Fatalf("search %q counts %v", text, counts)
			}
			tab = k
		}
		q := domain.OrderQuery{Search: text, Tab: tab}
		if rows, _ := d.OrderPage(ctx, q, nil, 10); len(rows) != 1 || rows[0].Tab != tab {
			t.Fatalf("search %q on %s lists %v", text, tab.Title(), rows)
		}
		return tab
	}
	if got := tabOf("0023"); got != domain.TabToProcess {
		t.Fatalf("before: %s", got.Title())
	}
	ids, _ := d.OrderIDs(ctx, domain.OrderQuery{Search: "0023"})
	d.SetStage(ctx, ids[0], domain.StageReady, now)
	if got := tabOf("0023"); got != domain.TabToShip {
		t.Errorf("after the stage change: %s", got.Title())
	}
	d.w.Exec(`INSERT INTO sync_state (store_id, cursor) VALUES (?, 0)`, sp.ID)
	d.SaveBatch(ctx, sp.ID, market.Batch{Returns: map[string]bool{"241122MOVE0023": true}}, now, now)
	if got := tabOf("0023"); got != domain.TabToReturn {
		t.Errorf("after a return request: %s", got.Title())
	}
	if got := tabOf("0123"); got != domain.TabDelivered {
		t.Fatalf("lazada before ageing: %s", got.Title())
	}
	d.RefreshAgedTabs(ctx, now.Add(time.Hour))
	if got := tabOf("0123"); got != domain.TabCompleted {
		t.Errorf("after ageing: %s", got.Title())
	}
}
