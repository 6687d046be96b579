package detail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/mapping"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Source is what the detail view reads.
type Source interface {
	Stores(ctx context.Context) ([]domain.Store, error)
	Order(ctx context.Context, id int64) (domain.Order, error)
	Adjacent(ctx context.Context, q domain.OrderQuery, id int64, next bool) (domain.OrderRow, bool, error)
	FindOrders(ctx context.Context, text string, limit int) ([]domain.OrderRow, error)
}

// View shows one order.
type View struct {
	src     Source
	actions Actions
	win     fyne.Window
	run     *widgets.Runner
	mapper  mapping.Mapper // nil: items have no mapping button
	mapDlg  *mapping.MapDialog
	// aftersales answers the order's requests (nil: requests are not shown, Cancel Order is not
	// offered).
	aftersales  AfterSales
	requests    *fyne.Container
	requestNote *widget.Label
	refreshedID int64 // the order whose requests were last read from its platform
	readID      int64 // the order whose requests were last read successfully
	stepButtons []*widgets.Button
	form        *AnswerForm
	question    string
	pickImage   func(fyne.Window, func(fyne.URIReadCloser, error))

	// OnBack returns to the list.
	OnBack func()

	q          domain.OrderQuery // the list the order was opened from, for previous and next
	order      domain.Order
	prev, next *domain.OrderRow
	gen        int
	matches    *widget.PopUpMenu

	actionBox   *fyne.Container
	actionState *widget.Label
	job         *widgets.JobDialog
	dialog      dialog.Dialog
	shipping    *shippingForm

	title     *widget.Label
	tabBadge  *widgets.Badge
	flagBadge *widgets.Badge
	subtitle  *widget.Label
	prevBtn   *widget.Button
	nextBtn   *widget.Button
	find      *widget.Entry
	message   *widget.Label
	sections  *fyne.Container
	items     *fyne.Container
	root      *fyne.Container
}

// New builds an empty detail view.
func New(src Source, actions Actions, win fyne.Window, run *widgets.Runner) *View {
	v := &View{src: src, actions: actions, win: win, run: run, pickImage: pickImage}
	v.actionBox = container.NewHBox()
	v.actionState = widget.NewLabel("")
	v.actionState.Wrapping = fyne.TextWrapWord
	v.actionState.Hide()
	back := widget.NewButtonWithIcon("Back to list", theme.NavigateBackIcon(), v.Back)
	v.prevBtn = widget.NewButtonWithIcon("Previous", theme.MoveUpIcon(), v.Previous)
	v.nextBtn = widget.NewButtonWithIcon("Next", theme.MoveDownIcon(), v.Next)
	v.find = widget.NewEntry()
	v.find.SetPlaceHolder("Find another order: number, last digits, tracking no.")
	v.find.OnSubmitted = v.Find
	findBtn := widget.NewButtonWithIcon("", theme.SearchIcon(), func() { v.Find(v.find.Text) })

	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.title.Selectable = true
	v.tabBadge = widgets.NewBadge("", widgets.BadgeGrey)
	v.flagBadge = widgets.NewBadge("", widgets.BadgeRed)
	v.subtitle = widget.NewLabel("")
	v.message = widget.NewLabel("")
	v.message.Importance = widget.DangerImportance
	v.message.Hide()

	nav := container.NewBorder(nil, nil, container.NewHBox(back, v.prevBtn, v.nextBtn), findBtn, v.find)
	head := container.NewHBox(v.title, container.NewCenter(v.tabBadge), container.NewCenter(v.flagBadge))
	v.sections = container.NewVBox()
	v.items = container.NewVBox()
	v.requests = container.NewVBox()
	v.requestNote = widget.NewLabel("")
	v.requestNote.Wrapping = fyne.TextWrapWord
	v.requestNote.SizeName = theme.SizeNameCaptionText
	v.requestNote.Hide()
	// Items on the left, where the eye goes first: they are what is picked, packed and checked.
	// The requests head the right: they are what awaits the seller.
	body := container.NewHSplit(container.NewVScroll(v.items), container.NewVScroll(container.NewVBox(v.requestNote, v.requests, v.sections)))
	body.Offset = 0.58
	v.root = container.NewBorder(container.NewVBox(nav, widget.NewSeparator(), container.NewBorder(nil, nil, head, v.actionBox),
		v.subtitle, v.actionState, v.message), nil, nil, nil, body)
	return v
}

