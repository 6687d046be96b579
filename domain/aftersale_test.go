package domain

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestAfterSaleStepsFollowEachPlatformsStatuses(t *testing.T) {
	cases := []struct {
		p    Platform
		r    AfterSale
		want []Step
	}{
		{Lazada, AfterSale{Kind: ReqReturn, Status: LzRevRequestInitiate}, []Step{StepRefund, StepAgreeReturn, StepReject}},
		{Lazada, AfterSale{Kind: ReqRefund, Status: LzRevRequestInitiate}, []Step{StepRefund, StepDispute}},
		{Lazada, AfterSale{Kind: ReqReturn, Status: LzRevBuyerReturnItem}, []Step{StepConfirmReceipt}},
		{Lazada, AfterSale{Kind: ReqReturn, Status: LzRevShippingBack}, []Step{StepConfirmReceipt}},
		{Lazada, AfterSale{Kind: ReqReturn, Status: LzRevReceived}, []Step{StepRefund, StepReject}},
		{Lazada, AfterSale{Kind: ReqReturn, Status: LzRevRefundPending}, nil},
		{Lazada, AfterSale{Kind: ReqCancel, Status: LzRevRequestInitiate, By: "buyer"}, []Step{StepAcceptCancel, StepRejectCancel}},
		{Lazada, AfterSale{Kind: ReqCancel, Status: LzRevRequestInitiate, By: "seller"}, nil},
		{Shopee, AfterSale{Kind: ReqCancel, Status: SpInCancel, By: "buyer"}, []Step{StepAcceptCancel, StepRejectCancel}},
		{Shopee, AfterSale{Kind: ReqCancel, Status: SpReadyToShip}, nil},
		{Shopee, AfterSale{Kind: ReqRefund, Status: SpRetRequested}, []Step{StepRefund, StepDispute}},
		{Shopee, AfterSale{Kind: ReqReturn, Status: SpRetRequested, Negotiation: SpNegPendingRespond, CounterLimit: 2}, []Step{StepOffer, StepAcceptOffer, StepDispute}},
		{Shopee, AfterSale{Kind: ReqReturn, Status: SpRetProcessing, Negotiation: SpNegPendingBuyerRespond, CounterLimit: 1}, []Step{StepOffer, StepDispute}},
		{Shopee, AfterSale{Kind: ReqReturn, Status: SpRetProcessing, Negotiation: SpNegPendingRespond, CounterLimit: 0}, []Step{StepAcceptOffer, StepDispute}},
		{Shopee, AfterSale{Kind: ReqReturn, Status: SpRetJudging}, nil},
		{TikTok, AfterSale{Kind: ReqRefund, Status: TtReturnPending}, []Step{StepRefund, StepReject}},
		{TikTok, AfterSale{Kind: ReqReturn, Status: TtReturnPending}, []Step{StepAgreeReturn, StepReject}},
		{TikTok, AfterSale{Kind: ReqReturn, Status: TtAwaitingShip}, nil},
		{TikTok, AfterSale{Kind: ReqReturn, Status: TtBuyerShipped}, []Step{StepRefund, StepReject}},
		{TikTok, AfterSale{Kind: ReqCancel, Status: TtCancelPending, By: "buyer"}, []Step{StepAcceptCancel, StepRejectCancel}},
		{TikTok, AfterSale{Kind: ReqCancel, Status: TtCancelComplete, By: "buyer"}, nil},
	}
	for _, c := range cases {
		if got := AfterSaleSteps(c.p, &c.r); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %s %s/%s: %v, want %v", c.p, c.r.Kind, c.r.Status, c.r.Negotiation, got, c.want)
		}
	}
	// The order stays on To Return while the parcel travels and the refund is reviewed.
	for _, st := range []string{LzRevBuyerReturnItem, LzRevShippingBack, LzRevReceived, LzRevRefundPending} {
		if !AfterSaleOpen(Lazada, &AfterSale{Kind: ReqReturn, Status: st}) {
			t.Errorf("Lazada %s is not open", st)
		}
	}
	for _, st := range []string{LzRevRefundSuccess, LzRevRequestReject, LzRevRequestCancel} {
		if AfterSaleOpen(Lazada, &AfterSale{Kind: ReqReturn, Status: st}) {
			t.Errorf("Lazada %s is still open", st)
		}
	}
}

