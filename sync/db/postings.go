package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// The posting journal's types live in domain, for the screens; these names keep the data file's
// API whole.
type (
	PostState   = domain.PostState
	PostAttempt = domain.PostAttempt
	PostRun     = domain.PostRun
)

// Posting states.
const (
	PostSending = domain.PostSending
	PostPosted  = domain.PostPosted
	PostFailed  = domain.PostFailed
)

// InvoiceRef is what is known of an order's invoice: its document number (assigned once), and
// SQL Account's dockey and the order version it holds (0 and zero until it was posted).
type InvoiceRef struct {
	OrderID int64
	DocNo   string
	DocKey  int64
	Version time.Time
}

// interrupted is the message of an attempt a crash (or a stop) left sending.
const interrupted = "interrupted: Kedai stopped before SQL Account answered (posting again looks the invoice up first)"

// StartPostRun begins a Post Order run. Attempts that earlier runs left sending (Kedai stopped
// mid-send) are closed as interrupted: whether their invoice was created is unknown, and the
// next attempt looks it up before creating one. One run at a time: the caller holds the lock.
func (d *DB) StartPostRun(ctx context.Context, now time.Time) (int64, error) {
	var id int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		if err := closeInterrupted(ctx, tx, 0, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO post_runs (at) VALUES (?)`, now.UnixMilli())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// closeInterrupted marks attempts left sending as interrupted: every one, or one order's.
func closeInterrupted(ctx context.Context, tx *sql.Tx, orderID int64, now time.Time) error {
	cond, args := "", []any{interrupted, now.UnixMilli()}
	if orderID != 0 {
		cond, args = " AND order_id = ?", append(args, orderID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE post_attempts SET state = 'failed', message = ?, at = ?
		WHERE state = 'sending'`+cond, args...); err != nil {
		return err
	}
	cond, args = "", nil
	if orderID != 0 {
		cond, args = " AND order_id = ?", []any{orderID}
	}
	_, err := tx.ExecContext(ctx, `UPDATE postings SET last_state = 'failed' WHERE last_state = 'sending'`+cond, args...)
	return err
}

// DocNo is the document number of an order's invoice. Once assigned (by BeginPost) it never
// changes. Before that it is the order number, or, when another store has an order with that
// number, the order number + "-" + the last 4 characters of the store's shop id (its Kedai id
// when it has none).
func (d *DB) DocNo(ctx context.Context, o *domain.Order) (string, error) {
	if o == nil || o.ID == 0 {
		return "", errors.New("the order is not stored yet")
	}
	no, err := docNo(ctx, d.r, d, o)
	return no, explain(d.path, err)
}

