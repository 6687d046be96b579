package widgets

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/uitest"
)

func sampleRows(n int) []domain.OrderRow {
	var rows []domain.OrderRow
	for i := range n {
		rows = append(rows, domain.OrderRow{
			ID: int64(i + 1), OrderNo: fmt.Sprintf("ORD-%04d", i), StoreName: "Butik Ayu Shopee", Platform: domain.Shopee,
			Tab: domain.TabNew, Status: "READY_TO_SHIP", Units: 2, FirstItem: "Tudung Bawal",
			Total: domain.Money{Minor: 5990, Currency: "MYR"}, CreatedAt: time.Date(2026, 11, 11, 4, 0, 0, 0, time.UTC),
			Provider: "Shopee Xpress", TrackingNo: "SPXMY01", Flags: domain.RowFlags{CancelRequested: i == 0},
		})
	}
	return rows
}

func TestTableDrawsItsRows(t *testing.T) {
	test.NewTempApp(t)
	rows := sampleRows(200)
	loaded := 50 // rows past this are "still loading"
	tbl := NewOrderTable(OrderColumns())
	tbl.Count = func() int { return len(rows) }
	tbl.Row = func(i int) (domain.OrderRow, bool) {
		if i >= loaded {
			return domain.OrderRow{}, false
		}
		return rows[i], true
	}
	w := test.NewWindow(tbl)
	defer w.Close()
	w.Resize(fyne.NewSize(1400, 600))
	tbl.Refresh()

	texts := uitest.DrawnText(w.Canvas())
	for _, want := range []string{"Order No.", "ORD-0000", "ORD-0005", "Butik Ayu Shopee", "Shopee", "2 × Tudung Bawal",
		"RM 59.90", "Ready to ship", "Shopee Xpress · SPXMY01", "Cancel requested"} {
		if !slices.Contains(texts, want) {
			t.Errorf("the table does not draw %q", want)
		}
	}
	if slices.Contains(texts, "ORD-0150") {
		t.Error("the table drew a row far off screen")
	}
	tbl.ScrollToBottom()
	texts = uitest.DrawnText(w.Canvas())
	if !slices.Contains(texts, "Loading…") {
		t.Errorf("rows not yet loaded should say so; drawn: %v", texts[:min(20, len(texts))])
	}
}

func TestTableColumnsAndKeys(t *testing.T) {
	test.NewTempApp(t)
	rows := sampleRows(30)
	tbl := NewOrderTable(OrderColumns())
	tbl.Count = func() int { return len(rows) }
	tbl.Row = func(i int) (domain.OrderRow, bool) { return rows[i], true }
	checked := map[int64]bool{}
	tbl.IsChecked = func(r domain.OrderRow) bool { return checked[r.ID] }
	tbl.OnToggle = func(_ int, r domain.OrderRow) { checked[r.ID] = !checked[r.ID] }
	var opened []string
	tbl.OnOpen = func(_ int, r domain.OrderRow) { opened = append(opened, r.OrderNo) }
	w := test.NewWindow(tbl)
	defer w.Close()
	w.Resize(fyne.NewSize(1400, 600))

	tbl.SetVisible(map[string]bool{"store": true, "total": true})
	if got := tbl.VisibleIDs(); !slices.Equal(got, []string{ColSelect, ColOpen, "order", "store", "total"}) {
		t.Errorf("visible %v", got)
	}
	texts := uitest.DrawnText(w.Canvas())
	if slices.Contains(texts, "Platform Status") || !slices.Contains(texts, "Total") {
		t.Errorf("hidden columns drawn or shown ones missing: %v", texts[:min(10, len(texts))])
	}

	keys := []struct {
		key  fyne.KeyName
		want int
	}{
		{fyne.KeyDown, 0}, {fyne.KeyDown, 1}, {fyne.KeyDown, 2}, {fyne.KeyUp, 1},
		{fyne.KeyEnd, 29}, {fyne.KeyHome, 0}, {fyne.KeyPageDown, -1},
	}
	for _, k := range keys {
		tbl.TypedKey(&fyne.KeyEvent{Name: k.key})
		if k.want >= 0 && tbl.Current() != k.want {
			t.Errorf("after %s the current row is %d, want %d", k.key, tbl.Current(), k.want)
		}
	}
	if tbl.Current() <= 0 {
		t.Errorf("Page Down did not move: %d", tbl.Current())
	}
	tbl.TypedKey(&fyne.KeyEvent{Name: fyne.KeyHome})
	tbl.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	tbl.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !checked[1] || !slices.Equal(opened, []string{"ORD-0000"}) {
		t.Errorf("space/enter: checked %v opened %v", checked, opened)
	}
	// A tap on a cell makes its row current; a second tap on the same row opens it.
	tbl.OnSelected(widget.TableCellID{Row: 4, Col: 2})
	if tbl.Current() != 4 || len(opened) != 1 {
		t.Errorf("one tap: current %d opened %v", tbl.Current(), opened)
	}
	tbl.OnSelected(widget.TableCellID{Row: 4, Col: 3})
	if !slices.Equal(opened, []string{"ORD-0000", "ORD-0004"}) {
		t.Errorf("double tap opened %v", opened)
	}
}

func TestButtonTakesEnter(t *testing.T) {
	test.NewTempApp(t)
	n := 0
	b := NewButton("Go", func() { n++ })
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace, fyne.KeyA} {
		b.TypedKey(&fyne.KeyEvent{Name: k})
	}
	b.Disable()
	b.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n != 3 {
		t.Errorf("pressed %d times, want 3 (Return, Enter, Space; not A, not while disabled)", n)
	}
}
