package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// MaxBundleLines bounds the stock items one SKU maps to.
const MaxBundleLines = 50

type mapLineJSON struct {
	StockCode string `json:"stock_code"`
	UOM       string `json:"uom"`
	Qty       int    `json:"qty"`
}

// itemStockCodes is a column of an items query: the stock codes the item's SKU maps to, "+"
// joined for a bundle, "" when unmapped (Item.StockCode).
const itemStockCodes = `coalesce((SELECT m.stock_codes FROM sku_maps m WHERE m.sku = items.sku), '')`

func decodeMapping(sku, lines string, auto bool) (domain.Mapping, error) {
	m := domain.Mapping{SKU: sku, Auto: auto}
	var ls []mapLineJSON
	if err := json.Unmarshal([]byte(lines), &ls); err != nil {
		return m, fmt.Errorf("the mapping of SKU %q is unreadable: %w", sku, err)
	}
	for _, l := range ls {
		m.Lines = append(m.Lines, domain.MapLine{StockCode: l.StockCode, UOM: l.UOM, Qty: l.Qty})
	}
	return m, nil
}

// Mapping returns what a platform SKU (exactly as the platform sends it) is mapped to.
func (d *DB) Mapping(ctx context.Context, sku string) (domain.Mapping, bool, error) {
	var lines string
	var auto bool
	err := d.r.QueryRowContext(ctx, `SELECT lines, auto FROM sku_maps WHERE sku = ?`, sku).Scan(&lines, &auto)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Mapping{}, false, nil
	}
	if err != nil {
		return domain.Mapping{}, false, explain(d.path, err)
	}
	m, err := decodeMapping(sku, lines, auto)
	return m, err == nil, err
}

// Mappings returns the mappings of the SKUs that are mapped, by SKU.
func (d *DB) Mappings(ctx context.Context, skus []string) (map[string]domain.Mapping, error) {
	out := make(map[string]domain.Mapping, len(skus))
	for start := 0; start < len(skus); start += 500 {
		chunk := skus[start:min(start+500, len(skus))]
		args := make([]any, len(chunk))
		for i, s := range chunk {
			args[i] = s
		}
		rows, err := d.r.QueryContext(ctx, `SELECT sku, lines, auto FROM sku_maps WHERE sku IN (?`+
			strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, explain(d.path, err)
		}
		for rows.Next() {
			var sku, lines string
			var auto bool
			if err := rows.Scan(&sku, &lines, &auto); err != nil {
				rows.Close()
				return nil, explain(d.path, err)
			}
			m, err := decodeMapping(sku, lines, auto)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[sku] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, explain(d.path, err)
		}
	}
	return out, nil
}

// SetMapping maps a platform SKU to stock items from now on, replacing any mapping it had. Each
// line's stock code must be a synced stock item and its UOM one of the item's (empty: the base
// UOM); both are kept as SQL Account spells them. Quantities are at least 1.
func (d *DB) SetMapping(ctx context.Context, m domain.Mapping) error {
	if strings.TrimSpace(m.SKU) == "" {
		return errors.New("a mapping needs the platform SKU")
	}
	if len(m.Lines) == 0 {
		return fmt.Errorf("SKU %q: choose the stock item it is", m.SKU)
	}
	if len(m.Lines) > MaxBundleLines {
		return fmt.Errorf("SKU %q: a bundle of %d stock items is more than %d", m.SKU, len(m.Lines), MaxBundleLines)
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		lines := make([]mapLineJSON, len(m.Lines))
		codes := make([]string, len(m.Lines))
		seen := map[string]bool{}
		for i, l := range m.Lines {
			if l.Qty < 1 {
				return fmt.Errorf("SKU %q: %d of stock item %q: the quantity must be at least 1", m.SKU, l.Qty, l.StockCode)
			}
			it, err := stockItem(ctx, tx, l.StockCode)
			if errors.Is(err, ErrNoStockItem) {
				return fmt.Errorf("SKU %q: stock item %q is not among the stock items synced from SQL Account", m.SKU, strings.TrimSpace(l.StockCode))
			}
			if err != nil {
				return err
			}
			uom := strings.TrimSpace(l.UOM)
			if uom == "" {
				uom = it.BaseUOM()
			}
			u, ok := it.FindUOM(uom)
			if !ok {
				return fmt.Errorf("SKU %q: stock item %q has no UOM %q (its UOMs: %s)", m.SKU, it.Code, uom, it.UOMNames())
			}
			k := strings.ToUpper(it.Code) + "\x00" + strings.ToUpper(u.UOM)
			if seen[k] {
				return fmt.Errorf("SKU %q: stock item %q in %s comes twice; give it one line with the total quantity", m.SKU, it.Code, u.UOM)
			}
			seen[k] = true
			lines[i] = mapLineJSON{StockCode: it.Code, UOM: u.UOM, Qty: l.Qty}
			codes[i] = it.Code
		}
		b, err := json.Marshal(lines)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sku_maps (sku, lines, stock_codes, auto) VALUES (?, ?, ?, ?)
			ON CONFLICT (sku) DO UPDATE SET lines = excluded.lines, stock_codes = excluded.stock_codes, auto = excluded.auto`,
			m.SKU, string(b), strings.Join(codes, "+"), m.Auto)
		return err
	})
}

// Unmap forgets what a platform SKU is mapped to.
func (d *DB) Unmap(ctx context.Context, sku string) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sku_maps WHERE sku = ?`, sku)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = fmt.Errorf("SKU %q is not mapped", sku)
			}
			return err
		}
		return nil
	})
}

// likePattern is a LIKE pattern of text anywhere, its wildcards escaped with '\'.
func likePattern(text string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(text) + "%"
}

