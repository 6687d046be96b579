package domain

import "time"

// Stage is Kedai's own fulfilment step, kept beside the platform status. Shopee and TikTok have no
// platform status between "arranged" and "collected", so "goods ready for the courier" is ours.
type Stage string

const (
	StageNone  Stage = ""
	StageReady Stage = "ready" // AWB printed, parcel ready for the courier: the To Ship tab
)

// Order is one marketplace order with everything the desk, the warehouse and the books need.
// Platform values are kept verbatim; Tab is derived from them (see DeriveTab).
type Order struct {
	ID        int64 // Kedai's id; 0 until stored
	StoreID   int64
	StoreName string
	Platform  Platform

	OrderNo    string // the number the seller and buyer see
	PlatformID string // the id the API wants (Lazada order_id; Shopee order_sn; TikTok id)

	// Status is the platform's order status verbatim. Lazada has none at order level: there it
	// is the distinct item statuses joined by ", ", as the API's `statuses` lists them.
	Status string
	Stage  Stage
	Tab    Tab

	CreatedAt   time.Time // UTC, as the platform reports
	UpdatedAt   time.Time
	PaidAt      time.Time
	ShipBy      time.Time // Lazada promised_shipping_time, Shopee ship_by_date, TikTok rts_sla_time
	DeliveredAt time.Time // when the last live item was delivered (drives Lazada's Completed rule)

	Currency        string
	Subtotal        Money // items at their selling price before vouchers
	ShippingFee     Money // paid by the buyer
	SellerVoucher   Money // positive amounts that reduce what the buyer pays
	PlatformVoucher Money
	SellerDiscount  Money
	Tax             Money
	Total           Money // what the buyer paid
	VoucherCode     string

	PaymentMethod string
	COD           bool

	Buyer   Buyer
	Address Address

	BuyerNote  string
	SellerNote string

	ShippingType    string // Lazada Dropshipping|Warehouse; TikTok TIKTOK|SELLER
	ProviderType    string // Lazada shipping_provider_type: express, standard, seller_own_fleet...
	DeliveryOption  string // TikTok delivery_option_name, Shopee channel name
	FulfillmentType string // TikTok FULFILLMENT_BY_SELLER|FULFILLMENT_BY_TIKTOK
	SelfDelivery    bool   // delivered by the seller's own fleet: only the seller marks it delivered
	WarehouseCode   string
	CancelRequested bool   // a buyer's cancellation awaits the seller's answer
	ReturnRequested bool   // a return or refund request awaits the seller
	CancelReason    string // why the order (not an item) was cancelled
	CancelledBy     string // buyer, seller, system...

	Items    []Item
	Packages []Package
	// AfterSales are the order's cancellation, return and refund requests, as last read from the
	// platform (loaded with the order's detail, not with list rows).
	AfterSales []AfterSale

	PostedAt time.Time // when it was last posted to SQL Account; zero if never

	PendingAction Action // an action Kedai is sending to the platform now ("" none)
	ActionError   string // why the last action failed ("" when it did not)
}

// Buyer is who ordered.
type Buyer struct {
	Name     string
	Username string
	UserID   string
	Email    string
	Phone    string
}

// Address is where the parcel goes.
type Address struct {
	Name     string
	Phone    string
	Lines    []string
	District string
	City     string
	State    string
	Postcode string
	Country  string
}

// Item is one order line as the platform reports it. Lazada and TikTok send one line per unit
// (Qty 1 each); Shopee sends a quantity.
type Item struct {
	ID               int64
	PlatformItemID   string // Lazada order_item_id, Shopee order_item_id, TikTok line item id
	ProductID        string
	SKUID            string // platform's variation id: Lazada sku_id, Shopee model_id, TikTok sku_id
	SKU              string // the seller's SKU
	ShopSKU          string // Lazada shop_sku
	Name             string
	Variation        string
	Qty              int
	UnitPrice        Money // list price of one unit
	PaidPrice        Money // what the buyer paid for one unit after discounts
	SellerDiscount   Money // per unit
	PlatformDiscount Money
	Status           string // the platform's item status verbatim (Lazada item status, TikTok display_status)
	PackageID        string // empty until packed
	Cancelled        bool
	CancelReason     string
	CancelledBy      string
	ReturnStatus     string
	ImageURL         string
	StockCode        string // the SQL Account stock item it maps to; empty when unmapped
}

// Package is one parcel of an order, with its own tracking number and courier.
type Package struct {
	ID         string
	TrackingNo string
	Provider   string // courier / shipment provider
	Status     string // the platform's logistics status verbatim
}

// Posted reports whether the order has been posted to SQL Account.
func (o *Order) Posted() bool { return !o.PostedAt.IsZero() }

// UnitCount is the number of units across live (not cancelled) lines.
func (o *Order) UnitCount() int {
	n := 0
	for _, it := range o.Items {
		if !it.Cancelled {
			n += it.Qty
		}
	}
	if n == 0 { // a fully cancelled order still shows what was ordered
		for _, it := range o.Items {
			n += it.Qty
		}
	}
	return n
}

// FirstItemName is the name of the first live line, for one-line summaries.
func (o *Order) FirstItemName() string {
	for _, it := range o.Items {
		if !it.Cancelled {
			return it.Name
		}
	}
	if len(o.Items) > 0 {
		return o.Items[0].Name
	}
	return ""
}

// Package returns the package with the given id.
func (o *Order) Package(id string) (Package, bool) {
	for _, p := range o.Packages {
		if p.ID == id {
			return p, true
		}
	}
	return Package{}, false
}

// PackageGroup is the items that travel together in one parcel.
type PackageGroup struct {
	Package Package // zero ID: items not yet packed
	Items   []Item
}

// PackageGroups groups the items by package in the order the platform listed them; unpacked items
// come last, under a package with an empty ID.
func (o *Order) PackageGroups() []PackageGroup {
	var groups []PackageGroup
	index := map[string]int{}
	for _, p := range o.Packages {
		index[p.ID] = len(groups)
		groups = append(groups, PackageGroup{Package: p})
	}
	var loose []Item
	for _, it := range o.Items {
		if it.PackageID == "" {
			loose = append(loose, it)
			continue
		}
		i, ok := index[it.PackageID]
		if !ok {
			i = len(groups)
			index[it.PackageID] = i
			groups = append(groups, PackageGroup{Package: Package{ID: it.PackageID}})
		}
		groups[i].Items = append(groups[i].Items, it)
	}
	if len(loose) > 0 {
		groups = append(groups, PackageGroup{Items: loose})
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// TrackingNumbers lists the tracking numbers of the order's packages.
func (o *Order) TrackingNumbers() []string {
	var out []string
	for _, p := range o.Packages {
		if p.TrackingNo != "" {
			out = append(out, p.TrackingNo)
		}
	}
	return out
}
