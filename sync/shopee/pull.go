package shopee

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// Documented paths (S3, S4, S5).
const (
	pathOrderList   = "/api/v2/order/get_order_list"
	pathOrderDetail = "/api/v2/order/get_order_detail"
	pathTracking    = "/api/v2/logistics/get_tracking_number"
	pathReturnList  = "/api/v2/returns/get_return_list"
)

// window is a time range in epoch seconds, at most MaxWindow long. Consecutive windows share
// their boundary second, so an order updated on it is listed whether the platform reads
// time_to as inclusive or exclusive.
type window struct{ from, to int64 }

func (w window) String() string {
	return time.Unix(w.from, 0).UTC().Format(time.RFC3339) + " to " + time.Unix(w.to, 0).UTC().Format(time.RFC3339)
}

// windows splits [from, to) into ranges of at most MaxWindow, widened to whole seconds.
func windows(from, to time.Time) []window {
	if !to.After(from) {
		return nil
	}
	f, t := from.Unix(), to.Unix()
	if to.Nanosecond() > 0 {
		t++
	}
	step := int64(MaxWindow / time.Second)
	var out []window
	for s := f; s < t; s += step {
		out = append(out, window{s, min(s+step, t)})
	}
	return out
}

// Pull passes every order updated in [from, to) to emit (see market.Client): for each window of
// at most 15 days it reads get_order_list by update_time page by page, fetches the orders'
// details in batches of DetailBatch with the tracking numbers of arranged packages, and reads
// the list again until a reading brings nothing new (the list's cursor is a position: an order
// that changes while the list is read shifts the others past it). A re-reading also fetches
// again an order whose listed status moved on since its details were fetched; a list that fit
// in one page is not read again. Then it reads the returns updated in the range and emits, with
// each order a return names, its requests (Batch.AfterSales) and whether one is open (Returns). One batch per detail call; the
// last is Final and may be empty.
func (c *Client) Pull(ctx context.Context, from, to time.Time, emit func(market.Batch) error) error {
	if emit == nil {
		return errors.New("shopee: Pull needs somewhere to pass the orders")
	}
	if c.ShopID() == "" {
		return errors.New("shopee: the store has no shop id yet: link it first")
	}
	if from.IsZero() || to.IsZero() {
		return errors.New("shopee: Pull needs the start and end of the range")
	}
	p := &puller{c: c, emit: emit, tracking: map[string]string{}}
	ws := windows(from, to)
	for _, w := range ws {
		if err := p.orders(ctx, w); err != nil {
			return err
		}
	}
	if err := p.returns(ctx, ws); err != nil {
		return err
	}
	return p.finish()
}

// puller is one Pull's state.
type puller struct {
	c    *Client
	emit func(market.Batch) error
	// held is the last batch made, emitted when the next one comes or, Final, at the end.
	held *market.Batch

	mu       sync.Mutex
	tracking map[string]string // order_sn/package_number -> tracking number found in this pull
}

// push emits the batch held so far and holds b.
func (p *puller) push(b market.Batch) error {
	if p.held != nil {
		if err := p.emit(*p.held); err != nil {
			return err
		}
	}
	p.held = &b
	return nil
}

// finish emits the last batch with Final set (an empty one if nothing came).
func (p *puller) finish() error {
	b := market.Batch{}
	if p.held != nil {
		b = *p.held
		p.held = nil
	}
	b.Final = true
	return p.emit(b)
}

// orders lists one window and fetches every order in it. A later reading also fetches again an
// order whose listed status differs from the status its details had: it changed while the list
// was read, and may not change again before the next pull.
func (p *puller) orders(ctx context.Context, w window) error {
	fetched := map[string]string{} // order_sn -> order_status as fetched
	for pass := 1; ; pass++ {
		var queue []string
		queued := map[string]bool{}
		found, pages := 0, 0
		cursor := ""
		for {
			page, err := p.listPage(ctx, w, cursor)
			if err != nil {
				return err
			}
			pages++
			for _, o := range page.OrderList {
				sn := strings.TrimSpace(o.OrderSN)
				if sn == "" || queued[sn] {
					continue
				}
				if status, ok := fetched[sn]; ok && (pass == 1 || o.OrderStatus == "" || o.OrderStatus == status) {
					continue
				}
				queued[sn] = true
				queue = append(queue, sn)
				found++
			}
			for len(queue) >= DetailBatch {
				if err := p.batch(ctx, queue[:DetailBatch], nil, fetched); err != nil {
					return err
				}
				queue = queue[DetailBatch:]
			}
			if !page.More {
				break
			}
			next := string(page.NextCursor)
			if next == "" || next == cursor {
				return &market.Error{Platform: domain.Shopee, Op: http.MethodGet + " " + pathOrderList, Status: http.StatusOK,
					Message: fmt.Sprintf("the list says there is more but its cursor does not move (%q)", next)}
			}
			cursor = next
		}
		if len(queue) > 0 {
			if err := p.batch(ctx, queue, nil, fetched); err != nil {
				return err
			}
		}
		if p.c.onPass != nil {
			p.c.onPass("orders", pass, found)
		}
		// A list read in one page was read at one instant: nothing can have shifted past it.
		if found == 0 || pages == 1 {
			return nil
		}
		if pass == listPasses {
			p.c.log.Warn("shopee: the order list kept moving; the rest comes with the next pull",
				"window", w.String(), "passes", pass)
			return nil
		}
	}
}

