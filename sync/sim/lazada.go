package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Lazada (reference L1-L6). Mounted at /lazada: the API root is /lazada/rest (the auth host's
// /rest maps to the same place) and the authorize page is /lazada/oauth/authorize.

// lazadaSign is Lazada's signature: HMAC-SHA256 keyed by the app secret over the API path followed
// by every parameter but sign, sorted by name, as name+value; UPPERCASE hex. The Java and C#
// samples skip empty values and the Python SDK keeps them, so keepEmpty chooses.
func lazadaSign(secret, apiPath string, params url.Values, keepEmpty bool) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k == "sign" || len(v) == 0 || (!keepEmpty && v[0] == "") {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(apiPath))
	for _, k := range keys {
		mac.Write([]byte(k))
		mac.Write([]byte(params[k][0]))
	}
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}

// lazadaSignString is the string Lazada signs, for tests and messages.
func lazadaSignString(apiPath string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(apiPath)
	for _, k := range keys {
		b.WriteString(k + params.Get(k))
	}
	return b.String()
}

// lazadaVerify accepts a sign computed with or without the empty parameters.
func lazadaVerify(secret, apiPath string, params url.Values, sign string) bool {
	for _, keep := range []bool{false, true} {
		if hmac.Equal([]byte(lazadaSign(secret, apiPath, params, keep)), []byte(sign)) {
			return true
		}
	}
	return false
}

const lazadaTimestampSkew = 7200 * time.Second

