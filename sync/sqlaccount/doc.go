// Package sqlaccount is Kedai's client for the SQL Account (eStream) API: AWS SigV4 signing,
// paged reads of stock items and codes, and Sales Invoices created, found, read and updated
// (PUT with updatecount+1), decoded to and from the domain types.
//
// Every fact it relies on comes from ../shared/reference/sqlaccount.md. It shares no code with
// the simulator in sync/sim, so a misreading on either side fails a test.
package sqlaccount
