package shopee

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// A shop's 40 days in one pull: three 15-day windows, about 2,000 orders in every stage, every
// field Shopee carries, and no documented limit broken.
func TestFullSync(t *testing.T) {
	t.Parallel()
	var from time.Time
	e := newSimEnv(t, envOptions{setup: func(e *simEnv) {
		from = e.now()
		for range 40 {
			e.s.Generate(domain.Shopee, e.shop.ID, 40)
			e.s.Clock().Advance(12 * time.Hour)
			e.s.Step()
			e.s.Clock().Advance(12 * time.Hour)
			e.s.Step()
		}
		// Orders in every stage (arranged, shipped, completed, returns), spread back 90 days.
		e.s.AddHistory(domain.Shopee, e.shop.ID, 800)
	}})
	to := e.now()
	start := time.Now()
	if err := e.pull(e.c, from, to); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	n := e.compare(updatedIn(from, to))
	if n < 1800 {
		t.Errorf("only %d orders in the range: the test means about 2,000", n)
	}
	for no, o := range e.stored() {
		if o.UpdatedAt.Before(from) || !o.UpdatedAt.Before(to) {
			t.Errorf("order %s updated %s is outside the range", no, o.UpdatedAt)
		}
	}
	reqs := e.s.Requests(domain.Shopee)
	checkLimits(t, reqs)
	windows := map[string]bool{}
	arranged := 0
	for _, r := range reqs {
		if r.Path == pathOrderList {
			windows[r.Params.Get("time_from")+"-"+r.Params.Get("time_to")] = true
		}
	}
	for _, o := range e.s.Orders(domain.Shopee, e.shop.ID) {
		for _, p := range o.Packages {
			if p.TrackingNo != "" && updatedIn(from, to)(o) {
				arranged++
			}
		}
	}
	if len(windows) != 3 {
		t.Errorf("%d windows for 40 days: %v", len(windows), windows)
	}
	if arranged == 0 || count(reqs, pathTracking) == 0 {
		t.Errorf("no package with a tracking number was synced (%d on the platform)", arranged)
	}
	if count(reqs, pathReturnList) == 0 {
		t.Error("no returns were read")
	}
	// The client's own limit: RequestsPerSecond after a burst of Burst.
	if floor := time.Duration(len(reqs)-Burst) * time.Second / RequestsPerSecond; took < floor*9/10 {
		t.Errorf("%d requests in %v: faster than %d a second", len(reqs), took, RequestsPerSecond)
	}
	t.Logf("%d orders, %d requests (%d list, %d detail, %d tracking, %d returns) in %v", n, len(reqs),
		count(reqs, pathOrderList), count(reqs, pathOrderDetail), count(reqs, pathTracking), count(reqs, pathReturnList), took)
}

