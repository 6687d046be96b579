package widgets

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// scanInput is one thing that reaches the field: a wait on the clock, runes typed one by one,
// a key, or a shortcut.
type scanInput struct {
	wait     time.Duration
	runes    string
	key      fyne.KeyName
	shortcut fyne.Shortcut
}

func scanTyped(s string) scanInput           { return scanInput{runes: s} }
func scanKey(k fyne.KeyName) scanInput       { return scanInput{key: k} }
func scanWait(d time.Duration) scanInput     { return scanInput{wait: d} }
func scanShortcut(s fyne.Shortcut) scanInput { return scanInput{shortcut: s} }

// scanCode is a code as a scanner sends it: its characters, then Return.
func scanCode(code string) []scanInput { return []scanInput{scanTyped(code), scanKey(fyne.KeyReturn)} }

func scanInputs(parts ...any) []scanInput {
	var in []scanInput
	for _, p := range parts {
		switch p := p.(type) {
		case scanInput:
			in = append(in, p)
		case []scanInput:
			in = append(in, p...)
		default:
			panic(fmt.Sprintf("inputs: %T", p))
		}
	}
	return in
}

// scanRecord is what a field did.
type scanRecord struct {
	scans, repeats []string
	keys           []fyne.KeyName
}

// scanClock is the field's clock in tests; it moves only when told.
type scanClock struct{ t time.Time }

func (c *scanClock) now() time.Time { return c.t }

func newRecordedScanField(s ScanSettings) (*ScanField, *scanRecord, *scanClock) {
	rec := &scanRecord{}
	clock := &scanClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	f := NewScanField(func(code string) { rec.scans = append(rec.scans, code) })
	f.OnRepeat = func(code string) { rec.repeats = append(rec.repeats, code) }
	f.OnKey = func(ev *fyne.KeyEvent) { rec.keys = append(rec.keys, ev.Name) }
	f.Now = clock.now
	f.SetSettings(s)
	return f, rec, clock
}

func scanFeed(f *ScanField, clock *scanClock, in []scanInput) {
	for _, i := range in {
		clock.t = clock.t.Add(i.wait)
		for _, r := range i.runes {
			f.TypedRune(r)
		}
		if i.key != "" {
			f.TypedKey(&fyne.KeyEvent{Name: i.key})
		}
		if i.shortcut != nil {
			f.TypedShortcut(i.shortcut)
		}
	}
}

