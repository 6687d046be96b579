package sqlaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/sqlaccount"
)

// books is a data file with three stores set up for posting, and the SQL Account simulator it
// posts to over real HTTP.
type books struct {
	d      *db.DB
	acc    *sim.SQLAcc
	stores []domain.Store
	desk   sqlaccount.Desk
	n      int // orders so far
}

var t0 = time.Date(2026, 11, 10, 2, 0, 0, 0, time.UTC)

func newBooks(t *testing.T) *books {
	t.Helper()
	ctx := t.Context()
	d := dbtest.Open(t)
	b := &books{d: d, desk: sqlaccount.Desk{DB: d}}
	seed := sim.SQLAccSeed{
		Items: []sim.SQLAccItem{
			{Code: "TDG-CHF-BLK", Description: "Tudung Bawal Chiffon Black", StockControl: true,
				UOMs: []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Price: 2990, Base: true, Barcode: "9556001000014"},
					{UOM: "BOX", Rate: 12, Price: 33000, Barcode: "9556001000021"}}},
			{Code: "PIN-SET", Description: "Tudung pin set", StockControl: true, UOMs: []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Price: 500, Base: true}}},
			{Code: "VOUCHER", Description: "Seller voucher", UOMs: []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
			{Code: "DISCOUNT", Description: "Seller discount", UOMs: []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
			{Code: "SHIPPING", Description: "Shipping fee", UOMs: []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
		},
		Locations: []sim.SQLAccCode{{Code: "ECOM", Description: "E-commerce"}},
		Projects:  []sim.SQLAccCode{{Code: "MARKET", Description: "Marketplaces"}},
		Taxes:     []sim.SQLAccTax{{Code: "SV", Description: "Service tax", Rate: 8}},
	}
	for i, name := range []string{dbtest.LazadaStore, dbtest.ShopeeStore, dbtest.TikTokStore} {
		seed.Customers = append(seed.Customers, sim.SQLAccCustomer{Code: fmt.Sprintf("300-M%04d", i+1), CompanyName: name})
	}
	b.acc = sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: "AKIDKEDAITEST", SecretKey: "kedai-test-secret", Seed: seed})
	url, stop, err := b.acc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	if err := d.SetSQLAccConfig(ctx, domain.SQLAccConfig{URL: url, AccessKey: "AKIDKEDAITEST", SecretKey: "kedai-test-secret",
		Region: sqlaccount.DefaultRegion, Service: sqlaccount.DefaultService}); err != nil {
		t.Fatal(err)
	}
	if err := b.desk.Pull(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for i, p := range []domain.Platform{domain.Lazada, domain.Shopee, domain.TikTok} {
		name := []string{dbtest.LazadaStore, dbtest.ShopeeStore, dbtest.TikTokStore}[i]
		s, err := d.AddStore(ctx, domain.Store{Platform: p, Name: name, Region: "MY", ShopID: fmt.Sprintf("88%d%d71", i, i)}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetStoreCodes(ctx, domain.StoreCodes{StoreID: s.ID, Customer: fmt.Sprintf("300-M%04d", i+1), Location: "ECOM",
			Project: "MARKET", Voucher: "VOUCHER", Discount: "DISCOUNT", Shipping: "SHIPPING"}); err != nil {
			t.Fatal(err)
		}
		b.stores = append(b.stores, s)
	}
	if err := d.SetMapping(ctx, domain.Mapping{SKU: "TDG-CHF-BLK", Lines: []domain.MapLine{{StockCode: "TDG-CHF-BLK", UOM: "UNIT", Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	return b
}

func rm(sen int64) domain.Money { return domain.Money{Minor: sen, Currency: "MYR"} }

// shipped stores a delivered Shopee order of qty units of sku in store s and returns its id.
func (b *books) delivered(t *testing.T, s domain.Store, no, sku string, qty int) int64 {
	t.Helper()
	b.n++
	created := t0.Add(time.Duration(b.n) * time.Minute)
	o := domain.Order{StoreID: s.ID, Platform: domain.Shopee, OrderNo: no, PlatformID: no, Status: "TO_CONFIRM_RECEIVE",
		CreatedAt: created, UpdatedAt: created.Add(time.Hour), Currency: "MYR",
		Subtotal: rm(2990 * int64(qty)), ShippingFee: rm(490), SellerVoucher: rm(300), Total: rm(2990*int64(qty) + 490 - 300),
		Buyer: domain.Buyer{Name: "Siti"}, Address: domain.Address{Name: "Siti", Lines: []string{"1 Jalan Ampang"}, Postcode: "50450"},
		Items: []domain.Item{{PlatformItemID: no + "-1", SKU: sku, Name: "Tudung Bawal Chiffon", Qty: qty, UnitPrice: rm(2990), PaidPrice: rm(2990)}},
	}
	if s.Platform != domain.Shopee {
		o.Platform = s.Platform
		switch s.Platform {
		case domain.Lazada:
			o.Status, o.Items[0].Status = "delivered", "delivered"
		case domain.TikTok:
			o.Status = "DELIVERED"
		}
	}
	if err := b.d.SaveOrders(t.Context(), []domain.Order{o}, created.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rows, err := b.d.FindByCode(t.Context(), no, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.StoreID == s.ID && r.OrderNo == no {
			return r.ID
		}
	}
	t.Fatalf("order %s not stored", no)
	return 0
}

func (b *books) post(t *testing.T, ids ...int64) domain.PostRun {
	t.Helper()
	run, err := b.desk.Post(t.Context(), ids, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func (b *books) unposted(t *testing.T) []int64 {
	t.Helper()
	ids, err := b.d.Unposted(t.Context(), domain.PostTabs, false)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// Each order becomes one invoice with the store's customer, its lines and a document amount that
// is what the platform owes for it; posting again posts nothing more.
func TestPostMakesOneInvoicePerOrder(t *testing.T) {
	b := newBooks(t)
	for i := range 5 {
		b.delivered(t, b.stores[1], fmt.Sprintf("2611100000%04d", i), "TDG-CHF-BLK", 2)
	}
	ids := b.unposted(t)
	if len(ids) != 5 {
		t.Fatalf("%d unposted, want 5", len(ids))
	}
	if run := b.post(t, ids...); run.Posted != 5 || run.Failed != 0 {
		t.Fatalf("run: %+v", run)
	}
	inv, ok := b.acc.InvoiceByDocNo("26111000000003")
	if !ok {
		t.Fatalf("no invoice 26111000000003 among %d", len(b.acc.Invoices()))
	}
	if inv.Code != "300-M0002" || inv.DocAmt != "61.70" || inv.UpdateCount != 1 {
		t.Errorf("invoice: customer %s, docamt %s, updatecount %d; want 300-M0002, 61.70 (59.80 - 3.00 + 4.90), 1", inv.Code, inv.DocAmt, inv.UpdateCount)
	}
	var codes []string
	for _, l := range inv.Lines {
		codes = append(codes, l.ItemCode+" "+l.Qty+" "+l.Amount)
	}
	if got := strings.Join(codes, ", "); !strings.Contains(got, "TDG-CHF-BLK 2 59.80") || !strings.Contains(got, "VOUCHER 1 -3.00") || !strings.Contains(got, "SHIPPING 1 4.90") {
		t.Errorf("lines: %s", got)
	}
	if left := b.unposted(t); len(left) != 0 {
		t.Fatalf("%d still unposted after posting", len(left))
	}
	o, err := b.d.Order(t.Context(), ids[0])
	if err != nil || !o.Posted() {
		t.Fatalf("order after posting: posted %v, %v", o.Posted(), err)
	}
	if run := b.post(t, ids...); run.Failed != 0 || len(b.acc.Invoices()) != 5 || b.acc.Stats().Creates != 5 {
		t.Fatalf("posting the posted orders again: %+v, %d invoices, %d creates", run, len(b.acc.Invoices()), b.acc.Stats().Creates)
	}
}

// An order with an unmapped SKU is refused with the reason and nothing of it reaches SQL
// Account; the others post. Once mapped, it posts.
func TestUnmappedSKUFailsOnlyItsOrder(t *testing.T) {
	b := newBooks(t)
	good := b.delivered(t, b.stores[1], "261110GOOD0001", "TDG-CHF-BLK", 1)
	bad := b.delivered(t, b.stores[1], "261110BAD00002", "PIN-SET-GOLD", 1)
	run := b.post(t, good, bad)
	if run.Posted != 1 || run.Failed != 1 {
		t.Fatalf("run: %+v", run)
	}
	if _, ok := b.acc.InvoiceByDocNo("261110BAD00002"); ok {
		t.Fatal("the order with the unmapped SKU reached SQL Account")
	}
	attempts, err := b.d.PostAttempts(t.Context(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	var reason string
	for _, a := range attempts {
		if a.OrderID == bad {
			reason = a.Message
		}
	}
	if !strings.Contains(reason, `SKU "PIN-SET-GOLD" is not mapped to a stock item`) {
		t.Fatalf("reason %q", reason)
	}
	failed, err := b.d.LastPostFailures(t.Context())
	if err != nil || len(failed) != 1 || failed[0].OrderID != bad {
		t.Fatalf("failures to repost: %+v, %v", failed, err)
	}
	if err := b.d.SetMapping(t.Context(), domain.Mapping{SKU: "PIN-SET-GOLD", Lines: []domain.MapLine{{StockCode: "PIN-SET", UOM: "UNIT", Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	if run := b.post(t, bad); run.Posted != 1 {
		t.Fatalf("repost after mapping: %+v", run)
	}
	if failed, _ := b.d.LastPostFailures(t.Context()); len(failed) != 0 {
		t.Fatalf("still failing after the repost: %+v", failed)
	}
}

// An order that changes after it was posted leaves the archive, and posting it again updates
// its invoice: SQL Account holds one document, its updatecount moved on.
func TestChangedOrderUpdatesItsInvoice(t *testing.T) {
	b := newBooks(t)
	id := b.delivered(t, b.stores[1], "261110EDIT0001", "TDG-CHF-BLK", 1)
	b.post(t, id)
	o, err := b.d.Order(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	o.Items[0].Qty = 3
	o.Subtotal, o.Total = rm(3*2990), rm(3*2990+490-300)
	o.UpdatedAt = o.UpdatedAt.Add(24 * time.Hour)
	if err := b.d.SaveOrders(t.Context(), []domain.Order{o}, o.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if left := b.unposted(t); len(left) != 1 || left[0] != id {
		t.Fatalf("after the change, unposted %v; want the order back", left)
	}
	if run := b.post(t, id); run.Posted != 1 {
		t.Fatalf("repost: %+v", run)
	}
	invs := b.acc.Invoices()
	if len(invs) != 1 || invs[0].UpdateCount != 2 || invs[0].DocAmt != "91.60" {
		t.Fatalf("SQL Account holds %+v; want one invoice, updatecount 2, docamt 91.60", invs)
	}
	if s := b.acc.Stats(); s.Creates != 1 || s.Updates != 1 {
		t.Fatalf("creates %d, updates %d", s.Creates, s.Updates)
	}
	if left := b.unposted(t); len(left) != 0 {
		t.Fatalf("unposted after the update: %v", left)
	}
}

// A create whose answer is lost reached SQL Account: the next attempt looks the number up and
// updates that invoice instead of making a second.
func TestLostAnswerNeverMakesASecondInvoice(t *testing.T) {
	b := newBooks(t)
	id := b.delivered(t, b.stores[0], "500000000000077", "TDG-CHF-BLK", 1)
	b.acc.DropResponses(1)
	// The client may find the invoice itself, or leave the order failed for the next run.
	if run := b.post(t, id); run.Posted+run.Failed != 1 {
		t.Fatalf("the run whose answer was lost: %+v", run)
	}
	if len(b.acc.Invoices()) != 1 {
		t.Fatalf("the simulator holds %d invoices; the dropped create should have made one", len(b.acc.Invoices()))
	}
	if left := b.unposted(t); len(left) == 1 {
		if run := b.post(t, id); run.Posted != 1 {
			t.Fatalf("posting again: %+v", run)
		}
	}
	if left := b.unposted(t); len(left) != 0 {
		t.Fatalf("still unposted: %v", left)
	}
	if invs := b.acc.Invoices(); len(invs) != 1 || b.acc.Stats().Creates != 1 {
		t.Fatalf("after posting again: %+v, %d creates", invs, b.acc.Stats().Creates)
	}
}

// Two stores with the same order number get two invoices: the document numbers differ.
func TestSameOrderNumberInTwoStores(t *testing.T) {
	b := newBooks(t)
	a := b.delivered(t, b.stores[0], "77001", "TDG-CHF-BLK", 1)
	c := b.delivered(t, b.stores[2], "77001", "TDG-CHF-BLK", 1)
	if run := b.post(t, a, c); run.Posted != 2 {
		attempts, _ := b.d.PostAttempts(t.Context(), run.ID)
		t.Fatalf("run: %+v %+v", run, attempts)
	}
	invs := b.acc.Invoices()
	if len(invs) != 2 || invs[0].DocNo == invs[1].DocNo {
		t.Fatalf("invoices: %+v", invs)
	}
	for _, inv := range invs {
		if !strings.HasPrefix(inv.DocNo, "77001") {
			t.Errorf("document number %s does not start with the order number", inv.DocNo)
		}
	}
}

// A wrong key gives a clear reason at Test Connection and at posting, and nothing is posted.
func TestWrongKeySaysSo(t *testing.T) {
	b := newBooks(t)
	id := b.delivered(t, b.stores[1], "261110KEY00001", "TDG-CHF-BLK", 1)
	cfg, err := b.d.SQLAccConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = "not-the-secret"
	_, err = b.desk.TestConnection(t.Context(), cfg)
	if !errors.Is(err, sqlaccount.ErrAuth) || strings.Contains(err.Error(), "not-the-secret") {
		t.Fatalf("test connection with a wrong secret: %v", err)
	}
	if err := b.d.SetSQLAccConfig(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	run := b.post(t, id)
	if run.Failed != 1 || len(b.acc.Invoices()) != 0 {
		t.Fatalf("run with a wrong key: %+v, %d invoices", run, len(b.acc.Invoices()))
	}
	attempts, _ := b.d.PostAttempts(t.Context(), run.ID)
	if len(attempts) != 1 || !strings.Contains(attempts[0].Message, "refused the access key or secret key") {
		t.Fatalf("attempts: %+v", attempts)
	}
}

// A stopped run leaves the orders not reached unposted, and says so.
func TestStoppedRunLeavesTheRestUnposted(t *testing.T) {
	b := newBooks(t)
	var ids []int64
	for i := range 20 {
		ids = append(ids, b.delivered(t, b.stores[1], fmt.Sprintf("261110STOP%04d", i), "TDG-CHF-BLK", 1))
	}
	ctx, cancel := context.WithCancel(t.Context())
	run, err := b.desk.Post(ctx, ids, false, func(done, total int) {
		if done == 5 {
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if run.Posted < 5 || run.Posted >= 20 {
		t.Fatalf("posted %d of 20 before stopping", run.Posted)
	}
	if left := b.unposted(t); len(left) != 20-run.Posted || len(b.acc.Invoices()) != run.Posted {
		t.Fatalf("%d unposted and %d invoices after posting %d", len(left), len(b.acc.Invoices()), run.Posted)
	}
}

// A second Kedai posting from the same file waits its turn: it is refused, and nothing changes.
func TestOnePostingRunPerFile(t *testing.T) {
	b := newBooks(t)
	id := b.delivered(t, b.stores[1], "261110LOCK0001", "TDG-CHF-BLK", 1)
	held := flock.New(b.d.Path() + ".posting.lock")
	if ok, err := held.TryLock(); !ok || err != nil {
		t.Fatalf("taking the lock as another process would: %v %v", ok, err)
	}
	_, err := b.desk.Post(t.Context(), []int64{id}, false, nil)
	if !errors.Is(err, sqlaccount.ErrPostingElsewhere) || len(b.acc.Invoices()) != 0 {
		t.Fatalf("posting while another holds the file: %v, %d invoices", err, len(b.acc.Invoices()))
	}
	held.Unlock()
	if run := b.post(t, id); run.Posted != 1 {
		t.Fatalf("after the other finished: %+v", run)
	}
}

// A cancelled order is refused unless Include Cancelled Orders is ticked; then it is posted as a
// cancelled invoice of what was ordered.
func TestCancelledOrderOnlyWithIncludeCancelled(t *testing.T) {
	b := newBooks(t)
	id := b.delivered(t, b.stores[1], "261110CNCL0001", "TDG-CHF-BLK", 2)
	o, err := b.d.Order(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	o.Status, o.UpdatedAt = "CANCELLED", o.UpdatedAt.Add(time.Hour)
	o.Items[0].Cancelled, o.Items[0].CancelReason = true, "Out of stock"
	if err := b.d.SaveOrders(t.Context(), []domain.Order{o}, o.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	run := b.post(t, id)
	attempts, _ := b.d.PostAttempts(t.Context(), run.ID)
	if run.Failed != 1 || len(attempts) != 1 || !strings.Contains(attempts[0].Message, "Include Cancelled Orders") {
		t.Fatalf("without Include Cancelled Orders: %+v %+v", run, attempts)
	}
	if run, err := b.desk.Post(t.Context(), []int64{id}, true, nil); err != nil || run.Posted != 1 {
		t.Fatalf("with Include Cancelled Orders: %+v %v", run, err)
	}
	inv, ok := b.acc.InvoiceByDocNo("261110CNCL0001")
	if !ok || !inv.Cancelled || len(inv.Lines) == 0 || inv.Lines[0].Qty != "2" {
		t.Fatalf("the cancelled invoice: %+v (found %v)", inv, ok)
	}
}
