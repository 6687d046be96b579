package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/kedai-app/kedai/domain"
)

const currency = "MYR"

func rm(sen int64) domain.Money { return domain.Money{Minor: sen, Currency: currency} }

// platformShare is how a Malaysian seller's orders split across the marketplaces.
var platformShare = map[domain.Platform]float64{domain.Lazada: 0.28, domain.Shopee: 0.47, domain.TikTok: 0.25}

type storeState struct {
	domain.Store
	idx     int       // position in the caller's list: part of the store's listing ids
	prodCum []float64 // cumulative product weights
	voucher string
}

type generator struct {
	opt      Options
	n        int
	r        *rand.Rand
	clock    *clock
	ids      *ids
	stores   []storeState
	storeW   []float64
	areaW    []float64
	showcase map[int]plan
}

func newGenerator(opt Options, stores []domain.Store) *generator {
	n := opt.Orders
	if n == 0 {
		n = DefaultOrders
	}
	if n < 0 || len(stores) == 0 {
		return nil
	}
	n = min(n, MaxOrders)
	g := &generator{
		opt:   opt,
		n:     n,
		r:     rand.New(rand.NewPCG(uint64(opt.Seed), 0x6b656461692d6d79)),
		clock: newClock(opt.Now),
		ids:   newIDs(opt.Seed),
	}
	rank := map[domain.Platform]int{}
	for i, s := range stores {
		prof := profileFor(s, i)
		st := storeState{Store: s, idx: i, voucher: prof.voucher}
		sum := 0.0
		for _, p := range catalogue {
			w := p.pop
			if slices.Contains(prof.focus, p.cat) {
				w *= 6
			}
			sum += w
			st.prodCum = append(st.prodCum, sum)
		}
		g.stores = append(g.stores, st)
		// The first store on a platform is the seller's main one there.
		g.storeW = append(g.storeW, platformShare[s.Platform]*math.Pow(0.65, float64(rank[s.Platform])))
		rank[s.Platform]++
	}
	for _, a := range areas {
		g.areaW = append(g.areaW, a.weight)
	}
	g.placeShowcase()
	return g
}

// profileFor finds a demo store's profile by name; other stores borrow one by position.
func profileFor(s domain.Store, i int) storeProfile {
	for _, p := range profiles {
		if strings.EqualFold(p.store.Name, s.Name) {
			return p
		}
	}
	p := profiles[i%len(profiles)]
	word := strings.Fields(s.Name + " SHOP")[0]
	word = strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, word)
	if len(word) > 8 {
		word = word[:8]
	}
	if word == "" {
		word = "SHOP"
	}
	p.voucher = word
	return p
}

// placeShowcase puts the showcase orders at the positions whose creation time matches their age.
func (g *generator) placeShowcase() {
	g.showcase = map[int]plan{}
	limit := g.n / 8
	for k, s := range showcase {
		if k >= limit {
			break
		}
		if g.storeOn(s.p.platform, false) < 0 {
			continue
		}
		age := time.Duration(float64(s.age) * (0.85 + 0.3*g.r.Float64()))
		i := int(g.clock.quantile(g.opt.Now.Add(-age)) * float64(g.n))
		i = min(max(i, 0), g.n-1)
		for d := 0; d < g.n; d++ {
			if j := i + d; j < g.n && !g.taken(j) {
				i = j
				break
			}
			if j := i - d; j >= 0 && !g.taken(j) {
				i = j
				break
			}
		}
		g.showcase[i] = s.p
	}
}

func (g *generator) taken(i int) bool { _, ok := g.showcase[i]; return ok }

// storeOn picks a store on platform p by the stores' weights; -1 if there is none.
func (g *generator) storeOn(p domain.Platform, random bool) int {
	var idx []int
	var w []float64
	for i, s := range g.stores {
		if s.Platform == p {
			idx = append(idx, i)
			w = append(w, g.storeW[i])
		}
	}
	if len(idx) == 0 {
		return -1
	}
	if !random {
		return idx[0]
	}
	return idx[weighted(g.r, w)]
}

