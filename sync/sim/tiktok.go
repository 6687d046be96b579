package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// TikTok Shop Partner API 202309+ (reference T1-T6), mounted at /tiktok: the API host's paths
// (/order/202309/...), the auth host's /api/v2/token/*, and the authorize page /open/authorize.

// tiktokSign is TikTok's signature: the request path, then every query parameter but sign and
// access_token sorted by key as key+value, then the raw body (unless multipart), wrapped in the
// app secret on both sides; HMAC-SHA256 keyed by the secret, lowercase hex.
func tiktokSign(secret, path string, query url.Values, body []byte) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		if k != "sign" && k != "access_token" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(secret))
	mac.Write([]byte(path))
	for _, k := range keys {
		mac.Write([]byte(k))
		mac.Write([]byte(query.Get(k)))
	}
	mac.Write(body)
	mac.Write([]byte(secret))
	return hex.EncodeToString(mac.Sum(nil))
}

const (
	tiktokPast       = 300 * time.Second // timestamps are accepted in [now-300 s, now+30 s]
	tiktokFuture     = 30 * time.Second
	tiktokMaxIDs     = 50
	tiktokMaxPage    = 100
	tiktokMaxReturns = 50
)

// TikTok error codes (T2, T6). codeBadParam is ours: the reference names no code for a bad
// parameter value such as page_size.
const (
	codeTooMany      = 36009002
	codeInternal     = 36009003
	codeCredentials  = 36009004
	codeBadPath      = 36009009
	codeBadMethod    = 36009010
	codeBadVersion   = 36009014
	codeNotJSON      = 36009022
	codeBadSign      = 106001
	codeExpired      = 105002
	codeNoCipher     = 106013
	codeCipherPair   = 101000
	codeBadParam     = 36009001
	tiktokSuccessMsg = "Success"
)

func tiktokError(c *call, status, code int, msg string) reply {
	return jsonReply(status, map[string]any{"code": code, "message": msg, "request_id": c.reqID, "data": nil})
}

func tiktokOK(c *call, data any) reply {
	return jsonReply(http.StatusOK, map[string]any{"code": 0, "message": tiktokSuccessMsg, "request_id": c.reqID, "data": data})
}

func tiktokFault(c *call, k FaultKind) reply {
	switch k {
	case TooManyRequests:
		return tiktokError(c, http.StatusTooManyRequests, codeTooMany, "Too many requests. Please try again later.")
	case ServerError:
		return tiktokError(c, http.StatusInternalServerError, codeInternal, "Internal error. Please try again later.")
	case Unavailable:
		return textReply(http.StatusServiceUnavailable, "503 Service Temporarily Unavailable")
	case ExpiredToken:
		return tiktokError(c, http.StatusOK, codeExpired, "Access token is expired, please refresh it.")
	}
	return tiktokError(c, http.StatusInternalServerError, codeInternal, "unknown fault")
}

func (s *Sim) serveTikTok(w http.ResponseWriter, r *http.Request) {
	apiPath := strings.TrimPrefix(r.URL.Path, "/tiktok")
	if apiPath == "/open/authorize" {
		s.tiktokAuthorize(w, r)
		return
	}
	if strings.HasPrefix(apiPath, "/awb/") { // shipping_documents' doc_url (tiktok_awb.go)
		s.serveAWB(domain.TikTok, w, r, apiPath)
		return
	}
	c, err := s.newCall(domain.TikTok, w, r, apiPath)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.token = strings.HasPrefix(apiPath, "/api/v2/token/")
	s.run(c, tiktokFault, s.tiktokAPI)
}

type tiktokRoute struct {
	method   string
	versions []string
	shopAPI  bool
	write    bool // changes orders: runs under the write lock
	handle   func(*Sim, *call) reply
}

