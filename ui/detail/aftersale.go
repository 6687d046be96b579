package detail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// AfterSales answers cancellations and returns (the engine).
type AfterSales interface {
	// RefreshAfterSales reads the order's requests from its platform, keeps them, and returns
	// them; when the platform cannot be reached it returns the kept ones with the error.
	RefreshAfterSales(ctx context.Context, orderID int64) ([]domain.AfterSale, error)
	CancelOptions(ctx context.Context, orderID int64, itemIDs []string) (domain.CancelOptions, error)
	Reasons(ctx context.Context, orderID int64, kind domain.RequestKind, requestID string, step domain.Step) ([]domain.Reason, error)
	// SubmitAnswer checks the answer (domain Answer.Check against the kept requests) and queues
	// it in the outbox as one job; a refusal comes back in refused, nothing queued.
	SubmitAnswer(ctx context.Context, orderID int64, a domain.Answer) (job int64, refused []domain.Refusal, err error)
}

// UseAfterSales shows an order's cancellation and return requests with the steps the seller can
// take on them, and offers Cancel Order where the rules allow it.
func (v *View) UseAfterSales(a AfterSales) { v.aftersales = a }

// wantsRequests reports whether the order has requests worth reading from the platform when it
// is opened: it has some, or its tab or flags say one awaits the seller.
func wantsRequests(o *domain.Order) bool {
	return len(o.AfterSales) > 0 || o.CancelRequested || o.ReturnRequested ||
		o.Tab == domain.TabToCancel || o.Tab == domain.TabToReturn
}

// refreshRequests reads the order's requests from its platform, off the UI goroutine, and shows
// them; the kept ones stay on screen, with a note, when the platform cannot be reached.
func (v *View) refreshRequests() {
	if v.aftersales == nil || v.order.ID == 0 {
		return
	}
	id, platform := v.order.ID, v.order.Platform.Title()
	v.refreshedID = id
	v.requestNote.SetText("Reading the requests from " + platform + "…")
	v.requestNote.Importance = widget.LowImportance
	v.requestNote.Show()
	v.requestNote.Refresh()
	v.run.Go(func() func() {
		reqs, err := v.aftersales.RefreshAfterSales(context.Background(), id)
		at := time.Now()
		return func() {
			if v.order.ID != id {
				return
			}
			if reqs != nil || err == nil {
				v.order.AfterSales = reqs
			}
			if err == nil {
				v.readID = id
			}
			if err != nil {
				v.requestNote.SetText(unreachableNote(platform, err, v.order.AfterSales))
				v.requestNote.Importance = widget.WarningImportance
			} else {
				v.requestNote.SetText("As of " + at.Format("15:04:05") + ", as " + platform + " has them.")
				v.requestNote.Importance = widget.LowImportance
			}
			v.requestNote.Refresh()
			v.showRequests()
			if err == nil {
				v.Reload() // keeping the requests may have moved the order on or off To Return
			}
		}
	})
}

// unreachableNote says the requests on screen may be out of date, and since when.
func unreachableNote(platform string, err error, kept []domain.AfterSale) string {
	text := fmt.Sprintf("Could not reach %s (%v).", platform, err)
	var last time.Time
	for _, r := range kept {
		if r.Updated.After(last) {
			last = r.Updated
		}
	}
	switch {
	case len(kept) == 0:
		return text + " Kedai has no request of this order on file."
	case last.IsZero():
		return text + " These are the requests as Kedai last read them."
	}
	return text + " These are the requests as of " + last.Local().Format(domain.TimeLayout) + "."
}

// RequestNote is the note above the requests: when they were read, or that the platform could
// not be reached ("" when none is shown).
func (v *View) RequestNote() string {
	if !v.requestNote.Visible() {
		return ""
	}
	return v.requestNote.Text
}

// showRequests draws a panel per request, with the steps the seller can take under it.
func (v *View) showRequests() {
	o := &v.order
	v.requests.RemoveAll()
	v.stepButtons = nil
	if v.aftersales == nil {
		v.requests.Refresh()
		return
	}
	if len(o.AfterSales) == 0 && (o.CancelRequested || o.ReturnRequested) {
		what := "a return or refund"
		if o.CancelRequested {
			what = "to cancel"
		}
		text := "The buyer asked " + what + "; Kedai has not read the request from " + o.Platform.Title() + " yet."
		if v.readID == o.ID {
			text = "The buyer asked " + what + ", but " + o.Platform.Title() + " shows no request for it now; it may have been withdrawn."
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		v.requests.Add(panel("Buyer's request", "", l))
	}
	for i := range o.AfterSales {
		r := o.AfterSales[i]
		v.requests.Add(v.requestPanel(r))
	}
	v.requests.Refresh()
}

func (v *View) requestPanel(r domain.AfterSale) fyne.CanvasObject {
	o := &v.order
	sec := domain.AfterSaleSection(o, &r, time.Local)
	form := container.New(layout.NewFormLayout())
	for _, f := range sec.Fields {
		val := widget.NewLabel(f.Value)
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		form.Add(widget.NewLabel(f.Label))
		form.Add(val)
	}
	parts := []fyne.CanvasObject{form}
	if steps := domain.AfterSaleSteps(o.Platform, &r); len(steps) > 0 {
		row := container.NewHBox()
		for _, s := range steps {
			b := widgets.NewButton(StepLabel(o.Platform, &r, s), func() { v.Answer(r, s) })
			if s != domain.StepReject && s != domain.StepRejectCancel && s != domain.StepDispute {
				b.Importance = widget.HighImportance
			}
			if o.PendingAction != "" {
				b.Disable()
			}
			row.Add(b)
			v.stepButtons = append(v.stepButtons, b)
		}
		parts = append(parts, row)
	}
	return panel(sec.Title, r.Kind.Title(), container.NewVBox(parts...))
}

// StepButtons are the titles of the steps offered under the requests (for tests).
func (v *View) StepButtons() []string {
	var out []string
	for _, b := range v.stepButtons {
		out = append(out, b.Text)
	}
	return out
}

// StepLabel is a step's button label: a Shopee offer that would replace the seller's own
// pending one says so.
func StepLabel(p domain.Platform, r *domain.AfterSale, s domain.Step) string {
	if s == domain.StepOffer && ownOfferPending(r) {
		return "Change Your Offer"
	}
	return s.Title()
}

// ownOfferPending reports whether the seller's last offer awaits the buyer.
func ownOfferPending(r *domain.AfterSale) bool {
	return strings.EqualFold(r.Negotiation, domain.SpNegPendingBuyerRespond) && len(r.Offers) > 0 &&
		r.Offers[len(r.Offers)-1].By == "seller"
}
