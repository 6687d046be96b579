package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/kedai-app/kedai/domain"
)

// SQLAccConfig is how Kedai reaches SQL Account; its keys exist in the file only sealed.
type SQLAccConfig = domain.SQLAccConfig

// Defaults of the SigV4 parameters (eStream's own sample); an install may differ, so both can be set.
const (
	DefaultSQLAccRegion  = "ap-southeast-1"
	DefaultSQLAccService = "execute-api"
)

// sqlaccKeysLabel is what the vault seals the SQL Account keys for: sealed keys cannot be opened
// as anything else (a store's secrets, say).
const sqlaccKeysLabel = "sqlaccount keys"

// Settings keys of what SQL Account sync and posting remember.
const (
	sqlaccSyncedKey = "sqlacc.synced_at"
	postSettingsKey = "sqlacc.post"
)

// ErrNoStockItem is returned for a stock code that is not among the synced stock items.
var ErrNoStockItem = errors.New("no such stock item")

type sqlaccKeys struct {
	Access string `json:"access"`
	Secret string `json:"secret"`
}

// SQLAccConfig returns how SQL Account is reached: the zero value when it was never set.
func (d *DB) SQLAccConfig(ctx context.Context) (SQLAccConfig, error) {
	var c SQLAccConfig
	var sealed []byte
	err := d.r.QueryRowContext(ctx, `SELECT url, region, service, keys FROM sqlacc_config WHERE id = 1`).Scan(
		&c.URL, &c.Region, &c.Service, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return SQLAccConfig{}, nil
	}
	if err != nil {
		return SQLAccConfig{}, explain(d.path, err)
	}
	v, err := d.Vault(ctx)
	if err != nil {
		return SQLAccConfig{}, err
	}
	b, err := v.Open(sealed, sqlaccKeysLabel)
	if err != nil {
		return SQLAccConfig{}, fmt.Errorf("SQL Account keys: %w: enter them again in Settings > SQL Account", err)
	}
	var k sqlaccKeys
	if err := json.Unmarshal(b, &k); err != nil {
		return SQLAccConfig{}, fmt.Errorf("SQL Account keys are unreadable: enter them again in Settings > SQL Account")
	}
	c.AccessKey, c.SecretKey = k.Access, k.Secret
	return c, nil
}

