package sim

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// The reference's vectors, through the simulator's own verifiers.
func TestSigningVectors(t *testing.T) {
	lz := url.Values{"access_token": {"test"}, "app_key": {"123456"}, "order_id": {"1234"},
		"sign_method": {"sha256"}, "timestamp": {"1517820392000"}}
	if got, want := lazadaSignString("/order/get", lz), "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000"; got != want {
		t.Errorf("lazada string = %q, want %q", got, want)
	}
	const lzWant = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
	if got := lazadaSign("helloworld", "/order/get", lz, false); got != lzWant {
		t.Errorf("lazada sign = %s, want %s", got, lzWant)
	}
	lz.Set("sign", lzWant) // the sign itself is not signed
	if !lazadaVerify("helloworld", "/order/get", lz, lzWant) {
		t.Error("lazada verify rejects the official vector")
	}
	if lazadaVerify("helloworld", "/order/get", lz, "4190d32361cfb9581350222f345cb77f3b19f0e31d162316848a2c1ffd5fab4a") {
		t.Error("lazada verify accepts lowercase hex")
	}

	tt := url.Values{"app_key": {"29a39d"}, "timestamp": {"1623812664"}, "sign": {"x"}, "access_token": {"y"}}
	if got, want := tiktokSign("e59af819cc", "/authorization/202309/shops", tt, nil), "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"; got != want {
		t.Errorf("tiktok sign = %s, want %s", got, want)
	}
	tb := url.Values{"app_key": {"29a39d"}, "page_size": {"20"}, "shop_cipher": {"ROW_abc"}, "timestamp": {"1623812664"}}
	if got, want := tiktokSign("e59af819cc", "/order/202309/orders/search", tb, []byte(`{"order_status":"AWAITING_SHIPMENT"}`)), "5af1ffe32e805082bdfc6fa6944acea3a81f5617bf7a1ee27cc81631fff0a574"; got != want {
		t.Errorf("tiktok body sign = %s, want %s", got, want)
	}

	const key = "57615053704d6470644f554a78656d50484143644964436a5568777544524579"
	if got, want := shopeeSign(key, "2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711"), "b914bea03c13799deb036bb9d10e689f5a6bade160c44af568646f1ef7d796c1"; got != want {
		t.Errorf("shopee shop sign = %s, want %s", got, want)
	}
	if got, want := shopeeSign(key, "2001887/api/v2/auth/token/get1655714431"), "a04e209270a2b5ad27d10a237a3f4ba9715aa3f109de7c4d52973a17ddd932ee"; got != want {
		t.Errorf("shopee public sign = %s, want %s", got, want)
	}
}

func wantLazadaError(t *testing.T, a answer, code string) {
	t.Helper()
	if a.str("code") != code || a.str("type") == "" || a.str("message") == "" || a.str("request_id") == "" {
		t.Fatalf("want Lazada error %s with type/message/request_id, got %d %s", code, a.status, a.body)
	}
	if _, ok := a.json["data"]; ok {
		t.Fatalf("an error carries no data: %s", a.body)
	}
}

