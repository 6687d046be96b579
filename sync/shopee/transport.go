package shopee

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// signKind says which base string a request is signed over.
type signKind int

const (
	signShop   signKind = iota // partner_id + path + timestamp + access_token + shop_id
	signPublic                 // partner_id + path + timestamp
)

// request is one API call before signing.
type request struct {
	method string
	path   string     // the documented api_path, /api/v2/...
	params url.Values // GET business parameters (query)
	body   any        // POST business parameters (JSON)
	sign   signKind
	onAuth bool // the call goes to the auth host (token endpoints)
	flat   bool // the answer is flat (token endpoints): out decodes from the whole body
	out    any  // where the answer's response (or the flat body) is decoded; nil: not at all
	// detach keeps an attempt going when the caller's context ends (waits between attempts
	// still stop): a token exchange abandoned halfway may have spent a single-use code or
	// refresh token whose only replacement is in the answer.
	detach bool
	// once marks a call that changes the platform's state (ship_order): an attempt that got no
	// definite answer (no answer, an unreadable one, a gateway error) may have taken effect, so
	// it is not repeated; its retryable error goes back, and the engine reads the order before it
	// sends the action again. A definite refusal (an error code, HTTP 429) is retried as usual.
	once bool
	// form, when set, is the POST body as it is (a multipart upload), sent with formType instead
	// of body's JSON; Shopee does not sign the body (S1).
	form     []byte
	formType string
}

// detachedLimit bounds a detached attempt when the HTTP client has no timeout of its own.
const detachedLimit = 2 * time.Minute

func (r request) op() string { return r.method + " " + r.path }

