package lazada

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
)

// orderJSON is one order of /orders/get and /order/get (reference L3). Ids, amounts, counts and
// flags are read leniently: the docs' examples quote numbers as strings.
type orderJSON struct {
	OrderID                     lenient.String  `json:"order_id"`
	OrderNumber                 lenient.String  `json:"order_number"`
	CreatedAt                   stamp           `json:"created_at"`
	UpdatedAt                   stamp           `json:"updated_at"`
	Statuses                    []string        `json:"statuses"`
	Price                       lenient.Decimal `json:"price"`
	ItemsCount                  lenient.Int     `json:"items_count"`
	PaymentMethod               string          `json:"payment_method"`
	Remarks                     string          `json:"remarks"`
	CustomerFirstName           string          `json:"customer_first_name"`
	CustomerLastName            string          `json:"customer_last_name"`
	ShippingFee                 lenient.Decimal `json:"shipping_fee"`
	ShippingFeeOriginal         lenient.Decimal `json:"shipping_fee_original"`
	ShippingFeeDiscountSeller   lenient.Decimal `json:"shipping_fee_discount_seller"`
	ShippingFeeDiscountPlatform lenient.Decimal `json:"shipping_fee_discount_platform"`
	Voucher                     lenient.Decimal `json:"voucher"`
	VoucherSeller               lenient.Decimal `json:"voucher_seller"`
	VoucherPlatform             lenient.Decimal `json:"voucher_platform"`
	VoucherCode                 lenient.String  `json:"voucher_code"`
	GiftOption                  lenient.Bool    `json:"gift_option"`
	GiftMessage                 string          `json:"gift_message"`
	DeliveryInfo                string          `json:"delivery_info"`
	PromisedShippingTimes       stamp           `json:"promised_shipping_times"`
	WarehouseCode               lenient.String  `json:"warehouse_code"`
	AddressShipping             addressJSON     `json:"address_shipping"`
	BuyerNote                   string          `json:"buyer_note"`
	NeedCancelConfirm           lenient.Bool    `json:"need_cancel_confirm"`
	IsCancelPending             lenient.Bool    `json:"is_cancel_pending"`
}

type addressJSON struct {
	FirstName       string         `json:"first_name"`
	LastName        string         `json:"last_name"`
	Phone           lenient.String `json:"phone"`
	Phone2          lenient.String `json:"phone2"`
	Address1        string         `json:"address1"`
	Address2        string         `json:"address2"`
	Address3        string         `json:"address3"`
	Address4        string         `json:"address4"`
	Address5        string         `json:"address5"`
	City            string         `json:"city"`
	PostCode        lenient.String `json:"post_code"`
	Country         string         `json:"country"`
	AddressDsitrict string         `json:"addressDsitrict"` // sic, as documented
	AddressDistrict string         `json:"addressDistrict"` // the spelling a fix would bring
}

// itemJSON is one element of /order/items/get and of order_items in /orders/items/get: one per
// unit (reference L3).
type itemJSON struct {
	OrderItemID           lenient.String  `json:"order_item_id"`
	OrderID               lenient.String  `json:"order_id"`
	Status                string          `json:"status"`
	Name                  string          `json:"name"`
	SKU                   lenient.String  `json:"sku"`
	ShopSKU               lenient.String  `json:"shop_sku"`
	SKUID                 lenient.String  `json:"sku_id"`
	ProductID             lenient.String  `json:"product_id"`
	Variation             string          `json:"variation"`
	ItemPrice             lenient.Decimal `json:"item_price"`
	PaidPrice             lenient.Decimal `json:"paid_price"`
	Currency              string          `json:"currency"`
	TaxAmount             lenient.Decimal `json:"tax_amount"`
	VoucherSeller         lenient.Decimal `json:"voucher_seller"`
	VoucherPlatform       lenient.Decimal `json:"voucher_platform"`
	ShippingAmount        lenient.Decimal `json:"shipping_amount"`
	PackageID             lenient.String  `json:"package_id"`
	TrackingCode          lenient.String  `json:"tracking_code"`
	ShipmentProvider      string          `json:"shipment_provider"`
	ShippingType          string          `json:"shipping_type"`
	ShippingProviderType  string          `json:"shipping_provider_type"`
	DeliveryOptionSOF     lenient.String  `json:"delivery_option_sof"`
	IsDigital             lenient.Bool    `json:"is_digital"`
	IsFBL                 lenient.Bool    `json:"is_fbl"`
	InvoiceNumber         lenient.String  `json:"invoice_number"`
	Reason                string          `json:"reason"`
	ReasonDetail          string          `json:"reason_detail"`
	ReturnStatus          string          `json:"return_status"`
	CancelReturnInitiator string          `json:"cancel_return_initiator"`
	PromisedShippingTime  stamp           `json:"promised_shipping_time"`
	CreatedAt             stamp           `json:"created_at"`
	UpdatedAt             stamp           `json:"updated_at"`
	ProductMainImage      string          `json:"product_main_image"`
	WarehouseCode         lenient.String  `json:"warehouse_code"`
	NeedCancelConfirm     lenient.Bool    `json:"need_cancel_confirm"`
	IsCancelPending       lenient.Bool    `json:"is_cancel_pending"`
	CancelTriggerTime     stamp           `json:"cancel_trigger_time"`
	ReverseOrderID        lenient.String  `json:"reverse_order_id"`
}

