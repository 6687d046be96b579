// Package settings is the Settings screen: the printer and paper for each document, the print
// history, from which a kept document can be printed again, the scan station's scanner and
// sounds, and SQL Account: the connection, its test, the sync of stock items and codes, and how
// orders are posted.
package settings

import (
	"context"
	"fmt"
	"image/color"
	"net/url"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Documents prints, remembers each document's choices and keeps the print history.
type Documents interface {
	widgets.Printing
	History(ctx context.Context, limit int) ([]domain.PrintJob, error)
	Reprint(ctx context.Context, id int64, printer string) (domain.PrintJob, error)
}

// historyShown is how much of the print history the screen lists.
const historyShown = 200

// Screen is the Settings screen.
type Screen struct {
	win  fyne.Window
	run  *widgets.Runner
	docs Documents

	printers []domain.Printer
	rows     map[domain.Document]*docRow
	history  []domain.PrintJob
	list     *widget.List
	Status   *widget.Label
	station  *StationCard
	sqlacc   *SQLAccCard
	root     fyne.CanvasObject
}

// docRow is one document's printer and paper.
type docRow struct {
	Printer *widget.Select
	Page    *widget.Select
	loading bool
}

// New builds the screen; docs may be set later with Use.
func New(win fyne.Window, run *widgets.Runner) *Screen {
	s := &Screen{win: win, run: run, rows: map[domain.Document]*docRow{}}
	s.build()
	return s
}

// Use connects the screen to the documents and loads it.
func (s *Screen) Use(docs Documents) { s.docs = docs }

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.root }

