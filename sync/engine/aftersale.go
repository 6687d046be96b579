package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// After-sale answers (a seller's cancel; accepting or rejecting a buyer's cancellation; the steps
// of a return or refund) go through the outbox like fulfilment actions, one order a call: each
// carries its own reason, items and evidence.

var errNoAfterSales = errors.New("this platform's client cannot answer cancellations or returns")

// afterSaler is the order's store's client, as an AfterSaler and a Fulfiller (to read orders back).
func (e *Engine) afterSaler(ctx context.Context, storeID int64) (market.AfterSaler, market.Fulfiller, error) {
	client, err := e.Client(ctx, storeID)
	if err != nil {
		return nil, nil, err
	}
	as, ok := client.(market.AfterSaler)
	f, ok2 := client.(market.Fulfiller)
	if !ok || !ok2 {
		return nil, nil, errNoAfterSales
	}
	return as, f, nil
}

// RefreshAfterSales reads the order's requests from its platform, keeps them (moving the order
// to or off To Return), and returns them. When the platform cannot be reached it returns the
// kept ones with the error.
func (e *Engine) RefreshAfterSales(ctx context.Context, orderID int64) ([]domain.AfterSale, error) {
	o, err := e.db.Order(ctx, orderID)
	if err != nil {
		return nil, err
	}
	as, _, err := e.afterSaler(ctx, o.StoreID)
	if err != nil {
		return o.AfterSales, err
	}
	reqs, err := as.Requests(ctx, o, o.AfterSales)
	if err != nil {
		return o.AfterSales, err
	}
	if err := e.db.SaveAfterSales(ctx, orderID, reqs, e.opt.Now()); err != nil {
		return o.AfterSales, err
	}
	e.signal()
	return e.db.AfterSales(ctx, orderID)
}

// CancelOptions asks the platform about the seller cancelling these items of the order (Lazada
// validates them; the others answer from their reason lists).
func (e *Engine) CancelOptions(ctx context.Context, orderID int64, itemIDs []string) (domain.CancelOptions, error) {
	o, err := e.db.Order(ctx, orderID)
	if err != nil {
		return domain.CancelOptions{}, err
	}
	as, _, err := e.afterSaler(ctx, o.StoreID)
	if err != nil {
		return domain.CancelOptions{}, err
	}
	return as.CancelOptions(ctx, o, itemIDs)
}

// Reasons lists the reasons the platform takes for a step on one of the order's kept requests.
func (e *Engine) Reasons(ctx context.Context, orderID int64, kind domain.RequestKind, requestID string, step domain.Step) ([]domain.Reason, error) {
	o, err := e.db.Order(ctx, orderID)
	if err != nil {
		return nil, err
	}
	r, ok := o.FindAfterSale(kind, requestID)
	if !ok {
		return nil, fmt.Errorf("%s %s has no such %s request any more: open the order again", o.Platform.Title(), o.OrderNo, kind)
	}
	as, _, err := e.afterSaler(ctx, o.StoreID)
	if err != nil {
		return nil, err
	}
	return as.Reasons(ctx, o, *r, step)
}

// SubmitAnswer checks the seller's answer against the rules and the kept requests, and queues it
// (one job). A refusal comes back in refused, with nothing queued.
func (e *Engine) SubmitAnswer(ctx context.Context, orderID int64, a domain.Answer) (int64, []db.Refusal, error) {
	job, refused, err := e.db.EnqueueAnswer(ctx, orderID, a, e.opt.Now())
	if err == nil && job != 0 {
		e.wakeOutbox()
	}
	return job, refused, err
}

// sendAnswers carries out claimed after-sale answers, one order at a time. A send begun before
// first reads the order and its requests from the platform, and is not sent again when the
// platform shows it was taken (domain.AnswerDone).
func (e *Engine) sendAnswers(ctx context.Context, storeID int64, claimed []db.Outgoing) []db.Outcome {
	outcomes := make([]db.Outcome, len(claimed))
	as, f, err := e.afterSaler(ctx, storeID)
	for i, c := range claimed {
		outcomes[i] = db.Outcome{ID: c.ID, OrderID: c.Order.ID, Action: c.Action}
		out := &outcomes[i]
		switch {
		case err != nil:
			e.retryOrFail(out, c, err)
			continue
		case c.Answer == nil:
			out.State, out.Message = db.Failed, "the queued answer was lost: answer again"
			continue
		}
		if c.Attempts > 0 {
			fresh, rerr := e.readBack(ctx, as, f, c.Order)
			if rerr != nil {
				e.retryOrFail(out, c, fmt.Errorf("checking the platform before sending again: %w", rerr))
				continue
			}
			if domain.AnswerDone(&fresh, c.Answer) {
				out.State, out.Fresh = db.Done, fresh
				continue
			}
		}
		tip, serr := as.Answer(ctx, c.Order, *c.Answer)
		if serr != nil {
			e.retryOrFail(out, c, serr)
			continue
		}
		out.State, out.Message = db.Done, tip
		if fresh, rerr := e.readBack(ctx, as, f, c.Order); rerr == nil {
			out.Fresh = fresh
		} else {
			e.opt.Log.Warn("reading an order back after an answer", "err", rerr) // the next sync brings it
			e.resyncSoon(storeID)
		}
	}
	for i := range outcomes {
		if outcomes[i].Fresh.OrderNo != "" {
			outcomes[i].Fresh.StoreID = storeID
		}
	}
	return outcomes
}

// readBack reads the order and its requests as the platform has them now.
func (e *Engine) readBack(ctx context.Context, as market.AfterSaler, f market.Fulfiller, o domain.Order) (domain.Order, error) {
	list, err := f.Orders(ctx, []string{o.PlatformID})
	if err != nil {
		return domain.Order{}, err
	}
	var fresh domain.Order
	for _, x := range list {
		if x.PlatformID == o.PlatformID {
			fresh = x
		}
	}
	if fresh.OrderNo == "" {
		return domain.Order{}, fmt.Errorf("%s did not return order %s", o.Platform.Title(), o.OrderNo)
	}
	fresh.ID, fresh.StoreID, fresh.StoreName = o.ID, o.StoreID, o.StoreName
	reqs, err := as.Requests(ctx, fresh, o.AfterSales)
	if err != nil {
		return domain.Order{}, err
	}
	if reqs == nil {
		reqs = []domain.AfterSale{}
	}
	fresh.AfterSales = reqs
	return fresh, nil
}
