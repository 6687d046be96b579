package detail

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/kedai-app/kedai/domain"
)

// A return awaiting the seller: its panel says what the platform says of it, the steps of its
// status are offered under it, and the requests are read from the platform when it is opened.
func TestReturnPanelShowsTheRequestAndItsSteps(t *testing.T) {
	o := lazadaOrder()
	o.Tab, o.ReturnRequested = domain.TabToReturn, true
	o.AfterSales = []domain.AfterSale{{Kind: domain.ReqReturn, ID: "RV1", Status: domain.LzRevRequestInitiate, By: "buyer",
		Reason: "ITEM_DAMAGED", Comment: "The box was crushed", Refund: rm("30"), Deadline: day.Add(72 * time.Hour), Created: day,
		Lines: []domain.AfterSaleLine{{ID: "L1", OrderItemID: "11", SKU: "TDG-BLK", Name: "Tudung Bawal", Qty: 1, Status: domain.LzRevRequestInitiate, Refund: rm("30")}}}}
	f := openFake(t, o)
	if got := f.StepButtons(); !slices.Equal(got, []string{"Refund", "Agree to Return", "Reject"}) {
		t.Errorf("steps %v", got)
	}
	drawn := f.drawn()
	for _, want := range []string{"Return Order Info", "Return and Refund", "no. RV1", "Request initiate", "Buyer", "Item damaged",
		"The box was crushed", "RM 30.00", "1 × Tudung Bawal · SKU TDG-BLK · Request initiate"} {
		if !strings.Contains(drawn, want) {
			t.Errorf("the panel does not say %q: %s", want, drawn)
		}
	}
	if note := f.RequestNote(); !strings.HasPrefix(note, "As of ") || !strings.Contains(note, "as Lazada has them") {
		t.Errorf("note %q", note)
	}
	if slices.Contains(f.ActionButtons(), "Cancel Order") {
		t.Error("an order on To Return offers Cancel Order")
	}

	// The platform cannot be reached: the kept request stays, with a note saying so.
	f.e.refreshErr = errors.New("dial tcp: connection refused")
	f.Open(o.ID, domain.OrderQuery{})
	f.run.Wait()
	if note := f.RequestNote(); !strings.Contains(note, "Could not reach Lazada (dial tcp: connection refused)") {
		t.Errorf("note %q", note)
	}
	if !strings.Contains(f.drawn(), "Could not reach Lazada") || len(f.StepButtons()) != 3 {
		t.Errorf("after a failed read: steps %v, drawn %s", f.StepButtons(), f.drawn())
	}
}

