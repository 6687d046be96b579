package scan

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Source finds orders by what is printed on a parcel (the data file).
type Source interface {
	// FindByCode returns the orders a whole code names: an order number, a tracking number or a
	// package id, exactly.
	FindByCode(ctx context.Context, code string, limit int) ([]domain.OrderRow, error)
	Order(ctx context.Context, id int64) (domain.Order, error)
	// AddVerification keeps a finished stock pick check with its order.
	AddVerification(ctx context.Context, v domain.Verification) (int64, error)
}

// Mode is what the station does with a scan.
type Mode int

const (
	ModeToShip   Mode = iota // Scan To Ship: a packed parcel moves To Ship
	ModePick                 // Stock Pick: an order, then its items, checked before packing
	ModeHandover             // Courier Handover: parcels counted out to one courier
)

// modes are the station's modes in their order, with their titles, keys and help lines.
var modes = []struct {
	title, key, help, prompt string
}{
	{"Scan To Ship", "F6", "Scan a packed parcel: it moves To Ship  ·  F2 Print AWB  ·  F3 Print Courier Manifest  ·  F4 Clear list  ·  Esc clear the message",
		"Scan a parcel, or type a code and Enter"},
	{"Stock Pick", "F7", "Scan an order, then each item  ·  F9 Complete Verification  ·  F10 Take back last item  ·  Esc drop the check",
		"Scan an order, then each of its items"},
	{"Courier Handover", "F8", "Scan each parcel the courier takes  ·  F3 Print Courier Manifest  ·  F4 New handover  ·  Esc clear the message",
		"Scan each parcel as the courier takes it"},
}

// Actions moves orders on (the engine: it checks the rules, queues the action and sends it).
type Actions interface {
	Submit(ctx context.Context, a domain.Action, ids []int64, ship domain.Shipping) (int64, []domain.Refusal, error)
}

// Verdicts the station shows beside domain.JudgeScan's, for scans that found no single order.
const (
	Waiting   domain.ScanVerdict = -1 // nothing to show: before the first scan, or after Esc
	Unknown   domain.ScanVerdict = -2 // the code names no order
	Ambiguous domain.ScanVerdict = -3 // the code names orders in more than one store
	Failed    domain.ScanVerdict = -4 // the lookup or the To Ship failed or was refused
)

// Sounds the station asks OnSound for, one per kind of outcome.
const (
	SoundDone        = "done"          // moved To Ship
	SoundAlready     = "already"       // scanned before
	SoundWrongStage  = "wrong-stage"   // not at the packing stage, or the To Ship failed
	SoundMustNotShip = "must-not-ship" // cancelled, or a cancellation is pending
	SoundUnknown     = "unknown"       // no order, or orders in two stores
)

// Panel colours, strong enough to be told apart from across a desk.
var (
	Green   color.Color = color.NRGBA{R: 0x1b, G: 0x7f, B: 0x3b, A: 0xff}
	Amber   color.Color = color.NRGBA{R: 0xff, G: 0xb3, B: 0x00, A: 0xff}
	Red     color.Color = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	Neutral color.Color = color.NRGBA{R: 0x54, G: 0x6e, B: 0x7a, A: 0xff}
)

// lookupLimit is more orders than one code can sensibly name: enough to tell one from several.
const lookupLimit = 10

// scanTimeout bounds one scan's lookup and To Ship, so a locked data file cannot stall the
// station's queue for ever.
const scanTimeout = 30 * time.Second

// quickWait is how long the UI goroutine waits for a scan's answer before drawing the next frame
// without it: the usual lookup and To Ship take a few milliseconds, and showing them in the frame
// that follows the Enter saves a whole frame. It is kept under half a frame.
const quickWait = 8 * time.Millisecond

// slowAfter is how long one scan may take before the status line says it is being checked.
const slowAfter = 150 * time.Millisecond

// guardEvery is how often the station checks that its field still has the keyboard.
const guardEvery = 300 * time.Millisecond

// Entry is an order on the station's list.
type Entry struct {
	OrderID  int64
	OrderNo  string
	Store    string
	Platform domain.Platform
	Tracking []string           // the tracking numbers of its packages
	Verdict  domain.ScanVerdict // ScanShip (moved by this scan) or ScanAlready
	Words    string             // "To Ship" or "Already scanned"
	At       time.Time          // when it was scanned

	cells []string // what the list shows in each column, fitted to its width once
}

