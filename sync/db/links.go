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
	"github.com/kedai-app/kedai/sync/vault"
)

// MaxInitialDays is how far back a new store's first sync may reach.
const MaxInitialDays = 90

// Link is how Kedai reaches a linked store's platform.
type Link struct {
	BaseURL   string
	AuthURL   string
	AppKey    string
	ServiceID string
	Cipher    string
	Demo      bool // served by the demo workspace's own simulator
}

// Secrets are a store's app secret and tokens; they exist in the file only sealed.
type Secrets struct {
	AppSecret string        `json:"app_secret"`
	Tokens    market.Tokens `json:"tokens"`
}

const vaultBackendKey = "vault_backend"

// Vault returns the file's vault, opening (or creating) its key on first use.
func (d *DB) Vault(ctx context.Context) (*vault.Vault, error) {
	d.vaultOnce.Do(func() {
		var id, backend string
		if err := d.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'file_id'`).Scan(&id); err != nil {
			d.vaultErr = explain(d.path, err)
			return
		}
		d.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, vaultBackendKey).Scan(&backend)
		opt := d.vaultOpt
		if opt.Backend == "" {
			opt.Backend = vault.Backend(backend)
		}
		v, err := vault.Open(id, opt)
		if err != nil {
			d.vaultErr = fmt.Errorf("%s: %w", d.path, err)
			return
		}
		if backend == "" {
			// Remember where the key went: a keychain that is unreachable later must be an
			// error, not a reason to make a new key that opens nothing.
			d.vaultErr = d.write(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, vaultBackendKey, string(v.Backend()))
				return err
			})
		}
		d.vault = v
	})
	return d.vault, d.vaultErr
}

func secretsLabel(storeID int64) string { return fmt.Sprintf("store %d secrets", storeID) }

func (d *DB) seal(ctx context.Context, storeID int64, sec Secrets) ([]byte, error) {
	v, err := d.Vault(ctx)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(sec)
	if err != nil {
		return nil, err
	}
	return v.Seal(b, secretsLabel(storeID))
}

func (d *DB) open(ctx context.Context, storeID int64, sealed []byte) (Secrets, error) {
	var sec Secrets
	if len(sealed) == 0 {
		return sec, fmt.Errorf("store %d has no saved sign-in: link it", storeID)
	}
	v, err := d.Vault(ctx)
	if err != nil {
		return sec, err
	}
	b, err := v.Open(sealed, secretsLabel(storeID))
	if err != nil {
		return sec, err
	}
	return sec, json.Unmarshal(b, &sec)
}

// LinkStore adds a store Kedai syncs with: its link, its sealed secrets, and a sync state whose
// first pull reaches back initialDays (1 to 90).
func (d *DB) LinkStore(ctx context.Context, s domain.Store, link Link, sec Secrets, initialDays int, now time.Time) (domain.Store, error) {
	if initialDays < 1 || initialDays > MaxInitialDays {
		return s, fmt.Errorf("the first sync reaches back 1 to %d days, not %d", MaxInitialDays, initialDays)
	}
	if strings.TrimSpace(link.BaseURL) == "" || strings.TrimSpace(link.AppKey) == "" {
		return s, errors.New("a linked store needs its API base URL and app key")
	}
	if sec.AppSecret == "" || sec.Tokens.Access == "" {
		return s, errors.New("a linked store needs its app secret and an access token")
	}
	added, err := d.AddStore(ctx, s, now)
	if err != nil {
		return s, err
	}
	sealed, err := d.seal(ctx, added.ID, sec)
	if err == nil {
		err = d.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE stores SET base_url=?, auth_url=?, app_key=?, service_id=?, cipher=?,
				secrets=?, demo=? WHERE id=?`, link.BaseURL, link.AuthURL, link.AppKey, link.ServiceID, link.Cipher, sealed,
				link.Demo, added.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO sync_state (store_id, cursor) VALUES (?, ?)`,
				added.ID, now.Add(-time.Duration(initialDays)*24*time.Hour).UnixMilli())
			return err
		})
	}
	if err != nil {
		// The store must not stay half-linked.
		d.w.ExecContext(ctx, `DELETE FROM stores WHERE id = ?`, added.ID)
		d.loadStores(ctx)
		return s, err
	}
	return added, nil
}

// Relink replaces a store's secrets after the seller signed in again, and lets it sync again.
func (d *DB) Relink(ctx context.Context, storeID int64, sec Secrets) error {
	sealed, err := d.seal(ctx, storeID, sec)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE stores SET secrets = ? WHERE id = ?`, sealed, storeID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_state SET needs_relink = 0, failures = 0, last_error = '', next_run = 0 WHERE store_id = ?`, storeID)
		return err
	})
}

// StoreLink returns how a store is reached.
func (d *DB) StoreLink(ctx context.Context, storeID int64) (Link, error) {
	var l Link
	err := d.r.QueryRowContext(ctx, `SELECT base_url, auth_url, app_key, service_id, cipher, demo FROM stores WHERE id = ?`,
		storeID).Scan(&l.BaseURL, &l.AuthURL, &l.AppKey, &l.ServiceID, &l.Cipher, &l.Demo)
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("no store with id %d", storeID)
	}
	return l, explain(d.path, err)
}

// StoreSecrets opens a store's secrets.
func (d *DB) StoreSecrets(ctx context.Context, storeID int64) (Secrets, error) {
	var sealed []byte
	if err := d.r.QueryRowContext(ctx, `SELECT secrets FROM stores WHERE id = ?`, storeID).Scan(&sealed); err != nil {
		return Secrets{}, explain(d.path, err)
	}
	return d.open(ctx, storeID, sealed)
}

// Keeper keeps one store's tokens in the file, sealed.
func (d *DB) Keeper(storeID int64) market.Keeper { return &keeper{d: d, id: storeID} }

type keeper struct {
	d  *DB
	id int64
}

func (k *keeper) Tokens(ctx context.Context) (market.Tokens, error) {
	sec, err := k.d.StoreSecrets(ctx, k.id)
	return sec.Tokens, err
}

// SaveTokens replaces the tokens in one transaction that reads the secrets it rewrites, so a
// rotated refresh token is durable before anyone uses it.
func (k *keeper) SaveTokens(ctx context.Context, t market.Tokens) error {
	return k.d.write(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		if err := tx.QueryRowContext(ctx, `SELECT secrets FROM stores WHERE id = ?`, k.id).Scan(&sealed); err != nil {
			return err
		}
		sec, err := k.d.open(ctx, k.id, sealed)
		if err != nil {
			return err
		}
		sec.Tokens = t
		if sealed, err = k.d.seal(ctx, k.id, sec); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE stores SET secrets = ? WHERE id = ?`, sealed, k.id)
		return err
	})
}

// UpdateLink changes how a store is reached (and its shop id), keeping its secrets.
func (d *DB) UpdateLink(ctx context.Context, storeID int64, link Link, shopID string) error {
	err := d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE stores SET base_url=?, auth_url=?, app_key=?, service_id=?, cipher=?, demo=?, shop_id=?
			WHERE id=?`, link.BaseURL, link.AuthURL, link.AppKey, link.ServiceID, link.Cipher, link.Demo, shopID, storeID)
		return err
	})
	if err != nil {
		return err
	}
	return explain(d.path, d.loadStores(ctx))
}

// SetSyncCursor says every order of the store updated before t is already in the file.
func (d *DB) SetSyncCursor(ctx context.Context, storeID int64, t time.Time) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sync_state SET cursor = ? WHERE store_id = ?`, t.UnixMilli(), storeID)
		return err
	})
}