// SKUs lists the platform SKUs seen on orders, by SKU, each with the item name last saved with
// it, the number of orders it is on and its mapping; filter is "all" (or ""), "mapped" or
// "unmapped"; search finds text in the SKU or the name (case-insensitive); at most limit (0: all).
// SKUs mapped before any order had them are listed too, with no orders. It reads the sku_counts
// the triggers keep, never the items.
func (d *DB) SKUs(ctx context.Context, filter string, search string, limit int) ([]domain.SKUInfo, error) {
	var cond string
	switch filter {
	case "", "all":
	case "mapped":
		cond = " AND m.sku IS NOT NULL"
	case "unmapped":
		cond = " AND m.sku IS NULL"
	default:
		return nil, fmt.Errorf("unknown SKU filter %q: use all, mapped or unmapped", filter)
	}
	sqlLimit := limit
	if limit <= 0 {
		sqlLimit = -1
	}
	var args []any
	search = strings.TrimSpace(search)
	if search != "" {
		cond += ` AND (c.sku LIKE ? ESCAPE '\' OR c.name LIKE ? ESCAPE '\')`
		args = append(args, likePattern(search), likePattern(search))
	}
	query := `SELECT c.sku, c.name, c.orders, m.lines, m.auto FROM sku_counts c LEFT JOIN sku_maps m ON m.sku = c.sku
		WHERE c.orders > 0` + cond + ` ORDER BY c.sku LIMIT ?`
	out, err := d.skuRows(ctx, nil, query, append(args, sqlLimit)...)
	if err != nil || filter == "unmapped" {
		return out, err
	}
	// Mappings of SKUs no order has yet.
	q2 := `SELECT m.sku, '', 0, m.lines, m.auto FROM sku_maps m
		WHERE NOT EXISTS (SELECT 1 FROM sku_counts c WHERE c.sku = m.sku AND c.orders > 0)`
	var args2 []any
	if search != "" {
		q2 += ` AND m.sku LIKE ? ESCAPE '\'`
		args2 = append(args2, likePattern(search))
	}
	n := len(out)
	if out, err = d.skuRows(ctx, out, q2+` ORDER BY m.sku LIMIT ?`, append(args2, sqlLimit)...); err != nil {
		return nil, err
	}
	if len(out) > n {
		sort.Slice(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
	}
	return out, nil
}

// skuRows appends the rows of a query of (sku, name, orders, lines, auto).
func (d *DB) skuRows(ctx context.Context, out []domain.SKUInfo, query string, args ...any) ([]domain.SKUInfo, error) {
	rows, err := d.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var info domain.SKUInfo
		var lines sql.NullString
		var auto sql.NullBool
		if err := rows.Scan(&info.SKU, &info.Name, &info.Orders, &lines, &auto); err != nil {
			return nil, explain(d.path, err)
		}
		if lines.Valid {
			m, err := decodeMapping(info.SKU, lines.String, auto.Bool)
			if err != nil {
				return nil, err
			}
			info.Mapping = &m
		}
		out = append(out, info)
	}
	return out, explain(d.path, rows.Err())
}

// AutoMatches proposes mappings for unmapped SKUs, for a person to confirm: a SKU equal to a
// stock item's code (in its base UOM), else to exactly one barcode of one stock item's UOM (or
// the item's own barcode, in its base UOM); case and spaces do not matter. Inactive stock items
// are not proposed, nor a barcode that several items or UOMs share.
func (d *DB) AutoMatches(ctx context.Context) ([]domain.AutoMatch, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT c.sku, c.name FROM sku_counts c
		WHERE c.orders > 0 AND NOT EXISTS (SELECT 1 FROM sku_maps m WHERE m.sku = c.sku) ORDER BY c.sku`)
	if err != nil {
		return nil, explain(d.path, err)
	}
	type unmapped struct{ sku, name string }
	var skus []unmapped
	for rows.Next() {
		var u unmapped
		if err := rows.Scan(&u.sku, &u.name); err != nil {
			rows.Close()
			return nil, explain(d.path, err)
		}
		skus = append(skus, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, explain(d.path, err)
	}
	var out []domain.AutoMatch
	for _, u := range skus {
		key := normKey(u.sku)
		if key == "" {
			continue
		}
		krows, err := d.r.QueryContext(ctx, `SELECT k.code, k.kind, k.uom FROM stock_keys k JOIN stock_items s ON s.code = k.code
			WHERE k.key = ? AND k.kind IN (?, ?) AND s.active ORDER BY k.kind, k.code, k.uom`, key, stockKeyCode, stockKeyBarcode)
		if err != nil {
			return nil, explain(d.path, err)
		}
		var byCode, byBarcode []domain.AutoMatch
		for krows.Next() {
			var code, uom string
			var kind int
			if err := krows.Scan(&code, &kind, &uom); err != nil {
				krows.Close()
				return nil, explain(d.path, err)
			}
			m := domain.AutoMatch{SKU: u.sku, Name: u.name, StockCode: code, UOM: uom}
			if kind == stockKeyCode {
				m.Why = "SKU equals item code"
				byCode = append(byCode, m)
			} else { // one row per item and UOM: the item's own barcode and its base UOM's are one key
				m.Why = "SKU equals barcode of UOM " + uom
				byBarcode = append(byBarcode, m)
			}
		}
		krows.Close()
		if err := krows.Err(); err != nil {
			return nil, explain(d.path, err)
		}
		switch {
		case len(byCode) == 1:
			out = append(out, byCode[0])
		case len(byCode) == 0 && len(byBarcode) == 1:
			out = append(out, byBarcode[0])
		}
	}
	return out, nil
}
