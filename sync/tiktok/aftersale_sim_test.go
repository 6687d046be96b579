package tiktok

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// Cancellations and returns against the simulator over loopback: every step's call, the
// platform's refusals, the evidence reaching it, and the pull reporting the requests.

// testImage is a w x h picture, PNG or JPEG, as an evidence image.
func testImage(t *testing.T, name string, w, h int) domain.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".png") {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	im, err := domain.ReadImage(name, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// historyEnv is a shop with a history of orders in every state, synced into the data file.
func historyEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, 30*time.Second)
	e.s.AddHistory(domain.TikTok, e.shop.ID, 300)
	e.s.Clock().Advance(time.Second)
	if _, err := e.pull(e.now().Add(-91*24*time.Hour), e.now()); err != nil {
		t.Fatal(err)
	}
	e.compare()
	return e
}

// delivered is n delivered orders that never had a return, by number.
func (e *env) delivered(n int) []domain.Order {
	e.t.Helper()
	var out []domain.Order
	for _, o := range e.s.Orders(domain.TikTok, e.shop.ID) {
		if _, had := e.s.ReturnOf(domain.TikTok, e.shop.ID, o.OrderNo); o.Status == domain.TtDelivered && !had && len(out) < n {
			out = append(out, o)
		}
	}
	if len(out) < n {
		e.t.Fatalf("%d delivered orders without a return, want %d", len(out), n)
	}
	return out
}

// step moves the clock on a second, so that what changed is in the next sync's window.
func (e *env) tick() { e.s.Clock().Advance(time.Second) }

// requests reads the order's requests from TikTok through the client.
func (e *env) afterSales(o domain.Order) []domain.AfterSale {
	e.t.Helper()
	reqs, err := e.c.Requests(e.ctx, o, nil)
	if err != nil {
		e.t.Fatalf("Requests(%s): %v", o.OrderNo, err)
	}
	return reqs
}

