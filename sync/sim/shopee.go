package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Shopee Open Platform v2 (reference S1-S6), mounted at /shopee: the partner host's paths
// (/api/v2/...) follow the mount.

// shopeeSign is Shopee's signature: HMAC-SHA256 keyed by the partner key over the base string
// (partner_id + api_path + timestamp [+ access_token + shop_id]), lowercase hex.
func shopeeSign(partnerKey, base string) string {
	mac := hmac.New(sha256.New, []byte(partnerKey))
	mac.Write([]byte(base))
	return hex.EncodeToString(mac.Sum(nil))
}

const (
	shopeeTimestampSkew = 300 * time.Second
	shopeeMaxWindow     = 15 * 24 * time.Hour
	shopeeMaxSNs        = 50
	shopeeMaxPageSize   = 100
)

// shopeeError is Shopee's error shape. error_auth and error_sign come with HTTP 403, error_param
// with 400, the rest with 200 (the reference leaves statuses open: clients read the body anyway).
func shopeeError(c *call, code, msg string) reply {
	status := http.StatusOK
	switch code {
	case "error_auth", "error_sign":
		status = http.StatusForbidden
	case "error_param":
		status = http.StatusBadRequest
	case "error_not_found":
		status = http.StatusNotFound
	}
	return jsonReply(status, map[string]string{"error": code, "message": msg, "request_id": c.reqID})
}

func shopeeFault(c *call, k FaultKind) reply {
	switch k {
	case TooManyRequests:
		return jsonReply(http.StatusTooManyRequests, map[string]string{"error": "error_server", "message": "Too many requests, please try again later", "request_id": c.reqID})
	case ServerError:
		return jsonReply(http.StatusInternalServerError, map[string]string{"error": "error_server", "message": "Something wrong. Please try later.", "request_id": c.reqID})
	case Unavailable:
		return textReply(http.StatusServiceUnavailable, "503 Service Temporarily Unavailable")
	case ExpiredToken:
		return shopeeError(c, "error_auth", "Invalid access_token.")
	}
	return shopeeError(c, "error_server", "unknown fault")
}

func (s *Sim) serveShopee(w http.ResponseWriter, r *http.Request) {
	apiPath := strings.TrimPrefix(r.URL.Path, "/shopee")
	if apiPath == "/api/v2/shop/auth_partner" {
		s.shopeeAuthorize(w, r)
		return
	}
	if !strings.HasPrefix(apiPath, "/api/v2/") {
		http.NotFound(w, r)
		return
	}
	c, err := s.newCall(domain.Shopee, w, r, apiPath)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.token = strings.HasPrefix(apiPath, "/api/v2/auth/")
	s.run(c, shopeeFault, s.shopeeAPI)
}

