package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/sqlaccount"
)

// openFile opens an existing data file for a command; --db is required.
func openFile(path string) (*db.DB, error) {
	if path == "" {
		return nil, errors.New("--db FILE is required")
	}
	return db.OpenExisting(path, dbOptions())
}

// interruptible is a context a command's long work stops on at Ctrl+C or SIGTERM.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func cmdSQLAcc(args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "set" && args[0] != "sync") {
		return errors.New("usage: kedai sqlacc set|sync --db FILE ... (see kedai help)")
	}
	if args[0] == "sync" {
		return sqlaccSync(args[1:], stdout)
	}
	fs := flags("sqlacc set")
	path := fs.String("db", "", "data file")
	url := fs.String("url", "", "the SQL Account API root, e.g. https://api.sql.my")
	access := fs.String("access-key", "", "the API user's access key")
	secret := fs.String("secret-key", "", "the API user's secret key (kept sealed, never in plain text)")
	region := fs.String("region", sqlaccount.DefaultRegion, "SigV4 region of the install")
	service := fs.String("service", sqlaccount.DefaultService, "SigV4 service name of the install")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cfg := domain.SQLAccConfig{URL: strings.TrimSpace(*url), AccessKey: strings.TrimSpace(*access),
		SecretKey: strings.TrimSpace(*secret), Region: strings.TrimSpace(*region), Service: strings.TrimSpace(*service)}
	if _, err := sqlaccount.New(sqlaccount.Config(cfg), nil); err != nil {
		return err
	}
	d, err := openFile(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.SetSQLAccConfig(context.Background(), cfg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "SQL Account: %s (region %s, service %s); keys kept sealed\n", cfg.URL, cfg.Region, cfg.Service)
	return nil
}

