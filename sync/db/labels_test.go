package db_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

func labelStore(t *testing.T, d *db.DB, name string) domain.Store {
	t.Helper()
	s, err := d.AddStore(context.Background(), domain.Store{Platform: domain.Lazada, Name: name, Region: "MY", ShopID: "S-" + name}, dbtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pdfBytes(id string) []byte { return []byte("%PDF-1.3\n% label of " + id + "\n%%EOF\n") }

func TestLabelsAreKeptByStorePackageAndKind(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	a, b := labelStore(t, d, "Kedai A"), labelStore(t, d, "Kedai B")
	at := dbtest.Now.Add(-time.Hour)
	rows := []db.LabelRow{
		{PackageID: "FP1", OrderNo: "500001", Format: "pdf", TrackingNo: "MYMPA1", Data: pdfBytes("FP1"), FetchedAt: at},
		{PackageID: "FP2", OrderNo: "500002", Format: "pdf", Data: pdfBytes("FP2"), FetchedAt: at},
	}
	if err := d.SaveLabels(ctx, a.ID, "pdf", rows); err != nil {
		t.Fatal(err)
	}
	if err := d.SaveLabels(ctx, a.ID, "zpl", []db.LabelRow{{PackageID: "FP1", OrderNo: "500001", Format: "zpl", Data: []byte("^XA^FDMYMPA1^FS^XZ"), FetchedAt: at}}); err != nil {
		t.Fatal(err)
	}
	got, err := d.Labels(ctx, a.ID, "pdf", []string{"FP1", "FP2", "FP3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !bytes.Equal(got["FP1"].Data, rows[0].Data) || got["FP1"].TrackingNo != "MYMPA1" || got["FP1"].OrderNo != "500001" ||
		got["FP1"].Format != "pdf" || !got["FP1"].FetchedAt.Equal(at) || got["FP2"].TrackingNo != "" {
		t.Errorf("pdf labels of store A: %+v", got)
	}
	if z, _ := d.Labels(ctx, a.ID, "zpl", []string{"FP1", "FP2"}); len(z) != 1 || z["FP1"].Format != "zpl" {
		t.Errorf("zpl labels of store A: %+v", z)
	}
	if other, _ := d.Labels(ctx, b.ID, "pdf", []string{"FP1", "FP2"}); len(other) != 0 {
		t.Errorf("store B sees store A's labels: %+v", other)
	}
	if none, err := d.Labels(ctx, a.ID, "pdf", nil); err != nil || len(none) != 0 {
		t.Errorf("no packages asked: %v %v", none, err)
	}

	// Fetched again: the new label replaces the old one.
	later := dbtest.Now
	again := db.LabelRow{PackageID: "FP1", OrderNo: "500001", Format: "pdf", TrackingNo: "MYMPA9", Data: pdfBytes("FP1 again"), FetchedAt: later}
	if err := d.SaveLabels(ctx, a.ID, "pdf", []db.LabelRow{again}); err != nil {
		t.Fatal(err)
	}
	got, _ = d.Labels(ctx, a.ID, "pdf", []string{"FP1"})
	if !bytes.Equal(got["FP1"].Data, again.Data) || got["FP1"].TrackingNo != "MYMPA9" || !got["FP1"].FetchedAt.Equal(later) {
		t.Errorf("after fetching again: %+v", got["FP1"])
	}

	// On disk: a reopened file has them.
	path := d.Path()
	d.Close()
	d2, err := db.OpenWith(path, dbtest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if got, _ := d2.Labels(ctx, a.ID, "pdf", []string{"FP1", "FP2"}); len(got) != 2 {
		t.Errorf("after reopening: %d labels", len(got))
	}
	// Old ones can be cleared out.
	if n, err := d2.DeleteLabelsBefore(ctx, later); err != nil || n != 2 {
		t.Errorf("deleting labels fetched before now: %d, %v", n, err)
	}
	if got, _ := d2.Labels(ctx, a.ID, "pdf", []string{"FP1", "FP2"}); len(got) != 1 {
		t.Errorf("after clearing out: %+v", got)
	}
}

func TestLabelsManyPackagesAtOnce(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	s := labelStore(t, d, "Kedai Besar")
	var rows []db.LabelRow
	var ids []string
	for i := range 1300 {
		id := fmt.Sprintf("FP%06d", i)
		ids = append(ids, id)
		if i%2 == 0 {
			rows = append(rows, db.LabelRow{PackageID: id, OrderNo: fmt.Sprint(i), Format: "pdf", Data: pdfBytes(id), FetchedAt: dbtest.Now})
		}
	}
	if err := d.SaveLabels(ctx, s.ID, "pdf", rows); err != nil {
		t.Fatal(err)
	}
	got, err := d.Labels(ctx, s.ID, "pdf", ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 650 {
		t.Fatalf("%d labels, want 650", len(got))
	}
	for _, r := range rows {
		if !bytes.Equal(got[r.PackageID].Data, r.Data) {
			t.Fatalf("package %s: %q", r.PackageID, got[r.PackageID].Data)
		}
	}
}

func TestSaveLabelsRefusesBadRowsAndSavesNothing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	s := labelStore(t, d, "Kedai C")
	good := db.LabelRow{PackageID: "FP1", OrderNo: "1", Format: "pdf", Data: pdfBytes("FP1"), FetchedAt: dbtest.Now}
	for _, tc := range []struct {
		kind string
		bad  db.LabelRow
		want string
	}{
		{"pdf", db.LabelRow{OrderNo: "2", Format: "pdf", Data: pdfBytes("x")}, "no package id"},
		{"pdf", db.LabelRow{PackageID: "FP2", Format: "png", Data: pdfBytes("x")}, "neither pdf nor zpl"},
		{"pdf", db.LabelRow{PackageID: "FP2", Format: "pdf"}, "empty"},
		{" ", good, "no kind"},
	} {
		err := d.SaveLabels(ctx, s.ID, tc.kind, []db.LabelRow{good, tc.bad})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.bad, err, tc.want)
		}
	}
	if got, _ := d.Labels(ctx, s.ID, "pdf", []string{"FP1", "FP2"}); len(got) != 0 {
		t.Errorf("a refused save kept %d labels", len(got))
	}
	if err := d.SaveLabels(ctx, 999, "pdf", []db.LabelRow{good}); err == nil || !strings.Contains(err.Error(), "no store 999") {
		t.Errorf("a store that does not exist: %v", err)
	}
}
