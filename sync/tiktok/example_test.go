package tiktok_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/tiktok"
	"github.com/kedai-app/kedai/sync/vault"
)

// A seller links a TikTok shop through its sign-in page, and Kedai pulls the shop's orders into
// its data file. The simulator stands in for TikTok Shop; in production BaseURL is
// tiktok.ProductionAPI and the seller's browser does the sign-in.
func Example() {
	ctx := context.Background()
	s := sim.New(sim.Options{Seed: 7, Manual: true, Start: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	defer s.Close()
	shop := s.AddShop(domain.TikTok, "Serba Ada", "MY")
	app := s.App(domain.TikTok)
	made := s.Generate(domain.TikTok, shop.ID, 25)
	s.Clock().Advance(time.Minute)

	// The data file, whose Keeper keeps the shop's tokens sealed. A placeholder token stands in
	// until the sign-in gives the real pair.
	dir, _ := os.MkdirTemp("", "kedai-example")
	defer os.RemoveAll(dir)
	d, err := db.OpenWith(filepath.Join(dir, "kedai.db"), db.Options{Vault: vault.Options{NoKeychain: true, Dir: dir}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	link := db.Link{BaseURL: srv.URL + "/tiktok", AppKey: app.Key, ServiceID: app.ServiceID}
	store, err := d.LinkStore(ctx, domain.Store{Platform: domain.TikTok, Name: "Serba Ada", Region: "MY"}, link,
		db.Secrets{AppSecret: app.Secret, Tokens: market.Tokens{Access: "pending"}}, 3, s.Clock().Now())
	if err != nil {
		fmt.Println(err)
		return
	}

	c, err := tiktok.New(market.Config{
		BaseURL: link.BaseURL, AppKey: app.Key, AppSecret: app.Secret, ServiceID: app.ServiceID, Region: "MY",
		Keeper: d.Keeper(store.ID), Now: s.Clock().Now,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Sign in: the seller opens the page and is sent back to the app's registered redirect.
	page, _ := c.AuthorizeURL(market.DefaultRedirect, "a1b2c3")
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(page + "&shop=" + url.QueryEscape(shop.ID)) // the simulator's stand-in for choosing a shop
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	linked, err := c.Link(ctx, back.Query())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("linked %s (%s), cipher known: %v\n", linked.Name, linked.Region, linked.Cipher == shop.Cipher)

	// Pull the last day, saving each batch in its own transaction.
	to := s.Clock().Now()
	pulled := map[string]bool{}
	err = c.Pull(ctx, to.Add(-24*time.Hour), to, func(b market.Batch) error {
		for _, o := range b.Orders {
			pulled[o.OrderNo] = true
		}
		return d.SaveBatch(ctx, store.ID, b, to, s.Clock().Now())
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("pulled %d of %d new orders\n", len(pulled), len(made))
	// Output:
	// linked Serba Ada (MY), cipher known: true
	// pulled 25 of 25 new orders
}
