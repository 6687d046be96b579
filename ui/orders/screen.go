package orders

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/detail"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Source is what the Orders screen reads.
type Source interface {
	Stores(ctx context.Context) ([]domain.Store, error)
	TabCounts(ctx context.Context, q domain.OrderQuery) (map[domain.Tab]int, error)
	OrderPage(ctx context.Context, q domain.OrderQuery, after *domain.Cursor, limit int) ([]domain.OrderRow, error)
	OrderPageAt(ctx context.Context, q domain.OrderQuery, offset, limit int) ([]domain.OrderRow, error)
	OrderIDs(ctx context.Context, q domain.OrderQuery) ([]int64, error)
}

// Prefs remembers the seller's choices across restarts.
type Prefs = widgets.Prefs

// Setting keys.
const (
	prefColumns = "orders.columns"
	prefSort    = "orders.sort"
	prefTab     = "orders.tab"
)

var sortChoices = []struct {
	label string
	field domain.SortField
	asc   bool
}{
	{"Created, newest first", domain.SortCreated, false},
	{"Created, oldest first", domain.SortCreated, true},
	{"Updated, newest first", domain.SortUpdated, false},
	{"Updated, oldest first", domain.SortUpdated, true},
}

const allPlatforms, allStores = "All platforms", "All stores"

// Screen is the Orders screen.
type Screen struct {
	src     Source
	actions Actions
	prefs   Prefs
	win     fyne.Window
	run     *widgets.Runner

	q        domain.OrderQuery
	counts   map[domain.Tab]int
	stores   []domain.Store
	pages    *pages
	selected selection
	countGen int

	// widgets
	search     *widgets.KeyEntry
	platform   *widget.Select
	store      *widget.Select
	from, to   *widget.DateEntry
	sortSel    *widget.Select
	tabButtons map[domain.Tab]*widget.Button
	table      *widgets.OrderTable
	selectAll  *widget.Check
	selInfo    *widget.Label
	errLabel   *widget.Label
	list       fyne.CanvasObject
	detail     *detail.View
	root       *fyne.Container
	searchLate *widgets.Debouncer

	actionButtons  map[domain.Action]*widgets.Button
	job            *widgets.JobDialog
	shippingDialog dialog.Dialog
	confirmDialog  dialog.Dialog

	printDialog *widgets.PrintDialog

	posting  poster
	history  *History
	archived *widget.Check

	// Posting posts orders to SQL Account (nil: Post Order is not offered).
	Posting Posting

	// Printing makes and prints documents; Exporter writes Excel files (nil: not offered).
	Printing widgets.Printing
	Exporter Exporter

	// OnRowsShown is called each time loaded rows reach the table.
	OnRowsShown func()
}

// New builds the screen; call Start once the window is showing to load it.
func New(src Source, details detail.Source, actions Actions, prefs Prefs, win fyne.Window, run *widgets.Runner) *Screen {
	s := &Screen{src: src, actions: actions, prefs: prefs, win: win, run: run, pages: newPages(), counts: map[domain.Tab]int{}}
	s.selected.clear()
	s.q.Tab = domain.TabNew
	s.searchLate = run.Debouncer(250 * time.Millisecond)
	s.build()
	s.detail = detail.New(details, actions, win, run)
	s.detail.OnBack = s.closeDetail
	s.root = container.NewStack(s.list, s.detail.Content())
	s.detail.Content().Hide()
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.root }

// Title names the screen in the navigation.
func (s *Screen) Title() string { return "Orders" }

