// Command kedai-bench measures Kedai against its performance targets on a 200,000-order demo
// workspace and prints one table: each figure beside its target, and beside its floor (the raw
// SQLite statement doing the same work, or the same window on an empty file) measured in the same
// run, with the ratio between them, because shared machines drift. `make bench` runs it.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo"
)

// benchNow fixes the demo's present, so every run measures the same data.
var benchNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func main() {
	kedai := flag.String("kedai", "./kedai", "the built kedai binary, for the window figures")
	orders := flag.Int("orders", 200_000, "orders in the benchmark workspace")
	cache := flag.String("cache", ".cache", "where the workspace is kept between runs")
	skipWindow := flag.Bool("no-window", false, "skip the window figures")
	syncOrders := flag.Int("sync-orders", 100_000, "orders in the sync benchmark (0: skip it)")
	packOrders := flag.Int("pack-orders", 5000, "orders in the bulk pack benchmark (0: skip it)")
	postOrders := flag.Int("post-orders", 1000, "orders in the SQL Account posting benchmark (0: skip it)")
	doc := flag.String("doc", "", "internal: make one document's figures in this process")
	docDB := flag.String("doc-db", "", "internal: the workspace for --doc")
	flag.Parse()
	if *doc != "" {
		if err := docChild(*doc, *docDB); err != nil {
			fmt.Fprintln(os.Stderr, "kedai-bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*kedai, *orders, *cache, *skipWindow, *syncOrders, *packOrders, *postOrders); err != nil {
		fmt.Fprintln(os.Stderr, "kedai-bench:", err)
		os.Exit(1)
	}
}

// row is one line of the report.
type row struct {
	name         string
	median, p99  time.Duration
	target       time.Duration // 0: no target, for information
	targetP99    bool          // the target is for p99, not the median
	floor        time.Duration // 0: none
	unit         string        // "" for durations; else the figures are plain numbers
	value, limit float64
	floorValue   float64
	higherBetter bool // the limit is a minimum (a rate or a ratio)
	note         string
}

func run(kedai string, n int, cache string, skipWindow bool, syncOrders, packOrders, postOrders int) error {
	path, err := workspace(cache, n)
	if err != nil {
		return err
	}
	d, err := db.OpenExisting(path, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)&_pragma=cache_size(-16000)")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)

	var rows []row
	rows = append(rows, storageRows(d, raw)...)
	docs, err := docRows(path)
	if err != nil {
		return err
	}
	rows = append(rows, docs...)
	if !skipWindow {
		w, err := windowRows(kedai, path, cache)
		if err != nil {
			return err
		}
		rows = append(rows, w...)
		sc, err := scanRows(kedai, path)
		if err != nil {
			return err
		}
		rows = append(rows, sc...)
		if packOrders > 0 {
			p, err := packRows(kedai, packOrders)
			if err != nil {
				return err
			}
			rows = append(rows, p...)
		}
	}
	if postOrders > 0 {
		p, err := postRows(postOrders)
		if err != nil {
			return err
		}
		rows = append(rows, p...)
	}
	if syncOrders > 0 {
		s, err := syncRows(syncOrders)
		if err != nil {
			return err
		}
		rows = append(rows, s...)
	}
	report(n, rows)
	return nil
}

// workspace returns the benchmark file, creating it on the first run. Its name carries the
// schema version so a new schema gets a new file.
func workspace(cache string, n int) (string, error) {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	path, _ := filepath.Abs(filepath.Join(cache, fmt.Sprintf("bench-%d-schema%d.db", n, db.SchemaVersion())))
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return path, nil
	}
	fmt.Printf("creating the %d-order benchmark workspace (once)…\n", n)
	start := time.Now()
	d, err := db.Open(path)
	if err != nil {
		return "", err
	}
	last := time.Now()
	err = demo.Create(context.Background(), d, demo.Options{Orders: n, Seed: 42, Now: benchNow, Offline: true}, func(done, total int) {
		if time.Since(last) > 5*time.Second {
			fmt.Printf("  %d/%d\n", done, total)
			last = time.Now()
		}
	})
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	st, _ := os.Stat(path)
	fmt.Printf("  done in %.0fs, %d MB\n", time.Since(start).Seconds(), st.Size()>>20)
	return path, nil
}

// measure runs fn repeatedly (at least 30 times and half a second) and returns the median and p99.
func measure(fn func() error) (median, p99 time.Duration, err error) {
	var times []time.Duration
	start := time.Now()
	for i := 0; i < 30 || time.Since(start) < 500*time.Millisecond; i++ {
		t := time.Now()
		if err := fn(); err != nil {
			return 0, 0, err
		}
		times = append(times, time.Since(t))
		if i > 5000 {
			break
		}
	}
	slices.Sort(times)
	return times[len(times)/2], times[len(times)*99/100], nil
}

func must(median, p99 time.Duration, err error) (time.Duration, time.Duration) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "kedai-bench:", err)
		os.Exit(1)
	}
	return median, p99
}

