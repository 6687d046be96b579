// Package dbtest builds real Kedai data files with a small, fully known set of orders, for the
// tests of the screens and the command line. Nothing here is a mock: it is the real database.
package dbtest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/vault"
)

// Now is the fixture's present; T0 is when its orders start.
var (
	Now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	T0  = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
)

// Store names.
const (
	LazadaStore = "Kedai Cantik Lazada"
	ShopeeStore = "Butik Ayu Shopee"
	TikTokStore = "Rumah Gadget TikTok"
)

// Known orders the tests refer to.
const (
	LazadaNew       = "500000000000023" // pending
	LazadaCancelled = "500000000000124" // packed, with one item cancelled by the seller
	LazadaToShip    = "500000000000225"
	ShopeeToShip    = "241101AAAA0002" // PROCESSED + ready; tracking SPXMY0000002
	ShopeeInCancel  = "241101AAAA0004"
	TikTokOthers    = "576400000000000009"
	CancelReason    = "Out of Stock"
	ShopeeTracking  = "SPXMY0000002"
)

// Fixture is a data file with three stores and known orders.
type Fixture struct {
	DB     *db.DB
	Path   string
	Stores map[domain.Platform]domain.Store
	// Tabs is how many orders each tab should count.
	Tabs map[domain.Tab]int
}

func money(v int64) domain.Money { return domain.Money{Minor: v, Currency: "MYR"} }

func order(s domain.Store, no, status string, i int) domain.Order {
	created := T0.Add(time.Duration(i) * time.Hour)
	o := domain.Order{
		StoreID: s.ID, Platform: s.Platform, OrderNo: no, PlatformID: no, CreatedAt: created,
		UpdatedAt: created.Add(30 * time.Minute), PaidAt: created.Add(time.Minute), Currency: "MYR",
		Subtotal: money(5980), ShippingFee: money(490), SellerVoucher: money(500), Total: money(5970),
		PaymentMethod: "Online Banking",
		Buyer:         domain.Buyer{Name: "Nur Aisyah binti Ahmad", Username: "aisyah.a", UserID: "88001"},
		Address: domain.Address{Name: "Nur Aisyah", Phone: "60123456789", Lines: []string{"12, Jalan SS 2/24"},
			Postcode: "47300", City: "Petaling Jaya", State: "Selangor", Country: "Malaysia"},
	}
	item := domain.Item{PlatformItemID: no + "-1", SKU: "TDG-CHF-BLK", Name: "Tudung Bawal Chiffon", Variation: "Black",
		Qty: 2, UnitPrice: money(2990), PaidPrice: money(2990)}
	switch s.Platform {
	case domain.Lazada:
		item.Qty, item.Status = 1, status
		second := item
		second.PlatformItemID = no + "-2"
		o.Items = []domain.Item{item, second}
	case domain.TikTok:
		item.Qty = 1
		o.Status = status
		second := item
		second.PlatformItemID = no + "-2"
		o.Items = []domain.Item{item, second}
	default:
		o.Status = status
		o.Items = []domain.Item{item}
	}
	return o
}

// withPackage puts every item in one package.
func withPackage(o domain.Order, id, tracking, provider string) domain.Order {
	o.Packages = []domain.Package{{ID: id, TrackingNo: tracking, Provider: provider, Status: "LOGISTICS_READY"}}
	for i := range o.Items {
		o.Items[i].PackageID = id
	}
	return o
}

// Options keeps a test's secrets key in a temporary folder, never in the machine's keychain.
func Options(t testing.TB) db.Options {
	return db.Options{Vault: vault.Options{NoKeychain: true, Dir: t.TempDir()}}
}

