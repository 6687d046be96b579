package lazada

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// Every kind of failure the simulator can inject is survived by retrying (or, for a refused
// token, by renewing it), and the pull still brings every order.
func TestFaultsAreSurvived(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.s.AddHistory(domain.Lazada, r.shop.ID, 100)
	r.s.Generate(domain.Lazada, r.shop.ID, 150)
	r.s.Clock().Advance(time.Minute)
	cfg := r.cfg
	cfg.HTTP = &http.Client{Timeout: 300 * time.Millisecond} // for Timeout: the client gives up
	c := r.client(cfg)
	from := r.s.Clock().Now().Add(-91 * 24 * time.Hour)
	for _, tc := range []struct {
		kind  sim.FaultKind
		times int
		path  string
	}{
		{sim.TooManyRequests, 3, "/orders/get"},
		{sim.ServerError, 4, "/orders/get"},
		{sim.Unavailable, 2, "/orders/items/get"},
		{sim.Timeout, 2, "/orders/get"},
		{sim.Malformed, 3, "/orders/get"},
		{sim.Malformed, 2, "/reverse/getreverseordersforseller"},
		{sim.ExpiredToken, 1, "/orders/items/get"},
		{sim.ServerError, 2, "/auth/token/refresh"}, // with the next one: a failing renewal is retried too
		{sim.ExpiredToken, 1, "/orders/get"},
	} {
		r.s.Inject(domain.Lazada, sim.Fault{Kind: tc.kind, Times: tc.times, Path: tc.path})
		if tc.path == "/auth/token/refresh" {
			continue
		}
		r.s.Clock().Advance(time.Second)
		r.s.Step()
		r.s.ResetRequests(domain.Lazada)
		started := time.Now()
		if _, _, err := r.pull(c, from, r.s.Clock().Now()); err != nil {
			t.Fatalf("%v x%d on %s: %v", tc.kind, tc.times, tc.path, err)
		}
		r.same(nil)
		failed := 0
		for _, q := range r.s.Requests(domain.Lazada) {
			if q.Status != http.StatusOK {
				failed++
			}
		}
		t.Logf("%v x%d on %s: survived in %v (%d failed answers logged)", tc.kind, tc.times, tc.path, time.Since(started).Round(time.Millisecond), failed)
	}
}

// A fault that outlasts five attempts ends the pull with a clear *market.Error.
func TestFaultOutlastingRetries(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.s.Generate(domain.Lazada, r.shop.ID, 20)
	r.s.Clock().Advance(time.Minute)
	now := r.s.Clock().Now()
	for _, tc := range []struct {
		kind   sim.FaultKind
		status int
		want   string
	}{
		{sim.ServerError, 500, "HTTP 500"},
		{sim.Unavailable, 503, "HTTP 503"},
		{sim.Malformed, 200, "malformed"},
		{sim.TooManyRequests, 429, "HTTP 429"},
	} {
		r.s.ResetRequests(domain.Lazada)
		r.s.Inject(domain.Lazada, sim.Fault{Kind: tc.kind, Times: 5, Path: "/orders/get"})
		batches := 0
		err := r.c.Pull(context.Background(), now.Add(-time.Hour), now, func(market.Batch) error { batches++; return nil })
		var me *market.Error
		if !errors.As(err, &me) {
			t.Fatalf("%v: err = %v, want a *market.Error", tc.kind, err)
		}
		if me.Platform != domain.Lazada || me.Op != "GET /orders/get" || me.Status != tc.status || !me.Retryable ||
			!strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "Lazada: GET /orders/get") {
			t.Errorf("%v: %#v (%v)", tc.kind, me, err)
		}
		if n := r.count("/orders/get", -1); n != 5 {
			t.Errorf("%v: %d attempts, want 5", tc.kind, n)
		}
		if batches != 0 {
			t.Errorf("%v: %d batches passed by a failed pull", tc.kind, batches)
		}
		t.Logf("%v: %v", tc.kind, err)
	}

	// Cancelling stops the waiting at once.
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ServerError, Times: 5, Path: "/orders/get"})
	cfg := r.cfg
	cfg.RetryBase = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	started := time.Now()
	err := r.client(cfg).Pull(ctx, now.Add(-time.Hour), now, func(market.Batch) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(started) > 5*time.Second {
		t.Errorf("cancelled pull: %v after %v", err, time.Since(started))
	}
}

// Link goes through the simulator's authorize page: the code in the redirect becomes tokens,
// saved in the store's keeper, and the seller is the shop.
func TestLinkThroughAuthorizePage(t *testing.T) {
	r := newRig(t)
	r.s.Generate(domain.Lazada, r.shop.ID, 5)
	ctx := context.Background()
	before, _ := r.keeper.Tokens(ctx)
	page, err := r.c.AuthorizeURL(sim.DefaultRedirect, "st-42")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(page, r.srv.URL+"/lazada/oauth/authorize?") {
		t.Fatalf("authorize page %s", page)
	}
	code, cb := authorize(t, page+"&shop="+url.QueryEscape(r.shop.ID))
	if cb.Get("state") != "st-42" {
		t.Errorf("state came back as %q", cb.Get("state"))
	}
	r.s.Clock().Advance(time.Minute)
	shop, err := r.c.Link(ctx, cb)
	if err != nil {
		t.Fatal(err)
	}
	if shop.ID != r.shop.ID || shop.Region != "MY" {
		t.Errorf("linked %+v, want seller %s in MY", shop, r.shop.ID)
	}
	after, _ := r.keeper.Tokens(ctx)
	if after.Access == "" || after.Access == before.Access || after.Refresh == "" ||
		!after.AccessExpires.After(r.s.Clock().Now()) {
		t.Errorf("tokens after link: %+v", after)
	}
	for _, q := range r.s.Requests(domain.Lazada) {
		if strings.HasPrefix(q.Path, "/auth/token/") && q.Method != http.MethodPost {
			t.Errorf("%s sent as %s; the code belongs in a form body", q.Path, q.Method)
		}
	}
	// The saved tokens work.
	r.mustPull(simStart.Add(-time.Hour), r.s.Clock().Now())
	r.same(nil)

	// A code works once.
	_, err = r.c.Link(ctx, cb)
	var me *market.Error
	if !errors.As(err, &me) || me.Code != "InvalidCode" || !strings.Contains(err.Error(), "sign in again") {
		t.Errorf("second use of a code: %v", err)
	}
	if strings.Contains(err.Error(), code) {
		t.Errorf("the error carries the code: %v", err)
	}
	// Another seller's sign-in is not saved over this store's tokens.
	other := r.s.AddShop(domain.Lazada, "Kedai Lain", "MY")
	_, cb = authorize(t, page+"&shop="+url.QueryEscape(other.ID))
	if _, err := r.c.Link(ctx, cb); err == nil || !strings.Contains(err.Error(), other.ID) {
		t.Errorf("linking another seller: %v", err)
	}
	if now, _ := r.keeper.Tokens(ctx); now != after {
		t.Errorf("another seller's tokens were saved")
	}
	// The seller declined.
	if _, err := r.c.Link(ctx, url.Values{"error": {"access_denied"}}); err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Errorf("declined sign-in: %v", err)
	}
}

// authorize opens the sign-in page as a browser would and returns the code of its redirect.
func authorize(t *testing.T, page string) (string, url.Values) {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize page answered %s", resp.Status)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != sim.DefaultRedirect {
		t.Errorf("redirected to %s", got)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", loc)
	}
	return code, loc.Query()
}
