// Package stores is the Stores screen: every linked store with how its sync stands, "sync now",
// and linking a store (or linking it again) through the platform's sign-in page.
package stores
