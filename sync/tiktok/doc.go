// Package tiktok is Kedai's client for the TikTok Shop Partner API (versioned paths, 202309 and
// later): request signing, the shop's OAuth tokens, rate limits and retries, and the order and
// return searches, decoded into domain.Order as sync/MAPPING.md describes; and fulfilment
// (market.Fulfiller, fulfil.go): shipping packages with a pickup slot or drop-off, per
// sync/FULFILMENT.md.
//
// Everything here is written from ../shared/reference/platform-apis.md (TikTok, T1-T6); nothing
// is shared with the simulator in sync/sim, which is written from the same reference.
//
// A Client talks to one shop. BaseURL is the API root (https://open-api.tiktokglobalshop.com in
// production); the client appends the documented versioned paths and signs over those paths, so
// a simulator mounted under a prefix (http://127.0.0.1:PORT/tiktok) signs the same way.
package tiktok
