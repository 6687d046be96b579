package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// The Lazada reverse APIs over HTTP, signed by the tests' own signer: the refusals a client
// cannot easily provoke (malformed ids, batches, unknown images) and the state each step leaves.

// lzUnit is one item of a shaped test order: its status and package ("" for none).
type lzUnit struct{ status, pkg string }

// lzShaped adds a Lazada order whose items have the given statuses and packages, and returns it
// as stored (with its ids).
func lzShaped(e *env, units ...lzUnit) domain.Order {
	e.t.Helper()
	sh := e.shops[domain.Lazada]
	o := e.sim.Generate(domain.Lazada, sh.ID, 1)[0]
	base := o.Items[0]
	o.Items, o.Packages = nil, nil
	o.PaidAt = o.CreatedAt
	pkgs := map[string]bool{}
	for i, u := range units {
		it := base
		it.PlatformItemID, it.Qty, it.Status, it.PackageID = "", 1, u.status, u.pkg
		it.SKU = fmt.Sprintf("%s-%d", base.SKU, i)
		o.Items = append(o.Items, it)
		if u.pkg != "" && !pkgs[u.pkg] {
			pkgs[u.pkg] = true
			o.Packages = append(o.Packages, domain.Package{ID: u.pkg, TrackingNo: "TRK" + u.pkg, Provider: "LEX MY", Status: u.status})
		}
		if u.status == domain.LzDelivered {
			o.DeliveredAt = o.CreatedAt
		}
	}
	e.sim.PutOrders(domain.Lazada, sh.ID, []domain.Order{o})
	got, _ := e.sim.Order(domain.Lazada, sh.ID, o.OrderNo)
	return got
}

// lzCall is a GET on the shop's token.
func (e *env) lzCall(path string, params map[string]string) answer {
	e.t.Helper()
	return e.lazada(http.MethodGet, path, e.tok[domain.Lazada], params)
}

func mustCode(t *testing.T, what string, a answer, code string) {
	t.Helper()
	if a.str("code") != code {
		t.Errorf("%s: code %q (%s), want %q", what, a.str("code"), a.body, code)
	}
}

func itemIDs(o domain.Order) []string {
	var out []string
	for _, it := range o.Items {
		out = append(out, it.PlatformItemID)
	}
	return out
}

func jsonIDs(ids ...string) string { return "[" + strings.Join(ids, ",") + "]" }

// lzReverse finds the order's request in the reverse list (by trade_order_id).
func (e *env) lzReverse(o domain.Order, requestType string) map[string]any {
	e.t.Helper()
	a := e.lzCall("/reverse/getreverseordersforseller", map[string]string{"page_no": "1", "page_size": "50", "trade_order_id": o.PlatformID})
	mustCode(e.t, "reverse list", a, "0")
	for _, raw := range a.list("result", "items") {
		it := raw.(map[string]any)
		if str(it["trade_order_id"]) != o.PlatformID {
			e.t.Errorf("trade_order_id filter let %v through", it["trade_order_id"])
		}
		if it["request_type"] == requestType {
			return it
		}
	}
	e.t.Fatalf("order %s has no %s request in the reverse list: %s", o.OrderNo, requestType, a.body)
	return nil
}

func lzLines(ro map[string]any) []map[string]any {
	var out []map[string]any
	for _, raw := range ro["reverse_order_lines"].([]any) {
		out = append(out, raw.(map[string]any))
	}
	return out
}

// lzItems is GetOrderItems' answer by order_item_id.
func (e *env) lzItems(o domain.Order) map[string]map[string]any {
	e.t.Helper()
	a := e.lzCall("/order/items/get", map[string]string{"order_id": o.PlatformID})
	mustCode(e.t, "items", a, "0")
	out := map[string]map[string]any{}
	for _, raw := range a.list("data") {
		it := raw.(map[string]any)
		out[str(it["order_item_id"])] = it
	}
	return out
}

