package lazada

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
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

// Cancellations, returns and refunds against the simulator over loopback, with the orders as the
// sync stores them in a real data file (what the engine hands the client).

// unit is one item of a shaped order: its status and package ("" for none).
type unit struct{ status, pkg string }

// shaped adds an order whose items have these statuses and packages, syncs it and returns it as
// stored.
func (r *rig) shaped(units ...unit) domain.Order {
	r.t.Helper()
	o := r.s.Generate(domain.Lazada, r.shop.ID, 1)[0]
	base := o.Items[0]
	o.Items, o.Packages = nil, nil
	o.PaidAt, o.CancelRequested, o.ReturnRequested = o.CreatedAt, false, false
	seen := map[string]bool{}
	for i, u := range units {
		it := base
		it.PlatformItemID, it.Qty, it.Status, it.PackageID = "", 1, u.status, u.pkg
		it.Cancelled, it.CancelReason, it.CancelledBy, it.ReturnStatus = false, "", "", ""
		it.SKU = fmt.Sprintf("%s-%d", base.SKU, i)
		o.Items = append(o.Items, it)
		if u.pkg != "" && !seen[u.pkg] {
			seen[u.pkg] = true
			o.Packages = append(o.Packages, domain.Package{ID: u.pkg, TrackingNo: "MYLEX" + u.pkg, Provider: "LEX MY", Status: u.status})
		}
		if u.status == domain.LzDelivered {
			o.DeliveredAt = o.CreatedAt
		}
	}
	o.UpdatedAt = r.s.Clock().Now()
	r.s.PutOrders(domain.Lazada, r.shop.ID, []domain.Order{o})
	return r.storedOrder(o.OrderNo)
}

// storedOrder syncs and returns the order as the data file has it.
func (r *rig) storedOrder(no string) domain.Order {
	r.t.Helper()
	o, ok := r.sync()[no]
	if !ok {
		r.t.Fatalf("order %s was not synced", no)
	}
	return o
}

// request reads the order's request of this kind live.
func (r *rig) request(o domain.Order, kind domain.RequestKind) domain.AfterSale {
	r.t.Helper()
	reqs, err := r.c.Requests(context.Background(), o, o.AfterSales)
	if err != nil {
		r.t.Fatalf("Requests %s: %v", o.OrderNo, err)
	}
	for _, a := range reqs {
		if a.Kind == kind {
			return a
		}
	}
	r.t.Fatalf("order %s has no %s request: %+v", o.OrderNo, kind, reqs)
	return domain.AfterSale{}
}

// answer sends a step on the request as the engine would: checked by the domain's rules first,
// with the status the seller saw.
func (r *rig) answer(o domain.Order, req *domain.AfterSale, a domain.Answer) (string, error) {
	r.t.Helper()
	if req != nil {
		a.RequestID, a.Kind, a.FromStatus = req.ID, req.Kind, req.Status
	}
	if err := a.Check(&o, req); err != nil {
		r.t.Fatalf("the domain refuses the answer before it is sent: %v", err)
	}
	return r.c.Answer(context.Background(), o, a)
}

func (r *rig) mustAnswer(o domain.Order, req *domain.AfterSale, a domain.Answer) string {
	r.t.Helper()
	tip, err := r.answer(o, req, a)
	if err != nil {
		r.t.Fatalf("%s on %s: %v", a.Step, o.OrderNo, err)
	}
	return tip
}

// lazadaRefusal checks err is Lazada's refusal with this code (not worth retrying).
func lazadaRefusal(t *testing.T, what string, err error, code string) {
	t.Helper()
	var me *market.Error
	switch {
	case err == nil:
		t.Errorf("%s: no error, want Lazada's %s", what, code)
	case !errors.As(err, &me):
		t.Errorf("%s: %v is not a *market.Error", what, err)
	case me.Code != code || me.Retryable || me.Platform != domain.Lazada:
		t.Errorf("%s: %v (code %q, retryable %v), want code %q, not retryable", what, err, me.Code, me.Retryable, code)
	}
}

// wantStatus checks the request's status, live, and each of its lines'.
func (r *rig) wantStatus(o domain.Order, kind domain.RequestKind, want string) domain.AfterSale {
	r.t.Helper()
	req := r.request(o, kind)
	if req.Status != want {
		r.t.Errorf("%s %s request: %s, want %s", o.OrderNo, kind, req.Status, want)
	}
	for _, l := range req.Lines {
		if l.Status != want {
			r.t.Errorf("%s line %s: %s, want %s", o.OrderNo, l.ID, l.Status, want)
		}
	}
	return req
}

