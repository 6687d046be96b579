package lazada

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// Fulfilment with Lazada's "new fulfillment API" (reference L4; sync/FULFILMENT.md): pack, ready
// to ship, repack and seller-own-fleet delivered. Each call answers per item or per package, and
// its success does not mean every one of them succeeded: an order is done only when everything
// sent for it came back with item_err_code "0".

var _ market.Fulfiller = (*Client)(nil)

// Fulfilment API paths (reference L4); the legacy /order/pack, /order/rts, ... are offline.
const (
	pathPack         = "/order/fulfill/pack"
	pathRTS          = "/order/package/rts"
	pathRepack       = "/order/package/repack"
	pathSOFDelivered = "/order/package/sof/delivered"

	fulfilBatch = 20 // orders a pack call, packages an RTS, repack or delivered call (L4)
)

// itemResult is one item of a pack answer, or one package of an RTS, repack or delivered answer.
type itemResult struct {
	OrderItemID      lenient.String `json:"order_item_id"`
	PackageID        lenient.String `json:"package_id"`
	ItemErrCode      lenient.String `json:"item_err_code"`
	Msg              lenient.String `json:"msg"`
	TrackingNumber   lenient.String `json:"tracking_number"`
	ShipmentProvider lenient.String `json:"shipment_provider"`
	Retry            lenient.Bool   `json:"retry"`
}

type packData struct {
	PackOrderList []struct {
		OrderID       lenient.String `json:"order_id"`
		OrderItemList []itemResult   `json:"order_item_list"`
	} `json:"pack_order_list"`
}

// resultData is a fulfilment answer: its data under result.data (L4); a data beside result is
// tolerated.
type resultData[T any] struct {
	Result struct {
		Data *T `json:"data"`
	} `json:"result"`
	Data *T `json:"data"`
}

func (a *resultData[T]) data() *T {
	if a.Result.Data != nil {
		return a.Result.Data
	}
	return a.Data
}

// packAnswer is /order/fulfill/pack's answer.
type packAnswer = resultData[packData]

type packagesData struct {
	Packages []itemResult `json:"packages"`
}

// packagesAnswer is the answer of RTS, repack and delivered: result.data.packages (L4).
type packagesAnswer = resultData[packagesData]

// packReq is the JSON of the packReq parameter.
type packReq struct {
	PackOrderList        []packOrder `json:"pack_order_list"`
	DeliveryType         string      `json:"delivery_type"`
	ShippingAllocateType string      `json:"shipping_allocate_type"`
}

type packOrder struct {
	OrderID       json.RawMessage   `json:"order_id"`
	OrderItemList []json.RawMessage `json:"order_item_list"`
}

// packagesReq is the JSON of readyToShipReq, rePackReq and dbsDeliveryReq.
type packagesReq struct {
	Packages []packageRef `json:"packages"`
}

type packageRef struct {
	PackageID string `json:"package_id"`
}

// idJSON writes an id as the number Lazada documents, or as a string when it is not one.
func idJSON(id string) json.RawMessage {
	if _, err := strconv.ParseUint(id, 10, 64); err == nil {
		return json.RawMessage(id)
	}
	b, _ := json.Marshal(id)
	return b
}

// outcome tracks what became of the things (items or packages) sent for the given orders.
type outcome struct {
	orders []domain.Order
	keys   [][]string       // per order, the items or packages sent for it, in order
	early  []error          // per order, a failure found before any call
	got    map[string]error // per key sent and answered: nil when done
}

func newOutcome(orders []domain.Order) *outcome {
	return &outcome{orders: orders, keys: make([][]string, len(orders)), early: make([]error, len(orders)),
		got: map[string]error{}}
}

