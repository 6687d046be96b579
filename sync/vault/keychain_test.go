//go:build keychain

package vault

import (
	"os"
	"testing"

	"github.com/zalando/go-keyring"
)

// With a real Secret Service on the session bus (`make test-keychain` starts gnome-keyring in
// its own dbus-run-session), the key goes to the keychain and is found there again.
func TestKeychain(t *testing.T) {
	dir := t.TempDir()
	id := "test-" + t.Name()
	defer keyring.Delete(keyringService, id)
	v, err := Open(id, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if v.Backend() != Keychain {
		t.Fatalf("backend %s, want the keychain", v.Backend())
	}
	sealed, _ := v.Seal([]byte("app-secret"), "l")
	v2, err := Open(id, Options{Dir: dir, Backend: Keychain})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v2.Open(sealed, "l"); err != nil || string(got) != "app-secret" {
		t.Fatalf("reopen: %q %v", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a key file was written although the keychain took the key: %v", entries)
	}
	keyring.Delete(keyringService, id)
	if _, err := Open(id, Options{Dir: dir, Backend: Keychain}); err == nil {
		t.Error("a missing keychain entry was replaced by a new key")
	}
}
