package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/sim"
)

// books is a demo workspace whose SQL Account is a simulator in the test, seeded as the demo's
// own, reached over HTTP with keys of its own.
type books struct {
	bin, path string
	env       []string
	acc       *sim.SQLAcc
}

func newBooks(t *testing.T, orders string) *books {
	t.Helper()
	b := &books{bin: buildHeadless(t), path: filepath.Join(t.TempDir(), "kedai.db"),
		env: append(os.Environ(), "KEDAI_KEY_DIR="+t.TempDir())}
	var names []string
	for _, s := range demo.Stores() {
		names = append(names, s.Name)
	}
	b.acc = sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: "AKIDPOSTCRASH", SecretKey: "post-crash-secret", Seed: demo.SQLAccSeed(names)})
	url, stop, err := b.acc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	b.run(t, "demo", "--db", b.path, "--orders", orders)
	b.run(t, "sqlacc", "set", "--db", b.path, "--url", url, "--access-key", "AKIDPOSTCRASH", "--secret-key", "post-crash-secret")
	b.run(t, "map", "auto", "--db", b.path, "--yes")
	return b
}

func (b *books) command(args ...string) *exec.Cmd {
	c := exec.Command(b.bin, args...)
	c.Env = b.env
	return c
}

func (b *books) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := b.command(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("kedai %s: %v\n%s", strings.Join(args[:min(2, len(args))], " "), err, out)
	}
	return string(out)
}

type listedOrder struct {
	OrderNo string `json:"order_no"`
	Store   string `json:"store"`
	Posted  bool   `json:"posted"`
	Items   []struct {
		SKU       string `json:"sku"`
		StockCode string `json:"stock_code"`
	} `json:"items"`
}

// mapped lists the orders of a tab whose every item is mapped.
func (b *books) mapped(t *testing.T, tab string) []listedOrder {
	t.Helper()
	var all, out []listedOrder
	if err := json.Unmarshal([]byte(b.run(t, "orders", "--db", b.path, "--tab", tab, "--json")), &all); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, o := range all {
		ok := len(o.Items) > 0
		for _, it := range o.Items {
			ok = ok && it.StockCode != ""
		}
		if ok && !seen[o.OrderNo] { // an order number in two stores is posted from the window
			out = append(out, o)
		}
		seen[o.OrderNo] = true
	}
	return out
}

// SIGKILL during a 300-order posting run, start again, post again: every order has exactly one
// invoice, and no create was ever refused as a duplicate (each was looked up first).
func TestPostingSurvivesKill(t *testing.T) {
	b := newBooks(t, "6000")
	var orders []listedOrder
	for _, tab := range []string{"completed", "delivered", "shipped"} {
		orders = append(orders, b.mapped(t, tab)...)
	}
	if len(orders) < 300 {
		t.Fatalf("only %d fully mapped orders to post", len(orders))
	}
	orders = orders[:300]
	var nos []string
	for _, o := range orders {
		nos = append(nos, o.OrderNo)
	}
	list := strings.Join(nos, ",")

	c := b.command("post", "--db", b.path, "--orders", list)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); b.acc.Stats().Creates < 60; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			c.Process.Kill()
			t.Fatalf("only %d invoices made in 60 s", b.acc.Stats().Creates)
		}
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	killedAt := b.acc.Stats().Creates
	if killedAt >= 300 {
		t.Fatalf("the run finished (%d invoices) before it was killed", killedAt)
	}

	out := b.run(t, "post", "--db", b.path, "--orders", list)
	if !strings.Contains(out, "posted 300, failed 0 of 300 orders") {
		t.Fatalf("posting again after the kill at %d invoices:\n%s", killedAt, out)
	}
	invs := b.acc.Invoices()
	byNo := map[string]int{}
	for _, inv := range invs {
		byNo[inv.DocNo]++
	}
	if len(invs) != 300 {
		t.Fatalf("SQL Account holds %d invoices for 300 orders", len(invs))
	}
	for _, no := range nos {
		if byNo[no] != 1 {
			t.Errorf("order %s has %d invoices", no, byNo[no])
		}
	}
	if s := b.acc.Stats(); s.Creates != 300 || s.DuplicateRefusals != 0 {
		t.Fatalf("creates %d, duplicate refusals %d: an order was created twice or without looking first", s.Creates, s.DuplicateRefusals)
	}
	for _, tab := range []string{"completed", "delivered", "shipped"} {
		var listed []listedOrder
		json.Unmarshal([]byte(b.run(t, "orders", "--db", b.path, "--tab", tab, "--json")), &listed)
		for _, o := range listed {
			if byNo[o.OrderNo] == 1 && !o.Posted {
				t.Errorf("order %s has its invoice but is not marked posted", o.OrderNo)
			}
		}
	}
}
