// Package sync holds everything that moves data: the SQLite database (db), the marketplace and
// SQL Account API clients, the background engine, and the simulators used to test them.
package sync
