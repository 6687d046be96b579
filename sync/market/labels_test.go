package market

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/kedai-app/kedai/domain"
)

func TestLabelKinds(t *testing.T) {
	for _, tc := range []struct {
		p    domain.Platform
		opt  LabelOptions
		want string // "" when refused
	}{
		{domain.Lazada, DefaultLabelOptions, "pdf"},
		{domain.Lazada, LabelOptions{Thermal: false, Size: "A5"}, "pdf"}, // Lazada makes one kind
		{domain.Lazada, LabelOptions{Format: "zpl"}, ""},
		{domain.Shopee, DefaultLabelOptions, "pdf"},
		{domain.Shopee, LabelOptions{}, "pdf-normal"},
		{domain.Shopee, LabelOptions{Thermal: true, Format: "ZPL"}, ""},
		{domain.TikTok, DefaultLabelOptions, "pdf"},
		{domain.TikTok, LabelOptions{Size: "a5"}, "pdf-a5"},
		{domain.TikTok, LabelOptions{Format: "zpl"}, "zpl"},
		{domain.TikTok, LabelOptions{Format: "zpl", Size: "A5"}, "zpl-a5"},
		{domain.TikTok, LabelOptions{Size: "A4"}, ""},
		{domain.TikTok, LabelOptions{Format: "png"}, ""},
	} {
		got, err := tc.opt.Kind(tc.p)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("%s %+v: %q %v, want %q", tc.p, tc.opt, got, err, tc.want)
		}
	}
	if _, err := (LabelOptions{Format: "zpl"}).Kind(domain.Lazada); err == nil || !strings.Contains(err.Error(), "Lazada makes no ZPL") {
		t.Errorf("Lazada ZPL: %v", err)
	}
	if o, err := (LabelOptions{}).Check(); err != nil || o.Size != "A6" || o.Format != "pdf" {
		t.Errorf("defaults: %+v %v", o, err)
	}
}

func TestLabelPackages(t *testing.T) {
	ids := func(ps []domain.Package) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	lazada := domain.Order{
		Packages: []domain.Package{{ID: "FP2", TrackingNo: "T2"}, {ID: "FP1", TrackingNo: "T1"}, {ID: "FP9", TrackingNo: "T9"}},
		Items:    []domain.Item{{PackageID: "FP1"}, {PackageID: "FP2"}, {PackageID: "FP9", Cancelled: true}, {PackageID: "FP3"}, {}},
	}
	if got := ids(LabelPackages(lazada)); !slices.Equal(got, []string{"FP2", "FP1", "FP3"}) {
		t.Errorf("Lazada: %v (a cancelled package is not labelled; an item's package Kedai has no row for is)", got)
	}
	if p := LabelPackages(lazada)[0]; p.TrackingNo != "T2" {
		t.Errorf("the package's tracking number is kept: %+v", p)
	}
	shopee := domain.Order{Packages: []domain.Package{{ID: "OFG1"}}, Items: []domain.Item{{SKU: "A"}}} // items name no package
	if got := ids(LabelPackages(shopee)); !slices.Equal(got, []string{"OFG1"}) {
		t.Errorf("Shopee: %v", got)
	}
	shopee.Items[0].Cancelled = true
	if got := LabelPackages(shopee); len(got) != 0 {
		t.Errorf("every item cancelled: %v", got)
	}
	if got := LabelPackages(domain.Order{Items: []domain.Item{{SKU: "A"}}}); len(got) != 0 {
		t.Errorf("not packed: %v", got)
	}
	l := NotPacked(domain.Order{OrderNo: "123"}, LabelPDF)
	if !errors.Is(l.Err, ErrNotPacked) || l.Err.Error() != "order 123: not packed yet: pack it first" || l.OrderNo != "123" {
		t.Errorf("NotPacked: %+v", l)
	}
}

// SplitPDF gives back each page as it was: poppler sees the same sizes and the same text.
func TestSplitPDFKeepsPages(t *testing.T) {
	tool := func(name string, args ...string) string {
		t.Helper()
		path, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s is not installed: apt-get install poppler-utils", name)
		}
		out, err := exec.Command(path, args...).Output()
		if err != nil {
			t.Fatalf("%s %v: %v", name, args, err)
		}
		return string(out)
	}
	file := func(b []byte) string {
		p := filepath.Join(t.TempDir(), "x.pdf")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	size := regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+(.*)$`)
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 105, Ht: 148}})
	pdf.SetFont("Helvetica", "", 12)
	sizes := []fpdf.SizeType{{Wd: 105, Ht: 148}, {Wd: 210, Ht: 297}, {Wd: 148, Ht: 210}}
	for i, s := range sizes {
		pdf.AddPageFormat("P", s)
		pdf.Text(10, 20, "PACKAGE-"+string(rune('A'+i)))
	}
	var doc bytes.Buffer
	if err := pdf.Output(&doc); err != nil {
		t.Fatal(err)
	}
	if n, err := PDFPages(doc.Bytes()); n != 3 || err != nil {
		t.Fatalf("PDFPages: %d %v", n, err)
	}
	whole := size.FindAllStringSubmatch(tool("pdfinfo", "-f", "1", "-l", "3", file(doc.Bytes())), -1)
	pages, err := SplitPDF(doc.Bytes())
	if err != nil || len(pages) != 3 || len(whole) != 3 {
		t.Fatalf("SplitPDF: %d pages (%d sizes) %v", len(pages), len(whole), err)
	}
	for i, p := range pages {
		path := file(p)
		info := tool("pdfinfo", path)
		got := size.FindStringSubmatch(tool("pdfinfo", "-f", "1", "-l", "1", path))
		if !strings.Contains(info, "Pages:           1\n") || got == nil || got[1] != whole[i][1] {
			t.Errorf("page %d: %v, want one page of %s", i+1, got, whole[i][1])
		}
		if text := tool("pdftotext", path, "-"); strings.TrimSpace(text) != "PACKAGE-"+string(rune('A'+i)) {
			t.Errorf("page %d text %q", i+1, text)
		}
	}
	for _, bad := range [][]byte{nil, []byte("<html>no</html>"), []byte("%PDF-1.4 broken")} {
		if _, err := SplitPDF(bad); err == nil {
			t.Errorf("SplitPDF(%q) did not fail", bad)
		}
		if _, err := PDFPages(bad); err == nil {
			t.Errorf("PDFPages(%q) did not fail", bad)
		}
	}
}
