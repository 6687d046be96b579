package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kedai-app/kedai/sync/demo"
)

// The SQL Account API (reference sqlaccount.md §2a, and issue 7's wire format): one company,
// served at the API root (https://api.sql.my, or /sqlacc under the marketplace simulator).
//
// Readings of what the reference leaves open:
//   - Every request is checked by AWS SigV4 before anything else, unknown paths included (as the
//     API gateway in front of the real one does). Missing, garbled or unknown-key requests get
//     401; a signature that does not match, a wrong scope (region, service) or a stale X-Amz-Date
//     403. Errors are {"error":{"code","message"}}; a mismatch adds canonicalRequest and
//     stringToSign.
//   - Lists: at most 50 records (a larger limit is cut to 50), offset from 0, oldest first.
//     Any field of the records is a filter (exact text; true/false for booleans); an unknown
//     field is refused; lastmodified=<Unix seconds> lists what changed since then. /salesinvoice
//     lists headers; /salesinvoice/* with filters lists whole documents.
//   - A Sales Invoice's rate and sqty are SQL Account's, not the client's: the rate of the line's
//     UOM on the stock item and qty × rate (an empty uom is the base unit). Money is kept as
//     text with two decimals, quantities as the shortest decimal ("2", "1.5").
//   - POST answers 200. A PUT or a line changes only the fields it carries (a dataset Edit); a
//     PUT with sdsdocdetail replaces the lines as the contract says, without it keeps them. An
//     absent docamt is computed; an absent line amount is qty × unitprice.
//   - Refused besides the contract's list: a line without itemcode, a taxamt without a tax code,
//     a docno over 30 characters, a currency other than "----", a date not YYYY-MM-DD.

// Demo credentials: the demo workspace's SQL Account (the simulator inside Sim uses them). The
// access key has the shape some installs show: hex, the host, and the API user.
const (
	DemoAccessKey = "3f9c2a7e5b1d4c8fa06e92b7d1c5e8a4.sql.my/ACCOUNTAPI"
	DemoSecretKey = "kEdAi+Dem0/SQLAcc8sim2fWq9ZrXbN4tLmVy7Hp"
)

// SQLAccAPIVersion is what /version answers.
const SQLAccAPIVersion = "5.2025.1040.880"

// sqlaccPage is the API's page size: at most 50 records per GET.
const sqlaccPage = 50

// The seed types are declared in sync/demo (this package imports it for its orders, so it cannot
// import this one); they are the simulator's own.
type (
	SQLAccSeed     = demo.SQLAccCompany
	SQLAccItem     = demo.SQLAccItem
	SQLAccUOM      = demo.SQLAccUOM
	SQLAccCustomer = demo.SQLAccCustomer
	SQLAccCode     = demo.SQLAccCode
	SQLAccTax      = demo.SQLAccTax
)

// SQLAccOptions configure a SQL Account simulator.
type SQLAccOptions struct {
	AccessKey, SecretKey string
	Region               string           // SigV4 region; default "ap-southeast-1"
	Service              string           // SigV4 service; default "execute-api"
	Now                  func() time.Time // the clock X-Amz-Date is checked against; default time.Now
	Seed                 SQLAccSeed       // the company's stock items and codes
	// StateFile, when set, keeps the documents across runs: read at start, rewritten (temp file
	// and rename) after every change.
	StateFile string
}

// SQLAccInvoice is a stored Sales Invoice, in the API's own text forms: its header, as lists
// show it, and its lines.
type SQLAccInvoice struct {
	SQLAccHeader
	Lines []SQLAccLine `json:"sdsdocdetail"`
}

// SQLAccLine is one detail row of a Sales Invoice.
type SQLAccLine struct {
	DtlKey       int64  `json:"dtlkey"`
	Seq          int    `json:"seq"`
	ItemCode     string `json:"itemcode"`
	Location     string `json:"location"`
	Project      string `json:"project"`
	Description  string `json:"description"`
	Qty          string `json:"qty"`
	UOM          string `json:"uom"`
	Rate         string `json:"rate"`
	SQty         string `json:"sqty"`
	UnitPrice    string `json:"unitprice"`
	Tax          string `json:"tax"`
	TaxRate      string `json:"taxrate"`
	TaxInclusive bool   `json:"taxinclusive"`
	TaxAmt       string `json:"taxamt"`
	Amount       string `json:"amount"`
}

