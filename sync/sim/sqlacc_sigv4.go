package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The SQL Account API's gate: AWS Signature Version 4 (AWS4-HMAC-SHA256), checked here from the
// specification alone (canonical request, string to sign, derived signing key), sharing nothing
// with the client's signer.

const (
	sigv4Algorithm  = "AWS4-HMAC-SHA256"
	sigv4Terminator = "aws4_request"
	sigv4DateLayout = "20060102T150405Z"
	sigv4DayLayout  = "20060102"
	// sigv4Skew is how far X-Amz-Date may be from the simulator's clock.
	sigv4Skew = 15 * time.Minute
)

// sigv4Refusal is why a request's signature is refused: an HTTP status, an error code and a
// message a person can act on. The canonical request and string to sign are added when the
// signature itself does not match, to help whoever debugs a signer.
type sigv4Refusal struct {
	status           int
	code, message    string
	canonicalRequest string
	stringToSign     string
}

// sigv4Auth is a parsed Authorization header.
type sigv4Auth struct {
	accessKey                         string
	day, region, service, terminator  string
	signedHeaders                     []string
	signature                         string
	rawCredential, rawSignedHeaderStr string
}

// parseSigv4Auth reads "AWS4-HMAC-SHA256 Credential=KEY/DAY/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b;c, Signature=hex". The access key may itself hold slashes (some SQL Account
// keys look like "<hex>.sql.my/ACCOUNTAPI"), so the scope is read from the right.
func parseSigv4Auth(h string) (sigv4Auth, string) {
	var a sigv4Auth
	alg, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return a, "the Authorization header is not \"AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...\""
	}
	if alg != sigv4Algorithm {
		return a, fmt.Sprintf("the Authorization header's algorithm is %q: sign with %s", alg, sigv4Algorithm)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return a, fmt.Sprintf("the Authorization header has %q where name=value was expected", part)
		}
		if _, dup := fields[k]; dup {
			return a, fmt.Sprintf("the Authorization header has %s twice", k)
		}
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return a, fmt.Sprintf("the Authorization header has no %s", k)
		}
	}
	a.rawCredential, a.rawSignedHeaderStr = fields["Credential"], fields["SignedHeaders"]
	parts := strings.Split(a.rawCredential, "/")
	if len(parts) < 5 {
		return a, "the Authorization header's Credential is not KEY/YYYYMMDD/REGION/SERVICE/aws4_request"
	}
	n := len(parts)
	a.accessKey = strings.Join(parts[:n-4], "/")
	a.day, a.region, a.service, a.terminator = parts[n-4], parts[n-3], parts[n-2], parts[n-1]
	if a.accessKey == "" {
		return a, "the Authorization header's Credential has no access key"
	}
	if _, err := time.Parse(sigv4DayLayout, a.day); err != nil {
		return a, fmt.Sprintf("the Credential's date %q is not YYYYMMDD", a.day)
	}
	for _, h := range strings.Split(a.rawSignedHeaderStr, ";") {
		if h == "" || h != strings.ToLower(h) || strings.ContainsAny(h, " \t") {
			return a, fmt.Sprintf("SignedHeaders %q is not a ;-separated list of lower-case header names", a.rawSignedHeaderStr)
		}
		a.signedHeaders = append(a.signedHeaders, h)
	}
	a.signature = fields["Signature"]
	if len(a.signature) != 64 {
		return a, "the Signature is not 64 hex digits"
	}
	if _, err := hex.DecodeString(a.signature); err != nil {
		return a, "the Signature is not 64 hex digits"
	}
	return a, ""
}

// sigv4Check is what the gate checks a request against.
type sigv4Check struct {
	accessKey, secretKey, region, service string
	now                                   time.Time
}

