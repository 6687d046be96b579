package shell

import (
	"context"
	"fmt"
	"image/color"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/detail"
	"github.com/kedai-app/kedai/ui/mapping"
	"github.com/kedai-app/kedai/ui/orders"
	"github.com/kedai-app/kedai/ui/scan"
	"github.com/kedai-app/kedai/ui/settings"
	"github.com/kedai-app/kedai/ui/sound"
	"github.com/kedai-app/kedai/ui/stores"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Data is everything the screens read, satisfied by the database.
type Data interface {
	orders.Source
	scan.Source
	orders.Prefs
	detail.Source
	mapping.Data
	stores.CodeBook
	settings.SQLAccData
	// DataVersion changes whenever anyone (this process or another) commits to the file.
	DataVersion(ctx context.Context) (int64, error)
	Path() string
}

// Sync is the background sync and the actions it sends, satisfied by the engine.
type Sync interface {
	SyncStatus(ctx context.Context) ([]domain.StoreSync, error)
	stores.Syncer
	orders.Actions
	detail.AfterSales
}

// Screens the window can open on (`kedai --screen NAME`): one tab each, and "posting", the
// Orders screen on Shipped with the posting history open.
var Screens = []string{"orders", "stores", "settings", "scan", "mapping", "posting"}

// Shell is the main window's content.
type Shell struct {
	win    fyne.Window
	data   Data
	sync   Sync
	run    *widgets.Runner
	Orders *orders.Screen
	Stores *stores.Screen
	// Settings is the printers and the print history.
	Settings *settings.Screen
	// Scan is the Scan To Ship station.
	Scan *scan.Screen
	// Mapping maps platform SKUs to SQL Account stock items.
	Mapping *mapping.Screen

	tabs    *container.AppTabs
	status  *widget.Label
	syncBtn *widget.Button
	syncDot *canvas.Circle
	stop    context.CancelFunc

	ordersStale bool   // the data changed while the order list was not on show
	openOn      string // the screen the window opened on
	started     bool
	sound       *sound.Player
	soundOn     bool // the station's sounds are wanted (its setting), whenever the player arrives
}

// New builds the window's content over the data and the sync; screen is where it opens. run
// carries background work to the widgets (nil: a new one).
func New(win fyne.Window, data Data, sync Sync, screen string, run *widgets.Runner) (*Shell, error) {
	ok := false
	for _, s := range Screens {
		ok = ok || s == screen
	}
	if !ok {
		return nil, fmt.Errorf("unknown screen %q: this version has %v", screen, Screens)
	}
	if run == nil {
		run = &widgets.Runner{}
	}
	s := &Shell{win: win, data: data, sync: sync, run: run, soundOn: scan.DefaultSettings.Sound}
	s.Orders = orders.New(data, data, sync, data, win, s.run)
	s.Stores = stores.New(storeSource{data, sync}, sync, win, s.run)
	s.Settings = settings.New(win, s.run)
	s.Scan = scan.New(data, sync, win, s.run)
	s.Mapping = mapping.New(data, win, s.run)
	s.Stores.UseCodes(data)
	s.Orders.Detail().UseMapping(data)
	s.Orders.Detail().UseAfterSales(sync)
	s.Settings.UseStation(data, nil, s.applyStation)
	s.Stores.OpenURL = func(raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		return fyne.CurrentApp().OpenURL(u)
	}
	abs, err := filepath.Abs(data.Path())
	if err != nil {
		abs = data.Path()
	}
	s.status = widget.NewLabel("Data file: " + abs)
	s.status.Truncation = fyne.TextTruncateEllipsis
	s.syncDot = canvas.NewCircle(widgets.BadgeGrey)
	s.syncBtn = widget.NewButton("Sync", func() { s.Show("stores") })
	s.syncBtn.Importance = widget.LowImportance
	bar := container.NewBorder(nil, nil,
		container.NewHBox(container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(12), s.syncDot)), s.syncBtn), nil, s.status)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Orders", theme.DocumentIcon(), s.Orders.Content()),
		container.NewTabItemWithIcon("Stores", theme.StorageIcon(), s.Stores.Content()),
		container.NewTabItemWithIcon("Settings", theme.SettingsIcon(), s.Settings.Content()),
		container.NewTabItemWithIcon("Scan", theme.SearchIcon(), s.Scan.Content()),
		container.NewTabItemWithIcon("Mapping", theme.ListIcon(), s.Mapping.Content()),
	)
	s.tabs.SetTabLocation(container.TabLocationLeading)
	s.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Text {
		case "Orders":
			if s.ordersStale {
				s.ordersChanged()
			}
		case "Stores":
			s.Stores.Reload()
		case "Settings":
			s.Settings.Reload()
		case "Scan":
			s.Scan.Focus()
		case "Mapping":
			s.Mapping.Reload()
		}
	}
	content := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bar), nil, nil, s.tabs)
	win.SetContent(content)
	s.openOn = screen
	s.Show(screen)
	win.SetMainMenu(s.menu())
	win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if s.Orders.Detail().TypedKey(ev) {
			return
		}
		// Nothing focused: arrow keys and Enter go to the order list.
		switch ev.Name {
		case fyne.KeyUp, fyne.KeyDown, fyne.KeyPageUp, fyne.KeyPageDown, fyne.KeyHome, fyne.KeyEnd:
			win.Canvas().Focus(s.Orders.Table())
			s.Orders.Table().TypedKey(ev)
		}
	})
	win.SetTitle("Kedai — " + filepath.Base(data.Path()))
	return s, nil
}

