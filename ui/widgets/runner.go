package widgets

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// Runner is where background work meets the widgets: Go runs work off the UI goroutine and
// applies the function it returns on the UI goroutine. Screens use nothing else to cross threads,
// so every crossing is visible here.
//
// In the window, results are applied through fyne.DoAndWait. A Manual runner instead keeps them
// until Wait, which applies them on its caller's goroutine: a test is then the UI goroutine, just
// as the driver's main thread is in the app, and nothing touches a widget from two goroutines.
type Runner struct {
	Manual bool

	mu       sync.Mutex
	cond     *sync.Cond
	inflight int
	queue    []func()
}

func (r *Runner) init() {
	if r.cond == nil {
		r.cond = sync.NewCond(&r.mu)
	}
}

// Go runs work in a goroutine; a non-nil result is then run on the UI goroutine.
func (r *Runner) Go(work func() (apply func())) {
	r.mu.Lock()
	r.init()
	r.inflight++
	r.mu.Unlock()
	go func() {
		apply := work()
		if apply != nil && !r.Manual {
			fyne.DoAndWait(apply)
		}
		r.mu.Lock()
		if apply != nil && r.Manual {
			r.queue = append(r.queue, apply)
		}
		r.inflight--
		r.cond.Broadcast()
		r.mu.Unlock()
	}()
}

// Soon is Go for work that is usually done in a few milliseconds, called on the UI goroutine:
// it waits up to wait for the work and applies the result at once, so the frame about to be
// drawn already shows it (a key is handled just before a frame is drawn: handing the result to
// the next one would add a whole frame). Work that takes longer is applied later, as Go does;
// wait must stay well under a frame, or the window stutters.
func (r *Runner) Soon(wait time.Duration, work func() (apply func())) {
	done := make(chan func(), 1)
	go func() { done <- work() }()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case apply := <-done:
		if apply != nil {
			apply()
		}
	case <-t.C:
		r.Go(func() func() { return <-done })
	}
}

// Apply runs fn on the UI goroutine without waiting, for long-lived watchers that are not work
// in flight.
func (r *Runner) Apply(fn func()) {
	if r.Manual {
		r.mu.Lock()
		r.init()
		r.queue = append(r.queue, fn)
		r.cond.Broadcast()
		r.mu.Unlock()
		return
	}
	fyne.Do(fn)
}

// Wait returns when all work started so far, and all work that it started in turn, has been
// applied. In the app it must not be called on the UI goroutine, which the applies need.
func (r *Runner) Wait() {
	r.mu.Lock()
	r.init()
	for {
		for r.inflight > 0 && len(r.queue) == 0 {
			r.cond.Wait()
		}
		if len(r.queue) == 0 {
			r.mu.Unlock()
			return
		}
		fns := r.queue
		r.queue = nil
		r.mu.Unlock()
		for _, fn := range fns {
			fn()
		}
		r.mu.Lock()
	}
}

// WaitFor applies results, as Wait does, until cond holds (checked on the caller's goroutine
// after each batch), or nothing more is coming. It is for tests of work that does not end on its
// own, such as a job dialog following a job that is never sent. It reports whether cond held.
func (r *Runner) WaitFor(cond func() bool) bool {
	for {
		if cond() {
			return true
		}
		r.mu.Lock()
		r.init()
		for r.inflight > 0 && len(r.queue) == 0 {
			r.cond.Wait()
		}
		fns := r.queue
		r.queue = nil
		r.mu.Unlock()
		if len(fns) == 0 {
			return cond()
		}
		for _, fn := range fns {
			fn()
		}
	}
}

// Debouncer runs only the last of a burst of calls, once the burst has been quiet for a while:
// a search runs when the typing pauses, not on every key.
type Debouncer struct {
	r     *Runner
	delay time.Duration
	mu    sync.Mutex
	seq   int
}

// Debouncer makes a debouncer whose calls run through r.
func (r *Runner) Debouncer(delay time.Duration) *Debouncer {
	return &Debouncer{r: r, delay: delay}
}

// Call schedules apply on the UI goroutine after the delay, unless another Call comes first.
func (b *Debouncer) Call(apply func()) {
	b.mu.Lock()
	b.seq++
	seq := b.seq
	b.mu.Unlock()
	b.r.Go(func() func() {
		time.Sleep(b.delay)
		b.mu.Lock()
		defer b.mu.Unlock()
		if seq != b.seq {
			return nil
		}
		return apply
	})
}
