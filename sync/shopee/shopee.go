// Package shopee is the Shopee Open Platform API v2 client: request signing, the shop's tokens
// (a refresh token works once and rotates, so every new pair is saved before it is used), retries
// and rate limiting, and the order pull that turns get_order_list, get_order_detail,
// get_tracking_number and get_return_list into domain orders for the sync engine.
//
// It is written from ../shared/reference/platform-apis.md (SHOPEE, S1-S6) and sync/MAPPING.md
// alone; the simulator in sync/sim is written from the same pages and shares no code with it.
package shopee

import (
	"errors"
	"fmt"
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

// Limits and lifetimes: the platform's from the reference (S2, S3, S5), the rest Kedai's own.
const (
	// MaxWindow is the longest time range get_order_list and get_return_list accept.
	MaxWindow = 15 * 24 * time.Hour
	// PageSize is the list page size: the most get_order_list and get_return_list allow.
	PageSize = 100
	// DetailBatch is the most order_sns one get_order_detail call takes.
	DetailBatch = 50
	// AccessLifetime is how long an access token lasts when the platform does not say.
	AccessLifetime = 4 * time.Hour
	// RefreshLifetime is how long a refresh token lasts (30 days, single use).
	RefreshLifetime = 30 * 24 * time.Hour
	// RefreshAhead is how long before the access token expires the client renews it.
	RefreshAhead = 10 * time.Minute
	// MaxAttempts is how many times one call is tried before its error is returned.
	MaxAttempts = 5
	// RequestsPerSecond and Burst are the client's own rate limit (Shopee publishes none for
	// the order and logistics modules).
	RequestsPerSecond = 20
	Burst             = 20
	// listPasses caps how many times one window's order list is read (the first pass and the
	// re-reads that look for orders the moving list shifted past the cursor).
	listPasses = 5
	// maxBackoff caps the wait between attempts.
	maxBackoff = 30 * time.Second
	// trackingWorkers is how many get_tracking_number calls run at once (the limiter still
	// holds them to RequestsPerSecond).
	trackingWorkers = 4
)

// Production is the production API host (SG/global), as the reference names it.
const Production = "https://partner.shopeemobile.com"

// Client is one Shopee shop. It is safe for concurrent use.
type Client struct {
	base      string // API host root, no trailing slash (may include a simulator's mount prefix)
	auth      string // host root of auth_partner and the token endpoints
	partnerID int64
	key       string // partner key
	region    string
	keeper    market.Keeper
	http      *http.Client
	now       func() time.Time
	log       *slog.Logger
	retryBase time.Duration
	limiter   *rate.Limiter

	mu     sync.Mutex // guards shopID and the token state below; held across a refresh (single flight)
	shopID string
	tok    market.Tokens
	loaded bool
	// unsaved is a rotated pair the platform issued but the Keeper has not yet stored: it is
	// saved before anything else is done with it.
	unsaved bool

	secMu   sync.Mutex // guards secrets (never held while calling out)
	secrets []string   // tokens this client holds or held: scrubbed from any error text

	// onPass, when set (tests), hears how many new entries each reading of a list found.
	onPass func(list string, pass, found int)
}

var _ market.Client = (*Client)(nil)

// New checks cfg and returns a client. BaseURL is the host root (Production, or a simulator's
// http://127.0.0.1:PORT/shopee); the client appends the documented /api/v2/... paths and signs
// over those paths only. AuthURL, when empty, is BaseURL. AppKey is the partner_id (an integer)
// and AppSecret the partner key. ShopID is the shop_id (an integer); it may be empty only until
// Link names the shop. Keeper is required by Pull and Link; AuthorizeURL works without it.
func New(cfg market.Config) (*Client, error) {
	var problems []string
	base, err := hostRoot("BaseURL", cfg.BaseURL)
	if err != nil {
		problems = append(problems, err.Error())
	}
	auth := base
	if strings.TrimSpace(cfg.AuthURL) != "" {
		if auth, err = hostRoot("AuthURL", cfg.AuthURL); err != nil {
			problems = append(problems, err.Error())
		}
	}
	partnerID, err := strconv.ParseInt(strings.TrimSpace(cfg.AppKey), 10, 64)
	if err != nil || partnerID <= 0 {
		problems = append(problems, fmt.Sprintf("the partner id (app key) must be a positive whole number, not %q", cfg.AppKey))
	}
	if cfg.AppSecret == "" {
		problems = append(problems, "the partner key (app secret) is missing")
	}
	shopID := strings.TrimSpace(cfg.ShopID)
	if shopID != "" {
		if n, err := strconv.ParseInt(shopID, 10, 64); err != nil || n <= 0 {
			problems = append(problems, fmt.Sprintf("the shop id must be a positive whole number, not %q", cfg.ShopID))
		}
	}
	if cfg.RetryBase < 0 {
		problems = append(problems, "the retry wait cannot be negative")
	}
	if len(problems) > 0 {
		return nil, errors.New("shopee: " + strings.Join(problems, "; "))
	}
	cfg = cfg.WithDefaults()
	c := &Client{
		base: base, auth: auth, partnerID: partnerID, key: cfg.AppSecret, region: strings.ToUpper(cfg.Region),
		keeper: cfg.Keeper, http: cfg.HTTP, now: cfg.Now, log: cfg.Log, retryBase: cfg.RetryBase,
		shopID:  shopID,
		limiter: rate.NewLimiter(RequestsPerSecond, Burst),
	}
	return c, nil
}

// hostRoot checks an absolute http(s) URL without query or fragment and drops its trailing slash.
func hostRoot(name, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("%s is missing (the API host, e.g. %s)", name, Production)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%s %q is not an http(s) address", name, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s %q must not carry a query or fragment", name, raw)
	}
	if strings.Contains(u.Path, "/api/v2") {
		return "", fmt.Errorf("%s %q must be the host root: the client adds the /api/v2/... paths", name, raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

// ShopID is the shop the client works for (empty until linked when it was not configured).
func (c *Client) ShopID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shopID
}

// currency is the shop's currency, for orders that do not say.
func (c *Client) currency() string {
	if c.region == "" {
		return ""
	}
	return domain.RegionCurrency(c.region)
}

// backoff is the jittered wait before attempt n+1 (n >= 1).
func (c *Client) backoff(n int) time.Duration { return market.Backoff(c.retryBase, n, maxBackoff) }