func sqlaccSync(args []string, stdout io.Writer) error {
	fs := flags("sqlacc sync")
	path := fs.String("db", "", "data file")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := openFile(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx, stop := interruptible()
	defer stop()
	world, err := live.Start(ctx, d)
	if err != nil {
		return err
	}
	defer world.Stop()
	c, err := sqlaccount.Connect(ctx, d)
	if err != nil {
		return err
	}
	got, err := sqlaccount.Pull(ctx, d, c, nil, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d stock items", got.StockItems)
	for _, k := range sqlaccount.PullKinds {
		fmt.Fprintf(stdout, ", %d %s", got.Codes[k], sqlaccount.KindTitle(k))
	}
	fmt.Fprintln(stdout)
	return nil
}

func cmdStoreCodes(args []string, stdout io.Writer) error {
	fs := flags("store codes")
	path := fs.String("db", "", "data file")
	name := fs.String("store", "", "the store's name")
	var c domain.StoreCodes
	fs.StringVar(&c.Customer, "customer", "", "SQL Account customer code of the store")
	fs.StringVar(&c.Location, "location", "", "stock location")
	fs.StringVar(&c.Project, "project", "", "project")
	fs.StringVar(&c.Voucher, "voucher", "", "non-stock item for seller vouchers")
	fs.StringVar(&c.Discount, "discount", "", "non-stock item for seller discounts")
	fs.StringVar(&c.Shipping, "shipping", "", "non-stock item for the shipping fee")
	fs.StringVar(&c.Fee, "fee", "", "non-stock item for transaction fees")
	fs.StringVar(&c.Payment, "payment", "", "payment method")
	if err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("--store NAME is required")
	}
	if strings.TrimSpace(c.Customer) == "" {
		return errors.New("--customer CODE is required")
	}
	d, err := openFile(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := context.Background()
	s, err := findStore(ctx, d, *name)
	if err != nil {
		return err
	}
	c.StoreID = s.ID
	if err := d.SetStoreCodes(ctx, c); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: customer %s\n", s.Name, c.Customer)
	return nil
}

// findStore finds a store by its name, ignoring case.
func findStore(ctx context.Context, d *db.DB, name string) (domain.Store, error) {
	stores, err := d.Stores(ctx)
	if err != nil {
		return domain.Store{}, err
	}
	var names []string
	for _, s := range stores {
		if strings.EqualFold(s.Name, strings.TrimSpace(name)) {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return domain.Store{}, fmt.Errorf("no store named %q (the stores: %s)", name, strings.Join(names, ", "))
}

func cmdMap(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "auto" {
		return mapAuto(args[1:], stdout)
	}
	fs := flags("map")
	path := fs.String("db", "", "data file")
	sku := fs.String("sku", "", "the platform SKU (the seller SKU on the orders)")
	code := fs.String("stock", "", "SQL Account stock item code")
	uom := fs.String("uom", "", "the stock item's UOM (default its base UOM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*sku) == "" || strings.TrimSpace(*code) == "" {
		return errors.New("--sku SKU and --stock CODE are required")
	}
	d, err := openFile(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := context.Background()
	item, err := d.StockItem(ctx, strings.TrimSpace(*code))
	if err != nil {
		return err
	}
	u := strings.TrimSpace(*uom)
	if u == "" {
		u = item.BaseUOM()
	}
	m := domain.Mapping{SKU: strings.TrimSpace(*sku), Lines: []domain.MapLine{{StockCode: item.Code, UOM: u, Qty: 1}}}
	if err := d.SetMapping(ctx, m); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s -> %s (%s)\n", m.SKU, item.Code, u)
	return nil
}

func mapAuto(args []string, stdout io.Writer) error {
	fs := flags("map auto")
	path := fs.String("db", "", "data file")
	yes := fs.Bool("yes", false, "apply the matches")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := openFile(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := context.Background()
	matches, err := d.AutoMatches(ctx)
	if err != nil {
		return err
	}
	for _, m := range matches {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", m.SKU, m.StockCode, m.UOM, m.Why)
	}
	if !*yes {
		fmt.Fprintf(stdout, "%d matches; run again with --yes to map them\n", len(matches))
		return nil
	}
	for _, m := range matches {
		if err := d.SetMapping(ctx, m.Mapping()); err != nil {
			return fmt.Errorf("%s: %w", m.SKU, err)
		}
	}
	fmt.Fprintf(stdout, "%d SKUs mapped\n", len(matches))
	return nil
}

func cmdPost(args []string, stdout io.Writer) error {
	fs := flags("post")
	path := fs.String("db", "", "data file")
	tab := fs.String("tab", "", "only this tab: shipped, delivered or completed (default all three)")
	list := fs.String("orders", "", "only these order numbers, comma-separated")
	cancelled := fs.Bool("include-cancelled", false, "also post cancelled and returned orders (as cancelled invoices)")
	if err := parse(fs, args); err != nil {
		return err
	}
	tabs := domain.PostTabs
	if *tab != "" {
		t, err := domain.ParseTab(*tab)
		if err != nil {
			return err
		}
		if !slices.Contains(domain.PostTabs, t) {
			return fmt.Errorf("--tab %s: orders are posted from shipped, delivered or completed", *tab)
		}
		tabs = []domain.Tab{t}
	}
	d, err := openFile(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx, stop := interruptible()
	defer stop()
	var ids []int64
	if *list != "" {
		var nos []string
		for _, no := range strings.Split(*list, ",") {
			if no = strings.TrimSpace(no); no != "" {
				nos = append(nos, no)
			}
		}
		if ids, err = resolveOrders(ctx, d, nos); err != nil {
			return err
		}
	} else if ids, err = d.Unposted(ctx, tabs, *cancelled); err != nil {
		return err
	}
	world, err := live.Start(ctx, d)
	if err != nil {
		return err
	}
	defer world.Stop()
	c, err := sqlaccount.Connect(ctx, d)
	if err != nil {
		return err
	}
	p := &sqlaccount.Poster{DB: d, Client: c, IncludeCancelled: *cancelled}
	res, err := p.Post(ctx, ids, nil)
	if err != nil {
		return err
	}
	attempts, err := d.PostAttempts(ctx, res.RunID)
	if err != nil {
		return err
	}
	var firstFail *domain.PostAttempt
	for i, a := range attempts {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", a.OrderNo, a.DocNo, a.State, a.Message)
		if a.State == domain.PostFailed && firstFail == nil {
			firstFail = &attempts[i]
		}
	}
	fmt.Fprintf(stdout, "posted %d, failed %d of %d orders\n", res.Posted, res.Failed, len(ids))
	switch {
	case res.Stopped:
		return fmt.Errorf("stopped after %d of %d orders; post again to go on", res.Posted+res.Failed, len(ids))
	case firstFail != nil:
		return fmt.Errorf("%d of %d orders failed: %s %s", res.Failed, len(ids), firstFail.OrderNo, firstFail.Message)
	}
	return nil
}
