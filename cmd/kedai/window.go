package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/assets"
	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/demo"
	"github.com/kedai-app/kedai/sync/demo/live"
	"github.com/kedai-app/kedai/sync/engine"
	"github.com/kedai-app/kedai/ui/shell"
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
		if os.Getenv("KEDAI_BENCH_STARTUP") != "" {
			benchStartup(w, sh)
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
