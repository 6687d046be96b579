package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/market"
)

func cmdAction(args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: kedai action pack|to-ship|repack|deliver --db FILE --orders NO,NO")
	}
	a, err := domain.ParseAction(args[0])
	if err != nil {
		return err
	}
	fs := flags("action " + args[0])
	path := fs.String("db", "", "data file")
	list := fs.String("orders", "", "order numbers, comma-separated")
	method := fs.String("shipping", "", "pack only: pickup or dropoff, when the store has no usual choice")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("--db FILE is required")
	}
	var nos []string
	for _, no := range strings.Split(*list, ",") {
		if no = strings.TrimSpace(no); no != "" {
			nos = append(nos, no)
		}
	}
	if len(nos) == 0 {
		return errors.New("--orders NO,NO is required")
	}
	if len(nos) > db.MaxJob {
		return fmt.Errorf("%d orders: one action takes at most %d", len(nos), db.MaxJob)
	}
	d, err := db.OpenExisting(*path, dbOptions())
	if err != nil {
		return err
	}
	defer d.Close()
	ctx, stop := interruptible()
	defer stop()

	ids, err := resolveOrders(ctx, d, nos)
	if err != nil {
		return err
	}
	ship := market.Shipping{Method: *method}
	if *method != "" && *method != market.Pickup && *method != market.DropOff {
		return fmt.Errorf("--shipping %q: use pickup or dropoff", *method)
	}
	world, err := live.Start(ctx, d)
	if err != nil {
		return err
	}
	defer world.Stop()
	e := engine.New(d, engine.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	job, refused, err := e.Submit(ctx, a, ids, ship) // no --shipping: each store's usual choice
	if err != nil {
		return err
	}
	for _, r := range refused {
		fmt.Fprintf(stdout, "%s\trefused\t%s\n", r.OrderNo, r.Reason)
	}
	if job == 0 {
		return fmt.Errorf("refused: %s", refused[0].Reason)
	}
	p, err := e.WaitJob(ctx, job, nil)
	if err != nil {
		return err
	}
	for _, r := range p.Results {
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", r.OrderNo, r.State, r.Message)
	}
	fmt.Fprintf(stdout, "%s: %d done, %d failed, %d refused\n", a.Title(), p.Done, p.Failed, len(refused))
	switch {
	case len(refused) > 0:
		return fmt.Errorf("%d of %d orders refused: %s", len(refused), len(nos), refused[0].Reason)
	case p.Failed > 0:
		for _, r := range p.Results {
			if r.State == db.Failed {
				return fmt.Errorf("%d of %d orders failed: %s %s", p.Failed, len(nos), r.OrderNo, r.Message)
			}
		}
	}
	return nil
}

// resolveOrders finds each order number exactly; an unknown or ambiguous one is refused.
func resolveOrders(ctx context.Context, d *db.DB, nos []string) ([]int64, error) {
	var ids []int64
	for _, no := range nos {
		rows, err := d.FindOrders(ctx, no, 2)
		if err != nil {
			return nil, err
		}
		var match []domain.OrderRow
		for _, r := range rows {
			if strings.EqualFold(r.OrderNo, no) {
				match = append(match, r)
			}
		}
		switch len(match) {
		case 0:
			return nil, fmt.Errorf("no order numbered %s", no)
		case 1:
			ids = append(ids, match[0].ID)
		default:
			return nil, fmt.Errorf("order number %s is in two stores (%s, %s): act on one store at a time from the window", no, match[0].StoreName, match[1].StoreName)
		}
	}
	return ids, nil
}
