package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sales Invoices: create, read, update with updatecount, delete. Everything runs under a.mu; a
// stored invoice is never changed, a change stores a new one (so Invoices can hand out copies
// cheaply and a failed state write can put the old one back).

// sqlaccMaxDocNo is the longest document number SQL Account keeps.
const sqlaccMaxDocNo = 30

// sqlaccRefusal is a 400 with the API's error body.
type sqlaccRefusal struct{ msg string }

func (e *sqlaccRefusal) Error() string { return e.msg }

func refuse(format string, args ...any) *sqlaccRefusal {
	return &sqlaccRefusal{msg: fmt.Sprintf(format, args...)}
}

// SQLAccHeader is an invoice without its lines, as lists show it.
type SQLAccHeader struct {
	DocKey       int64  `json:"dockey"`
	DocNo        string `json:"docno"`
	DocDate      string `json:"docdate"`
	PostDate     string `json:"postdate"`
	Code         string `json:"code"`
	CompanyName  string `json:"companyname"`
	Description  string `json:"description"`
	Project      string `json:"project"`
	CurrencyCode string `json:"currencycode"`
	DocAmt       string `json:"docamt"`
	Cancelled    bool   `json:"cancelled"`
	UpdateCount  int64  `json:"updatecount"`
	LastModified int64  `json:"lastmodified"`
}

// field is a header field as a filter compares it.
func (inv *SQLAccInvoice) field(name string) (string, bool) {
	switch name {
	case "dockey":
		return strconv.FormatInt(inv.DocKey, 10), true
	case "docno":
		return inv.DocNo, true
	case "docdate":
		return inv.DocDate, true
	case "postdate":
		return inv.PostDate, true
	case "code":
		return inv.Code, true
	case "companyname":
		return inv.CompanyName, true
	case "description":
		return inv.Description, true
	case "project":
		return inv.Project, true
	case "currencycode":
		return inv.CurrencyCode, true
	case "docamt":
		return inv.DocAmt, true
	case "cancelled":
		return strconv.FormatBool(inv.Cancelled), true
	case "updatecount":
		return strconv.FormatInt(inv.UpdateCount, 10), true
	case "lastmodified":
		return strconv.FormatInt(inv.LastModified, 10), true
	}
	return "", false
}

// listInvoices answers /salesinvoice (headers) and /salesinvoice/* (whole documents).
func (a *SQLAcc) listInvoices(q url.Values, whole bool) reply {
	offset, limit, bad := sqlaccPaging(q)
	if bad != "" {
		return sqlaccError(http.StatusBadRequest, "BadRequest", bad)
	}
	f := sqlaccFilters(q)
	var probe SQLAccInvoice
	for k := range f {
		if _, ok := probe.field(k); !ok {
			return sqlaccError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("/salesinvoice has no field %q to filter by", k))
		}
	}
	// lastmodified=<epoch> asks for what changed since then, not at that second.
	since := int64(-1 << 63)
	if v, ok := f["lastmodified"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return sqlaccError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("lastmodified %q is not Unix seconds", v))
		}
		since = n
		delete(f, "lastmodified")
	}
	a.mu.Lock()
	var found []*SQLAccInvoice
	if docNo, ok := f["docno"]; ok { // the index
		if k, ok := a.byDocNo[docNo]; ok {
			found = append(found, a.invoices[k])
		}
	} else {
		found = make([]*SQLAccInvoice, 0, len(a.keys))
		for _, k := range a.keys {
			found = append(found, a.invoices[k])
		}
	}
	kept := found[:0]
	for _, inv := range found {
		ok := inv.LastModified >= since
		for k, want := range f {
			if got, _ := inv.field(k); got != want {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, inv)
		}
	}
	a.mu.Unlock()
	if whole {
		return sqlaccEnvelope(kept, offset, limit) // stored invoices are never changed: safe to encode unlocked
	}
	headers := make([]SQLAccHeader, len(kept))
	for i, inv := range kept {
		headers[i] = inv.SQLAccHeader
	}
	return sqlaccEnvelope(headers, offset, limit)
}

