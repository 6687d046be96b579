package tiktok

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/market"
)

// A shipped order in the shape of T3: ids as strings, every payment amount a string, times in
// epoch seconds, two units of one SKU as two line items in one package, a third line cancelled.
const shippedOrder = `{
  "id": "576461413038785752",
  "status": "IN_TRANSIT",
  "create_time": 1732000000,
  "update_time": 1732086400,
  "paid_time": 1732000060,
  "rts_sla_time": 1732172400,
  "delivery_time": 0,
  "user_id": "7021436810468230477",
  "buyer_email": "v2buyer@scs.tiktokw.com",
  "buyer_message": "Tolong bungkus elok-elok",
  "seller_note": "VIP",
  "payment_method_name": "Online Banking",
  "is_cod": false,
  "is_buyer_request_cancel": false,
  "shipping_type": "TIKTOK",
  "fulfillment_type": "FULFILLMENT_BY_SELLER",
  "delivery_option_name": "Standard Shipping",
  "cancellation_initiator": "",
  "cancel_reason": "",
  "payment": {
    "currency": "MYR",
    "sub_total": "55.80",
    "shipping_fee": "4.90",
    "seller_discount": "5.00",
    "platform_discount": "1.20",
    "total_amount": "54.50",
    "original_total_product_price": "59.80",
    "original_shipping_fee": "4.90",
    "tax": "0"
  },
  "recipient_address": {
    "name": "Nur Aisyah",
    "phone_number": "(+60)123456789",
    "full_address": "12, Jalan SS 2/24, Petaling Jaya, Selangor, 47300",
    "address_detail": "12, Jalan SS 2/24",
    "address_line1": "12, Jalan SS 2/24",
    "address_line2": "",
    "address_line3": "Taman Bahagia",
    "address_line4": "",
    "postal_code": "47300",
    "region_code": "MY",
    "district_info": [
      {"address_level": "L0", "address_level_name": "Country", "address_name": "Malaysia"},
      {"address_level": "L1", "address_level_name": "State", "address_name": "Selangor"},
      {"address_level": "L2", "address_level_name": "City", "address_name": "Petaling Jaya"},
      {"address_level": "L3", "address_level_name": "District", "address_name": "SS 2"}
    ]
  },
  "packages": [{"id": "1152321127278713123"}],
  "line_items": [
    {"id": "577087614418520000", "sku_id": "1729582718312380000", "product_id": "1729582718312370000",
     "product_name": "Tudung Bawal Chiffon", "sku_name": "Black", "seller_sku": "TDG-CHF-BLK",
     "sku_image": "https://p16-oec-va.ibyteimg.com/tos-maliva-i-o3syd03w52-us/a.jpeg",
     "original_price": "29.90", "sale_price": "27.90", "seller_discount": "2.00", "platform_discount": "0",
     "currency": "MYR", "display_status": "IN_TRANSIT", "package_id": "1152321127278713123",
     "package_status": "FULFILLING", "tracking_number": "JNT630000001", "shipping_provider_id": "6617675021119438849",
     "shipping_provider_name": "J&T Express", "cancel_user": "", "cancel_reason": "", "is_gift": false, "rts_time": 1732050000},
    {"id": "577087614418520001", "sku_id": 1729582718312380000, "product_id": 1729582718312370000,
     "product_name": "Tudung Bawal Chiffon", "sku_name": "Black", "seller_sku": "TDG-CHF-BLK",
     "original_price": 29.9, "sale_price": "27.90", "seller_discount": "2.00", "platform_discount": "0",
     "currency": "MYR", "display_status": "IN_TRANSIT", "package_id": "1152321127278713123",
     "package_status": "FULFILLING", "tracking_number": "JNT630000001",
     "shipping_provider_name": "J&T Express", "is_gift": "false"},
    {"id": "577087614418520002", "sku_id": "1729582718312380001", "product_id": "1729582718312370000",
     "product_name": "Tudung Bawal Chiffon", "sku_name": "Navy", "seller_sku": "TDG-CHF-NVY",
     "original_price": "29.90", "sale_price": "29.90", "seller_discount": "0", "platform_discount": "0",
     "currency": "MYR", "display_status": "CANCELLED", "package_id": "",
     "package_status": "CANCELLED", "cancel_user": "SELLER", "cancel_reason": "Out of stock"}
  ]
}`

