package scan

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
)

// Text sizes of the panel, as multiples of the theme's text size: the order number is read from
// across the desk, the words from arm's length.
const (
	titleScale = 4
	lineScale  = 1.6
	// wordLines is how many lines the words get; longer words end with an ellipsis.
	wordLines = 3
)

// flash is the large coloured panel that shows the last scan's outcome until the next one.
type flash struct {
	widget.BaseWidget
	fb    Feedback
	onTap func()
}

var _ fyne.Tappable = (*flash)(nil)

func newFlash(fb Feedback, onTap func()) *flash {
	f := &flash{fb: fb, onTap: onTap}
	f.ExtendBaseWidget(f)
	return f
}

func (f *flash) set(fb Feedback) {
	f.fb = fb
	f.Refresh()
}

// Tapped gives the keyboard back to the scan field.
func (f *flash) Tapped(*fyne.PointEvent) {
	if f.onTap != nil {
		f.onTap()
	}
}

func (f *flash) CreateRenderer() fyne.WidgetRenderer {
	r := &flashRenderer{f: f, bg: canvas.NewRectangle(Neutral), title: canvas.NewText("", nil), store: canvas.NewText("", nil)}
	r.title.TextStyle = fyne.TextStyle{Bold: true}
	r.store.TextStyle = fyne.TextStyle{Bold: true}
	r.objects = []fyne.CanvasObject{r.bg, r.title, r.store}
	for range wordLines {
		t := canvas.NewText("", nil)
		r.words = append(r.words, t)
		r.objects = append(r.objects, t)
	}
	r.Refresh()
	return r
}

type flashRenderer struct {
	f       *flash
	bg      *canvas.Rectangle
	title   *canvas.Text
	store   *canvas.Text
	words   []*canvas.Text
	objects []fyne.CanvasObject
}

func (r *flashRenderer) sizes() (text, pad float32) {
	th := r.f.Theme()
	return th.Size(theme.SizeNameText), th.Size(theme.SizeNameInnerPadding) * 2
}

func (r *flashRenderer) MinSize() fyne.Size {
	ts, pad := r.sizes()
	h := lineHeight(ts*titleScale, r.title.TextStyle) + lineHeight(ts*lineScale, r.store.TextStyle) +
		wordLines*lineHeight(ts*lineScale, fyne.TextStyle{})
	return fyne.NewSize(300, h+2*pad)
}

func lineHeight(size float32, style fyne.TextStyle) float32 {
	return fyne.MeasureText("Mg", size, style).Height
}

func (r *flashRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	ts, pad := r.sizes()
	avail := max(size.Width-2*pad, 1)
	fb := r.f.fb

	// The order number as large as fits.
	r.title.Text = fb.Title
	r.title.TextSize = ts * titleScale
	if w := fyne.MeasureText(fb.Title, r.title.TextSize, r.title.TextStyle).Width; w > avail {
		r.title.TextSize *= avail / w
	}
	y := pad
	r.title.Move(fyne.NewPos(pad, y))
	r.title.Resize(r.title.MinSize())
	y += lineHeight(ts*titleScale, r.title.TextStyle)

	store := fb.Store
	if p := fb.Platform.Title(); fb.Platform != "" && p != "" && !strings.Contains(store, p) {
		store += "  ·  " + p
	}
	r.store.Text = store
	r.store.TextSize = ts * lineScale
	r.store.Move(fyne.NewPos(pad, y))
	r.store.Resize(r.store.MinSize())
	y += lineHeight(r.store.TextSize, r.store.TextStyle)

	// A parcel that must not ship says so in bold.
	style := fyne.TextStyle{Bold: fb.Verdict == domain.ScanMustNotShip}
	lines := wrap(fb.Words, avail, ts*lineScale, style, wordLines)
	for i, t := range r.words {
		t.Text = ""
		if i < len(lines) {
			t.Text = lines[i]
		}
		t.TextSize, t.TextStyle = ts*lineScale, style
		t.Move(fyne.NewPos(pad, y))
		t.Resize(t.MinSize())
		y += lineHeight(t.TextSize, t.TextStyle)
	}
}

// wrap breaks words into at most n lines that fit width; what does not fit ends with "…".
func wrap(text string, width, size float32, style fyne.TextStyle, n int) []string {
	fits := func(s string) bool { return fyne.MeasureText(s, size, style).Width <= width }
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case fits(line + " " + w):
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) <= n {
		return lines
	}
	last := strings.Join(lines[n-1:], " ")
	for last != "" && !fits(last+"…") {
		rs := []rune(last)
		last = strings.TrimRight(string(rs[:len(rs)-1]), " ")
	}
	return append(lines[:n-1], last+"…")
}

func (r *flashRenderer) Refresh() {
	fb := r.f.fb
	bg := fb.Colour
	if bg == nil {
		bg = Neutral
	}
	ink := inkOn(bg)
	r.bg.FillColor = bg
	r.bg.CornerRadius = r.f.Theme().Size(theme.SizeNameInputRadius)
	for _, t := range append([]*canvas.Text{r.title, r.store}, r.words...) {
		t.Color = ink
	}
	r.Layout(r.f.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}

// inkOn is black or white, whichever reads better on c.
func inkOn(c color.Color) color.Color {
	red, green, blue, _ := c.RGBA()
	lum := (0.299*float64(red) + 0.587*float64(green) + 0.114*float64(blue)) / 0xffff
	if lum > 0.6 {
		return color.Black
	}
	return color.White
}

func (r *flashRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *flashRenderer) Destroy() {}

// backdrop lies behind the whole station: a tap on anything that is not a control gives the
// keyboard back to the scan field.
type backdrop struct {
	widget.BaseWidget
	onTap func()
}

var _ fyne.Tappable = (*backdrop)(nil)

func newBackdrop(onTap func()) *backdrop {
	b := &backdrop{onTap: onTap}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped gives the keyboard back to the scan field.
func (b *backdrop) Tapped(*fyne.PointEvent) {
	if b.onTap != nil {
		b.onTap()
	}
}

func (b *backdrop) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}
