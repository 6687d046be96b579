package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"slices"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Shopee cancellations and returns (reference S5; the issue 8 contract): the seller cancels an
// order (cancel_order), answers a buyer's cancellation (handle_buyer_cancellation), and answers a
// return or refund request (returns/confirm, offer, accept_offer, dispute, with evidence images
// uploaded by returns/convert_image). A return's state is the shared request model (aftersale.go):
// rv.status is the return status, rv.kind its solution, rv.negotiation and rv.offers the
// negotiation, rv.counters the offers the seller may still make.
//
// Error codes the reference does not name are the simulator's own, in Shopee's style:
// returns.return_status_invalid (the return's status does not allow the action),
// returns.offer_amount_invalid, returns.counter_limit_reached, returns.negotiation_status_invalid.

const (
	spCancelLimit      = "order.error_limit"
	spCancelLimitMsg   = "Can not cancel this order"
	spCancelInvalid    = "order.cancel_order_invalid_status"
	spOrderNotFound    = "order.order_not_found"
	spReturnStatus     = "returns.return_status_invalid"
	spOfferAmount      = "returns.offer_amount_invalid"
	spCounterLimit     = "returns.counter_limit_reached"
	spNegotiation      = "returns.negotiation_status_invalid"
	spDisputeMaxImages = 3
	// spSellerDue is how long the seller has to answer a return (due_date, offer_due_date).
	spSellerDue = 72 * time.Hour
)

// shopeeCancelReasons are cancel_order's reasons with the words the order detail then shows
// as cancel_reason.
var shopeeCancelReasons = map[string]string{
	"OUT_OF_STOCK":       "Out of Stock",
	"CUSTOMER_REQUEST":   "Customer Request",
	"UNDELIVERABLE_AREA": "Undeliverable Area",
	"COD_NOT_SUPPORTED":  "COD Not Supported",
}

// spReason is one of get_return_dispute_reason's answers.
type spReason struct {
	id   int64
	text string
}

// shopeeDisputeReasons are get_return_dispute_reason's answers, by the request's kind.
func shopeeDisputeReasons(kind domain.RequestKind) []spReason {
	if kind == domain.ReqRefund {
		return []spReason{
			{201, "The buyer received the item in good condition"},
			{202, "The item matches its description"},
			{203, "The buyer's claim is not true"},
		}
	}
	return []spReason{
		{101, "I did not receive the returned item"},
		{102, "The returned item is not the item I sent"},
		{103, "The returned item is damaged or used"},
		{104, "The item I sent matches its description"},
	}
}

// shopeeRet finds a return of the shop by its return_sn.
func shopeeRet(sh *shopState, sn string) *record {
	if sn == "" {
		return nil
	}
	for _, r := range sh.returns {
		if r.ret != nil && r.ret.id == sn {
			return r
		}
	}
	return nil
}

// shopeeOpenReturn reports a return status that still concerns the seller (the order stays
// TO_RETURN with ReturnRequested set).
func shopeeOpenReturn(status string) bool {
	switch status {
	case domain.SpRetRequested, domain.SpRetProcessing, domain.SpRetJudging, domain.SpRetSellerDispute:
		return true
	}
	return false
}

// shopeeShownReturnStatus is the return status the APIs report. Returns opened or closed
// through PutOrders, RequestReturn and ResolveReturn only move awaiting: a return awaiting the
// seller shows REQUESTED while its status is a finished one, and a REQUESTED one no longer
// awaiting shows ACCEPTED (what the simulator reported before statuses were kept).
func shopeeShownReturnStatus(rv *reverse) string {
	switch {
	case rv.awaiting && !shopeeOpenReturn(rv.status):
		return domain.SpRetRequested
	case !rv.awaiting && rv.status == domain.SpRetRequested:
		return domain.SpRetAccepted
	}
	return rv.status
}

func shopeeNegotiation(rv *reverse) string {
	if rv.negotiation == "" || !shopeeOpenReturn(shopeeShownReturnStatus(rv)) {
		return domain.SpNegTerminated
	}
	return rv.negotiation
}

func shopeeSolutionCode(kind domain.RequestKind) int {
	if kind == domain.ReqRefund {
		return 1
	}
	return 0
}

