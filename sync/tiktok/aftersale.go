package tiktok

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // the evidence's size, when the upload's answer leaves it out
	_ "image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// Cancellations and returns (T5; sync/AFTERSALE.md). Each step is one call:
//
//   - StepCancel: POST /return_refund/202309/cancellations {order_id, cancel_reason,
//     order_line_item_ids?}, with a reason valid for the order's status (domain.TikTokCancelReasons).
//   - StepAcceptCancel / StepRejectCancel: POST .../cancellations/{cancel_id}/approve {} or
//     /reject {reject_reason, comment, images}. A buyer's cancellation Kedai knows only from the
//     order's is_buyer_request_cancel (no id yet) is looked up by order id first.
//   - Returns: POST .../returns/{return_id}/approve {decision} or /reject {decision, reject_reason,
//     comment, images}, the decision following the request's type and status: StepRefund is
//     APPROVE_REFUND while pending, APPROVE_RECEIVED_PACKAGE once the buyer shipped the parcel;
//     StepAgreeReturn APPROVE_RETURN; StepReject REJECT_REFUND or REJECT_RETURN while pending,
//     REJECT_RECEIVED_PACKAGE once shipped (with images).
//
// Evidence images are uploaded first, one POST /product/202309/images/upload each (multipart,
// file field data, use_case ATTRIBUTE_IMAGE); a reject names them by the uri it gives back.
// Refusals come back as *market.Error with TikTok's code and message; an answer whose first
// attempt may have been carried out and whose retry is refused is judged by reading the order and
// its requests back (domain.AnswerDone).

var _ market.AfterSaler = (*Client)(nil)

// After-sale paths (T5, and the product API's image upload).
const (
	pathCancelCreate  = "/return_refund/202309/cancellations"
	pathCancelSearch  = "/return_refund/202309/cancellations/search"
	pathCancelApprove = "/return_refund/202309/cancellations/{cancel_id}/approve"
	pathCancelReject  = "/return_refund/202309/cancellations/{cancel_id}/reject"
	pathReturnApprove = "/return_refund/202309/returns/{return_id}/approve"
	pathReturnReject  = "/return_refund/202309/returns/{return_id}/reject"
	pathRejectReasons = "/return_refund/202309/reject_reasons"
	pathImageUpload   = "/product/202309/images/upload"
)

const (
	cancelPageSize = 50                // T5: 1..50
	imageUseCase   = "ATTRIBUTE_IMAGE" // what the evidence is uploaded as
)

// Order statuses the seller may cancel from (T5's policy text; UNPAID is market-dependent and
// left to TikTok to refuse).
var cancellable = map[string]bool{
	domain.TtUnpaid: true, domain.TtOnHold: true, domain.TtAwaitingShipment: true, domain.TtAwaitingCollection: true,
}

// refundJSON is a refund_amount: strings in T5.
type refundJSON struct {
	Currency    string          `json:"currency"`
	RefundTotal lenient.Decimal `json:"refund_total"`
}

// requestLineJSON is one return_line_items or cancel_line_items entry.
type requestLineJSON struct {
	ReturnLineItemID lenient.String `json:"return_line_item_id"`
	CancelLineItemID lenient.String `json:"cancel_line_item_id"`
	OrderLineItemID  lenient.String `json:"order_line_item_id"`
	SKUID            lenient.String `json:"sku_id"`
	SellerSKU        string         `json:"seller_sku"`
	ProductName      string         `json:"product_name"`
	SKUName          string         `json:"sku_name"`
	RefundAmount     *refundJSON    `json:"refund_amount"`
}

// cancelJSON is one entry of cancellations/search (T5).
type cancelJSON struct {
	CancelID                 lenient.String    `json:"cancel_id"`
	OrderID                  lenient.String    `json:"order_id"`
	CancelType               string            `json:"cancel_type"`
	CancelStatus             string            `json:"cancel_status"`
	Role                     string            `json:"role"`
	CancelReason             string            `json:"cancel_reason"`
	CancelReasonText         string            `json:"cancel_reason_text"`
	SellerNextActionResponse json.RawMessage   `json:"seller_next_action_response"`
	RefundAmount             *refundJSON       `json:"refund_amount"`
	CancelLineItems          []requestLineJSON `json:"cancel_line_items"`
	CreateTime               lenient.Int       `json:"create_time"`
	UpdateTime               lenient.Int       `json:"update_time"`
}

