package lazada

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// envelope is what every LazOP answer shares: "code" ("0" on success), and on failure "type",
// "message" and "request_id" (reference L6). Fulfilment and reverse APIs answer under "result",
// which may carry success=false with error_code and error_msg.
type envelope struct {
	Code      lenient.String  `json:"code"`
	Type      string          `json:"type"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Result    json.RawMessage `json:"result"`
}

type resultStatus struct {
	Success   *lenient.Bool  `json:"success"`
	ErrorCode lenient.String `json:"error_code"`
	ErrorMsg  string         `json:"error_msg"`
}

// retryableCodes are LazOP's throttling and "system busy" codes (reference L4, L6).
var retryableCodes = map[string]bool{
	"ApiCallLimit": true, "OPEN_API_CALL_EXCEED_LIMIT": true, "TRAFFIC_CONTROL": true,
	"6": true, "40011": true,
}

// decodeResponse turns one HTTP answer into success (decoding it into out) or a *market.Error.
// The body is read whatever the HTTP status: LazOP puts its error code in it.
func decodeResponse(op string, status int, body []byte, out any, secrets []string) error {
	retryStatus := status == http.StatusTooManyRequests || status >= 500
	fail := func(code, msg string, retry bool) error {
		return &market.Error{Platform: domain.Lazada, Op: op, Status: status, Code: code,
			Message: market.Redact(msg, secrets...), Retryable: retry}
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		if status/100 == 2 {
			return fail("", "the answer is not valid JSON (malformed body)", true)
		}
		return fail("", http.StatusText(status)+" (the answer is not Lazada JSON)", retryStatus)
	}
	code := string(env.Code)
	if code != "" && code != "0" {
		msg := env.Message
		if env.Type != "" {
			msg = strings.TrimSpace(msg + " (" + env.Type + ")")
		}
		return fail(code, msg, retryStatus || retryableCodes[code])
	}
	if len(env.Result) > 0 && env.Result[0] == '{' {
		var rs resultStatus
		if json.Unmarshal(env.Result, &rs) == nil && rs.Success != nil && !bool(*rs.Success) {
			c := string(rs.ErrorCode)
			return fail(c, rs.ErrorMsg, retryStatus || retryableCodes[c])
		}
	}
	if status/100 != 2 {
		msg := env.Message
		if msg == "" {
			msg = http.StatusText(status)
		}
		return fail("", msg, retryStatus)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fail("", fmt.Sprintf("the answer does not have the documented shape (malformed body): %v", err), true)
		}
	}
	return nil
}
