package tiktok

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// Fulfilment (T4, sync/FULFILMENT.md). TikTok's Pack is "ship the package": every unshipped
// package of the order is shipped with POST /fulfillment/202309/packages/{package_id}/ship, with
// handover_method PICKUP (and a pickup_slot) or DROP_OFF; the order then moves to
// AWAITING_COLLECTION. To Ship is Kedai's own stage, and Repack and Mark as Delivered are not
// offered, so those three make no call.
//
// The single-package call is used, not the batch POST /fulfillment/202309/packages/ship: T4 lists
// the refusal codes on the single call, where each comes back in the answer's envelope for exactly
// one package, while for the batch it gives neither a size limit nor what the envelope says when
// only some packages fail. One call per package also lets a retry after an unanswered attempt be
// judged per package. Orders are worked on a few at a time, within the per-API rate limit.

var _ market.Fulfiller = (*Client)(nil)

// packWorkers is how many orders Pack works on at once.
const packWorkers = 4

// Handover methods (T4).
const (
	handoverPickup  = "PICKUP"
	handoverDropOff = "DROP_OFF"
)

// Refusal codes of the ship call (T4).
const (
	codeAlreadyShipped1 = 21011040
	codeAlreadyShipped2 = 11006021
	codeAlreadyShipped3 = 21008099
	codeOrderCancelled  = 21011041
	codeAfterSale1      = 21008044
	codeAfterSale2      = 21011007
	codeOutsideSlot     = 21011053
	codeInvoiceNeeded   = 21004006
)

// Line package_status values (T3) that mean the package has been shipped by the seller.
var shippedPackage = map[string]bool{"PROCESSING": true, "FULFILLING": true, "COMPLETED": true}

// slotsData is the data of GET /fulfillment/202309/packages/{package_id}/handover_time_slots.
type slotsData struct {
	CanPickup        *lenient.Bool `json:"can_pickup"`
	CanDropOff       *lenient.Bool `json:"can_drop_off"`
	CanVanCollection lenient.Bool  `json:"can_van_collection"`
	DropOffPointURL  string        `json:"drop_off_point_url"`
	PickupSlots      []slotJSON    `json:"pickup_slots"`
}

// slotJSON is one pickup slot. T4 spells the flag "avaliable" (sic); "available" is accepted too.
// A slot is offered only when one of them says so (a server that leaves out false flags must not
// make a full slot look free).
type slotJSON struct {
	StartTime lenient.Int   `json:"start_time"`
	EndTime   lenient.Int   `json:"end_time"`
	Avaliable *lenient.Bool `json:"avaliable"`
	Available *lenient.Bool `json:"available"`
}

func (s slotJSON) offered() bool {
	return (s.Avaliable != nil && bool(*s.Avaliable)) || (s.Available != nil && bool(*s.Available))
}

// shipBody is the body of the ship call. self_shipment is for SELLER shipping only, which Kedai
// does not arrange.
type shipBody struct {
	HandoverMethod string      `json:"handover_method"`
	PickupSlot     *pickupSlot `json:"pickup_slot,omitempty"`
}

// pickupSlot is sent as the epoch numbers the slot list gave (seconds in T4).
type pickupSlot struct {
	StartTime int64 `json:"start_time"`
	EndTime   int64 `json:"end_time"`
}

// ShippingChoices reads what TikTok offers for handing over the order's first unshipped package:
// the methods (pickup when can_pickup, dropoff when can_drop_off) and the pickup slots that are
// available, earliest first.
func (c *Client) ShippingChoices(ctx context.Context, o domain.Order) (market.ShippingChoices, error) {
	pkgs, err := shipTargets(o)
	if err != nil { // Kedai's copy may predate the package: ask TikTok
		fresh, ferr := c.withPackages(ctx, []domain.Order{o})
		if ferr != nil {
			return market.ShippingChoices{}, ferr
		}
		if pkgs, err = shipTargets(fresh[0]); err != nil {
			return market.ShippingChoices{}, err
		}
	}
	d, err := c.handoverSlots(ctx, pkgs[0])
	if err != nil {
		return market.ShippingChoices{}, err
	}
	var ch market.ShippingChoices
	if d.CanPickup != nil && bool(*d.CanPickup) {
		ch.Methods = append(ch.Methods, market.Pickup)
	}
	if d.CanDropOff != nil && bool(*d.CanDropOff) {
		ch.Methods = append(ch.Methods, market.DropOff)
	}
	zone := regionZone(c.cfg.Region)
	for _, s := range offeredSlots(d) {
		start, end := epoch(s.StartTime), epoch(s.EndTime)
		ch.Slots = append(ch.Slots, market.Slot{Start: start, End: end, Label: slotLabel(start, end, zone)})
	}
	return ch, nil
}

