package lazada

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// Fulfilment against the simulator over loopback, with the orders as the sync stores them in a
// real data file: what the engine would hand the client.

// newOrders adds n orders waiting to be packed (every item pending), edited by edit, syncs them
// and returns them as stored, in order.
func (r *rig) newOrders(n int, edit func(*domain.Order)) []domain.Order {
	r.t.Helper()
	gen := r.s.Generate(domain.Lazada, r.shop.ID, n)
	for i := range gen {
		o := &gen[i]
		if o.PaidAt.IsZero() {
			o.PaidAt = o.CreatedAt
		}
		o.Packages = nil
		o.CancelRequested, o.ReturnRequested = false, false
		for j := range o.Items {
			it := &o.Items[j]
			it.Status, it.PackageID, it.Cancelled, it.CancelReason, it.CancelledBy, it.ReturnStatus =
				domain.LzPending, "", false, "", "", ""
		}
		if edit != nil {
			edit(o)
		}
		o.UpdatedAt = r.s.Clock().Now()
	}
	r.s.PutOrders(domain.Lazada, r.shop.ID, gen)
	stored := r.sync()
	out := make([]domain.Order, len(gen))
	for i, o := range gen {
		s, ok := stored[o.OrderNo]
		if !ok {
			r.t.Fatalf("order %s was not synced", o.OrderNo)
		}
		if tab := domain.DeriveTab(&s, r.s.Clock().Now()); tab != domain.TabNew {
			r.t.Fatalf("order %s is on %s, want New Order", o.OrderNo, tab.Title())
		}
		out[i] = s
	}
	return out
}

// sync moves the clock on and pulls everything since the tests' start into the data file.
func (r *rig) sync() map[string]domain.Order {
	r.t.Helper()
	r.s.Clock().Advance(time.Second)
	r.mustPull(simStart.Add(-92*24*time.Hour), r.s.Clock().Now().Add(time.Second))
	return r.stored()
}

// fresh re-reads orders as stored after a sync, in the order given.
func (r *rig) fresh(orders []domain.Order) []domain.Order {
	r.t.Helper()
	stored := r.sync()
	out := make([]domain.Order, len(orders))
	for i, o := range orders {
		out[i] = stored[o.OrderNo]
	}
	return out
}

// mustSucceed fails the test unless every order was reported, in order, and done.
func mustSucceed(t *testing.T, what string, orders []domain.Order, res []market.ActionResult, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(res) != len(orders) {
		t.Fatalf("%s: %d results for %d orders", what, len(res), len(orders))
	}
	for i, x := range res {
		if x.OrderNo != orders[i].OrderNo {
			t.Errorf("%s: result %d is for %s, want %s", what, i, x.OrderNo, orders[i].OrderNo)
		}
		if x.Err != nil {
			t.Errorf("%s: %s: %v", what, x.OrderNo, x.Err)
		}
	}
}

// reflects checks that Orders reads the orders exactly as the simulator holds them, on the tab
// want, with the action a done.
func (r *rig) reflects(orders []domain.Order, want domain.Tab, a domain.Action) []domain.Order {
	r.t.Helper()
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.PlatformID
	}
	got, err := r.c.Orders(context.Background(), ids)
	if err != nil {
		r.t.Fatalf("Orders: %v", err)
	}
	if len(got) != len(orders) {
		r.t.Fatalf("Orders: %d orders for %d ids", len(got), len(ids))
	}
	now := r.s.Clock().Now()
	for i, g := range got {
		if g.PlatformID != ids[i] {
			r.t.Errorf("Orders: order %d is %s, want %s", i, g.PlatformID, ids[i])
		}
		w, _ := r.s.Order(domain.Lazada, r.shop.ID, g.OrderNo)
		w.Status = "" // the client leaves it to the database (MAPPING.md)
		if d := diffOrder(w, g); len(d) > 0 {
			r.t.Errorf("Orders: %s differs from the simulator:\n  %s", g.OrderNo, strings.Join(d, "\n  "))
		}
		if tab := domain.DeriveTab(&g, now); tab != want {
			r.t.Errorf("Orders: %s is on %s (%q), want %s", g.OrderNo, tab.Title(), domain.LazadaStatuses(g.Items), want.Title())
		}
		if a != "" && !domain.Done(&g, a, now) {
			r.t.Errorf("Orders: %s: %s is not done", g.OrderNo, a)
		}
	}
	return got
}

// fulfilCalls are the logged calls to path with their JSON parameter decoded.
func (r *rig) fulfilCalls(path string) []map[string]any {
	r.t.Helper()
	var out []map[string]any
	for _, q := range r.s.Requests(domain.Lazada) {
		if q.Path != path {
			continue
		}
		if q.Method != http.MethodPost {
			r.t.Errorf("%s sent as %s", path, q.Method)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(q.Params.Get(fulfilParams[path])), &v); err != nil {
			r.t.Errorf("%s: %s is not JSON: %q", path, fulfilParams[path], q.Params.Get(fulfilParams[path]))
		}
		out = append(out, v)
	}
	return out
}