// lazadaTime reads the timestamp parameter: milliseconds (the SDK), or ISO 8601.
func lazadaTime(v string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// lazadaZone is a venture's offset: Thailand, Vietnam and Indonesia +07:00, the rest +08:00.
func lazadaZone(region string) *time.Location {
	switch strings.ToUpper(region) {
	case "TH", "VN", "ID":
		return time.FixedZone("", 7*3600)
	}
	return time.FixedZone("", 8*3600)
}

// lazadaFormat is Lazada's time format, e.g. 2018-02-09T22:44:30+08:00; "" for no time.
func lazadaFormat(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04:05-07:00")
}

// lazadaParseFilter reads a time filter: ISO 8601 with an offset (with or without the colon), or
// "2014-10-15 18:36:05 +0800"; without an offset the venture's zone is assumed.
func lazadaParseFilter(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05-07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// lazadaError is Lazada's error shape.
func lazadaError(c *call, status int, typ, code, msg string) reply {
	return jsonReply(status, map[string]string{"type": typ, "code": code, "message": msg, "request_id": c.reqID})
}

func lazadaFault(c *call, k FaultKind) reply {
	switch k {
	case TooManyRequests:
		return lazadaError(c, http.StatusTooManyRequests, "ISP", "ApiCallLimit", "The request has exceeded the limit of calls to this API, please try again later")
	case ServerError:
		return lazadaError(c, http.StatusInternalServerError, "ISP", "InternalError", "The request processing has failed due to some unknown error")
	case Unavailable:
		return textReply(http.StatusServiceUnavailable, "503 Service Temporarily Unavailable")
	case ExpiredToken:
		return lazadaError(c, http.StatusOK, "ISV", "IllegalAccessToken", "The specified access token is invalid or expired")
	}
	return lazadaError(c, http.StatusInternalServerError, "ISP", "InternalError", "unknown fault")
}

func (s *Sim) serveLazada(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/lazada")
	if rest == "/oauth/authorize" {
		s.lazadaAuthorize(w, r)
		return
	}
	if strings.HasPrefix(rest, "/awb/") { // PrintAWB's pdf_url (lazada_awb.go)
		s.serveAWB(domain.Lazada, w, r, rest)
		return
	}
	apiPath, ok := strings.CutPrefix(rest, "/rest")
	if !ok || apiPath == "" {
		http.NotFound(w, r)
		return
	}
	c, err := s.newCall(domain.Lazada, w, r, apiPath)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.token = strings.HasPrefix(apiPath, "/auth/token/")
	s.run(c, lazadaFault, s.lazadaAPI)
}

// lazadaParams merges query and form values, as the gateway does before checking the sign.
func (c *call) lazadaParams() url.Values {
	out := url.Values{}
	for k, v := range c.query {
		out[k] = v
	}
	for k, v := range c.form {
		if _, dup := out[k]; !dup {
			out[k] = v
		}
	}
	return out
}

func (s *Sim) lazadaAPI(c *call) reply {
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodPost {
		return lazadaError(c, http.StatusMethodNotAllowed, "ISV", "InvalidMethod", "Only GET and POST are supported")
	}
	params := c.lazadaParams()
	app := s.App(domain.Lazada)
	for _, k := range []string{"app_key", "timestamp", "sign_method", "sign"} {
		if params.Get(k) == "" {
			return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", fmt.Sprintf("The input parameter %q that is mandatory for processing this request is not supplied", k))
		}
	}
	if params.Get("app_key") != app.Key {
		return lazadaError(c, http.StatusOK, "ISV", "APP_KEY_INVALID", "The specified app_key is invalid")
	}
	if params.Get("sign_method") != "sha256" {
		return lazadaError(c, http.StatusOK, "ISV", "IncompleteSignature", "The request signature does not conform to lazop standards: sign_method must be sha256")
	}
	ts, ok := lazadaTime(params.Get("timestamp"))
	if d := s.now().Sub(ts); !ok || d > lazadaTimestampSkew || d < -lazadaTimestampSkew {
		return lazadaError(c, http.StatusOK, "ISV", "InvalidTimestamp", "The timestamp is invalid or more than 7200 seconds away from the server time")
	}
	if !lazadaVerify(app.Secret, c.apiPath, params, params.Get("sign")) {
		return lazadaError(c, http.StatusOK, "ISV", "IncompleteSignature", "The request signature does not conform to lazop standards")
	}
	switch c.apiPath {
	case "/auth/token/create":
		return s.lazadaTokenCreate(c, params)
	case "/auth/token/refresh":
		return s.lazadaTokenRefresh(c, params)
	}
	type route struct {
		handle   func(*call, url.Values) reply
		postOnly bool // the docs give POST only
		write    bool // changes orders: runs under the write lock
	}
	rt, ok := map[string]route{
		"/orders/get":                        {handle: s.lazadaOrders},
		"/order/get":                         {handle: s.lazadaOrder},
		"/order/items/get":                   {handle: s.lazadaOrderItems},
		"/orders/items/get":                  {handle: s.lazadaMultipleItems},
		"/reverse/getreverseordersforseller": {handle: s.lazadaReverseOrders},
		"/order/shipment/providers/get":      {handle: s.lazadaShipmentProviders},
		"/order/fulfill/pack":                {handle: s.lazadaPack, postOnly: true, write: true},
		"/order/package/rts":                 {handle: s.lazadaReadyToShip, postOnly: true, write: true},
		"/order/package/repack":              {handle: s.lazadaRepack, write: true},
		"/order/package/sof/delivered":       {handle: s.lazadaSOFDelivered, postOnly: true, write: true},
		pathPrintAWB:                         {handle: s.lazadaPrintAWB},
		// cancellations, returns and refunds (lazada_aftersale.go)
		"/order/reverse/cancel/validate":          {handle: s.lazadaCancelValidate},
		"/order/reverse/cancel/create":            {handle: s.lazadaCancelCreate, write: true},
		"/order/reverse/cancel/seller/decide":     {handle: s.lazadaCancelDecide, write: true},
		"/order/reverse/return/update":            {handle: s.lazadaReturnUpdate, write: true},
		"/order/reverse/onlyrefund/seller/decide": {handle: s.lazadaOnlyRefundDecide, write: true},
		"/order/reverse/reason/list":              {handle: s.lazadaReasonList},
		"/order/reverse/return/detail/list":       {handle: s.lazadaReverseDetail},
		"/image/upload":                           {handle: s.lazadaImageUpload, postOnly: true, write: true},
	}[c.apiPath]
	if !ok {
		return lazadaError(c, http.StatusNotFound, "ISV", "InvalidApiPath", "The specified API path is invalid: "+c.apiPath)
	}
	if rt.postOnly && c.r.Method != http.MethodPost {
		return lazadaError(c, http.StatusMethodNotAllowed, "ISV", "InvalidMethod", "This API takes POST only")
	}
	if params.Get("access_token") == "" {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "access_token" that is mandatory for processing this request is not supplied`)
	}
	if rt.write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	sh, st := s.checkAccess(domain.Lazada, params.Get("access_token"))
	if st != tokenOK || sh == nil {
		return lazadaError(c, http.StatusOK, "ISV", "IllegalAccessToken", "The specified access token is invalid or expired")
	}
	c.shop = sh
	return rt.handle(c, params)
}

// lazadaToken is the flat token answer of /auth/token/create and /auth/token/refresh.
func (s *Sim) lazadaToken(c *call, sh *shopState, g *grant, listKey string) reply {
	now := s.now()
	country := strings.ToLower(sh.Region)
	return jsonReply(http.StatusOK, map[string]any{
		"access_token":       g.access,
		"refresh_token":      g.refresh,
		"expires_in":         int64(g.accessExpires.Sub(now).Seconds()),
		"refresh_expires_in": max(0, int64(g.refreshExpires.Sub(now).Seconds())),
		"country":            country,
		"account_platform":   "seller_center",
		"account":            "seller" + sh.ID + "@kedai.test",
		"account_id":         sh.userID,
		listKey: []map[string]string{{
			"country": country, "seller_id": sh.ID, "user_id": sh.userID, "short_code": sh.shortCode,
		}},
		"code":       "0",
		"request_id": c.reqID,
	})
}

func (s *Sim) lazadaTokenCreate(c *call, params url.Values) reply {
	code := params.Get("code")
	if code == "" {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "code" that is mandatory for processing this request is not supplied`)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := s.codes["lazada|"+code]
	if ac == nil || ac.used || !s.now().Before(ac.expires) {
		return lazadaError(c, http.StatusOK, "ISV", "InvalidCode", "Invalid authorization code: it is unknown, already used or expired")
	}
	ac.used = true
	sh := s.shop(domain.Lazada, ac.shop)
	return s.lazadaToken(c, sh, s.issueLocked(domain.Lazada, sh.ID, time.Time{}), "country_user_info")
}

// lazadaTokenRefresh issues a new access and refresh token. The access lifetime starts again; the
// refresh lifetime does not. The old tokens keep working until they expire (the reference does not
// say Lazada revokes them).
func (s *Sim) lazadaTokenRefresh(c *call, params url.Values) reply {
	tok := params.Get("refresh_token")
	if tok == "" {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "refresh_token" that is mandatory for processing this request is not supplied`)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.refr["lazada|"+tok]
	if rt == nil || !s.now().Before(rt.expires) {
		return lazadaError(c, http.StatusOK, "ISV", "IllegalRefreshToken", "The specified refresh token is invalid or expired")
	}
	sh := s.shop(domain.Lazada, rt.shop)
	return s.lazadaToken(c, sh, s.issueLocked(domain.Lazada, sh.ID, rt.expires), "country_user_info_list")
}

// lazadaOK wraps data in Lazada's success envelope.
func lazadaOK(c *call, data any) reply {
	return jsonReply(http.StatusOK, map[string]any{"code": "0", "data": data, "request_id": c.reqID})
}

// lazadaStatusFilters are the values GetOrders' status filter takes (error 6 lists them; the
// parameter doc adds shipping, the guide all).
var lazadaStatusFilters = map[string][]string{
	"unpaid": {domain.LzUnpaid}, "pending": {domain.LzPending}, "packed": {domain.LzPacked},
	"canceled": {domain.LzCanceled}, "ready_to_ship": {domain.LzReadyToShip, domain.LzReadyToShipPending},
	"delivered": {domain.LzDelivered}, "returned": {domain.LzReturned},
	"shipped": {domain.LzShipped, domain.LzShipping}, "shipping": {domain.LzShipping, domain.LzShipped},
	"failed": {domain.LzFailed}, "topack": {domain.LzPending, domain.LzRepacked}, "toship": {domain.LzPacked, domain.LzReadyToShipPending},
	"lost": {domain.LzLost}, "lost_by_3pl": {domain.LzLostBy3PL}, "damaged_by_3pl": {domain.LzDamagedBy3PL},
	"failed_delivery": {domain.LzFailedDelivery}, "shipped_back": {domain.LzShippedBack},
	"shipped_back_success": {domain.LzShippedBackSuccess}, "shipped_back_failed": {domain.LzShippedBackFailed},
	"package_scrapped": {domain.LzPackageScrapped}, "repacked": {domain.LzRepacked},
	"ready_to_ship_pending": {domain.LzReadyToShipPending}, "all": nil,
}

// lazadaOrders is GET /orders/get. Both after bounds and both before bounds are inclusive, so a
// client moving its window to the last update it saw never misses an order (it may see one twice).
func (s *Sim) lazadaOrders(c *call, params url.Values) reply {
	sh := c.shop
	loc := lazadaZone(sh.Region)
	type bound struct {
		t   int64
		set bool
	}
	var ca, cb, ua, ub bound
	for _, f := range []struct {
		name string
		dst  *bound
	}{{"created_after", &ca}, {"created_before", &cb}, {"update_after", &ua}, {"update_before", &ub}} {
		v := params.Get(f.name)
		if v == "" {
			continue
		}
		t, ok := lazadaParseFilter(v, loc)
		if !ok {
			return lazadaError(c, http.StatusOK, "ISV", "17", "Invalid Date Format: "+f.name)
		}
		*f.dst = bound{t.Unix(), true}
	}
	if !ca.set && !ua.set {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "created_after" or "update_after" that is mandatory for processing this request is not supplied`)
	}
	var statuses []string
	if v := strings.ToLower(params.Get("status")); v != "" {
		st, ok := lazadaStatusFilters[v]
		if !ok {
			return lazadaError(c, http.StatusOK, "ISV", "6", "Invalid status filter: "+v)
		}
		statuses = st
	}
	sortBy := params.Get("sort_by")
	if sortBy == "" {
		sortBy = "created_at"
	}
	if sortBy != "created_at" && sortBy != "updated_at" {
		return lazadaError(c, http.StatusOK, "ISV", "74", "Invalid sort filter: sort_by must be created_at or updated_at")
	}
	desc := true
	switch strings.ToUpper(params.Get("sort_direction")) {
	case "", "DESC":
	case "ASC":
		desc = false
	default:
		return lazadaError(c, http.StatusOK, "ISV", "75", "Invalid sort direction: use ASC or DESC")
	}
	offset := 0
	if v := params.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 5000 {
			return lazadaError(c, http.StatusOK, "ISV", "14", "Invalid Offset: it must be between 0 and 5000")
		}
		offset = n
	}
	limit := 100
	if v := params.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return lazadaError(c, http.StatusOK, "ISV", "19", "Invalid Limit: it must be between 1 and 100")
		}
		limit = n
	}

	ix, lo, hi := sh.crt, 0, 0
	var other [2]bound // the range on the field we do not sort by
	if sortBy == "created_at" {
		lo, hi = ix.bounds(ca.t, cb.t, ca.set, cb.set)
		other = [2]bound{ua, ub}
	} else {
		ix = sh.upd
		lo, hi = ix.bounds(ua.t, ub.t, ua.set, ub.set)
		other = [2]bound{ca, cb}
	}
	var match func(*record) bool
	if other[0].set || other[1].set || statuses != nil {
		byUpdate := sortBy == "created_at"
		match = func(r *record) bool {
			t := r.crt
			if byUpdate {
				t = r.upd
			}
			if other[0].set && t < other[0].t || other[1].set && t > other[1].t {
				return false
			}
			if statuses != nil && !slices.ContainsFunc(r.o.Items, func(it domain.Item) bool { return slices.Contains(statuses, it.Status) }) {
				return false
			}
			return true
		}
	}
	page, total, _ := sh.scan(ix, lo, hi, desc, match, offset, limit, true)
	orders := make([]lzOrder, 0, len(page))
	for _, r := range page {
		orders = append(orders, lazadaOrderJSON(&r.o, loc))
	}
	return lazadaOK(c, map[string]any{"count": len(orders), "countTotal": total, "orders": orders})
}

