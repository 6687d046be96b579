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
)

// Row flags, stored as bits in orders.flags.
const (
	flagCancelRequested = 1 << iota
	flagReturnRequested
	flagSelfDelivery
	flagHasCancelled
)

// Search key kinds.
const (
	keyOrderNo = 1 + iota
	keyPlatformID
	keyTracking
	keyPackage
)

// orderDetail is the part of an order only the detail view reads, kept as JSON in one column.
type orderDetail struct {
	PaidAt          int64          `json:"paid_at,omitempty"`
	ShipBy          int64          `json:"ship_by,omitempty"`
	Subtotal        int64          `json:"subtotal,omitempty"`
	ShippingFee     int64          `json:"shipping_fee,omitempty"`
	SellerVoucher   int64          `json:"seller_voucher,omitempty"`
	PlatformVoucher int64          `json:"platform_voucher,omitempty"`
	SellerDiscount  int64          `json:"seller_discount,omitempty"`
	Tax             int64          `json:"tax,omitempty"`
	VoucherCode     string         `json:"voucher_code,omitempty"`
	PaymentMethod   string         `json:"payment_method,omitempty"`
	COD             bool           `json:"cod,omitempty"`
	Buyer           domain.Buyer   `json:"buyer"`
	Address         domain.Address `json:"address"`
	BuyerNote       string         `json:"buyer_note,omitempty"`
	SellerNote      string         `json:"seller_note,omitempty"`
	ShippingType    string         `json:"shipping_type,omitempty"`
	ProviderType    string         `json:"provider_type,omitempty"`
	DeliveryOption  string         `json:"delivery_option,omitempty"`
	FulfillmentType string         `json:"fulfillment_type,omitempty"`
	WarehouseCode   string         `json:"warehouse_code,omitempty"`
	CancelReason    string         `json:"cancel_reason,omitempty"`
	CancelledBy     string         `json:"cancelled_by,omitempty"`
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// normKey is how search keys and what people type are compared: upper case, no spaces.
func normKey(s string) string { return domain.CodeKey(s) }

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func joinDistinct(vals []string) string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vals {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return strings.Join(out, ", ")
}

// saveStmts are the statements one save transaction reuses for every order.
type saveStmts struct {
	lookup, insert, update, delItems, delPkgs, delKeys, item, pkg, key *sql.Stmt
}

func prepareSave(ctx context.Context, tx *sql.Tx) (*saveStmts, error) {
	var s saveStmts
	var err error
	prep := func(dst **sql.Stmt, q string) {
		if err == nil {
			*dst, err = tx.PrepareContext(ctx, q)
		}
	}
	prep(&s.lookup, `SELECT id, stage, posted_at, flags FROM orders WHERE store_id = ? AND order_no = ?`)
	prep(&s.insert, `INSERT INTO orders (store_id, order_no, platform_id, status, stage, tab, archived,
		created_at, updated_at, delivered_at, currency, total, units, first_item, provider, tracking_no,
		flags, posted_at, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	prep(&s.update, `UPDATE orders SET platform_id=?, status=?, stage=?, tab=?, archived=?, created_at=?,
		updated_at=?, delivered_at=?, currency=?, total=?, units=?, first_item=?, provider=?, tracking_no=?,
		flags=?, detail=? WHERE id=?`)
	prep(&s.delItems, `DELETE FROM items WHERE order_id = ?`)
	prep(&s.delPkgs, `DELETE FROM packages WHERE order_id = ?`)
	prep(&s.delKeys, `DELETE FROM search_keys WHERE order_id = ?`)
	prep(&s.item, `INSERT INTO items (order_id, line, platform_item_id, product_id, sku_id, sku, shop_sku,
		name, variation, qty, unit_price, paid_price, seller_discount, platform_discount, status, package_id,
		cancelled, cancel_reason, cancelled_by, return_status, image_url)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	prep(&s.pkg, `INSERT INTO packages (order_id, line, package_id, tracking_no, provider, status) VALUES (?,?,?,?,?,?)`)
	prep(&s.key, `INSERT INTO search_keys (key, key_rev, order_id, kind, archived, tab) VALUES (?,?,?,?,?,?)`)
	if err != nil {
		s.close()
		return nil, err
	}
	return &s, nil
}

func (s *saveStmts) close() {
	for _, st := range []*sql.Stmt{s.lookup, s.insert, s.update, s.delItems, s.delPkgs, s.delKeys, s.item, s.pkg, s.key} {
		if st != nil {
			st.Close()
		}
	}
}

// checkOrder refuses an order that could not be shown or found again.
func (d *DB) checkOrder(o *domain.Order) error {
	st, ok := d.storeByID(o.StoreID)
	if !ok {
		return fmt.Errorf("order %q: no store with id %d", o.OrderNo, o.StoreID)
	}
	if o.Platform == "" {
		o.Platform = st.Platform
	}
	if o.Platform != st.Platform {
		return fmt.Errorf("order %q is a %s order but store %q is on %s", o.OrderNo, o.Platform.Title(), st.Name, st.Platform.Title())
	}
	if strings.TrimSpace(o.OrderNo) == "" {
		return errors.New("an order needs its order number")
	}
	if o.CreatedAt.IsZero() {
		return fmt.Errorf("order %s: no creation time", o.OrderNo)
	}
	if o.PlatformID == "" {
		o.PlatformID = o.OrderNo
	}
	if o.Currency == "" {
		o.Currency = domain.RegionCurrency(st.Region)
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	for i, it := range o.Items {
		if it.Qty <= 0 {
			return fmt.Errorf("order %s: item %q has quantity %d", o.OrderNo, it.Name, it.Qty)
		}
		if o.Platform == domain.Lazada && domain.LazadaItemCancelled(it.Status) {
			o.Items[i].Cancelled = true
		}
	}
	return nil
}

// SaveOrders stores orders as the platforms report them, in one transaction: new orders are
// added; known ones (same store and order number) are replaced, keeping Kedai's own stage and
// posting, and whether a return awaits the seller (the order APIs do not say; see SaveBatch).
// Each order's tab is derived here, at now.
func (d *DB) SaveOrders(ctx context.Context, orders []domain.Order, now time.Time) error {
	if err := d.checkOrders(orders); err != nil {
		return err
	}
	return d.write(ctx, func(tx *sql.Tx) error { return saveOrdersTx(ctx, tx, orders, now) })
}

func (d *DB) checkOrders(orders []domain.Order) error {
	for i := range orders {
		if err := d.checkOrder(&orders[i]); err != nil {
			return err
		}
	}
	return nil
}

func saveOrdersTx(ctx context.Context, tx *sql.Tx, orders []domain.Order, now time.Time) error {
	st, err := prepareSave(ctx, tx)
	if err != nil {
		return err
	}
	defer st.close()
	for i := range orders {
		if err := saveOrder(ctx, st, &orders[i], now); err != nil {
			return fmt.Errorf("saving order %s: %w", orders[i].OrderNo, err)
		}
	}
	return nil
}

func saveOrder(ctx context.Context, st *saveStmts, o *domain.Order, now time.Time) error {
	var id, postedAt int64
	var stage string
	var oldFlags int
	err := st.lookup.QueryRowContext(ctx, o.StoreID, o.OrderNo).Scan(&id, &stage, &postedAt, &oldFlags)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		id = 0
	case err != nil:
		return err
	default:
		o.Stage = domain.Stage(stage)
		o.PostedAt = fromMS(postedAt)
		o.ReturnRequested = oldFlags&flagReturnRequested != 0
	}
	if o.Platform == domain.Lazada {
		o.Status = strings.Join(domain.LazadaStatuses(o.Items), ", ")
	}
	o.Tab = domain.DeriveTab(o, now)
	archived := 0
	if o.Posted() && !o.UpdatedAt.After(o.PostedAt) {
		archived = 1
	}
	flags := 0
	if o.CancelRequested {
		flags |= flagCancelRequested
	}
	if o.ReturnRequested {
		flags |= flagReturnRequested
	}
	if o.SelfDelivery {
		flags |= flagSelfDelivery
	}
	var providers, tracking []string
	for _, p := range o.Packages {
		providers = append(providers, p.Provider)
		tracking = append(tracking, p.TrackingNo)
	}
	for _, it := range o.Items {
		if it.Cancelled {
			flags |= flagHasCancelled
		}
	}
	detail, err := json.Marshal(orderDetail{
		PaidAt: ms(o.PaidAt), ShipBy: ms(o.ShipBy),
		Subtotal: o.Subtotal.Minor, ShippingFee: o.ShippingFee.Minor, SellerVoucher: o.SellerVoucher.Minor,
		PlatformVoucher: o.PlatformVoucher.Minor, SellerDiscount: o.SellerDiscount.Minor, Tax: o.Tax.Minor,
		VoucherCode: o.VoucherCode, PaymentMethod: o.PaymentMethod, COD: o.COD,
		Buyer: o.Buyer, Address: o.Address, BuyerNote: o.BuyerNote, SellerNote: o.SellerNote,
		ShippingType: o.ShippingType, ProviderType: o.ProviderType, DeliveryOption: o.DeliveryOption,
		FulfillmentType: o.FulfillmentType, WarehouseCode: o.WarehouseCode,
		CancelReason: o.CancelReason, CancelledBy: o.CancelledBy,
	})
	if err != nil {
		return err
	}
	if id == 0 {
		res, err := st.insert.ExecContext(ctx, o.StoreID, o.OrderNo, o.PlatformID, o.Status, string(o.Stage), int(o.Tab),
			archived, ms(o.CreatedAt), ms(o.UpdatedAt), ms(o.DeliveredAt), o.Currency, o.Total.Minor, o.UnitCount(),
			o.FirstItemName(), joinDistinct(providers), joinDistinct(tracking), flags, ms(o.PostedAt), detail)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
	} else {
		if _, err := st.update.ExecContext(ctx, o.PlatformID, o.Status, string(o.Stage), int(o.Tab), archived,
			ms(o.CreatedAt), ms(o.UpdatedAt), ms(o.DeliveredAt), o.Currency, o.Total.Minor, o.UnitCount(),
			o.FirstItemName(), joinDistinct(providers), joinDistinct(tracking), flags, detail, id); err != nil {
			return err
		}
		for _, del := range []*sql.Stmt{st.delItems, st.delPkgs, st.delKeys} {
			if _, err := del.ExecContext(ctx, id); err != nil {
				return err
			}
		}
	}
	o.ID = id
	for i, it := range o.Items {
		if _, err := st.item.ExecContext(ctx, id, i, it.PlatformItemID, it.ProductID, it.SKUID, it.SKU, it.ShopSKU,
			it.Name, it.Variation, it.Qty, it.UnitPrice.Minor, it.PaidPrice.Minor, it.SellerDiscount.Minor,
			it.PlatformDiscount.Minor, it.Status, it.PackageID, it.Cancelled, it.CancelReason, it.CancelledBy,
			it.ReturnStatus, it.ImageURL); err != nil {
			return err
		}
	}
	keys := map[string]int{normKey(o.OrderNo): keyOrderNo}
	if k := normKey(o.PlatformID); keys[k] == 0 {
		keys[k] = keyPlatformID
	}
	for i, p := range o.Packages {
		if _, err := st.pkg.ExecContext(ctx, id, i, p.ID, p.TrackingNo, p.Provider, p.Status); err != nil {
			return err
		}
		if k := normKey(p.TrackingNo); k != "" && keys[k] == 0 {
			keys[k] = keyTracking
		}
		if k := normKey(p.ID); k != "" && keys[k] == 0 {
			keys[k] = keyPackage
		}
	}
	for k, kind := range keys {
		if k == "" {
			continue
		}
		if _, err := st.key.ExecContext(ctx, k, reverse(k), id, kind, archived, int(o.Tab)); err != nil {
			return err
		}
	}
	return nil
}

// SetStage records Kedai's own fulfilment stage for an order and re-derives its tab.
func (d *DB) SetStage(ctx context.Context, id int64, stage domain.Stage, now time.Time) error {
	return d.write(ctx, func(tx *sql.Tx) error { return setStageTx(ctx, tx, id, stage, now) })
}

// RefreshAgedTabs moves Lazada orders whose return window has passed from Delivered to Completed.
// Lazada has no completed status, so time alone moves them; this runs at start and periodically.
func (d *DB) RefreshAgedTabs(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE orders SET tab = ? WHERE tab = ? AND delivered_at > 0 AND delivered_at <= ?
			AND flags & ? = 0 AND store_id IN (SELECT id FROM stores WHERE platform = 'lazada')`,
			int(domain.TabCompleted), int(domain.TabDelivered), now.Add(-domain.LazadaReturnWindow).UnixMilli(),
			flagCancelRequested|flagReturnRequested)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
