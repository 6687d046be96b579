package domain

import (
	"strings"
	"testing"
)

func TestJudgeScan(t *testing.T) {
	packed := func(tab Tab) Order {
		return Order{Platform: Shopee, OrderNo: "261122EYHZ8PBL", Status: SpProcessed, Tab: tab,
			Items: []Item{{SKU: "A", Qty: 1}}, Packages: []Package{{ID: "OFG1", TrackingNo: "SPXMY1"}}}
	}
	cancelPending := packed(TabToProcess)
	cancelPending.CancelRequested = true
	shippedCancelled := packed(TabOthers)
	shippedCancelled.Status, shippedCancelled.CancelledBy = SpCancelled, "buyer"
	itemsCancelled := packed(TabOthers)
	itemsCancelled.Items[0].Cancelled = true
	returned := packed(TabOthers)
	returned.Status = "RETURNED"
	for _, c := range []struct {
		name string
		o    Order
		want ScanVerdict
		says string
	}{
		{"to process", packed(TabToProcess), ScanShip, "to ship"},
		{"to ship", packed(TabToShip), ScanAlready, "already scanned"},
		{"new order", packed(TabNew), ScanWrongStage, "pack it first"},
		{"shipped", packed(TabShipped), ScanWrongStage, "Shipped"},
		{"buyer cancellation pending", cancelPending, ScanMustNotShip, "asked to cancel"},
		{"on To Cancel", packed(TabToCancel), ScanMustNotShip, "asked to cancel"},
		{"cancelled", shippedCancelled, ScanMustNotShip, "cancelled"},
		{"every item cancelled", itemsCancelled, ScanMustNotShip, "cancelled"},
		{"returned, not cancelled", returned, ScanWrongStage, "Others"},
	} {
		got, says := JudgeScan(&c.o)
		if got != c.want || !strings.Contains(says, c.says) {
			t.Errorf("%s: %v %q, want %v saying %q", c.name, got, says, c.want, c.says)
		}
	}
}
