package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

func TestLazadaPaging(t *testing.T) {
	e := newEnv(t)
	sh, tok := e.shops[domain.Lazada], e.tok[domain.Lazada]
	e.sim.AddHistory(domain.Lazada, sh.ID, 700)
	truth := e.sim.Orders(domain.Lazada, sh.ID)
	from := testStart.Add(-30 * 24 * time.Hour)

	want := map[string]bool{}
	for _, o := range truth {
		if !o.UpdatedAt.Before(from) {
			want[o.PlatformID] = true
		}
	}
	got := map[string]bool{}
	last := ""
	for offset := 0; ; offset += 100 {
		a := e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{
			"update_after": lazadaTimeParam(from), "sort_by": "updated_at", "sort_direction": "ASC",
			"offset": strconv.Itoa(offset), "limit": "100"})
		must(t, a.str("code") == "0", "page at %d: %s", offset, a.body)
		must(t, a.str("data", "countTotal") == strconv.Itoa(len(want)), "countTotal %s, want %d", a.str("data", "countTotal"), len(want))
		orders := a.list("data", "orders")
		must(t, a.str("data", "count") == strconv.Itoa(len(orders)), "count %s for %d orders", a.str("data", "count"), len(orders))
		for _, raw := range orders {
			o := raw.(map[string]any)
			id := fmt.Sprint(o["order_id"])
			must(t, !got[id], "order %s twice", id)
			got[id] = true
			upd := o["updated_at"].(string)
			must(t, upd >= last, "updated_at not ascending: %s after %s", upd, last)
			last = upd
		}
		if len(orders) < 100 {
			break
		}
	}
	must(t, len(got) == len(want), "listed %d orders, want %d", len(got), len(want))

	// update_after is inclusive: the newest order's own update time finds it.
	newest := truth[0]
	for _, o := range truth {
		if o.UpdatedAt.After(newest.UpdatedAt) {
			newest = o
		}
	}
	a := e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"update_after": lazadaTimeParam(newest.UpdatedAt), "sort_by": "updated_at"})
	found := false
	for _, raw := range a.list("data", "orders") {
		found = found || fmt.Sprint(raw.(map[string]any)["order_id"]) == newest.PlatformID
	}
	must(t, found, "update_after = its update time does not list order %s: %s", newest.OrderNo, a.body)
	// created_after is inclusive too, and a status filter narrows.
	a = e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"created_after": lazadaTimeParam(newest.CreatedAt), "created_before": lazadaTimeParam(newest.CreatedAt),
		"sort_by": "created_at", "sort_direction": "ASC", "limit": "100"})
	found = false
	for _, raw := range a.list("data", "orders") {
		o := raw.(map[string]any)
		must(t, o["created_at"] == lazadaFormat(newest.CreatedAt, lazadaZone("MY")), "created range let through %v", o["created_at"])
		found = found || fmt.Sprint(o["order_id"]) == newest.PlatformID
	}
	must(t, found, "created_after = created_before = its creation time does not list order %s", newest.OrderNo)
	pending := e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"created_after": lazadaTimeParam(testStart.AddDate(0, 0, -100)), "status": "pending", "limit": "100"})
	for _, raw := range pending.list("data", "orders") {
		must(t, strings.Contains(fmt.Sprint(raw.(map[string]any)["statuses"]), "pending"), "status=pending listed %v", raw)
	}

	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"update_after": lazadaTimeParam(from), "offset": "5001"}), "14")
	must(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"update_after": lazadaTimeParam(from), "offset": "5000"}).str("code") == "0", "offset 5000 rejected")
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"update_after": lazadaTimeParam(from), "limit": "101"}), "19")
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"update_after": "yesterday"}), "17")
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"update_after": lazadaTimeParam(from), "status": "bogus"}), "6")
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"update_after": lazadaTimeParam(from), "sort_by": "price"}), "74")
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"limit": "10"}), "MissingParameter")

	// GetMultipleOrderItems: up to 50 orders.
	var ids []string
	for _, o := range truth[:51] {
		ids = append(ids, o.PlatformID)
	}
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/items/get", tok, map[string]string{"order_ids": "[" + strings.Join(ids, ",") + "]"}), "21")
	items := e.lazada(http.MethodGet, "/orders/items/get", tok, map[string]string{"order_ids": "[" + strings.Join(ids[:50], ",") + "]"})
	must(t, len(items.list("data")) == 50, "50 orders' items: %d", len(items.list("data")))
	wantLazadaError(t, e.lazada(http.MethodGet, "/order/get", tok, map[string]string{"order_id": "1"}), "16")
}

