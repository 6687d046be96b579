package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// claimSize is how many queued actions of one store are sent together; the clients split them
// into the platforms' own batch sizes (Lazada 20).
const claimSize = 100

// readBackLimit is the most done orders of one claim read back from the platform at once.
const readBackLimit = 20

// maxAttempts is how many sends a retryable failure gets before it counts as failed.
const maxAttempts = 5

// outbox sends queued actions. Only one process sends for a data file at a time (an OS file lock
// beside it, released by the OS if the process dies), so the window and a `kedai sync` in another
// process never both send the same action; the one without the lock leaves the sending to the
// other and still sees the results.
type outbox struct {
	mu      sync.Mutex
	lock    *flock.Flock
	held    bool
	kick    chan struct{}
	senders map[int64]bool
	resync  map[int64]*time.Timer // a sync to run after a bulk action, by store
}

func (e *Engine) lockOutbox() bool {
	e.box.mu.Lock()
	defer e.box.mu.Unlock()
	if e.box.held {
		return true
	}
	if e.box.lock == nil {
		e.box.lock = flock.New(e.db.Path() + ".outbox.lock")
	}
	ok, err := e.box.lock.TryLock()
	if err != nil {
		e.opt.Log.Warn("outbox lock", "err", err)
	}
	e.box.held = ok
	return ok
}

func (e *Engine) unlockOutbox() {
	e.box.mu.Lock()
	defer e.box.mu.Unlock()
	if e.box.held {
		e.box.lock.Unlock()
		e.box.held = false
	}
}

// Submit checks and queues an action for the orders (one job), and wakes the sender. Orders the
// rules refuse come back with the reason; nothing about them changes.
func (e *Engine) Submit(ctx context.Context, a domain.Action, ids []int64, ship market.Shipping) (int64, []db.Refusal, error) {
	job, refused, err := e.db.Enqueue(ctx, a, ids, ship, e.opt.Now())
	if err == nil && job != 0 {
		e.wakeOutbox()
	}
	return job, refused, err
}

// Job is where a submitted action stands.
func (e *Engine) Job(ctx context.Context, job int64) (db.Progress, error) {
	return e.db.JobProgress(ctx, job)
}

// CancelJob stops sending what is left of a job.
func (e *Engine) CancelJob(ctx context.Context, job int64) (int, error) {
	n, err := e.db.CancelJob(ctx, job, e.opt.Now())
	e.signal()
	return n, err
}

// outboxSettle is how long the sender waits after a submission before it starts.
const outboxSettle = 50 * time.Millisecond

func (e *Engine) wakeOutbox() {
	select {
	case e.box.kick <- struct{}{}:
	default:
	}
}

