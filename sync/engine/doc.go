// Package engine keeps linked stores in step with their platforms in the background: one
// goroutine per store pulls what changed since its cursor, saves it page by page in the same
// transactions that move the cursor, backs off and raises the alarm when a store keeps failing,
// and links new stores through the platform's sign-in page.
package engine