// rawRows runs a statement and reads every row, the least any caller could do.
func rawRows(raw *sql.DB, query string, args ...any) func() error {
	return func() error {
		rows, err := raw.Query(query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(sql.RawBytes)
		}
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

const listColumns = `o.id, o.store_id, o.order_no, o.tab, o.stage, o.status, o.created_at, o.updated_at,
	o.units, o.first_item, o.currency, o.total, o.provider, o.tracking_no, o.posted_at, o.flags`

func storageRows(d *db.DB, raw *sql.DB) []row {
	ctx := context.Background()
	var out []row
	add := func(name string, target time.Duration, fn, floor func() error) {
		m, p := must(measure(fn))
		r := row{name: name, median: m, p99: p, target: target}
		if floor != nil {
			r.floor, _ = must(measure(floor))
		}
		out = append(out, r)
	}

	add("tab counts, all ten tabs", 20*time.Millisecond,
		func() error { _, err := d.TabCounts(ctx, domain.OrderQuery{}); return err },
		rawRows(raw, `SELECT tab, sum(n) FROM tab_counts WHERE archived = 0 GROUP BY tab`))
	add("tab counts, one platform", 20*time.Millisecond,
		func() error { _, err := d.TabCounts(ctx, domain.OrderQuery{Platform: domain.Shopee}); return err },
		rawRows(raw, `SELECT tab, sum(n) FROM tab_counts WHERE archived = 0 AND store_id IN (SELECT id FROM stores WHERE platform = 'shopee') GROUP BY tab`))
	week := domain.OrderQuery{From: benchNow.AddDate(0, 0, -7), To: benchNow}
	add("tab counts, last 7 days", 20*time.Millisecond,
		func() error { _, err := d.TabCounts(ctx, week); return err },
		rawRows(raw, `SELECT o.tab, count(*) FROM orders o WHERE o.archived = 0 AND o.created_at >= ? AND o.created_at < ? GROUP BY o.tab`,
			week.From.UnixMilli(), week.To.UnixMilli()))

	// The first page of every tab; the slowest tab is the figure.
	var worst row
	for _, tab := range domain.Tabs {
		q := domain.OrderQuery{Tab: tab}
		m, p := must(measure(func() error { _, err := d.OrderPage(ctx, q, nil, 100); return err }))
		if m >= worst.median {
			f, _ := must(measure(rawRows(raw, `SELECT `+listColumns+` FROM orders o WHERE o.archived = 0 AND o.tab = ?
				ORDER BY o.created_at DESC, o.id DESC LIMIT 100`, int(tab))))
			worst = row{name: "first page (100 rows), slowest tab: " + tab.Title(), median: m, p99: p, target: 10 * time.Millisecond, floor: f}
		}
	}
	out = append(out, worst)
	add("first page, Shopee only, by update time", 10*time.Millisecond,
		func() error {
			_, err := d.OrderPage(ctx, domain.OrderQuery{Tab: domain.TabCompleted, Platform: domain.Shopee, Sort: domain.SortUpdated}, nil, 100)
			return err
		},
		rawRows(raw, `SELECT `+listColumns+` FROM orders o WHERE o.archived = 0 AND o.tab = 7 AND +o.store_id IN (SELECT id FROM stores WHERE platform='shopee')
			ORDER BY o.updated_at DESC, o.id DESC LIMIT 100`))

	// Searches as a person makes them: counts on every tab and the first page of the tab.
	var sample struct {
		no, tracking, pkg string
		id                int64
	}
	raw.QueryRow(`SELECT o.order_no, p.tracking_no, p.package_id, o.id FROM orders o JOIN packages p ON p.order_id = o.id
		WHERE p.tracking_no != '' ORDER BY o.id LIMIT 1 OFFSET 123456`).Scan(&sample.no, &sample.tracking, &sample.pkg, &sample.id)
	search := func(text string) func() error {
		return func() error {
			q := domain.OrderQuery{Search: text}
			counts, err := d.TabCounts(ctx, q)
			if err != nil {
				return err
			}
			for _, t := range domain.Tabs {
				if counts[t] > 0 {
					q.Tab = t
					break
				}
			}
			_, err = d.OrderPage(ctx, q, nil, 100)
			return err
		}
	}
	// The floor of a key search: the same statements, driven from the matching keys, counted and
	// the first page read, the page on the first tab with results.
	rawKeySearch := func(s string) func() error {
		k := strings.ToUpper(s)
		r := reverse(k)
		args := []any{k, k + "\U0010FFFF", r, r + "\U0010FFFF"}
		keys := func(cols, cond string) string {
			return `SELECT ` + cols + ` FROM search_keys WHERE key >= ?1 AND key < ?2 AND archived = 0` + cond + `
				UNION SELECT ` + cols + ` FROM search_keys WHERE key_rev >= ?3 AND key_rev < ?4 AND archived = 0` + cond
		}
		exists := rawRows(raw, `SELECT EXISTS (SELECT 1 FROM search_keys WHERE key >= ?1 AND key < ?2)
			OR EXISTS (SELECT 1 FROM search_keys WHERE key_rev >= ?3 AND key_rev < ?4)`, args...)
		count := rawRows(raw, `SELECT tab, count(*) FROM (`+keys("order_id, tab", "")+`) GROUP BY tab`, args...)
		var tab int
		raw.QueryRow(`SELECT min(tab) FROM (`+keys("order_id, tab", "")+`)`, args...).Scan(&tab)
		page := rawRows(raw, `SELECT `+listColumns+` FROM (`+keys("order_id", " AND tab = ?5")+`) k CROSS JOIN orders o ON o.id = k.order_id
			WHERE o.archived = 0 AND o.tab = ?5 ORDER BY o.created_at DESC, o.id DESC LIMIT 100`, append(args, tab)...)
		return func() error {
			for _, step := range []func() error{exists, exists, count, page} { // our code checks twice
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		}
	}
	last4 := sample.no[len(sample.no)-4:]
	add(fmt.Sprintf("search by last digits %q", last4), 20*time.Millisecond, search(last4), rawKeySearch(last4))
	add(`search by last digits "23"`, 20*time.Millisecond, search("23"), rawKeySearch("23"))
	add("search by tracking number", 20*time.Millisecond, search(sample.tracking), rawKeySearch(sample.tracking))
	add("search by package id", 20*time.Millisecond, search(sample.pkg), rawKeySearch(sample.pkg))
	var storeName string
	var storeID int64
	raw.QueryRow(`SELECT name, id FROM stores ORDER BY id LIMIT 1`).Scan(&storeName, &storeID)
	word := strings.Fields(storeName)[0]
	storeCount := rawRows(raw, `SELECT tab, sum(n) FROM tab_counts WHERE archived = 0 AND store_id = ? GROUP BY tab`, storeID)
	storePage := rawRows(raw, `SELECT `+listColumns+` FROM orders o WHERE o.archived = 0 AND o.tab = 1 AND +o.store_id = ?
		ORDER BY o.created_at DESC, o.id DESC LIMIT 100`, storeID)
	add(fmt.Sprintf("search by store name %q", word), 20*time.Millisecond, search(word),
		func() error {
			if err := storeCount(); err != nil {
				return err
			}
			return storePage()
		})

	// Opening random orders' details.
	var maxID int64
	raw.QueryRow(`SELECT max(id) FROM orders`).Scan(&maxID)
	rng := rand.New(rand.NewPCG(1, 2))
	add("open one order's detail", 5*time.Millisecond,
		func() error { _, err := d.Order(ctx, 1+rng.Int64N(maxID)); return err },
		func() error {
			id := 1 + rng.Int64N(maxID)
			for _, q := range []string{`SELECT * FROM orders WHERE id = ?`, `SELECT * FROM items WHERE order_id = ? ORDER BY line`,
				`SELECT * FROM packages WHERE order_id = ? ORDER BY line`} {
				if err := rawRows(raw, q, id)(); err != nil {
					return err
				}
			}
			return nil
		})

	// For information: paging deep into the largest tab.
	q := domain.OrderQuery{Tab: domain.TabCompleted}
	page, _ := d.OrderPageAt(ctx, q, 50_000, 1)
	if len(page) == 1 {
		c := q.CursorOf(page[0])
		add("next page 50,000 rows deep (keyset)", 0,
			func() error { _, err := d.OrderPage(ctx, q, &c, 100); return err }, nil)
		add("jump to row 50,000 (scroll bar drag)", 0,
			func() error { _, err := d.OrderPageAt(ctx, q, 50_000, 100); return err }, nil)
	}
	return out
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

var (
	frameRe = regexp.MustCompile(`first-frame-ms=(\d+)`)
	rssRe   = regexp.MustCompile(`rss-mb=(\d+) peak-rss-mb=(\d+)`)
)

// startup runs the window under Xvfb with the startup report on and returns its figures.
func startup(kedai, path string) (frameMS, rssMB, peakMB int, err error) {
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", kedai, "--db", path)
	cmd.Env = append(os.Environ(), "KEDAI_BENCH_STARTUP=1", "LANG=en_US.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("window run: %v\n%s", err, out)
	}
	f := frameRe.FindSubmatch(out)
	r := rssRe.FindSubmatch(out)
	if f == nil || r == nil {
		return 0, 0, 0, fmt.Errorf("the window printed no startup report:\n%s", out)
	}
	frameMS, _ = strconv.Atoi(string(f[1]))
	rssMB, _ = strconv.Atoi(string(r[1]))
	peakMB, _ = strconv.Atoi(string(r[2]))
	return frameMS, rssMB, peakMB, nil
}

func windowRows(kedai, path, cache string) ([]row, error) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		return nil, fmt.Errorf("the window figures need xvfb-run (apt-get install xvfb xauth)")
	}
	empty, _ := filepath.Abs(filepath.Join(cache, fmt.Sprintf("bench-empty-schema%d.db", db.SchemaVersion())))
	if _, err := os.Stat(empty); err != nil {
		d, err := db.Open(empty)
		if err != nil {
			return nil, err
		}
		d.Close()
	}
	median := func(p string) (frame, rss, peak int, err error) {
		var fs, rs, ps []int
		for range 3 {
			f, r, pk, err := startup(kedai, p)
			if err != nil {
				return 0, 0, 0, err
			}
			fs, rs, ps = append(fs, f), append(rs, r), append(ps, pk)
		}
		slices.Sort(fs)
		slices.Sort(rs)
		slices.Sort(ps)
		return fs[1], rs[1], ps[1], nil
	}
	f, r, pk, err := median(path)
	if err != nil {
		return nil, err
	}
	ef, er, epk, err := median(empty)
	if err != nil {
		return nil, err
	}
	return []row{
		{name: "window: first frame with rows after start", unit: "ms", value: float64(f), limit: 2000, floorValue: float64(ef),
			note: "floor: the same window on an empty file"},
		{name: "window: resident memory after every tab", unit: "MB", value: float64(r), limit: 300, floorValue: float64(er)},
		{name: "window: peak resident memory", unit: "MB", value: float64(pk), limit: 300, floorValue: float64(epk)},
	}, nil
}

// num prints a figure with its unit: whole numbers for counts, two decimals for ratios.
func num(v float64, unit string) string {
	switch unit {
	case "ratio":
		return fmt.Sprintf("%.2f", v)
	case "s":
		return fmt.Sprintf("%.2f s", v)
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func report(n int, rows []row) {
	fmt.Printf("\nKedai benchmarks — %d orders, %s\n\n", n, time.Now().Format("2006-01-02 15:04"))
	fmt.Printf("%-52s %11s %11s %11s %11s %7s  %s\n", "measure", "median", "p99", "target", "floor", "ratio", "")
	fmt.Println(strings.Repeat("-", 116))
	failed := 0
	for _, r := range rows {
		if r.unit != "" {
			verdict, target := "ok", fmt.Sprintf("<= %s", num(r.limit, r.unit))
			switch {
			case r.limit == 0:
				verdict, target = "info", "-"
			case r.higherBetter:
				target = ">= " + num(r.limit, r.unit)
				if r.value < r.limit {
					verdict, failed = "UNDER TARGET", failed+1
				}
			case r.value > r.limit:
				verdict, failed = "OVER TARGET", failed+1
			}
			ratio, floor := "-", "-"
			if r.floorValue > 0 {
				ratio = fmt.Sprintf("%.2f", r.value/r.floorValue)
				floor = num(r.floorValue, r.unit)
			}
			fmt.Printf("%-52s %11s %11s %11s %11s %7s  %s %s\n", r.name, num(r.value, r.unit), "", target, floor, ratio, verdict, r.note)
			continue
		}
		target, verdict := "-", "info"
		value := r.median // what the target and the floor are for
		if r.targetP99 {
			value = r.p99
		}
		if r.target > 0 {
			target = "<= " + ms(r.target)
			if r.targetP99 {
				target = "p99 " + target
			}
			verdict = "ok"
			if value > r.target {
				verdict, failed = "OVER TARGET", failed+1
			}
		}
		floor, ratio := "-", "-"
		if r.floor > 0 {
			floor = ms(r.floor)
			ratio = fmt.Sprintf("%.2f", float64(value)/float64(r.floor))
		}
		fmt.Printf("%-52s %11s %11s %11s %11s %7s  %s %s\n", r.name, ms(r.median), ms(r.p99), target, floor, ratio, verdict, r.note)
	}
	fmt.Println()
	if failed > 0 {
		fmt.Printf("%d figure(s) over target\n", failed)
	} else {
		fmt.Println("every figure within its target")
	}
}