// Every scanner quirk the station has met, as a row: what reaches the field, and what the field
// passes on.
func TestScanFieldInput(t *testing.T) {
	test.NewTempApp(t)
	clip := test.NewClipboard()
	clip.SetContent("SPX\x1d0042\n")
	tab := ScanSettings{Suffix: "\t"}
	aim := ScanSettings{Prefix: "]C1", Suffix: "#"}
	seq, typed, key, wait, scan, shortcut := scanInputs, scanTyped, scanKey, scanWait, scanCode, scanShortcut

	for _, c := range []struct {
		name     string
		settings ScanSettings
		in       []scanInput
		scans    []string
		repeats  []string
		keys     []fyne.KeyName
		buffered string
	}{
		{name: "plain code and Return", in: scan("ORD-240301-0001"), scans: []string{"ORD-240301-0001"}},
		{name: "keypad Enter ends a code too", in: seq(typed("JX1234567890"), key(fyne.KeyEnter)),
			scans: []string{"JX1234567890"}},
		{name: "no Enter, no code", in: seq(typed("JX12")), buffered: "JX12"},
		{name: "prefix and suffix stripped", settings: aim, in: scan("]C1SPXID0042#"), scans: []string{"SPXID0042"}},
		{name: "prefix and suffix absent", settings: aim, in: scan("SPXID0042"), scans: []string{"SPXID0042"}},
		{name: "only the prefix present", settings: aim, in: scan("]C1SPXID0042"), scans: []string{"SPXID0042"}},
		{name: "only the suffix present", settings: aim, in: scan("SPXID0042#"), scans: []string{"SPXID0042"}},
		{name: "prefix in the middle stays", settings: aim, in: scan("AB]C1CD"), scans: []string{"AB]C1CD"}},
		{name: "control characters in a prefix are ignored", settings: ScanSettings{Prefix: "\x02P:", Suffix: "\x03"},
			in: scan("\x02P:123\x03"), scans: []string{"123"}},
		{name: "spaces around prefix and code trimmed", settings: aim, in: scan("  ]C1 SPX9 # "), scans: []string{"SPX9"}},
		{name: "nothing but the prefix is no code", settings: aim, in: scan("]C1"), scans: nil},
		{name: "control characters inside dropped", in: scan("01\x1d0950\t1234\r56\x7f\x00\x1b7\u200b\ufeff"),
			scans: []string{"0109501234567"}},
		{name: "control characters only is no code", in: scan("\x1d\r\t\x7f"), scans: nil},
		{name: "spaces trimmed, inner space kept", in: scan("  A 1  "), scans: []string{"A 1"}},
		{name: "empty Enter ignored", in: seq(key(fyne.KeyReturn), key(fyne.KeyEnter)), scans: nil},
		{name: "two codes back to back", in: seq(scan("SPX1"), scan("SPX2")), scans: []string{"SPX1", "SPX2"}},
		{name: "same code twice within 1.5 s: second is a repeat",
			in:    seq(scan("SPX1"), wait(1400*time.Millisecond), scan("SPX1")),
			scans: []string{"SPX1"}, repeats: []string{"SPX1"}},
		{name: "double read at once is a repeat", in: seq(scan("SPX1"), scan("SPX1")),
			scans: []string{"SPX1"}, repeats: []string{"SPX1"}},
		{name: "same code after 1.6 s accepted",
			in:    seq(scan("SPX1"), wait(1600*time.Millisecond), scan("SPX1")),
			scans: []string{"SPX1", "SPX1"}},
		{name: "window runs from the accepted read, not the repeat",
			in:    seq(scan("SPX1"), wait(time.Second), scan("SPX1"), wait(600*time.Millisecond), scan("SPX1")),
			scans: []string{"SPX1", "SPX1"}, repeats: []string{"SPX1"}},
		{name: "a different code is never blanked", in: seq(scan("SPX1"), scan("SPX2"), scan("SPX1")),
			scans: []string{"SPX1", "SPX2", "SPX1"}},
		{name: "the same code after prefix stripping is a repeat", settings: aim, in: seq(scan("]C1SPX1#"), scan("SPX1")),
			scans: []string{"SPX1"}, repeats: []string{"SPX1"}},
		{name: "a longer window", settings: ScanSettings{Blank: 3 * time.Second},
			in:    seq(scan("SPX1"), wait(2*time.Second), scan("SPX1")),
			scans: []string{"SPX1"}, repeats: []string{"SPX1"}},
		{name: "a negative window accepts every read", settings: ScanSettings{Blank: -1},
			in: seq(scan("SPX1"), scan("SPX1")), scans: []string{"SPX1", "SPX1"}},
		{name: "Escape goes to OnKey, emits nothing, keeps the text", in: seq(typed("SPX"), key(fyne.KeyEscape)),
			keys: []fyne.KeyName{fyne.KeyEscape}, buffered: "SPX"},
		{name: "F-keys and arrows go to OnKey",
			in:   seq(key(fyne.KeyF2), key(fyne.KeyF12), key(fyne.KeyDown), key(fyne.KeyPageUp), key(fyne.KeyDelete)),
			keys: []fyne.KeyName{fyne.KeyF2, fyne.KeyF12, fyne.KeyDown, fyne.KeyPageUp, fyne.KeyDelete}},
		{name: "keys of text and modifiers are not passed on",
			in:    seq(key(fyne.KeyA), key(fyne.Key1), key(fyne.KeyMinus), key(fyne.KeySpace), key(desktop.KeyShiftLeft), typed("A1"), key(fyne.KeyReturn)),
			scans: []string{"A1"}},
		{name: "Tab is dropped without a Tab suffix", in: seq(typed("SPX"), key(fyne.KeyTab), typed("1"), key(fyne.KeyReturn)),
			scans: []string{"SPX1"}},
		{name: "Tab ends a code with a Tab suffix", settings: tab,
			in:    seq(typed("SPX1"), key(fyne.KeyTab), typed("SPX2\t")),
			scans: []string{"SPX1", "SPX2"}},
		{name: "Tab then Enter from a scanner with both", settings: tab,
			in: seq(typed("SPX1"), key(fyne.KeyTab), key(fyne.KeyReturn)), scans: []string{"SPX1"}},
		{name: "Backspace takes back a typed character",
			in:    seq(typed("SPX12"), key(fyne.KeyBackspace), typed("3"), key(fyne.KeyReturn), key(fyne.KeyBackspace)),
			scans: []string{"SPX13"}},
		{name: "paste types the clipboard", in: seq(typed("A-"), shortcut(&fyne.ShortcutPaste{Clipboard: clip}), key(fyne.KeyReturn)),
			scans: []string{"A-SPX0042"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, rec, clock := newRecordedScanField(c.settings)
			scanFeed(f, clock, c.in)
			if !reflect.DeepEqual(rec.scans, c.scans) {
				t.Errorf("scans %q, want %q", rec.scans, c.scans)
			}
			if !reflect.DeepEqual(rec.repeats, c.repeats) {
				t.Errorf("repeats %q, want %q", rec.repeats, c.repeats)
			}
			if !reflect.DeepEqual(rec.keys, c.keys) {
				t.Errorf("keys %q, want %q", rec.keys, c.keys)
			}
			if got := f.Text(); got != c.buffered {
				t.Errorf("buffered %q, want %q", got, c.buffered)
			}
		})
	}
}

