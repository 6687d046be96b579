package widgets

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/uitest"
)

type doneJobs struct{ p domain.JobProgress }

func (j doneJobs) Job(context.Context, int64) (domain.JobProgress, error) { return j.p, nil }
func (j doneJobs) CancelJob(context.Context, int64) (int, error)          { return 0, nil }

// What the platform said of an order it did (Lazada's tip after a cancel) is shown whole, not
// only in the list's line, which is cut to the dialog's width; a failure's message stays in the list.
func TestJobDialogShowsTheDoneOrdersAnswer(t *testing.T) {
	test.NewTempApp(t)
	win := test.NewWindow(nil)
	defer win.Close()
	win.Resize(fyne.NewSize(1000, 700))
	tip := "Cancellation submitted. Frequent cancellations for being out of stock lower your shop's rating and may limit its listings."
	jobs := doneJobs{domain.JobProgress{Job: 3, Total: 2, Done: 1, Failed: 1, Results: []domain.JobResult{
		{OrderNo: "B2", State: "failed", Message: "order locked"},
		{OrderNo: "A1", State: "done", Message: tip},
	}}}
	run := &Runner{Manual: true}
	j := ShowJob(win, run, jobs, "Cancel Order A1", 3, nil)
	run.Wait()
	if want := "The platform says:\nA1: " + tip; j.Answer() != want {
		t.Errorf("answer %q, want %q", j.Answer(), want)
	}
	var drawn strings.Builder
	for _, s := range uitest.DrawnText(win.Canvas()) {
		drawn.WriteString(s + " ")
	}
	if !strings.Contains(drawn.String(), "limit its listings.") {
		t.Errorf("the whole answer is not drawn: %s", drawn.String())
	}

	// Nothing said: nothing shown.
	j = ShowJob(win, run, doneJobs{domain.JobProgress{Job: 4, Total: 1, Done: 1, Results: []domain.JobResult{{OrderNo: "A1", State: "done"}}}}, "Pack", 4, nil)
	run.Wait()
	if j.Answer() != "" {
		t.Errorf("answer %q", j.Answer())
	}
}