func TestLazadaSignature(t *testing.T) {
	e := newEnv(t)
	tok := e.tok[domain.Lazada]
	q := map[string]string{"update_after": lazadaTimeParam(testStart.Add(-time.Hour))}
	ok := e.lazada(http.MethodGet, "/orders/get", tok, q)
	must(t, ok.status == 200 && ok.str("code") == "0", "signed GET: %d %s", ok.status, ok.body)
	must(t, ok.str("request_id") != "", "no request_id: %s", ok.body)
	post := e.lazada(http.MethodPost, "/orders/get", tok, q)
	must(t, post.str("code") == "0", "signed form POST: %s", post.body)

	// Java/C# samples skip empty parameters, the Python SDK keeps them: both signs pass.
	app := e.sim.App(domain.Lazada)
	v := e.lazadaParams(tok, map[string]string{"update_after": q["update_after"], "status": ""})
	v.Set("sign", lzSign(app.Secret, "/orders/get", v))
	must(t, e.lazadaRaw(http.MethodGet, "/orders/get", v).str("code") == "0", "sign with the empty value rejected")
	skip := url.Values{}
	for k, x := range v {
		if x[0] != "" && k != "sign" {
			skip[k] = x
		}
	}
	v.Set("sign", lzSign(app.Secret, "/orders/get", skip))
	must(t, e.lazadaRaw(http.MethodGet, "/orders/get", v).str("code") == "0", "sign without the empty value rejected")

	v = e.lazadaParams(tok, q)
	v.Set("sign", lzSign("not-the-secret", "/orders/get", v))
	wantLazadaError(t, e.lazadaRaw(http.MethodGet, "/orders/get", v), "IncompleteSignature")

	v = e.lazadaParams(tok, q)
	v.Set("sign", lzSign(app.Secret, "/orders/get", v))
	v.Set("limit", "5") // changed after signing
	wantLazadaError(t, e.lazadaRaw(http.MethodGet, "/orders/get", v), "IncompleteSignature")

	for _, skew := range []time.Duration{-7201 * time.Second, 7201 * time.Second} {
		v = e.lazadaParams(tok, q)
		v.Set("timestamp", strconv.FormatInt(testStart.Add(skew).UnixMilli(), 10))
		v.Set("sign", lzSign(app.Secret, "/orders/get", v))
		wantLazadaError(t, e.lazadaRaw(http.MethodGet, "/orders/get", v), "InvalidTimestamp")
	}
	v = e.lazadaParams(tok, q)
	v.Set("timestamp", strconv.FormatInt(testStart.Add(-7100*time.Second).UnixMilli(), 10))
	v.Set("sign", lzSign(app.Secret, "/orders/get", v))
	must(t, e.lazadaRaw(http.MethodGet, "/orders/get", v).str("code") == "0", "a timestamp 7100 s old is within the window")

	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", "bogus", q), "IllegalAccessToken")
	wantLazadaError(t, e.lazada(http.MethodGet, "/orders/get", "", q), "MissingParameter")
}

func wantShopeeError(t *testing.T, a answer, code string) {
	t.Helper()
	if a.str("error") != code || a.str("message") == "" || a.str("request_id") == "" {
		t.Fatalf("want Shopee error %s with message/request_id, got %d %s", code, a.status, a.body)
	}
}

func TestShopeeSignature(t *testing.T) {
	e := newEnv(t)
	sh, tok := e.shops[domain.Shopee], e.tok[domain.Shopee]
	app := e.sim.App(domain.Shopee)
	list := map[string]string{"time_range_field": "update_time", "time_from": strconv.FormatInt(testStart.Add(-time.Hour).Unix(), 10),
		"time_to": strconv.FormatInt(testStart.Unix(), 10), "page_size": "10"}
	ok := e.shopee("/api/v2/order/get_order_list", list)
	must(t, ok.status == 200 && ok.str("error") == "" && ok.get("response") != nil, "signed call: %d %s", ok.status, ok.body)

	call := func(ts int64, sign string, token string) answer {
		v := url.Values{"partner_id": {app.Key}, "timestamp": {strconv.FormatInt(ts, 10)}, "sign": {sign},
			"access_token": {token}, "shop_id": {sh.ID}}
		for k, x := range list {
			v.Set(k, x)
		}
		req, _ := http.NewRequest(http.MethodGet, e.base+"/shopee/api/v2/order/get_order_list?"+v.Encode(), nil)
		return do(t, req)
	}
	now := testStart.Unix()
	good := func(ts int64, token string) string {
		return spSign(app.Secret, app.Key+"/api/v2/order/get_order_list"+strconv.FormatInt(ts, 10)+token+sh.ID)
	}
	wrong := call(now, spSign("nope", "x"), tok)
	wantShopeeError(t, wrong, "error_sign")
	must(t, wrong.status == http.StatusForbidden, "error_sign status %d", wrong.status)
	// Signed as a public API (no token and shop id): wrong for a shop API.
	wantShopeeError(t, call(now, spSign(app.Secret, app.Key+"/api/v2/order/get_order_list"+strconv.FormatInt(now, 10)), tok), "error_sign")
	wantShopeeError(t, call(now-301, good(now-301, tok), tok), "error_param")
	wantShopeeError(t, call(now+301, good(now+301, tok), tok), "error_param")
	must(t, call(now-299, good(now-299, tok), tok).str("error") == "", "299 s old is within the window")
	wantShopeeError(t, call(now, good(now, "bogus"), "bogus"), "error_auth")
}

