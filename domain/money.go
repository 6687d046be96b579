package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in a currency's minor units (sen for MYR). Never a float.
type Money struct {
	Minor    int64
	Currency string
}

// minorDigits is the number of decimals of a currency (ISO 4217).
func minorDigits(currency string) int {
	switch strings.ToUpper(currency) {
	case "VND", "JPY", "KRW":
		return 0
	}
	return 2
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// ParseMoney reads a decimal amount as the platforms send it ("12.50", "-3", "1,234.5", "12.345").
// Extra decimals are rounded half away from zero, as a till would.
func ParseMoney(s, currency string) (Money, error) {
	orig := s
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return Money{Currency: currency}, nil
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return Money{}, fmt.Errorf("amount %q is not a number", orig)
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return Money{}, fmt.Errorf("amount %q is not a number", orig)
		}
	}
	if len(intPart) > 15 {
		return Money{}, fmt.Errorf("amount %q is too large", orig)
	}
	digits := minorDigits(currency)
	var whole int64
	if intPart != "" {
		whole, _ = strconv.ParseInt(intPart, 10, 64)
	}
	minor := whole * pow10(digits)
	for i := 0; i < digits; i++ {
		d := int64(0)
		if i < len(frac) {
			d = int64(frac[i] - '0')
		}
		minor += d * pow10(digits-1-i)
	}
	if len(frac) > digits && frac[digits] >= '5' {
		minor++
	}
	if neg {
		minor = -minor
	}
	return Money{Minor: minor, Currency: currency}, nil
}

// MoneyFromFloat converts a JSON float (Shopee sends prices as numbers) by its shortest decimal
// form, so 19.99 becomes 1999 sen and never 1998.
func MoneyFromFloat(f float64, currency string) Money {
	m, err := ParseMoney(strconv.FormatFloat(f, 'f', -1, 64), currency)
	if err != nil { // only for NaN/Inf, which no platform sends
		return Money{Currency: currency}
	}
	return m
}

// Add returns m+o. Amounts in different currencies are a programming error, so the first wins.
func (m Money) Add(o Money) Money {
	cur := m.Currency
	if cur == "" {
		cur = o.Currency
	}
	return Money{Minor: m.Minor + o.Minor, Currency: cur}
}

// Times multiplies by a quantity.
func (m Money) Times(n int) Money { return Money{Minor: m.Minor * int64(n), Currency: m.Currency} }

// IsZero reports a zero amount.
func (m Money) IsZero() bool { return m.Minor == 0 }

// Decimal is the plain amount ("1234.50"), as files and the command line want it.
func (m Money) Decimal() string {
	digits := minorDigits(m.Currency)
	v := m.Minor
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if digits == 0 {
		return sign + strconv.FormatInt(v, 10)
	}
	p := pow10(digits)
	return fmt.Sprintf("%s%d.%0*d", sign, v/p, digits, v%p)
}

// String is the amount as a seller reads it: "RM 1,234.50".
func (m Money) String() string {
	d := m.Decimal()
	sign := ""
	if strings.HasPrefix(d, "-") {
		sign, d = "-", d[1:]
	}
	whole, frac, hasFrac := strings.Cut(d, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + currencySymbol(m.Currency) + " " + b.String()
}

func currencySymbol(c string) string {
	switch strings.ToUpper(c) {
	case "MYR", "":
		return "RM"
	case "SGD":
		return "S$"
	}
	return strings.ToUpper(c)
}
