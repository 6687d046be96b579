package tiktok

import "github.com/kedai-app/kedai/sync/market"

// redact takes every secret out of s (market.Redact) with this client's own: the app secret and
// the current tokens.
func (c *Client) redact(s string) string {
	c.tokMu.Lock()
	access, refresh := c.tok.Access, c.tok.Refresh
	c.tokMu.Unlock()
	return market.Redact(s, c.cfg.AppSecret, access, refresh)
}
