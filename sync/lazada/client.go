package lazada

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

const (
	// ProductionAuthURL is the root of Lazada's sign-in page and token APIs.
	ProductionAuthURL = "https://auth.lazada.com"

	maxAttempts   = 5
	maxBackoff    = 30 * time.Second
	maxRetryAfter = 5 * time.Minute
	refreshAhead  = 30 * time.Minute // the docs recommend refreshing 30 min before expiry
	// RequestsPerSecond is the client's own rate limit (Lazada publishes none; it warns against
	// tight polling), with a burst as large.
	RequestsPerSecond = 10
	maxBody           = 64 << 20
)

// Client is one Lazada shop. It is safe for concurrent use.
type Client struct {
	cfg       market.Config
	apiRoot   string // e.g. https://api.lazada.com.my/rest
	authRoot  string // e.g. https://auth.lazada.com; token APIs live under authRoot+"/rest"
	http      *http.Client
	now       func() time.Time
	log       *slog.Logger
	limiter   *rate.Limiter
	retryBase time.Duration
	zone      *time.Location // the venture's zone, for the times /orders/get is given
	region    string

	tokenMu sync.Mutex // one refresh at a time; held while tokens are read, renewed and saved
	fresh   string     // the access token this client last obtained, never renewed ahead again
}

var _ market.Client = (*Client)(nil)

// New checks cfg and returns a client. BaseURL is the API root (https://api.lazada.com.my/rest,
// or a simulator's http://127.0.0.1:PORT/lazada/rest); AuthURL, when empty, is
// https://auth.lazada.com for the production API hosts and otherwise BaseURL without its "/rest".
func New(cfg market.Config) (*Client, error) {
	base, err := checkRoot("API base URL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if base == "" {
		return nil, errors.New("lazada: the API base URL is missing (for Malaysia: https://api.lazada.com.my/rest)")
	}
	auth, err := checkRoot("sign-in (auth) URL", cfg.AuthURL)
	if err != nil {
		return nil, err
	}
	if auth == "" {
		auth = deriveAuthRoot(base)
	}
	if strings.TrimSpace(cfg.AppKey) == "" {
		return nil, errors.New("lazada: the app key is missing (Lazada Open Platform console › App Management)")
	}
	if cfg.AppSecret == "" {
		return nil, errors.New("lazada: the app secret is missing (Lazada Open Platform console › App Management)")
	}
	if cfg.Keeper == nil {
		return nil, errors.New("lazada: no token keeper: the client has nowhere to read or save the store's tokens")
	}
	if cfg.RetryBase < 0 {
		return nil, fmt.Errorf("lazada: the retry wait %v is negative", cfg.RetryBase)
	}
	region := strings.ToUpper(strings.TrimSpace(cfg.Region))
	zone, ok := ventureZones[region]
	if !ok {
		return nil, fmt.Errorf("lazada: unknown region %q: use MY, SG, TH, PH, VN or ID", cfg.Region)
	}
	cfg = cfg.WithDefaults()
	c := &Client{
		cfg: cfg, apiRoot: base, authRoot: auth, http: cfg.HTTP, now: cfg.Now, log: cfg.Log,
		limiter: rate.NewLimiter(RequestsPerSecond, RequestsPerSecond), retryBase: cfg.RetryBase,
		zone: zone, region: region,
	}
	return c, nil
}

// ventureZones are the ventures' local times ("" is Malaysia, Kedai's home).
var ventureZones = map[string]*time.Location{
	"": time.FixedZone("+08", 8*3600), "MY": time.FixedZone("+08", 8*3600),
	"SG": time.FixedZone("+08", 8*3600), "PH": time.FixedZone("+08", 8*3600),
	"TH": time.FixedZone("+07", 7*3600), "VN": time.FixedZone("+07", 7*3600),
	"ID": time.FixedZone("+07", 7*3600),
}

func checkRoot(what, raw string) (string, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("lazada: the %s %q is not an http(s) address", what, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("lazada: the %s %q must not carry a query or fragment", what, raw)
	}
	return raw, nil
}

// deriveAuthRoot: production API hosts (api.lazada.*) sign in at auth.lazada.com; anything else
// (a simulator) serves sign-in under the same root, without "/rest".
func deriveAuthRoot(base string) string {
	u, _ := url.Parse(base)
	if strings.HasPrefix(strings.ToLower(u.Hostname()), "api.lazada.") {
		return ProductionAuthURL
	}
	return strings.TrimSuffix(base, "/rest")
}

