package detail

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// AnswerForm asks what a step needs before it is confirmed: a reason from the platform's list,
// the seller's own words, evidence images, an offer; for a seller's cancel the items too. What is
// missing is said in the form, which stays open; so is a refusal of the engine.
type AnswerForm struct {
	v     *View
	order domain.Order
	req   *domain.AfterSale // nil: a seller's cancel
	step  domain.Step
	needs domain.Needs

	// The fields; nil when the step does not ask for them.
	Reason   *widgets.EscSelect
	Comment  *widgets.KeyEntry
	Email    *widgets.KeyEntry
	Amount   *widgets.KeyEntry
	Solution *widget.RadioGroup
	Images   *ImageList
	// Items are the check boxes of a seller's cancel, one per live item (ItemIDs says which).
	Items   []*widgets.EscCheck
	ItemIDs []string

	reasons []domain.Reason
	problem *widget.Label
	Submit  *widgets.Button
	Close   *widgets.Button
	d       *dialog.CustomDialog
	scroll  *container.Scroll
	closed  bool
	busy    bool

	cancel *cancelParts // a seller's cancel: its tip, warnings and Repack first
}

// solutions are the Shopee offer's choices, as the seller centre words them.
var solutions = []string{"Return and Refund", "Refund Only"}

// Answer takes a step on one of the order's requests: a step that needs nothing more is only
// confirmed; the others open a form first.
func (v *View) Answer(r domain.AfterSale, step domain.Step) {
	if v.aftersales == nil {
		return
	}
	o := v.order
	a := domain.Answer{Step: step, RequestID: r.ID, Kind: r.Kind, FromStatus: r.Status}
	needs := domain.StepNeeds(o.Platform, &r, step)
	if needs == (domain.Needs{}) {
		if err := a.Check(&o, &r); err != nil {
			v.showMessage(err.Error())
			return
		}
		v.confirmAnswer(&o, &r, a, nil)
		return
	}
	f := v.newForm(o, &r, step, StepLabel(o.Platform, &r, step)+" · "+o.Platform.Title()+" "+o.OrderNo)
	if needs.Reason {
		f.loadReasons()
	}
}

