package shopee

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/lenient"
	"github.com/kedai-app/kedai/sync/market"
)

// AWB labels: Shopee's four-step shipping-document flow (S4, "AWB flow"; sync/FULFILMENT.md), all
// POST with order_list[{order_sn, package_number}], 1..50 entries a call:
//
//  1. get_shipping_document_parameter: which document types the package may have (and its
//     package_number when Kedai's copy does not know it);
//  2. create_shipping_document: make the document of the chosen type (THERMAL_AIR_WAYBILL or
//     NORMAL_AIR_WAYBILL) for each entry, with its tracking number when Kedai knows it;
//  3. get_shipping_document_result, polled with a short backoff until every entry is READY or
//     FAILED (Shopee makes documents asynchronously: PROCESSING first);
//  4. download_shipping_document: the PDF itself (binary, not JSON), a page per entry in the
//     order asked; logistics.download_later while a document is not ready is waited out.
//
// An entry that fails carries fail_error and fail_message, which become that package's
// *market.Error; common.batch_api_all_failed (every entry failed) still carries the list. The
// downloaded PDF is cut into one PDF per package when its page count is the number of entries;
// otherwise each package is downloaded on its own.

var _ market.LabelFetcher = (*Client)(nil)

// Documented paths (S4).
const (
	pathDocParameter = "/api/v2/logistics/get_shipping_document_parameter"
	pathDocCreate    = "/api/v2/logistics/create_shipping_document"
	pathDocResult    = "/api/v2/logistics/get_shipping_document_result"
	pathDocDownload  = "/api/v2/logistics/download_shipping_document"
)

// Document types (S4) and the codes Kedai reads.
const (
	docThermal       = "THERMAL_AIR_WAYBILL"
	docNormal        = "NORMAL_AIR_WAYBILL"
	codeAllFailed    = "common.batch_api_all_failed"
	codeDownloadLate = "logistics.download_later"
)

// Limits of the flow: the batch is Shopee's; the waits are Kedai's.
const (
	docBatch     = 50              // entries a call (S4)
	docPolls     = 12              // get_shipping_document_result rounds before a document still PROCESSING is given up
	docLater     = 6               // download attempts answered logistics.download_later
	docPollLimit = 3 * time.Second // the longest wait between two rounds
)

