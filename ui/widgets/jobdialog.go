package widgets

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
)

// Jobs is where a bulk action's progress comes from.
type Jobs interface {
	Job(ctx context.Context, job int64) (domain.JobProgress, error)
	CancelJob(ctx context.Context, job int64) (int, error)
}

// JobDialog follows a bulk action: a progress bar, the counts, Cancel while it runs, and what
// became of each order (failures first), with the orders the rules refused at the top. What the
// platform said of an order it did (Lazada's tip after a cancel) is shown in full under the counts.
type JobDialog struct {
	win      fyne.Window
	d        dialog.Dialog
	run      *Runner
	jobs     Jobs
	job      int64
	bar      *widget.ProgressBar
	counts   *widget.Label
	answer   *widget.Label // what the platform said of the orders it did, in full
	cancel   *Button
	close    *Button
	lines    []string
	list     *widget.List
	refused  []domain.Refusal
	progress domain.JobProgress
	closed   bool
	finished bool
	// OnFinished is called once when nothing of the job is left to send.
	OnFinished func(domain.JobProgress)
	// OnClosed is called when the dialog is closed, finished or not.
	OnClosed func()
}

// pollEvery is how often the dialog asks how the job stands.
const pollEvery = 500 * time.Millisecond

// ShowJob opens the dialog for a submitted job (0: every order was refused).
func ShowJob(win fyne.Window, run *Runner, jobs Jobs, title string, job int64, refused []domain.Refusal) *JobDialog {
	j := &JobDialog{win: win, run: run, jobs: jobs, job: job, refused: refused, bar: widget.NewProgressBar(), counts: widget.NewLabel(""),
		answer: widget.NewLabel("")}
	j.answer.Wrapping = fyne.TextWrapWord
	j.answer.Selectable = true
	j.answer.Hide()
	j.list = widget.NewList(func() int { return len(j.lines) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(j.lines[i]) })
	j.cancel = NewButton("Cancel the rest", func() { j.Cancel() })
	j.close = NewButton("Close", func() { j.d.Hide() })
	j.cancel.OnEscape, j.close.OnEscape = j.close.OnTapped, j.close.OnTapped // Escape closes; the job goes on
	j.close.Importance = widget.HighImportance
	j.close.Hide()
	results := container.NewGridWrap(fyne.NewSize(620, 300), j.list)
	content := container.NewBorder(container.NewVBox(j.bar, j.counts, j.answer), container.NewHBox(j.cancel, j.close), nil, nil, results)
	j.d = dialog.NewCustomWithoutButtons(title, content, win)
	j.d.SetOnClosed(func() {
		j.closed = true
		if j.OnClosed != nil {
			j.OnClosed()
		}
	})
	j.show(domain.JobProgress{Job: job})
	j.d.Show()
	if job == 0 {
		j.finish()
	} else {
		j.poll()
	}
	win.Canvas().Focus(j.cancel)
	return j
}

// Progress is the last progress shown.
func (j *JobDialog) Progress() domain.JobProgress { return j.progress }

// Lines is what the result list shows.
func (j *JobDialog) Lines() []string { return j.lines }

// Answer is what the platform said of the orders it did, as shown ("" when nothing).
func (j *JobDialog) Answer() string {
	if !j.answer.Visible() {
		return ""
	}
	return j.answer.Text
}

// Busy reports whether the dialog is open on a job that is still being sent.
func (j *JobDialog) Busy() bool { return !j.finished && !j.closed }

// Cancel stops sending what is left of the job.
func (j *JobDialog) Cancel() {
	j.cancel.Disable()
	j.run.Go(func() func() {
		_, err := j.jobs.CancelJob(context.Background(), j.job)
		return func() {
			if err != nil {
				j.counts.SetText("Could not cancel: " + err.Error())
			}
		}
	})
}

func (j *JobDialog) poll() {
	j.run.Go(func() func() {
		time.Sleep(pollEvery)
		p, err := j.jobs.Job(context.Background(), j.job)
		return func() {
			if err != nil {
				j.counts.SetText("Could not read the progress: " + err.Error())
			} else {
				j.show(p)
			}
			if err == nil && p.Finished() {
				j.finish()
				return
			}
			j.poll() // until it finishes, open or not: OnFinished must still come
		}
	})
}

func (j *JobDialog) show(p domain.JobProgress) {
	j.progress = p
	finished := p.Done + p.Failed + p.Cancelled
	if p.Total > 0 {
		j.bar.SetValue(float64(finished) / float64(p.Total))
	} else {
		j.bar.SetValue(1)
	}
	text := fmt.Sprintf("%d of %d done", p.Done, p.Total)
	if p.Failed > 0 {
		text += fmt.Sprintf(", %d failed", p.Failed)
	}
	if p.Cancelled > 0 {
		text += fmt.Sprintf(", %d cancelled", p.Cancelled)
	}
	if len(j.refused) > 0 {
		text += fmt.Sprintf(", %d refused", len(j.refused))
	}
	j.counts.SetText(text)
	j.lines = j.lines[:0]
	for _, r := range j.refused {
		j.lines = append(j.lines, fmt.Sprintf("✗ refused: %s", r.Reason))
	}
	for _, r := range p.Results {
		mark := "✓"
		if r.State != "done" {
			mark = "✗"
		}
		line := fmt.Sprintf("%s %s · %s · %s", mark, r.OrderNo, r.Store, r.State)
		if r.Message != "" { // one line of the list: a long answer is shown whole above it
			line += ": " + strings.Join(strings.Fields(r.Message), " ")
		}
		j.lines = append(j.lines, line)
	}
	j.list.Refresh()
	j.showAnswer(p.Results)
}

// maxAnswers is how many orders' answers are shown in full; the list has them all.
const maxAnswers = 5

// showAnswer shows in full what the platform said of the orders it did: a line of the list is
// cut to its width, and a done order's message is the platform's own answer, not a failure.
func (j *JobDialog) showAnswer(results []domain.JobResult) {
	var said []string
	for _, r := range results {
		if r.State == "done" && strings.TrimSpace(r.Message) != "" {
			said = append(said, r.OrderNo+": "+r.Message)
		}
	}
	if len(said) > maxAnswers {
		said = append(said[:maxAnswers], fmt.Sprintf("…and %d more, in the list below", len(said)-maxAnswers))
	}
	if len(said) == 0 {
		j.answer.Hide()
		return
	}
	j.answer.SetText("The platform says:\n" + strings.Join(said, "\n"))
	j.answer.Show()
}

func (j *JobDialog) finish() {
	j.finished = true
	j.cancel.Hide()
	j.close.Show()
	if !j.closed {
		j.win.Canvas().Focus(j.close) // Enter or Escape closes it
	}
	j.bar.SetValue(1)
	if j.OnFinished != nil {
		j.OnFinished(j.progress)
		j.OnFinished = nil
	}
}
