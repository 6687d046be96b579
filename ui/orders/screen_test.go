package orders

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

type harness struct {
	*Screen
	f   *dbtest.Fixture
	run *widgets.Runner
	win fyne.Window
}

func open(t *testing.T, f *dbtest.Fixture) *harness {
	t.Helper()
	test.NewTempApp(t)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	run := &widgets.Runner{Manual: true}
	s := New(f.DB, f.DB, engine.New(f.DB, engine.Options{}), f.DB, win, run)
	win.SetContent(s.Content())
	win.Resize(fyne.NewSize(1280, 800))
	s.Start()
	run.Wait()
	return &harness{Screen: s, f: f, run: run, win: win}
}

func newHarness(t *testing.T, extra int) *harness { return open(t, dbtest.New(t, extra)) }

// settle applies every load, including the loads the table starts while it draws.
func (h *harness) settle() { h.run.Wait() }

// showTab opens a tab and returns the rows it shows.
func (h *harness) showTab(tab domain.Tab) []domain.OrderRow {
	h.SetTab(tab)
	h.settle()
	return h.LoadedRows()
}

func (h *harness) orderNos() []string {
	var out []string
	for _, r := range h.LoadedRows() {
		out = append(out, r.OrderNo)
	}
	return out
}

func TestTabsShowTheirCountsAndRows(t *testing.T) {
	h := newHarness(t, 0)
	for _, tab := range domain.Tabs {
		if got := h.Counts()[tab]; got != h.f.Tabs[tab] {
			t.Errorf("%s counts %d, want %d", tab.Title(), got, h.f.Tabs[tab])
		}
		if label := h.tabButtons[tab].Text; !strings.HasPrefix(label, tab.Title()) || !strings.HasSuffix(label, " "+itoa(h.f.Tabs[tab])) {
			t.Errorf("%s button says %q", tab.Title(), label)
		}
	}
	for _, tab := range domain.Tabs {
		test.Tap(h.tabButtons[tab])
		h.settle()
		if h.Tab() != tab {
			t.Fatalf("tapping %s shows %s", tab.Title(), h.Tab().Title())
		}
		rows := h.LoadedRows()
		if len(rows) != h.f.Tabs[tab] {
			t.Errorf("%s shows %d rows, want %d", tab.Title(), len(rows), h.f.Tabs[tab])
		}
		for _, r := range rows {
			if r.Tab != tab {
				t.Errorf("%s shows order %s of %s", tab.Title(), r.OrderNo, r.Tab.Title())
			}
		}
		if len(rows) > 0 && !slices.Contains(uitest.DrawnText(h.win.Canvas()), rows[0].OrderNo) {
			t.Errorf("%s: the first order %s is not drawn", tab.Title(), rows[0].OrderNo)
		}
		if h.tabButtons[tab].Importance != widget.HighImportance {
			t.Errorf("%s button is not highlighted", tab.Title())
		}
	}
}

func itoa(n int) string { return widgets.Thousands(n) }

func TestNewestFirstAndSort(t *testing.T) {
	h := newHarness(t, 0)
	rows := h.showTab(domain.TabNew)
	if !slices.IsSortedFunc(rows, func(a, b domain.OrderRow) int { return b.CreatedAt.Compare(a.CreatedAt) }) {
		t.Errorf("not newest first: %v", h.orderNos())
	}
	h.sortSel.SetSelected("Created, oldest first")
	h.settle()
	rows = h.LoadedRows()
	if !slices.IsSortedFunc(rows, func(a, b domain.OrderRow) int { return a.CreatedAt.Compare(b.CreatedAt) }) || len(rows) != h.f.Tabs[domain.TabNew] {
		t.Errorf("not oldest first: %v", h.orderNos())
	}
}

