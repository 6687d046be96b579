package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// After-sale requests: how a buyer's cancellation, return or refund request starts and what the
// buyer (or the platform's review) does next. The seller's answers are served by each platform's
// *_aftersale.go, from the reference alone (L5, S5, T5).

// Upload is an evidence image a shop uploaded, as the simulator received it.
type Upload struct {
	Ref    string // what the platform gave back: a URL (Lazada, Shopee) or an image id (TikTok)
	Name   string // the file name sent with it
	Type   string // the content type the bytes are (sniffed, not as declared)
	Size   int
	SHA256 string
}

// Decision is one answer the seller sent on a request, as the simulator took it.
type Decision struct {
	Step    string   // the platform's own action name: agreeReturn, confirm, APPROVE_REFUND...
	Reason  string   // reason id or code
	Comment string   // the seller's words
	Amount  string   // an offer's amount, as sent
	Images  []Upload // the evidence it referenced
	At      time.Time
}

// upload keeps an image a shop sent and returns it with the reference to give back.
func (sh *shopState) upload(name string, data []byte) *Upload {
	sum := sha256.Sum256(data)
	u := &Upload{Name: name, Size: len(data), SHA256: hex.EncodeToString(sum[:])}
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		u.Type = "image/jpeg"
	case len(data) >= 8 && string(data[:8]) == "\x89PNG\r\n\x1a\n":
		u.Type = "image/png"
	default:
		u.Type = "application/octet-stream"
	}
	if sh.uploads == nil {
		sh.uploads = map[string]*Upload{}
	}
	id := fmt.Sprintf("%s%04d", u.SHA256[:16], len(sh.uploads)+1)
	ext := ".jpg"
	if u.Type == "image/png" {
		ext = ".png"
	}
	switch sh.Platform {
	case domain.TikTok:
		u.Ref = "tos-maliva-i-o3syd03w52-us/" + id
	case domain.Shopee:
		u.Ref = "https://cf.shopee.com.my/file/" + id
	default:
		u.Ref = "https://my-live.slatic.net/p/" + id + ext
	}
	sh.uploads[u.Ref] = u
	return u
}

// uploaded finds images by the references the platform gave back; ok=false names the first
// unknown one.
func (sh *shopState) uploaded(refs []string) (out []Upload, unknown string, ok bool) {
	for _, ref := range refs {
		u := sh.uploads[ref]
		if u == nil {
			return nil, ref, false
		}
		out = append(out, *u)
	}
	return out, "", true
}

// returnKindOf picks, stably per order, whether a buyer's request is a return or a refund only:
// one in three asks only for the money back.
func returnKindOf(shopID string, o *domain.Order) domain.RequestKind {
	if orderHash(shopID, o.OrderNo)%3 == 0 {
		return domain.ReqRefund
	}
	return domain.ReqReturn
}

// orderHash is a stable number per order of a shop, for the simulator's choices about it.
func orderHash(shopID, orderNo string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(shopID + "|" + orderNo))
	return h.Sum32()
}

// liveLines maps each live item of the order to status: a request's lines.
func liveLines(o *domain.Order, status string) map[string]string {
	lines := map[string]string{}
	for _, it := range o.Items {
		if !it.Cancelled {
			lines[it.PlatformItemID] = status
		}
	}
	return lines
}

var buyerReturnReasons = []string{"ITEM_DAMAGED", "WRONG_ITEM", "DIFFERENT_DESCRIPTION", "ITEM_MISSING", "CHANGE_MIND"}
var buyerCancelReasons = []string{"Change of mind", "Found a better price", "Wrong delivery address", "Ordered by mistake"}

// openReturn starts the order's return or refund request, awaiting the seller.
func (sh *shopState) openReturn(r *record, kind domain.RequestKind, now time.Time) {
	o := &r.o
	n := int(orderHash(sh.ID, o.OrderNo) % 1000)
	rv := &reverse{id: derivedDigits(reverseIDLen(sh.Platform), "return", sh.ID, o.OrderNo), created: now, kind: kind,
		reason: buyerReturnReasons[n%len(buyerReturnReasons)], comment: "Please see the photos."}
	rv.reopen(sh.Platform, o, now)
	r.ret = rv
	sh.returns = append(sh.returns, r)
}

