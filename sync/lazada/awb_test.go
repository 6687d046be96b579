package lazada

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// AWB labels against the simulator over loopback: the PDFs are read back with poppler and the
// barcodes with zbar, as a person's tools would.

// packedOrders adds n orders a courier delivers (Lazada prints no AWB for the seller's own
// fleet), packs them at Lazada and syncs them, so each has its package.
func (r *rig) packedOrders(n int) []domain.Order {
	r.t.Helper()
	orders := r.newOrders(n, courier)
	res, err := r.c.Pack(context.Background(), orders, market.Shipping{})
	mustSucceed(r.t, "pack", orders, res, err)
	return r.fresh(orders)
}

func courier(o *domain.Order) {
	o.SelfDelivery = false
	if o.ProviderType == "seller_own_fleet" {
		o.ProviderType = "standard"
	}
}

// printCalls are the logged PrintAWB calls, with the packages each asked for.
func (r *rig) printCalls() [][]string {
	var out [][]string
	for _, q := range r.s.Requests(domain.Lazada) {
		if q.Path != "/order/package/document/get" {
			continue
		}
		var req struct {
			Packages []struct {
				PackageID string `json:"package_id"`
			} `json:"packages"`
		}
		json.Unmarshal([]byte(q.Params.Get("getDocumentReq")), &req)
		var ids []string
		for _, p := range req.Packages {
			ids = append(ids, p.PackageID)
		}
		out = append(out, ids)
	}
	return out
}

func (r *rig) downloads() int {
	n := 0
	for _, q := range r.s.Requests(domain.Lazada) {
		if strings.HasPrefix(q.Path, "/awb/") {
			n++
		}
	}
	return n
}

func TestLabelsInBatchesOfTwentySplitPerPackage(t *testing.T) {
	r := newRig(t)
	packed := r.packedOrders(23)
	pending := r.newOrders(1, nil)[0]
	r.s.ResetRequests(domain.Lazada)

	asked := append([]domain.Order{pending}, packed...)
	labels, err := r.c.Labels(context.Background(), asked, market.DefaultLabelOptions)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != len(asked) {
		t.Fatalf("%d labels for %d one-package orders", len(labels), len(asked))
	}
	if labels[0].OrderNo != pending.OrderNo || !errors.Is(labels[0].Err, market.ErrNotPacked) || labels[0].Err.Error() != "order "+pending.OrderNo+": not packed yet: pack it first" {
		t.Errorf("the unpacked order's label: %+v", labels[0])
	}
	for i, l := range labels[1:] {
		o := packed[i]
		if l.Err != nil || l.OrderNo != o.OrderNo || l.PackageID != o.Packages[0].ID {
			t.Fatalf("label %d: %s/%s %v, want %s/%s", i+1, l.OrderNo, l.PackageID, l.Err, o.OrderNo, o.Packages[0].ID)
		}
		if n, err := market.PDFPages(l.Data); n != 1 || err != nil {
			t.Errorf("label %d: %d pages, %v", i+1, n, err)
		}
		// Reading every label back costs about 0.2 s each: the ends of both batches will do.
		if i <= 1 || i == 18 || i == 19 || i == 20 || i == len(packed)-1 {
			pdftest.CheckLabel(t, l.Data, l.OrderNo+"/"+l.PackageID, l.OrderNo, o.Packages[0].TrackingNo, 105, 148)
		}
	}
	calls := r.printCalls()
	if len(calls) != 2 || len(calls[0]) != 20 || len(calls[1]) != 3 || calls[1][2] != packed[22].Packages[0].ID {
		t.Errorf("PrintAWB calls %v, want 20 then 3 packages in order", calls)
	}
	if n := r.downloads(); n != 2 {
		t.Errorf("%d pdf_url downloads, want 2", n)
	}
}

// One package Lazada will not print fails its batch: each package is then asked for on its own,
// so only that one fails, with Lazada's code and message.
func TestLabelsRefusedPackageFailsAlone(t *testing.T) {
	r := newRig(t)
	packed := r.packedOrders(4)
	r.s.RefuseLabels(domain.Lazada, r.shop.ID, packed[2].OrderNo, "700040", "package status not allowed to print AWB", 2)
	r.s.ResetRequests(domain.Lazada)
	labels, err := r.c.Labels(context.Background(), packed, market.DefaultLabelOptions)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range labels {
		if i == 2 {
			var me *market.Error
			if !errors.As(l.Err, &me) || me.Code != "700040" || me.Retryable || !strings.Contains(me.Message, "not allowed") || l.Data != nil {
				t.Errorf("the refused package: %+v (%v)", l, l.Err)
			}
			continue
		}
		if l.Err != nil {
			t.Fatalf("%s: %v", l.OrderNo, l.Err)
		}
		pdftest.CheckLabel(t, l.Data, l.OrderNo+"/"+l.PackageID, l.OrderNo, packed[i].Packages[0].TrackingNo, 105, 148)
	}
	if calls := r.printCalls(); len(calls) != 5 || len(calls[0]) != 4 {
		t.Errorf("PrintAWB calls %v, want the batch then one each", calls)
	}
}

// Kedai shows a pack before the sync brings the package: such an order is read again first.
func TestLabelsReadsAgainAnOrderPackedSinceTheSync(t *testing.T) {
	r := newRig(t)
	orders := r.newOrders(1, courier)
	res, err := r.c.Pack(context.Background(), orders, market.Shipping{})
	mustSucceed(t, "pack", orders, res, err)
	stale := orders[0]
	for i := range stale.Items {
		stale.Items[i].Status = domain.LzPacked // what the engine records at once; no package yet
	}
	labels, err := r.c.Labels(context.Background(), []domain.Order{stale}, market.DefaultLabelOptions)
	if err != nil || len(labels) != 1 || labels[0].Err != nil {
		t.Fatalf("labels %+v, %v", labels, err)
	}
	truth, _ := r.s.Order(domain.Lazada, r.shop.ID, stale.OrderNo)
	pdftest.CheckLabel(t, labels[0].Data, labels[0].OrderNo+"/"+labels[0].PackageID, labels[0].OrderNo, truth.Packages[0].TrackingNo, 105, 148)
}

// A download that fails on the way is tried again; ZPL is refused before any call.
func TestLabelsRetryTheDownloadAndRefuseZPL(t *testing.T) {
	r := newRig(t)
	packed := r.packedOrders(2)
	r.s.Inject(domain.Lazada, sim.Fault{Kind: sim.ServerError, Path: "/awb/", Times: 1})
	labels, err := r.c.Labels(context.Background(), packed, market.DefaultLabelOptions)
	if err != nil || len(labels) != 2 || labels[0].Err != nil || labels[1].Err != nil {
		t.Fatalf("labels %+v, %v", labels, err)
	}
	if n := r.downloads(); n != 2 {
		t.Errorf("%d downloads, want the failed one and its retry", n)
	}
	before := len(r.s.Requests(domain.Lazada))
	_, err = r.c.Labels(context.Background(), packed, market.LabelOptions{Format: "zpl"})
	if err == nil || !strings.Contains(err.Error(), "ZPL") {
		t.Errorf("zpl: %v", err)
	}
	if after := len(r.s.Requests(domain.Lazada)); after != before {
		t.Errorf("a refused ZPL request made %d calls", after-before)
	}
}
