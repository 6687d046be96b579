package domain

import (
	"strings"
	"testing"
)

func TestCanDo(t *testing.T) {
	cases := []struct {
		name   string
		order  Order
		action Action
		refuse string // empty: allowed; otherwise a fragment of the reason
	}{
		{"pack a new order", Order{Platform: Shopee, Tab: TabNew, Status: "READY_TO_SHIP"}, ActPack, ""},
		{"pack a shipped order", Order{Platform: Shopee, Tab: TabShipped}, ActPack, "Pack is for orders on New Order; this one is on Shipped"},
		{"pack TikTok on hold", Order{Platform: TikTok, Tab: TabNew, Status: "ON_HOLD"}, ActPack, "on hold"},
		{"to ship from to process", Order{Platform: TikTok, Tab: TabToProcess}, ActToShip, ""},
		{"to ship from new", Order{Platform: TikTok, Tab: TabNew}, ActToShip, "To Ship is for orders on To Process"},
		{"repack lazada", Order{Platform: Lazada, Tab: TabToProcess}, ActRepack, ""},
		{"repack shopee", Order{Platform: Shopee, Tab: TabToProcess}, ActRepack, "Lazada action"},
		{"deliver own fleet", Order{Platform: Lazada, Tab: TabShipped, SelfDelivery: true}, ActMarkDelivered, ""},
		{"deliver courier", Order{Platform: Lazada, Tab: TabShipped}, ActMarkDelivered, "own fleet"},
		{"cancel lazada on to ship", Order{Platform: Lazada, Tab: TabToShip}, ActCancel, ""},
		{"cancel shopee on to ship", Order{Platform: Shopee, Tab: TabToShip}, ActCancel, "only on New Order or To Process"},
		{"cancel tiktok on new", Order{Platform: TikTok, Tab: TabNew}, ActCancel, ""},
		{"cancel on shipped", Order{Platform: Lazada, Tab: TabShipped}, ActCancel, "Cancel Order is for orders on"},
		{"answer buyer cancel", Order{Platform: Shopee, Tab: TabToCancel}, ActAnswerCancel, ""},
		{"answer return", Order{Platform: Shopee, Tab: TabToReturn}, ActAnswerReturn, ""},
		{"post completed", Order{Platform: Shopee, Tab: TabCompleted}, ActPost, ""},
		{"post others", Order{Platform: Shopee, Tab: TabOthers}, ActPost, "Include Cancelled"},
		{"post unpaid", Order{Platform: Shopee, Tab: TabUnpaid}, ActPost, "Post Order is for orders on"},
		{"nothing on unpaid", Order{Platform: Lazada, Tab: TabUnpaid}, ActPack, "Pack is for orders on New Order"},
		{"one action at a time", Order{Platform: Shopee, Tab: TabNew, PendingAction: ActPack}, ActPack, "Pack is already under way"},
		{"a failed action may be tried again", Order{Platform: Shopee, Tab: TabNew, ActionError: "no slot"}, ActPack, ""},
	}
	for _, c := range cases {
		c.order.OrderNo = "ORD-1"
		err := CanDo(&c.order, c.action)
		switch {
		case c.refuse == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.refuse != "" && err == nil:
			t.Errorf("%s: allowed, want refusal %q", c.name, c.refuse)
		case c.refuse != "" && !strings.Contains(err.Error(), c.refuse):
			t.Errorf("%s: reason %q does not say %q", c.name, err, c.refuse)
		}
		if err != nil && !strings.Contains(err.Error(), "ORD-1") {
			t.Errorf("%s: reason %q does not name the order", c.name, err)
		}
	}
}

// Every action a tab offers is allowed for a plain order on that tab of some platform, so no tab
// shows a button that always refuses.
func TestTabActionsAreReachable(t *testing.T) {
	for _, tab := range Tabs {
		for _, a := range TabActions(tab) {
			ok := false
			for _, p := range Platforms {
				for _, self := range []bool{false, true} {
					o := Order{Platform: p, Tab: tab, SelfDelivery: self, Status: "X"}
					if CanDo(&o, a) == nil {
						ok = true
					}
				}
			}
			if !ok && !(tab == TabOthers && a == ActPost) {
				t.Errorf("tab %s offers %s but no order there may do it", tab.Title(), a)
			}
		}
	}
}

