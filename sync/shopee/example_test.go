package shopee_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/shopee"
)

// A store is linked once through Shopee's sign-in page, then pulled in batches that the
// database saves one transaction each.
func Example() {
	ctx := context.Background()
	d, err := db.Open("kedai.db")
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	store, err := d.StoreByName(ctx, "Butik Ayu")
	if err != nil {
		log.Fatal(err)
	}
	link, _ := d.StoreLink(ctx, store.ID)
	secrets, _ := d.StoreSecrets(ctx, store.ID)

	c, err := shopee.New(market.Config{
		BaseURL:   link.BaseURL, // https://partner.shopeemobile.com
		AppKey:    link.AppKey,  // the partner_id
		AppSecret: secrets.AppSecret,
		ShopID:    store.ShopID,
		Region:    store.Region,
		Keeper:    d.Keeper(store.ID), // a rotated refresh token is saved here before it is used
	})
	if err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	from := now.Add(-40 * 24 * time.Hour) // read in windows of 15 days
	err = c.Pull(ctx, from, now, func(b market.Batch) error {
		return d.SaveBatch(ctx, store.ID, b, now, time.Now())
	})
	if err != nil {
		log.Fatal(err) // errors.Is(err, market.ErrRelink): the seller must sign in again
	}
}

func ExampleClient_AuthorizeURL() {
	c, err := shopee.New(market.Config{
		BaseURL:   shopee.Production,
		AppKey:    "2001887",
		AppSecret: "57615053704d6470644f554a78656d50484143644964436a5568777544524579",
		Now:       func() time.Time { return time.Unix(1655714431, 0) },
	})
	if err != nil {
		log.Fatal(err)
	}
	u, err := c.AuthorizeURL(market.DefaultRedirect, "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Shopee then sends the browser to the redirect with ?code=..&shop_id=..; Link(ctx, query)
	// turns that into the shop's tokens, saved through the Keeper.

	// Output:
	// https://partner.shopeemobile.com/api/v2/shop/auth_partner?partner_id=2001887&redirect=http%3A%2F%2F127.0.0.1%3A47655%2Fcallback&sign=0073b5b6e36428d5f469ae927416d50b34ed92480534178c39c7347be0535402&timestamp=1655714431
}

func ExampleSign() {
	fmt.Println(shopee.Sign("57615053704d6470644f554a78656d50484143644964436a5568777544524579",
		2001887, "/api/v2/shop/get_shop_info", 1655714431, "59777174636562737266615546704c6d", "14701711"))
	// Output: b914bea03c13799deb036bb9d10e689f5a6bade160c44af568646f1ef7d796c1
}
