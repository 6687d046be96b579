package tiktok

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// Unit tests of the fulfilment calls against a canned server that checks each request's
// signature over the raw body; behaviour against the simulator is in fulfil_sim_test.go.

// fakeCall is one request the canned server saw.
type fakeCall struct {
	method, path string
	body         string
}

// fakeFulfil answers handover_time_slots and ship for a few packages.
type fakeFulfil struct {
	t       *testing.T
	mu      sync.Mutex
	calls   []fakeCall
	slots   string         // the data of every handover_time_slots answer
	refuse  map[string]int // package id -> the code its ship call answers
	shipped map[string]bool
	drop    map[string]int // package id -> ship attempts to carry out and then answer with a dropped connection
}

func newFake(t *testing.T) *fakeFulfil {
	return &fakeFulfil{t: t, refuse: map[string]int{}, shipped: map[string]bool{}, drop: map[string]int{},
		slots: `{"can_pickup":true,"can_drop_off":true,"can_van_collection":false,"drop_off_point_url":"https://x.test/points",
			"pickup_slots":[{"start_time":1763712000,"end_time":1763726400,"avaliable":true},
			{"start_time":1763625600,"end_time":1763640000,"avaliable":false},
			{"start_time":1763654400,"end_time":1763668800,"available":"true"},
			{"start_time":1763640000,"end_time":1763654400}]}`}
}

func (f *fakeFulfil) handler(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	q := r.URL.Query()
	want := sign("e59af819cc", r.URL.Path, q, raw)
	if q.Get("sign") != want || q.Get("shop_cipher") != "ROW_abc" || r.Header.Get("x-tts-access-token") != "ROW_access" {
		f.t.Errorf("%s %s: bad signature, cipher or token", r.Method, r.URL.Path)
		w.Write([]byte(`{"code":106001,"message":"Invalid sign"}`))
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{r.Method, r.URL.Path, string(raw)})
	f.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) == 5 && parts[4] == "handover_time_slots":
		w.Write([]byte(`{"code":0,"message":"Success","request_id":"1","data":` + f.slots + `}`))
	case r.Method == http.MethodPost && len(parts) == 5 && parts[4] == "ship":
		id := parts[3]
		f.mu.Lock()
		code, drop, already := f.refuse[id], f.drop[id], f.shipped[id]
		if code == 0 && !already {
			f.shipped[id] = true
		}
		if drop > 0 {
			f.drop[id]--
		}
		f.mu.Unlock()
		switch {
		case drop > 0:
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
		case code != 0:
			fmt.Fprintf(w, `{"code":%d,"message":"refused %d","request_id":"2"}`, code, code)
		case already:
			w.Write([]byte(`{"code":21011040,"message":"The package has been shipped","request_id":"3"}`))
		default:
			w.Write([]byte(`{"code":0,"data":{},"message":"Success","request_id":"4"}`))
		}
	case r.Method == http.MethodGet && r.URL.Path == pathOrderDetail:
		var orders []string
		for _, id := range strings.Split(q.Get("ids"), ",") {
			orders = append(orders, fmt.Sprintf(`{"id":%q,"status":"AWAITING_COLLECTION","update_time":1763600000,
				"line_items":[{"id":"L%s","package_id":"P%s","package_status":"PROCESSING","tracking_number":"TRK%s","sale_price":"1.00","original_price":"1.00"}]}`, id, id, id, id))
		}
		w.Write([]byte(`{"code":0,"message":"Success","data":{"orders":[` + strings.Join(orders, ",") + `]}}`))
	default:
		w.Write([]byte(`{"code":36009009,"message":"invalid path","data":null}`))
	}
}

func (f *fakeFulfil) log() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeCall(nil), f.calls...)
}

// order is an unpacked order whose live lines sit in the given packages.
func order(no string, pkgs ...string) domain.Order {
	o := domain.Order{Platform: domain.TikTok, OrderNo: no, PlatformID: no, Status: domain.TtAwaitingShipment}
	for i, p := range pkgs {
		o.Items = append(o.Items, domain.Item{PlatformItemID: fmt.Sprintf("%s-%d", no, i), Qty: 1, Status: "TO_FULFILL", PackageID: p})
		if _, ok := o.Package(p); !ok && p != "" {
			o.Packages = append(o.Packages, domain.Package{ID: p, Status: "TO_FULFILL"})
		}
	}
	return o
}

