package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// DefaultRedirect is the OAuth callback registered for every app when Options.Redirect is empty.
const DefaultRedirect = "http://127.0.0.1:47655/callback"

// Options configure a simulator.
type Options struct {
	Seed     int64
	Start    time.Time // the clock's start; zero = time.Now()
	Manual   bool      // clock moves only via Clock().Advance/Set; otherwise it runs with the wall clock from Start
	Redirect string    // the registered OAuth callback of every app (default DefaultRedirect)

	SQLAcc SQLAccOptions // the SQL Account under /sqlacc; no keys = the demo keys, no seed = the demo company
}

// App is the one app the simulator registers per platform. For Shopee Key is the partner_id
// (digits) and Secret the partner_key; for TikTok ServiceID is the id its authorize page wants.
type App struct {
	Platform               domain.Platform
	Key, Secret, ServiceID string
}

// Shop is one seller account: Lazada ID = seller_id, Shopee ID = shop_id, TikTok ID = shop id and
// Cipher = shop_cipher.
type Shop struct {
	Platform                 domain.Platform
	ID, Name, Region, Cipher string
}

// Sim is the three marketplaces. Create it with New.
type Sim struct {
	opt     Options
	clock   *Clock
	closing chan struct{}
	closed  sync.Once
	reqID   atomic.Uint64

	mu     sync.RWMutex
	rng    *mrand.Rand // guarded by mu
	gens   int64       // Generate calls so far: each draws from its own demo seed
	apps   map[domain.Platform]App
	shops  map[domain.Platform][]*shopState
	byID   map[string]*shopState // platform|id
	access map[string]*accessToken
	refr   map[string]*refreshToken
	codes  map[string]*authCode
	last   map[string]*grant // platform|shop: the credentials /_sim/credentials hands out
	rates  Rates
	// ratesSet: SetRates was called, and Live's lifecycle steps use those rates instead of its own.
	ratesSet bool

	awb    awbState // AWB documents and links (awb.go)
	sqlacc *SQLAcc  // the SQL Account API (sqlacc.go)

	fmu    sync.Mutex
	faults map[domain.Platform][]*Fault
	reqs   map[domain.Platform][]Request
}

type accessToken struct {
	platform domain.Platform
	shop     string
	expires  time.Time
}

type refreshToken struct {
	platform domain.Platform
	shop     string
	expires  time.Time
	used     bool // Shopee: a refresh token works once
}

type authCode struct {
	platform domain.Platform
	shop     string
	expires  time.Time
	used     bool
}

type grant struct {
	access, refresh string
	accessExpires   time.Time
	refreshExpires  time.Time
}

// New creates a simulator with one app per platform (credentials derived from opt.Seed) and no
// shops.
func New(opt Options) *Sim {
	if opt.Redirect == "" {
		opt.Redirect = DefaultRedirect
	}
	start := opt.Start
	if start.IsZero() {
		start = time.Now()
	}
	s := &Sim{
		opt:     opt,
		clock:   newClock(start, opt.Manual),
		closing: make(chan struct{}),
		rng:     mrand.New(mrand.NewPCG(uint64(opt.Seed), 0x73696d2d6b656461)),
		apps:    map[domain.Platform]App{},
		shops:   map[domain.Platform][]*shopState{},
		byID:    map[string]*shopState{},
		access:  map[string]*accessToken{},
		refr:    map[string]*refreshToken{},
		codes:   map[string]*authCode{},
		last:    map[string]*grant{},
		rates:   DefaultRates,
		faults:  map[domain.Platform][]*Fault{},
		reqs:    map[domain.Platform][]Request{},
	}
	s.sqlacc = newSimSQLAcc(opt.SQLAcc, s.clock.Now)
	r := mrand.New(mrand.NewPCG(uint64(opt.Seed), 0x6170702d63726564))
	s.apps[domain.Lazada] = App{Platform: domain.Lazada, Key: fmt.Sprint(100000 + r.IntN(900000)), Secret: randAlnum(r, 32)}
	s.apps[domain.Shopee] = App{Platform: domain.Shopee, Key: fmt.Sprint(2000000 + r.IntN(8000000)), Secret: randHex(r, 64)}
	s.apps[domain.TikTok] = App{Platform: domain.TikTok, Key: "6" + strings.ToLower(randAlnum(r, 12)), Secret: randHex(r, 40),
		ServiceID: fmt.Sprint(7000000000000000000 + r.Int64N(1000000000000000000))}
	return s
}

