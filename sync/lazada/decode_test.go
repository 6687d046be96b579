package lazada

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

var myt = ventureZones["MY"]

func myr(minor int64) domain.Money { return domain.Money{Minor: minor, Currency: "MYR"} }

// An order in the shape of the GetOrders example: ids and amounts quoted as strings, the
// "2014-10-15 18:36:05 +0800" time format, and the misspelt addressDsitrict.
const sampleOrder = `{
  "order_id": "16090", "order_number": "300034416", "created_at": "2014-10-15 18:36:05 +0800",
  "updated_at": "2014-10-15 18:36:05 +0800", "statuses": ["pending", "canceled"],
  "price": "99.00", "items_count": "3", "payment_method": "COD", "remarks": "call first",
  "customer_first_name": "Nur Aisyah", "customer_last_name": "binti Ahmad",
  "shipping_fee": "4.90", "shipping_fee_original": "6.00", "voucher": "10.00",
  "voucher_seller": "6.00", "voucher_platform": "4.00", "voucher_code": "RAYA10",
  "gift_option": "0", "promised_shipping_times": "2014-10-17 18:36:05 +0800",
  "warehouse_code": "dropshipping", "buyer_note": "no plastic bag",
  "need_cancel_confirm": "true", "is_cancel_pending": 0,
  "address_shipping": {"first_name": "Nur", "last_name": "Aisyah", "phone": 60123456789, "phone2": "",
    "address1": "12, Jalan SS 2/24", "address2": "", "address3": "Taman Bahagia", "address4": "", "address5": "",
    "city": "Petaling Jaya", "post_code": 47300, "country": "Malaysia", "addressDsitrict": "SS2"}
}`

// Items in the shape of the GetOrderItems example: one element per unit, numbers as strings and
// as numbers, the ISO time format.
const sampleItems = `[
  {"order_item_id": "1001", "order_id": 16090, "status": "pending", "name": "Tudung Bawal", "sku": "TDG-BLK",
   "shop_sku": "123_MY-456", "sku_id": 456, "product_id": "123", "variation": "Black",
   "item_price": "40.00", "paid_price": 35.5, "currency": "MYR", "voucher_seller": "3.00", "voucher_platform": "1.50",
   "package_id": "FP0001", "tracking_code": "MYMPA0001", "shipment_provider": "LEX MY",
   "shipping_type": "Dropshipping", "shipping_provider_type": "standard", "delivery_option_sof": 0,
   "promised_shipping_time": "2014-10-16T10:00:00+08:00",
   "created_at": "2014-10-15T18:36:05+08:00", "updated_at": "2014-10-15T18:40:00+08:00",
   "product_main_image": "https://img.example/1.jpg"},
  {"order_item_id": 1002, "order_id": "16090", "status": "pending", "name": "Tudung Bawal", "sku": "TDG-BLK",
   "shop_sku": "123_MY-456", "sku_id": "456", "product_id": 123, "variation": "Black",
   "item_price": 40, "paid_price": "35.50", "currency": "MYR", "voucher_seller": "3.00", "voucher_platform": "1.50",
   "package_id": "FP0001", "tracking_code": "MYMPA0001", "shipment_provider": "LEX MY",
   "shipping_type": "Dropshipping", "shipping_provider_type": "standard",
   "created_at": "2014-10-15T18:36:05+08:00", "updated_at": "2014-10-15T18:40:00+08:00"},
  {"order_item_id": "1003", "order_id": "16090", "status": "canceled", "name": "Kerongsang", "sku": "KRG-01",
   "item_price": "19.00", "paid_price": "19.00", "currency": "MYR", "voucher_seller": "", "voucher_platform": null,
   "package_id": "", "reason": "Out of Stock", "reason_detail": "supplier late",
   "cancel_return_initiator": "cancellation-seller", "return_status": "",
   "created_at": "2014-10-15 18:36:05 +0800", "updated_at": "2014-10-15 19:00:00 +0800"}
]`