// results reports each order: failed before any call, failed with its first item or package
// that failed, or done. stopped, when set, is the failure that ended the action: orders with
// something never sent are left out (they failed with it).
func (o *outcome) results(stopped error) []market.ActionResult {
	out := make([]market.ActionResult, 0, len(o.orders))
	for i, ord := range o.orders {
		res := market.ActionResult{OrderNo: ord.OrderNo, Err: o.early[i]}
		if res.Err == nil {
			answered := true
			for _, k := range o.keys[i] {
				err, ok := o.got[k]
				if !ok {
					answered = false
					break
				}
				if err != nil && res.Err == nil {
					res.Err = err
				}
			}
			if !answered {
				if stopped != nil {
					continue
				}
				res.Err = errors.New("lazada: order " + ord.OrderNo + " was not sent") // cannot happen
			}
		}
		out = append(out, res)
	}
	return out
}

// stops says whether a call's failure ends the whole action: anything but the platform's own
// refusal or a failure to get its answer (a cancelled context, a shop that must be linked again,
// tokens that cannot be read) would fail every later call the same way.
func stops(err error) bool {
	var me *market.Error
	return !errors.As(err, &me) || errors.Is(err, market.ErrRelink)
}

// itemError is the failure of one item or package in an answer, or nil when it succeeded.
func itemError(op, what string, r itemResult) error {
	code := strings.TrimSpace(string(r.ItemErrCode))
	if code == "0" {
		return nil
	}
	msg := strings.TrimSpace(string(r.Msg))
	if msg == "" {
		msg = "refused without a message"
	}
	return &market.Error{Platform: domain.Lazada, Op: op + " (" + what + ")", Status: http.StatusOK, Code: code,
		Message: market.Redact(msg), Retryable: bool(r.Retry) || retryableCodes[code]}
}

// unreported is the failure of an item or package the answer leaves out: its fate is unknown, so
// it is retryable (the engine reads the order before sending it again).
func unreported(op, what string) error {
	return &market.Error{Platform: domain.Lazada, Op: op, Status: http.StatusOK,
		Message: "Lazada's answer does not report " + what + ": check the order before trying again", Retryable: true}
}

// Pack packs every live pending or repacked item of each order (POST /order/fulfill/pack, <= 20
// orders a call, dropship, TFS). Ship is not used: TFS allocates the courier.
func (c *Client) Pack(ctx context.Context, orders []domain.Order, ship market.Shipping) ([]market.ActionResult, error) {
	op := http.MethodPost + " " + pathPack
	oc := newOutcome(orders)
	var (
		batchIDs []string                // order_ids in send order, each once
		byID     = map[string][]string{} // order_id -> item ids sent
	)
	for i := range orders {
		o := &orders[i]
		id := strings.TrimSpace(o.PlatformID)
		if id == "" {
			oc.early[i] = fmt.Errorf("lazada: order %s has no Lazada order id: sync it before packing", o.OrderNo)
			continue
		}
		if _, ok := byID[id]; !ok {
			var items []string
			for _, it := range o.Items {
				st := strings.ToLower(strings.TrimSpace(it.Status))
				if !it.Cancelled && (st == domain.LzPending || st == domain.LzRepacked) && it.PlatformItemID != "" {
					items = append(items, it.PlatformItemID)
				}
			}
			if len(items) == 0 {
				oc.early[i] = fmt.Errorf("lazada: order %s has no item waiting to be packed (pending or repacked): nothing to pack", o.OrderNo)
				continue
			}
			byID[id] = items
			batchIDs = append(batchIDs, id)
		}
		for _, it := range byID[id] {
			oc.keys[i] = append(oc.keys[i], id+"/"+it)
		}
	}
	for start := 0; start < len(batchIDs); start += fulfilBatch {
		chunk := batchIDs[start:min(start+fulfilBatch, len(batchIDs))]
		req := packReq{DeliveryType: "dropship", ShippingAllocateType: "TFS"}
		owner := map[string]string{} // item id -> order id, for answers that name only the item
		for _, id := range chunk {
			po := packOrder{OrderID: idJSON(id)}
			for _, it := range byID[id] {
				po.OrderItemList = append(po.OrderItemList, idJSON(it))
				owner[it] = id
			}
			req.PackOrderList = append(req.PackOrderList, po)
		}
		body, _ := json.Marshal(req)
		var ans packAnswer
		err := c.call(ctx, request{method: http.MethodPost, path: pathPack, token: true, write: true,
			params: map[string]string{"packReq": string(body)}}, &ans)
		if err != nil {
			if stops(err) {
				return oc.results(err), err
			}
			for _, id := range chunk {
				for _, it := range byID[id] {
					oc.got[id+"/"+it] = err
				}
			}
			continue
		}
		if d := ans.data(); d != nil {
			for _, po := range d.PackOrderList {
				for _, r := range po.OrderItemList {
					it := strings.TrimSpace(string(r.OrderItemID))
					id := strings.TrimSpace(string(po.OrderID))
					if id == "" {
						id = owner[it]
					}
					if owner[it] != id {
						continue // not an item this call sent
					}
					key := id + "/" + it
					if _, seen := oc.got[key]; seen {
						continue // the first answer for an item stands
					}
					oc.got[key] = itemError(op, "order_item_id "+it, r)
				}
			}
		}
		for _, id := range chunk {
			for _, it := range byID[id] {
				if _, ok := oc.got[id+"/"+it]; !ok {
					oc.got[id+"/"+it] = unreported(op, "order item "+it+" of order "+id)
				}
			}
		}
	}
	res := oc.results(nil)
	c.logResults("pack", res)
	return res, nil
}