// SetSQLAccConfig remembers how SQL Account is reached. The URL and both keys are required; an
// empty region or service takes the default.
func (d *DB) SetSQLAccConfig(ctx context.Context, c SQLAccConfig) error {
	c.URL = strings.TrimRight(strings.TrimSpace(c.URL), "/")
	c.AccessKey, c.SecretKey = strings.TrimSpace(c.AccessKey), strings.TrimSpace(c.SecretKey)
	c.Region, c.Service = strings.TrimSpace(c.Region), strings.TrimSpace(c.Service)
	if c.URL == "" {
		return errors.New("SQL Account needs its API URL (e.g. https://api.sql.my)")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("SQL Account API URL %q is not an http:// or https:// address", c.URL)
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return errors.New("SQL Account needs the API user's access key and secret key (SQL Account: Tools > Maintain User > API Secret Key)")
	}
	if c.Region == "" {
		c.Region = DefaultSQLAccRegion
	}
	if c.Service == "" {
		c.Service = DefaultSQLAccService
	}
	v, err := d.Vault(ctx)
	if err != nil {
		return err
	}
	b, err := json.Marshal(sqlaccKeys{Access: c.AccessKey, Secret: c.SecretKey})
	if err != nil {
		return err
	}
	sealed, err := v.Seal(b, sqlaccKeysLabel)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sqlacc_config (id, url, region, service, keys) VALUES (1, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET url = excluded.url, region = excluded.region, service = excluded.service,
			keys = excluded.keys`, c.URL, c.Region, c.Service, sealed)
		return err
	})
}

// Stock key kinds (stock_keys.kind).
const (
	stockKeyCode = 1 + iota
	stockKeyCodePart
	stockKeyBarcode
	stockKeyWord
)

type uomJSON struct {
	UOM     string  `json:"uom"`
	Rate    float64 `json:"rate"`
	Price   int64   `json:"price"`
	Barcode string  `json:"barcode,omitempty"`
	Base    bool    `json:"base,omitempty"`
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// stockKeys lists what finds an item: see the stock_keys table.
func stockKeys(it domain.StockItem) []struct {
	key  string
	kind int
	uom  string
} {
	type k = struct {
		key  string
		kind int
		uom  string
	}
	var out []k
	add := func(key string, kind int, uom string) {
		if key = normKey(key); key != "" {
			out = append(out, k{key, kind, uom})
		}
	}
	base := it.BaseUOM()
	add(it.Code, stockKeyCode, base)
	rs := []rune(it.Code)
	for i := 1; i < len(rs); i++ {
		if !isWordRune(rs[i-1]) && isWordRune(rs[i]) {
			add(string(rs[i:]), stockKeyCodePart, "")
		}
	}
	add(it.Barcode, stockKeyBarcode, base)
	for _, u := range it.UOMs {
		add(u.Barcode, stockKeyBarcode, u.UOM)
	}
	for _, w := range strings.FieldsFunc(it.Description, func(r rune) bool { return !isWordRune(r) }) {
		add(w, stockKeyWord, "")
	}
	return out
}

// checkStockItems refuses a list that could not be mapped to unambiguously.
func checkStockItems(items []domain.StockItem) error {
	seen := make(map[string]bool, len(items))
	for i := range items {
		it := &items[i]
		it.Code = strings.TrimSpace(it.Code)
		if it.Code == "" {
			return fmt.Errorf("stock item %d of %d (%q) has no code", i+1, len(items), it.Description)
		}
		k := strings.ToUpper(it.Code)
		if seen[k] {
			return fmt.Errorf("stock item %q comes twice", it.Code)
		}
		seen[k] = true
		uoms := map[string]bool{}
		for j, u := range it.UOMs {
			u.UOM = strings.TrimSpace(u.UOM)
			it.UOMs[j].UOM = u.UOM
			if u.UOM == "" {
				return fmt.Errorf("stock item %q has a UOM without a name", it.Code)
			}
			if uoms[strings.ToUpper(u.UOM)] {
				return fmt.Errorf("stock item %q has UOM %q twice", it.Code, u.UOM)
			}
			uoms[strings.ToUpper(u.UOM)] = true
			if math.IsNaN(u.Rate) || math.IsInf(u.Rate, 0) || u.Rate <= 0 {
				return fmt.Errorf("stock item %q: UOM %q has rate %v; it must be more than 0", it.Code, u.UOM, u.Rate)
			}
		}
	}
	return nil
}

// ReplaceStockItems replaces the synced stock items with the list just read from SQL Account, in
// one transaction, and remembers when. A list with a nameless or repeated code or UOM, or a UOM
// rate of 0, changes nothing.
func (d *DB) ReplaceStockItems(ctx context.Context, items []domain.StockItem, now time.Time) error {
	items = append([]domain.StockItem(nil), items...)
	for i := range items {
		items[i].UOMs = append([]domain.StockUOM(nil), items[i].UOMs...)
	}
	if err := checkStockItems(items); err != nil {
		return err
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM stock_items`, `DELETE FROM stock_keys`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO stock_items (code, description, stock_group, active, stock_control,
			barcode, uoms) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		key, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO stock_keys (key, code, kind, uom) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer key.Close()
		for _, it := range items {
			uoms := make([]uomJSON, len(it.UOMs))
			for i, u := range it.UOMs {
				uoms[i] = uomJSON{UOM: u.UOM, Rate: u.Rate, Price: u.Price.Minor, Barcode: u.Barcode, Base: u.Base}
			}
			b, err := json.Marshal(uoms)
			if err != nil {
				return err
			}
			if _, err := ins.ExecContext(ctx, it.Code, it.Description, it.Group, it.Active, it.StockControl,
				it.Barcode, string(b)); err != nil {
				return err
			}
			for _, k := range stockKeys(it) {
				if _, err := key.ExecContext(ctx, k.key, it.Code, k.kind, k.uom); err != nil {
					return err
				}
			}
		}
		return setSettingTx(ctx, tx, sqlaccSyncedKey, strconv.FormatInt(now.UnixMilli(), 10))
	})
}

