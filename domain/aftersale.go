package domain

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// RequestKind is what an after-sale request asks for.
type RequestKind string

const (
	ReqCancel RequestKind = "cancel" // cancel the order (or some of its items)
	ReqReturn RequestKind = "return" // return the goods, then refund
	ReqRefund RequestKind = "refund" // refund only: the buyer keeps the goods
)

// Title names the kind as the seller centres do.
func (k RequestKind) Title() string {
	switch k {
	case ReqCancel:
		return "Cancellation"
	case ReqReturn:
		return "Return and Refund"
	case ReqRefund:
		return "Refund Only"
	}
	return string(k)
}

// AfterSale is one cancellation, return or refund request on an order, as the platform reports it
// (reference L5, S5, T5).
type AfterSale struct {
	Kind RequestKind
	// ID is the platform's id of the request: Lazada reverse_order_id, Shopee return_sn (empty for
	// a buyer's cancellation: Shopee answers it by order_sn), TikTok cancel_id or return_id.
	ID string
	// Status is the platform's status verbatim: Lazada the lines' reverse_status (the least
	// advanced when they differ), Shopee the return status (IN_CANCEL for a buyer's cancellation),
	// TikTok cancel_status or return_status.
	Status string
	// Negotiation is Shopee's negotiation_status (PENDING_RESPOND: the buyer's offer awaits the
	// seller; PENDING_BUYER_RESPOND: the seller's offer awaits the buyer; TERMINATED).
	Negotiation  string
	CounterLimit int    // Shopee: offers the seller may still make (-1 when the platform does not say)
	By           string // who asked: buyer, seller or system
	Reason       string // the request's reason, as text
	Comment      string // the buyer's own words
	Refund       Money  // what the buyer asks back (Shopee: refund_amount)
	Tracking     string // the return parcel's tracking number
	Deadline     time.Time
	Dispute      bool     // the platform is judging a dispute on it
	Images       []string // the buyer's evidence (URLs)
	Lines        []AfterSaleLine
	Offers       []Offer // Shopee: the negotiation's offers, oldest first
	Created      time.Time
	Updated      time.Time
}

// AfterSaleLine is one item of a request.
type AfterSaleLine struct {
	ID          string // Lazada reverse_order_line_id, TikTok return_line_item_id; Shopee item_id:model_id
	OrderItemID string // the order's item (Item.PlatformItemID; Shopee item_id)
	SKU         string
	Name        string
	Qty         int
	Status      string // Lazada: the line's reverse_status
	Refund      Money
}

// Offer is one offer of a Shopee return negotiation.
type Offer struct {
	By       string // buyer or seller
	Solution string // RETURN_REFUND or REFUND
	Amount   Money
	At       time.Time
}

// Lazada reverse statuses Kedai acts on (reference L5; the push keys name the return stages).
const (
	LzRevRequestInitiate = "REQUEST_INITIATE"  // awaits the seller
	LzRevBuyerReturnItem = "BUYER_RETURN_ITEM" // the seller agreed: the buyer sends it back
	LzRevShippingBack    = "RTM_SHIPPING_BACK" // on its way back
	LzRevReceived        = "RTM_RECEIVE_ITEM"  // the seller confirmed receipt: refund or reject
	LzRevRefundPending   = "REFUND_PENDING"    // Lazada reviews the refund (or the seller's rejection)
	LzRevRefundSuccess   = "REFUND_SUCCESS"
	LzRevRefundRejected  = "REFUND_REJECTED"
	LzRevRequestReject   = "REQUEST_REJECT"
	LzRevRequestCancel   = "REQUEST_CANCEL"
	LzRevCancelSuccess   = "CANCEL_SUCCESS"
)

// Shopee return and negotiation statuses (reference S5).
const (
	SpRetRequested     = "REQUESTED"
	SpRetAccepted      = "ACCEPTED"
	SpRetCancelled     = "CANCELLED"
	SpRetJudging       = "JUDGING"
	SpRetClosed        = "CLOSED"
	SpRetProcessing    = "PROCESSING"
	SpRetSellerDispute = "SELLER_DISPUTE"

	SpNegPendingRespond      = "PENDING_RESPOND"
	SpNegPendingBuyerRespond = "PENDING_BUYER_RESPOND"
	SpNegTerminated          = "TERMINATED"

	SpSolutionReturnRefund = "RETURN_REFUND"
	SpSolutionRefund       = "REFUND"
)

