package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// serveControl is the control API for `kedai sim` users and out-of-process tests:
//
//	GET  /_sim/credentials                         apps, shops and working tokens (granted as needed)
//	GET  /_sim/clock                               {"now": RFC 3339}
//	POST /_sim/clock?advance=1h | ?set=RFC3339     move the clock
//	POST /_sim/fault?platform=&kind=429|500|503|timeout|malformed|expired&times=&path=
//	POST /_sim/generate?platform=&shop=&n=         n new orders now; {"orders":[order numbers]}
//	POST /_sim/history?platform=&shop=&n=          n orders over the last 90 days
//	POST /_sim/step                                {"changed": n}
//	POST /_sim/shop?platform=&name=&region=        add a shop
//	POST /_sim/return?platform=&shop=&order=[&resolve=1]   open (or close) a return
//	POST /_sim/refuse?platform=&shop=&order=&code=&message=[&times=]   see Sim.Refuse
//	GET  /_sim/pickups?platform=&shop=[&package=]  Shopee pickup addresses / a TikTok package's slots
//	GET  /_sim/orders?platform=&shop=              the shop's orders in domain terms
//	GET  /_sim/returns?platform=&shop=             {order number: awaiting the seller}
//	GET  /_sim/requests?platform=                  the request log
//
// Errors are {"error": "..."} with HTTP 400 (404 for an unknown shop).
func (s *Sim) serveControl(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fail := func(status int, format string, args ...any) {
		jsonReply(status, map[string]string{"error": fmt.Sprintf(format, args...)}).write(w)
	}
	ok := func(v any) { jsonReply(http.StatusOK, v).write(w) }
	post := func() bool {
		if r.Method != http.MethodPost {
			fail(http.StatusMethodNotAllowed, "use POST")
			return false
		}
		return true
	}
	platform := func() (domain.Platform, bool) {
		p, err := domain.ParsePlatform(q.Get("platform"))
		if err != nil {
			fail(http.StatusBadRequest, "%v", err)
			return "", false
		}
		return p, true
	}
	// platformShop is the platform and its shop (the first one when none is named).
	platformShop := func() (domain.Platform, string, bool) {
		p, good := platform()
		if !good {
			return "", "", false
		}
		id := q.Get("shop")
		s.mu.RLock()
		defer s.mu.RUnlock()
		if id == "" && len(s.shops[p]) > 0 {
			return p, s.shops[p][0].ID, true
		}
		if s.shop(p, id) == nil {
			fail(http.StatusNotFound, "no %s shop %q", p, id)
			return "", "", false
		}
		return p, id, true
	}
	// times is how many calls a fault or refusal lasts (1 when not given).
	times := func() (int, bool) {
		v := q.Get("times")
		if v == "" {
			return 1, true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fail(http.StatusBadRequest, "times must be a positive number")
			return 0, false
		}
		return n, true
	}
	count := func() (int, bool) {
		v := q.Get("n")
		if v == "" {
			return 1, true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			fail(http.StatusBadRequest, "n must be a number from 0 to 1000000")
			return 0, false
		}
		return n, true
	}

	switch strings.TrimPrefix(r.URL.Path, "/_sim") {
	case "/credentials":
		ok(s.credentials(r))
	case "/clock":
		if r.Method == http.MethodPost {
			switch {
			case q.Get("advance") != "":
				d, err := time.ParseDuration(q.Get("advance"))
				if err != nil {
					fail(http.StatusBadRequest, "advance: %v", err)
					return
				}
				s.clock.Advance(d)
			case q.Get("set") != "":
				t, err := time.Parse(time.RFC3339, q.Get("set"))
				if err != nil {
					fail(http.StatusBadRequest, "set: %v", err)
					return
				}
				s.clock.Set(t)
			default:
				fail(http.StatusBadRequest, "give advance=DURATION or set=RFC3339")
				return
			}
		}
		ok(map[string]string{"now": s.now().UTC().Format(time.RFC3339)})
	case "/fault":
		if !post() {
			return
		}
		p, good := platform()
		if !good {
			return
		}
		kind, err := ParseFaultKind(q.Get("kind"))
		if err != nil {
			fail(http.StatusBadRequest, "%v", err)
			return
		}
		n, good := times()
		if !good {
			return
		}
		s.Inject(p, Fault{Kind: kind, Times: n, Path: q.Get("path")})
		ok(map[string]any{"platform": p, "kind": kind.String(), "times": n, "path": q.Get("path")})
	case "/generate", "/history":
		if !post() {
			return
		}
		p, id, good := platformShop()
		if !good {
			return
		}
		n, good := count()
		if !good {
			return
		}
		var orders []domain.Order
		if strings.HasSuffix(r.URL.Path, "/history") {
			orders = s.AddHistory(p, id, n)
		} else {
			orders = s.Generate(p, id, n)
		}
		nos := make([]string, 0, len(orders))
		for _, o := range orders {
			nos = append(nos, o.OrderNo)
		}
		ok(map[string]any{"orders": nos})
	case "/step":
		if !post() {
			return
		}
		ok(map[string]int{"changed": s.Step()})
	case "/shop":
		if !post() {
			return
		}
		p, good := platform()
		if !good {
			return
		}
		sh := s.AddShop(p, q.Get("name"), q.Get("region"))
		ok(map[string]string{"id": sh.ID, "name": sh.Name, "region": sh.Region, "cipher": sh.Cipher})
	case "/return":
		if !post() {
			return
		}
		p, id, good := platformShop()
		if !good {
			return
		}
		if _, found := s.Order(p, id, q.Get("order")); !found {
			fail(http.StatusNotFound, "no order %q in %s shop %s", q.Get("order"), p, id)
			return
		}
		if q.Get("resolve") != "" {
			s.ResolveReturn(p, id, q.Get("order"))
		} else {
			s.RequestReturn(p, id, q.Get("order"))
		}
		ok(s.Returns(p, id))
	case "/refuse":
		if !post() {
			return
		}
		p, id, good := platformShop()
		if !good {
			return
		}
		order, code := q.Get("order"), q.Get("code")
		if order == "" || code == "" {
			fail(http.StatusBadRequest, "give order and code")
			return
		}
		if p == domain.TikTok {
			if _, err := strconv.ParseInt(code, 10, 64); err != nil {
				fail(http.StatusBadRequest, "TikTok codes are numbers")
				return
			}
		}
		n, good := times()
		if !good {
			return
		}
		s.Refuse(p, id, order, code, q.Get("message"), n)
		ok(map[string]any{"platform": p, "shop": id, "order": order, "code": code, "times": n})
	case "/pickups":
		if p, id, good := platformShop(); good {
			ok(s.Pickups(p, id, q.Get("package")))
		}
	case "/orders":
		if p, id, good := platformShop(); good {
			ok(s.Orders(p, id))
		}
	case "/returns":
		if p, id, good := platformShop(); good {
			ok(s.Returns(p, id))
		}
	case "/requests":
		p, good := platform()
		if !good {
			return
		}
		ok(s.Requests(p))
	default:
		fail(http.StatusNotFound, "unknown control endpoint %s", r.URL.Path)
	}
}

