package sim

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
)

// Live brings new orders on the wall clock (here at a test's pace) and stops when told.
func TestLive(t *testing.T) {
	s := New(Options{Seed: 3})
	sh := s.AddShop(domain.TikTok, "Live", "MY")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		s.live(ctx, pace{arrival: 20 * time.Millisecond, spread: 20 * time.Millisecond, tick: 30 * time.Millisecond, poll: 5 * time.Millisecond})
		close(stopped)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Orders(domain.TikTok, sh.ID)) < 3 {
		must(t, time.Now().Before(deadline), "no orders arrived")
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-stopped

	stop := s.Live(context.Background()) // the public form starts and stops
	stop()
}

// Listen serves on the address given; stop releases a request held by a Timeout fault.
func TestListen(t *testing.T) {
	s := New(Options{Seed: 1, Start: testStart, Manual: true})
	base, stop, err := s.Listen("127.0.0.1:0")
	must(t, err == nil && strings.HasPrefix(base, "http://127.0.0.1:"), "listen: %v %s", err, base)
	resp, err := http.Get(base + "/_sim/clock")
	must(t, err == nil && resp.StatusCode == 200, "clock: %v", err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	must(t, strings.Contains(string(body), testStart.Format(time.RFC3339)), "clock says %s", body)

	s.Inject(domain.Shopee, Fault{Kind: Timeout})
	done := make(chan error, 1)
	go func() {
		_, err := http.Get(base + "/shopee/api/v2/order/get_order_list")
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	must(t, stop() == nil, "stop")
	select {
	case err := <-done:
		must(t, err != nil, "a held request got an answer")
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not release the held request")
	}
	must(t, time.Since(start) < 5*time.Second, "stop took %v", time.Since(start))
	_, err = http.Get(base + "/_sim/clock")
	must(t, err != nil, "still serving after stop")
}