type cancelsData struct {
	NextPageToken string       `json:"next_page_token"`
	TotalCount    lenient.Int  `json:"total_count"`
	Cancellations []cancelJSON `json:"cancellations"`
}

// nextAction is one seller_next_action_response entry.
type nextAction struct {
	Action   string      `json:"action"`
	Deadline lenient.Int `json:"deadline"`
}

// deadline is the earliest deadline of the seller's next actions (T5 sends a list; a single
// object is taken too).
func deadline(raw json.RawMessage) lenient.Int {
	var list []nextAction
	if json.Unmarshal(raw, &list) != nil {
		var one nextAction
		if json.Unmarshal(raw, &one) != nil {
			return 0
		}
		list = []nextAction{one}
	}
	var best lenient.Int
	for _, a := range list {
		if a.Deadline > 0 && (best == 0 || a.Deadline < best) {
			best = a.Deadline
		}
	}
	return best
}

// requestWho maps a request's role: BUYER/SELLER/SYSTEM to buyer/seller/system; TikTok's own
// OPERATOR is the platform, system. Empty: def.
func requestWho(role, def string) string {
	switch w := who(role); w {
	case "":
		return def
	case "operator":
		return "system"
	default:
		return w
	}
}

// requestLines maps a request's lines: one unit each (TikTok line items are units).
func requestLines(list []requestLineJSON, a *amounts) []domain.AfterSaleLine {
	var out []domain.AfterSaleLine
	for i, l := range list {
		id := strings.TrimSpace(string(l.ReturnLineItemID))
		if id == "" {
			id = strings.TrimSpace(string(l.CancelLineItemID))
		}
		line := domain.AfterSaleLine{ID: id, OrderItemID: strings.TrimSpace(string(l.OrderLineItemID)), SKU: l.SellerSKU,
			Name: l.ProductName, Qty: 1, Refund: domain.Money{Currency: a.currency}}
		if l.RefundAmount != nil {
			line.Refund = a.parse(fmt.Sprintf("line %d refund_amount.refund_total", i), l.RefundAmount.RefundTotal)
		}
		out = append(out, line)
	}
	return out
}

// currencyOf is the refund's currency, else fallback.
func currencyOf(r *refundJSON, fallback string) string {
	if r != nil && strings.TrimSpace(r.Currency) != "" {
		return strings.ToUpper(strings.TrimSpace(r.Currency))
	}
	return fallback
}

// toAfterSale maps a return per sync/MAPPING.md: return_type REFUND is a refund only, anything
// else (RETURN_AND_REFUND, REPLACEMENT) a return. The request is whole even when an amount could
// not be read (zero then); the error says which.
func (r returnJSON) toAfterSale(fallbackCurrency string) (domain.AfterSale, error) {
	a := amounts{currency: currencyOf(r.RefundAmount, fallbackCurrency)}
	kind := domain.ReqReturn
	if strings.EqualFold(strings.TrimSpace(r.ReturnType), "REFUND") {
		kind = domain.ReqRefund
	}
	reason := strings.TrimSpace(r.ReturnReasonText)
	if reason == "" {
		reason = strings.TrimSpace(r.ReturnReason)
	}
	as := domain.AfterSale{
		Kind: kind, ID: strings.TrimSpace(string(r.ReturnID)), Status: strings.TrimSpace(r.ReturnStatus),
		CounterLimit: -1, By: requestWho(r.Role, "buyer"), Reason: reason,
		Tracking: strings.TrimSpace(string(r.ReturnTrackingNumber)), Deadline: epoch(deadline(r.SellerNextActionResponse)),
		Dispute: strings.EqualFold(strings.TrimSpace(r.ArbitrationStatus), "IN_PROGRESS"),
		Created: epoch(r.CreateTime), Updated: epoch(r.UpdateTime), Refund: domain.Money{Currency: a.currency},
	}
	if r.RefundAmount != nil {
		as.Refund = a.parse("refund_amount.refund_total", r.RefundAmount.RefundTotal)
	}
	as.Lines = requestLines(r.ReturnLineItems, &a)
	if a.err != nil {
		return as, fmt.Errorf("return %s: %w", as.ID, a.err)
	}
	return as, nil
}