// steps lists the decisions the simulator took on a request.
func steps(v sim.RequestView) []string {
	var out []string
	for _, d := range v.Decisions {
		out = append(out, d.Step)
	}
	return out
}

// pngImage is a small PNG of one colour, as a seller's photo would come.
func pngImage(t *testing.T, name string, c color.RGBA) domain.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		for y := range 3 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	im, err := domain.ReadImage(name, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sameImages checks that the decision's evidence and the shop's uploads are exactly the images
// sent, byte for byte.
func (r *rig) sameImages(d sim.Decision, sent []domain.Image) {
	r.t.Helper()
	uploads := map[string]sim.Upload{}
	for _, u := range r.s.Uploads(domain.Lazada, r.shop.ID) {
		uploads[u.Ref] = u
	}
	if len(d.Images) != len(sent) {
		r.t.Fatalf("the decision references %d images, %d were sent", len(d.Images), len(sent))
	}
	for i, im := range sent {
		got := d.Images[i]
		if got.SHA256 != sha(im.Data) || got.Size != len(im.Data) || got.Name != im.Name || got.Type != im.Type {
			r.t.Errorf("evidence %d: %+v, want %s (%d bytes, %s, sha %s)", i, got, im.Name, len(im.Data), im.Type, sha(im.Data))
		}
		if u, ok := uploads[got.Ref]; !ok || u.SHA256 != sha(im.Data) {
			r.t.Errorf("evidence %d (%s) is not among the shop's uploads as sent: %+v", i, got.Ref, u)
		}
	}
}

func itemByID(o domain.Order, id string) domain.Item {
	for _, it := range o.Items {
		if it.PlatformItemID == id {
			return it
		}
	}
	return domain.Item{}
}

// readBack reads the order from Lazada as the engine does after an answer.
func (r *rig) readBack(o domain.Order) domain.Order {
	r.t.Helper()
	got, err := r.c.Orders(context.Background(), []string{o.PlatformID})
	if err != nil || len(got) != 1 {
		r.t.Fatalf("Orders %s: %v (%d orders)", o.OrderNo, err, len(got))
	}
	reqs, err := r.c.Requests(context.Background(), got[0], o.AfterSales)
	if err != nil {
		r.t.Fatal(err)
	}
	got[0].AfterSales = reqs
	return got[0]
}

// A pending item is cancelled on its own: validate gives the seed's tip and reasons, create
// cancels it (cancellation-seller, the reason's name), its sibling stays.
func TestCancelPendingItem(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	o := r.shaped(unit{domain.LzPending, ""}, unit{domain.LzPending, ""})
	a, b := o.Items[0].PlatformItemID, o.Items[1].PlatformItemID

	opts, err := r.c.CancelOptions(ctx, o, []string{a})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, x := range opts.Reasons {
		reasons = append(reasons, x.ID+" "+x.Text)
	}
	if opts.Refused || opts.TipType != "warning" || !strings.HasPrefix(opts.Tip, "SKU stock may be set to 0*") ||
		!slices.Equal(reasons, []string{"10000019 Sourcing Delay", "10000021 Out of Stock", "10000023 Wrong Price or Pricing Error"}) {
		t.Errorf("cancel options %+v", opts)
	}
	if domain.Packed(&o, []string{a}) {
		t.Error("a pending item counts as packed")
	}

	ans := domain.Answer{Step: domain.StepCancel, Items: []string{a}, Reason: "10000019", ReasonText: "Sourcing Delay"}
	tip := r.mustAnswer(o, nil, ans)
	if !strings.HasPrefix(tip, "The order has been cancelled") {
		t.Errorf("tip %q", tip)
	}
	got := r.readBack(o)
	if it := itemByID(got, a); !it.Cancelled || it.Status != domain.LzCanceled || it.CancelledBy != "seller" || it.CancelReason != "Sourcing Delay" {
		t.Errorf("cancelled item %+v", it)
	}
	if it := itemByID(got, b); it.Cancelled || it.Status != domain.LzPending {
		t.Errorf("its sibling %+v", it)
	}
	if !domain.AnswerDone(&got, &ans) {
		t.Error("the cancel is not seen as done")
	}
	if z := r.s.ZeroedStock(domain.Lazada, r.shop.ID); len(z) != 0 {
		t.Errorf("Sourcing Delay zeroed %v", z)
	}
	if n := r.count(pathCancelValidate, http.StatusOK); n != 2 {
		t.Errorf("%d validate calls, want 2 (the options, and before the cancel)", n)
	}
	stored := r.storedOrder(o.OrderNo)
	if it := itemByID(stored, a); !it.Cancelled || it.CancelledBy != "seller" {
		t.Errorf("the sync brings %+v", it)
	}
	r.same(nil)
}

// Cancelling one packed item cancels its whole package: the package mate goes too, another
// package stays; Out of Stock zeroes the chosen item's SKU.
func TestCancelPackedItemCancelsPackage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o := r.shaped(unit{domain.LzPacked, "FPA"}, unit{domain.LzPacked, "FPA"}, unit{domain.LzPacked, "FPB"})
	a, mate, other := o.Items[0], o.Items[1], o.Items[2]
	if !domain.Packed(&o, []string{a.PlatformItemID}) {
		t.Error("a packed item does not count as packed")
	}
	if m := domain.PackageMates(&o, []string{a.PlatformItemID}); len(m) != 1 || m[0].PlatformItemID != mate.PlatformItemID {
		t.Errorf("package mates %+v", m)
	}
	r.mustAnswer(o, nil, domain.Answer{Step: domain.StepCancel, Items: []string{a.PlatformItemID}, Reason: "10000021"})
	got := r.readBack(o)
	for _, id := range []string{a.PlatformItemID, mate.PlatformItemID} {
		if it := itemByID(got, id); !it.Cancelled || it.CancelledBy != "seller" || it.CancelReason != "Out of Stock" {
			t.Errorf("item %s: %+v", id, it)
		}
	}
	if it := itemByID(got, other.PlatformItemID); it.Cancelled || it.Status != domain.LzPacked {
		t.Errorf("the other package's item %+v", it)
	}
	if z := r.s.ZeroedStock(domain.Lazada, r.shop.ID); !slices.Equal(z, []string{a.SKU}) {
		t.Errorf("zeroed %v, want %s", z, a.SKU)
	}
	r.storedOrder(o.OrderNo)
	r.same(nil)
}