func (p *puller) listPage(ctx context.Context, w window, cursor string) (*orderListAnswer, error) {
	q := url.Values{}
	q.Set("time_range_field", "update_time")
	q.Set("time_from", strconv.FormatInt(w.from, 10))
	q.Set("time_to", strconv.FormatInt(w.to, 10))
	q.Set("page_size", strconv.Itoa(PageSize))
	q.Set("cursor", cursor)
	q.Set("request_order_status_pending", "true")
	q.Set("response_optional_fields", "order_status")
	var ans orderListAnswer
	_, err := p.c.call(ctx, request{method: http.MethodGet, path: pathOrderList, params: q, out: &ans})
	return &ans, err
}

// batch fetches the details of sns (at most DetailBatch) and holds them as one batch, with the
// returns of those orders that returns names: their requests, and whether one is open.
// fetched, when given, learns each order_sn asked for and the status it had.
func (p *puller) batch(ctx context.Context, sns []string, returns map[string][]*returnJSON, fetched map[string]string) error {
	orders, err := p.details(ctx, sns)
	if err != nil {
		return err
	}
	if fetched != nil {
		for _, sn := range sns {
			fetched[sn] = ""
		}
		for _, o := range orders {
			fetched[o.OrderNo] = o.Status
		}
	}
	b := market.Batch{Orders: orders}
	if returns != nil {
		b.Returns, b.AfterSales = map[string]bool{}, map[string][]domain.AfterSale{}
		for i := range orders {
			o := &orders[i]
			list, ok := returns[o.OrderNo]
			if !ok {
				continue
			}
			open := false
			for _, j := range list {
				r, err := j.toAfterSale(o, p.c.currency())
				if err != nil {
					return &market.Error{Platform: domain.Shopee, Op: http.MethodGet + " " + pathReturnList, Status: http.StatusOK,
						Message: p.c.scrub(err.Error())}
				}
				open = open || domain.AfterSaleOpen(domain.Shopee, &r)
				b.AfterSales[o.OrderNo] = append(b.AfterSales[o.OrderNo], r)
			}
			b.Returns[o.OrderNo] = open
		}
	}
	return p.push(b)
}

// details fetches orders by order_sn with every field MAPPING.md needs, then the tracking numbers
// of their arranged packages. An order_sn the platform does not find (its warning) is asked for
// once more, then left out with a log line.
func (p *puller) details(ctx context.Context, sns []string) ([]domain.Order, error) {
	orders, missing, err := p.detailCall(ctx, sns)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		again, still, err := p.detailCall(ctx, missing)
		if err != nil {
			return nil, err
		}
		orders = append(orders, again...)
		if len(still) > 0 {
			p.c.log.Warn("shopee: orders listed but not found by get_order_detail", "order_sn", strings.Join(still, ","))
		}
	}
	if err := p.trackingNumbers(ctx, orders); err != nil {
		return nil, err
	}
	return orders, nil
}

