package domain

import (
	"testing"
	"time"
)

func TestStoreSyncHealthAndWords(t *testing.T) {
	cases := []struct {
		s      StoreSync
		health Health
		says   string
	}{
		{StoreSync{}, HealthNew, "waiting for its first sync"},
		{StoreSync{Running: true}, HealthNew, "first sync running"},
		{StoreSync{LastSuccess: now.Add(-2 * time.Minute), NextRun: now.Add(30 * time.Second)}, HealthOK, "synced 2 min ago, next in 30 s"},
		{StoreSync{LastSuccess: now.Add(-time.Second), Running: true}, HealthOK, "syncing now"},
		{StoreSync{Failures: 1, LastError: "HTTP 503", NextRun: now.Add(time.Minute)}, HealthRetrying, "failed 1× (HTTP 503), retrying in 1 min"},
		{StoreSync{Failures: FailingAfter, LastError: "timeout", NextRun: now.Add(4 * time.Minute)}, HealthFailing, "failed 3× (timeout), retrying in 4 min"},
		{StoreSync{Failures: 9, NeedsRelink: true}, HealthRelink, "sign-in expired: link the store again"},
	}
	for _, c := range cases {
		if c.s.Health() != c.health {
			t.Errorf("%+v: health %d, want %d", c.s, c.s.Health(), c.health)
		}
		if got := c.s.Describe(now); got != c.says {
			t.Errorf("%+v: %q, want %q", c.s, got, c.says)
		}
	}
	if got := Relative(now.Add(-72*time.Hour), now); got != "3 days ago" {
		t.Errorf("Relative: %q", got)
	}
	if got := Relative(time.Time{}, now); got != "never" {
		t.Errorf("Relative zero: %q", got)
	}
}
