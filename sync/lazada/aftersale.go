package lazada

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// Cancellations, returns and refunds with Lazada's reverse APIs (reference L5; sync/AFTERSALE.md
// says which call each step is). Lazada cancels by item: OrderCancelValidate says whether the items
// can go and with which reasons, InitReverseOrderCancel cancels them. A buyer's cancellation,
// return or refund is a reverse order whose lines are the order's items; the seller answers it
// per line, so every answer first reads the request as Lazada has it now and sends only the lines
// the step still applies to (a retry after a partial answer does not repeat the lines already
// taken). Refusals are Lazada's own: a *market.Error with its code ("114") and message.

var _ market.AfterSaler = (*Client)(nil)

// Reverse API paths (reference L5).
const (
	pathCancelValidate   = "/order/reverse/cancel/validate"
	pathCancelCreate     = "/order/reverse/cancel/create"
	pathCancelDecide     = "/order/reverse/cancel/seller/decide"
	pathReturnUpdate     = "/order/reverse/return/update"
	pathOnlyRefundDecide = "/order/reverse/onlyrefund/seller/decide"
	pathReasonList       = "/order/reverse/reason/list"
	pathReverseDetail    = "/order/reverse/return/detail/list"
	pathReverseList      = "/reverse/getreverseordersforseller"
	pathImageUpload      = "/image/upload"
)

// reverseLine is one line of a reverse order, in the list and in the detail (reverse_order_lines,
// reverseOrderLineDTOList). refund_amount and item_unit_price are integer minor units (cents;
// whole dong for VND).
type reverseLine struct {
	ReverseOrderLineID lenient.String `json:"reverse_order_line_id"`
	TradeOrderLineID   lenient.String `json:"trade_order_line_id"`
	ReverseStatus      string         `json:"reverse_status"`
	RefundAmount       lenient.Int    `json:"refund_amount"`
	ItemUnitPrice      lenient.Int    `json:"item_unit_price"`
	ReasonCode         lenient.String `json:"reason_code"`
	ReasonText         string         `json:"reason_text"`
	TrackingNumber     lenient.String `json:"tracking_number"`
	SLA                stamp          `json:"sla"`
	IsDispute          lenient.Bool   `json:"is_dispute"`
	SellerSKUID        lenient.String `json:"seller_sku_id"`
	Created            stamp          `json:"return_order_line_gmt_create"`
	Modified           stamp          `json:"return_order_line_gmt_modified"`
}

// reverseOrder is one item of the reverse list.
type reverseOrder struct {
	ReverseOrderID lenient.String `json:"reverse_order_id"`
	TradeOrderID   lenient.String `json:"trade_order_id"`
	RequestType    string         `json:"request_type"`
	Lines          []reverseLine  `json:"reverse_order_lines"`
}

// reverseDetailAnswer is /order/reverse/return/detail/list's answer: the reverse order with its
// lines under reverseOrderLineDTOList (the list's name is tolerated).
type reverseDetailAnswer struct {
	Data struct {
		reverseOrder
		DTOLines []reverseLine `json:"reverseOrderLineDTOList"`
	} `json:"data"`
}

func (a *reverseDetailAnswer) order() reverseOrder {
	ro := a.Data.reverseOrder
	if len(a.Data.DTOLines) > 0 {
		ro.Lines = a.Data.DTOLines
	}
	return ro
}

// tipAnswer is the answer of cancel/validate and cancel/create.
type tipAnswer struct {
	Data struct {
		TipType       string `json:"tip_type"`
		TipContent    string `json:"tip_content"`
		ReasonOptions []struct {
			ReasonID   lenient.String `json:"reason_id"`
			ReasonName string         `json:"reason_name"`
		} `json:"reason_options"`
	} `json:"data"`
}

type reasonListAnswer struct {
	Data []struct {
		ReasonID lenient.String `json:"reason_id"`
		Text     string         `json:"text"`
		Multi    string         `json:"muti_language_text"` // sic
	} `json:"data"`
}