// A Shopee return shows its offers, who made each, and offers Create Offer, Accept Offer and
// Dispute; once the seller's own offer awaits the buyer, the offer button changes it.
func TestShopeeOfferHistory(t *testing.T) {
	o := domain.Order{ID: 2, Platform: domain.Shopee, OrderNo: "250101ABCD", Tab: domain.TabToReturn, Currency: "MYR", Total: rm("50"),
		ReturnRequested: true, Items: []domain.Item{{PlatformItemID: "901", SKU: "BAG-1", Name: "Tote Bag", Qty: 1, PaidPrice: rm("50")}}}
	o.AfterSales = []domain.AfterSale{{Kind: domain.ReqReturn, ID: "2501RET", Status: domain.SpRetProcessing, Negotiation: domain.SpNegPendingRespond,
		CounterLimit: 2, By: "buyer", Reason: "DIFFERENT_DESCRIPTION", Refund: rm("50"),
		Offers: []domain.Offer{{By: "buyer", Solution: domain.SpSolutionReturnRefund, Amount: rm("50"), At: day},
			{By: "seller", Solution: domain.SpSolutionRefund, Amount: rm("20"), At: day.Add(time.Hour)},
			{By: "buyer", Solution: domain.SpSolutionRefund, Amount: rm("40"), At: day.Add(2 * time.Hour)}}}}
	f := openFake(t, o)
	if got := f.StepButtons(); !slices.Equal(got, []string{"Create Offer", "Accept Offer", "Dispute"}) {
		t.Errorf("steps %v", got)
	}
	sec := domain.AfterSaleSection(&o, &o.AfterSales[0], time.UTC)
	var offers string
	for _, fl := range sec.Fields {
		if fl.Label == "Offers" {
			offers = fl.Value
		}
	}
	want := "Buyer · Return and Refund · RM 50.00 · 04 Mar 2025 10:00\nSeller · Refund Only · RM 20.00 · 04 Mar 2025 11:00\nBuyer · Refund Only · RM 40.00 · 04 Mar 2025 12:00"
	if offers != want {
		t.Errorf("offers:\n%s\nwant\n%s", offers, want)
	}

	// Create Offer starts at the buyer's last ask.
	f.tap(t, "Create Offer")
	form := f.Form()
	if form.Amount.Text != "40.00" || form.Solution.Selected != "Refund Only" {
		t.Errorf("offer prefilled with %q %q", form.Amount.Text, form.Solution.Selected)
	}
	if f.win.Canvas().Focused() != form.Amount {
		t.Error("the amount does not have the focus")
	}
	form.Amount.SetText("60")
	form.Amount.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter submits
	f.run.Wait()
	if p := form.Problem(); !strings.Contains(p, "the offer RM 60.00 is more than the RM 50.00 the buyer asked") {
		t.Errorf("problem %q", p)
	}
	form.Amount.SetText("35.5")
	form.Solution.SetSelected("Return and Refund")
	form.Solution.SetSelected("Refund Only")
	if f.win.Canvas().Focused() != form.Amount {
		t.Error("the amount did not get the focus back after the solution was chosen")
	}
	f.tap(t, "Create Offer")
	if q := f.Question(); !strings.HasPrefix(q, "Offer RM 35.50 (Refund Only) on Shopee order 250101ABCD?") || !strings.Contains(f.drawn(), "Offer RM 35.50") {
		t.Errorf("confirmation: %s", q)
	}
	f.tap(t, "Yes, create offer")
	if len(f.e.answers) != 1 || f.e.answers[0].Amount != rm("35.5") || f.e.answers[0].Solution != domain.SpSolutionRefund ||
		f.e.answers[0].RequestID != "2501RET" || f.e.answers[0].FromStatus != domain.SpRetProcessing {
		t.Fatalf("sent %+v", f.e.answers)
	}
	if form.Open() || f.Job() == nil {
		t.Error("the form stayed open, or no job dialog followed the offer")
	}

	// The seller's own offer awaits the buyer: the button changes it, starting from it.
	f.e.mu.Lock()
	r := &f.src.order.AfterSales[0]
	r.Negotiation, r.CounterLimit = domain.SpNegPendingBuyerRespond, 1
	r.Offers = append(r.Offers, domain.Offer{By: "seller", Solution: domain.SpSolutionRefund, Amount: rm("35.5"), At: day.Add(3 * time.Hour)})
	f.e.mu.Unlock()
	f.tap(t, "Close") // the job dialog
	f.Reload()
	f.run.Wait()
	if got := f.StepButtons(); !slices.Equal(got, []string{"Change Your Offer", "Dispute"}) {
		t.Errorf("steps with the seller's offer pending: %v", got)
	}
	f.tap(t, "Change Your Offer")
	if form := f.Form(); form.Amount.Text != "35.50" {
		t.Errorf("change starts at %q", form.Amount.Text)
	}
}

