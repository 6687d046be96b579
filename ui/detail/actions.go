package detail

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Actions carries out fulfilment actions on one order (the engine).
type Actions interface {
	widgets.Jobs
	Submit(ctx context.Context, a domain.Action, ids []int64, ship domain.Shipping) (int64, []domain.Refusal, error)
	StoreShipping(ctx context.Context, storeID int64) (domain.Shipping, bool, error)
	ShippingChoices(ctx context.Context, orderID int64) (domain.ShippingChoices, error)
}

// actionsOffered are the detail view's action buttons, in order.
var actionsOffered = []domain.Action{domain.ActPack, domain.ActToShip, domain.ActRepack, domain.ActMarkDelivered}

// showActions shows the buttons the rules allow for this order, and its action's state.
func (v *View) showActions() {
	o := &v.order
	v.actionBox.RemoveAll()
	offered := actionsOffered
	if v.aftersales != nil {
		offered = append(offered[:len(offered):len(offered)], domain.ActCancel)
	}
	for _, a := range offered {
		if domain.CanDo(o, a) != nil {
			continue
		}
		b := widgets.NewButton(a.Title(), func() { v.Act(a) })
		b.Importance = widget.HighImportance
		if a == domain.ActCancel {
			b.Importance = widget.DangerImportance
		}
		v.actionBox.Add(b)
	}
	switch {
	case o.PendingAction != "":
		v.actionState.SetText(o.PendingAction.Doing() + " Kedai is telling " + o.Platform.Title() + ".")
		v.actionState.Importance = widget.MediumImportance
		v.actionState.Show()
	case o.ActionError != "":
		v.actionState.SetText(o.ActionError + " — you can try again.")
		v.actionState.Importance = widget.DangerImportance
		v.actionState.Show()
	default:
		v.actionState.Hide()
	}
	v.actionState.Refresh()
}

// ActionButtons are the titles of the action buttons on show (for tests).
func (v *View) ActionButtons() []string {
	var out []string
	for _, o := range v.actionBox.Objects {
		out = append(out, o.(*widgets.Button).Text)
	}
	return out
}

// Act takes an action on this order: a Shopee or TikTok pack asks how the parcel goes, with the
// platform's own choices; the others ask to confirm.
func (v *View) Act(a domain.Action) {
	o := v.order
	if err := domain.CanDo(&o, a); err != nil {
		v.showMessage(err.Error())
		return
	}
	if a == domain.ActPack && o.Platform != domain.Lazada {
		v.askShipping(o)
		return
	}
	if a == domain.ActCancel && v.aftersales != nil {
		v.askCancel()
		return
	}
	v.dialog = widgets.Ask(v.win, a.Title(), fmt.Sprintf("%s %s order %s?", a.Title(), o.Platform.Title(), o.OrderNo), "Yes", "No", func(ok bool) {
		if ok {
			v.submit(a, domain.Shipping{})
		}
	})
}

func (v *View) submit(a domain.Action, ship domain.Shipping) {
	id := v.order.ID
	v.run.Go(func() func() {
		job, refused, err := v.actions.Submit(context.Background(), a, []int64{id}, ship)
		return func() {
			if err != nil {
				v.showMessage(fmt.Sprintf("%s: %v", a.Title(), err))
				return
			}
			v.Reload()
			v.job = widgets.ShowJob(v.win, v.run, v.actions, a.Title()+" "+v.order.OrderNo, job, refused)
			v.job.OnFinished = func(domain.JobProgress) { v.Reload() }
		}
	})
}

// Job is the last action's dialog (for tests).
func (v *View) Job() *widgets.JobDialog { return v.job }

var methodLabels = map[string]string{
	domain.Pickup:        "The courier picks up",
	domain.DropOff:       "I drop it off",
	domain.NonIntegrated: "Another courier (its tracking number)",
}

// askShipping reads what the platform offers for this order and lets the seller choose.
func (v *View) askShipping(o domain.Order) {
	v.run.Go(func() func() {
		ctx := context.Background()
		choices, err := v.actions.ShippingChoices(ctx, o.ID)
		usual, _, _ := v.actions.StoreShipping(ctx, o.StoreID)
		return func() {
			if err != nil {
				v.showMessage("Could not ask " + o.Platform.Title() + " how this order can ship: " + err.Error())
				return
			}
			v.shipping = newShippingForm(o, choices, usual)
			v.dialog = widgets.Confirm(v.win, "Pack "+o.OrderNo, "Pack", "Cancel", v.shipping.content, func(ok bool) {
				if !ok {
					return
				}
				ship, err := v.shipping.read()
				if err != nil {
					v.showMessage(err.Error())
					return
				}
				v.submit(domain.ActPack, ship)
			})
			v.dialog.Resize(fyne.NewSize(560, 380))
		}
	})
}