// line is one product the buyer ordered, with its quantity.
type line struct {
	prod      *product
	prodIdx   int
	v         variant
	qty       int
	sd, pd    int64 // per-unit seller and platform discounts
	cancelled bool
	returned  bool // part of the return (request)
	pkg       int  // index into the order's packages; -1 before packing
}

func (l *line) base() int64 { return l.v.price - l.sd - l.pd }

func (g *generator) lines(s *storeState, n int) []line {
	r := g.r
	out := make([]line, 0, n)
	total := s.prodCum[len(s.prodCum)-1]
	for len(out) < n {
		pi := 0
		for try := 0; try < 8; try++ {
			pi = sort.SearchFloat64s(s.prodCum, r.Float64()*total)
			if !slices.ContainsFunc(out, func(l line) bool { return l.prodIdx == pi }) {
				break
			}
		}
		p := &catalogue[pi]
		l := line{prod: p, prodIdx: pi, v: p.pick(r), pkg: -1}
		if p.multi {
			l.qty = 1 + weighted(r, []float64{60, 25, 10, 3, 2})
		} else {
			l.qty = 1 + weighted(r, []float64{90, 8, 2})
		}
		if r.Float64() < 0.3 { // shop promotion: 5-25% off, in 10 sen
			l.sd = l.v.price * int64(5+r.IntN(21)) / 100 / 10 * 10
		}
		if r.Float64() < platformDiscount[s.Platform] {
			l.pd = min(int64(100+r.IntN(5)*100), (l.v.price-l.sd)/4/10*10)
		}
		out = append(out, l)
	}
	return out
}

var (
	codShare = map[domain.Platform]float64{domain.Lazada: 0.25, domain.Shopee: 0.15, domain.TikTok: 0.2}
	methods  = map[domain.Platform][]string{
		domain.Lazada: {"Online Banking", "Credit Card", "Lazada Wallet", "Touch 'n Go eWallet"},
		domain.Shopee: {"ShopeePay", "Online Banking", "Credit Card/Debit Card", "SPayLater"},
		domain.TikTok: {"TikTok Shop Pay", "Online Banking", "Credit Card", "Touch 'n Go eWallet"},
	}
	methodWeights = []float64{35, 30, 20, 15}
	codMethod     = map[domain.Platform]string{domain.Lazada: "COD", domain.Shopee: "Cash on Delivery", domain.TikTok: "Cash on delivery"}

	courierNames = map[domain.Platform][]string{
		domain.Lazada: {"LEX MY", "J&T Express", "Ninja Van", "Flash Express", "DHL eCommerce", "Pos Laju"},
		domain.Shopee: {"Shopee Xpress", "J&T Express", "Ninja Van", "Pos Laju", "Flash Express", "DHL eCommerce"},
		domain.TikTok: {"J&T Express", "Ninja Van", "Flash Express", "DHL eCommerce", "Pos Laju"},
	}
	courierWeights = map[domain.Platform][]float64{
		domain.Lazada: {65, 12, 10, 5, 5, 3},
		domain.Shopee: {55, 18, 10, 7, 5, 5},
		domain.TikTok: {40, 20, 15, 10, 15},
	}
	freeShipping = map[domain.Platform]float64{domain.Lazada: 0.45, domain.Shopee: 0.6, domain.TikTok: 0.65}
	// platformDiscount is how often the platform funds a discount on a line: TikTok does it a lot.
	platformDiscount = map[domain.Platform]float64{domain.Lazada: 0.08, domain.Shopee: 0.08, domain.TikTok: 0.35}

	// voucher tiers: {minimum spend, amount off}, in sen.
	shopVouchers     = [][2]int64{{3000, 300}, {5000, 500}, {10000, 1000}, {15000, 1500}}
	platformVouchers = map[domain.Platform][][2]int64{
		domain.Lazada: {{3000, 500}, {6000, 800}, {10000, 1500}},
		domain.Shopee: {{2000, 300}, {4000, 500}, {6000, 800}, {10000, 1200}},
		domain.TikTok: {{2500, 400}, {5000, 800}, {10000, 1500}},
	}

	sellerReasons = map[domain.Platform][]string{
		domain.Lazada: {"Out of Stock", "Sourcing Delay", "Wrong Price or Pricing Error"},
		domain.Shopee: {"Out of Stock", "Undeliverable Area", "COD Not Supported"},
		domain.TikTok: {"Out of stock", "Pricing error", "Unable to deliver to buyer address"},
	}
	buyerReasons = map[domain.Platform][]string{
		domain.Lazada: {"Change of mind", "Found cheaper elsewhere", "Change payment method", "Duplicate order", "Decided for alternative product"},
		domain.Shopee: {"Need to change delivery address", "Need to modify order", "Found cheaper elsewhere", "Don't want to buy anymore", "Buyer changed mind"},
		domain.TikTok: {"No longer needed", "Need to change shipping address", "Better price available", "Ordered by mistake"},
	}
	unpaidReason = map[domain.Platform]string{domain.Lazada: "Payment not received", domain.Shopee: "Unpaid Order", domain.TikTok: "Payment timeout"}

	sellerNotes = []string{"Customer WhatsApp: tukar ke saiz L", "VIP customer - tambah free gift",
		"Check stok dulu sebelum pack", "Pack dalam kotak, bukan flyer", "Customer minta hantar cepat"}
	repackNotes = []string{"Repack: wrong colour packed", "Repack: kotak penyek, tukar kotak baru", "Repack: tambah bubble wrap"}
)

