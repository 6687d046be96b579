package lazada

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// simStart is the simulated present of the integration tests.
var simStart = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

// rig is one Lazada shop on the simulator over real HTTP on loopback, linked as a store in a
// real data file whose keeper holds its tokens.
type rig struct {
	t      *testing.T
	s      *sim.Sim
	srv    *httptest.Server
	shop   sim.Shop
	app    sim.App
	d      *db.DB
	store  domain.Store
	keeper market.Keeper
	c      *Client
	cfg    market.Config
}

func newRig(t *testing.T) *rig {
	t.Helper()
	s := sim.New(sim.Options{Seed: 1, Manual: true, Start: simStart})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		srv.Close()
	})
	shop := s.AddShop(domain.Lazada, "Kedai Cantik", "MY")
	access, refresh, exp := s.Grant(domain.Lazada, shop.ID)
	app := s.App(domain.Lazada)
	d, st, keeper := linkedStore(t, srv.URL+"/lazada/rest", app.Key, app.Secret, shop.ID,
		market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}, s.Clock().Now())
	r := &rig{t: t, s: s, srv: srv, shop: shop, app: app, d: d, store: st, keeper: keeper}
	r.cfg = market.Config{BaseURL: srv.URL + "/lazada/rest", AppKey: app.Key, AppSecret: app.Secret,
		ShopID: shop.ID, Region: "MY", Keeper: keeper, Now: s.Clock().Now, RetryBase: time.Millisecond,
		HTTP: &http.Client{Timeout: 10 * time.Second}}
	r.c = r.client(r.cfg)
	t.Cleanup(r.checkLimits) // every test keeps to the documented paging limits
	return r
}

