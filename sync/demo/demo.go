package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// Options for a demo workspace.
type Options struct {
	Orders int       // how many orders in total (N=200000 must work; default 2000 when 0)
	Seed   int64     // same seed => same data
	Now    time.Time // the "current" time; orders are spread over the 90 days before it
	// Offline makes plain stores that nothing syncs (benchmarks); otherwise the stores are linked
	// to the simulator the workspace runs whenever it is open (see StartLive).
	Offline bool
}

// DefaultOrders is the size of a demo workspace when Options.Orders is 0.
const DefaultOrders = 2000

// MaxOrders bounds a workspace: the id formats (Pos Laju's eight-digit serials) run out beyond it.
const MaxOrders = 10_000_000

// BatchSize is how many orders Create writes per transaction.
const BatchSize = 1000

// ErrNotEmpty is returned by Create for a data file that already has stores.
var ErrNotEmpty = errors.New("the data file already has stores")

// storeProfile is what a demo store is known for: its categories sell more there, though every
// store lists the whole catalogue.
type storeProfile struct {
	store   domain.Store
	focus   []category
	voucher string // prefix of its shop voucher codes
}

var profiles = []storeProfile{
	{domain.Store{Platform: domain.Lazada, Name: "Kedai Cantik Lazada", ShopID: "1000348812"}, []category{beauty, fashion}, "CANTIK"},
	{domain.Store{Platform: domain.Lazada, Name: "Rumah Gadget Lazada", ShopID: "1000519077"}, []category{gadget, home}, "GADGET"},
	{domain.Store{Platform: domain.Shopee, Name: "Butik Ayu Shopee", ShopID: "318204556"}, []category{fashion, beauty}, "AYU"},
	{domain.Store{Platform: domain.Shopee, Name: "Dapur Bonda Shopee", ShopID: "406771923"}, []category{kitchen, food, home}, "BONDA"},
	{domain.Store{Platform: domain.TikTok, Name: "Serba Ada TikTok", ShopID: "7495038271640118533"}, []category{food, baby, health, home}, "SERBA"},
	{domain.Store{Platform: domain.TikTok, Name: "Gajet Pintar TikTok", ShopID: "7495120046718264069"}, []category{gadget, beauty}, "PINTAR"},
}

// Stores returns the six demo stores: two per platform, all region MY.
func Stores() []domain.Store {
	out := make([]domain.Store, len(profiles))
	for i, p := range profiles {
		out[i] = p.store
		out[i].Region = "MY"
	}
	return out
}

// addStore adds a demo store: linked to the workspace's simulator (its address and tokens are
// set each time the workspace opens), with its cursor at now since its orders are all here.
func addStore(ctx context.Context, d *db.DB, s domain.Store, opt Options) (domain.Store, error) {
	if opt.Offline {
		return d.AddStore(ctx, s, opt.Now)
	}
	added, err := d.LinkStore(ctx, s, db.Link{BaseURL: "http://127.0.0.1:1/demo", AppKey: "demo", Demo: true},
		db.Secrets{AppSecret: "demo", Tokens: market.Tokens{Access: "demo", Refresh: "demo"}}, 1, opt.Now)
	if err != nil {
		return added, err
	}
	return added, d.SetSyncCursor(ctx, added.ID, opt.Now)
}

// Generate calls yield for each order (in creation-time order, oldest first), already assigned to
// one of the given stores. It stops early if yield returns false. Orders are built one at a time,
// so any number can be streamed without holding them.
func Generate(opt Options, stores []domain.Store, yield func(domain.Order) bool) {
	g := newGenerator(opt, stores)
	if g == nil {
		return
	}
	for i := range g.n {
		if !yield(g.order(i)) {
			return
		}
	}
}

// Create adds the demo stores to d and writes opt.Orders orders in transactions of BatchSize
// orders, calling progress(done, total) after each batch (progress may be nil). It checks ctx
// between batches; on cancellation the batches already written stay, and the caller decides
// whether to keep the file. It refuses a data file that already has stores and writes nothing.
func Create(ctx context.Context, d *db.DB, opt Options, progress func(done, total int)) error {
	if opt.Orders == 0 {
		opt.Orders = DefaultOrders
	}
	if opt.Orders < 0 || opt.Orders > MaxOrders {
		return fmt.Errorf("demo: %d orders: choose between 1 and %d", opt.Orders, MaxOrders)
	}
	if opt.Now.IsZero() {
		return errors.New("demo: no current time given")
	}
	existing, err := d.Stores(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(existing) > 0 {
		names := make([]string, len(existing))
		for i, s := range existing {
			names[i] = s.Name
		}
		return fmt.Errorf("demo: %w (%s): create the demo workspace in a new data file", ErrNotEmpty, strings.Join(names, ", "))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var stores []domain.Store
	for _, s := range Stores() {
		added, err := addStore(ctx, d, s, opt)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("demo: adding store %q: %w", s.Name, err)
		}
		stores = append(stores, added)
	}

	batch := make([]domain.Order, 0, BatchSize)
	done := 0
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := d.SaveOrders(ctx, batch, opt.Now); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("demo: saving orders: %w", err)
		}
		done += len(batch)
		batch = batch[:0]
		if progress != nil {
			progress(done, opt.Orders)
		}
		return nil
	}
	var saveErr error
	Generate(opt, stores, func(o domain.Order) bool {
		batch = append(batch, o)
		if len(batch) == BatchSize {
			saveErr = flush()
		}
		return saveErr == nil
	})
	if saveErr != nil {
		return saveErr
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}
