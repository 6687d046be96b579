package stores

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
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
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// source reads stores from the file and their sync states from the engine, as the shell does.
type source struct {
	*db.DB
	*engine.Engine
}

type harness struct {
	*Screen
	sim    *sim.Sim
	srv    *httptest.Server
	d      *db.DB
	e      *engine.Engine
	run    *widgets.Runner
	opened chan string
}

func freeRedirect(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return "http://" + ln.Addr().String() + "/callback"
}

func newHarness(t *testing.T) *harness {
	test.NewTempApp(t)
	redirect := freeRedirect(t)
	h := &harness{sim: sim.New(sim.Options{Seed: 4, Redirect: redirect}), d: dbtest.Open(t), run: &widgets.Runner{Manual: true},
		opened: make(chan string, 4)}
	h.srv = httptest.NewServer(h.sim.Handler())
	t.Cleanup(h.srv.Close)
	h.e = engine.New(h.d, engine.Options{Redirect: redirect, Lag: 1100 * time.Millisecond, RetryBase: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go h.e.Run(ctx)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	h.Screen = New(source{h.d, h.e}, h.e, win, h.run)
	h.OpenURL = func(u string) error { h.opened <- u; return nil }
	win.SetContent(h.Content())
	win.Resize(fyne.NewSize(1280, 800))
	return h
}

// browse is the seller's browser: approve the shop on the sign-in page and come back to Kedai.
func browse(authURL, shopID string) error {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL + "&shop=" + shopID)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return fmt.Errorf("sign-in page answered %d", resp.StatusCode)
	}
	resp, err = http.Get(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func TestLinkAStoreFromTheScreen(t *testing.T) {
	h := newHarness(t)
	shop := h.sim.AddShop(domain.Shopee, "Butik Ayu", "MY")
	h.sim.Generate(domain.Shopee, shop.ID, 30)
	time.Sleep(1200 * time.Millisecond) // the platform filters by whole seconds
	app := h.sim.App(domain.Shopee)

	h.ShowLink(domain.LinkRequest{})
	l := h.link
	l.platform.SetSelected(domain.Shopee.Title())
	test.Tap(l.signIn) // an empty form is refused in place
	if !strings.Contains(l.message.Text, "name") {
		t.Fatalf("empty form: %q", l.message.Text)
	}
	test.Type(l.name, "Butik Ayu Shopee")
	test.Type(l.appKey, app.Key)
	test.Type(l.secret, app.Secret)
	l.days.SetText("120")
	test.Tap(l.signIn)
	if !strings.Contains(l.message.Text, "1 to 90") {
		t.Fatalf("121 days: %q", l.message.Text)
	}
	l.days.SetText("7")
	l.baseURL.SetText(h.srv.URL + "/shopee")
	if l.service.Disabled() == false {
		t.Error("the TikTok-only service id is open for Shopee")
	}
	test.Tap(l.signIn)
	var authURL string
	done := make(chan error, 1)
	go func() {
		authURL = <-h.opened
		done <- browse(authURL, shop.ID)
	}()
	h.run.Wait() // BeginLink, the browser, the wait, the saved store
	if err := <-done; err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(authURL, "/api/v2/shop/auth_partner") {
		t.Errorf("the browser opened %s", authURL)
	}
	if !strings.Contains(l.message.Text, "is linked") {
		t.Fatalf("after sign-in: %q", l.message.Text)
	}
	h.run.Wait()
	if len(h.Rows()) != 1 || h.Rows()[0].Store.Name != "Butik Ayu Shopee" || h.Rows()[0].Store.ShopID != shop.ID {
		t.Fatalf("rows %+v", h.Rows())
	}
	// The first sync starts by itself.
	deadline := time.Now().Add(20 * time.Second)
	for {
		h.Reload()
		h.run.Wait()
		if r := h.Rows()[0]; r.Sync.Health() == domain.HealthOK && r.Sync.TotalPulled >= 30 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("first sync: %+v", h.Rows()[0].Sync)
		}
		time.Sleep(100 * time.Millisecond)
	}
	texts := strings.Join(uitest.DrawnText(h.win.Canvas()), "|")
	for _, want := range []string{"Butik Ayu Shopee", "Shopee · MY", "synced", "1 store syncing", "Shipping: not chosen"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the screen does not show %q: %s", want, texts)
		}
	}

	// How the store ships: chosen once, remembered in the file, shown on its row.
	if !uitest.Tap(h.win.Canvas(), "Shipping: not chosen") {
		t.Fatal("no shipping button on the store's row")
	}
	h.run.Wait()
	choice, ok := uitest.Find[*widget.RadioGroup](h.win.Canvas())
	if !ok {
		t.Fatal("the shipping dialog has no choice")
	}
	choice.SetSelected("I drop them off (drop-off)")
	if !uitest.Tap(h.win.Canvas(), "Remember") {
		t.Fatal("no Remember button")
	}
	h.run.Wait()
	if ship, ok, err := h.e.StoreShipping(context.Background(), h.Rows()[0].Store.ID); err != nil || !ok || ship.Method != domain.DropOff {
		t.Errorf("remembered %+v %v %v", ship, ok, err)
	}
	if texts := strings.Join(uitest.DrawnText(h.win.Canvas()), "|"); !strings.Contains(texts, "Shipping: drop-off") {
		t.Errorf("the row does not show the choice: %s", texts)
	}
}

