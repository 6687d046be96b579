package reports

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode/code128"
	"github.com/go-pdf/fpdf"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/pdftest"
)

// The labels merged here are made the way the platforms make theirs: a PDF page the size of the
// label (or an A4 sheet with the label in a corner), the tracking number as a Code 128 barcode
// and as text. The merged document is read back with poppler and zbar.

// awbLabel is a one-page label of w x h millimetres (pages > 1 repeats it on more pages).
func awbLabel(t testing.TB, tracking string, w, h float64, pages int) []byte {
	t.Helper()
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreationDate(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	bc, err := code128.Encode(tracking)
	if err != nil {
		t.Fatal(err)
	}
	n := bc.Bounds().Dx()
	module := min(0.38, (min(w, 105)-12)/float64(n+20))
	for range pages {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "B", 14)
		pdf.SetXY(6, 5)
		pdf.CellFormat(60, 8, "Test Courier", "", 0, "L", false, 0, "")
		x0 := (min(w, 105) - float64(n)*module) / 2
		for x := 0; x < n; x++ {
			if r, _, _, _ := bc.At(x, 0).RGBA(); r < 0x8000 {
				pdf.Rect(x0+float64(x)*module, 18, module, 22, "F")
			}
		}
		pdf.SetXY(3, 42)
		pdf.CellFormat(min(w, 105)-6, 7, tracking, "", 0, "C", false, 0, "")
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var awbSizeLine = regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+([\d.]+ x [\d.]+ pts.*)$`)

// awbSizes is every page's size line as pdfinfo reports it (points, and the paper's name).
func awbSizes(t testing.TB, path string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(pdftest.Run(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count", path)
	}
	var out []string
	for _, l := range awbSizeLine.FindAllStringSubmatch(pdftest.Run(t, "pdfinfo", "-f", "1", "-l", m[1], path), -1) {
		out = append(out, l[1])
	}
	if n, _ := strconv.Atoi(m[1]); len(out) != n {
		t.Fatalf("pdfinfo %s: %d pages, %d sizes", path, n, len(out))
	}
	return out
}

func TestMergeLabelsKeepsEveryPageAsMade(t *testing.T) {
	type label struct {
		tracking string
		w, h     float64
		pages    int
	}
	in := []label{
		{"MYMPA0123456789", 105, 148, 1},   // Lazada A6
		{"SPXMY000000000001", 210, 297, 1}, // Shopee NORMAL: A4 with the label in a corner
		{"JNT630000000001", 148, 210, 1},   // TikTok A5
		{"NVMY000123456789", 101.6, 152.4, 1},
		{"ER123456785MY", 105, 148, 2}, // a label of two pages stays two pages
		{"SPXMY000000000002", 105, 148, 1},
	}
	var labels [][]byte
	var wantSizes, wantCodes []string
	for _, l := range in {
		b := awbLabel(t, l.tracking, l.w, l.h, l.pages)
		labels = append(labels, b)
		wantSizes = append(wantSizes, awbSizes(t, pdftest.File(t, b, "label.pdf"))...)
		for range l.pages {
			wantCodes = append(wantCodes, l.tracking)
		}
	}
	var out bytes.Buffer
	if err := MergeLabels(&out, labels); err != nil {
		t.Fatal(err)
	}
	path := pdftest.File(t, out.Bytes(), "label.pdf")
	if got := awbSizes(t, path); !slices.Equal(got, wantSizes) {
		t.Errorf("page sizes\n got %q\nwant %q", got, wantSizes)
	}
	pages := strings.Split(pdftest.Run(t, "pdftotext", "-layout", path, "-"), "\f")
	for i, want := range wantCodes {
		if i >= len(pages) || !strings.Contains(pages[i], want) {
			t.Errorf("page %d does not show %s", i+1, want)
		}
	}
	dir := t.TempDir()
	pdftest.Run(t, "pdftoppm", "-r", "203", "-gray", "-png", path, filepath.Join(dir, "p"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	slices.Sort(pngs) // p-1 .. p-7: one digit, so the names sort as the pages
	var codes []string
	for _, p := range pngs {
		codes = append(codes, strings.Fields(pdftest.Run(t, "zbarimg", "--raw", "-q", p))...)
	}
	if !slices.Equal(codes, wantCodes) {
		t.Errorf("barcodes\n got %q\nwant %q", codes, wantCodes)
	}
}

func TestMergeLabelsRefusesBadInputAndWritesNothing(t *testing.T) {
	good := awbLabel(t, "MYMPA0123456789", 105, 148, 1)
	for _, tc := range []struct {
		labels [][]byte
		want   string
	}{
		{nil, "no labels"},
		{[][]byte{good, good, []byte("<html>Access denied</html>"), good}, "label 3 of 4 is not a PDF"},
		{[][]byte{good, []byte("^XA^FDJNT1^FS^XZ")}, "label 2 of 2 is not a PDF"},
		{[][]byte{good, []byte("%PDF-1.4\nthis is not really a PDF\n%%EOF")}, "label 2 of 2 cannot be read"},
		{[][]byte{{}}, "label 1 of 1 is not a PDF"},
	} {
		var out bytes.Buffer
		err := MergeLabels(&out, tc.labels)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d labels: %v, want %q", len(tc.labels), err, tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("%d labels: %d bytes written despite the error", len(tc.labels), out.Len())
		}
	}
	// One label is a document already.
	var out bytes.Buffer
	if err := MergeLabels(&out, [][]byte{good}); err != nil || !bytes.HasPrefix(out.Bytes(), []byte("%PDF-")) {
		t.Errorf("one label: %v", err)
	}
}

func TestSortForAWB(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 3, 0, 0, 0, time.UTC) }
	it := func(sku string, cancelled bool) domain.Item {
		return domain.Item{SKU: sku, Cancelled: cancelled, Qty: 1}
	}
	orders := []domain.Order{
		{OrderNo: "A", StoreName: "Zaid Mart", CreatedAt: day(3), Items: []domain.Item{it("TEE-M", false)}},
		{OrderNo: "B", StoreName: "ayu butik", CreatedAt: day(5), Items: []domain.Item{it("CAP", true), it("TEE-L", false)}},
		{OrderNo: "C", StoreName: "Ayu Butik", CreatedAt: day(1), Items: []domain.Item{it("TEE-M", false)}},
		{OrderNo: "D", StoreName: "Zaid Mart", CreatedAt: day(3), Items: []domain.Item{it("BAG", false)}},
		{OrderNo: "E", StoreName: "Ayu Butik", CreatedAt: day(2), Items: nil},
		{OrderNo: "F", StoreName: "Zaid Mart", CreatedAt: day(3), Items: []domain.Item{it("TEE-M", false)}},
	}
	for _, tc := range []struct {
		by   AWBOrder
		want string
	}{
		{ByOrderDate, "CEADFB"}, // A, D and F share a time: kept as given
		{ByStore, "CEBADF"},     // store names compared without case
		{BySKU, "DBCAFE"},       // B's first live item is TEE-L; E has no SKU: last
		{"nonsense", "CEADFB"},
	} {
		list := slices.Clone(orders)
		SortForAWB(list, tc.by)
		got := ""
		for _, o := range list {
			got += o.OrderNo
		}
		if got != tc.want {
			t.Errorf("%s: %s, want %s", tc.by, got, tc.want)
		}
	}
}

// The barcode helper draws what zbar reads; a broken one would make every test above pass for
// the wrong reason.
func TestAWBLabelHelper(t *testing.T) {
	b := awbLabel(t, "SPXMY000000000001", 105, 148, 1)
	dir := t.TempDir()
	pdftest.Run(t, "pdftoppm", "-r", "203", "-gray", "-png", pdftest.File(t, b, "label.pdf"), filepath.Join(dir, "p"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pngs) != 1 {
		t.Fatalf("%d pages", len(pngs))
	}
	if got := strings.TrimSpace(pdftest.Run(t, "zbarimg", "--raw", "-q", pngs[0])); got != "SPXMY000000000001" {
		t.Errorf("barcode %q", got)
	}
}
