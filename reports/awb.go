package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/kedai-app/kedai/domain"
)

// AWB labels: the platforms make them (sync/FULFILMENT.md, "AWB labels"); Kedai only puts them in
// the order the packer wants and joins them into one PDF for the printer, every page exactly as
// the platform made it.

// AWBOrder is the order labels are printed in.
type AWBOrder string

const (
	ByOrderDate AWBOrder = "date"
	ByStore     AWBOrder = "store"
	BySKU       AWBOrder = "sku"
)

// SortForAWB sorts orders for printing: by order creation date (oldest first), by store name then
// date, or by the first live item's SKU then date. Stable. An unknown order sorts by date; orders
// without a SKU come after those with one.
func SortForAWB(orders []domain.Order, by AWBOrder) {
	byDate := func(a, b domain.Order) int { return a.CreatedAt.Compare(b.CreatedAt) }
	switch by {
	case ByStore:
		slices.SortStableFunc(orders, func(a, b domain.Order) int {
			if c := strings.Compare(strings.ToLower(a.StoreName), strings.ToLower(b.StoreName)); c != 0 {
				return c
			}
			return byDate(a, b)
		})
	case BySKU:
		slices.SortStableFunc(orders, func(a, b domain.Order) int {
			sa, sb := firstLiveSKU(a), firstLiveSKU(b)
			switch {
			case sa == sb:
				return byDate(a, b)
			case sa == "":
				return 1
			case sb == "":
				return -1
			}
			return strings.Compare(sa, sb)
		})
	default:
		slices.SortStableFunc(orders, byDate)
	}
}

// firstLiveSKU is the SKU of the order's first item not cancelled (of its first item when all
// are), as the seller keys it.
func firstLiveSKU(o domain.Order) string {
	for _, it := range o.Items {
		if !it.Cancelled {
			return strings.TrimSpace(it.SKU)
		}
	}
	if len(o.Items) > 0 {
		return strings.TrimSpace(o.Items[0].SKU)
	}
	return ""
}

// pdfcpu writes a config.yml and font files into the user's config folder the first time it
// makes a default configuration unless told not to; merging needs neither.
func init() { api.DisableConfigDir() }

// MergeLabels writes one PDF of all the given PDF labels in the given order, pages exactly as the
// platforms made them (never rescaled, cropped or edited: same MediaBox per page), via pdfcpu's
// merge. Empty input or a label that is not a PDF gives a clear error naming it. Nothing is
// written unless the whole merge succeeds.
func MergeLabels(w io.Writer, labels [][]byte) error {
	if len(labels) == 0 {
		return errors.New("no labels to merge")
	}
	rs := make([]io.ReadSeeker, len(labels))
	for i, l := range labels {
		if !looksLikePDF(l) {
			return fmt.Errorf("label %d of %d is not a PDF (it starts %q)", i+1, len(labels), l[:min(len(l), 12)])
		}
		rs[i] = bytes.NewReader(l)
	}
	var out bytes.Buffer
	if err := api.MergeRaw(rs, &out, false, model.NewDefaultConfiguration()); err != nil {
		// Name the label pdfcpu could not read.
		for i, l := range labels {
			if _, verr := api.ReadAndValidate(bytes.NewReader(l), model.NewDefaultConfiguration()); verr != nil {
				return fmt.Errorf("label %d of %d cannot be read as a PDF: %w", i+1, len(labels), verr)
			}
		}
		return fmt.Errorf("merging %d labels: %w", len(labels), err)
	}
	_, err := w.Write(out.Bytes())
	return err
}

func looksLikePDF(b []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(b[:min(len(b), 1024)], "\x00\t\n\r "), []byte("%PDF-"))
}
