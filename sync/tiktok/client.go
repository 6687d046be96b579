package tiktok

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// ProductionAPI is TikTok Shop's API root (T1), the BaseURL of a real shop. With it the client
// signs in at services.tiktokshop.com and gets tokens from auth.tiktok-shops.com.
const ProductionAPI = "https://open-api.tiktokglobalshop.com"

// Production hosts (T1, T2).
const (
	productionAPIHost   = "open-api.tiktokglobalshop.com"
	productionAuth      = "https://auth.tiktok-shops.com"
	productionAuthorize = "https://services.tiktokshop.com/open/authorize"
)

// Documented paths.
const (
	pathShops         = "/authorization/202309/shops"
	pathOrderSearch   = "/order/202309/orders/search"
	pathOrderDetail   = "/order/202309/orders"
	pathHandoverSlots = "/fulfillment/202309/packages/{package_id}/handover_time_slots" // T4
	pathPackageShip   = "/fulfillment/202309/packages/{package_id}/ship"                // T4
	pathReturnSearch  = "/return_refund/202309/returns/search"
	pathTokenGet      = "/api/v2/token/get"
	pathTokenRefresh  = "/api/v2/token/refresh"
	pathAuthorizePage = "/open/authorize"
)

// Limits and timings.
const (
	maxAttempts     = 5                  // per call, counting the first
	maxBackoff      = 30 * time.Second   // no wait between attempts is longer
	maxRetryAfter   = 2 * time.Minute    // a longer Retry-After ends the call: the engine reschedules
	PathRate        = 40                 // requests per second per API path per shop (T6 allows 50)
	PathBurst       = 5                  // so that no sliding second ever holds more than 45
	refreshAhead    = 24 * time.Hour     // refresh this long before the access token expires
	accessLifetime  = 7 * 24 * time.Hour // T2's default, when a token answer omits its expiry
	refreshRetryGap = 5 * time.Minute    // after a failed early refresh, wait this long to try again
	maxBodyBytes    = 64 << 20
	orderPageSize   = 100 // T3: 1..100
	detailBatch     = 50  // T3: <= 50 ids
	returnPageSize  = 50  // T5: 10..50
	maxListPasses   = 5   // listings of one window, see listAll
)

// Platform codes (T2, T6).
const (
	codeTooManyRequests = 36009002
	codeInternal        = 36009003
	codeBadCredentials  = 36009004
	codeTimeout         = 36009007
	codeTokenExpired    = 105002
)

// Client is one TikTok shop. It is safe for concurrent use.
type Client struct {
	cfg        market.Config
	base       string // BaseURL, without a trailing slash
	auth       string // root of the token endpoints
	production bool
	httpc      *http.Client
	now        func() time.Time
	log        *slog.Logger
	retryBase  time.Duration

	mu     sync.Mutex // guards shopID, cipher, state
	shopID string
	cipher string
	state  string

	tokenTurn   chan struct{} // one token load or refresh at a time (single flight)
	tokMu       sync.Mutex    // guards the fields below
	tok         market.Tokens
	loaded      bool
	refreshFail time.Time // when an early refresh last failed
}

var _ market.Client = (*Client)(nil)

// New checks cfg and returns a client for its shop. BaseURL, AppKey, AppSecret and Keeper are
// required; Cipher (the shop_cipher) is needed to pull and is learnt by Link; ServiceID is needed
// by AuthorizeURL.
func New(cfg market.Config) (*Client, error) {
	var problems []string
	base, err := rootURL(cfg.BaseURL)
	if err != nil {
		problems = append(problems, "the API base URL "+err.Error())
	}
	if strings.TrimSpace(cfg.AppKey) == "" {
		problems = append(problems, "the app key is missing")
	}
	if strings.TrimSpace(cfg.AppSecret) == "" {
		problems = append(problems, "the app secret is missing")
	}
	if cfg.Keeper == nil {
		problems = append(problems, "there is nowhere to keep the shop's tokens (Keeper is nil)")
	}
	if cfg.RetryBase < 0 {
		problems = append(problems, "the retry wait is negative")
	}
	auth := ""
	production := false
	if err == nil {
		u, _ := url.Parse(base)
		production = strings.EqualFold(u.Hostname(), productionAPIHost)
		switch {
		case strings.TrimSpace(cfg.AuthURL) != "":
			if auth, err = rootURL(cfg.AuthURL); err != nil {
				problems = append(problems, "the auth URL "+err.Error())
			}
		case production:
			auth = productionAuth
		default:
			auth = base
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("TikTok Shop: %s", strings.Join(problems, "; "))
	}
	cfg = cfg.WithDefaults()
	c := &Client{
		cfg: cfg, base: base, auth: auth, production: production,
		httpc: cfg.HTTP, now: cfg.Now, log: cfg.Log, retryBase: cfg.RetryBase,
		shopID: strings.TrimSpace(cfg.ShopID), cipher: strings.TrimSpace(cfg.Cipher),
		tokenTurn: make(chan struct{}, 1),
	}
	return c, nil
}

// rootURL checks an absolute http(s) URL and drops its trailing slash.
func rootURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("is missing")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) address", market.Redact(s))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must not carry a query or fragment", market.Redact(s))
	}
	return strings.TrimRight(s, "/"), nil
}