func setSettingTx(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// SQLAccSyncedAt is when the stock items were last synced from SQL Account (zero: never).
func (d *DB) SQLAccSyncedAt(ctx context.Context) (time.Time, error) {
	v, err := d.Setting(ctx, sqlaccSyncedKey, "")
	if err != nil || v == "" {
		return time.Time{}, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: the last SQL Account sync time %q is unreadable", d.path, v)
	}
	return fromMS(n), nil
}

const stockColumns = `code, description, stock_group, active, stock_control, barcode, uoms`

func scanStockItem(sc interface{ Scan(...any) error }) (domain.StockItem, error) {
	var it domain.StockItem
	var uoms string
	if err := sc.Scan(&it.Code, &it.Description, &it.Group, &it.Active, &it.StockControl, &it.Barcode, &uoms); err != nil {
		return it, err
	}
	var us []uomJSON
	if err := json.Unmarshal([]byte(uoms), &us); err != nil {
		return it, fmt.Errorf("stock item %q: unreadable UOMs: %w", it.Code, err)
	}
	for _, u := range us {
		it.UOMs = append(it.UOMs, domain.StockUOM{UOM: u.UOM, Rate: u.Rate, Price: domain.Money{Minor: u.Price, Currency: "MYR"},
			Barcode: u.Barcode, Base: u.Base})
	}
	return it, nil
}

// searchWords splits what a person typed into the words a stock search matches, upper-cased,
// without the punctuation around them ("(black)" is BLACK; "chf-blk" stays CHF-BLK).
func searchWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		if w = normKey(strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// StockItems searches the synced stock items: every word typed must start the item's code or a
// part of it ("CHF" finds TDG-CHF-BLK), a barcode of any of its UOMs, or a word of its
// description; case does not matter. An exact code or barcode comes first, then by code; at most
// limit (0: 100). An empty search lists the items by code.
func (d *DB) StockItems(ctx context.Context, search string, limit int) ([]domain.StockItem, error) {
	if limit <= 0 {
		limit = 100
	}
	words := searchWords(search)
	if len(words) == 0 {
		return d.stockQuery(ctx, nil, `SELECT `+stockColumns+` FROM stock_items ORDER BY code LIMIT ?`, limit)
	}
	// A code or barcode typed (or scanned) whole comes first.
	var out []domain.StockItem
	var err error
	if len(words) == 1 {
		out, err = d.stockQuery(ctx, nil, `SELECT `+stockColumns+` FROM stock_items WHERE code IN
			(SELECT code FROM stock_keys WHERE key = ? AND kind IN (?, ?)) ORDER BY code LIMIT ?`,
			words[0], stockKeyCode, stockKeyBarcode, limit)
		if err != nil {
			return nil, err
		}
	}
	// The rarest word drives when its matches are few; when every word is common, reading the
	// items in code order and testing each stops at the first page of matches.
	rarest, fewest := 0, -1
	for i, w := range words {
		var n int
		if err := d.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM stock_keys WHERE key >= ? AND key < ? LIMIT ?)`,
			w, w+keyRangeEnd, commonWord+1).Scan(&n); err != nil {
			return nil, explain(d.path, err)
		}
		if fewest < 0 || n < fewest {
			rarest, fewest = i, n
		}
	}
	if fewest == 0 {
		return out, nil
	}
	var conds []string
	var args []any
	for i, w := range words {
		if i == rarest && fewest <= commonWord {
			conds = append(conds, `s.code IN (SELECT code FROM stock_keys WHERE key >= ? AND key < ?)`)
		} else {
			conds = append(conds, `EXISTS (SELECT 1 FROM stock_keys k WHERE k.code = s.code AND k.key >= ? AND k.key < ?)`)
		}
		args = append(args, w, w+keyRangeEnd)
	}
	exact := len(out)
	rest, err := d.stockQuery(ctx, nil, `SELECT `+stockColumns+` FROM stock_items s WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY s.code LIMIT ?`, append(args, limit+exact)...)
	if err != nil {
		return nil, err
	}
	for _, it := range rest {
		if len(out) == limit {
			break
		}
		dup := false
		for _, e := range out[:exact] {
			dup = dup || e.Code == it.Code
		}
		if !dup {
			out = append(out, it)
		}
	}
	return out, nil
}

// commonWord is how many keys make a search word common: it no longer drives a stock search.
const commonWord = 2000

func (d *DB) stockQuery(ctx context.Context, out []domain.StockItem, query string, args ...any) ([]domain.StockItem, error) {
	rows, err := d.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanStockItem(rows)
		if err != nil {
			return nil, explain(d.path, err)
		}
		out = append(out, it)
	}
	return out, explain(d.path, rows.Err())
}

// StockItem returns one synced stock item by its code, whatever its case.
func (d *DB) StockItem(ctx context.Context, code string) (domain.StockItem, error) {
	return stockItem(ctx, d.r, code)
}

func stockItem(ctx context.Context, q querier, code string) (domain.StockItem, error) {
	it, err := scanStockItem(q.QueryRowContext(ctx, `SELECT `+stockColumns+` FROM stock_items WHERE code = ?`, strings.TrimSpace(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("stock item %q is not among the stock items synced from SQL Account: %w", code, ErrNoStockItem)
	}
	return it, err
}

// codeKinds are the code lists SQL Account syncs, with what a person calls one of them.
var codeKinds = map[domain.CodeKind]string{
	domain.CodeCustomer: "customer", domain.CodeLocation: "location", domain.CodeProject: "project",
	domain.CodeTax: "tax code", domain.CodePayment: "payment method",
}

func checkKind(kind domain.CodeKind) error {
	if _, ok := codeKinds[kind]; !ok {
		return fmt.Errorf("unknown kind of SQL Account code %q: use customer, location, project, tax or pmmethod", kind)
	}
	return nil
}

// ReplaceCodes replaces the synced codes of one kind, in one transaction.
func (d *DB) ReplaceCodes(ctx context.Context, kind domain.CodeKind, codes []domain.AccountCode) error {
	if err := checkKind(kind); err != nil {
		return err
	}
	seen := map[string]bool{}
	clean := make([]domain.AccountCode, len(codes))
	for i, c := range codes {
		c.Code = strings.TrimSpace(c.Code)
		if c.Code == "" {
			return fmt.Errorf("%s %d of %d (%q) has no code", codeKinds[kind], i+1, len(codes), c.Description)
		}
		if seen[strings.ToUpper(c.Code)] {
			return fmt.Errorf("%s %q comes twice", codeKinds[kind], c.Code)
		}
		seen[strings.ToUpper(c.Code)] = true
		if math.IsNaN(c.Rate) || c.Rate < 0 || c.Rate > 100 {
			return fmt.Errorf("%s %q has a rate of %v%%, not a percentage from 0 to 100", codeKinds[kind], c.Code, c.Rate)
		}
		c.Kind = kind
		clean[i] = c
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_codes WHERE kind = ?`, string(kind)); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO account_codes (kind, code, description, rate) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, c := range clean {
			if _, err := ins.ExecContext(ctx, string(kind), c.Code, c.Description, c.Rate); err != nil {
				return err
			}
		}
		return nil
	})
}

