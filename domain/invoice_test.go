package domain

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func rm(v int64) Money { return Money{Minor: v, Currency: "MYR"} }

// The stock items of the invoice tests: a tudung sold by the unit or by the box of 12, a pin,
// a gift box without a reference price, and the non-stock items of the store's extra lines.
var invItems = map[string]StockItem{
	"TDG-CHF": {Code: "TDG-CHF", Description: "Tudung Chiffon", Active: true, StockControl: true, UOMs: []StockUOM{
		{UOM: "UNIT", Rate: 1, Price: rm(2990), Base: true, Barcode: "9555000000011"},
		{UOM: "BOX", Rate: 12, Price: rm(33000), Barcode: "9555000000028"}}},
	"PIN":      {Code: "PIN", Description: "Scarf pin", Active: true, UOMs: []StockUOM{{UOM: "UNIT", Rate: 1, Price: rm(500), Base: true}}},
	"GIFT":     {Code: "GIFT", Description: "Gift box", Active: true, UOMs: []StockUOM{{UOM: "PCS", Rate: 1, Base: true}}},
	"CARD":     {Code: "CARD", Description: "Card", Active: true, UOMs: []StockUOM{{UOM: "PCS", Rate: 1, Base: true}}},
	"VOUCHER":  {Code: "VOUCHER", Description: "Seller voucher", UOMs: []StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
	"DISCOUNT": {Code: "DISCOUNT", Description: "Discount", UOMs: []StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
	"SHIPPING": {Code: "SHIPPING", Description: "Shipping", UOMs: []StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
}

var invMaps = map[string]Mapping{
	"TDG-CHF-BLK": {SKU: "TDG-CHF-BLK", Lines: []MapLine{{StockCode: "TDG-CHF", UOM: "UNIT", Qty: 1}}},
	"TDG-CHF-BOX": {SKU: "TDG-CHF-BOX", Lines: []MapLine{{StockCode: "TDG-CHF", UOM: "box", Qty: 1}}},
	"TDG-PAIR":    {SKU: "TDG-PAIR", Lines: []MapLine{{StockCode: "TDG-CHF", Qty: 2}}}, // no UOM: the base
	// 1 tudung (29.90) + 2 pins (2 × 5.00): the price splits 2990 : 1000.
	"SET-TDG-PIN": {SKU: "SET-TDG-PIN", Lines: []MapLine{{StockCode: "TDG-CHF", UOM: "UNIT", Qty: 1}, {StockCode: "PIN", UOM: "UNIT", Qty: 2}}},
	// No reference prices: split by quantity (1 : 2).
	"SET-GIFT":  {SKU: "SET-GIFT", Lines: []MapLine{{StockCode: "GIFT", UOM: "PCS", Qty: 1}, {StockCode: "CARD", UOM: "PCS", Qty: 2}}},
	"BAD-CODE":  {SKU: "BAD-CODE", Lines: []MapLine{{StockCode: "TDG-GONE", UOM: "UNIT", Qty: 1}}},
	"BAD-UOM":   {SKU: "BAD-UOM", Lines: []MapLine{{StockCode: "TDG-CHF", UOM: "CTN", Qty: 1}}},
	"BAD-QTY":   {SKU: "BAD-QTY", Lines: []MapLine{{StockCode: "TDG-CHF", UOM: "UNIT", Qty: 0}}},
	"NO-LINES":  {SKU: "NO-LINES"},
	"LOWERCASE": {SKU: "LOWERCASE", Lines: []MapLine{{StockCode: "tdg-chf", UOM: "unit", Qty: 1}}},
}

var invCodes = StoreCodes{StoreID: 2, Customer: "300-S0001", Location: "ECOM", Project: "SHOPEE",
	Voucher: "VOUCHER", Discount: "DISCOUNT", Shipping: "SHIPPING", Fee: "FEE", Payment: "ONLINE"}

func item(sku string, qty int, unit int64) Item {
	return Item{SKU: sku, Name: "Tudung Bawal", Variation: "Black", Qty: qty, UnitPrice: rm(unit), PaidPrice: rm(unit)}
}

// invOrder is an order of the items whose Subtotal is what its live items sell for.
func invOrder(p Platform, items ...Item) *Order {
	o := &Order{ID: 7, StoreID: 2, StoreName: "Butik Ayu Shopee", Platform: p, OrderNo: "241101AAAA0003",
		Tab: TabCompleted, Currency: "MYR", CreatedAt: time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC), Items: items}
	o.Subtotal = rm(0)
	for _, it := range items {
		if !it.Cancelled {
			o.Subtotal.Minor += it.UnitPrice.Minor * int64(it.Qty)
		}
	}
	return o
}

func with(o *Order, f func(o *Order)) *Order { f(o); return o }

// line is an invoice line in one string: code uom qty×rate @unit price =amount +tax.
func line(l InvoiceLine) string {
	s := fmt.Sprintf("%s %s %d×%g @%s =%s", l.ItemCode, l.UOM, l.Qty, l.Rate, l.UnitPrice.Decimal(), l.Amount.Decimal())
	if l.Tax != "" {
		incl := ""
		if l.TaxInclusive {
			incl = " incl"
		}
		s += fmt.Sprintf(" +%s %s %g%%%s", l.TaxAmt.Decimal(), l.Tax, l.TaxRate, incl)
	}
	return s
}

func TestBuildInvoice(t *testing.T) {
	cancelledItem := item("TDG-CHF-BLK", 1, 2990)
	cancelledItem.Cancelled = true
	shopeeDiscounted := item("TDG-CHF-BLK", 2, 3990)
	shopeeDiscounted.PaidPrice = rm(2990)
	sst := PostSettings{Mode: PostManual, Tax: "SV", TaxRate: 6}
	sstIncl := PostSettings{Mode: PostManual, Tax: "SV", TaxRate: 6, TaxInclusive: true}

	cases := []struct {
		name    string
		o       *Order
		set     PostSettings
		codes   *StoreCodes
		sub     int64 // the live items' subtotal, when the order's Subtotal also counts cancelled ones
		want    []string
		amount  int64
		wantErr string
	}{
		{name: "Shopee quantity, voucher and shipping",
			o: with(invOrder(Shopee, item("TDG-CHF-BLK", 2, 2990)), func(o *Order) {
				o.SellerVoucher, o.ShippingFee, o.VoucherCode = rm(500), rm(490), "AYU5"
			}),
			want:   []string{"TDG-CHF UNIT 2×1 @29.90 =59.80", "VOUCHER UNIT 1×1 @-5.00 =-5.00", "SHIPPING UNIT 1×1 @4.90 =4.90"},
			amount: 5970},
		{name: "Lazada one line per unit, kept apart; the cancelled unit left out",
			o: with(invOrder(Lazada, item("TDG-CHF-BLK", 1, 2990), item("TDG-CHF-BLK", 1, 2990), cancelledItem), func(o *Order) {
				o.Subtotal = rm(3 * 2990) // Lazada's price counts the cancelled unit too
				o.SellerVoucher = rm(300)
			}),
			sub:    5980,
			want:   []string{"TDG-CHF UNIT 1×1 @29.90 =29.90", "TDG-CHF UNIT 1×1 @29.90 =29.90", "VOUCHER UNIT 1×1 @-3.00 =-3.00"},
			amount: 5680},
		{name: "a box of 12: qty in boxes, rate 12",
			o:      invOrder(TikTok, item("TDG-CHF-BOX", 3, 33000)),
			want:   []string{"TDG-CHF BOX 3×12 @330.00 =990.00"},
			amount: 99000},
		{name: "a pair sold as one SKU: 2 units each, in the base UOM",
			o:      invOrder(Shopee, item("TDG-PAIR", 3, 5001)),
			want:   []string{"TDG-CHF UNIT 6×1 @25.01 =150.03"}, // 150.03 / 6 = 25.005: the amount is exact, the price rounded
			amount: 15003},
		{name: "bundle split by UOM prices, remainder on the last line",
			o: invOrder(Shopee, item("SET-TDG-PIN", 2, 3500)),
			// 7000 × 2990/3990 = 5245.6 → 5245; the pins take the rest, 1755, over 4 pins.
			want:   []string{"TDG-CHF UNIT 2×1 @26.23 =52.45", "PIN UNIT 4×1 @4.39 =17.55"},
			amount: 7000},
		{name: "bundle without reference prices split by quantity",
			o:      invOrder(Shopee, item("SET-GIFT", 1, 1000)),
			want:   []string{"GIFT PCS 1×1 @3.33 =3.33", "CARD PCS 2×1 @3.34 =6.67"},
			amount: 1000},
		{name: "codes and UOMs matched whatever their case",
			o:      invOrder(Shopee, item("LOWERCASE", 1, 2990)),
			want:   []string{"TDG-CHF UNIT 1×1 @29.90 =29.90"},
			amount: 2990},
		{name: "Shopee's Subtotal adds discounted prices: the lines use them",
			o:      with(invOrder(Shopee, shopeeDiscounted), func(o *Order) { o.Subtotal = rm(5980) }),
			want:   []string{"TDG-CHF UNIT 2×1 @29.90 =59.80"},
			amount: 5980},
		{name: "the order's seller discount as a negative line",
			o:      with(invOrder(TikTok, item("TDG-CHF-BLK", 1, 2990)), func(o *Order) { o.SellerDiscount = rm(290) }),
			want:   []string{"TDG-CHF UNIT 1×1 @29.90 =29.90", "DISCOUNT UNIT 1×1 @-2.90 =-2.90"},
			amount: 2700},
		{name: "tax exclusive: on top, per line, half away from zero",
			o:   with(invOrder(Shopee, item("TDG-CHF-BLK", 2, 2990), item("TDG-CHF-BOX", 1, 1075)), func(o *Order) { o.ShippingFee = rm(490) }),
			set: sst,
			// 59.80 × 6% = 3.588 → 3.59; 10.75 × 6% = 0.645 → 0.65; shipping untaxed.
			want:   []string{"TDG-CHF UNIT 2×1 @29.90 =59.80 +3.59 SV 6%", "TDG-CHF BOX 1×12 @10.75 =10.75 +0.65 SV 6%", "SHIPPING UNIT 1×1 @4.90 =4.90"},
			amount: 5980 + 1075 + 490 + 359 + 65},
		{name: "tax inclusive: the tax is taken out of the price",
			o:   with(invOrder(Shopee, item("TDG-CHF-BLK", 2, 2990), item("TDG-CHF-BOX", 1, 1060)), func(o *Order) { o.SellerVoucher = rm(500) }),
			set: sstIncl,
			// 59.80 × 6/106 = 3.3849 → 3.38, before tax 56.42; 10.60 → 0.60 and 10.00.
			want:   []string{"TDG-CHF UNIT 2×1 @29.90 =56.42 +3.38 SV 6% incl", "TDG-CHF BOX 1×12 @10.60 =10.00 +0.60 SV 6% incl", "VOUCHER UNIT 1×1 @-5.00 =-5.00"},
			amount: 5980 + 1060 - 500},
		{name: "tax inclusive on a bundle: each line's own tax",
			o:      invOrder(Shopee, item("SET-TDG-PIN", 2, 3500)),
			set:    sstIncl,
			want:   []string{"TDG-CHF UNIT 2×1 @26.23 =49.48 +2.97 SV 6% incl", "PIN UNIT 4×1 @4.39 =16.56 +0.99 SV 6% incl"},
			amount: 7000},
		{name: "a tax code with no rate (exempt)",
			o:      invOrder(Shopee, item("TDG-CHF-BLK", 1, 2990)),
			set:    PostSettings{Tax: "SVE"},
			want:   []string{"TDG-CHF UNIT 1×1 @29.90 =29.90 +0.00 SVE 0%"},
			amount: 2990},
		{name: "a zero voucher needs no voucher code",
			o:      invOrder(Shopee, item("TDG-CHF-BLK", 1, 2990)),
			codes:  &StoreCodes{Customer: "300-S0001"},
			want:   []string{"TDG-CHF UNIT 1×1 @29.90 =29.90"},
			amount: 2990},
		{name: "a wholly cancelled order, included: a cancelled invoice of what was ordered",
			o: with(invOrder(Lazada, cancelledItem, cancelledItem), func(o *Order) {
				o.Tab, o.Subtotal = TabOthers, rm(5980)
			}),
			set:    PostSettings{IncludeCancelled: true},
			want:   []string{"TDG-CHF UNIT 1×1 @29.90 =29.90", "TDG-CHF UNIT 1×1 @29.90 =29.90"},
			amount: 5980},

		{name: "cancelled, not included", o: with(invOrder(Lazada, cancelledItem), func(o *Order) { o.Tab = TabOthers }),
			wantErr: "order 241101AAAA0003 is cancelled: tick Include Cancelled Orders"},
		{name: "on Others though no item says cancelled", o: with(invOrder(Shopee, item("TDG-CHF-BLK", 1, 2990)), func(o *Order) { o.Tab = TabOthers }),
			wantErr: "is cancelled"},
		{name: "unmapped SKUs, named", o: invOrder(Shopee, item("TDG-CHF-BLK-M", 1, 100), item("TDG-CHF-BLK", 1, 100), item("TDG-X", 1, 1), item("TDG-CHF-BLK-M", 1, 100)),
			wantErr: `SKUs "TDG-CHF-BLK-M", "TDG-X" are not mapped to stock items`},
		{name: "one unmapped SKU", o: invOrder(Shopee, item("TDG-CHF-BLK-M", 1, 100)),
			wantErr: `SKU "TDG-CHF-BLK-M" is not mapped to a stock item`},
		{name: "a mapping without lines is no mapping", o: invOrder(Shopee, item("NO-LINES", 1, 100)),
			wantErr: `SKU "NO-LINES" is not mapped`},
		{name: "a cancelled item's SKU needs no mapping", o: invOrder(Shopee, item("TDG-CHF-BLK", 1, 100),
			Item{SKU: "GONE", Name: "x", Qty: 1, Cancelled: true}),
			want: []string{"TDG-CHF UNIT 1×1 @1.00 =1.00"}, amount: 100},
		{name: "an item without a SKU", o: invOrder(Shopee, Item{Name: "Mystery", Qty: 1}),
			wantErr: `item "Mystery" has no SKU on Shopee`},
		{name: "no customer code", o: invOrder(Shopee, item("TDG-CHF-BLK", 1, 2990)), codes: &StoreCodes{Voucher: "V"},
			wantErr: `store "Butik Ayu Shopee" has no customer code (Stores > Codes)`},
		{name: "no voucher code", o: with(invOrder(Shopee, item("TDG-CHF-BLK", 1, 2990)), func(o *Order) { o.SellerVoucher = rm(500) }),
			codes:   &StoreCodes{Customer: "C", Discount: "D", Shipping: "S"},
			wantErr: `store "Butik Ayu Shopee" has no voucher item code (Stores > Codes), needed for its seller voucher of RM 5.00`},
		{name: "no discount code", o: with(invOrder(Shopee, item("TDG-CHF-BLK", 1, 2990)), func(o *Order) { o.SellerDiscount = rm(100) }),
			codes: &StoreCodes{Customer: "C", Voucher: "V", Shipping: "S"}, wantErr: "has no discount item code"},
		{name: "no shipping code", o: with(invOrder(Shopee, item("TDG-CHF-BLK", 1, 2990)), func(o *Order) { o.ShippingFee = rm(490) }),
			codes: &StoreCodes{Customer: "C", Voucher: "V", Discount: "D"}, wantErr: "has no shipping item code (Stores > Codes), needed for its shipping fee of RM 4.90"},
		{name: "mapped to a stock item SQL Account does not have", o: invOrder(Shopee, item("BAD-CODE", 1, 100)),
			wantErr: `SKU "BAD-CODE" is mapped to stock item "TDG-GONE", which is not in SQL Account's stock items`},
		{name: "mapped to a UOM the item does not have", o: invOrder(Shopee, item("BAD-UOM", 1, 100)),
			wantErr: `SKU "BAD-UOM" is mapped to stock item "TDG-CHF" in UOM "CTN", which the item does not have (its UOMs: UNIT, BOX)`},
		{name: "mapped with quantity 0", o: invOrder(Shopee, item("BAD-QTY", 1, 100)), wantErr: "the quantity must be at least 1"},
		{name: "negative document", o: with(invOrder(Shopee, item("TDG-CHF-BLK", 1, 200)), func(o *Order) { o.SellerVoucher = rm(500) }),
			wantErr: "the invoice would be negative (RM -3.00)"},
		{name: "a tax rate that is no percentage", o: invOrder(Shopee, item("TDG-CHF-BLK", 1, 200)),
			set: PostSettings{Tax: "SV", TaxRate: 150}, wantErr: "tax SV: a rate of 150% is not a percentage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			codes := invCodes
			if c.codes != nil {
				codes = *c.codes
			}
			inv, err := BuildInvoice(c.o, "DOC-1", invMaps, invItems, codes, c.set)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var tax int64
			for _, l := range inv.Lines {
				got = append(got, line(l))
				if l.Location != "ECOM" && codes.Location == "ECOM" || l.Project != codes.Project {
					t.Errorf("line %s: location %q project %q", line(l), l.Location, l.Project)
				}
				if !l.TaxInclusive {
					tax += l.TaxAmt.Minor
				}
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if a := inv.Amount(); a.Minor != c.amount {
				t.Errorf("document amount %s, want %s", a, rm(c.amount))
			}
			// The document is what the buyer was charged for the live items, less the seller's own
			// discounts, plus shipping (and any tax put on top).
			sub := c.o.Subtotal.Minor
			if c.sub != 0 {
				sub = c.sub
			}
			if want := sub - c.o.SellerDiscount.Minor - c.o.SellerVoucher.Minor + c.o.ShippingFee.Minor + tax; inv.Amount().Minor != want {
				t.Errorf("document amount %s, but the order says %s", inv.Amount(), rm(want))
			}
			if inv.Cancelled != (c.o.Tab == TabOthers) {
				t.Errorf("cancelled = %v", inv.Cancelled)
			}
		})
	}
}

func TestBuildInvoiceHeader(t *testing.T) {
	o := invOrder(Shopee, item("TDG-CHF-BOX", 2, 33000))
	// Created on 1 Nov at 23:30 in Malaysia (15:30 UTC); delivered on 22 Nov at 01:30 there.
	o.CreatedAt = time.Date(2026, 11, 1, 15, 30, 0, 0, time.UTC)
	inv, err := BuildInvoice(o, "241101AAAA0003", invMaps, invItems, invCodes, PostSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if inv.DocNo != "241101AAAA0003" || inv.Customer != "300-S0001" || inv.Project != "SHOPEE" || inv.Currency != "----" ||
		inv.Description != "Shopee order 241101AAAA0003" || inv.Cancelled {
		t.Errorf("header %+v", inv)
	}
	if d := inv.DocDate.Format("2006-01-02"); d != "2026-11-01" {
		t.Errorf("dated %s, want the Malaysian day of creation 2026-11-01", d)
	}
	if l := inv.Lines[0]; l.SQty() != 24 || l.Description != "Tudung Bawal (Black)" {
		t.Errorf("line %+v: sqty %g, want 24", l, l.SQty())
	}
	o.DeliveredAt = time.Date(2026, 11, 21, 17, 30, 0, 0, time.UTC)
	inv, _ = BuildInvoice(o, "X", invMaps, invItems, invCodes, PostSettings{})
	if d := inv.DocDate.Format("2006-01-02"); d != "2026-11-22" || inv.DocDate.UTC().Format("2006-01-02") != d {
		t.Errorf("dated %s, want the Malaysian day of delivery 2026-11-22", d)
	}
	if _, err := BuildInvoice(o, " ", invMaps, invItems, invCodes, PostSettings{}); err == nil {
		t.Error("an invoice without a document number was built")
	}
	o.Items = append(o.Items, item("NOPE", 1, 1))
	_, err = BuildInvoice(o, "X", invMaps, invItems, invCodes, PostSettings{})
	var um *UnmappedError
	if !errors.As(err, &um) || len(um.SKUs) != 1 || um.SKUs[0] != "NOPE" {
		t.Errorf("unmapped: %v", err)
	}
}

func TestMulDiv(t *testing.T) {
	for _, c := range []struct {
		a, b, c   int64
		round     bool
		want      int64
		why       string
		wantTrunc int64
	}{
		{645, 1, 10, true, 65, "half away from zero", 64},
		{-645, 1, 10, true, -65, "half away from zero, negative", -64},
		{644, 1, 10, true, 64, "below half", 64},
		{1 << 62, 4, 8, true, 1 << 61, "no overflow", 1 << 61},
	} {
		if got := mulDiv(c.a, c.b, c.c, c.round); got != c.want {
			t.Errorf("%s: mulDiv(%d,%d,%d) = %d, want %d", c.why, c.a, c.b, c.c, got, c.want)
		}
		if got := mulDiv(c.a, c.b, c.c, false); got != c.wantTrunc {
			t.Errorf("%s: truncated %d, want %d", c.why, got, c.wantTrunc)
		}
	}
}

// A Shopee order of two tudung with a shop voucher and shipping, posted with 6% service tax
// included in the prices.
func ExampleBuildInvoice() {
	o := &Order{OrderNo: "241101AAAA0003", Platform: Shopee, StoreName: "Butik Ayu Shopee", Tab: TabCompleted,
		Currency: "MYR", CreatedAt: time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC),
		Subtotal: rm(5980), SellerVoucher: rm(500), ShippingFee: rm(490),
		Items: []Item{{SKU: "TDG-CHF-BLK", Name: "Tudung Bawal", Qty: 2, UnitPrice: rm(2990), PaidPrice: rm(2990)}}}
	maps := map[string]Mapping{"TDG-CHF-BLK": {SKU: "TDG-CHF-BLK", Lines: []MapLine{{StockCode: "TDG-CHF", Qty: 1}}}}
	items := map[string]StockItem{"TDG-CHF": {Code: "TDG-CHF", UOMs: []StockUOM{{UOM: "UNIT", Rate: 1, Price: rm(2990), Base: true}}}}
	codes := StoreCodes{Customer: "300-S0001", Location: "ECOM", Voucher: "VOUCHER", Shipping: "SHIPPING"}
	inv, err := BuildInvoice(o, o.OrderNo, maps, items, codes, PostSettings{Tax: "SV", TaxRate: 6, TaxInclusive: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inv.DocNo, inv.DocDate.Format("2006-01-02"), inv.Customer)
	for _, l := range inv.Lines {
		fmt.Printf("%-8s %d %-4s %7s tax %s\n", l.ItemCode, l.Qty, l.UOM, l.Amount.Decimal(), l.TaxAmt.Decimal())
	}
	fmt.Println("document", inv.Amount().Decimal())
	// Output:
	// 241101AAAA0003 2026-11-01 300-S0001
	// TDG-CHF  2 UNIT   56.42 tax 3.38
	// VOUCHER  1        -5.00 tax 0.00
	// SHIPPING 1         4.90 tax 0.00
	// document 59.70
}
