package sqlaccount

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/sync/lenient"
)

// envelope is every answer: {"pagination":{...},"data":[...]} for lists, {"data":...} for one
// record.
type envelope struct {
	Pagination *struct {
		Offset lenient.Int `json:"offset"`
		Limit  lenient.Int `json:"limit"`
		Count  lenient.Int `json:"count"`
		Total  lenient.Int `json:"total"`
	} `json:"pagination"`
	Data json.RawMessage `json:"data"`
}

// records reads an answer's records: "data" as an array or a single object (both are seen), or
// a bare array. A null or empty "data" is no records; a missing one is a bad answer.
func records(r request, a answer) (envelope, []json.RawMessage, error) {
	body := bytes.TrimSpace(a.body)
	var env envelope
	switch {
	case len(body) == 0:
		return env, nil, badAnswer(r, a.status, "the answer is empty")
	case body[0] == '[':
		env.Data = body
	case body[0] == '{':
		if err := json.Unmarshal(body, &env); err != nil {
			return env, nil, badAnswer(r, a.status, "%v", err)
		}
		// An answer without "data" at all is not an empty list: taking it for one would make a
		// pull replace the stock items with nothing.
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(body, &keys)
		if _, ok := keys["data"]; !ok {
			if _, ok := keys["Data"]; !ok {
				return env, nil, badAnswer(r, a.status, "it has no \"data\"")
			}
		}
	default:
		return env, nil, badAnswer(r, a.status, "the answer is not JSON (it starts %q)", clip(string(body[:min(len(body), 40)])))
	}
	data := bytes.TrimSpace(env.Data)
	switch {
	case len(data) == 0 || bytes.Equal(data, []byte("null")):
		return env, nil, nil
	case data[0] == '{':
		return env, []json.RawMessage{data}, nil
	case data[0] == '[':
		var recs []json.RawMessage
		if err := json.Unmarshal(data, &recs); err != nil {
			return env, nil, badAnswer(r, a.status, "data: %v", err)
		}
		return env, recs, nil
	}
	return env, nil, badAnswer(r, a.status, "data is neither a record nor a list of records")
}

// flag is a boolean as SQL Account may send it: true/false, 1/0, "T"/"F" (Firebird's habit),
// "Y"/"N", or the words.
type flag struct{ set, v bool }

func (f *flag) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = flag{}
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "1", "y", "yes":
		*f = flag{set: true, v: true}
	case "false", "f", "0", "n", "no":
		*f = flag{set: true, v: false}
	case "":
		*f = flag{}
	default:
		return fmt.Errorf("%q is not true or false", s)
	}
	return nil
}

// or is the flag's value, or def when it was not sent.
func (f flag) or(def bool) bool {
	if !f.set {
		return def
	}
	return f.v
}

// number reads a quantity, rate or percentage sent as text ("2", "12.5", "6%") or a JSON number;
// "" is def.
func number(s string, def float64) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// decimal formats a quantity or rate the way SQL Account's samples do: "2", "12", "0.5".
func decimal(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