// tiktokRoutes maps "module/resource" (the path without its version) to its handler; "{id}" stands
// for a path segment the handler reads from call.pathID.
var tiktokRoutes = map[string]tiktokRoute{
	"/authorization/shops":                           {http.MethodGet, []string{"202309"}, false, false, (*Sim).tiktokShops},
	"/order/orders/search":                           {http.MethodPost, []string{"202309"}, true, false, (*Sim).tiktokSearch},
	"/order/orders":                                  {http.MethodGet, []string{"202309", "202507"}, true, false, (*Sim).tiktokDetail},
	"/return_refund/returns/search":                  {http.MethodPost, []string{"202309"}, true, false, (*Sim).tiktokReturns},
	"/return_refund/returns/{id}/approve":            {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokReturnApprove},
	"/return_refund/returns/{id}/reject":             {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokReturnReject},
	"/return_refund/cancellations":                   {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokSellerCancel},
	"/return_refund/cancellations/search":            {http.MethodPost, []string{"202309"}, true, false, (*Sim).tiktokCancellations},
	"/return_refund/cancellations/{id}/approve":      {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokCancelApprove},
	"/return_refund/cancellations/{id}/reject":       {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokCancelReject},
	"/return_refund/reject_reasons":                  {http.MethodGet, []string{"202309"}, true, false, (*Sim).tiktokRejectReasons},
	"/product/images/upload":                         {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokImageUpload},
	"/fulfillment/packages/ship":                     {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokBatchShip},
	"/fulfillment/packages/{id}":                     {http.MethodGet, []string{"202309"}, true, false, (*Sim).tiktokPackageDetail},
	"/fulfillment/packages/{id}/handover_time_slots": {http.MethodGet, []string{"202309"}, true, false, (*Sim).tiktokHandoverSlots},
	"/fulfillment/packages/{id}/ship":                {http.MethodPost, []string{"202309"}, true, true, (*Sim).tiktokShip},
	"/fulfillment/packages/{id}/shipping_documents":  {http.MethodGet, []string{"202309"}, true, false, (*Sim).tiktokShippingDocs},
}

// idCollections are the resources whose paths carry an id: /fulfillment/202309/packages/{id}/...,
// /return_refund/202309/returns/{id}/..., /return_refund/202309/cancellations/{id}/...
var idCollections = map[string]bool{"packages": true, "returns": true, "cancellations": true}

// tiktokRoute finds a path's route: an exact one, or one with its id segment (the one after
// "packages", "returns" or "cancellations") as {id}.
func findTikTokRoute(module, rest string) (tiktokRoute, string, bool) {
	if r, ok := tiktokRoutes["/"+module+rest]; ok {
		return r, "", true
	}
	parts := strings.Split(rest, "/") // "", "packages", id, [action]
	if len(parts) < 3 || len(parts) > 4 || !idCollections[parts[1]] || parts[2] == "" {
		return tiktokRoute{}, "", false
	}
	id := parts[2]
	parts[2] = "{id}"
	r, ok := tiktokRoutes["/"+module+strings.Join(parts, "/")]
	return r, id, ok
}

var versioned = regexp.MustCompile(`^/([a-z_]+)/([0-9]+)(/.*)$`)

func (s *Sim) tiktokAPI(c *call) reply {
	switch c.apiPath {
	case "/api/v2/token/get":
		return s.tiktokTokenGet(c)
	case "/api/v2/token/refresh":
		return s.tiktokTokenRefresh(c)
	}
	m := versioned.FindStringSubmatch(c.apiPath)
	if m == nil {
		return tiktokError(c, http.StatusNotFound, codeBadPath, "Invalid path: "+c.apiPath)
	}
	route, pathID, ok := findTikTokRoute(m[1], m[3])
	if !ok {
		return tiktokError(c, http.StatusNotFound, codeBadPath, "Invalid path: "+c.apiPath)
	}
	c.pathID = pathID
	if !slices.Contains(route.versions, m[2]) {
		return tiktokError(c, http.StatusOK, codeBadVersion, "The version name is invalid, please check and retry.")
	}
	if c.r.Method != route.method {
		return tiktokError(c, http.StatusMethodNotAllowed, codeBadMethod, "Invalid method: this API takes "+route.method)
	}
	app := s.App(domain.TikTok)
	q := c.query
	if q.Get("app_key") != app.Key {
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid credentials: app_key is missing or unknown.")
	}
	if q.Get("sign") == "" {
		return tiktokError(c, http.StatusOK, codeBadSign, "Invalid sign: sign is missing.")
	}
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if d := s.now().Sub(time.Unix(ts, 0)); err != nil || d > tiktokPast || d < -tiktokFuture {
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid timestamp: it must be within 5 minutes before and 30 seconds after the server time.")
	}
	body := c.body
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	multipart := ct == "multipart/form-data"
	if multipart {
		body = nil
	}
	if !hmac.Equal([]byte(tiktokSign(app.Secret, c.apiPath, q, body)), []byte(q.Get("sign"))) {
		return tiktokError(c, http.StatusOK, codeBadSign, "Invalid sign.")
	}
	tok := c.r.Header.Get("x-tts-access-token")
	if tok == "" {
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid credentials: the x-tts-access-token header is missing.")
	}
	if c.r.Method == http.MethodPost && !multipart && len(strings.TrimSpace(string(c.body))) > 0 && !json.Valid(c.body) {
		return tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be JSON.")
	}
	if route.write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	sh, st := s.checkAccess(domain.TikTok, tok)
	switch {
	case st == tokenExpired:
		return tiktokError(c, http.StatusOK, codeExpired, "Access token is expired, please refresh it.")
	case st != tokenOK || sh == nil:
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid credentials: the access token is invalid.")
	}
	if route.shopAPI {
		cipher := q.Get("shop_cipher")
		if cipher == "" {
			return tiktokError(c, http.StatusOK, codeNoCipher, "shop_cipher is required for this API.")
		}
		if cipher != sh.Cipher {
			return tiktokError(c, http.StatusOK, codeCipherPair, "The access token and shop_cipher do not match.")
		}
	}
	c.shop = sh
	return route.handle(s, c)
}

