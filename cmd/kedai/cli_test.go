package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

// kedai runs the command line in-process and returns its exit code and output.
func kedai(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// refused checks the contract for bad input: non-zero exit, one line saying why.
func refused(t *testing.T, want string, args ...string) {
	t.Helper()
	code, _, stderr := kedai(args...)
	if code == 0 {
		t.Errorf("kedai %v: exit 0, want a refusal", args)
		return
	}
	if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 || !strings.Contains(stderr, want) {
		t.Errorf("kedai %v: stderr %q, want one line saying %q", args, stderr, want)
	}
}

func TestOrdersJSONContract(t *testing.T) {
	f := dbtest.New(t, 0)
	f.DB.Close() // the command opens the file itself
	code, out, stderr := kedai("orders", "--db", f.Path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var orders []map[string]any
	if err := json.Unmarshal([]byte(out), &orders); err != nil {
		t.Fatalf("not one JSON array: %v\n%s", err, out)
	}
	total := 0
	for _, n := range f.Tabs {
		total += n
	}
	if len(orders) != total {
		t.Fatalf("%d orders, want %d", len(orders), total)
	}
	for _, o := range orders {
		for _, key := range []string{"platform", "store", "order_no", "tab", "platform_status", "currency", "total", "posted", "tracking_no", "items"} {
			if _, ok := o[key]; !ok {
				t.Fatalf("order %v has no %q", o["order_no"], key)
			}
		}
		if _, ok := o["total"].(string); !ok {
			t.Errorf("total is %T, want a decimal string", o["total"])
		}
		if _, err := domain.ParseTab(o["tab"].(string)); err != nil {
			t.Errorf("tab %v is not a slug", o["tab"])
		}
		for _, it := range o["items"].([]any) {
			item := it.(map[string]any)
			for _, key := range []string{"sku", "name", "qty", "stock_code"} {
				if _, ok := item[key]; !ok {
					t.Errorf("item of %v has no %q", o["order_no"], key)
				}
			}
		}
	}
	// One order in detail.
	var shopee map[string]any
	for _, o := range orders {
		if o["order_no"] == dbtest.ShopeeToShip {
			shopee = o
		}
	}
	want := map[string]any{"platform": "shopee", "store": dbtest.ShopeeStore, "tab": "to-ship", "platform_status": "PROCESSED",
		"currency": "MYR", "total": "59.70", "posted": false, "tracking_no": dbtest.ShopeeTracking}
	for k, v := range want {
		if shopee[k] != v {
			t.Errorf("%s: %s = %v, want %v", dbtest.ShopeeToShip, k, shopee[k], v)
		}
	}
	item := shopee["items"].([]any)[0].(map[string]any)
	if item["sku"] != "TDG-CHF-BLK" || item["qty"] != float64(2) || item["stock_code"] != "" || item["name"] != "Tudung Bawal Chiffon" {
		t.Errorf("item %v", item)
	}
}

func TestOrdersTabAndSearch(t *testing.T) {
	f := dbtest.New(t, 0)
	f.DB.Close()
	list := func(args ...string) []string {
		t.Helper()
		code, out, stderr := kedai(append([]string{"orders", "--db", f.Path, "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var orders []struct {
			OrderNo string `json:"order_no"`
			Tab     string `json:"tab"`
		}
		json.Unmarshal([]byte(out), &orders)
		var nos []string
		for _, o := range orders {
			nos = append(nos, o.OrderNo)
		}
		slices.Sort(nos)
		return nos
	}
	if got := list("--tab", "to-ship"); !slices.Equal(got, []string{"241101AAAA0002", dbtest.LazadaToShip}) {
		t.Errorf("to-ship: %v", got)
	}
	if got := list("--search", "23"); !slices.Equal(got, []string{dbtest.LazadaNew}) {
		t.Errorf("search 23: %v", got)
	}
	if got := list("--search", dbtest.ShopeeTracking, "--tab", "new"); len(got) != 0 {
		t.Errorf("tracking number on the wrong tab: %v", got)
	}
	if got := list("--tab", "others"); !slices.Equal(got, []string{dbtest.TikTokOthers}) {
		t.Errorf("others: %v", got)
	}
	// The table for people.
	code, out, _ := kedai("orders", "--db", f.Path, "--tab", "to-cancel")
	if code != 0 || !strings.Contains(out, dbtest.ShopeeInCancel) || !strings.Contains(out, "1 orders") {
		t.Errorf("text listing: %s", out)
	}
}

func TestCommandLineRefusals(t *testing.T) {
	f := dbtest.New(t, 0)
	f.DB.Close()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	refused(t, "unknown tab", "orders", "--db", f.Path, "--tab", "shipping")
	refused(t, "--db FILE is required", "orders")
	refused(t, "no such data file", "orders", "--db", missing)
	if _, err := os.Stat(missing); err == nil {
		t.Error("listing a missing file created it")
	}
	refused(t, "flag provided but not defined", "orders", "--db", f.Path, "--colour")
	refused(t, "unexpected argument", "orders", "--db", f.Path, "extra")
	refused(t, "unknown command", "ordres")

	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte(strings.Repeat("not a database ", 20)), 0o644)
	refused(t, "not a Kedai data file", "orders", "--db", notes)
	if b, _ := os.ReadFile(notes); string(b) != strings.Repeat("not a database ", 20) {
		t.Error("the refused file was changed")
	}

	refused(t, "already exists", "demo", "--db", f.Path)
	refused(t, "--orders 0", "demo", "--db", filepath.Join(dir, "d.db"), "--orders", "0")
	refused(t, "--db FILE is required", "demo")
	if _, err := os.Stat(filepath.Join(dir, "d.db")); err == nil {
		t.Error("a refused demo left a file")
	}
	refused(t, "unknown screen", "--db", f.Path, "--screen", "warehouse")
}

func TestDemoCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	code, out, stderr := kedai("demo", "--db", path, "--orders", "1200", "--seed", "7")
	if code != 0 || !strings.Contains(out, "1200 orders in 6 stores") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	code, out, _ = kedai("orders", "--db", path, "--json")
	var orders []struct {
		Platform string `json:"platform"`
		Tab      string `json:"tab"`
	}
	if err := json.Unmarshal([]byte(out), &orders); code != 0 || err != nil || len(orders) != 1200 {
		t.Fatalf("demo has %d orders (%v)", len(orders), err)
	}
	platforms, tabs := map[string]bool{}, map[string]bool{}
	for _, o := range orders {
		platforms[o.Platform], tabs[o.Tab] = true, true
	}
	if len(platforms) != 3 || len(tabs) != 10 {
		t.Errorf("demo covers %d platforms and %d tabs", len(platforms), len(tabs))
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := kedai("help")
	if code != 0 || !strings.Contains(out, "kedai orders --db FILE") {
		t.Errorf("help: %d %s", code, out)
	}
	code, out, _ = kedai("orders", "-h")
	if code != 0 || !strings.Contains(out, "usage: kedai orders") {
		t.Errorf("orders -h: %d %s", code, out)
	}
}
