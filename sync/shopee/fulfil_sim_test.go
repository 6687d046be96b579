package shopee

// Fulfilment against the simulator over loopback, with the store in a real data file: what the
// engine would do (pull, pack the orders it holds, pull again) and what the seller then sees.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// newFulfilEnv is a shop with fresh orders, synced into the data file.
func newFulfilEnv(t *testing.T, orders int) *simEnv {
	t.Helper()
	e := newSimEnv(t, envOptions{setup: func(e *simEnv) {
		e.s.Generate(domain.Shopee, e.shop.ID, orders)
	}})
	e.resync()
	return e
}

// resync moves the clock on a second and pulls everything since the shop opened.
func (e *simEnv) resync() {
	e.t.Helper()
	e.s.Clock().Advance(time.Second)
	if err := e.pull(e.c, simStart.Add(-time.Hour), e.now()); err != nil {
		e.t.Fatal(err)
	}
}

// toPack is n orders from the data file on New Order (READY_TO_SHIP), as the engine holds them.
func (e *simEnv) toPack(n int) []domain.Order {
	e.t.Helper()
	var out []domain.Order
	for _, o := range e.stored() {
		if o.Tab == domain.TabNew && o.Status == domain.SpReadyToShip {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b domain.Order) int { return strings.Compare(a.OrderNo, b.OrderNo) })
	if len(out) < n {
		e.t.Fatalf("%d orders to pack, the test needs %d", len(out), n)
	}
	return out[:n]
}

