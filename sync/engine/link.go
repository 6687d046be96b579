package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/market"
)

// LinkRequest is what the seller enters to link a store.
type LinkRequest = domain.LinkRequest

// DefaultBaseURL is the platform's production API root for a region, as its documentation names it.
func DefaultBaseURL(p domain.Platform, region string) string {
	switch p {
	case domain.Lazada:
		tld := map[string]string{"MY": "com.my", "SG": "sg", "TH": "co.th", "VN": "vn", "PH": "com.ph", "ID": "co.id"}[strings.ToUpper(region)]
		if tld == "" {
			tld = "com.my"
		}
		return "https://api.lazada." + tld + "/rest"
	case domain.Shopee:
		return "https://partner.shopeemobile.com"
	case domain.TikTok:
		return "https://open-api.tiktokglobalshop.com"
	}
	return ""
}

func check(r *LinkRequest) error {
	if _, err := domain.ParsePlatform(string(r.Platform)); err != nil {
		return err
	}
	if r.Relink == 0 && strings.TrimSpace(r.Name) == "" {
		return errors.New("give the store a name")
	}
	if strings.TrimSpace(r.AppKey) == "" || strings.TrimSpace(r.AppSecret) == "" {
		return errors.New("the app key and app secret are both needed (from the platform's developer console)")
	}
	if r.Platform == domain.TikTok && strings.TrimSpace(r.ServiceID) == "" {
		return errors.New("TikTok Shop also needs the app's service id (Partner Center › App › Service ID)")
	}
	if r.Region == "" {
		r.Region = "MY"
	}
	if r.BaseURL == "" {
		r.BaseURL = DefaultBaseURL(r.Platform, r.Region)
	}
	if u, err := url.Parse(r.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an API address (it should look like %s)", r.BaseURL, DefaultBaseURL(r.Platform, r.Region))
	}
	if r.InitialDays == 0 {
		r.InitialDays = 3
	}
	if r.InitialDays < 1 || r.InitialDays > db.MaxInitialDays {
		return fmt.Errorf("the first sync reaches back 1 to %d days, not %d", db.MaxInitialDays, r.InitialDays)
	}
	return nil
}

// Redirect is where the platforms send the browser back after a sign-in.
func (e *Engine) Redirect() string { return e.opt.Redirect }

// PendingLink waits for the seller to finish signing in, in the browser.
type PendingLink struct {
	// URL is the platform's sign-in page: open it in the system browser.
	URL string

	e        *Engine
	req      LinkRequest
	client   market.Client
	tokens   *stagedTokens
	callback chan url.Values
	srv      *http.Server
	once     sync.Once
}

// stagedTokens holds the tokens from the sign-in until the store they belong to is saved, in the
// same call: they never outlive BeginLink's flow outside the sealed store.
type stagedTokens struct {
	mu sync.Mutex
	t  market.Tokens
}

func (s *stagedTokens) Tokens(context.Context) (market.Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, nil
}

func (s *stagedTokens) SaveTokens(_ context.Context, t market.Tokens) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t = t
	return nil
}

// BeginLink checks the request, starts listening for the platform's redirect on 127.0.0.1, and
// returns the sign-in page to open, a wait for the seller to finish there (which then saves the
// store and starts its first sync), and a cancel that stops listening.
func (e *Engine) BeginLink(ctx context.Context, req LinkRequest) (url string, wait func(context.Context) (domain.Store, error), cancel func(), err error) {
	p, err := e.beginLink(ctx, req)
	if err != nil {
		return "", nil, nil, err
	}
	return p.URL, p.Wait, p.Cancel, nil
}