// A zero window is the default one.
func TestScanFieldDefaultBlank(t *testing.T) {
	test.NewTempApp(t)
	for _, c := range []struct {
		gap     time.Duration
		repeats int
	}{{DefaultScanBlank - time.Millisecond, 1}, {DefaultScanBlank, 0}} {
		f, rec, clock := newRecordedScanField(ScanSettings{})
		scanFeed(f, clock, scanInputs(scanCode("SPX1"), scanWait(c.gap), scanCode("SPX1")))
		if len(rec.repeats) != c.repeats || len(rec.scans) != 2-c.repeats {
			t.Errorf("after %v: scans %q, repeats %q", c.gap, rec.scans, rec.repeats)
		}
	}
}

// A scanner typing 5 ms apart (as xdotool type --delay 5 does) from another goroutine, through
// fyne.Do as the driver hands events over: every character arrives, in order, in the right code,
// even with the field refreshed and its focus lost and regained in between.
func TestScanFieldScannerSpeed(t *testing.T) {
	test.NewTempApp(t)
	f, rec, clock := newRecordedScanField(ScanSettings{Prefix: "]C1"})
	win := test.NewWindow(f)
	defer win.Close()
	win.Resize(fyne.NewSize(400, 100))
	win.Canvas().Focus(f)

	const runes, codeLen = 2000, 20 // 100 codes of 20 characters, prefix included
	var want []string
	var stream strings.Builder
	for i := 0; stream.Len() < runes; i++ {
		code := fmt.Sprintf("SPXID%012d", i*7919)
		want = append(want, code)
		stream.WriteString("]C1" + code)
	}
	if stream.Len() != runes || len(want)*codeLen != runes {
		t.Fatalf("stream of %d runes in %d codes", stream.Len(), len(want))
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, r := range stream.String() {
			fyne.Do(func() {
				clock.t = clock.t.Add(5 * time.Millisecond)
				f.TypedRune(r)
				switch {
				case i%codeLen == codeLen-1:
					f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
				case i%13 == 0:
					f.Refresh()
				case i%97 == 0:
					win.Canvas().Unfocus()
					win.Canvas().Focus(f)
				}
			})
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the typing goroutine did not finish")
	}

	if !reflect.DeepEqual(rec.scans, want) {
		t.Errorf("got %d codes, want %d; first difference at %d", len(rec.scans), len(want), scanFirstDiff(rec.scans, want))
	}
	if len(rec.repeats) != 0 || f.Text() != "" {
		t.Errorf("repeats %q, left over %q", rec.repeats, f.Text())
	}
}

func scanFirstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// In a window, the focused field gets what is typed, and it keeps the focus through Tab.
func TestScanFieldFocusInWindow(t *testing.T) {
	test.NewTempApp(t)
	var got []string
	f := NewScanField(func(code string) { got = append(got, code) })
	other := widget.NewEntry()
	win := test.NewWindow(container.NewVBox(f, other))
	defer win.Close()
	win.Resize(fyne.NewSize(600, 200))

	win.Canvas().Focus(f)
	if win.Canvas().Focused() != f {
		t.Fatalf("focused is %T", win.Canvas().Focused())
	}
	test.Type(f, "SPX")
	scanTypeFocused(t, win.Canvas(), "ID7")
	if f.Text() != "SPXID7" {
		t.Errorf("buffered %q", f.Text())
	}
	if !f.AcceptsTab() {
		t.Error("a Tab from the scanner would move the focus away")
	}
	win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !reflect.DeepEqual(got, []string{"SPXID7"}) || win.Canvas().Focused() != f {
		t.Errorf("scans %q, focused %T", got, win.Canvas().Focused())
	}

	// The focus leaves mid-code (a click elsewhere) and comes back with a tap: nothing is lost.
	test.Type(f, "SPX")
	win.Canvas().Focus(other)
	if other.Text != "" || f.Text() != "SPX" {
		t.Errorf("after losing the focus: field %q, other entry %q", f.Text(), other.Text)
	}
	test.Tap(f)
	if win.Canvas().Focused() != f {
		t.Fatalf("a tap left the focus on %T", win.Canvas().Focused())
	}
	scanTypeFocused(t, win.Canvas(), "9")
	win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	if !reflect.DeepEqual(got, []string{"SPXID7", "SPX9"}) {
		t.Errorf("scans %q", got)
	}
}

// scanTypeFocused types into whatever has the canvas's focus, as the driver does with key presses
// (test.TypeOnCanvas types to the canvas's own handler instead).
func scanTypeFocused(t *testing.T, c fyne.Canvas, s string) {
	t.Helper()
	f := c.Focused()
	if f == nil {
		t.Fatalf("nothing has the focus to type %q into", s)
	}
	for _, r := range s {
		f.TypedRune(r)
	}
}

// A shortcut other than paste changes nothing in the field. The field hands it to its window's
// canvas, so shortcuts the station registers there (Ctrl+P) work while the field has the focus;
// the GLFW canvas takes it, the test driver's canvas cannot, so that half is checked only when
// the canvas can.
func TestScanFieldOtherShortcuts(t *testing.T) {
	test.NewTempApp(t)
	f, rec, clock := newRecordedScanField(ScanSettings{})
	win := test.NewWindow(f)
	defer win.Close()
	printed := 0
	ctrlP := &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierControl}
	win.Canvas().AddShortcut(ctrlP, func(fyne.Shortcut) { printed++ })
	win.Canvas().Focus(f)
	scanFeed(f, clock, scanInputs(scanTyped("SPX"), scanShortcut(ctrlP), scanShortcut(&fyne.ShortcutSelectAll{}),
		scanShortcut(&fyne.ShortcutCopy{Clipboard: test.NewClipboard()})))
	if f.Text() != "SPX" || rec.scans != nil || rec.keys != nil {
		t.Errorf("buffered %q, scans %q, keys %q", f.Text(), rec.scans, rec.keys)
	}
	if _, ok := win.Canvas().(fyne.Shortcutable); ok && printed != 1 {
		t.Errorf("Ctrl+P ran %d times", printed)
	}
}

