package db

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

func myr(v int64) domain.Money { return domain.Money{Minor: v, Currency: "MYR"} }

// A Shopee return with the buyer's offer awaiting the seller.
func shopeeReturn(offers ...domain.Offer) domain.AfterSale {
	return domain.AfterSale{Kind: domain.ReqReturn, ID: "2011220RET01", Status: domain.SpRetRequested,
		Negotiation: domain.SpNegPendingRespond, CounterLimit: 2, By: "buyer", Reason: "ITEM_DAMAGED",
		Refund: myr(2990), Offers: offers, Created: t0.Add(48 * time.Hour)}
}

func TestPulledRequestsAreKeptAndMoveTheOrder(t *testing.T) {
	d, s, _ := outboxFixture(t)
	o := order(s, "RET-1", domain.SpToConfirmReceive, t0)
	buyer := domain.Offer{By: "buyer", Solution: domain.SpSolutionReturnRefund, Amount: myr(2990)}
	b := market.Batch{Orders: []domain.Order{o}, Returns: map[string]bool{"RET-1": true},
		AfterSales: map[string][]domain.AfterSale{"RET-1": {shopeeReturn(buyer)}, "NOT-PULLED": {shopeeReturn()}}}
	if err := d.SaveBatch(ctx, s.ID, b, now, now); err != nil {
		t.Fatal(err)
	}
	id := findID(t, d, "RET-1")
	got, err := d.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tab != domain.TabToReturn || len(got.AfterSales) != 1 || got.AfterSales[0].Refund != myr(2990) ||
		len(got.AfterSales[0].Offers) != 1 {
		t.Fatalf("after the pull: tab %v, requests %+v", got.Tab, got.AfterSales)
	}

	// A list reading without the history keeps the offers seen before and adds a new latest one.
	seller := domain.Offer{By: "seller", Solution: domain.SpSolutionRefund, Amount: myr(1500)}
	if err := d.SaveAfterSales(ctx, id, []domain.AfterSale{shopeeReturn(buyer, seller)}, now); err != nil {
		t.Fatal(err)
	}
	counter := domain.Offer{By: "buyer", Solution: domain.SpSolutionRefund, Amount: myr(2500)}
	if err := d.SaveAfterSales(ctx, id, []domain.AfterSale{shopeeReturn(counter)}, now); err != nil {
		t.Fatal(err)
	}
	reqs, _ := d.AfterSales(ctx, id)
	if len(reqs) != 1 || len(reqs[0].Offers) != 3 || reqs[0].Offers[2] != counter {
		t.Fatalf("offer history: %+v", reqs)
	}

	// Closed: the order leaves To Return.
	closed := shopeeReturn()
	closed.Status = domain.SpRetAccepted
	if err := d.SaveAfterSales(ctx, id, []domain.AfterSale{closed}, now); err != nil {
		t.Fatal(err)
	}
	got, _ = d.Order(ctx, id)
	if got.Tab != domain.TabDelivered || got.ReturnRequested {
		t.Fatalf("after the return closed: tab %v, return flag %v", got.Tab, got.ReturnRequested)
	}
	if err := d.SaveAfterSales(ctx, id, []domain.AfterSale{{Kind: "swap", ID: "1"}}, now); err == nil {
		t.Error("an unknown kind of request was kept")
	}
}

func findID(t *testing.T, d *DB, orderNo string) int64 {
	t.Helper()
	rows, err := d.OrderPage(ctx, domain.OrderQuery{Search: orderNo}, nil, 5)
	if err != nil || len(rows) != 1 {
		t.Fatalf("find %s: %v %+v", orderNo, err, rows)
	}
	return rows[0].ID
}

