package market

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/kedai-app/kedai/domain"
)

// AWB labels: each platform makes its own shipping label for a package (sync/FULFILMENT.md,
// "AWB labels"); Kedai fetches it, keeps it, and prints it as it is.

// LabelOptions says which kind of label to ask for.
type LabelOptions struct {
	// Thermal asks Shopee for THERMAL_AIR_WAYBILL (an A6 label, what a thermal printer takes);
	// false asks for NORMAL_AIR_WAYBILL (an A4 page with the label in a corner). The zero value is
	// therefore NORMAL: start from DefaultLabelOptions. Lazada and TikTok ignore it.
	Thermal bool
	Size    string // TikTok document_size: "A6" (default) or "A5"; Lazada and Shopee ignore it
	Format  string // "pdf" (default) or "zpl" (TikTok only; others refuse zpl with a clear error)
}

// DefaultLabelOptions are what a thermal label printer takes on every platform.
var DefaultLabelOptions = LabelOptions{Thermal: true, Size: "A6", Format: LabelPDF}

// Label formats.
const (
	LabelPDF = "pdf"
	LabelZPL = "zpl"
)

// Label is one package's shipping label as the platform made it, never rescaled or edited.
type Label struct {
	OrderNo   string
	PackageID string
	Format    string // "pdf" or "zpl"
	Data      []byte
	Err       error // non-nil: this package's label could not be had (a *market.Error with the platform's code and message when the platform refused)
}

// LabelFetcher fetches labels for orders of the client's own shop; it keeps the platform's batch
// sizes and reports every package of every order it was given. Its error is for a failure that
// stopped the whole call (a cancelled context, a shop that must be linked again): the packages
// not reported failed with it.
type LabelFetcher interface {
	Labels(ctx context.Context, orders []domain.Order, opt LabelOptions) ([]Label, error)
}

// ErrNotPacked is the Label error of an order whose packages are not known yet.
var ErrNotPacked = errors.New("not packed yet: pack it first")

// Check fills in the defaults (Size A6, Format pdf) and refuses what no platform offers.
func (o LabelOptions) Check() (LabelOptions, error) {
	o.Size = strings.ToUpper(strings.TrimSpace(o.Size))
	o.Format = strings.ToLower(strings.TrimSpace(o.Format))
	if o.Size == "" {
		o.Size = "A6"
	}
	if o.Format == "" {
		o.Format = LabelPDF
	}
	if o.Size != "A6" && o.Size != "A5" {
		return o, fmt.Errorf("label size %q: use A6 or A5", o.Size)
	}
	if o.Format != LabelPDF && o.Format != LabelZPL {
		return o, fmt.Errorf("label format %q: use pdf or zpl", o.Format)
	}
	return o, nil
}

// Kind names the label a platform makes for these options: what the label cache keys on. Only
// what the platform's answer depends on counts (Lazada always makes one kind). It refuses ZPL on
// Lazada and Shopee, which do not make it.
func (o LabelOptions) Kind(p domain.Platform) (string, error) {
	o, err := o.Check()
	if err != nil {
		return "", err
	}
	switch p {
	case domain.Lazada, domain.Shopee:
		if o.Format == LabelZPL {
			return "", fmt.Errorf("%s makes no ZPL labels: print its PDF label", p.Title())
		}
		if p == domain.Shopee && !o.Thermal {
			return "pdf-normal", nil
		}
		return LabelPDF, nil
	case domain.TikTok:
		if o.Size == "A5" {
			return o.Format + "-a5", nil
		}
		return o.Format, nil
	}
	return "", fmt.Errorf("no labels for platform %q", p)
}

// LabelPackages lists the packages of the order a label is printed for, in the order the
// platform listed them: those holding a live (not cancelled) item, and those no item names (a
// platform that does not say which items travel in a package) unless every item is cancelled.
// None: the order is not packed yet.
func LabelPackages(o domain.Order) []domain.Package {
	named, live := map[string]bool{}, map[string]bool{}
	anyLive := len(o.Items) == 0
	for _, it := range o.Items {
		anyLive = anyLive || !it.Cancelled
		id := strings.TrimSpace(it.PackageID)
		if id == "" {
			continue
		}
		named[id] = true
		live[id] = live[id] || !it.Cancelled
	}
	var out []domain.Package
	seen := map[string]bool{}
	for _, p := range o.Packages {
		p.ID = strings.TrimSpace(p.ID)
		if p.ID == "" || seen[p.ID] || !(live[p.ID] || !named[p.ID] && anyLive) {
			continue
		}
		seen[p.ID] = true
		out = append(out, p)
	}
	for _, it := range o.Items {
		id := strings.TrimSpace(it.PackageID)
		if live[id] && !seen[id] {
			seen[id] = true
			out = append(out, domain.Package{ID: id})
		}
	}
	return out
}

// LabelPackageIDs lists the packages whose labels the orders want, in order, each once.
func LabelPackageIDs(orders []domain.Order) []string {
	var ids []string
	seen := map[string]bool{}
	for _, o := range orders {
		for _, p := range LabelPackages(o) {
			if !seen[p.ID] {
				seen[p.ID] = true
				ids = append(ids, p.ID)
			}
		}
	}
	return ids
}

// LabelsInOrder lays the labels fetched by package id out as Labels reports them: each order's
// packages in turn, an order without packages as not packed (in format), a package not fetched
// left out (what stopped the fetch is its fate). failed counts the labels that carry an error.
func LabelsInOrder(orders []domain.Order, format string, got map[string]Label) (out []Label, failed int) {
	for _, o := range orders {
		pkgs := LabelPackages(o)
		if len(pkgs) == 0 {
			out = append(out, NotPacked(o, format))
			failed++
			continue
		}
		for _, p := range pkgs {
			l, ok := got[p.ID]
			if !ok {
				continue
			}
			l.OrderNo, l.PackageID = o.OrderNo, p.ID
			if l.Err != nil {
				failed++
			}
			out = append(out, l)
		}
	}
	return out, failed
}

// NotPacked is the label of an order none of whose packages is known.
func NotPacked(o domain.Order, format string) Label {
	return Label{OrderNo: o.OrderNo, Format: format, Err: fmt.Errorf("order %s: %w", o.OrderNo, ErrNotPacked)}
}

// pdfcpu writes a config.yml and font files into the user's config folder the first time it
// makes a default configuration unless told not to; a label is only split or merged, which needs
// neither.
func init() { api.DisableConfigDir() }

func pdfConf() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// IsPDF reports whether data looks like a PDF file.
func IsPDF(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\n\r "), []byte("%PDF-"))
}

// PDFPages counts a PDF's pages.
func PDFPages(data []byte) (int, error) {
	if !IsPDF(data) {
		return 0, errors.New("not a PDF")
	}
	n, err := api.PageCount(bytes.NewReader(data), pdfConf())
	if err != nil {
		return 0, fmt.Errorf("reading the PDF: %w", err)
	}
	return n, nil
}

// SplitPDF cuts a PDF into one PDF per page, in order, each page as it was (same size, same
// content).
func SplitPDF(data []byte) ([][]byte, error) {
	if !IsPDF(data) {
		return nil, errors.New("not a PDF")
	}
	spans, err := api.SplitRaw(bytes.NewReader(data), 1, pdfConf())
	if err != nil {
		return nil, fmt.Errorf("splitting the PDF: %w", err)
	}
	out := make([][]byte, len(spans))
	for i, s := range spans {
		b, err := io.ReadAll(s.Reader)
		if err != nil {
			return nil, fmt.Errorf("splitting the PDF: page %d: %w", i+1, err)
		}
		out[i] = b
	}
	return out, nil
}