// tiktokTokenGet is GET /api/v2/token/get (auth host): not signed, the secret rides in the query.
func (s *Sim) tiktokTokenGet(c *call) reply {
	app := s.App(domain.TikTok)
	if c.param("app_key") != app.Key || c.param("app_secret") != app.Secret {
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid credentials: app_key or app_secret.")
	}
	if c.param("grant_type") != "authorized_code" {
		return tiktokError(c, http.StatusOK, codeBadParam, "grant_type must be authorized_code.")
	}
	code := c.param("auth_code")
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := s.codes["tiktok|"+code]
	if code == "" || ac == nil || ac.used || !s.now().Before(ac.expires) {
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid auth_code: it is unknown, already used or expired.")
	}
	ac.used = true
	sh := s.shop(domain.TikTok, ac.shop)
	return tiktokOK(c, tiktokTokenData(sh, s.issueLocked(domain.TikTok, sh.ID, time.Time{})))
}

// tiktokTokenRefresh is GET /api/v2/token/refresh. The old tokens keep working until they expire.
func (s *Sim) tiktokTokenRefresh(c *call) reply {
	app := s.App(domain.TikTok)
	if c.param("app_key") != app.Key || c.param("app_secret") != app.Secret {
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid credentials: app_key or app_secret.")
	}
	if c.param("grant_type") != "refresh_token" {
		return tiktokError(c, http.StatusOK, codeBadParam, "grant_type must be refresh_token.")
	}
	tok := c.param("refresh_token")
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.refr["tiktok|"+tok]
	switch {
	case tok == "" || rt == nil:
		return tiktokError(c, http.StatusOK, codeCredentials, "Invalid credentials: the refresh token is invalid.")
	case !s.now().Before(rt.expires):
		return tiktokError(c, http.StatusOK, codeExpired, "The refresh token is expired: authorize the shop again.")
	}
	sh := s.shop(domain.TikTok, rt.shop)
	return tiktokOK(c, tiktokTokenData(sh, s.issueLocked(domain.TikTok, sh.ID, time.Time{})))
}

func tiktokTokenData(sh *shopState, g *grant) map[string]any {
	return map[string]any{
		"access_token":            g.access,
		"access_token_expire_in":  g.accessExpires.Unix(),
		"refresh_token":           g.refresh,
		"refresh_token_expire_in": g.refreshExpires.Unix(),
		"open_id":                 "oid" + derivedDigits(12, "open id", sh.ID),
		"seller_name":             sh.Name,
		"seller_base_region":      sh.Region,
		"user_type":               0,
		"granted_scopes":          []string{"seller.authorization.info", "seller.order.info", "seller.fulfillment.basic", "seller.return_refund.basic"},
	}
}

// tiktokShops is GET /authorization/202309/shops: the shop the token was granted for.
func (s *Sim) tiktokShops(c *call) reply {
	sh := c.shop
	return tiktokOK(c, map[string]any{"shops": []map[string]any{{
		"id": sh.ID, "name": sh.Name, "region": sh.Region, "seller_type": "LOCAL", "cipher": sh.Cipher,
		"code": "MY" + derivedDigits(8, "shop code", sh.ID),
	}}})
}

// tiktokPageSize reads page_size within [lo, hi]; def applies when it is absent (0 = required).
func tiktokPageSize(c *call, lo, hi, def int) (int, *reply) {
	v := c.query.Get("page_size")
	if v == "" && def > 0 {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r := tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf("Invalid page_size %q: it must be between %d and %d.", v, lo, hi))
		return 0, &r
	}
	return n, nil
}

