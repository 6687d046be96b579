package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// MaxJob is the most orders one bulk action takes.
const MaxJob = 5000

// Outbox states.
const (
	Pending   = "pending"
	Sending   = "sending"
	Done      = "done"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// Refusal is an order an action was not queued for, and why.
type Refusal = domain.Refusal

// rowOrders loads the list rows of orders by id, in chunks, as light domain orders: enough for
// the rules (platform, tab, status, flags, action under way) without their items.
func (d *DB) rowOrders(ctx context.Context, q querier, ids []int64) (map[int64]domain.Order, error) {
	out := make(map[int64]domain.Order, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := q.QueryContext(ctx, `SELECT `+rowColumns+` FROM orders o WHERE o.id IN (`+idList(chunk)+`)`)
		if err != nil {
			return nil, err
		}
		list, err := d.scanRows(rows)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			out[r.ID] = domain.Order{ID: r.ID, StoreID: r.StoreID, Platform: r.Platform, OrderNo: r.OrderNo, Status: r.Status,
				Stage: r.Stage, Tab: r.Tab, SelfDelivery: r.Flags.SelfDelivery, CancelRequested: r.Flags.CancelRequested,
				ReturnRequested: r.Flags.ReturnRequested, PendingAction: r.Action, ActionError: r.ActionError}
		}
	}
	return out, nil
}

