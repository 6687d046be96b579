package demo

import (
	"fmt"
	"math/bits"
)

// perm is a keyed permutation of [0, mod): a small Feistel network with cycle walking. Numbering
// orders, packages and parcels through it gives ids that look random yet can never collide, without
// remembering the ids already handed out.
type perm struct {
	mod  uint64
	half uint
	mask uint64
	keys [4]uint64
}

func newPerm(mod uint64, seed int64, label string) perm {
	n := uint(bits.Len64(mod - 1))
	half := (n + 1) / 2
	p := perm{mod: mod, half: half, mask: 1<<half - 1}
	k := uint64(seed) ^ 0x9e3779b97f4a7c15
	for _, c := range label {
		k = mix(k ^ uint64(c))
	}
	for i := range p.keys {
		k = mix(k + uint64(i))
		p.keys[i] = k
	}
	return p
}

// at maps x (which must be below mod) to its image.
func (p perm) at(x uint64) uint64 {
	for {
		l, r := x>>p.half, x&p.mask
		for _, k := range p.keys {
			l, r = r, l^(mix(r^k)&p.mask)
		}
		x = l<<p.half | r
		if x < p.mod {
			return x
		}
	}
}

// mix is SplitMix64's finaliser: a cheap, well-spread hash.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// digits formats n with exactly w digits.
func digits(n uint64, w int) string { return fmt.Sprintf("%0*d", w, n) }

const base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func alnum(n uint64, w int) string {
	b := make([]byte, w)
	for i := w - 1; i >= 0; i-- {
		b[i] = base36[n%36]
		n /= 36
	}
	return string(b)
}

// s10 is a UPU S10 parcel number as Pos Laju prints it: ER123456785MY, with its check digit.
func s10(prefix string, serial uint64) string {
	d := digits(serial, 8)
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return fmt.Sprintf("%s%s%dMY", prefix, d, check)
}

// ids hands out every identifier of the workspace. Each kind has its own permutation, fed with a
// counter that is unique for that kind: the order's index, times a fixed number of slots for its
// packages or lines.
type ids struct {
	lazadaOrder, shopeeOrder, tiktokOrder perm
	lazadaItem, tiktokItem                perm
	lazadaPkg, shopeePkg, tiktokPkg       perm
	track                                 map[string]perm
	seed                                  int64
}

const (
	pkgSlots  = 4  // packages per order at most
	lineSlots = 32 // item lines per order at most
)

func newIDs(seed int64) *ids {
	x := &ids{
		lazadaOrder: newPerm(pow10(14), seed, "lazada order"),
		shopeeOrder: newPerm(36*36*36*36*36*36*36*36, seed, "shopee order"),
		tiktokOrder: newPerm(pow10(16), seed, "tiktok order"),
		lazadaItem:  newPerm(pow10(14), seed, "lazada item"),
		tiktokItem:  newPerm(pow10(16), seed, "tiktok item"),
		lazadaPkg:   newPerm(pow10(12), seed, "lazada package"),
		shopeePkg:   newPerm(pow10(15), seed, "shopee package"),
		tiktokPkg:   newPerm(pow10(16), seed, "tiktok package"),
		track:       map[string]perm{},
		seed:        seed,
	}
	for _, c := range couriers {
		x.track[c.name] = newPerm(c.space, seed, c.name)
	}
	return x
}

// lazadaOrderNo is a 15-digit Lazada order number (also its order_id).
func (x *ids) lazadaOrderNo(i int) string { return "3" + digits(x.lazadaOrder.at(uint64(i)), 14) }

// shopeeOrderSN is an order_sn: the creation date (yymmdd) and eight letters and digits.
func (x *ids) shopeeOrderSN(i int, yymmdd string) string {
	return yymmdd + alnum(x.shopeeOrder.at(uint64(i)), 8)
}

// tiktokOrderID is an 18-digit TikTok Shop order id.
func (x *ids) tiktokOrderID(i int) string { return "57" + digits(x.tiktokOrder.at(uint64(i)), 16) }

func (x *ids) lazadaItemID(i, line int) string {
	return "4" + digits(x.lazadaItem.at(uint64(i*lineSlots+line)), 14)
}

func (x *ids) tiktokItemID(i, line int) string {
	return "58" + digits(x.tiktokItem.at(uint64(i*lineSlots+line)), 16)
}

func (x *ids) packageID(p string, i, k int) string {
	n := uint64(i*pkgSlots + k)
	switch p {
	case "lazada":
		return "FP" + digits(x.lazadaPkg.at(n), 12)
	case "shopee":
		return "OFG" + digits(x.shopeePkg.at(n), 15)
	}
	return "115" + digits(x.tiktokPkg.at(n), 16)
}

func (x *ids) trackingNo(c *courier, i, k int) string {
	return c.format(x.track[c.name].at(uint64(i*pkgSlots + k)))
}

// listing returns stable platform ids for a product variant in one store: the same SKU keeps its
// item and variation ids across orders, as a real listing does.
func (x *ids) listing(platform string, store, prod, variant int) (productID, skuID string) {
	h := mix(uint64(x.seed) ^ mix(uint64(store)<<40|uint64(prod)<<20|0xabc))
	v := mix(h ^ uint64(variant+1))
	switch platform {
	case "lazada":
		return fmt.Sprint(2000000000 + h%999999999), fmt.Sprint(10000000000 + v%89999999999)
	case "shopee":
		return fmt.Sprint(20000000000 + h%29999999999), fmt.Sprint(100000000000 + v%99999999999)
	}
	return "1729" + digits(h%pow10(15), 15), "1729" + digits(v%pow10(15), 15)
}

// courier is a delivery company with the shape of its tracking numbers.
type courier struct {
	name   string
	space  uint64 // how many distinct numbers the format has
	format func(uint64) string
}

var couriers = []*courier{
	{"LEX MY", pow10(10), func(n uint64) string { return "MYMPA" + digits(n, 10) }},
	{"J&T Express", pow10(10), func(n uint64) string { return "63" + digits(n, 10) }},
	{"Ninja Van", pow10(12), func(n uint64) string { return "NVMY" + digits(n, 12) }},
	{"Shopee Xpress", pow10(11), func(n uint64) string { return "SPXMY0" + digits(n, 11) }},
	{"Pos Laju", pow10(8), func(n uint64) string { return s10("ER", n) }},
	{"DHL eCommerce", pow10(11), func(n uint64) string { return "MYCGU" + digits(n, 11) }},
	{"Flash Express", pow10(11), func(n uint64) string { return "FMY" + digits(n, 11) }},
	{"Seller Own Fleet", pow10(9), func(n uint64) string { return "SOF" + digits(n, 9) }},
}

func courierNamed(name string) *courier {
	for _, c := range couriers {
		if c.name == name {
			return c
		}
	}
	panic("demo: unknown courier " + name)
}
