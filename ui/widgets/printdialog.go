package widgets

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
)

// Printing makes documents, prints them and remembers each document's choices (cmd/kedai's
// documents: the data file, the label cache, the OS printers and the print history).
type Printing interface {
	Printers(ctx context.Context) ([]domain.Printer, error)
	Settings(ctx context.Context, doc domain.Document) (domain.PrintSettings, error)
	SetSettings(ctx context.Context, doc domain.Document, s domain.PrintSettings) error
	Make(ctx context.Context, doc domain.Document, ids []int64, s domain.PrintSettings, progress func(done, total int)) (domain.Printout, error)
	Print(ctx context.Context, p domain.Printout, printer string) (domain.PrintJob, error)
	Save(ctx context.Context, p domain.Printout, path string) (domain.PrintJob, error)
}

// Choices offered by the print dialog, in the words it shows.
var (
	// PageWords are the page sizes as offered; PageWord and PageValue turn them to and from
	// the settings' values.
	PageWords   = []string{"A4", "A6 (105 x 148 mm)", "4 x 6 in (101.6 x 152.4 mm)"}
	pageValues  = []string{"a4", "a6", "4x6"}
	orderWords  = []string{"Order date", "Store", "SKU"}
	orderValues = []string{"date", "store", "sku"}
	labelWords  = []string{"Thermal label (A6)", "Normal (Shopee A4 waybill, TikTok A5)"}
	labelValues = []string{"thermal", "normal"}
	formatWords = []string{"PDF", "ZPL (TikTok labels, to a ZPL label printer)"}
	formatValue = []string{"pdf", "zpl"}
	otherWords  = "Another printer (raw:NAME or tcp:HOST:PORT)…"
)

// PageWord is how a page size setting is offered.
func PageWord(v string) string { return wordFor(PageWords, pageValues, v) }

// PageValue is the setting for an offered page size.
func PageValue(w string) string { return valueFor(PageWords, pageValues, w) }

func wordFor(words, values []string, v string) string {
	for i, x := range values {
		if x == v {
			return words[i]
		}
	}
	return words[0]
}

func valueFor(words, values []string, w string) string {
	for i, x := range words {
		if x == w {
			return values[i]
		}
	}
	return values[0]
}

// PrintDialog asks how to print a document for some orders, then makes it (with progress and
// Cancel while AWB labels download), previews, prints or saves it, and says what became of it.
type PrintDialog struct {
	win      fyne.Window
	run      *Runner
	printing Printing
	doc      domain.Document
	ids      []int64
	d        *dialog.CustomDialog

	Kind     *widget.RadioGroup // picking list: per order or summary
	Page     *widget.Select
	Order    *widget.Select
	Label    *widget.Select
	Format   *widget.Select
	Printer  *widget.Select
	Other    *widget.Entry
	bar      *widget.ProgressBar
	Status   *widget.Label
	PrintBtn *Button
	preview  *Button
	save     *Button
	cancel   *Button

	busy     context.CancelFunc
	made     *domain.Printout
	madeWith domain.PrintSettings
	OnDone   func(domain.PrintJob) // after a document was printed or saved (tests, the history)
	// OpenFile shows a file in the system's viewer (the preview); tests replace it.
	OpenFile func(path string) error
}

// ShowPrint opens the print dialog for the orders; doc DocPickingList also offers the summary.
func ShowPrint(win fyne.Window, run *Runner, printing Printing, doc domain.Document, ids []int64) *PrintDialog {
	p := &PrintDialog{win: win, run: run, printing: printing, doc: doc, ids: ids}
	p.OpenFile = func(path string) error {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		return fyne.CurrentApp().OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)})
	}
	p.build()
	p.load()
	return p
}

