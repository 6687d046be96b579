package shopee

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// Documented paths (S2).
const (
	pathAuthPartner = "/api/v2/shop/auth_partner"
	pathTokenGet    = "/api/v2/auth/token/get"
	pathTokenRenew  = "/api/v2/auth/access_token/get"
)

// tokenFields is what token/get and access_token/get answer.
type tokenFields struct {
	AccessToken  string           `json:"access_token"`
	RefreshToken string           `json:"refresh_token"`
	ExpireIn     lenient.Int      `json:"expire_in"` // seconds
	ShopID       lenient.String   `json:"shop_id"`
	ShopIDList   []lenient.String `json:"shop_id_list"`
}

// tokenAnswer is a token endpoint's body. The reference says it is flat; a "response" wrapper is
// read too, in case an endpoint wraps it like the shop APIs do.
type tokenAnswer struct {
	tokenFields
	Response *tokenFields `json:"response"`
}

func (a *tokenAnswer) fields() tokenFields {
	if a.AccessToken == "" && a.Response != nil {
		return *a.Response
	}
	return a.tokenFields
}

// tokens turns an answer into a pair, timed from now.
func (a *tokenAnswer) tokens(now time.Time) (market.Tokens, error) {
	f := a.fields()
	if f.AccessToken == "" || f.RefreshToken == "" {
		return market.Tokens{}, errors.New("the platform's answer carries no access or refresh token")
	}
	life := time.Duration(f.ExpireIn) * time.Second
	if life <= 0 {
		life = AccessLifetime
	}
	return market.Tokens{Access: f.AccessToken, Refresh: f.RefreshToken, AccessExpires: now.Add(life),
		RefreshExpires: now.Add(RefreshLifetime)}, nil
}

// relinkCodes are the refresh answers that mean the seller must sign in again (S2).
var relinkCodes = map[string]bool{
	"error_auth":               true, // "Invalid refresh_token."
	"refresh_token_expired":    true,
	"shop_access_expired":      true,
	"error_shop_refresh_token": true,
	"shop_banned":              true,
	"shop_no_linked":           true,
	"invalid_refresh_token":    true,
}

func refreshRefused(e *market.Error) bool {
	code := strings.ToLower(e.Code)
	return relinkCodes[code] || strings.Contains(code, "refresh_token") ||
		(code == "error_param" && strings.Contains(strings.ToLower(e.Message), "refresh_token"))
}

// relink wraps why a shop cannot be renewed so that errors.Is(err, market.ErrRelink) holds.
func relink(why error) error { return fmt.Errorf("%w: %w", market.ErrRelink, why) }

// accessToken returns the access token and shop id for a shop call, renewing the token when it
// expires within RefreshAhead.
func (c *Client) accessToken(ctx context.Context) (access, shopID string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shopID == "" {
		return "", "", errors.New("shopee: the store has no shop id yet: link it first")
	}
	if err := c.loadLocked(ctx); err != nil {
		return "", "", err
	}
	if c.unsaved {
		if err := c.saveLocked(ctx); err != nil {
			return "", "", err
		}
	}
	if exp := c.tok.AccessExpires; c.tok.Access == "" || !exp.IsZero() && !c.now().Before(exp.Add(-RefreshAhead)) {
		if err := c.refreshLocked(ctx); err != nil {
			return "", "", err
		}
	}
	return c.tok.Access, c.shopID, nil
}

// renewAfterRefusal renews the access token after the platform refused `used`, unless another
// call has renewed it meanwhile.
func (c *Client) renewAfterRefusal(ctx context.Context, used string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.Access != used && !c.unsaved {
		return nil
	}
	if c.unsaved {
		return c.saveLocked(ctx)
	}
	return c.refreshLocked(ctx)
}

// loadLocked reads the tokens from the Keeper once.
func (c *Client) loadLocked(ctx context.Context) error {
	if c.loaded {
		return nil
	}
	if c.keeper == nil {
		return errors.New("shopee: the client has no token keeper")
	}
	t, err := c.keeper.Tokens(ctx)
	if err != nil {
		return fmt.Errorf("shopee: reading the store's sign-in: %w", err)
	}
	if t.Access == "" && t.Refresh == "" {
		return relink(errors.New("shopee: the store has no saved sign-in"))
	}
	c.setTokensLocked(t)
	c.loaded = true
	return nil
}

