package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kedai-app/kedai/domain"
)

// Shopee's shipping documents (reference S4, "AWB flow"), all POST with a JSON body whose
// order_list holds 1..50 entries {order_sn, package_number?}:
//
//  1. get_shipping_document_parameter -> result_list[{order_sn, package_number,
//     suggest_shipping_document_type, selectable_shipping_document_type[]}]
//  2. create_shipping_document (entries add tracking_number and shipping_document_type) ->
//     result_list[{order_sn, package_number, fail_error?, fail_message?}]
//  3. get_shipping_document_result -> result_list[{order_sn, package_number, status}]: the first
//     poll after a create says PROCESSING, later ones READY, so a client must poll
//  4. download_shipping_document {shipping_document_type, order_list} -> the PDF itself
//     (application/pdf), one page per entry in the order asked; or a JSON error:
//     logistics.shipping_document_should_print_first when the document was not created,
//     logistics.download_later while it is PROCESSING (not yet reported READY).
//
// An entry that fails carries fail_error and fail_message; when every entry fails the call's
// error is common.batch_api_all_failed and response.result_list is still there (the batch rule).
// Printing is allowed after ship_order (order PROCESSED or RETRY_SHIP, package arranged with a
// tracking number) and before the courier picks the parcel up. The sim offers
// THERMAL_AIR_WAYBILL (an A6 page per package, suggested) and NORMAL_AIR_WAYBILL (an A4 page per
// package, the A6 label in its top left corner).
//
// Codes the reference does not name are ours: logistics.shipping_document_can_not_print (not
// arranged yet, or picked up), logistics.shipping_document_type_invalid,
// logistics.tracking_number_invalid (a tracking_number that is not the package's).

const (
	spThermal          = "THERMAL_AIR_WAYBILL"
	spNormal           = "NORMAL_AIR_WAYBILL"
	spPrintFirst       = "logistics.shipping_document_should_print_first"
	spDownloadLater    = "logistics.download_later"
	spCannotPrint      = "logistics.shipping_document_can_not_print"
	spBadDocType       = "logistics.shipping_document_type_invalid"
	spBadTracking      = "logistics.tracking_number_invalid"
	spNeedPackage      = "logistics.ship_order_need_pacakge_number" // sic, as the reference spells it
	spPackageNotExist  = "logistics.package_not_exist"
	spAllFailed        = "common.batch_api_all_failed"
	spAllFailedMessage = "All orders in the batch failed."
)

var spDocTypes = []string{spNormal, spThermal}

// spDoc is a shipping document create_shipping_document made: the label as it was then, and how
// many times get_shipping_document_result has been asked about it since.
type spDoc struct {
	docType string
	label   awbLabel
	polls   int
}

// ready: a poll has reported it READY.
func (d *spDoc) ready() bool { return d.polls >= 2 }

// spDocEntry is one order_list entry of the four calls.
type spDocEntry struct {
	OrderSN        string `json:"order_sn"`
	PackageNumber  string `json:"package_number"`
	TrackingNumber string `json:"tracking_number"`
	DocType        string `json:"shipping_document_type"`
}

// shopeeDocBody reads a document call's body: the order list (1..50) and the top-level
// shipping_document_type.
func shopeeDocBody(c *call) (list []spDocEntry, docType string, fail *reply) {
	body, bad := shopeeShipBody(c)
	if bad != nil {
		return nil, "", bad
	}
	if err := json.Unmarshal(body["order_list"], &list); err != nil || len(list) == 0 {
		r := shopeeError(c, "error_param", "Wrong parameters, detail: order_list is required.")
		return nil, "", &r
	}
	if len(list) > shopeeMaxBatch {
		r := shopeeError(c, "logistics.error_limit", fmt.Sprintf("The batch request reach limit %d.", shopeeMaxBatch))
		return nil, "", &r
	}
	_ = json.Unmarshal(body["shipping_document_type"], &docType)
	for i := range list {
		list[i].OrderSN = strings.TrimSpace(list[i].OrderSN)
		list[i].PackageNumber = strings.TrimSpace(list[i].PackageNumber)
		list[i].DocType = strings.ToUpper(strings.TrimSpace(list[i].DocType))
	}
	return list, strings.ToUpper(strings.TrimSpace(docType)), nil
}

