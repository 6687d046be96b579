package domain

import "testing"

func TestOrderCodeRoundTrip(t *testing.T) {
	for _, no := range []string{"384890562332283", "261122EYHZ8PBL", "A:B"} {
		code := OrderCode(7, no)
		store, got, ok := ParseOrderCode(code)
		if !ok || store != 7 || got != no {
			t.Errorf("ParseOrderCode(%q) = %d %q %v, want 7 %q true", code, store, got, ok, no)
		}
	}
	for _, bad := range []string{"", "384890562332283", "KEDAI:ORDER:", "KEDAI:ORDER:7", "KEDAI:ORDER:7:", "KEDAI:ORDER:x:1", "KEDAI:ORDER:-1:1", "kedai:order:7:1"} {
		if s, n, ok := ParseOrderCode(bad); ok {
			t.Errorf("ParseOrderCode(%q) = %d %q true, want not an order code", bad, s, n)
		}
	}
}
