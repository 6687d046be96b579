package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// Lazada fulfilment (reference L4; sync/FULFILMENT.md). Every answer sits under "result":
// {"code":"0","request_id":..,"result":{"success":true,"error_code":"","error_msg":"","data":{..}}}.
// success:true says the batch was processed, not that each entry was: each item (pack) or package
// (rts, repack, sof/delivered) carries its own item_err_code, "0" for done. A call-level refusal
// (more than 20 orders or packages) is success:false with error_code and error_msg and no data. A
// missing or malformed request parameter (packReq, readyToShipReq, ...) is the gateway's error
// shape: MissingParameter or InvalidParameter.

// lazadaMaxBatch is the fulfilment APIs' batch limit (orders for pack and shipment providers,
// packages for rts, repack and sof/delivered).
const lazadaMaxBatch = 20

// Lazada fulfilment error codes (the Pack API's table in the docs; the reference names 700000,
// 700021, 700022, 700025, 700026). 600001, 600002 and 700009 are the codes the docs' samples show
// for RecreatePackage, ReadyToShip and ConfirmDeliveryForDBS.
const (
	lzOK                  = "0"
	lzStatusNotAllowed    = "700000" // PACKAGE_STATUS_NOT_ALLOW_TO_OP
	lzProviderNotExists   = "700001" // DBS_SHIPMENT_PROVIDER_CODE_NOT_EXITS
	lzNotDBS              = "700009" // the package's order is not delivered by the seller's own fleet
	lzOrderNotFound       = "700021" // ORDER_NOT_FOUND
	lzBatchTooBig         = "700022" // BATCH_SIZE_OUT_OF_LIMIT
	lzItemNotFound        = "700025" // ORDER_ITEM_NOT_FOUND
	lzItemNotPackable     = "700026" // FO_ITEM_NOT_ALLOW_TO_PACK
	lzPackageNotFound     = "600001"
	lzPackageCancelled    = "600002"
	lzMsgSuccess          = "success"
	lzMsgStatusNotAllowed = "current package status not allow to operation"
)

// lazadaRetryable are codes whose entries may be sent again later (system busy, lock).
var lazadaRetryable = map[string]bool{"6": true, "40011": true, "700024": true}

// lazadaProviders are the shipment providers GetShipmentProvider lists (and NTFS packing takes by
// code).
var lazadaProviders = []struct{ name, code string }{
	{"LEX MY", "LEXMY"}, {"J&T Express", "JNTMY"}, {"Ninja Van", "NINJAVANMY"},
	{"Flash Express", "FLASHMY"}, {"DHL eCommerce", "DHLECOMMY"}, {"Pos Laju", "POSLAJU"},
}

func lazadaResult(c *call, data any) reply {
	return jsonReply(http.StatusOK, map[string]any{
		"code":       "0",
		"request_id": c.reqID,
		"result":     map[string]any{"success": true, "error_code": "", "error_msg": "", "data": data},
	})
}

func lazadaResultFail(c *call, code, msg string) reply {
	return jsonReply(http.StatusOK, map[string]any{
		"code":       "0",
		"request_id": c.reqID,
		"result":     map[string]any{"success": false, "error_code": code, "error_msg": msg},
	})
}

func lazadaInvalid(c *call, msg string) *reply {
	r := lazadaError(c, http.StatusOK, "ISV", "InvalidParameter", msg)
	return &r
}

// lazadaJSONParam reads a complex argument: a JSON object sent as a string in one parameter.
func lazadaJSONParam(c *call, params url.Values, name string) (map[string]json.RawMessage, *reply) {
	v := params.Get(name)
	if v == "" {
		r := lazadaError(c, http.StatusOK, "ISV", "MissingParameter", fmt.Sprintf("The input parameter %q that is mandatory for processing this request is not supplied", name))
		return nil, &r
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &m); err != nil || m == nil {
		return nil, lazadaInvalid(c, name+" must be a JSON object")
	}
	return m, nil
}

// lazadaPackable reports whether an item may be packed: pending or repacked, live, and no buyer's
// cancellation awaiting the seller.
func lazadaPackable(o *domain.Order, it domain.Item) bool {
	return (it.Status == domain.LzPending || it.Status == domain.LzRepacked) && !it.Cancelled && !o.CancelRequested
}