// Feedback is what the panel shows for the last scan.
type Feedback struct {
	Verdict  domain.ScanVerdict // a domain.ScanVerdict, or Waiting, Unknown, Ambiguous, Failed
	Code     string             // what was scanned
	OrderID  int64              // 0 when no single order was found
	Title    string             // the order number; the code when no order was found
	Store    string
	Platform domain.Platform
	Words    string
	Colour   color.Color
}

var waiting = Feedback{Verdict: Waiting, Title: "Ready", Colour: Neutral,
	Words: "Scan a parcel: its order number, tracking number, package id or picking list QR code."}

// outcome is one scan's result, made off the UI goroutine and shown on it.
type outcome struct {
	fb    Feedback
	sound string
	entry *Entry // the order joins the list
}

// read is a code waiting its turn, read at a time in a mode; repeat marks a double read the
// field ignored.
type read struct {
	code   string
	at     time.Time
	mode   Mode
	repeat bool
}

// Screen is the Scan To Ship station. It is used on the UI goroutine only; lookups and the To
// Ship run off it, one scan at a time in the order read.
type Screen struct {
	// Field is the scan field; the shell applies the station's scanner settings to it.
	Field *widgets.ScanField
	// Printing prints AWB labels and manifests for the list (set by the shell; nil: printing
	// says it is not set up).
	Printing widgets.Printing
	// Player, when set, sounds each outcome: it is given one of the Sound kinds on the UI
	// goroutine and must not block.
	Player interface{ Play(kind string) }
	// OnSound, when set, is told each outcome's Sound kind too, after the player (tests).
	OnSound func(kind string)
	// Now is the clock of the list's times.
	Now func() time.Time

	src     Source
	actions Actions
	win     fyne.Window
	run     *widgets.Runner
	ctx     context.Context
	stop    context.CancelFunc
	root    fyne.CanvasObject
	panel   *flash
	table   *widget.Table
	title   *widget.Label
	help    *widget.Label
	modes   *widget.RadioGroup
	mode    Mode
	bodies  []fyne.CanvasObject
	status  *widget.Label
	note    *widget.Label // why the station is silent
	count   *widget.Label
	buttons []*widgets.Button

	entries  []Entry // newest first
	listed   map[int64]bool
	last     Feedback
	prevCode string   // the last code looked up,
	prev     Feedback // and what it showed: a double read shows it again
	queue    []read
	busy     bool
	slowGen  int // counts showStatus calls: a "Checking…" due later is for the latest only

	guard     *fyne.Animation
	guardTick float32

	printDialog *widgets.PrintDialog

	pick     pickMode
	handover handoverMode
}

// New builds the station; its field takes the keyboard once the content is in the window.
func New(src Source, actions Actions, win fyne.Window, run *widgets.Runner) *Screen {
	ctx, stop := context.WithCancel(context.Background())
	s := &Screen{src: src, actions: actions, win: win, run: run, ctx: ctx, stop: stop, Now: time.Now,
		listed: map[int64]bool{}, last: waiting}
	s.Field = widgets.NewScanField(s.Scan)
	s.Field.PlaceHolder = "Scan a parcel, or type a code and Enter"
	s.Field.OnRepeat = func(code string) { s.enqueue(read{code: code, at: s.now(), mode: s.mode, repeat: true}) }
	s.Field.OnKey = s.key
	s.build()
	s.guard = fyne.NewAnimation(guardEvery, s.guardStep)
	s.guard.RepeatCount = fyne.AnimationRepeatForever
	s.guard.Curve = fyne.AnimationLinear
	s.guard.Start()
	s.Focus()
	return s
}

// Stop ends the focus guard; scans still waiting fail. The screen is not used after.
func (s *Screen) Stop() {
	s.guard.Stop()
	s.stop()
}

