// Package db keeps Kedai's data in one SQLite file: schema and versioned migrations, the order
// store with keyset paging and search, stores and settings. One writer connection, a pool of
// readers, WAL, and checks that refuse a file that is not ours, is damaged or is newer than us.
package db
