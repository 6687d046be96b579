package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is Fyne's own look with one change: a modal dialog dims the window behind it but does
// not blur it. Fyne's blur runs two shader passes over the whole window on every frame a dialog
// is open; on a PC without a real GPU (software OpenGL, as on many office machines and virtual
// desktops) that doubled each frame's cost and let the window stall for 100-200 ms while a bulk
// job's progress dialog was updating.
func Theme() fyne.Theme { return noBlur{theme.DefaultTheme()} }

type noBlur struct{ fyne.Theme }

func (t noBlur) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameModalBlurRadius {
		return 0
	}
	return t.Theme.Size(n)
}
