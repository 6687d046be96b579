package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/kedai-app/kedai/domain"
)

// pdfinfo's page sizes in points, written out rather than computed from Millimetres.
var wantPoints = map[PageSize]string{
	A4:       "595.28x841.89",
	A6:       "297.64x419.53",
	Label4x6: "288x432", // pdfinfo leaves whole numbers bare
}

// dpis are the resolutions each page size is read back at: thermal label printers print at
// 203 or 300 dpi, the office printer at 300 or more.
var dpis = map[PageSize][]int{A4: {300}, A6: {203, 300}, Label4x6: {203, 300}}

func checkPageSizes(t *testing.T, path string, p PageSize, wantPages int) {
	t.Helper()
	sizes := pdfPageSizes(t, path)
	if wantPages > 0 && len(sizes) != wantPages {
		t.Errorf("%d pages, want %d", len(sizes), wantPages)
	}
	for i, sz := range sizes {
		if sz != wantPoints[p] {
			t.Errorf("page %d is %s pts, want %s (%s)", i+1, sz, wantPoints[p], p)
		}
	}
}

// flatText is text with every run of white space made one space, for lines a label wraps.
func flatText(text string) string { return strings.Join(strings.Fields(text), " ") }

// hasRow reports whether a line of text contains each of parts, in that order.
func hasRow(text string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

// hasQtyRow reports whether a line starts a row for sku and ends with qty as its last word.
func hasQtyRow(text, sku string, qty int) bool {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && containsWord(f, sku) && f[len(f)-1] == strconv.Itoa(qty) {
			return true
		}
	}
	return false
}

func containsWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// liveQty is what a picker takes for each SKU of the orders: cancelled lines left out.
func liveQty(orders []domain.Order) map[string]int {
	q := map[string]int{}
	for _, o := range orders {
		for _, it := range o.Items {
			if !it.Cancelled {
				q[it.SKU] += it.Qty
			}
		}
	}
	return q
}

func TestPickingList(t *testing.T) {
	orders := sampleOrders()
	for _, p := range PageSizes {
		t.Run(string(p), func(t *testing.T) {
			path := writePDF(t, "picklist-"+string(p)+".pdf", func(w io.Writer) error {
				return PickingList(w, orders, Options{Page: p, Now: printedAt})
			})
			checkPageSizes(t, path, p, len(orders)) // one page per order

			pages := pdfPageTexts(t, path)
			if len(pages) != len(orders) {
				t.Fatalf("%d pages of text, want %d", len(pages), len(orders))
			}
			for i, o := range orders {
				page := pages[i]
				want := []string{"PICKING LIST", "Order " + o.OrderNo, "Store: " + o.StoreName,
					"Platform: " + o.Platform.Title(), "Buyer: " + o.Buyer.Name,
					fmt.Sprintf("Page %d of %d", i+1, len(orders))}
				for _, w := range want {
					if !strings.Contains(page, w) {
						t.Errorf("page %d (order %s): no %q in\n%s", i+1, o.OrderNo, w, page)
					}
				}
				// Each live SKU with the quantity of its line (Lazada's per-unit lines merged).
				units := 0
				for sku, qty := range liveQty([]domain.Order{o}) {
					units += qty
					if !hasQtyRow(page, sku, qty) {
						t.Errorf("page %d: no row for %s with quantity %d in\n%s", i+1, sku, qty, page)
					}
				}
				if units > 0 && !strings.Contains(page, "Total: "+unitsText(units)) {
					t.Errorf("page %d: no total of %s in\n%s", i+1, unitsText(units), page)
				}
				for _, it := range o.Items {
					if it.Cancelled && strings.Contains(page, it.SKU) {
						t.Errorf("page %d: cancelled item %s is listed", i+1, it.SKU)
					}
					if !it.Cancelled && it.StockCode != "" && !strings.Contains(page, it.StockCode) {
						t.Errorf("page %d: no stock code %s", i+1, it.StockCode)
					}
					if !it.Cancelled && it.Variation != "" && !strings.Contains(page, it.Variation) {
						t.Errorf("page %d: no variation %q", i+1, it.Variation)
					}
				}
				if o.ShipBy.IsZero() == strings.Contains(page, "Ship by") {
					t.Errorf("page %d: ship-by shown %v, order has one %v", i+1, !o.ShipBy.IsZero(), strings.Contains(page, "Ship by"))
				}
			}
			if !strings.Contains(pages[0], "Teh Tarik Segera Ready Stock") {
				t.Errorf("the emoji in a product name should be left out, the name kept:\n%s", pages[0])
			}
			if !strings.Contains(pages[1], "Tolong bungkus elok-elok") {
				t.Errorf("the buyer's note is missing:\n%s", pages[1])
			}
			if !strings.Contains(pages[4], "nothing to pick") {
				t.Errorf("a fully cancelled order should say there is nothing to pick:\n%s", pages[4])
			}

			// What the scan station reads: on each order's page its number as Code128 and its
			// order code as QR, nothing else.
			for _, dpi := range dpis[p] {
				got := pdfBarcodes(t, path, dpi)
				var all []decoded
				for i, o := range orders {
					want := []decoded{code128Of(o.OrderNo), qrOf(domain.OrderCode(o.StoreID, o.OrderNo))}
					all = append(all, want...)
					if i < len(got) {
						checkBarcodeSet(t, got[i:i+1], want)
					}
				}
				checkBarcodeSet(t, got, all)
			}
		})
	}
}

