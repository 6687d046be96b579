package stores

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// CodeBook is where a store's SQL Account codes are chosen from and kept (the data file).
type CodeBook interface {
	// Codes is a synced list: customers, locations, projects, payment methods.
	Codes(ctx context.Context, kind domain.CodeKind) ([]domain.AccountCode, error)
	StockItems(ctx context.Context, search string, limit int) ([]domain.StockItem, error)
	StoreCodes(ctx context.Context, storeID int64) (domain.StoreCodes, error)
	// SetStoreCodes refuses a code that is not among the synced ones, with the reason.
	SetStoreCodes(ctx context.Context, c domain.StoreCodes) error
}

// UseCodes gives each store a Codes… button to choose its SQL Account codes.
func (s *Screen) UseCodes(b CodeBook) {
	s.codes = b
	s.list.Refresh()
}

const (
	// noCode is the choice of no code.
	noCode = "(none)"
	// itemsRead is how many stock items the item choices are read from; itemsOffered how many a
	// select lists (every non-stock item first: voucher, discount, shipping and fee lines are
	// non-stock items, and a menu of thousands is no use).
	itemsRead    = 20000
	itemsOffered = 400
)

// CodesDialog chooses the SQL Account codes a store's invoices use.
type CodesDialog struct {
	s     *Screen
	store domain.Store
	d     dialog.Dialog
	// codes maps each select's choices to the codes they stand for.
	codes map[*widgets.EscSelect]map[string]string

	Customer, Location, Project, Voucher, Discount, Shipping, Fee, Payment *widgets.EscSelect
	Message                                                                *widget.Label
	Save, Cancel                                                           *widgets.Button
	// Empty is true when nothing was synced from SQL Account yet: the dialog says so instead.
	Empty bool
}

// codeChoices are what the dialog reads before it opens.
type codeChoices struct {
	lists   map[domain.CodeKind][]domain.AccountCode
	items   []domain.StockItem
	current domain.StoreCodes
}

// ShowCodes reads the synced lists and the store's codes, then opens the dialog.
func (s *Screen) ShowCodes(st domain.Store) {
	if s.codes == nil {
		return
	}
	s.run.Go(func() func() {
		ctx := context.Background()
		ch := codeChoices{lists: map[domain.CodeKind][]domain.AccountCode{}}
		var err error
		for _, k := range []domain.CodeKind{domain.CodeCustomer, domain.CodeLocation, domain.CodeProject, domain.CodePayment} {
			if ch.lists[k], err = s.codes.Codes(ctx, k); err != nil {
				break
			}
		}
		if err == nil {
			ch.items, err = s.codes.StockItems(ctx, "", itemsRead)
		}
		if err == nil {
			ch.current, err = s.codes.StoreCodes(ctx, st.ID)
		}
		return func() {
			if err != nil {
				s.errText.SetText("Could not read the SQL Account codes: " + err.Error())
				s.errText.Show()
				return
			}
			s.codesDialog = newCodesDialog(s, st, ch)
		}
	})
}

// Codes is the last codes dialog opened (tests).
func (s *Screen) Codes() *CodesDialog { return s.codesDialog }

func codeText(c domain.AccountCode) string {
	if c.Description == "" {
		return c.Code
	}
	return c.Code + " — " + c.Description
}

func itemText(it domain.StockItem) string {
	text := it.Code
	if it.Description != "" {
		text += " — " + it.Description
	}
	if !it.StockControl {
		text += " (non-stock)"
	}
	return text
}