// A buyer's cancellation comes with the pull (To Cancel, its request kept); Kedai accepts one and
// rejects the other, with a reason from Lazada's list.
func TestBuyerCancelAcceptAndReject(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	acc := r.shaped(unit{domain.LzPending, ""}, unit{domain.LzPending, ""})
	rej := r.shaped(unit{domain.LzPending, ""})
	r.s.RequestCancel(domain.Lazada, r.shop.ID, acc.OrderNo)
	r.s.RequestCancel(domain.Lazada, r.shop.ID, rej.OrderNo)
	stored := r.sync()
	acc, rej = stored[acc.OrderNo], stored[rej.OrderNo]
	for _, o := range []domain.Order{acc, rej} {
		if !o.CancelRequested || o.Tab != domain.TabToCancel {
			t.Errorf("%s: cancel requested %v, tab %s", o.OrderNo, o.CancelRequested, o.Tab.Title())
		}
		if len(o.AfterSales) != 1 || o.AfterSales[0].Kind != domain.ReqCancel || o.AfterSales[0].Status != domain.LzRevRequestInitiate ||
			o.AfterSales[0].By != "buyer" || o.AfterSales[0].Reason == "" || len(o.AfterSales[0].Lines) != len(o.Items) {
			t.Errorf("%s: the pull kept %+v", o.OrderNo, o.AfterSales)
		}
	}
	req := r.wantStatus(acc, domain.ReqCancel, domain.LzRevRequestInitiate)
	if s := domain.AfterSaleSteps(domain.Lazada, &req); !slices.Equal(s, []domain.Step{domain.StepAcceptCancel, domain.StepRejectCancel}) {
		t.Errorf("steps %v", s)
	}
	r.mustAnswer(acc, &req, domain.Answer{Step: domain.StepAcceptCancel})
	got := r.readBack(acc)
	for _, it := range got.Items {
		if !it.Cancelled || it.CancelledBy != "buyer" || it.CancelReason == "" {
			t.Errorf("accepted: item %+v", it)
		}
	}
	if got.CancelRequested {
		t.Error("accepted: need_cancel_confirm is still set")
	}
	if !domain.AnswerDone(&got, &domain.Answer{Step: domain.StepAcceptCancel, Kind: req.Kind, RequestID: req.ID, FromStatus: req.Status}) {
		t.Error("accepted: the answer is not seen as done")
	}
	r.wantStatus(acc, domain.ReqCancel, domain.LzRevCancelSuccess)

	rreq := r.request(rej, domain.ReqCancel)
	reasons, err := r.c.Reasons(ctx, rej, rreq, domain.StepRejectCancel)
	if err != nil || len(reasons) == 0 || reasons[0].ID == "" || reasons[0].Text == "" {
		t.Fatalf("reject reasons %+v, %v", reasons, err)
	}
	_, err = r.c.Answer(ctx, rej, domain.Answer{Step: domain.StepRejectCancel, Kind: rreq.Kind, RequestID: rreq.ID, FromStatus: rreq.Status})
	lazadaRefusal(t, "rejecting without a reason", err, "108")
	r.mustAnswer(rej, &rreq, domain.Answer{Step: domain.StepRejectCancel, Reason: reasons[1].ID, ReasonText: reasons[1].Text})
	got = r.readBack(rej)
	if got.CancelRequested || got.Items[0].Cancelled || got.Items[0].Status != domain.LzPending {
		t.Errorf("rejected: %+v", got.Items[0])
	}
	r.wantStatus(rej, domain.ReqCancel, domain.LzRevRequestReject)
	cv, _ := r.s.CancelOf(domain.Lazada, r.shop.ID, rej.OrderNo)
	if !slices.Equal(steps(cv), []string{"refuseCancel"}) || cv.Decisions[0].Reason != reasons[1].ID {
		t.Errorf("decisions %+v", cv.Decisions)
	}
	cv, _ = r.s.CancelOf(domain.Lazada, r.shop.ID, acc.OrderNo)
	if !slices.Equal(steps(cv), []string{"agreeCancel"}) {
		t.Errorf("decisions %+v", cv.Decisions)
	}
	stored = r.sync()
	for _, no := range []string{acc.OrderNo, rej.OrderNo} {
		if o := stored[no]; o.CancelRequested || o.Tab == domain.TabToCancel || len(o.AfterSales) != 1 || domain.AfterSaleOpen(domain.Lazada, &o.AfterSales[0]) {
			t.Errorf("%s after the answer: tab %s, requests %+v", no, o.Tab.Title(), o.AfterSales)
		}
	}
	r.same(nil)
}