type lzPackResult struct {
	OrderItemID      any    `json:"order_item_id"`
	ItemErrCode      string `json:"item_err_code"`
	Msg              string `json:"msg"`
	TrackingNumber   string `json:"tracking_number"`
	ShipmentProvider string `json:"shipment_provider"`
	PackageID        string `json:"package_id"`
	Retry            bool   `json:"retry"`
}

// lazadaPack is POST /order/fulfill/pack. The listed items of an order that are pending or
// repacked become packed, all in one new package (its id, tracking number and shipment provider
// in each item's answer); every other item gets its own code. Orders named twice are packed once,
// with the items of both entries.
func (s *Sim) lazadaPack(c *call, params url.Values) reply {
	req, fail := lazadaJSONParam(c, params, "packReq")
	if fail != nil {
		return *fail
	}
	var list []struct {
		OrderID json.RawMessage   `json:"order_id"`
		Items   []json.RawMessage `json:"order_item_list"`
	}
	if err := json.Unmarshal(req["pack_order_list"], &list); err != nil || len(list) == 0 {
		return *lazadaInvalid(c, "packReq.pack_order_list must list the orders to pack")
	}
	if len(list) > lazadaMaxBatch {
		return lazadaResultFail(c, lzBatchTooBig, fmt.Sprintf("batch size out of limit: %d orders, at most %d", len(list), lazadaMaxBatch))
	}
	var deliveryType, alloc, providerCode string
	_ = json.Unmarshal(req["delivery_type"], &deliveryType)
	_ = json.Unmarshal(req["shipping_allocate_type"], &alloc)
	_ = json.Unmarshal(req["shipment_provider_code"], &providerCode)
	if deliveryType != "dropship" {
		return *lazadaInvalid(c, "packReq.delivery_type must be dropship")
	}
	provider := "" // the seller's choice (NTFS); "" = Lazada allocates
	switch strings.ToUpper(alloc) {
	case "", "TFS":
	case "NTFS":
		for _, p := range lazadaProviders {
			if p.code == providerCode {
				provider = p.name
			}
		}
		if provider == "" {
			return lazadaResultFail(c, lzProviderNotExists, "shipment provider code not exits: "+providerCode)
		}
	default:
		return *lazadaInvalid(c, "packReq.shipping_allocate_type must be TFS or NTFS")
	}

	type entry struct {
		id    string
		items []string
	}
	var entries []*entry
	byID := map[string]*entry{}
	for _, o := range list {
		id := rawID(o.OrderID)
		if id == "" {
			return *lazadaInvalid(c, "packReq.pack_order_list: every entry needs an order_id")
		}
		if len(o.Items) == 0 {
			return *lazadaInvalid(c, "packReq.pack_order_list: order "+id+" has no order_item_list")
		}
		e := byID[id]
		if e == nil {
			e = &entry{id: id}
			byID[id] = e
			entries = append(entries, e)
		}
		for _, raw := range o.Items {
			if it := rawID(raw); !slices.Contains(e.items, it) {
				e.items = append(e.items, it)
			}
		}
	}

	sh, now, refused := c.shop, s.stamp(), newCallRefusals(c.shop)
	out := make([]map[string]any, 0, len(entries))
	for _, e := range entries {
		results := make([]lzPackResult, len(e.items))
		for k, id := range e.items {
			results[k] = lzPackResult{OrderItemID: idNumber(id)}
		}
		failAll := func(code, msg string) {
			for k := range results {
				results[k].ItemErrCode, results[k].Msg, results[k].Retry = code, msg, lazadaRetryable[code]
			}
		}
		r := sh.byPID[e.id]
		if r == nil {
			failAll(lzOrderNotFound, "order not found")
		} else if rf, ok := refused.take(r.o.OrderNo); ok {
			failAll(rf.code, rf.message)
		} else {
			var pack []int // item positions in the order
			var packedAt []int
			for k, id := range e.items {
				i := slices.IndexFunc(r.o.Items, func(it domain.Item) bool { return it.PlatformItemID == id })
				switch {
				case i < 0:
					results[k].ItemErrCode, results[k].Msg = lzItemNotFound, "order item not found"
				case !lazadaPackable(&r.o, r.o.Items[i]):
					results[k].ItemErrCode, results[k].Msg = lzItemNotPackable, "item current status not allow to pack"
				default:
					pack = append(pack, i)
					packedAt = append(packedAt, k)
				}
			}
			if len(pack) > 0 {
				pkg := s.lazadaNewPackage(sh, r, pack, provider)
				sh.touch(r, now)
				for _, k := range packedAt {
					results[k] = lzPackResult{OrderItemID: results[k].OrderItemID, ItemErrCode: lzOK, Msg: lzMsgSuccess,
						TrackingNumber: pkg.TrackingNo, ShipmentProvider: pkg.Provider, PackageID: pkg.ID}
				}
			}
		}
		orderID := idNumber(e.id)
		if r != nil {
			orderID = idNumber(r.o.PlatformID)
		}
		out = append(out, map[string]any{"order_id": orderID, "order_item_list": results})
	}
	return lazadaResult(c, map[string]any{"pack_order_list": out})
}

