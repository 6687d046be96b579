package mapping

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

// AutoDialog lists the mappings auto-mapping proposes, each with a check (all checked at first),
// and maps the checked ones when confirmed.
type AutoDialog struct {
	s       *Screen
	d       *dialog.CustomDialog
	matches []domain.AutoMatch
	checked []bool

	List                 *widget.List
	Count                *widget.Label
	All, None, Apply, No *widgets.Button
}

// ShowAuto looks for automatic matches and lists them for confirmation.
func (s *Screen) ShowAuto() {
	s.AutoBtn.Disable()
	s.run.Go(func() func() {
		matches, err := s.data.AutoMatches(context.Background())
		return func() {
			s.AutoBtn.Enable()
			if err != nil {
				s.say(widget.DangerImportance, "Could not look for matches: "+err.Error())
				return
			}
			s.auto = newAutoDialog(s, matches)
		}
	})
}

// Auto is the last auto-map dialog opened (tests).
func (s *Screen) Auto() *AutoDialog { return s.auto }

// AutoText is one proposed mapping as the dialog lists it.
func AutoText(m domain.AutoMatch) string {
	// "to", not an arrow: the window's font has no arrow.
	text := fmt.Sprintf("%s  to  %s", m.SKU, LineText(domain.MapLine{StockCode: m.StockCode, UOM: m.UOM, Qty: 1}))
	var why []string
	if m.Name != "" {
		why = append(why, m.Name)
	}
	if m.Why != "" {
		why = append(why, m.Why)
	}
	if len(why) > 0 {
		text += "   (" + strings.Join(why, " · ") + ")"
	}
	return text
}

func newAutoDialog(s *Screen, matches []domain.AutoMatch) *AutoDialog {
	a := &AutoDialog{s: s, matches: matches, checked: make([]bool, len(matches))}
	for i := range a.checked {
		a.checked[i] = true
	}
	a.List = widget.NewList(func() int { return len(a.matches) }, func() fyne.CanvasObject {
		return widget.NewCheck("", nil)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		c := o.(*widget.Check)
		c.OnChanged = nil
		c.Text = AutoText(a.matches[i])
		c.SetChecked(a.checked[i])
		c.OnChanged = func(on bool) { a.checked[i] = on; a.showCount() }
	})
	a.List.OnSelected = func(i widget.ListItemID) { // Space on a row, as a click on it
		a.List.Unselect(i)
		a.Toggle(i)
	}
	a.Count = widget.NewLabel("")
	a.All = widgets.NewButton("Select all", func() { a.SetAll(true) })
	a.None = widgets.NewButton("Select none", func() { a.SetAll(false) })
	a.No = widgets.NewButton("Cancel", func() { a.d.Hide() })
	a.No.Icon = theme.CancelIcon()
	a.Apply = widgets.NewButton("Map the checked SKUs", a.apply)
	a.Apply.Icon, a.Apply.Importance = theme.ConfirmIcon(), widget.HighImportance
	for _, b := range []*widgets.Button{a.All, a.None, a.No, a.Apply} {
		b.OnEscape = a.No.OnTapped
	}
	intro := widget.NewLabel("Each unmapped SKU below equals the code of a stock item, or the barcode of one of its units. " +
		"Uncheck any that are wrong; the checked ones are mapped, one unit each.")
	intro.Wrapping = fyne.TextWrapWord
	if len(matches) == 0 {
		// Lines of their own: a wrapped label makes a short dialog as tall as the window.
		intro.Wrapping = fyne.TextWrapOff
		intro.SetText("No unmapped SKU equals a stock item's code or barcode.\nMap the others one by one with Map…,\n" +
			"or sync from SQL Account first if its stock items are new.")
		a.No.SetText("Close")
		a.d = dialog.NewCustomWithoutButtons("Auto Map", intro, s.win)
		a.d.SetButtons([]fyne.CanvasObject{a.No})
		a.d.Show()
		s.win.Canvas().Focus(a.No)
		return a
	}
	content := container.NewBorder(container.NewVBox(intro, container.NewHBox(a.Count, layout.NewSpacer(), a.All, a.None)),
		nil, nil, nil, a.List)
	a.d = dialog.NewCustomWithoutButtons("Auto Map", content, s.win)
	a.d.SetButtons([]fyne.CanvasObject{a.No, a.Apply})
	a.d.SetOnClosed(func() { s.win.Canvas().Focus(s.Table) })
	a.showCount()
	a.d.Resize(fyne.NewSize(820, 560)) // before Show, which centres it
	a.d.Show()
	s.win.Canvas().Focus(a.Apply)
	return a
}

// Matches are the proposals listed.
func (a *AutoDialog) Matches() []domain.AutoMatch { return a.matches }

// Checked says whether proposal i is checked.
func (a *AutoDialog) Checked(i int) bool { return a.checked[i] }

// Toggle checks or unchecks proposal i.
func (a *AutoDialog) Toggle(i int) {
	if i >= 0 && i < len(a.checked) {
		a.checked[i] = !a.checked[i]
		a.List.RefreshItem(i)
		a.showCount()
	}
}

// SetAll checks or unchecks every proposal.
func (a *AutoDialog) SetAll(on bool) {
	for i := range a.checked {
		a.checked[i] = on
	}
	a.List.Refresh()
	a.showCount()
}

func (a *AutoDialog) count() int {
	n := 0
	for _, c := range a.checked {
		if c {
			n++
		}
	}
	return n
}

func (a *AutoDialog) showCount() {
	n := a.count()
	a.Count.SetText(fmt.Sprintf("%d of %d checked", n, len(a.matches)))
	switch n {
	case 0:
		a.Apply.SetText("Map the checked SKUs")
		a.Apply.Disable()
	case 1:
		a.Apply.SetText("Map 1 SKU")
		a.Apply.Enable()
	default:
		a.Apply.SetText(fmt.Sprintf("Map %d SKUs", n))
		a.Apply.Enable()
	}
}

// apply maps the checked proposals, marked as made by auto-mapping, and says how it went.
func (a *AutoDialog) apply() {
	var todo []domain.Mapping
	for i, m := range a.matches {
		if a.checked[i] {
			todo = append(todo, m.Mapping())
		}
	}
	if len(todo) == 0 {
		return
	}
	a.Apply.Disable()
	s := a.s
	s.run.Go(func() func() {
		ctx := context.Background()
		var failed []string
		for _, m := range todo {
			if err := s.data.SetMapping(ctx, m); err != nil {
				failed = append(failed, m.SKU+": "+err.Error())
			}
		}
		return func() {
			a.d.Hide()
			s.Reload()
			if len(failed) > 0 {
				s.say(widget.DangerImportance, fmt.Sprintf("%d of %d not mapped — %s", len(failed), len(todo), strings.Join(failed, "; ")))
				return
			}
			if len(todo) == 1 {
				s.say(widget.SuccessImportance, "Mapped 1 SKU by auto-mapping.")
			} else {
				s.say(widget.SuccessImportance, fmt.Sprintf("Mapped %d SKUs by auto-mapping.", len(todo)))
			}
		}
	})
}
