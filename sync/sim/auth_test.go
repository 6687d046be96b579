package sim

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

var shopLink = regexp.MustCompile(`data-shop-id="([^"]+)" href="([^"]+)"`)

// approve opens an authorize page, follows the chosen shop's link and returns the redirect.
func approve(t *testing.T, base, authorizeURL, shopID string) *url.URL {
	t.Helper()
	resp, body := get(t, http.DefaultClient, authorizeURL)
	must(t, resp.StatusCode == 200 && strings.Contains(resp.Header.Get("Content-Type"), "text/html"), "authorize page: %d %s", resp.StatusCode, body)
	var link string
	for _, m := range shopLink.FindAllStringSubmatch(body, -1) {
		if m[1] == shopID {
			link = html.UnescapeString(m[2])
		}
	}
	must(t, link != "", "no link for shop %s on the page:\n%s", shopID, body)
	resp, body = get(t, noRedirect, base+link)
	must(t, resp.StatusCode == http.StatusFound, "approving: %d %s", resp.StatusCode, body)
	loc, err := url.Parse(resp.Header.Get("Location"))
	must(t, err == nil, "Location: %v", err)
	return loc
}

func TestLazadaTokenLifecycle(t *testing.T) {
	e := newEnv(t)
	sh := e.shops[domain.Lazada]
	app := e.sim.App(domain.Lazada)
	authz := e.base + "/lazada/oauth/authorize?" + url.Values{"response_type": {"code"}, "force_auth": {"true"},
		"redirect_uri": {"http://127.0.0.1:9/cb"}, "client_id": {app.Key}, "state": {"st8"}}.Encode()
	loc := approve(t, e.base, authz, sh.ID)
	must(t, loc.Host == "127.0.0.1:9" && loc.Path == "/cb" && loc.Query().Get("state") == "st8" && loc.Query().Get("code") != "", "redirect %s", loc)
	code := loc.Query().Get("code")

	tok := e.lazada(http.MethodPost, "/auth/token/create", "", map[string]string{"code": code})
	must(t, tok.str("code") == "0" && tok.str("access_token") != "" && tok.get("data") == nil, "token create: %s", tok.body)
	must(t, tok.str("expires_in") == strconv.Itoa(30*86400) && tok.str("refresh_expires_in") == strconv.Itoa(180*86400), "lifetimes: %s", tok.body)
	must(t, tok.str("country_user_info", "0", "seller_id") == sh.ID && tok.str("country") == "my", "country_user_info: %s", tok.body)
	wantLazadaError(t, e.lazada(http.MethodPost, "/auth/token/create", "", map[string]string{"code": code}), "InvalidCode")

	// A code lives 30 minutes.
	resp, _ := get(t, noRedirect, authz+"&shop="+sh.ID)
	late, _ := url.Parse(resp.Header.Get("Location"))
	e.sim.Clock().Advance(31 * time.Minute)
	wantLazadaError(t, e.lazada(http.MethodGet, "/auth/token/create", "", map[string]string{"code": late.Query().Get("code")}), "InvalidCode")

	access, refresh := tok.str("access_token"), tok.str("refresh_token")
	q := map[string]string{"created_after": lazadaTimeParam(testStart.AddDate(0, -1, 0))}
	must(t, e.lazada(http.MethodGet, "/orders/get", access, q).str("code") == "0", "fresh token rejected")
	e.sim.Clock().Advance(30 * 24 * time.Hour)
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", access, q), "IllegalAccessToken")

	ref := e.lazada(http.MethodPost, "/auth/token/refresh", "", map[string]string{"refresh_token": refresh})
	must(t, ref.str("code") == "0" && ref.str("access_token") != access, "refresh: %s", ref.body)
	must(t, ref.str("country_user_info_list", "0", "seller_id") == sh.ID, "country_user_info_list: %s", ref.body)
	must(t, ref.str("expires_in") == strconv.Itoa(30*86400), "access lifetime restarts: %s", ref.str("expires_in"))
	left, _ := strconv.Atoi(ref.str("refresh_expires_in"))
	must(t, left < 150*86400 && left > 149*86400, "refresh lifetime must not restart: %d s left", left)
	must(t, e.lazada(http.MethodGet, "/orders/get", ref.str("access_token"), q).str("code") == "0", "refreshed token rejected")

	e.sim.Clock().Advance(151 * 24 * time.Hour)
	wantLazadaError(t, e.lazada(http.MethodPost, "/auth/token/refresh", "", map[string]string{"refresh_token": ref.str("refresh_token")}), "IllegalRefreshToken")
	wantLazadaError(t, e.lazada(http.MethodPost, "/auth/token/refresh", "", map[string]string{"refresh_token": "nope"}), "IllegalRefreshToken")
}

func shopeeAuthLink(e *env, at time.Time, redirect string) string {
	app := e.sim.App(domain.Shopee)
	ts := strconv.FormatInt(at.Unix(), 10)
	return e.base + "/shopee/api/v2/shop/auth_partner?" + url.Values{"partner_id": {app.Key}, "timestamp": {ts},
		"sign": {spSign(app.Secret, app.Key+"/api/v2/shop/auth_partner"+ts)}, "redirect": {redirect}}.Encode()
}

