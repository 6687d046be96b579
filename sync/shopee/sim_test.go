package shopee

// Integration tests: the client against the simulator (sync/sim) over real HTTP on loopback,
// with the shop's tokens in a real Kedai data file.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// simStart is the simulator's fixed start.
var simStart = time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC)

// lockedBuffer collects log lines from concurrent calls.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type simEnv struct {
	t      *testing.T
	ctx    context.Context
	s      *sim.Sim
	srv    *httptest.Server
	shop   sim.Shop
	app    sim.App
	d      *db.DB
	path   string
	opts   db.Options
	store  domain.Store
	keeper market.Keeper
	c      *Client
	logs   *lockedBuffer
	httpTO time.Duration

	// Every token the shop ever had, for the leak check.
	secretsMu sync.Mutex
	secrets   []string
}

type envOptions struct {
	httpTimeout time.Duration          // default 10 s
	setup       func(e *simEnv)        // runs before the tokens are granted (it may move the clock)
	reopenable  bool                   // a data file that can be closed and opened again
	clientShop  func(e *simEnv) string // the configured ShopID (default the shop's)
}

func newSimEnv(t *testing.T, o envOptions) *simEnv {
	t.Helper()
	e := &simEnv{t: t, ctx: context.Background(), logs: &lockedBuffer{}, httpTO: o.httpTimeout}
	if e.httpTO == 0 {
		e.httpTO = 10 * time.Second
	}
	e.s = sim.New(sim.Options{Seed: 1, Manual: true, Start: simStart})
	e.srv = httptest.NewServer(e.s.Handler())
	t.Cleanup(func() {
		e.s.Close()
		e.srv.Close()
	})
	e.shop = e.s.AddShop(domain.Shopee, "Butik Ayu", "MY")
	e.app = e.s.App(domain.Shopee)
	if o.setup != nil {
		o.setup(e)
	}
	// Pulls end at the clock's now, exclusive: move past what setup did at now.
	e.s.Clock().Advance(time.Second)
	access, refresh, exp := e.s.Grant(domain.Shopee, e.shop.ID)
	e.remember(access, refresh)
	if o.reopenable {
		e.opts = dbtest.Options(t)
		e.path = filepath.Join(t.TempDir(), "kedai.db")
		d, err := db.OpenWith(e.path, e.opts)
		if err != nil {
			t.Fatal(err)
		}
		e.d = d
		t.Cleanup(func() { e.d.Close() })
	} else {
		e.d = dbtest.Open(t)
	}
	st, err := e.d.LinkStore(e.ctx, domain.Store{Platform: domain.Shopee, Name: "Butik Ayu", Region: "MY", ShopID: e.shop.ID},
		db.Link{BaseURL: e.srv.URL + "/shopee", AppKey: e.app.Key},
		db.Secrets{AppSecret: e.app.Secret, Tokens: market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}},
		3, e.s.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	e.store = st
	e.keeper = e.d.Keeper(st.ID)
	shopID := e.shop.ID
	if o.clientShop != nil {
		shopID = o.clientShop(e)
	}
	e.c = e.client(shopID)
	t.Cleanup(e.checkLeaks)
	return e
}

