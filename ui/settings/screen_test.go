//go:build linux

package settings

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/documents"
	"github.com/kedai-app/kedai/reports/printing/cupstest"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// The screen lists a private CUPS scheduler's queues and prints to them.
func TestMain(m *testing.M) { os.Exit(cupstest.Main(m)) }

func TestChoosePrintersAndPrintAgainFromTheHistory(t *testing.T) {
	cups := cupstest.Use(t)
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	docs := documents.New(f.DB, nil, nil)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	run := &widgets.Runner{Manual: true}
	s := New(win, run)
	s.Use(docs)
	win.SetContent(s.Content())
	win.Resize(fyne.NewSize(1000, 700))
	s.Reload()
	run.Wait()

	printer, page := s.Row(domain.DocManifest)
	for _, q := range []string{"kedai-pdf", "kedai-raw", "kedai-off"} {
		if !slices.Contains(printer.Options, q) {
			t.Errorf("the printers offered %v lack %s", printer.Options, q)
		}
	}
	if printer.Selected != "Ask each time" || page.Selected != "A4" {
		t.Errorf("a new file's manifest goes to %q on %q", printer.Selected, page.Selected)
	}
	printer.SetSelected("kedai-pdf")
	run.Wait()
	page.SetSelected(widgets.PageWords[1])
	run.Wait()
	got, _ := docs.Settings(t.Context(), domain.DocManifest)
	if got.Printer != "kedai-pdf" || got.Page != "a6" {
		t.Fatalf("the manifest's settings after choosing: %+v", got)
	}

	// A manifest refused by a stopped printer is in the history and prints again from there.
	ids, _ := f.DB.OrderIDs(t.Context(), domain.OrderQuery{Tab: domain.TabToShip})
	made, err := docs.Make(t.Context(), domain.DocManifest, ids, got, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Print(t.Context(), made, "kedai-off"); err == nil {
		t.Fatal("a stopped printer took the manifest")
	}
	s.Reload()
	run.Wait()
	if h := s.History(); len(h) != 1 || !strings.Contains(HistoryLine(h[0]), "NOT PRINTED") || !strings.Contains(HistoryLine(h[0]), "stopped") {
		t.Fatalf("history = %+v", h)
	}
	before := cups.PDFs()
	s.Reprint(s.History()[0].ID, s.printerFor(domain.DocManifest, "kedai-off"))
	run.Wait()
	if !strings.Contains(s.Status.Text, "sent to kedai-pdf again") {
		t.Fatalf("status after printing again: %q", s.Status.Text)
	}
	cups.WaitPDF(t, before, 60*time.Second)
	if h := s.History(); len(h) != 2 || h[0].State != domain.PrintAccepted || h[0].File != made.File {
		t.Errorf("history after printing again = %+v", h)
	}
}