func (p *PrintDialog) build() {
	p.Kind = widget.NewRadioGroup([]string{domain.DocPickingList.Title() + " (a page per order, with barcodes)",
		domain.DocPickingSummary.Title() + " (every SKU, totalled, in shelf order)"}, func(string) { p.load() })
	p.Kind.Required = true
	p.Kind.Horizontal = false
	if p.doc == domain.DocPickingSummary {
		p.Kind.Selected = p.Kind.Options[1]
	} else {
		p.Kind.Selected = p.Kind.Options[0]
	}
	p.Page = widget.NewSelect(PageWords, nil)
	p.Order = widget.NewSelect(orderWords, nil)
	p.Label = widget.NewSelect(labelWords, nil)
	p.Format = widget.NewSelect(formatWords, nil)
	p.Printer = widget.NewSelect(nil, func(v string) {
		if v == otherWords {
			p.Other.Show()
			p.win.Canvas().Focus(p.Other)
		} else {
			p.Other.Hide()
		}
	})
	p.Printer.PlaceHolder = "Looking for printers…"
	p.Other = widget.NewEntry()
	p.Other.SetPlaceHolder("raw:ZEBRA or tcp:192.168.1.50:9100")
	p.Other.Hide()
	p.bar = widget.NewProgressBar()
	p.bar.Hide()
	p.Status = widget.NewLabel("")
	p.Status.Wrapping = fyne.TextWrapWord
	p.PrintBtn = NewButton("Print", func() { p.Print() })
	p.PrintBtn.Icon, p.PrintBtn.Importance = theme.DocumentPrintIcon(), widget.HighImportance
	p.preview = NewButton("Preview", func() { p.Preview() })
	p.preview.Icon = theme.VisibilityIcon()
	p.save = NewButton("Save as file…", func() { p.askSave() })
	p.save.Icon = theme.DocumentSaveIcon()
	p.cancel = NewButton("Close", func() { p.Close() })
	p.cancel.Icon = theme.CancelIcon()
	for _, b := range []*Button{p.PrintBtn, p.preview, p.save, p.cancel} {
		b.OnEscape = p.Close
	}

	form := widget.NewForm()
	if p.doc == domain.DocPickingList || p.doc == domain.DocPickingSummary {
		form.Append("Document", p.Kind)
	}
	if p.doc == domain.DocAWB {
		form.Append("Label order", p.Order)
		form.Append("Label", p.Label)
		form.Append("Format", p.Format)
	} else {
		form.Append("Page size", p.Page)
	}
	form.Append("Printer", container.NewVBox(p.Printer, p.Other))
	note := widget.NewLabel(fmt.Sprintf("%s selected. Kedai keeps every document it makes, so it can be printed again from Settings > Print history.", Plural(len(p.ids), "order")))
	note.Wrapping = fyne.TextWrapWord
	if p.doc == domain.DocAWB {
		note.SetText(note.Text + " Labels print exactly as the platform made them, at 100%.")
	}
	content := container.NewVBox(note, form, p.bar, p.Status)
	p.d = dialog.NewCustomWithoutButtons(p.title(), container.NewGridWrap(fyne.NewSize(600, content.MinSize().Height+110), content), p.win)
	p.d.SetButtons([]fyne.CanvasObject{p.cancel, p.save, p.preview, p.PrintBtn})
	p.d.SetOnClosed(func() {
		if p.busy != nil {
			p.busy()
		}
	})
	p.d.Show()
	p.win.Canvas().Focus(p.PrintBtn) // Enter prints with the remembered choices
}

func (p *PrintDialog) title() string {
	if p.doc == domain.DocPickingList || p.doc == domain.DocPickingSummary {
		return "Print Picking List"
	}
	return "Print " + p.doc.Title()
}

// Document is the document chosen (the picking list's kind is a choice in the dialog).
func (p *PrintDialog) Document() domain.Document {
	if (p.doc == domain.DocPickingList || p.doc == domain.DocPickingSummary) && p.Kind.Selected == p.Kind.Options[1] {
		return domain.DocPickingSummary
	}
	return p.doc
}

