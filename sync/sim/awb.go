package sim

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/boombuler/barcode/code128"
	"github.com/go-pdf/fpdf"

	"github.com/kedai-app/kedai/domain"
)

// AWB labels (reference L4 PrintAWB, S4 AWB flow, T4 shipping_documents): what the three
// platforms print is made here, as real documents. A PDF label has one page per package, sized as
// a thermal label (A6 105x148 mm; TikTok also A5; Shopee's NORMAL_* types are an A4 page with the
// label in its top left corner), and shows the platform, the tracking number as a Code 128 barcode
// whose content is exactly the tracking number (and as text below it), the courier, the package
// id, the order number, the sender (the shop) and the recipient's name and address, and, when
// asked, the package's items. TikTok's ZPL label is the same for a thermal printer.
//
// Lazada's pdf_url and TikTok's doc_url point at the simulator itself, on the host and port the
// client called (so a simulator on 127.0.0.1:PORT hands out 127.0.0.1:PORT links), under
// /lazada/awb/ and /tiktok/awb/. A link expires by the simulator's clock (Lazada 10 minutes, TikTok
// 24 hours); an expired or unknown one gets HTTP 403 with the object store's XML error, as a
// signed download link does. Downloads are logged (Requests) and faults apply to them (Inject with
// Path "/awb/").

// Link lifetimes (reference L4, T4).
const (
	lazadaAWBLife = 10 * time.Minute
	tiktokDocLife = 24 * time.Hour
)

// awbLabel is what one label shows: one package of one order, as the platform had it when the
// document was asked for.
type awbLabel struct {
	platform  domain.Platform
	shop      string // the sender: the shop's name
	orderNo   string
	packageID string
	tracking  string
	provider  string
	to        domain.Address
	cod       domain.Money // zero unless cash on delivery
	items     []awbItem    // nil unless the item list was asked for
}

type awbItem struct {
	qty                  int
	sku, name, variation string
}

// labelFor is the label of a package of an order. withItems lists the package's live items.
func labelFor(sh *shopState, o *domain.Order, pkg domain.Package, withItems bool) awbLabel {
	l := awbLabel{platform: sh.Platform, shop: sh.Name, orderNo: o.OrderNo, packageID: pkg.ID, tracking: pkg.TrackingNo,
		provider: pkg.Provider, to: o.Address}
	l.to.Lines = append([]string(nil), o.Address.Lines...)
	if o.COD {
		l.cod = o.Total
	}
	if withItems {
		l.items = []awbItem{}
		for _, it := range o.Items {
			if it.Cancelled || (it.PackageID != "" && it.PackageID != pkg.ID) {
				continue
			}
			l.items = append(l.items, awbItem{qty: max(it.Qty, 1), sku: it.SKU, name: it.Name, variation: it.Variation})
		}
	}
	return l
}

// paper is a page size in millimetres.
type paper struct{ w, h float64 }

var papers = map[string]paper{"A6": {105, 148}, "A5": {148, 210}, "A4": {210, 297}}

// awbDoc is a document a link serves.
type awbDoc struct {
	platform domain.Platform
	format   string // "pdf" or "zpl"
	size     string // A6, A5 (the label) or A4 (Shopee NORMAL: the A6 label in the corner of an A4 page)
	labels   []awbLabel
	made     time.Time
	expires  time.Time
}

// awbState is the simulator's documents: links handed out, Shopee's shipping documents, and
// refusals arranged by RefuseLabels. Its own lock; taken after s.mu when both are held.
type awbState struct {
	mu       sync.Mutex
	docs     map[string]*awbDoc  // link token -> document
	shopee   map[string]*spDoc   // shop|order_sn|package_number|type -> its shipping document
	refusals map[string]*refusal // platform|shop|order -> what its next label calls get
}

func (a *awbState) init() {
	if a.docs == nil {
		a.docs, a.shopee, a.refusals = map[string]*awbDoc{}, map[string]*spDoc{}, map[string]*refusal{}
	}
}

