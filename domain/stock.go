package domain

import (
	"strings"
	"time"
)

// StockUOM is one unit of measure of a SQL Account stock item: its rate to the base unit, its
// reference price and barcode.
type StockUOM struct {
	UOM     string
	Rate    float64 // base units in one of this unit: 1 for the base, 12 for a box of 12
	Price   Money
	Barcode string
	Base    bool
}

// StockItem is a SQL Account stock item (or a non-stock item such as a voucher or fee line).
type StockItem struct {
	Code, Description, Group string
	Active, StockControl     bool
	Barcode                  string
	UOMs                     []StockUOM
}

// BaseUOM is the item's base unit (or its first, when none is marked).
func (s StockItem) BaseUOM() string {
	for _, u := range s.UOMs {
		if u.Base {
			return u.UOM
		}
	}
	if len(s.UOMs) > 0 {
		return s.UOMs[0].UOM
	}
	return ""
}

// FindUOM finds a unit of the item by name, ignoring case.
func (s StockItem) FindUOM(u string) (StockUOM, bool) {
	for _, x := range s.UOMs {
		if strings.EqualFold(x.UOM, u) {
			return x, true
		}
	}
	return StockUOM{}, false
}

// CodeKind names a list of codes kept in SQL Account.
type CodeKind string

const (
	CodeCustomer CodeKind = "customer"
	CodeLocation CodeKind = "location"
	CodeProject  CodeKind = "project"
	CodeTax      CodeKind = "tax"
	CodePayment  CodeKind = "pmmethod"
)

// AccountCode is one customer, location, project, tax code or payment method of SQL Account.
type AccountCode struct {
	Kind              CodeKind
	Code, Description string
	Rate              float64 // tax codes: the rate in percent
}

// MapLine is one stock item a platform SKU stands for, in a unit and a quantity per unit sold.
type MapLine struct {
	StockCode, UOM string
	Qty            int
}

// Mapping says which stock items a platform SKU is: one line, or several for a bundle.
type Mapping struct {
	SKU   string
	Lines []MapLine
	Auto  bool // made by auto-mapping
}

// StoreCodes are the SQL Account codes a store's invoices use.
type StoreCodes struct {
	StoreID                                                                int64
	Customer, Location, Project, Voucher, Discount, Shipping, Fee, Payment string
}

// PostMode is what Post Order posts: the selected orders, or every unposted order of the tab.
type PostMode string

const (
	PostManual PostMode = "manual"
	PostAll    PostMode = "all"
)

// PostSettings are how orders are posted to SQL Account.
type PostSettings struct {
	Mode             PostMode
	Tax              string  // tax code on stock lines; "" for none
	TaxRate          float64 // percent
	TaxInclusive     bool    // the marketplace prices include the tax
	IncludeCancelled bool
}

// AutoMatch is a mapping auto-mapping proposes for a person to confirm.
type AutoMatch struct {
	SKU, Name, StockCode, UOM, Why string
}

// SKUInfo is one platform SKU seen on orders, for the Mapping screen.
type SKUInfo struct {
	SKU, Name string
	Orders    int
	Mapping   *Mapping // nil when unmapped
}

// SQLAccConfig is how Kedai reaches a SQL Account install's API: its root URL, the API user's
// keys, and the SigV4 region and service of that install.
type SQLAccConfig struct {
	URL, AccessKey, SecretKey, Region, Service string
}

// PostState is where one posting attempt of an order stands.
type PostState string

const (
	PostSending PostState = "sending" // written before the invoice is sent; left so by a crash
	PostPosted  PostState = "posted"
	PostFailed  PostState = "failed"
)

// PostAttempt is one attempt to post one order, as the journal keeps it.
type PostAttempt struct {
	ID, RunID, OrderID    int64
	OrderNo, Store, DocNo string
	State                 PostState
	DocKey                int64
	Message               string
	At                    time.Time
	Version               time.Time // the order's updated time that was posted
}

// PostRun is one run of Post Order.
type PostRun struct {
	ID             int64
	At             time.Time
	Posted, Failed int
	Running        bool // attempts still sending
}

// UOMNames lists the item's units of measure for a message: "PCS, BOX" ("none" when it has none).
func (s StockItem) UOMNames() string {
	var n []string
	for _, u := range s.UOMs {
		n = append(n, u.UOM)
	}
	if len(n) == 0 {
		return "none"
	}
	return strings.Join(n, ", ")
}

// Mapping is the mapping the match proposes, marked as made by auto-mapping.
func (m AutoMatch) Mapping() Mapping {
	return Mapping{SKU: m.SKU, Auto: true, Lines: []MapLine{{StockCode: m.StockCode, UOM: m.UOM, Qty: 1}}}
}
