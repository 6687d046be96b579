package lazada

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

// tokenResponse is the answer of /auth/token/create and /auth/token/refresh: flat, not under
// "data" (reference L2). Create names the seller list country_user_info, refresh
// country_user_info_list; either is read from either.
type tokenResponse struct {
	AccessToken         string         `json:"access_token"`
	RefreshToken        string         `json:"refresh_token"`
	ExpiresIn           *lenient.Int   `json:"expires_in"`
	RefreshExpiresIn    *lenient.Int   `json:"refresh_expires_in"`
	Country             string         `json:"country"`
	AccountPlatform     string         `json:"account_platform"`
	Account             string         `json:"account"`
	AccountID           lenient.String `json:"account_id"`
	CountryUserInfo     []countryUser  `json:"country_user_info"`
	CountryUserInfoList []countryUser  `json:"country_user_info_list"`
	Data                *tokenResponse `json:"data"` // tolerated, though the reference says flat
}

type countryUser struct {
	Country   string         `json:"country"`
	SellerID  lenient.String `json:"seller_id"`
	UserID    lenient.String `json:"user_id"`
	ShortCode string         `json:"short_code"`
}

func (t *tokenResponse) flat() *tokenResponse {
	if t.AccessToken == "" && t.Data != nil {
		return t.Data
	}
	return t
}

// tokens turns the answer into Tokens at now. old is what the shop had (zero when linking): the
// refresh lifetime does not reset on refresh, so the new one never outlives it.
func (t *tokenResponse) tokens(now time.Time, old market.Tokens) market.Tokens {
	nt := market.Tokens{Access: t.AccessToken, Refresh: t.RefreshToken}
	if nt.Refresh == "" {
		nt.Refresh = old.Refresh
	}
	if t.ExpiresIn != nil && *t.ExpiresIn > 0 {
		nt.AccessExpires = now.Add(time.Duration(*t.ExpiresIn) * time.Second)
	}
	if t.RefreshExpiresIn != nil {
		// Refreshing is allowed only while refresh_expires_in > 0; 0 means it never is.
		nt.RefreshExpires = now.Add(time.Duration(max(*t.RefreshExpiresIn, 0)) * time.Second)
	}
	if !old.RefreshExpires.IsZero() && (nt.RefreshExpires.IsZero() || old.RefreshExpires.Before(nt.RefreshExpires)) {
		nt.RefreshExpires = old.RefreshExpires
	}
	return nt
}

// shop picks the seller the tokens belong to: the country_user_info entry for the token's
// country (or the client's region, for cross-border "cb" tokens), else the first.
func (t *tokenResponse) shop(region string) (market.Shop, error) {
	users := append(append([]countryUser(nil), t.CountryUserInfo...), t.CountryUserInfoList...)
	var pick *countryUser
	for _, want := range []string{t.Country, region} {
		for i := range users {
			if want != "" && strings.EqualFold(users[i].Country, want) && users[i].SellerID != "" {
				pick = &users[i]
				break
			}
		}
		if pick != nil {
			break
		}
	}
	if pick == nil {
		for i := range users {
			if users[i].SellerID != "" {
				pick = &users[i]
				break
			}
		}
	}
	if pick == nil {
		return market.Shop{}, errors.New("lazada: the sign-in answer names no seller (country_user_info has no seller_id)")
	}
	country := pick.Country
	if country == "" {
		country = t.Country
	}
	return market.Shop{ID: string(pick.SellerID), Region: strings.ToUpper(country)}, nil
}

// relinkError is a failure to renew the tokens that only the seller can fix, by signing in again.
// errors.Is(err, market.ErrRelink) holds, and errors.As finds the platform's *market.Error.
type relinkError struct {
	why   string
	cause error
}

func (e *relinkError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("lazada: %s (%v): %v", e.why, e.cause, market.ErrRelink)
	}
	return fmt.Sprintf("lazada: %s: %v", e.why, market.ErrRelink)
}

func (e *relinkError) Unwrap() []error {
	if e.cause == nil {
		return []error{market.ErrRelink}
	}
	return []error{market.ErrRelink, e.cause}
}

// accessToken returns the access token to send, renewing it first when it expires within 30
// minutes.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.tokenMu.Lock()
	defer c.tokenMu.Unlock()
	t, err := c.cfg.Keeper.Tokens(ctx)
	if err != nil {
		return "", fmt.Errorf("lazada: reading the store's tokens: %w", err)
	}
	if t.Access == "" {
		return "", &relinkError{why: "the store has no access token"}
	}
	now := c.now()
	if t.AccessExpires.IsZero() || now.Before(t.AccessExpires.Add(-refreshAhead)) ||
		(t.Access == c.fresh && now.Before(t.AccessExpires)) {
		return t.Access, nil
	}
	nt, err := c.refresh(ctx, t)
	if err != nil {
		if now.Before(t.AccessExpires) && ctx.Err() == nil {
			// The old token still works for a while: use it, and try again on the next call.
			c.log.Warn("lazada token renewal failed; using the current token until it expires",
				"expires", t.AccessExpires, "err", err.Error())
			return t.Access, nil
		}
		return "", err
	}
	return nt.Access, nil
}