// shopeeDocPackage finds an entry's order and package (the order's only one when the entry names
// none), or says why not.
func shopeeDocPackage(sh *shopState, e spDocEntry) (*record, domain.Package, string, string) {
	r := sh.byNo[e.OrderSN]
	if r == nil || e.OrderSN == "" {
		return nil, domain.Package{}, spNotFound, "Order not found: " + e.OrderSN
	}
	if e.PackageNumber != "" {
		p, ok := r.o.Package(e.PackageNumber)
		if !ok {
			return nil, domain.Package{}, spPackageNotExist, "The package is not exist."
		}
		return r, p, "", ""
	}
	switch len(r.o.Packages) {
	case 0:
		return r, domain.Package{}, spCannotPrint, "The order has not been arranged for shipment: call ship_order first."
	case 1:
		return r, r.o.Packages[0], "", ""
	}
	return nil, domain.Package{}, spNeedPackage, "The order has several packages: give the package_number."
}

// shopeePrintable says why a package's document cannot be made now ("" when it can).
func shopeePrintable(o *domain.Order, p domain.Package) string {
	switch {
	case o.Status != domain.SpProcessed && o.Status != domain.SpRetryShip:
		if o.Status == domain.SpReadyToShip || o.Status == domain.SpUnpaid {
			return "The order has not been arranged for shipment: call ship_order first."
		}
		return "The order is " + o.Status + ": its shipping document can no longer be printed."
	case notArrangedSp[p.Status] || p.TrackingNo == "":
		return "The package has not been arranged for shipment: call ship_order first."
	case p.Status != spRequestCreated && p.Status != "LOGISTICS_PICKUP_RETRY" && p.Status != "LOGISTICS_PICKUP_FAILED":
		return "The parcel is " + p.Status + ": its shipping document can no longer be printed."
	}
	return ""
}

var notArrangedSp = map[string]bool{"": true, "LOGISTICS_NOT_START": true, "LOGISTICS_READY": true,
	"LOGISTICS_PENDING_ARRANGE": true, "LOGISTICS_COD_REJECTED": true, "LOGISTICS_INVALID": true, "LOGISTICS_REQUEST_CANCELED": true}

func spDocKey(shopID, sn, pn, docType string) string {
	return shopID + "|" + sn + "|" + pn + "|" + docType
}

// shopeeBatchReply answers a batch: the result list, and the all-failed error when nothing
// succeeded.
func shopeeBatchReply(c *call, results []map[string]any, failed int) reply {
	response := map[string]any{"result_list": results}
	if failed == len(results) {
		return jsonReply(http.StatusOK, map[string]any{"error": spAllFailed, "message": spAllFailedMessage,
			"request_id": c.reqID, "response": response})
	}
	return shopeeOK(c, response, nil)
}

func spFailed(e spDocEntry, code, msg string) map[string]any {
	return map[string]any{"order_sn": e.OrderSN, "package_number": e.PackageNumber, "fail_error": code, "fail_message": msg}
}

// shopeeDocParameter is POST /api/v2/logistics/get_shipping_document_parameter.
func (s *Sim) shopeeDocParameter(c *call) reply {
	list, _, fail := shopeeDocBody(c)
	if fail != nil {
		return *fail
	}
	results := make([]map[string]any, 0, len(list))
	failed := 0
	for _, e := range list {
		r, p, code, msg := shopeeDocPackage(c.shop, e)
		if code == "" {
			if why := shopeePrintable(&r.o, p); why != "" {
				code, msg = spCannotPrint, why
			}
		}
		if code != "" {
			failed++
			results = append(results, spFailed(e, code, msg))
			continue
		}
		results = append(results, map[string]any{"order_sn": e.OrderSN, "package_number": p.ID,
			"suggest_shipping_document_type": spThermal, "selectable_shipping_document_type": spDocTypes})
	}
	return shopeeBatchReply(c, results, failed)
}

// shopeeDocCreate is POST /api/v2/logistics/create_shipping_document: each entry's document is
// made (again, if it was), as the order is now.
func (s *Sim) shopeeDocCreate(c *call) reply {
	list, top, fail := shopeeDocBody(c)
	if fail != nil {
		return *fail
	}
	results := make([]map[string]any, 0, len(list))
	failed := 0
	refused := map[string]*refusal{}
	for _, e := range list {
		docType := e.DocType
		if docType == "" {
			docType = top
		}
		r, p, code, msg := shopeeDocPackage(c.shop, e)
		if code == "" {
			rf, seen := refused[r.o.OrderNo]
			if !seen {
				if got, ok := s.takeLabelRefusal(domain.Shopee, c.shop.ID, r.o.OrderNo); ok {
					rf = &got
				}
				refused[r.o.OrderNo] = rf
			}
			switch {
			case rf != nil:
				code, msg = rf.code, rf.message
			case !slices.Contains(spDocTypes, docType):
				code, msg = spBadDocType, fmt.Sprintf("shipping_document_type %q is not selectable for this package: use one of %s.", docType, strings.Join(spDocTypes, ", "))
			case e.TrackingNumber != "" && e.TrackingNumber != p.TrackingNo:
				code, msg = spBadTracking, "The tracking_number is not the package's tracking number."
			default:
				if why := shopeePrintable(&r.o, p); why != "" {
					code, msg = spCannotPrint, why
				}
			}
		}
		if code != "" {
			failed++
			results = append(results, spFailed(e, code, msg))
			continue
		}
		doc := &spDoc{docType: docType, label: labelFor(c.shop, &r.o, p, false)}
		s.awb.mu.Lock()
		s.awb.init()
		s.awb.shopee[spDocKey(c.shop.ID, r.o.OrderNo, p.ID, docType)] = doc
		s.awb.mu.Unlock()
		results = append(results, map[string]any{"order_sn": e.OrderSN, "package_number": p.ID})
	}
	return shopeeBatchReply(c, results, failed)
}