// Content is the view's widget tree.
func (v *View) Content() fyne.CanvasObject { return v.root }

// UseMapping gives every item a button that maps its SKU to a SQL Account stock item.
func (v *View) UseMapping(m mapping.Mapper) { v.mapper = m }

// Visible reports whether the view is on screen.
func (v *View) Visible() bool { return v.root.Visible() }

// Order is the order on screen.
func (v *View) Order() domain.Order { return v.order }

// Open loads and shows an order; q is the list it came from.
func (v *View) Open(id int64, q domain.OrderQuery) {
	v.q = q
	v.refreshedID, v.readID = 0, 0
	v.load(id)
}

// Reload shows the current order again, as it is now.
func (v *View) Reload() {
	if v.order.ID != 0 {
		v.load(v.order.ID)
	}
}

func (v *View) load(id int64) {
	v.gen++
	gen, q := v.gen, v.q
	v.run.Go(func() func() {
		ctx := context.Background()
		o, err := v.src.Order(ctx, id)
		var shopID string
		var prev, next *domain.OrderRow
		if err == nil {
			stores, _ := v.src.Stores(ctx)
			for _, s := range stores {
				if s.ID == o.StoreID {
					shopID = s.ShopID
				}
			}
			if r, ok, e := v.src.Adjacent(ctx, q, id, false); e == nil && ok {
				prev = &r
			}
			if r, ok, e := v.src.Adjacent(ctx, q, id, true); e == nil && ok {
				next = &r
			}
		}
		return func() {
			if gen != v.gen {
				return
			}
			if err != nil {
				v.showMessage(fmt.Sprintf("Could not open the order: %v", err))
				return
			}
			if o.ID != v.order.ID {
				v.requestNote.Hide()
			}
			v.order, v.prev, v.next = o, prev, next
			v.render(shopID)
			if v.aftersales != nil && v.refreshedID != o.ID && wantsRequests(&v.order) {
				v.refreshRequests()
			}
		}
	})
}

func (v *View) showMessage(text string) {
	if text == "" {
		v.message.Hide()
		return
	}
	v.message.SetText(text)
	v.message.Show()
}

func (v *View) render(shopID string) {
	o := &v.order
	v.showMessage("")
	v.title.SetText(fmt.Sprintf("%s %s", o.Platform.Title(), o.OrderNo))
	v.tabBadge.Set(o.Tab.Title(), widgets.PlatformColour(o.Platform))
	switch {
	case o.CancelRequested:
		v.flagBadge.Set("Buyer asked to cancel", widgets.BadgeRed)
	case o.ReturnRequested:
		v.flagBadge.Set("Return requested", widgets.BadgeAmber)
	case o.Posted():
		v.flagBadge.Set("Posted to SQL Account", widgets.BadgeGreen)
	default:
		v.flagBadge.Set("", widgets.BadgeGrey)
	}
	v.subtitle.SetText(joinParts(o.StoreName, domain.StatusLabel(o.Status),
		"created "+o.CreatedAt.Local().Format(domain.TimeLayout), o.Total.String()))
	v.showActions()
	v.prevBtn.Disable()
	v.nextBtn.Disable()
	if v.prev != nil {
		v.prevBtn.Enable()
	}
	if v.next != nil {
		v.nextBtn.Enable()
	}

	v.sections.RemoveAll()
	for _, sec := range domain.DetailSections(o, shopID, time.Local) {
		v.sections.Add(sectionPanel(sec))
	}
	v.showRequests()
	v.items.RemoveAll()
	for _, g := range o.PackageGroups() {
		v.items.Add(packagePanel(g, v.mapButton))
	}
	v.root.Refresh()
}

