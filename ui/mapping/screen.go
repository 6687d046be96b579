package mapping

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Data is what the Mapping screen reads and writes (the data file).
type Data interface {
	Mapper
	// SKUs lists the platform SKUs seen on orders: filter is "all", "mapped" or "unmapped";
	// search matches the SKU or the product name.
	SKUs(ctx context.Context, filter, search string, limit int) ([]domain.SKUInfo, error)
	// AutoMatches proposes mappings for unmapped SKUs whose SKU is a stock code or a barcode.
	AutoMatches(ctx context.Context) ([]domain.AutoMatch, error)
}

// Filters are the screen's filter choices, as the seller reads them and as Data.SKUs takes them.
var Filters = []struct{ Label, Value string }{{"All", "all"}, {"Mapped", "mapped"}, {"Unmapped", "unmapped"}}

// skusShown is the most SKUs the table lists at once: a search finds the others.
const skusShown = 2000

// Screen is the Mapping screen: every platform SKU seen on orders and the stock items it is.
type Screen struct {
	data Data
	win  fyne.Window
	run  *widgets.Runner

	rows     []domain.SKUInfo
	gen      int
	debounce *widgets.Debouncer
	dialog   *MapDialog
	auto     *AutoDialog
	confirm  dialog.Dialog

	// Search narrows the list by SKU or product name; Filter shows all, mapped or unmapped SKUs.
	Search  *widgets.KeyEntry
	Filter  *widget.RadioGroup
	Table   *SKUTable
	Summary *widget.Label
	// Message says what went wrong, or what auto-mapping did.
	Message *widget.Label

	MapBtn, UnmapBtn, AutoBtn *widgets.Button
	root                      fyne.CanvasObject
}

// New builds the screen; Reload fills it.
func New(data Data, win fyne.Window, run *widgets.Runner) *Screen {
	s := &Screen{data: data, win: win, run: run, debounce: run.Debouncer(searchPause)}
	s.Search = widgets.NewKeyEntry()
	s.Search.SetPlaceHolder("Find a SKU or product name (Ctrl+F)")
	s.Search.OnChanged = func(string) { s.debounce.Call(s.Reload) }
	s.Search.OnSubmitted = func(string) { s.Reload() }
	s.Search.OnKey = func(ev *fyne.KeyEvent) bool {
		if ev.Name != fyne.KeyDown || len(s.rows) == 0 {
			return false
		}
		s.win.Canvas().Focus(s.Table)
		s.Table.setCurrent(max(0, s.Table.current))
		return true
	}
	var labels []string
	for _, f := range Filters {
		labels = append(labels, f.Label)
	}
	s.Filter = widget.NewRadioGroup(labels, func(string) { s.Reload() })
	s.Filter.Horizontal, s.Filter.Required = true, true
	s.Filter.Selected = Filters[0].Label

	s.Table = newSKUTable(s)
	s.Summary = widget.NewLabel("")
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Hide()

	s.MapBtn = widgets.NewButton("Map…", s.MapCurrent)
	s.MapBtn.Icon, s.MapBtn.Importance = theme.ContentAddIcon(), widget.HighImportance
	s.UnmapBtn = widgets.NewButton("Unmap…", s.UnmapCurrent)
	s.UnmapBtn.Icon = theme.DeleteIcon()
	s.AutoBtn = widgets.NewButton("Auto Map…", s.ShowAuto)
	s.AutoBtn.Icon = theme.ViewRefreshIcon()
	s.enableButtons()

	bar := container.NewBorder(nil, nil, nil, container.NewHBox(s.Filter, s.MapBtn, s.UnmapBtn, s.AutoBtn), s.Search)
	s.root = container.NewBorder(container.NewVBox(bar, container.NewHBox(s.Summary), s.Message), nil, nil, nil, s.Table)
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.root }

// Title names the screen.
func (s *Screen) Title() string { return "Mapping" }

// Rows are the SKUs on show.
func (s *Screen) Rows() []domain.SKUInfo { return s.rows }

// FocusSearch puts the cursor in the search field (Ctrl+F).
func (s *Screen) FocusSearch() { s.win.Canvas().Focus(s.Search) }

// Keys are the screen's keys, for the window's list of keyboard shortcuts. Ctrl+F is the
// window's find: on this screen it calls FocusSearch.
var Keys = [][2]string{
	{"Ctrl+F", "Mapping: find a SKU or product name"},
	{"↓ / ↑", "Mapping: from the search into the list, and through it"},
	{"Enter / Delete", "Mapping: map the SKU / unmap it (asks first)"},
	{"Enter / Esc", "Map dialog: choose the highlighted stock item / close"},
}

