package tiktok

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// The integration tests run the client over real HTTP on 127.0.0.1 against the simulator, with
// the shop's tokens in a real data file, and compare what lands in the database with what the
// simulator holds.

var simStart = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

type env struct {
	t      *testing.T
	ctx    context.Context
	s      *sim.Sim
	srv    *httptest.Server
	shop   sim.Shop
	app    sim.App
	d      *db.DB
	store  domain.Store
	keeper market.Keeper
	cfg    market.Config
	c      *Client
	trace  *trace
}

// newEnv starts a simulator with one TikTok shop, links it in a new data file and makes a client.
func newEnv(t *testing.T, timeout time.Duration) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background()}
	e.s = sim.New(sim.Options{Seed: 1, Manual: true, Start: simStart})
	e.srv = httptest.NewServer(e.s.Handler())
	t.Cleanup(e.srv.Close)
	t.Cleanup(e.s.Close) // runs first: releases requests held by Timeout faults
	e.shop = e.s.AddShop(domain.TikTok, "Serba Ada", "MY")
	access, refresh, exp := e.s.Grant(domain.TikTok, e.shop.ID)
	e.app = e.s.App(domain.TikTok)
	e.d = dbtest.Open(t)
	var err error
	e.store, err = e.d.LinkStore(e.ctx, domain.Store{Platform: domain.TikTok, Name: "Serba Ada", Region: "MY", ShopID: e.shop.ID},
		db.Link{BaseURL: e.srv.URL + "/tiktok", AppKey: e.app.Key, ServiceID: e.app.ServiceID, Cipher: e.shop.Cipher},
		db.Secrets{AppSecret: e.app.Secret, Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}},
		3, e.now())
	if err != nil {
		t.Fatal(err)
	}
	e.keeper = e.d.Keeper(e.store.ID)
	e.trace = &trace{next: http.DefaultTransport}
	e.cfg = market.Config{
		BaseURL: e.srv.URL + "/tiktok", AppKey: e.app.Key, AppSecret: e.app.Secret, ServiceID: e.app.ServiceID,
		ShopID: e.shop.ID, Cipher: e.shop.Cipher, Region: "MY", Keeper: e.keeper,
		HTTP: &http.Client{Timeout: timeout, Transport: e.trace}, Now: e.s.Clock().Now,
		RetryBase: 2 * time.Millisecond,
	}
	if e.c, err = New(e.cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) now() time.Time { return e.s.Clock().Now() }

// pullResult is what one Pull passed on.
type pullResult struct {
	batches, orders int
}

// pull runs one Pull of [from, to) and saves each batch as the engine does, checking the contract
// on the way: Final only on the last batch, every order named in Returns carried in its batch.
func (e *env) pull(from, to time.Time) (pullResult, error) {
	return e.pullWith(e.c, from, to, nil)
}

func (e *env) pullWith(c *Client, from, to time.Time, during func(n int, b market.Batch)) (pullResult, error) {
	e.t.Helper()
	var r pullResult
	final := false
	err := c.Pull(e.ctx, from, to, func(b market.Batch) error {
		if final {
			e.t.Errorf("a batch after the Final one")
		}
		final = b.Final
		r.batches++
		r.orders += len(b.Orders)
		in := map[string]bool{}
		for _, o := range b.Orders {
			in[o.OrderNo] = true
		}
		for no := range b.Returns {
			if !in[no] {
				e.t.Errorf("Returns names order %s, which is not in its batch", no)
			}
		}
		if err := e.d.SaveBatch(e.ctx, e.store.ID, b, to, e.now()); err != nil {
			return err
		}
		if during != nil {
			during(r.batches, b)
		}
		return nil
	})
	if err == nil && !final {
		e.t.Errorf("the pull ended without a Final batch")
	}
	return r, err
}

