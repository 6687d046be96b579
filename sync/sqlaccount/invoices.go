package sqlaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
)

// myt is Malaysia's time: SQL Account's document dates are local dates there.
var myt = time.FixedZone("MYT", 8*3600)

// baseCurrency is how SQL Account names the company's own currency (MYR).
const baseCurrency = "----"

// InvoiceRef is what identifies a Sales Invoice in SQL Account and its revision.
type InvoiceRef struct {
	DocKey      int64
	DocNo       string
	UpdateCount int
}

// Remote is a Sales Invoice as SQL Account holds it.
type Remote struct {
	InvoiceRef
	Invoice domain.Invoice // header and lines, lines in seq order
	DocAmt  domain.Money   // the document amount SQL Account states
	Rows    []Row          // Rows[i] identifies Invoice.Lines[i]
}

// Row is the identity of one detail row of a remote invoice.
type Row struct {
	DtlKey int64
	Seq    int
}

// invoiceJSON is the Sales Invoice payload Kedai sends.
type invoiceJSON struct {
	DocKey       int64        `json:"dockey,omitempty"`
	DocNo        string       `json:"docno"`
	DocDate      string       `json:"docdate"`
	PostDate     string       `json:"postdate"`
	Code         string       `json:"code"`
	CompanyName  string       `json:"companyname"`
	Description  string       `json:"description"`
	Project      string       `json:"project"`
	CurrencyCode string       `json:"currencycode"`
	DocAmt       string       `json:"docamt"`
	Cancelled    bool         `json:"cancelled"`
	UpdateCount  int          `json:"updatecount,omitempty"`
	Details      []detailJSON `json:"sdsdocdetail"`
}

type detailJSON struct {
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

// payload turns inv into the JSON SQL Account takes: lower-case keys, money as 2-decimal
// strings, quantities and rates as strings, the date as Malaysia's calendar date. dtlKeys[i]
// (when present) is the existing row line i updates; other lines are new rows (-1).
func payload(inv domain.Invoice, docKey int64, updateCount int, dtlKeys []int64) ([]byte, error) {
	if strings.TrimSpace(inv.DocNo) == "" {
		return nil, errors.New("the invoice has no document number")
	}
	if inv.DocDate.IsZero() {
		return nil, fmt.Errorf("invoice %s has no date", inv.DocNo)
	}
	date := inv.DocDate.In(myt).Format(time.DateOnly)
	cur := strings.ToUpper(strings.TrimSpace(inv.Currency))
	code := cur
	if cur == "" || cur == "MYR" {
		code, cur = baseCurrency, "MYR"
	}
	money := func(m domain.Money) string {
		if m.Currency == "" {
			m.Currency = cur
		}
		return m.Decimal()
	}
	amt := inv.Amount()
	amt.Currency = cur
	p := invoiceJSON{
		DocKey: docKey, DocNo: inv.DocNo, DocDate: date, PostDate: date, Code: inv.Customer,
		CompanyName: inv.CompanyName, Description: inv.Description, Project: inv.Project,
		CurrencyCode: code, DocAmt: money(amt), Cancelled: inv.Cancelled, UpdateCount: updateCount,
		Details: make([]detailJSON, 0, len(inv.Lines)),
	}
	for i, l := range inv.Lines {
		rate := l.Rate
		if rate <= 0 {
			rate = 1
		}
		d := detailJSON{
			DtlKey: -1, Seq: i + 1, ItemCode: l.ItemCode, Location: l.Location, Project: l.Project,
			Description: l.Description, Qty: strconv.FormatInt(l.Qty, 10), UOM: l.UOM,
			Rate: decimal(rate), SQty: decimal(float64(l.Qty) * rate), UnitPrice: money(l.UnitPrice),
			Tax: l.Tax, TaxInclusive: l.TaxInclusive, TaxAmt: money(l.TaxAmt), Amount: money(l.Amount),
		}
		if l.Tax != "" {
			d.TaxRate = decimal(l.TaxRate)
		}
		if i < len(dtlKeys) && dtlKeys[i] > 0 {
			d.DtlKey = dtlKeys[i]
		}
		p.Details = append(p.Details, d)
	}
	return json.Marshal(p)
}

// refJSON is the identity part of an invoice record (a create's answer, a docno look-up).
type refJSON struct {
	DocKey      lenient.Int    `json:"dockey"`
	DocNo       lenient.String `json:"docno"`
	UpdateCount lenient.Int    `json:"updatecount"`
}

func (j refJSON) ref() InvoiceRef {
	return InvoiceRef{DocKey: int64(j.DocKey), DocNo: string(j.DocNo), UpdateCount: int(j.UpdateCount)}
}

// FindInvoice looks a Sales Invoice up by its document number (exactly, then ignoring case).
func (c *Client) FindInvoice(ctx context.Context, docNo string) (ref InvoiceRef, found bool, err error) {
	if strings.TrimSpace(docNo) == "" {
		return InvoiceRef{}, false, errors.New("looking an invoice up: no document number")
	}
	var refs []InvoiceRef
	r := request{method: http.MethodGet, path: "/salesinvoice"}
	err = c.list(ctx, r.path, url.Values{"docno": {docNo}}, func(raw json.RawMessage) error {
		var j refJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return badAnswer(r, http.StatusOK, "%v", err)
		}
		refs = append(refs, j.ref())
		return nil
	}, nil)
	if err != nil {
		return InvoiceRef{}, false, fmt.Errorf("looking invoice %s up: %w", docNo, err)
	}
	for _, exact := range []bool{true, false} {
		for _, x := range refs {
			if x.DocKey > 0 && (x.DocNo == docNo || !exact && strings.EqualFold(x.DocNo, docNo)) {
				return x, true, nil
			}
		}
	}
	return InvoiceRef{}, false, nil
}

