package reports

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kedai-app/kedai/domain"
)

// exportColumn is one column of the Excel export: its heading, its width in characters, and
// whether it holds money (numbers with two decimals, summable in Excel).
type exportColumn struct {
	title string
	width float64
	money bool
}

// The export's columns: the estore seed's order export (customer name and address, order number,
// item, variation, quantity, unit price, discount price, shipping, totals) for our platforms. One
// row per item; the order's own amounts (shipping, vouchers, total) only on its first row, so a
// sum over a column adds each order once.
var exportColumns = []exportColumn{
	{"Platform", 11, false},
	{"Store", 20, false},
	{"Order No.", 20, false},
	{"Order date", 17, false},
	{"Tab", 11, false},
	{"Platform status", 18, false},
	{"Customer name", 20, false},
	{"Phone", 14, false},
	{"Address", 40, false},
	{"Postcode", 9, false},
	{"City", 14, false},
	{"State", 14, false},
	{"Item", 36, false},
	{"SKU", 16, false},
	{"Variation", 18, false},
	{"Quantity", 9, false},
	{"Unit price", 11, true},
	{"Discount price", 13, true},
	{"Line total", 11, true},
	{"Shipping fee", 12, true},
	{"Vouchers and discounts", 14, true},
	{"Order total", 12, true},
	{"Currency", 9, false},
	{"Tracking No.", 20, false},
	{"Courier", 16, false},
	{"Stock code", 14, false},
	{"Cancelled", 10, false},
}

// ExportColumns are the export's column headings, in order.
func ExportColumns() []string {
	out := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		out[i] = c.title
	}
	return out
}

// Export writes the orders to an Excel workbook (.xlsx) with one sheet, "Orders": a row per item
// under a frozen, filterable heading row. Times are shown in opt.Zone (nil: Malaysia, UTC+8).
func Export(w io.Writer, orders []domain.Order, opt Options) error {
	if len(orders) == 0 {
		return errors.New("no orders to export")
	}
	zone := opt.Zone
	if zone == nil {
		zone = time.FixedZone("MYT", 8*3600)
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Orders"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	moneyFmt := "#,##0.00"
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for i, c := range exportColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	head := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		head[i] = excelize.Cell{StyleID: bold, Value: c.title}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	row := 2
	for _, o := range orders {
		items := o.Items
		if len(items) == 0 {
			items = []domain.Item{{}} // the order still gets its row
		}
		for i, it := range items {
			cells := exportRow(o, it, i == 0, zone)
			out := make([]any, len(cells))
			for j, v := range cells {
				if m, ok := v.(domain.Money); ok {
					out[j] = excelize.Cell{StyleID: money, Value: moneyValue(m)}
					continue
				}
				out[j] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, out); err != nil {
				return fmt.Errorf("export: order %s: %w", o.OrderNo, err)
			}
			row++
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	last, _ := excelize.CoordinatesToCellName(len(exportColumns), row-1)
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = f.WriteTo(w)
	return err
}

// exportRow is one item's row; first carries the order's own amounts. Money cells are
// domain.Money (written as numbers with the money style); blanks are nil.
func exportRow(o domain.Order, it domain.Item, first bool, zone *time.Location) []any {
	var track, courier []string
	for _, p := range o.Packages {
		if it.PackageID != "" && p.ID != it.PackageID {
			continue
		}
		if p.TrackingNo != "" {
			track = append(track, p.TrackingNo)
		}
		if p.Provider != "" && !slices.Contains(courier, p.Provider) {
			courier = append(courier, p.Provider)
		}
	}
	name := o.Address.Name
	if name == "" {
		name = o.Buyer.Name
	}
	phone := o.Address.Phone
	if phone == "" {
		phone = o.Buyer.Phone
	}
	var sku, qty, unit, paid, line, cancelled any
	if it.Name != "" || it.SKU != "" {
		sku, qty = it.SKU, it.Qty
		unit, paid = it.UnitPrice, it.PaidPrice
		line = it.PaidPrice.Times(it.Qty)
		if it.Cancelled {
			cancelled = "Cancelled"
		}
	}
	var ship, off, total any
	if first {
		ship = o.ShippingFee
		off = o.SellerVoucher.Add(o.PlatformVoucher).Add(o.SellerDiscount)
		total = o.Total
	}
	created := ""
	if !o.CreatedAt.IsZero() {
		created = o.CreatedAt.In(zone).Format("2006-01-02 15:04")
	}
	return []any{
		o.Platform.Title(), o.StoreName, o.OrderNo, created, o.Tab.Title(), o.Status,
		name, phone, strings.Join(o.Address.Lines, ", "), o.Address.Postcode, o.Address.City, o.Address.State,
		it.Name, sku, it.Variation, qty, unit, paid, line, ship, off, total, o.Currency,
		strings.Join(track, ", "), strings.Join(courier, ", "), it.StockCode, cancelled,
	}
}

// moneyValue is the amount as a spreadsheet number, parsed from its exact decimal text so no
// binary rounding of the minor units creeps in.
func moneyValue(m domain.Money) float64 {
	v, _ := strconv.ParseFloat(m.Decimal(), 64)
	return v
}