func docNo(ctx context.Context, q querier, d *DB, o *domain.Order) (string, error) {
	var assigned sql.NullString
	var orderNo string
	var storeID int64
	err := q.QueryRowContext(ctx, `SELECT o.order_no, o.store_id, p.doc_no FROM orders o
		LEFT JOIN postings p ON p.order_id = o.id WHERE o.id = ?`, o.ID).Scan(&orderNo, &storeID, &assigned)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("order %d: %w", o.ID, ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	if assigned.Valid {
		return assigned.String, nil
	}
	var shared bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_keys k JOIN orders x ON x.id = k.order_id
		WHERE k.key = ? AND x.order_no = ? AND x.store_id != ?)`, normKey(orderNo), orderNo, storeID).Scan(&shared); err != nil {
		return "", err
	}
	// The order number alone when no other store has it; else (or when another store's order
	// took it first) with the store's suffix.
	candidates := []string{orderNo + "-" + storeSuffix(d, storeID)}
	if !shared {
		candidates = append([]string{orderNo}, candidates...)
	}
	var holder string
	for _, c := range candidates {
		err = q.QueryRowContext(ctx, `SELECT o.order_no FROM postings p JOIN orders o ON o.id = p.order_id WHERE p.doc_no = ?`,
			c).Scan(&holder)
		if errors.Is(err, sql.ErrNoRows) {
			return c, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("order %s: document number %s is already the invoice of another store's order %s",
		orderNo, candidates[len(candidates)-1], holder)
}

// storeSuffix tells apart two stores' orders with one number.
func storeSuffix(d *DB, storeID int64) string {
	st, _ := d.storeByID(storeID)
	id := []rune(strings.TrimSpace(st.ShopID))
	if len(id) == 0 {
		return fmt.Sprint(storeID)
	}
	return string(id[max(0, len(id)-4):])
}

// BeginPost records, before anything is sent, that the order is being posted under docNo: the
// attempt ("sending") and, the first time, the order's document number. ref is what is known of
// the order's invoice: a DocKey means it was posted before (update it); none means look the
// document number up before creating it, as an earlier attempt may have created it unrecorded.
func (d *DB) BeginPost(ctx context.Context, runID int64, o *domain.Order, docNo string, now time.Time) (int64, InvoiceRef, error) {
	var id int64
	var ref InvoiceRef
	docNo = strings.TrimSpace(docNo)
	if o == nil || o.ID == 0 {
		return 0, ref, errors.New("the order is not stored yet")
	}
	if docNo == "" {
		return 0, ref, fmt.Errorf("order %s: no document number", o.OrderNo)
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		orderNo, updated, err := postTarget(ctx, tx, runID, o.ID)
		if err != nil {
			return err
		}
		var assigned sql.NullString
		var dockey, version int64
		err = tx.QueryRowContext(ctx, `SELECT doc_no, dockey, version FROM postings WHERE order_id = ?`, o.ID).Scan(
			&assigned, &dockey, &version)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case assigned.Valid && assigned.String != docNo:
			return fmt.Errorf("order %s is invoiced as %s, not %s: its document number never changes", orderNo, assigned.String, docNo)
		case !assigned.Valid:
			var holder string
			err := tx.QueryRowContext(ctx, `SELECT o.order_no FROM postings p JOIN orders o ON o.id = p.order_id
				WHERE p.doc_no = ?`, docNo).Scan(&holder)
			if err == nil {
				return fmt.Errorf("order %s: document number %s is already the invoice of order %s", orderNo, docNo, holder)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err := closeInterrupted(ctx, tx, o.ID, now); err != nil {
			return err
		}
		v := postedVersion(o, updated)
		res, err := tx.ExecContext(ctx, `INSERT INTO post_attempts (run_id, order_id, doc_no, state, version, at)
			VALUES (?, ?, ?, 'sending', ?, ?)`, runID, o.ID, docNo, v, now.UnixMilli())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO postings (order_id, doc_no, last_attempt, last_state) VALUES (?, ?, ?, 'sending')
			ON CONFLICT (order_id) DO UPDATE SET doc_no = excluded.doc_no, last_attempt = excluded.last_attempt,
			last_state = excluded.last_state`, o.ID, docNo, id); err != nil {
			return err
		}
		ref = InvoiceRef{OrderID: o.ID, DocNo: docNo, DocKey: dockey, Version: fromMS(version)}
		return nil
	})
	if err != nil {
		return 0, InvoiceRef{}, err
	}
	return id, ref, nil
}

