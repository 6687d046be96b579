package lazada

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

const (
	pageLimit       = 100  // /orders/get limit, at most 100 (L3)
	maxOffset       = 5000 // /orders/get offset, at most 5000 (L3)
	itemsPerCall    = 50   // /orders/items/get order_ids, at most 50 (L3)
	reversePageSize = 50   // /reverse/getreverseordersforseller page_size (no documented maximum)
	maxReversePages = 10000
	maxMisses       = 12 // boundary re-reads in a row without progress before giving up
	maxReversePass  = 5
	maxKept         = 5000 // orders a pull keeps in memory to report their returns without reading them again
)

type ordersAnswer struct {
	Data struct {
		Count      lenient.Int `json:"count"`
		CountTotal lenient.Int `json:"countTotal"`
		Orders     []orderJSON `json:"orders"`
	} `json:"data"`
}

type orderAnswer struct {
	Data orderJSON `json:"data"`
}

type multiItemsAnswer struct {
	Data []struct {
		OrderID     lenient.String `json:"order_id"`
		OrderNumber lenient.String `json:"order_number"`
		OrderItems  []itemJSON     `json:"order_items"`
	} `json:"data"`
}

type itemsAnswer struct {
	Data []itemJSON `json:"data"`
}

type reverseAnswer struct {
	Result *reverseResult `json:"result"`
	Data   *reverseResult `json:"data"` // tolerated; the reference says "result"
}

type reverseResult struct {
	PageNo   lenient.Int    `json:"page_no"`
	PageSize lenient.Int    `json:"page_size"`
	Total    lenient.Int    `json:"total"`
	Items    []reverseOrder `json:"items"`
}

// listed is one order of a /orders/get page, with what paging needs.
type listed struct {
	raw     orderJSON
	id      string
	updated time.Time
}

// batcher holds back the latest batch, so that the last one can carry Final.
type batcher struct {
	emit func(market.Batch) error
	held *market.Batch
}

func (b *batcher) push(x market.Batch) error {
	if b.held != nil {
		if err := b.emit(*b.held); err != nil {
			return err
		}
	}
	b.held = &x
	return nil
}

func (b *batcher) finish() error {
	if b.held == nil {
		b.held = &market.Batch{}
	}
	b.held.Final = true
	err := b.emit(*b.held)
	b.held = nil
	return err
}

// Pull passes every order updated in [from, to) to emit, one batch per page, then the return
// requests modified in the window; the last batch has Final set.
//
// /orders/get is listed by updated_at ascending, but not by plain offset: an order that changes
// while the list is paged moves to its end and shifts every later offset. After each page the
// window's start moves to the last order's updated_at, and the offset only skips the orders
// already read at that second. Each next page re-reads the last order read, which proves that
// nothing slipped past; when it is not there (the list moved, or the server reads update_after
// as exclusive) the client reads again from one second earlier.
func (c *Client) Pull(ctx context.Context, from, to time.Time, emit func(market.Batch) error) error {
	if emit == nil {
		return fmt.Errorf("lazada: Pull needs an emit function")
	}
	p := &pull{c: c, out: batcher{emit: emit}, kept: map[string]domain.Order{}}
	if to.After(from) {
		if err := p.orders(ctx, from.UTC(), to.UTC()); err != nil {
			return err
		}
		if err := p.returns(ctx, from.UTC(), to.UTC()); err != nil {
			return err
		}
	}
	return p.out.finish()
}

// pull is one run of Pull.
type pull struct {
	c    *Client
	out  batcher
	kept map[string]domain.Order // the latest of each order passed, by order_id (up to maxKept)
}

// emit passes one page of orders.
func (p *pull) emit(orders []domain.Order) error {
	for _, o := range orders {
		if _, ok := p.kept[o.PlatformID]; ok || len(p.kept) < maxKept {
			p.kept[o.PlatformID] = o
		}
	}
	return p.out.push(market.Batch{Orders: orders})
}

