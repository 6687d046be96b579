package domain

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// InvoiceLine is one line of a SQL Account Sales Invoice.
type InvoiceLine struct {
	ItemCode, Location, Project, Description, UOM string
	Qty                                           int64
	Rate                                          float64
	UnitPrice, Amount                             Money // Amount excludes tax
	Tax                                           string
	TaxRate                                       float64
	TaxInclusive                                  bool
	TaxAmt                                        Money
}

// Invoice is the Sales Invoice an order is posted as.
type Invoice struct {
	DocNo                                                 string
	DocDate                                               time.Time
	Customer, CompanyName, Description, Project, Currency string
	Cancelled                                             bool
	Lines                                                 []InvoiceLine
}

// Amount is the document amount: the lines and their tax. (A line's Amount excludes its tax
// even when its prices were tax-inclusive: the tax was taken out of them.)
func (inv Invoice) Amount() Money {
	m := Money{Currency: inv.Currency}
	for _, l := range inv.Lines {
		m.Minor += l.Amount.Minor + l.TaxAmt.Minor
	}
	return m
}

// myt is Malaysia's time zone: an invoice is dated by the Malaysian calendar day.
var myt = time.FixedZone("MYT", 8*3600)

// UnmappedError is the refusal of an order whose SKUs are not mapped to stock items: the person
// fixes it on the Mapping screen, so the SKUs are kept for the screen to offer.
type UnmappedError struct {
	SKUs []string
}

func (e *UnmappedError) Error() string {
	q := make([]string, len(e.SKUs))
	for i, s := range e.SKUs {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return "SKU " + q[0] + " is not mapped to a stock item"
	}
	return "SKUs " + strings.Join(q, ", ") + " are not mapped to stock items"
}

// SQty is the line's quantity in the item's base unit (qty × rate), as SQL Account's sqty.
func (l InvoiceLine) SQty() float64 { return float64(l.Qty) * l.Rate }