// request is one API call.
type request struct {
	method string            // GET or POST
	path   string            // the documented API path, e.g. "/orders/get"; also what is signed
	params map[string]string // business parameters; empty values are not sent
	token  bool              // send the shop's access_token
	auth   bool              // a token API, on the auth host
	// write: a fulfilment call whose effect a lost or garbled answer may hide. It is retried
	// only after answers that show it was not carried out (throttling, server errors, "system
	// busy"); after no answer or a malformed one, the error goes back to the caller, which reads
	// the order before sending the action again (sync/FULFILMENT.md, "Results and retries").
	write bool
}

func (r request) op() string { return r.method + " " + r.path }

// call performs r with retries and decodes the whole body into out (nil: only check it).
func (c *Client) call(ctx context.Context, r request, out any) error {
	renewed := false
	for attempt := 1; ; attempt++ {
		access := ""
		if r.token {
			var err error
			if access, err = c.accessToken(ctx); err != nil {
				return err
			}
		}
		started := time.Now()
		wait, unsure, err := c.once(ctx, r, access, out)
		if err == nil {
			c.log.Debug("lazada call", "op", r.op(), "attempt", attempt, "took", time.Since(started))
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("lazada: %s: %w", r.op(), ctx.Err())
		}
		var me *market.Error
		if r.token && !renewed && errors.As(err, &me) && me.Code == "IllegalAccessToken" {
			// The token was refused before its time: renew it and try this call once more.
			renewed = true
			c.log.Info("lazada access token refused; renewing", "op", r.op())
			if rerr := c.renewRefused(ctx, access); rerr != nil {
				return rerr
			}
			attempt--
			continue
		}
		if !market.Retryable(err) || attempt >= maxAttempts {
			return err
		}
		if r.write && unsure {
			c.log.Warn("lazada write got no clear answer; not sending it again blindly", "op", r.op(), "attempt", attempt, "err", err.Error())
			return err
		}
		d := c.backoff(attempt, wait)
		c.log.Warn("lazada call failed; retrying", "op", r.op(), "attempt", attempt, "wait", d, "err", err.Error())
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("lazada: %s: stopped while waiting to retry (%v): %w", r.op(), err, ctx.Err())
		case <-t.C:
		}
	}
}

// backoff is the wait before attempt+1: RetryBase doubled per attempt, capped, with jitter; at
// least what the server asked for in Retry-After.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := market.Backoff(c.retryBase, attempt, maxBackoff)
	if retryAfter > d {
		d = min(retryAfter, maxRetryAfter)
	}
	return d
}

// once sends r one time. It returns how long the server asked to wait (Retry-After), whether the
// request may have been carried out although it failed (unsure: no answer, or a 2xx answer that
// cannot be read), and an error that never carries the request's query, token or signature.
func (c *Client) once(ctx context.Context, r request, access string, out any) (wait time.Duration, unsure bool, err error) {
	if err := c.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return 0, false, ctx.Err()
		}
		return 0, false, &market.Error{Platform: domain.Lazada, Op: r.op(), Message: "rate limiter: " + err.Error(), Retryable: true}
	}
	params := make(map[string]string, len(r.params)+5)
	for k, v := range r.params {
		if v != "" {
			params[k] = v
		}
	}
	params["app_key"] = c.cfg.AppKey
	params["timestamp"] = strconv.FormatInt(c.now().UnixMilli(), 10)
	params["sign_method"] = "sha256"
	if access != "" {
		params["access_token"] = access
	}
	params["sign"] = sign(c.cfg.AppSecret, r.path, params)
	secrets := []string{c.cfg.AppSecret, access, params["sign"], params["refresh_token"], params["code"]}

	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	root := c.apiRoot
	if r.auth {
		root = c.authRoot + "/rest"
	}
	var req *http.Request
	if r.method == http.MethodPost {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, root+r.path, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, root+r.path+"?"+form.Encode(), nil)
	}
	if err != nil {
		return 0, false, &market.Error{Platform: domain.Lazada, Op: r.op(), Message: market.Redact(err.Error(), secrets...)}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, true, transportError(r.op(), err, secrets)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, true, transportError(r.op(), err, secrets)
	}
	wait = market.RetryAfter(resp.Header.Get("Retry-After"), c.now())
	err = decodeResponse(r.op(), resp.StatusCode, body, out, secrets)
	var me *market.Error
	// A 2xx answer without an error code is one that could not be read: the call may have worked.
	unsure = err != nil && resp.StatusCode/100 == 2 && errors.As(err, &me) && me.Code == ""
	return wait, unsure, err
}

// transportError describes a failure to get an answer, without the URL (its query holds the
// access token and the signature).
func transportError(op string, err error, secrets []string) error {
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	msg := "no answer: " + inner.Error()
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		msg = "no answer in time: " + inner.Error()
	}
	return &market.Error{Platform: domain.Lazada, Op: op, Message: market.Redact(msg, secrets...), Retryable: true}
}
