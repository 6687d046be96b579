package db

import (
	"os"
	"testing"
	"time"
)

// A commit never copies the WAL into the file itself, however large the WAL grows (SQLite's
// default would at 1,000 pages, in the commit of whoever crossed it); the DB's checkpointer does,
// shortly after writes, beside the writer.
func TestCheckpointsBesideTheWriter(t *testing.T) {
	d, path := openTemp(t)
	size := func() int64 {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	d.cp.close()
	before := size()
	stores := seedList(t, d, 3000) // 9,000 orders: well past 1,000 pages
	wal, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if wal.Size() < 1000*4096 {
		t.Fatalf("the WAL is %d bytes: too small to show anything", wal.Size())
	}
	if got := size(); got != before {
		t.Fatalf("the file grew from %d to %d bytes: a commit checkpointed", before, got)
	}

	if d.cp, err = startCheckpointer(path); err != nil { // writes now kick a running one
		t.Fatal(err)
	}
	save(t, d, order(stores[0], "ORD-AFTER", "pending", t0))
	for deadline := time.Now().Add(10 * time.Second); size() == before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after a write the file stayed %d bytes for 10 s: no checkpoint", before)
		}
	}
	if rows, err := d.FindByCode(ctx, "ORD-AFTER", 2); err != nil || len(rows) != 1 {
		t.Fatalf("the order written before the checkpoint: %d found, %v", len(rows), err)
	}
}
