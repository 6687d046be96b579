package sqlaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
)

// maxPages bounds one list read (a million records), so a server that never sends a short page
// cannot keep the client reading for ever.
const maxPages = 20000

// Version is the SQL Account version the API reports (e.g. "5.2025.1040.880"): the connection
// test, as SQL Account's own Test Connection does it.
func (c *Client) Version(ctx context.Context) (string, error) {
	r := request{method: http.MethodGet, path: "/version"}
	a, err := c.do(ctx, r)
	if err != nil {
		return "", err
	}
	var v struct {
		Version lenient.String `json:"version"`
	}
	var alt struct { // {"data":"5.2025..."} or {"version":"5.2025..."}
		Data    json.RawMessage `json:"data"`
		Version lenient.String  `json:"version"`
	}
	if json.Unmarshal(a.body, &alt) == nil && (alt.Version != "" || bytes.HasPrefix(bytes.TrimSpace(alt.Data), []byte(`"`))) {
		v.Version = alt.Version
		var s string
		if json.Unmarshal(alt.Data, &s) == nil && s != "" {
			v.Version = lenient.String(s)
		}
	} else {
		_, recs, err := records(r, a)
		if err != nil {
			return "", err
		}
		if len(recs) > 0 {
			if err := json.Unmarshal(recs[0], &v); err != nil {
				return "", badAnswer(r, a.status, "%v", err)
			}
		}
	}
	if v.Version == "" {
		return "", badAnswer(r, a.status, "it names no version")
	}
	return string(v.Version), nil
}

// list reads every record of a resource, PageSize at a time by offset, until a short page or
// the stated total. It calls each per record and progress (when not nil) after each page with
// the count read so far.
func (c *Client) list(ctx context.Context, path string, filter url.Values, each func(json.RawMessage) error, progress func(done int)) error {
	done := 0
	var prevFirst json.RawMessage
	for page := 0; ; page++ {
		if page >= maxPages {
			return fmt.Errorf("SQL Account's %s list did not end after %d records", path, done)
		}
		q := url.Values{}
		for k, v := range filter {
			q[k] = v
		}
		q.Set("offset", strconv.Itoa(done))
		q.Set("limit", strconv.Itoa(PageSize))
		r := request{method: http.MethodGet, path: path, query: q}
		a, err := c.do(ctx, r)
		if err != nil {
			return err
		}
		env, recs, err := records(r, a)
		if err != nil {
			return fmt.Errorf("reading %s from record %d: %w", path, done, err)
		}
		if len(recs) > 0 && page > 0 && bytes.Equal(recs[0], prevFirst) {
			return fmt.Errorf("reading %s: %w", path, badAnswer(r, a.status,
				"the page at offset %d repeats the one before it (the server ignores offset)", done))
		}
		for i, rec := range recs {
			if err := each(rec); err != nil {
				return fmt.Errorf("reading %s, record %d: %w", path, done+i+1, err)
			}
		}
		if len(recs) > 0 {
			prevFirst = recs[0]
		}
		done += len(recs)
		if progress != nil {
			progress(done)
		}
		limit, total := PageSize, 0
		if p := env.Pagination; p != nil {
			if p.Limit > 0 && int(p.Limit) < limit {
				limit = int(p.Limit)
			}
			total = int(p.Total)
		}
		// The end: an empty page, the stated total reached, or a short page when no total says
		// more are left (a server paging by less than it states still gets read to the end).
		if len(recs) == 0 || (total > 0 && done >= total) || (len(recs) < limit && total <= done) {
			return nil
		}
	}
}

// stockItemJSON is a /stockitem record.
type stockItemJSON struct {
	Code         lenient.String `json:"code"`
	Description  lenient.String `json:"description"`
	StockGroup   lenient.String `json:"stockgroup"`
	StockControl flag           `json:"stockcontrol"`
	IsActive     flag           `json:"isactive"`
	Barcode      lenient.String `json:"barcode"`
	UOMs         []struct {
		UOM      lenient.String `json:"uom"`
		Rate     lenient.String `json:"rate"`
		RefPrice lenient.String `json:"refprice"`
		IsBase   flag           `json:"isbase"`
		Barcode  lenient.String `json:"barcode"`
	} `json:"sdsuom"`
}

