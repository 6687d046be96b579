//go:build linux

package settings

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kedai-app/kedai/sync/db/dbtest"
	"github.com/kedai-app/kedai/ui/scan"
	"github.com/kedai-app/kedai/ui/widgets"
)

// The scanner's prefix, suffix, repeat window and sounds are chosen here, kept in the data file
// and put to work at once; a bad repeat window is refused and nothing changes.
func TestScannerSettings(t *testing.T) {
	test.NewTempApp(t)
	f := dbtest.New(t, 0)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	run := &widgets.Runner{Manual: true}
	s := New(win, run)
	var applied []scan.Settings
	s.UseStation(f.DB, nil, func(set scan.Settings) { applied = append(applied, set) })
	win.SetContent(s.Content())
	win.Resize(fyne.NewSize(1200, 800))
	s.Reload()
	run.Wait()

	st := s.Station()
	if st.Prefix.Text != "" || st.Suffix.Text != "" || st.Blank.Text != "1.5" || !st.Sound.Checked {
		t.Fatalf("a new file shows prefix %q, suffix %q, window %q, sound %v", st.Prefix.Text, st.Suffix.Text, st.Blank.Text, st.Sound.Checked)
	}
	if !strings.Contains(st.SoundState.Text, "no sounds") {
		t.Errorf("without a player the card says %q", st.SoundState.Text)
	}

	test.Type(st.Prefix, "]C1")
	test.Type(st.Suffix, "Tab")
	st.Blank.SetText("")
	test.Type(st.Blank, "2,5")
	test.Tap(st.Sound)
	test.Tap(st.Save)
	run.Wait()
	want := scan.Settings{Scanner: widgets.ScanSettings{Prefix: "]C1", Suffix: "\t", Blank: 2500 * time.Millisecond}, Sound: false}
	if len(applied) != 1 || applied[0] != want {
		t.Fatalf("applied %+v, want %+v", applied, want)
	}
	got, err := scan.LoadSettings(t.Context(), f.DB)
	if err != nil || got != want {
		t.Fatalf("kept %+v (%v), want %+v", got, err, want)
	}
	if !strings.Contains(s.Status.Text, "saved") {
		t.Errorf("status %q", s.Status.Text)
	}

	for _, bad := range []string{"abc", "-1", "11"} {
		st.Blank.SetText(bad)
		test.Tap(st.Save)
		run.Wait()
		if !strings.HasPrefix(s.Status.Text, "Not saved") || len(applied) != 1 {
			t.Errorf("window %q: status %q, applied %d times", bad, s.Status.Text, len(applied))
		}
	}
	if got, _ := scan.LoadSettings(t.Context(), f.DB); got != want {
		t.Errorf("after refusals the file keeps %+v", got)
	}

	// 0 takes every repeat; a reload shows what is kept.
	st.Blank.SetText("0")
	test.Tap(st.Save)
	run.Wait()
	s.Reload()
	run.Wait()
	if got, _ := scan.LoadSettings(t.Context(), f.DB); got.Scanner.Blank >= 0 || st.Blank.Text != "0" || st.Suffix.Text != "Tab" {
		t.Errorf("window 0 kept as %v, shown %q; suffix shown %q", got.Scanner.Blank, st.Blank.Text, st.Suffix.Text)
	}
}
