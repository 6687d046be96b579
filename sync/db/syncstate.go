package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// SyncState is where one store's sync stands.
type SyncState = domain.StoreSync

const syncColumns = `store_id, cursor, last_success, last_attempt, next_run, orders_pulled, total_pulled, failures, last_error, needs_relink`

func scanSync(row interface{ Scan(...any) error }) (SyncState, error) {
	var s SyncState
	var cursor, ok, attempt, next int64
	err := row.Scan(&s.StoreID, &cursor, &ok, &attempt, &next, &s.OrdersPulled, &s.TotalPulled, &s.Failures, &s.LastError, &s.NeedsRelink)
	s.Cursor, s.LastSuccess, s.LastAttempt, s.NextRun = fromMS(cursor), fromMS(ok), fromMS(attempt), fromMS(next)
	return s, err
}

// SyncStates lists the sync state of every linked store.
func (d *DB) SyncStates(ctx context.Context) ([]SyncState, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT `+syncColumns+` FROM sync_state ORDER BY store_id`)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	var out []SyncState
	for rows.Next() {
		s, err := scanSync(rows)
		if err != nil {
			return nil, explain(d.path, err)
		}
		out = append(out, s)
	}
	return out, explain(d.path, rows.Err())
}

// SyncState is one store's.
func (d *DB) SyncState(ctx context.Context, storeID int64) (SyncState, error) {
	s, err := scanSync(d.r.QueryRowContext(ctx, `SELECT `+syncColumns+` FROM sync_state WHERE store_id = ?`, storeID))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("store %d is not linked for syncing", storeID)
	}
	return s, explain(d.path, err)
}

// SaveBatch saves one page of a pull in one transaction: its orders, the return requests it
// reports (whether one is open, and the requests themselves), and, on the final page, the cursor moved to the window's end. A crash leaves either
// all of it or none, so a restarted pull neither loses nor doubles anything.
func (d *DB) SaveBatch(ctx context.Context, storeID int64, b market.Batch, windowEnd, now time.Time) error {
	st, ok := d.storeByID(storeID)
	if !ok {
		return fmt.Errorf("no store with id %d", storeID)
	}
	for i := range b.Orders {
		b.Orders[i].StoreID = storeID
		b.Orders[i].Platform = st.Platform
	}
	if err := d.checkOrders(b.Orders); err != nil {
		return err
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		if err := saveOrdersTx(ctx, tx, b.Orders, now); err != nil {
			return err
		}
		if err := saveBatchAfterSalesTx(ctx, tx, storeID, st.Platform, b.AfterSales, now); err != nil {
			return err
		}
		for no, pending := range b.Returns {
			if err := setReturnRequested(ctx, tx, storeID, no, pending, now); err != nil {
				return err
			}
		}
		if b.Final {
			if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET cursor = max(cursor, ?) WHERE store_id = ?`,
				windowEnd.UnixMilli(), storeID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_state SET total_pulled = total_pulled + ? WHERE store_id = ?`, len(b.Orders), storeID)
		return err
	})
}

// setReturnRequested records whether a return awaits the seller and moves the order's tab.
func setReturnRequested(ctx context.Context, tx *sql.Tx, storeID int64, orderNo string, pending bool, now time.Time) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM orders WHERE store_id = ? AND order_no = ?`, storeID, orderNo).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // an order outside what was ever pulled; its return comes with it later
	}
	if err != nil {
		return err
	}
	o, err := loadOrder(ctx, tx, id)
	if err != nil {
		return err
	}
	if o.ReturnRequested == pending {
		return nil
	}
	o.ReturnRequested = pending
	flags := 0
	if pending {
		flags = flagReturnRequested
	}
	_, err = tx.ExecContext(ctx, `UPDATE orders SET flags = (flags & ~?) | ?, tab = ? WHERE id = ?`,
		flagReturnRequested, flags, int(domain.DeriveTab(&o, now)), id)
	return err
}

// RunResult is how one sync run of a store ended.
type RunResult struct {
	Started, Finished time.Time
	Pulled            int
	Err               error // nil: success
	Relink            bool  // the error means the seller must link the store again
	Next              time.Time
}

// RecordRun notes a run's outcome: success resets the failure count, failure adds to it.
func (d *DB) RecordRun(ctx context.Context, storeID int64, r RunResult) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		var err error
		if r.Err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE sync_state SET last_success = ?, last_attempt = ?, next_run = ?, orders_pulled = ?,
				failures = 0, last_error = '', needs_relink = 0 WHERE store_id = ?`,
				r.Finished.UnixMilli(), r.Started.UnixMilli(), ms(r.Next), r.Pulled, storeID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE sync_state SET last_attempt = ?, next_run = ?, failures = failures + 1,
				last_error = ?, needs_relink = ? WHERE store_id = ?`,
				r.Started.UnixMilli(), ms(r.Next), r.Err.Error(), r.Relink, storeID)
		}
		return err
	})
}