func (s *Sim) lazadaFind(c *call, id string) *record {
	if id == "" {
		return nil
	}
	return c.shop.byPID[id]
}

// lazadaOrder is GET /order/get.
func (s *Sim) lazadaOrder(c *call, params url.Values) reply {
	if params.Get("order_id") == "" {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "order_id" that is mandatory for processing this request is not supplied`)
	}
	r := s.lazadaFind(c, params.Get("order_id"))
	if r == nil {
		return lazadaError(c, http.StatusOK, "ISV", "16", "Invalid Order ID")
	}
	return lazadaOK(c, lazadaOrderJSON(&r.o, lazadaZone(c.shop.Region)))
}

// lazadaOrderItems is GET /order/items/get.
func (s *Sim) lazadaOrderItems(c *call, params url.Values) reply {
	if params.Get("order_id") == "" {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "order_id" that is mandatory for processing this request is not supplied`)
	}
	r := s.lazadaFind(c, params.Get("order_id"))
	if r == nil {
		return lazadaError(c, http.StatusOK, "ISV", "16", "Invalid Order ID")
	}
	return lazadaOK(c, lazadaItemsJSON(r, lazadaZone(c.shop.Region)))
}

// lazadaMaxOrderIDs is GetMultipleOrderItems' batch limit.
const lazadaMaxOrderIDs = 50

