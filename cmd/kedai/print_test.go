//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/reports/printing/cupstest"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

// The print commands print through a private CUPS scheduler with a cups-pdf queue.
func TestMain(m *testing.M) { os.Exit(cupstest.Main(m)) }

func TestPrintPickingListToACUPSQueue(t *testing.T) {
	cups := cupstest.Use(t)
	f := dbtest.New(t, 0)
	f.DB.Close()
	before := cups.PDFs()
	code, out, stderr := kedai("print", "picklist", "--db", f.Path, "--tab", "new", "--printer", "kedai-pdf", "--page", "4x6")
	if code != 0 || !strings.Contains(out, "Picking List: 3 orders: sent to kedai-pdf as job kedai-pdf-") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}
	printed := cups.WaitPDF(t, before, 60*time.Second)
	var want []string
	for _, no := range []string{dbtest.LazadaNew, "241101AAAA0001", "576400000000000007"} {
		want = append(want, no)
	}
	got := pdftest.Values(t, printed, 203)
	for _, no := range want {
		if !slices.Contains(got, no) {
			t.Errorf("the printed picking list has no barcode %s: %v", no, got)
		}
	}
	if len(got) != 6 {
		t.Errorf("the printed picking list carries %d codes, want a barcode and a QR code for each of 3 orders: %v", len(got), got)
	}
	if sizes := pdftest.PageSizes(t, printed); len(sizes) != 3 {
		t.Errorf("printed %d pages, want one per order", len(sizes))
	}
}

func TestPrintToFileAndExport(t *testing.T) {
	f := dbtest.New(t, 0)
	f.DB.Close()
	dir := t.TempDir()
	manifest := filepath.Join(dir, "manifest.pdf")
	code, out, stderr := kedai("print", "manifest", "--db", f.Path, "--orders", dbtest.LazadaToShip+","+dbtest.ShopeeToShip, "--out", manifest)
	if code != 0 || !strings.Contains(out, "wrote "+manifest) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}
	want := []string{"MYMPA0000003", dbtest.ShopeeTracking}
	slices.Sort(want)
	if got := pdftest.Values(t, manifest, 203); !slices.Equal(got, want) {
		t.Errorf("manifest barcodes = %v, want %v", got, want)
	}
	text := pdftest.Text(t, manifest)
	for _, s := range []string{"LEX MY", "Shopee Xpress", dbtest.LazadaToShip, dbtest.ShopeeToShip} {
		if !strings.Contains(text, s) {
			t.Errorf("the manifest does not show %s", s)
		}
	}

	xlsx := filepath.Join(dir, "to-ship.xlsx")
	if code, out, stderr := kedai("export", "--db", f.Path, "--tab", "to-ship", "--out", xlsx); code != 0 || !strings.Contains(out, "exported 2 orders") {
		t.Fatalf("export: exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("Orders")
	if len(rows) < 3 || rows[0][2] != "Order No." {
		t.Errorf("the workbook's rows: %v", rows)
	}
}

func TestPrintRefusesBadInput(t *testing.T) {
	cupstest.Use(t)
	f := dbtest.New(t, 0)
	f.DB.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "x.pdf")
	refused(t, "unknown document", "print", "labels", "--db", f.Path, "--tab", "new", "--out", out)
	refused(t, "--orders NO,NO or --tab SLUG is required", "print", "picklist", "--db", f.Path, "--out", out)
	refused(t, "not both", "print", "picklist", "--db", f.Path, "--tab", "new", "--orders", dbtest.LazadaNew, "--out", out)
	refused(t, "no order numbered NOPE", "print", "picklist", "--db", f.Path, "--orders", "NOPE", "--out", out)
	refused(t, "unknown tab", "print", "picklist", "--db", f.Path, "--tab", "someday", "--out", out)
	refused(t, "unknown page size", "print", "picklist", "--db", f.Path, "--tab", "new", "--page", "a5", "--out", out)
	refused(t, "no printer", "print", "picklist", "--db", f.Path, "--tab", "new")
	refused(t, `printer "nosuch-kedai" is not known`, "print", "picklist", "--db", f.Path, "--tab", "new", "--printer", "nosuch-kedai")
	refused(t, "stopped", "print", "picklist", "--db", f.Path, "--tab", "new", "--printer", "kedai-off")
	refused(t, "does not exist", "print", "picklist", "--db", f.Path, "--tab", "new", "--out", filepath.Join(dir, "no", "x.pdf"))
	refused(t, "must end in .xlsx", "export", "--db", f.Path, "--tab", "new", "--out", filepath.Join(dir, "x.csv"))
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused command wrote the document")
	}
	// The refused prints are in the history, each with its document kept for printing again.
	d, err := db.OpenExisting(f.Path, dbOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	jobs, _ := d.PrintJobs(t.Context(), 10)
	if len(jobs) != 2 || jobs[0].State != domain.PrintFailed || jobs[1].State != domain.PrintFailed {
		t.Fatalf("history = %+v, want the two refused prints", jobs)
	}
	for _, j := range jobs {
		if _, err := os.Stat(j.File); err != nil {
			t.Errorf("refused print %d: the document is not kept: %v", j.ID, err)
		}
	}
}