// Reject asks the platform's reasons and the seller's words; without a reason the form says so
// and sends nothing; images are added through the file chooser, a bad file is refused, and the
// answer goes with the images chosen.
func TestRejectAsksReasonWordsAndImages(t *testing.T) {
	o := lazadaOrder()
	o.Tab, o.ReturnRequested = domain.TabToReturn, true
	o.AfterSales = []domain.AfterSale{{Kind: domain.ReqReturn, ID: "RV1", Status: domain.LzRevReceived, By: "buyer", Refund: rm("30"),
		Lines: []domain.AfterSaleLine{{ID: "L1", OrderItemID: "11"}}}}
	f := openFake(t, o)
	f.e.reasons = []domain.Reason{{ID: "501", Text: "Item returned is used"}, {ID: "502", Text: "Item returned is not the original"}}
	f.tap(t, "Reject")
	form := f.Form()
	if form == nil || !form.Open() {
		t.Fatal("no form")
	}
	if !slices.Equal(f.e.reasonsFor, []domain.Step{domain.StepReject}) || len(form.Reasons()) != 2 {
		t.Fatalf("reasons asked %v, shown %v", f.e.reasonsFor, form.Reasons())
	}
	if form.Images == nil || form.Images.Max != 5 {
		t.Fatalf("images %+v", form.Images)
	}
	f.tap(t, "Reject") // the form's own button: nothing chosen
	if p := form.Problem(); !strings.HasSuffix(p, "choose a reason") || len(f.e.answers) != 0 || !form.Open() {
		t.Fatalf("no reason: problem %q, sent %v", p, f.e.answers)
	}
	if !strings.Contains(f.drawn(), "choose a reason") {
		t.Error("the refusal is not drawn")
	}
	form.ChooseReason("Item returned is used")
	f.tap(t, "Reject")
	if p := form.Problem(); !strings.HasSuffix(p, "write why, in your own words") {
		t.Errorf("no words: %q", p)
	}
	form.Comment.SetText("Worn, with the tags cut off")
	f.tap(t, "Reject")
	if p := form.Problem(); !strings.HasSuffix(p, "attach at least one image as evidence") {
		t.Errorf("no image (refuseRefund needs one): %q", p)
	}

	// A file that is not an image is refused with its name, and not added.
	f.picked = writeFile(t, "notes.png", []byte("not really a picture"))
	f.tap(t, "Add Image…")
	if p := form.Problem(); p != "notes.png is not a JPEG or PNG image" || len(form.Images.Images()) != 0 {
		t.Errorf("bad file: %q, %v", p, form.Images.Names())
	}
	path, data := pngFile(t, "parcel.png")
	f.picked = path
	f.tap(t, "Add Image…")
	f.tap(t, "Add Image…")
	if got := form.Images.Names(); !slices.Equal(got, []string{"parcel.png", "parcel.png"}) || form.Problem() != "" {
		t.Fatalf("images %v, problem %q", got, form.Problem())
	}
	if !strings.Contains(f.drawn(), "parcel.png (1 KB)") || !strings.Contains(f.drawn(), "2 of at most 5") {
		t.Errorf("the list: %s", f.drawn())
	}
	f.tap(t, "Remove")
	f.picked = ""
	f.tap(t, "Add Image…") // dismissed: nothing added
	if got := form.Images.Names(); len(got) != 1 {
		t.Fatalf("after remove and a dismissed chooser: %v", got)
	}

	f.tap(t, "Reject")
	q := f.Question()
	if !strings.Contains(q, "Reject the buyer's return and refund request on Lazada order 400000000000001 (reason: Item returned is used)?") ||
		!strings.Contains(q, "your 1 image(s)") || !strings.Contains(f.drawn(), "Reject the buyer's return") {
		t.Errorf("confirmation: %s", q)
	}
	f.tap(t, "Back") // not yet: the form is still there
	if !form.Open() || len(f.e.answers) != 0 {
		t.Fatal("Back sent the answer or closed the form")
	}
	f.tap(t, "Reject")
	f.tap(t, "Yes, reject")
	if len(f.e.answers) != 1 {
		t.Fatalf("sent %v", f.e.answers)
	}
	a := f.e.answers[0]
	if a.Step != domain.StepReject || a.Reason != "501" || a.Comment != "Worn, with the tags cut off" || len(a.Images) != 1 ||
		a.Images[0].Type != "image/png" || string(a.Images[0].Data) != string(data) || a.FromStatus != domain.LzRevReceived {
		t.Errorf("answer %+v", a)
	}
}