func TestDone(t *testing.T) {
	lz := func(statuses ...string) *Order { return lazadaOrder(statuses...) }
	cases := []struct {
		name string
		o    *Order
		a    Action
		done bool
	}{
		{"lazada pending not packed", lz("pending", "pending"), ActPack, false},
		{"lazada packed", lz("packed", "packed"), ActPack, true},
		{"lazada half packed", lz("packed", "pending"), ActPack, false},
		{"lazada packed, one cancelled", lz("packed", "canceled"), ActPack, true},
		{"lazada all cancelled: nothing left to pack", lz("canceled"), ActPack, true},
		{"lazada rts not yet", lz("packed"), ActToShip, false},
		{"lazada rts done", lz("ready_to_ship"), ActToShip, true},
		{"lazada repacked", lz("repacked"), ActRepack, true},
		{"lazada still packed", lz("packed"), ActRepack, false},
		{"lazada delivered", lz("delivered"), ActMarkDelivered, true},
		{"lazada shipped", lz("shipped"), ActMarkDelivered, false},
		{"shopee arranged", &Order{Platform: Shopee, Status: "PROCESSED"}, ActPack, true},
		{"shopee not arranged", &Order{Platform: Shopee, Status: "READY_TO_SHIP"}, ActPack, false},
		{"shopee ready stage", &Order{Platform: Shopee, Status: "PROCESSED", Stage: StageReady}, ActToShip, true},
		{"tiktok shipped by the seller", &Order{Platform: TikTok, Status: "AWAITING_COLLECTION"}, ActPack, true},
		{"tiktok awaiting", &Order{Platform: TikTok, Status: "AWAITING_SHIPMENT"}, ActPack, false},
		{"tiktok in transit", &Order{Platform: TikTok, Status: "IN_TRANSIT"}, ActPack, true},
	}
	for _, c := range cases {
		if got := Done(c.o, c.a, now); got != c.done {
			t.Errorf("%s: Done = %v, want %v", c.name, got, c.done)
		}
	}
}

// Apply brings an order to the state its action's Done recognises, and to the expected tab,
// touching nothing the action does not concern.
func TestApply(t *testing.T) {
	lz := func(statuses ...string) *Order { return lazadaOrder(statuses...) }
	cases := []struct {
		name string
		o    *Order
		a    Action
		tab  Tab
		want string // the status afterwards
	}{
		{"lazada pack", lz("pending", "canceled"), ActPack, TabToProcess, "packed, canceled"},
		{"lazada pack repacked", lz("repacked", "packed"), ActPack, TabToProcess, "packed"},
		{"lazada rts", lz("packed", "packed"), ActToShip, TabToShip, "ready_to_ship"},
		{"lazada repack", lz("packed", "canceled"), ActRepack, TabNew, "repacked, canceled"},
		{"lazada delivered", lz("shipped"), ActMarkDelivered, TabDelivered, "delivered"},
		{"shopee arrange", &Order{Platform: Shopee, Status: "READY_TO_SHIP"}, ActPack, TabToProcess, "PROCESSED"},
		{"tiktok ship", &Order{Platform: TikTok, Status: "AWAITING_SHIPMENT"}, ActPack, TabToProcess, "AWAITING_COLLECTION"},
		{"tiktok on hold stays", &Order{Platform: TikTok, Status: "ON_HOLD"}, ActPack, TabNew, "ON_HOLD"},
	}
	for _, c := range cases {
		o := *c.o
		o.Items = append([]Item(nil), c.o.Items...)
		if c.a == ActRepack {
			o.Packages = []Package{{ID: "FP1"}}
			for i := range o.Items {
				o.Items[i].PackageID = "FP1"
			}
		}
		Apply(&o, c.a, now)
		if o.Tab != c.tab || o.Status != c.want {
			t.Errorf("%s: tab %s status %q, want %s %q", c.name, o.Tab.Title(), o.Status, c.tab.Title(), c.want)
		}
		if c.name != "tiktok on hold stays" && !Done(&o, c.a, now) {
			t.Errorf("%s: Done does not see the applied action", c.name)
		}
		if c.a == ActRepack && (len(o.Packages) != 0 || o.Items[0].PackageID != "") {
			t.Errorf("%s: the package survived a repack: %+v", c.name, o)
		}
	}
}