// SQLAccStats count what the simulator was asked and did.
type SQLAccStats struct {
	Requests           int // every request, faults included
	Gets               int // GETs past the signature check
	Creates, Updates   int // invoices stored by POST and PUT
	Deletes            int
	DuplicateRefusals  int // POST or PUT refused for a docno another invoice has
	Conflicts          int // PUT refused for its updatecount
	ValidationRefusals int // refused for unknown codes, bad amounts, ...
	SignatureRefusals  int // refused at the SigV4 check, for any reason
	Dropped            int // answers DropResponses swallowed
	Failed             int // answers FailNext made
}

// SQLAcc is a SQL Account API simulator. Create it with NewSQLAcc; it is safe for concurrent use.
type SQLAcc struct {
	opt SQLAccOptions

	// The company's master data: fixed at creation, rendered once.
	lists     map[string][]map[string]any // resource -> records, in the API's order
	keyField  map[string]string           // resource -> the field a path key names
	items     map[string]*SQLAccItem
	customers map[string]SQLAccCustomer
	locations map[string]bool
	projects  map[string]bool
	taxes     map[string]SQLAccTax

	mu         sync.Mutex
	invoices   map[int64]*SQLAccInvoice // never changed once stored: a change stores a new one
	keys       []int64                  // dockeys, ascending
	byDocNo    map[string]int64
	nextDocKey int64
	nextDtlKey int64
	stats      SQLAccStats
	drop       int
	fail       int
	failStatus int
	stateErr   error
}

// NewSQLAcc creates a simulator of one SQL Account company. With a StateFile it starts from the
// documents kept there; a file that cannot be read is moved aside (name + ".broken") and
// StateErr says why.
func NewSQLAcc(opt SQLAccOptions) *SQLAcc {
	if opt.Region == "" {
		opt.Region = "ap-southeast-1"
	}
	if opt.Service == "" {
		opt.Service = "execute-api"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	a := &SQLAcc{
		opt:        opt,
		lists:      map[string][]map[string]any{},
		keyField:   map[string]string{"stockitem": "dockey", "customer": "code", "location": "code", "project": "code", "tax": "code", "pmmethod": "code"},
		items:      map[string]*SQLAccItem{},
		customers:  map[string]SQLAccCustomer{},
		locations:  map[string]bool{},
		projects:   map[string]bool{},
		taxes:      map[string]SQLAccTax{},
		invoices:   map[int64]*SQLAccInvoice{},
		byDocNo:    map[string]int64{},
		nextDocKey: 1,
		nextDtlKey: 1,
	}
	a.seed(opt.Seed)
	if opt.StateFile != "" {
		if err := a.load(); err != nil {
			a.stateErr = err
			_ = os.Rename(opt.StateFile, opt.StateFile+".broken")
		}
	}
	return a
}

func (a *SQLAcc) seed(s SQLAccSeed) {
	for i := range s.Items {
		it := s.Items[i]
		it.UOMs = slices.Clone(it.UOMs)
		a.items[it.Code] = &it
		var uoms []map[string]any
		base := SQLAccUOM{}
		for _, u := range it.UOMs {
			if u.Base && base.UOM == "" {
				base = u
			}
			uoms = append(uoms, map[string]any{"uom": u.UOM, "rate": formatRate(u.Rate), "refprice": formatMoney(u.Price),
				"isbase": u.Base, "barcode": u.Barcode})
		}
		if base.UOM == "" && len(it.UOMs) > 0 {
			base = it.UOMs[0]
		}
		a.lists["stockitem"] = append(a.lists["stockitem"], map[string]any{"dockey": int64(i + 1), "code": it.Code,
			"description": it.Description, "stockgroup": it.Group, "stockcontrol": it.StockControl, "isactive": !it.Inactive,
			"barcode": base.Barcode, "refprice": formatMoney(base.Price), "sdsuom": uoms})
	}
	for _, c := range s.Customers {
		a.customers[c.Code] = c
		a.lists["customer"] = append(a.lists["customer"], map[string]any{"code": c.Code, "companyname": c.CompanyName,
			"isactive": !c.Inactive, "controlaccount": "300-000", "currencycode": "----"})
	}
	codes := func(resource string, l []SQLAccCode, set map[string]bool) {
		for _, c := range l {
			if set != nil {
				set[c.Code] = true
			}
			a.lists[resource] = append(a.lists[resource], map[string]any{"code": c.Code, "description": c.Description})
		}
	}
	codes("location", s.Locations, a.locations)
	codes("project", s.Projects, a.projects)
	codes("pmmethod", s.PayMethods, nil)
	for _, t := range s.Taxes {
		a.taxes[t.Code] = t
		a.lists["tax"] = append(a.lists["tax"], map[string]any{"code": t.Code, "description": t.Description,
			"taxrate": formatRate(t.Rate) + "%", "isactive": !t.Inactive})
	}
}

// Handler serves the API relative to its root: /version, /stockitem, /customer, /location,
// /project, /tax, /pmmethod, /salesinvoice and /salesinvoice/{dockey}.
func (a *SQLAcc) Handler() http.Handler { return http.HandlerFunc(a.serve) }

// Listen serves the simulator on addr's port of 127.0.0.1 (it listens nowhere else); baseURL is
// the API root.
func (a *SQLAcc) Listen(addr string) (baseURL string, stop func() error, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("sim: SQL Account listen %s: %w", addr, err)
	}
	if host != "" && host != "localhost" && host != "127.0.0.1" {
		return "", nil, fmt.Errorf("sim: SQL Account listen %s: the simulator listens on 127.0.0.1 only", addr)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return "", nil, fmt.Errorf("sim: SQL Account listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			stopErr = srv.Close()
			if errors.Is(stopErr, http.ErrServerClosed) {
				stopErr = nil
			}
		})
		return stopErr
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// SQLAcc is the marketplace simulator's SQL Account, served under /sqlacc.
func (s *Sim) SQLAcc() *SQLAcc { return s.sqlacc }

// newSimSQLAcc is the SQL Account inside Sim: the demo credentials and the demo company (for the
// demo stores) unless opt says otherwise, on the simulator's clock.
func newSimSQLAcc(opt SQLAccOptions, now func() time.Time) *SQLAcc {
	if opt.AccessKey == "" && opt.SecretKey == "" {
		opt.AccessKey, opt.SecretKey = DemoAccessKey, DemoSecretKey
	}
	if opt.Now == nil {
		opt.Now = now
	}
	if len(opt.Seed.Items) == 0 && len(opt.Seed.Customers) == 0 {
		var names []string
		for _, st := range demo.Stores() {
			names = append(names, st.Name)
		}
		opt.Seed = demo.SQLAccSeed(names)
	}
	return NewSQLAcc(opt)
}

// Invoices returns a copy of every stored invoice, by dockey.
func (a *SQLAcc) Invoices() []SQLAccInvoice {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]SQLAccInvoice, 0, len(a.keys))
	for _, k := range a.keys {
		out = append(out, a.invoices[k].clone())
	}
	return out
}