// envelope is every Shopee answer: {"error","message","request_id","response","warning"}.
type envelope struct {
	Error     string          `json:"error"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Response  json.RawMessage `json:"response"`
	Warning   json.RawMessage `json:"warning"`
}

// ok reports success: error is "" (the doc samples' "-" counts too: a documentation artefact).
func (e *envelope) ok() bool {
	code := strings.TrimSpace(e.Error)
	return code == "" || code == "-"
}

// maxBody bounds what the client reads of one answer.
const maxBody = 64 << 20

// retryableCodes are the platform codes worth another attempt (S6).
var retryableCodes = map[string]bool{
	"error_server":      true,
	"error_system_busy": true,
	"error_inner":       true,
	"error_network":     true,
}

// call sends req and decodes its answer into req.out, retrying what is retryable (up to
// MaxAttempts, jittered exponential backoff, Retry-After on 429) and, for shop calls, renewing
// the access token once when the platform refuses it. It returns the decoded envelope on success. On a platform error it returns a
// *market.Error and, when the body decoded, the envelope too: batch APIs answer
// "common.batch_api_all_failed" with response.result_list still filled in.
func (c *Client) call(ctx context.Context, req request) (*envelope, error) {
	renewed := false
	for attempt := 1; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, ctxErr(ctx, err)
		}
		access, shopID := "", ""
		if req.sign == signShop {
			var err error
			if access, shopID, err = c.accessToken(ctx); err != nil {
				return nil, err
			}
		}
		env, retryAfter, err := c.once(ctx, req, access, shopID)
		if err == nil {
			return env, nil
		}
		var apiErr *market.Error
		if !errors.As(err, &apiErr) {
			return env, err // the caller's context ended
		}
		if req.sign == signShop && !renewed && accessRefused(apiErr) {
			renewed = true
			c.log.Info("shopee: access token refused, renewing it", "op", apiErr.Op, "code", apiErr.Code)
			if err := c.renewAfterRefusal(ctx, access); err != nil {
				return nil, err
			}
			attempt-- // the renewal is not one of the call's attempts
			continue
		}
		if !apiErr.Retryable || attempt >= MaxAttempts || req.once && !refused(apiErr) {
			return env, err
		}
		wait, ok := c.wait(attempt, retryAfter)
		if !ok {
			c.log.Warn("shopee: asked to wait longer than the client waits", "op", apiErr.Op, "retry_after", retryAfter)
			return env, err
		}
		c.log.Warn("shopee: retrying", "op", apiErr.Op, "attempt", attempt, "status", apiErr.Status,
			"code", apiErr.Code, "message", apiErr.Message, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return env, ctxErr(ctx, ctx.Err())
		case <-t.C:
		}
	}
}

// wait is how long to wait before attempt n+1: the jittered backoff, or the server's
// Retry-After when that is longer. A Retry-After beyond the longest wait is not waited out (ok
// false): the error goes back, retryable, for the engine to come back later.
func (c *Client) wait(n int, retryAfter time.Duration) (d time.Duration, ok bool) {
	if retryAfter > maxBackoff {
		return 0, false
	}
	return max(c.backoff(n), retryAfter), true
}

// refused reports an answer that says the platform did not act: it named an error, or throttled.
func refused(e *market.Error) bool {
	return e.Code != "" || e.Status == http.StatusTooManyRequests
}

// ctxErr reports a call that stopped because its context ended.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("shopee: %w", ctx.Err())
	}
	return fmt.Errorf("shopee: %w", err)
}

// accessRefused reports an answer that means the access token is expired or invalid (S6:
// error_auth "Invalid access_token."; the live platform also spells it invalid_acceess_token).
// error_auth for a missing permission or a wrong partner/shop is not cured by a new token.
func accessRefused(e *market.Error) bool {
	code := strings.ToLower(e.Code)
	msg := strings.ToLower(e.Message)
	switch {
	case strings.Contains(code, "access_token"), strings.Contains(code, "acceess_token"), code == "invalid_token":
		return true
	case code == "error_auth":
		return !strings.Contains(msg, "permission") && !strings.Contains(msg, "partner_id")
	}
	return false
}

// roundTrip sends a request and reads its answer (at most maxBody). A failure is a
// *market.Error (a retryable network one) unless ctx ended.
func (c *Client) roundTrip(ctx context.Context, req request, hr *http.Request) (*http.Response, []byte, error) {
	resp, err := c.http.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctxErr(ctx, ctx.Err())
		}
		return nil, nil, c.fail(req, 0, "", "network: "+redactErr(err).Error(), true)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctxErr(ctx, ctx.Err())
		}
		return nil, nil, c.fail(req, resp.StatusCode, "", "reading the answer: "+redactErr(err).Error(), true)
	}
	return resp, raw, nil
}

// once makes one attempt. A failure is a *market.Error unless ctx ended; retryAfter is the
// server's Retry-After on a 429 (or 503), else 0.
func (c *Client) once(ctx context.Context, req request, access, shopID string) (*envelope, time.Duration, error) {
	hctx := ctx
	if req.detach {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), detachedLimit)
		defer cancel()
	}
	hr, err := c.newHTTPRequest(hctx, req, access, shopID)
	if err != nil {
		return nil, 0, c.fail(req, 0, "", err.Error(), false)
	}
	resp, raw, err := c.roundTrip(ctx, req, hr)
	if err != nil {
		return nil, 0, err
	}
	return c.interpret(req, resp.StatusCode, resp.Header, raw)
}

// fail makes the *market.Error for req, with every secret scrubbed from the message.
func (c *Client) fail(req request, status int, code, msg string, retryable bool) *market.Error {
	return &market.Error{Platform: domain.Shopee, Op: req.op(), Status: status, Code: code,
		Message: c.scrub(msg), Retryable: retryable}
}

// newHTTPRequest signs req (S1): the common parameters partner_id, timestamp (seconds), sign and,
// for shop APIs, access_token and shop_id always go in the query, POST too; GET business
// parameters join them, POST ones go in a JSON body. The sign covers the documented api_path,
// never the prefix a host is mounted under.
func (c *Client) newHTTPRequest(ctx context.Context, req request, access, shopID string) (*http.Request, error) {
	ts := c.now().Unix()
	q := url.Values{}
	for k, vs := range req.params {
		q[k] = vs
	}
	q.Set("partner_id", strconv.FormatInt(c.partnerID, 10))
	q.Set("timestamp", strconv.FormatInt(ts, 10))
	if req.sign == signShop {
		q.Set("access_token", access)
		q.Set("shop_id", shopID)
		q.Set("sign", Sign(c.key, c.partnerID, req.path, ts, access, shopID))
	} else {
		q.Set("sign", Sign(c.key, c.partnerID, req.path, ts, "", ""))
	}
	host := c.base
	if req.onAuth {
		host = c.auth
	}
	var body io.Reader
	ctype := "application/json"
	switch {
	case req.method == http.MethodPost && req.form != nil:
		body, ctype = bytes.NewReader(req.form), req.formType
	case req.method == http.MethodPost:
		b, err := json.Marshal(req.body)
		if err != nil {
			return nil, fmt.Errorf("encoding the request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, host+req.path+"?"+q.Encode(), body)
	if err != nil {
		return nil, redactErr(err)
	}
	hr.Header.Set("Accept", "application/json")
	if body != nil {
		hr.Header.Set("Content-Type", ctype)
	}
	return hr, nil
}

// interpret reads an answer whatever its HTTP status (S6): {"error","message","request_id",
// "response"}; error "" (or the doc samples' "-") is success. HTTP 429 and 5xx, an undecodable
// body and the codes in retryableCodes are worth retrying; nothing else is.
func (c *Client) interpret(req request, status int, header http.Header, raw []byte) (*envelope, time.Duration, error) {
	busy := status == http.StatusTooManyRequests || status >= 500
	var retryAfter time.Duration
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		retryAfter = market.RetryAfter(header.Get("Retry-After"), c.now())
	}
	env := &envelope{}
	if err := json.Unmarshal(raw, env); err != nil {
		what := strings.TrimSpace(header.Get("Content-Type"))
		if what == "" {
			what = "no content type"
		}
		return nil, retryAfter, c.fail(req, status, "", fmt.Sprintf("the answer is not valid JSON (%d bytes, %s)", len(raw), what), true)
	}
	if !env.ok() {
		code := strings.TrimSpace(env.Error)
		return env, retryAfter, c.fail(req, status, code, env.Message, busy || retryableCodes[code])
	}
	if status < 200 || status > 299 {
		msg := http.StatusText(status)
		if env.Message != "" {
			msg = env.Message
		}
		return env, retryAfter, c.fail(req, status, "", msg, busy)
	}
	if req.out != nil {
		src := env.Response
		if req.flat {
			src = raw
		}
		if len(src) == 0 || string(src) == "null" {
			return env, 0, c.fail(req, status, "", "the answer has no response object", true)
		}
		// Decode into a fresh value so that an earlier attempt's partial decode leaves nothing.
		fresh := reflect.New(reflect.TypeOf(req.out).Elem())
		if err := json.Unmarshal(src, fresh.Interface()); err != nil {
			return env, 0, c.fail(req, status, "", "the answer cannot be read: "+err.Error(), true)
		}
		reflect.ValueOf(req.out).Elem().Set(fresh.Elem())
	}
	return env, 0, nil
}

// redactErr strips the query (partner_id, access_token, sign, shop_id) from any URL an error
// carries: net/http's *url.Error quotes the whole request URL.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: market.Redact(ue.URL), Err: ue.Err}
	}
	return err
}

// scrub removes every secret the client knows (partner key, tokens it holds or held, signs)
// from text that may reach an error message or a log line.
func (c *Client) scrub(s string) string {
	if s == "" {
		return s
	}
	c.secMu.Lock()
	secrets := append([]string{c.key}, c.secrets...)
	c.secMu.Unlock()
	return market.Redact(s, secrets...)
}