// newForm builds the form of a step and shows it.
func (v *View) newForm(o domain.Order, r *domain.AfterSale, step domain.Step, title string) *AnswerForm {
	f := &AnswerForm{v: v, order: o, req: r, step: step, needs: domain.StepNeeds(o.Platform, r, step)}
	f.problem = widget.NewLabel("")
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Importance = widget.DangerImportance
	f.problem.Hide()
	confirm := StepLabel(o.Platform, r, step)
	if step == domain.StepCancel {
		confirm = "Cancel Order"
	}
	f.Submit = widgets.NewButton(confirm, f.submit)
	f.Submit.Importance = widget.HighImportance
	f.Submit.Icon = theme.ConfirmIcon()
	f.Close = widgets.NewButton("Close", f.close)
	f.Close.Icon = theme.CancelIcon()
	f.Submit.OnEscape, f.Close.OnEscape = f.close, f.close

	var body []fyne.CanvasObject
	if r != nil {
		intro := widget.NewLabel(requestSummary(&o, r))
		intro.Wrapping = fyne.TextWrapWord
		body = append(body, intro)
	}
	if step == domain.StepCancel {
		body = append(body, f.cancelFields()...)
	}
	grid := container.New(layout.NewFormLayout())
	entry := func(placeholder string, multi bool) *widgets.KeyEntry {
		e := widgets.NewKeyEntry()
		e.SetPlaceHolder(placeholder)
		e.OnKey = func(ev *fyne.KeyEvent) bool {
			if ev.Name == fyne.KeyEscape {
				f.close()
				return true
			}
			return false
		}
		if multi {
			e.MultiLine, e.Wrapping = true, fyne.TextWrapWord
			e.SetMinRowsVisible(3)
		} else {
			e.OnSubmitted = func(string) { f.submit() }
		}
		return e
	}
	if f.needs.Reason && step != domain.StepCancel {
		f.Reason = widgets.NewEscSelect(f.close, nil)
		f.Reason.PlaceHolder = "Reading the reasons…"
		grid.Add(widget.NewLabel("Reason"))
		grid.Add(f.Reason)
	}
	if f.needs.Solution {
		f.Solution = widget.NewRadioGroup(solutions, nil)
		f.Solution.Horizontal = true
		grid.Add(widget.NewLabel("Solution"))
		grid.Add(f.Solution)
	}
	if f.needs.Amount {
		f.Amount = entry("the amount you offer to refund", false)
		grid.Add(widget.NewLabel("Refund amount"))
		grid.Add(f.Amount)
		f.prefillOffer()
		// A radio button keeps the focus and ignores Escape and Enter: give it back to the amount.
		f.Solution.OnChanged = func(string) { v.win.Canvas().Focus(f.Amount) }
	}
	if f.needs.Comment {
		f.Comment = entry("why, in your own words", true)
		label := "Your words"
		if step == domain.StepDispute {
			label = "Dispute details"
		}
		grid.Add(widget.NewLabel(label))
		grid.Add(f.Comment)
	}
	if f.needs.Email {
		f.Email = entry("you@example.com", false)
		grid.Add(widget.NewLabel("Your email"))
		grid.Add(f.Email)
	}
	if len(grid.Objects) > 0 {
		body = append(body, grid)
	}
	if f.needs.MaxImages > 0 {
		f.Images = newImageList(f.needs.MaxImages, f.needs.Images, f.addImage)
		f.Images.onChange = f.relayout
		body = append(body, f.Images.content)
	}
	if f.cancel != nil {
		body = append(body, f.cancel.notes)
	}
	body = append(body, f.problem)
	f.scroll = container.NewVScroll(container.NewVBox(body...))
	f.scroll.SetMinSize(fyne.NewSize(600, 380))
	f.d = dialog.NewCustomWithoutButtons(title, f.scroll, v.win)
	f.d.SetButtons([]fyne.CanvasObject{f.Close, f.Submit})
	f.d.SetOnClosed(func() { f.closed = true })
	f.d.Show()
	v.form = f
	switch {
	case f.Amount != nil:
		v.win.Canvas().Focus(f.Amount)
	default:
		v.win.Canvas().Focus(f.Submit)
	}
	return f
}

// Question is the last confirmation asked of an after-sale step (for tests).
func (v *View) Question() string { return v.question }

// Form is the after-sale form on show, or the last one (for tests).
func (v *View) Form() *AnswerForm { return v.form }

// Open reports whether the form is on screen.
func (f *AnswerForm) Open() bool { return !f.closed }

// Problem is what the form says is wrong ("" when nothing).
func (f *AnswerForm) Problem() string {
	if !f.problem.Visible() {
		return ""
	}
	return f.problem.Text
}

// Reasons are the choices of reason the platform gave.
func (f *AnswerForm) Reasons() []domain.Reason { return f.reasons }

// ChooseReason selects the reason whose text or id is s, as a seller would; false when there is
// none.
func (f *AnswerForm) ChooseReason(s string) bool {
	for i, r := range f.reasons {
		if r.ID == s || r.Text == s {
			f.Reason.SetSelectedIndex(i)
			return true
		}
	}
	return false
}

func (f *AnswerForm) say(text string) {
	f.problem.SetText(text)
	if text == "" {
		f.problem.Hide()
	} else {
		f.problem.Show()
	}
	f.relayout()
}

// relayout lays the form out again after a part was shown, hidden or grew: a container does
// not notice on its own.
func (f *AnswerForm) relayout() {
	if f.scroll != nil {
		f.scroll.Content.Refresh()
		f.scroll.Refresh()
	}
}

func (f *AnswerForm) close() {
	if !f.closed {
		f.d.Hide()
	}
	f.closed = true
}

