package lazada

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// fulfilServer answers the fulfilment APIs from a function the test gives, over real HTTP, after
// checking what every call must be: a signed form POST with no query, one JSON parameter.
type fulfilServer struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	calls  []fulfilCall
	answer func(n int, path string, req map[string]any) (status int, body string) // n counts calls from 1
}

type fulfilCall struct {
	path  string
	param string         // the JSON parameter's name
	req   map[string]any // its decoded value
	raw   string
}

var fulfilParams = map[string]string{
	pathPack: "packReq", pathRTS: "readyToShipReq", pathRepack: "rePackReq", pathSOFDelivered: "dbsDeliveryReq",
}

func (s *fulfilServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/rest")
	param, ok := fulfilParams[path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost || r.URL.RawQuery != "" ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		s.t.Errorf("%s: %s with query %q, content type %q: want a form POST without a query", path, r.Method, r.URL.RawQuery, r.Header.Get("Content-Type"))
	}
	if err := r.ParseForm(); err != nil {
		s.t.Fatal(err)
	}
	flat := map[string]string{}
	for k := range r.PostForm {
		flat[k] = r.PostForm.Get(k)
	}
	if got, want := flat["sign"], sign(s.secret, path, flat); got != want {
		s.t.Errorf("%s: sign %s, want %s", path, got, want)
	}
	if flat["access_token"] == "" || flat["app_key"] == "" || flat["sign_method"] != "sha256" {
		s.t.Errorf("%s: system parameters missing: %v", path, r.PostForm)
	}
	var req map[string]any
	if err := json.Unmarshal([]byte(flat[param]), &req); err != nil {
		s.t.Errorf("%s: %s is not JSON: %q", path, param, flat[param])
	}
	s.mu.Lock()
	s.calls = append(s.calls, fulfilCall{path: path, param: param, req: req, raw: flat[param]})
	n := len(s.calls)
	s.mu.Unlock()
	status, body := s.answer(n, path, req)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func (s *fulfilServer) log() []fulfilCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]fulfilCall(nil), s.calls...)
}

