// Package detail is the order detail view: the platform's own sections, the items grouped by
// package and tracking number with cancelled items badged in red, moving between orders, and the
// order's cancellation and return requests with the seller's answers to them (Cancel Order too).
package detail
