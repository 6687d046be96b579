package documents

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

var ctx = context.Background()

var clock = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

func newDocs(t *testing.T) (*Documents, *dbtest.Fixture) {
	t.Helper()
	f := dbtest.New(t, 0)
	return New(f.DB, nil, func() time.Time { return clock }), f
}

func tool(t *testing.T, name string, args ...string) string { return pdftest.Run(t, name, args...) }

func codes(t *testing.T, pdf string) []string { return pdftest.Values(t, pdf, 203) }

func TestPickingListOfTheNewOrdersReadsBack(t *testing.T) {
	docs, f := newDocs(t)
	ids, err := f.DB.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabNew})
	if err != nil || len(ids) != 3 {
		t.Fatalf("the fixture's New Order: %v %v", ids, err)
	}
	s, err := docs.Settings(ctx, domain.DocPickingList)
	if err != nil {
		t.Fatal(err)
	}
	if s.Page != "a4" || s.Printer != "" {
		t.Errorf("defaults = %+v, want A4 and no printer", s)
	}
	s.Page = "a6"
	made, err := docs.Make(ctx, domain.DocPickingList, ids, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if made.Orders != 3 || made.Title != "Picking List: 3 orders" || made.Format != "pdf" {
		t.Errorf("made = %+v", made)
	}
	if filepath.Dir(made.File) != docs.Dir() || !strings.HasSuffix(docs.Dir(), "kedai-documents") {
		t.Errorf("kept at %s, want in %s beside the data file", made.File, docs.Dir())
	}
	text := tool(t, "pdftotext", "-layout", made.File, "-")
	var want []string
	for _, no := range []string{dbtest.LazadaNew, "241101AAAA0001", "576400000000000007"} {
		if !strings.Contains(text, no) {
			t.Errorf("the picking list does not show order %s", no)
		}
		want = append(want, no, domain.OrderCode(f.Stores[platformOf(no)].ID, no))
	}
	slices.Sort(want)
	if got := codes(t, made.File); !slices.Equal(got, want) {
		t.Errorf("barcodes = %v\nwant %v", got, want)
	}
}

func platformOf(no string) domain.Platform {
	switch {
	case strings.HasPrefix(no, "2411"):
		return domain.Shopee
	case strings.HasPrefix(no, "5764"):
		return domain.TikTok
	}
	return domain.Lazada
}

func TestSummaryAndManifestReadBack(t *testing.T) {
	docs, f := newDocs(t)
	newIDs, _ := f.DB.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabNew})
	s, _ := docs.Settings(ctx, domain.DocPickingSummary)
	made, err := docs.Make(ctx, domain.DocPickingSummary, newIDs, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := tool(t, "pdftotext", "-layout", made.File, "-")
	// Lazada and TikTok orders have two lines of one, Shopee one line of two: six in all.
	if !strings.Contains(text, "TDG-CHF-BLK") || !regexpFind(`TDG-CHF-BLK.*\b6\b`, text) {
		t.Errorf("the summary does not total TDG-CHF-BLK to 6:\n%s", text)
	}
	if got := codes(t, made.File); !slices.Equal(got, []string{"TDG-CHF-BLK"}) {
		t.Errorf("summary barcodes = %v", got)
	}

	shipIDs, _ := f.DB.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabToShip})
	s, _ = docs.Settings(ctx, domain.DocManifest)
	made, err = docs.Make(ctx, domain.DocManifest, shipIDs, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	text = tool(t, "pdftotext", "-layout", made.File, "-")
	for _, want := range []string{"LEX MY", "Shopee Xpress", "MYMPA0000003", dbtest.ShopeeTracking} {
		if !strings.Contains(text, want) {
			t.Errorf("the manifest does not show %s", want)
		}
	}
	want := []string{"MYMPA0000003", dbtest.ShopeeTracking}
	slices.Sort(want)
	if got := codes(t, made.File); !slices.Equal(got, want) {
		t.Errorf("manifest barcodes = %v, want %v", got, want)
	}
}