// remoteJSON is a /salesinvoice/{dockey} record.
type remoteJSON struct {
	refJSON
	DocDate      lenient.String `json:"docdate"`
	Code         lenient.String `json:"code"`
	CompanyName  lenient.String `json:"companyname"`
	Description  lenient.String `json:"description"`
	Project      lenient.String `json:"project"`
	CurrencyCode lenient.String `json:"currencycode"`
	DocAmt       lenient.String `json:"docamt"`
	Cancelled    flag           `json:"cancelled"`
	Details      []struct {
		DtlKey       lenient.Int    `json:"dtlkey"`
		Seq          lenient.Int    `json:"seq"`
		ItemCode     lenient.String `json:"itemcode"`
		Location     lenient.String `json:"location"`
		Project      lenient.String `json:"project"`
		Description  lenient.String `json:"description"`
		Qty          lenient.String `json:"qty"`
		UOM          lenient.String `json:"uom"`
		Rate         lenient.String `json:"rate"`
		UnitPrice    lenient.String `json:"unitprice"`
		Tax          lenient.String `json:"tax"`
		TaxRate      lenient.String `json:"taxrate"`
		TaxInclusive flag           `json:"taxinclusive"`
		TaxAmt       lenient.String `json:"taxamt"`
		Amount       lenient.String `json:"amount"`
	} `json:"sdsdocdetail"`
}