func newFulfilClient(t *testing.T, s *fulfilServer, httpc *http.Client) *Client {
	t.Helper()
	s.t, s.secret = t, "fulfil-secret"
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	_, _, keeper := linkedStore(t, srv.URL+"/rest", "100200", s.secret, "1",
		market.Tokens{Access: "access", Refresh: "refresh", AccessExpires: now.Add(24 * time.Hour)}, now)
	c, err := New(market.Config{BaseURL: srv.URL + "/rest", AppKey: "100200", AppSecret: s.secret, Region: "MY",
		Keeper: keeper, Now: func() time.Time { return now }, RetryBase: time.Millisecond, HTTP: httpc})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// packAnswerFor answers a packReq: every item succeeds unless fail names it (item id -> code).
func packAnswerFor(req map[string]any, fail map[string]string, retry map[string]bool) string {
	var list []map[string]any
	for _, po := range req["pack_order_list"].([]any) {
		po := po.(map[string]any)
		var items []map[string]any
		for _, it := range po["order_item_list"].([]any) {
			id := fmt.Sprint(it)
			code, msg := "0", "success"
			if c, ok := fail[id]; ok {
				code, msg = c, "refused "+c
			}
			items = append(items, map[string]any{"order_item_id": it, "item_err_code": code, "msg": msg,
				"tracking_number": "MYLZ" + id, "shipment_provider": "LEX MY", "package_id": "FP" + id, "retry": retry[id]})
		}
		list = append(list, map[string]any{"order_id": po["order_id"], "order_item_list": items})
	}
	b, _ := json.Marshal(map[string]any{"code": "0", "request_id": "r", "result": map[string]any{
		"success": true, "error_code": "", "error_msg": "", "data": map[string]any{"pack_order_list": list}}})
	return string(b)
}

// packagesAnswerFor answers an RTS, repack or delivered call: every package succeeds unless fail
// names it.
func packagesAnswerFor(req map[string]any, fail map[string]string) string {
	var list []map[string]any
	for _, p := range req["packages"].([]any) {
		id := p.(map[string]any)["package_id"].(string)
		code, msg := "0", "success"
		if c, ok := fail[id]; ok {
			code, msg = c, "refused "+c
		}
		list = append(list, map[string]any{"package_id": id, "item_err_code": code, "msg": msg, "retry": false})
	}
	b, _ := json.Marshal(map[string]any{"code": "0", "request_id": "r", "result": map[string]any{
		"success": true, "data": map[string]any{"packages": list}}})
	return string(b)
}

// lzOrder is a Lazada order with one item per status given; item ids are id*10+i.
func lzOrder(id int, statuses ...string) domain.Order {
	o := domain.Order{Platform: domain.Lazada, OrderNo: "N" + strconv.Itoa(id), PlatformID: strconv.Itoa(id)}
	for i, st := range statuses {
		it := domain.Item{PlatformItemID: strconv.Itoa(id*10 + i), Status: st, Qty: 1,
			Cancelled: st == domain.LzCanceled}
		if st != domain.LzPending && st != domain.LzRepacked && st != domain.LzUnpaid {
			it.PackageID = "FP" + strconv.Itoa(id)
		}
		o.Items = append(o.Items, it)
	}
	return o
}

func errCode(err error) (code string, retry bool) {
	var me *market.Error
	if errors.As(err, &me) {
		return me.Code, me.Retryable
	}
	return "<not a market.Error>", false
}

func TestPackSendsLiveUnpackedItems(t *testing.T) {
	t.Parallel()
	s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
		return 200, packAnswerFor(req, nil, nil)
	}}
	c := newFulfilClient(t, s, nil)
	orders := []domain.Order{
		lzOrder(101, "pending", "repacked", "canceled", "packed"),
		lzOrder(102, "packed", "canceled"), // nothing to pack: fails without a call
		lzOrder(103, "pending"),
	}
	res, err := c.Pack(context.Background(), orders, market.Shipping{Method: market.Pickup})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].OrderNo != "N101" || res[1].OrderNo != "N102" || res[2].OrderNo != "N103" {
		t.Fatalf("results %+v", res)
	}
	if res[0].Err != nil || res[2].Err != nil {
		t.Errorf("packed orders failed: %v / %v", res[0].Err, res[2].Err)
	}
	if res[1].Err == nil || !strings.Contains(res[1].Err.Error(), "N102") || !strings.Contains(res[1].Err.Error(), "nothing to pack") {
		t.Errorf("order without packable items: %v", res[1].Err)
	}
	calls := s.log()
	if len(calls) != 1 || calls[0].path != pathPack {
		t.Fatalf("calls %+v", calls)
	}
	want := `{"pack_order_list":[{"order_id":101,"order_item_list":[1010,1011]},{"order_id":103,"order_item_list":[1030]}],"delivery_type":"dropship","shipping_allocate_type":"TFS"}`
	if calls[0].raw != want {
		t.Errorf("packReq\n got %s\nwant %s", calls[0].raw, want)
	}
	if strings.Contains(calls[0].raw, "shipment_provider_code") {
		t.Error("shipment_provider_code is for NTFS only")
	}
}