// shopeeReturnJSON is a return as get_return_list reports it.
func shopeeReturnJSON(o *domain.Order, rv *reverse) map[string]any {
	items := []map[string]any{}
	for _, it := range o.Items {
		if _, ok := rv.lines[it.PlatformItemID]; !ok && it.ReturnStatus == "" {
			continue
		}
		items = append(items, map[string]any{
			"item_id": idNumberOrZero(it.ProductID), "model_id": idNumberOrZero(it.SKUID), "name": it.Name,
			"amount": it.Qty, "item_price": decimal(it.PaidPrice), "is_add_on_deal": false, "is_main_item": false,
			"add_on_deal_id": 0, "item_sku": it.SKU, "variation_sku": it.SKU, "images": []string{it.ImageURL},
		})
	}
	refund := rv.refund
	if refund.Currency == "" {
		refund.Currency = o.Currency
	}
	status := shopeeShownReturnStatus(rv)
	due := int64(0)
	if shopeeOpenReturn(status) {
		due = rv.updated.Add(spSellerDue).Unix()
	}
	return map[string]any{
		"return_sn":                  rv.id,
		"order_sn":                   o.OrderNo,
		"status":                     status,
		"reason":                     rv.reason,
		"text_reason":                rv.comment,
		"image":                      []string{},
		"refund_amount":              decimal(refund),
		"amount_before_discount":     decimal(refund),
		"currency":                   o.Currency,
		"create_time":                rv.created.Unix(),
		"update_time":                rv.updated.Unix(),
		"due_date":                   due,
		"tracking_number":            rv.tracking,
		"needs_logistics":            rv.kind != domain.ReqRefund,
		"user":                       map[string]any{"username": o.Buyer.Username, "email": "", "portrait": ""},
		"item":                       items,
		"return_solution":            shopeeSolutionCode(rv.kind),
		"negotiation_status":         shopeeNegotiation(rv),
		"seller_proof_status":        "PENDING",
		"seller_compensation_status": "PENDING_REQUEST",
		"return_seller_due_date":     due,
		"return_ship_due_date":       0,
	}
}

// shopeeReturnDetailJSON is get_return_detail's answer: the list's fields, the negotiation and
// the offers made so far (offer_history, oldest first).
func shopeeReturnDetailJSON(o *domain.Order, rv *reverse) map[string]any {
	out := shopeeReturnJSON(o, rv)
	neg := map[string]any{"negotiation_status": shopeeNegotiation(rv), "counter_limit": rv.counters,
		"latest_solution": "", "latest_offer_amount": json.Number("0"), "latest_offer_creator": "", "offer_due_date": 0}
	history := []map[string]any{}
	for _, of := range rv.offers {
		history = append(history, map[string]any{"proposer": of.By, "solution": of.Solution, "amount": decimal(of.Amount),
			"create_time": of.At.Unix()})
	}
	if n := len(rv.offers); n > 0 {
		last := rv.offers[n-1]
		neg["latest_solution"], neg["latest_offer_amount"], neg["latest_offer_creator"] = last.Solution, decimal(last.Amount), last.By
	}
	if st := shopeeNegotiation(rv); st == domain.SpNegPendingRespond || st == domain.SpNegPendingBuyerRespond {
		neg["offer_due_date"] = rv.updated.Add(spSellerDue).Unix()
	}
	out["negotiation"] = neg
	out["offer_history"] = history
	out["seller_proof"] = map[string]any{"seller_proof_status": "PENDING", "seller_evidence_deadline": 0}
	out["seller_compensation"] = map[string]any{"seller_compensation_status": "PENDING_REQUEST", "seller_compensation_due_date": 0, "compensation_amount": 0}
	out["logistics_status"] = "LOGISTICS_NOT_START"
	return out
}

// shopeeReturnDetail is GET /api/v2/returns/get_return_detail?return_sn=.
func (s *Sim) shopeeReturnDetail(c *call) reply {
	sn := strings.TrimSpace(c.query.Get("return_sn"))
	if sn == "" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: return_sn is required.")
	}
	r := shopeeRet(c.shop, sn)
	if r == nil {
		return shopeeError(c, "error_not_found", "Return not found: "+sn)
	}
	return shopeeOK(c, shopeeReturnDetailJSON(&r.o, r.ret), nil)
}

