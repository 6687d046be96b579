package sqlaccount

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// These tests cover what the simulator does not send: the other error shapes, broken answers,
// retries and the payload's exact form. The client's conversation with SQL Account is tested
// against the simulator in client_test.go.

const (
	testAccess = "AKIDKEDAITEST0001"
	testSecret = "kedai-secret/TEST+key0123456789"
)

func testClient(t *testing.T, h http.HandlerFunc) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL + "/api/", AccessKey: testAccess, SecretKey: testSecret}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	c.wait = time.Millisecond
	return c, srv
}

func noSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{testSecret, testAccess} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error shows a key: %v", err)
		}
	}
}

func TestNewRefusesWithAReason(t *testing.T) {
	ok := Config{URL: "https://api.sql.my", AccessKey: "a", SecretKey: "s"}
	for _, tc := range []struct {
		name string
		cfg  func(Config) Config
		want string
	}{
		{"no url", func(c Config) Config { c.URL = " "; return c }, "URL is missing"},
		{"not http", func(c Config) Config { c.URL = "ftp://api.sql.my"; return c }, "not an http(s) address"},
		{"no host", func(c Config) Config { c.URL = "https://"; return c }, "not an http(s) address"},
		{"garbage", func(c Config) Config { c.URL = "api sql my"; return c }, "not an http(s) address"},
		{"query", func(c Config) Config { c.URL = "https://api.sql.my/?x=1"; return c }, "must not carry a query"},
		{"user", func(c Config) Config { c.URL = "https://u:" + testSecret + "@api.sql.my"; return c }, "must not hold a user name"},
		{"no access key", func(c Config) Config { c.AccessKey = ""; return c }, "access key is missing"},
		{"no secret key", func(c Config) Config { c.SecretKey = "\n"; return c }, "secret key is missing"},
		{"space in key", func(c Config) Config { c.SecretKey = "ab cd"; return c }, "contains a space"},
		{"region", func(c Config) Config { c.Region = "ap south"; return c }, "not a single word"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg(ok), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("the reason shows the secret: %v", err)
			}
		})
	}
	c, err := New(Config{URL: " https://api.sql.my/ ", AccessKey: " a\n", SecretKey: "s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.URL() != "https://api.sql.my" || c.region != DefaultRegion || c.service != DefaultService || c.creds.AccessKeyID != "a" {
		t.Errorf("defaults: %q %q %q %q", c.URL(), c.region, c.service, c.creds.AccessKeyID)
	}
}