func (p *puller) detailCall(ctx context.Context, sns []string) (orders []domain.Order, missing []string, err error) {
	q := url.Values{}
	q.Set("order_sn_list", strings.Join(sns, ","))
	q.Set("request_order_status_pending", "true")
	q.Set("response_optional_fields", strings.Join(detailFields, ","))
	var ans orderDetailAnswer
	req := request{method: http.MethodGet, path: pathOrderDetail, params: q, out: &ans}
	env, err := p.c.call(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	got := map[string]bool{}
	for i := range ans.OrderList {
		o, err := ans.OrderList[i].toOrder(p.c.currency())
		if err != nil {
			return nil, nil, &market.Error{Platform: domain.Shopee, Op: req.op(), Status: http.StatusOK,
				Message: p.c.scrub(err.Error())}
		}
		if o.OrderNo == "" || got[o.OrderNo] {
			continue
		}
		got[o.OrderNo] = true
		orders = append(orders, o)
	}
	if w := append(warnings(ans.Warning), warnings(env.Warning)...); len(w) > 0 {
		p.c.log.Info("shopee: get_order_detail warning", "order_sn", strings.Join(w, ","))
	}
	for _, sn := range sns {
		if !got[sn] {
			missing = append(missing, sn)
		}
	}
	return orders, missing, nil
}

// trackingNumbers fills in the tracking number of every tracked package (empty is normal at
// first). A refusal about one package leaves its number empty; a failure worth retrying later
// stops the pull.
func (p *puller) trackingNumbers(ctx context.Context, orders []domain.Order) error {
	type job struct{ o, k int }
	var jobs []job
	for i := range orders {
		for k, pkg := range orders[i].Packages {
			if !tracked(orders[i].Status, pkg) {
				continue
			}
			p.mu.Lock()
			tn, ok := p.tracking[orders[i].OrderNo+"/"+pkg.ID]
			p.mu.Unlock()
			if ok {
				orders[i].Packages[k].TrackingNo = tn
				continue
			}
			jobs = append(jobs, job{i, k})
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
		next     = make(chan job)
	)
	for range min(trackingWorkers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				o := &orders[j.o]
				pkg := &o.Packages[j.k]
				tn, err := p.c.trackingNumber(ctx, o.OrderNo, pkg.ID)
				if err != nil {
					var e *market.Error
					if errors.As(err, &e) && !e.Retryable && !errors.Is(err, market.ErrRelink) {
						p.c.log.Warn("shopee: no tracking number", "order_sn", o.OrderNo, "package", pkg.ID, "err", err.Error())
						continue
					}
					errMu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					errMu.Unlock()
					continue
				}
				pkg.TrackingNo = tn
				if tn != "" {
					p.mu.Lock()
					p.tracking[o.OrderNo+"/"+pkg.ID] = tn
					p.mu.Unlock()
				}
			}
		}()
	}
feed:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// trackingNumber asks get_tracking_number for one package (S4).
func (c *Client) trackingNumber(ctx context.Context, orderSN, packageNumber string) (string, error) {
	q := url.Values{}
	q.Set("order_sn", orderSN)
	if packageNumber != "" {
		q.Set("package_number", packageNumber)
	}
	var ans trackingAnswer
	if _, err := c.call(ctx, request{method: http.MethodGet, path: pathTracking, params: q, out: &ans}); err != nil {
		return "", err
	}
	return strings.TrimSpace(ans.TrackingNumber), nil
}

// returnSeen is the latest state of one return seen in this pull.
type returnSeen struct {
	orderSN string
	status  string
	neg     string
	updated int64
	entry   *returnJSON
}

// returns reads get_return_list by update_time over the windows, then fetches the orders the
// returns name and emits them with their requests and whether one is open (MAPPING.md).
func (p *puller) returns(ctx context.Context, ws []window) error {
	seen := map[string]returnSeen{}
	for _, w := range ws {
		if err := p.returnWindow(ctx, w, seen); err != nil {
			return err
		}
	}
	byOrder := map[string][]*returnJSON{}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := seen[k]
		byOrder[r.orderSN] = append(byOrder[r.orderSN], r.entry)
	}
	sns := make([]string, 0, len(byOrder))
	for sn := range byOrder {
		sns = append(sns, sn)
	}
	slices.Sort(sns)
	for chunk := range slices.Chunk(sns, DetailBatch) {
		if err := p.batch(ctx, chunk, byOrder, nil); err != nil {
			return err
		}
	}
	return nil
}

// returnWindow reads one window's returns page by page (page_no from 0), again until a reading
// brings nothing new, as for orders.
func (p *puller) returnWindow(ctx context.Context, w window, seen map[string]returnSeen) error {
	for pass := 1; ; pass++ {
		found, pages := 0, 0
		for pageNo := 0; ; pageNo++ {
			q := url.Values{}
			q.Set("page_no", strconv.Itoa(pageNo))
			q.Set("page_size", strconv.Itoa(PageSize))
			q.Set("update_time_from", strconv.FormatInt(w.from, 10))
			q.Set("update_time_to", strconv.FormatInt(w.to, 10))
			var ans returnListAnswer
			if _, err := p.c.call(ctx, request{method: http.MethodGet, path: pathReturnList, params: q, out: &ans}); err != nil {
				return err
			}
			pages++
			for i := range ans.Return {
				r := &ans.Return[i]
				sn := strings.TrimSpace(string(r.OrderSN))
				if sn == "" {
					continue
				}
				key := string(r.ReturnSN)
				if key == "" {
					key = "order:" + sn
				}
				now := returnSeen{orderSN: sn, status: r.Status, neg: r.NegStatus, updated: int64(r.UpdateTime), entry: r}
				old, ok := seen[key]
				if ok && old.orderSN == now.orderSN && old.status == now.status && old.neg == now.neg && old.updated == now.updated {
					continue
				}
				if !ok || now.updated >= old.updated {
					seen[key] = now
				}
				found++
			}
			if !ans.More {
				break
			}
			if len(ans.Return) == 0 {
				return &market.Error{Platform: domain.Shopee, Op: http.MethodGet + " " + pathReturnList, Status: http.StatusOK,
					Message: fmt.Sprintf("page %d is empty but the list says there is more", pageNo)}
			}
		}
		if p.c.onPass != nil {
			p.c.onPass("returns", pass, found)
		}
		if found == 0 || pages == 1 {
			return nil
		}
		if pass == listPasses {
			p.c.log.Warn("shopee: the return list kept moving; the rest comes with the next pull", "window", w.String())
			return nil
		}
	}
}
