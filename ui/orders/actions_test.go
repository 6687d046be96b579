package orders

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo/live/livetest"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// The actions run for real: a demo workspace whose stores are served by the simulators on
// loopback, and the engine sending what the screen submits.

type liveHarness struct {
	*harness
	ws  *livetest.Workspace
	sim *sim.Sim
	e   *engine.Engine
	d   *db.DB
}

// shopID is the simulator's shop of a store.
func (h *liveHarness) shopID(t *testing.T, storeID int64) string { return h.ws.ShopID(storeID) }

func newLive(t *testing.T, orders int) *liveHarness { return startLive(t, orders, true) }

// startLive builds the workspace; send=false leaves the engine not running: actions are queued
// and nothing sends them.
func startLive(t *testing.T, orders int, send bool) *liveHarness {
	t.Helper()
	test.NewTempApp(t)
	ws := livetest.Start(t, orders, send)
	d, e := ws.DB, ws.Engine
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	run := &widgets.Runner{Manual: true}
	s := New(d, d, e, d, win, run)
	win.SetContent(s.Content())
	win.Resize(fyne.NewSize(1280, 800))
	s.Start()
	run.Wait()
	return &liveHarness{harness: &harness{Screen: s, run: run, win: win}, ws: ws, sim: ws.Sim, e: e, d: d}
}

// tap taps a button the user sees, and lets what it starts finish (a job runs to its end).
func (h *liveHarness) tap(t *testing.T, label string) {
	t.Helper()
	if !uitest.Tap(h.win.Canvas(), label) {
		t.Fatalf("no %q button on screen; drawn: %v", label, uitest.DrawnText(h.win.Canvas()))
	}
	h.settle()
}

func (h *liveHarness) counts() map[domain.Tab]int {
	h.DataChanged()
	h.settle()
	return h.Counts()
}