// tiktokSort reads sort_field and sort_order.
func tiktokSort(c *call, defOrder string) (byUpdate, desc bool, fail *reply) {
	switch c.query.Get("sort_field") {
	case "", "create_time":
	case "update_time":
		byUpdate = true
	default:
		r := tiktokError(c, http.StatusOK, codeBadParam, "Invalid sort_field: use create_time or update_time.")
		return false, false, &r
	}
	order := strings.ToUpper(c.query.Get("sort_order"))
	if order == "" {
		order = defOrder
	}
	switch order {
	case "ASC":
	case "DESC":
		desc = true
	default:
		r := tiktokError(c, http.StatusOK, codeBadParam, "Invalid sort_order: use ASC or DESC.")
		return false, false, &r
	}
	return byUpdate, desc, nil
}

// A page token is a keyset position: the sort field and order, then the (time, sequence) of the
// last item handed out. The next page starts strictly after it, so orders updated while a client
// pages through an ascending update-time list move behind it and are never skipped.
type pageToken struct {
	byUpdate, desc bool
	key            ikey
}

func (t pageToken) String() string {
	f, d := "c", "a"
	if t.byUpdate {
		f = "u"
	}
	if t.desc {
		d = "d"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("v1.%s%s.%d.%d", f, d, t.key.t, t.key.seq)))
}

func parsePageToken(s string) (pageToken, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageToken{}, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 4 || parts[0] != "v1" || len(parts[1]) != 2 {
		return pageToken{}, false
	}
	t, err1 := strconv.ParseInt(parts[2], 10, 64)
	seq, err2 := strconv.ParseInt(parts[3], 10, 32)
	if err1 != nil || err2 != nil {
		return pageToken{}, false
	}
	return pageToken{byUpdate: parts[1][0] == 'u', desc: parts[1][1] == 'd', key: ikey{t, int32(seq)}}, true
}

// tiktokRange is a [ge, lt) filter; a missing bound is open (the reference: "defaults to now / the
// earliest"; an open upper bound includes the current second).
type tiktokRange struct {
	ge, lt       int64
	hasGE, hasLT bool
}

func (r tiktokRange) contains(t int64) bool {
	return (!r.hasGE || t >= r.ge) && (!r.hasLT || t < r.lt)
}

func (r tiktokRange) bounds(ix index) (lo, hi int) {
	lo, hi = 0, len(ix)
	if r.hasGE {
		lo = ix.lower(r.ge)
	}
	if r.hasLT {
		hi = ix.lower(r.lt)
	}
	return lo, hi
}

func bodyRange(body map[string]json.RawMessage, prefix string) (tiktokRange, bool) {
	var r tiktokRange
	if raw, ok := body[prefix+"_ge"]; ok && string(raw) != "null" {
		v, ok := jsonInt(raw)
		if !ok {
			return r, false
		}
		r.ge, r.hasGE = v, true
	}
	if raw, ok := body[prefix+"_lt"]; ok && string(raw) != "null" {
		v, ok := jsonInt(raw)
		if !ok {
			return r, false
		}
		r.lt, r.hasLT = v, true
	}
	return r, true
}

func tiktokBody(c *call) (map[string]json.RawMessage, bool) {
	body := map[string]json.RawMessage{}
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return body, true
	}
	if err := json.Unmarshal(c.body, &body); err != nil {
		return nil, false
	}
	if body == nil {
		body = map[string]json.RawMessage{}
	}
	return body, true
}

// tiktokListRequest is what the searches (orders, returns, cancellations) read first: the page
// size and sort from the query, and the JSON body with its time ranges.
type tiktokListRequest struct {
	size             int
	byUpdate, desc   bool
	body             map[string]json.RawMessage
	created, updated tiktokRange
}

func tiktokList(c *call, maxPage, defaultSize int, defaultOrder string) (tiktokListRequest, *reply) {
	var lr tiktokListRequest
	var fail *reply
	if lr.size, fail = tiktokPageSize(c, 1, maxPage, defaultSize); fail != nil {
		return lr, fail
	}
	if lr.byUpdate, lr.desc, fail = tiktokSort(c, defaultOrder); fail != nil {
		return lr, fail
	}
	body, ok := tiktokBody(c)
	if !ok {
		r := tiktokError(c, http.StatusOK, codeNotJSON, "The request body must be a JSON object.")
		return lr, &r
	}
	lr.body = body
	var ok1, ok2 bool
	lr.created, ok1 = bodyRange(body, "create_time")
	lr.updated, ok2 = bodyRange(body, "update_time")
	if !ok1 || !ok2 {
		r := tiktokError(c, http.StatusOK, codeBadParam, "Invalid time filter: use epoch seconds.")
		return lr, &r
	}
	return lr, nil
}