func (a *SQLAcc) lookup(key string) (*SQLAccInvoice, *reply) {
	k, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		rep := sqlaccError(http.StatusNotFound, "NotFound", fmt.Sprintf("no Sales Invoice with dockey %q (a dockey is a number)", key))
		return nil, &rep
	}
	inv := a.invoices[k]
	if inv == nil {
		rep := sqlaccError(http.StatusNotFound, "NotFound", fmt.Sprintf("no Sales Invoice with dockey %d", k))
		return nil, &rep
	}
	return inv, nil
}

func (a *SQLAcc) getInvoice(key string) reply {
	a.mu.Lock()
	inv, miss := a.lookup(key)
	a.mu.Unlock()
	if miss != nil {
		return *miss
	}
	return jsonReply(http.StatusOK, map[string]any{"data": []*SQLAccInvoice{inv}})
}

func sqlaccSaved(inv *SQLAccInvoice) reply {
	return jsonReply(http.StatusOK, map[string]any{"data": []map[string]any{{"dockey": inv.DocKey, "docno": inv.DocNo, "updatecount": inv.UpdateCount}}})
}

func (a *SQLAcc) refusedLocked(err error) reply {
	if r, ok := err.(*sqlaccRefusal); ok {
		a.stats.ValidationRefusals++
		return sqlaccError(http.StatusBadRequest, "ValidationError", r.msg)
	}
	return sqlaccError(http.StatusInternalServerError, "InternalError", err.Error())
}

func (a *SQLAcc) duplicateLocked(docNo string) reply {
	a.stats.DuplicateRefusals++
	return sqlaccError(http.StatusBadRequest, "DuplicateValue", fmt.Sprintf(
		"attempt to store duplicate value (visible to active transactions) in unique index \"UNQ_SL_IV_DOCNO\": Sales Invoice %q already exists", docNo))
}

