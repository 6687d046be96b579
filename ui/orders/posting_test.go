package orders

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/sqlaccount"
)

// withBooks gives the fixture's file a SQL Account (the simulator, over HTTP), its lists pulled,
// each store's codes and the fixture's SKU mapped.
func withBooks(t *testing.T, f *dbtest.Fixture) *sim.SQLAcc {
	t.Helper()
	ctx := context.Background()
	unit := []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Price: 2990, Base: true}}
	seed := sim.SQLAccSeed{
		Items: []sim.SQLAccItem{{Code: "TDG-CHF-BLK", Description: "Tudung Bawal Chiffon Black", StockControl: true, UOMs: unit},
			{Code: "VOUCHER", UOMs: unit}, {Code: "SHIPPING", UOMs: unit}},
		Customers: []sim.SQLAccCustomer{{Code: "300-K0001", CompanyName: dbtest.LazadaStore},
			{Code: "300-B0001", CompanyName: dbtest.ShopeeStore}, {Code: "300-R0001", CompanyName: dbtest.TikTokStore}},
	}
	acc := sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: "AKIDUI", SecretKey: "ui-secret", Seed: seed})
	url, stop, err := acc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	d := f.DB
	if err := d.SetSQLAccConfig(ctx, domain.SQLAccConfig{URL: url, AccessKey: "AKIDUI", SecretKey: "ui-secret",
		Region: sqlaccount.DefaultRegion, Service: sqlaccount.DefaultService}); err != nil {
		t.Fatal(err)
	}
	if err := (sqlaccount.Desk{DB: d}).Pull(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for p, code := range map[domain.Platform]string{domain.Lazada: "300-K0001", domain.Shopee: "300-B0001"} {
		if err := d.SetStoreCodes(ctx, domain.StoreCodes{StoreID: f.Stores[p].ID, Customer: code, Voucher: "VOUCHER", Shipping: "SHIPPING"}); err != nil {
			t.Fatal(err)
		}
	}
	// The TikTok store has no codes yet: its orders fail with the reason.
	if err := d.SetMapping(ctx, domain.Mapping{SKU: "TDG-CHF-BLK", Lines: []domain.MapLine{{StockCode: "TDG-CHF-BLK", UOM: "UNIT", Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	return acc
}

// confirm presses the focused button of the dialog on show (Enter), as a person at the keyboard.
func (h *harness) confirm() {
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// Post Order on Shipped: refused without a selection; with it, asks, posts off the UI goroutine,
// lights green, and the posted order moves to the Archived list.
func TestPostOrderPostsTheSelection(t *testing.T) {
	f := dbtest.New(t, 0)
	acc := withBooks(t, f)
	h := open(t, f)
	h.Posting = sqlaccount.Desk{DB: f.DB}
	h.showTab(domain.TabShipped)
	if h.actionButtons[domain.ActPost].Hidden {
		t.Fatal("no Post Order on Shipped")
	}
	h.PostOrders()
	h.settle()
	if !h.errLabel.Visible() || !strings.Contains(h.errLabel.Text, "select the orders to post first") {
		t.Fatalf("without a selection: %q", h.errLabel.Text)
	}
	h.SelectAllInTab()
	h.PostOrders()
	h.settle()
	h.confirm()
	h.settle()
	if h.PostingBusy() || h.PostingLight() != postDone || h.PostingWords() != "1 order posted" {
		t.Fatalf("light %v %q, busy %v", h.PostingLight(), h.PostingWords(), h.PostingBusy())
	}
	if _, ok := acc.InvoiceByDocNo("241101AAAA0003"); !ok {
		t.Fatal("no invoice for the shipped order")
	}
	if rows := h.showTab(domain.TabShipped); len(rows) != 0 {
		t.Fatalf("Shipped still lists %d orders", len(rows))
	}
	h.archived.SetChecked(true)
	h.settle()
	if got := h.orderNos(); len(got) != 1 || got[0] != "241101AAAA0003" {
		t.Fatalf("Archived on Shipped: %v", got)
	}
}

// Post All posts every unposted order of the tab; a failure lights red and the history says why.
func TestPostAllFailureShowsInHistory(t *testing.T) {
	f := dbtest.New(t, 0)
	acc := withBooks(t, f)
	if err := f.DB.SetPostSettings(context.Background(), domain.PostSettings{Mode: domain.PostAll}); err != nil {
		t.Fatal(err)
	}
	h := open(t, f)
	h.Posting = sqlaccount.Desk{DB: f.DB}
	h.showTab(domain.TabDelivered) // the TikTok order: its store has no customer code
	h.PostOrders()
	h.settle()
	h.confirm()
	h.settle()
	if h.PostingLight() != postFailure || h.PostingWords() != "0 posted, 1 failed" {
		t.Fatalf("light %v %q", h.PostingLight(), h.PostingWords())
	}
	if len(acc.Invoices()) != 0 {
		t.Fatal("a failed order reached SQL Account")
	}
	h.ShowPostHistory()
	h.settle()
	hist := h.PostHistory()
	if hist == nil || len(hist.Attempts) != 1 || hist.Attempts[0].State != domain.PostFailed ||
		!strings.Contains(hist.Attempts[0].Message, "customer code") {
		t.Fatalf("history: %+v", hist)
	}
	// Fixed, then reposted from the history.
	if err := f.DB.SetStoreCodes(context.Background(), domain.StoreCodes{StoreID: f.Stores[domain.TikTok].ID, Customer: "300-R0001",
		Voucher: "VOUCHER", Shipping: "SHIPPING"}); err != nil {
		t.Fatal(err)
	}
	hist.Repost.OnTapped()
	h.settle()
	h.confirm()
	h.settle()
	if h.PostingLight() != postDone || len(acc.Invoices()) != 1 {
		t.Fatalf("after the repost: light %v %q, %d invoices", h.PostingLight(), h.PostingWords(), len(acc.Invoices()))
	}
}