// Codes lists the synced codes of one kind by code.
func (d *DB) Codes(ctx context.Context, kind domain.CodeKind) ([]domain.AccountCode, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	rows, err := d.r.QueryContext(ctx, `SELECT code, description, rate FROM account_codes WHERE kind = ? ORDER BY code`, string(kind))
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	var out []domain.AccountCode
	for rows.Next() {
		c := domain.AccountCode{Kind: kind}
		if err := rows.Scan(&c.Code, &c.Description, &c.Rate); err != nil {
			return nil, explain(d.path, err)
		}
		out = append(out, c)
	}
	return out, explain(d.path, rows.Err())
}

// StoreCodes returns the SQL Account codes a store's invoices use (empty when never set).
func (d *DB) StoreCodes(ctx context.Context, storeID int64) (domain.StoreCodes, error) {
	c := domain.StoreCodes{StoreID: storeID}
	if _, ok := d.storeByID(storeID); !ok {
		return c, fmt.Errorf("no store with id %d", storeID)
	}
	err := d.r.QueryRowContext(ctx, `SELECT customer, location, project, voucher, discount, shipping, fee, payment
		FROM store_codes WHERE store_id = ?`, storeID).Scan(&c.Customer, &c.Location, &c.Project, &c.Voucher,
		&c.Discount, &c.Shipping, &c.Fee, &c.Payment)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	return c, explain(d.path, err)
}

