package sim

import (
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// page is a minimal HTML page.
func page(title, body string) string {
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) +
		"</title></head><body><h1>" + html.EscapeString(title) + "</h1>\n" + body + "\n</body></html>\n"
}

// withQuery adds parameters to a URL that may already have a query.
func withQuery(raw string, extra url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		sep := "?"
		if strings.Contains(raw, "?") {
			sep = "&"
		}
		return raw + sep + extra.Encode()
	}
	q := u.Query()
	for k, v := range extra {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// shopList is a consent page listing the platform's shops, each a link that approves it: the
// authorize URL itself with shop=<id> added.
func (s *Sim) shopList(p domain.Platform, self *url.URL, heading string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%s: choose the shop to authorize.</p>\n<ul>\n", heading)
	for _, sh := range s.Shops(p) {
		u := *self
		q := u.Query()
		q.Set("shop", sh.ID)
		u.RawQuery = q.Encode()
		fmt.Fprintf(&b, "<li><a class=\"shop\" data-shop-id=\"%s\" href=\"%s\">%s (%s)</a></li>\n",
			html.EscapeString(sh.ID), html.EscapeString(u.RequestURI()), html.EscapeString(sh.Name), html.EscapeString(sh.ID))
	}
	b.WriteString("</ul>")
	if p == domain.TikTok {
		u := *self
		q := u.Query()
		q.Set("deny", "1")
		u.RawQuery = q.Encode()
		fmt.Fprintf(&b, "\n<p><a class=\"deny\" href=\"%s\">Cancel</a></p>", html.EscapeString(u.RequestURI()))
	}
	return page(p.Title()+" authorization", b.String())
}
