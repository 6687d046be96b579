package stores

import (
	"context"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Source is what the screen reads.
type Source interface {
	Stores(ctx context.Context) ([]domain.Store, error)
	SyncStatus(ctx context.Context) ([]domain.StoreSync, error)
}

// Syncer runs syncs and links stores.
type Syncer interface {
	SyncNow(storeID int64) // 0: every store
	// Redirect is the address the platforms send the browser back to: the seller registers it
	// with their app once.
	Redirect() string
	// BeginLink starts a sign-in: url is the platform's page to open in the browser, wait returns
	// when the seller has finished there (and the store is saved), cancel stops waiting.
	BeginLink(ctx context.Context, r domain.LinkRequest) (url string, wait func(context.Context) (domain.Store, error), cancel func(), err error)
	// StoreShipping and SetStoreShipping are how a store usually hands parcels to the courier.
	StoreShipping(ctx context.Context, storeID int64) (domain.Shipping, bool, error)
	SetStoreShipping(ctx context.Context, storeID int64, s domain.Shipping) error
}

// Row is one store as the screen shows it.
type Row struct {
	Store    domain.Store
	Sync     domain.StoreSync
	Shipping string // the usual way parcels go: pickup, dropoff, or "" when not chosen (Lazada allocates it)
}

// Screen is the Stores screen.
type Screen struct {
	src    Source
	syncer Syncer
	win    fyne.Window
	run    *widgets.Runner
	now    func() time.Time
	// OpenURL opens a page in the system browser (the app's OpenURL in the window).
	OpenURL func(string) error

	rows        []Row
	codes       CodeBook      // nil: no Codes… buttons
	codesDialog *CodesDialog  // the last codes dialog opened
	link        *linkDialog   // the last link dialog opened
	shipDialog  dialog.Dialog // the last shipping choice opened
	list        *widget.List
	summary     *widget.Label
	errText     *widget.Label
	root        fyne.CanvasObject
	gen         int
}

// New builds the screen.
func New(src Source, syncer Syncer, win fyne.Window, run *widgets.Runner) *Screen {
	s := &Screen{src: src, syncer: syncer, win: win, run: run, now: time.Now}
	s.summary = widget.NewLabel("")
	s.errText = widget.NewLabel("")
	s.errText.Importance = widget.DangerImportance
	s.errText.Hide()
	link := widget.NewButtonWithIcon("Link a store", theme.ContentAddIcon(), func() { s.ShowLink(domain.LinkRequest{}) })
	link.Importance = widget.HighImportance
	all := widget.NewButtonWithIcon("Sync all now", theme.ViewRefreshIcon(), func() { s.syncer.SyncNow(0); s.Reload() })
	s.list = widget.NewList(func() int { return len(s.rows) }, newRow, s.updateRow)
	s.list.OnSelected = func(int) { s.list.UnselectAll() }
	s.root = container.NewBorder(container.NewVBox(container.NewHBox(link, all, s.summary), s.errText), nil, nil, nil, s.list)
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.root }

// Title names the screen.
func (s *Screen) Title() string { return "Stores" }

// Rows is what the screen shows.
func (s *Screen) Rows() []Row { return s.rows }

// Reload reads the stores and their sync states again.
func (s *Screen) Reload() {
	s.gen++
	gen := s.gen
	s.run.Go(func() func() {
		ctx := context.Background()
		stores, err := s.src.Stores(ctx)
		var states []domain.StoreSync
		if err == nil {
			states, err = s.src.SyncStatus(ctx)
		}
		shipping := map[int64]string{}
		for _, st := range stores {
			if st.Platform != domain.Lazada {
				ship, _, _ := s.syncer.StoreShipping(ctx, st.ID)
				shipping[st.ID] = ship.Method
			}
		}
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.errText.SetText("Could not read the stores: " + err.Error())
				s.errText.Show()
				return
			}
			s.errText.Hide()
			byID := map[int64]domain.StoreSync{}
			for _, st := range states {
				byID[st.StoreID] = st
			}
			s.rows = s.rows[:0]
			for _, st := range stores {
				sy, linked := byID[st.ID]
				if !linked {
					continue // a store that only exists in the file (imported orders), not synced
				}
				s.rows = append(s.rows, Row{Store: st, Sync: sy, Shipping: shipping[st.ID]})
			}
			s.summary.SetText(Summary(s.rows))
			s.list.Refresh()
		}
	})
}

// Summary is the state of every store in one line, for the screen and the status bar.
func Summary(rows []Row) string {
	if len(rows) == 0 {
		return "No store is linked yet"
	}
	var failing, relink []string
	for _, r := range rows {
		switch r.Sync.Health() {
		case domain.HealthFailing:
			failing = append(failing, r.Store.Name)
		case domain.HealthRelink:
			relink = append(relink, r.Store.Name)
		}
	}
	switch {
	case len(relink) > 0:
		return fmt.Sprintf("Link again: %s", strings.Join(relink, ", "))
	case len(failing) > 0:
		return fmt.Sprintf("Not syncing: %s", strings.Join(failing, ", "))
	}
	if len(rows) == 1 {
		return "1 store syncing"
	}
	return fmt.Sprintf("%d stores syncing", len(rows))
}