// open reports whether the request is still open (domain.AfterSaleOpen of its kind and status).
func (rv *reverse) open(p domain.Platform) bool {
	return domain.AfterSaleOpen(p, &domain.AfterSale{Kind: rv.kind, Status: rv.status})
}

// cancelWithdrawn is the status of a buyer's cancellation that no longer stands (the order data
// says so): Lazada REQUEST_CANCEL, Shopee the order's own status, TikTok CANCELLATION_REQUEST_CANCEL.
func cancelWithdrawn(p domain.Platform, o *domain.Order) string {
	switch p {
	case domain.Shopee:
		return o.Status
	case domain.TikTok:
		return domain.TtCancelCancel
	}
	return domain.LzRevRequestCancel
}

// reopen makes the request new, awaiting the seller on the order's live items: when the buyer
// asks, and again after a finished one.
func (rv *reverse) reopen(p domain.Platform, o *domain.Order, now time.Time) {
	rv.status = returnPending(p)
	rv.lines = liveLines(o, rv.status)
	rv.awaiting, rv.updated, rv.tracking, rv.dispute, rv.counters = true, now, "", false, 2
	rv.refund = o.Total
	if p == domain.Shopee {
		solution := domain.SpSolutionReturnRefund
		if rv.kind == domain.ReqRefund {
			solution = domain.SpSolutionRefund
		}
		rv.negotiation = domain.SpNegPendingRespond
		rv.offers = []domain.Offer{{By: "buyer", Solution: solution, Amount: o.Total, At: now}}
	}
}

// openCancel starts a buyer's cancellation request on the order, awaiting the seller.
func (sh *shopState) openCancel(r *record, now time.Time) {
	o := &r.o
	status := domain.LzRevRequestInitiate
	switch sh.Platform {
	case domain.Shopee:
		status = domain.SpInCancel
	case domain.TikTok:
		status = domain.TtCancelPending
	}
	rv := &reverse{id: derivedDigits(reverseIDLen(sh.Platform), "cancel", sh.ID, o.OrderNo), created: now, updated: now,
		awaiting: true, kind: domain.ReqCancel, status: status, reason: buyerCancelReasons[orderHash(sh.ID, o.OrderNo)%uint32(len(buyerCancelReasons))],
		refund: o.Total, lines: liveLines(o, status)}
	if r.cancel == nil {
		sh.cancels = append(sh.cancels, r)
	}
	r.cancel = rv
}

// requestCancel is the buyer asking to cancel a paid, unshipped order.
func (sh *shopState) requestCancel(r *record, now time.Time) {
	o := &r.o
	o.CancelRequested = true
	if sh.Platform == domain.Shopee && o.Status != domain.SpInCancel {
		r.before, o.Status = o.Status, domain.SpInCancel
	}
	if r.cancel == nil || !r.cancel.awaiting {
		sh.openCancel(r, now)
	}
	r.cancel.awaiting, r.cancel.updated = true, now
}

// RequestCancel makes the buyer ask to cancel the order (Lazada need_cancel_confirm, Shopee
// IN_CANCEL, TikTok is_buyer_request_cancel with a pending cancellation). Unknown orders are ignored.
func (s *Sim) RequestCancel(p domain.Platform, shopID, orderNo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.mustShop(p, shopID)
	if r := sh.byNo[orderNo]; r != nil {
		now := s.stamp()
		sh.requestCancel(r, now)
		sh.touch(r, now)
	}
}

// RequestRefund opens a refund-only request awaiting the seller (the buyer keeps the goods).
func (s *Sim) RequestRefund(p domain.Platform, shopID, orderNo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.mustShop(p, shopID)
	if r := sh.byNo[orderNo]; r != nil {
		s.requestReturn(sh, r, domain.ReqRefund, s.stamp())
	}
}

// moveReturnBy changes the order's return as the buyer or the platform does, under the lock:
// change reports whether it applied (the return was where that move starts); the order's update
// time then moves on. Unknown orders, and orders without a return, are left alone.
func (s *Sim) moveReturnBy(p domain.Platform, shopID, orderNo string, change func(r *record, now time.Time) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.mustShop(p, shopID)
	r := sh.byNo[orderNo]
	if r == nil || r.ret == nil {
		return false
	}
	now := s.stamp()
	if !change(r, now) {
		return false
	}
	r.ret.updated = now
	sh.touch(r, now)
	return true
}

