package scan

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// pickMode is Stock Pick: scan an order, then each of its items, before packing.
type pickMode struct {
	check   *domain.PickCheck // nil: waiting for an order
	order   domain.Order
	done    bool // the check is recorded; the next order scan starts another
	table   *widget.Table
	summary *widget.Label
	body    fyne.CanvasObject
}

// The check's columns: titles and widths.
var (
	pickTitles = []string{"SKU", "Item", "Stock code", "Scanned", ""}
	pickWidths = []float32{220, 330, 160, 110, 180}
)

func (s *Screen) buildPick() {
	p := &s.pick
	p.summary = widget.NewLabel("Scan an order's number, tracking number or picking list QR code, then each of its items.")
	p.table = widget.NewTableWithHeaders(
		func() (int, int) {
			if p.check == nil {
				return 0, len(pickTitles)
			}
			return len(p.check.Lines), len(pickTitles)
		},
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if p.check == nil || id.Row < 0 || id.Row >= len(p.check.Lines) {
				return
			}
			l := p.check.Lines[id.Row]
			label := o.(*widget.Label)
			label.Importance = widget.MediumImportance
			var text string
			switch id.Col {
			case 0:
				text = l.SKU
			case 1:
				text = l.Name
				if l.Variation != "" {
					text += " · " + l.Variation
				}
			case 2:
				text = l.StockCode
			case 3:
				text = fmt.Sprintf("%d / %d", l.Scanned, l.Required)
			case 4:
				switch m := l.Missing(); {
				case m == 0:
					text, label.Importance = "OK", widget.SuccessImportance
				case m > 0:
					text, label.Importance = strconv.Itoa(m)+" to scan", widget.WarningImportance
				default:
					text, label.Importance = strconv.Itoa(-m)+" too many", widget.DangerImportance
				}
			}
			label.SetText(fitCell(text, pickWidths[id.Col]))
		})
	s.listTable(p.table, pickTitles, pickWidths)
	verify := widgets.NewButton("Complete Verification (F9)", s.CompleteVerification)
	verify.Icon, verify.Importance = theme.ConfirmIcon(), widget.HighImportance
	undo := widgets.NewButton("Take back last item (F10)", s.TakeBack)
	undo.Icon = theme.ContentUndoIcon()
	s.buttons = append(s.buttons, verify, undo)
	p.body = container.NewBorder(nil, container.NewBorder(nil, nil, nil, container.NewHBox(undo, verify), p.summary), nil, nil, p.table)
}

// Check is the stock pick check under way, or nil (tests).
func (s *Screen) Check() *domain.PickCheck { return s.pick.check }

// pickItem counts a scan as an item of the order being checked; false when the code is none of
// its items, so it is looked up as an order.
func (s *Screen) pickItem(code string) bool {
	p := &s.pick
	if p.check == nil || p.done || p.check.Line(code) < 0 {
		return false
	}
	i, res := p.check.Scan(code)
	l := p.check.Lines[i]
	fb := s.pickFeedback()
	sound := SoundDone
	switch {
	case res == domain.PickTooMany:
		fb.Verdict, fb.Colour, sound = domain.ScanWrongStage, Red, SoundWrongStage
		fb.Words = fmt.Sprintf("One too many %s: %d scanned, %d ordered. Put it back (F10 takes it back).", l.SKU, l.Scanned, l.Required)
	case p.check.State() == domain.PickComplete:
		s.recordPick("")
		return true
	default:
		fb.Words = fmt.Sprintf("%s: %d of %d. %s", l.SKU, l.Scanned, l.Required, s.pickLeft())
	}
	s.show(outcome{fb: fb, sound: sound})
	s.showPick()
	return true
}

// pickLeft says what is still to scan.
func (s *Screen) pickLeft() string {
	left := 0
	for _, l := range s.pick.check.Lines {
		left += max(l.Missing(), 0)
	}
	if left == 1 {
		return "1 item to go."
	}
	return fmt.Sprintf("%d items to go.", left)
}

func (s *Screen) pickFeedback() Feedback {
	o, c := s.pick.order, s.pick.check
	return Feedback{Verdict: domain.ScanShip, Code: o.OrderNo, OrderID: o.ID, Title: o.OrderNo, Platform: o.Platform,
		Store: fmt.Sprintf("%s  ·  %s  ·  %s", o.StoreName, c.Progress(), c.State()), Colour: Green}
}

// resolvePick looks up an order to check; it runs off the UI goroutine.
func (s *Screen) resolvePick(ctx context.Context, code string) (outcome, *domain.Order) {
	o, out, ok := s.find(ctx, code)
	if !ok {
		if out.fb.Verdict == Unknown && s.pick.check != nil && !s.pick.done {
			out.fb.Words = "Not an item of order " + s.pick.check.OrderNo + ", nor an order: check the barcode"
		}
		return out, nil
	}
	fb := Feedback{Code: code, OrderID: o.ID, Title: o.OrderNo, Store: o.StoreName, Platform: o.Platform}
	switch v, words := domain.JudgePick(&o); v {
	case domain.ScanMustNotShip:
		fb.Verdict, fb.Words, fb.Colour = v, "DO NOT SHIP — "+words, Red
		return outcome{fb: fb, sound: SoundMustNotShip}, nil
	case domain.ScanWrongStage:
		fb.Verdict, fb.Words, fb.Colour = v, "Not in this stage: "+words, Red
		return outcome{fb: fb, sound: SoundWrongStage}, nil
	}
	return outcome{fb: fb, sound: SoundDone}, &o
}

