// Package documents joins Kedai's documents to the data: it reads orders from the data file and
// labels through the engine, makes the layouts of package reports, keeps each document beside the
// data file, prints it through package printing and records the print history. The window and
// `kedai print` / `kedai export` both use it.
package documents

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports"
	"github.com/kedai-app/kedai/reports/printing"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// Labels fetches AWB labels for orders (the engine: the label cache first, then each store's
// client), one per package in the order of ids.
type Labels func(ctx context.Context, ids []int64, opt market.LabelOptions, progress func(done, total int)) ([]market.Label, error)

// Documents makes, keeps, prints and exports documents for one data file.
type Documents struct {
	d      *db.DB
	labels Labels
	now    func() time.Time
}

// New makes documents from the data file; labels may be nil where AWB labels are not wanted,
// now nil means the clock.
func New(d *db.DB, labels Labels, now func() time.Time) *Documents {
	if now == nil {
		now = time.Now
	}
	return &Documents{d: d, labels: labels, now: now}
}

// keepDocuments is how many made documents stay on disk for printing again.
const keepDocuments = 300

// Dir is where made documents are kept: a folder beside the data file.
func (x *Documents) Dir() string {
	p := x.d.Path()
	base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	return filepath.Join(filepath.Dir(p), base+"-documents")
}

func settingKey(doc domain.Document, field string) string {
	return "print." + string(doc) + "." + field
}

// Settings are the document's remembered choices, with defaults for what was never chosen.
func (x *Documents) Settings(ctx context.Context, doc domain.Document) (domain.PrintSettings, error) {
	var s domain.PrintSettings
	for _, f := range []struct {
		field, def string
		to         *string
	}{{"printer", "", &s.Printer}, {"page", string(reports.A4), &s.Page}, {"order", string(reports.ByOrderDate), &s.Order},
		{"label", "thermal", &s.Label}, {"format", "pdf", &s.Format}} {
		v, err := x.d.Setting(ctx, settingKey(doc, f.field), f.def)
		if err != nil {
			return s, err
		}
		*f.to = v
	}
	return s, nil
}

// SetSettings remembers the document's choices, after checking them.
func (x *Documents) SetSettings(ctx context.Context, doc domain.Document, s domain.PrintSettings) error {
	if err := checkSettings(s); err != nil {
		return err
	}
	for field, v := range map[string]string{"printer": s.Printer, "page": s.Page, "order": s.Order, "label": s.Label, "format": s.Format} {
		if err := x.d.SetSetting(ctx, settingKey(doc, field), v); err != nil {
			return err
		}
	}
	return nil
}

func checkSettings(s domain.PrintSettings) error {
	if _, err := reports.ParsePageSize(s.Page); err != nil {
		return err
	}
	switch reports.AWBOrder(s.Order) {
	case reports.ByOrderDate, reports.ByStore, reports.BySKU:
	default:
		return fmt.Errorf("label order %q: use date, store or sku", s.Order)
	}
	if s.Label != "thermal" && s.Label != "normal" {
		return fmt.Errorf("label type %q: use thermal or normal", s.Label)
	}
	if s.Format != "pdf" && s.Format != "zpl" {
		return fmt.Errorf("label format %q: use pdf or zpl", s.Format)
	}
	if s.Printer != "" {
		if _, err := printing.ParseDestination(s.Printer); err != nil {
			return err
		}
	}
	return nil
}

// Make builds the document for the orders and keeps it on disk. progress (may be nil) follows
// the label downloads of an AWB run.
func (x *Documents) Make(ctx context.Context, doc domain.Document, ids []int64, s domain.PrintSettings, progress func(done, total int)) (domain.Printout, error) {
	out := domain.Printout{Document: doc, Format: "pdf"}
	if len(ids) == 0 {
		return out, errors.New("no orders chosen: select the orders to print first")
	}
	if err := checkSettings(s); err != nil {
		return out, err
	}
	page, _ := reports.ParsePageSize(s.Page)
	orders, err := x.d.Orders(ctx, ids)
	if err != nil {
		return out, err
	}
	// Oldest first: the order closest to its ship-by time is picked and labelled first.
	sort.SliceStable(orders, func(i, j int) bool { return orders[i].CreatedAt.Before(orders[j].CreatedAt) })
	opt := reports.Options{Page: page, Now: x.now()}
	var buf bytes.Buffer
	switch doc {
	case domain.DocPickingList:
		err = reports.PickingList(&buf, orders, opt)
	case domain.DocPickingSummary:
		err = reports.PickingListSummary(&buf, orders, opt)
	case domain.DocManifest:
		err = reports.Manifests(&buf, orders, opt)
	case domain.DocAWB:
		out.Format = s.Format
		out.Skipped, err = x.awb(ctx, &buf, orders, s, progress)
	default:
		err = fmt.Errorf("unknown document %q", doc)
	}
	if err != nil {
		return out, fmt.Errorf("%s: %w", doc.Title(), err)
	}
	out.Orders = len(orders) - len(out.Skipped)
	out.Title = fmt.Sprintf("%s: %s", doc.Title(), plural(out.Orders, "order"))
	out.File, err = x.keep(doc, out.Orders, out.Format, buf.Bytes())
	return out, err
}

