package reports

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// manifestPages splits a manifests PDF's pages by courier: a manifest starts on the page whose
// title is not "(continued)".
func manifestPages(t *testing.T, pages []string) (titles []string, byCourier map[string][]string) {
	t.Helper()
	byCourier = map[string][]string{}
	current := ""
	for i, p := range pages {
		first := strings.TrimSpace(strings.SplitN(strings.TrimSpace(p), "\n", 2)[0])
		title, ok := strings.CutPrefix(first, "Courier manifest — ")
		if !ok {
			t.Fatalf("page %d does not start with a manifest title:\n%s", i+1, p)
		}
		title = strings.TrimSpace(strings.Split(title, "  ")[0]) // the print date follows on the right
		if name, cont := strings.CutSuffix(title, " (continued)"); cont {
			if name != current {
				t.Fatalf("page %d continues %q after %q", i+1, name, current)
			}
		} else {
			current = title
			titles = append(titles, title)
		}
		byCourier[current] = append(byCourier[current], p)
	}
	return titles, byCourier
}

func TestManifests(t *testing.T) {
	orders := sampleOrders()
	wantProviders := []ProviderCount{{"J&T Express", 2}, {"LEX MY", 2}, {"SPX Express", 2}}
	if got := ManifestProviders(orders); !reflect.DeepEqual(got, wantProviders) {
		t.Fatalf("ManifestProviders = %v, want %v", got, wantProviders)
	}
	// tracking number -> courier, order, store
	parcels := []struct{ tracking, courier, order, store string }{
		{"630012345678", "J&T Express", "577012345678901234", "Kedai Runcit TikTok"},
		{"630099999999", "J&T Express", "251110QQQQ0001", "Kedai Runcit Shopee 2"},
		{"MYLZD123456789012", "LEX MY", "213456789012345", "Kedai Runcit Lazada"},
		{"SPXMY041234567890", "SPX Express", "251110ABCD7XYZ", "Kedai Runcit Shopee"},
		{"SPXMY041234567891", "SPX Express", "251110ABCD7XYZ", "Kedai Runcit Shopee"},
	}
	for _, p := range PageSizes {
		t.Run(string(p), func(t *testing.T) {
			path := writePDF(t, "manifest-"+string(p)+".pdf", func(w io.Writer) error {
				return Manifests(w, orders, Options{Page: p, Now: printedAt})
			})
			checkPageSizes(t, path, p, 0)
			titles, byCourier := manifestPages(t, pdfPageTexts(t, path))
			if want := []string{"J&T Express", "LEX MY", "SPX Express"}; !reflect.DeepEqual(titles, want) {
				t.Fatalf("manifests for %q, want %q", titles, want)
			}
			for _, pc := range wantProviders {
				pages := byCourier[pc.Provider]
				text := strings.Join(pages, "\n")
				for i, page := range pages {
					if !strings.Contains(page, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
						t.Errorf("%s page %d: no page number of its manifest", pc.Provider, i+1)
					}
				}
				count := fmt.Sprintf("Parcels: %d", pc.Parcels)
				if !strings.Contains(text, count) {
					t.Errorf("%s: no %q in\n%s", pc.Provider, count, text)
				}
				for _, want := range []string{"Printed 2025-11-11 14:30", "Handed over by", "Received by courier (" + pc.Provider + ")",
					"Name:", "Signature:", "Date/time:", "Parcels received:"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s: no %q in\n%s", pc.Provider, want, text)
					}
				}
				for _, pa := range parcels {
					listed := hasRow(text, pa.tracking, pa.order) && strings.Contains(text, pa.store)
					if listed != (pa.courier == pc.Provider) {
						t.Errorf("%s: parcel %s (%s) listed %v\n%s", pc.Provider, pa.tracking, pa.courier, listed, text)
					}
				}
			}
			// LEX MY's second parcel has no tracking number yet: listed under a warning.
			lex := flatText(strings.Join(byCourier["LEX MY"], "\n"))
			for _, want := range []string{"Parcels: 2 (1 without a tracking number yet", "No tracking number yet — 1 parcel", "FP002 213456789099999"} {
				if !strings.Contains(lex, want) {
					t.Errorf("LEX MY: no %q in\n%s", want, lex)
				}
			}
			if !strings.Contains(flatText(strings.Join(byCourier["J&T Express"], "\n")), "Stores: Kedai Runcit Shopee 2, Kedai Runcit TikTok") {
				t.Errorf("J&T Express: the stores are not named")
			}

			var want []decoded
			for _, pa := range parcels {
				want = append(want, code128Of(pa.tracking))
			}
			for _, dpi := range dpis[p] {
				checkBarcodeSet(t, pdfBarcodes(t, path, dpi), want)
			}
		})
	}
}