// postTarget checks the run and the order of an attempt and returns the order's number and
// stored version.
func postTarget(ctx context.Context, tx *sql.Tx, runID, orderID int64) (orderNo string, updated int64, err error) {
	var run int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM post_runs WHERE id = ?`, runID).Scan(&run); err != nil {
		return "", 0, err
	}
	if run == 0 {
		return "", 0, fmt.Errorf("no posting run %d: start one first", runID)
	}
	err = tx.QueryRowContext(ctx, `SELECT order_no, updated_at FROM orders WHERE id = ?`, orderID).Scan(&orderNo, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, fmt.Errorf("order %d: %w", orderID, ErrNotFound)
	}
	return orderNo, updated, err
}

// FinishPost records how an attempt ended. Posted: SQL Account holds the order's invoice as
// docKey, at the order version posted (0: the version BeginPost recorded); the order is posted
// at that version, and archived unless it changed since. Failed: msg says why, and the order
// stays unposted (or keeps its earlier posting, no longer current). A late answer to an attempt
// closed as interrupted still counts; an attempt already recorded as posted cannot end again.
func (d *DB) FinishPost(ctx context.Context, attemptID int64, st PostState, docKey int64, msg string, version time.Time, now time.Time) error {
	msg = strings.TrimSpace(msg)
	switch st {
	case PostPosted:
		if docKey <= 0 {
			return fmt.Errorf("posting attempt %d: a posted invoice needs SQL Account's dockey", attemptID)
		}
	case PostFailed:
		if msg == "" {
			return fmt.Errorf("posting attempt %d: a failure needs its reason", attemptID)
		}
	default:
		return fmt.Errorf("posting attempt %d: it can end posted or failed, not %q", attemptID, st)
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		var orderID, v int64
		var state string
		err := tx.QueryRowContext(ctx, `SELECT order_id, state, version FROM post_attempts WHERE id = ?`, attemptID).Scan(
			&orderID, &state, &v)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no posting attempt %d", attemptID)
		}
		if err != nil {
			return err
		}
		if state == string(PostPosted) {
			return fmt.Errorf("posting attempt %d was already recorded as posted", attemptID)
		}
		if !version.IsZero() {
			v = version.UnixMilli()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE post_attempts SET state = ?, dockey = ?, message = ?, version = ?, at = ?
			WHERE id = ?`, string(st), docKey, msg, v, now.UnixMilli(), attemptID); err != nil {
			return err
		}
		// The latest attempt speaks for the order; a late answer to an older one only adds what it knows.
		if _, err := tx.ExecContext(ctx, `UPDATE postings SET last_state = ? WHERE order_id = ? AND last_attempt = ?`,
			string(st), orderID, attemptID); err != nil {
			return err
		}
		if st != PostPosted {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE postings SET dockey = ?, version = max(version, ?) WHERE order_id = ?`,
			docKey, v, orderID); err != nil {
			return err
		}
		// archived = posted and not changed since (as SaveOrders derives it); the triggers move
		// the order's tab counts and search keys with it.
		_, err = tx.ExecContext(ctx, `UPDATE orders SET posted_at = max(posted_at, ?1), archived = (updated_at <= max(posted_at, ?1))
			WHERE id = ?2`, v, orderID)
		return err
	})
}

// FailPost records an order refused before anything was sent (an unmapped SKU, a missing
// code...): a failed attempt with the reason. The order stays unposted.
func (d *DB) FailPost(ctx context.Context, runID int64, o *domain.Order, msg string, now time.Time) error {
	msg = strings.TrimSpace(msg)
	if o == nil || o.ID == 0 {
		return errors.New("the order is not stored yet")
	}
	if msg == "" {
		return fmt.Errorf("order %s: a failure needs its reason", o.OrderNo)
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		_, updated, err := postTarget(ctx, tx, runID, o.ID)
		if err != nil {
			return err
		}
		if err := closeInterrupted(ctx, tx, o.ID, now); err != nil {
			return err
		}
		v := postedVersion(o, updated)
		res, err := tx.ExecContext(ctx, `INSERT INTO post_attempts (run_id, order_id, doc_no, state, message, version, at)
			VALUES (?, ?, coalesce((SELECT doc_no FROM postings WHERE order_id = ?), ''), 'failed', ?, ?, ?)`,
			runID, o.ID, o.ID, msg, v, now.UnixMilli())
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO postings (order_id, last_attempt, last_state) VALUES (?, ?, 'failed')
			ON CONFLICT (order_id) DO UPDATE SET last_attempt = excluded.last_attempt, last_state = excluded.last_state`,
			o.ID, id)
		return err
	})
}