// ShipReturn is the buyer sending the goods back with this tracking number, once the seller
// agreed to the return: Lazada BUYER_RETURN_ITEM -> RTM_SHIPPING_BACK, TikTok AWAITING_BUYER_SHIP
// -> BUYER_SHIPPED_ITEM. It reports whether the return was waiting for the parcel.
func (s *Sim) ShipReturn(p domain.Platform, shopID, orderNo, tracking string) bool {
	from, to := domain.LzRevBuyerReturnItem, domain.LzRevShippingBack
	if p == domain.TikTok {
		from, to = domain.TtAwaitingShip, domain.TtBuyerShipped
	}
	return s.moveReturnBy(p, shopID, orderNo, func(r *record, now time.Time) bool {
		if r.ret.status != from {
			return false
		}
		r.ret.tracking = tracking
		r.ret.move(from, to, &r.o)
		r.ret.awaiting = true
		return true
	})
}

// BuyerOffer is a Shopee buyer answering with an offer of their own: the negotiation awaits the
// seller again (PENDING_RESPOND).
func (s *Sim) BuyerOffer(shopID, orderNo string, amount domain.Money, solution string) bool {
	return s.moveReturnBy(domain.Shopee, shopID, orderNo, func(r *record, now time.Time) bool {
		if r.ret.status != domain.SpRetRequested && r.ret.status != domain.SpRetProcessing {
			return false
		}
		r.ret.offers = append(r.ret.offers, domain.Offer{By: "buyer", Solution: solution, Amount: amount, At: now})
		r.ret.negotiation, r.ret.awaiting = domain.SpNegPendingRespond, true
		return true
	})
}

// SettleReturn is the platform finishing its review: a Lazada REFUND_PENDING refund is paid
// (REFUND_SUCCESS, the items returned), a Shopee dispute is closed (CLOSED).
func (s *Sim) SettleReturn(p domain.Platform, shopID, orderNo string) bool {
	return s.moveReturnBy(p, shopID, orderNo, func(r *record, now time.Time) bool {
		switch {
		case p == domain.Lazada && r.ret.status == domain.LzRevRefundPending:
			r.ret.refundPaid(&r.o)
		case p == domain.Shopee && (r.ret.status == domain.SpRetJudging || r.ret.status == domain.SpRetSellerDispute):
			r.ret.status, r.ret.dispute = domain.SpRetClosed, false
			returnFinished(&r.o)
		default:
			return false
		}
		r.ret.awaiting = false
		r.o.ReturnRequested = false
		return true
	})
}

// move moves the lines at from (and the request) to to; on Lazada the lines' items show it in
// their return_status.
func (rv *reverse) move(from, to string, o *domain.Order) {
	rv.status = to
	for id, st := range rv.lines {
		if st != from {
			continue
		}
		rv.lines[id] = to
		for i := range o.Items {
			if o.Platform == domain.Lazada && o.Items[i].PlatformItemID == id {
				o.Items[i].ReturnStatus = to
			}
		}
	}
}

// refundPaid is Lazada paying the refunds it reviewed: those lines' items are returned.
func (rv *reverse) refundPaid(o *domain.Order) {
	paid := map[string]bool{}
	for id, st := range rv.lines {
		paid[id] = st == domain.LzRevRefundPending
	}
	rv.move(domain.LzRevRefundPending, domain.LzRevRefundSuccess, o)
	for i := range o.Items {
		if paid[o.Items[i].PlatformItemID] && o.Items[i].Status == domain.LzDelivered {
			o.Items[i].Status = domain.LzReturned
		}
	}
	syncLazadaPackages(o)
}

// returnFinished is a Shopee order whose return is settled leaving TO_RETURN: it is completed
// (as ResolveReturn does).
func returnFinished(o *domain.Order) {
	if o.Platform == domain.Shopee && o.Status == domain.SpToReturn {
		o.Status = domain.SpCompleted
	}
}

// setStatus moves the request and every one of its lines to status.
func (rv *reverse) setStatus(status string) {
	rv.status = status
	for id := range rv.lines {
		rv.lines[id] = status
	}
}

