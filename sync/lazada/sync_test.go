package lazada

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// Incremental pulls, window after window, pick up exactly what changed: lifecycle steps, new
// orders, return requests opening (the order moves to To Return) and closing.
func TestIncrementalSync(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.s.AddHistory(domain.Lazada, r.shop.ID, 200)
	r.s.Generate(domain.Lazada, r.shop.ID, 300)
	r.s.Clock().Advance(time.Minute)
	cursor := r.s.Clock().Now()
	r.mustPull(cursor.Add(-91*24*time.Hour), cursor)
	r.same(nil)

	var asked []string
	for round := range 4 {
		r.s.Clock().Advance(5 * time.Minute)
		changed := r.s.Step()
		r.s.Clock().Advance(time.Second)
		changed += len(r.s.Generate(domain.Lazada, r.shop.ID, 20))
		r.s.Clock().Advance(time.Second)
		orders := r.s.Orders(domain.Lazada, r.shop.ID)
		// Open returns on a few orders; close the ones opened last round.
		for _, no := range asked {
			r.s.ResolveReturn(domain.Lazada, r.shop.ID, no)
			changed++
		}
		asked = asked[:0]
		for i := round * 7; i < len(orders) && len(asked) < 3; i += 41 {
			if !orders[i].ReturnRequested && r.hasLiveItem(orders[i].OrderNo) {
				r.s.RequestReturn(domain.Lazada, r.shop.ID, orders[i].OrderNo)
				asked = append(asked, orders[i].OrderNo)
				changed++
			}
		}
		r.s.Clock().Advance(time.Minute)
		to := r.s.Clock().Now()
		n := r.mustPull(cursor, to)
		cursor = to
		r.same(nil)
		if n < min(changed, 1) || n > changed+10 {
			t.Errorf("round %d: %d orders pulled for %d changes", round, n, changed)
		}
		stored := r.stored()
		for _, no := range asked {
			if o := stored[no]; !o.ReturnRequested || o.Tab != domain.TabToReturn {
				t.Errorf("round %d: order %s asked for a return but is on tab %v (return %v)", round, no, o.Tab, o.ReturnRequested)
			}
		}
	}
	// The last round's returns close: the orders leave To Return.
	for _, no := range asked {
		r.s.ResolveReturn(domain.Lazada, r.shop.ID, no)
	}
	r.s.Clock().Advance(time.Minute)
	r.mustPull(cursor, r.s.Clock().Now())
	r.same(nil)
	stored := r.stored()
	for _, no := range asked {
		if o := stored[no]; o.ReturnRequested || o.Tab == domain.TabToReturn {
			t.Errorf("order %s's return was resolved but it is still on tab %v", no, o.Tab)
		}
	}
}

// An order updated exactly at a window's end belongs to the next window, and comes with it
// whichever way the server reads update_after and update_before.
func TestWindowEdges(t *testing.T) {
	r := newRig(t)
	r.s.Generate(domain.Lazada, r.shop.ID, 30)
	edge := r.s.Clock().Now() // the orders' update time
	r.mustPull(edge.Add(-time.Hour), edge)
	r.mustPull(edge, edge.Add(time.Second))
	r.same(nil)

	// Sub-second window edges.
	r.s.Clock().Advance(10*time.Second + 300*time.Millisecond)
	r.s.Generate(domain.Lazada, r.shop.ID, 5)
	at := r.s.Clock().Now()
	r.mustPull(at.Add(-400*time.Millisecond), at.Add(200*time.Millisecond))
	r.same(nil)
}

// Orders that change while the list is paged move to its end and shift every later offset; none
// may be missed.
func TestChangesWhilePaging(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		ahead time.Duration // how far past the simulator's now the window ends
	}{
		{"changed orders leave the window", 0},
		{"changed orders stay in the window", time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.s.AddHistory(domain.Lazada, r.shop.ID, 300)
			r.s.Generate(domain.Lazada, r.shop.ID, 900) // one second, one long tie
			r.s.Clock().Advance(time.Minute)
			from := r.s.Clock().Now().Add(-91 * 24 * time.Hour)
			to := r.s.Clock().Now().Add(tc.ahead)
			ctx := context.Background()
			batches := 0
			err := r.c.Pull(ctx, from, to, func(b market.Batch) error {
				batches++
				if batches <= 6 {
					// Change orders the pull has already read, and some it has not.
					r.s.Clock().Advance(time.Second)
					for i, o := range b.Orders {
						if i%9 == 0 && r.hasLiveItem(o.OrderNo) {
							r.s.RequestReturn(domain.Lazada, r.shop.ID, o.OrderNo)
						}
					}
					r.s.Step()
				}
				return r.d.SaveBatch(ctx, r.store.ID, b, to, r.s.Clock().Now())
			})
			if err != nil {
				t.Fatal(err)
			}
			// Every order last updated inside the window is there, as it is now.
			r.same(func(o domain.Order) bool { return o.UpdatedAt.Before(to) })
			// The next window brings the rest.
			r.s.Clock().Advance(time.Minute)
			if tc.ahead == 0 {
				r.mustPull(to, r.s.Clock().Now())
			}
			r.same(nil)
			t.Logf("%d /orders/get calls", r.count("/orders/get", -1))
		})
	}
}