// order builds the i-th order.
func (g *generator) order(i int) domain.Order {
	r := g.r
	now := g.opt.Now
	created := g.clock.at((float64(i) + r.Float64()) / float64(g.n))
	age := now.Sub(created)
	p, shown := g.showcase[i]
	var s *storeState
	if shown {
		s = &g.stores[g.storeOn(p.platform, true)]
	} else {
		p = samplePlan(r, age)
		s = &g.stores[weighted(r, g.storeW)]
		flavour(r, &p, s.Platform, age)
	}
	fit(&p, age)
	pl := s.Platform

	a := &areas[weighted(r, g.areaW)]
	buyer := newPerson(r, a.borneo())
	recipient := buyer
	if r.IntN(10) == 0 { // a gift, or sent to the office
		recipient = newPerson(r, a.borneo())
	}

	canCOD := p.st != stUnpaid && !p.onHold && !(p.st == stCancelled && p.cause == causeUnpaid)
	codP := codShare[pl]
	if p.st == stFailed {
		codP = 0.6 // most failed deliveries are COD parcels the buyer refused
	}
	cod := canCOD && r.Float64() < codP
	method := codMethod[pl]
	if !cod {
		method = methods[pl][weighted(r, methodWeights)]
	}
	providerType := ""
	if pl == domain.Lazada {
		providerType = []string{"standard", "express", "seller_own_fleet"}[weighted(r, []float64{88, 8, 4})]
	}
	cour := courierNamed(courierNames[pl][weighted(r, courierWeights[pl])])
	if providerType == "seller_own_fleet" {
		cour = courierNamed("Seller Own Fleet")
	}

	t := when(r, &p, pl, created, age, cod, a.borneo(), providerType == "express")
	updated := t.final

	nLines := 1 + weighted(r, []float64{70, 17, 8, 3, 2})
	if p.partial {
		nLines = max(nLines, 2)
	}
	ls := g.lines(s, nLines)
	multiPkg := p.partial || nLines >= 2 && r.Float64() < 0.16

	// One line cancelled while the rest goes ahead: Lazada and TikTok cancel per item.
	var itemCancelBy, itemCancelReason string
	if !multiPkg && nLines >= 2 && pl != domain.Shopee && t.hold >= 0 && p.st != stCancelled && r.Float64() < 0.12 {
		limit := age
		if t.pack >= 0 {
			limit = t.pack
		}
		tc := t.hold + time.Duration(float64(limit-t.hold)*(0.2+0.6*r.Float64()))
		if tc > t.hold && tc <= age {
			l := &ls[1+r.IntN(nLines-1)]
			l.cancelled = true
			updated = max(updated, tc)
			if r.IntN(5) < 3 {
				itemCancelBy, itemCancelReason = "seller", sellerReasons[pl][r.IntN(2)]
			} else {
				itemCancelBy, itemCancelReason = "buyer", buyerReasons[pl][0]
			}
		}
	}
	if p.st == stReturnReq || p.st == stReturned {
		var live []int
		for k := range ls {
			if !ls[k].cancelled {
				live = append(live, k)
			}
		}
		// Often only one of several products goes back; Lazada then keeps the rest delivered.
		if len(live) >= 2 && r.IntN(2) == 0 && (p.st == stReturnReq || pl == domain.Lazada) {
			live = live[r.IntN(len(live)):][:1]
		}
		for _, k := range live {
			ls[k].returned = true
		}
	}
	packed := t.pack >= 0 && !p.repacked
	npkg := 0
	if packed {
		for k := range ls {
			if ls[k].cancelled {
				continue
			}
			ls[k].pkg = 0
			if multiPkg && k >= (nLines+1)/2 {
				ls[k].pkg = 1
			}
			npkg = max(npkg, ls[k].pkg+1)
		}
	}

	o := domain.Order{
		StoreID:   s.ID,
		StoreName: s.Name,
		Platform:  pl,
		CreatedAt: created,
		UpdatedAt: created.Add(updated),
		Currency:  currency,
		COD:       cod,

		PaymentMethod:   method,
		CancelRequested: p.st == stCancelReq,
		ReturnRequested: p.st == stReturnReq,
	}
	if t.hold >= 0 {
		o.PaidAt = at(created, t.pay)
		shipBy := 72 * time.Hour
		if pl == domain.Lazada {
			shipBy = 48 * time.Hour
		}
		o.ShipBy = created.Add(t.hold + shipBy)
	}
	o.DeliveredAt = at(created, t.deliver)
	if cod {
		o.PaidAt = o.DeliveredAt // cash changes hands at the door
	}

	switch pl {
	case domain.Lazada:
		o.OrderNo = g.ids.lazadaOrderNo(i)
		o.ShippingType, o.ProviderType, o.WarehouseCode = "Dropshipping", providerType, "dropshipping"
		o.SelfDelivery = providerType == "seller_own_fleet"
		o.Buyer = domain.Buyer{Name: buyer.name}
	case domain.Shopee:
		o.OrderNo = g.ids.shopeeOrderSN(i, created.In(myt).Format("060102"))
		o.DeliveryOption = cour.name // the channel the buyer chose at checkout
		o.Buyer = domain.Buyer{Username: buyer.username, UserID: fmt.Sprint(100000000 + r.IntN(900000000))}
	case domain.TikTok:
		o.OrderNo = g.ids.tiktokOrderID(i)
		o.ShippingType, o.FulfillmentType, o.DeliveryOption = "TIKTOK", "FULFILLMENT_BY_SELLER", "Standard shipping"
		o.Buyer = domain.Buyer{UserID: "7" + digits(r.Uint64()%pow10(18), 18), Email: relayEmail(r)}
	}
	o.PlatformID = o.OrderNo
	// TikTok hides the address until the order can be fulfilled.
	if !(pl == domain.TikTok && (p.st == stUnpaid || p.onHold)) {
		o.Address = domain.Address{Name: recipient.name, Phone: phone(r), Lines: address(r, a), City: a.city,
			State: a.state, Postcode: a.postcode, Country: "Malaysia"}
	}
	if r.Float64() < 0.08 {
		o.BuyerNote = pick(r, buyerNotes)
	}
	switch {
	case p.repacked:
		o.SellerNote = pick(r, repackNotes)
	case r.Float64() < 0.015:
		o.SellerNote = pick(r, sellerNotes)
	}

	// The whole order is off: its amounts stay as ordered.
	dead := p.st == stCancelled || pl != domain.Lazada && (p.st == stFailed || p.st == stLost || p.st == stDamaged)
	if dead {
		o.CancelledBy, o.CancelReason = cancelInfo(r, &p, pl)
	}
	g.amounts(&o, ls, dead, s, a.borneo(), providerType == "express")

	var pkgs []domain.Package
	for k := range npkg {
		pkgs = append(pkgs, domain.Package{
			ID:         g.ids.packageID(string(pl), i, k),
			TrackingNo: g.ids.trackingNo(cour, i, k),
			Provider:   cour.name,
			Status:     packageStatus(&p, pl, k),
		})
	}
	o.Packages = pkgs
	g.items(&o, i, s, ls, &p, dead, itemCancelBy, itemCancelReason)
	if pl == domain.Lazada { // a Lazada package is as far as its items
		for k := range o.Packages {
			for _, it := range o.Items {
				if it.PackageID == o.Packages[k].ID {
					o.Packages[k].Status = it.Status
					break
				}
			}
		}
	}

	o.Status = orderStatus(&p, pl, t.completed)
	if pl == domain.Lazada {
		o.Status = strings.Join(domain.LazadaStatuses(o.Items), ", ")
	}
	if p.st == stReady && pl != domain.Lazada {
		o.Stage = domain.StageReady
	}
	o.Tab = domain.DeriveTab(&o, now)
	return o
}

