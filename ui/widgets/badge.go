package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
)

// Badge colours: red for trouble a person must act on, amber for waiting, grey for information.
var (
	BadgeRed   = color.NRGBA{R: 0xC6, G: 0x28, B: 0x28, A: 0xFF}
	BadgeAmber = color.NRGBA{R: 0xB2, G: 0x6A, B: 0x00, A: 0xFF}
	BadgeGrey  = color.NRGBA{R: 0x60, G: 0x66, B: 0x70, A: 0xFF}
	BadgeGreen = color.NRGBA{R: 0x2E, G: 0x7D, B: 0x32, A: 0xFF}
)

// PlatformColour is the platform's brand colour, used as a small swatch beside its name.
func PlatformColour(p domain.Platform) color.Color {
	switch p {
	case domain.Lazada:
		return color.NRGBA{R: 0x1A, G: 0x24, B: 0x9E, A: 0xFF}
	case domain.Shopee:
		return color.NRGBA{R: 0xEE, G: 0x4D, B: 0x2D, A: 0xFF}
	case domain.TikTok:
		return color.NRGBA{R: 0xFE, G: 0x2C, B: 0x55, A: 0xFF}
	}
	return BadgeGrey
}

// Badge is a small rounded label with white text on a coloured ground. An empty text hides it.
type Badge struct {
	widget.BaseWidget
	text   string
	colour color.Color
}

// NewBadge makes a badge.
func NewBadge(text string, bg color.Color) *Badge {
	b := &Badge{}
	b.ExtendBaseWidget(b)
	b.Set(text, bg)
	return b
}

// Set changes the badge's text and colour.
func (b *Badge) Set(text string, bg color.Color) {
	b.text, b.colour = text, bg
	if text == "" {
		b.Hide()
	} else {
		b.Show()
	}
	b.Refresh()
}

// Text is what the badge says.
func (b *Badge) Text() string { return b.text }

// Colour is the badge's ground.
func (b *Badge) Colour() color.Color { return b.colour }

// CreateRenderer draws the badge.
func (b *Badge) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, bg: canvas.NewRectangle(b.colour), text: canvas.NewText(b.text, color.White)}
	r.bg.CornerRadius = 4
	r.text.TextSize = theme.CaptionTextSize()
	r.text.TextStyle = fyne.TextStyle{Bold: true}
	return r
}

type badgeRenderer struct {
	b    *Badge
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *badgeRenderer) MinSize() fyne.Size {
	s := r.text.MinSize()
	return fyne.NewSize(s.Width+10, s.Height+2)
}

func (r *badgeRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	s := r.text.MinSize()
	r.text.Resize(s)
	r.text.Move(fyne.NewPos((size.Width-s.Width)/2, (size.Height-s.Height)/2))
}

func (r *badgeRenderer) Refresh() {
	r.bg.FillColor = r.b.colour
	r.text.Text = r.b.text
	r.bg.Refresh()
	r.text.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.text} }

func (r *badgeRenderer) Destroy() {}