func TestShopeeTokenLifecycle(t *testing.T) {
	e := newEnv(t)
	sh := e.shops[domain.Shopee]
	app := e.sim.App(domain.Shopee)
	loc := approve(t, e.base, shopeeAuthLink(e, testStart, "http://127.0.0.1:9/cb?x=1"), sh.ID)
	must(t, loc.Query().Get("shop_id") == sh.ID && loc.Query().Get("code") != "" && loc.Query().Get("x") == "1", "redirect %s", loc)

	// The link expires five minutes after its timestamp.
	resp, body := get(t, noRedirect, shopeeAuthLink(e, testStart.Add(-6*time.Minute), "http://127.0.0.1:9/cb")+"&shop="+sh.ID)
	must(t, resp.StatusCode != http.StatusFound, "an expired link still approves: %s", body)

	pid, _ := strconv.ParseInt(app.Key, 10, 64)
	shopID, _ := strconv.ParseInt(sh.ID, 10, 64)
	tokenGet := func(code string) answer {
		return e.shopeePost("/api/v2/auth/token/get", map[string]any{"code": code, "partner_id": pid, "shop_id": shopID})
	}
	refresh := func(rt string) answer {
		return e.shopeePost("/api/v2/auth/access_token/get", map[string]any{"refresh_token": rt, "partner_id": pid, "shop_id": shopID})
	}
	code := loc.Query().Get("code")
	tok := tokenGet(code)
	must(t, tok.str("error") == "" && tok.str("access_token") != "" && tok.str("expire_in") == "14400" && tok.get("response") == nil, "token/get: %s", tok.body)
	must(t, tok.str("shop_id_list") == "["+sh.ID+"]", "shop_id_list: %s", tok.str("shop_id_list"))
	wantShopeeError(t, tokenGet(code), "invalid_code")
	resp, _ = get(t, noRedirect, shopeeAuthLink(e, testStart, "http://127.0.0.1:9/cb")+"&shop="+sh.ID)
	late, _ := url.Parse(resp.Header.Get("Location"))
	e.sim.Clock().Advance(11 * time.Minute)
	wantShopeeError(t, tokenGet(late.Query().Get("code")), "invalid_code")

	e.tok[domain.Shopee] = tok.str("access_token")
	list := map[string]string{"time_range_field": "update_time", "time_from": "1", "time_to": "2", "page_size": "1"}
	must(t, e.shopee("/api/v2/order/get_order_list", list).str("error") == "", "token works")

	r1 := refresh(tok.str("refresh_token"))
	must(t, r1.str("error") == "" && r1.str("refresh_token") != tok.str("refresh_token") && r1.str("expire_in") == "14400", "refresh: %s", r1.body)
	must(t, r1.str("shop_id") == sh.ID && r1.str("partner_id") == app.Key, "refresh ids: %s", r1.body)
	// The refresh token works once.
	reuse := refresh(tok.str("refresh_token"))
	wantShopeeError(t, reuse, "error_auth")
	must(t, reuse.str("message") == "Invalid refresh_token.", "message %q", reuse.str("message"))
	// The old access token keeps working five minutes.
	e.sim.Clock().Advance(4 * time.Minute)
	must(t, e.shopee("/api/v2/order/get_order_list", list).str("error") == "", "old access token dead within 5 min")
	e.sim.Clock().Advance(2 * time.Minute)
	wantShopeeError(t, e.shopee("/api/v2/order/get_order_list", list), "error_auth")
	e.tok[domain.Shopee] = r1.str("access_token")
	must(t, e.shopee("/api/v2/order/get_order_list", list).str("error") == "", "new token rejected")
	// Access tokens live four hours.
	e.sim.Clock().Advance(4 * time.Hour)
	wantShopeeError(t, e.shopee("/api/v2/order/get_order_list", list), "error_auth")
	r2 := refresh(r1.str("refresh_token"))
	must(t, r2.str("error") == "", "refresh after access expiry: %s", r2.body)
	// Refresh tokens live 30 days.
	e.sim.Clock().Advance(31 * 24 * time.Hour)
	wantShopeeError(t, refresh(r2.str("refresh_token")), "refresh_token_expired")
}