// stamp is a time as Lazada writes it: "2018-02-09T22:44:30+08:00", "2014-10-15 18:36:05 +0800",
// or (cancel_trigger_time, sla_time_stamp) epoch milliseconds. It is kept as text and parsed
// with the venture's zone for the rare value without an offset.
type stamp string

func (s *stamp) UnmarshalJSON(b []byte) error {
	var v lenient.String
	if err := v.UnmarshalJSON(b); err != nil {
		return err
	}
	*s = stamp(v)
	return nil
}

var zonedLayouts = []string{
	time.RFC3339,                // 2018-02-09T22:44:30+08:00, ...Z; fractions are accepted
	"2006-01-02 15:04:05 -0700", // 2014-10-15 18:36:05 +0800
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05-0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05 -0700",
	"2006-01-02 15:04:05 -07",
}

var localLayouts = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"}

// parseTime reads a Lazada time into UTC; "" is the zero time.
func parseTime(s string, zone *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e11 { // milliseconds since 1970 (every date after March 1973)
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time Lazada sends", s)
}

// apiTime writes a time as /orders/get wants it: ISO-8601 with the venture's offset.
func apiTime(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("2006-01-02T15:04:05-07:00")
}

// orderIDs writes ids as the JSON array string order_ids wants: "[1,2]".
func orderIDs(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		if _, err := strconv.ParseUint(id, 10, 64); err == nil {
			parts[i] = id
		} else {
			b, _ := json.Marshal(id)
			parts[i] = string(b)
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// toOrder builds a domain.Order from an order and its items, as sync/MAPPING.md ("Lazada") says.
func toOrder(o *orderJSON, items []itemJSON, region string, zone *time.Location) (domain.Order, error) {
	no := string(o.OrderNumber)
	if no == "" {
		no = string(o.OrderID)
	}
	bad := func(what string, err error) error {
		return fmt.Errorf("lazada: order %s: %s: %w", no, what, err)
	}
	cur := ""
	for _, it := range items {
		if it.Currency != "" {
			cur = strings.ToUpper(strings.TrimSpace(it.Currency))
			break
		}
	}
	if cur == "" {
		cur = domain.RegionCurrency(region)
	}
	var err error
	money := func(what string, d lenient.Decimal) domain.Money {
		m, e := domain.ParseMoney(string(d), cur)
		if e != nil && err == nil {
			err = bad(what, e)
		}
		return m
	}
	when := func(what string, s stamp) time.Time {
		t, e := parseTime(string(s), zone)
		if e != nil && err == nil {
			err = bad(what, e)
		}
		return t
	}

	out := domain.Order{
		Platform:        domain.Lazada,
		OrderNo:         no,
		PlatformID:      string(o.OrderID),
		CreatedAt:       when("created_at", o.CreatedAt),
		UpdatedAt:       when("updated_at", o.UpdatedAt),
		Currency:        cur,
		Subtotal:        money("price", o.Price),
		ShippingFee:     money("shipping_fee", o.ShippingFee),
		SellerVoucher:   money("voucher_seller", o.VoucherSeller),
		PlatformVoucher: money("voucher_platform", o.VoucherPlatform),
		VoucherCode:     string(o.VoucherCode),
		PaymentMethod:   o.PaymentMethod,
		COD:             strings.EqualFold(strings.TrimSpace(o.PaymentMethod), "COD"),
		Buyer:           domain.Buyer{Name: joinName(o.CustomerFirstName, o.CustomerLastName)},
		BuyerNote:       o.BuyerNote,
		SellerNote:      o.Remarks,
		WarehouseCode:   string(o.WarehouseCode),
		CancelRequested: bool(o.NeedCancelConfirm),
	}
	if out.PlatformID == "" {
		return out, fmt.Errorf("lazada: an order (number %q) has no order_id", no)
	}
	if out.OrderNo == "" {
		return out, fmt.Errorf("lazada: order id %s has no order_number", out.PlatformID)
	}
	// Buyer paid = price - voucher + shipping_fee (reference L3); voucher is seller + platform,
	// which stands in when the total voucher is not sent.
	voucher := out.SellerVoucher.Add(out.PlatformVoucher)
	if strings.TrimSpace(string(o.Voucher)) != "" {
		voucher = money("voucher", o.Voucher)
	}
	out.Total = domain.Money{Minor: out.Subtotal.Minor - voucher.Minor + out.ShippingFee.Minor, Currency: cur}

	a := o.AddressShipping
	out.Address = domain.Address{
		Name:     joinName(a.FirstName, a.LastName),
		Phone:    string(a.Phone),
		City:     a.City,
		Postcode: string(a.PostCode),
		Country:  a.Country,
		District: a.AddressDsitrict,
	}
	if out.Address.District == "" {
		out.Address.District = a.AddressDistrict
	}
	for _, l := range []string{a.Address1, a.Address2, a.Address3, a.Address4, a.Address5} {
		if strings.TrimSpace(l) != "" {
			out.Address.Lines = append(out.Address.Lines, l)
		}
	}

	if strings.TrimSpace(string(o.PromisedShippingTimes)) != "" {
		// A free-text promise (it has been seen) is not a reason to refuse the order.
		if t, e := parseTime(string(o.PromisedShippingTimes), zone); e == nil {
			out.ShipBy = t
		}
	}
	packages := map[string]int{}
	var itemShipBy time.Time
	for i := range items {
		it := &items[i]
		item := domain.Item{
			PlatformItemID:   string(it.OrderItemID),
			ProductID:        string(it.ProductID),
			SKUID:            string(it.SKUID),
			SKU:              string(it.SKU),
			ShopSKU:          string(it.ShopSKU),
			Name:             it.Name,
			Variation:        it.Variation,
			Qty:              1, // one element per unit
			UnitPrice:        money("item_price", it.ItemPrice),
			PaidPrice:        money("paid_price", it.PaidPrice),
			SellerDiscount:   money("item voucher_seller", it.VoucherSeller),
			PlatformDiscount: money("item voucher_platform", it.VoucherPlatform),
			Status:           it.Status,
			PackageID:        string(it.PackageID),
			Cancelled:        domain.LazadaItemCancelled(strings.TrimSpace(it.Status)),
			CancelReason:     reasonText(it.Reason, it.ReasonDetail),
			CancelledBy:      cancelledBy(it.CancelReturnInitiator),
			ReturnStatus:     it.ReturnStatus,
			ImageURL:         it.ProductMainImage,
		}
		out.Items = append(out.Items, item)
		if i == 0 {
			out.ShippingType, out.ProviderType = it.ShippingType, it.ShippingProviderType
		}
		if sof := strings.ToLower(string(it.DeliveryOptionSOF)); sof == "1" || sof == "true" ||
			strings.EqualFold(it.ShippingProviderType, "seller_own_fleet") {
			out.SelfDelivery = true
		}
		if t, e := parseTime(string(it.PromisedShippingTime), zone); e == nil && !t.IsZero() &&
			(itemShipBy.IsZero() || t.Before(itemShipBy)) {
			itemShipBy = t
		}
		if strings.EqualFold(strings.TrimSpace(it.Status), domain.LzDelivered) {
			if t := when("item updated_at", it.UpdatedAt); t.After(out.DeliveredAt) {
				out.DeliveredAt = t
			}
		}
		if id := item.PackageID; id != "" {
			if _, ok := packages[id]; !ok {
				packages[id] = len(out.Packages)
				out.Packages = append(out.Packages, domain.Package{ID: id, TrackingNo: string(it.TrackingCode),
					Provider: it.ShipmentProvider, Status: it.Status})
			} else {
				p := &out.Packages[packages[id]]
				if p.TrackingNo == "" {
					p.TrackingNo = string(it.TrackingCode)
				}
				if p.Provider == "" {
					p.Provider = it.ShipmentProvider
				}
			}
		}
	}
	if out.ShipBy.IsZero() {
		out.ShipBy = itemShipBy
	}
	return out, err
}

func joinName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}

func reasonText(reason, detail string) string {
	reason, detail = strings.TrimSpace(reason), strings.TrimSpace(detail)
	switch {
	case detail == "":
		return reason
	case reason == "":
		return detail
	}
	return reason + ": " + detail
}

// cancelledBy maps cancel_return_initiator to buyer, seller or system (MAPPING.md); returns and
// refunds are not cancellations.
func cancelledBy(initiator string) string {
	switch strings.ToLower(strings.TrimSpace(initiator)) {
	case "cancellation-seller":
		return "seller"
	case "cancellation-customer":
		return "buyer"
	case "cancellation-internal", "cancellation-failed delivery":
		return "system"
	}
	return ""
}