// loadReasons asks the platform for the step's reasons, off the UI goroutine.
func (f *AnswerForm) loadReasons() {
	v, o, r := f.v, f.order, f.req
	v.run.Go(func() func() {
		reasons, err := v.aftersales.Reasons(context.Background(), o.ID, r.Kind, r.ID, f.step)
		return func() {
			if err != nil {
				f.Reason.PlaceHolder = "No reasons to choose from"
				f.Reason.Refresh()
				f.say(fmt.Sprintf("Could not read %s's reasons: %v", o.Platform.Title(), err))
				return
			}
			f.setReasons(reasons, "")
		}
	})
}

// setReasons fills the reason choice, keeping the one chosen (by id) when it is still offered.
func (f *AnswerForm) setReasons(reasons []domain.Reason, keep string) {
	f.reasons = reasons
	var texts []string
	for _, r := range reasons {
		texts = append(texts, r.Text)
	}
	f.Reason.ClearSelected()
	f.Reason.Options = texts
	f.Reason.PlaceHolder = "Choose a reason"
	if len(texts) == 0 {
		f.Reason.PlaceHolder = "No reasons to choose from"
	}
	for i, r := range reasons {
		if keep != "" && r.ID == keep {
			f.Reason.SetSelectedIndex(i)
		}
	}
	f.Reason.Refresh()
}

// reason is the reason chosen.
func (f *AnswerForm) reason() (domain.Reason, bool) {
	if f.Reason == nil {
		return domain.Reason{}, false
	}
	i := f.Reason.SelectedIndex()
	if i < 0 || i >= len(f.reasons) {
		return domain.Reason{}, false
	}
	return f.reasons[i], true
}

// prefillOffer starts an offer at the buyer's ask: their last offer, else the refund they asked;
// when the seller's own offer is pending, at that offer, to change it.
func (f *AnswerForm) prefillOffer() {
	r := f.req
	amount, solution := r.Refund, domain.SpSolutionReturnRefund
	if r.Kind == domain.ReqRefund {
		solution = domain.SpSolutionRefund
	}
	for i := len(r.Offers) - 1; i >= 0; i-- {
		// The last offer is the seller's only when it is pending: then it is the one to change.
		if r.Offers[i].By == "buyer" || ownOfferPending(r) && i == len(r.Offers)-1 {
			amount, solution = r.Offers[i].Amount, r.Offers[i].Solution
			break
		}
	}
	if !amount.IsZero() {
		f.Amount.SetText(amount.Decimal())
	}
	f.Solution.SetSelected(domain.SolutionTitle(solution))
}

// addImage asks for an image file and adds it, read off the UI goroutine.
func (f *AnswerForm) addImage() {
	v := f.v
	v.pickImage(v.win, func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			f.say("Could not open the file: " + err.Error())
			return
		}
		if rc == nil {
			return // dismissed
		}
		v.run.Go(func() func() {
			name, data, err := readImageFile(rc)
			return func() {
				if err == nil {
					err = f.Images.Take(name, data)
				}
				if err != nil {
					f.say(err.Error())
					return
				}
				f.say("") // and lay out the longer list
			}
		})
	})
}

// read is the answer the form holds; an amount that is not one is refused here.
func (f *AnswerForm) read() (domain.Answer, error) {
	a := domain.Answer{Step: f.step}
	if f.req != nil {
		a.RequestID, a.Kind, a.FromStatus = f.req.ID, f.req.Kind, f.req.Status
	}
	if r, ok := f.reason(); ok {
		a.Reason, a.ReasonText = r.ID, r.Text
	}
	if f.Comment != nil {
		a.Comment = strings.TrimSpace(f.Comment.Text)
	}
	if f.Email != nil {
		a.Email = strings.TrimSpace(f.Email.Text)
	}
	if f.Solution != nil {
		switch f.Solution.Selected {
		case solutions[0]:
			a.Solution = domain.SpSolutionReturnRefund
		case solutions[1]:
			a.Solution = domain.SpSolutionRefund
		}
	}
	if f.Amount != nil {
		cur := f.req.Refund.Currency
		if cur == "" {
			cur = f.order.Currency
		}
		m, err := domain.ParseMoney(f.Amount.Text, cur)
		if err != nil {
			return a, fmt.Errorf("the refund amount: %v", err)
		}
		a.Amount = m
	}
	if f.Images != nil {
		a.Images = f.Images.Images()
	}
	if f.cancel != nil {
		a.Items = f.chosenItems()
	}
	return a, nil
}

