package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// TikTok shipping documents (reference T4): GET
// /fulfillment/202309/packages/{package_id}/shipping_documents?document_type=SHIPPING_LABEL
// [&document_size=A6|A5][&document_format=PDF|ZPL] -> data{doc_url, tracking_number}; doc_url
// serves the document (a one-page PDF, or ZPL text) for 24 hours.
//
// Only TikTok-shipping packages have labels, once shipped (arranged: PROCESSING) and until the
// courier has them: 21023035 asks to arrange the shipment first, 21042102 says the parcel was
// picked up already, 21011041 that the order is cancelled. SHIPPING_LABEL_AND_PACKING_SLIP and
// PACKING_SLIP add the package's items; ZPL is offered for SHIPPING_LABEL only; the other types
// the reference lists are not made by the simulator (36009001, ours, like a seller-shipping
// package's request).

const (
	codeArrangeFirst = 21023035
	codePickedUp     = 21042102
)

func (s *Sim) tiktokShippingDocs(c *call) reply {
	q := c.query
	docType := strings.ToUpper(strings.TrimSpace(q.Get("document_type")))
	size := strings.ToUpper(strings.TrimSpace(q.Get("document_size")))
	format := strings.ToUpper(strings.TrimSpace(q.Get("document_format")))
	if size == "" {
		size = "A6"
	}
	if format == "" {
		format = "PDF"
	}
	switch docType {
	case "SHIPPING_LABEL", "SHIPPING_LABEL_AND_PACKING_SLIP", "PACKING_SLIP":
	case "SHIPPING_LABEL_PICTURE", "HAZMAT_LABEL", "INVOICE_LABEL":
		return tiktokError(c, http.StatusOK, codeBadParam, "Invalid document_type: "+docType+" is not made by the simulator.")
	case "":
		return tiktokError(c, http.StatusOK, codeBadParam, "Invalid document_type: it is required (e.g. SHIPPING_LABEL).")
	default:
		return tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf("Invalid document_type %q.", docType))
	}
	if size != "A6" && size != "A5" {
		return tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf("Invalid document_size %q: use A6 or A5.", size))
	}
	if format != "PDF" && format != "ZPL" {
		return tiktokError(c, http.StatusOK, codeBadParam, fmt.Sprintf("Invalid document_format %q: use PDF or ZPL.", format))
	}
	if format == "ZPL" && docType != "SHIPPING_LABEL" {
		return tiktokError(c, http.StatusOK, codeBadParam, "Invalid document_format: ZPL is offered for SHIPPING_LABEL only.")
	}
	r, pkg, ok := tiktokPackage(c.shop, c.pathID)
	if !ok {
		return tiktokNoPackage(c, c.pathID)
	}
	o := &r.o
	if rf, refused := s.takeLabelRefusal(domain.TikTok, c.shop.ID, o.OrderNo); refused {
		n, _ := strconv.Atoi(rf.code)
		return tiktokError(c, http.StatusOK, n, rf.message)
	}
	switch {
	case o.ShippingType == "SELLER":
		return tiktokError(c, http.StatusOK, codeBadParam, "Shipping documents are for packages TikTok ships: this order is shipped by the seller.")
	case o.Status == domain.TtCancelled || pkg.Status == "CANCELLED":
		return tiktokError(c, http.StatusOK, codeOrderCancelled, "The order has been cancelled.")
	case pkg.Status == ttToFulfill || pkg.Status == "":
		return tiktokError(c, http.StatusOK, codeArrangeFirst, "Please arrange shipment first: the package has not been shipped.")
	case pkg.Status != ttProcessing:
		return tiktokError(c, http.StatusOK, codePickedUp, "The package has been picked up: its label can no longer be printed.")
	}
	now := s.now()
	l := labelFor(c.shop, o, pkg, docType != "SHIPPING_LABEL")
	link := s.link(c.r, "/tiktok", &awbDoc{platform: domain.TikTok, format: strings.ToLower(format), size: size,
		labels: []awbLabel{l}, made: now, expires: now.Add(tiktokDocLife)})
	return tiktokOK(c, map[string]any{"doc_url": link, "tracking_number": pkg.TrackingNo})
}
