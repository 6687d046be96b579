//go:build linux

package settings

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/sqlaccount"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// link is SQL Account as cmd/kedai gives it to the card: the API client over a connection, and
// the pull into the data file over the kept one.
func link(d *db.DB) SQLAccLink {
	desk := sqlaccount.Desk{DB: d} // what the window gives the card
	return SQLAccLink{Version: desk.TestConnection, Pull: desk.Pull}
}

// sqlAcc runs a SQL Account simulator on 127.0.0.1 with the demo company.
func sqlAcc(t *testing.T) string {
	t.Helper()
	a := sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: sim.DemoAccessKey, SecretKey: sim.DemoSecretKey,
		Seed: demo.SQLAccSeed([]string{dbtest.LazadaStore, dbtest.ShopeeStore, dbtest.TikTokStore})})
	url, stop, err := a.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	return url
}

type sqlAccHarness struct {
	s   *Screen
	c   *SQLAccCard
	f   *dbtest.Fixture
	win fyne.Window
	run *widgets.Runner
}

func openSQLAcc(t *testing.T, f *dbtest.Fixture) *sqlAccHarness {
	t.Helper()
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	run := &widgets.Runner{Manual: true}
	s := New(win, run)
	s.UseSQLAccount(f.DB, link(f.DB))
	win.SetContent(s.Content())
	win.Resize(fyne.NewSize(1280, 1000))
	s.Reload()
	run.Wait()
	return &sqlAccHarness{s: s, c: s.SQLAccount(), f: f, win: win, run: run}
}

func (h *sqlAccHarness) drawn() string { return strings.Join(uitest.DrawnText(h.win.Canvas()), "|") }