// startPick begins the check of an order, unless one with items counted is still open.
func (s *Screen) startPick(out outcome, o *domain.Order) {
	p := &s.pick
	if o == nil {
		s.show(out)
		return
	}
	if p.check != nil && !p.done && p.check.Counted() > 0 && p.check.OrderID != o.ID {
		fb := s.pickFeedback()
		fb.Verdict, fb.Colour = domain.ScanWrongStage, Red
		fb.Words = fmt.Sprintf("Finish order %s first: Complete Verification (F9), or Esc to drop it.", p.check.OrderNo)
		s.show(outcome{fb: fb, sound: SoundWrongStage})
		return
	}
	if p.check != nil && !p.done && p.check.OrderID == o.ID {
		fb := s.pickFeedback()
		fb.Verdict, fb.Colour, fb.Words = domain.ScanAlready, Amber, "This order is being checked: scan its items. "+s.pickLeft()
		s.show(outcome{fb: fb, sound: SoundAlready})
		return
	}
	c := domain.NewPickCheck(o, nil)
	p.check, p.order, p.done = &c, *o, false
	fb := s.pickFeedback()
	fb.Words = "Scan each item: its barcode, SKU or stock code. " + s.pickLeft()
	s.show(outcome{fb: fb, sound: SoundDone})
	s.showPick()
}

// recordPick keeps the check (reason: why it is complete anyway; "" when it is).
func (s *Screen) recordPick(reason string) {
	p := &s.pick
	v, err := p.check.Verify(s.now(), reason)
	if err != nil {
		s.notice("Not verified", err.Error())
		return
	}
	p.done = true
	s.showPick()
	s.run.Go(func() func() {
		_, err := s.src.AddVerification(s.ctx, v)
		return func() {
			fb := s.pickFeedback()
			switch {
			case err != nil:
				p.done = false
				s.show(failed(v.OrderNo, fb, "Verification not saved: "+err.Error()))
			case v.Overridden:
				fb.Verdict, fb.Colour = domain.ScanAlready, Amber
				fb.Words = "Verified by hand (" + v.State.String() + "): " + v.Reason + ". Scan the next order."
				s.show(outcome{fb: fb, sound: SoundAlready})
			default:
				fb.Words = "Verified: every item is here. Pack it, then scan the next order."
				s.show(outcome{fb: fb, sound: SoundDone})
			}
			s.showPick()
		}
	})
}

// CompleteVerification finishes the check (F9): a complete one is already recorded; otherwise it
// asks for a reason and records the override with it.
func (s *Screen) CompleteVerification() {
	p := &s.pick
	switch {
	case p.check == nil:
		s.notice("Nothing to verify", "scan an order first")
		return
	case p.done:
		s.notice("Already verified", "order "+p.check.OrderNo+" is recorded; scan the next order")
		return
	case p.check.State() == domain.PickComplete:
		s.recordPick("")
		return
	}
	reason := widget.NewEntry()
	reason.PlaceHolder = "Why is it complete anyway? (required)"
	msg := widget.NewLabel(fmt.Sprintf("Order %s is %s: %s. It will be recorded as verified by hand, with the time and your reason.",
		p.check.OrderNo, p.check.State(), p.check.Progress()))
	msg.Wrapping = fyne.TextWrapWord
	form := dialog.NewCustomConfirm("Complete Verification", "Complete anyway", "Keep scanning",
		container.NewVBox(msg, reason), func(ok bool) {
			if ok {
				s.recordPick(reason.Text)
			}
			s.Focus()
		}, s.win)
	form.Resize(fyne.NewSize(560, 240))
	form.Show()
	s.win.Canvas().Focus(reason)
	reason.OnSubmitted = func(string) {
		if reason.Text != "" {
			form.Hide()
			s.recordPick(reason.Text)
			s.Focus()
		}
	}
}

// TakeBack takes the last counted item back (F10).
func (s *Screen) TakeBack() {
	p := &s.pick
	if p.check == nil || p.done || p.check.Undo() < 0 {
		s.notice("Nothing to take back", "no item of the order being checked was counted")
		return
	}
	fb := s.pickFeedback()
	fb.Verdict, fb.Colour, fb.Words = domain.ScanAlready, Amber, "Took one back. "+s.pickLeft()
	s.show(outcome{fb: fb})
	s.showPick()
}

// dropPick ends an unfinished check without recording it (Esc), asking first when items were
// counted.
func (s *Screen) dropPick() bool {
	p := &s.pick
	if p.check == nil || p.done || p.check.Counted() == 0 {
		p.check, p.done = nil, false
		s.showPick()
		return false
	}
	widgets.Ask(s.win, "Drop this check",
		fmt.Sprintf("Stop checking order %s? The %s counted are forgotten and nothing is recorded.", p.check.OrderNo, p.check.Progress()),
		"Drop it", "Keep scanning", func(ok bool) {
			if ok {
				p.check, p.done = nil, false
				s.setFeedback(waiting)
				s.showPick()
			}
			s.Focus()
		})
	return true
}

func (s *Screen) showPick() {
	p := &s.pick
	switch {
	case p.check == nil:
		p.summary.SetText("Scan an order's number, tracking number or picking list QR code, then each of its items.")
	case p.done:
		p.summary.SetText(fmt.Sprintf("Order %s verified: %s. Scan the next order.", p.check.OrderNo, p.check.Progress()))
	default:
		p.summary.SetText(fmt.Sprintf("Order %s: %s, %s.", p.check.OrderNo, p.check.Progress(), p.check.State()))
	}
	p.table.Refresh()
}