func TestShippingChoicesReadsSlots(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	c.cfg.Region = "MY"
	ch, err := c.ShippingChoices(context.Background(), order("O1", "P1"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ch.Methods, ",") != "pickup,dropoff" {
		t.Errorf("methods %v", ch.Methods)
	}
	// Only the slots flagged avaliable (or available), earliest first.
	if len(ch.Slots) != 2 || ch.Slots[0].Start.Unix() != 1763654400 || ch.Slots[0].End.Unix() != 1763668800 ||
		ch.Slots[1].Start.Unix() != 1763712000 {
		t.Fatalf("slots %+v", ch.Slots)
	}
	if ch.Slots[0].Label != "Fri 21 Nov 00:00-04:00" {
		t.Errorf("label %q (Malaysian time)", ch.Slots[0].Label)
	}
	calls := f.log()
	if len(calls) != 1 || calls[0].path != "/fulfillment/202309/packages/P1/handover_time_slots" || calls[0].method != http.MethodGet {
		t.Errorf("calls %+v", calls)
	}

	f.slots = `{"can_pickup":false,"can_drop_off":"true","pickup_slots":[]}`
	ch, err = c.ShippingChoices(context.Background(), order("O1", "P1"))
	if err != nil || strings.Join(ch.Methods, ",") != "dropoff" || len(ch.Slots) != 0 {
		t.Errorf("drop-off only: %+v %v", ch, err)
	}
}

// The first unshipped package is asked about; an order whose copy has no package is read from
// TikTok first, and its package asked about.
func TestShippingChoicesPackage(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	o := order("O1", "P1", "P2")
	o.Packages[0].Status = "PROCESSING"
	o.Items[0].Status = "PROCESSING"
	if _, err := c.ShippingChoices(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if calls := f.log(); len(calls) != 1 || !strings.Contains(calls[0].path, "/P2/") {
		t.Errorf("calls %+v", calls)
	}
	o2 := order("O2", "")
	o2.PlatformID = "O2"
	if _, err := c.ShippingChoices(context.Background(), o2); err != nil {
		t.Fatal(err)
	}
	if calls := f.log(); len(calls) != 3 || calls[1].path != pathOrderDetail || !strings.Contains(calls[2].path, "/PO2/") {
		t.Errorf("no package in the copy: calls %+v", calls)
	}
}

// shipBodies decodes the ship calls' bodies by package id.
func shipBodies(t *testing.T, calls []fakeCall) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, c := range calls {
		if !strings.HasSuffix(c.path, "/ship") {
			continue
		}
		var b map[string]any
		if err := json.Unmarshal([]byte(c.body), &b); err != nil {
			t.Fatalf("body %q: %v", c.body, err)
		}
		out[strings.Split(c.path, "/")[4]] = b
	}
	return out
}

func TestPackPickupEarliestSlot(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	res, err := c.Pack(context.Background(), []domain.Order{order("O1", "P1", "P1", "P2"), order("O2", "P3")}, market.Shipping{Method: "pickup"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].OrderNo != "O1" || res[0].Err != nil || res[1].OrderNo != "O2" || res[1].Err != nil {
		t.Fatalf("results %+v", res)
	}
	bodies := shipBodies(t, f.log())
	if len(bodies) != 3 {
		t.Fatalf("ship calls for %d packages, want 3: %+v", len(bodies), f.log())
	}
	for id, b := range bodies {
		slot, _ := b["pickup_slot"].(map[string]any)
		if b["handover_method"] != "PICKUP" || slot["start_time"] != float64(1763654400) || slot["end_time"] != float64(1763668800) ||
			b["self_shipment"] != nil {
			t.Errorf("package %s: body %v", id, b)
		}
	}
	if n := len(f.log()); n != 6 {
		t.Errorf("%d calls, want a slot lookup and a ship per package (6)", n)
	}
}

func TestPackChosenSlotAndDropOff(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	start := time.Unix(1763712000, 0)
	res, err := c.Pack(context.Background(), []domain.Order{order("O1", "P1")},
		market.Shipping{Method: "pickup", PickupStart: start, PickupEnd: start.Add(4 * time.Hour)})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	res, err = c.Pack(context.Background(), []domain.Order{order("O2", "P2")}, market.Shipping{Method: "dropoff"})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	calls := f.log()
	if len(calls) != 2 {
		t.Fatalf("a chosen slot and drop-off need no slot lookup: %+v", calls)
	}
	if calls[0].body != `{"handover_method":"PICKUP","pickup_slot":{"start_time":1763712000,"end_time":1763726400}}` {
		t.Errorf("pickup body %s", calls[0].body)
	}
	if calls[1].body != `{"handover_method":"DROP_OFF"}` {
		t.Errorf("drop-off body %s", calls[1].body)
	}
}

// Refusals are reported per order with TikTok's code; the other orders go on.
func TestPackRefusalsPerOrder(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	f.refuse["P2"] = codeOrderCancelled
	f.refuse["P3"] = codeInvoiceNeeded
	f.refuse["P5"] = codeTimeout
	f.shipped["P4"] = true
	orders := []domain.Order{order("O1", "P1"), order("O2", "P2"), order("O3", "P3"), order("O4", "P4"), order("O5", "P5"), order("O6", "P6")}
	res, err := c.Pack(context.Background(), orders, market.Shipping{Method: "dropoff"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		code      string
		retryable bool
	}{"O2": {"21011041", false}, "O3": {"21004006", false}, "O4": {"21011040", false}, "O5": {"36009007", true}}
	for i, r := range res {
		if r.OrderNo != orders[i].OrderNo {
			t.Fatalf("result %d is for %s", i, r.OrderNo)
		}
		w, fails := want[r.OrderNo]
		var me *market.Error
		switch {
		case !fails && r.Err != nil:
			t.Errorf("%s: %v", r.OrderNo, r.Err)
		case fails && !errors.As(r.Err, &me):
			t.Errorf("%s: %v is not a *market.Error", r.OrderNo, r.Err)
		case fails && (me.Code != w.code || me.Retryable != w.retryable || me.Platform != domain.TikTok || !strings.Contains(me.Message, "refused") && w.code != "21011040"):
			t.Errorf("%s: %+v", r.OrderNo, me)
		}
	}
}

// Of a multi-package order, packages shipped before count as shipped; if all were, the order is
// refused as already shipped. A refusal of one package stops the order there.
func TestPackAlreadyShippedPackages(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	f.shipped["P1"] = true
	f.shipped["P3"], f.shipped["P4"] = true, true
	f.refuse["P6"] = codeAfterSale1
	res, err := c.Pack(context.Background(), []domain.Order{order("O1", "P1", "P2"), order("O2", "P3", "P4"), order("O3", "P5", "P6", "P7")}, market.Shipping{Method: "dropoff"})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Errorf("half shipped before, the rest now: %v", res[0].Err)
	}
	var me *market.Error
	if !errors.As(res[1].Err, &me) || me.Code != "21011040" {
		t.Errorf("all shipped before: %v", res[1].Err)
	}
	if !errors.As(res[2].Err, &me) || me.Code != "21008044" {
		t.Errorf("after-sale request: %v", res[2].Err)
	}
	for _, call := range f.log() {
		if strings.Contains(call.path, "/P7/") {
			t.Errorf("the order's packages went on being shipped after a refusal")
		}
	}
	// An order whose copy shows every package shipped is still sent: TikTok's answer is reported.
	o := order("O4", "P1")
	o.Packages[0].Status, o.Items[0].Status = "PROCESSING", "PROCESSING"
	res, _ = c.Pack(context.Background(), []domain.Order{o}, market.Shipping{Method: "dropoff"})
	if !errors.As(res[0].Err, &me) || me.Code != "21011040" || me.Retryable {
		t.Errorf("shipped copy: %v", res[0].Err)
	}
}

// A ship attempt carried out but unanswered is retried; the "already shipped" answer to the
// retry is this call's own success.
func TestPackUnansweredAttempt(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	f.drop["P1"] = 1
	res, err := c.Pack(context.Background(), []domain.Order{order("O1", "P1")}, market.Shipping{Method: "dropoff"})
	if err != nil || res[0].Err != nil {
		t.Fatalf("%v %+v", err, res)
	}
	if n := len(f.log()); n != 2 {
		t.Errorf("%d ship attempts, want 2", n)
	}
}

// What cannot be sent fails without a call: a bad shipping choice fails the call, an order
// without any line fails itself. Orders whose copy lacks a package id are read from TikTok
// first (one call for all of them), then shipped.
func TestPackRefusedWithoutCalls(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	now := time.Now()
	for _, ship := range []market.Shipping{{}, {Method: "non_integrated"}, {Method: "pickup", PickupStart: now},
		{Method: "pickup", PickupStart: now, PickupEnd: now.Add(-time.Hour)}} {
		if res, err := c.Pack(context.Background(), []domain.Order{order("O1", "P1")}, ship); err == nil || res != nil {
			t.Errorf("%+v: %v %+v", ship, err, res)
		}
	}
	noPkg := order("O2", "")
	partly := order("O3", "P3", "")
	empty := domain.Order{Platform: domain.TikTok, OrderNo: "O4"}
	res, err := c.Pack(context.Background(), []domain.Order{noPkg, partly, empty}, market.Shipping{Method: "dropoff"})
	if err != nil || len(res) != 3 {
		t.Fatal(err, res)
	}
	if res[0].Err != nil || res[1].Err != nil {
		t.Errorf("orders read again: %v / %v", res[0].Err, res[1].Err)
	}
	if r := res[2]; r.Err == nil || !strings.Contains(r.Err.Error(), "package") || market.Retryable(r.Err) {
		t.Errorf("%s: %v", r.OrderNo, r.Err)
	}
	// A cancelled line without a package does not matter.
	o := order("O5", "P5", "")
	o.Items[1].Cancelled = true
	if res, _ := c.Pack(context.Background(), []domain.Order{o}, market.Shipping{Method: "dropoff"}); res[0].Err != nil {
		t.Errorf("cancelled line: %v", res[0].Err)
	}
	var paths []string
	for _, c := range f.log() {
		paths = append(paths, c.path)
	}
	want := []string{pathOrderDetail, "/fulfillment/202309/packages/PO2/ship", "/fulfillment/202309/packages/PO3/ship",
		"/fulfillment/202309/packages/P5/ship"}
	slices.Sort(paths[1:3])
	if !slices.Equal(paths, want) {
		t.Errorf("calls %v, want %v", paths, want)
	}
}

// Pickup with the earliest slot when none is available, or pickup is not offered.
func TestPackNoSlot(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	for slots, want := range map[string]string{
		`{"can_pickup":true,"can_drop_off":true,"pickup_slots":[{"start_time":1763712000,"end_time":1763726400,"avaliable":false}]}`: "no available pickup slot",
		`{"can_pickup":false,"can_drop_off":true,"pickup_slots":[]}`:                                                                 "does not offer pickup",
	} {
		f.slots = slots
		res, err := c.Pack(context.Background(), []domain.Order{order("O1", "P1")}, market.Shipping{Method: "pickup"})
		if err != nil || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), want) || market.Retryable(res[0].Err) {
			t.Errorf("%s: %v %+v", slots, err, res)
		}
	}
	for _, call := range f.log() {
		if strings.HasSuffix(call.path, "/ship") {
			t.Errorf("shipped without a slot")
		}
	}
}