// batchSizes lists how many orders (pack) or packages each call to path carried.
func (r *rig) batchSizes(path string) []int {
	var out []int
	for _, v := range r.fulfilCalls(path) {
		key := "packages"
		if path == pathPack {
			key = "pack_order_list"
		}
		list, _ := v[key].([]any)
		out = append(out, len(list))
	}
	return out
}

// checkFulfilLimits: no fulfilment call carries more than 20 orders or packages.
func (r *rig) checkFulfilLimits() {
	for _, p := range []string{pathPack, pathRTS, pathRepack, pathSOFDelivered} {
		for _, n := range r.batchSizes(p) {
			if n < 1 || n > 20 {
				r.t.Errorf("%s carried %d", p, n)
			}
		}
	}
}

func newFulfilRig(t *testing.T) *rig {
	r := newRig(t)
	t.Cleanup(r.checkFulfilLimits)
	return r
}

// Pack, then To Ship: each moves every order one tab on, as the sync and Orders both see.
func TestSimPackAndReadyToShip(t *testing.T) {
	t.Parallel()
	r := newFulfilRig(t)
	ctx := context.Background()
	orders := r.newOrders(4, nil)
	res, err := r.c.Pack(ctx, orders, market.Shipping{Method: market.DropOff}) // ignored: TFS
	mustSucceed(t, "pack", orders, res, err)

	packed := r.fresh(orders)
	for _, o := range packed {
		if tab := domain.DeriveTab(&o, r.s.Clock().Now()); tab != domain.TabToProcess {
			t.Errorf("%s: on %s after pack, want To Process", o.OrderNo, tab.Title())
		}
		if len(o.Packages) == 0 {
			t.Errorf("%s: no package after pack", o.OrderNo)
		}
		for _, p := range o.Packages {
			if p.ID == "" || p.TrackingNo == "" || p.Provider == "" {
				t.Errorf("%s: package %+v lacks an id, tracking number or provider", o.OrderNo, p)
			}
		}
		for _, it := range o.Items {
			if it.Status != domain.LzPacked || it.PackageID == "" {
				t.Errorf("%s: item %s is %s in package %q after pack", o.OrderNo, it.PlatformItemID, it.Status, it.PackageID)
			}
		}
	}
	r.reflects(orders, domain.TabToProcess, domain.ActPack)
	r.same(nil)

	res, err = r.c.ReadyToShip(ctx, packed)
	mustSucceed(t, "ready to ship", packed, res, err)
	for _, o := range r.fresh(orders) {
		if tab := domain.DeriveTab(&o, r.s.Clock().Now()); tab != domain.TabToShip {
			t.Errorf("%s: on %s after RTS, want To Ship", o.OrderNo, tab.Title())
		}
		for _, it := range o.Items {
			if it.Status != domain.LzReadyToShip {
				t.Errorf("%s: item %s is %s after RTS", o.OrderNo, it.PlatformItemID, it.Status)
			}
		}
	}
	r.reflects(orders, domain.TabToShip, domain.ActToShip)
	r.same(nil)
}

// After an item of a packed order is cancelled, Repack returns the live items to repacked (New
// Order) and their package is gone; they can then be packed again.
func TestSimRepackAfterCancel(t *testing.T) {
	t.Parallel()
	r := newFulfilRig(t)
	ctx := context.Background()
	orders := r.newOrders(2, func(o *domain.Order) { // three units: Lazada lists one item each
		o.Items = o.Items[:1]
		o.Items[0].Qty = 3
	})
	for _, o := range orders {
		if len(o.Items) != 3 {
			t.Fatalf("%s has %d items, want 3", o.OrderNo, len(o.Items))
		}
	}
	res, err := r.c.Pack(ctx, orders, market.Shipping{})
	mustSucceed(t, "pack", orders, res, err)
	packed := r.fresh(orders)

	// The buyer cancels one unit of each order.
	for _, o := range packed {
		so, _ := r.s.Order(domain.Lazada, r.shop.ID, o.OrderNo)
		so.Items[0].Status, so.Items[0].Cancelled, so.Items[0].CancelledBy = domain.LzCanceled, true, "buyer"
		so.UpdatedAt = r.s.Clock().Now()
		r.s.PutOrders(domain.Lazada, r.shop.ID, []domain.Order{so})
	}
	cancelled := r.fresh(orders)
	res, err = r.c.Repack(ctx, cancelled)
	mustSucceed(t, "repack", cancelled, res, err)

	repacked := r.fresh(orders)
	for _, o := range repacked {
		if tab := domain.DeriveTab(&o, r.s.Clock().Now()); tab != domain.TabNew {
			t.Errorf("%s: on %s after repack, want New Order", o.OrderNo, tab.Title())
		}
		for _, it := range o.Items {
			if !it.Cancelled && (it.Status != domain.LzRepacked || it.PackageID != "") {
				t.Errorf("%s: live item %s is %s in package %q after repack", o.OrderNo, it.PlatformItemID, it.Status, it.PackageID)
			}
		}
	}
	r.reflects(orders, domain.TabNew, domain.ActRepack)
	r.same(nil)

	res, err = r.c.Pack(ctx, repacked, market.Shipping{})
	mustSucceed(t, "pack again", repacked, res, err)
	for _, call := range r.fulfilCalls(pathPack)[1:] {
		for _, po := range call["pack_order_list"].([]any) {
			if n := len(po.(map[string]any)["order_item_list"].([]any)); n != 2 {
				t.Errorf("pack again sent %d items, want the 2 live ones", n)
			}
		}
	}
	r.reflects(orders, domain.TabToProcess, domain.ActPack)
}