func TestSearchByLastDigitsTrackingAndStore(t *testing.T) {
	h := newHarness(t, 0)
	h.SetTab(domain.TabNew)
	// "23" finds Lazada 500000000000023, which is on New Order.
	test.Type(h.search, "23")
	h.settle()
	if got := h.orderNos(); len(got) != 1 || got[0] != dbtest.LazadaNew {
		t.Errorf("search 23 on New Order: %v", got)
	}
	// Down goes from the search box into the results; Enter opens the order.
	h.win.Canvas().Focus(h.search)
	h.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if h.win.Canvas().Focused() != h.table || h.table.Current() != 0 {
		t.Fatalf("Down from search: focus %T, current row %d", h.win.Canvas().Focused(), h.table.Current())
	}
	h.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if !h.detail.Visible() || h.detail.Order().OrderNo != dbtest.LazadaNew {
		t.Fatalf("Enter after search did not open %s", dbtest.LazadaNew)
	}
	h.detail.Back()
	// A tracking number whose order is on another tab takes the list there.
	h.search.SetText(dbtest.ShopeeTracking)
	h.search.OnSubmitted(h.search.Text)
	h.settle()
	if h.Tab() != domain.TabToShip || !slices.Equal(h.orderNos(), []string{dbtest.ShopeeToShip}) {
		t.Errorf("tracking search: tab %s rows %v", h.Tab().Title(), h.orderNos())
	}
	if h.Counts()[domain.TabToShip] != 1 || h.Counts()[domain.TabNew] != 0 {
		t.Errorf("counts follow the search: %v", h.Counts())
	}
	// Package id.
	h.search.SetText("FP0000000003")
	h.search.OnSubmitted(h.search.Text)
	h.settle()
	if got := h.orderNos(); !slices.Equal(got, []string{dbtest.LazadaToShip}) {
		t.Errorf("package id search: %v", got)
	}
	// Store name: every order of the store, on its tabs.
	h.search.SetText("butik ayu")
	h.search.OnSubmitted(h.search.Text)
	h.settle()
	total := 0
	for _, n := range h.Counts() {
		total += n
	}
	if total != 7 {
		t.Errorf("store name search counts %d orders, want the store's 7: %v", total, h.Counts())
	}
	h.ClearFilters()
	h.settle()
	if h.Counts()[domain.TabNew] != h.f.Tabs[domain.TabNew] {
		t.Errorf("clear filters: %v", h.Counts())
	}
}

func TestPlatformStoreAndDateFilters(t *testing.T) {
	h := newHarness(t, 0)
	h.platform.SetSelected(domain.TikTok.Title())
	h.settle()
	if h.Counts()[domain.TabNew] != 1 || h.Counts()[domain.TabToShip] != 0 || h.Counts()[domain.TabOthers] != 1 {
		t.Errorf("TikTok counts %v", h.Counts())
	}
	if !slices.Equal(h.store.Options, []string{allStores, dbtest.TikTokStore}) {
		t.Errorf("store choices under TikTok: %v", h.store.Options)
	}
	h.platform.SetSelected(allPlatforms)
	h.store.SetSelected(dbtest.LazadaStore)
	h.settle()
	h.SetTab(domain.TabToProcess)
	h.settle()
	if got := h.orderNos(); !slices.Equal(got, []string{dbtest.LazadaCancelled}) {
		t.Errorf("Lazada store on To Process: %v", got)
	}
	h.ClearFilters()
	// The fixture's orders are an hour apart from T0: a one-day range in local time.
	day := dbtest.T0.Local()
	h.from.SetDate(&day)
	h.to.SetDate(&day)
	h.settle()
	want := domain.OrderQuery{From: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.Local),
		To: time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, time.Local)}
	counts, _ := h.f.DB.TabCounts(context.Background(), want)
	if !mapsEqual(h.Counts(), counts) {
		t.Errorf("date range counts %v, want %v", h.Counts(), counts)
	}
	// A range that ends before it starts is refused and changes nothing.
	before := h.Query()
	earlier := day.AddDate(0, 0, -3)
	h.to.SetDate(&earlier)
	h.settle()
	if !h.errLabel.Visible() || !strings.Contains(h.errLabel.Text, "ends before it starts") || !h.Query().To.Equal(before.To) {
		t.Errorf("backwards range: error %q, query %+v", h.errLabel.Text, h.Query())
	}
}

func mapsEqual(a, b map[domain.Tab]int) bool {
	for _, t := range domain.Tabs {
		if a[t] != b[t] {
			return false
		}
	}
	return true
}