// toAfterSale maps a cancellation: By from role (else from cancel_type: CANCEL is the seller's).
func (c cancelJSON) toAfterSale(fallbackCurrency string) (domain.AfterSale, error) {
	a := amounts{currency: currencyOf(c.RefundAmount, fallbackCurrency)}
	by := "buyer"
	if strings.EqualFold(strings.TrimSpace(c.CancelType), "CANCEL") {
		by = "seller"
	}
	reason := strings.TrimSpace(c.CancelReasonText)
	if reason == "" {
		reason = strings.TrimSpace(c.CancelReason)
	}
	as := domain.AfterSale{
		Kind: domain.ReqCancel, ID: strings.TrimSpace(string(c.CancelID)), Status: strings.TrimSpace(c.CancelStatus),
		CounterLimit: -1, By: requestWho(c.Role, by), Reason: reason, Deadline: epoch(deadline(c.SellerNextActionResponse)),
		Created: epoch(c.CreateTime), Updated: epoch(c.UpdateTime), Refund: domain.Money{Currency: a.currency},
	}
	if c.RefundAmount != nil {
		as.Refund = a.parse("refund_amount.refund_total", c.RefundAmount.RefundTotal)
	}
	as.Lines = requestLines(c.CancelLineItems, &a)
	if a.err != nil {
		return as, fmt.Errorf("cancellation %s: %w", as.ID, a.err)
	}
	return as, nil
}

// currency is the order's currency, else the shop's region's.
func (c *Client) currency(o domain.Order) string {
	if o.Currency != "" {
		return o.Currency
	}
	if c.cfg.Region != "" {
		return domain.RegionCurrency(c.cfg.Region)
	}
	return ""
}

// orderID is the order's id at TikTok.
func orderID(o domain.Order) string {
	if id := strings.TrimSpace(o.PlatformID); id != "" {
		return id
	}
	return strings.TrimSpace(o.OrderNo)
}

// CancelOptions makes no call: TikTok takes the reasons of T5 for the order's status. An order
// past its collection (or cancelled already) cannot be cancelled by the seller.
func (c *Client) CancelOptions(ctx context.Context, o domain.Order, itemIDs []string) (domain.CancelOptions, error) {
	st := strings.ToUpper(strings.TrimSpace(o.Status))
	if !cancellable[st] {
		return domain.CancelOptions{Refused: true, TipType: "error",
			Tip: fmt.Sprintf("TikTok Shop lets the seller cancel only orders on hold, awaiting shipment or awaiting collection; this one is %s.", domain.StatusLabel(o.Status))}, nil
	}
	return domain.CancelOptions{Reasons: domain.TikTokCancelReasons(st)}, nil
}

// Reasons lists the reasons TikTok takes: for a seller's cancel, T5's for the order's status (no
// call); for rejecting a buyer's cancellation or a return, GET reject_reasons for the request.
func (c *Client) Reasons(ctx context.Context, o domain.Order, r domain.AfterSale, step domain.Step) ([]domain.Reason, error) {
	switch step {
	case domain.StepCancel:
		return domain.TikTokCancelReasons(o.Status), nil
	case domain.StepRejectCancel, domain.StepReject:
	default:
		return nil, nil
	}
	id := strings.TrimSpace(r.ID)
	if id == "" && r.Kind == domain.ReqCancel {
		var err error
		if id, err = c.pendingCancel(ctx, o); err != nil {
			return nil, err
		}
	}
	if id == "" {
		return nil, refusal("reject reasons", fmt.Sprintf("order %s: the request has no TikTok id: sync the store and try again", o.OrderNo))
	}
	var d struct {
		Reasons []struct {
			Name lenient.String `json:"name"`
			Text string         `json:"text"`
		} `json:"reasons"`
	}
	q := url.Values{"return_or_cancel_id": {id}}
	if err := c.call(ctx, apiCall{method: http.MethodGet, path: pathRejectReasons, query: q, shop: true}, &d); err != nil {
		return nil, err
	}
	var out []domain.Reason
	for _, x := range d.Reasons {
		name := strings.TrimSpace(string(x.Name))
		if name == "" {
			continue
		}
		text := strings.TrimSpace(x.Text)
		if text == "" {
			text = domain.StatusLabel(name)
		}
		out = append(out, domain.Reason{ID: name, Text: text})
	}
	return out, nil
}