// runOutbox sends queued actions until ctx ends: one sender per store with work, woken when
// something is submitted, and every second in case another process queued it.
func (e *Engine) runOutbox(ctx context.Context) {
	defer e.unlockOutbox()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		if e.lockOutbox() {
			stores, err := e.db.StoresWithOutbox(ctx)
			if err != nil && ctx.Err() == nil {
				e.opt.Log.Error("reading the outbox", "err", err)
			}
			for _, id := range stores {
				e.box.mu.Lock()
				busy := e.box.senders[id]
				e.box.senders[id] = true
				e.box.mu.Unlock()
				if !busy {
					go func() {
						defer func() {
							e.box.mu.Lock()
							delete(e.box.senders, id)
							e.box.mu.Unlock()
						}()
						e.drainStore(ctx, id)
					}()
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-e.box.kick:
			// Let the screen that submitted show its answer first (the scan station's next
			// frame), and gather a burst of submissions into one claim.
			select {
			case <-ctx.Done():
				return
			case <-time.After(outboxSettle):
			}
		case <-t.C:
		}
	}
}

// DrainOutbox sends everything queued now, store by store in parallel, and returns when nothing
// is left that can be sent (retryable failures waiting for their time are left queued). It does
// nothing when another process holds the outbox.
func (e *Engine) DrainOutbox(ctx context.Context) error {
	if !e.lockOutbox() {
		return nil
	}
	defer e.unlockOutbox()
	stores, err := e.db.StoresWithOutbox(ctx)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, id := range stores {
		wg.Add(1)
		go func() { defer wg.Done(); e.drainStore(ctx, id) }()
	}
	wg.Wait()
	return ctx.Err()
}

// WaitJob waits until a job is finished, sending it itself when no other process is.
func (e *Engine) WaitJob(ctx context.Context, job int64, progress func(db.Progress)) (db.Progress, error) {
	for {
		if err := e.DrainOutbox(ctx); err != nil {
			return db.Progress{}, err
		}
		p, err := e.db.JobProgress(ctx, job)
		if err != nil {
			return p, err
		}
		if progress != nil {
			progress(p)
		}
		if p.Finished() {
			return p, nil
		}
		select {
		case <-ctx.Done():
			return p, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// drainStore sends one store's queued actions, a claim at a time, until none is ready.
func (e *Engine) drainStore(ctx context.Context, storeID int64) {
	for ctx.Err() == nil {
		claimed, err := e.db.Claim(ctx, storeID, claimSize, e.opt.Now())
		if err != nil {
			e.opt.Log.Error("claiming actions", "store", storeID, "err", err)
			return
		}
		if len(claimed) == 0 {
			return
		}
		outcomes := e.send(ctx, storeID, claimed)
		if ctx.Err() != nil {
			return // stopped: the claimed rows stay "sending" and are checked before any resend
		}
		if err := e.db.Finish(ctx, outcomes, e.opt.Now()); err != nil {
			e.opt.Log.Error("recording results", "store", storeID, "err", err)
			return
		}
		e.signal()
	}
}

// send carries out claimed actions of one store and says how each ended.
func (e *Engine) send(ctx context.Context, storeID int64, claimed []db.Outgoing) []db.Outcome {
	if claimed[0].Action.AfterSale() {
		return e.sendAnswers(ctx, storeID, claimed)
	}
	outcomes := make([]db.Outcome, len(claimed))
	for i, c := range claimed {
		outcomes[i] = db.Outcome{ID: c.ID, OrderID: c.Order.ID, Action: c.Action}
	}
	fail := func(i int, msg string) { outcomes[i].State, outcomes[i].Message = db.Failed, msg }
	client, err := e.Client(ctx, storeID)
	var f market.Fulfiller
	if err == nil {
		var ok bool
		if f, ok = client.(market.Fulfiller); !ok {
			err = errors.New("this platform's client cannot carry out actions")
		}
	}
	if err != nil {
		for i := range claimed {
			e.retryOrFail(&outcomes[i], claimed[i], err)
		}
		return outcomes
	}
	action := claimed[0].Action
	platform := claimed[0].Order.Platform

	// Kedai's own step: Shopee and TikTok have no call for To Ship.
	if action == domain.ActToShip && platform != domain.Lazada {
		for i := range claimed {
			outcomes[i].State, outcomes[i].Stage = db.Done, domain.StageReady
		}
		return outcomes
	}

	// A send that was begun before (a crash, a timeout, a retry) first asks the platform whether
	// its effect is already there: nothing is ever packed or shipped twice.
	now := e.opt.Now()
	todo := map[int]bool{}
	var recheck []string
	for i, c := range claimed {
		todo[i] = true
		if c.Attempts > 0 {
			recheck = append(recheck, c.Order.PlatformID)
		}
	}
	if len(recheck) > 0 {
		fresh, err := f.Orders(ctx, recheck)
		if err != nil {
			for i := range claimed {
				e.retryOrFail(&outcomes[i], claimed[i], fmt.Errorf("checking the platform before sending again: %w", err))
			}
			return outcomes
		}
		byID := map[string]domain.Order{}
		for _, o := range fresh {
			byID[o.PlatformID] = o
		}
		for i, c := range claimed {
			o, ok := byID[c.Order.PlatformID]
			if c.Attempts > 0 && ok && domain.Done(&o, action, now) {
				outcomes[i].State, outcomes[i].Fresh = db.Done, o
				delete(todo, i)
			}
		}
	}

	// A pack without a choice of its own ships the store's usual way.
	if action == domain.ActPack && platform != domain.Lazada {
		usual, known, err := e.db.StoreShipping(ctx, storeID)
		for i := range claimed {
			switch {
			case !todo[i] || claimed[i].Shipping.Method != "":
			case err != nil:
				e.retryOrFail(&outcomes[i], claimed[i], err)
				delete(todo, i)
			case !known:
				fail(i, fmt.Sprintf("%s has no usual way of shipping yet: choose pickup or drop-off for it in Stores", claimed[i].Order.StoreName))
				delete(todo, i)
			default:
				claimed[i].Shipping = usual
			}
		}
	}

	// Group what is left by shipping choice (pack) and send.
	groups := map[string][]int{}
	for i := range claimed {
		if !todo[i] {
			continue
		}
		key, _ := json.Marshal(claimed[i].Shipping)
		groups[string(key)] = append(groups[string(key)], i)
	}
	var done []int
	for _, idx := range groups {
		orders := make([]domain.Order, len(idx))
		for k, i := range idx {
			orders[k] = claimed[i].Order
		}
		var results []market.ActionResult
		var err error
		switch action {
		case domain.ActPack:
			results, err = f.Pack(ctx, orders, claimed[idx[0]].Shipping)
		case domain.ActToShip:
			results, err = f.ReadyToShip(ctx, orders)
		case domain.ActRepack:
			results, err = f.Repack(ctx, orders)
		case domain.ActMarkDelivered:
			results, err = f.MarkDelivered(ctx, orders)
		default:
			err = fmt.Errorf("%s is not an action the engine sends", action)
		}
		byNo := map[string]market.ActionResult{}
		for _, r := range results {
			byNo[r.OrderNo] = r
		}
		for _, i := range idx {
			r, reported := byNo[claimed[i].Order.OrderNo]
			switch {
			case reported && r.Err == nil:
				outcomes[i].State = db.Done
				done = append(done, i)
			case reported:
				e.retryOrFail(&outcomes[i], claimed[i], r.Err)
			case err != nil:
				e.retryOrFail(&outcomes[i], claimed[i], err)
			default:
				fail(i, "the platform did not say what became of this order")
			}
		}
	}

	// Show the effect at once: read the changed orders back. Many at once are better brought by
	// the store's next sync (it lists changes 100 a page; Lazada reads orders by id one per call):
	// until then they carry the effect the platform confirmed (db.Finish). The sync starts once
	// the changes are older than the sync's lag, so it sees them.
	if len(done) > readBackLimit {
		e.resyncSoon(storeID)
		done = nil
	}
	if len(done) > 0 {
		ids := make([]string, len(done))
		for k, i := range done {
			ids[k] = claimed[i].Order.PlatformID
		}
		if fresh, err := f.Orders(ctx, ids); err == nil {
			byID := map[string]domain.Order{}
			for _, o := range fresh {
				byID[o.PlatformID] = o
			}
			for _, i := range done {
				if o, ok := byID[claimed[i].Order.PlatformID]; ok {
					outcomes[i].Fresh = o
				}
			}
		} else {
			e.opt.Log.Warn("reading orders back after an action", "err", err) // the next sync brings them
		}
	}
	for i := range outcomes {
		if outcomes[i].Fresh.OrderNo != "" {
			outcomes[i].Fresh.StoreID = storeID
		}
	}
	return outcomes
}

// resyncSoon runs the store's sync once its lag has passed since the last call: a bulk action's
// claims, done one after another, bring one sync at the end, not one each.
func (e *Engine) resyncSoon(storeID int64) {
	e.box.mu.Lock()
	defer e.box.mu.Unlock()
	wait := e.opt.Lag + time.Second
	if t, ok := e.box.resync[storeID]; ok {
		t.Reset(wait)
		return
	}
	e.box.resync[storeID] = time.AfterFunc(wait, func() {
		e.box.mu.Lock()
		delete(e.box.resync, storeID)
		e.box.mu.Unlock()
		e.SyncNow(storeID)
	})
}

// retryOrFail makes a failure wait for another try when it is worth one, else final.
func (e *Engine) retryOrFail(out *db.Outcome, c db.Outgoing, err error) {
	msg := err.Error()
	if market.Retryable(err) && c.Attempts+1 < maxAttempts {
		out.State, out.Message = db.Pending, msg
		out.RetryAt = e.opt.Now().Add(e.backoff(c.Attempts + 1))
		return
	}
	out.State, out.Message = db.Failed, msg
}

// StoreShipping is how a store ships by default; ok=false when not chosen yet.
func (e *Engine) StoreShipping(ctx context.Context, storeID int64) (domain.Shipping, bool, error) {
	return e.db.StoreShipping(ctx, storeID)
}

// SetStoreShipping remembers how a store ships by default.
func (e *Engine) SetStoreShipping(ctx context.Context, storeID int64, s domain.Shipping) error {
	return e.db.SetStoreShipping(ctx, storeID, s)
}

// ShippingChoices asks the platform what it offers for packing one order.
func (e *Engine) ShippingChoices(ctx context.Context, orderID int64) (domain.ShippingChoices, error) {
	o, err := e.db.Order(ctx, orderID)
	if err != nil {
		return domain.ShippingChoices{}, err
	}
	client, err := e.Client(ctx, o.StoreID)
	if err != nil {
		return domain.ShippingChoices{}, err
	}
	f, ok := client.(market.Fulfiller)
	if !ok {
		return domain.ShippingChoices{}, errors.New("this platform's client cannot carry out actions")
	}
	return f.ShippingChoices(ctx, o)
}

// StoresWithoutShipping lists the stores of these orders that need a shipping choice to pack.
func (e *Engine) StoresWithoutShipping(ctx context.Context, ids []int64) ([]domain.Store, error) {
	return e.db.StoresWithoutShipping(ctx, ids)
}