// verifySigv4 checks a request's signature. path and rawQuery are the request target as the
// client sent it (before any prefix was stripped); body is the whole body.
func verifySigv4(r *http.Request, path, rawQuery string, body []byte, c sigv4Check) *sigv4Refusal {
	h := r.Header.Get("Authorization")
	if h == "" {
		return &sigv4Refusal{status: http.StatusUnauthorized, code: "MissingAuthenticationToken",
			message: "the request has no Authorization header: sign it with AWS Signature V4 (AWS4-HMAC-SHA256) using the SQL Account access key and secret key"}
	}
	a, bad := parseSigv4Auth(h)
	if bad != "" {
		return &sigv4Refusal{status: http.StatusUnauthorized, code: "IncompleteSignature", message: bad}
	}
	if a.accessKey != c.accessKey {
		return &sigv4Refusal{status: http.StatusUnauthorized, code: "UnrecognizedClientException",
			message: fmt.Sprintf("the access key %s is not known to this SQL Account: copy the access key of the API user again (Tools > Maintain User > API Secret Key)", maskKey(a.accessKey))}
	}
	if a.region != c.region {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: fmt.Sprintf("the credential scope's region is %q, this SQL Account signs with region %q: set the region", a.region, c.region)}
	}
	if a.service != c.service {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: fmt.Sprintf("the credential scope's service is %q, this SQL Account signs with service %q: set the service", a.service, c.service)}
	}
	if a.terminator != sigv4Terminator {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: fmt.Sprintf("the credential scope ends in %q, not %q", a.terminator, sigv4Terminator)}
	}
	if !slices.Contains(a.signedHeaders, "host") {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: "SignedHeaders must include host"}
	}
	if !slices.Contains(a.signedHeaders, "x-amz-date") {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: "SignedHeaders must include x-amz-date"}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		return &sigv4Refusal{status: http.StatusForbidden, code: "IncompleteSignature",
			message: "the request has no X-Amz-Date header (YYYYMMDD'T'HHMMSS'Z', UTC)"}
	}
	at, err := time.Parse(sigv4DateLayout, amzDate)
	if err != nil {
		return &sigv4Refusal{status: http.StatusForbidden, code: "IncompleteSignature",
			message: fmt.Sprintf("X-Amz-Date %q is not YYYYMMDD'T'HHMMSS'Z' (UTC)", amzDate)}
	}
	if d := at.Sub(c.now); d > sigv4Skew || d < -sigv4Skew {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: fmt.Sprintf("signature expired: X-Amz-Date %s is more than 15 minutes from the server's time %s: check the computer's clock and time zone",
				amzDate, c.now.UTC().Format(sigv4DateLayout))}
	}
	if a.day != amzDate[:8] {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: fmt.Sprintf("the credential scope's date %s is not the date of X-Amz-Date %s", a.day, amzDate)}
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" {
		if !strings.EqualFold(claimed, payloadHash) {
			return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
				message: "X-Amz-Content-Sha256 is not the SHA-256 of the body that arrived"}
		}
		payloadHash = claimed // it is what the client signed
	}
	headers, missing := sigv4CanonicalHeaders(r, a.signedHeaders)
	if missing != "" {
		return &sigv4Refusal{status: http.StatusForbidden, code: "InvalidSignatureException",
			message: fmt.Sprintf("SignedHeaders names %s, which the request does not have", missing)}
	}
	scope := strings.Join([]string{a.day, a.region, a.service, sigv4Terminator}, "/")
	key := sigv4SigningKey(c.secretKey, a.day, a.region, a.service)
	query := sigv4CanonicalQuery(rawQuery)
	// The spec encodes each path segment twice for every service but S3; signers differ on it,
	// so either reading is accepted.
	var first *sigv4Refusal
	for _, uri := range []string{sigv4CanonicalURI(path, false), sigv4CanonicalURI(path, true)} {
		creq := strings.Join([]string{r.Method, uri, query, headers, a.rawSignedHeaderStr, payloadHash}, "\n")
		sts := sigv4StringToSign(amzDate, scope, creq)
		if hmac.Equal([]byte(strings.ToLower(a.signature)), []byte(hex.EncodeToString(hmacSHA256(key, sts)))) {
			return nil
		}
		if first == nil {
			first = &sigv4Refusal{status: http.StatusForbidden, code: "SignatureDoesNotMatch",
				message:          "the request signature does not match the one computed from the secret key: check the secret key (and that the URL, body and headers were not changed after signing)",
				canonicalRequest: creq, stringToSign: sts}
		}
	}
	return first
}

// maskKey shows enough of an access key to recognise it, not all of it.
func maskKey(k string) string {
	if len(k) <= 6 {
		return strconv.Quote(k)
	}
	return strconv.Quote(k[:6] + "…")
}

// sigv4StringToSign is the algorithm, the request time, the credential scope and the hex
// SHA-256 of the canonical request, one per line.
func sigv4StringToSign(amzDate, scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return sigv4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// sigv4SigningKey derives the key: HMAC chain from "AWS4"+secret over the day, region, service
// and the terminator.
func sigv4SigningKey(secret, day, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), day)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, sigv4Terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// sigv4Escape is the spec's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ as %XX, upper-case
// hex (a space is %20, never +); with keepSlash, / stays.
func sigv4Escape(s string, keepSlash bool) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
	}
	return b.String()
}

// sigv4CanonicalURI is the path with each segment URI-encoded (decoded first, so an encoding the
// client chose does not matter); double encodes the encoded form once more.
func sigv4CanonicalURI(escapedPath string, double bool) string {
	if escapedPath == "" {
		return "/"
	}
	segs := strings.Split(escapedPath, "/")
	for i, s := range segs {
		if dec, err := url.PathUnescape(s); err == nil {
			s = dec
		}
		segs[i] = sigv4Escape(s, false)
		if double {
			segs[i] = sigv4Escape(segs[i], false)
		}
	}
	return strings.Join(segs, "/")
}

// sigv4CanonicalQuery is the query's name=value pairs, each side URI-encoded, sorted by name and
// then value, joined by &. A name without a value gets an empty one.
func sigv4CanonicalQuery(rawQuery string) string {
	type pair struct{ k, v string }
	var ps []pair
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		ps = append(ps, pair{sigv4Escape(k, false), sigv4Escape(v, false)})
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].k != ps[j].k {
			return ps[i].k < ps[j].k
		}
		return ps[i].v < ps[j].v
	})
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// sigv4CanonicalHeaders is "name:value\n" for each signed header in the order SignedHeaders
// gives, the values trimmed with inner runs of spaces folded to one, several values joined by
// commas. Go keeps Host and the body's length outside Header, so they are read from the request.
// missing names a signed header the request lacks.
func sigv4CanonicalHeaders(r *http.Request, signed []string) (canon, missing string) {
	var b strings.Builder
	for _, name := range signed {
		var vals []string
		switch name {
		case "host":
			vals = []string{r.Host}
		case "content-length":
			vals = slices.Clone(r.Header.Values("Content-Length"))
			if len(vals) == 0 && r.ContentLength >= 0 {
				vals = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		default:
			vals = slices.Clone(r.Header.Values(name))
		}
		if len(vals) == 0 {
			return "", name
		}
		for i, v := range vals {
			vals[i] = strings.Join(strings.Fields(v), " ")
		}
		b.WriteString(name + ":" + strings.Join(vals, ",") + "\n")
	}
	return b.String(), ""
}