type uploadAnswer struct {
	Data struct {
		Image struct {
			URL      string `json:"url"`
			HashCode string `json:"hash_code"`
		} `json:"image"`
		URL string `json:"url"` // tolerated beside data.image
	} `json:"data"`
}

// requestKind maps request_type; ok=false for a type Kedai does not know.
func requestKind(t string) (domain.RequestKind, bool) {
	switch strings.ToUpper(strings.TrimSpace(t)) {
	case "CANCEL":
		return domain.ReqCancel, true
	case "RETURN":
		return domain.ReqReturn, true
	case "ONLY_REFUND":
		return domain.ReqRefund, true
	}
	return "", false
}

// revRank orders reverse statuses from the least advanced; finished and unknown ones last.
func revRank(st string) int {
	switch strings.ToUpper(strings.TrimSpace(st)) {
	case domain.LzRevRequestInitiate:
		return 0
	case domain.LzRevBuyerReturnItem:
		return 1
	case domain.LzRevShippingBack:
		return 2
	case domain.LzRevReceived:
		return 3
	case domain.LzRevRefundPending:
		return 4
	}
	return 5
}

// toAfterSale maps a reverse order of order o (MAPPING.md, "Lazada"); ok=false for a request type
// Kedai does not know.
func toAfterSale(ro reverseOrder, o *domain.Order, currency string, zone *time.Location) (domain.AfterSale, bool) {
	kind, ok := requestKind(ro.RequestType)
	if !ok {
		return domain.AfterSale{}, false
	}
	if o.Currency != "" {
		currency = o.Currency
	}
	items := map[string]domain.Item{}
	for _, it := range o.Items {
		items[it.PlatformItemID] = it
	}
	a := domain.AfterSale{Kind: kind, ID: string(ro.ReverseOrderID), By: "buyer", CounterLimit: -1,
		Refund: domain.Money{Currency: currency}}
	when := func(s stamp) time.Time {
		t, _ := parseTime(string(s), zone)
		return t
	}
	for i, l := range ro.Lines {
		st := strings.ToUpper(strings.TrimSpace(l.ReverseStatus))
		if i == 0 || revRank(st) < revRank(a.Status) {
			a.Status = st
		}
		item := items[string(l.TradeOrderLineID)]
		line := domain.AfterSaleLine{ID: string(l.ReverseOrderLineID), OrderItemID: string(l.TradeOrderLineID),
			SKU: string(l.SellerSKUID), Name: item.Name, Qty: 1, Status: st,
			Refund: domain.Money{Minor: int64(l.RefundAmount), Currency: currency}}
		if line.SKU == "" {
			line.SKU = item.SKU
		}
		a.Lines = append(a.Lines, line)
		a.Refund.Minor += line.Refund.Minor
		if a.Reason == "" {
			a.Reason = strings.TrimSpace(l.ReasonText)
			if a.Reason == "" {
				a.Reason = string(l.ReasonCode)
			}
		}
		if a.Tracking == "" {
			a.Tracking = string(l.TrackingNumber)
		}
		a.Dispute = a.Dispute || bool(l.IsDispute)
		if t := when(l.SLA); !t.IsZero() && (a.Deadline.IsZero() || t.Before(a.Deadline)) {
			a.Deadline = t
		}
		if t := when(l.Created); !t.IsZero() && (a.Created.IsZero() || t.Before(a.Created)) {
			a.Created = t
		}
		if t := when(l.Modified); t.After(a.Updated) {
			a.Updated = t
		}
		if kind == domain.ReqCancel {
			// Lazada's list does not say who asked; the cancelled items do (cancel_return_initiator).
			if by := item.CancelledBy; by == "seller" || by == "system" {
				a.By = by
			}
		}
	}
	return a, true
}

