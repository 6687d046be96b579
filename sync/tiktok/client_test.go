package tiktok

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/sync/market"
)

func TestNewChecksConfig(t *testing.T) {
	keeper := storedKeeper(t, ProductionAPI, market.Tokens{Access: "a"})
	good := market.Config{BaseURL: ProductionAPI, AppKey: "29a39d", AppSecret: "e59af819cc", Keeper: keeper}
	if _, err := New(good); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		edit func(*market.Config)
		want string
	}{
		"no base URL":    {func(c *market.Config) { c.BaseURL = "" }, "base URL is missing"},
		"relative URL":   {func(c *market.Config) { c.BaseURL = "open-api.tiktokglobalshop.com" }, "not an http(s) address"},
		"no app key":     {func(c *market.Config) { c.AppKey = " " }, "app key is missing"},
		"no secret":      {func(c *market.Config) { c.AppSecret = "" }, "app secret is missing"},
		"no keeper":      {func(c *market.Config) { c.Keeper = nil }, "Keeper is nil"},
		"bad auth URL":   {func(c *market.Config) { c.AuthURL = "ftp://x" }, "auth URL"},
		"negative retry": {func(c *market.Config) { c.RetryBase = -time.Second }, "negative"},
		"query in URL":   {func(c *market.Config) { c.BaseURL = ProductionAPI + "?app_secret=e59af819cc" }, "query"},
	} {
		cfg := good
		tc.edit(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %q", name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "e59af819cc") {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
	}
}

func TestHostsAndAuthorizeURL(t *testing.T) {
	keeper := storedKeeper(t, ProductionAPI, market.Tokens{Access: "a"})
	prod, err := New(market.Config{BaseURL: ProductionAPI + "/", AppKey: "k", AppSecret: "s", ServiceID: "7345", Keeper: keeper})
	if err != nil {
		t.Fatal(err)
	}
	if prod.auth != "https://auth.tiktok-shops.com" || prod.base != ProductionAPI {
		t.Errorf("production hosts: api %s, auth %s", prod.base, prod.auth)
	}
	page, err := prod.AuthorizeURL(market.DefaultRedirect, "xyz")
	if err != nil {
		t.Fatal(err)
	}
	if page != "https://services.tiktokshop.com/open/authorize?service_id=7345&state=xyz" {
		t.Errorf("production authorize URL %s", page)
	}

	simc, _ := New(market.Config{BaseURL: "http://127.0.0.1:8080/tiktok", AppKey: "k", AppSecret: "s", ServiceID: "7345", Keeper: keeper})
	if simc.auth != "http://127.0.0.1:8080/tiktok" {
		t.Errorf("a simulator's token endpoints are under its root, not %s", simc.auth)
	}
	page, _ = simc.AuthorizeURL(market.DefaultRedirect, "")
	if page != "http://127.0.0.1:8080/tiktok/open/authorize?service_id=7345" {
		t.Errorf("simulator authorize URL %s", page)
	}
	own, _ := New(market.Config{BaseURL: ProductionAPI, AuthURL: "https://auth.example.test/", AppKey: "k", AppSecret: "s", Keeper: keeper})
	if own.auth != "https://auth.example.test" {
		t.Errorf("AuthURL not used: %s", own.auth)
	}
	if _, err := own.AuthorizeURL(market.DefaultRedirect, "x"); err == nil || !strings.Contains(err.Error(), "service id") {
		t.Errorf("no service id: %v", err)
	}
}

func TestLinkRefusesBadCallbacks(t *testing.T) {
	keeper := storedKeeper(t, ProductionAPI, market.Tokens{Access: "a"})
	c, _ := New(market.Config{BaseURL: "http://127.0.0.1:1/tiktok", AppKey: "k", AppSecret: "s", ServiceID: "1", Keeper: keeper})
	if _, err := c.AuthorizeURL(market.DefaultRedirect, "mine"); err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]string{
		"code=null&error=auth_denied&state=mine": "did not authorize",
		"code=abc&state=theirs":                  "state differs",
		"state=mine":                             "no authorization code",
		"code=null&state=mine":                   "no authorization code",
	} {
		q, _ := url.ParseQuery(raw)
		_, err := c.Link(context.Background(), q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", raw, err, want)
		}
	}
}