// renewRefused renews the tokens after the platform refused access token used. If another call
// has renewed them meanwhile, that renewal is used.
func (c *Client) renewRefused(ctx context.Context, used string) error {
	c.tokenMu.Lock()
	defer c.tokenMu.Unlock()
	t, err := c.cfg.Keeper.Tokens(ctx)
	if err != nil {
		return fmt.Errorf("lazada: reading the store's tokens: %w", err)
	}
	if t.Access != "" && t.Access != used {
		return nil
	}
	_, err = c.refresh(ctx, t)
	return err
}

// refresh renews t through /auth/token/refresh and saves the new pair before anything uses it.
// The caller holds tokenMu.
func (c *Client) refresh(ctx context.Context, t market.Tokens) (market.Tokens, error) {
	now := c.now()
	if t.Refresh == "" {
		return t, &relinkError{why: "the store has no refresh token"}
	}
	if !t.RefreshExpires.IsZero() && !now.Before(t.RefreshExpires) {
		return t, &relinkError{why: fmt.Sprintf("the refresh token expired on %s", t.RefreshExpires.UTC().Format(time.DateTime+" MST"))}
	}
	var resp tokenResponse
	err := c.call(ctx, request{method: http.MethodPost, path: "/auth/token/refresh",
		params: map[string]string{"refresh_token": t.Refresh}, auth: true}, &resp)
	if err != nil {
		var me *market.Error
		if errors.As(err, &me) && (me.Code == "IllegalRefreshToken" || me.Code == "AUTH_TYPE_UNSUPPORTED") {
			return t, &relinkError{why: "Lazada refused to renew the store's tokens", cause: err}
		}
		return t, err
	}
	nt := resp.flat().tokens(now, t)
	if nt.Access == "" {
		return t, fmt.Errorf("lazada: POST /auth/token/refresh: the answer has no access_token")
	}
	if err := c.cfg.Keeper.SaveTokens(ctx, nt); err != nil {
		return t, fmt.Errorf("lazada: saving the renewed tokens: %w", err)
	}
	c.fresh = nt.Access
	c.log.Info("lazada tokens renewed", "access_expires", nt.AccessExpires, "refresh_expires", nt.RefreshExpires)
	return nt, nil
}

// AuthorizeURL is Lazada's sign-in page (reference L2). redirect must be the callback registered
// with the app; empty means market.DefaultRedirect.
func (c *Client) AuthorizeURL(redirect, state string) (string, error) {
	if redirect == "" {
		redirect = market.DefaultRedirect
	}
	u, err := url.Parse(redirect)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("lazada: the sign-in return address %q is not an http(s) address", redirect)
	}
	q := "response_type=code&force_auth=true&redirect_uri=" + url.QueryEscape(redirect) +
		"&client_id=" + url.QueryEscape(c.cfg.AppKey)
	if state != "" {
		q += "&state=" + url.QueryEscape(state)
	}
	return c.authRoot + "/oauth/authorize?" + q, nil
}

// Link turns the sign-in callback's code into tokens (/auth/token/create), saves them through the
// Keeper and returns the seller: ID = seller_id, Region = the token's country.
func (c *Client) Link(ctx context.Context, callback url.Values) (market.Shop, error) {
	if e := callback.Get("error"); e != "" {
		desc := callback.Get("error_description")
		return market.Shop{}, fmt.Errorf("lazada: the sign-in did not finish: %s", strings.TrimSpace(e+" "+desc))
	}
	code := strings.TrimSpace(callback.Get("code"))
	if code == "" {
		return market.Shop{}, errors.New("lazada: the sign-in callback has no code: sign in again")
	}
	var resp tokenResponse
	err := c.call(ctx, request{method: http.MethodPost, path: "/auth/token/create",
		params: map[string]string{"code": code}, auth: true}, &resp)
	if err != nil {
		var me *market.Error
		if errors.As(err, &me) && me.Code == "InvalidCode" {
			return market.Shop{}, fmt.Errorf("lazada: the sign-in code was refused (it works once, within 30 minutes): sign in again: %w", err)
		}
		return market.Shop{}, err
	}
	r := resp.flat()
	shop, err := r.shop(c.region)
	if err != nil {
		return shop, err
	}
	if c.cfg.ShopID != "" && shop.ID != c.cfg.ShopID {
		return market.Shop{}, fmt.Errorf("lazada: signed in as seller %s, but this store is seller %s: sign in with the store's own account", shop.ID, c.cfg.ShopID)
	}
	nt := r.tokens(c.now(), market.Tokens{})
	if nt.Access == "" {
		return market.Shop{}, errors.New("lazada: POST /auth/token/create: the answer has no access_token")
	}
	c.tokenMu.Lock()
	defer c.tokenMu.Unlock()
	if err := c.cfg.Keeper.SaveTokens(ctx, nt); err != nil {
		return market.Shop{}, fmt.Errorf("lazada: saving the store's tokens: %w", err)
	}
	c.fresh = ""
	return shop, nil
}
