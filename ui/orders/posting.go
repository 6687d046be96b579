package orders

import (
	"context"
	"fmt"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Posting posts orders to SQL Account and keeps the history of every attempt.
type Posting interface {
	// Post posts the orders; progress says how many are done. ctx stops it after the order in hand.
	Post(ctx context.Context, ids []int64, includeCancelled bool, progress func(done, total int)) (domain.PostRun, error)
	PostSettings(ctx context.Context) (domain.PostSettings, error)
	PostRuns(ctx context.Context, limit int) ([]domain.PostRun, error)
	PostAttempts(ctx context.Context, runID int64) ([]domain.PostAttempt, error)
	LastPostFailures(ctx context.Context) ([]domain.PostAttempt, error)
}

// The posting status light beside Post Order.
var (
	postIdle    = color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
	postBusy    = color.NRGBA{R: 0x19, G: 0x76, B: 0xd2, A: 0xff}
	postDone    = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	postFailure = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
)

// poster is the screen's posting state: the button, its status light and the run in progress.
type poster struct {
	light  *canvas.Circle
	status *widgets.Button // the light's words; opens the history
	box    *fyne.Container

	mu     sync.Mutex
	cancel context.CancelFunc // the run in progress; nil when none
}

// postBar is the status light and words beside Post Order.
func (s *Screen) postBar() fyne.CanvasObject {
	p := &s.posting
	p.light = canvas.NewCircle(postIdle)
	p.status = widgets.NewButton("Posting history", s.ShowPostHistory)
	p.status.Importance = widget.LowImportance
	light := container.NewGridWrap(fyne.NewSize(14, 14), p.light)
	p.box = container.NewHBox(container.NewCenter(light), p.status)
	p.box.Hide()
	return p.box
}

// PostingBusy reports whether a posting run is going on.
func (s *Screen) PostingBusy() bool {
	s.posting.mu.Lock()
	defer s.posting.mu.Unlock()
	return s.posting.cancel != nil
}

// PostingLight is the status light's colour: blue while posting, green when the last run posted
// everything, red when something failed.
func (s *Screen) PostingLight() color.Color { return s.posting.light.FillColor }

// PostingWords are the words beside the light.
func (s *Screen) PostingWords() string { return s.posting.status.Text }

func (s *Screen) setLight(c color.Color, words string) {
	s.posting.light.FillColor = c
	s.posting.light.Refresh()
	s.posting.status.SetText(words)
}

// PostOrders posts the tab's orders: the selection, or with the Post All setting every unposted
// order of the tab. It asks first, with "Include Cancelled Orders".
func (s *Screen) PostOrders() {
	if s.Posting == nil {
		s.showError(fmt.Errorf("posting to SQL Account is not available here"))
		return
	}
	if s.PostingBusy() {
		s.showError(fmt.Errorf("orders are being posted now: wait for that run or stop it from Posting history"))
		return
	}
	q := s.q
	s.run.Go(func() func() {
		ctx := context.Background()
		set, err := s.Posting.PostSettings(ctx)
		var ids []int64
		all := set.Mode == domain.PostAll && !s.selected.any()
		if err == nil && all {
			q.Archived = false
			ids, err = s.src.OrderIDs(ctx, q)
		} else if err == nil {
			ids, err = s.Selected(ctx)
		}
		return func() {
			switch {
			case err != nil:
				s.showError(fmt.Errorf("Post Order: %w", err))
			case len(ids) == 0 && all:
				s.showError(fmt.Errorf("every order on %s is posted already (the Archived switch shows them)", q.Tab.Title()))
			case len(ids) == 0:
				s.showError(fmt.Errorf("select the orders to post first (Space or their checkboxes), or choose Post All in Settings > SQL Account"))
			default:
				s.hideError()
				s.confirmPost(ids, set.IncludeCancelled)
			}
		}
	})
}

func (s *Screen) confirmPost(ids []int64, includeCancelled bool) {
	what := fmt.Sprintf("Post %s to SQL Account as Sales Invoices?", widgets.Plural(len(ids), "order"))
	cancelled := widget.NewCheck("Include Cancelled Orders (posted as cancelled invoices)", nil)
	cancelled.SetChecked(includeCancelled)
	note := widget.NewLabel("An order posted before updates its invoice; none is posted twice.")
	note.Importance = widget.LowImportance
	s.confirmDialog = widgets.Confirm(s.win, "Post Order", "Post", "Cancel",
		container.NewVBox(widget.NewLabel(what), cancelled, note), func(ok bool) {
			if ok {
				s.startPosting(ids, cancelled.Checked)
			}
		})
}

// startPosting runs the posting off the UI goroutine; the light shows how far it is.
func (s *Screen) startPosting(ids []int64, includeCancelled bool) {
	ctx, cancel := context.WithCancel(context.Background())
	s.posting.mu.Lock()
	s.posting.cancel = cancel
	s.posting.mu.Unlock()
	s.posting.box.Show()
	s.setLight(postBusy, fmt.Sprintf("Posting 0 of %s…", widgets.Thousands(len(ids))))
	s.run.Go(func() func() {
		var last time.Time // progress is called on this goroutine, one order after another
		run, err := s.Posting.Post(ctx, ids, includeCancelled, func(done, total int) {
			if time.Since(last) < 100*time.Millisecond && done < total {
				return // the light's words change at most ten times a second
			}
			last = time.Now()
			fyne.Do(func() {
				s.setLight(postBusy, fmt.Sprintf("Posting %s of %s…", widgets.Thousands(done), widgets.Thousands(total)))
			})
		})
		return func() {
			s.posting.mu.Lock()
			s.posting.cancel = nil
			s.posting.mu.Unlock()
			cancel()
			switch {
			case err != nil:
				s.setLight(postFailure, "Posting failed")
				s.showError(fmt.Errorf("Post Order: %w", err))
			default:
				s.showRun(run)
			}
			s.selected.clear()
			s.DataChanged()
		}
	})
}

// showLastPosting lights the status as the last run left it: green, or red with its failures.
func (s *Screen) showLastPosting() {
	if s.Posting == nil {
		return
	}
	s.run.Go(func() func() {
		runs, err := s.Posting.PostRuns(context.Background(), 1)
		return func() {
			if err != nil || len(runs) == 0 || s.PostingBusy() {
				return
			}
			s.showRun(runs[0])
		}
	})
}

// showRun lights the status for a finished run.
func (s *Screen) showRun(run domain.PostRun) {
	if run.Failed > 0 {
		s.setLight(postFailure, fmt.Sprintf("%s posted, %s failed", widgets.Thousands(run.Posted), widgets.Thousands(run.Failed)))
	} else {
		s.setLight(postDone, fmt.Sprintf("%s posted", widgets.Plural(run.Posted, "order")))
	}
}

// StopPosting stops the run in progress after the order in hand.
func (s *Screen) StopPosting() {
	s.posting.mu.Lock()
	defer s.posting.mu.Unlock()
	if s.posting.cancel != nil {
		s.posting.cancel()
	}
}

// ShowPostHistory shows the posting runs, newest first, and each order's result in the chosen
// run; failed orders can be posted again once fixed.
func (s *Screen) ShowPostHistory() {
	if s.Posting == nil {
		return
	}
	s.run.Go(func() func() {
		ctx := context.Background()
		runs, err := s.Posting.PostRuns(ctx, 50)
		var attempts []domain.PostAttempt
		if err == nil && len(runs) > 0 {
			attempts, err = s.Posting.PostAttempts(ctx, runs[0].ID)
		}
		return func() {
			if err != nil {
				s.showError(fmt.Errorf("posting history: %w", err))
				return
			}
			s.historyDialog(runs, attempts)
		}
	})
}

// History is the open posting history, for tests.
type History struct {
	Runs     []domain.PostRun
	Attempts []domain.PostAttempt
	Dialog   dialog.Dialog
	Repost   *widgets.Button
	Stop     *widgets.Button
}

// PostHistory is the posting history dialog last opened.
func (s *Screen) PostHistory() *History { return s.history }

func (s *Screen) historyDialog(runs []domain.PostRun, attempts []domain.PostAttempt) {
	h := &History{Runs: runs, Attempts: attempts}
	s.history = h
	runTitle := func(r domain.PostRun) string {
		t := fmt.Sprintf("%s  ·  %d posted, %d failed", r.At.Local().Format("2 Jan 15:04:05"), r.Posted, r.Failed)
		if r.Running {
			t += "  ·  posting"
		}
		return t
	}
	var titles []string
	for _, r := range runs {
		titles = append(titles, runTitle(r))
	}
	table := widget.NewTable(
		func() (int, int) { return len(h.Attempts) + 1, 4 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.TextStyle = fyne.TextStyle{Bold: id.Row == 0}
			l.Importance = widget.MediumImportance
			if id.Row == 0 {
				l.SetText([]string{"Order", "Store", "Result", "Reason"}[id.Col])
				return
			}
			a := h.Attempts[id.Row-1]
			if a.State == domain.PostFailed {
				l.Importance = widget.DangerImportance
			}
			result := string(a.State)
			if a.State == domain.PostPosted {
				result = "posted as " + a.DocNo
			}
			l.SetText([]string{a.OrderNo, a.Store, result, a.Message}[id.Col])
		})
	for i, w := range []float32{190, 190, 200, 520} {
		table.SetColumnWidth(i, w)
	}
	pick := widget.NewSelect(titles, nil)
	if len(titles) > 0 {
		pick.SetSelectedIndex(0)
	}
	pick.OnChanged = func(string) {
		i := pick.SelectedIndex()
		if i < 0 || i >= len(runs) {
			return
		}
		s.run.Go(func() func() {
			a, err := s.Posting.PostAttempts(context.Background(), runs[i].ID)
			return func() {
				if err == nil {
					h.Attempts = a
					table.Refresh()
				}
			}
		})
	}
	h.Repost = widgets.NewButton("Repost Failed", func() {
		s.run.Go(func() func() {
			failed, err := s.Posting.LastPostFailures(context.Background())
			return func() {
				switch {
				case err != nil:
					s.showError(fmt.Errorf("posting history: %w", err))
				case len(failed) == 0:
					s.showError(fmt.Errorf("no order is waiting to be posted again"))
				default:
					h.Dialog.Hide()
					var ids []int64
					for _, a := range failed {
						ids = append(ids, a.OrderID)
					}
					s.confirmPost(ids, false)
				}
			}
		})
	})
	h.Repost.Icon = theme.ViewRefreshIcon()
	h.Stop = widgets.NewButton("Stop Posting", func() { s.StopPosting() })
	h.Stop.Icon = theme.MediaStopIcon()
	if !s.PostingBusy() {
		h.Stop.Disable()
	}
	empty := widget.NewLabel("Nothing has been posted yet.")
	if len(runs) > 0 {
		empty.Hide()
	}
	top := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel("Run"), nil, pick), empty)
	body := container.NewBorder(top, container.NewHBox(h.Repost, h.Stop), nil, nil, table)
	h.Dialog = dialog.NewCustom("Posting history", "Close", body, s.win)
	h.Dialog.Resize(fyne.NewSize(1150, 560))
	h.Dialog.Show()
}
