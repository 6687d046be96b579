package lazada_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/lazada"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/vault"
)

// A client for one Malaysian shop whose tokens live, sealed, in Kedai's data file: send the
// seller to the sign-in page, turn the redirect's query into tokens with Link, then Pull what
// changed since the store's cursor, saving each batch in one transaction.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "kedai-example")
	defer os.RemoveAll(dir)
	d, err := db.OpenWith(filepath.Join(dir, "kedai.db"), db.Options{Vault: vault.Options{NoKeychain: true, Dir: dir}})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	now := time.Now()
	store, err := d.LinkStore(ctx, domain.Store{Platform: domain.Lazada, Name: "Kedai Cantik", Region: "MY", ShopID: "1000008313"},
		db.Link{BaseURL: "https://api.lazada.com.my/rest", AppKey: "100200"},
		db.Secrets{AppSecret: "app-secret", Tokens: market.Tokens{Access: "access", Refresh: "refresh"}}, 3, now)
	if err != nil {
		log.Fatal(err)
	}

	c, err := lazada.New(market.Config{
		BaseURL:   "https://api.lazada.com.my/rest",
		AppKey:    "100200",
		AppSecret: "app-secret",
		ShopID:    store.ShopID,
		Region:    store.Region,
		Keeper:    d.Keeper(store.ID), // tokens are read here and renewed tokens saved here
	})
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.AuthorizeURL(market.DefaultRedirect, "a1b2c3")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page)

	// When the browser comes back to the redirect with ?code=...:
	//	shop, err := c.Link(ctx, callbackQuery) // saves the tokens through the Keeper
	// On every sync run, from the store's cursor to just before now:
	pull := func(from, to time.Time) error {
		return c.Pull(ctx, from, to, func(b market.Batch) error {
			return d.SaveBatch(ctx, store.ID, b, to, time.Now()) // on b.Final the cursor moves to to
		})
	}
	_ = pull // errors are *market.Error, or wrap market.ErrRelink when the seller must sign in again

	// Output:
	// https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri=http%3A%2F%2F127.0.0.1%3A47655%2Fcallback&client_id=100200&state=a1b2c3
}
