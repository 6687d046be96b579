package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Shopee fulfilment (reference S4; sync/FULFILMENT.md): get_shipping_parameter says how an order
// can be arranged, ship_order (or batch_ship_order) arranges it: the order goes READY_TO_SHIP ->
// PROCESSED, its package LOGISTICS_REQUEST_CREATED with the channel's courier and a tracking
// number that get_tracking_number returns.
//
// Channels: an order's channel is its shipping_carrier (DeliveryOption). A channel whose name
// starts with "Others" (e.g. "Others (West Malaysia)") is non-integrated: info_needed offers only
// non_integrated [tracking_number], and the seller's tracking number is the package's. Every other
// channel is integrated: pickup [address_id, pickup_time_id] and dropoff, which needs
// [branch_id] except for Shopee Xpress (any SPX point: []). A method info_needed does not offer is
// refused. The shop has one or two pickup addresses, each with a slot on each of the next three
// days (Malaysia time); pickup_time_id is the slot's start in epoch seconds.

const (
	spRequestCreated = "LOGISTICS_REQUEST_CREATED"
	spDefaultCarrier = "Shopee Xpress"
	shopeeMaxBatch   = 50
)

// shopeePlaces are where the simulated shops and drop-off branches are.
var shopeePlaces = []struct{ state, city, district, town, address, zipcode string }{
	{"Selangor", "Shah Alam", "Petaling", "Seksyen 13", "No. 12, Jalan Kristal 13/6, Seksyen 13", "40100"},
	{"Kuala Lumpur", "Kuala Lumpur", "Cheras", "Taman Connaught", "23-1, Jalan Cerdas, Taman Connaught", "56000"},
	{"Pulau Pinang", "Bayan Lepas", "Barat Daya", "Bayan Baru", "8, Lebuh Bukit Jambul", "11900"},
	{"Johor", "Johor Bahru", "Johor Bahru", "Taman Molek", "45, Jalan Molek 2/4, Taman Molek", "81100"},
	{"Perak", "Ipoh", "Kinta", "Greentown", "17, Jalan Dato Seri Ahmad Said, Greentown", "30450"},
}

// spAddress is a shop's pickup address; its slots are the window from..to (hours, Malaysia time)
// on each of the next three days.
type spAddress struct {
	id                                            int64
	state, city, district, town, address, zipcode string
	flags                                         []string
	from, to                                      int
}

type spSlot struct {
	id, text         string
	date, start, end time.Time
	flags            []string
}

// shopeeAddresses are the shop's pickup addresses: one or two, stable for the shop.
func shopeeAddresses(shopID string) []spAddress {
	h := hash64("shopee pickup", shopID)
	n := 1 + int(h%2)
	out := make([]spAddress, 0, n)
	for k := range n {
		pl := shopeePlaces[(int(h>>8%uint64(len(shopeePlaces)))+k)%len(shopeePlaces)]
		id, _ := strconv.ParseInt(derivedDigits(8, "shopee address", shopID, strconv.Itoa(k)), 10, 64)
		a := spAddress{id: id, state: pl.state, city: pl.city, district: pl.district, town: pl.town, address: pl.address,
			zipcode: pl.zipcode, flags: []string{"default_address", "pickup_address"}, from: 9, to: 12}
		if k > 0 {
			a.flags, a.from, a.to = []string{"pickup_address"}, 14, 18
		}
		out = append(out, a)
	}
	return out
}

func (a spAddress) slots(now time.Time) []spSlot {
	out := make([]spSlot, 0, 3)
	for d := 1; d <= 3; d++ {
		day := dayMYT(now, d)
		start, end := day.Add(time.Duration(a.from)*time.Hour), day.Add(time.Duration(a.to)*time.Hour)
		flags := []string{}
		if d == 1 {
			flags = []string{"recommended"}
		}
		out = append(out, spSlot{id: strconv.FormatInt(start.Unix(), 10), date: day, start: start, end: end, flags: flags,
			text: fmt.Sprintf("%s %02d:00-%02d:00", day.Format("02/01/2006"), a.from, a.to)})
	}
	return out
}

// spChannel is what an order's channel offers in info_needed.
type spChannel struct {
	pickup, dropoff, nonIntegrated bool
	dropoffNeeds                   []string
}

func shopeeCarrier(o *domain.Order) string {
	if o.DeliveryOption == "" {
		return spDefaultCarrier
	}
	return o.DeliveryOption
}