// InvoiceByDocNo returns a copy of the invoice with that document number.
func (a *SQLAcc) InvoiceByDocNo(docNo string) (SQLAccInvoice, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k, ok := a.byDocNo[docNo]
	if !ok {
		return SQLAccInvoice{}, false
	}
	return a.invoices[k].clone(), true
}

func (inv *SQLAccInvoice) clone() SQLAccInvoice {
	c := *inv
	c.Lines = slices.Clone(inv.Lines)
	return c
}

// Stats returns the counts so far.
func (a *SQLAcc) Stats() SQLAccStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// DropResponses makes the next n POST and PUT requests (past the signature check) happen, stored
// and all, but go unanswered: the connection is closed instead, as when a network fails after
// the server committed.
func (a *SQLAcc) DropResponses(n int) {
	a.mu.Lock()
	a.drop = max(n, 0)
	a.mu.Unlock()
}

// FailNext makes the next n requests of any kind answer status (with a JSON error) and do
// nothing else.
func (a *SQLAcc) FailNext(n int, status int) {
	a.mu.Lock()
	a.fail, a.failStatus = max(n, 0), status
	a.mu.Unlock()
}

// StateErr says why the state file could not be read at start or last written; nil when fine.
func (a *SQLAcc) StateErr() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stateErr
}

// --- serving ---

func sqlaccError(status int, code, msg string) reply {
	return jsonReply(status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// requestTarget is the path and query the client sent and signed, before a mount's prefix was
// stripped.
func requestTarget(r *http.Request) (path, rawQuery string) {
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			return u.EscapedPath(), u.RawQuery
		}
	}
	return r.URL.EscapedPath(), r.URL.RawQuery
}

