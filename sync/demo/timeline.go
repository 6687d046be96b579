package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// never marks a step the order has not reached.
const never time.Duration = -1

// timeline is when each step of an order happened, as offsets from its creation.
type timeline struct {
	pay, hold, pack, repack, ready, ship, deliver time.Duration
	cancelReq, cancel, returnReq, returned, end   time.Duration
	completed                                     bool // Shopee/TikTok: past the buyer's confirmation
	final                                         time.Duration
}

// reached is how far along the normal path an order in each state has come: 1 paid, 2 packed,
// 3 ready, 4 collected, 5 delivered.
var reached = [numStates]int{stUnpaid: 0, stNew: 1, stPacked: 2, stReady: 3, stShipped: 4, stDone: 5,
	stCancelReq: 1, stReturnReq: 5, stCancelled: 1, stFailed: 4, stLost: 4, stDamaged: 4, stReturned: 5}

// transitDays is how long couriers take: West Malaysia mostly next day or two, Sabah and Sarawak
// most of a week.
var (
	transitWest   = []float64{0, 35, 35, 18, 8, 4}
	transitBorneo = []float64{0, 0, 0, 25, 30, 25, 12, 8}
)

// when works out the order's timeline: first the natural pace of a shop (payment within minutes,
// packing in working hours, afternoon pickups, delivery in days), then squeezed into the order's
// age when the state it must be in would not have been reached yet.
func when(r *rand.Rand, p *plan, pl domain.Platform, created time.Time, age time.Duration, cod, borneo, express bool) timeline {
	pay := time.Duration(0)
	if !cod {
		switch x := r.Float64(); {
		case x < 0.7:
			pay = between(r, 20*time.Second, 5*time.Minute)
		case x < 0.9:
			pay = between(r, 5*time.Minute, time.Hour)
		default: // online banking later, or a pay-at-counter slip
			pay = between(r, time.Hour, 20*time.Hour)
		}
	}
	hold := pay
	if pl == domain.TikTok {
		hold += time.Hour + jitter(r, 10*time.Minute)
	}
	sundays := r.IntN(4) == 0
	packDelay := time.Duration(float64(5*time.Hour) * math.Exp(0.9*r.NormFloat64()))
	packDelay = min(max(packDelay, 10*time.Minute), 72*time.Hour)
	pack := openHours(r, created.Add(hold+packDelay), 9, 18, sundays).Sub(created)
	ready := openHours(r, created.Add(pack+between(r, 15*time.Minute, 3*time.Hour)), 9, 19, sundays).Sub(created)
	ship := openHours(r, created.Add(ready+between(r, time.Hour, 5*time.Hour)), 10, 19, false).Sub(created)
	days := weighted(r, transitWest)
	if borneo {
		days = weighted(r, transitBorneo)
	} else if express {
		days = 1
	}
	s := created.Add(ship).In(myt)
	delivered := time.Date(s.Year(), s.Month(), s.Day()+days, 9, 0, 0, 0, myt).Add(jitter(r, 11*time.Hour))
	deliver := delivered.Sub(created)
	complete := deliver + domain.LazadaReturnWindow
	if pl != domain.Lazada {
		complete = deliver + 7*day + jitter(r, time.Hour) // confirmed automatically
		if r.Float64() < 0.35 {
			complete = deliver + between(r, 2*time.Hour, 3*day) // the buyer confirmed
		}
	}

	t := timeline{pay: never, hold: never, pack: never, repack: never, ready: never, ship: never, deliver: never,
		cancelReq: never, cancel: never, returnReq: never, returned: never, end: never}
	level := reached[p.st]
	if p.st == stCancelled && p.cause == causeUnpaid {
		level = 0
	}
	steps := []struct {
		dst *time.Duration
		v   time.Duration
	}{{&t.pay, pay}, {&t.pack, pack}, {&t.ready, ready}, {&t.ship, ship}, {&t.deliver, deliver}}
	for k := 0; k < level; k++ {
		*steps[k].dst = steps[k].v
		t.final = steps[k].v
	}
	if level >= 1 {
		t.hold = hold
		t.final = max(t.final, hold)
	}

	switch p.st {
	case stNew:
		if p.repacked {
			t.pack = pack
			t.repack = pack + between(r, time.Hour, 20*time.Hour)
			t.final = t.repack
		}
	case stPacked:
		if p.retryShip { // the courier came and could not collect
			t.end = ship
			t.final = ship
		}
	case stDone:
		if p.done == doneCompleted {
			t.final = complete + time.Hour
		}
	case stCancelReq:
		base := hold
		if p.afterPack {
			t.pack = pack
			base = pack
		}
		t.cancelReq = base + between(r, 10*time.Minute, 12*time.Hour)
		t.final = t.cancelReq
	case stReturnReq:
		t.returnReq = deliver + between(r, 6*time.Hour, 5*day)
		t.final = t.returnReq
	case stCancelled:
		switch p.cause {
		case causeUnpaid:
			t.cancel = 24*time.Hour + jitter(r, 15*time.Minute)
		case causeBuyer:
			t.cancel = hold + between(r, 5*time.Minute, 8*time.Hour)
		case causeBuyerRequest:
			t.cancelReq = hold + between(r, 10*time.Minute, 8*time.Hour)
			t.cancel = t.cancelReq + between(r, 30*time.Minute, 20*time.Hour)
		case causeSeller:
			t.cancel = hold + between(r, time.Hour, 30*time.Hour)
			if p.afterPack {
				t.pack = pack
				t.cancel = pack + between(r, time.Hour, 20*time.Hour)
			}
		}
		t.final = t.cancel
	case stFailed:
		t.end = deliver + jitter(r, 48*time.Hour) // delivery attempts, then back to the seller
		t.final = t.end
	case stLost:
		t.end = ship + between(r, 7*day, 14*day)
		t.final = t.end
	case stDamaged:
		t.end = deliver + jitter(r, 48*time.Hour)
		t.final = t.end
	case stReturned:
		t.returnReq = deliver + between(r, day, 5*day)
		t.returned = t.returnReq + between(r, 4*day, 12*day)
		t.final = t.returned
	}

	if t.final > age {
		f := float64(age) * (0.55 + 0.4*r.Float64()) / float64(t.final)
		for _, d := range []*time.Duration{&t.pay, &t.hold, &t.pack, &t.repack, &t.ready, &t.ship, &t.deliver,
			&t.cancelReq, &t.cancel, &t.returnReq, &t.returned, &t.end, &t.final} {
			if *d > 0 {
				*d = time.Duration(float64(*d) * f)
			}
		}
		complete = time.Duration(float64(complete) * f)
	}
	if p.onHold { // paid within the last hour: TikTok holds it for the buyer's change of mind
		t.pay = max(0, age-between(r, time.Minute, 55*time.Minute))
		t.hold = t.pay + time.Hour
		t.final = t.pay
	}
	if p.st == stDone {
		t.completed = p.done == doneCompleted || p.done == doneByTime && complete <= age
		if t.completed && pl != domain.Lazada { // Lazada has no completed status to change to
			t.final = max(t.final, min(complete, age))
		}
	}
	// Platforms report whole seconds.
	for _, d := range []*time.Duration{&t.pay, &t.hold, &t.pack, &t.repack, &t.ready, &t.ship, &t.deliver,
		&t.cancelReq, &t.cancel, &t.returnReq, &t.returned, &t.end, &t.final} {
		if *d > 0 {
			*d = d.Truncate(time.Second)
		}
	}
	return t
}

// at turns an offset into a time, keeping unreached steps zero.
func at(created time.Time, d time.Duration) time.Time {
	if d < 0 {
		return time.Time{}
	}
	return created.Add(d)
}
