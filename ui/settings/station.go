package settings

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/ui/scan"
	"github.com/kedai-app/kedai/ui/widgets"
)

// Sounds are the station's sounds, to try out here.
type Sounds interface {
	Play(name string)
	Err() error
	Names() []string
}

// StationCard is the Scan station card: the scanner's prefix, suffix and repeat window, and sounds.
type StationCard struct {
	s      *Screen
	prefs  widgets.Prefs
	sounds Sounds
	// apply puts saved settings to work (the station and the player).
	apply func(scan.Settings)

	Prefix, Suffix, Blank *widget.Entry
	Sound                 *widget.Check
	SoundState            *widget.Label
	Save, Test            *widgets.Button
	card                  *widget.Card
}

func (s *Screen) buildStation() *StationCard {
	st := &StationCard{s: s}
	st.Prefix, st.Suffix, st.Blank = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	st.Prefix.PlaceHolder, st.Suffix.PlaceHolder = "none", "none"
	st.Blank.PlaceHolder = scan.BlankWords(0)
	st.Sound = widget.NewCheck("Play a sound for each scan", nil)
	st.SoundState = widget.NewLabel("")
	st.SoundState.Wrapping = fyne.TextWrapWord
	st.Save = widgets.NewButton("Save scanner settings", st.save)
	st.Save.Icon = theme.DocumentSaveIcon()
	st.Test = widgets.NewButton("Play the sounds", st.test)
	st.Test.Icon = theme.MediaPlayIcon()
	for _, e := range []*widget.Entry{st.Prefix, st.Suffix, st.Blank} {
		e.OnSubmitted = func(string) { st.save() }
	}
	form := widget.NewForm(
		widget.NewFormItem("Prefix to strip", st.Prefix),
		widget.NewFormItem("Suffix to strip", st.Suffix),
		widget.NewFormItem("Ignore a repeat within (s)", st.Blank),
	)
	form.Items[0].HintText = "Characters the scanner adds before each code, such as ]C1"
	form.Items[1].HintText = "Characters it adds after each code; write Tab for a Tab"
	form.Items[2].HintText = "A double read of the same code counts once; 0 takes every read"
	st.card = widget.NewCard("Scan station", "How the barcode scanner types, and the station's sounds.",
		container.NewVBox(form, container.NewHBox(st.Sound, st.Test), st.SoundState, container.NewHBox(st.Save)))
	st.enable(false)
	return st
}

func (st *StationCard) enable(on bool) {
	for _, w := range []fyne.Disableable{st.Prefix, st.Suffix, st.Blank, st.Sound, st.Save} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if on && st.sounds != nil && st.sounds.Err() == nil {
		st.Test.Enable()
	} else {
		st.Test.Disable()
	}
}

// UseStation connects the Scan station card to where its settings are kept, the sounds (nil:
// none) and what puts saved settings to work.
func (s *Screen) UseStation(prefs widgets.Prefs, sounds Sounds, apply func(scan.Settings)) {
	s.station.prefs, s.station.sounds, s.station.apply = prefs, sounds, apply
	s.station.enable(true)
	s.station.showSoundState()
}

func (st *StationCard) showSoundState() {
	switch {
	case st.sounds == nil:
		st.SoundState.SetText("This window has no sounds.")
	case st.sounds.Err() != nil:
		st.SoundState.Importance = widget.WarningImportance
		st.SoundState.SetText("Silent: " + st.sounds.Err().Error() + ". The station still shows every result in colour.")
	default:
		st.SoundState.Importance = widget.MediumImportance
		st.SoundState.SetText("")
	}
}

// load shows the remembered settings.
func (st *StationCard) load() {
	if st.prefs == nil {
		return
	}
	st.s.run.Go(func() func() {
		set, err := scan.LoadSettings(context.Background(), st.prefs)
		return func() {
			if err != nil {
				st.s.showStatus(widget.DangerImportance, "Could not read the scanner settings: "+err.Error())
				return
			}
			st.show(set)
		}
	})
}

func (st *StationCard) show(set scan.Settings) {
	st.Prefix.SetText(scan.AffixWords(set.Scanner.Prefix))
	st.Suffix.SetText(scan.AffixWords(set.Scanner.Suffix))
	st.Blank.SetText(scan.BlankWords(set.Scanner.Blank))
	st.Sound.SetChecked(set.Sound)
}

// save checks and remembers the card's settings, then puts them to work.
func (st *StationCard) save() {
	if st.prefs == nil {
		return
	}
	blank := time.Duration(0)
	if text := st.Blank.Text; text != "" {
		var err error
		if blank, err = scan.ParseBlank(text); err != nil {
			st.s.showStatus(widget.DangerImportance, "Not saved: "+err.Error()+".")
			return
		}
	}
	set := scan.Settings{Sound: st.Sound.Checked}
	set.Scanner.Prefix, set.Scanner.Suffix, set.Scanner.Blank = scan.ParseAffix(st.Prefix.Text), scan.ParseAffix(st.Suffix.Text), blank
	st.s.run.Go(func() func() {
		err := scan.SaveSettings(context.Background(), st.prefs, set)
		return func() {
			if err != nil {
				st.s.showStatus(widget.DangerImportance, "Scanner settings not saved: "+err.Error())
				return
			}
			if st.apply != nil {
				st.apply(set)
			}
			st.show(set)
			st.s.showStatus(widget.SuccessImportance, "Scanner settings saved; the station uses them now.")
		}
	})
}

// test plays each sound in turn, a moment apart.
func (st *StationCard) test() {
	if st.sounds == nil {
		return
	}
	names := st.sounds.Names()
	st.Test.Disable()
	st.s.run.Go(func() func() {
		for i, n := range names {
			if i > 0 {
				time.Sleep(1200 * time.Millisecond)
			}
			st.sounds.Play(n)
		}
		return func() { st.Test.Enable() }
	})
}

// Station is the Scan station card's fields (tests).
func (s *Screen) Station() *StationCard { return s.station }
