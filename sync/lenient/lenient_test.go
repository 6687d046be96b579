package lenient

import (
	"encoding/json"
	"testing"
)

func TestLenientValues(t *testing.T) {
	var v struct {
		A, B, C, D Int
		E, F, G    String
		H, I, J    Decimal
		K, L, M, N Bool
	}
	in := `{"A":12,"B":"34","C":"","D":1.23e+14,"E":543210987654321,"F":"FP1","G":null,
		"H":"12.50","I":7.9,"J":null,"K":true,"L":"false","M":1,"N":"1"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 12 || v.B != 34 || v.C != 0 || v.D != 123000000000000 {
		t.Errorf("ints %v %v %v %v", v.A, v.B, v.C, v.D)
	}
	if v.E != "543210987654321" || v.F != "FP1" || v.G != "" {
		t.Errorf("strings %q %q %q", v.E, v.F, v.G)
	}
	if v.H != "12.50" || v.I != "7.9" || v.J != "" {
		t.Errorf("decimals %q %q %q", v.H, v.I, v.J)
	}
	if !v.K || v.L || !v.M || !v.N {
		t.Errorf("bools %v %v %v %v", v.K, v.L, v.M, v.N)
	}
}

func TestLenientRefusals(t *testing.T) {
	for _, in := range []string{`{"A":"twelve"}`, `{"A":1.5}`, `{"A":{}}`} {
		var v struct{ A Int }
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("Int accepted %s", in)
		}
	}
	for _, in := range []string{`{"A":"1,2"}`, `{"A":[1]}`} {
		var v struct{ A Decimal }
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("Decimal accepted %s", in)
		}
	}
	var b struct{ A Bool }
	if err := json.Unmarshal([]byte(`{"A":"maybe"}`), &b); err == nil {
		t.Error("Bool accepted maybe")
	}
}