// shopeeDisputeReason is GET /api/v2/returns/get_return_dispute_reason?return_sn=.
func (s *Sim) shopeeDisputeReason(c *call) reply {
	sn := strings.TrimSpace(c.query.Get("return_sn"))
	if sn == "" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: return_sn is required.")
	}
	r := shopeeRet(c.shop, sn)
	if r == nil {
		return shopeeError(c, "error_not_found", "Return not found: "+sn)
	}
	list := []map[string]any{}
	for _, rs := range shopeeDisputeReasons(r.ret.kind) {
		list = append(list, map[string]any{"reason_id": rs.id, "reason_text": rs.text})
	}
	return shopeeOK(c, map[string]any{"dispute_reason_list": list}, nil)
}

// spText reads a body field sent as a JSON string or number.
func spText(body map[string]json.RawMessage, k string) string { return rawID(body[k]) }

// shopeeCancelOrder is POST /api/v2/order/cancel_order {order_sn, cancel_reason, item_list}: only
// before shipping (READY_TO_SHIP, PROCESSED, RETRY_SHIP); OUT_OF_STOCK needs the items, whose
// stock goes to 0; UNDELIVERABLE_AREA is for TW and MY shops. The order goes CANCELLED by the
// seller.
func (s *Sim) shopeeCancelOrder(c *call) reply {
	body, fail := shopeeShipBody(c)
	if fail != nil {
		return *fail
	}
	sn, reason := spText(body, "order_sn"), spText(body, "cancel_reason")
	if sn == "" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: order_sn is required.")
	}
	words, ok := shopeeCancelReasons[reason]
	if !ok {
		return shopeeError(c, "error_param", fmt.Sprintf("Wrong parameters, detail: cancel_reason %q is not one of OUT_OF_STOCK, CUSTOMER_REQUEST, UNDELIVERABLE_AREA, COD_NOT_SUPPORTED.", reason))
	}
	r := c.shop.byNo[sn]
	if r == nil {
		return shopeeError(c, spOrderNotFound, "Order not found: "+sn)
	}
	o := &r.o
	switch o.Status {
	case domain.SpReadyToShip, domain.SpInvoicePending, domain.SpProcessed, domain.SpRetryShip:
	default:
		return shopeeError(c, spCancelLimit, spCancelLimitMsg)
	}
	if reason == "UNDELIVERABLE_AREA" && c.shop.Region != "TW" && c.shop.Region != "MY" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: UNDELIVERABLE_AREA is only for shops in TW and MY.")
	}
	var list []struct {
		ItemID  json.RawMessage `json:"item_id"`
		ModelID json.RawMessage `json:"model_id"`
	}
	if present(body, "item_list") {
		if err := json.Unmarshal(body["item_list"], &list); err != nil {
			return shopeeError(c, "error_param", "Wrong parameters, detail: item_list must be a list of {item_id, model_id}.")
		}
	}
	if reason == "OUT_OF_STOCK" && len(list) == 0 {
		return shopeeError(c, "error_param", "Wrong parameters, detail: item_list is required when cancel_reason is OUT_OF_STOCK.")
	}
	var skus []string
	for _, e := range list {
		item, model := rawID(e.ItemID), rawID(e.ModelID)
		if model == "" {
			model = "0"
		}
		k := slices.IndexFunc(o.Items, func(it domain.Item) bool {
			m := it.SKUID
			if m == "" {
				m = "0"
			}
			return it.ProductID == item && m == model
		})
		if k < 0 {
			return shopeeError(c, "error_param", fmt.Sprintf("Wrong parameters, detail: item_id %s model_id %s is not in order %s.", item, model, sn))
		}
		if sku := o.Items[k].SKU; sku != "" && !slices.Contains(skus, sku) {
			skus = append(skus, sku)
		}
	}
	now := s.stamp()
	if reason == "OUT_OF_STOCK" {
		c.shop.zeroed = append(c.shop.zeroed, skus...)
	}
	o.Status, o.CancelledBy, o.CancelReason, o.CancelRequested = domain.SpCancelled, "seller", words, false
	rv := &reverse{id: derivedDigits(reverseIDLen(domain.Shopee), "seller cancel", c.shop.ID, o.OrderNo), created: now, updated: now,
		kind: domain.ReqCancel, status: domain.SpCancelled, reason: reason, refund: o.Total, lines: map[string]string{}}
	for _, it := range o.Items {
		rv.lines[it.PlatformItemID] = rv.status
	}
	rv.decisions = append(rv.decisions, Decision{Step: "cancel_order", Reason: reason, At: now})
	r.cancel = rv
	c.shop.touch(r, now)
	return shopeeOK(c, map[string]any{"update_time": now.Unix()}, nil)
}

