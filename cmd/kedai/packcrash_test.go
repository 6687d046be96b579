package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/sim"
)

// packedOrders counts, from the simulator's own request log, how many pack requests named each
// Lazada order.
func packedOrders(t *testing.T, s *sim.Sim) map[string]int {
	t.Helper()
	sent := map[string]int{}
	for _, r := range s.Requests(domain.Lazada) {
		if !strings.HasSuffix(r.Path, "/order/fulfill/pack") || r.Status != 200 {
			continue
		}
		var req struct {
			PackOrderList []struct {
				OrderID json.Number `json:"order_id"`
			} `json:"pack_order_list"`
		}
		if err := json.Unmarshal([]byte(r.Params.Get("packReq")), &req); err != nil {
			t.Fatalf("unreadable packReq %q: %v", r.Params.Get("packReq"), err)
		}
		for _, o := range req.PackOrderList {
			sent[o.OrderID.String()]++
		}
	}
	return sent
}

// SIGKILL in the middle of a 500-order bulk pack, restart, finish: every order packed, once.
func TestBulkPackSurvivesKill(t *testing.T) {
	bin := buildHeadless(t)
	s := sim.New(sim.Options{Seed: 31})
	shop := s.AddShop(domain.Lazada, "Pack Crash Lazada", "MY")
	s.Generate(domain.Lazada, shop.ID, 900)
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	env := append(os.Environ(), "KEDAI_KEY_DIR="+t.TempDir())
	run := func(args ...string) string {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("kedai %s: %v\n%s", strings.Join(args[:2], " "), err, out)
		}
		return string(out)
	}
	for round := 0; round < 3; round++ {
		path := filepath.Join(t.TempDir(), "kedai.db")
		access, refresh, _ := s.Grant(domain.Lazada, shop.ID)
		app := s.App(domain.Lazada)
		run("store", "add", "--db", path, "--platform", "lazada", "--name", shop.Name, "--region", "MY",
			"--base-url", simRoot(base, domain.Lazada), "--app-key", app.Key, "--app-secret", app.Secret,
			"--shop-id", shop.ID, "--access-token", access, "--refresh-token", refresh, "--days", "1")
		if round == 0 {
			time.Sleep(6 * time.Second) // past the sync's lag: the generated orders are "now"
		}
		run("sync", "--db", path, "--once")
		var listed []struct {
			OrderNo string `json:"order_no"`
		}
		json.Unmarshal([]byte(run("orders", "--db", path, "--tab", "new", "--json")), &listed)
		if len(listed) < 500 {
			t.Fatalf("only %d orders on New Order", len(listed))
		}
		var nos []string
		for _, o := range listed[:500] {
			nos = append(nos, o.OrderNo)
		}
		for _, no := range nos {
			if o, _ := s.Order(domain.Lazada, shop.ID, no); domain.Done(&o, domain.ActPack, time.Now()) {
				t.Fatalf("round %d: order %s is packed before the test packs it", round, no)
			}
		}
		// Pack them, and kill the process while it is sending.
		s.ResetRequests(domain.Lazada)
		pack := exec.Command(bin, "action", "pack", "--db", path, "--orders", strings.Join(nos, ","))
		pack.Env = env
		if err := pack.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for len(packedOrders(t, s)) < 60 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		pack.Process.Signal(syscall.SIGKILL)
		pack.Wait()
		midway := 0
		for _, no := range nos {
			if o, _ := s.Order(domain.Lazada, shop.ID, no); domain.Done(&o, domain.ActPack, time.Now()) {
				midway++
			}
		}
		if midway == 0 || midway == len(nos) {
			t.Fatalf("round %d: the kill did not land mid-way (%d of %d packed)", round, midway, len(nos))
		}
		// Restart: the sync sends what is left, checking what the killed process already sent.
		run("sync", "--db", path, "--once")
		sent := packedOrders(t, s)
		for _, no := range nos {
			o, _ := s.Order(domain.Lazada, shop.ID, no)
			if !domain.Done(&o, domain.ActPack, time.Now()) {
				t.Fatalf("round %d: order %s was never packed", round, no)
			}
			if n := sent[o.PlatformID]; n != 1 {
				t.Fatalf("round %d: order %s was sent to be packed %d times", round, no, n)
			}
			pkgs := map[string]bool{}
			for _, it := range o.Items {
				if !it.Cancelled {
					pkgs[it.PackageID] = true
				}
			}
			if len(pkgs) != 1 {
				t.Fatalf("round %d: order %s has packages %v", round, no, pkgs)
			}
		}
		var after []struct {
			OrderNo string `json:"order_no"`
		}
		json.Unmarshal([]byte(run("orders", "--db", path, "--tab", "to-process", "--json")), &after)
		if len(after) < len(nos) {
			t.Errorf("round %d: %d orders on To Process after the restart, want %d", round, len(after), len(nos))
		}
		t.Logf("round %d: killed with %d of %d packed; after the restart all packed, each sent once", round, midway, len(nos))
		// The next round packs other orders.
		s.Generate(domain.Lazada, shop.ID, 550)
		time.Sleep(6 * time.Second)
	}
}
