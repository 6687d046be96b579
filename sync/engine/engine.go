package engine

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// NewClient makes a platform's client from its configuration.
type NewClient func(market.Config) (market.Client, error)

// Options tune the engine. Zero values take the defaults.
type Options struct {
	// Interval between runs of a healthy store. The platforms' rate limits allow far more; 30 s
	// puts a new order on the desk within a minute.
	Interval time.Duration
	// Overlap is how far before its cursor each run starts again, for orders a platform reports
	// late or with a clock a little behind.
	Overlap time.Duration
	// Lag keeps each window's end this far behind now, so an order being written at the platform
	// as we ask is in the next window, not lost between two.
	Lag time.Duration
	// Chunk is the longest window one pull covers; a long first sync is several chunks, each
	// moving the cursor, so a crash repeats at most one chunk's listing (its pages are saved as
	// they come). A week keeps a 90-day first sync to 13 listings per platform.
	Chunk time.Duration
	// RetryAfter is the first wait after a failed run; it doubles up to MaxRetryAfter.
	RetryAfter, MaxRetryAfter time.Duration

	Clients map[domain.Platform]NewClient // default: the real Lazada, Shopee and TikTok clients
	// Rewrite, when set, may change how a store is reached before its client is made (the demo
	// workspace points its stores at its own simulator).
	Rewrite func(s domain.Store, link *db.Link, cfg *market.Config)
	HTTP    *http.Client
	Now     func() time.Time
	Log     *slog.Logger
	// Notify tells the seller something needs attention (a desktop notification in the window).
	Notify func(title, body string)
	// RetryBase is passed to the clients (their first retry wait inside a run).
	RetryBase time.Duration
	// Redirect is where the platforms send the browser back after a sign-in (default
	// market.DefaultRedirect); a LinkRequest may name its own.
	Redirect string
}

func (o *Options) defaults() {
	if o.Interval == 0 {
		o.Interval = 30 * time.Second
	}
	if o.Overlap == 0 {
		o.Overlap = 2 * time.Minute
	}
	if o.Lag == 0 {
		o.Lag = 5 * time.Second
	}
	if o.Chunk == 0 {
		o.Chunk = 7 * 24 * time.Hour
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = 30 * time.Second
	}
	if o.MaxRetryAfter == 0 {
		o.MaxRetryAfter = 15 * time.Minute
	}
	if o.Clients == nil {
		o.Clients = defaultClients()
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Notify == nil {
		o.Notify = func(string, string) {}
	}
	if o.Redirect == "" {
		o.Redirect = market.DefaultRedirect
	}
}

// Engine syncs every linked store of one data file.
type Engine struct {
	db  *db.DB
	opt Options

	mu      sync.Mutex
	runCtx  context.Context // Run's context, once it runs: workers of newly linked stores live in it
	workers map[int64]*worker
	clients map[int64]cachedClient
	changed chan struct{} // something about the stores changed: the window may reload
	box     outbox
}

type worker struct {
	kick    chan struct{}
	running bool
	cancel  context.CancelFunc
}

// New makes an engine over a data file.
func New(d *db.DB, opt Options) *Engine {
	opt.defaults()
	return &Engine{db: d, opt: opt, workers: map[int64]*worker{}, clients: map[int64]cachedClient{}, changed: make(chan struct{}, 1),
		box: outbox{kick: make(chan struct{}, 1), senders: map[int64]bool{}, resync: map[int64]*time.Timer{}}}
}

// Changed is signalled (without blocking) when a run starts or ends or a store is linked.
func (e *Engine) Changed() <-chan struct{} { return e.changed }

func (e *Engine) signal() {
	select {
	case e.changed <- struct{}{}:
	default:
	}
}

// Run syncs every linked store until ctx ends, starting a worker for stores linked later too.
func (e *Engine) Run(ctx context.Context) error {
	e.mu.Lock()
	e.runCtx = ctx
	e.mu.Unlock()
	go e.runOutbox(ctx)
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		if _, err := e.startWorkers(ctx); err != nil {
			e.opt.Log.Error("listing stores", "err", err)
		}
		select {
		case <-ctx.Done():
			e.mu.Lock()
			for _, w := range e.workers {
				w.cancel()
			}
			e.mu.Unlock()
			return nil
		case <-t.C:
		}
	}
}

