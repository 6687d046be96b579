package detail

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// cancelParts are what a seller's cancel adds to the form: the items (Lazada; Shopee for Out of
// Stock), the platform's tip, and the warnings about packages and stock.
type cancelParts struct {
	options   domain.CancelOptions
	gen       int // which CancelOptions call the form waits for
	items     *fyne.Container
	tip       *widget.Label
	packWarn  *widget.Label
	stockWarn *widget.Label
	// Repack is the Repack first button, shown when a chosen item is packed and the order can be
	// repacked.
	Repack *widgets.Button
	notes  *fyne.Container
}

// shopeeOutOfStock is Shopee's Out of Stock reason: it asks for the items, and may zero their stock.
const shopeeOutOfStock = "OUT_OF_STOCK"

// askCancel opens the seller's cancel: the reasons and tip are the platform's own, read off the
// UI goroutine (again on Lazada whenever the chosen items change).
func (v *View) askCancel() {
	o := v.order
	f := v.newForm(o, nil, domain.StepCancel, "Cancel "+o.Platform.Title()+" order "+o.OrderNo)
	f.loadCancelOptions()
}

// Cancel is a seller's cancel's parts (nil for another form).
func (f *AnswerForm) Cancel() *cancelParts { return f.cancel }

// Tip is the platform's tip as shown ("" when none).
func (c *cancelParts) Tip() string { return shown(c.tip) }

// PackageWarning is the warning that a packed item takes its package with it ("" when none).
func (c *cancelParts) PackageWarning() string { return shown(c.packWarn) }

// StockWarning is the warning that the platform may set the stock to 0 ("" when none).
func (c *cancelParts) StockWarning() string { return shown(c.stockWarn) }

// ItemsShown reports whether the item check boxes are on show.
func (c *cancelParts) ItemsShown() bool { return c.items.Visible() }

func shown(l *widget.Label) string {
	if !l.Visible() {
		return ""
	}
	return l.Text
}

func (f *AnswerForm) cancelFields() []fyne.CanvasObject {
	o := &f.order
	note := func(imp widget.Importance) *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping, l.Importance = fyne.TextWrapWord, imp
		l.Hide()
		return l
	}
	c := &cancelParts{tip: note(widget.WarningImportance), packWarn: note(widget.WarningImportance), stockWarn: note(widget.WarningImportance)}
	f.cancel = c
	c.Repack = widgets.NewButton("Repack first", func() {
		f.close()
		f.v.Act(domain.ActRepack)
	})
	c.Repack.OnEscape = f.close
	c.Repack.Hide()
	c.notes = container.NewVBox(c.tip, container.NewBorder(nil, nil, nil, container.NewVBox(c.Repack), c.packWarn), c.stockWarn)

	f.Reason = widgets.NewEscSelect(f.close, func(string) { f.showCancelNotes() })
	f.Reason.PlaceHolder = "Reading the reasons…"
	reason := container.New(layout.NewFormLayout(), widget.NewLabel("Reason"), f.Reason)

	checks := container.NewVBox()
	var live []domain.Item
	for _, it := range o.Items {
		if !it.Cancelled {
			live = append(live, it)
		}
	}
	for _, it := range live {
		ch := widgets.NewEscCheck(cancelItemWords(it), f.close)
		// Lazada cancels the items chosen, all of them unless told otherwise; Shopee asks which
		// are out of stock.
		ch.SetChecked(o.Platform == domain.Lazada || len(live) == 1)
		ch.OnChanged = func(bool) { f.itemsChanged() }
		f.Items = append(f.Items, ch)
		f.ItemIDs = append(f.ItemIDs, it.PlatformItemID)
		checks.Add(ch)
	}
	head := "Items to cancel"
	if o.Platform == domain.Shopee {
		head = "Which items are out of stock?"
	}
	c.items = container.NewVBox(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), checks)
	switch o.Platform {
	case domain.Lazada:
		return []fyne.CanvasObject{c.items, reason}
	case domain.Shopee:
		c.items.Hide() // until Out of Stock is chosen
		return []fyne.CanvasObject{reason, c.items}
	}
	c.items.Hide()
	return []fyne.CanvasObject{reason}
}

// cancelItemWords names an item to cancel, with its package: the package is what Lazada cancels.
func cancelItemWords(it domain.Item) string {
	qty := it.Qty
	if qty == 0 {
		qty = 1
	}
	return fmt.Sprintf("%d × %s", qty, joinParts(it.Name, it.Variation, labelled("SKU ", it.SKU), domain.StatusLabel(it.Status),
		labelled("package ", it.PackageID)))
}

// chosenItems are the ids of the items checked and on show.
func (f *AnswerForm) chosenItems() []string {
	var ids []string
	for i, c := range f.Items {
		if c.Checked && f.cancel.items.Visible() {
			ids = append(ids, f.ItemIDs[i])
		}
	}
	return ids
}

func (f *AnswerForm) itemsChanged() {
	if f.order.Platform == domain.Lazada {
		f.loadCancelOptions()
	}
	f.showCancelNotes()
}