// The SQL Account card: the connection is saved (or refused, changing nothing), its keys are
// kept but never shown again, Test Connection goes green with the version or red with the
// error, Sync fills the lists the other screens choose from, and the posting settings are kept.
func TestSQLAccountCard(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	url := sqlAcc(t)
	h := openSQLAcc(t, f)
	c := h.c
	if c.URL.Text != "" || c.Region.Text != DefaultRegion || c.Service.Text != DefaultService {
		t.Errorf("a new file shows %q, %q, %q", c.URL.Text, c.Region.Text, c.Service.Text)
	}
	if !strings.Contains(c.SyncedAt.Text, "Never synced") {
		t.Errorf("never synced reads %q", c.SyncedAt.Text)
	}

	// Refused: no keys. Nothing is kept.
	test.Type(c.URL, url)
	test.Tap(c.Save)
	h.run.Wait()
	if got, _ := f.DB.SQLAccConfig(t.Context()); got != (domain.SQLAccConfig{}) || !strings.HasPrefix(c.Status.Text, "Not saved: ") {
		t.Fatalf("saved without keys: %+v, status %q", got, c.Status.Text)
	}

	// Test Connection with a wrong secret: red, with the reason.
	test.Type(c.AccessKey, sim.DemoAccessKey)
	test.Type(c.SecretKey, "not-the-secret")
	test.Tap(c.Test)
	h.run.Wait()
	if ok, text := c.Connected(); ok || text == "" || c.Dot.FillColor != widgets.BadgeRed {
		t.Errorf("a wrong secret: connected %v, %q", ok, text)
	}
	t.Logf("a wrong secret reads: %s", c.Connection.Text)

	// Saved with the right keys; the key fields are emptied and say the keys are kept.
	c.SecretKey.SetText("")
	test.Type(c.SecretKey, sim.DemoSecretKey)
	test.Tap(c.Save)
	h.run.Wait()
	want := domain.SQLAccConfig{URL: url, AccessKey: sim.DemoAccessKey, SecretKey: sim.DemoSecretKey, Region: DefaultRegion, Service: DefaultService}
	if got, err := f.DB.SQLAccConfig(t.Context()); err != nil || got != want {
		t.Fatalf("kept %+v (%v), want %+v", got, err, want)
	}
	if c.AccessKey.Text != "" || c.SecretKey.Text != "" || c.SecretKey.PlaceHolder != keptWords || !strings.Contains(c.Status.Text, "saved") {
		t.Errorf("after saving: access %q, secret %q (%q), status %q", c.AccessKey.Text, c.SecretKey.Text, c.SecretKey.PlaceHolder, c.Status.Text)
	}

	// The kept keys are used when the fields are left empty: green, with the version.
	test.Tap(c.Test)
	h.run.Wait()
	if ok, text := c.Connected(); !ok || text != "Connected: SQL Account "+sim.SQLAccAPIVersion {
		t.Fatalf("Test Connection with the kept keys: %v %q", ok, text)
	}

	// A wrong region: the simulator refuses the signature, red.
	c.Region.SetText("us-east-1")
	test.Tap(c.Test)
	h.run.Wait()
	if ok, _ := c.Connected(); ok {
		t.Error("a wrong region connected")
	}
	c.Region.SetText(DefaultRegion)

	// Sync pulls every list, says what came, and shows when.
	test.Tap(c.Sync)
	if !c.Syncing() || c.Cancel.Hidden || !c.Progress.Visible() {
		t.Error("a running sync shows no progress or Cancel")
	}
	h.run.Wait()
	if c.Syncing() || !c.Cancel.Hidden || c.Progress.Visible() {
		t.Error("a finished sync still shows its progress")
	}
	if !strings.HasPrefix(c.SyncState.Text, "Synced at ") || !strings.Contains(c.SyncState.Text, "stock items") || !strings.Contains(c.SyncState.Text, "tax codes") {
		t.Errorf("after the sync: %q", c.SyncState.Text)
	}
	if !strings.HasPrefix(c.SyncedAt.Text, "Last synced ") {
		t.Errorf("synced at reads %q", c.SyncedAt.Text)
	}
	items, _ := f.DB.StockItems(t.Context(), "", 10)
	customers, _ := f.DB.Codes(t.Context(), domain.CodeCustomer)
	tax, _ := f.DB.Codes(t.Context(), domain.CodeTax)
	if len(items) == 0 || len(customers) == 0 || len(tax) == 0 {
		t.Fatalf("the sync brought %d items, %d customers, %d tax codes", len(items), len(customers), len(tax))
	}

	// Posting settings: the synced tax codes are offered.
	if len(c.Tax.Options) != len(tax)+1 || c.Tax.Selected != noTax {
		t.Fatalf("tax choices %v, chosen %q", c.Tax.Options, c.Tax.Selected)
	}
	var sales domain.AccountCode
	for _, x := range tax {
		if x.Rate > 0 {
			sales = x
		}
	}
	c.Tax.SetSelected(TaxChoice(sales))
	c.Mode.SetSelected(allWords)
	test.Tap(c.Inclusive)
	test.Tap(c.Cancelled)
	test.Tap(c.SavePosting)
	h.run.Wait()
	wantSet := domain.PostSettings{Mode: domain.PostAll, Tax: sales.Code, TaxRate: sales.Rate, TaxInclusive: true, IncludeCancelled: true}
	if got, err := f.DB.PostSettings(t.Context()); err != nil || got != wantSet {
		t.Fatalf("posting settings kept %+v (%v), want %+v; status %q", got, err, wantSet, c.PostingStatus.Text)
	}

	// The secret is never drawn, nor put in a field, on this screen or a new one over the file.
	for _, secret := range []string{sim.DemoSecretKey, sim.DemoAccessKey} {
		if strings.Contains(h.drawn(), secret) {
			t.Errorf("the card draws a key")
		}
	}
	again := openSQLAcc(t, f)
	c2 := again.c
	if c2.URL.Text != url || c2.AccessKey.Text != "" || c2.SecretKey.Text != "" || c2.SecretKey.PlaceHolder != keptWords || c2.AccessKey.PlaceHolder != keptWords {
		t.Errorf("reopened: url %q, keys %q %q, placeholders %q %q", c2.URL.Text, c2.AccessKey.Text, c2.SecretKey.Text, c2.AccessKey.PlaceHolder, c2.SecretKey.PlaceHolder)
	}
	if c2.Mode.Selected != allWords || c2.Tax.Selected != TaxChoice(sales) || !c2.Inclusive.Checked || !c2.Cancelled.Checked {
		t.Errorf("reopened posting settings: %q %q %v %v", c2.Mode.Selected, c2.Tax.Selected, c2.Inclusive.Checked, c2.Cancelled.Checked)
	}
	if strings.Contains(again.drawn(), sim.DemoSecretKey) || !strings.Contains(again.drawn(), keptWords) {
		t.Error("reopened, the card draws the secret, or does not say the keys are kept")
	}

	// Changing only the address keeps the kept keys.
	c2.Service.SetText("execute-api")
	test.Tap(c2.Save)
	again.run.Wait()
	if got, _ := f.DB.SQLAccConfig(t.Context()); got != want {
		t.Errorf("saving with empty key fields kept %+v", got)
	}
}

// Cancel stops a sync; what was pulled whole is kept and the card says so.
func TestSQLAccountSyncCancel(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	url := sqlAcc(t)
	if err := f.DB.SetSQLAccConfig(t.Context(), domain.SQLAccConfig{URL: url, AccessKey: sim.DemoAccessKey, SecretKey: sim.DemoSecretKey}); err != nil {
		t.Fatal(err)
	}
	h := openSQLAcc(t, f)
	test.Tap(h.c.Sync)
	if h.win.Canvas().Focused() != h.c.Cancel {
		t.Error("Cancel does not have the focus while syncing")
	}
	h.c.Cancel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.run.Wait()
	if h.c.Syncing() || !strings.Contains(h.c.SyncState.Text, "cancelled") {
		t.Fatalf("after Cancel: syncing %v, %q", h.c.Syncing(), h.c.SyncState.Text)
	}
	if at, _ := f.DB.SQLAccSyncedAt(t.Context()); !at.IsZero() && !strings.HasPrefix(h.c.SyncedAt.Text, "Last synced") {
		t.Errorf("synced at %v shown as %q", at, h.c.SyncedAt.Text)
	}

	// A sync without a kept connection fails with the reason.
	f2 := dbtest.New(t, 0)
	h2 := openSQLAcc(t, f2)
	test.Tap(h2.c.Sync)
	h2.run.Wait()
	if !strings.HasPrefix(h2.c.SyncState.Text, "Sync failed: ") {
		t.Errorf("a sync with nothing set up: %q", h2.c.SyncState.Text)
	}
}
