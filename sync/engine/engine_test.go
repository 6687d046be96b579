package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
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

var ctx = context.Background()

// testLag keeps each window's end over a second behind now: the platforms filter by whole
// seconds, so an order changed in the current second belongs to the next window (the overlap
// catches it there). Tests wait it out after changing the simulator, as real time would.
const testLag = 1100 * time.Millisecond

func settle() { time.Sleep(testLag + 100*time.Millisecond) }

// world is a simulator with one shop per platform, linked in a real data file.
type world struct {
	sim    *sim.Sim
	srv    *httptest.Server
	d      *db.DB
	shops  map[domain.Platform]sim.Shop
	stores map[domain.Platform]domain.Store
	notes  *notes
}

type notes struct {
	mu   sync.Mutex
	list []string
}

func (n *notes) add(title, body string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.list = append(n.list, title+": "+body)
}

func (n *notes) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.list)
}

func apiRoot(base string, p domain.Platform) string {
	if p == domain.Lazada {
		return base + "/lazada/rest"
	}
	return base + "/" + string(p)
}

func newWorld(t *testing.T, ordersPerShop int) *world {
	t.Helper()
	w := &world{sim: sim.New(sim.Options{Seed: 7}), d: dbtest.Open(t), shops: map[domain.Platform]sim.Shop{},
		stores: map[domain.Platform]domain.Store{}, notes: &notes{}}
	w.srv = httptest.NewServer(w.sim.Handler())
	t.Cleanup(w.srv.Close)
	for _, p := range domain.Platforms {
		shop := w.sim.AddShop(p, "Shop "+p.Title(), "MY")
		w.shops[p] = shop
		if ordersPerShop > 0 {
			w.sim.Generate(p, shop.ID, ordersPerShop)
		}
		access, refresh, exp := w.sim.Grant(p, shop.ID)
		app := w.sim.App(p)
		st, err := w.d.LinkStore(ctx, domain.Store{Platform: p, Name: "Shop " + p.Title(), Region: "MY", ShopID: shop.ID},
			db.Link{BaseURL: apiRoot(w.srv.URL, p), AppKey: app.Key, ServiceID: app.ServiceID, Cipher: shop.Cipher},
			db.Secrets{AppSecret: app.Secret, Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}},
			3, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		w.stores[p] = st
	}
	settle()
	return w
}

func (w *world) engine(opt Options) *Engine {
	opt.Notify = w.notes.add
	if opt.RetryBase == 0 {
		opt.RetryBase = time.Millisecond
	}
	if opt.Lag == 0 {
		opt.Lag = testLag
	}
	return New(w.d, opt)
}

// stored lists the order numbers of a store, sorted.
func (w *world) stored(t *testing.T, p domain.Platform) []string {
	t.Helper()
	var nos []string
	for _, archived := range []bool{false, true} {
		rows, err := w.d.OrderIDs(ctx, domain.OrderQuery{StoreIDs: []int64{w.stores[p].ID}, Archived: archived})
		if err != nil {
			t.Fatal(err)
		}
		orders, _ := w.d.Orders(ctx, rows)
		for _, o := range orders {
			nos = append(nos, o.OrderNo)
		}
	}
	slices.Sort(nos)
	return nos
}

func (w *world) truth(p domain.Platform) []string {
	var nos []string
	for _, o := range w.sim.Orders(p, w.shops[p].ID) {
		nos = append(nos, o.OrderNo)
	}
	slices.Sort(nos)
	return nos
}

// statuses maps order number to its platform status as stored.
func (w *world) statuses(t *testing.T, p domain.Platform) map[string]string {
	out := map[string]string{}
	ids, _ := w.d.OrderIDs(ctx, domain.OrderQuery{StoreIDs: []int64{w.stores[p].ID}})
	orders, _ := w.d.Orders(ctx, ids)
	for _, o := range orders {
		out[o.OrderNo] = o.Status
	}
	return out
}

func TestSyncEveryPlatformAndIncrementally(t *testing.T) {
	w := newWorld(t, 250)
	e := w.engine(Options{})
	if err := e.RunOnce(ctx); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	for _, p := range domain.Platforms {
		if got, want := w.stored(t, p), w.truth(p); !slices.Equal(got, want) || len(want) != 250 {
			t.Errorf("%s: %d orders stored, simulator has %d", p, len(got), len(want))
		}
		st, _ := w.d.SyncState(ctx, w.stores[p].ID)
		if st.LastSuccess.IsZero() || st.OrdersPulled < 250 || st.Failures != 0 {
			t.Errorf("%s state after the first sync: %+v", p, st)
		}
	}
	// The platforms move on: new orders, payments, deliveries, a return request.
	for _, p := range domain.Platforms {
		w.sim.Generate(p, w.shops[p].ID, 15)
	}
	for range 3 {
		w.sim.Step()
	}
	done := w.sim.Orders(domain.Shopee, w.shops[domain.Shopee].ID)
	var completed string
	for _, o := range done {
		if o.Status == domain.SpCompleted {
			completed = o.OrderNo
			break
		}
	}
	if completed != "" {
		w.sim.RequestReturn(domain.Shopee, w.shops[domain.Shopee].ID, completed)
	}
	settle()
	if err := e.RunOnce(ctx); err != nil {
		t.Fatalf("second sync: %v", err)
	}
	for _, p := range domain.Platforms {
		if got, want := w.stored(t, p), w.truth(p); !slices.Equal(got, want) {
			t.Errorf("%s after changes: %d stored, %d in the simulator", p, len(got), len(want))
		}
		stored := w.statuses(t, p)
		for _, o := range w.sim.Orders(p, w.shops[p].ID) {
			if p != domain.Lazada && stored[o.OrderNo] != o.Status {
				t.Errorf("%s %s: stored status %q, simulator %q", p, o.OrderNo, stored[o.OrderNo], o.Status)
			}
		}
	}
	if completed != "" {
		rows, _ := w.d.FindOrders(ctx, completed, 1)
		if len(rows) != 1 || rows[0].Tab != domain.TabToReturn {
			t.Errorf("the return request did not move %s to To Return: %+v", completed, rows)
		}
	}
}

