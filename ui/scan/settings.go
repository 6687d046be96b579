package scan

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kedai-app/kedai/ui/widgets"
)

// Setting keys of the station.
const (
	keyPrefix = "scan.prefix"
	keySuffix = "scan.suffix"
	keyBlank  = "scan.blank_ms"
	keySound  = "scan.sound"
)

// MaxBlank is the longest blanking window the settings take: longer would swallow a real second
// scan of the same parcel.
const MaxBlank = 10 * time.Second

// Settings are the station's remembered choices.
type Settings struct {
	Scanner widgets.ScanSettings
	Sound   bool // play the sounds
}

// DefaultSettings: no prefix or suffix, the default blanking window, sounds on.
var DefaultSettings = Settings{Scanner: widgets.ScanSettings{Blank: widgets.DefaultScanBlank}, Sound: true}

// LoadSettings reads the station's settings; what was never set has its default.
func LoadSettings(ctx context.Context, p widgets.Prefs) (Settings, error) {
	set := DefaultSettings
	var err error
	get := func(key, def string) string {
		if err != nil {
			return def
		}
		var v string
		v, err = p.Setting(ctx, key, def)
		return v
	}
	set.Scanner.Prefix = get(keyPrefix, "")
	set.Scanner.Suffix = get(keySuffix, "")
	if ms, convErr := strconv.Atoi(get(keyBlank, "")); convErr == nil {
		set.Scanner.Blank = time.Duration(ms) * time.Millisecond
		if ms == 0 {
			set.Scanner.Blank = -1 // every repeat is taken
		}
	}
	set.Sound = get(keySound, "on") != "off"
	return set, err
}

// SaveSettings remembers the station's settings.
func SaveSettings(ctx context.Context, p widgets.Prefs, set Settings) error {
	blank := set.Scanner.Blank.Milliseconds()
	if set.Scanner.Blank < 0 {
		blank = 0
	}
	sound := "on"
	if !set.Sound {
		sound = "off"
	}
	for _, kv := range [][2]string{{keyPrefix, set.Scanner.Prefix}, {keySuffix, set.Scanner.Suffix},
		{keyBlank, strconv.FormatInt(blank, 10)}, {keySound, sound}} {
		if err := p.SetSetting(ctx, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// ParseBlank reads a blanking window as a person types it, in seconds ("1.5", "0" for none).
func ParseBlank(text string) (time.Duration, error) {
	text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "s"))
	secs, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", "."), 64)
	if err != nil || secs < 0 {
		return 0, fmt.Errorf("the repeat window %q is not a number of seconds, such as 1.5", text)
	}
	d := time.Duration(secs * float64(time.Second)).Round(time.Millisecond)
	if d > MaxBlank {
		return 0, fmt.Errorf("the repeat window of %s s is too long: at most %.0f s, or a second scan of the same parcel is lost", text, MaxBlank.Seconds())
	}
	if d == 0 {
		return -1, nil
	}
	return d, nil
}

// BlankWords is a blanking window as ParseBlank reads it.
func BlankWords(d time.Duration) string {
	if d < 0 {
		return "0"
	}
	if d == 0 {
		d = widgets.DefaultScanBlank
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// AffixWords shows a prefix or suffix in a text field: a Tab as the word "Tab".
func AffixWords(s string) string { return strings.ReplaceAll(s, "\t", "Tab") }

// ParseAffix reads a prefix or suffix from a text field: the word "Tab" is a Tab.
func ParseAffix(s string) string { return strings.ReplaceAll(s, "Tab", "\t") }
