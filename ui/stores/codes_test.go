package stores

import (
	"context"
	"fyne.io/fyne/v2"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/ui/uitest"
)

// A store's SQL Account codes are chosen from what was synced: before a sync the dialog says to
// sync first; after it, the choices are saved; a kept code that SQL Account no longer has is
// refused in the dialog and nothing changes.
func TestStoreCodes(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	shop := h.sim.AddShop(domain.Shopee, "Butik Ayu", "MY")
	access, refresh, expires := h.sim.Grant(domain.Shopee, shop.ID)
	app := h.sim.App(domain.Shopee)
	st, err := h.d.LinkStore(ctx, domain.Store{Platform: domain.Shopee, Name: "Butik Ayu Shopee", Region: "MY", ShopID: shop.ID},
		db.Link{BaseURL: h.srv.URL + "/shopee", AppKey: app.Key},
		db.Secrets{AppSecret: app.Secret, Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: expires}}, 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.Reload()
	h.run.Wait()
	if uitest.Tap(h.win.Canvas(), "Codes…") {
		t.Fatal("a Codes… button without a code book")
	}
	h.UseCodes(h.d)
	h.Reload()
	h.run.Wait()

	// Nothing synced yet.
	if !uitest.Tap(h.win.Canvas(), "Codes…") {
		t.Fatal("no Codes… button on the store's row")
	}
	h.run.Wait()
	if c := h.Codes(); c == nil || !c.Empty {
		t.Fatal("before a sync the dialog offers codes")
	}
	if texts := strings.Join(uitest.DrawnText(h.win.Canvas()), "|"); !strings.Contains(texts, "Sync from SQL Account") {
		t.Errorf("the empty dialog does not say to sync first: %s", texts)
	}
	uitest.Tap(h.win.Canvas(), "Close")

	// Synced lists, as Sync from SQL Account leaves them.
	replace := func(kind domain.CodeKind, codes ...domain.AccountCode) {
		t.Helper()
		if err := h.d.ReplaceCodes(ctx, kind, codes); err != nil {
			t.Fatal(err)
		}
	}
	replace(domain.CodeCustomer, domain.AccountCode{Kind: domain.CodeCustomer, Code: "300-B0001", Description: "Butik Ayu Shopee"},
		domain.AccountCode{Kind: domain.CodeCustomer, Code: "300-K0001", Description: "Kedai Cantik Lazada"})
	replace(domain.CodeLocation, domain.AccountCode{Kind: domain.CodeLocation, Code: "ECOM", Description: "E-Commerce Stock"})
	replace(domain.CodeProject, domain.AccountCode{Kind: domain.CodeProject, Code: "SHOPEE", Description: "Shopee"})
	replace(domain.CodePayment, domain.AccountCode{Kind: domain.CodePayment, Code: "SHOPEEPAY", Description: "Shopee payout"})
	items := []domain.StockItem{
		{Code: "TDG-CHF", Description: "Tudung Bawal Chiffon", Active: true, StockControl: true, UOMs: []domain.StockUOM{{UOM: "PCS", Rate: 1, Base: true}}},
		{Code: "VOUCHER", Description: "Seller voucher", Active: true, UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
		{Code: "DISC", Description: "Discount", Active: true, UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
		{Code: "SHIP", Description: "Shipping fee", Active: true, UOMs: []domain.StockUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
	}
	if err := h.d.ReplaceStockItems(ctx, items, time.Now()); err != nil {
		t.Fatal(err)
	}

	uitest.Tap(h.win.Canvas(), "Codes…")
	h.run.Wait()
	c := h.Codes()
	if c.Empty || c.Customer.Selected != noCode {
		t.Fatalf("a store without codes: empty %v, customer %q", c.Empty, c.Customer.Selected)
	}
	if len(c.Voucher.Options) != 5 || !strings.HasPrefix(c.Voucher.Options[1], "DISC") || !strings.HasPrefix(c.Voucher.Options[4], "TDG-CHF") {
		t.Errorf("item choices, non-stock first: %v", c.Voucher.Options)
	}
	choose := []struct {
		name string
		ok   bool
	}{
		{"customer", c.Choose(c.Customer, "300-B0001")}, {"location", c.Choose(c.Location, "ECOM")},
		{"project", c.Choose(c.Project, "SHOPEE")}, {"voucher", c.Choose(c.Voucher, "VOUCHER")},
		{"discount", c.Choose(c.Discount, "DISC")}, {"shipping", c.Choose(c.Shipping, "SHIP")},
		{"payment", c.Choose(c.Payment, "SHOPEEPAY")},
	}
	for _, x := range choose {
		if !x.ok {
			t.Errorf("the %s choice is not offered", x.name)
		}
	}
	test.Tap(c.Save)
	h.run.Wait()
	want := domain.StoreCodes{StoreID: st.ID, Customer: "300-B0001", Location: "ECOM", Project: "SHOPEE", Voucher: "VOUCHER",
		Discount: "DISC", Shipping: "SHIP", Payment: "SHOPEEPAY"}
	if got, err := h.d.StoreCodes(ctx, st.ID); err != nil || got != want {
		t.Fatalf("saved %+v (%v), want %+v", got, err, want)
	}

	// Opened again, it shows them; SQL Account dropped the customer since: the kept code is
	// shown as such, and saving it is refused in the dialog.
	replace(domain.CodeCustomer, domain.AccountCode{Kind: domain.CodeCustomer, Code: "300-K0001", Description: "Kedai Cantik Lazada"})
	uitest.Tap(h.win.Canvas(), "Codes…")
	h.run.Wait()
	c = h.Codes()
	if c.Chosen(c.Customer) != "300-B0001" || !strings.Contains(c.Customer.Selected, "not in SQL Account") || c.Chosen(c.Shipping) != "SHIP" {
		t.Fatalf("reopened: customer %q, shipping %q", c.Customer.Selected, c.Chosen(c.Shipping))
	}
	c.Choose(c.Fee, "SHIP")
	test.Tap(c.Save)
	h.run.Wait()
	if !c.Message.Visible() || !strings.HasPrefix(c.Message.Text, "Not saved: ") || !strings.Contains(c.Message.Text, "300-B0001") {
		t.Errorf("the refusal reads %q", c.Message.Text)
	}
	if got, _ := h.d.StoreCodes(ctx, st.ID); got != want {
		t.Errorf("a refused save changed the codes to %+v", got)
	}
	if texts := strings.Join(uitest.DrawnText(h.win.Canvas()), "|"); !strings.Contains(texts, "Not saved") {
		t.Error("the refusal is not drawn in the dialog")
	}

	// Escape closes the dialog even while one of its lists has the keyboard, and keeps nothing.
	h.win.Canvas().Focus(c.Fee)
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	h.run.Wait()
	if h.win.Canvas().Overlays().Top() != nil {
		t.Error("Escape from a list left the codes dialog open")
	}
	if got, _ := h.d.StoreCodes(ctx, st.ID); got != want {
		t.Errorf("closing with Escape changed the codes to %+v", got)
	}
}
