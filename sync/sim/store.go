package sim

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/demo"
)

// ikey orders a shop's records by a time (unix seconds, as every platform reports) and then by
// the record's sequence number, which never changes: a stable total order for paging.
type ikey struct {
	t   int64
	seq int32
}

func cmpKey(a, b ikey) int {
	if c := cmp.Compare(a.t, b.t); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// index is a sorted slice of keys. Inserting or removing one shifts the tail (a memmove of a few
// hundred kilobytes for 100,000 orders), which keeps list queries at a binary search.
type index []ikey

// search is the position of the first key >= k.
func (ix index) search(k ikey) int {
	i, _ := slices.BinarySearchFunc(ix, k, cmpKey)
	return i
}

// lower is the position of the first key with a time >= t.
func (ix index) lower(t int64) int { return ix.search(ikey{t: t, seq: -1 << 31}) }

func (ix *index) insert(k ikey) {
	i, found := slices.BinarySearchFunc(*ix, k, cmpKey)
	if !found {
		*ix = slices.Insert(*ix, i, k)
	}
}

func (ix *index) remove(k ikey) {
	if i, found := slices.BinarySearchFunc(*ix, k, cmpKey); found {
		*ix = slices.Delete(*ix, i, i+1)
	}
}

// reverse is a return or refund request, or a buyer's cancellation request, as the platform's
// after-sale APIs report it (see aftersale.go for how it starts and what the buyer does next; the
// seller's answers are in each platform's *_aftersale.go).
type reverse struct {
	id       string
	created  time.Time
	updated  time.Time
	awaiting bool // awaits the seller's answer

	kind        domain.RequestKind
	status      string            // the request's status as its platform names it
	lines       map[string]string // Lazada: each line's reverse_status by order_item_id
	reason      string            // the buyer's reason (code or text, as the platform has it)
	comment     string            // the buyer's words
	refund      domain.Money      // what the buyer asks back
	negotiation string            // Shopee negotiation_status
	counters    int               // Shopee: offers the seller may still make
	offers      []domain.Offer    // Shopee: the negotiation so far, oldest first
	tracking    string            // the return parcel's tracking number, once the buyer ships it
	dispute     bool              // the platform judges a dispute on it
	decisions   []Decision        // what the seller sent, in order
}

// record is one order of a shop.
type record struct {
	seq    int32
	o      domain.Order
	hidden domain.Address // TikTok: the address, hidden while UNPAID or ON_HOLD
	ret    *reverse       // the order's return, once it has had one
	cancel *reverse       // the buyer's cancellation request, once there was one
	before string         // Shopee: the status the order had before the buyer asked to cancel
	upd    int64          // the keys the record is indexed under
	crt    int64
	// TikTok: how each shipped package is handed over (package detail's handover_method and
	// pickup_slot), by package id.
	handover map[string]handover
}

func (r *record) updKey() ikey { return ikey{r.upd, r.seq} }
func (r *record) crtKey() ikey { return ikey{r.crt, r.seq} }

// shopState is one shop and its orders.
type shopState struct {
	Shop
	userID, shortCode string // Lazada country_user_info

	recs    []*record
	byNo    map[string]*record
	byPID   map[string]*record // Lazada order_id, Shopee order_sn, TikTok id
	upd     index              // by update time
	crt     index              // by creation time
	returns []*record          // orders that ever had a return, in the order they first did
	cancels []*record          // orders that ever had a buyer cancellation request
	uploads map[string]*Upload // evidence images uploaded, by the reference the platform gave back
	zeroed  []string           // SKUs whose stock a cancellation set to 0

	byPkg    map[string]*record  // package id -> its order (see indexPackages)
	pkgSeq   int                 // packages created by fulfilment calls so far
	refusals map[string]*refusal // order number -> what its next fulfilment calls get (Refuse)
}

func newShopState(sh Shop) *shopState {
	return &shopState{Shop: sh, byNo: map[string]*record{}, byPID: map[string]*record{},
		byPkg: map[string]*record{}, refusals: map[string]*refusal{}}
}

// put adds or replaces an order (by OrderNo). With bulk the indexes are left for a rebuild.
func (sh *shopState) put(o domain.Order, bulk bool) *record {
	normalize(sh.Platform, &o)
	rec := sh.byNo[o.OrderNo]
	if rec == nil {
		rec = &record{seq: int32(len(sh.recs))}
		sh.recs = append(sh.recs, rec)
		sh.byNo[o.OrderNo] = rec
	} else {
		if !bulk {
			sh.upd.remove(rec.updKey())
			sh.crt.remove(rec.crtKey())
		}
		if rec.o.PlatformID != o.PlatformID {
			delete(sh.byPID, rec.o.PlatformID)
		}
		sh.unindexPackages(rec)
	}
	sh.byPID[o.PlatformID] = rec
	if sh.Platform == domain.TikTok && addressHidden(o.Status) && !addressEmpty(o.Address) {
		rec.hidden, o.Address = o.Address, domain.Address{}
	}
	rec.o = o
	sh.indexPackages(rec)
	hasReturn := o.ReturnRequested || slices.ContainsFunc(o.Items, func(it domain.Item) bool { return it.ReturnStatus != "" })
	switch {
	case hasReturn && rec.ret == nil:
		sh.openReturn(rec, returnKindOf(sh.ID, &o), o.UpdatedAt)
		rec.ret.updated, rec.ret.awaiting = o.UpdatedAt, o.ReturnRequested
		if !o.ReturnRequested {
			rec.ret.setStatus(returnDone(sh.Platform))
		}
	case rec.ret != nil && rec.ret.open(sh.Platform) != o.ReturnRequested:
		rec.ret.awaiting, rec.ret.updated = o.ReturnRequested, o.UpdatedAt
		if o.ReturnRequested {
			rec.ret.reopen(sh.Platform, &o, o.UpdatedAt)
		} else {
			rec.ret.setStatus(returnDone(sh.Platform))
		}
	}
	switch {
	case o.CancelRequested && (rec.cancel == nil || !rec.cancel.open(sh.Platform)):
		sh.openCancel(rec, o.UpdatedAt)
	case rec.cancel != nil && rec.cancel.open(sh.Platform) && !o.CancelRequested:
		rec.cancel.awaiting, rec.cancel.updated = false, o.UpdatedAt
		rec.cancel.setStatus(cancelWithdrawn(sh.Platform, &o))
	}
	rec.upd, rec.crt = o.UpdatedAt.Unix(), o.CreatedAt.Unix()
	if !bulk {
		sh.upd.insert(rec.updKey())
		sh.crt.insert(rec.crtKey())
	}
	return rec
}

// rebuild sorts the indexes from scratch, after a bulk put.
func (sh *shopState) rebuild() {
	sh.upd, sh.crt = make(index, len(sh.recs)), make(index, len(sh.recs))
	for i, r := range sh.recs {
		sh.upd[i], sh.crt[i] = r.updKey(), r.crtKey()
	}
	slices.SortFunc(sh.upd, cmpKey)
	slices.SortFunc(sh.crt, cmpKey)
}

// touch re-indexes a record after its order changed in place, stamping it updated at now.
func (sh *shopState) touch(rec *record, now time.Time) {
	sh.upd.remove(rec.updKey())
	rec.o.UpdatedAt = now
	if sh.Platform == domain.Lazada {
		rec.o.Status = strings.Join(domain.LazadaStatuses(rec.o.Items), ", ")
	}
	rec.o.Tab = domain.DeriveTab(&rec.o, now)
	rec.upd = now.Unix()
	sh.upd.insert(rec.updKey())
}

func addressHidden(status string) bool {
	return status == domain.TtUnpaid || status == domain.TtOnHold
}

func addressEmpty(a domain.Address) bool {
	return a.Name == "" && a.Phone == "" && len(a.Lines) == 0 && a.City == "" && a.Postcode == "" && a.State == "" && a.District == ""
}

// normalize makes an order something its platform can say, so Orders is exactly what a correct
// sync reproduces where the platform carries it:
//   - Lazada and TikTok send one line per unit: an item with Qty n becomes n items of Qty 1 (the
//     first keeps PlatformItemID, the others get derived ids). Shopee keeps quantities (Qty >= 1).
//   - ids the wire carries as numbers get digits: Lazada order_id (PlatformID) and
//     order_item_id; Shopee item_id, model_id ("0" when empty) and order_item_id. Missing ids are
//     derived from the order number, so they are stable.
//   - Shopee and TikTok use one id for the order: PlatformID = OrderNo.
//   - Lazada's order Status is its distinct item statuses joined by ", ".
//   - A paid TikTok order not yet shipped (ON_HOLD, AWAITING_SHIPMENT) has its package: TikTok
//     assigns one at payment, and every fulfilment API names it. Live lines without one get a
//     new package (package_status TO_FULFILL, no tracking number yet).
func normalize(p domain.Platform, o *domain.Order) {
	if o.Currency == "" {
		o.Currency = "MYR"
	}
	switch p {
	case domain.Lazada:
		if !isDigits(o.PlatformID) {
			if isDigits(o.OrderNo) {
				o.PlatformID = o.OrderNo
			} else {
				o.PlatformID = derivedDigits(15, "lazada order", o.OrderNo)
			}
		}
	default:
		o.PlatformID = o.OrderNo
	}
	items := make([]domain.Item, 0, len(o.Items))
	seen := map[string]bool{}
	for k, it := range o.Items {
		if it.Qty < 1 {
			it.Qty = 1
		}
		units := 1
		if p != domain.Shopee {
			units, it.Qty = it.Qty, 1
		}
		for u := range units {
			unit := it
			id := unit.PlatformItemID
			switch p {
			case domain.Lazada:
				if u > 0 || !isDigits(id) || seen[id] {
					id = derivedDigits(15, "lazada item", o.OrderNo, fmt.Sprint(k), fmt.Sprint(u), id)
				}
			case domain.TikTok:
				if u > 0 || id == "" || seen[id] {
					id = derivedDigits(18, "tiktok item", o.OrderNo, fmt.Sprint(k), fmt.Sprint(u), id)
				}
			case domain.Shopee:
				if !isDigits(unit.ProductID) {
					unit.ProductID = derivedDigits(11, "shopee product", unit.ProductID, unit.SKU, unit.Name)
				}
				if unit.SKUID == "" {
					unit.SKUID = "0"
				} else if !isDigits(unit.SKUID) {
					unit.SKUID = derivedDigits(11, "shopee model", unit.SKUID)
				}
				if !isDigits(id) {
					id = unit.ProductID
				}
			}
			seen[id] = true
			unit.PlatformItemID = id
			items = append(items, unit)
		}
	}
	o.Items = items
	if p == domain.Lazada {
		o.Status = strings.Join(domain.LazadaStatuses(o.Items), ", ")
	}
	if p == domain.TikTok && (o.Status == domain.TtOnHold || o.Status == domain.TtAwaitingShipment) {
		assignTikTokPackage(o)
	}
}

// ttToFulfill is a TikTok package's (and its lines') status before it is shipped.
const ttToFulfill = "TO_FULFILL"

// assignTikTokPackage gives the order's live lines that have no package one new package, as
// TikTok does at payment.
func assignTikTokPackage(o *domain.Order) {
	var loose []int
	for i, it := range o.Items {
		if it.PackageID == "" && !it.Cancelled && it.Status != "CANCELLED" {
			loose = append(loose, i)
		}
	}
	if len(loose) == 0 {
		return
	}
	id := ""
	for n := len(o.Packages); id == ""; n++ {
		id = "115" + derivedDigits(16, "tiktok package", o.OrderNo, strconv.Itoa(n))
		if _, taken := o.Package(id); taken {
			id = ""
		}
	}
	for _, i := range loose {
		o.Items[i].PackageID = id
		if o.Items[i].Status == "" {
			o.Items[i].Status = ttToFulfill
		}
	}
	o.Packages = append(o.Packages, domain.Package{ID: id, Status: ttToFulfill})
	orderPackages(o)
}

func isDigits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// derivedDigits is a stable n-digit id (no leading zero) from the given parts.
func derivedDigits(n int, parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	v := h.Sum64()
	b := make([]byte, n)
	for i := range b {
		v = v*6364136223846793005 + 1442695040888963407
		b[i] = byte('0' + (v>>33)%10)
	}
	if b[0] == '0' {
		b[0] = '1' + byte(v>>40)%9
	}
	return string(b)
}

func reverseIDLen(p domain.Platform) int {
	switch p {
	case domain.Shopee:
		return 15
	case domain.TikTok:
		return 18
	}
	return 15
}

// copyOrder is a deep copy, so callers cannot reach the simulator's state.
func copyOrder(o domain.Order) domain.Order {
	o.Items = slices.Clone(o.Items)
	o.Packages = slices.Clone(o.Packages)
	o.Address.Lines = slices.Clone(o.Address.Lines)
	return o
}

// PutOrders adds or replaces (by OrderNo) orders of a shop, keeping their times. See normalize for
// what is adjusted so the platform can carry it. A TikTok order that is UNPAID or ON_HOLD has its
// address hidden (TikTok sends none then); it reappears when the order is released.
func (s *Sim) PutOrders(p domain.Platform, shopID string, orders []domain.Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.mustShop(p, shopID)
	bulk := len(orders) > 64 && len(orders) > len(sh.recs)/16
	for _, o := range orders {
		sh.put(copyOrder(o), bulk)
	}
	if bulk {
		sh.rebuild()
	}
}

func (s *Sim) mustShop(p domain.Platform, shopID string) *shopState {
	sh := s.shop(p, shopID)
	if sh == nil {
		panic(fmt.Sprintf("sim: no %s shop %q", p, shopID))
	}
	return sh
}

// Orders returns the shop's orders as the simulator holds them (the truth a correct sync
// reproduces), sorted by OrderNo. ReturnRequested says whether a return awaits the seller.
func (s *Sim) Orders(p domain.Platform, shopID string) []domain.Order {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sh := s.shop(p, shopID)
	if sh == nil {
		return nil
	}
	out := make([]domain.Order, 0, len(sh.recs))
	for _, r := range sh.recs {
		out = append(out, copyOrder(r.o))
	}
	slices.SortFunc(out, func(a, b domain.Order) int { return strings.Compare(a.OrderNo, b.OrderNo) })
	return out
}

// Order returns one order of a shop by its number.
func (s *Sim) Order(p domain.Platform, shopID, orderNo string) (domain.Order, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sh := s.shop(p, shopID)
	if sh == nil {
		return domain.Order{}, false
	}
	r := sh.byNo[orderNo]
	if r == nil {
		return domain.Order{}, false
	}
	return copyOrder(r.o), true
}

// Returns maps every order that ever had a return to whether it awaits the seller.
func (s *Sim) Returns(p domain.Platform, shopID string) map[string]bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]bool{}
	sh := s.shop(p, shopID)
	if sh == nil {
		return out
	}
	for _, r := range sh.returns {
		out[r.o.OrderNo] = r.ret.awaiting
	}
	return out
}

