// Package market is the contract between the sync engine and the marketplace clients (sync/lazada,
// sync/shopee, sync/tiktok): how a client is configured, what it pulls, how it keeps its tokens.
// The simulators in sync/sim do not use it: they are written from the platforms' documentation
// alone, so that a misreading on one side shows up as a failing test instead of agreeing with itself.
package market

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// DefaultRedirect is where a platform sends the browser back after the seller signs in. Each
// platform checks it against the app's registered callback, so the port is fixed (and can be
// changed in Settings): the seller registers this address with their app once.
const DefaultRedirect = "http://127.0.0.1:47655/callback"

// Config is what a client needs to talk to one shop.
type Config struct {
	// BaseURL is the API root as the platform's documentation names it: Lazada
	// https://api.lazada.com.my/rest, Shopee https://partner.shopeemobile.com, TikTok
	// https://open-api.tiktokglobalshop.com. The client appends the documented paths.
	BaseURL string
	// AuthURL is the root of the sign-in and token endpoints. Empty: the platform's production
	// auth host when BaseURL is the production API, else BaseURL's own scheme and host (and, for
	// a simulator mounted under a prefix, that prefix).
	AuthURL string

	AppKey    string // Lazada app_key, Shopee partner_id, TikTok app_key
	AppSecret string // Lazada app_secret, Shopee partner_key, TikTok app_secret
	ServiceID string // TikTok: the service id its authorize page wants
	ShopID    string // Shopee shop_id, TikTok shop id, Lazada seller id
	Cipher    string // TikTok shop_cipher
	Region    string // MY, SG, TH, PH, VN, ID

	Keeper Keeper           // where the shop's tokens live
	HTTP   *http.Client     // nil: a client with sensible timeouts
	Now    func() time.Time // nil: time.Now; tests pass the simulator's clock
	Log    *slog.Logger     // nil: discard. Never given a secret.
	// RetryBase is the first wait before retrying a retryable failure; later waits double, with
	// jitter. Zero: 500 ms. Tests make it small.
	RetryBase time.Duration
}

// Tokens are one shop's OAuth tokens.
type Tokens struct {
	Access         string
	Refresh        string
	AccessExpires  time.Time
	RefreshExpires time.Time // zero when the platform does not say
}

// Keeper keeps one shop's tokens. SaveTokens must be durable when it returns: Shopee's refresh
// token works once, so a new pair that is lost locks the shop out until the seller links it again.
type Keeper interface {
	Tokens(ctx context.Context) (Tokens, error)
	SaveTokens(ctx context.Context, t Tokens) error
}

// Shop is who the seller signed in as, from the platform's answer to the sign-in.
type Shop struct {
	ID     string // Shopee shop_id, TikTok shop id, Lazada seller_id
	Name   string // when the platform says
	Region string
	Cipher string // TikTok shop_cipher
}

// Batch is one page of a pull, saved by the engine in one transaction.
type Batch struct {
	Orders []domain.Order
	// Returns says, by order number, whether a return or refund request is now open
	// (domain.AfterSaleOpen: from the request until it is refunded, rejected or closed) or no
	// longer is. Orders not listed keep what they had: the order APIs do
	// not say, the returns APIs do.
	Returns map[string]bool
	// AfterSales are, by order number, the requests the returns (and cancellation) lists showed
	// for it. A listed order's requests replace the stored ones with the same kind and ID; other
	// stored requests are kept. Orders not listed keep theirs.
	AfterSales map[string][]domain.AfterSale
	// Final is set on the last batch of a pull: every order updated in the window has been
	// passed, so the engine may move its cursor to the window's end in this batch's transaction.
	Final bool
}

// Client is one shop on one platform.
type Client interface {
	// Pull passes to emit every order created or updated in [from, to), with its items and
	// packages, in batches; the last batch has Final set (it may carry no orders). An order may
	// come twice; none may be missed, even while the platform changes orders as it pages. Emit's
	// error stops the pull and is returned.
	Pull(ctx context.Context, from, to time.Time, emit func(Batch) error) error
	// AuthorizeURL is the page where the seller signs in and allows Kedai; the platform then
	// sends the browser to redirect with a code.
	AuthorizeURL(redirect, state string) (string, error)
	// Link turns the code (and the rest of the redirect's query) into the shop and its tokens,
	// and saves the tokens through the Keeper.
	Link(ctx context.Context, callback url.Values) (Shop, error)
}

// ErrRelink means the shop's tokens can no longer be refreshed: the seller must link it again.
var ErrRelink = errors.New("the store's sign-in has expired and cannot be renewed: link the store again")

// Error is a refusal by the platform, with its own code and message.
type Error struct {
	Platform  domain.Platform
	Op        string // what was being done, e.g. "GET /orders/get"
	Status    int    // HTTP status
	Code      string // the platform's error code
	Message   string
	Retryable bool // rate limits, timeouts, "system busy": worth trying again later
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Platform.Title(), e.Op)
	if e.Status != 0 && e.Status != http.StatusOK {
		msg += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Retryable reports whether err is worth trying again later.
func Retryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}