// lazadaNewPackage packs the items at positions idx of the order into one new package. provider
// "" lets Lazada allocate: the seller's own fleet for DBS orders, else a courier by Lazada's mix.
func (s *Sim) lazadaNewPackage(sh *shopState, r *record, idx []int, provider string) domain.Package {
	o := &r.o
	sh.unindexPackages(r)
	id := sh.newPackageID("FP", 12, "lazada package", o.OrderNo)
	switch {
	case sellerFleet(o):
		provider = sellerOwnFleet
	case provider == "":
		provider = pickCourier(lazadaCouriers, id)
	}
	pkg := domain.Package{ID: id, TrackingNo: trackingNo(provider, id), Provider: provider, Status: domain.LzPacked}
	for _, i := range idx {
		o.Items[i].Status = domain.LzPacked
		o.Items[i].PackageID = id
	}
	setPackage(o, pkg)
	orderPackages(o)
	sh.indexPackages(r)
	return pkg
}

// lazadaPackageOp applies one package's change to its order and says how it went (lzOK or a
// code, and the message).
type lazadaPackageOp func(r *record, pkgID string) (code, msg string)

// lazadaPackages runs a package API (rts, repack, sof/delivered): param holds
// {"packages":[{"package_id":".."}]}, at most 20; each package is answered in
// result.data.packages[{package_id,item_err_code,msg,retry}].
func (s *Sim) lazadaPackages(c *call, params url.Values, param string, op lazadaPackageOp) reply {
	req, fail := lazadaJSONParam(c, params, param)
	if fail != nil {
		return *fail
	}
	var list []struct {
		PackageID json.RawMessage `json:"package_id"`
	}
	if err := json.Unmarshal(req["packages"], &list); err != nil || len(list) == 0 {
		return *lazadaInvalid(c, param+".packages must list the packages")
	}
	if len(list) > lazadaMaxBatch {
		return lazadaResultFail(c, lzBatchTooBig, fmt.Sprintf("batch size out of limit: %d packages, at most %d", len(list), lazadaMaxBatch))
	}
	sh, now, refused := c.shop, s.stamp(), newCallRefusals(c.shop)
	out := make([]map[string]any, 0, len(list))
	for _, p := range list {
		id := rawID(p.PackageID)
		code, msg := lzPackageNotFound, "package not found"
		if r := sh.byPkg[id]; r != nil && id != "" {
			if _, ok := r.o.Package(id); ok {
				if rf, refusedNow := refused.take(r.o.OrderNo); refusedNow {
					code, msg = rf.code, rf.message
				} else {
					sh.unindexPackages(r)
					code, msg = op(r, id)
					if code == lzOK {
						syncLazadaPackages(&r.o)
						orderPackages(&r.o)
						sh.touch(r, now)
					}
					sh.indexPackages(r)
				}
			}
		}
		out = append(out, map[string]any{"package_id": id, "item_err_code": code, "msg": msg, "retry": lazadaRetryable[code]})
	}
	return lazadaResult(c, map[string]any{"packages": out})
}

// liveIn lists the positions of the package's live (not cancelled) items.
func liveIn(o *domain.Order, pkgID string) []int {
	var out []int
	for i, it := range o.Items {
		if it.PackageID == pkgID && !it.Cancelled && it.Status != domain.LzCanceled {
			out = append(out, i)
		}
	}
	return out
}

// lazadaReadyToShip is POST /order/package/rts: the package's packed items become ready_to_ship.
func (s *Sim) lazadaReadyToShip(c *call, params url.Values) reply {
	return s.lazadaPackages(c, params, "readyToShipReq", func(r *record, id string) (string, string) {
		o := &r.o
		live := liveIn(o, id)
		if len(live) == 0 {
			return lzPackageCancelled, "package already cancelled"
		}
		var packed []int
		for _, i := range live {
			if o.Items[i].Status == domain.LzPacked {
				packed = append(packed, i)
			}
		}
		if len(packed) == 0 {
			return lzStatusNotAllowed, lzMsgStatusNotAllowed
		}
		for _, i := range packed {
			o.Items[i].Status = domain.LzReadyToShip
		}
		return lzOK, lzMsgSuccess
	})
}

