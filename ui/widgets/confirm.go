package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
)

// Confirm shows a question with a confirm and a dismiss button, as Fyne's confirm dialog does,
// but keyboard first: the confirm button has the focus, so Enter confirms and Escape dismisses
// (Tab moves between the two). A text message is wrapped in a label; other content is shown as
// it is. done gets true when confirmed.
func Confirm(win fyne.Window, title, confirm, dismiss string, content fyne.CanvasObject, done func(bool)) dialog.Dialog {
	var d *dialog.CustomDialog
	answer := func(ok bool) func() {
		return func() {
			d.Hide()
			if done != nil {
				done(ok)
			}
		}
	}
	yes := NewButton(confirm, nil)
	yes.Icon, yes.Importance = theme.ConfirmIcon(), widget.HighImportance
	no := NewButton(dismiss, nil)
	no.Icon = theme.CancelIcon()
	yes.OnTapped, no.OnTapped = answer(true), answer(false)
	yes.OnEscape, no.OnEscape = no.OnTapped, no.OnTapped
	d = dialog.NewCustomWithoutButtons(title, content, win)
	d.SetButtons([]fyne.CanvasObject{no, yes})
	d.Show()
	win.Canvas().Focus(yes)
	return d
}

// Ask is Confirm with a one-line question.
func Ask(win fyne.Window, title, question, confirm, dismiss string, done func(bool)) dialog.Dialog {
	return Confirm(win, title, confirm, dismiss, widget.NewLabel(question), done)
}

// Words for a store's usual way of shipping.
const (
	pickupWords  = "The courier picks up (pickup)"
	dropOffWords = "I drop them off (drop-off)"
)

// ShippingMethod is the choice of how a store's parcels usually reach the courier.
type ShippingMethod struct {
	*widget.RadioGroup
}

// NewShippingMethod offers pickup and drop-off, with current chosen (pickup when none).
func NewShippingMethod(current string) ShippingMethod {
	r := widget.NewRadioGroup([]string{pickupWords, dropOffWords}, nil)
	r.Required = true
	r.SetSelected(pickupWords)
	if current == domain.DropOff {
		r.SetSelected(dropOffWords)
	}
	return ShippingMethod{r}
}

// Shipping is the choice made.
func (m ShippingMethod) Shipping() domain.Shipping {
	if m.Selected == dropOffWords {
		return domain.Shipping{Method: domain.DropOff}
	}
	return domain.Shipping{Method: domain.Pickup}
}