// shopeeStatusBeforeCancel is the status an IN_CANCEL order goes back to when the seller refuses
// the buyer's cancellation: PROCESSED once its shipment was arranged, else READY_TO_SHIP. (The
// shared record does not keep the status the order had; a buyer may ask only before shipping.)
func shopeeStatusBeforeCancel(o *domain.Order) string {
	for _, p := range o.Packages {
		switch p.Status {
		case "", "LOGISTICS_NOT_START", "LOGISTICS_READY", "LOGISTICS_PENDING_ARRANGE", "LOGISTICS_REQUEST_CANCELED", "LOGISTICS_INVALID":
		default:
			return domain.SpProcessed
		}
	}
	return domain.SpReadyToShip
}

// shopeeHandleBuyerCancel is POST /api/v2/order/handle_buyer_cancellation {order_sn,
// operation ACCEPT|REJECT}: the order must be IN_CANCEL. ACCEPT cancels it (by the buyer, for the
// buyer's reason); REJECT puts it back where it was.
func (s *Sim) shopeeHandleBuyerCancel(c *call) reply {
	body, fail := shopeeShipBody(c)
	if fail != nil {
		return *fail
	}
	sn, op := spText(body, "order_sn"), strings.ToUpper(spText(body, "operation"))
	if sn == "" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: order_sn is required.")
	}
	if op != "ACCEPT" && op != "REJECT" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: operation must be ACCEPT or REJECT.")
	}
	r := c.shop.byNo[sn]
	if r == nil {
		return shopeeError(c, spOrderNotFound, "Order not found: "+sn)
	}
	o := &r.o
	if o.Status != domain.SpInCancel {
		return shopeeError(c, spCancelInvalid, "The order status is not IN_CANCEL: it is "+o.Status+".")
	}
	now := s.stamp()
	if r.cancel == nil {
		c.shop.openCancel(r, now)
	}
	rv := r.cancel
	o.CancelRequested = false
	if op == "ACCEPT" {
		o.Status, o.CancelledBy, o.CancelReason = domain.SpCancelled, "buyer", rv.reason
	} else {
		o.Status = r.before
		if o.Status == "" || o.Status == domain.SpInCancel {
			o.Status = shopeeStatusBeforeCancel(o)
		}
	}
	rv.setStatus(o.Status)
	rv.awaiting, rv.updated = false, now
	rv.decisions = append(rv.decisions, Decision{Step: op, At: now})
	c.shop.touch(r, now)
	return shopeeOK(c, map[string]any{"update_time": now.Unix()}, nil)
}

// shopeeReturnCall reads a return action's body and finds its return.
func shopeeReturnCall(c *call) (map[string]json.RawMessage, *record, *reply) {
	body, fail := shopeeShipBody(c)
	if fail != nil {
		return nil, nil, fail
	}
	sn := spText(body, "return_sn")
	if sn == "" {
		rep := shopeeError(c, "error_param", "Wrong parameters, detail: return_sn is required.")
		return nil, nil, &rep
	}
	r := shopeeRet(c.shop, sn)
	if r == nil {
		rep := shopeeError(c, "error_not_found", "Return not found: "+sn)
		return nil, nil, &rep
	}
	return body, r, nil
}

// shopeeSettle records the seller's answer and moves the return to status, keeping the order's
// return flag and its items' return status in step. A closed return leaves the order TO_RETURN.
func (s *Sim) shopeeSettle(sh *shopState, r *record, status string, d Decision) {
	now := s.stamp()
	rv := r.ret
	rv.setStatus(status)
	rv.awaiting, rv.updated = false, now
	d.At = now
	rv.decisions = append(rv.decisions, d)
	for i := range r.o.Items {
		if _, ok := rv.lines[r.o.Items[i].PlatformItemID]; ok {
			r.o.Items[i].ReturnStatus = status
		}
	}
	r.o.ReturnRequested = shopeeOpenReturn(status)
	if !r.o.ReturnRequested {
		returnFinished(&r.o)
	}
	sh.touch(r, now)
}

func shopeeReturnReply(c *call, r *record) reply {
	return shopeeOK(c, map[string]any{"return_sn": r.ret.id}, nil)
}

