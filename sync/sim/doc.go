// Package sim runs local simulators of the Lazada, Shopee and TikTok Shop Open APIs and of the
// SQL Account API (SQLAcc: SigV4 verified by hand from the spec, 50 records a page, unique docno,
// updatecount enforced; sqlacc*.go, written from ../../shared/reference/sqlaccount.md), for the API
// clients' tests, the sync engine's tests and benchmarks, `kedai sim --listen ADDR` and the demo
// workspace.
//
// Everything here is written from ../../shared/reference/platform-apis.md and sync/MAPPING.md
// alone: the simulator shares no code with the API clients (sync/lazada, sync/shopee,
// sync/tiktok), so a bug in a client's signing or decoding cannot hide behind the same bug here.
//
// The simulator keeps each shop's orders in domain terms (Orders is the truth a correct sync
// reproduces, where the platform carries it) and renders them as each platform's JSON on every
// request. Orders are indexed by update and creation time, so a list page of a 100,000-order shop
// costs a binary search, not a scan. All state sits behind one lock. Every time decision (token
// and code expiry, signature timestamps, update times) uses the simulator's Clock, which runs with
// the wall clock or moves only when told (Options.Manual).
//
// # Mounts
//
//	/lazada/rest/...          Lazada API root; the auth host's token APIs map here too
//	/lazada/oauth/authorize   Lazada consent page
//	/shopee/api/v2/...        Shopee partner host, incl. /api/v2/shop/auth_partner
//	/tiktok/...               TikTok Shop API root, /tiktok/api/v2/token/* and /tiktok/open/authorize
//	/sqlacc/...               SQL Account API root (the Sim's own SQLAcc)
//	/_sim/...                 control API (see serveControl)
//
// # Readings of what the reference leaves open
//
// Where the reference is silent or allows two readings, the simulator takes the one below; where
// it says a client must accept both, the simulator accepts both as a server.
//
//   - Lazada signs are accepted computed with or without empty parameters (Java/C# skip them, the
//     Python SDK keeps them); they must be UPPERCASE hex. timestamp may be milliseconds or ISO 8601.
//     sign_method must be sha256.
//   - Lazada error codes the reference does not name are ours: InvalidTimestamp (stale
//     timestamp), "21" (more than 50 order_ids), InvalidParameter, InvalidApiPath. Errors come with
//     HTTP 200, except throttling (429) and server faults.
//   - Lazada GetOrders: after and before bounds are both inclusive; defaults sort_by=created_at,
//     sort_direction=DESC, limit=100. Amounts other than price are JSON numbers carrying the exact
//     decimal text ("4.90"); price is a string; ids are numbers.
//   - Lazada refresh: the old access and refresh tokens keep working until they expire (the
//     reference does not say they are revoked). The reverse-order list counts page_no from 1 (0 is
//     taken as 1), lists RETURN entries for returns and CANCEL entries for buyers' cancellation
//     requests, oldest modification first, and reads list filters as JSON arrays or comma lists.
//   - Shopee: error_auth and error_sign come with HTTP 403, error_param with 400, business errors
//     (order.*, logistics.*) with 200. get_order_list is newest first by the chosen time field,
//     both bounds inclusive. The code lives 10 minutes; an expired refresh token gives
//     refresh_token_expired, a used or unknown one error_auth "Invalid refresh_token.". After a
//     refresh every earlier access token of the shop has at most five minutes left. A PENDING
//     order shows as UNPAID unless request_order_status_pending=true; INVOICE_PENDING shows as
//     READY_TO_SHIP. get_return_list is newest update first.
//   - TikTok: 36009001 is ours for a bad parameter value (page_size, ids, page_token, grant_type);
//     the reference names none. A bad auth_code or app secret gives 36009004; an expired access or
//     refresh token 105002. A missing time bound is open (an absent update_time_lt includes the
//     current second). sort_field defaults to create_time, sort_order to DESC. returns/search
//     takes page_size 1..50 (the reference says 10..50; a smaller page is harmless), default 10.
//     The refresh token lives 365 days (the reference gives no figure). Errors come with HTTP 200
//     except bad paths (404), methods (405), throttling (429) and server faults.
//   - OAuth: Lazada's redirect_uri and Shopee's redirect parameter are honoured when given (else
//     Options.Redirect); TikTok always redirects to Options.Redirect.
//   - Faults: 503 answers with a plain-text gateway body (no JSON), as a load balancer would.
//
// # Domain to wire (folds)
//
// Each platform file documents what it folds: Lazada voucher_seller = SellerVoucher +
// SellerDiscount; TikTok payment.seller_discount = SellerVoucher + SellerDiscount; Shopee
// total_amount = Total without a voucher breakdown and full_address = the lines joined by ", ".
// PutOrders normalizes what the wire cannot say differently (see normalize): Lazada and TikTok
// items of quantity n become n units with stable ids; Shopee and TikTok PlatformID = OrderNo;
// Lazada's order Status is its item statuses joined; a TikTok UNPAID/ON_HOLD order's address is
// held back until the hold ends.
package sim