// A refusal of the engine is shown in the form, which stays open; nothing is sent.
func TestRefusalShownInTheForm(t *testing.T) {
	o := domain.Order{ID: 3, Platform: domain.TikTok, OrderNo: "5770001", Tab: domain.TabToCancel, Status: domain.TtAwaitingShipment,
		CancelRequested: true, Items: []domain.Item{{PlatformItemID: "1", SKU: "A", Name: "A", Qty: 1}}}
	o.AfterSales = []domain.AfterSale{{Kind: domain.ReqCancel, ID: "C1", Status: domain.TtCancelPending, By: "buyer", Reason: "Change of mind"}}
	f := openFake(t, o)
	if got := f.StepButtons(); !slices.Equal(got, []string{"Accept Cancellation", "Reject Cancellation"}) {
		t.Fatalf("steps %v", got)
	}
	f.e.reasons = []domain.Reason{{ID: "seller_reject_apply_product_has_been_packed", Text: "The product has been packed"}}
	f.tap(t, "Reject Cancellation")
	form := f.Form()
	if form.Comment == nil || form.Images == nil || form.Images.Max != 3 {
		t.Fatalf("TikTok's reject takes a comment and 3 images: %+v", form)
	}
	form.ChooseReason("The product has been packed")
	form.Comment.SetText("Already with the courier")
	f.e.refuse = "TikTok 5770001: the cancellation request was withdrawn"
	f.tap(t, "Reject Cancellation")
	f.tap(t, "Yes, reject cancellation")
	if p := form.Problem(); p != "Not sent: TikTok 5770001: the cancellation request was withdrawn" || !form.Open() {
		t.Errorf("refusal: %q, open %v", p, form.Open())
	}
	if f.Job() != nil {
		t.Error("a job dialog opened for a refused answer")
	}

	// Escape closes the form, from an entry or when nothing has the focus.
	form.Comment.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if form.Open() {
		t.Error("Escape in the comment did not close the form")
	}
	f.tap(t, "Reject Cancellation")
	form = f.Form()
	f.win.Canvas().Unfocus()
	if !f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) || form.Open() {
		t.Error("Escape with nothing focused did not close the form")
	}
}

// Accept needs nothing more: it is confirmed and sent; the job dialog shows the platform's answer.
func TestAcceptCancellation(t *testing.T) {
	o := domain.Order{ID: 4, Platform: domain.Shopee, OrderNo: "250101CNCL", Tab: domain.TabToCancel, Status: domain.SpInCancel,
		CancelRequested: true, Items: []domain.Item{{PlatformItemID: "1", SKU: "A", Name: "A", Qty: 1}}}
	o.AfterSales = []domain.AfterSale{{Kind: domain.ReqCancel, Status: domain.SpInCancel, By: "buyer"}}
	f := openFake(t, o)
	f.e.message = "The order is cancelled; Shopee refunds the buyer."
	f.tap(t, "Accept Cancellation")
	if !strings.HasPrefix(f.Question(), "Accept the buyer's cancellation of Shopee order 250101CNCL?") {
		t.Errorf("confirmation: %s", f.Question())
	}
	f.tap(t, "Yes, accept cancellation")
	if len(f.e.answers) != 1 || f.e.answers[0].Step != domain.StepAcceptCancel || f.e.answers[0].Kind != domain.ReqCancel {
		t.Fatalf("sent %+v", f.e.answers)
	}
	j := f.Job()
	if j == nil || !strings.Contains(j.Answer(), "250101CNCL: The order is cancelled; Shopee refunds the buyer.") {
		t.Fatalf("job dialog answer %q", j.Answer())
	}
	if !strings.Contains(f.drawn(), "Shopee refunds the buyer.") {
		t.Error("the platform's answer is not drawn")
	}
	// Shopee's reject needs no reason: confirmed at once.
	f.tap(t, "Close")
	f.tap(t, "Reject Cancellation")
	if f.Form() != nil {
		t.Error("Shopee's reject opened a form")
	}
	f.tap(t, "Yes, reject cancellation")
	if len(f.e.answers) != 2 || f.e.answers[1].Step != domain.StepRejectCancel {
		t.Errorf("sent %+v", f.e.answers)
	}
}

