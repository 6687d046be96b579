package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// loadAfterSales reads an order's kept requests, oldest first.
func loadAfterSales(ctx context.Context, q querier, orderID int64) ([]domain.AfterSale, error) {
	rows, err := q.QueryContext(ctx, `SELECT detail FROM after_sales WHERE order_id = ?`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.AfterSale
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var r domain.AfterSale
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return nil, fmt.Errorf("order %d: unreadable after-sale request: %w", orderID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b domain.AfterSale) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// saveAfterSalesTx keeps the requests as read now. A request read without its offer history (a
// list call) keeps the offers Kedai saw before, and gains the latest one when it is new.
func saveAfterSalesTx(ctx context.Context, tx *sql.Tx, orderID int64, p domain.Platform, reqs []domain.AfterSale, now time.Time) error {
	for _, r := range reqs {
		if r.Kind != domain.ReqCancel && r.Kind != domain.ReqReturn && r.Kind != domain.ReqRefund {
			return fmt.Errorf("order %d: unknown kind of request %q", orderID, r.Kind)
		}
		var raw string
		err := tx.QueryRowContext(ctx, `SELECT detail FROM after_sales WHERE order_id = ? AND kind = ? AND request_id = ?`,
			orderID, string(r.Kind), r.ID).Scan(&raw)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			var old domain.AfterSale
			if json.Unmarshal([]byte(raw), &old) == nil {
				r.Offers = mergeOffers(old.Offers, r.Offers)
			}
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO after_sales (order_id, kind, request_id, status, open, detail, read_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id, kind, request_id) DO UPDATE SET
			status = excluded.status, open = excluded.open, detail = excluded.detail, read_at = excluded.read_at`,
			orderID, string(r.Kind), r.ID, r.Status, domain.AfterSaleOpen(p, &r), string(b), now.UnixMilli()); err != nil {
			return err
		}
	}
	return nil
}

// mergeOffers keeps a negotiation's history: the new reading when it carries at least as much,
// else the old one with any offer it lacks added.
func mergeOffers(old, fresh []domain.Offer) []domain.Offer {
	if len(fresh) >= len(old) {
		return fresh
	}
	out := append([]domain.Offer(nil), old...)
	for _, f := range fresh {
		seen := false
		for _, o := range old {
			seen = seen || (o.By == f.By && o.Solution == f.Solution && o.Amount == f.Amount)
		}
		if !seen {
			out = append(out, f)
		}
	}
	return out
}

// openReturn reports whether any of the requests is an open return or refund.
func openReturn(p domain.Platform, reqs []domain.AfterSale) bool {
	for i := range reqs {
		if reqs[i].Kind != domain.ReqCancel && domain.AfterSaleOpen(p, &reqs[i]) {
			return true
		}
	}
	return false
}

// SaveAfterSales keeps an order's requests as just read from its platform, and moves the order to
// To Return while one of them is an open return (or off it when none is).
func (d *DB) SaveAfterSales(ctx context.Context, orderID int64, reqs []domain.AfterSale, now time.Time) error {
	return d.write(ctx, func(tx *sql.Tx) error { return keepAfterSalesTx(ctx, tx, orderID, reqs, now) })
}

func keepAfterSalesTx(ctx context.Context, tx *sql.Tx, orderID int64, reqs []domain.AfterSale, now time.Time) error {
	var storeID int64
	var orderNo, platform string
	if err := tx.QueryRowContext(ctx, `SELECT o.store_id, o.order_no, s.platform FROM orders o JOIN stores s ON s.id = o.store_id
		WHERE o.id = ?`, orderID).Scan(&storeID, &orderNo, &platform); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("order %d: %w", orderID, ErrNotFound)
		}
		return err
	}
	p := domain.Platform(platform)
	if err := saveAfterSalesTx(ctx, tx, orderID, p, reqs, now); err != nil {
		return err
	}
	all, err := loadAfterSales(ctx, tx, orderID)
	if err != nil {
		return err
	}
	return setReturnRequested(ctx, tx, storeID, orderNo, openReturn(p, all), now)
}

// AfterSales are an order's kept requests, oldest first.
func (d *DB) AfterSales(ctx context.Context, orderID int64) ([]domain.AfterSale, error) {
	list, err := loadAfterSales(ctx, d.r, orderID)
	return list, explain(d.path, err)
}

// saveBatchAfterSalesTx keeps the requests a pull's lists reported, by order number.
func saveBatchAfterSalesTx(ctx context.Context, tx *sql.Tx, storeID int64, p domain.Platform, byNo map[string][]domain.AfterSale, now time.Time) error {
	for no, reqs := range byNo {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM orders WHERE store_id = ? AND order_no = ?`, storeID, no).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue // an order outside what was ever pulled; its requests come with it later
		}
		if err != nil {
			return err
		}
		if err := saveAfterSalesTx(ctx, tx, id, p, reqs, now); err != nil {
			return err
		}
	}
	return nil
}

// EnqueueAnswer checks a seller's answer on one order (a cancel, or a step on one of its kept
// requests) and queues it as one job. A refusal by the rules comes back in refused and queues
// nothing. The answer is queued with the request's kind and status as they were when the seller
// decided, so a retry can tell whether the platform already took it.
func (d *DB) EnqueueAnswer(ctx context.Context, orderID int64, a domain.Answer, now time.Time) (job int64, refused []Refusal, err error) {
	err = d.write(ctx, func(tx *sql.Tx) error {
		o, err := loadOrder(ctx, tx, orderID)
		if errors.Is(err, ErrNotFound) {
			refused = append(refused, Refusal{OrderID: orderID, Reason: fmt.Sprintf("order %d does not exist", orderID)})
			return nil
		}
		if err != nil {
			return err
		}
		var req *domain.AfterSale
		if a.Step != domain.StepCancel {
			if r, ok := o.FindAfterSale(a.Kind, a.RequestID); ok {
				req = r
				a.FromStatus = r.Status
			}
		}
		if err := domain.Busy(&o); err != nil {
			refused = append(refused, Refusal{OrderID: o.ID, OrderNo: o.OrderNo, Reason: err.Error()})
			return nil
		}
		if err := a.Check(&o, req); err != nil {
			refused = append(refused, Refusal{OrderID: o.ID, OrderNo: o.OrderNo, Reason: err.Error()})
			return nil
		}
		params, err := json.Marshal(outboxParams{Answer: &a})
		if err != nil {
			return err
		}
		job, err = queueTx(ctx, tx, a.Step.Action(), []domain.Order{o}, params, now)
		return err
	})
	if err != nil {
		return 0, nil, explain(d.path, err)
	}
	return job, refused, nil
}