// load fills the choices with the document's remembered settings and the printers.
func (p *PrintDialog) load() {
	doc := p.Document()
	p.made = nil
	p.run.Go(func() func() {
		ctx := context.Background()
		s, serr := p.printing.Settings(ctx, doc)
		printers, perr := p.printing.Printers(ctx)
		return func() {
			if serr != nil {
				p.fail(serr)
				return
			}
			p.Page.SetSelected(PageWord(s.Page))
			p.Order.SetSelected(wordFor(orderWords, orderValues, s.Order))
			p.Label.SetSelected(wordFor(labelWords, labelValues, s.Label))
			p.Format.SetSelected(wordFor(formatWords, formatValue, s.Format))
			p.showPrinters(printers, perr, s.Printer)
		}
	})
}

func (p *PrintDialog) showPrinters(printers []domain.Printer, err error, chosen string) {
	var opts []string
	def := ""
	for _, pr := range printers {
		opts = append(opts, printerWords(pr))
		if pr.Default {
			def = printerWords(pr)
		}
	}
	opts = append(opts, otherWords)
	p.Printer.SetOptions(opts)
	p.Printer.PlaceHolder = "Choose a printer"
	switch {
	case chosen != "" && printerIn(printers, chosen):
		for _, pr := range printers {
			if pr.Name == chosen {
				p.Printer.SetSelected(printerWords(pr))
			}
		}
	case chosen != "":
		p.Printer.SetSelected(otherWords)
		p.Other.SetText(chosen)
	case def != "":
		p.Printer.SetSelected(def)
	}
	if err != nil {
		p.Status.SetText("Could not list the printers: " + err.Error() + ". You can still save the document as a file, or name a printer as raw:NAME or tcp:HOST:PORT.")
	} else if len(printers) == 0 {
		p.Status.SetText("This computer has no printers set up. Save the document as a file, or name a label printer as tcp:HOST:PORT.")
	}
	p.Printer.Refresh()
}

func printerIn(ps []domain.Printer, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// printerWords is how a printer is offered: its name, and its state when it cannot print now.
func printerWords(p domain.Printer) string {
	s := p.Name
	if p.Default {
		s += " (default)"
	}
	if p.State == "stopped" || p.State == "offline" {
		s += " — " + p.State
	}
	return s
}

// chosenPrinter is the destination chosen, "" when none.
func (p *PrintDialog) chosenPrinter() string {
	sel := p.Printer.Selected
	if sel == otherWords {
		return strings.TrimSpace(p.Other.Text)
	}
	if i := strings.Index(sel, " (default)"); i >= 0 {
		sel = sel[:i]
	}
	if i := strings.Index(sel, " — "); i >= 0 {
		sel = sel[:i]
	}
	return sel
}

// Settings are the choices now in the dialog.
func (p *PrintDialog) Settings() domain.PrintSettings {
	return domain.PrintSettings{
		Printer: p.chosenPrinter(),
		Page:    PageValue(p.Page.Selected),
		Order:   valueFor(orderWords, orderValues, p.Order.Selected),
		Label:   valueFor(labelWords, labelValues, p.Label.Selected),
		Format:  valueFor(formatWords, formatValue, p.Format.Selected),
	}
}

// Print makes the document and sends it to the chosen printer, remembering the choices.
func (p *PrintDialog) Print() {
	s := p.Settings()
	if s.Printer == "" {
		p.fail(errors.New("choose a printer first, or save the document as a file"))
		return
	}
	p.work("Printing…", func(ctx context.Context, made domain.Printout) (string, error) {
		job, err := p.printing.Print(ctx, made, s.Printer)
		if err != nil {
			return "", fmt.Errorf("%w. The document is kept: print it again from Settings > Print history once the printer is ready", err)
		}
		if p.OnDone != nil {
			defer fyne.Do(func() { p.OnDone(job) })
		}
		return fmt.Sprintf("%s sent to %s (job %s).", made.Title, s.Printer, job.JobID), nil
	})
}

// Preview makes the document and opens it in the system's viewer.
func (p *PrintDialog) Preview() {
	p.work("Making the preview…", func(ctx context.Context, made domain.Printout) (string, error) {
		if made.Format != "pdf" {
			return "", errors.New("a ZPL document has no preview: choose PDF to see the labels")
		}
		if err := p.OpenFile(made.File); err != nil {
			return "", fmt.Errorf("could not open the preview: %w (the file is %s)", err, made.File)
		}
		return "The preview is open in your PDF viewer: " + made.File, nil
	})
}

func (p *PrintDialog) askSave() {
	ext := ".pdf"
	if p.Settings().Format == "zpl" && p.doc == domain.DocAWB {
		ext = ".zpl"
	}
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		p.SaveTo(path)
	}, p.win)
	fd.SetFileName(strings.ReplaceAll(strings.ToLower(p.Document().Title()), " ", "-") + ext)
	fd.Show()
}

