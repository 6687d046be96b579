package sqlaccount

import (
	"context"
	"errors"
	"time"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/sync/db"
)

// Desk is SQL Account as the window's screens use it, with the file's settings of the moment:
// posting through the journal and its history (the file's own PostRuns, PostAttempts,
// LastPostFailures and PostSettings), the connection test and the pull of the lists.
type Desk struct{ *db.DB }

// Connect is the client for the file's SQL Account settings.
func Connect(ctx context.Context, d *db.DB) (*Client, error) {
	cfg, err := d.SQLAccConfig(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.URL == "" {
		return nil, errors.New("SQL Account is not set up: enter its URL and keys in Settings > SQL Account (or kedai sqlacc set)")
	}
	return New(Config(cfg), nil)
}

// Post posts the orders; progress says how many are done.
func (k Desk) Post(ctx context.Context, ids []int64, includeCancelled bool, progress func(done, total int)) (domain.PostRun, error) {
	at := time.Now()
	c, err := Connect(ctx, k.DB)
	if err != nil {
		return domain.PostRun{}, err
	}
	p := &Poster{DB: k.DB, Client: c, IncludeCancelled: includeCancelled}
	res, err := p.Post(ctx, ids, func(pr Progress) {
		if progress != nil {
			progress(pr.Done, pr.Total)
		}
	})
	return domain.PostRun{ID: res.RunID, At: at, Posted: res.Posted, Failed: res.Failed}, err
}

// TestConnection asks SQL Account for its version with the given settings.
func (k Desk) TestConnection(ctx context.Context, cfg domain.SQLAccConfig) (string, error) {
	c, err := New(Config(cfg), nil)
	if err != nil {
		return "", err
	}
	return c.Version(ctx)
}

// Pull brings SQL Account's stock items and codes into the file.
func (k Desk) Pull(ctx context.Context, step func(what string, n int)) error {
	c, err := Connect(ctx, k.DB)
	if err != nil {
		return err
	}
	_, err = Pull(ctx, k.DB, c, step, time.Now())
	return err
}