func (s *Screen) build() {
	s.search = widgets.NewKeyEntry()
	s.search.SetPlaceHolder("Search order no. (or its last digits), store, tracking no., package id")
	s.search.OnKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown: // into the results
			s.FocusList()
			return true
		case fyne.KeyEscape:
			if s.search.Text != "" {
				s.search.SetText("")
				s.applySearch()
			}
			s.FocusList()
			return true
		}
		return false
	}
	s.search.OnChanged = func(string) { s.searchLate.Call(s.applySearch) }
	s.search.OnSubmitted = func(string) { s.applySearch() }

	s.platform = widget.NewSelect(append([]string{allPlatforms}, platformTitles()...), func(v string) {
		p := domain.Platform("")
		for _, x := range domain.Platforms {
			if x.Title() == v {
				p = x
			}
		}
		if p == s.q.Platform {
			return
		}
		s.q.Platform = p
		s.q.StoreIDs = nil
		s.fillStores()
		s.filtersChanged()
	})
	s.platform.SetSelectedIndex(0)
	s.store = widget.NewSelect([]string{allStores}, func(v string) {
		var ids []int64
		for _, st := range s.stores {
			if st.Name == v {
				ids = []int64{st.ID}
			}
		}
		if fmt.Sprint(ids) == fmt.Sprint(s.q.StoreIDs) {
			return
		}
		s.q.StoreIDs = ids
		s.filtersChanged()
	})
	s.store.SetSelectedIndex(0)

	s.from, s.to = widget.NewDateEntry(), widget.NewDateEntry()
	s.from.SetPlaceHolder("Created from")
	s.to.SetPlaceHolder("Created to")
	s.from.OnChanged = func(d *time.Time) { s.setDates(d, s.to.Date) }
	s.to.OnChanged = func(d *time.Time) { s.setDates(s.from.Date, d) }

	var labels []string
	for _, c := range sortChoices {
		labels = append(labels, c.label)
	}
	s.sortSel = widget.NewSelect(labels, func(v string) {
		for _, c := range sortChoices {
			if c.label == v && (c.field != s.q.Sort || c.asc != s.q.Asc) {
				s.q.Sort, s.q.Asc = c.field, c.asc
				s.savePref(prefSort, v)
				s.filtersChanged()
			}
		}
	})
	s.sortSel.SetSelectedIndex(0)

	// Archived shows the posted orders (unchanged since they were posted) instead of the others.
	s.archived = widget.NewCheck("Archived", func(on bool) {
		if on != s.q.Archived {
			s.q.Archived = on
			s.filtersChanged()
		}
	})
	columns := widget.NewButtonWithIcon("Columns", theme.ListIcon(), nil)
	columns.OnTapped = func() { s.showColumns(columns) }
	clear := widget.NewButtonWithIcon("Clear filters", theme.ContentClearIcon(), s.ClearFilters)

	s.tabButtons = map[domain.Tab]*widget.Button{}
	var tabs []fyne.CanvasObject
	for _, t := range domain.Tabs {
		b := widget.NewButton(t.Title(), func() { s.SetTab(t) })
		s.tabButtons[t] = b
		tabs = append(tabs, b)
	}

	s.table = widgets.NewOrderTable(widgets.OrderColumns())
	s.table.Count = func() int { return s.counts[s.q.Tab] }
	s.table.Row = s.row
	s.table.IsChecked = func(r domain.OrderRow) bool { return s.selected.checked(r.ID) }
	s.table.OnToggle = func(_ int, r domain.OrderRow) {
		s.selected.toggle(r.ID)
		s.showSelection()
		s.table.Refresh()
	}
	s.table.OnOpen = func(_ int, r domain.OrderRow) { s.Open(r.ID) }

	s.selectAll = widget.NewCheck("Select all in this tab", func(on bool) {
		if on == s.selected.all {
			return
		}
		s.selected.all, s.selected.ids = on, map[int64]bool{}
		s.showSelection()
		s.table.Refresh()
	})
	s.selInfo = widget.NewLabel("")
	s.errLabel = widget.NewLabel("")
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Wrapping = fyne.TextWrapWord
	s.errLabel.Hide()

	dates := func(e *widget.DateEntry) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(170, e.MinSize().Height), e)
	}
	wide := func(o fyne.CanvasObject, w float32) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	search := container.NewBorder(nil, nil, nil, container.NewHBox(wide(s.platform, 160), wide(s.store, 220)), s.search)
	filters := container.NewBorder(nil, nil, container.NewHBox(dates(s.from), dates(s.to), wide(s.sortSel, 230)),
		container.NewHBox(s.archived, columns, clear))
	// The posting light sits on the left: its words change as it posts, and the buttons on the
	// right must not move under the pointer.
	selBar := container.NewBorder(nil, nil, container.NewHBox(s.selectAll, s.selInfo, s.postBar()), s.actionBar())
	s.list = container.NewBorder(
		container.NewVBox(container.NewHScroll(container.NewHBox(tabs...)), search, filters, s.errLabel, selBar),
		nil, nil, nil, s.table)
}

