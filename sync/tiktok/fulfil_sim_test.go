package tiktok

import (
	"errors"
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

// Fulfilment against the simulator over loopback, with the shop's tokens and the synced orders in
// a real data file.

// readyEnv is a shop with n paid orders past their hold, synced into the data file.
func readyEnv(t *testing.T, n int) *env {
	t.Helper()
	e := newEnv(t, 30*time.Second)
	e.s.Generate(domain.TikTok, e.shop.ID, n)
	e.s.SetRates(sim.Rates{Pay: 1})
	e.s.Clock().Advance(time.Minute)
	e.s.Step() // every unpaid order is paid (and held for an hour)
	e.s.SetRates(sim.Rates{})
	e.s.Clock().Advance(2 * time.Hour)
	e.s.Step() // the holds end
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	e.compare()
	return e
}

// awaiting is the stored orders awaiting shipment, by number.
func (e *env) awaiting() []domain.Order {
	e.t.Helper()
	var out []domain.Order
	for _, o := range e.stored() {
		if o.Status == domain.TtAwaitingShipment && !o.CancelRequested {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b domain.Order) int { return strings.Compare(a.OrderNo, b.OrderNo) })
	if len(out) == 0 {
		e.t.Fatalf("no order awaits shipment")
	}
	return out
}

// simSlots is the simulator's available pickup slots of a package, earliest first.
func (e *env) simSlots(pkgID string) []sim.PickupSlot {
	e.t.Helper()
	var out []sim.PickupSlot
	for _, p := range e.s.Pickups(domain.TikTok, e.shop.ID, pkgID) {
		for _, s := range p.Slots {
			if s.Available {
				out = append(out, s)
			}
		}
	}
	slices.SortFunc(out, func(a, b sim.PickupSlot) int { return a.Start.Compare(b.Start) })
	return out
}

// shipCalls is the logged ship calls, by package id.
func (e *env) shipCalls() map[string][]sim.Request {
	out := map[string][]sim.Request{}
	for _, r := range e.s.Requests(domain.TikTok) {
		if strings.HasPrefix(r.Path, "/fulfillment/202309/packages/") && strings.HasSuffix(r.Path, "/ship") {
			id := strings.TrimSuffix(strings.TrimPrefix(r.Path, "/fulfillment/202309/packages/"), "/ship")
			out[id] = append(out[id], r)
		}
	}
	return out
}

// simOrder is the simulator's copy of an order.
func (e *env) simOrder(no string) domain.Order {
	e.t.Helper()
	o, ok := e.s.Order(domain.TikTok, e.shop.ID, no)
	if !ok {
		e.t.Fatalf("the simulator has no order %s", no)
	}
	return o
}

// pack packs orders and fails the test on an error of the whole call.
func (e *env) pack(orders []domain.Order, ship market.Shipping) map[string]error {
	e.t.Helper()
	res, err := e.c.Pack(e.ctx, orders, ship)
	if err != nil {
		e.t.Fatalf("Pack: %v", err)
	}
	if len(res) != len(orders) {
		e.t.Fatalf("%d results for %d orders", len(res), len(orders))
	}
	out := map[string]error{}
	for i, r := range res {
		if r.OrderNo != orders[i].OrderNo {
			e.t.Fatalf("result %d is for %s, not %s", i, r.OrderNo, orders[i].OrderNo)
		}
		out[r.OrderNo] = r.Err
	}
	return out
}

// wantShipped checks, after a sync, that the order is shipped as Pack leaves it: TikTok status
// AWAITING_COLLECTION, on To Process, every package with a tracking number.
func (e *env) wantShipped(no string) domain.Order {
	e.t.Helper()
	o, ok := e.stored()[no]
	if !ok {
		e.t.Fatalf("order %s not stored", no)
	}
	if o.Status != domain.TtAwaitingCollection || o.Tab != domain.TabToProcess {
		e.t.Errorf("order %s: status %s on %s, want AWAITING_COLLECTION on To Process", no, o.Status, o.Tab.Title())
	}
	if len(o.Packages) == 0 {
		e.t.Errorf("order %s has no package", no)
	}
	for _, p := range o.Packages {
		if p.TrackingNo == "" {
			e.t.Errorf("order %s: package %s has no tracking number", no, p.ID)
		}
	}
	return o
}

// wantCode checks a per-order failure: a *market.Error with TikTok's code, not retryable.
func wantCode(t *testing.T, no string, err error, code string) {
	t.Helper()
	var me *market.Error
	if !errors.As(err, &me) {
		t.Errorf("order %s: %v, want TikTok's refusal %s", no, err, code)
		return
	}
	if me.Platform != domain.TikTok || me.Code != code || me.Retryable || me.Message == "" {
		t.Errorf("order %s: %+v, want code %s, not retryable, with TikTok's message", no, me, code)
	}
}

func TestSimShippingChoices(t *testing.T) {
	e := readyEnv(t, 6)
	o := e.awaiting()[0]
	ch, err := e.c.ShippingChoices(e.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	want := e.simSlots(o.Packages[0].ID)
	if len(want) == 0 {
		t.Fatalf("the simulator offers no slot for package %s", o.Packages[0].ID)
	}
	if len(ch.Slots) != len(want) {
		t.Fatalf("%d slots, the simulator offers %d", len(ch.Slots), len(want))
	}
	for i, s := range ch.Slots {
		if !s.Start.Equal(want[i].Start) || !s.End.Equal(want[i].End) || s.Label == "" {
			t.Errorf("slot %d: %v-%v %q, want %v-%v", i, s.Start, s.End, s.Label, want[i].Start, want[i].End)
		}
	}
	if !slices.Contains(ch.Methods, market.Pickup) {
		t.Errorf("methods %v: pickup missing though slots are offered", ch.Methods)
	}
	t.Logf("methods %v, %d slots, first %s", ch.Methods, len(ch.Slots), ch.Slots[0].Label)
	if n := e.requests(packagePath(pathHandoverSlots, o.Packages[0].ID)); n != 1 {
		t.Errorf("%d handover_time_slots calls, want 1", n)
	}
}

// Pickup with no slot chosen ships at the earliest available slot; Orders shows the change.
func TestSimPackPickupEarliestSlot(t *testing.T) {
	e := readyEnv(t, 6)
	o := e.awaiting()[0]
	before, err := e.c.Orders(e.ctx, []string{o.PlatformID})
	if err != nil || len(before) != 1 || domain.Done(&before[0], domain.ActPack, e.now()) {
		t.Fatalf("before packing: %v %+v", err, before)
	}
	earliest := e.simSlots(o.Packages[0].ID)[0]
	errs := e.pack([]domain.Order{o}, market.Shipping{Method: market.Pickup})
	if errs[o.OrderNo] != nil {
		t.Fatalf("pack: %v", errs[o.OrderNo])
	}
	calls := e.shipCalls()[o.Packages[0].ID]
	if len(calls) != 1 {
		t.Fatalf("%d ship calls for package %s", len(calls), o.Packages[0].ID)
	}
	p := calls[0].Params
	wantSlot := fmt.Sprintf(`{"start_time":%d,"end_time":%d}`, earliest.Start.Unix(), earliest.End.Unix())
	if p.Get("handover_method") != "PICKUP" || p.Get("pickup_slot") != wantSlot {
		t.Errorf("ship call %v, want PICKUP at %s", p, wantSlot)
	}
	after, err := e.c.Orders(e.ctx, []string{o.PlatformID})
	if err != nil || len(after) != 1 || after[0].Status != domain.TtAwaitingCollection || !domain.Done(&after[0], domain.ActPack, e.now()) {
		t.Errorf("Orders after packing: %v %+v", err, after)
	}
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	e.wantShipped(o.OrderNo)
	e.compare()
	e.checkLimits()
}

func TestSimPackDropOff(t *testing.T) {
	e := readyEnv(t, 6)
	orders := e.awaiting()[:2]
	errs := e.pack(orders, market.Shipping{Method: market.DropOff})
	for _, o := range orders {
		if errs[o.OrderNo] != nil {
			t.Fatalf("pack %s: %v", o.OrderNo, errs[o.OrderNo])
		}
		for _, r := range e.shipCalls()[o.Packages[0].ID] {
			if r.Params.Get("handover_method") != "DROP_OFF" || r.Params.Has("pickup_slot") {
				t.Errorf("ship call %v", r.Params)
			}
		}
	}
	if n := e.requests(packagePath(pathHandoverSlots, orders[0].Packages[0].ID)); n != 0 {
		t.Errorf("drop-off asked for pickup slots")
	}
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	for _, o := range orders {
		e.wantShipped(o.OrderNo)
	}
	e.compare()
}

// A chosen slot that TikTok does not offer is refused, and nothing changes.
func TestSimPackOutsideSlot(t *testing.T) {
	e := readyEnv(t, 6)
	o := e.awaiting()[0]
	slots := e.simSlots(o.Packages[0].ID)
	last := slots[len(slots)-1]
	start := last.End.Add(30 * 24 * time.Hour)
	before := e.simOrder(o.OrderNo)
	errs := e.pack([]domain.Order{o}, market.Shipping{Method: market.Pickup, PickupStart: start, PickupEnd: start.Add(2 * time.Hour)})
	wantCode(t, o.OrderNo, errs[o.OrderNo], "21011053")
	t.Logf("outside the slots: %v", errs[o.OrderNo])
	if after := e.simOrder(o.OrderNo); after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("the refused order changed: %s %v -> %s %v", before.Status, before.UpdatedAt, after.Status, after.UpdatedAt)
	}
	// The offered slot itself is taken.
	errs = e.pack([]domain.Order{o}, market.Shipping{Method: market.Pickup, PickupStart: last.Start, PickupEnd: last.End})
	if errs[o.OrderNo] != nil {
		t.Fatalf("an offered slot: %v", errs[o.OrderNo])
	}
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	e.wantShipped(o.OrderNo)
}

// Packing an order again is refused for that order (already shipped) and changes nothing.
func TestSimPackAlreadyShipped(t *testing.T) {
	e := readyEnv(t, 6)
	orders := e.awaiting()[:2]
	if errs := e.pack(orders[:1], market.Shipping{Method: market.DropOff}); errs[orders[0].OrderNo] != nil {
		t.Fatal(errs[orders[0].OrderNo])
	}
	e.s.Clock().Advance(time.Second)
	shipped := e.simOrder(orders[0].OrderNo)
	// Again, with the stale copy, beside an order not yet shipped.
	errs := e.pack(orders, market.Shipping{Method: market.DropOff})
	wantCode(t, orders[0].OrderNo, errs[orders[0].OrderNo], "21011040")
	t.Logf("packed twice: %v", errs[orders[0].OrderNo])
	if errs[orders[1].OrderNo] != nil {
		t.Errorf("the other order: %v", errs[orders[1].OrderNo])
	}
	if again := e.simOrder(orders[0].OrderNo); again.Status != shipped.Status || !again.UpdatedAt.Equal(shipped.UpdatedAt) ||
		fmt.Sprint(again.Packages) != fmt.Sprint(shipped.Packages) {
		t.Errorf("the shipped order changed: %+v -> %+v", shipped.Packages, again.Packages)
	}
	// And with the synced copy, which shows the package shipped.
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	synced := e.wantShipped(orders[0].OrderNo)
	errs = e.pack([]domain.Order{synced}, market.Shipping{Method: market.DropOff})
	wantCode(t, synced.OrderNo, errs[synced.OrderNo], "21011040")
	e.compare()
}

// A refusal of one order of several fails that order only, with TikTok's code and message.
func TestSimPackRefusedOrder(t *testing.T) {
	e := readyEnv(t, 9)
	orders := e.awaiting()[:3]
	refused := orders[1]
	e.s.Refuse(domain.TikTok, e.shop.ID, refused.OrderNo, "21008044", "The order has an after-sale request", 1)
	before := e.simOrder(refused.OrderNo)
	errs := e.pack(orders, market.Shipping{Method: market.Pickup})
	wantCode(t, refused.OrderNo, errs[refused.OrderNo], "21008044")
	if err := errs[refused.OrderNo]; err != nil && !strings.Contains(err.Error(), "after-sale request") {
		t.Errorf("TikTok's message is lost: %v", err)
	}
	if after := e.simOrder(refused.OrderNo); after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("the refused order changed")
	}
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	for _, o := range orders {
		if o.OrderNo == refused.OrderNo {
			if st := e.stored()[o.OrderNo]; st.Status != domain.TtAwaitingShipment || st.Tab != domain.TabNew {
				t.Errorf("refused order %s: %s on %s", o.OrderNo, st.Status, st.Tab.Title())
			}
			continue
		}
		if errs[o.OrderNo] != nil {
			t.Errorf("order %s: %v", o.OrderNo, errs[o.OrderNo])
		}
		e.wantShipped(o.OrderNo)
	}
	// The refusal was for one call: the order packs now.
	if errs := e.pack([]domain.Order{refused}, market.Shipping{Method: market.Pickup}); errs[refused.OrderNo] != nil {
		t.Errorf("after the refusal: %v", errs[refused.OrderNo])
	}
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	e.compare()
}

