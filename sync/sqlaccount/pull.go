package sqlaccount

import (
	"context"
	"fmt"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
)

// Pulled is what a pull from SQL Account brought.
type Pulled struct {
	StockItems int
	Codes      map[domain.CodeKind]int
}

// PullKinds are the lists of codes pulled besides the stock items, in the order they are pulled.
var PullKinds = []domain.CodeKind{domain.CodeCustomer, domain.CodeLocation, domain.CodeProject, domain.CodeTax, domain.CodePayment}

// Pull brings SQL Account's stock items (with their UOMs and barcodes), customers, locations,
// projects, tax codes and payment methods into the data file. Each list replaces the file's copy
// in one transaction once it has arrived whole, so a failure halfway leaves the old list.
// step says what is being pulled and how many records have arrived.
func Pull(ctx context.Context, d *db.DB, c *Client, step func(what string, n int), now time.Time) (Pulled, error) {
	if step == nil {
		step = func(string, int) {}
	}
	got := Pulled{Codes: map[domain.CodeKind]int{}}
	items, err := c.StockItems(ctx, func(n int) { step("stock items", n) })
	if err != nil {
		return got, fmt.Errorf("stock items: %w", err)
	}
	if err := d.ReplaceStockItems(ctx, items, now); err != nil {
		return got, err
	}
	got.StockItems = len(items)
	for _, k := range PullKinds {
		step(KindTitle(k), 0)
		codes, err := c.Codes(ctx, k)
		if err != nil {
			return got, fmt.Errorf("%s: %w", KindTitle(k), err)
		}
		if err := d.ReplaceCodes(ctx, k, codes); err != nil {
			return got, err
		}
		got.Codes[k] = len(codes)
		step(KindTitle(k), len(codes))
	}
	return got, nil
}

// KindTitle names a list of codes as a person says it.
func KindTitle(k domain.CodeKind) string {
	switch k {
	case domain.CodeCustomer:
		return "customers"
	case domain.CodeLocation:
		return "locations"
	case domain.CodeProject:
		return "projects"
	case domain.CodeTax:
		return "tax codes"
	case domain.CodePayment:
		return "payment methods"
	}
	return string(k)
}
