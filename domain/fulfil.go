package domain

import "time"

// Shipping says how parcels reach the courier when an order is packed. Lazada needs none (it
// allocates the courier); Shopee and TikTok take a method and what that method needs.
type Shipping struct {
	Method       string    `json:"method"`                   // "pickup", "dropoff", or Shopee's "non_integrated"
	AddressID    string    `json:"address_id,omitempty"`     // Shopee pickup address ("": the default one)
	PickupTimeID string    `json:"pickup_time_id,omitempty"` // Shopee pickup slot ("": the earliest)
	PickupStart  time.Time `json:"pickup_start,omitempty"`   // TikTok pickup slot (zero: the earliest)
	PickupEnd    time.Time `json:"pickup_end,omitempty"`
	BranchID     string    `json:"branch_id,omitempty"`   // Shopee drop-off branch
	SenderName   string    `json:"sender_name,omitempty"` // Shopee drop-off
	TrackingNo   string    `json:"tracking_no,omitempty"` // Shopee non-integrated: one order's own
}

// Shipping methods.
const (
	Pickup        = "pickup"
	DropOff       = "dropoff"
	NonIntegrated = "non_integrated"
)

// ShippingChoices is what a platform offers for packing one order.
type ShippingChoices struct {
	Methods   []string        // the methods the order may use
	Addresses []PickupAddress // Shopee pickup addresses with their slots
	Slots     []Slot          // TikTok pickup slots of the package
	Branches  []Branch        // Shopee drop-off branches
	Needs     []string        // fields the platform asks for, by method: e.g. "pickup:address_id"
}

// PickupAddress is a Shopee pickup address and its time slots.
type PickupAddress struct {
	ID    string
	Label string
	Slots []Slot
}

// Slot is a pickup time slot.
type Slot struct {
	ID         string // Shopee pickup_time_id
	Start, End time.Time
	Label      string
}

// Branch is a Shopee drop-off point.
type Branch struct {
	ID    string
	Label string
}

// Refusal is an order an action was not taken for, and why, in words for the seller.
type Refusal struct {
	OrderID int64
	OrderNo string
	Reason  string
}

// JobResult is what became of one order of a bulk action.
type JobResult struct {
	OrderID int64
	OrderNo string
	Store   string
	State   string // done, failed or cancelled
	Message string
}

// JobProgress is where a bulk action stands.
type JobProgress struct {
	Job                                              int64
	Action                                           Action
	Total, Pending, Sending, Done, Failed, Cancelled int
	Results                                          []JobResult // finished orders, failures first
}

// Finished reports whether nothing of the job is left to send.
func (p JobProgress) Finished() bool { return p.Pending+p.Sending == 0 }