func relayEmail(r *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 16)
	for k := range b {
		b[k] = letters[r.IntN(len(letters))]
	}
	return "v2" + string(b) + "@scs.tiktokw.us"
}

// amounts prices the order: items at their selling price, shop promotions, vouchers and shipping.
// Lines cancelled on their own are left out; a wholly cancelled order keeps what was ordered.
func (g *generator) amounts(o *domain.Order, ls []line, dead bool, s *storeState, borneo, express bool) {
	r := g.r
	var sub, sd, pd, merch int64
	for _, l := range ls {
		if l.cancelled && !dead {
			continue
		}
		q := int64(l.qty)
		sub += l.v.price * q
		sd += l.sd * q
		pd += l.pd * q
		merch += l.base() * q
	}
	fee := int64(490)
	if borneo {
		fee = 890
	}
	if express {
		fee += 300
	}
	free := freeShipping[o.Platform]
	if merch >= 5000 {
		free += 0.2
	}
	if r.Float64() < free {
		fee = 0
	}
	var sv, pv int64
	if r.Float64() < 0.15 {
		sv = tier(shopVouchers, merch)
		if sv > 0 {
			o.VoucherCode = fmt.Sprintf("%s%d", s.voucher, sv/100)
		}
	}
	if r.Float64() < 0.2 {
		pv = tier(platformVouchers[o.Platform], merch)
		if sv+pv > merch {
			pv = 0
		}
		if pv > 0 && o.VoucherCode == "" && o.Platform == domain.Lazada && r.IntN(2) == 0 {
			o.VoucherCode = fmt.Sprintf("LAZ%dOFF", pv/100)
		}
	}
	o.Subtotal = rm(sub)
	o.SellerDiscount = rm(sd)
	o.SellerVoucher = rm(sv)
	o.PlatformVoucher = rm(pv + pd) // platform-funded item discounts count as the platform's
	o.ShippingFee = rm(fee)
	o.Tax = rm(0)
	o.Total = rm(sub - sv - (pv + pd) - sd + fee)
}