// RequestReturn opens a return awaiting the seller on every live item of the order (Shopee: the
// order goes TO_RETURN) and bumps the order's and the return's update time. Unknown orders are
// ignored.
func (s *Sim) RequestReturn(p domain.Platform, shopID, orderNo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.mustShop(p, shopID)
	if r := sh.byNo[orderNo]; r != nil {
		s.requestReturn(sh, r, domain.ReqReturn, s.stamp())
	}
}

// ResolveReturn closes the order's return (the seller agreed and the refund went out): it no
// longer awaits the seller. Lazada items go "returned"; a Shopee order goes COMPLETED.
func (s *Sim) ResolveReturn(p domain.Platform, shopID, orderNo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.mustShop(p, shopID)
	r := sh.byNo[orderNo]
	if r == nil || r.ret == nil {
		return
	}
	now := s.stamp()
	o := &r.o
	for i := range o.Items {
		it := &o.Items[i]
		if it.ReturnStatus == "" {
			continue
		}
		it.ReturnStatus = returnDone(p)
		if p == domain.Lazada && it.Status == domain.LzDelivered {
			it.Status = domain.LzReturned
		}
	}
	if p == domain.Lazada {
		syncLazadaPackages(o)
	}
	if p == domain.Shopee && o.Status == domain.SpToReturn {
		o.Status = domain.SpCompleted
	}
	o.ReturnRequested = false
	r.ret.awaiting, r.ret.updated = false, now
	r.ret.setStatus(returnDone(p))
	sh.touch(r, now)
}

