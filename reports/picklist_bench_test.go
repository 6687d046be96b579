package reports

import (
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/boombuler/barcode/code128"
	"github.com/go-pdf/fpdf"
	"github.com/kedai-app/kedai/domain"
	"github.com/skip2/go-qrcode"
)

// BenchmarkPickingList1000 prints the picking lists of 1,000 orders on A6 labels, a peak day's
// batch. Target: 3 s. Its floor, measured in the same run: the libraries doing the work that
// cannot be avoided — go-qrcode and boombuler encoding the same 2,000 barcodes on every core,
// and fpdf writing the same 1,000 pages of plain text in the same font — and the ratio.
func BenchmarkPickingList1000(b *testing.B) {
	orders := genOrders(1000)
	opt := Options{Page: A6, Now: printedAt}
	var floor float64
	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodeBarcodesRaw(b, orders)
			writeTextRaw(b, orders, A6, false)
		}
		floor = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("picklist", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := PickingList(io.Discard, orders, opt); err != nil {
				b.Fatal(err)
			}
		}
		reportRatio(b, floor)
	})
}

// BenchmarkPickingListSummary1000 adds 1,000 orders up into one A4 summary. Its floor: fpdf
// writing the same SKU lines as plain text in the same font, and boombuler encoding their
// barcodes.
func BenchmarkPickingListSummary1000(b *testing.B) {
	orders := genOrders(1000)
	opt := Options{Page: A4, Now: printedAt}
	var floor float64
	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			writeTextRaw(b, orders, A4, true)
		}
		floor = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("summary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := PickingListSummary(io.Discard, orders, opt); err != nil {
				b.Fatal(err)
			}
		}
		reportRatio(b, floor)
	})
}

func reportRatio(b *testing.B, floor float64) {
	if floor > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/floor, "x-floor")
	}
}

// encodeBarcodesRaw encodes every order's Code128 and QR code with the libraries alone.
func encodeBarcodesRaw(b *testing.B, orders []domain.Order) {
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(orders); i += workers {
				o := &orders[i]
				if _, err := code128.Encode(o.OrderNo); err != nil {
					b.Error(err)
				}
				q, err := qrcode.New(domain.OrderCode(o.StoreID, o.OrderNo), qrcode.Medium)
				if err != nil {
					b.Error(err)
					continue
				}
				q.Bitmap()
			}
		}()
	}
	wg.Wait()
}

// writeTextRaw writes the orders' text with fpdf and the same fonts: one page per order, or
// (summary) the SKU lines 30 to a page with their Code128 encoded.
func writeTextRaw(b *testing.B, orders []domain.Order, p PageSize, summary bool) {
	w, h := p.Millimetres()
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	pdf.SetCompression(false)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(fontFamily, "", notoRegular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", notoBold)
	pdf.SetFont(fontFamily, "", 8)
	if summary {
		lines, _, _ := summarise(distinctOrders(orders))
		for i, l := range lines {
			if i%30 == 0 {
				pdf.AddPage()
			}
			if _, err := code128.Encode(l.sku); err != nil {
				b.Error(err)
			}
			pdf.Text(10, 10+float64(i%30)*9, l.stock+" "+l.sku+" "+l.name+" "+l.variation)
		}
	} else {
		for _, o := range orders {
			pdf.AddPage()
			pdf.Text(5, 10, o.OrderNo+" "+o.StoreName+" "+o.Buyer.Name)
			for j, it := range o.Items {
				pdf.Text(5, 20+float64(j)*5, it.SKU+" "+it.Name+" "+it.Variation+" "+it.StockCode)
			}
		}
	}
	if err := pdf.Output(io.Discard); err != nil {
		b.Fatal(err)
	}
}
