//go:build linux

package printing

// These tests print through a real CUPS scheduler: package cupstest's private cupsd and queues.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/kedai-app/kedai/reports/printing/cupstest"
)

func TestMain(m *testing.M) { os.Exit(cupstest.Main(m)) }

// startCUPS is the test binary's private scheduler.
func startCUPS(t *testing.T) *cupstest.Server { return cupstest.Use(t) }

// waitJob polls JobState until the job reaches want, or fails the test.
func waitJob(c *cupstest.Server, t *testing.T, to Destination, id, want string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	last := ""
	for time.Now().Before(deadline) {
		state, err := JobState(context.Background(), to, id)
		if err != nil {
			t.Fatalf("JobState(%s, %q): %v", to, id, err)
		}
		if state == want {
			return
		}
		last = state
		if (state == JobCompleted || state == JobCancelled || state == JobAborted || state == JobStopped) && state != want {
			break
		}
		time.Sleep(150 * time.Millisecond)
	}
	t.Fatalf("job %s is %q, want %q\nscheduler log:\n%s", id, last, want, jobLog(c, id))
}

// jobLog is what the scheduler logged about one job, for failure messages.
func jobLog(c *cupstest.Server, id string) string {
	n, err := jobNumber(id)
	if err != nil {
		return c.LogTail()
	}
	data, _ := os.ReadFile(filepath.Join(c.Dir, "log", "error_log"))
	tag := fmt.Sprintf("[Job %d]", n)
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, tag) && !strings.Contains(line, "envp[") {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines[max(0, len(lines)-60):], "\n")
}

// queuedJobs lists the jobs of a queue, whatever their state.
func queuedJobs(c *cupstest.Server, t *testing.T, queue string) []string {
	t.Helper()
	out, err := c.Run("lpstat", "-W", "all", "-o", queue)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(line, "\t") {
			ids = append(ids, f[0])
		}
	}
	return ids
}

// pickingListPDF makes a small real PDF with text to find again.
func pickingListPDF(t *testing.T, lines []string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Picking list", false)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 14)
	for _, l := range lines {
		pdf.Cell(0, 10, l)
		pdf.Ln(10)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfText is what pdftotext reads in a PDF, with the spacing evened out.
func pdfText(t *testing.T, c *cupstest.Server, path string) string {
	t.Helper()
	out, err := exec.Command(c.Bin["pdftotext"], "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestPrintersCUPS(t *testing.T) {
	c := startCUPS(t)
	printers, err := Printers(context.Background())
	if err != nil {
		t.Fatalf("Printers: %v\n%s", err, c.LogTail())
	}
	want := map[string]Printer{
		"kedai-pdf":  {Name: "kedai-pdf", Description: "Kedai PDF test", Default: true, State: StateIdle, Accepting: true},
		"kedai-raw":  {Name: "kedai-raw", Description: "Kedai label test", State: StateIdle, Accepting: true},
		"kedai-off":  {Name: "kedai-off", Description: "Kedai disabled test", State: StateStopped, Reason: "Paused by the Kedai test", Accepting: true},
		"kedai-rej":  {Name: "kedai-rej", Description: "Kedai rejecting test", State: StateIdle, Reason: "Not taking jobs in the Kedai test", Accepting: false},
		"kedai-slow": {Name: "kedai-slow", Description: "Kedai slow label test", State: StateIdle, Accepting: true},
	}
	got := map[string]Printer{}
	defaults := 0
	for i, p := range printers {
		got[p.Name] = p
		if p.Default {
			defaults++
		}
		if i > 0 && strings.ToLower(printers[i-1].Name) > strings.ToLower(p.Name) {
			t.Errorf("printers are not in order of name: %q before %q", printers[i-1].Name, p.Name)
		}
	}
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("Printers has no %s: %+v", name, printers)
		} else if g != w {
			t.Errorf("Printers gives %s as\n%+v, want\n%+v", name, g, w)
		}
	}
	if defaults != 1 {
		t.Errorf("%d printers are marked default, want 1: %+v", defaults, printers)
	}
}

func TestPrintPDFCUPS(t *testing.T) {
	c := startCUPS(t)
	ctx := context.Background()
	lines := []string{"Kedai picking list PL-20260122-007", "KD-001 Kopi O Kosong 3 x", "KD-002 Teh Tarik 1kg 12 x", "Shopee 2601229KX3 Lazada 8812345"}
	sent := pickingListPDF(t, lines)
	to, err := ParseDestination("kedai-pdf")
	if err != nil {
		t.Fatal(err)
	}
	id, err := Print(ctx, to, Document{Title: "Picking list PL-007", Format: FormatPDF, Data: sent})
	if err != nil {
		t.Fatalf("Print: %v\n%s", err, c.LogTail())
	}
	if !regexp.MustCompile(`^kedai-pdf-[0-9]+$`).MatchString(id) {
		t.Fatalf("job id %q is not the spooler's (kedai-pdf-N)", id)
	}
	waitJob(c, t, to, id, JobCompleted, 45*time.Second)

	n, _ := jobNumber(id)
	// cups-pdf names the file job_<N>-<title>.pdf (Label 1 in its configuration).
	var out string
	for deadline := time.Now().Add(10 * time.Second); out == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		m, _ := filepath.Glob(filepath.Join(c.PDFOut, fmt.Sprintf("job_%d-*.pdf", n)))
		if len(m) == 1 {
			out = m[0]
		}
	}
	if out == "" {
		entries, _ := os.ReadDir(c.PDFOut)
		t.Fatalf("cups-pdf wrote no job_%d-*.pdf in %s (it has %v)\n%s", n, c.PDFOut, entries, c.LogTail())
	}
	sentPath := filepath.Join(t.TempDir(), "sent.pdf")
	if err := os.WriteFile(sentPath, sent, 0o644); err != nil {
		t.Fatal(err)
	}
	wantText, gotText := pdfText(t, c, sentPath), pdfText(t, c, out)
	if gotText != wantText {
		t.Errorf("the printed PDF reads\n%q\nthe one sent\n%q", gotText, wantText)
	}
	for _, l := range lines {
		if !strings.Contains(gotText, strings.Join(strings.Fields(l), " ")) {
			t.Errorf("the printed PDF lacks %q: %q", l, gotText)
		}
	}
}

