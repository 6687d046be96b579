package demo

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// myt is Malaysia time: shoppers and warehouses keep its hours, the data is stored in UTC.
var myt = time.FixedZone("MYT", 8*3600)

const (
	historyDays  = 90
	historyHours = historyDays * 24
	growth       = 4.0 // a growing shop: the last day sells four times what the first did
	// flashSale is the volume of the shop's own sale that ended yesterday: it is why the desk has
	// a backlog to work through when the demo opens.
	flashSale = 2.0
)

// hourWeight is how busy each hour of the day (Malaysia time) is: a lunch peak and a bigger one
// after dinner, when people shop on their phones.
var hourWeight = [24]float64{0.6, 0.35, 0.2, 0.12, 0.1, 0.12, 0.25, 0.45, 0.7, 0.9, 1.0, 1.05,
	1.2, 1.15, 1.0, 0.95, 0.95, 0.9, 0.9, 1.0, 1.3, 1.5, 1.4, 1.0}

// clock spreads order creation times over the history window with the shape of a real shop:
// daily and weekly rhythm, growth, and the double-date sales (9.9, 10.10, 11.11, 12.12).
type clock struct {
	start time.Time
	cum   []float64 // cumulative weight at the end of each hour
}

func newClock(now time.Time) *clock {
	c := &clock{start: now.Add(-historyHours * time.Hour), cum: make([]float64, historyHours)}
	sum := 0.0
	for k := range historyHours {
		mid := c.start.Add(time.Duration(k)*time.Hour + 30*time.Minute).In(myt)
		w := hourWeight[mid.Hour()] * math.Pow(growth, float64(k)/historyHours)
		switch {
		case mid.Day() == int(mid.Month()):
			w *= 3 // a double-date sale
			if mid.Hour() < 2 {
				w *= 3 // the midnight rush when it starts
			}
		case mid.Day() == 25:
			w *= 1.4 // payday
		}
		if wd := mid.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w *= 1.1
		}
		if left := historyHours - k; left > 24 && left <= 72 {
			w *= flashSale
		}
		sum += w
		c.cum[k] = sum
	}
	return c
}

// at is the time at quantile q in [0, 1) of all orders.
func (c *clock) at(q float64) time.Time {
	total := c.cum[len(c.cum)-1]
	target := q * total
	k := sort.SearchFloat64s(c.cum, target)
	if k >= len(c.cum) {
		k = len(c.cum) - 1
	}
	prev := 0.0
	if k > 0 {
		prev = c.cum[k-1]
	}
	frac := (target - prev) / (c.cum[k] - prev)
	return c.start.Add(time.Duration((float64(k) + frac) * float64(time.Hour))).Truncate(time.Second)
}

// quantile is the inverse of at: the share of orders created before t.
func (c *clock) quantile(t time.Time) float64 {
	h := t.Sub(c.start).Hours()
	if h <= 0 {
		return 0
	}
	if h >= historyHours {
		return 1
	}
	k := int(h)
	prev := 0.0
	if k > 0 {
		prev = c.cum[k-1]
	}
	return (prev + (h-float64(k))*(c.cum[k]-prev)) / c.cum[len(c.cum)-1]
}

// openHours moves t forward into the next working window [from, to) Malaysia time. Sellers pack
// and couriers collect Monday to Saturday; some sellers also work Sundays.
func openHours(r *rand.Rand, t time.Time, from, to int, sundays bool) time.Time {
	l := t.In(myt)
	for range 4 {
		day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, myt)
		switch {
		case l.Weekday() == time.Sunday && !sundays:
			l = day.AddDate(0, 0, 1).Add(time.Duration(from) * time.Hour)
		case l.Hour() < from:
			l = day.Add(time.Duration(from)*time.Hour + jitter(r, 90*time.Minute))
			return l.UTC()
		case l.Hour() >= to:
			l = day.AddDate(0, 0, 1).Add(time.Duration(from)*time.Hour + jitter(r, 90*time.Minute))
		default:
			return l.UTC()
		}
	}
	return l.UTC()
}

// jitter is a random duration in [0, d).
func jitter(r *rand.Rand, d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(d)))
}

// between is a random duration in [lo, hi).
func between(r *rand.Rand, lo, hi time.Duration) time.Duration { return lo + jitter(r, hi-lo) }
