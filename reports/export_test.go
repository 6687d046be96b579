package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kedai-app/kedai/domain"
)

func myr(minor int64) domain.Money { return domain.Money{Minor: minor, Currency: "MYR"} }

func exportOrders() []domain.Order {
	created := time.Date(2026, 11, 21, 16, 5, 0, 0, time.UTC) // 00:05 on the 22nd in Malaysia
	return []domain.Order{
		{
			StoreID: 1, StoreName: "Kedai Cantik Lazada", Platform: domain.Lazada, OrderNo: "384890562332283",
			Status: "packed", Tab: domain.TabToProcess, CreatedAt: created, Currency: "MYR",
			ShippingFee: myr(490), SellerVoucher: myr(300), PlatformVoucher: myr(200), Total: myr(7780),
			Buyer:   domain.Buyer{Name: "Nur Aisyah"},
			Address: domain.Address{Name: "Nur Aisyah binti Ahmad", Phone: "60123456789", Lines: []string{"12 Jalan Mawar", "Taman Bunga"}, Postcode: "43000", City: "Kajang", State: "Selangor"},
			Items: []domain.Item{
				{Name: "Tudung Bawal Satin", SKU: "TDG-SATIN-BLK", Variation: "Black", Qty: 2, UnitPrice: myr(2590), PaidPrice: myr(2390), PackageID: "FP1", StockCode: "TDG-001"},
				{Name: "Inner Anak Tudung", SKU: "INR-01", Variation: "Grey", Qty: 1, UnitPrice: myr(1290), PaidPrice: myr(1290), PackageID: "FP1", Cancelled: true},
			},
			Packages: []domain.Package{{ID: "FP1", TrackingNo: "MYMPA000123", Provider: "Ninja Van"}},
		},
		{
			StoreID: 2, StoreName: "Butik Ayu Shopee", Platform: domain.Shopee, OrderNo: "261122EYHZ8PBL",
			Status: "READY_TO_SHIP", Tab: domain.TabNew, CreatedAt: created.Add(time.Hour), Currency: "MYR",
			Total: myr(2590), Address: domain.Address{Name: "Tan Mei Ling", Lines: []string{"8 Lorong Satu"}},
			Items: []domain.Item{{Name: "Niacinamide 10% + Zinc Serum", SKU: "NIA-10", Qty: 1, UnitPrice: myr(2590), PaidPrice: myr(2590)}},
		},
	}
}

func TestExportReadsBackWithExcelize(t *testing.T) {
	var buf bytes.Buffer
	if err := Export(&buf, exportOrders(), Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the export is not a workbook excelize can open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Orders" {
		t.Fatalf("sheets = %v, want [Orders]", got)
	}
	rows, err := f.GetRows("Orders", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want the heading and one per item (3): %v", len(rows), rows)
	}
	if strings.Join(rows[0], "|") != strings.Join(ExportColumns(), "|") {
		t.Errorf("heading = %v", rows[0])
	}
	col := map[string]int{}
	for i, c := range ExportColumns() {
		col[c] = i
	}
	cell := func(r int, c string) string {
		if col[c] < len(rows[r]) {
			return rows[r][col[c]]
		}
		return ""
	}
	want := []map[string]string{
		{"Platform": "Lazada", "Store": "Kedai Cantik Lazada", "Order No.": "384890562332283", "Order date": "2026-11-22 00:05",
			"Tab": "To Process", "Customer name": "Nur Aisyah binti Ahmad", "Address": "12 Jalan Mawar, Taman Bunga", "Postcode": "43000",
			"Item": "Tudung Bawal Satin", "SKU": "TDG-SATIN-BLK", "Variation": "Black", "Quantity": "2",
			"Unit price": "25.9", "Discount price": "23.9", "Line total": "47.8", "Shipping fee": "4.9",
			"Vouchers and discounts": "5", "Order total": "77.8", "Tracking No.": "MYMPA000123", "Courier": "Ninja Van",
			"Stock code": "TDG-001", "Cancelled": ""},
		{"Order No.": "384890562332283", "Item": "Inner Anak Tudung", "Quantity": "1", "Unit price": "12.9",
			"Shipping fee": "", "Order total": "", "Cancelled": "Cancelled", "Stock code": ""},
		{"Platform": "Shopee", "Order No.": "261122EYHZ8PBL", "Tab": "New Order", "Customer name": "Tan Mei Ling",
			"Item": "Niacinamide 10% + Zinc Serum", "Order total": "25.9", "Shipping fee": "0", "Tracking No.": ""},
	}
	for i, w := range want {
		for c, v := range w {
			if got := cell(i+1, c); got != v {
				t.Errorf("row %d %s = %q, want %q", i+2, c, got, v)
			}
		}
	}
	// Money is numbers with two decimals, not text, so Excel sums it.
	style, err := f.GetCellStyle("Orders", "V2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "#,##0.00" {
		t.Errorf("Order total's style = %+v (%v), want the #,##0.00 money format", st, err)
	}
	if typ, _ := f.GetCellType("Orders", "V2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("Order total is stored as %v, want a number", typ)
	}
}

func TestExportRefusesNothing(t *testing.T) {
	var buf bytes.Buffer
	if err := Export(&buf, nil, Options{}); err == nil || !strings.Contains(err.Error(), "no orders") {
		t.Fatalf("Export(nil) = %v, want a clear error", err)
	}
	if buf.Len() != 0 {
		t.Error("a refused export wrote something")
	}
}
