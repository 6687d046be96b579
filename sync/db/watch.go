package db

import "context"

// DataVersion changes whenever a commit reaches the file, from this process or any other (the sync
// engine, a second window, the command line), so the window knows when to reload.
func (d *DB) DataVersion(ctx context.Context) (int64, error) {
	d.watchMu.Lock()
	defer d.watchMu.Unlock()
	if d.watch == nil {
		// PRAGMA data_version is per connection: it must be asked on the same one each time.
		c, err := d.r.Conn(ctx)
		if err != nil {
			return 0, explain(d.path, err)
		}
		d.watch = c
	}
	var v int64
	if err := d.watch.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		d.watch.Close()
		d.watch = nil
		return 0, explain(d.path, err)
	}
	if v != d.lastVersion {
		d.lastVersion = v
		// Another process may have linked a store: rows must not show a blank store name.
		if err := d.loadStores(ctx); err != nil {
			return v, explain(d.path, err)
		}
	}
	return v, nil
}
