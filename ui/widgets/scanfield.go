package widgets

import (
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DefaultScanBlank is how long a repeat of the same code is taken for a double read of one
// barcode rather than a second scan.
const DefaultScanBlank = 1500 * time.Millisecond

// scanTextScale makes the field readable from an arm's length away, parcel in hand.
const scanTextScale = 2

// ScanSettings describe how the station's scanner is set up.
type ScanSettings struct {
	// Prefix and Suffix are stripped from a code when present: some scanners are configured to
	// add them (an AIM identifier such as "]C1", a "#"). Control characters in them are ignored,
	// as they are in codes. A Suffix of "\t" also makes Tab end a code, like Enter.
	Prefix, Suffix string
	// Blank is how long a repeat of the same code is ignored after it was accepted: zero means
	// DefaultScanBlank, a negative value accepts every repeat.
	Blank time.Duration
}

// ScanField is the large one-line field of the scan station. A USB scanner in keyboard-wedge mode
// types a code and Enter into it, a person may type one; each complete code goes to OnScan.
//
// The field keeps what was typed in its own buffer, so nothing typed at scanner speed is lost to
// an entry's cursor or selection being reset by a refresh or by the focus moving; a code is
// exactly what came between two Enters. Control characters are dropped as they arrive, and Tab
// never moves the focus away from the field.
type ScanField struct {
	widget.BaseWidget

	// OnScan receives each accepted code, cleaned.
	OnScan func(code string)
	// OnRepeat receives a code that was ignored as a repeat within the blanking window, so the
	// station can say "already scanned".
	OnRepeat func(code string)
	// OnKey receives keys that are not text, such as Escape, F1-F12, arrows, Page Up/Down and
	// Delete. Return, Enter, Tab and Backspace are the field's own.
	OnKey func(*fyne.KeyEvent)
	// Now is the clock the blanking window is measured with; tests set it.
	Now func() time.Time
	// PlaceHolder is shown while nothing is typed.
	PlaceHolder string

	mu       sync.Mutex
	buf      []rune
	settings ScanSettings
	last     string    // the last accepted code
	lastAt   time.Time // and when it was accepted
	focused  bool
}

var (
	_ fyne.Focusable    = (*ScanField)(nil)
	_ fyne.Tabbable     = (*ScanField)(nil)
	_ fyne.Tappable     = (*ScanField)(nil)
	_ fyne.Shortcutable = (*ScanField)(nil)
)

// NewScanField makes an empty field that passes each complete code to onScan.
func NewScanField(onScan func(code string)) *ScanField {
	f := &ScanField{OnScan: onScan, Now: time.Now, PlaceHolder: "Scan or type a code"}
	f.ExtendBaseWidget(f)
	return f
}

// SetSettings changes the prefix, suffix and blanking window; it applies from the next code.
func (f *ScanField) SetSettings(s ScanSettings) {
	f.mu.Lock()
	f.settings = s
	f.mu.Unlock()
}

// Settings are the field's current settings.
func (f *ScanField) Settings() ScanSettings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings
}

// Text is what has been typed since the last Enter.
func (f *ScanField) Text() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return string(f.buf)
}

// Clear drops what has been typed since the last Enter.
func (f *ScanField) Clear() {
	f.mu.Lock()
	f.buf = f.buf[:0]
	f.mu.Unlock()
	f.Refresh()
}

// TakeFocus gives the field the keyboard focus of its window, as the station does after a tap
// elsewhere or a dialog.
func (f *ScanField) TakeFocus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(f); c != nil {
		c.Focus(f)
	}
}

// FocusGained shows that the field takes the keyboard.
func (f *ScanField) FocusGained() {
	f.mu.Lock()
	f.focused = true
	f.mu.Unlock()
	f.Refresh()
}

// FocusLost keeps what was typed: the rest of the code may follow when the focus comes back.
func (f *ScanField) FocusLost() {
	f.mu.Lock()
	f.focused = false
	f.mu.Unlock()
	f.Refresh()
}