// Enqueue checks an action against the rules for each order and records it, as one job, for
// the orders that may have it; the others come back refused with the reason. Nothing is sent
// here: the engine sends what is queued. Shipping is how parcels go (pack only).
func (d *DB) Enqueue(ctx context.Context, a domain.Action, ids []int64, ship market.Shipping, now time.Time) (job int64, refused []Refusal, err error) {
	if len(ids) == 0 {
		return 0, nil, errors.New("no order is selected")
	}
	if a.AfterSale() {
		return 0, nil, fmt.Errorf("%s needs the seller's answer (reason, items, evidence): give it on the order's detail", a.Title())
	}
	if len(ids) > MaxJob {
		return 0, nil, fmt.Errorf("%d orders selected: one action takes at most %d", len(ids), MaxJob)
	}
	params, err := json.Marshal(outboxParams{Shipping: ship})
	if err != nil {
		return 0, nil, err
	}
	err = d.write(ctx, func(tx *sql.Tx) error {
		orders, err := d.rowOrders(ctx, tx, ids)
		if err != nil {
			return err
		}
		var ok []domain.Order
		for _, id := range ids {
			o, found := orders[id]
			if !found {
				refused = append(refused, Refusal{OrderID: id, Reason: fmt.Sprintf("order %d does not exist", id)})
				continue
			}
			if err := domain.CanDo(&o, a); err != nil {
				refused = append(refused, Refusal{OrderID: id, OrderNo: o.OrderNo, Reason: err.Error()})
				continue
			}
			ok = append(ok, o)
		}
		if len(ok) == 0 {
			return nil
		}
		job, err = queueTx(ctx, tx, a, ok, params, now)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return job, refused, nil
}

// outboxParams is what an outbox row carries besides the action: how to ship (pack), or the
// seller's answer (cancel, answer a cancellation or a return). Rows written before answers existed
// hold the shipping fields alone, which read the same.
type outboxParams struct {
	market.Shipping
	Answer *domain.Answer `json:"answer,omitempty"`
}

// queueTx records one job of action a for the orders (each with the same params) and shows the
// action under way on them.
func queueTx(ctx context.Context, tx *sql.Tx, a domain.Action, orders []domain.Order, params []byte, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs (action, total, created_at) VALUES (?, ?, ?)`, string(a), len(orders), now.UnixMilli())
	if err != nil {
		return 0, err
	}
	job, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO outbox (job, order_id, store_id, action, params, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	mark, err := tx.PrepareContext(ctx, `UPDATE orders SET action = ?, action_error = '' WHERE id = ?`)
	if err != nil {
		return 0, err
	}
	defer mark.Close()
	for _, o := range orders {
		if _, err := ins.ExecContext(ctx, job, o.ID, o.StoreID, string(a), params, now.UnixMilli(), now.UnixMilli()); err != nil {
			return 0, err
		}
		if _, err := mark.ExecContext(ctx, string(a), o.ID); err != nil {
			return 0, err
		}
	}
	return job, nil
}

// Outgoing is one queued action, claimed for sending.
type Outgoing struct {
	ID       int64
	Job      int64
	Order    domain.Order
	Action   domain.Action
	Shipping market.Shipping
	Answer   *domain.Answer // the seller's answer, for the after-sale actions
	Attempts int            // sends begun before this one: more than zero means check the platform first
}

// Claim takes up to limit queued actions of one store, all of the same action as the oldest, and
// marks them as being sent (counting the attempt) in one transaction, so a crash leaves them
// "sending" with their attempt counted: the next claim checks the platform before sending again.
func (d *DB) Claim(ctx context.Context, storeID int64, limit int, now time.Time) ([]Outgoing, error) {
	var out []Outgoing
	err := d.write(ctx, func(tx *sql.Tx) error {
		var first string
		err := tx.QueryRowContext(ctx, `SELECT action FROM outbox WHERE store_id = ? AND state IN ('pending', 'sending')
			AND not_before <= ? ORDER BY id LIMIT 1`, storeID, now.UnixMilli()).Scan(&first)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, job, order_id, params, attempts FROM outbox WHERE store_id = ?
			AND state IN ('pending', 'sending') AND action = ? AND not_before <= ? ORDER BY id LIMIT ?`,
			storeID, first, now.UnixMilli(), limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var g Outgoing
			var params string
			if err := rows.Scan(&g.ID, &g.Job, &g.Order.ID, &params, &g.Attempts); err != nil {
				rows.Close()
				return err
			}
			g.Action = domain.Action(first)
			var p outboxParams
			if err := json.Unmarshal([]byte(params), &p); err != nil {
				rows.Close()
				return fmt.Errorf("outbox %d: unreadable shipping choice or answer: %w", g.ID, err)
			}
			g.Shipping, g.Answer = p.Shipping, p.Answer
			out = append(out, g)
			ids = append(ids, g.ID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			o, err := loadOrder(ctx, tx, out[i].Order.ID)
			if err != nil {
				return err
			}
			out[i].Order = o
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?
			WHERE id IN (`+idList(ids)+`)`, now.UnixMilli())
		return err
	})
	if st, ok := d.storeByID(storeID); ok {
		for i := range out {
			out[i].Order.StoreName = st.Name
		}
	}
	return out, explain(d.path, err)
}

// Outcome is how one claimed action ended.
type Outcome struct {
	ID      int64 // outbox row
	OrderID int64
	Action  domain.Action
	State   string // Done, Failed, or Pending to try again after RetryAt
	Message string
	RetryAt time.Time
	// Fresh is the order as the platform has it after the action, saved in the same transaction
	// (zero OrderNo: nothing to save), with its requests when they were read (nil: not read).
	Fresh domain.Order
	// Stage is Kedai's own stage to set (To Ship on Shopee and TikTok), "" for none.
	Stage domain.Stage
}

// Done outcomes with neither a fresh copy nor a stage get the effect the platform confirmed
// (domain.Apply), so the order leaves its tab at once; the store's next sync brings the rest.

// Finish records outcomes in one transaction: the outbox rows, the orders' action state, the
// orders' fresh platform data, and Kedai's own stage.
func (d *DB) Finish(ctx context.Context, outcomes []Outcome, now time.Time) error {
	for i := range outcomes {
		if outcomes[i].Fresh.OrderNo != "" {
			if err := d.checkOrder(&outcomes[i].Fresh); err != nil {
				return err
			}
		}
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		var fresh []domain.Order
		for _, o := range outcomes {
			if o.Fresh.OrderNo != "" {
				fresh = append(fresh, o.Fresh)
			}
		}
		if err := saveOrdersTx(ctx, tx, fresh, now); err != nil {
			return err
		}
		for _, o := range outcomes {
			if o.Fresh.OrderNo != "" && o.Fresh.AfterSales != nil {
				if err := keepAfterSalesTx(ctx, tx, o.OrderID, o.Fresh.AfterSales, now); err != nil {
					return err
				}
			}
		}
		var apply []Outcome
		for _, o := range outcomes {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, message = ?, not_before = ?, updated_at = ? WHERE id = ?`,
				o.State, o.Message, ms(o.RetryAt), now.UnixMilli(), o.ID); err != nil {
				return err
			}
			switch o.State {
			case Done:
				if _, err := tx.ExecContext(ctx, `UPDATE orders SET action = '', action_error = '' WHERE id = ?`, o.OrderID); err != nil {
					return err
				}
				switch {
				case o.Stage != "":
					if err := setStageTx(ctx, tx, o.OrderID, o.Stage, now); err != nil {
						return err
					}
				case o.Fresh.OrderNo == "":
					apply = append(apply, o)
				}
			case Failed:
				if _, err := tx.ExecContext(ctx, `UPDATE orders SET action = '', action_error = ? WHERE id = ?`,
					o.Action.Failed()+": "+o.Message, o.OrderID); err != nil {
					return err
				}
			}
		}
		return applyTx(ctx, tx, apply, now)
	})
}

// setStageTx records Kedai's own stage and re-derives the tab, inside a transaction.
func setStageTx(ctx context.Context, tx *sql.Tx, id int64, stage domain.Stage, now time.Time) error {
	o, err := loadOrder(ctx, tx, id)
	if err != nil {
		return err
	}
	o.Stage = stage
	_, err = tx.ExecContext(ctx, `UPDATE orders SET stage = ?, tab = ? WHERE id = ?`, string(stage), int(domain.DeriveTab(&o, now)), id)
	return err
}

