package sim

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Fulfilment (reference L4, S4, T4; sync/FULFILMENT.md): what the three platforms share here.
// Each platform file's *_fulfil.go holds its endpoints; this file holds refusals, the package
// index, couriers and tracking numbers, and pickup slots.

// refusal is a platform error that the next fulfilment calls touching an order get (Refuse).
type refusal struct {
	code, message string
	times         int
}

// Refuse makes the next fulfilment call touching this order fail with the platform's code and
// message (Lazada: per item or per package, inside a successful batch; Shopee/TikTok: the call's
// error, or the order's entry in a batch), Times times (Times < 1 counts as 1). Only calls that
// would change the order count (Lazada pack, rts, repack, sof/delivered; Shopee ship_order,
// batch_ship_order; TikTok package ship and batch ship), once per call however many of the
// order's items or packages it names; reads (get_shipping_parameter, handover_time_slots, package
// detail, shipment providers) are not refused. A refused call changes nothing for that order.
// A TikTok code must be digits (TikTok's codes are numbers); Refuse panics otherwise, and for a
// shop the simulator does not have.
func (s *Sim) Refuse(p domain.Platform, shopID, orderNo, code, message string, times int) {
	if times < 1 {
		times = 1
	}
	if p == domain.TikTok {
		if _, err := strconv.ParseInt(code, 10, 64); err != nil {
			panic(fmt.Sprintf("sim: Refuse: TikTok codes are numbers, got %q", code))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.mustShop(p, shopID)
	sh.refusals[orderNo] = &refusal{code: code, message: message, times: times}
}

// takeRefusal counts a refusal of the order down. Callers hold s.mu for writing.
func (sh *shopState) takeRefusal(orderNo string) (refusal, bool) {
	rf := sh.refusals[orderNo]
	if rf == nil {
		return refusal{}, false
	}
	rf.times--
	if rf.times <= 0 {
		delete(sh.refusals, orderNo)
	}
	return *rf, true
}

// callRefusals takes each order's refusal at most once per call, however many of its items or
// packages the call names.
type callRefusals struct {
	sh   *shopState
	seen map[string]*refusal // nil value: looked up, not refused
}

func newCallRefusals(sh *shopState) *callRefusals {
	return &callRefusals{sh: sh, seen: map[string]*refusal{}}
}

func (cr *callRefusals) take(orderNo string) (refusal, bool) {
	if rf, ok := cr.seen[orderNo]; ok {
		if rf == nil {
			return refusal{}, false
		}
		return *rf, true
	}
	rf, ok := cr.sh.takeRefusal(orderNo)
	if !ok {
		cr.seen[orderNo] = nil
		return refusal{}, false
	}
	cr.seen[orderNo] = &rf
	return rf, true
}

// packageIDs lists the order's package ids: its packages, then any item's package not among them.
func packageIDs(o *domain.Order) []string {
	var out []string
	for _, p := range o.Packages {
		if p.ID != "" && !slices.Contains(out, p.ID) {
			out = append(out, p.ID)
		}
	}
	for _, it := range o.Items {
		if it.PackageID != "" && !slices.Contains(out, it.PackageID) {
			out = append(out, it.PackageID)
		}
	}
	return out
}

// indexPackages points the shop's package index at the record's packages (Lazada rts, repack and
// sof/delivered and every TikTok fulfilment API name a package, not an order).
func (sh *shopState) indexPackages(rec *record) {
	for _, id := range packageIDs(&rec.o) {
		sh.byPkg[id] = rec
	}
}

func (sh *shopState) unindexPackages(rec *record) {
	for _, id := range packageIDs(&rec.o) {
		if sh.byPkg[id] == rec {
			delete(sh.byPkg, id)
		}
	}
}

// newPackageID is a package id the shop has not used: prefix + n digits derived from parts and a
// counter.
func (sh *shopState) newPackageID(prefix string, n int, parts ...string) string {
	for {
		sh.pkgSeq++
		id := prefix + derivedDigits(n, append(slices.Clone(parts), sh.ID, strconv.Itoa(sh.pkgSeq))...)
		if sh.byPkg[id] == nil {
			return id
		}
	}
}

// orderPackages puts the order's packages in the order their items first name them, as a client
// that builds one package per distinct item package id sees them; packages no item names stay
// last.
func orderPackages(o *domain.Order) {
	pos := map[string]int{}
	for _, it := range o.Items {
		if _, ok := pos[it.PackageID]; it.PackageID != "" && !ok {
			pos[it.PackageID] = len(pos)
		}
	}
	at := func(p domain.Package) int {
		if i, ok := pos[p.ID]; ok {
			return i
		}
		return len(pos)
	}
	slices.SortStableFunc(o.Packages, func(a, b domain.Package) int { return at(a) - at(b) })
}

// dropPackage removes a package from the order and every item's reference to it.
func dropPackage(o *domain.Order, id string) {
	o.Packages = slices.DeleteFunc(o.Packages, func(p domain.Package) bool { return p.ID == id })
	if len(o.Packages) == 0 {
		o.Packages = nil
	}
	for i := range o.Items {
		if o.Items[i].PackageID == id {
			o.Items[i].PackageID = ""
		}
	}
}

// setPackage adds or replaces a package of the order.
func setPackage(o *domain.Order, p domain.Package) {
	for k := range o.Packages {
		if o.Packages[k].ID == p.ID {
			o.Packages[k] = p
			return
		}
	}
	o.Packages = append(o.Packages, p)
}

// hash64 is a stable hash of the parts.
func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// courierShare is a courier and how often a platform hands it a parcel.
type courierShare struct {
	name   string
	weight int
}

// Couriers each platform allocates in Malaysia (the names sync/demo uses).
var (
	lazadaCouriers = []courierShare{{"LEX MY", 65}, {"J&T Express", 12}, {"Ninja Van", 10}, {"Flash Express", 5}, {"DHL eCommerce", 5}, {"Pos Laju", 3}}
	tiktokCouriers = []courierShare{{"J&T Express", 40}, {"Ninja Van", 20}, {"Flash Express", 15}, {"DHL eCommerce", 10}, {"Pos Laju", 15}}
)

const sellerOwnFleet = "Seller Own Fleet"

// pickCourier chooses a courier by weight, stably from seed.
func pickCourier(list []courierShare, seed string) string {
	total := 0
	for _, c := range list {
		total += c.weight
	}
	x := int(hash64("courier", seed) % uint64(total))
	for _, c := range list {
		if x < c.weight {
			return c.name
		}
		x -= c.weight
	}
	return list[0].name
}

// trackingNo is a tracking number in the courier's format, stable for seed.
func trackingNo(provider, seed string) string {
	d := func(n int) string { return derivedDigits(n, "tracking", provider, seed) }
	switch provider {
	case "LEX MY":
		return "MYMPA" + d(10)
	case "J&T Express":
		return "63" + d(10)
	case "Ninja Van":
		return "NVMY" + d(12)
	case "Shopee Xpress":
		return "SPXMY0" + d(11)
	case "Pos Laju":
		return s10("ER", d(8))
	case "DHL eCommerce":
		return "MYCGU" + d(11)
	case "Flash Express":
		return "FMY" + d(11)
	case sellerOwnFleet:
		return "SOF" + d(9)
	}
	return "MY" + d(12)
}

// s10 is a UPU S10 parcel number (Pos Laju): prefix, eight digits, check digit, MY.
func s10(prefix, eight string) string {
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, w := range weights {
		sum += int(eight[i]-'0') * w
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return fmt.Sprintf("%s%s%dMY", prefix, eight, check)
}

// rawID reads an id sent as a JSON number or string.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// present reports whether a JSON object has the key with a non-null value.
func present(m map[string]json.RawMessage, k string) bool {
	raw, ok := m[k]
	return ok && strings.TrimSpace(string(raw)) != "null"
}

// dayMYT is midnight (Malaysia time) of t's day plus days.
func dayMYT(t time.Time, days int) time.Time {
	y, m, d := t.In(myt).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, myt)
}

// Pickup is where and when a courier can collect parcels, as the platform's API offers it:
// a Shopee pickup address (get_shipping_parameter's pickup.address_list) with its time slots, or
// (TikTok, no address) a package's handover_time_slots.
type Pickup struct {
	AddressID                            string // Shopee address_id (digits); "" for TikTok
	Address                              string // Shopee: the street address; State, City, District, Town, Zipcode below
	State, City, District, Town, Zipcode string
	Flags                                []string // Shopee address_flag
	Slots                                []PickupSlot
}

// PickupSlot is one collection window.
type PickupSlot struct {
	ID        string    // Shopee pickup_time_id; "" for TikTok (a slot is its start and end)
	Date      time.Time // Shopee date (the day, midnight Malaysia time); zero for TikTok
	Text      string    // Shopee time_text
	Start     time.Time // the window: TikTok start_time/end_time; Shopee the window time_text names
	End       time.Time
	Available bool // TikTok avaliable; every Shopee slot listed is available
}

// Pickups lists a Shopee shop's pickup addresses and their slots (packageID is ignored), or a
// TikTok package's handover slots (one Pickup without an address; nil for an unknown package), as
// the APIs give them at the clock's now. Lazada has none (TFS allocates the courier).
func (s *Sim) Pickups(p domain.Platform, shopID, packageID string) []Pickup {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sh := s.shop(p, shopID)
	if sh == nil {
		return nil
	}
	now := s.now()
	switch p {
	case domain.Shopee:
		var out []Pickup
		for _, a := range shopeeAddresses(sh.ID) {
			pk := Pickup{AddressID: strconv.FormatInt(a.id, 10), Address: a.address, State: a.state, City: a.city,
				District: a.district, Town: a.town, Zipcode: a.zipcode, Flags: slices.Clone(a.flags)}
			for _, sl := range a.slots(now) {
				pk.Slots = append(pk.Slots, PickupSlot{ID: sl.id, Date: sl.date, Text: sl.text, Start: sl.start, End: sl.end, Available: true})
			}
			out = append(out, pk)
		}
		return out
	case domain.TikTok:
		if sh.byPkg[packageID] == nil {
			return nil
		}
		pk := Pickup{}
		for _, sl := range tiktokSlots(packageID, now) {
			pk.Slots = append(pk.Slots, PickupSlot{Start: sl.start, End: sl.end, Available: sl.avail})
		}
		return []Pickup{pk}
	}
	return nil
}
