package shopee

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Sign computes a Shopee v2 sign (reference S1): HMAC-SHA256, keyed with the partner key's UTF-8
// bytes, over partnerID + apiPath + timestamp + accessToken + shopID, in lowercase hex. Public
// APIs (auth_partner, auth/token/get, auth/access_token/get) pass accessToken and shopID empty,
// which leaves partnerID + apiPath + timestamp. apiPath is the documented path (/api/v2/...),
// never a prefix the host is mounted under. The body is not signed.
func Sign(partnerKey string, partnerID int64, apiPath string, timestamp int64, accessToken, shopID string) string {
	mac := hmac.New(sha256.New, []byte(partnerKey))
	mac.Write([]byte(baseString(partnerID, apiPath, timestamp, accessToken, shopID)))
	return hex.EncodeToString(mac.Sum(nil))
}

// baseString is the text a sign is computed over.
func baseString(partnerID int64, apiPath string, timestamp int64, accessToken, shopID string) string {
	return strconv.FormatInt(partnerID, 10) + apiPath + strconv.FormatInt(timestamp, 10) + accessToken + shopID
}
