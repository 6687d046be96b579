package domain

import (
	"strings"
	"time"
)

// LazadaReturnWindow is how long after delivery a Lazada order can still be returned. Lazada has
// no "completed" status, so a delivered order moves to Completed once this has passed.
const LazadaReturnWindow = 15 * 24 * time.Hour

// Lazada item statuses as the API spells them ("canceled" with one L). The list is every value
// the reference names: GetOrders' example, the status filters, and the parameter doc.
const (
	LzUnpaid             = "unpaid"
	LzPending            = "pending"
	LzRepacked           = "repacked"
	LzPacked             = "packed"
	LzReadyToShipPending = "ready_to_ship_pending"
	LzReadyToShip        = "ready_to_ship"
	LzShipping           = "shipping"
	LzShipped            = "shipped"
	LzDelivered          = "delivered"
	LzCanceled           = "canceled"
	LzReturned           = "returned"
	LzFailed             = "failed"
	LzFailedDelivery     = "failed_delivery"
	LzLost               = "lost"
	LzLostBy3PL          = "lost_by_3pl"
	LzDamagedBy3PL       = "damaged_by_3pl"
	LzShippedBack        = "shipped_back"
	LzShippedBackSuccess = "shipped_back_success"
	LzShippedBackFailed  = "shipped_back_failed"
	LzPackageScrapped    = "package_scrapped"
	LzToPack             = "topack" // filter aliases; accepted if a status ever carries them
	LzToShip             = "toship"
)

// lazadaRank orders the live item statuses by how far fulfilment has come. An order sits on the
// tab of its least advanced live item: one unpacked item keeps the whole order on New Order.
var lazadaRank = map[string]struct {
	rank int
	tab  Tab
}{
	LzUnpaid:             {0, TabUnpaid},
	LzPending:            {1, TabNew},
	LzRepacked:           {1, TabNew},
	LzToPack:             {1, TabNew},
	LzPacked:             {2, TabToProcess},
	LzToShip:             {2, TabToProcess},
	LzReadyToShipPending: {3, TabToShip},
	LzReadyToShip:        {3, TabToShip},
	LzShipping:           {4, TabShipped},
	LzShipped:            {4, TabShipped},
	LzDelivered:          {5, TabDelivered},
}

// lazadaDead are item statuses that end an item's life: it will not ship (again).
var lazadaDead = map[string]bool{
	LzCanceled: true, LzReturned: true, LzFailed: true, LzFailedDelivery: true, LzLost: true,
	LzLostBy3PL: true, LzDamagedBy3PL: true, LzShippedBack: true, LzShippedBackSuccess: true,
	LzShippedBackFailed: true, LzPackageScrapped: true,
}

// LazadaItemLive reports whether an item with this status is still on its way to the buyer.
func LazadaItemLive(status string) bool {
	_, ok := lazadaRank[strings.ToLower(status)]
	return ok
}

// LazadaItemCancelled reports whether a Lazada item status means the line was cancelled.
func LazadaItemCancelled(status string) bool { return strings.ToLower(status) == LzCanceled }

// Shopee order statuses (OrderStatus data definition, plus the INVOICE_PENDING list filter and
// PENDING, which appears only with request_order_status_pending=true).
const (
	SpUnpaid           = "UNPAID"
	SpPending          = "PENDING"
	SpReadyToShip      = "READY_TO_SHIP"
	SpInvoicePending   = "INVOICE_PENDING"
	SpProcessed        = "PROCESSED"
	SpRetryShip        = "RETRY_SHIP"
	SpShipped          = "SHIPPED"
	SpToConfirmReceive = "TO_CONFIRM_RECEIVE"
	SpInCancel         = "IN_CANCEL"
	SpCancelled        = "CANCELLED"
	SpToReturn         = "TO_RETURN"
	SpCompleted        = "COMPLETED"
)

