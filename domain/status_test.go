package domain

import (
	"testing"
	"time"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func lazadaOrder(statuses ...string) *Order {
	o := &Order{Platform: Lazada}
	for _, s := range statuses {
		o.Items = append(o.Items, Item{Status: s, Qty: 1})
	}
	return o
}

// Every Lazada item status the reference lists, alone on an order.
func TestLazadaEveryItemStatus(t *testing.T) {
	cases := []struct {
		status string
		want   Tab
	}{
		{"unpaid", TabUnpaid},
		{"pending", TabNew},
		{"repacked", TabNew},
		{"topack", TabNew},
		{"packed", TabToProcess},
		{"toship", TabToProcess},
		{"ready_to_ship_pending", TabToShip},
		{"ready_to_ship", TabToShip},
		{"shipping", TabShipped},
		{"shipped", TabShipped},
		{"delivered", TabDelivered},
		{"canceled", TabOthers},
		{"returned", TabOthers},
		{"failed", TabOthers},
		{"failed_delivery", TabOthers},
		{"lost", TabOthers},
		{"lost_by_3pl", TabOthers},
		{"damaged_by_3pl", TabOthers},
		{"shipped_back", TabOthers},
		{"shipped_back_success", TabOthers},
		{"shipped_back_failed", TabOthers},
		{"package_scrapped", TabOthers},
		{"something_new", TabOthers},
		{"READY_TO_SHIP", TabToShip}, // case is not trusted
	}
	for _, c := range cases {
		if got := DeriveTab(lazadaOrder(c.status), now); got != c.want {
			t.Errorf("lazada item %q: tab %s, want %s", c.status, got.Title(), c.want.Title())
		}
	}
}

func TestLazadaRollUp(t *testing.T) {
	cases := []struct {
		name     string
		statuses []string
		cancel   bool
		ret      bool
		delivAgo time.Duration
		want     Tab
	}{
		{"least advanced live item wins", []string{"shipped", "packed", "delivered"}, false, false, 0, TabToProcess},
		{"cancelled items are ignored", []string{"canceled", "ready_to_ship"}, false, false, 0, TabToShip},
		{"all items dead", []string{"canceled", "returned"}, false, false, 0, TabOthers},
		{"buyer cancel request", []string{"pending", "pending"}, true, false, 0, TabToCancel},
		{"cancel request on unpaid stays unpaid", []string{"unpaid"}, true, false, 0, TabUnpaid},
		{"cancel request on a fully cancelled order", []string{"canceled"}, true, false, 0, TabOthers},
		{"return request", []string{"delivered"}, false, true, time.Hour, TabToReturn},
		{"return request after item returned", []string{"returned"}, false, true, 0, TabToReturn},
		{"delivered inside the return window", []string{"delivered"}, false, false, LazadaReturnWindow - time.Minute, TabDelivered},
		{"delivered past the return window", []string{"delivered"}, false, false, LazadaReturnWindow, TabCompleted},
		{"partly delivered stays shipped", []string{"delivered", "shipped"}, false, false, 30 * 24 * time.Hour, TabShipped},
	}
	for _, c := range cases {
		o := lazadaOrder(c.statuses...)
		o.CancelRequested, o.ReturnRequested = c.cancel, c.ret
		if c.delivAgo > 0 {
			o.DeliveredAt = now.Add(-c.delivAgo)
		}
		if got := DeriveTab(o, now); got != c.want {
			t.Errorf("%s: tab %s, want %s", c.name, got.Title(), c.want.Title())
		}
	}
}

func TestLazadaFallsBackToOrderStatuses(t *testing.T) {
	o := &Order{Platform: Lazada, Status: "delivered, packed"}
	if got := DeriveTab(o, now); got != TabToProcess {
		t.Fatalf("tab %s, want To Process", got.Title())
	}
}

func TestShopeeEveryStatus(t *testing.T) {
	cases := []struct {
		status string
		stage  Stage
		want   Tab
	}{
		{"UNPAID", "", TabUnpaid},
		{"PENDING", "", TabUnpaid},
		{"READY_TO_SHIP", "", TabNew},
		{"INVOICE_PENDING", "", TabNew},
		{"PROCESSED", "", TabToProcess},
		{"PROCESSED", StageReady, TabToShip},
		{"RETRY_SHIP", "", TabToProcess},
		{"RETRY_SHIP", StageReady, TabToShip},
		{"SHIPPED", "", TabShipped},
		{"SHIPPED", StageReady, TabShipped},
		{"TO_CONFIRM_RECEIVE", "", TabDelivered},
		{"COMPLETED", "", TabCompleted},
		{"IN_CANCEL", "", TabToCancel},
		{"CANCELLED", "", TabOthers},
		{"TO_RETURN", "", TabToReturn},
		{"SOMETHING_NEW", "", TabOthers},
	}
	for _, c := range cases {
		o := &Order{Platform: Shopee, Status: c.status, Stage: c.stage}
		if got := DeriveTab(o, now); got != c.want {
			t.Errorf("shopee %s/%q: tab %s, want %s", c.status, c.stage, got.Title(), c.want.Title())
		}
	}
}

func TestShopeeRequests(t *testing.T) {
	if got := DeriveTab(&Order{Platform: Shopee, Status: "COMPLETED", ReturnRequested: true}, now); got != TabToReturn {
		t.Errorf("completed order with a return request: %s", got.Title())
	}
	if got := DeriveTab(&Order{Platform: Shopee, Status: "CANCELLED", ReturnRequested: true}, now); got != TabOthers {
		t.Errorf("cancelled order: %s", got.Title())
	}
}

func TestTikTokEveryStatus(t *testing.T) {
	cases := []struct {
		status string
		stage  Stage
		want   Tab
	}{
		{"UNPAID", "", TabUnpaid},
		{"ON_HOLD", "", TabNew},
		{"AWAITING_SHIPMENT", "", TabNew},
		{"AWAITING_COLLECTION", "", TabToProcess},
		{"AWAITING_COLLECTION", StageReady, TabToShip},
		{"PARTIALLY_SHIPPING", "", TabShipped},
		{"IN_TRANSIT", "", TabShipped},
		{"DELIVERED", "", TabDelivered},
		{"COMPLETED", "", TabCompleted},
		{"CANCELLED", "", TabOthers},
		{"100", "", TabOthers}, // legacy codes are the client's job to translate
	}
	for _, c := range cases {
		o := &Order{Platform: TikTok, Status: c.status, Stage: c.stage}
		if got := DeriveTab(o, now); got != c.want {
			t.Errorf("tiktok %s/%q: tab %s, want %s", c.status, c.stage, got.Title(), c.want.Title())
		}
	}
}

func TestTikTokRequests(t *testing.T) {
	cases := []struct {
		status      string
		cancel, ret bool
		want        Tab
	}{
		{"AWAITING_SHIPMENT", true, false, TabToCancel},
		{"AWAITING_COLLECTION", true, false, TabToCancel},
		{"UNPAID", true, false, TabUnpaid},
		{"CANCELLED", true, false, TabOthers},
		{"DELIVERED", false, true, TabToReturn},
		{"COMPLETED", false, true, TabToReturn},
	}
	for _, c := range cases {
		o := &Order{Platform: TikTok, Status: c.status, CancelRequested: c.cancel, ReturnRequested: c.ret}
		if got := DeriveTab(o, now); got != c.want {
			t.Errorf("tiktok %s cancel=%v return=%v: %s, want %s", c.status, c.cancel, c.ret, got.Title(), c.want.Title())
		}
	}
}

func TestUnknownPlatform(t *testing.T) {
	if got := DeriveTab(&Order{Platform: "ebay", Status: "PAID"}, now); got != TabOthers {
		t.Fatalf("unknown platform: %s", got.Title())
	}
}

func TestTabSlugsRoundTrip(t *testing.T) {
	if len(Tabs) != 10 {
		t.Fatalf("%d tabs, want 10", len(Tabs))
	}
	seen := map[string]bool{}
	for _, tab := range Tabs {
		got, err := ParseTab(tab.Slug())
		if err != nil || got != tab {
			t.Errorf("ParseTab(%q) = %v, %v", tab.Slug(), got, err)
		}
		if seen[tab.Slug()] {
			t.Errorf("duplicate slug %q", tab.Slug())
		}
		seen[tab.Slug()] = true
	}
	if _, err := ParseTab("shipping"); err == nil {
		t.Error("ParseTab accepted an unknown slug")
	}
}

func TestStatusLabel(t *testing.T) {
	for in, want := range map[string]string{"ready_to_ship": "Ready to ship", "LOST_BY_3PL": "Lost by 3PL", "": "", "IN_TRANSIT": "In transit"} {
		if got := StatusLabel(in); got != want {
			t.Errorf("StatusLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