func shopeeChannel(o *domain.Order) spChannel {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(o.DeliveryOption)), "others") {
		return spChannel{nonIntegrated: true}
	}
	ch := spChannel{pickup: true, dropoff: true, dropoffNeeds: []string{}}
	if shopeeCarrier(o) != spDefaultCarrier {
		ch.dropoffNeeds = []string{"branch_id"}
	}
	return ch
}

type spBranch struct {
	id                                            int64
	state, city, district, town, address, zipcode string
}

// shopeeBranches are the drop-off branches of a courier near the shop (none needed for SPX).
func shopeeBranches(shopID, carrier string) []spBranch {
	if carrier == spDefaultCarrier {
		return nil
	}
	h := int(hash64("shopee branch", shopID, carrier) % uint64(len(shopeePlaces)))
	out := make([]spBranch, 0, 3)
	for k := range 3 {
		pl := shopeePlaces[(h+k)%len(shopeePlaces)]
		id, _ := strconv.ParseInt(derivedDigits(6, "shopee branch", shopID, carrier, strconv.Itoa(k)), 10, 64)
		out = append(out, spBranch{id: id, state: pl.state, city: pl.city, district: pl.district, town: pl.town,
			address: carrier + " " + pl.town + ", " + pl.address, zipcode: pl.zipcode})
	}
	return out
}

// shopeeArranged reports whether the order's shipment is arranged already (or it went further).
func shopeeArranged(o *domain.Order) bool {
	switch o.Status {
	case domain.SpProcessed, domain.SpRetryShip, domain.SpShipped, domain.SpToConfirmReceive, domain.SpCompleted:
		return true
	}
	for _, p := range o.Packages {
		switch p.Status {
		case "", "LOGISTICS_NOT_START", "LOGISTICS_READY", "LOGISTICS_PENDING_ARRANGE", "LOGISTICS_REQUEST_CANCELED", "LOGISTICS_INVALID":
		default:
			return true
		}
	}
	return false
}

// shopeeShippingParameter is GET /api/v2/logistics/get_shipping_parameter?order_sn=[&package_number=]:
// for an order ready to ship or arranged (the parameters update_shipping_order would take).
func (s *Sim) shopeeShippingParameter(c *call) reply {
	sn := c.query.Get("order_sn")
	if sn == "" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: order_sn is required.")
	}
	r := c.shop.byNo[sn]
	if r == nil {
		return shopeeError(c, "logistics.order_not_found", "Order not found: "+sn)
	}
	o := &r.o
	if pn := c.query.Get("package_number"); pn != "" {
		if _, ok := o.Package(pn); !ok {
			return shopeeError(c, "logistics.package_not_exist", "The package is not exist.")
		}
	}
	switch o.Status {
	case domain.SpReadyToShip, domain.SpProcessed, domain.SpRetryShip:
	default:
		return shopeeError(c, "logistics.ship_order_not_ready_to_ship", "The order status is not ready to ship.")
	}
	ch := shopeeChannel(o)
	info := map[string]any{}
	resp := map[string]any{"info_needed": info}
	if ch.pickup {
		info["pickup"] = []string{"address_id", "pickup_time_id"}
		list := []map[string]any{}
		for _, a := range shopeeAddresses(c.shop.ID) {
			slots := []map[string]any{}
			for _, sl := range a.slots(s.now()) {
				slots = append(slots, map[string]any{"date": sl.date.Unix(), "time_text": sl.text, "pickup_time_id": sl.id, "flags": sl.flags})
			}
			list = append(list, map[string]any{
				"address_id": a.id, "region": c.shop.Region, "state": a.state, "city": a.city, "district": a.district,
				"town": a.town, "address": a.address, "zipcode": a.zipcode, "address_flag": a.flags, "time_slot_list": slots,
			})
		}
		resp["pickup"] = map[string]any{"address_list": list}
	}
	if ch.dropoff {
		info["dropoff"] = ch.dropoffNeeds
		branches := []map[string]any{}
		for _, b := range shopeeBranches(c.shop.ID, shopeeCarrier(o)) {
			branches = append(branches, map[string]any{
				"branch_id": b.id, "region": c.shop.Region, "state": b.state, "city": b.city, "address": b.address,
				"zipcode": b.zipcode, "district": b.district, "town": b.town,
			})
		}
		resp["dropoff"] = map[string]any{"branch_list": branches, "slug_list": []any{}}
	}
	if ch.nonIntegrated {
		info["non_integrated"] = []string{"tracking_number"}
	}
	return shopeeOK(c, resp, nil)
}

