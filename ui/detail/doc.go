// Package detail is the order detail view: the platform's own sections, the items grouped by
// package and tracking number with cancelled items badged in red, and moving between orders.
package detail