// Orders a platform ships under one tracking number are one parcel; an order not packed yet is
// not dropped but listed, without a courier, as not ready.
func TestManifestsCombinedAndUnpacked(t *testing.T) {
	orders := sampleOrders()[:3]
	combined := orders[0]
	combined.OrderNo, combined.Items = "213456789077777", combined.Items[:1]
	unpacked := orders[2]
	unpacked.OrderNo, unpacked.Packages = "577099999999999999", nil
	orders = append(orders, combined, unpacked)

	want := []ProviderCount{{"J&T Express", 1}, {"LEX MY", 1}, {"SPX Express", 2}, {"", 1}}
	if got := ManifestProviders(orders); !reflect.DeepEqual(got, want) {
		t.Fatalf("ManifestProviders = %v, want %v", got, want)
	}
	path := writePDF(t, "combined.pdf", func(w io.Writer) error {
		return Manifests(w, orders, Options{Page: A4, Now: printedAt})
	})
	titles, byCourier := manifestPages(t, pdfPageTexts(t, path))
	if w := []string{"J&T Express", "LEX MY", "SPX Express", "no courier assigned yet"}; !reflect.DeepEqual(titles, w) {
		t.Fatalf("manifests for %q, want %q", titles, w)
	}
	lex := byCourier["LEX MY"][0]
	if !hasRow(lex, "MYLZD123456789012", "213456789012345,") || !strings.Contains(lex, "213456789077777") ||
		strings.Count(lex, "MYLZD123456789012") != 1 || !strings.Contains(lex, "Parcels: 1") {
		t.Errorf("the combined parcel should be one parcel listing both orders:\n%s", lex)
	}
	none := flatText(strings.Join(byCourier["no courier assigned yet"], "\n"))
	for _, w := range []string{"Parcels: 1", "No tracking number yet — 1 parcel", "not packed yet 577099999999999999"} {
		if !strings.Contains(none, w) {
			t.Errorf("no %q in\n%s", w, none)
		}
	}
	checkBarcodeSet(t, pdfBarcodes(t, path, 300), []decoded{
		code128Of("630012345678"), code128Of("MYLZD123456789012"), code128Of("SPXMY041234567890"), code128Of("SPXMY041234567891"),
	})
}

// A courier's long manifest flows over pages, each with the headings and the manifest's own
// page numbers; every tracking number is listed once, with its barcode.
func TestManifestsManyParcels(t *testing.T) {
	for _, c := range []struct {
		p      PageSize
		orders int
	}{{A6, 70}, {A4, 70}} {
		t.Run(string(c.p), func(t *testing.T) {
			orders := genOrders(c.orders)
			counts := map[string]int{}
			var want []decoded
			for _, o := range orders {
				for _, p := range o.Packages {
					counts[p.Provider]++
					want = append(want, code128Of(p.TrackingNo))
				}
			}
			got := ManifestProviders(orders)
			if len(got) != len(counts) {
				t.Fatalf("ManifestProviders = %v, want the couriers of %v", got, counts)
			}
			for i, pc := range got {
				if pc.Parcels != counts[pc.Provider] {
					t.Errorf("%s: %d parcels, want %d", pc.Provider, pc.Parcels, counts[pc.Provider])
				}
				if i > 0 && !naturalLess(got[i-1].Provider, pc.Provider) {
					t.Errorf("couriers out of order: %v", got)
				}
			}
			path := writePDF(t, "many.pdf", func(w io.Writer) error {
				return Manifests(w, orders, Options{Page: c.p, Now: printedAt})
			})
			checkPageSizes(t, path, c.p, 0)
			_, byCourier := manifestPages(t, pdfPageTexts(t, path))
			longest := 0
			for courier, pages := range byCourier {
				longest = max(longest, len(pages))
				for i, page := range pages {
					if !strings.Contains(page, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
						t.Errorf("%s page %d: no page number", courier, i+1)
					}
					if i < len(pages)-1 && !strings.Contains(page, "Tracking number") {
						t.Errorf("%s page %d: no column headings", courier, i+1)
					}
				}
				text := strings.Join(pages, "\n")
				if !strings.Contains(text, fmt.Sprintf("Parcels: %d", counts[courier])) {
					t.Errorf("%s: no parcel count %d", courier, counts[courier])
				}
				for _, o := range orders {
					for _, p := range o.Packages {
						n := strings.Count(text, p.TrackingNo)
						if (p.Provider == courier) != (n == 1) {
							t.Errorf("%s: %s (%s) listed %d times", courier, p.TrackingNo, p.Provider, n)
						}
					}
				}
			}
			if longest < 2 {
				t.Errorf("no manifest runs over a page: the flow is not tested")
			}
			checkBarcodeSet(t, pdfBarcodes(t, path, 203), want)
		})
	}
}