func TestActionsTikTokDoesNotHave(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	orders := []domain.Order{order("O1", "P1"), order("O2", "P2")}
	for name, act := range map[string]func(context.Context, []domain.Order) ([]market.ActionResult, error){
		"ReadyToShip": c.ReadyToShip, "Repack": c.Repack, "MarkDelivered": c.MarkDelivered,
	} {
		res, err := act(context.Background(), orders)
		if err != nil || len(res) != 2 {
			t.Fatalf("%s: %v %+v", name, err, res)
		}
		for i, r := range res {
			if r.OrderNo != orders[i].OrderNo || r.Err == nil || !strings.Contains(r.Err.Error(), "no such action") || market.Retryable(r.Err) {
				t.Errorf("%s: %+v", name, r)
			}
		}
	}
	if calls := f.log(); len(calls) != 0 {
		t.Errorf("calls %+v", calls)
	}
}

func TestOrdersInBatchesOf50(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	var ids []string
	for i := range 120 {
		ids = append(ids, fmt.Sprint(576461413038785000+i))
	}
	got, err := c.Orders(context.Background(), append(ids, ids[0], " ", ""))
	if err != nil || len(got) != 120 {
		t.Fatalf("%d orders: %v", len(got), err)
	}
	calls := f.log()
	if len(calls) != 3 {
		t.Fatalf("%d calls for 120 ids", len(calls))
	}
	o := got[7]
	if o.PlatformID != ids[7] || o.Status != domain.TtAwaitingCollection || len(o.Packages) != 1 || o.Packages[0].TrackingNo != "TRK"+ids[7] ||
		!domain.Done(&o, domain.ActPack, time.Now()) {
		t.Errorf("order %+v", o)
	}
}

