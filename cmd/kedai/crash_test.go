package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/sim"
)

// buildHeadless compiles kedai without the window (Fyne's ci tag), which is all `kedai sync`
// needs, once per test binary.
func buildHeadless(t *testing.T) string {
	t.Helper()
	headlessOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kedai-headless")
		if err != nil {
			headlessErr = err
			return
		}
		headlessBin = filepath.Join(dir, "kedai")
		out, err := exec.Command("go", "build", "-tags", "ci", "-o", headlessBin, ".").CombinedOutput()
		if err != nil {
			headlessErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if headlessErr != nil {
		t.Fatalf("building kedai: %v", headlessErr)
	}
	return headlessBin
}

var (
	headlessOnce sync.Once
	headlessBin  string
	headlessErr  error
)

// simRoot is where the simulator mounts a platform's API root.
func simRoot(base string, p domain.Platform) string { return base + simPrefix(p) }

// linkAll links one store per platform to the simulator with `kedai store add`.
func linkAll(t *testing.T, bin, path string, s *sim.Sim, base string, env []string) {
	t.Helper()
	for _, p := range domain.Platforms {
		shop := s.Shops(p)[0]
		access, refresh, _ := s.Grant(p, shop.ID)
		app := s.App(p)
		args := []string{"store", "add", "--db", path, "--platform", string(p), "--name", shop.Name, "--region", "MY",
			"--base-url", simRoot(base, p), "--app-key", app.Key, "--app-secret", app.Secret, "--shop-id", shop.ID,
			"--access-token", access, "--refresh-token", refresh, "--days", "90"}
		if shop.Cipher != "" {
			args = append(args, "--shop-cipher", shop.Cipher)
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("store add %s: %v\n%s", p, err, out)
		}
	}
}

// units is an order's unit count per SKU: the same whether a platform sends one line per unit or
// quantities, so a doubled or lost line shows.
func units(o domain.Order) map[string]int {
	m := map[string]int{}
	for _, it := range o.Items {
		m[it.SKU+"|"+it.Name] += it.Qty
	}
	return m
}

func mapsEqualInt(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkComplete says whether the file holds exactly the simulator's orders, each once.
func checkComplete(t *testing.T, path string, s *sim.Sim) error {
	t.Helper()
	d, err := db.OpenExisting(path, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := context.Background()
	stores, _ := d.Stores(ctx)
	for _, st := range stores {
		var ids []int64
		for _, archived := range []bool{false, true} {
			more, err := d.OrderIDs(ctx, domain.OrderQuery{StoreIDs: []int64{st.ID}, Archived: archived})
			if err != nil {
				return err
			}
			ids = append(ids, more...)
		}
		stored, err := d.Orders(ctx, ids)
		if err != nil {
			return err
		}
		byNo := map[string]domain.Order{}
		for _, o := range stored {
			if _, dup := byNo[o.OrderNo]; dup {
				return fmt.Errorf("%s: order %s is stored twice", st.Name, o.OrderNo)
			}
			byNo[o.OrderNo] = o
		}
		truth := s.Orders(st.Platform, st.ShopID)
		if len(truth) != len(byNo) {
			return fmt.Errorf("%s: %d orders stored, the platform has %d", st.Name, len(byNo), len(truth))
		}
		for _, o := range truth {
			got, ok := byNo[o.OrderNo]
			if !ok {
				return fmt.Errorf("%s: order %s was skipped", st.Name, o.OrderNo)
			}
			if !mapsEqualInt(units(got), units(o)) {
				return fmt.Errorf("%s: order %s has items %v, the platform %v", st.Name, o.OrderNo, units(got), units(o))
			}
		}
	}
	return nil
}

// SIGKILL a `kedai sync` at random moments, restart it, and check that every order is there
// exactly once and none was skipped. Twenty times, each from an empty file.
func TestSyncSurvivesKillAtRandomPoints(t *testing.T) {
	bin := buildHeadless(t)
	s := sim.New(sim.Options{Seed: 11})
	for _, p := range domain.Platforms {
		shop := s.AddShop(p, "Crash "+p.Title(), "MY")
		s.AddHistory(p, shop.ID, 700) // spread over the last 90 days, in every stage
	}
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	keyDir := t.TempDir()
	env := append(os.Environ(), "KEDAI_KEY_DIR="+keyDir)
	var killedMidway int
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "kedai.db")
		linkAll(t, bin, path, s, base, env)
		for kill := 0; kill < 2; kill++ {
			cmd := exec.Command(bin, "sync", "--db", path, "--once")
			cmd.Env = env
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			delay := time.Duration(20+rng.IntN(1500)) * time.Millisecond
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-exited: // finished before the kill: nothing to interrupt this time
			case <-time.After(delay):
				cmd.Process.Signal(syscall.SIGKILL)
				<-exited
				killedMidway++
			}
		}
		// Restart until a run completes.
		var last []byte
		for attempt := 0; ; attempt++ {
			cmd := exec.Command(bin, "sync", "--db", path, "--once")
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err == nil {
				break
			}
			last = out
			if attempt == 3 {
				t.Fatalf("round %d: sync keeps failing after a kill: %v\n%s", round, err, last)
			}
		}
		if err := checkComplete(t, path, s); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	if killedMidway < 20 {
		t.Errorf("only %d of 40 kills landed during a sync; the test proves too little", killedMidway)
	}
	t.Logf("%d kills landed during a sync", killedMidway)
}
