package tiktok

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// timeWindow is the update-time filter of both searches (epoch seconds, [ge, lt)).
type timeWindow struct {
	UpdateTimeGE int64 `json:"update_time_ge"`
	UpdateTimeLT int64 `json:"update_time_lt"`
}

// Pull passes every order updated in [from, to) to emit, one batch per page of
// /order/202309/orders/search, and then the window's return requests
// (/return_refund/202309/returns/search) with their orders: Returns says whether each order has
// an open request, AfterSales carries the requests. The last batch has Final set.
//
// The bounds are whole seconds: from is rounded down and to up, so the window covers all of
// [from, to) and perhaps a little more; an order updated in the current second is pulled now,
// not a whole interval later. Orders may come more than once.
func (c *Client) Pull(ctx context.Context, from, to time.Time, emit func(market.Batch) error) error {
	if emit == nil {
		return errors.New("TikTok Shop: Pull needs somewhere to pass the orders")
	}
	if _, cipher := c.shop(); cipher == "" {
		return fmt.Errorf("TikTok Shop: the shop's shop_cipher is not known: %w", market.ErrRelink)
	}
	lt := to.Unix()
	if to.After(time.Unix(lt, 0)) {
		lt++
	}
	w := timeWindow{UpdateTimeGE: from.Unix(), UpdateTimeLT: lt}
	if w.UpdateTimeLT <= w.UpdateTimeGE {
		return emit(market.Batch{Final: true})
	}
	if err := c.pullOrders(ctx, w, emit); err != nil {
		return err
	}
	return c.pullReturns(ctx, w, emit)
}

// listAll pages one search from its first page until next_page_token is empty, handing each page
// to page, which says how many of its entries were new. TikTok's page_token is opaque: should it
// be a position, an order that changes while the listing is read leaves its place and whatever
// followed moves up one, past the page boundary. So, with repass, a listing that took more than
// one page is read again until a pass brings nothing new (each pass costs its pages again).
func (c *Client) listAll(what string, repass bool, page func(token string) (next string, fresh int, err error)) error {
	for pass := 1; pass <= maxListPasses; pass++ {
		token, pages, fresh := "", 0, 0
		tokens := map[string]bool{}
		for {
			next, n, err := page(token)
			if err != nil {
				return err
			}
			pages++
			fresh += n
			if next == "" {
				break
			}
			if tokens[next] {
				return &market.Error{Platform: domain.TikTok, Op: what, Message: "the platform gave the same page_token twice"}
			}
			tokens[next] = true
			token = next
		}
		if !repass || (pass == 1 && pages == 1) || (pass > 1 && fresh == 0) {
			return nil
		}
	}
	c.log.Warn("TikTok Shop: the listing still changed on its last pass; the next pull's overlap reads it again",
		"op", what, "passes", maxListPasses)
	return nil
}

// pullOrders emits the orders of the window, a batch per page.
func (c *Client) pullOrders(ctx context.Context, w timeWindow, emit func(market.Batch) error) error {
	seen := map[string]int64{} // order id -> the update_time already passed on
	return c.listAll(http.MethodPost+" "+pathOrderSearch, true, func(token string) (string, int, error) {
		q := url.Values{
			"page_size":  {strconv.Itoa(orderPageSize)},
			"sort_field": {"update_time"},
			"sort_order": {"ASC"},
		}
		if token != "" {
			q.Set("page_token", token)
		}
		var d ordersData
		if err := c.call(ctx, apiCall{method: http.MethodPost, path: pathOrderSearch, query: q, body: w, shop: true}, &d); err != nil {
			return "", 0, err
		}
		var fresh []orderJSON
		for _, o := range d.Orders {
			id := strings.TrimSpace(string(o.ID))
			if id == "" {
				c.log.Warn("TikTok Shop: an order without an id was skipped", "op", "POST "+pathOrderSearch)
				continue
			}
			if ut, ok := seen[id]; ok && ut >= int64(o.UpdateTime) {
				continue
			}
			fresh = append(fresh, o)
		}
		orders, err := c.complete(ctx, fresh)
		if err != nil {
			return "", 0, err
		}
		if len(orders) > 0 {
			if err := emit(market.Batch{Orders: orders}); err != nil {
				return "", 0, err
			}
		}
		for _, o := range fresh {
			seen[strings.TrimSpace(string(o.ID))] = int64(o.UpdateTime)
		}
		return d.NextPageToken, len(fresh), nil
	})
}

