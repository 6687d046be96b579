package detail

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/uitest"
	"github.com/kedai-app/kedai/ui/widgets"
)

// The forms' tests run over fakes of the database and the engine: what a form asks for, says and
// sends. The tests against the simulators are in aftersale_live_test.go.

type fakeSource struct{ order domain.Order }

func (s *fakeSource) Stores(context.Context) ([]domain.Store, error) { return nil, nil }
func (s *fakeSource) Order(_ context.Context, id int64) (domain.Order, error) {
	if id != s.order.ID {
		return domain.Order{}, errors.New("no such order")
	}
	return s.order, nil
}
func (s *fakeSource) Adjacent(context.Context, domain.OrderQuery, int64, bool) (domain.OrderRow, bool, error) {
	return domain.OrderRow{}, false, nil
}
func (s *fakeSource) FindOrders(context.Context, string, int) ([]domain.OrderRow, error) {
	return nil, nil
}

// fakeEngine answers as the engine would, from a kept copy of the order.
type fakeEngine struct {
	mu         sync.Mutex
	src        *fakeSource
	refreshErr error
	options    func(ids []string) domain.CancelOptions
	reasons    []domain.Reason
	optionsFor [][]string // the item ids each CancelOptions call asked about
	reasonsFor []domain.Step
	answers    []domain.Answer
	refuse     string // SubmitAnswer refuses with this
	submitted  []domain.Action
	message    string // the platform's answer a done job carries
}

func (e *fakeEngine) RefreshAfterSales(context.Context, int64) ([]domain.AfterSale, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.src.order.AfterSales, e.refreshErr
}

func (e *fakeEngine) CancelOptions(_ context.Context, _ int64, ids []string) (domain.CancelOptions, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.optionsFor = append(e.optionsFor, ids)
	return e.options(ids), nil
}

func (e *fakeEngine) Reasons(_ context.Context, _ int64, _ domain.RequestKind, _ string, s domain.Step) ([]domain.Reason, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reasonsFor = append(e.reasonsFor, s)
	return e.reasons, nil
}

func (e *fakeEngine) SubmitAnswer(_ context.Context, _ int64, a domain.Answer) (int64, []domain.Refusal, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.src.order
	var r *domain.AfterSale
	if a.Step != domain.StepCancel {
		r, _ = o.FindAfterSale(a.Kind, a.RequestID)
	}
	if err := a.Check(&o, r); err != nil {
		return 0, []domain.Refusal{{OrderID: o.ID, OrderNo: o.OrderNo, Reason: err.Error()}}, nil
	}
	if e.refuse != "" {
		return 0, []domain.Refusal{{OrderID: o.ID, OrderNo: o.OrderNo, Reason: e.refuse}}, nil
	}
	e.answers = append(e.answers, a)
	return 7, nil, nil
}

func (e *fakeEngine) Job(context.Context, int64) (domain.JobProgress, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return domain.JobProgress{Job: 7, Total: 1, Done: 1, Results: []domain.JobResult{
		{OrderID: e.src.order.ID, OrderNo: e.src.order.OrderNo, State: "done", Message: e.message}}}, nil
}
func (e *fakeEngine) CancelJob(context.Context, int64) (int, error) { return 0, nil }
func (e *fakeEngine) Submit(_ context.Context, a domain.Action, _ []int64, _ domain.Shipping) (int64, []domain.Refusal, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.submitted = append(e.submitted, a)
	return 7, nil, nil
}
func (e *fakeEngine) StoreShipping(context.Context, int64) (domain.Shipping, bool, error) {
	return domain.Shipping{}, false, nil
}
func (e *fakeEngine) ShippingChoices(context.Context, int64) (domain.ShippingChoices, error) {
	return domain.ShippingChoices{}, nil
}

type fakeView struct {
	*View
	e   *fakeEngine
	src *fakeSource
	win fyne.Window
	run *widgets.Runner
	// picked is the file the next Add Image… chooses ("" dismisses the chooser).
	picked string
}

func openFake(t *testing.T, o domain.Order) *fakeView {
	t.Helper()
	test.NewTempApp(t)
	src := &fakeSource{order: o}
	e := &fakeEngine{src: src, options: func([]string) domain.CancelOptions { return domain.CancelOptions{} }}
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	win.Resize(fyne.NewSize(1280, 800))
	run := &widgets.Runner{Manual: true}
	v := New(src, e, win, run)
	v.UseAfterSales(e)
	f := &fakeView{View: v, e: e, src: src, win: win, run: run}
	v.pickImage = func(_ fyne.Window, done func(fyne.URIReadCloser, error)) {
		if f.picked == "" {
			done(nil, nil)
			return
		}
		rc, err := storage.Reader(storage.NewFileURI(f.picked))
		done(rc, err)
	}
	win.SetContent(v.Content())
	v.Open(o.ID, domain.OrderQuery{Tab: o.Tab})
	run.Wait()
	return f
}

// tap taps a button the user can reach and lets what it starts finish.
func (f *fakeView) tap(t *testing.T, label string) {
	t.Helper()
	if !uitest.Tap(f.win.Canvas(), label) {
		t.Fatalf("no %q button on top; drawn: %v", label, uitest.DrawnText(f.win.Canvas()))
	}
	f.run.Wait()
}

func (f *fakeView) drawn() string { return strings.Join(uitest.DrawnText(f.win.Canvas()), "|") }

// pngFile writes a small PNG (or other bytes) for the file chooser to pick.
func pngFile(t *testing.T, name string) (string, []byte) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.NRGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name, b.Bytes()), b.Bytes()
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func rm(s string) domain.Money {
	m, err := domain.ParseMoney(s, "MYR")
	if err != nil {
		panic(err)
	}
	return m
}

var day = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

// lazadaOrder is a Lazada order on To Process: two items packed together, one not yet packed.
func lazadaOrder() domain.Order {
	o := domain.Order{ID: 1, StoreID: 1, StoreName: "Kedai Lazada", Platform: domain.Lazada, OrderNo: "400000000000001",
		PlatformID: "400000000000001", Status: domain.LzPacked, Tab: domain.TabToProcess, Currency: "MYR", Total: rm("90"),
		CreatedAt: day}
	o.Items = []domain.Item{
		{PlatformItemID: "11", SKU: "TDG-BLK", Name: "Tudung Bawal", Variation: "Black", Qty: 1, PaidPrice: rm("30"), Status: domain.LzPacked, PackageID: "FP01"},
		{PlatformItemID: "12", SKU: "TDG-RED", Name: "Tudung Bawal", Variation: "Red", Qty: 1, PaidPrice: rm("30"), Status: domain.LzPacked, PackageID: "FP01"},
		{PlatformItemID: "13", SKU: "PIN-GLD", Name: "Brooch Pin", Variation: "Gold", Qty: 1, PaidPrice: rm("30"), Status: domain.LzPending},
	}
	o.Packages = []domain.Package{{ID: "FP01", TrackingNo: "LZMY001", Provider: "LEX MY"}}
	return o
}