// shopeeMethod reads the one shipping method of a ship_order body: "pickup", "dropoff" or
// "non_integrated" with its object; ok is false unless exactly one is given (an empty object
// counts; null does not).
func shopeeMethod(body map[string]json.RawMessage) (method string, obj map[string]json.RawMessage, ok bool) {
	n := 0
	for _, k := range []string{"pickup", "dropoff", "non_integrated"} {
		if present(body, k) {
			n++
			method = k
		}
	}
	if n != 1 {
		return "", nil, false
	}
	if err := json.Unmarshal(body[method], &obj); err != nil {
		return method, nil, true // not an object: treated as empty, so its fields are missing
	}
	if obj == nil {
		obj = map[string]json.RawMessage{}
	}
	return method, obj, true
}

const (
	spOneType      = "logistics.ship_order_only_support_one_type"
	spOneTypeMsg   = "Please select just one way to ship order: pickup or dropoff or non_integrated."
	spNotFound     = "logistics.order_not_found"
	spAlready      = "logistics.package_already_shipped"
	spNotReady     = "logistics.ship_order_not_ready_to_ship"
	spNeedPickup   = "logistics.ship_order_need_address_pickup_time"
	spNeedPickMsg  = "Parameter address_id and pickup_time_id are required."
	spLogisticsErr = "logistics.error_param"
)

// shopeeShip arranges one order's shipment, or says why not (error code and message). tracking
// is the batch entry's own tracking number ("" when none). Callers hold s.mu for writing.
func (s *Sim) shopeeShip(sh *shopState, r *record, pkgNo, method string, obj map[string]json.RawMessage, tracking string, refused *callRefusals) (code, msg string) {
	o := &r.o
	if rf, ok := refused.take(o.OrderNo); ok {
		return rf.code, rf.message
	}
	if pkgNo != "" {
		if _, ok := o.Package(pkgNo); !ok {
			return "logistics.package_not_exist", "The package is not exist."
		}
	}
	switch {
	case o.Status == domain.SpCancelled || o.Status == domain.SpInCancel:
		return spNotReady, "The order status is not ready to ship: it is " + o.Status + "."
	case shopeeArranged(o):
		return spAlready, "The package has been shipped."
	case o.Status != domain.SpReadyToShip:
		return spNotReady, "The order status is not ready to ship."
	}
	ch := shopeeChannel(o)
	carrier := shopeeCarrier(o)
	str := func(k string) string { return rawID(obj[k]) }
	switch method {
	case "pickup":
		if !ch.pickup {
			return "logistics.ship_order_unsupport_pickup", "This order does not support ship with pickup."
		}
		addr, slot := str("address_id"), str("pickup_time_id")
		if addr == "" || addr == "0" || slot == "" {
			return spNeedPickup, spNeedPickMsg
		}
		var found *spAddress
		for _, a := range shopeeAddresses(sh.ID) {
			if strconv.FormatInt(a.id, 10) == addr {
				found = &a
			}
		}
		if found == nil {
			return spLogisticsErr, "Seller address is not exist. Please try other address."
		}
		ok := false
		for _, sl := range found.slots(s.now()) {
			ok = ok || sl.id == slot
		}
		if !ok {
			return "logistics.ship_order_pickup_time_invalid", "Invalid pickup time id. Please check the pick up time id."
		}
		tracking = ""
	case "dropoff":
		if !ch.dropoff {
			return spLogisticsErr, "This order does not support ship with dropoff."
		}
		if len(ch.dropoffNeeds) > 0 {
			b := str("branch_id")
			if b == "" || b == "0" {
				return "logistics.ship_order_need_branch_id", "Parameter branch_id is required."
			}
			ok := false
			for _, br := range shopeeBranches(sh.ID, carrier) {
				ok = ok || strconv.FormatInt(br.id, 10) == b
			}
			if !ok {
				return spLogisticsErr, "The branch is not exist. Please choose one from get_shipping_parameter."
			}
		}
		tracking = ""
	case "non_integrated":
		if !ch.nonIntegrated {
			return spLogisticsErr, "This order does not support ship with non_integrated."
		}
		if tracking == "" {
			tracking = str("tracking_number")
		}
		if tracking == "" {
			return "logistics.ship_order_need_tracking_number", "Parameter tracking_number can not be null."
		}
	}

	sh.unindexPackages(r)
	var pkg domain.Package
	switch {
	case pkgNo != "":
		pkg, _ = o.Package(pkgNo)
	case len(o.Packages) > 0:
		pkg = o.Packages[0]
	default:
		pkg.ID = sh.newPackageID("OFG", 15, "shopee package", o.OrderNo)
	}
	pkg.Provider, pkg.Status = carrier, spRequestCreated
	pkg.TrackingNo = tracking
	if pkg.TrackingNo == "" {
		pkg.TrackingNo = trackingNo(carrier, pkg.ID)
	}
	for i := range o.Items {
		if o.Items[i].PackageID == "" {
			o.Items[i].PackageID = pkg.ID
		}
	}
	setPackage(o, pkg)
	orderPackages(o)
	o.Status = domain.SpProcessed
	sh.touch(r, s.stamp())
	sh.indexPackages(r)
	return "", ""
}