// UseSound plays the station's sounds through p.
func (s *Shell) UseSound(p *sound.Player) {
	s.sound = p
	p.SetOn(s.soundOn) // the remembered choice may have been read before the device opened
	s.Scan.Player = p
	s.Settings.UseStation(s.data, p, s.applyStation)
	s.showSoundNote()
}

// applyStation puts the station's settings to work.
func (s *Shell) applyStation(set scan.Settings) {
	s.Scan.ApplySettings(set)
	s.soundOn = set.Sound
	if s.sound != nil {
		s.sound.SetOn(set.Sound)
	}
	s.showSoundNote()
}

func (s *Shell) showSoundNote() {
	switch {
	case s.sound == nil:
		s.Scan.SetSoundNote("")
	case s.sound.Err() != nil:
		s.Scan.SetSoundNote("Silent: no sound (see Settings)")
	case !s.soundOn:
		s.Scan.SetSoundNote("Sounds off (Settings)")
	default:
		s.Scan.SetSoundNote("")
	}
}

// loadStation reads the station's remembered settings and puts them to work.
func (s *Shell) loadStation() {
	s.run.Go(func() func() {
		set, err := scan.LoadSettings(context.Background(), s.data)
		return func() {
			if err != nil {
				s.Scan.SetSoundNote("Scanner settings unreadable: " + err.Error())
				return
			}
			s.applyStation(set)
		}
	})
}

// Documents makes, prints and exports documents, and keeps the print history.
type Documents interface {
	settings.Documents
	orders.Exporter
}

// UseDocuments offers printing and export on the screens.
func (s *Shell) UseDocuments(docs Documents) {
	s.Orders.Printing, s.Orders.Exporter = docs, docs
	s.Scan.Printing = docs
	s.Settings.Use(docs)
}

// Posting is SQL Account for the screens: posting and its history, the connection test and the
// pull of SQL Account's lists.
type Posting interface {
	orders.Posting
	TestConnection(ctx context.Context, c domain.SQLAccConfig) (string, error)
	Pull(ctx context.Context, step func(what string, n int)) error
}

