package market

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBackoffDoublesJittersAndCaps(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 9: 10 * time.Second} {
		for range 50 {
			d := Backoff(time.Second, attempt, 10*time.Second)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %v, want within [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	if Backoff(0, 3, time.Second) != 0 {
		t.Error("a zero base waits")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{"": 0, "7": 7 * time.Second, "-3": 0, "soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second, now.Add(-time.Hour).Format(http.TimeFormat): 0}
	for h, want := range cases {
		if got := RetryAfter(h, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	sign := strings.Repeat("ab12", 16)
	in := `Get "https://api.lazada.com.my/rest/orders/get?access_token=AT123&sign=` + sign + `": dial tcp: refused; ` +
		`body {"access_token":"AT123","refresh_token":"RT456"} code=XYZ app_secret=shh-secret sign ` + sign + ` partner-key-value`
	out := Redact(in, "partner-key-value", "ab")
	for _, secret := range []string{"AT123", "RT456", "XYZ", "shh-secret", sign, "partner-key-value"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q survived: %s", secret, out)
		}
	}
	if !strings.Contains(out, "https://api.lazada.com.my/rest/orders/get?[query removed]") || !strings.Contains(out, "dial tcp: refused") {
		t.Errorf("the useful part was lost: %s", out)
	}
	if Redact("about the label", "ab") != "about the label" {
		t.Error("a short secret blanked ordinary words")
	}
}