// lazadaRepack is GET|POST /order/package/repack: the package is dissolved; its live items (packed
// or ready to ship, not yet with the courier) become repacked and lose their package, tracking
// number and provider.
func (s *Sim) lazadaRepack(c *call, params url.Values) reply {
	return s.lazadaPackages(c, params, "rePackReq", func(r *record, id string) (string, string) {
		o := &r.o
		live := liveIn(o, id)
		if len(live) == 0 {
			return lzPackageCancelled, "package already cancelled"
		}
		for _, i := range live {
			switch o.Items[i].Status {
			case domain.LzPacked, domain.LzReadyToShipPending, domain.LzReadyToShip:
			default:
				return lzStatusNotAllowed, lzMsgStatusNotAllowed
			}
		}
		for _, i := range live {
			o.Items[i].Status = domain.LzRepacked
		}
		dropPackage(o, id)
		return lzOK, lzMsgSuccess
	})
}

// lazadaSOFDelivered is POST /order/package/sof/delivered (ConfirmDeliveryForDBS): for an order the
// seller's own fleet delivers (shipping_provider_type seller_own_fleet, delivery_option_sof "1"),
// the package's items that are ready to ship or on their way become delivered.
func (s *Sim) lazadaSOFDelivered(c *call, params url.Values) reply {
	now := s.stamp()
	return s.lazadaPackages(c, params, "dbsDeliveryReq", func(r *record, id string) (string, string) {
		o := &r.o
		if !sellerFleet(o) {
			return lzNotDBS, "operation not support fot nonDBS order!" // sic, as the docs' sample
		}
		live := liveIn(o, id)
		if len(live) == 0 {
			return lzPackageCancelled, "package already cancelled"
		}
		var moving []int
		for _, i := range live {
			switch o.Items[i].Status {
			case domain.LzReadyToShip, domain.LzReadyToShipPending, domain.LzShipping, domain.LzShipped:
				moving = append(moving, i)
			}
		}
		if len(moving) == 0 {
			return lzStatusNotAllowed, lzMsgStatusNotAllowed
		}
		for _, i := range moving {
			o.Items[i].Status = domain.LzDelivered
		}
		o.DeliveredAt = now
		if o.COD {
			o.PaidAt = now // cash changes hands at the door
		}
		return lzOK, lzMsgSuccess
	})
}

// lazadaShipmentProviders is GET|POST /order/shipment/providers/get: the shop is TFS (Lazada
// allocates the courier), so platform_default is 1 and shipping_allocate_type TFS; the providers
// are listed anyway.
func (s *Sim) lazadaShipmentProviders(c *call, params url.Values) reply {
	req, fail := lazadaJSONParam(c, params, "getShipmentProvidersReq")
	if fail != nil {
		return *fail
	}
	var list []struct {
		OrderID json.RawMessage   `json:"order_id"`
		Items   []json.RawMessage `json:"order_item_ids"`
	}
	if err := json.Unmarshal(req["orders"], &list); err != nil || len(list) == 0 {
		return *lazadaInvalid(c, "getShipmentProvidersReq.orders must list the orders")
	}
	if len(list) > lazadaMaxBatch {
		return lazadaResultFail(c, lzBatchTooBig, fmt.Sprintf("batch size out of limit: %d orders, at most %d", len(list), lazadaMaxBatch))
	}
	for _, o := range list {
		id := rawID(o.OrderID)
		r := c.shop.byPID[id]
		if r == nil {
			return lazadaResultFail(c, lzOrderNotFound, "order not found: "+id)
		}
		for _, raw := range o.Items {
			it := rawID(raw)
			if !slices.ContainsFunc(r.o.Items, func(x domain.Item) bool { return x.PlatformItemID == it }) {
				return lazadaResultFail(c, lzItemNotFound, "order item not found: "+it)
			}
		}
	}
	providers := make([]map[string]string, 0, len(lazadaProviders))
	for _, p := range lazadaProviders {
		providers = append(providers, map[string]string{"name": p.name, "provider_code": p.code})
	}
	return lazadaResult(c, map[string]any{"platform_default": 1, "shipment_providers": providers, "shipping_allocate_type": "TFS"})
}
