package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// AddVerification keeps a finished stock pick check with its order and returns its id. An
// override without a reason is refused.
func (d *DB) AddVerification(ctx context.Context, v domain.Verification) (int64, error) {
	if v.Overridden && v.Reason == "" {
		return 0, errors.New("a verification completed by hand needs its reason")
	}
	lines, err := json.Marshal(v.Lines)
	if err != nil {
		return 0, err
	}
	var id int64
	err = d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO verifications (order_id, at, state, overridden, reason, lines)
			VALUES (?, ?, ?, ?, ?, ?)`, v.OrderID, v.At.UTC().UnixMilli(), v.State.String(), v.Overridden, v.Reason, string(lines))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, explain(d.path, err)
}

// Verifications lists an order's stock pick checks, newest first.
func (d *DB) Verifications(ctx context.Context, orderID int64) ([]domain.Verification, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT v.id, v.order_id, o.order_no, v.at, v.state, v.overridden, v.reason, v.lines
		FROM verifications v JOIN orders o ON o.id = v.order_id WHERE v.order_id = ? ORDER BY v.at DESC, v.id DESC`, orderID)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	var out []domain.Verification
	for rows.Next() {
		var v domain.Verification
		var at int64
		var state, lines string
		if err := rows.Scan(&v.ID, &v.OrderID, &v.OrderNo, &at, &state, &v.Overridden, &v.Reason, &lines); err != nil {
			return nil, explain(d.path, err)
		}
		v.At = time.UnixMilli(at).UTC()
		for _, s := range []domain.PickState{domain.PickIncomplete, domain.PickOverscan, domain.PickComplete} {
			if s.String() == state {
				v.State = s
			}
		}
		if err := json.Unmarshal([]byte(lines), &v.Lines); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, explain(d.path, rows.Err())
}
