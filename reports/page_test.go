package reports

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

func TestParsePageSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want PageSize
	}{
		{"a4", A4}, {"A4", A4}, {" a4 ", A4}, {"", A4},
		{"a6", A6}, {"A6", A6},
		{"4x6", Label4x6}, {"4X6", Label4x6}, {"4 x 6", Label4x6}, {"4 x 6 in", Label4x6}, {"4x6in", Label4x6},
	} {
		got, err := ParsePageSize(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParsePageSize(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"a5", "letter", "6x4", "a4x", "100x150"} {
		_, err := ParsePageSize(bad)
		if err == nil {
			t.Errorf("ParsePageSize(%q) accepted", bad)
			continue
		}
		for _, name := range []string{bad, "a4", "a6", "4x6"} {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("ParsePageSize(%q): error %q does not name %q", bad, err, name)
			}
		}
	}
}

func TestPageSizeNames(t *testing.T) {
	for _, c := range []struct {
		p    PageSize
		name string
		w, h float64
	}{
		{A4, "A4", 210, 297},
		{A6, "A6 (105 x 148 mm)", 105, 148},
		{Label4x6, "4 x 6 in (101.6 x 152.4 mm)", 101.6, 152.4},
	} {
		if got := c.p.String(); got != c.name {
			t.Errorf("%q.String() = %q, want %q", string(c.p), got, c.name)
		}
		if w, h := c.p.Millimetres(); w != c.w || h != c.h {
			t.Errorf("%q.Millimetres() = %v x %v, want %v x %v", string(c.p), w, h, c.w, c.h)
		}
		// What a settings file stores reads back.
		if back, err := ParsePageSize(string(c.p)); err != nil || back != c.p {
			t.Errorf("ParsePageSize(%q) = %q, %v", string(c.p), back, err)
		}
	}
}

// Every document refuses what it cannot print, with a reason, and writes nothing.
func TestDocumentsRefuseBadInput(t *testing.T) {
	docs := map[string]func(w *bytes.Buffer, opt Options, orders bool) error{
		"picking list": func(w *bytes.Buffer, opt Options, orders bool) error {
			return PickingList(w, pick(orders), opt)
		},
		"picking list summary": func(w *bytes.Buffer, opt Options, orders bool) error {
			return PickingListSummary(w, pick(orders), opt)
		},
		"courier manifest": func(w *bytes.Buffer, opt Options, orders bool) error {
			return Manifests(w, pick(orders), opt)
		},
	}
	good := Options{Page: A6, Now: printedAt}
	for name, doc := range docs {
		for _, c := range []struct {
			why    string
			opt    Options
			orders bool
			want   string
		}{
			{"no orders", good, false, "no orders to print"},
			{"unknown page size", Options{Page: "a5", Now: printedAt}, true, `unknown page size "a5": use a4, a6 or 4x6`},
			{"no print date", Options{Page: A6}, true, "Options.Now"},
		} {
			var buf bytes.Buffer
			err := doc(&buf, c.opt, c.orders)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s, %s: error %v, want one saying %q", name, c.why, err, c.want)
			}
			if !strings.HasPrefix(err.Error(), name+":") {
				t.Errorf("%s, %s: error %q does not say which document", name, c.why, err)
			}
			if c.why == "no orders" && !errors.Is(err, ErrNoOrders) {
				t.Errorf("%s: %v is not ErrNoOrders", name, err)
			}
			if buf.Len() != 0 {
				t.Errorf("%s, %s: wrote %d bytes", name, c.why, buf.Len())
			}
		}
	}
}

func pick(orders bool) []domain.Order {
	if !orders {
		return nil
	}
	return sampleOrders()
}

// The zone defaults to Malaysia's UTC+8; a caller's zone is honoured.
func TestTimesShownInZone(t *testing.T) {
	o := sampleOrders()[:1] // created 2025-11-10 16:05 UTC, ship by 2025-11-12 15:59 UTC
	text := pdfText(t, writePDF(t, "myt.pdf", func(w io.Writer) error {
		return PickingList(w, o, Options{Page: A6, Now: printedAt})
	}))
	for _, want := range []string{"Ordered: 2025-11-11 00:05", "Ship by: 2025-11-12 23:59", "Printed 2025-11-11 14:30"} {
		if !strings.Contains(text, want) {
			t.Errorf("default zone: no %q in\n%s", want, text)
		}
	}
	text = pdfText(t, writePDF(t, "utc.pdf", func(w io.Writer) error {
		return PickingList(w, o, Options{Page: A6, Now: printedAt, Zone: time.UTC})
	}))
	for _, want := range []string{"Ordered: 2025-11-10 16:05", "Ship by: 2025-11-12 15:59", "Printed 2025-11-11 06:30"} {
		if !strings.Contains(text, want) {
			t.Errorf("UTC: no %q in\n%s", want, text)
		}
	}
}