func TestAnswersAreCheckedQueuedAndFinished(t *testing.T) {
	d, s, ids := outboxFixture(t)
	o := order(s, "RET-2", domain.SpToConfirmReceive, t0)
	req := shopeeReturn(domain.Offer{By: "buyer", Solution: domain.SpSolutionReturnRefund, Amount: myr(2990)})
	if err := d.SaveBatch(ctx, s.ID, market.Batch{Orders: []domain.Order{o}, Returns: map[string]bool{"RET-2": true},
		AfterSales: map[string][]domain.AfterSale{"RET-2": {req}}}, now, now); err != nil {
		t.Fatal(err)
	}
	id := findID(t, d, "RET-2")

	// The bulk path does not take answers.
	if _, _, err := d.Enqueue(ctx, domain.ActAnswerReturn, []int64{id}, domain.Shipping{}, now); err == nil {
		t.Error("a bulk answer without its details was queued")
	}
	refusals := []struct {
		a    domain.Answer
		want string
	}{
		{domain.Answer{Step: domain.StepOffer, Kind: domain.ReqReturn, RequestID: "nope", Amount: myr(100), Solution: domain.SpSolutionRefund}, "no such request"},
		{domain.Answer{Step: domain.StepConfirmReceipt, Kind: domain.ReqReturn, RequestID: req.ID}, "not possible"},
		{domain.Answer{Step: domain.StepOffer, Kind: domain.ReqReturn, RequestID: req.ID, Amount: myr(5000), Solution: domain.SpSolutionRefund}, "more than"},
		{domain.Answer{Step: domain.StepOffer, Kind: domain.ReqReturn, RequestID: req.ID, Amount: myr(100)}, "return and refund, or refund only"},
		{domain.Answer{Step: domain.StepDispute, Kind: domain.ReqReturn, RequestID: req.ID, Reason: "1", Comment: "broken on arrival", Email: "a@b.my"}, "at least one image"},
		{domain.Answer{Step: domain.StepCancel}, "Cancel Order is for orders on"},
	}
	for _, r := range refusals {
		job, refused, err := d.EnqueueAnswer(ctx, id, r.a, now)
		if err != nil || job != 0 || len(refused) != 1 || !strings.Contains(refused[0].Reason, r.want) {
			t.Errorf("%s: job %d, refused %+v, err %v; want a refusal with %q", r.a.Step, job, refused, err, r.want)
		}
	}
	if o, _ := d.Order(ctx, id); o.PendingAction != "" {
		t.Fatalf("a refused answer left the order marked: %q", o.PendingAction)
	}

	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{7}, 100)...)
	img, err := domain.ReadImage("box.jpg", jpeg)
	if err != nil {
		t.Fatal(err)
	}
	a := domain.Answer{Step: domain.StepDispute, Kind: domain.ReqReturn, RequestID: req.ID, Reason: "1", Comment: "broken on arrival",
		Email: "ayu@butik.my", Images: []domain.Image{img}}
	job, refused, err := d.EnqueueAnswer(ctx, id, a, now)
	if err != nil || job == 0 || len(refused) != 0 {
		t.Fatalf("enqueue: %d %+v %v", job, refused, err)
	}
	if _, refused, _ := d.EnqueueAnswer(ctx, id, a, now); len(refused) != 1 || !strings.Contains(refused[0].Reason, "already under way") {
		t.Errorf("a second answer while the first is under way: %+v", refused)
	}
	claimed, err := d.Claim(ctx, s.ID, 10, now)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %+v %v", claimed, err)
	}
	c := claimed[0]
	if c.Action != domain.ActAnswerReturn || c.Answer == nil || c.Answer.FromStatus != domain.SpRetRequested ||
		len(c.Answer.Images) != 1 || !bytes.Equal(c.Answer.Images[0].Data, jpeg) || len(c.Order.AfterSales) != 1 {
		t.Fatalf("claimed %+v", c)
	}

	fresh, _ := d.Order(ctx, id)
	fresh.AfterSales = []domain.AfterSale{req}
	fresh.AfterSales[0].Status, fresh.AfterSales[0].Dispute = domain.SpRetJudging, true
	if err := d.Finish(ctx, []Outcome{{ID: c.ID, OrderID: id, Action: c.Action, State: Done, Message: "Shopee is judging it", Fresh: fresh}}, now); err != nil {
		t.Fatal(err)
	}
	p, _ := d.JobProgress(ctx, job)
	if p.Done != 1 || p.Results[0].Message != "Shopee is judging it" {
		t.Errorf("progress %+v", p)
	}
	got, _ := d.Order(ctx, id)
	if got.PendingAction != "" || got.Tab != domain.TabToReturn || got.AfterSales[0].Status != domain.SpRetJudging {
		t.Errorf("after the answer: %q %v %+v", got.PendingAction, got.Tab, got.AfterSales)
	}
	_ = ids
}
