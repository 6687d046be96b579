package lazada

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/market"
)

// AWB labels with PrintAWB (reference L4; sync/FULFILMENT.md): GET|POST
// /order/package/document/get with getDocumentReq={"doc_type":"PDF","packages":[..]} for at most
// 20 packages answers one document for all of them: result.data.file is an <iframe> page and
// pdf_url the direct link to the PDF (valid 10 minutes), which the client downloads at once. The
// PDF has a page per package in the order asked; when its page count is the number of packages
// asked it is cut into one PDF per package (pdfcpu, pages untouched), otherwise each package is
// asked for again on its own. Lazada refuses the whole call for one package it will not print
// (700040: not packed, cancelled, seller's own fleet), so a refused batch is asked for again one
// package at a time too: each package gets its own answer.

var _ market.LabelFetcher = (*Client)(nil)

const (
	pathPrintAWB = "/order/package/document/get"
	awbBatch     = 20 // packages a PrintAWB call (L4)
)

type awbData struct {
	File    string `json:"file"`
	DocType string `json:"doc_type"`
	PDFURL  string `json:"pdf_url"`
}

// awbAnswer is PrintAWB's answer: under result.data (L4).
type awbAnswer = resultData[awbData]

type getDocumentReq struct {
	DocType       string       `json:"doc_type"`
	Packages      []packageRef `json:"packages"`
	PrintItemList bool         `json:"print_item_list"`
}

// Labels fetches the AWB of every package of the orders (see the top of this file). Lazada makes
// PDF labels only: opt.Format zpl is refused; opt.Thermal and opt.Size do not apply.
func (c *Client) Labels(ctx context.Context, orders []domain.Order, opt market.LabelOptions) ([]market.Label, error) {
	if _, err := opt.Kind(domain.Lazada); err != nil {
		return nil, fmt.Errorf("lazada: %w", err)
	}
	// Kedai shows a pack before the sync brings the package Lazada made: read those orders again.
	orders, err := c.withPackages(ctx, orders, func(domain.Item) bool { return true })
	if err != nil {
		return nil, err
	}
	all := market.LabelPackageIDs(orders)
	got := map[string]market.Label{}
	var stopped error
	for start := 0; start < len(all) && stopped == nil; start += awbBatch {
		stopped = c.printBatch(ctx, all[start:min(start+awbBatch, len(all))], got)
	}
	out, failed := market.LabelsInOrder(orders, market.LabelPDF, got)
	c.log.Info("lazada labels", "orders", len(orders), "labels", len(out), "failed", failed)
	return out, stopped
}

// printBatch gets the labels of up to 20 packages into got. Its error stops the whole fetch.
func (c *Client) printBatch(ctx context.Context, ids []string, got map[string]market.Label) error {
	data, err := c.printAWB(ctx, ids)
	switch {
	case err != nil && stops(err):
		return err
	case err == nil && len(ids) == 1:
		got[ids[0]] = market.Label{PackageID: ids[0], Format: market.LabelPDF, Data: data}
		return nil
	case err != nil && (len(ids) == 1 || market.Retryable(err)):
		for _, id := range ids { // refused for itself, or Lazada is busy for all of them
			got[id] = market.Label{PackageID: id, Format: market.LabelPDF, Err: err}
		}
		return nil
	case err == nil:
		pages, serr := market.SplitPDF(data)
		if serr == nil && len(pages) == len(ids) {
			for i, id := range ids {
				got[id] = market.Label{PackageID: id, Format: market.LabelPDF, Data: pages[i]}
			}
			return nil
		}
		c.log.Warn("lazada AWB pages do not match the packages; asking one by one", "packages", len(ids), "pages", len(pages), "err", serr)
	}
	for _, id := range ids {
		data, err := c.printAWB(ctx, []string{id})
		if err != nil && stops(err) {
			return err
		}
		got[id] = market.Label{PackageID: id, Format: market.LabelPDF, Data: data, Err: err}
	}
	return nil
}

