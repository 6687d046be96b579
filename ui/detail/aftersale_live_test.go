package detail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo/live/livetest"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// The after-sale steps run for real: a demo workspace whose stores are served by the simulators
// on loopback, the engine sending what the view submits, and the view as the seller uses it.

type liveView struct {
	*View
	t      *testing.T
	ws     *livetest.Workspace
	sim    *sim.Sim
	e      *engine.Engine
	d      *db.DB
	win    fyne.Window
	run    *widgets.Runner
	picked string // the file the next Add Image… chooses
}

func startLive(t *testing.T, orders int) *liveView {
	t.Helper()
	test.NewTempApp(t)
	ws := livetest.Start(t, orders, true)
	d, e := ws.DB, ws.Engine
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	win.Resize(fyne.NewSize(1280, 800))
	run := &widgets.Runner{Manual: true}
	v := New(d, e, win, run)
	v.UseAfterSales(e)
	h := &liveView{View: v, t: t, ws: ws, sim: ws.Sim, e: e, d: d, win: win, run: run}
	v.pickImage = func(_ fyne.Window, done func(fyne.URIReadCloser, error)) {
		if h.picked == "" {
			done(nil, nil)
			return
		}
		rc, err := storage.Reader(storage.NewFileURI(h.picked))
		done(rc, err)
	}
	win.SetContent(v.Content())
	return h
}

// tap taps a button the seller can reach and lets what it starts finish (a job runs to its end).
func (h *liveView) tap(label string) {
	h.t.Helper()
	if !uitest.Tap(h.win.Canvas(), label) {
		h.t.Fatalf("no %q button on top; drawn: %v", label, uitest.DrawnText(h.win.Canvas()))
	}
	h.run.Wait()
}

func (h *liveView) open(id int64) {
	h.Open(id, domain.OrderQuery{})
	h.run.Wait()
}

func (h *liveView) drawn() string { return strings.Join(uitest.DrawnText(h.win.Canvas()), "|") }

func (h *liveView) shopID(storeID int64) string { return h.ws.ShopID(storeID) }

// evidenceReached checks that the request's last decision carried exactly the image data with
// the seller's words, and that the platform kept the upload.
func (h *liveView) evidenceReached(p domain.Platform, shop string, rv sim.RequestView, data []byte, comment string) {
	h.t.Helper()
	if len(rv.Decisions) == 0 {
		h.t.Fatalf("%s took no decision", p)
	}
	last := rv.Decisions[len(rv.Decisions)-1]
	if len(last.Images) != 1 || last.Images[0].SHA256 != sha(data) || (comment != "" && last.Comment != comment) {
		h.t.Errorf("%s took %+v", p, last)
	}
	if !slices.ContainsFunc(h.sim.Uploads(p, shop), func(u sim.Upload) bool { return u.SHA256 == sha(data) }) {
		h.t.Errorf("%s uploads %+v", p, h.sim.Uploads(p, shop))
	}
}

