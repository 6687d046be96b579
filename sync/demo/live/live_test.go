package live

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/engine"
)

func TestDemoWorkspaceSyncsFromItsOwnSimulators(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	created := time.Now().Add(-time.Minute)
	if err := demo.Create(ctx, d, demo.Options{Orders: 600, Seed: 9, Now: created}, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := d.TabCounts(ctx, domain.OrderQuery{})
	w, err := Start(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if w.Sim == nil || !strings.HasPrefix(w.URL, "http://127.0.0.1:") {
		t.Fatalf("no simulator: %+v", w)
	}
	stores, _ := d.Stores(ctx)
	if len(stores) != 6 {
		t.Fatalf("%d stores", len(stores))
	}
	for _, s := range stores {
		link, err := d.StoreLink(ctx, s.ID)
		if err != nil || !link.Demo || !strings.HasPrefix(link.BaseURL, w.URL) {
			t.Errorf("%s is not pointed at the simulator: %+v %v", s.Name, link, err)
		}
		if got := len(w.Sim.Orders(s.Platform, s.ShopID)); got == 0 {
			t.Errorf("%s: the simulator holds none of its orders", s.Name)
		}
	}
	e := engine.New(d, engine.Options{Lag: 1100 * time.Millisecond, RetryBase: time.Millisecond})
	time.Sleep(1200 * time.Millisecond)
	if err := e.RunOnce(ctx); err != nil {
		t.Fatalf("first sync of the demo: %v", err)
	}
	after, _ := d.TabCounts(ctx, domain.OrderQuery{})
	total := func(c map[domain.Tab]int) (n int) {
		for _, v := range c {
			n += v
		}
		return n
	}
	if total(after) != total(before) {
		t.Errorf("the first sync changed the number of orders from %d to %d: the demo's own orders came back as new", total(before), total(after))
	}
	// New orders at the platforms arrive.
	for _, s := range stores {
		w.Sim.Generate(s.Platform, s.ShopID, 2)
	}
	time.Sleep(1200 * time.Millisecond)
	if err := e.RunOnce(ctx); err != nil {
		t.Fatalf("second sync: %v", err)
	}
	final, _ := d.TabCounts(ctx, domain.OrderQuery{})
	if total(final) != total(before)+12 {
		t.Errorf("%d orders after 12 new ones, want %d", total(final), total(before)+12)
	}
}

func TestWorkspaceWithoutDemoStoresStartsNothing(t *testing.T) {
	d := dbtest.New(t, 0)
	w, err := Start(context.Background(), d.DB)
	if err != nil || w.Sim != nil {
		t.Fatalf("%+v %v", w, err)
	}
	w.Stop()
}
