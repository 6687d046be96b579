package mapping

import (
	"fmt"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// LineText is one mapped stock item as the screens write it: "TDG-CHF-BLK (PCS)", with "× 2"
// when one unit sold takes more than one.
func LineText(l domain.MapLine) string {
	text := l.StockCode
	if l.UOM != "" {
		text += " (" + l.UOM + ")"
	}
	if l.Qty > 1 {
		text += fmt.Sprintf(" × %d", l.Qty)
	}
	return text
}

// MappingText is what a SKU is mapped to, "" when it is not: a bundle's lines joined by " + ".
func MappingText(m *domain.Mapping) string {
	if m == nil || len(m.Lines) == 0 {
		return ""
	}
	parts := make([]string, len(m.Lines))
	for i, l := range m.Lines {
		parts[i] = LineText(l)
	}
	return strings.Join(parts, " + ")
}

// ItemText names a stock item in a list: its code and description.
func ItemText(s domain.StockItem) string {
	if s.Description == "" {
		return s.Code
	}
	return s.Code + " — " + s.Description
}

// UOMText is one unit of a stock item as its select offers it: "BOX (12 PCS) · RM 45.00".
func UOMText(s domain.StockItem, u domain.StockUOM) string {
	text := u.UOM
	if base := s.BaseUOM(); !strings.EqualFold(base, u.UOM) && u.Rate > 0 {
		text += fmt.Sprintf(" (%s %s)", trimRate(u.Rate), base)
	}
	if u.Price.Minor != 0 {
		text += " · " + u.Price.String()
	}
	return text
}

func trimRate(r float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", r), "0"), ".")
}
