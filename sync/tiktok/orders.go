package tiktok

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
)

// orderJSON is an order as /order/202309/orders/search and /order/202309/orders send it (T3).
// Every id, amount, time and flag is decoded leniently: a JSON number or a string.
type orderJSON struct {
	ID                    lenient.String `json:"id"`
	Status                lenient.String `json:"status"`
	CreateTime            lenient.Int    `json:"create_time"`
	UpdateTime            lenient.Int    `json:"update_time"`
	PaidTime              lenient.Int    `json:"paid_time"`
	RTSSLATime            lenient.Int    `json:"rts_sla_time"`
	DeliveryTime          lenient.Int    `json:"delivery_time"`
	UserID                lenient.String `json:"user_id"`
	BuyerEmail            string         `json:"buyer_email"`
	BuyerMessage          string         `json:"buyer_message"`
	SellerNote            string         `json:"seller_note"`
	Payment               *paymentJSON   `json:"payment"`
	PaymentMethodName     string         `json:"payment_method_name"`
	RecipientAddress      *addressJSON   `json:"recipient_address"`
	ShippingType          string         `json:"shipping_type"`
	FulfillmentType       string         `json:"fulfillment_type"`
	DeliveryOptionName    string         `json:"delivery_option_name"`
	CancellationInitiator string         `json:"cancellation_initiator"`
	CancelReason          string         `json:"cancel_reason"`
	IsBuyerRequestCancel  lenient.Bool   `json:"is_buyer_request_cancel"`
	IsCOD                 lenient.Bool   `json:"is_cod"`
	LineItems             []lineItemJSON `json:"line_items"`
}

// paymentJSON holds the order's amounts: all strings in the documentation.
type paymentJSON struct {
	Currency                  string          `json:"currency"`
	SubTotal                  lenient.Decimal `json:"sub_total"`
	ShippingFee               lenient.Decimal `json:"shipping_fee"`
	SellerDiscount            lenient.Decimal `json:"seller_discount"`
	PlatformDiscount          lenient.Decimal `json:"platform_discount"`
	TotalAmount               lenient.Decimal `json:"total_amount"`
	OriginalTotalProductPrice lenient.Decimal `json:"original_total_product_price"`
	OriginalShippingFee       lenient.Decimal `json:"original_shipping_fee"`
	Tax                       lenient.Decimal `json:"tax"`
}

// addressJSON is recipient_address, absent while the order is UNPAID or ON_HOLD.
type addressJSON struct {
	Name         string         `json:"name"`
	FirstName    string         `json:"first_name"`
	LastName     string         `json:"last_name"`
	PhoneNumber  lenient.String `json:"phone_number"`
	FullAddress  string         `json:"full_address"`
	AddressLine1 string         `json:"address_line1"`
	AddressLine2 string         `json:"address_line2"`
	AddressLine3 string         `json:"address_line3"`
	AddressLine4 string         `json:"address_line4"`
	PostalCode   lenient.String `json:"postal_code"`
	RegionCode   string         `json:"region_code"`
	DistrictInfo []struct {
		AddressLevel     string `json:"address_level"`
		AddressLevelName string `json:"address_level_name"`
		AddressName      string `json:"address_name"`
	} `json:"district_info"`
}

// lineItemJSON is one unit of an order: TikTok has no quantity field.
type lineItemJSON struct {
	ID                   lenient.String  `json:"id"`
	SKUID                lenient.String  `json:"sku_id"`
	ProductID            lenient.String  `json:"product_id"`
	ProductName          string          `json:"product_name"`
	SKUName              string          `json:"sku_name"`
	SellerSKU            string          `json:"seller_sku"`
	SKUImage             string          `json:"sku_image"`
	OriginalPrice        lenient.Decimal `json:"original_price"`
	SalePrice            lenient.Decimal `json:"sale_price"`
	SellerDiscount       lenient.Decimal `json:"seller_discount"`
	PlatformDiscount     lenient.Decimal `json:"platform_discount"`
	Currency             string          `json:"currency"`
	DisplayStatus        string          `json:"display_status"`
	PackageID            lenient.String  `json:"package_id"`
	PackageStatus        string          `json:"package_status"`
	TrackingNumber       string          `json:"tracking_number"`
	ShippingProviderID   lenient.String  `json:"shipping_provider_id"`
	ShippingProviderName string          `json:"shipping_provider_name"`
	CancelUser           string          `json:"cancel_user"`
	CancelReason         string          `json:"cancel_reason"`
	IsGift               lenient.Bool    `json:"is_gift"`
	RTSTime              lenient.Int     `json:"rts_time"`
}