func TestFailingStoreRetriesTurnsRedAndTellsOnce(t *testing.T) {
	w := newWorld(t, 20)
	e := w.engine(Options{RetryAfter: time.Second})
	w.sim.Inject(domain.TikTok, sim.Fault{Kind: sim.ServerError, Times: 1000})
	for i := 1; i <= domain.FailingAfter+1; i++ {
		err := e.RunOnce(ctx)
		if err == nil || !strings.Contains(err.Error(), "TikTok") {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	st, _ := w.d.SyncState(ctx, w.stores[domain.TikTok].ID)
	if st.Failures != domain.FailingAfter+1 || st.Health() != domain.HealthFailing || !strings.Contains(st.LastError, "500") {
		t.Errorf("TikTok state: %+v", st)
	}
	if st.NextRun.Before(time.Now().Add(2 * time.Second)) {
		t.Errorf("backoff did not grow: next run %v", st.NextRun)
	}
	if n := w.notes.all(); len(n) != 1 || !strings.Contains(n[0], "Shop TikTok Shop is not syncing") {
		t.Errorf("notifications %q, want one for TikTok", n)
	}
	for _, p := range []domain.Platform{domain.Lazada, domain.Shopee} {
		if st, _ := w.d.SyncState(ctx, w.stores[p].ID); st.Failures != 0 || st.LastSuccess.IsZero() {
			t.Errorf("%s suffered from TikTok's failure: %+v", p, st)
		}
	}
}

func TestExpiredSignInAsksForRelink(t *testing.T) {
	w := newWorld(t, 5)
	e := w.engine(Options{})
	st := w.stores[domain.Shopee]
	// A refresh token the platform no longer knows, and an access token that has run out.
	k := w.d.Keeper(st.ID)
	tok, _ := k.Tokens(ctx)
	tok.Refresh = "revoked-refresh-token"
	tok.AccessExpires = time.Now().Add(-time.Minute)
	k.SaveTokens(ctx, tok)
	err := e.RunOnce(ctx)
	if !errors.Is(err, market.ErrRelink) {
		t.Fatalf("error %v, want the relink error", err)
	}
	s, _ := w.d.SyncState(ctx, st.ID)
	if !s.NeedsRelink || s.Health() != domain.HealthRelink {
		t.Errorf("state %+v", s)
	}
	if n := w.notes.all(); len(n) != 1 || !strings.Contains(n[0], "needs to be linked again") {
		t.Errorf("notifications %q", n)
	}
}

func freeRedirect(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/callback"
}

// The seller's browser, as the tests play it: open the sign-in page, approve the shop, and go
// where the platform sends it (Kedai's loopback listener).
func signIn(authURL, shopID string) error {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sep := "&"
	if !strings.Contains(authURL, "?") {
		sep = "?"
	}
	resp, err := noFollow.Get(authURL + sep + "shop=" + shopID)
	if err != nil {
		return err
	}
	resp.Body.Close()
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || back == "" {
		return fmt.Errorf("the sign-in page answered %d without a redirect", resp.StatusCode)
	}
	resp, err = http.Get(back)
	if err != nil {
		return fmt.Errorf("the browser could not come back to Kedai: %w", err)
	}
	return resp.Body.Close()
}

func TestLinkStoreThroughSignIn(t *testing.T) {
	for _, p := range domain.Platforms {
		t.Run(string(p), func(t *testing.T) {
			redirect := freeRedirect(t)
			s := sim.New(sim.Options{Seed: 3, Redirect: redirect})
			srv := httptest.NewServer(s.Handler())
			defer srv.Close()
			shop := s.AddShop(p, "Linked Shop", "MY")
			s.Generate(p, shop.ID, 40)
			settle()
			app := s.App(p)
			d := dbtest.Open(t)
			e := New(d, Options{RetryBase: time.Millisecond, Lag: testLag})
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			go e.Run(runCtx)

			authURL, wait, _, err := e.BeginLink(ctx, LinkRequest{Platform: p, Name: "Linked " + p.Title(), Region: "MY",
				BaseURL: apiRoot(srv.URL, p), AppKey: app.Key, AppSecret: app.Secret, ServiceID: app.ServiceID, Redirect: redirect})
			if err != nil {
				t.Fatal(err)
			}
			browser := make(chan error, 1)
			go func() { browser <- signIn(authURL, shop.ID) }()
			waitCtx, stop := context.WithTimeout(ctx, 20*time.Second)
			defer stop()
			store, err := wait(waitCtx)
			if berr := <-browser; berr != nil {
				t.Fatalf("browser: %v", berr)
			}
			if err != nil {
				t.Fatalf("link: %v", err)
			}
			if store.ShopID != shop.ID || store.Platform != p {
				t.Errorf("linked %+v, want shop %s", store, shop.ID)
			}
			// The first sync starts by itself and brings the shop's orders.
			deadline := time.Now().Add(20 * time.Second)
			for {
				ids, _ := d.OrderIDs(ctx, domain.OrderQuery{StoreIDs: []int64{store.ID}})
				if len(ids) == 40 {
					break
				}
				if time.Now().After(deadline) {
					st, _ := d.SyncState(ctx, store.ID)
					t.Fatalf("first sync brought %d of 40 orders: %+v", len(ids), st)
				}
				time.Sleep(100 * time.Millisecond)
			}
			sec, _ := d.StoreSecrets(ctx, store.ID)
			if sec.AppSecret != app.Secret || sec.Tokens.Access == "" {
				t.Errorf("secrets after linking: app secret kept %v, access token %v", sec.AppSecret == app.Secret, sec.Tokens.Access != "")
			}
		})
	}
}

func TestLinkRefusesBadRequests(t *testing.T) {
	d := dbtest.Open(t)
	e := New(d, Options{})
	cases := []struct {
		req  LinkRequest
		says string
	}{
		{LinkRequest{Platform: "ebay", Name: "x", AppKey: "k", AppSecret: "s"}, "unknown platform"},
		{LinkRequest{Platform: domain.Shopee, AppKey: "k", AppSecret: "s"}, "name"},
		{LinkRequest{Platform: domain.Shopee, Name: "x", AppKey: "k"}, "app secret"},
		{LinkRequest{Platform: domain.TikTok, Name: "x", AppKey: "k", AppSecret: "s"}, "service id"},
		{LinkRequest{Platform: domain.Shopee, Name: "x", AppKey: "k", AppSecret: "s", InitialDays: 91}, "1 to 90"},
		{LinkRequest{Platform: domain.Shopee, Name: "x", AppKey: "k", AppSecret: "s", BaseURL: "ftp://x"}, "not an API address"},
		{LinkRequest{Platform: domain.Shopee, Name: "x", AppKey: "k", AppSecret: "s", Redirect: "http://example.com/cb"}, "on this computer"},
	}
	for _, c := range cases {
		if _, _, _, err := e.BeginLink(ctx, c.req); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%+v: %v, want %q", c.req, err, c.says)
		}
	}
}

func TestRunPicksUpNewOrdersAndSyncNow(t *testing.T) {
	w := newWorld(t, 10)
	e := w.engine(Options{Interval: time.Hour})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go e.Run(runCtx)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("the first runs", func() bool {
		for _, p := range domain.Platforms {
			if len(w.stored(t, p)) != 10 {
				return false
			}
		}
		return true
	})
	// The interval is an hour: a new order comes only because the seller asks for a sync now.
	w.sim.Generate(domain.Lazada, w.shops[domain.Lazada].ID, 3)
	settle()
	if n := len(w.stored(t, domain.Lazada)); n != 10 {
		t.Fatalf("synced before being asked: %d", n)
	}
	e.SyncNow(w.stores[domain.Lazada].ID)
	waitFor("sync now", func() bool { return len(w.stored(t, domain.Lazada)) == 13 })
	status, _ := e.SyncStatus(ctx)
	if len(status) != 3 {
		t.Errorf("status of %d stores", len(status))
	}
}

// The sync and the outbox of a store share one client, so its rate limiter governs both; a new
// link (other tokens) gets a new client.
func TestOneClientPerStoreUntilItsLinkChanges(t *testing.T) {
	w := newWorld(t, 0)
	e := w.engine(Options{})
	id := w.stores[domain.Lazada].ID
	a, err := e.Client(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := e.Client(ctx, id); b != a {
		t.Error("a second client for the same store and link")
	}
	if c, _ := e.Client(ctx, w.stores[domain.Shopee].ID); c == a {
		t.Error("two stores share a client")
	}
	access, refresh, exp := w.sim.Grant(domain.Lazada, w.shops[domain.Lazada].ID)
	app := w.sim.App(domain.Lazada)
	if err := w.d.Relink(ctx, id, db.Secrets{AppSecret: app.Secret,
		Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}}); err != nil {
		t.Fatal(err)
	}
	if d, _ := e.Client(ctx, id); d == a {
		t.Error("the old client outlived a relink")
	}
}
