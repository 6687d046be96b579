package tiktok

import (
	"regexp"
	"strings"
)

// Secrets never reach a log line or an error: not the app secret, not a token, not a sign (which
// would let anyone who reads it replay the request), not an authorization code.
var (
	// queryPart is the query of any URL in a message.
	queryPart = regexp.MustCompile(`(?i)(https?://[^\s?"'<>]*)\?[^\s"'<>]*`)
	// secretParam is a sensitive name=value or "name":"value" pair outside a URL.
	secretParam = regexp.MustCompile(`(?i)("?\b(?:app_secret|access_token|refresh_token|auth_code|sign|x-tts-access-token)\b"?\s*[=:]\s*"?)([^&\s"',;]+)`)
)

// redactURL drops the query of a URL.
func redactURL(s string) string {
	return queryPart.ReplaceAllString(s, "$1?[query removed]")
}

// redactText takes out every URL query, every sensitive parameter, and each given secret.
func redactText(s string, secrets ...string) string {
	s = redactURL(s)
	s = secretParam.ReplaceAllString(s, "${1}[redacted]")
	for _, sec := range secrets {
		if len(sec) >= 4 { // a shorter "secret" would blank out ordinary words
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// redact is redactText with this client's own secrets: the app secret and the current tokens.
func (c *Client) redact(s string) string {
	c.tokMu.Lock()
	access, refresh := c.tok.Access, c.tok.Refresh
	c.tokMu.Unlock()
	return redactText(s, c.cfg.AppSecret, access, refresh)
}
