package tiktok

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// tokenData is the data of /api/v2/token/get and /api/v2/token/refresh (T2).
type tokenData struct {
	AccessToken      string      `json:"access_token"`
	AccessExpireIn   lenient.Int `json:"access_token_expire_in"`
	RefreshToken     string      `json:"refresh_token"`
	RefreshExpireIn  lenient.Int `json:"refresh_token_expire_in"`
	OpenID           string      `json:"open_id"`
	SellerName       string      `json:"seller_name"`
	SellerBaseRegion string      `json:"seller_base_region"`
}

// expiry reads a *_expire_in value. T2 says it is an absolute unix timestamp (seconds); a value
// too small to be one (before 2001) is read as a lifetime in seconds instead, and one too large
// as milliseconds. Zero or absent gives def.
func expiry(v lenient.Int, now time.Time, def time.Time) time.Time {
	switch n := int64(v); {
	case n <= 0:
		return def
	case n < 1_000_000_000:
		return now.Add(time.Duration(n) * time.Second).UTC()
	case n > 100_000_000_000:
		return time.UnixMilli(n).UTC()
	default:
		return time.Unix(n, 0).UTC()
	}
}

// tokens turns a token answer into market.Tokens; a refresh answer without a new refresh token
// keeps the old one.
func (d tokenData) tokens(now time.Time, old market.Tokens) market.Tokens {
	t := market.Tokens{
		Access:         d.AccessToken,
		Refresh:        d.RefreshToken,
		AccessExpires:  expiry(d.AccessExpireIn, now, now.Add(accessLifetime).UTC()),
		RefreshExpires: expiry(d.RefreshExpireIn, now, time.Time{}),
	}
	if t.Refresh == "" {
		t.Refresh, t.RefreshExpires = old.Refresh, old.RefreshExpires
	}
	return t
}

// takeTurn makes token loads and refreshes single-flight: one at a time, the others waiting (or
// giving up with their context).
func (c *Client) takeTurn(ctx context.Context) error {
	select {
	case c.tokenTurn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("TikTok Shop: waiting for the shop's tokens: %w", ctx.Err())
	}
}

func (c *Client) endTurn() { <-c.tokenTurn }

// current returns the tokens in hand, reading them from the Keeper the first time. Call it in turn.
func (c *Client) current(ctx context.Context) (market.Tokens, error) {
	c.tokMu.Lock()
	t, loaded := c.tok, c.loaded
	c.tokMu.Unlock()
	if loaded {
		return t, nil
	}
	t, err := c.cfg.Keeper.Tokens(ctx)
	if err != nil {
		return t, fmt.Errorf("TikTok Shop: reading the shop's tokens: %w", err)
	}
	c.remember(t)
	return t, nil
}

func (c *Client) remember(t market.Tokens) {
	c.tokMu.Lock()
	c.tok, c.loaded = t, true
	c.tokMu.Unlock()
}

// accessToken returns an access token good for a call now. From a day before the token expires
// it is refreshed first; should that fail while the old token still works, the old one is used
// and the refresh is tried again a few minutes later.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	if err := c.takeTurn(ctx); err != nil {
		return "", err
	}
	defer c.endTurn()
	t, err := c.current(ctx)
	if err != nil {
		return "", err
	}
	if t.Access == "" {
		return "", fmt.Errorf("TikTok Shop: the shop has no access token: %w", market.ErrRelink)
	}
	now := c.now()
	if t.AccessExpires.IsZero() || now.Before(t.AccessExpires.Add(-refreshAhead)) {
		return t.Access, nil
	}
	stillValid := now.Before(t.AccessExpires)
	c.tokMu.Lock()
	lastFail := c.refreshFail
	c.tokMu.Unlock()
	if stillValid && !lastFail.IsZero() && now.Before(lastFail.Add(refreshRetryGap)) {
		return t.Access, nil
	}
	nt, err := c.refresh(ctx, t)
	if err != nil {
		if stillValid && ctx.Err() == nil {
			c.tokMu.Lock()
			c.refreshFail = now
			c.tokMu.Unlock()
			c.log.Warn("TikTok Shop: renewing the access token failed; the current one still works until it expires",
				"expires", t.AccessExpires, "error", c.redact(err.Error()))
			return t.Access, nil
		}
		return "", err
	}
	return nt.Access, nil
}

// renewAfterRefusal refreshes after the platform refused the access token (105002,
// 36009004), unless another call already did.
func (c *Client) renewAfterRefusal(ctx context.Context, refused string) error {
	if err := c.takeTurn(ctx); err != nil {
		return err
	}
	defer c.endTurn()
	t, err := c.current(ctx)
	if err != nil {
		return err
	}
	if t.Access != refused && t.Access != "" {
		return nil // renewed meanwhile
	}
	// The Keeper may hold a newer pair, saved by another client of the same shop.
	if kept, err := c.cfg.Keeper.Tokens(ctx); err == nil && kept.Access != "" && kept.Access != refused {
		c.remember(kept)
		return nil
	}
	_, err = c.refresh(ctx, t)
	return err
}

