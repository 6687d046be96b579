package shell

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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

// New builds the window's content over the data; screen is where it opens.
func New(win fyne.Window, data Data, screen string) (*Shell, error) {
	ok := false
	for _, s := range Screens {
		ok = ok || s == screen
	}
	if !ok {
		return nil, fmt.Errorf("unknown screen %q: this version has %v", screen, Screens)
	}
	s := &Shell{win: win, data: data, run: &widgets.Runner{}}
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
	list := container.NewVBox()
	for _, m := range s.Orders.Shortcuts() {
		if m.IsSeparator || m.Shortcut == nil {
			continue
		}
		list.Add(container.NewGridWithColumns(2, widget.NewLabel(m.Label), widget.NewLabel(ShortcutText(m.Shortcut))))
	}
	list.Add(container.NewGridWithColumns(2, widget.NewLabel("Move in the list / check / open"), widget.NewLabel("↑ ↓ / Space / Enter")))
	list.Add(container.NewGridWithColumns(2, widget.NewLabel("Back from an order"), widget.NewLabel("Esc")))
	d := widget.NewPopUp(container.NewVBox(widget.NewLabelWithStyle("Keyboard shortcuts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVScroll(list), widget.NewButton("Close", nil)), s.win.Canvas())
	d.Content.(*fyne.Container).Objects[2].(*widget.Button).OnTapped = d.Hide
	d.Resize(fyne.NewSize(460, 520))
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