// ShippingWords says how a store usually ships, by its method ("" when not chosen).
func ShippingWords(method string) string {
	switch method {
	case "":
		return "Shipping: not chosen"
	case domain.DropOff:
		return "Shipping: drop-off"
	}
	return "Shipping: pickup"
}

// HealthColour is the dot beside a store.
func HealthColour(h domain.Health) color.Color {
	switch h {
	case domain.HealthOK:
		return widgets.BadgeGreen
	case domain.HealthRetrying, domain.HealthNew:
		return widgets.BadgeAmber
	}
	return widgets.BadgeRed
}

// row is one line of the list.
type row struct {
	widget.BaseWidget
	dot                           *canvas.Circle
	name, platform, state, counts *widget.Label
	syncBtn, relinkBtn, shipBtn   *widget.Button
	codesBtn                      *widget.Button
}

func newRow() fyne.CanvasObject {
	r := &row{dot: canvas.NewCircle(widgets.BadgeGrey), name: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		platform: widget.NewLabel(""), state: widget.NewLabel(""), counts: widget.NewLabel(""),
		syncBtn: widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), nil), relinkBtn: widget.NewButtonWithIcon("Link again", theme.LoginIcon(), nil),
		shipBtn: widget.NewButton("", nil), codesBtn: widget.NewButtonWithIcon("Codes…", theme.SettingsIcon(), nil)}
	r.state.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer {
	dot := container.NewGridWrap(fyne.NewSquareSize(14), r.dot)
	left := container.NewHBox(container.NewCenter(dot), container.NewGridWrap(fyne.NewSize(220, r.name.MinSize().Height), r.name),
		container.NewGridWrap(fyne.NewSize(140, r.platform.MinSize().Height), r.platform))
	right := container.NewHBox(r.counts, r.shipBtn, r.codesBtn, r.syncBtn, r.relinkBtn)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, left, right, r.state))
}

func (s *Screen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.rows) {
		return
	}
	r, x := o.(*row), s.rows[i]
	h := x.Sync.Health()
	r.dot.FillColor = HealthColour(h)
	r.dot.Refresh()
	r.name.SetText(x.Store.Name)
	r.platform.SetText(x.Store.Platform.Title() + " · " + x.Store.Region)
	r.state.SetText(x.Sync.Describe(s.now()))
	r.counts.SetText(fmt.Sprintf("%d orders last run · %d in all", x.Sync.OrdersPulled, x.Sync.TotalPulled))
	id := x.Store.ID
	r.syncBtn.OnTapped = func() { s.syncer.SyncNow(id); s.Reload() }
	if x.Store.Platform == domain.Lazada {
		r.shipBtn.Hide()
	} else {
		r.shipBtn.SetText(ShippingWords(x.Shipping))
		r.shipBtn.Show()
		store := x.Store
		r.shipBtn.OnTapped = func() { s.ChooseShipping(store) }
	}
	if h == domain.HealthRelink {
		r.relinkBtn.Show()
		r.relinkBtn.Importance = widget.DangerImportance
	} else {
		r.relinkBtn.Hide()
	}
	store := x.Store
	if s.codes == nil {
		r.codesBtn.Hide()
	} else {
		r.codesBtn.Show()
		r.codesBtn.OnTapped = func() { s.ShowCodes(store) }
	}
	r.relinkBtn.OnTapped = func() {
		s.ShowLink(domain.LinkRequest{Platform: store.Platform, Name: store.Name, Region: store.Region, Relink: store.ID})
	}
}

// ChooseShipping asks how a store's parcels usually reach the courier, and remembers it.
func (s *Screen) ChooseShipping(st domain.Store) {
	current := ""
	for _, r := range s.rows {
		if r.Store.ID == st.ID {
			current = r.Shipping
		}
	}
	choice := widgets.NewShippingMethod(current)
	s.shipDialog = widgets.Confirm(s.win, "How "+st.Name+" ships", "Remember", "Cancel", choice.RadioGroup, func(ok bool) {
		if !ok {
			return
		}
		ship := choice.Shipping()
		s.run.Go(func() func() {
			err := s.syncer.SetStoreShipping(context.Background(), st.ID, ship)
			return func() {
				if err != nil {
					s.errText.SetText(err.Error())
					s.errText.Show()
				}
				s.Reload()
			}
		})
	})
}

// Tick refreshes the relative times ("synced 12 s ago") without reading anything.
func (s *Screen) Tick() { s.list.Refresh() }

// ShowLink opens the link dialog, filled in from f.
func (s *Screen) ShowLink(f domain.LinkRequest) {
	s.link = newLinkDialog(s, f)
	s.link.show()
}

func atoiOr(v string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return def
	}
	return n
}
