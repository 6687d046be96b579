package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// TikTok Shop fulfilment (reference T4; sync/FULFILMENT.md). TikTok assigns a package at payment
// (see normalize); the seller ships it with a handover method: PICKUP in one of the slots
// handover_time_slots offers as avaliable, or DROP_OFF. The package and its lines go TO_FULFILL ->
// PROCESSING with a courier and a tracking number, and once no live line waits any more the order
// goes AWAITING_SHIPMENT -> AWAITING_COLLECTION. A SELLER-shipping order ships with self_shipment
// {tracking_number, shipping_provider_id} instead.

const (
	ttProcessing = "PROCESSING"

	codeAlreadyShipped = 21011040 // the package has been shipped already
	codeOrderCancelled = 21011041
	codeAfterSale      = 21008044 // a cancellation or return request awaits the seller
	codeOutsideSlot    = 21011053 // the pickup slot is not an available handover slot
	// codeNotShippable is ours: the reference names no code for shipping an order still UNPAID or
	// ON_HOLD.
	codeNotShippable = 21011001

	tiktokMaxShipBatch = 50 // ours: the reference gives no limit for the batch ship
)

// handover is how a shipped package is handed to the courier.
type handover struct {
	method     string // PICKUP or DROP_OFF ("" for SELLER shipping)
	start, end int64  // PICKUP: the slot
}

type ttSlot struct {
	start, end time.Time
	avail      bool
}

// tiktokSlots are a package's handover slots at now: 09:00-12:00 and 14:00-18:00 (Malaysia time) on
// each of the next three days. About a third are not available (stable per package and slot);
// the first always is and the second never is.
func tiktokSlots(pkgID string, now time.Time) []ttSlot {
	out := make([]ttSlot, 0, 6)
	for d := 1; d <= 3; d++ {
		day := dayMYT(now, d)
		for _, w := range [][2]int{{9, 12}, {14, 18}} {
			start, end := day.Add(time.Duration(w[0])*time.Hour), day.Add(time.Duration(w[1])*time.Hour)
			avail := hash64("tiktok slot", pkgID, strconv.FormatInt(start.Unix(), 10))%3 != 0
			out = append(out, ttSlot{start: start, end: end, avail: avail})
		}
	}
	out[0].avail, out[1].avail = true, false
	return out
}

// tiktokPackage finds a package of the shop and its order.
func tiktokPackage(sh *shopState, id string) (*record, domain.Package, bool) {
	r := sh.byPkg[id]
	if r == nil || id == "" {
		return nil, domain.Package{}, false
	}
	p, ok := r.o.Package(id)
	return r, p, ok
}

func tiktokNoPackage(c *call, id string) reply {
	return tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf("Invalid package_id: package %q not found.", id))
}

// tiktokHandoverSlots is GET /fulfillment/202309/packages/{package_id}/handover_time_slots.
func (s *Sim) tiktokHandoverSlots(c *call) reply {
	r, _, ok := tiktokPackage(c.shop, c.pathID)
	if !ok {
		return tiktokNoPackage(c, c.pathID)
	}
	byTikTok := r.o.ShippingType != "SELLER"
	slots := []map[string]any{}
	if byTikTok {
		for _, sl := range tiktokSlots(c.pathID, s.now()) {
			slots = append(slots, map[string]any{"start_time": sl.start.Unix(), "end_time": sl.end.Unix(), "avaliable": sl.avail})
		}
	}
	return tiktokOK(c, map[string]any{
		"can_pickup":         byTikTok,
		"can_drop_off":       byTikTok,
		"can_van_collection": false,
		"drop_off_point_url": "https://seller-my.tiktok.com/logistics/drop-off-points?package_id=" + c.pathID,
		"pickup_slots":       slots,
	})
}

// tiktokShipOne ships one package with the request's fields (handover_method, pickup_slot,
// self_shipment), or says why not. Callers hold s.mu for writing.
func (s *Sim) tiktokShipOne(sh *shopState, id string, req map[string]json.RawMessage, refused *callRefusals) (code int, msg string) {
	r, pkg, ok := tiktokPackage(sh, id)
	if !ok {
		return codeBadParam, fmt.Sprintf("Invalid package_id: package %q not found.", id)
	}
	o := &r.o
	if rf, refusedNow := refused.take(o.OrderNo); refusedNow {
		n, _ := strconv.Atoi(rf.code)
		return n, rf.message
	}
	var live []int
	for i, it := range o.Items {
		if it.PackageID == id && !it.Cancelled && it.Status != "CANCELLED" {
			live = append(live, i)
		}
	}
	switch {
	case o.Status == domain.TtCancelled || len(live) == 0 || pkg.Status == "CANCELLED":
		return codeOrderCancelled, "The order has been cancelled."
	case pkg.Status != ttToFulfill && pkg.Status != "":
		return codeAlreadyShipped, "The package has already been shipped."
	case o.CancelRequested || o.ReturnRequested:
		return codeAfterSale, "The order has a pending cancellation or return request."
	case o.Status == domain.TtUnpaid || o.Status == domain.TtOnHold:
		return codeNotShippable, "The order cannot be shipped yet: it is " + o.Status + "."
	}
	for _, i := range live {
		if o.Items[i].Status != ttToFulfill && o.Items[i].Status != "" {
			return codeAlreadyShipped, "The package has already been shipped."
		}
	}

	var method string
	_ = json.Unmarshal(req["handover_method"], &method)
	h := handover{method: method}
	var provider string
	if o.ShippingType == "SELLER" {
		var ss map[string]json.RawMessage
		_ = json.Unmarshal(req["self_shipment"], &ss)
		tracking, provID := rawID(ss["tracking_number"]), rawID(ss["shipping_provider_id"])
		if tracking == "" || provID == "" {
			return codeBadParam, "self_shipment.tracking_number and self_shipment.shipping_provider_id are required for SELLER shipping."
		}
		provider = provID
		for _, c := range tiktokCouriers {
			if providerID(c.name) == provID {
				provider = c.name
			}
		}
		pkg.TrackingNo = tracking
	} else {
		switch method {
		case "PICKUP":
			var slot map[string]json.RawMessage
			_ = json.Unmarshal(req["pickup_slot"], &slot)
			start, ok1 := jsonInt(slot["start_time"])
			end, ok2 := jsonInt(slot["end_time"])
			found := false
			for _, sl := range tiktokSlots(id, s.now()) {
				found = found || ok1 && ok2 && sl.avail && sl.start.Unix() == start && sl.end.Unix() == end
			}
			if !found {
				return codeOutsideSlot, "The pickup slot is not one of the package's available handover time slots."
			}
			h.start, h.end = start, end
		case "DROP_OFF":
		default:
			return codeBadParam, fmt.Sprintf("Invalid handover_method %q: use PICKUP or DROP_OFF.", method)
		}
		provider = pickCourier(tiktokCouriers, id)
		pkg.TrackingNo = trackingNo(provider, id)
	}

	for _, i := range live {
		o.Items[i].Status = ttProcessing
	}
	pkg.Provider, pkg.Status = provider, ttProcessing
	setPackage(o, pkg)
	waiting := false
	for _, it := range o.Items {
		waiting = waiting || !it.Cancelled && it.Status == ttToFulfill
	}
	if !waiting {
		o.Status = domain.TtAwaitingCollection
	}
	if r.handover == nil {
		r.handover = map[string]handover{}
	}
	r.handover[id] = h
	sh.touch(r, s.stamp())
	return 0, ""
}