// delivered adds an order of two delivered items with a request of this kind, synced.
func (r *rig) delivered(kind domain.RequestKind) domain.Order {
	r.t.Helper()
	o := r.shaped(unit{domain.LzDelivered, "FPA"}, unit{domain.LzDelivered, "FPA"})
	if kind == domain.ReqRefund {
		r.s.RequestRefund(domain.Lazada, r.shop.ID, o.OrderNo)
	} else {
		r.s.RequestReturn(domain.Lazada, r.shop.ID, o.OrderNo)
	}
	o = r.storedOrder(o.OrderNo)
	if !o.ReturnRequested || o.Tab != domain.TabToReturn || len(o.AfterSales) != 1 || o.AfterSales[0].Kind != kind {
		r.t.Fatalf("%s: return %v, tab %s, requests %+v", o.OrderNo, o.ReturnRequested, o.Tab.Title(), o.AfterSales)
	}
	return o
}

// Refund at once: REFUND_PENDING (still on To Return while Lazada reviews it), then paid.
func TestReturnInstantRefund(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o := r.delivered(domain.ReqReturn)
	req := r.wantStatus(o, domain.ReqReturn, domain.LzRevRequestInitiate)
	want := domain.Money{Currency: o.Currency}
	for _, it := range o.Items {
		want = want.Add(it.PaidPrice)
	}
	if req.Refund != want || req.By != "buyer" || req.Reason == "" || req.Deadline.IsZero() || req.Created.IsZero() || len(req.Lines) != 2 ||
		req.Lines[0].OrderItemID != o.Items[0].PlatformItemID || req.Lines[0].Name == "" || req.Lines[0].Refund != o.Items[0].PaidPrice {
		t.Errorf("request %+v, want refund %s", req, want)
	}
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepRefund})
	pending := r.wantStatus(o, domain.ReqReturn, domain.LzRevRefundPending)
	if got := pending.StatusWords(domain.Lazada); !strings.HasPrefix(got, "Refund Pending") {
		t.Errorf("status words %q", got)
	}
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, o.OrderNo)
	if !slices.Equal(steps(rv), []string{"instantRefund"}) {
		t.Errorf("decisions %v", steps(rv))
	}
	if s := r.storedOrder(o.OrderNo); !s.ReturnRequested || s.Tab != domain.TabToReturn {
		t.Errorf("under review: return %v, tab %s", s.ReturnRequested, s.Tab.Title())
	}
	if !r.s.SettleReturn(domain.Lazada, r.shop.ID, o.OrderNo) {
		t.Fatal("SettleReturn")
	}
	r.wantStatus(o, domain.ReqReturn, domain.LzRevRefundSuccess)
	if s := r.storedOrder(o.OrderNo); s.ReturnRequested || s.Tab == domain.TabToReturn || s.AfterSales[0].Status != domain.LzRevRefundSuccess {
		t.Errorf("refunded: return %v, tab %s, requests %+v", s.ReturnRequested, s.Tab.Title(), s.AfterSales)
	}
	r.same(nil)
}