// Lazada's cancel: every live item chosen, the reasons and tip asked for the items chosen (again
// when they change); a packed item warns that its package mates go with it, and Repack first
// repacks the order; a refusal of the platform leaves nothing to submit.
func TestLazadaCancelForm(t *testing.T) {
	f := openFake(t, lazadaOrder())
	f.e.options = func(ids []string) domain.CancelOptions {
		if slices.Contains(ids, "13") && len(ids) == 1 {
			return domain.CancelOptions{Refused: true, TipType: "error", Tip: "This item cannot be cancelled now."}
		}
		return domain.CancelOptions{TipType: "warning", Tip: "Cancelling affects your Cancellation Rate.",
			Reasons: []domain.Reason{{ID: "10000019", Text: "Sourcing Delay"}, {ID: "10000021", Text: "Out of Stock"}}}
	}
	if !slices.Contains(f.ActionButtons(), "Cancel Order") {
		t.Fatalf("To Process offers %v", f.ActionButtons())
	}
	f.tap(t, "Cancel Order")
	form := f.Form()
	c := form.Cancel()
	if len(form.Items) != 3 || !form.Items[0].Checked || !form.Items[2].Checked {
		t.Fatalf("items %v", form.ItemIDs)
	}
	if len(f.e.optionsFor) != 1 || !slices.Equal(f.e.optionsFor[0], []string{"11", "12", "13"}) {
		t.Errorf("asked about %v", f.e.optionsFor)
	}
	if c.Tip() != "Lazada says: Cancelling affects your Cancellation Rate." {
		t.Errorf("tip %q", c.Tip())
	}
	if w := c.PackageWarning(); w != "The chosen items are packed: Lazada cancels their whole package." {
		t.Errorf("all chosen: %q", w)
	}
	form.ChooseReason("Sourcing Delay")
	form.Items[1].SetChecked(false) // keep the red one
	f.run.Wait()
	if len(f.e.optionsFor) != 2 || !slices.Equal(f.e.optionsFor[1], []string{"11", "13"}) {
		t.Errorf("asked again about %v", f.e.optionsFor)
	}
	if r, _ := form.reason(); r.ID != "10000019" {
		t.Errorf("the reason chosen was lost: %+v", r)
	}
	if w := c.PackageWarning(); !strings.Contains(w, "Tudung Bawal · Red · SKU TDG-RED will be cancelled too") {
		t.Errorf("mates: %q", w)
	}
	if !c.Repack.Visible() || !strings.Contains(f.drawn(), "Repack first") {
		t.Error("no Repack first")
	}
	form.ChooseReason("Out of Stock")
	if w := c.StockWarning(); w != "Lazada may set the stock of TDG-BLK, PIN-GLD to 0: restock them on Lazada if you still sell them." {
		t.Errorf("stock warning %q", w)
	}
	f.tap(t, "Cancel Order")
	q := f.Question()
	if !strings.Contains(q, "Cancel 2 of the 3 items of Lazada order 400000000000001 (reason: Out of Stock)?") ||
		!strings.Contains(q, "TDG-RED will be cancelled too") || !strings.Contains(q, "Lazada may set the stock of TDG-BLK, PIN-GLD to 0") {
		t.Errorf("confirmation: %s", q)
	}
	f.tap(t, "Back")

	// Only the unpacked item: no package warning; Lazada refuses it, and its tip says why.
	form.Items[0].SetChecked(false)
	f.run.Wait()
	if c.PackageWarning() != "" || c.Repack.Visible() {
		t.Errorf("an unpacked item warns %q", c.PackageWarning())
	}
	if c.Tip() != "Lazada will not cancel these items: This item cannot be cancelled now." || !form.Submit.Disabled() {
		t.Errorf("refused: tip %q, submit disabled %v", c.Tip(), form.Submit.Disabled())
	}
	form.Items[2].SetChecked(false)
	f.run.Wait()
	if form.Reason.PlaceHolder != "Choose the items first" || len(form.Reasons()) != 0 {
		t.Errorf("nothing chosen: %q %v", form.Reason.PlaceHolder, form.Reasons())
	}

	// Repack first: the form closes and the repack is confirmed and sent.
	form.Items[1].SetChecked(true)
	f.run.Wait()
	f.tap(t, "Repack first")
	if form.Open() {
		t.Error("the cancel form stayed open")
	}
	f.tap(t, "Yes")
	if !slices.Equal(f.e.submitted, []domain.Action{domain.ActRepack}) {
		t.Errorf("submitted %v", f.e.submitted)
	}
}