// An order in two packages has both shipped.
func TestSimPackMultiPackage(t *testing.T) {
	e := readyEnv(t, 12)
	var o domain.Order
	for _, c := range e.awaiting() {
		if len(c.Packages) > 1 {
			o = c
			break
		}
	}
	if o.OrderNo == "" {
		// None generated: split one of several units into two packages.
		for _, c := range e.awaiting() {
			if len(c.Items) > 1 && len(c.Packages) == 1 {
				so := e.simOrder(c.OrderNo)
				second := so.Packages[0].ID + "2"
				so.Packages = append(so.Packages, domain.Package{ID: second, Status: so.Packages[0].Status})
				so.Items[len(so.Items)-1].PackageID = second
				so.UpdatedAt = e.s.Clock().Now()
				e.s.PutOrders(domain.TikTok, e.shop.ID, []domain.Order{so})
				if got := e.simOrder(c.OrderNo); len(got.Packages) != 2 {
					t.Fatalf("the simulator did not keep two packages: %+v", got.Packages)
				}
				o = c
				break
			}
		}
		if o.OrderNo == "" {
			t.Fatalf("no order of several units")
		}
		e.s.Clock().Advance(time.Second)
		e.syncToNow()
		o = e.stored()[o.OrderNo]
	}
	if len(o.Packages) < 2 {
		t.Fatalf("order %s has %d packages", o.OrderNo, len(o.Packages))
	}
	errs := e.pack([]domain.Order{o}, market.Shipping{Method: market.Pickup})
	if errs[o.OrderNo] != nil {
		t.Fatal(errs[o.OrderNo])
	}
	calls := e.shipCalls()
	for _, p := range o.Packages {
		if len(calls[p.ID]) != 1 {
			t.Errorf("package %s: %d ship calls", p.ID, len(calls[p.ID]))
		}
	}
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	got := e.wantShipped(o.OrderNo)
	if len(got.Packages) != len(o.Packages) {
		t.Errorf("%d packages after shipping, %d before", len(got.Packages), len(o.Packages))
	}
	e.compare()
}

