package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kedai-app/kedai/sync/demo"
)

// fails runs a command that must fail and returns what it printed; its reason (stderr) is one line.
func (b *books) fails(t *testing.T, args ...string) string {
	t.Helper()
	c := b.command(args...)
	var stdout, stderr strings.Builder
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err == nil {
		t.Fatalf("kedai %s succeeded; want a refusal\n%s", strings.Join(args, " "), stdout.String())
	}
	if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); n > 0 {
		t.Errorf("kedai %s: a reason of %d lines:\n%s", args[0], n+1, stderr.String())
	}
	return stdout.String() + stderr.String()
}

// The SQL Account commands as an administrator scripts them: set, sync, store codes, map, map
// auto and post, each refusing bad input with a reason and changing nothing.
func TestSQLAccountCommands(t *testing.T) {
	b := newBooks(t, "1500")

	if out := b.fails(t, "sqlacc", "set", "--db", b.path, "--url", "ftp://x", "--access-key", "A", "--secret-key", "S"); !strings.Contains(out, "URL") {
		t.Errorf("a bad URL: %s", out)
	}
	if out := b.fails(t, "sqlacc", "set", "--db", b.path, "--url", "http://127.0.0.1:1/", "--access-key", "A"); !strings.Contains(out, "secret") {
		t.Errorf("no secret key: %s", out)
	}
	out := b.run(t, "sqlacc", "sync", "--db", b.path) // still the test's simulator: the refusals changed nothing
	if !strings.Contains(out, "stock items") || !strings.Contains(out, "customers") {
		t.Errorf("sync said: %s", out)
	}

	if out := b.fails(t, "store", "codes", "--db", b.path, "--store", "No Such Shop", "--customer", "300-C0001"); !strings.Contains(out, "no store named") {
		t.Errorf("unknown store: %s", out)
	}
	store := demoStoreName(t)
	if out := b.fails(t, "store", "codes", "--db", b.path, "--store", store, "--customer", "999-NOPE"); !strings.Contains(out, "999-NOPE") {
		t.Errorf("unknown customer code: %s", out)
	}

	if out := b.fails(t, "map", "--db", b.path, "--sku", "ANY-SKU", "--stock", "NO-SUCH-ITEM"); !strings.Contains(out, "NO-SUCH-ITEM") {
		t.Errorf("unknown stock item: %s", out)
	}
	auto := b.run(t, "map", "auto", "--db", b.path)
	if !strings.Contains(auto, "0 matches") {
		t.Errorf("map auto after --yes should find nothing left: %s", auto)
	}

	// An unmapped SKU: the order fails with the reason; mapping the SKU by hand lets it post.
	var listed []listedOrder
	json.Unmarshal([]byte(b.run(t, "orders", "--db", b.path, "--tab", "delivered", "--json")), &listed)
	var no, sku string
	for _, o := range listed {
		for _, it := range o.Items {
			if it.StockCode == "" && no == "" && len(o.Items) == 1 {
				no, sku = o.OrderNo, it.SKU
			}
		}
	}
	if no == "" {
		t.Fatal("no delivered order with one unmapped item in the demo")
	}
	if out := b.fails(t, "post", "--db", b.path, "--orders", no); !strings.Contains(out, `SKU "`+sku+`" is not mapped`) {
		t.Errorf("posting an unmapped order: %s", out)
	}
	if _, ok := b.acc.InvoiceByDocNo(no); ok {
		t.Fatal("the unmapped order reached SQL Account")
	}
	b.run(t, "map", "--db", b.path, "--sku", sku, "--stock", "VOUCHER") // any item will do for the books' test
	if out := b.run(t, "post", "--db", b.path, "--orders", no); !strings.Contains(out, "posted 1, failed 0") {
		t.Errorf("posting after mapping: %s", out)
	}
	if _, ok := b.acc.InvoiceByDocNo(no); !ok {
		t.Fatal("no invoice after posting")
	}
	if out := b.fails(t, "post", "--db", b.path, "--tab", "new"); !strings.Contains(out, "shipped, delivered or completed") {
		t.Errorf("posting New Order: %s", out)
	}
}

func demoStoreName(t *testing.T) string {
	t.Helper()
	return demo.Stores()[0].Name
}