func (s *Sim) requestReturn(sh *shopState, r *record, kind domain.RequestKind, now time.Time) {
	o := &r.o
	for i := range o.Items {
		if !o.Items[i].Cancelled {
			o.Items[i].ReturnStatus = returnPending(sh.Platform)
		}
	}
	if sh.Platform == domain.Shopee && o.Status != domain.SpCancelled {
		o.Status = domain.SpToReturn
	}
	o.ReturnRequested = true
	switch {
	case r.ret == nil:
		sh.openReturn(r, kind, now)
	case !r.ret.open(sh.Platform):
		r.ret.kind = kind
		r.ret.reopen(sh.Platform, o, now)
	}
	r.ret.awaiting, r.ret.updated = true, now
	sh.touch(r, now)
}

func returnPending(p domain.Platform) string {
	switch p {
	case domain.Lazada:
		return "REQUEST_INITIATE"
	case domain.Shopee:
		return "REQUESTED"
	}
	return "RETURN_OR_REFUND_REQUEST_PENDING"
}

func returnDone(p domain.Platform) string {
	switch p {
	case domain.Lazada:
		return "REFUND_SUCCESS"
	case domain.Shopee:
		return "ACCEPTED"
	}
	return "RETURN_OR_REFUND_REQUEST_COMPLETE"
}

