package widgets

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
)

// Column describes one column of the order table as data: what it is called, how wide it is,
// and what it shows for a row.
type Column struct {
	ID       string
	Title    string
	Width    float32
	Hideable bool
	Text     func(r domain.OrderRow) string
}

// Column ids with special cells.
const (
	ColSelect   = "select"
	ColOpen     = "open"
	ColPlatform = "platform"
	ColStatus   = "status"
)

// TimeLayout is how the table shows times.
const TimeLayout = "02 Jan 15:04"

// fit is a column width that holds the sample text (and the header) without truncation.
func fit(sample, header string, min float32) float32 {
	size := theme.TextSize()
	w := fyne.MeasureText(sample, size, fyne.TextStyle{}).Width
	w = max(w, fyne.MeasureText(header, size, fyne.TextStyle{Bold: true}).Width)
	// The label pads its text on both sides; a little more keeps the text off the cell edge.
	return max(min, w+2*theme.InnerPadding()+2*theme.Padding())
}

// OrderColumns are the order list's columns in screen order.
func OrderColumns() []Column {
	stamp := fit("28 Nov 23:59", "Updated", 0)
	return []Column{
		{ID: ColSelect, Title: "", Width: 40},
		{ID: ColOpen, Title: "", Width: 40},
		{ID: "order", Title: "Order No.", Width: fit("576400000000000000", "Order No.", 0), Text: func(r domain.OrderRow) string { return r.OrderNo }},
		{ID: "store", Title: "Store", Width: 170, Hideable: true, Text: func(r domain.OrderRow) string { return r.StoreName }},
		{ID: ColPlatform, Title: "Platform", Width: fit("TikTok Shop", "Platform", 0) + 6, Hideable: true, Text: func(r domain.OrderRow) string { return r.Platform.Title() }},
		{ID: "created", Title: "Created", Width: stamp, Hideable: true, Text: func(r domain.OrderRow) string { return r.CreatedAt.Local().Format(TimeLayout) }},
		{ID: "updated", Title: "Updated", Width: stamp, Hideable: true, Text: func(r domain.OrderRow) string { return r.UpdatedAt.Local().Format(TimeLayout) }},
		{ID: "items", Title: "Items", Width: 230, Hideable: true, Text: func(r domain.OrderRow) string {
			return fmt.Sprintf("%d × %s", r.Units, r.FirstItem)
		}},
		{ID: "total", Title: "Total", Width: fit("RM 12,345.00", "Total", 0), Hideable: true, Text: func(r domain.OrderRow) string { return r.Total.String() }},
		{ID: ColStatus, Title: "Platform Status", Width: 200, Hideable: true, Text: func(r domain.OrderRow) string { return domain.StatusLabel(r.Status) }},
		{ID: "shipping", Title: "Shipping / Tracking No.", Width: 230, Hideable: true, Text: func(r domain.OrderRow) string {
			return strings.Join(nonEmpty(r.Provider, r.TrackingNo), " · ")
		}},
		{ID: "posted", Title: "Posted", Width: fit("Posted", "Posted", 0), Hideable: true, Text: func(r domain.OrderRow) string {
			if r.Posted {
				return "Posted"
			}
			return ""
		}},
	}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// RowBadge is the most important badge a row carries, if any.
func RowBadge(r domain.OrderRow) (string, color.Color) {
	switch {
	case r.Action != "":
		return r.Action.Doing(), BadgeGrey
	case r.ActionError != "":
		failed, _, _ := strings.Cut(r.ActionError, ":")
		return failed, BadgeRed
	case r.Flags.CancelRequested:
		return "Cancel requested", BadgeRed
	case r.Flags.ReturnRequested:
		return "Return requested", BadgeAmber
	case r.Flags.HasCancelled && r.Tab != domain.TabOthers:
		return "Items cancelled", BadgeRed
	case r.Flags.SelfDelivery:
		return "Own fleet", BadgeGrey
	}
	return "", nil
}

// OrderTable is a virtualised table of orders. It never holds the orders itself: Row fetches one
// by position (false while it is still loading) and Count says how many there are, so a tab of
// 200,000 orders costs only the rows on screen.
type OrderTable struct {
	widget.Table

	Row       func(i int) (domain.OrderRow, bool)
	Count     func() int
	IsChecked func(r domain.OrderRow) bool
	OnToggle  func(i int, r domain.OrderRow)
	OnOpen    func(i int, r domain.OrderRow)

	columns []Column
	visible []int // indexes into columns
	current int
	lastTap struct {
		row int
		at  time.Time
	}
}

// doubleTap is how close two taps on one row must be to open it.
const doubleTap = 450 * time.Millisecond

// NewOrderTable builds the table with every column visible.
func NewOrderTable(columns []Column) *OrderTable {
	t := &OrderTable{columns: columns, current: -1}
	t.ExtendBaseWidget(t)
	t.Length = func() (int, int) {
		n := 0
		if t.Count != nil {
			n = t.Count()
		}
		return n, len(t.visible)
	}
	t.CreateCell = newCell
	t.UpdateCell = t.updateCell
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.visible) {
			o.(*widget.Label).SetText(t.columns[t.visible[id.Col]].Title)
		}
	}
	t.OnSelected = t.tapped
	t.OnHighlighted = func(id widget.TableCellID) { t.setCurrent(id.Row) }
	t.SetVisible(nil)
	return t
}