// tiktokSearch is POST /order/202309/orders/search: full orders, keyset-paged.
func (s *Sim) tiktokSearch(c *call) reply {
	lr, fail := tiktokList(c, tiktokMaxPage, 0, "DESC")
	if fail != nil {
		return *fail
	}
	size, byUpdate, desc, body, created, updated := lr.size, lr.byUpdate, lr.desc, lr.body, lr.created, lr.updated
	var status, shipping, buyer string
	_ = json.Unmarshal(body["order_status"], &status)
	_ = json.Unmarshal(body["shipping_type"], &shipping)
	if raw, ok := body["buyer_user_id"]; ok {
		if v, ok := jsonInt(raw); ok {
			buyer = strconv.FormatInt(v, 10)
		} else {
			_ = json.Unmarshal(raw, &buyer)
		}
	}
	cancelFilter, hasCancel := jsonBool(body["is_buyer_request_cancel"])

	sh := c.shop
	ix, own, other := sh.crt, created, updated
	if byUpdate {
		ix, own, other = sh.upd, updated, created
	}
	lo, hi := own.bounds(ix)
	var match func(*record) bool
	if other.hasGE || other.hasLT || status != "" || shipping != "" || buyer != "" || hasCancel {
		match = func(r *record) bool {
			t := r.upd
			if byUpdate {
				t = r.crt
			}
			o := &r.o
			return other.contains(t) && (status == "" || o.Status == status) &&
				(shipping == "" || o.ShippingType == shipping) && (buyer == "" || o.Buyer.UserID == buyer) &&
				(!hasCancel || tiktokCancelRequested(o) == cancelFilter)
		}
	}
	_, total, _ := sh.scan(ix, lo, hi, desc, match, 0, 0, true)
	if tok := c.query.Get("page_token"); tok != "" {
		pt, ok := parsePageToken(tok)
		if !ok || pt.byUpdate != byUpdate || pt.desc != desc {
			return tiktokError(c, http.StatusOK, codeBadParam, "Invalid page_token (it must come from the same sort_field and sort_order).")
		}
		if desc {
			hi = min(hi, ix.search(pt.key))
		} else {
			lo = max(lo, ix.search(ikey{pt.key.t, pt.key.seq + 1}))
		}
	}
	page, _, more := sh.scan(ix, lo, hi, desc, match, 0, size, false)
	orders := make([]ttOrder, 0, len(page))
	for _, r := range page {
		orders = append(orders, tiktokOrderJSON(r))
	}
	next := ""
	if more && len(page) > 0 {
		last := page[len(page)-1]
		key := last.crtKey()
		if byUpdate {
			key = last.updKey()
		}
		next = pageToken{byUpdate, desc, key}.String()
	}
	return tiktokOK(c, map[string]any{"next_page_token": next, "total_count": total, "orders": orders})
}

// tiktokDetail is GET /order/202309/orders?ids=...; unknown ids are left out.
func (s *Sim) tiktokDetail(c *call) reply {
	ids := splitList(c.query.Get("ids"))
	if len(ids) == 0 || len(ids) > tiktokMaxIDs {
		return tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf("Invalid ids: give 1 to %d order ids, got %d.", tiktokMaxIDs, len(ids)))
	}
	orders := make([]ttOrder, 0, len(ids))
	for _, id := range ids {
		if r := c.shop.byNo[id]; r != nil {
			orders = append(orders, tiktokOrderJSON(r))
		}
	}
	return tiktokOK(c, map[string]any{"orders": orders})
}

func tiktokCancelRequested(o *domain.Order) bool {
	return o.CancelRequested && o.Status != domain.TtCancelled
}