// shop returns the shop id and cipher this client works for.
func (c *Client) shop() (id, cipher string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shopID, c.cipher
}

// apiCall is one request as the documentation names it.
type apiCall struct {
	method string
	path   string     // the documented path, signed as is; the base URL's own path is not
	api    string     // the documented path template when path holds an id ({package_id}); "": path
	query  url.Values // business parameters
	body   any        // JSON body (POST); nil sends no body
	form   *formBody  // a multipart/form-data body instead (an image upload): not signed (T1)
	shop   bool       // a shop API: shop_cipher goes in the query
	token  bool       // a token endpoint: on the auth root, unsigned, the app secret in the query
	// unsure, when set, is made true if an attempt failed in a way the platform may nonetheless
	// have acted on (no answer, a 5xx, an internal error or timeout code, an unreadable answer)
	// and a later attempt was sent: a "done already" answer to that later attempt may be ours.
	unsure *bool
}

func (r apiCall) op() string { return r.method + " " + r.path }

// formBody is a multipart/form-data body, sent as made: TikTok's sign leaves it out (T1).
type formBody struct {
	contentType string // multipart/form-data; boundary=...
	data        []byte
}

// envelope is every answer's wrapper (T6).
type envelope struct {
	Code      *lenient.Int    `json:"code"`
	Message   string          `json:"message"`
	RequestID lenient.String  `json:"request_id"`
	Data      json.RawMessage `json:"data"`
}

// call sends r with the shop's access token and decodes the answer's data into out. When the
// platform says the token has expired or is not valid, it refreshes the token and tries once more.
func (c *Client) call(ctx context.Context, r apiCall, out any) error {
	if r.token {
		return c.retrying(ctx, r, "", out)
	}
	if r.shop {
		if _, cipher := c.shop(); cipher == "" {
			return fmt.Errorf("TikTok Shop: %s: the shop's shop_cipher is not known: %w", r.op(), market.ErrRelink)
		}
	}
	access, err := c.accessToken(ctx)
	if err != nil {
		return err
	}
	err = c.retrying(ctx, r, access, out)
	var me *market.Error
	if errors.As(err, &me) && (me.Code == strconv.Itoa(codeTokenExpired) || me.Code == strconv.Itoa(codeBadCredentials)) {
		c.log.Info("TikTok Shop refused the access token; refreshing it", "op", me.Op, "code", me.Code)
		if rerr := c.renewAfterRefusal(ctx, access); rerr != nil {
			return rerr
		}
		if access, err = c.accessToken(ctx); err != nil {
			return err
		}
		return c.retrying(ctx, r, access, out)
	}
	return err
}

// retrying sends r up to maxAttempts times while the failure is worth retrying, waiting between
// attempts (exponential with jitter, or what Retry-After asks), and within the path's rate.
func (c *Client) retrying(ctx context.Context, r apiCall, access string, out any) error {
	var body []byte
	switch {
	case r.form != nil:
		body = r.form.data
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("TikTok Shop: %s: %w", r.op(), err)
		}
		body = b // the same bytes are signed and sent on every attempt
	}
	lim := c.limiter(r)
	for attempt := 1; ; attempt++ {
		if err := lim.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("TikTok Shop: %s: %w", r.op(), ctx.Err())
			}
			return fmt.Errorf("TikTok Shop: %s: %w", r.op(), err)
		}
		retryAfter, err := c.once(ctx, r, body, access, out)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("TikTok Shop: %s: %w", r.op(), ctx.Err())
		}
		var me *market.Error
		if !errors.As(err, &me) || !me.Retryable {
			return err
		}
		if attempt >= maxAttempts || retryAfter > maxRetryAfter {
			gave := *me
			if attempt > 1 {
				gave.Message = strings.TrimSpace(gave.Message + fmt.Sprintf(" (gave up after %d attempts)", attempt))
			}
			return &gave
		}
		wait := c.backoff(attempt)
		if retryAfter > wait {
			wait = retryAfter
		}
		c.log.Warn("TikTok Shop call failed; retrying", "op", me.Op, "status", me.Status, "code", me.Code,
			"attempt", attempt, "wait", wait)
		if r.unsure != nil && mayHaveActed(me) {
			*r.unsure = true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("TikTok Shop: %s: %w", r.op(), ctx.Err())
		case <-t.C:
		}
	}
}

// backoff is the wait after the attempt'th failure.
func (c *Client) backoff(attempt int) time.Duration {
	return market.Backoff(c.retryBase, attempt, maxBackoff)
}