// Clock is the simulator's clock.
func (s *Sim) Clock() *Clock { return s.clock }

// now is the simulator's current time.
func (s *Sim) now() time.Time { return s.clock.Now() }

// App returns the platform's app.
func (s *Sim) App(p domain.Platform) App {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.apps[p]
}

// AddShop adds a shop with a new id (and, for TikTok, a cipher). Region defaults to MY.
func (s *Sim) AddShop(p domain.Platform, name, region string) Shop {
	return s.AddStore(domain.Store{Platform: p, Name: name, Region: region})
}

// AddStore adds a shop for a Kedai store, keeping its ShopID when it has one (so the demo
// workspace's stores can sync from the simulator). Adding a shop id that exists returns it as is.
func (s *Sim) AddStore(st domain.Store) Shop {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.ShopID != "" {
		if sh := s.byID[string(st.Platform)+"|"+st.ShopID]; sh != nil {
			return sh.Shop
		}
	}
	region := strings.ToUpper(st.Region)
	if region == "" {
		region = "MY"
	}
	id := st.ShopID
	for id == "" || s.byID[string(st.Platform)+"|"+id] != nil {
		switch st.Platform {
		case domain.Lazada:
			id = fmt.Sprint(1000000000 + s.rng.Int64N(999999999))
		case domain.Shopee:
			id = fmt.Sprint(100000000 + s.rng.Int64N(899999999))
		default:
			id = fmt.Sprint(7494000000000000000 + s.rng.Int64N(999999999999999))
		}
	}
	name := st.Name
	if name == "" {
		name = fmt.Sprintf("%s shop %s", st.Platform.Title(), id)
	}
	sh := newShopState(Shop{Platform: st.Platform, ID: id, Name: name, Region: region})
	if st.Platform == domain.TikTok {
		sh.Cipher = "ROW_" + randAlnum(s.rng, 22)
	}
	sh.userID = fmt.Sprint(100000000 + s.rng.Int64N(899999999))
	sh.shortCode = "MY" + strings.ToUpper(randAlnum(s.rng, 5))
	s.shops[st.Platform] = append(s.shops[st.Platform], sh)
	s.byID[string(st.Platform)+"|"+id] = sh
	return sh.Shop
}

// Shops lists the platform's shops in the order they were added.
func (s *Sim) Shops(p domain.Platform) []Shop {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Shop
	for _, sh := range s.shops[p] {
		out = append(out, sh.Shop)
	}
	return out
}

func (s *Sim) shop(p domain.Platform, id string) *shopState { return s.byID[string(p)+"|"+id] }

// Lifetimes of tokens and codes, per the reference.
const (
	lazadaAccessLife  = 30 * 24 * time.Hour
	lazadaRefreshLife = 180 * 24 * time.Hour
	lazadaCodeLife    = 30 * time.Minute
	shopeeAccessLife  = 4 * time.Hour
	shopeeRefreshLife = 30 * 24 * time.Hour
	shopeeCodeLife    = 10 * time.Minute
	shopeeOldAccess   = 5 * time.Minute // the old access token keeps working this long after a refresh
	shopeeLinkLife    = 5 * time.Minute
	tiktokAccessLife  = 7 * 24 * time.Hour
	tiktokRefreshLife = 365 * 24 * time.Hour // the reference gives no figure; real ones are months
	tiktokCodeLife    = 30 * time.Minute
)

func lifetimes(p domain.Platform) (access, refresh time.Duration) {
	switch p {
	case domain.Lazada:
		return lazadaAccessLife, lazadaRefreshLife
	case domain.Shopee:
		return shopeeAccessLife, shopeeRefreshLife
	}
	return tiktokAccessLife, tiktokRefreshLife
}

// Grant issues tokens for a shop as if the seller had completed OAuth. It panics for a shop the
// simulator does not have (a programming error in a test).
func (s *Sim) Grant(p domain.Platform, shopID string) (access, refresh string, accessExpires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shop(p, shopID) == nil {
		panic(fmt.Sprintf("sim: Grant: no %s shop %q", p, shopID))
	}
	g := s.issueLocked(p, shopID, time.Time{})
	return g.access, g.refresh, g.accessExpires
}