func mustOrder(t *testing.T, raw string) domain.Order {
	t.Helper()
	var j orderJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		t.Fatal(err)
	}
	o, err := toOrder(j, "MYR")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func myr(minor int64) domain.Money { return domain.Money{Minor: minor, Currency: "MYR"} }

func TestDecodeShippedOrder(t *testing.T) {
	o := mustOrder(t, shippedOrder)
	check := func(name string, got, want any) {
		t.Helper()
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if string(gb) != string(wb) {
			t.Errorf("%s = %s, want %s", name, gb, wb)
		}
	}
	check("OrderNo", o.OrderNo, "576461413038785752")
	check("PlatformID", o.PlatformID, "576461413038785752")
	check("Status", o.Status, "IN_TRANSIT")
	check("CreatedAt", o.CreatedAt, time.Unix(1732000000, 0).UTC())
	check("UpdatedAt", o.UpdatedAt, time.Unix(1732086400, 0).UTC())
	check("PaidAt", o.PaidAt, time.Unix(1732000060, 0).UTC())
	check("ShipBy", o.ShipBy, time.Unix(1732172400, 0).UTC())
	check("DeliveredAt", o.DeliveredAt, time.Time{})
	check("Currency", o.Currency, "MYR")
	check("Subtotal", o.Subtotal, myr(5980))
	check("ShippingFee", o.ShippingFee, myr(490))
	check("SellerVoucher", o.SellerVoucher, myr(500))
	check("PlatformVoucher", o.PlatformVoucher, myr(120))
	check("Tax", o.Tax, myr(0))
	check("Total", o.Total, myr(5450))
	check("PaymentMethod", o.PaymentMethod, "Online Banking")
	check("COD", o.COD, false)
	check("Buyer", o.Buyer, domain.Buyer{UserID: "7021436810468230477", Email: "v2buyer@scs.tiktokw.com"})
	check("Address", o.Address, domain.Address{Name: "Nur Aisyah", Phone: "(+60)123456789",
		Lines: []string{"12, Jalan SS 2/24", "Taman Bahagia"}, District: "SS 2", City: "Petaling Jaya",
		State: "Selangor", Postcode: "47300", Country: "MY"})
	check("notes", []string{o.BuyerNote, o.SellerNote}, []string{"Tolong bungkus elok-elok", "VIP"})
	check("shipping", []string{o.ShippingType, o.FulfillmentType, o.DeliveryOption},
		[]string{"TIKTOK", "FULFILLMENT_BY_SELLER", "Standard Shipping"})
	check("CancelRequested", o.CancelRequested, false)
	if len(o.Items) != 3 {
		t.Fatalf("%d items, want 3 (one per line item)", len(o.Items))
	}
	first := domain.Item{PlatformItemID: "577087614418520000", ProductID: "1729582718312370000",
		SKUID: "1729582718312380000", SKU: "TDG-CHF-BLK", Name: "Tudung Bawal Chiffon", Variation: "Black", Qty: 1,
		UnitPrice: myr(2990), PaidPrice: myr(2790), SellerDiscount: myr(200), PlatformDiscount: myr(0),
		Status: "FULFILLING", PackageID: "1152321127278713123",
		ImageURL: "https://p16-oec-va.ibyteimg.com/tos-maliva-i-o3syd03w52-us/a.jpeg"}
	check("item 0", o.Items[0], first)
	// Ids and prices sent as JSON numbers read the same, without float rounding.
	second := first
	second.PlatformItemID, second.ImageURL = "577087614418520001", ""
	check("item 1", o.Items[1], second)
	cancelled := domain.Item{PlatformItemID: "577087614418520002", ProductID: "1729582718312370000",
		SKUID: "1729582718312380001", SKU: "TDG-CHF-NVY", Name: "Tudung Bawal Chiffon", Variation: "Navy", Qty: 1,
		UnitPrice: myr(2990), PaidPrice: myr(2990), SellerDiscount: myr(0), PlatformDiscount: myr(0),
		Status: "CANCELLED", Cancelled: true, CancelReason: "Out of stock", CancelledBy: "seller"}
	check("item 2", o.Items[2], cancelled)
	check("Packages", o.Packages, []domain.Package{{ID: "1152321127278713123", TrackingNo: "JNT630000001",
		Provider: "J&T Express", Status: "FULFILLING"}})
}

