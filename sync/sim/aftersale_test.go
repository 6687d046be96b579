package sim

import (
	"testing"

	"github.com/kedai-app/kedai/domain"
)

// An open return waiting on the buyer or the platform moves on by itself (the demo's To Return
// lives), and a test that sets every rate to zero keeps it still.
func TestOpenReturnsMoveOnByThemselves(t *testing.T) {
	s := New(Options{Seed: 5, Start: testStart, Manual: true})
	lz := s.AddShop(domain.Lazada, "Kedai Cantik", "MY")
	sp := s.AddShop(domain.Shopee, "Butik Ayu", "MY")
	lzOrders := s.AddHistory(domain.Lazada, lz.ID, 20)
	spOrders := s.AddHistory(domain.Shopee, sp.ID, 20)
	shipBack, refund, offer := lzOrders[0].OrderNo, lzOrders[1].OrderNo, spOrders[0].OrderNo
	for _, no := range []string{shipBack, refund} {
		s.RequestReturn(domain.Lazada, lz.ID, no)
	}
	s.RequestReturn(domain.Shopee, sp.ID, offer)
	// Where the seller's answers would have left them.
	s.mu.Lock()
	s.shop(domain.Lazada, lz.ID).byNo[shipBack].ret.setStatus(domain.LzRevBuyerReturnItem)
	s.shop(domain.Lazada, lz.ID).byNo[refund].ret.setStatus(domain.LzRevRefundPending)
	rv := s.shop(domain.Shopee, sp.ID).byNo[offer].ret
	rv.status, rv.negotiation = domain.SpRetProcessing, domain.SpNegPendingBuyerRespond
	rv.offers = append(rv.offers, domain.Offer{By: "seller", Solution: domain.SpSolutionRefund, Amount: domain.Money{Minor: 500, Currency: "MYR"}})
	s.mu.Unlock()

	s.SetRates(Rates{})
	for i := 0; i < 5; i++ {
		s.Step()
	}
	if v, _ := s.ReturnOf(domain.Lazada, lz.ID, shipBack); v.Status != domain.LzRevBuyerReturnItem {
		t.Fatalf("with every rate zero the return moved to %s", v.Status)
	}

	s.SetRates(Rates{ReturnMove: 1})
	s.Step()
	if v, _ := s.ReturnOf(domain.Lazada, lz.ID, shipBack); v.Status != domain.LzRevShippingBack || v.Tracking == "" {
		t.Errorf("the buyer did not ship it back: %+v", v)
	}
	if v, _ := s.ReturnOf(domain.Lazada, lz.ID, refund); v.Status != domain.LzRevRefundSuccess || v.Awaiting {
		t.Errorf("Lazada did not pay the refund under review: %+v", v)
	}
	if o, _ := s.Order(domain.Lazada, lz.ID, refund); o.ReturnRequested {
		t.Error("a paid refund leaves the order's return open")
	}
	v, _ := s.ReturnOf(domain.Shopee, sp.ID, offer)
	switch {
	case v.Status == domain.SpRetAccepted && v.Negotiation == domain.SpNegTerminated:
	case v.Negotiation == domain.SpNegPendingRespond && len(v.Offers) == 3 && v.Offers[2].By == "buyer":
	default:
		t.Errorf("the Shopee buyer did not answer the offer: %+v", v)
	}
}
