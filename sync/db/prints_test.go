package db

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/vault"
)

func TestPrintHistoryKeepsEachJobNewestFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kedai.db")
	opts := Options{Vault: vault.Options{NoKeychain: true, Dir: filepath.Join(t.TempDir(), "keys")}}
	d, err := OpenWith(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	first := domain.PrintJob{At: at, Document: domain.DocPickingList, Title: "Picking List: 3 orders", Orders: 3,
		Printer: "kedai-pdf", JobID: "kedai-pdf-7", State: domain.PrintAccepted, File: "/docs/1.pdf"}
	second := domain.PrintJob{At: at.Add(time.Minute), Document: domain.DocAWB, Title: "AWB labels: 2 orders", Orders: 2,
		Printer: "thermal", State: domain.PrintFailed, Message: `printer "thermal" is stopped`, File: "/docs/2.pdf"}
	id1, err := d.AddPrintJob(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := d.AddPrintJob(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	d, err = OpenWith(path, opts) // the history is in the file, not in memory
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	jobs, err := d.PrintJobs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	first.ID, second.ID = id1, id2
	if len(jobs) != 2 || jobs[0] != second || jobs[1] != first {
		t.Fatalf("history = %+v\nwant %+v then %+v", jobs, second, first)
	}
	if j, err := d.PrintJob(ctx, id1); err != nil || j != first {
		t.Errorf("PrintJob(%d) = %+v, %v", id1, j, err)
	}
	if _, err := d.PrintJob(ctx, 99); err == nil || !strings.Contains(err.Error(), "not in the history") {
		t.Errorf("an unknown job: %v", err)
	}
	if _, err := d.AddPrintJob(ctx, domain.PrintJob{Document: domain.DocAWB, Title: "x", State: "maybe"}); err == nil {
		t.Error("a job in no known state was recorded")
	}
	if jobs, _ := d.PrintJobs(ctx, 10); len(jobs) != 2 {
		t.Errorf("a refused job changed the history: %d jobs", len(jobs))
	}
}
