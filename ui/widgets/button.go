package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Button is a button that Enter presses when it has focus, as on every desktop, not only Space.
type Button struct {
	widget.Button
	// OnEscape, when set, runs on Escape while the button has the focus (a dialog's Cancel).
	OnEscape func()
}

// NewButton makes a Button.
func NewButton(label string, tapped func()) *Button {
	b := &Button{}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter and Return too.
func (b *Button) TypedKey(ev *fyne.KeyEvent) {
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
		return
	}
	if ev.Name == fyne.KeyEscape && b.OnEscape != nil {
		b.OnEscape()
		return
	}
	b.Button.TypedKey(ev)
}

// Base is the Fyne button inside (its label, for tests that find buttons by what they say).
func (b *Button) Base() *widget.Button { return &b.Button }