func (a *SQLAcc) create(body []byte) reply {
	m, err := jsonObject(body)
	if err != nil {
		return sqlaccError(http.StatusBadRequest, "BadRequest", err.Error())
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	inv, err := a.build(nil, m)
	if err != nil {
		return a.refusedLocked(err)
	}
	if _, dup := a.byDocNo[inv.DocNo]; dup {
		return a.duplicateLocked(inv.DocNo)
	}
	inv.DocKey = a.nextDocKey
	inv.UpdateCount = 1
	keys := a.assignDtlKeysLocked(inv)
	a.invoices[inv.DocKey] = inv
	a.byDocNo[inv.DocNo] = inv.DocKey
	a.keys = append(a.keys, inv.DocKey)
	a.nextDocKey++
	if err := a.saveLocked(); err != nil {
		delete(a.invoices, inv.DocKey)
		delete(a.byDocNo, inv.DocNo)
		a.keys = a.keys[:len(a.keys)-1]
		a.nextDocKey--
		a.nextDtlKey -= keys
		a.stateErr = err
		return sqlaccError(http.StatusInternalServerError, "InternalError", "the document could not be saved: "+err.Error())
	}
	a.stats.Creates++
	return sqlaccSaved(inv)
}

// assignDtlKeysLocked gives new lines (DtlKey 0) their keys and says how many it gave.
func (a *SQLAcc) assignDtlKeysLocked(inv *SQLAccInvoice) int64 {
	var n int64
	for i := range inv.Lines {
		if inv.Lines[i].DtlKey == 0 {
			inv.Lines[i].DtlKey = a.nextDtlKey
			a.nextDtlKey++
			n++
		}
	}
	return n
}

func (a *SQLAcc) update(key string, body []byte) reply {
	m, err := jsonObject(body)
	if err != nil {
		return sqlaccError(http.StatusBadRequest, "BadRequest", err.Error())
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	old, miss := a.lookup(key)
	if miss != nil {
		return *miss
	}
	uc, present, err := intField(m, "updatecount")
	if err != nil {
		return a.refusedLocked(err)
	}
	if !present || uc != old.UpdateCount+1 {
		a.stats.Conflicts++
		return sqlaccError(http.StatusConflict, "UpdateConflict", fmt.Sprintf(
			"Record has been changed by another user: send updatecount %d (the stored %d + 1), got %s",
			old.UpdateCount+1, old.UpdateCount, orNone(present, uc)))
	}
	if dk, present, err := intField(m, "dockey"); err != nil {
		return a.refusedLocked(err)
	} else if present && dk != 0 && dk != old.DocKey {
		return a.refusedLocked(refuse("the body's dockey %d is not the path's %d", dk, old.DocKey))
	}
	inv, err := a.build(old, m)
	if err != nil {
		return a.refusedLocked(err)
	}
	if k, dup := a.byDocNo[inv.DocNo]; dup && k != old.DocKey {
		return a.duplicateLocked(inv.DocNo)
	}
	inv.DocKey, inv.UpdateCount = old.DocKey, old.UpdateCount+1
	keys := a.assignDtlKeysLocked(inv)
	a.invoices[inv.DocKey] = inv
	delete(a.byDocNo, old.DocNo)
	a.byDocNo[inv.DocNo] = inv.DocKey
	if err := a.saveLocked(); err != nil {
		a.invoices[old.DocKey] = old
		delete(a.byDocNo, inv.DocNo)
		a.byDocNo[old.DocNo] = old.DocKey
		a.nextDtlKey -= keys
		a.stateErr = err
		return sqlaccError(http.StatusInternalServerError, "InternalError", "the document could not be saved: "+err.Error())
	}
	a.stats.Updates++
	return sqlaccSaved(inv)
}

func orNone(present bool, n int64) string {
	if !present {
		return "none"
	}
	return strconv.FormatInt(n, 10)
}

func (a *SQLAcc) delete(key string) reply {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, miss := a.lookup(key)
	if miss != nil {
		return *miss
	}
	i, _ := slices.BinarySearch(a.keys, old.DocKey)
	delete(a.invoices, old.DocKey)
	delete(a.byDocNo, old.DocNo)
	a.keys = slices.Delete(a.keys, i, i+1)
	if err := a.saveLocked(); err != nil {
		a.invoices[old.DocKey] = old
		a.byDocNo[old.DocNo] = old.DocKey
		a.keys = slices.Insert(a.keys, i, old.DocKey)
		a.stateErr = err
		return sqlaccError(http.StatusInternalServerError, "InternalError", "the document could not be deleted: "+err.Error())
	}
	a.stats.Deletes++
	return jsonReply(http.StatusOK, map[string]any{"data": []map[string]any{{"dockey": old.DocKey, "docno": old.DocNo}}})
}

// build makes the invoice a payload describes: over old's fields for a PUT, over the defaults
// for a POST (old nil). New lines have DtlKey 0. It checks every code against the company.
func (a *SQLAcc) build(old *SQLAccInvoice, m map[string]json.RawMessage) (*SQLAccInvoice, error) {
	inv := &SQLAccInvoice{SQLAccHeader: SQLAccHeader{CurrencyCode: "----", Description: "Sales"}}
	if old != nil {
		*inv = *old
		inv.Lines = nil
	}
	for _, f := range []struct {
		name string
		to   *string
	}{{"docno", &inv.DocNo}, {"docdate", &inv.DocDate}, {"postdate", &inv.PostDate}, {"code", &inv.Code},
		{"companyname", &inv.CompanyName}, {"description", &inv.Description}, {"project", &inv.Project},
		{"currencycode", &inv.CurrencyCode}} {
		if err := textField(m, f.name, f.to); err != nil {
			return nil, err
		}
	}
	if _, err := boolField(m, "cancelled", &inv.Cancelled); err != nil {
		return nil, err
	}
	inv.DocNo = strings.TrimSpace(inv.DocNo)
	if inv.DocNo == "" {
		return nil, refuse("docno is required")
	}
	if len(inv.DocNo) > sqlaccMaxDocNo {
		return nil, refuse("docno %q is longer than %d characters", inv.DocNo, sqlaccMaxDocNo)
	}
	now := a.opt.Now()
	if inv.DocDate == "" {
		inv.DocDate = now.In(time.FixedZone("MYT", 8*3600)).Format(time.DateOnly)
	}
	if inv.PostDate == "" {
		inv.PostDate = inv.DocDate
	}
	for name, d := range map[string]string{"docdate": inv.DocDate, "postdate": inv.PostDate} {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return nil, refuse("%s %q is not a date (YYYY-MM-DD)", name, d)
		}
	}
	cust, ok := a.customers[inv.Code]
	switch {
	case inv.Code == "":
		return nil, refuse("code (the customer) is required")
	case !ok:
		return nil, refuse("customer code %q does not exist", inv.Code)
	}
	if inv.CompanyName == "" {
		inv.CompanyName = cust.CompanyName
	}
	if inv.Project != "" && !a.projects[inv.Project] {
		return nil, refuse("project %q does not exist", inv.Project)
	}
	if inv.CurrencyCode == "" {
		inv.CurrencyCode = "----"
	}
	if inv.CurrencyCode != "----" {
		return nil, refuse("currency %q does not exist (this company has only the base currency \"----\")", inv.CurrencyCode)
	}

	if raw, ok := m["sdsdocdetail"]; ok && !isNull(raw) {
		var rows []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &rows); err != nil {
			return nil, refuse("sdsdocdetail is not a list of objects: %v", err)
		}
		var kept map[int64]SQLAccLine
		if old != nil {
			kept = make(map[int64]SQLAccLine, len(old.Lines))
			for _, l := range old.Lines {
				kept[l.DtlKey] = l
			}
		}
		for i, row := range rows {
			n := i + 1
			base := SQLAccLine{Seq: n}
			fresh := true
			// A dtlkey of this document updates its row; -1, none or any other key inserts.
			if k, present, err := intField(row, "dtlkey"); err != nil {
				return nil, refuse("line %d: %v", n, err)
			} else if l, ok := kept[k]; present && k > 0 && ok {
				base, fresh = l, false
				delete(kept, k)
			}
			l, err := a.line(base, fresh, row, n)
			if err != nil {
				return nil, err
			}
			inv.Lines = append(inv.Lines, l)
		}
	} else if old != nil {
		inv.Lines = slices.Clone(old.Lines)
	}

	var sum int64
	for _, l := range inv.Lines {
		amt, _ := parseMoney(l.Amount)
		tax, _ := parseMoney(l.TaxAmt)
		sum += amt + tax
	}
	var docAmt string
	if err := textField(m, "docamt", &docAmt); err != nil {
		return nil, err
	}
	if _, given := m["docamt"]; given && docAmt != "" {
		amt, err := parseMoney(docAmt)
		if err != nil {
			return nil, refuse("docamt: %v", err)
		}
		if amt < 0 {
			return nil, refuse("docamt %s is negative: a document amount must never be negative", formatMoney(amt))
		}
		if amt != sum {
			return nil, refuse("docamt %s is not the sum of the lines' amount + taxamt (%s)", formatMoney(amt), formatMoney(sum))
		}
	} else if sum < 0 {
		return nil, refuse("the lines add up to %s: a document amount must never be negative", formatMoney(sum))
	}
	inv.DocAmt = formatMoney(sum)
	inv.LastModified = now.Unix()
	return inv, nil
}