// Open opens a new, empty data file in a temporary folder.
func Open(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.OpenWith(filepath.Join(t.TempDir(), "kedai.db"), Options(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// New builds the fixture in a temporary file; extraNew adds that many Shopee orders on New Order,
// for tests of paging through a long list.
func New(t testing.TB, extraNew int) *Fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kedai.db")
	d, err := db.OpenWith(path, Options(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	f, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	f.Path = path
	if extraNew > 0 {
		var batch []domain.Order
		for i := range extraNew {
			batch = append(batch, order(f.Stores[domain.Shopee], fmt.Sprintf("241102BULK%04d", i), domain.SpReadyToShip, 200+i))
		}
		if err := d.SaveOrders(context.Background(), batch, Now); err != nil {
			t.Fatal(err)
		}
		f.Tabs[domain.TabNew] += extraNew
	}
	return f
}

// Build writes the fixture's stores and orders into an empty database.
func Build(d *db.DB) (*Fixture, error) {
	ctx := context.Background()
	f := &Fixture{DB: d, Stores: map[domain.Platform]domain.Store{}, Tabs: map[domain.Tab]int{}}
	for p, name := range map[domain.Platform]string{domain.Lazada: LazadaStore, domain.Shopee: ShopeeStore, domain.TikTok: TikTokStore} {
		s, err := d.AddStore(ctx, domain.Store{Platform: p, Name: name, Region: "MY", ShopID: "SHOP-" + string(p)}, Now)
		if err != nil {
			return nil, err
		}
		f.Stores[p] = s
	}
	lz, sp, tt := f.Stores[domain.Lazada], f.Stores[domain.Shopee], f.Stores[domain.TikTok]

	cancelled := withPackage(order(lz, LazadaCancelled, domain.LzPacked, 2), "FP0000000001", "MYMPA0000001", "LEX MY")
	cancelled.Items[1].Status = domain.LzCanceled
	cancelled.Items[1].PackageID = ""
	cancelled.Items[1].CancelReason = CancelReason
	cancelled.Items[1].CancelledBy = "seller"

	toShipShopee := withPackage(order(sp, ShopeeToShip, domain.SpProcessed, 5), "OFG0000002", ShopeeTracking, "Shopee Xpress")
	toShipShopee.Stage = domain.StageReady

	inCancel := order(sp, ShopeeInCancel, domain.SpInCancel, 7)
	inCancel.CancelRequested = true

	returned := withPackage(order(sp, "241101AAAA0009", domain.SpToReturn, 12), "OFG0000009", "SPXMY0000009", "Shopee Xpress")
	returned.ReturnRequested = true

	others := order(tt, TikTokOthers, domain.TtCancelled, 13)
	others.CancelReason, others.CancelledBy = "Buyer changed mind", "buyer"
	for i := range others.Items {
		others.Items[i].Cancelled, others.Items[i].CancelReason = true, "Buyer changed mind"
	}

	orders := []struct {
		o   domain.Order
		tab domain.Tab
	}{
		{order(lz, LazadaNew, domain.LzPending, 1), domain.TabNew},
		{cancelled, domain.TabToProcess},
		{withPackage(order(lz, LazadaToShip, domain.LzReadyToShip, 3), "FP0000000003", "MYMPA0000003", "LEX MY"), domain.TabToShip},
		{order(sp, "241101AAAA0001", domain.SpReadyToShip, 4), domain.TabNew},
		{toShipShopee, domain.TabToShip},
		{withPackage(order(sp, "241101AAAA0003", domain.SpShipped, 6), "OFG0000003", "SPXMY0000003", "Shopee Xpress"), domain.TabShipped},
		{inCancel, domain.TabToCancel},
		{order(sp, "241101AAAA0005", domain.SpUnpaid, 8), domain.TabUnpaid},
		{withPackage(order(sp, "241101AAAA0006", domain.SpCompleted, 9), "OFG0000006", "SPXMY0000006", "Shopee Xpress"), domain.TabCompleted},
		{order(tt, "576400000000000007", domain.TtAwaitingShipment, 10), domain.TabNew},
		{withPackage(order(tt, "576400000000000008", domain.TtAwaitingCollection, 11), "1152000000000008", "JNT630000008", "J&T Express"), domain.TabToProcess},
		{returned, domain.TabToReturn},
		{others, domain.TabOthers},
		{withPackage(order(tt, "576400000000000010", domain.TtDelivered, 14), "1152000000000010", "JNT630000010", "J&T Express"), domain.TabDelivered},
	}
	var batch []domain.Order
	for _, x := range orders {
		batch = append(batch, x.o)
		f.Tabs[x.tab]++
	}
	if err := d.SaveOrders(ctx, batch, Now); err != nil {
		return nil, err
	}
	return f, nil
}

// ID finds an order's id by its number.
func (f *Fixture) ID(t testing.TB, orderNo string) int64 {
	t.Helper()
	rows, err := f.DB.FindOrders(context.Background(), orderNo, 1)
	if err != nil || len(rows) == 0 || rows[0].OrderNo != orderNo {
		t.Fatalf("order %s not in the fixture: %v %v", orderNo, rows, err)
	}
	return rows[0].ID
}