// setTokensLocked replaces the held pair and remembers every token for scrubbing.
func (c *Client) setTokensLocked(t market.Tokens) {
	c.tok = t
	c.secMu.Lock()
	for _, s := range []string{t.Access, t.Refresh} {
		if s != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	if n := len(c.secrets); n > 16 {
		c.secrets = append([]string(nil), c.secrets[n-16:]...)
	}
	c.secMu.Unlock()
}

// refreshLocked exchanges the refresh token for a new pair (S2: access_token/get, public sign)
// and saves the pair through the Keeper before anything uses it. The refresh token works once:
// the old one is dead as soon as the platform answers, so the new pair is kept in memory until
// the Keeper has it, and no later call proceeds before it does.
func (c *Client) refreshLocked(ctx context.Context) error {
	if c.keeper != nil && !c.unsaved {
		// Another client of the same store may have renewed the pair already: the Keeper is
		// the truth, and our refresh token would then be spent.
		if kept, err := c.keeper.Tokens(ctx); err == nil && kept.Refresh != "" && kept.Refresh != c.tok.Refresh {
			c.setTokensLocked(kept)
			if exp := kept.AccessExpires; exp.IsZero() || c.now().Before(exp.Add(-RefreshAhead)) {
				return nil
			}
		}
	}
	if c.tok.Refresh == "" {
		return relink(errors.New("shopee: the store has no refresh token"))
	}
	now := c.now()
	if exp := c.tok.RefreshExpires; !exp.IsZero() && !now.Before(exp) {
		return relink(fmt.Errorf("shopee: the refresh token expired at %s", exp.UTC().Format(time.RFC3339)))
	}
	shopID, _ := strconv.ParseInt(c.shopID, 10, 64)
	var ans tokenAnswer
	req := request{method: http.MethodPost, path: pathTokenRenew, sign: signPublic, onAuth: true, flat: true,
		detach: true, out: &ans, body: map[string]any{
			"refresh_token": c.tok.Refresh, "partner_id": c.partnerID, "shop_id": shopID}}
	if _, err := c.call(ctx, req); err != nil {
		var e *market.Error
		if errors.As(err, &e) && refreshRefused(e) {
			return relink(err)
		}
		return err
	}
	t, err := ans.tokens(c.now())
	if err != nil {
		return fmt.Errorf("shopee: %s: %w", req.op(), err)
	}
	c.setTokensLocked(t)
	c.unsaved = true
	c.log.Info("shopee: access token renewed", "shop_id", c.shopID, "expires", t.AccessExpires)
	return c.saveLocked(ctx)
}

// saveLocked stores the held pair through the Keeper. The caller's cancellation does not stop
// it: a rotated pair that is not stored locks the shop out.
func (c *Client) saveLocked(ctx context.Context) error {
	if c.keeper == nil {
		return errors.New("shopee: the client has no token keeper to save the new sign-in")
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	var err error
	for try := range 3 {
		if err = c.keeper.SaveTokens(sctx, c.tok); err == nil {
			c.unsaved = false
			return nil
		}
		c.log.Error("shopee: saving the renewed sign-in failed", "try", try+1, "err", c.scrub(err.Error()))
		select {
		case <-sctx.Done():
			return fmt.Errorf("shopee: saving the renewed sign-in: %w", err)
		case <-time.After(time.Duration(try+1) * 200 * time.Millisecond):
		}
	}
	return fmt.Errorf("shopee: saving the renewed sign-in (kept in memory, saved again before the next call): %w", err)
}

// AuthorizeURL is the page where the seller signs in (S2): {host}/api/v2/shop/auth_partner with
// partner_id, timestamp, a public sign over /api/v2/shop/auth_partner, and redirect. It expires
// 5 minutes after it is made. Shopee has no state parameter: a non-empty state is carried in the
// redirect's own query, which Shopee sends back with code and shop_id.
func (c *Client) AuthorizeURL(redirect, state string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(redirect))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("shopee: the redirect %q is not an absolute address", redirect)
	}
	if state != "" {
		q := u.Query()
		q.Set("state", state)
		u.RawQuery = q.Encode()
	}
	ts := c.now().Unix()
	q := url.Values{}
	q.Set("partner_id", strconv.FormatInt(c.partnerID, 10))
	q.Set("timestamp", strconv.FormatInt(ts, 10))
	q.Set("sign", Sign(c.key, c.partnerID, pathAuthPartner, ts, "", ""))
	q.Set("redirect", u.String())
	return c.auth + pathAuthPartner + "?" + q.Encode(), nil
}

// Link exchanges the redirect's code for the shop's tokens (S2: POST /api/v2/auth/token/get,
// public sign, body {code, partner_id, shop_id}), saves them through the Keeper, and returns the
// shop. A client configured for one shop refuses a sign-in as another.
func (c *Client) Link(ctx context.Context, callback url.Values) (market.Shop, error) {
	if e := callback.Get("error"); e != "" {
		return market.Shop{}, fmt.Errorf("shopee: the sign-in was not completed: %s", e)
	}
	code := strings.TrimSpace(callback.Get("code"))
	if code == "" {
		return market.Shop{}, errors.New("shopee: the sign-in answer has no code")
	}
	shop := strings.TrimSpace(callback.Get("shop_id"))
	if shop == "" {
		if callback.Get("main_account_id") != "" {
			return market.Shop{}, errors.New("shopee: signed in with a main account: sign in with the shop's own account")
		}
		return market.Shop{}, errors.New("shopee: the sign-in answer has no shop_id")
	}
	shopID, err := strconv.ParseInt(shop, 10, 64)
	if err != nil || shopID <= 0 {
		return market.Shop{}, fmt.Errorf("shopee: the sign-in answer's shop_id %q is not a shop id", shop)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shopID != "" && c.shopID != shop {
		return market.Shop{}, fmt.Errorf("shopee: signed in as shop %s, but this store is shop %s", shop, c.shopID)
	}
	if c.keeper == nil {
		return market.Shop{}, errors.New("shopee: the client has no token keeper to save the sign-in")
	}
	var ans tokenAnswer
	req := request{method: http.MethodPost, path: pathTokenGet, sign: signPublic, onAuth: true, flat: true,
		detach: true, out: &ans, body: map[string]any{"code": code, "partner_id": c.partnerID, "shop_id": shopID}}
	if _, err := c.call(ctx, req); err != nil {
		return market.Shop{}, err
	}
	t, err := ans.tokens(c.now())
	if err != nil {
		return market.Shop{}, fmt.Errorf("shopee: %s: %w", req.op(), err)
	}
	c.shopID = shop
	c.setTokensLocked(t)
	c.loaded, c.unsaved = true, true
	if err := c.saveLocked(ctx); err != nil {
		return market.Shop{}, err
	}
	return market.Shop{ID: shop, Region: c.region}, nil
}