// SaveTo makes the document and writes it to path.
func (p *PrintDialog) SaveTo(path string) {
	p.work("Saving…", func(ctx context.Context, made domain.Printout) (string, error) {
		job, err := p.printing.Save(ctx, made, path)
		if err != nil {
			return "", err
		}
		if p.OnDone != nil {
			defer fyne.Do(func() { p.OnDone(job) })
		}
		return fmt.Sprintf("%s saved to %s.", made.Title, path), nil
	})
}

// work makes the document (once for these choices), then does then with it, off the UI
// goroutine, with a progress bar and Cancel.
func (p *PrintDialog) work(doing string, then func(ctx context.Context, made domain.Printout) (string, error)) {
	if p.busy != nil {
		return
	}
	s := p.Settings()
	doc := p.Document()
	ctx, cancel := context.WithCancel(context.Background())
	p.busy = cancel
	p.setBusy(true, doing)
	made, with := p.made, p.madeWith
	p.run.Go(func() func() {
		var msg string
		err := p.printing.SetSettings(ctx, doc, s)
		if err == nil && (made == nil || made.Document != doc || with != s) {
			var m domain.Printout
			m, err = p.printing.Make(ctx, doc, p.ids, s, func(done, total int) {
				fyne.Do(func() {
					p.bar.Max = float64(total)
					p.bar.SetValue(float64(done))
					p.Status.SetText(fmt.Sprintf("Fetching labels: %d of %d", done, total))
				})
			})
			made = &m
		}
		if err == nil {
			msg, err = then(ctx, *made)
		}
		return func() {
			p.busy = nil
			p.setBusy(false, "")
			if errors.Is(err, context.Canceled) {
				p.Status.SetText("Cancelled.")
				return
			}
			if made != nil && made.File != "" {
				p.made, p.madeWith = made, s
			}
			if err != nil {
				p.fail(err)
				return
			}
			if made != nil && len(made.Skipped) > 0 {
				msg += fmt.Sprintf(" Left out %s: %s", Plural(len(made.Skipped), "order"), strings.Join(made.Skipped, "; "))
			}
			p.Status.SetText(msg)
			p.Status.Importance = widget.SuccessImportance
			p.Status.Refresh()
			p.cancel.SetText("Close")
			p.win.Canvas().Focus(p.cancel)
		}
	})
}

func (p *PrintDialog) setBusy(busy bool, doing string) {
	for _, b := range []*Button{p.PrintBtn, p.preview, p.save} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if busy {
		p.bar.SetValue(0)
		p.bar.Show()
		p.Status.Importance = widget.MediumImportance
		p.Status.SetText(doing)
		p.cancel.SetText("Cancel")
		p.win.Canvas().Focus(p.cancel)
	} else {
		p.bar.Hide()
		p.cancel.SetText("Close")
	}
}

func (p *PrintDialog) fail(err error) {
	p.Status.Importance = widget.DangerImportance
	p.Status.SetText(err.Error())
	p.Status.Refresh()
	p.win.Canvas().Focus(p.PrintBtn)
}

// Busy reports whether the dialog is making or printing a document.
func (p *PrintDialog) Busy() bool { return p.busy != nil }

// Close cancels what is under way, or closes the dialog.
func (p *PrintDialog) Close() {
	if p.busy != nil {
		p.busy()
		return
	}
	p.d.Hide()
}

// Plural is a count with its word: "1 order", "1,200 orders".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%s %ss", Thousands(n), word)
}

// Thousands writes a count with thousands separators: 12,345.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