// UsePosting offers Post Order, its status light and history on the Orders screen, and SQL
// Account's connection test and pull in Settings; call it before Start.
func (s *Shell) UsePosting(p Posting) {
	s.Orders.Posting = p
	s.Settings.UseSQLAccount(s.data, settings.SQLAccLink{Version: p.TestConnection, Pull: p.Pull})
}

// Runner is the shell's bridge between background work and widgets (tests wait on it).
func (s *Shell) Runner() *widgets.Runner { return s.run }

// storeSource reads stores from the data file and their sync states from the engine.
type storeSource struct {
	Data
	Sync
}

// Show opens a screen by its name.
func (s *Shell) Show(screen string) {
	if screen == "posting" {
		s.Show("orders")
		if s.started {
			s.Orders.SetTab(domain.TabShipped)
			s.Orders.ShowPostHistory()
		}
		return
	}
	for i, name := range Screens {
		if name == screen {
			s.tabs.SelectIndex(i)
		}
	}
}

// Screen is the name of the screen on show.
func (s *Shell) Screen() string { return Screens[s.tabs.SelectedIndex()] }

func (s *Shell) screenShortcuts() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6}
	for i, name := range Screens {
		m := fyne.NewMenuItem(strings.ToUpper(name[:1])+name[1:], func() { s.Show(name) })
		m.Shortcut = &desktop.CustomShortcut{KeyName: keys[i], Modifier: fyne.KeyModifierShortcutDefault}
		items = append(items, m)
	}
	return items
}

func (s *Shell) menu() *fyne.MainMenu {
	file := fyne.NewMenu("File")
	view := fyne.NewMenu("View", s.screenShortcuts()...)
	storesMenu := fyne.NewMenu("Stores",
		fyne.NewMenuItem("Link a Store…", func() { s.Show("stores"); s.Stores.ShowLink(domain.LinkRequest{}) }),
		fyne.NewMenuItem("Sync All Now", func() { s.sync.SyncNow(0); s.Stores.Reload() }))
	storesMenu.Items[1].Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF5, Modifier: fyne.KeyModifierShift}
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard Shortcuts", s.showShortcuts))
	// The order shortcuts bring the Orders screen forward first: Ctrl+F from the Stores screen
	// means "find an order".
	var orderItems []*fyne.MenuItem
	for _, m := range s.Orders.Shortcuts() {
		if act := m.Action; act != nil && m.Label == "Find Order" {
			m.Action = func() { // on the Mapping screen, its own search
				if s.Screen() == "mapping" {
					s.Mapping.FocusSearch()
					return
				}
				s.Show("orders")
				act()
			}
		} else if act != nil {
			m.Action = func() { s.Show("orders"); act() }
		}
		orderItems = append(orderItems, m)
	}
	return fyne.NewMainMenu(file, view, fyne.NewMenu("Orders", orderItems...), storesMenu, help)
}

func (s *Shell) showShortcuts() {
	grid := container.New(layout.NewFormLayout())
	add := func(what, keys string) {
		grid.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(what))
	}
	for _, m := range append(s.screenShortcuts(), s.Orders.Shortcuts()...) {
		if !m.IsSeparator && m.Shortcut != nil {
			add(m.Label, ShortcutText(m.Shortcut))
		}
	}
	add("Sync all stores now", "Shift+F5")
	add("Move in the order list", "↑ ↓ Page Up/Down Home End")
	add("Check the order / open it", "Space / Enter")
	add("From the search box into the list", "↓")
	add("Back from an order; previous/next order", "Esc; Page Up/Down")
	for _, k := range scan.Keys {
		add(k[1], k[0])
	}
	for _, k := range mapping.Keys {
		add(k[1], k[0])
	}
	scroll := container.NewVScroll(grid)
	scroll.SetMinSize(fyne.NewSize(520, 480))
	d := dialog.NewCustom("Keyboard shortcuts", "Close", scroll, s.win)
	d.Show()
}