func jpegBytes() []byte {
	return append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{1}, 64)...)
}

func TestReadImage(t *testing.T) {
	if im, err := ReadImage("a.jpg", jpegBytes()); err != nil || im.Type != "image/jpeg" {
		t.Errorf("jpeg: %+v %v", im.Type, err)
	}
	if im, err := ReadImage("a.png", []byte("\x89PNG\r\n\x1a\nrest")); err != nil || im.Type != "image/png" {
		t.Errorf("png: %+v %v", im.Type, err)
	}
	for name, data := range map[string][]byte{
		"empty.jpg": nil,
		"note.jpg":  []byte("GIF89a not a jpeg"),
		"huge.jpg":  append(jpegBytes(), make([]byte, MaxImageBytes)...),
	} {
		if _, err := ReadImage(name, data); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func lazadaPacked() Order {
	return Order{Platform: Lazada, OrderNo: "3001", Tab: TabToProcess, Items: []Item{
		{PlatformItemID: "11", Status: LzPacked, PackageID: "FP1"},
		{PlatformItemID: "12", Status: LzPacked, PackageID: "FP1"},
		{PlatformItemID: "13", Status: LzPacked, PackageID: "FP2"},
		{PlatformItemID: "14", Status: LzCanceled, Cancelled: true, PackageID: "FP1"},
	}}
}

func TestPackageMates(t *testing.T) {
	o := lazadaPacked()
	var ids []string
	for _, it := range PackageMates(&o, []string{"11"}) {
		ids = append(ids, it.PlatformItemID)
	}
	if !reflect.DeepEqual(ids, []string{"12"}) || !Packed(&o, []string{"13"}) {
		t.Errorf("mates of 11: %v", ids)
	}
	o.Items[0].PackageID = ""
	if Packed(&o, []string{"11"}) || len(PackageMates(&o, []string{"11"})) != 0 {
		t.Error("an unpacked item has package mates")
	}
}

func TestAnswerCheckRefusesWhatThePlatformWould(t *testing.T) {
	o := lazadaPacked()
	ret := &AfterSale{Kind: ReqReturn, ID: "R1", Status: LzRevReceived, Refund: Money{Minor: 5000, Currency: "MYR"}}
	img, _ := ReadImage("box.jpg", jpegBytes())
	cases := []struct {
		a    Answer
		r    *AfterSale
		want string
	}{
		{Answer{Step: StepCancel, Reason: "10000021"}, nil, "choose the items"},
		{Answer{Step: StepCancel, Items: []string{"11"}}, nil, "choose a reason"},
		{Answer{Step: StepCancel, Items: []string{"99"}, Reason: "1"}, nil, "no item 99"},
		{Answer{Step: StepCancel, Items: []string{"14"}, Reason: "1"}, nil, "already cancelled"},
		{Answer{Step: StepReject, Reason: "1", Comment: "not as said"}, ret, "at least one image"},
		{Answer{Step: StepReject, Reason: "1", Comment: "x", Images: []Image{img, img, img, img, img, img}}, ret, "at most 5"},
		{Answer{Step: StepReject, Reason: "1", Images: []Image{img}}, ret, "own words"},
		{Answer{Step: StepConfirmReceipt}, ret, "not possible"},
		{Answer{Step: StepRefund}, nil, "no such request"},
		{Answer{Step: StepRefund, Images: []Image{img}}, ret, "takes no images"},
		{Answer{Step: StepReject, Reason: "1", Comment: "x", Images: []Image{{Name: "f.gif", Data: []byte("GIF89a")}}}, ret, "not a JPEG or PNG"},
	}
	for _, c := range cases {
		err := c.a.Check(&o, c.r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: %v, want %q", c.a.Step, c.a.Items, err, c.want)
		}
	}
	ok := Answer{Step: StepReject, Reason: "1", Comment: "the seal is intact", Images: []Image{img}}
	if err := ok.Check(&o, ret); err != nil {
		t.Errorf("a complete rejection: %v", err)
	}
	cancel := Answer{Step: StepCancel, Items: []string{"11"}, Reason: "10000021"}
	if err := cancel.Check(&o, nil); err != nil {
		t.Errorf("a complete cancel: %v", err)
	}
	// Shopee: Out of Stock needs the items, other reasons do not; an offer may not exceed the ask.
	sp := Order{Platform: Shopee, OrderNo: "S1", Tab: TabNew, Status: SpReadyToShip, Items: []Item{{PlatformItemID: "5"}}}
	if err := (&Answer{Step: StepCancel, Reason: "OUT_OF_STOCK"}).Check(&sp, nil); err == nil {
		t.Error("Shopee Out of Stock without items was accepted")
	}
	if err := (&Answer{Step: StepCancel, Reason: "CUSTOMER_REQUEST"}).Check(&sp, nil); err != nil {
		t.Errorf("Shopee customer request: %v", err)
	}
	sp.Tab = TabToReturn
	offer := &AfterSale{Kind: ReqReturn, ID: "R", Status: SpRetRequested, Negotiation: SpNegPendingRespond, CounterLimit: 1, Refund: Money{Minor: 1000}}
	if err := (&Answer{Step: StepOffer, Solution: SpSolutionRefund, Amount: Money{Minor: 1200}}).Check(&sp, offer); err == nil ||
		!strings.Contains(err.Error(), "more than") {
		t.Errorf("an offer above the ask: %v", err)
	}
	if err := (&Answer{Step: StepDispute, Reason: "1", Comment: "x", Images: []Image{img}, Email: "nope"}).Check(&sp, offer); err == nil ||
		!strings.Contains(err.Error(), "email") {
		t.Errorf("a dispute without an email: %v", err)
	}
}

func TestAnswerDone(t *testing.T) {
	o := lazadaPacked()
	cancel := &Answer{Step: StepCancel, Items: []string{"11", "12"}}
	if AnswerDone(&o, cancel) {
		t.Error("live items counted as cancelled")
	}
	o.Items[0].Cancelled, o.Items[1].Cancelled = true, true
	if !AnswerDone(&o, cancel) {
		t.Error("cancelled items not seen")
	}
	tt := Order{Platform: TikTok, Status: TtAwaitingShipment, AfterSales: []AfterSale{{Kind: ReqReturn, ID: "R", Status: TtAwaitingShip}}}
	if AnswerDone(&tt, &Answer{Step: StepCancel}) {
		t.Error("a live TikTok order counted as cancelled")
	}
	if !AnswerDone(&tt, &Answer{Step: StepAgreeReturn, Kind: ReqReturn, RequestID: "R", FromStatus: TtReturnPending}) {
		t.Error("a request that moved on is not seen as answered")
	}
	if AnswerDone(&tt, &Answer{Step: StepAgreeReturn, Kind: ReqReturn, RequestID: "R", FromStatus: TtAwaitingShip}) {
		t.Error("a request still where it was is seen as answered")
	}
	sp := Order{Platform: Shopee, Status: SpReadyToShip}
	if !AnswerDone(&sp, &Answer{Step: StepRejectCancel, Kind: ReqCancel}) {
		t.Error("a Shopee order out of IN_CANCEL is not seen as answered")
	}
	sp.AfterSales = []AfterSale{{Kind: ReqReturn, ID: "S", Status: SpRetProcessing, Negotiation: SpNegPendingBuyerRespond,
		Offers: []Offer{{By: "seller", Amount: Money{Minor: 700}}}}}
	if !AnswerDone(&sp, &Answer{Step: StepOffer, Kind: ReqReturn, RequestID: "S", Amount: Money{Minor: 700}}) ||
		AnswerDone(&sp, &Answer{Step: StepOffer, Kind: ReqReturn, RequestID: "S", Amount: Money{Minor: 800}}) {
		t.Error("an offer is judged by the seller's last offer")
	}
}