// issueLocked creates a new access and refresh token. refreshExpires zero starts a new refresh
// lifetime (Lazada keeps the old one on refresh).
func (s *Sim) issueLocked(p domain.Platform, shopID string, refreshExpires time.Time) *grant {
	now := s.now()
	al, rl := lifetimes(p)
	if refreshExpires.IsZero() {
		refreshExpires = now.Add(rl)
	}
	g := &grant{accessExpires: now.Add(al), refreshExpires: refreshExpires}
	switch p {
	case domain.Lazada:
		g.access, g.refresh = "50000"+randToken(22), "50001"+randToken(22)
	case domain.Shopee:
		g.access, g.refresh = randToken(16), randToken(16)
	default:
		g.access, g.refresh = "ROW_"+randToken(24), "ROW_"+randToken(24)
	}
	s.access[string(p)+"|"+g.access] = &accessToken{platform: p, shop: shopID, expires: g.accessExpires}
	s.refr[string(p)+"|"+g.refresh] = &refreshToken{platform: p, shop: shopID, expires: g.refreshExpires}
	s.last[string(p)+"|"+shopID] = g
	return g
}

// newCode issues a single-use authorization code for a shop.
func (s *Sim) newCode(p domain.Platform, shopID string) string {
	life := lazadaCodeLife
	switch p {
	case domain.Shopee:
		life = shopeeCodeLife
	case domain.TikTok:
		life = tiktokCodeLife
	}
	code := randToken(16)
	if p == domain.TikTok {
		code = "ROW_" + code
	}
	s.mu.Lock()
	s.codes[string(p)+"|"+code] = &authCode{platform: p, shop: shopID, expires: s.now().Add(life)}
	s.mu.Unlock()
	return code
}

// tokenState says what an access token is worth.
type tokenState int

const (
	tokenOK tokenState = iota
	tokenUnknown
	tokenExpired
)

// checkAccess looks an access token up. Callers hold s.mu (read or write).
func (s *Sim) checkAccess(p domain.Platform, tok string) (*shopState, tokenState) {
	a := s.access[string(p)+"|"+tok]
	if a == nil || tok == "" {
		return nil, tokenUnknown
	}
	if !s.now().Before(a.expires) {
		return nil, tokenExpired
	}
	return s.shop(p, a.shop), tokenOK
}

// Rates are the chances per open order per Step (and, for NewOrder, per shop) of what a platform
// does on its own.
type Rates struct {
	Pay           float64 // unpaid -> paid (New Order)
	CancelRequest float64 // a paid, unpacked order gets a buyer's cancellation request
	Collect       float64 // the courier collects a parcel ready for it (at least collectAfter after the seller's last step) -> shipped
	Deliver       float64 // shipped -> delivered (not seller-own-fleet orders: the seller marks those)
	Complete      float64 // delivered -> completed (Shopee, TikTok; not while a return is open)
	Return        float64 // a delivered order gets a return request
	ReturnMove    float64 // an open return moves on by itself: the buyer ships it back or answers an offer; a refund under review is paid
	NewOrder      float64 // per shop: one new order arrives
	// MaxChanges caps the changes per shop per Step (0 = no cap); Live uses it to keep a big demo
	// shop from changing hundreds of orders at once.
	MaxChanges int
}

// DefaultRates are what Step uses unless SetRates says otherwise.
var DefaultRates = Rates{Pay: 0.5, CancelRequest: 0.03, Collect: 0.25, Deliver: 0.25, Complete: 0.2, Return: 0.03, ReturnMove: 0.1, NewOrder: 0.5}

// SetRates changes the chances Step uses, and Live's (which otherwise keeps its own gentler ones):
// a test that wants no order moved by itself sets them all to zero.
func (s *Sim) SetRates(r Rates) {
	s.mu.Lock()
	s.rates, s.ratesSet = r, true
	s.mu.Unlock()
}

// Listen serves the simulator on addr (e.g. "127.0.0.1:0"). stop closes the listener and every
// connection, releasing requests held by a Timeout fault.
func (s *Sim) Listen(addr string) (baseURL string, stop func() error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("sim: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			// The listener first, then the held requests: a client whose held request is dropped
			// retries an idempotent GET at once, and must find nobody answering.
			stopErr = srv.Close()
			s.Close()
			if errors.Is(stopErr, http.ErrServerClosed) {
				stopErr = nil
			}
		})
		return stopErr
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// Close releases requests held by Timeout faults (and makes later ones return at once). The
// simulator keeps answering otherwise. Listen's stop calls it.
func (s *Sim) Close() { s.closed.Do(func() { close(s.closing) }) }

