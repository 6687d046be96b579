package db

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/vault"
)

func openVaulted(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kedai.db")
	d, err := OpenWith(path, Options{Vault: vault.Options{NoKeychain: true, Dir: filepath.Join(t.TempDir(), "keys")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, path
}

var secrets = Secrets{AppSecret: "app-secret-XYZ", Tokens: market.Tokens{Access: "access-ABC", Refresh: "refresh-DEF",
	AccessExpires: now.Add(4 * time.Hour).UTC(), RefreshExpires: now.Add(30 * 24 * time.Hour).UTC()}}

func link(t *testing.T, d *DB, name string) domain.Store {
	t.Helper()
	s, err := d.LinkStore(ctx, domain.Store{Platform: domain.Shopee, Name: name, Region: "MY", ShopID: "318204556"},
		Link{BaseURL: "http://127.0.0.1:1/shopee", AppKey: "2001887"}, secrets, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLinkedStoreSecretsAreSealed(t *testing.T) {
	d, path := openVaulted(t)
	s := link(t, d, "Butik Ayu")
	got, err := d.StoreSecrets(ctx, s.ID)
	if err != nil || got.AppSecret != secrets.AppSecret || got.Tokens.Refresh != secrets.Tokens.Refresh ||
		!got.Tokens.AccessExpires.Equal(secrets.Tokens.AccessExpires) {
		t.Fatalf("secrets back: %+v %v", got, err)
	}
	st, err := d.SyncState(ctx, s.ID)
	if err != nil || !st.Cursor.Equal(now.Add(-72*time.Hour).Truncate(time.Millisecond)) {
		t.Errorf("first cursor %v, want three days back (%v)", st.Cursor, err)
	}
	d.Close()
	for _, f := range []string{path, path + "-wal"} {
		raw, _ := os.ReadFile(f)
		for _, secret := range []string{"app-secret-XYZ", "access-ABC", "refresh-DEF"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s holds %q in plain text", filepath.Base(f), secret)
			}
		}
	}
}

func TestKeeperRotatesTokensDurably(t *testing.T) {
	d, path := openVaulted(t)
	s := link(t, d, "Butik Ayu")
	k := d.Keeper(s.ID)
	next := market.Tokens{Access: "access-2", Refresh: "refresh-2", AccessExpires: now.Add(8 * time.Hour).UTC()}
	if err := k.SaveTokens(ctx, next); err != nil {
		t.Fatal(err)
	}
	// Another connection to the file, as after a crash, sees the new pair and the same app secret.
	keys := d.vaultOpt
	d.Close()
	d2, err := OpenWith(path, Options{Vault: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	got, err := d2.Keeper(s.ID).Tokens(ctx)
	if err != nil || got.Refresh != "refresh-2" || got.Access != "access-2" {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
	sec, _ := d2.StoreSecrets(ctx, s.ID)
	if sec.AppSecret != secrets.AppSecret {
		t.Errorf("the app secret was lost when the tokens changed: %q", sec.AppSecret)
	}
}

func TestLinkRefusals(t *testing.T) {
	d, _ := openVaulted(t)
	bad := []struct {
		link Link
		sec  Secrets
		days int
		says string
	}{
		{Link{BaseURL: "x", AppKey: "k"}, secrets, 0, "1 to 90 days"},
		{Link{BaseURL: "x", AppKey: "k"}, secrets, 91, "1 to 90 days"},
		{Link{AppKey: "k"}, secrets, 3, "base URL"},
		{Link{BaseURL: "x", AppKey: "k"}, Secrets{AppSecret: "s"}, 3, "access token"},
	}
	for _, b := range bad {
		_, err := d.LinkStore(ctx, domain.Store{Platform: domain.Lazada, Name: "X"}, b.link, b.sec, b.days, now)
		if err == nil || !strings.Contains(err.Error(), b.says) {
			t.Errorf("%+v: %v", b, err)
		}
	}
	if stores, _ := d.Stores(ctx); len(stores) != 0 {
		t.Errorf("a refused link left a store: %v", stores)
	}
}

func TestWrongKeyCannotOpenSecrets(t *testing.T) {
	d, path := openVaulted(t)
	s := link(t, d, "Butik Ayu")
	d.Close()
	other, err := OpenWith(path, Options{Vault: vault.Options{NoKeychain: true, Dir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.StoreSecrets(ctx, s.ID); err == nil {
		t.Fatal("secrets opened without their key")
	}
}

func TestSaveBatchMovesCursorOnlyOnFinal(t *testing.T) {
	d, _ := openVaulted(t)
	s := link(t, d, "Butik Ayu")
	before, _ := d.SyncState(ctx, s.ID)
	end := now.Add(-time.Minute)
	page := market.Batch{Orders: []domain.Order{order(s, "A1", "COMPLETED", t0), order(s, "A2", "READY_TO_SHIP", t0)}}
	if err := d.SaveBatch(ctx, s.ID, page, end, now); err != nil {
		t.Fatal(err)
	}
	if st, _ := d.SyncState(ctx, s.ID); !st.Cursor.Equal(before.Cursor) || st.TotalPulled != 2 {
		t.Errorf("a middle page moved the cursor: %+v", st)
	}
	final := market.Batch{Orders: []domain.Order{order(s, "A3", "SHIPPED", t0)}, Returns: map[string]bool{"A1": true, "ZZ": true}, Final: true}
	if err := d.SaveBatch(ctx, s.ID, final, end, now); err != nil {
		t.Fatal(err)
	}
	st, _ := d.SyncState(ctx, s.ID)
	if !st.Cursor.Equal(end.Truncate(time.Millisecond)) {
		t.Errorf("final page: cursor %v, want %v", st.Cursor, end)
	}
	counts, _ := d.TabCounts(ctx, domain.OrderQuery{})
	if counts[domain.TabToReturn] != 1 || counts[domain.TabCompleted] != 0 {
		t.Errorf("return request: %v", counts)
	}
	// A later pull of the order (the order API knows nothing of returns) keeps it on To Return.
	if err := d.SaveBatch(ctx, s.ID, market.Batch{Orders: []domain.Order{order(s, "A1", "COMPLETED", t0)}}, end, now); err != nil {
		t.Fatal(err)
	}
	if counts, _ := d.TabCounts(ctx, domain.OrderQuery{}); counts[domain.TabToReturn] != 1 {
		t.Errorf("the return was forgotten: %v", counts)
	}
	// The returns API says it is over: back to Completed.
	d.SaveBatch(ctx, s.ID, market.Batch{Returns: map[string]bool{"A1": false}, Final: true}, end.Add(time.Minute), now)
	if counts, _ := d.TabCounts(ctx, domain.OrderQuery{}); counts[domain.TabToReturn] != 0 || counts[domain.TabCompleted] != 1 {
		t.Errorf("after the return closed: %v", counts)
	}
	// A batch that cannot be saved changes nothing, cursor included.
	bad := market.Batch{Orders: []domain.Order{order(s, "", "SHIPPED", t0)}, Final: true}
	if err := d.SaveBatch(ctx, s.ID, bad, end.Add(time.Hour), now); err == nil {
		t.Error("a bad batch was saved")
	}
	if st2, _ := d.SyncState(ctx, s.ID); !st2.Cursor.Equal(end.Add(time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("a refused batch moved the cursor to %v", st2.Cursor)
	}
}

func TestRecordRun(t *testing.T) {
	d, _ := openVaulted(t)
	s := link(t, d, "Butik Ayu")
	fail := RunResult{Started: now, Finished: now, Err: context.DeadlineExceeded, Next: now.Add(time.Minute)}
	d.RecordRun(ctx, s.ID, fail)
	d.RecordRun(ctx, s.ID, fail)
	st, _ := d.SyncState(ctx, s.ID)
	if st.Failures != 2 || st.LastError == "" || !st.NextRun.Equal(now.Add(time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("after two failures: %+v", st)
	}
	d.RecordRun(ctx, s.ID, RunResult{Started: now, Finished: now.Add(time.Second), Pulled: 7, Next: now.Add(30 * time.Second)})
	st, _ = d.SyncState(ctx, s.ID)
	if st.Failures != 0 || st.LastError != "" || st.OrdersPulled != 7 || st.LastSuccess.IsZero() {
		t.Errorf("after a success: %+v", st)
	}
	d.RecordRun(ctx, s.ID, RunResult{Started: now, Finished: now, Err: market.ErrRelink, Relink: true})
	if st, _ := d.SyncState(ctx, s.ID); !st.NeedsRelink {
		t.Error("relink not recorded")
	}
	d.Relink(ctx, s.ID, secrets)
	if st, _ := d.SyncState(ctx, s.ID); st.NeedsRelink || st.Failures != 0 {
		t.Errorf("after relink: %+v", st)
	}
}
