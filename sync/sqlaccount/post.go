package sqlaccount

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
)

// Poster posts orders to SQL Account as Sales Invoices through the journal in the data file: one
// row per order per attempt, written before anything is sent. An order's document number is
// fixed the first time it is posted, and an invoice is created only after looking that number
// up, so a crash, a lost answer or a second PC never makes a second invoice: an order that was
// posted, or whose earlier attempt may have reached SQL Account, updates its invoice instead.
type Poster struct {
	DB     *db.DB
	Client *Client
	Now    func() time.Time // default time.Now
	// IncludeCancelled posts cancelled and returned orders (as cancelled invoices) even when the
	// posting settings leave them out: the "Include Cancelled Orders" box of one run.
	IncludeCancelled bool
}

// Progress is how far a posting run is.
type Progress struct {
	Done, Total, Posted, Failed int
	Current                     string // the order being posted
}

// Result is what a posting run did.
type Result struct {
	RunID          int64
	Posted, Failed int
	Stopped        bool // cancelled before every order was posted
}

// running allows one posting run at a time in this process; the file lock, one per data file
// across processes (a scheduled kedai post while the window posts): a run starts by closing the
// attempts a crash left "sending", which must not be another process's attempts in flight.
var running sync.Mutex

// ErrPostingElsewhere is returned when another Kedai is posting from the same data file.
var ErrPostingElsewhere = errors.New("another Kedai is posting orders from this data file: post again when it has finished")

// Post posts the orders, oldest first as given, and says how far it is after each. A cancelled
// ctx stops after the order in hand; what was not posted stays unposted.
func (p *Poster) Post(ctx context.Context, ids []int64, progress func(Progress)) (Result, error) {
	running.Lock()
	defer running.Unlock()
	lock := flock.New(p.DB.Path() + ".posting.lock")
	ok, err := lock.TryLock()
	if err != nil {
		return Result{}, fmt.Errorf("posting lock: %w", err)
	}
	if !ok {
		return Result{}, ErrPostingElsewhere
	}
	defer lock.Unlock()
	set, err := p.DB.PostSettings(ctx)
	if err != nil {
		return Result{}, err
	}
	set.IncludeCancelled = set.IncludeCancelled || p.IncludeCancelled
	run, err := p.DB.StartPostRun(ctx, p.now())
	if err != nil {
		return Result{}, err
	}
	res := Result{RunID: run}
	stock := map[string]domain.StockItem{} // the run's cache of stock items by code
	pr := Progress{Total: len(ids)}
	for _, id := range ids {
		if ctx.Err() != nil {
			res.Stopped = true
			break
		}
		o, err := p.DB.Order(ctx, id)
		if err != nil {
			return res, err
		}
		pr.Current = o.OrderNo
		if progress != nil {
			progress(pr)
		}
		err = p.postOne(ctx, run, &o, set, stock)
		switch {
		case err == nil:
			res.Posted++
		case ctx.Err() != nil && !errors.Is(err, errRefused):
			res.Stopped = true
		default:
			res.Failed++
		}
		pr.Done, pr.Posted, pr.Failed = pr.Done+1, res.Posted, res.Failed
		if progress != nil {
			progress(pr)
		}
		if res.Stopped {
			break
		}
	}
	return res, nil
}

func (p *Poster) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// errRefused marks an order refused before anything was sent.
var errRefused = errors.New("refused")

// postOne posts one order and journals the attempt.
func (p *Poster) postOne(ctx context.Context, run int64, o *domain.Order, set domain.PostSettings, stock map[string]domain.StockItem) error {
	refuse := func(reason string) error {
		if err := p.DB.FailPost(ctx, run, o, reason, p.now()); err != nil {
			return err
		}
		return fmt.Errorf("%w: %s", errRefused, reason)
	}
	inv, err := p.invoice(ctx, o, set, stock)
	if err != nil {
		return refuse(err.Error())
	}
	attempt, ref, err := p.DB.BeginPost(ctx, run, o, inv.DocNo, p.now())
	if err != nil {
		return err
	}
	key, err := p.send(ctx, ref, inv)
	if err != nil {
		msg := err.Error()
		if ctx.Err() != nil {
			msg = "stopped before SQL Account answered; posting again looks the invoice up first"
		}
		// The journal keeps the failure even when the run was stopped: a fresh context.
		if ferr := p.DB.FinishPost(context.WithoutCancel(ctx), attempt, db.PostFailed, 0, msg, o.UpdatedAt, p.now()); ferr != nil {
			return ferr
		}
		return err
	}
	return p.DB.FinishPost(context.WithoutCancel(ctx), attempt, db.PostPosted, key, "", o.UpdatedAt, p.now())
}

// invoice builds the order's invoice from its store's codes, its SKUs' mappings and the stock
// items they name.
func (p *Poster) invoice(ctx context.Context, o *domain.Order, set domain.PostSettings, stock map[string]domain.StockItem) (domain.Invoice, error) {
	// Cancelled and returned orders (Others) are BuildInvoice's to refuse or to post as cancelled
	// invoices; any other tab must be one Post Order is offered on.
	if o.Tab != domain.TabOthers {
		if err := domain.CanDo(o, domain.ActPost); err != nil {
			return domain.Invoice{}, err
		}
	}
	codes, err := p.DB.StoreCodes(ctx, o.StoreID)
	if err != nil {
		return domain.Invoice{}, err
	}
	var skus []string
	for _, it := range o.Items {
		skus = append(skus, it.SKU)
	}
	maps, err := p.DB.Mappings(ctx, skus)
	if err != nil {
		return domain.Invoice{}, err
	}
	need := []string{codes.Voucher, codes.Discount, codes.Shipping}
	for _, m := range maps {
		for _, l := range m.Lines {
			need = append(need, l.StockCode)
		}
	}
	items := map[string]domain.StockItem{}
	for _, code := range need {
		if code == "" {
			continue
		}
		it, ok := stock[code]
		if !ok {
			it, err = p.DB.StockItem(ctx, code)
			if err != nil {
				continue // BuildInvoice names the unknown code
			}
			stock[code] = it
		}
		items[code] = it
	}
	docNo, err := p.DB.DocNo(ctx, o)
	if err != nil {
		return domain.Invoice{}, err
	}
	return domain.BuildInvoice(o, docNo, maps, items, codes, set)
}

// send creates or updates the order's invoice and returns its dockey. It never creates before
// looking the document number up: an earlier attempt whose answer was lost may have made it.
func (p *Poster) send(ctx context.Context, ref db.InvoiceRef, inv domain.Invoice) (int64, error) {
	if ref.DocKey != 0 {
		r, err := p.Client.UpdateInvoice(ctx, ref.DocKey, inv)
		if err == nil {
			return r.DocKey, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return 0, err
		}
		// Deleted in SQL Account (the way to repost there): made again below.
	}
	for range 2 {
		found, ok, err := p.Client.FindInvoice(ctx, inv.DocNo)
		if err != nil {
			return 0, err
		}
		if ok {
			r, err := p.Client.UpdateInvoice(ctx, found.DocKey, inv)
			if err != nil {
				return 0, err
			}
			return r.DocKey, nil
		}
		r, err := p.Client.CreateInvoice(ctx, inv)
		if errors.Is(err, ErrDuplicate) {
			continue // made meanwhile by another PC: look it up again and update it
		}
		if err != nil {
			return 0, err
		}
		return r.DocKey, nil
	}
	return 0, fmt.Errorf("invoice %s: SQL Account refuses it as a duplicate but cannot find it", inv.DocNo)
}
