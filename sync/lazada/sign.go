package lazada

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// sign computes a LazOP request signature (reference L1): every parameter except sign, sorted by
// name in ASCII order, concatenated as name+value with no separators, prefixed with the API path
// ("/orders/get", never the "/rest" root), then HMAC-SHA256 keyed with the app secret, in
// uppercase hex. Parameters with empty values are skipped, as the Java and C# samples do (the
// client never sends them either).
func sign(secret, apiPath string, params map[string]string) string {
	return signString(secret, stringToSign(apiPath, params))
}

// stringToSign is the text sign feeds to HMAC.
func stringToSign(apiPath string, params map[string]string) string {
	names := make([]string, 0, len(params))
	for k, v := range params {
		if k == "sign" || v == "" {
			continue
		}
		names = append(names, k)
	}
	sort.Strings(names) // byte order, which is ASCII order
	var b strings.Builder
	b.WriteString(apiPath)
	for _, k := range names {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	return b.String()
}

func signString(secret, s string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(s))
	return strings.ToUpper(hex.EncodeToString(m.Sum(nil)))
}