func (p *pull) orders(ctx context.Context, from, to time.Time) error {
	c := p.c
	// Lazada's times have whole seconds. One second before from covers from under either reading
	// of update_after (inclusive or exclusive); the second after to covers [.., to) under either
	// reading of update_before. What lies outside the window only comes twice.
	start := from.Truncate(time.Second).Add(-time.Second)
	before := to.Truncate(time.Second)
	if before.Before(to) {
		before = before.Add(time.Second)
	}
	var (
		inclusive = true    // the reading of update_after believed true; wrong guesses are caught
		fresh     = true    // the next page starts a new listing at offset 0
		freshFrom = start   // where that listing starts
		last      time.Time // updated_at of the last order read
		atLast    int       // how many orders at that second precede it in the listing, itself included
		lastID    string    // its order_id
		misses    int       // boundary re-reads since the listing last moved on
		missAt    time.Time // where they happened
	)
	for {
		after, offset := freshFrom, 0
		if !fresh {
			offset = atLast - 1 // re-read the last order, to prove the list did not move
			after = last
			if !inclusive {
				after = last.Add(-time.Second)
			}
			if offset > maxOffset {
				return fmt.Errorf("lazada: more than %d orders were updated in the second %s; /orders/get cannot page past offset %d",
					maxOffset, apiTime(last, c.zone), maxOffset)
			}
		}
		page, err := c.listOrders(ctx, after, before, offset)
		if err != nil {
			return err
		}
		entries := page
		if !fresh {
			if len(page) == 0 || page[0].id != lastID || !page[0].updated.Equal(last) {
				// Not where it was: orders moved, or update_after is read the other way.
				inclusive = !inclusive
				if !last.After(missAt) {
					misses++
				} else {
					misses, missAt = 1, last
				}
				if misses > maxMisses {
					return fmt.Errorf("lazada: GET /orders/get: orders keep changing at %s while they are listed; try again", apiTime(last, c.zone))
				}
				c.log.Debug("lazada order list moved; reading again from the second before", "at", last, "offset", offset)
				fresh, freshFrom = true, last.Add(-time.Second)
				continue
			}
			entries = page[1:]
		} else {
			last, atLast, lastID = time.Time{}, 0, ""
		}
		fresh = false
		for _, e := range entries {
			if e.updated.Equal(last) {
				atLast++
			} else {
				last, atLast = e.updated, 1
			}
			lastID = e.id
		}
		if len(entries) > 0 {
			orders, err := c.buildOrders(ctx, entries)
			if err != nil {
				return err
			}
			if err := p.emit(orders); err != nil {
				return err
			}
		}
		if len(page) < pageLimit {
			return nil
		}
	}
}

// listOrders reads one page of /orders/get.
func (c *Client) listOrders(ctx context.Context, after, before time.Time, offset int) ([]listed, error) {
	var ans ordersAnswer
	err := c.call(ctx, request{method: http.MethodGet, path: "/orders/get", token: true, params: map[string]string{
		"update_after":   apiTime(after, c.zone),
		"update_before":  apiTime(before, c.zone),
		"sort_by":        "updated_at",
		"sort_direction": "ASC",
		"offset":         strconv.Itoa(offset),
		"limit":          strconv.Itoa(pageLimit),
	}}, &ans)
	if err != nil {
		return nil, err
	}
	page := make([]listed, 0, len(ans.Data.Orders))
	for _, o := range ans.Data.Orders {
		t, err := parseTime(string(o.UpdatedAt), c.zone)
		if err != nil || t.IsZero() {
			return nil, fmt.Errorf("lazada: GET /orders/get: order %s: updated_at %q: not a time", o.OrderID, o.UpdatedAt)
		}
		if o.OrderID == "" {
			return nil, fmt.Errorf("lazada: GET /orders/get: an order (number %q) has no order_id", o.OrderNumber)
		}
		page = append(page, listed{raw: o, id: string(o.OrderID), updated: t})
	}
	return page, nil
}

// buildOrders fetches the items of the listed orders and builds domain orders.
func (c *Client) buildOrders(ctx context.Context, entries []listed) ([]domain.Order, error) {
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.id
	}
	items, err := c.fetchItems(ctx, ids)
	if err != nil {
		return nil, err
	}
	orders := make([]domain.Order, 0, len(entries))
	for _, e := range entries {
		o, err := toOrder(&e.raw, items[e.id], c.region, c.zone)
		if err != nil {
			return nil, err
		}
		orders = append(orders, o)
	}
	return orders, nil
}

// fetchItems reads the items of orders, 50 orders per /orders/items/get; an order the answer
// leaves out is read alone with /order/items/get.
func (c *Client) fetchItems(ctx context.Context, ids []string) (map[string][]itemJSON, error) {
	out := make(map[string][]itemJSON, len(ids))
	var unique []string
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = nil
			unique = append(unique, id)
		}
	}
	got := map[string]bool{}
	for i := 0; i < len(unique); i += itemsPerCall {
		chunk := unique[i:min(i+itemsPerCall, len(unique))]
		var ans multiItemsAnswer
		if err := c.call(ctx, request{method: http.MethodGet, path: "/orders/items/get", token: true,
			params: map[string]string{"order_ids": orderIDs(chunk)}}, &ans); err != nil {
			return nil, err
		}
		for _, o := range ans.Data {
			id := string(o.OrderID)
			if id == "" && len(o.OrderItems) > 0 {
				id = string(o.OrderItems[0].OrderID)
			}
			if _, asked := out[id]; !asked {
				continue
			}
			out[id] = append(out[id], o.OrderItems...)
			got[id] = true
		}
	}
	for _, id := range unique {
		if got[id] {
			continue
		}
		var ans itemsAnswer
		if err := c.call(ctx, request{method: http.MethodGet, path: "/order/items/get", token: true,
			params: map[string]string{"order_id": id}}, &ans); err != nil {
			return nil, err
		}
		out[id] = ans.Data
	}
	return out, nil
}