func TestPrintRawCUPS(t *testing.T) {
	c := startCUPS(t)
	ctx := context.Background()
	to, err := ParseDestination("raw:kedai-raw")
	if err != nil {
		t.Fatal(err)
	}
	label := []byte("^XA\n^FO40,40^BCN,100,Y,N,N^FD2601229KX3^FS\n^FO40,200^A0N,30,30^FDKedai \xc3\xa9 \x00\x01\x7f\x80\xfe\xff^FS\n^XZ\n")
	big := bytes.Repeat(label, 5000) // ~450 KB
	tests := []struct {
		name   string
		data   []byte
		copies int
		want   []byte
	}{
		{"label", label, 1, label},
		{"two copies", label, 2, bytes.Repeat(label, 2)},
		{"a roll of labels", big, 0, big},
	}
	for _, tt := range tests {
		id, err := Print(ctx, to, Document{Title: "AWB " + tt.name, Format: FormatZPL, Data: tt.data, Copies: tt.copies})
		if err != nil {
			t.Fatalf("%s: Print: %v\n%s", tt.name, err, c.LogTail())
		}
		var got []byte
		select {
		case got = <-c.Jobs:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: kedai-raw's device got nothing within 30 s\n%s", tt.name, c.LogTail())
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("%s: the device got %d bytes, not the %d sent (first difference at %d)", tt.name, len(got), len(tt.want), firstDiff(got, tt.want))
		}
		waitJob(c, t, to, id, JobCompleted, 30*time.Second)
		// The same through lpstat, for schedulers that will not answer IPP.
		if state, err := lpstatJobState(ctx, "kedai-raw", id); err != nil || state != JobCompleted {
			t.Errorf("%s: lpstatJobState(%s) = %q, %v; want completed", tt.name, id, state, err)
		}
	}
}

func TestPrintRefusedCUPS(t *testing.T) {
	c := startCUPS(t)
	ctx := context.Background()
	pdf := pickingListPDF(t, []string{"refused"})
	zpl := []byte("^XA^FDrefused^FS^XZ")

	// Unknown printers, as a PDF queue and as a raw one.
	for _, dest := range []string{"kedai-nosuch", "raw:kedai-nosuch"} {
		to, _ := ParseDestination(dest)
		doc := Document{Title: "x", Format: FormatPDF, Data: pdf}
		if to.Kind == KindRaw {
			doc = Document{Title: "x", Format: FormatZPL, Data: zpl}
		}
		_, err := Print(ctx, to, doc)
		if !errors.Is(err, ErrUnknownPrinter) {
			t.Errorf("Print to %s = %v, want ErrUnknownPrinter", dest, err)
		} else if err.Error() != `printer "kedai-nosuch" is not known to this computer` {
			t.Errorf("Print to %s: message %q", dest, err)
		}
	}

	// Disabled and not accepting: refused with CUPS's reason, and nothing queued.
	refusals := []struct {
		dest, state, message string
	}{
		{"kedai-off", StateStopped, `printer "kedai-off" is stopped (paused or disabled in the print queue): Paused by the Kedai test`},
		{"raw:kedai-off", StateStopped, `printer "kedai-off" is stopped (paused or disabled in the print queue): Paused by the Kedai test`},
		{"kedai-rej", "not accepting jobs", `printer "kedai-rej" is not accepting jobs: Not taking jobs in the Kedai test`},
	}
	for _, r := range refusals {
		to, _ := ParseDestination(r.dest)
		doc := Document{Title: "x", Format: FormatPDF, Data: pdf}
		if to.Kind == KindRaw {
			doc = Document{Title: "x", Format: FormatZPL, Data: zpl}
		}
		_, err := Print(ctx, to, doc)
		var pe *PrinterError
		if !errors.Is(err, ErrPrinterOffline) || !errors.As(err, &pe) {
			t.Errorf("Print to %s = %v, want a PrinterError for ErrPrinterOffline", r.dest, err)
			continue
		}
		if pe.State != r.state || err.Error() != r.message {
			t.Errorf("Print to %s: state %q, message %q; want %q, %q", r.dest, pe.State, err, r.state, r.message)
		}
		if jobs := queuedJobs(c, t, to.Name); len(jobs) > 0 {
			t.Errorf("Print to %s queued %v", r.dest, jobs)
		}
	}

	// ZPL to a PDF queue: refused before anything reaches the spooler.
	before := queuedJobs(c, t, "kedai-pdf")
	_, err := Print(ctx, Destination{Kind: KindQueue, Name: "kedai-pdf"}, Document{Title: "AWB", Format: FormatZPL, Data: zpl})
	if !errors.Is(err, ErrWrongFormat) || !strings.Contains(err.Error(), `label data (ZPL) cannot be sent to the print queue "kedai-pdf"`) {
		t.Errorf("Print(ZPL to kedai-pdf) = %v, want ErrWrongFormat", err)
	}
	if after := queuedJobs(c, t, "kedai-pdf"); len(after) != len(before) {
		t.Errorf("Print(ZPL to kedai-pdf) queued a job: %v, then %v", before, after)
	}

	// A job the spooler never had.
	if state, err := JobState(ctx, Destination{Kind: KindQueue, Name: "kedai-pdf"}, "kedai-pdf-99999"); err != nil || state != JobUnknown {
		t.Errorf("JobState(kedai-pdf-99999) = %q, %v; want unknown", state, err)
	}
	if state, err := lpstatJobState(ctx, "kedai-pdf", "kedai-pdf-99999"); err != nil || state != JobUnknown {
		t.Errorf("lpstatJobState(kedai-pdf-99999) = %q, %v; want unknown", state, err)
	}
}

