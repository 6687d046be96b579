package sqlaccount

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	// DefaultRegion and DefaultService are the SigV4 parameters of eStream's own sample
	// (host api.sql.my). Other installs differ, so both are configurable.
	DefaultRegion  = "ap-southeast-1"
	DefaultService = "execute-api"

	// PageSize is the most records SQL Account returns for one GET.
	PageSize = 50

	maxBody     = 16 << 20 // what the client reads of one answer
	getAttempts = 3        // a GET is retried after no answer, 429 or 5xx; writes never are
	retryBase   = 250 * time.Millisecond
	maxRetryFor = 10 * time.Second // the longest Retry-After waited out
)

// Config is how to reach one SQL Account API.
type Config struct {
	URL       string // the API root, e.g. https://api.sql.my (paths such as /salesinvoice are appended)
	AccessKey string
	SecretKey string
	Region    string // "" is DefaultRegion
	Service   string // "" is DefaultService
}

// Client speaks to one SQL Account API. It is safe for concurrent use.
type Client struct {
	root    string // the API root without a trailing slash
	creds   aws.Credentials
	region  string
	service string
	http    *http.Client
	signer  *v4.Signer
	now     func() time.Time // the signing time; tests move it
	wait    time.Duration    // the first wait before retrying a GET
}

// New checks cfg and returns a client; hc nil is an HTTP client with a 60 s timeout. The reasons
// it refuses a config are meant for the person who typed it.
func New(cfg Config, hc *http.Client) (*Client, error) {
	root, err := checkURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	access := strings.TrimSpace(cfg.AccessKey)
	secret := strings.TrimSpace(cfg.SecretKey)
	if access == "" {
		return nil, errors.New("the SQL Account access key is missing (SQL Account: Tools > Maintain User > More > API Secret Key)")
	}
	if secret == "" {
		return nil, errors.New("the SQL Account secret key is missing (it is shown once, when the API secret key is generated)")
	}
	if strings.ContainsAny(access, " \t\r\n") || strings.ContainsAny(secret, " \t\r\n") {
		return nil, errors.New("the SQL Account access key or secret key contains a space or line break: paste it again")
	}
	region := strings.TrimSpace(cfg.Region)
	if region == "" {
		region = DefaultRegion
	}
	service := strings.TrimSpace(cfg.Service)
	if service == "" {
		service = DefaultService
	}
	if strings.ContainsAny(region+service, " /\t") {
		return nil, fmt.Errorf("the SQL Account region %q or service %q is not a single word (e.g. %s and %s)", region, service, DefaultRegion, DefaultService)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{
		root:    root,
		creds:   aws.Credentials{AccessKeyID: access, SecretAccessKey: secret, Source: "kedai"},
		region:  region,
		service: service,
		http:    hc,
		signer:  v4.NewSigner(),
		now:     time.Now,
		wait:    retryBase,
	}, nil
}

// checkURL accepts an http(s) address with a host and nothing after its path.
func checkURL(raw string) (string, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	if raw == "" {
		return "", errors.New("the SQL Account URL is missing (for SQL Account's cloud API: https://api.sql.my)")
	}
	if strings.Contains(raw, "@") {
		// Not echoed: what stands before the @ may be a password.
		return "", errors.New("the SQL Account URL must not hold a user name or password (user@host): the access key and secret key go in their own fields")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("the SQL Account URL %q is not an http(s) address such as https://api.sql.my", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("the SQL Account URL %q must not carry a query (?...) or fragment (#...)", u.Scheme+"://"+u.Host+u.Path)
	}
	return raw, nil
}

// URL is the API root the client speaks to.
func (c *Client) URL() string { return c.root }

// request is one API call.
type request struct {
	method string
	path   string     // appended to the root, e.g. "/salesinvoice/12"
	query  url.Values // nil for none
	body   []byte     // JSON; nil for none
	// notFound: a 404 means the record is not there (ErrNotFound), not a wrong URL.
	notFound bool
}

func (r request) op() string { return r.method + " " + r.path }

// answer is a 2xx reply.
type answer struct {
	status int
	body   []byte
}

// do sends r and returns its 2xx answer, or an error a person can act on (an *Error for anything
// SQL Account answered or failed to answer; the caller's context error when it ended). A GET is
// retried after no answer, HTTP 429 or 5xx; a POST or PUT never is, as it may have been applied.
func (c *Client) do(ctx context.Context, r request) (answer, error) {
	attempts := 1
	if r.method == http.MethodGet {
		attempts = getAttempts
	}
	for n := 1; ; n++ {
		ans, retryAfter, err := c.once(ctx, r)
		if err == nil {
			return ans, nil
		}
		if ctx.Err() != nil {
			return answer{}, fmt.Errorf("SQL Account request %s stopped: %w", r.op(), ctx.Err())
		}
		var e *Error
		if n >= attempts || !errors.As(err, &e) || !e.retryable() {
			return answer{}, err
		}
		d := c.wait << (n - 1)
		if retryAfter > d {
			if retryAfter > maxRetryFor {
				return answer{}, err
			}
			d = retryAfter
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return answer{}, fmt.Errorf("SQL Account request %s stopped while waiting to retry (%v): %w", r.op(), err, ctx.Err())
		case <-t.C:
		}
	}
}

// once sends r one time, signed anew.
func (c *Client) once(ctx context.Context, r request) (answer, time.Duration, error) {
	target := c.root + r.path
	if len(r.query) > 0 {
		// %20 rather than +: what SigV4's canonical query uses, so no server can read it otherwise.
		target += "?" + strings.ReplaceAll(r.query.Encode(), "+", "%20")
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return answer{}, 0, &Error{Op: r.op(), Message: "the request could not be made: " + c.scrub(err.Error())}
	}
	sum := sha256.Sum256(r.body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := c.signer.SignHTTP(ctx, c.creds, req, hash, c.service, c.region, c.now()); err != nil {
		return answer{}, 0, &Error{Op: r.op(), Message: "the request could not be signed: " + c.scrub(err.Error())}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, 0, c.transportError(r, err, false)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return answer{}, 0, c.transportError(r, err, true)
	}
	if len(raw) > maxBody {
		return answer{}, 0, &Error{Op: r.op(), Status: resp.StatusCode, kind: ErrBadAnswer,
			Message: fmt.Sprintf("the answer is larger than %d MiB", maxBody>>20)}
	}
	if resp.StatusCode/100 == 2 {
		return answer{status: resp.StatusCode, body: raw}, 0, nil
	}
	return answer{}, retryAfter(resp.Header.Get("Retry-After"), c.now()), c.statusError(r, resp, raw)
}

// transportError describes a request that got no (complete) answer. It names the API root, never
// the request's query or headers.
func (c *Client) transportError(r request, err error, sent bool) error {
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	e := &Error{Op: r.op(), kind: ErrUnreachable, root: c.root}
	var dns *net.DNSError
	var op *net.OpError
	var te interface{ Timeout() bool }
	switch {
	case !sent && (errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial")):
		e.Message = c.scrub(inner.Error()) // nothing was sent
	case errors.As(err, &te) && te.Timeout():
		e.Message = "no answer in time: " + c.scrub(inner.Error())
		e.sent = true
	default:
		e.Message = "the connection ended without an answer: " + c.scrub(inner.Error())
		e.sent = true
	}
	return e
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date; 0 when absent or past.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil {
		return time.Duration(max(secs, 0)) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// scrub takes the keys out of text that may reach an error message.
func (c *Client) scrub(s string) string {
	for _, k := range []string{c.creds.SecretAccessKey, c.creds.AccessKeyID} {
		if len(k) >= 4 {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	return signLike.ReplaceAllString(s, "[signature]")
}