// Shopee's cancel: the reason first; Out of Stock asks which items, and warns about the stock.
func TestShopeeCancelForm(t *testing.T) {
	o := domain.Order{ID: 5, Platform: domain.Shopee, OrderNo: "250101SHP", Tab: domain.TabNew, Status: domain.SpReadyToShip, Currency: "MYR",
		Items: []domain.Item{{PlatformItemID: "901", SKU: "BAG-1", Name: "Tote Bag", Qty: 1}, {PlatformItemID: "902", SKU: "BAG-2", Name: "Sling Bag", Qty: 2}}}
	f := openFake(t, o)
	f.e.options = func([]string) domain.CancelOptions {
		return domain.CancelOptions{Reasons: domain.ShopeeCancelReasons[:2]}
	}
	f.tap(t, "Cancel Order")
	form := f.Form()
	c := form.Cancel()
	if c.ItemsShown() || len(form.Reasons()) != 2 || f.e.optionsFor[0] != nil {
		t.Fatalf("items shown %v, reasons %v, asked %v", c.ItemsShown(), form.Reasons(), f.e.optionsFor)
	}
	form.ChooseReason("Out of Stock")
	if !c.ItemsShown() || form.Items[0].Checked {
		t.Fatalf("Out of Stock: items shown %v", c.ItemsShown())
	}
	if !strings.Contains(f.drawn(), "Which items are out of stock?") {
		t.Error("the items are not drawn")
	}
	f.tap(t, "Cancel Order")
	if p := form.Problem(); !strings.HasSuffix(p, "choose the items") {
		t.Errorf("no item: %q", p)
	}
	form.Items[1].SetChecked(true)
	if w := c.StockWarning(); w != "Shopee may set the stock of BAG-2 to 0: restock them on Shopee if you still sell them." {
		t.Errorf("stock warning %q", w)
	}
	f.tap(t, "Cancel Order")
	if !strings.Contains(f.Question(), "Shopee may set the stock of BAG-2 to 0") {
		t.Errorf("the confirmation does not warn: %s", f.Question())
	}
	f.tap(t, "Yes, cancel order")
	if len(f.e.answers) != 1 || f.e.answers[0].Reason != "OUT_OF_STOCK" || !slices.Equal(f.e.answers[0].Items, []string{"902"}) {
		t.Fatalf("sent %+v", f.e.answers)
	}

	// Another reason: no items, no warning.
	f.tap(t, "Close")
	f.tap(t, "Cancel Order")
	form = f.Form()
	form.ChooseReason("Customer Request")
	if form.Cancel().ItemsShown() || form.Cancel().StockWarning() != "" {
		t.Error("Customer Request asks for items or warns about stock")
	}
	form.Items[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if form.Open() {
		t.Error("Escape on an item did not close the form")
	}
}

// TikTok's cancel offers the reasons the engine gives for the order's status.
func TestTikTokCancelForm(t *testing.T) {
	o := domain.Order{ID: 6, Platform: domain.TikTok, OrderNo: "5770009", Tab: domain.TabNew, Status: domain.TtAwaitingShipment,
		Items: []domain.Item{{PlatformItemID: "1", SKU: "A", Name: "A", Qty: 1}}}
	f := openFake(t, o)
	f.e.options = func([]string) domain.CancelOptions {
		return domain.CancelOptions{Reasons: domain.TikTokCancelReasons(domain.TtAwaitingShipment)}
	}
	f.tap(t, "Cancel Order")
	form := f.Form()
	if got := form.Reason.Options; len(got) != 4 || got[2] != "Unable to deliver to the buyer's address" {
		t.Errorf("reasons %v", got)
	}
	if form.Cancel().ItemsShown() {
		t.Error("TikTok's cancel asks for items")
	}
	form.ChooseReason("seller_cancel_paid_reason_address_not_deliver")
	f.tap(t, "Cancel Order")
	f.tap(t, "Yes, cancel order")
	if len(f.e.answers) != 1 || f.e.answers[0].Reason != "seller_cancel_paid_reason_address_not_deliver" || len(f.e.answers[0].Items) != 0 {
		t.Errorf("sent %+v", f.e.answers)
	}

	// Escape closes the form from the reason too, which keeps the focus once chosen from.
	f.tap(t, "Close")
	f.tap(t, "Cancel Order")
	form = f.Form()
	form.Reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if form.Open() {
		t.Error("Escape on the reason did not close the form")
	}
}

func TestImageList(t *testing.T) {
	openFake(t, lazadaOrder()) // an app for the widgets
	l := newImageList(2, true, func() {})
	_, png := pngFile(t, "a.png")
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 100)...)
	if err := l.Take("empty.jpg", nil); err == nil || err.Error() != "empty.jpg is empty" {
		t.Errorf("empty: %v", err)
	}
	if err := l.Take("big.jpg", append(jpeg, make([]byte, domain.MaxImageBytes)...)); err == nil || !strings.Contains(err.Error(), "at most 5 MB") {
		t.Errorf("big: %v", err)
	}
	if err := l.Take("a.png", png); err != nil {
		t.Fatal(err)
	}
	if err := l.Take("b.jpg", jpeg); err != nil {
		t.Fatal(err)
	}
	if !l.Add.Disabled() {
		t.Error("Add Image… is enabled at the limit")
	}
	if err := l.Take("c.jpg", jpeg); err == nil || err.Error() != "c.jpg was not added: at most 2 images can be attached" {
		t.Errorf("third: %v", err)
	}
	l.Remove(0)
	if got := l.Names(); !slices.Equal(got, []string{"b.jpg"}) || l.Add.Disabled() || l.Images()[0].Type != "image/jpeg" {
		t.Errorf("after remove: %v", got)
	}
}

