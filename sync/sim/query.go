package sim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// scan pages through ix[lo:hi] in either direction, keeping the records that match (all when
// match is nil). It skips the first skip matches and keeps up to limit. total counts every match
// in the range when wantTotal (or when match is nil, for free); more says whether a match lies
// beyond the page.
func (sh *shopState) scan(ix index, lo, hi int, desc bool, match func(*record) bool, skip, limit int, wantTotal bool) (page []*record, total int, more bool) {
	if lo < 0 {
		lo = 0
	}
	if hi > len(ix) {
		hi = len(ix)
	}
	if lo >= hi {
		return nil, 0, false
	}
	if match == nil {
		total = hi - lo
		n := max(0, min(limit, total-skip))
		page = make([]*record, 0, n)
		for i := range n {
			pos := lo + skip + i
			if desc {
				pos = hi - 1 - skip - i
			}
			page = append(page, sh.recs[ix[pos].seq])
		}
		return page, total, skip+n < total
	}
	seen := 0
	for i := range hi - lo {
		pos := lo + i
		if desc {
			pos = hi - 1 - i
		}
		r := sh.recs[ix[pos].seq]
		if !match(r) {
			continue
		}
		seen++
		switch {
		case seen <= skip:
		case len(page) < limit:
			page = append(page, r)
		default:
			more = true
			if !wantTotal {
				return page, seen, true
			}
		}
	}
	return page, seen, more
}

// bounds turns an inclusive time range into index positions.
func (ix index) bounds(from, to int64, hasFrom, hasTo bool) (lo, hi int) {
	lo, hi = 0, len(ix)
	if hasFrom {
		lo = ix.lower(from)
	}
	if hasTo {
		hi = ix.lower(to + 1)
	}
	return lo, hi
}

// splitList reads a list parameter sent as a JSON array ("[1,2]", `["A","B"]`) or as
// comma-separated values ("1,2").
func splitList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if strings.HasPrefix(s, "[") {
		var raw []json.RawMessage
		if json.Unmarshal([]byte(s), &raw) == nil {
			out := make([]string, 0, len(raw))
			for _, r := range raw {
				var str string
				if json.Unmarshal(r, &str) == nil {
					out = append(out, strings.TrimSpace(str))
				} else {
					out = append(out, strings.TrimSpace(string(r)))
				}
			}
			return out
		}
		s = strings.Trim(s, "[]")
	}
	var out []string
	for _, v := range strings.Split(s, ",") {
		v = strings.Trim(strings.TrimSpace(v), `"`)
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// jsonInt reads a JSON number or numeric string.
func jsonInt(raw json.RawMessage) (int64, bool) {
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if v, err := n.Int64(); err == nil {
			return v, true
		}
		if f, err := n.Float64(); err == nil {
			return int64(f), true
		}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return v, true
		}
	}
	return 0, false
}

// jsonBool reads a JSON boolean or "true"/"false".
func jsonBool(raw json.RawMessage) (bool, bool) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if v, err := strconv.ParseBool(s); err == nil {
			return v, true
		}
	}
	return false, false
}

// jsonStrings reads a JSON array of strings (numbers allowed), or a single string.
func jsonStrings(raw json.RawMessage) []string {
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) == nil {
		var out []string
		for _, r := range arr {
			var s string
			if json.Unmarshal(r, &s) == nil {
				out = append(out, s)
			} else {
				out = append(out, strings.TrimSpace(string(r)))
			}
		}
		return out
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return []string{s}
	}
	return nil
}

// decimal is a json.Number with an amount's exact decimal text.
func decimal(m interface{ Decimal() string }) json.Number { return json.Number(m.Decimal()) }

// idNumber is a JSON number for an all-digits id without leading zeros (its digits survive a
// round trip), or else the id as a string.
func idNumber(id string) any {
	if isDigits(id) && (id == "0" || id[0] != '0') {
		return json.Number(id)
	}
	return id
}