// Agree to the return, the buyer ships it back, confirm receipt, refund, Lazada pays.
func TestReturnAgreeConfirmRefund(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o := r.delivered(domain.ReqReturn)
	req := r.request(o, domain.ReqReturn)
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepAgreeReturn})
	req = r.wantStatus(o, domain.ReqReturn, domain.LzRevBuyerReturnItem)
	if s := domain.AfterSaleSteps(domain.Lazada, &req); !slices.Equal(s, []domain.Step{domain.StepConfirmReceipt}) {
		t.Errorf("steps while the buyer returns it: %v", s)
	}
	if s := r.storedOrder(o.OrderNo); !s.ReturnRequested || s.Tab != domain.TabToReturn {
		t.Errorf("awaiting the parcel: return %v, tab %s", s.ReturnRequested, s.Tab.Title())
	}
	if !r.s.ShipReturn(domain.Lazada, r.shop.ID, o.OrderNo, "RTN0042") {
		t.Fatal("ShipReturn")
	}
	req = r.wantStatus(o, domain.ReqReturn, domain.LzRevShippingBack)
	if req.Tracking != "RTN0042" {
		t.Errorf("tracking %q", req.Tracking)
	}
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepConfirmReceipt})
	req = r.wantStatus(o, domain.ReqReturn, domain.LzRevReceived)
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepRefund})
	r.wantStatus(o, domain.ReqReturn, domain.LzRevRefundPending)
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, o.OrderNo)
	if !slices.Equal(steps(rv), []string{"agreeReturn", "confirmDelivery", "agreeRefund"}) {
		t.Errorf("decisions %v", steps(rv))
	}
	if !r.s.SettleReturn(domain.Lazada, r.shop.ID, o.OrderNo) {
		t.Fatal("SettleReturn")
	}
	r.wantStatus(o, domain.ReqReturn, domain.LzRevRefundSuccess)
	got := r.readBack(o)
	for _, it := range got.Items {
		if it.ReturnStatus != domain.LzRevRefundSuccess || it.Status != domain.LzReturned {
			t.Errorf("refunded item %+v", it)
		}
	}
	if s := r.storedOrder(o.OrderNo); s.ReturnRequested || s.Tab == domain.TabToReturn {
		t.Errorf("refunded: return %v, tab %s", s.ReturnRequested, s.Tab.Title())
	}
	r.same(nil)
}

// Reject a return before the parcel comes back: one call a line (Lazada refuses more), each with
// the reason and the seller's words; the order leaves To Return.
func TestReturnRefuse(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	o := r.delivered(domain.ReqReturn)
	req := r.request(o, domain.ReqReturn)
	reasons, err := r.c.Reasons(ctx, o, req, domain.StepReject)
	if err != nil || len(reasons) == 0 {
		t.Fatalf("reasons %v, %v", reasons, err)
	}
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepReject, Reason: reasons[0].ID, Comment: "Returns closed after 7 days."})
	r.wantStatus(o, domain.ReqReturn, domain.LzRevRequestReject)
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, o.OrderNo)
	if !slices.Equal(steps(rv), []string{"refuseReturn", "refuseReturn"}) || rv.Decisions[0].Comment != "Returns closed after 7 days." || rv.Decisions[1].Reason != reasons[0].ID {
		t.Errorf("decisions %+v", rv.Decisions)
	}
	if s := r.storedOrder(o.OrderNo); s.ReturnRequested || s.Tab == domain.TabToReturn {
		t.Errorf("rejected: return %v, tab %s", s.ReturnRequested, s.Tab.Title())
	}
	r.same(nil)
}