// Invoice reads one Sales Invoice with its detail rows. An unknown dockey is ErrNotFound.
func (c *Client) Invoice(ctx context.Context, docKey int64) (Remote, error) {
	r := request{method: http.MethodGet, path: "/salesinvoice/" + strconv.FormatInt(docKey, 10), notFound: true}
	a, err := c.do(ctx, r)
	if err != nil {
		return Remote{}, fmt.Errorf("reading invoice %d: %w", docKey, err)
	}
	_, recs, err := records(r, a)
	switch {
	case err == nil && len(recs) == 0:
		err = &Error{Op: r.op(), Status: a.status, kind: ErrNotFound, Message: "the answer holds no document"}
	case err == nil && len(recs) > 1:
		err = badAnswer(r, a.status, "%d records instead of one", len(recs))
	}
	var j remoteJSON
	if err == nil {
		if uerr := json.Unmarshal(recs[0], &j); uerr != nil {
			err = badAnswer(r, a.status, "%v", uerr)
		}
	}
	var rem Remote
	if err == nil {
		rem, err = j.remote()
		if err != nil {
			err = badAnswer(r, a.status, "%v", err)
		}
	}
	if err != nil {
		return Remote{}, fmt.Errorf("reading invoice %d: %w", docKey, err)
	}
	if rem.DocKey == 0 {
		rem.DocKey = docKey
	}
	return rem, nil
}

func (j remoteJSON) remote() (Remote, error) {
	cur := strings.ToUpper(strings.TrimSpace(string(j.CurrencyCode)))
	if cur == "" || cur == baseCurrency {
		cur = "MYR"
	}
	var err error
	money := func(what string, s lenient.String) domain.Money {
		m, perr := domain.ParseMoney(string(s), cur)
		if perr != nil && err == nil {
			err = fmt.Errorf("%s: %w", what, perr)
		}
		return m
	}
	num := func(what string, s lenient.String, def float64) float64 {
		v, perr := number(string(s), def)
		if perr != nil && err == nil {
			err = fmt.Errorf("%s: %w", what, perr)
		}
		return v
	}
	rem := Remote{InvoiceRef: j.ref(), DocAmt: money("docamt", j.DocAmt)}
	inv := domain.Invoice{
		DocNo: string(j.DocNo), Customer: string(j.Code), CompanyName: string(j.CompanyName),
		Description: string(j.Description), Project: string(j.Project), Currency: cur,
		Cancelled: j.Cancelled.v,
	}
	if d := strings.TrimSpace(string(j.DocDate)); d != "" {
		t, perr := time.ParseInLocation(time.DateOnly, d[:min(len(d), len(time.DateOnly))], myt)
		if perr != nil {
			return rem, fmt.Errorf("docdate %q is not a date", d)
		}
		inv.DocDate = t
	}
	dets := j.Details
	sort.SliceStable(dets, func(a, b int) bool { return dets[a].Seq < dets[b].Seq })
	for i, d := range dets {
		what := fmt.Sprintf("row %d", i+1)
		l := domain.InvoiceLine{
			ItemCode: string(d.ItemCode), Location: string(d.Location), Project: string(d.Project),
			Description: string(d.Description), UOM: string(d.UOM),
			Qty:       int64(math.Round(num(what+" qty", d.Qty, 0))),
			Rate:      num(what+" rate", d.Rate, 1),
			UnitPrice: money(what+" unitprice", d.UnitPrice), Amount: money(what+" amount", d.Amount),
			Tax: string(d.Tax), TaxRate: num(what+" taxrate", d.TaxRate, 0),
			TaxInclusive: d.TaxInclusive.v, TaxAmt: money(what+" taxamt", d.TaxAmt),
		}
		inv.Lines = append(inv.Lines, l)
		rem.Rows = append(rem.Rows, Row{DtlKey: int64(d.DtlKey), Seq: int(d.Seq)})
	}
	rem.Invoice = inv
	return rem, err
}

