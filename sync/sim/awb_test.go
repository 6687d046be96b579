package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// The labels are read back as a person's tools read them: poppler for the PDF's pages and text,
// zbar for the barcode at a thermal printer's 203 dpi.

func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: apt-get install %s", name, pkg)
	}
	return p
}

func writePDF(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", pdf)
	}
	path := filepath.Join(t.TempDir(), "label.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, name, pkg string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool(t, name, pkg), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

var pageSizeLine = regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts`)

// pageSizes are each page's size in millimetres, rounded.
func pageSizes(t *testing.T, pdf []byte) [][2]int {
	t.Helper()
	path := writePDF(t, pdf)
	info := run(t, "pdfinfo", "poppler-utils", path)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo: no page count:\n%s", info)
	}
	out := run(t, "pdfinfo", "poppler-utils", "-f", "1", "-l", m[1], path)
	var sizes [][2]int
	for _, s := range pageSizeLine.FindAllStringSubmatch(out, -1) {
		w, _ := strconv.ParseFloat(s[1], 64)
		h, _ := strconv.ParseFloat(s[2], 64)
		sizes = append(sizes, [2]int{int(w*25.4/72 + 0.5), int(h*25.4/72 + 0.5)})
	}
	return sizes
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return run(t, "pdftotext", "poppler-utils", "-layout", writePDF(t, pdf), "-")
}

// barcodes decodes every barcode of every page at 203 dpi, page by page.
func barcodes(t *testing.T, pdf []byte) []string {
	t.Helper()
	dir := t.TempDir()
	run(t, "pdftoppm", "poppler-utils", "-r", "203", "-gray", "-png", writePDF(t, pdf), filepath.Join(dir, "page"))
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	slices.Sort(pages)
	var out []string
	for _, p := range pages {
		cmd := exec.Command(tool(t, "zbarimg", "zbar-tools"), "--raw", "-q", p)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("zbarimg %s: no barcode found (%v)", filepath.Base(p), err)
		}
		out = append(out, strings.Fields(string(b))...)
	}
	return out
}

func sampleLabel(p domain.Platform, no, tracking string) awbLabel {
	return awbLabel{platform: p, shop: "Kedai Cantik", orderNo: no, packageID: "FP" + no, tracking: tracking,
		provider: "J&T Express", to: domain.Address{Name: "Nur Aisyah", Phone: "60123456789", Lines: []string{"12, Jalan SS 2/24"},
			Postcode: "47300", City: "Petaling Jaya", State: "Selangor", Country: "Malaysia"},
		items: []awbItem{{qty: 2, sku: "TDG-CHF-BLK", name: "Tudung Bawal Chiffon", variation: "Black"}}}
}

func TestLabelPDFPagesTextAndBarcodes(t *testing.T) {
	for _, tc := range []struct {
		size string
		want [2]int
	}{{"A6", [2]int{105, 148}}, {"A5", [2]int{148, 210}}, {"A4", [2]int{210, 297}}} {
		t.Run(tc.size, func(t *testing.T) {
			labels := []awbLabel{sampleLabel(domain.Lazada, "500000000000023", "MYMPA0123456789"),
				sampleLabel(domain.Lazada, "500000000000124", "NVMY000123456789"),
				sampleLabel(domain.Lazada, "500000000000225", "ER12345678"+"5MY")}
			labels[1].items = nil
			pdf, err := renderPDF(&awbDoc{platform: domain.Lazada, format: "pdf", size: tc.size, labels: labels, made: testStart})
			if err != nil {
				t.Fatal(err)
			}
			sizes := pageSizes(t, pdf)
			if len(sizes) != 3 {
				t.Fatalf("%d pages, want 3", len(sizes))
			}
			for i, s := range sizes {
				if s != tc.want {
					t.Errorf("page %d is %dx%d mm, want %dx%d", i+1, s[0], s[1], tc.want[0], tc.want[1])
				}
			}
			text := pdfText(t, pdf)
			for _, want := range []string{"Lazada", "MYMPA0123456789", "NVMY000123456789", "Order No: 500000000000124",
				"Package: FP500000000000023", "Kedai Cantik", "Nur Aisyah", "Petaling Jaya", "J&T Express", "TDG-CHF-BLK"} {
				if !strings.Contains(text, want) {
					t.Errorf("the label text lacks %q:\n%s", want, text)
				}
			}
			if got := barcodes(t, pdf); !slices.Equal(got, []string{"MYMPA0123456789", "NVMY000123456789", "ER123456785MY"}) {
				t.Errorf("barcodes %q", got)
			}
		})
	}
}

func TestLabelZPL(t *testing.T) {
	z := string(renderZPL("A6", sampleLabel(domain.TikTok, "576400000000000007", "JNT630000008")))
	for _, want := range []string{"^XA", "^PW840", "^BCN,", "^FDJNT630000008^FS", "^FDOrder No: 576400000000000007^FS", "^XZ"} {
		if !strings.Contains(z, want) {
			t.Errorf("ZPL lacks %q:\n%s", want, z)
		}
	}
	if !strings.HasPrefix(z, "^XA") || !strings.HasSuffix(strings.TrimSpace(z), "^XZ") {
		t.Errorf("ZPL is not one ^XA..^XZ label:\n%s", z)
	}
	if a5 := string(renderZPL("A5", sampleLabel(domain.TikTok, "1", "JNT1"))); !strings.Contains(a5, "^PW1184") {
		t.Errorf("A5 ZPL is not 148 mm wide:\n%s", a5)
	}
}

// --- the endpoints over HTTP ---

func (e *env) fetch(u string) (int, string, []byte) {
	e.t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		e.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b.Bytes()
}

// shopeeShopPost calls a Shopee shop API with POST and a JSON body.
func (e *env) shopeeShopPost(path string, body any) answer {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.shopeeURL(path, e.tok[domain.Shopee], e.shops[domain.Shopee].ID, nil), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return do(e.t, req)
}

// awbOrder is an order of the platform at the given status with one package (tracking number
// given) holding its items.
func awbOrder(p domain.Platform, no, status, itemStatus, pkgStatus, tracking string) domain.Order {
	rm := func(sen int64) domain.Money { return domain.Money{Minor: sen, Currency: "MYR"} }
	o := domain.Order{Platform: p, OrderNo: no, PlatformID: no, Status: status, CreatedAt: testStart.Add(-time.Hour),
		UpdatedAt: testStart.Add(-time.Hour), Currency: "MYR", Subtotal: rm(3000), Total: rm(3000),
		Address: domain.Address{Name: "Siti Hajar", Lines: []string{"1 Jalan Mawar"}, City: "Shah Alam", Postcode: "40000", State: "Selangor"},
		Items: []domain.Item{{PlatformItemID: "9" + no[1:], SKU: "TEE-M", Name: "Tee", Qty: 1, UnitPrice: rm(3000), PaidPrice: rm(3000),
			Status: itemStatus}}}
	if tracking != "" || pkgStatus != "" {
		id := map[domain.Platform]string{domain.Lazada: "FP" + no[3:], domain.Shopee: "OFG" + no, domain.TikTok: "115" + no[3:]}[p]
		o.Packages = []domain.Package{{ID: id, TrackingNo: tracking, Provider: "J&T Express", Status: pkgStatus}}
		o.Items[0].PackageID = id
	}
	return o
}

func TestLazadaPrintAWB(t *testing.T) {
	e := newEnv(t)
	shop := e.shops[domain.Lazada].ID
	e.sim.PutOrders(domain.Lazada, shop, []domain.Order{
		awbOrder(domain.Lazada, "300000000000001", "", domain.LzPacked, "", "MYMPA0000000001"),
		awbOrder(domain.Lazada, "300000000000002", "", domain.LzReadyToShip, "", "MYMPA0000000002"),
		awbOrder(domain.Lazada, "300000000000003", "", domain.LzShipped, "", "MYMPA0000000003"),
	})
	req := func(docType string, pkgs ...string) answer {
		var list []map[string]string
		for _, p := range pkgs {
			list = append(list, map[string]string{"package_id": p})
		}
		b, _ := json.Marshal(map[string]any{"doc_type": docType, "packages": list, "print_item_list": true})
		return e.lazada(http.MethodPost, "/order/package/document/get", e.tok[domain.Lazada], map[string]string{"getDocumentReq": string(b)})
	}
	a := req("PDF", "FP000000000002", "FP000000000001")
	must(t, a.str("result", "success") == "true", "PrintAWB: %s", a.body)
	link := a.str("result", "data", "pdf_url")
	frame, _ := base64.StdEncoding.DecodeString(a.str("result", "data", "file"))
	must(t, strings.HasPrefix(link, e.base+"/lazada/awb/") && strings.Contains(string(frame), `<iframe src="`+link+`"`),
		"pdf_url %q, file %q", link, frame)
	status, ctype, pdf := e.fetch(link)
	must(t, status == 200 && ctype == "application/pdf", "GET pdf_url: %d %s", status, ctype)
	must(t, slices.Equal(barcodes(t, pdf), []string{"MYMPA0000000002", "MYMPA0000000001"}), "pages are not in the order asked")
	must(t, strings.Contains(pdfText(t, pdf), "TEE-M"), "print_item_list: no item on the label")

	// The link lives 10 minutes of the simulator's clock.
	e.sim.Clock().Advance(10*time.Minute + time.Second)
	status, _, body := e.fetch(link)
	must(t, status == http.StatusForbidden && strings.Contains(string(body), "expired"), "an expired pdf_url: %d %s", status, body)
	_, _, body = e.fetch(strings.Replace(link, "/awb/", "/awb/x", 1))
	must(t, strings.Contains(string(body), "AccessDenied"), "an unknown link: %s", body)

	h := req("HTML", "FP000000000001")
	page, _ := base64.StdEncoding.DecodeString(h.str("result", "data", "file"))
	must(t, h.str("result", "data", "doc_type") == "HTML" && strings.Contains(string(page), "MYMPA0000000001") && h.str("result", "data", "pdf_url") == "",
		"HTML: %s", h.body)

	// Refusals: a shipped package, an unknown one, more than 20, and an arranged refusal.
	for _, tc := range []struct {
		pkgs []string
		code string
	}{
		{[]string{"FP000000000001", "FP000000000003"}, "700040"},
		{[]string{"FP999"}, "600001"},
		{slices.Repeat([]string{"FP000000000001"}, 21), "700022"},
	} {
		a := req("PDF", tc.pkgs...)
		must(t, a.str("result", "success") == "false" && a.str("result", "error_code") == tc.code && a.str("result", "error_msg") != "",
			"%v: %s", tc.pkgs, a.body)
	}
	e.sim.RefuseLabels(domain.Lazada, shop, "300000000000001", "40011", "system busy", 1)
	must(t, req("PDF", "FP000000000001").str("result", "error_code") == "40011", "RefuseLabels")
	must(t, req("PDF", "FP000000000001").str("result", "success") == "true", "RefuseLabels counts down")
}

func TestShopeeShippingDocumentFlow(t *testing.T) {
	e := newEnv(t)
	shop := e.shops[domain.Shopee].ID
	e.sim.PutOrders(domain.Shopee, shop, []domain.Order{
		awbOrder(domain.Shopee, "251122AAAA0001", domain.SpProcessed, "", spRequestCreated, "SPXMY000000000001"),
		awbOrder(domain.Shopee, "251122AAAA0002", domain.SpProcessed, "", spRequestCreated, "SPXMY000000000002"),
		awbOrder(domain.Shopee, "251122AAAA0003", domain.SpReadyToShip, "", "LOGISTICS_READY", ""),
	})
	entries := func(sns ...string) []map[string]string {
		var l []map[string]string
		for _, sn := range sns {
			l = append(l, map[string]string{"order_sn": sn})
		}
		return l
	}
	const base = "/api/v2/logistics/"
	p := e.shopeeShopPost(base+"get_shipping_document_parameter", map[string]any{"order_list": entries("251122AAAA0001", "251122AAAA0003")})
	must(t, p.str("error") == "" && p.str("response", "result_list", "0", "package_number") == "OFG251122AAAA0001" &&
		p.str("response", "result_list", "0", "suggest_shipping_document_type") == spThermal &&
		p.str("response", "result_list", "1", "fail_error") == spCannotPrint, "parameter: %s", p.body)
	all := e.shopeeShopPost(base+"get_shipping_document_parameter", map[string]any{"order_list": entries("251122AAAA0003")})
	must(t, all.str("error") == spAllFailed && len(all.list("response", "result_list")) == 1, "all failed: %s", all.body)

	download := func(sns ...string) answer {
		return e.shopeeShopPost(base+"download_shipping_document", map[string]any{"shipping_document_type": spThermal, "order_list": entries(sns...)})
	}
	must(t, download("251122AAAA0001").str("error") == spPrintFirst, "download before create")
	c := e.shopeeShopPost(base+"create_shipping_document", map[string]any{"order_list": []map[string]string{
		{"order_sn": "251122AAAA0002", "package_number": "OFG251122AAAA0002", "tracking_number": "SPXMY000000000002", "shipping_document_type": spThermal},
		{"order_sn": "251122AAAA0001", "package_number": "OFG251122AAAA0001", "tracking_number": "SPXMY000000000001", "shipping_document_type": spThermal},
		{"order_sn": "251122AAAA0001", "tracking_number": "WRONG", "shipping_document_type": spThermal},
	}})
	must(t, c.str("error") == "" && c.str("response", "result_list", "0", "fail_error") == "" &&
		c.str("response", "result_list", "2", "fail_error") == spBadTracking, "create: %s", c.body)
	must(t, download("251122AAAA0002", "251122AAAA0001").str("error") == spDownloadLater, "download while processing")
	result := func() answer {
		return e.shopeeShopPost(base+"get_shipping_document_result", map[string]any{"order_list": []map[string]string{
			{"order_sn": "251122AAAA0002", "shipping_document_type": spThermal}, {"order_sn": "251122AAAA0001", "shipping_document_type": spThermal}}})
	}
	r := result()
	must(t, r.str("response", "result_list", "0", "status") == "PROCESSING", "first poll: %s", r.body)
	r = result()
	must(t, r.str("response", "result_list", "0", "status") == "READY" && r.str("response", "result_list", "1", "status") == "READY", "second poll: %s", r.body)
	req, _ := http.NewRequest(http.MethodPost, e.shopeeURL(base+"download_shipping_document", e.tok[domain.Shopee], shop, nil),
		strings.NewReader(`{"shipping_document_type":"THERMAL_AIR_WAYBILL","order_list":[{"order_sn":"251122AAAA0002"},{"order_sn":"251122AAAA0001"}]}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	must(t, err == nil, "download: %v", err)
	var pdf bytes.Buffer
	pdf.ReadFrom(resp.Body)
	resp.Body.Close()
	must(t, resp.StatusCode == 200 && resp.Header.Get("Content-Type") == "application/pdf", "download: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), pdf.Bytes())
	must(t, slices.Equal(barcodes(t, pdf.Bytes()), []string{"SPXMY000000000002", "SPXMY000000000001"}), "download pages")
	must(t, slices.Equal(pageSizes(t, pdf.Bytes()), [][2]int{{105, 148}, {105, 148}}), "thermal pages are A6")

	// NORMAL: an A4 page per package; not downloadable as THERMAL.
	e.shopeeShopPost(base+"create_shipping_document", map[string]any{"shipping_document_type": spNormal, "order_list": entries("251122AAAA0001")})
	e.shopeeShopPost(base+"get_shipping_document_result", map[string]any{"shipping_document_type": spNormal, "order_list": entries("251122AAAA0001")})
	e.shopeeShopPost(base+"get_shipping_document_result", map[string]any{"shipping_document_type": spNormal, "order_list": entries("251122AAAA0001")})
	req, _ = http.NewRequest(http.MethodPost, e.shopeeURL(base+"download_shipping_document", e.tok[domain.Shopee], shop, nil),
		strings.NewReader(`{"shipping_document_type":"NORMAL_AIR_WAYBILL","order_list":[{"order_sn":"251122AAAA0001"}]}`))
	resp, err = http.DefaultClient.Do(req)
	must(t, err == nil, "download: %v", err)
	pdf.Reset()
	pdf.ReadFrom(resp.Body)
	resp.Body.Close()
	must(t, slices.Equal(pageSizes(t, pdf.Bytes()), [][2]int{{210, 297}}), "normal pages are A4")

	must(t, e.shopeeShopPost(base+"create_shipping_document", map[string]any{"order_list": slices.Repeat(entries("251122AAAA0001"), 51)}).str("error") ==
		"logistics.error_limit", "51 entries")
}

func TestTikTokShippingDocuments(t *testing.T) {
	e := newEnv(t)
	shop := e.shops[domain.TikTok].ID
	e.sim.PutOrders(domain.TikTok, shop, []domain.Order{
		awbOrder(domain.TikTok, "570000000000000001", domain.TtAwaitingCollection, ttProcessing, ttProcessing, "JNT630000000001"),
		awbOrder(domain.TikTok, "570000000000000002", domain.TtAwaitingShipment, ttToFulfill, ttToFulfill, ""),
		awbOrder(domain.TikTok, "570000000000000003", domain.TtInTransit, "FULFILLING", "FULFILLING", "JNT630000000003"),
	})
	docs := func(pkg string, q map[string]string) answer {
		if q == nil {
			q = map[string]string{}
		}
		q["document_type"] = "SHIPPING_LABEL"
		return e.tiktok("/fulfillment/202309/packages/"+pkg+"/shipping_documents", q, nil, true)
	}
	a := docs("115000000000000001", map[string]string{"document_size": "A5"})
	must(t, a.str("code") == "0" && a.str("data", "tracking_number") == "JNT630000000001", "docs: %s", a.body)
	link := a.str("data", "doc_url")
	must(t, strings.HasPrefix(link, e.base+"/tiktok/awb/"), "doc_url %q is not the simulator's", link)
	status, ctype, pdf := e.fetch(link)
	must(t, status == 200 && ctype == "application/pdf", "GET doc_url: %d %s", status, ctype)
	must(t, slices.Equal(pageSizes(t, pdf), [][2]int{{148, 210}}), "A5 page")
	must(t, slices.Equal(barcodes(t, pdf), []string{"JNT630000000001"}), "barcode")

	z := docs("115000000000000001", map[string]string{"document_format": "ZPL"})
	_, _, zpl := e.fetch(z.str("data", "doc_url"))
	must(t, strings.Contains(string(zpl), "^FDJNT630000000001^FS") && strings.HasPrefix(string(zpl), "^XA"), "ZPL: %s", zpl)

	must(t, docs("115000000000000002", nil).str("code") == "21023035", "not shipped")
	must(t, docs("115000000000000003", nil).str("code") == "21042102", "picked up")
	must(t, docs("115999", nil).str("code") == "36009001", "unknown package")
	e.sim.RefuseLabels(domain.TikTok, shop, "570000000000000001", "11034037", "The document is being generated.", 1)
	must(t, docs("115000000000000001", nil).str("code") == "11034037", "RefuseLabels")

	// doc_url lives 24 hours.
	e.sim.Clock().Advance(24*time.Hour + time.Second)
	status, _, _ = e.fetch(link)
	must(t, status == http.StatusForbidden, "an expired doc_url: %d", status)
	// Downloads go through the request log.
	n := 0
	for _, r := range e.sim.Requests(domain.TikTok) {
		if strings.HasPrefix(r.Path, "/awb/") {
			n++
		}
	}
	must(t, n == 3, "%d logged downloads, want 3", n)
}