// ReadyToShip sets each order's packages whose items are packed ready to ship (POST
// /order/package/rts, <= 20 packages a call).
func (c *Client) ReadyToShip(ctx context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return c.packageAction(ctx, orders, pathRTS, "readyToShipReq", "ready to ship", true,
		func(it domain.Item) bool { return strings.EqualFold(strings.TrimSpace(it.Status), domain.LzPacked) })
}

// Repack recreates each order's packages so their live items can be packed again (POST
// /order/package/repack, <= 20 packages a call).
func (c *Client) Repack(ctx context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return c.packageAction(ctx, orders, pathRepack, "rePackReq", "repack", true,
		func(it domain.Item) bool { return true })
}

// MarkDelivered reports each seller-own-fleet order's packages delivered (POST
// /order/package/sof/delivered, <= 20 packages a call).
func (c *Client) MarkDelivered(ctx context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return c.packageAction(ctx, orders, pathSOFDelivered, "dbsDeliveryReq", "mark delivered", false,
		func(it domain.Item) bool { return !strings.EqualFold(strings.TrimSpace(it.Status), domain.LzDelivered) })
}

// packageAction sends the packages of orders that hold a live item accepted by want, 20 a call,
// as {"packages":[{"package_id":..}]} in param. The answer's result.data.packages reports each
// package; when listed is false (the delivered API, whose answer the reference does not show) an
// answer that lists no package at all stands for all of them.
func (c *Client) packageAction(ctx context.Context, orders []domain.Order, path, param, what string, listed bool,
	want func(domain.Item) bool) ([]market.ActionResult, error) {
	op := http.MethodPost + " " + path
	orders, err := c.withPackages(ctx, orders, want)
	if err != nil {
		return nil, err
	}
	oc := newOutcome(orders)
	var all []string // package ids in send order, each once
	seen := map[string]bool{}
	for i := range orders {
		o := &orders[i]
		for _, it := range o.Items {
			id := strings.TrimSpace(it.PackageID)
			if id == "" || it.Cancelled || !domain.LazadaItemLive(strings.TrimSpace(it.Status)) || !want(it) ||
				containsString(oc.keys[i], id) {
				continue
			}
			oc.keys[i] = append(oc.keys[i], id)
			if !seen[id] {
				seen[id] = true
				all = append(all, id)
			}
		}
		if len(oc.keys[i]) == 0 {
			oc.early[i] = fmt.Errorf("lazada: order %s has no package to %s (%s)", o.OrderNo, what, packageNeed(path))
		}
	}
	for start := 0; start < len(all); start += fulfilBatch {
		chunk := all[start:min(start+fulfilBatch, len(all))]
		req := packagesReq{Packages: make([]packageRef, len(chunk))}
		for i, id := range chunk {
			req.Packages[i] = packageRef{PackageID: id}
		}
		body, _ := json.Marshal(req)
		var ans packagesAnswer
		err := c.call(ctx, request{method: http.MethodPost, path: path, token: true, write: true,
			params: map[string]string{param: string(body)}}, &ans)
		if err != nil {
			if stops(err) {
				return oc.results(err), err
			}
			for _, id := range chunk {
				oc.got[id] = err
			}
			continue
		}
		inChunk := map[string]bool{}
		for _, id := range chunk {
			inChunk[id] = true
		}
		var reported []itemResult
		if d := ans.data(); d != nil {
			reported = d.Packages
		}
		for _, r := range reported {
			id := strings.TrimSpace(string(r.PackageID))
			if !inChunk[id] {
				continue
			}
			if _, dup := oc.got[id]; dup {
				continue
			}
			oc.got[id] = itemError(op, "package_id "+id, r)
		}
		for _, id := range chunk {
			if _, ok := oc.got[id]; ok {
				continue
			}
			if !listed && len(reported) == 0 {
				oc.got[id] = nil // the call succeeded and says nothing per package
				continue
			}
			oc.got[id] = unreported(op, "package "+id)
		}
	}
	res := oc.results(nil)
	c.logResults(what, res)
	return res, nil
}

