package shopee

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/market"
)

// The reference's vectors (S1), recomputed there with Python HMAC.
const (
	docKey       = "57615053704d6470644f554a78656d50484143644964436a5568777544524579"
	docPartner   = 2001887
	docTimestamp = 1655714431
	docAccess    = "59777174636562737266615546704c6d"
	docShop      = "14701711"
)

func TestSignShopVector(t *testing.T) {
	base := baseString(docPartner, "/api/v2/shop/get_shop_info", docTimestamp, docAccess, docShop)
	if want := "2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711"; base != want {
		t.Fatalf("base string\n got %s\nwant %s", base, want)
	}
	got := Sign(docKey, docPartner, "/api/v2/shop/get_shop_info", docTimestamp, docAccess, docShop)
	if want := "b914bea03c13799deb036bb9d10e689f5a6bade160c44af568646f1ef7d796c1"; got != want {
		t.Fatalf("shop sign\n got %s\nwant %s", got, want)
	}
}

func TestSignPublicVector(t *testing.T) {
	if base := baseString(docPartner, "/api/v2/auth/token/get", docTimestamp, "", ""); base != "2001887/api/v2/auth/token/get1655714431" {
		t.Fatalf("public base string %s", base)
	}
	got := Sign(docKey, docPartner, "/api/v2/auth/token/get", docTimestamp, "", "")
	if want := "a04e209270a2b5ad27d10a237a3f4ba9715aa3f109de7c4d52973a17ddd932ee"; got != want {
		t.Fatalf("public sign\n got %s\nwant %s", got, want)
	}
}

