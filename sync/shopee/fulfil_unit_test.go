package shopee

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// fakeCall is one request the fake logistics server saw.
type fakeCall struct {
	path  string
	query url.Values
	body  map[string]json.RawMessage
}

// fakeLogistics answers get_shipping_parameter, ship_order, get_tracking_number and
// get_order_detail from canned JSON, and logs what it was sent. ship answers ship_order for an
// order_sn (nil: success).
type fakeLogistics struct {
	t      *testing.T
	params string // get_shipping_parameter's response object
	ship   func(sn string, attempt int) (status int, body string)

	mu    sync.Mutex
	calls []fakeCall
	ships map[string]int
}

func newFakeLogistics(t *testing.T, params string) (*fakeLogistics, *Client) {
	f := &fakeLogistics{t: t, params: params, ships: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, _ := unitClient(t, srv.URL, nil)
	return f, c
}

func (f *fakeLogistics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := fakeCall{path: r.URL.Path, query: r.URL.Query()}
	if r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &call.body); err != nil {
			f.t.Errorf("%s: body %s: %v", r.URL.Path, b, err)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			f.t.Errorf("%s: content type %q", r.URL.Path, ct)
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	ok := func(resp string) { fmt.Fprintf(w, `{"error":"","message":"","request_id":"r","response":%s}`, resp) }
	switch r.URL.Path {
	case pathShippingParam:
		ok(f.params)
	case pathShipOrder:
		var sn string
		_ = json.Unmarshal(call.body["order_sn"], &sn)
		f.mu.Lock()
		f.ships[sn]++
		n := f.ships[sn]
		f.mu.Unlock()
		if f.ship != nil {
			if status, body := f.ship(sn, n); body != "" {
				w.WriteHeader(status)
				io.WriteString(w, body)
				return
			}
		}
		io.WriteString(w, `{"error":"","message":"","request_id":"r"}`)
	case pathTracking:
		ok(`{"tracking_number":"MY2600000001","hint":""}`)
	case pathOrderDetail:
		var list []string
		for _, sn := range strings.Split(r.URL.Query().Get("order_sn_list"), ",") {
			list = append(list, fmt.Sprintf(`{"order_sn":%q,"order_status":"PROCESSED","currency":"MYR","create_time":1,"update_time":2,
				"total_amount":10,"package_list":[{"package_number":"P-%s","logistics_status":"LOGISTICS_REQUEST_CREATED","shipping_carrier":"SPX"}]}`, sn, sn))
		}
		ok(`{"order_list":[` + strings.Join(list, ",") + `]}`)
	default:
		f.t.Errorf("unexpected %s", r.URL.Path)
		http.NotFound(w, r)
	}
}

func (f *fakeLogistics) log() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeCall(nil), f.calls...)
}

func (f *fakeLogistics) count(path string) int {
	n := 0
	for _, c := range f.log() {
		if c.path == path {
			n++
		}
	}
	return n
}

// shipBodies are the ship_order bodies sent, by order_sn, as compact JSON.
func (f *fakeLogistics) shipBodies() map[string]string {
	out := map[string]string{}
	for _, c := range f.log() {
		if c.path == pathShipOrder {
			var sn string
			_ = json.Unmarshal(c.body["order_sn"], &sn)
			out[sn] = mustJSON(c.body)
		}
	}
	return out
}

// A shop with two pickup addresses (the second is the pickup address, its slots listed out of
// order), two drop-off branches, and every method offered.
const paramsAll = `{
	"info_needed":{"pickup":["address_id","pickup_time_id"],"dropoff":["branch_id","sender_real_name"],"non_integrated":["tracking_no"]},
	"pickup":{"address_list":[
		{"address_id":101,"region":"MY","state":"Selangor","city":"Shah Alam","district":"","town":"","address":"1 Jalan Satu","zipcode":"40000",
		 "address_flag":["return_address"],"time_slot_list":[{"date":1655784000,"time_text":"09:00-12:00","pickup_time_id":"a1"}]},
		{"address_id":"102","region":"MY","state":"Selangor","city":"Petaling Jaya","district":"","town":"","address":"2 Jalan Dua, Petaling Jaya","zipcode":47300,
		 "address_flag":["default_address","pickup_address"],"time_slot_list":[
			{"date":1655870400,"time_text":"14:00-17:00","pickup_time_id":"b-later","flags":[]},
			{"date":1655784000,"time_text":"09:00-12:00","pickup_time_id":"b-early","flags":["recommended"]}]}]},
	"dropoff":{"branch_list":[{"branch_id":7001,"region":"MY","state":"Selangor","city":"Shah Alam","address":"SPX Hub 7","zipcode":"40100"},
		{"branch_id":"7002","address":"SPX Hub 8"}],"slug_list":null}}`