// InvoiceRef returns what is known of an order's invoice (an empty DocNo: none assigned yet).
func (d *DB) InvoiceRef(ctx context.Context, orderID int64) (InvoiceRef, error) {
	ref := InvoiceRef{OrderID: orderID}
	var no sql.NullString
	var version int64
	err := d.r.QueryRowContext(ctx, `SELECT doc_no, dockey, version FROM postings WHERE order_id = ?`, orderID).Scan(
		&no, &ref.DocKey, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return ref, nil
	}
	ref.DocNo, ref.Version = no.String, fromMS(version)
	return ref, explain(d.path, err)
}

// PostRuns lists the latest runs, newest first, with how many of their orders posted and failed.
func (d *DB) PostRuns(ctx context.Context, limit int) ([]PostRun, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := d.r.QueryContext(ctx, `SELECT r.id, r.at,
			(SELECT count(*) FROM post_attempts a WHERE a.run_id = r.id AND a.state = 'posted'),
			(SELECT count(*) FROM post_attempts a WHERE a.run_id = r.id AND a.state = 'failed'),
			(SELECT count(*) FROM post_attempts a WHERE a.run_id = r.id AND a.state = 'sending')
		FROM post_runs r ORDER BY r.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, explain(d.path, err)
	}
	defer rows.Close()
	var out []PostRun
	for rows.Next() {
		var r PostRun
		var at int64
		var sending int
		if err := rows.Scan(&r.ID, &at, &r.Posted, &r.Failed, &sending); err != nil {
			return nil, explain(d.path, err)
		}
		r.At, r.Running = fromMS(at), sending > 0
		out = append(out, r)
	}
	return out, explain(d.path, rows.Err())
}

const attemptColumns = `a.id, a.run_id, a.order_id, o.order_no, o.store_id, a.doc_no, a.state, a.dockey, a.message, a.at, a.version`

func (d *DB) scanAttempts(rows *sql.Rows) ([]PostAttempt, error) {
	defer rows.Close()
	var out []PostAttempt
	for rows.Next() {
		var a PostAttempt
		var storeID, at, version int64
		var state string
		if err := rows.Scan(&a.ID, &a.RunID, &a.OrderID, &a.OrderNo, &storeID, &a.DocNo, &state, &a.DocKey, &a.Message,
			&at, &version); err != nil {
			return nil, err
		}
		a.State, a.At, a.Version = PostState(state), fromMS(at), fromMS(version)
		if st, ok := d.storeByID(storeID); ok {
			a.Store = st.Name
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PostAttempts lists one run's attempts in the order they were made.
func (d *DB) PostAttempts(ctx context.Context, runID int64) ([]PostAttempt, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT `+attemptColumns+` FROM post_attempts a JOIN orders o ON o.id = a.order_id
		WHERE a.run_id = ? ORDER BY a.id`, runID)
	if err != nil {
		return nil, explain(d.path, err)
	}
	out, err := d.scanAttempts(rows)
	return out, explain(d.path, err)
}

