package shopee

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

// Documented paths (S4).
const (
	pathShippingParam = "/api/v2/logistics/get_shipping_parameter"
	pathShipOrder     = "/api/v2/logistics/ship_order"
)

// packWorkers is how many orders Pack arranges at once (the limiter still holds the calls to
// RequestsPerSecond). ship_order takes one order a call.
const packWorkers = 4

var _ market.Fulfiller = (*Client)(nil)

// ErrNoSuchAction is the per-order error of an action Shopee has no call for (sync/FULFILMENT.md):
// To Ship is Kedai's own stage, and Repack and Mark as Delivered are not offered.
var ErrNoSuchAction = errors.New("Shopee has no such action")

// ReadyToShip reports every order failed with ErrNoSuchAction, without a call: Shopee has no
// ready-to-ship call; the To Ship tab is Kedai's own stage, set by the engine.
func (c *Client) ReadyToShip(_ context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return noSuchAction(orders, "To Ship is Kedai's own stage for Shopee orders, set without a call to Shopee"), nil
}

// Repack reports every order failed with ErrNoSuchAction, without a call: Repack is Lazada's.
func (c *Client) Repack(_ context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return noSuchAction(orders, "Repack is not offered for Shopee orders"), nil
}

// MarkDelivered reports every order failed with ErrNoSuchAction, without a call: Shopee's
// courier reports delivery.
func (c *Client) MarkDelivered(_ context.Context, orders []domain.Order) ([]market.ActionResult, error) {
	return noSuchAction(orders, "Mark as Delivered is not offered for Shopee orders; the courier reports delivery"), nil
}

func noSuchAction(orders []domain.Order, why string) []market.ActionResult {
	out := make([]market.ActionResult, len(orders))
	for i, o := range orders {
		out[i] = market.ActionResult{OrderNo: o.OrderNo, Err: fmt.Errorf("shopee: order %s: %w: %s", o.OrderNo, ErrNoSuchAction, why)}
	}
	return out
}

// Orders reads orders as Shopee has them now (get_order_detail in batches of DetailBatch, with
// the same fields and decoding as Pull, and the tracking numbers of arranged packages). An
// order_sn Shopee does not find is left out.
func (c *Client) Orders(ctx context.Context, platformIDs []string) ([]domain.Order, error) {
	var sns []string
	for _, id := range platformIDs {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(sns, id) {
			sns = append(sns, id)
		}
	}
	p := &puller{c: c, tracking: map[string]string{}}
	var out []domain.Order
	for chunk := range slices.Chunk(sns, DetailBatch) {
		orders, err := p.details(ctx, chunk)
		if err != nil {
			return out, err
		}
		out = append(out, orders...)
	}
	return out, nil
}

// shippingParams is get_shipping_parameter's answer for one order (or one of its packages).
type shippingParams struct {
	ans     shippingParamAnswer
	offered []string
	needs   map[string][]string
}

func (p *shippingParams) asks(method, field string) bool {
	return slices.Contains(p.needs[method], field)
}

// shippingParams asks get_shipping_parameter (S4) about one order, or one package of it.
func (c *Client) shippingParams(ctx context.Context, orderSN, packageNumber string) (*shippingParams, error) {
	q := url.Values{}
	q.Set("order_sn", orderSN)
	if packageNumber != "" {
		q.Set("package_number", packageNumber)
	}
	p := &shippingParams{}
	if _, err := c.call(ctx, request{method: http.MethodGet, path: pathShippingParam, params: q, out: &p.ans}); err != nil {
		return nil, err
	}
	p.offered, p.needs = p.ans.methods()
	return p, nil
}