// docEntry is one order_list entry.
type docEntry struct {
	OrderSN        string `json:"order_sn"`
	PackageNumber  string `json:"package_number,omitempty"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	DocType        string `json:"shipping_document_type,omitempty"`
}

// docResult is one result_list entry of the first three calls.
type docResult struct {
	OrderSN       lenient.String `json:"order_sn"`
	PackageNumber lenient.String `json:"package_number"`
	Selectable    []string       `json:"selectable_shipping_document_type"`
	Status        string         `json:"status"`
	FailError     string         `json:"fail_error"`
	FailMessage   string         `json:"fail_message"`
}

type docAnswer struct {
	ResultList []docResult `json:"result_list"`
}

// docTarget is one package (or, when Kedai knows none, one arranged order) whose label is asked.
type docTarget struct {
	sn, pn, tracking string
	err              error  // set once it failed
	data             []byte // set once downloaded
}

func (t *docTarget) open() bool { return t.err == nil && t.data == nil }

// Labels fetches the shipping label of every package of the orders: THERMAL_AIR_WAYBILL when
// opt.Thermal, else NORMAL_AIR_WAYBILL (see the top of this file). Shopee makes PDF labels only:
// opt.Format zpl is refused; opt.Size does not apply. An order Kedai knows no package of gets
// "not packed yet" unless its status says it is arranged (Shopee then names the package).
func (c *Client) Labels(ctx context.Context, orders []domain.Order, opt market.LabelOptions) ([]market.Label, error) {
	if _, err := opt.Kind(domain.Shopee); err != nil {
		return nil, fmt.Errorf("shopee: %w", err)
	}
	docType := docNormal
	if opt.Thermal {
		docType = docThermal
	}
	perOrder := make([][]*docTarget, len(orders))
	byKey := map[string]*docTarget{}
	var targets []*docTarget
	for i, o := range orders {
		sn := orderSN(o)
		pkgs := market.LabelPackages(o)
		if len(pkgs) == 0 && sn != "" && trackedStatuses[o.Status] && o.Status != domain.SpShipped {
			pkgs = []domain.Package{{}} // arranged since Kedai's copy: ask for the order, Shopee names its package
		}
		for _, p := range pkgs {
			key := sn + "|" + p.ID
			t := byKey[key]
			if t == nil {
				t = &docTarget{sn: sn, pn: p.ID, tracking: strings.TrimSpace(p.TrackingNo)}
				byKey[key] = t
				targets = append(targets, t)
			}
			perOrder[i] = append(perOrder[i], t)
		}
	}
	var stopped error
	for chunk := range slices.Chunk(targets, docBatch) {
		if stopped = c.docBatch(ctx, chunk, docType); stopped != nil {
			break
		}
	}
	var out []market.Label
	failed := 0
	for i, o := range orders {
		if len(perOrder[i]) == 0 {
			out = append(out, market.NotPacked(o, market.LabelPDF))
			failed++
			continue
		}
		for _, t := range perOrder[i] {
			if t.open() {
				continue // not reached: the error that stopped the call is its fate
			}
			if t.err != nil {
				failed++
			}
			out = append(out, market.Label{OrderNo: o.OrderNo, PackageID: t.pn, Format: market.LabelPDF, Data: t.data, Err: t.err})
		}
	}
	c.log.Info("shopee labels", "orders", len(orders), "labels", len(out), "failed", failed, "type", docType)
	return out, stopped
}

// docBatch runs the four steps for up to 50 targets. Its error stops the whole fetch; every
// other failure is a target's.
func (c *Client) docBatch(ctx context.Context, ts []*docTarget, docType string) error {
	// 1. What may be printed, and the package numbers Kedai does not know.
	err := c.docStep(ctx, pathDocParameter, ts, func(t *docTarget) docEntry {
		return docEntry{OrderSN: t.sn, PackageNumber: t.pn}
	}, func(t *docTarget, r docResult) {
		if len(r.Selectable) > 0 && !slices.Contains(r.Selectable, docType) {
			t.err = &market.Error{Platform: domain.Shopee, Op: http.MethodPost + " " + pathDocParameter, Status: http.StatusOK,
				Message: fmt.Sprintf("Shopee does not offer %s for package %s (it offers %s)", docType, t.pn, strings.Join(r.Selectable, ", "))}
		}
	})
	if err != nil {
		return err
	}
	// 2. Make the documents.
	if err := c.docStep(ctx, pathDocCreate, ts, func(t *docTarget) docEntry {
		return docEntry{OrderSN: t.sn, PackageNumber: t.pn, TrackingNumber: t.tracking, DocType: docType}
	}, nil); err != nil {
		return err
	}
	// 3. Wait until they are made.
	ready := map[*docTarget]bool{}
	for round := 1; ; round++ {
		var waiting []*docTarget
		for _, t := range ts {
			if t.open() && !ready[t] {
				waiting = append(waiting, t)
			}
		}
		if len(waiting) == 0 {
			break
		}
		if round > docPolls {
			for _, t := range waiting {
				t.err = &market.Error{Platform: domain.Shopee, Op: http.MethodPost + " " + pathDocResult, Status: http.StatusOK,
					Message: "Shopee is still making the shipping document: print it again in a moment", Retryable: true}
			}
			break
		}
		if round > 1 {
			if err := sleep(ctx, market.Backoff(c.retryBase, round-1, docPollLimit)); err != nil {
				return err
			}
		}
		err := c.docStep(ctx, pathDocResult, waiting, func(t *docTarget) docEntry {
			return docEntry{OrderSN: t.sn, PackageNumber: t.pn, DocType: docType}
		}, func(t *docTarget, r docResult) {
			switch strings.ToUpper(strings.TrimSpace(r.Status)) {
			case "READY":
				ready[t] = true
			case "FAILED":
				t.err = &market.Error{Platform: domain.Shopee, Op: http.MethodPost + " " + pathDocResult, Status: http.StatusOK,
					Message: "Shopee could not make the shipping document of package " + t.pn}
			}
		})
		if err != nil {
			return err
		}
	}
	// 4. Download them: all in one PDF cut per package, else one by one.
	var got []*docTarget
	for _, t := range ts {
		if t.open() {
			got = append(got, t)
		}
	}
	if len(got) == 0 {
		return nil
	}
	data, err := c.downloadDocs(ctx, got, docType)
	if err != nil && !perOrder(err) {
		return err
	}
	if err == nil && len(got) == 1 {
		got[0].data = data
		return nil
	}
	if err == nil {
		pages, serr := market.SplitPDF(data)
		if serr == nil && len(pages) == len(got) {
			for i, t := range got {
				t.data = pages[i]
			}
			return nil
		}
		c.log.Warn("shopee: the shipping documents' pages do not match the packages; downloading one by one",
			"packages", len(got), "pages", len(pages), "err", serr)
	} else if len(got) == 1 {
		got[0].err = err
		return nil
	}
	for _, t := range got {
		data, err := c.downloadDocs(ctx, []*docTarget{t}, docType)
		if err != nil && !perOrder(err) {
			return err
		}
		t.data, t.err = data, err
	}
	return nil
}

// docStep sends one of the first three calls for the open targets and hands each target its
// result entry (fail_error becomes its error; see has it). A failure of the whole call fails
// every target it concerned, unless it stops the fetch (returned).
func (c *Client) docStep(ctx context.Context, path string, ts []*docTarget, entry func(*docTarget) docEntry,
	see func(*docTarget, docResult)) error {
	op := http.MethodPost + " " + path
	var open []*docTarget
	list := []docEntry{}
	for _, t := range ts {
		if t.open() {
			open = append(open, t)
			list = append(list, entry(t))
		}
	}
	if len(open) == 0 {
		return nil
	}
	env, err := c.call(ctx, request{method: http.MethodPost, path: path, body: map[string]any{"order_list": list}})
	var me *market.Error
	allFailed := errors.As(err, &me) && me.Code == codeAllFailed && env != nil
	if err != nil && !allFailed {
		if !perOrder(err) {
			return err
		}
		for _, t := range open {
			t.err = err
		}
		return nil
	}
	var ans docAnswer
	if env != nil && len(env.Response) > 0 && string(env.Response) != "null" {
		if jerr := json.Unmarshal(env.Response, &ans); jerr != nil {
			bad := c.fail(request{method: http.MethodPost, path: path}, http.StatusOK, "", "the answer cannot be read: "+jerr.Error(), true)
			for _, t := range open {
				t.err = bad
			}
			return nil
		}
	}
	// Entries are matched by order_sn and package_number (an entry sent without one matches by
	// order_sn alone); each answer is used once.
	used := make([]bool, len(ans.ResultList))
	for _, t := range open {
		k := -1
		for i, r := range ans.ResultList {
			if !used[i] && strings.TrimSpace(string(r.OrderSN)) == t.sn &&
				(t.pn == "" || strings.TrimSpace(string(r.PackageNumber)) == "" || strings.TrimSpace(string(r.PackageNumber)) == t.pn) {
				k = i
				break
			}
		}
		if k < 0 {
			t.err = &market.Error{Platform: domain.Shopee, Op: op, Status: http.StatusOK, Retryable: true,
				Message: "Shopee's answer does not report order " + t.sn + " " + t.pn}
			continue
		}
		used[k] = true
		r := ans.ResultList[k]
		if t.pn == "" {
			t.pn = strings.TrimSpace(string(r.PackageNumber))
		}
		if code := strings.TrimSpace(r.FailError); code != "" {
			msg := strings.TrimSpace(r.FailMessage)
			if msg == "" {
				msg = "refused without a message"
			}
			t.err = &market.Error{Platform: domain.Shopee, Op: op, Status: http.StatusOK, Code: code, Message: c.scrub(msg),
				Retryable: retryableCodes[code]}
			continue
		}
		if see != nil {
			see(t, r)
		}
	}
	return nil
}

// downloadDocs downloads the targets' documents as one PDF, waiting out
// logistics.download_later a few times.
func (c *Client) downloadDocs(ctx context.Context, ts []*docTarget, docType string) ([]byte, error) {
	list := make([]docEntry, len(ts))
	for i, t := range ts {
		list[i] = docEntry{OrderSN: t.sn, PackageNumber: t.pn}
	}
	req := request{method: http.MethodPost, path: pathDocDownload,
		body: map[string]any{"shipping_document_type": docType, "order_list": list}}
	for later := 1; ; later++ {
		data, err := c.downloadPDF(ctx, req)
		var me *market.Error
		if err == nil || !errors.As(err, &me) || me.Code != codeDownloadLate || later >= docLater {
			return data, err
		}
		if err := sleep(ctx, market.Backoff(c.retryBase, later, docPollLimit)); err != nil {
			return nil, err
		}
	}
}

// downloadPDF is call for an answer that is a file on success and JSON on failure: the same
// signing, rate limit, token renewal and retries.
func (c *Client) downloadPDF(ctx context.Context, req request) ([]byte, error) {
	renewed := false
	for attempt := 1; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, ctxErr(ctx, err)
		}
		access, shopID, err := c.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		data, retryAfter, err := c.downloadOnce(ctx, req, access, shopID)
		if err == nil {
			return data, nil
		}
		var apiErr *market.Error
		if !errors.As(err, &apiErr) {
			return nil, err
		}
		if !renewed && accessRefused(apiErr) {
			renewed = true
			if err := c.renewAfterRefusal(ctx, access); err != nil {
				return nil, err
			}
			attempt--
			continue
		}
		if !apiErr.Retryable || attempt >= MaxAttempts {
			return nil, err
		}
		wait, ok := c.wait(attempt, retryAfter)
		if !ok {
			return nil, err
		}
		c.log.Warn("shopee: retrying", "op", apiErr.Op, "attempt", attempt, "status", apiErr.Status, "code", apiErr.Code, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func (c *Client) downloadOnce(ctx context.Context, req request, access, shopID string) ([]byte, time.Duration, error) {
	hr, err := c.newHTTPRequest(ctx, req, access, shopID)
	if err != nil {
		return nil, 0, c.fail(req, 0, "", err.Error(), false)
	}
	hr.Header.Set("Accept", "application/pdf, application/json")
	resp, raw, err := c.roundTrip(ctx, req, hr)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode == http.StatusOK && market.IsPDF(raw) {
		return raw, 0, nil
	}
	_, wait, err := c.interpret(req, resp.StatusCode, resp.Header, raw)
	if err == nil { // JSON without an error, or a file that is not a PDF
		err = c.fail(req, resp.StatusCode, "", fmt.Sprintf("the answer is not a PDF (%d bytes, %s)", len(raw), resp.Header.Get("Content-Type")), true)
	}
	return nil, wait, err
}

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctxErr(ctx, ctx.Err())
	case <-t.C:
		return nil
	}
}