func (e *Engine) beginLink(ctx context.Context, req LinkRequest) (*PendingLink, error) {
	if err := check(&req); err != nil {
		return nil, err
	}
	if req.Redirect == "" {
		req.Redirect = e.opt.Redirect
	}
	if req.Relink == 0 {
		if _, err := e.db.StoreByName(ctx, req.Name); err == nil {
			return nil, fmt.Errorf("a store named %q already exists: choose another name", req.Name)
		}
	}
	redirect, err := url.Parse(req.Redirect)
	if err != nil || redirect.Scheme != "http" {
		return nil, fmt.Errorf("the sign-in return address %q must be http://127.0.0.1:PORT/...", req.Redirect)
	}
	if host := redirect.Hostname(); host != "127.0.0.1" && host != "localhost" {
		return nil, fmt.Errorf("the sign-in return address must be on this computer (127.0.0.1), not %s", host)
	}
	p := &PendingLink{e: e, req: req, tokens: &stagedTokens{}, callback: make(chan url.Values, 1)}
	newClient, ok := e.opt.Clients[req.Platform]
	if !ok {
		return nil, fmt.Errorf("no client for %s", req.Platform.Title())
	}
	p.client, err = newClient(market.Config{
		BaseURL: req.BaseURL, AuthURL: req.AuthURL, AppKey: req.AppKey, AppSecret: req.AppSecret,
		ServiceID: req.ServiceID, Region: req.Region, Keeper: p.tokens, HTTP: e.opt.HTTP, Now: e.opt.Now,
		RetryBase: e.opt.RetryBase, Log: e.opt.Log,
	})
	if err != nil {
		return nil, err
	}
	state := randomState()
	p.URL, err = p.client.AuthorizeURL(req.Redirect, state)
	if err != nil {
		return nil, err
	}
	port := redirect.Port()
	if port == "" {
		port = "80"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return nil, fmt.Errorf("cannot wait for the sign-in on 127.0.0.1:%s (%v): close whatever uses that port, or change the return address in Settings", port, err)
	}
	path := redirect.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if s := q.Get("state"); s != "" && s != state {
			http.Error(w, "This sign-in was not started by this Kedai window.", http.StatusBadRequest)
			return
		}
		select {
		case p.callback <- q:
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		msg := "You are signed in. Return to Kedai: the store is being linked."
		if e := q.Get("error"); e != "" || q.Get("code") == "" {
			msg = "The sign-in did not finish (" + html.EscapeString(e) + "). Return to Kedai to try again."
		}
		fmt.Fprintf(w, "<!doctype html><title>Kedai</title><body style=\"font-family:sans-serif;margin:3em\"><h2>Kedai</h2><p>%s</p></body>", msg)
	})
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln)
	return p, nil
}

func randomState() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Cancel stops waiting; the listener closes.
func (p *PendingLink) Cancel() {
	p.once.Do(func() { p.srv.Close() })
}

// Wait waits for the browser to come back (or ctx to end), exchanges the code for tokens, saves
// the store, and starts its first sync.
func (p *PendingLink) Wait(ctx context.Context) (domain.Store, error) {
	defer p.Cancel()
	var q url.Values
	select {
	case <-ctx.Done():
		return domain.Store{}, fmt.Errorf("the sign-in was not finished: %w", ctx.Err())
	case q = <-p.callback:
	}
	if e := q.Get("error"); e != "" || q.Get("code") == "" || q.Get("code") == "null" {
		if e == "" {
			e = "no code came back"
		}
		return domain.Store{}, fmt.Errorf("%s did not allow Kedai: %s", p.req.Platform.Title(), e)
	}
	shop, err := p.client.Link(ctx, q)
	if err != nil {
		return domain.Store{}, err
	}
	tokens, _ := p.tokens.Tokens(ctx)
	sec := db.Secrets{AppSecret: p.req.AppSecret, Tokens: tokens}
	e := p.e
	if p.req.Relink != 0 {
		s, err := e.store(p.req.Relink)
		if err != nil {
			return s, err
		}
		if s.ShopID != "" && shop.ID != "" && s.ShopID != shop.ID {
			return s, fmt.Errorf("you signed in as shop %s, but %q is shop %s: sign in with that shop's account", shop.ID, s.Name, s.ShopID)
		}
		if err := e.db.Relink(ctx, s.ID, sec); err != nil {
			return s, err
		}
		e.wake(s.ID)
		return s, nil
	}
	region := p.req.Region
	if shop.Region != "" {
		region = strings.ToUpper(shop.Region)
	}
	s, err := e.db.LinkStore(ctx, domain.Store{Platform: p.req.Platform, Name: p.req.Name, Region: region, ShopID: shop.ID},
		db.Link{BaseURL: p.req.BaseURL, AuthURL: p.req.AuthURL, AppKey: p.req.AppKey, ServiceID: p.req.ServiceID, Cipher: shop.Cipher},
		sec, p.req.InitialDays, e.opt.Now())
	if err != nil {
		return s, err
	}
	e.wake(s.ID)
	return s, nil
}
