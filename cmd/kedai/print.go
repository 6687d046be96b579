package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/documents"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/engine"
)

// orderFlags are the ways a command names its orders: --orders NO,NO or --tab SLUG.
type orderFlags struct {
	path, list, tab *string
}

func addOrderFlags(fs *flag.FlagSet) orderFlags {
	return orderFlags{
		path: fs.String("db", "", "data file"),
		list: fs.String("orders", "", "order numbers, comma-separated"),
		tab:  fs.String("tab", "", "every order of a tab: "+tabSlugs()),
	}
}

// outFolder refuses an --out file whose folder does not exist, before any work.
func outFolder(out string) error {
	if st, err := os.Stat(filepath.Dir(out)); err != nil || !st.IsDir() {
		return fmt.Errorf("--out %s: the folder %s does not exist", out, filepath.Dir(out))
	}
	return nil
}

// open opens the data file and finds the orders; the caller closes the file (nil on error).
func (f orderFlags) open(ctx context.Context) (*db.DB, []int64, error) {
	d, err := openFile(*f.path)
	if err != nil {
		return nil, nil, err
	}
	ids, err := f.resolve(ctx, d)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, ids, nil
}

// resolve finds the orders, refusing anything unclear before work starts.
func (f orderFlags) resolve(ctx context.Context, d *db.DB) ([]int64, error) {
	var nos []string
	for _, no := range strings.Split(*f.list, ",") {
		if no = strings.TrimSpace(no); no != "" {
			nos = append(nos, no)
		}
	}
	switch {
	case len(nos) > 0 && *f.tab != "":
		return nil, errors.New("use --orders or --tab, not both")
	case len(nos) > 0:
		return resolveOrders(ctx, d, nos)
	case *f.tab != "":
		t, err := domain.ParseTab(*f.tab)
		if err != nil {
			return nil, err
		}
		ids, err := d.OrderIDs(ctx, domain.OrderQuery{Tab: t})
		if err == nil && len(ids) == 0 {
			err = fmt.Errorf("the %s tab has no orders", t.Title())
		}
		return ids, err
	}
	return nil, errors.New("--orders NO,NO or --tab SLUG is required")
}

func cmdPrint(args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: kedai print picklist|picklist-summary|awb|manifest --db FILE (--orders NO,NO | --tab SLUG) (--printer NAME | --out FILE.pdf)")
	}
	doc, err := domain.ParseDocument(args[0])
	if err != nil {
		return err
	}
	fs := flags("print " + args[0])
	of := addOrderFlags(fs)
	printer := fs.String("printer", "", "printer: a queue name, raw:NAME or tcp:HOST:PORT (default: the one chosen in Settings)")
	out := fs.String("out", "", "write the document to this file instead of printing it")
	page := fs.String("page", "", "picking lists and manifests: a4, a6 or 4x6")
	order := fs.String("order", "", "awb: date, store or sku")
	label := fs.String("label", "", "awb: thermal or normal")
	format := fs.String("format", "", "awb: pdf, or zpl for a ZPL label printer (TikTok labels)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *of.path == "" {
		return errors.New("--db FILE is required")
	}
	if *printer != "" && *out != "" {
		return errors.New("use --printer or --out, not both")
	}
	if *out != "" {
		if err := outFolder(*out); err != nil {
			return err
		}
	}
	ctx, stop := interruptible()
	defer stop()
	d, ids, err := of.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	docs := documents.New(d, nil, nil)
	s, err := docs.Settings(ctx, doc)
	if err != nil {
		return err
	}
	for _, f := range []struct{ from, to *string }{{page, &s.Page}, {order, &s.Order}, {label, &s.Label}, {format, &s.Format}, {printer, &s.Printer}} {
		if *f.from != "" {
			*f.to = *f.from
		}
	}
	if *out == "" && s.Printer == "" {
		return fmt.Errorf("no printer: pass --printer NAME or --out FILE, or choose a printer for %s in Settings", doc.Title())
	}
	if doc == domain.DocAWB {
		world, err := live.Start(ctx, d) // a demo workspace's simulated platforms
		if err != nil {
			return err
		}
		defer world.Stop()
		e := engine.New(d, engine.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		docs = documents.New(d, e.Labels, nil)
	}
	made, err := docs.Make(ctx, doc, ids, s, nil)
	if err != nil {
		return err
	}
	for _, why := range made.Skipped {
		fmt.Fprintf(stdout, "left out\t%s\n", why)
	}
	if *out != "" {
		if _, err := docs.Save(ctx, made, *out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: wrote %s\n", made.Title, *out)
		return nil
	}
	job, err := docs.Print(ctx, made, s.Printer)
	if err != nil {
		return fmt.Errorf("%s (the document is kept: %s)", err, made.File)
	}
	fmt.Fprintf(stdout, "%s: sent to %s as job %s\n", made.Title, s.Printer, job.JobID)
	return nil
}

func cmdExport(args []string, stdout io.Writer) error {
	fs := flags("export")
	of := addOrderFlags(fs)
	out := fs.String("out", "", "the Excel file to write (.xlsx)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *of.path == "":
		return errors.New("--db FILE is required")
	case *out == "":
		return errors.New("--out FILE.xlsx is required")
	case !strings.EqualFold(filepath.Ext(*out), ".xlsx"):
		return fmt.Errorf("--out %s: the file must end in .xlsx", *out)
	}
	if err := outFolder(*out); err != nil {
		return err
	}
	ctx := context.Background()
	d, ids, err := of.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	docs := documents.New(d, nil, nil)
	if err := docs.Export(ctx, ids, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d orders to %s\n", len(ids), *out)
	return nil
}