// only is the order's one request of the kind, failing the test unless there is exactly one.
func (e *env) only(o domain.Order, kind domain.RequestKind) domain.AfterSale {
	e.t.Helper()
	var found []domain.AfterSale
	for _, r := range e.afterSales(o) {
		if r.Kind == kind {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("order %s: %d %s requests, want 1: %+v", o.OrderNo, len(found), kind, found)
	}
	return found[0]
}

// answer answers and fails the test on an error.
func (e *env) answer(o domain.Order, a domain.Answer) {
	e.t.Helper()
	tip, err := e.c.Answer(e.ctx, o, a)
	if err != nil {
		e.t.Fatalf("order %s: %s: %v", o.OrderNo, a.Step, err)
	}
	if tip != "" {
		e.t.Errorf("order %s: %s gave the tip %q; TikTok has none", o.OrderNo, a.Step, tip)
	}
}

// refused answers and checks TikTok's refusal: a *market.Error with the code, not retryable.
func (e *env) refused(o domain.Order, a domain.Answer, code string) {
	e.t.Helper()
	_, err := e.c.Answer(e.ctx, o, a)
	wantCode(e.t, o.OrderNo, err, code)
}

// storedAfterSales is what the data file keeps of the order's requests.
func (e *env) storedAfterSales(no string) (domain.Order, []domain.AfterSale) {
	e.t.Helper()
	o, ok := e.stored()[no]
	if !ok {
		e.t.Fatalf("order %s not stored", no)
	}
	reqs, err := e.d.AfterSales(e.ctx, o.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return o, reqs
}

// wantImages checks that the decision's evidence is exactly the images sent, as the simulator
// received them and keeps them among the shop's uploads.
func (e *env) wantImages(d sim.Decision, sent []domain.Image) {
	e.t.Helper()
	if len(d.Images) != len(sent) {
		e.t.Fatalf("decision %s carries %d images, %d were sent", d.Step, len(d.Images), len(sent))
	}
	uploads := e.s.Uploads(domain.TikTok, e.shop.ID)
	for i, im := range sent {
		got := d.Images[i]
		if got.SHA256 != sha(im.Data) || got.Size != len(im.Data) || got.Type != im.Type || got.Name != im.Name {
			e.t.Errorf("image %d: the simulator has %+v, sent %s (%s, %d bytes, sha %s)", i, got, im.Name, im.Type, len(im.Data), sha(im.Data))
		}
		if !slices.ContainsFunc(uploads, func(u sim.Upload) bool { return u.Ref == got.Ref && u.SHA256 == sha(im.Data) }) {
			e.t.Errorf("image %d (%s) is not among the shop's uploads", i, got.Ref)
		}
	}
}

func TestSimSellerCancel(t *testing.T) {
	e := readyEnv(t, 12)
	orders := e.awaiting()
	o, wrong := orders[0], orders[1]

	opts, err := e.c.CancelOptions(e.ctx, o, nil)
	if err != nil || opts.Refused || len(opts.Reasons) != 4 || opts.Reasons[0].ID != "seller_cancel_reason_out_of_stock" {
		t.Fatalf("CancelOptions: %+v, %v", opts, err)
	}
	reasons, err := e.c.Reasons(e.ctx, o, domain.AfterSale{}, domain.StepCancel)
	if err != nil || !slices.Equal(reasons, opts.Reasons) {
		t.Errorf("Reasons for a cancel: %v, %v", reasons, err)
	}
	if n := e.requests(pathCancelSearch) + e.requests(pathRejectReasons); n != 0 {
		t.Errorf("the cancel reasons took %d calls; TikTok's are in the reference", n)
	}

	// An unpaid order's reason does not match an order awaiting shipment.
	e.refused(wrong, domain.Answer{Step: domain.StepCancel, Reason: "seller_cancel_unpaid_reason_out_of_stock"}, "25001021")
	e.refused(wrong, domain.Answer{Step: domain.StepCancel, Reason: "no_such_reason"}, "25001021")
	if so := e.simOrder(wrong.OrderNo); so.Status != domain.TtAwaitingShipment {
		t.Errorf("a refused cancel moved the order to %s", so.Status)
	}

	e.answer(o, domain.Answer{Step: domain.StepCancel, Reason: "seller_cancel_reason_out_of_stock"})
	so := e.simOrder(o.OrderNo)
	if so.Status != domain.TtCancelled || so.CancelledBy != "seller" || so.CancelReason != "Out of stock" || cancelledUnits(so) != len(so.Items) {
		t.Errorf("after the cancel the simulator has %s by %q (%q), %d of %d lines cancelled", so.Status, so.CancelledBy, so.CancelReason, cancelledUnits(so), len(so.Items))
	}
	cv, ok := e.s.CancelOf(domain.TikTok, e.shop.ID, o.OrderNo)
	if !ok || len(cv.Decisions) != 1 || cv.Decisions[0].Step != "CANCEL" || cv.Decisions[0].Reason != "seller_cancel_reason_out_of_stock" {
		t.Errorf("the simulator's cancellation record: %+v", cv)
	}
	// Cancelling again: the order is cancelled already.
	e.refused(so, domain.Answer{Step: domain.StepCancel, Reason: "seller_cancel_reason_out_of_stock"}, "25020009")

	req := e.only(o, domain.ReqCancel)
	if req.ID == "" || req.By != "seller" || req.Status != domain.TtCancelComplete || req.Reason != "Out of stock" ||
		len(req.Lines) != len(so.Items) || req.Refund != so.Total || !req.Deadline.IsZero() {
		t.Errorf("the seller's cancellation as read: %+v", req)
	}
	if steps := domain.AfterSaleSteps(domain.TikTok, &req); len(steps) != 0 {
		t.Errorf("a seller's own cancellation offers %v", steps)
	}

	e.tick()
	e.syncToNow()
	e.compare()
	if st := e.stored()[o.OrderNo]; st.Status != domain.TtCancelled || st.Tab != domain.TabOthers || !domain.AnswerDone(&st, &domain.Answer{Step: domain.StepCancel}) {
		t.Errorf("stored after the cancel: %s on %s", st.Status, st.Tab.Title())
	}
}

// Orders that are not ON_HOLD, AWAITING_SHIPMENT or AWAITING_COLLECTION cannot be cancelled by
// the seller; one line of several can.
func TestSimSellerCancelStatusAndLines(t *testing.T) {
	e := historyEnv(t)
	d := e.delivered(1)[0]
	opts, err := e.c.CancelOptions(e.ctx, d, nil)
	if err != nil || !opts.Refused || opts.Tip == "" || len(opts.Reasons) != 0 {
		t.Errorf("CancelOptions of a delivered order: %+v, %v", opts, err)
	}
	e.refused(d, domain.Answer{Step: domain.StepCancel, Reason: "seller_cancel_reason_out_of_stock"}, "25001003")

	var multi domain.Order
	for _, o := range e.s.Orders(domain.TikTok, e.shop.ID) {
		if o.Status == domain.TtAwaitingShipment && !o.CancelRequested && len(o.Items) >= 2 && cancelledUnits(o) == 0 {
			multi = o
			break
		}
	}
	if multi.OrderNo == "" {
		t.Fatal("no order of several lines awaits shipment")
	}
	line := multi.Items[0].PlatformItemID
	e.answer(multi, domain.Answer{Step: domain.StepCancel, Reason: "seller_cancel_reason_wrong_price", Items: []string{line}})
	so := e.simOrder(multi.OrderNo)
	if so.Status != domain.TtAwaitingShipment || cancelledUnits(so) != 1 || !so.Items[0].Cancelled {
		t.Errorf("after cancelling line %s: %s with %d lines cancelled", line, so.Status, cancelledUnits(so))
	}
	req := e.only(multi, domain.ReqCancel)
	if len(req.Lines) != 1 || req.Lines[0].OrderItemID != line || req.Refund != so.Items[0].PaidPrice {
		t.Errorf("the line's cancellation: %+v", req)
	}
	e.tick()
	e.syncToNow()
	e.compare()
}

func TestSimBuyerCancelApprove(t *testing.T) {
	e := readyEnv(t, 4)
	o := e.awaiting()[0]
	e.s.RequestCancel(domain.TikTok, e.shop.ID, o.OrderNo)
	e.tick()
	e.syncToNow()
	o = e.stored()[o.OrderNo]
	if !o.CancelRequested || o.Tab != domain.TabToCancel {
		t.Fatalf("the buyer's request is not stored: %+v on %s", o.CancelRequested, o.Tab.Title())
	}
	req := e.only(o, domain.ReqCancel)
	cv, _ := e.s.CancelOf(domain.TikTok, e.shop.ID, o.OrderNo)
	if req.ID != cv.ID || req.By != "buyer" || req.Status != domain.TtCancelPending || req.Reason == "" ||
		req.Deadline.IsZero() || len(req.Lines) != len(o.Items) || req.Refund != o.Total {
		t.Errorf("the buyer's request as read: %+v", req)
	}
	if steps := domain.AfterSaleSteps(domain.TikTok, &req); !slices.Equal(steps, []domain.Step{domain.StepAcceptCancel, domain.StepRejectCancel}) {
		t.Errorf("steps %v", steps)
	}

	a := domain.Answer{Step: domain.StepAcceptCancel, RequestID: req.ID, Kind: domain.ReqCancel, FromStatus: req.Status}
	e.answer(o, a)
	so := e.simOrder(o.OrderNo)
	if so.Status != domain.TtCancelled || so.CancelledBy != "buyer" || so.CancelRequested || cancelledUnits(so) != len(so.Items) {
		t.Errorf("after approving: %s by %q, requested %v", so.Status, so.CancelledBy, so.CancelRequested)
	}
	cv, _ = e.s.CancelOf(domain.TikTok, e.shop.ID, o.OrderNo)
	if cv.Status != domain.TtCancelComplete || len(cv.Decisions) != 1 || cv.Decisions[0].Step != "APPROVE" {
		t.Errorf("the simulator's request after approving: %+v", cv)
	}
	if r := e.only(o, domain.ReqCancel); r.Status != domain.TtCancelComplete || !r.Deadline.IsZero() {
		t.Errorf("read back after approving: %+v", r)
	}
	// Approving twice: the request is no longer pending.
	e.refused(o, a, "25011012")

	e.tick()
	e.syncToNow()
	e.compare()
	st := e.stored()[o.OrderNo]
	st.AfterSales = e.afterSales(st)
	if st.Status != domain.TtCancelled || st.CancelRequested || !domain.AnswerDone(&st, &a) {
		t.Errorf("stored after approving: %s, requested %v", st.Status, st.CancelRequested)
	}
}

func TestSimBuyerCancelReject(t *testing.T) {
	e := readyEnv(t, 4)
	o := e.awaiting()[0]
	e.s.RequestCancel(domain.TikTok, e.shop.ID, o.OrderNo)
	e.tick()
	e.syncToNow()
	o = e.stored()[o.OrderNo]

	// The request as Kedai knows it from the order alone: no id yet.
	known := domain.AfterSale{Kind: domain.ReqCancel, Status: domain.TtCancelPending, By: "buyer"}
	reasons, err := e.c.Reasons(e.ctx, o, known, domain.StepRejectCancel)
	if err != nil || len(reasons) == 0 || !slices.ContainsFunc(reasons, func(r domain.Reason) bool {
		return r.ID == "seller_reject_apply_product_has_been_packed" && r.Text != ""
	}) {
		t.Fatalf("reject reasons: %v, %v", reasons, err)
	}

	// Without a reason TikTok refuses.
	e.refused(o, domain.Answer{Step: domain.StepRejectCancel, Kind: domain.ReqCancel, Comment: "Already packed"}, "36009001")
	e.refused(o, domain.Answer{Step: domain.StepRejectCancel, Kind: domain.ReqCancel, Reason: "made_up_reason"}, "36009001")

	img := testImage(t, "packed.png", 64, 48)
	a := domain.Answer{Step: domain.StepRejectCancel, Kind: domain.ReqCancel, FromStatus: domain.TtCancelPending,
		Reason: reasons[0].ID, Comment: "The parcel is packed and labelled.", Images: []domain.Image{img}}
	e.answer(o, a)

	cv, _ := e.s.CancelOf(domain.TikTok, e.shop.ID, o.OrderNo)
	if cv.Status != domain.TtCancelCancel || cv.Awaiting || len(cv.Decisions) != 1 {
		t.Fatalf("the simulator's request after rejecting: %+v", cv)
	}
	d := cv.Decisions[0]
	if d.Step != "REJECT" || d.Reason != reasons[0].ID || d.Comment != a.Comment {
		t.Errorf("decision %+v", d)
	}
	e.wantImages(d, a.Images)
	so := e.simOrder(o.OrderNo)
	if so.Status != domain.TtAwaitingShipment || so.CancelRequested || cancelledUnits(so) != 0 {
		t.Errorf("after rejecting: %s, requested %v", so.Status, so.CancelRequested)
	}
	if r := e.only(o, domain.ReqCancel); r.Status != domain.TtCancelCancel || r.By != "buyer" {
		t.Errorf("read back after rejecting: %+v", r)
	}
	// No cancellation awaits the seller any more.
	_, err = e.c.Answer(e.ctx, o, domain.Answer{Step: domain.StepAcceptCancel, Kind: domain.ReqCancel})
	var me *market.Error
	if !errors.As(err, &me) || me.Retryable || !strings.Contains(me.Message, "no cancellation request") {
		t.Errorf("accepting after the reject: %v", err)
	}

	e.tick()
	e.syncToNow()
	e.compare()
	if st := e.stored()[o.OrderNo]; st.CancelRequested || st.Tab != domain.TabNew {
		t.Errorf("stored after rejecting: requested %v on %s", st.CancelRequested, st.Tab.Title())
	}
	// The order can be packed again.
	if errs := e.pack([]domain.Order{e.stored()[o.OrderNo]}, market.Shipping{Method: market.DropOff}); errs[o.OrderNo] != nil {
		t.Errorf("packing after the rejected cancellation: %v", errs[o.OrderNo])
	}
}

func TestSimRefundOnly(t *testing.T) {
	e := historyEnv(t)
	orders := e.delivered(2)
	approve, reject := orders[0], orders[1]
	for _, o := range orders {
		e.s.RequestRefund(domain.TikTok, e.shop.ID, o.OrderNo)
	}
	e.tick()
	e.syncToNow()
	e.compare()

	req := e.only(approve, domain.ReqRefund)
	rv, _ := e.s.ReturnOf(domain.TikTok, e.shop.ID, approve.OrderNo)
	if req.ID != rv.ID || req.Status != domain.TtReturnPending || req.By != "buyer" || req.Reason == "" || req.Deadline.IsZero() ||
		req.Refund != approve.Total || len(req.Lines) != len(approve.Items) || req.Lines[0].ID == "" || req.Lines[0].OrderItemID == "" {
		t.Errorf("the refund request as read: %+v", req)
	}
	if st, reqs := e.storedAfterSales(approve.OrderNo); !st.ReturnRequested || st.Tab != domain.TabToReturn ||
		len(reqs) != 1 || reqs[0].ID != req.ID || reqs[0].Status != domain.TtReturnPending || reqs[0].Kind != domain.ReqRefund {
		t.Errorf("stored: requested %v on %s, requests %+v", st.ReturnRequested, st.Tab.Title(), reqs)
	}

	// A refund only is not a return: TikTok refuses APPROVE_RETURN.
	e.refused(approve, domain.Answer{Step: domain.StepAgreeReturn, RequestID: req.ID, Kind: domain.ReqRefund, FromStatus: req.Status}, "25011012")
	a := domain.Answer{Step: domain.StepRefund, RequestID: req.ID, Kind: domain.ReqRefund, FromStatus: req.Status}
	e.answer(approve, a)
	rv, _ = e.s.ReturnOf(domain.TikTok, e.shop.ID, approve.OrderNo)
	if rv.Status != domain.TtReturnSuccess || rv.Awaiting || len(rv.Decisions) != 1 || rv.Decisions[0].Step != "APPROVE_REFUND" {
		t.Errorf("the simulator after the refund: %+v", rv)
	}
	e.refused(approve, a, "25011012") // twice

	rreq := e.only(reject, domain.ReqRefund)
	reasons, err := e.c.Reasons(e.ctx, reject, rreq, domain.StepReject)
	if err != nil || len(reasons) == 0 {
		t.Fatalf("reject reasons: %v, %v", reasons, err)
	}
	e.refused(reject, domain.Answer{Step: domain.StepReject, RequestID: rreq.ID, Kind: domain.ReqRefund, FromStatus: rreq.Status, Comment: "no"}, "36009001")
	// Without the kind and status the client reads them first.
	r := domain.Answer{Step: domain.StepReject, RequestID: rreq.ID, Reason: reasons[1].ID, Comment: "The buyer confirmed receipt of every item."}
	e.answer(reject, r)
	rv, _ = e.s.ReturnOf(domain.TikTok, e.shop.ID, reject.OrderNo)
	if rv.Status != domain.TtReturnReject || len(rv.Decisions) != 1 {
		t.Fatalf("the simulator after the reject: %+v", rv)
	}
	if d := rv.Decisions[0]; d.Step != "REJECT_REFUND" || d.Reason != reasons[1].ID || d.Comment != r.Comment || len(d.Images) != 0 {
		t.Errorf("decision %+v", d)
	}

	e.tick()
	e.syncToNow()
	e.compare()
	for _, o := range orders {
		st, reqs := e.storedAfterSales(o.OrderNo)
		want := map[string]string{approve.OrderNo: domain.TtReturnSuccess, reject.OrderNo: domain.TtReturnReject}[o.OrderNo]
		if st.ReturnRequested || st.Tab == domain.TabToReturn || len(reqs) != 1 || reqs[0].Status != want {
			t.Errorf("order %s stored: requested %v on %s, requests %+v", o.OrderNo, st.ReturnRequested, st.Tab.Title(), reqs)
		}
	}
}

func TestSimReturnApproveReceived(t *testing.T) {
	e := historyEnv(t)
	o := e.delivered(1)[0]
	e.s.RequestReturn(domain.TikTok, e.shop.ID, o.OrderNo)
	e.tick()
	e.syncToNow()

	req := e.only(o, domain.ReqReturn)
	if req.Status != domain.TtReturnPending || req.Deadline.IsZero() {
		t.Fatalf("the return as read: %+v", req)
	}
	if steps := domain.AfterSaleSteps(domain.TikTok, &req); !slices.Equal(steps, []domain.Step{domain.StepAgreeReturn, domain.StepReject}) {
		t.Errorf("steps at pending: %v", steps)
	}
	// A return is refunded only once the goods are back.
	e.refused(o, domain.Answer{Step: domain.StepRefund, RequestID: req.ID, Kind: domain.ReqReturn, FromStatus: req.Status}, "25011012")
	e.answer(o, domain.Answer{Step: domain.StepAgreeReturn, RequestID: req.ID, Kind: domain.ReqReturn, FromStatus: req.Status})

	req = e.only(o, domain.ReqReturn)
	if req.Status != domain.TtAwaitingShip || !req.Deadline.IsZero() || len(domain.AfterSaleSteps(domain.TikTok, &req)) != 0 {
		t.Errorf("after agreeing: %+v", req)
	}
	// Awaiting the buyer's parcel the order stays on To Return.
	e.tick()
	e.syncToNow()
	e.compare()
	if st, reqs := e.storedAfterSales(o.OrderNo); !st.ReturnRequested || st.Tab != domain.TabToReturn || len(reqs) != 1 || reqs[0].Status != domain.TtAwaitingShip {
		t.Errorf("stored while the buyer sends it back: requested %v on %s, %+v", st.ReturnRequested, st.Tab.Title(), reqs)
	}
	e.refused(o, domain.Answer{Step: domain.StepRefund, RequestID: req.ID, Kind: domain.ReqReturn, FromStatus: req.Status}, "25011012")

	if !e.s.ShipReturn(domain.TikTok, e.shop.ID, o.OrderNo, "JNTRTN0001") {
		t.Fatal("ShipReturn: the return was not awaiting the parcel")
	}
	req = e.only(o, domain.ReqReturn)
	if req.Status != domain.TtBuyerShipped || req.Tracking != "JNTRTN0001" || req.Deadline.IsZero() ||
		!slices.Equal(domain.AfterSaleSteps(domain.TikTok, &req), []domain.Step{domain.StepRefund, domain.StepReject}) {
		t.Errorf("after the buyer shipped: %+v", req)
	}
	e.answer(o, domain.Answer{Step: domain.StepRefund, RequestID: req.ID, Kind: domain.ReqReturn, FromStatus: req.Status})
	rv, _ := e.s.ReturnOf(domain.TikTok, e.shop.ID, o.OrderNo)
	var steps []string
	for _, d := range rv.Decisions {
		steps = append(steps, d.Step)
	}
	if rv.Status != domain.TtReturnSuccess || !slices.Equal(steps, []string{"APPROVE_RETURN", "APPROVE_RECEIVED_PACKAGE"}) {
		t.Errorf("the simulator after the refund: %s, decisions %v", rv.Status, steps)
	}
	e.tick()
	e.syncToNow()
	e.compare()
	if st, reqs := e.storedAfterSales(o.OrderNo); st.ReturnRequested || len(reqs) != 1 || reqs[0].Status != domain.TtReturnSuccess || reqs[0].Tracking != "JNTRTN0001" {
		t.Errorf("stored after the refund: requested %v, %+v", st.ReturnRequested, reqs)
	}
}

func TestSimReturnReject(t *testing.T) {
	e := historyEnv(t)
	orders := e.delivered(2)
	early, late := orders[0], orders[1]
	for _, o := range orders {
		e.s.RequestReturn(domain.TikTok, e.shop.ID, o.OrderNo)
	}
	e.tick()
	e.syncToNow()

	// Rejecting the request itself: REJECT_RETURN with a reason and a comment.
	req := e.only(early, domain.ReqReturn)
	reasons, err := e.c.Reasons(e.ctx, early, req, domain.StepReject)
	if err != nil || len(reasons) == 0 {
		t.Fatalf("reasons: %v, %v", reasons, err)
	}
	e.answer(early, domain.Answer{Step: domain.StepReject, RequestID: req.ID, Kind: domain.ReqReturn, FromStatus: req.Status,
		Reason: reasons[0].ID, Comment: "Outside the return policy."})
	rv, _ := e.s.ReturnOf(domain.TikTok, e.shop.ID, early.OrderNo)
	if rv.Status != domain.TtReturnReject || len(rv.Decisions) != 1 || rv.Decisions[0].Step != "REJECT_RETURN" || rv.Decisions[0].Reason != reasons[0].ID {
		t.Errorf("after REJECT_RETURN: %+v", rv)
	}

	// Rejecting the parcel that came back: images are required.
	req = e.only(late, domain.ReqReturn)
	e.answer(late, domain.Answer{Step: domain.StepAgreeReturn, RequestID: req.ID, Kind: domain.ReqReturn, FromStatus: req.Status})
	if !e.s.ShipReturn(domain.TikTok, e.shop.ID, late.OrderNo, "NVRTN42") {
		t.Fatal("ShipReturn failed")
	}
	req = e.only(late, domain.ReqReturn)
	reasons, err = e.c.Reasons(e.ctx, late, req, domain.StepReject)
	if err != nil || !slices.ContainsFunc(reasons, func(r domain.Reason) bool { return r.ID == "seller_reject_receive_reason_item_damaged" }) {
		t.Fatalf("reasons for the received parcel: %v, %v", reasons, err)
	}
	a := domain.Answer{Step: domain.StepReject, RequestID: req.ID, Kind: domain.ReqReturn, FromStatus: req.Status,
		Reason: "seller_reject_receive_reason_item_damaged", Comment: "The screen came back cracked."}
	e.refused(late, a, "36009001")
	if rv, _ := e.s.ReturnOf(domain.TikTok, e.shop.ID, late.OrderNo); rv.Status != domain.TtBuyerShipped {
		t.Fatalf("a refused reject moved the return to %s", rv.Status)
	}
	a.Images = []domain.Image{testImage(t, "front.jpg", 80, 60), testImage(t, "back.png", 30, 90)}
	e.answer(late, a)
	rv, _ = e.s.ReturnOf(domain.TikTok, e.shop.ID, late.OrderNo)
	if rv.Status != domain.TtRejectReceive || len(rv.Decisions) != 2 {
		t.Fatalf("after REJECT_RECEIVED_PACKAGE: %+v", rv)
	}
	d := rv.Decisions[1]
	if d.Step != "REJECT_RECEIVED_PACKAGE" || d.Reason != a.Reason || d.Comment != a.Comment {
		t.Errorf("decision %+v", d)
	}
	e.wantImages(d, a.Images)
	if r := e.only(late, domain.ReqReturn); r.Status != domain.TtRejectReceive || domain.AfterSaleOpen(domain.TikTok, &r) {
		t.Errorf("read back: %+v", r)
	}
	e.tick()
	e.syncToNow()
	e.compare()
}

// Images: the upload is multipart, signed without its body; the answer gives the size TikTok read
// from the image itself. A file that is not an image, and a reject naming an image never
// uploaded, are refused.
func TestSimImageUpload(t *testing.T) {
	e := readyEnv(t, 2)
	im := testImage(t, "label.jpg", 120, 45)
	ref, err := e.c.upload(e.ctx, im)
	if err != nil {
		t.Fatal(err)
	}
	if ref.ImageID == "" || ref.MimeType != "image/jpeg" || ref.Width != 120 || ref.Height != 45 {
		t.Errorf("upload: %+v", ref)
	}
	ups := e.s.Uploads(domain.TikTok, e.shop.ID)
	if len(ups) != 1 || ups[0].Ref != ref.ImageID || ups[0].SHA256 != sha(im.Data) || ups[0].Name != "label.jpg" {
		t.Errorf("the simulator's uploads: %+v", ups)
	}
	for _, r := range e.s.Requests(domain.TikTok) {
		if r.Path == pathImageUpload && r.Params.Get("use_case") != imageUseCase {
			t.Errorf("use_case %q", r.Params.Get("use_case"))
		}
	}
	_, err = e.c.upload(e.ctx, domain.Image{Name: "notes.txt", Type: "text/plain", Data: []byte("not a picture")})
	wantCode(t, "upload", err, "36009001")

	o := e.awaiting()[0]
	e.s.RequestCancel(domain.TikTok, e.shop.ID, o.OrderNo)
	cv, _ := e.s.CancelOf(domain.TikTok, e.shop.ID, o.OrderNo)
	body := rejectBody{RejectReason: "seller_reject_apply_product_has_been_packed", Comment: "packed",
		Images: []imageRef{{ImageID: "tos-maliva-i-o3syd03w52-us/never-uploaded", MimeType: "image/png", Width: 1, Height: 1}}}
	err = e.c.call(e.ctx, apiCall{method: http.MethodPost, path: requestPath(pathCancelReject, cv.ID), api: pathCancelReject, body: body, shop: true}, nil)
	wantCode(t, o.OrderNo, err, "36009001")
	if cv, _ := e.s.CancelOf(domain.TikTok, e.shop.ID, o.OrderNo); cv.Status != domain.TtCancelPending || len(cv.Decisions) != 0 {
		t.Errorf("a reject with an unknown image was taken: %+v", cv)
	}
}

// The pull reports every order with a return in the window: Returns true while the request is
// open (awaiting the seller, or the buyer's parcel), AfterSales with its requests.
func TestSimPullAfterSales(t *testing.T) {
	e := historyEnv(t)
	orders := e.delivered(4)
	pending, shipping, refunded, rejected := orders[0], orders[1], orders[2], orders[3]
	for _, o := range orders {
		e.s.RequestReturn(domain.TikTok, e.shop.ID, o.OrderNo)
	}
	ans := func(o domain.Order, step domain.Step, reason string) {
		t.Helper()
		r := e.only(o, domain.ReqReturn)
		e.answer(o, domain.Answer{Step: step, RequestID: r.ID, Kind: r.Kind, FromStatus: r.Status, Reason: reason, Comment: "see photos"})
	}
	ans(shipping, domain.StepAgreeReturn, "")
	ans(refunded, domain.StepAgreeReturn, "")
	e.s.ShipReturn(domain.TikTok, e.shop.ID, refunded.OrderNo, "RTN77")
	ans(refunded, domain.StepRefund, "")
	ans(rejected, domain.StepReject, "seller_reject_return_reason_not_eligible")
	e.tick()

	st, err := e.d.SyncState(e.ctx, e.store.ID)
	if err != nil {
		t.Fatal(err)
	}
	returns := map[string]bool{}
	reqs := map[string][]domain.AfterSale{}
	if _, err := e.pullWith(e.c, st.Cursor, e.now(), func(n int, b market.Batch) {
		for no, v := range b.Returns {
			returns[no] = v
		}
		for no, list := range b.AfterSales {
			reqs[no] = list
		}
		for no := range b.AfterSales {
			if _, ok := b.Returns[no]; !ok {
				t.Errorf("AfterSales names order %s, which Returns does not", no)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		o      domain.Order
		open   bool
		status string
	}{
		{pending, true, domain.TtReturnPending}, {shipping, true, domain.TtAwaitingShip},
		{refunded, false, domain.TtReturnSuccess}, {rejected, false, domain.TtReturnReject},
	} {
		v, listed := returns[c.o.OrderNo]
		list := reqs[c.o.OrderNo]
		if !listed || v != c.open || len(list) != 1 || list[0].Status != c.status || list[0].Kind != domain.ReqReturn || list[0].ID == "" {
			t.Errorf("order %s: Returns %v (listed %v), AfterSales %+v; want open %v at %s", c.o.OrderNo, v, listed, list, c.open, c.status)
		}
	}
	e.compare()
	for _, o := range orders {
		st, kept := e.storedAfterSales(o.OrderNo)
		if len(kept) != 1 || kept[0].Status != reqs[o.OrderNo][0].Status || st.ReturnRequested != returns[o.OrderNo] {
			t.Errorf("order %s stored: requested %v, %+v", o.OrderNo, st.ReturnRequested, kept)
		}
	}
	e.checkLimits()
}

// A throttled, failing, unreadable or unanswered attempt is retried; one the platform carried out
// though its answer was lost (Malformed) is refused on the retry and taken as done, read back.
func TestSimAnswerSurvivesFaults(t *testing.T) {
	for _, kind := range []sim.FaultKind{sim.TooManyRequests, sim.ServerError, sim.Unavailable, sim.Timeout, sim.Malformed, sim.ExpiredToken} {
		t.Run(kind.String(), func(t *testing.T) {
			e := readyEnv(t, 4)
			c := e.c
			if kind == sim.Timeout {
				cfg := e.cfg
				cfg.HTTP = &http.Client{Timeout: time.Second, Transport: e.trace}
				var err error
				if c, err = New(cfg); err != nil {
					t.Fatal(err)
				}
			}
			orders := e.awaiting()[:2]
			approve, reject := orders[0], orders[1]
			for _, o := range orders {
				e.s.RequestCancel(domain.TikTok, e.shop.ID, o.OrderNo)
			}
			e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: 1, Path: "/approve"})
			e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: 1, Path: "/images/upload"})
			e.s.Inject(domain.TikTok, sim.Fault{Kind: kind, Times: 1, Path: "/reject"})
			req := e.only(approve, domain.ReqCancel)
			if _, err := c.Answer(e.ctx, approve, domain.Answer{Step: domain.StepAcceptCancel, RequestID: req.ID, Kind: domain.ReqCancel, FromStatus: req.Status}); err != nil {
				t.Errorf("approve: %v", err)
			}
			img := testImage(t, "packed.jpg", 20, 20)
			if _, err := c.Answer(e.ctx, reject, domain.Answer{Step: domain.StepRejectCancel, Kind: domain.ReqCancel, FromStatus: domain.TtCancelPending,
				Reason: "seller_reject_apply_product_has_been_packed", Comment: "packed", Images: []domain.Image{img}}); err != nil {
				t.Errorf("reject: %v", err)
			}
			if cv, _ := e.s.CancelOf(domain.TikTok, e.shop.ID, approve.OrderNo); cv.Status != domain.TtCancelComplete || len(cv.Decisions) != 1 {
				t.Errorf("approved: %+v", cv)
			}
			cv, _ := e.s.CancelOf(domain.TikTok, e.shop.ID, reject.OrderNo)
			if cv.Status != domain.TtCancelCancel || len(cv.Decisions) != 1 {
				t.Fatalf("rejected: %+v", cv)
			}
			e.wantImages(cv.Decisions[0], []domain.Image{img})
			e.tick()
			e.syncToNow()
			e.compare()
		})
	}
}