// panel is a titled, shaded block: lighter than a card, so more fits on a screen.
func panel(title, subtitle string, content fyne.CanvasObject) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	parts := []fyne.CanvasObject{head}
	if subtitle != "" {
		sub := widget.NewLabel(subtitle)
		sub.Wrapping = fyne.TextWrapWord
		sub.Selectable = true
		parts = append(parts, sub)
	}
	parts = append(parts, content)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	return container.NewPadded(container.NewStack(bg, container.NewPadded(container.NewVBox(parts...))))
}

func sectionPanel(sec domain.Section) fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	for _, f := range sec.Fields {
		val := widget.NewLabel(f.Value)
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		form.Add(widget.NewLabel(f.Label))
		form.Add(val)
	}
	return panel(sec.Title, "", form)
}

// ItemLine is items that look the same to the seller gathered into one line: Lazada and TikTok
// send one line per unit, and three identical lines read better as "3 ×".
type ItemLine struct {
	domain.Item
	Units int
}

// Lines gathers a package's items into display lines.
func Lines(items []domain.Item) []ItemLine {
	var out []ItemLine
	for _, it := range items {
		merged := false
		for i := range out {
			x := &out[i].Item
			if x.SKU == it.SKU && x.Name == it.Name && x.Variation == it.Variation && x.Status == it.Status &&
				x.Cancelled == it.Cancelled && x.CancelReason == it.CancelReason && x.PaidPrice == it.PaidPrice {
				out[i].Units += it.Qty
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, ItemLine{Item: it, Units: it.Qty})
		}
	}
	return out
}

// CancelBadge is the text of an item's red badge; empty for a live item.
func CancelBadge(it domain.Item) string {
	if !it.Cancelled {
		return ""
	}
	text := "Cancelled"
	if it.CancelReason != "" {
		text += ": " + it.CancelReason
	}
	if it.CancelledBy != "" {
		text += " (by " + it.CancelledBy + ")"
	}
	return text
}

// PackageTitle heads a package's group of items.
func PackageTitle(p domain.Package) (title, subtitle string) {
	if p.ID == "" {
		return "Not packed yet", ""
	}
	return "Package " + p.ID, joinParts(p.Provider, labelled("Tracking ", p.TrackingNo), domain.StatusLabel(p.Status))
}

// joinParts joins the parts that say something with " · ".
func joinParts(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// labelled puts a label before a value, or says nothing when there is no value.
func labelled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + value
}

// mapButton is an item's mapping button: the map dialog for its SKU, then the order again with
// what it is mapped to now. nil when there is nothing to map with, or no SKU to map.
func (v *View) mapButton(l ItemLine) fyne.CanvasObject {
	if v.mapper == nil || l.SKU == "" {
		return nil
	}
	sku, name := l.SKU, joinParts(l.Name, l.Variation)
	return mapping.NewItemButton(l.StockCode, func() {
		v.mapDlg = mapping.ShowMapDialog(v.win, v.run, v.mapper, sku, name, v.Reload)
	})
}

// MapDialog is the last map dialog an item's button opened (tests).
func (v *View) MapDialog() *mapping.MapDialog { return v.mapDlg }