// line applies a payload row over base (a stored row, or the defaults for a new one).
func (a *SQLAcc) line(l SQLAccLine, fresh bool, row map[string]json.RawMessage, n int) (SQLAccLine, error) {
	wrap := func(err error) error { return refuse("line %d: %v", n, err) }
	if seq, present, err := intField(row, "seq"); err != nil {
		return l, wrap(err)
	} else if present {
		l.Seq = int(seq)
	}
	for _, f := range []struct {
		name string
		to   *string
	}{{"itemcode", &l.ItemCode}, {"location", &l.Location}, {"project", &l.Project}, {"description", &l.Description},
		{"uom", &l.UOM}, {"tax", &l.Tax}, {"taxrate", &l.TaxRate}} {
		if err := textField(row, f.name, f.to); err != nil {
			return l, wrap(err)
		}
	}
	if _, err := boolField(row, "taxinclusive", &l.TaxInclusive); err != nil {
		return l, wrap(err)
	}
	qty, err := decimalField(row, "qty", l.Qty, "1")
	if err != nil {
		return l, wrap(err)
	}
	price, err := moneyField(row, "unitprice", l.UnitPrice)
	if err != nil {
		return l, wrap(err)
	}
	amount, err := moneyField(row, "amount", l.Amount)
	if err != nil {
		return l, wrap(err)
	}
	if _, given := row["amount"]; !given && (fresh || row["qty"] != nil || row["unitprice"] != nil) {
		amount = roundSen(new(big.Rat).Mul(qty, big.NewRat(price, 100)))
	}
	taxAmt, err := moneyField(row, "taxamt", l.TaxAmt)
	if err != nil {
		return l, wrap(err)
	}

	if l.ItemCode == "" {
		return l, refuse("line %d has no itemcode", n)
	}
	item, ok := a.items[l.ItemCode]
	if !ok {
		return l, refuse("line %d: item code %q does not exist", n, l.ItemCode)
	}
	var uom *SQLAccUOM
	var names []string
	for i := range item.UOMs {
		u := &item.UOMs[i]
		names = append(names, u.UOM)
		if l.UOM == "" && u.Base || l.UOM != "" && strings.EqualFold(u.UOM, l.UOM) {
			uom = u
		}
	}
	if uom == nil && l.UOM == "" && len(item.UOMs) > 0 {
		uom = &item.UOMs[0]
	}
	if uom == nil {
		return l, refuse("line %d: uom %q is not a unit of item %q (its units: %s)", n, l.UOM, l.ItemCode, strings.Join(names, ", "))
	}
	l.UOM = uom.UOM
	rate := new(big.Rat)
	rate.SetFloat64(uom.Rate)
	l.Rate = formatDecimal(rate)
	l.Qty = formatDecimal(qty)
	l.SQty = formatDecimal(new(big.Rat).Mul(qty, rate))
	if l.Location != "" && !a.locations[l.Location] {
		return l, refuse("line %d: location %q does not exist", n, l.Location)
	}
	if l.Project != "" && !a.projects[l.Project] {
		return l, refuse("line %d: project %q does not exist", n, l.Project)
	}
	if l.Tax != "" {
		t, ok := a.taxes[l.Tax]
		if !ok {
			return l, refuse("line %d: tax code %q does not exist", n, l.Tax)
		}
		if l.TaxRate == "" {
			l.TaxRate = formatRate(t.Rate) + "%"
		}
	} else if taxAmt != 0 {
		return l, refuse("line %d: taxamt %s without a tax code", n, formatMoney(taxAmt))
	}
	if l.Description == "" {
		l.Description = item.Description
	}
	l.UnitPrice, l.Amount, l.TaxAmt = formatMoney(price), formatMoney(amount), formatMoney(taxAmt)
	return l, nil
}