// offeredItems are the stock items a select offers: the non-stock ones first, then stock items
// up to the limit.
func offeredItems(items []domain.StockItem) []domain.StockItem {
	out := make([]domain.StockItem, 0, min(len(items), itemsOffered))
	for _, it := range items {
		if !it.StockControl {
			out = append(out, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	for _, it := range items {
		if it.StockControl && len(out) < itemsOffered {
			out = append(out, it)
		}
	}
	return out
}

func newCodesDialog(s *Screen, st domain.Store, ch codeChoices) *CodesDialog {
	c := &CodesDialog{s: s, store: st, codes: map[*widgets.EscSelect]map[string]string{}}
	c.Cancel = widgets.NewButton("Cancel", func() { c.d.Hide() })
	c.Cancel.Icon = theme.CancelIcon()
	c.Cancel.OnEscape = c.Cancel.OnTapped
	title := "SQL Account codes of " + st.Name
	synced := len(ch.items) > 0
	for _, l := range ch.lists {
		synced = synced || len(l) > 0
	}
	if !synced {
		c.Empty = true
		// Lines of their own: a wrapped label makes a short dialog as tall as the window.
		msg := widget.NewLabel("Nothing has been synced from SQL Account yet.\n" +
			"Set up the connection and press Sync from SQL Account in Settings › SQL Account first;\n" +
			"then choose this store's customer, location, project and item codes here.")
		c.Cancel.SetText("Close")
		d := dialog.NewCustomWithoutButtons(title, msg, s.win)
		d.SetButtons([]fyne.CanvasObject{c.Cancel})
		c.d = d
		d.Show()
		s.win.Canvas().Focus(c.Cancel)
		return c
	}

	fromCodes := func(kind domain.CodeKind, current string) *widgets.EscSelect {
		var opts []string
		byText := map[string]string{}
		for _, x := range ch.lists[kind] {
			opts = append(opts, codeText(x))
			byText[codeText(x)] = x.Code
		}
		return c.newSelect(opts, byText, current)
	}
	offered := offeredItems(ch.items)
	fromItems := func(current string) *widgets.EscSelect {
		var opts []string
		byText := map[string]string{}
		for _, it := range offered {
			opts = append(opts, itemText(it))
			byText[itemText(it)] = it.Code
		}
		return c.newSelect(opts, byText, current)
	}
	cur := ch.current
	c.Customer = fromCodes(domain.CodeCustomer, cur.Customer)
	c.Location = fromCodes(domain.CodeLocation, cur.Location)
	c.Project = fromCodes(domain.CodeProject, cur.Project)
	c.Voucher = fromItems(cur.Voucher)
	c.Discount = fromItems(cur.Discount)
	c.Shipping = fromItems(cur.Shipping)
	c.Fee = fromItems(cur.Fee)
	c.Payment = fromCodes(domain.CodePayment, cur.Payment)

	form := widget.NewForm(
		widget.NewFormItem("Customer", c.Customer),
		widget.NewFormItem("Location", c.Location),
		widget.NewFormItem("Project", c.Project),
		widget.NewFormItem("Voucher item", c.Voucher),
		widget.NewFormItem("Discount item", c.Discount),
		widget.NewFormItem("Shipping fee item", c.Shipping),
		widget.NewFormItem("Transaction fee item", c.Fee),
		widget.NewFormItem("Payment method", c.Payment),
	)
	form.Items[0].HintText = "Every invoice of this store is made out to this customer"
	form.Items[3].HintText = "Seller vouchers and discounts are posted as negative lines of these items"
	form.Items[5].HintText = "Non-stock items are listed first"
	c.Message = widget.NewLabel("")
	c.Message.Wrapping = fyne.TextWrapWord
	c.Message.Importance = widget.DangerImportance
	c.Message.Hide()
	c.Save = widgets.NewButton("Save", c.save)
	c.Save.Icon, c.Save.Importance = theme.DocumentSaveIcon(), widget.HighImportance
	c.Save.OnEscape = c.Cancel.OnTapped
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(form, c.Message), s.win)
	d.SetButtons([]fyne.CanvasObject{c.Cancel, c.Save})
	c.d = d
	d.Resize(fyne.NewSize(640, 520)) // before Show, which centres it
	d.Show()
	s.win.Canvas().Focus(c.Customer)
	return c
}

// newSelect offers "(none)" and opts, with the current code chosen. A current code that is no
// longer among the synced ones is still offered, marked, so the dialog shows what is kept.
func (c *CodesDialog) newSelect(opts []string, byText map[string]string, current string) *widgets.EscSelect {
	opts = append([]string{noCode}, opts...)
	byText[noCode] = ""
	chosen := noCode
	for text, code := range byText {
		if code != "" && strings.EqualFold(code, current) {
			chosen = text
		}
	}
	if current != "" && chosen == noCode {
		chosen = current + " (not in SQL Account's lists)"
		opts = append(opts, chosen)
		byText[chosen] = current
	}
	sel := widgets.NewEscSelect(func() { c.Cancel.OnTapped() }, nil)
	sel.Options = opts
	sel.SetSelected(chosen)
	c.codes[sel] = byText
	return sel
}

// Chosen is the code a select stands for now ("" for none).
func (c *CodesDialog) Chosen(sel *widgets.EscSelect) string { return c.codes[sel][sel.Selected] }

// Choose picks the choice of a select whose code is code (tests, and a keyboard user's search).
func (c *CodesDialog) Choose(sel *widgets.EscSelect, code string) bool {
	for text, x := range c.codes[sel] {
		if strings.EqualFold(x, code) {
			sel.SetSelected(text)
			return true
		}
	}
	return false
}

// save keeps the codes; the data file's refusal is shown in the dialog and nothing changes.
func (c *CodesDialog) save() {
	codes := domain.StoreCodes{
		StoreID: c.store.ID, Customer: c.Chosen(c.Customer), Location: c.Chosen(c.Location), Project: c.Chosen(c.Project),
		Voucher: c.Chosen(c.Voucher), Discount: c.Chosen(c.Discount), Shipping: c.Chosen(c.Shipping), Fee: c.Chosen(c.Fee),
		Payment: c.Chosen(c.Payment),
	}
	c.Save.Disable()
	c.s.run.Go(func() func() {
		err := c.s.codes.SetStoreCodes(context.Background(), codes)
		return func() {
			c.Save.Enable()
			if err != nil {
				c.Message.SetText(fmt.Sprintf("Not saved: %v", err))
				c.Message.Show()
				return
			}
			c.d.Hide()
		}
	})
}

// Dialog is the dialog itself.
func (c *CodesDialog) Dialog() dialog.Dialog { return c.d }