// Reject the refund once the parcel is back, with photos: they are uploaded first and reach
// Lazada byte for byte; the refund goes to Lazada's review as a dispute.
func TestReturnRefuseRefundWithImages(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	o := r.delivered(domain.ReqReturn)
	req := r.request(o, domain.ReqReturn)
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepAgreeReturn})
	r.s.ShipReturn(domain.Lazada, r.shop.ID, o.OrderNo, "RTN7")
	req = r.request(o, domain.ReqReturn)
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepConfirmReceipt})
	req = r.wantStatus(o, domain.ReqReturn, domain.LzRevReceived)
	if n := domain.StepNeeds(domain.Lazada, &req, domain.StepReject); !n.Images {
		t.Errorf("rejecting a received return does not ask for images: %+v", n)
	}
	reasons, err := r.c.Reasons(ctx, o, req, domain.StepReject)
	if err != nil || len(reasons) == 0 {
		t.Fatalf("reasons %v, %v", reasons, err)
	}
	images := []domain.Image{pngImage(t, "scratch.png", color.RGBA{200, 10, 10, 255}), pngImage(t, "box.png", color.RGBA{10, 10, 200, 255})}
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepReject, Items: []string{req.Lines[0].ID}, Reason: reasons[0].ID,
		Comment: "Scratched and used.", Images: images})
	after := r.request(o, domain.ReqReturn)
	if after.Status != domain.LzRevReceived || after.Lines[0].Status != domain.LzRevRefundPending || after.Lines[1].Status != domain.LzRevReceived || !after.Dispute {
		t.Errorf("after rejecting one line: %+v", after)
	}
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, o.OrderNo)
	if !slices.Equal(steps(rv), []string{"agreeReturn", "confirmDelivery", "refuseRefund"}) {
		t.Fatalf("decisions %v", steps(rv))
	}
	r.sameImages(rv.Decisions[2], images)
	if n := len(r.s.Uploads(domain.Lazada, r.shop.ID)); n != 2 {
		t.Errorf("%d uploads, want 2", n)
	}
	for _, q := range r.s.Requests(domain.Lazada) {
		if q.Path == pathImageUpload && (q.Method != http.MethodPost || q.Params.Get("image") != "") {
			t.Errorf("upload sent as %s with params %v", q.Method, q.Params)
		}
	}
	// The other line is refunded.
	r.mustAnswer(o, &after, domain.Answer{Step: domain.StepRefund})
	r.wantStatus(o, domain.ReqReturn, domain.LzRevRefundPending)
	r.storedOrder(o.OrderNo)
	r.same(nil)
}

// Refund-only requests: agree on one, dispute the other (with the seller's words and a photo);
// both go to Lazada's review.
func TestRefundOnlyAgreeAndDispute(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	agree, dispute := r.delivered(domain.ReqRefund), r.delivered(domain.ReqRefund)
	req := r.request(agree, domain.ReqRefund)
	if s := domain.AfterSaleSteps(domain.Lazada, &req); !slices.Equal(s, []domain.Step{domain.StepRefund, domain.StepDispute}) {
		t.Errorf("refund-only steps %v", s)
	}
	r.mustAnswer(agree, &req, domain.Answer{Step: domain.StepRefund})
	r.wantStatus(agree, domain.ReqRefund, domain.LzRevRefundPending)
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, agree.OrderNo)
	if !slices.Equal(steps(rv), []string{"agreeRefund", "agreeRefund"}) {
		t.Errorf("decisions %v (one call per line)", steps(rv))
	}

	req = r.request(dispute, domain.ReqRefund)
	photo := []domain.Image{pngImage(t, "working.png", color.RGBA{0, 160, 0, 255})}
	r.mustAnswer(dispute, &req, domain.Answer{Step: domain.StepDispute, Comment: "The item works; see the photo.", Images: photo})
	got := r.wantStatus(dispute, domain.ReqRefund, domain.LzRevRefundPending)
	if !got.Dispute {
		t.Error("a disputed refund is not marked is_dispute")
	}
	rv, _ = r.s.ReturnOf(domain.Lazada, r.shop.ID, dispute.OrderNo)
	if !slices.Equal(steps(rv), []string{"startDispute", "startDispute"}) {
		t.Fatalf("decisions %v", steps(rv))
	}
	r.sameImages(rv.Decisions[0], photo)
	r.sameImages(rv.Decisions[1], photo)
	for _, o := range []domain.Order{agree, dispute} {
		if s := r.storedOrder(o.OrderNo); !s.ReturnRequested || s.Tab != domain.TabToReturn {
			t.Errorf("%s under review: return %v, tab %s", o.OrderNo, s.ReturnRequested, s.Tab.Title())
		}
	}
	r.same(nil)
}