// tier is the best voucher the spend qualifies for, 0 if none.
func tier(tiers [][2]int64, spend int64) int64 {
	off := int64(0)
	for _, t := range tiers {
		if spend >= t[0] {
			off = t[1]
		}
	}
	return off
}

// items lists the order's lines the way its platform does: Lazada and TikTok one item per unit,
// Shopee one per line with a quantity. Vouchers are spread over the units' paid prices in
// proportion, so the paid prices add up to what the buyer paid for the goods.
func (g *generator) items(o *domain.Order, i int, s *storeState, ls []line, p *plan, dead bool, cancelBy, cancelReason string) {
	perUnit := o.Platform != domain.Shopee
	vouchers := o.SellerVoucher.Minor + o.PlatformVoucher.Minor
	var merch int64
	for _, l := range ls {
		if !l.cancelled || dead {
			vouchers -= l.pd * int64(l.qty) // already in each unit's base price
			merch += l.base() * int64(l.qty)
		}
	}
	lastLive := -1
	for k, l := range ls {
		if !l.cancelled || dead {
			lastLive = k
		}
	}
	var allocated int64
	entry := 0
	for k, l := range ls {
		productID, skuID := g.ids.listing(string(o.Platform), s.idx, l.prodIdx, l.v.index)
		if o.Platform == domain.Shopee && len(l.prod.dims) == 0 {
			skuID = "0" // Shopee's model_id for an item without variations
		}
		units, qty := l.qty, 1
		if !perUnit {
			units, qty = 1, l.qty
		}
		for u := range units {
			it := domain.Item{
				ProductID:        productID,
				SKUID:            skuID,
				SKU:              l.v.sku,
				Name:             l.prod.name,
				Variation:        l.v.variation,
				Qty:              qty,
				UnitPrice:        rm(l.v.price),
				PaidPrice:        rm(l.base()),
				SellerDiscount:   rm(l.sd),
				PlatformDiscount: rm(l.pd),
			}
			if perUnit && (!l.cancelled || dead) && merch > 0 {
				share := vouchers * l.base() / merch
				if k == lastLive && u == units-1 {
					share = vouchers - allocated // the rounding stays on the last unit
				}
				allocated += share
				it.PaidPrice = rm(l.base() - share)
			}
			switch o.Platform {
			case domain.Lazada:
				it.PlatformItemID = g.ids.lazadaItemID(i, entry)
				it.ShopSKU = productID + "_MY-" + skuID
			case domain.Shopee:
				it.PlatformItemID = productID
			case domain.TikTok:
				it.PlatformItemID = g.ids.tiktokItemID(i, entry)
			}
			if l.pkg >= 0 {
				it.PackageID = o.Packages[l.pkg].ID
			}
			it.Status = itemStatus(p, o.Platform, &l)
			switch {
			case dead:
				it.Cancelled, it.CancelReason, it.CancelledBy = true, o.CancelReason, o.CancelledBy
			case l.cancelled:
				it.Cancelled, it.CancelReason, it.CancelledBy = true, cancelReason, cancelBy
				if o.Platform == domain.Lazada {
					it.Status = domain.LzCanceled
				} else {
					it.Status = "CANCELLED"
				}
			}
			if l.returned {
				it.ReturnStatus = returnStatus(p, o.Platform)
			}
			o.Items = append(o.Items, it)
			entry++
		}
	}
}