// loadCancelOptions asks the platform what it says about cancelling the chosen items (Lazada) or
// the order, off the UI goroutine; only the answer to the latest question is shown.
func (f *AnswerForm) loadCancelOptions() {
	v, o, c := f.v, f.order, f.cancel
	c.gen++
	gen := c.gen
	var ids []string
	if o.Platform == domain.Lazada {
		ids = f.chosenItems()
		if len(ids) == 0 {
			c.options = domain.CancelOptions{}
			f.setReasons(nil, "")
			f.Reason.PlaceHolder = "Choose the items first"
			f.Reason.Refresh()
			f.showCancelNotes()
			return
		}
	}
	keep := ""
	if r, ok := f.reason(); ok {
		keep = r.ID
	}
	f.Reason.PlaceHolder = "Reading the reasons…"
	f.Reason.Refresh()
	v.run.Go(func() func() {
		opts, err := v.aftersales.CancelOptions(context.Background(), o.ID, ids)
		return func() {
			if gen != c.gen || f.closed {
				return
			}
			if err != nil {
				c.options = domain.CancelOptions{}
				f.setReasons(nil, "")
				f.say(fmt.Sprintf("Could not ask %s about cancelling: %v", o.Platform.Title(), err))
				f.showCancelNotes()
				return
			}
			c.options = opts
			f.setReasons(opts.Reasons, keep)
			f.say("")
			f.showCancelNotes()
		}
	})
}

// showCancelNotes shows the platform's tip, the package and stock warnings for what is chosen;
// a refusal of the platform (its tip says why) leaves nothing to submit.
func (f *AnswerForm) showCancelNotes() {
	o, c := &f.order, f.cancel
	if o.Platform == domain.Shopee {
		r, _ := f.reason()
		if r.ID == shopeeOutOfStock {
			c.items.Show()
		} else {
			c.items.Hide()
		}
	}
	set := func(l *widget.Label, text string, imp widget.Importance) {
		l.Importance = imp
		l.SetText(text)
		if text == "" {
			l.Hide()
		} else {
			l.Show()
		}
	}
	tip, imp := "", widget.WarningImportance
	switch {
	case c.options.Refused:
		tip, imp = o.Platform.Title()+" will not cancel these items: "+or(c.options.Tip, "it gave no reason"), widget.DangerImportance
	case c.options.Tip != "":
		tip = o.Platform.Title() + " says: " + c.options.Tip
	}
	set(c.tip, tip, imp)
	if c.options.Refused {
		f.Submit.Disable()
	} else if !f.busy {
		f.Submit.Enable()
	}
	ids := f.chosenItems()
	set(c.packWarn, PackageWarning(o, ids), widget.WarningImportance)
	if c.packWarn.Visible() && domain.CanDo(o, domain.ActRepack) == nil {
		c.Repack.Show()
	} else {
		c.Repack.Hide()
	}
	a := domain.Answer{Step: domain.StepCancel, Items: ids}
	if r, ok := f.reason(); ok {
		a.Reason, a.ReasonText = r.ID, r.Text
	}
	set(c.stockWarn, StockWarning(o, a), widget.WarningImportance)
	c.notes.Refresh()
	c.items.Refresh()
	f.relayout()
}

// PackageWarning says which other items a Lazada cancel takes with it: a packed item is
// cancelled with its whole package ("" when no chosen item is packed).
func PackageWarning(o *domain.Order, ids []string) string {
	if o.Platform != domain.Lazada || !domain.Packed(o, ids) {
		return ""
	}
	mates := domain.PackageMates(o, ids)
	if len(mates) == 0 {
		return "The chosen items are packed: Lazada cancels their whole package."
	}
	var names []string
	for _, it := range mates {
		names = append(names, joinParts(it.Name, it.Variation, labelled("SKU ", it.SKU)))
	}
	return fmt.Sprintf("A chosen item is packed, and Lazada cancels its whole package: %s will be cancelled too.", strings.Join(names, "; "))
}

// StockWarning says the platform may set the cancelled items' stock to 0: Shopee and Lazada do so
// when the reason is that they are out of stock (Lazada also for a wrong price).
func StockWarning(o *domain.Order, a domain.Answer) string {
	reason := strings.ToLower(a.ReasonText)
	zeroes := false
	switch o.Platform {
	case domain.Shopee:
		zeroes = a.Reason == shopeeOutOfStock
	case domain.Lazada:
		zeroes = strings.Contains(reason, "out of stock") || strings.Contains(reason, "wrong price")
	}
	if !zeroes {
		return ""
	}
	var skus []string
	seen := map[string]bool{}
	for _, id := range a.Items {
		for _, it := range o.Items {
			if it.PlatformItemID == id && !seen[it.SKU] && it.SKU != "" {
				seen[it.SKU] = true
				skus = append(skus, it.SKU)
			}
		}
	}
	what := "these items"
	if len(skus) > 0 {
		what = strings.Join(skus, ", ")
	}
	return fmt.Sprintf("%s may set the stock of %s to 0: restock them on %s if you still sell them.", o.Platform.Title(), what, o.Platform.Title())
}

// CancelQuestion asks to confirm a seller's cancel, with its warnings.
func CancelQuestion(o *domain.Order, a domain.Answer) string {
	order := o.Platform.Title() + " order " + o.OrderNo
	what := "Cancel " + order
	if o.Platform == domain.Lazada && len(a.Items) > 0 {
		live := 0
		for _, it := range o.Items {
			if !it.Cancelled {
				live++
			}
		}
		if len(a.Items) < live {
			what = fmt.Sprintf("Cancel %d of the %d items of %s", len(a.Items), live, order)
		}
	}
	if a.ReasonText != "" {
		what += " (reason: " + a.ReasonText + ")"
	}
	q := what + "? The buyer is refunded, and a cancellation cannot be undone."
	if w := PackageWarning(o, a.Items); w != "" {
		q += " " + w
	}
	if w := StockWarning(o, a); w != "" {
		q += " " + w
	}
	return q
}
