package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

// The test client signs its requests itself, straight from the SigV4 specification, sharing no
// code with the simulator's verifier.

type testSigner struct{ key, secret, region, service string }

func (s testSigner) mac(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	io.WriteString(h, msg)
	return h.Sum(nil)
}

// uri encodes each byte of the path but the unreserved ones and the slashes.
func (testSigner) uri(path string) string {
	var b strings.Builder
	for _, c := range []byte(path) {
		if c == '/' || c == '-' || c == '_' || c == '.' || c == '~' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sign adds X-Amz-Date and Authorization (and any headers in extra, signed too).
func (s testSigner) sign(req *http.Request, body []byte, at time.Time) {
	stamp := at.UTC().Format("20060102T150405Z")
	day := stamp[:8]
	req.Header.Set("X-Amz-Date", stamp)
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])

	names := []string{"host"}
	vals := map[string]string{"host": req.URL.Host}
	for k := range req.Header {
		n := strings.ToLower(k)
		if n == "authorization" || n == "user-agent" {
			continue
		}
		names = append(names, n)
		vals[n] = strings.TrimSpace(req.Header.Get(k))
	}
	sort.Strings(names)
	var canon strings.Builder
	for _, n := range names {
		canon.WriteString(n + ":" + vals[n] + "\n")
	}
	signed := strings.Join(names, ";")
	query := strings.ReplaceAll(req.URL.Query().Encode(), "+", "%20")
	creq := req.Method + "\n" + s.uri(req.URL.Path) + "\n" + query + "\n" + canon.String() + "\n" + signed + "\n" + payload
	ch := sha256.Sum256([]byte(creq))
	scope := day + "/" + s.region + "/" + s.service + "/aws4_request"
	sts := "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	k := s.mac([]byte("AWS4"+s.secret), day)
	k = s.mac(k, s.region)
	k = s.mac(k, s.service)
	k = s.mac(k, "aws4_request")
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		s.key, scope, signed, hex.EncodeToString(s.mac(k, sts))))
}

// The AWS documentation's worked example (IAM ListUsers), through the verifier: the signature it
// prints must be accepted, and one digit off refused.
func TestSQLAccSigV4Vector(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("X-Amz-Date", "20150830T123600Z")
	auth := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	req.Header.Set("Authorization", auth)
	req.Host = "iam.amazonaws.com"
	chk := sigv4Check{accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "us-east-1", service: "iam",
		now: time.Date(2015, 8, 30, 12, 40, 0, 0, time.UTC)}
	if ref := verifySigv4(req, "/", req.URL.RawQuery, nil, chk); ref != nil {
		t.Fatalf("the documented example is refused: %s: %s\n%s", ref.code, ref.message, ref.canonicalRequest)
	}
	if got := hex.EncodeToString(sigv4SigningKey(chk.secretKey, "20150830", "us-east-1", "iam")); got != "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9" {
		t.Errorf("signing key %s", got)
	}
	req.Header.Set("Authorization", strings.Replace(auth, "Signature=5d67", "Signature=5d68", 1))
	if ref := verifySigv4(req, "/", req.URL.RawQuery, nil, chk); ref == nil || ref.code != "SignatureDoesNotMatch" {
		t.Fatalf("a changed signature: %+v", ref)
	}
}