// applyTx gives orders the confirmed effect of their actions, inside a transaction.
func applyTx(ctx context.Context, tx *sql.Tx, done []Outcome, now time.Time) error {
	if len(done) == 0 {
		return nil
	}
	orders := make([]domain.Order, len(done))
	for i, o := range done {
		var err error
		if orders[i], err = loadOrder(ctx, tx, o.OrderID); err != nil {
			return err
		}
		domain.Apply(&orders[i], o.Action, now)
	}
	return saveOrdersTx(ctx, tx, orders, now)
}

// CancelJob stops a bulk action: what has not been sent yet is not sent. Actions being sent
// finish; the count of those left alone comes back.
func (d *DB) CancelJob(ctx context.Context, job int64, now time.Time) (int, error) {
	var n int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET action = '' WHERE id IN
			(SELECT order_id FROM outbox WHERE job = ? AND state = 'pending')`, job); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'cancelled', message = 'cancelled before it was sent', updated_at = ?
			WHERE job = ? AND state = 'pending'`, now.UnixMilli(), job)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// JobResult and Progress are a job's results and counts.
type (
	JobResult = domain.JobResult
	Progress  = domain.JobProgress
)

// JobProgress reads a job's counts and its orders' results.
func (d *DB) JobProgress(ctx context.Context, job int64) (Progress, error) {
	p := Progress{Job: job}
	var action string
	if err := d.r.QueryRowContext(ctx, `SELECT action, total FROM jobs WHERE id = ?`, job).Scan(&action, &p.Total); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, fmt.Errorf("no job %d", job)
		}
		return p, explain(d.path, err)
	}
	p.Action = domain.Action(action)
	rows, err := d.r.QueryContext(ctx, `SELECT x.order_id, o.order_no, x.store_id, x.state, x.message FROM outbox x
		JOIN orders o ON o.id = x.order_id WHERE x.job = ?
		ORDER BY CASE x.state WHEN 'failed' THEN 0 WHEN 'cancelled' THEN 1 WHEN 'done' THEN 2 ELSE 3 END, x.id`, job)
	if err != nil {
		return p, explain(d.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r JobResult
		var storeID int64
		if err := rows.Scan(&r.OrderID, &r.OrderNo, &storeID, &r.State, &r.Message); err != nil {
			return p, explain(d.path, err)
		}
		if s, ok := d.storeByID(storeID); ok {
			r.Store = s.Name
		}
		switch r.State {
		case Pending:
			p.Pending++
		case Sending:
			p.Sending++
		case Done:
			p.Done++
		case Failed:
			p.Failed++
		case Cancelled:
			p.Cancelled++
		}
		if r.State != Pending && r.State != Sending {
			p.Results = append(p.Results, r)
		}
	}
	return p, explain(d.path, rows.Err())
}

// StoresWithOutbox lists the stores that have actions waiting.
func (d *DB) StoresWithOutbox(ctx context.Context) ([]int64, error) {
	return d.ids(ctx, `SELECT DISTINCT store_id FROM outbox WHERE state IN ('pending', 'sending')`)
}

// StoreShipping is how a store ships by default; ok=false when not chosen yet.
func (d *DB) StoreShipping(ctx context.Context, storeID int64) (market.Shipping, bool, error) {
	var raw string
	if err := d.r.QueryRowContext(ctx, `SELECT shipping FROM stores WHERE id = ?`, storeID).Scan(&raw); err != nil {
		return market.Shipping{}, false, explain(d.path, err)
	}
	if strings.TrimSpace(raw) == "" {
		return market.Shipping{}, false, nil
	}
	var s market.Shipping
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, false, fmt.Errorf("store %d: unreadable shipping choice: %w", storeID, err)
	}
	return s, true, nil
}

// SetStoreShipping remembers how a store ships by default.
func (d *DB) SetStoreShipping(ctx context.Context, storeID int64, s market.Shipping) error {
	if s.Method != market.Pickup && s.Method != market.DropOff {
		return fmt.Errorf("a store's usual shipping is pickup or drop-off, not %q (a non-integrated tracking number is per order)", s.Method)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE stores SET shipping = ? WHERE id = ?`, string(b), storeID)
		return err
	})
}

// StoresWithoutShipping lists the Shopee and TikTok stores of these orders that have no usual
// way of shipping yet: packing their orders needs the seller to choose one.
func (d *DB) StoresWithoutShipping(ctx context.Context, ids []int64) ([]domain.Store, error) {
	seen := map[int64]bool{}
	var out []domain.Store
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := d.r.QueryContext(ctx, `SELECT DISTINCT s.id FROM orders o JOIN stores s ON s.id = o.store_id
			WHERE o.id IN (`+idList(chunk)+`) AND s.platform != 'lazada' AND s.shipping = ''`)
		if err != nil {
			return nil, explain(d.path, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			if st, ok := d.storeByID(id); ok && !seen[id] {
				seen[id] = true
				out = append(out, st)
			}
		}
		rows.Close()
	}
	return out, nil
}
