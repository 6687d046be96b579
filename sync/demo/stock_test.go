package demo

import (
	"reflect"
	"strings"
	"testing"
)

func TestSQLAccSeed(t *testing.T) {
	names := make([]string, 0, len(profiles))
	for _, s := range Stores() {
		names = append(names, s.Name)
	}
	c := SQLAccSeed(names)
	if !reflect.DeepEqual(c, SQLAccSeed(names)) {
		t.Fatal("the seed differs between two calls with the same names")
	}

	byCode := map[string]SQLAccItem{}
	byBarcode := map[string]SQLAccItem{}
	boxes := 0
	for _, it := range c.Items {
		if byCode[it.Code].Code != "" {
			t.Errorf("item code %s twice", it.Code)
		}
		byCode[it.Code] = it
		if len(it.Code) > maxItemCode || it.Code == "" {
			t.Errorf("item code %q: want 1..%d characters", it.Code, maxItemCode)
		}
		bases := 0
		for _, u := range it.UOMs {
			if u.Base {
				bases++
				if u.Rate != 1 || u.UOM != "UNIT" {
					t.Errorf("%s: base unit %+v, want UNIT at rate 1", it.Code, u)
				}
			}
			if u.UOM == "BOX" {
				boxes++
				if u.Rate != 12 || u.Barcode == "" || u.Price <= 0 {
					t.Errorf("%s: BOX %+v, want rate 12, a barcode and a price", it.Code, u)
				}
			}
			if u.Barcode != "" {
				if byBarcode[u.Barcode].Code != "" {
					t.Errorf("barcode %s on %s and %s", u.Barcode, byBarcode[u.Barcode].Code, it.Code)
				}
				byBarcode[u.Barcode] = it
			}
		}
		if bases != 1 {
			t.Errorf("%s has %d base units, want 1", it.Code, bases)
		}
	}

	var skus, matchCode, matchBarcode, unmatched int
	for i := range catalogue {
		for _, v := range catalogue[i].variants() {
			skus++
			switch {
			case byCode[v.sku].Code != "":
				matchCode++
			case byBarcode[v.sku].Code != "":
				matchBarcode++
				if it := byBarcode[v.sku]; !strings.HasPrefix(it.Code, "STK-") || it.UOMs[0].Barcode != v.sku || !it.UOMs[0].Base {
					t.Errorf("SKU %s matched by barcode on %+v: want an STK- item whose base unit carries it", v.sku, it)
				}
			default:
				unmatched++
			}
		}
	}
	t.Logf("%d SKUs: %d by code, %d by barcode, %d unmatched; %d items, %d boxes", skus, matchCode, matchBarcode, unmatched, len(c.Items), boxes)
	if skus < 200 {
		t.Fatalf("only %d catalogue SKUs", skus)
	}
	if matchCode < skus*6/10 {
		t.Errorf("%d of %d SKUs match an item code, want most", matchCode, skus)
	}
	if matchBarcode < skus/10 || matchBarcode > skus/4 {
		t.Errorf("%d of %d SKUs match a barcode, want about 1 in 6", matchBarcode, skus)
	}
	if unmatched < skus/14 || unmatched > skus/5 {
		t.Errorf("%d of %d SKUs match nothing, want about 1 in 8", unmatched, skus)
	}
	if boxes < 3 {
		t.Errorf("%d items sell by the BOX, want a few", boxes)
	}
	// Every SKU that matches nothing still has its goods in SQL Account under another code, so
	// a person can find it by its description and map it by hand.
	if n := len(c.Items) - 1 - 4; n != skus {
		t.Errorf("%d stock items for %d SKUs", n, skus)
	}

	for _, code := range []string{"VOUCHER", "DISCOUNT", "SHIPPING", "TXFEE"} {
		if it, ok := byCode[code]; !ok || it.StockControl || it.Inactive {
			t.Errorf("non-stock item %s: %+v", code, it)
		}
	}
	if len(c.Customers) != len(names)+1 {
		t.Fatalf("%d customers for %d stores", len(c.Customers), len(names))
	}
	codes := map[string]bool{}
	for i, n := range names {
		cu := c.Customers[i+1]
		if cu.CompanyName != n || !strings.HasPrefix(cu.Code, "300-") || len(cu.Code) != 9 || codes[cu.Code] {
			t.Errorf("customer for %q: %+v", n, cu)
		}
		codes[cu.Code] = true
	}
	if got := c.Customers[1].Code; got != "300-K0001" {
		t.Errorf("first store's customer %s, want 300-K0001 (Kedai Cantik Lazada)", got)
	}
	want := func(what string, got []SQLAccCode, codes ...string) {
		var have []string
		for _, x := range got {
			have = append(have, x.Code)
		}
		if !reflect.DeepEqual(have, codes) {
			t.Errorf("%s = %v, want %v", what, have, codes)
		}
	}
	want("locations", c.Locations, "----", "ECOM")
	want("projects", c.Projects, "LAZADA", "SHOPEE", "TIKTOK")
	rates := map[string]float64{}
	for _, x := range c.Taxes {
		rates[x.Code] = x.Rate
	}
	if !reflect.DeepEqual(rates, map[string]float64{"SV": 8, "ST": 10, "ST5": 5, "STE": 0, "SVE": 0}) {
		t.Errorf("taxes %v", rates)
	}
	if len(c.PayMethods) == 0 || c.PayMethods[0].Code != "ONLINE" {
		t.Errorf("payment methods %v", c.PayMethods)
	}
}

func TestEAN13(t *testing.T) {
	if got := ean13("400638133393"); got != "4006381333931" {
		t.Errorf("ean13 = %s", got)
	}
}