// ordersData is the data of both order calls.
type ordersData struct {
	NextPageToken string      `json:"next_page_token"`
	TotalCount    lenient.Int `json:"total_count"`
	Orders        []orderJSON `json:"orders"`
}

// returnJSON is one entry of returns/search (T5), as far as Kedai reads it.
type returnJSON struct {
	ReturnID                 lenient.String    `json:"return_id"`
	OrderID                  lenient.String    `json:"order_id"`
	ReturnType               string            `json:"return_type"`
	ReturnStatus             string            `json:"return_status"`
	Role                     string            `json:"role"`
	ReturnReason             string            `json:"return_reason"`
	ReturnReasonText         string            `json:"return_reason_text"`
	ArbitrationStatus        string            `json:"arbitration_status"`
	ReturnTrackingNumber     lenient.String    `json:"return_tracking_number"`
	SellerNextActionResponse json.RawMessage   `json:"seller_next_action_response"`
	ReturnLineItems          []requestLineJSON `json:"return_line_items"`
	RefundAmount             *refundJSON       `json:"refund_amount"`
	CreateTime               lenient.Int       `json:"create_time"`
	UpdateTime               lenient.Int       `json:"update_time"`
}

type returnsData struct {
	NextPageToken string       `json:"next_page_token"`
	TotalCount    lenient.Int  `json:"total_count"`
	ReturnOrders  []returnJSON `json:"return_orders"`
}

const returnPending = "RETURN_OR_REFUND_REQUEST_PENDING"

// awaitsSeller: the request is pending, or the platform names a next action for the seller.
func (r returnJSON) awaitsSeller() bool {
	if strings.EqualFold(strings.TrimSpace(r.ReturnStatus), returnPending) {
		return true
	}
	v := bytes.TrimSpace(r.SellerNextActionResponse)
	switch string(v) {
	case "", "null", "[]", "{}", `""`:
		return false
	}
	return true
}

