package shopee

// Cancellations and returns against the simulator over loopback: every Shopee flow of issue 8,
// each refusal, evidence images reaching the simulator, and the pull's returns.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
	"github.com/kedai-app/kedai/sync/sim"
)

// newAfterSaleEnv is a shop with fresh orders, synced into the data file.
func newAfterSaleEnv(t *testing.T) *simEnv {
	t.Helper()
	return newFulfilEnv(t, 30)
}

// live is the order as Shopee has it now (get_order_detail), on its tab.
func (e *simEnv) live(no string) domain.Order {
	e.t.Helper()
	got, err := e.c.Orders(e.ctx, []string{no})
	if err != nil || len(got) != 1 {
		e.t.Fatalf("Orders(%s): %v %v", no, got, err)
	}
	got[0].Tab = domain.DeriveTab(&got[0], e.now())
	return got[0]
}

// withStatus is a simulator order in the status, not among skip.
func (e *simEnv) withStatus(status string, skip ...string) domain.Order {
	e.t.Helper()
	o, ok := e.pick(func(o domain.Order) bool {
		return o.Status == status && !slices.Contains(skip, o.OrderNo) && len(o.Items) > 0
	})
	if !ok {
		e.t.Fatalf("no %s order", status)
	}
	return e.live(o.OrderNo)
}

// shopeeErr is err as a platform refusal with that code.
func shopeeErr(t *testing.T, err error, code string) *market.Error {
	t.Helper()
	var me *market.Error
	if !errors.As(err, &me) {
		t.Fatalf("want a *market.Error %s, got %v", code, err)
	}
	if me.Code != code || me.Platform != domain.Shopee || me.Message == "" || me.Retryable {
		t.Errorf("want %s, got %+v", code, me)
	}
	return me
}

