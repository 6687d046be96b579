package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/assets"
	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/reports/documents"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/sync/sqlaccount"
	"github.com/kedai-app/kedai/ui/shell"
	"github.com/kedai-app/kedai/ui/sound"
	"github.com/kedai-app/kedai/ui/widgets"
)

// appID matches FyneApp.toml.
const appID = "my.kedai.desktop"

var processStart = time.Now()

// defaultDataFile is where Kedai keeps its data when no --db is given.
func defaultDataFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "Kedai", "kedai.db")
}

func runWindow(args []string) error {
	fs := flags("kedai")
	path := fs.String("db", defaultDataFile(), "data file")
	screen := fs.String("screen", "orders", "screen to open on: "+strings.Join(shell.Screens, ", "))
	if err := parse(fs, args); err != nil {
		return err
	}
	ok := false
	for _, s := range shell.Screens {
		ok = ok || s == *screen
	}
	if !ok {
		return fmt.Errorf("unknown screen %q: use one of %s", *screen, strings.Join(shell.Screens, ", "))
	}

	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(widgets.Theme())
	w := a.NewWindow("Kedai")
	w.Resize(fyne.NewSize(1280, 800))
	w.SetMaster()

	var sh *shell.Shell
	var data *db.DB
	var failure error
	ctx, stopSync := context.WithCancel(context.Background())
	syncDone := make(chan struct{})
	open := func() {
		d, err := db.OpenWith(*path, dbOptions())
		if err != nil {
			failure = err
			showFatal(w, err)
			return
		}
		data = d
		if _, err := d.RefreshAgedTabs(ctx, time.Now()); err != nil {
			fmt.Fprintln(os.Stderr, "kedai:", oneLine(err))
		}
		e := engine.New(d, engine.Options{Notify: func(title, body string) {
			a.SendNotification(fyne.NewNotification(title, body))
		}})
		sh, err = shell.New(w, d, e, *screen, nil)
		if err != nil {
			failure = err
			showFatal(w, err)
			return
		}
		sh.UseDocuments(documents.New(d, e.Labels, nil))
		sh.UsePosting(sqlaccount.Desk{DB: d})
		go func() { // opening the sound device can take a moment
			clips, err := sound.Decode(assets.Sounds, "sounds")
			if err != nil {
				fmt.Fprintln(os.Stderr, "kedai: the station's sounds:", oneLine(err))
				return
			}
			p := sound.Open(clips)
			if err := p.Err(); err != nil {
				fmt.Fprintln(os.Stderr, "kedai: the scan station is silent:", oneLine(err))
			}
			fyne.Do(func() { sh.UseSound(p) })
		}()
		if os.Getenv("KEDAI_BENCH_STARTUP") != "" {
			benchStartup(w, sh)
		}
		if n, _ := strconv.Atoi(os.Getenv("KEDAI_BENCH_BULKPACK")); n > 0 {
			benchBulkPack(w, sh, d, n)
		}
		if n, _ := strconv.Atoi(os.Getenv("KEDAI_BENCH_SCAN")); n > 0 {
			go benchScan(w, sh, d, n)
		}
		sh.Start()
		go func() {
			defer close(syncDone)
			// The demo workspace's own marketplace first, so its stores point at it, then sync.
			world, err := live.Start(ctx, d)
			if err != nil {
				fyne.Do(func() { dialog.ShowError(err, w) })
				return
			}
			defer world.Stop()
			e.Run(ctx)
		}()
	}
	a.Lifecycle().SetOnStarted(func() {
		if st, err := os.Stat(*path); err != nil || st.Size() == 0 {
			welcome(w, *path, open)
			return
		}
		open()
	})
	w.SetOnClosed(func() {
		stopSync()
		if data != nil {
			select { // let a save in progress finish before the file closes
			case <-syncDone:
			case <-time.After(3 * time.Second):
			}
		}
		if sh != nil {
			sh.Stop()
		}
		if data != nil {
			data.Close()
		}
	})
	w.ShowAndRun()
	return failure
}

