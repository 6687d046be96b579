// Package domain is Kedai's model of a seller's orders and the rules that govern them:
// platforms, stores, orders, items, packages, money, the status tabs and the actions each allows.
//
// It is pure Go: no SQL, no HTTP, no Fyne and no clock reads (callers pass the time in), so the
// rules can be tested exhaustively and shared by the sync engine, the documents and the window.
package domain