// SetStoreCodes sets the codes a store's invoices use. Each code must be among the synced ones
// of its kind when any of that kind were synced (customer, location, project and payment method
// among those codes; voucher, discount, shipping and fee among the stock items), and is kept as
// SQL Account spells it. An empty code is unset.
func (d *DB) SetStoreCodes(ctx context.Context, c domain.StoreCodes) error {
	st, ok := d.storeByID(c.StoreID)
	if !ok {
		return fmt.Errorf("no store with id %d", c.StoreID)
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		fields := []struct {
			v    *string
			name string
			kind domain.CodeKind // "": a stock item
		}{
			{&c.Customer, "customer code", domain.CodeCustomer},
			{&c.Location, "location", domain.CodeLocation},
			{&c.Project, "project", domain.CodeProject},
			{&c.Voucher, "voucher item", ""},
			{&c.Discount, "discount item", ""},
			{&c.Shipping, "shipping item", ""},
			{&c.Fee, "fee item", ""},
			{&c.Payment, "payment method", domain.CodePayment},
		}
		for _, f := range fields {
			*f.v = strings.TrimSpace(*f.v)
			if *f.v == "" {
				continue
			}
			var any bool
			var canon string
			var err error
			if f.kind == "" {
				err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stock_items),
					coalesce((SELECT code FROM stock_items WHERE code = ?), '')`, *f.v).Scan(&any, &canon)
			} else {
				err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM account_codes WHERE kind = ?),
					coalesce((SELECT code FROM account_codes WHERE kind = ? AND code = ?), '')`,
					string(f.kind), string(f.kind), *f.v).Scan(&any, &canon)
			}
			if err != nil {
				return err
			}
			switch {
			case canon != "":
				*f.v = canon
			case any && f.kind == "":
				return fmt.Errorf("store %q: %s %q is not among the stock items synced from SQL Account", st.Name, f.name, *f.v)
			case any:
				return fmt.Errorf("store %q: %s %q is not among the %ss synced from SQL Account", st.Name, f.name, *f.v, codeKinds[f.kind])
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO store_codes (store_id, customer, location, project, voucher, discount,
			shipping, fee, payment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (store_id) DO UPDATE SET customer = excluded.customer, location = excluded.location,
			project = excluded.project, voucher = excluded.voucher, discount = excluded.discount,
			shipping = excluded.shipping, fee = excluded.fee, payment = excluded.payment`,
			c.StoreID, c.Customer, c.Location, c.Project, c.Voucher, c.Discount, c.Shipping, c.Fee, c.Payment)
		return err
	})
}