func (r *rig) client(cfg market.Config) *Client {
	r.t.Helper()
	c, err := New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// pull runs one Pull into the data file, as the engine does, and returns how many batches and
// orders it passed.
func (r *rig) pull(c *Client, from, to time.Time) (batches, orders int, err error) {
	ctx := context.Background()
	finals := 0
	err = c.Pull(ctx, from, to, func(b market.Batch) error {
		batches++
		orders += len(b.Orders)
		if b.Final {
			finals++
		}
		for no := range b.Returns {
			if !slices.ContainsFunc(b.Orders, func(o domain.Order) bool { return o.OrderNo == no }) {
				r.t.Errorf("batch reports a return for %s without the order", no)
			}
		}
		return r.d.SaveBatch(ctx, r.store.ID, b, to, r.s.Clock().Now())
	})
	if err == nil && finals != 1 {
		r.t.Errorf("a pull passed %d final batches, want 1", finals)
	}
	return batches, orders, err
}

func (r *rig) mustPull(from, to time.Time) int {
	r.t.Helper()
	_, n, err := r.pull(r.c, from, to)
	if err != nil {
		r.t.Fatalf("pull [%v, %v): %v", from, to, err)
	}
	return n
}

// stored is the data file's orders by number.
func (r *rig) stored() map[string]domain.Order {
	r.t.Helper()
	ctx := context.Background()
	ids, err := r.d.OrderIDs(ctx, domain.OrderQuery{StoreIDs: []int64{r.store.ID}})
	if err != nil {
		r.t.Fatal(err)
	}
	orders, err := r.d.Orders(ctx, ids)
	if err != nil {
		r.t.Fatal(err)
	}
	out := make(map[string]domain.Order, len(orders))
	for _, o := range orders {
		out[o.OrderNo] = o
	}
	return out
}

// unitKey is an item unit as Lazada carries it, without its order_item_id (a quantity the
// simulator holds as one line comes back as one line per unit, each with its own id).
func unitKey(it domain.Item) string {
	return strings.Join([]string{it.ProductID, it.SKUID, it.SKU, it.ShopSKU, it.Name, it.Variation,
		it.UnitPrice.String(), it.PaidPrice.String(), it.SellerDiscount.String(), it.PlatformDiscount.String(),
		it.Status, it.PackageID, strconv.FormatBool(it.Cancelled), it.CancelReason, it.CancelledBy,
		it.ReturnStatus, it.ImageURL}, "|")
}

func units(items []domain.Item) []string {
	var out []string
	for _, it := range items {
		for range max(it.Qty, 1) {
			out = append(out, unitKey(it))
		}
	}
	sort.Strings(out)
	return out
}

// diffOrder lists every field Lazada carries (MAPPING.md) where got differs from want.
func diffOrder(want, got domain.Order) []string {
	var d []string
	cmp := func(field string, w, g any) {
		if fmt.Sprint(w) != fmt.Sprint(g) {
			d = append(d, fmt.Sprintf("%s: want %v, got %v", field, w, g))
		}
	}
	// Lazada's times carry whole seconds.
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	cmp("PlatformID", want.PlatformID, got.PlatformID)
	cmp("CreatedAt", ts(want.CreatedAt), ts(got.CreatedAt))
	cmp("UpdatedAt", ts(want.UpdatedAt), ts(got.UpdatedAt))
	cmp("ShipBy", ts(want.ShipBy), ts(got.ShipBy))
	// DeliveredAt is carried by the delivered items' updated_at (MAPPING.md); once they have
	// moved on (returned), Lazada no longer says when they were delivered.
	if slices.ContainsFunc(want.Items, func(it domain.Item) bool { return it.Status == domain.LzDelivered }) {
		cmp("DeliveredAt", ts(want.DeliveredAt), ts(got.DeliveredAt))
	} else if !got.DeliveredAt.IsZero() {
		d = append(d, "DeliveredAt: want none (no item is delivered), got "+ts(got.DeliveredAt))
	}
	cmp("Currency", want.Currency, got.Currency)
	cmp("Subtotal", want.Subtotal, got.Subtotal)
	cmp("ShippingFee", want.ShippingFee, got.ShippingFee)
	// Lazada does not carry the order-level SellerDiscount (MAPPING.md, "Not carried"); the
	// simulator folds it into voucher_seller (its package doc, "Domain to wire"), which the
	// client reads as SellerVoucher.
	cmp("SellerVoucher", want.SellerVoucher.Add(want.SellerDiscount), got.SellerVoucher)
	cmp("PlatformVoucher", want.PlatformVoucher, got.PlatformVoucher)
	cmp("Total", want.Total, got.Total)
	cmp("VoucherCode", want.VoucherCode, got.VoucherCode)
	cmp("PaymentMethod", want.PaymentMethod, got.PaymentMethod)
	cmp("COD", want.COD, got.COD)
	cmp("Buyer.Name", want.Buyer.Name, got.Buyer.Name)
	cmp("Address.Name", want.Address.Name, got.Address.Name)
	cmp("Address.Phone", want.Address.Phone, got.Address.Phone)
	cmp("Address.Lines", strings.Join(want.Address.Lines, " / "), strings.Join(got.Address.Lines, " / "))
	cmp("Address.District", want.Address.District, got.Address.District)
	cmp("Address.City", want.Address.City, got.Address.City)
	cmp("Address.Postcode", want.Address.Postcode, got.Address.Postcode)
	cmp("Address.Country", want.Address.Country, got.Address.Country)
	cmp("BuyerNote", want.BuyerNote, got.BuyerNote)
	cmp("SellerNote", want.SellerNote, got.SellerNote)
	cmp("ShippingType", want.ShippingType, got.ShippingType)
	cmp("ProviderType", want.ProviderType, got.ProviderType)
	cmp("SelfDelivery", want.SelfDelivery, got.SelfDelivery)
	cmp("WarehouseCode", want.WarehouseCode, got.WarehouseCode)
	cmp("CancelRequested", want.CancelRequested, got.CancelRequested)
	cmp("ReturnRequested", want.ReturnRequested, got.ReturnRequested)
	if want.Status != "" {
		cmp("Status", want.Status, got.Status)
	}
	wu, gu := units(want.Items), units(got.Items)
	if !slices.Equal(wu, gu) {
		d = append(d, fmt.Sprintf("items:\n  want %q\n  got  %q", wu, gu))
	}
	for _, it := range want.Items {
		if it.Qty == 1 && !slices.ContainsFunc(got.Items, func(g domain.Item) bool { return g.PlatformItemID == it.PlatformItemID }) {
			d = append(d, "item id "+it.PlatformItemID+" missing")
		}
	}
	pk := func(ps []domain.Package) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID+"|"+p.TrackingNo+"|"+p.Provider+"|"+p.Status)
		}
		sort.Strings(out)
		return out
	}
	if w, g := pk(want.Packages), pk(got.Packages); !slices.Equal(w, g) {
		d = append(d, fmt.Sprintf("packages: want %q, got %q", w, g))
	}
	return d
}