func (s *Screen) build() {
	form := container.NewGridWithColumns(3)
	form.Add(widget.NewLabelWithStyle("Document", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	form.Add(widget.NewLabelWithStyle("Printer", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	form.Add(widget.NewLabelWithStyle("Paper", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, doc := range domain.Documents {
		r := &docRow{Printer: widget.NewSelect(nil, nil), Page: widget.NewSelect(widgets.PageWords, nil)}
		r.Printer.PlaceHolder = "Ask each time"
		r.Printer.OnChanged = func(string) { s.save(doc) }
		r.Page.OnChanged = func(string) { s.save(doc) }
		s.rows[doc] = r
		form.Add(widget.NewLabel(doc.Title()))
		form.Add(r.Printer)
		if doc == domain.DocAWB {
			form.Add(widget.NewLabel("As the platform made it (100%)"))
		} else {
			form.Add(r.Page)
		}
	}
	refresh := widgets.NewButton("Look for printers again", func() { s.Reload() })
	refresh.Icon = theme.ViewRefreshIcon()
	s.Status = widget.NewLabel("")
	s.Status.Wrapping = fyne.TextWrapWord

	s.list = widget.NewList(func() int { return len(s.history) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		again := widgets.NewButton("Print again", nil)
		again.Icon = theme.DocumentPrintIcon()
		open := widgets.NewButton("Open", nil)
		return container.NewBorder(nil, nil, nil, container.NewHBox(open, again), l)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		j := s.history[i]
		c := o.(*fyne.Container)
		l := c.Objects[0].(*widget.Label)
		l.SetText(HistoryLine(j))
		l.Importance = widget.MediumImportance
		if j.State == domain.PrintFailed {
			l.Importance = widget.DangerImportance
		}
		l.Refresh()
		btns := c.Objects[1].(*fyne.Container).Objects
		btns[0].(*widgets.Button).OnTapped = func() { s.open(j) }
		btns[1].(*widgets.Button).OnTapped = func() { s.Reprint(j.ID, s.printerFor(j.Document, j.Printer)) }
	})
	printers := widget.NewCard("Printers", "Where each document goes when you press Print; the print dialog can still choose another.",
		container.NewVBox(form, container.NewHBox(refresh), s.Status))
	history := widget.NewCard("Print history", "Every document printed or saved. A document is kept so it can be printed again.", nil)
	s.station = s.buildStation()
	s.sqlacc = s.buildSQLAcc()
	// The cards scroll as one page; the history keeps a list of its own, tall enough to read.
	tall := canvas.NewRectangle(color.Transparent)
	tall.SetMinSize(fyne.NewSize(0, 260))
	historyBox := container.NewBorder(history, nil, nil, nil, container.NewStack(tall, s.list))
	s.root = container.NewVScroll(container.NewVBox(
		container.New(&pairLayout{}, printers, s.station.card),
		container.New(&pairLayout{}, s.sqlacc.card, s.sqlacc.postingCard),
		historyBox))
}

// pairLayout puts two cards side by side, halving the width, when the width holds both; else
// one under the other, so a laptop's window is never held wider than its screen. Its minimum
// height follows the last layout, so the page scrolls only as far as the cards reach.
type pairLayout struct{ stacked bool }

func (p *pairLayout) fits(objs []fyne.CanvasObject, width float32) bool {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	half := (width - theme.Padding()) / 2
	return half >= a.Width && half >= b.Width
}

func (p *pairLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 2 {
		return
	}
	pad := theme.Padding()
	p.stacked = !p.fits(objs, size.Width)
	if p.stacked {
		ha := objs[0].MinSize().Height
		objs[0].Move(fyne.NewPos(0, 0))
		objs[0].Resize(fyne.NewSize(size.Width, ha))
		objs[1].Move(fyne.NewPos(0, ha+pad))
		objs[1].Resize(fyne.NewSize(size.Width, max(objs[1].MinSize().Height, size.Height-ha-pad)))
		return
	}
	half := (size.Width - pad) / 2
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(half, size.Height))
	objs[1].Move(fyne.NewPos(half+pad, 0))
	objs[1].Resize(fyne.NewSize(size.Width-half-pad, size.Height))
}

func (p *pairLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) != 2 {
		return fyne.Size{}
	}
	a, b := objs[0].MinSize(), objs[1].MinSize()
	if p.stacked {
		return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height+theme.Padding())
	}
	return fyne.NewSize(max(a.Width, b.Width), max(a.Height, b.Height))
}

// HistoryLine is how one print job reads in the history.
func HistoryLine(j domain.PrintJob) string {
	at := j.At.In(myt).Format("02 Jan 15:04")
	switch j.State {
	case domain.PrintAccepted:
		return fmt.Sprintf("%s  %s · %s · accepted (job %s)", at, j.Title, j.Printer, j.JobID)
	case domain.PrintSaved:
		return fmt.Sprintf("%s  %s saved to %s", at, j.Title, j.Message)
	}
	return fmt.Sprintf("%s  %s · %s · NOT PRINTED — %s", at, j.Title, j.Printer, j.Message)
}

var myt = time.FixedZone("MYT", 8*3600)

// Reload reads the printers, each document's choices, the history, the scanner settings and the
// SQL Account settings.
func (s *Screen) Reload() {
	s.load(true)
	s.station.load()
	s.sqlacc.load()
}

// load reads the screen's data; tell says whether the status line reports what was found (not
// after printing again, whose result it shows).
func (s *Screen) load(tell bool) {
	if s.docs == nil {
		return
	}
	s.run.Go(func() func() {
		ctx := context.Background()
		printers, perr := s.docs.Printers(ctx)
		set := map[domain.Document]domain.PrintSettings{}
		var serr error
		for _, doc := range domain.Documents {
			set[doc], serr = s.docs.Settings(ctx, doc)
			if serr != nil {
				break
			}
		}
		history, herr := s.docs.History(ctx, historyShown)
		return func() {
			s.printers = printers
			names := []string{"Ask each time"}
			for _, p := range printers {
				names = append(names, p.Name)
			}
			for doc, r := range s.rows {
				r.loading = true
				opts := names
				if p := set[doc].Printer; p != "" && !slices.Contains(names, p) {
					opts = append(append([]string(nil), names...), p) // a raw: or tcp: printer
				}
				r.Printer.SetOptions(opts)
				if set[doc].Printer == "" {
					r.Printer.SetSelected(names[0])
				} else {
					r.Printer.SetSelected(set[doc].Printer)
				}
				r.Page.SetSelected(widgets.PageWord(set[doc].Page))
				r.loading = false
			}
			s.history = history
			s.list.Refresh()
			switch {
			case !tell && perr == nil && serr == nil && herr == nil:
			case perr != nil:
				s.showStatus(widget.DangerImportance, "Could not list the printers: "+perr.Error())
			case serr != nil:
				s.showStatus(widget.DangerImportance, serr.Error())
			case herr != nil:
				s.showStatus(widget.DangerImportance, "Could not read the print history: "+herr.Error())
			case len(printers) == 0:
				s.showStatus(widget.WarningImportance, "This computer has no printers set up. Add one in the system's printer settings, then look again.")
			default:
				s.showStatus(widget.MediumImportance, fmt.Sprintf("%d printers found.", len(printers)))
			}
		}
	})
}

func (s *Screen) showStatus(imp widget.Importance, text string) {
	s.Status.Importance = imp
	s.Status.SetText(text)
}

// save remembers a document's printer and paper as chosen on the screen.
func (s *Screen) save(doc domain.Document) {
	r := s.rows[doc]
	if r.loading || s.docs == nil {
		return
	}
	printer := r.Printer.Selected
	if printer == "Ask each time" {
		printer = ""
	}
	page := widgets.PageValue(r.Page.Selected)
	s.run.Go(func() func() {
		ctx := context.Background()
		set, err := s.docs.Settings(ctx, doc)
		if err == nil {
			set.Printer, set.Page = printer, page
			err = s.docs.SetSettings(ctx, doc, set)
		}
		return func() {
			if err != nil {
				s.showStatus(widget.DangerImportance, err.Error())
				return
			}
			s.showStatus(widget.SuccessImportance, fmt.Sprintf("%s: saved.", doc.Title()))
		}
	})
}

// printerFor is where a document is printed again: its printer in Settings, else where it went.
func (s *Screen) printerFor(doc domain.Document, last string) string {
	if r := s.rows[doc]; r != nil && r.Printer.Selected != "" && r.Printer.Selected != "Ask each time" {
		return r.Printer.Selected
	}
	return last
}

// Reprint prints a kept document again and shows the result in the history.
func (s *Screen) Reprint(id int64, printer string) {
	if printer == "" {
		s.showStatus(widget.DangerImportance, "Choose a printer for this document above, then print it again.")
		return
	}
	s.run.Go(func() func() {
		job, err := s.docs.Reprint(context.Background(), id, printer)
		return func() {
			if err != nil {
				s.showStatus(widget.DangerImportance, "Not printed: "+err.Error())
			} else {
				s.showStatus(widget.SuccessImportance, fmt.Sprintf("%s sent to %s again (job %s).", job.Title, printer, job.JobID))
			}
			s.load(false)
		}
	})
}

func (s *Screen) open(j domain.PrintJob) {
	abs, err := filepath.Abs(j.File)
	if err == nil {
		err = fyne.CurrentApp().OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)})
	}
	if err != nil {
		s.showStatus(widget.DangerImportance, "Could not open "+j.File+": "+err.Error())
	}
}

// History is the print history on show (tests).
func (s *Screen) History() []domain.PrintJob { return s.history }

// Row is a document's printer and paper choices (tests).
func (s *Screen) Row(doc domain.Document) (printer, page *widget.Select) {
	r := s.rows[doc]
	return r.Printer, r.Page
}
