//go:build linux

package orders

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/documents"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/reports/printing/cupstest"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/ui/uitest"
)

// The print tests print through a private CUPS scheduler with a cups-pdf queue.
func TestMain(m *testing.M) { os.Exit(cupstest.Main(m)) }

// printing opens the screen over the fixture with real documents (the data file, the documents
// folder beside it, the computer's printers).
func printing(t *testing.T) (*harness, *documents.Documents) {
	cupstest.Use(t)
	h := newHarness(t, 0)
	docs := documents.New(h.f.DB, nil, nil)
	h.Printing, h.Exporter = docs, docs
	return h, docs
}

func TestPrintPickingListForTheWholeTabAfterAsking(t *testing.T) {
	h, docs := printing(t)
	h.showTab(domain.TabNew)
	if !h.actionButtons[domain.ActPickList].Visible() || h.actionButtons[domain.ActPrintAWB].Visible() {
		t.Fatal("New Order should offer Print Picking List and not Print AWB")
	}
	if !uitest.Tap(h.win.Canvas(), domain.ActPickList.Title()) {
		t.Fatal("no Print Picking List button")
	}
	h.settle()
	// Nothing selected: it offers the whole tab.
	if !uitest.Tap(h.win.Canvas(), "Yes") {
		t.Fatalf("no question about printing the whole tab; drawn: %v", uitest.DrawnText(h.win.Canvas()))
	}
	h.settle()
	p := h.PrintDialog()
	if p == nil {
		t.Fatal("no print dialog")
	}
	if p.Document() != domain.DocPickingList || p.Page.Selected != "A4" {
		t.Errorf("dialog offers %s on %q, want the picking list on A4", p.Document(), p.Page.Selected)
	}
	// Summary on A6, saved to a file.
	p.Kind.SetSelected(p.Kind.Options[1])
	h.settle()
	p.Page.SetSelected(p.Page.Options[1])
	out := filepath.Join(t.TempDir(), "summary.pdf")
	p.SaveTo(out)
	h.settle()
	if !strings.Contains(p.Status.Text, "saved to "+out) {
		t.Fatalf("status after saving: %q", p.Status.Text)
	}
	if text := pdftest.Text(t, out); !strings.Contains(text, "TDG-CHF-BLK") {
		t.Errorf("the saved summary does not list the SKU:\n%s", text)
	}
	// The choices are remembered for next time.
	s, _ := docs.Settings(t.Context(), domain.DocPickingSummary)
	if s.Page != "a6" {
		t.Errorf("the summary's page size was not remembered: %+v", s)
	}
	// The per-order picking list to the default printer: the queue takes it, the PDF comes out.
	cups := cupstest.Use(t)
	before := cups.PDFs()
	p.Kind.SetSelected(p.Kind.Options[0])
	h.settle()
	if p.Printer.Selected != "kedai-pdf (default)" {
		t.Fatalf("the printer offered is %q, want the default kedai-pdf; options %v", p.Printer.Selected, p.Printer.Options)
	}
	p.Print()
	h.settle()
	if !strings.Contains(p.Status.Text, "sent to kedai-pdf (job kedai-pdf-") {
		t.Fatalf("status after printing: %q", p.Status.Text)
	}
	// What came out of the printer carries every order's barcode and QR code (its text went
	// through Ghostscript's font handling, so it is read by its barcodes).
	printed := cups.WaitPDF(t, before, 60*time.Second)
	var want []string
	for _, no := range []string{dbtest.LazadaNew, "241101AAAA0001", "576400000000000007"} {
		rows, _ := h.f.DB.FindOrders(t.Context(), no, 1)
		want = append(want, no, domain.OrderCode(rows[0].StoreID, no))
	}
	slices.Sort(want)
	if got := pdftest.Values(t, printed, 203); !slices.Equal(got, want) {
		t.Errorf("the printed picking list's barcodes = %v\nwant %v", got, want)
	}
	// A printer that does not exist: a clear message, the document kept, the history says so.
	p.Printer.SetSelected(p.Printer.Options[len(p.Printer.Options)-1]) // another printer…
	p.Other.SetText("nosuchprinter-kedai")
	p.Print()
	h.settle()
	if !strings.Contains(p.Status.Text, "nosuchprinter-kedai") || !strings.Contains(p.Status.Text, "kept") {
		t.Errorf("status after printing to an unknown printer: %q", p.Status.Text)
	}
	hist, _ := docs.History(t.Context(), 10)
	if len(hist) != 3 || hist[0].State != domain.PrintFailed || hist[1].State != domain.PrintAccepted || hist[2].State != domain.PrintSaved {
		t.Errorf("history = %+v", hist)
	}
	if _, err := os.Stat(hist[0].File); err != nil {
		t.Errorf("the refused document is not kept: %v", err)
	}
	// Escape closes the dialog.
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if uitest.Tap(h.win.Canvas(), "Preview") {
		t.Error("the print dialog is still open after Escape")
	}
}

func TestExportTheSelectedTab(t *testing.T) {
	h, _ := printing(t)
	h.showTab(domain.TabToShip)
	ids, _ := h.f.DB.OrderIDs(t.Context(), domain.OrderQuery{Tab: domain.TabToShip})
	out := filepath.Join(t.TempDir(), "orders.xlsx")
	h.ExportTo(ids, out)
	h.settle()
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("no workbook written: %v", err)
	}
	h.ExportTo(ids, filepath.Join(t.TempDir(), "missing", "x.xlsx"))
	h.settle()
	if !h.errLabel.Visible() || !strings.Contains(h.errLabel.Text, "Export") {
		t.Errorf("a failed export says %q", h.errLabel.Text)
	}
}
