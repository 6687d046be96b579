package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// listUpdated lists every order updated at or after since through each platform's API and returns
// the raw orders by order number (Lazada: with their items attached under "items").
func (e *env) listUpdated(p domain.Platform, since time.Time) map[string]map[string]any {
	e.t.Helper()
	out := map[string]map[string]any{}
	now := e.sim.Clock().Now()
	switch p {
	case domain.Lazada:
		for offset := 0; ; offset += 100 {
			a := e.lazada(http.MethodGet, "/orders/get", e.tok[p], map[string]string{"update_after": lazadaTimeParam(since),
				"sort_by": "updated_at", "sort_direction": "ASC", "offset": strconv.Itoa(offset), "limit": "100"})
			must(e.t, a.str("code") == "0", "lazada list: %s", a.body)
			var ids []string
			for _, raw := range a.list("data", "orders") {
				o := raw.(map[string]any)
				out[fmt.Sprint(o["order_id"])] = o
				ids = append(ids, fmt.Sprint(o["order_id"]))
			}
			for len(ids) > 0 {
				n := min(50, len(ids))
				it := e.lazada(http.MethodGet, "/orders/items/get", e.tok[p], map[string]string{"order_ids": "[" + strings.Join(ids[:n], ",") + "]"})
				must(e.t, it.str("code") == "0", "lazada items: %s", it.body)
				for _, raw := range it.list("data") {
					g := raw.(map[string]any)
					out[fmt.Sprint(g["order_id"])]["items"] = g["order_items"]
				}
				ids = ids[n:]
			}
			if len(a.list("data", "orders")) < 100 {
				break
			}
		}
		byNo := map[string]map[string]any{}
		for _, o := range out {
			byNo[fmt.Sprint(o["order_number"])] = o
		}
		return byNo
	case domain.Shopee:
		for from := since; from.Before(now.Add(time.Second)); from = from.Add(15 * 24 * time.Hour) {
			to := from.Add(15*24*time.Hour - time.Second)
			if to.After(now) {
				to = now
			}
			cursor := ""
			for {
				a := e.shopee("/api/v2/order/get_order_list", map[string]string{"time_range_field": "update_time",
					"time_from": strconv.FormatInt(from.Unix(), 10), "time_to": strconv.FormatInt(to.Unix(), 10), "page_size": "100", "cursor": cursor})
				must(e.t, a.str("error") == "", "shopee list: %s", a.body)
				var sns []string
				for _, raw := range a.list("response", "order_list") {
					sns = append(sns, raw.(map[string]any)["order_sn"].(string))
				}
				for len(sns) > 0 {
					n := min(50, len(sns))
					d := e.shopee("/api/v2/order/get_order_detail", map[string]string{"order_sn_list": strings.Join(sns[:n], ","),
						"response_optional_fields": "buyer_user_id,buyer_username,estimated_shipping_fee,recipient_address,note,item_list,pay_time,cancel_by,cancel_reason,package_list,shipping_carrier,payment_method,total_amount"})
					must(e.t, d.str("error") == "", "shopee detail: %s", d.body)
					for _, raw := range d.list("response", "order_list") {
						o := raw.(map[string]any)
						out[o["order_sn"].(string)] = o
					}
					sns = sns[n:]
				}
				if a.get("response", "more") != true {
					break
				}
				cursor = a.str("response", "next_cursor")
			}
		}
	case domain.TikTok:
		token := ""
		for {
			a := e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "100", "page_token": token,
				"sort_field": "update_time", "sort_order": "ASC"}, map[string]any{"update_time_ge": since.Unix()}, true)
			must(e.t, a.str("code") == "0", "tiktok search: %s", a.body)
			for _, raw := range a.list("data", "orders") {
				o := raw.(map[string]any)
				out[o["id"].(string)] = o
			}
			if token = a.str("data", "next_page_token"); token == "" {
				break
			}
		}
	}
	return out
}