// shippingForm is the choice of how one parcel goes.
type shippingForm struct {
	choices  domain.ShippingChoices
	method   *widget.RadioGroup
	address  *widget.Select
	slot     *widget.Select
	branch   *widget.Select
	tracking *widget.Entry
	content  fyne.CanvasObject
	platform domain.Platform
}

const earliest = "The earliest available"

func newShippingForm(o domain.Order, c domain.ShippingChoices, usual domain.Shipping) *shippingForm {
	f := &shippingForm{choices: c, platform: o.Platform, tracking: widget.NewEntry()}
	var labels []string
	for _, m := range c.Methods {
		labels = append(labels, methodLabels[m])
	}
	f.method = widget.NewRadioGroup(labels, func(string) { f.showFields() })
	f.address = widget.NewSelect(nil, func(string) { f.fillSlots() })
	f.slot = widget.NewSelect(nil, nil)
	f.branch = widget.NewSelect(nil, nil)
	f.tracking.SetPlaceHolder("the other courier's tracking number")
	for _, a := range c.Addresses {
		f.address.Options = append(f.address.Options, a.Label)
	}
	for _, b := range c.Branches {
		f.branch.Options = append(f.branch.Options, b.Label)
	}
	if len(f.address.Options) > 0 {
		f.address.SetSelectedIndex(0)
		for i, a := range c.Addresses {
			if a.ID == usual.AddressID {
				f.address.SetSelectedIndex(i)
			}
		}
	}
	if len(f.branch.Options) > 0 {
		f.branch.SetSelectedIndex(0)
	}
	f.fillSlots()
	switch {
	case usual.Method != "" && contains(c.Methods, usual.Method):
		f.method.SetSelected(methodLabels[usual.Method])
	case len(labels) > 0:
		f.method.SetSelected(labels[0])
	}
	if len(labels) == 0 {
		f.content = widget.NewLabel(o.Platform.Title() + " offers no way to ship this order now.")
		return f
	}
	form := widget.NewForm(
		widget.NewFormItem("How", f.method),
		widget.NewFormItem("Pickup address", f.address),
		widget.NewFormItem("Pickup time", f.slot),
		widget.NewFormItem("Drop-off point", f.branch),
		widget.NewFormItem("Tracking number", f.tracking),
	)
	f.content = form
	f.showFields()
	return f
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (f *shippingForm) selectedMethod() string {
	for m, l := range methodLabels {
		if l == f.method.Selected {
			return m
		}
	}
	return ""
}

func (f *shippingForm) showFields() {
	m := f.selectedMethod()
	show := func(w fyne.Disableable, on bool) {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	show(f.address, m == domain.Pickup && len(f.choices.Addresses) > 0)
	show(f.slot, m == domain.Pickup)
	show(f.branch, m == domain.DropOff && len(f.choices.Branches) > 0)
	show(f.tracking, m == domain.NonIntegrated)
}

// fillSlots lists the pickup times of the chosen address (Shopee) or of the package (TikTok).
func (f *shippingForm) fillSlots() {
	slots := f.choices.Slots
	if i := f.address.SelectedIndex(); i >= 0 && i < len(f.choices.Addresses) {
		slots = f.choices.Addresses[i].Slots
	}
	f.slot.Options = []string{earliest}
	for _, s := range slots {
		label := s.Label
		if label == "" && !s.Start.IsZero() {
			label = s.Start.Local().Format("Mon 02 Jan 15:04") + " – " + s.End.Local().Format("15:04")
		}
		f.slot.Options = append(f.slot.Options, label)
	}
	f.slot.SetSelectedIndex(0)
}

// read is the choice; a tracking number is required for another courier.
func (f *shippingForm) read() (domain.Shipping, error) {
	s := domain.Shipping{Method: f.selectedMethod()}
	if s.Method == "" {
		return s, fmt.Errorf("choose how the parcel goes")
	}
	switch s.Method {
	case domain.Pickup:
		slots := f.choices.Slots
		if i := f.address.SelectedIndex(); i >= 0 && i < len(f.choices.Addresses) {
			s.AddressID = f.choices.Addresses[i].ID
			slots = f.choices.Addresses[i].Slots
		}
		if i := f.slot.SelectedIndex() - 1; i >= 0 && i < len(slots) {
			s.PickupTimeID, s.PickupStart, s.PickupEnd = slots[i].ID, slots[i].Start, slots[i].End
		}
	case domain.DropOff:
		if i := f.branch.SelectedIndex(); i >= 0 && i < len(f.choices.Branches) {
			s.BranchID = f.choices.Branches[i].ID
		}
	case domain.NonIntegrated:
		s.TrackingNo = strings.TrimSpace(f.tracking.Text)
		if s.TrackingNo == "" {
			return s, fmt.Errorf("enter the other courier's tracking number")
		}
	}
	return s, nil
}
