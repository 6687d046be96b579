package shopee

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/sync/market"
)

// AWB labels against the simulator over loopback, read back with poppler and zbar.

// readyOrders adds n orders ready to ship with Shopee Xpress (pickup offered), synced.
func (e *simEnv) readyOrders(n int) []domain.Order {
	e.t.Helper()
	gen := e.s.Generate(domain.Shopee, e.shop.ID, n)
	for i := range gen {
		o := &gen[i]
		o.Status, o.DeliveryOption, o.Packages = domain.SpReadyToShip, "Shopee Xpress", nil
		o.CancelRequested, o.ReturnRequested, o.CancelReason, o.CancelledBy = false, false, "", ""
		if o.PaidAt.IsZero() {
			o.PaidAt = o.CreatedAt
		}
		for j := range o.Items {
			o.Items[j].PackageID, o.Items[j].Cancelled = "", false
		}
		o.UpdatedAt = e.now()
	}
	e.s.PutOrders(domain.Shopee, e.shop.ID, gen)
	e.resync()
	stored := e.stored()
	out := make([]domain.Order, n)
	for i, o := range gen {
		out[i] = stored[o.OrderNo]
	}
	return out
}

// arrangedOrders adds n orders already arranged at Shopee (PROCESSED, a package with its tracking
// number), synced: as packed does, without a pack's three calls each.
func (e *simEnv) arrangedOrders(n int) []domain.Order {
	e.t.Helper()
	gen := e.s.Generate(domain.Shopee, e.shop.ID, n)
	for i := range gen {
		o := &gen[i]
		o.Status, o.DeliveryOption = domain.SpProcessed, "Shopee Xpress"
		o.CancelRequested, o.ReturnRequested, o.CancelReason, o.CancelledBy = false, false, "", ""
		if o.PaidAt.IsZero() {
			o.PaidAt = o.CreatedAt
		}
		id := "OFG" + o.OrderNo
		o.Packages = []domain.Package{{ID: id, TrackingNo: fmt.Sprintf("SPXMY0%011d", 7000+i), Provider: "Shopee Xpress", Status: "LOGISTICS_REQUEST_CREATED"}}
		for j := range o.Items {
			o.Items[j].PackageID, o.Items[j].Cancelled = id, false
		}
		o.UpdatedAt = e.now()
	}
	e.s.PutOrders(domain.Shopee, e.shop.ID, gen)
	e.resync()
	stored := e.stored()
	out := make([]domain.Order, n)
	for i, o := range gen {
		out[i] = stored[o.OrderNo]
		if len(out[i].Packages) != 1 || out[i].Packages[0].TrackingNo == "" {
			e.t.Fatalf("order %s as synced: %+v", o.OrderNo, out[i].Packages)
		}
	}
	return out
}

// packed arranges the orders (pickup) and syncs them, so each has its package and tracking number.
func (e *simEnv) packed(orders []domain.Order) []domain.Order {
	e.t.Helper()
	res, err := e.c.Pack(e.ctx, orders, market.Shipping{Method: market.Pickup})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			e.t.Fatalf("pack %s: %v", r.OrderNo, r.Err)
		}
	}
	e.resync()
	stored := e.stored()
	out := make([]domain.Order, len(orders))
	for i, o := range orders {
		out[i] = stored[o.OrderNo]
		if len(out[i].Packages) != 1 || out[i].Packages[0].TrackingNo == "" {
			e.t.Fatalf("order %s after packing: %+v", o.OrderNo, out[i].Packages)
		}
	}
	return out
}

// docCalls counts the logged calls of each step, and the entries each sent.
func (e *simEnv) docCalls() map[string][]int {
	out := map[string][]int{}
	for _, r := range e.s.Requests(domain.Shopee) {
		if strings.Contains(r.Path, "shipping_document") {
			step := strings.TrimPrefix(r.Path, "/api/v2/logistics/")
			out[step] = append(out[step], strings.Count(r.Params.Get("order_list"), `"order_sn"`))
		}
	}
	return out
}

