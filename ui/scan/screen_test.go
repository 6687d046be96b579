package scan

import (
	"context"
	"image/color"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/documents"
	"github.com/kedai-app/kedai/reports/pdftest"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// The real parts fit the station's interfaces.
var (
	_ Source  = (*db.DB)(nil)
	_ Actions = (*engine.Engine)(nil)
)

// The fixture's TikTok order on To Process: Kedai's own To Ship stage, so the engine moves it
// without a platform.
const (
	tiktokToProcess = "576400000000000008"
	tiktokTracking  = "JNT630000008"
	tiktokPackage   = "1152000000000008"
)

// lookups is the real data file, counting the lookups the station makes; gate, when set, holds
// the first lookup until it is closed.
type lookups struct {
	*db.DB
	finds atomic.Int32
	gate  chan struct{}
}

func (l *lookups) FindByCode(ctx context.Context, code string, limit int) ([]domain.OrderRow, error) {
	if l.finds.Add(1) == 1 && l.gate != nil {
		<-l.gate
	}
	return l.DB.FindByCode(ctx, code, limit)
}

// submits is the real engine, counting what the station submits.
type submits struct {
	*engine.Engine
	n atomic.Int32
}

func (s *submits) Submit(ctx context.Context, a domain.Action, ids []int64, ship domain.Shipping) (int64, []domain.Refusal, error) {
	s.n.Add(1)
	return s.Engine.Submit(ctx, a, ids, ship)
}

type station struct {
	*Screen
	f      *dbtest.Fixture
	e      *engine.Engine
	src    *lookups
	act    *submits
	run    *widgets.Runner
	win    fyne.Window
	sounds []string
	now    time.Time
}

func open(t *testing.T) *station {
	t.Helper()
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	// The engine sends only for linked stores, even Kedai's own To Ship stage of Shopee and
	// TikTok, which never calls the platform: the link points at a closed port on this machine.
	for _, p := range []domain.Platform{domain.Shopee, domain.TikTok} {
		st := f.Stores[p]
		link := db.Link{BaseURL: "http://127.0.0.1:1", AppKey: "key", Cipher: "cipher"}
		if err := f.DB.UpdateLink(context.Background(), st.ID, link, st.ShopID); err != nil {
			t.Fatal(err)
		}
		sec := db.Secrets{AppSecret: "secret", Tokens: market.Tokens{Access: "access", Refresh: "refresh",
			AccessExpires: dbtest.Now.Add(24 * time.Hour), RefreshExpires: dbtest.Now.Add(720 * time.Hour)}}
		if err := f.DB.Relink(context.Background(), f.Stores[p].ID, sec); err != nil {
			t.Fatal(err)
		}
	}
	h := &station{f: f, e: engine.New(f.DB, engine.Options{}), now: dbtest.Now}
	h.src = &lookups{DB: f.DB}
	h.act = &submits{Engine: h.e}
	h.win = test.NewWindow(nil)
	t.Cleanup(h.win.Close)
	h.run = &widgets.Runner{Manual: true}
	h.Screen = New(h.src, h.act, h.win, h.run)
	t.Cleanup(h.Stop)
	h.Screen.Now = h.clock
	h.Field.Now = h.clock
	h.OnSound = func(kind string) { h.sounds = append(h.sounds, kind) }
	h.win.SetContent(h.Content())
	h.win.Resize(fyne.NewSize(1280, 800))
	h.Focus()
	return h
}

func (h *station) clock() time.Time { return h.now }

// typeKeys types on the window as a keyboard wedge scanner does, into whatever has the focus:
// '\n' is the Return key, every other character a typed rune.
func (h *station) typeKeys(t *testing.T, keys string) {
	t.Helper()
	c := h.win.Canvas()
	if c.Focused() != h.Field {
		t.Fatalf("the scan field does not have the keyboard (%T has it)", c.Focused())
	}
	for _, r := range keys {
		if r == '\n' {
			c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		} else {
			c.Focused().TypedRune(r)
		}
	}
}

// press sends a key to whatever has the focus, as the window does.
func (h *station) press(t *testing.T, key fyne.KeyName) {
	t.Helper()
	f := h.win.Canvas().Focused()
	if f == nil {
		t.Fatalf("nothing has the focus to press %s", key)
	}
	f.TypedKey(&fyne.KeyEvent{Name: key})
}

// scan types a code and Return, and lets the station finish with it.
func (h *station) scan(t *testing.T, code string) {
	t.Helper()
	h.typeKeys(t, code+"\n")
	h.run.Wait()
}

// drain lets the engine send what was queued.
func (h *station) drain(t *testing.T) {
	t.Helper()
	if err := h.e.DrainOutbox(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (h *station) order(t *testing.T, no string) domain.Order {
	t.Helper()
	o, err := h.f.DB.Order(context.Background(), h.f.ID(t, no))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (h *station) drawn() string { return strings.Join(uitest.DrawnText(h.win.Canvas()), " | ") }

func colourName(c color.Color) string {
	switch c {
	case Green:
		return "green"
	case Amber:
		return "amber"
	case Red:
		return "red"
	case Neutral:
		return "neutral"
	}
	return "other"
}

func TestScanSequences(t *testing.T) {
	rows := []struct {
		name     string
		settings widgets.ScanSettings
		keys     func(f *dbtest.Fixture) string // what the scanner types; '\n' is Return
		order    string                         // the order the panel names ("" none)
		store    string
		verdict  domain.ScanVerdict
		colour   color.Color
		words    string // how the words start
		sound    string
		listed   bool // the order joins the list
		submits  int32
		tab      domain.Tab // where the order is once the engine has sent everything
	}{
		{name: "order number", keys: code(tiktokToProcess), order: tiktokToProcess, store: dbtest.TikTokStore,
			verdict: domain.ScanShip, colour: Green, words: "To Ship", sound: SoundDone, listed: true, submits: 1, tab: domain.TabToShip},
		{name: "tracking number", keys: code(tiktokTracking), order: tiktokToProcess, store: dbtest.TikTokStore,
			verdict: domain.ScanShip, colour: Green, words: "To Ship", sound: SoundDone, listed: true, submits: 1, tab: domain.TabToShip},
		{name: "package id", keys: code(tiktokPackage), order: tiktokToProcess, store: dbtest.TikTokStore,
			verdict: domain.ScanShip, colour: Green, words: "To Ship", sound: SoundDone, listed: true, submits: 1, tab: domain.TabToShip},
		{name: "picking list QR code", keys: func(f *dbtest.Fixture) string {
			return domain.OrderCode(f.Stores[domain.TikTok].ID, tiktokToProcess) + "\n"
		}, order: tiktokToProcess, store: dbtest.TikTokStore,
			verdict: domain.ScanShip, colour: Green, words: "To Ship", sound: SoundDone, listed: true, submits: 1, tab: domain.TabToShip},
		{name: "QR code of another store", keys: func(f *dbtest.Fixture) string {
			return domain.OrderCode(f.Stores[domain.Shopee].ID, tiktokToProcess) + "\n"
		}, verdict: Unknown, colour: Red, words: "Unknown code", sound: SoundUnknown},
		{name: "prefix and suffix stripped", settings: widgets.ScanSettings{Prefix: "]C1", Suffix: "#"},
			keys: code("]C1" + tiktokTracking + "#"), order: tiktokToProcess, store: dbtest.TikTokStore,
			verdict: domain.ScanShip, colour: Green, words: "To Ship", sound: SoundDone, listed: true, submits: 1, tab: domain.TabToShip},
		{name: "Tab suffix ends the code", settings: widgets.ScanSettings{Prefix: "#", Suffix: "\t"},
			keys: func(*dbtest.Fixture) string { return "#" + tiktokPackage + "\t" }, order: tiktokToProcess, store: dbtest.TikTokStore,
			verdict: domain.ScanShip, colour: Green, words: "To Ship", sound: SoundDone, listed: true, submits: 1, tab: domain.TabToShip},
		{name: "control characters dropped", keys: code("\x1d" + tiktokTracking + "\u200b"), order: tiktokToProcess, store: dbtest.TikTokStore,
			verdict: domain.ScanShip, colour: Green, words: "To Ship", sound: SoundDone, listed: true, submits: 1, tab: domain.TabToShip},
		{name: "unknown code", keys: code("NOSUCH0001"), verdict: Unknown, colour: Red, words: "Unknown code", sound: SoundUnknown},
		{name: "last digits are not a scan", keys: code("0000008"), verdict: Unknown, colour: Red, words: "Unknown code", sound: SoundUnknown},
		{name: "wrong stage: New Order", keys: code(dbtest.LazadaNew), order: dbtest.LazadaNew, store: dbtest.LazadaStore,
			verdict: domain.ScanWrongStage, colour: Red, words: "Not in this stage: not packed yet", sound: SoundWrongStage, tab: domain.TabNew},
		{name: "wrong stage: Shipped", keys: code("SPXMY0000003"), order: "241101AAAA0003", store: dbtest.ShopeeStore,
			verdict: domain.ScanWrongStage, colour: Red, words: "Not in this stage:", sound: SoundWrongStage, tab: domain.TabShipped},
		{name: "must not ship: cancellation requested", keys: code(dbtest.ShopeeInCancel), order: dbtest.ShopeeInCancel, store: dbtest.ShopeeStore,
			verdict: domain.ScanMustNotShip, colour: Red, words: "DO NOT SHIP — the buyer asked to cancel", sound: SoundMustNotShip, tab: domain.TabToCancel},
		{name: "must not ship: cancelled", keys: code(dbtest.TikTokOthers), order: dbtest.TikTokOthers, store: dbtest.TikTokStore,
			verdict: domain.ScanMustNotShip, colour: Red, words: "DO NOT SHIP — the order is cancelled", sound: SoundMustNotShip, tab: domain.TabOthers},
		{name: "already on To Ship, by tracking number", keys: code(dbtest.ShopeeTracking), order: dbtest.ShopeeToShip, store: dbtest.ShopeeStore,
			verdict: domain.ScanAlready, colour: Amber, words: "Already scanned", sound: SoundAlready, listed: true, tab: domain.TabToShip},
		{name: "already on To Ship, Lazada", keys: code(dbtest.LazadaToShip), order: dbtest.LazadaToShip, store: dbtest.LazadaStore,
			verdict: domain.ScanAlready, colour: Amber, words: "Already scanned", sound: SoundAlready, listed: true, tab: domain.TabToShip},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			h := open(t)
			h.Field.SetSettings(row.settings)
			h.typeKeys(t, row.keys(h.f))
			h.run.Wait()

			got := h.Last()
			if got.Verdict != row.verdict || got.Colour != row.colour || !strings.HasPrefix(got.Words, row.words) {
				t.Errorf("feedback %d %s %q, want %d %s %q…", got.Verdict, colourName(got.Colour), got.Words, row.verdict, colourName(row.colour), row.words)
			}
			if row.order != "" && (got.Title != row.order || got.Store != row.store || got.OrderID != h.f.ID(t, row.order)) {
				t.Errorf("the panel names %q of %q (id %d), want %s of %s", got.Title, got.Store, got.OrderID, row.order, row.store)
			}
			if !slices.Equal(h.sounds, []string{row.sound}) {
				t.Errorf("sounds %v, want [%s]", h.sounds, row.sound)
			}
			if n := h.act.n.Load(); n != row.submits {
				t.Errorf("%d To Ship submitted, want %d", n, row.submits)
			}
			// The panel is drawn: the order number (or the code) and the words.
			drawn := h.drawn()
			if !strings.Contains(drawn, got.Title) || !strings.Contains(drawn, strings.Fields(row.words)[0]) {
				t.Errorf("the panel does not show %q / %q; drawn: %s", got.Title, row.words, drawn)
			}
			list := h.Scanned()
			if row.listed {
				if len(list) != 1 || list[0].OrderNo != row.order || list[0].Store != row.store || list[0].Words != row.words ||
					!list[0].At.Equal(dbtest.Now) || list[0].OrderID != h.f.ID(t, row.order) {
					t.Fatalf("list %+v, want just %s", list, row.order)
				}
				if o := h.order(t, row.order); len(o.Packages) > 0 && !slices.Equal(list[0].Tracking, []string{o.Packages[0].TrackingNo}) {
					t.Errorf("list tracking %v, want %s", list[0].Tracking, o.Packages[0].TrackingNo)
				}
			} else if len(list) != 0 {
				t.Errorf("list %+v, want none", list)
			}
			if h.Field.Text() != "" {
				t.Errorf("the field still holds %q", h.Field.Text())
			}
			if h.win.Canvas().Focused() != h.Field {
				t.Errorf("after the scan %T has the keyboard", h.win.Canvas().Focused())
			}
			if row.order == "" {
				return
			}
			h.drain(t)
			o := h.order(t, row.order)
			if o.Tab != row.tab {
				t.Errorf("%s is on %s after the engine ran, want %s", row.order, o.Tab.Title(), row.tab.Title())
			}
			if row.submits > 0 && (o.Stage != domain.StageReady || o.PendingAction != "" || o.ActionError != "") {
				t.Errorf("%s: stage %q, action %q, error %q", row.order, o.Stage, o.PendingAction, o.ActionError)
			}
			if row.tab == 0 || row.order == tiktokToProcess {
				return
			}
			if other := h.order(t, tiktokToProcess); other.Tab != domain.TabToProcess {
				t.Errorf("an order that was not scanned moved to %s", other.Tab.Title())
			}
		})
	}
}

// code is a code as a scanner sends it, ending with Return.
func code(c string) func(*dbtest.Fixture) string {
	return func(*dbtest.Fixture) string { return c + "\n" }
}

// A double read within the blanking window flashes amber without a lookup and submits once; a
// later scan of the same parcel looks it up again and finds it on its way To Ship.
func TestDoubleReadSubmitsOnce(t *testing.T) {
	h := open(t)
	h.scan(t, tiktokTracking)
	h.now = h.now.Add(300 * time.Millisecond)
	h.scan(t, tiktokTracking)
	if got := h.Last(); got.Verdict != domain.ScanAlready || got.Colour != Amber || got.Words != "Already scanned" || got.Title != tiktokToProcess {
		t.Errorf("double read shows %+v", got)
	}
	if n, f := h.act.n.Load(), h.src.finds.Load(); n != 1 || f != 1 {
		t.Errorf("double read: %d submits, %d lookups; want 1 and 1", n, f)
	}
	if !slices.Equal(h.sounds, []string{SoundDone, SoundAlready}) {
		t.Errorf("sounds %v", h.sounds)
	}
	if len(h.Scanned()) != 1 {
		t.Errorf("list %+v", h.Scanned())
	}

	// Past the window, before the engine sent it: a real scan, amber, nothing submitted again.
	h.now = h.now.Add(widgets.DefaultScanBlank)
	h.scan(t, tiktokToProcess)
	if got := h.Last(); got.Verdict != domain.ScanAlready || got.Colour != Amber {
		t.Errorf("second scan while moving: %+v", got)
	}
	if n, f := h.act.n.Load(), h.src.finds.Load(); n != 1 || f != 2 {
		t.Errorf("second scan: %d submits, %d lookups; want 1 and 2", n, f)
	}
	h.drain(t)
	h.now = h.now.Add(widgets.DefaultScanBlank)
	h.scan(t, tiktokPackage)
	if got := h.Last(); got.Verdict != domain.ScanAlready || len(h.Scanned()) != 1 {
		t.Errorf("scan once on To Ship: %+v, list %+v", got, h.Scanned())
	}
	if o := h.order(t, tiktokToProcess); o.Tab != domain.TabToShip {
		t.Errorf("order on %s", o.Tab.Title())
	}
}

// A double read of a parcel that must not ship stays red: it never turns into "already scanned".
func TestDoubleReadOfARefusedParcelStaysRed(t *testing.T) {
	h := open(t)
	h.scan(t, dbtest.ShopeeInCancel)
	h.scan(t, dbtest.ShopeeInCancel)
	if got := h.Last(); got.Verdict != domain.ScanMustNotShip || got.Colour != Red || !strings.HasPrefix(got.Words, "DO NOT SHIP") {
		t.Errorf("double read of a must-not-ship parcel: %+v", got)
	}
	if !slices.Equal(h.sounds, []string{SoundMustNotShip, SoundMustNotShip}) || h.src.finds.Load() != 1 || h.act.n.Load() != 0 {
		t.Errorf("sounds %v, %d lookups, %d submits", h.sounds, h.src.finds.Load(), h.act.n.Load())
	}
}

// An order number two stores share is refused; the picking list's QR code names the store.
func TestNumberInTwoStoresNeedsTheQRCode(t *testing.T) {
	h := open(t)
	ctx := context.Background()
	sp := h.f.Stores[domain.Shopee]
	twin := domain.Order{StoreID: sp.ID, Platform: domain.Shopee, OrderNo: tiktokToProcess, PlatformID: tiktokToProcess,
		Status: domain.SpProcessed, Currency: "MYR", CreatedAt: dbtest.T0, UpdatedAt: dbtest.T0,
		Items: []domain.Item{{PlatformItemID: "twin-1", SKU: "TDG-CHF-BLK", Name: "Tudung", Qty: 1}}}
	if err := h.f.DB.SaveOrders(ctx, []domain.Order{twin}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	h.scan(t, tiktokToProcess)
	got := h.Last()
	if got.Verdict != Ambiguous || got.Colour != Red || got.Words != "this number is in two stores: scan the picking list's QR code" {
		t.Errorf("shared number: %+v", got)
	}
	if !strings.Contains(got.Store, dbtest.TikTokStore) || !strings.Contains(got.Store, dbtest.ShopeeStore) {
		t.Errorf("the panel does not name both stores: %q", got.Store)
	}
	if h.act.n.Load() != 0 || len(h.Scanned()) != 0 {
		t.Errorf("shared number: %d submits, list %+v", h.act.n.Load(), h.Scanned())
	}

	h.now = h.now.Add(time.Minute)
	h.scan(t, domain.OrderCode(h.f.Stores[domain.TikTok].ID, tiktokToProcess))
	got = h.Last()
	if got.Verdict != domain.ScanShip || got.Store != dbtest.TikTokStore || got.Platform != domain.TikTok {
		t.Fatalf("QR code: %+v", got)
	}
	h.drain(t)
	tt, err := h.f.DB.Order(ctx, got.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if tt.Tab != domain.TabToShip || tt.StoreID != h.f.Stores[domain.TikTok].ID {
		t.Errorf("the TikTok order is on %s", tt.Tab.Title())
	}
	rows, err := h.f.DB.FindByCode(ctx, tiktokToProcess, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.StoreID == sp.ID && r.Tab != domain.TabToProcess {
			t.Errorf("the Shopee twin moved to %s", r.Tab.Title())
		}
	}
}

// Scans are handled in the order read: while the first is still being looked up the field takes
// more, and the second waits its turn.
func TestScansAreHandledInTheOrderRead(t *testing.T) {
	h := open(t)
	h.src.gate = make(chan struct{})
	h.typeKeys(t, tiktokTracking+"\n"+dbtest.ShopeeTracking+"\n")
	for deadline := time.Now().Add(10 * time.Second); h.src.finds.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first scan was never looked up")
		}
	}
	// Give a second lookup every chance to overtake the first.
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if n := h.src.finds.Load(); n != 1 {
			close(h.src.gate)
			t.Fatalf("%d lookups while the first was still running", n)
		}
	}
	if !h.Busy() || h.Last().Verdict != Waiting || !strings.Contains(h.drawn(), "Checking 2 scans") {
		t.Errorf("while looking up: busy %v, panel %+v, drawn %s", h.Busy(), h.Last(), h.drawn())
	}
	h.typeKeys(t, "ABC")
	if h.Field.Text() != "ABC" {
		t.Errorf("the field took %q while busy", h.Field.Text())
	}
	h.Field.Clear()
	close(h.src.gate)
	h.run.Wait()
	list := h.Scanned()
	if len(list) != 2 || list[0].OrderNo != dbtest.ShopeeToShip || list[1].OrderNo != tiktokToProcess {
		t.Fatalf("list, newest first: %+v", list)
	}
	if got := h.Last(); got.Title != dbtest.ShopeeToShip || got.Verdict != domain.ScanAlready {
		t.Errorf("the panel shows %+v, want the second scan", got)
	}
	if !slices.Equal(h.sounds, []string{SoundDone, SoundAlready}) || h.Busy() {
		t.Errorf("sounds %v, busy %v", h.sounds, h.Busy())
	}
	// The list is drawn, newest first.
	drawn := h.drawn()
	if i, j := strings.Index(drawn, dbtest.ShopeeTracking), strings.Index(drawn, tiktokTracking); i < 0 || j < 0 || i > j {
		t.Errorf("the list does not show both parcels newest first: %s", drawn)
	}
}

// F4 asks before clearing the list; when the question is dismissed the field has the keyboard
// again; F4 then Enter clears the list.
func TestClearListAsksAndGivesTheKeyboardBack(t *testing.T) {
	h := open(t)
	h.scan(t, tiktokToProcess)
	h.scan(t, dbtest.ShopeeTracking)
	h.press(t, fyne.KeyF4)
	c := h.win.Canvas()
	if c.Overlays().Top() == nil || !strings.Contains(h.drawn(), "Take all 2 parcels off this list?") {
		t.Fatalf("F4 asked nothing; drawn: %s", h.drawn())
	}
	if c.Focused() == h.Field {
		t.Fatal("the field kept the keyboard under the question")
	}
	h.keepFocus() // the guard leaves a dialog's keyboard alone
	if c.Focused() == h.Field {
		t.Fatal("the guard took the keyboard from the question")
	}
	h.press(t, fyne.KeyEscape)
	if c.Overlays().Top() != nil || len(h.Scanned()) != 2 {
		t.Fatalf("Escape: dialog %v, list %d", c.Overlays().Top(), len(h.Scanned()))
	}
	if c.Focused() != h.Field {
		t.Fatalf("after the question was dismissed %T has the keyboard", c.Focused())
	}
	h.press(t, fyne.KeyF4)
	h.press(t, fyne.KeyReturn)
	if len(h.Scanned()) != 0 || c.Overlays().Top() != nil {
		t.Fatalf("F4, Enter: list %+v", h.Scanned())
	}
	if c.Focused() != h.Field {
		t.Fatalf("after clearing %T has the keyboard", c.Focused())
	}
	if strings.Contains(h.drawn(), tiktokTracking) || !strings.Contains(h.drawn(), "No parcels scanned yet") {
		t.Errorf("the cleared list is still drawn: %s", h.drawn())
	}
	// The orders stay where they are; a new scan starts a new list.
	h.now = h.now.Add(time.Minute)
	h.scan(t, dbtest.ShopeeTracking)
	if len(h.Scanned()) != 1 {
		t.Errorf("list after a new scan: %+v", h.Scanned())
	}
}

// Taps and stray focus never keep the keyboard from the field.
func TestTheFieldKeepsTheKeyboard(t *testing.T) {
	h := open(t)
	c := h.win.Canvas()
	if c.Focused() != h.Field {
		t.Fatalf("on opening %T has the keyboard", c.Focused())
	}
	// Something else took the focus (a Tab, a tap on a button): the guard takes it back.
	c.Focus(h.buttons[0])
	if c.Focused() == h.Field {
		t.Fatal("the button did not take the focus")
	}
	h.keepFocus()
	if c.Focused() != h.Field {
		t.Fatalf("the guard left the keyboard with %T", c.Focused())
	}
	// The guard's animation checks once a round, not on every frame.
	h.guardStep(0.1)
	c.Focus(h.buttons[0])
	h.guardStep(0.5)
	if c.Focused() == h.Field {
		t.Fatal("the guard acted in the middle of a round")
	}
	h.guardStep(0.05)
	if c.Focused() != h.Field {
		t.Fatalf("a new round of the guard left the keyboard with %T", c.Focused())
	}
	// A hidden station leaves the keyboard alone.
	c.Focus(h.buttons[0])
	h.Content().Hide()
	h.keepFocus()
	if c.Focused() == h.Field {
		t.Error("a hidden station took the keyboard")
	}
	h.Content().Show()
	// A tap on the panel, or on the station's background.
	test.Tap(h.panel)
	if c.Focused() != h.Field {
		t.Fatalf("after a tap on the panel %T has the keyboard", c.Focused())
	}
	c.Focus(h.buttons[0])
	test.TapCanvas(c, fyne.NewPos(1270, 790))
	if c.Focused() != h.Field {
		t.Fatalf("after a tap on the background %T has the keyboard", c.Focused())
	}
	// A tap on a row of the list.
	h.scan(t, dbtest.ShopeeTracking)
	test.TapCanvas(c, fyne.CurrentApp().Driver().AbsolutePositionForObject(h.table).AddXY(60, 50))
	if c.Focused() != h.Field {
		t.Fatalf("after a tap on the list %T has the keyboard", c.Focused())
	}
	if len(h.Scanned()) != 1 {
		t.Errorf("list %+v", h.Scanned())
	}
}

// Esc clears the panel; the next scan fills it again.
func TestEscClearsThePanel(t *testing.T) {
	h := open(t)
	if h.Last().Verdict != Waiting {
		t.Fatalf("before any scan: %+v", h.Last())
	}
	h.scan(t, dbtest.ShopeeInCancel)
	if !strings.Contains(h.drawn(), "DO NOT SHIP") {
		t.Fatalf("drawn: %s", h.drawn())
	}
	h.press(t, fyne.KeyEscape)
	if got := h.Last(); got.Verdict != Waiting || got.Colour != Neutral {
		t.Errorf("after Esc: %+v", got)
	}
	if strings.Contains(h.drawn(), "DO NOT SHIP") {
		t.Errorf("the panel still shows the refusal: %s", h.drawn())
	}
	h.now = h.now.Add(time.Minute)
	h.scan(t, dbtest.ShopeeInCancel)
	if h.Last().Verdict != domain.ScanMustNotShip {
		t.Errorf("after Esc, a scan shows %+v", h.Last())
	}
}

// The shortcuts and buttons are on screen, with their keys.
func TestShortcutsAreShown(t *testing.T) {
	h := open(t)
	drawn := h.drawn()
	for _, want := range []string{"Print AWB (F2)", "Print Courier Manifest (F3)", "Clear list (F4)", "F4 Clear list", "Esc clear the message",
		"Order no", "Tracking no", "Result"} {
		if !strings.Contains(drawn, want) {
			t.Errorf("%q is not on screen; drawn: %s", want, drawn)
		}
	}
}

// F2 and F3 print the list; with nothing to print, or no printing, the panel says so in red.
func TestPrintTheScannedList(t *testing.T) {
	h := open(t)
	h.press(t, fyne.KeyF3)
	if got := h.Last(); got.Colour != Red || !strings.Contains(got.Words, "printing is not set up") || h.PrintDialog() != nil {
		t.Errorf("F3 without printing: %+v", got)
	}
	docs := documents.New(h.f.DB, nil, nil)
	h.Printing = docs
	h.press(t, fyne.KeyF2)
	if got := h.Last(); got.Colour != Red || got.Title != "Nothing to print" || h.PrintDialog() != nil {
		t.Errorf("F2 with an empty list: %+v", got)
	}

	h.scan(t, tiktokToProcess)
	h.scan(t, dbtest.ShopeeTracking)
	h.drain(t)
	h.press(t, fyne.KeyF3)
	h.run.Wait()
	p := h.PrintDialog()
	if p == nil || p.Document() != domain.DocManifest || !strings.Contains(h.drawn(), "2 orders selected") {
		t.Fatalf("F3 opened no manifest dialog for 2 orders; drawn: %s", h.drawn())
	}
	out := filepath.Join(t.TempDir(), "manifest.pdf")
	p.SaveTo(out)
	h.run.Wait()
	text := pdftest.Text(t, out)
	for _, no := range []string{tiktokToProcess, dbtest.ShopeeToShip} {
		if !strings.Contains(text, no) {
			t.Errorf("the manifest leaves out %s:\n%s", no, text)
		}
	}
	if strings.Contains(text, dbtest.LazadaToShip) {
		t.Errorf("the manifest has %s, which was not scanned:\n%s", dbtest.LazadaToShip, text)
	}
	// Closing the dialog gives the keyboard back (the guard, on its next round).
	p.Close()
	h.keepFocus()
	if h.win.Canvas().Focused() != h.Field {
		t.Errorf("after the print dialog %T has the keyboard", h.win.Canvas().Focused())
	}
}

// A data file that fails is shown in red, and the station goes on.
func TestAFailingDataFileIsShownInRed(t *testing.T) {
	h := open(t)
	h.f.DB.Close()
	h.scan(t, tiktokToProcess)
	got := h.Last()
	if got.Verdict != Failed || got.Colour != Red || !strings.HasPrefix(got.Words, "Could not look up "+tiktokToProcess) {
		t.Errorf("lookup on a closed file: %+v", got)
	}
	if !slices.Equal(h.sounds, []string{SoundWrongStage}) || len(h.Scanned()) != 0 || h.Busy() {
		t.Errorf("sounds %v, list %+v, busy %v", h.sounds, h.Scanned(), h.Busy())
	}
	if !strings.Contains(h.drawn(), "Could not look up") {
		t.Errorf("the error is not on screen: %s", h.drawn())
	}
	if h.win.Canvas().Focused() != h.Field {
		t.Errorf("after the error %T has the keyboard", h.win.Canvas().Focused())
	}
}