// syncToNow pulls from the store's cursor to the simulator's now, as the engine would.
func (e *env) syncToNow() pullResult {
	e.t.Helper()
	st, err := e.d.SyncState(e.ctx, e.store.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	to := e.now()
	r, err := e.pull(st.Cursor, to)
	if err != nil {
		e.t.Fatalf("pull: %v", err)
	}
	if st, _ = e.d.SyncState(e.ctx, e.store.ID); !st.Cursor.Equal(to) {
		e.t.Errorf("cursor %v after the pull, want %v", st.Cursor, to)
	}
	return r
}

// stored is every order in the data file, by number.
func (e *env) stored() map[string]domain.Order {
	e.t.Helper()
	ids, err := e.d.OrderIDs(e.ctx, domain.OrderQuery{StoreIDs: []int64{e.store.ID}})
	if err != nil {
		e.t.Fatal(err)
	}
	archived, err := e.d.OrderIDs(e.ctx, domain.OrderQuery{StoreIDs: []int64{e.store.ID}, Archived: true})
	if err != nil {
		e.t.Fatal(err)
	}
	orders, err := e.d.Orders(e.ctx, append(ids, archived...))
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]domain.Order{}
	for _, o := range orders {
		if _, dup := out[o.OrderNo]; dup {
			e.t.Errorf("order %s stored twice", o.OrderNo)
		}
		out[o.OrderNo] = o
	}
	return out
}

// compare checks that the data file holds exactly the simulator's orders, on every field TikTok
// carries (sync/MAPPING.md), and returns how many it compared. Differences are reported by field,
// with a few examples each.
func (e *env) compare() int {
	e.t.Helper()
	want := e.s.Orders(domain.TikTok, e.shop.ID)
	got := e.stored()
	if len(got) != len(want) {
		e.t.Errorf("%d orders stored, the simulator has %d", len(got), len(want))
	}
	byField := map[string][]string{}
	var missing []string
	for _, w := range want {
		g, ok := got[w.OrderNo]
		if !ok {
			missing = append(missing, fmt.Sprintf("%s (%s, updated %s)", w.OrderNo, w.Status, sec(w.UpdatedAt)))
			continue
		}
		for _, df := range orderDiffs(g, w) {
			byField[df.field] = append(byField[df.field], fmt.Sprintf("order %s (%s): %s", w.OrderNo, w.Status, df.text))
		}
	}
	if len(missing) > 0 {
		e.t.Errorf("%d orders missing: %s", len(missing), strings.Join(missing[:min(5, len(missing))], ", "))
	}
	fields := slices.Sorted(maps.Keys(byField))
	for _, f := range fields {
		ex := byField[f]
		e.t.Errorf("%s differs on %d of %d orders, e.g.\n  %s", f, len(ex), len(want), strings.Join(ex[:min(3, len(ex))], "\n  "))
	}
	return len(want)
}

type diff struct{ field, text string }