// The access token is renewed 30 minutes before it expires; the new pair is saved before use.
func TestRefreshAheadOfExpiry(t *testing.T) {
	r := newRig(t)
	r.s.Generate(domain.Lazada, r.shop.ID, 10)
	ctx := context.Background()
	before, _ := r.keeper.Tokens(ctx)
	r.s.Clock().Advance(30*24*time.Hour - 10*time.Minute)
	if !r.s.Clock().Now().After(before.AccessExpires.Add(-30 * time.Minute)) {
		t.Fatalf("the grant expires at %v: the test's clock does not reach its last 30 minutes", before.AccessExpires)
	}
	r.mustPull(simStart.Add(-time.Hour), r.s.Clock().Now())
	r.same(nil)
	after, _ := r.keeper.Tokens(ctx)
	if after.Access == before.Access || after.Refresh == before.Refresh || after.Refresh == "" {
		t.Errorf("tokens not renewed: before %+v, after %+v", before, after)
	}
	if !after.AccessExpires.After(r.s.Clock().Now().Add(time.Hour)) {
		t.Errorf("the new access token expires at %v", after.AccessExpires)
	}
	if n := r.count("/auth/token/refresh", -1); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
	// A new client (the engine makes one per run) reads the renewed tokens and does not renew
	// again.
	r.mustPull(r.s.Clock().Now().Add(-time.Minute), r.s.Clock().Now())
	_, _, err := r.pull(r.client(r.cfg), r.s.Clock().Now().Add(-time.Minute), r.s.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	if n := r.count("/auth/token/refresh", -1); n != 1 {
		t.Errorf("%d refresh calls after more pulls, want 1", n)
	}
}

// A token the platform refuses (IllegalAccessToken) is renewed and the call tried once more.
func TestRefreshOnIllegalAccessToken(t *testing.T) {
	r := newRig(t)
	r.s.Generate(domain.Lazada, r.shop.ID, 10)
	ctx := context.Background()
	before, _ := r.keeper.Tokens(ctx)
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ExpiredToken, Times: 1, Path: "/orders/get"})
	r.s.Clock().Advance(time.Minute)
	r.mustPull(simStart.Add(-time.Hour), r.s.Clock().Now())
	r.same(nil)
	after, _ := r.keeper.Tokens(ctx)
	if after.Access == before.Access || after.Refresh == before.Refresh {
		t.Errorf("tokens not renewed after IllegalAccessToken")
	}
	if n := r.count("/auth/token/refresh", -1); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}

	// Refused again after the renewal: that is the answer, not a loop.
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ExpiredToken, Times: 2, Path: "/orders/get"})
	_, _, err := r.pull(r.c, simStart.Add(-time.Hour), r.s.Clock().Now())
	var me *market.Error
	if !errors.As(err, &me) || me.Code != "IllegalAccessToken" || me.Retryable {
		t.Errorf("err = %v", err)
	}
	if n := r.count("/auth/token/refresh", -1); n != 2 {
		t.Errorf("%d refresh calls, want 2", n)
	}
}

// When the refresh token has expired the seller must link the store again: ErrRelink.
func TestRefreshExpiredMeansRelink(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	before, _ := r.keeper.Tokens(ctx)
	r.s.Clock().Advance(200 * 24 * time.Hour) // past the 180-day refresh lifetime
	_, _, err := r.pull(r.c, r.s.Clock().Now().Add(-time.Hour), r.s.Clock().Now())
	if !errors.Is(err, market.ErrRelink) {
		t.Fatalf("err = %v, want ErrRelink", err)
	}
	var me *market.Error
	if !errors.As(err, &me) || me.Code != "IllegalRefreshToken" {
		t.Errorf("the platform's refusal is not kept: %v", err)
	}
	if after, _ := r.keeper.Tokens(ctx); after != before {
		t.Errorf("tokens changed: %+v", after)
	}
	if n := r.count("/orders/get", -1); n != 0 {
		t.Errorf("%d order calls with an expired sign-in", n)
	}

	// When the keeper knows the refresh expiry, no call is made at all.
	before.RefreshExpires = r.s.Clock().Now().Add(-time.Hour)
	if err := r.keeper.SaveTokens(ctx, before); err != nil {
		t.Fatal(err)
	}
	r.s.ResetRequests(domain.Lazada)
	_, _, err = r.pull(r.client(r.cfg), r.s.Clock().Now().Add(-time.Hour), r.s.Clock().Now())
	if !errors.Is(err, market.ErrRelink) {
		t.Fatalf("err = %v, want ErrRelink", err)
	}
	if n := len(r.s.Requests(domain.Lazada)); n != 0 {
		t.Errorf("%d calls with a known-expired refresh token", n)
	}
}

