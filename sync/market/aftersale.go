package market

import (
	"context"

	"github.com/kedai-app/kedai/domain"
)

// AfterSaler answers cancellations and returns at the platform (reference L5, S5, T5;
// sync/AFTERSALE.md says which call each step is). Every method works on one order of the
// client's own shop.
type AfterSaler interface {
	// CancelOptions is what the platform says about the seller cancelling these items (Lazada
	// OrderCancelValidate: its tip and reasons; item ids are Item.PlatformItemID, empty: every live
	// item). Shopee and TikTok answer from the reference's reason lists without a call.
	CancelOptions(ctx context.Context, o domain.Order, itemIDs []string) (domain.CancelOptions, error)
	// Reasons lists the reasons the platform takes for a step on a request: Lazada's reject
	// reasons (/order/reverse/reason/list for the request's first line; a buyer cancel's reject
	// reasons come from the same call), Shopee's dispute reasons (get_return_dispute_reason),
	// TikTok's reject reasons (reject_reasons?return_or_cancel_id=). Steps without reasons: nil.
	Reasons(ctx context.Context, o domain.Order, r domain.AfterSale, step domain.Step) ([]domain.Reason, error)
	// Requests reads the order's cancellation, return and refund requests as the platform has
	// them now, with their full detail (Shopee: get_return_detail of each known return_sn). known
	// are the requests Kedai already has for the order (Shopee cannot list returns by order).
	Requests(ctx context.Context, o domain.Order, known []domain.AfterSale) ([]domain.AfterSale, error)
	// Answer carries out one step (uploading its images first) and returns the platform's own
	// words about it when it gives any (Lazada's tip_content), for the seller to read.
	Answer(ctx context.Context, o domain.Order, a domain.Answer) (tip string, err error)
}
