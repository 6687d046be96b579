// Package lenient decodes the JSON the marketplaces send, where the documentation's examples quote
// numbers as strings and a field may come either way: ids, amounts, counts and booleans accept a
// JSON number or a string. It is for the API clients; the simulators emit the documented types.
package lenient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// unquote returns the raw text of a JSON number or string, and whether it was null.
func unquote(b []byte) (string, bool, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return "", true, nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false, err
		}
		return strings.TrimSpace(s), false, nil
	}
	if b[0] == '{' || b[0] == '[' {
		return "", false, fmt.Errorf("expected a number or string, got %.20s", b)
	}
	return string(b), false, nil
}

// Int is an integer sent as a number or a string ("" and null are 0).
type Int int64

// UnmarshalJSON accepts 12, "12", "", null.
func (n *Int) UnmarshalJSON(b []byte) error {
	s, _, err := unquote(b)
	if err != nil {
		return err
	}
	if s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Some ids arrive as 1.2e+14 when a JSON encoder treated them as floats.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v = int64(f)
	}
	*n = Int(v)
	return nil
}

// String is text that may be sent as a JSON number (ids): 543210987654321 and "543210987654321"
// both read as "543210987654321", without float rounding.
type String string

// UnmarshalJSON accepts a string, a number, or null.
func (s *String) UnmarshalJSON(b []byte) error {
	v, _, err := unquote(b)
	if err != nil {
		return err
	}
	*s = String(v)
	return nil
}

// Decimal is an amount kept as the exact text the platform sent ("12.50", 12.5, "12"), so money
// is never rounded through a float.
type Decimal string

// UnmarshalJSON accepts a number, a string, or null (empty).
func (d *Decimal) UnmarshalJSON(b []byte) error {
	v, _, err := unquote(b)
	if err != nil {
		return err
	}
	if v != "" {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("%q is not an amount", v)
		}
	}
	*d = Decimal(v)
	return nil
}

// Bool is a flag sent as true/false, "true"/"false", 1/0 or "1"/"0".
type Bool bool

// UnmarshalJSON accepts the usual spellings of a flag.
func (f *Bool) UnmarshalJSON(b []byte) error {
	v, _, err := unquote(b)
	if err != nil {
		return err
	}
	switch strings.ToLower(v) {
	case "", "false", "0", "no", "n":
		*f = false
	case "true", "1", "yes", "y":
		*f = true
	default:
		return fmt.Errorf("%q is not true or false", v)
	}
	return nil
}
