package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// EscSelect is a Select that lets Escape close its form: Fyne's dialogs do not close on Escape,
// and a Select keeps the focus once chosen from (its own TypedKey takes the key).
type EscSelect struct {
	widget.Select
	onEscape func()
}

func NewEscSelect(onEscape func(), changed func(string)) *EscSelect {
	s := &EscSelect{onEscape: onEscape}
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey closes the form on Escape.
func (s *EscSelect) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && s.onEscape != nil {
		s.onEscape()
		return
	}
	s.Select.TypedKey(ev)
}

// EscCheck is a Check that lets Escape close its form, as EscSelect.
type EscCheck struct {
	widget.Check
	onEscape func()
}

func NewEscCheck(label string, onEscape func()) *EscCheck {
	c := &EscCheck{onEscape: onEscape}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey closes the form on Escape.
func (c *EscCheck) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && c.onEscape != nil {
		c.onEscape()
		return
	}
	c.Check.TypedKey(ev)
}
