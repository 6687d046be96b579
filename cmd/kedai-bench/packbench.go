package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/lazada"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/vault"
)

var packRe = regexp.MustCompile(`bulkpack orders=(\d+) done=(\d+) failed=(\d+) seconds=([\d.]+) max-frame-gap-ms=(\d+) idle-frame-gap-ms=(\d+) repaint-frame-gap-ms=(\d+) frames=(\d+)`)

// packRows measures a bulk pack of n Lazada orders through the window: a Lazada shop on the
// simulator, synced into a fresh file, then the window (under Xvfb) packs n orders of New Order
// from its Orders screen while noting every frame it draws.
func packRows(kedai string, n int) ([]row, error) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		return nil, fmt.Errorf("the bulk pack figures need xvfb-run (apt-get install xvfb xauth)")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kedai-packbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	keys := filepath.Join(dir, "keys")
	opts := db.Options{Vault: vault.Options{NoKeychain: true, Dir: keys}}

	s := sim.New(sim.Options{Seed: 5})
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer stop()
	shop := s.AddShop(domain.Lazada, "Bench Lazada", "MY")
	// A third of new orders are unpaid; generate enough paid ones to pack, in the last few
	// minutes (Lazada lists at most 5,000 orders updated in one second).
	s.Clock().Set(time.Now().Add(-10 * time.Minute))
	for left := n * 8 / 5; left > 0; left -= 1000 {
		s.Generate(domain.Lazada, shop.ID, min(left, 1000))
		s.Clock().Advance(time.Minute)
	}
	s.Clock().Set(time.Now())
	path := filepath.Join(dir, "pack.db")
	d, err := db.OpenWith(path, opts)
	if err != nil {
		return nil, err
	}
	access, refresh, exp := s.Grant(domain.Lazada, shop.ID)
	app := s.App(domain.Lazada)
	if _, err := d.LinkStore(ctx, domain.Store{Platform: domain.Lazada, Name: shop.Name, Region: "MY", ShopID: shop.ID},
		db.Link{BaseURL: base + "/lazada/rest", AppKey: app.Key},
		db.Secrets{AppSecret: app.Secret, Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}},
		1, time.Now()); err != nil {
		d.Close()
		return nil, err
	}
	time.Sleep(1200 * time.Millisecond) // past the sync's lag
	e := engine.New(d, engine.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Lag: time.Second})
	err = e.RunOnce(ctx)
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("bulk pack: the first sync: %w", err)
	}

	s.ResetRequests(domain.Lazada)
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", kedai, "--db", path)
	cmd.Env = append(os.Environ(), "KEDAI_BENCH_BULKPACK="+strconv.Itoa(n), "KEDAI_KEY_DIR="+keys, "LANG=en_US.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("bulk pack window run: %v\n%s", err, out)
	}
	if os.Getenv("KEDAI_BENCH_VERBOSE") != "" {
		os.Stderr.Write(out)
	}
	m := packRe.FindSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("the window printed no bulk pack report:\n%s", out)
	}
	f := func(i int) float64 { v, _ := strconv.ParseFloat(string(m[i]), 64); return v }
	total, done, failed, secs, gap, idle, repaint, frames := f(1), f(2), f(3), f(4), f(5), f(6), f(7), f(8)
	if done != total || failed != 0 {
		return nil, fmt.Errorf("bulk pack: %v of %v done, %v failed", done, total, failed)
	}
	// The platform's own view: exactly the orders asked for are packed.
	packed, calls := 0, 0
	for _, r := range s.Requests(domain.Lazada) {
		if r.Path == "/order/fulfill/pack" {
			calls++
		}
	}
	for _, o := range s.Orders(domain.Lazada, shop.ID) {
		if domain.Done(&o, domain.ActPack, time.Now()) {
			packed++
		}
	}
	if packed != int(total) {
		return nil, fmt.Errorf("bulk pack: the platform shows %d orders packed, not %v", packed, total)
	}
	floor := float64(calls) / lazada.RequestsPerSecond
	return []row{
		{name: fmt.Sprintf("bulk pack of %d Lazada orders in the window", int(total)), unit: "orders/s", value: total / secs,
			floorValue: total / max(floor, 0.001), higherBetter: true,
			note: fmt.Sprintf("%.1f s, %d pack calls of 20; floor: Lazada's %d calls/s allow %.0f s", secs, calls, lazada.RequestsPerSecond, floor)},
		{name: "bulk pack: longest gap between frames", unit: "ms", value: gap, limit: 100, floorValue: repaint,
			note: fmt.Sprintf("%d frames drawn; floor: the longest gap while the idle window repaints every frame (%v ms not repainting)",
				int(frames), idle)},
	}, nil
}