// TikTok cancellation and return statuses (reference T5).
const (
	TtCancelPending   = "CANCELLATION_REQUEST_PENDING"
	TtCancelSuccess   = "CANCELLATION_REQUEST_SUCCESS"
	TtCancelCancel    = "CANCELLATION_REQUEST_CANCEL"
	TtCancelComplete  = "CANCELLATION_REQUEST_COMPLETE"
	TtReturnPending   = "RETURN_OR_REFUND_REQUEST_PENDING"
	TtReturnReject    = "REFUND_OR_RETURN_REQUEST_REJECT"
	TtAwaitingShip    = "AWAITING_BUYER_SHIP"
	TtBuyerShipped    = "BUYER_SHIPPED_ITEM"
	TtRejectReceive   = "REJECT_RECEIVE_PACKAGE"
	TtReturnSuccess   = "RETURN_OR_REFUND_REQUEST_SUCCESS"
	TtReturnCancel    = "RETURN_OR_REFUND_REQUEST_CANCEL"
	TtReturnComplete  = "RETURN_OR_REFUND_REQUEST_COMPLETE"
	TtAwaitingBuyerRe = "AWAITING_BUYER_RESPONSE"
)

// Step is one thing a seller does about a cancellation or a return.
type Step string

const (
	StepCancel         Step = "cancel"          // the seller cancels (Lazada: chosen items)
	StepAcceptCancel   Step = "accept-cancel"   // agree to the buyer's cancellation
	StepRejectCancel   Step = "reject-cancel"   // refuse it
	StepRefund         Step = "refund"          // refund now (Lazada instantRefund/agreeRefund, Shopee confirm, TikTok approve)
	StepAgreeReturn    Step = "agree-return"    // ask the buyer to send the goods back
	StepConfirmReceipt Step = "confirm-receipt" // Lazada: the returned parcel arrived
	StepReject         Step = "reject"          // refuse the return or the refund, with a reason (and evidence)
	StepOffer          Step = "offer"           // Shopee: offer another amount or solution
	StepAcceptOffer    Step = "accept-offer"    // Shopee: accept the buyer's offer
	StepDispute        Step = "dispute"         // ask the platform to judge
)

// Title is the step's button label.
func (s Step) Title() string {
	switch s {
	case StepCancel:
		return "Cancel Order"
	case StepAcceptCancel:
		return "Accept Cancellation"
	case StepRejectCancel:
		return "Reject Cancellation"
	case StepRefund:
		return "Refund"
	case StepAgreeReturn:
		return "Agree to Return"
	case StepConfirmReceipt:
		return "Confirm Return Receipt"
	case StepReject:
		return "Reject"
	case StepOffer:
		return "Create Offer"
	case StepAcceptOffer:
		return "Accept Offer"
	case StepDispute:
		return "Dispute"
	}
	return string(s)
}

// Action is the outbox action a step travels as.
func (s Step) Action() Action {
	switch s {
	case StepCancel:
		return ActCancel
	case StepAcceptCancel, StepRejectCancel:
		return ActAnswerCancel
	}
	return ActAnswerReturn
}

// AfterSale reports whether the action is an answer about a cancellation or a return: it carries
// the seller's Answer and is taken one order at a time.
func (a Action) AfterSale() bool {
	return a == ActCancel || a == ActAnswerCancel || a == ActAnswerReturn
}

// Needs is what a step asks of the seller.
type Needs struct {
	Items     bool // which items (Lazada cancel; Shopee out of stock)
	Reason    bool // a reason from the platform's list
	Comment   bool // words of the seller's own
	Images    bool // at least one evidence image
	MaxImages int  // 0: no images taken
	Amount    bool // Shopee offer: the amount
	Solution  bool // Shopee offer: return and refund, or refund only
	Email     bool // Shopee dispute: the seller's email
}

// MaxImageBytes is the largest evidence image Kedai sends (the platforms take a few MB).
const MaxImageBytes = 5 << 20

