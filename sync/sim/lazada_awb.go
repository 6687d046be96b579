package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// Lazada PrintAWB (reference L4): GET|POST /order/package/document/get with
// getDocumentReq={"doc_type":"PDF|HTML","packages":[{"package_id":".."}],"print_item_list":false},
// at most 20 packages, answers one document for all of them, a page per package in the order
// asked: result.data{file, doc_type, pdf_url}. For PDF, file is the base64 of an <iframe src=..>
// page and pdf_url the direct link to the PDF, valid 10 minutes; for HTML, file is the base64 of
// the labels' HTML and there is no pdf_url.
//
// Printing is allowed once the package is packed and until the courier has it: every live item of
// the package must be packed, ready_to_ship_pending or ready_to_ship. Anything else (unpaid,
// pending, canceled items, a package already handed over) and seller-own-fleet packages are
// refused with 700040, the code the reference gives; an unknown package with 600001. Lazada makes
// one document, so one refusal fails the whole call (result.success false).

const (
	lzCannotPrint = "700040"
	pathPrintAWB  = "/order/package/document/get"
)

// lazadaPrintable says why a package cannot be printed ("" when it can).
func lazadaPrintable(o *domain.Order, pkgID string) string {
	if sellerFleet(o) {
		return "the package is delivered by the seller's own fleet and has no AWB"
	}
	live := liveIn(o, pkgID)
	if len(live) == 0 {
		return "the package is cancelled"
	}
	for _, i := range live {
		switch st := o.Items[i].Status; st {
		case domain.LzPacked, domain.LzReadyToShipPending, domain.LzReadyToShip:
		default:
			return fmt.Sprintf("order item %s is %s: the AWB is printed after pack and before the courier collects", o.Items[i].PlatformItemID, st)
		}
	}
	return ""
}

func (s *Sim) lazadaPrintAWB(c *call, params url.Values) reply {
	req, fail := lazadaJSONParam(c, params, "getDocumentReq")
	if fail != nil {
		return *fail
	}
	var docType string
	_ = json.Unmarshal(req["doc_type"], &docType)
	docType = strings.ToUpper(strings.TrimSpace(docType))
	if docType != "PDF" && docType != "HTML" {
		return *lazadaInvalid(c, "getDocumentReq.doc_type must be PDF or HTML")
	}
	var list []struct {
		PackageID json.RawMessage `json:"package_id"`
	}
	if err := json.Unmarshal(req["packages"], &list); err != nil || len(list) == 0 {
		return *lazadaInvalid(c, "getDocumentReq.packages must list the packages")
	}
	if len(list) > lazadaMaxBatch {
		return lazadaResultFail(c, lzBatchTooBig, fmt.Sprintf("batch size out of limit: %d packages, at most %d", len(list), lazadaMaxBatch))
	}
	withItems := false
	if raw := req["print_item_list"]; present(req, "print_item_list") {
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			withItems = b
		} else {
			withItems = strings.EqualFold(rawID(raw), "true")
		}
	}
	sh := c.shop
	refused := map[string]bool{}
	labels := make([]awbLabel, 0, len(list))
	for _, p := range list {
		id := rawID(p.PackageID)
		r := sh.byPkg[id]
		var pkg domain.Package
		ok := false
		if r != nil && id != "" {
			pkg, ok = r.o.Package(id)
		}
		if !ok {
			return lazadaResultFail(c, lzPackageNotFound, "package not found: "+id)
		}
		if !refused[r.o.OrderNo] {
			refused[r.o.OrderNo] = true
			if rf, no := s.takeLabelRefusal(domain.Lazada, sh.ID, r.o.OrderNo); no {
				return lazadaResultFail(c, rf.code, rf.message)
			}
		}
		if why := lazadaPrintable(&r.o, id); why != "" {
			return lazadaResultFail(c, lzCannotPrint, "package "+id+" cannot print AWB: "+why)
		}
		labels = append(labels, labelFor(sh, &r.o, pkg, withItems))
	}
	if docType == "HTML" {
		return lazadaResult(c, map[string]any{"file": base64.StdEncoding.EncodeToString([]byte(renderHTML(labels))), "doc_type": "HTML"})
	}
	now := s.now()
	link := s.link(c.r, "/lazada", &awbDoc{platform: domain.Lazada, format: "pdf", size: "A6", labels: labels,
		made: now, expires: now.Add(lazadaAWBLife)})
	page := fmt.Sprintf(`<iframe src="%s" width="100%%" height="100%%" frameborder="0"></iframe>`, html.EscapeString(link))
	return lazadaResult(c, map[string]any{"file": base64.StdEncoding.EncodeToString([]byte(page)), "doc_type": "PDF", "pdf_url": link})
}