// Lazada's refusals come back as *market.Error with its code: a step the request's status does
// not take, a missing reason, comment or image, an unknown reverse order, an item that cannot be
// cancelled. Nothing changes at Lazada.
func TestAfterSaleRefusals(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	ret := r.delivered(domain.ReqReturn)
	req := r.request(ret, domain.ReqReturn)
	send := func(o domain.Order, rq domain.AfterSale, a domain.Answer) error {
		a.RequestID, a.Kind, a.FromStatus = rq.ID, rq.Kind, rq.Status
		_, err := r.c.Answer(ctx, o, a)
		return err
	}
	lazadaRefusal(t, "confirm receipt before the buyer returns it", send(ret, req, domain.Answer{Step: domain.StepConfirmReceipt}), "114")
	lazadaRefusal(t, "reject without a reason", send(ret, req, domain.Answer{Step: domain.StepReject, Comment: "no"}), "108")
	lazadaRefusal(t, "reject without a comment", send(ret, req, domain.Answer{Step: domain.StepReject, Reason: "20000201"}), "109")
	unknown := req
	unknown.ID = "123456789012345"
	lazadaRefusal(t, "an unknown reverse order", send(ret, unknown, domain.Answer{Step: domain.StepRefund}), "105")
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, ret.OrderNo)
	if len(rv.Decisions) != 0 || rv.Status != domain.LzRevRequestInitiate {
		t.Fatalf("refusals changed the return: %+v", rv)
	}

	// Refusing the refund of a received return needs images.
	r.mustAnswer(ret, &req, domain.Answer{Step: domain.StepAgreeReturn})
	r.s.ShipReturn(domain.Lazada, r.shop.ID, ret.OrderNo, "RTN1")
	req = r.request(ret, domain.ReqReturn)
	r.mustAnswer(ret, &req, domain.Answer{Step: domain.StepConfirmReceipt})
	req = r.request(ret, domain.ReqReturn)
	lazadaRefusal(t, "refuse the refund without images", send(ret, req, domain.Answer{Step: domain.StepReject, Reason: "20000301", Comment: "used"}), "110")
	lazadaRefusal(t, "refuse the refund with a return's reason", send(ret, req, domain.Answer{Step: domain.StepReject, Reason: "20000201", Comment: "used",
		Images: []domain.Image{pngImage(t, "a.png", color.RGBA{1, 2, 3, 255})}}), "108")
	lazadaRefusal(t, "agree to a return already received", send(ret, req, domain.Answer{Step: domain.StepAgreeReturn}), "114")

	refund := r.delivered(domain.ReqRefund)
	rreq := r.request(refund, domain.ReqRefund)
	lazadaRefusal(t, "dispute without an image", send(refund, rreq, domain.Answer{Step: domain.StepDispute, Comment: "works"}), "110")
	lazadaRefusal(t, "dispute without words", send(refund, rreq, domain.Answer{Step: domain.StepDispute}), "109")

	// An item that cannot be cancelled: validate says so (tip_type error, no reasons) and the
	// cancel is refused with that tip before create is called.
	done := r.shaped(unit{domain.LzDelivered, "FPZ"})
	id := done.Items[0].PlatformItemID
	opts, err := r.c.CancelOptions(ctx, done, nil)
	if err != nil || !opts.Refused || len(opts.Reasons) != 0 || !strings.Contains(opts.Tip, "delivered") {
		t.Errorf("options for a delivered item: %+v, %v", opts, err)
	}
	_, err = r.c.Answer(ctx, done, domain.Answer{Step: domain.StepCancel, Items: []string{id}, Reason: "10000019"})
	var me *market.Error
	if !errors.As(err, &me) || me.Retryable || !strings.Contains(me.Message, "delivered") {
		t.Errorf("cancelling a delivered item: %v", err)
	}
	pending := r.shaped(unit{domain.LzPending, ""})
	_, err = r.c.Answer(ctx, pending, domain.Answer{Step: domain.StepCancel, Items: []string{pending.Items[0].PlatformItemID}, Reason: "42"})
	lazadaRefusal(t, "a reason Lazada does not offer", err, "104")
	if n := r.count(pathCancelCreate, -1); n != 1 {
		t.Errorf("%d create calls, want 1 (the refused reason)", n)
	}
	if got := r.readBack(done); got.Items[0].Cancelled {
		t.Error("the delivered item was cancelled")
	}
}

// Throttling and server errors are retried, the upload and the step alike (a 5xx answer shows
// the step was not taken).
func TestAfterSaleRetries(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o := r.delivered(domain.ReqRefund)
	req := r.request(o, domain.ReqRefund)
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.TooManyRequests, Times: 1, Path: pathImageUpload})
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ServerError, Times: 1, Path: pathOnlyRefundDecide})
	photo := []domain.Image{pngImage(t, "p.png", color.RGBA{9, 9, 9, 255})}
	r.mustAnswer(o, &req, domain.Answer{Step: domain.StepDispute, Comment: "works", Images: photo})
	r.wantStatus(o, domain.ReqRefund, domain.LzRevRefundPending)
	if n := r.count(pathImageUpload, http.StatusTooManyRequests); n != 1 {
		t.Errorf("%d throttled uploads, want 1", n)
	}
	if n := r.count(pathOnlyRefundDecide, http.StatusOK); n != 2 {
		t.Errorf("%d decide calls answered, want 2 (one a line)", n)
	}
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, o.OrderNo)
	r.sameImages(rv.Decisions[0], photo)
}