// BuildInvoice turns an order into its Sales Invoice. Errors are reasons a person can act on.
//
//   - Lines: one per live item and mapping line (cancelled items are left out; a wholly cancelled
//     order, or one on the Others tab, is posted as a cancelled invoice of what was ordered, and
//     only when set.IncludeCancelled). A line's qty is the mapping's qty × the item's qty, in the
//     mapping's UOM, with that UOM's rate from the stock item (sqty = qty × rate).
//   - Amounts: an item's amount is its unit price × qty, where the unit price is the one the
//     order's Subtotal adds up (the list price, UnitPrice; Shopee's Subtotal adds the discounted
//     price, PaidPrice, and then that is used). A bundle's amount is split over its lines by their
//     UOMs' reference prices (× their qty), the rounding remainder on the last line.
//   - The order's SellerDiscount and SellerVoucher are negative lines of the store's discount and
//     voucher items, a ShippingFee a line of its shipping item: a missing code for a non-zero
//     amount is an error. items should hold those items too, for their base UOM; a line whose
//     item is not in items goes without a UOM (SQL Account takes the item's base unit).
//   - Tax per set on stock lines only, rounded half away from zero to the sen per line. Exclusive:
//     Amount is the price and TaxAmt comes on top. Inclusive: the tax is taken out of the price
//     (UnitPrice stays as charged, Amount is before tax).
//   - The document amount (Invoice.Amount) is Subtotal − SellerDiscount − SellerVoucher +
//     ShippingFee of the live items, plus any exclusive tax; a negative one is refused.
//   - DocDate is the calendar day in Malaysia of the delivery (or, before it, the order), as
//     midnight UTC of that day, so formatting it in any zone from UTC+0 east gives that day.
//
// CompanyName is left empty: SQL Account fills it from the customer.
func BuildInvoice(o *Order, docNo string, maps map[string]Mapping, items map[string]StockItem, codes StoreCodes, set PostSettings) (Invoice, error) {
	store := o.StoreName
	if store == "" {
		store = fmt.Sprintf("%d", o.StoreID)
	}
	if strings.TrimSpace(docNo) == "" {
		return Invoice{}, fmt.Errorf("order %s has no document number", o.OrderNo)
	}
	if strings.TrimSpace(codes.Customer) == "" {
		return Invoice{}, fmt.Errorf("store %q has no customer code (Stores > Codes)", store)
	}
	tax, err := taxOf(set)
	if err != nil {
		return Invoice{}, err
	}
	cur := o.Currency
	money := func(v int64) Money { return Money{Minor: v, Currency: cur} }

	var live []Item
	for _, it := range o.Items {
		if !it.Cancelled {
			live = append(live, it)
		}
	}
	cancelled := o.Tab == TabOthers
	if len(live) == 0 {
		cancelled, live = true, o.Items // a wholly cancelled order keeps what was ordered
	}
	if cancelled && !set.IncludeCancelled {
		return Invoice{}, fmt.Errorf("order %s is cancelled: tick Include Cancelled Orders to post it as a cancelled invoice", o.OrderNo)
	}
	if len(live) == 0 {
		return Invoice{}, fmt.Errorf("order %s has no items", o.OrderNo)
	}

	// Every unmapped SKU at once: the person maps them all in one visit.
	var unmapped []string
	seen := map[string]bool{}
	for _, it := range live {
		if it.Qty < 1 {
			return Invoice{}, fmt.Errorf("order %s: item %q has quantity %d", o.OrderNo, it.Name, it.Qty)
		}
		if it.SKU == "" {
			return Invoice{}, fmt.Errorf("item %q has no SKU on %s, so it cannot be mapped to a stock item", it.Name, o.Platform.Title())
		}
		if m, ok := maps[it.SKU]; (!ok || len(m.Lines) == 0) && !seen[it.SKU] {
			seen[it.SKU] = true
			unmapped = append(unmapped, it.SKU)
		}
	}
	if len(unmapped) > 0 {
		return Invoice{}, &UnmappedError{SKUs: unmapped}
	}

	inv := Invoice{
		DocNo:       docNo,
		DocDate:     invoiceDate(o),
		Customer:    codes.Customer,
		Description: fmt.Sprintf("%s order %s", o.Platform.Title(), o.OrderNo),
		Project:     codes.Project,
		Currency:    invoiceCurrency(cur),
		Cancelled:   cancelled,
	}
	usePaid := paidPriceAddsUp(o, live)
	for _, it := range live {
		price := it.UnitPrice.Minor
		if usePaid {
			price = it.PaidPrice.Minor
		}
		lines, err := stockLines(it, maps[it.SKU], items, price, tax, codes, money)
		if err != nil {
			return Invoice{}, err
		}
		inv.Lines = append(inv.Lines, lines...)
	}

	extras := []struct {
		amount       Money
		code, what   string // the store's item code, and what Stores > Codes calls it
		needed, desc string // what the amount is, in a refusal and on the line
		sign         int64
	}{
		{o.SellerDiscount, codes.Discount, "discount", "seller discount", "Seller discount", -1},
		{o.SellerVoucher, codes.Voucher, "voucher", "seller voucher", voucherText(o.VoucherCode), -1},
		{o.ShippingFee, codes.Shipping, "shipping", "shipping fee", "Shipping fee", 1},
	}
	for _, x := range extras {
		if x.amount.Minor == 0 {
			continue
		}
		if strings.TrimSpace(x.code) == "" {
			return Invoice{}, fmt.Errorf("store %q has no %s item code (Stores > Codes), needed for its %s of %s",
				store, x.what, x.needed, money(x.amount.Minor))
		}
		v := x.sign * x.amount.Minor
		l := InvoiceLine{ItemCode: x.code, Location: codes.Location, Project: codes.Project, Description: x.desc,
			Qty: 1, Rate: 1, UnitPrice: money(v), Amount: money(v), TaxAmt: money(0)}
		if st, ok := findItem(items, x.code); ok {
			l.ItemCode, l.UOM = st.Code, st.BaseUOM()
			if u, ok := st.FindUOM(l.UOM); ok && u.Rate > 0 {
				l.Rate = u.Rate
			}
		}
		inv.Lines = append(inv.Lines, l)
	}

	if amt := inv.Amount(); amt.Minor < 0 {
		return Invoice{}, fmt.Errorf("the invoice would be negative (%s %s): SQL Account refuses a negative document",
			currencySymbol(cur), money(amt.Minor).Decimal())
	}
	return inv, nil
}

// lineTax is the tax set on stock lines, with its rate in millionths (6% = 60000).
type lineTax struct {
	code      string
	rate      float64
	millionth int64
	inclusive bool
}

func taxOf(set PostSettings) (lineTax, error) {
	code := strings.TrimSpace(set.Tax)
	if code == "" {
		return lineTax{}, nil
	}
	if math.IsNaN(set.TaxRate) || set.TaxRate < 0 || set.TaxRate > 100 {
		return lineTax{}, fmt.Errorf("tax %s: a rate of %v%% is not a percentage from 0 to 100", code, set.TaxRate)
	}
	return lineTax{code: code, rate: set.TaxRate, millionth: int64(math.Round(set.TaxRate * 10000)), inclusive: set.TaxInclusive}, nil
}