type ttPayment struct {
	Currency                    string `json:"currency"`
	SubTotal                    string `json:"sub_total"`
	ShippingFee                 string `json:"shipping_fee"`
	SellerDiscount              string `json:"seller_discount"`
	PlatformDiscount            string `json:"platform_discount"`
	TotalAmount                 string `json:"total_amount"`
	OriginalTotalProductPrice   string `json:"original_total_product_price"`
	OriginalShippingFee         string `json:"original_shipping_fee"`
	ShippingFeeSellerDiscount   string `json:"shipping_fee_seller_discount"`
	ShippingFeePlatformDiscount string `json:"shipping_fee_platform_discount"`
	Tax                         string `json:"tax"`
	ProductTax                  string `json:"product_tax"`
	ShippingFeeTax              string `json:"shipping_fee_tax"`
}

type ttDistrict struct {
	AddressLevel     string `json:"address_level"`
	AddressLevelName string `json:"address_level_name"`
	AddressName      string `json:"address_name"`
}

type ttAddress struct {
	Name          string       `json:"name"`
	FirstName     string       `json:"first_name"`
	LastName      string       `json:"last_name"`
	PhoneNumber   string       `json:"phone_number"`
	FullAddress   string       `json:"full_address"`
	AddressDetail string       `json:"address_detail"`
	AddressLine1  string       `json:"address_line1"`
	AddressLine2  string       `json:"address_line2"`
	AddressLine3  string       `json:"address_line3"`
	AddressLine4  string       `json:"address_line4"`
	PostalCode    string       `json:"postal_code"`
	RegionCode    string       `json:"region_code"`
	DistrictInfo  []ttDistrict `json:"district_info"`
}

type ttPackageRef struct {
	ID string `json:"id"`
}

type ttLine struct {
	ID                   string `json:"id"`
	SkuID                string `json:"sku_id"`
	ProductID            string `json:"product_id"`
	ProductName          string `json:"product_name"`
	SkuName              string `json:"sku_name"`
	SellerSku            string `json:"seller_sku"`
	SkuImage             string `json:"sku_image"`
	OriginalPrice        string `json:"original_price"`
	SalePrice            string `json:"sale_price"`
	SellerDiscount       string `json:"seller_discount"`
	PlatformDiscount     string `json:"platform_discount"`
	Currency             string `json:"currency"`
	DisplayStatus        string `json:"display_status"`
	PackageID            string `json:"package_id"`
	PackageStatus        string `json:"package_status"`
	TrackingNumber       string `json:"tracking_number"`
	ShippingProviderID   string `json:"shipping_provider_id"`
	ShippingProviderName string `json:"shipping_provider_name"`
	CancelUser           string `json:"cancel_user,omitempty"`
	CancelReason         string `json:"cancel_reason,omitempty"`
	IsGift               bool   `json:"is_gift"`
}

// ttOrder is an order as the 202309 search and detail APIs give it. Amounts are strings, times
// epoch seconds (left out while they have not happened).
type ttOrder struct {
	ID                    string         `json:"id"`
	Status                string         `json:"status"`
	CreateTime            int64          `json:"create_time"`
	UpdateTime            int64          `json:"update_time"`
	PaidTime              int64          `json:"paid_time,omitempty"`
	RtsSLATime            int64          `json:"rts_sla_time,omitempty"`
	TtsSLATime            int64          `json:"tts_sla_time,omitempty"`
	CancelTime            int64          `json:"cancel_time,omitempty"`
	DeliveryTime          int64          `json:"delivery_time,omitempty"`
	UserID                string         `json:"user_id"`
	BuyerEmail            string         `json:"buyer_email"`
	BuyerMessage          string         `json:"buyer_message"`
	SellerNote            string         `json:"seller_note"`
	Payment               ttPayment      `json:"payment"`
	PaymentMethodName     string         `json:"payment_method_name"`
	RecipientAddress      *ttAddress     `json:"recipient_address,omitempty"`
	Packages              []ttPackageRef `json:"packages"`
	ShippingType          string         `json:"shipping_type"`
	ShippingProvider      string         `json:"shipping_provider"`
	ShippingProviderID    string         `json:"shipping_provider_id"`
	TrackingNumber        string         `json:"tracking_number"`
	DeliveryOptionID      string         `json:"delivery_option_id"`
	DeliveryOptionName    string         `json:"delivery_option_name"`
	DeliveryType          string         `json:"delivery_type"`
	FulfillmentType       string         `json:"fulfillment_type"`
	WarehouseID           string         `json:"warehouse_id"`
	CancellationInitiator string         `json:"cancellation_initiator,omitempty"`
	CancelReason          string         `json:"cancel_reason,omitempty"`
	IsBuyerRequestCancel  bool           `json:"is_buyer_request_cancel"`
	RequestCancelTime     int64          `json:"request_cancel_time,omitempty"`
	IsCOD                 bool           `json:"is_cod"`
	IsSampleOrder         bool           `json:"is_sample_order"`
	IsOnHoldOrder         bool           `json:"is_on_hold_order"`
	OrderType             string         `json:"order_type"`
	SplitOrCombineTag     string         `json:"split_or_combine_tag"`
	LineItems             []ttLine       `json:"line_items"`
}