// shopeeCheckCommon checks partner_id, timestamp and the sign. Shop APIs sign access_token and
// shop_id too. It returns a non-nil reply on failure.
func (s *Sim) shopeeCheckCommon(c *call, shopAPI bool) *reply {
	app := s.App(domain.Shopee)
	q := c.query
	fail := func(code, msg string) *reply { r := shopeeError(c, code, msg); return &r }
	pid := q.Get("partner_id")
	if pid == "" || pid != app.Key {
		return fail("error_param", "Invalid partner_id.")
	}
	tsText := q.Get("timestamp")
	if tsText == "" {
		return fail("error_param", "no timestamp")
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if d := s.now().Sub(time.Unix(ts, 0)); err != nil || d > shopeeTimestampSkew || d < -shopeeTimestampSkew {
		return fail("error_param", "Invalid timestamp")
	}
	sign := q.Get("sign")
	if sign == "" {
		return fail("error_param", "There is no sign in query.")
	}
	base := pid + c.apiPath + tsText
	if shopAPI {
		if q.Get("access_token") == "" {
			return fail("error_param", "There is no access_token in query.")
		}
		if q.Get("shop_id") == "" {
			return fail("error_param", "There is no shop_id in query.")
		}
		base += q.Get("access_token") + q.Get("shop_id")
	}
	if !hmac.Equal([]byte(shopeeSign(app.Secret, base)), []byte(sign)) {
		return fail("error_sign", "Wrong sign.")
	}
	return nil
}

func (s *Sim) shopeeAPI(c *call) reply {
	switch c.apiPath {
	case "/api/v2/auth/token/get":
		return s.shopeeTokenGet(c)
	case "/api/v2/auth/access_token/get":
		return s.shopeeTokenRefresh(c)
	}
	type route struct {
		method string
		handle func(*call) reply
		write  bool // changes orders: runs under the write lock
	}
	rt, ok := map[string]route{
		"/api/v2/order/get_order_list":             {http.MethodGet, s.shopeeOrderList, false},
		"/api/v2/order/get_order_detail":           {http.MethodGet, s.shopeeOrderDetail, false},
		"/api/v2/logistics/get_tracking_number":    {http.MethodGet, s.shopeeTrackingNumber, false},
		"/api/v2/returns/get_return_list":          {http.MethodGet, s.shopeeReturnList, false},
		"/api/v2/logistics/get_shipping_parameter": {http.MethodGet, s.shopeeShippingParameter, false},
		"/api/v2/logistics/ship_order":             {http.MethodPost, s.shopeeShipOrder, true},
		"/api/v2/logistics/batch_ship_order":       {http.MethodPost, s.shopeeBatchShipOrder, true},
		// AWB (shopee_awb.go): the documents live in s.awb, not in the orders.
		"/api/v2/logistics/get_shipping_document_parameter": {http.MethodPost, s.shopeeDocParameter, false},
		"/api/v2/logistics/create_shipping_document":        {http.MethodPost, s.shopeeDocCreate, false},
		"/api/v2/logistics/get_shipping_document_result":    {http.MethodPost, s.shopeeDocResult, false},
		"/api/v2/logistics/download_shipping_document":      {http.MethodPost, s.shopeeDocDownload, false},
		// Cancellations and returns (shopee_aftersale.go).
		"/api/v2/order/cancel_order":                {http.MethodPost, s.shopeeCancelOrder, true},
		"/api/v2/order/handle_buyer_cancellation":   {http.MethodPost, s.shopeeHandleBuyerCancel, true},
		"/api/v2/returns/get_return_detail":         {http.MethodGet, s.shopeeReturnDetail, false},
		"/api/v2/returns/get_return_dispute_reason": {http.MethodGet, s.shopeeDisputeReason, false},
		"/api/v2/returns/confirm":                   {http.MethodPost, s.shopeeReturnConfirm, true},
		"/api/v2/returns/offer":                     {http.MethodPost, s.shopeeReturnOffer, true},
		"/api/v2/returns/accept_offer":              {http.MethodPost, s.shopeeReturnAcceptOffer, true},
		"/api/v2/returns/dispute":                   {http.MethodPost, s.shopeeReturnDispute, true},
		"/api/v2/returns/convert_image":             {http.MethodPost, s.shopeeConvertImage, true},
	}[c.apiPath]
	if !ok {
		return shopeeError(c, "error_not_found", "Api not found: "+c.apiPath)
	}
	if c.r.Method != rt.method {
		return shopeeError(c, "error_param", "Wrong parameters, detail: this API takes "+rt.method+".")
	}
	if fail := s.shopeeCheckCommon(c, true); fail != nil {
		return *fail
	}
	if rt.write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	sh, st := s.checkAccess(domain.Shopee, c.query.Get("access_token"))
	if st != tokenOK || sh == nil {
		return shopeeError(c, "error_auth", "Invalid access_token.")
	}
	if sh.ID != c.query.Get("shop_id") {
		return shopeeError(c, "error_auth", "Invalid partner_id or shopid.")
	}
	c.shop = sh
	return rt.handle(c)
}

// shopeeBody decodes a token API's JSON body.
func shopeeBody(c *call) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// shopeeTokenGet is POST /api/v2/auth/token/get: code + shop_id -> tokens.
func (s *Sim) shopeeTokenGet(c *call) reply {
	if c.r.Method != http.MethodPost {
		return shopeeError(c, "error_param", "Wrong parameters, detail: this API takes POST.")
	}
	if fail := s.shopeeCheckCommon(c, false); fail != nil {
		return *fail
	}
	body, ok := shopeeBody(c)
	if !ok {
		return shopeeError(c, "error_param", "Wrong parameters, detail: the body must be a JSON object.")
	}
	var code string
	_ = json.Unmarshal(body["code"], &code)
	if pid, ok := jsonInt(body["partner_id"]); !ok || fmt.Sprint(pid) != s.App(domain.Shopee).Key {
		return shopeeError(c, "invalid_partner_id", "Invalid partner_id.")
	}
	if _, ok := body["main_account_id"]; ok {
		return shopeeError(c, "error_param", "Wrong parameters, detail: the simulator has no main accounts; use shop_id.")
	}
	shopID, ok := jsonInt(body["shop_id"])
	if !ok {
		return shopeeError(c, "invalid_shop_id", "Invalid shop_id.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := s.codes["shopee|"+code]
	if code == "" || ac == nil || ac.used || !s.now().Before(ac.expires) {
		return shopeeError(c, "invalid_code", "Invalid code.")
	}
	if ac.shop != fmt.Sprint(shopID) {
		return shopeeError(c, "invalid_shop_id", "Invalid shop_id: the code was issued for another shop.")
	}
	ac.used = true
	g := s.issueLocked(domain.Shopee, ac.shop, time.Time{})
	return jsonReply(http.StatusOK, map[string]any{
		"access_token":     g.access,
		"refresh_token":    g.refresh,
		"expire_in":        int64(shopeeAccessLife.Seconds()),
		"request_id":       c.reqID,
		"error":            "",
		"message":          "",
		"merchant_id_list": []int64{},
		"shop_id_list":     []int64{shopID},
	})
}

// shopeeTokenRefresh is POST /api/v2/auth/access_token/get. The refresh token works once; the
// access token issued with it keeps working for five more minutes.
func (s *Sim) shopeeTokenRefresh(c *call) reply {
	if c.r.Method != http.MethodPost {
		return shopeeError(c, "error_param", "Wrong parameters, detail: this API takes POST.")
	}
	if fail := s.shopeeCheckCommon(c, false); fail != nil {
		return *fail
	}
	body, ok := shopeeBody(c)
	if !ok {
		return shopeeError(c, "error_param", "Wrong parameters, detail: the body must be a JSON object.")
	}
	var tok string
	_ = json.Unmarshal(body["refresh_token"], &tok)
	pid, ok := jsonInt(body["partner_id"])
	if !ok || fmt.Sprint(pid) != s.App(domain.Shopee).Key {
		return shopeeError(c, "invalid_partner_id", "Invalid partner_id.")
	}
	shopID, ok := jsonInt(body["shop_id"])
	if !ok {
		return shopeeError(c, "invalid_shop_id", "Invalid shop_id.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	rt := s.refr["shopee|"+tok]
	switch {
	case tok == "" || rt == nil || rt.used:
		return shopeeError(c, "error_auth", "Invalid refresh_token.")
	case !now.Before(rt.expires):
		return shopeeError(c, "refresh_token_expired", "Refresh token expired.")
	case rt.shop != fmt.Sprint(shopID):
		return shopeeError(c, "error_auth", "Invalid partner_id or shopid.")
	}
	rt.used = true
	for _, a := range s.access { // the shop's earlier access tokens: five minutes left
		if a.platform == domain.Shopee && a.shop == rt.shop && a.expires.After(now.Add(shopeeOldAccess)) {
			a.expires = now.Add(shopeeOldAccess)
		}
	}
	g := s.issueLocked(domain.Shopee, rt.shop, time.Time{})
	return jsonReply(http.StatusOK, map[string]any{
		"access_token":  g.access,
		"refresh_token": g.refresh,
		"expire_in":     int64(shopeeAccessLife.Seconds()),
		"partner_id":    pid,
		"shop_id":       shopID,
		"error":         "",
		"message":       "",
		"request_id":    c.reqID,
	})
}

func shopeeOK(c *call, response any, extra map[string]any) reply {
	out := map[string]any{"error": "", "message": "", "request_id": c.reqID, "response": response}
	for k, v := range extra {
		out[k] = v
	}
	return jsonReply(http.StatusOK, out)
}

// shopeeShownStatus is the status Shopee reports: PENDING only when asked for, INVOICE_PENDING as
// READY_TO_SHIP.
func shopeeShownStatus(o *domain.Order, pending bool) string {
	switch o.Status {
	case domain.SpPending:
		if !pending {
			return domain.SpUnpaid
		}
	case domain.SpInvoicePending:
		return domain.SpReadyToShip
	}
	return o.Status
}

func (c *call) boolParam(k string) bool {
	v, _ := strconv.ParseBool(c.query.Get(k))
	return v
}

// shopeeOrderList is GET /api/v2/order/get_order_list: newest first by the chosen time field,
// both bounds inclusive; cursor is a position in that list.
func (s *Sim) shopeeOrderList(c *call) reply {
	q := c.query
	field := q.Get("time_range_field")
	if field != "create_time" && field != "update_time" {
		return shopeeError(c, "error_param", "Wrong parameters, detail: time_range_field must be create_time or update_time.")
	}
	from, err1 := strconv.ParseInt(q.Get("time_from"), 10, 64)
	to, err2 := strconv.ParseInt(q.Get("time_to"), 10, 64)
	if err1 != nil || err2 != nil {
		return shopeeError(c, "error_param", "Wrong parameters, detail: time_from and time_to are required.")
	}
	if from > to || time.Duration(to-from)*time.Second > shopeeMaxWindow {
		return shopeeError(c, "order.order_list_invalid_time", "Start time must be earlier than end time and diff in 15days.")
	}
	size, err := strconv.Atoi(q.Get("page_size"))
	if err != nil || size < 1 || size > shopeeMaxPageSize {
		return shopeeError(c, "error_param", "Wrong parameters, detail: page_size should be between 1 and 100.")
	}
	offset := 0
	if cur := q.Get("cursor"); cur != "" {
		n, err := strconv.Atoi(cur)
		if err != nil || n < 0 {
			return shopeeError(c, "error_param", "Wrong parameters, detail: invalid cursor.")
		}
		offset = n
	}
	pending := c.boolParam("request_order_status_pending")
	status := q.Get("order_status")
	withStatus := slices.Contains(splitList(q.Get("response_optional_fields")), "order_status")

	ix := c.shop.upd
	if field == "create_time" {
		ix = c.shop.crt
	}
	lo, hi := ix.bounds(from, to, true, true)
	var match func(*record) bool
	if status != "" {
		match = func(r *record) bool {
			return r.o.Status == status || shopeeShownStatus(&r.o, pending) == status
		}
	}
	page, _, more := c.shop.scan(ix, lo, hi, true, match, offset, size, false)
	list := make([]map[string]any, 0, len(page))
	for _, r := range page {
		e := map[string]any{"order_sn": r.o.OrderNo}
		if withStatus {
			e["order_status"] = shopeeShownStatus(&r.o, pending)
		}
		list = append(list, e)
	}
	next := ""
	if more {
		next = strconv.Itoa(offset + len(page))
	}
	return shopeeOK(c, map[string]any{"more": more, "next_cursor": next, "order_list": list}, nil)
}

// shopeeOrderDetail is GET /api/v2/order/get_order_detail; unknown order_sns go in warning.
func (s *Sim) shopeeOrderDetail(c *call) reply {
	sns := splitList(c.query.Get("order_sn_list"))
	if len(sns) == 0 || len(sns) > shopeeMaxSNs {
		return shopeeError(c, "error_param", fmt.Sprintf("Wrong parameters, detail: order_sn_list should have 1 to %d order_sn, got %d.", shopeeMaxSNs, len(sns)))
	}
	fields := map[string]bool{}
	for _, f := range splitList(c.query.Get("response_optional_fields")) {
		fields[f] = true
	}
	pending := c.boolParam("request_order_status_pending")
	list := make([]map[string]any, 0, len(sns))
	var missing []string
	for _, sn := range sns {
		r := c.shop.byNo[sn]
		if r == nil {
			missing = append(missing, sn)
			continue
		}
		list = append(list, shopeeOrderJSON(c.shop, &r.o, fields, pending))
	}
	var extra map[string]any
	if len(missing) > 0 {
		extra = map[string]any{"warning": missing}
	}
	return shopeeOK(c, map[string]any{"order_list": list}, extra)
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// shopeeOrderJSON renders an order as get_order_detail does, with the optional fields asked for.
//
// Folds: total_amount = Total (Shopee has no voucher breakdown in the order API, so SellerVoucher,
// PlatformVoucher and SellerDiscount are not carried; a client derives PlatformVoucher from
// Subtotal + ShippingFee - total_amount, where its Subtotal is the sum of
// model_discounted_price x quantity); recipient_address.full_address is the address lines joined
// by ", "; buyer_cancel_reason is the cancel reason when the buyer cancelled. Not carried: item
// statuses, Tax, Buyer name and email, DeliveredAt.
func shopeeOrderJSON(sh *shopState, o *domain.Order, fields map[string]bool, pending bool) map[string]any {
	out := map[string]any{
		"order_sn":          o.OrderNo,
		"region":            sh.Region,
		"currency":          o.Currency,
		"cod":               o.COD,
		"order_status":      shopeeShownStatus(o, pending),
		"message_to_seller": o.BuyerNote,
		"create_time":       unixOrZero(o.CreatedAt),
		"update_time":       unixOrZero(o.UpdatedAt),
		"days_to_ship":      3,
		"ship_by_date":      unixOrZero(o.ShipBy),
		"booking_sn":        "",
		"advance_package":   false,
	}
	if o.Status == domain.SpPending && pending {
		out["pending_terms"] = []string{"SYSTEM_PENDING"}
	}
	opt := func(name string, v any) {
		if fields[name] {
			out[name] = v
		}
	}
	opt("buyer_user_id", idNumberOrZero(o.Buyer.UserID))
	opt("buyer_username", o.Buyer.Username)
	opt("estimated_shipping_fee", decimal(o.ShippingFee))
	opt("actual_shipping_fee", decimal(o.ShippingFee))
	opt("actual_shipping_fee_confirmed", false)
	opt("goods_to_declare", false)
	opt("note", o.SellerNote)
	opt("note_update_time", unixOrZero(o.UpdatedAt))
	opt("pay_time", unixOrZero(o.PaidAt))
	opt("dropshipper", "")
	opt("dropshipper_phone", "")
	opt("split_up", false)
	opt("cancel_by", o.CancelledBy)
	opt("cancel_reason", o.CancelReason)
	buyerReason := ""
	if strings.EqualFold(o.CancelledBy, "buyer") {
		buyerReason = o.CancelReason
	}
	opt("buyer_cancel_reason", buyerReason)
	opt("buyer_cpf_id", "")
	opt("fulfillment_flag", "fulfilled_by_local_seller")
	opt("pickup_done_time", 0)
	opt("shipping_carrier", o.DeliveryOption)
	opt("payment_method", o.PaymentMethod)
	opt("total_amount", decimal(o.Total))
	opt("order_chargeable_weight_gram", 0)
	opt("return_request_due_date", 0)
	opt("edt", nil)
	opt("invoice_data", nil)
	if fields["recipient_address"] {
		a := o.Address
		out["recipient_address"] = map[string]any{
			"name": a.Name, "phone": a.Phone, "town": "", "district": a.District, "city": a.City,
			"state": a.State, "region": a.Country, "zipcode": a.Postcode, "full_address": strings.Join(a.Lines, ", "),
		}
	}
	if fields["item_list"] {
		items := make([]map[string]any, 0, len(o.Items))
		for _, it := range o.Items {
			modelSKU, itemSKU := it.SKU, it.SKU
			if it.SKUID == "0" {
				modelSKU = ""
			}
			items = append(items, map[string]any{
				"item_id":                  idNumberOrZero(it.ProductID),
				"item_name":                it.Name,
				"item_sku":                 itemSKU,
				"model_id":                 idNumberOrZero(it.SKUID),
				"model_name":               it.Variation,
				"model_sku":                modelSKU,
				"model_quantity_purchased": it.Qty,
				"model_original_price":     decimal(it.UnitPrice),
				"model_discounted_price":   decimal(it.PaidPrice),
				"order_item_id":            idNumberOrZero(it.PlatformItemID),
				"promotion_group_id":       0,
				"add_on_deal_id":           0,
				"wholesale":                false,
				"weight":                   json.Number("0.3"),
				"is_add_on_deal":           false,
				"is_main_item":             false,
				"image_info":               map[string]string{"image_url": it.ImageURL},
			})
		}
		out["item_list"] = items
	}
	if fields["package_list"] {
		pkgs := make([]map[string]any, 0, len(o.Packages))
		for _, p := range o.Packages {
			var items []map[string]any
			for _, it := range o.Items {
				if it.PackageID == p.ID {
					items = append(items, map[string]any{
						"item_id": idNumberOrZero(it.ProductID), "model_id": idNumberOrZero(it.SKUID), "model_quantity": it.Qty,
						"order_item_id": idNumberOrZero(it.PlatformItemID), "promotion_group_id": 0,
					})
				}
			}
			if items == nil {
				items = []map[string]any{}
			}
			pkgs = append(pkgs, map[string]any{
				"package_number":       p.ID,
				"logistics_status":     p.Status,
				"logistics_channel_id": 20000 + int(derivedDigits(3, "channel", p.Provider)[0]-'0'),
				"shipping_carrier":     p.Provider,
				"item_list":            items,
			})
		}
		out["package_list"] = pkgs
	}
	if fields["payment_info"] {
		out["payment_info"] = []any{}
	}
	return out
}

func idNumberOrZero(id string) any {
	if id == "" {
		return 0
	}
	return idNumber(id)
}

// shopeeTrackingNumber is GET /api/v2/logistics/get_tracking_number: the package's tracking
// number, empty until the order is arranged.
func (s *Sim) shopeeTrackingNumber(c *call) reply {
	sn := c.query.Get("order_sn")
	r := c.shop.byNo[sn]
	if sn == "" || r == nil {
		return shopeeError(c, "logistics.order_not_found", "Order not found: "+sn)
	}
	var pkg domain.Package
	if pn := c.query.Get("package_number"); pn != "" {
		p, ok := r.o.Package(pn)
		if !ok {
			return shopeeError(c, "logistics.package_not_exist", "Package not found: "+pn)
		}
		pkg = p
	} else if len(r.o.Packages) > 0 {
		pkg = r.o.Packages[0]
	}
	return shopeeOK(c, map[string]any{
		"tracking_number":            pkg.TrackingNo,
		"plp_number":                 "",
		"first_mile_tracking_number": "",
		"last_mile_tracking_number":  "",
		"hint":                       "",
	}, nil)
}

// shopeeReturnList is GET /api/v2/returns/get_return_list: page_no from 0, newest update first.
func (s *Sim) shopeeReturnList(c *call) reply {
	q := c.query
	pageNo, err1 := strconv.Atoi(q.Get("page_no"))
	size, err2 := strconv.Atoi(q.Get("page_size"))
	if err1 != nil || pageNo < 0 {
		return shopeeError(c, "error_param", "Wrong parameters, detail: page_no is required and starts at 0.")
	}
	if err2 != nil || size < 1 || size > shopeeMaxPageSize {
		return shopeeError(c, "error_param", "Wrong parameters, detail: page_size should be between 1 and 100.")
	}
	type rng struct {
		from, to int64
		set      bool
	}
	var ranges [2]rng
	for i, name := range []string{"create_time", "update_time"} {
		fv, tv := q.Get(name+"_from"), q.Get(name+"_to")
		if fv == "" && tv == "" {
			continue
		}
		f, e1 := strconv.ParseInt(fv, 10, 64)
		t, e2 := strconv.ParseInt(tv, 10, 64)
		if e1 != nil || e2 != nil {
			return shopeeError(c, "error_param", fmt.Sprintf("Wrong parameters, detail: %s_from and %s_to go together.", name, name))
		}
		if f > t || time.Duration(t-f)*time.Second > shopeeMaxWindow {
			return shopeeError(c, "error_param", fmt.Sprintf("Wrong parameters, detail: %s range must be within 15 days.", name))
		}
		ranges[i] = rng{f, t, true}
	}
	status, negotiation := q.Get("status"), q.Get("negotiation_status")
	var hits []*record
	for _, r := range c.shop.returns {
		ct, ut := r.ret.created.Unix(), r.ret.updated.Unix()
		if ranges[0].set && (ct < ranges[0].from || ct > ranges[0].to) || ranges[1].set && (ut < ranges[1].from || ut > ranges[1].to) {
			continue
		}
		if !shopeeReturnMatches(r.ret, status, negotiation) {
			continue
		}
		hits = append(hits, r)
	}
	slices.SortFunc(hits, func(a, b *record) int {
		if c := b.ret.updated.Compare(a.ret.updated); c != 0 {
			return c
		}
		return strings.Compare(a.ret.id, b.ret.id)
	})
	from := min(len(hits), pageNo*size)
	to := min(len(hits), from+size)
	list := make([]map[string]any, 0, to-from)
	for _, r := range hits[from:to] {
		list = append(list, shopeeReturnJSON(&r.o, r.ret))
	}
	return shopeeOK(c, map[string]any{"more": to < len(hits), "return": list}, nil)
}

// shopeeAuthorize is the authorize link's page: the link is signed like a public API and lives
// five minutes. Approving a shop (its link, or shop=<shop_id> on the URL) redirects to the redirect
// parameter (default: the app's registered callback) with a fresh code and the shop_id.
func (s *Sim) shopeeAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app := s.App(domain.Shopee)
	c := &call{p: domain.Shopee, w: w, r: r, apiPath: "/api/v2/shop/auth_partner", query: q, form: url.Values{}, reqID: s.requestID()}
	if q.Get("partner_id") != app.Key {
		shopeeError(c, "error_param", "Invalid partner_id.").write(w)
		return
	}
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if d := s.now().Sub(time.Unix(ts, 0)); err != nil || d > shopeeLinkLife || d < -shopeeTimestampSkew {
		shopeeError(c, "error_param", "Invalid timestamp: the authorization link has expired.").write(w)
		return
	}
	if !hmac.Equal([]byte(shopeeSign(app.Secret, q.Get("partner_id")+c.apiPath+q.Get("timestamp"))), []byte(q.Get("sign"))) {
		shopeeError(c, "error_sign", "Wrong sign.").write(w)
		return
	}
	redirect := q.Get("redirect")
	if redirect == "" {
		redirect = s.opt.Redirect
	}
	if id := q.Get("shop"); id != "" {
		s.mu.RLock()
		sh := s.shop(domain.Shopee, id)
		s.mu.RUnlock()
		if sh == nil {
			htmlReply(http.StatusBadRequest, page("Shopee", "<p>Unknown shop.</p>")).write(w)
			return
		}
		http.Redirect(w, r, withQuery(redirect, url.Values{"code": {s.newCode(domain.Shopee, id)}, "shop_id": {id}}), http.StatusFound)
		return
	}
	htmlReply(http.StatusOK, s.shopList(domain.Shopee, r.URL, "Partner "+app.Key)).write(w)
}