// hasLiveItem: a buyer can only ask to return what was not cancelled.
func (r *rig) hasLiveItem(orderNo string) bool {
	o, _ := r.s.Order(domain.Lazada, r.shop.ID, orderNo)
	return slices.ContainsFunc(o.Items, func(it domain.Item) bool { return !it.Cancelled })
}

// A return request modified inside the window whose order changed again after it: the order
// is not in the window's order list, so the pull reads it with /order/get to report the return.
func TestReturnOfOrderOutsideWindow(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	orders := r.s.Generate(domain.Lazada, r.shop.ID, 40)
	r.s.Clock().Advance(time.Minute)
	cursor := r.s.Clock().Now()
	r.mustPull(cursor.Add(-time.Hour), cursor)

	r.s.Clock().Advance(time.Minute)
	no := ""
	for _, o := range orders {
		if r.hasLiveItem(o.OrderNo) {
			no = o.OrderNo
			break
		}
	}
	r.s.RequestReturn(domain.Lazada, r.shop.ID, no)
	r.s.Clock().Advance(time.Minute)
	to := r.s.Clock().Now()
	r.s.Clock().Advance(time.Minute)
	o, _ := r.s.Order(domain.Lazada, r.shop.ID, no)
	o.SellerNote = "checked by Aina"
	o.UpdatedAt = r.s.Clock().Now() // changed again, after the window
	r.s.PutOrders(domain.Lazada, r.shop.ID, []domain.Order{o})
	if !r.s.Returns(domain.Lazada, r.shop.ID)[no] {
		t.Fatalf("the simulator lost the return of %s", no)
	}

	r.s.ResetRequests(domain.Lazada)
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ServerError, Times: 2, Path: "/order/get"})
	r.mustPull(cursor, to)
	if n := r.count("/order/get", http.StatusOK); n != 1 {
		t.Errorf("%d good /order/get calls, want 1", n)
	}
	got := r.stored()[no]
	if !got.ReturnRequested || got.Tab != domain.TabToReturn {
		t.Errorf("order %s: return %v, tab %v", no, got.ReturnRequested, got.Tab)
	}
	r.mustPull(to, r.s.Clock().Now().Add(time.Second))
	r.same(nil)
}

// Calls racing past the renewal point renew the tokens once.
func TestRefreshIsSingleFlight(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.s.Generate(domain.Lazada, r.shop.ID, 120)
	r.s.Clock().Advance(30*24*time.Hour - 10*time.Minute)
	now := r.s.Clock().Now()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			errs <- r.c.Pull(context.Background(), simStart.Add(-time.Hour), now, func(market.Batch) error { return nil })
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := r.count("/auth/token/refresh", -1); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
}

// Nothing secret reaches the log, even at debug level, through retries and a renewal.
func TestLogCarriesNoSecrets(t *testing.T) {
	r := newRig(t)
	r.s.Generate(domain.Lazada, r.shop.ID, 10)
	r.s.Clock().Advance(time.Minute)
	var buf bytes.Buffer
	cfg := r.cfg
	cfg.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := r.client(cfg)
	before, _ := r.keeper.Tokens(context.Background())
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ServerError, Times: 1, Path: "/orders/get"})
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ExpiredToken, Times: 1, Path: "/orders/items/get"})
	if _, _, err := r.pull(c, simStart.Add(-time.Hour), r.s.Clock().Now()); err != nil {
		t.Fatal(err)
	}
	after, _ := r.keeper.Tokens(context.Background())
	log := buf.String()
	if !strings.Contains(log, "retrying") || !strings.Contains(log, "renew") {
		t.Errorf("the log does not tell the story:\n%s", log)
	}
	for _, secret := range []string{before.Access, before.Refresh, after.Access, after.Refresh, r.app.Secret, "access_token", "sign="} {
		if strings.Contains(log, secret) {
			t.Errorf("the log carries %q", secret)
		}
	}
}
