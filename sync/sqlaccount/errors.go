package sqlaccount

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The kinds of failure a caller acts on; check them with errors.Is. Every error the client returns
// for an API call is an *Error wrapping at most one of them, with text meant for a person.
var (
	// ErrAuth: SQL Account refused the request's signature (HTTP 401/403): a wrong access key,
	// secret key, region or service, or a PC clock far off.
	ErrAuth = errors.New("SQL Account refused the access key or secret key")
	// ErrDuplicate: the document number is already used (SQL Account's "duplicate value" /
	// "unique" refusal).
	ErrDuplicate = errors.New("SQL Account already has a document with this number")
	// ErrChanged: the document changed since it was read ("Record has been changed by another
	// user"): read it again and resend.
	ErrChanged = errors.New("Record has been changed by another user")
	// ErrNotFound: no record with that key.
	ErrNotFound = errors.New("not found in SQL Account")
	// ErrUnreachable: no answer came (the address could not be reached, or the connection ended
	// first). A write may or may not have been applied.
	ErrUnreachable = errors.New("SQL Account could not be reached")
	// ErrBadAnswer: an answer came but could not be read (not JSON, or not the documented shape).
	ErrBadAnswer = errors.New("SQL Account's answer could not be read")
)

// Error is a failed API call.
type Error struct {
	Op      string // the method and path, e.g. "POST /salesinvoice"
	Status  int    // the HTTP status; 0 when no answer came
	Message string // SQL Account's own message, or what went wrong on the way; never a key

	kind error         // one of the Err values, or nil
	root string        // the API root, for "could not be reached"
	sent bool          // ErrUnreachable: the request went out, the answer did not come back
	skew time.Duration // ErrAuth: how far this PC's clock is from the server's, when known
}

func (e *Error) Error() string {
	status := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	switch e.kind {
	case ErrAuth:
		msg := "SQL Account refused the access key or secret key: " + e.Message
		if e.skew != 0 {
			msg += fmt.Sprintf(" (this PC's clock is %s off from SQL Account's: set it right, the signature is only valid for 15 minutes)", e.skew.Round(time.Minute))
		}
		return msg
	case ErrUnreachable:
		if e.sent {
			return fmt.Sprintf("SQL Account at %s gave no answer to %s: %s", e.root, e.Op, e.Message)
		}
		return fmt.Sprintf("SQL Account at %s could not be reached: %s", e.root, e.Message)
	case ErrBadAnswer:
		return fmt.Sprintf("SQL Account's answer to %s could not be read: %s", e.Op, e.Message)
	case nil:
		if e.Status == 0 {
			return fmt.Sprintf("SQL Account %s: %s", e.Op, e.Message)
		}
		if e.Status == http.StatusNotFound {
			return fmt.Sprintf("SQL Account answered %s to %s: %s (is %s the API's root address?)", status, e.Op, e.Message, e.root)
		}
	}
	return fmt.Sprintf("SQL Account answered %s: %s", status, e.Message)
}

// Unwrap gives the kind of failure, for errors.Is.
func (e *Error) Unwrap() error { return e.kind }

// retryable reports a failure that another attempt of a read may cure.
func (e *Error) retryable() bool {
	return e.kind == ErrUnreachable || e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// unsure reports a write that may have been applied although it failed: it went out and no
// answer came, or a success came that could not be read.
func (e *Error) unsure() bool {
	return (e.kind == ErrUnreachable && e.sent) || (e.kind == ErrBadAnswer && e.Status/100 == 2)
}

// statusError turns a non-2xx answer into an *Error with SQL Account's message.
func (c *Client) statusError(r request, resp *http.Response, raw []byte) error {
	e := &Error{Op: r.op(), Status: resp.StatusCode, root: c.root,
		Message: c.scrub(serverMessage(resp.StatusCode, resp.Header.Get("Content-Type"), raw))}
	low := strings.ToLower(e.Message)
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		e.kind = ErrAuth
		if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			if d := c.now().Sub(t); d > 5*time.Minute || d < -5*time.Minute {
				e.skew = d.Abs()
			}
		}
	case strings.Contains(low, "duplicate value") || strings.Contains(low, "unique"):
		e.kind = ErrDuplicate
	case e.Status == http.StatusConflict || strings.Contains(low, "changed by another user"):
		e.kind = ErrChanged
	case e.Status == http.StatusNotFound && r.notFound:
		e.kind = ErrNotFound
	}
	return e
}

// errorBody is every error shape seen: {"error":{"code","message"}}, {"error":"...",
// "message":"..."}, {"message":"..."} (also API gateways' {"Message":...}), {"errors":[{...}]}.
type errorBody struct {
	Error   json.RawMessage `json:"error"`
	Message json.RawMessage `json:"message"`
	Errors  []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

type errorDetail struct {
	Code    any    `json:"code"`
	Message string `json:"message"`
}

// serverMessage extracts the server's message from an error body: JSON of either documented
// shape, or plain text. It never fails: an empty or unreadable body gives the status text.
func serverMessage(status int, ctype string, raw []byte) string {
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return http.StatusText(status)
	}
	if strings.HasPrefix(text, "{") {
		var b errorBody
		if json.Unmarshal(raw, &b) == nil {
			if m := jsonMessage(b); m != "" {
				return clip(m)
			}
		}
		return clip(text)
	}
	low := strings.ToLower(text)
	if strings.Contains(ctype, "html") || strings.HasPrefix(low, "<!doctype") || strings.HasPrefix(low, "<html") {
		return http.StatusText(status) + " (a web page, not SQL Account's API: check the URL)"
	}
	return clip(text)
}

func jsonMessage(b errorBody) string {
	var detail errorDetail
	var s string
	switch {
	case len(b.Error) > 0 && json.Unmarshal(b.Error, &detail) == nil && (detail.Message != "" || detail.Code != nil):
		if detail.Message == "" {
			return fmt.Sprint(detail.Code)
		}
		return detail.Message
	case len(b.Message) > 0 && json.Unmarshal(b.Message, &s) == nil && s != "":
		return s
	case len(b.Error) > 0 && json.Unmarshal(b.Error, &s) == nil && s != "":
		return s
	case len(b.Errors) > 0 && b.Errors[0].Message != "":
		return b.Errors[0].Message
	}
	return ""
}

// clip keeps a message to one line of reasonable length.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const limit = 300
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// signLike is a SigV4 signature (64 hex digits) a server may echo: whoever reads it could replay
// the request.
var signLike = regexp.MustCompile(`(?i)\b[0-9a-f]{64}\b`)

// badAnswer is an *Error for a 2xx (or other) answer that is not the documented shape.
func badAnswer(r request, status int, format string, args ...any) *Error {
	return &Error{Op: r.op(), Status: status, kind: ErrBadAnswer, Message: fmt.Sprintf(format, args...)}
}
