package tiktok

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/sync/market"
)

func TestRedactText(t *testing.T) {
	in := `Get "https://auth.tiktok-shops.com/api/v2/token/refresh?app_key=29a39d&app_secret=e59af819cc&refresh_token=ROW_r&grant_type=refresh_token": dial tcp: refused; sign=5af1ffe3 x-tts-access-token: ROW_a "access_token":"ROW_b" design: fine`
	got := market.Redact(in, "e59af819cc", "ROW_a", "ROW_b", "ROW_r")
	for _, secret := range []string{"e59af819cc", "ROW_a", "ROW_b", "ROW_r", "5af1ffe3", "app_secret="} {
		if strings.Contains(got, secret) {
			t.Errorf("%q survives in %s", secret, got)
		}
	}
	for _, kept := range []string{"https://auth.tiktok-shops.com/api/v2/token/refresh", "dial tcp: refused", "design: fine"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q lost from %s", kept, got)
		}
	}
}

// secretsIn lists which of the client's secrets appear in s.
func secretsIn(s string, secrets ...string) []string {
	var found []string
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			found = append(found, sec)
		}
	}
	if strings.Contains(s, "sign=") || strings.Contains(s, "app_secret=") {
		found = append(found, "a query string")
	}
	return found
}

// A token call that cannot connect, and a shop call that times out: neither the error nor the
// log may carry the app secret, a token or the sign, though the URL holds them.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	const secret, access, refresh = "s3cr3t-app-secret", "ROW_access_token_1", "ROW_refresh_token_1"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)

	for _, base := range []string{closed, slow.URL} {
		var logs bytes.Buffer
		past := time.Now().Add(-time.Hour) // expired: the first call must refresh
		c, err := New(market.Config{BaseURL: base, AppKey: "29a39d", AppSecret: secret, Cipher: "ROW_cipher",
			Keeper:    storedKeeper(t, base, market.Tokens{Access: access, Refresh: refresh, AccessExpires: past}),
			HTTP:      &http.Client{Timeout: 50 * time.Millisecond},
			Log:       slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			RetryBase: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Pull(context.Background(), time.Now().Add(-time.Hour), time.Now(), func(market.Batch) error { return nil })
		if err == nil {
			t.Fatalf("%s: no error", base)
		}
		var me *market.Error
		if !errors.As(err, &me) || !me.Retryable || me.Op != "GET "+pathTokenRefresh {
			t.Errorf("%s: want a retryable *market.Error from the refresh, got %v", base, err)
		}
		if found := secretsIn(err.Error(), secret, access, refresh); len(found) > 0 {
			t.Errorf("%s: the error shows %v: %s", base, found, err)
		}
		if found := secretsIn(logs.String(), secret, access, refresh); len(found) > 0 {
			t.Errorf("%s: the log shows %v:\n%s", base, found, logs.String())
		}

		// Now with a valid token: the shop call itself fails, and its URL holds the sign.
		logs.Reset()
		c2, _ := New(market.Config{BaseURL: base, AppKey: "29a39d", AppSecret: secret, Cipher: "ROW_cipher",
			Keeper: storedKeeper(t, base, market.Tokens{Access: access, Refresh: refresh, AccessExpires: time.Now().Add(72 * time.Hour)}),
			HTTP:   &http.Client{Timeout: 50 * time.Millisecond}, RetryBase: time.Millisecond,
			Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		err = c2.Pull(context.Background(), time.Now().Add(-time.Hour), time.Now(), func(market.Batch) error { return nil })
		if !errors.As(err, &me) || !me.Retryable || me.Op != "POST "+pathOrderSearch {
			t.Errorf("%s: want a retryable *market.Error from the search, got %v", base, err)
		}
		if found := secretsIn(err.Error()+logs.String(), secret, access, refresh, "ROW_cipher"); len(found) > 0 {
			t.Errorf("%s: error or log shows %v: %s\n%s", base, found, err, logs.String())
		}
	}
}
