package widgets

import (
	"testing"
	"time"
)

// Soon applies quick work before it returns, and slow work later, as Go does.
func TestRunnerSoon(t *testing.T) {
	r := &Runner{Manual: true}
	applied := ""
	r.Soon(time.Second, func() func() { return func() { applied = "quick" } })
	if applied != "quick" {
		t.Fatalf("quick work not applied on return: %q", applied)
	}
	release := make(chan struct{})
	r.Soon(time.Millisecond, func() func() { <-release; return func() { applied = "slow" } })
	if applied != "quick" {
		t.Fatalf("slow work applied before it was done: %q", applied)
	}
	close(release)
	r.Wait()
	if applied != "slow" {
		t.Fatalf("slow work not applied after Wait: %q", applied)
	}
}