// Pull after pull from the store's cursor: new orders, status changes, a return requested and
// one resolved all reach the file.
func TestIncrementalSync(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, envOptions{setup: func(e *simEnv) {
		e.s.AddHistory(domain.Shopee, e.shop.ID, 250)
		e.s.Generate(domain.Shopee, e.shop.ID, 30)
	}})
	if err := e.pull(e.c, e.now().Add(-91*24*time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	e.compare(all)

	var requested []string
	returnable := func(o domain.Order) bool {
		return !o.ReturnRequested && !slices.Contains(requested, o.OrderNo) &&
			(o.Status == domain.SpCompleted || o.Status == domain.SpToConfirmReceive || o.Status == domain.SpShipped)
	}
	for round := range 3 {
		e.s.Clock().Advance(20 * time.Minute)
		e.s.Step()
		e.s.Generate(domain.Shopee, e.shop.ID, 5)
		if o, ok := e.pick(returnable); ok {
			e.s.RequestReturn(domain.Shopee, e.shop.ID, o.OrderNo)
			requested = append(requested, o.OrderNo)
		} else {
			t.Log("no order to return")
		}
		if round > 0 {
			e.s.ResolveReturn(domain.Shopee, e.shop.ID, requested[0])
		}
		e.s.Clock().Advance(time.Second)
		e.s.ResetRequests(domain.Shopee)
		from := e.cursor()
		to := e.now()
		if err := e.pull(e.c, from, to); err != nil {
			t.Fatal(err)
		}
		e.compare(all)
		for _, r := range e.s.Requests(domain.Shopee) {
			if f, _ := parseInt(r.Params.Get("time_from")); r.Path == pathOrderList && f < from.Unix() {
				t.Errorf("round %d listed from %d, before the cursor %d", round, f, from.Unix())
			}
		}
		checkLimits(t, e.s.Requests(domain.Shopee))
	}
	stored := e.stored()
	for i, no := range requested {
		want := i > 0
		if stored[no].ReturnRequested != want || e.s.Returns(domain.Shopee, e.shop.ID)[no] != want {
			t.Errorf("order %s: return awaiting %v in the file, %v on the platform, want %v", no, stored[no].ReturnRequested,
				e.s.Returns(domain.Shopee, e.shop.ID)[no], want)
		}
	}
	if len(requested) < 2 {
		t.Errorf("the test returned %d orders", len(requested))
	}
}

func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// Orders that change while the list is being read shift the others past the cursor; none is
// missed. Two cases: the changed orders leave the window (the clock moved), and they stay in it
// with a new status (the clock did not move).
func TestChangesWhilePaging(t *testing.T) {
	for _, leave := range []bool{true, false} {
		name := "stay in the window"
		if leave {
			name = "leave the window"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var from time.Time
			e := newSimEnv(t, envOptions{setup: func(e *simEnv) {
				from = e.now()
				for range 6 {
					e.s.Generate(domain.Shopee, e.shop.ID, 100)
					e.s.Clock().Advance(time.Hour)
				}
			}})
			var passes []int
			var mu sync.Mutex
			e.c.onPass = func(list string, pass, found int) {
				if list == "orders" {
					mu.Lock()
					passes = append(passes, found)
					mu.Unlock()
				}
			}
			to := e.now()
			if !leave {
				to = to.Add(time.Minute) // the changes stay inside the window
			}
			batches, changed := 0, 0
			err := e.c.Pull(e.ctx, from, to, func(b market.Batch) error {
				batches++
				if batches == 2 { // mid-list: 100 listed, 50 fetched
					if leave {
						e.s.Clock().Advance(time.Minute)
					}
					e.s.SetRates(sim.Rates{Pay: 0.6, CancelRequest: 0.2})
					changed = e.s.Step()
				}
				return e.d.SaveBatch(e.ctx, e.store.ID, b, to, e.now())
			})
			if err != nil {
				t.Fatal(err)
			}
			if changed == 0 {
				t.Fatal("the simulator changed nothing")
			}
			t.Logf("%d orders changed mid-list; new orders found by each reading: %v", changed, passes)
			if leave {
				// Everything still in the window is right; what left comes with the next pull.
				e.compare(func(o domain.Order) bool { return o.UpdatedAt.Before(to) })
				e.s.Clock().Advance(time.Second)
				if err := e.pull(e.c, e.cursor(), e.now()); err != nil {
					t.Fatal(err)
				}
			}
			e.compare(all)
			checkLimits(t, e.s.Requests(domain.Shopee))
			if len(passes) < 2 {
				t.Errorf("the list was read %d times", len(passes))
			}
		})
	}
}