func TestShopeePaging(t *testing.T) {
	e := newEnv(t)
	sh := e.shops[domain.Shopee]
	e.sim.AddHistory(domain.Shopee, sh.ID, 900)
	truth := e.sim.Orders(domain.Shopee, sh.ID)
	to := testStart
	from := to.Add(-15 * 24 * time.Hour)
	want := map[string]bool{}
	for _, o := range truth {
		if u := o.UpdatedAt.Unix(); u >= from.Unix() && u <= to.Unix() {
			want[o.OrderNo] = true
		}
	}
	must(t, len(want) > 100, "only %d orders in the window", len(want))
	got := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		a := e.shopee("/api/v2/order/get_order_list", map[string]string{"time_range_field": "update_time",
			"time_from": strconv.FormatInt(from.Unix(), 10), "time_to": strconv.FormatInt(to.Unix(), 10),
			"page_size": "100", "cursor": cursor, "response_optional_fields": "order_status"})
		must(t, a.str("error") == "", "page %d: %s", pages, a.body)
		for _, raw := range a.list("response", "order_list") {
			o := raw.(map[string]any)
			sn := o["order_sn"].(string)
			must(t, o["order_status"] != nil, "order_status not given: %v", o)
			must(t, !got[sn], "%s twice", sn)
			got[sn] = true
		}
		if a.get("response", "more") != true {
			must(t, a.str("response", "next_cursor") == "", "next_cursor on the last page: %s", a.body)
			break
		}
		cursor = a.str("response", "next_cursor")
	}
	must(t, len(got) == len(want), "listed %d, want %d", len(got), len(want))

	window := func(d time.Duration, size string) answer {
		return e.shopee("/api/v2/order/get_order_list", map[string]string{"time_range_field": "create_time",
			"time_from": strconv.FormatInt(to.Add(-d).Unix(), 10), "time_to": strconv.FormatInt(to.Unix(), 10), "page_size": size})
	}
	wantShopeeError(t, window(16*24*time.Hour, "10"), "order.order_list_invalid_time")
	must(t, window(15*24*time.Hour, "10").str("error") == "", "a 15-day window is allowed")
	wantShopeeError(t, window(time.Hour, "101"), "error_param")
	wantShopeeError(t, window(time.Hour, "0"), "error_param")

	var sns []string
	for _, o := range truth[:51] {
		sns = append(sns, o.OrderNo)
	}
	wantShopeeError(t, e.shopee("/api/v2/order/get_order_detail", map[string]string{"order_sn_list": strings.Join(sns, ",")}), "error_param")
	d := e.shopee("/api/v2/order/get_order_detail", map[string]string{"order_sn_list": strings.Join(append(sns[:49], "NOPE"), ","),
		"response_optional_fields": "item_list,total_amount"})
	must(t, d.str("error") == "" && len(d.list("response", "order_list")) == 49, "49 found: %s", d.str("error"))
	must(t, d.str("warning") == `["NOPE"]`, "warning: %s", d.str("warning"))

	wantShopeeError(t, e.shopee("/api/v2/returns/get_return_list", map[string]string{"page_no": "0", "page_size": "101"}), "error_param")
	wantShopeeError(t, e.shopee("/api/v2/returns/get_return_list", map[string]string{"page_no": "0", "page_size": "10",
		"update_time_from": strconv.FormatInt(to.Add(-16*24*time.Hour).Unix(), 10), "update_time_to": strconv.FormatInt(to.Unix(), 10)}), "error_param")
}