func platformTitles() []string {
	var out []string
	for _, p := range domain.Platforms {
		out = append(out, p.Title())
	}
	return out
}

// Start restores remembered settings and loads the first page.
func (s *Screen) Start() {
	s.showLastPosting()
	s.run.Go(func() func() {
		ctx := context.Background()
		cols, _ := s.prefs.Setting(ctx, prefColumns, "")
		sortLabel, _ := s.prefs.Setting(ctx, prefSort, "")
		tab, _ := s.prefs.Setting(ctx, prefTab, domain.TabNew.Slug())
		stores, err := s.src.Stores(ctx)
		return func() {
			if err != nil {
				s.showError(err)
			}
			s.stores = stores
			s.fillStores()
			s.table.SetVisible(parseColumns(cols))
			if sortLabel != "" {
				s.sortSel.SetSelected(sortLabel)
			}
			if t, err := domain.ParseTab(tab); err == nil {
				s.q.Tab = t
			}
			s.filtersChanged()
		}
	})
}

// parseColumns reads the remembered visible columns; "" means the defaults.
func parseColumns(v string) map[string]bool {
	ids := map[string]bool{}
	if v == "" {
		for _, c := range widgets.OrderColumns() {
			ids[c.ID] = c.ID != "updated"
		}
		return ids
	}
	for _, id := range strings.Split(v, ",") {
		ids[id] = true
	}
	return ids
}

func (s *Screen) savePref(key, value string) {
	s.run.Go(func() func() {
		if err := s.prefs.SetSetting(context.Background(), key, value); err != nil {
			return func() { s.showError(fmt.Errorf("remembering %s: %w", key, err)) }
		}
		return nil
	})
}

func (s *Screen) fillStores() {
	opts := []string{allStores}
	for _, st := range s.stores {
		if s.q.Platform == "" || st.Platform == s.q.Platform {
			opts = append(opts, st.Name)
		}
	}
	s.store.Options = opts
	s.store.SetSelectedIndex(0)
}

func (s *Screen) setDates(from, to *time.Time) {
	// The entries hold calendar days; the range covers whole days in the seller's zone.
	var f, t time.Time
	if from != nil {
		f = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.Local)
	}
	if to != nil {
		t = time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, time.Local)
	}
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		s.showError(fmt.Errorf("the date range ends before it starts"))
		return
	}
	if f.Equal(s.q.From) && t.Equal(s.q.To) {
		return
	}
	s.q.From, s.q.To = f, t
	s.filtersChanged()
}

func (s *Screen) applySearch() {
	text := strings.TrimSpace(s.search.Text)
	if text == s.q.Search {
		return
	}
	s.q.Search = text
	s.filtersChanged()
}

// SetTab shows another tab.
func (s *Screen) SetTab(t domain.Tab) {
	if t == s.q.Tab {
		return
	}
	s.q.Tab = t
	s.savePref(prefTab, t.Slug())
	s.selected.clear()
	s.listChanged()
}

// Tab is the tab on screen.
func (s *Screen) Tab() domain.Tab { return s.q.Tab }

// Query is what the list shows.
func (s *Screen) Query() domain.OrderQuery { return s.q }

