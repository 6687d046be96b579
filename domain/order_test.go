package domain

import (
	"strings"
	"testing"
	"time"
)

func TestPackageGroups(t *testing.T) {
	o := Order{
		Packages: []Package{{ID: "P1", TrackingNo: "T1"}, {ID: "P2", TrackingNo: "T2"}, {ID: "EMPTY"}},
		Items: []Item{
			{Name: "a", PackageID: "P2", Qty: 1},
			{Name: "b", Qty: 1},
			{Name: "c", PackageID: "P1", Qty: 2},
			{Name: "d", PackageID: "P9", Qty: 1}, // package the platform did not list
			{Name: "e", PackageID: "P2", Qty: 1, Cancelled: true},
		},
	}
	groups := o.PackageGroups()
	var got []string
	for _, g := range groups {
		var names []string
		for _, it := range g.Items {
			names = append(names, it.Name)
		}
		got = append(got, g.Package.ID+":"+strings.Join(names, ""))
	}
	want := "P1:c P2:ae P9:d :b"
	if strings.Join(got, " ") != want {
		t.Fatalf("groups %q, want %q", strings.Join(got, " "), want)
	}
	if o.UnitCount() != 5 {
		t.Errorf("units %d, want 5 (cancelled line left out)", o.UnitCount())
	}
	if o.FirstItemName() != "a" {
		t.Errorf("first item %q", o.FirstItemName())
	}
	if strings.Join(o.TrackingNumbers(), ",") != "T1,T2" {
		t.Errorf("tracking numbers %v", o.TrackingNumbers())
	}
}

func TestDetailSectionsPerPlatform(t *testing.T) {
	myt := time.FixedZone("MYT", 8*3600)
	base := Order{
		OrderNo: "123", PlatformID: "123", Currency: "MYR", PaymentMethod: "COD", COD: true,
		CreatedAt: time.Date(2026, 11, 11, 16, 30, 0, 0, time.UTC),
		Total:     Money{4990, "MYR"}, SellerVoucher: Money{500, "MYR"},
		Address:  Address{Name: "Siti", Lines: []string{"12 Jalan Ampang"}, Postcode: "50450", City: "Kuala Lumpur", State: "WP Kuala Lumpur"},
		Buyer:    Buyer{Username: "siti88", UserID: "9001"},
		Packages: []Package{{ID: "P1", Provider: "J&T Express", TrackingNo: "JT1"}},
	}
	want := map[Platform][]string{
		Lazada: {"Order Details", "Payment Details", "Shipment Details", "Voucher Details", "Amounts"},
		Shopee: {"Buyer Details", "Payment Details", "Shipment Details", "Extra Details", "Amounts"},
		TikTok: {"Order Details", "Buyer Details", "Payment Details", "Shipment Details", "Amounts"},
	}
	for p, titles := range want {
		o := base
		o.Platform = p
		secs := DetailSections(&o, "SHOP9", myt)
		var got []string
		for _, s := range secs {
			got = append(got, s.Title)
			for _, f := range s.Fields {
				if f.Value == "" {
					t.Errorf("%s: empty field %q in %s", p, f.Label, s.Title)
				}
			}
		}
		if strings.Join(got, "|") != strings.Join(titles, "|") {
			t.Errorf("%s sections %v, want %v", p, got, titles)
		}
	}
	o := base
	o.Platform = Lazada
	secs := DetailSections(&o, "SHOP9", myt)
	find := func(title, label string) string {
		for _, s := range secs {
			if s.Title == title {
				for _, f := range s.Fields {
					if f.Label == label {
						return f.Value
					}
				}
			}
		}
		return ""
	}
	if got := find("Order Details", "Created"); got != "12 Nov 2026 00:30" {
		t.Errorf("created shown as %q, want Malaysian time", got)
	}
	if got := find("Order Details", "Shop ID"); got != "SHOP9" {
		t.Errorf("shop id %q", got)
	}
	if got := find("Voucher Details", "Seller voucher"); got != "-RM 5.00" {
		t.Errorf("voucher %q", got)
	}
	if got := find("Shipment Details", "Address"); got != "12 Jalan Ampang, 50450 Kuala Lumpur, WP Kuala Lumpur" {
		t.Errorf("address %q", got)
	}
}