func (s *Screen) filter() string {
	for _, f := range Filters {
		if f.Label == s.Filter.Selected {
			return f.Value
		}
	}
	return "all"
}

// SetFilter shows all, mapped or unmapped SKUs ("all", "mapped", "unmapped").
func (s *Screen) SetFilter(value string) {
	for _, f := range Filters {
		if f.Value == value {
			s.Filter.SetSelected(f.Label)
		}
	}
}

// Reload reads the SKUs again, as filtered and searched.
func (s *Screen) Reload() {
	s.gen++
	gen, filter, search := s.gen, s.filter(), strings.TrimSpace(s.Search.Text)
	keep := ""
	if r, ok := s.Current(); ok {
		keep = r.SKU
	}
	s.run.Go(func() func() {
		rows, err := s.data.SKUs(context.Background(), filter, search, skusShown)
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.say(widget.DangerImportance, "Could not read the SKUs: "+err.Error())
				return
			}
			s.rows = rows
			cur := -1
			for i, r := range rows {
				if r.SKU == keep {
					cur = i
				}
			}
			s.Table.current = cur
			s.Table.Refresh()
			s.Summary.SetText(Summary(rows, filter, search))
			s.enableButtons()
		}
	})
}

// say shows a message above the list; "" hides it.
func (s *Screen) say(imp widget.Importance, text string) {
	s.Message.Importance = imp
	s.Message.SetText(text)
	s.Message.Hidden = text == ""
	s.Message.Refresh()
}

// Summary says what the list shows.
func Summary(rows []domain.SKUInfo, filter, search string) string {
	unmapped := 0
	for _, r := range rows {
		if r.Mapping == nil {
			unmapped++
		}
	}
	what := map[string]string{"all": "SKUs", "mapped": "mapped SKUs", "unmapped": "unmapped SKUs"}[filter]
	var text string
	switch {
	case len(rows) == 0 && search != "":
		return fmt.Sprintf("No %s match %q.", what, search)
	case len(rows) == 0 && filter == "unmapped":
		return "Every SKU on the orders is mapped to a stock item."
	case len(rows) == 0:
		return "No " + what + " yet: SKUs appear here once orders with them are synced."
	case len(rows) == 1:
		text = "1 " + strings.TrimSuffix(what, "s")
	default:
		text = fmt.Sprintf("%d %s", len(rows), what)
	}
	if filter == "all" && unmapped > 0 {
		text += fmt.Sprintf(", %d not mapped", unmapped)
	}
	if len(rows) >= skusShown {
		text += fmt.Sprintf(" (the first %d: search to find others)", skusShown)
	}
	return text
}

// Current is the SKU the keyboard or the last click is on.
func (s *Screen) Current() (domain.SKUInfo, bool) {
	i := s.Table.current
	if i < 0 || i >= len(s.rows) {
		return domain.SKUInfo{}, false
	}
	return s.rows[i], true
}

// Select makes a row the current one (tests, and the shell opening on a SKU).
func (s *Screen) Select(row int) { s.Table.setCurrent(row) }

func (s *Screen) enableButtons() {
	r, ok := s.Current()
	if ok {
		s.MapBtn.Enable()
	} else {
		s.MapBtn.Disable()
	}
	if ok && r.Mapping != nil {
		s.UnmapBtn.Enable()
	} else {
		s.UnmapBtn.Disable()
	}
}

// MapCurrent opens the map dialog for the current SKU.
func (s *Screen) MapCurrent() {
	r, ok := s.Current()
	if !ok {
		return
	}
	s.dialog = ShowMapDialog(s.win, s.run, s.data, r.SKU, r.Name, s.Reload)
	s.dialog.Dialog().SetOnClosed(func() { s.win.Canvas().Focus(s.Table) })
}

// MapDialog is the last map dialog opened (tests).
func (s *Screen) MapDialog() *MapDialog { return s.dialog }

// UnmapCurrent asks, then unmaps the current SKU.
func (s *Screen) UnmapCurrent() {
	r, ok := s.Current()
	if !ok || r.Mapping == nil {
		return
	}
	sku := r.SKU
	s.confirm = widgets.Ask(s.win, "Unmap "+sku, fmt.Sprintf("Unmap SKU %s from %s? Its orders cannot be posted to SQL Account until it is mapped again.", sku, MappingText(r.Mapping)),
		"Unmap", "Keep it", func(ok bool) {
			if !ok {
				s.win.Canvas().Focus(s.Table)
				return
			}
			s.run.Go(func() func() {
				err := s.data.Unmap(context.Background(), sku)
				return func() {
					if err != nil {
						s.say(widget.DangerImportance, "Not unmapped: "+err.Error())
						return
					}
					s.say(widget.SuccessImportance, sku+" is no longer mapped.")
					s.Reload()
					s.win.Canvas().Focus(s.Table)
				}
			})
		})
}