func TestShippingChoicesDecode(t *testing.T) {
	f, c := newFakeLogistics(t, paramsAll)
	o := domain.Order{Platform: domain.Shopee, OrderNo: "SN1", PlatformID: "SN1", Status: domain.SpReadyToShip,
		Packages: []domain.Package{{ID: "OFG1", Status: "LOGISTICS_READY"}}}
	ch, err := c.ShippingChoices(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ch.Methods, ","); got != "pickup,dropoff,non_integrated" {
		t.Errorf("methods %s", got)
	}
	if got := strings.Join(ch.Needs, ","); got != "pickup:address_id,pickup:pickup_time_id,dropoff:branch_id,dropoff:sender_real_name,non_integrated:tracking_no" {
		t.Errorf("needs %s", got)
	}
	if len(ch.Addresses) != 2 || ch.Addresses[0].ID != "101" || ch.Addresses[1].ID != "102" ||
		ch.Addresses[0].Label != "1 Jalan Satu, Shah Alam, Selangor, 40000" ||
		ch.Addresses[1].Label != "2 Jalan Dua, Petaling Jaya, Selangor, 47300" {
		t.Fatalf("addresses %+v", ch.Addresses)
	}
	s := ch.Addresses[1].Slots
	// 1655870400 is 2022-06-22 04:00 UTC, 12:00 in Malaysia.
	if len(s) != 2 || s[0].ID != "b-later" || !s[0].Start.Equal(time.Unix(1655870400, 0)) || s[0].Label != "Wed 22 Jun 2022 14:00-17:00" ||
		s[1].ID != "b-early" {
		t.Errorf("slots %+v", s)
	}
	if len(ch.Branches) != 2 || ch.Branches[0] != (market.Branch{ID: "7001", Label: "SPX Hub 7, Shah Alam, Selangor, 40100"}) ||
		ch.Branches[1] != (market.Branch{ID: "7002", Label: "SPX Hub 8"}) {
		t.Errorf("branches %+v", ch.Branches)
	}
	calls := f.log()
	if len(calls) != 1 || calls[0].path != pathShippingParam || calls[0].query.Get("order_sn") != "SN1" ||
		calls[0].query.Get("package_number") != "OFG1" {
		t.Errorf("calls %+v", calls)
	}

	// Only the keys present are methods; an empty or null list is a method that needs nothing.
	f.params = `{"info_needed":{"dropoff":[],"non_integrated":null},"pickup":null,"dropoff":{"branch_list":[]}}`
	o.Packages = nil
	if ch, err = c.ShippingChoices(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ch.Methods, ",") != "dropoff,non_integrated" || ch.Needs != nil || ch.Addresses != nil || ch.Branches != nil {
		t.Errorf("choices %+v", ch)
	}
	if q := f.log()[1].query; q.Has("package_number") {
		t.Errorf("package_number sent for an order without one: %v", q)
	}
}

func newOrder(sn string) domain.Order {
	return domain.Order{Platform: domain.Shopee, OrderNo: sn, PlatformID: sn, Status: domain.SpReadyToShip}
}

