package mapping

import (
	"context"
	"fmt"
	"strconv"
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

// Mapper is what the map dialog reads and writes: the synced stock items and the mappings.
type Mapper interface {
	// StockItems finds stock items by code, description or barcode (of any unit).
	StockItems(ctx context.Context, search string, limit int) ([]domain.StockItem, error)
	StockItem(ctx context.Context, code string) (domain.StockItem, error)
	Mapping(ctx context.Context, sku string) (domain.Mapping, bool, error)
	// SetMapping refuses an unknown stock code or unit, or a quantity under 1, with the reason.
	SetMapping(ctx context.Context, m domain.Mapping) error
	Unmap(ctx context.Context, sku string) error
}

const (
	// resultsShown is how many stock items a search lists: enough to scroll through, few enough to
	// read fast on a catalogue of tens of thousands.
	resultsShown = 50
	// searchPause is how long typing must pause before the search runs.
	searchPause = 200 * time.Millisecond
	// maxLines is how many stock items one bundle can hold.
	maxLines = 10
)

// MapDialog maps one platform SKU to a stock item in a unit and a quantity, or to several for a
// bundle. Typing searches the stock items; Enter puts the highlighted one (↑ ↓ move) on the line
// being filled.
type MapDialog struct {
	win    fyne.Window
	run    *widgets.Runner
	data   Mapper
	sku    string
	onDone func()

	d        *dialog.CustomDialog
	content  *fyne.Container
	confirm  dialog.Dialog
	debounce *widgets.Debouncer
	gen      int
	mapped   bool

	// Search finds stock items as one types; Results lists what it found.
	Search    *widgets.KeyEntry
	Results   *widget.List
	results   []domain.StockItem
	highlight int
	searched  string // the text the results are for

	// Current says what the SKU is mapped to now.
	Current *widget.Label
	// Lines are the stock items being mapped, one for a plain SKU, several for a bundle.
	Lines  []*Line
	active int
	box    *fyne.Container

	AddLine, Map, Unmap, Cancel *widgets.Button
	// Message says why the mapping was not saved, or what a search found.
	Message *widget.Label
}

// Line is one stock item of a mapping: the item, its unit and how many go into one unit sold.
type Line struct {
	Item   domain.StockItem // Code is "" until one is chosen
	Pick   *widgets.Button  // shows the item; pressing it makes this the line the search fills
	UOM    *widget.Select
	Qty    *widget.Entry
	Remove *widgets.Button
	row    fyne.CanvasObject
}

// ShowMapDialog opens the map dialog for a platform SKU (name is its product name, for the
// title); onDone runs after it was mapped or unmapped.
func ShowMapDialog(win fyne.Window, run *widgets.Runner, data Mapper, sku, name string, onDone func()) *MapDialog {
	m := &MapDialog{win: win, run: run, data: data, sku: sku, onDone: onDone, debounce: run.Debouncer(searchPause)}
	m.build(name)
	m.d.Resize(fyne.NewSize(760, 600)) // before Show, which centres it
	m.d.Show()
	win.Canvas().Focus(m.Search)
	m.load()
	m.searchNow("")
	return m
}

func (m *MapDialog) build(name string) {
	head := widget.NewLabelWithStyle("SKU "+m.sku, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Selectable = true
	product := widget.NewLabel(name)
	product.Wrapping = fyne.TextWrapWord
	if name == "" {
		product.Hide()
	}
	m.Current = widget.NewLabel("Reading its mapping…")
	m.Current.Wrapping = fyne.TextWrapWord

	m.box = container.NewVBox()
	m.AddLine = widgets.NewButton("Add to bundle", m.addLine)
	m.AddLine.Icon = theme.ContentAddIcon()

	m.Search = widgets.NewKeyEntry()
	m.Search.SetPlaceHolder("Search stock items by code, description or barcode")
	m.Search.OnChanged = func(text string) {
		m.debounce.Call(func() { m.searchNow(text) })
	}
	m.Search.OnSubmitted = func(string) { m.chooseHighlighted() }
	m.Search.OnKey = m.searchKey
	m.Results = widget.NewList(func() int { return len(m.results) }, func() fyne.CanvasObject {
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewStack(bg, l)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		c := o.(*fyne.Container)
		c.Objects[0].(*canvas.Rectangle).Hidden = i != m.highlight
		c.Objects[0].Refresh()
		c.Objects[1].(*widget.Label).SetText(ResultText(m.results[i]))
	})
	m.Results.OnSelected = func(i widget.ListItemID) {
		m.Results.Unselect(i)
		if i >= 0 && i < len(m.results) {
			m.highlight = i
			m.choose(m.results[i])
		}
	}

	m.Message = widget.NewLabel("")
	m.Message.Wrapping = fyne.TextWrapWord
	m.Message.Hide()

	m.Map = widgets.NewButton("Map", m.save)
	m.Map.Icon, m.Map.Importance = theme.ConfirmIcon(), widget.HighImportance
	m.Unmap = widgets.NewButton("Unmap…", m.askUnmap)
	m.Unmap.Icon = theme.DeleteIcon()
	m.Unmap.Disable()
	m.Cancel = widgets.NewButton("Cancel", func() { m.d.Hide() })
	m.Cancel.Icon = theme.CancelIcon()
	for _, b := range []*widgets.Button{m.Map, m.Unmap, m.Cancel, m.AddLine} {
		b.OnEscape = m.Cancel.OnTapped
	}

	lines := widget.NewLabelWithStyle("Stock items for one unit sold", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(head, product, m.Current, widget.NewSeparator(), lines, m.box, container.NewHBox(m.AddLine),
		widget.NewSeparator(), m.Search)
	m.content = container.NewBorder(top, m.Message, nil, nil, m.Results)
	m.d = dialog.NewCustomWithoutButtons("Map to stock item", m.content, m.win)
	m.d.SetButtons([]fyne.CanvasObject{m.Cancel, m.Unmap, m.Map})
	m.addLine()
}

// ResultText is a stock item as the search lists it: code, description, units and barcode.
func ResultText(s domain.StockItem) string {
	parts := []string{ItemText(s)}
	var uoms []string
	for _, u := range s.UOMs {
		uoms = append(uoms, u.UOM)
	}
	if len(uoms) > 0 {
		parts = append(parts, strings.Join(uoms, ", "))
	}
	if s.Barcode != "" {
		parts = append(parts, s.Barcode)
	}
	if !s.StockControl {
		parts = append(parts, "non-stock")
	}
	if !s.Active {
		parts = append(parts, "inactive")
	}
	return strings.Join(parts, " · ")
}

// load shows the SKU's current mapping and puts its lines in the dialog.
func (m *MapDialog) load() {
	m.run.Go(func() func() {
		ctx := context.Background()
		mp, ok, err := m.data.Mapping(ctx, m.sku)
		items := make([]domain.StockItem, len(mp.Lines))
		for i, l := range mp.Lines {
			if it, e := m.data.StockItem(ctx, l.StockCode); e == nil {
				items[i] = it
			} else {
				// Gone from SQL Account since it was mapped: keep the line as it is kept.
				items[i] = domain.StockItem{Code: l.StockCode, UOMs: []domain.StockUOM{{UOM: l.UOM, Rate: 1}}}
			}
		}
		return func() {
			if err != nil {
				m.Current.SetText("Could not read its mapping: " + err.Error())
				m.Current.Importance = widget.DangerImportance
				m.Current.Refresh()
				return
			}
			m.mapped = ok && len(mp.Lines) > 0
			if !m.mapped {
				m.Current.SetText("Not mapped yet: orders with this SKU cannot be posted to SQL Account.")
				m.Current.Importance = widget.WarningImportance
				m.Current.Refresh()
				return
			}
			now := "Mapped to " + MappingText(&mp)
			if mp.Auto {
				now += " (by auto-mapping)"
			}
			m.Current.SetText(now + ".")
			m.Current.Importance = widget.SuccessImportance
			m.Current.Refresh()
			m.Unmap.Enable()
			for i, l := range mp.Lines {
				if i > 0 {
					m.addLine()
				}
				line := m.Lines[i]
				line.set(items[i], l.UOM)
				line.Qty.SetText(strconv.Itoa(l.Qty))
			}
			m.setActive(0)
		}
	})
}

// searchNow lists the stock items matching text.
func (m *MapDialog) searchNow(text string) {
	m.gen++
	gen := m.gen
	text = strings.TrimSpace(text)
	m.run.Go(func() func() {
		items, err := m.data.StockItems(context.Background(), text, resultsShown)
		return func() {
			if gen != m.gen {
				return
			}
			m.results, m.highlight, m.searched = items, 0, text
			m.Results.Refresh()
			m.Results.ScrollToTop()
			switch {
			case err != nil:
				m.say(widget.DangerImportance, "Could not search the stock items: "+err.Error())
			case len(items) == 0 && text == "":
				m.say(widget.WarningImportance, "No stock items yet: sync from SQL Account first (Settings › SQL Account).")
			case len(items) == 0:
				m.say(widget.WarningImportance, fmt.Sprintf("No stock item has %q in its code, description or barcode.", text))
			default:
				m.say(widget.MediumImportance, "")
			}
		}
	})
}

func (m *MapDialog) say(imp widget.Importance, text string) {
	m.Message.Importance = imp
	m.Message.SetText(text)
	m.Message.Hidden = text == ""
	m.Message.Refresh()
}

// searchKey moves through the results from the search field: ↑ ↓ Page Up/Down, Escape closes.
func (m *MapDialog) searchKey(ev *fyne.KeyEvent) bool {
	move := func(to int) {
		if len(m.results) == 0 {
			return
		}
		m.highlight = max(0, min(len(m.results)-1, to))
		m.Results.ScrollTo(m.highlight)
		m.Results.Refresh()
	}
	switch ev.Name {
	case fyne.KeyDown:
		move(m.highlight + 1)
	case fyne.KeyUp:
		move(m.highlight - 1)
	case fyne.KeyPageDown:
		move(m.highlight + 10)
	case fyne.KeyPageUp:
		move(m.highlight - 10)
	case fyne.KeyEscape:
		m.d.Hide()
	default:
		return false
	}
	return true
}

// Highlighted is the stock item Enter would choose (tests).
func (m *MapDialog) Highlighted() (domain.StockItem, bool) {
	if m.highlight < 0 || m.highlight >= len(m.results) {
		return domain.StockItem{}, false
	}
	return m.results[m.highlight], true
}

// Found is what the search lists.
func (m *MapDialog) Found() []domain.StockItem { return m.results }

func (m *MapDialog) chooseHighlighted() {
	if it, ok := m.Highlighted(); ok {
		m.choose(it)
	}
}

// choose puts a stock item on the line being filled. A search by a unit's barcode chooses that
// unit: scanning a carton's barcode means the carton.
func (m *MapDialog) choose(it domain.StockItem) {
	uom := it.BaseUOM()
	if m.searched != "" {
		for _, u := range it.UOMs {
			if u.Barcode != "" && strings.EqualFold(u.Barcode, m.searched) {
				uom = u.UOM
			}
		}
	}
	line := m.Lines[m.active]
	line.set(it, uom)
	if line.Qty.Text == "" {
		line.Qty.SetText("1")
	}
	m.say(widget.MediumImportance, "")
	if len(it.UOMs) > 1 {
		m.win.Canvas().Focus(line.UOM) // which unit is the choice left to make
	} else {
		m.win.Canvas().Focus(m.Map)
	}
}

func (l *Line) set(it domain.StockItem, uom string) {
	l.Item = it
	l.Pick.SetText(ItemText(it))
	var opts []string
	for _, u := range it.UOMs {
		opts = append(opts, u.UOM)
	}
	l.UOM.SetOptions(opts)
	l.UOM.Enable()
	if u, ok := it.FindUOM(uom); ok {
		l.UOM.SetSelected(u.UOM)
	} else if len(opts) > 0 {
		l.UOM.SetSelected(opts[0])
	}
}

// addLine adds an empty stock item line and makes it the one the search fills.
func (m *MapDialog) addLine() {
	if len(m.Lines) >= maxLines {
		m.say(widget.WarningImportance, fmt.Sprintf("A bundle holds at most %d stock items.", maxLines))
		return
	}
	l := &Line{UOM: widget.NewSelect(nil, nil), Qty: widget.NewEntry()}
	l.Pick = widgets.NewButton("Choose a stock item below", nil)
	l.Pick.Alignment = widget.ButtonAlignLeading
	l.Pick.OnTapped = func() { m.setActive(m.indexOf(l)); m.win.Canvas().Focus(m.Search) }
	l.UOM.PlaceHolder = "Unit"
	l.UOM.Disable()
	l.Qty.SetPlaceHolder("Qty")
	l.Qty.OnSubmitted = func(string) { m.save() }
	l.Remove = widgets.NewButton("", func() { m.removeLine(l) })
	l.Remove.Icon = theme.ContentRemoveIcon()
	l.Remove.OnEscape = func() { m.d.Hide() }
	right := container.NewHBox(container.NewGridWrap(fyne.NewSize(150, l.UOM.MinSize().Height), l.UOM),
		widget.NewLabel("×"), container.NewGridWrap(fyne.NewSize(70, l.Qty.MinSize().Height), l.Qty), l.Remove)
	l.row = container.NewBorder(nil, nil, nil, right, l.Pick)
	m.Lines = append(m.Lines, l)
	m.box.Add(l.row)
	m.relayout()
	m.setActive(len(m.Lines) - 1)
	if len(m.Lines) > 1 {
		m.Search.SetText("")
		m.win.Canvas().Focus(m.Search)
	}
}

// relayout gives the lines the room they now need: the results list below gives it up.
func (m *MapDialog) relayout() {
	if m.content != nil {
		m.content.Refresh()
	}
}

func (m *MapDialog) indexOf(l *Line) int {
	for i, x := range m.Lines {
		if x == l {
			return i
		}
	}
	return 0
}

func (m *MapDialog) removeLine(l *Line) {
	if len(m.Lines) == 1 {
		return
	}
	i := m.indexOf(l)
	m.Lines = append(m.Lines[:i], m.Lines[i+1:]...)
	m.box.Remove(l.row)
	m.relayout()
	m.setActive(min(m.active, len(m.Lines)-1))
	m.win.Canvas().Focus(m.Search)
}

// setActive marks the line the search fills.
func (m *MapDialog) setActive(i int) {
	m.active = i
	for j, l := range m.Lines {
		l.Pick.Importance = widget.MediumImportance
		if j == i && len(m.Lines) > 1 {
			l.Pick.Importance = widget.HighImportance
		}
		l.Pick.Refresh()
		if len(m.Lines) == 1 {
			l.Remove.Disable()
		} else {
			l.Remove.Enable()
		}
	}
}

// Active is the line the search fills (tests).
func (m *MapDialog) Active() int { return m.active }

// read is the mapping the dialog holds, or why it cannot be saved.
func (m *MapDialog) read() (domain.Mapping, error) {
	mp := domain.Mapping{SKU: m.sku}
	seen := map[string]bool{}
	for i, l := range m.Lines {
		n := i + 1
		if l.Item.Code == "" {
			if len(m.Lines) == 1 {
				return mp, fmt.Errorf("Choose a stock item: search for it below, then press Enter or click it.")
			}
			return mp, fmt.Errorf("Line %d has no stock item: choose one or remove the line.", n)
		}
		if l.UOM.Selected == "" {
			return mp, fmt.Errorf("Choose the unit of %s.", l.Item.Code)
		}
		qty, err := strconv.Atoi(strings.TrimSpace(l.Qty.Text))
		if err != nil || qty < 1 {
			return mp, fmt.Errorf("The quantity of %s is a whole number from 1, not %q.", l.Item.Code, l.Qty.Text)
		}
		key := strings.ToUpper(l.Item.Code + "\x00" + l.UOM.Selected)
		if seen[key] {
			return mp, fmt.Errorf("%s (%s) is on two lines: raise its quantity instead.", l.Item.Code, l.UOM.Selected)
		}
		seen[key] = true
		mp.Lines = append(mp.Lines, domain.MapLine{StockCode: l.Item.Code, UOM: l.UOM.Selected, Qty: qty})
	}
	return mp, nil
}

// save maps the SKU as the dialog says; a refusal is shown in the dialog and nothing changes.
func (m *MapDialog) save() {
	mp, err := m.read()
	if err != nil {
		m.say(widget.DangerImportance, err.Error())
		return
	}
	m.Map.Disable()
	m.run.Go(func() func() {
		err := m.data.SetMapping(context.Background(), mp)
		return func() {
			m.Map.Enable()
			if err != nil {
				m.say(widget.DangerImportance, "Not mapped: "+err.Error())
				return
			}
			m.done()
		}
	})
}

func (m *MapDialog) askUnmap() {
	if !m.mapped {
		return
	}
	m.confirm = widgets.Ask(m.win, "Unmap "+m.sku, fmt.Sprintf("Unmap SKU %s? Its orders cannot be posted to SQL Account until it is mapped again.", m.sku),
		"Unmap", "Keep it", func(ok bool) {
			if !ok {
				m.win.Canvas().Focus(m.Unmap)
				return
			}
			m.run.Go(func() func() {
				err := m.data.Unmap(context.Background(), m.sku)
				return func() {
					if err != nil {
						m.say(widget.DangerImportance, "Not unmapped: "+err.Error())
						return
					}
					m.done()
				}
			})
		})
}

func (m *MapDialog) done() {
	m.d.Hide()
	if m.onDone != nil {
		m.onDone()
	}
}

// Confirmation is the last question the dialog asked (tests).
func (m *MapDialog) Confirmation() dialog.Dialog { return m.confirm }

// Dialog is the dialog itself.
func (m *MapDialog) Dialog() dialog.Dialog { return m.d }