// pullReturns pulls [from, to) into the data file and returns what the batches said about
// returns.
func (e *simEnv) pullReturns(from, to time.Time) (map[string]bool, map[string][]domain.AfterSale) {
	e.t.Helper()
	returns, reqs := map[string]bool{}, map[string][]domain.AfterSale{}
	err := e.c.Pull(e.ctx, from, to, func(b market.Batch) error {
		in := map[string]bool{}
		for _, o := range b.Orders {
			in[o.OrderNo] = true
		}
		for no, v := range b.Returns {
			returns[no] = v
		}
		for no, list := range b.AfterSales {
			if !in[no] {
				e.t.Errorf("AfterSales names %s but the batch does not carry the order", no)
			}
			reqs[no] = list
		}
		return e.d.SaveBatch(e.ctx, e.store.ID, b, to, e.now())
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return returns, reqs
}

// request is the order's return as the pull shows it, then as Requests reads it.
func (e *simEnv) request(no string) (domain.Order, domain.AfterSale) {
	e.t.Helper()
	e.s.Clock().Advance(time.Second)
	_, reqs := e.pullReturns(simStart.Add(-time.Hour), e.now())
	if len(reqs[no]) != 1 {
		e.t.Fatalf("the pull shows %d requests for %s: %+v", len(reqs[no]), no, reqs[no])
	}
	o := e.live(no)
	got, err := e.c.Requests(e.ctx, o, reqs[no])
	if err != nil || len(got) != 1 {
		e.t.Fatalf("Requests: %+v %v", got, err)
	}
	return o, got[0]
}

// again is the request as Requests reads it now.
func (e *simEnv) again(o domain.Order, r domain.AfterSale) domain.AfterSale {
	e.t.Helper()
	got, err := e.c.Requests(e.ctx, o, []domain.AfterSale{r})
	if err != nil || len(got) != 1 {
		e.t.Fatalf("Requests: %+v %v", got, err)
	}
	return got[0]
}

// post makes one signed POST to the simulator with a JSON body (or, with ctype, the body as it
// is) and returns its whole answer.
func (e *simEnv) post(path string, body []byte, ctype string) map[string]any {
	e.t.Helper()
	tok, err := e.keeper.Tokens(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	pid, _ := strconv.ParseInt(e.app.Key, 10, 64)
	ts := e.now().Unix()
	q := url.Values{"partner_id": {e.app.Key}, "timestamp": {strconv.FormatInt(ts, 10)}, "access_token": {tok.Access},
		"shop_id": {e.shop.ID}, "sign": {Sign(e.app.Secret, pid, path, ts, tok.Access, e.shop.ID)}}
	if ctype == "" {
		ctype = "application/json"
	}
	resp, err := http.Post(e.srv.URL+"/shopee"+path+"?"+q.Encode(), ctype, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(redactErr(err))
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatalf("%s: HTTP %d: %v", path, resp.StatusCode, err)
	}
	return out
}

func (e *simEnv) postJSON(path string, body map[string]any) map[string]any {
	e.t.Helper()
	b, _ := json.Marshal(body)
	return e.post(path, b, "")
}

func wantError(t *testing.T, ans map[string]any, code string) {
	t.Helper()
	if ans["error"] != code || ans["message"] == "" {
		t.Errorf("want %s, got %v", code, ans)
	}
}

// jpeg and png are evidence images: the formats' signatures and bytes of their own.
func jpeg(seed string) domain.Image {
	return domain.Image{Name: seed + ".jpg", Type: "image/jpeg", Data: append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, []byte("jpeg "+seed)...)}
}

func png(seed string) domain.Image {
	return domain.Image{Name: seed + ".png", Type: "image/png", Data: append([]byte("\x89PNG\r\n\x1a\n"), []byte("png "+seed)...)}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// paths are the calls the simulator logged, in order.
func paths(reqs []sim.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Path)
	}
	return out
}

// A seller's cancel for a customer's request: the order goes CANCELLED by the seller, nothing is
// zeroed, and the next sync puts it on Others.
func TestAfterSaleSellerCancel(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	opts, err := e.c.CancelOptions(e.ctx, o, nil)
	if err != nil || opts.Refused || len(opts.Reasons) != 4 || !slices.Contains(opts.Reasons, domain.Reason{ID: "UNDELIVERABLE_AREA", Text: "Undeliverable Area"}) {
		t.Fatalf("options for a MY shop: %+v %v", opts, err)
	}
	a := domain.Answer{Step: domain.StepCancel, Reason: "CUSTOMER_REQUEST", ReasonText: "Customer Request"}
	if err := a.Check(&o, nil); err != nil {
		t.Fatal(err)
	}
	e.s.ResetRequests(domain.Shopee)
	if tip, err := e.c.Answer(e.ctx, o, a); err != nil || tip != "" {
		t.Fatalf("%q %v", tip, err)
	}
	reqs := e.s.Requests(domain.Shopee)
	if len(reqs) != 1 || reqs[0].Path != pathCancelOrder || reqs[0].Params.Get("order_sn") != o.PlatformID ||
		reqs[0].Params.Get("cancel_reason") != "CUSTOMER_REQUEST" || reqs[0].Params.Has("item_list") {
		t.Errorf("calls %+v", reqs)
	}
	now := e.live(o.OrderNo)
	if now.Status != domain.SpCancelled || now.CancelledBy != "seller" || now.CancelReason != "Customer Request" {
		t.Errorf("after the cancel: %s by %q for %q", now.Status, now.CancelledBy, now.CancelReason)
	}
	if !domain.AnswerDone(&now, &a) {
		t.Error("AnswerDone does not see the cancel done")
	}
	if z := e.s.ZeroedStock(domain.Shopee, e.shop.ID); len(z) != 0 {
		t.Errorf("zeroed %v", z)
	}
	if c, ok := e.s.CancelOf(domain.Shopee, e.shop.ID, o.OrderNo); !ok || len(c.Decisions) != 1 ||
		c.Decisions[0].Step != "cancel_order" || c.Decisions[0].Reason != "CUSTOMER_REQUEST" {
		t.Errorf("the simulator's record %+v", c)
	}
	if opts, _ := e.c.CancelOptions(e.ctx, now, nil); !opts.Refused || opts.Tip == "" {
		t.Errorf("options once cancelled: %+v", opts)
	}
	e.resync()
	if st := e.stored()[o.OrderNo]; st.Status != domain.SpCancelled || st.Tab != domain.TabOthers {
		t.Errorf("in the file: %s on %s", st.Status, st.Tab.Title())
	}
	// A cancelled order cannot be cancelled again: order.error_limit, Shopee's words.
	_, err = e.c.Answer(e.ctx, now, a)
	if me := shopeeErr(t, err, "order.error_limit"); me.Message != "Can not cancel this order" {
		t.Errorf("message %q", me.Message)
	}
}

// Out of Stock names the chosen items by item_id and model_id; the simulator sets their SKUs'
// stock to 0.
func TestAfterSaleCancelOutOfStock(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o, ok := e.pick(func(o domain.Order) bool { return o.Status == domain.SpReadyToShip && len(o.Items) >= 2 })
	if !ok {
		t.Skip("no READY_TO_SHIP order with two items")
	}
	o = e.live(o.OrderNo)
	chosen := o.Items[1]
	a := domain.Answer{Step: domain.StepCancel, Reason: "OUT_OF_STOCK", Items: []string{chosen.PlatformItemID}}
	if err := a.Check(&o, nil); err != nil {
		t.Fatal(err)
	}
	e.s.ResetRequests(domain.Shopee)
	if _, err := e.c.Answer(e.ctx, o, a); err != nil {
		t.Fatal(err)
	}
	reqs := e.s.Requests(domain.Shopee)
	var sent []struct {
		ItemID  json.Number `json:"item_id"`
		ModelID json.Number `json:"model_id"`
	}
	if len(reqs) != 1 || json.Unmarshal([]byte(reqs[0].Params.Get("item_list")), &sent) != nil || len(sent) != 1 ||
		sent[0].ItemID.String() != chosen.ProductID || sent[0].ModelID.String() != chosen.SKUID {
		t.Errorf("item_list %q for item %s/%s", reqs[0].Params.Get("item_list"), chosen.ProductID, chosen.SKUID)
	}
	if z := e.s.ZeroedStock(domain.Shopee, e.shop.ID); !slices.Equal(z, []string{chosen.SKU}) {
		t.Errorf("zeroed %v, want [%s]", z, chosen.SKU)
	}
	if now := e.live(o.OrderNo); now.Status != domain.SpCancelled || now.CancelledBy != "seller" || now.CancelReason != "Out of Stock" {
		t.Errorf("after the cancel: %s by %q for %q", now.Status, now.CancelledBy, now.CancelReason)
	}
	// An item the order does not have is refused before any call.
	other := e.withStatus(domain.SpReadyToShip, o.OrderNo)
	e.s.ResetRequests(domain.Shopee)
	_, err := e.c.Answer(e.ctx, other, domain.Answer{Step: domain.StepCancel, Reason: "OUT_OF_STOCK", Items: []string{"999"}})
	var local *orderError
	if !errors.As(err, &local) || len(e.s.Requests(domain.Shopee)) != 0 {
		t.Errorf("an unknown item: %v, %d calls", err, len(e.s.Requests(domain.Shopee)))
	}
}

// The simulator's refusals of cancel_order: OUT_OF_STOCK without items, an unknown reason, an
// order past shipping; and UNDELIVERABLE_AREA in a shop outside TW and MY (where CancelOptions
// does not offer it).
func TestAfterSaleCancelRefusals(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	wantError(t, e.postJSON(pathCancelOrder, map[string]any{"order_sn": o.PlatformID, "cancel_reason": "OUT_OF_STOCK"}), "error_param")
	wantError(t, e.postJSON(pathCancelOrder, map[string]any{"order_sn": o.PlatformID, "cancel_reason": "OUT_OF_STOCK", "item_list": []any{}}), "error_param")
	wantError(t, e.postJSON(pathCancelOrder, map[string]any{"order_sn": o.PlatformID, "cancel_reason": "BORED"}), "error_param")
	if got := e.live(o.OrderNo); got.Status != domain.SpReadyToShip || len(e.s.ZeroedStock(domain.Shopee, e.shop.ID)) != 0 {
		t.Errorf("a refused cancel changed the order: %s", got.Status)
	}
	for _, st := range []string{domain.SpShipped, domain.SpCompleted, domain.SpUnpaid} {
		o, ok := e.pick(func(o domain.Order) bool { return o.Status == st })
		if !ok {
			continue
		}
		_, err := e.c.Answer(e.ctx, e.live(o.OrderNo), domain.Answer{Step: domain.StepCancel, Reason: "CUSTOMER_REQUEST"})
		shopeeErr(t, err, "order.error_limit")
	}

	// A Singapore shop: no Undeliverable Area.
	sg := e.s.AddShop(domain.Shopee, "Kedai SG", "SG")
	e.s.Generate(domain.Shopee, sg.ID, 10)
	c := e.memClient(sg.ID, "SG")
	var target domain.Order
	for _, so := range e.s.Orders(domain.Shopee, sg.ID) {
		if so.Status == domain.SpReadyToShip {
			target = so
		}
	}
	if target.OrderNo == "" {
		t.Fatal("no READY_TO_SHIP order in the SG shop")
	}
	opts, err := c.CancelOptions(e.ctx, target, nil)
	if err != nil || len(opts.Reasons) != 3 || slices.ContainsFunc(opts.Reasons, func(r domain.Reason) bool { return r.ID == "UNDELIVERABLE_AREA" }) {
		t.Errorf("options for an SG shop: %+v %v", opts, err)
	}
	_, err = c.Answer(e.ctx, target, domain.Answer{Step: domain.StepCancel, Reason: "UNDELIVERABLE_AREA"})
	shopeeErr(t, err, "error_param")
	if got, _ := e.s.Order(domain.Shopee, sg.ID, target.OrderNo); got.Status != domain.SpReadyToShip {
		t.Errorf("refused, yet the order is %s", got.Status)
	}
	if _, err := c.Answer(e.ctx, target, domain.Answer{Step: domain.StepCancel, Reason: "COD_NOT_SUPPORTED"}); err != nil {
		t.Error(err)
	}
}

// memKeeper keeps a shop's tokens in memory.
type memKeeper struct {
	mu  sync.Mutex
	tok market.Tokens
}

func (k *memKeeper) Tokens(context.Context) (market.Tokens, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.tok, nil
}

func (k *memKeeper) SaveTokens(_ context.Context, t market.Tokens) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.tok = t
	return nil
}

