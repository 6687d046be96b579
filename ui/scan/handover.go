package scan

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// handoverMode is Courier Handover: the parcels a courier collects are scanned one by one; a
// parcel of another courier is refused, and the list prints as that courier's manifest.
type handoverMode struct {
	courier string // the courier collecting; "" until the first parcel
	entries []Entry
	listed  map[int64]bool
	table   *widget.Table
	count   *widget.Label
	body    fyne.CanvasObject
}

// noCourier names the courier of parcels whose platform gave none.
const noCourier = "no courier named"

func (s *Screen) buildHandover() {
	h := &s.handover
	h.listed = map[int64]bool{}
	h.count = widget.NewLabel("")
	h.table = s.newEntryTable(func() []Entry { return h.entries }, "Courier")
	manifest := widgets.NewButton("Print Courier Manifest (F3)", func() { s.Print(domain.DocManifest) })
	manifest.Icon, manifest.Importance = theme.DocumentPrintIcon(), widget.HighImportance
	next := widgets.NewButton("New handover (F4)", s.ClearList)
	next.Icon = theme.ContentAddIcon()
	s.buttons = append(s.buttons, manifest, next)
	h.body = container.NewBorder(nil, container.NewBorder(nil, nil, nil, container.NewHBox(manifest, next), h.count), nil, nil, h.table)
	s.showHandover()
}

// Courier is the courier of the handover under way ("" before the first parcel).
func (s *Screen) Courier() string { return s.handover.courier }

// Handed are the parcels of the handover under way, newest first.
func (s *Screen) Handed() []Entry { return slices.Clone(s.handover.entries) }

// courierOf is the courier of the parcel a code names: its package's, else the order's first.
func courierOf(o *domain.Order, code string) string {
	k := domain.CodeKey(code)
	for _, p := range o.Packages {
		if p.Provider != "" && (domain.CodeKey(p.TrackingNo) == k || domain.CodeKey(p.ID) == k) {
			return p.Provider
		}
	}
	for _, p := range o.Packages {
		if p.Provider != "" {
			return p.Provider
		}
	}
	return noCourier
}

// resolveHandover looks a parcel up and judges it for the courier; it runs off the UI goroutine
// and never changes the order. courier is the handover's so far.
func (s *Screen) resolveHandover(ctx context.Context, code, courier string) outcome {
	o, out, ok := s.find(ctx, code)
	if !ok {
		return out
	}
	fb := Feedback{Code: code, OrderID: o.ID, Title: o.OrderNo, Store: o.StoreName, Platform: o.Platform}
	v, words := domain.JudgeScan(&o)
	switch {
	case v == domain.ScanMustNotShip:
		fb.Verdict, fb.Words, fb.Colour = v, "DO NOT SHIP — "+words+". Keep it back from the courier.", Red
		return outcome{fb: fb, sound: SoundMustNotShip}
	case o.Tab == domain.TabShipped:
		fb.Verdict, fb.Words, fb.Colour = domain.ScanAlready, "Already with the courier: the order is Shipped", Amber
		return outcome{fb: fb, sound: SoundAlready}
	case o.Tab != domain.TabToShip:
		fb.Verdict, fb.Colour = domain.ScanWrongStage, Red
		fb.Words = "Not ready for the courier: it is on " + o.Tab.Title() + ". Scan it at To Ship (F6) first."
		return outcome{fb: fb, sound: SoundWrongStage}
	}
	c := courierOf(&o, code)
	fb.Store += "  ·  " + c
	if courier != "" && c != courier {
		fb.Verdict, fb.Colour = domain.ScanWrongStage, Red
		fb.Words = fmt.Sprintf("This parcel goes with %s, not %s: keep it aside.", c, courier)
		return outcome{fb: fb, sound: SoundWrongStage}
	}
	fb.Verdict, fb.Colour, fb.Words = domain.ScanShip, Green, "Handed over to "+c
	e := entryOf(o, fb)
	e.Words = c
	return outcome{fb: fb, sound: SoundDone, entry: e}
}

// handOver adds a judged parcel to the handover.
func (s *Screen) handOver(out outcome) {
	h := &s.handover
	if e := out.entry; e != nil {
		if h.listed[e.OrderID] {
			out.fb.Verdict, out.fb.Colour, out.fb.Words, out.sound = domain.ScanAlready, Amber, "Already handed over in this handover", SoundAlready
		} else {
			if h.courier == "" {
				h.courier = e.Words
			}
			e.cells = fitCells(*e)
			h.entries = append([]Entry{*e}, h.entries...)
			h.listed[e.OrderID] = true
			s.showHandover()
		}
		out.entry = nil
	}
	s.show(out)
}

// newHandover empties the handover after asking (F4), for the next courier.
func (s *Screen) newHandover() {
	h := &s.handover
	if len(h.entries) == 0 {
		h.courier = ""
		s.showHandover()
		s.Focus()
		return
	}
	widgets.Ask(s.win, "New handover",
		fmt.Sprintf("Start a new handover? The %s parcels handed to %s leave this list; print their manifest first if you need it.",
			widgets.Thousands(len(h.entries)), h.courier), "New handover", "Keep", func(ok bool) {
			if ok {
				h.entries, h.listed, h.courier = nil, map[int64]bool{}, ""
				s.showHandover()
			}
			s.Focus()
		})
}

func (s *Screen) showHandover() {
	h := &s.handover
	switch n := len(h.entries); {
	case n == 0:
		h.count.SetText("Scan each parcel as the courier takes it; the first one sets the courier.")
	case n == 1:
		h.count.SetText("1 parcel handed to " + h.courier)
	default:
		h.count.SetText(widgets.Thousands(n) + " parcels handed to " + h.courier)
	}
	h.table.Refresh()
}