func packagePanel(g domain.PackageGroup, mapButton func(ItemLine) fyne.CanvasObject) fyne.CanvasObject {
	title, sub := PackageTitle(g.Package)
	rows := container.NewVBox()
	for _, l := range Lines(g.Items) {
		name := widget.NewLabelWithStyle(l.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		name.Wrapping = fyne.TextWrapWord
		detail := widget.NewLabel(joinParts(l.Variation, labelled("SKU ", l.SKU), domain.StatusLabel(l.Status)))
		detail.Selectable = true
		price := widget.NewLabel(fmt.Sprintf("%d × %s = %s", l.Units, l.PaidPrice, l.PaidPrice.Times(l.Units)))
		left := container.NewVBox(name, detail)
		var right []fyne.CanvasObject
		if b := CancelBadge(l.Item); b != "" {
			right = append(right, container.NewCenter(widgets.NewBadge(b, widgets.BadgeRed)))
		}
		right = append(right, price)
		if b := mapButton(l); b != nil {
			right = append(right, container.NewCenter(b))
		}
		if len(rows.Objects) > 0 {
			rows.Add(widget.NewSeparator())
		}
		rows.Add(container.NewBorder(nil, nil, nil, container.NewHBox(right...), left))
	}
	return panel(title, sub, rows)
}

// Back returns to the list.
func (v *View) Back() {
	if v.OnBack != nil {
		v.OnBack()
	}
}

// Previous opens the order before this one in the list.
func (v *View) Previous() {
	if v.prev != nil {
		v.load(v.prev.ID)
	}
}

// Next opens the order after this one in the list.
func (v *View) Next() {
	if v.next != nil {
		v.load(v.next.ID)
	}
}

// Find opens the order the text names; several matches offer a choice.
func (v *View) Find(text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	v.run.Go(func() func() {
		rows, err := v.src.FindOrders(context.Background(), text, 20)
		return func() {
			switch {
			case err != nil:
				v.showMessage(fmt.Sprintf("Searching for %q: %v", text, err))
			case len(rows) == 0:
				v.showMessage(fmt.Sprintf("No order matches %q.", text))
			case len(rows) == 1 || strings.EqualFold(rows[0].OrderNo, text):
				v.find.SetText("")
				v.load(rows[0].ID)
			default:
				v.choose(text, rows)
			}
		}
	})
}

// choose lets the seller pick among several matches.
func (v *View) choose(text string, rows []domain.OrderRow) {
	var items []*fyne.MenuItem
	for _, r := range rows {
		label := fmt.Sprintf("%s · %s · %s · %s", r.OrderNo, r.StoreName, r.Tab.Title(), r.CreatedAt.Local().Format(widgets.TimeLayout))
		items = append(items, fyne.NewMenuItem(label, func() { v.find.SetText(""); v.load(r.ID) }))
	}
	pop := widget.NewPopUpMenu(fyne.NewMenu(fmt.Sprintf("%d orders match %q", len(rows), text), items...), v.win.Canvas())
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.find)
	pop.ShowAtPosition(pos.Add(fyne.NewPos(0, v.find.Size().Height)))
	v.matches = pop
}

// Matches is the list of orders offered after a search that found several (nil before one).
func (v *View) Matches() *widget.PopUpMenu { return v.matches }

// Shortcuts are the view's keyboard shortcuts, for the shell's menu.
func (v *View) Shortcuts() []*fyne.MenuItem {
	item := func(label string, key fyne.KeyName, fn func()) *fyne.MenuItem {
		m := fyne.NewMenuItem(label, func() {
			if v.Visible() {
				fn()
			}
		})
		m.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierAlt}
		return m
	}
	return []*fyne.MenuItem{
		item("Back to List", fyne.KeyLeft, v.Back),
		item("Previous Order", fyne.KeyUp, v.Previous),
		item("Next Order", fyne.KeyDown, v.Next),
	}
}

// TypedKey handles the keys that work when nothing has focus: Escape goes back, Page Up and
// Page Down move through the list.
func (v *View) TypedKey(ev *fyne.KeyEvent) bool {
	if !v.Visible() {
		return false
	}
	switch ev.Name {
	case fyne.KeyEscape:
		if v.form != nil && v.form.Open() { // nothing in the form has the focus: Escape closes it
			v.form.close()
			return true
		}
		v.Back()
	case fyne.KeyPageUp:
		v.Previous()
	case fyne.KeyPageDown:
		v.Next()
	default:
		return false
	}
	return true
}

// CanPrevious and CanNext say whether there is an order before or after this one in the list.
func (v *View) CanPrevious() bool { return !v.prevBtn.Disabled() }

// CanNext: see CanPrevious.
func (v *View) CanNext() bool { return !v.nextBtn.Disabled() }

// Message is the problem the view is showing, if any.
func (v *View) Message() string {
	if !v.message.Visible() {
		return ""
	}
	return v.message.Text
}

// FindEntry is where the seller types to find another order.
func (v *View) FindEntry() *widget.Entry { return v.find }