// CreateInvoice creates a Sales Invoice. When the answer does not name the new dockey, or no
// answer comes back although the request went out, it looks the document number up: a lost
// answer then still gives the invoice that was made, and nothing is sent twice. A document
// number SQL Account already has is ErrDuplicate.
func (c *Client) CreateInvoice(ctx context.Context, inv domain.Invoice) (InvoiceRef, error) {
	body, err := payload(inv, 0, 0, nil)
	if err != nil {
		return InvoiceRef{}, err
	}
	r := request{method: http.MethodPost, path: "/salesinvoice", body: body}
	a, err := c.do(ctx, r)
	var e *Error
	if err != nil && !(errors.As(err, &e) && e.unsure()) {
		return InvoiceRef{}, fmt.Errorf("creating invoice %s: %w", inv.DocNo, err)
	}
	if err == nil {
		if _, recs, rerr := records(r, a); rerr == nil && len(recs) > 0 {
			var j refJSON
			if json.Unmarshal(recs[0], &j) == nil && j.DocKey > 0 {
				ref := j.ref()
				if ref.DocNo == "" {
					ref.DocNo = inv.DocNo
				}
				return ref, nil
			}
		}
	}
	// The answer does not say which document was made, or never came: the docno tells.
	ref, found, ferr := c.FindInvoice(ctx, inv.DocNo)
	switch {
	case ferr == nil && found:
		return ref, nil
	case err != nil: // no answer, and the invoice is not there (or the look-up failed too)
		return InvoiceRef{}, fmt.Errorf("creating invoice %s: %w", inv.DocNo, err)
	case ferr != nil:
		return InvoiceRef{}, fmt.Errorf("creating invoice %s: SQL Account accepted it without naming its dockey, and %w", inv.DocNo, ferr)
	}
	return InvoiceRef{}, fmt.Errorf("creating invoice %s: %w", inv.DocNo,
		badAnswer(r, a.status, "SQL Account accepted it but does not list document %s", inv.DocNo))
}

// UpdateInvoice replaces the Sales Invoice docKey with inv: it reads the current record, then
// sends the full document with updatecount + 1, keeping each existing row that has a line at the
// same seq (by its dtlkey) and adding the others as new rows; rows beyond inv's lines go. If
// someone changed the document in between, the answer is ErrChanged: read and try again. A
// dockey that is gone, or now holds another document number, is ErrNotFound.
func (c *Client) UpdateInvoice(ctx context.Context, docKey int64, inv domain.Invoice) (InvoiceRef, error) {
	cur, err := c.Invoice(ctx, docKey)
	if err != nil {
		return InvoiceRef{}, fmt.Errorf("updating invoice %s: %w", inv.DocNo, err)
	}
	if cur.DocNo != "" && !strings.EqualFold(cur.DocNo, inv.DocNo) {
		return InvoiceRef{}, fmt.Errorf("updating invoice %s: %w", inv.DocNo, &Error{
			Op: "GET /salesinvoice/" + strconv.FormatInt(docKey, 10), Status: http.StatusOK, kind: ErrNotFound,
			Message: fmt.Sprintf("dockey %d now holds document %s, not %s", docKey, cur.DocNo, inv.DocNo)})
	}
	bySeq := make(map[int]int64, len(cur.Rows))
	for _, row := range cur.Rows {
		if row.DtlKey > 0 {
			bySeq[row.Seq] = row.DtlKey
		}
	}
	keys := make([]int64, len(inv.Lines))
	for i := range inv.Lines {
		keys[i] = bySeq[i+1]
	}
	next := cur.UpdateCount + 1
	body, err := payload(inv, docKey, next, keys)
	if err != nil {
		return InvoiceRef{}, err
	}
	r := request{method: http.MethodPut, path: "/salesinvoice/" + strconv.FormatInt(docKey, 10), body: body, notFound: true}
	a, err := c.do(ctx, r)
	if err != nil {
		return InvoiceRef{}, fmt.Errorf("updating invoice %s: %w", inv.DocNo, err)
	}
	ref := InvoiceRef{DocKey: docKey, DocNo: inv.DocNo, UpdateCount: next}
	if _, recs, rerr := records(r, a); rerr == nil && len(recs) > 0 {
		var j refJSON
		if json.Unmarshal(recs[0], &j) == nil && j.UpdateCount > 0 {
			ref.UpdateCount = int(j.UpdateCount)
		}
	}
	return ref, nil
}
