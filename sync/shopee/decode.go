package shopee

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// orderListAnswer is get_order_list's response (S3). order_status comes only when asked for
// (response_optional_fields=order_status).
type orderListAnswer struct {
	More       lenient.Bool   `json:"more"`
	NextCursor lenient.String `json:"next_cursor"`
	OrderList  []struct {
		OrderSN     string `json:"order_sn"`
		OrderStatus string `json:"order_status"`
	} `json:"order_list"`
}

// orderDetailAnswer is get_order_detail's response (S3). warning (the order_sns not found) is
// read from the response and from the envelope: the reference lists it with the response's
// fields, while S6 shows it beside the response.
type orderDetailAnswer struct {
	OrderList []orderJSON     `json:"order_list"`
	Warning   json.RawMessage `json:"warning"`
}

type orderJSON struct {
	OrderSN         string          `json:"order_sn"`
	Region          string          `json:"region"`
	Currency        string          `json:"currency"`
	COD             lenient.Bool    `json:"cod"`
	OrderStatus     string          `json:"order_status"`
	MessageToSeller string          `json:"message_to_seller"`
	CreateTime      lenient.Int     `json:"create_time"`
	UpdateTime      lenient.Int     `json:"update_time"`
	PayTime         lenient.Int     `json:"pay_time"`
	ShipByDate      lenient.Int     `json:"ship_by_date"`
	DaysToShip      lenient.Int     `json:"days_to_ship"`
	BookingSN       string          `json:"booking_sn"`
	TotalAmount     lenient.Decimal `json:"total_amount"`
	EstShippingFee  lenient.Decimal `json:"estimated_shipping_fee"`
	BuyerUserID     lenient.String  `json:"buyer_user_id"`
	BuyerUsername   string          `json:"buyer_username"`
	PaymentMethod   string          `json:"payment_method"`
	ShippingCarrier string          `json:"shipping_carrier"`
	Note            string          `json:"note"`
	CancelBy        string          `json:"cancel_by"`
	CancelReason    string          `json:"cancel_reason"`
	BuyerCancel     string          `json:"buyer_cancel_reason"`
	Recipient       *struct {
		Name        string         `json:"name"`
		Phone       string         `json:"phone"`
		Town        string         `json:"town"`
		District    string         `json:"district"`
		City        string         `json:"city"`
		State       string         `json:"state"`
		Region      string         `json:"region"`
		Zipcode     lenient.String `json:"zipcode"`
		FullAddress string         `json:"full_address"`
	} `json:"recipient_address"`
	ItemList    []itemJSON    `json:"item_list"`
	PackageList []packageJSON `json:"package_list"`
}

type itemJSON struct {
	ItemID          lenient.String  `json:"item_id"`
	ItemName        string          `json:"item_name"`
	ItemSKU         string          `json:"item_sku"`
	ModelID         lenient.String  `json:"model_id"`
	ModelName       string          `json:"model_name"`
	ModelSKU        string          `json:"model_sku"`
	Quantity        lenient.Int     `json:"model_quantity_purchased"`
	OriginalPrice   lenient.Decimal `json:"model_original_price"`
	DiscountedPrice lenient.Decimal `json:"model_discounted_price"`
	OrderItemID     lenient.String  `json:"order_item_id"`
	ImageInfo       struct {
		ImageURL string `json:"image_url"`
	} `json:"image_info"`
}

type packageJSON struct {
	PackageNumber   string `json:"package_number"`
	LogisticsStatus string `json:"logistics_status"`
	ShippingCarrier string `json:"shipping_carrier"`
	ItemList        []struct {
		ItemID  lenient.String `json:"item_id"`
		ModelID lenient.String `json:"model_id"`
	} `json:"item_list"`
}

// trackingAnswer is get_tracking_number's response (S4).
type trackingAnswer struct {
	TrackingNumber string `json:"tracking_number"`
}

// returnListAnswer is get_return_list's response (S5).
type returnListAnswer struct {
	More   lenient.Bool `json:"more"`
	Return []returnJSON `json:"return"`
}

// detailFields are the optional fields get_order_detail is asked for: every one MAPPING.md maps.
var detailFields = []string{
	"buyer_user_id", "buyer_username", "estimated_shipping_fee", "recipient_address", "note", "item_list",
	"pay_time", "buyer_cancel_reason", "cancel_by", "cancel_reason", "package_list", "shipping_carrier",
	"payment_method", "total_amount",
}

// warnings reads a warning field: a list of order_sns, a single string, or a list of objects
// naming an order_sn.
func warnings(raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		var one lenient.String
		if json.Unmarshal(raw, &one) == nil && one != "" {
			return []string{string(one)}
		}
		return nil
	}
	var out []string
	for _, r := range list {
		var s lenient.String
		if json.Unmarshal(r, &s) == nil && s != "" {
			out = append(out, string(s))
			continue
		}
		var obj struct {
			OrderSN string `json:"order_sn"`
		}
		if json.Unmarshal(r, &obj) == nil && obj.OrderSN != "" {
			out = append(out, obj.OrderSN)
		}
	}
	return out
}

