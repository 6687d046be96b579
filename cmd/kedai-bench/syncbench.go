package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/lazada"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/shopee"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/tiktok"
	"github.com/kedai-app/kedai/sync/vault"
)

// syncRows measures the sync: a full pull of n orders from the simulators over loopback, the
// write path against a raw insert of the same rows, and an incremental pull of 1,000 changes.
func syncRows(n int) ([]row, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kedai-syncbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	opts := db.Options{Vault: vault.Options{NoKeychain: true, Dir: filepath.Join(dir, "keys")}}

	s := sim.New(sim.Options{Seed: 3})
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer stop()
	d, err := db.OpenWith(filepath.Join(dir, "sync.db"), opts)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	shops := map[domain.Platform]sim.Shop{}
	fmt.Printf("simulating %d orders on three platforms…\n", n)
	for _, p := range domain.Platforms {
		shop := s.AddShop(p, "Bench "+p.Title(), "MY")
		shops[p] = shop
		s.PutOrders(p, shop.ID, withLines(s.AddHistory(p, shop.ID, n/3)))
		access, refresh, exp := s.Grant(p, shop.ID)
		app := s.App(p)
		root := base + "/" + string(p)
		if p == domain.Lazada {
			root = base + "/lazada/rest"
		}
		if _, err := d.LinkStore(ctx, domain.Store{Platform: p, Name: shop.Name, Region: "MY", ShopID: shop.ID},
			db.Link{BaseURL: root, AppKey: app.Key, ServiceID: app.ServiceID, Cipher: shop.Cipher},
			db.Secrets{AppSecret: app.Secret, Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}},
			db.MaxInitialDays, time.Now()); err != nil {
			return nil, err
		}
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := engine.New(d, engine.Options{Log: quiet, Lag: 1100 * time.Millisecond})
	time.Sleep(1200 * time.Millisecond) // past the current second: the platforms filter by seconds

	for _, p := range domain.Platforms {
		s.ResetRequests(p)
	}
	start := time.Now()
	if err := e.RunOnce(ctx); err != nil {
		return nil, fmt.Errorf("full sync: %w", err)
	}
	full := time.Since(start)
	fullFloor, fullCalls := rateFloor(s)
	orders, items, err := storedCounts(ctx, d)
	if err != nil {
		return nil, err
	}
	if orders < n/3*3 {
		return nil, fmt.Errorf("full sync stored %d of %d orders", orders, n/3*3)
	}

	writeOurs, writeRaw, err := writePath(ctx, d, dir, opts)
	if err != nil {
		return nil, err
	}

	// 1,000 orders change at the platforms.
	changed := 0
	now := s.Clock().Now()
	for _, p := range domain.Platforms {
		var batch []domain.Order
		for _, o := range s.Orders(p, shops[p].ID) {
			if changed >= 1000 || len(batch) >= 334 {
				break
			}
			o.UpdatedAt = now
			o.SellerNote = "changed for the benchmark"
			batch = append(batch, o)
			changed++
		}
		s.PutOrders(p, shops[p].ID, batch)
	}
	time.Sleep(1200 * time.Millisecond)
	for _, p := range domain.Platforms {
		s.ResetRequests(p)
	}
	start = time.Now()
	if err := e.RunOnce(ctx); err != nil {
		return nil, fmt.Errorf("incremental sync: %w", err)
	}
	incr := time.Since(start)
	incrFloor, calls := rateFloor(s)
	// Bare round trips, for the note: as many HTTP calls to the same server, one after another.
	bare := time.Now()
	for range calls {
		resp, err := http.Get(base + "/_sim/nothing-here")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	trips := time.Since(bare)

	return []row{
		{name: fmt.Sprintf("full sync: %d orders, %.1f items each", orders, float64(items)/float64(orders)), unit: "orders/s",
			value: float64(orders) / full.Seconds(), floorValue: float64(orders) / max(fullFloor.Seconds(), 0.001), higherBetter: true,
			note: fmt.Sprintf("%.0f s for %d calls; floor: the clients' rate limits allow %.0f s", full.Seconds(), fullCalls, fullFloor.Seconds())},
		{name: "sync write path vs raw SQLite insert, same rows", unit: "ratio", value: writeRaw.Seconds() / writeOurs.Seconds(),
			limit: 0.5, higherBetter: true, note: fmt.Sprintf("ours %.1f s, raw %.1f s", writeOurs.Seconds(), writeRaw.Seconds())},
		{name: fmt.Sprintf("incremental sync of %d changed orders", changed), median: incr, p99: incr, target: 2 * time.Second,
			floor: max(incrFloor, trips), note: fmt.Sprintf("%d calls; floor: rate limits %.0f ms, bare round trips %.0f ms",
				calls, float64(incrFloor.Milliseconds()), float64(trips.Milliseconds()))},
	}, nil
}

// withLines gives the orders 1, 2, 3 or 4 item lines in turn (2.5 on average, the mix the target
// is stated for), adding lines of other products to orders that have too few.
func withLines(orders []domain.Order) []domain.Order {
	for i := range orders {
		o := &orders[i]
		want := i%4 + 1
		for n := len(o.Items); n < want && len(o.Items) > 0; n++ {
			extra := o.Items[0]
			extra.PlatformItemID = ""
			extra.SKU = fmt.Sprintf("%s-%d", extra.SKU, n)
			extra.Name = fmt.Sprintf("%s (set %d)", extra.Name, n+1)
			extra.Qty = 1
			o.Items = append(o.Items, extra)
		}
	}
	return orders
}

// rateFloor is the least time the clients' own rate limits allow for the calls the simulators
// saw: the slowest platform's calls beyond its burst at its rate (TikTok's limit is per path).
func rateFloor(s *sim.Sim) (time.Duration, int) {
	var worst time.Duration
	calls := 0
	for _, p := range domain.Platforms {
		reqs := s.Requests(p)
		calls += len(reqs)
		switch p {
		case domain.Lazada:
			worst = max(worst, time.Duration(max(len(reqs)-lazada.RequestsPerSecond, 0))*time.Second/lazada.RequestsPerSecond)
		case domain.Shopee:
			worst = max(worst, time.Duration(max(len(reqs)-shopee.Burst, 0))*time.Second/shopee.RequestsPerSecond)
		case domain.TikTok:
			perPath := map[string]int{}
			for _, r := range reqs {
				perPath[r.Path]++
			}
			for _, n := range perPath {
				worst = max(worst, time.Duration(max(n-tiktok.PathBurst, 0))*time.Second/tiktok.PathRate)
			}
		}
	}
	return worst, calls
}

func storedCounts(ctx context.Context, d *db.DB) (orders, items int, err error) {
	raw, err := sql.Open("sqlite", "file:"+d.Path()+"?mode=ro")
	if err != nil {
		return 0, 0, err
	}
	defer raw.Close()
	err = raw.QueryRow(`SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM items)`).Scan(&orders, &items)
	return orders, items, err
}

// writePath saves the synced orders into a fresh file the way a sync does (pages of 100 through
// SaveOrders) and, separately, inserts the very rows that produced into another fresh file with
// plain prepared INSERTs in transactions of the same size.
func writePath(ctx context.Context, src *db.DB, dir string, opts db.Options) (ours, raw time.Duration, err error) {
	var all []domain.Order
	stores, _ := src.Stores(ctx)
	for _, archived := range []bool{false, true} {
		ids, err := src.OrderIDs(ctx, domain.OrderQuery{Archived: archived})
		if err != nil {
			return 0, 0, err
		}
		more, err := src.Orders(ctx, ids)
		if err != nil {
			return 0, 0, err
		}
		all = append(all, more...)
	}
	dst, err := db.OpenWith(filepath.Join(dir, "ours.db"), opts)
	if err != nil {
		return 0, 0, err
	}
	defer dst.Close()
	ids := map[int64]int64{}
	for _, s := range stores {
		added, err := dst.AddStore(ctx, domain.Store{Platform: s.Platform, Name: s.Name, Region: s.Region, ShopID: s.ShopID}, time.Now())
		if err != nil {
			return 0, 0, err
		}
		ids[s.ID] = added.ID
	}
	for i := range all {
		all[i].ID, all[i].StoreID = 0, ids[all[i].StoreID]
	}
	start := time.Now()
	for i := 0; i < len(all); i += 100 {
		if err := dst.SaveOrders(ctx, all[i:min(i+100, len(all))], time.Now()); err != nil {
			return 0, 0, err
		}
	}
	ours = time.Since(start)

	// The raw floor: the same rows, read back, inserted without any of our logic.
	rawPath := filepath.Join(dir, "raw.db")
	rd, err := db.OpenWith(rawPath, opts) // the same schema, indexes and triggers
	if err != nil {
		return 0, 0, err
	}
	rd.Close()
	w, err := sql.Open("sqlite", "file:"+rawPath+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return 0, 0, err
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(`ATTACH DATABASE ? AS src`, dst.Path()); err != nil {
		return 0, 0, err
	}
	type table struct{ name, cols string }
	tables := []table{{"stores", "*"}}
	for _, t := range tables {
		if _, err := w.Exec(`INSERT INTO main.` + t.name + ` SELECT ` + t.cols + ` FROM src.` + t.name); err != nil {
			return 0, 0, err
		}
	}
	load := func(q string) ([][]any, error) {
		rows, err := w.Query(q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			out = append(out, vals)
		}
		return out, rows.Err()
	}
	orderRows, err := load(`SELECT * FROM src.orders ORDER BY id`)
	if err != nil {
		return 0, 0, err
	}
	byOrder := func(q string) (map[int64][][]any, error) {
		rows, err := load(q)
		m := map[int64][][]any{}
		for _, r := range rows {
			m[r[0].(int64)] = append(m[r[0].(int64)], r[1:])
		}
		return m, err
	}
	itemRows, err := byOrder(`SELECT order_id, * FROM src.items`)
	if err != nil {
		return 0, 0, err
	}
	pkgRows, err := byOrder(`SELECT order_id, * FROM src.packages`)
	if err != nil {
		return 0, 0, err
	}
	keyRows, err := byOrder(`SELECT order_id, * FROM src.search_keys`)
	if err != nil {
		return 0, 0, err
	}
	w.Exec(`DETACH DATABASE src`)
	insert := func(tx *sql.Tx, table string, n int) (*sql.Stmt, error) {
		return tx.Prepare(`INSERT INTO ` + table + ` VALUES (` + strings.TrimSuffix(strings.Repeat("?,", n), ",") + `)`)
	}
	start = time.Now()
	for i := 0; i < len(orderRows); i += 100 {
		tx, err := w.Begin()
		if err != nil {
			return 0, 0, err
		}
		os, err := insert(tx, "orders", len(orderRows[0]))
		if err != nil {
			return 0, 0, err
		}
		var is, ps, ks *sql.Stmt
		for _, o := range orderRows[i:min(i+100, len(orderRows))] {
			if _, err := os.Exec(o...); err != nil {
				return 0, 0, err
			}
			id := o[0].(int64)
			for _, group := range []struct {
				rows [][]any
				name string
				st   **sql.Stmt
			}{{itemRows[id], "items", &is}, {pkgRows[id], "packages", &ps}, {keyRows[id], "search_keys", &ks}} {
				for _, r := range group.rows {
					if *group.st == nil {
						if *group.st, err = insert(tx, group.name, len(r)); err != nil {
							return 0, 0, err
						}
					}
					if _, err := (*group.st).Exec(r...); err != nil {
						return 0, 0, err
					}
				}
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, 0, err
		}
	}
	raw = time.Since(start)
	return ours, raw, nil
}
