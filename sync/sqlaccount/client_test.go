package sqlaccount_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/sim"
	"github.com/kedai-app/kedai/sync/sqlaccount"
)

// The client against the SQL Account simulator over real HTTP on 127.0.0.1. The simulator checks
// SigV4 with its own code, written from the specification, so a signing slip fails here.

const (
	accessKey = "5b0e7c2d9a4f1e3b8c6d0a7f2e9b4c1d.sql.my/ACCOUNTAPI"
	secretKey = "Kd7/secret+KEY+for+client+tests9"
)

// seed: 123 stock items (three pages), ANT by UNIT or BOX of 12, a non-stock VOUCHER, an
// inactive item; 61 customers (two pages), one inactive; every other kind of code.
func seed() sim.SQLAccSeed {
	var s sim.SQLAccSeed
	for i := 1; i <= 120; i++ {
		s.Items = append(s.Items, sim.SQLAccItem{Code: fmt.Sprintf("ITEM-%03d", i), Description: fmt.Sprintf("Item %d", i),
			Group: "GOODS", StockControl: true,
			UOMs: []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Price: int64(100*i + 5), Barcode: fmt.Sprintf("955000%07d", i), Base: true}}})
	}
	s.Items = append(s.Items,
		sim.SQLAccItem{Code: "ANT", Description: "Antenna", Group: "GOODS", StockControl: true, UOMs: []sim.SQLAccUOM{
			{UOM: "UNIT", Rate: 1, Price: 4500, Barcode: "ANT-1", Base: true}, {UOM: "BOX", Rate: 12, Price: 50000, Barcode: "ANT-12"}}},
		sim.SQLAccItem{Code: "VOUCHER", Description: "Seller voucher", Group: "SERVICE", UOMs: []sim.SQLAccUOM{{UOM: "UNIT", Rate: 1, Base: true}}},
		sim.SQLAccItem{Code: "OLD", Description: "Discontinued", Inactive: true, UOMs: []sim.SQLAccUOM{{UOM: "PCS", Rate: 1, Base: true}}},
	)
	s.Customers = []sim.SQLAccCustomer{{Code: "300-S0001", CompanyName: "Shopee Store A"}, {Code: "300-X0001", CompanyName: "Closed", Inactive: true}}
	for i := 1; i <= 59; i++ {
		s.Customers = append(s.Customers, sim.SQLAccCustomer{Code: fmt.Sprintf("300-C%04d", i), CompanyName: fmt.Sprintf("Customer %d", i)})
	}
	s.Locations = []sim.SQLAccCode{{Code: "----", Description: "Main"}, {Code: "ECOM", Description: "E-commerce"}}
	s.Projects = []sim.SQLAccCode{{Code: "SHOPEE", Description: "Shopee"}, {Code: "LAZADA", Description: "Lazada"}}
	s.Taxes = []sim.SQLAccTax{{Code: "ST", Description: "Sales Tax 10%", Rate: 10}, {Code: "SV", Description: "Service Tax 8%", Rate: 8},
		{Code: "SR", Description: "Old GST", Rate: 6, Inactive: true}}
	s.PayMethods = []sim.SQLAccCode{{Code: "ONLINE", Description: "Online"}, {Code: "CASH", Description: "Cash"}}
	return s
}

type env struct {
	acc  *sim.SQLAcc
	base string
	c    *sqlaccount.Client
}

// newEnv serves a simulator; tweak changes its options.
func newEnv(t *testing.T, tweak func(*sim.SQLAccOptions)) *env {
	t.Helper()
	opt := sim.SQLAccOptions{AccessKey: accessKey, SecretKey: secretKey, Seed: seed()}
	if tweak != nil {
		tweak(&opt)
	}
	acc := sim.NewSQLAcc(opt)
	base, stop, err := acc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	return &env{acc: acc, base: base, c: client(t, sqlaccount.Config{URL: base, AccessKey: accessKey, SecretKey: secretKey}, nil)}
}