func TestRequestsAreSigned(t *testing.T) {
	var got *http.Request
	var body []byte
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		io.WriteString(w, `{"data":[{"dockey":7,"docno":"A1","updatecount":1}]}`)
	})
	c.now = func() time.Time { return time.Date(2026, 11, 22, 3, 4, 5, 0, time.UTC) }
	inv := sampleInvoice()
	if _, err := c.CreateInvoice(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/api/salesinvoice" || got.Method != http.MethodPost {
		t.Errorf("sent %s %s", got.Method, got.URL.Path)
	}
	auth := got.Header.Get("Authorization")
	want := "AWS4-HMAC-SHA256 Credential=" + testAccess + "/20261122/ap-southeast-1/execute-api/aws4_request, SignedHeaders="
	if !strings.HasPrefix(auth, want) {
		t.Errorf("Authorization %q, want the prefix %q", auth, want)
	}
	if !strings.Contains(auth, "x-amz-content-sha256") || !strings.Contains(auth, "x-amz-date") || !strings.Contains(auth, "host") {
		t.Errorf("signed headers miss one: %q", auth)
	}
	sum := sha256.Sum256(body)
	if h := got.Header.Get("X-Amz-Content-Sha256"); h != hex.EncodeToString(sum[:]) {
		t.Errorf("X-Amz-Content-Sha256 %q is not the body's hash", h)
	}
	if d := got.Header.Get("X-Amz-Date"); d != "20261122T030405Z" {
		t.Errorf("X-Amz-Date %q", d)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func sampleInvoice() domain.Invoice {
	myr := func(minor int64) domain.Money { return domain.Money{Minor: minor, Currency: "MYR"} }
	return domain.Invoice{
		DocNo: "A1",
		// 17:30 UTC on the 21st is already the 22nd in Malaysia.
		DocDate: time.Date(2026, 11, 21, 17, 30, 0, 0, time.UTC), Customer: "300-S0001",
		CompanyName: "Shopee Store A", Description: "Shopee order A1", Project: "SHOPEE", Currency: "MYR",
		Lines: []domain.InvoiceLine{
			{ItemCode: "ANT", Location: "ECOM", Description: "Antenna", UOM: "BOX", Qty: 2, Rate: 12,
				UnitPrice: myr(4500), Amount: myr(9000), Tax: "ST", TaxRate: 10, TaxAmt: myr(900)},
			{ItemCode: "VOUCHER", Description: "Seller voucher", UOM: "UNIT", Qty: 1, Rate: 1,
				UnitPrice: myr(-500), Amount: myr(-500)},
		},
	}
}

func TestPayloadIsTheDocumentedShape(t *testing.T) {
	b, err := payload(sampleInvoice(), 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"docno": "A1", "docdate": "2026-11-22", "postdate": "2026-11-22",
		"code": "300-S0001", "companyname": "Shopee Store A", "project": "SHOPEE", "currencycode": "----",
		"docamt": "94.00", "cancelled": false} {
		if p[k] != want {
			t.Errorf("%s = %#v, want %#v", k, p[k], want)
		}
	}
	if _, ok := p["dockey"]; ok {
		t.Error("a create sends a dockey")
	}
	if _, ok := p["updatecount"]; ok {
		t.Error("a create sends an updatecount")
	}
	lines := p["sdsdocdetail"].([]any)
	l1, l2 := lines[0].(map[string]any), lines[1].(map[string]any)
	for k, want := range map[string]any{"dtlkey": -1.0, "seq": 1.0, "itemcode": "ANT", "location": "ECOM",
		"qty": "2", "uom": "BOX", "rate": "12", "sqty": "24", "unitprice": "45.00", "tax": "ST",
		"taxrate": "10", "taxinclusive": false, "taxamt": "9.00", "amount": "90.00"} {
		if l1[k] != want {
			t.Errorf("line 1 %s = %#v, want %#v", k, l1[k], want)
		}
	}
	for k, want := range map[string]any{"seq": 2.0, "unitprice": "-5.00", "amount": "-5.00", "taxamt": "0.00", "taxrate": "", "tax": ""} {
		if l2[k] != want {
			t.Errorf("line 2 %s = %#v, want %#v", k, l2[k], want)
		}
	}

	b, _ = payload(sampleInvoice(), 9, 3, []int64{101})
	var u struct {
		DocKey      int64 `json:"dockey"`
		UpdateCount int   `json:"updatecount"`
		Details     []struct {
			DtlKey int64 `json:"dtlkey"`
		} `json:"sdsdocdetail"`
	}
	json.Unmarshal(b, &u)
	if u.DocKey != 9 || u.UpdateCount != 3 || u.Details[0].DtlKey != 101 || u.Details[1].DtlKey != -1 {
		t.Errorf("update payload %+v", u)
	}

	for _, bad := range []func(*domain.Invoice){
		func(i *domain.Invoice) { i.DocNo = " " },
		func(i *domain.Invoice) { i.DocDate = time.Time{} },
	} {
		inv := sampleInvoice()
		bad(&inv)
		if _, err := payload(inv, 0, 0, nil); err == nil {
			t.Errorf("payload accepted %+v", inv)
		}
	}
}

func TestErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		ctype  string
		body   string
		kind   error
		want   string
	}{
		{"nested", 400, "application/json", `{"error":{"code":"E1","message":"Customer code 300-X not found"}}`, nil,
			"SQL Account answered 400 Bad Request: Customer code 300-X not found"},
		{"flat", 400, "application/json", `{"message":"Item code ABC not found"}`, nil,
			"SQL Account answered 400 Bad Request: Item code ABC not found"},
		{"string error", 500, "application/json", `{"error":"Catastrophic failure"}`, nil,
			"SQL Account answered 500 Internal Server Error: Catastrophic failure"},
		{"plain", 502, "text/plain", "upstream\n  timed out", nil, "SQL Account answered 502 Bad Gateway: upstream timed out"},
		{"html", 503, "text/html", "<html><body>Service down</body></html>", nil, "a web page, not SQL Account's API"},
		{"empty", 500, "", "", nil, "SQL Account answered 500 Internal Server Error: Internal Server Error"},
		{"broken json", 400, "application/json", `{"error":`, nil, `SQL Account answered 400 Bad Request: {"error":`},
		{"auth", 403, "application/json", `{"message":"The request signature we calculated does not match the signature you provided. Expected 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef for key ` + testAccess + `"}`,
			ErrAuth, "SQL Account refused the access key or secret key: The request signature we calculated does not match"},
		{"duplicate", 400, "application/json", `{"error":{"message":"violation of PRIMARY or UNIQUE KEY constraint: attempt to store duplicate value"}}`,
			ErrDuplicate, "duplicate value"},
		{"changed", 409, "application/json", `{"error":{"message":"Record has been changed by another user"}}`,
			ErrChanged, "SQL Account answered 409 Conflict: Record has been changed by another user"},
		{"wrong root", 404, "text/plain", "404 page not found", nil, "(is http://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			_, err := c.Codes(context.Background(), domain.CodeLocation)
			noSecret(t, err)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want %q in it", err, tc.want)
			}
			if strings.Contains(err.Error(), "0123456789abcdef0123") {
				t.Errorf("the error shows a signature: %v", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tc.status {
				t.Errorf("not an *Error with status %d: %#v", tc.status, err)
			}
			for _, k := range []error{ErrAuth, ErrDuplicate, ErrChanged, ErrNotFound, ErrUnreachable, ErrBadAnswer} {
				if errors.Is(err, k) != (k == tc.kind) {
					t.Errorf("errors.Is(%v) = %v", k, !(k == tc.kind))
				}
			}
		})
	}
}