// startWorkers starts a worker for each linked store that has none; a new worker runs at once.
func (e *Engine) startWorkers(ctx context.Context) (started map[int64]bool, err error) {
	states, err := e.db.SyncStates(ctx)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	started = map[int64]bool{}
	for _, s := range states {
		if _, ok := e.workers[s.StoreID]; ok {
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		w := &worker{kick: make(chan struct{}, 1), cancel: cancel}
		e.workers[s.StoreID] = w
		started[s.StoreID] = true
		go e.loop(wctx, s.StoreID, w)
	}
	return started, nil
}

// loop is one store's worker: run, then wait for the next run or a "sync now".
func (e *Engine) loop(ctx context.Context, storeID int64, w *worker) {
	for {
		st, err := e.db.SyncState(ctx, storeID)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			e.opt.Log.Error("reading sync state", "store", storeID, "err", err)
			st.NextRun = e.opt.Now().Add(e.opt.Interval)
		}
		wait := time.Until(st.NextRun)
		if st.NeedsRelink {
			wait = e.opt.Interval // keep checking: a relink clears the flag
		}
		if wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-w.kick:
				timer.Stop()
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			return
		}
		if st, err := e.db.SyncState(ctx, storeID); err == nil && st.NeedsRelink {
			continue
		}
		e.runStore(ctx, storeID, w)
	}
}

// wake runs a store at once: a store linked since Run started gets its worker (which runs at
// once); a store that has one is asked to run now.
func (e *Engine) wake(storeID int64) {
	e.mu.Lock()
	ctx := e.runCtx
	e.mu.Unlock()
	started := map[int64]bool{}
	if ctx != nil {
		started, _ = e.startWorkers(ctx)
	}
	if !started[storeID] {
		e.SyncNow(storeID)
	}
	e.signal()
}

// SyncNow starts a run of the store at once (0: every store).
func (e *Engine) SyncNow(storeID int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, w := range e.workers {
		if storeID == 0 || id == storeID {
			select {
			case w.kick <- struct{}{}:
			default:
			}
		}
	}
}