func (s *Screen) build() {
	s.panel = newFlash(s.last, s.Focus)
	s.status = widget.NewLabel("")
	s.note = widget.NewLabel("")
	s.note.Importance = widget.WarningImportance
	s.note.Hide()
	s.count = widget.NewLabel("")
	s.help = widget.NewLabel("")
	s.help.Importance = widget.LowImportance
	s.help.Truncation = fyne.TextTruncateEllipsis

	s.table = s.newEntryTable(func() []Entry { return s.entries }, "Result")

	awb := widgets.NewButton("Print AWB (F2)", func() { s.Print(domain.DocAWB) })
	manifest := widgets.NewButton("Print Courier Manifest (F3)", func() { s.Print(domain.DocManifest) })
	clear := widgets.NewButton("Clear list (F4)", s.ClearList)
	awb.Icon, manifest.Icon, clear.Icon = theme.DocumentPrintIcon(), theme.DocumentPrintIcon(), theme.DeleteIcon()
	awb.Importance = widget.HighImportance
	s.buttons = []*widgets.Button{awb, manifest, clear}
	toShip := container.NewBorder(nil, container.NewBorder(nil, nil, nil, container.NewHBox(awb, manifest, clear), s.count), nil, nil, s.table)
	s.buildPick()
	s.buildHandover()
	s.bodies = []fyne.CanvasObject{toShip, s.pick.body, s.handover.body}

	var names []string
	for _, m := range modes {
		names = append(names, m.title+" ("+m.key+")")
	}
	s.modes = widget.NewRadioGroup(names, func(v string) {
		if i := slices.Index(names, v); i >= 0 && Mode(i) != s.mode {
			s.SetMode(Mode(i))
		}
		s.Focus()
	})
	s.modes.Horizontal, s.modes.Required = true, true
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(s.title, s.modes), container.NewHBox(s.status, s.note)),
		s.Field,
		s.help,
		s.panel,
	)
	content := container.NewBorder(top, nil, nil, nil, container.NewStack(s.bodies...))
	s.root = container.NewStack(newBackdrop(s.Focus), container.NewPadded(content))
	s.showList()
	s.SetMode(ModeToShip)
}

// SetMode switches the station to Scan To Ship, Stock Pick or Courier Handover; each keeps its
// own list while another is on show.
func (s *Screen) SetMode(m Mode) {
	if m < 0 || int(m) >= len(modes) {
		return
	}
	s.mode = m
	for i, b := range s.bodies {
		if Mode(i) == m {
			b.Show()
		} else {
			b.Hide()
		}
	}
	s.title.SetText(modes[m].title)
	s.Field.PlaceHolder = modes[m].prompt
	s.Field.Refresh()
	s.help.SetText(modes[m].help)
	if want := s.modes.Options[m]; s.modes.Selected != want {
		s.modes.SetSelected(want)
	}
	s.setFeedback(waiting)
	s.root.Refresh()
	s.Focus()
}

// Keys are the station's keys with what they do, for the window's list of shortcuts.
var Keys = [][2]string{
	{"F6 / F7 / F8", "Scan station: Scan To Ship / Stock Pick / Courier Handover"},
	{"F2 / F3", "Scan station: Print AWB / Print Courier Manifest of the list"},
	{"F4", "Scan station: clear the list / new handover"},
	{"F9 / F10", "Stock Pick: Complete Verification / take back the last item"},
	{"Esc", "Scan station: clear the message / drop the check"},
}

// Mode is the station's mode.
func (s *Screen) Mode() Mode { return s.mode }

// newEntryTable is a list of scanned parcels, newest first.
// last names the last column: what the scan did, or the courier.
func (s *Screen) newEntryTable(entries func() []Entry, last string) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(entries()), len(columns) },
		// Plain labels showing text fitted when the entry joined: every scan moves each row down
		// a line, and measuring every cell again would delay the next scan's feedback.
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			list := entries()
			if id.Row < 0 || id.Row >= len(list) || id.Col < 0 || id.Col >= len(list[id.Row].cells) {
				return
			}
			if l := o.(*widget.Label); l.Text != list[id.Row].cells[id.Col] {
				l.SetText(list[id.Row].cells[id.Col])
			}
		})
	titles, widths := make([]string, len(columns)), make([]float32, len(columns))
	for i, c := range columns {
		titles[i], widths[i] = c.title, c.width
	}
	titles[len(titles)-1] = last
	s.listTable(t, titles, widths)
	return t
}