// shopeeNegotiatingCall is shopeeReturnCall for an action on a return still being settled
// (REQUESTED or PROCESSING); what says what the action would do, for the refusal.
func shopeeNegotiatingCall(c *call, what string) (map[string]json.RawMessage, *record, *reply) {
	body, r, fail := shopeeReturnCall(c)
	if fail != nil {
		return nil, nil, fail
	}
	if st := shopeeShownReturnStatus(r.ret); st != domain.SpRetRequested && st != domain.SpRetProcessing {
		refusal := wrongReturnStatus(c, what, r)
		return nil, nil, &refusal
	}
	return body, r, nil
}

func wrongReturnStatus(c *call, action string, r *record) reply {
	return shopeeError(c, spReturnStatus, fmt.Sprintf("The return cannot be %s: its status is %s.", action, shopeeShownReturnStatus(r.ret)))
}

// shopeeReturnConfirm is POST /api/v2/returns/confirm {return_sn}: the seller agrees and the
// buyer is refunded (ACCEPTED).
func (s *Sim) shopeeReturnConfirm(c *call) reply {
	_, r, fail := shopeeNegotiatingCall(c, "confirmed")
	if fail != nil {
		return *fail
	}
	r.ret.negotiation = domain.SpNegTerminated
	s.shopeeSettle(c.shop, r, domain.SpRetAccepted, Decision{Step: "confirm"})
	return shopeeReturnReply(c, r)
}

// shopeeReturnOffer is POST /api/v2/returns/offer {return_sn, proposed_solution,
// proposed_adjusted_refund_amount}: the seller's offer (a new one replaces a pending one), at
// most the refund asked, while offers are left (counter_limit). The buyer answers it next.
func (s *Sim) shopeeReturnOffer(c *call) reply {
	body, r, fail := shopeeNegotiatingCall(c, "negotiated")
	if fail != nil {
		return *fail
	}
	rv := r.ret
	solution := spText(body, "proposed_solution")
	if solution != domain.SpSolutionReturnRefund && solution != domain.SpSolutionRefund {
		return shopeeError(c, "error_param", "Wrong parameters, detail: proposed_solution must be RETURN_REFUND or REFUND.")
	}
	text := spText(body, "proposed_adjusted_refund_amount")
	amount, err := domain.ParseMoney(text, rv.refund.Currency)
	if text == "" || err != nil {
		return shopeeError(c, "error_param", "Wrong parameters, detail: proposed_adjusted_refund_amount must be an amount.")
	}
	if amount.Minor <= 0 || amount.Minor > rv.refund.Minor {
		return shopeeError(c, spOfferAmount, fmt.Sprintf("The offer amount must be more than 0 and at most the refund amount %s.", rv.refund.Decimal()))
	}
	if rv.counters <= 0 {
		return shopeeError(c, spCounterLimit, "You have no offers left on this return.")
	}
	now := s.stamp()
	rv.counters--
	rv.negotiation = domain.SpNegPendingBuyerRespond
	rv.offers = append(rv.offers, domain.Offer{By: "seller", Solution: solution, Amount: amount, At: now})
	s.shopeeSettle(c.shop, r, domain.SpRetProcessing, Decision{Step: "offer", Reason: solution, Amount: text})
	return shopeeReturnReply(c, r)
}

// shopeeReturnAcceptOffer is POST /api/v2/returns/accept_offer {return_sn}: the seller takes the
// buyer's latest offer (the negotiation must await the seller: PENDING_RESPOND), which becomes
// the refund.
func (s *Sim) shopeeReturnAcceptOffer(c *call) reply {
	_, r, fail := shopeeNegotiatingCall(c, "settled by an offer")
	if fail != nil {
		return *fail
	}
	rv := r.ret
	if shopeeNegotiation(rv) != domain.SpNegPendingRespond || len(rv.offers) == 0 || rv.offers[len(rv.offers)-1].By != "buyer" {
		return shopeeError(c, spNegotiation, "There is no offer from the buyer awaiting you: the negotiation is "+shopeeNegotiation(rv)+".")
	}
	last := rv.offers[len(rv.offers)-1]
	rv.negotiation, rv.refund = domain.SpNegTerminated, last.Amount
	s.shopeeSettle(c.shop, r, domain.SpRetAccepted, Decision{Step: "accept_offer", Reason: last.Solution, Amount: last.Amount.Decimal()})
	return shopeeReturnReply(c, r)
}