func TestDecodeSampleOrder(t *testing.T) {
	var o orderJSON
	if err := json.Unmarshal([]byte(sampleOrder), &o); err != nil {
		t.Fatal(err)
	}
	var items []itemJSON
	if err := json.Unmarshal([]byte(sampleItems), &items); err != nil {
		t.Fatal(err)
	}
	got, err := toOrder(&o, items, "MY", myt)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2014, 10, 15, 10, 36, 5, 0, time.UTC)
	checks := []struct {
		what      string
		got, want any
	}{
		{"PlatformID", got.PlatformID, "16090"},
		{"OrderNo", got.OrderNo, "300034416"},
		{"CreatedAt", got.CreatedAt, created},
		{"UpdatedAt", got.UpdatedAt, created},
		{"Currency", got.Currency, "MYR"},
		{"Subtotal", got.Subtotal, myr(9900)},
		{"ShippingFee", got.ShippingFee, myr(490)},
		{"SellerVoucher", got.SellerVoucher, myr(600)},
		{"PlatformVoucher", got.PlatformVoucher, myr(400)},
		{"Total", got.Total, myr(9900 - 1000 + 490)},
		{"VoucherCode", got.VoucherCode, "RAYA10"},
		{"PaymentMethod", got.PaymentMethod, "COD"},
		{"COD", got.COD, true},
		{"Buyer.Name", got.Buyer.Name, "Nur Aisyah binti Ahmad"},
		{"Address.Name", got.Address.Name, "Nur Aisyah"},
		{"Address.Phone", got.Address.Phone, "60123456789"},
		{"Address.Lines", strings.Join(got.Address.Lines, "|"), "12, Jalan SS 2/24|Taman Bahagia"},
		{"Address.City", got.Address.City, "Petaling Jaya"},
		{"Address.Postcode", got.Address.Postcode, "47300"},
		{"Address.Country", got.Address.Country, "Malaysia"},
		{"Address.District", got.Address.District, "SS2"},
		{"BuyerNote", got.BuyerNote, "no plastic bag"},
		{"SellerNote", got.SellerNote, "call first"},
		{"ShipBy", got.ShipBy, time.Date(2014, 10, 17, 10, 36, 5, 0, time.UTC)},
		{"WarehouseCode", got.WarehouseCode, "dropshipping"},
		{"CancelRequested", got.CancelRequested, true},
		{"ShippingType", got.ShippingType, "Dropshipping"},
		{"ProviderType", got.ProviderType, "standard"},
		{"SelfDelivery", got.SelfDelivery, false},
		{"DeliveredAt", got.DeliveredAt, time.Time{}},
		{"items", len(got.Items), 3},
		{"packages", len(got.Packages), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	first := domain.Item{PlatformItemID: "1001", ProductID: "123", SKUID: "456", SKU: "TDG-BLK", ShopSKU: "123_MY-456",
		Name: "Tudung Bawal", Variation: "Black", Qty: 1, UnitPrice: myr(4000), PaidPrice: myr(3550),
		SellerDiscount: myr(300), PlatformDiscount: myr(150), Status: "pending", PackageID: "FP0001",
		ImageURL: "https://img.example/1.jpg"}
	if got.Items[0] != first {
		t.Errorf("item 1:\n got %+v\nwant %+v", got.Items[0], first)
	}
	second := first
	second.PlatformItemID, second.ImageURL = "1002", ""
	if got.Items[1] != second {
		t.Errorf("item 2:\n got %+v\nwant %+v", got.Items[1], second)
	}
	third := got.Items[2]
	if !third.Cancelled || third.CancelReason != "Out of Stock: supplier late" || third.CancelledBy != "seller" ||
		third.PackageID != "" || third.SellerDiscount != myr(0) || third.PlatformDiscount != myr(0) {
		t.Errorf("cancelled item = %+v", third)
	}
	if p := got.Packages[0]; p != (domain.Package{ID: "FP0001", TrackingNo: "MYMPA0001", Provider: "LEX MY", Status: "pending"}) {
		t.Errorf("package = %+v", p)
	}

	// Without the order's promise, the earliest item promise is the ship-by time; without
	// "voucher", seller + platform is.
	o.PromisedShippingTimes, o.Voucher = "", ""
	got, err = toOrder(&o, items, "MY", myt)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2014, 10, 16, 2, 0, 0, 0, time.UTC); !got.ShipBy.Equal(want) {
		t.Errorf("ShipBy from items = %v, want %v", got.ShipBy, want)
	}
	if got.Total != myr(9900-1000+490) {
		t.Errorf("Total without voucher = %v", got.Total)
	}
}

