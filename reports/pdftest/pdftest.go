// Package pdftest reads documents back the way a warehouse meets them, for tests: poppler reads
// the text and page sizes and renders the pages at printer resolution, zbar decodes the barcodes
// off the rendered pages. A missing tool fails the test with the Debian package that installs it.
package pdftest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// debianPackage names the package that installs each tool the tests run.
var debianPackage = map[string]string{
	"pdftotext": "poppler-utils",
	"pdftoppm":  "poppler-utils",
	"pdfinfo":   "poppler-utils",
	"pdfimages": "poppler-utils",
	"zbarimg":   "zbar-tools",
}

// Run runs a tool and returns its standard output; a missing tool or a failure fails the test.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := RunStatus(t, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

// RunStatus is Run for tools whose exit status is an answer (zbarimg exits 4 when it finds no
// barcode); the error carries the standard error.
func RunStatus(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: install the Debian package %s (apt-get install %s)", name, debianPackage[name], debianPackage[name])
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// WritePDF makes a document into a file in the test's temporary directory.
func WritePDF(t testing.TB, name string, doc func(io.Writer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := doc(&buf); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("%s: the output is not a PDF (starts %q)", name, buf.Bytes()[:min(buf.Len(), 16)])
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Text is the document's text laid out as on the page, pages separated by form feeds.
func Text(t testing.TB, path string) string {
	t.Helper()
	return Run(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-")
}

// PageTexts is the text of each page.
func PageTexts(t testing.TB, path string) []string {
	t.Helper()
	pages := strings.Split(Text(t, path), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

var pageSizeLine = regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts`)

// PageSizes is the size of every page in points, as pdfinfo reports it ("297.64x419.53").
func PageSizes(t testing.TB, path string) []string {
	t.Helper()
	info := Run(t, "pdfinfo", path)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count in\n%s", path, info)
	}
	out := Run(t, "pdfinfo", "-f", "1", "-l", m[1], path)
	var sizes []string
	for _, l := range pageSizeLine.FindAllStringSubmatch(out, -1) {
		sizes = append(sizes, l[2]+"x"+l[3])
	}
	if n, _ := strconv.Atoi(m[1]); len(sizes) != n {
		t.Fatalf("pdfinfo %s: %d pages but %d page sizes", path, n, len(sizes))
	}
	return sizes
}

// Decoded is one barcode zbar read: its symbology ("CODE-128", "QR-Code") and its text.
type Decoded struct{ Type, Data string }

func (d Decoded) String() string { return d.Type + ":" + d.Data }

// Barcodes renders every page at dpi and decodes its barcodes with zbar; the result has one
// list per page. zbarimg without --raw is used so each value comes with its symbology: an order
// number read off the QR code instead of the Code128 counts as wrong.
func Barcodes(t testing.TB, path string, dpi int) [][]Decoded {
	t.Helper()
	dir := t.TempDir()
	Run(t, "pdftoppm", "-r", strconv.Itoa(dpi), "-png", path, filepath.Join(dir, "page"))
	files, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil || len(files) == 0 {
		t.Fatalf("pdftoppm %s: no page images (%v)", path, err)
	}
	sort.Slice(files, func(i, j int) bool { return pageIndex(files[i]) < pageIndex(files[j]) })
	pages := make([][]Decoded, len(files))
	for i, f := range files {
		out, err := RunStatus(t, "zbarimg", "-q", f)
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4) { // 4: no barcode found
			t.Fatalf("zbarimg %s: %v", f, err)
		}
		for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if line == "" {
				continue
			}
			typ, data, ok := strings.Cut(line, ":")
			if !ok {
				t.Fatalf("zbarimg %s: unexpected line %q", f, line)
			}
			pages[i] = append(pages[i], Decoded{typ, data})
		}
	}
	return pages
}

func pageIndex(path string) int {
	base := strings.TrimSuffix(filepath.Base(path), ".png")
	n, _ := strconv.Atoi(base[strings.LastIndex(base, "-")+1:])
	return n
}

// CheckBarcodeSet fails unless the barcodes decoded off all pages are exactly want: none
// missing, none extra.
func CheckBarcodeSet(t testing.TB, pages [][]Decoded, want []Decoded) {
	t.Helper()
	got := map[Decoded]bool{}
	for _, p := range pages {
		for _, d := range p {
			got[d] = true
		}
	}
	wanted := map[Decoded]bool{}
	for _, d := range want {
		wanted[d] = true
	}
	var missing, extra []string
	for d := range wanted {
		if !got[d] {
			missing = append(missing, d.String())
		}
	}
	for d := range got {
		if !wanted[d] {
			extra = append(extra, d.String())
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("barcodes: %d expected, %d decoded\nmissing: %q\nextra: %q", len(wanted), len(got), missing, extra)
	}
}

// Code128 and QR are the values zbar reports for a Code128 barcode and a QR code.
func Code128(s string) Decoded { return Decoded{"CODE-128", s} }

// QR is a QR code's value as zbar reports it.
func QR(s string) Decoded { return Decoded{"QR-Code", s} }

// Values is every barcode value decoded off the PDF's pages at dpi, sorted, whatever its kind.
func Values(t testing.TB, path string, dpi int) []string {
	t.Helper()
	var out []string
	for _, page := range Barcodes(t, path, dpi) {
		for _, d := range page {
			out = append(out, d.Data)
		}
	}
	sort.Strings(out)
	return out
}

// File writes a document's bytes to a file in the test's temporary directory.
func File(t testing.TB, data []byte, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// CheckLabel reads a one-package shipping label back: one page of wantW x wantH mm (rounded)
// whose text shows the order number and the tracking number, and whose only barcode is exactly
// the tracking number.
func CheckLabel(t testing.TB, pdf []byte, what, orderNo, tracking string, wantW, wantH int) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("%s: not a PDF label (%.20q)", what, pdf)
	}
	path := File(t, pdf, "label.pdf")
	sizes := PageSizes(t, path)
	if len(sizes) != 1 {
		t.Fatalf("%s: %d pages, want 1", what, len(sizes))
	}
	w, h, _ := strings.Cut(sizes[0], "x")
	wf, _ := strconv.ParseFloat(w, 64)
	hf, _ := strconv.ParseFloat(h, 64)
	if int(wf*25.4/72+0.5) != wantW || int(hf*25.4/72+0.5) != wantH {
		t.Errorf("%s: page %s pt, want %dx%d mm", what, sizes[0], wantW, wantH)
	}
	if text := Text(t, path); !strings.Contains(text, tracking) || !strings.Contains(text, orderNo) {
		t.Errorf("%s: the text lacks tracking %s or order %s:\n%s", what, tracking, orderNo, text)
	}
	if got := Values(t, path, 203); len(got) != 1 || got[0] != tracking {
		t.Errorf("%s: barcodes %q, want only %q", what, got, tracking)
	}
}