// `kedai print awb` on a demo workspace: each package's label fetched from its platform (the
// simulators the command starts), merged in the chosen order, every tracking number's barcode
// readable; ZPL only where the platform makes it.
func TestPrintAWBOfADemoWorkspace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if code, _, stderr := kedai("demo", "--db", path, "--orders", "1500", "--seed", "3"); code != 0 {
		t.Fatal(stderr)
	}
	type row struct {
		OrderNo    string `json:"order_no"`
		Platform   string `json:"platform"`
		TrackingNo string `json:"tracking_no"`
	}
	var rows []row
	for _, tab := range []string{"to-ship", "to-process"} { // packed, not yet with the courier
		code, out, stderr := kedai("orders", "--json", "--db", path, "--tab", tab)
		var some []row
		if err := json.Unmarshal([]byte(out), &some); code != 0 || err != nil {
			t.Fatalf("kedai orders: %d %v %s", code, err, stderr)
		}
		rows = append(rows, some...)
	}
	var nos, tracking []string
	var tiktok, other string
	per := map[string]int{}
	for _, r := range rows {
		if r.TrackingNo == "" || strings.Contains(r.TrackingNo, ",") || per[r.Platform] == 3 {
			continue
		}
		per[r.Platform]++
		nos, tracking = append(nos, r.OrderNo), append(tracking, r.TrackingNo)
		if r.Platform == "tiktok" && tiktok == "" {
			tiktok = r.OrderNo
		} else if r.Platform != "tiktok" && other == "" {
			other = r.OrderNo
		}
	}
	if len(per) != 3 || tiktok == "" || other == "" {
		t.Fatalf("the demo's To Process and To Ship tabs lack packed orders of every platform: %v", per)
	}
	pdf := filepath.Join(t.TempDir(), "awb.pdf")
	code, out, stderr := kedai("print", "awb", "--db", path, "--orders", strings.Join(nos, ","), "--order", "store", "--out", pdf)
	if code != 0 || strings.Contains(out, "left out") {
		t.Fatalf("print awb: exit %d\n%s%s", code, out, stderr)
	}
	got := pdftest.Values(t, pdf, 203)
	slices.Sort(tracking)
	if !slices.Equal(got, tracking) {
		t.Errorf("the labels' barcodes = %v\nwant the tracking numbers %v", got, tracking)
	}
	if sizes := pdftest.PageSizes(t, pdf); len(sizes) != len(nos) {
		t.Errorf("%d label pages for %d one-package orders", len(sizes), len(nos))
	}

	zpl := filepath.Join(t.TempDir(), "awb.zpl")
	code, out, stderr = kedai("print", "awb", "--db", path, "--orders", tiktok+","+other, "--format", "zpl", "--out", zpl)
	if code != 0 || !strings.Contains(out, "left out\t"+other) {
		t.Fatalf("print awb --format zpl: exit %d\n%s%s", code, out, stderr)
	}
	b, err := os.ReadFile(zpl)
	if err != nil || !strings.HasPrefix(string(b), "^XA") || !strings.Contains(string(b), "^XZ") {
		t.Errorf("the ZPL labels: %v %.80q", err, b)
	}
}