func TestDecodeDeliveredAndSelfDelivery(t *testing.T) {
	o := orderJSON{OrderID: "7", OrderNumber: "77", CreatedAt: "2026-11-01T10:00:00+08:00", UpdatedAt: "2026-11-03T10:00:00+08:00", Price: "10"}
	items := []itemJSON{
		{OrderItemID: "1", Status: "delivered", UpdatedAt: "2026-11-02T09:00:00+08:00", DeliveryOptionSOF: "1"},
		{OrderItemID: "2", Status: "delivered", UpdatedAt: "2026-11-03 09:30:00 +0800"},
		{OrderItemID: "3", Status: "returned", UpdatedAt: "2026-11-04 09:30:00 +0800", CancelReturnInitiator: "return-customer"},
		{OrderItemID: "4", Status: "canceled", CancelReturnInitiator: "cancellation-failed Delivery"},
		{OrderItemID: "5", Status: "canceled", CancelReturnInitiator: "cancellation-customer"},
		{OrderItemID: "6", Status: "canceled", CancelReturnInitiator: "cancellation-internal"},
	}
	got, err := toOrder(&o, items, "MY", myt)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 3, 1, 30, 0, 0, time.UTC); !got.DeliveredAt.Equal(want) {
		t.Errorf("DeliveredAt = %v, want %v", got.DeliveredAt, want)
	}
	if !got.SelfDelivery {
		t.Error("delivery_option_sof 1 is self delivery")
	}
	by := []string{}
	for _, it := range got.Items {
		by = append(by, it.CancelledBy)
	}
	if want := []string{"", "", "", "system", "buyer", "system"}; !slices.Equal(by, want) {
		t.Errorf("CancelledBy = %q, want %q", by, want)
	}
	if got.Currency != "MYR" || got.Subtotal != myr(1000) {
		t.Errorf("currency from the region: %v %v", got.Currency, got.Subtotal)
	}
	items[0].DeliveryOptionSOF, items[1].ShippingProviderType = "", "seller_own_fleet"
	if got, _ := toOrder(&o, items, "MY", myt); !got.SelfDelivery {
		t.Error("shipping_provider_type seller_own_fleet is self delivery")
	}
}

func TestDecodeRefusesBadInput(t *testing.T) {
	base := orderJSON{OrderID: "7", OrderNumber: "77", CreatedAt: "2026-11-01T10:00:00+08:00", UpdatedAt: "2026-11-01T10:00:00+08:00"}
	bad := base
	bad.CreatedAt = "yesterday"
	if _, err := toOrder(&bad, nil, "MY", myt); err == nil || !strings.Contains(err.Error(), "created_at") {
		t.Errorf("bad time: %v", err)
	}
	bad = base
	bad.Price = "1.2.3"
	if _, err := toOrder(&bad, nil, "MY", myt); err == nil || !strings.Contains(err.Error(), "price") {
		t.Errorf("bad amount: %v", err)
	}
	var o orderJSON
	if err := json.Unmarshal([]byte(`{"order_id": {"x": 1}}`), &o); err == nil {
		t.Error("an object is not an id")
	}
}

