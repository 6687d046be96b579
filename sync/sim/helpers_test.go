package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// The test clients below sign requests their own way (straight from the reference), not through
// the simulator's verifier functions.

var testStart = time.Date(2025, 11, 22, 6, 30, 0, 0, time.UTC) // 14:30 in Kuala Lumpur

type env struct {
	t     *testing.T
	sim   *Sim
	base  string
	shops map[domain.Platform]Shop
	tok   map[domain.Platform]string
}

// newEnv starts a manual-clock simulator over real HTTP with one shop per platform, each granted.
func newEnv(t *testing.T) *env {
	t.Helper()
	s := New(Options{Seed: 7, Start: testStart, Manual: true})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.Close(); srv.Close() })
	e := &env{t: t, sim: s, base: srv.URL, shops: map[domain.Platform]Shop{}, tok: map[domain.Platform]string{}}
	for _, p := range domain.Platforms {
		sh := s.AddShop(p, "Test "+p.Title(), "MY")
		e.shops[p] = sh
		e.tok[p], _, _ = s.Grant(p, sh.ID)
	}
	return e
}

type answer struct {
	status int
	body   []byte
	json   map[string]any
}

func (a answer) str(path ...string) string {
	v := a.get(path...)
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (a answer) get(path ...string) any {
	var cur any = a.json
	for _, p := range path {
		switch m := cur.(type) {
		case map[string]any:
			cur = m[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(m) {
				return nil
			}
			cur = m[i]
		default:
			return nil
		}
	}
	return cur
}

func (a answer) list(path ...string) []any {
	l, _ := a.get(path...).([]any)
	return l
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, body: body}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	_ = dec.Decode(&a.json)
	return a
}

// --- Lazada: UPPERCASE hex HMAC-SHA256 over path + sorted name+value ---

func lzSign(secret, path string, p url.Values) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := path
	for _, k := range keys {
		s += k + p.Get(k)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(s))
	return strings.ToUpper(hex.EncodeToString(m.Sum(nil)))
}

func (e *env) lazadaParams(token string, params map[string]string) url.Values {
	app := e.sim.App(domain.Lazada)
	v := url.Values{"app_key": {app.Key}, "sign_method": {"sha256"},
		"timestamp": {strconv.FormatInt(e.sim.Clock().Now().UnixMilli(), 10)}}
	if token != "" {
		v.Set("access_token", token)
	}
	for k, x := range params {
		v.Set(k, x)
	}
	return v
}

// lazada calls a Lazada API with GET (params in the query) or POST (a form).
func (e *env) lazada(method, path string, token string, params map[string]string) answer {
	e.t.Helper()
	v := e.lazadaParams(token, params)
	v.Set("sign", lzSign(e.sim.App(domain.Lazada).Secret, path, v))
	return e.lazadaRaw(method, path, v)
}

func (e *env) lazadaRaw(method, path string, v url.Values) answer {
	e.t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		req, _ = http.NewRequest(method, e.base+"/lazada/rest"+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, e.base+"/lazada/rest"+path+"?"+v.Encode(), nil)
	}
	return do(e.t, req)
}

// --- Shopee: lowercase hex over partner_id + path + timestamp [+ access_token + shop_id] ---

func spSign(key, base string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(base))
	return hex.EncodeToString(m.Sum(nil))
}

func (e *env) shopeeURL(path, token, shopID string, params url.Values) string {
	app := e.sim.App(domain.Shopee)
	ts := strconv.FormatInt(e.sim.Clock().Now().Unix(), 10)
	v := url.Values{"partner_id": {app.Key}, "timestamp": {ts}}
	base := app.Key + path + ts
	if token != "" {
		v.Set("access_token", token)
		v.Set("shop_id", shopID)
		base += token + shopID
	}
	v.Set("sign", spSign(app.Secret, base))
	for k, x := range params {
		v[k] = x
	}
	return e.base + "/shopee" + path + "?" + v.Encode()
}

func (e *env) shopee(path string, params map[string]string) answer {
	e.t.Helper()
	v := url.Values{}
	for k, x := range params {
		v.Set(k, x)
	}
	req, _ := http.NewRequest(http.MethodGet, e.shopeeURL(path, e.tok[domain.Shopee], e.shops[domain.Shopee].ID, v), nil)
	return do(e.t, req)
}

func (e *env) shopeePost(path string, body any) answer {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.shopeeURL(path, "", "", nil), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return do(e.t, req)
}

// --- TikTok: secret + path + sorted k+v (no sign, access_token) + body + secret, lowercase ---

func ttSign(secret, path string, q url.Values, body []byte) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "sign" && k != "access_token" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	s := path
	for _, k := range keys {
		s += k + q.Get(k)
	}
	s = secret + s + string(body) + secret
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// tiktok calls a TikTok API; body nil means GET. shopAPI adds the shop's cipher.
func (e *env) tiktok(path string, query map[string]string, body any, shopAPI bool) answer {
	e.t.Helper()
	return e.tiktokAt(e.sim.Clock().Now(), path, query, body, shopAPI, e.tok[domain.TikTok])
}

func (e *env) tiktokAt(at time.Time, path string, query map[string]string, body any, shopAPI bool, token string) answer {
	e.t.Helper()
	app := e.sim.App(domain.TikTok)
	q := url.Values{"app_key": {app.Key}, "timestamp": {strconv.FormatInt(at.Unix(), 10)}}
	if shopAPI {
		q.Set("shop_cipher", e.shops[domain.TikTok].Cipher)
	}
	for k, v := range query {
		q.Set(k, v)
	}
	var raw []byte
	method := http.MethodGet
	if body != nil {
		method = http.MethodPost
		if b, ok := body.([]byte); ok {
			raw = b
		} else {
			raw, _ = json.Marshal(body)
		}
	}
	q.Set("sign", ttSign(app.Secret, path, q, raw))
	req, _ := http.NewRequest(method, e.base+"/tiktok"+path+"?"+q.Encode(), bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("x-tts-access-token", token)
	}
	return do(e.t, req)
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func must(t *testing.T, cond bool, format string, args ...any) {
	t.Helper()
	if !cond {
		t.Fatalf(format, args...)
	}
}

func lazadaTimeParam(t time.Time) string {
	return t.In(time.FixedZone("", 8*3600)).Format(time.RFC3339)
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