// A seller-own-fleet order, packed and ready to ship, is marked delivered by the seller.
func TestSimMarkDelivered(t *testing.T) {
	t.Parallel()
	r := newFulfilRig(t)
	ctx := context.Background()
	orders := r.newOrders(2, func(o *domain.Order) {
		o.SelfDelivery, o.ProviderType, o.ShippingType = true, "seller_own_fleet", "Dropshipping"
	})
	for _, o := range orders {
		if !o.SelfDelivery {
			t.Fatalf("%s does not read as seller-own-fleet", o.OrderNo)
		}
	}
	res, err := r.c.Pack(ctx, orders, market.Shipping{})
	mustSucceed(t, "pack", orders, res, err)
	packed := r.fresh(orders)
	res, err = r.c.ReadyToShip(ctx, packed)
	mustSucceed(t, "ready to ship", packed, res, err)
	ready := r.fresh(orders)
	for _, o := range ready {
		if err := domain.CanDo(&o, domain.ActMarkDelivered); err != nil {
			t.Errorf("%s: %v", o.OrderNo, err)
		}
	}
	res, err = r.c.MarkDelivered(ctx, ready)
	mustSucceed(t, "mark delivered", ready, res, err)
	for _, o := range r.fresh(orders) {
		for _, it := range o.Items {
			if it.Status != domain.LzDelivered {
				t.Errorf("%s: item %s is %s after delivered", o.OrderNo, it.PlatformItemID, it.Status)
			}
		}
	}
	r.reflects(orders, domain.TabDelivered, domain.ActMarkDelivered)
	r.same(nil)
}

// Transitions Lazada refuses are reported per order with its code, and change nothing; the other
// orders of the same call go through.
func TestSimRefusedTransitions(t *testing.T) {
	t.Parallel()
	r := newFulfilRig(t)
	ctx := context.Background()
	orders := r.newOrders(3, nil)
	res, err := r.c.Pack(ctx, orders[:1], market.Shipping{})
	mustSucceed(t, "pack", orders[:1], res, err)
	before := r.s.Orders(domain.Lazada, r.shop.ID)

	// Pack again from the copy read before it was packed, with one order never packed.
	res, err = r.c.Pack(ctx, orders[:2], market.Shipping{})
	if err != nil || len(res) != 2 {
		t.Fatalf("pack twice: %v %+v", err, res)
	}
	if code, retry := errCode(res[0].Err); !slices.Contains([]string{"700000", "700026"}, code) || retry {
		t.Errorf("pack of a packed order: %v, want code 700000 or 700026, not retryable", res[0].Err)
	}
	if res[1].Err != nil {
		t.Errorf("the other order: %v", res[1].Err)
	}
	after, _ := r.s.Order(domain.Lazada, r.shop.ID, orders[0].OrderNo)
	if d := diffOrder(before[slices.IndexFunc(before, func(o domain.Order) bool { return o.OrderNo == orders[0].OrderNo })], after); len(d) > 0 {
		t.Errorf("a refused pack changed the order:\n  %s", strings.Join(d, "\n  "))
	}

	// To Ship for an order that is not packed: with the order as stored, the client has no
	// package to send and says so without a call.
	n := len(r.s.Requests(domain.Lazada))
	res, err = r.c.ReadyToShip(ctx, orders[2:3])
	if err != nil || len(res) != 1 || res[0].Err == nil || len(r.s.Requests(domain.Lazada)) != n {
		t.Errorf("RTS of an unpacked order: %v %+v (%d calls)", err, res, len(r.s.Requests(domain.Lazada))-n)
	}
	// With a copy read while it was packed, of an order since repacked, Lazada refuses.
	stale := r.fresh(orders[1:2])
	res, err = r.c.Repack(ctx, stale)
	mustSucceed(t, "repack", stale, res, err)
	repacked := r.fresh(orders[1:2])
	res, err = r.c.ReadyToShip(ctx, stale)
	if err != nil || len(res) != 1 {
		t.Fatalf("RTS of a repacked package: %v %+v", err, res)
	}
	if code, _ := errCode(res[0].Err); code == "" || code == "0" {
		t.Errorf("RTS of a repacked package: %v, want Lazada's refusal with its code", res[0].Err)
	} else {
		t.Logf("RTS of a repacked package: %v", res[0].Err)
	}
	now, _ := r.s.Order(domain.Lazada, r.shop.ID, orders[1].OrderNo)
	if d := diffOrder(now, repacked[0]); len(d) > 0 {
		t.Errorf("a refused RTS changed the order:\n  %s", strings.Join(d, "\n  "))
	}
	r.reflects(orders[1:], domain.TabNew, "")
}