// An order with more lines than a label holds flows over pages: each repeats the order number
// and the column headings, the barcodes are on its first page, every line is listed once.
func TestPickingListLongOrder(t *testing.T) {
	o := sampleOrders()[1]
	o.Items = nil
	total := 0
	for i := range 45 {
		o.Items = append(o.Items, testItem(fmt.Sprintf("LONG-%02d", i), fmt.Sprintf("Barang nombor %d dengan nama yang agak panjang untuk dibalut", i), "Saiz M", fmt.Sprintf("R-%02d", i), i%3+1))
		total += i%3 + 1
	}
	other := sampleOrders()[0]
	orders := []domain.Order{o, other}
	path := writePDF(t, "long.pdf", func(w io.Writer) error {
		return PickingList(w, orders, Options{Page: A6, Now: printedAt})
	})
	checkPageSizes(t, path, A6, 0)
	pages := pdfPageTexts(t, path)
	if len(pages) < 4 {
		t.Fatalf("45 lines on %d A6 pages", len(pages))
	}
	long := pages[:len(pages)-1]
	all := strings.Join(long, "\n")
	for i, page := range long {
		if !strings.Contains(page, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
			t.Errorf("page %d: no page number in\n%s", i+1, page)
		}
		if !strings.Contains(page, "SKU / stock code") {
			t.Errorf("page %d: no column headings in\n%s", i+1, page)
		}
		if i > 0 && !strings.Contains(page, "Order "+o.OrderNo+" (continued)") {
			t.Errorf("page %d: does not say which order it continues:\n%s", i+1, page)
		}
	}
	for i := range 45 {
		sku := fmt.Sprintf("LONG-%02d", i)
		if n := strings.Count(all, sku); n != 1 {
			t.Errorf("%s listed %d times", sku, n)
		}
		if !hasQtyRow(all, sku, i%3+1) {
			t.Errorf("no row for %s with quantity %d", sku, i%3+1)
		}
	}
	if !strings.Contains(long[len(long)-1], "Total: "+unitsText(total)) {
		t.Errorf("last page of the order: no total %d in\n%s", total, long[len(long)-1])
	}
	if !strings.Contains(pages[len(pages)-1], "Order "+other.OrderNo) {
		t.Errorf("the next order does not start on a page of its own")
	}
	got := pdfBarcodes(t, path, 203)
	checkBarcodeSet(t, got, []decoded{
		code128Of(o.OrderNo), qrOf(domain.OrderCode(o.StoreID, o.OrderNo)),
		code128Of(other.OrderNo), qrOf(domain.OrderCode(other.StoreID, other.OrderNo)),
	})
	checkBarcodeSet(t, got[:1], []decoded{code128Of(o.OrderNo), qrOf(domain.OrderCode(o.StoreID, o.OrderNo))})
}

// Picking the same order twice would pick its goods twice: repeats are dropped.
func TestPickingListDropsRepeatedOrders(t *testing.T) {
	orders := sampleOrders()
	twice := append(append([]domain.Order(nil), orders...), orders[0], orders[2])
	path := writePDF(t, "twice.pdf", func(w io.Writer) error {
		return PickingList(w, twice, Options{Page: A6, Now: printedAt})
	})
	checkPageSizes(t, path, A6, len(orders))
	path = writePDF(t, "twice-summary.pdf", func(w io.Writer) error {
		return PickingListSummary(w, twice, Options{Page: A6, Now: printedAt})
	})
	text := pdfText(t, path)
	if !hasQtyRow(text, "KOPI-3IN1-30", 5) {
		t.Errorf("KOPI-3IN1-30 should total 5 with repeated orders dropped:\n%s", text)
	}
}