// StepNeeds says what the step needs on this platform for this request (nil for a seller's cancel).
func StepNeeds(p Platform, r *AfterSale, s Step) Needs {
	switch s {
	case StepCancel:
		return Needs{Items: p == Lazada, Reason: true}
	case StepRejectCancel:
		switch p {
		case Lazada:
			return Needs{Reason: true}
		case TikTok:
			return Needs{Reason: true, Comment: true, MaxImages: 3}
		}
	case StepReject:
		switch p {
		case Lazada:
			if r != nil && strings.EqualFold(r.Status, LzRevReceived) { // refuseRefund
				return Needs{Reason: true, Comment: true, Images: true, MaxImages: 5}
			}
			return Needs{Reason: true, Comment: true, MaxImages: 5} // refuseReturn
		case TikTok:
			n := Needs{Reason: true, Comment: true, MaxImages: 5}
			n.Images = r != nil && strings.EqualFold(r.Status, TtBuyerShipped)
			return n
		}
	case StepOffer:
		return Needs{Amount: true, Solution: true}
	case StepDispute:
		if p == Shopee {
			return Needs{Reason: true, Comment: true, Email: true, Images: true, MaxImages: 3}
		}
		// Lazada's refund-only dispute requires words and evidence (its errors 109 and 110).
		return Needs{Comment: true, Images: p == Lazada, MaxImages: 5}
	}
	return Needs{}
}

// AfterSaleOpen reports whether the request still concerns the seller: it keeps a return's order
// on To Return, and a cancellation's on To Cancel while it awaits the seller.
func AfterSaleOpen(p Platform, r *AfterSale) bool {
	st := strings.ToUpper(r.Status)
	if r.Kind == ReqCancel {
		switch p {
		case Lazada:
			return st == LzRevRequestInitiate
		case Shopee:
			return st == SpInCancel
		case TikTok:
			return st == TtCancelPending
		}
		return false
	}
	switch p {
	case Lazada:
		switch st {
		case LzRevRequestInitiate, LzRevBuyerReturnItem, LzRevShippingBack, LzRevReceived, LzRevRefundPending:
			return true
		}
	case Shopee:
		switch st {
		case SpRetRequested, SpRetProcessing, SpRetJudging, SpRetSellerDispute:
			return true
		}
	case TikTok:
		switch st {
		case TtReturnPending, TtAwaitingShip, TtBuyerShipped, TtAwaitingBuyerRe:
			return true
		}
	}
	return false
}

// AfterSaleSteps lists what the seller can do about the request now, in button order.
func AfterSaleSteps(p Platform, r *AfterSale) []Step {
	st := strings.ToUpper(r.Status)
	if r.Kind == ReqCancel {
		if AfterSaleOpen(p, r) && r.By != "seller" {
			return []Step{StepAcceptCancel, StepRejectCancel}
		}
		return nil
	}
	switch p {
	case Lazada:
		switch st {
		case LzRevRequestInitiate:
			if r.Kind == ReqRefund {
				return []Step{StepRefund, StepDispute}
			}
			return []Step{StepRefund, StepAgreeReturn, StepReject}
		case LzRevBuyerReturnItem, LzRevShippingBack:
			return []Step{StepConfirmReceipt}
		case LzRevReceived:
			return []Step{StepRefund, StepReject}
		}
	case Shopee:
		if st != SpRetRequested && st != SpRetProcessing {
			return nil
		}
		if r.Kind == ReqRefund {
			return []Step{StepRefund, StepDispute}
		}
		steps := []Step{StepOffer}
		if strings.EqualFold(r.Negotiation, SpNegPendingRespond) {
			steps = append(steps, StepAcceptOffer)
		}
		if r.CounterLimit == 0 { // no offers left
			steps = steps[1:]
		}
		return append(steps, StepDispute)
	case TikTok:
		switch st {
		case TtReturnPending:
			if r.Kind == ReqRefund {
				return []Step{StepRefund, StepReject}
			}
			return []Step{StepAgreeReturn, StepReject}
		case TtBuyerShipped:
			return []Step{StepRefund, StepReject}
		}
	}
	return nil
}

// StatusWords says where a request stands, in the seller's words.
func (r *AfterSale) StatusWords(p Platform) string {
	st := strings.ToUpper(r.Status)
	switch {
	case p == Lazada && st == LzRevRefundPending:
		return "Refund Pending: Lazada is reviewing it"
	case p == Lazada && (st == LzRevBuyerReturnItem || st == LzRevShippingBack):
		return "Buyer Return Item: confirm receipt when the parcel arrives"
	case p == Lazada && st == LzRevReceived:
		return "Return received: refund or reject"
	case p == Shopee && strings.EqualFold(r.Negotiation, SpNegPendingRespond) && r.Kind != ReqCancel:
		return StatusLabel(r.Status) + ": the buyer's offer awaits you"
	case p == Shopee && strings.EqualFold(r.Negotiation, SpNegPendingBuyerRespond):
		return StatusLabel(r.Status) + ": your offer awaits the buyer"
	case p == TikTok && st == TtAwaitingShip:
		return "Awaiting the buyer's parcel"
	case p == TikTok && st == TtBuyerShipped:
		return "The buyer shipped the item: refund or reject"
	}
	return StatusLabel(r.Status)
}

