package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/sqlaccount"
	"github.com/kedai-app/kedai/sync/vault"
)

// timedTransport adds up the time spent in HTTP round trips.
type timedTransport struct {
	mu    sync.Mutex
	spent time.Duration
	calls int
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := http.DefaultTransport.RoundTrip(r)
	t.mu.Lock()
	t.spent += time.Since(start)
	t.calls++
	t.mu.Unlock()
	return resp, err
}

// postRows posts n orders of a demo workspace to the SQL Account simulator over loopback and
// reports documents per second, beside the rate the HTTP round trips alone would allow, and the
// share of the time spent outside them (the journal, reading orders, building the invoices).
func postRows(n int) ([]row, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kedai-postbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	d, err := db.OpenWith(filepath.Join(dir, "post.db"), db.Options{Vault: vault.Options{NoKeychain: true, Dir: filepath.Join(dir, "keys")}})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	fmt.Printf("posting %d orders to the SQL Account simulator…\n", n)
	if err := demo.Create(ctx, d, demo.Options{Orders: 8 * n, Seed: 7, Now: benchNow, Offline: true}, nil); err != nil {
		return nil, err
	}
	// The demo's books as a seller has them set up, then this benchmark's own SQL Account,
	// seeded the same, whose round trips it times.
	if err := live.SetUpAccounts(ctx, d, benchNow); err != nil {
		return nil, err
	}
	stores, err := d.Stores(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range stores {
		names = append(names, s.Name)
	}
	acc := sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: "AKIDBENCH", SecretKey: "bench-secret", Seed: demo.SQLAccSeed(names)})
	url, stop, err := acc.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer stop()
	cfg := domain.SQLAccConfig{URL: url, AccessKey: "AKIDBENCH", SecretKey: "bench-secret",
		Region: sqlaccount.DefaultRegion, Service: sqlaccount.DefaultService}
	if err := d.SetSQLAccConfig(ctx, cfg); err != nil {
		return nil, err
	}
	if err := mapEverything(ctx, d); err != nil {
		return nil, err
	}
	ids, err := d.Unposted(ctx, domain.PostTabs, false)
	if err != nil {
		return nil, err
	}
	if len(ids) < n {
		return nil, fmt.Errorf("only %d orders to post", len(ids))
	}
	tt := &timedTransport{}
	c, err := sqlaccount.New(sqlaccount.Config(cfg), &http.Client{Transport: tt, Timeout: time.Minute})
	if err != nil {
		return nil, err
	}
	p := &sqlaccount.Poster{DB: d, Client: c}
	if f := os.Getenv("KEDAI_BENCH_POST_PROFILE"); f != "" {
		if out, err := os.Create(f); err == nil && pprof.StartCPUProfile(out) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	start := time.Now()
	res, err := p.Post(ctx, ids[:n], nil)
	took := time.Since(start)
	if err != nil {
		return nil, err
	}
	if res.Posted != n {
		attempts, _ := d.PostAttempts(ctx, res.RunID)
		for _, a := range attempts {
			if a.State != domain.PostPosted {
				return nil, fmt.Errorf("posted %d of %d: %s %s", res.Posted, n, a.OrderNo, a.Message)
			}
		}
	}
	outside := (took - tt.spent).Seconds() / took.Seconds()
	return []row{
		{name: fmt.Sprintf("posting %d orders to SQL Account (simulator)", n), unit: "docs/s", higherBetter: true,
			value: float64(n) / took.Seconds(), floorValue: float64(n) / tt.spent.Seconds(),
			note: fmt.Sprintf("%.2f s, %d HTTP calls taking %.2f s; floor: the round trips alone", took.Seconds(), tt.calls, tt.spent.Seconds())},
		{name: "posting: share of the time outside HTTP round trips", unit: "%", value: 100 * outside,
			note: "the journal (two writes an order), reading the order, its mappings and stock items, building the invoice"},
	}, nil
}

// mapEverything maps every SKU the demo left unmapped: the matches Auto Map proposes, and the
// first stock item for the SKUs that match nothing.
func mapEverything(ctx context.Context, d *db.DB) error {
	matches, err := d.AutoMatches(ctx)
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := d.SetMapping(ctx, domain.Mapping{SKU: m.SKU, Lines: []domain.MapLine{{StockCode: m.StockCode, UOM: m.UOM, Qty: 1}}}); err != nil {
			return err
		}
	}
	left, err := d.SKUs(ctx, "unmapped", "", 10000)
	if err != nil {
		return err
	}
	items, err := d.StockItems(ctx, "STK-", 1)
	if err != nil || len(items) == 0 {
		return fmt.Errorf("no stock item to map the rest to: %v", err)
	}
	for _, s := range left {
		if err := d.SetMapping(ctx, domain.Mapping{SKU: s.SKU, Lines: []domain.MapLine{{StockCode: items[0].Code, UOM: items[0].BaseUOM(), Qty: 1}}}); err != nil {
			return err
		}
	}
	return nil
}