// stockLines are the invoice lines of one order item: one per line of its mapping.
func stockLines(it Item, m Mapping, items map[string]StockItem, price int64, tax lineTax, codes StoreCodes,
	money func(int64) Money) ([]InvoiceLine, error) {
	type part struct {
		item StockItem
		uom  StockUOM
		qty  int64
	}
	parts := make([]part, len(m.Lines))
	weights := make([]int64, len(m.Lines))
	var total int64
	for i, ml := range m.Lines {
		st, ok := findItem(items, ml.StockCode)
		if !ok {
			return nil, fmt.Errorf("SKU %q is mapped to stock item %q, which is not in SQL Account's stock items: sync them, or map the SKU again",
				m.SKU, ml.StockCode)
		}
		uomName := ml.UOM
		if uomName == "" {
			uomName = st.BaseUOM()
		}
		u, ok := st.FindUOM(uomName)
		if !ok {
			return nil, fmt.Errorf("SKU %q is mapped to stock item %q in UOM %q, which the item does not have (its UOMs: %s)",
				m.SKU, st.Code, uomName, st.UOMNames())
		}
		if ml.Qty < 1 {
			return nil, fmt.Errorf("SKU %q is mapped to %d × stock item %q: the quantity must be at least 1", m.SKU, ml.Qty, st.Code)
		}
		if u.Rate <= 0 {
			u.Rate = 1
		}
		parts[i] = part{st, u, int64(ml.Qty) * int64(it.Qty)}
		weights[i] = int64(ml.Qty) * max(u.Price.Minor, 0)
		total += weights[i]
	}
	if total == 0 { // no reference prices: split by quantity
		for i, ml := range m.Lines {
			weights[i] = int64(ml.Qty)
			total += weights[i]
		}
	}
	gross := price * int64(it.Qty)
	desc := it.Name
	if it.Variation != "" {
		desc += " (" + it.Variation + ")"
	}
	out := make([]InvoiceLine, len(parts))
	var given int64
	for i, p := range parts {
		share := gross - given // the rounding remainder stays on the last line
		if i < len(parts)-1 {
			share = mulDiv(gross, weights[i], total, false)
		}
		given += share
		l := InvoiceLine{ItemCode: p.item.Code, Location: codes.Location, Project: codes.Project, Description: desc,
			UOM: p.uom.UOM, Qty: p.qty, Rate: p.uom.Rate, UnitPrice: money(mulDiv(share, 1, p.qty, true)),
			Amount: money(share), TaxAmt: money(0)}
		if tax.code != "" {
			l.Tax, l.TaxRate, l.TaxInclusive = tax.code, tax.rate, tax.inclusive
			if tax.inclusive {
				l.TaxAmt = money(mulDiv(share, tax.millionth, 1_000_000+tax.millionth, true))
				l.Amount = money(share - l.TaxAmt.Minor)
			} else {
				l.TaxAmt = money(mulDiv(share, tax.millionth, 1_000_000, true))
			}
		}
		out[i] = l
	}
	return out, nil
}

// paidPriceAddsUp reports an order whose Subtotal is made of the items' paid prices and not
// their list prices (Shopee's: model_discounted_price × quantity).
func paidPriceAddsUp(o *Order, live []Item) bool {
	sum := func(items []Item, paid bool) int64 {
		var s int64
		for _, it := range items {
			p := it.UnitPrice.Minor
			if paid {
				p = it.PaidPrice.Minor
			}
			s += p * int64(it.Qty)
		}
		return s
	}
	sub := o.Subtotal.Minor
	if sum(live, false) == sub || sum(o.Items, false) == sub {
		return false
	}
	return sum(live, true) == sub || sum(o.Items, true) == sub
}

// findItem finds a stock item by code: exactly, else ignoring case.
func findItem(items map[string]StockItem, code string) (StockItem, bool) {
	if st, ok := items[code]; ok {
		return st, true
	}
	for k, st := range items {
		if strings.EqualFold(k, code) {
			return st, true
		}
	}
	return StockItem{}, false
}

func voucherText(code string) string {
	if code == "" {
		return "Seller voucher"
	}
	return "Seller voucher " + code
}

// invoiceCurrency is SQL Account's currency code: "----" is the company's own (ringgit).
func invoiceCurrency(c string) string {
	if c == "" || strings.EqualFold(c, "MYR") {
		return "----"
	}
	return strings.ToUpper(c)
}

func invoiceDate(o *Order) time.Time {
	t := o.DeliveredAt
	if t.IsZero() {
		t = o.CreatedAt
	}
	t = t.In(myt)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// mulDiv is a×b/c (c > 0) without overflow, truncated toward zero or rounded half away from zero.
func mulDiv(a, b, c int64, round bool) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	d := big.NewInt(c)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if round {
		r.Abs(r).Lsh(r, 1)
		if r.Cmp(d) >= 0 {
			q.Add(q, big.NewInt(int64(n.Sign())))
		}
	}
	return q.Int64()
}