// AcceptsTab keeps the focus in the field when a scanner sends Tab.
func (f *ScanField) AcceptsTab() bool { return true }

// Tapped takes the focus.
func (f *ScanField) Tapped(*fyne.PointEvent) { f.TakeFocus() }

// TypedRune adds a character to the code; control characters are dropped.
func (f *ScanField) TypedRune(r rune) {
	f.mu.Lock()
	if r == '\t' && f.settings.Suffix == "\t" {
		f.mu.Unlock()
		f.submit()
		return
	}
	if scanDropped(r) {
		f.mu.Unlock()
		return
	}
	f.buf = append(f.buf, r)
	f.mu.Unlock()
	f.Refresh()
}

// TypedKey ends a code on Return or Enter, and passes keys that are not text to OnKey.
func (f *ScanField) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		f.submit()
	case fyne.KeyTab:
		if f.Settings().Suffix == "\t" {
			f.submit()
		}
	case fyne.KeyBackspace:
		f.mu.Lock()
		if n := len(f.buf); n > 0 {
			f.buf = f.buf[:n-1]
		}
		f.mu.Unlock()
		f.Refresh()
	default:
		if scanTextKey(ev.Name) {
			return // its character comes as a rune
		}
		if f.OnKey != nil {
			f.OnKey(ev)
		}
	}
}

// TypedShortcut pastes the clipboard as if it were typed; every other shortcut goes to the
// window's canvas, so shortcuts the station registers there work while the field has the focus.
func (f *ScanField) TypedShortcut(s fyne.Shortcut) {
	if p, ok := s.(*fyne.ShortcutPaste); ok {
		if p.Clipboard == nil {
			return
		}
		for _, r := range p.Clipboard.Content() {
			f.TypedRune(r)
		}
		return
	}
	if c, ok := fyne.CurrentApp().Driver().CanvasForObject(f).(fyne.Shortcutable); ok {
		c.TypedShortcut(s)
	}
}

// submit ends the code typed so far: it goes to OnScan, or to OnRepeat if it repeats the last
// accepted code within the blanking window; an empty code is ignored.
func (f *ScanField) submit() {
	f.mu.Lock()
	code := cleanScan(string(f.buf), f.settings)
	f.buf = f.buf[:0]
	repeat := false
	if code != "" {
		blank := f.settings.Blank
		if blank == 0 {
			blank = DefaultScanBlank
		}
		now := f.now()
		repeat = blank > 0 && code == f.last && now.Sub(f.lastAt) < blank
		if !repeat {
			f.last, f.lastAt = code, now
		}
	}
	f.mu.Unlock()
	f.Refresh()

	switch {
	case code == "":
	case repeat:
		if f.OnRepeat != nil {
			f.OnRepeat(code)
		}
	default:
		if f.OnScan != nil {
			f.OnScan(code)
		}
	}
}

func (f *ScanField) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}

// cleanScan drops control characters, trims spaces, and strips the prefix and suffix when
// present.
func cleanScan(raw string, s ScanSettings) string {
	code := strings.TrimSpace(strings.Map(scanKeep, raw))
	if p := strings.TrimSpace(strings.Map(scanKeep, s.Prefix)); p != "" {
		code = strings.TrimPrefix(code, p)
	}
	if x := strings.TrimSpace(strings.Map(scanKeep, s.Suffix)); x != "" {
		code = strings.TrimSuffix(code, x)
	}
	return strings.TrimSpace(code)
}

func scanKeep(r rune) rune {
	if scanDropped(r) {
		return -1
	}
	return r
}

// scanDropped says a character is never part of a code: C0 and C1 controls and DEL (a GS between
// GS1 fields, a Tab or CR a scanner adds), and invisible format characters such as a BOM or
// zero-width space that QR payloads sometimes carry.
func scanDropped(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// scanTextKey says a key's character arrives as a rune as well, or that it is a modifier: the
// field has no use for it as a key.
func scanTextKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyUnknown, fyne.KeySpace,
		"LeftShift", "RightShift", "LeftControl", "RightControl", "LeftAlt", "RightAlt",
		"LeftSuper", "RightSuper", "CapsLock":
		return true
	}
	return len([]rune(string(k))) == 1 // letters, digits and punctuation
}