// ShortcutText spells a shortcut as a person types it: "Ctrl+Shift+A".
func ShortcutText(sc fyne.Shortcut) string {
	k, ok := sc.(fyne.KeyboardShortcut)
	if !ok {
		return sc.ShortcutName()
	}
	out := ""
	mod := k.Mod()
	for _, m := range []struct {
		bit  fyne.KeyModifier
		name string
	}{{fyne.KeyModifierControl, "Ctrl"}, {fyne.KeyModifierSuper, "Cmd"}, {fyne.KeyModifierAlt, "Alt"}, {fyne.KeyModifierShift, "Shift"}} {
		if mod&m.bit != 0 {
			out += m.name + "+"
		}
	}
	return out + string(k.Key())
}

// Start loads the screens and begins watching the data file; call it once the window shows.
func (s *Shell) Start() {
	s.Orders.Start()
	s.started = true
	s.Stores.Reload()
	s.loadStation()
	s.refreshSync()
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go s.watch(ctx)
	switch s.Screen() { // the screen opened on is loaded like one chosen later
	case "scan":
		s.Scan.Focus() // a packing PC that starts on the station: the scanner types straight in
	case "settings":
		s.Settings.Reload()
	case "mapping":
		s.Mapping.Reload()
	}
	if s.openOn == "posting" {
		s.Show("posting")
	}
}

// ordersChanged reloads the order list, or, while another screen is on show, reloads it when it
// comes back: a scan station busy with To Ship should not count 200,000 orders after each scan.
func (s *Shell) ordersChanged() {
	if s.Screen() != "orders" {
		s.ordersStale = true
		return
	}
	s.ordersStale = false
	s.Orders.DataChanged()
}

// refreshSync updates the status bar's sync indicator.
func (s *Shell) refreshSync() {
	s.run.Go(func() func() {
		ctx := context.Background()
		list, err := s.data.Stores(ctx)
		var states []domain.StoreSync
		if err == nil {
			states, err = s.sync.SyncStatus(ctx)
		}
		return func() {
			if err != nil {
				s.showSync("Sync: "+err.Error(), widgets.BadgeRed)
				return
			}
			byID := map[int64]domain.Store{}
			for _, st := range list {
				byID[st.ID] = st
			}
			var rows []stores.Row
			worst := domain.HealthOK
			running := false
			for _, st := range states {
				rows = append(rows, stores.Row{Store: byID[st.StoreID], Sync: st})
				if h := st.Health(); h > worst {
					worst = h
				}
				running = running || st.Running
			}
			text := stores.Summary(rows)
			if running {
				text += " · syncing…"
			}
			dot := stores.HealthColour(worst)
			if len(rows) == 0 {
				dot = widgets.BadgeGrey
			}
			s.showSync(text, dot)
		}
	})
}

// showSync sets the status bar's sync indicator, repainting only what changed: it is refreshed
// every two seconds.
func (s *Shell) showSync(text string, dot color.Color) {
	if s.syncBtn.Text != text {
		s.syncBtn.SetText(text)
	}
	if s.syncDot.FillColor != dot {
		s.syncDot.FillColor = dot
		s.syncDot.Refresh()
	}
}

// SyncIndicator is what the status bar says about the sync (for tests).
func (s *Shell) SyncIndicator() string { return s.syncBtn.Text }

// Stop ends the watching.
func (s *Shell) Stop() {
	if s.stop != nil {
		s.stop()
	}
	s.Scan.Stop()
}

// watch notices commits by the sync engine, another window or the command line, and reloads.
func (s *Shell) watch(ctx context.Context) {
	last, _ := s.data.DataVersion(ctx)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for tick := 0; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if tick%2 == 0 {
			// Relative times and running flags change without a commit.
			s.run.Apply(func() {
				s.refreshSync()
				if s.Screen() == "stores" {
					s.Stores.Reload()
				}
			})
		}
		v, err := s.data.DataVersion(ctx)
		if err != nil || v == last {
			continue
		}
		last = v
		s.run.Apply(s.ordersChanged)
	}
}