// FaultKind is a kind of failure Inject arranges.
type FaultKind int

const (
	TooManyRequests FaultKind = iota + 1 // HTTP 429 with the platform's throttle body
	ServerError                          // HTTP 500 with the platform's error body
	Unavailable                          // HTTP 503 with a plain-text gateway body
	Timeout                              // hold the request until the client gives up (or 60 s), then drop the connection
	Malformed                            // HTTP 200 with a truncated JSON body
	ExpiredToken                         // the platform's expired/invalid access token error
)

func (k FaultKind) String() string {
	switch k {
	case TooManyRequests:
		return "429"
	case ServerError:
		return "500"
	case Unavailable:
		return "503"
	case Timeout:
		return "timeout"
	case Malformed:
		return "malformed"
	case ExpiredToken:
		return "expired"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// ParseFaultKind reads the names the control endpoint takes: 429, 500, 503, timeout, malformed,
// expired.
func ParseFaultKind(s string) (FaultKind, error) {
	for k := TooManyRequests; k <= ExpiredToken; k++ {
		if strings.EqualFold(s, k.String()) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown fault kind %q: use 429, 500, 503, timeout, malformed or expired", s)
}

// Fault applies to the next Times matching requests (Times < 1 counts as 1). Path is a substring
// of the request path, matched against both the platform's API path (e.g. "/orders/get",
// "/api/v2/order/get_order_list") and the full URL path; "" matches any API call but not the
// token calls (a token call is matched only when Path names it, e.g. "/auth/token").
type Fault struct {
	Kind  FaultKind
	Times int
	Path  string
}

// Inject arranges a fault on the platform's API.
func (s *Sim) Inject(p domain.Platform, f Fault) {
	if f.Times < 1 {
		f.Times = 1
	}
	s.fmu.Lock()
	s.faults[p] = append(s.faults[p], &f)
	s.fmu.Unlock()
}

// takeFault returns the first fault that matches the call and counts it down.
func (s *Sim) takeFault(p domain.Platform, apiPath, fullPath string, token bool) (FaultKind, bool) {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	fs := s.faults[p]
	for i, f := range fs {
		match := f.Path == "" && !token ||
			f.Path != "" && (strings.Contains(apiPath, f.Path) || strings.Contains(fullPath, f.Path))
		if !match {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			s.faults[p] = slices.Delete(fs, i, i+1)
		}
		return f.Kind, true
	}
	return 0, false
}

// Request is one logged API or token call. Path is the platform's API path (as signed: Lazada
// "/orders/get", Shopee "/api/v2/order/get_order_list", TikTok "/order/202309/orders/search").
// Params holds the query, form and top-level JSON body fields (non-strings as compact JSON), with
// sign, access_token, secrets, codes and refresh tokens removed. Status 0 means no answer
// (a Timeout fault).
type Request struct {
	Method, Path string
	Params       url.Values
	Status       int
}

// maxLog bounds the request log per platform; beyond it the oldest tenth goes.
const maxLog = 50_000

// Requests returns a copy of the platform's request log, oldest first.
func (s *Sim) Requests(p domain.Platform) []Request {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	return slices.Clone(s.reqs[p])
}

// ResetRequests empties the platform's request log.
func (s *Sim) ResetRequests(p domain.Platform) {
	s.fmu.Lock()
	s.reqs[p] = nil
	s.fmu.Unlock()
}

func (s *Sim) logRequest(p domain.Platform, r Request) {
	s.fmu.Lock()
	l := append(s.reqs[p], r)
	if len(l) > maxLog {
		l = slices.Delete(l, 0, len(l)-maxLog*9/10)
	}
	s.reqs[p] = l
	s.fmu.Unlock()
}

func (s *Sim) requestID() string {
	n := s.reqID.Add(1)
	return fmt.Sprintf("%013x%s", s.now().UnixMilli(), hex.EncodeToString([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}))
}

// Live moves the world on the wall clock so a demo user sees orders arrive: each shop gets a new
// order every 20-60 s and a few lifecycle changes about every 10 s. It stops when ctx ends or
// when the returned func is called.
func (s *Sim) Live(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	go s.live(ctx, livePace)
	return cancel
}

func randToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randAlnum(r *mrand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[r.IntN(len(alnum))]
	}
	return string(b)
}

func randHex(r *mrand.Rand, n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[r.IntN(16)]
	}
	return string(b)
}