func TestBadChoicesChangeNothing(t *testing.T) {
	docs, f := newDocs(t)
	before, _ := docs.Settings(ctx, domain.DocManifest)
	for _, bad := range []domain.PrintSettings{
		{Page: "a5", Order: "date", Label: "thermal", Format: "pdf"},
		{Page: "a4", Order: "price", Label: "thermal", Format: "pdf"},
		{Page: "a4", Order: "date", Label: "big", Format: "pdf"},
		{Page: "a4", Order: "date", Label: "thermal", Format: "png"},
		{Page: "a4", Order: "date", Label: "thermal", Format: "pdf", Printer: "tcp:"},
	} {
		if err := docs.SetSettings(ctx, domain.DocManifest, bad); err == nil {
			t.Errorf("SetSettings(%+v) was accepted", bad)
		}
	}
	if after, _ := docs.Settings(ctx, domain.DocManifest); after != before {
		t.Errorf("refused settings changed them: %+v -> %+v", before, after)
	}
	if _, err := docs.Make(ctx, domain.DocPickingList, nil, before, nil); err == nil || !strings.Contains(err.Error(), "select the orders") {
		t.Errorf("no orders: %v", err)
	}
	ids, _ := f.DB.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabNew})
	if _, err := docs.Make(ctx, domain.DocAWB, ids, before, nil); err == nil {
		t.Error("AWB labels were made without a way to fetch them")
	}
	if entries, _ := os.ReadDir(docs.Dir()); len(entries) != 0 {
		t.Errorf("refused work left %d documents", len(entries))
	}
}

func TestARefusedPrintIsRecordedAndKeptForPrintingAgain(t *testing.T) {
	docs, f := newDocs(t)
	ids, _ := f.DB.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabNew})
	s, _ := docs.Settings(ctx, domain.DocPickingList)
	made, err := docs.Make(ctx, domain.DocPickingList, ids, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = docs.Print(ctx, made, "tcp:127.0.0.1:9") // a PDF is not for a label printer's raw port
	if err == nil {
		t.Fatal("a PDF was sent to a raw TCP port")
	}
	hist, err := docs.History(ctx, 10)
	if err != nil || len(hist) != 1 || hist[0].State != domain.PrintFailed || hist[0].Message == "" || hist[0].File != made.File {
		t.Fatalf("history after a refused print = %+v (%v)", hist, err)
	}
	if _, err := os.Stat(made.File); err != nil {
		t.Errorf("the refused document was not kept: %v", err)
	}
	out := filepath.Join(t.TempDir(), "picklist.pdf")
	job, err := docs.Save(ctx, made, out)
	if err != nil || job.State != domain.PrintSaved {
		t.Fatalf("Save = %+v, %v", job, err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(made.File)
	if !bytes.Equal(a, b) || len(a) == 0 {
		t.Error("the saved file is not the document")
	}
	if _, err := docs.Reprint(ctx, hist[0].ID, "nosuchprinter-kedai"); err == nil {
		t.Error("printing again to an unknown printer succeeded")
	}
	if hist, _ := docs.History(ctx, 10); len(hist) != 3 {
		t.Errorf("history has %d jobs, want the refusal, the save and the second refusal", len(hist))
	}
}

func TestExportReadsBack(t *testing.T) {
	docs, f := newDocs(t)
	ids, _ := f.DB.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabToShip})
	out := filepath.Join(t.TempDir(), "to-ship.xlsx")
	if err := docs.Export(ctx, ids, out); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("Orders")
	var nos []string
	for _, r := range rows[1:] {
		nos = append(nos, r[2])
	}
	slices.Sort(nos)
	nos = slices.Compact(nos)
	if !slices.Equal(nos, []string{dbtest.ShopeeToShip, dbtest.LazadaToShip}) && !slices.Equal(nos, []string{dbtest.LazadaToShip, dbtest.ShopeeToShip}) {
		t.Errorf("exported orders = %v", nos)
	}
	if err := docs.Export(ctx, ids, filepath.Join(t.TempDir(), "no", "such", "dir.xlsx")); err == nil {
		t.Error("an export into a missing folder succeeded")
	}
}

func regexpFind(expr, text string) bool { return regexp.MustCompile(expr).MatchString(text) }
