package domain

import (
	"fmt"
	"strings"
	"time"
)

// Action is something a seller does to an order. The same rules decide whether a button appears
// on a tab, on the detail view, and whether the command line accepts it.
type Action string

const (
	ActPack          Action = "pack"          // New Order -> To Process
	ActToShip        Action = "to-ship"       // To Process -> To Ship
	ActRepack        Action = "repack"        // Lazada: rebuild a package after items were cancelled
	ActMarkDelivered Action = "deliver"       // seller's own fleet delivered it
	ActCancel        Action = "cancel"        // seller cancels
	ActAnswerCancel  Action = "answer-cancel" // accept or reject the buyer's cancellation
	ActAnswerReturn  Action = "answer-return" // refund, return, reject, offer, dispute
	ActPickList      Action = "picklist"
	ActPrintAWB      Action = "awb"
	ActManifest      Action = "manifest"
	ActPost          Action = "post"
)

// Title is the button label.
func (a Action) Title() string {
	switch a {
	case ActPack:
		return "Pack"
	case ActToShip:
		return "To Ship"
	case ActRepack:
		return "Repack"
	case ActMarkDelivered:
		return "Mark as Delivered"
	case ActCancel:
		return "Cancel Order"
	case ActAnswerCancel:
		return "Respond to Cancellation"
	case ActAnswerReturn:
		return "Respond to Return"
	case ActPickList:
		return "Print Picking List"
	case ActPrintAWB:
		return "Print AWB"
	case ActManifest:
		return "Print Courier Manifest"
	case ActPost:
		return "Post Order"
	}
	return string(a)
}

// Doing says the action is under way, for an order's badge: "Packing…".
func (a Action) Doing() string {
	switch a {
	case ActPack:
		return "Packing…"
	case ActToShip:
		return "Moving to To Ship…"
	case ActRepack:
		return "Repacking…"
	case ActMarkDelivered:
		return "Marking delivered…"
	}
	return a.Title() + "…"
}

// Failed names the action that failed, for an order's red badge: "Pack failed".
func (a Action) Failed() string {
	switch a {
	case ActToShip:
		return "To Ship failed"
	case ActMarkDelivered:
		return "Mark as Delivered failed"
	}
	return a.Title() + " failed"
}