func cancelInfo(r *rand.Rand, p *plan, pl domain.Platform) (by, reason string) {
	switch p.st {
	case stFailed:
		return "system", map[domain.Platform]string{domain.Shopee: "Failed Delivery", domain.TikTok: "Package delivery failed"}[pl]
	case stLost:
		return "system", map[domain.Platform]string{domain.Shopee: "Parcel lost by logistics provider", domain.TikTok: "Package lost in transit"}[pl]
	case stDamaged:
		return "system", map[domain.Platform]string{domain.Shopee: "Parcel damaged by logistics provider", domain.TikTok: "Package damaged in transit"}[pl]
	}
	switch p.cause {
	case causeUnpaid:
		return "system", unpaidReason[pl]
	case causeSeller:
		return "seller", pick(r, sellerReasons[pl])
	}
	return "buyer", pick(r, buyerReasons[pl])
}

func orderStatus(p *plan, pl domain.Platform, completed bool) string {
	switch pl {
	case domain.Shopee:
		switch p.st {
		case stUnpaid:
			return domain.SpUnpaid
		case stNew:
			return domain.SpReadyToShip
		case stPacked:
			if p.retryShip {
				return domain.SpRetryShip
			}
			return domain.SpProcessed
		case stReady:
			return domain.SpProcessed
		case stShipped:
			return domain.SpShipped
		case stDone:
			if completed {
				return domain.SpCompleted
			}
			return domain.SpToConfirmReceive
		case stCancelReq:
			return domain.SpInCancel
		case stReturnReq:
			return domain.SpToReturn
		case stReturned:
			return domain.SpCompleted
		}
		return domain.SpCancelled
	case domain.TikTok:
		switch p.st {
		case stUnpaid:
			return domain.TtUnpaid
		case stNew:
			if p.onHold {
				return domain.TtOnHold
			}
			return domain.TtAwaitingShipment
		case stPacked, stReady:
			return domain.TtAwaitingCollection
		case stShipped:
			if p.partial {
				return domain.TtPartiallyShipping
			}
			return domain.TtInTransit
		case stDone:
			if completed {
				return domain.TtCompleted
			}
			return domain.TtDelivered
		case stCancelReq:
			if p.afterPack {
				return domain.TtAwaitingCollection
			}
			return domain.TtAwaitingShipment
		case stReturnReq:
			return domain.TtDelivered
		case stReturned:
			return domain.TtCompleted
		}
		return domain.TtCancelled
	}
	return "" // Lazada: the item statuses
}