// refresh renews the pair with the refresh token and saves it through the Keeper before anyone
// uses it. A refresh token that has expired, or that the platform refuses, means the seller must
// link the shop again: the error wraps market.ErrRelink. Call it in turn.
func (c *Client) refresh(ctx context.Context, old market.Tokens) (market.Tokens, error) {
	now := c.now()
	if old.Refresh == "" {
		return old, fmt.Errorf("TikTok Shop: the shop has no refresh token: %w", market.ErrRelink)
	}
	if !old.RefreshExpires.IsZero() && !now.Before(old.RefreshExpires) {
		return old, fmt.Errorf("TikTok Shop: the refresh token expired on %s: %w",
			old.RefreshExpires.UTC().Format(time.RFC3339), market.ErrRelink)
	}
	var d tokenData
	q := url.Values{"refresh_token": {old.Refresh}, "grant_type": {"refresh_token"}}
	err := c.call(ctx, apiCall{method: http.MethodGet, path: pathTokenRefresh, query: q, token: true}, &d)
	if err != nil {
		var me *market.Error
		if errors.As(err, &me) && !me.Retryable {
			return old, fmt.Errorf("TikTok Shop: %w (%w)", market.ErrRelink, err)
		}
		return old, err
	}
	if d.AccessToken == "" {
		return old, fmt.Errorf("TikTok Shop: %s answered without an access token: %w", pathTokenRefresh, market.ErrRelink)
	}
	t := d.tokens(now, old)
	if err := c.cfg.Keeper.SaveTokens(ctx, t); err != nil {
		return old, fmt.Errorf("TikTok Shop: saving the renewed tokens: %w", err)
	}
	c.remember(t)
	c.tokMu.Lock()
	c.refreshFail = time.Time{}
	c.tokMu.Unlock()
	c.log.Info("TikTok Shop: access token renewed", "expires", t.AccessExpires)
	return t, nil
}

// AuthorizeURL is the page where the seller signs in and authorizes the app:
// https://services.tiktokshop.com/open/authorize?service_id=..&state=.. in production, else the
// simulator's BaseURL + /open/authorize. TikTok takes no redirect parameter: the redirect is the
// one registered with the app (Partner Center), so the argument is not sent; it should be that
// registered address. The state is remembered and checked by Link.
func (c *Client) AuthorizeURL(redirect, state string) (string, error) {
	if strings.TrimSpace(c.cfg.ServiceID) == "" {
		return "", errors.New("TikTok Shop: the app's service id is needed to sign in (Partner Center › App › Service ID)")
	}
	page := c.base + pathAuthorizePage
	if c.production {
		page = productionAuthorize
	}
	q := url.Values{"service_id": {c.cfg.ServiceID}}
	if state != "" {
		q.Set("state", state)
	}
	c.mu.Lock()
	c.state = state
	c.mu.Unlock()
	return page + "?" + q.Encode(), nil
}

// shopsData is the data of GET /authorization/202309/shops (T1).
type shopsData struct {
	Shops []struct {
		ID         lenient.String `json:"id"`
		Name       string         `json:"name"`
		Region     string         `json:"region"`
		SellerType string         `json:"seller_type"`
		Cipher     string         `json:"cipher"`
		Code       string         `json:"code"`
	} `json:"shops"`
}

// Link finishes the sign-in: it checks the redirect's query (error=auth_denied when the seller
// refused; the state given to AuthorizeURL), trades the code for tokens, saves them through the
// Keeper, and asks which shop they open (the one matching Config.ShopID, else the first), whose
// shop_cipher this client then uses.
func (c *Client) Link(ctx context.Context, callback url.Values) (market.Shop, error) {
	if e := strings.TrimSpace(callback.Get("error")); e != "" {
		if e == "auth_denied" {
			return market.Shop{}, errors.New("TikTok Shop: the seller did not authorize Kedai (auth_denied): link the shop again and choose Authorize")
		}
		return market.Shop{}, fmt.Errorf("TikTok Shop: the sign-in failed: %s", market.Redact(e))
	}
	c.mu.Lock()
	want := c.state
	c.mu.Unlock()
	if want != "" && callback.Get("state") != want {
		return market.Shop{}, errors.New("TikTok Shop: the sign-in answer does not belong to this link attempt (state differs): start linking again")
	}
	code := strings.TrimSpace(callback.Get("code"))
	if code == "" {
		code = strings.TrimSpace(callback.Get("auth_code"))
	}
	if code == "" || code == "null" {
		return market.Shop{}, errors.New("TikTok Shop: the sign-in answer has no authorization code: start linking again")
	}

	if err := c.takeTurn(ctx); err != nil {
		return market.Shop{}, err
	}
	var d tokenData
	q := url.Values{"auth_code": {code}, "grant_type": {"authorized_code"}}
	err := c.call(ctx, apiCall{method: http.MethodGet, path: pathTokenGet, query: q, token: true}, &d)
	if err == nil && d.AccessToken == "" {
		err = fmt.Errorf("TikTok Shop: %s answered without an access token", pathTokenGet)
	}
	if err == nil {
		t := d.tokens(c.now(), market.Tokens{})
		if err = c.cfg.Keeper.SaveTokens(ctx, t); err != nil {
			err = fmt.Errorf("TikTok Shop: saving the shop's tokens: %w", err)
		} else {
			c.remember(t)
		}
	}
	c.endTurn()
	if err != nil {
		return market.Shop{}, err
	}

	var shops shopsData
	if err := c.call(ctx, apiCall{method: http.MethodGet, path: pathShops}, &shops); err != nil {
		return market.Shop{}, err
	}
	if len(shops.Shops) == 0 {
		return market.Shop{}, errors.New("TikTok Shop: the sign-in opened no shop: sign in with a seller account that has a shop")
	}
	pick := shops.Shops[0]
	wantID, _ := c.shop()
	for _, s := range shops.Shops {
		if wantID != "" && string(s.ID) == wantID {
			pick = s
			break
		}
	}
	shop := market.Shop{ID: string(pick.ID), Name: pick.Name, Region: strings.ToUpper(pick.Region), Cipher: pick.Cipher}
	if shop.Region == "" {
		shop.Region = strings.ToUpper(d.SellerBaseRegion)
	}
	c.mu.Lock()
	c.shopID, c.cipher = shop.ID, shop.Cipher
	c.mu.Unlock()
	return shop, nil
}
