package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

type storeInfo struct {
	domain.Store
}

func (d *DB) loadStores(ctx context.Context) error {
	rows, err := d.w.QueryContext(ctx, `SELECT id, platform, name, region, shop_id FROM stores ORDER BY name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var out []storeInfo
	for rows.Next() {
		var s storeInfo
		if err := rows.Scan(&s.ID, &s.Platform, &s.Name, &s.Region, &s.ShopID); err != nil {
			return err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	d.stores = out
	d.mu.Unlock()
	return nil
}

// Stores lists the linked stores by name.
func (d *DB) Stores(ctx context.Context) ([]domain.Store, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]domain.Store, len(d.stores))
	for i, s := range d.stores {
		out[i] = s.Store
	}
	return out, nil
}

func (d *DB) storeByID(id int64) (domain.Store, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.stores {
		if s.ID == id {
			return s.Store, true
		}
	}
	return domain.Store{}, false
}

// StoreByName finds a store by its name, ignoring case.
func (d *DB) StoreByName(ctx context.Context, name string) (domain.Store, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.stores {
		if strings.EqualFold(s.Name, strings.TrimSpace(name)) {
			return s.Store, nil
		}
	}
	return domain.Store{}, fmt.Errorf("no store named %q", name)
}

// ErrDuplicateStore is returned when a store name is taken.
var ErrDuplicateStore = errors.New("a store with that name already exists")

// AddStore links a new store and returns it with its id.
func (d *DB) AddStore(ctx context.Context, s domain.Store, now time.Time) (domain.Store, error) {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		return s, errors.New("a store needs a name")
	}
	if _, err := domain.ParsePlatform(string(s.Platform)); err != nil {
		return s, err
	}
	if s.Region == "" {
		s.Region = "MY"
	}
	s.Region = strings.ToUpper(s.Region)
	if _, err := d.StoreByName(ctx, s.Name); err == nil {
		return s, fmt.Errorf("%q: %w", s.Name, ErrDuplicateStore)
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO stores (platform, name, region, shop_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			s.Platform, s.Name, s.Region, s.ShopID, now.UnixMilli())
		if err != nil {
			return err
		}
		s.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return s, err
	}
	return s, d.loadStores(ctx)
}