// submit checks the answer as the engine will, and asks to confirm it.
func (f *AnswerForm) submit() {
	if f.busy || f.Submit.Disabled() {
		return
	}
	a, err := f.read()
	if err == nil {
		err = a.Check(&f.order, f.req)
	}
	if err != nil {
		f.say(err.Error())
		return
	}
	f.say("")
	f.v.confirmAnswer(&f.order, f.req, a, f)
}

// setBusy shows that the answer is being queued.
func (f *AnswerForm) setBusy(on bool) {
	f.busy = on
	if on {
		f.Submit.Disable()
	} else {
		f.Submit.Enable()
	}
}

// confirmAnswer asks, in plain words, whether to go on; yes queues the answer.
func (v *View) confirmAnswer(o *domain.Order, r *domain.AfterSale, a domain.Answer, f *AnswerForm) {
	v.question = AnswerQuestion(o, r, a)
	label := widget.NewLabel(v.question)
	label.Wrapping = fyne.TextWrapWord
	content := container.New(widthLayout(480), label)
	dismiss := "No"
	if f != nil {
		dismiss = "Back"
	}
	v.dialog = widgets.Confirm(v.win, StepLabel(o.Platform, r, a.Step), "Yes, "+strings.ToLower(StepLabel(o.Platform, r, a.Step)), dismiss, content, func(ok bool) {
		if ok {
			v.sendAnswer(a, f)
		}
	})
}

// sendAnswer queues the answer; a refusal or an error is shown (in the form when there is one)
// and nothing changes; else the job dialog follows it to the platform's answer.
func (v *View) sendAnswer(a domain.Answer, f *AnswerForm) {
	id, no := v.order.ID, v.order.OrderNo
	if f != nil {
		f.setBusy(true)
	}
	v.run.Go(func() func() {
		job, refused, err := v.aftersales.SubmitAnswer(context.Background(), id, a)
		return func() {
			if f != nil {
				f.setBusy(false)
			}
			why := ""
			switch {
			case err != nil:
				why = fmt.Sprintf("%s: %v", a.Step.Title(), err)
			case len(refused) > 0:
				var reasons []string
				for _, r := range refused {
					reasons = append(reasons, r.Reason)
				}
				why = "Not sent: " + strings.Join(reasons, "; ")
			case job == 0:
				why = "Not sent: nothing was queued"
			}
			if why != "" {
				if f != nil && f.Open() {
					f.say(why)
				} else {
					v.showMessage(why)
				}
				return
			}
			if f != nil {
				f.close()
			}
			v.showMessage("")
			title := a.Step.Title()
			if v.order.ID == id {
				v.Reload()
			}
			v.job = widgets.ShowJob(v.win, v.run, v.actions, title+" "+no, job, nil)
			v.job.OnFinished = func(domain.JobProgress) {
				if v.order.ID == id {
					v.refreshedID = 0 // read the requests again: the answer changed them
					v.Reload()
				}
			}
		}
	})
}