// liveItems are the order's items that are not cancelled.
func liveItems(o domain.Order) []string {
	var out []string
	for _, it := range o.Items {
		if !it.Cancelled && !domain.LazadaItemCancelled(strings.TrimSpace(it.Status)) && it.PlatformItemID != "" {
			out = append(out, it.PlatformItemID)
		}
	}
	return out
}

// CancelOptions asks OrderCancelValidate about cancelling the items (every live item when none
// are given): its tip, and its reasons when they can go. tip_type "error" means they cannot; the
// tip says why.
func (c *Client) CancelOptions(ctx context.Context, o domain.Order, itemIDs []string) (domain.CancelOptions, error) {
	if len(itemIDs) == 0 {
		itemIDs = liveItems(o)
	}
	if len(itemIDs) == 0 {
		return domain.CancelOptions{}, fmt.Errorf("lazada: order %s has no item left to cancel", o.OrderNo)
	}
	ans, err := c.validateCancel(ctx, o, itemIDs)
	if err != nil {
		return domain.CancelOptions{}, err
	}
	out := domain.CancelOptions{Tip: ans.Data.TipContent, TipType: ans.Data.TipType,
		Refused: strings.EqualFold(strings.TrimSpace(ans.Data.TipType), "error")}
	for _, r := range ans.Data.ReasonOptions {
		if id := strings.TrimSpace(string(r.ReasonID)); id != "" {
			out.Reasons = append(out.Reasons, domain.Reason{ID: id, Text: r.ReasonName})
		}
	}
	return out, nil
}

func (c *Client) validateCancel(ctx context.Context, o domain.Order, itemIDs []string) (tipAnswer, error) {
	var ans tipAnswer
	if strings.TrimSpace(o.PlatformID) == "" {
		return ans, fmt.Errorf("lazada: order %s has no Lazada order id: sync it first", o.OrderNo)
	}
	err := c.call(ctx, request{method: http.MethodGet, path: pathCancelValidate, token: true,
		params: map[string]string{"order_id": o.PlatformID, "order_item_id_list": orderIDs(itemIDs)}}, &ans)
	return ans, err
}

// tipRefusal is a tip of type "error": Lazada's answer that the items cannot be cancelled. It
// carries no code; the tip says why.
func tipRefusal(op, tip string) error {
	if strings.TrimSpace(tip) == "" {
		tip = "Lazada refused the cancellation without saying why"
	}
	return &market.Error{Platform: domain.Lazada, Op: op, Status: http.StatusOK, Message: market.Redact(tip)}
}

