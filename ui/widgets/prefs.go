package widgets

import "context"

// Prefs keeps remembered settings (the data file's settings): column widths, the last tab, the
// scanner's prefix and suffix.
type Prefs interface {
	Setting(ctx context.Context, key, def string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}