// ShippingChoices is what Shopee offers for packing o (get_shipping_parameter): the methods
// info_needed names, the pickup addresses with their time slots, the drop-off branches, and the
// fields each method needs ("pickup:address_id").
func (c *Client) ShippingChoices(ctx context.Context, o domain.Order) (market.ShippingChoices, error) {
	sn := orderSN(o)
	if sn == "" {
		return market.ShippingChoices{}, errors.New("shopee: the order has no order_sn")
	}
	pkgs := toArrange(o)
	p, err := c.shippingParams(ctx, sn, pkgs[0])
	if err != nil {
		return market.ShippingChoices{}, err
	}
	ch := market.ShippingChoices{Methods: p.offered}
	for _, m := range p.offered {
		for _, f := range p.needs[m] {
			ch.Needs = append(ch.Needs, m+":"+f)
		}
	}
	zone := regionZone(c.region)
	for _, a := range p.ans.Pickup.AddressList {
		pa := market.PickupAddress{ID: string(a.AddressID), Label: a.label()}
		for _, s := range a.TimeSlots {
			pa.Slots = append(pa.Slots, market.Slot{ID: string(s.PickupTimeID), Start: epoch(s.Date),
				Label: slotLabel(s.Date, s.TimeText, zone)})
		}
		ch.Addresses = append(ch.Addresses, pa)
	}
	for _, b := range p.ans.Dropoff.BranchList {
		ch.Branches = append(ch.Branches, market.Branch{ID: string(b.BranchID), Label: b.label()})
	}
	return ch, nil
}

// regionZone is the shop's local time, for slot labels.
func regionZone(region string) *time.Location {
	switch region {
	case "TH", "VN", "ID":
		return time.FixedZone("+07", 7*3600)
	case "BR":
		return time.FixedZone("-03", -3*3600)
	}
	return time.FixedZone("+08", 8*3600) // MY, SG, PH, TW
}

// slotLabel is a pickup slot as the seller reads it: the day, then Shopee's time_text.
func slotLabel(date lenient.Int, text string, zone *time.Location) string {
	text = strings.TrimSpace(text)
	t := epoch(date)
	if t.IsZero() {
		return text
	}
	day := t.In(zone).Format("Mon 2 Jan 2006")
	if text == "" || strings.Contains(text, day) {
		return strings.TrimSpace(day + " " + text)
	}
	return day + " " + text
}

// Pack arranges shipment of each order (S4): get_shipping_parameter, then ship_order with
// exactly one of pickup, dropoff or non_integrated, then get_tracking_number (an empty number
// is normal at first: the sync fills it in later). Orders run a few at a time, one order per
// call. A split order has each package not yet arranged shipped in turn.
//
// Pickup takes ship.AddressID or, when empty, the address flagged pickup_address, else the one
// flagged default_address, else the first; and ship.PickupTimeID or, when empty, that address's
// earliest slot. Drop-off takes ship.BranchID (when empty and Shopee asks for a branch, its
// only branch), ship.SenderName, and ship.TrackingNo or the only slug when Shopee asks for them.
// Non-integrated takes ship.TrackingNo, which belongs to one order: it is refused, without a
// call, when missing or given for several orders.
//
// Every order gets a result. A platform refusal is a *market.Error with Shopee's code and
// message (logistics.package_already_shipped included: the engine decides what it means);
// what Shopee asks for that ship does not give fails the order before ship_order is sent. The
// returned error is for what stopped the whole call (the context, a sign-in that cannot be
// renewed); orders not reported failed with it.
func (c *Client) Pack(ctx context.Context, orders []domain.Order, ship market.Shipping) ([]market.ActionResult, error) {
	switch ship.Method {
	case market.Pickup, market.DropOff, market.NonIntegrated:
	default:
		return nil, fmt.Errorf("shopee: unknown shipping method %q (pickup, dropoff or non_integrated)", ship.Method)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]market.ActionResult, len(orders))
	done := make([]bool, len(orders))
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		stopErr  error
		next     = make(chan int)
		multiple = len(orders) > 1
	)
	for range min(packWorkers, len(orders)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				err := c.packOne(ctx, orders[i], ship, multiple)
				if err != nil && !perOrder(err) {
					errMu.Lock()
					if stopErr == nil {
						stopErr = err
						cancel()
					}
					errMu.Unlock()
					continue
				}
				results[i] = market.ActionResult{OrderNo: orders[i].OrderNo, Err: err}
				done[i] = true
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
	var out []market.ActionResult
	for i, r := range results {
		if done[i] {
			out = append(out, r)
		}
	}
	if stopErr != nil {
		return out, stopErr
	}
	if err := ctx.Err(); err != nil && len(out) < len(orders) {
		return out, ctxErr(ctx, err)
	}
	return out, nil
}

