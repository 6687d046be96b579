package domain

import "testing"

func TestParseMoney(t *testing.T) {
	cases := []struct {
		in, cur string
		want    int64
		bad     bool
	}{
		{"12.50", "MYR", 1250, false},
		{"12.5", "MYR", 1250, false},
		{"12", "MYR", 1200, false},
		{"0.01", "MYR", 1, false},
		{"-3.20", "MYR", -320, false},
		{"+3.20", "MYR", 320, false},
		{"1,234.56", "MYR", 123456, false},
		{"12.345", "MYR", 1235, false},
		{"12.344", "MYR", 1234, false},
		{"-12.345", "MYR", -1235, false},
		{".5", "MYR", 50, false},
		{"", "MYR", 0, false},
		{"150000", "VND", 150000, false},
		{"150000.6", "VND", 150001, false},
		{"abc", "MYR", 0, true},
		{"1.2.3", "MYR", 0, true},
		{"-", "MYR", 0, true},
		{"1e5", "MYR", 0, true},
		{"9999999999999999", "MYR", 0, true},
	}
	for _, c := range cases {
		m, err := ParseMoney(c.in, c.cur)
		if c.bad {
			if err == nil {
				t.Errorf("ParseMoney(%q) accepted bad input: %v", c.in, m)
			}
			continue
		}
		if err != nil || m.Minor != c.want || m.Currency != c.cur {
			t.Errorf("ParseMoney(%q, %s) = %+v, %v; want %d", c.in, c.cur, m, err, c.want)
		}
	}
}

func TestMoneyFromFloat(t *testing.T) {
	for f, want := range map[float64]int64{19.99: 1999, 0.1 + 0.2: 30, 1234.5: 123450, 0: 0, -7.05: -705} {
		if got := MoneyFromFloat(f, "MYR").Minor; got != want {
			t.Errorf("MoneyFromFloat(%v) = %d, want %d", f, got, want)
		}
	}
}

func TestMoneyFormat(t *testing.T) {
	cases := []struct {
		m       Money
		str, dc string
	}{
		{Money{123456, "MYR"}, "RM 1,234.56", "1234.56"},
		{Money{5, "MYR"}, "RM 0.05", "0.05"},
		{Money{-2550, "MYR"}, "-RM 25.50", "-25.50"},
		{Money{100000000, "SGD"}, "S$ 1,000,000.00", "1000000.00"},
		{Money{150000, "VND"}, "VND 150,000", "150000"},
		{Money{0, ""}, "RM 0.00", "0.00"},
	}
	for _, c := range cases {
		if got := c.m.String(); got != c.str {
			t.Errorf("%+v.String() = %q, want %q", c.m, got, c.str)
		}
		if got := c.m.Decimal(); got != c.dc {
			t.Errorf("%+v.Decimal() = %q, want %q", c.m, got, c.dc)
		}
	}
	if got := (Money{100, "MYR"}).Add(Money{250, "MYR"}).Times(3); got.Minor != 1050 {
		t.Errorf("arithmetic: %v", got)
	}
}