// Reason is one choice of reason a platform offers.
type Reason struct {
	ID   string // what the platform wants back: Lazada reason_id, Shopee code, TikTok reason name
	Text string // what the seller reads
}

// CancelOptions is what the platform says about cancelling an order (Lazada OrderCancelValidate).
type CancelOptions struct {
	Reasons []Reason
	Tip     string // the platform's tip text, shown as it is
	TipType string // Lazada tip_type: warning, warn, error...
	// Refused is set when the platform says the items cannot be cancelled (Lazada tip_type
	// "error"); Tip says why.
	Refused bool
}

// Image is an evidence image the seller attaches.
type Image struct {
	Name string // the file's name
	Type string // image/jpeg or image/png
	Data []byte
}

// ReadImage checks an evidence image's bytes and names its type.
func ReadImage(name string, data []byte) (Image, error) {
	im := Image{Name: name, Data: data}
	switch {
	case len(data) == 0:
		return im, fmt.Errorf("%s is empty", name)
	case len(data) > MaxImageBytes:
		return im, fmt.Errorf("%s is %.1f MB: an evidence image may be at most %d MB", name, float64(len(data))/(1<<20), MaxImageBytes>>20)
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		im.Type = "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		im.Type = "image/png"
	default:
		return im, fmt.Errorf("%s is not a JPEG or PNG image", name)
	}
	return im, nil
}

// Answer is the seller's decision on one order: a seller's cancel, or a step on a request. It
// travels through the outbox as it is.
type Answer struct {
	Step      Step
	RequestID string // the AfterSale's ID ("" for a seller's cancel)
	Kind      RequestKind
	// FromStatus is the request's status when the seller decided: a retry that finds the
	// request moved on knows the step was taken.
	FromStatus string
	// Items: a Lazada cancel's order_item_ids, Shopee's out-of-stock items (PlatformItemIDs), a
	// TikTok cancel's line item ids (empty: the whole order); for a return, the lines it concerns
	// (AfterSaleLine.ID; empty: every line).
	Items      []string
	Reason     string // the Reason.ID chosen
	ReasonText string // the Reason.Text, for messages
	Comment    string
	Email      string
	Solution   string // Shopee offer: RETURN_REFUND or REFUND
	Amount     Money  // Shopee offer
	Images     []Image
}

// Shopee seller cancel reasons (reference S5). UNDELIVERABLE_AREA is for Taiwan and Malaysia only.
var ShopeeCancelReasons = []Reason{
	{"OUT_OF_STOCK", "Out of Stock"},
	{"CUSTOMER_REQUEST", "Customer Request"},
	{"UNDELIVERABLE_AREA", "Undeliverable Area"},
	{"COD_NOT_SUPPORTED", "COD Not Supported"},
}

// TikTokCancelReasons are the seller cancel reasons valid for an order's status (reference T5):
// an unpaid order takes the seller_cancel_unpaid_reason_* ones.
func TikTokCancelReasons(status string) []Reason {
	if strings.EqualFold(status, TtUnpaid) {
		return []Reason{
			{"seller_cancel_unpaid_reason_out_of_stock", "Out of stock"},
			{"seller_cancel_unpaid_reason_wrong_price", "Pricing error"},
			{"seller_cancel_unpaid_reason_buyer_hasnt_paid_within_time_allowed", "Buyer did not pay in time"},
			{"seller_cancel_unpaid_reason_buyer_requested_cancellation", "Buyer requested cancellation"},
		}
	}
	return []Reason{
		{"seller_cancel_reason_out_of_stock", "Out of stock"},
		{"seller_cancel_reason_wrong_price", "Pricing error"},
		{"seller_cancel_paid_reason_address_not_deliver", "Unable to deliver to the buyer's address"},
		{"seller_cancel_paid_reason_buyer_requested_cancellation", "Buyer requested cancellation"},
	}
}

