// Package lazada is Kedai's client for the Lazada Open Platform (LazOP) API: request signing,
// OAuth tokens (kept by a market.Keeper, renewed ahead of expiry and on rejection), retries with
// backoff, a per-client rate limit, and incremental order sync that turns Lazada's JSON into
// domain.Order (see sync/MAPPING.md, "Lazada").
//
// Every fact it relies on comes from ../shared/reference/platform-apis.md, part LAZADA (L1-L6). It
// shares no code with the simulator in sync/sim, so a misreading on either side fails a test.
package lazada