// Pack ships every unshipped package of each order (see the top of this file), with
// ship.Method pickup (ship.PickupStart/End, or when they are zero each package's earliest
// available slot) or dropoff. An order is done when all its packages shipped; otherwise its
// result carries TikTok's refusal (a *market.Error with the code and message) or, for an order
// that cannot be sent at all, why, without a call. An order whose packages all answer "already
// shipped" is reported with that refusal; one of whose packages some were shipped before and the
// rest now is done. The error is for what stopped the whole call: a shipping choice that cannot
// be used (no call is made), or the context ending (the orders not reported failed with it).
func (c *Client) Pack(ctx context.Context, orders []domain.Order, ship market.Shipping) ([]market.ActionResult, error) {
	method, slot, err := handover(ship)
	if err != nil {
		return nil, err
	}
	if len(orders) == 0 {
		return nil, nil
	}
	if orders, err = c.withPackages(ctx, orders); err != nil {
		return nil, err
	}
	results := make([]market.ActionResult, len(orders))
	started := make([]bool, len(orders))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(packWorkers, len(orders)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				started[i] = true
				results[i] = market.ActionResult{OrderNo: orders[i].OrderNo, Err: c.packOrder(ctx, orders[i], method, slot)}
			}
		}()
	}
feed:
	for i := range orders {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if ctx.Err() == nil {
		return results, nil
	}
	// Report only the orders that got an answer; the rest fail with the context's error.
	var done []market.ActionResult
	for i, r := range results {
		if !started[i] {
			continue
		}
		if r.Err != nil && (errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded)) {
			continue
		}
		done = append(done, r)
	}
	return done, fmt.Errorf("TikTok Shop: packing stopped: %w", ctx.Err())
}

// handover checks the shipping choice: the handover method, and for pickup the slot (nil: the
// earliest of each package).
func handover(ship market.Shipping) (string, *pickupSlot, error) {
	switch strings.ToLower(strings.TrimSpace(ship.Method)) {
	case market.Pickup:
		switch {
		case ship.PickupStart.IsZero() && ship.PickupEnd.IsZero():
			return handoverPickup, nil, nil
		case ship.PickupStart.IsZero() || ship.PickupEnd.IsZero():
			return "", nil, errors.New("TikTok Shop: a pickup slot needs both its start and its end (or neither, for the earliest slot)")
		case !ship.PickupEnd.After(ship.PickupStart):
			return "", nil, errors.New("TikTok Shop: the pickup slot ends before it starts")
		}
		return handoverPickup, &pickupSlot{StartTime: ship.PickupStart.Unix(), EndTime: ship.PickupEnd.Unix()}, nil
	case market.DropOff:
		return handoverDropOff, nil, nil
	case "":
		return "", nil, errors.New("TikTok Shop: choose how parcels reach the courier: pickup or drop-off")
	}
	return "", nil, fmt.Errorf("TikTok Shop: %q is not a TikTok handover method: choose pickup or drop-off", ship.Method)
}

// packOrder ships the order's packages one by one, stopping at the first refusal other than
// "already shipped".
func (c *Client) packOrder(ctx context.Context, o domain.Order, method string, slot *pickupSlot) error {
	pkgs, err := shipTargets(o)
	if err != nil {
		return err
	}
	shipped := 0
	var already error
	for _, id := range pkgs {
		err := c.shipPackage(ctx, id, method, slot)
		switch {
		case err == nil:
			shipped++
		case alreadyShipped(err):
			if already == nil {
				already = err
			}
		default:
			return err
		}
	}
	if shipped == 0 && already != nil {
		return already
	}
	return nil
}