// StockItems reads every stock item with its units (sdsuom), PageSize at a time; progress (may
// be nil) hears the count read after each page. Records without a code are left out; an item
// that does not say whether it is active counts as active.
func (c *Client) StockItems(ctx context.Context, progress func(done int)) ([]domain.StockItem, error) {
	var items []domain.StockItem
	err := c.list(ctx, "/stockitem", nil, func(raw json.RawMessage) error {
		var j stockItemJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return badAnswer(request{method: http.MethodGet, path: "/stockitem"}, http.StatusOK, "%v", err)
		}
		it, err := j.item()
		if err != nil || it.Code == "" {
			return err
		}
		items = append(items, it)
		return nil
	}, progress)
	if err != nil {
		return nil, err
	}
	return items, nil
}

func (j stockItemJSON) item() (domain.StockItem, error) {
	it := domain.StockItem{
		Code:         strings.TrimSpace(string(j.Code)),
		Description:  string(j.Description),
		Group:        string(j.StockGroup),
		Active:       j.IsActive.or(true),
		StockControl: j.StockControl.or(false),
		Barcode:      string(j.Barcode),
	}
	for _, u := range j.UOMs {
		rate, err := number(string(u.Rate), 1)
		if err != nil || rate <= 0 {
			return it, fmt.Errorf("stock item %s, unit %s: the rate %q is not a positive number", it.Code, u.UOM, u.Rate)
		}
		price, err := domain.ParseMoney(string(u.RefPrice), "MYR")
		if err != nil {
			return it, fmt.Errorf("stock item %s, unit %s: the price: %w", it.Code, u.UOM, err)
		}
		it.UOMs = append(it.UOMs, domain.StockUOM{
			UOM: strings.TrimSpace(string(u.UOM)), Rate: rate, Price: price,
			Barcode: string(u.Barcode), Base: u.IsBase.v,
		})
	}
	return it, nil
}

// codeJSON is a /customer, /location, /project, /tax or /pmmethod record.
type codeJSON struct {
	Code        lenient.String `json:"code"`
	CompanyName lenient.String `json:"companyname"`
	Description lenient.String `json:"description"`
	TaxRate     lenient.String `json:"taxrate"`
	IsActive    flag           `json:"isactive"`
}

// Codes reads every code of a kind (customer, location, project, tax, pmmethod), PageSize at a
// time. Inactive codes are left out (an invoice cannot use them), as are records without a
// code. A customer's Description is its company name; a tax code's Rate its percentage ("6"
// and "6%" both read as 6).
func (c *Client) Codes(ctx context.Context, kind domain.CodeKind) ([]domain.AccountCode, error) {
	switch kind {
	case domain.CodeCustomer, domain.CodeLocation, domain.CodeProject, domain.CodeTax, domain.CodePayment:
	default:
		return nil, fmt.Errorf("SQL Account has no %q codes (customer, location, project, tax or pmmethod)", kind)
	}
	path := "/" + string(kind)
	var codes []domain.AccountCode
	err := c.list(ctx, path, nil, func(raw json.RawMessage) error {
		var j codeJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return badAnswer(request{method: http.MethodGet, path: path}, http.StatusOK, "%v", err)
		}
		code := strings.TrimSpace(string(j.Code))
		if code == "" || !j.IsActive.or(true) {
			return nil
		}
		ac := domain.AccountCode{Kind: kind, Code: code, Description: string(j.Description)}
		if kind == domain.CodeCustomer && j.CompanyName != "" {
			ac.Description = string(j.CompanyName)
		}
		if kind == domain.CodeTax {
			rate, err := number(string(j.TaxRate), 0)
			if err != nil {
				return fmt.Errorf("tax code %s: the rate %w", code, err)
			}
			ac.Rate = rate
		}
		codes = append(codes, ac)
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return codes, nil
}