// credentials lists every app and shop with working tokens: a shop's last grant while both its
// tokens still work, otherwise a new one.
func (s *Sim) credentials(r *http.Request) map[string]any {
	base := "http://" + r.Host
	roots := map[domain.Platform]string{domain.Lazada: "/lazada/rest", domain.Shopee: "/shopee", domain.TikTok: "/tiktok"}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := map[string]any{}
	for _, p := range domain.Platforms {
		app := s.apps[p]
		var shops []map[string]any
		for _, sh := range s.shops[p] {
			g := s.last[string(p)+"|"+sh.ID]
			if g != nil {
				a, rt := s.access[string(p)+"|"+g.access], s.refr[string(p)+"|"+g.refresh]
				if a == nil || !now.Before(a.expires) || rt == nil || rt.used || !now.Before(rt.expires) {
					g = nil
				}
			}
			if g == nil {
				g = s.issueLocked(p, sh.ID, time.Time{})
			}
			shops = append(shops, map[string]any{
				"id": sh.ID, "name": sh.Name, "region": sh.Region, "cipher": sh.Cipher,
				"access_token": g.access, "refresh_token": g.refresh,
				"access_expires": g.accessExpires.UTC().Format(time.RFC3339),
			})
		}
		if shops == nil {
			shops = []map[string]any{}
		}
		out[string(p)] = map[string]any{
			"base_url": base + roots[p],
			"app":      map[string]string{"key": app.Key, "secret": app.Secret, "service_id": app.ServiceID},
			"shops":    shops,
		}
	}
	return out
}