func TestPackBodies(t *testing.T) {
	for _, tc := range []struct {
		name string
		ship market.Shipping
		want string
	}{
		{"pickup, the pickup address's earliest slot", market.Shipping{Method: market.Pickup},
			`{"order_sn":"SN1","pickup":{"address_id":102,"pickup_time_id":"b-early"}}`},
		{"pickup, the chosen address's earliest slot", market.Shipping{Method: market.Pickup, AddressID: "101"},
			`{"order_sn":"SN1","pickup":{"address_id":101,"pickup_time_id":"a1"}}`},
		{"pickup, the chosen slot", market.Shipping{Method: market.Pickup, AddressID: "102", PickupTimeID: "b-later"},
			`{"order_sn":"SN1","pickup":{"address_id":102,"pickup_time_id":"b-later"}}`},
		{"dropoff", market.Shipping{Method: market.DropOff, BranchID: "7002", SenderName: "Ayu binti Ali"},
			`{"dropoff":{"branch_id":7002,"sender_real_name":"Ayu binti Ali"},"order_sn":"SN1"}`},
		{"non-integrated", market.Shipping{Method: market.NonIntegrated, TrackingNo: " JNT123 "},
			`{"non_integrated":{"tracking_number":"JNT123"},"order_sn":"SN1"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFakeLogistics(t, paramsAll)
			res, err := c.Pack(context.Background(), []domain.Order{newOrder("SN1")}, tc.ship)
			if err != nil || len(res) != 1 || res[0].OrderNo != "SN1" || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			if got := f.shipBodies()["SN1"]; got != tc.want {
				t.Errorf("body\n got %s\nwant %s", got, tc.want)
			}
			var paths []string
			for _, c := range f.log() {
				paths = append(paths, c.path)
			}
			if want := pathShippingParam + " " + pathShipOrder + " " + pathTracking; strings.Join(paths, " ") != want {
				t.Errorf("calls %v", paths)
			}
		})
	}
}

// The chosen method's object is sent even when Shopee needs nothing in it; package_number goes
// with the order's one package, and a split order has each open package shipped.
func TestPackEmptyObjectAndPackages(t *testing.T) {
	f, c := newFakeLogistics(t, `{"info_needed":{"dropoff":[]}}`)
	o := newOrder("SN1")
	o.Packages = []domain.Package{{ID: "P1", Status: "LOGISTICS_READY"}}
	res, err := c.Pack(context.Background(), []domain.Order{o}, market.Shipping{Method: market.DropOff})
	if err != nil || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	if got := f.shipBodies()["SN1"]; got != `{"dropoff":{},"order_sn":"SN1","package_number":"P1"}` {
		t.Errorf("body %s", got)
	}
	for _, call := range f.log() {
		if call.path != pathShipOrder && call.query.Get("package_number") != "P1" {
			t.Errorf("%s without the package: %v", call.path, call.query)
		}
	}

	f, c = newFakeLogistics(t, `{"info_needed":{"dropoff":[]}}`)
	o.Packages = []domain.Package{{ID: "P1", Status: "LOGISTICS_REQUEST_CREATED"}, {ID: "P2", Status: "LOGISTICS_READY"},
		{ID: "P3", Status: "LOGISTICS_NOT_START"}}
	if res, err = c.Pack(context.Background(), []domain.Order{o}, market.Shipping{Method: market.DropOff}); err != nil || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	var shipped []string
	for _, call := range f.log() {
		if call.path == pathShipOrder {
			var pn string
			_ = json.Unmarshal(call.body["package_number"], &pn)
			shipped = append(shipped, pn)
		}
	}
	if strings.Join(shipped, ",") != "P2,P3" {
		t.Errorf("shipped packages %v", shipped)
	}
}

// What Shopee asks for and the seller did not give fails the order before ship_order.
func TestPackRefusedBeforeShipping(t *testing.T) {
	for _, tc := range []struct {
		name, params string
		ship         market.Shipping
		orders       int
		calls        int // get_shipping_parameter calls expected
		want         string
	}{
		{"non-integrated without a tracking number", paramsAll, market.Shipping{Method: market.NonIntegrated}, 1, 0,
			"needs the courier's tracking number"},
		{"one tracking number for two orders", paramsAll, market.Shipping{Method: market.NonIntegrated, TrackingNo: "X1"}, 2, 0,
			"belongs to one order"},
		{"no branch chosen among two", paramsAll, market.Shipping{Method: market.DropOff, SenderName: "Ayu"}, 1, 1,
			"choose the drop-off branch"},
		{"no sender name", paramsAll, market.Shipping{Method: market.DropOff, BranchID: "7001"}, 1, 1, "sender's real name"},
		{"method not offered", `{"info_needed":{"pickup":[]}}`, market.Shipping{Method: market.DropOff}, 1, 1,
			"does not offer drop-off for this order (it offers pickup)"},
		{"no slot left", `{"info_needed":{"pickup":["address_id","pickup_time_id"]},"pickup":{"address_list":[{"address_id":1,"time_slot_list":[]}]}}`,
			market.Shipping{Method: market.Pickup}, 1, 1, "no pickup slot is left"},
		{"no pickup address", `{"info_needed":{"pickup":["address_id","pickup_time_id"]},"pickup":{"address_list":[]}}`,
			market.Shipping{Method: market.Pickup}, 1, 1, "no pickup address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFakeLogistics(t, tc.params)
			var orders []domain.Order
			for i := range tc.orders {
				orders = append(orders, newOrder(fmt.Sprintf("SN%d", i+1)))
			}
			res, err := c.Pack(context.Background(), orders, tc.ship)
			if err != nil || len(res) != tc.orders {
				t.Fatalf("%+v %v", res, err)
			}
			for i, r := range res {
				if r.OrderNo != orders[i].OrderNo || r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) ||
					!strings.Contains(r.Err.Error(), r.OrderNo) || market.Retryable(r.Err) {
					t.Errorf("result %+v", r)
				}
			}
			if n := f.count(pathShippingParam); n != tc.calls*tc.orders {
				t.Errorf("%d get_shipping_parameter calls", n)
			}
			if n := f.count(pathShipOrder); n != 0 {
				t.Errorf("%d ship_order calls", n)
			}
		})
	}
	_, c := newFakeLogistics(t, paramsAll)
	if _, err := c.Pack(context.Background(), []domain.Order{newOrder("SN1")}, market.Shipping{Method: "courier"}); err == nil {
		t.Error("an unknown method was accepted")
	}
}

// Shopee's refusal fails its order only, with Shopee's code and message; a definite refusal
// worth retrying is retried, an answer that never came is not (ship_order may have worked).
func TestPackRefusals(t *testing.T) {
	f, c := newFakeLogistics(t, paramsAll)
	f.ship = func(sn string, attempt int) (int, string) {
		switch {
		case sn == "SN2":
			return 200, `{"error":"logistics.package_already_shipped","message":"package has been shipped","request_id":"r"}`
		case sn == "SN3" && attempt == 1:
			return 200, `{"error":"error_system_busy","message":"busy","request_id":"r"}`
		case sn == "SN4":
			return 503, `<html>gateway</html>`
		case sn == "SN5" && attempt == 1:
			return 429, `{"error":"error_server","message":"Too many requests, please try again later"}`
		}
		return 0, ""
	}
	var orders []domain.Order
	for i := range 6 {
		orders = append(orders, newOrder(fmt.Sprintf("SN%d", i+1)))
	}
	res, err := c.Pack(context.Background(), orders, market.Shipping{Method: market.Pickup})
	if err != nil || len(res) != 6 {
		t.Fatalf("%+v %v", res, err)
	}
	for i, r := range res {
		if r.OrderNo != orders[i].OrderNo {
			t.Errorf("result %d is %s", i, r.OrderNo)
		}
		var e *market.Error
		switch r.OrderNo {
		case "SN2":
			if !errors.As(r.Err, &e) || e.Code != "logistics.package_already_shipped" || e.Message != "package has been shipped" ||
				e.Retryable || e.Op != "POST "+pathShipOrder {
				t.Errorf("SN2: %v", r.Err)
			}
		case "SN4":
			if !errors.As(r.Err, &e) || !e.Retryable || e.Status != 503 {
				t.Errorf("SN4: %v", r.Err)
			}
		default:
			if r.Err != nil {
				t.Errorf("%s: %v", r.OrderNo, r.Err)
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for sn, want := range map[string]int{"SN1": 1, "SN2": 1, "SN3": 2, "SN4": 1, "SN5": 2, "SN6": 1} {
		if f.ships[sn] != want {
			t.Errorf("%s: ship_order sent %d times, want %d", sn, f.ships[sn], want)
		}
	}
}

// A cancelled Pack stops: the orders not reported failed with its error.
func TestPackCancelled(t *testing.T) {
	f, c := newFakeLogistics(t, paramsAll)
	ctx, cancel := context.WithCancel(context.Background())
	f.ship = func(sn string, _ int) (int, string) {
		cancel()
		return 0, ""
	}
	var orders []domain.Order
	for i := range 40 {
		orders = append(orders, newOrder(fmt.Sprintf("SN%d", i+1)))
	}
	res, err := c.Pack(ctx, orders, market.Shipping{Method: market.DropOff, BranchID: "7001", SenderName: "Ayu"})
	if !errors.Is(err, context.Canceled) || len(res) >= len(orders) {
		t.Fatalf("%d results, %v", len(res), err)
	}
}

func TestNoSuchAction(t *testing.T) {
	f, c := newFakeLogistics(t, paramsAll)
	orders := []domain.Order{newOrder("SN1"), newOrder("SN2")}
	for name, act := range map[string]func(context.Context, []domain.Order) ([]market.ActionResult, error){
		"ReadyToShip": c.ReadyToShip, "Repack": c.Repack, "MarkDelivered": c.MarkDelivered,
	} {
		res, err := act(context.Background(), orders)
		if err != nil || len(res) != 2 {
			t.Fatalf("%s: %+v %v", name, res, err)
		}
		for i, r := range res {
			if r.OrderNo != orders[i].OrderNo || !errors.Is(r.Err, ErrNoSuchAction) || market.Retryable(r.Err) ||
				!strings.Contains(r.Err.Error(), "Shopee has no such action") {
				t.Errorf("%s: %+v", name, r)
			}
		}
	}
	if calls := f.log(); len(calls) != 0 {
		t.Errorf("calls %+v", calls)
	}
}

// Orders reads details in batches of at most 50, with the tracking numbers of arranged packages.
func TestOrdersBatches(t *testing.T) {
	f, c := newFakeLogistics(t, paramsAll)
	c.limiter = rate.NewLimiter(rate.Inf, 1) // 120 tracking numbers
	var ids []string
	for i := range 120 {
		ids = append(ids, fmt.Sprintf("SN%03d", i))
	}
	ids = append(ids, "SN000", " ")
	orders, err := c.Orders(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 120 {
		t.Fatalf("%d orders", len(orders))
	}
	for _, o := range orders {
		if o.Status != domain.SpProcessed || len(o.Packages) != 1 || o.Packages[0].TrackingNo != "MY2600000001" {
			t.Errorf("order %+v", o)
			break
		}
	}
	n := 0
	for _, call := range f.log() {
		if call.path == pathOrderDetail {
			n++
			if k := len(strings.Split(call.query.Get("order_sn_list"), ",")); k > DetailBatch {
				t.Errorf("%d order_sns in one call", k)
			}
			if got := call.query.Get("response_optional_fields"); got != strings.Join(detailFields, ",") {
				t.Errorf("fields %s", got)
			}
		}
	}
	if n != 3 || f.count(pathTracking) != 120 {
		t.Errorf("%d detail calls, %d tracking calls", n, f.count(pathTracking))
	}
}

func TestEarliestSlotAndDefaultAddress(t *testing.T) {
	var a shippingParamAnswer
	if err := json.Unmarshal([]byte(`{"pickup":{"address_list":[
		{"address_id":1,"address_flag":["return_address"],"time_slot_list":[{"pickup_time_id":"u1"},{"date":300,"pickup_time_id":"s3"},{"date":200,"pickup_time_id":"s2"},{"date":200,"pickup_time_id":"s2b"}]},
		{"address_id":2,"address_flag":["default_address"],"time_slot_list":[{"pickup_time_id":"u1"},{"pickup_time_id":"u2"}]}]}}`), &a); err != nil {
		t.Fatal(err)
	}
	if id := earliestSlot(&a.Pickup.AddressList[0]); id != "s2" {
		t.Errorf("earliest %s", id)
	}
	if id := earliestSlot(&a.Pickup.AddressList[1]); id != "u1" {
		t.Errorf("undated: %s", id)
	}
	if d := defaultAddress(a.Pickup.AddressList); d == nil || d.AddressID != "2" {
		t.Errorf("default %+v", d)
	}
	if d := defaultAddress(a.Pickup.AddressList[:1]); d == nil || d.AddressID != "1" {
		t.Errorf("first %+v", d)
	}
	if defaultAddress(nil) != nil {
		t.Error("an address out of none")
	}
}