// withPackages reads again from Lazada the orders with a packed (or later) item the action
// concerns but no package id for it: Kedai shows a pack's effect before the sync brings the packages Lazada made.
func (c *Client) withPackages(ctx context.Context, orders []domain.Order, want func(domain.Item) bool) ([]domain.Order, error) {
	out, err := market.Reread(ctx, orders, func(o domain.Order) bool {
		for _, it := range o.Items {
			st := strings.ToLower(strings.TrimSpace(it.Status))
			unpacked := st == domain.LzUnpaid || st == domain.LzPending || st == domain.LzRepacked || st == domain.LzToPack
			if strings.TrimSpace(it.PackageID) == "" && !it.Cancelled && !unpacked && domain.LazadaItemLive(st) && want(it) {
				return true
			}
		}
		return false
	}, c.Orders)
	if err != nil {
		return nil, fmt.Errorf("lazada: reading again orders packed since the last sync: %w", err)
	}
	return out, nil
}

func packageNeed(path string) string {
	switch path {
	case pathRTS:
		return "its items must be packed first"
	case pathRepack:
		return "none of its packages holds a live item"
	}
	return "no live item awaits delivery"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *Client) logResults(action string, res []market.ActionResult) {
	failed := 0
	for _, r := range res {
		if r.Err != nil {
			failed++
		}
	}
	c.log.Info("lazada fulfilment", "action", action, "orders", len(res), "failed", failed)
}

// Orders reads orders as Lazada has them now, by order_id: /order/get for each, then their items
// 50 orders at a time, built as the sync builds them. Each id is read once.
func (c *Client) Orders(ctx context.Context, platformIDs []string) ([]domain.Order, error) {
	var entries []listed
	seen := map[string]bool{}
	for _, id := range platformIDs {
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, errors.New("lazada: Orders was given an empty order id")
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		var ans orderAnswer
		if err := c.call(ctx, request{method: http.MethodGet, path: "/order/get", token: true,
			params: map[string]string{"order_id": id}}, &ans); err != nil {
			return nil, err
		}
		if ans.Data.OrderID == "" {
			ans.Data.OrderID = lenient.String(id)
		} else if string(ans.Data.OrderID) != id {
			return nil, fmt.Errorf("lazada: GET /order/get: asked for order %s, got order %s", id, ans.Data.OrderID)
		}
		entries = append(entries, listed{raw: ans.Data, id: id})
	}
	if len(entries) == 0 {
		return nil, nil
	}
	return c.buildOrders(ctx, entries)
}

// ShippingChoices: Lazada offers none for TFS orders (the platform allocates the courier).
func (c *Client) ShippingChoices(ctx context.Context, o domain.Order) (market.ShippingChoices, error) {
	return market.ShippingChoices{}, nil
}