func client(t *testing.T, cfg sqlaccount.Config, hc *http.Client) *sqlaccount.Client {
	t.Helper()
	c, err := sqlaccount.New(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clean fails when err shows either key.
func clean(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, k := range []string{secretKey, accessKey, "wrong" + secretKey} {
		if strings.Contains(err.Error(), k) {
			t.Errorf("the error shows a key: %v", err)
		}
	}
}

func TestVersion(t *testing.T) {
	e := newEnv(t, nil)
	v, err := e.c.Version(context.Background())
	if err != nil || v != sim.SQLAccAPIVersion {
		t.Fatalf("version %q, %v", v, err)
	}
}

func TestRefusedKeysSayWhich(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cfg  sqlaccount.Config
		want string
	}{
		{"secret key", sqlaccount.Config{URL: e.base, AccessKey: accessKey, SecretKey: "wrong" + secretKey}, "check the secret key"},
		{"access key", sqlaccount.Config{URL: e.base, AccessKey: "AKWRONG0000000000", SecretKey: secretKey}, "is not known"},
		{"region", sqlaccount.Config{URL: e.base, AccessKey: accessKey, SecretKey: secretKey, Region: "ap-southeast-5"}, `region is "ap-southeast-5"`},
		{"service", sqlaccount.Config{URL: e.base, AccessKey: accessKey, SecretKey: secretKey, Service: "sqlaccount"}, `service is "sqlaccount"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client(t, tc.cfg, nil).Version(ctx)
			clean(t, err)
			if !errors.Is(err, sqlaccount.ErrAuth) {
				t.Errorf("not ErrAuth: %v", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "SQL Account refused the access key or secret key: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("got %q, want %q in it", msg, tc.want)
			}
			if strings.Contains(msg, "canonicalRequest") || strings.Contains(msg, "AWS4-HMAC-SHA256\n") {
				t.Errorf("the message carries the signing details: %q", msg)
			}
		})
	}
	if st := e.acc.Stats(); st.SignatureRefusals != 4 {
		t.Errorf("stats %+v", st)
	}
}

func TestAClockFarOffIsRefused(t *testing.T) {
	e := newEnv(t, func(o *sim.SQLAccOptions) { o.Now = func() time.Time { return time.Now().Add(time.Hour) } })
	_, err := e.c.Version(context.Background())
	if !errors.Is(err, sqlaccount.ErrAuth) || !strings.Contains(err.Error(), "15 minutes") {
		t.Errorf("got %v", err)
	}
}

func TestStockItemsArePaged(t *testing.T) {
	e := newEnv(t, nil)
	var progress []int
	items, err := e.c.StockItems(context.Background(), func(n int) { progress = append(progress, n) })
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 123 || !slices.Equal(progress, []int{50, 100, 123}) {
		t.Fatalf("%d items, progress %v", len(items), progress)
	}
	if st := e.acc.Stats(); st.Gets != 3 {
		t.Errorf("%d GETs for 123 items, want 3 pages", st.Gets)
	}
	byCode := map[string]domain.StockItem{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	if len(byCode) != 123 {
		t.Errorf("%d distinct codes: a page was read twice or skipped", len(byCode))
	}
	it7 := byCode["ITEM-007"]
	if it7.Description != "Item 7" || it7.Group != "GOODS" || !it7.Active || !it7.StockControl || it7.Barcode != "9550000000007" ||
		len(it7.UOMs) != 1 || it7.UOMs[0] != (domain.StockUOM{UOM: "UNIT", Rate: 1, Price: domain.Money{Minor: 705, Currency: "MYR"}, Barcode: "9550000000007", Base: true}) {
		t.Errorf("ITEM-007: %+v", it7)
	}
	ant := byCode["ANT"]
	box, ok := ant.FindUOM("box")
	if ant.BaseUOM() != "UNIT" || !ok || box.Rate != 12 || box.Price.Minor != 50000 || box.Barcode != "ANT-12" || box.Base {
		t.Errorf("ANT: %+v", ant)
	}
	if v := byCode["VOUCHER"]; v.StockControl || !v.Active {
		t.Errorf("VOUCHER: %+v", v)
	}
	if old := byCode["OLD"]; old.Active {
		t.Errorf("OLD is active: %+v", old)
	}
}

func TestCodesOfEachKind(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	get := func(k domain.CodeKind) map[string]domain.AccountCode {
		t.Helper()
		codes, err := e.c.Codes(ctx, k)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		m := map[string]domain.AccountCode{}
		for _, c := range codes {
			if c.Kind != k {
				t.Errorf("%s: %+v", k, c)
			}
			m[c.Code] = c
		}
		return m
	}
	before := e.acc.Stats().Gets
	cust := get(domain.CodeCustomer)
	if len(cust) != 60 || cust["300-S0001"].Description != "Shopee Store A" || cust["300-C0059"].Description != "Customer 59" {
		t.Errorf("%d customers: %+v", len(cust), cust["300-S0001"])
	}
	if _, ok := cust["300-X0001"]; ok {
		t.Error("an inactive customer was listed")
	}
	if n := e.acc.Stats().Gets - before; n != 2 {
		t.Errorf("%d GETs for 61 customers", n)
	}
	if loc := get(domain.CodeLocation); len(loc) != 2 || loc["ECOM"].Description != "E-commerce" {
		t.Errorf("locations %+v", loc)
	}
	if prj := get(domain.CodeProject); len(prj) != 2 || prj["LAZADA"].Description != "Lazada" {
		t.Errorf("projects %+v", prj)
	}
	tax := get(domain.CodeTax)
	if len(tax) != 2 || tax["ST"].Rate != 10 || tax["SV"].Rate != 8 || tax["SV"].Description != "Service Tax 8%" {
		t.Errorf("taxes %+v", tax)
	}
	if pm := get(domain.CodePayment); len(pm) != 2 || pm["CASH"].Description != "Cash" {
		t.Errorf("payment methods %+v", pm)
	}
}

func myr(minor int64) domain.Money { return domain.Money{Minor: minor, Currency: "MYR"} }

// order is an invoice as BuildInvoice makes one: two antenna boxes with 10% tax, a voucher.
func order(docNo string) domain.Invoice {
	return domain.Invoice{
		DocNo: docNo, DocDate: time.Date(2026, 11, 21, 17, 30, 0, 0, time.UTC), // the 22nd in Malaysia
		Customer: "300-S0001", CompanyName: "Shopee Store A", Description: "Shopee order " + docNo, Project: "SHOPEE", Currency: "MYR",
		Lines: []domain.InvoiceLine{
			{ItemCode: "ANT", Location: "ECOM", Project: "SHOPEE", Description: "Antenna", UOM: "BOX", Qty: 2, Rate: 12,
				UnitPrice: myr(50000), Amount: myr(100000), Tax: "ST", TaxRate: 10, TaxAmt: myr(10000)},
			{ItemCode: "VOUCHER", Location: "ECOM", Description: "Seller voucher", UOM: "UNIT", Qty: 1, Rate: 1,
				UnitPrice: myr(-500), Amount: myr(-500), TaxAmt: myr(0)},
		},
	}
}

func TestInvoiceLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	inv := order("2611220001")

	ref, err := e.c.CreateInvoice(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if ref.DocKey <= 0 || ref.DocNo != inv.DocNo || ref.UpdateCount != 1 {
		t.Fatalf("created %+v", ref)
	}
	stored, ok := e.acc.InvoiceByDocNo(inv.DocNo)
	if !ok || stored.DocAmt != "1095.00" || stored.DocDate != "2026-11-22" || stored.CurrencyCode != "----" || len(stored.Lines) != 2 ||
		stored.Lines[0].SQty != "24" || stored.Lines[0].Amount != "1000.00" || stored.Lines[0].TaxAmt != "100.00" || stored.Lines[1].UnitPrice != "-5.00" {
		t.Fatalf("stored %+v", stored)
	}

	found, ok, err := e.c.FindInvoice(ctx, inv.DocNo)
	if err != nil || !ok || found != ref {
		t.Fatalf("find: %+v %v %v", found, ok, err)
	}
	if _, ok, err := e.c.FindInvoice(ctx, "NO-SUCH-DOC"); ok || err != nil {
		t.Errorf("find a missing docno: %v %v", ok, err)
	}

	rem, err := e.c.Invoice(ctx, ref.DocKey)
	if err != nil {
		t.Fatal(err)
	}
	if rem.InvoiceRef != ref || rem.DocAmt != inv.Amount() || len(rem.Rows) != 2 || rem.Rows[0].Seq != 1 || rem.Rows[1].Seq != 2 ||
		rem.Rows[0].DtlKey <= 0 || rem.Rows[0].DtlKey == rem.Rows[1].DtlKey {
		t.Errorf("remote %+v", rem)
	}
	got := rem.Invoice
	if !got.DocDate.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, time.FixedZone("", 8*3600))) || got.Customer != inv.Customer ||
		got.Project != "SHOPEE" || got.Currency != "MYR" || got.Amount() != inv.Amount() {
		t.Errorf("remote header %+v", got)
	}
	if !slices.Equal(got.Lines, inv.Lines) {
		t.Errorf("remote lines\n%+v\nwant\n%+v", got.Lines, inv.Lines)
	}

	// The order changed: one box fewer, a third line. Rows are kept by seq (the voucher's row now
	// holds ITEM-001) and the third is new.
	edited := inv
	edited.Lines = []domain.InvoiceLine{inv.Lines[0], {ItemCode: "ITEM-001", Location: "ECOM", Description: "Item 1", UOM: "UNIT", Qty: 3, Rate: 1,
		UnitPrice: myr(105), Amount: myr(315), TaxAmt: myr(0)}, inv.Lines[1]}
	edited.Lines[0].Qty, edited.Lines[0].Amount, edited.Lines[0].TaxAmt = 1, myr(50000), myr(5000)
	up, err := e.c.UpdateInvoice(ctx, ref.DocKey, edited)
	if err != nil {
		t.Fatal(err)
	}
	if up != (sqlaccount.InvoiceRef{DocKey: ref.DocKey, DocNo: inv.DocNo, UpdateCount: 2}) {
		t.Errorf("updated %+v", up)
	}
	all := e.acc.Invoices()
	if len(all) != 1 {
		t.Fatalf("the simulator holds %d documents after an update", len(all))
	}
	s := all[0]
	if s.UpdateCount != 2 || s.DocAmt != "548.15" || len(s.Lines) != 3 || s.Lines[0].Qty != "1" || s.Lines[1].ItemCode != "ITEM-001" ||
		s.Lines[0].DtlKey != rem.Rows[0].DtlKey || s.Lines[1].DtlKey != rem.Rows[1].DtlKey ||
		s.Lines[2].DtlKey == rem.Rows[0].DtlKey || s.Lines[2].DtlKey == rem.Rows[1].DtlKey {
		t.Errorf("after the update %+v", s)
	}
	rem2, err := e.c.Invoice(ctx, ref.DocKey)
	if err != nil || rem2.UpdateCount != 2 || !slices.Equal(rem2.Invoice.Lines, edited.Lines) {
		t.Errorf("read back %+v %v", rem2, err)
	}
	// Back to one line: the others go.
	edited.Lines = edited.Lines[:1]
	if up, err := e.c.UpdateInvoice(ctx, ref.DocKey, edited); err != nil || up.UpdateCount != 3 {
		t.Fatalf("second update %+v %v", up, err)
	}
	if s, _ := e.acc.InvoiceByDocNo(inv.DocNo); len(s.Lines) != 1 || s.Lines[0].DtlKey != rem.Rows[0].DtlKey || s.DocAmt != "550.00" {
		t.Errorf("after the second update %+v", s)
	}
	if st := e.acc.Stats(); st.Creates != 1 || st.Updates != 2 || len(e.acc.Invoices()) != 1 {
		t.Errorf("stats %+v", st)
	}

	// Posting the same number again is a duplicate, and nothing changes.
	_, err = e.c.CreateInvoice(ctx, inv)
	if !errors.Is(err, sqlaccount.ErrDuplicate) || !strings.Contains(err.Error(), "duplicate value") || !strings.Contains(err.Error(), inv.DocNo) {
		t.Errorf("duplicate: %v", err)
	}
	if n := len(e.acc.Invoices()); n != 1 {
		t.Errorf("%d documents after a duplicate", n)
	}
}

func TestMissingInvoices(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, err := e.c.Invoice(ctx, 999); !errors.Is(err, sqlaccount.ErrNotFound) || !strings.Contains(err.Error(), "999") {
		t.Errorf("Invoice(999): %v", err)
	}
	if _, err := e.c.UpdateInvoice(ctx, 999, order("X1")); !errors.Is(err, sqlaccount.ErrNotFound) {
		t.Errorf("UpdateInvoice(999): %v", err)
	}
	// A dockey that now holds another document is not overwritten.
	ref, err := e.c.CreateInvoice(ctx, order("A-1"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.UpdateInvoice(ctx, ref.DocKey, order("B-2"))
	if !errors.Is(err, sqlaccount.ErrNotFound) || !strings.Contains(err.Error(), "now holds document A-1, not B-2") {
		t.Errorf("update over another docno: %v", err)
	}
	if st := e.acc.Stats(); st.Updates != 0 {
		t.Errorf("stats %+v", st)
	}
}

// hook runs beforePut once, before the next PUT its client sends, as another user might act
// between the client's read and its write.
type hook struct {
	mu        sync.Mutex
	beforePut func()
}

func (h *hook) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut {
		h.mu.Lock()
		f := h.beforePut
		h.beforePut = nil
		h.mu.Unlock()
		if f != nil {
			f()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestAStaleUpdateIsChanged(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	inv := order("2611220002")
	ref, err := e.c.CreateInvoice(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	// Between this client's read and its PUT, someone else saves the document.
	h := &hook{}
	slow := client(t, sqlaccount.Config{URL: e.base, AccessKey: accessKey, SecretKey: secretKey}, &http.Client{Transport: h})
	h.beforePut = func() {
		other := inv
		other.Description = "edited in SQL Account"
		if _, err := e.c.UpdateInvoice(ctx, ref.DocKey, other); err != nil {
			t.Errorf("the other user's update: %v", err)
		}
	}
	_, err = slow.UpdateInvoice(ctx, ref.DocKey, inv)
	if !errors.Is(err, sqlaccount.ErrChanged) || !strings.Contains(err.Error(), "Record has been changed by another user") {
		t.Fatalf("stale update: %v", err)
	}
	if s, _ := e.acc.InvoiceByDocNo(inv.DocNo); s.UpdateCount != 2 || s.Description != "edited in SQL Account" {
		t.Errorf("stored %+v", s)
	}
	// Read again and resend: it goes through.
	if up, err := slow.UpdateInvoice(ctx, ref.DocKey, inv); err != nil || up.UpdateCount != 3 {
		t.Errorf("resend: %+v %v", up, err)
	}
}

func TestALostAnswerMakesNoSecondInvoice(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	inv := order("2611220003")

	// The create is stored but its answer never comes: the client finds what it made.
	e.acc.DropResponses(1)
	ref, err := e.c.CreateInvoice(ctx, inv)
	if err != nil {
		t.Fatalf("create with its answer lost: %v", err)
	}
	found, ok, err := e.c.FindInvoice(ctx, inv.DocNo)
	if err != nil || !ok || found != ref || ref.UpdateCount != 1 {
		t.Fatalf("find after a lost answer: %+v %+v %v %v", ref, found, ok, err)
	}
	if st := e.acc.Stats(); st.Dropped != 1 || st.Creates != 1 || len(e.acc.Invoices()) != 1 {
		t.Errorf("stats %+v", st)
	}

	// An update whose answer is lost says so; sending it again is safe.
	e.acc.DropResponses(1)
	_, err = e.c.UpdateInvoice(ctx, ref.DocKey, inv)
	clean(t, err)
	if !errors.Is(err, sqlaccount.ErrUnreachable) || !strings.Contains(err.Error(), "gave no answer to PUT /salesinvoice/") {
		t.Errorf("lost update answer: %v", err)
	}
	if up, err := e.c.UpdateInvoice(ctx, ref.DocKey, inv); err != nil || up.UpdateCount != 3 {
		t.Errorf("update again: %+v %v", up, err)
	}
	if n := len(e.acc.Invoices()); n != 1 {
		t.Errorf("%d documents", n)
	}
}

func TestFailures(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()

	// A read that fails twice with 503 is tried again.
	e.acc.FailNext(2, http.StatusServiceUnavailable)
	if v, err := e.c.Version(ctx); err != nil || v != sim.SQLAccAPIVersion {
		t.Errorf("version after two 503s: %q %v", v, err)
	}
	// A create is not: it goes back to the caller, who looks the number up before sending again.
	e.acc.FailNext(1, http.StatusInternalServerError)
	_, err := e.c.CreateInvoice(ctx, order("F-1"))
	clean(t, err)
	if err == nil || !strings.Contains(err.Error(), "creating invoice F-1: SQL Account answered 500 Internal Server Error: simulated failure") {
		t.Errorf("create on a 500: %v", err)
	}
	if st := e.acc.Stats(); st.Failed != 3 || st.Creates != 0 {
		t.Errorf("stats %+v", st)
	}

	// What SQL Account refuses, it says why.
	bad := order("F-2")
	bad.Customer = "300-NOPE"
	_, err = e.c.CreateInvoice(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), `SQL Account answered 400 Bad Request: customer code "300-NOPE" does not exist`) {
		t.Errorf("unknown customer: %v", err)
	}
	bad = order("F-3")
	bad.Lines[0].UOM = "CARTON"
	_, err = e.c.CreateInvoice(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), `uom "CARTON" is not a unit of item "ANT"`) {
		t.Errorf("unknown uom: %v", err)
	}
	if n := len(e.acc.Invoices()); n != 0 {
		t.Errorf("%d documents", n)
	}
}

func TestUnreachable(t *testing.T) {
	acc := sim.NewSQLAcc(sim.SQLAccOptions{AccessKey: accessKey, SecretKey: secretKey})
	base, stop, err := acc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop()
	c := client(t, sqlaccount.Config{URL: base, AccessKey: accessKey, SecretKey: secretKey}, nil)
	_, err = c.StockItems(context.Background(), nil)
	clean(t, err)
	if !errors.Is(err, sqlaccount.ErrUnreachable) || !strings.Contains(err.Error(), "SQL Account at "+base+" could not be reached") {
		t.Errorf("got %v", err)
	}
}

// Under the marketplace simulator, SQL Account is served at /sqlacc with the demo keys: the path
// prefix is part of what is signed.
func TestDemoSimulatorUnderAPrefix(t *testing.T) {
	s := sim.New(sim.Options{Seed: 1, Manual: true, Start: time.Now()})
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := client(t, sqlaccount.Config{URL: base + "/sqlacc/", AccessKey: sim.DemoAccessKey, SecretKey: sim.DemoSecretKey}, nil)
	ctx := context.Background()
	if v, err := c.Version(ctx); err != nil || v != sim.SQLAccAPIVersion {
		t.Fatalf("version %q %v", v, err)
	}
	items, err := c.StockItems(ctx, nil)
	if err != nil || len(items) == 0 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	cust, err := c.Codes(ctx, domain.CodeCustomer)
	if err != nil || len(cust) == 0 {
		t.Fatalf("%d customers, %v", len(cust), err)
	}
	if _, ok, err := c.FindInvoice(ctx, "DEMO 1/2"); ok || err != nil {
		t.Errorf("a docno with a space and a slash: %v %v", ok, err)
	}
}
