package sim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// synthetic builds n plain orders spread over the 90 days before end: cheap to make, for scale.
func synthetic(p domain.Platform, n int, end time.Time) []domain.Order {
	rm := func(sen int64) domain.Money { return domain.Money{Minor: sen, Currency: "MYR"} }
	status := map[domain.Platform]string{domain.Shopee: domain.SpCompleted, domain.TikTok: domain.TtCompleted}[p]
	itemStatus := map[domain.Platform]string{domain.Lazada: domain.LzDelivered, domain.TikTok: "COMPLETED"}[p]
	out := make([]domain.Order, n)
	span := int64(90 * 24 * time.Hour / time.Second)
	for i := range out {
		created := end.Add(-time.Duration(span*int64(n-i)/int64(n)) * time.Second)
		no := fmt.Sprintf("3%014d", i+1)
		if p == domain.Shopee {
			no = fmt.Sprintf("251122%08d", i+1)
		}
		out[i] = domain.Order{Platform: p, OrderNo: no, PlatformID: no, Status: status, CreatedAt: created,
			UpdatedAt: created.Add(time.Duration(i%7200) * time.Second), Currency: "MYR", Subtotal: rm(1990), Total: rm(2480), ShippingFee: rm(490),
			Address: domain.Address{Name: "Aminah", Lines: []string{"1 Jalan Ampang"}, City: "Kuala Lumpur", Postcode: "50450", Country: "Malaysia"},
			Items: []domain.Item{{PlatformItemID: fmt.Sprint(900000000000000 + i), ProductID: "2001", SKUID: "3001", SKU: "TEE-M", Name: "Tee",
				Qty: 1, UnitPrice: rm(1990), PaidPrice: rm(1990), Status: itemStatus}}}
	}
	return out
}

// A shop of 100,000 orders pages like a small one: every platform's list answers a full page from
// the newest orders and from deep inside the history. (How fast: BenchmarkListPage.)
func TestLargeShop(t *testing.T) {
	e := newEnv(t)
	const n = 100_000
	for _, p := range domain.Platforms {
		e.sim.PutOrders(p, e.shops[p].ID, synthetic(p, n, testStart))
	}
	must(t, len(e.sim.Orders(domain.Lazada, e.shops[domain.Lazada].ID)) == n, "orders lost")
	a := e.lazada(http.MethodGet, "/orders/get", e.tok[domain.Lazada], map[string]string{"update_after": lazadaTimeParam(testStart.AddDate(0, 0, -100)),
		"sort_by": "updated_at", "offset": "5000", "limit": "100"})
	must(t, len(a.list("data", "orders")) == 100 && a.str("data", "countTotal") == strconv.Itoa(n), "lazada: %s", a.str("data", "countTotal"))
	s := e.shopee("/api/v2/order/get_order_list", map[string]string{"time_range_field": "update_time", "page_size": "100",
		"time_from": strconv.FormatInt(testStart.AddDate(0, 0, -30).Unix(), 10), "time_to": strconv.FormatInt(testStart.AddDate(0, 0, -15).Unix(), 10), "cursor": "3000"})
	must(t, len(s.list("response", "order_list")) == 100 && s.get("response", "more") == true, "shopee: %s", s.str("error"))
	tok := ""
	for range 3 {
		tt := e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "100", "page_token": tok, "sort_field": "update_time", "sort_order": "ASC"},
			map[string]any{"update_time_ge": testStart.AddDate(0, 0, -45).Unix()}, true)
		must(t, len(tt.list("data", "orders")) == 100, "tiktok: %s", tt.str("message"))
		tok = tt.str("data", "next_page_token")
	}
	// Step copes with the size too.
	e.sim.SetRates(Rates{Return: 0.001})
	e.sim.Step()
}