// find is the first order of the platform on the tab that ok accepts, in full.
func (h *liveView) find(p domain.Platform, tab domain.Tab, ok func(*domain.Order) bool) domain.Order {
	h.t.Helper()
	ctx := context.Background()
	rows, err := h.d.OrderPage(ctx, domain.OrderQuery{Tab: tab, Platform: p}, nil, 2000)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range rows {
		o, err := h.d.Order(ctx, r.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		if o.PendingAction == "" && len(o.AfterSales) == 0 && (ok == nil || ok(&o)) {
			return o
		}
	}
	h.t.Fatalf("no %s order on %s fits the test (of %d)", p, tab.Title(), len(rows))
	return domain.Order{}
}

// packedPair is a Lazada order on To Process with two live items in one package. How many the
// demo leaves there depends on the time of day it is built: when none fits, one with two items
// on New Order is packed through the engine.
func (h *liveView) packedPair() domain.Order {
	h.t.Helper()
	packed := func(o *domain.Order) bool { p, _ := packageMates(o); return p != "" }
	rows, err := h.d.OrderPage(context.Background(), domain.OrderQuery{Tab: domain.TabToProcess, Platform: domain.Lazada}, nil, 2000)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range rows {
		if o, err := h.d.Order(context.Background(), r.ID); err == nil && o.PendingAction == "" && len(o.AfterSales) == 0 && packed(&o) {
			return o
		}
	}
	o := h.find(domain.Lazada, domain.TabNew, func(o *domain.Order) bool {
		return len(liveItems(o)) >= 2 && domain.CanDo(o, domain.ActPack) == nil
	})
	job, refused, err := h.e.Submit(context.Background(), domain.ActPack, []int64{o.ID}, domain.Shipping{})
	if err != nil || len(refused) != 0 {
		h.t.Fatalf("packing %s: %v %+v", o.OrderNo, err, refused)
	}
	if p, err := h.e.WaitJob(context.Background(), job, nil); err != nil || p.Done != 1 {
		h.t.Fatalf("packing %s: %+v %v", o.OrderNo, p, err)
	}
	return h.syncUntil(o, "its package", func(o *domain.Order) bool { return o.Tab == domain.TabToProcess && packed(o) })
}

// syncUntil syncs the order's store until the order, as kept, satisfies ok.
func (h *liveView) syncUntil(o domain.Order, what string, ok func(*domain.Order) bool) domain.Order {
	h.t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(40 * time.Second); ; {
		h.e.SyncNow(o.StoreID)
		for next := time.Now().Add(2 * time.Second); time.Now().Before(next); time.Sleep(100 * time.Millisecond) {
			got, err := h.d.Order(ctx, o.ID)
			if err != nil {
				h.t.Fatal(err)
			}
			if ok(&got) {
				return got
			}
		}
		if time.Now().After(deadline) {
			got, _ := h.d.Order(ctx, o.ID)
			h.t.Fatalf("%s %s: the sync did not bring %s: on %s, status %s, requests %+v", o.Platform, o.OrderNo, what, got.Tab.Title(), got.Status, got.AfterSales)
		}
	}
}

// job is the last job dialog, finished; it is closed after its answer is read.
func (h *liveView) job() *widgets.JobDialog {
	h.t.Helper()
	j := h.Job()
	if j == nil {
		h.t.Fatal("no job dialog")
	}
	if p := j.Progress(); !p.Finished() || p.Done != 1 {
		h.t.Fatalf("job: %+v %v", p, j.Lines())
	}
	return j
}

// confirmDone says yes to the step's question, and closes its job once it is done.
func (h *liveView) confirmDone(yes string) {
	h.t.Helper()
	h.tap(yes)
	h.job()
	h.closeJob()
}

func (h *liveView) closeJob() {
	h.t.Helper()
	h.tap("Close")
}

// request is the order's kept request of the kind, as the view shows it.
func (h *liveView) request(kind domain.RequestKind) domain.AfterSale {
	h.t.Helper()
	for _, r := range h.Order().AfterSales {
		if r.Kind == kind || kind == domain.ReqReturn && r.Kind == domain.ReqRefund {
			return r
		}
	}
	h.t.Fatalf("%s shows no %s request: %+v", h.Order().OrderNo, kind, h.Order().AfterSales)
	return domain.AfterSale{}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// packageOf counts the live items of each package.
func packageMates(o *domain.Order) (pkg string, items []domain.Item) {
	by := map[string][]domain.Item{}
	for _, it := range o.Items {
		if it.PackageID != "" && !it.Cancelled {
			by[it.PackageID] = append(by[it.PackageID], it)
		}
	}
	for p, its := range by {
		if len(its) >= 2 {
			return p, its
		}
	}
	return "", nil
}

func liveItems(o *domain.Order) []domain.Item {
	var out []domain.Item
	for _, it := range o.Items {
		if !it.Cancelled {
			out = append(out, it)
		}
	}
	return out
}

// Lazada's cancel, item by item: the platform's tip and reasons; a packed item warns that its
// package mates go with it, Repack first repacks, and then only the chosen item is cancelled (its
// stock set to 0 for Out of Stock), with Lazada's tip in the job dialog and a red badge on it.
// Without a repack, the whole package is cancelled.
func TestLiveLazadaSellerCancel(t *testing.T) {
	h := startLive(t, 2500)
	ctx := context.Background()
	o := h.packedPair()
	shop := h.shopID(o.StoreID)
	_, mates := packageMates(&o)
	chosen, mate := mates[0], mates[1]
	h.open(o.ID)
	if !slices.Contains(h.ActionButtons(), "Cancel Order") {
		t.Fatalf("To Process offers %v", h.ActionButtons())
	}
	h.tap("Cancel Order")
	form := h.Form()
	c := form.Cancel()
	if len(form.Reasons()) == 0 || c.Tip() == "" {
		t.Fatalf("Lazada's validate gave reasons %v, tip %q; problem %q", form.Reasons(), c.Tip(), form.Problem())
	}
	for i, id := range form.ItemIDs {
		form.Items[i].SetChecked(id == chosen.PlatformItemID)
	}
	h.run.Wait()
	if w := c.PackageWarning(); !strings.Contains(w, mate.Name) || !c.Repack.Visible() {
		t.Fatalf("package warning %q, repack shown %v", w, c.Repack.Visible())
	}
	h.tap("Repack first")
	h.tap("Yes") // "Repack Lazada order …?"
	h.job()
	h.closeJob()
	if o2 := h.Order(); o2.Tab != domain.TabNew || domain.Packed(&o2, []string{chosen.PlatformItemID}) {
		t.Fatalf("after Repack: on %s, items %+v", o2.Tab.Title(), o2.Items)
	}

	h.tap("Cancel Order")
	form = h.Form()
	for i, id := range form.ItemIDs {
		form.Items[i].SetChecked(id == chosen.PlatformItemID)
	}
	h.run.Wait()
	if w := form.Cancel().PackageWarning(); w != "" {
		t.Errorf("a repacked item warns %q", w)
	}
	if !form.ChooseReason("Out of Stock") {
		t.Fatalf("no Out of Stock among %v", form.Reasons())
	}
	if w := form.Cancel().StockWarning(); !strings.Contains(w, chosen.SKU) {
		t.Errorf("stock warning %q", w)
	}
	h.tap("Cancel Order")
	if q := h.Question(); !strings.Contains(q, "Lazada may set the stock of "+chosen.SKU+" to 0") {
		t.Errorf("confirmation %q", q)
	}
	h.tap("Yes, cancel order")
	if a := h.job().Answer(); !strings.Contains(a, o.OrderNo+": ") {
		t.Errorf("the job dialog does not show Lazada's tip: %q %v", a, h.Job().Lines())
	}
	h.closeJob()
	got := h.Order()
	for _, it := range got.Items {
		if it.PlatformItemID == chosen.PlatformItemID && !it.Cancelled || it.PlatformItemID == mate.PlatformItemID && it.Cancelled {
			t.Errorf("after the cancel: %s cancelled=%v", it.PlatformItemID, it.Cancelled)
		}
	}
	if !strings.Contains(h.drawn(), "Cancelled") {
		t.Error("no red badge on the cancelled item")
	}
	if z := h.sim.ZeroedStock(domain.Lazada, shop); !slices.Contains(z, chosen.SKU) {
		t.Errorf("zeroed %v", z)
	}

	// Without a repack, Lazada cancels the whole package.
	o = h.packedPair()
	_, mates = packageMates(&o)
	h.open(o.ID)
	h.tap("Cancel Order")
	form = h.Form()
	for i, id := range form.ItemIDs {
		form.Items[i].SetChecked(id == mates[0].PlatformItemID)
	}
	h.run.Wait()
	form.ChooseReason("Sourcing Delay")
	h.tap("Cancel Order")
	if q := h.Question(); !strings.Contains(q, "will be cancelled too") {
		t.Errorf("confirmation %q", q)
	}
	h.confirmDone("Yes, cancel order")
	fresh, _ := h.d.Order(ctx, o.ID)
	for _, it := range fresh.Items {
		for _, m := range mates {
			if it.PlatformItemID == m.PlatformItemID && !it.Cancelled {
				t.Errorf("package mate %s was not cancelled", it.PlatformItemID)
			}
		}
	}
}

// Shopee's cancel: Out of Stock asks which items and warns that their stock may go to 0; the
// order is cancelled and the simulator zeroed that SKU.
func TestLiveShopeeSellerCancel(t *testing.T) {
	h := startLive(t, 2500)
	o := h.find(domain.Shopee, domain.TabNew, func(o *domain.Order) bool { return len(liveItems(o)) >= 1 })
	shop := h.shopID(o.StoreID)
	h.open(o.ID)
	h.tap("Cancel Order")
	form := h.Form()
	c := form.Cancel()
	if !form.ChooseReason("Out of Stock") || !c.ItemsShown() {
		t.Fatalf("reasons %v, items shown %v", form.Reasons(), c.ItemsShown())
	}
	item := liveItems(&o)[0]
	for i, id := range form.ItemIDs {
		form.Items[i].SetChecked(id == item.PlatformItemID)
	}
	if w := c.StockWarning(); !strings.Contains(w, "Shopee may set the stock of "+item.SKU+" to 0") {
		t.Errorf("warning %q", w)
	}
	h.tap("Cancel Order")
	if q := h.Question(); !strings.Contains(q, "Shopee may set the stock of "+item.SKU+" to 0") {
		t.Errorf("confirmation %q", q)
	}
	h.confirmDone("Yes, cancel order")
	if got := h.Order(); !strings.EqualFold(got.Status, domain.SpCancelled) || got.Tab != domain.TabOthers {
		t.Errorf("after the cancel: %s on %s", got.Status, got.Tab.Title())
	}
	if z := h.sim.ZeroedStock(domain.Shopee, shop); !slices.Contains(z, item.SKU) {
		t.Errorf("zeroed %v", z)
	}
	if slices.Contains(h.ActionButtons(), "Cancel Order") {
		t.Error("a cancelled order still offers Cancel Order")
	}
}

// TikTok's cancel offers the reasons valid for the order's status, and cancels it.
func TestLiveTikTokSellerCancel(t *testing.T) {
	h := startLive(t, 2500)
	o := h.find(domain.TikTok, domain.TabNew, func(o *domain.Order) bool { return strings.EqualFold(o.Status, domain.TtAwaitingShipment) })
	h.open(o.ID)
	h.tap("Cancel Order")
	form := h.Form()
	var want []string
	for _, r := range domain.TikTokCancelReasons(o.Status) {
		want = append(want, r.Text)
	}
	if !slices.Equal(form.Reason.Options, want) {
		t.Errorf("reasons %v, want %v", form.Reason.Options, want)
	}
	h.tap("Cancel Order")
	if p := form.Problem(); !strings.HasSuffix(p, "choose a reason") {
		t.Errorf("no reason: %q", p)
	}
	form.ChooseReason("Buyer requested cancellation")
	h.tap("Cancel Order")
	h.confirmDone("Yes, cancel order")
	if got := h.Order(); !strings.EqualFold(got.Status, domain.TtCancelled) {
		t.Errorf("after the cancel: %s on %s", got.Status, got.Tab.Title())
	}
}

// A buyer's cancellation on each platform: the Cancel Order Info panel, Accept on one order and
// Reject on another (Lazada and TikTok with the platform's reasons; TikTok with words and an
// image, which reaches the simulator).
func TestLiveBuyerCancellations(t *testing.T) {
	h := startLive(t, 2500)
	ctx := context.Background()
	path, data := pngFile(t, "packed.png")
	for _, p := range domain.Platforms {
		var orders []domain.Order
		for len(orders) < 2 {
			o := h.find(p, domain.TabNew, func(o *domain.Order) bool {
				return !o.CancelRequested && !slices.ContainsFunc(orders, func(x domain.Order) bool { return x.ID == o.ID })
			})
			h.sim.RequestCancel(p, h.shopID(o.StoreID), o.OrderNo)
			orders = append(orders, h.syncUntil(o, "the buyer's cancellation", func(o *domain.Order) bool {
				return o.Tab == domain.TabToCancel // Shopee's request is read when the order is opened
			}))
		}
		accept, reject := orders[0], orders[1]
		shop := h.shopID(reject.StoreID)

		h.open(accept.ID)
		if !strings.Contains(h.drawn(), "Cancel Order Info") || !slices.Equal(h.StepButtons(), []string{"Accept Cancellation", "Reject Cancellation"}) {
			t.Fatalf("%s: steps %v; drawn %s", p, h.StepButtons(), h.drawn())
		}
		h.tap("Accept Cancellation")
		h.confirmDone("Yes, accept cancellation")
		if got, _ := h.d.Order(ctx, accept.ID); got.Tab == domain.TabToCancel || got.CancelRequested {
			t.Errorf("%s accepted: still on %s", p, got.Tab.Title())
		}
		if len(h.StepButtons()) != 0 {
			t.Errorf("%s accepted: steps %v", p, h.StepButtons())
		}

		h.open(reject.ID)
		h.tap("Reject Cancellation")
		if form := h.Form(); p != domain.Shopee {
			if form == nil || !form.Open() || len(form.Reasons()) == 0 {
				t.Fatalf("%s reject: no reasons: %+v", p, form)
			}
			h.tap("Reject Cancellation")
			if pr := form.Problem(); !strings.HasSuffix(pr, "choose a reason") {
				t.Errorf("%s reject without a reason: %q", p, pr)
			}
			form.Reason.SetSelectedIndex(0)
			if p == domain.TikTok {
				form.Comment.SetText("Already handed to the courier")
				h.picked = path
				h.tap("Add Image…")
			}
			h.tap("Reject Cancellation")
		}
		h.confirmDone("Yes, reject cancellation")
		cv, ok := h.sim.CancelOf(p, shop, reject.OrderNo)
		if !ok || cv.Awaiting || len(cv.Decisions) == 0 {
			t.Fatalf("%s rejected: %+v", p, cv)
		}
		if got, _ := h.d.Order(ctx, reject.ID); got.Tab == domain.TabToCancel || strings.EqualFold(got.Status, domain.SpCancelled) {
			t.Errorf("%s rejected: on %s, %s", p, got.Tab.Title(), got.Status)
		}
		if p == domain.TikTok {
			h.evidenceReached(p, shop, cv, data, "Already handed to the courier")
		}
	}
}

// requestOpen waits, by syncing, for the buyer's request to put the order on To Return.
func (h *liveView) requestOpen(o domain.Order) domain.Order {
	h.t.Helper()
	return h.syncUntil(o, "the buyer's request", func(o *domain.Order) bool { return o.Tab == domain.TabToReturn })
}

// delivered finds a delivered or completed order of the platform not used yet.
func (h *liveView) delivered(p domain.Platform, used map[int64]bool) domain.Order {
	h.t.Helper()
	o := h.find(p, domain.TabCompleted, func(o *domain.Order) bool { return !used[o.ID] && !o.ReturnRequested && len(liveItems(o)) > 0 })
	used[o.ID] = true
	return o
}

// addImage adds a file through the form's Add Image… button.
func (h *liveView) addImage(path string) {
	h.t.Helper()
	h.picked = path
	h.tap("Add Image…")
	if p := h.Form().Problem(); p != "" {
		h.t.Fatalf("adding %s: %s", path, p)
	}
}

// Lazada: a return agreed, its parcel confirmed, then the refund rejected with a reason, words
// and an image (which reaches the simulator); a refund-only request refunded, then paid by
// Lazada; a return refunded at once. Reject without a reason is refused in the form, and a step
// on a request that moved on meanwhile is refused by the engine, with nothing sent.
func TestLiveLazadaReturns(t *testing.T) {
	h := startLive(t, 2500)
	used := map[int64]bool{}
	path, data := pngFile(t, "worn.png")

	o := h.delivered(domain.Lazada, used)
	shop := h.shopID(o.StoreID)
	h.sim.RequestReturn(domain.Lazada, shop, o.OrderNo)
	o = h.requestOpen(o)
	h.open(o.ID)
	if !strings.Contains(h.drawn(), "Return Order Info") || !slices.Equal(h.StepButtons(), []string{"Refund", "Agree to Return", "Reject"}) {
		t.Fatalf("steps %v; drawn %s", h.StepButtons(), h.drawn())
	}
	h.tap("Reject")
	h.tap("Reject")
	if p := h.Form().Problem(); !strings.HasSuffix(p, "choose a reason") {
		t.Errorf("reject without a reason: %q", p)
	}
	h.tap("Close")
	if rv, _ := h.sim.ReturnOf(domain.Lazada, shop, o.OrderNo); len(rv.Decisions) != 0 {
		t.Fatalf("a refused reject reached Lazada: %+v", rv.Decisions)
	}
	h.tap("Agree to Return")
	h.confirmDone("Yes, agree to return")
	if r := h.request(domain.ReqReturn); r.Status != domain.LzRevBuyerReturnItem || !slices.Equal(h.StepButtons(), []string{"Confirm Return Receipt"}) {
		t.Fatalf("after agree: %s, steps %v", r.Status, h.StepButtons())
	}
	if !h.sim.ShipReturn(domain.Lazada, shop, o.OrderNo, "LZRET123") {
		t.Fatal("the buyer could not ship the return")
	}
	h.open(o.ID) // read again from Lazada
	if r := h.request(domain.ReqReturn); r.Tracking != "LZRET123" || !strings.Contains(h.drawn(), "LZRET123") {
		t.Errorf("tracking %q not shown", r.Tracking)
	}
	h.tap("Confirm Return Receipt")
	h.confirmDone("Yes, confirm return receipt")
	if r := h.request(domain.ReqReturn); r.Status != domain.LzRevReceived || !slices.Equal(h.StepButtons(), []string{"Refund", "Reject"}) {
		t.Fatalf("after receipt: %s, steps %v", r.Status, h.StepButtons())
	}
	h.tap("Reject")
	form := h.Form()
	form.Reason.SetSelectedIndex(0)
	form.Comment.SetText("Returned worn, tags cut")
	h.tap("Reject")
	if p := form.Problem(); !strings.HasSuffix(p, "attach at least one image as evidence") {
		t.Errorf("refuseRefund without an image: %q", p)
	}
	h.addImage(path)
	h.tap("Reject")
	h.confirmDone("Yes, reject")
	r := h.request(domain.ReqReturn)
	if r.Status != domain.LzRevRefundPending || !strings.Contains(h.drawn(), "Refund Pending: Lazada is reviewing it") {
		t.Errorf("after reject: %s", r.StatusWords(domain.Lazada))
	}
	rv, _ := h.sim.ReturnOf(domain.Lazada, shop, o.OrderNo)
	h.evidenceReached(domain.Lazada, shop, rv, data, "Returned worn, tags cut")
	if last := rv.Decisions[len(rv.Decisions)-1]; last.Step != "refuseRefund" {
		t.Errorf("Lazada took %+v", last)
	}

	// Refund only: refunded, then paid once Lazada settles it.
	o = h.delivered(domain.Lazada, used)
	shop = h.shopID(o.StoreID)
	h.sim.RequestRefund(domain.Lazada, shop, o.OrderNo)
	o = h.requestOpen(o)
	h.open(o.ID)
	if got := h.StepButtons(); !slices.Equal(got, []string{"Refund", "Dispute"}) {
		t.Fatalf("refund only offers %v", got)
	}
	h.tap("Refund")
	if q := h.Question(); !strings.Contains(q, "The buyer keeps the goods") {
		t.Errorf("confirmation %q", q)
	}
	h.confirmDone("Yes, refund")
	if r := h.request(domain.ReqRefund); r.Status != domain.LzRevRefundPending || len(h.StepButtons()) != 0 {
		t.Errorf("after refund: %s, steps %v", r.Status, h.StepButtons())
	}
	h.sim.SettleReturn(domain.Lazada, shop, o.OrderNo)
	h.open(o.ID)
	if r := h.request(domain.ReqRefund); r.Status != domain.LzRevRefundSuccess {
		t.Errorf("after Lazada paid: %s", r.Status)
	}

	// Refund only, disputed with the seller's words and an image (Lazada refuses a dispute
	// without one: error 110).
	o = h.delivered(domain.Lazada, used)
	shop = h.shopID(o.StoreID)
	h.sim.RequestRefund(domain.Lazada, shop, o.OrderNo)
	o = h.requestOpen(o)
	h.open(o.ID)
	h.tap("Dispute")
	form = h.Form()
	h.tap("Dispute")
	if p := form.Problem(); !strings.HasSuffix(p, "write why, in your own words") {
		t.Errorf("dispute without words: %q", p)
	}
	form.Comment.SetText("The buyer received the item in full")
	h.addImage(path)
	h.tap("Dispute")
	h.confirmDone("Yes, dispute")
	if r := h.request(domain.ReqRefund); r.Status != domain.LzRevRefundPending || !r.Dispute {
		t.Errorf("after the dispute: %s, dispute %v", r.Status, r.Dispute)
	}

	// A return refunded at once; meanwhile the view still shows it awaiting the seller: Agree
	// to Return is refused by the engine, and nothing more reaches Lazada.
	o = h.delivered(domain.Lazada, used)
	shop = h.shopID(o.StoreID)
	h.sim.RequestReturn(domain.Lazada, shop, o.OrderNo)
	o = h.requestOpen(o)
	h.open(o.ID)
	r = h.request(domain.ReqReturn)
	job, refused, err := h.e.SubmitAnswer(context.Background(), o.ID, domain.Answer{Step: domain.StepRefund, Kind: r.Kind, RequestID: r.ID})
	if err != nil || len(refused) > 0 {
		t.Fatal(err, refused)
	}
	if p, err := h.e.WaitJob(context.Background(), job, nil); err != nil || p.Done != 1 {
		t.Fatalf("refund: %+v %v", p, err)
	}
	h.tap("Agree to Return")
	h.tap("Yes, agree to return")
	if m := h.Message(); !strings.HasPrefix(m, "Not sent: ") || !strings.Contains(m, "Agree to Return is not possible") {
		t.Errorf("the engine's refusal shows %q", m)
	}
	rv, _ = h.sim.ReturnOf(domain.Lazada, shop, o.OrderNo)
	if len(rv.Decisions) != 1 || rv.Decisions[0].Step != "instantRefund" {
		t.Errorf("Lazada took %+v", rv.Decisions)
	}
}

// Shopee: a return negotiated (an offer, the offer changed, the buyer's counter-offer accepted),
// with the offer history shown; another disputed with a reason, words, email and an image (which
// reaches the simulator); a refund-only request refunded.
func TestLiveShopeeReturns(t *testing.T) {
	h := startLive(t, 2500)
	used := map[int64]bool{}
	path, data := pngFile(t, "intact.png")

	o := h.delivered(domain.Shopee, used)
	shop := h.shopID(o.StoreID)
	h.sim.RequestReturn(domain.Shopee, shop, o.OrderNo)
	o = h.requestOpen(o)
	h.open(o.ID)
	if got := h.StepButtons(); !slices.Equal(got, []string{"Create Offer", "Accept Offer", "Dispute"}) {
		t.Fatalf("steps %v; drawn %s", got, h.drawn())
	}
	r := h.request(domain.ReqReturn)
	if !strings.Contains(h.drawn(), "Buyer · Return and Refund · "+r.Refund.String()) {
		t.Errorf("the buyer's ask is not in the offers: %s", h.drawn())
	}
	h.tap("Create Offer")
	form := h.Form()
	if form.Amount.Text != r.Refund.Decimal() || form.Solution.Selected != "Return and Refund" {
		t.Errorf("offer starts at %q %q, the buyer asked %s", form.Amount.Text, form.Solution.Selected, r.Refund.Decimal())
	}
	half := domain.Money{Minor: r.Refund.Minor / 2, Currency: r.Refund.Currency}
	form.Amount.SetText(half.Decimal())
	form.Solution.SetSelected("Refund Only")
	h.tap("Create Offer")
	h.confirmDone("Yes, create offer")
	r = h.request(domain.ReqReturn)
	if r.Negotiation != domain.SpNegPendingBuyerRespond || !slices.Equal(h.StepButtons(), []string{"Change Your Offer", "Dispute"}) {
		t.Fatalf("after the offer: %s, steps %v", r.Negotiation, h.StepButtons())
	}
	if !strings.Contains(h.drawn(), "Seller · Refund Only · "+half.String()) {
		t.Errorf("the seller's offer is not in the offers: %s", h.drawn())
	}
	h.tap("Change Your Offer")
	form = h.Form()
	if form.Amount.Text != half.Decimal() {
		t.Errorf("change starts at %q", form.Amount.Text)
	}
	third := domain.Money{Minor: r.Refund.Minor / 3, Currency: r.Refund.Currency}
	form.Amount.SetText(third.Decimal())
	h.tap("Change Your Offer")
	if q := h.Question(); !strings.HasPrefix(q, "Change your offer to "+third.String()) {
		t.Errorf("confirmation %q", q)
	}
	h.confirmDone("Yes, change your offer")
	counter := domain.Money{Minor: r.Refund.Minor * 2 / 3, Currency: r.Refund.Currency}
	if !h.sim.BuyerOffer(shop, o.OrderNo, counter, domain.SpSolutionRefund) {
		t.Fatal("the buyer could not answer")
	}
	h.open(o.ID)
	if got := h.StepButtons(); !slices.Contains(got, "Accept Offer") {
		t.Fatalf("the buyer's counter-offer: steps %v", got)
	}
	h.tap("Accept Offer")
	if q := h.Question(); !strings.Contains(q, "Accept the buyer's offer: "+counter.String()+" (Refund Only)") {
		t.Errorf("confirmation %q", q)
	}
	h.confirmDone("Yes, accept offer")
	if r := h.request(domain.ReqReturn); r.Status != domain.SpRetAccepted || len(h.StepButtons()) != 0 {
		t.Errorf("after accepting: %s, steps %v", r.Status, h.StepButtons())
	}

	// Dispute.
	o = h.delivered(domain.Shopee, used)
	shop = h.shopID(o.StoreID)
	h.sim.RequestReturn(domain.Shopee, shop, o.OrderNo)
	o = h.requestOpen(o)
	h.open(o.ID)
	h.tap("Dispute")
	form = h.Form()
	if len(form.Reasons()) == 0 || form.Email == nil || form.Images.Max != 3 {
		t.Fatalf("dispute form: reasons %v", form.Reasons())
	}
	form.Reason.SetSelectedIndex(0)
	form.Comment.SetText("The item came back unused and sealed")
	form.Email.SetText("seller")
	h.addImage(path)
	h.tap("Dispute")
	if p := form.Problem(); !strings.Contains(p, "enter your email address") {
		t.Errorf("no email: %q", p)
	}
	form.Email.SetText("ops@butikayu.my")
	h.tap("Dispute")
	h.confirmDone("Yes, dispute")
	if r := h.request(domain.ReqReturn); r.Status != domain.SpRetJudging || !r.Dispute {
		t.Errorf("after the dispute: %s, dispute %v", r.Status, r.Dispute)
	}
	rv, _ := h.sim.ReturnOf(domain.Shopee, shop, o.OrderNo)
	h.evidenceReached(domain.Shopee, shop, rv, data, "")

	// Refund only.
	o = h.delivered(domain.Shopee, used)
	shop = h.shopID(o.StoreID)
	h.sim.RequestRefund(domain.Shopee, shop, o.OrderNo)
	o = h.requestOpen(o)
	h.open(o.ID)
	if got := h.StepButtons(); !slices.Equal(got, []string{"Refund", "Dispute"}) {
		t.Fatalf("refund only: steps %v", got)
	}
	h.tap("Refund")
	h.confirmDone("Yes, refund")
	if r := h.request(domain.ReqRefund); r.Status != domain.SpRetAccepted {
		t.Errorf("after the refund: %s", r.Status)
	}
}

// TikTok: a return agreed, the parcel shipped back and the refund rejected with evidence (an
// image is required then, and reaches the simulator); a return agreed and refunded on arrival; a
// refund rejected with a reason and words; a refund approved.
func TestLiveTikTokReturns(t *testing.T) {
	h := startLive(t, 2500)
	used := map[int64]bool{}
	path, data := pngFile(t, "empty-box.png")

	agreeAndShip := func(refund bool) (domain.Order, string) {
		t.Helper()
		o := h.delivered(domain.TikTok, used)
		shop := h.shopID(o.StoreID)
		if refund {
			h.sim.RequestRefund(domain.TikTok, shop, o.OrderNo)
		} else {
			h.sim.RequestReturn(domain.TikTok, shop, o.OrderNo)
		}
		o = h.requestOpen(o)
		h.open(o.ID)
		return o, shop
	}

	o, shop := agreeAndShip(false)
	if got := h.StepButtons(); !slices.Equal(got, []string{"Agree to Return", "Reject"}) {
		t.Fatalf("steps %v", got)
	}
	h.tap("Agree to Return")
	h.confirmDone("Yes, agree to return")
	if r := h.request(domain.ReqReturn); r.Status != domain.TtAwaitingShip || len(h.StepButtons()) != 0 ||
		!strings.Contains(h.drawn(), "Awaiting the buyer's parcel") {
		t.Fatalf("after agree: %s, steps %v", r.Status, h.StepButtons())
	}
	h.sim.ShipReturn(domain.TikTok, shop, o.OrderNo, "TTRET1")
	h.open(o.ID)
	if got := h.StepButtons(); !slices.Equal(got, []string{"Refund", "Reject"}) {
		t.Fatalf("the parcel shipped back: steps %v", got)
	}
	h.tap("Reject")
	form := h.Form()
	form.Reason.SetSelectedIndex(0)
	form.Comment.SetText("The box came back empty")
	h.tap("Reject")
	if p := form.Problem(); !strings.HasSuffix(p, "attach at least one image as evidence") {
		t.Errorf("no image: %q", p)
	}
	h.addImage(path)
	h.tap("Reject")
	h.confirmDone("Yes, reject")
	if r := h.request(domain.ReqReturn); r.Status != domain.TtRejectReceive {
		t.Errorf("after reject: %s", r.Status)
	}
	rv, _ := h.sim.ReturnOf(domain.TikTok, shop, o.OrderNo)
	h.evidenceReached(domain.TikTok, shop, rv, data, "The box came back empty")

	o, shop = agreeAndShip(false)
	h.tap("Agree to Return")
	h.confirmDone("Yes, agree to return")
	h.sim.ShipReturn(domain.TikTok, shop, o.OrderNo, "TTRET2")
	h.open(o.ID)
	h.tap("Refund")
	if q := h.Question(); !strings.Contains(q, "Confirm you received the returned parcel") {
		t.Errorf("confirmation %q", q)
	}
	h.confirmDone("Yes, refund")
	if r := h.request(domain.ReqReturn); r.Status != domain.TtReturnSuccess {
		t.Errorf("after refund on arrival: %s", r.Status)
	}

	o, _ = agreeAndShip(true)
	if got := h.StepButtons(); !slices.Equal(got, []string{"Refund", "Reject"}) {
		t.Fatalf("refund only: steps %v", got)
	}
	h.tap("Reject")
	form = h.Form()
	form.Reason.SetSelectedIndex(0)
	form.Comment.SetText("The buyer has not described a fault")
	h.tap("Reject")
	h.confirmDone("Yes, reject")
	if r := h.request(domain.ReqRefund); r.Status != domain.TtReturnReject {
		t.Errorf("after rejecting the refund: %s", r.Status)
	}

	agreeAndShip(true)
	h.tap("Refund")
	h.confirmDone("Yes, refund")
	if r := h.request(domain.ReqRefund); r.Status != domain.TtReturnSuccess {
		t.Errorf("after the refund: %s", r.Status)
	}
}
