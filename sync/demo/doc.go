// Package demo creates a demo workspace: six simulated Malaysian stores on Lazada, Shopee and
// TikTok Shop with orders in every stage, shaped as each platform reports them.
//
// The data is what a new user sees first and what the benchmarks run on, so it follows the
// platforms' own field values and a real shop's mix of stages, and is the same for the same seed.
package demo