// 45 orders are packed in calls of 20, 20 and 5 orders, and set ready to ship likewise.
func TestSimBatchesOf20(t *testing.T) {
	t.Parallel()
	r := newFulfilRig(t)
	ctx := context.Background()
	orders := r.newOrders(45, func(o *domain.Order) { o.Items = o.Items[:1] })
	r.s.ResetRequests(domain.Lazada)
	res, err := r.c.Pack(ctx, orders, market.Shipping{})
	mustSucceed(t, "pack", orders, res, err)
	if got := fmt.Sprint(r.batchSizes(pathPack)); got != "[20 20 5]" {
		t.Errorf("pack calls carried %s orders, want [20 20 5]", got)
	}
	packed := r.fresh(orders)
	res, err = r.c.ReadyToShip(ctx, packed)
	mustSucceed(t, "ready to ship", packed, res, err)
	if got := fmt.Sprint(r.batchSizes(pathRTS)); got != "[20 20 5]" {
		t.Errorf("RTS calls carried %s packages, want [20 20 5]", got)
	}
	r.reflects(orders, domain.TabToShip, domain.ActToShip)
	if n := r.count("/order/get", -1); n != 45 {
		t.Errorf("%d /order/get calls for 45 orders", n)
	}
}

// A server error is retried and the pack goes through once.
func TestSimFulfilFaultRetried(t *testing.T) {
	t.Parallel()
	r := newFulfilRig(t)
	ctx := context.Background()
	orders := r.newOrders(2, nil)
	r.s.ResetRequests(domain.Lazada)
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ServerError, Times: 1, Path: pathPack})
	res, err := r.c.Pack(ctx, orders, market.Shipping{})
	mustSucceed(t, "pack", orders, res, err)
	if bad, good := r.count(pathPack, http.StatusInternalServerError), r.count(pathPack, http.StatusOK); bad != 1 || good != 1 {
		t.Errorf("pack calls: %d failed, %d answered, want 1 and 1", bad, good)
	}
	r.reflects(orders, domain.TabToProcess, domain.ActPack)

	packed := r.fresh(orders)
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.TooManyRequests, Times: 2, Path: pathRTS})
	res, err = r.c.ReadyToShip(ctx, packed)
	mustSucceed(t, "ready to ship", packed, res, err)
	r.reflects(orders, domain.TabToShip, domain.ActToShip)
}

// Orders reads each order once by id, its items 50 orders a call, exactly as the sync builds them.
func TestSimOrdersByID(t *testing.T) {
	t.Parallel()
	r := newFulfilRig(t)
	orders := r.newOrders(60, nil)
	r.s.ResetRequests(domain.Lazada)
	got := r.reflects(orders, domain.TabNew, "")
	for i, o := range got {
		if len(o.Items) != len(orders[i].Items) {
			t.Errorf("%s: %d items, want %d", o.OrderNo, len(o.Items), len(orders[i].Items))
		}
	}
	if n, m := r.count("/order/get", -1), r.count("/orders/items/get", -1); n != 60 || m != 2 {
		t.Errorf("%d /order/get and %d /orders/items/get calls for 60 orders, want 60 and 2", n, m)
	}
	again, err := r.c.Orders(context.Background(), []string{orders[0].PlatformID, orders[0].PlatformID})
	if err != nil || len(again) != 1 {
		t.Errorf("a repeated id: %d orders, %v", len(again), err)
	}
	if _, err := r.c.Orders(context.Background(), []string{"999999999"}); err == nil {
		t.Error("an unknown order id read without error")
	} else {
		t.Logf("unknown id: %v", err)
	}
}
