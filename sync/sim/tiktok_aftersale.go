package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // image.DecodeConfig reads the uploaded evidence
	_ "image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// TikTok Shop cancellations and returns (reference T5; the contract of issue 8 names the call of
// each step). The requests themselves (r.cancel, r.ret) start in aftersale.go; here the seller
// answers them:
//
//   - POST /return_refund/202309/cancellations: the seller cancels an ON_HOLD, AWAITING_SHIPMENT or
//     AWAITING_COLLECTION order (or some of its lines) with a reason valid for its status
//     (domain.TikTokCancelReasons). The order goes CANCELLED, cancellation_initiator SELLER, and
//     gets a cancellation record of its own (role SELLER, cancel_type CANCEL,
//     CANCELLATION_REQUEST_COMPLETE).
//   - cancellations/{cancel_id}/approve and /reject answer a buyer's pending request: approve
//     cancels the order (BUYER) and completes the request; reject needs a reject_reason from
//     reject_reasons, and ends the request (CANCELLATION_REQUEST_CANCEL, is_buyer_request_cancel
//     false).
//   - returns/{return_id}/approve and /reject take the decision the request's type and status
//     allow: APPROVE_REFUND / REJECT_REFUND on a pending REFUND, APPROVE_RETURN / REJECT_RETURN on a
//     pending RETURN_AND_REFUND, APPROVE_RECEIVED_PACKAGE / REJECT_RECEIVED_PACKAGE (with images)
//     once the buyer shipped the parcel.
//   - POST /product/202309/images/upload takes the evidence (multipart, file field data); its uri
//     is the image_id a reject's images name.
//
// Every answer taken is recorded as a Decision on its request (Step: CANCEL for the seller's own
// cancellation, APPROVE or REJECT on a cancellation, the decision on a return).
//
// Readings of what the reference leaves open: an unknown cancel_id, return_id or image_id, a
// missing reject_reason or decision, and a missing image for REJECT_RECEIVED_PACKAGE get 36009001
// (ours, as elsewhere for a bad parameter); an unknown order_id 25007006; a request whose status
// (or type) does not allow the answer 25011012; a seller cancel while the buyer's own request
// awaits an answer 25001003 (answer the request instead).

const (
	codeTtInvalidStatus    = 25001003 // the order's status does not allow it
	codeTtReasonMismatch   = 25001021 // "Reason not match order status"
	codeTtOrderNotFound    = 25007006
	codeTtCannotApprove    = 25011012 // the request's status does not allow the decision
	codeTtAlreadyCancelled = 25020009

	tiktokMaxCancels    = 50
	tiktokMaxImage      = 5 << 20
	tiktokRespondWithin = 48 * time.Hour // T5: the seller answers within 48 h

	ttSellerCancelStep = "CANCEL" // the Decision of the seller's own cancellation
)

// ttReturnStatus is the return's status as returns/search reports it. store.go may leave a stale
// status behind when it changes only whether the request awaits the seller (PutOrders clearing
// ReturnRequested; RequestReturn on an order whose earlier return was closed): the status follows.
func ttReturnStatus(rv *reverse) string {
	open := domain.AfterSaleOpen(domain.TikTok, &domain.AfterSale{Kind: rv.kind, Status: rv.status})
	switch {
	case rv.awaiting && (!open || rv.status == ""):
		return domain.TtReturnPending
	case !rv.awaiting && (rv.status == domain.TtReturnPending || rv.status == ""):
		return domain.TtReturnComplete
	}
	return rv.status
}

// ttCancelStatus is the cancellation's status, following whether it awaits the seller as
// ttReturnStatus does (a pending request the buyer withdrew is CANCELLATION_REQUEST_CANCEL).
func ttCancelStatus(rv *reverse) string {
	pending := rv.status == domain.TtCancelPending || rv.status == ""
	switch {
	case rv.awaiting && ttCancelRole(rv) == "BUYER":
		return domain.TtCancelPending
	case !rv.awaiting && pending:
		return domain.TtCancelCancel
	}
	return rv.status
}

// ttCancelRole is who asked: SELLER for the seller's own cancellation, else BUYER.
func ttCancelRole(rv *reverse) string {
	if len(rv.decisions) > 0 && rv.decisions[0].Step == ttSellerCancelStep {
		return "SELLER"
	}
	return "BUYER"
}

// ttReturnType is return_type: REFUND for a refund only, else RETURN_AND_REFUND.
func ttReturnType(rv *reverse) string {
	if rv.kind == domain.ReqRefund {
		return "REFUND"
	}
	return "RETURN_AND_REFUND"
}

