package shopee

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// Cancellations and returns (S5; the calls each step is are in sync/MAPPING.md, Shopee).

// Documented paths (S5).
const (
	pathCancelOrder    = "/api/v2/order/cancel_order"
	pathBuyerCancel    = "/api/v2/order/handle_buyer_cancellation"
	pathReturnDetail   = "/api/v2/returns/get_return_detail"
	pathDisputeReasons = "/api/v2/returns/get_return_dispute_reason"
	pathConfirm        = "/api/v2/returns/confirm"
	pathOffer          = "/api/v2/returns/offer"
	pathAcceptOffer    = "/api/v2/returns/accept_offer"
	pathDispute        = "/api/v2/returns/dispute"
	pathConvertImage   = "/api/v2/returns/convert_image"
)

var _ market.AfterSaler = (*Client)(nil)

// cancellable are the order statuses cancel_order takes (S5: only before shipping).
var cancellable = map[string]bool{
	domain.SpReadyToShip: true, domain.SpInvoicePending: true, domain.SpProcessed: true, domain.SpRetryShip: true,
}

// CancelOptions lists Shopee's seller cancel reasons (S5) without a call: UNDELIVERABLE_AREA only
// for a shop in Taiwan or Malaysia (the store's region, else the buyer's). An order Shopee will
// not let the seller cancel any more (it has shipped, or is cancelled) is Refused.
func (c *Client) CancelOptions(_ context.Context, o domain.Order, _ []string) (domain.CancelOptions, error) {
	region := c.region
	if region == "" {
		region = strings.ToUpper(strings.TrimSpace(o.Address.Country))
	}
	var opts domain.CancelOptions
	for _, r := range domain.ShopeeCancelReasons {
		if r.ID == "UNDELIVERABLE_AREA" && region != "TW" && region != "MY" {
			continue
		}
		opts.Reasons = append(opts.Reasons, r)
	}
	if !cancellable[strings.ToUpper(strings.TrimSpace(o.Status))] {
		opts.Refused = true
		opts.Tip = fmt.Sprintf("Shopee lets the seller cancel an order only before it ships; this order is %s.",
			domain.StatusLabel(o.Status))
	}
	return opts, nil
}

// Reasons lists the dispute reasons of a return (get_return_dispute_reason); other steps take none.
func (c *Client) Reasons(ctx context.Context, _ domain.Order, r domain.AfterSale, step domain.Step) ([]domain.Reason, error) {
	if step != domain.StepDispute {
		return nil, nil
	}
	if strings.TrimSpace(r.ID) == "" {
		return nil, errors.New("shopee: the request has no return_sn")
	}
	q := url.Values{}
	q.Set("return_sn", r.ID)
	var ans map[string]json.RawMessage
	if _, err := c.call(ctx, request{method: http.MethodGet, path: pathDisputeReasons, params: q, out: &ans}); err != nil {
		return nil, err
	}
	return disputeReasons(ans), nil
}

