package reports

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// PageSize is the paper a document is laid out for: the office A4 printer or a thermal label printer.
type PageSize string

const (
	A4       PageSize = "a4"  // 210 x 297 mm
	A6       PageSize = "a6"  // 105 x 148 mm
	Label4x6 PageSize = "4x6" // 101.6 x 152.4 mm
)

// PageSizes lists the supported sizes in the order a settings screen offers them.
var PageSizes = []PageSize{A4, A6, Label4x6}

// ParsePageSize reads a page size as a user or a settings file writes it ("A4", "a6", "4x6",
// "4 x 6 in"); empty means A4, as Options does.
func ParsePageSize(s string) (PageSize, error) {
	norm := strings.ToLower(strings.Join(strings.Fields(s), ""))
	switch norm {
	case "", "a4":
		return A4, nil
	case "a6":
		return A6, nil
	case "4x6", "4x6in", "4x6inch", "4x6inches", "4\"x6\"":
		return Label4x6, nil
	}
	return "", fmt.Errorf("unknown page size %q: use a4, a6 or 4x6", s)
}

// Millimetres is the width and height of the page, portrait.
func (p PageSize) Millimetres() (w, h float64) {
	switch p {
	case A6:
		return 105, 148
	case Label4x6:
		return 101.6, 152.4
	}
	return 210, 297
}

// String is the size as the print dialog names it.
func (p PageSize) String() string {
	switch p {
	case A4:
		return "A4"
	case A6:
		return "A6 (105 x 148 mm)"
	case Label4x6:
		return "4 x 6 in (101.6 x 152.4 mm)"
	}
	return string(p)
}

// label reports a thermal label size, which gets small margins and fonts.
func (p PageSize) label() bool { return p == A6 || p == Label4x6 }

// Options are the choices every document takes.
type Options struct {
	Page PageSize       // zero value means A4
	Now  time.Time      // the date printed on the document (caller passes it; never read the clock inside)
	Zone *time.Location // times are shown in this zone; nil = UTC+8 (Malaysia)
}

// malaysia is UTC+8 without a time zone database, which Windows machines may lack.
var malaysia = time.FixedZone("MYT", 8*60*60)

// ErrNoOrders is what every document returns for an empty selection.
var ErrNoOrders = errors.New("no orders to print")

// normalise fills the defaults in and rejects what cannot be printed.
func (o Options) normalise() (Options, error) {
	if o.Page == "" {
		o.Page = A4
	}
	switch o.Page {
	case A4, A6, Label4x6:
	default:
		return o, fmt.Errorf("unknown page size %q: use a4, a6 or 4x6", string(o.Page))
	}
	if o.Now.IsZero() {
		// The date is printed on every page and stamped in the PDF; the clock is the caller's.
		return o, errors.New("the print date (Options.Now) is not set")
	}
	if o.Zone == nil {
		o.Zone = malaysia
	}
	return o, nil
}