// LastPostFailures lists the orders whose latest attempt failed and that are still not posted
// as they are now (their failed attempts, oldest first): what "View Failed Results" reposts.
func (d *DB) LastPostFailures(ctx context.Context) ([]PostAttempt, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT `+attemptColumns+` FROM postings p
		JOIN post_attempts a ON a.id = p.last_attempt JOIN orders o ON o.id = p.order_id
		WHERE p.last_state = 'failed' AND o.archived = 0 ORDER BY a.id`)
	if err != nil {
		return nil, explain(d.path, err)
	}
	out, err := d.scanAttempts(rows)
	return out, explain(d.path, err)
}

type postSettingsJSON struct {
	Mode             string  `json:"mode"`
	Tax              string  `json:"tax,omitempty"`
	TaxRate          float64 `json:"tax_rate,omitempty"`
	TaxInclusive     bool    `json:"tax_inclusive,omitempty"`
	IncludeCancelled bool    `json:"include_cancelled,omitempty"`
}

// PostSettings returns how orders are posted (Manual Post, no tax, when never set).
func (d *DB) PostSettings(ctx context.Context) (domain.PostSettings, error) {
	s := domain.PostSettings{Mode: domain.PostManual}
	v, err := d.Setting(ctx, postSettingsKey, "")
	if err != nil || v == "" {
		return s, err
	}
	var j postSettingsJSON
	if err := json.Unmarshal([]byte(v), &j); err != nil {
		return s, fmt.Errorf("the posting settings are unreadable: set them again in Settings > SQL Account")
	}
	return domain.PostSettings{Mode: domain.PostMode(j.Mode), Tax: j.Tax, TaxRate: j.TaxRate, TaxInclusive: j.TaxInclusive,
		IncludeCancelled: j.IncludeCancelled}, nil
}

// SetPostSettings remembers how orders are posted. The mode is manual (or "") or all; a tax code
// must be among the synced tax codes when any were synced, and takes its synced rate when
// TaxRate is 0; without a tax code there is no rate and nothing is tax-inclusive.
func (d *DB) SetPostSettings(ctx context.Context, s domain.PostSettings) error {
	switch s.Mode {
	case "":
		s.Mode = domain.PostManual
	case domain.PostManual, domain.PostAll:
	default:
		return fmt.Errorf("unknown posting mode %q: use manual or all", s.Mode)
	}
	s.Tax = strings.TrimSpace(s.Tax)
	if s.Tax == "" {
		s.TaxRate, s.TaxInclusive = 0, false
	}
	if math.IsNaN(s.TaxRate) || s.TaxRate < 0 || s.TaxRate > 100 {
		return fmt.Errorf("a tax rate of %v%% is not a percentage from 0 to 100", s.TaxRate)
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		if s.Tax != "" {
			var any bool
			var code sql.NullString
			var rate sql.NullFloat64
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM account_codes WHERE kind = 'tax'),
				(SELECT code FROM account_codes WHERE kind = 'tax' AND code = ?),
				(SELECT rate FROM account_codes WHERE kind = 'tax' AND code = ?)`, s.Tax, s.Tax).Scan(&any, &code, &rate); err != nil {
				return err
			}
			switch {
			case code.Valid:
				s.Tax = code.String
				if s.TaxRate == 0 {
					s.TaxRate = rate.Float64
				}
			case any:
				return fmt.Errorf("tax code %q is not among the tax codes synced from SQL Account", s.Tax)
			}
		}
		b, err := json.Marshal(postSettingsJSON{Mode: string(s.Mode), Tax: s.Tax, TaxRate: s.TaxRate,
			TaxInclusive: s.TaxInclusive, IncludeCancelled: s.IncludeCancelled})
		if err != nil {
			return err
		}
		return setSettingTx(ctx, tx, postSettingsKey, string(b))
	})
}

// Unposted lists the orders on the tabs (and on Others when includeCancelled) that are not
// archived, oldest first: never posted, or changed since they were.
func (d *DB) Unposted(ctx context.Context, tabs []domain.Tab, includeCancelled bool) ([]int64, error) {
	want := map[domain.Tab]bool{}
	for _, t := range tabs {
		if !t.Valid() {
			return nil, fmt.Errorf("unknown tab %d", int(t))
		}
		want[t] = true
	}
	if includeCancelled {
		want[domain.TabOthers] = true
	}
	if len(want) == 0 {
		return nil, nil
	}
	var list []string
	for _, t := range domain.Tabs {
		if want[t] {
			list = append(list, fmt.Sprint(int(t)))
		}
	}
	return d.ids(ctx, `SELECT id FROM orders WHERE archived = 0 AND tab IN (`+strings.Join(list, ",")+`)
		ORDER BY created_at, id`)
}

// postedVersion is the order version an attempt is for: the copy being posted, or when it carries
// no update time, the version the data file has (updated).
func postedVersion(o *domain.Order, updated int64) int64 {
	if v := ms(o.UpdatedAt); v != 0 {
		return v
	}
	return updated
}
