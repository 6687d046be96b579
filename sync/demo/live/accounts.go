package live

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/sqlaccount"
)

// The demo workspace's books are a simulated SQL Account, in this process, whose documents are
// kept beside the data file so posted invoices are still there at the next start.
func accountsState(d *db.DB) string { return d.Path() + ".sqlaccount.json" }

// isDemoAccounts reports whether the file's SQL Account is the demo's own.
func isDemoAccounts(cfg domain.SQLAccConfig) bool { return cfg.AccessKey == sim.DemoAccessKey }

// startAccounts starts the demo's SQL Account for the file's stores and points the file at it.
func startAccounts(ctx context.Context, d *db.DB, stores []domain.Store) (stop func() error, err error) {
	var names []string
	for _, s := range stores {
		names = append(names, s.Name)
	}
	acc := sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: sim.DemoAccessKey, SecretKey: sim.DemoSecretKey,
		Seed: demo.SQLAccSeed(names), StateFile: accountsState(d)})
	url, stop, err := acc.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: starting the SQL Account simulator: %w", err)
	}
	cfg := domain.SQLAccConfig{URL: url, AccessKey: sim.DemoAccessKey, SecretKey: sim.DemoSecretKey,
		Region: sqlaccount.DefaultRegion, Service: sqlaccount.DefaultService}
	if err := d.SetSQLAccConfig(ctx, cfg); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// SetUpAccounts gives a new demo workspace its books, set up as a seller would have them: the
// simulated SQL Account linked, its stock items and codes pulled, each store's codes chosen, and
// the SKUs whose seller SKU is a stock item code mapped. SKUs that match only by barcode are left
// for Auto Map to propose, and a few match nothing, for mapping by hand.
func SetUpAccounts(ctx context.Context, d *db.DB, now time.Time) error {
	stores, err := d.Stores(ctx)
	if err != nil {
		return err
	}
	stop, err := startAccounts(ctx, d, stores)
	if err != nil {
		return err
	}
	defer stop()
	c, err := sqlaccount.Connect(ctx, d)
	if err != nil {
		return err
	}
	if _, err := sqlaccount.Pull(ctx, d, c, nil, now); err != nil {
		return fmt.Errorf("demo: pulling from SQL Account: %w", err)
	}
	customers, err := d.Codes(ctx, domain.CodeCustomer)
	if err != nil {
		return err
	}
	for _, s := range stores {
		codes := domain.StoreCodes{StoreID: s.ID, Location: "ECOM", Project: strings.ToUpper(string(s.Platform)),
			Voucher: "VOUCHER", Discount: "DISCOUNT", Shipping: "SHIPPING", Fee: "TXFEE", Payment: "ONLINE"}
		for _, c := range customers {
			if strings.EqualFold(c.Description, s.Name) {
				codes.Customer = c.Code
			}
		}
		if err := d.SetStoreCodes(ctx, codes); err != nil {
			return fmt.Errorf("demo: codes of %s: %w", s.Name, err)
		}
	}
	matches, err := d.AutoMatches(ctx)
	if err != nil {
		return err
	}
	for _, m := range matches {
		if !strings.EqualFold(m.SKU, m.StockCode) {
			continue
		}
		if err := d.SetMapping(ctx, domain.Mapping{SKU: m.SKU, Lines: []domain.MapLine{{StockCode: m.StockCode, UOM: m.UOM, Qty: 1}}}); err != nil {
			return fmt.Errorf("demo: mapping %s: %w", m.SKU, err)
		}
	}
	return nil
}
