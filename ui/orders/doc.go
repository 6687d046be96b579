// Package orders is the Orders screen: the ten status tabs with live counts, filters and search,
// the virtualised order table with selection, and the way into an order's detail.
package orders