// RunOnce sends every queued action, then runs every linked store once, all at the same time,
// and returns their errors together.
func (e *Engine) RunOnce(ctx context.Context) error {
	if err := e.DrainOutbox(ctx); err != nil {
		return err
	}
	states, err := e.db.SyncStates(ctx)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(states))
	for i, s := range states {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.runStore(ctx, s.StoreID, &worker{})
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// SyncStatus is every linked store's sync state, with the runs under way now.
func (e *Engine) SyncStatus(ctx context.Context) ([]domain.StoreSync, error) {
	states, err := e.db.SyncStates(ctx)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range states {
		if w, ok := e.workers[states[i].StoreID]; ok {
			states[i].Running = w.running
		}
	}
	return states, nil
}

// runStore does one run of one store and records how it went.
func (e *Engine) runStore(ctx context.Context, storeID int64, w *worker) error {
	e.setRunning(w, true)
	defer e.setRunning(w, false)
	started := e.opt.Now()
	pulled, err := e.pull(ctx, storeID)
	if ctx.Err() != nil {
		return ctx.Err() // stopped, not failed: nothing to record
	}
	res := db.RunResult{Started: started, Finished: e.opt.Now(), Pulled: pulled, Err: err}
	before, _ := e.db.SyncState(ctx, storeID)
	if err == nil {
		res.Next = res.Finished.Add(e.opt.Interval)
	} else {
		res.Relink = errors.Is(err, market.ErrRelink)
		res.Next = res.Finished.Add(e.backoff(before.Failures + 1))
	}
	if rerr := e.db.RecordRun(ctx, storeID, res); rerr != nil {
		e.opt.Log.Error("recording a run", "store", storeID, "err", rerr)
	}
	store, _ := e.store(storeID)
	if err != nil {
		e.opt.Log.Warn("sync failed", "store", store.Name, "failures", before.Failures+1, "err", err)
		// Tell the seller once, when the store turns red; it keeps retrying regardless.
		switch {
		case res.Relink && !before.NeedsRelink:
			e.opt.Notify("Kedai: "+store.Name+" needs to be linked again", err.Error())
		case !res.Relink && before.Failures+1 == domain.FailingAfter:
			e.opt.Notify("Kedai: "+store.Name+" is not syncing",
				fmt.Sprintf("%d attempts in a row failed: %v. Kedai keeps trying.", domain.FailingAfter, err))
		}
	} else {
		e.opt.Log.Info("synced", "store", store.Name, "orders", pulled)
	}
	return err
}

func (e *Engine) setRunning(w *worker, on bool) {
	e.mu.Lock()
	w.running = on
	e.mu.Unlock()
	e.signal()
}

// backoff is the wait before the nth retry in a row: doubling from RetryAfter, jittered, capped.
func (e *Engine) backoff(n int) time.Duration {
	d := e.opt.RetryAfter
	for i := 1; i < n && d < e.opt.MaxRetryAfter; i++ {
		d *= 2
	}
	d = min(d, e.opt.MaxRetryAfter)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (e *Engine) store(id int64) (domain.Store, error) {
	stores, err := e.db.Stores(context.Background())
	if err != nil {
		return domain.Store{}, err
	}
	for _, s := range stores {
		if s.ID == id {
			return s, nil
		}
	}
	return domain.Store{}, fmt.Errorf("no store with id %d", id)
}

// Client makes the client for a linked store.
func (e *Engine) Client(ctx context.Context, storeID int64) (market.Client, error) {
	s, err := e.store(storeID)
	if err != nil {
		return nil, err
	}
	link, err := e.db.StoreLink(ctx, storeID)
	if err != nil {
		return nil, err
	}
	sec, err := e.db.StoreSecrets(ctx, storeID)
	if err != nil {
		return nil, err
	}
	cfg := market.Config{
		BaseURL: link.BaseURL, AuthURL: link.AuthURL, AppKey: link.AppKey, AppSecret: sec.AppSecret,
		ServiceID: link.ServiceID, ShopID: s.ShopID, Cipher: link.Cipher, Region: s.Region,
		Keeper: e.db.Keeper(storeID), HTTP: e.opt.HTTP, Now: e.opt.Now, RetryBase: e.opt.RetryBase,
		Log: e.opt.Log.With("store", s.Name),
	}
	if e.opt.Rewrite != nil {
		e.opt.Rewrite(s, &link, &cfg)
	}
	newClient, ok := e.opt.Clients[s.Platform]
	if !ok {
		return nil, fmt.Errorf("no client for %s", s.Platform.Title())
	}
	// One client per store while its link and tokens stay the same: the sync and the outbox
	// share its rate limiter, so together they keep to the platform's limit.
	h := sha256.New()
	for _, v := range []string{string(s.Platform), cfg.BaseURL, cfg.AuthURL, cfg.AppKey, cfg.AppSecret, cfg.ServiceID,
		cfg.ShopID, cfg.Cipher, cfg.Region, sec.Tokens.Access, sec.Tokens.Refresh} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	key := string(h.Sum(nil))
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.clients[storeID]; ok && c.key == key {
		return c.client, nil
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	e.clients[storeID] = cachedClient{key: key, client: c}
	return c, nil
}

// cachedClient is a store's client and what it was made from.
type cachedClient struct {
	key    string // a hash of the link and the tokens
	client market.Client
}

// pull brings the store up to date: from its cursor (less the overlap) to just before now, in
// chunks, each saved page by page with the cursor moving on each chunk's last page.
func (e *Engine) pull(ctx context.Context, storeID int64) (int, error) {
	client, err := e.Client(ctx, storeID)
	if err != nil {
		return 0, err
	}
	st, err := e.db.SyncState(ctx, storeID)
	if err != nil {
		return 0, err
	}
	from := st.Cursor.Add(-e.opt.Overlap)
	end := e.opt.Now().Add(-e.opt.Lag)
	pulled := 0
	for from.Before(end) {
		to := from.Add(e.opt.Chunk)
		if to.After(end) {
			to = end
		}
		err := client.Pull(ctx, from, to, func(b market.Batch) error {
			pulled += len(b.Orders)
			return e.db.SaveBatch(ctx, storeID, b, to, e.opt.Now())
		})
		if err != nil {
			return pulled, err
		}
		from = to
		e.signal()
	}
	return pulled, nil
}
