package db

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/kedai-app/kedai/sync/vault"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ApplicationID marks a SQLite file as Kedai's ("KEDA"), so another program's database is never
// mistaken for ours and migrated.
const ApplicationID = 0x4B454441

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNotKedai, ErrCorrupt and ErrTooNew are the reasons Open refuses a file. The file is left
// exactly as it was.
var (
	ErrNotKedai = errors.New("not a Kedai data file")
	ErrCorrupt  = errors.New("the data file is damaged")
	ErrTooNew   = errors.New("the data file was written by a newer Kedai")
)

// DB is an open Kedai data file.
type DB struct {
	path string
	w    *sql.DB // the only writer: one connection, immediate transactions
	r    *sql.DB // readers
	cp   *checkpointer

	mu     sync.Mutex
	stores []storeInfo // cached; small and read on every list query

	watchMu     sync.Mutex
	watch       *sql.Conn // held for DataVersion
	lastVersion int64

	vaultOpt  vault.Options
	vaultOnce sync.Once
	vault     *vault.Vault
	vaultErr  error
}

// Options tune how a data file is opened.
type Options struct {
	// Vault says where the key that seals the file's secrets is kept (default: the OS keychain,
	// or a key file in the user's config folder).
	Vault vault.Options
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the schema this build writes.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// header is what the first 100 bytes of a SQLite file say about it.
type header struct {
	pageSize      int64
	pageCount     int64 // valid only when countValid
	countValid    bool
	userVersion   int
	applicationID uint32
}

func readHeader(path string) (h header, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return h, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return h, 0, err
	}
	size = st.Size()
	if size == 0 {
		return h, 0, nil
	}
	buf := make([]byte, 100)
	if _, err := io.ReadFull(f, buf); err != nil || string(buf[:16]) != "SQLite format 3\x00" {
		return h, size, fmt.Errorf("%s: %w (it is not a SQLite database)", path, ErrNotKedai)
	}
	h.pageSize = int64(binary.BigEndian.Uint16(buf[16:18]))
	if h.pageSize == 1 {
		h.pageSize = 65536
	}
	changeCounter := binary.BigEndian.Uint32(buf[24:28])
	h.pageCount = int64(binary.BigEndian.Uint32(buf[28:32]))
	h.countValid = changeCounter == binary.BigEndian.Uint32(buf[92:96]) && h.pageCount > 0
	h.userVersion = int(int32(binary.BigEndian.Uint32(buf[60:64])))
	h.applicationID = binary.BigEndian.Uint32(buf[68:72])
	if h.pageSize < 512 || h.pageSize&(h.pageSize-1) != 0 {
		return h, size, fmt.Errorf("%s: %w (the header is garbled)", path, ErrCorrupt)
	}
	return h, size, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Size() > 0
}

// precheck decides from the raw bytes, without letting SQLite touch the file, whether we may open
// it. It returns whether the file is new (absent or empty).
func precheck(path string, latest int) (fresh bool, err error) {
	h, size, err := readHeader(path)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if size == 0 {
		return true, nil
	}
	hasWAL := fileExists(path + "-wal")
	if h.applicationID != ApplicationID && !hasWAL {
		return false, fmt.Errorf("%s: %w (it is a SQLite database of another program)", path, ErrNotKedai)
	}
	if h.applicationID == ApplicationID && h.userVersion > latest {
		return false, fmt.Errorf("%s: %w (schema version %d; this Kedai knows up to %d): update Kedai to open it",
			path, ErrTooNew, h.userVersion, latest)
	}
	if h.countValid && !hasWAL && size < h.pageCount*h.pageSize {
		return false, fmt.Errorf("%s: %w (it is %d bytes, its header says %d): restore it from a backup",
			path, ErrCorrupt, size, h.pageCount*h.pageSize)
	}
	return false, nil
}

func dsn(path string, readOnly bool) string {
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Add("_pragma", "cache_size(-16000)")
	v.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		v.Add("_pragma", "query_only(1)")
	} else {
		v.Set("_txlock", "immediate")
		v.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpointPages))
	}
	return "file:" + filepath.ToSlash(path) + "?" + v.Encode()
}

// explain turns SQLite's low-level errors into the reasons a person can act on.
func explain(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s: %w (%v): restore it from a backup", path, ErrCorrupt, err)
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%s: %w (%v)", path, ErrNotKedai, err)
		case sqlite3.SQLITE_CANTOPEN:
			return fmt.Errorf("%s: cannot open the file (%v): check that the folder exists and is writable", path, err)
		case sqlite3.SQLITE_READONLY:
			return fmt.Errorf("%s: the file or its folder is read-only (%v)", path, err)
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%s: the disk is full (%v)", path, err)
		}
	}
	return err
}