// same checks that the data file holds exactly the simulator's orders. only, when set, limits
// the check to the orders it accepts (both sides).
func (r *rig) same(only func(domain.Order) bool) {
	r.t.Helper()
	want := r.s.Orders(domain.Lazada, r.shop.ID)
	got := r.stored()
	n, bad := 0, 0
	fields := map[string]int{}
	for _, w := range want {
		if only != nil && !only(w) {
			continue
		}
		n++
		g, ok := got[w.OrderNo]
		if !ok {
			bad++
			if bad <= 5 {
				r.t.Errorf("order %s (updated %v) is missing", w.OrderNo, w.UpdatedAt)
			}
			continue
		}
		if d := diffOrder(w, g); len(d) > 0 {
			for _, f := range d {
				name, _, _ := strings.Cut(f, ":")
				fields[name]++
			}
			bad++
			if bad <= 5 {
				r.t.Errorf("order %s differs:\n  %s", w.OrderNo, strings.Join(d, "\n  "))
			}
		}
	}
	if only == nil && len(got) != len(want) {
		r.t.Errorf("the data file has %d orders, the simulator %d", len(got), len(want))
	}
	if bad > 0 {
		r.t.Errorf("%d of %d orders missing or different; differing fields: %v", bad, n, fields)
	}
}

// checkLimits checks every logged call against the documented paging limits.
func (r *rig) checkLimits() {
	r.t.Helper()
	for _, q := range r.s.Requests(domain.Lazada) {
		switch q.Path {
		case "/orders/get":
			if l, _ := strconv.Atoi(q.Params.Get("limit")); l < 1 || l > 100 {
				r.t.Errorf("/orders/get limit %q", q.Params.Get("limit"))
			}
			if o, _ := strconv.Atoi(q.Params.Get("offset")); o < 0 || o > 5000 {
				r.t.Errorf("/orders/get offset %q", q.Params.Get("offset"))
			}
		case "/orders/items/get":
			ids := q.Params.Get("order_ids")
			if !strings.HasPrefix(ids, "[") || strings.Count(ids, ",")+1 > 50 {
				r.t.Errorf("/orders/items/get order_ids %.80s... (%d ids)", ids, strings.Count(ids, ",")+1)
			}
		}
		if q.Method == http.MethodPost && (q.Path == "/orders/get" || q.Path == "/orders/items/get") {
			r.t.Errorf("%s sent as POST", q.Path)
		}
	}
}

func (r *rig) count(path string, status int) int {
	n := 0
	for _, q := range r.s.Requests(domain.Lazada) {
		if q.Path == path && (status < 0 || q.Status == status) {
			n++
		}
	}
	return n
}

// A full sync of ~2,000 orders (new ones, all at one second, and 90 days of history in every
// stage) brings exactly the simulator's orders.
func TestFullSync(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.s.AddHistory(domain.Lazada, r.shop.ID, 400)
	r.s.Generate(domain.Lazada, r.shop.ID, 1600)
	r.s.Clock().Advance(time.Minute)
	now := r.s.Clock().Now()
	batches, n, err := r.pull(r.c, now.Add(-91*24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d orders in %d batches, %d calls (%d /orders/get)", n, batches, len(r.s.Requests(domain.Lazada)), r.count("/orders/get", -1))
	r.same(nil)
	r.checkLimits()
	if max := 2000/100 + 10; r.count("/orders/get", -1) > max {
		t.Errorf("%d /orders/get calls for 2,000 orders, want at most %d", r.count("/orders/get", -1), max)
	}
}