func TestAuthErrorNamesAWrongClock(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"message":"Signature expired"}`)
	})
	c.now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	_, err := c.Version(context.Background())
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "clock is 2h0m0s off") {
		t.Errorf("got %v", err)
	}
}

func TestMalformedAnswersNeverPanic(t *testing.T) {
	for _, body := range []string{`{"data":[{"code":"A","sdsuom":[{"uom":"U","rate":"x"}]}]}`,
		`{"data":[{"code":"A","sdsuom":[{"uom":"U","refprice":"1.2.3"}]}]}`, `[{"code":"A","isactive":"maybe"}]`} {
		c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
		if _, err := c.StockItems(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "record 1") {
			t.Errorf("StockItems accepted %q: %v", body, err)
		}
	}
	for _, body := range []string{`{"data":[{"docno":"A","docamt":"x"}]}`, `{"data":[{"docno":"A","docdate":"22/11/2026"}]}`,
		`{"data":[{"docno":"A","sdsdocdetail":[{"qty":"two"}]}]}`, `{"data":[{"docno":"A","sdsdocdetail":{}}]}`} {
		c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
		if _, err := c.Invoice(context.Background(), 1); !errors.Is(err, ErrBadAnswer) {
			t.Errorf("Invoice accepted %q: %v", body, err)
		}
	}
	for _, body := range []string{"", "not json", `{"data":`, `{"data":5}`, `{"data":[1,2]}`, `{"data":[{"code":{}}]}`, `<html></html>`} {
		c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
		ctx := context.Background()
		if _, err := c.StockItems(ctx, nil); err == nil {
			t.Errorf("StockItems accepted %q", body)
		}
		if _, err := c.Invoice(ctx, 1); err == nil {
			t.Errorf("Invoice accepted %q", body)
		}
		if _, err := c.Version(ctx); err == nil {
			t.Errorf("Version accepted %q", body)
		}
	}
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "[1,") })
	_, err := c.StockItems(context.Background(), nil)
	if !errors.Is(err, ErrBadAnswer) || !strings.Contains(err.Error(), "could not be read") {
		t.Errorf("got %v", err)
	}
}

func TestAnswerTooLarge(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"data":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range maxBody>>20 + 1 {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, `"}`)
	})
	_, err := c.Version(context.Background())
	if !errors.Is(err, ErrBadAnswer) || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("got %v", err)
	}
}

func TestVersionShapes(t *testing.T) {
	for _, body := range []string{`{"data":{"version":"5.2025.1040.880"}}`, `{"data":[{"version":"5.2025.1040.880"}]}`,
		`{"data":"5.2025.1040.880"}`, `{"version":"5.2025.1040.880"}`} {
		c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
		v, err := c.Version(context.Background())
		if err != nil || v != "5.2025.1040.880" {
			t.Errorf("%s: %q %v", body, v, err)
		}
	}
}