func TestColumnChoiceIsRemembered(t *testing.T) {
	f := dbtest.New(t, 0)
	h := open(t, f)
	if slices.Contains(h.VisibleColumns(), "updated") || !slices.Contains(h.VisibleColumns(), "tracking") && !slices.Contains(h.VisibleColumns(), "shipping") {
		t.Errorf("default columns %v", h.VisibleColumns())
	}
	h.SetColumns([]string{"store", "total", "updated"})
	h.settle()
	want := []string{widgets.ColSelect, widgets.ColOpen, "order", "store", "updated", "total"}
	if !slices.Equal(h.VisibleColumns(), want) {
		t.Fatalf("after toggle %v, want %v", h.VisibleColumns(), want)
	}
	// A new window over the same file: the choice is still there.
	h2 := open(t, f)
	if !slices.Equal(h2.VisibleColumns(), want) {
		t.Errorf("after restart %v, want %v", h2.VisibleColumns(), want)
	}
	// And it survives closing and reopening the file itself.
	f.DB.Close()
	d, err := db.Open(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	v, _ := d.Setting(context.Background(), prefColumns, "")
	if v != "store,total,updated" {
		t.Errorf("stored columns %q", v)
	}
}

func TestSelectionAndSelectAll(t *testing.T) {
	h := newHarness(t, 250)
	rows := h.showTab(domain.TabNew)
	h.table.OnToggle(0, rows[0])
	h.table.OnToggle(1, rows[1])
	ids, _ := h.Selected(context.Background())
	if len(ids) != 2 || h.selInfo.Text != "2 selected" {
		t.Errorf("two checked: %v %q", ids, h.selInfo.Text)
	}
	h.selectAll.SetChecked(true)
	h.settle()
	total := h.f.Tabs[domain.TabNew]
	ids, _ = h.Selected(context.Background())
	if len(ids) != total || !strings.Contains(h.selInfo.Text, itoa(total)) {
		t.Errorf("select all: %d ids, %q; want %d", len(ids), h.selInfo.Text, total)
	}
	h.table.OnToggle(0, rows[0]) // uncheck one of all
	ids, _ = h.Selected(context.Background())
	if len(ids) != total-1 || slices.Contains(ids, rows[0].ID) {
		t.Errorf("all but one: %d ids", len(ids))
	}
	h.SetTab(domain.TabToShip)
	h.settle()
	if ids, _ := h.Selected(context.Background()); len(ids) != 0 || h.selectAll.Checked {
		t.Errorf("selection survived a tab change: %v", ids)
	}
}

// The table holds only what is on screen: a tab of hundreds of orders loads one page at first,
// and a jump to the end loads the end, not everything in between.
func TestTableIsVirtualised(t *testing.T) {
	h := newHarness(t, 450)
	h.SetTab(domain.TabNew)
	h.settle()
	if n := len(h.pages.loaded); n != 1 {
		t.Errorf("%d pages loaded at first, want 1", n)
	}
	total := h.f.Tabs[domain.TabNew]
	if rows, _ := h.table.Length(); rows != total {
		t.Errorf("table length %d, want %d", rows, total)
	}
	h.table.ScrollToBottom()
	h.settle()
	last := (total - 1) / pageSize
	if _, ok := h.pages.loaded[last]; !ok {
		t.Fatalf("jump to the end did not load the last page; loaded %v", keys(h.pages.loaded))
	}
	if len(h.pages.loaded) > 3 {
		t.Errorf("loaded %v pages for a jump to the end", keys(h.pages.loaded))
	}
	// The rows at the end are the oldest and agree with the database.
	ids, _ := h.f.DB.OrderIDs(context.Background(), h.Query())
	r, ok := h.pages.row(total - 1)
	if !ok || r.ID != ids[total-1] {
		t.Errorf("last row %v, want id %d", r.ID, ids[total-1])
	}
}

func keys(m map[int][]domain.OrderRow) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestOpenDetailShowsSectionsAndCancelBadge(t *testing.T) {
	h := newHarness(t, 0)
	h.SetTab(domain.TabToProcess)
	h.settle()
	var row int = -1
	for i, r := range h.LoadedRows() {
		if r.OrderNo == dbtest.LazadaCancelled {
			row = i
			if text, _ := widgets.RowBadge(r); text != "Items cancelled" {
				t.Errorf("row badge %q", text)
			}
		}
	}
	if row < 0 {
		t.Fatalf("order not on To Process: %v", h.orderNos())
	}
	// Keyboard: go down to the row and press Enter.
	h.win.Canvas().Focus(h.table)
	for range row + 1 {
		h.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	}
	h.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if !h.detail.Visible() || h.list.Visible() {
		t.Fatal("Enter did not open the detail")
	}
	o := h.detail.Order()
	if o.OrderNo != dbtest.LazadaCancelled {
		t.Fatalf("opened %s", o.OrderNo)
	}
	texts := uitest.DrawnText(h.win.Canvas())
	for _, want := range []string{"Order Details", "Payment Details", "Shipment Details", "Voucher Details",
		"Package FP0000000001", "LEX MY · Tracking MYMPA0000001", "Not packed yet",
		"Cancelled: " + dbtest.CancelReason + " (by seller)", "SHOP-lazada"} {
		if !containsText(texts, want) {
			t.Errorf("detail does not show %q", want)
		}
	}
	if n := countBadges(h, h.detail.Content(), "Cancelled: "+dbtest.CancelReason+" (by seller)", widgets.BadgeRed); n != 1 {
		t.Errorf("%d red cancel badges, want 1", n)
	}
	// Escape goes back to the list, where it was.
	h.detail.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.detail.Visible() || !h.list.Visible() || h.Tab() != domain.TabToProcess {
		t.Error("Escape did not return to the list")
	}
}

func TestDoubleTapAndDocumentIconOpen(t *testing.T) {
	h := newHarness(t, 0)
	h.SetTab(domain.TabNew)
	h.settle()
	h.table.OnSelected(widget.TableCellID{Row: 0, Col: 3})
	if h.detail.Visible() {
		t.Fatal("a single tap opened the order")
	}
	h.table.OnSelected(widget.TableCellID{Row: 0, Col: 3})
	h.settle()
	if !h.detail.Visible() || h.detail.Order().OrderNo != h.LoadedRows()[0].OrderNo {
		t.Fatal("a double tap did not open the order")
	}
	h.detail.Back()
	h.table.OnSelected(widget.TableCellID{Row: 1, Col: 1}) // the document icon
	h.settle()
	if !h.detail.Visible() || h.detail.Order().OrderNo != h.LoadedRows()[1].OrderNo {
		t.Fatal("the document icon did not open the order")
	}
	h.detail.Back()
	h.table.OnSelected(widget.TableCellID{Row: 2, Col: 0}) // the checkbox
	if ids, _ := h.Selected(context.Background()); len(ids) != 1 || ids[0] != h.LoadedRows()[2].ID {
		t.Errorf("checkbox tap selected %v", ids)
	}
}

func TestDetailPreviousNextAndFind(t *testing.T) {
	h := newHarness(t, 0)
	rows := h.showTab(domain.TabNew)
	h.Open(rows[0].ID)
	h.settle()
	if h.detail.CanPrevious() || !h.detail.CanNext() {
		t.Error("first order: previous should be off, next on")
	}
	h.detail.Next()
	h.settle()
	if h.detail.Order().ID != rows[1].ID {
		t.Errorf("next opened %s, want %s", h.detail.Order().OrderNo, rows[1].OrderNo)
	}
	h.detail.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp})
	h.settle()
	if h.detail.Order().ID != rows[0].ID {
		t.Errorf("Page Up opened %s", h.detail.Order().OrderNo)
	}
	// Find another order by its last digits, from any tab.
	test.Type(h.detail.FindEntry(), "0009")
	h.detail.FindEntry().OnSubmitted(h.detail.FindEntry().Text)
	h.settle()
	// Two orders end in 0009: the seller chooses.
	menu := h.detail.Matches()
	if menu == nil || !menu.Visible() || len(menu.Items) != 2 {
		t.Fatalf("find 0009 offered %v", menu)
	}
	// The newest match comes first: the TikTok order. Down, Enter.
	menu.ActivateNext()
	menu.TriggerLast()
	h.settle()
	if got := h.detail.Order().OrderNo; got != dbtest.TikTokOthers {
		t.Errorf("choosing the first match opened %s", got)
	}
	h.detail.Find(dbtest.ShopeeTracking)
	h.settle()
	if got := h.detail.Order().OrderNo; got != dbtest.ShopeeToShip {
		t.Errorf("find by tracking opened %s", got)
	}
	h.detail.Find("no-such-order")
	h.settle()
	if !strings.Contains(h.detail.Message(), "No order matches") || h.detail.Order().OrderNo != dbtest.ShopeeToShip {
		t.Errorf("unknown order: %q, still on %s", h.detail.Message(), h.detail.Order().OrderNo)
	}
}