// showFatal explains in the window why Kedai cannot go on, instead of vanishing.
func showFatal(w fyne.Window, err error) {
	fmt.Fprintln(os.Stderr, "kedai:", oneLine(err))
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton("Quit", func() { w.Close() })
	w.SetContent(container.NewPadded(container.NewBorder(
		widget.NewLabelWithStyle("Kedai cannot open its data file", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(quit), nil, nil, msg)))
}

// welcome is the first start: the seller chooses a demo workspace to explore or an empty one.
func welcome(w fyne.Window, path string, open func()) {
	title := widget.NewLabelWithStyle("Welcome to Kedai", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = "subHeadingText"
	text := widget.NewLabel("Kedai keeps your orders in " + path + ".\n\n" +
		"Try it first with a demo workspace: six simulated stores on Lazada, Shopee and TikTok Shop with\n" +
		"2,000 orders in every stage. Or start empty and link your own stores.")
	text.Alignment = fyne.TextAlignCenter
	progress := widget.NewProgressBar()
	progress.Hide()
	status := widget.NewLabel("")
	status.Alignment = fyne.TextAlignCenter
	var cancel context.CancelFunc
	var demoBtn, emptyBtn, cancelBtn *widgets.Button
	demoBtn = widgets.NewButton("Open the demo workspace", func() {
		demoBtn.Disable()
		emptyBtn.Disable()
		cancelBtn.Show()
		progress.Show()
		status.SetText("Creating the demo workspace…")
		var ctx context.Context
		ctx, cancel = context.WithCancel(context.Background())
		go func() {
			err := createDemo(ctx, path, 2000, func(done, total int) {
				fyne.Do(func() { progress.SetValue(float64(done) / float64(total)) })
			})
			fyne.Do(func() {
				if err != nil {
					demoBtn.Enable()
					emptyBtn.Enable()
					cancelBtn.Hide()
					progress.Hide()
					if errors.Is(err, context.Canceled) {
						status.SetText("Cancelled: nothing was created.")
					} else {
						status.SetText("")
						dialog.ShowError(err, w)
					}
					return
				}
				open()
			})
		}()
	})
	demoBtn.Importance = widget.HighImportance
	emptyBtn = widgets.NewButton("Start with an empty workspace", open)
	cancelBtn = widgets.NewButton("Cancel", func() {
		if cancel != nil {
			cancel()
		}
	})
	cancelBtn.Hide()
	w.SetContent(container.NewCenter(container.NewVBox(title, text, container.NewCenter(container.NewHBox(demoBtn, emptyBtn)),
		progress, status, container.NewCenter(cancelBtn))))
	w.Canvas().Focus(demoBtn)
}

// createDemo writes a demo workspace to a new file, removing it again if that fails or is cancelled.
func createDemo(ctx context.Context, path string, n int, progress func(done, total int)) error {
	d, err := db.OpenWith(path, dbOptions())
	if err != nil {
		return err
	}
	err = demo.Create(ctx, d, demo.Options{Orders: n, Seed: time.Now().UnixNano(), Now: time.Now()}, progress)
	if err == nil {
		err = live.SetUpAccounts(ctx, d, time.Now())
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	}
	return err
}

// benchStartup reports, for `make bench`, when the first rows were on screen and how much memory
// the window uses after touching every tab and the far end of the largest one.
func benchStartup(w fyne.Window, sh *shell.Shell) {
	var once bool
	sh.Orders.OnRowsShown = func() {
		if once {
			return
		}
		once = true
		w.Canvas().Content().Refresh()
		go func() {
			// The rows were applied on the UI goroutine; the next frame draws them.
			fyne.DoAndWait(func() {})
			time.Sleep(20 * time.Millisecond)
			fmt.Printf("startup first-frame-ms=%d\n", time.Since(processStart).Milliseconds())
			exercise(sh)
			fmt.Printf("startup rss-mb=%d peak-rss-mb=%d\n", rssMB("VmRSS"), rssMB("VmHWM"))
			fyne.Do(w.Close)
		}()
	}
}

// exercise walks the screen the way a person does in the first minutes.
func exercise(sh *shell.Shell) {
	o := sh.Orders
	for round := 0; round < 2; round++ {
		for _, t := range domain.Tabs {
			fyne.DoAndWait(func() { o.SetTab(t) })
			sh.Runner().Wait()
			fyne.DoAndWait(func() { o.Table().ScrollToBottom() })
			time.Sleep(30 * time.Millisecond)
			sh.Runner().Wait()
		}
	}
	runtime.GC()
	time.Sleep(200 * time.Millisecond)
}

// benchBulkPack packs n New Order orders of the first Lazada store through the Orders screen (its
// job dialog polling, the lists reloading) and measures, for `make bench`, how long it takes and
// the longest gap between two drawn frames meanwhile, against the same gap while idle.
func benchBulkPack(w fyne.Window, sh *shell.Shell, d *db.DB, n int) {
	var once bool
	sh.Orders.OnRowsShown = func() {
		if once {
			return
		}
		once = true
		go func() {
			ctx := context.Background()
			stores, _ := d.Stores(ctx)
			var lz int64
			for _, s := range stores {
				if s.Platform == domain.Lazada && lz == 0 {
					lz = s.ID
				}
			}
			ids, err := d.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabNew, StoreIDs: []int64{lz}})
			if err != nil || len(ids) < n {
				fmt.Printf("bulkpack error: %d orders to pack (%v)\n", len(ids), err)
				fyne.Do(w.Close)
				return
			}
			ids = ids[:n]
			frames := &frameClock{}
			fyne.DoAndWait(frames.start)
			time.Sleep(3 * time.Second)
			idle := frames.maxGap()
			// The same with the whole window repainted every frame (its tab counts set again):
			// what one frame costs this machine's renderer.
			frames.reset()
			busy := fyne.NewAnimation(3*time.Second, func(float32) { sh.Orders.Content().Refresh() })
			fyne.DoAndWait(busy.Start)
			time.Sleep(3 * time.Second)
			repaint := frames.maxGap()
			frames.reset()
			start := time.Now()
			if os.Getenv("KEDAI_BENCH_VERBOSE") != "" {
				fmt.Fprintln(os.Stderr, "submit", time.Now().Format("05.000"))
			}
			fyne.DoAndWait(func() { sh.Orders.Submit(domain.ActPack, ids) })
			for {
				time.Sleep(100 * time.Millisecond)
				var job *widgets.JobDialog
				fyne.DoAndWait(func() { job = sh.Orders.Job() })
				if job != nil && job.Progress().Total > 0 && job.Progress().Finished() {
					p := job.Progress()
					took := time.Since(start)
					fmt.Printf("bulkpack orders=%d done=%d failed=%d seconds=%.2f max-frame-gap-ms=%d idle-frame-gap-ms=%d repaint-frame-gap-ms=%d frames=%d\n",
						p.Total, p.Done, p.Failed, took.Seconds(), frames.maxGap().Milliseconds(), idle.Milliseconds(), repaint.Milliseconds(), frames.count())
					fyne.Do(w.Close)
					return
				}
			}
		}()
	}
}

