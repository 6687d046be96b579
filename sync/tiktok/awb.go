package tiktok

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// AWB labels (T4; sync/FULFILMENT.md): GET
// /fulfillment/202309/packages/{package_id}/shipping_documents?document_type=SHIPPING_LABEL
// &document_size=A6|A5&document_format=PDF|ZPL, one call per package, answers
// data{doc_url, tracking_number}; the client downloads doc_url (valid 24 hours) at once. TikTok
// makes the document asynchronously: 11034037 ("still generating") is asked again after a short
// wait. Packages are worked on a few at a time, within the per-API rate limit; the downloads have
// a limiter of their own.

var _ market.LabelFetcher = (*Client)(nil)

const (
	pathShippingDocs = "/fulfillment/202309/packages/{package_id}/shipping_documents" // T4

	labelWorkers        = 4        // packages worked on at once
	codeStillGenerating = 11034037 // T4: the document is still being made; ask again
	generatingAttempts  = 5
	generatingWait      = 2 * time.Second // the longest wait between two asks
)

type shippingDocData struct {
	DocURL         string `json:"doc_url"`
	TrackingNumber string `json:"tracking_number"`
}

// Labels fetches the SHIPPING_LABEL of every package of the orders, of opt.Size (A6 or A5) and
// opt.Format (pdf or zpl). opt.Thermal does not apply. An order Kedai knows no package of is read
// again first (TikTok makes the package at payment); still none: "not packed yet".
func (c *Client) Labels(ctx context.Context, orders []domain.Order, opt market.LabelOptions) ([]market.Label, error) {
	opt, err := opt.Check()
	if err != nil {
		return nil, fmt.Errorf("TikTok Shop: %w", err)
	}
	orders, err = c.withPackages(ctx, orders)
	if err != nil {
		return nil, err
	}
	ids := market.LabelPackageIDs(orders)
	got := make(map[string]market.Label, len(ids))
	var mu sync.Mutex
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(labelWorkers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				data, err := c.shippingLabel(ctx, id, opt)
				if err != nil && ctx.Err() != nil {
					continue // stopped: not an answer about this package
				}
				mu.Lock()
				got[id] = market.Label{Format: opt.Format, Data: data, Err: err}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, id := range ids {
		select {
		case next <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()

	out, failed := market.LabelsInOrder(orders, opt.Format, got)
	c.log.Info("TikTok Shop labels", "orders", len(orders), "labels", len(out), "failed", failed, "size", opt.Size, "format", opt.Format)
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("TikTok Shop: fetching labels stopped: %w", err)
	}
	return out, nil
}

// shippingLabel asks for one package's label and downloads it.
func (c *Client) shippingLabel(ctx context.Context, pkgID string, opt market.LabelOptions) ([]byte, error) {
	q := url.Values{"document_type": {"SHIPPING_LABEL"}, "document_size": {opt.Size},
		"document_format": {strings.ToUpper(opt.Format)}}
	r := apiCall{method: http.MethodGet, path: packagePath(pathShippingDocs, pkgID), api: pathShippingDocs, query: q, shop: true}
	var d shippingDocData
	for attempt := 1; ; attempt++ {
		d = shippingDocData{}
		err := c.call(ctx, r, &d)
		var me *market.Error
		if err == nil {
			break
		}
		if !errors.As(err, &me) || me.Code != strconv.Itoa(codeStillGenerating) {
			return nil, err
		}
		if attempt >= generatingAttempts {
			gave := *me
			gave.Retryable = true
			return nil, &gave
		}
		if err := pause(ctx, market.Backoff(c.retryBase, attempt, generatingWait)); err != nil {
			return nil, fmt.Errorf("TikTok Shop: %s: %w", r.op(), err)
		}
	}
	link := strings.TrimSpace(d.DocURL)
	if link == "" {
		return nil, c.failure(r, http.StatusOK, true, "the answer has no doc_url")
	}
	return c.downloadDoc(ctx, link, opt.Format)
}

// downloadDoc fetches a doc_url (no signature: the link is its own permission), retrying what may
// pass (no answer, 429, 5xx), and checks it is the format asked for.
func (c *Client) downloadDoc(ctx context.Context, link, format string) ([]byte, error) {
	r := apiCall{method: http.MethodGet, path: "doc_url"}
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, c.failure(r, 0, false, "the doc_url is not an http(s) address: "+market.Redact(link))
	}
	lim := c.limiter(r)
	for attempt := 1; ; attempt++ {
		if err := lim.Wait(ctx); err != nil {
			return nil, fmt.Errorf("TikTok Shop: %s: %w", r.op(), err)
		}
		data, err := c.downloadOnce(ctx, r, link, format)
		if err == nil {
			return data, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("TikTok Shop: %s: %w", r.op(), ctx.Err())
		}
		var me *market.Error
		if !errors.As(err, &me) || !me.Retryable || attempt >= maxAttempts {
			return nil, err
		}
		if err := pause(ctx, c.backoff(attempt)); err != nil {
			return nil, fmt.Errorf("TikTok Shop: %s: %w", r.op(), err)
		}
	}
}

func (c *Client) downloadOnce(ctx context.Context, r apiCall, link, format string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, c.failure(r, 0, false, "the request could not be made: "+err.Error())
	}
	resp, err := c.httpc.Do(req)
	if err != nil {
		return nil, c.networkFailure(r, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return nil, c.networkFailure(r, err)
	}
	switch st := resp.StatusCode; {
	case st == http.StatusTooManyRequests || st >= 500:
		return nil, c.failure(r, st, true, http.StatusText(st))
	case st != http.StatusOK:
		return nil, c.failure(r, st, false, "the label link was refused ("+http.StatusText(st)+"): it lives 24 hours")
	case format == market.LabelPDF && !market.IsPDF(data):
		return nil, c.failure(r, st, true, fmt.Sprintf("the link did not give a PDF (%d bytes of %s)", len(data), resp.Header.Get("Content-Type")))
	case format == market.LabelZPL && !isZPL(data):
		return nil, c.failure(r, st, true, fmt.Sprintf("the link did not give a ZPL label (%d bytes of %s)", len(data), resp.Header.Get("Content-Type")))
	}
	return data, nil
}

// isZPL reports whether data holds a ZPL label: ^XA ... ^XZ.
func isZPL(data []byte) bool {
	s := strings.TrimSpace(string(data))
	return strings.HasPrefix(s, "^XA") && strings.HasSuffix(s, "^XZ")
}

// pause waits d unless ctx ends first.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