func (a *SQLAcc) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		sqlaccError(http.StatusBadRequest, "BadRequest", "the request body could not be read: "+err.Error()).write(w)
		return
	}
	a.mu.Lock()
	a.stats.Requests++
	if a.fail > 0 {
		a.fail--
		a.stats.Failed++
		status := a.failStatus
		a.mu.Unlock()
		sqlaccError(status, "SimulatedFailure", fmt.Sprintf("simulated failure: HTTP %d %s", status, http.StatusText(status))).write(w)
		return
	}
	a.mu.Unlock()

	path, rawQuery := requestTarget(r)
	if ref := verifySigv4(r, path, rawQuery, body, sigv4Check{accessKey: a.opt.AccessKey, secretKey: a.opt.SecretKey,
		region: a.opt.Region, service: a.opt.Service, now: a.opt.Now()}); ref != nil {
		a.mu.Lock()
		a.stats.SignatureRefusals++
		a.mu.Unlock()
		e := map[string]string{"code": ref.code, "message": ref.message}
		if ref.canonicalRequest != "" {
			e["canonicalRequest"], e["stringToSign"] = ref.canonicalRequest, ref.stringToSign
		}
		jsonReply(ref.status, map[string]any{"error": e}).write(w)
		return
	}
	if len(body) > maxBody {
		sqlaccError(http.StatusRequestEntityTooLarge, "BadRequest", fmt.Sprintf("the body is over %d bytes", maxBody)).write(w)
		return
	}

	dropped := false
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		a.mu.Lock()
		if a.drop > 0 {
			a.drop--
			a.stats.Dropped++
			dropped = true
		}
		a.mu.Unlock()
	}
	rep := a.route(r, body)
	if dropped {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return
		}
		panic(http.ErrAbortHandler)
	}
	rep.write(w)
}

var sqlaccResources = []string{"version", "stockitem", "customer", "location", "project", "tax", "pmmethod", "salesinvoice"}

func (a *SQLAcc) route(r *http.Request, body []byte) reply {
	p := strings.Trim(r.URL.Path, "/")
	resource, key, hasKey := strings.Cut(p, "/")
	if strings.Contains(key, "/") || !slices.Contains(sqlaccResources, resource) {
		return sqlaccError(http.StatusNotFound, "NotFound", fmt.Sprintf("no resource /%s: this API serves /%s", p, strings.Join(sqlaccResources, ", /")))
	}
	if hasKey && key == "" {
		hasKey = false // /salesinvoice/ is the list
	}
	method := r.Method
	allowed := "GET"
	switch {
	case resource == "salesinvoice" && !hasKey:
		allowed = "GET, POST"
	case resource == "salesinvoice" && key != "*":
		allowed = "GET, PUT, DELETE"
	}
	if !slices.Contains(strings.Split(allowed, ", "), method) {
		return sqlaccError(http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("%s is not allowed on /%s (allowed: %s)", method, p, allowed))
	}
	if method == http.MethodGet {
		a.mu.Lock()
		a.stats.Gets++
		a.mu.Unlock()
	}
	q := r.URL.Query()
	switch {
	case resource == "version":
		return jsonReply(http.StatusOK, map[string]any{"data": map[string]string{"version": SQLAccAPIVersion}})
	case resource != "salesinvoice" && !hasKey:
		return a.listMasters(resource, q)
	case resource != "salesinvoice":
		return a.getMaster(resource, key)
	case method == http.MethodPost:
		return a.create(body)
	case method == http.MethodPut:
		return a.update(key, body)
	case method == http.MethodDelete:
		return a.delete(key)
	case key == "*":
		return a.listInvoices(q, true)
	case hasKey:
		return a.getInvoice(key)
	}
	return a.listInvoices(q, false)
}

// sqlaccPaging reads offset and limit: limit 1..50 (more is cut to 50, none or 0 is 50).
func sqlaccPaging(q url.Values) (offset, limit int, bad string) {
	limit = sqlaccPage
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, fmt.Sprintf("offset %q is not a whole number from 0", v)
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, fmt.Sprintf("limit %q is not a whole number from 1 to %d", v, sqlaccPage)
		}
		if n > 0 && n < sqlaccPage {
			limit = n
		}
	}
	return offset, limit, ""
}

func sqlaccEnvelope[T any](all []T, offset, limit int) reply {
	total := len(all)
	from, to := min(offset, total), min(offset+limit, total)
	data := all[from:to]
	if data == nil {
		data = []T{}
	}
	return jsonReply(http.StatusOK, map[string]any{
		"pagination": map[string]int{"offset": offset, "limit": limit, "count": len(data), "total": total},
		"data":       data,
	})
}

// sqlaccFilters are the query's fields other than paging.
func sqlaccFilters(q url.Values) map[string]string {
	f := map[string]string{}
	for k, v := range q {
		if k != "offset" && k != "limit" && len(v) > 0 {
			f[strings.ToLower(k)] = v[0]
		}
	}
	return f
}

// scalarText is a field's value as a filter compares it.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	}
	return "", false
}