// requestSummary says in one line what the request is, above a step's form.
func requestSummary(o *domain.Order, r *domain.AfterSale) string {
	return joinParts(fmt.Sprintf("The %s's %s", strings.ToLower(or(r.By, "buyer")), strings.ToLower(r.Kind.Title())),
		domain.ReasonText(r.Reason), labelled("asks ", moneyWords(r.Refund)), r.StatusWords(o.Platform))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func moneyWords(m domain.Money) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

// AnswerQuestion asks the seller to confirm an answer, saying what will happen in plain words.
func AnswerQuestion(o *domain.Order, r *domain.AfterSale, a domain.Answer) string {
	p, no := o.Platform.Title(), o.OrderNo
	order := p + " order " + no
	refund := "the refund"
	if r != nil && !r.Refund.IsZero() {
		refund = r.Refund.String()
	}
	because := ""
	if a.ReasonText != "" {
		because = " (reason: " + a.ReasonText + ")"
	}
	kind := "request"
	if r != nil {
		kind = strings.ToLower(r.Kind.Title()) + " request"
	}
	evidence := ""
	if n := len(a.Images); n > 0 {
		evidence = fmt.Sprintf(" and your %d image(s)", n)
	}
	st := ""
	if r != nil {
		st = strings.ToUpper(r.Status)
	}
	switch a.Step {
	case domain.StepCancel:
		return CancelQuestion(o, a)
	case domain.StepAcceptCancel:
		return fmt.Sprintf("Accept the buyer's cancellation of %s? The order is cancelled and %s refunds the buyer: do not ship it.", order, p)
	case domain.StepRejectCancel:
		return fmt.Sprintf("Reject the buyer's cancellation of %s%s? The order stays, and you ship it as usual.", order, because)
	case domain.StepRefund:
		switch {
		case o.Platform == domain.Lazada && st == domain.LzRevReceived:
			return fmt.Sprintf("Refund %s to the buyer of %s? You confirmed the goods came back.", refund, order)
		case o.Platform == domain.TikTok && st == domain.TtBuyerShipped:
			return fmt.Sprintf("Confirm you received the returned parcel of %s, and have %s refund %s to the buyer?", order, p, refund)
		case r != nil && r.Kind == domain.ReqRefund || o.Platform == domain.Lazada:
			return fmt.Sprintf("Refund %s to the buyer of %s now? The buyer keeps the goods: nothing comes back.", refund, order)
		}
		return fmt.Sprintf("Accept the buyer's request on %s? %s refunds %s to the buyer.", order, p, refund)
	case domain.StepAgreeReturn:
		return fmt.Sprintf("Agree to the return of %s? The buyer sends the goods back; you refund once they arrive.", order)
	case domain.StepConfirmReceipt:
		tracking := ""
		if r != nil && r.Tracking != "" {
			tracking = " (tracking " + r.Tracking + ")"
		}
		return fmt.Sprintf("Confirm the returned parcel of %s arrived%s? You then refund the buyer or reject the refund with evidence.", order, tracking)
	case domain.StepReject:
		return fmt.Sprintf("Reject the buyer's %s on %s%s? %s reviews your words%s, and may still decide for the buyer.", kind, order, because, p, evidence)
	case domain.StepOffer:
		verb := "Offer"
		if r != nil && ownOfferPending(r) {
			verb = "Change your offer to"
		}
		return fmt.Sprintf("%s %s (%s) on %s? The buyer can accept it, or answer with an offer of their own.", verb, a.Amount, domain.SolutionTitle(a.Solution), order)
	case domain.StepAcceptOffer:
		offer := ""
		if r != nil {
			for i := len(r.Offers) - 1; i >= 0; i-- {
				if r.Offers[i].By == "buyer" {
					offer = fmt.Sprintf(": %s (%s)", r.Offers[i].Amount, domain.SolutionTitle(r.Offers[i].Solution))
					break
				}
			}
		}
		return fmt.Sprintf("Accept the buyer's offer%s on %s? %s settles the request on it.", offer, order, p)
	case domain.StepDispute:
		return fmt.Sprintf("Ask %s to judge the %s on %s%s? %s reviews your words%s and decides.", p, kind, order, because, p, evidence)
	}
	return fmt.Sprintf("%s on %s?", a.Step.Title(), order)
}

// widthLayout gives its objects a fixed width and the height they need at it: a wrapped label
// in a dialog is otherwise as narrow as its longest word, or one line tall.
type widthLayout float32

func (w widthLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objects {
		o.Resize(fyne.NewSize(float32(w), o.Size().Height))
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(w), h)
}

func (w widthLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
	}
}
