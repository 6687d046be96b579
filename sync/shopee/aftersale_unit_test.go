package shopee

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/kedai-app/kedai/domain"
)

// get_return_dispute_reason's list is read under each name it has gone by.
func TestDisputeReasonSpellings(t *testing.T) {
	want := []domain.Reason{{ID: "7", Text: "Item not returned"}, {ID: "8", Text: "Wrong item returned"}}
	for _, raw := range []string{
		`{"dispute_reason_list":[{"reason_id":7,"reason_text":"Item not returned"},{"reason_id":"8","reason_text":"Wrong item returned"}]}`,
		`{"dispute_reason":[{"reason_id":7,"reason_text":"Item not returned"},{"reason_id":8,"reason":"Wrong item returned"}]}`,
		`{"reason":[{"reason_id":"7","text":"Item not returned"},{"reason_id":8,"reason_text":"Wrong item returned"}]}`,
	} {
		var ans map[string]json.RawMessage
		if err := json.Unmarshal([]byte(raw), &ans); err != nil {
			t.Fatal(err)
		}
		if got := disputeReasons(ans); !slices.Equal(got, want) {
			t.Errorf("%s: %+v", raw, got)
		}
	}
}

// Without offer_history, the offers are the buyer's request and the negotiation's latest offer;
// return_solution may come as a number or a string.
func TestReturnOffersFromNegotiation(t *testing.T) {
	raw := `{"return_sn":"200101","order_sn":"A1","status":"PROCESSING","reason":"CHANGE_MIND","text_reason":"too big",
		"refund_amount":40.5,"currency":"MYR","create_time":1790000000,"update_time":1790003600,"due_date":1790200000,
		"return_solution":"1","negotiation_status":"PENDING_BUYER_RESPOND",
		"item":[{"item_id":11,"model_id":0,"name":"Tee","amount":2,"item_price":20.25,"item_sku":"TEE-L","variation_sku":""}],
		"negotiation":{"negotiation_status":"PENDING_BUYER_RESPOND","latest_solution":"REFUND","latest_offer_amount":"30","counter_limit":1}}`
	var j returnJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		t.Fatal(err)
	}
	o := domain.Order{Currency: "MYR", Items: []domain.Item{{PlatformItemID: "9001", ProductID: "11", SKUID: "0", SKU: "TEE-L"}}}
	r, err := j.toAfterSale(&o, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != domain.ReqRefund || r.ID != "200101" || r.Refund.Minor != 4050 || r.CounterLimit != 1 || r.Reason != "Changed their mind" ||
		r.Comment != "too big" || r.Deadline.Unix() != 1790200000 || r.Dispute {
		t.Errorf("request %+v", r)
	}
	if len(r.Lines) != 1 || r.Lines[0].OrderItemID != "9001" || r.Lines[0].ID != "11:0" || r.Lines[0].Refund.Minor != 4050 || r.Lines[0].SKU != "TEE-L" {
		t.Errorf("lines %+v", r.Lines)
	}
	if len(r.Offers) != 2 || r.Offers[0].By != "buyer" || r.Offers[0].Amount.Minor != 4050 ||
		r.Offers[1].By != "seller" || r.Offers[1].Amount.Minor != 3000 || r.Offers[1].Solution != domain.SpSolutionRefund {
		t.Errorf("offers %+v", r.Offers)
	}
	// The list (no negotiation object) gives no offers and an unknown counter limit.
	j.Negotiation = nil
	if r, _ := j.toAfterSale(nil, "MYR"); r.Offers != nil || r.CounterLimit != -1 || r.Lines[0].OrderItemID != "11" {
		t.Errorf("from the list: %+v", r)
	}
}
