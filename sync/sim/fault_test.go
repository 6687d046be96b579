package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// call makes one ordinary API call on a platform.
func (e *env) call(p domain.Platform) answer {
	e.t.Helper()
	switch p {
	case domain.Lazada:
		return e.lazada(http.MethodGet, "/orders/get", e.tok[p], map[string]string{"created_after": lazadaTimeParam(testStart.Add(-time.Hour))})
	case domain.Shopee:
		return e.shopee("/api/v2/order/get_order_list", map[string]string{"time_range_field": "update_time", "time_from": "1", "time_to": "2", "page_size": "1"})
	}
	return e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "5"}, map[string]any{}, true)
}

func okAnswer(p domain.Platform, a answer) bool {
	switch p {
	case domain.Lazada:
		return a.status == 200 && a.str("code") == "0"
	case domain.Shopee:
		return a.status == 200 && a.str("error") == "" && a.get("response") != nil
	}
	return a.status == 200 && a.str("code") == "0"
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	for _, p := range domain.Platforms {
		t.Run(string(p), func(t *testing.T) {
			must(t, okAnswer(p, e.call(p)), "baseline call fails")

			e.sim.Inject(p, Fault{Kind: TooManyRequests, Times: 2})
			for range 2 {
				a := e.call(p)
				must(t, a.status == http.StatusTooManyRequests, "429: got %d %s", a.status, a.body)
				switch p {
				case domain.Lazada:
					must(t, a.str("code") == "ApiCallLimit" && a.str("type") != "", "lazada throttle body %s", a.body)
				case domain.Shopee:
					must(t, a.str("error") == "error_server" && strings.Contains(a.str("message"), "Too many requests"), "shopee throttle body %s", a.body)
				case domain.TikTok:
					must(t, a.str("code") == "36009002", "tiktok throttle body %s", a.body)
				}
			}
			must(t, okAnswer(p, e.call(p)), "the fault outlived its Times")

			e.sim.Inject(p, Fault{Kind: ServerError})
			must(t, e.call(p).status == http.StatusInternalServerError, "500")
			e.sim.Inject(p, Fault{Kind: Unavailable})
			must(t, e.call(p).status == http.StatusServiceUnavailable, "503")

			e.sim.Inject(p, Fault{Kind: Malformed})
			m := e.call(p)
			must(t, m.status == 200 && len(m.body) > 0 && !json.Valid(m.body), "malformed: %d %s", m.status, m.body)

			e.sim.Inject(p, Fault{Kind: ExpiredToken})
			x := e.call(p)
			switch p {
			case domain.Lazada:
				wantLazadaError(t, x, "IllegalAccessToken")
			case domain.Shopee:
				wantShopeeError(t, x, "error_auth")
				must(t, x.str("message") == "Invalid access_token.", "shopee expired message %q", x.str("message"))
			case domain.TikTok:
				wantTikTokError(t, x, 105002)
			}
			must(t, okAnswer(p, e.call(p)), "the token is fine again after the fault")

			// Timeout: the request is held until the client gives up, and nothing is answered.
			e.sim.Inject(p, Fault{Kind: Timeout})
			impatient := &http.Client{Timeout: 300 * time.Millisecond}
			req, _ := http.NewRequest(http.MethodGet, e.base+map[domain.Platform]string{domain.Lazada: "/lazada/rest/orders/get",
				domain.Shopee: "/shopee/api/v2/order/get_order_list", domain.TikTok: "/tiktok/order/202309/orders"}[p], nil)
			start := time.Now()
			_, err := impatient.Do(req)
			must(t, err != nil && time.Since(start) >= 250*time.Millisecond, "timeout fault answered: %v", err)
			log := e.sim.Requests(p)
			must(t, log[len(log)-1].Status == 0, "a held request is logged with status 0: %+v", log[len(log)-1])
			must(t, okAnswer(p, e.call(p)), "the timeout outlived its Times")
		})
	}
}

func TestFaultMatching(t *testing.T) {
	e := newEnv(t)
	tok := e.tok[domain.Lazada]
	// A path fault hits only that path.
	e.sim.Inject(domain.Lazada, Fault{Kind: ServerError, Path: "/orders/items/get"})
	must(t, okAnswer(domain.Lazada, e.call(domain.Lazada)), "a fault for another path hit /orders/get")
	a := e.lazada(http.MethodGet, "/orders/items/get", tok, map[string]string{"order_ids": "[1]"})
	must(t, a.status == 500, "path fault missed: %d", a.status)

	// A fault without a path spares the token calls; one naming the token path hits them.
	e.sim.Inject(domain.Lazada, Fault{Kind: ServerError})
	tc := e.lazada(http.MethodPost, "/auth/token/create", "", map[string]string{"code": "x"})
	must(t, tc.status == 200 && tc.str("code") == "InvalidCode", "a pathless fault hit a token call: %d %s", tc.status, tc.body)
	must(t, e.call(domain.Lazada).status == 500, "the pathless fault did not hit the API call")
	e.sim.Inject(domain.Lazada, Fault{Kind: TooManyRequests, Path: "/auth/token"})
	must(t, e.lazada(http.MethodPost, "/auth/token/refresh", "", map[string]string{"refresh_token": "x"}).status == 429, "token fault missed")

	// The log keeps no secrets and records the status.
	log := e.sim.Requests(domain.Lazada)
	must(t, len(log) >= 4, "log has %d entries", len(log))
	for _, r := range log {
		for _, k := range []string{"sign", "access_token", "code", "refresh_token"} {
			must(t, r.Params.Get(k) == "", "log keeps %s: %+v", k, r)
		}
	}
	last := log[len(log)-1]
	must(t, last.Path == "/auth/token/refresh" && last.Status == 429 && last.Method == http.MethodPost, "last entry %+v", last)
	items := log[1]
	must(t, items.Path == "/orders/items/get" && items.Params.Get("order_ids") == "[1]" && items.Params.Get("app_key") != "", "params kept: %+v", items)

	// TikTok and Shopee bodies are logged by their top-level fields.
	e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "5"}, map[string]any{"update_time_ge": 17, "order_status": "UNPAID"}, true)
	tl := e.sim.Requests(domain.TikTok)
	must(t, tl[len(tl)-1].Params.Get("update_time_ge") == "17" && tl[len(tl)-1].Params.Get("order_status") == "UNPAID", "tiktok body params: %+v", tl[len(tl)-1])
}