// The per-API rate limit is per documented path, not per package.
func TestRateLimitPerAPITemplate(t *testing.T) {
	f := newFake(t)
	c := testClient(t, f.handler)
	a := c.limiter(apiCall{path: packagePath(pathPackageShip, "P1"), api: pathPackageShip})
	b := c.limiter(apiCall{path: packagePath(pathPackageShip, "P2"), api: pathPackageShip})
	s := c.limiter(apiCall{path: packagePath(pathHandoverSlots, "P1"), api: pathHandoverSlots})
	if a != b || a == s {
		t.Errorf("limiters: ship P1 %p, ship P2 %p, slots %p", a, b, s)
	}
}

// A context that ends stops the call: orders that got no answer are not reported.
func TestPackStopsWithContext(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		n++
		if n == 3 {
			cancel()
		}
		f.mu.Unlock()
		f.handler(w, r)
	})
	var orders []domain.Order
	for i := range 40 {
		orders = append(orders, order(fmt.Sprint("O", i), fmt.Sprint("P", i)))
	}
	res, err := c.Pack(ctx, orders, market.Shipping{Method: "dropoff"})
	if !errors.Is(err, context.Canceled) || len(res) >= 40 {
		t.Fatalf("%v, %d results", err, len(res))
	}
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("a reported order failed: %+v", r)
		}
	}
}