func tiktokWho(by string) string { return strings.ToUpper(strings.TrimSpace(by)) }

func providerID(name string) string {
	if name == "" {
		return ""
	}
	return "69" + derivedDigits(16, "provider", name)
}

// tiktokOrderJSON renders an order as TikTok does.
//
// Folds: payment.seller_discount = SellerVoucher + SellerDiscount (TikTok has no separate order
// level seller discount); payment.sub_total = Subtotal - seller_discount - platform_discount;
// address lines beyond the fourth share address_line4; the order's shipping_provider and
// tracking_number are its first package's. Not carried: Buyer.Name, VoucherCode, WarehouseCode,
// ProviderType, SelfDelivery.
func tiktokOrderJSON(r *record) ttOrder {
	o := &r.o
	sd := o.SellerVoucher.Add(o.SellerDiscount)
	out := ttOrder{
		ID:                   o.OrderNo,
		Status:               o.Status,
		CreateTime:           unixOrZero(o.CreatedAt),
		UpdateTime:           unixOrZero(o.UpdatedAt),
		PaidTime:             unixOrZero(o.PaidAt),
		RtsSLATime:           unixOrZero(o.ShipBy),
		TtsSLATime:           unixOrZero(o.ShipBy),
		DeliveryTime:         unixOrZero(o.DeliveredAt),
		UserID:               o.Buyer.UserID,
		BuyerEmail:           o.Buyer.Email,
		BuyerMessage:         o.BuyerNote,
		SellerNote:           o.SellerNote,
		PaymentMethodName:    o.PaymentMethod,
		Packages:             []ttPackageRef{},
		ShippingType:         o.ShippingType,
		DeliveryOptionID:     derivedDigits(19, "delivery option", o.DeliveryOption),
		DeliveryOptionName:   o.DeliveryOption,
		DeliveryType:         "HOME_DELIVERY",
		FulfillmentType:      o.FulfillmentType,
		WarehouseID:          derivedDigits(19, "warehouse", o.WarehouseCode),
		IsBuyerRequestCancel: tiktokCancelRequested(o),
		IsCOD:                o.COD,
		IsOnHoldOrder:        o.Status == domain.TtOnHold,
		OrderType:            "NORMAL",
		LineItems:            make([]ttLine, 0, len(o.Items)),
		Payment: ttPayment{
			Currency:                    o.Currency,
			SubTotal:                    o.Subtotal.Add(domain.Money{Minor: -sd.Minor - o.PlatformVoucher.Minor}).Decimal(),
			ShippingFee:                 o.ShippingFee.Decimal(),
			SellerDiscount:              sd.Decimal(),
			PlatformDiscount:            o.PlatformVoucher.Decimal(),
			TotalAmount:                 o.Total.Decimal(),
			OriginalTotalProductPrice:   o.Subtotal.Decimal(),
			OriginalShippingFee:         o.ShippingFee.Decimal(),
			ShippingFeeSellerDiscount:   domain.Money{Currency: o.Currency}.Decimal(),
			ShippingFeePlatformDiscount: domain.Money{Currency: o.Currency}.Decimal(),
			Tax:                         o.Tax.Decimal(),
			ProductTax:                  o.Tax.Decimal(),
			ShippingFeeTax:              domain.Money{Currency: o.Currency}.Decimal(),
		},
	}
	if o.Status == domain.TtCancelled {
		out.CancelTime = unixOrZero(o.UpdatedAt)
		out.CancellationInitiator = tiktokWho(o.CancelledBy)
		out.CancelReason = o.CancelReason
	}
	if out.IsBuyerRequestCancel {
		out.RequestCancelTime = unixOrZero(o.UpdatedAt)
	}
	for _, p := range o.Packages {
		out.Packages = append(out.Packages, ttPackageRef{ID: p.ID})
	}
	if len(o.Packages) > 0 {
		out.ShippingProvider = o.Packages[0].Provider
		out.ShippingProviderID = providerID(o.Packages[0].Provider)
		out.TrackingNumber = o.Packages[0].TrackingNo
	}
	if !addressHidden(o.Status) && !addressEmpty(o.Address) {
		out.RecipientAddress = tiktokAddress(o.Address)
	}
	for _, it := range o.Items {
		pkg, _ := o.Package(it.PackageID)
		status := it.Status
		if it.Cancelled && status == "" {
			status = "CANCELLED"
		}
		display := o.Status
		if it.Cancelled || status == "CANCELLED" {
			display = "CANCELLED"
		}
		line := ttLine{
			ID:                   it.PlatformItemID,
			SkuID:                it.SKUID,
			ProductID:            it.ProductID,
			ProductName:          it.Name,
			SkuName:              it.Variation,
			SellerSku:            it.SKU,
			SkuImage:             it.ImageURL,
			OriginalPrice:        it.UnitPrice.Decimal(),
			SalePrice:            it.PaidPrice.Decimal(),
			SellerDiscount:       it.SellerDiscount.Decimal(),
			PlatformDiscount:     it.PlatformDiscount.Decimal(),
			Currency:             o.Currency,
			DisplayStatus:        display,
			PackageID:            it.PackageID,
			PackageStatus:        status,
			TrackingNumber:       pkg.TrackingNo,
			ShippingProviderID:   providerID(pkg.Provider),
			ShippingProviderName: pkg.Provider,
		}
		if it.Cancelled {
			line.CancelUser = tiktokWho(it.CancelledBy)
			line.CancelReason = it.CancelReason
		}
		out.LineItems = append(out.LineItems, line)
	}
	return out
}