// success=true with failing items: each order is judged by its own items.
func TestPackPartialFailure(t *testing.T) {
	t.Parallel()
	s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
		body := packAnswerFor(req, map[string]string{"2021": "700026", "2030": "6", "2040": "1003"}, map[string]bool{"2040": true})
		// The answer leaves order 205 out.
		var a map[string]any
		json.Unmarshal([]byte(body), &a)
		data := a["result"].(map[string]any)["data"].(map[string]any)
		list := data["pack_order_list"].([]any)
		data["pack_order_list"] = list[:len(list)-1]
		b, _ := json.Marshal(a)
		return 200, string(b)
	}}
	c := newFulfilClient(t, s, nil)
	orders := []domain.Order{lzOrder(201, "pending"), lzOrder(202, "pending", "pending", "pending"),
		lzOrder(203, "pending"), lzOrder(204, "pending"), lzOrder(205, "pending")}
	res, err := c.Pack(context.Background(), orders, market.Shipping{})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Errorf("201: %v", res[0].Err)
	}
	for i, want := range []struct {
		code  string
		retry bool
		msg   string
	}{1: {"700026", false, "refused 700026"}, 2: {"6", true, "refused 6"}, 3: {"1003", true, "refused 1003"}, 4: {"", true, "does not report"}} {
		if i == 0 {
			continue
		}
		code, retry := errCode(res[i].Err)
		if code != want.code || retry != want.retry || !strings.Contains(res[i].Err.Error(), want.msg) {
			t.Errorf("%s: %v (code %q retry %v), want code %q retry %v", res[i].OrderNo, res[i].Err, code, retry, want.code, want.retry)
		}
	}
	if !strings.Contains(res[1].Err.Error(), "2021") {
		t.Errorf("the failing item is not named: %v", res[1].Err)
	}
}

// A call refused as a whole fails its orders only; the other calls' orders are judged on their own.
func TestPackBatchesAndCallLevelRefusal(t *testing.T) {
	t.Parallel()
	s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
		if n == 2 {
			return 200, `{"code":"0","request_id":"r","result":{"success":false,"error_code":"700022","error_msg":"BATCH_SIZE_OUT_OF_LIMIT","data":null}}`
		}
		return 200, packAnswerFor(req, nil, nil)
	}}
	c := newFulfilClient(t, s, nil)
	var orders []domain.Order
	for i := range 45 {
		orders = append(orders, lzOrder(1000+i, "pending", "pending"))
	}
	res, err := c.Pack(context.Background(), orders, market.Shipping{})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, call := range s.log() {
		sizes = append(sizes, len(call.req["pack_order_list"].([]any)))
	}
	if fmt.Sprint(sizes) != "[20 20 5]" {
		t.Errorf("batches %v, want [20 20 5]", sizes)
	}
	for i, r := range res {
		code, _ := errCode(r.Err)
		if (i >= 20 && i < 40) != (r.Err != nil) || (r.Err != nil && code != "700022") {
			t.Errorf("order %d (%s): %v", i, r.OrderNo, r.Err)
		}
	}
}

// A 500 is retried; an answer that cannot be read is not sent again (the pack may have happened),
// and its orders fail retryably so the engine checks them first.
func TestPackRetries(t *testing.T) {
	t.Parallel()
	t.Run("server error", func(t *testing.T) {
		s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
			if n == 1 {
				return 500, `{"type":"SYSTEM","code":"InternalError","message":"oops","request_id":"r"}`
			}
			return 200, packAnswerFor(req, nil, nil)
		}}
		c := newFulfilClient(t, s, nil)
		res, err := c.Pack(context.Background(), []domain.Order{lzOrder(301, "pending")}, market.Shipping{})
		if err != nil || res[0].Err != nil || len(s.log()) != 2 {
			t.Errorf("err %v, result %+v, %d calls", err, res, len(s.log()))
		}
	})
	t.Run("busy", func(t *testing.T) {
		s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
			if n == 1 {
				return 200, `{"code":"0","result":{"success":false,"error_code":"40011","error_msg":"system busy"}}`
			}
			return 200, packAnswerFor(req, nil, nil)
		}}
		c := newFulfilClient(t, s, nil)
		res, err := c.Pack(context.Background(), []domain.Order{lzOrder(302, "pending")}, market.Shipping{})
		if err != nil || res[0].Err != nil || len(s.log()) != 2 {
			t.Errorf("err %v, result %+v, %d calls", err, res, len(s.log()))
		}
	})
	t.Run("malformed", func(t *testing.T) {
		s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
			return 200, `{"code":"0","result":{"success":true,"data":{"pack_order_list":[`
		}}
		c := newFulfilClient(t, s, nil)
		res, err := c.Pack(context.Background(), []domain.Order{lzOrder(303, "pending")}, market.Shipping{})
		if err != nil || len(s.log()) != 1 || !market.Retryable(res[0].Err) {
			t.Errorf("err %v, result %+v, %d calls", err, res, len(s.log()))
		}
	})
	t.Run("no answer in time", func(t *testing.T) {
		release := make(chan struct{})
		s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
			<-release
			return 200, packAnswerFor(req, nil, nil)
		}}
		c := newFulfilClient(t, s, &http.Client{Timeout: 200 * time.Millisecond})
		defer close(release)
		res, err := c.Pack(context.Background(), []domain.Order{lzOrder(304, "pending")}, market.Shipping{})
		if err != nil || len(s.log()) != 1 || !market.Retryable(res[0].Err) {
			t.Errorf("err %v, result %+v, %d calls", err, res, len(s.log()))
		}
	})
}