func TestLazadaCancelValidateAndCreate(t *testing.T) {
	e := newEnv(t)
	o := lzShaped(e, lzUnit{domain.LzPending, ""}, lzUnit{domain.LzPacked, "FPA"}, lzUnit{domain.LzPacked, "FPA"},
		lzUnit{domain.LzPacked, "FPB"}, lzUnit{domain.LzDelivered, "FPC"})
	ids := itemIDs(o)

	for _, c := range []struct {
		params map[string]string
		code   string
	}{
		{map[string]string{"order_item_id_list": jsonIDs(ids[0])}, "115"},
		{map[string]string{"order_id": "999", "order_item_id_list": jsonIDs(ids[0])}, "122"},
		{map[string]string{"order_id": o.PlatformID}, "102"},
		{map[string]string{"order_id": o.PlatformID, "order_item_id_list": "[123]"}, "123"},
	} {
		mustCode(t, fmt.Sprint(c.params), e.lzCall("/order/reverse/cancel/validate", c.params), c.code)
	}

	a := e.lzCall("/order/reverse/cancel/validate", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[4])})
	must(t, a.str("data", "tip_type") == "error" && len(a.list("data", "reason_options")) == 0 &&
		strings.Contains(a.str("data", "tip_content"), "delivered"), "a delivered item: %s", a.body)

	a = e.lzCall("/order/reverse/cancel/validate", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[0], ids[1])})
	must(t, a.str("data", "tip_type") == "warning" && strings.HasPrefix(a.str("data", "tip_content"), "SKU stock may be set to 0*"), "validate: %s", a.body)
	var reasons []string
	for _, raw := range a.list("data", "reason_options") {
		r := raw.(map[string]any)
		reasons = append(reasons, str(r["reason_id"])+" "+str(r["reason_name"]))
	}
	must(t, slices.Equal(reasons, []string{"10000019 Sourcing Delay", "10000021 Out of Stock", "10000023 Wrong Price or Pricing Error"}), "reasons %q", reasons)

	mustCode(t, "no reason", e.lzCall("/order/reverse/cancel/create", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[1])}), "104")
	mustCode(t, "unknown reason", e.lzCall("/order/reverse/cancel/create", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[1]), "reason_id": "1"}), "104")
	a = e.lzCall("/order/reverse/cancel/create", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[4]), "reason_id": "10000019"})
	must(t, a.str("code") == "0" && a.str("data", "tip_type") == "error", "cancelling a delivered item: %s", a.body)

	// The packed item takes its package mate with it; the other package and the pending item stay.
	e.sim.Clock().Advance(time.Minute)
	a = e.lzCall("/order/reverse/cancel/create", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[1]), "reason_id": "10000021"})
	must(t, a.str("data", "tip_type") == "success" && strings.HasPrefix(a.str("data", "tip_content"), "The order has been cancelled"), "create: %s", a.body)
	items := e.lzItems(o)
	for i, want := range []string{domain.LzPending, domain.LzCanceled, domain.LzCanceled, domain.LzPacked, domain.LzDelivered} {
		it := items[ids[i]]
		must(t, it["status"] == want, "item %d: %v, want %s", i, it["status"], want)
		if want == domain.LzCanceled {
			must(t, it["cancel_return_initiator"] == "cancellation-seller" && it["reason"] == "Out of Stock", "item %d: %v", i, it)
		}
	}
	must(t, slices.Equal(e.sim.ZeroedStock(domain.Lazada, e.shops[domain.Lazada].ID), []string{o.Items[1].SKU}), "zeroed %v", e.sim.ZeroedStock(domain.Lazada, e.shops[domain.Lazada].ID))
	got, _ := e.sim.Order(domain.Lazada, e.shops[domain.Lazada].ID, o.OrderNo)
	must(t, got.UpdatedAt.Equal(e.sim.Clock().Now().Truncate(time.Second)), "the order's update time did not move")
	pkg, _ := got.Package("FPA")
	must(t, pkg.Status == domain.LzCanceled, "package FPA is %s", pkg.Status)

	// Sourcing Delay leaves the stock alone.
	e.lzCall("/order/reverse/cancel/create", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[0]), "reason_id": "10000019"})
	must(t, len(e.sim.ZeroedStock(domain.Lazada, e.shops[domain.Lazada].ID)) == 1, "Sourcing Delay zeroed stock")
	a = e.lzCall("/order/reverse/cancel/validate", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(ids[0])})
	must(t, a.str("data", "tip_type") == "error", "an item cancelled twice: %s", a.body)
}