// Check says what is missing or wrong in an answer, before it is queued: the platform would refuse
// it. r is the request it answers (nil for a seller's cancel).
func (a *Answer) Check(o *Order, r *AfterSale) error {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%s %s: %s", o.Platform.Title(), o.OrderNo, fmt.Sprintf(format, args...))
	}
	if a.Step == StepCancel {
		if err := CanDo(o, ActCancel); err != nil {
			return err
		}
	} else {
		if r == nil {
			return refuse("there is no such request on this order (it may have been answered already)")
		}
		allowed := false
		for _, s := range AfterSaleSteps(o.Platform, r) {
			allowed = allowed || s == a.Step
		}
		if !allowed {
			return refuse("%s is not possible while the %s is %q", a.Step.Title(), strings.ToLower(r.Kind.Title()), r.StatusWords(o.Platform))
		}
	}
	n := StepNeeds(o.Platform, r, a.Step)
	if a.Step == StepCancel && o.Platform == Shopee && a.Reason == "OUT_OF_STOCK" {
		n.Items = true
	}
	switch {
	case n.Reason && strings.TrimSpace(a.Reason) == "":
		return refuse("choose a reason")
	case n.Items && len(a.Items) == 0:
		return refuse("choose the items")
	case n.Comment && strings.TrimSpace(a.Comment) == "":
		return refuse("write why, in your own words")
	case n.Images && len(a.Images) == 0:
		return refuse("attach at least one image as evidence")
	case len(a.Images) > n.MaxImages:
		if n.MaxImages == 0 {
			return refuse("%s takes no images", a.Step.Title())
		}
		return refuse("attach at most %d images", n.MaxImages)
	case n.Email && !strings.Contains(a.Email, "@"):
		return refuse("enter your email address, for %s to reach you about the dispute", o.Platform.Title())
	case n.Solution && a.Solution != SpSolutionReturnRefund && a.Solution != SpSolutionRefund:
		return refuse("choose return and refund, or refund only")
	case n.Amount && a.Amount.Minor <= 0:
		return refuse("enter the amount you offer to refund")
	case n.Amount && r != nil && !r.Refund.IsZero() && a.Amount.Minor > r.Refund.Minor:
		return refuse("the offer %s is more than the %s the buyer asked", a.Amount, r.Refund)
	}
	if n.Items {
		known := map[string]bool{}
		for _, it := range o.Items {
			known[it.PlatformItemID] = !it.Cancelled
		}
		for _, id := range a.Items {
			live, ok := known[id]
			if !ok {
				return refuse("the order has no item %s", id)
			}
			if !live {
				return refuse("item %s is already cancelled", id)
			}
		}
	}
	for _, im := range a.Images {
		if _, err := ReadImage(im.Name, im.Data); err != nil {
			return refuse("%v", err)
		}
	}
	return nil
}

// FindAfterSale returns the order's request with this kind and id.
func (o *Order) FindAfterSale(kind RequestKind, id string) (*AfterSale, bool) {
	for i := range o.AfterSales {
		if o.AfterSales[i].Kind == kind && o.AfterSales[i].ID == id {
			return &o.AfterSales[i], true
		}
	}
	return nil, false
}

// AnswerDone reports whether the platform already shows the answer's effect, from the order and
// its requests as read from the platform now: an answer that is done is never sent again.
func AnswerDone(o *Order, a *Answer) bool {
	if a.Step == StepCancel {
		if o.Platform == Lazada {
			for _, id := range a.Items {
				for _, it := range o.Items {
					if it.PlatformItemID == id && !it.Cancelled {
						return false
					}
				}
			}
			return len(a.Items) > 0
		}
		if strings.EqualFold(o.Status, SpCancelled) || strings.EqualFold(o.Status, TtCancelled) {
			return true
		}
		for _, r := range o.AfterSales {
			if r.Kind == ReqCancel && r.By == "seller" {
				return true
			}
		}
		return false
	}
	r, ok := o.FindAfterSale(a.Kind, a.RequestID)
	if !ok {
		// A Shopee buyer cancel has no id of its own: it is answered once the order left IN_CANCEL.
		if a.Kind == ReqCancel {
			return !o.CancelRequested
		}
		return false
	}
	if a.Step == StepOffer { // an offer changes the negotiation, not always the status
		return strings.EqualFold(r.Negotiation, SpNegPendingBuyerRespond) && len(r.Offers) > 0 &&
			r.Offers[len(r.Offers)-1].By == "seller" && r.Offers[len(r.Offers)-1].Amount.Minor == a.Amount.Minor
	}
	return !strings.EqualFold(r.Status, a.FromStatus)
}

