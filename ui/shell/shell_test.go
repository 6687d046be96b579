package shell

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/assets"
	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/documents"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/ui/scan"
	"github.com/kedai-app/kedai/ui/sound"
	"github.com/kedai-app/kedai/ui/widgets"
)

func TestUnknownScreenIsRefused(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	if _, err := New(test.NewWindow(nil), f.DB, engine.New(f.DB, engine.Options{}), "warehouse", nil); err == nil || !strings.Contains(err.Error(), "unknown screen") {
		t.Fatalf("error %v", err)
	}
}

func TestMenuCarriesTheShortcuts(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	win := test.NewWindow(nil)
	defer win.Close()
	if _, err := New(win, f.DB, engine.New(f.DB, engine.Options{}), "orders", &widgets.Runner{Manual: true}); err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, m := range win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil {
				have[it.Label] = ShortcutText(it.Shortcut)
			}
		}
	}
	for label, keys := range map[string]string{"Find Order": "Ctrl+F", "Select All in Tab": "Ctrl+Shift+A",
		"To Ship": "Alt+4", "Others": "Alt+0", "Back to List": "Alt+Left"} {
		if have[label] != keys {
			t.Errorf("%s: shortcut %q, want %q", label, have[label], keys)
		}
	}
}

// Another process (the command line, the sync engine) writes to the file: the window notices
// within a few seconds and shows the new counts, without being told.
func TestWindowFollowsChangesFromAnotherProcess(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	win := test.NewWindow(nil)
	defer win.Close()
	run := &widgets.Runner{Manual: true}
	sh, err := New(win, f.DB, engine.New(f.DB, engine.Options{}), "orders", run)
	if err != nil {
		t.Fatal(err)
	}
	sh.Start()
	defer sh.Stop()
	run.Wait()
	before := sh.Orders.Counts()[domain.TabToShip]

	other, err := db.Open(f.Path) // a second connection, as another process would have
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	id := f.ID(t, "241101AAAA0001")
	o, _ := other.Order(ctx, id)
	o.Status = domain.SpProcessed
	if err := other.SaveOrders(ctx, []domain.Order{o}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if err := other.SetStage(ctx, id, domain.StageReady, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for sh.Orders.Counts()[domain.TabToShip] != before+1 {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the window still counts %d on To Ship", sh.Orders.Counts()[domain.TabToShip])
		}
		time.Sleep(100 * time.Millisecond)
		run.Wait()
	}

	// On another screen (the scan station at work) the list is not reloaded after each change,
	// only when it is shown again.
	sh.Show("scan")
	o, _ = other.Order(ctx, id)
	o.Status = domain.SpShipped // the courier took it
	if err := other.SaveOrders(ctx, []domain.Order{o}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !sh.ordersStale; {
		if time.Now().After(deadline) {
			t.Fatal("after 10 s the window had not noticed the change")
		}
		time.Sleep(100 * time.Millisecond)
		run.Wait()
	}
	if n := sh.Orders.Counts()[domain.TabToShip]; n != before+1 {
		t.Errorf("the hidden list was reloaded: To Ship %d, want still %d", n, before+1)
	}
	sh.Show("orders")
	run.Wait()
	if n := sh.Orders.Counts()[domain.TabToShip]; n != before || sh.ordersStale {
		t.Errorf("shown again, the list counts %d on To Ship (stale %v), want %d", n, sh.ordersStale, before)
	}
}

func TestShortcutText(t *testing.T) {
	for _, c := range []struct {
		mod  fyne.KeyModifier
		key  fyne.KeyName
		want string
	}{
		{fyne.KeyModifierControl, fyne.KeyF, "Ctrl+F"},
		{fyne.KeyModifierControl | fyne.KeyModifierShift, fyne.KeyA, "Ctrl+Shift+A"},
		{fyne.KeyModifierAlt, fyne.KeyLeft, "Alt+Left"},
		{fyne.KeyModifierSuper, fyne.KeyF, "Cmd+F"},
	} {
		if got := ShortcutText(&desktop.CustomShortcut{KeyName: c.key, Modifier: c.mod}); got != c.want {
			t.Errorf("%v+%s: %q, want %q", c.mod, c.key, got, c.want)
		}
	}
}

// The status bar says how the sync stands, and turns to the failing store by name.
func TestStatusBarSyncIndicator(t *testing.T) {
	test.NewTempApp(t)
	d := dbtest.Open(t)
	ctx := context.Background()
	link := func(name string) domain.Store {
		s, err := d.LinkStore(ctx, domain.Store{Platform: domain.Shopee, Name: name, Region: "MY", ShopID: "1"},
			db.Link{BaseURL: "http://127.0.0.1:1/shopee", AppKey: "1"},
			db.Secrets{AppSecret: "s", Tokens: market.Tokens{Access: "a"}}, 3, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ok, bad := link("Butik Ayu"), link("Dapur Bonda")
	now := time.Now()
	d.RecordRun(ctx, ok.ID, db.RunResult{Started: now, Finished: now, Next: now.Add(time.Minute)})
	win := test.NewWindow(nil)
	defer win.Close()
	run := &widgets.Runner{Manual: true}
	sh, err := New(win, d, engine.New(d, engine.Options{}), "stores", run)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Screen() != "stores" {
		t.Errorf("--screen stores opened %s", sh.Screen())
	}
	sh.refreshSync()
	run.Wait()
	if got := sh.SyncIndicator(); got != "2 stores syncing" {
		t.Errorf("indicator %q", got)
	}
	for range domain.FailingAfter {
		d.RecordRun(ctx, bad.ID, db.RunResult{Started: now, Finished: now, Err: errors.New("HTTP 503"), Next: now.Add(time.Minute)})
	}
	sh.refreshSync()
	run.Wait()
	if got := sh.SyncIndicator(); got != "Not syncing: Dapur Bonda" || sh.syncDot.FillColor != widgets.BadgeRed {
		t.Errorf("indicator %q, dot %v", got, sh.syncDot.FillColor)
	}
	test.Tap(sh.syncBtn)
	if sh.Screen() != "stores" {
		t.Error("the indicator does not open the Stores screen")
	}
	sh.Show("orders")
	test.Tap(sh.syncBtn)
	if sh.Screen() != "stores" {
		t.Error("tapping the indicator did not open the Stores screen")
	}
}

// Opened straight on Settings (`--screen settings`), the screen is loaded as when chosen later.
func TestOpenedOnSettingsIsLoaded(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	win := test.NewWindow(nil)
	defer win.Close()
	run := &widgets.Runner{Manual: true}
	sh, err := New(win, f.DB, engine.New(f.DB, engine.Options{}), "settings", run)
	if err != nil {
		t.Fatal(err)
	}
	sh.UseDocuments(documents.New(f.DB, nil, nil))
	sh.Start()
	defer sh.Stop()
	run.Wait()
	if _, page := sh.Settings.Row(domain.DocPickingList); page.Selected != "A4" {
		t.Errorf("the picking list's paper shows %q, want the setting (A4)", page.Selected)
	}
}

// The sound device opens after the window starts: a "sounds off" read before it must hold once
// the player arrives.
func TestSoundsOffHoldsWhenThePlayerArrivesLater(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	off := scan.DefaultSettings
	off.Sound = false
	if err := scan.SaveSettings(t.Context(), f.DB, off); err != nil {
		t.Fatal(err)
	}
	win := test.NewWindow(nil)
	defer win.Close()
	run := &widgets.Runner{Manual: true}
	sh, err := New(win, f.DB, engine.New(f.DB, engine.Options{}), "scan", run)
	if err != nil {
		t.Fatal(err)
	}
	sh.Start()
	defer sh.Stop()
	run.Wait()
	clips, err := sound.Decode(assets.Sounds, "sounds")
	if err != nil {
		t.Fatal(err)
	}
	p := sound.Open(clips)
	sh.UseSound(p)
	if p.On() {
		t.Fatal("the player plays although the station's sounds are off")
	}
}
