package engine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/sync/market"
)

// Labels end to end: orders packed on all three simulated platforms through the engine, their
// labels fetched by each store's client over loopback, kept in the data file, read back by
// poppler and zbar.

// readLabel is what a one-package PDF label shows: its page count, its text, its barcodes at
// 203 dpi.
func readLabel(t *testing.T, pdf []byte) (pages string, text string, codes []string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "label.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(pdftest.Run(t, "pdfinfo", path))
	if m != nil {
		pages = m[1]
	}
	text = pdftest.Run(t, "pdftotext", path, "-")
	pdftest.Run(t, "pdftoppm", "-r", "203", "-gray", "-png", path, filepath.Join(dir, "p"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	for _, p := range pngs {
		codes = append(codes, strings.Fields(pdftest.Run(t, "zbarimg", "--raw", "-q", p))...)
	}
	return pages, text, codes
}

// packSome packs up to n (at least one) orders of the platform's New Order tab through the engine
// and returns their ids; the engine reads them back, so they carry their packages.
func packSome(t *testing.T, w *world, e *Engine, p domain.Platform, n int) []int64 {
	t.Helper()
	var ids []int64
	for _, id := range w.onTab(t, p, domain.TabNew) {
		o, _ := w.d.Order(ctx, id)
		if domain.CanDo(&o, domain.ActPack) == nil && !o.SelfDelivery && o.ProviderType != "seller_own_fleet" {
			ids = append(ids, id)
		}
		if len(ids) == n {
			break
		}
	}
	if len(ids) == 0 {
		t.Fatalf("%s: no order to pack", p)
	}
	prog, refused := w.act(t, e, domain.ActPack, ids, domain.Shipping{})
	if prog.Done != len(ids) || len(refused) != 0 {
		t.Fatalf("%s pack: %+v refused %v", p, prog, refused)
	}
	return ids
}

func labelCalls(w *world) int {
	n := 0
	for _, p := range domain.Platforms {
		n += len(w.sim.Requests(p))
	}
	return n
}

func TestLabelsFetchKeepAndReuse(t *testing.T) {
	w, e := syncedWorld(t, 60)
	var ids []int64
	for _, p := range domain.Platforms {
		ids = append(ids, packSome(t, w, e, p, 3)...)
	}
	// Interleave the platforms, and add a Lazada order not packed yet.
	slices.SortFunc(ids, func(a, b int64) int { return int(b - a) })
	var notPacked int64
	for _, id := range w.onTab(t, domain.Lazada, domain.TabNew) {
		if o, _ := w.d.Order(ctx, id); domain.CanDo(&o, domain.ActPack) == nil {
			notPacked = id
			break
		}
	}
	ids = append(ids[:4], append([]int64{notPacked}, ids[4:]...)...)

	var mu sync.Mutex
	var calls [][2]int
	progress := func(done, total int) {
		mu.Lock()
		calls = append(calls, [2]int{done, total})
		mu.Unlock()
	}
	labels, err := e.Labels(ctx, ids, market.DefaultLabelOptions, progress)
	if err != nil {
		t.Fatal(err)
	}
	type expect struct{ orderNo, packageID, tracking string }
	var want []expect // in order: the orders' packages as the data file has them
	for _, id := range ids {
		o, _ := w.d.Order(ctx, id)
		pkgs := market.LabelPackages(o)
		if len(pkgs) == 0 {
			want = append(want, expect{orderNo: o.OrderNo})
		}
		for _, p := range pkgs {
			if p.TrackingNo == "" {
				t.Fatalf("%s %s: package %s has no tracking number after the pack", o.Platform, o.OrderNo, p.ID)
			}
			want = append(want, expect{o.OrderNo, p.ID, p.TrackingNo})
		}
	}
	if len(labels) != len(want) {
		t.Fatalf("%d labels, want %d", len(labels), len(want))
	}
	for i, l := range labels {
		wl := want[i]
		if l.OrderNo != wl.orderNo || l.PackageID != wl.packageID {
			t.Errorf("label %d is %s/%s, want %s/%s", i, l.OrderNo, l.PackageID, wl.orderNo, wl.packageID)
			continue
		}
		if wl.packageID == "" {
			if !errors.Is(l.Err, market.ErrNotPacked) {
				t.Errorf("the order not packed: %v", l.Err)
			}
			continue
		}
		if l.Err != nil {
			t.Errorf("%s/%s: %v", l.OrderNo, l.PackageID, l.Err)
			continue
		}
		pages, text, codes := readLabel(t, l.Data)
		tracking := wl.tracking
		if pages != "1" || !strings.Contains(text, tracking) || !slices.Equal(codes, []string{tracking}) {
			t.Errorf("%s/%s: %s pages, barcodes %v; want 1 page showing %s:\n%s", l.OrderNo, l.PackageID, pages, codes, tracking, text)
		}
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{len(want), len(want)} {
		t.Errorf("progress %v, want it to end at %d of %d", calls, len(want), len(want))
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] || calls[i][1] != len(want) {
			t.Errorf("progress went %v", calls)
			break
		}
	}

	// Again: every label comes from the data file, the platforms hear nothing.
	before := labelCalls(w)
	again, err := e.Labels(ctx, ids, market.DefaultLabelOptions, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after := labelCalls(w); after != before {
		t.Errorf("the second print made %d calls to the platforms", after-before)
	}
	if len(again) != len(labels) {
		t.Fatalf("%d labels the second time, %d the first", len(again), len(labels))
	}
	for i := range again {
		if again[i].PackageID != labels[i].PackageID || !bytes.Equal(again[i].Data, labels[i].Data) {
			t.Errorf("label %d differs the second time", i)
		}
	}
}

// Another kind of label is another fetch; a kind the platform does not make fails its packages
// with a clear reason and nothing else.
func TestLabelsKindsAndRefusals(t *testing.T) {
	w, e := syncedWorld(t, 40)
	lz := packSome(t, w, e, domain.Lazada, 1)
	tt := packSome(t, w, e, domain.TikTok, 2)
	sp := packSome(t, w, e, domain.Shopee, 1)
	before := labelCalls(w)
	labels, err := e.Labels(ctx, append(append(lz, tt...), sp...), market.LabelOptions{Format: "zpl", Size: "A6"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(tt)
	if len(labels) != n+2 {
		t.Fatalf("%d labels", len(labels))
	}
	if labels[0].Err == nil || !strings.Contains(labels[0].Err.Error(), "Lazada makes no ZPL") ||
		labels[n+1].Err == nil || !strings.Contains(labels[n+1].Err.Error(), "Shopee makes no ZPL") {
		t.Errorf("ZPL from Lazada and Shopee: %v / %v", labels[0].Err, labels[n+1].Err)
	}
	for _, l := range labels[1 : n+1] {
		if l.Err != nil || l.Format != "zpl" || !strings.HasPrefix(string(l.Data), "^XA") {
			t.Errorf("TikTok ZPL %s: %v %.30q", l.PackageID, l.Err, l.Data)
		}
	}
	if calls := labelCalls(w) - before; calls != 2*n { // TikTok: shipping_documents and doc_url each
		t.Errorf("%d calls, want %d", calls, 2*n)
	}
	// The PDF is another kind: fetched, not the ZPL reused.
	pdf, err := e.Labels(ctx, tt[:1], market.DefaultLabelOptions, nil)
	if err != nil || len(pdf) != 1 || pdf[0].Err != nil || !market.IsPDF(pdf[0].Data) {
		t.Fatalf("TikTok PDF after ZPL: %+v %v", pdf, err)
	}
	if _, err := e.Labels(ctx, []int64{987654}, market.DefaultLabelOptions, nil); err == nil {
		t.Error("an order that does not exist was not refused")
	}
	if _, err := e.Labels(ctx, nil, market.DefaultLabelOptions, nil); err == nil {
		t.Error("no order was not refused")
	}
}
