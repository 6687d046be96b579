package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Handler serves the three marketplaces and the control API:
//
//	/lazada/rest/...          Lazada API root (and the auth host's token APIs)
//	/lazada/oauth/authorize   Lazada's authorize page
//	/shopee/api/v2/...        Shopee (the partner host), incl. /api/v2/shop/auth_partner
//	/tiktok/...               TikTok Shop API root, /tiktok/api/v2/token/* (auth host), /tiktok/open/authorize
//	/_sim/...                 control: credentials, clock, faults, generate, step (see serveControl)
//	/sqlacc/...               the SQL Account API root (SQLAcc)
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/lazada/", s.serveLazada)
	mux.HandleFunc("/shopee/", s.serveShopee)
	mux.HandleFunc("/tiktok/", s.serveTikTok)
	mux.HandleFunc("/_sim/", s.serveControl)
	mux.Handle("/sqlacc/", http.StripPrefix("/sqlacc", s.sqlacc.Handler()))
	return mux
}

// maxBody bounds a request body.
const maxBody = 8 << 20

// call is one API request on its way through a platform's gateway.
type call struct {
	p        domain.Platform
	w        http.ResponseWriter
	r        *http.Request
	apiPath  string     // the path the platform signs, e.g. /orders/get
	query    url.Values // the query string
	form     url.Values // Lazada: form fields of a POST
	body     []byte     // raw body
	token    bool       // a token API (faults match it only by path)
	reqID    string
	shop     *shopState // set once the access token is checked
	bodyJSON map[string]json.RawMessage
	pathID   string // TikTok: the id in a path such as /fulfillment/202309/packages/{package_id}/ship
}

// reply is an answer ready to write.
type reply struct {
	status int
	ctype  string
	body   []byte
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":"sim: cannot encode the answer"}`)
		status = http.StatusInternalServerError
	}
	return reply{status: status, ctype: "application/json;charset=UTF-8", body: b}
}

func textReply(status int, text string) reply {
	return reply{status: status, ctype: "text/plain; charset=utf-8", body: []byte(text)}
}

func htmlReply(status int, html string) reply {
	return reply{status: status, ctype: "text/html; charset=utf-8", body: []byte(html)}
}

func (rep reply) write(w http.ResponseWriter) {
	if rep.ctype != "" {
		w.Header().Set("Content-Type", rep.ctype)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// newCall reads the request: its body (kept raw, for signatures), its query and, for a form
// POST, its fields.
func (s *Sim) newCall(p domain.Platform, w http.ResponseWriter, r *http.Request, apiPath string) (*call, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, err
	}
	c := &call{p: p, w: w, r: r, apiPath: apiPath, query: r.URL.Query(), form: url.Values{}, body: body, reqID: s.requestID()}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/x-www-form-urlencoded":
		if f, err := url.ParseQuery(string(body)); err == nil {
			c.form = f
		}
	case ct == "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		if f, err := mr.ReadForm(maxBody); err == nil {
			for k, v := range f.Value { // files are not signed and not kept
				c.form[k] = v
			}
			_ = f.RemoveAll()
		}
	case len(bytes.TrimSpace(body)) > 0 && (ct == "application/json" || ct == "" || ct == "text/plain"):
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil {
			c.bodyJSON = m
		}
	}
	return c, nil
}

// secretParams never reach the request log.
var secretParams = map[string]bool{"sign": true, "access_token": true, "app_secret": true, "refresh_token": true,
	"code": true, "auth_code": true, "partner_key": true}

// logParams is the call's parameters without secrets: query, form and top-level JSON fields.
func (c *call) logParams() url.Values {
	out := url.Values{}
	add := func(k string, vs ...string) {
		if !secretParams[k] {
			out[k] = append(out[k], vs...)
		}
	}
	for k, v := range c.query {
		add(k, v...)
	}
	for k, v := range c.form {
		add(k, v...)
	}
	for k, raw := range c.bodyJSON {
		var str string
		if json.Unmarshal(raw, &str) == nil {
			add(k, str)
			continue
		}
		var buf bytes.Buffer
		if json.Compact(&buf, raw) == nil {
			add(k, buf.String())
		} else {
			add(k, string(raw))
		}
	}
	return out
}

// faultReplies make the platform's answer for an injected fault (Timeout and Malformed are
// handled by run).
type faultReplies func(c *call, k FaultKind) reply

// run passes a call through the injected faults to the handler, writes the answer and logs it.
func (s *Sim) run(c *call, onFault faultReplies, handle func(*call) reply) {
	logged := Request{Method: c.r.Method, Path: c.apiPath, Params: c.logParams()}
	kind, faulted := s.takeFault(c.p, c.apiPath, c.r.URL.Path, c.token)
	var rep reply
	switch {
	case faulted && kind == Timeout:
		logged.Status = 0
		s.logRequest(c.p, logged)
		s.hold(c.r)
		panic(http.ErrAbortHandler) // answer nothing: the connection is dropped
	case faulted && kind == Malformed:
		rep = handle(c)
		rep.status, rep.ctype = http.StatusOK, "application/json;charset=UTF-8"
		if len(rep.body) < 2 {
			rep.body = []byte(`{"code":`)
		}
		rep.body = rep.body[:len(rep.body)/2]
	case faulted:
		rep = onFault(c, kind)
	default:
		rep = handle(c)
	}
	logged.Status = rep.status
	s.logRequest(c.p, logged)
	rep.write(c.w)
}

// holdMax is how long a Timeout fault holds a request when the client waits forever.
const holdMax = 60 * time.Second

func (s *Sim) hold(r *http.Request) {
	t := time.NewTimer(holdMax)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-t.C:
	case <-s.closing:
	}
}

// first returns the first value of a parameter from the query, then the form.
func (c *call) param(k string) string {
	if v, ok := c.query[k]; ok && len(v) > 0 {
		return v[0]
	}
	if v, ok := c.form[k]; ok && len(v) > 0 {
		return v[0]
	}
	return ""
}

func (c *call) has(k string) bool {
	_, q := c.query[k]
	_, f := c.form[k]
	return q || f
}
