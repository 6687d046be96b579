package shell

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/ui/detail"
	"github.com/kedai-app/kedai/ui/orders"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Data is everything the screens read, satisfied by the database.
type Data interface {
	orders.Source
	orders.Prefs
	detail.Source
	// DataVersion changes whenever anyone (this process or another) commits to the file.
	DataVersion(ctx context.Context) (int64, error)
	Path() string
}

// Screens the window can open on (`kedai --screen NAME`).
var Screens = []string{"orders"}

// Shell is the main window's content.
type Shell struct {
	win    fyne.Window
	data   Data
	run    *widgets.Runner
	Orders *orders.Screen
	status *widget.Label
	stop   context.CancelFunc
}

// New builds the window's content over the data; screen is where it opens. run carries background
// work to the widgets (nil: a new one).
func New(win fyne.Window, data Data, screen string, run *widgets.Runner) (*Shell, error) {
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
	s := &Shell{win: win, data: data, run: run}
	s.Orders = orders.New(data, data, data, win, s.run)
	abs, err := filepath.Abs(data.Path())
	if err != nil {
		abs = data.Path()
	}
	s.status = widget.NewLabel("Data file: " + abs)
	s.status.Truncation = fyne.TextTruncateEllipsis
	content := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), s.status), nil, nil, s.Orders.Content())
	win.SetContent(content)
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

// Runner is the shell's bridge between background work and widgets (tests wait on it).
func (s *Shell) Runner() *widgets.Runner { return s.run }

func (s *Shell) menu() *fyne.MainMenu {
	file := fyne.NewMenu("File")
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard Shortcuts", s.showShortcuts))
	return fyne.NewMainMenu(file, fyne.NewMenu("Orders", s.Orders.Shortcuts()...), help)
}

func (s *Shell) showShortcuts() {
	grid := container.New(layout.NewFormLayout())
	add := func(what, keys string) {
		grid.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(what))
	}
	for _, m := range s.Orders.Shortcuts() {
		if !m.IsSeparator && m.Shortcut != nil {
			add(m.Label, ShortcutText(m.Shortcut))
		}
	}
	add("Move in the order list", "↑ ↓ Page Up/Down Home End")
	add("Check the order / open it", "Space / Enter")
	add("From the search box into the list", "↓")
	add("Back from an order; previous/next order", "Esc; Page Up/Down")
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
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go s.watch(ctx)
}

// Stop ends the watching.
func (s *Shell) Stop() {
	if s.stop != nil {
		s.stop()
	}
}

// watch notices commits by the sync engine, another window or the command line, and reloads.
func (s *Shell) watch(ctx context.Context) {
	last, _ := s.data.DataVersion(ctx)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := s.data.DataVersion(ctx)
		if err != nil || v == last {
			continue
		}
		last = v
		s.run.Apply(s.Orders.DataChanged)
	}
}