func (a *SQLAcc) listMasters(resource string, q url.Values) reply {
	offset, limit, bad := sqlaccPaging(q)
	if bad != "" {
		return sqlaccError(http.StatusBadRequest, "BadRequest", bad)
	}
	all := a.lists[resource]
	f := sqlaccFilters(q)
	if len(f) > 0 {
		known := masterFields(resource)
		for k := range f {
			if !known[k] {
				return sqlaccError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("/%s has no field %q to filter by", resource, k))
			}
		}
		var kept []map[string]any
		for _, rec := range all {
			if sqlaccMatches(rec, f) {
				kept = append(kept, rec)
			}
		}
		all = kept
	}
	return sqlaccEnvelope(all, offset, limit)
}

// masterFields are the filterable fields of a resource's records.
func masterFields(resource string) map[string]bool {
	switch resource {
	case "stockitem":
		return map[string]bool{"dockey": true, "code": true, "description": true, "stockgroup": true, "stockcontrol": true,
			"isactive": true, "barcode": true, "refprice": true}
	case "customer":
		return map[string]bool{"code": true, "companyname": true, "isactive": true, "controlaccount": true, "currencycode": true}
	case "tax":
		return map[string]bool{"code": true, "description": true, "taxrate": true, "isactive": true}
	}
	return map[string]bool{"code": true, "description": true}
}

func sqlaccMatches(rec map[string]any, f map[string]string) bool {
	for k, want := range f {
		got, ok := scalarText(rec[k])
		if !ok || got != want {
			return false
		}
	}
	return true
}

func (a *SQLAcc) getMaster(resource, key string) reply {
	field := a.keyField[resource]
	for _, rec := range a.lists[resource] {
		if got, _ := scalarText(rec[field]); got == key {
			return jsonReply(http.StatusOK, map[string]any{"data": []any{rec}})
		}
	}
	return sqlaccError(http.StatusNotFound, "NotFound", fmt.Sprintf("/%s has no record with %s %q", resource, field, key))
}

// --- the state file ---

type sqlaccState struct {
	Version    int              `json:"version"`
	NextDocKey int64            `json:"nextdockey"`
	NextDtlKey int64            `json:"nextdtlkey"`
	Invoices   []*SQLAccInvoice `json:"invoices"`
}

func (a *SQLAcc) load() error {
	b, err := os.ReadFile(a.opt.StateFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sim: SQL Account state %s: %w", a.opt.StateFile, err)
	}
	var st sqlaccState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("sim: SQL Account state %s: %w", a.opt.StateFile, err)
	}
	if st.Version != 1 {
		return fmt.Errorf("sim: SQL Account state %s: version %d, want 1", a.opt.StateFile, st.Version)
	}
	sort.Slice(st.Invoices, func(i, j int) bool { return st.Invoices[i].DocKey < st.Invoices[j].DocKey })
	for _, inv := range st.Invoices {
		if inv == nil || inv.DocKey <= 0 || a.invoices[inv.DocKey] != nil || a.byDocNo[inv.DocNo] != 0 {
			return fmt.Errorf("sim: SQL Account state %s: a missing or repeated dockey or docno", a.opt.StateFile)
		}
		a.invoices[inv.DocKey] = inv
		a.byDocNo[inv.DocNo] = inv.DocKey
		a.keys = append(a.keys, inv.DocKey)
		a.nextDocKey = max(a.nextDocKey, inv.DocKey+1)
		for _, l := range inv.Lines {
			a.nextDtlKey = max(a.nextDtlKey, l.DtlKey+1)
		}
	}
	a.nextDocKey = max(a.nextDocKey, st.NextDocKey)
	a.nextDtlKey = max(a.nextDtlKey, st.NextDtlKey)
	return nil
}

// saveLocked writes the state file, if there is one: a temporary file in the same directory,
// then a rename over the old one, so a crash leaves the old state or the new, never half.
func (a *SQLAcc) saveLocked() error {
	if a.opt.StateFile == "" {
		return nil
	}
	st := sqlaccState{Version: 1, NextDocKey: a.nextDocKey, NextDtlKey: a.nextDtlKey, Invoices: make([]*SQLAccInvoice, 0, len(a.keys))}
	for _, k := range a.keys {
		st.Invoices = append(st.Invoices, a.invoices[k])
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(a.opt.StateFile), filepath.Base(a.opt.StateFile)+".tmp*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), a.opt.StateFile)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("sim: SQL Account state %s: %w", a.opt.StateFile, err)
	}
	return nil
}