// The pull reports every request its window's reverse list shows: Returns is true while a return
// or refund is open (awaiting the seller, the buyer's parcel or Lazada's review) and false once it
// is finished; AfterSales carries the requests, cancellations included.
func TestPullReportsAfterSales(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	ret, refund := r.delivered(domain.ReqReturn), r.delivered(domain.ReqRefund)
	cancel := r.shaped(unit{domain.LzPending, ""})
	r.s.RequestCancel(domain.Lazada, r.shop.ID, cancel.OrderNo)
	req := r.request(ret, domain.ReqReturn)
	r.mustAnswer(ret, &req, domain.Answer{Step: domain.StepAgreeReturn})

	batches := func() (map[string]bool, map[string][]domain.AfterSale) {
		returns, sales := map[string]bool{}, map[string][]domain.AfterSale{}
		r.s.Clock().Advance(time.Second)
		err := r.c.Pull(ctx, simStart.Add(-time.Hour), r.s.Clock().Now(), func(b market.Batch) error {
			for no, v := range b.Returns {
				returns[no] = v
			}
			for no, v := range b.AfterSales {
				sales[no] = v
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return returns, sales
	}
	returns, sales := batches()
	if !returns[ret.OrderNo] || !returns[refund.OrderNo] {
		t.Errorf("Returns %v: the agreed return and the refund are open", returns)
	}
	if _, ok := returns[cancel.OrderNo]; ok {
		t.Errorf("Returns reports the cancellation's order %s", cancel.OrderNo)
	}
	kinds := map[string]string{}
	for no, list := range sales {
		for _, a := range list {
			kinds[no] += string(a.Kind) + ":" + a.Status + " "
		}
	}
	if kinds[ret.OrderNo] != "return:BUYER_RETURN_ITEM " || kinds[refund.OrderNo] != "refund:REQUEST_INITIATE " ||
		kinds[cancel.OrderNo] != "cancel:REQUEST_INITIATE " {
		t.Errorf("AfterSales %v", kinds)
	}

	rreq := r.request(refund, domain.ReqRefund)
	r.mustAnswer(refund, &rreq, domain.Answer{Step: domain.StepRefund})
	r.s.SettleReturn(domain.Lazada, r.shop.ID, refund.OrderNo)
	returns, sales = batches()
	if v, ok := returns[refund.OrderNo]; !ok || v {
		t.Errorf("a paid refund: Returns %v (listed %v)", v, ok)
	}
	if len(sales[refund.OrderNo]) != 1 || sales[refund.OrderNo][0].Status != domain.LzRevRefundSuccess {
		t.Errorf("a paid refund: AfterSales %+v", sales[refund.OrderNo])
	}
	r.sync()
	r.same(nil)
}

// An answer Lazada carried out but whose reply was lost (garbled) is not sent again blindly: the
// error goes back (worth retrying later), and reading the order back shows the step was taken,
// so the engine does not send it again.
func TestAfterSaleLostAnswer(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o := r.delivered(domain.ReqReturn)
	req := r.request(o, domain.ReqReturn)
	a := domain.Answer{Step: domain.StepAgreeReturn, RequestID: req.ID, Kind: req.Kind, FromStatus: req.Status}
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.Malformed, Times: 1, Path: pathReturnUpdate})
	_, err := r.c.Answer(context.Background(), o, a)
	if !market.Retryable(err) {
		t.Fatalf("a garbled answer: %v, want a retryable error", err)
	}
	if n := r.count(pathReturnUpdate, -1); n != 1 {
		t.Errorf("%d return/update calls, want 1: a write whose answer was lost is not sent again blindly", n)
	}
	rv, _ := r.s.ReturnOf(domain.Lazada, r.shop.ID, o.OrderNo)
	if !slices.Equal(steps(rv), []string{"agreeReturn"}) {
		t.Errorf("decisions %v", steps(rv))
	}
	if fresh := r.readBack(o); !domain.AnswerDone(&fresh, &a) {
		t.Errorf("the step Lazada took is not seen as done: %+v", fresh.AfterSales)
	}
}