// TikTok order statuses (202309+): exactly these nine.
const (
	TtUnpaid             = "UNPAID"
	TtOnHold             = "ON_HOLD"
	TtAwaitingShipment   = "AWAITING_SHIPMENT"
	TtPartiallyShipping  = "PARTIALLY_SHIPPING"
	TtAwaitingCollection = "AWAITING_COLLECTION"
	TtInTransit          = "IN_TRANSIT"
	TtDelivered          = "DELIVERED"
	TtCompleted          = "COMPLETED"
	TtCancelled          = "CANCELLED"
)

// DeriveTab places an order on its tab from the platform's status, the buyer's pending requests and
// Kedai's own stage. now is needed only for Lazada's Completed rule.
func DeriveTab(o *Order, now time.Time) Tab {
	switch o.Platform {
	case Lazada:
		return lazadaTab(o, now)
	case Shopee:
		return shopeeTab(o)
	case TikTok:
		return tiktokTab(o)
	}
	return TabOthers
}

// LazadaStatuses lists the distinct item statuses in the order they first appear, as GetOrders'
// `statuses` does.
func LazadaStatuses(items []Item) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		s := strings.ToLower(it.Status)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func lazadaTab(o *Order, now time.Time) Tab {
	statuses := LazadaStatuses(o.Items)
	if len(statuses) == 0 { // items not fetched yet: fall back to the order's statuses list
		for _, s := range strings.Split(o.Status, ",") {
			if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
				statuses = append(statuses, s)
			}
		}
	}
	best, found := 0, false
	var tab Tab
	for _, s := range statuses {
		r, ok := lazadaRank[s]
		if !ok {
			continue
		}
		if !found || r.rank < best {
			best, tab, found = r.rank, r.tab, true
		}
	}
	if o.ReturnRequested {
		return TabToReturn
	}
	if !found { // nothing live: cancelled, returned, lost, or a status we do not know
		return TabOthers
	}
	if o.CancelRequested && tab != TabUnpaid {
		return TabToCancel
	}
	if tab == TabDelivered && !o.DeliveredAt.IsZero() && now.Sub(o.DeliveredAt) >= LazadaReturnWindow {
		return TabCompleted
	}
	return tab
}

func shopeeTab(o *Order) Tab {
	st := strings.ToUpper(o.Status)
	if st == SpCancelled {
		return TabOthers
	}
	if o.ReturnRequested || st == SpToReturn {
		return TabToReturn
	}
	if st == SpInCancel || (o.CancelRequested && st != SpUnpaid) {
		return TabToCancel
	}
	switch st {
	case SpUnpaid, SpPending:
		return TabUnpaid
	case SpReadyToShip, SpInvoicePending:
		return TabNew
	case SpProcessed, SpRetryShip:
		if o.Stage == StageReady {
			return TabToShip
		}
		return TabToProcess
	case SpShipped:
		return TabShipped
	case SpToConfirmReceive:
		return TabDelivered
	case SpCompleted:
		return TabCompleted
	}
	return TabOthers
}

func tiktokTab(o *Order) Tab {
	st := strings.ToUpper(o.Status)
	if st == TtCancelled {
		return TabOthers
	}
	if o.ReturnRequested {
		return TabToReturn
	}
	if o.CancelRequested && st != TtUnpaid {
		return TabToCancel
	}
	switch st {
	case TtUnpaid:
		return TabUnpaid
	case TtOnHold, TtAwaitingShipment:
		return TabNew
	case TtAwaitingCollection:
		if o.Stage == StageReady {
			return TabToShip
		}
		return TabToProcess
	case TtPartiallyShipping, TtInTransit:
		return TabShipped
	case TtDelivered:
		return TabDelivered
	case TtCompleted:
		return TabCompleted
	}
	return TabOthers
}

// StatusLabel is the platform status as a person reads it: "ready_to_ship" becomes "Ready to ship".
func StatusLabel(status string) string {
	s := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(status)), "_", " ")
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, " 3pl", " 3PL")
	return strings.ToUpper(s[:1]) + s[1:]
}