// shipPackage ships one package. An "already shipped" answer to an attempt sent after one that
// may have been carried out (no answer, a server failure) is taken as this call's own success.
func (c *Client) shipPackage(ctx context.Context, pkgID, method string, slot *pickupSlot) error {
	body := shipBody{HandoverMethod: method, PickupSlot: slot}
	if method == handoverPickup && slot == nil {
		s, err := c.earliestSlot(ctx, pkgID)
		if err != nil {
			return err
		}
		body.PickupSlot = s
	}
	unsure := false
	err := c.call(ctx, apiCall{
		method: http.MethodPost, path: packagePath(pathPackageShip, pkgID), api: pathPackageShip,
		body: body, shop: true, unsure: &unsure,
	}, nil)
	if err != nil && unsure && alreadyShipped(err) {
		c.log.Info("TikTok Shop: a package answered already shipped after an unanswered attempt; taken as shipped", "package", pkgID)
		return nil
	}
	return err
}

// earliestSlot is the package's earliest available pickup slot.
func (c *Client) earliestSlot(ctx context.Context, pkgID string) (*pickupSlot, error) {
	d, err := c.handoverSlots(ctx, pkgID)
	if err != nil {
		return nil, err
	}
	if d.CanPickup != nil && !bool(*d.CanPickup) {
		return nil, refusal("Pack", fmt.Sprintf("TikTok does not offer pickup for package %s: choose drop-off", pkgID))
	}
	slots := offeredSlots(d)
	if len(slots) == 0 {
		return nil, refusal("Pack", fmt.Sprintf("TikTok offers no available pickup slot for package %s now: choose drop-off, or pack it later", pkgID))
	}
	return &pickupSlot{StartTime: int64(slots[0].StartTime), EndTime: int64(slots[0].EndTime)}, nil
}

// handoverSlots reads GET /fulfillment/202309/packages/{package_id}/handover_time_slots.
func (c *Client) handoverSlots(ctx context.Context, pkgID string) (slotsData, error) {
	var d slotsData
	err := c.call(ctx, apiCall{method: http.MethodGet, path: packagePath(pathHandoverSlots, pkgID), api: pathHandoverSlots, shop: true}, &d)
	return d, err
}

// offeredSlots are the available pickup slots, earliest first.
func offeredSlots(d slotsData) []slotJSON {
	var out []slotJSON
	for _, s := range d.PickupSlots {
		if s.offered() && s.StartTime > 0 && s.EndTime > 0 {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b slotJSON) int { return epoch(a.StartTime).Compare(epoch(b.StartTime)) })
	return out
}

// packagePath puts a package id into a documented path template.
func packagePath(template, pkgID string) string {
	return strings.Replace(template, "{package_id}", url.PathEscape(pkgID), 1)
}

// withPackages reads again from TikTok the orders with a live line but no package id in Kedai's
// copy (TikTok makes the packages at payment; the copy may predate them), 50 a call. An unpaid
// or cancelled order has no package to read.
func (c *Client) withPackages(ctx context.Context, orders []domain.Order) ([]domain.Order, error) {
	out, err := market.Reread(ctx, orders, func(o domain.Order) bool {
		if o.Status == domain.TtUnpaid || o.Status == domain.TtCancelled {
			return false
		}
		for _, it := range o.Items {
			if strings.TrimSpace(it.PackageID) == "" && !it.Cancelled {
				return true
			}
		}
		return false
	}, c.Orders)
	if err != nil {
		return nil, fmt.Errorf("TikTok Shop: reading again orders without their packages: %w", err)
	}
	return out, nil
}

