package domain

import (
	"strings"
	"time"
)

// Section is a titled block of the order detail view.
type Section struct {
	Title  string
	Fields []Field
}

// Field is one labelled value. Empty values are left out of a section.
type Field struct {
	Label string
	Value string
}

// TimeLayout is how times are shown to the seller.
const TimeLayout = "02 Jan 2006 15:04"

func showTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(TimeLayout)
}

func showMoney(m Money) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

func section(title string, fields ...Field) Section {
	s := Section{Title: title}
	for _, f := range fields {
		if strings.TrimSpace(f.Value) != "" {
			s.Fields = append(s.Fields, f)
		}
	}
	return s
}

// FormatAddress puts an address on one line per part, as a label would.
func FormatAddress(a Address) string {
	parts := append([]string{}, a.Lines...)
	city := strings.TrimSpace(strings.Join(nonEmpty(a.Postcode, a.City), " "))
	parts = append(parts, nonEmpty(a.District, city, a.State, a.Country)...)
	return strings.Join(nonEmpty(parts...), ", ")
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return ""
}

// DetailSections lays out the order's information the way each platform's seller centre does,
// with times shown in loc.
func DetailSections(o *Order, shopID string, loc *time.Location) []Section {
	addr := FormatAddress(o.Address)
	recipient := strings.Join(nonEmpty(o.Address.Name, o.Address.Phone), " · ")
	amounts := section("Amounts",
		Field{"Items", showMoney(o.Subtotal)},
		Field{"Shipping fee", showMoney(o.ShippingFee)},
		Field{"Seller voucher", negative(o.SellerVoucher)},
		Field{"Platform voucher", negative(o.PlatformVoucher)},
		Field{"Seller discount", negative(o.SellerDiscount)},
		Field{"Tax", showMoney(o.Tax)},
		Field{"Total paid", o.Total.String()},
	)
	var out []Section
	switch o.Platform {
	case Lazada:
		out = []Section{
			section("Order Details",
				Field{"Order ID", o.PlatformID},
				Field{"Order number", o.OrderNo},
				Field{"Shop ID", shopID},
				Field{"Payment method", o.PaymentMethod},
				Field{"Status", o.Status},
				Field{"Created", showTime(o.CreatedAt, loc)},
				Field{"Updated", showTime(o.UpdatedAt, loc)},
			),
			section("Payment Details",
				Field{"Currency", o.Currency},
				Field{"Payment time", showTime(o.PaidAt, loc)},
				Field{"Cash on delivery", yesNo(o.COD)},
			),
			section("Shipment Details",
				Field{"Provider type", o.ProviderType},
				Field{"Shipping type", o.ShippingType},
				Field{"Ship by", showTime(o.ShipBy, loc)},
				Field{"Recipient", recipient},
				Field{"Address", addr},
				Field{"Warehouse", o.WarehouseCode},
			),
			section("Voucher Details",
				Field{"Voucher code", o.VoucherCode},
				Field{"Seller voucher", negative(o.SellerVoucher)},
				Field{"Platform voucher", negative(o.PlatformVoucher)},
				Field{"Shipping fee", showMoney(o.ShippingFee)},
			),
		}
	case Shopee:
		out = []Section{
			section("Buyer Details",
				Field{"Username", o.Buyer.Username},
				Field{"User ID", o.Buyer.UserID},
				Field{"Recipient", recipient},
				Field{"Address", addr},
			),
			section("Payment Details",
				Field{"Payment method", o.PaymentMethod},
				Field{"Currency", o.Currency},
				Field{"Payment time", showTime(o.PaidAt, loc)},
				Field{"Cash on delivery", yesNo(o.COD)},
			),
			section("Shipment Details",
				Field{"Carrier", carriers(o)},
				Field{"Shipping channel", o.DeliveryOption},
				Field{"Ship by", showTime(o.ShipBy, loc)},
				Field{"Tracking number", strings.Join(o.TrackingNumbers(), ", ")},
			),
			section("Extra Details",
				Field{"Order SN", o.OrderNo},
				Field{"Status", o.Status},
				Field{"Created", showTime(o.CreatedAt, loc)},
				Field{"Message to seller", o.BuyerNote},
				Field{"Note", o.SellerNote},
			),
		}
	case TikTok:
		out = []Section{
			section("Order Details",
				Field{"Order ID", o.PlatformID},
				Field{"Status", o.Status},
				Field{"Created", showTime(o.CreatedAt, loc)},
				Field{"Paid", showTime(o.PaidAt, loc)},
				Field{"Ship by", showTime(o.ShipBy, loc)},
			),
			section("Buyer Details",
				Field{"Buyer", o.Buyer.Name},
				Field{"User ID", o.Buyer.UserID},
				Field{"Email", o.Buyer.Email},
				Field{"Recipient", recipient},
				Field{"Address", addr},
				Field{"Buyer message", o.BuyerNote},
			),
			section("Payment Details",
				Field{"Payment method", o.PaymentMethod},
				Field{"Currency", o.Currency},
				Field{"Cash on delivery", yesNo(o.COD)},
			),
			section("Shipment Details",
				Field{"Shipping type", o.ShippingType},
				Field{"Fulfilment", o.FulfillmentType},
				Field{"Delivery option", o.DeliveryOption},
				Field{"Carrier", carriers(o)},
				Field{"Tracking number", strings.Join(o.TrackingNumbers(), ", ")},
			),
		}
	}
	if o.CancelReason != "" {
		out = append(out, section("Cancellation",
			Field{"Reason", o.CancelReason},
			Field{"Cancelled by", o.CancelledBy},
		))
	}
	return append(out, amounts)
}

func negative(m Money) string {
	if m.IsZero() {
		return ""
	}
	return Money{Minor: -m.Minor, Currency: m.Currency}.String()
}

func carriers(o *Order) string {
	var out []string
	seen := map[string]bool{}
	for _, p := range o.Packages {
		if p.Provider != "" && !seen[p.Provider] {
			seen[p.Provider] = true
			out = append(out, p.Provider)
		}
	}
	return strings.Join(out, ", ")
}
