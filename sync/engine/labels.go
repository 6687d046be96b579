package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// labelChunk is how many orders of one store are handed to its client at a time: the platform's
// own batch (Lazada PrintAWB 20 packages, Shopee's document calls 50), so that progress moves
// with each batch; TikTok asks per package anyway.
var labelChunk = map[domain.Platform]int{domain.Lazada: 20, domain.Shopee: 50, domain.TikTok: 20}

// Labels fetches the AWB labels of the orders' packages: one Label per package, the orders in the
// order of orderIDs (each id once) and each order's packages in the order the platform listed
// them. Labels kept in the data file are used as they are; only the missing ones (or those kept
// for a tracking number the package no longer has) are asked of the platforms, each store with
// its own client (the one the sync and the outbox use, so they share its rate limit) and the
// stores at once; what is fetched is kept. A package whose label could not be had carries why in
// its Err (the platform's refusal, "not packed yet"); the error is for what stopped the whole
// call (an order that does not exist, the data file, the context). progress, when set, is called
// as packages complete, from the goroutines doing the work, never two at a time.
func (e *Engine) Labels(ctx context.Context, orderIDs []int64, opt market.LabelOptions, progress func(done, total int)) ([]market.Label, error) {
	opt, err := opt.Check()
	if err != nil {
		return nil, err
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, id := range orderIDs {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("no order is selected")
	}
	orders, err := e.db.Orders(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("loading the orders to print: %w", err)
	}
	slots := make([]*labelSlot, len(orders))
	byStore := map[int64][]*labelSlot{}
	var stores []int64
	total := 0
	for i, o := range orders {
		s := &labelSlot{o: o, pkgs: market.LabelPackages(o)}
		slots[i] = s
		total += s.units()
		if _, ok := byStore[o.StoreID]; !ok {
			stores = append(stores, o.StoreID)
		}
		byStore[o.StoreID] = append(byStore[o.StoreID], s)
	}
	var pmu sync.Mutex
	done := 0
	report := func(n int) {
		pmu.Lock()
		defer pmu.Unlock()
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	report(0)

	var wg sync.WaitGroup
	errs := make([]error, len(stores))
	for k, storeID := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = e.storeLabels(ctx, storeID, byStore[storeID], opt, report)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []market.Label
	for _, s := range slots {
		out = append(out, s.labels...)
	}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("fetching labels stopped: %w", err)
	}
	return out, nil
}

// labelSlot is one order's part of the answer.
type labelSlot struct {
	o      domain.Order
	pkgs   []domain.Package        // the packages Kedai knows, in the platform's order
	cached map[string]market.Label // kept labels of some of them
	labels []market.Label          // the answer, once known
}

// units is what the order counts for in the progress: its packages, or one when none is known.
func (s *labelSlot) units() int { return max(1, len(s.pkgs)) }

// missing is the order as it is asked of the platform: every package when Kedai knows none,
// else only those without a kept label (and their items).
func (s *labelSlot) missing() domain.Order {
	if len(s.pkgs) == 0 || len(s.cached) == 0 {
		return s.o
	}
	o := s.o
	want := map[string]bool{}
	o.Packages = nil
	for _, p := range s.pkgs {
		if _, ok := s.cached[p.ID]; !ok {
			want[p.ID] = true
			o.Packages = append(o.Packages, p)
		}
	}
	o.Items = nil
	for _, it := range s.o.Items {
		if want[strings.TrimSpace(it.PackageID)] {
			o.Items = append(o.Items, it)
		}
	}
	return o
}

// finish puts the order's answer together: its known packages in order, each kept or fetched (a
// package the client did not report failed with why), then any package Kedai did not know.
func (s *labelSlot) finish(fetched []market.Label, why error) {
	got := map[string]market.Label{}
	var extra []market.Label
	known := map[string]bool{}
	for _, p := range s.pkgs {
		known[p.ID] = true
	}
	for _, l := range fetched {
		if l.PackageID != "" && known[l.PackageID] {
			got[l.PackageID] = l
		} else {
			extra = append(extra, l)
		}
	}
	s.labels = nil
	for _, p := range s.pkgs {
		if l, ok := s.cached[p.ID]; ok {
			s.labels = append(s.labels, l)
			continue
		}
		l, ok := got[p.ID]
		if !ok {
			if why == nil {
				why = errors.New("the platform did not report this package's label")
			}
			l = market.Label{OrderNo: s.o.OrderNo, PackageID: p.ID, Err: why}
		}
		s.labels = append(s.labels, l)
	}
	s.labels = append(s.labels, extra...)
	if len(s.labels) == 0 {
		if why == nil {
			why = errors.New("the platform did not report this order's labels")
		}
		s.labels = []market.Label{{OrderNo: s.o.OrderNo, Err: why}}
	}
}

// storeLabels answers one store's orders: kept labels first, the rest from its client.
func (e *Engine) storeLabels(ctx context.Context, storeID int64, slots []*labelSlot, opt market.LabelOptions, report func(int)) error {
	platform := slots[0].o.Platform
	kind, err := opt.Kind(platform)
	if err != nil { // e.g. ZPL from Lazada: every package of the store gets why
		for _, s := range slots {
			s.finish(nil, err)
			report(s.units())
		}
		return nil
	}
	var ids []string
	for _, s := range slots {
		for _, p := range s.pkgs {
			ids = append(ids, p.ID)
		}
	}
	kept, err := e.db.Labels(ctx, storeID, kind, ids)
	if err != nil {
		return fmt.Errorf("reading the kept labels: %w", err)
	}
	var ask []*labelSlot
	for _, s := range slots {
		for _, p := range s.pkgs {
			k, ok := kept[p.ID]
			if !ok || k.TrackingNo != "" && p.TrackingNo != "" && k.TrackingNo != p.TrackingNo {
				continue // none, or made for a tracking number the package no longer has
			}
			if s.cached == nil {
				s.cached = map[string]market.Label{}
			}
			s.cached[p.ID] = market.Label{OrderNo: s.o.OrderNo, PackageID: p.ID, Format: k.Format, Data: k.Data}
		}
		if len(s.pkgs) > 0 && len(s.cached) == len(s.pkgs) {
			s.finish(nil, nil)
			report(s.units())
			continue
		}
		report(len(s.cached))
		ask = append(ask, s)
	}
	if len(ask) == 0 {
		return nil
	}
	fail := func(slots []*labelSlot, err error) {
		for _, s := range slots {
			s.finish(nil, err)
			report(s.units() - len(s.cached))
		}
	}
	client, err := e.Client(ctx, storeID)
	var f market.LabelFetcher
	if err == nil {
		var ok bool
		if f, ok = client.(market.LabelFetcher); !ok {
			err = fmt.Errorf("%s's client cannot fetch labels", platform.Title())
		}
	}
	if err != nil {
		fail(ask, err)
		return nil
	}
	size := labelChunk[platform]
	for start := 0; start < len(ask); start += size {
		chunk := ask[start:min(start+size, len(ask))]
		orders := make([]domain.Order, len(chunk))
		for i, s := range chunk {
			orders[i] = s.missing()
		}
		got, ferr := f.Labels(ctx, orders, opt)
		byOrder := map[string][]market.Label{}
		for _, l := range got {
			byOrder[l.OrderNo] = append(byOrder[l.OrderNo], l)
		}
		var rows []db.LabelRow
		now := e.opt.Now()
		for _, s := range chunk {
			tracking := map[string]string{}
			for _, p := range s.pkgs {
				tracking[p.ID] = p.TrackingNo
			}
			for _, l := range byOrder[s.o.OrderNo] {
				if l.Err == nil && l.PackageID != "" && len(l.Data) > 0 {
					rows = append(rows, db.LabelRow{PackageID: l.PackageID, OrderNo: l.OrderNo, Format: l.Format,
						TrackingNo: tracking[l.PackageID], Data: l.Data, FetchedAt: now})
				}
			}
			s.finish(byOrder[s.o.OrderNo], ferr)
			report(s.units() - len(s.cached))
		}
		if err := e.db.SaveLabels(context.WithoutCancel(ctx), storeID, kind, rows); err != nil {
			// The labels are in hand: print them; they are fetched again next time.
			e.opt.Log.Warn("keeping the fetched labels", "store", storeID, "err", err)
		}
		if ferr != nil {
			fail(ask[start+len(chunk):], ferr)
			return nil
		}
	}
	return nil
}