func TestParseTimeFormats(t *testing.T) {
	want := time.Date(2018, 2, 9, 14, 44, 30, 0, time.UTC)
	for _, s := range []string{
		"2018-02-09T22:44:30+08:00", "2018-02-09 22:44:30 +0800", "2018-02-09T14:44:30Z",
		"2018-02-09 22:44:30", "1518187470000", "1518187470", "2018-02-09T22:44:30+0800",
	} {
		got, err := parseTime(s, myt)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := parseTime("", myt); err != nil || !got.IsZero() {
		t.Errorf("empty time = %v, %v", got, err)
	}
	if _, err := parseTime("9 Feb 2018", myt); err == nil {
		t.Error("an unknown format is an error")
	}
	if got := apiTime(want, myt); got != "2018-02-09T22:44:30+08:00" {
		t.Errorf("apiTime = %s", got)
	}
}

func TestDecodeTokenResponses(t *testing.T) {
	now := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	create := `{"access_token":"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg",
	  "refresh_token":"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi",
	  "expires_in":"2592000","refresh_expires_in":15552000,"country":"my","account_platform":"seller_center",
	  "account":"seller@example.my","account_id":"1001",
	  "country_user_info":[{"country":"my","seller_id":"1000008313","user_id":2000001,"short_code":"MY1234"}],
	  "code":"0","request_id":"0ba2887315178178017221014"}`
	var r tokenResponse
	if err := json.Unmarshal([]byte(create), &r); err != nil {
		t.Fatal(err)
	}
	tok := r.flat().tokens(now, market.Tokens{})
	if tok.Access != "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg" ||
		!tok.AccessExpires.Equal(now.Add(30*24*time.Hour)) || !tok.RefreshExpires.Equal(now.Add(180*24*time.Hour)) {
		t.Errorf("create tokens = %+v", tok)
	}
	shop, err := r.shop("")
	if err != nil || shop != (market.Shop{ID: "1000008313", Region: "MY"}) {
		t.Errorf("shop = %+v, %v", shop, err)
	}

	// Refresh names the list country_user_info_list, and does not reset the refresh lifetime.
	refresh := `{"access_token":"new-access","refresh_token":"new-refresh","expires_in":604800,
	  "refresh_expires_in":"2592000","country":"cb",
	  "country_user_info_list":[{"country":"sg","seller_id":"SG1","user_id":"1"},{"country":"my","seller_id":900,"user_id":"2"}],
	  "code":"0","request_id":"x"}`
	r = tokenResponse{}
	if err := json.Unmarshal([]byte(refresh), &r); err != nil {
		t.Fatal(err)
	}
	old := market.Tokens{Access: "a", Refresh: "r", RefreshExpires: now.Add(10 * 24 * time.Hour)}
	tok = r.flat().tokens(now, old)
	if tok.Access != "new-access" || tok.Refresh != "new-refresh" || !tok.AccessExpires.Equal(now.Add(7*24*time.Hour)) ||
		!tok.RefreshExpires.Equal(old.RefreshExpires) {
		t.Errorf("refresh tokens = %+v", tok)
	}
	shop, err = r.shop("MY")
	if err != nil || shop != (market.Shop{ID: "900", Region: "MY"}) {
		t.Errorf("cross-border shop for MY = %+v, %v", shop, err)
	}
	// refresh_expires_in 0: the token can never be refreshed.
	r = tokenResponse{}
	json.Unmarshal([]byte(`{"access_token":"a","refresh_token":"r","expires_in":100,"refresh_expires_in":0,"code":"0"}`), &r)
	if tok = r.tokens(now, market.Tokens{}); !tok.RefreshExpires.Equal(now) {
		t.Errorf("refresh_expires_in 0 = %+v", tok)
	}
	if _, err := r.shop("MY"); err == nil {
		t.Error("an answer without a seller is an error")
	}
}

func TestDecodeReverseList(t *testing.T) {
	body := `{"result":{"success":true,"page_no":"1","page_size":20,"total":"2","items":[
	  {"reverse_order_id":"R1","trade_order_id":16090,"request_type":"RETURN","is_rtm":"true","shipping_type":"DROPSHIPPING",
	   "reverse_order_lines":[{"reverse_order_line_id":11,"trade_order_line_id":"1001","reverse_status":"REQUEST_INITIATE",
	     "refund_amount":3550,"item_unit_price":"4000","is_need_refund":"true","sla":1793750400000,
	     "product":{"product_id":123,"product_sku":"TDG-BLK"},"buyer":{"buyer_id":"55"}}]},
	  {"reverse_order_id":2,"trade_order_id":"16091","request_type":"CANCEL","reverse_order_lines":[]}]},
	  "code":"0","request_id":"y"}`
	var ans reverseAnswer
	if err := decodeResponse("GET /reverse/getreverseordersforseller", 200, []byte(body), &ans, nil); err != nil {
		t.Fatal(err)
	}
	if ans.Result == nil || ans.Result.Total != 2 || len(ans.Result.Items) != 2 {
		t.Fatalf("reverse list = %+v", ans.Result)
	}
	ro := ans.Result.Items[0]
	if ro.TradeOrderID != "16090" || !isReturn(ro.RequestType) || ro.Lines[0].ReverseStatus != "REQUEST_INITIATE" {
		t.Errorf("reverse order = %+v", ro)
	}
	if isReturn(ans.Result.Items[1].RequestType) {
		t.Error("CANCEL is not a return")
	}
}

func TestDecodeErrors(t *testing.T) {
	secrets := []string{"s3cr3t-app", "tok-12345"}
	cases := []struct {
		name   string
		status int
		body   string
		code   string
		retry  bool
	}{
		{"gateway error on HTTP 200", 200, `{"type":"ISV","code":"IllegalAccessToken","message":"The specified access token is invalid or expired","request_id":"1"}`, "IllegalAccessToken", false},
		{"business code", 200, `{"type":"ISV","code":"16","message":"Invalid Order ID","request_id":"1"}`, "16", false},
		{"throttled", 200, `{"type":"ISP","code":"ApiCallLimit","message":"slow down","request_id":"1"}`, "ApiCallLimit", true},
		{"traffic control", 200, `{"code":"TRAFFIC_CONTROL","message":"","request_id":"1"}`, "TRAFFIC_CONTROL", true},
		{"exceed limit", 200, `{"code":"OPEN_API_CALL_EXCEED_LIMIT","request_id":"1"}`, "OPEN_API_CALL_EXCEED_LIMIT", true},
		{"system busy 6", 200, `{"code":6,"message":"busy"}`, "6", true},
		{"system busy 40011", 200, `{"code":"40011","message":"busy"}`, "40011", true},
		{"429 without code", 429, `{}`, "", true},
		{"503 html", 503, `<html>down</html>`, "", true},
		{"500 with code", 500, `{"type":"SYSTEM","code":"InternalError","message":"oops"}`, "InternalError", true},
		{"malformed 200", 200, `{"code":"0","data":{"orders":[`, "", true},
		{"wrong shape 200", 200, `{"code":"0","data":{"orders":"none"}}`, "", true},
		{"404 html", 404, `<html>not found</html>`, "", false},
		{"result success false", 200, `{"code":"0","result":{"success":false,"error_code":"700022","error_msg":"too many"}}`, "700022", false},
		{"message echoing a secret", 200, `{"code":"IncompleteSignature","message":"bad sign for tok-12345 with s3cr3t-app"}`, "IncompleteSignature", false},
	}
	for _, tc := range cases {
		var out ordersAnswer
		err := decodeResponse("GET /orders/get", tc.status, []byte(tc.body), &out, secrets)
		var me *market.Error
		if !errors.As(err, &me) {
			t.Errorf("%s: err = %v, want a *market.Error", tc.name, err)
			continue
		}
		if me.Platform != domain.Lazada || me.Op != "GET /orders/get" || me.Status != tc.status || me.Code != tc.code || me.Retryable != tc.retry {
			t.Errorf("%s: got %+v", tc.name, me)
		}
		if strings.Contains(err.Error(), "tok-12345") || strings.Contains(err.Error(), "s3cr3t-app") {
			t.Errorf("%s: a secret leaked: %v", tc.name, err)
		}
	}
	var out ordersAnswer
	if err := decodeResponse("GET /orders/get", http.StatusOK, []byte(`{"code":"0","data":{"count":"1","countTotal":1,"orders":[{"order_id":1}]},"request_id":"z"}`), &out, nil); err != nil || len(out.Data.Orders) != 1 {
		t.Errorf("success: %v %+v", err, out)
	}
}

func TestRedact(t *testing.T) {
	s := `Get "http://127.0.0.1:1/rest/orders/get?access_token=AT-987654&app_key=1&sign=ABCDEF0123&timestamp=1": dial tcp: refused; refresh_token=RT-1234 code=C0DE-1`
	got := market.Redact(s, "AT-987654")
	for _, secret := range []string{"AT-987654", "ABCDEF0123", "RT-1234", "C0DE-1"} {
		if strings.Contains(got, secret) {
			t.Errorf("redact left %s in %s", secret, got)
		}
	}
	if !strings.Contains(got, "/rest/orders/get?[query removed]") || !strings.Contains(got, "dial tcp: refused") {
		t.Errorf("redact removed too much: %s", got)
	}
	if got := market.Redact("order_id=5&design=blue"); got != "order_id=5&design=blue" {
		t.Errorf("redact touched %q", got)
	}
}