// While UNPAID or ON_HOLD TikTok sends no recipient_address; flags and ids may come as strings.
func TestDecodeOrderWithoutAddress(t *testing.T) {
	for _, status := range []string{"UNPAID", "ON_HOLD"} {
		raw := `{"id": 576461413038785753, "status": "` + status + `", "create_time": "1732000000",
		  "update_time": 1732000000, "is_cod": "true", "is_buyer_request_cancel": 1,
		  "payment": {"currency": "MYR", "original_total_product_price": "10", "shipping_fee": "0",
		    "seller_discount": "0", "platform_discount": "0", "total_amount": "10.00", "tax": "0.00"},
		  "line_items": [{"id": "1", "sku_id": "2", "product_id": "3", "product_name": "Kopi",
		    "original_price": "10", "sale_price": "10", "package_status": "TO_FULFILL", "display_status": "` + status + `"}]}`
		o := mustOrder(t, raw)
		if o.OrderNo != "576461413038785753" || o.Status != status || !o.COD {
			t.Errorf("%s: %+v", status, o)
		}
		if o.Address.Name != "" || len(o.Address.Lines) != 0 || o.Address.Postcode != "" {
			t.Errorf("%s: an address out of nothing: %+v", status, o.Address)
		}
		if !o.CancelRequested {
			t.Errorf("%s: is_buyer_request_cancel=1 not read", status)
		}
		if o.Total != myr(1000) || o.Subtotal != myr(1000) {
			t.Errorf("%s: amounts %v %v", status, o.Total, o.Subtotal)
		}
		if len(o.Packages) != 0 || o.Items[0].PackageID != "" {
			t.Errorf("%s: a package before packing: %+v", status, o.Packages)
		}
	}
}

// A cancelled order (with the legacy numeric status): who cancelled, and no pending buyer
// cancellation any more.
func TestDecodeCancelledOrder(t *testing.T) {
	o := mustOrder(t, `{"id":"9","status":140,"create_time":1732000000,"update_time":1732000100,
		"is_buyer_request_cancel":true,"cancellation_initiator":"BUYER","cancel_reason":"Changed my mind",
		"payment":{"currency":"MYR","total_amount":"12.30"},
		"line_items":[{"id":"1","product_name":"Kopi","sale_price":"12.30","original_price":"12.30",
		  "display_status":"CANCELLED","package_status":"","cancel_user":"BUYER","cancel_reason":"Changed my mind"}]}`)
	if o.Status != "CANCELLED" || o.CancelRequested || o.CancelledBy != "buyer" || o.CancelReason != "Changed my mind" {
		t.Errorf("cancellation: %+v", o)
	}
	if it := o.Items[0]; !it.Cancelled || it.CancelledBy != "buyer" {
		t.Errorf("line cancelled by display_status: %+v", it)
	}
}

func TestDecodeRejectsBadAmount(t *testing.T) {
	var j orderJSON
	err := json.Unmarshal([]byte(`{"id":"1","create_time":1,"payment":{"currency":"MYR","total_amount":"RM12"}}`), &j)
	if err == nil {
		_, err = toOrder(j, "MYR")
	}
	if err == nil {
		t.Fatal("an amount of RM12 was accepted")
	}
}