func tiktokAddress(a domain.Address) *ttAddress {
	first, last := splitName(a.Name)
	lines := a.Lines
	if len(lines) > 4 {
		lines = append(slices.Clone(lines[:3]), strings.Join(lines[3:], ", "))
	}
	out := &ttAddress{Name: a.Name, FirstName: first, LastName: last, PhoneNumber: a.Phone, PostalCode: a.Postcode,
		RegionCode: a.Country, AddressDetail: strings.Join(a.Lines, ", "), DistrictInfo: []ttDistrict{}}
	dst := []*string{&out.AddressLine1, &out.AddressLine2, &out.AddressLine3, &out.AddressLine4}
	for i, l := range lines {
		*dst[i] = l
	}
	var full []string
	full = append(full, a.Lines...)
	for _, d := range []struct{ level, name, value string }{
		{"L0", "Country", a.Country}, {"L1", "State", a.State}, {"L2", "City", a.City}, {"L3", "District", a.District},
	} {
		if d.value != "" {
			out.DistrictInfo = append(out.DistrictInfo, ttDistrict{d.level, d.name, d.value})
		}
	}
	for _, v := range []string{a.District, a.City, a.Postcode, a.State, a.Country} {
		if v != "" {
			full = append(full, v)
		}
	}
	out.FullAddress = strings.Join(full, ", ")
	return out
}

// tiktokAuthorize is the seller's consent page. Approving a shop (its link, or shop=<id> on the
// URL) redirects to the app's registered callback (Options.Redirect: TikTok's authorize URL has
// no redirect parameter) with a fresh code and the state; Cancel (deny=1) redirects with
// code=null&error=auth_denied.
func (s *Sim) tiktokAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app := s.App(domain.TikTok)
	if q.Get("service_id") != app.ServiceID {
		htmlReply(http.StatusBadRequest, page("TikTok Shop", "<p>Invalid service_id.</p>")).write(w)
		return
	}
	extra := url.Values{}
	if st := q.Get("state"); st != "" {
		extra.Set("state", st)
	}
	if q.Get("deny") != "" {
		extra.Set("code", "null")
		extra.Set("error", "auth_denied")
		http.Redirect(w, r, withQuery(s.opt.Redirect, extra), http.StatusFound)
		return
	}
	if id := q.Get("shop"); id != "" {
		s.mu.RLock()
		sh := s.shop(domain.TikTok, id)
		s.mu.RUnlock()
		if sh == nil {
			htmlReply(http.StatusBadRequest, page("TikTok Shop", "<p>Unknown shop.</p>")).write(w)
			return
		}
		extra.Set("code", s.newCode(domain.TikTok, id))
		http.Redirect(w, r, withQuery(s.opt.Redirect, extra), http.StatusFound)
		return
	}
	htmlReply(http.StatusOK, s.shopList(domain.TikTok, r.URL, "Service "+app.ServiceID)).write(w)
}
