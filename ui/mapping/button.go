package mapping

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/ui/widgets"
)

// MapTip is what the item button says when the pointer rests on it.
const MapTip = "Map to stock item"

// ItemButton is the small button beside an order item that opens the map dialog for its SKU: an
// icon while the SKU is not mapped, the stock code once it is. Resting the pointer on it shows
// what it does. Enter or Space presses it, like any button.
type ItemButton struct {
	widgets.Button
	tip bool // the pointer is on it
}

// NewItemButton makes the button; stockCode is what the SKU is mapped to ("" when it is not).
func NewItemButton(stockCode string, tapped func()) *ItemButton {
	b := &ItemButton{}
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	b.SetStockCode(stockCode)
	return b
}

// SetStockCode shows what the SKU is mapped to now.
func (b *ItemButton) SetStockCode(code string) {
	b.Icon = theme.StorageIcon()
	b.Text = code
	b.Importance = widget.LowImportance
	if code == "" {
		b.Importance = widget.WarningImportance
	}
	b.Refresh()
}

// StockCode is what the button shows as mapped ("" when not mapped).
func (b *ItemButton) StockCode() string { return b.Text }

// Tip is the hint shown while the pointer rests on the button ("" when it is not there).
func (b *ItemButton) Tip() string {
	if !b.tip {
		return ""
	}
	if b.Text == "" {
		return MapTip
	}
	return MapTip + " (mapped to " + b.Text + ")"
}

// MouseIn shows the hint.
func (b *ItemButton) MouseIn(ev *desktop.MouseEvent) {
	b.tip = true
	b.Button.MouseIn(ev)
}

// MouseOut hides it.
func (b *ItemButton) MouseOut() {
	b.tip = false
	b.Button.MouseOut()
}

// CreateRenderer draws the button, and its hint to its left: the hint is drawn, not a pop-up,
// so it never takes the pointer from the button (a pop-up would, and flicker).
func (b *ItemButton) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	bg.StrokeWidth = 1
	bg.CornerRadius = theme.InputRadiusSize()
	text := canvas.NewText("", theme.Color(theme.ColorNameForeground))
	text.TextSize = theme.CaptionTextSize()
	r := &itemButtonRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b, bg: bg, text: text}
	r.update()
	return r
}

type itemButtonRenderer struct {
	fyne.WidgetRenderer
	b    *ItemButton
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *itemButtonRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.place(size)
}

func (r *itemButtonRenderer) place(size fyne.Size) {
	pad := theme.Padding()
	ts := r.text.MinSize()
	box := fyne.NewSize(ts.Width+4*pad, ts.Height+2*pad)
	at := fyne.NewPos(-box.Width-pad, (size.Height-box.Height)/2)
	r.bg.Resize(box)
	r.bg.Move(at)
	r.text.Resize(ts)
	r.text.Move(at.Add(fyne.NewPos(2*pad, pad)))
}

func (r *itemButtonRenderer) update() {
	tip := r.b.Tip()
	r.text.Text = tip
	r.bg.Hidden, r.text.Hidden = tip == "", tip == ""
	r.place(r.b.Size())
	r.bg.Refresh()
	r.text.Refresh()
}

func (r *itemButtonRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.update()
}

func (r *itemButtonRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject(nil), r.WidgetRenderer.Objects()...), r.bg, r.text)
}