func TestLabelsFourStepsInBatchesOfFifty(t *testing.T) {
	e := newSimEnv(t, envOptions{})
	orders := e.arrangedOrders(53)
	waiting := e.readyOrders(1)[0]
	e.s.ResetRequests(domain.Shopee)

	asked := append(slices.Clone(orders[:26]), append([]domain.Order{waiting}, orders[26:]...)...)
	labels, err := e.c.Labels(e.ctx, asked, market.DefaultLabelOptions)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != len(asked) {
		t.Fatalf("%d labels for %d orders", len(labels), len(asked))
	}
	for i, l := range labels {
		o := asked[i]
		if o.OrderNo == waiting.OrderNo {
			if l.OrderNo != o.OrderNo || !errors.Is(l.Err, market.ErrNotPacked) {
				t.Errorf("the order not arranged: %+v", l)
			}
			continue
		}
		if l.Err != nil || l.OrderNo != o.OrderNo || l.PackageID != o.Packages[0].ID {
			t.Fatalf("label %d: %s/%s %v, want %s/%s", i, l.OrderNo, l.PackageID, l.Err, o.OrderNo, o.Packages[0].ID)
		}
		if n, err := market.PDFPages(l.Data); n != 1 || err != nil {
			t.Errorf("label %d: %d pages, %v", i, n, err)
		}
		// Reading every label back costs about 0.2 s each: the ends of both batches will do.
		if i <= 1 || i == 25 || i == 27 || i >= len(labels)-4 {
			pdftest.CheckLabel(t, l.Data, l.OrderNo+"/"+l.PackageID, l.OrderNo, o.Packages[0].TrackingNo, 105, 148)
		}
	}
	want := map[string][]int{
		"get_shipping_document_parameter": {50, 3},
		"create_shipping_document":        {50, 3},
		"get_shipping_document_result":    {50, 50, 3, 3}, // PROCESSING, then READY
		"download_shipping_document":      {50, 3},
	}
	got := e.docCalls()
	for step, n := range want {
		if !slices.Equal(got[step], n) {
			t.Errorf("%s: calls with %v entries, want %v", step, got[step], n)
		}
	}
}

// NORMAL_AIR_WAYBILL is an A4 page per package; a package Shopee refuses fails alone with
// Shopee's code; an order arranged since the sync is asked for by order_sn and Shopee names its
// package.
func TestLabelsNormalRefusedAndArrangedSinceTheSync(t *testing.T) {
	e := newSimEnv(t, envOptions{})
	orders := e.packed(e.readyOrders(3))
	fresh := e.readyOrders(1)[0]
	res, err := e.c.Pack(e.ctx, []domain.Order{fresh}, market.Shipping{Method: market.Pickup})
	if err != nil || res[0].Err != nil {
		t.Fatalf("pack: %v %v", err, res)
	}
	fresh.Status = domain.SpProcessed // what the engine shows at once; the package comes with the sync
	e.s.RefuseLabels(domain.Shopee, e.shop.ID, orders[1].OrderNo, "logistics.package_can_not_print", "The package can not print now.", 1)

	labels, err := e.c.Labels(e.ctx, append(orders, fresh), market.LabelOptions{Thermal: false})
	if err != nil || len(labels) != 4 {
		t.Fatalf("%d labels: %v", len(labels), err)
	}
	var me *market.Error
	if !errors.As(labels[1].Err, &me) || me.Code != "logistics.package_can_not_print" || me.Message != "The package can not print now." {
		t.Errorf("the refused package: %v", labels[1].Err)
	}
	pdftest.CheckLabel(t, labels[0].Data, labels[0].OrderNo+"/"+labels[0].PackageID, labels[0].OrderNo, orders[0].Packages[0].TrackingNo, 210, 297)
	pdftest.CheckLabel(t, labels[2].Data, labels[2].OrderNo+"/"+labels[2].PackageID, labels[2].OrderNo, orders[2].Packages[0].TrackingNo, 210, 297)
	truth, _ := e.s.Order(domain.Shopee, e.shop.ID, fresh.OrderNo)
	if labels[3].PackageID != truth.Packages[0].ID || labels[3].Err != nil {
		t.Fatalf("the order arranged since the sync: %s %v, want package %s", labels[3].PackageID, labels[3].Err, truth.Packages[0].ID)
	}
	pdftest.CheckLabel(t, labels[3].Data, labels[3].OrderNo+"/"+labels[3].PackageID, labels[3].OrderNo, truth.Packages[0].TrackingNo, 210, 297)
}

// Shopee makes no ZPL: refused before any call. A cancelled context stops the polling.
func TestLabelsRefuseZPLAndStopWithTheContext(t *testing.T) {
	e := newSimEnv(t, envOptions{})
	orders := e.packed(e.readyOrders(2))
	e.s.ResetRequests(domain.Shopee)
	if _, err := e.c.Labels(e.ctx, orders, market.LabelOptions{Format: "zpl"}); err == nil || !strings.Contains(err.Error(), "ZPL") {
		t.Errorf("zpl: %v", err)
	}
	if n := len(e.s.Requests(domain.Shopee)); n != 0 {
		t.Errorf("a refused ZPL request made %d calls", n)
	}
	slow := e.client(e.shop.ID)
	slow.retryBase = time.Hour // the second poll waits long
	ctx, cancel := context.WithTimeout(e.ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	labels, err := slow.Labels(ctx, orders, market.DefaultLabelOptions)
	if err == nil || !errors.Is(err, ctx.Err()) || len(labels) != 0 {
		t.Errorf("cancelled: %d labels, %v", len(labels), err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
}