func money(t *testing.T, v any) domain.Money {
	t.Helper()
	m, err := domain.ParseMoney(fmt.Sprint(v), "MYR")
	must(t, err == nil, "amount %v: %v", v, err)
	return m
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// The platforms' JSON says what MAPPING.md says it does, for every order of a realistic shop.
func TestWireMapping(t *testing.T) {
	e := newEnv(t)
	since := testStart.AddDate(0, 0, -95)
	for _, p := range domain.Platforms {
		t.Run(string(p), func(t *testing.T) {
			sh := e.shops[p]
			e.sim.AddHistory(p, sh.ID, 400)
			e.sim.Generate(p, sh.ID, 20)
			truth := e.sim.Orders(p, sh.ID)
			wire := e.listUpdated(p, since)
			must(t, len(wire) == len(truth), "listed %d of %d orders", len(wire), len(truth))
			for _, o := range truth {
				w := wire[o.OrderNo]
				must(t, w != nil, "order %s not listed", o.OrderNo)
				switch p {
				case domain.Lazada:
					checkLazada(t, o, w)
				case domain.Shopee:
					checkShopee(t, o, w)
				case domain.TikTok:
					checkTikTok(t, o, w)
				}
			}
		})
	}
}

func checkLazada(t *testing.T, o domain.Order, w map[string]any) {
	t.Helper()
	loc := lazadaZone("MY")
	must(t, str(w["order_id"]) == o.PlatformID, "%s order_id %v", o.OrderNo, w["order_id"])
	must(t, str(w["created_at"]) == lazadaFormat(o.CreatedAt, loc) && str(w["updated_at"]) == lazadaFormat(o.UpdatedAt, loc), "%s times", o.OrderNo)
	price, voucher, ship := money(t, w["price"]), money(t, w["voucher"]), money(t, w["shipping_fee"])
	must(t, price == o.Subtotal, "%s price %v, want %v", o.OrderNo, price, o.Subtotal)
	must(t, price.Minor-voucher.Minor+ship.Minor == o.Total.Minor, "%s price - voucher + shipping = %d, want total %d", o.OrderNo, price.Minor-voucher.Minor+ship.Minor, o.Total.Minor)
	must(t, money(t, w["voucher_platform"]) == o.PlatformVoucher, "%s voucher_platform", o.OrderNo)
	name := strings.TrimSpace(str(w["customer_first_name"]) + " " + str(w["customer_last_name"]))
	must(t, name == o.Buyer.Name, "%s buyer %q, want %q", o.OrderNo, name, o.Buyer.Name)
	addr := w["address_shipping"].(map[string]any)
	var lines []string
	for i := 1; i <= 5; i++ {
		if l := str(addr[fmt.Sprintf("address%d", i)]); l != "" {
			lines = append(lines, l)
		}
	}
	must(t, slices.Equal(lines, o.Address.Lines) && str(addr["city"]) == o.Address.City && str(addr["post_code"]) == o.Address.Postcode, "%s address", o.OrderNo)
	must(t, w["need_cancel_confirm"] == o.CancelRequested, "%s need_cancel_confirm", o.OrderNo)
	items, _ := w["items"].([]any)
	must(t, len(items) == len(o.Items), "%s has %d items on the wire, %d in truth", o.OrderNo, len(items), len(o.Items))
	var statuses []string
	var delivered string
	for k, raw := range items {
		it, want := raw.(map[string]any), o.Items[k]
		must(t, str(it["order_item_id"]) == want.PlatformItemID && str(it["status"]) == want.Status && str(it["sku"]) == want.SKU, "%s item %d", o.OrderNo, k)
		must(t, money(t, it["paid_price"]) == want.PaidPrice && money(t, it["item_price"]) == want.UnitPrice, "%s item %d prices", o.OrderNo, k)
		must(t, str(it["package_id"]) == want.PackageID, "%s item %d package", o.OrderNo, k)
		if pkg, ok := o.Package(want.PackageID); ok {
			must(t, str(it["tracking_code"]) == pkg.TrackingNo && str(it["shipment_provider"]) == pkg.Provider, "%s item %d tracking", o.OrderNo, k)
		}
		if want.Cancelled {
			must(t, str(it["status"]) == "canceled", "%s cancelled item shows %v", o.OrderNo, it["status"])
		}
		if !slices.Contains(statuses, want.Status) {
			statuses = append(statuses, want.Status)
		}
		if want.Status == "delivered" && str(it["updated_at"]) > delivered {
			delivered = str(it["updated_at"])
		}
	}
	must(t, str(w["statuses"]) == "["+strings.Join(statuses, " ")+"]", "%s statuses %v, want %v", o.OrderNo, w["statuses"], statuses)
	if delivered != "" {
		must(t, delivered == lazadaFormat(o.DeliveredAt, loc), "%s delivered at %s, want %s", o.OrderNo, delivered, lazadaFormat(o.DeliveredAt, loc))
	}
}

func checkShopee(t *testing.T, o domain.Order, w map[string]any) {
	t.Helper()
	must(t, str(w["order_status"]) == o.Status, "%s status %v, want %s", o.OrderNo, w["order_status"], o.Status)
	must(t, money(t, w["total_amount"]) == o.Total && money(t, w["estimated_shipping_fee"]) == o.ShippingFee, "%s amounts", o.OrderNo)
	must(t, str(w["create_time"]) == strconv.FormatInt(o.CreatedAt.Unix(), 10) && str(w["update_time"]) == strconv.FormatInt(o.UpdatedAt.Unix(), 10), "%s times", o.OrderNo)
	if !o.PaidAt.IsZero() {
		must(t, str(w["pay_time"]) == strconv.FormatInt(o.PaidAt.Unix(), 10), "%s pay_time", o.OrderNo)
	}
	must(t, w["cod"] == o.COD && str(w["buyer_username"]) == o.Buyer.Username && str(w["buyer_user_id"]) == o.Buyer.UserID, "%s buyer", o.OrderNo)
	addr := w["recipient_address"].(map[string]any)
	must(t, str(addr["full_address"]) == strings.Join(o.Address.Lines, ", ") && str(addr["state"]) == o.Address.State && str(addr["zipcode"]) == o.Address.Postcode, "%s address", o.OrderNo)
	items := w["item_list"].([]any)
	must(t, len(items) == len(o.Items), "%s items %d, want %d", o.OrderNo, len(items), len(o.Items))
	for k, raw := range items {
		it, want := raw.(map[string]any), o.Items[k]
		must(t, str(it["model_quantity_purchased"]) == strconv.Itoa(want.Qty) && money(t, it["model_discounted_price"]) == want.PaidPrice, "%s item %d", o.OrderNo, k)
		sku := str(it["model_sku"])
		if sku == "" {
			sku = str(it["item_sku"])
		}
		must(t, sku == want.SKU && str(it["item_id"]) == want.ProductID && str(it["model_id"]) == want.SKUID, "%s item %d ids", o.OrderNo, k)
	}
	pkgs := w["package_list"].([]any)
	must(t, len(pkgs) == len(o.Packages), "%s packages", o.OrderNo)
	for k, raw := range pkgs {
		pk := raw.(map[string]any)
		must(t, str(pk["package_number"]) == o.Packages[k].ID && str(pk["logistics_status"]) == o.Packages[k].Status, "%s package %d", o.OrderNo, k)
	}
	if o.Status == domain.SpCancelled {
		must(t, str(w["cancel_by"]) == o.CancelledBy && str(w["cancel_reason"]) == o.CancelReason, "%s cancel", o.OrderNo)
	}
}

func checkTikTok(t *testing.T, o domain.Order, w map[string]any) {
	t.Helper()
	must(t, str(w["status"]) == o.Status, "%s status", o.OrderNo)
	pay := w["payment"].(map[string]any)
	must(t, money(t, pay["total_amount"]) == o.Total && money(t, pay["original_total_product_price"]) == o.Subtotal, "%s totals", o.OrderNo)
	must(t, money(t, pay["seller_discount"]) == o.SellerVoucher.Add(o.SellerDiscount) && money(t, pay["platform_discount"]) == o.PlatformVoucher, "%s discounts", o.OrderNo)
	must(t, money(t, pay["shipping_fee"]) == o.ShippingFee, "%s shipping", o.OrderNo)
	must(t, str(w["is_cod"]) == strconv.FormatBool(o.COD) && str(w["user_id"]) == o.Buyer.UserID, "%s buyer", o.OrderNo)
	if o.Status == domain.TtUnpaid || o.Status == domain.TtOnHold {
		must(t, w["recipient_address"] == nil, "%s shows an address while %s", o.OrderNo, o.Status)
	} else {
		addr := w["recipient_address"].(map[string]any)
		var lines []string
		for i := 1; i <= 4; i++ {
			if l := str(addr[fmt.Sprintf("address_line%d", i)]); l != "" {
				lines = append(lines, l)
			}
		}
		must(t, slices.Equal(lines, o.Address.Lines) && str(addr["name"]) == o.Address.Name, "%s address", o.OrderNo)
		levels := map[string]string{}
		for _, d := range addr["district_info"].([]any) {
			dm := d.(map[string]any)
			levels[str(dm["address_level_name"])] = str(dm["address_name"])
		}
		must(t, levels["State"] == o.Address.State && levels["City"] == o.Address.City, "%s district_info %v", o.OrderNo, levels)
	}
	lines := w["line_items"].([]any)
	must(t, len(lines) == len(o.Items), "%s line items %d, want %d", o.OrderNo, len(lines), len(o.Items))
	for k, raw := range lines {
		li, want := raw.(map[string]any), o.Items[k]
		must(t, str(li["id"]) == want.PlatformItemID && str(li["package_status"]) == want.Status && str(li["seller_sku"]) == want.SKU, "%s line %d", o.OrderNo, k)
		must(t, money(t, li["sale_price"]) == want.PaidPrice && str(li["package_id"]) == want.PackageID, "%s line %d price/package", o.OrderNo, k)
	}
	if !o.DeliveredAt.IsZero() {
		must(t, str(w["delivery_time"]) == strconv.FormatInt(o.DeliveredAt.Unix(), 10), "%s delivery_time", o.OrderNo)
	}
}

// One domain item of quantity n is n Lazada items and n TikTok lines, with stable ids; Shopee keeps
// the quantity.
func TestQuantities(t *testing.T) {
	e := newEnv(t)
	mk := func(p domain.Platform, no string) domain.Order {
		rm := func(sen int64) domain.Money { return domain.Money{Minor: sen, Currency: "MYR"} }
		o := domain.Order{Platform: p, OrderNo: no, CreatedAt: testStart, UpdatedAt: testStart, Currency: "MYR",
			Subtotal: rm(3000), Total: rm(3000), Status: map[domain.Platform]string{domain.Shopee: "READY_TO_SHIP", domain.TikTok: "AWAITING_SHIPMENT"}[p],
			Address: domain.Address{Name: "Siti", Lines: []string{"1 Jalan Mawar"}, City: "Shah Alam", Postcode: "40000"},
			Items:   []domain.Item{{SKU: "TEE-M", Name: "Tee", Qty: 3, UnitPrice: rm(1000), PaidPrice: rm(1000), PlatformItemID: "555", ProductID: "77", SKUID: "88", Status: map[domain.Platform]string{domain.Lazada: "pending", domain.TikTok: "TO_FULFILL"}[p]}}}
		return o
	}
	e.sim.PutOrders(domain.Lazada, e.shops[domain.Lazada].ID, []domain.Order{mk(domain.Lazada, "300000000000001")})
	e.sim.PutOrders(domain.Shopee, e.shops[domain.Shopee].ID, []domain.Order{mk(domain.Shopee, "251122ABCDEFGH")})
	e.sim.PutOrders(domain.TikTok, e.shops[domain.TikTok].ID, []domain.Order{mk(domain.TikTok, "570000000000000001")})
	for _, p := range domain.Platforms {
		got := e.sim.Orders(p, e.shops[p].ID)[0]
		want := 3
		if p == domain.Shopee {
			want = 1
		}
		must(t, len(got.Items) == want, "%s: %d items", p, len(got.Items))
		ids := map[string]bool{}
		for _, it := range got.Items {
			ids[it.PlatformItemID] = true
		}
		must(t, len(ids) == want && ids["555"], "%s item ids %v", p, ids)
		w1 := e.listUpdated(p, testStart.Add(-time.Hour))
		w2 := e.listUpdated(p, testStart.Add(-time.Hour))
		must(t, fmt.Sprint(w1) == fmt.Sprint(w2), "%s: the wire changes between calls", p)
	}
	sp := e.listUpdated(domain.Shopee, testStart.Add(-time.Hour))["251122ABCDEFGH"]
	must(t, str(sp["item_list"].([]any)[0].(map[string]any)["model_quantity_purchased"]) == "3", "shopee quantity")
	must(t, e.sim.Orders(domain.Lazada, e.shops[domain.Lazada].ID)[0].Status == "pending", "lazada order status is its item statuses")
}

// Generate, Step and returns change what the APIs say, with update times bumped to now.
func TestWorldMoves(t *testing.T) {
	e := newEnv(t)
	e.sim.SetRates(Rates{})
	for _, p := range domain.Platforms {
		got := e.sim.Generate(p, e.shops[p].ID, 30)
		must(t, len(got) == 30, "%s: generated %d", p, len(got))
		for _, o := range got {
			must(t, o.CreatedAt.Equal(testStart) && o.UpdatedAt.Equal(testStart) && (o.Tab == domain.TabUnpaid || o.Tab == domain.TabNew), "%s: generated order %s is %v at %v", p, o.OrderNo, o.Tab, o.CreatedAt)
		}
		must(t, len(e.listUpdated(p, testStart)) == 30, "%s: the API does not list the new orders", p)
	}
	must(t, e.sim.Step() == 0, "zero rates changed something")

	e.sim.Clock().Advance(time.Minute)
	e.sim.SetRates(Rates{Pay: 1})
	changed := e.sim.Step()
	must(t, changed > 0, "nothing paid")
	now := e.sim.Clock().Now()
	for _, p := range domain.Platforms {
		moved := e.listUpdated(p, now)
		for _, o := range e.sim.Orders(p, e.shops[p].ID) {
			if o.UpdatedAt.Equal(now) {
				must(t, moved[o.OrderNo] != nil, "%s: changed order %s not listed as updated", p, o.OrderNo)
				must(t, o.Tab == domain.TabNew, "%s: paid order %s on %v", p, o.OrderNo, o.Tab)
			}
		}
	}
	// TikTok releases the hold an hour after payment, and the address appears.
	tt := e.shops[domain.TikTok]
	e.sim.Clock().Advance(61 * time.Minute)
	e.sim.SetRates(Rates{})
	must(t, e.sim.Step() > 0, "hold not released")
	for _, w := range e.listUpdated(domain.TikTok, e.sim.Clock().Now()) {
		must(t, w["status"] == "AWAITING_SHIPMENT" && w["recipient_address"] != nil, "released order: %v %v", w["status"], w["recipient_address"] != nil)
	}

	// Shipped orders get delivered; delivered ones get returns.
	for _, p := range domain.Platforms {
		e.sim.AddHistory(p, e.shops[p].ID, 300)
	}
	e.sim.Clock().Advance(time.Minute)
	e.sim.SetRates(Rates{Deliver: 1})
	e.sim.Step()
	for _, p := range domain.Platforms {
		for _, o := range e.sim.Orders(p, e.shops[p].ID) {
			ph := orderPhase(&o)
			must(t, ph != phaseShipped, "%s: %s still shipped after Deliver=1", p, o.OrderNo)
		}
	}

	for _, p := range domain.Platforms {
		sh := e.shops[p]
		var target domain.Order
		for _, o := range e.sim.Orders(p, sh.ID) {
			if orderPhase(&o) == phaseDelivered && !o.ReturnRequested {
				if _, had := e.sim.Returns(p, sh.ID)[o.OrderNo]; !had {
					target = o
					break
				}
			}
		}
		must(t, target.OrderNo != "", "%s: no delivered order", p)
		e.sim.Clock().Advance(time.Minute)
		e.sim.RequestReturn(p, sh.ID, target.OrderNo)
		now := e.sim.Clock().Now()
		must(t, e.sim.Returns(p, sh.ID)[target.OrderNo], "%s: Returns does not show it awaiting", p)
		o, _ := e.sim.Order(p, sh.ID, target.OrderNo)
		must(t, o.ReturnRequested && o.UpdatedAt.Equal(now) && o.Tab == domain.TabToReturn, "%s: order after the request %+v", p, o.Tab)
		must(t, e.listUpdated(p, now)[target.OrderNo] != nil, "%s: the order's update is not listed", p)
		must(t, returnAwaiting(t, e, p, now, target) == "true", "%s: the returns API does not show it awaiting", p)

		e.sim.Clock().Advance(time.Minute)
		e.sim.ResolveReturn(p, sh.ID, target.OrderNo)
		must(t, !e.sim.Returns(p, sh.ID)[target.OrderNo], "%s: still awaiting after resolve", p)
		must(t, returnAwaiting(t, e, p, e.sim.Clock().Now(), target) == "false", "%s: the returns API still shows it awaiting", p)
	}
	_ = tt
}

// returnAwaiting asks the platform's returns API about an order's return updated since: "true",
// "false", or "" when it is not listed.
func returnAwaiting(t *testing.T, e *env, p domain.Platform, since time.Time, o domain.Order) string {
	t.Helper()
	switch p {
	case domain.Lazada:
		a := e.lazada(http.MethodGet, "/reverse/getreverseordersforseller", e.tok[p], map[string]string{"page_size": "50", "page_no": "1",
			"request_type_list": `["RETURN","ONLY_REFUND"]`, "ReverseOrderLineModifiedTimeRangeStart": strconv.FormatInt(since.UnixMilli(), 10)})
		must(t, a.str("code") == "0" && a.get("result", "success") == true, "reverse list: %s", a.body)
		for _, raw := range a.list("result", "items") {
			it := raw.(map[string]any)
			if str(it["trade_order_id"]) == o.PlatformID {
				must(t, it["request_type"] == "RETURN", "request_type %v", it["request_type"])
				line := it["reverse_order_lines"].([]any)[0].(map[string]any)
				return strconv.FormatBool(line["reverse_status"] == "REQUEST_INITIATE")
			}
		}
	case domain.Shopee:
		a := e.shopee("/api/v2/returns/get_return_list", map[string]string{"page_no": "0", "page_size": "100",
			"update_time_from": strconv.FormatInt(since.Unix(), 10), "update_time_to": strconv.FormatInt(e.sim.Clock().Now().Unix(), 10)})
		must(t, a.str("error") == "", "return list: %s", a.body)
		for _, raw := range a.list("response", "return") {
			r := raw.(map[string]any)
			if r["order_sn"] == o.OrderNo {
				return strconv.FormatBool(r["status"] == "REQUESTED" || r["status"] == "PROCESSING")
			}
		}
	case domain.TikTok:
		a := e.tiktok("/return_refund/202309/returns/search", map[string]string{"page_size": "50"}, map[string]any{"update_time_ge": since.Unix()}, true)
		must(t, a.str("code") == "0", "returns search: %s", a.body)
		for _, raw := range a.list("data", "return_orders") {
			r := raw.(map[string]any)
			if r["order_id"] == o.OrderNo {
				next, _ := r["seller_next_action_response"].([]any)
				return strconv.FormatBool(r["return_status"] == "RETURN_OR_REFUND_REQUEST_PENDING" || len(next) > 0)
			}
		}
	}
	return ""
}
