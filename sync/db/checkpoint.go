package db

import (
	"database/sql"
	"sync"
	"time"
)

// SQLite's automatic checkpoint runs inside the commit that takes the WAL past its threshold:
// that commit copies the WAL into the file and syncs it, and whoever made it waits. At the scan
// station that was one scan in fifty taking 20 ms longer. So the writer's own threshold is set
// high (a backstop for long bulk writes, where a checkpoint beside the writer never catches up)
// and a goroutine of the DB checkpoints on a connection of its own shortly after writes, beside
// the writer rather than in its way.
const (
	writerCheckpointPages = 16000 // about 64 MB of WAL
	checkpointAfter       = 200 * time.Millisecond
)

type checkpointer struct {
	c       *sql.DB
	kick    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func startCheckpointer(path string) (*checkpointer, error) {
	c, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	cp := &checkpointer{c: c, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	go cp.run()
	return cp, nil
}

// wrote tells the checkpointer the WAL has grown; it never blocks the writer.
func (cp *checkpointer) wrote() {
	select {
	case cp.kick <- struct{}{}:
	default:
	}
}

func (cp *checkpointer) run() {
	defer close(cp.stopped)
	for {
		select {
		case <-cp.stop:
			return
		case <-cp.kick:
		}
		select {
		case <-cp.stop:
			return
		case <-time.After(checkpointAfter):
		}
		// PASSIVE neither waits for nor blocks readers and the writer. A failure (the file
		// busy in another process's checkpoint) is left to the next write's turn.
		cp.c.Exec("PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// close stops the checkpointer; a second call does nothing.
func (cp *checkpointer) close() {
	cp.once.Do(func() {
		close(cp.stop)
		<-cp.stopped
		cp.c.Close()
	})
}