var (
	iframeSrc    = regexp.MustCompile(`(?i)<iframe[^>]*\ssrc\s*=\s*["']([^"']+)["']`)
	storeMessage = regexp.MustCompile(`<Message>([^<]*)</Message>`)
)

// printAWB asks PrintAWB for the packages' PDF and downloads it.
func (c *Client) printAWB(ctx context.Context, ids []string) ([]byte, error) {
	op := http.MethodPost + " " + pathPrintAWB
	req := getDocumentReq{DocType: "PDF", Packages: make([]packageRef, len(ids))}
	for i, id := range ids {
		req.Packages[i] = packageRef{PackageID: id}
	}
	body, _ := json.Marshal(req)
	var ans awbAnswer
	if err := c.call(ctx, request{method: http.MethodPost, path: pathPrintAWB, token: true,
		params: map[string]string{"getDocumentReq": string(body)}}, &ans); err != nil {
		return nil, err
	}
	d := ans.data()
	if d == nil {
		return nil, &market.Error{Platform: domain.Lazada, Op: op, Status: http.StatusOK, Message: "the answer has no document", Retryable: true}
	}
	link := strings.TrimSpace(d.PDFURL)
	if link == "" { // the <iframe> page in file points at the PDF too
		if page, err := base64.StdEncoding.DecodeString(strings.TrimSpace(d.File)); err == nil {
			if m := iframeSrc.FindSubmatch(page); m != nil {
				link = html.UnescapeString(string(m[1]))
			}
		}
	}
	if link == "" {
		return nil, &market.Error{Platform: domain.Lazada, Op: op, Status: http.StatusOK,
			Message: "the answer has no pdf_url (doc_type " + d.DocType + ")", Retryable: true}
	}
	return c.downloadPDF(ctx, link)
}

// downloadPDF fetches a document link (no signature: the link is its own permission), within the
// client's rate limit, retrying what may pass (no answer, 429, 5xx).
func (c *Client) downloadPDF(ctx context.Context, link string) ([]byte, error) {
	const op = "GET pdf_url"
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &market.Error{Platform: domain.Lazada, Op: op, Message: "the pdf_url is not an http(s) address: " + market.Redact(link)}
	}
	for attempt := 1; ; attempt++ {
		data, wait, err := c.downloadOnce(ctx, op, link)
		if err == nil {
			return data, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("lazada: %s: %w", op, ctx.Err())
		}
		if !market.Retryable(err) || attempt >= maxAttempts {
			return nil, err
		}
		t := time.NewTimer(c.backoff(attempt, wait))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lazada: %s: %w", op, ctx.Err())
		case <-t.C:
		}
	}
}

func (c *Client) downloadOnce(ctx context.Context, op, link string) ([]byte, time.Duration, error) {
	fail := func(status int, msg string, retry bool) error {
		return &market.Error{Platform: domain.Lazada, Op: op, Status: status, Message: market.Redact(msg), Retryable: retry}
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, 0, fail(0, err.Error(), false)
	}
	req.Header.Set("Accept", "application/pdf")
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, 0, fail(0, "no answer: "+err.Error(), true)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, 0, fail(resp.StatusCode, "reading the PDF: "+err.Error(), true)
	}
	wait := market.RetryAfter(resp.Header.Get("Retry-After"), c.now())
	switch {
	case resp.StatusCode == http.StatusOK && market.IsPDF(data):
		return data, 0, nil
	case resp.StatusCode == http.StatusOK:
		return nil, wait, fail(resp.StatusCode, fmt.Sprintf("the link did not give a PDF (%d bytes of %s)", len(data), resp.Header.Get("Content-Type")), true)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, wait, fail(resp.StatusCode, http.StatusText(resp.StatusCode), true)
	}
	// 403 from the store holding the file: the link expired (10 minutes) or is not valid.
	msg := http.StatusText(resp.StatusCode)
	if m := storeMessage.FindSubmatch(data); m != nil {
		msg += ": " + string(m[1])
	}
	return nil, 0, fail(resp.StatusCode, "the AWB link was refused ("+msg+")", false)
}
