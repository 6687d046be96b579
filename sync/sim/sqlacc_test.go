package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var sqlaccTestStart = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)

// sqlaccTestSeed: 120 stock items (paging), ANT sold by UNIT or BOX of 12, the non-stock VOUCHER.
func sqlaccTestSeed() SQLAccSeed {
	var s SQLAccSeed
	for i := 1; i <= 118; i++ {
		s.Items = append(s.Items, SQLAccItem{Code: fmt.Sprintf("ITEM-%03d", i), Description: fmt.Sprintf("Item %d", i), Group: "GOODS",
			StockControl: true, UOMs: []SQLAccUOM{{UOM: "UNIT", Rate: 1, Price: int64(100 * i), Barcode: fmt.Sprintf("955000%07d", i), Base: true}}})
	}
	s.Items = append(s.Items,
		SQLAccItem{Code: "ANT", Description: "Antenna", Group: "GOODS", StockControl: true, UOMs: []SQLAccUOM{
			{UOM: "UNIT", Rate: 1, Price: 4500, Barcode: "ANT-1", Base: true}, {UOM: "BOX", Rate: 12, Price: 50000, Barcode: "ANT-12"}}},
		SQLAccItem{Code: "VOUCHER", Description: "Seller voucher", Group: "SERVICE", UOMs: []SQLAccUOM{{UOM: "UNIT", Rate: 1, Base: true}}})
	s.Customers = []SQLAccCustomer{{Code: "300-S0001", CompanyName: "Shopee Store A"}, {Code: "300-L0001", CompanyName: "Kedai Cantik Lazada"}}
	s.Locations = []SQLAccCode{{Code: "----", Description: "Main"}, {Code: "ECOM", Description: "E-commerce"}}
	s.Projects = []SQLAccCode{{Code: "SHOPEE", Description: "Shopee"}, {Code: "LAZADA", Description: "Lazada"}}
	s.Taxes = []SQLAccTax{{Code: "ST", Description: "Sales Tax 10%", Rate: 10}, {Code: "SV", Description: "Service Tax 8%", Rate: 8}}
	s.PayMethods = []SQLAccCode{{Code: "ONLINE", Description: "Online"}}
	return s
}

type sqlaccEnv struct {
	t      *testing.T
	acc    *SQLAcc
	base   string // the API root
	signer testSigner

	mu  sync.Mutex
	now time.Time
}

func (e *sqlaccEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *sqlaccEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

const testAccessKey, testSecretKey = "9d1e0c7a4b3f2e8d6c5b4a3f2e1d0c9b.sql.my/ACCOUNTAPI", "s3cr3t/KEY+for+the+tests"

// newSQLAccEnv serves a simulator over real HTTP on 127.0.0.1.
func newSQLAccEnv(t *testing.T, stateFile string) *sqlaccEnv {
	t.Helper()
	e := &sqlaccEnv{t: t, now: sqlaccTestStart, signer: testSigner{testAccessKey, testSecretKey, "ap-southeast-1", "execute-api"}}
	e.acc = NewSQLAcc(SQLAccOptions{AccessKey: testAccessKey, SecretKey: testSecretKey, Now: e.clock, Seed: sqlaccTestSeed(), StateFile: stateFile})
	base, stop, err := e.acc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })
	e.base = base
	return e
}