// disputeReasons reads get_return_dispute_reason's list, under any of the names it has gone by
// (dispute_reason_list, dispute_reason, reason_list, reason), each entry {reason_id, reason_text}
// (or reason, text).
func disputeReasons(ans map[string]json.RawMessage) []domain.Reason {
	var out []domain.Reason
	for _, key := range []string{"dispute_reason_list", "dispute_reason", "reason_list", "reason"} {
		var list []struct {
			ID     lenient.String `json:"reason_id"`
			Text   string         `json:"reason_text"`
			Reason string         `json:"reason"`
			Other  string         `json:"text"`
		}
		if json.Unmarshal(ans[key], &list) != nil || len(list) == 0 {
			continue
		}
		for _, e := range list {
			text := firstNonEmpty(e.Text, e.Reason, e.Other, string(e.ID))
			if e.ID != "" {
				out = append(out, domain.Reason{ID: string(e.ID), Text: text})
			}
		}
		return out
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// Requests reads the order's requests now. A buyer's cancellation has no id (Shopee answers it
// by order_sn) and no call of its own: the order is read (get_order_detail), and while it is
// IN_CANCEL the request is open; once it is not, a cancellation Kedai knew of is reported closed,
// with the order's status now (CANCELLED when accepted, its earlier status when refused), so a
// kept IN_CANCEL request does not outlive the answer. Each known return (known and the order's
// own AfterSales) is read from get_return_detail, with its negotiation and offers. Shopee cannot
// list returns by order: a return Kedai has not seen in get_return_list is not found here.
func (c *Client) Requests(ctx context.Context, o domain.Order, known []domain.AfterSale) ([]domain.AfterSale, error) {
	all := append(slices.Clone(known), o.AfterSales...)
	if sn := orderSN(o); sn != "" {
		orders, _, err := (&puller{c: c}).detailCall(ctx, []string{sn})
		if err != nil {
			return nil, err
		}
		if len(orders) == 1 {
			orders[0].AfterSales = o.AfterSales
			o = orders[0]
		}
	}
	var out []domain.AfterSale
	knownCancel := slices.IndexFunc(all, func(r domain.AfterSale) bool { return r.Kind == domain.ReqCancel && r.ID == "" })
	switch {
	case strings.EqualFold(strings.TrimSpace(o.Status), domain.SpInCancel):
		out = append(out, buyerCancel(o))
	case knownCancel >= 0:
		r := buyerCancel(o)
		r.Status = o.Status
		if by := all[knownCancel].By; by != "" {
			r.By = by
		}
		if r.Reason == "" {
			r.Reason = all[knownCancel].Reason
		}
		for i := range r.Lines {
			r.Lines[i].Status = o.Status
		}
		out = append(out, r)
	}
	var sns []string
	for _, r := range all {
		if id := strings.TrimSpace(r.ID); r.Kind != domain.ReqCancel && id != "" && !slices.Contains(sns, id) {
			sns = append(sns, id)
		}
	}
	if len(sns) == 0 && (o.ReturnRequested || strings.EqualFold(o.Status, domain.SpToReturn)) {
		sn, err := c.findReturn(ctx, orderSN(o))
		if err != nil {
			return nil, err
		}
		if sn != "" {
			sns = append(sns, sn)
		}
	}
	for _, sn := range sns {
		q := url.Values{}
		q.Set("return_sn", sn)
		var j returnJSON
		req := request{method: http.MethodGet, path: pathReturnDetail, params: q, out: &j}
		if _, err := c.call(ctx, req); err != nil {
			return nil, err
		}
		r, err := j.toAfterSale(&o, c.currency())
		if err != nil {
			return nil, &market.Error{Platform: domain.Shopee, Op: req.op(), Status: http.StatusOK, Message: c.scrub(err.Error())}
		}
		if r.ID == "" {
			r.ID = sn
		}
		out = append(out, r)
	}
	return out, nil
}

// buyerCancel is the cancellation request an IN_CANCEL order stands for.
func buyerCancel(o domain.Order) domain.AfterSale {
	r := domain.AfterSale{Kind: domain.ReqCancel, Status: domain.SpInCancel, By: "buyer", Reason: o.CancelReason,
		Refund: o.Total, CounterLimit: -1, Updated: o.UpdatedAt}
	for _, it := range o.Items {
		r.Lines = append(r.Lines, domain.AfterSaleLine{ID: lineID(it.ProductID, it.SKUID), OrderItemID: it.PlatformItemID,
			SKU: it.SKU, Name: it.Name, Qty: it.Qty, Status: domain.SpInCancel, Refund: it.PaidPrice.Times(it.Qty)})
	}
	return r
}

func lineID(itemID, modelID string) string {
	if modelID == "" {
		modelID = "0"
	}
	return itemID + ":" + modelID
}

// Answer carries out one step on the order (S5): a seller's cancel (cancel_order; Out of Stock
// names the chosen items by item_id and model_id), the answer to a buyer's cancellation
// (handle_buyer_cancellation), or an answer to a return: Refund (confirm), Create Offer (offer),
// Accept Offer (accept_offer), Dispute (its images uploaded with convert_image first, then
// dispute). Shopee says nothing back worth showing: tip is always "". A refusal is a
// *market.Error with Shopee's code and message.
func (c *Client) Answer(ctx context.Context, o domain.Order, a domain.Answer) (string, error) {
	sn := orderSN(o)
	refuse := func(format string, args ...any) error {
		return &orderError{orderNo: o.OrderNo, msg: fmt.Sprintf(format, args...)}
	}
	if sn == "" {
		return "", refuse("the order has no order_sn")
	}
	send := func(path string, body map[string]any) error {
		_, err := c.call(ctx, request{method: http.MethodPost, path: path, body: body, once: true})
		return err
	}
	returnSN := strings.TrimSpace(a.RequestID)
	needReturn := func() error {
		if returnSN == "" {
			return refuse("%s needs the return's return_sn", a.Step.Title())
		}
		return nil
	}
	switch a.Step {
	case domain.StepCancel:
		body := map[string]any{"order_sn": sn, "cancel_reason": a.Reason}
		if a.Reason == "OUT_OF_STOCK" {
			list, err := outOfStock(o, a.Items)
			if err != nil {
				return "", refuse("%v", err)
			}
			body["item_list"] = list
		}
		return "", send(pathCancelOrder, body)
	case domain.StepAcceptCancel, domain.StepRejectCancel:
		op := "ACCEPT"
		if a.Step == domain.StepRejectCancel {
			op = "REJECT"
		}
		return "", send(pathBuyerCancel, map[string]any{"order_sn": sn, "operation": op})
	case domain.StepRefund:
		if err := needReturn(); err != nil {
			return "", err
		}
		return "", send(pathConfirm, map[string]any{"return_sn": returnSN})
	case domain.StepOffer:
		if err := needReturn(); err != nil {
			return "", err
		}
		return "", send(pathOffer, map[string]any{"return_sn": returnSN, "proposed_solution": a.Solution,
			"proposed_adjusted_refund_amount": json.Number(a.Amount.Decimal())})
	case domain.StepAcceptOffer:
		if err := needReturn(); err != nil {
			return "", err
		}
		return "", send(pathAcceptOffer, map[string]any{"return_sn": returnSN})
	case domain.StepDispute:
		if err := needReturn(); err != nil {
			return "", err
		}
		urls := []string{}
		for _, im := range a.Images {
			u, err := c.convertImage(ctx, im)
			if err != nil {
				var local *orderError
				if errors.As(err, &local) {
					local.orderNo = o.OrderNo
				}
				return "", err
			}
			urls = append(urls, u)
		}
		return "", send(pathDispute, map[string]any{"return_sn": returnSN, "email": strings.TrimSpace(a.Email),
			"dispute_reason_id": idValue(strings.TrimSpace(a.Reason)), "dispute_text_reason": a.Comment,
			"image_list": []map[string]any{{"module_index": 1, "requirement": 1, "image_url": urls}}})
	}
	return "", fmt.Errorf("shopee: order %s: %w: %s", o.OrderNo, ErrNoSuchAction, a.Step.Title())
}

// outOfStock is cancel_order's item_list for the chosen items (Item.PlatformItemID): each one's
// item_id and model_id, once.
func outOfStock(o domain.Order, ids []string) ([]map[string]any, error) {
	if len(ids) == 0 {
		return nil, errors.New("Out of Stock needs the items that are out of stock")
	}
	var list []map[string]any
	seen := map[string]bool{}
	for _, id := range ids {
		k := slices.IndexFunc(o.Items, func(it domain.Item) bool { return it.PlatformItemID == id })
		if k < 0 {
			return nil, fmt.Errorf("the order has no item %s", id)
		}
		it := o.Items[k]
		if strings.TrimSpace(it.ProductID) == "" {
			return nil, fmt.Errorf("item %s has no item_id", id)
		}
		model := it.SKUID
		if model == "" {
			model = "0"
		}
		if key := lineID(it.ProductID, model); !seen[key] {
			seen[key] = true
			list = append(list, map[string]any{"item_id": idValue(it.ProductID), "model_id": idValue(model)})
		}
	}
	return list, nil
}

// convertImage uploads one evidence image (convert_image, multipart/form-data, file field
// upload_image) and returns the URL Shopee gave it.
func (c *Client) convertImage(ctx context.Context, im domain.Image) (string, error) {
	checked, err := domain.ReadImage(im.Name, im.Data)
	if err != nil {
		return "", &orderError{msg: err.Error()}
	}
	name := strings.TrimSpace(im.Name)
	if name == "" {
		name = "evidence.jpg"
		if checked.Type == "image/png" {
			name = "evidence.png"
		}
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="upload_image"; filename=%q`, name))
	h.Set("Content-Type", checked.Type)
	part, err := w.CreatePart(h)
	if err == nil {
		_, err = part.Write(im.Data)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return "", fmt.Errorf("shopee: encoding image %s: %w", name, err)
	}
	var ans struct {
		URL      string `json:"url"`
		ImageURL string `json:"image_url"`
		Images   []struct {
			URL string `json:"url"`
		} `json:"images"`
		ImageInfo struct {
			ImageURL string `json:"image_url"`
		} `json:"image_info"`
	}
	req := request{method: http.MethodPost, path: pathConvertImage, form: buf.Bytes(), formType: w.FormDataContentType(), out: &ans}
	if _, err := c.call(ctx, req); err != nil {
		return "", err
	}
	u := firstNonEmpty(ans.URL, ans.ImageURL, ans.ImageInfo.ImageURL)
	if u == "" && len(ans.Images) > 0 {
		u = strings.TrimSpace(ans.Images[0].URL)
	}
	if u == "" {
		return "", &market.Error{Platform: domain.Shopee, Op: req.op(), Status: http.StatusOK,
			Message: "the answer gives no URL for the image", Retryable: true}
	}
	return u, nil
}

// returnJSON is one return as get_return_list and get_return_detail report it (S5); the
// negotiation and offer_history come only with the detail.
type returnJSON struct {
	ReturnSN     lenient.String  `json:"return_sn"`
	OrderSN      lenient.String  `json:"order_sn"`
	Status       string          `json:"status"`
	Reason       string          `json:"reason"`
	TextReason   string          `json:"text_reason"`
	Image        []string        `json:"image"`
	RefundAmount lenient.Decimal `json:"refund_amount"`
	Currency     string          `json:"currency"`
	CreateTime   lenient.Int     `json:"create_time"`
	UpdateTime   lenient.Int     `json:"update_time"`
	DueDate      lenient.Int     `json:"due_date"`
	SellerDue    lenient.Int     `json:"return_seller_due_date"`
	Tracking     lenient.String  `json:"tracking_number"`
	Solution     *lenient.String `json:"return_solution"`
	NegStatus    string          `json:"negotiation_status"`
	Item         []struct {
		ItemID       lenient.String  `json:"item_id"`
		ModelID      lenient.String  `json:"model_id"`
		Name         string          `json:"name"`
		Amount       lenient.Int     `json:"amount"`
		ItemPrice    lenient.Decimal `json:"item_price"`
		RefundAmount lenient.Decimal `json:"refund_amount"`
		ItemSKU      string          `json:"item_sku"`
		VariationSKU string          `json:"variation_sku"`
	} `json:"item"`
	Negotiation *struct {
		Status       string          `json:"negotiation_status"`
		Solution     lenient.String  `json:"latest_solution"`
		Amount       lenient.Decimal `json:"latest_offer_amount"`
		Creator      string          `json:"latest_offer_creator"`
		CounterLimit *lenient.Int    `json:"counter_limit"`
		OfferDue     lenient.Int     `json:"offer_due_date"`
	} `json:"negotiation"`
	OfferHistory []struct {
		Proposer   string          `json:"proposer"`
		Solution   lenient.String  `json:"solution"`
		Amount     lenient.Decimal `json:"amount"`
		CreateTime lenient.Int     `json:"create_time"`
	} `json:"offer_history"`
}

// solutionName reads a solution given as RETURN_REFUND/REFUND (or REFUND_ONLY) or as
// return_solution's 0/1.
func solutionName(s string) string {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "0", domain.SpSolutionReturnRefund:
		return domain.SpSolutionReturnRefund
	case "1", domain.SpSolutionRefund, "REFUND_ONLY":
		return domain.SpSolutionRefund
	}
	return strings.TrimSpace(s)
}

// returnReasons are the seller's words for Shopee's ReturnReason codes (S5); others are spelt
// out from the code.
var returnReasons = map[string]string{
	"NOT_RECEIPT":           "Did not receive the order",
	"WRONG_ITEM":            "Received the wrong item",
	"ITEM_DAMAGED":          "Item is damaged",
	"DIFFERENT_DESCRIPTION": "Item is different from its description",
	"MUTUAL_AGREE":          "Agreed with the seller",
	"OTHER":                 "Other",
	"CHANGE_MIND":           "Changed their mind",
	"ITEM_MISSING":          "Item or part of it is missing",
	"EXPECTATION_FAILED":    "Item did not meet expectations",
	"ITEM_FAKE":             "Item is counterfeit",
	"PHYSICAL_DMG":          "Item is physically damaged",
	"FUNCTIONAL_DMG":        "Item does not work",
}

func reasonWords(code string) string {
	code = strings.TrimSpace(code)
	if w, ok := returnReasons[strings.ToUpper(code)]; ok {
		return w
	}
	if code == "" || strings.ContainsAny(code, " abcdefghijklmnopqrstuvwxyz") {
		return code
	}
	w := strings.ToLower(strings.ReplaceAll(code, "_", " "))
	return strings.ToUpper(w[:1]) + w[1:]
}

// toAfterSale maps a return to a request (MAPPING.md, Shopee Returns). o, when given, is its
// order: a line names the order's item with that item_id and model_id.
func (j *returnJSON) toAfterSale(o *domain.Order, fallbackCurrency string) (domain.AfterSale, error) {
	cur := strings.TrimSpace(j.Currency)
	if cur == "" && o != nil {
		cur = o.Currency
	}
	if cur == "" {
		cur = fallbackCurrency
	}
	r := domain.AfterSale{
		Kind:         domain.ReqReturn,
		ID:           strings.TrimSpace(string(j.ReturnSN)),
		Status:       strings.TrimSpace(j.Status),
		Negotiation:  strings.TrimSpace(j.NegStatus),
		CounterLimit: -1,
		By:           "buyer",
		Reason:       reasonWords(j.Reason),
		Comment:      strings.TrimSpace(j.TextReason),
		Tracking:     strings.TrimSpace(string(j.Tracking)),
		Deadline:     epoch(j.DueDate),
		Created:      epoch(j.CreateTime),
		Updated:      epoch(j.UpdateTime),
	}
	if r.Deadline.IsZero() {
		r.Deadline = epoch(j.SellerDue)
	}
	for _, im := range j.Image {
		if im = strings.TrimSpace(im); im != "" {
			r.Images = append(r.Images, im)
		}
	}
	solution := domain.SpSolutionReturnRefund
	if j.Solution != nil && solutionName(string(*j.Solution)) == domain.SpSolutionRefund {
		r.Kind, solution = domain.ReqRefund, domain.SpSolutionRefund
	}
	st := strings.ToUpper(r.Status)
	r.Dispute = st == domain.SpRetJudging || st == domain.SpRetSellerDispute
	bad := func(field string, e error) error { return fmt.Errorf("return %s: %s: %w", r.ID, field, e) }
	var err error
	if r.Refund, err = money(j.RefundAmount, cur); err != nil {
		return r, bad("refund_amount", err)
	}
	for _, it := range j.Item {
		l := domain.AfterSaleLine{ID: lineID(string(it.ItemID), string(it.ModelID)), OrderItemID: string(it.ItemID),
			SKU: firstNonEmpty(it.VariationSKU, it.ItemSKU), Name: it.Name, Qty: int(it.Amount), Status: r.Status}
		if o != nil {
			for _, oi := range o.Items {
				if lineID(oi.ProductID, oi.SKUID) == l.ID {
					l.OrderItemID = oi.PlatformItemID
					break
				}
			}
		}
		if it.RefundAmount != "" {
			if l.Refund, err = money(it.RefundAmount, cur); err != nil {
				return r, bad("item refund_amount", err)
			}
		} else {
			price, err := money(it.ItemPrice, cur)
			if err != nil {
				return r, bad("item_price", err)
			}
			l.Refund = price.Times(max(l.Qty, 1))
		}
		r.Lines = append(r.Lines, l)
	}
	n := j.Negotiation
	if n != nil {
		if s := strings.TrimSpace(n.Status); s != "" {
			r.Negotiation = s
		}
		if n.CounterLimit != nil {
			r.CounterLimit = int(*n.CounterLimit)
		}
	}
	// The offers: offer_history when Shopee gives it; else the buyer's request and, when the
	// negotiation names a latest offer that differs, that offer (by whom the negotiation awaits).
	for _, h := range j.OfferHistory {
		amount, err := money(h.Amount, cur)
		if err != nil {
			return r, bad("offer_history amount", err)
		}
		r.Offers = append(r.Offers, domain.Offer{By: strings.ToLower(strings.TrimSpace(h.Proposer)),
			Solution: solutionName(string(h.Solution)), Amount: amount, At: epoch(h.CreateTime)})
	}
	if len(j.OfferHistory) == 0 && n != nil {
		r.Offers = []domain.Offer{{By: "buyer", Solution: solution, Amount: r.Refund, At: r.Created}}
		if n.Amount != "" {
			amount, err := money(n.Amount, cur)
			if err != nil {
				return r, bad("latest_offer_amount", err)
			}
			by := strings.ToLower(strings.TrimSpace(n.Creator))
			if by == "" {
				by = "buyer"
				if strings.EqualFold(r.Negotiation, domain.SpNegPendingBuyerRespond) {
					by = "seller"
				}
			}
			latest := domain.Offer{By: by, Solution: solutionName(string(n.Solution)), Amount: amount, At: r.Updated}
			if latest.Solution == "" {
				latest.Solution = solution
			}
			first := r.Offers[0]
			if amount.Minor > 0 && (latest.By != first.By || latest.Amount != first.Amount || latest.Solution != first.Solution) {
				r.Offers = append(r.Offers, latest)
			}
		}
	}
	return r, nil
}

// findReturnWindows is how far back findReturn looks: 6 windows of 15 days.
const findReturnWindows = 6

// findReturn looks for the return_sn of an order Kedai has no return of yet (Shopee cannot list
// returns by order): get_return_list by update time, newest window first.
func (c *Client) findReturn(ctx context.Context, sn string) (string, error) {
	if sn == "" {
		return "", nil
	}
	p := &puller{c: c}
	to := c.now().Unix() + 1
	for i := 0; i < findReturnWindows; i++ {
		w := window{from: to - int64(MaxWindow/time.Second), to: to}
		seen := map[string]returnSeen{}
		if err := p.returnWindow(ctx, w, seen); err != nil {
			return "", err
		}
		best := returnSeen{}
		for _, r := range seen {
			if r.orderSN == sn && r.entry != nil && string(r.entry.ReturnSN) != "" && r.updated >= best.updated {
				best = r
			}
		}
		if best.entry != nil {
			return string(best.entry.ReturnSN), nil
		}
		to = w.from
	}
	return "", nil
}