// benchScan scans n To Process parcels by tracking number at the station, one after the other,
// and reports for `make bench` the time from each scan to the first frame drawn after its
// feedback (lookup, state change, repaint).
func benchScan(w fyne.Window, sh *shell.Shell, d *db.DB, n int) {
	fail := func(err error) {
		fmt.Printf("scanbench error: %v\n", err)
		fyne.Do(w.Close)
	}
	ctx := context.Background()
	ids, err := d.OrderIDs(ctx, domain.OrderQuery{Tab: domain.TabToProcess})
	if err != nil {
		fail(err)
		return
	}
	var codes []string
	for _, id := range ids {
		o, err := d.Order(ctx, id)
		if err != nil {
			fail(err)
			return
		}
		if len(o.Packages) == 1 && o.Packages[0].TrackingNo != "" && domain.CanDo(&o, domain.ActToShip) == nil {
			codes = append(codes, o.Packages[0].TrackingNo)
		}
		if len(codes) == n {
			break
		}
	}
	if len(codes) < n {
		fail(fmt.Errorf("only %d To Process parcels to scan", len(codes)))
		return
	}
	time.Sleep(2 * time.Second) // the window settled
	if f := os.Getenv("KEDAI_BENCH_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err == nil && pprof.StartCPUProfile(out) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	// A key reaches the window at any moment and is handled at the next frame's tick, just
	// before that frame is drawn. So each scan "arrives" at a time of its own, the next tick types
	// it into the scan field with Enter, and the time runs until the frame showing the feedback
	// has been drawn.
	type arrival struct {
		code string // "" repaints the window without a change: the floor
		at   time.Time
	}
	var mu sync.Mutex
	var pending *arrival
	painting := false                   // UI goroutine: this tick's frame shows the feedback
	var handledAt, fedAt time.Time      // UI goroutine: when the Enter was handled, the panel changed
	var inFrame *[2]time.Time           // UI goroutine: handled and fed of the frame being drawn
	drawn := make(chan [3]time.Time, 1) // when the Enter was handled, the feedback set, its frame drawn
	// The frame is on the screen when the UI goroutine next takes work: either the function
	// queued during its tick or the next tick, whichever the loop picks first.
	frameDone := func() {
		if inFrame != nil {
			drawn <- [3]time.Time{inFrame[0], inFrame[1], time.Now()}
			inFrame = nil
		}
	}
	fyne.DoAndWait(func() {
		sh.Show("scan")
		sh.Scan.OnSound = func(string) { painting, fedAt = true, time.Now() }
		fyne.NewAnimation(time.Hour, func(float32) {
			frameDone()
			mu.Lock()
			a := pending
			pending = nil
			mu.Unlock()
			if a != nil {
				handledAt = time.Now()
			}
			if a != nil && a.code == "" {
				w.Canvas().Refresh(w.Content())
				painting, fedAt = true, handledAt
			} else if a != nil {
				for _, r := range a.code {
					sh.Scan.Field.TypedRune(r)
				}
				sh.Scan.Field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			}
			if painting {
				painting = false
				inFrame = &[2]time.Time{handledAt, fedAt}
				// The animations run, then the frame is drawn, both on the UI goroutine: a
				// function queued now runs once this frame is on the screen.
				go fyne.Do(frameDone)
			}
		}).Start()
	})
	// measure returns the times from the Enter's handling to the feedback and to its frame drawn,
	// and from its arrival to that frame.
	measure := func(code string) (fed, shown, total time.Duration, err error) {
		time.Sleep(time.Duration(30+rand.IntN(40)) * time.Millisecond) // a person moves to the next parcel
		a := &arrival{code: code, at: time.Now()}
		mu.Lock()
		pending = a
		mu.Unlock()
		select {
		case d := <-drawn:
			return d[1].Sub(d[0]), d[2].Sub(d[0]), d[2].Sub(a.at), nil
		case <-time.After(10 * time.Second):
			return 0, 0, 0, fmt.Errorf("no feedback for %q within 10 s", code)
		}
	}
	var floor, floorAll, fed, took, all []time.Duration
	for range 100 {
		_, t, ta, err := measure("")
		if err != nil {
			fail(err)
			return
		}
		floor, floorAll = append(floor, t), append(floorAll, ta)
	}
	for _, code := range codes {
		f, t, ta, err := measure(code)
		if err != nil {
			fail(err)
			return
		}
		fed, took, all = append(fed, f), append(took, t), append(all, ta)
	}
	if e := sh.Scan.Scanned(); len(e) != len(codes) {
		fail(fmt.Errorf("%d of %d scans joined the list", len(e), len(codes)))
		return
	}
	q := func(d []time.Duration, p int) int64 {
		slices.Sort(d)
		return d[len(d)*p/100].Microseconds()
	}
	fmt.Printf("scanbench n=%d median-us=%d p99-us=%d feedback-median-us=%d feedback-p99-us=%d floor-median-us=%d floor-p99-us=%d"+
		" arrival-median-us=%d arrival-p99-us=%d arrival-floor-median-us=%d arrival-floor-p99-us=%d\n",
		len(took), q(took, 50), q(took, 99), q(fed, 50), q(fed, 99), q(floor, 50), q(floor, 99),
		q(all, 50), q(all, 99), q(floorAll, 50), q(floorAll, 99))
	fyne.Do(w.Close)
}

// frameClock notes when frames are drawn: a Fyne animation's tick runs once per frame.
type frameClock struct {
	mu     sync.Mutex
	last   time.Time
	gap    time.Duration
	frames int
	anim   *fyne.Animation
}

func (f *frameClock) start() {
	f.anim = fyne.NewAnimation(time.Hour, func(float32) {
		now := time.Now()
		f.mu.Lock()
		if !f.last.IsZero() && now.Sub(f.last) > f.gap {
			f.gap = now.Sub(f.last)
		}
		if !f.last.IsZero() && now.Sub(f.last) > 90*time.Millisecond && os.Getenv("KEDAI_BENCH_VERBOSE") != "" {
			fmt.Fprintln(os.Stderr, "gap", now.Format("05.000"), now.Sub(f.last).Milliseconds())
		}
		f.last = now
		f.frames++
		f.mu.Unlock()
	})
	f.anim.Start()
}

func (f *frameClock) reset() {
	f.mu.Lock()
	f.gap, f.last, f.frames = 0, time.Time{}, 0
	f.mu.Unlock()
}

func (f *frameClock) maxGap() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gap
}

func (f *frameClock) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.frames
}

func rssMB(field string) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line)
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	return -1
}