// shopeeFindDoc is the document an entry names: of its type, or when it names none, the thermal
// one, else the normal one. Callers hold s.awb.mu.
func (s *Sim) shopeeFindDoc(shopID, sn, pn, docType string) *spDoc {
	if docType != "" {
		return s.awb.shopee[spDocKey(shopID, sn, pn, docType)]
	}
	for _, t := range []string{spThermal, spNormal} {
		if d := s.awb.shopee[spDocKey(shopID, sn, pn, t)]; d != nil {
			return d
		}
	}
	return nil
}

// shopeeDocResult is POST /api/v2/logistics/get_shipping_document_result.
func (s *Sim) shopeeDocResult(c *call) reply {
	list, top, fail := shopeeDocBody(c)
	if fail != nil {
		return *fail
	}
	results := make([]map[string]any, 0, len(list))
	failed := 0
	for _, e := range list {
		docType := e.DocType
		if docType == "" {
			docType = top
		}
		_, p, code, msg := shopeeDocPackage(c.shop, e)
		var status string
		if code == "" {
			s.awb.mu.Lock()
			s.awb.init()
			d := s.shopeeFindDoc(c.shop.ID, e.OrderSN, p.ID, docType)
			if d == nil {
				code, msg = spPrintFirst, "Please call create_shipping_document first."
			} else {
				status = "READY"
				if d.polls == 0 {
					status = "PROCESSING"
				}
				d.polls++
			}
			s.awb.mu.Unlock()
		}
		if code != "" {
			failed++
			results = append(results, spFailed(e, code, msg))
			continue
		}
		results = append(results, map[string]any{"order_sn": e.OrderSN, "package_number": p.ID, "status": status})
	}
	return shopeeBatchReply(c, results, failed)
}

// shopeeDocDownload is POST /api/v2/logistics/download_shipping_document: the PDF of every entry
// (all must be READY), or the first entry's reason as a JSON error.
func (s *Sim) shopeeDocDownload(c *call) reply {
	list, top, fail := shopeeDocBody(c)
	if fail != nil {
		return *fail
	}
	labels := make([]awbLabel, 0, len(list))
	size := ""
	for _, e := range list {
		docType := e.DocType
		if top != "" {
			docType = top
		}
		_, p, code, msg := shopeeDocPackage(c.shop, e)
		if code != "" {
			return shopeeError(c, code, msg)
		}
		s.awb.mu.Lock()
		s.awb.init()
		d := s.shopeeFindDoc(c.shop.ID, e.OrderSN, p.ID, docType)
		var l awbLabel
		ready := false
		if d != nil {
			l, ready, docType = d.label, d.ready(), d.docType
		}
		s.awb.mu.Unlock()
		switch {
		case d == nil:
			return shopeeError(c, spPrintFirst, "Please call create_shipping_document first: order "+e.OrderSN+".")
		case !ready:
			return shopeeError(c, spDownloadLater, "The shipping document of order "+e.OrderSN+" is being made: please download it later.")
		}
		docSize := "A6"
		if strings.HasPrefix(docType, "NORMAL") {
			docSize = "A4"
		}
		if size != "" && size != docSize {
			return shopeeError(c, "error_param", "Wrong parameters, detail: the entries' documents are of different types.")
		}
		size = docSize
		labels = append(labels, l)
	}
	b, err := renderPDF(&awbDoc{platform: domain.Shopee, format: "pdf", size: size, labels: labels, made: s.now()})
	if err != nil {
		return shopeeError(c, "error_server", "Something wrong. Please try later. ("+err.Error()+")")
	}
	return reply{status: http.StatusOK, ctype: "application/pdf", body: b}
}
