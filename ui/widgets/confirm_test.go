package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
)

// A question answers to the keyboard: Enter confirms, Escape dismisses, and either closes it.
func TestConfirmByKeyboard(t *testing.T) {
	test.NewTempApp(t)
	win := test.NewWindow(nil)
	defer win.Close()
	win.Resize(fyne.NewSize(800, 600))
	for _, c := range []struct {
		key  fyne.KeyName
		want bool
	}{{fyne.KeyReturn, true}, {fyne.KeyEnter, true}, {fyne.KeyEscape, false}} {
		var got []bool
		Ask(win, "Pack", "Pack 3 orders?", "Yes", "No", func(ok bool) { got = append(got, ok) })
		focused := win.Canvas().Focused()
		if focused == nil {
			t.Fatal("nothing has the focus in the question")
		}
		focused.TypedKey(&fyne.KeyEvent{Name: c.key})
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: answers %v, want [%v]", c.key, got, c.want)
		}
		if win.Canvas().Overlays().Top() != nil {
			t.Errorf("%s: the question is still open", c.key)
		}
	}
}

func TestShippingMethod(t *testing.T) {
	test.NewTempApp(t)
	if m := NewShippingMethod(""); m.Shipping().Method != domain.Pickup {
		t.Errorf("default %+v", m.Shipping())
	}
	m := NewShippingMethod(domain.DropOff)
	if m.Shipping().Method != domain.DropOff {
		t.Errorf("drop-off shown as %+v", m.Shipping())
	}
	m.SetSelected(m.Options[0])
	if m.Shipping().Method != domain.Pickup {
		t.Errorf("pickup chosen: %+v", m.Shipping())
	}
}