// epoch reads a time in epoch seconds (T3); a millisecond value is tolerated. Zero is no time.
func epoch(v lenient.Int) time.Time {
	n := int64(v)
	switch {
	case n <= 0:
		return time.Time{}
	case n > 100_000_000_000:
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// legacyStatus names the numeric order statuses of the pre-202309 API (T3 gives 100 UNPAID and
// 111 AWAITING_SHIPMENT; the rest of the table is [3P], from published client code).
var legacyStatus = map[string]string{
	"100": domain.TtUnpaid, "105": domain.TtOnHold, "111": domain.TtAwaitingShipment,
	"112": domain.TtAwaitingCollection, "114": domain.TtPartiallyShipping, "121": domain.TtInTransit,
	"122": domain.TtDelivered, "130": domain.TtCompleted, "140": domain.TtCancelled,
}

// orderStatus keeps the status verbatim, naming a legacy numeric one.
func orderStatus(s string) string {
	s = strings.TrimSpace(s)
	if name, ok := legacyStatus[s]; ok {
		return name
	}
	return s
}

// who turns BUYER/SELLER/SYSTEM into buyer/seller/system; other values are kept, in lower case.
func who(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// amounts parses money from the exact text sent, remembering the first bad amount.
type amounts struct {
	currency string
	err      error
}

func (a *amounts) parse(field string, d lenient.Decimal) domain.Money {
	m, err := domain.ParseMoney(string(d), a.currency)
	if err != nil {
		if a.err == nil {
			a.err = fmt.Errorf("%s: %w", field, err)
		}
		return domain.Money{Currency: a.currency}
	}
	return m
}

// toOrder maps an order per sync/MAPPING.md, "TikTok Shop". fallbackCurrency is used when neither
// the payment nor a line names one.
func toOrder(j orderJSON, fallbackCurrency string) (domain.Order, error) {
	id := strings.TrimSpace(string(j.ID))
	if id == "" {
		return domain.Order{}, fmt.Errorf("an order without an id")
	}
	o := domain.Order{
		Platform:        domain.TikTok,
		OrderNo:         id,
		PlatformID:      id,
		Status:          orderStatus(string(j.Status)),
		CreatedAt:       epoch(j.CreateTime),
		UpdatedAt:       epoch(j.UpdateTime),
		PaidAt:          epoch(j.PaidTime),
		ShipBy:          epoch(j.RTSSLATime),
		DeliveredAt:     epoch(j.DeliveryTime),
		PaymentMethod:   j.PaymentMethodName,
		COD:             bool(j.IsCOD),
		Buyer:           domain.Buyer{UserID: string(j.UserID), Email: j.BuyerEmail},
		BuyerNote:       j.BuyerMessage,
		SellerNote:      j.SellerNote,
		ShippingType:    j.ShippingType,
		FulfillmentType: j.FulfillmentType,
		DeliveryOption:  j.DeliveryOptionName,
		CancelReason:    j.CancelReason,
		CancelledBy:     who(j.CancellationInitiator),
	}
	o.CancelRequested = bool(j.IsBuyerRequestCancel) && !strings.EqualFold(o.Status, domain.TtCancelled)

	cur := ""
	if j.Payment != nil {
		cur = strings.ToUpper(strings.TrimSpace(j.Payment.Currency))
	}
	for _, li := range j.LineItems {
		if cur == "" {
			cur = strings.ToUpper(strings.TrimSpace(li.Currency))
		}
	}
	if cur == "" {
		cur = fallbackCurrency
	}
	o.Currency = cur
	a := amounts{currency: cur}
	if p := j.Payment; p != nil {
		o.Subtotal = a.parse("payment.original_total_product_price", p.OriginalTotalProductPrice)
		o.ShippingFee = a.parse("payment.shipping_fee", p.ShippingFee)
		o.SellerVoucher = a.parse("payment.seller_discount", p.SellerDiscount)
		o.PlatformVoucher = a.parse("payment.platform_discount", p.PlatformDiscount)
		o.Tax = a.parse("payment.tax", p.Tax)
		o.Total = a.parse("payment.total_amount", p.TotalAmount)
	} else {
		zero := domain.Money{Currency: cur}
		o.Subtotal, o.ShippingFee, o.SellerVoucher, o.PlatformVoucher, o.Tax, o.Total = zero, zero, zero, zero, zero, zero
	}
	o.SellerDiscount = domain.Money{Currency: cur}

	if ad := j.RecipientAddress; ad != nil {
		o.Address = toAddress(ad)
	}

	pkgIndex := map[string]int{}
	for i, li := range j.LineItems {
		field := fmt.Sprintf("line_items[%d]", i)
		it := domain.Item{
			PlatformItemID:   string(li.ID),
			ProductID:        string(li.ProductID),
			SKUID:            string(li.SKUID),
			SKU:              li.SellerSKU,
			Name:             li.ProductName,
			Variation:        li.SKUName,
			Qty:              1,
			UnitPrice:        a.parse(field+".original_price", li.OriginalPrice),
			PaidPrice:        a.parse(field+".sale_price", li.SalePrice),
			SellerDiscount:   a.parse(field+".seller_discount", li.SellerDiscount),
			PlatformDiscount: a.parse(field+".platform_discount", li.PlatformDiscount),
			Status:           li.PackageStatus,
			PackageID:        strings.TrimSpace(string(li.PackageID)),
			CancelReason:     li.CancelReason,
			CancelledBy:      who(li.CancelUser),
			ImageURL:         li.SKUImage,
		}
		it.Cancelled = strings.EqualFold(li.PackageStatus, "CANCELLED") || strings.EqualFold(li.DisplayStatus, "CANCELLED")
		o.Items = append(o.Items, it)
		if it.PackageID == "" {
			continue
		}
		k, seen := pkgIndex[it.PackageID]
		if !seen {
			k = len(o.Packages)
			pkgIndex[it.PackageID] = k
			o.Packages = append(o.Packages, domain.Package{ID: it.PackageID, Status: li.PackageStatus})
		}
		p := &o.Packages[k]
		if p.TrackingNo == "" {
			p.TrackingNo = strings.TrimSpace(li.TrackingNumber)
		}
		if p.Provider == "" {
			p.Provider = li.ShippingProviderName
		}
		if p.Status == "" {
			p.Status = li.PackageStatus
		}
	}
	if a.err != nil {
		return domain.Order{}, fmt.Errorf("order %s: %w", id, a.err)
	}
	return o, nil
}

// toAddress maps recipient_address: name, phone, the non-empty address lines, postcode, country,
// and state, city and district from district_info by their level names.
func toAddress(ad *addressJSON) domain.Address {
	out := domain.Address{
		Name:     strings.TrimSpace(ad.Name),
		Phone:    string(ad.PhoneNumber),
		Postcode: string(ad.PostalCode),
		Country:  ad.RegionCode,
	}
	if out.Name == "" {
		out.Name = strings.TrimSpace(ad.FirstName + " " + ad.LastName)
	}
	for _, l := range []string{ad.AddressLine1, ad.AddressLine2, ad.AddressLine3, ad.AddressLine4} {
		if strings.TrimSpace(l) != "" {
			out.Lines = append(out.Lines, l)
		}
	}
	for _, d := range ad.DistrictInfo {
		switch strings.ToLower(strings.TrimSpace(d.AddressLevelName)) {
		case "state":
			out.State = d.AddressName
		case "city":
			out.City = d.AddressName
		case "district":
			out.District = d.AddressName
		}
	}
	return out
}
