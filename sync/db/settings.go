package db

import (
	"context"
	"database/sql"
	"errors"
)

// Setting returns a remembered setting, or def when it was never set.
func (d *DB) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := d.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return def, explain(d.path, err)
	}
	return v, nil
}

// SetSetting remembers a setting.
func (d *DB) SetSetting(ctx context.Context, key, value string) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}