// Columns lists every column, visible or not.
func (t *OrderTable) Columns() []Column { return t.columns }

// SetVisible shows the given hideable columns (nil: all of them); the others are always shown.
func (t *OrderTable) SetVisible(ids map[string]bool) {
	t.visible = t.visible[:0]
	for i, c := range t.columns {
		if !c.Hideable || ids == nil || ids[c.ID] {
			t.visible = append(t.visible, i)
		}
	}
	for i, ci := range t.visible {
		t.SetColumnWidth(i, t.columns[ci].Width)
	}
	t.Refresh()
}

// VisibleIDs lists the ids of the visible columns.
func (t *OrderTable) VisibleIDs() []string {
	var out []string
	for _, ci := range t.visible {
		out = append(out, t.columns[ci].ID)
	}
	return out
}

// Current is the row the keyboard is on, or -1.
func (t *OrderTable) Current() int { return t.current }

func (t *OrderTable) setCurrent(row int) {
	if row == t.current {
		return
	}
	t.current = row
	t.Refresh()
}

// ResetCurrent forgets the keyboard row, as when the list shows different orders.
func (t *OrderTable) ResetCurrent() {
	t.current = -1
	t.Table.ScrollToTop()
}

func (t *OrderTable) tapped(id widget.TableCellID) {
	t.Unselect(id) // rows are checked, not "selected"; the table's own selection stays empty
	r, ok := t.rowAt(id.Row)
	if !ok {
		return
	}
	col := t.columns[t.visible[id.Col]].ID
	prev := t.lastTap
	t.lastTap.row, t.lastTap.at = id.Row, time.Now()
	t.setCurrent(id.Row)
	switch {
	case col == ColSelect:
		if t.OnToggle != nil {
			t.OnToggle(id.Row, r)
		}
	case col == ColOpen, prev.row == id.Row && time.Since(prev.at) < doubleTap:
		t.lastTap.at = time.Time{}
		if t.OnOpen != nil {
			t.OnOpen(id.Row, r)
		}
	}
}

func (t *OrderTable) rowAt(i int) (domain.OrderRow, bool) {
	if t.Row == nil || i < 0 {
		return domain.OrderRow{}, false
	}
	return t.Row(i)
}

