package lazada

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/sync/market"
)

// listServer serves /orders/get over real HTTP from a list whose reading of update_after and
// update_before the test chooses. The simulator implements one reading of each; the reference
// does not say which is Lazada's, so the client must work with all four, and this is how the
// others are tested. It answers nothing else than what paging needs, and checks the paging limits.
type listServer struct {
	t               *testing.T
	mu              sync.Mutex
	orders          map[string]time.Time // order_id -> updated_at
	afterInclusive  bool
	beforeInclusive bool
	beforePage      func(call int) // runs before each /orders/get answer
	calls           int
}

func (s *listServer) sorted() []string {
	ids := make([]string, 0, len(s.orders))
	for id := range s.orders {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := s.orders[ids[i]], s.orders[ids[j]]
		if !a.Equal(b) {
			return a.Before(b)
		}
		return ids[i] < ids[j]
	})
	return ids
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/rest") {
	case "/orders/get":
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls++
		if s.beforePage != nil {
			s.beforePage(s.calls)
		}
		after, err1 := time.Parse(time.RFC3339, q.Get("update_after"))
		before, err2 := time.Parse(time.RFC3339, q.Get("update_before"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		if err1 != nil || err2 != nil || limit < 1 || limit > 100 || offset < 0 || offset > 5000 ||
			q.Get("sort_by") != "updated_at" || q.Get("sort_direction") != "ASC" {
			s.t.Errorf("bad /orders/get query %v", q)
			fmt.Fprint(w, `{"type":"ISV","code":"14","message":"Invalid Offset","request_id":"x"}`)
			return
		}
		var list []map[string]any
		for _, id := range s.sorted() {
			u := s.orders[id]
			if u.Before(after) || (!s.afterInclusive && u.Equal(after)) || u.After(before) || (!s.beforeInclusive && u.Equal(before)) {
				continue
			}
			list = append(list, map[string]any{"order_id": id, "order_number": "N" + id, "price": "1.00",
				"created_at": "2026-01-01 08:00:00 +0800", "updated_at": u.In(ventureZones["MY"]).Format("2006-01-02 15:04:05 -0700")})
		}
		page := list[min(offset, len(list)):min(offset+limit, len(list))]
		json.NewEncoder(w).Encode(map[string]any{"code": "0", "request_id": "x",
			"data": map[string]any{"count": len(page), "countTotal": len(list), "orders": page}})
	case "/orders/items/get":
		var ids []json.Number
		if err := json.Unmarshal([]byte(q.Get("order_ids")), &ids); err != nil || len(ids) > 50 {
			s.t.Errorf("bad order_ids %q", q.Get("order_ids"))
		}
		var data []map[string]any
		for _, id := range ids {
			data = append(data, map[string]any{"order_id": id, "order_number": "N" + id.String(), "order_items": []map[string]any{
				{"order_item_id": id.String() + "1", "order_id": id, "status": "pending", "item_price": "1.00", "paid_price": "1.00", "currency": "MYR"}}})
		}
		json.NewEncoder(w).Encode(map[string]any{"code": "0", "request_id": "x", "data": data})
	case "/reverse/getreverseordersforseller":
		fmt.Fprint(w, `{"code":"0","request_id":"x","result":{"success":true,"page_no":1,"page_size":50,"total":0,"items":[]}}`)
	default:
		http.NotFound(w, r)
	}
}

func TestPagingUnderEveryReading(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, afterInc := range []bool{true, false} {
		for _, beforeInc := range []bool{true, false} {
			for _, churn := range []bool{false, true} {
				name := fmt.Sprintf("update_after inclusive=%v, update_before inclusive=%v, churn=%v", afterInc, beforeInc, churn)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					pagingCase(t, base, afterInc, beforeInc, churn)
				})
			}
		}
	}
}

func pagingCase(t *testing.T, base time.Time, afterInc, beforeInc, churn bool) {
	s := &listServer{t: t, orders: map[string]time.Time{}, afterInclusive: afterInc, beforeInclusive: beforeInc}
	// 250 orders at the window's first second, 301 at the next, 200 one per second, 120 at the
	// window's end (which belong to the next window), a few just before the window.
	n := 0
	add := func(at time.Time, count int) {
		for range count {
			n++
			s.orders[strconv.Itoa(100000+n)] = at
		}
	}
	from, to := base.Add(time.Hour), base.Add(2*time.Hour)
	add(from.Add(-time.Second), 3)
	add(from, 250)
	add(from.Add(time.Second), 301)
	for i := range 200 {
		add(from.Add(time.Duration(10+i)*time.Second), 1)
	}
	add(to, 120)
	now := to.Add(time.Minute)
	moved := map[string]bool{}
	if churn {
		// Between pages, orders already listed (and some not yet) change: they move to the end,
		// inside the window for odd pages and after it for even ones.
		s.beforePage = func(call int) {
			if call < 2 || call > 12 {
				return
			}
			ids := s.sorted()
			for k := 0; k < 4; k++ {
				id := ids[(call*37+k*53)%len(ids)]
				if call%2 == 1 {
					s.orders[id] = to.Add(-time.Second)
				} else {
					s.orders[id] = now
				}
				moved[id] = true
			}
		}
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	_, _, keeper := linkedStore(t, srv.URL+"/rest", "100200", "secret", "1",
		market.Tokens{Access: "access", Refresh: "refresh", AccessExpires: now.Add(24 * time.Hour)}, now)
	c, err := New(market.Config{BaseURL: srv.URL + "/rest", AppKey: "100200", AppSecret: "secret", Region: "MY",
		Keeper: keeper, Now: func() time.Time { return now }, RetryBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]time.Time{} // the latest update time passed for each order
	err = c.Pull(context.Background(), from, to, func(b market.Batch) error {
		for _, o := range b.Orders {
			if o.UpdatedAt.After(got[o.PlatformID]) || got[o.PlatformID].IsZero() {
				got[o.PlatformID] = o.UpdatedAt
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	missed := 0
	for id, u := range s.orders {
		if u.Before(from) || !u.Before(to) {
			continue
		}
		if g, ok := got[id]; !ok || !g.Equal(u) {
			missed++
			if missed < 5 {
				t.Errorf("order %s updated %v: passed %v (moved %v)", id, u, g, moved[id])
			}
		}
	}
	if missed > 0 {
		t.Errorf("%d orders missed", missed)
	}
	t.Logf("%d orders passed in %d /orders/get calls", len(got), s.calls)
}