// epoch turns epoch seconds into UTC time; 0 is no time.
func epoch(n lenient.Int) time.Time {
	if n <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(n), 0).UTC()
}

// money reads an amount from the exact text the platform sent (a JSON float prints its shortest
// decimal form); a number in exponent form goes through domain.MoneyFromFloat.
func money(d lenient.Decimal, currency string) (domain.Money, error) {
	m, err := domain.ParseMoney(string(d), currency)
	if err == nil {
		return m, nil
	}
	f, ferr := strconv.ParseFloat(string(d), 64)
	if ferr != nil {
		return domain.Money{}, err
	}
	return domain.MoneyFromFloat(f, currency), nil
}

// cancelledBy maps cancel_by (buyer|seller|system|Ops) to Kedai's words.
func cancelledBy(s string) string {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "":
		return ""
	case "ops", "system":
		return "system"
	default:
		return v
	}
}

// toOrder maps one get_order_detail entry to a domain order (MAPPING.md, Shopee). Tracking
// numbers are filled in later from get_tracking_number.
func (j *orderJSON) toOrder(fallbackCurrency string) (domain.Order, error) {
	cur := strings.TrimSpace(j.Currency)
	if cur == "" {
		cur = fallbackCurrency
	}
	o := domain.Order{
		Platform:        domain.Shopee,
		OrderNo:         j.OrderSN,
		PlatformID:      j.OrderSN,
		Status:          j.OrderStatus,
		CreatedAt:       epoch(j.CreateTime),
		UpdatedAt:       epoch(j.UpdateTime),
		PaidAt:          epoch(j.PayTime),
		ShipBy:          epoch(j.ShipByDate),
		Currency:        cur,
		PaymentMethod:   j.PaymentMethod,
		COD:             bool(j.COD),
		Buyer:           domain.Buyer{Username: j.BuyerUsername, UserID: string(j.BuyerUserID)},
		BuyerNote:       j.MessageToSeller,
		SellerNote:      j.Note,
		CancelReason:    j.CancelReason,
		CancelledBy:     cancelledBy(j.CancelBy),
		CancelRequested: j.OrderStatus == domain.SpInCancel,
		DeliveryOption:  j.ShippingCarrier,
	}
	if o.CancelReason == "" {
		o.CancelReason = j.BuyerCancel
	}
	if r := j.Recipient; r != nil {
		o.Address = domain.Address{Name: r.Name, Phone: r.Phone, District: r.District, City: r.City, State: r.State,
			Postcode: string(r.Zipcode), Country: r.Region}
		if r.FullAddress != "" {
			o.Address.Lines = []string{r.FullAddress}
		}
	}
	var err error
	bad := func(field string, e error) error {
		return fmt.Errorf("order %s: %s: %w", j.OrderSN, field, e)
	}
	if o.Total, err = money(j.TotalAmount, cur); err != nil {
		return o, bad("total_amount", err)
	}
	if o.ShippingFee, err = money(j.EstShippingFee, cur); err != nil {
		return o, bad("estimated_shipping_fee", err)
	}
	type key struct{ item, model string }
	pkgOf := map[key]string{}
	for _, p := range j.PackageList {
		o.Packages = append(o.Packages, domain.Package{ID: p.PackageNumber, Provider: p.ShippingCarrier, Status: p.LogisticsStatus})
		for _, it := range p.ItemList {
			k := key{string(it.ItemID), string(it.ModelID)}
			if _, seen := pkgOf[k]; !seen {
				pkgOf[k] = p.PackageNumber
			}
		}
	}
	o.Subtotal = domain.Money{Currency: cur}
	for _, it := range j.ItemList {
		item := domain.Item{
			PlatformItemID: string(it.OrderItemID),
			ProductID:      string(it.ItemID),
			SKUID:          string(it.ModelID),
			SKU:            it.ModelSKU,
			Name:           it.ItemName,
			Variation:      it.ModelName,
			Qty:            int(it.Quantity),
			ImageURL:       it.ImageInfo.ImageURL,
			PackageID:      pkgOf[key{string(it.ItemID), string(it.ModelID)}],
		}
		if item.SKU == "" {
			item.SKU = it.ItemSKU
		}
		if item.UnitPrice, err = money(it.OriginalPrice, cur); err != nil {
			return o, bad("model_original_price", err)
		}
		if item.PaidPrice, err = money(it.DiscountedPrice, cur); err != nil {
			return o, bad("model_discounted_price", err)
		}
		o.Subtotal = o.Subtotal.Add(item.PaidPrice.Times(item.Qty))
		o.Items = append(o.Items, item)
	}
	if v := o.Subtotal.Minor + o.ShippingFee.Minor - o.Total.Minor; v > 0 {
		o.PlatformVoucher = domain.Money{Minor: v, Currency: cur}
	} else {
		o.PlatformVoucher = domain.Money{Currency: cur}
	}
	return o, nil
}