// A cancelled context stops the action: it is returned, and only orders already answered are
// reported.
func TestPackStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
		if n == 2 {
			cancel()
			return 503, "down"
		}
		return 200, packAnswerFor(req, nil, nil)
	}}
	c := newFulfilClient(t, s, nil)
	var orders []domain.Order
	for i := range 25 {
		orders = append(orders, lzOrder(400+i, "pending"))
	}
	res, err := c.Pack(ctx, orders, market.Shipping{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	if len(res) != 20 {
		t.Errorf("%d results, want the 20 answered", len(res))
	}
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("%s: %v", r.OrderNo, r.Err)
		}
	}
}

func TestPackageActions(t *testing.T) {
	t.Parallel()
	type action func(*Client, context.Context, []domain.Order) ([]market.ActionResult, error)
	for _, tc := range []struct {
		name  string
		path  string
		do    action
		ready string // the item status the action is for
	}{
		{"rts", pathRTS, (*Client).ReadyToShip, "packed"},
		{"repack", pathRepack, (*Client).Repack, "packed"},
		{"delivered", pathSOFDelivered, (*Client).MarkDelivered, "shipping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
				if path != tc.path {
					t.Errorf("path %s, want %s", path, tc.path)
				}
				return 200, packagesAnswerFor(req, map[string]string{"FP502": "700000"})
			}}
			c := newFulfilClient(t, s, nil)
			two := lzOrder(503, tc.ready, tc.ready, "canceled")
			two.Items[1].PackageID = "FP503b"
			two.Items[2].PackageID = "FP503c" // cancelled: not sent
			orders := []domain.Order{lzOrder(501, tc.ready), lzOrder(502, tc.ready), two, lzOrder(504, "pending")}
			res, err := c.Pack(context.Background(), nil, market.Shipping{}) // nothing: no call
			if err != nil || len(res) != 0 || len(s.log()) != 0 {
				t.Fatalf("empty pack: %v %v %d", res, err, len(s.log()))
			}
			res, err = tc.do(c, context.Background(), orders)
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Err != nil || res[2].Err != nil {
				t.Errorf("done orders failed: %v / %v", res[0].Err, res[2].Err)
			}
			if code, retry := errCode(res[1].Err); code != "700000" || retry {
				t.Errorf("refused package: %v", res[1].Err)
			}
			if res[3].Err == nil || !strings.Contains(res[3].Err.Error(), "N504") {
				t.Errorf("order without a package: %v", res[3].Err)
			}
			calls := s.log()
			if len(calls) != 1 || calls[0].param != fulfilParams[tc.path] {
				t.Fatalf("calls %+v", calls)
			}
			if want := `{"packages":[{"package_id":"FP501"},{"package_id":"FP502"},{"package_id":"FP503"},{"package_id":"FP503b"}]}`; calls[0].raw != want {
				t.Errorf("%s\n got %s\nwant %s", calls[0].param, calls[0].raw, want)
			}
		})
	}
}

