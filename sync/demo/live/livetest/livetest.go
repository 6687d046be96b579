// Package livetest gives tests a real workspace to act on: a demo data file whose stores are
// served by the simulators on loopback, synced once, with the engine sending what is submitted.
package livetest

import (
	"context"
	"testing"
	"time"

	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/sim"
)

// Workspace is a demo data file, its simulators and its engine.
type Workspace struct {
	Sim    *sim.Sim
	Engine *engine.Engine
	DB     *db.DB
	t      testing.TB
}

// Start builds a workspace of about orders orders. With send the engine runs (it sends what is
// submitted); without, it has synced once and nothing sends the queued actions. No buyer moves an
// order by itself while the test runs. Everything stops when the test ends.
func Start(t testing.TB, orders int, send bool) *Workspace {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	if err := demo.Create(ctx, d, demo.Options{Orders: orders, Seed: 11, Now: time.Now().Add(-time.Minute)}, nil); err != nil {
		t.Fatal(err)
	}
	l, err := live.Start(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Stop)
	l.Sim.SetRates(sim.Rates{})
	e := engine.New(d, engine.Options{Lag: time.Second, Interval: time.Hour})
	rctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	if !send {
		close(stopped)
		if err := e.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	} else {
		go func() { e.Run(rctx); close(stopped) }()
	}
	t.Cleanup(func() { cancel(); <-stopped })
	// Wait for the first sync of every store: it must not race the test's actions.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		st, _ := e.SyncStatus(ctx)
		ready := len(st) > 0
		for _, s := range st {
			ready = ready && !s.LastSuccess.IsZero() && !s.Running
		}
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stores did not sync: %+v", st)
		}
	}
	return &Workspace{Sim: l.Sim, Engine: e, DB: d, t: t}
}

// ShopID is the simulator's shop of a store.
func (w *Workspace) ShopID(storeID int64) string {
	w.t.Helper()
	stores, err := w.DB.Stores(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	for _, s := range stores {
		if s.ID == storeID {
			return s.ShopID
		}
	}
	w.t.Fatalf("no store %d", storeID)
	return ""
}
