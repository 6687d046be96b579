package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestKeyFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	v, err := Open("file-1", Options{Dir: dir, NoKeychain: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.Backend() != KeyFile {
		t.Fatalf("backend %s", v.Backend())
	}
	sealed, err := v.Seal([]byte("shopee-refresh-token-123"), "store 1 secrets")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("shopee-refresh")) {
		t.Fatal("the sealed value contains the secret")
	}
	// A second Open finds the same key.
	v2, err := Open("file-1", Options{Dir: dir, NoKeychain: true, Backend: KeyFile})
	if err != nil {
		t.Fatal(err)
	}
	got, err := v2.Open(sealed, "store 1 secrets")
	if err != nil || string(got) != "shopee-refresh-token-123" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := v2.Open(sealed, "store 2 secrets"); err == nil {
		t.Error("a value sealed for one store opened as another's")
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "file-1.key"))
	st, _ := os.Stat(filepath.Join(dir, "file-1.key"))
	if st.Mode().Perm() != 0o600 || len(raw) < 60 {
		t.Errorf("key file mode %v, %d bytes", st.Mode().Perm(), len(raw))
	}
}

func TestAnotherFileHasAnotherKey(t *testing.T) {
	dir := t.TempDir()
	a, _ := Open("file-a", Options{Dir: dir, NoKeychain: true})
	b, _ := Open("file-b", Options{Dir: dir, NoKeychain: true})
	sealed, _ := a.Seal([]byte("secret"), "x")
	if _, err := b.Open(sealed, "x"); err == nil {
		t.Error("file b opened file a's secret")
	}
}

func TestMissingOrDamagedKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open("gone", Options{Dir: dir, NoKeychain: true, Backend: KeyFile}); !errors.Is(err, ErrNoKey) {
		t.Errorf("missing key file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "bad.key"), []byte("KEDAIKEY1"+string(make([]byte, 60))), 0o600)
	if _, err := Open("bad", Options{Dir: dir, NoKeychain: true}); !errors.Is(err, ErrNoKey) {
		t.Errorf("damaged key file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "notours.key"), []byte("hello"), 0o600)
	if _, err := Open("notours", Options{Dir: dir, NoKeychain: true}); err == nil {
		t.Error("a foreign key file was accepted")
	}
	if _, err := Open("", Options{Dir: dir}); err == nil {
		t.Error("no file id accepted")
	}
}
