package tiktok

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// sign is the request signature of T1: every query parameter except sign and access_token,
// sorted by key and concatenated as key+value, prefixed with the documented request path (no
// mount prefix, no host), followed by the raw body bytes exactly as sent (for any content type
// but multipart/form-data, whose body the caller leaves out), wrapped as secret+s+secret, and
// hashed with HMAC-SHA256 keyed by the app secret; the result is lowercase hex.
func sign(secret, path string, query url.Values, body []byte) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		if k == "sign" || k == "access_token" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(secret)
	b.WriteString(path)
	for _, k := range keys {
		b.WriteString(k)
		// A key is sent once; should one ever repeat, its values are signed in the order sent.
		b.WriteString(strings.Join(query[k], ""))
	}
	b.Write(body)
	b.WriteString(secret)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(b.String()))
	return hex.EncodeToString(mac.Sum(nil))
}