// shipTargets lists the packages Pack ships for an order, in the order the platform listed them:
// those not yet shipped (line package_status TO_FULFILL, or not known) and not cancelled. When
// the order's copy shows every package shipped or cancelled, all of them are sent, so that the
// platform's own answer (already shipped, cancelled) is what the seller sees. An order with a live
// line that has no package yet cannot be shipped whole, and fails without a call.
func shipTargets(o domain.Order) ([]string, error) {
	var ids []string
	status := map[string]string{}
	add := func(id, st string) {
		id = strings.TrimSpace(id)
		if id == "" {
			return
		}
		if _, seen := status[id]; !seen {
			ids = append(ids, id)
			status[id] = ""
		}
		if status[id] == "" {
			status[id] = strings.ToUpper(strings.TrimSpace(st))
		}
	}
	for _, p := range o.Packages {
		add(p.ID, p.Status)
	}
	live := map[string]bool{}
	for _, it := range o.Items {
		if it.PackageID == "" {
			if !it.Cancelled {
				return nil, refusal("Pack", fmt.Sprintf("order %s: line item %s has no TikTok package yet: sync the store and try again", o.OrderNo, it.PlatformItemID))
			}
			continue
		}
		add(it.PackageID, it.Status)
		if !it.Cancelled {
			live[strings.TrimSpace(it.PackageID)] = true
		}
	}
	if len(ids) == 0 {
		return nil, refusal("Pack", fmt.Sprintf("order %s has no TikTok package id: sync the store and try again", o.OrderNo))
	}
	var open []string
	for _, id := range ids {
		st := status[id]
		cancelled := st == "CANCELLED" || (len(o.Items) > 0 && !live[id])
		if !cancelled && !shippedPackage[st] {
			open = append(open, id)
		}
	}
	if len(open) == 0 {
		return ids, nil
	}
	return open, nil
}

// alreadyShipped reports TikTok's "package already shipped" refusals (T4).
func alreadyShipped(err error) bool {
	var me *market.Error
	if !errors.As(err, &me) {
		return false
	}
	switch me.Code {
	case strconv.Itoa(codeAlreadyShipped1), strconv.Itoa(codeAlreadyShipped2), strconv.Itoa(codeAlreadyShipped3):
		return true
	}
	return false
}

// refusal is Kedai's own refusal of an action, made without asking the platform: never retryable.
func refusal(op, msg string) *market.Error {
	return &market.Error{Platform: domain.TikTok, Op: op, Message: msg}
}

// notOffered answers an action TikTok has no call for: each order fails with why.
func notOffered(orders []domain.Order, a domain.Action, why string) ([]market.ActionResult, error) {
	out := make([]market.ActionResult, 0, len(orders))
	for _, o := range orders {
		out = append(out, market.ActionResult{OrderNo: o.OrderNo, Err: refusal(a.Title(), why)})
	}
	return out, nil
}

// ReadyToShip makes no call: To Ship is Kedai's own stage for TikTok orders, set by Kedai once the
// package is shipped (Pack) and its label printed.
func (c *Client) ReadyToShip(ctx context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return notOffered(orders, domain.ActToShip, "no such action: TikTok Shop has no ready-to-ship call; To Ship is Kedai's own stage for TikTok orders")
}

// Repack makes no call: TikTok Shop does not offer it.
func (c *Client) Repack(ctx context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return notOffered(orders, domain.ActRepack, "no such action: TikTok Shop does not offer Repack (it is a Lazada action)")
}

// MarkDelivered makes no call: TikTok Shop does not offer it; the courier reports delivery.
func (c *Client) MarkDelivered(ctx context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return notOffered(orders, domain.ActMarkDelivered, "no such action: TikTok Shop does not let the seller mark an order delivered; the courier reports it")
}

// Orders reads orders by id with GET /order/202309/orders (at most 50 ids a call), mapped as the
// sync maps them, so that domain.Done can judge an action's effect. Ids the platform does not
// know are left out.
func (c *Client) Orders(ctx context.Context, platformIDs []string) ([]domain.Order, error) {
	var ids []string
	seen := map[string]bool{}
	for _, id := range platformIDs {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := c.fetchOrders(ctx, ids)
	if err != nil {
		return nil, err
	}
	return c.toOrders(list)
}

// regionZone is the region's local time, for slot labels (fixed offsets: none of these regions
// keeps daylight saving; Indonesia is given its western zone).
func regionZone(region string) *time.Location {
	switch strings.ToUpper(strings.TrimSpace(region)) {
	case "TH", "VN", "ID":
		return time.FixedZone("UTC+7", 7*3600)
	}
	return time.FixedZone("UTC+8", 8*3600) // MY, SG, PH
}

// slotLabel reads like "Fri 20 Nov 14:00-18:00" in the shop's local time.
func slotLabel(start, end time.Time, zone *time.Location) string {
	s, e := start.In(zone), end.In(zone)
	if s.Year() == e.Year() && s.YearDay() == e.YearDay() {
		return s.Format("Mon 2 Jan 15:04") + "-" + e.Format("15:04")
	}
	return s.Format("Mon 2 Jan 15:04") + " - " + e.Format("Mon 2 Jan 15:04")
}