// PackageMates are the live items that are not among ids but share a package with one of them:
// Lazada cancels a packed item's whole package, so cancelling ids cancels these too.
func PackageMates(o *Order, ids []string) []Item {
	chosen, pkgs := map[string]bool{}, map[string]bool{}
	for _, id := range ids {
		chosen[id] = true
	}
	for _, it := range o.Items {
		if chosen[it.PlatformItemID] && it.PackageID != "" {
			pkgs[it.PackageID] = true
		}
	}
	var out []Item
	for _, it := range o.Items {
		if !chosen[it.PlatformItemID] && !it.Cancelled && it.PackageID != "" && pkgs[it.PackageID] {
			out = append(out, it)
		}
	}
	return out
}

// Packed reports whether any of the items is in a package (Lazada: cancelling it cancels the
// package).
func Packed(o *Order, ids []string) bool {
	for _, it := range o.Items {
		for _, id := range ids {
			if it.PlatformItemID == id && it.PackageID != "" && !it.Cancelled {
				return true
			}
		}
	}
	return false
}

// AfterSaleSection is what a request's panel says: "Cancel Order Info" or "Return Order Info",
// with the fields that have something to say. A line the platform did not name is named after
// the order's item.
func AfterSaleSection(o *Order, r *AfterSale, loc *time.Location) Section {
	p := o.Platform
	title := "Return Order Info"
	if r.Kind == ReqCancel {
		title = "Cancel Order Info"
	}
	when := func(t time.Time) string { return showTime(t, loc) }
	var lines []string
	for _, l := range r.Lines {
		for _, it := range o.Items {
			if l.Name == "" && l.SKU == "" && l.OrderItemID != "" && it.PlatformItemID == l.OrderItemID {
				l.Name, l.SKU = joinDot(it.Name, it.Variation), it.SKU
			}
		}
		qty := l.Qty
		if qty == 0 {
			qty = 1
		}
		lines = append(lines, fmt.Sprintf("%d × %s", qty, joinDot(l.Name, labelled("SKU ", l.SKU), StatusLabel(l.Status), showMoney(l.Refund))))
	}
	var offers []string
	for _, of := range r.Offers {
		offers = append(offers, joinDot(titleWord(of.By), SolutionTitle(of.Solution), showMoney(of.Amount), when(of.At)))
	}
	left := ""
	if p == Shopee && r.Kind != ReqCancel && r.CounterLimit >= 0 && len(r.Offers) > 0 {
		left = fmt.Sprint(r.CounterLimit)
	}
	dispute := ""
	if r.Dispute {
		dispute = p.Title() + " is judging a dispute on it"
	}
	evidence := ""
	if len(r.Images) > 0 {
		evidence = fmt.Sprintf("%d image(s) from the buyer:\n%s", len(r.Images), strings.Join(r.Images, "\n"))
	}
	fields := []Field{
		{Label: "Request", Value: joinDot(r.Kind.Title(), labelled("no. ", r.ID))},
		{Label: "Status", Value: r.StatusWords(p)},
		{Label: "Asked by", Value: titleWord(r.By)},
		{Label: "Reason", Value: ReasonText(r.Reason)},
		{Label: "Buyer's comment", Value: r.Comment},
		{Label: "Refund", Value: showMoney(r.Refund)},
		{Label: "Return tracking", Value: r.Tracking},
		{Label: "Respond by", Value: when(r.Deadline)},
		{Label: "Requested", Value: when(r.Created)},
		{Label: "Last change", Value: when(r.Updated)},
		{Label: "Items", Value: strings.Join(lines, "\n")},
		{Label: "Offers", Value: strings.Join(offers, "\n")},
		{Label: "Offers you may still make", Value: left},
		{Label: "Dispute", Value: dispute},
		{Label: "Evidence", Value: evidence},
	}
	return section(title, fields...)
}

// titleWord capitalises a one-word role: "buyer" -> "Buyer".
func titleWord(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ReasonText makes a reason code readable (ITEM_DAMAGED -> "Item damaged"); words stay as they are.
func ReasonText(s string) string {
	if s != "" && strings.ToUpper(s) == s && !strings.Contains(s, " ") {
		return StatusLabel(s)
	}
	return s
}

// SolutionTitle names a Shopee solution as the seller centre does.
func SolutionTitle(s string) string {
	switch strings.ToUpper(s) {
	case SpSolutionReturnRefund:
		return "Return and Refund"
	case SpSolutionRefund:
		return "Refund Only"
	}
	return s
}

// joinDot joins the parts that say something with " · ".
func joinDot(parts ...string) string { return strings.Join(nonEmpty(parts...), " · ") }

// labelled puts a label before a value, or says nothing when there is no value.
func labelled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + value
}