// The field shows what is typed in text twice the theme's size, the newest characters when the
// code is longer than the field, and the placeholder when empty.
func TestScanFieldShowsText(t *testing.T) {
	test.NewTempApp(t)
	f := NewScanField(nil)
	win := test.NewWindow(f)
	defer win.Close()
	win.Resize(fyne.NewSize(400, 100))
	text := func() *canvas.Text {
		for _, o := range test.WidgetRenderer(f).Objects() {
			if t, ok := o.(*canvas.Text); ok {
				return t
			}
		}
		t.Fatal("no text in the field")
		return nil
	}

	if got := text().Text; got != f.PlaceHolder || got == "" {
		t.Errorf("empty field shows %q", got)
	}
	if got, want := text().TextSize, 2*theme.TextSize(); got != want {
		t.Errorf("text size %v, want %v", got, want)
	}
	test.Type(f, "SPX42")
	if got := text().Text; got != "SPX42" {
		t.Errorf("shows %q, want SPX42", got)
	}

	long := strings.Repeat("0123456789", 10) + "END"
	test.Type(f, long)
	shown := text().Text
	if !strings.HasPrefix(shown, "…") || !strings.HasSuffix(shown, "END") || len(shown) >= len(long) {
		t.Errorf("a long code shows %q", shown)
	}
	if w := text().MinSize().Width; w > f.Size().Width {
		t.Errorf("text %v wide in a field %v wide", w, f.Size().Width)
	}
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := text().Text; got != f.PlaceHolder {
		t.Errorf("after Enter the field shows %q", got)
	}
}
