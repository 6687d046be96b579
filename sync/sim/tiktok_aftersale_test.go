package sim

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/kedai-app/kedai/domain"
)

// The wire of TikTok's after-sale APIs, called as the reference writes them (the client's own
// tests, in sync/tiktok, run every flow).

// tiktokUpload posts an image to /product/202309/images/upload, multipart, signed without the
// body (or with it, when signBody).
func (e *env) tiktokUpload(data []byte, useCase string, signBody bool) answer {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if useCase != "" {
		_ = mw.WriteField("use_case", useCase)
	}
	fw, _ := mw.CreateFormFile("data", "evidence.png")
	_, _ = fw.Write(data)
	_ = mw.Close()
	app := e.sim.App(domain.TikTok)
	path := "/product/202309/images/upload"
	q := url.Values{"app_key": {app.Key}, "timestamp": {strconv.FormatInt(e.sim.Clock().Now().Unix(), 10)},
		"shop_cipher": {e.shops[domain.TikTok].Cipher}}
	var signed []byte
	if signBody {
		signed = buf.Bytes()
	}
	q.Set("sign", ttSign(app.Secret, path, q, signed))
	req, _ := http.NewRequest(http.MethodPost, e.base+"/tiktok"+path+"?"+q.Encode(), bytes.NewReader(buf.Bytes()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("x-tts-access-token", e.tok[domain.TikTok])
	return do(e.t, req)
}

func TestTikTokAfterSaleWire(t *testing.T) {
	e := newEnv(t)
	shop := e.shops[domain.TikTok].ID
	e.sim.AddHistory(domain.TikTok, shop, 200)
	var waiting, delivered domain.Order
	for _, o := range e.sim.Orders(domain.TikTok, shop) {
		switch {
		case o.Status == domain.TtAwaitingShipment && !o.CancelRequested && waiting.OrderNo == "":
			waiting = o
		case o.Status == domain.TtDelivered && !o.ReturnRequested && delivered.OrderNo == "":
			if _, had := e.sim.ReturnOf(domain.TikTok, shop, o.OrderNo); !had {
				delivered = o
			}
		}
	}
	must(t, waiting.OrderNo != "" && delivered.OrderNo != "", "no orders to work on")

	// A buyer's cancellation: listed with its type, role, next action and lines; filters apply.
	e.sim.RequestCancel(domain.TikTok, shop, waiting.OrderNo)
	search := func(body map[string]any) answer {
		a := e.tiktok("/return_refund/202309/cancellations/search", map[string]string{"page_size": "50"}, body, true)
		must(t, a.str("code") == "0", "cancellations/search: %s", a.body)
		return a
	}
	a := search(map[string]any{"order_ids": []string{waiting.OrderNo}})
	must(t, len(a.list("data", "cancellations")) == 1, "cancellations: %s", a.body)
	must(t, a.str("data", "cancellations", "0", "cancel_type") == "BUYER_CANCEL" && a.str("data", "cancellations", "0", "role") == "BUYER" &&
		a.str("data", "cancellations", "0", "cancel_status") == domain.TtCancelPending &&
		a.str("data", "cancellations", "0", "seller_next_action_response", "0", "action") == "SELLER_RESPOND_CANCEL" &&
		len(a.list("data", "cancellations", "0", "cancel_line_items")) == len(waiting.Items), "the cancellation: %s", a.body)
	cancelID := a.str("data", "cancellations", "0", "cancel_id")
	must(t, len(search(map[string]any{"order_ids": []string{waiting.OrderNo}, "cancel_types": []string{"CANCEL"}}).list("data", "cancellations")) == 0, "cancel_types")
	must(t, len(search(map[string]any{"cancel_ids": []string{cancelID}, "cancel_status": []string{"CANCELLATION_REQUEST_CANCELLED"}}).list("data", "cancellations")) == 0, "cancel_status")
	d := e.tiktok("/order/202309/orders", map[string]string{"ids": waiting.OrderNo}, nil, true)
	must(t, d.get("data", "orders", "0", "is_buyer_request_cancel") == true, "is_buyer_request_cancel: %s", d.body)

	// Evidence: multipart, the body out of the sign; the size read from the image.
	img := image.NewRGBA(image.Rect(0, 0, 21, 13))
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, img)
	wantTikTokError(t, e.tiktokUpload(pngBuf.Bytes(), "ATTRIBUTE_IMAGE", true), 106001)
	wantTikTokError(t, e.tiktokUpload(pngBuf.Bytes(), "NOT_A_USE", false), 36009001)
	up := e.tiktokUpload(pngBuf.Bytes(), "ATTRIBUTE_IMAGE", false)
	must(t, up.str("code") == "0" && up.str("data", "width") == "21" && up.str("data", "height") == "13" &&
		up.str("data", "uri") != "" && up.str("data", "use_case") == "ATTRIBUTE_IMAGE", "upload: %s", up.body)

	// Rejecting it needs a listed reason; the decision keeps the evidence.
	reasons := e.tiktok("/return_refund/202309/reject_reasons", map[string]string{"return_or_cancel_id": cancelID}, nil, true)
	must(t, len(reasons.list("data", "reasons")) > 0, "reasons: %s", reasons.body)
	reject := "/return_refund/202309/cancellations/" + cancelID + "/reject"
	wantTikTokError(t, e.tiktok(reject, nil, map[string]any{"comment": "x"}, true), 36009001)
	ok := e.tiktok(reject, nil, map[string]any{"reject_reason": reasons.str("data", "reasons", "0", "name"), "comment": "packed",
		"images": []map[string]any{{"image_id": up.str("data", "uri"), "mime_type": "image/png", "width": 21, "height": 13}}}, true)
	must(t, ok.str("code") == "0", "reject: %s", ok.body)
	cv, _ := e.sim.CancelOf(domain.TikTok, shop, waiting.OrderNo)
	must(t, cv.Status == domain.TtCancelCancel && len(cv.Decisions) == 1 && len(cv.Decisions[0].Images) == 1 &&
		cv.Decisions[0].Images[0].Type == "image/png", "after the reject: %+v", cv)
	wantTikTokError(t, e.tiktok("/return_refund/202309/cancellations/"+cancelID+"/approve", nil, map[string]any{}, true), 25011012)

	// A refund only reports its type; the wrong decision for it is refused.
	e.sim.RequestRefund(domain.TikTok, shop, delivered.OrderNo)
	rs := e.tiktok("/return_refund/202309/returns/search", map[string]string{"page_size": "50"},
		map[string]any{"order_ids": []string{delivered.OrderNo}, "return_types": []string{"REFUND"}}, true)
	must(t, len(rs.list("data", "return_orders")) == 1, "returns: %s", rs.body)
	must(t, rs.str("data", "return_orders", "0", "return_status") == domain.TtReturnPending &&
		rs.str("data", "return_orders", "0", "seller_next_action_response", "0", "action") == "SELLER_RESPOND_REFUND", "refund: %s", rs.body)
	returnID := rs.str("data", "return_orders", "0", "return_id")
	approve := "/return_refund/202309/returns/" + returnID + "/approve"
	wantTikTokError(t, e.tiktok(approve, nil, map[string]any{"decision": "APPROVE_RETURN"}, true), 25011012)
	wantTikTokError(t, e.tiktok(approve, nil, map[string]any{"decision": "REJECT_REFUND"}, true), 36009001)
	must(t, e.tiktok(approve, nil, map[string]any{"decision": "APPROVE_REFUND"}, true).str("code") == "0", "approve")
	rv, _ := e.sim.ReturnOf(domain.TikTok, shop, delivered.OrderNo)
	must(t, rv.Status == domain.TtReturnSuccess && len(rv.Decisions) == 1 && rv.Decisions[0].Step == "APPROVE_REFUND", "after approving: %+v", rv)
	o, _ := e.sim.Order(domain.TikTok, shop, delivered.OrderNo)
	must(t, !o.ReturnRequested && o.Tab != domain.TabToReturn, "the order after the refund: %v on %s", o.ReturnRequested, o.Tab.Title())
}
