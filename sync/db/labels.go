package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// LabelRow is one cached AWB label: a package's label of one kind (market.LabelOptions.Kind), as
// the platform made it.
type LabelRow struct {
	PackageID  string
	OrderNo    string
	Format     string // "pdf" or "zpl"
	TrackingNo string // the package's tracking number when it was fetched ("" when not known)
	Data       []byte
	FetchedAt  time.Time
}

// SaveLabels keeps labels of a store, replacing any kept for the same package and kind. Every
// row is checked first: one that has no package id, no bytes or an unknown format saves nothing.
func (d *DB) SaveLabels(ctx context.Context, storeID int64, kind string, rows []LabelRow) error {
	kind = strings.TrimSpace(kind)
	if kind == "" {
		return errors.New("saving labels: no kind of label given")
	}
	for _, r := range rows {
		switch {
		case strings.TrimSpace(r.PackageID) == "":
			return fmt.Errorf("saving labels: the label of order %s has no package id", r.OrderNo)
		case r.Format != "pdf" && r.Format != "zpl":
			return fmt.Errorf("saving labels: package %s: format %q is neither pdf nor zpl", r.PackageID, r.Format)
		case len(r.Data) == 0:
			return fmt.Errorf("saving labels: package %s: the label is empty", r.PackageID)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO labels (store_id, package_id, kind, order_no, format, tracking_no, data, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (store_id, package_id, kind) DO UPDATE SET order_no = excluded.order_no, format = excluded.format,
				tracking_no = excluded.tracking_no, data = excluded.data, fetched_at = excluded.fetched_at`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, storeID, strings.TrimSpace(r.PackageID), kind, r.OrderNo, r.Format,
				r.TrackingNo, r.Data, ms(r.FetchedAt)); err != nil {
				if strings.Contains(err.Error(), "FOREIGN KEY") {
					return fmt.Errorf("saving labels: there is no store %d", storeID)
				}
				return err
			}
		}
		return nil
	})
}

// Labels returns the kept labels of a store's packages of one kind, by package id; packages
// without one are not in the map.
func (d *DB) Labels(ctx context.Context, storeID int64, kind string, packageIDs []string) (map[string]LabelRow, error) {
	out := map[string]LabelRow{}
	for start := 0; start < len(packageIDs); start += 500 {
		chunk := packageIDs[start:min(start+500, len(packageIDs))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, storeID, kind)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := d.r.QueryContext(ctx, `SELECT package_id, order_no, format, tracking_no, data, fetched_at FROM labels
			WHERE store_id = ? AND kind = ? AND package_id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, explain(d.path, err)
		}
		for rows.Next() {
			var r LabelRow
			var at int64
			if err := rows.Scan(&r.PackageID, &r.OrderNo, &r.Format, &r.TrackingNo, &r.Data, &at); err != nil {
				rows.Close()
				return nil, explain(d.path, err)
			}
			r.FetchedAt = fromMS(at)
			out[r.PackageID] = r
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, explain(d.path, err)
		}
	}
	return out, nil
}

// DeleteLabelsBefore drops the labels fetched before t (a parcel handed over long ago needs no
// label); it returns how many went.
func (d *DB) DeleteLabelsBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM labels WHERE fetched_at < ?`, ms(t))
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n, err
}