// RefuseLabels makes the next label calls touching this order fail with the platform's code and
// message, Times times (Times < 1 counts as 1): Lazada's PrintAWB call that names one of the
// order's packages (the whole call: Lazada makes one document), the order's entry in Shopee's
// create_shipping_document, TikTok's shipping_documents call for one of its packages. A TikTok
// code must be digits; RefuseLabels panics otherwise. 11034037 ("still generating") is how a test
// makes TikTok's retryable refusal happen.
func (s *Sim) RefuseLabels(p domain.Platform, shopID, orderNo, code, message string, times int) {
	if times < 1 {
		times = 1
	}
	if p == domain.TikTok && !isDigits(code) {
		panic(fmt.Sprintf("sim: RefuseLabels: TikTok codes are numbers, got %q", code))
	}
	s.awb.mu.Lock()
	defer s.awb.mu.Unlock()
	s.awb.init()
	s.awb.refusals[string(p)+"|"+shopID+"|"+orderNo] = &refusal{code: code, message: message, times: times}
}

// takeLabelRefusal counts down the order's label refusal, if any.
func (s *Sim) takeLabelRefusal(p domain.Platform, shopID, orderNo string) (refusal, bool) {
	s.awb.mu.Lock()
	defer s.awb.mu.Unlock()
	s.awb.init()
	key := string(p) + "|" + shopID + "|" + orderNo
	rf := s.awb.refusals[key]
	if rf == nil {
		return refusal{}, false
	}
	rf.times--
	if rf.times <= 0 {
		delete(s.awb.refusals, key)
	}
	return *rf, true
}

// link keeps a document and returns the address that serves it: the host the client called, then
// mount ("/lazada" or "/tiktok") + "/awb/" + a token. Expired documents are dropped on the way.
func (s *Sim) link(r *http.Request, mount string, doc *awbDoc) string {
	token := randToken(16)
	now := s.now()
	s.awb.mu.Lock()
	s.awb.init()
	if len(s.awb.docs)%256 == 255 {
		for k, d := range s.awb.docs {
			if !now.Before(d.expires) {
				delete(s.awb.docs, k)
			}
		}
	}
	s.awb.docs[token] = doc
	s.awb.mu.Unlock()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + mount + "/awb/" + token + "." + doc.format
}

// serveAWB serves a document link (/lazada/awb/TOKEN.pdf, /tiktok/awb/TOKEN.zpl) through the
// platform's fault injection and request log.
func (s *Sim) serveAWB(p domain.Platform, w http.ResponseWriter, r *http.Request, rest string) {
	c, err := s.newCall(p, w, r, rest)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	onFault := lazadaFault
	if p == domain.TikTok {
		onFault = tiktokFault
	}
	s.run(c, onFault, func(c *call) reply {
		if c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
			return textReply(http.StatusMethodNotAllowed, "GET only")
		}
		name := strings.TrimPrefix(rest, "/awb/")
		token, _, _ := strings.Cut(name, ".")
		s.awb.mu.Lock()
		s.awb.init()
		doc := s.awb.docs[token]
		s.awb.mu.Unlock()
		switch {
		case doc == nil || doc.platform != p || name != token+"."+doc.format:
			return storeError(http.StatusForbidden, "AccessDenied", "The document link is not valid.", c.reqID)
		case !s.now().Before(doc.expires):
			return storeError(http.StatusForbidden, "AccessDenied", "Request has expired.", c.reqID)
		}
		if doc.format == "zpl" {
			return reply{status: http.StatusOK, ctype: "text/plain; charset=utf-8", body: renderZPL(doc.size, doc.labels[0])}
		}
		b, err := renderPDF(doc)
		if err != nil {
			return textReply(http.StatusInternalServerError, "sim: cannot make the label: "+err.Error())
		}
		return reply{status: http.StatusOK, ctype: "application/pdf", body: b}
	})
}