func count(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// Select all on New Order, Pack: the stores without a usual way of shipping are asked once, the
// bulk action is confirmed, a job dialog follows it, and the orders move to To Process. Then To
// Ship from To Process.
func TestBulkPackThenToShipFromTheToolbar(t *testing.T) {
	h := newLive(t, 2500)
	before := h.counts()
	h.SetTab(domain.TabNew)
	h.settle()
	h.SelectAllInTab()
	h.settle()
	selected, _ := h.Selected(context.Background())
	if len(selected) < 10 || len(selected) != before[domain.TabNew] {
		t.Fatalf("%d selected of %d on New Order", len(selected), before[domain.TabNew])
	}
	h.RunAction(domain.ActPack)
	h.settle()
	asked := 0
	for ; uitest.Tap(h.win.Canvas(), "Remember and go on"); asked++ {
		h.settle()
	}
	if asked != 4 { // two Shopee and two TikTok demo stores; Lazada allocates the courier itself
		t.Errorf("asked how %d stores ship, want 4", asked)
	}
	h.tap(t, "Yes") // "Pack N orders?"
	job := h.Job()
	if job == nil {
		t.Fatal("no job dialog")
	}
	p, lines := job.Progress(), job.Lines()
	refused := count(lines, "✗ refused")
	if !p.Finished() || p.Failed != 0 || p.Done == 0 || p.Done+refused != len(selected) || count(lines, "✓") != p.Done {
		t.Fatalf("pack: %+v, %d refused; lines %v", p, refused, lines)
	}
	for _, l := range lines[:refused] {
		if !strings.Contains(l, "on hold") {
			t.Errorf("refused for another reason than TikTok's hold: %s", l)
		}
	}
	after := h.counts()
	if after[domain.TabNew] != before[domain.TabNew]-p.Done || after[domain.TabToProcess] != before[domain.TabToProcess]+p.Done {
		t.Errorf("counts after pack: New %d→%d, To Process %d→%d, %d packed", before[domain.TabNew], after[domain.TabNew],
			before[domain.TabToProcess], after[domain.TabToProcess], p.Done)
	}
	if sel, _ := h.Selected(context.Background()); len(sel) != 0 {
		t.Errorf("the selection outlived the action: %d", len(sel))
	}
	// No dialog the second time: every store now has its way of shipping.
	h.SetTab(domain.TabToProcess)
	h.settle()
	h.SelectAllInTab()
	h.settle()
	h.RunAction(domain.ActToShip)
	h.settle()
	h.tap(t, "Yes")
	p2 := h.Job().Progress()
	if p2.Done != after[domain.TabToProcess] || p2.Failed != 0 {
		t.Fatalf("to ship: %+v of %d", p2, after[domain.TabToProcess])
	}
	if final := h.counts(); final[domain.TabToShip] != after[domain.TabToShip]+p2.Done || final[domain.TabToProcess] != 0 {
		t.Errorf("counts after To Ship: To Ship %d→%d, To Process %d", after[domain.TabToShip], final[domain.TabToShip], final[domain.TabToProcess])
	}
}

// A pack the platform refuses is reported with its message, leaves the order on New Order with a
// "Pack failed" badge, and can be tried again.
func TestRefusedPackShowsWhyAndCanBeRetried(t *testing.T) {
	h := newLive(t, 300)
	rows := h.showTab(domain.TabNew)
	i := slices.IndexFunc(rows, func(r domain.OrderRow) bool { return r.Platform == domain.Lazada })
	if i < 0 {
		t.Fatal("no Lazada order on New Order")
	}
	row := rows[i]
	h.sim.Refuse(domain.Lazada, h.shopID(t, row.StoreID), row.OrderNo, "82", "Order is locked by Lazada for a price check", 1)
	h.table.OnToggle(i, row)
	h.RunAction(domain.ActPack) // one order: no confirmation
	h.settle()
	p := h.Job().Progress()
	if p.Failed != 1 || !strings.Contains(strings.Join(h.Job().Lines(), "\n"), "locked by Lazada") {
		t.Fatalf("refused pack: %+v %v", p, h.Job().Lines())
	}
	rows = h.showTab(domain.TabNew)
	j := slices.IndexFunc(rows, func(r domain.OrderRow) bool { return r.ID == row.ID })
	if j < 0 {
		t.Fatal("the refused order left New Order")
	}
	if badge, _ := widgets.RowBadge(rows[j]); badge != "Pack failed" {
		t.Errorf("badge %q", badge)
	}
	h.table.OnToggle(j, rows[j])
	h.RunAction(domain.ActPack)
	h.settle()
	if p := h.Job().Progress(); p.Done != 1 {
		t.Fatalf("retry: %+v", p)
	}
	for _, r := range h.showTab(domain.TabNew) {
		if r.ID == row.ID {
			t.Error("packed on retry, still on New Order")
		}
	}
}

// The detail view offers only the actions the rules allow for the order, and takes them: a
// Lazada pack is confirmed, a Shopee or TikTok pack asks how the parcel goes with the choices
// the platform offers.
func TestDetailActions(t *testing.T) {
	h := newLive(t, 2500)
	rows := h.showTab(domain.TabNew)
	for _, p := range domain.Platforms {
		i := slices.IndexFunc(rows, func(r domain.OrderRow) bool {
			return r.Platform == p && !strings.EqualFold(r.Status, domain.TtOnHold)
		})
		if i < 0 {
			t.Fatalf("no %s order to pack on New Order", p)
		}
		h.Open(rows[i].ID)
		h.settle()
		d := h.Detail()
		if got := d.ActionButtons(); !slices.Equal(got, []string{"Pack"}) {
			t.Errorf("%s on New Order offers %v", p, got)
		}
		h.tap(t, "Pack")
		if p == domain.Lazada {
			h.tap(t, "Yes")
		} else {
			drawn := strings.Join(uitest.DrawnText(h.win.Canvas()), "|")
			if !strings.Contains(drawn, "Pickup time") || !strings.Contains(drawn, "The courier picks up") {
				t.Errorf("%s shipping choice shows: %s", p, drawn)
			}
			h.tap(t, "Pack") // the dialog's own button
		}
		if job := d.Job(); job == nil || job.Progress().Done != 1 {
			t.Fatalf("%s pack from the detail: %+v", p, job.Progress())
		}
		h.tap(t, "Close")
		if o := d.Order(); o.Tab != domain.TabToProcess || len(o.Packages) == 0 {
			t.Errorf("%s after pack: %s, packages %+v", p, o.Tab.Title(), o.Packages)
		}
		if got := d.ActionButtons(); slices.Contains(got, "Pack") || !slices.Contains(got, "To Ship") {
			t.Errorf("%s on To Process offers %v", p, got)
		}
		d.Back()
		h.settle()
	}
	done := h.showTab(domain.TabCompleted)
	if len(done) == 0 {
		t.Fatal("nothing completed")
	}
	h.Open(done[0].ID)
	h.settle()
	if got := h.Detail().ActionButtons(); len(got) != 0 {
		t.Errorf("a completed order offers %v", got)
	}
}

// Cancel in the job dialog stops what has not been sent: the orders lose their "Packing…" and stay
// where they were, with no failure badge.
func TestCancelABulkActionBeforeItIsSent(t *testing.T) {
	h := startLive(t, 2500, false)
	rows := h.showTab(domain.TabNew)
	var picked []domain.OrderRow
	for i, r := range rows {
		if r.Platform == domain.Lazada {
			h.table.OnToggle(i, r)
			picked = append(picked, r)
		}
	}
	if len(picked) < 2 {
		t.Fatalf("%d Lazada orders on New Order", len(picked))
	}
	h.RunAction(domain.ActPack)
	h.settle()
	if !uitest.Tap(h.win.Canvas(), "Yes") {
		t.Fatal("no confirmation")
	}
	queued := h.run.WaitFor(func() bool { j := h.Job(); return j != nil && j.Progress().Pending == len(picked) })
	if !queued {
		t.Fatal("the job dialog never showed the queued orders")
	}
	for _, r := range picked {
		if o, _ := h.d.Order(context.Background(), r.ID); o.PendingAction != domain.ActPack {
			t.Errorf("%s is not shown as being packed: %q", r.OrderNo, o.PendingAction)
		}
	}
	h.tap(t, "Cancel the rest")
	if p := h.Job().Progress(); !p.Finished() || p.Cancelled != len(picked) || p.Done != 0 {
		t.Fatalf("after cancel: %+v", p)
	}
	h.tap(t, "Close")
	rows = h.showTab(domain.TabNew)
	for _, p := range picked {
		i := slices.IndexFunc(rows, func(r domain.OrderRow) bool { return r.ID == p.ID })
		if i < 0 {
			t.Errorf("%s left New Order", p.OrderNo)
			continue
		}
		was, _ := widgets.RowBadge(p)
		if badge, _ := widgets.RowBadge(rows[i]); badge != was {
			t.Errorf("%s carries %q after the cancel, %q before", p.OrderNo, badge, was)
		}
	}
}