// Reasons lists Lazada's reasons to refuse the request (reason/list for its first line): a buyer's
// cancellation (StepRejectCancel) or a return or its refund (StepReject). Other steps take none.
func (c *Client) Reasons(ctx context.Context, o domain.Order, r domain.AfterSale, step domain.Step) ([]domain.Reason, error) {
	if step != domain.StepRejectCancel && step != domain.StepReject {
		return nil, nil
	}
	line := ""
	if len(r.Lines) > 0 {
		line = r.Lines[0].ID
	}
	if line == "" {
		ro, err := c.reverseDetail(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if len(ro.Lines) == 0 {
			return nil, fmt.Errorf("lazada: reverse order %s of order %s has no lines", r.ID, o.OrderNo)
		}
		line = string(ro.Lines[0].ReverseOrderLineID)
	}
	var ans reasonListAnswer
	if err := c.call(ctx, request{method: http.MethodGet, path: pathReasonList, token: true,
		params: map[string]string{"reverse_order_line_id": line}}, &ans); err != nil {
		return nil, err
	}
	var out []domain.Reason
	for _, x := range ans.Data {
		text := strings.TrimSpace(x.Text)
		if text == "" {
			text = strings.TrimSpace(x.Multi)
		}
		if id := strings.TrimSpace(string(x.ReasonID)); id != "" {
			out = append(out, domain.Reason{ID: id, Text: text})
		}
	}
	return out, nil
}

// Requests reads the order's reverse orders (the reverse list with trade_order_id): its buyer's
// cancellations, returns and refunds, each with its lines. Lazada lists them by order, so the
// requests Kedai already knows are not needed.
func (c *Client) Requests(ctx context.Context, o domain.Order, known []domain.AfterSale) ([]domain.AfterSale, error) {
	if strings.TrimSpace(o.PlatformID) == "" {
		return nil, fmt.Errorf("lazada: order %s has no Lazada order id: sync it first", o.OrderNo)
	}
	var out []domain.AfterSale
	seen := map[string]bool{}
	for pageNo := 1; ; pageNo++ {
		if pageNo > maxReversePages {
			return nil, fmt.Errorf("lazada: GET %s: more than %d pages for order %s", pathReverseList, maxReversePages, o.OrderNo)
		}
		res, err := c.reversePage(ctx, pageNo, map[string]string{"trade_order_id": o.PlatformID})
		if err != nil {
			return nil, err
		}
		for _, ro := range res.Items {
			if t := string(ro.TradeOrderID); t != "" && t != o.PlatformID {
				continue // not this order's
			}
			a, ok := toAfterSale(ro, &o, domain.RegionCurrency(c.region), c.zone)
			if !ok || seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			out = append(out, a)
		}
		if len(res.Items) < reversePageSize || (res.Total > 0 && int(res.Total) <= pageNo*reversePageSize) {
			break
		}
	}
	if out == nil {
		out = []domain.AfterSale{}
	}
	return out, nil
}

// reversePage reads one page of the reverse list with the given filters.
func (c *Client) reversePage(ctx context.Context, pageNo int, filters map[string]string) (*reverseResult, error) {
	params := map[string]string{"page_no": strconv.Itoa(pageNo), "page_size": strconv.Itoa(reversePageSize)}
	for k, v := range filters {
		params[k] = v
	}
	var ans reverseAnswer
	if err := c.call(ctx, request{method: http.MethodGet, path: pathReverseList, token: true, params: params}, &ans); err != nil {
		return nil, err
	}
	res := ans.Result
	if res == nil {
		res = ans.Data
	}
	if res == nil {
		res = &reverseResult{}
	}
	return res, nil
}

// reverseDetail reads one reverse order with its lines.
func (c *Client) reverseDetail(ctx context.Context, id string) (reverseOrder, error) {
	if strings.TrimSpace(id) == "" {
		return reverseOrder{}, errors.New("lazada: the answer names no reverse order: open the order again")
	}
	var ans reverseDetailAnswer
	if err := c.call(ctx, request{method: http.MethodGet, path: pathReverseDetail, token: true,
		params: map[string]string{"reverse_order_id": id}}, &ans); err != nil {
		return reverseOrder{}, err
	}
	ro := ans.order()
	if ro.ReverseOrderID == "" {
		ro.ReverseOrderID = lenient.String(id)
	}
	return ro, nil
}

// Answer carries out one step and returns Lazada's tip when it gives one (a cancel's tip_content).
// Evidence images are uploaded first (/image/upload) and sent by the urls Lazada gave back.
func (c *Client) Answer(ctx context.Context, o domain.Order, a domain.Answer) (string, error) {
	switch a.Step {
	case domain.StepCancel:
		return c.cancel(ctx, o, a)
	case domain.StepAcceptCancel, domain.StepRejectCancel:
		return "", c.decideCancel(ctx, o, a)
	case domain.StepRefund, domain.StepAgreeReturn, domain.StepReject, domain.StepConfirmReceipt, domain.StepDispute:
		return "", c.answerReturn(ctx, o, a)
	}
	return "", fmt.Errorf("lazada: %s is not a step Lazada takes (order %s)", a.Step.Title(), o.OrderNo)
}

// cancel validates the items and cancels them (InitReverseOrderCancel) with the chosen reason.
func (c *Client) cancel(ctx context.Context, o domain.Order, a domain.Answer) (string, error) {
	if len(a.Items) == 0 {
		return "", fmt.Errorf("lazada: order %s: choose the items to cancel", o.OrderNo)
	}
	v, err := c.validateCancel(ctx, o, a.Items)
	if err != nil {
		return "", err
	}
	if strings.EqualFold(strings.TrimSpace(v.Data.TipType), "error") {
		return "", tipRefusal(http.MethodGet+" "+pathCancelValidate, v.Data.TipContent)
	}
	var ans tipAnswer
	if err := c.call(ctx, request{method: http.MethodGet, path: pathCancelCreate, token: true, write: true,
		params: map[string]string{"order_id": o.PlatformID, "order_item_id_list": orderIDs(a.Items), "reason_id": a.Reason}}, &ans); err != nil {
		return "", err
	}
	if strings.EqualFold(strings.TrimSpace(ans.Data.TipType), "error") {
		return "", tipRefusal(http.MethodGet+" "+pathCancelCreate, ans.Data.TipContent)
	}
	c.log.Info("lazada cancel", "order", o.OrderNo, "items", len(a.Items), "reason", a.Reason)
	return ans.Data.TipContent, nil
}

// decideCancel agrees to or refuses the buyer's cancellation (seller/decide); a refusal carries
// the reason chosen from reason/list.
func (c *Client) decideCancel(ctx context.Context, o domain.Order, a domain.Answer) error {
	id := a.RequestID
	if id == "" { // the buyer's open cancellation, as Lazada has it now
		reqs, err := c.Requests(ctx, o, nil)
		if err != nil {
			return err
		}
		for _, r := range reqs {
			if r.Kind == domain.ReqCancel && domain.AfterSaleOpen(domain.Lazada, &r) {
				id = r.ID
			}
		}
		if id == "" {
			return fmt.Errorf("lazada: order %s has no cancellation request awaiting you", o.OrderNo)
		}
	}
	params := map[string]string{"reverse_order_id": id, "agree_cancel": strconv.FormatBool(a.Step == domain.StepAcceptCancel)}
	if a.Step == domain.StepRejectCancel {
		params["reason_code"] = a.Reason
	}
	if err := c.call(ctx, request{method: http.MethodGet, path: pathCancelDecide, token: true, write: true, params: params}, nil); err != nil {
		return err
	}
	c.log.Info("lazada cancellation answered", "order", o.OrderNo, "agree", params["agree_cancel"])
	return nil
}

// returnAction is return/update's action for a step on a line in status st ("" when the step
// does not apply to a line there).
func returnAction(step domain.Step, st string) string {
	switch st = strings.ToUpper(strings.TrimSpace(st)); step {
	case domain.StepRefund:
		switch st {
		case domain.LzRevRequestInitiate:
			return "instantRefund"
		case domain.LzRevReceived:
			return "agreeRefund"
		}
	case domain.StepAgreeReturn:
		if st == domain.LzRevRequestInitiate {
			return "agreeReturn"
		}
	case domain.StepReject:
		switch st {
		case domain.LzRevRequestInitiate:
			return "refuseReturn"
		case domain.LzRevReceived:
			return "refuseRefund"
		}
	case domain.StepConfirmReceipt:
		if st == domain.LzRevBuyerReturnItem || st == domain.LzRevShippingBack {
			return "confirmDelivery"
		}
	}
	return ""
}

// answerReturn carries out a step on a return or a refund-only request: it reads the request, and
// sends the step for each chosen line (every line when none are chosen) still in a status the step
// applies to. When none is, the step goes as it was decided (from the status the seller saw), so
// Lazada says why it refuses. Refusals go one line a call (return/update refuses more, E0111),
// refund-only answers always do (E0133).
func (c *Client) answerReturn(ctx context.Context, o domain.Order, a domain.Answer) error {
	ro, err := c.reverseDetail(ctx, a.RequestID)
	if err != nil {
		return err
	}
	kind, ok := requestKind(ro.RequestType)
	if !ok {
		kind = a.Kind
	}
	chosen := map[string]bool{}
	for _, id := range a.Items {
		chosen[id] = true
	}
	type line struct{ id, status string }
	var lines []line
	for _, l := range ro.Lines {
		id := string(l.ReverseOrderLineID)
		if id != "" && (len(chosen) == 0 || chosen[id] || chosen[string(l.TradeOrderLineID)]) {
			lines = append(lines, line{id, l.ReverseStatus})
		}
	}
	if len(lines) == 0 {
		return fmt.Errorf("lazada: reverse order %s of order %s has none of the lines chosen", a.RequestID, o.OrderNo)
	}
	urls, err := c.uploadImages(ctx, a.Images)
	if err != nil {
		return err
	}

	switch kind {
	case domain.ReqRefund:
		action := map[domain.Step]string{domain.StepRefund: "agreeRefund", domain.StepDispute: "startDispute"}[a.Step]
		if action == "" {
			return fmt.Errorf("lazada: %s is not possible on a refund-only request (order %s)", a.Step.Title(), o.OrderNo)
		}
		var send []string
		for _, l := range lines {
			if revRank(l.status) == 0 {
				send = append(send, l.id)
			}
		}
		if len(send) == 0 {
			for _, l := range lines {
				send = append(send, l.id)
			}
		}
		for _, id := range send {
			params := map[string]string{"action": action, "reverse_order_id": a.RequestID,
				"reverse_order_item_ids": orderIDs([]string{id}), "comment": a.Comment}
			if len(urls) > 0 {
				params["image_info_list"] = imageList(a.Images, urls, "file_name", "file_url")
			}
			if err := c.call(ctx, request{method: http.MethodGet, path: pathOnlyRefundDecide, token: true, write: true, params: params}, nil); err != nil {
				return err
			}
		}
	case domain.ReqReturn:
		byAction := map[string][]string{}
		var order []string
		for _, l := range lines {
			if act := returnAction(a.Step, l.status); act != "" {
				if byAction[act] == nil {
					order = append(order, act)
				}
				byAction[act] = append(byAction[act], l.id)
			}
		}
		if len(order) == 0 {
			act := returnAction(a.Step, a.FromStatus)
			if act == "" {
				act = returnAction(a.Step, domain.LzRevRequestInitiate)
			}
			if act == "" {
				act = returnAction(a.Step, domain.LzRevReceived)
			}
			if act == "" {
				act = returnAction(a.Step, domain.LzRevBuyerReturnItem)
			}
			if act == "" {
				return fmt.Errorf("lazada: %s is not possible on a return (order %s)", a.Step.Title(), o.OrderNo)
			}
			order = []string{act}
			for _, l := range lines {
				byAction[act] = append(byAction[act], l.id)
			}
		}
		for _, act := range order {
			refuse := act == "refuseReturn" || act == "refuseRefund"
			groups := [][]string{byAction[act]}
			if refuse {
				groups = groups[:0]
				for _, id := range byAction[act] {
					groups = append(groups, []string{id})
				}
			}
			for _, ids := range groups {
				params := map[string]string{"action": act, "reverse_order_id": a.RequestID,
					"reverse_order_item_ids": orderIDs(ids), "comment": a.Comment}
				if refuse {
					params["reason_id"] = a.Reason
				}
				if len(urls) > 0 {
					params["image_info"] = imageList(a.Images, urls, "name", "url")
				}
				if err := c.call(ctx, request{method: http.MethodGet, path: pathReturnUpdate, token: true, write: true, params: params}, nil); err != nil {
					return err
				}
			}
		}
	default:
		return fmt.Errorf("lazada: %s is not possible on a cancellation request (order %s)", a.Step.Title(), o.OrderNo)
	}
	c.log.Info("lazada request answered", "order", o.OrderNo, "request", a.RequestID, "step", string(a.Step), "lines", len(lines))
	return nil
}

// imageList is the JSON of image_info ([{name,url}]) or image_info_list ([{file_name,file_url}]).
func imageList(images []domain.Image, urls []string, nameKey, urlKey string) string {
	list := make([]map[string]string, len(urls))
	for i, u := range urls {
		list[i] = map[string]string{nameKey: images[i].Name, urlKey: u}
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// uploadImages uploads the evidence, in order, and returns Lazada's url for each.
func (c *Client) uploadImages(ctx context.Context, images []domain.Image) ([]string, error) {
	var urls []string
	for _, im := range images {
		u, err := c.uploadImage(ctx, im)
		if err != nil {
			return nil, fmt.Errorf("lazada: uploading %s: %w", im.Name, err)
		}
		urls = append(urls, u)
	}
	return urls, nil
}

// uploadImage is POST /image/upload (UploadImage): multipart/form-data with the signed parameters
// as fields and the bytes in the file field "image", which Lazada leaves out of the signature.
// Uploading again is harmless, so any retryable failure is tried again, as reads are.
func (c *Client) uploadImage(ctx context.Context, im domain.Image) (string, error) {
	if len(im.Data) == 0 {
		return "", errors.New("the image is empty")
	}
	op := http.MethodPost + " " + pathImageUpload
	renewed := false
	for attempt := 1; ; attempt++ {
		access, err := c.accessToken(ctx)
		if err != nil {
			return "", err
		}
		var ans uploadAnswer
		wait, err := c.postImage(ctx, op, access, im, &ans)
		if err == nil {
			u := strings.TrimSpace(ans.Data.Image.URL)
			if u == "" {
				u = strings.TrimSpace(ans.Data.URL)
			}
			if u == "" {
				return "", &market.Error{Platform: domain.Lazada, Op: op, Status: http.StatusOK, Message: "the answer gives no image url"}
			}
			return u, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("lazada: %s: %w", op, ctx.Err())
		}
		var me *market.Error
		if !renewed && errors.As(err, &me) && me.Code == "IllegalAccessToken" {
			renewed = true
			if rerr := c.renewRefused(ctx, access); rerr != nil {
				return "", rerr
			}
			attempt--
			continue
		}
		if !market.Retryable(err) || attempt >= maxAttempts {
			return "", err
		}
		d := c.backoff(attempt, wait)
		c.log.Warn("lazada upload failed; retrying", "attempt", attempt, "wait", d, "err", err.Error())
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", fmt.Errorf("lazada: %s: stopped while waiting to retry (%v): %w", op, err, ctx.Err())
		case <-t.C:
		}
	}
}

// postImage sends one upload.
func (c *Client) postImage(ctx context.Context, op, access string, im domain.Image, out any) (time.Duration, error) {
	if err := c.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, &market.Error{Platform: domain.Lazada, Op: op, Message: "rate limiter: " + err.Error(), Retryable: true}
	}
	params := map[string]string{"app_key": c.cfg.AppKey, "timestamp": strconv.FormatInt(c.now().UnixMilli(), 10),
		"sign_method": "sha256", "access_token": access}
	params["sign"] = sign(c.cfg.AppSecret, pathImageUpload, params)
	secrets := []string{c.cfg.AppSecret, access, params["sign"]}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		_ = mw.WriteField(k, params[k])
	}
	name := im.Name
	if name == "" {
		name = "image"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="image"; filename=%q`, name))
	ctype := im.Type
	if ctype == "" {
		ctype = http.DetectContentType(im.Data)
	}
	h.Set("Content-Type", ctype)
	part, err := mw.CreatePart(h)
	if err == nil {
		_, err = part.Write(im.Data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return 0, &market.Error{Platform: domain.Lazada, Op: op, Message: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.apiRoot+pathImageUpload, &body)
	if err != nil {
		return 0, &market.Error{Platform: domain.Lazada, Op: op, Message: market.Redact(err.Error(), secrets...)}
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, transportError(op, err, secrets)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, transportError(op, err, secrets)
	}
	return market.RetryAfter(resp.Header.Get("Retry-After"), c.now()), decodeResponse(op, resp.StatusCode, b, out, secrets)
}