func sec(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// orderDiffs lists what differs between a stored order and the simulator's, on what TikTok carries.
func orderDiffs(g, w domain.Order) []diff {
	var d []diff
	eq := func(name string, got, want any) {
		gs, ws := fmt.Sprint(got), fmt.Sprint(want)
		if gs != ws {
			d = append(d, diff{name, fmt.Sprintf("got %s, want %s", gs, ws)})
		}
	}
	eq("PlatformID", g.PlatformID, w.OrderNo)
	eq("Status", g.Status, w.Status)
	eq("CreatedAt", sec(g.CreatedAt), sec(w.CreatedAt))
	eq("UpdatedAt", sec(g.UpdatedAt), sec(w.UpdatedAt))
	eq("PaidAt", sec(g.PaidAt), sec(w.PaidAt))
	eq("ShipBy", sec(g.ShipBy), sec(w.ShipBy))
	eq("DeliveredAt", sec(g.DeliveredAt), sec(w.DeliveredAt))
	eq("Currency", g.Currency, w.Currency)
	for _, m := range []struct {
		name     string
		got, exp domain.Money
	}{
		{"Subtotal", g.Subtotal, w.Subtotal}, {"ShippingFee", g.ShippingFee, w.ShippingFee},
		// The simulator folds the order-level seller discount into seller_discount (MAPPING.md).
		{"SellerVoucher", g.SellerVoucher, w.SellerVoucher.Add(w.SellerDiscount)}, {"PlatformVoucher", g.PlatformVoucher, w.PlatformVoucher},
		{"Tax", g.Tax, w.Tax}, {"Total", g.Total, w.Total},
	} {
		eq(m.name, m.got.Minor, m.exp.Minor)
	}
	eq("PaymentMethod", g.PaymentMethod, w.PaymentMethod)
	eq("COD", g.COD, w.COD)
	eq("Buyer.UserID", g.Buyer.UserID, w.Buyer.UserID)
	eq("Buyer.Email", g.Buyer.Email, w.Buyer.Email)
	wantAddr := w.Address
	if w.Status == domain.TtUnpaid || w.Status == domain.TtOnHold {
		wantAddr = domain.Address{} // TikTok sends none then
	}
	eq("Address", fmt.Sprintf("%q", g.Address), fmt.Sprintf("%q", wantAddr))
	eq("BuyerNote", g.BuyerNote, w.BuyerNote)
	eq("SellerNote", g.SellerNote, w.SellerNote)
	eq("ShippingType", g.ShippingType, w.ShippingType)
	eq("FulfillmentType", g.FulfillmentType, w.FulfillmentType)
	eq("DeliveryOption", g.DeliveryOption, w.DeliveryOption)
	eq("CancelRequested", g.CancelRequested, w.CancelRequested && w.Status != domain.TtCancelled)
	eq("ReturnRequested", g.ReturnRequested, w.ReturnRequested)
	eq("CancelReason", g.CancelReason, w.CancelReason)
	eq("CancelledBy", g.CancelledBy, w.CancelledBy)
	eq("Items", unitKeys(g.Items), unitKeys(w.Items))
	for _, it := range g.Items {
		if it.Qty != 1 {
			d = append(d, diff{"Item.Qty", fmt.Sprintf("item %s has Qty %d, TikTok sends units", it.PlatformItemID, it.Qty)})
		}
	}
	ids := map[string]bool{}
	for _, it := range g.Items {
		if it.PlatformItemID == "" || ids[it.PlatformItemID] {
			d = append(d, diff{"Item.PlatformItemID", fmt.Sprintf("line item id %q empty or repeated", it.PlatformItemID)})
		}
		ids[it.PlatformItemID] = true
	}
	for _, it := range w.Items {
		if it.Qty == 1 && !ids[it.PlatformItemID] {
			d = append(d, diff{"Item.PlatformItemID", fmt.Sprintf("line item %s missing", it.PlatformItemID)})
		}
	}
	eq("Packages", packageKeys(g.Packages), packageKeys(w.Packages))
	return d
}

// unitKeys is the multiset of units: TikTok sends one line per unit, so an item of Qty 2 in the
// simulator is two lines.
func unitKeys(items []domain.Item) []string {
	var out []string
	for _, it := range items {
		k := fmt.Sprintf("%s|%s|%s|%s|%s|%d|%d|%d|%d|%s|%s|%v|%s|%s|%s", it.ProductID, it.SKUID, it.SKU, it.Name, it.Variation,
			it.UnitPrice.Minor, it.PaidPrice.Minor, it.SellerDiscount.Minor, it.PlatformDiscount.Minor, it.Status,
			it.PackageID, it.Cancelled, it.CancelReason, it.CancelledBy, it.ImageURL)
		for range max(it.Qty, 1) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func packageKeys(ps []domain.Package) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s|%s|%s|%s", p.ID, p.TrackingNo, p.Provider, p.Status))
	}
	sort.Strings(out)
	return out
}

// checkLimits checks the logged requests against T3/T5's limits.
func (e *env) checkLimits() {
	e.t.Helper()
	for _, r := range e.s.Requests(domain.TikTok) {
		switch r.Path {
		case pathOrderSearch:
			if n, _ := strconv.Atoi(r.Params.Get("page_size")); n < 1 || n > 100 {
				e.t.Errorf("%s with page_size %q", r.Path, r.Params.Get("page_size"))
			}
		case pathOrderDetail:
			ids := strings.Split(r.Params.Get("ids"), ",")
			if len(ids) < 1 || len(ids) > 50 || r.Params.Get("ids") == "" {
				e.t.Errorf("%s with %d ids", r.Path, len(ids))
			}
		case pathReturnSearch:
			if n, _ := strconv.Atoi(r.Params.Get("page_size")); n < 10 || n > 50 {
				e.t.Errorf("%s with page_size %q", r.Path, r.Params.Get("page_size"))
			}
		}
	}
	if worst, path := e.trace.busiestSecond(); worst > 50 {
		e.t.Errorf("%d requests to %s within one second; TikTok allows 50", worst, path)
	}
}

// requests counts the logged requests to a path.
func (e *env) requests(path string) int {
	n := 0
	for _, r := range e.s.Requests(domain.TikTok) {
		if r.Path == path {
			n++
		}
	}
	return n
}

// trace records when each request left, by path: to check the rate, it only watches.
type trace struct {
	next http.RoundTripper
	mu   sync.Mutex
	at   map[string][]time.Time
}

func (tr *trace) RoundTrip(r *http.Request) (*http.Response, error) {
	tr.mu.Lock()
	if tr.at == nil {
		tr.at = map[string][]time.Time{}
	}
	tr.at[r.URL.Path] = append(tr.at[r.URL.Path], time.Now())
	tr.mu.Unlock()
	return tr.next.RoundTrip(r)
}

// busiestSecond is the most requests to one path within any one second.
func (tr *trace) busiestSecond() (int, string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	worst, where := 0, ""
	for path, ts := range tr.at {
		ts = slices.Clone(ts)
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		j := 0
		for i := range ts {
			for ts[i].Sub(ts[j]) >= time.Second {
				j++
			}
			if n := i - j + 1; n > worst {
				worst, where = n, path
			}
		}
	}
	return worst, where
}

func TestSimFullSync(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	made := e.s.AddHistory(domain.TikTok, e.shop.ID, 2000)
	if len(made) < 1900 {
		t.Fatalf("the simulator made %d orders", len(made))
	}
	// Some returns in every state.
	returned := 0
	for _, o := range e.s.Orders(domain.TikTok, e.shop.ID) {
		if o.Status == domain.TtDelivered && returned < 6 {
			e.s.RequestReturn(domain.TikTok, e.shop.ID, o.OrderNo)
			if returned%2 == 1 {
				e.s.ResolveReturn(domain.TikTok, e.shop.ID, o.OrderNo)
			}
			returned++
		}
	}
	e.s.Clock().Advance(time.Second)
	from := e.now().Add(-91 * 24 * time.Hour)
	r, err := e.pull(from, e.now())
	if err != nil {
		t.Fatal(err)
	}
	n := e.compare()
	t.Logf("%d orders in %d batches (%d orders passed on); %d requests", n, r.batches, r.orders, len(e.s.Requests(domain.TikTok)))
	if r.orders < n {
		t.Errorf("%d orders passed on, the shop has %d", r.orders, n)
	}
	if searches := e.requests(pathOrderSearch); searches < n/100 {
		t.Errorf("only %d searches for %d orders at 100 a page", searches, n)
	}
	// The detail call, which fills in orders that come without line items, takes 50 ids at most.
	var ids []string
	for _, o := range made {
		ids = append(ids, o.OrderNo)
	}
	details, err := e.c.fetchOrders(e.ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	full, err := e.c.complete(e.ctx, details)
	if err != nil || len(full) != len(ids) {
		t.Fatalf("%d of %d orders by id: %v", len(full), len(ids), err)
	}
	if calls := e.requests(pathOrderDetail); calls < len(ids)/50 {
		t.Errorf("%d detail calls for %d ids", calls, len(ids))
	}
	e.checkLimits()
}

func TestSimIncrementalSync(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	e.s.AddHistory(domain.TikTok, e.shop.ID, 300)
	e.s.Clock().Advance(time.Second)
	if _, err := e.pull(e.now().Add(-91*24*time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	e.compare() // the pull's Final batch moved the store's cursor to its end
	e.s.SetRates(sim.Rates{Pay: 0.5, CancelRequest: 0.1, Deliver: 0.3, Complete: 0.2, Return: 0.1, NewOrder: 1})
	var requested []string
	for round := range 8 {
		t.Logf("round %d", round)
		e.s.Clock().Advance(7 * time.Minute)
		e.s.Step()
		e.s.Generate(domain.TikTok, e.shop.ID, 3)
		for _, o := range e.s.Orders(domain.TikTok, e.shop.ID) {
			if o.Status == domain.TtDelivered && !o.ReturnRequested && !slices.Contains(requested, o.OrderNo) {
				e.s.RequestReturn(domain.TikTok, e.shop.ID, o.OrderNo)
				requested = append(requested, o.OrderNo)
				break
			}
		}
		if round%2 == 1 && len(requested) > 0 {
			e.s.ResolveReturn(domain.TikTok, e.shop.ID, requested[0])
			requested = requested[1:]
		}
		e.s.Clock().Advance(time.Second) // what changed at now is in the next window
		e.syncToNow()
		e.compare()
	}
	pending := 0
	for _, v := range e.s.Returns(domain.TikTok, e.shop.ID) {
		if v {
			pending++
		}
	}
	if pending == 0 {
		t.Errorf("no return pending at the end: the test did not exercise returns")
	}
	e.checkLimits()
}

// Orders that change while the pull pages through them leave the listing (their update time
// moves past the window), which moves the rest up a place: none may be missed.
func TestSimChangesWhilePaging(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	e.s.AddHistory(domain.TikTok, e.shop.ID, 1200)
	e.s.Clock().Advance(time.Second)
	from, to := e.now().Add(-91*24*time.Hour), e.now()
	changed := 0
	r, err := e.pullWith(e.c, from, to, func(n int, b market.Batch) {
		if n > 4 || len(b.Orders) == 0 {
			return
		}
		// Change orders already read: each leaves the window, shifting what follows.
		for _, o := range b.Orders[:min(5, len(b.Orders))] {
			e.s.RequestReturn(domain.TikTok, e.shop.ID, o.OrderNo)
			changed++
		}
		e.s.Step()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("changed %d orders while paging; %d batches, %d orders passed on", changed, r.batches, r.orders)
	e.s.Clock().Advance(time.Second)
	if _, err := e.pull(to, e.now()); err != nil {
		t.Fatal(err)
	}
	e.compare()
	e.checkLimits()
}

func TestSimRefreshAheadOfExpiry(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	e.s.Generate(domain.TikTok, e.shop.ID, 20)
	before, _ := e.keeper.Tokens(e.ctx)
	e.s.Clock().Advance(7*24*time.Hour - time.Hour)
	if !e.now().Before(before.AccessExpires) || e.now().Before(before.AccessExpires.Add(-24*time.Hour)) {
		t.Fatalf("the access token expires %v; now %v is not within its last day", before.AccessExpires, e.now())
	}
	e.s.Generate(domain.TikTok, e.shop.ID, 5)
	e.s.Clock().Advance(time.Second)
	if _, err := e.pull(e.now().Add(-8*24*time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	after, _ := e.keeper.Tokens(e.ctx)
	if after.Access == before.Access || !after.AccessExpires.After(e.now().Add(6*24*time.Hour)) {
		t.Fatalf("tokens not renewed ahead of expiry: before %v, after %v", before.AccessExpires, after.AccessExpires)
	}
	if n := e.requests(pathTokenRefresh); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	e.compare()
	// The new token is used from then on, and not renewed again.
	e.s.Clock().Advance(time.Hour)
	if _, err := e.pull(e.now().Add(-time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	if n := e.requests(pathTokenRefresh); n != 1 {
		t.Errorf("%d refreshes after a second pull, want 1", n)
	}
	// A new client of the same store reads the renewed pair from the data file.
	c2, err := New(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.pullWith(c2, e.now().Add(-time.Hour), e.now(), nil); err != nil {
		t.Fatal(err)
	}
}

// An expired-token answer makes the client refresh and retry the call.
func TestSimRefreshOnExpiredToken(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	e.s.Generate(domain.TikTok, e.shop.ID, 60)
	e.s.Clock().Advance(time.Second)
	before, _ := e.keeper.Tokens(e.ctx)
	e.s.Inject(domain.TikTok, sim.Fault{Kind: sim.ExpiredToken, Times: 1, Path: pathOrderSearch})
	if _, err := e.pull(e.now().Add(-time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	after, _ := e.keeper.Tokens(e.ctx)
	if after.Access == before.Access {
		t.Fatalf("the token was not renewed after the expired-token answer")
	}
	if n := e.requests(pathTokenRefresh); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	e.compare()

}

// Calls that all find the token in its last day share one refresh.
func TestSimRefreshIsSingleFlight(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	made := e.s.Generate(domain.TikTok, e.shop.ID, 8)
	e.s.Clock().Advance(7*24*time.Hour - time.Hour)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.c.fetchOrders(e.ctx, []string{made[i].OrderNo}); err != nil {
				t.Errorf("a concurrent call failed: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := e.requests(pathTokenRefresh); n != 1 {
		t.Errorf("%d refreshes for 8 concurrent calls, want 1", n)
	}
}

func TestSimUnusableRefreshToken(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	e.s.Generate(domain.TikTok, e.shop.ID, 5)
	e.s.Clock().Advance(time.Second)
	good, _ := e.keeper.Tokens(e.ctx)

	cases := []struct {
		name   string
		tokens market.Tokens
		fault  bool
	}{
		{"refused refresh token, access expired", market.Tokens{Access: good.Access, Refresh: "ROW_not_a_refresh_token", AccessExpires: e.now().Add(-time.Minute)}, false},
		{"refused refresh token after an expired-token answer", market.Tokens{Access: good.Access, Refresh: "ROW_not_a_refresh_token", AccessExpires: e.now().Add(72 * time.Hour)}, true},
		{"refresh token past its expiry", market.Tokens{Access: good.Access, Refresh: good.Refresh, AccessExpires: e.now().Add(-time.Minute), RefreshExpires: e.now().Add(-time.Hour)}, false},
	}
	for _, tc := range cases {
		if err := e.keeper.SaveTokens(e.ctx, tc.tokens); err != nil {
			t.Fatal(err)
		}
		if tc.fault {
			e.s.Inject(domain.TikTok, sim.Fault{Kind: sim.ExpiredToken, Times: 1, Path: pathOrderSearch})
		}
		c, err := New(e.cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.pullWith(c, e.now().Add(-time.Hour), e.now(), nil)
		if !errors.Is(err, market.ErrRelink) {
			t.Errorf("%s: %v does not say to link again", tc.name, err)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
		if kept, _ := e.keeper.Tokens(e.ctx); kept != tc.tokens {
			t.Errorf("%s: the kept tokens changed to %+v", tc.name, kept)
		}
	}
}

// In the token's last day a refused early refresh does not stop the sync while the token works.
func TestSimRefusedEarlyRefreshKeepsWorking(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	e.s.Generate(domain.TikTok, e.shop.ID, 5)
	e.s.Clock().Advance(time.Second)
	good, _ := e.keeper.Tokens(e.ctx)
	kept := market.Tokens{Access: good.Access, Refresh: "ROW_not_a_refresh_token", AccessExpires: e.now().Add(2 * time.Hour)}
	if err := e.keeper.SaveTokens(e.ctx, kept); err != nil {
		t.Fatal(err)
	}
	c, err := New(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.pullWith(c, e.now().Add(-time.Hour), e.now(), nil); err != nil {
		t.Fatalf("the sync stopped though the token still works: %v", err)
	}
	if n := e.requests(pathTokenRefresh); n != 1 {
		t.Errorf("%d refresh attempts, want 1 (then a pause before the next)", n)
	}
	e.compare()
	// Once the token has expired, the seller must link again.
	e.s.Clock().Advance(3 * time.Hour)
	_, err = e.pullWith(c, e.now().Add(-time.Hour), e.now(), nil)
	if !errors.Is(err, market.ErrRelink) {
		t.Errorf("after expiry: %v", err)
	}
}

// Every kind of fault is survived by retrying, and one that outlasts the retries ends the pull
// with a clear *market.Error.
func TestSimFaults(t *testing.T) {
	kinds := []sim.FaultKind{sim.TooManyRequests, sim.ServerError, sim.Unavailable, sim.Timeout, sim.Malformed, sim.ExpiredToken}
	for _, kind := range kinds {
		t.Run(kind.String(), func(t *testing.T) {
			e := newEnv(t, time.Second)
			e.s.AddHistory(domain.TikTok, e.shop.ID, 150)
			e.s.Clock().Advance(time.Second)
			times := 3
			if kind == sim.ExpiredToken {
				times = 1 // a refused token is refreshed and the call tried once more
			}
			for _, path := range []string{pathOrderSearch, pathReturnSearch} {
				e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: times, Path: path})
			}
			if _, err := e.pull(e.now().Add(-91*24*time.Hour), e.now()); err != nil {
				t.Fatalf("not survived: %v", err)
			}
			e.compare()
			e.checkLimits()

			if kind == sim.ExpiredToken {
				e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: 2, Path: pathOrderSearch})
			} else {
				e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: maxAttempts, Path: pathOrderSearch})
			}
			_, err := e.pull(e.now().Add(-time.Hour), e.now())
			var me *market.Error
			if !errors.As(err, &me) {
				t.Fatalf("outlasting fault: %v is not a *market.Error", err)
			}
			if me.Platform != domain.TikTok || me.Op != "POST "+pathOrderSearch {
				t.Errorf("outlasting fault: %+v", me)
			}
			if kind == sim.ExpiredToken {
				if me.Retryable || (me.Code != "105002" && me.Code != "36009004") {
					t.Errorf("expired token twice: %+v", me)
				}
			} else if !me.Retryable {
				t.Errorf("outlasting %s: not marked retryable: %+v", kind, me)
			}
			t.Logf("%s outlasting the retries: %v", kind, err)
		})
	}
}

// Many calls at once keep within 40 a second on one path.
func TestSimRateLimit(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	made := e.s.Generate(domain.TikTok, e.shop.ID, 10)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.c.fetchOrders(e.ctx, []string{made[i%len(made)].OrderNo}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took < 2*time.Second {
		t.Errorf("100 calls took %v: faster than 40 a second", took)
	}
	e.checkLimits()
}

func TestSimLink(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	e.s.Generate(domain.TikTok, e.shop.ID, 12)
	e.s.Clock().Advance(time.Second)
	before, _ := e.keeper.Tokens(e.ctx)

	// A client that knows only the app, as when a seller links a new shop.
	cfg := e.cfg
	cfg.ShopID, cfg.Cipher = "", ""
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.AuthorizeURL(market.DefaultRedirect, "st4te-42")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(page)
	if !strings.HasPrefix(page, e.srv.URL+"/tiktok/open/authorize?") || u.Query().Get("service_id") != e.app.ServiceID ||
		u.Query().Get("state") != "st4te-42" || u.Query().Has("redirect_uri") {
		t.Fatalf("authorize URL %s", page)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(page + "&shop=" + url.QueryEscape(e.shop.ID))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize page answered %s", resp.Status)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), market.DefaultRedirect) {
		t.Fatalf("redirected to %q", resp.Header.Get("Location"))
	}
	cb := loc.Query()
	if cb.Get("state") != "st4te-42" || cb.Get("code") == "" {
		t.Fatalf("callback query %v", cb)
	}

	// A forged state is refused before the code is spent.
	forged := url.Values{"code": {cb.Get("code")}, "state": {"other"}}
	if _, err := c.Link(e.ctx, forged); err == nil || !strings.Contains(err.Error(), "state") {
		t.Errorf("a foreign state: %v", err)
	}
	shop, err := c.Link(e.ctx, cb)
	if err != nil {
		t.Fatal(err)
	}
	want := market.Shop{ID: e.shop.ID, Name: e.shop.Name, Region: e.shop.Region, Cipher: e.shop.Cipher}
	if shop != want {
		t.Errorf("Link = %+v, want %+v", shop, want)
	}
	after, _ := e.keeper.Tokens(e.ctx)
	if after.Access == "" || after.Access == before.Access || after.Refresh == "" || !after.AccessExpires.After(e.now()) {
		t.Errorf("tokens not saved by Link: %+v", after)
	}
	// The client now pulls with what Link learnt.
	if _, err := e.pullWith(c, e.now().Add(-time.Hour), e.now(), nil); err != nil {
		t.Fatal(err)
	}
	e.compare()
	// The code works once.
	if _, err := c.Link(e.ctx, cb); err == nil {
		t.Errorf("a spent code linked again")
	}
	// The seller said no.
	_, err = c.Link(e.ctx, url.Values{"code": {"null"}, "error": {"auth_denied"}, "state": {"st4te-42"}})
	if err == nil || !strings.Contains(err.Error(), "did not authorize") {
		t.Errorf("denied: %v", err)
	}
}