func TestDataChangedReloadsCounts(t *testing.T) {
	h := newHarness(t, 0)
	ctx := context.Background()
	before := h.Counts()[domain.TabToShip]
	id := h.f.ID(t, "241101AAAA0001") // a Shopee order on New Order; mark its goods ready
	o, _ := h.f.DB.Order(ctx, id)
	o.Status = domain.SpProcessed
	if err := h.f.DB.SaveOrders(ctx, []domain.Order{o}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if err := h.f.DB.SetStage(ctx, id, domain.StageReady, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	h.DataChanged()
	h.settle()
	if h.Counts()[domain.TabToShip] != before+1 || h.Counts()[domain.TabNew] != h.f.Tabs[domain.TabNew]-1 {
		t.Errorf("counts after change: %v", h.Counts())
	}
}

func containsText(texts []string, want string) bool {
	for _, t := range texts {
		if strings.Contains(t, want) {
			return true
		}
	}
	return false
}

// countBadges counts the badges in the tree that say text on the given colour.
func countBadges(h *harness, o fyne.CanvasObject, text string, bg any) int {
	n := 0
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widgets.Badge:
			if x.Visible() && x.Text() == text && x.Colour() == bg && slices.Contains(uitest.DrawnText(h.win.Canvas()), text) {
				n++
			}
			return
		case *fyne.Container:
			for _, child := range x.Objects {
				walk(child)
			}
		case *widget.Card:
			if x.Content != nil {
				walk(x.Content)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(x).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return n
}