// ParseAction reads an action's command-line name.
func ParseAction(s string) (Action, error) {
	for _, a := range []Action{ActPack, ActToShip, ActRepack, ActMarkDelivered} {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown action %q: use pack, to-ship, repack or deliver", s)
}

// tabActions is what each tab's toolbar offers, in button order. Per-order rules (platform,
// self-delivery, on hold) are in CanDo.
var tabActions = map[Tab][]Action{
	TabUnpaid:    nil,
	TabNew:       {ActPack, ActPickList, ActCancel},
	TabToProcess: {ActToShip, ActPickList, ActPrintAWB, ActManifest, ActRepack, ActCancel},
	TabToShip:    {ActPrintAWB, ActManifest, ActMarkDelivered, ActCancel},
	TabShipped:   {ActMarkDelivered, ActPost},
	TabDelivered: {ActPost},
	TabCompleted: {ActPost},
	TabToCancel:  {ActAnswerCancel},
	TabToReturn:  {ActAnswerReturn},
	TabOthers:    {ActPost},
}

// PostTabs are the tabs whose finished orders are posted to SQL Account (Others only with
// "Include Cancelled Orders").
var PostTabs = []Tab{TabShipped, TabDelivered, TabCompleted}

// TabActions lists the actions a tab offers for its orders.
func TabActions(t Tab) []Action { return tabActions[t] }

// CanDo says whether the action applies to this order now, and if not, why, in words for the
// seller: "ORD-1: Pack is for orders on New Order; this one is on Shipped".
func CanDo(o *Order, a Action) error {
	offered := false
	for _, x := range tabActions[o.Tab] {
		if x == a {
			offered = true
		}
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%s %s: %s", o.Platform.Title(), o.OrderNo, fmt.Sprintf(format, args...))
	}
	if err := Busy(o); err != nil {
		return err
	}
	if !offered {
		var where []string
		for _, t := range Tabs {
			for _, x := range tabActions[t] {
				if x == a {
					where = append(where, t.Title())
				}
			}
		}
		if len(where) == 0 {
			return refuse("%s is not available", a.Title())
		}
		return refuse("%s is for orders on %s; this one is on %s", a.Title(), strings.Join(where, " or "), o.Tab.Title())
	}
	switch a {
	case ActPack:
		if o.Platform == TikTok && strings.EqualFold(o.Status, TtOnHold) {
			return refuse("the order is on hold until TikTok's cancellation window ends")
		}
	case ActRepack:
		if o.Platform != Lazada {
			return refuse("Repack is a Lazada action")
		}
	case ActMarkDelivered:
		if !o.SelfDelivery {
			return refuse("only orders delivered by your own fleet are marked delivered by you; the courier reports this one")
		}
	case ActCancel:
		if o.Tab == TabToShip && o.Platform != Lazada {
			return refuse("%s orders can be cancelled only on New Order or To Process", o.Platform.Title())
		}
	case ActPost:
		if o.Tab == TabOthers {
			return refuse("cancelled and returned orders are posted only with \"Include Cancelled Orders\"")
		}
	}
	return nil
}

// Busy refuses a new action while one Kedai is sending for the order is under way.
func Busy(o *Order) error {
	if o.PendingAction == "" {
		return nil
	}
	return fmt.Errorf("%s %s: %s is already under way; wait for it to finish", o.Platform.Title(), o.OrderNo, o.PendingAction.Title())
}

// Done reports whether the platform already shows an action's effect on the order, as read
// from the platform now: an action that is done is never sent again (a retry after a crash or a
// timeout must not pack or ship twice).
func Done(o *Order, a Action, now time.Time) bool {
	tab := DeriveTab(o, now)
	past := func(t Tab) bool { // the order is further on than t, or left the flow
		switch tab {
		case TabUnpaid, TabNew:
			return false
		case TabToProcess:
			return t == TabNew
		case TabToShip:
			return t == TabNew || t == TabToProcess
		}
		return true
	}
	switch a {
	case ActPack:
		return past(TabNew)
	case ActToShip:
		return past(TabToProcess)
	case ActRepack:
		// Repacked items are back on New Order; a package that is gone cannot be repacked again.
		return tab == TabNew || past(TabToProcess)
	case ActMarkDelivered:
		return tab == TabDelivered || tab == TabCompleted || tab == TabToReturn
	}
	return false
}

// Apply gives the order the state the platform confirmed an action brought it to, for showing the
// effect before the platform's own copy is read back (the next sync replaces it whole). It changes
// only what the action is known to change: statuses; package ids, tracking numbers and couriers
// come with the platform's copy.
func Apply(o *Order, a Action, now time.Time) {
	if o.Platform == Lazada {
		lazadaApply(o, a, now)
	} else if a == ActPack {
		switch {
		case o.Platform == Shopee && (strings.EqualFold(o.Status, SpReadyToShip) || strings.EqualFold(o.Status, SpInvoicePending)):
			o.Status = SpProcessed
		case o.Platform == TikTok && strings.EqualFold(o.Status, TtAwaitingShipment):
			o.Status = TtAwaitingCollection
		}
	}
	o.Tab = DeriveTab(o, now)
}

// lazadaApply moves the items the action concerns, as Lazada does item by item.
func lazadaApply(o *Order, a Action, now time.Time) {
	from, to := map[string]bool{}, ""
	switch a {
	case ActPack:
		from, to = map[string]bool{LzPending: true, LzRepacked: true, LzToPack: true}, LzPacked
	case ActToShip:
		from, to = map[string]bool{LzPacked: true, LzToShip: true}, LzReadyToShip
	case ActRepack:
		from, to = map[string]bool{LzPacked: true, LzReadyToShipPending: true, LzReadyToShip: true}, LzRepacked
	case ActMarkDelivered:
		from, to = map[string]bool{LzReadyToShip: true, LzReadyToShipPending: true, LzShipping: true, LzShipped: true}, LzDelivered
	default:
		return
	}
	moved := false
	for i := range o.Items {
		if from[strings.ToLower(o.Items[i].Status)] {
			o.Items[i].Status, moved = to, true
			if a == ActRepack {
				o.Items[i].PackageID = ""
			}
		}
	}
	if !moved {
		return
	}
	o.Status = strings.Join(LazadaStatuses(o.Items), ", ")
	switch a {
	case ActRepack:
		o.Packages = nil
	case ActMarkDelivered:
		o.DeliveredAt = now
	}
}