// --- reading payload fields: strings and numbers are both taken for text and amounts ---

func jsonObject(body []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		msg := "the body is not a JSON object"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, fmt.Errorf("%s", msg)
	}
	return m, nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// rawText is a JSON string's text or a number's digits; null is "".
func rawText(name string, raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || isNull(raw):
		return "", nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", refuse("%s: %v", name, err)
		}
		return s, nil
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), nil
	}
	return "", refuse("%s is %s, want text or a number", name, raw)
}

// textField sets *to when the field is present.
func textField(m map[string]json.RawMessage, name string, to *string) error {
	raw, ok := m[name]
	if !ok {
		return nil
	}
	s, err := rawText(name, raw)
	if err != nil {
		return err
	}
	*to = s
	return nil
}

// boolField takes true/false, "T"/"F", "true"/"false" and 1/0.
func boolField(m map[string]json.RawMessage, name string, to *bool) (bool, error) {
	raw, ok := m[name]
	if !ok || isNull(raw) {
		return false, nil
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		*to = b
		return true, nil
	}
	s, _ := rawText(name, raw)
	switch strings.ToLower(s) {
	case "t", "true", "1", "y", "yes":
		*to = true
		return true, nil
	case "f", "false", "0", "n", "no", "":
		*to = false
		return true, nil
	}
	return false, refuse("%s is %s, want true or false", name, raw)
}

