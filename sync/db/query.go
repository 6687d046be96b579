package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// querier is what reads need: the reader pool, or a write transaction that must see its own writes.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ErrNotFound is returned for an order id that does not exist.
var ErrNotFound = errors.New("order not found")

const rowColumns = `o.id, o.store_id, o.order_no, o.tab, o.stage, o.status, o.created_at, o.updated_at,
	o.units, o.first_item, o.currency, o.total, o.provider, o.tracking_no, o.posted_at, o.flags, o.action, o.action_error`

func (d *DB) scanRows(rows *sql.Rows) ([]domain.OrderRow, error) {
	defer rows.Close()
	var out []domain.OrderRow
	for rows.Next() {
		var r domain.OrderRow
		var tab, flags int
		var stage, currency, action string
		var created, updated, posted, total int64
		if err := rows.Scan(&r.ID, &r.StoreID, &r.OrderNo, &tab, &stage, &r.Status, &created, &updated,
			&r.Units, &r.FirstItem, &currency, &total, &r.Provider, &r.TrackingNo, &posted, &flags, &action, &r.ActionError); err != nil {
			return nil, err
		}
		r.Action = domain.Action(action)
		r.Tab, r.Stage = domain.Tab(tab), domain.Stage(stage)
		r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
		r.Total = domain.Money{Minor: total, Currency: currency}
		r.Posted = posted != 0
		r.Flags = domain.RowFlags{
			CancelRequested: flags&flagCancelRequested != 0,
			ReturnRequested: flags&flagReturnRequested != 0,
			SelfDelivery:    flags&flagSelfDelivery != 0,
			HasCancelled:    flags&flagHasCancelled != 0,
		}
		if st, ok := d.storeByID(r.StoreID); ok {
			r.StoreName, r.Platform = st.Name, st.Platform
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// filter is a WHERE clause under construction.
type filter struct {
	conds []string
	args  []any
	none  bool // the filters exclude everything: skip the query
}

func (f *filter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

func (f *filter) sql() string {
	if len(f.conds) == 0 {
		return "1"
	}
	return strings.Join(f.conds, " AND ")
}

func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

// keyRangeEnd is above every string that starts with the prefix it is appended to.
const keyRangeEnd = "\U0010FFFF"

// storeScope returns the stores the query's platform and store filters allow; all=true when they
// allow every store.
func (d *DB) storeScope(q domain.OrderQuery) (ids []int64, all bool) {
	if q.Platform == "" && len(q.StoreIDs) == 0 {
		return nil, true
	}
	want := map[int64]bool{}
	for _, id := range q.StoreIDs {
		want[id] = true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.stores {
		if (q.Platform == "" || s.Platform == q.Platform) && (len(want) == 0 || want[s.ID]) {
			ids = append(ids, s.ID)
		}
	}
	return ids, false
}

// searchStores lists the stores in scope whose name contains the text.
func (d *DB) searchStores(text string, scope []int64, all bool) []int64 {
	in := map[int64]bool{}
	for _, id := range scope {
		in[id] = true
	}
	text = strings.ToLower(strings.TrimSpace(text))
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []int64
	for _, s := range d.stores {
		if (all || in[s.ID]) && strings.Contains(strings.ToLower(s.Name), text) {
			out = append(out, s.ID)
		}
	}
	return out
}

// keyScope narrows a key match inside the key index: archived or not, and one tab (0: any).
// A nil scope matches every order.
type keyScope struct {
	archived bool
	tab      domain.Tab
}

// keyMatch is the subquery of orders whose number, platform id, tracking number or package id
// starts or ends with the text: "23" finds ORD-0000000023 by its last digits. cols are the
// search_keys columns it selects (order_id, and tab for counting).
func keyMatch(text string, scope *keyScope, cols string) (string, []any) {
	k := normKey(text)
	r := reverse(k)
	cond, extra := "", []any{}
	if scope != nil {
		cond = " AND archived = ?"
		extra = append(extra, scope.archived)
		if scope.tab != 0 {
			cond += " AND tab = ?"
			extra = append(extra, int(scope.tab))
		}
	}
	args := append([]any{k, k + keyRangeEnd}, extra...)
	args = append(append(args, r, r+keyRangeEnd), extra...)
	return `SELECT ` + cols + ` FROM search_keys WHERE key >= ? AND key < ?` + cond + `
		UNION SELECT ` + cols + ` FROM search_keys WHERE key_rev >= ? AND key_rev < ?` + cond, args
}

// search is how a query's search text will be found, decided before the SQL is built: matching
// keys are few, so the query starts from them; a store name is a store filter over the tab
// index. Left to itself, SQLite would scan the whole tab to test each order against the keys.
type search struct {
	text   string
	keys   bool    // some order number, tracking number or package id matches
	stores []int64 // stores in scope whose name matches
}

func (d *DB) resolve(ctx context.Context, q domain.OrderQuery) (search, error) {
	sr := search{text: strings.TrimSpace(q.Search)}
	if sr.text == "" {
		return sr, nil
	}
	k := normKey(sr.text)
	r := reverse(k)
	err := d.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_keys WHERE key >= ? AND key < ?)
		OR EXISTS (SELECT 1 FROM search_keys WHERE key_rev >= ? AND key_rev < ?)`,
		k, k+keyRangeEnd, r, r+keyRangeEnd).Scan(&sr.keys)
	if err != nil {
		return sr, explain(d.path, err)
	}
	scope, all := d.storeScope(q)
	sr.stores = d.searchStores(sr.text, scope, all)
	return sr, nil
}

// none reports a search that cannot match anything.
func (sr search) none() bool { return sr.text != "" && !sr.keys && len(sr.stores) == 0 }

// from is the FROM clause: the matching keys, already narrowed to the list's tab, drive the
// query when only keys match.
func (sr search) from(q domain.OrderQuery, withTab bool) (string, []any) {
	if sr.keys && len(sr.stores) == 0 {
		scope := &keyScope{archived: q.Archived}
		if withTab {
			scope.tab = q.Tab
		}
		sub, args := keyMatch(sr.text, scope, "order_id")
		// CROSS JOIN keeps SQLite's join order: candidates first, then each order by its id.
		return "(" + sub + ") k CROSS JOIN orders o ON o.id = k.order_id", args
	}
	return "orders o", nil
}

// where builds the filter for a query; withTab=false leaves the tab out (for per-tab counts).
func (d *DB) where(q domain.OrderQuery, sr search, withTab bool) filter {
	var f filter
	archived := 0
	if q.Archived {
		archived = 1
	}
	f.add("o.archived = ?", archived)
	if withTab && q.Tab != 0 {
		f.add("o.tab = ?", int(q.Tab))
	}
	scope, all := d.storeScope(q)
	if !all {
		if len(scope) == 0 {
			f.none = true
			return f
		}
		// The unary + keeps SQLite on the tab index, which is already in list order; a store
		// filter rarely excludes enough rows to be worth a sort.
		f.add("+o.store_id IN (" + idList(scope) + ")")
	}
	if !q.From.IsZero() {
		f.add("o.created_at >= ?", q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		f.add("o.created_at < ?", q.To.UnixMilli())
	}
	switch {
	case sr.none():
		f.none = true
	case sr.keys && len(sr.stores) > 0: // rare: the text is both a store name and a number's end
		sub, args := keyMatch(sr.text, &keyScope{archived: q.Archived}, "order_id")
		f.add("(o.id IN ("+sub+") OR +o.store_id IN ("+idList(sr.stores)+"))", args...)
	case len(sr.stores) > 0:
		f.add("+o.store_id IN (" + idList(sr.stores) + ")")
	}
	return f
}

func sortColumn(q domain.OrderQuery) string {
	if q.Sort == domain.SortUpdated {
		return "o.updated_at"
	}
	return "o.created_at"
}

// pageSQL is the list query in the query's order, optionally after (or before) a cursor.
func (d *DB) pageSQL(q domain.OrderQuery, sr search, after *domain.Cursor, backwards bool) (string, []any, bool) {
	f := d.where(q, sr, true)
	if f.none {
		return "", nil, false
	}
	col := sortColumn(q)
	desc := !q.Asc
	if backwards {
		desc = !desc
	}
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	if after != nil {
		f.add("("+col+", o.id) "+cmp+" (?, ?)", after.Key, after.ID)
	}
	from, args := sr.from(q, true)
	return "SELECT " + rowColumns + " FROM " + from + " WHERE " + f.sql() +
		" ORDER BY " + col + " " + dir + ", o.id " + dir, append(args, f.args...), true
}

// page runs the list query with a LIMIT (and OFFSET) tail.
func (d *DB) page(ctx context.Context, q domain.OrderQuery, after *domain.Cursor, backwards bool, tail string, tailArgs ...any) ([]domain.OrderRow, error) {
	sr, err := d.resolve(ctx, q)
	if err != nil {
		return nil, err
	}
	query, args, ok := d.pageSQL(q, sr, after, backwards)
	if !ok {
		return nil, nil
	}
	rows, err := d.r.QueryContext(ctx, query+tail, append(args, tailArgs...)...)
	if err != nil {
		return nil, explain(d.path, err)
	}
	out, err := d.scanRows(rows)
	return out, explain(d.path, err)
}

// OrderPage returns up to limit rows of the list, starting after the cursor (nil: from the top).
// This is keyset paging: as fast on the thousandth page as on the first.
func (d *DB) OrderPage(ctx context.Context, q domain.OrderQuery, after *domain.Cursor, limit int) ([]domain.OrderRow, error) {
	return d.page(ctx, q, after, false, " LIMIT ?", limit)
}

// OrderPageAt returns rows by position, for a jump of the scroll bar far from any loaded page.
func (d *DB) OrderPageAt(ctx context.Context, q domain.OrderQuery, offset, limit int) ([]domain.OrderRow, error) {
	return d.page(ctx, q, nil, false, " LIMIT ? OFFSET ?", limit, offset)
}

// Adjacent returns the order before or after the given one in the list's order (for previous and
// next in the detail view); ok=false at either end.
func (d *DB) Adjacent(ctx context.Context, q domain.OrderQuery, id int64, next bool) (domain.OrderRow, bool, error) {
	var created, updated int64
	err := d.r.QueryRowContext(ctx, `SELECT created_at, updated_at FROM orders WHERE id = ?`, id).Scan(&created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.OrderRow{}, false, ErrNotFound
	}
	if err != nil {
		return domain.OrderRow{}, false, explain(d.path, err)
	}
	cur := domain.Cursor{Key: created, ID: id}
	if q.Sort == domain.SortUpdated {
		cur.Key = updated
	}
	out, err := d.page(ctx, q, &cur, !next, " LIMIT 1")
	if err != nil || len(out) == 0 {
		return domain.OrderRow{}, false, err
	}
	return out[0], true, nil
}

// TabCounts counts the orders on every tab under the query's filters (its own tab is ignored).
func (d *DB) TabCounts(ctx context.Context, q domain.OrderQuery) (map[domain.Tab]int, error) {
	counts := make(map[domain.Tab]int, len(domain.Tabs))
	sr, err := d.resolve(ctx, q)
	if err != nil {
		return nil, err
	}
	archived := 0
	if q.Archived {
		archived = 1
	}
	dated := !q.From.IsZero() || !q.To.IsZero()
	var query string
	var args []any
	switch {
	case sr.none():
		return counts, nil
	case !dated && !sr.keys:
		// The counters the triggers keep: no order is read.
		scope, all := d.storeScope(q)
		if sr.text != "" {
			scope, all = sr.stores, false
		}
		if !all && len(scope) == 0 {
			return counts, nil
		}
		query = `SELECT tab, sum(n) FROM tab_counts WHERE archived = ?`
		args = []any{archived}
		if !all {
			query += " AND store_id IN (" + idList(scope) + ")"
		}
		query += " GROUP BY tab"
	case !sr.keys:
		// A date range: one index range per tab.
		f := d.where(q, sr, false)
		if f.none {
			return counts, nil
		}
		var parts []string
		for _, t := range domain.Tabs {
			parts = append(parts, fmt.Sprintf("SELECT %d, (SELECT count(*) FROM orders o WHERE o.tab = %d AND %s)", int(t), int(t), f.sql()))
			args = append(args, f.args...)
		}
		query = strings.Join(parts, " UNION ALL ")
	case !dated && len(sr.stores) == 0 && scopeAll(d, q):
		// Only the search narrows: count its keys per tab in the key index, reading no order.
		sub, subArgs := keyMatch(sr.text, &keyScope{archived: q.Archived}, "order_id, tab")
		query = "SELECT tab, count(*) FROM (" + sub + ") GROUP BY tab"
		args = subArgs
	default:
		f := d.where(q, sr, false)
		if f.none {
			return counts, nil
		}
		from, fromArgs := sr.from(q, false)
		query = "SELECT o.tab, count(*) FROM " + from + " WHERE " + f.sql() + " GROUP BY o.tab"
		args = append(fromArgs, f.args...)
	}
	rows, err := d.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var tab, n int
		if err := rows.Scan(&tab, &n); err != nil {
			return nil, explain(d.path, err)
		}
		counts[domain.Tab(tab)] += n
	}
	return counts, explain(d.path, rows.Err())
}

// scopeAll reports a query that every store is in scope of (no platform or store filter).
func scopeAll(d *DB, q domain.OrderQuery) bool {
	_, all := d.storeScope(q)
	return all
}

// OrderIDs lists the ids of every order the query matches, in list order: for commands that work
// on a whole tab, and "select all in this tab".
func (d *DB) OrderIDs(ctx context.Context, q domain.OrderQuery) ([]int64, error) {
	sr, err := d.resolve(ctx, q)
	if err != nil {
		return nil, err
	}
	query, args, ok := d.pageSQL(q, sr, nil, false)
	if !ok {
		return nil, nil
	}
	return d.ids(ctx, "SELECT id FROM ("+query+")", args...)
}

// ids runs a query of one integer column on a reader and returns its values.
func (d *DB) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := d.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, explain(d.path, err)
		}
		ids = append(ids, id)
	}
	return ids, explain(d.path, rows.Err())
}

// Order loads one order with its items and packages.
func (d *DB) Order(ctx context.Context, id int64) (domain.Order, error) {
	o, err := loadOrder(ctx, d.r, id)
	if err != nil {
		return o, explain(d.path, err)
	}
	if st, ok := d.storeByID(o.StoreID); ok {
		o.StoreName = st.Name
	}
	return o, nil
}

// Orders loads several orders at once, in the order of ids.
func (d *DB) Orders(ctx context.Context, ids []int64) ([]domain.Order, error) {
	out := make([]domain.Order, 0, len(ids))
	for _, id := range ids {
		o, err := d.Order(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// FindOrders returns the orders whose number, tracking number or package id matches the text
// exactly first, then by prefix or last digits; at most limit.
func (d *DB) FindOrders(ctx context.Context, text string, limit int) ([]domain.OrderRow, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	sub, args := keyMatch(text, nil, "order_id")
	k := normKey(text)
	query := `SELECT ` + rowColumns + ` FROM (` + sub + `) c CROSS JOIN orders o ON o.id = c.order_id
		ORDER BY EXISTS (SELECT 1 FROM search_keys s WHERE s.order_id = o.id AND s.key = ?) DESC, o.created_at DESC, o.id DESC LIMIT ?`
	rows, err := d.r.QueryContext(ctx, query, append(args, k, limit)...)
	if err != nil {
		return nil, explain(d.path, err)
	}
	out, err := d.scanRows(rows)
	return out, explain(d.path, err)
}

func loadOrder(ctx context.Context, db querier, id int64) (domain.Order, error) {
	var o domain.Order
	var tab int
	var stage, detail, action string
	var created, updated, delivered, posted, total int64
	var flags int
	err := db.QueryRowContext(ctx, `SELECT o.id, o.store_id, s.platform, o.order_no, o.platform_id, o.status, o.stage,
		o.tab, o.created_at, o.updated_at, o.delivered_at, o.currency, o.total, o.flags, o.posted_at, o.detail,
		o.action, o.action_error
		FROM orders o JOIN stores s ON s.id = o.store_id WHERE o.id = ?`, id).Scan(
		&o.ID, &o.StoreID, &o.Platform, &o.OrderNo, &o.PlatformID, &o.Status, &stage, &tab, &created, &updated,
		&delivered, &o.Currency, &total, &flags, &posted, &detail, &action, &o.ActionError)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("order %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, err
	}
	o.Stage, o.Tab, o.PendingAction = domain.Stage(stage), domain.Tab(tab), domain.Action(action)
	o.CreatedAt, o.UpdatedAt, o.DeliveredAt, o.PostedAt = fromMS(created), fromMS(updated), fromMS(delivered), fromMS(posted)
	money := func(v int64) domain.Money { return domain.Money{Minor: v, Currency: o.Currency} }
	o.Total = money(total)
	o.CancelRequested = flags&flagCancelRequested != 0
	o.ReturnRequested = flags&flagReturnRequested != 0
	o.SelfDelivery = flags&flagSelfDelivery != 0
	var dt orderDetail
	if err := json.Unmarshal([]byte(detail), &dt); err != nil {
		return o, fmt.Errorf("order %s: unreadable details: %w", o.OrderNo, err)
	}
	o.PaidAt, o.ShipBy = fromMS(dt.PaidAt), fromMS(dt.ShipBy)
	o.Subtotal, o.ShippingFee, o.SellerVoucher = money(dt.Subtotal), money(dt.ShippingFee), money(dt.SellerVoucher)
	o.PlatformVoucher, o.SellerDiscount, o.Tax = money(dt.PlatformVoucher), money(dt.SellerDiscount), money(dt.Tax)
	o.VoucherCode, o.PaymentMethod, o.COD = dt.VoucherCode, dt.PaymentMethod, dt.COD
	o.Buyer, o.Address, o.BuyerNote, o.SellerNote = dt.Buyer, dt.Address, dt.BuyerNote, dt.SellerNote
	o.ShippingType, o.ProviderType, o.DeliveryOption = dt.ShippingType, dt.ProviderType, dt.DeliveryOption
	o.FulfillmentType, o.WarehouseCode = dt.FulfillmentType, dt.WarehouseCode
	o.CancelReason, o.CancelledBy = dt.CancelReason, dt.CancelledBy

	rows, err := db.QueryContext(ctx, `SELECT id, platform_item_id, product_id, sku_id, sku, shop_sku, name, variation,
		qty, unit_price, paid_price, seller_discount, platform_discount, status, package_id, cancelled, cancel_reason,
		cancelled_by, return_status, image_url, `+itemStockCodes+` FROM items WHERE order_id = ? ORDER BY line`, id)
	if err != nil {
		return o, err
	}
	for rows.Next() {
		var it domain.Item
		var unit, paid, sd, pd int64
		if err := rows.Scan(&it.ID, &it.PlatformItemID, &it.ProductID, &it.SKUID, &it.SKU, &it.ShopSKU, &it.Name,
			&it.Variation, &it.Qty, &unit, &paid, &sd, &pd, &it.Status, &it.PackageID, &it.Cancelled,
			&it.CancelReason, &it.CancelledBy, &it.ReturnStatus, &it.ImageURL, &it.StockCode); err != nil {
			rows.Close()
			return o, err
		}
		it.UnitPrice, it.PaidPrice, it.SellerDiscount, it.PlatformDiscount = money(unit), money(paid), money(sd), money(pd)
		o.Items = append(o.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, err
	}
	if o.AfterSales, err = loadAfterSales(ctx, db, id); err != nil {
		return o, err
	}
	rows, err = db.QueryContext(ctx, `SELECT package_id, tracking_no, provider, status FROM packages WHERE order_id = ? ORDER BY line`, id)
	if err != nil {
		return o, err
	}
	defer rows.Close()
	for rows.Next() {
		var p domain.Package
		if err := rows.Scan(&p.ID, &p.TrackingNo, &p.Provider, &p.Status); err != nil {
			return o, err
		}
		o.Packages = append(o.Packages, p)
	}
	return o, rows.Err()
}

// FindByCode returns the orders a scanned code names exactly: an order number, a platform order
// id, a tracking number or a package id (never by last digits: a scan is the whole code), newest
// first, at most limit.
func (d *DB) FindByCode(ctx context.Context, code string, limit int) ([]domain.OrderRow, error) {
	k := normKey(code)
	if k == "" {
		return nil, nil
	}
	query := `SELECT ` + rowColumns + ` FROM (SELECT DISTINCT order_id FROM search_keys WHERE key = ?) c
		CROSS JOIN orders o ON o.id = c.order_id ORDER BY o.created_at DESC, o.id DESC LIMIT ?`
	rows, err := d.r.QueryContext(ctx, query, k, limit)
	if err != nil {
		return nil, explain(d.path, err)
	}
	out, err := d.scanRows(rows)
	return out, explain(d.path, err)
}