// shopeeReturnDispute is POST /api/v2/returns/dispute {return_sn, email, dispute_reason_id,
// dispute_text_reason, image_list:[{module_index, requirement, image_url:[...]}]}: only while
// REQUESTED, PROCESSING or ACCEPTED; it needs a reason from get_return_dispute_reason, an email
// and 1..3 images uploaded with convert_image. Shopee then judges it (JUDGING).
func (s *Sim) shopeeReturnDispute(c *call) reply {
	body, r, fail := shopeeReturnCall(c)
	if fail != nil {
		return *fail
	}
	rv := r.ret
	switch shopeeShownReturnStatus(rv) {
	case domain.SpRetRequested, domain.SpRetProcessing, domain.SpRetAccepted:
	default:
		return wrongReturnStatus(c, "disputed", r)
	}
	reason := spText(body, "dispute_reason_id")
	if reason == "" {
		reason = spText(body, "dispute_reason")
	}
	known := false
	for _, rs := range shopeeDisputeReasons(rv.kind) {
		known = known || fmt.Sprint(rs.id) == reason
	}
	if !known {
		return shopeeError(c, "error_param", fmt.Sprintf("Wrong parameters, detail: dispute_reason_id %q is not one of get_return_dispute_reason's.", reason))
	}
	email := spText(body, "email")
	if !strings.Contains(email, "@") {
		return shopeeError(c, "error_param", "Wrong parameters, detail: email is required.")
	}
	var modules []struct {
		ImageURL json.RawMessage `json:"image_url"`
	}
	if present(body, "image_list") {
		if err := json.Unmarshal(body["image_list"], &modules); err != nil {
			return shopeeError(c, "error_param", "Wrong parameters, detail: image_list must be a list of {module_index, requirement, image_url}.")
		}
	}
	var refs []string
	for _, m := range modules {
		refs = append(refs, jsonStrings(m.ImageURL)...)
	}
	switch {
	case len(refs) == 0:
		return shopeeError(c, "error_param", "Wrong parameters, detail: image_list needs at least one image as evidence.")
	case len(refs) > spDisputeMaxImages:
		return shopeeError(c, "error_param", fmt.Sprintf("Wrong parameters, detail: at most %d images.", spDisputeMaxImages))
	}
	images, unknown, ok := c.shop.uploaded(refs)
	if !ok {
		return shopeeError(c, "error_param", "Wrong parameters, detail: image "+unknown+" was not uploaded with convert_image.")
	}
	rv.dispute, rv.negotiation = true, domain.SpNegTerminated
	s.shopeeSettle(c.shop, r, domain.SpRetJudging, Decision{Step: "dispute", Reason: reason,
		Comment: spText(body, "dispute_text_reason"), Images: images})
	return shopeeReturnReply(c, r)
}

// shopeeConvertImage is POST /api/v2/returns/convert_image, multipart/form-data with the image in
// the file field upload_image (image is taken too): a JPEG or PNG, kept as an upload; its URL
// comes back in response.url.
func (s *Sim) shopeeConvertImage(c *call) reply {
	ct, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: send the image as multipart/form-data.")
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	var name string
	var data []byte
	found := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return shopeeError(c, "error_param", "Wrong parameters, detail: the multipart body cannot be read.")
		}
		field := part.FormName()
		if (field == "upload_image" || field == "image") && !found {
			b, err := io.ReadAll(io.LimitReader(part, maxBody))
			if err != nil {
				return shopeeError(c, "error_param", "Wrong parameters, detail: the image cannot be read.")
			}
			name, data, found = part.FileName(), b, true
		}
		_ = part.Close()
	}
	switch {
	case !found:
		return shopeeError(c, "error_param", "Wrong parameters, detail: upload_image is required.")
	case len(data) == 0:
		return shopeeError(c, "error_param", "Wrong parameters, detail: the image is empty.")
	}
	jpeg := len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF
	png := len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n"
	if !jpeg && !png {
		return shopeeError(c, "error_param", "Wrong parameters, detail: the image must be a JPG or PNG.")
	}
	u := c.shop.upload(name, data)
	return shopeeOK(c, map[string]any{"url": u.Ref}, nil)
}

// shopeeReturnMatches is get_return_list's filter on status and negotiation_status.
func shopeeReturnMatches(rv *reverse, status, negotiation string) bool {
	return (status == "" || shopeeShownReturnStatus(rv) == status) && (negotiation == "" || shopeeNegotiation(rv) == negotiation)
}
