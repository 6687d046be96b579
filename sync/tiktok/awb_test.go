package tiktok

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/sync/market"
)

// AWB labels against the simulator over loopback, read back with poppler and zbar.

// shippedOrders ships n orders awaiting shipment (drop-off) and syncs them; it returns them as
// stored, and one order left awaiting shipment.
func (e *env) shippedOrders(n int) (shipped []domain.Order, waiting domain.Order) {
	e.t.Helper()
	all := e.awaiting()
	if len(all) < n+1 {
		e.t.Fatalf("%d orders await shipment, the test needs %d", len(all), n+1)
	}
	errs := e.pack(all[:n], market.Shipping{Method: market.DropOff})
	for no, err := range errs {
		if err != nil {
			e.t.Fatalf("ship %s: %v", no, err)
		}
	}
	e.s.Clock().Advance(time.Second)
	e.syncToNow()
	stored := e.stored()
	for _, o := range all[:n] {
		shipped = append(shipped, stored[o.OrderNo])
	}
	return shipped, stored[all[n].OrderNo]
}

func (e *env) docCalls() (asks, downloads int) {
	for _, r := range e.s.Requests(domain.TikTok) {
		switch {
		case strings.HasSuffix(r.Path, "/shipping_documents"):
			asks++
		case strings.HasPrefix(r.Path, "/awb/"):
			downloads++
		}
	}
	return asks, downloads
}

func TestLabelsPerPackageA6A5AndZPL(t *testing.T) {
	e := readyEnv(t, 24)
	shipped, waiting := e.shippedOrders(5)
	e.s.ResetRequests(domain.TikTok)

	asked := append(shipped, waiting)
	labels, err := e.c.Labels(e.ctx, asked, market.DefaultLabelOptions)
	if err != nil {
		t.Fatal(err)
	}
	var packages int
	for _, o := range shipped {
		packages += len(market.LabelPackages(o))
	}
	if len(labels) != packages+1 {
		t.Fatalf("%d labels for %d packages and one order not shipped", len(labels), packages)
	}
	k := 0
	for _, o := range shipped {
		for _, p := range market.LabelPackages(o) {
			l := labels[k]
			k++
			if l.Err != nil || l.OrderNo != o.OrderNo || l.PackageID != p.ID {
				t.Fatalf("label %d: %s/%s %v, want %s/%s", k, l.OrderNo, l.PackageID, l.Err, o.OrderNo, p.ID)
			}
			pdftest.CheckLabel(t, l.Data, l.OrderNo+"/"+l.PackageID, l.OrderNo, p.TrackingNo, 105, 148)
		}
	}
	// Not shipped: TikTok's own refusal, not a guess.
	var me *market.Error
	if last := labels[len(labels)-1]; last.OrderNo != waiting.OrderNo || !errors.As(last.Err, &me) || me.Code != "21023035" {
		t.Errorf("the order not shipped: %+v", last)
	}
	if asks, downloads := e.docCalls(); asks != packages+1 || downloads != packages {
		t.Errorf("%d shipping_documents calls and %d downloads for %d packages", asks, downloads, packages)
	}
	for _, r := range e.s.Requests(domain.TikTok) {
		if strings.HasSuffix(r.Path, "/shipping_documents") &&
			(r.Params.Get("document_type") != "SHIPPING_LABEL" || r.Params.Get("document_size") != "A6" || r.Params.Get("document_format") != "PDF") {
			t.Errorf("asked %v", r.Params)
		}
	}

	a5, err := e.c.Labels(e.ctx, shipped[:1], market.LabelOptions{Size: "a5"})
	if err != nil || len(a5) == 0 || a5[0].Err != nil {
		t.Fatalf("A5: %+v %v", a5, err)
	}
	pdftest.CheckLabel(t, a5[0].Data, a5[0].OrderNo+"/"+a5[0].PackageID, a5[0].OrderNo, shipped[0].Packages[0].TrackingNo, 148, 210)

	zpl, err := e.c.Labels(e.ctx, shipped[:1], market.LabelOptions{Format: "zpl"})
	if err != nil || len(zpl) == 0 || zpl[0].Err != nil || zpl[0].Format != "zpl" {
		t.Fatalf("ZPL: %+v %v", zpl, err)
	}
	z := string(zpl[0].Data)
	if !strings.HasPrefix(z, "^XA") || !strings.Contains(z, "^BC") || !strings.Contains(z, "^FD"+shipped[0].Packages[0].TrackingNo+"^FS") ||
		!strings.HasSuffix(strings.TrimSpace(z), "^XZ") {
		t.Errorf("ZPL label:\n%s", z)
	}
}

// "Still generating" (11034037) is asked again; a package TikTok keeps refusing fails alone.
func TestLabelsAskAgainWhileGenerating(t *testing.T) {
	e := readyEnv(t, 16)
	shipped, _ := e.shippedOrders(3)
	e.s.RefuseLabels(domain.TikTok, e.shop.ID, shipped[0].OrderNo, "11034037", "The document is being generated, please try again later.", 2)
	e.s.RefuseLabels(domain.TikTok, e.shop.ID, shipped[1].OrderNo, "21042102", "The package has been picked up.", 1)
	e.s.ResetRequests(domain.TikTok)
	labels, err := e.c.Labels(e.ctx, shipped, market.DefaultLabelOptions)
	if err != nil || len(labels) != 3 {
		t.Fatalf("%d labels, %v", len(labels), err)
	}
	pdftest.CheckLabel(t, labels[0].Data, labels[0].OrderNo+"/"+labels[0].PackageID, labels[0].OrderNo, shipped[0].Packages[0].TrackingNo, 105, 148)
	var me *market.Error
	if !errors.As(labels[1].Err, &me) || me.Code != "21042102" || me.Retryable {
		t.Errorf("the refused package: %v", labels[1].Err)
	}
	if labels[2].Err != nil {
		t.Errorf("the third: %v", labels[2].Err)
	}
	if asks, _ := e.docCalls(); asks != 5 {
		t.Errorf("%d shipping_documents calls, want 3 + 2 asked again", asks)
	}
}
