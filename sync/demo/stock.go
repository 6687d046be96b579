package demo

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// The demo seller's SQL Account company: what the SQL Account simulator serves to the demo
// workspace. The types are declared here rather than in sync/sim because sync/sim imports this
// package for its orders; sync/sim names them as its own (sim.SQLAccSeed is SQLAccCompany).

// SQLAccCompany is the master data of one SQL Account company.
type SQLAccCompany struct {
	Items      []SQLAccItem // stock and non-stock items, in the order the API lists them
	Customers  []SQLAccCustomer
	Locations  []SQLAccCode
	Projects   []SQLAccCode
	Taxes      []SQLAccTax
	PayMethods []SQLAccCode
}

// SQLAccItem is a stock item (or, with StockControl false, a non-stock item such as a voucher or
// fee line). Its barcode is its base unit's.
type SQLAccItem struct {
	Code, Description, Group string
	StockControl             bool
	Inactive                 bool
	UOMs                     []SQLAccUOM
}

// SQLAccUOM is one unit of an item: Rate base units in one of it, a reference price in sen and
// its own barcode.
type SQLAccUOM struct {
	UOM     string
	Rate    float64
	Price   int64 // sen
	Barcode string
	Base    bool
}

// SQLAccCustomer is a debtor: the demo has one per store.
type SQLAccCustomer struct {
	Code, CompanyName string
	Inactive          bool
}

// SQLAccCode is a location, project or payment method.
type SQLAccCode struct {
	Code, Description string
}

// SQLAccTax is a tax code and its rate in percent.
type SQLAccTax struct {
	Code, Description string
	Rate              float64
	Inactive          bool
}

// How the demo's stock items meet the catalogue's seller SKUs. A SKU's share is chosen by a hash
// of the SKU, so it stays put when the catalogue grows.
const (
	stockShares    = 48
	stockUnmatched = 6  // 6/48 = 1 in 8: no item matches; a person maps these by hand
	stockByBarcode = 14 // the next 8/48 = 1 in 6: an internal code whose base barcode is the SKU
)

// maxItemCode is SQL Account's limit on an item code.
const maxItemCode = 30