// perOrder reports an error that concerns one order (a refusal, the platform's or the client's
// own) rather than the whole call.
func perOrder(err error) bool {
	var e *market.Error
	var local *orderError
	return (errors.As(err, &e) || errors.As(err, &local)) && !errors.Is(err, market.ErrRelink) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// orderError is the client's own refusal of one order: what Shopee would need is missing.
type orderError struct {
	orderNo, msg string
}

func (e *orderError) Error() string { return fmt.Sprintf("shopee: order %s: %s", e.orderNo, e.msg) }

// orderSN is the order's order_sn.
func orderSN(o domain.Order) string {
	if sn := strings.TrimSpace(o.PlatformID); sn != "" {
		return sn
	}
	return strings.TrimSpace(o.OrderNo)
}

// toArrange lists the package_numbers to ship: "" (the order as a whole) when the order has no
// package number; its one package; or, for a split order, the packages not yet arranged (all of
// them when none is left, so that Shopee says so).
func toArrange(o domain.Order) []string {
	var all, open []string
	for _, p := range o.Packages {
		id := strings.TrimSpace(p.ID)
		if id == "" || slices.Contains(all, id) {
			continue
		}
		all = append(all, id)
		if notArranged[strings.ToUpper(strings.TrimSpace(p.Status))] {
			open = append(open, id)
		}
	}
	switch {
	case len(all) == 0:
		return []string{""}
	case len(all) == 1 || len(open) == 0:
		return all
	}
	return open
}

// packOne arranges one order.
func (c *Client) packOne(ctx context.Context, o domain.Order, ship market.Shipping, multiple bool) error {
	sn := orderSN(o)
	refuse := func(format string, args ...any) error {
		return &orderError{orderNo: o.OrderNo, msg: fmt.Sprintf(format, args...)}
	}
	if sn == "" {
		return refuse("the order has no order_sn")
	}
	pkgs := toArrange(o)
	if ship.Method == market.NonIntegrated {
		switch {
		case strings.TrimSpace(ship.TrackingNo) == "":
			return refuse("a non-integrated shipment needs the courier's tracking number")
		case multiple:
			return refuse("a non-integrated tracking number belongs to one order: pack these orders one at a time")
		case len(pkgs) > 1:
			return refuse("the order is split into %d packages, each with its own tracking number: arrange them in Shopee Seller Centre", len(pkgs))
		}
	}
	for _, pn := range pkgs {
		p, err := c.shippingParams(ctx, sn, pn)
		if err != nil {
			return err
		}
		body, msg := shipBody(sn, pn, ship, p)
		if msg != "" {
			return refuse("%s", msg)
		}
		if _, err := c.call(ctx, request{method: http.MethodPost, path: pathShipOrder, body: body, once: true}); err != nil {
			return err
		}
		tn, err := c.trackingNumber(ctx, sn, pn)
		if err != nil {
			// The shipment is arranged whatever became of this: the sync reads the number later.
			c.log.Warn("shopee: shipment arranged, tracking number not read", "order_sn", sn, "package", pn, "err", err.Error())
			continue
		}
		c.log.Info("shopee: shipment arranged", "order_sn", sn, "package", pn, "method", ship.Method, "tracking_number", tn)
	}
	return nil
}

// shipBody is ship_order's body (S4) for one order or package: order_sn, package_number when
// known, and exactly one of pickup, dropoff, non_integrated, present even when empty. msg says
// what Shopee asks for that cannot be given; the body is then not to be sent.
func shipBody(sn, pn string, ship market.Shipping, p *shippingParams) (body map[string]any, msg string) {
	if len(p.offered) > 0 && !slices.Contains(p.offered, ship.Method) {
		var titles []string
		for _, m := range p.offered {
			titles = append(titles, methodTitle(m))
		}
		return nil, fmt.Sprintf("Shopee does not offer %s for this order (it offers %s)", methodTitle(ship.Method),
			strings.Join(titles, ", "))
	}
	m := map[string]any{}
	body = map[string]any{"order_sn": sn, ship.Method: m}
	if pn != "" {
		body["package_number"] = pn
	}
	tracking := strings.TrimSpace(ship.TrackingNo)
	switch ship.Method {
	case market.Pickup:
		addrs := p.ans.Pickup.AddressList
		addrID := strings.TrimSpace(ship.AddressID)
		var addr *addressJSON
		if addrID == "" {
			addr = defaultAddress(addrs)
			if addr != nil {
				addrID = string(addr.AddressID)
			}
		} else {
			for i := range addrs {
				if string(addrs[i].AddressID) == addrID {
					addr = &addrs[i]
				}
			}
		}
		slot := strings.TrimSpace(ship.PickupTimeID)
		if slot == "" && addr != nil {
			slot = earliestSlot(addr)
		}
		switch {
		case addrID == "" && p.asks(market.Pickup, "address_id"):
			return nil, "Shopee has no pickup address for this order: add one in Shopee Seller Centre or use drop-off"
		case slot == "" && addr == nil && p.asks(market.Pickup, "pickup_time_id"):
			return nil, fmt.Sprintf("pickup address %s is not one of the shop's pickup addresses", addrID)
		case slot == "" && p.asks(market.Pickup, "pickup_time_id"):
			return nil, "no pickup slot is left for this address: choose another address or use drop-off"
		case tracking == "" && p.asks(market.Pickup, "tracking_number"):
			return nil, "Shopee asks for the tracking number of this pickup"
		}
		if addrID != "" {
			m["address_id"] = idValue(addrID)
		}
		if slot != "" {
			m["pickup_time_id"] = slot
		}
		if p.asks(market.Pickup, "tracking_number") {
			m["tracking_number"] = tracking
		}
	case market.DropOff:
		branch := strings.TrimSpace(ship.BranchID)
		if branch == "" && p.asks(market.DropOff, "branch_id") && len(p.ans.Dropoff.BranchList) == 1 {
			branch = string(p.ans.Dropoff.BranchList[0].BranchID)
		}
		sender := strings.TrimSpace(ship.SenderName)
		var slug string
		if slugs := p.ans.slugs(); len(slugs) == 1 {
			slug = slugs[0]
		}
		askTracking := p.asks(market.DropOff, "tracking_no") || p.asks(market.DropOff, "tracking_number")
		switch {
		case branch == "" && p.asks(market.DropOff, "branch_id"):
			return nil, "choose the drop-off branch (Shopee asks for one)"
		case sender == "" && p.asks(market.DropOff, "sender_real_name"):
			return nil, "Shopee asks for the sender's real name for a drop-off"
		case tracking == "" && askTracking:
			return nil, "Shopee asks for the tracking number of this drop-off"
		case slug == "" && p.asks(market.DropOff, "slug"):
			return nil, "Shopee asks for the courier (slug) of this drop-off, which Kedai cannot choose: arrange it in Shopee Seller Centre"
		}
		if branch != "" {
			m["branch_id"] = idValue(branch)
		}
		if sender != "" {
			m["sender_real_name"] = sender
		}
		if askTracking {
			m["tracking_number"] = tracking
		}
		if p.asks(market.DropOff, "slug") {
			m["slug"] = slug
		}
	case market.NonIntegrated:
		m["tracking_number"] = tracking
	}
	return body, ""
}

// defaultAddress is the address flagged pickup_address, else default_address, else the first.
func defaultAddress(addrs []addressJSON) *addressJSON {
	for _, flag := range []string{"pickup_address", "default_address"} {
		for i := range addrs {
			for _, f := range addrs[i].AddressFlag {
				if strings.EqualFold(strings.TrimSpace(f), flag) {
					return &addrs[i]
				}
			}
		}
	}
	if len(addrs) > 0 {
		return &addrs[0]
	}
	return nil
}

// earliestSlot is the pickup_time_id of the address's earliest dated slot (the first listed
// among equals, or of all when none is dated).
func earliestSlot(a *addressJSON) string {
	best, bestDate := "", int64(0)
	for _, s := range a.TimeSlots {
		id := strings.TrimSpace(string(s.PickupTimeID))
		if id == "" {
			continue
		}
		d := int64(s.Date)
		if best == "" || d > 0 && (bestDate <= 0 || d < bestDate) {
			best, bestDate = id, d
		}
	}
	return best
}

// idValue sends a numeric id as a JSON number (Shopee's address_id and branch_id are integers)
// and anything else as it was given.
func idValue(id string) any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return n
	}
	return id
}

func methodTitle(m string) string {
	switch m {
	case market.Pickup:
		return "pickup"
	case market.DropOff:
		return "drop-off"
	case market.NonIntegrated:
		return "non-integrated shipping"
	}
	return m
}