// complete maps orders to domain orders, first fetching the detail of any that came without
// line items.
func (c *Client) complete(ctx context.Context, list []orderJSON) ([]domain.Order, error) {
	var bare []string
	for _, o := range list {
		if len(o.LineItems) == 0 {
			bare = append(bare, strings.TrimSpace(string(o.ID)))
		}
	}
	if len(bare) > 0 {
		full, err := c.fetchOrders(ctx, bare)
		if err != nil {
			return nil, err
		}
		byID := map[string]orderJSON{}
		for _, o := range full {
			byID[strings.TrimSpace(string(o.ID))] = o
		}
		for i, o := range list {
			if f, ok := byID[strings.TrimSpace(string(o.ID))]; ok && len(o.LineItems) == 0 {
				list[i] = f
			}
		}
	}
	return c.toOrders(list)
}

func (c *Client) toOrders(list []orderJSON) ([]domain.Order, error) {
	fallback := ""
	if c.cfg.Region != "" {
		fallback = domain.RegionCurrency(c.cfg.Region)
	}
	out := make([]domain.Order, 0, len(list))
	for _, j := range list {
		o, err := toOrder(j, fallback)
		if err != nil {
			return nil, &market.Error{Platform: domain.TikTok, Op: "reading orders", Message: err.Error()}
		}
		out = append(out, o)
	}
	return out, nil
}

// fetchOrders gets orders by id, at most 50 per call (T3).
func (c *Client) fetchOrders(ctx context.Context, ids []string) ([]orderJSON, error) {
	var out []orderJSON
	for start := 0; start < len(ids); start += detailBatch {
		chunk := ids[start:min(start+detailBatch, len(ids))]
		var d ordersData
		q := url.Values{"ids": {strings.Join(chunk, ",")}}
		if err := c.call(ctx, apiCall{method: http.MethodGet, path: pathOrderDetail, query: q, shop: true}, &d); err != nil {
			return nil, err
		}
		out = append(out, d.Orders...)
	}
	return out, nil
}

// returnState is the latest seen state of one return.
type returnState struct {
	order   string
	open    bool // domain.AfterSaleOpen, or TikTok names a next action for the seller
	updated int64
	req     domain.AfterSale
}

// takeReturn keeps r in rets unless a newer copy of it is there already; it reports whether r was new.
func (c *Client) takeReturn(rets map[string]returnState, r returnJSON) bool {
	oid := strings.TrimSpace(string(r.OrderID))
	if oid == "" {
		return false
	}
	key := strings.TrimSpace(string(r.ReturnID))
	if key == "" {
		key = "order " + oid
	}
	if s, ok := rets[key]; ok && s.updated >= int64(r.UpdateTime) {
		return false
	}
	fallback := ""
	if c.cfg.Region != "" {
		fallback = domain.RegionCurrency(c.cfg.Region)
	}
	req, err := r.toAfterSale(fallback)
	if err != nil {
		c.log.Warn("TikTok Shop: a return's amount could not be read; kept without it", "op", "POST "+pathReturnSearch, "err", err)
	}
	open := domain.AfterSaleOpen(domain.TikTok, &req) || r.awaitsSeller()
	rets[key] = returnState{order: oid, open: open, updated: int64(r.UpdateTime), req: req}
	return true
}