// tiktokCancelReason finds a seller cancel reason valid for the order's status.
func tiktokCancelReason(status, name string) (domain.Reason, bool) {
	for _, r := range domain.TikTokCancelReasons(status) {
		if r.ID == name {
			return r, true
		}
	}
	return domain.Reason{}, false
}

// ttCancelReasonText is the words of a cancel reason: a seller reason's text, or the buyer's own.
func ttCancelReasonText(reason string) string {
	for _, st := range []string{domain.TtUnpaid, domain.TtAwaitingShipment} {
		if r, ok := tiktokCancelReason(st, reason); ok {
			return r.Text
		}
	}
	return reason
}

// ttSlug makes a reason code of words: "Change of mind" -> "change_of_mind".
func ttSlug(s string) string {
	var b strings.Builder
	under := false
	for _, c := range strings.ToLower(strings.TrimSpace(s)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// ttReturnReasons are the words of the buyer's return reasons (buyerReturnReasons).
var ttReturnReasons = map[string]string{
	"ITEM_DAMAGED":          "Damaged item",
	"WRONG_ITEM":            "Wrong item received",
	"DIFFERENT_DESCRIPTION": "Item doesn't match the description",
	"ITEM_MISSING":          "Missing items",
	"CHANGE_MIND":           "No longer needed",
}

// ttRejectReason is one of reject_reasons' entries.
type ttRejectReason struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// ttRejectReasons are the reasons TikTok takes for refusing the request now: none once it no
// longer awaits the seller. The cancellation ones are the reference's; the rest are ours.
func ttRejectReasons(kind domain.RequestKind, status string) []ttRejectReason {
	switch {
	case kind == domain.ReqCancel && status == domain.TtCancelPending:
		return []ttRejectReason{
			{"seller_reject_apply_product_has_been_packed", "The product has been packed"},
			{"order_manage_list_action_respond_popup_reject_reason_delivered", "The order has been shipped"},
			{"seller_reject_apply_buyer_agreed_to_keep_order", "The buyer agreed to keep the order"},
		}
	case kind == domain.ReqRefund && status == domain.TtReturnPending:
		return []ttRejectReason{
			{"seller_reject_refund_reason_item_as_described", "The item was delivered as described"},
			{"seller_reject_refund_reason_buyer_received_complete", "The buyer received every item"},
			{"seller_reject_refund_reason_beyond_refund_window", "The refund window has passed"},
		}
	case kind == domain.ReqReturn && status == domain.TtReturnPending:
		return []ttRejectReason{
			{"seller_reject_return_reason_not_eligible", "The item is not eligible for return"},
			{"seller_reject_return_reason_used_by_buyer", "The buyer used or damaged the item"},
			{"seller_reject_return_reason_beyond_return_window", "The return window has passed"},
		}
	case kind != domain.ReqCancel && status == domain.TtBuyerShipped:
		return []ttRejectReason{
			{"seller_reject_receive_reason_package_not_received", "The package was not received"},
			{"seller_reject_receive_reason_wrong_item_returned", "A different item was returned"},
			{"seller_reject_receive_reason_item_damaged", "The returned item is damaged"},
			{"seller_reject_receive_reason_item_missing", "Items are missing from the package"},
		}
	}
	return []ttRejectReason{}
}

func ttFindCancel(sh *shopState, id string) *record {
	for _, r := range sh.cancels {
		if r.cancel != nil && r.cancel.id == id {
			return r
		}
	}
	return nil
}

func ttFindReturn(sh *shopState, id string) *record {
	for _, r := range sh.returns {
		if r.ret != nil && r.ret.id == id {
			return r
		}
	}
	return nil
}

func ttBadParam(c *call, format string, args ...any) reply {
	return tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf(format, args...))
}

// ttCancelLines cancels the order's live lines in ids (every live line when ids is empty), by who
// and why. A package left with no live line is cancelled; a line cancelled out of a package that
// keeps live lines leaves it. With no live line left the order is CANCELLED. It returns the
// refund: the cancelled lines' sale prices, or the order's total when it was cancelled whole.
func ttCancelLines(o *domain.Order, ids map[string]bool, by, why string) domain.Money {
	refund := domain.Money{Currency: o.Currency}
	for i := range o.Items {
		it := &o.Items[i]
		if it.Cancelled || it.Status == "CANCELLED" || len(ids) > 0 && !ids[it.PlatformItemID] {
			continue
		}
		it.Cancelled, it.Status, it.CancelReason, it.CancelledBy = true, "CANCELLED", why, by
		refund = refund.Add(it.PaidPrice)
	}
	liveIn := map[string]bool{}
	live := false
	for _, it := range o.Items {
		if !it.Cancelled {
			live = true
			liveIn[it.PackageID] = true
		}
	}
	for k := range o.Packages {
		if !liveIn[o.Packages[k].ID] {
			o.Packages[k].Status = "CANCELLED"
		}
	}
	for i := range o.Items {
		if it := &o.Items[i]; it.Cancelled && it.PackageID != "" && liveIn[it.PackageID] {
			it.PackageID = ""
		}
	}
	if !live {
		o.Status, o.CancelledBy, o.CancelReason = domain.TtCancelled, by, why
		o.CancelRequested = false
		return o.Total
	}
	return refund
}

// tiktokImageRefs reads a body's images: [{image_id, mime_type, width, height}] (a bare id string
// is taken too).
func tiktokImageRefs(raw json.RawMessage) ([]string, bool) {
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return nil, true
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil, false
	}
	var out []string
	for _, el := range list {
		var obj map[string]json.RawMessage
		id := ""
		if json.Unmarshal(el, &obj) == nil {
			id = rawID(obj["image_id"])
		} else {
			id = rawID(el)
		}
		if id == "" {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

// ttRejectBody is what both rejects carry: reject_reason, comment, images.
type ttRejectBody struct {
	reason, comment string
	images          []Upload
}

// readReject checks a reject's reason (one of reasons) and images (uploaded by the shop).
func readReject(c *call, body map[string]json.RawMessage, reasons []ttRejectReason) (ttRejectBody, *reply) {
	var rb ttRejectBody
	_ = json.Unmarshal(body["reject_reason"], &rb.reason)
	_ = json.Unmarshal(body["comment"], &rb.comment)
	rb.reason = strings.TrimSpace(rb.reason)
	fail := func(format string, args ...any) (ttRejectBody, *reply) {
		r := ttBadParam(c, format, args...)
		return rb, &r
	}
	if rb.reason == "" {
		return fail("reject_reason is required.")
	}
	if !slices.ContainsFunc(reasons, func(r ttRejectReason) bool { return r.Name == rb.reason }) {
		return fail("Invalid reject_reason %q: use one of the request's reject_reasons.", rb.reason)
	}
	refs, ok := tiktokImageRefs(body["images"])
	if !ok {
		return fail("Invalid images: give [{image_id, mime_type, width, height}], each image_id the uri of an uploaded image.")
	}
	ups, unknown, ok := c.shop.uploaded(refs)
	if !ok {
		return fail("Invalid images: image_id %q was not uploaded by this shop.", unknown)
	}
	rb.images = ups
	return rb, nil
}

// tiktokSellerCancel is POST /return_refund/202309/cancellations {order_id, cancel_reason,
// order_line_item_ids?} -> data{cancel_id, cancel_status}.
func (s *Sim) tiktokSellerCancel(c *call) reply {
	body, ok := tiktokBody(c)
	if !ok {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
	}
	sh := c.shop
	orderID := rawID(body["order_id"])
	var reason string
	_ = json.Unmarshal(body["cancel_reason"], &reason)
	reason = strings.TrimSpace(reason)
	if orderID == "" {
		return ttBadParam(c, "order_id is required.")
	}
	r := sh.byPID[orderID]
	if r == nil {
		return tiktokError(c, http.StatusOK, codeTtOrderNotFound, "Order not found.")
	}
	o := &r.o
	if reason == "" {
		return ttBadParam(c, "cancel_reason is required.")
	}
	switch o.Status {
	case domain.TtCancelled:
		return tiktokError(c, http.StatusOK, codeTtAlreadyCancelled, "The order has already been cancelled.")
	case domain.TtOnHold, domain.TtAwaitingShipment, domain.TtAwaitingCollection:
	default:
		return tiktokError(c, http.StatusOK, codeTtInvalidStatus, fmt.Sprintf("Invalid order status: a %s order cannot be cancelled by the seller.", o.Status))
	}
	if o.CancelRequested {
		return tiktokError(c, http.StatusOK, codeTtInvalidStatus, "Invalid order status: the buyer has asked to cancel this order; approve or reject the cancellation request.")
	}
	why, ok := tiktokCancelReason(o.Status, reason)
	if !ok {
		return tiktokError(c, http.StatusOK, codeTtReasonMismatch, "Reason not match order status.")
	}
	ids := map[string]bool{}
	for _, id := range jsonStrings(body["order_line_item_ids"]) {
		k := slices.IndexFunc(o.Items, func(it domain.Item) bool { return it.PlatformItemID == id })
		switch {
		case k < 0:
			return ttBadParam(c, "Invalid order_line_item_ids: the order has no line item %q.", id)
		case o.Items[k].Cancelled || o.Items[k].Status == "CANCELLED":
			return tiktokError(c, http.StatusOK, codeTtAlreadyCancelled, fmt.Sprintf("Line item %s has already been cancelled.", id))
		}
		ids[id] = true
	}
	now := s.stamp()
	lines := map[string]string{}
	for _, it := range o.Items {
		if !it.Cancelled && it.Status != "CANCELLED" && (len(ids) == 0 || ids[it.PlatformItemID]) {
			lines[it.PlatformItemID] = domain.TtCancelComplete
		}
	}
	refund := ttCancelLines(o, ids, "seller", why.Text)
	rv := &reverse{id: derivedDigits(reverseIDLen(domain.TikTok), "seller cancel", sh.ID, o.OrderNo, strconv.Itoa(len(sh.cancels))),
		created: now, updated: now, kind: domain.ReqCancel, status: domain.TtCancelComplete, reason: reason, refund: refund,
		lines: lines, decisions: []Decision{{Step: ttSellerCancelStep, Reason: reason, At: now}}}
	if r.cancel == nil {
		sh.cancels = append(sh.cancels, r)
	}
	r.cancel = rv
	sh.touch(r, now)
	return tiktokOK(c, map[string]any{"cancel_id": rv.id, "cancel_status": rv.status})
}

// tiktokCancelTarget finds the buyer's cancellation the path names, awaiting the seller.
func tiktokCancelTarget(c *call, verb string) (*record, *reply) {
	r := ttFindCancel(c.shop, c.pathID)
	if r == nil {
		rep := ttBadParam(c, "Invalid cancel_id: cancellation %q not found.", c.pathID)
		return nil, &rep
	}
	if st := ttCancelStatus(r.cancel); st != domain.TtCancelPending || ttCancelRole(r.cancel) != "BUYER" {
		rep := tiktokError(c, http.StatusOK, codeTtCannotApprove, fmt.Sprintf("The cancellation is %s: it cannot be %s.", st, verb))
		return nil, &rep
	}
	return r, nil
}

// tiktokCancelApprove is POST /return_refund/202309/cancellations/{cancel_id}/approve {}: the order
// is cancelled by the buyer.
func (s *Sim) tiktokCancelApprove(c *call) reply {
	if _, ok := tiktokBody(c); !ok {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
	}
	r, fail := tiktokCancelTarget(c, "approved")
	if fail != nil {
		return *fail
	}
	now := s.stamp()
	rv := r.cancel
	ids := map[string]bool{}
	for id := range rv.lines {
		ids[id] = true
	}
	if len(ids) == 0 {
		ids = nil
	}
	ttCancelLines(&r.o, ids, "buyer", rv.reason)
	r.o.CancelRequested = false
	rv.setStatus(domain.TtCancelComplete)
	rv.awaiting, rv.updated = false, now
	rv.decisions = append(rv.decisions, Decision{Step: "APPROVE", At: now})
	c.shop.touch(r, now)
	return tiktokOK(c, map[string]any{})
}

// tiktokCancelReject is POST /return_refund/202309/cancellations/{cancel_id}/reject
// {reject_reason, comment, images}: the request ends and the order goes on.
func (s *Sim) tiktokCancelReject(c *call) reply {
	body, ok := tiktokBody(c)
	if !ok {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
	}
	r, fail := tiktokCancelTarget(c, "rejected")
	if fail != nil {
		return *fail
	}
	rb, fail := readReject(c, body, ttRejectReasons(domain.ReqCancel, domain.TtCancelPending))
	if fail != nil {
		return *fail
	}
	now := s.stamp()
	rv := r.cancel
	r.o.CancelRequested = false
	rv.setStatus(domain.TtCancelCancel)
	rv.awaiting, rv.updated = false, now
	rv.decisions = append(rv.decisions, Decision{Step: "REJECT", Reason: rb.reason, Comment: rb.comment, Images: rb.images, At: now})
	c.shop.touch(r, now)
	return tiktokOK(c, map[string]any{})
}

// ttReturnMove is where a decision takes a return from its status, for its type; ok=false when
// the decision is not one the request can take now.
func ttReturnMove(rv *reverse, decision string) (to string, ok bool) {
	st := ttReturnStatus(rv)
	pending := st == domain.TtReturnPending
	refund := rv.kind == domain.ReqRefund
	switch decision {
	case "APPROVE_REFUND":
		return domain.TtReturnSuccess, pending && refund
	case "APPROVE_RETURN":
		return domain.TtAwaitingShip, pending && !refund
	case "APPROVE_RECEIVED_PACKAGE":
		return domain.TtReturnSuccess, st == domain.TtBuyerShipped
	case "REJECT_REFUND":
		return domain.TtReturnReject, pending && refund
	case "REJECT_RETURN":
		return domain.TtReturnReject, pending && !refund
	case "REJECT_RECEIVED_PACKAGE":
		return domain.TtRejectReceive, st == domain.TtBuyerShipped
	}
	return "", false
}

var (
	ttApproveDecisions = []string{"APPROVE_REFUND", "APPROVE_RETURN", "APPROVE_RECEIVED_PACKAGE", "APPROVE_REPLACEMENT", "ISSUE_REPLACEMENT_REFUND", "OFFER_PARTIAL_REFUND"}
	ttRejectDecisions  = []string{"REJECT_REFUND", "REJECT_RETURN", "REJECT_RECEIVED_PACKAGE", "REJECT_REPLACEMENT"}
)

// tiktokReturnTarget reads a return answer's decision and finds where it takes the return.
func tiktokReturnTarget(c *call, body map[string]json.RawMessage, decisions []string) (r *record, decision, to string, fail *reply) {
	_ = json.Unmarshal(body["decision"], &decision)
	decision = strings.ToUpper(strings.TrimSpace(decision))
	bad := func(rep reply) (*record, string, string, *reply) { return nil, decision, "", &rep }
	if r = ttFindReturn(c.shop, c.pathID); r == nil {
		return bad(ttBadParam(c, "Invalid return_id: return %q not found.", c.pathID))
	}
	if decision == "" {
		return bad(ttBadParam(c, "decision is required."))
	}
	if !slices.Contains(decisions, decision) {
		return bad(ttBadParam(c, "Invalid decision %q: use one of %s.", decision, strings.Join(decisions, ", ")))
	}
	to, ok := ttReturnMove(r.ret, decision)
	if !ok {
		return bad(tiktokError(c, http.StatusOK, codeTtCannotApprove, fmt.Sprintf("The %s request is %s: %s is not possible now.",
			ttReturnType(r.ret), ttReturnStatus(r.ret), decision)))
	}
	return r, decision, to, nil
}

// tiktokAnswerReturn takes the return to status with the seller's decision: it awaits the seller
// again only when the buyer's parcel is back; the order stays on To Return while the request is
// open.
func (sh *shopState) tiktokAnswerReturn(r *record, status string, d Decision) {
	rv := r.ret
	rv.setStatus(status)
	rv.awaiting = status == domain.TtReturnPending || status == domain.TtBuyerShipped
	rv.updated = d.At
	rv.decisions = append(rv.decisions, d)
	for i := range r.o.Items {
		if _, ok := rv.lines[r.o.Items[i].PlatformItemID]; ok {
			r.o.Items[i].ReturnStatus = status
		}
	}
	r.o.ReturnRequested = domain.AfterSaleOpen(domain.TikTok, &domain.AfterSale{Kind: rv.kind, Status: status})
	sh.touch(r, d.At)
}

// tiktokReturnApprove is POST /return_refund/202309/returns/{return_id}/approve {decision}.
func (s *Sim) tiktokReturnApprove(c *call) reply {
	body, ok := tiktokBody(c)
	if !ok {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
	}
	r, decision, to, fail := tiktokReturnTarget(c, body, ttApproveDecisions)
	if fail != nil {
		return *fail
	}
	c.shop.tiktokAnswerReturn(r, to, Decision{Step: decision, At: s.stamp()})
	return tiktokOK(c, map[string]any{})
}

// tiktokReturnReject is POST /return_refund/202309/returns/{return_id}/reject {decision,
// reject_reason, comment, images}; REJECT_RECEIVED_PACKAGE needs at least one image.
func (s *Sim) tiktokReturnReject(c *call) reply {
	body, ok := tiktokBody(c)
	if !ok {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
	}
	r, decision, to, fail := tiktokReturnTarget(c, body, ttRejectDecisions)
	if fail != nil {
		return *fail
	}
	rb, fail := readReject(c, body, ttRejectReasons(r.ret.kind, ttReturnStatus(r.ret)))
	if fail != nil {
		return *fail
	}
	if decision == "REJECT_RECEIVED_PACKAGE" && len(rb.images) == 0 {
		return ttBadParam(c, "images are required to reject a received package: upload the evidence first.")
	}
	c.shop.tiktokAnswerReturn(r, to, Decision{Step: decision, Reason: rb.reason, Comment: rb.comment, Images: rb.images, At: s.stamp()})
	return tiktokOK(c, map[string]any{})
}

// tiktokRejectReasons is GET /return_refund/202309/reject_reasons?return_or_cancel_id= ->
// data.reasons[{name, text}].
func (s *Sim) tiktokRejectReasons(c *call) reply {
	id := strings.TrimSpace(c.query.Get("return_or_cancel_id"))
	if id == "" {
		return ttBadParam(c, "return_or_cancel_id is required.")
	}
	var reasons []ttRejectReason
	if r := ttFindCancel(c.shop, id); r != nil {
		status := ttCancelStatus(r.cancel)
		if ttCancelRole(r.cancel) != "BUYER" {
			status = ""
		}
		reasons = ttRejectReasons(domain.ReqCancel, status)
	} else if r := ttFindReturn(c.shop, id); r != nil {
		reasons = ttRejectReasons(r.ret.kind, ttReturnStatus(r.ret))
	} else {
		return ttBadParam(c, "Invalid return_or_cancel_id: %q is neither a return nor a cancellation of this shop.", id)
	}
	return tiktokOK(c, map[string]any{"reasons": reasons})
}

var ttUseCases = []string{"MAIN_IMAGE", "ATTRIBUTE_IMAGE", "DESCRIPTION_IMAGE", "CERTIFICATION_IMAGE", "SIZE_CHART_IMAGE"}

// tiktokImageUpload is POST /product/202309/images/upload, multipart/form-data with the file in
// data and use_case (MAIN_IMAGE when absent) -> data{uri, url, width, height, use_case}. JPEG and
// PNG up to 5 MB are taken; the uri is what a reject's images name as image_id.
func (s *Sim) tiktokImageUpload(c *call) reply {
	ct, params, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return ttBadParam(c, "The image must be sent as multipart/form-data, in the field data.")
	}
	form, err := multipart.NewReader(bytes.NewReader(c.body), params["boundary"]).ReadForm(maxBody)
	if err != nil {
		return ttBadParam(c, "The multipart body could not be read: %v.", err)
	}
	defer func() { _ = form.RemoveAll() }()
	useCase := "MAIN_IMAGE"
	if v := form.Value["use_case"]; len(v) > 0 && strings.TrimSpace(v[0]) != "" {
		useCase = strings.TrimSpace(v[0])
	}
	if !slices.Contains(ttUseCases, useCase) {
		return ttBadParam(c, "Invalid use_case %q: use one of %s.", useCase, strings.Join(ttUseCases, ", "))
	}
	files := form.File["data"]
	if len(files) == 0 {
		return ttBadParam(c, "data is required: the image file.")
	}
	f, err := files[0].Open()
	if err != nil {
		return ttBadParam(c, "The image could not be read: %v.", err)
	}
	data, err := io.ReadAll(f)
	_ = f.Close()
	switch {
	case err != nil:
		return ttBadParam(c, "The image could not be read: %v.", err)
	case len(data) == 0:
		return ttBadParam(c, "The image is empty.")
	case len(data) > tiktokMaxImage:
		return ttBadParam(c, "The image is %d bytes: at most 5 MB is taken.", len(data))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") {
		return ttBadParam(c, "The file is not a JPEG or PNG image.")
	}
	u := c.shop.upload(files[0].Filename, data)
	return tiktokOK(c, map[string]any{
		"uri":      u.Ref,
		"url":      "https://p16-oec-sg.ibyteimg.com/" + u.Ref + "~tplv-o3syd03w52-origin-" + format + "." + format,
		"width":    cfg.Width,
		"height":   cfg.Height,
		"use_case": useCase,
	})
}

// ttHit is one request listed by a search, keyed by its sort time and its order's sequence.
type ttHit struct {
	r   *record
	rv  *reverse
	key ikey
}

// ttListPage sorts the hits, pages them (keyset, like the order search) and renders the page
// under name.
func ttListPage(c *call, lr tiktokListRequest, hits []ttHit, name string, render func(ttHit) map[string]any) reply {
	slices.SortFunc(hits, func(a, b ttHit) int {
		if lr.desc {
			return cmpKey(b.key, a.key)
		}
		return cmpKey(a.key, b.key)
	})
	total := len(hits)
	if tok := c.query.Get("page_token"); tok != "" {
		pt, ok := parsePageToken(tok)
		if !ok || pt.byUpdate != lr.byUpdate || pt.desc != lr.desc {
			return ttBadParam(c, "Invalid page_token (it must come from the same sort_field and sort_order).")
		}
		i := sort.Search(len(hits), func(i int) bool {
			if lr.desc {
				return cmpKey(hits[i].key, pt.key) < 0
			}
			return cmpKey(hits[i].key, pt.key) > 0
		})
		hits = hits[i:]
	}
	n := min(lr.size, len(hits))
	list := make([]map[string]any, 0, n)
	for _, h := range hits[:n] {
		list = append(list, render(h))
	}
	next := ""
	if n < len(hits) && n > 0 {
		next = pageToken{lr.byUpdate, lr.desc, hits[n-1].key}.String()
	}
	return tiktokOK(c, map[string]any{name: list, "total_count": total, "next_page_token": next})
}

// hit keys a request by the list's sort field.
func (lr tiktokListRequest) hit(r *record, rv *reverse) (ttHit, bool) {
	if !lr.created.contains(rv.created.Unix()) || !lr.updated.contains(rv.updated.Unix()) {
		return ttHit{}, false
	}
	t := rv.created.Unix()
	if lr.byUpdate {
		t = rv.updated.Unix()
	}
	return ttHit{r, rv, ikey{t, r.seq}}, true
}

// tiktokReturns is POST /return_refund/202309/returns/search. The reference gives page_size as
// 10..50; 1..50 is accepted (default 10), keyset-paged like the order search, newest first unless
// sort_order says otherwise.
func (s *Sim) tiktokReturns(c *call) reply {
	lr, fail := tiktokList(c, tiktokMaxReturns, 10, "DESC")
	if fail != nil {
		return *fail
	}
	returnIDs := jsonStrings(lr.body["return_ids"])
	orderIDs := jsonStrings(lr.body["order_ids"])
	statuses := jsonStrings(lr.body["return_status"])
	types := jsonStrings(lr.body["return_types"])
	var hits []ttHit
	for _, r := range c.shop.returns {
		rv := r.ret
		if len(returnIDs) > 0 && !slices.Contains(returnIDs, rv.id) ||
			len(orderIDs) > 0 && !slices.Contains(orderIDs, r.o.OrderNo) ||
			len(statuses) > 0 && !slices.Contains(statuses, ttReturnStatus(rv)) ||
			len(types) > 0 && !slices.Contains(types, ttReturnType(rv)) {
			continue
		}
		if h, ok := lr.hit(r, rv); ok {
			hits = append(hits, h)
		}
	}
	return ttListPage(c, lr, hits, "return_orders", func(h ttHit) map[string]any { return tiktokReturnJSON(&h.r.o, h.rv) })
}

// ttMoney is a refund_amount object; amounts are strings.
func ttMoney(currency string, total, subtotal domain.Money) map[string]string {
	shipping := domain.Money{Currency: currency, Minor: max(0, total.Minor-subtotal.Minor)}
	zero := domain.Money{Currency: currency}
	return map[string]string{"currency": currency, "refund_total": total.Decimal(), "refund_subtotal": subtotal.Decimal(),
		"refund_shipping_fee": shipping.Decimal(), "refund_tax": zero.Decimal()}
}

// ttRequestLines are the order's items the request concerns, in the order's order (the items
// marked with a return status when the request names none).
func ttRequestLines(o *domain.Order, rv *reverse) []domain.Item {
	var out []domain.Item
	for _, it := range o.Items {
		if _, ok := rv.lines[it.PlatformItemID]; ok || len(rv.lines) == 0 && it.ReturnStatus != "" {
			out = append(out, it)
		}
	}
	return out
}

// ttNextAction is seller_next_action_response: what the seller must do, and by when.
func ttNextAction(action string, since time.Time) []map[string]any {
	if action == "" {
		return []map[string]any{}
	}
	return []map[string]any{{"action": action, "deadline": since.Add(tiktokRespondWithin).Unix()}}
}

// tiktokReturnJSON is one return_orders entry: the request's type, status and lines, with the next
// action while it awaits the seller.
func tiktokReturnJSON(o *domain.Order, rv *reverse) map[string]any {
	status := ttReturnStatus(rv)
	subtotal := domain.Money{Currency: o.Currency}
	lines := []map[string]any{}
	for _, it := range ttRequestLines(o, rv) {
		subtotal = subtotal.Add(it.PaidPrice)
		lines = append(lines, map[string]any{
			"return_line_item_id": derivedDigits(18, "return line", rv.id, it.PlatformItemID),
			"order_line_item_id":  it.PlatformItemID,
			"sku_id":              it.SKUID,
			"seller_sku":          it.SKU,
			"product_name":        it.Name,
			"sku_name":            it.Variation,
			"product_image":       map[string]string{"url": it.ImageURL},
			"refund_amount":       ttMoney(o.Currency, it.PaidPrice, it.PaidPrice),
		})
	}
	refund := rv.refund
	if refund.Currency == "" {
		refund = subtotal
	}
	action := ""
	switch {
	case status == domain.TtReturnPending && rv.kind == domain.ReqRefund:
		action = "SELLER_RESPOND_REFUND"
	case status == domain.TtReturnPending:
		action = "SELLER_RESPOND_RETURN"
	case status == domain.TtBuyerShipped:
		action = "SELLER_RESPOND_RECEIVE_PACKAGE"
	}
	reasonText := ttReturnReasons[rv.reason]
	if reasonText == "" {
		reasonText = domain.StatusLabel(rv.reason)
	}
	provider := ""
	if rv.tracking != "" {
		provider = pickCourier(tiktokCouriers, rv.tracking)
	}
	return map[string]any{
		"return_id":                   rv.id,
		"order_id":                    o.OrderNo,
		"return_type":                 ttReturnType(rv),
		"return_status":               status,
		"role":                        "BUYER",
		"return_reason":               "ecom_order_delivered_refund_and_return_reason_" + ttSlug(rv.reason),
		"return_reason_text":          reasonText,
		"arbitration_status":          "",
		"return_tracking_number":      rv.tracking,
		"return_provider_name":        provider,
		"can_buyer_keep_item":         rv.kind == domain.ReqRefund,
		"seller_next_action_response": ttNextAction(action, rv.updated),
		"return_line_items":           lines,
		"refund_amount":               ttMoney(o.Currency, refund, subtotal),
		"create_time":                 rv.created.Unix(),
		"update_time":                 rv.updated.Unix(),
	}
}

// tiktokCancellations is POST /return_refund/202309/cancellations/search: page_size 1..50
// (default 10), oldest first unless sort_order says otherwise (T5); filters cancel_ids,
// order_ids, buyer_user_ids, cancel_types, cancel_status (either spelling of the cancelled
// status) and the time ranges.
func (s *Sim) tiktokCancellations(c *call) reply {
	lr, fail := tiktokList(c, tiktokMaxCancels, 10, "ASC")
	if fail != nil {
		return *fail
	}
	cancelIDs := jsonStrings(lr.body["cancel_ids"])
	orderIDs := jsonStrings(lr.body["order_ids"])
	buyers := jsonStrings(lr.body["buyer_user_ids"])
	types := jsonStrings(lr.body["cancel_types"])
	var statuses []string
	for _, st := range jsonStrings(lr.body["cancel_status"]) {
		if st == "CANCELLATION_REQUEST_CANCELLED" {
			st = domain.TtCancelCancel
		}
		statuses = append(statuses, st)
	}
	seen := map[*record]bool{}
	var hits []ttHit
	for _, r := range c.shop.cancels {
		rv := r.cancel
		if seen[r] || rv == nil {
			continue
		}
		seen[r] = true
		ctype := "BUYER_CANCEL"
		if ttCancelRole(rv) == "SELLER" {
			ctype = "CANCEL"
		}
		if len(cancelIDs) > 0 && !slices.Contains(cancelIDs, rv.id) ||
			len(orderIDs) > 0 && !slices.Contains(orderIDs, r.o.OrderNo) ||
			len(buyers) > 0 && !slices.Contains(buyers, r.o.Buyer.UserID) ||
			len(types) > 0 && !slices.Contains(types, ctype) ||
			len(statuses) > 0 && !slices.Contains(statuses, ttCancelStatus(rv)) {
			continue
		}
		if h, ok := lr.hit(r, rv); ok {
			hits = append(hits, h)
		}
	}
	return ttListPage(c, lr, hits, "cancellations", func(h ttHit) map[string]any { return tiktokCancelJSON(&h.r.o, h.rv) })
}

// tiktokCancelJSON is one cancellations entry.
func tiktokCancelJSON(o *domain.Order, rv *reverse) map[string]any {
	role := ttCancelRole(rv)
	status := ttCancelStatus(rv)
	ctype, reason := "BUYER_CANCEL", "ecom_order_buyer_cancel_reason_"+ttSlug(rv.reason)
	if role == "SELLER" {
		ctype, reason = "CANCEL", rv.reason
	}
	action := ""
	if status == domain.TtCancelPending {
		action = "SELLER_RESPOND_CANCEL"
	}
	subtotal := domain.Money{Currency: o.Currency}
	lines := []map[string]any{}
	for _, it := range ttRequestLines(o, rv) {
		subtotal = subtotal.Add(it.PaidPrice)
		lines = append(lines, map[string]any{
			"cancel_line_item_id": derivedDigits(18, "cancel line", rv.id, it.PlatformItemID),
			"order_line_item_id":  it.PlatformItemID,
			"sku_id":              it.SKUID,
			"seller_sku":          it.SKU,
			"product_name":        it.Name,
			"sku_name":            it.Variation,
			"refund_amount":       ttMoney(o.Currency, it.PaidPrice, it.PaidPrice),
		})
	}
	refund := rv.refund
	if refund.Currency == "" {
		refund = subtotal
	}
	return map[string]any{
		"cancel_id":                   rv.id,
		"order_id":                    o.OrderNo,
		"cancel_type":                 ctype,
		"cancel_status":               status,
		"role":                        role,
		"cancel_reason":               reason,
		"cancel_reason_text":          ttCancelReasonText(rv.reason),
		"seller_next_action_response": ttNextAction(action, rv.updated),
		"refund_amount":               ttMoney(o.Currency, refund, subtotal),
		"cancel_line_items":           lines,
		"create_time":                 rv.created.Unix(),
		"update_time":                 rv.updated.Unix(),
	}
}