// RequestView is an order's request as the simulator holds it, for tests.
type RequestView struct {
	ID          string
	Kind        domain.RequestKind
	Status      string
	Awaiting    bool
	Negotiation string
	Offers      []domain.Offer
	Tracking    string
	Dispute     bool
	Lines       map[string]string
	Decisions   []Decision
}

func (rv *reverse) view() (RequestView, bool) {
	if rv == nil {
		return RequestView{}, false
	}
	lines := map[string]string{}
	for k, v := range rv.lines {
		lines[k] = v
	}
	return RequestView{ID: rv.id, Kind: rv.kind, Status: rv.status, Awaiting: rv.awaiting, Negotiation: rv.negotiation,
		Offers: slices.Clone(rv.offers), Tracking: rv.tracking, Dispute: rv.dispute, Lines: lines,
		Decisions: slices.Clone(rv.decisions)}, true
}

// ReturnOf is the order's return or refund request; ok=false when it never had one.
func (s *Sim) ReturnOf(p domain.Platform, shopID, orderNo string) (RequestView, bool) {
	return s.requestOf(p, shopID, orderNo, func(r *record) *reverse { return r.ret })
}

// CancelOf is the order's buyer cancellation request; ok=false when it never had one.
func (s *Sim) CancelOf(p domain.Platform, shopID, orderNo string) (RequestView, bool) {
	return s.requestOf(p, shopID, orderNo, func(r *record) *reverse { return r.cancel })
}

func (s *Sim) requestOf(p domain.Platform, shopID, orderNo string, which func(*record) *reverse) (RequestView, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sh := s.shop(p, shopID)
	if sh == nil || sh.byNo[orderNo] == nil {
		return RequestView{}, false
	}
	return which(sh.byNo[orderNo]).view()
}

// Uploads lists every image the shop uploaded, in no particular order.
func (s *Sim) Uploads(p domain.Platform, shopID string) []Upload {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sh := s.shop(p, shopID)
	if sh == nil {
		return nil
	}
	var out []Upload
	for _, u := range sh.uploads {
		out = append(out, *u)
	}
	return out
}

// ZeroedStock lists the SKUs whose stock a seller's cancellation set to 0 (Lazada Out of Stock or
// Wrong Price, Shopee OUT_OF_STOCK), in the order it happened.
func (s *Sim) ZeroedStock(p domain.Platform, shopID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sh := s.shop(p, shopID)
	if sh == nil {
		return nil
	}
	return slices.Clone(sh.zeroed)
}

// moveReturn is the next move on an open return that waits for someone other than the seller:
// the buyer ships the goods back, a Shopee buyer answers the seller's offer (accepting it, or
// countering with the amount between), or the platform pays a refund under review. It reports
// whether anything moved. The caller holds the lock and touches the order.
func (s *Sim) moveReturn(sh *shopState, r *record, now time.Time) bool {
	rv := r.ret
	switch {
	case rv.status == domain.LzRevBuyerReturnItem || rv.status == domain.TtAwaitingShip:
		to := domain.LzRevShippingBack
		if sh.Platform == domain.TikTok {
			to = domain.TtBuyerShipped
		}
		rv.tracking = "RTN" + derivedDigits(10, "return-parcel", sh.ID, r.o.OrderNo)
		rv.move(rv.status, to, &r.o)
		rv.awaiting = true
	case sh.Platform == domain.Shopee && rv.negotiation == domain.SpNegPendingBuyerRespond && len(rv.offers) > 0:
		last := rv.offers[len(rv.offers)-1]
		if s.rng.IntN(2) == 0 {
			rv.status, rv.negotiation = domain.SpRetAccepted, domain.SpNegTerminated
			rv.refund = last.Amount
			rv.awaiting, r.o.ReturnRequested = false, false
			returnFinished(&r.o)
		} else {
			ask := rv.refund
			ask.Minor = (ask.Minor + last.Amount.Minor) / 2
			rv.offers = append(rv.offers, domain.Offer{By: "buyer", Solution: last.Solution, Amount: ask, At: now})
			rv.negotiation, rv.awaiting = domain.SpNegPendingRespond, true
		}
	case sh.Platform == domain.Lazada && rv.status == domain.LzRevRefundPending:
		rv.refundPaid(&r.o)
		rv.awaiting, r.o.ReturnRequested = false, false
	default:
		return false
	}
	rv.updated = now
	return true
}