// pullReturns reads the window's return requests, works out for each order named whether a
// request is open (it keeps the order on To Return until it is finished), and emits those orders
// with that answer and their requests, 50 orders a batch; the last batch is Final.
func (c *Client) pullReturns(ctx context.Context, w timeWindow, emit func(market.Batch) error) error {
	rets := map[string]returnState{}
	var named []string
	isNamed := map[string]bool{}
	err := c.searchReturns(ctx, w, true, func(r returnJSON) bool {
		if !c.takeReturn(rets, r) {
			return false
		}
		if oid := strings.TrimSpace(string(r.OrderID)); !isNamed[oid] {
			isNamed[oid] = true
			named = append(named, oid)
		}
		return true
	})
	if err != nil {
		return err
	}
	if len(named) == 0 {
		return emit(market.Batch{Final: true})
	}
	open := map[string]bool{}
	for _, s := range rets {
		open[s.order] = open[s.order] || s.open
	}
	var settled []string
	for _, id := range named {
		if !open[id] {
			settled = append(settled, id)
		}
	}
	if err := c.olderReturns(ctx, settled, rets); err != nil {
		return err
	}
	requests := map[string][]domain.AfterSale{}
	for _, s := range rets {
		open[s.order] = open[s.order] || s.open
		requests[s.order] = append(requests[s.order], s.req)
	}
	for _, list := range requests {
		slices.SortFunc(list, func(a, b domain.AfterSale) int {
			if c := a.Created.Compare(b.Created); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	for start := 0; start < len(named); start += detailBatch {
		chunk := named[start:min(start+detailBatch, len(named))]
		list, err := c.fetchOrders(ctx, chunk)
		if err != nil {
			return err
		}
		orders, err := c.toOrders(list)
		if err != nil {
			return err
		}
		b := market.Batch{Orders: orders, Returns: map[string]bool{}, AfterSales: map[string][]domain.AfterSale{},
			Final: start+detailBatch >= len(named)}
		for _, o := range orders {
			b.Returns[o.OrderNo] = open[o.OrderNo]
			b.AfterSales[o.OrderNo] = requests[o.OrderNo]
		}
		if missing := len(chunk) - len(b.Returns); missing > 0 {
			c.log.Warn("TikTok Shop: orders named by return requests were not found", "count", missing)
		}
		if err := emit(b); err != nil {
			return err
		}
	}
	return nil
}

// searchReturns lists returns/search with the window's filter, handing each entry to take (which
// says whether it was new).
func (c *Client) searchReturns(ctx context.Context, body any, repass bool, take func(returnJSON) bool) error {
	return c.listAll(http.MethodPost+" "+pathReturnSearch, repass, func(token string) (string, int, error) {
		q := url.Values{"page_size": {strconv.Itoa(returnPageSize)}}
		if token != "" {
			q.Set("page_token", token)
		}
		var d returnsData
		if err := c.call(ctx, apiCall{method: http.MethodPost, path: pathReturnSearch, query: q, body: body, shop: true}, &d); err != nil {
			return "", 0, err
		}
		fresh := 0
		for _, r := range d.ReturnOrders {
			if take(r) {
				fresh++
			}
		}
		return d.NextPageToken, fresh, nil
	})
}

// olderReturns reads every return of the given orders, whenever it was last updated: an order
// whose returns in the window are all settled may have an older request still open. What it
// finds joins rets.
func (c *Client) olderReturns(ctx context.Context, ids []string, rets map[string]returnState) error {
	for start := 0; start < len(ids); start += returnPageSize {
		chunk := ids[start:min(start+returnPageSize, len(ids))]
		want := map[string]bool{}
		for _, id := range chunk {
			want[id] = true
		}
		body := struct {
			OrderIDs []string `json:"order_ids"`
		}{chunk}
		err := c.searchReturns(ctx, body, false, func(r returnJSON) bool {
			if want[strings.TrimSpace(string(r.OrderID))] {
				c.takeReturn(rets, r)
			}
			return false
		})
		if err != nil {
			return err
		}
	}
	return nil
}