// OpenExisting opens a data file that must already exist: commands that only read never create
// an empty file because of a typo in its name.
func OpenExisting(path string, opt Options) (*DB, error) {
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return nil, fmt.Errorf("%s: no such data file", path)
	}
	return OpenWith(path, opt)
}

// Open opens a Kedai data file, creating it if it does not exist and bringing its schema up to
// date. A file that is not ours, is damaged or is newer than this build is refused untouched.
func Open(path string) (*DB, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, opt Options) (*DB, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	latest := len(ms)
	fresh, err := precheck(path, latest)
	if err != nil {
		return nil, err
	}
	if fresh {
		if err := create(path, ms); err != nil {
			return nil, err
		}
	}
	if err := verify(path, latest); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, explain(path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if _, err := w.Exec("PRAGMA journal_mode=WAL"); err != nil {
		w.Close()
		return nil, explain(path, err)
	}
	d := &DB{path: path, w: w, vaultOpt: opt.Vault}
	if err := d.migrate(ms); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, explain(path, err)
	}
	r.SetMaxOpenConns(5) // one of them is held by DataVersion
	d.r = r
	if d.cp, err = startCheckpointer(path); err != nil {
		d.Close()
		return nil, explain(path, err)
	}
	if err := d.loadStores(context.Background()); err != nil {
		d.Close()
		return nil, explain(path, err)
	}
	return d, nil
}

// create writes a new file in rollback-journal mode, so the application id and the first schema
// are in the main file (not only a WAL) before anyone else can see it.
func create(path string, ms []migration) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: cannot create its folder: %w", path, err)
	}
	c, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return explain(path, err)
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	if _, err := c.Exec(fmt.Sprintf("PRAGMA application_id=%d", ApplicationID)); err != nil {
		return explain(path, err)
	}
	d := &DB{path: path, w: c}
	return d.migrate(ms)
}

// verify asks SQLite itself, read-only, what the file is: the header check cannot see a WAL, and
// reading the schema finds a damaged first page.
func verify(path string, latest int) error {
	c, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return explain(path, err)
	}
	defer c.Close()
	var appID uint32
	var version, tables int
	row := c.QueryRow(`SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_schema)`)
	if err := row.Scan(&appID, &version, &tables); err != nil {
		return explain(path, err)
	}
	if appID != ApplicationID {
		return fmt.Errorf("%s: %w (it is a SQLite database of another program)", path, ErrNotKedai)
	}
	if version > latest {
		return fmt.Errorf("%s: %w (schema version %d; this Kedai knows up to %d): update Kedai to open it",
			path, ErrTooNew, version, latest)
	}
	var name string
	if err := c.QueryRow(`SELECT value FROM meta WHERE key='app'`).Scan(&name); err != nil && version > 0 {
		return fmt.Errorf("%s: %w (%v)", path, ErrCorrupt, explain(path, err))
	}
	return nil
}

func (d *DB) migrate(ms []migration) error {
	var version int
	if err := d.w.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return explain(d.path, err)
	}
	if version > 0 && version < len(ms) {
		// Keep the file as it was before changing its schema: an upgrade that goes wrong must not
		// cost the seller their orders.
		backup := fmt.Sprintf("%s.v%d.bak", d.path, version)
		os.Remove(backup)
		if _, err := d.w.Exec("VACUUM INTO ?", backup); err != nil {
			return fmt.Errorf("%s: backing up before the upgrade: %w", d.path, explain(d.path, err))
		}
	}
	for _, m := range ms[version:] {
		tx, err := d.w.Begin()
		if err != nil {
			return explain(d.path, err)
		}
		if _, err := tx.Exec(m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: migration %s: %w", d.path, m.name, explain(d.path, err))
		}
		if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version=%d", m.version)); err != nil {
			tx.Rollback()
			return explain(d.path, err)
		}
		if err := tx.Commit(); err != nil {
			return explain(d.path, err)
		}
	}
	return nil
}

// Path is the file's location.
func (d *DB) Path() string { return d.path }

// Close checkpoints the WAL and closes the file.
func (d *DB) Close() error {
	var errs []error
	if d.cp != nil {
		d.cp.close()
	}
	d.watchMu.Lock()
	if d.watch != nil {
		d.watch.Close()
		d.watch = nil
	}
	d.watchMu.Unlock()
	if d.r != nil {
		errs = append(errs, d.r.Close())
	}
	if d.w != nil {
		d.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, d.w.Close())
	}
	return errors.Join(errs...)
}

// write runs fn in one immediate transaction on the writer.
func (d *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return explain(d.path, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return explain(d.path, err)
	}
	if err := tx.Commit(); err != nil {
		return explain(d.path, err)
	}
	if d.cp != nil {
		d.cp.wrote()
	}
	return nil
}