// syncLazadaPackages sets each Lazada package's status to its items' status.
func syncLazadaPackages(o *domain.Order) {
	for k := range o.Packages {
		for _, it := range o.Items {
			if it.PackageID == o.Packages[k].ID {
				o.Packages[k].Status = it.Status
				break
			}
		}
	}
}

// stamp is now to the second, as the platforms report times. Callers hold s.mu.
func (s *Sim) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }

// demoBatch asks sync/demo for n orders of one shop, spread over the 90 days before now.
func demoBatch(sh Shop, n int, seed int64, now time.Time) []domain.Order {
	out := make([]domain.Order, 0, n)
	st := domain.Store{Platform: sh.Platform, Name: sh.Name, Region: sh.Region, ShopID: sh.ID}
	demo.Generate(demo.Options{Orders: n, Seed: seed, Now: now}, []domain.Store{st}, func(o domain.Order) bool {
		out = append(out, o)
		return true
	})
	return out
}

// nextSeed gives each batch of demo orders its own seed, so their ids differ. Callers hold s.mu.
func (s *Sim) nextSeed(shopID string) int64 {
	s.gens++
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%s|%d", s.opt.Seed, shopID, s.gens)
	return int64(h.Sum64() >> 1)
}

// AddHistory adds n orders to a shop spread over the 90 days before now, in every stage a real
// shop has (sync/demo's mix), and returns them. It is what `kedai sim --orders N` and benchmarks
// want; Generate is for orders arriving now.
func (s *Sim) AddHistory(p domain.Platform, shopID string, n int) []domain.Order {
	if n <= 0 {
		return nil
	}
	s.mu.Lock()
	sh := s.mustShop(p, shopID).Shop
	seed, now := s.nextSeed(shopID), s.stamp()
	s.mu.Unlock()

	batch := demoBatch(sh, n, seed, now)
	var spare domain.Address
	for i := range batch {
		o := &batch[i]
		o.Stage, o.StoreID, o.Tab = domain.StageNone, 0, 0
		o.Tab = domain.DeriveTab(o, now)
		switch {
		case !addressEmpty(o.Address):
			spare = o.Address
		case p == domain.TikTok && addressHidden(o.Status) && !addressEmpty(spare):
			// sync/demo leaves it out, as TikTok does; the simulator holds one back for the release.
			o.Address = spare
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustShop(p, shopID)
	bulk := len(batch) > 64 && len(batch) > len(st.recs)/16
	out := make([]domain.Order, 0, len(batch))
	for _, o := range batch {
		if st.byNo[o.OrderNo] == nil {
			out = append(out, copyOrder(st.put(o, bulk).o))
		}
	}
	if bulk {
		st.rebuild()
	}
	return out
}

// Generate adds n orders created now (the simulator's clock), built by sync/demo's generator and
// reset to a fresh state: about a third unpaid, the rest paid and waiting to be packed (TikTok:
// ON_HOLD for the first hour, its address hidden). They are returned as stored.
func (s *Sim) Generate(p domain.Platform, shopID string, n int) []domain.Order {
	if n <= 0 {
		return nil
	}
	var out []domain.Order
	for try := 0; len(out) < n && try < 100; try++ {
		s.mu.Lock()
		sh := s.mustShop(p, shopID).Shop
		seed, now := s.nextSeed(shopID), s.stamp()
		want := n - len(out)
		s.mu.Unlock()

		batch := demoBatch(sh, want+2, seed, now)
		var spare domain.Address
		for _, o := range batch {
			if !addressEmpty(o.Address) {
				spare = o.Address
			}
		}
		s.mu.Lock()
		st := s.mustShop(p, shopID)
		bulk := len(batch) > 64 && len(batch) > len(st.recs)/16
		for _, o := range batch {
			if len(out) == n {
				break
			}
			if addressEmpty(o.Address) {
				o.Address = spare
			}
			fresh(&o, now, s.rng.Float64() >= 0.33)
			if p == domain.Shopee && len(o.OrderNo) > 6 { // an order_sn starts with its creation date
				o.OrderNo = now.In(myt).Format("060102") + o.OrderNo[6:]
			}
			if st.byNo[o.OrderNo] != nil {
				continue
			}
			rec := st.put(o, bulk)
			out = append(out, copyOrder(rec.o))
		}
		if bulk {
			st.rebuild()
		}
		s.mu.Unlock()
	}
	return out
}

var myt = time.FixedZone("MYT", 8*3600)

// fresh resets a generated order to one placed at now: unpaid, or paid and waiting to be packed.
// Lines cancelled on their own are dropped (the order's amounts already leave them out).
func fresh(o *domain.Order, now time.Time, paid bool) {
	p := o.Platform
	o.ID, o.StoreID, o.Stage, o.PostedAt = 0, 0, domain.StageNone, time.Time{}
	o.CreatedAt, o.UpdatedAt = now, now
	o.DeliveredAt, o.PaidAt, o.ShipBy = time.Time{}, time.Time{}, time.Time{}
	o.CancelRequested, o.ReturnRequested, o.CancelReason, o.CancelledBy = false, false, "", ""
	o.Packages = nil
	if o.COD {
		paid = true // cash on delivery needs no payment first
	}
	allCancelled := !slices.ContainsFunc(o.Items, func(it domain.Item) bool { return !it.Cancelled })
	items := o.Items[:0]
	for _, it := range o.Items {
		if it.Cancelled && !allCancelled {
			continue
		}
		it.Cancelled, it.CancelReason, it.CancelledBy, it.ReturnStatus, it.PackageID = false, "", "", "", ""
		switch p {
		case domain.Lazada:
			it.Status = domain.LzUnpaid
			if paid {
				it.Status = domain.LzPending
			}
		case domain.TikTok:
			it.Status = "TO_FULFILL"
		default:
			it.Status = ""
		}
		items = append(items, it)
	}
	o.Items = items
	if paid {
		if !o.COD {
			o.PaidAt = now
		}
		o.ShipBy = now.Add(shipWithin(p))
	}
	switch p {
	case domain.Lazada:
		o.Status = strings.Join(domain.LazadaStatuses(o.Items), ", ")
	case domain.Shopee:
		o.Status = domain.SpUnpaid
		if paid {
			o.Status = domain.SpReadyToShip
		}
	case domain.TikTok:
		o.Status = domain.TtUnpaid
		if paid {
			o.Status = domain.TtOnHold
		}
	}
	o.Tab = domain.DeriveTab(o, now)
}

func shipWithin(p domain.Platform) time.Duration {
	if p == domain.Lazada {
		return 48 * time.Hour
	}
	return 72 * time.Hour
}

// tiktokHold is TikTok's remorse window after payment (ON_HOLD).
const tiktokHold = time.Hour

// returnWindow is how long after delivery Step may open a return.
const returnWindow = 15 * 24 * time.Hour

// Step moves the world forward at the clock's now, with the chances of Rates (see SetRates): per
// open order unpaid -> paid, buyer cancellation requests, the courier collecting parcels the seller
// made ready (Lazada ready_to_ship, Shopee PROCESSED, TikTok AWAITING_COLLECTION; not before
// collectAfter has passed since the order last changed), shipped -> delivered, delivered ->
// completed (Shopee, TikTok) and return requests; TikTok orders leave ON_HOLD an hour after
// payment; and per shop a new order may arrive. Each change bumps the order's update time to now.
// Step never does what is the seller's to do: packing, arranging shipment, ready-to-ship, repack,
// and delivering a seller-own-fleet order stay with the fulfilment APIs. It returns how many
// orders changed or arrived.
func (s *Sim) Step() int {
	s.mu.Lock()
	rates := s.rates
	changed, arrivals := s.stepLocked(rates)
	s.mu.Unlock()
	for _, sh := range arrivals {
		changed += len(s.Generate(sh.Platform, sh.ID, 1))
	}
	return changed
}

func (s *Sim) stepLocked(rates Rates) (changed int, arrivals []Shop) {
	now := s.stamp()
	for _, p := range domain.Platforms {
		for _, sh := range s.shops[p] {
			changed += s.stepShop(sh, now, rates)
			if rates.NewOrder > 0 && s.rng.Float64() < rates.NewOrder {
				arrivals = append(arrivals, sh.Shop)
			}
		}
	}
	return changed, arrivals
}

// stepShop walks the orders updated in the last 30 days (older ones have settled).
func (s *Sim) stepShop(sh *shopState, now time.Time, rates Rates) int {
	from := sh.upd.lower(now.Add(-30 * 24 * time.Hour).Unix())
	cands := make([]int32, 0, len(sh.upd)-from)
	for _, k := range sh.upd[from:] {
		cands = append(cands, k.seq)
	}
	if rates.MaxChanges > 0 {
		s.rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	}
	changed := 0
	for _, seq := range cands {
		if rates.MaxChanges > 0 && changed >= rates.MaxChanges {
			break
		}
		if s.advance(sh, sh.recs[seq], now, rates) {
			changed++
		}
	}
	return changed
}

// phase is where an order stands for Step.
type phase int

const (
	phaseOther phase = iota
	phaseUnpaid
	phaseHeld  // TikTok ON_HOLD
	phaseNew   // paid, not packed, no cancellation request
	phaseReady // handed to the courier's care, waiting to be collected
	phaseShipped
	phaseDelivered // delivered, not completed
	phaseCompleted
)

func orderPhase(o *domain.Order) phase {
	switch o.Platform {
	case domain.Lazada:
		live := 0
		counts := map[string]int{}
		for _, it := range o.Items {
			if it.Cancelled || it.Status == domain.LzCanceled {
				continue
			}
			live++
			counts[it.Status]++
		}
		switch {
		case live == 0:
			return phaseOther
		case counts[domain.LzUnpaid] > 0:
			return phaseUnpaid
		case counts[domain.LzPending]+counts[domain.LzRepacked] == live:
			if o.CancelRequested {
				return phaseOther
			}
			return phaseNew
		case sellerFleet(o) && !(counts[domain.LzDelivered] > 0 && counts[domain.LzDelivered]+counts[domain.LzReturned] == live):
			return phaseOther // on its way with the seller's own fleet: only the seller moves it on (sof/delivered)
		case counts[domain.LzReadyToShip]+counts[domain.LzReadyToShipPending] == live:
			return phaseReady
		case counts[domain.LzShipped]+counts[domain.LzShipping] > 0:
			return phaseShipped
		case counts[domain.LzDelivered] > 0 && counts[domain.LzDelivered]+counts[domain.LzReturned] == live:
			return phaseDelivered
		}
	case domain.Shopee:
		switch o.Status {
		case domain.SpUnpaid:
			return phaseUnpaid
		case domain.SpReadyToShip:
			return phaseNew
		case domain.SpProcessed:
			return phaseReady
		case domain.SpShipped:
			return phaseShipped
		case domain.SpToConfirmReceive:
			return phaseDelivered
		case domain.SpCompleted:
			return phaseCompleted
		}
	case domain.TikTok:
		switch o.Status {
		case domain.TtUnpaid:
			return phaseUnpaid
		case domain.TtOnHold:
			return phaseHeld
		case domain.TtAwaitingShipment:
			if o.CancelRequested {
				return phaseOther
			}
			return phaseNew
		case domain.TtAwaitingCollection:
			if o.CancelRequested || o.ReturnRequested {
				return phaseOther
			}
			return phaseReady
		case domain.TtInTransit:
			return phaseShipped
		case domain.TtDelivered:
			return phaseDelivered
		case domain.TtCompleted:
			return phaseCompleted
		}
	}
	return phaseOther
}

// advance applies at most one change to an order; it reports whether it did.
func (s *Sim) advance(sh *shopState, r *record, now time.Time, rates Rates) bool {
	o := &r.o
	p := sh.Platform
	if r.ret != nil && s.rng.Float64() < rates.ReturnMove && s.moveReturn(sh, r, now) {
		sh.touch(r, now)
		return true
	}
	x := s.rng.Float64()
	switch orderPhase(o) {
	case phaseUnpaid:
		if x >= rates.Pay {
			return false
		}
		if !o.COD {
			o.PaidAt = now
		}
		o.ShipBy = now.Add(shipWithin(p))
		switch p {
		case domain.Lazada:
			for i := range o.Items {
				if o.Items[i].Status == domain.LzUnpaid {
					o.Items[i].Status = domain.LzPending
				}
			}
		case domain.Shopee:
			o.Status = domain.SpReadyToShip
		case domain.TikTok:
			o.Status = domain.TtOnHold
			assignTikTokPackage(o)
			sh.indexPackages(r)
		}
	case phaseHeld:
		if o.PaidAt.IsZero() || now.Sub(o.PaidAt) < tiktokHold {
			return false
		}
		o.Status = domain.TtAwaitingShipment
		if addressEmpty(o.Address) {
			o.Address, r.hidden = r.hidden, domain.Address{}
		}
	case phaseNew:
		if x >= rates.CancelRequest {
			return false
		}
		sh.requestCancel(r, now)
	case phaseReady:
		if x >= rates.Collect || now.Sub(o.UpdatedAt) < collectAfter {
			return false
		}
		collect(o)
	case phaseShipped:
		if x >= rates.Deliver {
			return false
		}
		deliver(o, now)
	case phaseDelivered:
		recent := o.DeliveredAt.IsZero() || now.Sub(o.DeliveredAt) < returnWindow
		switch {
		case r.ret == nil && recent && x < rates.Return:
			s.requestReturn(sh, r, returnKindOf(sh.ID, o), now)
			return true
		case p != domain.Lazada && !o.ReturnRequested && s.rng.Float64() < rates.Complete:
			if p == domain.Shopee {
				o.Status = domain.SpCompleted
			} else {
				o.Status = domain.TtCompleted
			}
		default:
			return false
		}
	default:
		return false
	}
	sh.touch(r, now)
	return true
}

// collectAfter is how long after the seller's last step the courier may come for a ready parcel.
const collectAfter = 2 * time.Hour

// sellerFleet reports whether the seller's own fleet delivers the order (Lazada DBS/SOF).
func sellerFleet(o *domain.Order) bool {
	return o.SelfDelivery || o.ProviderType == "seller_own_fleet"
}

// collect is the courier picking the parcels up.
func collect(o *domain.Order) {
	switch o.Platform {
	case domain.Lazada:
		for i := range o.Items {
			if st := o.Items[i].Status; st == domain.LzReadyToShip || st == domain.LzReadyToShipPending {
				o.Items[i].Status = domain.LzShipped
			}
		}
		syncLazadaPackages(o)
	case domain.Shopee:
		o.Status = domain.SpShipped
		for k := range o.Packages {
			if o.Packages[k].Status == spRequestCreated {
				o.Packages[k].Status = "LOGISTICS_PICKUP_DONE"
			}
		}
	case domain.TikTok:
		o.Status = domain.TtInTransit
		for i := range o.Items {
			if o.Items[i].Status == ttProcessing {
				o.Items[i].Status = "FULFILLING"
			}
		}
		for k := range o.Packages {
			if o.Packages[k].Status == ttProcessing {
				o.Packages[k].Status = "FULFILLING"
			}
		}
	}
}

// deliver hands the parcels over to the buyer.
func deliver(o *domain.Order, now time.Time) {
	o.DeliveredAt = now
	if o.COD {
		o.PaidAt = now // cash changes hands at the door
	}
	switch o.Platform {
	case domain.Lazada:
		for i := range o.Items {
			if st := o.Items[i].Status; st == domain.LzShipped || st == domain.LzShipping {
				o.Items[i].Status = domain.LzDelivered
			}
		}
		syncLazadaPackages(o)
	case domain.Shopee:
		o.Status = domain.SpToConfirmReceive
		for k := range o.Packages {
			o.Packages[k].Status = "LOGISTICS_DELIVERY_DONE"
		}
	case domain.TikTok:
		o.Status = domain.TtDelivered
		for i := range o.Items {
			if o.Items[i].Status == "FULFILLING" {
				o.Items[i].Status = "COMPLETED"
			}
		}
		for k := range o.Packages {
			if o.Packages[k].Status != "CANCELLED" {
				o.Packages[k].Status = "COMPLETED"
			}
		}
	}
}

// liveRates keep a demo shop lively without churning hundreds of orders a tick.
var liveRates = Rates{Pay: 0.35, CancelRequest: 0.01, Collect: 0.05, Deliver: 0.08, Complete: 0.05, Return: 0.004, ReturnMove: 0.02, MaxChanges: 2}

// pace is how Live moves: a new order per shop every arrival..arrival+spread, lifecycle changes
// every tick, arrivals checked every poll.
type pace struct {
	arrival, spread, tick, poll time.Duration
}

var livePace = pace{arrival: 20 * time.Second, spread: 40 * time.Second, tick: 10 * time.Second, poll: time.Second}

func (s *Sim) live(ctx context.Context, pc pace) {
	next := map[string]time.Time{}
	arrival := func() time.Duration { return pc.arrival + time.Duration(s.rng.Int64N(int64(pc.spread)+1)) }
	lifecycle := time.NewTicker(pc.tick)
	defer lifecycle.Stop()
	poll := time.NewTicker(pc.poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-lifecycle.C:
			s.mu.Lock()
			rates := liveRates
			if s.ratesSet {
				rates = s.rates
			}
			s.stepLocked(rates)
			s.mu.Unlock()
		case <-poll.C:
			var due []Shop
			wall := time.Now()
			s.mu.Lock()
			for _, p := range domain.Platforms {
				for _, sh := range s.shops[p] {
					key := string(p) + "|" + sh.ID
					t, ok := next[key]
					switch {
					case !ok:
						next[key] = wall.Add(arrival())
					case !wall.Before(t):
						due = append(due, sh.Shop)
						next[key] = wall.Add(arrival())
					}
				}
			}
			s.mu.Unlock()
			for _, sh := range due {
				if ctx.Err() != nil {
					return
				}
				s.Generate(sh.Platform, sh.ID, 1)
			}
		}
	}
}