func TestJobStatesCUPS(t *testing.T) {
	c := startCUPS(t)
	ctx := context.Background()
	slow := Destination{Kind: KindRaw, Name: "kedai-slow"}
	zpl := []byte("^XA^FDslow^FS^XZ")

	// The first job goes to a device that takes the connection and never finishes; the
	// second waits behind it.
	first, err := Print(ctx, slow, Document{Title: "first", Format: FormatZPL, Data: zpl})
	if err != nil {
		t.Fatalf("Print: %v", err)
	}
	waitJob(c, t, slow, first, JobPrinting, 20*time.Second)
	second, err := Print(ctx, slow, Document{Title: "second", Format: FormatZPL, Data: zpl})
	if err != nil {
		t.Fatalf("Print: %v", err)
	}
	if state, err := JobState(ctx, slow, second); err != nil || state != JobPending {
		t.Errorf("JobState(%s) = %q, %v; want pending", second, state, err)
	}
	if state, err := lpstatJobState(ctx, "kedai-slow", first); err != nil || state != JobPrinting {
		t.Errorf("lpstatJobState(%s) = %q, %v; want printing", first, state, err)
	}
	if state, err := lpstatJobState(ctx, "kedai-slow", second); err != nil || state != JobPending {
		t.Errorf("lpstatJobState(%s) = %q, %v; want pending", second, state, err)
	}
	printers, err := Printers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range printers {
		if p.Name == "kedai-slow" && p.State != StatePrinting {
			t.Errorf("kedai-slow is %q while printing %s", p.State, first)
		}
	}
	for _, id := range []string{second, first} {
		if _, err := c.Run("cancel", id); err != nil {
			t.Fatal(err)
		}
		waitJob(c, t, slow, id, JobCancelled, 20*time.Second)
	}

	// A document its filters cannot read: CUPS stops the job (processing-stopped) and goes on
	// with the queue.
	bad := Destination{Kind: KindQueue, Name: "kedai-bad"}
	id, err := Print(ctx, bad, Document{Title: "broken", Format: FormatPDF, Data: []byte("%PDF-1.4\nthis is not a PDF at all\n")})
	if err != nil {
		t.Fatalf("Print: %v", err)
	}
	waitJob(c, t, bad, id, JobStopped, 30*time.Second)
}

func TestPrintServiceDownCUPS(t *testing.T) {
	c := startCUPS(t)
	// A scheduler socket nobody listens on.
	t.Setenv("CUPS_SERVER", filepath.Join(c.Dir, "nobody.sock"))
	ctx := context.Background()
	if _, err := Printers(ctx); !errors.Is(err, ErrPrintService) || !strings.Contains(err.Error(), "the print service (CUPS) is not running") {
		t.Errorf("Printers without a scheduler = %v, want ErrPrintService", err)
	}
	_, err := Print(ctx, Destination{Kind: KindQueue, Name: "kedai-pdf"}, Document{Title: "x", Format: FormatPDF, Data: pickingListPDF(t, []string{"x"})})
	if !errors.Is(err, ErrPrintService) {
		t.Errorf("Print without a scheduler = %v, want ErrPrintService", err)
	}
}
