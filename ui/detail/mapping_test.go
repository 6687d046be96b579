package detail

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/ui/mapping"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Each order item has a button that maps its SKU: it says what the pointer would do, opens the
// map dialog for that SKU, and shows the stock code once the order is shown again.
func TestItemMappingButton(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	ctx := context.Background()
	stock := []domain.StockItem{{Code: "TDG-CHF", Description: "Tudung Bawal Chiffon", Active: true, StockControl: true,
		UOMs: []domain.StockUOM{{UOM: "PCS", Rate: 1, Base: true}}}}
	if err := f.DB.ReplaceStockItems(ctx, stock, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	win.Resize(fyne.NewSize(1280, 800))
	run := &widgets.Runner{Manual: true}
	v := New(f.DB, nil, win, run)
	win.SetContent(v.Content())
	v.Open(f.ID(t, dbtest.ShopeeToShip), domain.OrderQuery{Tab: domain.TabToShip})
	run.Wait()
	if _, ok := uitest.Find[*mapping.ItemButton](win.Canvas()); ok {
		t.Fatal("items have a mapping button before the view was given the mappings")
	}

	v.UseMapping(f.DB)
	v.Reload()
	run.Wait()
	b, ok := uitest.Find[*mapping.ItemButton](win.Canvas())
	if !ok {
		t.Fatal("the item has no mapping button")
	}
	if b.StockCode() != "" || b.Tip() != "" {
		t.Errorf("an unmapped item's button shows %q, hint %q", b.StockCode(), b.Tip())
	}
	b.MouseIn(&desktop.MouseEvent{})
	if texts := strings.Join(uitest.DrawnText(win.Canvas()), "|"); !strings.Contains(texts, mapping.MapTip) {
		t.Errorf("resting the pointer on the button does not draw %q: %s", mapping.MapTip, texts)
	}
	b.MouseOut()
	if texts := strings.Join(uitest.DrawnText(win.Canvas()), "|"); strings.Contains(texts, mapping.MapTip) {
		t.Error("the hint stays after the pointer left")
	}

	test.Tap(b)
	run.Wait()
	m := v.MapDialog()
	if m == nil {
		t.Fatal("the button opened no map dialog")
	}
	if texts := strings.Join(uitest.DrawnText(win.Canvas()), "|"); !strings.Contains(texts, "SKU TDG-CHF-BLK") || !strings.Contains(texts, "Tudung Bawal Chiffon · Black") {
		t.Errorf("the dialog does not name the item's SKU and product: %s", texts)
	}
	m.Search.SetText("tdg")
	run.Wait()
	m.Search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Tap(m.Map)
	run.Wait() // mapped, then the order read again

	if got, ok, _ := f.DB.Mapping(ctx, "TDG-CHF-BLK"); !ok || got.Lines[0].StockCode != "TDG-CHF" {
		t.Fatalf("mapped %+v %v", got, ok)
	}
	b, _ = uitest.Find[*mapping.ItemButton](win.Canvas())
	if b.StockCode() != "TDG-CHF" {
		t.Errorf("after mapping the button shows %q", b.StockCode())
	}
	if texts := strings.Join(uitest.DrawnText(win.Canvas()), "|"); !strings.Contains(texts, "TDG-CHF") {
		t.Errorf("the stock code is not drawn beside the item: %s", texts)
	}
}
