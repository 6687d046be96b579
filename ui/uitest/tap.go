package uitest

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// labelled is any button: Fyne's own, or one that embeds it.
type labelled interface {
	fyne.Tappable
	fyne.Disableable
}

// buttonText is a button's label, whatever button type embeds Fyne's.
func buttonText(o fyne.CanvasObject) (string, bool) {
	switch b := o.(type) {
	case *widget.Button:
		return b.Text, true
	case interface{ Base() *widget.Button }:
		return b.Base().Text, true
	}
	return "", false
}

// find walks what is drawn, depth first, skipping hidden objects.
func find(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil || !o.Visible() {
		return nil
	}
	if match(o) {
		return o
	}
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		children = x.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(x).Objects()
	}
	for _, c := range children {
		if f := find(c, match); f != nil {
			return f
		}
	}
	return nil
}

// top is what a user can reach: the topmost dialog or pop-up if one is open, else the window.
func top(c fyne.Canvas) fyne.CanvasObject {
	if o := c.Overlays().Top(); o != nil {
		return o
	}
	return c.Content()
}

// Find is the first visible object of type T that a user can reach (see Tap).
func Find[T fyne.CanvasObject](c fyne.Canvas) (T, bool) {
	o := find(top(c), func(o fyne.CanvasObject) bool { _, ok := o.(T); return ok })
	t, ok := o.(T)
	return t, ok
}

// Tap taps the enabled button labelled text that is on top: in the topmost dialog or pop-up if
// one is open (as a user can reach only that), else in the window. It reports whether it found one.
func Tap(c fyne.Canvas, text string) bool {
	b := find(top(c), func(o fyne.CanvasObject) bool {
		t, ok := buttonText(o)
		d, able := o.(labelled)
		return ok && able && t == text && !d.Disabled()
	})
	if b == nil {
		return false
	}
	test.Tap(b.(fyne.Tappable))
	return true
}
