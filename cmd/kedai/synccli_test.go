package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
	"github.com/kedai-app/kedai/sync/sim"
)

// withKeyDir keeps the secrets' key file of in-process commands in the test's folder.
func withKeyDir(t *testing.T) {
	t.Setenv("KEDAI_KEY_DIR", t.TempDir())
}

func TestStoreAddAndSyncOnce(t *testing.T) {
	withKeyDir(t)
	s := sim.New(sim.Options{Seed: 21})
	base, stop, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	path := filepath.Join(t.TempDir(), "kedai.db")
	var secrets []string
	for _, p := range domain.Platforms {
		shop := s.AddShop(p, "CLI "+p.Title(), "MY")
		s.AddHistory(p, shop.ID, 60)
		access, refresh, _ := s.Grant(p, shop.ID)
		app := s.App(p)
		secrets = append(secrets, app.Secret, access, refresh)
		args := []string{"store", "add", "--db", path, "--platform", string(p), "--name", "CLI " + p.Title(), "--region", "MY",
			"--base-url", simRoot(base, p), "--app-key", app.Key, "--app-secret", app.Secret, "--shop-id", shop.ID,
			"--access-token", access, "--refresh-token", refresh, "--days", "90"}
		if shop.Cipher != "" {
			args = append(args, "--shop-cipher", shop.Cipher)
		}
		code, out, stderr := kedai(args...)
		if code != 0 || !strings.Contains(out, "linked CLI "+p.Title()) {
			t.Fatalf("store add %s: %d %s %s", p, code, out, stderr)
		}
	}
	code, out, stderr := kedai("sync", "--db", path, "--once")
	if code != 0 {
		t.Fatalf("sync --once: %d\n%s\n%s", code, out, stderr)
	}
	for _, secret := range secrets {
		if strings.Contains(out+stderr, secret) {
			t.Fatalf("the sync's output shows a secret")
		}
	}
	if !strings.Contains(out, "synced") {
		t.Errorf("the sync says nothing of what it did:\n%s", out)
	}
	code, out, _ = kedai("orders", "--db", path, "--json")
	var orders []struct {
		Store string `json:"store"`
	}
	json.Unmarshal([]byte(out), &orders)
	perStore := map[string]int{}
	for _, o := range orders {
		perStore[o.Store]++
	}
	for _, p := range domain.Platforms {
		if got, want := perStore["CLI "+p.Title()], len(s.Orders(p, s.Shops(p)[0].ID)); got != want || want == 0 {
			t.Errorf("%s: %d orders listed, the platform has %d", p, got, want)
		}
	}
	// No secret rests in the file in plain text.
	raw, _ := os.ReadFile(path)
	wal, _ := os.ReadFile(path + "-wal")
	for _, secret := range secrets {
		if strings.Contains(string(raw)+string(wal), secret) {
			t.Fatal("the data file holds a secret in plain text")
		}
	}
}

func TestStoreAddRefusals(t *testing.T) {
	withKeyDir(t)
	path := filepath.Join(t.TempDir(), "kedai.db")
	ok := []string{"store", "add", "--db", path, "--platform", "shopee", "--name", "Butik", "--region", "MY",
		"--base-url", "https://partner.shopeemobile.com", "--app-key", "2001887", "--app-secret", "s", "--shop-id", "318204556",
		"--access-token", "a", "--refresh-token", "r"}
	without := func(flag string) []string {
		var out []string
		for i := 0; i < len(ok); i++ {
			if ok[i] == flag {
				i++
				continue
			}
			out = append(out, ok[i])
		}
		return out
	}
	with := func(flag, value string) []string {
		out := append([]string{}, ok...)
		for i := range out {
			if out[i] == flag {
				out[i+1] = value
			}
		}
		return out
	}
	refused(t, "unknown platform", with("--platform", "ebay")...)
	refused(t, "missing --access-token", without("--access-token")...)
	refused(t, "missing --shop-id", without("--shop-id")...)
	refused(t, "--base-url", with("--base-url", "partner.shopeemobile.com")...)
	refused(t, "1 to 90 days", append(ok, "--days", "91")...)
	refused(t, "missing --shop-cipher", with("--platform", "tiktok")...)
	refused(t, "usage: kedai store add", "store")
	code, _, stderr := kedai(ok...)
	if code != 0 {
		t.Fatalf("a good store add failed: %s", stderr)
	}
	refused(t, "already exists", ok...)
	d, err := db.OpenExisting(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if stores, _ := d.Stores(context.Background()); len(stores) != 1 {
		t.Errorf("refusals left stores: %v", stores)
	}
}

func TestSyncRefusals(t *testing.T) {
	withKeyDir(t)
	refused(t, "--db FILE is required", "sync")
	refused(t, "no such data file", "sync", "--db", filepath.Join(t.TempDir(), "none.db"), "--once")
	f := filepath.Join(t.TempDir(), "empty.db")
	d, _ := db.Open(f)
	d.Close()
	refused(t, "no store is linked", "sync", "--db", f, "--once")
}

// `kedai sim` serves the simulators and prints how to link its shops; the printed commands work.
func TestSimCommandPrintsWorkingStoreAdds(t *testing.T) {
	bin := buildHeadless(t)
	refused(t, "127.0.0.1", "sim", "--listen", "0.0.0.0:9000")
	cmd := exec.Command(bin, "sim", "--listen", "127.0.0.1:0", "--orders", "40", "--still")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	var base string
	var adds []string
	deadline := time.After(20 * time.Second)
	done := make(chan struct{})
	go func() {
		for lines.Scan() {
			l := lines.Text()
			if strings.HasPrefix(l, "simulating") {
				base = strings.Fields(l)[7]
			}
			if strings.Contains(l, "kedai store add") {
				adds = append(adds, strings.TrimSpace(l))
			}
			if len(adds) == 6 {
				close(done)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-deadline:
		t.Fatalf("kedai sim printed %d store commands", len(adds))
	}
	resp, err := http.Get(base + "/_sim/credentials")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("credentials at %s: %v", base, err)
	}
	resp.Body.Close()
	keys := t.TempDir()
	path := filepath.Join(t.TempDir(), "kedai.db")
	for _, line := range adds {
		args := shellWords(strings.Replace(line, "FILE", path, 1))[1:] // drop "kedai"
		c := exec.Command(bin, args...)
		c.Env = append(os.Environ(), "KEDAI_KEY_DIR="+keys)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
	}
	time.Sleep(6 * time.Second) // past the sync's lag
	c := exec.Command(bin, "sync", "--db", path, "--once")
	c.Env = append(os.Environ(), "KEDAI_KEY_DIR="+keys)
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("sync of the printed stores: %v\n%s", err, out)
	}
}

// shellWords splits a printed command line, honouring double quotes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, has := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, has = !quoted, true
		case r == ' ' && !quoted:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}