// request builds a signed request; body may be nil, a string or a value to encode.
func (e *sqlaccEnv) request(method, path string, body any) *http.Request {
	e.t.Helper()
	var b []byte
	switch x := body.(type) {
	case nil:
	case string:
		b = []byte(x)
	default:
		var err error
		if b, err = json.Marshal(x); err != nil {
			e.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, e.base+path, bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	if b != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	e.signer.sign(req, b, e.clock())
	return req
}

func (e *sqlaccEnv) call(method, path string, body any) answer {
	e.t.Helper()
	return do(e.t, e.request(method, path, body))
}

func wantSQLAccError(t *testing.T, a answer, status int, code, msgPart string) {
	t.Helper()
	if a.status != status || a.str("error", "code") != code || !strings.Contains(a.str("error", "message"), msgPart) {
		t.Errorf("want %d %s %q, got %d %s", status, code, msgPart, a.status, a.body)
	}
}

func TestSQLAccSignature(t *testing.T) {
	e := newSQLAccEnv(t, "")
	if a := e.call("GET", "/version", nil); a.status != 200 || a.str("data", "version") != SQLAccAPIVersion {
		t.Fatalf("a good signature: %d %s", a.status, a.body)
	}
	// A query with a space and a slash in it, signed with the spec's encoding.
	if a := e.call("GET", "/customer?"+url.Values{"companyname": {"Kedai Cantik Lazada"}}.Encode(), nil); a.status != 200 || a.str("data", "0", "code") != "300-L0001" {
		t.Fatalf("a filtered GET: %d %s", a.status, a.body)
	}
	if a := e.call("GET", "/customer?code=300-S0001&companyname=Shopee%20Store%20A&offset=0", nil); a.status != 200 || a.str("pagination", "total") != "1" {
		t.Fatalf("a query of three fields: %d %s", a.status, a.body)
	}
	// X-Amz-Content-Sha256 is accepted when it is the body's hash.
	req := e.request("GET", "/version", nil)
	sum := sha256.Sum256(nil)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	e.signer.sign(req, nil, e.clock())
	if a := do(t, req); a.status != 200 {
		t.Fatalf("with X-Amz-Content-Sha256: %d %s", a.status, a.body)
	}

	signed := func(s testSigner, at time.Time) answer {
		req, _ := http.NewRequest("GET", e.base+"/version", nil)
		s.sign(req, nil, at)
		return do(t, req)
	}
	now := e.clock()
	good := e.signer
	bad := func(f func(*testSigner)) testSigner { s := good; f(&s); return s }
	cases := []struct {
		name         string
		a            func() answer
		status       int
		code, reason string
	}{
		{"wrong access key", func() answer { return signed(bad(func(s *testSigner) { s.key = "AKIAOTHERKEY" }), now) },
			401, "UnrecognizedClientException", "access key \"AKIAOT…\" is not known"},
		{"wrong secret", func() answer { return signed(bad(func(s *testSigner) { s.secret = "not-the-secret" }), now) },
			403, "SignatureDoesNotMatch", "check the secret key"},
		{"wrong region", func() answer { return signed(bad(func(s *testSigner) { s.region = "ap-southeast-5" }), now) },
			403, "InvalidSignatureException", "region is \"ap-southeast-5\""},
		{"wrong service", func() answer { return signed(bad(func(s *testSigner) { s.service = "sqlaccount" }), now) },
			403, "InvalidSignatureException", "service is \"sqlaccount\""},
		{"16 minutes slow", func() answer { return signed(good, now.Add(-16*time.Minute)) },
			403, "InvalidSignatureException", "more than 15 minutes"},
		{"16 minutes fast", func() answer { return signed(good, now.Add(16*time.Minute)) },
			403, "InvalidSignatureException", "more than 15 minutes"},
		{"no Authorization", func() answer {
			req, _ := http.NewRequest("GET", e.base+"/version", nil)
			return do(t, req)
		}, 401, "MissingAuthenticationToken", "no Authorization header"},
		{"garbled Authorization", func() answer {
			req, _ := http.NewRequest("GET", e.base+"/version", nil)
			e.signer.sign(req, nil, now)
			req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "SignedHeaders=", "Signed=", 1))
			return do(t, req)
		}, 401, "IncompleteSignature", "has no SignedHeaders"},
		{"another algorithm", func() answer {
			req, _ := http.NewRequest("GET", e.base+"/version", nil)
			req.Header.Set("Authorization", "Bearer abc")
			return do(t, req)
		}, 401, "IncompleteSignature", "sign with AWS4-HMAC-SHA256"},
		{"body changed after signing", func() answer {
			req := e.request("POST", "/salesinvoice", `{"docno":"X"}`)
			req.Body = io.NopCloser(strings.NewReader(`{"docno":"Y"}`))
			return do(t, req)
		}, 403, "SignatureDoesNotMatch", "does not match"},
		{"X-Amz-Content-Sha256 not the body's", func() answer {
			req, _ := http.NewRequest("GET", e.base+"/version", nil)
			req.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
			e.signer.sign(req, nil, now)
			return do(t, req)
		}, 403, "InvalidSignatureException", "X-Amz-Content-Sha256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantSQLAccError(t, c.a(), c.status, c.code, c.reason) })
	}
	if a := signed(good, now.Add(14*time.Minute)); a.status != 200 {
		t.Errorf("14 minutes fast is within the window: %d %s", a.status, a.body)
	}
	st := e.acc.Stats()
	if st.SignatureRefusals != len(cases) || len(e.acc.Invoices()) != 0 {
		t.Errorf("stats %+v after %d refusals", st, len(cases))
	}
	// A mismatch shows what the simulator signed, for whoever debugs a signer.
	a := signed(bad(func(s *testSigner) { s.secret = "x" }), now)
	if !strings.HasPrefix(a.str("error", "canonicalRequest"), "GET\n/version\n\n") || !strings.HasPrefix(a.str("error", "stringToSign"), "AWS4-HMAC-SHA256\n") {
		t.Errorf("mismatch detail: %s", a.body)
	}
	if strings.Contains(string(a.body), testSecretKey) || strings.Contains(string(a.body), testAccessKey) {
		t.Errorf("an error shows a key: %s", a.body)
	}
}

func TestSQLAccPaging(t *testing.T) {
	e := newSQLAccEnv(t, "")
	var codes []string
	for offset := 0; ; offset += 50 {
		a := e.call("GET", fmt.Sprintf("/stockitem?offset=%d", offset), nil)
		if a.status != 200 {
			t.Fatalf("offset %d: %d %s", offset, a.status, a.body)
		}
		data := a.list("data")
		if a.str("pagination", "total") != "120" || a.str("pagination", "limit") != "50" || a.str("pagination", "offset") != fmt.Sprint(offset) ||
			a.str("pagination", "count") != fmt.Sprint(len(data)) {
			t.Fatalf("offset %d pagination %s", offset, a.str("pagination"))
		}
		for i := range data {
			codes = append(codes, a.str("data", fmt.Sprint(i), "code"))
		}
		if len(data) < 50 {
			if len(data) != 20 || offset != 100 {
				t.Fatalf("last page: %d records at offset %d", len(data), offset)
			}
			break
		}
	}
	if len(codes) != 120 || codes[0] != "ITEM-001" || codes[118] != "ANT" || codes[119] != "VOUCHER" {
		t.Fatalf("codes %d: %v ... %v", len(codes), codes[:2], codes[len(codes)-2:])
	}
	if a := e.call("GET", "/stockitem?limit=200", nil); len(a.list("data")) != 50 || a.str("pagination", "limit") != "50" {
		t.Errorf("limit 200: %d records, pagination %s", len(a.list("data")), a.str("pagination"))
	}
	if a := e.call("GET", "/stockitem?limit=10&offset=115", nil); len(a.list("data")) != 5 || a.str("data", "0", "code") != "ITEM-116" {
		t.Errorf("limit 10 at 115: %s", a.body)
	}
	if a := e.call("GET", "/stockitem?offset=500", nil); a.status != 200 || len(a.list("data")) != 0 || a.str("pagination", "total") != "120" {
		t.Errorf("past the end: %s", a.body)
	}
	wantSQLAccError(t, e.call("GET", "/stockitem?offset=-1", nil), 400, "BadRequest", "offset")
	wantSQLAccError(t, e.call("GET", "/stockitem?colour=red", nil), 400, "BadRequest", `no field "colour"`)

	a := e.call("GET", "/stockitem?code=ANT", nil)
	if a.str("pagination", "total") != "1" || a.str("data", "0", "sdsuom", "1", "uom") != "BOX" || a.str("data", "0", "sdsuom", "1", "rate") != "12" ||
		a.str("data", "0", "sdsuom", "1", "barcode") != "ANT-12" || a.str("data", "0", "sdsuom", "0", "refprice") != "45.00" ||
		a.str("data", "0", "sdsuom", "0", "isbase") != "true" || a.str("data", "0", "barcode") != "ANT-1" || a.str("data", "0", "stockcontrol") != "true" {
		t.Errorf("ANT: %s", a.body)
	}
	if a := e.call("GET", "/stockitem?stockcontrol=false", nil); a.str("pagination", "total") != "1" || a.str("data", "0", "code") != "VOUCHER" {
		t.Errorf("non-stock: %s", a.body)
	}
	if a := e.call("GET", "/tax", nil); a.str("data", "0", "code") != "ST" || a.str("data", "0", "taxrate") != "10%" {
		t.Errorf("taxes: %s", a.body)
	}
	for _, res := range []string{"customer", "location", "project", "pmmethod"} {
		if a := e.call("GET", "/"+res, nil); a.status != 200 || len(a.list("data")) == 0 {
			t.Errorf("/%s: %d %s", res, a.status, a.body)
		}
	}
	if a := e.call("GET", "/customer/300-S0001", nil); a.str("data", "0", "companyname") != "Shopee Store A" {
		t.Errorf("customer by code: %s", a.body)
	}
	wantSQLAccError(t, e.call("GET", "/agent", nil), 404, "NotFound", "no resource /agent")
	wantSQLAccError(t, e.call("POST", "/stockitem", `{}`), 405, "MethodNotAllowed", "POST")
}

// invoice is a payload in the contract's wire form: ANT ×2 at 45.00 with ST 10%, a voucher.
func invoice(docNo string) map[string]any {
	return map[string]any{"docno": docNo, "docdate": "2026-11-22", "postdate": "2026-11-22", "code": "300-S0001",
		"companyname": "Shopee Store A", "description": "Shopee order " + docNo, "project": "SHOPEE", "currencycode": "----",
		"docamt": "94.00", "cancelled": false, "sdsdocdetail": []map[string]any{
			{"dtlkey": -1, "seq": 1, "itemcode": "ANT", "location": "ECOM", "project": "SHOPEE", "description": "Antenna",
				"qty": "2", "uom": "UNIT", "rate": "1", "sqty": "2", "unitprice": "45.00", "tax": "ST", "taxrate": "10%",
				"taxinclusive": false, "taxamt": "9.00", "amount": "90.00"},
			{"dtlkey": -1, "seq": 2, "itemcode": "VOUCHER", "description": "Seller voucher", "qty": "1", "unitprice": "-5.00", "amount": "-5.00"},
		}}
}

func TestSQLAccInvoiceLifecycle(t *testing.T) {
	e := newSQLAccEnv(t, "")
	a := e.call("POST", "/salesinvoice", invoice("2511220001"))
	if a.status != 200 || a.str("data", "0", "docno") != "2511220001" || a.str("data", "0", "updatecount") != "1" || a.str("data", "0", "dockey") == "" {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	dockey := a.str("data", "0", "dockey")
	inv, ok := e.acc.InvoiceByDocNo("2511220001")
	if !ok || inv.DocAmt != "94.00" || inv.UpdateCount != 1 || len(inv.Lines) != 2 || inv.Lines[0].DtlKey == inv.Lines[1].DtlKey ||
		inv.Lines[0].SQty != "2" || inv.Lines[0].Amount != "90.00" || inv.Lines[1].Amount != "-5.00" || fmt.Sprint(inv.DocKey) != dockey {
		t.Fatalf("stored %+v", inv)
	}

	// The same docno again: refused as the database does.
	a = e.call("POST", "/salesinvoice", invoice("2511220001"))
	wantSQLAccError(t, a, 400, "DuplicateValue", "duplicate value")
	if !strings.Contains(a.str("error", "message"), "unique") || len(e.acc.Invoices()) != 1 {
		t.Errorf("duplicate: %s, %d invoices", a.body, len(e.acc.Invoices()))
	}

	// Lists show headers; the document shows its lines.
	a = e.call("GET", "/salesinvoice?docno=2511220001", nil)
	if a.str("pagination", "total") != "1" || a.str("data", "0", "dockey") != dockey || a.str("data", "0", "updatecount") != "1" || a.get("data", "0", "sdsdocdetail") != nil {
		t.Fatalf("lookup by docno: %s", a.body)
	}
	if a := e.call("GET", "/salesinvoice?docno=NOPE", nil); a.status != 200 || len(a.list("data")) != 0 {
		t.Errorf("unknown docno: %s", a.body)
	}
	a = e.call("GET", "/salesinvoice/"+dockey, nil)
	if a.str("data", "0", "docno") != "2511220001" || len(a.list("data", "0", "sdsdocdetail")) != 2 || a.str("data", "0", "sdsdocdetail", "0", "taxrate") != "10%" {
		t.Fatalf("by dockey: %s", a.body)
	}
	if a := e.call("GET", "/salesinvoice/*?docno=2511220001&code=300-S0001", nil); len(a.list("data", "0", "sdsdocdetail")) != 2 {
		t.Errorf("/salesinvoice/* with filters: %s", a.body)
	}
	wantSQLAccError(t, e.call("GET", "/salesinvoice/999", nil), 404, "NotFound", "999")
	created := e.clock().Unix()
	e.advance(time.Minute)

	// Update: keep the ANT row (now 3 at 45.00, by BOX is refused below), drop the voucher, add a
	// BOX line.
	antKey := inv.Lines[0].DtlKey
	up := invoice("2511220001")
	up["updatecount"] = 2
	up["docamt"] = "698.50"
	up["sdsdocdetail"] = []map[string]any{
		{"dtlkey": antKey, "seq": 1, "itemcode": "ANT", "location": "ECOM", "qty": "3", "uom": "UNIT", "unitprice": "45.00",
			"tax": "ST", "taxrate": "10%", "taxamt": "13.50", "amount": "135.00"},
		{"seq": 2, "itemcode": "ANT", "location": "ECOM", "qty": "1", "uom": "box", "unitprice": "500.00", "tax": "ST", "taxamt": "50.00", "amount": "500.00"},
	}
	a = e.call("PUT", "/salesinvoice/"+dockey, up)
	if a.status != 200 || a.str("data", "0", "updatecount") != "2" {
		t.Fatalf("update: %d %s", a.status, a.body)
	}
	inv, _ = e.acc.InvoiceByDocNo("2511220001")
	if inv.UpdateCount != 2 || inv.DocAmt != "698.50" || len(inv.Lines) != 2 || inv.Lines[0].DtlKey != antKey || inv.Lines[0].Qty != "3" ||
		inv.Lines[1].DtlKey <= antKey || inv.Lines[1].UOM != "BOX" || inv.Lines[1].Rate != "12" || inv.Lines[1].SQty != "12" {
		t.Fatalf("after update %+v", inv)
	}

	// A stale updatecount (the same payload again, or the current one) is a conflict.
	for _, uc := range []any{2, 1, nil} {
		up["updatecount"] = uc
		if uc == nil {
			delete(up, "updatecount")
		}
		wantSQLAccError(t, e.call("PUT", "/salesinvoice/"+dockey, up), 409, "UpdateConflict", "Record has been changed by another user")
	}
	// An unknown dtlkey is an insert; a header-only PUT keeps the lines.
	a = e.call("PUT", "/salesinvoice/"+dockey, map[string]any{"updatecount": "3", "description": "edited", "sdsdocdetail": []map[string]any{
		{"dtlkey": 424242, "itemcode": "ANT", "qty": "1", "unitprice": "45.00", "amount": "45.00"}}})
	if a.status != 200 {
		t.Fatalf("unknown dtlkey: %d %s", a.status, a.body)
	}
	inv, _ = e.acc.InvoiceByDocNo("2511220001")
	if len(inv.Lines) != 1 || inv.Lines[0].DtlKey == 424242 || inv.Lines[0].UOM != "UNIT" || inv.DocAmt != "45.00" || inv.Description != "edited" || inv.Code != "300-S0001" {
		t.Fatalf("after the third update %+v", inv)
	}
	if a := e.call("PUT", "/salesinvoice/"+dockey, map[string]any{"updatecount": 4, "cancelled": true}); a.status != 200 {
		t.Fatalf("header-only update: %s", a.body)
	}
	inv, _ = e.acc.InvoiceByDocNo("2511220001")
	if len(inv.Lines) != 1 || !inv.Cancelled || inv.UpdateCount != 4 {
		t.Fatalf("after a header-only update %+v", inv)
	}

	// lastmodified lists what changed since then.
	if a := e.call("GET", fmt.Sprintf("/salesinvoice?lastmodified=%d", created+1), nil); a.str("pagination", "total") != "1" || a.str("data", "0", "updatecount") != "4" {
		t.Errorf("changed since: %s", a.body)
	}
	if a := e.call("GET", fmt.Sprintf("/salesinvoice?lastmodified=%d", created+61), nil); a.str("pagination", "total") != "0" {
		t.Errorf("changed since later: %s", a.body)
	}

	// A second invoice cannot take the first one's docno by PUT either.
	a = e.call("POST", "/salesinvoice", invoice("2511220002"))
	second := a.str("data", "0", "dockey")
	other := invoice("2511220001")
	other["updatecount"] = 2
	wantSQLAccError(t, e.call("PUT", "/salesinvoice/"+second, other), 400, "DuplicateValue", "unique")

	st := e.acc.Stats()
	if st.Creates != 2 || st.Updates != 3 || st.DuplicateRefusals != 2 || st.Conflicts != 3 || st.Gets != 7 {
		t.Errorf("stats %+v", st)
	}
	if a := e.call("DELETE", "/salesinvoice/"+second, nil); a.status != 200 || len(e.acc.Invoices()) != 1 {
		t.Errorf("delete: %s", a.body)
	}
	if a := e.call("POST", "/salesinvoice", invoice("2511220002")); a.status != 200 || a.str("data", "0", "dockey") == second {
		t.Errorf("re-create after delete: %s", a.body)
	}
}

func TestSQLAccValidation(t *testing.T) {
	e := newSQLAccEnv(t, "")
	line := func(inv map[string]any, i int) map[string]any { return inv["sdsdocdetail"].([]map[string]any)[i] }
	cases := []struct {
		name   string
		change func(map[string]any)
		reason string
	}{
		{"unknown customer", func(m map[string]any) { m["code"] = "300-X9999" }, `customer code "300-X9999" does not exist`},
		{"no customer", func(m map[string]any) { delete(m, "code") }, "code (the customer) is required"},
		{"unknown item", func(m map[string]any) { line(m, 0)["itemcode"] = "NOPE" }, `line 1: item code "NOPE" does not exist`},
		{"no item", func(m map[string]any) { delete(line(m, 1), "itemcode") }, "line 2 has no itemcode"},
		{"unknown uom", func(m map[string]any) { line(m, 0)["uom"] = "CTN" }, `line 1: uom "CTN" is not a unit of item "ANT" (its units: UNIT, BOX)`},
		{"unknown location", func(m map[string]any) { line(m, 0)["location"] = "KL" }, `line 1: location "KL" does not exist`},
		{"unknown line project", func(m map[string]any) { line(m, 0)["project"] = "TIKTOK" }, `line 1: project "TIKTOK" does not exist`},
		{"unknown project", func(m map[string]any) { m["project"] = "TIKTOK" }, `project "TIKTOK" does not exist`},
		{"unknown tax", func(m map[string]any) { line(m, 0)["tax"] = "GST" }, `line 1: tax code "GST" does not exist`},
		{"negative docamt", func(m map[string]any) {
			line(m, 1)["unitprice"], line(m, 1)["amount"], m["docamt"] = "-100.00", "-100.00", "-1.00"
		}, "docamt -1.00 is negative"},
		{"negative lines", func(m map[string]any) {
			line(m, 1)["unitprice"], line(m, 1)["amount"] = "-100.00", "-100.00"
			delete(m, "docamt")
		}, "add up to -1.00"},
		{"docamt not the lines", func(m map[string]any) { m["docamt"] = "99.00" }, "docamt 99.00 is not the sum of the lines' amount + taxamt (94.00)"},
		{"three decimals", func(m map[string]any) { line(m, 0)["amount"] = "90.001" }, "more than two decimals"},
		{"qty not a number", func(m map[string]any) { line(m, 0)["qty"] = "two" }, `line 1: qty "two" is not a number`},
		{"bad date", func(m map[string]any) { m["docdate"] = "22/11/2026" }, `docdate "22/11/2026" is not a date`},
		{"no docno", func(m map[string]any) { m["docno"] = " " }, "docno is required"},
		{"long docno", func(m map[string]any) { m["docno"] = strings.Repeat("9", 31) }, "longer than 30"},
		{"tax amount without a code", func(m map[string]any) { delete(line(m, 0), "tax") }, "taxamt 9.00 without a tax code"},
		{"foreign currency", func(m map[string]any) { m["currencycode"] = "USD" }, `currency "USD"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := invoice("V-" + strings.ReplaceAll(c.name, " ", "-"))
			c.change(m)
			wantSQLAccError(t, e.call("POST", "/salesinvoice", m), 400, "ValidationError", c.reason)
		})
	}
	wantSQLAccError(t, e.call("POST", "/salesinvoice", `[1,2]`), 400, "BadRequest", "not a JSON object")
	if n := len(e.acc.Invoices()); n != 0 {
		t.Fatalf("%d invoices stored by refused requests", n)
	}
	if st := e.acc.Stats(); st.ValidationRefusals != len(cases) {
		t.Errorf("ValidationRefusals %d, want %d", st.ValidationRefusals, len(cases))
	}

	// Numbers for amounts, no docamt, no line amount: computed, kept as SQL Account's text.
	m := invoice("N-1")
	delete(m, "docamt")
	l := line(m, 0)
	l["qty"], l["unitprice"], l["taxamt"] = 2, 45, 9
	delete(l, "amount")
	delete(l, "uom")
	if a := e.call("POST", "/salesinvoice", m); a.status != 200 {
		t.Fatalf("numbers: %d %s", a.status, a.body)
	}
	inv, _ := e.acc.InvoiceByDocNo("N-1")
	if inv.DocAmt != "94.00" || inv.Lines[0].Amount != "90.00" || inv.Lines[0].UnitPrice != "45.00" || inv.Lines[0].UOM != "UNIT" || inv.Lines[0].Qty != "2" {
		t.Errorf("computed %+v", inv)
	}
}

func TestSQLAccDropResponses(t *testing.T) {
	e := newSQLAccEnv(t, "")
	e.acc.DropResponses(1)
	resp, err := http.DefaultClient.Do(e.request("POST", "/salesinvoice", invoice("D-1")))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("the answer came: %d", resp.StatusCode)
	}
	inv, ok := e.acc.InvoiceByDocNo("D-1")
	if !ok || inv.UpdateCount != 1 {
		t.Fatalf("the unanswered POST was not stored: %+v", inv)
	}
	// What a careful client does next: look the docno up, and find it.
	if a := e.call("GET", "/salesinvoice?docno=D-1", nil); a.str("data", "0", "dockey") != fmt.Sprint(inv.DocKey) {
		t.Fatalf("lookup after the drop: %s", a.body)
	}
	wantSQLAccError(t, e.call("POST", "/salesinvoice", invoice("D-1")), 400, "DuplicateValue", "duplicate value")

	// A dropped PUT is applied too.
	e.acc.DropResponses(1)
	up := invoice("D-1")
	up["updatecount"] = 2
	up["description"] = "changed"
	if resp, err := http.DefaultClient.Do(e.request("PUT", fmt.Sprintf("/salesinvoice/%d", inv.DocKey), up)); err == nil {
		resp.Body.Close()
		t.Fatal("the PUT was answered")
	}
	if inv, _ := e.acc.InvoiceByDocNo("D-1"); inv.UpdateCount != 2 || inv.Description != "changed" {
		t.Fatalf("after the dropped PUT %+v", inv)
	}
	if st := e.acc.Stats(); st.Dropped != 2 || st.Creates != 1 || st.Updates != 1 {
		t.Errorf("stats %+v", st)
	}

	e.acc.FailNext(2, http.StatusServiceUnavailable)
	for range 2 {
		wantSQLAccError(t, e.call("POST", "/salesinvoice", invoice("F-1")), 503, "SimulatedFailure", "503")
	}
	if _, ok := e.acc.InvoiceByDocNo("F-1"); ok {
		t.Fatal("a failed request was carried out")
	}
	if a := e.call("POST", "/salesinvoice", invoice("F-1")); a.status != 200 {
		t.Fatalf("after the failures: %s", a.body)
	}
}

func TestSQLAccStateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sqlacc.json")
	e := newSQLAccEnv(t, file)
	e.call("POST", "/salesinvoice", invoice("S-1"))
	a := e.call("POST", "/salesinvoice", invoice("S-2"))
	up := invoice("S-2")
	up["updatecount"] = 2
	delete(up, "docamt")
	up["sdsdocdetail"] = up["sdsdocdetail"].([]map[string]any)[:1]
	e.call("PUT", "/salesinvoice/"+a.str("data", "0", "dockey"), up)
	if err := e.acc.StateErr(); err != nil {
		t.Fatal(err)
	}
	before := e.acc.Invoices()
	if len(before) != 2 || before[1].UpdateCount != 2 {
		t.Fatalf("before %+v", before)
	}

	again := NewSQLAcc(SQLAccOptions{AccessKey: "k", SecretKey: "s", Seed: sqlaccTestSeed(), StateFile: file})
	if err := again.StateErr(); err != nil {
		t.Fatal(err)
	}
	if got := again.Invoices(); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("reloaded\n%+v\nwant\n%+v", got, before)
	}
	// Keys go on from where they were, never reused.
	e2 := &sqlaccEnv{t: t, now: sqlaccTestStart, signer: e.signer, acc: NewSQLAcc(SQLAccOptions{AccessKey: testAccessKey, SecretKey: testSecretKey,
		Seed: sqlaccTestSeed(), StateFile: file, Now: func() time.Time { return sqlaccTestStart }})}
	base, stop, err := e2.acc.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	e2.base = base
	if a := e2.call("POST", "/salesinvoice", invoice("S-2")); a.status != 400 {
		t.Fatalf("a kept docno is still taken: %s", a.body)
	}
	e2.call("POST", "/salesinvoice", invoice("S-3"))
	s3, _ := e2.acc.InvoiceByDocNo("S-3")
	maxDtl := int64(0)
	for _, inv := range before {
		maxDtl = max(maxDtl, inv.DocKey)
		for _, l := range inv.Lines {
			if s3.Lines[0].DtlKey <= l.DtlKey {
				t.Errorf("new dtlkey %d not after %d", s3.Lines[0].DtlKey, l.DtlKey)
			}
		}
	}
	if s3.DocKey <= maxDtl {
		t.Errorf("new dockey %d not after %d", s3.DocKey, maxDtl)
	}
	if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}

	// A file that cannot be read is kept aside, not overwritten.
	if err := os.WriteFile(file, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := NewSQLAcc(SQLAccOptions{Seed: sqlaccTestSeed(), StateFile: file})
	if broken.StateErr() == nil || len(broken.Invoices()) != 0 {
		t.Fatalf("a broken state file: err %v, %d invoices", broken.StateErr(), len(broken.Invoices()))
	}
	if b, err := os.ReadFile(file + ".broken"); err != nil || string(b) != "{not json" {
		t.Errorf("the broken file was not kept: %v %q", err, b)
	}
}

func TestSQLAccConcurrentPosts(t *testing.T) {
	e := newSQLAccEnv(t, "")
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			docNo := fmt.Sprintf("C-%d", i%20) // every docno twice: one wins, one is a duplicate
			req := e.request("POST", "/salesinvoice", invoice(docNo))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	invs := e.acc.Invoices()
	keys := map[int64]bool{}
	for _, inv := range invs {
		for _, l := range inv.Lines {
			if keys[l.DtlKey] {
				t.Errorf("dtlkey %d twice", l.DtlKey)
			}
			keys[l.DtlKey] = true
		}
	}
	if st := e.acc.Stats(); len(invs) != 20 || st.Creates != 20 || st.DuplicateRefusals != 20 {
		t.Errorf("%d invoices, stats %+v", len(invs), st)
	}
}

// The marketplace simulator carries a SQL Account under /sqlacc, with the demo keys and company.
func TestSQLAccInSim(t *testing.T) {
	s := New(Options{Seed: 1, Start: sqlaccTestStart, Manual: true})
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	e := &sqlaccEnv{t: t, base: base + "/sqlacc", now: sqlaccTestStart, acc: s.SQLAcc(),
		signer: testSigner{DemoAccessKey, DemoSecretKey, "ap-southeast-1", "execute-api"}}
	if a := e.call("GET", "/version", nil); a.status != 200 {
		t.Fatalf("/sqlacc/version: %d %s", a.status, a.body)
	}
	a := e.call("GET", "/stockitem?code=TXFEE", nil)
	if a.str("data", "0", "stockcontrol") != "false" {
		t.Errorf("TXFEE: %s", a.body)
	}
	a = e.call("GET", "/customer?companyname=Kedai%20Cantik%20Lazada", nil)
	code := a.str("data", "0", "code")
	if code == "" {
		t.Fatalf("no customer for a demo store: %s", a.body)
	}
	// The simulator's clock is the one X-Amz-Date is checked against.
	s.Clock().Advance(time.Hour)
	wantSQLAccError(t, e.call("GET", "/version", nil), 403, "InvalidSignatureException", "15 minutes")
	e.advance(time.Hour)
	m := map[string]any{"docno": "DEMO-1", "code": code, "sdsdocdetail": []map[string]any{{"itemcode": "SHIPPING", "qty": "1", "unitprice": "4.90"}}}
	if a := e.call("POST", "/salesinvoice", m); a.status != 200 {
		t.Fatalf("post: %s", a.body)
	}
	if inv, ok := s.SQLAcc().InvoiceByDocNo("DEMO-1"); !ok || inv.DocAmt != "4.90" || inv.DocDate != "2026-11-22" || inv.CompanyName != "Kedai Cantik Lazada" {
		t.Errorf("stored %+v", inv)
	}
}

func TestSQLAccListenLoopbackOnly(t *testing.T) {
	a := NewSQLAcc(SQLAccOptions{})
	if _, _, err := a.Listen("0.0.0.0:0"); err == nil || !strings.Contains(err.Error(), "127.0.0.1 only") {
		t.Fatalf("0.0.0.0: %v", err)
	}
	base, stop, err := a.Listen(":0")
	if err != nil || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf(":0 -> %s, %v", base, err)
	}
	stop()
}
