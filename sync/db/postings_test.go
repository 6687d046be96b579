package db_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
)

const (
	shopeeShipped   = "241101AAAA0003"
	shopeeCompleted = "241101AAAA0006"
	tiktokOthers    = dbtest.TikTokOthers
	tiktokDelivered = "576400000000000010"
)

func load(t *testing.T, f *dbtest.Fixture, no string) domain.Order {
	t.Helper()
	o, err := f.DB.Order(t.Context(), f.ID(t, no))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// sameNumber adds an order of another store with the number of an existing one.
func sameNumber(t *testing.T, f *dbtest.Fixture, p domain.Platform, no string) domain.Order {
	t.Helper()
	o := domain.Order{StoreID: f.Stores[p].ID, OrderNo: no, Status: domain.TtCompleted, CreatedAt: dbtest.Now.Add(-time.Hour),
		Currency: "MYR", Items: []domain.Item{{SKU: "TDG-CHF-BLK", Name: "Tudung", Qty: 1, Status: domain.LzDelivered}}}
	if err := f.DB.SaveOrders(t.Context(), []domain.Order{o}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	rows, err := f.DB.FindOrders(t.Context(), no, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.StoreID == o.StoreID && r.OrderNo == no {
			got, err := f.DB.Order(t.Context(), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
	}
	t.Fatalf("order %s of %s not saved", no, p)
	return o
}

func docNo(t *testing.T, f *dbtest.Fixture, o domain.Order) string {
	t.Helper()
	no, err := f.DB.DocNo(t.Context(), &o)
	if err != nil {
		t.Fatal(err)
	}
	return no
}

func TestDocNoIsStableAndUniqueAcrossStores(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	shipped := load(t, f, shopeeShipped)
	if no := docNo(t, f, shipped); no != shopeeShipped {
		t.Fatalf("docno %q, want the order number", no)
	}
	// Another store has an order with that number: both take their store's suffix (the last 4
	// characters of its shop id: SHOP-shopee, SHOP-lazada).
	lz := sameNumber(t, f, domain.Lazada, shopeeShipped)
	if no := docNo(t, f, shipped); no != shopeeShipped+"-opee" {
		t.Errorf("docno %q, want the Shopee store's suffix", no)
	}
	if no := docNo(t, f, lz); no != shopeeShipped+"-zada" {
		t.Errorf("docno %q, want the Lazada store's suffix", no)
	}
	// Once assigned (by the first attempt) it never changes, whoever comes later.
	completed := load(t, f, shopeeCompleted)
	run, err := f.DB.StartPostRun(ctx, dbtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.DB.BeginPost(ctx, run, &completed, docNo(t, f, completed), dbtest.Now); err != nil {
		t.Fatal(err)
	}
	tt := sameNumber(t, f, domain.TikTok, shopeeCompleted)
	if no := docNo(t, f, completed); no != shopeeCompleted {
		t.Errorf("assigned docno changed to %q", no)
	}
	if no := docNo(t, f, tt); no != shopeeCompleted+"-ktok" {
		t.Errorf("the later store's docno %q", no)
	}
	if _, _, err := f.DB.BeginPost(ctx, run, &completed, shopeeCompleted+"-opee", dbtest.Now); err == nil ||
		!strings.Contains(err.Error(), "is invoiced as "+shopeeCompleted) {
		t.Errorf("a second docno for one order: %v", err)
	}
	if _, _, err := f.DB.BeginPost(ctx, run, &tt, shopeeCompleted, dbtest.Now); err == nil ||
		!strings.Contains(err.Error(), "is already the invoice of order "+shopeeCompleted) {
		t.Errorf("one docno for two orders: %v", err)
	}
	if ref, err := f.DB.InvoiceRef(ctx, tt.ID); err != nil || ref.DocNo != "" {
		t.Errorf("a refused attempt assigned %+v %v", ref, err)
	}
}

// counts returns the tab counts of the live list and of the archive.
func counts(t *testing.T, f *dbtest.Fixture) (live, archived map[domain.Tab]int) {
	t.Helper()
	live, err := f.DB.TabCounts(t.Context(), domain.OrderQuery{})
	if err != nil {
		t.Fatal(err)
	}
	archived, err = f.DB.TabCounts(t.Context(), domain.OrderQuery{Archived: true})
	if err != nil {
		t.Fatal(err)
	}
	return live, archived
}

func TestPostingJournalArchivesAndUnarchives(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	o := load(t, f, shopeeShipped)
	live, arch := counts(t, f)
	if live[domain.TabShipped] != 1 || arch[domain.TabShipped] != 0 {
		t.Fatalf("before: %v %v", live, arch)
	}
	run, err := f.DB.StartPostRun(ctx, dbtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	at := dbtest.Now.Add(time.Second)
	attempt, ref, err := f.DB.BeginPost(ctx, run, &o, shopeeShipped, at)
	if err != nil {
		t.Fatal(err)
	}
	if ref != (db.InvoiceRef{OrderID: o.ID, DocNo: shopeeShipped}) {
		t.Errorf("first ref %+v: never posted", ref)
	}
	if runs, _ := f.DB.PostRuns(ctx, 5); len(runs) != 1 || !runs[0].Running || runs[0].ID != run || !runs[0].At.Equal(dbtest.Now) {
		t.Errorf("runs while sending %+v", runs)
	}
	if err := f.DB.FinishPost(ctx, attempt, db.PostPosted, 501, "", o.UpdatedAt, at.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	got := load(t, f, shopeeShipped)
	if !got.PostedAt.Equal(o.UpdatedAt) {
		t.Errorf("posted at %v, want the version posted %v", got.PostedAt, o.UpdatedAt)
	}
	live, arch = counts(t, f)
	if live[domain.TabShipped] != 0 || arch[domain.TabShipped] != 1 {
		t.Errorf("after posting: live %v archived %v", live, arch)
	}
	if ids, _ := f.DB.Unposted(ctx, []domain.Tab{domain.TabShipped}, false); len(ids) != 0 {
		t.Errorf("unposted %v", ids)
	}
	attempts, err := f.DB.PostAttempts(ctx, run)
	want := []db.PostAttempt{{ID: attempt, RunID: run, OrderID: o.ID, OrderNo: shopeeShipped, Store: dbtest.ShopeeStore,
		DocNo: shopeeShipped, State: db.PostPosted, DocKey: 501, At: at.Add(time.Second), Version: o.UpdatedAt}}
	if err != nil || !reflect.DeepEqual(attempts, want) {
		t.Errorf("attempts\n%+v\nwant\n%+v", attempts, want)
	}
	if runs, _ := f.DB.PostRuns(ctx, 5); len(runs) != 1 || runs[0].Running || runs[0].Posted != 1 || runs[0].Failed != 0 {
		t.Errorf("runs %+v", runs)
	}
	if err := f.DB.FinishPost(ctx, attempt, db.PostPosted, 501, "", o.UpdatedAt, at); err == nil {
		t.Error("an attempt ended twice")
	}

	// The platform changes the order: it leaves the archive, still posted, and is unposted again.
	changed := got
	changed.UpdatedAt = o.UpdatedAt.Add(time.Hour)
	changed.SellerNote = "buyer asked for gift wrap"
	if err := f.DB.SaveOrders(ctx, []domain.Order{changed}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	got = load(t, f, shopeeShipped)
	live, arch = counts(t, f)
	if !got.Posted() || live[domain.TabShipped] != 1 || arch[domain.TabShipped] != 0 {
		t.Errorf("changed after posting: posted %v, live %v archived %v", got.Posted(), live, arch)
	}
	if ids, _ := f.DB.Unposted(ctx, []domain.Tab{domain.TabShipped}, false); !reflect.DeepEqual(ids, []int64{o.ID}) {
		t.Errorf("unposted %v", ids)
	}
	// Posting it again updates the same invoice: the ref says so.
	run2, _ := f.DB.StartPostRun(ctx, dbtest.Now.Add(2*time.Hour))
	attempt2, ref, err := f.DB.BeginPost(ctx, run2, &got, docNo(t, f, got), dbtest.Now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ref != (db.InvoiceRef{OrderID: o.ID, DocNo: shopeeShipped, DocKey: 501, Version: o.UpdatedAt}) {
		t.Errorf("second ref %+v", ref)
	}
	// ...and the platform changes it once more while it is being sent: posted, not archived.
	again := got
	again.UpdatedAt = got.UpdatedAt.Add(time.Minute)
	if err := f.DB.SaveOrders(ctx, []domain.Order{again}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if err := f.DB.FinishPost(ctx, attempt2, db.PostPosted, 501, "", time.Time{}, dbtest.Now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got = load(t, f, shopeeShipped)
	if !got.PostedAt.Equal(changed.UpdatedAt) {
		t.Errorf("posted at %v, want the version BeginPost recorded %v", got.PostedAt, changed.UpdatedAt)
	}
	if live, _ = counts(t, f); live[domain.TabShipped] != 1 {
		t.Errorf("changed while posting, yet archived: %v", live)
	}
	if ref, _ := f.DB.InvoiceRef(ctx, o.ID); ref.Version != changed.UpdatedAt || ref.DocKey != 501 {
		t.Errorf("ref %+v", ref)
	}
}

func TestPostingFailuresAndInterruptions(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	shipped, completed, delivered := load(t, f, shopeeShipped), load(t, f, shopeeCompleted), load(t, f, tiktokDelivered)
	run, _ := f.DB.StartPostRun(ctx, dbtest.Now)

	// Refused before sending.
	if err := f.DB.FailPost(ctx, run, &shipped, `SKU "TDG-CHF-BLK" is not mapped to a stock item`, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	// Refused by SQL Account.
	a, _, err := f.DB.BeginPost(ctx, run, &completed, shopeeCompleted, dbtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		st     db.PostState
		dockey int64
		msg    string
	}{{db.PostPosted, 0, ""}, {db.PostFailed, 0, " "}, {db.PostSending, 0, "x"}} {
		if err := f.DB.FinishPost(ctx, a, bad.st, bad.dockey, bad.msg, time.Time{}, dbtest.Now); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if err := f.DB.FinishPost(ctx, 9999, db.PostFailed, 0, "x", time.Time{}, dbtest.Now); err == nil {
		t.Error("an unknown attempt ended")
	}
	if err := f.DB.FinishPost(ctx, a, db.PostFailed, 0, "unknown customer code 300-X", time.Time{}, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	// Sent, then Kedai stopped.
	b, _, err := f.DB.BeginPost(ctx, run, &delivered, tiktokDelivered, dbtest.Now)
	if err != nil {
		t.Fatal(err)
	}
	if runs, _ := f.DB.PostRuns(ctx, 0); len(runs) != 1 || !runs[0].Running || runs[0].Failed != 2 {
		t.Errorf("runs %+v", runs)
	}
	if err := f.DB.FailPost(ctx, run, &shipped, " ", dbtest.Now); err == nil {
		t.Error("a failure without a reason")
	}
	if err := f.DB.FailPost(ctx, 999, &shipped, "x", dbtest.Now); err == nil {
		t.Error("a failure in no run")
	}

	run2, err := f.DB.StartPostRun(ctx, dbtest.Now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	reasons := func() map[string]string {
		t.Helper()
		fails, err := f.DB.LastPostFailures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, a := range fails {
			out[a.OrderNo] = a.Message
		}
		return out
	}
	got := reasons()
	if len(got) != 3 || got[shopeeShipped] != `SKU "TDG-CHF-BLK" is not mapped to a stock item` ||
		got[shopeeCompleted] != "unknown customer code 300-X" || !strings.HasPrefix(got[tiktokDelivered], "interrupted") {
		t.Errorf("failures %v", got)
	}
	runs, _ := f.DB.PostRuns(ctx, 0)
	if len(runs) != 2 || runs[0].ID != run2 || runs[1].Running || runs[1].Failed != 3 || runs[1].Posted != 0 {
		t.Errorf("runs %+v", runs)
	}
	// The interrupted attempt's answer arrives after all: it counts.
	if err := f.DB.FinishPost(ctx, b, db.PostPosted, 77, "", time.Time{}, dbtest.Now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, arch := counts(t, f); arch[domain.TabDelivered] != 1 {
		t.Errorf("archive %v", arch)
	}
	// Reposted after the fix, the order leaves the failures.
	a2, ref, err := f.DB.BeginPost(ctx, run2, &completed, shopeeCompleted, dbtest.Now.Add(time.Hour))
	if err != nil || ref.DocKey != 0 {
		t.Fatalf("ref %+v %v", ref, err)
	}
	if err := f.DB.FinishPost(ctx, a2, db.PostPosted, 78, "", time.Time{}, dbtest.Now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := reasons(); len(got) != 1 || got[shopeeShipped] == "" {
		t.Errorf("failures after reposting %v", got)
	}
	attempts, _ := f.DB.PostAttempts(ctx, run)
	var states []string
	for _, a := range attempts {
		states = append(states, a.OrderNo+" "+string(a.State)+" "+a.DocNo)
	}
	if want := []string{shopeeShipped + " failed ", shopeeCompleted + " failed " + shopeeCompleted, tiktokDelivered + " posted " + tiktokDelivered}; !reflect.DeepEqual(states, want) {
		t.Errorf("first run %q, want %q", states, want)
	}
}

func TestUnposted(t *testing.T) {
	f := dbtest.New(t, 0)
	ctx := t.Context()
	ids := func(tabs []domain.Tab, cancelled bool) []string {
		t.Helper()
		list, err := f.DB.Unposted(ctx, tabs, cancelled)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, id := range list {
			o, _ := f.DB.Order(ctx, id)
			out = append(out, o.OrderNo)
		}
		return out
	}
	done := []domain.Tab{domain.TabShipped, domain.TabDelivered, domain.TabCompleted}
	if got := ids(done, false); !reflect.DeepEqual(got, []string{shopeeShipped, shopeeCompleted, tiktokDelivered}) {
		t.Errorf("unposted %v", got)
	}
	if got := ids(done, true); !reflect.DeepEqual(got, []string{shopeeShipped, shopeeCompleted, tiktokOthers, tiktokDelivered}) {
		t.Errorf("unposted with the cancelled %v", got)
	}
	if got := ids([]domain.Tab{domain.TabCompleted}, false); !reflect.DeepEqual(got, []string{shopeeCompleted}) {
		t.Errorf("completed %v", got)
	}
	if got := ids(nil, false); got != nil {
		t.Errorf("no tab %v", got)
	}
	if _, err := f.DB.Unposted(ctx, []domain.Tab{11}, false); err == nil {
		t.Error("an unknown tab listed")
	}
	o := load(t, f, shopeeCompleted)
	run, _ := f.DB.StartPostRun(ctx, dbtest.Now)
	a, _, _ := f.DB.BeginPost(ctx, run, &o, shopeeCompleted, dbtest.Now)
	if got := ids(done, false); len(got) != 3 {
		t.Errorf("an order being sent is still unposted: %v", got)
	}
	if err := f.DB.FinishPost(ctx, a, db.PostPosted, 5, "", o.UpdatedAt, dbtest.Now); err != nil {
		t.Fatal(err)
	}
	if got := ids(done, false); !reflect.DeepEqual(got, []string{shopeeShipped, tiktokDelivered}) {
		t.Errorf("after posting %v", got)
	}
}