func wantTikTokError(t *testing.T, a answer, code int) {
	t.Helper()
	if a.str("code") != strconv.Itoa(code) || a.str("message") == "" || a.str("request_id") == "" {
		t.Fatalf("want TikTok error %d with message/request_id, got %d %s", code, a.status, a.body)
	}
}

func TestTikTokSignature(t *testing.T) {
	e := newEnv(t)
	tok := e.tok[domain.TikTok]
	search := map[string]string{"page_size": "10"}
	body := map[string]any{"update_time_ge": testStart.Add(-time.Hour).Unix()}
	ok := e.tiktok("/order/202309/orders/search", search, body, true)
	must(t, ok.status == 200 && ok.str("code") == "0" && ok.str("message") != "", "signed call: %s", ok.body)
	shops := e.tiktok("/authorization/202309/shops", nil, nil, false)
	must(t, shops.str("data", "shops", "0", "cipher") == e.shops[domain.TikTok].Cipher, "shops: %s", shops.body)

	for _, skew := range []time.Duration{-301 * time.Second, 31 * time.Second} {
		wantTikTokError(t, e.tiktokAt(testStart.Add(skew), "/order/202309/orders/search", search, body, true, tok), 36009004)
	}
	must(t, e.tiktokAt(testStart.Add(-299*time.Second), "/order/202309/orders/search", search, body, true, tok).str("code") == "0", "-299 s rejected")
	must(t, e.tiktokAt(testStart.Add(29*time.Second), "/order/202309/orders/search", search, body, true, tok).str("code") == "0", "+29 s rejected")

	// Tampering with the body or the query after signing breaks the sign.
	app := e.sim.App(domain.TikTok)
	q := url.Values{"app_key": {app.Key}, "timestamp": {strconv.FormatInt(testStart.Unix(), 10)}, "shop_cipher": {e.shops[domain.TikTok].Cipher}, "page_size": {"10"}}
	q.Set("sign", ttSign(app.Secret, "/order/202309/orders/search", q, []byte(`{"order_status":"UNPAID"}`)))
	req, _ := http.NewRequest(http.MethodPost, e.base+"/tiktok/order/202309/orders/search?"+q.Encode(), stringsReader(`{"order_status":"CANCELLED"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-tts-access-token", tok)
	wantTikTokError(t, do(t, req), 106001)
	// access_token in the query is not signed: adding it keeps the sign valid.
	q.Set("access_token", tok)
	req, _ = http.NewRequest(http.MethodPost, e.base+"/tiktok/order/202309/orders/search?"+q.Encode(), stringsReader(`{"order_status":"UNPAID"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-tts-access-token", tok)
	must(t, do(t, req).str("code") == "0", "access_token in the query broke the sign")

	wantTikTokError(t, e.tiktokAt(testStart, "/order/202309/orders/search", search, body, true, ""), 36009004)
	wantTikTokError(t, e.tiktokAt(testStart, "/order/202309/orders/search", search, body, true, "bogus"), 36009004)
	// shop_cipher is required on shop APIs.
	wantTikTokError(t, e.tiktok("/order/202309/orders/search", search, body, false), 106013)
	wantTikTokError(t, e.tiktok("/order/202309/orders/search", map[string]string{"page_size": "10", "shop_cipher": "ROW_other"}, body, false), 101000)
	wantTikTokError(t, e.tiktok("/order/202309/orders/search", search, []byte(`{not json`), true), 36009022)
	wantTikTokError(t, e.tiktok("/order/202201/orders/search", search, body, true), 36009014)
	wantTikTokError(t, e.tiktok("/order/202309/nothing", nil, nil, true), 36009009)
}