// Requests reads the order's cancellations and returns as TikTok has them now
// (cancellations/search and returns/search with order_ids), cancellations first, each oldest
// first.
func (c *Client) Requests(ctx context.Context, o domain.Order, known []domain.AfterSale) ([]domain.AfterSale, error) {
	id := orderID(o)
	if id == "" {
		return nil, refusal("reading requests", "the order has no TikTok id")
	}
	body := struct {
		OrderIDs []string `json:"order_ids"`
	}{[]string{id}}
	cur := c.currency(o)
	var cancels, returns []domain.AfterSale
	seen := map[string]bool{}
	var bad error
	err := c.searchCancels(ctx, body, func(j cancelJSON) bool {
		if strings.TrimSpace(string(j.OrderID)) != id {
			return false
		}
		as, err := j.toAfterSale(cur)
		if err != nil && bad == nil {
			bad = err
		}
		if seen["c"+as.ID] {
			return false
		}
		seen["c"+as.ID] = true
		cancels = append(cancels, as)
		return true
	})
	if err != nil {
		return nil, err
	}
	err = c.searchReturns(ctx, body, false, func(j returnJSON) bool {
		if strings.TrimSpace(string(j.OrderID)) != id {
			return false
		}
		as, err := j.toAfterSale(cur)
		if err != nil && bad == nil {
			bad = err
		}
		if seen["r"+as.ID] {
			return false
		}
		seen["r"+as.ID] = true
		returns = append(returns, as)
		return true
	})
	if err != nil {
		return nil, err
	}
	if bad != nil {
		return nil, &market.Error{Platform: domain.TikTok, Op: "reading requests", Message: bad.Error()}
	}
	oldestFirst := func(a, b domain.AfterSale) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	slices.SortStableFunc(cancels, oldestFirst)
	slices.SortStableFunc(returns, oldestFirst)
	return append(cancels, returns...), nil
}

// searchCancels lists cancellations/search with body's filter, handing each entry to take.
func (c *Client) searchCancels(ctx context.Context, body any, take func(cancelJSON) bool) error {
	return c.listAll(http.MethodPost+" "+pathCancelSearch, false, func(token string) (string, int, error) {
		q := url.Values{"page_size": {strconv.Itoa(cancelPageSize)}}
		if token != "" {
			q.Set("page_token", token)
		}
		var d cancelsData
		if err := c.call(ctx, apiCall{method: http.MethodPost, path: pathCancelSearch, query: q, body: body, shop: true}, &d); err != nil {
			return "", 0, err
		}
		fresh := 0
		for _, x := range d.Cancellations {
			if take(x) {
				fresh++
			}
		}
		return d.NextPageToken, fresh, nil
	})
}

// pendingCancel finds the order's buyer cancellation that awaits the seller.
func (c *Client) pendingCancel(ctx context.Context, o domain.Order) (string, error) {
	id := orderID(o)
	body := struct {
		OrderIDs     []string `json:"order_ids"`
		CancelStatus []string `json:"cancel_status"`
	}{[]string{id}, []string{domain.TtCancelPending}}
	found := ""
	err := c.searchCancels(ctx, body, func(j cancelJSON) bool {
		if found == "" && strings.TrimSpace(string(j.OrderID)) == id && strings.EqualFold(strings.TrimSpace(j.CancelStatus), domain.TtCancelPending) &&
			requestWho(j.Role, "buyer") != "seller" {
			found = strings.TrimSpace(string(j.CancelID))
		}
		return false
	})
	if err != nil {
		return "", err
	}
	if found == "" {
		return "", refusal("finding the cancellation", fmt.Sprintf("order %s has no cancellation request awaiting you at TikTok Shop (it may have been answered or withdrawn)", o.OrderNo))
	}
	return found, nil
}