// ClearFilters removes search, dates, platform and store filters.
func (s *Screen) ClearFilters() {
	s.search.SetText("")
	s.from.SetDate(nil)
	s.to.SetDate(nil)
	s.q.Search, s.q.From, s.q.To, s.q.Platform, s.q.StoreIDs = "", time.Time{}, time.Time{}, "", nil
	s.q.Archived = false
	s.archived.SetChecked(false)
	s.platform.SetSelectedIndex(0)
	s.fillStores()
	s.filtersChanged()
}

// FocusSearch puts the cursor in the search box.
func (s *Screen) FocusSearch() {
	s.closeDetail()
	s.win.Canvas().Focus(s.search)
}

// FocusList moves the keyboard to the order list, on its first row if none is current.
func (s *Screen) FocusList() {
	s.win.Canvas().Focus(s.table)
	if s.table.Current() < 0 && s.counts[s.q.Tab] > 0 {
		s.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyHome})
	}
}

// SelectAllInTab checks every order of the tab under the current filters.
func (s *Screen) SelectAllInTab() { s.selectAll.SetChecked(true) }

// filtersChanged: the counts of every tab and the list change.
func (s *Screen) filtersChanged() {
	s.selected.clear()
	s.loadCounts(true)
	s.listChanged()
}

// listChanged: the table shows a different list.
func (s *Screen) listChanged() {
	s.pages.reset()
	s.table.ResetCurrent()
	s.showTabs()
	s.showSelection()
	s.table.Refresh()
}

// DataChanged is called when orders changed underneath (sync, another window, the command line):
// reload counts and visible rows, keep the place in the list and the selection.
func (s *Screen) DataChanged() {
	if s.jobBusy() {
		// A bulk action is under way behind its dialog: the counts follow now, the rows when it
		// ends (its OnFinished), so the window keeps painting smoothly meanwhile.
		s.loadCounts(false)
		return
	}
	s.loadCounts(false)
	s.pages.reset()
	s.table.Refresh()
	if s.detail.Visible() {
		s.detail.Reload()
	}
}

// jobBusy says whether a bulk action's dialog is open on a job still being sent.
func (s *Screen) jobBusy() bool { return s.job != nil && s.job.Busy() }

func (s *Screen) loadCounts(followSearch bool) {
	s.countGen++
	gen, q := s.countGen, s.q
	s.run.Go(func() func() {
		counts, err := s.src.TabCounts(context.Background(), q)
		return func() {
			if gen != s.countGen {
				return
			}
			if err != nil {
				s.showError(fmt.Errorf("counting orders: %w", err))
				return
			}
			s.hideError()
			s.counts = counts
			// A search that finds nothing on this tab but something elsewhere takes you there:
			// a scanned tracking number shows its order wherever it is.
			if followSearch && q.Search != "" && counts[s.q.Tab] == 0 {
				for _, t := range domain.Tabs {
					if counts[t] > 0 {
						s.q.Tab = t
						s.listChanged()
						break
					}
				}
			}
			s.showTabs()
			s.showSelection()
			if !s.jobBusy() { // else the rows follow when the job ends
				s.table.Refresh()
			}
			if counts[s.q.Tab] == 0 && s.OnRowsShown != nil {
				s.OnRowsShown() // an empty tab is shown as soon as it is counted
			}
		}
	})
}

func (s *Screen) showTabs() {
	s.showActions()
	for _, t := range domain.Tabs {
		b := s.tabButtons[t]
		text, imp := fmt.Sprintf("%s  %s", t.Title(), widgets.Thousands(s.counts[t])), widget.LowImportance
		if t == s.q.Tab {
			imp = widget.HighImportance
		}
		if b.Text != text || b.Importance != imp { // repaint only what changed
			b.Text, b.Importance = text, imp
			b.Refresh()
		}
	}
}

