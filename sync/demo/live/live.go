// Package live runs the demo workspace's own marketplace: the simulators in this process, serving
// the demo stores' orders and bringing new ones, so a new user sees orders arrive.
package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// Live is the demo workspace's own marketplace: the simulators, in this process, on 127.0.0.1,
// serving the demo stores' orders and bringing new ones over time, synced like any store.
type Live struct {
	Sim    *sim.Sim
	URL    string
	cancel context.CancelFunc
	stop   func() error
}

// Stop ends the simulators.
func (l *Live) Stop() {
	if l == nil || l.Sim == nil {
		return
	}
	l.cancel()
	l.stop()
}

// apiRoot is where the simulator mounts a platform's API root.
func apiRoot(base string, p domain.Platform) string {
	if p == domain.Lazada {
		return base + "/lazada/rest"
	}
	return base + "/" + string(p)
}

// Start starts the simulators for a file's demo stores, if it has any: each demo store gets
// a shop holding its own orders, fresh tokens, and the simulator's address. A file without demo
// stores gets a Live that does nothing.
func Start(ctx context.Context, d *db.DB) (*Live, error) {
	stores, err := d.Stores(ctx)
	if err != nil {
		return nil, err
	}
	var demoStores []domain.Store
	for _, s := range stores {
		if link, err := d.StoreLink(ctx, s.ID); err == nil && link.Demo {
			demoStores = append(demoStores, s)
		}
	}
	if len(demoStores) == 0 {
		return &Live{}, nil
	}
	s := sim.New(sim.Options{Seed: time.Now().UnixNano()})
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: starting the simulators: %w", err)
	}
	for _, st := range demoStores {
		shop := s.AddStore(st) // keeps the store's own shop id
		orders, err := storeOrders(ctx, d, st.ID)
		if err != nil {
			stop()
			return nil, err
		}
		s.PutOrders(st.Platform, shop.ID, orders)
		access, refresh, expires := s.Grant(st.Platform, shop.ID)
		app := s.App(st.Platform)
		link := db.Link{BaseURL: apiRoot(base, st.Platform), AppKey: app.Key, ServiceID: app.ServiceID, Cipher: shop.Cipher, Demo: true}
		if err := d.UpdateLink(ctx, st.ID, link, shop.ID); err != nil {
			stop()
			return nil, err
		}
		if err := d.Relink(ctx, st.ID, db.Secrets{AppSecret: app.Secret,
			Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: expires}}); err != nil {
			stop()
			return nil, err
		}
	}
	if cfg, err := d.SQLAccConfig(ctx); err == nil && isDemoAccounts(cfg) {
		stopAccounts, err := startAccounts(ctx, d, demoStores)
		if err != nil {
			stop()
			return nil, err
		}
		stopMarkets := stop
		stop = func() error { return errors.Join(stopAccounts(), stopMarkets()) }
	}
	liveCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.Live(liveCtx)
	return &Live{Sim: s, URL: base, cancel: cancel, stop: stop}, nil
}

// storeOrders reads every order of a store, posted or not.
func storeOrders(ctx context.Context, d *db.DB, storeID int64) ([]domain.Order, error) {
	var ids []int64
	for _, archived := range []bool{false, true} {
		more, err := d.OrderIDs(ctx, domain.OrderQuery{StoreIDs: []int64{storeID}, Archived: archived})
		if err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	return d.Orders(ctx, ids)
}
