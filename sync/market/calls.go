package market

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultRetryBase is the first wait before retrying when Config.RetryBase is zero.
const DefaultRetryBase = 500 * time.Millisecond

// WithDefaults fills what the caller left out: an HTTP client with a timeout, the wall clock,
// a logger that discards, and the default retry wait.
func (c Config) WithDefaults() Config {
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.RetryBase == 0 {
		c.RetryBase = DefaultRetryBase
	}
	return c
}

// Backoff is the wait after the attempt'th failure (1, 2, ...): base doubled each time up to
// limit, then jittered within its upper half so that many clients do not retry in step.
func Backoff(base time.Duration, attempt int, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}

// RetryAfter reads a Retry-After header, in seconds or as an HTTP date; 0 when absent or past.
func RetryAfter(header string, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	if n, err := strconv.Atoi(header); err == nil {
		return time.Duration(max(n, 0)) * time.Second
	}
	if t, err := http.ParseTime(header); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Secrets never reach a log line or an error message: not an app secret, not a token, not a
// signature (which would let whoever reads it replay the request), not an authorization code.
var (
	// urlQuery is the query of any URL in a message.
	urlQuery = regexp.MustCompile(`(?i)(https?://[^\s?"'<>]*)\?[^\s"'<>]*`)
	// secretParam is a sensitive name=value or "name":"value" pair outside a URL.
	secretParam = regexp.MustCompile(`(?i)("?\b(?:app_secret|partner_key|access_token|refresh_token|auth_code|code|sign|x-tts-access-token)\b"?\s*[=:]\s*"?)([^&\s"',;]+)`)
	// signLike is a 64-digit hex signature echoed in a message.
	signLike = regexp.MustCompile(`(?i)\b[0-9a-f]{64}\b`)
)

// Redact takes out of s every URL query, every sensitive parameter, anything shaped like a
// signature, and each secret given (those shorter than 4 characters would blank ordinary words).
func Redact(s string, secrets ...string) string {
	s = urlQuery.ReplaceAllString(s, "$1?[query removed]")
	s = secretParam.ReplaceAllString(s, "${1}[redacted]")
	s = signLike.ReplaceAllString(s, "[redacted]")
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}