// trackedStatuses are the order statuses in which Kedai asks for tracking numbers: from arranging
// shipment until the parcel is in transit, when the warehouse prints, scans and hands over.
// get_tracking_number answers for one package per call, so asking for every finished order of a
// 90-day first sync would take hours at the rate limit; an order first seen finished has none.
var trackedStatuses = map[string]bool{
	domain.SpProcessed: true, domain.SpRetryShip: true, domain.SpShipped: true,
}

// notArranged are the package logistics statuses before shipment is arranged: no tracking
// number yet. Any other status (LOGISTICS_REQUEST_CREATED, PICKUP_*, DELIVERY_*, LOST, and
// REQUEST_CANCELED for a shipment arranged and then cancelled) may carry one.
var notArranged = map[string]bool{
	"": true, "LOGISTICS_NOT_START": true, "LOGISTICS_PENDING_ARRANGE": true, "LOGISTICS_READY": true,
	"LOGISTICS_COD_REJECTED": true, "LOGISTICS_INVALID": true,
}

// tracked reports whether to ask for a package's tracking number: its order is in a tracked
// status and the package is past arranging shipment.
func tracked(orderStatus string, p domain.Package) bool {
	return trackedStatuses[orderStatus] && !notArranged[strings.ToUpper(strings.TrimSpace(p.Status))]
}

// shippingParamAnswer is get_shipping_parameter's response (S4). info_needed names, per method
// the order may use, the fields ship_order wants; a method is offered when its key is there,
// even with an empty (or null) list.
type shippingParamAnswer struct {
	InfoNeeded map[string]json.RawMessage `json:"info_needed"`
	Pickup     struct {
		AddressList []addressJSON `json:"address_list"`
	} `json:"pickup"`
	Dropoff struct {
		BranchList []branchJSON      `json:"branch_list"`
		SlugList   []json.RawMessage `json:"slug_list"`
	} `json:"dropoff"`
}

type addressJSON struct {
	AddressID   lenient.String `json:"address_id"`
	Region      string         `json:"region"`
	State       string         `json:"state"`
	City        string         `json:"city"`
	District    string         `json:"district"`
	Town        string         `json:"town"`
	Address     string         `json:"address"`
	Zipcode     lenient.String `json:"zipcode"`
	AddressFlag []string       `json:"address_flag"`
	TimeSlots   []struct {
		Date         lenient.Int    `json:"date"`
		TimeText     string         `json:"time_text"`
		PickupTimeID lenient.String `json:"pickup_time_id"`
	} `json:"time_slot_list"`
}

type branchJSON struct {
	BranchID lenient.String `json:"branch_id"`
	Region   string         `json:"region"`
	State    string         `json:"state"`
	City     string         `json:"city"`
	District string         `json:"district"`
	Town     string         `json:"town"`
	Address  string         `json:"address"`
	Zipcode  lenient.String `json:"zipcode"`
}

// methods are the shipping methods info_needed offers, in Kedai's order, and what each needs.
func (a *shippingParamAnswer) methods() (offered []string, needs map[string][]string) {
	needs = map[string][]string{}
	for _, m := range []string{market.Pickup, market.DropOff, market.NonIntegrated} {
		raw, ok := a.InfoNeeded[m]
		if !ok {
			continue
		}
		offered = append(offered, m)
		var fields []lenient.String
		if json.Unmarshal(raw, &fields) != nil {
			var one lenient.String // a lone field name
			if json.Unmarshal(raw, &one) == nil && one != "" {
				fields = []lenient.String{one}
			}
		}
		for _, f := range fields {
			if f != "" {
				needs[m] = append(needs[m], string(f))
			}
		}
	}
	return offered, needs
}

// slugs reads slug_list: slug strings or objects {"slug", ...}.
func (a *shippingParamAnswer) slugs() []string {
	var out []string
	for _, raw := range a.Dropoff.SlugList {
		var s lenient.String
		if json.Unmarshal(raw, &s) == nil && s != "" {
			out = append(out, string(s))
			continue
		}
		var obj struct {
			Slug lenient.String `json:"slug"`
		}
		if json.Unmarshal(raw, &obj) == nil && obj.Slug != "" {
			out = append(out, string(obj.Slug))
		}
	}
	return out
}

// place is an address as one line: the street address, then the parts it does not already say.
func place(address string, parts ...string) string {
	line := strings.TrimSpace(address)
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || strings.Contains(strings.ToLower(line), strings.ToLower(p)) {
			continue
		}
		if line != "" {
			line += ", "
		}
		line += p
	}
	return line
}

func (a *addressJSON) label() string {
	return place(a.Address, a.Town, a.District, a.City, a.State, string(a.Zipcode))
}

func (b *branchJSON) label() string {
	return place(b.Address, b.Town, b.District, b.City, b.State, string(b.Zipcode))
}