// Orders reads many orders, in calls of at most 50 ids.
func TestSimOrdersByID(t *testing.T) {
	e := newEnv(t, 30*time.Second)
	made := e.s.Generate(domain.TikTok, e.shop.ID, 120)
	var ids []string
	for _, o := range made {
		ids = append(ids, o.OrderNo)
	}
	got, err := e.c.Orders(e.ctx, append(ids, "999999999999999999"))
	if err != nil || len(got) != len(made) {
		t.Fatalf("%d of %d orders: %v", len(got), len(made), err)
	}
	for _, o := range got {
		if w := e.simOrder(o.OrderNo); o.Status != w.Status || len(o.Items) != w.UnitCount()+cancelledUnits(w) {
			t.Errorf("order %s: %s with %d lines, the simulator has %s", o.OrderNo, o.Status, len(o.Items), w.Status)
		}
	}
	if n := e.requests(pathOrderDetail); n != 3 {
		t.Errorf("%d calls for 121 ids", n)
	}
	e.checkLimits()
}

func cancelledUnits(o domain.Order) int {
	n := 0
	for _, it := range o.Items {
		if it.Cancelled {
			n += it.Qty
		}
	}
	return n
}

// To Ship, Repack and Mark as Delivered have no TikTok call: each order is told so, nothing is sent.
func TestSimActionsWithoutCalls(t *testing.T) {
	e := readyEnv(t, 4)
	orders := e.awaiting()
	e.s.ResetRequests(domain.TikTok)
	for name, act := range map[string]func() ([]market.ActionResult, error){
		"ReadyToShip":   func() ([]market.ActionResult, error) { return e.c.ReadyToShip(e.ctx, orders) },
		"Repack":        func() ([]market.ActionResult, error) { return e.c.Repack(e.ctx, orders) },
		"MarkDelivered": func() ([]market.ActionResult, error) { return e.c.MarkDelivered(e.ctx, orders) },
	} {
		res, err := act()
		if err != nil || len(res) != len(orders) {
			t.Fatalf("%s: %v, %d results", name, err, len(res))
		}
		for i, r := range res {
			if r.OrderNo != orders[i].OrderNo || r.Err == nil || !strings.Contains(r.Err.Error(), "no such action") || market.Retryable(r.Err) {
				t.Errorf("%s: %+v", name, r)
			}
		}
		t.Logf("%s: %v", name, res[0].Err)
	}
	if reqs := e.s.Requests(domain.TikTok); len(reqs) != 0 {
		t.Errorf("%d requests sent, e.g. %s", len(reqs), reqs[0].Path)
	}
}

// Faults on the fulfilment calls are retried: each order is shipped once.
func TestSimPackSurvivesFaults(t *testing.T) {
	for _, kind := range []sim.FaultKind{sim.TooManyRequests, sim.ServerError, sim.Unavailable, sim.Timeout, sim.Malformed, sim.ExpiredToken} {
		t.Run(kind.String(), func(t *testing.T) {
			e := readyEnv(t, 6)
			c := e.c
			if kind == sim.Timeout {
				cfg := e.cfg
				cfg.HTTP = &http.Client{Timeout: time.Second, Transport: e.trace}
				var err error
				if c, err = New(cfg); err != nil {
					t.Fatal(err)
				}
			}
			orders := e.awaiting()[:2]
			e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: 1, Path: "/handover_time_slots"})
			e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: 1, Path: "/ship"})
			res, err := c.Pack(e.ctx, orders, market.Shipping{Method: market.Pickup})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					t.Errorf("order %s: %v", r.OrderNo, r.Err)
				}
			}
			e.s.Clock().Advance(time.Second)
			e.syncToNow()
			for _, o := range orders {
				e.wantShipped(o.OrderNo)
			}
			e.compare()
		})
	}
}