// TypedKey adds the order list's keys to the table's arrow keys: Space checks the row, Enter opens
// it, Page Up/Down and Home/End move by screens and to the ends.
func (t *OrderTable) TypedKey(ev *fyne.KeyEvent) {
	rows, _ := t.Length()
	move := func(to int) {
		if rows == 0 {
			return
		}
		to = max(0, min(rows-1, to))
		t.Highlight(widget.TableCellID{Row: to, Col: 0})
	}
	switch ev.Name {
	case fyne.KeySpace:
		if r, ok := t.rowAt(t.current); ok && t.OnToggle != nil {
			t.OnToggle(t.current, r)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if r, ok := t.rowAt(t.current); ok && t.OnOpen != nil {
			t.OnOpen(t.current, r)
		}
	case fyne.KeyPageDown:
		move(t.current + t.pageRows())
	case fyne.KeyPageUp:
		move(t.current - t.pageRows())
	case fyne.KeyHome:
		move(0)
	case fyne.KeyEnd:
		move(rows - 1)
	case fyne.KeyUp, fyne.KeyDown:
		if t.current < 0 {
			move(0)
			return
		}
		t.Table.TypedKey(ev)
	}
}

func (t *OrderTable) pageRows() int {
	h := t.Size().Height
	row := widget.NewLabel("X").MinSize().Height + theme.Padding()
	if n := int(h/row) - 1; n > 1 {
		return n
	}
	return 10
}

// cell is the template every table cell is made from; each column uses the parts it needs. It
// is a widget with its own layout: parts are shown and hidden as the cell is reused for other
// columns, and the label always gets the room the visible parts leave.
type cell struct {
	widget.BaseWidget
	bg     *canvas.Rectangle
	icon   *widget.Icon
	swatch *canvas.Rectangle
	label  *widget.Label
	badge  *Badge
}

func newCell() fyne.CanvasObject {
	c := &cell{
		bg:     canvas.NewRectangle(color.Transparent),
		icon:   widget.NewIcon(nil),
		swatch: canvas.NewRectangle(color.Transparent),
		label:  widget.NewLabel(""),
		badge:  NewBadge("", BadgeGrey),
	}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.swatch.CornerRadius = 2
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell) CreateRenderer() fyne.WidgetRenderer { return &cellRenderer{c} }

type cellRenderer struct{ c *cell }

func (r *cellRenderer) Layout(size fyne.Size) {
	c, pad := r.c, theme.Padding()
	c.bg.Resize(size)
	x := float32(0)
	if c.icon.Visible() {
		s := theme.IconInlineSize()
		c.icon.Move(fyne.NewPos((size.Width-s)/2, (size.Height-s)/2)) // alone in its column: centred
		c.icon.Resize(fyne.NewSquareSize(s))
	}
	if c.swatch.Visible() {
		c.swatch.Move(fyne.NewPos(theme.InnerPadding(), (size.Height-18)/2))
		c.swatch.Resize(fyne.NewSize(6, 18))
		x = theme.InnerPadding() + 6 - pad
	}
	right := size.Width
	if c.badge.Visible() {
		bs := c.badge.MinSize()
		right -= bs.Width + pad
		c.badge.Move(fyne.NewPos(right, (size.Height-bs.Height)/2))
		c.badge.Resize(bs)
	}
	c.label.Move(fyne.NewPos(x, 0))
	c.label.Resize(fyne.NewSize(max(0, right-x), size.Height))
}

func (r *cellRenderer) MinSize() fyne.Size {
	h := max(r.c.label.MinSize().Height, theme.IconInlineSize()+2*theme.Padding())
	return fyne.NewSize(theme.IconInlineSize()+2*theme.Padding(), h)
}

func (r *cellRenderer) Refresh() {
	r.Layout(r.c.Size())
	r.c.bg.Refresh()
}

func (r *cellRenderer) Objects() []fyne.CanvasObject {
	c := r.c
	return []fyne.CanvasObject{c.bg, c.icon, c.swatch, c.label, c.badge}
}

func (r *cellRenderer) Destroy() {}

func (t *OrderTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	if id.Col >= len(t.visible) {
		return
	}
	col := t.columns[t.visible[id.Col]]
	r, ok := t.rowAt(id.Row)
	checked := ok && t.IsChecked != nil && t.IsChecked(r)
	switch {
	case checked:
		c.bg.FillColor = theme.Color(theme.ColorNameSelection)
	case id.Row == t.current:
		c.bg.FillColor = theme.Color(theme.ColorNameHover)
	default:
		c.bg.FillColor = color.Transparent
	}
	defer c.Refresh() // lay out again: the parts shown may have changed
	c.icon.Hide()
	c.swatch.Hide()
	c.badge.Set("", BadgeGrey)
	if !ok {
		if col.Text != nil && col.ID == "order" {
			c.label.SetText("Loading…")
		} else {
			c.label.SetText("")
		}
		return
	}
	switch col.ID {
	case ColSelect:
		c.label.SetText("")
		c.icon.Show()
		if checked {
			c.icon.SetResource(theme.CheckButtonCheckedIcon())
		} else {
			c.icon.SetResource(theme.CheckButtonIcon())
		}
		return
	case ColOpen:
		c.label.SetText("")
		c.icon.Show()
		c.icon.SetResource(theme.DocumentIcon())
		return
	case ColPlatform:
		c.swatch.FillColor = PlatformColour(r.Platform)
		c.swatch.Show()
	case ColStatus:
		if text, bg := RowBadge(r); text != "" {
			c.badge.Set(text, bg)
		}
	}
	c.label.SetText(col.Text(r))
}

// CellText is what a visible cell shows, for tests and accessibility.
func (t *OrderTable) CellText(row int, colID string) string {
	r, ok := t.rowAt(row)
	if !ok {
		return ""
	}
	for _, c := range t.columns {
		if c.ID == colID && c.Text != nil {
			return c.Text(r)
		}
	}
	return ""
}