func TestTikTokTokenLifecycle(t *testing.T) {
	e := newEnv(t)
	sh := e.shops[domain.TikTok]
	app := e.sim.App(domain.TikTok)
	authz := e.base + "/tiktok/open/authorize?" + url.Values{"service_id": {app.ServiceID}, "state": {"abc"}}.Encode()
	loc := approve(t, e.base, authz, sh.ID)
	must(t, loc.String() == DefaultRedirect+"?"+url.Values{"code": {loc.Query().Get("code")}, "state": {"abc"}}.Encode(), "redirect %s", loc)
	resp, _ := get(t, noRedirect, authz+"&deny=1")
	denied, _ := url.Parse(resp.Header.Get("Location"))
	must(t, denied.Query().Get("code") == "null" && denied.Query().Get("error") == "auth_denied", "deny: %s", denied)

	tokenGet := func(code string) answer {
		req, _ := http.NewRequest(http.MethodGet, e.base+"/tiktok/api/v2/token/get?"+url.Values{"app_key": {app.Key},
			"app_secret": {app.Secret}, "auth_code": {code}, "grant_type": {"authorized_code"}}.Encode(), nil)
		return do(t, req)
	}
	tok := tokenGet(loc.Query().Get("code"))
	must(t, tok.str("code") == "0", "token/get: %s", tok.body)
	must(t, tok.str("data", "access_token_expire_in") == strconv.FormatInt(testStart.Add(7*24*time.Hour).Unix(), 10), "access_token_expire_in is absolute: %s", tok.body)
	exp, _ := strconv.ParseInt(tok.str("data", "refresh_token_expire_in"), 10, 64)
	must(t, exp > testStart.Add(7*24*time.Hour).Unix(), "refresh_token_expire_in: %d", exp)
	must(t, tok.str("data", "seller_name") == sh.Name, "seller_name: %s", tok.body)
	wantTikTokError(t, tokenGet(loc.Query().Get("code")), 36009004)

	access := tok.str("data", "access_token")
	search := map[string]string{"page_size": "5"}
	must(t, e.tiktokAt(testStart, "/order/202309/orders/search", search, map[string]any{}, true, access).str("code") == "0", "token works")
	e.sim.Clock().Advance(7 * 24 * time.Hour)
	wantTikTokError(t, e.tiktokAt(e.sim.Clock().Now(), "/order/202309/orders/search", search, map[string]any{}, true, access), 105002)

	req, _ := http.NewRequest(http.MethodGet, e.base+"/tiktok/api/v2/token/refresh?"+url.Values{"app_key": {app.Key},
		"app_secret": {app.Secret}, "refresh_token": {tok.str("data", "refresh_token")}, "grant_type": {"refresh_token"}}.Encode(), nil)
	ref := do(t, req)
	must(t, ref.str("code") == "0", "refresh: %s", ref.body)
	must(t, e.tiktokAt(e.sim.Clock().Now(), "/order/202309/orders/search", search, map[string]any{}, true, ref.str("data", "access_token")).str("code") == "0", "refreshed token rejected")

	req, _ = http.NewRequest(http.MethodGet, e.base+"/tiktok/api/v2/token/get?"+url.Values{"app_key": {app.Key},
		"app_secret": {"wrong"}, "auth_code": {"x"}, "grant_type": {"authorized_code"}}.Encode(), nil)
	wantTikTokError(t, do(t, req), 36009004)
}

// The control API hands out working credentials for every shop.
func TestControlCredentials(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodGet, e.base+"/_sim/credentials", nil)
	a := do(t, req)
	must(t, a.status == 200, "credentials: %s", a.body)
	lz := a.get("lazada").(map[string]any)
	must(t, a.str("lazada", "app", "key") == e.sim.App(domain.Lazada).Key && a.str("lazada", "base_url") == e.base+"/lazada/rest", "lazada: %v", lz)
	tok := a.str("lazada", "shops", "0", "access_token")
	must(t, e.lazada(http.MethodGet, "/orders/get", tok, map[string]string{"created_after": lazadaTimeParam(testStart)}).str("code") == "0", "credentials token does not work")
	must(t, a.str("tiktok", "shops", "0", "cipher") == e.shops[domain.TikTok].Cipher, "cipher: %s", a.body)
	// Asked again, the same still-valid tokens come back.
	b := do(t, req)
	must(t, b.str("lazada", "shops", "0", "access_token") == tok, "credentials changed without need")

	post := func(path string) answer {
		req, _ := http.NewRequest(http.MethodPost, e.base+path, nil)
		return do(t, req)
	}
	must(t, post("/_sim/clock?advance=1h").str("now") == testStart.Add(time.Hour).Format(time.RFC3339), "clock advance")
	must(t, post("/_sim/clock?set=2026-01-02T03:04:05Z").str("now") == "2026-01-02T03:04:05Z", "clock set")
	g := post("/_sim/generate?platform=shopee&shop=" + e.shops[domain.Shopee].ID + "&n=3")
	must(t, len(g.list("orders")) == 3, "generate: %s", g.body)
	must(t, len(e.sim.Orders(domain.Shopee, e.shops[domain.Shopee].ID)) == 3, "generated orders missing")
	must(t, post("/_sim/step").get("changed") != nil, "step")
	must(t, post("/_sim/fault?platform=lazada&kind=503&times=2").status == 200, "fault")
	must(t, post("/_sim/fault?platform=lazada&kind=nope").status == 400, "bad fault kind accepted")
	must(t, post("/_sim/generate?platform=nope").status == 400, "bad platform accepted")
}
