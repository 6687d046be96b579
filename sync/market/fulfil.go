package market

import (
	"context"

	"github.com/kedai-app/kedai/domain"
)

// The shipping types are the domain's (the window shows them); these names keep the clients'
// code reading as the platforms' own.
type (
	Shipping        = domain.Shipping
	ShippingChoices = domain.ShippingChoices
	PickupAddress   = domain.PickupAddress
	Slot            = domain.Slot
	Branch          = domain.Branch
)

// Shipping methods.
const (
	Pickup        = domain.Pickup
	DropOff       = domain.DropOff
	NonIntegrated = domain.NonIntegrated
)

// ActionResult is what became of one order in a fulfilment call.
type ActionResult struct {
	OrderNo string
	Err     error // nil: done; a *Error carries the platform's code and message
}

// Fulfiller carries out fulfilment actions at the platform. Each method takes orders of the
// client's own shop, splits them into the platform's batch sizes, and reports every order it was
// given. Its error is for a failure that stopped the whole call (the orders not reported failed
// with it).
type Fulfiller interface {
	// Pack: Lazada pack, Shopee ship_order (arrange shipment), TikTok ship the package.
	Pack(ctx context.Context, orders []domain.Order, ship Shipping) ([]ActionResult, error)
	// ReadyToShip: Lazada ready-to-ship. Shopee and TikTok have no call (Kedai's own stage).
	ReadyToShip(ctx context.Context, orders []domain.Order) ([]ActionResult, error)
	// Repack: Lazada recreates the orders' packages so their live items can be packed again.
	Repack(ctx context.Context, orders []domain.Order) ([]ActionResult, error)
	// MarkDelivered: Lazada seller-own-fleet delivered.
	MarkDelivered(ctx context.Context, orders []domain.Order) ([]ActionResult, error)
	// Orders reads orders as the platform has them now, by platform id (for checking an action's
	// effect before sending it again, and for showing the result at once).
	Orders(ctx context.Context, platformIDs []string) ([]domain.Order, error)
	// ShippingChoices is what the platform offers for packing this order.
	ShippingChoices(ctx context.Context, o domain.Order) (ShippingChoices, error)
}

// Reread reads again from the platform, with read (a client's Orders), the orders whose copy
// stale says is not enough for an action (it predates the packages the platform made, say).
// The others come back as given; an order read again keeps Kedai's ids.
func Reread(ctx context.Context, orders []domain.Order, stale func(domain.Order) bool,
	read func(context.Context, []string) ([]domain.Order, error)) ([]domain.Order, error) {
	var ids []string
	at := map[string]int{}
	for i, o := range orders {
		if stale(o) {
			ids = append(ids, o.PlatformID)
			at[o.PlatformID] = i
		}
	}
	if len(ids) == 0 {
		return orders, nil
	}
	fresh, err := read(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := append([]domain.Order(nil), orders...)
	for _, f := range fresh {
		if i, ok := at[f.PlatformID]; ok {
			f.ID, f.StoreID = out[i].ID, out[i].StoreID
			out[i] = f
		}
	}
	return out, nil
}
