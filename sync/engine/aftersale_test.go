package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
)

// answer submits an answer on one order and sends it to the end.
func (w *world) answer(t *testing.T, e *Engine, id int64, a domain.Answer) db.Progress {
	t.Helper()
	job, refused, err := e.SubmitAnswer(ctx, id, a)
	if err != nil || len(refused) != 0 || job == 0 {
		t.Fatalf("%s: job %d, refused %+v, err %v", a.Step, job, refused, err)
	}
	p, err := e.WaitJob(ctx, job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Done != 1 {
		t.Fatalf("%s: %+v", a.Step, p)
	}
	return p
}

// request is the order's kept request of this kind, read from the platform first.
func request(t *testing.T, e *Engine, id int64, kind domain.RequestKind) domain.AfterSale {
	t.Helper()
	reqs, err := e.RefreshAfterSales(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("order %d has no %s request: %+v", id, kind, reqs)
	return domain.AfterSale{}
}

// firstOn is the first order of the platform's shop on the tab that passes ok.
func (w *world) firstOn(t *testing.T, p domain.Platform, tab domain.Tab, ok func(domain.Order) bool) domain.Order {
	t.Helper()
	for _, id := range w.onTab(t, p, tab) {
		o, _ := w.d.Order(ctx, id)
		if ok == nil || ok(o) {
			return o
		}
	}
	t.Fatalf("%s: no order on %s", p, tab.Title())
	return domain.Order{}
}

// A buyer's cancellation reaches To Cancel through the sync; accepting it cancels the order at the
// platform and moves it to Others, on every platform.
func TestBuyerCancellationAccepted(t *testing.T) {
	w, e := syncedWorld(t, 40)
	for _, p := range domain.Platforms {
		o := w.firstOn(t, p, domain.TabNew, func(o domain.Order) bool { return !strings.EqualFold(o.Status, domain.TtOnHold) })
		w.sim.RequestCancel(p, w.shops[p].ID, o.OrderNo)
		settle()
		if err := e.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.d.Order(ctx, o.ID); got.Tab != domain.TabToCancel {
			t.Fatalf("%s %s after the buyer asked to cancel: %s", p, o.OrderNo, got.Tab.Title())
		}
		r := request(t, e, o.ID, domain.ReqCancel)
		w.answer(t, e, o.ID, domain.Answer{Step: domain.StepAcceptCancel, Kind: r.Kind, RequestID: r.ID})
		got, _ := w.d.Order(ctx, o.ID)
		if got.Tab != domain.TabOthers || got.PendingAction != "" {
			t.Errorf("%s %s after accepting: tab %s, action %q, error %q", p, o.OrderNo, got.Tab.Title(), got.PendingAction, got.ActionError)
		}
		truth, _ := w.sim.Order(p, w.shops[p].ID, o.OrderNo)
		if domain.DeriveTab(&truth, time.Now()) != domain.TabOthers {
			t.Errorf("%s %s: the platform does not show it cancelled: %s", p, o.OrderNo, truth.Status)
		}
	}
}

// A return sent once whose answer was lost (the send was begun, then the process died) is not
// sent again: the engine reads the request back, sees it moved on, and records it done.
func TestLostAnswerIsNotSentTwice(t *testing.T) {
	w, e := syncedWorld(t, 40)
	p := domain.TikTok
	o := w.firstOn(t, p, domain.TabNew, func(o domain.Order) bool { return !strings.EqualFold(o.Status, domain.TtOnHold) })
	w.sim.RequestCancel(p, w.shops[p].ID, o.OrderNo)
	settle()
	if err := e.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	r := request(t, e, o.ID, domain.ReqCancel)
	a := domain.Answer{Step: domain.StepAcceptCancel, Kind: r.Kind, RequestID: r.ID}
	job, refused, err := e.SubmitAnswer(ctx, o.ID, a)
	if err != nil || len(refused) != 0 {
		t.Fatal(err, refused)
	}
	// The first send: claimed (its attempt counted), carried out, and then the process dies
	// before it records the answer.
	claimed, err := w.d.Claim(ctx, w.stores[p].ID, 10, time.Now())
	if err != nil || len(claimed) != 1 || claimed[0].Answer == nil {
		t.Fatalf("claim: %+v %v", claimed, err)
	}
	as, _, err := e.afterSaler(ctx, w.stores[p].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := as.Answer(ctx, claimed[0].Order, *claimed[0].Answer); err != nil {
		t.Fatal(err)
	}
	prog, err := e.WaitJob(ctx, job, nil)
	if err != nil || prog.Done != 1 {
		t.Fatalf("after the restart: %+v %v", prog, err)
	}
	view, _ := w.sim.CancelOf(p, w.shops[p].ID, o.OrderNo)
	if len(view.Decisions) != 1 {
		t.Errorf("the platform took %d answers, want 1: %+v", len(view.Decisions), view.Decisions)
	}
	if got, _ := w.d.Order(ctx, o.ID); got.Tab != domain.TabOthers {
		t.Errorf("after the restart: %s", got.Tab.Title())
	}
}

// A return and refund on Lazada, end to end: agree, the parcel comes back, receipt confirmed,
// refund; the order stays on To Return through Refund Pending and leaves it when Lazada pays.
func TestLazadaReturnEndToEnd(t *testing.T) {
	w, e := syncedWorld(t, 60)
	p, shop := domain.Lazada, w.shops[domain.Lazada].ID
	o := w.firstOn(t, p, domain.TabDelivered, nil)
	w.sim.RequestReturn(p, shop, o.OrderNo)
	settle()
	if err := e.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.d.Order(ctx, o.ID); got.Tab != domain.TabToReturn || len(got.AfterSales) == 0 {
		t.Fatalf("after the return request: %s %+v", got.Tab.Title(), got.AfterSales)
	}
	r := request(t, e, o.ID, domain.ReqReturn)
	w.answer(t, e, o.ID, domain.Answer{Step: domain.StepAgreeReturn, Kind: r.Kind, RequestID: r.ID})
	if !w.sim.ShipReturn(p, shop, o.OrderNo, "RTN-77") {
		t.Fatal("the return was not waiting for the parcel")
	}
	r = request(t, e, o.ID, domain.ReqReturn)
	w.answer(t, e, o.ID, domain.Answer{Step: domain.StepConfirmReceipt, Kind: r.Kind, RequestID: r.ID})
	r = request(t, e, o.ID, domain.ReqReturn)
	p2 := w.answer(t, e, o.ID, domain.Answer{Step: domain.StepRefund, Kind: r.Kind, RequestID: r.ID})
	_ = p2
	got, _ := w.d.Order(ctx, o.ID)
	if got.Tab != domain.TabToReturn || !strings.EqualFold(got.AfterSales[0].Status, domain.LzRevRefundPending) {
		t.Fatalf("while Lazada reviews the refund: %s %+v", got.Tab.Title(), got.AfterSales)
	}
	if !w.sim.SettleReturn(p, shop, o.OrderNo) {
		t.Fatal("no refund to settle")
	}
	settle()
	if err := e.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.d.Order(ctx, o.ID); got.Tab == domain.TabToReturn {
		t.Errorf("the refunded order is still on To Return: %+v", got.AfterSales)
	}
}