// shopeeShipBody reads a ship API's JSON body.
func shopeeShipBody(c *call) (map[string]json.RawMessage, *reply) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &body); err != nil || body == nil {
		r := shopeeError(c, "error_param", "Wrong parameters, detail: the body must be a JSON object.")
		return nil, &r
	}
	return body, nil
}

// shopeeShipOrder is POST /api/v2/logistics/ship_order: {"order_sn","package_number"?, exactly one
// of pickup|dropoff|non_integrated}. Success is {"error":"","message":"","request_id"}.
func (s *Sim) shopeeShipOrder(c *call) reply {
	body, fail := shopeeShipBody(c)
	if fail != nil {
		return *fail
	}
	var sn, pkgNo string
	_ = json.Unmarshal(body["order_sn"], &sn)
	_ = json.Unmarshal(body["package_number"], &pkgNo)
	if sn == "" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: order_sn is required.")
	}
	method, obj, ok := shopeeMethod(body)
	if !ok {
		return shopeeError(c, spOneType, spOneTypeMsg)
	}
	r := c.shop.byNo[sn]
	if r == nil {
		return shopeeError(c, spNotFound, "Order not found: "+sn)
	}
	if code, msg := s.shopeeShip(c.shop, r, pkgNo, method, obj, "", newCallRefusals(c.shop)); code != "" {
		return shopeeError(c, code, msg)
	}
	return jsonReply(http.StatusOK, map[string]string{"error": "", "message": "", "request_id": c.reqID})
}

// shopeeBatchShipOrder is POST /api/v2/logistics/batch_ship_order: {"order_list":[{"order_sn",
// "package_number"?,"tracking_number"?}] (1..50), one method for all}. Each order is answered in
// response.result_list[{order_sn,package_number,fail_error,fail_message}]; when every one fails
// the call's error is common.batch_api_all_failed (with the list). For non_integrated an entry's
// own tracking_number wins over the method's.
func (s *Sim) shopeeBatchShipOrder(c *call) reply {
	body, fail := shopeeShipBody(c)
	if fail != nil {
		return *fail
	}
	var list []struct {
		OrderSN        string `json:"order_sn"`
		PackageNumber  string `json:"package_number"`
		TrackingNumber string `json:"tracking_number"`
	}
	if err := json.Unmarshal(body["order_list"], &list); err != nil || len(list) == 0 {
		return shopeeError(c, "error_param", "Wrong parameters, detail: order_list is required.")
	}
	if len(list) > shopeeMaxBatch {
		return shopeeError(c, "logistics.error_limit", fmt.Sprintf("The batch request reach limit %d.", shopeeMaxBatch))
	}
	method, obj, ok := shopeeMethod(body)
	if !ok {
		return shopeeError(c, spOneType, spOneTypeMsg)
	}
	refused := newCallRefusals(c.shop)
	results := make([]map[string]string, 0, len(list))
	failed := 0
	for _, e := range list {
		code, msg := spNotFound, "Order not found: "+e.OrderSN
		if r := c.shop.byNo[e.OrderSN]; r != nil {
			code, msg = s.shopeeShip(c.shop, r, e.PackageNumber, method, obj, e.TrackingNumber, refused)
			if code == "" && e.PackageNumber == "" && len(r.o.Packages) > 0 {
				e.PackageNumber = r.o.Packages[0].ID
			}
		}
		if code != "" {
			failed++
		}
		results = append(results, map[string]string{"order_sn": e.OrderSN, "package_number": e.PackageNumber, "fail_error": code, "fail_message": msg})
	}
	response := map[string]any{"result_list": results}
	if failed == len(list) {
		return jsonReply(http.StatusOK, map[string]any{"error": "common.batch_api_all_failed", "message": "All orders in the batch failed.",
			"request_id": c.reqID, "response": response})
	}
	return shopeeOK(c, response, nil)
}