func (s *Screen) showSelection() {
	total := s.counts[s.q.Tab]
	n := s.selected.count(total)
	s.selectAll.Text = fmt.Sprintf("Select all %s in %s", widgets.Thousands(total), s.q.Tab.Title())
	s.selectAll.Checked = s.selected.all
	s.selectAll.Refresh()
	switch {
	case n == 0:
		s.selInfo.SetText("")
	case s.selected.all && len(s.selected.ids) == 0:
		s.selInfo.SetText(fmt.Sprintf("All %s orders selected", widgets.Thousands(n)))
	default:
		s.selInfo.SetText(fmt.Sprintf("%s selected", widgets.Thousands(n)))
	}
}

// Selected resolves the checked orders to ids, in list order.
func (s *Screen) Selected(ctx context.Context) ([]int64, error) {
	if !s.selected.all {
		var ids []int64
		for id := range s.selected.ids {
			ids = append(ids, id)
		}
		return ids, nil
	}
	all, err := s.src.OrderIDs(ctx, s.q)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, id := range all {
		if !s.selected.ids[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// row is the table's window onto the cache: a row not yet loaded starts its page loading.
func (s *Screen) row(i int) (domain.OrderRow, bool) {
	if r, ok := s.pages.row(i); ok {
		s.pages.touch(i / pageSize)
		return r, true
	}
	s.loadPage(i / pageSize)
	return domain.OrderRow{}, false
}

func (s *Screen) loadPage(n int) {
	if s.pages.loading[n] {
		return
	}
	s.pages.loading[n] = true
	gen, q := s.pages.gen, s.q
	after := s.pages.cursorBefore(q, n)
	s.run.Go(func() func() {
		ctx := context.Background()
		var rows []domain.OrderRow
		var err error
		switch {
		case n == 0:
			rows, err = s.src.OrderPage(ctx, q, nil, pageSize)
		case after != nil:
			rows, err = s.src.OrderPage(ctx, q, after, pageSize)
		default: // a jump of the scroll bar: no page before it to continue from
			rows, err = s.src.OrderPageAt(ctx, q, n*pageSize, pageSize)
		}
		return func() {
			if gen != s.pages.gen {
				return
			}
			if err != nil {
				delete(s.pages.loading, n)
				s.showError(fmt.Errorf("loading orders: %w", err))
				return
			}
			s.pages.store(n, rows)
			s.table.Refresh()
			if s.OnRowsShown != nil {
				s.OnRowsShown()
			}
		}
	})
}

// LoadedRows is what the table can show without asking the database again, in order (for tests
// and for the status bar).
func (s *Screen) LoadedRows() []domain.OrderRow {
	var out []domain.OrderRow
	for i := 0; ; i++ {
		r, ok := s.pages.row(i)
		if !ok {
			return out
		}
		out = append(out, r)
	}
}

// Counts is what the tab buttons show.
func (s *Screen) Counts() map[domain.Tab]int { return s.counts }

func (s *Screen) showError(err error) {
	s.errLabel.SetText(err.Error())
	s.errLabel.Show()
}

func (s *Screen) hideError() { s.errLabel.Hide() }

func (s *Screen) showColumns(anchor fyne.CanvasObject) {
	var ids, titles []string
	for _, c := range s.table.Columns() {
		if c.Hideable {
			ids = append(ids, c.ID)
			titles = append(titles, c.Title)
		}
	}
	visible := map[string]bool{}
	for _, id := range s.table.VisibleIDs() {
		visible[id] = true
	}
	var on []string
	for i, id := range ids {
		if visible[id] {
			on = append(on, titles[i])
		}
	}
	group := widget.NewCheckGroup(titles, nil)
	group.Selected = on
	group.OnChanged = func(sel []string) {
		s.SetColumns(idsOf(ids, titles, sel))
	}
	pop := widget.NewPopUp(container.NewVBox(widget.NewLabelWithStyle("Show columns", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), group), s.win.Canvas())
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(anchor)
	pop.ShowAtPosition(pos.Add(fyne.NewPos(0, anchor.Size().Height)))
}

func idsOf(ids, titles, chosen []string) []string {
	want := map[string]bool{}
	for _, c := range chosen {
		want[c] = true
	}
	var out []string
	for i, t := range titles {
		if want[t] {
			out = append(out, ids[i])
		}
	}
	return out
}

// SetColumns shows exactly the given hideable columns and remembers the choice.
func (s *Screen) SetColumns(ids []string) {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	s.table.SetVisible(m)
	s.savePref(prefColumns, strings.Join(ids, ","))
}

// VisibleColumns lists the columns on screen.
func (s *Screen) VisibleColumns() []string { return s.table.VisibleIDs() }

// Open shows an order's detail in place of the list.
func (s *Screen) Open(id int64) {
	s.list.Hide()
	s.detail.Content().Show()
	s.detail.Open(id, s.q)
}

func (s *Screen) closeDetail() {
	if !s.detail.Visible() {
		return
	}
	s.detail.Content().Hide()
	s.list.Show()
	s.win.Canvas().Focus(s.table)
}

// Detail is the detail view, for the shell's shortcuts and tests.
func (s *Screen) Detail() *detail.View { return s.detail }

// Table is the order table, for keyboard focus.
func (s *Screen) Table() *widgets.OrderTable { return s.table }

// Shortcuts are the screen's keyboard shortcuts, for the shell's menu.
func (s *Screen) Shortcuts() []*fyne.MenuItem {
	item := func(label string, key fyne.KeyName, mod fyne.KeyModifier, fn func()) *fyne.MenuItem {
		m := fyne.NewMenuItem(label, fn)
		m.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: mod}
		return m
	}
	items := []*fyne.MenuItem{
		item("Find Order", fyne.KeyF, fyne.KeyModifierShortcutDefault, s.FocusSearch),
		item("Reload", fyne.KeyR, fyne.KeyModifierShortcutDefault, s.DataChanged),
		item("Select All in Tab", fyne.KeyA, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, s.SelectAllInTab),
		item("Clear Selection", fyne.KeyD, fyne.KeyModifierShortcutDefault, func() { s.selectAll.SetChecked(false); s.selected.clear(); s.showSelection(); s.table.Refresh() }),
		item("Clear Filters", fyne.KeyL, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, s.ClearFilters),
		fyne.NewMenuItemSeparator(),
		item("Pack Selected", fyne.KeyK, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, func() { s.closeDetail(); s.RunAction(domain.ActPack) }),
		item("To Ship Selected", fyne.KeyS, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, func() { s.closeDetail(); s.RunAction(domain.ActToShip) }),
		item("Repack Selected", fyne.KeyR, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, func() { s.closeDetail(); s.RunAction(domain.ActRepack) }),
		item("Mark Selected Delivered", fyne.KeyE, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, func() { s.closeDetail(); s.RunAction(domain.ActMarkDelivered) }),
		fyne.NewMenuItemSeparator(),
		item("Print Picking List…", fyne.KeyP, fyne.KeyModifierShortcutDefault, func() { s.closeDetail(); s.Print(domain.DocPickingList) }),
		item("Print AWB…", fyne.KeyP, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, func() { s.closeDetail(); s.Print(domain.DocAWB) }),
		item("Print Courier Manifest…", fyne.KeyM, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, func() { s.closeDetail(); s.Print(domain.DocManifest) }),
		item("Export to Excel…", fyne.KeyX, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, func() { s.closeDetail(); s.Export() }),
		fyne.NewMenuItemSeparator(),
	}
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9, fyne.Key0}
	for i, t := range domain.Tabs {
		items = append(items, item(t.Title(), keys[i], fyne.KeyModifierAlt, func() { s.closeDetail(); s.SetTab(t) }))
	}
	items = append(items, fyne.NewMenuItemSeparator())
	items = append(items, s.detail.Shortcuts()...)
	return items
}