// Confirmation is the last question the screen asked (tests).
func (s *Screen) Confirmation() dialog.Dialog { return s.confirm }

// SKUTable is the list of SKUs: ↑ ↓ Page Up/Down Home End move, Enter maps the SKU, Delete
// unmaps it (after asking); a double click maps it too.
type SKUTable struct {
	widget.Table
	s       *Screen
	current int
	lastTap struct {
		row int
		at  time.Time
	}
}

// skuColumns are the table's titles and widths.
var skuColumns = []struct {
	Title string
	Width float32
}{{"SKU", 220}, {"Product name", 340}, {"Orders", 80}, {"Stock item(s)", 480}}

func newSKUTable(s *Screen) *SKUTable {
	t := &SKUTable{s: s, current: -1}
	t.ExtendBaseWidget(t)
	t.Length = func() (int, int) { return len(s.rows), len(skuColumns) }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewStack(canvas.NewRectangle(color.Transparent), l)
	}
	t.UpdateCell = t.updateCell
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle = fyne.TextStyle{Bold: true}
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(skuColumns) {
			o.(*widget.Label).SetText(skuColumns[id.Col].Title)
		}
	}
	for i, c := range skuColumns {
		t.SetColumnWidth(i, c.Width)
	}
	t.OnSelected = t.tapped
	return t
}

// CellText is what a cell says (tests and the cells themselves).
func CellText(r domain.SKUInfo, col int) string {
	switch col {
	case 0:
		return r.SKU
	case 1:
		return r.Name
	case 2:
		return fmt.Sprint(r.Orders)
	case 3:
		if r.Mapping == nil {
			return "Not mapped"
		}
		text := MappingText(r.Mapping)
		if r.Mapping.Auto {
			text += " · auto"
		}
		return text
	}
	return ""
}

func (t *SKUTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	bg, l := c.Objects[0].(*canvas.Rectangle), c.Objects[1].(*widget.Label)
	if id.Row < 0 || id.Row >= len(t.s.rows) {
		l.SetText("")
		return
	}
	r := t.s.rows[id.Row]
	if id.Row == t.current {
		bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		bg.FillColor = color.Transparent
	}
	bg.Refresh()
	l.Alignment = fyne.TextAlignLeading
	if id.Col == 2 {
		l.Alignment = fyne.TextAlignTrailing
	}
	l.Importance = widget.MediumImportance
	if id.Col == 3 && r.Mapping == nil {
		l.Importance = widget.DangerImportance
	}
	l.SetText(CellText(r, id.Col))
	l.Refresh()
}

func (t *SKUTable) setCurrent(row int) {
	if row >= len(t.s.rows) {
		row = len(t.s.rows) - 1
	}
	if row != t.current {
		t.current = row
		t.Refresh()
	}
	if row >= 0 {
		t.Highlight(widget.TableCellID{Row: row, Col: 0}) // the table's own keyboard cell, on the same row
	}
	t.s.enableButtons()
}

func (t *SKUTable) tapped(id widget.TableCellID) {
	t.Unselect(id) // the current row is drawn by the table itself, whole
	prev := t.lastTap
	t.lastTap.row, t.lastTap.at = id.Row, time.Now()
	t.setCurrent(id.Row)
	if prev.row == id.Row && time.Since(prev.at) < 450*time.Millisecond {
		t.lastTap.at = time.Time{}
		t.s.MapCurrent()
	}
}

// TypedKey moves through the SKUs and acts on the current one.
func (t *SKUTable) TypedKey(ev *fyne.KeyEvent) {
	rows := len(t.s.rows)
	move := func(to int) {
		if rows > 0 {
			t.setCurrent(max(0, min(rows-1, to)))
		}
	}
	page := max(1, int(t.Size().Height/widget.NewLabel("X").MinSize().Height)-1)
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		t.s.MapCurrent()
	case fyne.KeyDelete:
		t.s.UnmapCurrent()
	case fyne.KeyDown:
		move(t.current + 1)
	case fyne.KeyUp:
		if t.current <= 0 {
			t.s.FocusSearch()
			return
		}
		move(t.current - 1)
	case fyne.KeyPageDown:
		move(t.current + page)
	case fyne.KeyPageUp:
		move(t.current - page)
	case fyne.KeyHome:
		move(0)
	case fyne.KeyEnd:
		move(rows - 1)
	}
}