// requestPath puts a request id into a documented path template.
func requestPath(template, id string) string {
	id = url.PathEscape(id)
	return strings.NewReplacer("{cancel_id}", id, "{return_id}", id).Replace(template)
}

// imageRef is an uploaded image as a reject names it.
type imageRef struct {
	ImageID  string `json:"image_id"`
	MimeType string `json:"mime_type"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

// rejectBody is the body of both rejects; decision only on a return's.
type rejectBody struct {
	Decision     string     `json:"decision,omitempty"`
	RejectReason string     `json:"reject_reason"`
	Comment      string     `json:"comment"`
	Images       []imageRef `json:"images"`
}

// Answer carries out one step on the order (see the top of this file). TikTok's answers carry no
// words for the seller, so the tip is always empty.
func (c *Client) Answer(ctx context.Context, o domain.Order, a domain.Answer) (string, error) {
	var call apiCall
	switch a.Step {
	case domain.StepCancel:
		body := struct {
			OrderID          string   `json:"order_id"`
			CancelReason     string   `json:"cancel_reason"`
			OrderLineItemIDs []string `json:"order_line_item_ids,omitempty"`
		}{orderID(o), a.Reason, a.Items}
		call = apiCall{method: http.MethodPost, path: pathCancelCreate, body: body, shop: true}
	case domain.StepAcceptCancel, domain.StepRejectCancel:
		id := strings.TrimSpace(a.RequestID)
		if id == "" {
			var err error
			if id, err = c.pendingCancel(ctx, o); err != nil {
				return "", err
			}
		}
		if a.Step == domain.StepAcceptCancel {
			call = apiCall{method: http.MethodPost, path: requestPath(pathCancelApprove, id), api: pathCancelApprove, body: struct{}{}, shop: true}
			break
		}
		images, err := c.uploadAll(ctx, a.Images)
		if err != nil {
			return "", err
		}
		body := rejectBody{RejectReason: a.Reason, Comment: a.Comment, Images: images}
		call = apiCall{method: http.MethodPost, path: requestPath(pathCancelReject, id), api: pathCancelReject, body: body, shop: true}
	case domain.StepRefund, domain.StepAgreeReturn, domain.StepReject:
		id := strings.TrimSpace(a.RequestID)
		if id == "" {
			return "", refusal(a.Step.Title(), fmt.Sprintf("order %s: the return has no TikTok id: sync the store and try again", o.OrderNo))
		}
		decision, err := c.decision(ctx, o, a)
		if err != nil {
			return "", err
		}
		if a.Step != domain.StepReject {
			body := struct {
				Decision string `json:"decision"`
			}{decision}
			call = apiCall{method: http.MethodPost, path: requestPath(pathReturnApprove, id), api: pathReturnApprove, body: body, shop: true}
			break
		}
		images, err := c.uploadAll(ctx, a.Images)
		if err != nil {
			return "", err
		}
		body := rejectBody{Decision: decision, RejectReason: a.Reason, Comment: a.Comment, Images: images}
		call = apiCall{method: http.MethodPost, path: requestPath(pathReturnReject, id), api: pathReturnReject, body: body, shop: true}
	default:
		return "", refusal(a.Step.Title(), fmt.Sprintf("no such step: TikTok Shop does not offer %s", a.Step.Title()))
	}
	unsure := false
	call.unsure = &unsure
	err := c.call(ctx, call, nil)
	if err != nil && unsure && !market.Retryable(err) && c.answered(ctx, o, a) {
		c.log.Info("TikTok Shop refused a retried answer the first attempt had carried out; taken as done", "order", o.OrderNo, "step", string(a.Step))
		return "", nil
	}
	return "", err
}

// decision is the return decision the step takes for the request's type and status (read from
// TikTok when the answer does not carry them).
func (c *Client) decision(ctx context.Context, o domain.Order, a domain.Answer) (string, error) {
	status, kind := strings.ToUpper(strings.TrimSpace(a.FromStatus)), a.Kind
	if status == "" || (kind != domain.ReqReturn && kind != domain.ReqRefund) {
		reqs, err := c.Requests(ctx, o, nil)
		if err != nil {
			return "", err
		}
		i := slices.IndexFunc(reqs, func(r domain.AfterSale) bool { return r.Kind != domain.ReqCancel && r.ID == a.RequestID })
		if i < 0 {
			return "", refusal(a.Step.Title(), fmt.Sprintf("order %s has no return %s at TikTok Shop", o.OrderNo, a.RequestID))
		}
		status, kind = strings.ToUpper(reqs[i].Status), reqs[i].Kind
	}
	shipped := status == domain.TtBuyerShipped
	switch a.Step {
	case domain.StepRefund:
		if shipped {
			return "APPROVE_RECEIVED_PACKAGE", nil
		}
		return "APPROVE_REFUND", nil
	case domain.StepAgreeReturn:
		return "APPROVE_RETURN", nil
	}
	switch {
	case shipped:
		return "REJECT_RECEIVED_PACKAGE", nil
	case kind == domain.ReqRefund:
		return "REJECT_REFUND", nil
	}
	return "REJECT_RETURN", nil
}

// answered reads the order and its requests back and reports whether they show the answer's
// effect already.
func (c *Client) answered(ctx context.Context, o domain.Order, a domain.Answer) bool {
	fresh, err := c.Orders(ctx, []string{orderID(o)})
	if err != nil || len(fresh) != 1 {
		return false
	}
	reqs, err := c.Requests(ctx, fresh[0], o.AfterSales)
	if err != nil {
		return false
	}
	fresh[0].AfterSales = reqs
	return domain.AnswerDone(&fresh[0], &a)
}

// uploadAll uploads the evidence images in order.
func (c *Client) uploadAll(ctx context.Context, images []domain.Image) ([]imageRef, error) {
	out := []imageRef{}
	for _, im := range images {
		ref, err := c.upload(ctx, im)
		if err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	return out, nil
}

// upload sends one image to POST /product/202309/images/upload: multipart/form-data, the file in
// data, use_case ATTRIBUTE_IMAGE; the answer's uri is the image's id.
func (c *Client) upload(ctx context.Context, im domain.Image) (imageRef, error) {
	mimeType := im.Type
	if mimeType == "" {
		mimeType = http.DetectContentType(im.Data)
	}
	name := im.Name
	if strings.TrimSpace(name) == "" {
		name = "evidence"
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("use_case", imageUseCase); err != nil {
		return imageRef{}, err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="data"; filename=%q`, name))
	h.Set("Content-Type", mimeType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return imageRef{}, err
	}
	if _, err := part.Write(im.Data); err != nil {
		return imageRef{}, err
	}
	if err := mw.Close(); err != nil {
		return imageRef{}, err
	}
	var d struct {
		URI    lenient.String `json:"uri"`
		URL    string         `json:"url"`
		Width  lenient.Int    `json:"width"`
		Height lenient.Int    `json:"height"`
	}
	err = c.call(ctx, apiCall{method: http.MethodPost, path: pathImageUpload, shop: true,
		form: &formBody{contentType: mw.FormDataContentType(), data: buf.Bytes()}}, &d)
	if err != nil {
		return imageRef{}, fmt.Errorf("uploading %s: %w", name, err)
	}
	ref := imageRef{ImageID: strings.TrimSpace(string(d.URI)), MimeType: mimeType, Width: int(d.Width), Height: int(d.Height)}
	if ref.ImageID == "" {
		return imageRef{}, &market.Error{Platform: domain.TikTok, Op: "POST " + pathImageUpload, Message: "the upload of " + name + " gave no uri"}
	}
	if ref.Width <= 0 || ref.Height <= 0 {
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(im.Data)); err == nil {
			ref.Width, ref.Height = cfg.Width, cfg.Height
		}
	}
	return ref, nil
}