func TestPickingListSummary(t *testing.T) {
	orders := sampleOrders()
	// Stock codes in shelf order, then the SKU not mapped to a stock item.
	shelf := []string{"KOPI-3IN1-30", "TEH-TARIK-20", "SERBUK-KARI-250", "KUIH-Ä-01", "MUG-BATIK-350"}
	qty := map[string]int{"KOPI-3IN1-30": 5, "TEH-TARIK-20": 2, "SERBUK-KARI-250": 3, "KUIH-Ä-01": 1, "MUG-BATIK-350": 2}
	for _, p := range PageSizes {
		t.Run(string(p), func(t *testing.T) {
			path := writePDF(t, "summary-"+string(p)+".pdf", func(w io.Writer) error {
				return PickingListSummary(w, orders, Options{Page: p, Now: printedAt})
			})
			checkPageSizes(t, path, p, 0)
			text := pdfText(t, path)
			for _, want := range []string{
				"Picking List Summary", "Printed 2025-11-11 14:30",
				"4 orders · 13 units · 5 SKUs", // the fully cancelled order has nothing to pick
				"Stores: Kedai Runcit Lazada, Kedai Runcit Shopee, Kedai Runcit Shopee 2, Kedai Runcit TikTok",
				"Total: 13 units in 5 SKUs", "Page 1 of 1",
				"No barcode: this SKU has characters a Code128 barcode cannot carry.",
			} {
				if !strings.Contains(flatText(text), want) { // a label wraps the longer lines
					t.Errorf("no %q in\n%s", want, text)
				}
			}
			last := -1
			for _, sku := range shelf {
				if !hasQtyRow(text, sku, qty[sku]) {
					t.Errorf("no row for %s with quantity %d in\n%s", sku, qty[sku], text)
				}
				i := strings.Index(text, sku)
				if i < last {
					t.Errorf("%s is out of shelf order", sku)
				}
				last = i
			}
			for _, stock := range []string{"A-01-KP30", "A-02-TT20", "A-10-SK250", "C-10-KB"} {
				if !strings.Contains(text, stock) {
					t.Errorf("no stock code %s", stock)
				}
			}
			if !hasRow(text, "MUG-BATIK-350") || !strings.Contains(text, "not mapped") {
				t.Errorf("the unmapped SKU should say it is not mapped:\n%s", text)
			}
			for _, gone := range []string{"SAMBAL-XXL-1KG", "GONE-SKU-77", "Sambal Nyet", "Dodol Durian"} {
				if strings.Contains(text, gone) {
					t.Errorf("cancelled item %q is listed", gone)
				}
			}
			for _, dpi := range dpis[p] {
				checkBarcodeSet(t, pdfBarcodes(t, path, dpi), []decoded{
					code128Of("KOPI-3IN1-30"), code128Of("TEH-TARIK-20"), code128Of("SERBUK-KARI-250"), code128Of("MUG-BATIK-350"),
				})
			}
		})
	}
}

// A summary of many orders flows over pages with the headings and page numbers on each, every
// SKU once with its total and its barcode.
func TestPickingListSummaryManyPages(t *testing.T) {
	for _, c := range []struct {
		p      PageSize
		orders int
	}{{A6, 150}, {Label4x6, 60}, {A4, 45}} {
		t.Run(string(c.p), func(t *testing.T) {
			orders := genOrders(c.orders)
			path := writePDF(t, "summary.pdf", func(w io.Writer) error {
				return PickingListSummary(w, orders, Options{Page: c.p, Now: printedAt})
			})
			checkPageSizes(t, path, c.p, 0)
			pages := pdfPageTexts(t, path)
			if len(pages) < 3 {
				t.Fatalf("%d pages: not enough to test the flow", len(pages))
			}
			heading := "Stock code"
			if c.p.label() {
				heading = "SKU / stock code"
			}
			for i, page := range pages {
				if !strings.Contains(page, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
					t.Errorf("page %d: no page number", i+1)
				}
				if !strings.Contains(page, heading) {
					t.Errorf("page %d: no column headings", i+1)
				}
				if i > 0 && !strings.Contains(page, "Picking List Summary (continued)") {
					t.Errorf("page %d: no running title", i+1)
				}
			}
			text := strings.Join(pages, "\n")
			units := 0
			var want []decoded
			for sku, q := range liveQty(orders) {
				units += q
				want = append(want, code128Of(sku))
				if n := strings.Count(text, sku); n != 1 {
					t.Errorf("%s appears %d times", sku, n)
				}
				if !hasQtyRow(text, sku, q) {
					t.Errorf("no row for %s with quantity %d", sku, q)
				}
			}
			if !strings.Contains(text, fmt.Sprintf("%d orders · %s", len(orders), unitsText(units))) {
				t.Errorf("header does not count %d orders and %d units", len(orders), units)
			}
			checkBarcodeSet(t, pdfBarcodes(t, path, 203), want)
		})
	}
}

// A summary of orders whose every item is cancelled has nothing to print.
func TestPickingListSummaryNothingToPick(t *testing.T) {
	err := PickingListSummary(io.Discard, sampleOrders()[4:], Options{Now: printedAt})
	if err == nil || !strings.Contains(err.Error(), "nothing to pick") {
		t.Errorf("got %v, want an error saying there is nothing to pick", err)
	}
}

func TestShelfOrder(t *testing.T) {
	lines := []*pickLine{
		{sku: "Z-1"}, {sku: "B-2", stock: "A-10"}, {sku: "A-9"}, {sku: "C-1", stock: "a-2"},
		{sku: "D", stock: "A-2"}, {sku: "E", stock: "B-01"},
	}
	var got []string
	for _, l := range sortedShelf(lines) {
		got = append(got, l.sku)
	}
	if want := "D C-1 B-2 E A-9 Z-1"; strings.Join(got, " ") != want {
		t.Errorf("shelf order %v, want %s", got, want)
	}
}

func sortedShelf(lines []*pickLine) []*pickLine {
	out := append([]*pickLine(nil), lines...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if shelfLess(out[j], out[i]) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