// SQLAccSeed is the demo seller's SQL Account company: a stock item for every variant of the
// catalogue, most coded by their seller SKU (TDG-CHF-BLK-M), about one in six under an internal
// code (STK-00042) whose base unit's barcode is the SKU, and about one in eight under an internal
// code that matches nothing (the seller maps those by hand); some snacks and sundries also sell
// by the BOX of 12. Then the non-stock items VOUCHER, DISCOUNT, SHIPPING and TXFEE, one customer
// per store name, the locations "----" and ECOM, one project per platform, the SST codes and
// the payment methods. The same names give the same company.
func SQLAccSeed(storeNames []string) SQLAccCompany {
	var c SQLAccCompany
	internal := 0
	ean := 0
	nextEAN := func() string { ean++; return ean13(fmt.Sprintf("9557890%05d", ean)) }
	for i := range catalogue {
		p := &catalogue[i]
		for _, v := range p.variants() {
			share := skuShare(v.sku)
			item := SQLAccItem{Code: v.sku, Description: p.name, Group: groupNames[p.cat], StockControl: true}
			if v.variation != "" {
				item.Description += " (" + v.variation + ")"
			}
			base := SQLAccUOM{UOM: "UNIT", Rate: 1, Price: v.price, Base: true}
			switch {
			case share < stockUnmatched:
				internal++
				item.Code = fmt.Sprintf("STK-%05d", internal)
				base.Barcode = nextEAN()
			case share < stockByBarcode || len(v.sku) > maxItemCode:
				internal++
				item.Code = fmt.Sprintf("STK-%05d", internal)
				base.Barcode = v.sku
			default:
				base.Barcode = nextEAN()
			}
			item.UOMs = []SQLAccUOM{base}
			if p.multi && share%2 == 0 {
				// A box of 12 at about 8% off, rounded to 10 sen.
				box := (v.price*12*92/100 + 5) / 10 * 10
				item.UOMs = append(item.UOMs, SQLAccUOM{UOM: "BOX", Rate: 12, Price: box, Barcode: nextEAN()})
			}
			c.Items = append(c.Items, item)
		}
	}
	// One discontinued item, so an inactive one is in the list.
	internal++
	c.Items = append(c.Items, SQLAccItem{Code: fmt.Sprintf("STK-%05d", internal), Description: "Botol Air Tritan 750ml (discontinued)",
		Group: groupNames[kitchen], StockControl: true, Inactive: true,
		UOMs: []SQLAccUOM{{UOM: "UNIT", Rate: 1, Price: 1590, Barcode: nextEAN(), Base: true}}})
	for _, n := range []struct{ code, desc string }{
		{"VOUCHER", "Seller Voucher"}, {"DISCOUNT", "Seller Discount"}, {"SHIPPING", "Shipping Fee"}, {"TXFEE", "Marketplace Transaction Fee"},
	} {
		c.Items = append(c.Items, SQLAccItem{Code: n.code, Description: n.desc, Group: "SERVICE",
			UOMs: []SQLAccUOM{{UOM: "UNIT", Rate: 1, Base: true}}})
	}

	// Customer codes as SQL Account numbers them: 300- (the debtor control account), the first
	// letter of the name, and a count per letter.
	perLetter := map[byte]int{}
	customer := func(name string) SQLAccCustomer {
		l := firstLetter(name)
		perLetter[l]++
		return SQLAccCustomer{Code: fmt.Sprintf("300-%c%04d", l, perLetter[l]), CompanyName: name}
	}
	c.Customers = append(c.Customers, customer("CASH SALES"))
	for _, n := range storeNames {
		c.Customers = append(c.Customers, customer(n))
	}

	c.Locations = []SQLAccCode{{"----", "Main Store"}, {"ECOM", "E-Commerce Stock"}}
	c.Projects = []SQLAccCode{{"LAZADA", "Lazada"}, {"SHOPEE", "Shopee"}, {"TIKTOK", "TikTok Shop"}}
	c.Taxes = []SQLAccTax{
		{Code: "SV", Description: "Service Tax 8%", Rate: 8},
		{Code: "ST", Description: "Sales Tax 10%", Rate: 10},
		{Code: "ST5", Description: "Sales Tax 5%", Rate: 5},
		{Code: "STE", Description: "Sales Tax Exempted"},
		{Code: "SVE", Description: "Service Tax Exempted"},
	}
	c.PayMethods = []SQLAccCode{{"ONLINE", "Marketplace Payout (Online)"}, {"COD", "Cash on Delivery"}, {"CASH", "Cash in Hand"}}
	return c
}

var groupNames = [numCategories]string{fashion: "FASHION", beauty: "BEAUTY", gadget: "GADGET", kitchen: "KITCHEN",
	home: "HOME", food: "FOOD", baby: "BABY", health: "HEALTH"}

// skuShare places a SKU in [0, stockShares).
func skuShare(sku string) int {
	h := fnv.New32a()
	h.Write([]byte(sku))
	return int(h.Sum32() % stockShares)
}

// firstLetter is the upper-case first letter of a name, Z when it has none.
func firstLetter(name string) byte {
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' {
			return byte(r)
		}
	}
	return 'Z'
}

// ean13 appends the check digit to twelve digits.
func ean13(d12 string) string {
	sum := 0
	for i, r := range d12 {
		n := int(r - '0')
		if i%2 == 1 {
			n *= 3
		}
		sum += n
	}
	return d12 + fmt.Sprint((10-sum%10)%10)
}

// variants lists every SKU of a product, each with its option names ("Black, M") as variation.
func (p *product) variants() []variant {
	type partial struct {
		v     variant
		names []string
	}
	vs := []partial{{v: variant{sku: p.sku, price: p.price}}}
	mult := 1
	for _, d := range p.dims {
		next := make([]partial, 0, len(vs)*len(d.opts))
		for _, x := range vs {
			for i, o := range d.opts {
				y := x
				y.v.sku += "-" + o.code
				y.v.price += o.delta
				y.v.index += i * mult
				y.names = append(append([]string(nil), x.names...), o.name)
				next = append(next, y)
			}
		}
		vs = next
		mult *= len(d.opts)
	}
	out := make([]variant, len(vs))
	for i, x := range vs {
		out[i] = x.v
		out[i].variation = strings.Join(x.names, ", ")
	}
	return out
}