// intField reads a whole number given as a number or as text.
func intField(m map[string]json.RawMessage, name string) (int64, bool, error) {
	raw, ok := m[name]
	if !ok || isNull(raw) {
		return 0, false, nil
	}
	s, err := rawText(name, raw)
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, refuse("%s %q is not a whole number", name, s)
	}
	return n, true, nil
}

// decimalField reads a decimal; absent or empty is cur, and cur empty is def.
func decimalField(m map[string]json.RawMessage, name, cur, def string) (*big.Rat, error) {
	s := cur
	if err := textField(m, name, &s); err != nil {
		return nil, err
	}
	if s == "" {
		s = def
	}
	r, ok := parseDecimal(s)
	if !ok {
		return nil, refuse("%s %q is not a number", name, s)
	}
	return r, nil
}

// moneyField reads an amount in sen; absent is cur, empty is 0.
func moneyField(m map[string]json.RawMessage, name, cur string) (int64, error) {
	s := cur
	if err := textField(m, name, &s); err != nil {
		return 0, err
	}
	if s == "" {
		return 0, nil
	}
	sen, err := parseMoney(s)
	if err != nil {
		return 0, refuse("%s: %v", name, err)
	}
	return sen, nil
}

// parseDecimal reads [-+]digits[.digits] (no exponents, no fractions).
func parseDecimal(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	t := strings.TrimLeft(s, "+-")
	if len(s)-len(t) > 1 || t == "" || t == "." {
		return nil, false
	}
	dot := false
	for _, c := range t {
		switch {
		case c == '.' && !dot:
			dot = true
		case c < '0' || c > '9':
			return nil, false
		}
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// parseMoney reads an amount with at most two decimals, in sen.
func parseMoney(s string) (int64, error) {
	r, ok := parseDecimal(s)
	if !ok {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%q has more than two decimals", s)
	}
	return r.Num().Int64(), nil
}

// roundSen rounds a ringgit amount to sen, half away from zero.
func roundSen(ringgit *big.Rat) int64 {
	x := new(big.Rat).Mul(ringgit, big.NewRat(100, 1))
	neg := x.Sign() < 0
	x.Abs(x)
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}

// formatMoney is sen as text with two decimals: "94.00", "-5.00".
func formatMoney(sen int64) string {
	sign := ""
	if sen < 0 {
		sign, sen = "-", -sen
	}
	return fmt.Sprintf("%s%d.%02d", sign, sen/100, sen%100)
}

// formatDecimal is the shortest decimal text: "2", "1.5".
func formatDecimal(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := strings.TrimRight(r.FloatString(8), "0")
	return strings.TrimSuffix(s, ".")
}

// formatRate is a UOM rate or a tax percentage: "1", "12", "8".
func formatRate(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
