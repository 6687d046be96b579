package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// KeyEntry is a one-line entry that lets its screen act on keys an entry has no use for, such as
// Down to move from a search box into its results, or Escape to leave it.
type KeyEntry struct {
	widget.Entry

	// OnKey sees each key first; returning true means it was handled.
	OnKey func(*fyne.KeyEvent) bool
}

// NewKeyEntry makes an empty KeyEntry.
func NewKeyEntry() *KeyEntry {
	e := &KeyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey offers the key to OnKey before the entry.
func (e *KeyEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.OnKey != nil && e.OnKey(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}