// Token answers carry absolute unix timestamps (T2); a small number is read as a lifetime.
func TestDecodeTokenAnswer(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var d tokenData
	raw := `{"access_token":"ROW_abc","access_token_expire_in":1795860000,"refresh_token":"ROW_def",
		"refresh_token_expire_in":"1800000000","open_id":"7010","seller_name":"Serba Ada","seller_base_region":"MY",
		"user_type":0,"granted_scopes":["seller.order.info"]}`
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatal(err)
	}
	got := d.tokens(now, market.Tokens{})
	want := market.Tokens{Access: "ROW_abc", Refresh: "ROW_def",
		AccessExpires: time.Unix(1795860000, 0).UTC(), RefreshExpires: time.Unix(1800000000, 0).UTC()}
	if got != want {
		t.Errorf("tokens = %+v, want %+v", got, want)
	}
	d = tokenData{AccessToken: "a2", AccessExpireIn: 604800}
	got = d.tokens(now, market.Tokens{Refresh: "old", RefreshExpires: now.Add(time.Hour)})
	if !got.AccessExpires.Equal(now.Add(7*24*time.Hour)) || got.Refresh != "old" {
		t.Errorf("lifetime reading / kept refresh token: %+v", got)
	}
}

func TestReturnAwaitsSeller(t *testing.T) {
	cases := map[string]bool{
		`{"order_id":"1","return_status":"RETURN_OR_REFUND_REQUEST_PENDING"}`:                                                                                     true,
		`{"order_id":"1","return_status":"AWAITING_BUYER_SHIP","seller_next_action_response":[]}`:                                                                 false,
		`{"order_id":"1","return_status":"BUYER_SHIPPED_ITEM","seller_next_action_response":[{"action":"SELLER_RESPOND_RECEIVE_PACKAGE","deadline":1732000000}]}`: true,
		`{"order_id":"1","return_status":"RETURN_OR_REFUND_REQUEST_COMPLETE","seller_next_action_response":null}`:                                                 false,
	}
	for raw, want := range cases {
		var r returnJSON
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			t.Fatal(err)
		}
		if r.awaitsSeller() != want {
			t.Errorf("%s: awaits seller = %v", raw, !want)
		}
	}
}

