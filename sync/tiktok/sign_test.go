package tiktok

import (
	"net/url"
	"testing"
)

// The official vector of T1 [D ✔].
func TestSignOfficialVector(t *testing.T) {
	q := url.Values{"app_key": {"29a39d"}, "timestamp": {"1623812664"}}
	got := sign("e59af819cc", "/authorization/202309/shops", q, nil)
	const want = "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
	if got != want {
		t.Fatalf("sign = %s, want %s", got, want)
	}
}

// The computed body vector of T1: the raw body follows the sorted parameters.
func TestSignBodyVector(t *testing.T) {
	q, err := url.ParseQuery("app_key=29a39d&page_size=20&shop_cipher=ROW_abc&timestamp=1623812664")
	if err != nil {
		t.Fatal(err)
	}
	got := sign("e59af819cc", "/order/202309/orders/search", q, []byte(`{"order_status":"AWAITING_SHIPMENT"}`))
	const want = "5af1ffe32e805082bdfc6fa6944acea3a81f5617bf7a1ee27cc81631fff0a574"
	if got != want {
		t.Fatalf("sign = %s, want %s", got, want)
	}
}

// sign and access_token are never signed; the order the parameters come in does not matter.
func TestSignLeavesOutSignAndAccessToken(t *testing.T) {
	q := url.Values{"timestamp": {"1623812664"}, "app_key": {"29a39d"}, "sign": {"abc"}, "access_token": {"tok"}}
	got := sign("e59af819cc", "/authorization/202309/shops", q, nil)
	if got != "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8" {
		t.Fatalf("sign and access_token changed the signature: %s", got)
	}
}