// Concurrent API calls, world changes and clock moves (run with -race).
func TestConcurrency(t *testing.T) {
	e := newEnv(t)
	for _, p := range domain.Platforms {
		e.sim.AddHistory(p, e.shops[p].ID, 800)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, p := range domain.Platforms {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if !okAnswer(p, e.call(p)) {
						t.Errorf("%s call failed under load", p)
						return
					}
				}
			}()
		}
	}
	for i := range 60 {
		e.sim.Clock().Advance(5 * time.Second)
		e.sim.Step()
		for _, p := range domain.Platforms {
			e.sim.Generate(p, e.shops[p].ID, 2)
			os := e.sim.Orders(p, e.shops[p].ID)
			e.sim.RequestReturn(p, e.shops[p].ID, os[i%len(os)].OrderNo)
			e.sim.Grant(p, e.shops[p].ID)
			e.sim.Inject(p, Fault{Kind: Unavailable, Path: "/nothing-matches"})
		}
	}
	close(stop)
	wg.Wait()
}

// BenchmarkListPage is one 100-order list page of a 100,000-order shop over HTTP, per platform
// (Lazada GetOrders at offset 2000, Shopee get_order_list at cursor 2000, TikTok search on a keyset
// token with full orders). The client only reads the body, so the figure is the simulator's.
// Compare with BenchmarkRoundTrip, the bare HTTP round trip to the same server.
func BenchmarkListPage(b *testing.B) {
	e := newEnv(&testing.T{})
	const n = 100_000
	for _, p := range domain.Platforms {
		e.sim.PutOrders(p, e.shops[p].ID, synthetic(p, n, testStart))
	}
	e.t = &testing.T{}
	first := e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "100", "sort_field": "update_time", "sort_order": "ASC"},
		map[string]any{"update_time_ge": testStart.AddDate(0, 0, -45).Unix()}, true)
	tok := first.str("data", "next_page_token")
	for _, p := range domain.Platforms {
		b.Run(string(p), func(b *testing.B) {
			for b.Loop() {
				var req *http.Request
				switch p {
				case domain.Lazada:
					v := e.lazadaParams(e.tok[p], map[string]string{"update_after": lazadaTimeParam(testStart.AddDate(0, 0, -100)),
						"sort_by": "updated_at", "sort_direction": "ASC", "offset": "2000", "limit": "100"})
					v.Set("sign", lzSign(e.sim.App(p).Secret, "/orders/get", v))
					req, _ = http.NewRequest(http.MethodGet, e.base+"/lazada/rest/orders/get?"+v.Encode(), nil)
				case domain.Shopee:
					req, _ = http.NewRequest(http.MethodGet, e.shopeeURL("/api/v2/order/get_order_list", e.tok[p], e.shops[p].ID, url.Values{
						"time_range_field": {"update_time"}, "page_size": {"100"}, "cursor": {"2000"},
						"time_from": {strconv.FormatInt(testStart.AddDate(0, 0, -15).Unix(), 10)}, "time_to": {strconv.FormatInt(testStart.Unix(), 10)}}), nil)
				case domain.TikTok:
					app := e.sim.App(p)
					q := url.Values{"app_key": {app.Key}, "timestamp": {strconv.FormatInt(testStart.Unix(), 10)}, "shop_cipher": {e.shops[p].Cipher},
						"page_size": {"100"}, "page_token": {tok}, "sort_field": {"update_time"}, "sort_order": {"ASC"}}
					body := []byte(fmt.Sprintf(`{"update_time_ge":%d}`, testStart.AddDate(0, 0, -45).Unix()))
					q.Set("sign", ttSign(app.Secret, "/order/202309/orders/search", q, body))
					req, _ = http.NewRequest(http.MethodPost, e.base+"/tiktok/order/202309/orders/search?"+q.Encode(), bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("x-tts-access-token", e.tok[p])
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"code":"0"`)) && !bytes.Contains(body, []byte(`"code":0`)) && !bytes.Contains(body, []byte(`"error":""`)) {
					b.Fatalf("%s: %d %s", p, resp.StatusCode, body)
				}
			}
		})
	}
}

// BenchmarkRoundTrip is the floor for BenchmarkListPage: a control call that does no work.
func BenchmarkRoundTrip(b *testing.B) {
	e := newEnv(&testing.T{})
	for b.Loop() {
		resp, err := http.Get(e.base + "/_sim/clock")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
