package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Lazada cancellations, returns and refunds (reference L5; the seed's order cancellation guide;
// sync/AFTERSALE.md says which call each step is). Every answer is {"code":"0","data":..} and
// every refusal the gateway's error shape with the reverse APIs' own numeric codes and messages
// ("E0114: this reverse does not support this action"). A request's lines are its items, by
// order_item_id, in rv.lines; each line's reverse_order_line_id is derived from the request and
// the item, so it never changes. What the seller decides is kept as a Decision on the request,
// under the platform's own name for it: agreeCancel and refuseCancel (seller/decide), the
// return/update actions (instantRefund, agreeReturn, ...) and the refund-only ones (agreeRefund,
// startDispute).

// Reverse API error codes (the docs' tables for return/update, onlyrefund/seller/decide,
// cancel/validate, cancel/create, cancel/seller/decide, reason/list and return/detail/list).
const (
	lzRevListEmpty     = "100" // E0100: reverse order list is empty
	lzRevLineInvalid   = "102" // E0102: trade order line id is empty or invalid
	lzRevNoLine        = "103" // E0103: reverse order line id is empty when query reject reason
	lzRevReasonInvalid = "104" // E0104: reason is empty or invalid
	lzRevIDInvalid     = "105" // E0105: reverse order id is empty or invalid
	lzRevBadAction     = "107" // E0107: invalid action
	lzRevNoReason      = "108" // E0108: reason can't be empty if you want to refuse return or refund
	lzRevNoComment     = "109" // E0109: comment can't be empty ...
	lzRevNoImage       = "110" // E0110: image can't be empty ...
	lzRevOneLine       = "111" // E0111: do not support massive reverse order line operation ...
	lzRevNotFound      = "112" // E0112: no reverse order found
	lzRevUnsupported   = "114" // E0114: this reverse does not support this action
	lzRevNoOrder       = "115" // E0115: order id is null
	lzRevNoReasons     = "119" // E0119: cannot find any cancel reasons for these orders
	lzRevBadOrder      = "122" // E0122: invalid trade order
	lzRevBadLines      = "123" // E0123: invalid trade order lines %s
	lzRevBadReverseID  = "125" // E0125: invalid reverse id
	lzRevBadRevLines   = "126" // E0126: invalid reverse order lines
	lzRevNoDecision    = "131" // E0131: no decision for this reverse order
	lzRevNoBatch       = "133" // E0133: do not support batch operation
)

func lazadaRevError(c *call, code, msg string) reply {
	return lazadaError(c, http.StatusOK, "ISV", code, "E0"+code+": "+msg)
}

// lazadaReason is one reason of a Lazada list.
type lazadaReason struct{ id, text string }

// lazadaCancelReasons are the seller's cancel reasons of the seed's guide (the ids vary by
// country; these are its examples). Out of Stock and Wrong Price set the SKUs' stock to 0.
var lazadaCancelReasons = []lazadaReason{
	{"10000019", "Sourcing Delay"}, {"10000021", "Out of Stock"}, {"10000023", "Wrong Price or Pricing Error"},
}

var lazadaZeroingReasons = map[string]bool{"10000021": true, "10000023": true}

// The seed's tip texts: before a cancel (validate, tip_type warning) and after it (create,
// tip_type success).
const (
	lazadaCancelTip    = "SKU stock may be set to 0* after cancellation due to reasons: ‘out of stock’ or ‘incorrect pricing’, to prevent new orders while you adjust your stock/pricing. You can adjust your stock back up at any time. This adjustment will not impact existing orders. Note that cancellations can impact your ability to sell on Lazada if not managed carefully.\n\n*For more information, please view Seller Cancellation Policy page"
	lazadaCancelledTip = "The order has been cancelled and SKU stock may have been set to 0. Please ensure you check your stock/pricing under “Manage Products”. Your customer has also been informed of the cancellation and will receive a customer experience survey.\nPlease reach out to your customer if you would like to provide service recovery."
)

// The reject reasons /order/reverse/reason/list gives (reference L5 shows the shape, not the
// reasons): refusing a buyer's cancellation, refusing a return before the parcel comes back
// (refuseReturn), and refusing the refund once it is back (refuseRefund).
var (
	lazadaRejectCancelReasons = []lazadaReason{
		{"20000101", "The item has already been shipped"},
		{"20000102", "The buyer agreed to keep the order"},
		{"20000103", "The item is already packed for delivery"},
	}
	lazadaRefuseReturnReasons = []lazadaReason{
		{"20000201", "The return window has ended"},
		{"20000202", "The item is not eligible for return"},
		{"20000203", "The buyer's claim does not match the item sent"},
	}
	lazadaRefuseRefundReasons = []lazadaReason{
		{"20000301", "The returned item is damaged or used"},
		{"20000302", "The returned item is not the item sent"},
		{"20000303", "Items are missing from the returned parcel"},
		{"20000304", "The returned parcel was empty"},
	}
)

// lazadaRequestType is a request's request_type.
func lazadaRequestType(k domain.RequestKind) string {
	switch k {
	case domain.ReqCancel:
		return "CANCEL"
	case domain.ReqRefund:
		return "ONLY_REFUND"
	}
	return "RETURN"
}

// lazadaRevOpen reports whether a reverse status is one a request has before it is finished.
func lazadaRevOpen(st string) bool {
	switch st {
	case domain.LzRevRequestInitiate, domain.LzRevBuyerReturnItem, domain.LzRevShippingBack, domain.LzRevReceived, domain.LzRevRefundPending:
		return true
	}
	return false
}

// lazadaRevRank orders reverse statuses from the least advanced; finished ones come last.
func lazadaRevRank(st string) int {
	switch st {
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

// lazadaAwaits reports whether a line in this status awaits the seller.
func lazadaAwaits(st string) bool {
	return st == domain.LzRevRequestInitiate || st == domain.LzRevShippingBack || st == domain.LzRevReceived
}

// lazadaLineStatus is the reverse_status of the request's line for an order item. The shared
// buyer and platform moves (put, requestReturn, ResolveReturn, requestCancel) set a request's
// awaiting, and sometimes its status, without its lines; a line follows them: a finished request
// that awaits the seller again was asked again (REQUEST_INITIATE), and a line still at
// REQUEST_INITIATE of a request that no longer awaits was closed without an answer through the
// API (the request's own status when it moved on, else a cancel the buyer withdrew or a refund
// paid). A request answered here keeps its lines and status in step (lazadaMove), so neither
// applies to it.
func lazadaLineStatus(rv *reverse, itemID string) string {
	st := rv.lines[itemID]
	if st == "" {
		st = rv.status
	}
	switch {
	case rv.awaiting && !lazadaRevOpen(rv.status):
		return domain.LzRevRequestInitiate
	case !rv.awaiting && st == domain.LzRevRequestInitiate:
		switch {
		case rv.status != "" && rv.status != domain.LzRevRequestInitiate:
			return rv.status
		case rv.kind == domain.ReqCancel:
			return domain.LzRevRequestCancel
		}
		return domain.LzRevRefundSuccess
	}
	return st
}

// lazadaLineItems are the order's items that are lines of the request, in the order's order.
func lazadaLineItems(r *record, rv *reverse) []int {
	var out []int
	for i, it := range r.o.Items {
		if _, ok := rv.lines[it.PlatformItemID]; ok {
			out = append(out, i)
		}
	}
	return out
}

// lazadaRequestStatus is the least advanced of the request's lines.
func lazadaRequestStatus(r *record, rv *reverse) string {
	best := ""
	for _, i := range lazadaLineItems(r, rv) {
		st := lazadaLineStatus(rv, r.o.Items[i].PlatformItemID)
		if best == "" || lazadaRevRank(st) < lazadaRevRank(best) {
			best = st
		}
	}
	if best == "" {
		return lazadaLineStatus(rv, "")
	}
	return best
}

// lazadaLineID is a line's reverse_order_line_id.
func lazadaLineID(rv *reverse, itemID string) string {
	return derivedDigits(15, "reverse line", rv.id, itemID)
}

// lazadaMove sets the lines (order item ids) of a request to status, then the request's status
// (the least advanced line), whether it awaits the seller, and, for a return, the items'
// return_status and whether the order has an open return.
func (sh *shopState) lazadaMove(r *record, rv *reverse, itemIDs []string, status string, now time.Time) {
	for _, i := range lazadaLineItems(r, rv) { // settle every line first: the shared moves may have left them behind
		item := r.o.Items[i].PlatformItemID
		rv.lines[item] = lazadaLineStatus(rv, item)
	}
	for _, id := range itemIDs {
		rv.lines[id] = status
	}
	rv.status, rv.awaiting = "", false // the lines are settled: they alone say
	for _, st := range rv.lines {
		if rv.status == "" || lazadaRevRank(st) < lazadaRevRank(rv.status) {
			rv.status = st
		}
		rv.awaiting = rv.awaiting || lazadaAwaits(st)
	}
	rv.updated = now
	if rv.kind != domain.ReqCancel && rv == r.ret {
		open := false
		for i := range r.o.Items {
			it := &r.o.Items[i]
			if st, ok := rv.lines[it.PlatformItemID]; ok {
				it.ReturnStatus = st
				open = open || lazadaRevOpen(st)
			}
		}
		r.o.ReturnRequested = open
	}
	sh.touch(r, now)
}

// lazadaRequest finds a request of the shop by reverse_order_id: the order's return or refund, or
// its buyer's cancellation.
func (sh *shopState) lazadaRequest(id string) (*record, *reverse) {
	if id == "" {
		return nil, nil
	}
	for _, list := range [][]*record{sh.returns, sh.cancels} {
		for _, r := range list {
			for _, rv := range []*reverse{r.ret, r.cancel} {
				if rv != nil && rv.id == id {
					return r, rv
				}
			}
		}
	}
	return nil, nil
}

// lazadaRevEntry is one request of the shop, once.
type lazadaRevEntry struct {
	r  *record
	rv *reverse
}

// lazadaRequests lists every request of the shop once: an order is in sh.returns and sh.cancels
// once per request it opened, and a new buyer cancellation replaces the order's older one.
func (sh *shopState) lazadaRequests() []lazadaRevEntry {
	var out []lazadaRevEntry
	seen := map[*reverse]bool{}
	add := func(r *record, rv *reverse) {
		if rv != nil && !seen[rv] {
			seen[rv] = true
			out = append(out, lazadaRevEntry{r, rv})
		}
	}
	for _, r := range sh.returns {
		add(r, r.ret)
	}
	for _, r := range sh.cancels {
		add(r, r.cancel)
	}
	return out
}

// lazadaLinesParam reads a list of reverse_order_line_ids and maps them to the request's order
// item ids; ok=false when the list is empty (100) or names a line the request does not have (126).
// lazadaLines is lazadaLinesParam with its refusal as the call's answer.
func lazadaLines(c *call, r *record, rv *reverse, raw string) ([]string, *reply) {
	items, code := lazadaLinesParam(r, rv, raw)
	var msg string
	switch code {
	case lzRevListEmpty:
		msg = "reverse order list is empty"
	case lzRevBadRevLines:
		msg = "invalid reverse order lines"
	default:
		return items, nil
	}
	refusal := lazadaRevError(c, code, msg)
	return nil, &refusal
}

func lazadaLinesParam(r *record, rv *reverse, raw string) (items []string, code string) {
	ids := splitList(raw)
	if len(ids) == 0 {
		return nil, lzRevListEmpty
	}
	byLine := map[string]string{}
	for _, i := range lazadaLineItems(r, rv) {
		item := r.o.Items[i].PlatformItemID
		byLine[lazadaLineID(rv, item)] = item
	}
	for _, id := range ids {
		item, ok := byLine[id]
		if !ok {
			return nil, lzRevBadRevLines
		}
		if !slices.Contains(items, item) {
			items = append(items, item)
		}
	}
	return items, ""
}

func lazadaReasonText(list []lazadaReason, id string) (string, bool) {
	for _, r := range list {
		if r.id == id {
			return r.text, true
		}
	}
	return "", false
}

// lazadaRejectReasons are the reasons reason/list gives for a line in this status.
func lazadaRejectReasons(rv *reverse, status string) []lazadaReason {
	switch {
	case rv.kind == domain.ReqCancel:
		return lazadaRejectCancelReasons
	case lazadaRevRank(status) >= lazadaRevRank(domain.LzRevReceived):
		return lazadaRefuseRefundReasons
	}
	return lazadaRefuseReturnReasons
}

// lazadaCancellable says why an item cannot be cancelled by the seller ("" when it can): only
// items from Pending to Ready To Ship can, and not while the buyer's own cancellation awaits an
// answer.
func lazadaCancellable(o *domain.Order, it domain.Item) string {
	if it.Cancelled || it.Status == domain.LzCanceled {
		return fmt.Sprintf("Order item %s is already cancelled.", it.PlatformItemID)
	}
	switch it.Status {
	case domain.LzPending, domain.LzRepacked, domain.LzPacked, domain.LzReadyToShipPending, domain.LzReadyToShip, domain.LzToPack, domain.LzToShip:
	default:
		return fmt.Sprintf("Order item %s cannot be cancelled: it is %s. Only items from Pending to Ready To Ship can be cancelled.", it.PlatformItemID, it.Status)
	}
	if o.CancelRequested {
		return "The buyer has asked to cancel this order: accept or reject the buyer's request instead."
	}
	return ""
}

// lazadaCancelItems reads order_id and order_item_id_list for validate and create: the order and
// the positions of the items, or the refusal.
func (s *Sim) lazadaCancelItems(c *call, params url.Values) (*record, []int, *reply) {
	fail := func(code, msg string) (*record, []int, *reply) {
		rep := lazadaRevError(c, code, msg)
		return nil, nil, &rep
	}
	id := strings.TrimSpace(params.Get("order_id"))
	if id == "" {
		return fail(lzRevNoOrder, "order id is null")
	}
	r := c.shop.byPID[id]
	if r == nil {
		return fail(lzRevBadOrder, "invalid trade order")
	}
	ids := splitList(params.Get("order_item_id_list"))
	if len(ids) == 0 {
		return fail(lzRevLineInvalid, "trade order line id is empty or invalid")
	}
	var idx []int
	var unknown []string
	for _, it := range ids {
		i := slices.IndexFunc(r.o.Items, func(x domain.Item) bool { return x.PlatformItemID == it })
		switch {
		case i < 0:
			unknown = append(unknown, it)
		case !slices.Contains(idx, i):
			idx = append(idx, i)
		}
	}
	if len(unknown) > 0 {
		return fail(lzRevBadLines, "invalid trade order lines "+strings.Join(unknown, ","))
	}
	return r, idx, nil
}

// lazadaCancelRefusal is why the items cannot be cancelled, "" when they can.
func lazadaCancelRefusal(r *record, idx []int) string {
	var why []string
	for _, i := range idx {
		if w := lazadaCancellable(&r.o, r.o.Items[i]); w != "" && !slices.Contains(why, w) {
			why = append(why, w)
		}
	}
	return strings.Join(why, "\n")
}

// lazadaCancelValidate is GET /order/reverse/cancel/validate (OrderCancelValidate): the tip and
// the reasons when the items can be cancelled (tip_type warning), else tip_type error, the reason
// in the tip and no reasons.
func (s *Sim) lazadaCancelValidate(c *call, params url.Values) reply {
	r, idx, fail := s.lazadaCancelItems(c, params)
	if fail != nil {
		return *fail
	}
	if why := lazadaCancelRefusal(r, idx); why != "" {
		return lazadaOK(c, map[string]any{"tip_type": "error", "tip_content": why, "reason_options": []any{}})
	}
	opts := make([]map[string]string, 0, len(lazadaCancelReasons))
	for _, x := range lazadaCancelReasons {
		opts = append(opts, map[string]string{"reason_name": x.text, "reason_id": x.id})
	}
	return lazadaOK(c, map[string]any{"tip_type": "warning", "tip_content": lazadaCancelTip, "reason_options": opts})
}

// lazadaCancelCreate is GET /order/reverse/cancel/create (InitReverseOrderCancel): the items are
// cancelled by the seller, with every other live item of a package one of them is packed in
// (Lazada cancels the whole package). Out of Stock and Wrong Price set the chosen items' SKUs to
// 0. Items that cannot be cancelled get tip_type error (code "0", as the docs' example) and
// nothing changes.
func (s *Sim) lazadaCancelCreate(c *call, params url.Values) reply {
	r, idx, fail := s.lazadaCancelItems(c, params)
	if fail != nil {
		return *fail
	}
	reasonID := strings.TrimSpace(params.Get("reason_id"))
	reason, ok := lazadaReasonText(lazadaCancelReasons, reasonID)
	if !ok {
		return lazadaRevError(c, lzRevReasonInvalid, "reason is empty or invalid")
	}
	if why := lazadaCancelRefusal(r, idx); why != "" {
		return lazadaOK(c, map[string]any{"tip_type": "error", "tip_content": why})
	}
	sh, now, o := c.shop, s.stamp(), &r.o
	pkgs := map[string]bool{}
	for _, i := range idx {
		if it := o.Items[i]; it.PackageID != "" {
			pkgs[it.PackageID] = true
		}
	}
	cancel := slices.Clone(idx)
	for i, it := range o.Items {
		if pkgs[it.PackageID] && it.PackageID != "" && !slices.Contains(cancel, i) && lazadaCancellable(o, it) == "" {
			cancel = append(cancel, i)
		}
	}
	for _, i := range cancel {
		it := &o.Items[i]
		it.Status, it.Cancelled, it.CancelledBy, it.CancelReason = domain.LzCanceled, true, "seller", reason
	}
	if lazadaZeroingReasons[reasonID] {
		for _, i := range idx {
			if sku := o.Items[i].SKU; sku != "" && !slices.Contains(sh.zeroed, sku) {
				sh.zeroed = append(sh.zeroed, sku)
			}
		}
	}
	syncLazadaPackages(o)
	sh.touch(r, now)
	return lazadaOK(c, map[string]any{"tip_type": "success", "tip_content": lazadaCancelledTip})
}

// lazadaCancelDecide is GET /order/reverse/cancel/seller/decide: the seller agrees to the buyer's
// cancellation (its items are cancelled by the customer) or refuses it with a reason_code from
// reason/list (the order goes on; need_cancel_confirm is cleared either way).
func (s *Sim) lazadaCancelDecide(c *call, params url.Values) reply {
	id := strings.TrimSpace(params.Get("reverse_order_id"))
	if id == "" || !isDigits(id) {
		return lazadaRevError(c, lzRevIDInvalid, "reverse order id is empty or invalid")
	}
	r, rv := c.shop.lazadaRequest(id)
	if rv == nil || rv.kind != domain.ReqCancel {
		return lazadaRevError(c, lzRevIDInvalid, "reverse order id is empty or invalid")
	}
	agree, err := strconv.ParseBool(strings.TrimSpace(params.Get("agree_cancel")))
	if err != nil {
		return lazadaRevError(c, lzRevNoDecision, "no decision for this reverse order")
	}
	if lazadaRequestStatus(r, rv) != domain.LzRevRequestInitiate {
		return lazadaRevError(c, lzRevUnsupported, "this reverse does not support this action")
	}
	reasonID := strings.TrimSpace(params.Get("reason_code"))
	now := s.stamp()
	d := Decision{Step: "agreeCancel", Reason: reasonID, At: now}
	o := &r.o
	var lines []string
	for _, i := range lazadaLineItems(r, rv) {
		lines = append(lines, o.Items[i].PlatformItemID)
	}
	if agree {
		for _, i := range lazadaLineItems(r, rv) {
			if it := &o.Items[i]; !it.Cancelled {
				it.Status, it.Cancelled, it.CancelledBy, it.CancelReason = domain.LzCanceled, true, "buyer", rv.reason
			}
		}
		syncLazadaPackages(o)
		o.CancelRequested = false
		rv.decisions = append(rv.decisions, d)
		c.shop.lazadaMove(r, rv, lines, domain.LzRevCancelSuccess, now)
		return lazadaOK(c, nil)
	}
	if reasonID == "" || reasonID == "0" {
		return lazadaRevError(c, lzRevNoReason, "reason can't be empty if you want to refuse the cancellation")
	}
	if _, ok := lazadaReasonText(lazadaRejectCancelReasons, reasonID); !ok {
		return lazadaRevError(c, lzRevNoReason, "reason "+reasonID+" is not a reason to refuse this cancellation (see /order/reverse/reason/list)")
	}
	d.Step = "refuseCancel"
	o.CancelRequested = false
	rv.decisions = append(rv.decisions, d)
	c.shop.lazadaMove(r, rv, lines, domain.LzRevRequestReject, now)
	return lazadaOK(c, nil)
}

// lazadaReturnActions are return/update's actions: the statuses a line may be in, and where it
// goes.
var lazadaReturnActions = map[string]struct {
	from []string
	to   string
}{
	"instantRefund":   {[]string{domain.LzRevRequestInitiate}, domain.LzRevRefundPending},
	"agreeReturn":     {[]string{domain.LzRevRequestInitiate}, domain.LzRevBuyerReturnItem},
	"refuseReturn":    {[]string{domain.LzRevRequestInitiate}, domain.LzRevRequestReject},
	"confirmDelivery": {[]string{domain.LzRevBuyerReturnItem, domain.LzRevShippingBack}, domain.LzRevReceived},
	"agreeRefund":     {[]string{domain.LzRevReceived}, domain.LzRevRefundPending},
	"refuseRefund":    {[]string{domain.LzRevReceived}, domain.LzRevRefundPending},
}

// lazadaImages reads an image list parameter (a JSON array of objects whose urlKey is what
// /image/upload gave back) and finds the uploads; a refusal when it cannot be read or names an
// image the shop never uploaded.
func lazadaImages(c *call, params url.Values, param, urlKey string) ([]Upload, *reply) {
	raw := strings.TrimSpace(params.Get(param))
	if raw == "" {
		return nil, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, lazadaInvalid(c, param+" must be a JSON array of {"+urlKey+"}")
	}
	var refs []string
	for _, m := range list {
		var u string
		_ = json.Unmarshal(m[urlKey], &u)
		if u = strings.TrimSpace(u); u != "" {
			refs = append(refs, u)
		}
	}
	ups, unknown, ok := c.shop.uploaded(refs)
	if !ok {
		return nil, lazadaInvalid(c, param+": "+unknown+" is not an image uploaded with /image/upload")
	}
	return ups, nil
}

// lazadaReturnUpdate is GET /order/reverse/return/update: the seller's step on a return (request
// type RETURN) for the listed lines. Refusing takes one line a call (111), a reason from
// reason/list (108) and a comment (109); refusing the refund also evidence (110). A line not in a
// status the action applies to refuses the whole call (114).
func (s *Sim) lazadaReturnUpdate(c *call, params url.Values) reply {
	action := strings.TrimSpace(params.Get("action"))
	rule, ok := lazadaReturnActions[action]
	if !ok {
		return lazadaRevError(c, lzRevBadAction, "invalid action")
	}
	r, rv, fail := lazadaFindReverse(c, params)
	if fail != nil {
		return *fail
	}
	items, fail := lazadaLines(c, r, rv, params.Get("reverse_order_item_ids"))
	if fail != nil {
		return *fail
	}
	if rv.kind != domain.ReqReturn {
		return lazadaRevError(c, lzRevUnsupported, "this reverse does not support this action")
	}
	for _, it := range items {
		if !slices.Contains(rule.from, lazadaLineStatus(rv, it)) {
			return lazadaRevError(c, lzRevUnsupported, "this reverse does not support this action")
		}
	}
	refuse := action == "refuseReturn" || action == "refuseRefund"
	reasonID := strings.TrimSpace(params.Get("reason_id"))
	comment := strings.TrimSpace(params.Get("comment"))
	images, bad := lazadaImages(c, params, "image_info", "url")
	if bad != nil {
		return *bad
	}
	if refuse {
		if len(items) > 1 {
			return lazadaRevError(c, lzRevOneLine, "do not support massive reverse order line operation if you want to refuse return or refund")
		}
		if reasonID == "" || reasonID == "0" {
			return lazadaRevError(c, lzRevNoReason, "reason can't be empty if you want to refuse return or refund")
		}
		if _, ok := lazadaReasonText(lazadaRejectReasons(rv, lazadaLineStatus(rv, items[0])), reasonID); !ok {
			return lazadaRevError(c, lzRevNoReason, "reason "+reasonID+" is not a reason to refuse this return (see /order/reverse/reason/list)")
		}
		if comment == "" {
			return lazadaRevError(c, lzRevNoComment, "comment can't be empty if you want to refuse return or refund")
		}
		if action == "refuseRefund" && len(images) == 0 {
			return lazadaRevError(c, lzRevNoImage, "image can't be empty if you want to refuse refund")
		}
	}
	now := s.stamp()
	rv.decisions = append(rv.decisions, Decision{Step: action, Reason: reasonID, Comment: comment, Images: images, At: now})
	if action == "refuseRefund" {
		rv.dispute = true
	}
	c.shop.lazadaMove(r, rv, items, rule.to, now)
	return lazadaOK(c, map[string]any{"reverse_order_id": idNumber(rv.id)})
}

// lazadaFindReverse reads reverse_order_id for return/update and onlyrefund/seller/decide.
func lazadaFindReverse(c *call, params url.Values) (*record, *reverse, *reply) {
	id := strings.TrimSpace(params.Get("reverse_order_id"))
	if id == "" || !isDigits(id) {
		rep := lazadaRevError(c, lzRevBadReverseID, "invalid reverse id")
		return nil, nil, &rep
	}
	r, rv := c.shop.lazadaRequest(id)
	if rv == nil {
		rep := lazadaRevError(c, lzRevNotFound, "no reverse order found")
		return nil, nil, &rep
	}
	return r, rv, nil
}

// lazadaOnlyRefundDecide is GET /order/reverse/onlyrefund/seller/decide: the seller's answer to a
// refund-only request (request type ONLY_REFUND), one line a call: agreeRefund, or startDispute
// with a comment and evidence (image_info_list [{file_name, file_url}]). Both leave the line
// REFUND_PENDING while Lazada reviews it; a dispute is marked is_dispute.
func (s *Sim) lazadaOnlyRefundDecide(c *call, params url.Values) reply {
	action := strings.TrimSpace(params.Get("action"))
	if action != "agreeRefund" && action != "startDispute" {
		return lazadaRevError(c, lzRevBadAction, "invalid action")
	}
	r, rv, fail := lazadaFindReverse(c, params)
	if fail != nil {
		return *fail
	}
	if len(splitList(params.Get("reverse_order_item_ids"))) > 1 {
		return lazadaRevError(c, lzRevNoBatch, "do not support batch operation")
	}
	items, fail := lazadaLines(c, r, rv, params.Get("reverse_order_item_ids"))
	if fail != nil {
		return *fail
	}
	if rv.kind != domain.ReqRefund || lazadaLineStatus(rv, items[0]) != domain.LzRevRequestInitiate {
		return lazadaRevError(c, lzRevUnsupported, "this reverse does not support this action")
	}
	comment := strings.TrimSpace(params.Get("comment"))
	images, bad := lazadaImages(c, params, "image_info_list", "file_url")
	if bad != nil {
		return *bad
	}
	if action == "startDispute" {
		if comment == "" {
			return lazadaRevError(c, lzRevNoComment, "comment can't be empty if startDispute")
		}
		if len(images) == 0 {
			return lazadaRevError(c, lzRevNoImage, "image can't be empty if startDispute")
		}
		rv.dispute = true
	}
	now := s.stamp()
	rv.decisions = append(rv.decisions, Decision{Step: action, Comment: comment, Images: images, At: now})
	c.shop.lazadaMove(r, rv, items, domain.LzRevRefundPending, now)
	return lazadaOK(c, nil)
}

// lazadaReasonList is GET /order/reverse/reason/list: the reasons to refuse what the line is at
// (a buyer's cancellation, a return, or the refund of a returned item).
func (s *Sim) lazadaReasonList(c *call, params url.Values) reply {
	line := strings.TrimSpace(params.Get("reverse_order_line_id"))
	if line == "" {
		return lazadaRevError(c, lzRevNoLine, "reverse order line id is empty when query reject reason")
	}
	for _, e := range c.shop.lazadaRequests() {
		for _, i := range lazadaLineItems(e.r, e.rv) {
			item := e.r.o.Items[i].PlatformItemID
			if lazadaLineID(e.rv, item) != line {
				continue
			}
			list := lazadaRejectReasons(e.rv, lazadaLineStatus(e.rv, item))
			out := make([]map[string]any, 0, len(list))
			for _, x := range list {
				out = append(out, map[string]any{"reason_id": idNumber(x.id), "text": x.text, "muti_language_text": x.text})
			}
			return lazadaOK(c, out)
		}
	}
	return lazadaRevError(c, lzRevNoReasons, "cannot find any cancel reasons for these orders")
}

// lazadaReverseDetail is GET /order/reverse/return/detail/list: one request, its lines under
// reverseOrderLineDTOList.
func (s *Sim) lazadaReverseDetail(c *call, params url.Values) reply {
	id := strings.TrimSpace(params.Get("reverse_order_id"))
	r, rv := c.shop.lazadaRequest(id)
	if rv == nil {
		return lazadaRevError(c, lzRevIDInvalid, "reverse order id is empty or invalid")
	}
	out := lazadaReverseJSON(r, rv)
	out["reverseOrderLineDTOList"] = out["reverse_order_lines"]
	delete(out, "reverse_order_lines")
	return lazadaOK(c, out)
}

// lazadaBuyerReasons are the texts of the buyers' return reasons (aftersale.go keeps codes).
var lazadaBuyerReasons = map[string]string{
	"ITEM_DAMAGED": "Item is damaged", "WRONG_ITEM": "Received the wrong item",
	"DIFFERENT_DESCRIPTION": "Item does not match description", "ITEM_MISSING": "Item is missing from the parcel",
	"CHANGE_MIND": "Change of mind",
}

// lazadaOFCStatus is the reverse logistics status a line shows.
func lazadaOFCStatus(kind domain.RequestKind, st string) string {
	switch {
	case kind != domain.ReqReturn:
		return ""
	case st == domain.LzRevRequestInitiate || st == domain.LzRevBuyerReturnItem || st == domain.LzRevRequestReject:
		return "INITIAL"
	case st == domain.LzRevShippingBack:
		return "RETURN_RTM_SHIPPING"
	}
	return "RETURN_RTM_DELIVERED"
}

// lazadaReverseJSON renders a request as the reverse list does: request_type from its kind, one
// line per item, each with its own status; refund_amount and item_unit_price in integer minor
// units (cents; whole dong for VND, which has none).
func lazadaReverseJSON(r *record, rv *reverse) map[string]any {
	o := &r.o
	reasonText := rv.reason
	if t, ok := lazadaBuyerReasons[rv.reason]; ok {
		reasonText = t
	}
	lines := []map[string]any{}
	for _, i := range lazadaLineItems(r, rv) {
		it := o.Items[i]
		st := lazadaLineStatus(rv, it.PlatformItemID)
		lines = append(lines, map[string]any{
			"reverse_order_line_id":          idNumber(lazadaLineID(rv, it.PlatformItemID)),
			"trade_order_line_id":            idNumber(it.PlatformItemID),
			"reverse_status":                 st,
			"ofc_status":                     lazadaOFCStatus(rv.kind, st),
			"refund_amount":                  it.PaidPrice.Minor,
			"item_unit_price":                it.UnitPrice.Minor,
			"reason_code":                    idNumber(derivedDigits(8, "reason", rv.reason)),
			"reason_text":                    reasonText,
			"tracking_number":                rv.tracking,
			"sla":                            rv.created.Add(48 * time.Hour).UnixMilli(),
			"is_need_refund":                 true,
			"is_dispute":                     rv.dispute,
			"seller_sku_id":                  it.SKU,
			"platform_sku_id":                it.SKUID,
			"product":                        map[string]any{"product_id": it.ProductID, "product_sku": it.SKU},
			"productDTO":                     map[string]any{"product_id": it.ProductID, "sku": it.SKUID},
			"buyer":                          map[string]any{"buyer_id": idNumber(derivedDigits(9, "buyer", o.OrderNo)), "user_id": idNumber(derivedDigits(9, "buyer", o.OrderNo))},
			"trade_order_gmt_create":         o.CreatedAt.UnixMilli(),
			"return_order_line_gmt_create":   rv.created.UnixMilli(),
			"return_order_line_gmt_modified": rv.updated.UnixMilli(),
		})
	}
	return map[string]any{
		"reverse_order_id":    idNumber(rv.id),
		"trade_order_id":      idNumber(o.PlatformID),
		"request_type":        lazadaRequestType(rv.kind),
		"is_rtm":              rv.kind == domain.ReqReturn,
		"shipping_type":       map[bool]string{true: "DROP_OFF", false: ""}[rv.kind == domain.ReqReturn],
		"reverse_order_lines": lines,
	}
}

// lazadaMaxImage bounds an uploaded image (Lazada takes a few MB).
const lazadaMaxImage = domain.MaxImageBytes

// lazadaImageUpload is POST /image/upload (UploadImage): multipart/form-data whose file field
// "image" is not signed (the gateway signs every other parameter). A JPEG or PNG is kept as the
// shop's upload; the answer gives its url, for image_info.
func (s *Sim) lazadaImageUpload(c *call, params url.Values) reply {
	name, data, found := multipartFile(c.r.Header.Get("Content-Type"), c.body, "image")
	if !found {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "image" that is mandatory for processing this request is not supplied`)
	}
	if _, err := domain.ReadImage(name, data); err != nil || len(data) > lazadaMaxImage {
		msg := "image: not a JPEG or PNG image"
		if err != nil {
			msg = "image: " + err.Error()
		}
		return *lazadaInvalid(c, msg)
	}
	u := c.shop.upload(name, data)
	return lazadaOK(c, map[string]any{"image": map[string]string{"url": u.Ref, "hash_code": u.SHA256[:32]}})
}

// multipartFile reads the first file of a multipart/form-data body in the field.
func multipartFile(contentType string, body []byte, field string) (name string, data []byte, ok bool) {
	ct, params, err := mime.ParseMediaType(contentType)
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return "", nil, false
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return "", nil, false
		}
		if p.FormName() == field && p.FileName() != "" {
			b, err := io.ReadAll(io.LimitReader(p, maxBody))
			if err != nil {
				return "", nil, false
			}
			return p.FileName(), b, true
		}
	}
}