func TestStoreThatNeedsRelinkingShowsRedWithLinkAgain(t *testing.T) {
	h := newHarness(t)
	shop := h.sim.AddShop(domain.TikTok, "Serba Ada", "MY")
	access, _, _ := h.sim.Grant(domain.TikTok, shop.ID)
	app := h.sim.App(domain.TikTok)
	st, err := h.d.LinkStore(context.Background(), domain.Store{Platform: domain.TikTok, Name: "Serba Ada TikTok", Region: "MY", ShopID: shop.ID},
		db.Link{BaseURL: h.srv.URL + "/tiktok", AppKey: app.Key, ServiceID: app.ServiceID, Cipher: shop.Cipher},
		db.Secrets{AppSecret: app.Secret, Tokens: market.Tokens{Access: access, Refresh: "revoked", AccessExpires: time.Now().Add(-time.Hour)}},
		3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.e.SyncNow(st.ID)
	deadline := time.Now().Add(20 * time.Second)
	for {
		h.Reload()
		h.run.Wait()
		if len(h.Rows()) == 1 && h.Rows()[0].Sync.Health() == domain.HealthRelink {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows %+v", h.Rows())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if Summary(h.Rows()) != "Link again: Serba Ada TikTok" || HealthColour(domain.HealthRelink) != widgets.BadgeRed {
		t.Errorf("summary %q", Summary(h.Rows()))
	}
	texts := strings.Join(uitest.DrawnText(h.win.Canvas()), "|")
	if !strings.Contains(texts, "Link again") || !strings.Contains(texts, "sign-in expired") {
		t.Errorf("no relink prompt drawn: %s", texts)
	}
	// Link again opens the dialog for that store, with its platform and name fixed.
	h.ShowLink(domain.LinkRequest{Platform: domain.TikTok, Name: "Serba Ada TikTok", Region: "MY", Relink: st.ID})
	if !h.link.name.Disabled() || !h.link.platform.Disabled() || h.link.service.Disabled() {
		t.Error("the relink dialog lets the store's platform or name change, or hides TikTok's service id")
	}
}

// Escape closes the link dialog from its lists and its fields.
func TestLinkDialogClosesOnEscape(t *testing.T) {
	h := newHarness(t)
	h.ShowLink(domain.LinkRequest{})
	l := h.link
	l.platform.SetSelected(domain.Lazada.Title())
	h.win.Canvas().Focus(l.platform)
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.win.Canvas().Overlays().Top() != nil {
		t.Error("Escape from the platform list left the link dialog open")
	}
	// And from the field that has the keyboard when it opens, and the secret's.
	for _, field := range []func(*linkDialog) fyne.Focusable{
		func(l *linkDialog) fyne.Focusable { return l.name },
		func(l *linkDialog) fyne.Focusable { return l.secret },
	} {
		h.ShowLink(domain.LinkRequest{})
		h.win.Canvas().Focus(field(h.link))
		h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if h.win.Canvas().Overlays().Top() != nil {
			t.Error("Escape from a field left the link dialog open")
		}
	}
}