// The access token is renewed 10 minutes before it expires; the rotated pair is in the data file
// before it is used, and the old refresh token no longer works.
func TestTokenRefreshAhead(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, envOptions{reopenable: true, setup: func(e *simEnv) {
		e.s.Generate(domain.Shopee, e.shop.ID, 40)
	}})
	granted, err := e.keeper.Tokens(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	syncNow := func() {
		t.Helper()
		e.s.Generate(domain.Shopee, e.shop.ID, 3)
		e.s.Clock().Advance(time.Second)
		if err := e.pull(e.c, e.cursor(), e.now()); err != nil {
			t.Fatal(err)
		}
		e.compare(all)
	}
	renewals := func() int { return count(e.s.Requests(domain.Shopee), pathTokenRenew) }

	if err := e.pull(e.c, e.now().Add(-time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	e.s.Clock().Set(granted.AccessExpires.Add(-RefreshAhead - time.Minute))
	syncNow()
	if n := renewals(); n != 0 {
		t.Fatalf("renewed %d times 11 minutes before expiry", n)
	}
	e.s.Clock().Set(granted.AccessExpires.Add(-RefreshAhead + time.Minute))
	syncNow()
	if n := renewals(); n != 1 {
		t.Fatalf("renewed %d times 9 minutes before expiry, want 1", n)
	}

	// The rotated pair is in the file: close it and open it again.
	if err := e.d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err := db.OpenWith(e.path, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	e.d = d
	e.keeper = d.Keeper(e.store.ID)
	kept, err := e.keeper.Tokens(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.remember(kept.Access, kept.Refresh)
	if kept.Refresh == granted.Refresh || kept.Access == granted.Access || kept.Refresh == "" {
		t.Fatal("the data file still holds the first pair")
	}
	if want := e.now().Add(AccessLifetime); kept.AccessExpires.Sub(want).Abs() > 2*time.Second {
		t.Errorf("the new access token expires %s, want about %s", kept.AccessExpires, want)
	}
	if kept.RefreshExpires.IsZero() {
		t.Error("the new refresh token's expiry is not kept")
	}

	// The old refresh token is spent (this check is one more call to access_token/get).
	shopID, _ := parseInt(e.shop.ID)
	_, err = e.c.call(e.ctx, request{method: http.MethodPost, path: pathTokenRenew, sign: signPublic, onAuth: true, flat: true,
		out: &tokenAnswer{}, body: map[string]any{"refresh_token": granted.Refresh, "partner_id": e.c.partnerID, "shop_id": shopID}})
	var apiErr *market.Error
	if !errors.As(err, &apiErr) || !refreshRefused(apiErr) {
		t.Errorf("the simulator took the spent refresh token: %v", err)
	} else {
		t.Logf("the spent refresh token: %v", err)
	}
	e.assertNoSecret(err)

	// A new client reads the new pair from the reopened file and works without renewing.
	e.c = e.client(e.shop.ID)
	syncNow()
	if n := renewals(); n != 2 {
		t.Errorf("%d calls to access_token/get, want still 2", n)
	}
	// 4 hours on, the token has expired: renewed again, rotated again.
	e.s.Clock().Advance(4 * time.Hour)
	syncNow()
	if n := renewals(); n != 3 {
		t.Errorf("%d calls to access_token/get after 4 h, want 3", n)
	}
	again, _ := e.keeper.Tokens(e.ctx)
	e.remember(again.Access, again.Refresh)
	if again.Refresh == kept.Refresh {
		t.Error("the second renewal did not rotate the refresh token in the file")
	}
}

// The platform refuses the access token before it expires: renewed once, the call retried.
func TestRefreshOnExpiredToken(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, envOptions{setup: func(e *simEnv) { e.s.Generate(domain.Shopee, e.shop.ID, 120) }})
	before, _ := e.keeper.Tokens(e.ctx)
	e.s.Inject(domain.Shopee, sim.Fault{Kind: sim.ExpiredToken, Times: 1, Path: pathOrderDetail})
	if err := e.pull(e.c, e.now().Add(-time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	e.compare(all)
	reqs := e.s.Requests(domain.Shopee)
	if n := count(reqs, pathTokenRenew); n != 1 {
		t.Errorf("%d renewals, want 1", n)
	}
	after, _ := e.keeper.Tokens(e.ctx)
	e.remember(after.Access, after.Refresh)
	if after.Refresh == before.Refresh {
		t.Error("the renewed pair is not in the data file")
	}
	// Twice in a row on the same call: renewed once, then the refusal is reported.
	e.s.Inject(domain.Shopee, sim.Fault{Kind: sim.ExpiredToken, Times: 2, Path: pathOrderList})
	err := e.pull(e.c, e.now().Add(-time.Hour), e.now())
	var apiErr *market.Error
	if !errors.As(err, &apiErr) || !accessRefused(apiErr) || errors.Is(err, market.ErrRelink) {
		t.Errorf("a second refusal: %v", err)
	}
	e.assertNoSecret(err)
}

// A refresh token that cannot be used means the seller must link the store again.
func TestRelink(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, envOptions{setup: func(e *simEnv) { e.s.Generate(domain.Shopee, e.shop.ID, 5) }})
	granted, _ := e.keeper.Tokens(e.ctx)

	// Renew once (the clock passes the token's expiry), which spends the granted refresh token.
	e.s.Clock().Set(granted.AccessExpires)
	if err := e.pull(e.c, e.now().Add(-time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	fresh, _ := e.keeper.Tokens(e.ctx)
	e.remember(fresh.Access, fresh.Refresh)

	// A stale copy of the store's sign-in (the spent pair) cannot be renewed.
	stale := granted
	if err := e.keeper.SaveTokens(e.ctx, stale); err != nil {
		t.Fatal(err)
	}
	e.s.Clock().Advance(5 * time.Hour)
	c := e.client(e.shop.ID)
	err := e.pull(c, e.now().Add(-time.Hour), e.now())
	var apiErr *market.Error
	if !errors.Is(err, market.ErrRelink) || !errors.As(err, &apiErr) || apiErr.Op != "POST "+pathTokenRenew {
		t.Fatalf("a spent refresh token: %v", err)
	}
	t.Logf("spent refresh token: %v", err)
	e.assertNoSecret(err)

	// A made-up one.
	if err := e.keeper.SaveTokens(e.ctx, market.Tokens{Access: "x", Refresh: "not-a-refresh-token", AccessExpires: e.now()}); err != nil {
		t.Fatal(err)
	}
	err = e.pull(e.client(e.shop.ID), e.now().Add(-time.Hour), e.now())
	if !errors.Is(err, market.ErrRelink) {
		t.Fatalf("an unknown refresh token: %v", err)
	}

	// One past its expiry is not even sent.
	before := count(e.s.Requests(domain.Shopee), pathTokenRenew)
	if err := e.keeper.SaveTokens(e.ctx, market.Tokens{Access: fresh.Access, Refresh: fresh.Refresh,
		AccessExpires: e.now().Add(-time.Hour), RefreshExpires: e.now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	err = e.pull(e.client(e.shop.ID), e.now().Add(-time.Hour), e.now())
	if !errors.Is(err, market.ErrRelink) || count(e.s.Requests(domain.Shopee), pathTokenRenew) != before {
		t.Fatalf("an expired refresh token: %v", err)
	}
	e.assertNoSecret(err)
}

// Every fault the simulator can inject is survived by retrying; one that outlasts the retries
// ends the pull with a clear *market.Error.
func TestFaults(t *testing.T) {
	kinds := []struct {
		kind   sim.FaultKind
		times  int
		status int // what the simulator logs for a faulted request
	}{
		{sim.TooManyRequests, 3, 429},
		{sim.ServerError, 3, 500},
		{sim.Unavailable, 3, 503},
		{sim.Timeout, 2, 0},
		{sim.Malformed, 3, 200},
		{sim.ExpiredToken, 1, -1},
	}
	specific := []string{pathOrderDetail, pathTracking, pathReturnList}
	for i, k := range kinds {
		for _, path := range []string{"", specific[i%len(specific)]} {
			t.Run(k.kind.String()+path, func(t *testing.T) {
				t.Parallel()
				e := newSimEnv(t, envOptions{httpTimeout: 500 * time.Millisecond, setup: func(e *simEnv) {
					e.s.AddHistory(domain.Shopee, e.shop.ID, 80)
				}})
				e.s.Inject(domain.Shopee, sim.Fault{Kind: k.kind, Times: k.times, Path: path})
				if err := e.pull(e.c, e.now().Add(-91*24*time.Hour), e.now()); err != nil {
					t.Fatal(err)
				}
				e.compare(all)
				reqs := e.s.Requests(domain.Shopee)
				checkLimits(t, reqs)
				if k.status >= 0 && k.status != 200 {
					failed := 0
					for _, r := range reqs {
						if r.Status == k.status {
							failed++
						}
					}
					if failed < k.times {
						t.Errorf("%d requests answered %d, want %d", failed, k.status, k.times)
					}
				}
				if k.kind == sim.ExpiredToken && count(reqs, pathTokenRenew) != 1 {
					t.Errorf("%d renewals", count(reqs, pathTokenRenew))
				}
			})
		}
	}

	for _, k := range []struct {
		kind      sim.FaultKind
		status    int
		retryable bool
	}{{sim.ServerError, 500, true}, {sim.TooManyRequests, 429, true}, {sim.Unavailable, 503, true}, {sim.Malformed, 200, true},
		{sim.Timeout, 0, true}} {
		t.Run("outlasting "+k.kind.String(), func(t *testing.T) {
			t.Parallel()
			e := newSimEnv(t, envOptions{httpTimeout: 300 * time.Millisecond, setup: func(e *simEnv) {
				e.s.Generate(domain.Shopee, e.shop.ID, 10)
			}})
			e.s.Inject(domain.Shopee, sim.Fault{Kind: k.kind, Times: 50, Path: pathOrderList})
			err := e.pull(e.c, e.now().Add(-time.Hour), e.now())
			var apiErr *market.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("want a *market.Error, got %T %v", err, err)
			}
			if apiErr.Platform != domain.Shopee || apiErr.Op != "GET "+pathOrderList || apiErr.Status != k.status ||
				apiErr.Retryable != k.retryable || apiErr.Message == "" && apiErr.Code == "" {
				t.Errorf("unclear error: %+v", apiErr)
			}
			if n := count(e.s.Requests(domain.Shopee), pathOrderList); n != MaxAttempts {
				t.Errorf("%d attempts, want %d", n, MaxAttempts)
			}
			t.Logf("%v", err)
			e.assertNoSecret(err)
		})
	}
}

// Link through the sign-in page: auth_partner redirects with code and shop_id, token/get turns
// them into a pair saved in the data file, and the store syncs with it.
func TestLink(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, envOptions{clientShop: func(*simEnv) string { return "" },
		setup: func(e *simEnv) { e.s.Generate(domain.Shopee, e.shop.ID, 8) }})
	granted, _ := e.keeper.Tokens(e.ctx)
	page, err := e.c.AuthorizeURL(sim.DefaultRedirect, "")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(page)
	if u.Path != "/shopee"+pathAuthPartner || u.Query().Get("redirect") != sim.DefaultRedirect ||
		u.Query().Get("partner_id") != e.app.Key || u.Query().Get("sign") == "" {
		t.Fatalf("authorize URL %s", page)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(page + "&shop=" + url.QueryEscape(e.shop.ID))
	if err != nil {
		t.Fatal(redactErr(err))
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("auth_partner answered %s", resp.Status)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), sim.DefaultRedirect) {
		t.Fatalf("redirected to %q", resp.Header.Get("Location"))
	}
	callback := loc.Query()
	if callback.Get("code") == "" || callback.Get("shop_id") != e.shop.ID {
		t.Fatalf("callback %v", callback)
	}
	e.remember(callback.Get("code"))

	// A client configured for another shop refuses the sign-in, and spends nothing.
	other := e.client("999999999")
	if _, err := other.Link(e.ctx, callback); err == nil {
		t.Error("linked shop " + e.shop.ID + " into a store of another shop")
	}

	shop, err := e.c.Link(e.ctx, callback)
	if err != nil {
		t.Fatal(err)
	}
	if shop.ID != e.shop.ID || e.c.ShopID() != e.shop.ID {
		t.Errorf("linked shop %+v, client shop %q", shop, e.c.ShopID())
	}
	linked, _ := e.keeper.Tokens(e.ctx)
	e.remember(linked.Access, linked.Refresh)
	if linked.Access == granted.Access || linked.Refresh == granted.Refresh || linked.Access == "" {
		t.Error("the new pair is not in the data file")
	}
	if want := e.now().Add(AccessLifetime); linked.AccessExpires.Sub(want).Abs() > 2*time.Second {
		t.Errorf("access expires %s, want about %s", linked.AccessExpires, want)
	}
	if err := e.pull(e.c, e.now().Add(-time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	e.compare(all)
	// The code works once.
	if _, err := e.client(e.shop.ID).Link(e.ctx, callback); err == nil || errors.Is(err, market.ErrRelink) {
		t.Errorf("a used code: %v", err)
	}
	reqs := e.s.Requests(domain.Shopee)
	if n := count(reqs, pathTokenGet); n != 2 {
		t.Errorf("%d token/get calls, want 2", n)
	}
}

// Concurrent pulls renew the token once (single flight), and a second client of the same store
// takes the pair the first one saved instead of spending the rotated refresh token again.
func TestSharedTokens(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, envOptions{setup: func(e *simEnv) { e.s.Generate(domain.Shopee, e.shop.ID, 60) }})
	granted, _ := e.keeper.Tokens(e.ctx)
	other := e.client(e.shop.ID)
	for _, c := range []*Client{e.c, other} {
		if err := e.pull(c, e.now().Add(-time.Hour), e.now()); err != nil {
			t.Fatal(err)
		}
	}
	e.s.Clock().Set(granted.AccessExpires.Add(time.Minute))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.c.Pull(e.ctx, e.now().Add(-2*time.Hour), e.now(), func(market.Batch) error { return nil })
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := count(e.s.Requests(domain.Shopee), pathTokenRenew); n != 1 {
		t.Fatalf("%d renewals for 4 concurrent pulls, want 1", n)
	}
	// The other client still holds the spent pair in memory.
	e.s.Clock().Advance(10 * time.Minute) // past the 5 minutes the old access token is still good
	if err := e.pull(other, e.now().Add(-time.Hour), e.now()); err != nil {
		t.Fatalf("the second client: %v", err)
	}
	if n := count(e.s.Requests(domain.Shopee), pathTokenRenew); n != 1 {
		t.Errorf("%d renewals, want still 1", n)
	}
	e.compare(all)
}

// A pull stops when its context ends, even inside a request the platform holds.
func TestPullCancelled(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, envOptions{setup: func(e *simEnv) { e.s.Generate(domain.Shopee, e.shop.ID, 5) }})
	e.s.Inject(domain.Shopee, sim.Fault{Kind: sim.Timeout, Times: 50})
	ctx, cancel := context.WithTimeout(e.ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := e.c.Pull(ctx, e.now().Add(-time.Hour), e.now(), func(market.Batch) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want the context's error, got %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the pull took %v to stop", took)
	}
	e.assertNoSecret(err)
}