// tiktokShip is POST /fulfillment/202309/packages/{package_id}/ship. Success is
// {"code":0,"data":{},"message":"Success"}.
func (s *Sim) tiktokShip(c *call) reply {
	body, ok := tiktokBody(c)
	if !ok {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
	}
	if code, msg := s.tiktokShipOne(c.shop, c.pathID, body, newCallRefusals(c.shop)); code != 0 {
		return tiktokError(c, http.StatusOK, code, msg)
	}
	return tiktokOK(c, map[string]any{})
}

// tiktokBatchShip is POST /fulfillment/202309/packages/ship: {"packages":[{"id",...same fields}]}.
// The call succeeds; data.errors lists the packages that failed, [{code,message,detail{package_id}}].
func (s *Sim) tiktokBatchShip(c *call) reply {
	body, ok := tiktokBody(c)
	if !ok {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(body["packages"], &list); err != nil || len(list) == 0 {
		return tiktokError(c, http.StatusOK, codeBadParam, "Invalid packages: give at least one package.")
	}
	if len(list) > tiktokMaxShipBatch {
		return tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf("Invalid packages: at most %d packages per call, got %d.", tiktokMaxShipBatch, len(list)))
	}
	refused := newCallRefusals(c.shop)
	errs := []map[string]any{}
	for _, p := range list {
		id := rawID(p["id"])
		if code, msg := s.tiktokShipOne(c.shop, id, p, refused); code != 0 {
			errs = append(errs, map[string]any{"code": code, "message": msg, "detail": map[string]string{"package_id": id}})
		}
	}
	return tiktokOK(c, map[string]any{"errors": errs})
}

// tiktokPackageDetail is GET /fulfillment/202309/packages/{package_id}. package_status is the
// package's status as its lines show it (TO_FULFILL before it is shipped).
func (s *Sim) tiktokPackageDetail(c *call) reply {
	r, pkg, ok := tiktokPackage(c.shop, c.pathID)
	if !ok {
		return tiktokNoPackage(c, c.pathID)
	}
	o := &r.o
	ids := []string{}
	type sku struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		ImageURL string `json:"image_url"`
		Quantity int    `json:"quantity"`
	}
	skus := []*sku{}
	bySKU := map[string]*sku{}
	for _, it := range o.Items {
		if it.PackageID != pkg.ID {
			continue
		}
		ids = append(ids, it.PlatformItemID)
		if k := bySKU[it.SKUID]; k != nil {
			k.Quantity++
			continue
		}
		k := &sku{ID: it.SKUID, Name: it.Variation, ImageURL: it.ImageURL, Quantity: 1}
		bySKU[it.SKUID] = k
		skus = append(skus, k)
	}
	h, known := r.handover[pkg.ID]
	if !known && pkg.Status != ttToFulfill && o.ShippingType != "SELLER" {
		h.method = "PICKUP" // shipped before the simulator saw it: TikTok's usual handover
	}
	created := o.PaidAt
	if created.IsZero() {
		created = o.CreatedAt
	}
	data := map[string]any{
		"package_id":             pkg.ID,
		"orders":                 []map[string]any{{"id": o.OrderNo, "skus": skus}},
		"order_line_item_ids":    ids,
		"package_status":         pkg.Status,
		"shipping_type":          o.ShippingType,
		"handover_method":        h.method,
		"tracking_number":        pkg.TrackingNo,
		"shipping_provider_id":   providerID(pkg.Provider),
		"shipping_provider_name": pkg.Provider,
		"delivery_option_id":     derivedDigits(19, "delivery option", o.DeliveryOption),
		"delivery_option_name":   o.DeliveryOption,
		"create_time":            unixOrZero(created),
		"update_time":            unixOrZero(o.UpdatedAt),
	}
	if h.method == "PICKUP" && h.start != 0 {
		data["pickup_slot"] = map[string]int64{"start_time": h.start, "end_time": h.end}
	}
	return tiktokOK(c, data)
}