// memClient is a client of another shop of the simulator, its tokens in memory.
func (e *simEnv) memClient(shopID, region string) *Client {
	e.t.Helper()
	access, refresh, exp := e.s.Grant(domain.Shopee, shopID)
	e.remember(access, refresh)
	c, err := New(market.Config{
		BaseURL: e.srv.URL + "/shopee", AppKey: e.app.Key, AppSecret: e.app.Secret, ShopID: shopID, Region: region,
		Keeper: &memKeeper{tok: market.Tokens{Access: access, Refresh: refresh, AccessExpires: exp}},
		HTTP:   &http.Client{Timeout: e.httpTO}, Now: e.s.Clock().Now,
		Log:       slog.New(slog.NewTextHandler(e.logs, nil)),
		RetryBase: 5 * time.Millisecond,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// A buyer's cancellation accepted: Requests shows it from the IN_CANCEL order; ACCEPT cancels the
// order by the buyer for the buyer's reason.
func TestAfterSaleBuyerCancelAccept(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	e.s.RequestCancel(domain.Shopee, e.shop.ID, o.OrderNo)
	o = e.live(o.OrderNo)
	if o.Status != domain.SpInCancel || !o.CancelRequested {
		t.Fatalf("after the buyer's request: %s", o.Status)
	}
	reqs, err := e.c.Requests(e.ctx, o, nil)
	if err != nil || len(reqs) != 1 {
		t.Fatalf("%+v %v", reqs, err)
	}
	r := reqs[0]
	if r.Kind != domain.ReqCancel || r.ID != "" || r.Status != domain.SpInCancel || r.By != "buyer" || len(r.Lines) != len(o.Items) {
		t.Errorf("request %+v", r)
	}
	if steps := domain.AfterSaleSteps(domain.Shopee, &r); !slices.Equal(steps, []domain.Step{domain.StepAcceptCancel, domain.StepRejectCancel}) {
		t.Errorf("steps %v", steps)
	}
	a := domain.Answer{Step: domain.StepAcceptCancel, Kind: domain.ReqCancel, FromStatus: r.Status}
	if err := a.Check(&o, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Answer(e.ctx, o, a); err != nil {
		t.Fatal(err)
	}
	view, _ := e.s.CancelOf(domain.Shopee, e.shop.ID, o.OrderNo)
	now := e.live(o.OrderNo)
	if now.Status != domain.SpCancelled || now.CancelledBy != "buyer" || now.CancelRequested || now.CancelReason == "" {
		t.Errorf("after ACCEPT: %s by %q for %q", now.Status, now.CancelledBy, now.CancelReason)
	}
	if len(view.Decisions) != 1 || view.Decisions[0].Step != "ACCEPT" || view.Awaiting {
		t.Errorf("the simulator's record %+v", view)
	}
	if reqs, _ := e.c.Requests(e.ctx, now, nil); len(reqs) != 0 || !domain.AnswerDone(&now, &a) {
		t.Errorf("after ACCEPT: requests %+v, done %v", reqs, domain.AnswerDone(&now, &a))
	}
	if reqs, _ := e.c.Requests(e.ctx, o, []domain.AfterSale{r}); len(reqs) != 1 || reqs[0].Status != domain.SpCancelled ||
		reqs[0].By != "buyer" || domain.AfterSaleOpen(domain.Shopee, &reqs[0]) {
		t.Errorf("the kept request after ACCEPT: %+v", reqs)
	} else if now.AfterSales = reqs; !domain.AnswerDone(&now, &a) {
		t.Error("AnswerDone does not see the acceptance done")
	}
	// Not IN_CANCEL any more: order.cancel_order_invalid_status.
	_, err = e.c.Answer(e.ctx, now, domain.Answer{Step: domain.StepRejectCancel, Kind: domain.ReqCancel})
	shopeeErr(t, err, "order.cancel_order_invalid_status")
}

// A buyer's cancellation refused: the order goes back to its status before IN_CANCEL
// (READY_TO_SHIP, or PROCESSED once arranged) and leaves To Cancel.
func TestAfterSaleBuyerCancelReject(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	fresh := e.withStatus(domain.SpReadyToShip)
	packed := e.withStatus(domain.SpReadyToShip, fresh.OrderNo)
	if res, err := e.c.Pack(e.ctx, []domain.Order{packed}, market.Shipping{Method: market.Pickup}); err != nil || res[0].Err != nil {
		t.Fatalf("pack: %+v %v", res, err)
	}
	for _, tc := range []struct {
		no, before string
	}{{fresh.OrderNo, domain.SpReadyToShip}, {packed.OrderNo, domain.SpProcessed}} {
		e.s.RequestCancel(domain.Shopee, e.shop.ID, tc.no)
		o := e.live(tc.no)
		reqs, err := e.c.Requests(e.ctx, o, nil)
		if err != nil || len(reqs) != 1 {
			t.Fatalf("%+v %v", reqs, err)
		}
		a := domain.Answer{Step: domain.StepRejectCancel, Kind: domain.ReqCancel, FromStatus: reqs[0].Status}
		if err := a.Check(&o, &reqs[0]); err != nil {
			t.Fatal(err)
		}
		e.s.ResetRequests(domain.Shopee)
		if _, err := e.c.Answer(e.ctx, o, a); err != nil {
			t.Fatal(err)
		}
		if r := e.s.Requests(domain.Shopee); len(r) != 1 || r[0].Path != pathBuyerCancel || r[0].Params.Get("operation") != "REJECT" {
			t.Errorf("calls %+v", r)
		}
		now := e.live(tc.no)
		if now.Status != tc.before || now.CancelRequested || now.CancelledBy != "" {
			t.Errorf("%s after REJECT: %s (want %s), requested %v", tc.no, now.Status, tc.before, now.CancelRequested)
		}
		if !domain.AnswerDone(&now, &a) {
			t.Error("AnswerDone does not see the rejection done")
		}
		if v, _ := e.s.CancelOf(domain.Shopee, e.shop.ID, tc.no); len(v.Decisions) != 1 || v.Decisions[0].Step != "REJECT" {
			t.Errorf("decisions %+v", v.Decisions)
		}
		// Read again from the order as it was kept (IN_CANCEL) with the request Kedai kept: the
		// request is closed, with the order's status now, and offers no step.
		again, err := e.c.Requests(e.ctx, o, reqs)
		if err != nil || len(again) != 1 || again[0].Kind != domain.ReqCancel || again[0].Status != tc.before ||
			domain.AfterSaleOpen(domain.Shopee, &again[0]) || len(domain.AfterSaleSteps(domain.Shopee, &again[0])) != 0 {
			t.Errorf("requests after REJECT: %+v %v", again, err)
		}
	}
	e.resync()
	if st := e.stored()[fresh.OrderNo]; st.Tab != domain.TabNew {
		t.Errorf("the refused order is on %s", st.Tab.Title())
	}
}

// A refund only, confirmed: ACCEPTED, no longer open; confirming again is refused.
func TestAfterSaleRefundOnlyConfirm(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	e.s.RequestRefund(domain.Shopee, e.shop.ID, o.OrderNo)
	o, r := e.request(o.OrderNo)
	if r.Kind != domain.ReqRefund || r.Status != domain.SpRetRequested || r.Refund != o.Total || r.By != "buyer" ||
		r.Reason == "" || len(r.Lines) != len(o.Items) || r.Created.IsZero() || r.Deadline.IsZero() {
		t.Errorf("request %+v", r)
	}
	if r.Lines[0].OrderItemID != o.Items[0].PlatformItemID || r.Lines[0].SKU != o.Items[0].SKU {
		t.Errorf("line %+v for item %+v", r.Lines[0], o.Items[0])
	}
	if steps := domain.AfterSaleSteps(domain.Shopee, &r); !slices.Equal(steps, []domain.Step{domain.StepRefund, domain.StepDispute}) {
		t.Errorf("steps %v", steps)
	}
	a := domain.Answer{Step: domain.StepRefund, RequestID: r.ID, Kind: r.Kind, FromStatus: r.Status}
	if err := a.Check(&o, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Answer(e.ctx, o, a); err != nil {
		t.Fatal(err)
	}
	now := e.again(o, r)
	if now.Status != domain.SpRetAccepted || domain.AfterSaleOpen(domain.Shopee, &now) {
		t.Errorf("after confirm: %+v", now)
	}
	o.AfterSales = []domain.AfterSale{now}
	if !domain.AnswerDone(&o, &a) {
		t.Error("AnswerDone does not see the refund done")
	}
	if v, _ := e.s.ReturnOf(domain.Shopee, e.shop.ID, o.OrderNo); len(v.Decisions) != 1 || v.Decisions[0].Step != "confirm" {
		t.Errorf("decisions %+v", v.Decisions)
	}
	_, err := e.c.Answer(e.ctx, o, a)
	shopeeErr(t, err, "returns.return_status_invalid")
	e.s.Clock().Advance(time.Second)
	returns, _ := e.pullReturns(simStart.Add(-time.Hour), e.now())
	if v, ok := returns[o.OrderNo]; !ok || v {
		t.Errorf("the pull says open=%v (listed %v) for an accepted refund", v, ok)
	}
}

// A refund only, disputed with two images: they are uploaded (convert_image) first and reach the
// simulator byte for byte; the return goes JUDGING and stays open.
func TestAfterSaleRefundOnlyDispute(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	e.s.RequestRefund(domain.Shopee, e.shop.ID, o.OrderNo)
	o, r := e.request(o.OrderNo)
	reasons, err := e.c.Reasons(e.ctx, o, r, domain.StepDispute)
	if err != nil || len(reasons) == 0 || reasons[0].ID == "" || reasons[0].Text == "" {
		t.Fatalf("dispute reasons %+v %v", reasons, err)
	}
	if none, err := e.c.Reasons(e.ctx, o, r, domain.StepRefund); none != nil || err != nil {
		t.Errorf("reasons for a refund: %v %v", none, err)
	}
	images := []domain.Image{jpeg("torn box"), png("label")}
	a := domain.Answer{Step: domain.StepDispute, RequestID: r.ID, Kind: r.Kind, FromStatus: r.Status, Reason: reasons[0].ID,
		ReasonText: reasons[0].Text, Comment: "The parcel left us sealed; the courier's photo shows it whole.",
		Email: "seller@butikayu.my", Images: images}
	if err := a.Check(&o, &r); err != nil {
		t.Fatal(err)
	}
	e.s.ResetRequests(domain.Shopee)
	if _, err := e.c.Answer(e.ctx, o, a); err != nil {
		t.Fatal(err)
	}
	if got := paths(e.s.Requests(domain.Shopee)); !slices.Equal(got, []string{pathConvertImage, pathConvertImage, pathDispute}) {
		t.Errorf("calls %v", got)
	}
	uploads := e.s.Uploads(domain.Shopee, e.shop.ID)
	v, _ := e.s.ReturnOf(domain.Shopee, e.shop.ID, o.OrderNo)
	if len(uploads) != 2 || len(v.Decisions) != 1 || len(v.Decisions[0].Images) != 2 {
		t.Fatalf("uploads %+v, decisions %+v", uploads, v.Decisions)
	}
	d := v.Decisions[0]
	if d.Step != "dispute" || d.Reason != reasons[0].ID || d.Comment != a.Comment {
		t.Errorf("decision %+v", d)
	}
	for i, im := range images {
		if d.Images[i].SHA256 != sha(im.Data) || d.Images[i].Type != im.Type || d.Images[i].Name != im.Name || d.Images[i].Size != len(im.Data) {
			t.Errorf("image %d reached the simulator as %+v", i, d.Images[i])
		}
		if !slices.ContainsFunc(uploads, func(u sim.Upload) bool { return u.SHA256 == sha(im.Data) && u.Ref == d.Images[i].Ref }) {
			t.Errorf("image %d is not among the uploads %+v", i, uploads)
		}
	}
	now := e.again(o, r)
	if now.Status != domain.SpRetJudging || !now.Dispute || !domain.AfterSaleOpen(domain.Shopee, &now) || len(domain.AfterSaleSteps(domain.Shopee, &now)) != 0 {
		t.Errorf("after the dispute: %+v", now)
	}
	// Judging: no second dispute.
	_, err = e.c.Answer(e.ctx, o, a)
	shopeeErr(t, err, "returns.return_status_invalid")
	e.s.Clock().Advance(time.Second)
	returns, reqs := e.pullReturns(simStart.Add(-time.Hour), e.now())
	if !returns[o.OrderNo] || len(reqs[o.OrderNo]) != 1 || reqs[o.OrderNo][0].Status != domain.SpRetJudging {
		t.Errorf("the pull: open %v, requests %+v", returns[o.OrderNo], reqs[o.OrderNo])
	}
	if st := e.stored()[o.OrderNo]; !st.ReturnRequested || st.Tab != domain.TabToReturn {
		t.Errorf("in the file: return %v on %s", st.ReturnRequested, st.Tab.Title())
	}
}

// A return and refund negotiated: an offer above the refund is refused; the seller offers, then
// changes the pending offer (each uses one of the counter_limit offers), a third is refused; the
// buyer counters; the seller accepts the buyer's offer. Requests shows the offer history.
func TestAfterSaleReturnNegotiation(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	e.s.RequestReturn(domain.Shopee, e.shop.ID, o.OrderNo)
	o, r := e.request(o.OrderNo)
	if r.Kind != domain.ReqReturn || r.Negotiation != domain.SpNegPendingRespond || r.CounterLimit != 2 ||
		len(r.Offers) != 1 || r.Offers[0].By != "buyer" || r.Offers[0].Amount != o.Total || r.Offers[0].Solution != domain.SpSolutionReturnRefund {
		t.Fatalf("request %+v", r)
	}
	if steps := domain.AfterSaleSteps(domain.Shopee, &r); !slices.Equal(steps, []domain.Step{domain.StepOffer, domain.StepAcceptOffer, domain.StepDispute}) {
		t.Errorf("steps %v", steps)
	}
	offer := func(minor int64) domain.Answer {
		return domain.Answer{Step: domain.StepOffer, RequestID: r.ID, Kind: r.Kind, FromStatus: r.Status,
			Solution: domain.SpSolutionReturnRefund, Amount: domain.Money{Minor: minor, Currency: o.Currency}}
	}
	// More than the refund: refused by the simulator (Check refuses it too).
	_, err := e.c.Answer(e.ctx, o, offer(o.Total.Minor+1))
	shopeeErr(t, err, "returns.offer_amount_invalid")

	half, more := o.Total.Minor/2, o.Total.Minor*3/5
	a := offer(half)
	if err := a.Check(&o, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Answer(e.ctx, o, a); err != nil {
		t.Fatal(err)
	}
	r = e.again(o, r)
	if r.Status != domain.SpRetProcessing || r.Negotiation != domain.SpNegPendingBuyerRespond || r.CounterLimit != 1 || len(r.Offers) != 2 {
		t.Errorf("after the offer: %+v", r)
	}
	o.AfterSales = []domain.AfterSale{r}
	if !domain.AnswerDone(&o, &a) {
		t.Error("AnswerDone does not see the offer made")
	}
	// Nothing of the buyer's to accept now.
	_, err = e.c.Answer(e.ctx, o, domain.Answer{Step: domain.StepAcceptOffer, RequestID: r.ID, Kind: r.Kind})
	shopeeErr(t, err, "returns.negotiation_status_invalid")
	// Change the pending offer.
	if steps := domain.AfterSaleSteps(domain.Shopee, &r); !slices.Equal(steps, []domain.Step{domain.StepOffer, domain.StepDispute}) {
		t.Errorf("steps with the seller's offer pending: %v", steps)
	}
	a = offer(more)
	a.Solution, a.FromStatus = domain.SpSolutionRefund, r.Status
	if err := a.Check(&o, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Answer(e.ctx, o, a); err != nil {
		t.Fatal(err)
	}
	r = e.again(o, r)
	if r.CounterLimit != 0 || len(r.Offers) != 3 || r.Offers[2].Amount.Minor != more || r.Offers[2].Solution != domain.SpSolutionRefund {
		t.Errorf("after the second offer: %+v", r)
	}
	_, err = e.c.Answer(e.ctx, o, offer(half))
	shopeeErr(t, err, "returns.counter_limit_reached")

	// The buyer counters.
	counter := domain.Money{Minor: o.Total.Minor * 4 / 5, Currency: o.Currency}
	if !e.s.BuyerOffer(e.shop.ID, o.OrderNo, counter, domain.SpSolutionReturnRefund) {
		t.Fatal("BuyerOffer")
	}
	r = e.again(o, r)
	want := []domain.Offer{{By: "buyer", Amount: o.Total}, {By: "seller", Amount: domain.Money{Minor: half, Currency: o.Currency}},
		{By: "seller", Amount: domain.Money{Minor: more, Currency: o.Currency}}, {By: "buyer", Amount: counter}}
	if len(r.Offers) != len(want) {
		t.Fatalf("offers %+v", r.Offers)
	}
	for i, w := range want {
		if got := r.Offers[i]; got.By != w.By || got.Amount != w.Amount || got.At.IsZero() {
			t.Errorf("offer %d: %+v, want %s %s", i, got, w.By, w.Amount)
		}
	}
	if steps := domain.AfterSaleSteps(domain.Shopee, &r); !slices.Equal(steps, []domain.Step{domain.StepAcceptOffer, domain.StepDispute}) {
		t.Errorf("steps with the buyer's counter and no offers left: %v", steps)
	}
	a = domain.Answer{Step: domain.StepAcceptOffer, RequestID: r.ID, Kind: r.Kind, FromStatus: r.Status}
	if err := a.Check(&o, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Answer(e.ctx, o, a); err != nil {
		t.Fatal(err)
	}
	r = e.again(o, r)
	if r.Status != domain.SpRetAccepted || r.Negotiation != domain.SpNegTerminated || domain.AfterSaleOpen(domain.Shopee, &r) {
		t.Errorf("after accepting: %+v", r)
	}
	v, _ := e.s.ReturnOf(domain.Shopee, e.shop.ID, o.OrderNo)
	var steps []string
	for _, d := range v.Decisions {
		steps = append(steps, d.Step+" "+d.Amount)
	}
	if want := []string{"offer " + domain.Money{Minor: half, Currency: o.Currency}.Decimal(), "offer " + domain.Money{Minor: more, Currency: o.Currency}.Decimal(),
		"accept_offer " + counter.Decimal()}; !slices.Equal(steps, want) {
		t.Errorf("decisions %q, want %q", steps, want)
	}
}

// A return disputed: each missing part is refused (reason, email, images, an image never
// uploaded), then the dispute goes through.
func TestAfterSaleReturnDispute(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	e.s.RequestReturn(domain.Shopee, e.shop.ID, o.OrderNo)
	o, r := e.request(o.OrderNo)
	reasons, err := e.c.Reasons(e.ctx, o, r, domain.StepDispute)
	if err != nil || len(reasons) == 0 {
		t.Fatal(reasons, err)
	}
	full := domain.Answer{Step: domain.StepDispute, RequestID: r.ID, Kind: r.Kind, FromStatus: r.Status, Reason: reasons[1].ID,
		Comment: "Not the item we sent.", Email: "ops@butikayu.my", Images: []domain.Image{jpeg("serial")}}
	for name, change := range map[string]func(*domain.Answer){
		"no reason":    func(a *domain.Answer) { a.Reason = "" },
		"other reason": func(a *domain.Answer) { a.Reason = "999" },
		"no email":     func(a *domain.Answer) { a.Email = "" },
		"no images":    func(a *domain.Answer) { a.Images = nil },
	} {
		t.Run(name, func(t *testing.T) {
			a := full
			change(&a)
			_, err := e.c.Answer(e.ctx, o, a)
			shopeeErr(t, err, "error_param")
		})
	}
	ans := e.postJSON(pathDispute, map[string]any{"return_sn": r.ID, "email": "ops@butikayu.my", "dispute_reason_id": reasons[0].ID,
		"image_list": []any{map[string]any{"module_index": 1, "requirement": 1, "image_url": []string{"https://cf.shopee.com.my/file/forged"}}}})
	wantError(t, ans, "error_param")
	if now := e.again(o, r); now.Status != domain.SpRetRequested {
		t.Fatalf("refused disputes moved the return to %s", now.Status)
	}
	if v, _ := e.s.ReturnOf(domain.Shopee, e.shop.ID, o.OrderNo); len(v.Decisions) != 0 {
		t.Errorf("refused disputes were recorded: %+v", v.Decisions)
	}
	if _, err := e.c.Answer(e.ctx, o, full); err != nil {
		t.Fatal(err)
	}
	now := e.again(o, r)
	if now.Status != domain.SpRetJudging || !now.Dispute {
		t.Errorf("after the dispute: %+v", now)
	}
	v, _ := e.s.ReturnOf(domain.Shopee, e.shop.ID, o.OrderNo)
	if len(v.Decisions) != 1 || len(v.Decisions[0].Images) != 1 || v.Decisions[0].Images[0].SHA256 != sha(full.Images[0].Data) {
		t.Errorf("decisions %+v", v.Decisions)
	}
	// The platform closes it.
	if !e.s.SettleReturn(domain.Shopee, e.shop.ID, o.OrderNo) {
		t.Fatal("SettleReturn")
	}
	if now := e.again(o, r); now.Status != domain.SpRetClosed || domain.AfterSaleOpen(domain.Shopee, &now) {
		t.Errorf("after the platform's judgement: %+v", now)
	}
}

// convert_image takes a JPEG or PNG in upload_image (or image) and refuses anything else.
func TestAfterSaleConvertImage(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	upload := func(field string, data []byte) map[string]any {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		if field != "" {
			part, _ := w.CreateFormFile(field, "x.bin")
			part.Write(data)
		}
		w.Close()
		return e.post(pathConvertImage, buf.Bytes(), w.FormDataContentType())
	}
	im := png("via image")
	ans := upload("image", im.Data)
	resp, _ := ans["response"].(map[string]any)
	if ans["error"] != "" || resp["url"] == "" {
		t.Fatalf("%v", ans)
	}
	if u := e.s.Uploads(domain.Shopee, e.shop.ID); len(u) != 1 || u[0].SHA256 != sha(im.Data) || u[0].Ref != resp["url"] {
		t.Errorf("uploads %+v", u)
	}
	wantError(t, upload("image", []byte("GIF89a not taken")), "error_param")
	wantError(t, upload("upload_image", nil), "error_param")
	wantError(t, upload("", nil), "error_param")
	wantError(t, e.postJSON(pathConvertImage, map[string]any{"upload_image": "aGVsbG8="}), "error_param")
	if u := e.s.Uploads(domain.Shopee, e.shop.ID); len(u) != 1 {
		t.Errorf("refused uploads were kept: %+v", u)
	}
	// The client refuses what is not an image before sending it.
	e.s.ResetRequests(domain.Shopee)
	if _, err := e.c.convertImage(e.ctx, domain.Image{Name: "notes.txt", Data: []byte("hello")}); err == nil || len(e.s.Requests(domain.Shopee)) != 0 {
		t.Errorf("a text file: %v", err)
	}
}

// The pull: returns the list shows are the orders' requests, open while REQUESTED, PROCESSING or
// JUDGING, and no longer once ACCEPTED; the file keeps them on To Return while open.
func TestAfterSalePullReturns(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	var nos []string
	for range 4 {
		nos = append(nos, e.withStatus(domain.SpReadyToShip, nos...).OrderNo)
	}
	requested, refund, offered, accepted := nos[0], nos[1], nos[2], nos[3]
	e.s.RequestReturn(domain.Shopee, e.shop.ID, requested)
	e.s.RequestRefund(domain.Shopee, e.shop.ID, refund)
	e.s.RequestReturn(domain.Shopee, e.shop.ID, offered)
	e.s.RequestReturn(domain.Shopee, e.shop.ID, accepted)
	e.s.Clock().Advance(time.Second)
	_, reqs := e.pullReturns(simStart.Add(-time.Hour), e.now())
	o := e.live(offered)
	if _, err := e.c.Answer(e.ctx, o, domain.Answer{Step: domain.StepOffer, RequestID: reqs[offered][0].ID,
		Solution: domain.SpSolutionRefund, Amount: domain.Money{Minor: o.Total.Minor / 2, Currency: o.Currency}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Answer(e.ctx, e.live(accepted), domain.Answer{Step: domain.StepRefund, RequestID: reqs[accepted][0].ID}); err != nil {
		t.Fatal(err)
	}
	from := e.cursor()
	e.s.Clock().Advance(time.Second)
	returns, reqs := e.pullReturns(from, e.now())
	want := map[string]struct {
		open   bool
		kind   domain.RequestKind
		status string
		neg    string
	}{
		offered:  {true, domain.ReqReturn, domain.SpRetProcessing, domain.SpNegPendingBuyerRespond},
		accepted: {false, domain.ReqReturn, domain.SpRetAccepted, domain.SpNegTerminated},
	}
	for no, w := range want {
		got := reqs[no]
		if returns[no] != w.open || len(got) != 1 || got[0].Kind != w.kind || got[0].Status != w.status || got[0].Negotiation != w.neg {
			t.Errorf("%s: open %v, requests %+v; want %+v", no, returns[no], got, w)
		}
	}
	for _, no := range []string{requested, refund} {
		if _, listed := returns[no]; listed {
			t.Errorf("%s was not updated since the cursor, yet listed", no)
		}
	}
	// From the start: all four.
	e.s.Clock().Advance(time.Second)
	returns, reqs = e.pullReturns(simStart.Add(-time.Hour), e.now())
	for no, w := range map[string]bool{requested: true, refund: true, offered: true, accepted: false} {
		if v, ok := returns[no]; !ok || v != w || len(reqs[no]) != 1 {
			t.Errorf("%s: open %v (listed %v), want %v; requests %+v", no, v, ok, w, reqs[no])
		}
	}
	if reqs[refund][0].Kind != domain.ReqRefund || reqs[requested][0].Kind != domain.ReqReturn {
		t.Errorf("kinds %s %s", reqs[refund][0].Kind, reqs[requested][0].Kind)
	}
	stored := e.stored()
	for _, no := range nos {
		want := domain.TabToReturn // an accepted return completes the order (it leaves TO_RETURN)
		if no == accepted {
			want = domain.TabCompleted
		}
		if st := stored[no]; st.Tab != want || st.ReturnRequested != returns[no] {
			t.Errorf("%s in the file: %s, return open %v", no, st.Tab.Title(), st.ReturnRequested)
		}
	}
	checkLimits(t, e.s.Requests(domain.Shopee))
}

// Steps Shopee has no call for are refused without a call.
func TestAfterSaleNoSuchStep(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	e.s.ResetRequests(domain.Shopee)
	for _, s := range []domain.Step{domain.StepAgreeReturn, domain.StepConfirmReceipt, domain.StepReject} {
		_, err := e.c.Answer(e.ctx, o, domain.Answer{Step: s, RequestID: "1"})
		if !errors.Is(err, ErrNoSuchAction) {
			t.Errorf("%s: %v", s, err)
		}
	}
	_, err := e.c.Answer(e.ctx, o, domain.Answer{Step: domain.StepRefund})
	var local *orderError
	if !errors.As(err, &local) || len(e.s.Requests(domain.Shopee)) != 0 {
		t.Errorf("a refund with no return_sn: %v", err)
	}
	if _, err := e.c.Requests(e.ctx, o, []domain.AfterSale{{Kind: domain.ReqReturn, ID: "404404404404404"}}); err == nil {
		t.Error("an unknown return_sn was read")
	} else {
		shopeeErr(t, err, "error_not_found")
	}
}

// An order on To Return whose return Kedai never pulled (a workspace whose first sync started
// after the request) still shows it: Requests finds its return_sn in the return list.
func TestAfterSaleRequestsFindAReturnNotPulled(t *testing.T) {
	t.Parallel()
	e := newAfterSaleEnv(t)
	o := e.withStatus(domain.SpReadyToShip)
	e.s.RequestReturn(domain.Shopee, e.shop.ID, o.OrderNo)
	e.s.Clock().Advance(time.Second)
	o = e.live(o.OrderNo)
	if o.Status != domain.SpToReturn {
		t.Fatalf("the order is %s", o.Status)
	}
	got, err := e.c.Requests(e.ctx, o, nil)
	want, _ := e.s.ReturnOf(domain.Shopee, e.shop.ID, o.OrderNo)
	if err != nil || len(got) != 1 || got[0].ID != want.ID || got[0].Kind != domain.ReqReturn || got[0].Status != domain.SpRetRequested {
		t.Fatalf("Requests without a known return: %+v %v (the simulator has %s)", got, err, want.ID)
	}
	// An order with no return finds none, and says so without an error.
	plain := e.withStatus(domain.SpReadyToShip, o.OrderNo)
	if got, err := e.c.Requests(e.ctx, plain, nil); err != nil || len(got) != 0 {
		t.Errorf("an order without a return: %+v %v", got, err)
	}
}