func TestAnswerQuestionsSayWhatHappens(t *testing.T) {
	lz := lazadaOrder()
	ret := &domain.AfterSale{Kind: domain.ReqReturn, ID: "R", Status: domain.LzRevRequestInitiate, Refund: rm("30")}
	recv := &domain.AfterSale{Kind: domain.ReqReturn, ID: "R", Status: domain.LzRevBuyerReturnItem, Tracking: "RT123"}
	tt := domain.Order{Platform: domain.TikTok, OrderNo: "577"}
	shipped := &domain.AfterSale{Kind: domain.ReqReturn, ID: "R", Status: domain.TtBuyerShipped, Refund: rm("12")}
	for _, c := range []struct {
		o    *domain.Order
		r    *domain.AfterSale
		a    domain.Answer
		want string
	}{
		{&lz, ret, domain.Answer{Step: domain.StepRefund}, "Refund RM 30.00 to the buyer of Lazada order 400000000000001 now? The buyer keeps the goods: nothing comes back."},
		{&lz, ret, domain.Answer{Step: domain.StepAgreeReturn}, "Agree to the return of Lazada order 400000000000001? The buyer sends the goods back; you refund once they arrive."},
		{&lz, recv, domain.Answer{Step: domain.StepConfirmReceipt}, "Confirm the returned parcel of Lazada order 400000000000001 arrived (tracking RT123)? You then refund the buyer or reject the refund with evidence."},
		{&tt, shipped, domain.Answer{Step: domain.StepRefund}, "Confirm you received the returned parcel of TikTok Shop order 577, and have TikTok Shop refund RM 12.00 to the buyer?"},
		{&lz, nil, domain.Answer{Step: domain.StepCancel, Items: []string{"11", "12", "13"}, ReasonText: "Sourcing Delay"},
			"Cancel Lazada order 400000000000001 (reason: Sourcing Delay)? The buyer is refunded, and a cancellation cannot be undone. The chosen items are packed: Lazada cancels their whole package."},
	} {
		if got := AnswerQuestion(c.o, c.r, c.a); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.a.Step, got, c.want)
		}
	}
}

// An order flagged by the sync before its request was kept says so, and what the platform said
// when it was asked.
func TestFlaggedOrderWithoutItsRequest(t *testing.T) {
	o := lazadaOrder()
	o.Tab, o.CancelRequested = domain.TabToCancel, true
	f := openFake(t, o)
	if !strings.Contains(f.drawn(), "The buyer asked to cancel, but Lazada shows no request for it now") {
		t.Errorf("drawn %s", f.drawn())
	}
	f.e.refreshErr = errors.New("timeout")
	f.Open(o.ID, domain.OrderQuery{})
	f.run.Wait()
	if !strings.Contains(f.drawn(), "Kedai has not read the request from Lazada yet") ||
		f.RequestNote() != "Could not reach Lazada (timeout). Kedai has no request of this order on file." {
		t.Errorf("note %q; drawn %s", f.RequestNote(), f.drawn())
	}
}
