package db

import (
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

func outboxFixture(t *testing.T) (*DB, domain.Store, []int64) {
	t.Helper()
	d, _ := openVaulted(t)
	s := link(t, d, "Butik Ayu")
	save(t, d,
		order(s, "NEW-1", domain.SpReadyToShip, t0),
		order(s, "NEW-2", domain.SpReadyToShip, t0.Add(time.Minute)),
		order(s, "SHIPPED-3", domain.SpShipped, t0.Add(2*time.Minute)))
	ids, _ := d.OrderIDs(ctx, domain.OrderQuery{Sort: domain.SortCreated, Asc: true})
	return d, s, ids
}

func TestEnqueueChecksTheRulesAndMarksOrders(t *testing.T) {
	d, _, ids := outboxFixture(t)
	job, refused, err := d.Enqueue(ctx, domain.ActPack, ids, domain.Shipping{Method: domain.Pickup}, now)
	if err != nil || job == 0 {
		t.Fatalf("enqueue: %d %v", job, err)
	}
	if len(refused) != 1 || refused[0].OrderNo != "SHIPPED-3" || !strings.Contains(refused[0].Reason, "Pack is for orders on New Order") {
		t.Errorf("refused %+v", refused)
	}
	o, _ := d.Order(ctx, ids[0])
	if o.PendingAction != domain.ActPack {
		t.Errorf("the order does not show the action under way: %+v", o.PendingAction)
	}
	rows, _ := d.OrderPage(ctx, domain.OrderQuery{Tab: domain.TabNew}, nil, 10)
	for _, r := range rows {
		if r.Action != domain.ActPack {
			t.Errorf("row %s: action %q", r.OrderNo, r.Action)
		}
	}
	// A second action on the same orders is refused while the first is under way.
	_, refused, _ = d.Enqueue(ctx, domain.ActPack, ids[:1], domain.Shipping{}, now)
	if len(refused) != 1 || !strings.Contains(refused[0].Reason, "already under way") {
		t.Errorf("second pack: %+v", refused)
	}
	p, _ := d.JobProgress(ctx, job)
	if p.Total != 2 || p.Pending != 2 || p.Finished() {
		t.Errorf("progress %+v", p)
	}
	if _, _, err := d.Enqueue(ctx, domain.ActPack, nil, domain.Shipping{}, now); err == nil {
		t.Error("an empty selection was accepted")
	}
	if _, _, err := d.Enqueue(ctx, domain.ActPack, make([]int64, MaxJob+1), domain.Shipping{}, now); err == nil {
		t.Error("more than the limit was accepted")
	}
}

func TestClaimFinishAndRetry(t *testing.T) {
	d, s, ids := outboxFixture(t)
	job, _, _ := d.Enqueue(ctx, domain.ActPack, ids[:2], domain.Shipping{Method: domain.DropOff}, now)
	claimed, err := d.Claim(ctx, s.ID, 10, now)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if claimed[0].Attempts != 0 || claimed[0].Shipping.Method != domain.DropOff || claimed[0].Order.OrderNo != "NEW-1" || len(claimed[0].Order.Items) == 0 {
		t.Errorf("claimed %+v", claimed[0])
	}
	// A crash here: the claim is taken again, with its attempt counted (check the platform first).
	again, _ := d.Claim(ctx, s.ID, 10, now)
	if len(again) != 2 || again[0].Attempts != 1 {
		t.Fatalf("reclaim after a crash: %+v", again)
	}
	fresh := order(s, "NEW-1", domain.SpProcessed, t0)
	fresh.Packages = []domain.Package{{ID: "OFG1", TrackingNo: "SPX1"}}
	err = d.Finish(ctx, []Outcome{
		{ID: again[0].ID, OrderID: again[0].Order.ID, Action: domain.ActPack, State: Done, Fresh: fresh},
		{ID: again[1].ID, OrderID: again[1].Order.ID, Action: domain.ActPack, State: Pending, Message: "HTTP 503", RetryAt: now.Add(time.Minute)},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := d.Order(ctx, ids[0])
	if o.PendingAction != "" || o.Tab != domain.TabToProcess || o.Packages[0].TrackingNo != "SPX1" {
		t.Errorf("done order: %+v", o)
	}
	if c, _ := d.Claim(ctx, s.ID, 10, now); len(c) != 0 {
		t.Errorf("a retry was claimed before its time: %v", c)
	}
	retry, _ := d.Claim(ctx, s.ID, 10, now.Add(2*time.Minute))
	if len(retry) != 1 || retry[0].Attempts != 2 {
		t.Fatalf("retry: %+v", retry)
	}
	d.Finish(ctx, []Outcome{{ID: retry[0].ID, OrderID: retry[0].Order.ID, Action: domain.ActPack, State: Failed,
		Message: "logistics.ship_order_need_address_pickup_time"}}, now)
	o2, _ := d.Order(ctx, ids[1])
	if o2.PendingAction != "" || o2.ActionError != "Pack failed: logistics.ship_order_need_address_pickup_time" || o2.Tab != domain.TabNew {
		t.Errorf("failed order: %+v %q", o2.Tab, o2.ActionError)
	}
	p, _ := d.JobProgress(ctx, job)
	if !p.Finished() || p.Done != 1 || p.Failed != 1 || p.Results[0].State != Failed || p.Results[0].Store != "Butik Ayu" {
		t.Errorf("progress %+v", p)
	}
	// The failed order may be tried again, and the failure clears when it is.
	if _, refused, _ := d.Enqueue(ctx, domain.ActPack, ids[1:2], domain.Shipping{}, now); len(refused) != 0 {
		t.Errorf("retry refused: %v", refused)
	}
	if o2, _ = d.Order(ctx, ids[1]); o2.ActionError != "" || o2.PendingAction != domain.ActPack {
		t.Errorf("after retrying: %q %q", o2.ActionError, o2.PendingAction)
	}
}

func TestCancelJobLeavesWhatIsBeingSent(t *testing.T) {
	d, s, ids := outboxFixture(t)
	job, _, _ := d.Enqueue(ctx, domain.ActPack, ids[:2], domain.Shipping{}, now)
	d.Claim(ctx, s.ID, 1, now) // one is being sent
	n, err := d.CancelJob(ctx, job, now)
	if err != nil || n != 1 {
		t.Fatalf("cancelled %d, %v", n, err)
	}
	p, _ := d.JobProgress(ctx, job)
	if p.Cancelled != 1 || p.Sending != 1 || p.Finished() {
		t.Errorf("progress %+v", p)
	}
	o, _ := d.Order(ctx, ids[1])
	if o.PendingAction != "" {
		t.Error("a cancelled order still shows the action under way")
	}
}

func TestStoreShipping(t *testing.T) {
	d, s, ids := outboxFixture(t)
	if _, ok, _ := d.StoreShipping(ctx, s.ID); ok {
		t.Fatal("a new store has a shipping choice")
	}
	need, _ := d.StoresWithoutShipping(ctx, ids)
	if len(need) != 1 || need[0].ID != s.ID {
		t.Errorf("stores without shipping: %v", need)
	}
	if err := d.SetStoreShipping(ctx, s.ID, domain.Shipping{Method: domain.NonIntegrated}); err == nil {
		t.Error("a per-order method was accepted as a store's usual choice")
	}
	if err := d.SetStoreShipping(ctx, s.ID, domain.Shipping{Method: domain.DropOff, BranchID: "B7"}); err != nil {
		t.Fatal(err)
	}
	got, ok, _ := d.StoreShipping(ctx, s.ID)
	if !ok || got.Method != domain.DropOff || got.BranchID != "B7" {
		t.Errorf("shipping %+v %v", got, ok)
	}
	if need, _ := d.StoresWithoutShipping(ctx, ids); len(need) != 0 {
		t.Errorf("still without shipping: %v", need)
	}
}
