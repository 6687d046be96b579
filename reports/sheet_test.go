package reports

import (
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/kedai-app/kedai/domain"
)

func TestPrintable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Kopi Putih", "Kopi Putih"},
		{"  Teh  Tarik \t Segera\n", "Teh Tarik Segera"},
		{"🔥Ready Stock🔥", "Ready Stock"},
		{"Mug ❤️ Batik", "Mug ❤ Batik"}, // the variation selector goes, the heart (U+2764) stays
		{"Bad \xff byte", "Bad ? byte"},
		{"Zero\u200bwidth", "Zerowidth"},
		{"马克杯 350ml", "马克杯 350ml"},
		{"", ""},
	} {
		if got := printable(c.in); got != c.want {
			t.Errorf("printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Text fpdf cannot take as it is (emoji, invalid UTF-8, control characters, very long names)
// prints instead of failing or panicking; barcodes still carry the exact values.
func TestHostileText(t *testing.T) {
	o := sampleOrders()[0]
	o.StoreName = "Kedai 🛒 Runcit\x00"
	o.Buyer.Name = "Ali \xc3\x28 Baba"
	long := strings.Repeat("Sangat panjang nama barang ini ", 12)
	o.Items = []domain.Item{
		testItem("EMOJI-🔥-SKU", "🔥🔥🔥", "❤️", "", 1),
		testItem("LONG-NAME", long, long, "A-1", 2),
		testItem("PAREN-(1)\\", "Barang (kecil) \\ besar", "", "B-2", 1),
	}
	o.BuyerNote = long
	for _, p := range PageSizes {
		opt := Options{Page: p, Now: printedAt}
		for name, doc := range map[string]func(io.Writer) error{
			"picklist": func(w io.Writer) error { return PickingList(w, []domain.Order{o}, opt) },
			"summary":  func(w io.Writer) error { return PickingListSummary(w, []domain.Order{o}, opt) },
			"manifest": func(w io.Writer) error { return Manifests(w, []domain.Order{o}, opt) },
		} {
			path := writePDF(t, name+"-"+string(p)+".pdf", doc)
			text := flatText(pdfText(t, path))
			for _, want := range []string{"EMOJI--SKU", "LONG-NAME", "PAREN-(1)\\", "Sangat panjang"} {
				if name != "manifest" && !strings.Contains(text, want) {
					t.Errorf("%s %s: no %q in\n%s", name, p, want, text)
				}
			}
			if name == "summary" && !strings.Contains(text, "No barcode: this SKU has characters a Code128 barcode cannot carry.") {
				t.Errorf("summary %s: the SKU with an emoji should say why it has no barcode", p)
			}
			if name == "summary" && p == A6 {
				checkBarcodeSet(t, pdfBarcodes(t, path, 203), []decoded{code128Of("LONG-NAME"), code128Of("PAREN-(1)\\")})
			}
		}
	}
}

// What a scanner needs, measured on the images placed in the PDFs: Code128 modules of a whole
// number of 203 dpi dots, at least 2 (0.25 mm), a quiet zone of 10 modules each side and bars at
// least 8 mm tall; QR codes at least 20 mm across with their 4-module quiet zone.
func TestBarcodePrintSizes(t *testing.T) {
	orders := sampleOrders()
	for _, p := range PageSizes {
		opt := Options{Page: p, Now: printedAt}
		for name, doc := range map[string]func(io.Writer) error{
			"picklist": func(w io.Writer) error { return PickingList(w, orders, opt) },
			"summary":  func(w io.Writer) error { return PickingListSummary(w, orders, opt) },
			"manifest": func(w io.Writer) error { return Manifests(w, orders, opt) },
		} {
			images := pdfImagesOf(t, writePDF(t, name+".pdf", doc))
			var codes, qrs int
			for i, im := range images {
				what := fmt.Sprintf("%s %s image %d (page %d, %dx%d at %.0f x %.0f ppi)", name, p, i, im.page, im.width, im.height, im.xppi, im.yppi)
				whole := false // pdfimages rounds the ppi: 203/8 dots shows as 25
				for k := 2.0; k <= 20; k++ {
					whole = whole || math.Round(203/k) == im.xppi
				}
				if !whole {
					t.Errorf("%s: a module is %.2f printer dots, want a whole number of at least 2", what, 203/im.xppi)
				}
				switch {
				case im.height == 1: // Code128
					codes++
					if tall := 25.4 / im.yppi; im.yppi > 3.2 {
						t.Errorf("%s: bars %.1f mm tall, want at least 8", what, tall)
					}
					for x := range im.width {
						quiet := x < 10 || x >= im.width-10 // ISO/IEC 15417: 10 modules
						if quiet && !isWhite(im.img, x, 0) {
							t.Errorf("%s: module %d is in the quiet zone but black", what, x)
							break
						}
					}
					if isWhite(im.img, 10, 0) || isWhite(im.img, im.width-11, 0) {
						t.Errorf("%s: the bars do not start and end where the quiet zones do", what)
					}
				case im.width == im.height: // QR
					qrs++
					if size := float64(im.width-8) / im.xppi * 25.4; size < 20 {
						t.Errorf("%s: the QR code is %.1f mm across, want at least 20", what, size)
					}
					for k := range 4 {
						for j := range im.width {
							if !isWhite(im.img, k, j) || !isWhite(im.img, j, k) || !isWhite(im.img, im.width-1-k, j) || !isWhite(im.img, j, im.width-1-k) {
								t.Fatalf("%s: black in the quiet zone", what)
							}
						}
					}
				default:
					t.Errorf("%s: an image that is no barcode", what)
				}
			}
			want := map[string][2]int{"picklist": {5, 5}, "summary": {4, 0}, "manifest": {5, 0}}[name]
			if codes != want[0] || qrs != want[1] {
				t.Errorf("%s %s: %d Code128 and %d QR images, want %d and %d (each barcode drawn once)", name, p, codes, qrs, want[0], want[1])
			}
		}
	}
}