// RTS only sends packages whose items are packed; 45 packages go 20+20+5, and an order whose
// packages span two calls is done only when both are.
func TestReadyToShipBatches(t *testing.T) {
	t.Parallel()
	s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
		return 200, packagesAnswerFor(req, map[string]string{"FP620b": "700000"})
	}}
	c := newFulfilClient(t, s, nil)
	var orders []domain.Order
	for i := range 44 {
		o := lzOrder(600+i, "packed")
		if i == 19 || i == 20 {
			o.Items = append(o.Items, domain.Item{PlatformItemID: "x" + o.PlatformID, Status: "packed", Qty: 1, PackageID: "FP" + o.PlatformID + "b"})
		}
		if i == 30 {
			o.Items[0].Status = "ready_to_ship" // already RTS: nothing to send
		}
		orders = append(orders, o)
	}
	res, err := c.ReadyToShip(context.Background(), orders)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, call := range s.log() {
		sizes = append(sizes, len(call.req["packages"].([]any)))
	}
	if fmt.Sprint(sizes) != "[20 20 5]" {
		t.Errorf("batches %v, want [20 20 5]", sizes)
	}
	for i, r := range res {
		switch i {
		case 20:
			if code, _ := errCode(r.Err); code != "700000" {
				t.Errorf("%s: %v, want 700000 from its second package", r.OrderNo, r.Err)
			}
		case 30:
			if r.Err == nil {
				t.Errorf("%s: no packed package, yet done", r.OrderNo)
			}
		default:
			if r.Err != nil {
				t.Errorf("%s: %v", r.OrderNo, r.Err)
			}
		}
	}
}

// The delivered API's answer is not shown by the reference: a successful call that lists no
// package stands for all; RTS, whose answer lists them, does not.
func TestAnswersWithoutPackages(t *testing.T) {
	t.Parallel()
	s := &fulfilServer{answer: func(n int, path string, req map[string]any) (int, string) {
		return 200, `{"code":"0","request_id":"r","result":{"success":true,"error_code":"","error_msg":""}}`
	}}
	c := newFulfilClient(t, s, nil)
	res, err := c.MarkDelivered(context.Background(), []domain.Order{lzOrder(701, "shipping")})
	if err != nil || res[0].Err != nil {
		t.Errorf("delivered: %v %+v", err, res)
	}
	res, err = c.ReadyToShip(context.Background(), []domain.Order{lzOrder(702, "packed")})
	if err != nil || !market.Retryable(res[0].Err) {
		t.Errorf("rts: %v %+v", err, res)
	}
	if res, err := c.ShippingChoices(context.Background(), lzOrder(703, "pending")); err != nil ||
		len(res.Methods)+len(res.Addresses)+len(res.Slots)+len(res.Branches)+len(res.Needs) != 0 {
		t.Errorf("shipping choices %+v %v", res, err)
	}
}

func TestItemErrorDecoding(t *testing.T) {
	var ans packAnswer
	body := `{"code":"0","result":{"success":"true","data":{"pack_order_list":[{"order_id":"9","order_item_list":[
		{"order_item_id":"91","item_err_code":0,"msg":"success","package_id":"FP9","retry":"false"},
		{"order_item_id":92,"item_err_code":"700025","msg":"ORDER_ITEM_NOT_FOUND","retry":1}]}]}}}`
	if err := decodeResponse("POST /order/fulfill/pack", 200, []byte(body), &ans, nil); err != nil {
		t.Fatal(err)
	}
	items := ans.data().PackOrderList[0].OrderItemList
	if err := itemError("op", "x", items[0]); err != nil {
		t.Errorf("item_err_code 0 as a number: %v", err)
	}
	if code, retry := errCode(itemError("op", "x", items[1])); code != "700025" || !retry {
		t.Errorf("item 92: %q %v", code, retry)
	}
}