// once sends one attempt. It returns the Retry-After the platform asked for, if any.
func (c *Client) once(ctx context.Context, r apiCall, body []byte, access string, out any) (time.Duration, error) {
	q := url.Values{}
	for k, v := range r.query {
		q[k] = v
	}
	q.Set("app_key", c.cfg.AppKey)
	var target string
	if r.token {
		q.Set("app_secret", c.cfg.AppSecret)
		target = c.auth + r.path + "?" + q.Encode()
	} else {
		q.Set("timestamp", strconv.FormatInt(c.now().Unix(), 10))
		if r.shop {
			_, cipher := c.shop()
			q.Set("shop_cipher", cipher)
		}
		signed := body
		if r.form != nil {
			signed = nil // T1: a multipart body is not signed
		}
		q.Set("sign", sign(c.cfg.AppSecret, r.path, q, signed))
		target = c.base + r.path + "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, rd)
	if err != nil {
		return 0, c.failure(r, 0, false, "the request could not be made: "+err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	if r.form != nil {
		req.Header.Set("Content-Type", r.form.contentType)
	}
	if access != "" {
		req.Header.Set("x-tts-access-token", access)
	}
	resp, err := c.httpc.Do(req)
	if err != nil {
		return 0, c.networkFailure(r, err)
	}
	defer resp.Body.Close()
	status := resp.StatusCode
	var wait time.Duration
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		wait = market.RetryAfter(resp.Header.Get("Retry-After"), c.now())
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return wait, c.networkFailure(r, err)
	}
	transient := status == http.StatusTooManyRequests || status >= 500
	if len(raw) > maxBodyBytes {
		return wait, c.failure(r, status, true, "the answer is too large to read")
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Code == nil {
		if status < 200 || status > 299 {
			// A gateway's own page (503 on overload) rather than TikTok's JSON.
			return wait, c.failure(r, status, true, http.StatusText(status)+" (not a TikTok Shop answer)")
		}
		why := "no code in it"
		if err != nil {
			why = err.Error()
		}
		return wait, c.failure(r, status, true, "the answer could not be read ("+why+")")
	}
	code := int64(*env.Code)
	if code != 0 || status < 200 || status > 299 {
		msg := strings.TrimSpace(env.Message)
		if msg == "" {
			msg = http.StatusText(status)
		}
		if env.RequestID != "" {
			msg += " (request_id " + string(env.RequestID) + ")"
		}
		e := c.failure(r, status, transient || retryableCode(code), msg)
		if code != 0 {
			e.Code = strconv.FormatInt(code, 10)
		}
		return wait, e
	}
	if out != nil {
		data := bytes.TrimSpace(env.Data)
		if len(data) > 0 && !bytes.Equal(data, []byte("null")) {
			if err := json.Unmarshal(data, out); err != nil {
				return wait, c.failure(r, status, true, "the answer's data could not be read ("+err.Error()+")")
			}
		}
	}
	return 0, nil
}

// mayHaveActed reports whether a failed attempt may nonetheless have been carried out: there was
// no answer, or the server failed (5xx, an internal error or timeout code), or its answer could
// not be read. A throttled call (429, 36009002) was not carried out.
func mayHaveActed(e *market.Error) bool {
	switch e.Code {
	case strconv.Itoa(codeInternal), strconv.Itoa(codeTimeout):
		return true
	case strconv.Itoa(codeTooManyRequests):
		return false
	}
	return e.Status == 0 || e.Status >= 500 || (e.Code == "" && e.Status >= 200 && e.Status <= 299)
}

func retryableCode(code int64) bool {
	switch code {
	case codeTooManyRequests, codeInternal, codeTimeout:
		return true
	}
	return false
}

// failure is a *market.Error for r, with every secret taken out of the message.
func (c *Client) failure(r apiCall, status int, retryable bool, msg string) *market.Error {
	return &market.Error{Platform: domain.TikTok, Op: r.op(), Status: status, Message: c.redact(msg), Retryable: retryable}
}

// networkFailure describes a transport error without the URL (whose query holds the app secret
// on token calls and the sign on every call).
func (c *Client) networkFailure(r apiCall, err error) *market.Error {
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	msg := "no answer: " + inner.Error()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		msg = "no answer in time: " + inner.Error()
	}
	return c.failure(r, 0, true, msg)
}

// limiters keep 40 requests per second per API path per shop, shared by every Client of the
// process (the engine makes a new client for each pull). A path with an id in it counts as its
// documented template: T6's limit is per API, not per package.
var limiters = struct {
	sync.Mutex
	m map[string]*rate.Limiter
}{m: map[string]*rate.Limiter{}}

func (c *Client) limiter(r apiCall) *rate.Limiter {
	shopID, cipher := c.shop()
	api := r.path
	if r.api != "" {
		api = r.api
	}
	key := c.base + "|" + c.cfg.AppKey + "|" + shopID + "|" + cipher + "|" + api
	if r.token {
		key = c.auth + "|" + c.cfg.AppKey + "|" + r.path
	}
	limiters.Lock()
	defer limiters.Unlock()
	l, ok := limiters.m[key]
	if !ok {
		l = rate.NewLimiter(PathRate, PathBurst)
		limiters.m[key] = l
	}
	return l
}