func TestLazadaBuyerCancelDecide(t *testing.T) {
	e := newEnv(t)
	shop := e.shops[domain.Lazada].ID
	accept := lzShaped(e, lzUnit{domain.LzPending, ""}, lzUnit{domain.LzPending, ""})
	reject := lzShaped(e, lzUnit{domain.LzPending, ""})
	e.sim.RequestCancel(domain.Lazada, shop, accept.OrderNo)
	e.sim.RequestCancel(domain.Lazada, shop, reject.OrderNo)

	for _, o := range []domain.Order{accept, reject} {
		ro := e.lzReverse(o, "CANCEL")
		for _, l := range lzLines(ro) {
			must(t, l["reverse_status"] == domain.LzRevRequestInitiate, "line %v", l)
		}
		for id, it := range e.lzItems(o) {
			must(t, it["need_cancel_confirm"] == true && str(it["reverse_order_id"]) == str(ro["reverse_order_id"]), "item %s: %v", id, it)
		}
		a := e.lzCall("/order/get", map[string]string{"order_id": o.PlatformID})
		must(t, a.get("data", "need_cancel_confirm") == true, "order: %s", a.body)
		// the validate call refuses a seller's cancel while the buyer's awaits
		a = e.lzCall("/order/reverse/cancel/validate", map[string]string{"order_id": o.PlatformID, "order_item_id_list": jsonIDs(o.Items[0].PlatformItemID)})
		must(t, a.str("data", "tip_type") == "error", "validate during a buyer's cancellation: %s", a.body)
	}
	cv, _ := e.sim.CancelOf(domain.Lazada, shop, accept.OrderNo)
	rv, _ := e.sim.CancelOf(domain.Lazada, shop, reject.OrderNo)

	mustCode(t, "no id", e.lzCall("/order/reverse/cancel/seller/decide", map[string]string{"agree_cancel": "true"}), "105")
	mustCode(t, "unknown id", e.lzCall("/order/reverse/cancel/seller/decide", map[string]string{"reverse_order_id": "123", "agree_cancel": "true"}), "105")
	mustCode(t, "no decision", e.lzCall("/order/reverse/cancel/seller/decide", map[string]string{"reverse_order_id": cv.ID}), "131")
	mustCode(t, "refuse without a reason", e.lzCall("/order/reverse/cancel/seller/decide", map[string]string{"reverse_order_id": rv.ID, "agree_cancel": "false"}), "108")

	mustCode(t, "agree", e.lzCall("/order/reverse/cancel/seller/decide", map[string]string{"reverse_order_id": cv.ID, "agree_cancel": "true"}), "0")
	for id, it := range e.lzItems(accept) {
		must(t, it["status"] == domain.LzCanceled && it["cancel_return_initiator"] == "cancellation-customer" &&
			it["need_cancel_confirm"] == false && str(it["reverse_order_id"]) == cv.ID && it["reason"] != "", "accepted item %s: %v", id, it)
	}
	cv, _ = e.sim.CancelOf(domain.Lazada, shop, accept.OrderNo)
	must(t, cv.Status == domain.LzRevCancelSuccess && !cv.Awaiting && len(cv.Decisions) == 1 && cv.Decisions[0].Step == "agreeCancel", "accepted request %+v", cv)
	mustCode(t, "agree twice", e.lzCall("/order/reverse/cancel/seller/decide", map[string]string{"reverse_order_id": cv.ID, "agree_cancel": "true"}), "114")

	mustCode(t, "refuse", e.lzCall("/order/reverse/cancel/seller/decide", map[string]string{"reverse_order_id": rv.ID, "agree_cancel": "false", "reason_code": "20000102"}), "0")
	for id, it := range e.lzItems(reject) {
		must(t, it["status"] == domain.LzPending && it["need_cancel_confirm"] == false, "refused item %s: %v", id, it)
	}
	rv, _ = e.sim.CancelOf(domain.Lazada, shop, reject.OrderNo)
	must(t, rv.Status == domain.LzRevRequestReject && len(rv.Decisions) == 1 && rv.Decisions[0].Reason == "20000102", "refused request %+v", rv)
	for _, l := range lzLines(e.lzReverse(reject, "CANCEL")) {
		must(t, l["reverse_status"] == domain.LzRevRequestReject, "refused line %v", l)
	}
}