// listTable gives one of the station's lists its bold column titles and widths. The lists are for
// reading: a tap on one gives the keyboard back to the scan field.
func (s *Screen) listTable(t *widget.Table, titles []string, widths []float32) {
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < len(titles) {
			o.(*widget.Label).SetText(titles[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	t.OnSelected = func(widget.TableCellID) {
		t.UnselectAll()
		s.Focus()
	}
}

// column is a column of the list.
type column struct {
	title string
	width float32
	value func(Entry) string
}

var columns = []column{
	{"Time", 90, func(e Entry) string { return e.At.Local().Format("15:04:05") }},
	{"Order no", 210, func(e Entry) string { return e.OrderNo }},
	{"Store", 220, func(e Entry) string { return e.Store }},
	{"Platform", 100, func(e Entry) string { return e.Platform.Title() }},
	{"Tracking no", 230, func(e Entry) string { return strings.Join(e.Tracking, ", ") }},
	{"Result", 170, func(e Entry) string { return e.Words }},
}

// fitCells is what the list shows of an entry: each column's text, shortened with "…" to what
// its cell shows.
func fitCells(e Entry) []string {
	cells := make([]string, len(columns))
	for i, c := range columns {
		cells[i] = fitCell(c.value(e), c.width)
	}
	return cells
}

// fitCell is text shortened to what a list cell of a column width shows, inside its padding.
func fitCell(text string, width float32) string {
	return fit(text, width-2*theme.InnerPadding(), theme.TextSize())
}

// fit shortens text with "…" to width.
func fit(text string, width, size float32) string {
	fits := func(s string) bool { return fyne.MeasureText(s, size, fyne.TextStyle{}).Width <= width }
	if fits(text) {
		return text
	}
	rs := []rune(text)
	lo, hi := 0, len(rs)-1 // the most runes that fit before the ellipsis
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(string(rs[:mid]) + "…") {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(rs[:lo]), " ") + "…"
}

// Content is the station, to put in the window.
func (s *Screen) Content() fyne.CanvasObject { return s.root }

// Focus gives the keyboard to the scan field, unless a dialog is open: the dialog keeps it.
func (s *Screen) Focus() {
	c := s.win.Canvas()
	if c == nil || c.Overlays().Top() != nil || c.Focused() == s.Field {
		return
	}
	if d := fyne.CurrentApp().Driver(); d.CanvasForObject(s.Field) != c {
		return // not in the window yet
	}
	c.Focus(s.Field)
}

// guardStep runs on every frame of the guard's animation; once per round it takes the keyboard
// back if something else has it while no dialog is open (a tap on a button, a Tab).
func (s *Screen) guardStep(p float32) {
	wrapped := p < s.guardTick
	s.guardTick = p
	if wrapped {
		s.keepFocus()
	}
}

// keepFocus is one check of the guard. A station that is not showing (another tab of the
// window) leaves the keyboard alone; Fyne also never focuses a hidden field.
func (s *Screen) keepFocus() {
	if !s.root.Visible() {
		return
	}
	s.Focus()
}

// Scan handles a code as a scanner read: it waits for the scans before it, then is looked up,
// judged and, when it may, moved To Ship.
func (s *Screen) Scan(code string) {
	code = strings.TrimSpace(code)
	if code == "" {
		return
	}
	s.enqueue(read{code: code, at: s.now(), mode: s.mode})
}

func (s *Screen) enqueue(r read) {
	s.queue = append(s.queue, r)
	if s.busy {
		s.showStatus() // one more waiting
	} else {
		s.next()
	}
	s.Focus()
}

// next takes the oldest waiting read; a scan is looked up off the UI goroutine and the one after
// it starts only once its outcome is shown, so a fast second scan never overtakes the first.
func (s *Screen) next() {
	if len(s.queue) == 0 {
		s.busy = false
		s.showStatus()
		return
	}
	r := s.queue[0]
	s.queue = s.queue[1:]
	s.busy = true
	if r.repeat && r.mode != ModePick { // a stock pick counts every item read, repeats included
		s.show(s.repeated(r.code))
		s.next()
		return
	}
	if r.mode == ModePick && s.pickItem(r.code) {
		s.next()
		return
	}
	s.showStatus()
	ctx := s.ctx
	courier := s.handover.courier
	s.run.Soon(quickWait, func() func() {
		switch r.mode {
		case ModePick:
			out, o := s.resolvePick(ctx, r.code)
			return func() {
				s.startPick(out, o)
				s.next()
			}
		}
		// To Ship and the handover: the parcel joins the mode's list, stamped with its read.
		var out outcome
		show := s.show
		if r.mode == ModeHandover {
			out, show = s.resolveHandover(ctx, r.code, courier), s.handOver
		} else {
			out = s.resolve(ctx, r.code)
		}
		if out.entry != nil {
			out.entry.At = r.at
		}
		return func() {
			s.prevCode, s.prev = r.code, out.fb
			show(out)
			s.next()
		}
	})
}

// repeated is what a double read shows, without a lookup: "Already scanned" for a parcel that
// went through; a parcel that was refused stays refused (a double read must never turn a
// DO NOT SHIP amber).
func (s *Screen) repeated(code string) outcome {
	if s.prevCode != code {
		return outcome{fb: Feedback{Verdict: domain.ScanAlready, Code: code, Title: code, Words: "Already scanned", Colour: Amber}, sound: SoundAlready}
	}
	fb := s.prev
	switch fb.Verdict {
	case domain.ScanShip, domain.ScanAlready:
		fb.Verdict, fb.Words, fb.Colour = domain.ScanAlready, "Already scanned", Amber
		return outcome{fb: fb, sound: SoundAlready}
	}
	return outcome{fb: fb, sound: soundOf(fb.Verdict)}
}

// resolve finds the order a code names, judges the scan and moves the order To Ship when it may.
// It runs off the UI goroutine and never panics.
func (s *Screen) resolve(ctx context.Context, code string) (out outcome) {
	defer func() {
		if p := recover(); p != nil {
			out = failed(code, Feedback{}, fmt.Sprintf("Could not check %s: %v", code, p))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, scanTimeout)
	defer cancel()

	o, out, ok := s.find(ctx, code)
	if !ok {
		return out
	}
	fb := Feedback{Code: code, OrderID: o.ID, Title: o.OrderNo, Store: o.StoreName, Platform: o.Platform}
	verdict, words := domain.JudgeScan(&o)
	if verdict == domain.ScanWrongStage && o.Tab == domain.TabToProcess && o.PendingAction == domain.ActToShip {
		verdict = domain.ScanAlready // moved by an earlier scan; the engine has not finished yet
	}
	fb.Verdict = verdict
	switch verdict {
	case domain.ScanShip:
		_, refused, err := s.actions.Submit(ctx, domain.ActToShip, []int64{o.ID}, domain.Shipping{})
		switch {
		case err != nil:
			return failed(code, fb, "Not moved To Ship: "+err.Error())
		case len(refused) > 0:
			return failed(code, fb, "Not moved To Ship: "+refused[0].Reason)
		}
		fb.Words, fb.Colour = "To Ship", Green
		return outcome{fb: fb, sound: SoundDone, entry: entryOf(o, fb)}
	case domain.ScanAlready:
		fb.Words, fb.Colour = "Already scanned", Amber
		return outcome{fb: fb, sound: SoundAlready, entry: entryOf(o, fb)}
	case domain.ScanMustNotShip:
		fb.Words, fb.Colour = "DO NOT SHIP — "+words, Red
		return outcome{fb: fb, sound: SoundMustNotShip}
	default:
		fb.Words, fb.Colour = "Not in this stage: "+words, Red
		return outcome{fb: fb, sound: SoundWrongStage}
	}
}

// find reads the one order a code names; when there is none, or more than one, the outcome
// says so.
func (s *Screen) find(ctx context.Context, code string) (domain.Order, outcome, bool) {
	row, out, ok := s.lookup(ctx, code)
	if !ok {
		return domain.Order{}, out, false
	}
	o, err := s.src.Order(ctx, row.ID)
	if err != nil {
		return o, failed(code, Feedback{}, fmt.Sprintf("Could not read order %s: %v", row.OrderNo, err)), false
	}
	if o.StoreName == "" {
		o.StoreName = row.StoreName
	}
	return o, outcome{}, true
}

// lookup finds the one order a code names: the picking list's QR code names its store, anything
// else must name orders of one store only.
func (s *Screen) lookup(ctx context.Context, code string) (domain.OrderRow, outcome, bool) {
	var rows []domain.OrderRow
	if storeID, no, ok := domain.ParseOrderCode(code); ok {
		all, err := s.src.FindByCode(ctx, no, lookupLimit)
		if err != nil {
			return domain.OrderRow{}, failed(code, Feedback{}, fmt.Sprintf("Could not look up %s: %v", no, err)), false
		}
		for _, r := range all {
			if r.StoreID == storeID {
				rows = append(rows, r)
			}
		}
	} else {
		var err error
		if rows, err = s.src.FindByCode(ctx, code, lookupLimit); err != nil {
			return domain.OrderRow{}, failed(code, Feedback{}, fmt.Sprintf("Could not look up %s: %v", code, err)), false
		}
	}
	if len(rows) == 1 {
		return rows[0], outcome{}, true
	}
	fb := Feedback{Code: code, Title: code, Colour: Red}
	if len(rows) == 0 {
		fb.Verdict = Unknown
		fb.Words = "Unknown code: no order has this number, tracking number or package id"
		return domain.OrderRow{}, outcome{fb: fb, sound: SoundUnknown}, false
	}
	var stores []string
	for _, r := range rows {
		if !slices.Contains(stores, r.StoreName) {
			stores = append(stores, r.StoreName)
		}
	}
	fb.Verdict, fb.Store = Ambiguous, strings.Join(stores, ", ")
	switch len(stores) {
	case 1:
		fb.Words = fmt.Sprintf("this code names %d orders: scan the picking list's QR code", len(rows))
	case 2:
		fb.Words = "this number is in two stores: scan the picking list's QR code"
	default:
		fb.Words = fmt.Sprintf("this number is in %d stores: scan the picking list's QR code", len(stores))
	}
	return domain.OrderRow{}, outcome{fb: fb, sound: SoundUnknown}, false
}

func failed(code string, fb Feedback, words string) outcome {
	fb.Code, fb.Verdict, fb.Words, fb.Colour = code, Failed, words, Red
	if fb.Title == "" {
		fb.Title = code
	}
	return outcome{fb: fb, sound: SoundWrongStage}
}

func soundOf(v domain.ScanVerdict) string {
	switch v {
	case domain.ScanShip:
		return SoundDone
	case domain.ScanAlready:
		return SoundAlready
	case domain.ScanMustNotShip:
		return SoundMustNotShip
	case Unknown, Ambiguous:
		return SoundUnknown
	}
	return SoundWrongStage
}

func entryOf(o domain.Order, fb Feedback) *Entry {
	e := &Entry{OrderID: o.ID, OrderNo: o.OrderNo, Store: o.StoreName, Platform: o.Platform, Verdict: fb.Verdict, Words: fb.Words}
	for _, p := range o.Packages {
		if p.TrackingNo != "" && !slices.Contains(e.Tracking, p.TrackingNo) {
			e.Tracking = append(e.Tracking, p.TrackingNo)
		}
	}
	return e
}

func (s *Screen) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// show puts an outcome on the panel and the list, and sounds it.
func (s *Screen) show(out outcome) {
	if e := out.entry; e != nil && !s.listed[e.OrderID] {
		e.cells = fitCells(*e)
		s.entries = append([]Entry{*e}, s.entries...)
		s.listed[e.OrderID] = true
		s.showList()
	}
	s.setFeedback(out.fb)
	if out.sound != "" && s.Player != nil {
		s.Player.Play(out.sound)
	}
	if out.sound != "" && s.OnSound != nil {
		s.OnSound(out.sound)
	}
	s.Focus()
}

func (s *Screen) setFeedback(fb Feedback) {
	s.last = fb
	s.panel.set(fb)
}

func (s *Screen) showList() {
	n := len(s.entries)
	switch n {
	case 0:
		s.count.SetText("No parcels scanned yet")
	case 1:
		s.count.SetText("1 parcel on this list")
	default:
		s.count.SetText(widgets.Thousands(n) + " parcels on this list")
	}
	s.table.Refresh()
}

func (s *Screen) showStatus() {
	n := len(s.queue)
	if s.busy {
		n++
	}
	s.slowGen++
	text := ""
	switch {
	case n > 1:
		text = fmt.Sprintf("Checking %d scans…", n)
	case n == 1:
		// One scan is usually answered within a frame: saying "Checking…" would only cost a
		// repaint before its answer. A slow one says it after a moment.
		gen := s.slowGen
		time.AfterFunc(slowAfter, func() {
			s.run.Apply(func() {
				if gen == s.slowGen && s.busy {
					s.setStatus("Checking…")
				}
			})
		})
		return
	}
	s.setStatus(text)
}

// setStatus changes the status line; the same text again repaints nothing.
func (s *Screen) setStatus(text string) {
	if s.status.Text != text {
		s.status.SetText(text)
	}
}

// ApplySettings puts the station's settings to work on its scan field.
func (s *Screen) ApplySettings(set Settings) { s.Field.SetSettings(set.Scanner) }

// SetSoundNote says on the station why it makes no sound ("" when it does).
func (s *Screen) SetSoundNote(text string) {
	s.note.SetText(text)
	s.note.Hidden = text == ""
	s.note.Refresh()
}

// SoundNote is what the station says about its sound (tests).
func (s *Screen) SoundNote() string {
	if s.note.Hidden {
		return ""
	}
	return s.note.Text
}

// Scanned is the list of this session, newest first.
func (s *Screen) Scanned() []Entry { return slices.Clone(s.entries) }

// Last is what the panel shows.
func (s *Screen) Last() Feedback { return s.last }

// Busy reports whether scans are still being looked up.
func (s *Screen) Busy() bool { return s.busy }

// key handles the keys the field passes on: the station's shortcuts.
func (s *Screen) key(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF2:
		s.Print(domain.DocAWB)
	case fyne.KeyF3:
		s.Print(domain.DocManifest)
	case fyne.KeyF4:
		s.ClearList()
	case fyne.KeyF6:
		s.SetMode(ModeToShip)
	case fyne.KeyF7:
		s.SetMode(ModePick)
	case fyne.KeyF8:
		s.SetMode(ModeHandover)
	case fyne.KeyF9:
		if s.mode == ModePick {
			s.CompleteVerification()
		}
	case fyne.KeyF10:
		if s.mode == ModePick {
			s.TakeBack()
		}
	case fyne.KeyEscape:
		if s.mode == ModePick && s.dropPick() {
			return
		}
		s.ClearFeedback()
	}
}

// ClearFeedback empties the panel (Esc).
func (s *Screen) ClearFeedback() {
	s.setFeedback(waiting)
	s.Focus()
}

// notice shows a problem that is not a scan's in the panel, in red.
func (s *Screen) notice(title, words string) {
	s.setFeedback(Feedback{Verdict: Failed, Title: title, Words: words, Colour: Red})
	s.Focus()
}

// ids are the orders of the mode's list in the order they were scanned: the To Ship list, the
// handover, or the order being checked.
func (s *Screen) ids() []int64 {
	list := s.entries
	switch s.mode {
	case ModeHandover:
		list = s.handover.entries
	case ModePick:
		if s.pick.check != nil {
			return []int64{s.pick.check.OrderID}
		}
		return nil
	}
	ids := make([]int64, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		ids = append(ids, list[i].OrderID)
	}
	return ids
}

// Print opens the print dialog for a document (AWB labels or the courier manifest) of the list.
func (s *Screen) Print(doc domain.Document) {
	switch {
	case s.Printing == nil:
		s.notice("Cannot print", "printing is not set up in this window")
	case len(s.ids()) == 0:
		s.notice("Nothing to print", "scan parcels first: the list is empty")
	default:
		s.printDialog = widgets.ShowPrint(s.win, s.run, s.Printing, doc, s.ids())
	}
}

// PrintDialog is the print dialog opened last (nil: none).
func (s *Screen) PrintDialog() *widgets.PrintDialog { return s.printDialog }

// ClearList empties the list after asking (F4); the orders stay on To Ship. At the courier
// handover it starts a new handover.
func (s *Screen) ClearList() {
	if s.mode == ModeHandover {
		s.newHandover()
		return
	}
	if s.mode != ModeToShip || len(s.entries) == 0 {
		s.Focus()
		return
	}
	n := "the parcel"
	if len(s.entries) > 1 {
		n = "all " + widgets.Thousands(len(s.entries)) + " parcels"
	}
	widgets.Ask(s.win, "Clear list",
		fmt.Sprintf("Take %s off this list? The orders stay on To Ship.", n), "Clear list", "Keep", func(ok bool) {
			if ok {
				s.entries = nil
				s.listed = map[int64]bool{}
				s.showList()
			}
			s.Focus()
		})
}
