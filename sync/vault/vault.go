// Package vault seals Kedai's secrets (app secrets, access and refresh tokens, SQL Account keys) so
// they are never stored or logged in plain text. Sealed secrets live in the data file, so a token
// is replaced in the same transaction that records it; the key that seals them lives in the OS
// keychain (github.com/zalando/go-keyring) or, on a machine without one, in a key file encrypted
// with a key derived from the machine and the user.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/zalando/go-keyring"
)

// keyringService is the name Kedai's keys are filed under in the keychain.
const keyringService = "Kedai"

// Backend says where a vault's key is kept.
type Backend string

const (
	Keychain Backend = "keychain"
	KeyFile  Backend = "file"
)

// Options says where to look for the key.
type Options struct {
	// Dir holds key files when there is no keychain. Default: <user config dir>/Kedai/keys.
	Dir string
	// Backend, when set, is where the key must be (the data file remembers where its key went,
	// so a keychain that is unavailable today is an error, not a reason to make a new key).
	Backend Backend
	// NoKeychain skips the keychain, for tests and machines where it cannot be reached.
	NoKeychain bool
}

// Vault seals and opens secrets for one data file.
type Vault struct {
	aead    cipher.AEAD
	backend Backend
}

// ErrNoKey is returned when the data file's key cannot be found where the file says it is.
var ErrNoKey = errors.New("the key that protects this data file's passwords and tokens is missing")

// Open finds the key of the data file with the given id, creating it on first use.
func Open(fileID string, opt Options) (*Vault, error) {
	if fileID == "" {
		return nil, errors.New("vault: no data file id")
	}
	if opt.Dir == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("vault: no folder for the key file: %w", err)
		}
		opt.Dir = filepath.Join(dir, "Kedai", "keys")
	}
	key, backend, err := findKey(fileID, opt)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Vault{aead: aead, backend: backend}, nil
}

// Backend is where the key was found or put.
func (v *Vault) Backend() Backend { return v.backend }

func findKey(fileID string, opt Options) ([]byte, Backend, error) {
	useKeychain := !opt.NoKeychain && opt.Backend != KeyFile
	if useKeychain {
		s, err := keyring.Get(keyringService, fileID)
		if err == nil {
			key, derr := base64.StdEncoding.DecodeString(s)
			if derr != nil || len(key) != 32 {
				return nil, "", fmt.Errorf("vault: the keychain entry %s/%s is not a Kedai key", keyringService, fileID)
			}
			return key, Keychain, nil
		}
		if opt.Backend == Keychain {
			return nil, "", fmt.Errorf("%w: the system keychain has no entry %s/%s (%v)", ErrNoKey, keyringService, fileID, err)
		}
	}
	if key, err := readKeyFile(fileID, opt.Dir); err == nil {
		return key, KeyFile, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, "", err
	} else if opt.Backend == KeyFile {
		return nil, "", fmt.Errorf("%w: %s does not exist", ErrNoKey, keyFilePath(fileID, opt.Dir))
	}
	// First use: a new key, in the keychain if there is one.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, "", err
	}
	if useKeychain && keyring.Set(keyringService, fileID, base64.StdEncoding.EncodeToString(key)) == nil {
		return key, Keychain, nil
	}
	if err := writeKeyFile(fileID, opt.Dir, key); err != nil {
		return nil, "", err
	}
	return key, KeyFile, nil
}

func keyFilePath(fileID, dir string) string { return filepath.Join(dir, fileID+".key") }

// machineSecret is what the key file's own key is derived from: it keeps the key file useless on
// another machine or to another user, where a keychain would do better but is not there.
func machineSecret() []byte {
	var parts []string
	for _, p := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if b, err := os.ReadFile(p); err == nil {
			parts = append(parts, strings.TrimSpace(string(b)))
			break
		}
	}
	if h, err := os.Hostname(); err == nil {
		parts = append(parts, h)
	}
	if u, err := user.Current(); err == nil {
		parts = append(parts, u.Uid, u.HomeDir)
	}
	parts = append(parts, runtime.GOOS)
	return []byte(strings.Join(parts, "\x00"))
}

func wrapAEAD(fileID string, salt []byte) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, machineSecret(), salt, "kedai key file "+fileID, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// A key file is: "KEDAIKEY1" salt(16) nonce(12) sealed-key.
const keyFileMagic = "KEDAIKEY1"

func writeKeyFile(fileID, dir string, key []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("vault: cannot create %s: %w", dir, err)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	aead, err := wrapAEAD(fileID, salt)
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	out := append([]byte(keyFileMagic), salt...)
	out = append(out, nonce...)
	out = aead.Seal(out, nonce, key, []byte(fileID))
	path := keyFilePath(fileID, dir)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return fmt.Errorf("vault: writing %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

func readKeyFile(fileID, dir string) ([]byte, error) {
	path := keyFilePath(fileID, dir)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < len(keyFileMagic)+16+12 || string(b[:len(keyFileMagic)]) != keyFileMagic {
		return nil, fmt.Errorf("vault: %s is not a Kedai key file", path)
	}
	b = b[len(keyFileMagic):]
	aead, err := wrapAEAD(fileID, b[:16])
	if err != nil {
		return nil, err
	}
	nonce, sealed := b[16:16+aead.NonceSize()], b[16+aead.NonceSize():]
	key, err := aead.Open(nil, nonce, sealed, []byte(fileID))
	if err != nil {
		return nil, fmt.Errorf("%w: %s cannot be opened on this machine by this user", ErrNoKey, path)
	}
	return key, nil
}

// Seal encrypts a secret. The label says what it is for (e.g. "store 3 secrets"); Open with
// another label fails, so a sealed value cannot be moved to another use.
func (v *Vault) Seal(plaintext []byte, label string) ([]byte, error) {
	nonce := make([]byte, v.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return v.aead.Seal(nonce, nonce, plaintext, []byte(label)), nil
}

// Open decrypts a sealed secret.
func (v *Vault) Open(sealed []byte, label string) ([]byte, error) {
	n := v.aead.NonceSize()
	if len(sealed) < n {
		return nil, fmt.Errorf("vault: %s: sealed value too short", label)
	}
	out, err := v.aead.Open(nil, sealed[:n], sealed[n:], []byte(label))
	if err != nil {
		return nil, fmt.Errorf("vault: %s cannot be opened with this data file's key", label)
	}
	return out, nil
}
