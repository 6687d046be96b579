package domain

import (
	"fmt"
	"time"
)

// StoreSync is where one linked store's background sync stands, as the Stores screen and the
// status bar show it.
type StoreSync struct {
	StoreID      int64
	Cursor       time.Time // every order updated before this is in the file
	LastSuccess  time.Time
	LastAttempt  time.Time
	NextRun      time.Time
	OrdersPulled int // in the last successful run
	TotalPulled  int
	Failures     int // in a row
	LastError    string
	NeedsRelink  bool
	Running      bool // a run is under way now (not stored)
}

// FailingAfter is how many failed runs in a row turn a store red: one failure is often a blip,
// three is a problem a person should look at.
const FailingAfter = 3

// Health is a store's sync in one word.
type Health int

const (
	HealthNew      Health = iota // never synced yet
	HealthOK                     // the last run worked
	HealthRetrying               // failing, still retrying, not yet alarming
	HealthFailing                // failing repeatedly: red, and the seller is told
	HealthRelink                 // the sign-in expired: only the seller can fix it
)

// Health classifies the state.
func (s StoreSync) Health() Health {
	switch {
	case s.NeedsRelink:
		return HealthRelink
	case s.Failures >= FailingAfter:
		return HealthFailing
	case s.Failures > 0:
		return HealthRetrying
	case s.LastSuccess.IsZero():
		return HealthNew
	}
	return HealthOK
}

// Describe says the state in words, with times relative to now: "synced 2 min ago, next in 28 s".
func (s StoreSync) Describe(now time.Time) string {
	switch s.Health() {
	case HealthRelink:
		return "sign-in expired: link the store again"
	case HealthFailing, HealthRetrying:
		return fmt.Sprintf("failed %d× (%s), retrying %s", s.Failures, s.LastError, Relative(s.NextRun, now))
	case HealthNew:
		if s.Running {
			return "first sync running"
		}
		return "waiting for its first sync"
	}
	if s.Running {
		return "syncing now"
	}
	return fmt.Sprintf("synced %s, next %s", Relative(s.LastSuccess, now), Relative(s.NextRun, now))
}

// Relative says when t is from now, briefly: "in 30 s", "2 min ago", "just now".
func Relative(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := t.Sub(now)
	future := d > 0
	if !future {
		d = -d
	}
	var amount string
	switch {
	case d < 2*time.Second:
		if future {
			return "now"
		}
		return "just now"
	case d < time.Minute:
		amount = fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		amount = fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		amount = fmt.Sprintf("%d h", int(d.Hours()))
	default:
		amount = fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	if future {
		return "in " + amount
	}
	return amount + " ago"
}

// LinkRequest is what the seller enters to link a store (or link it again).
type LinkRequest struct {
	Platform    Platform
	Name        string
	Region      string
	BaseURL     string // "": the platform's production API for the region
	AuthURL     string // "": the platform's own sign-in host
	AppKey      string
	AppSecret   string
	ServiceID   string // TikTok
	InitialDays int    // how far back the first sync reaches (default 3)
	Redirect    string // "": Kedai's loopback address
	Relink      int64  // a store whose sign-in expired: renew it instead of adding a store
}