// returns lists the reverse orders (returns, refund-only requests and buyers' cancellations)
// whose lines were modified in the window. For each order with a return or refund request it
// reports whether one is still open (domain.AfterSaleOpen: awaiting the seller, the buyer's
// parcel or Lazada's review), and the order's requests as AfterSales; an order with only a
// cancellation request has its requests reported when this pull passed the order (its number is
// known without another call). Each batch carries the orders it names (as this pull passed them,
// or read with /order/get when the window did not bring them), so the engine can mark them.
//
// The list is paged by page number, which shifts when a request changes while it is read; a pass
// whose total moved, or that saw fewer requests than the total, is read again.
func (p *pull) returns(ctx context.Context, from, to time.Time) error {
	c := p.c
	requests := map[string]reverseOrder{} // by reverse order id; later reads win
	for pass := 1; ; pass++ {
		seen := map[string]bool{} // every request this pass, of any type
		total, steady := -1, true
		for pageNo := 1; ; pageNo++ {
			if pageNo > maxReversePages {
				return fmt.Errorf("lazada: GET /reverse/getreverseordersforseller: more than %d pages", maxReversePages)
			}
			res, err := c.reversePage(ctx, pageNo, map[string]string{
				"ReverseOrderLineModifiedTimeRangeStart": strconv.FormatInt(from.Add(-time.Second).UnixMilli(), 10),
				"ReverseOrderLineModifiedTimeRangeEnd":   strconv.FormatInt(to.UnixMilli(), 10),
			})
			if err != nil {
				return err
			}
			if t := int(res.Total); total < 0 {
				total = t
			} else if t != total {
				steady = false
			}
			for i, ro := range res.Items {
				trade := string(ro.TradeOrderID)
				key := string(ro.ReverseOrderID)
				if key == "" {
					key = fmt.Sprintf("%s/%s/%d/%d", trade, ro.RequestType, pageNo, i)
				}
				seen[key] = true
				if _, known := requestKind(ro.RequestType); trade == "" || !known {
					continue
				}
				requests[key] = ro
			}
			if len(res.Items) < reversePageSize || (total > 0 && pageNo*reversePageSize >= total) {
				break
			}
		}
		if steady && len(seen) >= total {
			break
		}
		if pass >= maxReversePass {
			return fmt.Errorf("lazada: GET /reverse/getreverseordersforseller: the list kept changing while it was read (%d of %d requests seen); try again", len(seen), total)
		}
		c.log.Debug("lazada reverse order list moved while paging; reading it again", "pass", pass)
	}

	byTrade := map[string][]reverseOrder{}
	returned := map[string]bool{} // trades with a return or refund request
	for _, ro := range requests {
		t := string(ro.TradeOrderID)
		byTrade[t] = append(byTrade[t], ro)
		returned[t] = returned[t] || isReturn(ro.RequestType)
	}
	trades := make([]string, 0, len(byTrade))
	for t := range byTrade {
		if _, kept := p.kept[t]; kept || returned[t] {
			trades = append(trades, t)
		}
	}
	sort.Strings(trades)
	var b market.Batch
	var missing []string
	// add puts an order's requests in the batch, with the order when it has a return (an order
	// with only a cancellation was passed by this pull already, in an earlier batch).
	add := func(trade string, o domain.Order) {
		if b.Returns == nil {
			b.Returns, b.AfterSales = map[string]bool{}, map[string][]domain.AfterSale{}
		}
		if returned[trade] {
			b.Orders = append(b.Orders, o)
		}
		list := byTrade[trade]
		sort.Slice(list, func(i, j int) bool { return list[i].ReverseOrderID < list[j].ReverseOrderID })
		open, reqs := false, []domain.AfterSale{}
		for _, ro := range list {
			a, ok := toAfterSale(ro, &o, domain.RegionCurrency(c.region), c.zone)
			if !ok {
				continue
			}
			reqs = append(reqs, a)
			open = open || (a.Kind != domain.ReqCancel && domain.AfterSaleOpen(domain.Lazada, &a))
		}
		b.AfterSales[o.OrderNo] = reqs
		if returned[trade] {
			b.Returns[o.OrderNo] = open
		}
	}
	flush := func() error {
		if len(missing) > 0 {
			entries := make([]listed, 0, len(missing))
			for _, id := range missing {
				var ans orderAnswer
				if err := c.call(ctx, request{method: http.MethodGet, path: "/order/get", token: true,
					params: map[string]string{"order_id": id}}, &ans); err != nil {
					return err
				}
				if ans.Data.OrderID == "" {
					ans.Data.OrderID = lenient.String(id)
				}
				entries = append(entries, listed{raw: ans.Data, id: id})
			}
			orders, err := c.buildOrders(ctx, entries)
			if err != nil {
				return err
			}
			for j, o := range orders {
				add(missing[j], o)
			}
			missing = missing[:0]
		}
		if len(b.Orders) == 0 && len(b.AfterSales) == 0 {
			return nil
		}
		err := p.out.push(b)
		b = market.Batch{}
		return err
	}
	for _, id := range trades {
		if o, ok := p.kept[id]; ok {
			add(id, o)
		} else {
			missing = append(missing, id)
		}
		if len(b.AfterSales)+len(missing) >= pageLimit {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func isReturn(requestType string) bool {
	switch strings.ToUpper(strings.TrimSpace(requestType)) {
	case "RETURN", "ONLY_REFUND":
		return true
	}
	return false
}
