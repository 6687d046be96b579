package domain

import "fmt"

// ScanVerdict is what the scan station does with an order it found.
type ScanVerdict int

const (
	ScanShip        ScanVerdict = iota // on To Process: move it To Ship
	ScanAlready                        // already on To Ship: scanned before
	ScanWrongStage                     // not at the packing stage (New Order, Shipped...)
	ScanMustNotShip                    // cancelled, or the buyer asked to cancel: stop the parcel
)

// JudgeScan decides what a scan of the order means at the To Ship station, with the words the
// station shows. A parcel whose order is cancelled or has a cancellation pending must not ship,
// whatever its tab; that is checked first.
func JudgeScan(o *Order) (ScanVerdict, string) {
	switch {
	case o.CancelRequested || o.Tab == TabToCancel:
		return ScanMustNotShip, "the buyer asked to cancel: do not ship, answer the request first"
	case o.Tab == TabOthers && (o.CancelledBy != "" || o.CancelReason != "" || allCancelled(o)):
		return ScanMustNotShip, "the order is cancelled: do not ship"
	case o.Tab == TabToShip:
		return ScanAlready, "already scanned: it is on To Ship"
	case o.Tab == TabToProcess:
		if err := CanDo(o, ActToShip); err != nil {
			return ScanWrongStage, err.Error()
		}
		return ScanShip, "to ship"
	case o.Tab == TabNew:
		return ScanWrongStage, "not packed yet: pack it first (New Order)"
	}
	return ScanWrongStage, fmt.Sprintf("not at the packing stage: it is on %s", o.Tab.Title())
}

func allCancelled(o *Order) bool {
	if len(o.Items) == 0 {
		return false
	}
	for _, it := range o.Items {
		if !it.Cancelled {
			return false
		}
	}
	return true
}