// raw makes one signed GET to the simulator and returns its whole answer.
func (e *simEnv) raw(path string, params url.Values) map[string]any {
	e.t.Helper()
	tok, err := e.keeper.Tokens(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	pid, _ := strconv.ParseInt(e.app.Key, 10, 64)
	ts := e.now().Unix()
	q := url.Values{"partner_id": {e.app.Key}, "timestamp": {strconv.FormatInt(ts, 10)}, "access_token": {tok.Access},
		"shop_id": {e.shop.ID}, "sign": {Sign(e.app.Secret, pid, path, ts, tok.Access, e.shop.ID)}}
	for k, v := range params {
		q[k] = v
	}
	resp, err := http.Get(e.srv.URL + "/shopee" + path + "?" + q.Encode())
	if err != nil {
		e.t.Fatal(redactErr(err))
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatalf("%s: HTTP %d: %v", path, resp.StatusCode, err)
	}
	return out
}

// rawParams is the simulator's get_shipping_parameter answer for an order, as plain JSON values.
func (e *simEnv) rawParams(o domain.Order) map[string]any {
	e.t.Helper()
	q := url.Values{"order_sn": {o.PlatformID}}
	if len(o.Packages) == 1 && o.Packages[0].ID != "" {
		q.Set("package_number", o.Packages[0].ID)
	}
	ans := e.raw(pathShippingParam, q)
	if ans["error"] != "" {
		e.t.Fatalf("get_shipping_parameter %s: %v %v", o.OrderNo, ans["error"], ans["message"])
	}
	resp, _ := ans["response"].(map[string]any)
	return resp
}

func jsonID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// shipRequests are the ship_order calls the simulator logged, by order_sn.
func shipRequests(reqs []sim.Request) map[string][]sim.Request {
	out := map[string][]sim.Request{}
	for _, r := range reqs {
		if r.Path == pathShipOrder {
			out[r.Params.Get("order_sn")] = append(out[r.Params.Get("order_sn")], r)
		}
	}
	return out
}

// arranged checks that the data file and Orders() show the order arranged: PROCESSED, on To
// Process, its package LOGISTICS_REQUEST_CREATED; it returns the synced tracking number.
func (e *simEnv) arranged(no string) string {
	e.t.Helper()
	o, ok := e.stored()[no]
	if !ok {
		e.t.Fatalf("order %s is not in the file", no)
	}
	if o.Status != domain.SpProcessed || o.Tab != domain.TabToProcess {
		e.t.Errorf("order %s: %s on %s, want PROCESSED on To Process", no, o.Status, o.Tab.Title())
	}
	if len(o.Packages) != 1 || o.Packages[0].Status != "LOGISTICS_REQUEST_CREATED" {
		e.t.Errorf("order %s packages %+v", no, o.Packages)
		return ""
	}
	now, err := e.c.Orders(e.ctx, []string{o.PlatformID})
	if err != nil || len(now) != 1 {
		e.t.Fatalf("Orders: %v %v", now, err)
	}
	if !domain.Done(&now[0], domain.ActPack, e.now()) || now[0].Status != domain.SpProcessed ||
		len(now[0].Packages) != 1 || now[0].Packages[0].TrackingNo != o.Packages[0].TrackingNo {
		e.t.Errorf("Orders() shows %s %+v; the file %+v", now[0].Status, now[0].Packages, o.Packages)
	}
	return o.Packages[0].TrackingNo
}

// The simulator's addresses, slots, branches and needs come through as Shopee sent them.
func TestSimShippingChoices(t *testing.T) {
	t.Parallel()
	e := newFulfilEnv(t, 12)
	o := e.toPack(1)[0]
	e.s.ResetRequests(domain.Shopee)
	ch, err := e.c.ShippingChoices(e.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if reqs := e.s.Requests(domain.Shopee); len(reqs) != 1 || reqs[0].Path != pathShippingParam ||
		reqs[0].Params.Get("order_sn") != o.PlatformID {
		t.Errorf("requests %+v", reqs)
	}
	raw := e.rawParams(o)
	info, _ := raw["info_needed"].(map[string]any)
	var methods, needs []string
	for _, m := range []string{market.Pickup, market.DropOff, market.NonIntegrated} {
		if v, ok := info[m]; ok {
			methods = append(methods, m)
			list, _ := v.([]any)
			for _, f := range list {
				needs = append(needs, m+":"+jsonID(f))
			}
		}
	}
	if !slices.Equal(ch.Methods, methods) || !slices.Equal(ch.Needs, needs) {
		t.Errorf("methods %v needs %v; the simulator says %v", ch.Methods, ch.Needs, info)
	}
	if !slices.Contains(ch.Methods, market.Pickup) || !slices.Contains(ch.Methods, market.DropOff) {
		t.Errorf("the simulator offers %v: the test wants pickup and drop-off", ch.Methods)
	}
	pickup, _ := raw["pickup"].(map[string]any)
	addrs, _ := pickup["address_list"].([]any)
	if len(addrs) == 0 || len(ch.Addresses) != len(addrs) {
		t.Fatalf("%d addresses, the simulator has %d", len(ch.Addresses), len(addrs))
	}
	slots := 0
	for i, a := range addrs {
		a := a.(map[string]any)
		got := ch.Addresses[i]
		if got.ID != jsonID(a["address_id"]) || got.Label == "" {
			t.Errorf("address %d: %+v, the simulator has %v", i, got, a)
		}
		ts, _ := a["time_slot_list"].([]any)
		if len(got.Slots) != len(ts) {
			t.Errorf("address %s: %d slots, the simulator has %d", got.ID, len(got.Slots), len(ts))
			continue
		}
		for k, s := range ts {
			s := s.(map[string]any)
			gs := got.Slots[k]
			if gs.ID != jsonID(s["pickup_time_id"]) || gs.ID == "" || gs.Label == "" {
				t.Errorf("slot %+v, the simulator has %v", gs, s)
			}
			if d, ok := s["date"].(float64); ok && !gs.Start.Equal(time.Unix(int64(d), 0)) {
				t.Errorf("slot %s starts %v, date %v", gs.ID, gs.Start, d)
			}
			slots++
		}
	}
	if slots == 0 {
		t.Error("the simulator offers no pickup slot")
	}
	dropoff, _ := raw["dropoff"].(map[string]any)
	branches, _ := dropoff["branch_list"].([]any)
	if len(branches) == 0 || len(ch.Branches) != len(branches) {
		t.Fatalf("%d branches, the simulator has %d", len(ch.Branches), len(branches))
	}
	for i, b := range branches {
		if id := jsonID(b.(map[string]any)["branch_id"]); ch.Branches[i].ID != id || id == "" {
			t.Errorf("branch %d: %+v, the simulator has %v", i, ch.Branches[i], b)
		}
	}
	t.Logf("choices: %+v", ch)
}

// Pickup with no address or slot chosen: the default address's earliest slot. After a sync the
// order is PROCESSED on To Process with an arranged package and a tracking number.
func TestSimPackPickup(t *testing.T) {
	t.Parallel()
	e := newFulfilEnv(t, 12)
	o := e.toPack(1)[0]
	raw := e.rawParams(o)
	e.s.ResetRequests(domain.Shopee)
	res, err := e.c.Pack(e.ctx, []domain.Order{o}, market.Shipping{Method: market.Pickup})
	if err != nil || len(res) != 1 || res[0].OrderNo != o.OrderNo || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	reqs := e.s.Requests(domain.Shopee)
	var paths []string
	for _, r := range reqs {
		paths = append(paths, r.Path)
	}
	if want := []string{pathShippingParam, pathShipOrder, pathTracking}; !slices.Equal(paths, want) {
		t.Errorf("calls %v, want %v", paths, want)
	}
	// The address and slot sent are the default address's earliest.
	var ans shippingParamAnswer
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatal(err)
	}
	addr := defaultAddress(ans.Pickup.AddressList)
	ship := shipRequests(reqs)[o.PlatformID]
	if addr == nil || len(ship) != 1 {
		t.Fatalf("address %v, ship_order %+v", addr, ship)
	}
	var sent struct {
		AddressID    json.Number `json:"address_id"`
		PickupTimeID string      `json:"pickup_time_id"`
	}
	if err := json.Unmarshal([]byte(ship[0].Params.Get("pickup")), &sent); err != nil {
		t.Fatalf("pickup %q: %v", ship[0].Params.Get("pickup"), err)
	}
	if string(sent.AddressID) != string(addr.AddressID) || sent.PickupTimeID != earliestSlot(addr) || sent.PickupTimeID == "" {
		t.Errorf("sent %+v, want address %s slot %s", sent, addr.AddressID, earliestSlot(addr))
	}
	for _, k := range []string{market.DropOff, market.NonIntegrated} {
		if ship[0].Params.Has(k) {
			t.Errorf("ship_order also sent %s", k)
		}
	}
	e.resync()
	if tn := e.arranged(o.OrderNo); tn == "" {
		t.Error("no tracking number after a sync")
	}
	if w, _ := e.s.Order(domain.Shopee, e.shop.ID, o.OrderNo); w.Status != domain.SpProcessed {
		t.Errorf("the simulator has %s", w.Status)
	}
}

func TestSimPackDropoff(t *testing.T) {
	t.Parallel()
	e := newFulfilEnv(t, 12)
	o := e.toPack(1)[0]
	ch, err := e.c.ShippingChoices(e.ctx, o)
	if err != nil || len(ch.Branches) == 0 {
		t.Fatalf("%+v %v", ch, err)
	}
	e.s.ResetRequests(domain.Shopee)
	res, err := e.c.Pack(e.ctx, []domain.Order{o}, market.Shipping{Method: market.DropOff, BranchID: ch.Branches[0].ID, SenderName: "Ayu binti Ali"})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	ship := shipRequests(e.s.Requests(domain.Shopee))[o.PlatformID]
	if len(ship) != 1 || !ship[0].Params.Has(market.DropOff) || ship[0].Params.Has(market.Pickup) || ship[0].Params.Has(market.NonIntegrated) ||
		!strings.Contains(ship[0].Params.Get(market.DropOff), ch.Branches[0].ID) {
		t.Errorf("ship_order %+v", ship)
	}
	e.resync()
	e.arranged(o.OrderNo)
}

// Non-integrated takes the seller's tracking number; without one nothing is sent.
func TestSimPackNonIntegrated(t *testing.T) {
	t.Parallel()
	e := newFulfilEnv(t, 12)
	o := e.toPack(1)[0]
	e.s.ResetRequests(domain.Shopee)
	res, err := e.c.Pack(e.ctx, []domain.Order{o}, market.Shipping{Method: market.NonIntegrated})
	if err != nil || len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "tracking number") ||
		market.Retryable(res[0].Err) {
		t.Fatalf("%+v %v", res, err)
	}
	if reqs := e.s.Requests(domain.Shopee); len(reqs) != 0 {
		t.Errorf("refused, yet %d calls: %+v", len(reqs), reqs)
	}
	if w, _ := e.s.Order(domain.Shopee, e.shop.ID, o.OrderNo); w.Status != domain.SpReadyToShip {
		t.Errorf("the simulator has %s", w.Status)
	}

	ch, err := e.c.ShippingChoices(e.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ch.Methods, market.NonIntegrated) {
		t.Skipf("the simulator does not offer non_integrated for %s (%v)", o.OrderNo, ch.Methods)
	}
	res, err = e.c.Pack(e.ctx, []domain.Order{o}, market.Shipping{Method: market.NonIntegrated, TrackingNo: "JNTMY0012345678"})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	ship := shipRequests(e.s.Requests(domain.Shopee))[o.PlatformID]
	if len(ship) != 1 || ship[0].Params.Get(market.NonIntegrated) != `{"tracking_number":"JNTMY0012345678"}` {
		t.Errorf("ship_order %+v", ship)
	}
	e.resync()
	if tn := e.arranged(o.OrderNo); tn != "JNTMY0012345678" {
		t.Errorf("tracking number %q, want the seller's", tn)
	}
}

