package demo

import (
	"math/rand/v2"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// state is where an order stands, in platform-neutral terms; build turns it into each
// platform's own statuses.
type state int

const (
	stUnpaid    state = iota
	stNew             // paid, not yet packed or arranged
	stPacked          // packed / arranged, not yet ready for the courier
	stReady           // ready for the courier
	stShipped         // collected, in transit
	stDone            // delivered; completed once the platform's confirmation time has passed
	stCancelReq       // the buyer asked to cancel and awaits the seller's answer
	stReturnReq       // the buyer asked to return and awaits the seller's answer
	stCancelled       // cancelled before shipping
	stFailed          // delivery failed (often COD refused) and the parcel went back
	stLost            // lost by the courier
	stDamaged         // damaged by the courier
	stReturned        // returned and refunded
	numStates
)

// doneKind pins a delivered order to a tab when it must show one (the showcase).
type doneKind int

const (
	doneByTime doneKind = iota
	doneDelivered
	doneCompleted
)

type cancelCause int

const (
	causeBuyer        cancelCause = iota // the buyer cancelled before the seller packed
	causeBuyerRequest                    // the buyer asked, the seller agreed
	causeSeller                          // out of stock and the like
	causeUnpaid                          // never paid; the platform cancelled it
)

// plan is what happens to one order.
type plan struct {
	st        state
	done      doneKind
	platform  domain.Platform // for showcase orders: the platform they must be on
	cause     cancelCause
	onHold    bool // TikTok ON_HOLD
	repacked  bool // Lazada repacked
	rtsPend   bool // Lazada ready_to_ship_pending
	retryShip bool // Shopee RETRY_SHIP
	partial   bool // one package ahead of the other (TikTok PARTIALLY_SHIPPING)
	afterPack bool // the cancellation (request) came after packing
}

// band is the mix of states among orders up to maxAge old. Young orders are mostly still on the
// desk; old ones are finished, with the usual share of cancellations and returns.
type band struct {
	maxAge time.Duration
	w      [numStates]float64
}

const day = 24 * time.Hour

var bands = []band{
	{time.Hour, [numStates]float64{stUnpaid: 30, stNew: 55, stPacked: 2, stCancelReq: 4, stCancelled: 4}},
	{6 * time.Hour, [numStates]float64{stUnpaid: 20, stNew: 50, stPacked: 10, stReady: 6, stShipped: 2, stCancelReq: 5, stCancelled: 5}},
	{day, [numStates]float64{stUnpaid: 12, stNew: 38, stPacked: 15, stReady: 13, stShipped: 14, stDone: 1, stCancelReq: 5, stCancelled: 6}},
	{2 * day, [numStates]float64{stUnpaid: 6, stNew: 22, stPacked: 13, stReady: 13, stShipped: 32, stDone: 7, stCancelReq: 4, stCancelled: 7}},
	{3 * day, [numStates]float64{stUnpaid: 3, stNew: 10, stPacked: 7, stReady: 9, stShipped: 44, stDone: 19, stCancelReq: 3, stCancelled: 7}},
	{5 * day, [numStates]float64{stUnpaid: 0.5, stNew: 4, stPacked: 2.5, stReady: 3.5, stShipped: 38, stDone: 44, stCancelReq: 1.5, stReturnReq: 1, stCancelled: 7, stFailed: 0.3}},
	{7 * day, [numStates]float64{stNew: 1, stPacked: 0.5, stReady: 1, stShipped: 22, stDone: 63, stCancelReq: 0.3, stReturnReq: 2, stCancelled: 7, stFailed: 0.6, stReturned: 0.2}},
	{14 * day, [numStates]float64{stShipped: 6, stDone: 80, stReturnReq: 2.5, stCancelled: 7, stFailed: 0.8, stLost: 0.2, stDamaged: 0.15, stReturned: 0.8}},
	{30 * day, [numStates]float64{stShipped: 0.5, stDone: 85, stReturnReq: 1, stCancelled: 7, stFailed: 0.8, stLost: 0.3, stDamaged: 0.2, stReturned: 1.2}},
	{1 << 62, [numStates]float64{stDone: 86, stCancelled: 7, stFailed: 0.8, stLost: 0.3, stDamaged: 0.2, stReturned: 1.2}},
}

func samplePlan(r *rand.Rand, age time.Duration) plan {
	b := &bands[len(bands)-1]
	for i := range bands {
		if age <= bands[i].maxAge {
			b = &bands[i]
			break
		}
	}
	return plan{st: state(weighted(r, b.w[:]))}
}

// flavour picks the platform-specific variants of a sampled plan.
func flavour(r *rand.Rand, p *plan, pl domain.Platform, age time.Duration) {
	switch p.st {
	case stNew:
		p.repacked = pl == domain.Lazada && r.Float64() < 0.08
		if pl == domain.TikTok {
			// ON_HOLD is the remorse hour after payment; a few orders stay held for review.
			p.onHold = age < 2*time.Hour && r.Float64() < 0.6 || r.Float64() < 0.03
		}
	case stPacked:
		p.retryShip = pl == domain.Shopee && r.Float64() < 0.12
	case stReady:
		p.rtsPend = pl == domain.Lazada && r.Float64() < 0.25
	case stShipped:
		p.partial = pl == domain.TikTok && r.Float64() < 0.12 || pl == domain.Lazada && r.Float64() < 0.04
	case stCancelReq:
		p.afterPack = r.Float64() < 0.3
	case stCancelled:
		p.cause = cancelCause(weighted(r, []float64{causeBuyer: 30, causeBuyerRequest: 10, causeSeller: 20, causeUnpaid: 40}))
		p.afterPack = p.cause == causeSeller && r.Float64() < 0.25
	}
}

// fit makes a plan possible at the order's age: nothing is delivered within hours of the order,
// and the platform cancels an unpaid order only after a day.
func fit(p *plan, age time.Duration) {
	switch {
	case p.st == stDone && age < 12*time.Hour || p.st >= stFailed && age < 3*day:
		p.st = stShipped
	}
	if p.st == stShipped && age < 4*time.Hour {
		p.st, p.partial = stReady, false
	}
	if p.st == stCancelled && p.cause == causeUnpaid && age < 25*time.Hour {
		p.cause = causeBuyer
	}
	if p.st == stReturnReq && age < 2*day {
		p.st = stShipped
	}
	// Variants that need some history behind them: a repack, a failed pickup, a cancellation after
	// packing, one parcel collected before the other.
	p.repacked = p.repacked && age >= 12*time.Hour
	p.retryShip = p.retryShip && age >= 12*time.Hour
	p.afterPack = p.afterPack && age >= 6*time.Hour
	p.partial = p.partial && age >= day
}

// showcase lists orders that every workspace of a reasonable size has, so each tab and each
// platform status is there to explore even when chance would leave one out. The first entries
// matter most: small workspaces take only a prefix.
var showcase = []struct {
	age time.Duration
	p   plan
}{
	{2 * time.Hour, plan{platform: domain.Shopee, st: stUnpaid}},
	{9 * time.Hour, plan{platform: domain.TikTok, st: stNew}},
	{20 * time.Hour, plan{platform: domain.Lazada, st: stPacked}},
	{20 * time.Hour, plan{platform: domain.Shopee, st: stReady}},
	{55 * time.Hour, plan{platform: domain.TikTok, st: stShipped}},
	{5 * day, plan{platform: domain.Lazada, st: stDone, done: doneDelivered}},
	{30 * day, plan{platform: domain.Shopee, st: stDone, done: doneCompleted}},
	{10 * time.Hour, plan{platform: domain.Shopee, st: stCancelReq}},
	{6 * day, plan{platform: domain.TikTok, st: stReturnReq}},
	{15 * day, plan{platform: domain.Lazada, st: stCancelled, cause: causeSeller}},

	{3 * time.Hour, plan{platform: domain.Lazada, st: stUnpaid}},
	{90 * time.Minute, plan{platform: domain.TikTok, st: stUnpaid}},
	{8 * time.Hour, plan{platform: domain.Lazada, st: stNew}},
	{6 * time.Hour, plan{platform: domain.Shopee, st: stNew}},
	{25 * time.Minute, plan{platform: domain.TikTok, st: stNew, onHold: true}},
	{26 * time.Hour, plan{platform: domain.Lazada, st: stNew, repacked: true}},
	{18 * time.Hour, plan{platform: domain.Shopee, st: stPacked}},
	{30 * time.Hour, plan{platform: domain.Shopee, st: stPacked, retryShip: true}},
	{19 * time.Hour, plan{platform: domain.TikTok, st: stPacked}},
	{22 * time.Hour, plan{platform: domain.Lazada, st: stReady}},
	{21 * time.Hour, plan{platform: domain.Lazada, st: stReady, rtsPend: true}},
	{21 * time.Hour, plan{platform: domain.TikTok, st: stReady}},
	{60 * time.Hour, plan{platform: domain.Lazada, st: stShipped}},
	{50 * time.Hour, plan{platform: domain.Shopee, st: stShipped}},
	{45 * time.Hour, plan{platform: domain.TikTok, st: stShipped, partial: true}},
	{4 * day, plan{platform: domain.Shopee, st: stDone, done: doneDelivered}},
	{4 * day, plan{platform: domain.TikTok, st: stDone, done: doneDelivered}},
	{40 * day, plan{platform: domain.Lazada, st: stDone, done: doneCompleted}},
	{25 * day, plan{platform: domain.TikTok, st: stDone, done: doneCompleted}},
	{12 * time.Hour, plan{platform: domain.Lazada, st: stCancelReq}},
	{11 * time.Hour, plan{platform: domain.TikTok, st: stCancelReq}},
	{8 * day, plan{platform: domain.Lazada, st: stReturnReq}},
	{7 * day, plan{platform: domain.Shopee, st: stReturnReq}},
	{12 * day, plan{platform: domain.Shopee, st: stCancelled, cause: causeBuyer}},
	{20 * day, plan{platform: domain.TikTok, st: stCancelled, cause: causeUnpaid}},
	{35 * day, plan{platform: domain.Lazada, st: stReturned}},
	{25 * day, plan{platform: domain.Lazada, st: stFailed}},
	{30 * day, plan{platform: domain.Lazada, st: stLost}},
	{45 * day, plan{platform: domain.Lazada, st: stDamaged}},
}

// weighted returns an index with probability proportional to its weight.
func weighted(r *rand.Rand, w []float64) int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	x := r.Float64() * sum
	last := 0
	for i, v := range w {
		if v <= 0 {
			continue
		}
		if x < v {
			return i
		}
		x -= v
		last = i
	}
	return last // rounding at the very end
}
