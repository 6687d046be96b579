package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// listed is `kedai orders --json` as a script reads it.
func listed(t *testing.T, args ...string) []struct {
	OrderNo  string `json:"order_no"`
	Platform string `json:"platform"`
	Tab      string `json:"tab"`
	Status   string `json:"status"`
} {
	t.Helper()
	code, out, stderr := kedai(append([]string{"orders", "--json"}, args...)...)
	var rows []struct {
		OrderNo  string `json:"order_no"`
		Platform string `json:"platform"`
		Tab      string `json:"tab"`
		Status   string `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil {
		t.Fatalf("kedai orders %v: exit %d, %v: %s", args, code, err, stderr)
	}
	return rows
}

// `kedai action` on a demo workspace (its stores are served by the simulators it starts): the
// same rules as the window, a result line per order, and a one-line refusal with a non-zero exit.
func TestActionCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if code, _, stderr := kedai("demo", "--db", path, "--orders", "1500", "--seed", "3"); code != 0 {
		t.Fatal(stderr)
	}
	var lz, sp []string
	for _, o := range listed(t, "--db", path, "--tab", "new") {
		switch o.Platform {
		case "lazada":
			lz = append(lz, o.OrderNo)
		case "shopee":
			sp = append(sp, o.OrderNo)
		}
	}
	if len(lz) < 2 || len(sp) < 1 {
		t.Fatalf("New Order holds %d Lazada and %d Shopee orders", len(lz), len(sp))
	}
	nos := strings.Join(lz[:2], ",")
	code, out, stderr := kedai("action", "pack", "--db", path, "--orders", nos)
	if code != 0 || !strings.Contains(out, "Pack: 2 done, 0 failed, 0 refused") {
		t.Fatalf("pack: exit %d\n%s%s", code, out, stderr)
	}
	for _, no := range lz[:2] {
		if got := listed(t, "--db", path, "--search", no); len(got) != 1 || got[0].Tab != "to-process" {
			t.Errorf("%s after pack: %+v", no, got)
		}
	}
	// The same again is refused by the rules: nothing is packed twice.
	refused(t, "Pack is for orders on New Order; this one is on To Process", "action", "pack", "--db", path, "--orders", nos)
	// A Shopee store without a usual way of shipping is told so; --shipping chooses it (pickup:
	// the demo simulator is seeded afresh each run, and Shopee may ask a drop-off for a branch).
	refused(t, "no usual way of shipping", "action", "pack", "--db", path, "--orders", sp[0])
	if code, out, stderr := kedai("action", "pack", "--db", path, "--orders", sp[0], "--shipping", "pickup"); code != 0 ||
		!strings.Contains(out, "1 done") {
		t.Fatalf("pack with --shipping: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := kedai("action", "to-ship", "--db", path, "--orders", nos+","+sp[0]); code != 0 ||
		!strings.Contains(out, "3 done") {
		t.Fatalf("to-ship: exit %d\n%s%s", code, out, stderr)
	}
	if got := listed(t, "--db", path, "--search", sp[0]); len(got) != 1 || got[0].Tab != "to-ship" {
		t.Errorf("%s after To Ship: %+v", sp[0], got)
	}
	refused(t, "Repack is for orders on To Process", "action", "repack", "--db", path, "--orders", sp[0])
	refused(t, "own fleet", "action", "deliver", "--db", path, "--orders", lz[0])
	refused(t, "no order", "action", "pack", "--db", path, "--orders", "NOSUCH123")
	refused(t, "--orders NO,NO is required", "action", "pack", "--db", path)
	refused(t, "--db FILE is required", "action", "pack", "--orders", lz[0])
	refused(t, "usage: kedai action", "action")
	refused(t, "pickup or dropoff", "action", "pack", "--db", path, "--orders", sp[0], "--shipping", "teleport")
	refused(t, "frobnicate", "action", "frobnicate", "--db", path, "--orders", lz[0])
}