func TestReadsAreRetriedWritesAreNot(t *testing.T) {
	var n atomic.Int32
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, `{"data":{"version":"1"}}`)
	})
	if v, err := c.Version(context.Background()); err != nil || v != "1" || n.Load() != 3 {
		t.Errorf("version %q, err %v, %d requests", v, err, n.Load())
	}

	n.Store(0)
	c, _ = testClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	})
	_, err := c.CreateInvoice(context.Background(), sampleInvoice())
	if err == nil || n.Load() != 1 || !strings.Contains(err.Error(), "creating invoice A1: SQL Account answered 502") {
		t.Errorf("err %v after %d requests", err, n.Load())
	}
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Config{URL: "http://" + addr, AccessKey: testAccess, SecretKey: testSecret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.wait = time.Millisecond
	_, _, err = c.FindInvoice(context.Background(), "A1")
	noSecret(t, err)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "SQL Account at http://"+addr+" could not be reached") {
		t.Errorf("got %v", err)
	}
	if strings.Contains(err.Error(), "docno") {
		t.Errorf("the error shows the query: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Version(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestPagingFollowsShortPagesAndRefusesALoop(t *testing.T) {
	var offsets []string
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		off := r.URL.Query().Get("offset")
		offsets = append(offsets, off)
		// The server pages by 20, below the client's 50, and says so.
		n := 20
		if off == "40" {
			n = 5
		}
		recs := make([]map[string]any, n)
		for i := range recs {
			recs[i] = map[string]any{"code": off + "-" + string(rune('a'+i)), "description": "x", "taxrate": "6%", "isactive": "T"}
		}
		json.NewEncoder(w).Encode(map[string]any{"pagination": map[string]any{"offset": off, "limit": 20, "count": n, "total": 45}, "data": recs})
	})
	codes, err := c.Codes(context.Background(), domain.CodeTax)
	if err != nil || len(codes) != 45 || strings.Join(offsets, ",") != "0,20,40" || codes[0].Rate != 6 {
		t.Fatalf("%d codes, offsets %v, err %v", len(codes), offsets, err)
	}

	// A server that pages by 20 without saying so, but states the total, is read to the end.
	offsets = nil
	c, _ = testClient(t, func(w http.ResponseWriter, r *http.Request) {
		off := r.URL.Query().Get("offset")
		offsets = append(offsets, off)
		n := map[string]int{"0": 20, "20": 20, "40": 5}[off]
		recs := make([]map[string]any, n)
		for i := range recs {
			recs[i] = map[string]any{"code": off + "-" + string(rune('a'+i))}
		}
		json.NewEncoder(w).Encode(map[string]any{"pagination": map[string]any{"total": 45}, "data": recs})
	})
	codes, err = c.Codes(context.Background(), domain.CodeLocation)
	if err != nil || len(codes) != 45 || strings.Join(offsets, ",") != "0,20,40" {
		t.Fatalf("%d codes, offsets %v, err %v", len(codes), offsets, err)
	}

	// An answer without data is not an empty list.
	c, _ = testClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"pagination":{"total":0}}`) })
	if _, err := c.StockItems(context.Background(), nil); !errors.Is(err, ErrBadAnswer) || !strings.Contains(err.Error(), `no "data"`) {
		t.Errorf("no data: %v", err)
	}
	c, _ = testClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"pagination":{"total":0},"data":[]}`)
	})
	if items, err := c.StockItems(context.Background(), nil); err != nil || len(items) != 0 {
		t.Errorf("empty list: %v %v", items, err)
	}

	c, _ = testClient(t, func(w http.ResponseWriter, r *http.Request) {
		recs := make([]map[string]any, PageSize)
		for i := range recs {
			recs[i] = map[string]any{"code": string(rune('A' + i))}
		}
		json.NewEncoder(w).Encode(map[string]any{"data": recs})
	})
	_, err = c.Codes(context.Background(), domain.CodeProject)
	if !errors.Is(err, ErrBadAnswer) || !strings.Contains(err.Error(), "ignores offset") {
		t.Errorf("got %v", err)
	}
	if _, err := c.Codes(context.Background(), "agent"); err == nil {
		t.Error("Codes accepted an unknown kind")
	}
}

func TestFlagSpellings(t *testing.T) {
	for in, want := range map[string]flag{`true`: {true, true}, `"T"`: {true, true}, `"F"`: {true, false}, `1`: {true, true},
		`0`: {true, false}, `"Y"`: {true, true}, `null`: {}, `""`: {}} {
		var f flag
		if err := json.Unmarshal([]byte(in), &f); err != nil || f != want {
			t.Errorf("%s: %+v %v", in, f, err)
		}
	}
	var f flag
	if err := json.Unmarshal([]byte(`"maybe"`), &f); err == nil {
		t.Error("accepted maybe")
	}
}

func TestNoAnswerInTime(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		time.Sleep(300 * time.Millisecond)
	}))
	defer srv.Close()
	c, err := New(Config{URL: srv.URL, AccessKey: testAccess, SecretKey: testSecret}, &http.Client{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.wait = time.Millisecond
	_, err = c.CreateInvoice(context.Background(), sampleInvoice())
	noSecret(t, err)
	// The create may have been made: the client looked the number up (which got no answer either)
	// and says the create got none.
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "gave no answer to POST /salesinvoice: no answer in time") || posts.Load() != 1 {
		t.Errorf("got %v after %d posts", err, posts.Load())
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{"": 0, "3": 3 * time.Second, "-1": 0, "soon": 0,
		now.Add(time.Minute).Format(http.TimeFormat): time.Minute, now.Add(-time.Minute).Format(http.TimeFormat): 0} {
		if got := retryAfter(h, now); got != want {
			t.Errorf("%q: %v, want %v", h, got, want)
		}
	}
}
