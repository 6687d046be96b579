package demo

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
)

var testNow = time.Date(2025, 11, 22, 6, 30, 0, 0, time.UTC) // 14:30 in Kuala Lumpur, a Saturday

func openDB(t *testing.T) *db.DB {
	t.Helper()
	d, err := db.Open(filepath.Join(t.TempDir(), "kedai.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// storesWithIDs are the demo stores as AddStore would return them.
func storesWithIDs() []domain.Store {
	s := Stores()
	for i := range s {
		s[i].ID = int64(i + 1)
	}
	return s
}

func collect(opt Options) []domain.Order {
	var out []domain.Order
	Generate(opt, storesWithIDs(), func(o domain.Order) bool {
		out = append(out, o)
		return true
	})
	return out
}

func TestStores(t *testing.T) {
	stores := Stores()
	perPlatform := map[domain.Platform]int{}
	names := map[string]bool{}
	for _, s := range stores {
		perPlatform[s.Platform]++
		if s.Region != "MY" || s.Name == "" || s.ShopID == "" || names[s.Name] {
			t.Errorf("store %+v: want a distinct name, a shop id and region MY", s)
		}
		names[s.Name] = true
	}
	for _, p := range domain.Platforms {
		if perPlatform[p] != 2 {
			t.Errorf("%s has %d stores, want 2", p, perPlatform[p])
		}
	}
}

func TestCreate(t *testing.T) {
	ctx := context.Background()
	d := openDB(t)
	var calls [][2]int
	err := Create(ctx, d, Options{Orders: 3000, Seed: 7, Now: testNow}, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][2]int{{1000, 3000}, {2000, 3000}, {3000, 3000}}; !reflect.DeepEqual(calls, want) {
		t.Errorf("progress calls %v, want %v", calls, want)
	}

	stores, err := d.Stores(ctx)
	if err != nil {
		t.Fatal(err)
	}
	perPlatform := map[domain.Platform]int{}
	for _, s := range stores {
		perPlatform[s.Platform]++
	}
	if len(stores) != 6 || perPlatform[domain.Lazada] != 2 || perPlatform[domain.Shopee] != 2 || perPlatform[domain.TikTok] != 2 {
		t.Errorf("stores %+v: want two per platform", stores)
	}

	counts, err := d.TabCounts(ctx, domain.OrderQuery{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, tab := range domain.Tabs {
		total += counts[tab]
		if counts[tab] == 0 {
			t.Errorf("tab %s is empty", tab.Title())
		}
	}
	if total != 3000 {
		t.Errorf("%d orders stored, want 3000 (counts %v)", total, counts)
	}
	t.Logf("tabs: %v", counts)
	for _, p := range domain.Platforms {
		c, err := d.TabCounts(ctx, domain.OrderQuery{Platform: p})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range c {
			n += v
		}
		if n == 0 {
			t.Errorf("no %s orders", p)
		}
	}

	// An order reads back as it was generated: the tab derived on save agrees with ours.
	want := collect(Options{Orders: 3000, Seed: 7, Now: testNow})
	found, err := d.FindOrders(ctx, want[2999].OrderNo, 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("finding %s: %v %v", want[2999].OrderNo, found, err)
	}
	got, err := d.Order(ctx, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tab != want[2999].Tab || got.Total != want[2999].Total || len(got.Items) != len(want[2999].Items) {
		t.Errorf("stored order %+v\ndiffers from generated %+v", got, want[2999])
	}
}

func TestDeterministic(t *testing.T) {
	opt := Options{Orders: 1500, Seed: 42, Now: testNow}
	a, b := collect(opt), collect(opt)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	opt.Seed = 43
	c := collect(opt)
	same := 0
	for i := range a {
		if a[i].OrderNo == c[i].OrderNo || a[i].Total == c[i].Total && a[i].CreatedAt.Equal(c[i].CreatedAt) {
			same++
		}
	}
	if same > len(a)/20 {
		t.Errorf("seeds 42 and 43 share %d of %d orders", same, len(a))
	}
}

func TestGenerateStopsEarly(t *testing.T) {
	n := 0
	Generate(Options{Orders: 500, Now: testNow}, storesWithIDs(), func(domain.Order) bool {
		n++
		return n < 10
	})
	if n != 10 {
		t.Errorf("yield called %d times after returning false at 10", n)
	}
	n = 0
	Generate(Options{Now: testNow}, storesWithIDs(), func(domain.Order) bool { n++; return true })
	if n != DefaultOrders {
		t.Errorf("%d orders by default, want %d", n, DefaultOrders)
	}
}

func TestEveryStatus(t *testing.T) {
	want := map[domain.Platform][]string{
		// Shopee's OrderStatus definition. INVOICE_PENDING is a Brazilian list filter (such orders
		// read READY_TO_SHIP) and PENDING shows only when asked for: Malaysian shops see neither.
		domain.Shopee: {domain.SpUnpaid, domain.SpReadyToShip, domain.SpProcessed, domain.SpRetryShip, domain.SpShipped,
			domain.SpToConfirmReceive, domain.SpInCancel, domain.SpCancelled, domain.SpToReturn, domain.SpCompleted},
		domain.TikTok: {domain.TtUnpaid, domain.TtOnHold, domain.TtAwaitingShipment, domain.TtPartiallyShipping,
			domain.TtAwaitingCollection, domain.TtInTransit, domain.TtDelivered, domain.TtCompleted, domain.TtCancelled},
		domain.Lazada: {domain.LzUnpaid, domain.LzPending, domain.LzRepacked, domain.LzPacked, domain.LzReadyToShipPending,
			domain.LzReadyToShip, domain.LzShipped, domain.LzDelivered, domain.LzCanceled, domain.LzReturned, domain.LzFailed,
			domain.LzLostBy3PL, domain.LzDamagedBy3PL},
	}
	for _, seed := range []int64{1, 2, 3} {
		seen := map[domain.Platform]map[string]bool{domain.Lazada: {}, domain.Shopee: {}, domain.TikTok: {}}
		Generate(Options{Orders: 3000, Seed: seed, Now: testNow}, storesWithIDs(), func(o domain.Order) bool {
			if o.Platform == domain.Lazada {
				for _, it := range o.Items {
					seen[o.Platform][it.Status] = true
				}
			} else {
				seen[o.Platform][o.Status] = true
			}
			return true
		})
		for p, statuses := range want {
			for _, s := range statuses {
				if !seen[p][s] {
					t.Errorf("seed %d: no %s order with status %s", seed, p, s)
				}
			}
		}
	}
}

var (
	orderNo = map[domain.Platform]*regexp.Regexp{
		domain.Lazada: regexp.MustCompile(`^[0-9]{15}$`),
		domain.Shopee: regexp.MustCompile(`^[0-9]{6}[0-9A-Z]{8}$`),
		domain.TikTok: regexp.MustCompile(`^[0-9]{18}$`),
	}
	packageNo = map[domain.Platform]*regexp.Regexp{
		domain.Lazada: regexp.MustCompile(`^FP[0-9]+$`),
		domain.Shopee: regexp.MustCompile(`^OFG[0-9]+$`),
		domain.TikTok: regexp.MustCompile(`^[0-9]+$`),
	}
	trackingNo = map[string]*regexp.Regexp{
		"LEX MY":           regexp.MustCompile(`^MYMPA[0-9]{10}$`),
		"J&T Express":      regexp.MustCompile(`^63[0-9]{10}$`),
		"Ninja Van":        regexp.MustCompile(`^NVMY[0-9]{12}$`),
		"Shopee Xpress":    regexp.MustCompile(`^SPXMY0[0-9]{11}$`),
		"Pos Laju":         regexp.MustCompile(`^ER[0-9]{9}MY$`),
		"DHL eCommerce":    regexp.MustCompile(`^MYCGU[0-9]{11}$`),
		"Flash Express":    regexp.MustCompile(`^FMY[0-9]{11}$`),
		"Seller Own Fleet": regexp.MustCompile(`^SOF[0-9]{9}$`),
	}
	postcode = regexp.MustCompile(`^[0-9]{5}$`)
	mobile   = regexp.MustCompile(`^601[0-9]-[0-9]{7,8}$`)
)

// TestOrdersAreWellFormed checks every order against the platforms' shapes and the money rules.
func TestOrdersAreWellFormed(t *testing.T) {
	checkOrders(t, Options{Orders: 3000, Seed: 5, Now: testNow})
	// Just after midnight on a Sunday, the day after a 12.12 sale: nobody packs or collects today.
	checkOrders(t, Options{Orders: 3000, Seed: 6, Now: time.Date(2025, 12, 13, 16, 5, 0, 0, time.UTC)})
}

func checkOrders(t *testing.T, opt Options) {
	t.Helper()
	testNow := opt.Now
	orders := collect(opt)
	if len(orders) != opt.Orders {
		t.Fatalf("%d orders, want %d", len(orders), opt.Orders)
	}
	numbers := map[string]bool{}
	keys := map[string]bool{} // tracking numbers and package ids: what a scanner finds orders by
	var prev time.Time
	multiLine, multiPkg, itemCancelled := 0, 0, 0
	for _, o := range orders {
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("seed %d: %s %s (%s): "+format, append([]any{opt.Seed, o.Platform, o.OrderNo, o.Status}, args...)...)
		}
		if numbers[o.OrderNo] {
			fail("order number used twice")
		}
		numbers[o.OrderNo] = true
		if !orderNo[o.Platform].MatchString(o.OrderNo) || o.PlatformID != o.OrderNo {
			fail("order number or platform id %q malformed", o.PlatformID)
		}
		if o.CreatedAt.Before(prev) {
			fail("created %v before the previous order (%v)", o.CreatedAt, prev)
		}
		prev = o.CreatedAt
		if o.CreatedAt.Before(testNow.Add(-90*24*time.Hour)) || !o.CreatedAt.Before(testNow) {
			fail("created %v outside the 90 days before now", o.CreatedAt)
		}
		if o.UpdatedAt.Before(o.CreatedAt) || o.UpdatedAt.After(testNow) {
			fail("updated %v not within [created %v, now]", o.UpdatedAt, o.CreatedAt)
		}
		if o.Tab != domain.DeriveTab(&o, testNow) {
			fail("tab %v, derived %v", o.Tab, domain.DeriveTab(&o, testNow))
		}

		total := o.Subtotal.Minor - o.SellerVoucher.Minor - o.PlatformVoucher.Minor - o.SellerDiscount.Minor + o.ShippingFee.Minor
		if o.Total.Minor != total || o.Total.Minor < 0 || o.Total.Currency != "MYR" {
			fail("total %v, want %d sen (subtotal %v, vouchers %v %v, discount %v, shipping %v)",
				o.Total, total, o.Subtotal, o.SellerVoucher, o.PlatformVoucher, o.SellerDiscount, o.ShippingFee)
		}
		var paid int64
		allCancelled := true
		skus := map[string]bool{}
		for _, it := range o.Items {
			skus[it.SKU] = true
			if it.Qty <= 0 || o.Platform != domain.Shopee && it.Qty != 1 {
				fail("item %s has quantity %d", it.SKU, it.Qty)
			}
			if it.Cancelled && (it.CancelReason == "" || it.CancelledBy == "") {
				fail("cancelled item %s without reason (%q by %q)", it.SKU, it.CancelReason, it.CancelledBy)
			}
			if o.Platform == domain.Lazada && it.Cancelled != (it.Status == domain.LzCanceled) {
				fail("Lazada item %s cancelled=%v with status %s", it.SKU, it.Cancelled, it.Status)
			}
			if it.PackageID != "" {
				if _, ok := o.Package(it.PackageID); !ok {
					fail("item %s in unknown package %s", it.SKU, it.PackageID)
				}
			}
			if !it.Cancelled {
				allCancelled = false
				paid += it.PaidPrice.Minor
			}
		}
		if len(skus) > 1 {
			multiLine++
		}
		if allCancelled && o.CancelReason == "" && o.Platform != domain.Lazada {
			fail("cancelled without a reason")
		}
		if o.Platform != domain.Shopee && !allCancelled && paid+o.ShippingFee.Minor != o.Total.Minor {
			fail("paid prices add up to %d sen plus shipping %v, total %v", paid, o.ShippingFee, o.Total)
		}
		for _, p := range o.Packages {
			if !packageNo[o.Platform].MatchString(p.ID) || !trackingNo[p.Provider].MatchString(p.TrackingNo) || p.Status == "" {
				fail("package %+v malformed", p)
			}
			if keys[p.ID] || keys[p.TrackingNo] {
				fail("package %s or tracking number %s used twice", p.ID, p.TrackingNo)
			}
			keys[p.ID], keys[p.TrackingNo] = true, true
		}
		if len(o.Packages) > 1 {
			multiPkg++
		}
		for _, it := range o.Items {
			if it.Cancelled && !allCancelled {
				itemCancelled++
				break
			}
		}

		switch o.Tab {
		case domain.TabUnpaid, domain.TabNew:
			if len(o.Packages) > 0 {
				fail("packages before packing")
			}
		case domain.TabToShip, domain.TabShipped, domain.TabDelivered, domain.TabCompleted:
			if len(o.Packages) == 0 {
				fail("no package on the %s tab", o.Tab.Title())
			}
		}
		if o.Tab == domain.TabToShip && o.Platform != domain.Lazada && o.Stage != domain.StageReady {
			fail("To Ship without the ready stage")
		}
		if o.Platform == domain.Lazada && (o.Tab == domain.TabDelivered || o.Tab == domain.TabCompleted) && o.DeliveredAt.IsZero() {
			fail("delivered without a delivery time")
		}
		if o.Tab == domain.TabUnpaid && (!o.PaidAt.IsZero() || o.COD) {
			fail("unpaid order paid at %v (COD %v)", o.PaidAt, o.COD)
		}
		hidden := o.Platform == domain.TikTok && (o.Status == domain.TtUnpaid || o.Status == domain.TtOnHold)
		if !hidden && (!postcode.MatchString(o.Address.Postcode) || !mobile.MatchString(o.Address.Phone) ||
			o.Address.Name == "" || len(o.Address.Lines) == 0 || o.Address.State == "") {
			fail("address %+v incomplete", o.Address)
		}
		switch o.Platform {
		case domain.Lazada:
			if o.ShippingType != "Dropshipping" || o.ProviderType == "" || o.SelfDelivery != (o.ProviderType == "seller_own_fleet") {
				fail("Lazada shipping %q/%q self=%v", o.ShippingType, o.ProviderType, o.SelfDelivery)
			}
		case domain.Shopee:
			if o.Buyer.Username == "" || o.Buyer.UserID == "" {
				fail("Shopee buyer %+v", o.Buyer)
			}
		case domain.TikTok:
			if o.Buyer.UserID == "" || o.Buyer.Email == "" || o.ShippingType != "TIKTOK" || o.FulfillmentType != "FULFILLMENT_BY_SELLER" {
				fail("TikTok buyer %+v or shipping %q/%q", o.Buyer, o.ShippingType, o.FulfillmentType)
			}
		}
	}
	// The mix a real shop has: about 30% multi-line, some split parcels, some lines cancelled alone.
	n := len(orders)
	if multiLine < n/5 || multiLine > n*2/5 || multiPkg < n/50 || multiPkg > n/10 || itemCancelled < n/150 {
		t.Errorf("%d multi-line, %d multi-package orders, %d with a cancelled line", multiLine, multiPkg, itemCancelled)
	}
}

func TestCreateRefusesDataWithStores(t *testing.T) {
	ctx := context.Background()
	d := openDB(t)
	if err := Create(ctx, d, Options{Orders: 50, Seed: 1, Now: testNow}, nil); err != nil {
		t.Fatal(err)
	}
	err := Create(ctx, d, Options{Orders: 50, Seed: 2, Now: testNow}, nil)
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second Create: %v, want ErrNotEmpty", err)
	}
	stores, _ := d.Stores(ctx)
	counts, _ := d.TabCounts(ctx, domain.OrderQuery{})
	n := 0
	for _, c := range counts {
		n += c
	}
	if len(stores) != 6 || n != 50 {
		t.Errorf("after the refusal: %d stores and %d orders, want 6 and 50", len(stores), n)
	}

	// A seller's own store counts too.
	d2 := openDB(t)
	if _, err := d2.AddStore(ctx, domain.Store{Platform: domain.Shopee, Name: "Kedai Sendiri"}, testNow); err != nil {
		t.Fatal(err)
	}
	if err := Create(ctx, d2, Options{Orders: 50, Now: testNow}, nil); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("Create over a linked store: %v, want ErrNotEmpty", err)
	}
	if stores, _ := d2.Stores(ctx); len(stores) != 1 {
		t.Errorf("%d stores after the refusal, want 1", len(stores))
	}
}

func TestCreateCancelled(t *testing.T) {
	d := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := Create(ctx, d, Options{Orders: 5000, Seed: 1, Now: testNow}, func(done, total int) {
		if done == 2000 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Create after cancel: %v, want context.Canceled", err)
	}
	counts, _ := d.TabCounts(context.Background(), domain.OrderQuery{})
	n := 0
	for _, c := range counts {
		n += c
	}
	if n != 2000 {
		t.Errorf("%d orders written, want the 2000 before the cancellation", n)
	}

	// Cancelled before it starts: nothing at all.
	d2 := openDB(t)
	if err := Create(ctx, d2, Options{Orders: 100, Now: testNow}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Create with a cancelled context: %v", err)
	}
	if stores, _ := d2.Stores(context.Background()); len(stores) != 0 {
		t.Errorf("%d stores written by a cancelled Create", len(stores))
	}
}

func TestCreateRejectsBadOptions(t *testing.T) {
	d := openDB(t)
	for _, opt := range []Options{{Orders: -1, Now: testNow}, {Orders: MaxOrders + 1, Now: testNow}, {Orders: 10}} {
		if err := Create(context.Background(), d, opt, nil); err == nil {
			t.Errorf("Create(%+v) succeeded", opt)
		}
	}
	if stores, _ := d.Stores(context.Background()); len(stores) != 0 {
		t.Errorf("%d stores written by refused calls", len(stores))
	}
}

// A small workspace still shows every tab: the showcase orders see to it.
func TestSmallWorkspaceHasEveryTab(t *testing.T) {
	tabs := map[domain.Tab]int{}
	Generate(Options{Orders: 400, Seed: 9, Now: testNow}, storesWithIDs(), func(o domain.Order) bool {
		tabs[o.Tab]++
		return true
	})
	for _, tab := range domain.Tabs {
		if tabs[tab] == 0 {
			t.Errorf("no order on %s in a 400-order workspace", tab.Title())
		}
	}
}