// lzUpload posts an image to /image/upload as multipart/form-data, the parameters signed as
// fields and the file left out of the signature.
func (e *env) lzUpload(field, name string, data []byte) answer {
	e.t.Helper()
	v := e.lazadaParams(e.tok[domain.Lazada], nil)
	v.Set("sign", lzSign(e.sim.App(domain.Lazada).Secret, "/image/upload", v))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k := range v {
		_ = mw.WriteField(k, v.Get(k))
	}
	fw, _ := mw.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.base+"/lazada/rest/image/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(e.t, req)
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")

func TestLazadaImageUpload(t *testing.T) {
	e := newEnv(t)
	a := e.lzUpload("image", "proof.png", pngBytes)
	mustCode(t, "upload", a, "0")
	url := a.str("data", "image", "url")
	sum := sha256.Sum256(pngBytes)
	ups := e.sim.Uploads(domain.Lazada, e.shops[domain.Lazada].ID)
	must(t, len(ups) == 1 && ups[0].Ref == url && ups[0].SHA256 == hex.EncodeToString(sum[:]) && ups[0].Type == "image/png" && ups[0].Name == "proof.png",
		"uploads %+v, url %s", ups, url)
	mustCode(t, "no file", e.lzUpload("file", "proof.png", pngBytes), "MissingParameter")
	mustCode(t, "not an image", e.lzUpload("image", "notes.txt", []byte("hello")), "InvalidParameter")
	mustCode(t, "GET", e.lazada(http.MethodGet, "/image/upload", e.tok[domain.Lazada], nil), "InvalidMethod")
}

func TestLazadaReturnUpdateRefusals(t *testing.T) {
	e := newEnv(t)
	shop := e.shops[domain.Lazada].ID
	o := lzShaped(e, lzUnit{domain.LzDelivered, "FPA"}, lzUnit{domain.LzDelivered, "FPA"})
	e.sim.RequestReturn(domain.Lazada, shop, o.OrderNo)
	ro := e.lzReverse(o, "RETURN")
	id := str(ro["reverse_order_id"])
	var lines []string
	for _, l := range lzLines(ro) {
		lines = append(lines, str(l["reverse_order_line_id"]))
	}
	must(t, len(lines) == 2 && lines[0] != lines[1], "lines %v", lines)
	again := lzLines(e.lzReverse(o, "RETURN"))
	must(t, str(again[0]["reverse_order_line_id"]) == lines[0], "line ids are not stable")

	upd := func(p map[string]string) answer { return e.lzCall("/order/reverse/return/update", p) }
	for _, c := range []struct {
		params map[string]string
		code   string
	}{
		{map[string]string{"action": "approve", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0])}, "107"},
		{map[string]string{"action": "agreeReturn", "reverse_order_id": "x", "reverse_order_item_ids": jsonIDs(lines[0])}, "125"},
		{map[string]string{"action": "agreeReturn", "reverse_order_id": "123", "reverse_order_item_ids": jsonIDs(lines[0])}, "112"},
		{map[string]string{"action": "agreeReturn", "reverse_order_id": id}, "100"},
		{map[string]string{"action": "agreeReturn", "reverse_order_id": id, "reverse_order_item_ids": "[1]"}, "126"},
		{map[string]string{"action": "confirmDelivery", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines...)}, "114"},
		{map[string]string{"action": "refuseReturn", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines...), "reason_id": "20000201", "comment": "late"}, "111"},
		{map[string]string{"action": "refuseReturn", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0]), "comment": "late"}, "108"},
		{map[string]string{"action": "refuseReturn", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0]), "reason_id": "20000301", "comment": "late"}, "108"},
		{map[string]string{"action": "refuseReturn", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0]), "reason_id": "20000201"}, "109"},
		{map[string]string{"action": "agreeReturn", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0]), "image_info": `[{"name":"a","url":"https://x/y.jpg"}]`}, "InvalidParameter"},
	} {
		mustCode(t, fmt.Sprint(c.params), upd(c.params), c.code)
	}
	rv, _ := e.sim.ReturnOf(domain.Lazada, shop, o.OrderNo)
	must(t, rv.Status == domain.LzRevRequestInitiate && len(rv.Decisions) == 0, "refused calls changed the request: %+v", rv)

	// A refund-only call on a return, and the return's reject reasons by stage.
	mustCode(t, "onlyrefund on a return", e.lzCall("/order/reverse/onlyrefund/seller/decide", map[string]string{"action": "agreeRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0])}), "114")
	mustCode(t, "reasons without a line", e.lzCall("/order/reverse/reason/list", nil), "103")
	mustCode(t, "reasons of an unknown line", e.lzCall("/order/reverse/reason/list", map[string]string{"reverse_order_line_id": "1"}), "119")
	a := e.lzCall("/order/reverse/reason/list", map[string]string{"reverse_order_line_id": lines[0]})
	must(t, a.str("data", "0", "reason_id") == "20000201" && a.str("data", "0", "text") != "", "reasons %s", a.body)

	// Agree for both lines, the buyer ships, confirm; now refusing the refund needs evidence.
	mustCode(t, "agree", upd(map[string]string{"action": "agreeReturn", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines...)}), "0")
	o2, _ := e.sim.Order(domain.Lazada, shop, o.OrderNo)
	must(t, o2.ReturnRequested, "an agreed return is still open")
	must(t, e.sim.ShipReturn(domain.Lazada, shop, o.OrderNo, "RTN123"), "ShipReturn")
	mustCode(t, "confirm", upd(map[string]string{"action": "confirmDelivery", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines...)}), "0")
	a = e.lzCall("/order/reverse/reason/list", map[string]string{"reverse_order_line_id": lines[0]})
	must(t, a.str("data", "0", "reason_id") == "20000301", "refund reject reasons %s", a.body)
	mustCode(t, "refuseRefund without images", upd(map[string]string{"action": "refuseRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0]), "reason_id": "20000301", "comment": "used"}), "110")
	up := e.lzUpload("image", "used.png", pngBytes)
	imgs := fmt.Sprintf(`[{"name":"used.png","url":%q}]`, up.str("data", "image", "url"))
	mustCode(t, "refuseRefund", upd(map[string]string{"action": "refuseRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[0]), "reason_id": "20000301", "comment": "used", "image_info": imgs}), "0")
	mustCode(t, "agreeRefund", upd(map[string]string{"action": "agreeRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(lines[1])}), "0")

	d := e.lzCall("/order/reverse/return/detail/list", map[string]string{"reverse_order_id": id})
	mustCode(t, "detail", d, "0")
	dl := d.list("data", "reverseOrderLineDTOList")
	must(t, len(dl) == 2 && d.str("data", "request_type") == "RETURN", "detail %s", d.body)
	for _, raw := range dl {
		l := raw.(map[string]any)
		must(t, l["reverse_status"] == domain.LzRevRefundPending && l["tracking_number"] == "RTN123" && l["is_dispute"] == true, "detail line %v", l)
	}
	mustCode(t, "detail of nothing", e.lzCall("/order/reverse/return/detail/list", map[string]string{"reverse_order_id": "5"}), "105")
	rv, _ = e.sim.ReturnOf(domain.Lazada, shop, o.OrderNo)
	var steps []string
	for _, dc := range rv.Decisions {
		steps = append(steps, dc.Step)
	}
	must(t, slices.Equal(steps, []string{"agreeReturn", "confirmDelivery", "refuseRefund", "agreeRefund"}), "decisions %v", steps)
	must(t, len(rv.Decisions[2].Images) == 1 && rv.Decisions[2].Images[0].Name == "used.png", "evidence %+v", rv.Decisions[2])
	for id, it := range e.lzItems(o) {
		must(t, it["return_status"] == domain.LzRevRefundPending && it["cancel_return_initiator"] == "return-customer" && str(it["reverse_order_id"]) == rv.ID, "item %s: %v", id, it)
	}
	must(t, e.sim.SettleReturn(domain.Lazada, shop, o.OrderNo), "SettleReturn")
	for _, l := range lzLines(e.lzReverse(o, "RETURN")) {
		must(t, l["reverse_status"] == domain.LzRevRefundSuccess, "settled line %v", l)
	}
}

func TestLazadaOnlyRefundDecide(t *testing.T) {
	e := newEnv(t)
	shop := e.shops[domain.Lazada].ID
	o := lzShaped(e, lzUnit{domain.LzDelivered, "FPA"}, lzUnit{domain.LzDelivered, "FPA"})
	e.sim.RequestRefund(domain.Lazada, shop, o.OrderNo)
	ro := e.lzReverse(o, "ONLY_REFUND")
	id := str(ro["reverse_order_id"])
	ls := lzLines(ro)
	l0, l1 := str(ls[0]["reverse_order_line_id"]), str(ls[1]["reverse_order_line_id"])
	dec := func(p map[string]string) answer { return e.lzCall("/order/reverse/onlyrefund/seller/decide", p) }
	mustCode(t, "bad action", dec(map[string]string{"action": "instantRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l0)}), "107")
	mustCode(t, "batch", dec(map[string]string{"action": "agreeRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l0, l1)}), "133")
	mustCode(t, "return/update on a refund", e.lzCall("/order/reverse/return/update", map[string]string{"action": "instantRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l0)}), "114")
	mustCode(t, "dispute without comment", dec(map[string]string{"action": "startDispute", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l0)}), "109")
	mustCode(t, "dispute without image", dec(map[string]string{"action": "startDispute", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l0), "comment": "it works"}), "110")
	up := e.lzUpload("image", "works.png", pngBytes)
	imgs := fmt.Sprintf(`[{"file_name":"works.png","file_url":%q}]`, up.str("data", "image", "url"))
	mustCode(t, "dispute", dec(map[string]string{"action": "startDispute", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l0), "comment": "it works", "image_info_list": imgs}), "0")
	mustCode(t, "dispute twice", dec(map[string]string{"action": "startDispute", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l0), "comment": "it works", "image_info_list": imgs}), "114")
	mustCode(t, "agree", dec(map[string]string{"action": "agreeRefund", "reverse_order_id": id, "reverse_order_item_ids": jsonIDs(l1)}), "0")
	rv, _ := e.sim.ReturnOf(domain.Lazada, shop, o.OrderNo)
	must(t, rv.Status == domain.LzRevRefundPending && rv.Dispute && !rv.Awaiting && len(rv.Decisions) == 2 &&
		rv.Decisions[0].Step == "startDispute" && len(rv.Decisions[0].Images) == 1, "request %+v", rv)
	got, _ := e.sim.Order(domain.Lazada, shop, o.OrderNo)
	must(t, got.ReturnRequested, "a refund under review is still open")
}
