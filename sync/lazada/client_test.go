package lazada

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/market"
)

// linkedStore links a Lazada store in a real data file and returns its keeper.
func linkedStore(t *testing.T, baseURL, appKey, secret, shopID string, tok market.Tokens, now time.Time) (*db.DB, domain.Store, market.Keeper) {
	t.Helper()
	d := dbtest.Open(t)
	st, err := d.LinkStore(context.Background(), domain.Store{Platform: domain.Lazada, Name: "Kedai Cantik", Region: "MY", ShopID: shopID},
		db.Link{BaseURL: baseURL, AppKey: appKey}, db.Secrets{AppSecret: secret, Tokens: tok}, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	return d, st, d.Keeper(st.ID)
}

// unusedKeeper stands in where a test only checks configuration: nothing reads tokens.
type unusedKeeper struct{ market.Keeper }

func TestNewChecksConfig(t *testing.T) {
	ok := market.Config{BaseURL: "https://api.lazada.com.my/rest", AppKey: "100200", AppSecret: "s", Region: "MY", Keeper: unusedKeeper{}}
	if _, err := New(ok); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(*market.Config)
		want string
	}{
		{"no base URL", func(c *market.Config) { c.BaseURL = " " }, "base URL is missing"},
		{"not http", func(c *market.Config) { c.BaseURL = "api.lazada.com.my/rest" }, "not an http(s) address"},
		{"query", func(c *market.Config) { c.BaseURL = "https://api.lazada.com.my/rest?x=1" }, "query"},
		{"bad auth", func(c *market.Config) { c.AuthURL = "ftp://auth" }, "auth"},
		{"no key", func(c *market.Config) { c.AppKey = "" }, "app key"},
		{"no secret", func(c *market.Config) { c.AppSecret = "" }, "app secret"},
		{"no keeper", func(c *market.Config) { c.Keeper = nil }, "keeper"},
		{"region", func(c *market.Config) { c.Region = "JP" }, "region"},
		{"retry", func(c *market.Config) { c.RetryBase = -time.Second }, "negative"},
	}
	for _, tc := range cases {
		cfg := ok
		tc.edit(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestAuthRootAndAuthorizeURL(t *testing.T) {
	cases := []struct{ base, auth, want string }{
		{"https://api.lazada.com.my/rest", "", "https://auth.lazada.com/oauth/authorize"},
		{"https://api.lazada.sg/rest/", "", "https://auth.lazada.com/oauth/authorize"},
		{"http://127.0.0.1:8080/lazada/rest", "", "http://127.0.0.1:8080/lazada/oauth/authorize"},
		{"http://127.0.0.1:8080/lazada/rest", "http://127.0.0.1:9/x/", "http://127.0.0.1:9/x/oauth/authorize"},
	}
	for _, tc := range cases {
		c, err := New(market.Config{BaseURL: tc.base, AuthURL: tc.auth, AppKey: "100200", AppSecret: "s", Keeper: unusedKeeper{}})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := c.AuthorizeURL("http://127.0.0.1:47655/callback", "st&1")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(raw)
		if got := u.Scheme + "://" + u.Host + u.Path; got != tc.want {
			t.Errorf("%s: authorize page %s, want %s", tc.base, got, tc.want)
		}
		q := u.Query()
		if q.Get("response_type") != "code" || q.Get("force_auth") != "true" || q.Get("client_id") != "100200" ||
			q.Get("redirect_uri") != "http://127.0.0.1:47655/callback" || q.Get("state") != "st&1" {
			t.Errorf("authorize query = %v", q)
		}
	}
	c, _ := New(market.Config{BaseURL: "https://api.lazada.com.my/rest", AppKey: "k", AppSecret: "s", Keeper: unusedKeeper{}})
	if _, err := c.AuthorizeURL("not a url", ""); err == nil {
		t.Error("a bad redirect is an error")
	}
	if raw, _ := c.AuthorizeURL("", ""); !strings.Contains(raw, url.QueryEscape(market.DefaultRedirect)) || strings.Contains(raw, "state=") {
		t.Errorf("default redirect: %s", raw)
	}
}

// A call to an address where nothing listens fails with a retryable *market.Error that names
// the operation but carries neither the token, the signature nor the query.
func TestNetworkErrorsCarryNoSecrets(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	now := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	const access, refresh, secret = "ACCESS-5000060abcdef", "REFRESH-500016xyz", "APP-SECRET-0099"
	base := "http://" + addr + "/lazada/rest"
	_, _, keeper := linkedStore(t, base, "100200", secret, "1000008313",
		market.Tokens{Access: access, Refresh: refresh, AccessExpires: now.Add(24 * time.Hour)}, now)
	c, err := New(market.Config{BaseURL: base, AppKey: "100200", AppSecret: secret, Region: "MY", Keeper: keeper,
		Now: func() time.Time { return now }, RetryBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Pull(context.Background(), now.Add(-time.Hour), now, func(market.Batch) error { return nil })
	var me *market.Error
	if !errors.As(err, &me) || !me.Retryable || me.Op != "GET /orders/get" {
		t.Fatalf("err = %#v", err)
	}
	msg := err.Error()
	sign := sign(secret, "/orders/get", map[string]string{}) // any signature at all would be a leak
	for _, leak := range []string{access, secret, "access_token", "sign=", "?", sign[:8], addr + "/lazada/rest/orders/get"} {
		if strings.Contains(msg, leak) {
			t.Errorf("error %q carries %q", msg, leak)
		}
	}
	if !strings.Contains(msg, "Lazada") || !strings.Contains(msg, "refused") {
		t.Errorf("error %q does not say what failed", msg)
	}

	// The link's token exchange (a POST with the code in the body) is redacted the same way.
	_, err = c.Link(context.Background(), url.Values{"code": {"CODE-0_100200_secretcode"}})
	if err == nil || strings.Contains(err.Error(), "CODE-0_100200_secretcode") || strings.Contains(err.Error(), secret) {
		t.Errorf("link error = %v", err)
	}
	// A timeout: a listener that never answers.
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	base = "http://" + ln.Addr().String() + "/rest"
	c, _ = New(market.Config{BaseURL: base, AppKey: "100200", AppSecret: secret, Region: "MY", Keeper: keeper,
		Now: func() time.Time { return now }, RetryBase: time.Millisecond, HTTP: &http.Client{Timeout: 50 * time.Millisecond}})
	err = c.Pull(context.Background(), now.Add(-time.Hour), now, func(market.Batch) error { return nil })
	if !errors.As(err, &me) || !me.Retryable || !strings.Contains(err.Error(), "in time") || strings.Contains(err.Error(), access) || strings.Contains(err.Error(), "?") {
		t.Errorf("timeout err = %v", err)
	}
}

func TestBackoff(t *testing.T) {
	c, _ := New(market.Config{BaseURL: "https://api.lazada.com.my/rest", AppKey: "k", AppSecret: "s", Keeper: unusedKeeper{}})
	for attempt := 1; attempt <= 4; attempt++ {
		full := market.DefaultRetryBase << (attempt - 1)
		for range 50 {
			if d := c.backoff(attempt, 0); d < full/2 || d > full {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
	if d := c.backoff(20, 0); d > maxBackoff {
		t.Errorf("wait %v above the cap", d)
	}
	if d := c.backoff(1, 7*time.Second); d != 7*time.Second {
		t.Errorf("Retry-After 7s: wait %v", d)
	}
	if d := c.backoff(1, time.Hour); d != maxRetryAfter {
		t.Errorf("Retry-After 1h: wait %v", d)
	}
}