// itemStatus is a live line's status: Lazada's item status, TikTok's package status for the line,
// nothing for Shopee (its items carry none).
func itemStatus(p *plan, pl domain.Platform, l *line) string {
	switch pl {
	case domain.Lazada:
		switch p.st {
		case stUnpaid:
			return domain.LzUnpaid
		case stNew:
			if p.repacked {
				return domain.LzRepacked
			}
			return domain.LzPending
		case stPacked:
			return domain.LzPacked
		case stReady:
			if p.rtsPend {
				return domain.LzReadyToShipPending
			}
			return domain.LzReadyToShip
		case stShipped:
			if p.partial && l.pkg == 1 {
				return domain.LzReadyToShip
			}
			return domain.LzShipped
		case stDone, stReturnReq:
			return domain.LzDelivered
		case stCancelReq:
			if p.afterPack {
				return domain.LzPacked
			}
			return domain.LzPending
		case stCancelled:
			return domain.LzCanceled
		case stFailed:
			return domain.LzFailed
		case stLost:
			return domain.LzLostBy3PL
		case stDamaged:
			return domain.LzDamagedBy3PL
		case stReturned:
			if l.returned {
				return domain.LzReturned
			}
			return domain.LzDelivered
		}
	case domain.TikTok:
		switch p.st {
		case stUnpaid, stNew:
			return "TO_FULFILL"
		case stPacked, stReady:
			return "PROCESSING"
		case stShipped:
			if p.partial && l.pkg == 1 {
				return "PROCESSING"
			}
			return "FULFILLING"
		case stDone, stReturnReq, stReturned:
			return "COMPLETED"
		case stCancelReq:
			if p.afterPack {
				return "PROCESSING"
			}
			return "TO_FULFILL"
		}
		return "CANCELLED"
	}
	return ""
}

// packageStatus is package k's logistics status as the platform reports it.
func packageStatus(p *plan, pl domain.Platform, k int) string {
	behind := p.partial && k == 1
	switch pl {
	case domain.Lazada:
		return "" // filled in from its items
	case domain.Shopee:
		switch p.st {
		case stPacked:
			if p.retryShip {
				return "LOGISTICS_PICKUP_RETRY"
			}
			return "LOGISTICS_REQUEST_CREATED"
		case stReady, stCancelReq:
			return "LOGISTICS_REQUEST_CREATED"
		case stShipped:
			return "LOGISTICS_PICKUP_DONE"
		case stDone, stReturnReq, stReturned:
			return "LOGISTICS_DELIVERY_DONE"
		case stFailed:
			return "LOGISTICS_DELIVERY_FAILED"
		case stLost, stDamaged:
			return "LOGISTICS_LOST"
		}
		return "LOGISTICS_REQUEST_CANCELED"
	}
	switch p.st {
	case stPacked, stReady, stCancelReq:
		return "PROCESSING"
	case stShipped:
		if behind {
			return "PROCESSING"
		}
		return "FULFILLING"
	case stDone, stReturnReq, stReturned:
		return "COMPLETED"
	}
	return "CANCELLED"
}

func returnStatus(p *plan, pl domain.Platform) string {
	pending := p.st == stReturnReq
	switch pl {
	case domain.Lazada:
		if pending {
			return "REQUEST_INITIATE"
		}
		return "REFUND_SUCCESS"
	case domain.Shopee:
		if pending {
			return "REQUESTED"
		}
		return "ACCEPTED"
	}
	if pending {
		return "RETURN_OR_REFUND_REQUEST_PENDING"
	}
	return "RETURN_OR_REFUND_REQUEST_COMPLETE"
}
