package domain

import (
	"strconv"
	"strings"
)

// orderCodePrefix starts the text of a picking list's QR code. The Code128 barcode beside it
// carries the bare order number (what a person could type); the QR code also names the store, so
// an order number that two stores share still finds the right order.
const orderCodePrefix = "KEDAI:ORDER:"

// OrderCode is the text of the QR code printed on an order's picking list:
// "KEDAI:ORDER:<store id>:<order no>".
func OrderCode(storeID int64, orderNo string) string {
	return orderCodePrefix + strconv.FormatInt(storeID, 10) + ":" + orderNo
}

// ParseOrderCode reads the text of a picking list's QR code back; ok is false for anything else
// (a bare order number, a tracking number, a package id).
func ParseOrderCode(code string) (storeID int64, orderNo string, ok bool) {
	rest, found := strings.CutPrefix(code, orderCodePrefix)
	if !found {
		return 0, "", false
	}
	id, no, found := strings.Cut(rest, ":")
	if !found || no == "" {
		return 0, "", false
	}
	storeID, err := strconv.ParseInt(id, 10, 64)
	if err != nil || storeID <= 0 {
		return 0, "", false
	}
	return storeID, no, true
}