// Packing an order already arranged is refused for that order, and changes nothing.
func TestSimPackTwice(t *testing.T) {
	t.Parallel()
	e := newFulfilEnv(t, 12)
	o := e.toPack(1)[0]
	if res, err := e.c.Pack(e.ctx, []domain.Order{o}, market.Shipping{Method: market.Pickup}); err != nil || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	e.s.Clock().Advance(time.Minute)
	before, _ := e.s.Order(domain.Shopee, e.shop.ID, o.OrderNo)
	// The engine still holds the order as it was before it was packed.
	res, err := e.c.Pack(e.ctx, []domain.Order{o}, market.Shipping{Method: market.Pickup})
	if err != nil || len(res) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	var apiErr *market.Error
	if !errors.As(res[0].Err, &apiErr) || apiErr.Code != "logistics.package_already_shipped" || apiErr.Retryable {
		t.Errorf("packing again: %v", res[0].Err)
	}
	after, _ := e.s.Order(domain.Shopee, e.shop.ID, o.OrderNo)
	if d := diff(carry(before), carry(after)); len(d) > 0 || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("the refused pack changed the order:\n  %s", strings.Join(d, "\n  "))
	}
}

// Many orders at once, one call each, within the client's rate limit: each reported.
func TestSimPackMany(t *testing.T) {
	t.Parallel()
	e := newFulfilEnv(t, 60)
	orders := e.toPack(25)
	e.s.ResetRequests(domain.Shopee)
	res, err := e.c.Pack(e.ctx, orders, market.Shipping{Method: market.Pickup})
	if err != nil || len(res) != len(orders) {
		t.Fatalf("%d results, %v", len(res), err)
	}
	for i, r := range res {
		if r.OrderNo != orders[i].OrderNo || r.Err != nil {
			t.Errorf("result %d: %+v", i, r)
		}
	}
	ship := shipRequests(e.s.Requests(domain.Shopee))
	for _, o := range orders {
		if len(ship[o.PlatformID]) != 1 {
			t.Errorf("order %s: %d ship_order calls", o.OrderNo, len(ship[o.PlatformID]))
		}
	}
	e.resync()
	for _, o := range orders {
		e.arranged(o.OrderNo)
	}
	checkLimits(t, e.s.Requests(domain.Shopee))
}

// Shopee has no ready-to-ship, repack or delivered call: each order is told so, and nothing is sent.
func TestSimNoSuchAction(t *testing.T) {
	t.Parallel()
	e := newFulfilEnv(t, 6)
	orders := e.toPack(2)
	e.s.ResetRequests(domain.Shopee)
	var wg sync.WaitGroup
	for _, act := range []func() ([]market.ActionResult, error){
		func() ([]market.ActionResult, error) { return e.c.ReadyToShip(e.ctx, orders) },
		func() ([]market.ActionResult, error) { return e.c.Repack(e.ctx, orders) },
		func() ([]market.ActionResult, error) { return e.c.MarkDelivered(e.ctx, orders) },
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := act()
			if err != nil || len(res) != len(orders) {
				t.Errorf("%+v %v", res, err)
				return
			}
			for i, r := range res {
				if r.OrderNo != orders[i].OrderNo || !errors.Is(r.Err, ErrNoSuchAction) || market.Retryable(r.Err) {
					t.Errorf("%+v", r)
				}
			}
		}()
	}
	wg.Wait()
	if reqs := e.s.Requests(domain.Shopee); len(reqs) != 0 {
		t.Errorf("%d calls: %+v", len(reqs), reqs)
	}
}