// CreateRenderer draws the field: a bordered box with the text in large type and a caret while
// it has the focus.
func (f *ScanField) CreateRenderer() fyne.WidgetRenderer {
	r := &scanRenderer{
		f:     f,
		box:   canvas.NewRectangle(nil),
		text:  canvas.NewText("", nil),
		caret: canvas.NewRectangle(nil),
	}
	r.text.TextStyle = fyne.TextStyle{Monospace: true}
	r.Refresh()
	return r
}

type scanRenderer struct {
	f     *ScanField
	box   *canvas.Rectangle
	text  *canvas.Text
	caret *canvas.Rectangle
}

func (r *scanRenderer) textSize() float32 {
	return r.f.Theme().Size(theme.SizeNameText) * scanTextScale
}

func (r *scanRenderer) pad() float32 {
	return r.f.Theme().Size(theme.SizeNameInnerPadding)
}

func (r *scanRenderer) MinSize() fyne.Size {
	// Room for a 20-character tracking number; longer codes scroll to show their end.
	s := fyne.MeasureText(strings.Repeat("0", 20), r.textSize(), r.text.TextStyle)
	p := r.pad()
	return fyne.NewSize(s.Width+2*p, s.Height+2*p)
}

func (r *scanRenderer) Layout(size fyne.Size) {
	r.box.Resize(size)
	r.place(size)
}

// place sets the text to what fits, ending with the newest characters, and the caret after it.
func (r *scanRenderer) place(size fyne.Size) {
	text := r.f.Text()
	p := r.pad()
	caretW := float32(2)
	avail := size.Width - 2*p - caretW
	ts := r.textSize()
	// A field not laid out yet has no width to fit in.
	if text != "" && size.Width > 0 && fyne.MeasureText(text, ts, r.text.TextStyle).Width > avail {
		text = scanTail(text, avail, ts, r.text.TextStyle)
	}
	r.text.Text = text
	if text == "" {
		r.text.Text = r.f.PlaceHolder
	}
	r.text.TextSize = ts
	ms := r.text.MinSize()
	r.text.Resize(ms)
	r.text.Move(fyne.NewPos(p, (size.Height-ms.Height)/2))
	var w float32
	if text != "" {
		w = ms.Width
	}
	r.caret.Resize(fyne.NewSize(caretW, ms.Height*0.8))
	r.caret.Move(fyne.NewPos(p+w, (size.Height-ms.Height*0.8)/2))
}

// scanTail is the end of text that fits in width, after an ellipsis.
func scanTail(text string, width, size float32, style fyne.TextStyle) string {
	const more = "…"
	runes := []rune(text)
	room := width - fyne.MeasureText(more, size, style).Width
	// The font is monospaced: one measure gives the count, the loop corrects any odd glyph.
	n := len(runes)
	if cw := fyne.MeasureText("0", size, style).Width; cw > 0 {
		n = max(0, min(n, int(room/cw)))
	}
	for n > 0 && fyne.MeasureText(string(runes[len(runes)-n:]), size, style).Width > room {
		n--
	}
	return more + string(runes[len(runes)-n:])
}

func (r *scanRenderer) Refresh() {
	th := r.f.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.f.mu.Lock()
	focused, empty := r.f.focused, len(r.f.buf) == 0
	r.f.mu.Unlock()

	r.box.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.box.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.box.StrokeWidth = th.Size(theme.SizeNameInputBorder)
	r.box.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	if focused {
		r.box.StrokeWidth *= 2
		r.box.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	}
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	if empty {
		r.text.Color = th.Color(theme.ColorNamePlaceHolder, v)
	}
	r.caret.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.caret.Hidden = !focused

	r.place(r.f.Size())
	r.box.Refresh()
	r.text.Refresh()
	r.caret.Refresh()
}

func (r *scanRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.box, r.text, r.caret}
}

func (r *scanRenderer) Destroy() {}
