package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/demo/live"
)

func cmdDemo(args []string, stdout io.Writer) error {
	fs := flags("demo")
	path := fs.String("db", "", "data file to create")
	n := fs.Int("orders", 2000, "number of orders")
	seed := fs.Int64("seed", 1, "random seed (same seed, same data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("--db FILE is required")
	}
	if *n < 1 || *n > 2_000_000 {
		return fmt.Errorf("--orders %d: use a number from 1 to 2000000", *n)
	}
	if st, err := os.Stat(*path); err == nil && st.Size() > 0 {
		return fmt.Errorf("%s already exists: choose a new file for the demo workspace", *path)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d, err := db.OpenWith(*path, dbOptions())
	if err != nil {
		return err
	}
	start := time.Now()
	err = demo.Create(ctx, d, demo.Options{Orders: *n, Seed: *seed, Now: time.Now()}, nil)
	if err == nil {
		err = live.SetUpAccounts(ctx, d, time.Now())
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*path) // half a demo is no use to anyone
		return err
	}
	fmt.Fprintf(stdout, "created %s: %d orders in 6 stores (%.1fs)\n", *path, *n, time.Since(start).Seconds())
	return nil
}

// orderJSON is one element of `kedai orders --json`; the field names are a contract.
type orderJSON struct {
	Platform       string     `json:"platform"`
	Store          string     `json:"store"`
	OrderNo        string     `json:"order_no"`
	Tab            string     `json:"tab"`
	PlatformStatus string     `json:"platform_status"`
	Stage          string     `json:"stage,omitempty"`
	Currency       string     `json:"currency"`
	Total          string     `json:"total"`
	Posted         bool       `json:"posted"`
	TrackingNo     string     `json:"tracking_no"`
	Provider       string     `json:"shipping_provider"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Items          []itemJSON `json:"items"`
}

type itemJSON struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Variation string `json:"variation,omitempty"`
	Qty       int    `json:"qty"`
	StockCode string `json:"stock_code"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

func cmdOrders(args []string, stdout io.Writer) error {
	fs := flags("orders")
	path := fs.String("db", "", "data file")
	tab := fs.String("tab", "", "only this tab: "+tabSlugs())
	search := fs.String("search", "", "order number (or its last digits), store, tracking number or package id")
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("--db FILE is required")
	}
	q := domain.OrderQuery{Search: *search}
	if *tab != "" {
		t, err := domain.ParseTab(*tab)
		if err != nil {
			return err
		}
		q.Tab = t
	}
	d, err := db.OpenExisting(*path, dbOptions())
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := context.Background()
	// Archived (posted) orders are orders too: the command line lists both.
	var ids []int64
	for _, archived := range []bool{false, true} {
		q.Archived = archived
		more, err := d.OrderIDs(ctx, q)
		if err != nil {
			return err
		}
		ids = append(ids, more...)
	}
	if !*asJSON {
		return printOrders(ctx, d, ids, stdout)
	}
	enc := json.NewEncoder(stdout)
	fmt.Fprint(stdout, "[")
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		orders, err := d.Orders(ctx, ids[start:min(start+batch, len(ids))])
		if err != nil {
			return err
		}
		for i, o := range orders {
			if start+i > 0 {
				fmt.Fprint(stdout, ",")
			}
			if err := enc.Encode(toJSON(o)); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(stdout, "]")
	return nil
}

func toJSON(o domain.Order) orderJSON {
	out := orderJSON{
		Platform: string(o.Platform), Store: o.StoreName, OrderNo: o.OrderNo, Tab: o.Tab.Slug(),
		PlatformStatus: o.Status, Stage: string(o.Stage), Currency: o.Currency, Total: o.Total.Decimal(),
		Posted: o.Posted(), TrackingNo: strings.Join(o.TrackingNumbers(), ","), CreatedAt: o.CreatedAt,
		UpdatedAt: o.UpdatedAt, Items: []itemJSON{},
	}
	var providers []string
	for _, p := range o.Packages {
		if p.Provider != "" {
			providers = append(providers, p.Provider)
		}
	}
	out.Provider = strings.Join(providers, ",")
	for _, it := range o.Items {
		out.Items = append(out.Items, itemJSON{SKU: it.SKU, Name: it.Name, Variation: it.Variation, Qty: it.Qty,
			StockCode: it.StockCode, Cancelled: it.Cancelled})
	}
	return out
}

func printOrders(ctx context.Context, d *db.DB, ids []int64, stdout io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORDER NO\tSTORE\tPLATFORM\tTAB\tSTATUS\tTOTAL\tTRACKING NO\tCREATED")
	for _, id := range ids {
		o, err := d.Order(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.OrderNo, o.StoreName, o.Platform.Title(), o.Tab.Slug(),
			o.Status, o.Total, strings.Join(o.TrackingNumbers(), ","), o.CreatedAt.Local().Format(domain.TimeLayout))
	}
	fmt.Fprintf(tw, "%d orders\n", len(ids))
	return tw.Flush()
}

func tabSlugs() string {
	var s []string
	for _, t := range domain.Tabs {
		s = append(s, t.Slug())
	}
	return strings.Join(s, ", ")
}