// testClient is a client of a canned HTTP server: for the envelope shapes, not for behaviour
// (that is tested against the simulator). Its tokens are in a real data file.
func testClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(market.Config{BaseURL: srv.URL, AppKey: "29a39d", AppSecret: "e59af819cc", Cipher: "ROW_abc",
		Keeper: storedKeeper(t, srv.URL, market.Tokens{Access: "ROW_access", Refresh: "ROW_refresh"}), RetryBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// storedKeeper links a store in a new data file with the given tokens and returns its Keeper.
func storedKeeper(t *testing.T, baseURL string, tok market.Tokens) market.Keeper {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	st, err := d.LinkStore(ctx, domain.Store{Platform: domain.TikTok, Name: "Serba Ada", Region: "MY", ShopID: "7494"},
		db.Link{BaseURL: baseURL, AppKey: "29a39d", Cipher: "ROW_abc"},
		db.Secrets{AppSecret: "e59af819cc", Tokens: tok}, 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return d.Keeper(st.ID)
}

// Errors: code is an int, data is null or absent, and the body is read whatever the HTTP status.
func TestDecodeErrorEnvelopes(t *testing.T) {
	cases := []struct {
		status    int
		body      string
		code      string
		retryable bool
	}{
		{200, `{"code":36009014,"data":null,"message":"The version name is invalid, please check and retry.","request_id":"2022"}`, "36009014", false},
		{200, `{"code":106001,"message":"Invalid sign"}`, "106001", false},
		{429, `{"code":36009002,"message":"Too many requests","data":null}`, "36009002", true},
		{200, `{"code":36009003,"message":"Internal error"}`, "36009003", true},
		{200, `{"code":36009007,"message":"Timeout"}`, "36009007", true},
		{500, `{"code":36009003,"message":"Internal error"}`, "36009003", true},
		{503, `upstream overloaded`, "", true},
		{200, `{"code":0,"data":{"orders":[`, "", true},
		{400, `{"code":106013,"message":"shop_cipher missing"}`, "106013", false},
	}
	for _, tc := range cases {
		c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		})
		c.retryBase = time.Microsecond
		var d ordersData
		err := c.retrying(context.Background(), apiCall{method: "POST", path: pathOrderSearch, body: timeWindow{}, shop: true}, "x", &d)
		var me *market.Error
		if !errors.As(err, &me) {
			t.Fatalf("%d %s: %v is not a *market.Error", tc.status, tc.body, err)
		}
		if me.Platform != domain.TikTok || me.Op != "POST "+pathOrderSearch || me.Status != tc.status ||
			me.Code != tc.code || me.Retryable != tc.retryable {
			t.Errorf("%d %s: got %+v", tc.status, tc.body, me)
		}
	}
}

// A success: code 0, data decoded.
func TestDecodeSuccessEnvelope(t *testing.T) {
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"code":0,"message":"Success","request_id":"2022","data":{"next_page_token":"","total_count":1,"orders":[` + shippedOrder + `]}}`))
	})
	var d ordersData
	if err := c.call(context.Background(), apiCall{method: "POST", path: pathOrderSearch, body: timeWindow{}, shop: true}, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Orders) != 1 || d.Orders[0].ID != "576461413038785752" || d.TotalCount != 1 {
		t.Fatalf("%+v", d)
	}
	if !strings.Contains(string(d.Orders[0].Payment.TotalAmount), "54.50") {
		t.Fatalf("amount text changed: %q", d.Orders[0].Payment.TotalAmount)
	}
}

// A search answer whose orders lack line items is completed from the detail call; the returns
// pass names its orders in its batch.
func TestPullFillsOrdersWithoutLineItems(t *testing.T) {
	var detailIDs []string
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case pathOrderSearch:
			w.Write([]byte(`{"code":0,"message":"Success","data":{"next_page_token":"","total_count":1,
				"orders":[{"id":"576461413038785752","status":"IN_TRANSIT","create_time":1732000000,"update_time":1732086400}]}}`))
		case pathOrderDetail:
			detailIDs = append(detailIDs, r.URL.Query().Get("ids"))
			w.Write([]byte(`{"code":0,"message":"Success","data":{"orders":[` + shippedOrder + `]}}`))
		case pathReturnSearch:
			w.Write([]byte(`{"code":0,"message":"Success","data":{"next_page_token":"","total_count":1,
				"return_orders":[{"return_id":"4035","order_id":"576461413038785752","return_type":"RETURN_AND_REFUND",
				"return_status":"RETURN_OR_REFUND_REQUEST_PENDING","create_time":1732086000,"update_time":1732086400}]}}`))
		default:
			w.Write([]byte(`{"code":36009009,"message":"invalid path","data":null}`))
		}
	})
	var batches []market.Batch
	err := c.Pull(context.Background(), time.Unix(1732000000, 0), time.Unix(1732090000, 0), func(b market.Batch) error {
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 2 || len(batches[0].Orders) != 1 || len(batches[0].Orders[0].Items) != 3 || batches[0].Final {
		t.Fatalf("orders batch: %+v", batches)
	}
	if b := batches[1]; !b.Final || !b.Returns["576461413038785752"] || len(b.Orders) != 1 {
		t.Fatalf("returns batch: %+v", b)
	}
	if len(detailIDs) != 2 || detailIDs[0] != "576461413038785752" {
		t.Errorf("detail calls: %v", detailIDs)
	}
}