// storeError is a signed-link download's refusal: the object store's XML error.
func storeError(status int, code, msg, reqID string) reply {
	body := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`,
		html.EscapeString(code), html.EscapeString(msg), html.EscapeString(reqID))
	return reply{status: status, ctype: "application/xml", body: []byte(body)}
}

// renderPDF makes a document: one page per label, in order.
func renderPDF(doc *awbDoc) ([]byte, error) {
	page, ok := papers[doc.size]
	if !ok {
		return nil, fmt.Errorf("unknown paper size %q", doc.size)
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: page.w, Ht: page.h}})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreationDate(doc.made)
	pdf.SetModificationDate(doc.made)
	pdf.SetProducer("Kedai marketplace simulator", false)
	pdf.SetTitle(doc.platform.Title()+" shipping label", false)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252 for the core fonts
	for _, l := range doc.labels {
		pdf.AddPage()
		ox, oy, k := 0.0, 0.0, page.w/105
		if doc.size == "A4" { // NORMAL_*: the A6 label in the top left corner of an A4 sheet
			ox, oy, k = 8, 8, 1
			pdf.SetDashPattern([]float64{2, 1.5}, 0)
			pdf.SetLineWidth(0.2)
			pdf.Rect(ox-3, oy-3, 105+6, 148+6, "D")
			pdf.SetDashPattern(nil, 0)
		}
		if err := drawLabel(pdf, tr, l, ox, oy, k); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// drawLabel draws one label at (ox, oy), its A6 layout scaled by k.
func drawLabel(pdf *fpdf.Fpdf, tr func(string) string, l awbLabel, ox, oy, k float64) error {
	w, h := 105*k, 148*k
	at := func(x, y float64) { pdf.SetXY(ox+x*k, oy+y*k) }
	font := func(style string, pt float64) { pdf.SetFont("Helvetica", style, pt*k) }
	cell := func(wd, ht float64, text, align string) {
		pdf.CellFormat(wd*k, ht*k, tr(text), "", 0, align, false, 0, "")
	}
	rule := func(y float64) { pdf.Line(ox+3*k, oy+y*k, ox+w-3*k, oy+y*k) }

	pdf.SetLineWidth(0.4 * k)
	pdf.Rect(ox+3*k, oy+3*k, w-6*k, h-6*k, "D")
	font("B", 15)
	at(6, 5)
	cell(55, 9, l.platform.Title(), "L")
	font("B", 10)
	at(55, 5)
	cell(44, 9, l.provider, "R")
	rule(16)

	if l.tracking == "" {
		return fmt.Errorf("package %s has no tracking number", l.packageID)
	}
	bc, err := code128.Encode(l.tracking)
	if err != nil {
		return fmt.Errorf("tracking number %q: %w", l.tracking, err)
	}
	modules := bc.Bounds().Dx()
	module := min(0.38, 93/float64(modules+20)) * k // 10 modules of quiet zone each side
	bx := ox + (w-float64(modules)*module)/2
	by, bh := oy+19*k, 24*k
	for x := 0; x < modules; {
		if !dark(bc.At(x, 0)) {
			x++
			continue
		}
		run := 1
		for x+run < modules && dark(bc.At(x+run, 0)) {
			run++
		}
		pdf.Rect(bx+float64(x)*module, by, float64(run)*module, bh, "F")
		x += run
	}
	font("B", 13)
	at(3, 44)
	cell(99, 7, l.tracking, "C")
	rule(52)

	font("", 9)
	at(6, 54)
	cell(93, 5, "Order No: "+l.orderNo, "L")
	at(6, 59)
	cell(93, 5, "Package: "+l.packageID, "L")
	at(6, 64)
	if l.cod.IsZero() {
		cell(93, 5, "Non-COD", "L")
	} else {
		font("B", 10)
		cell(93, 5, "COD: "+l.cod.Currency+" "+l.cod.Decimal(), "L")
	}
	rule(71)

	font("B", 7)
	at(6, 72)
	cell(20, 4, "FROM", "L")
	font("", 9)
	at(6, 76)
	cell(93, 5, l.shop, "L")
	rule(83)

	font("B", 7)
	at(6, 84)
	cell(20, 4, "TO", "L")
	font("B", 11)
	at(6, 88)
	cell(93, 6, l.to.Name, "L")
	font("", 9)
	y := 94.0
	lines := append([]string(nil), l.to.Lines...)
	if l.to.Phone != "" {
		lines = append([]string{l.to.Phone}, lines...)
	}
	lines = append(lines, strings.TrimSpace(l.to.Postcode+" "+l.to.City), strings.TrimSpace(strings.Join(nonEmpty(l.to.State, l.to.Country), ", ")))
	for _, s := range lines {
		if strings.TrimSpace(s) == "" || y > 114 {
			continue
		}
		at(6, y)
		cell(93, 4.5, s, "L")
		y += 4.5
	}

	if l.items != nil {
		rule(118)
		font("B", 7)
		at(6, 119)
		cell(20, 4, "ITEMS", "L")
		font("", 7)
		y = 123
		for i, it := range l.items {
			if y > 137 && i < len(l.items)-1 {
				at(6, y)
				cell(93, 3.5, fmt.Sprintf("... and %d more", len(l.items)-i), "L")
				break
			}
			text := fmt.Sprintf("%d x %s %s", it.qty, it.sku, it.name)
			if it.variation != "" {
				text += " (" + it.variation + ")"
			}
			at(6, y)
			cell(93, 3.5, text, "L")
			y += 3.5
		}
	}
	return pdf.Error()
}

func dark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// renderZPL is a label for a ZPL thermal printer at 203 dpi (8 dots a millimetre): the same
// content as the PDF, the barcode a ^BC Code 128 of exactly the tracking number.
func renderZPL(size string, l awbLabel) []byte {
	p := papers[size]
	if size != "A5" {
		p = papers["A6"]
	}
	dots := func(mm float64) int { return int(mm * 8) }
	clean := func(s string) string { // ^ and ~ start ZPL commands
		return strings.NewReplacer("^", " ", "~", " ").Replace(s)
	}
	var b strings.Builder
	line := func(x, y, dots int, text string) {
		fmt.Fprintf(&b, "^FO%d,%d^A0N,%d,%d^FD%s^FS\n", x, y, dots, dots, clean(text))
	}
	module := 3
	if modules := 11*(len(l.tracking)+3) + 2; modules*3 > dots(p.w)-80 {
		module = 2
	}
	b.WriteString("^XA\n^CI28\n")
	fmt.Fprintf(&b, "^PW%d\n^LL%d\n", dots(p.w), dots(p.h))
	line(40, 40, 48, l.platform.Title())
	line(40, 100, 30, l.provider)
	fmt.Fprintf(&b, "^FO40,150^BY%d^BCN,200,N,N,N^FD%s^FS\n", module, l.tracking)
	line(40, 370, 40, l.tracking)
	line(40, 430, 28, "Order No: "+l.orderNo)
	line(40, 470, 28, "Package: "+l.packageID)
	if !l.cod.IsZero() {
		line(40, 510, 30, "COD: "+l.cod.Currency+" "+l.cod.Decimal())
	}
	line(40, 560, 24, "FROM")
	line(40, 590, 28, l.shop)
	line(40, 650, 24, "TO")
	line(40, 680, 34, l.to.Name)
	y := 725
	for _, s := range append(append([]string{l.to.Phone}, l.to.Lines...), l.to.Postcode+" "+l.to.City, l.to.State) {
		if strings.TrimSpace(s) == "" {
			continue
		}
		line(40, y, 26, s)
		y += 34
	}
	for _, it := range l.items {
		line(40, y, 22, fmt.Sprintf("%d x %s %s", it.qty, it.sku, it.name))
		y += 28
	}
	b.WriteString("^XZ\n")
	return []byte(b.String())
}

// renderHTML is Lazada's HTML label (doc_type HTML): the same content, one block per package.
func renderHTML(labels []awbLabel) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lazada AWB</title></head><body>`)
	for _, l := range labels {
		e := html.EscapeString
		fmt.Fprintf(&b, `<div class="awb" style="width:105mm;height:148mm;page-break-after:always">`+
			`<h1>%s</h1><p class="provider">%s</p><p class="tracking">%s</p><p>Order No: %s</p><p>Package: %s</p>`+
			`<p>FROM: %s</p><p>TO: %s<br>%s<br>%s %s<br>%s</p>`,
			e(l.platform.Title()), e(l.provider), e(l.tracking), e(l.orderNo), e(l.packageID), e(l.shop),
			e(l.to.Name), e(strings.Join(l.to.Lines, ", ")), e(l.to.Postcode), e(l.to.City), e(l.to.State))
		if l.items != nil {
			b.WriteString("<ul>")
			for _, it := range l.items {
				fmt.Fprintf(&b, "<li>%d x %s %s</li>", it.qty, e(it.sku), e(it.name))
			}
			b.WriteString("</ul>")
		}
		b.WriteString("</div>")
	}
	b.WriteString("</body></html>")
	return b.String()
}