// awb fetches the orders' labels in the chosen order and merges them; orders whose label could
// not be had are left out and named.
func (x *Documents) awb(ctx context.Context, w *bytes.Buffer, orders []domain.Order, s domain.PrintSettings, progress func(done, total int)) ([]string, error) {
	if x.labels == nil {
		return nil, errors.New("AWB labels cannot be fetched here")
	}
	reports.SortForAWB(orders, reports.AWBOrder(s.Order))
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	opt := market.LabelOptions{Thermal: s.Label != "normal", Size: "A6", Format: s.Format}
	if s.Label == "normal" {
		opt.Size = "A5"
	}
	labels, err := x.labels(ctx, ids, opt, progress)
	if err != nil {
		return nil, err
	}
	var docs [][]byte
	failed := map[string]string{}
	for _, l := range labels {
		if l.Err != nil {
			if _, seen := failed[l.OrderNo]; !seen {
				failed[l.OrderNo] = l.Err.Error()
			}
			continue
		}
		docs = append(docs, l.Data)
	}
	var skipped []string
	for _, o := range orders {
		if why, ok := failed[o.OrderNo]; ok {
			skipped = append(skipped, o.OrderNo+": "+why)
		}
	}
	if len(docs) == 0 {
		if len(skipped) > 0 {
			return skipped, fmt.Errorf("no label could be had: %s", skipped[0])
		}
		return nil, errors.New("the orders have no packages to label: pack them first")
	}
	if s.Format == "zpl" {
		for _, d := range docs {
			w.Write(d)
		}
		return skipped, nil
	}
	return skipped, reports.MergeLabels(w, docs)
}

// keep writes a made document to the documents folder and prunes the oldest beyond the limit.
func (x *Documents) keep(doc domain.Document, orders int, format string, data []byte) (string, error) {
	dir := x.Dir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cannot keep the document: %w", err)
	}
	name := fmt.Sprintf("%s_%s_%d-orders.%s", x.now().Format("2006-01-02_150405.000"), doc, orders, format)
	path := filepath.Join(dir, name)
	tmp := path + ".part"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return "", fmt.Errorf("cannot keep the document: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("cannot keep the document: %w", err)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > keepDocuments {
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names) // names start with their time
		for _, n := range names[:len(names)-keepDocuments] {
			os.Remove(filepath.Join(dir, n))
		}
	}
	return path, nil
}

// Printers lists the printers the computer knows.
func (x *Documents) Printers(ctx context.Context) ([]domain.Printer, error) {
	ps, err := printing.Printers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Printer, len(ps))
	for i, p := range ps {
		out[i] = domain.Printer{Name: p.Name, Description: p.Description, Default: p.Default, State: p.State, Reason: p.Reason}
	}
	return out, nil
}

// Print sends a made document to a printer and records it in the history, accepted or not. A
// refusal (unknown or offline printer) is recorded too, and returned as the error.
func (x *Documents) Print(ctx context.Context, p domain.Printout, printer string) (domain.PrintJob, error) {
	job := domain.PrintJob{At: x.now(), Document: p.Document, Title: p.Title, Orders: p.Orders, Printer: printer, File: p.File}
	err := x.send(ctx, p, printer, &job)
	if err != nil {
		job.State, job.Message = domain.PrintFailed, err.Error()
	} else {
		job.State = domain.PrintAccepted
	}
	id, rerr := x.d.AddPrintJob(ctx, job)
	job.ID = id
	if err != nil {
		return job, err
	}
	return job, rerr
}

func (x *Documents) send(ctx context.Context, p domain.Printout, printer string, job *domain.PrintJob) error {
	if strings.TrimSpace(printer) == "" {
		return errors.New("no printer chosen: choose one, or save the document to a file")
	}
	to, err := printing.ParseDestination(printer)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(p.File)
	if err != nil {
		return fmt.Errorf("the document is no longer kept (%s): make it again", filepath.Base(p.File))
	}
	job.JobID, err = printing.Print(ctx, to, printing.Document{Title: p.Title, Format: p.Format, Data: data})
	return err
}

// Save copies a made document to a file the user chose, and records it in the history.
func (x *Documents) Save(ctx context.Context, p domain.Printout, path string) (domain.PrintJob, error) {
	job := domain.PrintJob{At: x.now(), Document: p.Document, Title: p.Title, Orders: p.Orders, File: p.File, State: domain.PrintSaved, Message: path}
	data, err := os.ReadFile(p.File)
	if err != nil {
		return job, fmt.Errorf("the document is no longer kept (%s): make it again", filepath.Base(p.File))
	}
	if err := writeFileAtomic(path, data); err != nil {
		return job, err
	}
	job.ID, err = x.d.AddPrintJob(ctx, job)
	return job, err
}

// History is the print history, newest first.
func (x *Documents) History(ctx context.Context, limit int) ([]domain.PrintJob, error) {
	return x.d.PrintJobs(ctx, limit)
}

// Reprint prints a document of the history again, from the copy kept on disk.
func (x *Documents) Reprint(ctx context.Context, id int64, printer string) (domain.PrintJob, error) {
	old, err := x.d.PrintJob(ctx, id)
	if err != nil {
		return old, err
	}
	format := strings.TrimPrefix(filepath.Ext(old.File), ".")
	return x.Print(ctx, domain.Printout{Document: old.Document, Title: old.Title, File: old.File, Format: format, Orders: old.Orders}, printer)
}

// Export writes the orders to an Excel workbook at path.
func (x *Documents) Export(ctx context.Context, ids []int64, path string) error {
	if len(ids) == 0 {
		return errors.New("no orders chosen: select the orders to export first")
	}
	orders, err := x.d.Orders(ctx, ids)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.Export(&buf, orders, reports.Options{Now: x.now()}); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes through a temporary file beside path, so a failed write never leaves a
// half file under the name the user chose.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