func TestTikTokPaging(t *testing.T) {
	e := newEnv(t)
	sh := e.shops[domain.TikTok]
	e.sim.AddHistory(domain.TikTok, sh.ID, 500)
	truth := e.sim.Orders(domain.TikTok, sh.ID)
	ge := testStart.Add(-40 * 24 * time.Hour)
	want := map[string]bool{}
	for _, o := range truth {
		if !o.UpdatedAt.Before(ge) {
			want[o.OrderNo] = true
		}
	}

	// Page through in update_time order while orders keep changing: every order that matched at the
	// start must be seen (keyset paging cannot skip).
	seen := map[string]bool{}
	token := ""
	var changedSeen, changedUnseen int
	for pages := 0; ; pages++ {
		a := e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "20", "page_token": token,
			"sort_field": "update_time", "sort_order": "ASC"}, map[string]any{"update_time_ge": ge.Unix()}, true)
		must(t, a.str("code") == "0", "page %d: %s", pages, a.body)
		for _, raw := range a.list("data", "orders") {
			seen[raw.(map[string]any)["id"].(string)] = true
		}
		token = a.str("data", "next_page_token")
		if token == "" {
			break
		}
		// Something already seen and something not yet seen change now.
		e.sim.Clock().Advance(time.Minute)
		for _, o := range truth {
			if want[o.OrderNo] && seen[o.OrderNo] && changedSeen <= pages {
				e.sim.RequestReturn(domain.TikTok, sh.ID, o.OrderNo)
				changedSeen++
				break
			}
		}
		for _, o := range truth {
			if want[o.OrderNo] && !seen[o.OrderNo] && changedUnseen <= pages {
				e.sim.RequestReturn(domain.TikTok, sh.ID, o.OrderNo)
				changedUnseen++
				break
			}
		}
	}
	for no := range want {
		must(t, seen[no], "order %s skipped while paging", no)
	}
	must(t, changedUnseen > 3, "the test changed too little: %d", changedUnseen)

	wantTikTokError(t, e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "0"}, map[string]any{}, true), 36009001)
	wantTikTokError(t, e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "101"}, map[string]any{}, true), 36009001)
	wantTikTokError(t, e.tiktok("/order/202309/orders/search", nil, map[string]any{}, true), 36009001)
	must(t, e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "100"}, map[string]any{}, true).str("code") == "0", "page_size 100 rejected")

	var ids []string
	for _, o := range truth[:51] {
		ids = append(ids, o.OrderNo)
	}
	wantTikTokError(t, e.tiktok("/order/202309/orders", map[string]string{"ids": strings.Join(ids, ",")}, nil, true), 36009001)
	d := e.tiktok("/order/202309/orders", map[string]string{"ids": strings.Join(ids[:50], ",")}, nil, true)
	must(t, d.str("code") == "0" && len(d.list("data", "orders")) == 50, "50 ids: %s", d.str("message"))

	// total_count counts every match; the last page has an empty token; filters apply.
	all := e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "100"}, map[string]any{"order_status": "COMPLETED"}, true)
	n, _ := strconv.Atoi(all.str("data", "total_count"))
	completed := 0
	for _, o := range e.sim.Orders(domain.TikTok, sh.ID) {
		if o.Status == domain.TtCompleted {
			completed++
		}
	}
	must(t, n == completed, "total_count %d, want %d", n, completed)
	for _, raw := range all.list("data", "orders") {
		must(t, raw.(map[string]any)["status"] == "COMPLETED", "status filter let through %v", raw.(map[string]any)["status"])
	}
}