// client is a new client of the store, its tokens in the data file.
func (e *simEnv) client(shopID string) *Client {
	e.t.Helper()
	c, err := New(market.Config{
		BaseURL: e.srv.URL + "/shopee", AppKey: e.app.Key, AppSecret: e.app.Secret, ShopID: shopID, Region: "MY",
		Keeper: e.d.Keeper(e.store.ID), HTTP: &http.Client{Timeout: e.httpTO}, Now: e.s.Clock().Now,
		Log:       slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RetryBase: 5 * time.Millisecond,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *simEnv) remember(s ...string) {
	e.secretsMu.Lock()
	defer e.secretsMu.Unlock()
	for _, v := range s {
		if v != "" {
			e.secrets = append(e.secrets, v)
		}
	}
}

// checkLeaks looks for every secret in the log.
func (e *simEnv) checkLeaks() {
	if tok, err := e.keeper.Tokens(e.ctx); err == nil {
		e.remember(tok.Access, tok.Refresh)
	}
	logs := e.logs.String()
	e.secretsMu.Lock()
	defer e.secretsMu.Unlock()
	for _, s := range append([]string{e.app.Secret}, e.secrets...) {
		if strings.Contains(logs, s) {
			e.t.Errorf("a secret is in the log:\n%s", logs)
			return
		}
	}
	for _, s := range []string{"access_token=", "sign="} {
		if strings.Contains(logs, s) {
			e.t.Errorf("%q is in the log:\n%s", s, logs)
		}
	}
}

// assertNoSecret fails when err's text holds a secret.
func (e *simEnv) assertNoSecret(err error) {
	e.t.Helper()
	if err == nil {
		return
	}
	if tok, terr := e.keeper.Tokens(e.ctx); terr == nil {
		e.remember(tok.Access, tok.Refresh)
	}
	e.secretsMu.Lock()
	defer e.secretsMu.Unlock()
	for _, s := range append([]string{e.app.Secret, "access_token=", "sign="}, e.secrets...) {
		if strings.Contains(err.Error(), s) {
			e.t.Errorf("the error shows a secret: %v", err)
		}
	}
}

func (e *simEnv) now() time.Time { return e.s.Clock().Now() }

// pull runs one Pull with c into the data file, checking the batches' contract.
func (e *simEnv) pull(c *Client, from, to time.Time) error {
	e.t.Helper()
	finals, batches := 0, 0
	err := c.Pull(e.ctx, from, to, func(b market.Batch) error {
		batches++
		if finals > 0 {
			e.t.Error("a batch came after the final one")
		}
		if b.Final {
			finals++
		}
		in := map[string]bool{}
		for _, o := range b.Orders {
			in[o.OrderNo] = true
		}
		for no := range b.Returns {
			if !in[no] {
				e.t.Errorf("Returns names %s but the batch does not carry the order", no)
			}
		}
		return e.d.SaveBatch(e.ctx, e.store.ID, b, to, e.now())
	})
	if err == nil && finals != 1 {
		e.t.Errorf("%d final batches in %d", finals, batches)
	}
	return err
}

// cursor is where the store's sync stands.
func (e *simEnv) cursor() time.Time {
	e.t.Helper()
	st, err := e.d.SyncState(e.ctx, e.store.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Cursor
}

// carried is what a Shopee order can say (sync/MAPPING.md), for comparing.
type carried struct {
	OrderNo, PlatformID, Status         string
	Created, Updated, Paid, ShipBy      int64
	Currency                            string
	Subtotal, Shipping, PlatformVoucher int64
	Total                               int64
	PaymentMethod                       string
	COD                                 bool
	Username, UserID                    string
	Address                             domain.Address
	BuyerNote, SellerNote               string
	CancelReason, CancelledBy           string
	CancelRequested, ReturnRequested    bool
	DeliveryOption                      string
	Items                               []carriedItem
	Packages                            []domain.Package
}

type carriedItem struct {
	PlatformItemID, ProductID, SKUID, SKU, Name, Variation string
	Qty                                                    int
	UnitPrice, PaidPrice                                   int64
	ImageURL, PackageID                                    string
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func carry(o domain.Order) carried {
	c := carried{OrderNo: o.OrderNo, PlatformID: o.PlatformID, Status: o.Status,
		Created: unix(o.CreatedAt), Updated: unix(o.UpdatedAt), Paid: unix(o.PaidAt), ShipBy: unix(o.ShipBy),
		Currency: o.Currency, Subtotal: o.Subtotal.Minor, Shipping: o.ShippingFee.Minor, PlatformVoucher: o.PlatformVoucher.Minor,
		Total: o.Total.Minor, PaymentMethod: o.PaymentMethod, COD: o.COD, Username: o.Buyer.Username, UserID: o.Buyer.UserID,
		Address: o.Address, BuyerNote: o.BuyerNote, SellerNote: o.SellerNote, CancelReason: o.CancelReason,
		CancelledBy: o.CancelledBy, CancelRequested: o.CancelRequested, ReturnRequested: o.ReturnRequested,
		DeliveryOption: o.DeliveryOption, Packages: o.Packages}
	if len(c.Address.Lines) == 0 {
		c.Address.Lines = nil
	}
	if len(c.Packages) == 0 {
		c.Packages = nil
	}
	for _, it := range o.Items {
		c.Items = append(c.Items, carriedItem{PlatformItemID: it.PlatformItemID, ProductID: it.ProductID, SKUID: it.SKUID,
			SKU: it.SKU, Name: it.Name, Variation: it.Variation, Qty: it.Qty, UnitPrice: it.UnitPrice.Minor,
			PaidPrice: it.PaidPrice.Minor, ImageURL: it.ImageURL, PackageID: it.PackageID})
	}
	return c
}

// asCarried is the simulator's order as Shopee can carry it, by sync/MAPPING.md: the address
// has one line (full_address); Subtotal is the items at their discounted price and
// PlatformVoucher whatever Subtotal + ShippingFee exceeds Total by. The simulator's own Subtotal
// is at the original price, and it keeps seller vouchers apart, which the order API cannot
// tell (MAPPING.md: SellerVoucher and SellerDiscount are not carried).
func asCarried(o domain.Order) carried {
	c := carry(o)
	// Tracking numbers are asked for only while an order is being shipped (see tracked).
	c.Packages = nil
	for _, p := range o.Packages {
		if !tracked(o.Status, p) {
			p.TrackingNo = ""
		}
		c.Packages = append(c.Packages, p)
	}
	if len(o.Address.Lines) > 0 {
		c.Address.Lines = []string{strings.Join(o.Address.Lines, ", ")}
	}
	var sub int64
	for _, it := range o.Items {
		sub += it.PaidPrice.Minor * int64(it.Qty)
	}
	c.Subtotal = sub
	c.PlatformVoucher = max(0, sub+o.ShippingFee.Minor-o.Total.Minor)
	return c
}

// diff lists the fields where got differs from want.
func diff(want, got carried) []string {
	var out []string
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		if !reflect.DeepEqual(w, g) {
			wj, _ := json.Marshal(w)
			gj, _ := json.Marshal(g)
			out = append(out, fmt.Sprintf("%s: want %s, got %s", wv.Type().Field(i).Name, wj, gj))
		}
	}
	return out
}

// stored loads the store's orders from the data file by number.
func (e *simEnv) stored() map[string]domain.Order {
	e.t.Helper()
	ids, err := e.d.OrderIDs(e.ctx, domain.OrderQuery{StoreIDs: []int64{e.store.ID}})
	if err != nil {
		e.t.Fatal(err)
	}
	orders, err := e.d.Orders(e.ctx, ids)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]domain.Order{}
	for _, o := range orders {
		out[o.OrderNo] = o
	}
	return out
}

// compare checks the data file against the simulator's orders that include selects, on every
// field Shopee carries, and that the file holds no order the simulator does not have. It
// returns how many orders were compared.
func (e *simEnv) compare(include func(domain.Order) bool) int {
	e.t.Helper()
	got := e.stored()
	truth := e.s.Orders(domain.Shopee, e.shop.ID)
	known := map[string]bool{}
	n, bad := 0, 0
	for _, w := range truth {
		known[w.OrderNo] = true
		if !include(w) {
			continue
		}
		n++
		g, ok := got[w.OrderNo]
		if !ok {
			if bad++; bad <= 10 {
				e.t.Errorf("order %s (%s, updated %s) is missing", w.OrderNo, w.Status, w.UpdatedAt.Format(time.RFC3339))
			}
			continue
		}
		if d := diff(asCarried(w), carry(g)); len(d) > 0 {
			if bad++; bad <= 10 {
				e.t.Errorf("order %s differs:\n  %s", w.OrderNo, strings.Join(d, "\n  "))
			}
		}
	}
	for no := range got {
		if !known[no] {
			e.t.Errorf("order %s is in the file but not on the platform", no)
		}
	}
	if bad > 10 {
		e.t.Errorf("... %d orders wrong in all", bad)
	}
	return n
}

func all(domain.Order) bool { return true }

func updatedIn(from, to time.Time) func(domain.Order) bool {
	return func(o domain.Order) bool { return !o.UpdatedAt.Before(from) && o.UpdatedAt.Before(to) }
}

// checkLimits fails on any request that breaks the documented limits (S3, S5).
func checkLimits(t *testing.T, reqs []sim.Request) {
	t.Helper()
	maxRange := int64(MaxWindow / time.Second)
	num := func(r sim.Request, k string) int64 {
		n, err := strconv.ParseInt(r.Params.Get(k), 10, 64)
		if err != nil {
			t.Errorf("%s: %s=%q", r.Path, k, r.Params.Get(k))
		}
		return n
	}
	for _, r := range reqs {
		switch r.Path {
		case pathOrderList:
			if f, to := num(r, "time_from"), num(r, "time_to"); to-f > maxRange || to <= f {
				t.Errorf("get_order_list window %d..%d (%v)", f, to, time.Duration(to-f)*time.Second)
			}
			if ps := num(r, "page_size"); ps < 1 || ps > 100 {
				t.Errorf("get_order_list page_size %d", ps)
			}
			if r.Params.Get("time_range_field") != "update_time" {
				t.Errorf("time_range_field %q", r.Params.Get("time_range_field"))
			}
		case pathOrderDetail:
			if n := len(strings.Split(r.Params.Get("order_sn_list"), ",")); n < 1 || n > 50 {
				t.Errorf("get_order_detail with %d order_sns", n)
			}
		case pathReturnList:
			if ps := num(r, "page_size"); ps < 1 || ps > 100 {
				t.Errorf("get_return_list page_size %d", ps)
			}
			if num(r, "page_no") < 0 {
				t.Errorf("get_return_list page_no %s", r.Params.Get("page_no"))
			}
			if f, to := num(r, "update_time_from"), num(r, "update_time_to"); to-f > maxRange || to <= f {
				t.Errorf("get_return_list window %d..%d", f, to)
			}
		}
	}
}

func count(reqs []sim.Request, path string) int {
	n := 0
	for _, r := range reqs {
		if r.Path == path {
			n++
		}
	}
	return n
}

// pick finds a simulator order in one of the statuses that include does not exclude.
func (e *simEnv) pick(ok func(domain.Order) bool) (domain.Order, bool) {
	for _, o := range e.s.Orders(domain.Shopee, e.shop.ID) {
		if ok(o) {
			return o, true
		}
	}
	return domain.Order{}, false
}
