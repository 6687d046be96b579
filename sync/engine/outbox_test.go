package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// onTab lists a store's order ids on a tab.
func (w *world) onTab(t *testing.T, p domain.Platform, tab domain.Tab) []int64 {
	t.Helper()
	ids, err := w.d.OrderIDs(ctx, domain.OrderQuery{Tab: tab, StoreIDs: []int64{w.stores[p].ID}})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// act submits an action and sends it to the end.
func (w *world) act(t *testing.T, e *Engine, a domain.Action, ids []int64, ship domain.Shipping) (db.Progress, []db.Refusal) {
	t.Helper()
	job, refused, err := e.Submit(ctx, a, ids, ship)
	if err != nil {
		t.Fatal(err)
	}
	if job == 0 {
		return db.Progress{}, refused
	}
	p, err := e.WaitJob(ctx, job, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p, refused
}

// synced world: one shop per platform with orders, pulled into the file, shipping chosen.
func syncedWorld(t *testing.T, n int) (*world, *Engine) {
	t.Helper()
	w := newWorld(t, n)
	for _, p := range domain.Platforms {
		w.sim.AddHistory(p, w.shops[p].ID, 3*n)
	}
	// TikTok holds a paid order for its first hour, and the fresh orders were all placed just
	// now: these tests act at once, so let the hour have passed (how many orders the history
	// leaves on hold depends on the time of day the test runs).
	var released []domain.Order
	for _, o := range w.sim.Orders(domain.TikTok, w.shops[domain.TikTok].ID) {
		if o.Status == domain.TtOnHold {
			o.Status, o.UpdatedAt = domain.TtAwaitingShipment, time.Now()
			released = append(released, o)
		}
	}
	w.sim.PutOrders(domain.TikTok, w.shops[domain.TikTok].ID, released)
	settle()
	e := w.engine(Options{})
	if err := e.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []domain.Platform{domain.Shopee, domain.TikTok} {
		if err := w.d.SetStoreShipping(ctx, w.stores[p].ID, domain.Shipping{Method: domain.Pickup}); err != nil {
			t.Fatal(err)
		}
	}
	return w, e
}

func TestPackThenToShipOnEveryPlatform(t *testing.T) {
	w, e := syncedWorld(t, 60)
	for _, p := range domain.Platforms {
		newOrders := w.onTab(t, p, domain.TabNew)
		var packable []int64
		for _, id := range newOrders {
			o, _ := w.d.Order(ctx, id)
			if domain.CanDo(&o, domain.ActPack) == nil {
				packable = append(packable, id)
			}
		}
		if len(packable) < 2 {
			t.Fatalf("%s: only %d orders to pack", p, len(packable))
		}
		prog, refused := w.act(t, e, domain.ActPack, packable, domain.Shipping{})
		if prog.Done != len(packable) || prog.Failed != 0 || len(refused) != 0 {
			t.Fatalf("%s pack: %+v refused %v", p, prog, refused)
		}
		for _, id := range packable {
			o, _ := w.d.Order(ctx, id)
			// Many at once: the effect shows now, the packages come with the next sync.
			if o.Tab != domain.TabToProcess || o.PendingAction != "" {
				t.Errorf("%s %s after pack: tab %s, action %q", p, o.OrderNo, o.Tab.Title(), o.PendingAction)
			}
			truth, _ := w.sim.Order(p, w.shops[p].ID, o.OrderNo)
			if !domain.Done(&truth, domain.ActPack, time.Now()) {
				t.Errorf("%s %s: the platform does not show it packed (%s)", p, o.OrderNo, truth.Status)
			}
		}
		prog, _ = w.act(t, e, domain.ActToShip, packable, domain.Shipping{})
		if prog.Done != len(packable) {
			t.Fatalf("%s to ship: %+v", p, prog)
		}
		for _, id := range packable {
			if o, _ := w.d.Order(ctx, id); o.Tab != domain.TabToShip {
				t.Errorf("%s %s after To Ship: %s", p, o.OrderNo, o.Tab.Title())
			}
		}
		// The next sync keeps them there: Kedai's stage and the platform agree.
		time.Sleep(testLag)
		e.RunOnce(ctx)
		for _, id := range packable {
			if o, _ := w.d.Order(ctx, id); o.Tab != domain.TabToShip || len(o.Packages) == 0 || o.Packages[0].TrackingNo == "" {
				t.Errorf("%s %s after a sync: %s, packages %+v", p, o.OrderNo, o.Tab.Title(), o.Packages)
			}
		}
	}
}

func TestRefusedActionsChangeNothing(t *testing.T) {
	w, e := syncedWorld(t, 40)
	completed := w.onTab(t, domain.Shopee, domain.TabCompleted)
	if len(completed) == 0 {
		t.Fatal("no completed Shopee order")
	}
	before := len(w.sim.Requests(domain.Shopee))
	for _, a := range []domain.Action{domain.ActPack, domain.ActToShip, domain.ActRepack, domain.ActMarkDelivered} {
		job, refused, err := e.Submit(ctx, a, completed, domain.Shipping{})
		if err != nil || job != 0 || len(refused) != len(completed) {
			t.Fatalf("%s on completed orders: job %d, %d refused, %v", a, job, len(refused), err)
		}
		if !strings.Contains(refused[0].Reason, a.Title()) {
			t.Errorf("%s refusal: %q", a, refused[0].Reason)
		}
	}
	if after := len(w.sim.Requests(domain.Shopee)); after != before {
		t.Errorf("refused actions reached the platform: %d calls", after-before)
	}
	// Repack is Lazada's alone, even on To Process.
	news := w.onTab(t, domain.Shopee, domain.TabNew)
	if len(news) > 0 {
		w.act(t, e, domain.ActPack, news[:1], domain.Shipping{})
		_, refused, _ := e.Submit(ctx, domain.ActRepack, news[:1], domain.Shipping{})
		if len(refused) != 1 || !strings.Contains(refused[0].Reason, "Lazada") {
			t.Errorf("Shopee repack: %v", refused)
		}
	}
}

func TestPartialLazadaBatchIsReportedPerOrder(t *testing.T) {
	w, e := syncedWorld(t, 80)
	news := w.onTab(t, domain.Lazada, domain.TabNew)
	var ids []int64
	for _, id := range news {
		o, _ := w.d.Order(ctx, id)
		if domain.CanDo(&o, domain.ActPack) == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) < 3 {
		t.Fatalf("%d Lazada orders to pack", len(ids))
	}
	bad, _ := w.d.Order(ctx, ids[1])
	w.sim.Refuse(domain.Lazada, w.shops[domain.Lazada].ID, bad.OrderNo, "700026", "Item not allowed to pack", 1)
	prog, _ := w.act(t, e, domain.ActPack, ids, domain.Shipping{})
	if prog.Failed != 1 || prog.Done != len(ids)-1 {
		t.Fatalf("progress %+v", prog)
	}
	if r := prog.Results[0]; r.OrderNo != bad.OrderNo || r.State != db.Failed || !strings.Contains(r.Message, "700026") {
		t.Errorf("failure reported as %+v", r)
	}
	after, _ := w.d.Order(ctx, bad.ID)
	if after.Tab != domain.TabNew || !strings.HasPrefix(after.ActionError, "Pack failed: ") {
		t.Errorf("the refused order: tab %s, error %q", after.Tab.Title(), after.ActionError)
	}
	// Tried again, it goes through.
	prog, _ = w.act(t, e, domain.ActPack, []int64{bad.ID}, domain.Shipping{})
	if prog.Done != 1 {
		t.Errorf("retry: %+v", prog)
	}
}

// A send that was begun (the platform packed the order) but not recorded (a crash) is not sent
// again: the engine reads the platform first.
func TestResendChecksThePlatformFirst(t *testing.T) {
	w, e := syncedWorld(t, 60)
	p := domain.Shopee
	news := w.onTab(t, p, domain.TabNew)
	id := news[0]
	if _, _, err := e.Submit(ctx, domain.ActPack, []int64{id}, domain.Shipping{}); err != nil {
		t.Fatal(err)
	}
	claimed, err := w.d.Claim(ctx, w.stores[p].ID, 10, time.Now())
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	// The send reaches the platform; then the process dies before recording it.
	ship := domain.Shipping{Method: domain.Pickup}
	if res, err := e.fulfiller(t, w.stores[p].ID).Pack(ctx, []domain.Order{claimed[0].Order}, ship); err != nil || res[0].Err != nil {
		t.Fatalf("the first send: %v %v", res, err)
	}
	w.sim.ResetRequests(p)
	if err := e.DrainOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range w.sim.Requests(p) {
		if strings.Contains(r.Path, "ship_order") {
			t.Fatalf("the order was shipped twice: %s", r.Path)
		}
	}
	o, _ := w.d.Order(ctx, id)
	if o.Tab != domain.TabToProcess || o.PendingAction != "" {
		t.Errorf("after the checked resend: tab %s action %q", o.Tab.Title(), o.PendingAction)
	}
}

func TestLazadaRepackAndOwnFleetDelivery(t *testing.T) {
	w, e := syncedWorld(t, 120)
	p := domain.Lazada
	// Pack a multi-item order, cancel one of its items at the platform, then repack.
	var multi domain.Order
	for _, id := range w.onTab(t, p, domain.TabNew) {
		o, _ := w.d.Order(ctx, id)
		if len(o.Items) >= 2 && domain.CanDo(&o, domain.ActPack) == nil {
			multi = o
			break
		}
	}
	if multi.ID == 0 {
		t.Fatal("no multi-item Lazada order to repack")
	}
	if prog, _ := w.act(t, e, domain.ActPack, []int64{multi.ID}, domain.Shipping{}); prog.Done != 1 {
		t.Fatalf("pack: %+v", prog)
	}
	truth, _ := w.sim.Order(p, w.shops[p].ID, multi.OrderNo)
	truth.Items[0].Status, truth.Items[0].Cancelled = domain.LzCanceled, true
	truth.Items[0].CancelReason, truth.Items[0].CancelledBy = "Out of Stock", "seller"
	truth.UpdatedAt = time.Now()
	w.sim.PutOrders(p, w.shops[p].ID, []domain.Order{truth})
	settle()
	e.RunOnce(ctx)
	if prog, _ := w.act(t, e, domain.ActRepack, []int64{multi.ID}, domain.Shipping{}); prog.Done != 1 {
		t.Fatalf("repack: %+v", prog)
	}
	o, _ := w.d.Order(ctx, multi.ID)
	if o.Tab != domain.TabNew || !strings.Contains(o.Status, domain.LzRepacked) {
		t.Errorf("after repack: %s %q", o.Tab.Title(), o.Status)
	}
	// Mark as Delivered is for the seller's own fleet only: a courier's order is refused, an
	// own-fleet one (made so at the platform) goes through.
	var courier domain.Order
	for _, id := range w.onTab(t, p, domain.TabShipped) {
		if o, _ := w.d.Order(ctx, id); !o.SelfDelivery {
			courier = o
			break
		}
	}
	if courier.ID == 0 {
		t.Fatal("no shipped Lazada order of a courier")
	}
	if _, refused, _ := e.Submit(ctx, domain.ActMarkDelivered, []int64{courier.ID}, domain.Shipping{}); len(refused) != 1 ||
		!strings.Contains(refused[0].Reason, "own fleet") {
		t.Errorf("a courier's order marked delivered: %v", refused)
	}
	fleet, _ := w.sim.Order(p, w.shops[p].ID, courier.OrderNo)
	fleet.ProviderType, fleet.SelfDelivery, fleet.UpdatedAt = "seller_own_fleet", true, time.Now()
	w.sim.PutOrders(p, w.shops[p].ID, []domain.Order{fleet})
	settle()
	e.RunOnce(ctx)
	if prog, _ := w.act(t, e, domain.ActMarkDelivered, []int64{courier.ID}, domain.Shipping{}); prog.Done != 1 {
		t.Fatalf("deliver: %+v", prog)
	}
	if o, _ := w.d.Order(ctx, courier.ID); o.Tab != domain.TabDelivered {
		t.Errorf("after Mark as Delivered: %s", o.Tab.Title())
	}
}

// fulfiller is the store's client as the engine makes it, for sending directly in a test.
func (e *Engine) fulfiller(t *testing.T, storeID int64) market.Fulfiller {
	t.Helper()
	c, err := e.Client(ctx, storeID)
	if err != nil {
		t.Fatal(err)
	}
	return c.(market.Fulfiller)
}

func TestPackWithoutAShippingChoiceSaysSo(t *testing.T) {
	w := newWorld(t, 30)
	w.sim.AddHistory(domain.TikTok, w.shops[domain.TikTok].ID, 100)
	settle()
	e := w.engine(Options{})
	e.RunOnce(ctx)
	news := w.onTab(t, domain.TikTok, domain.TabNew)
	var ids []int64
	for _, id := range news {
		o, _ := w.d.Order(ctx, id)
		if domain.CanDo(&o, domain.ActPack) == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Fatalf("no TikTok order to pack among %d on New Order", len(news))
	}
	prog, _ := w.act(t, e, domain.ActPack, ids[:1], domain.Shipping{})
	if prog.Failed != 1 || !strings.Contains(prog.Results[0].Message, "no usual way of shipping") {
		t.Errorf("progress %+v", prog)
	}
}