// unitClient is a client on an address nothing listens on; its keeper is a real data file.
func unitClient(t *testing.T, base string, logTo io.Writer) (*Client, market.Keeper) {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	now := time.Unix(docTimestamp, 0).UTC()
	st, err := d.LinkStore(ctx, domain.Store{Platform: domain.Shopee, Name: "Butik Ayu", Region: "MY", ShopID: docShop},
		db.Link{BaseURL: base, AppKey: "2001887"},
		db.Secrets{AppSecret: docKey, Tokens: market.Tokens{Access: docAccess, Refresh: "726566726573682d746f6b656e2d31",
			AccessExpires: now.Add(4 * time.Hour)}}, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	cfg := market.Config{BaseURL: base, AppKey: "2001887", AppSecret: docKey, ShopID: docShop, Region: "MY",
		Keeper: d.Keeper(st.ID), Now: func() time.Time { return now }, RetryBase: time.Millisecond}
	if logTo != nil {
		cfg.Log = slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, cfg.Keeper
}

// The wire format: common parameters in the query for GET and POST, the sign over the documented
// path even when the host is mounted under a prefix, POST business parameters as JSON.
func TestRequestShape(t *testing.T) {
	c, _ := unitClient(t, "http://127.0.0.1:9/shopee/", nil)
	ctx := context.Background()
	q := url.Values{"order_sn_list": {"201218V2Y6E59M"}}
	hr, err := c.newHTTPRequest(ctx, request{method: http.MethodGet, path: pathOrderDetail, params: q}, docAccess, docShop)
	if err != nil {
		t.Fatal(err)
	}
	if hr.URL.Path != "/shopee/api/v2/order/get_order_detail" {
		t.Errorf("path %s", hr.URL.Path)
	}
	got := hr.URL.Query()
	for k, want := range map[string]string{"partner_id": "2001887", "timestamp": "1655714431", "access_token": docAccess,
		"shop_id": docShop, "order_sn_list": "201218V2Y6E59M",
		"sign": Sign(docKey, docPartner, "/api/v2/order/get_order_detail", docTimestamp, docAccess, docShop)} {
		if got.Get(k) != want {
			t.Errorf("query %s = %q, want %q", k, got.Get(k), want)
		}
	}
	if hr.Body != nil && hr.Body != http.NoBody {
		t.Error("a GET has a body")
	}

	hr, err = c.newHTTPRequest(ctx, request{method: http.MethodPost, path: pathTokenGet, sign: signPublic, onAuth: true,
		body: map[string]any{"code": "abc", "partner_id": int64(docPartner), "shop_id": int64(14701711)}}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	got = hr.URL.Query()
	if got.Get("sign") != "a04e209270a2b5ad27d10a237a3f4ba9715aa3f109de7c4d52973a17ddd932ee" || got.Get("partner_id") != "2001887" ||
		got.Get("timestamp") != "1655714431" || got.Has("access_token") || got.Has("shop_id") || got.Has("code") {
		t.Errorf("public POST query %v", got)
	}
	if ct := hr.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	b, _ := io.ReadAll(hr.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil || body["code"] != "abc" || body["partner_id"] != float64(docPartner) ||
		body["shop_id"] != float64(14701711) {
		t.Errorf("body %s (%v)", b, err)
	}
}

func TestNewValidates(t *testing.T) {
	good := market.Config{BaseURL: Production, AppKey: "2001887", AppSecret: "k", ShopID: "14701711"}
	if _, err := New(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for name, mut := range map[string]func(*market.Config){
		"no base":        func(c *market.Config) { c.BaseURL = "" },
		"relative base":  func(c *market.Config) { c.BaseURL = "partner.shopeemobile.com" },
		"base with path": func(c *market.Config) { c.BaseURL = Production + "/api/v2/order/get_order_list" },
		"base query":     func(c *market.Config) { c.BaseURL = Production + "?x=1" },
		"bad auth":       func(c *market.Config) { c.AuthURL = "ftp://x" },
		"text partner":   func(c *market.Config) { c.AppKey = "abc" },
		"zero partner":   func(c *market.Config) { c.AppKey = "0" },
		"no key":         func(c *market.Config) { c.AppSecret = "" },
		"text shop":      func(c *market.Config) { c.ShopID = "shop-1" },
		"negative retry": func(c *market.Config) { c.RetryBase = -time.Second },
	} {
		cfg := good
		mut(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "k\"") {
			t.Errorf("%s: the message quotes the key: %v", name, err)
		}
	}
	c, err := New(market.Config{BaseURL: Production + "/", AppKey: " 2001887 ", AppSecret: "k"})
	if err != nil || c.base != Production || c.auth != Production || c.ShopID() != "" {
		t.Errorf("trailing slash and default auth host: %+v %v", c, err)
	}
}

// The shapes of the reference's samples.
func TestDecodeTokenAnswers(t *testing.T) {
	now := time.Unix(docTimestamp, 0).UTC()
	get := `{"refresh_token":"4e4c4f7a6a4a4d4f","access_token":"6c4e4f4b6b6a6b62","expire_in":14400,"request_id":"e3e3e7f33","error":"","message":"","merchant_id_list":[],"shop_id_list":[14701711]}`
	renew := `{"refresh_token":"r2","access_token":"a2","expire_in":"14400","partner_id":2001887,"shop_id":"14701711","error":"","message":"","request_id":"x"}`
	wrapped := `{"error":"","message":"","request_id":"x","response":{"access_token":"a3","refresh_token":"r3","expire_in":7200}}`
	c, _ := New(market.Config{BaseURL: Production, AppKey: "2001887", AppSecret: "k"})
	for _, tc := range []struct {
		body, access, refresh string
		life                  time.Duration
	}{{get, "6c4e4f4b6b6a6b62", "4e4c4f7a6a4a4d4f", 4 * time.Hour}, {renew, "a2", "r2", 4 * time.Hour}, {wrapped, "a3", "r3", 2 * time.Hour}} {
		var ans tokenAnswer
		req := request{method: http.MethodPost, path: pathTokenGet, flat: true, out: &ans}
		if _, _, err := c.interpret(req, 200, http.Header{}, []byte(tc.body)); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		tok, err := ans.tokens(now)
		if err != nil || tok.Access != tc.access || tok.Refresh != tc.refresh || !tok.AccessExpires.Equal(now.Add(tc.life)) ||
			!tok.RefreshExpires.Equal(now.Add(RefreshLifetime)) {
			t.Errorf("%s: %+v %v", tc.body, tok, err)
		}
	}
	var ans tokenAnswer
	if _, _, err := c.interpret(request{flat: true, out: &ans}, 200, http.Header{}, []byte(`{"error":"","access_token":"","refresh_token":""}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := ans.tokens(now); err == nil {
		t.Error("an answer without tokens was accepted")
	}
}

const detailSample = `{
 "error": "-", "message": "", "request_id": "b937c04e554847789cbf3fe33a0ad5f1",
 "response": {"order_list": [{
  "order_sn": "201218V2Y6E59M", "region": "MY", "currency": "MYR", "cod": false, "order_status": "PROCESSED",
  "message_to_seller": "Tolong bungkus elok-elok", "create_time": 1608262001, "update_time": 1608262255,
  "days_to_ship": 3, "ship_by_date": 1608521201, "booking_sn": "", "advance_package": false,
  "total_amount": 60.2, "estimated_shipping_fee": 4.9, "buyer_user_id": 258065, "buyer_username": "aisyah.a",
  "payment_method": "Online Banking", "shipping_carrier": "Shopee Xpress", "note": "fragile", "pay_time": "1608262100",
  "cancel_by": "", "cancel_reason": "", "buyer_cancel_reason": "",
  "recipient_address": {"name": "Nur Aisyah", "phone": "60123456789", "town": "", "district": "Damansara",
   "city": "Petaling Jaya", "state": "Selangor", "region": "MY", "zipcode": "47300", "full_address": "12, Jalan SS 2/24, 47300 Petaling Jaya"},
  "item_list": [
   {"item_id": 3000003001, "item_name": "Tudung Bawal Chiffon", "item_sku": "TDG", "model_id": "4000004001", "model_name": "Black",
    "model_sku": "TDG-CHF-BLK", "model_quantity_purchased": 2, "model_original_price": 29.9, "model_discounted_price": 19.99,
    "order_item_id": 3000003001, "promotion_group_id": 0, "weight": 0.2, "image_info": {"image_url": "https://cf.shopee.com.my/file/a1"}},
   {"item_id": "3000003002", "item_name": "Inner Anak Tudung", "item_sku": "INR-01", "model_id": 0, "model_name": "",
    "model_sku": "", "model_quantity_purchased": "1", "model_original_price": "15", "model_discounted_price": "12.50",
    "order_item_id": 3000003002, "image_info": {"image_url": ""}}
  ],
  "package_list": [
   {"package_number": "OFG0000002", "logistics_status": "LOGISTICS_REQUEST_CREATED", "logistics_channel_id": 2000,
    "shipping_carrier": "Shopee Xpress", "item_list": [{"item_id": 3000003001, "model_id": 4000004001, "model_quantity": 2, "order_item_id": 3000003001}]}
  ]
 }, {
  "order_sn": "201219CANCEL01", "region": "MY", "currency": "MYR", "cod": "1", "order_status": "CANCELLED",
  "message_to_seller": "", "create_time": 1608300000, "update_time": 1608400000, "ship_by_date": 0,
  "total_amount": "10", "estimated_shipping_fee": 0, "cancel_by": "Ops", "cancel_reason": "", "buyer_cancel_reason": "Change of mind",
  "item_list": [{"item_id": 1, "item_name": "Pin", "item_sku": "PIN", "model_id": 0, "model_quantity_purchased": 1,
   "model_original_price": 10, "model_discounted_price": 10, "order_item_id": 1}],
  "package_list": []
 }]},
 "warning": ["2012190000NONE"]
}`

func TestDecodeOrderDetail(t *testing.T) {
	c, _ := New(market.Config{BaseURL: Production, AppKey: "2001887", AppSecret: "k", Region: "MY"})
	var ans orderDetailAnswer
	req := request{method: http.MethodGet, path: pathOrderDetail, out: &ans}
	env, _, err := c.interpret(req, 200, http.Header{}, []byte(detailSample))
	if err != nil {
		t.Fatalf(`"-" is the doc's success artefact: %v`, err)
	}
	if w := warnings(env.Warning); len(w) != 1 || w[0] != "2012190000NONE" {
		t.Errorf("warning %v", w)
	}
	if len(ans.OrderList) != 2 {
		t.Fatalf("%d orders", len(ans.OrderList))
	}
	o, err := ans.OrderList[0].toOrder(c.currency())
	if err != nil {
		t.Fatal(err)
	}
	m := func(v int64) domain.Money { return domain.Money{Minor: v, Currency: "MYR"} }
	if o.OrderNo != "201218V2Y6E59M" || o.PlatformID != o.OrderNo || o.Status != "PROCESSED" || o.Currency != "MYR" {
		t.Errorf("ids/status: %+v", o)
	}
	if !o.CreatedAt.Equal(time.Unix(1608262001, 0)) || !o.UpdatedAt.Equal(time.Unix(1608262255, 0)) ||
		!o.PaidAt.Equal(time.Unix(1608262100, 0)) || !o.ShipBy.Equal(time.Unix(1608521201, 0)) || o.CreatedAt.Location() != time.UTC {
		t.Errorf("times: %v %v %v %v", o.CreatedAt, o.UpdatedAt, o.PaidAt, o.ShipBy)
	}
	// 2 x 19.99 + 12.50 = 52.48; + 4.90 shipping - 60.20 paid: no voucher.
	if o.Subtotal != m(5248) || o.ShippingFee != m(490) || o.Total != m(6020) || o.PlatformVoucher.Minor != 0 {
		t.Errorf("money: subtotal %v shipping %v total %v voucher %v", o.Subtotal, o.ShippingFee, o.Total, o.PlatformVoucher)
	}
	if o.Buyer.UserID != "258065" || o.Buyer.Username != "aisyah.a" || o.PaymentMethod != "Online Banking" || o.COD ||
		o.BuyerNote != "Tolong bungkus elok-elok" || o.SellerNote != "fragile" || o.DeliveryOption != "Shopee Xpress" {
		t.Errorf("buyer/notes: %+v", o)
	}
	wantAddr := domain.Address{Name: "Nur Aisyah", Phone: "60123456789", Lines: []string{"12, Jalan SS 2/24, 47300 Petaling Jaya"},
		District: "Damansara", City: "Petaling Jaya", State: "Selangor", Postcode: "47300", Country: "MY"}
	if b1, b2 := mustJSON(o.Address), mustJSON(wantAddr); b1 != b2 {
		t.Errorf("address\n got %s\nwant %s", b1, b2)
	}
	if len(o.Items) != 2 {
		t.Fatalf("items %+v", o.Items)
	}
	it := o.Items[0]
	if it.PlatformItemID != "3000003001" || it.ProductID != "3000003001" || it.SKUID != "4000004001" || it.SKU != "TDG-CHF-BLK" ||
		it.Name != "Tudung Bawal Chiffon" || it.Variation != "Black" || it.Qty != 2 || it.UnitPrice != m(2990) ||
		it.PaidPrice != m(1999) || it.PackageID != "OFG0000002" || it.ImageURL != "https://cf.shopee.com.my/file/a1" {
		t.Errorf("item 1 %+v", it)
	}
	it = o.Items[1]
	if it.SKU != "INR-01" || it.SKUID != "0" || it.Qty != 1 || it.UnitPrice != m(1500) || it.PaidPrice != m(1250) || it.PackageID != "" {
		t.Errorf("item 2 %+v", it)
	}
	if len(o.Packages) != 1 || o.Packages[0] != (domain.Package{ID: "OFG0000002", Provider: "Shopee Xpress", Status: "LOGISTICS_REQUEST_CREATED"}) {
		t.Errorf("packages %+v", o.Packages)
	}
	if !tracked(o.Status, o.Packages[0]) {
		t.Error("a PROCESSED order's arranged package is not tracked")
	}
	if tracked(domain.SpCompleted, o.Packages[0]) {
		t.Error("a COMPLETED order's package is tracked: a first sync would ask for every finished order")
	}

	o, err = ans.OrderList[1].toOrder(c.currency())
	if err != nil {
		t.Fatal(err)
	}
	if o.CancelledBy != "system" || o.CancelReason != "Change of mind" || !o.COD || o.Total != m(1000) || !o.ShipBy.IsZero() ||
		o.PaidAt.IsZero() == false || o.Address.Lines != nil || o.CancelRequested {
		t.Errorf("cancelled order %+v", o)
	}
}

// A voucher shows as the gap between what the items and shipping cost and what was paid.
func TestPlatformVoucher(t *testing.T) {
	j := orderJSON{OrderSN: "X", Currency: "MYR", OrderStatus: "IN_CANCEL", CreateTime: 1, TotalAmount: "30.1", EstShippingFee: "0.1"}
	j.ItemList = append(j.ItemList, itemJSON{Quantity: 3, OriginalPrice: "10.1", DiscountedPrice: "10.1"})
	o, err := j.toOrder("")
	if err != nil {
		t.Fatal(err)
	}
	// 3 x 10.10 + 0.10 - 30.10 = 0.30, exactly: no float arithmetic on money.
	if o.Subtotal.Minor != 3030 || o.PlatformVoucher.Minor != 30 || !o.CancelRequested {
		t.Errorf("subtotal %v voucher %v", o.Subtotal, o.PlatformVoucher)
	}
	if m, err := money("1e2", "MYR"); err != nil || m.Minor != 10000 {
		t.Errorf("exponent form: %v %v", m, err)
	}
	if _, err := money("abc", "MYR"); err == nil {
		t.Error("text read as money")
	}
}

func TestWarningShapes(t *testing.T) {
	for raw, want := range map[string]string{
		`["A","B"]`:               "A,B",
		`"A"`:                     "A",
		`[{"order_sn":"A"}, 123]`: "A,123",
		`null`:                    "",
		``:                        "",
		`{"x":1}`:                 "",
	} {
		if got := strings.Join(warnings(json.RawMessage(raw)), ","); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}

func TestErrorAnswers(t *testing.T) {
	c, _ := New(market.Config{BaseURL: Production, AppKey: "2001887", AppSecret: "k"})
	req := request{method: http.MethodGet, path: pathOrderList, out: &orderListAnswer{}}
	for _, tc := range []struct {
		status    int
		body      string
		code      string
		retryable bool
	}{
		{200, `{"error":"","message":"","request_id":"r","response":{"more":false,"next_cursor":"","order_list":[]}}`, "", false},
		{200, `{"error":"error_param","message":"Wrong parameters, detail: page_size.","request_id":"r"}`, "error_param", false},
		{403, `{"error":"error_auth","message":"Invalid access_token.","request_id":"r"}`, "error_auth", false},
		{200, `{"error":"error_server","message":"Something wrong. Please try later.","request_id":"r"}`, "error_server", true},
		{200, `{"error":"error_system_busy","message":"busy"}`, "error_system_busy", true},
		{500, `{"error":"error_inner","message":"inner"}`, "error_inner", true},
		{200, `{"error":"error_network","message":"net"}`, "error_network", true},
		{429, `{"error":"","message":"Too many requests"}`, "", true},
		{503, `<html>busy</html>`, "", true},
		{200, `{"error":"","message":"","request_id":"r","resp`, "", true},
		{404, `{"error":"error_not_found","message":"no"}`, "error_not_found", false},
		{400, `{"error":"","message":""}`, "", false},
		{200, `{"error":"","message":""}`, "", true}, // no response object: undecodable
	} {
		_, _, err := c.interpret(req, tc.status, http.Header{}, []byte(tc.body))
		if tc.code == "" && tc.status == 200 && !tc.retryable {
			if err != nil {
				t.Errorf("%s: %v", tc.body, err)
			}
			continue
		}
		var e *market.Error
		if !errors.As(err, &e) {
			t.Errorf("%d %s: %v is not a *market.Error", tc.status, tc.body, err)
			continue
		}
		if e.Code != tc.code || e.Retryable != tc.retryable || e.Status != tc.status || e.Platform != domain.Shopee ||
			e.Op != "GET /api/v2/order/get_order_list" {
			t.Errorf("%d %s: %+v", tc.status, tc.body, e)
		}
	}
	// A batch API whose every entry failed still carries its result_list.
	env, _, err := c.interpret(request{method: http.MethodPost, path: "/api/v2/logistics/create_shipping_document"}, 200, http.Header{},
		[]byte(`{"error":"common.batch_api_all_failed","message":"all failed","request_id":"r","response":{"result_list":[{"order_sn":"A","fail_error":"logistics.x","fail_message":"m"}]}}`))
	var e *market.Error
	if !errors.As(err, &e) || e.Code != "common.batch_api_all_failed" || e.Retryable || env == nil {
		t.Fatalf("batch failure: %v %v", env, err)
	}
	var res struct {
		ResultList []struct {
			OrderSN   string `json:"order_sn"`
			FailError string `json:"fail_error"`
		} `json:"result_list"`
	}
	if err := json.Unmarshal(env.Response, &res); err != nil || len(res.ResultList) != 1 || res.ResultList[0].FailError != "logistics.x" {
		t.Errorf("result_list: %+v %v", res, err)
	}
	_, ra, _ := c.interpret(req, 429, http.Header{"Retry-After": {"3"}}, []byte(`{"error":"error_server","message":"Too many requests, please try again later"}`))
	if ra != 3*time.Second {
		t.Errorf("Retry-After %v", ra)
	}
}

func TestTokenClassification(t *testing.T) {
	for _, tc := range []struct {
		code, msg       string
		access, refresh bool
	}{
		{"error_auth", "Invalid access_token.", true, true},
		{"invalid_acceess_token", "Invalid access_token.", true, false},
		{"error_auth", "No permission to current api.", false, true},
		{"error_auth", "Invalid partner_id or shopid.", false, true},
		{"refresh_token_expired", "", false, true},
		{"shop_access_expired", "", false, true},
		{"error_shop_refresh_token", "", false, true},
		{"shop_banned", "", false, true},
		{"shop_no_linked", "", false, true},
		{"error_server", "", false, false},
		{"error_sign", "Wrong sign.", false, false},
		{"error_param", "Invalid timestamp", false, false},
	} {
		e := &market.Error{Code: tc.code, Message: tc.msg}
		if accessRefused(e) != tc.access || refreshRefused(e) != tc.refresh {
			t.Errorf("%s %q: access %v refresh %v", tc.code, tc.msg, accessRefused(e), refreshRefused(e))
		}
	}
	err := relink(&market.Error{Platform: domain.Shopee, Code: "error_auth", Message: "Invalid refresh_token."})
	var e *market.Error
	if !errors.Is(err, market.ErrRelink) || !errors.As(err, &e) || e.Code != "error_auth" {
		t.Errorf("relink wrapping: %v", err)
	}
}

func TestWindows(t *testing.T) {
	from := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(40*24*time.Hour + 500*time.Millisecond)
	ws := windows(from, to)
	if len(ws) != 3 {
		t.Fatalf("%d windows: %v", len(ws), ws)
	}
	if ws[0].from != from.Unix() || ws[2].to != to.Unix()+1 {
		t.Errorf("cover: %v", ws)
	}
	for i, w := range ws {
		if w.to-w.from > int64(MaxWindow/time.Second) || w.to <= w.from {
			t.Errorf("window %d: %v", i, w)
		}
		if i > 0 && ws[i-1].to != w.from {
			t.Errorf("gap before window %d", i)
		}
	}
	if len(windows(to, to)) != 0 || len(windows(to, from)) != 0 {
		t.Error("an empty range has windows")
	}
}

func TestBackoff(t *testing.T) {
	c, _ := New(market.Config{BaseURL: Production, AppKey: "1", AppSecret: "k", RetryBase: 100 * time.Millisecond})
	for n, hi := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 20: maxBackoff} {
		for range 50 {
			if d := c.backoff(n); d < hi/2 || d > hi {
				t.Fatalf("attempt %d: %v outside [%v, %v]", n, d, hi/2, hi)
			}
		}
	}
	if d, ok := c.wait(1, 3*time.Second); !ok || d != 3*time.Second {
		t.Errorf("Retry-After 3 s: wait %v %v", d, ok)
	}
	if d, ok := c.wait(1, 0); !ok || d > 100*time.Millisecond {
		t.Errorf("no Retry-After: wait %v %v", d, ok)
	}
	if _, ok := c.wait(1, time.Hour); ok {
		t.Error("waited out an hour's Retry-After")
	}
	c, _ = New(market.Config{BaseURL: Production, AppKey: "1", AppSecret: "k"})
	if c.retryBase != 500*time.Millisecond {
		t.Errorf("default retry base %v", c.retryBase)
	}
}

// No secret reaches an error or a log line: net/http quotes the whole URL (with access_token and
// sign) in its errors, and the platform may echo what it was sent.
func TestRedaction(t *testing.T) {
	ue := &url.Error{Op: "Get", URL: "http://127.0.0.1:9/api/v2/order/get_order_list?access_token=" + docAccess + "&sign=abc", Err: errors.New("refused")}
	if s := redactErr(ue).Error(); strings.Contains(s, docAccess) || strings.Contains(s, "sign=") || !strings.Contains(s, "/api/v2/order/get_order_list") {
		t.Errorf("redacted: %s", s)
	}

	// A real connection to a port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var logs bytes.Buffer
	c, _ := unitClient(t, "http://"+addr+"/shopee", &logs)
	_, err = c.call(context.Background(), request{method: http.MethodGet, path: pathOrderList, params: url.Values{"page_size": {"100"}}})
	var e *market.Error
	if !errors.As(err, &e) || !e.Retryable || e.Op != "GET /api/v2/order/get_order_list" {
		t.Fatalf("network failure: %v", err)
	}
	sign := Sign(docKey, docPartner, pathOrderList, docTimestamp, docAccess, docShop)
	for _, secret := range []string{docAccess, docKey, sign, "726566726573682d746f6b656e2d31", "access_token=", "sign="} {
		if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
			t.Errorf("%q leaked:\n%s\n%s", secret, err, logs.String())
		}
	}
	if n := strings.Count(logs.String(), "retrying"); n != MaxAttempts-1 {
		t.Errorf("%d retries logged, want %d", n, MaxAttempts-1)
	}

	// A message that echoes secrets.
	msg := c.scrub("Wrong parameters, detail: access_token " + docAccess + " sign " + sign + " key " + docKey)
	if strings.Contains(msg, docAccess) || strings.Contains(msg, sign) || strings.Contains(msg, docKey) {
		t.Errorf("scrubbed: %s", msg)
	}
	if e := c.fail(request{method: "GET", path: pathOrderList}, 400, "error_param", "token "+docAccess, false); strings.Contains(e.Error(), docAccess) {
		t.Errorf("market.Error: %s", e)
	}
}

// An expired refresh token is not sent: the seller must link the store again.
func TestExpiredRefreshToken(t *testing.T) {
	c, keeper := unitClient(t, "http://127.0.0.1:9", nil)
	ctx := context.Background()
	tok, _ := keeper.Tokens(ctx)
	tok.AccessExpires = c.now().Add(-time.Hour)
	tok.RefreshExpires = c.now().Add(-time.Minute)
	if err := keeper.SaveTokens(ctx, tok); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.accessToken(ctx)
	if !errors.Is(err, market.ErrRelink) {
		t.Fatalf("want ErrRelink, got %v", err)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