// lazadaMultipleItems is GET /orders/items/get. Unknown ids are left out of the answer.
func (s *Sim) lazadaMultipleItems(c *call, params url.Values) reply {
	ids := splitList(params.Get("order_ids"))
	if len(ids) == 0 {
		return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", `The input parameter "order_ids" that is mandatory for processing this request is not supplied`)
	}
	if len(ids) > lazadaMaxOrderIDs {
		// The reference gives the limit but not its code; 21 is ours.
		return lazadaError(c, http.StatusOK, "ISV", "21", fmt.Sprintf("Too many order ids: %d, at most %d per request", len(ids), lazadaMaxOrderIDs))
	}
	loc := lazadaZone(c.shop.Region)
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		r := s.lazadaFind(c, id)
		if r == nil {
			continue
		}
		out = append(out, map[string]any{
			"order_id":     idNumber(r.o.PlatformID),
			"order_number": idNumber(r.o.OrderNo),
			"order_items":  lazadaItemsJSON(r, loc),
		})
	}
	return lazadaOK(c, out)
}

// lazadaReverseOrders is GET|POST /reverse/getreverseordersforseller: every request of the shop,
// returns (request_type RETURN), refund-only requests (ONLY_REFUND) and buyers' cancellation
// requests (CANCEL), under "result" (lazada_aftersale.go renders them). page_no counts from 1 (0
// is taken as 1). Requests are listed by modification time, oldest first. reverse_status_list
// matches a request with a line in one of the statuses.
func (s *Sim) lazadaReverseOrders(c *call, params url.Values) reply {
	for _, k := range []string{"page_size", "page_no"} {
		if params.Get(k) == "" {
			return lazadaError(c, http.StatusOK, "ISV", "MissingParameter", fmt.Sprintf("The input parameter %q that is mandatory for processing this request is not supplied", k))
		}
	}
	size, err1 := strconv.Atoi(params.Get("page_size"))
	pageNo, err2 := strconv.Atoi(params.Get("page_no"))
	if err1 != nil || err2 != nil || size < 1 || pageNo < 0 {
		return lazadaError(c, http.StatusOK, "ISV", "InvalidParameter", "page_size and page_no must be positive numbers")
	}
	pageNo = max(pageNo, 1)
	types := splitList(params.Get("request_type_list"))
	statuses := splitList(params.Get("reverse_status_list"))
	msRange := func(k string) (int64, bool) {
		v := params.Get(k)
		if v == "" {
			return 0, false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	modFrom, hasModFrom := msRange("ReverseOrderLineModifiedTimeRangeStart")
	modTo, hasModTo := msRange("ReverseOrderLineModifiedTimeRangeEnd")
	crFrom, hasCrFrom := msRange("ReverseOrderLineTimeRangeStart")
	crTo, hasCrTo := msRange("ReverseOrderLineTimeRangeEnd")
	tradeID := params.Get("trade_order_id")
	reverseID := params.Get("reverse_order_id")

	var hits []lazadaRevEntry
	for _, e := range c.shop.lazadaRequests() {
		hasStatus := len(statuses) == 0
		for _, i := range lazadaLineItems(e.r, e.rv) {
			hasStatus = hasStatus || slices.Contains(statuses, lazadaLineStatus(e.rv, e.r.o.Items[i].PlatformItemID))
		}
		switch {
		case len(types) > 0 && !slices.Contains(types, lazadaRequestType(e.rv.kind)), !hasStatus,
			hasModFrom && e.rv.updated.UnixMilli() < modFrom, hasModTo && e.rv.updated.UnixMilli() > modTo,
			hasCrFrom && e.rv.created.UnixMilli() < crFrom, hasCrTo && e.rv.created.UnixMilli() > crTo,
			tradeID != "" && tradeID != e.r.o.PlatformID, reverseID != "" && reverseID != e.rv.id:
			continue
		}
		hits = append(hits, e)
	}
	slices.SortFunc(hits, func(a, b lazadaRevEntry) int {
		if c := a.rv.updated.Compare(b.rv.updated); c != 0 {
			return c
		}
		return strings.Compare(a.rv.id, b.rv.id)
	})
	from := min(len(hits), (pageNo-1)*size)
	to := min(len(hits), from+size)
	items := make([]map[string]any, 0, to-from)
	for _, e := range hits[from:to] {
		items = append(items, lazadaReverseJSON(e.r, e.rv))
	}
	return jsonReply(http.StatusOK, map[string]any{
		"code": "0",
		"result": map[string]any{
			"success": true, "page_no": pageNo, "page_size": size, "total": len(hits), "items": items,
		},
		"request_id": c.reqID,
	})
}

type lzAddress struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Phone     string `json:"phone"`
	Phone2    string `json:"phone2"`
	Address1  string `json:"address1"`
	Address2  string `json:"address2"`
	Address3  string `json:"address3"`
	Address4  string `json:"address4"`
	Address5  string `json:"address5"`
	City      string `json:"city"`
	PostCode  string `json:"post_code"`
	Country   string `json:"country"`
	District  string `json:"addressDsitrict"` // sic
}

// lzOrder is a GetOrders order. Ids and counts are Numbers; price and every other amount a String
// with two decimals.
type lzOrder struct {
	OrderID                     any       `json:"order_id"`
	OrderNumber                 any       `json:"order_number"`
	CreatedAt                   string    `json:"created_at"`
	UpdatedAt                   string    `json:"updated_at"`
	Statuses                    []string  `json:"statuses"`
	Price                       string    `json:"price"`
	ItemsCount                  int       `json:"items_count"`
	PaymentMethod               string    `json:"payment_method"`
	Remarks                     string    `json:"remarks"`
	CustomerFirstName           string    `json:"customer_first_name"`
	CustomerLastName            string    `json:"customer_last_name"`
	ShippingFee                 string    `json:"shipping_fee"`
	ShippingFeeOriginal         string    `json:"shipping_fee_original"`
	ShippingFeeDiscountSeller   string    `json:"shipping_fee_discount_seller"`
	ShippingFeeDiscountPlatform string    `json:"shipping_fee_discount_platform"`
	Voucher                     string    `json:"voucher"`
	VoucherSeller               string    `json:"voucher_seller"`
	VoucherPlatform             string    `json:"voucher_platform"`
	VoucherCode                 string    `json:"voucher_code"`
	GiftOption                  bool      `json:"gift_option"`
	GiftMessage                 string    `json:"gift_message"`
	DeliveryInfo                string    `json:"delivery_info"`
	PromisedShippingTimes       string    `json:"promised_shipping_times"`
	WarehouseCode               string    `json:"warehouse_code"`
	AddressBilling              lzAddress `json:"address_billing"`
	AddressShipping             lzAddress `json:"address_shipping"`
	BuyerNote                   string    `json:"buyer_note"`
	NationalRegistrationNumber  string    `json:"national_registration_number"`
	TaxCode                     string    `json:"tax_code"`
	BranchNumber                string    `json:"branch_number"`
	ExtraAttributes             string    `json:"extra_attributes"`
	NeedCancelConfirm           bool      `json:"need_cancel_confirm"`
	IsCancelPending             bool      `json:"is_cancel_pending"`
}

// splitName splits a name into Lazada's first and last name; first + " " + last gives it back.
func splitName(name string) (first, last string) {
	name = strings.TrimSpace(name)
	first, last, _ = strings.Cut(name, " ")
	return first, strings.TrimSpace(last)
}

func lazadaAddress(a domain.Address) lzAddress {
	first, last := splitName(a.Name)
	out := lzAddress{FirstName: first, LastName: last, Phone: a.Phone, City: a.City, PostCode: a.Postcode, Country: a.Country, District: a.District}
	lines := a.Lines
	if len(lines) > 5 { // Lazada has five lines: the rest share the last
		lines = append(slices.Clone(lines[:4]), strings.Join(lines[4:], ", "))
	}
	dst := []*string{&out.Address1, &out.Address2, &out.Address3, &out.Address4, &out.Address5}
	for i, l := range lines {
		*dst[i] = l
	}
	return out
}

// lazadaOrderJSON renders an order as GetOrders does.
//
// Folds (the domain says more than Lazada can): voucher_seller = SellerVoucher + SellerDiscount
// (Lazada has no order-level seller discount), so price - voucher + shipping_fee is still what the
// buyer paid; a COD order's payment_method is "COD". Not carried: PaidAt, Buyer username, id and
// email, Address.State, Tax, DeliveryOption, FulfillmentType, the order-level cancel reason.
func lazadaOrderJSON(o *domain.Order, loc *time.Location) lzOrder {
	sv := o.SellerVoucher.Add(o.SellerDiscount)
	first, last := splitName(o.Buyer.Name)
	method := o.PaymentMethod
	if o.COD {
		method = "COD"
	}
	statuses := domain.LazadaStatuses(o.Items)
	if statuses == nil {
		statuses = []string{}
	}
	zero := domain.Money{Currency: o.Currency}.Decimal()
	addr := lazadaAddress(o.Address)
	return lzOrder{
		OrderID:                     idNumber(o.PlatformID),
		OrderNumber:                 idNumber(o.OrderNo),
		CreatedAt:                   lazadaFormat(o.CreatedAt, loc),
		UpdatedAt:                   lazadaFormat(o.UpdatedAt, loc),
		Statuses:                    statuses,
		Price:                       o.Subtotal.Decimal(),
		ItemsCount:                  len(o.Items),
		PaymentMethod:               method,
		Remarks:                     o.SellerNote,
		CustomerFirstName:           first,
		CustomerLastName:            last,
		ShippingFee:                 dec(o.ShippingFee),
		ShippingFeeOriginal:         dec(o.ShippingFee),
		ShippingFeeDiscountSeller:   zero,
		ShippingFeeDiscountPlatform: zero,
		Voucher:                     dec(sv.Add(o.PlatformVoucher)),
		VoucherSeller:               dec(sv),
		VoucherPlatform:             dec(o.PlatformVoucher),
		VoucherCode:                 o.VoucherCode,
		PromisedShippingTimes:       lazadaFormat(o.ShipBy, loc),
		WarehouseCode:               o.WarehouseCode,
		AddressBilling:              addr,
		AddressShipping:             addr,
		BuyerNote:                   o.BuyerNote,
		ExtraAttributes:             "{}",
		NeedCancelConfirm:           o.CancelRequested,
	}
}

type lzItem struct {
	OrderItemID           any    `json:"order_item_id"`
	OrderID               any    `json:"order_id"`
	Status                string `json:"status"`
	Name                  string `json:"name"`
	Sku                   string `json:"sku"`
	ShopSku               string `json:"shop_sku"`
	SkuID                 string `json:"sku_id"`
	ProductID             string `json:"product_id"`
	Variation             string `json:"variation"`
	ItemPrice             string `json:"item_price"`
	PaidPrice             string `json:"paid_price"`
	Currency              string `json:"currency"`
	TaxAmount             string `json:"tax_amount"`
	VoucherSeller         string `json:"voucher_seller"`
	VoucherPlatform       string `json:"voucher_platform"`
	VoucherAmount         string `json:"voucher_amount"`
	VoucherCode           string `json:"voucher_code"`
	ShippingAmount        string `json:"shipping_amount"`
	PackageID             string `json:"package_id"`
	TrackingCode          string `json:"tracking_code"`
	ShipmentProvider      string `json:"shipment_provider"`
	ShippingType          string `json:"shipping_type"`
	ShippingProviderType  string `json:"shipping_provider_type"`
	DeliveryOptionSof     string `json:"delivery_option_sof"`
	IsDigital             int    `json:"is_digital"`
	IsFbl                 int    `json:"is_fbl"`
	InvoiceNumber         string `json:"invoice_number"`
	Reason                string `json:"reason"`
	ReasonDetail          string `json:"reason_detail"`
	ReturnStatus          string `json:"return_status"`
	CancelReturnInitiator string `json:"cancel_return_initiator"`
	PromisedShippingTime  string `json:"promised_shipping_time"`
	SLATimeStamp          string `json:"sla_time_stamp"`
	CreatedAt             string `json:"created_at"`
	UpdatedAt             string `json:"updated_at"`
	ProductMainImage      string `json:"product_main_image"`
	ProductDetailURL      string `json:"product_detail_url"`
	WarehouseCode         string `json:"warehouse_code"`
	OrderType             string `json:"order_type"`
	OrderFlag             string `json:"order_flag"`
	NeedCancelConfirm     bool   `json:"need_cancel_confirm"`
	IsCancelPending       bool   `json:"is_cancel_pending"`
	CancelTriggerTime     any    `json:"cancel_trigger_time,omitempty"`
	ReverseOrderID        any    `json:"reverse_order_id,omitempty"`
}

var lazadaInitiator = map[string]string{"seller": "cancellation-seller", "buyer": "cancellation-customer", "system": "cancellation-internal"}

// lazadaItemsJSON renders an order's items (one per unit) as GetOrderItems does. A delivered
// item's updated_at is the delivery time (clients take DeliveredAt from it); the shipping fee sits
// on the first item.
func lazadaItemsJSON(r *record, loc *time.Location) []lzItem {
	o := &r.o
	out := make([]lzItem, 0, len(o.Items))
	zero := domain.Money{Currency: o.Currency}.Decimal()
	sof := "0"
	if o.SelfDelivery {
		sof = "1"
	}
	for k, it := range o.Items {
		pkg, _ := o.Package(it.PackageID)
		ship := zero
		if k == 0 {
			ship = dec(o.ShippingFee)
		}
		updated := o.UpdatedAt
		if it.Status == domain.LzDelivered && !o.DeliveredAt.IsZero() {
			updated = o.DeliveredAt
		}
		initiator := ""
		if it.Cancelled || it.Status == domain.LzCanceled {
			initiator = lazadaInitiator[strings.ToLower(it.CancelledBy)]
			if initiator == "" && it.CancelledBy != "" {
				initiator = it.CancelledBy
			}
		} else if it.ReturnStatus != "" {
			initiator = "return-customer"
		}
		status := it.Status
		if it.Cancelled && status == "" {
			status = domain.LzCanceled
		}
		li := lzItem{
			OrderItemID:           idNumber(it.PlatformItemID),
			OrderID:               idNumber(o.PlatformID),
			Status:                status,
			Name:                  it.Name,
			Sku:                   it.SKU,
			ShopSku:               it.ShopSKU,
			SkuID:                 it.SKUID,
			ProductID:             it.ProductID,
			Variation:             it.Variation,
			ItemPrice:             dec(it.UnitPrice),
			PaidPrice:             dec(it.PaidPrice),
			Currency:              o.Currency,
			TaxAmount:             zero,
			VoucherSeller:         dec(it.SellerDiscount),
			VoucherPlatform:       dec(it.PlatformDiscount),
			VoucherAmount:         dec(it.SellerDiscount.Add(it.PlatformDiscount)),
			VoucherCode:           o.VoucherCode,
			ShippingAmount:        ship,
			PackageID:             it.PackageID,
			TrackingCode:          pkg.TrackingNo,
			ShipmentProvider:      pkg.Provider,
			ShippingType:          o.ShippingType,
			ShippingProviderType:  o.ProviderType,
			DeliveryOptionSof:     sof,
			Reason:                it.CancelReason,
			ReturnStatus:          it.ReturnStatus,
			CancelReturnInitiator: initiator,
			PromisedShippingTime:  lazadaFormat(o.ShipBy, loc),
			SLATimeStamp:          lazadaFormat(o.ShipBy, loc),
			CreatedAt:             lazadaFormat(o.CreatedAt, loc),
			UpdatedAt:             lazadaFormat(updated, loc),
			ProductMainImage:      it.ImageURL,
			ProductDetailURL:      "https://www.lazada.com.my/products/-i" + it.ProductID + ".html",
			WarehouseCode:         o.WarehouseCode,
			OrderType:             "Normal",
			OrderFlag:             "NORMAL",
			NeedCancelConfirm:     o.CancelRequested && !it.Cancelled,
		}
		switch {
		case o.CancelRequested && r.cancel != nil && !it.Cancelled:
			li.ReverseOrderID = idNumber(r.cancel.id)
			li.CancelTriggerTime = r.cancel.created.UnixMilli()
		case it.ReturnStatus != "" && r.ret != nil:
			li.ReverseOrderID = idNumber(r.ret.id)
		case it.Cancelled && it.CancelledBy == "buyer" && r.cancel != nil && r.cancel.lines[it.PlatformItemID] != "":
			li.ReverseOrderID = idNumber(r.cancel.id) // cancelled by the buyer's request
		}
		out = append(out, li)
	}
	return out
}

// lazadaAuthorize is the seller's consent page: it lists the shops; approving one (following its
// link, or adding shop=<seller_id> to the authorize URL) redirects to redirect_uri (default: the
// app's registered callback) with a fresh code and the state.
func (s *Sim) lazadaAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app := s.App(domain.Lazada)
	if q.Get("client_id") != app.Key {
		htmlReply(http.StatusBadRequest, page("Lazada", "<p>Invalid client_id.</p>")).write(w)
		return
	}
	if rt := q.Get("response_type"); rt != "" && rt != "code" {
		htmlReply(http.StatusBadRequest, page("Lazada", "<p>Unsupported response_type.</p>")).write(w)
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		redirect = s.opt.Redirect
	}
	if id := q.Get("shop"); id != "" {
		s.mu.RLock()
		sh := s.shop(domain.Lazada, id)
		s.mu.RUnlock()
		if sh == nil {
			htmlReply(http.StatusBadRequest, page("Lazada", "<p>Unknown shop.</p>")).write(w)
			return
		}
		extra := url.Values{"code": {s.newCode(domain.Lazada, id)}}
		if st := q.Get("state"); st != "" {
			extra.Set("state", st)
		}
		http.Redirect(w, r, withQuery(redirect, extra), http.StatusFound)
		return
	}
	htmlReply(http.StatusOK, s.shopList(domain.Lazada, r.URL, "Authorize "+html.EscapeString(q.Get("client_id")))).write(w)
}

func dec(m domain.Money) string { return m.Decimal() }
