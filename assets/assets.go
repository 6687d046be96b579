// Package assets holds the files Kedai embeds: its icon, and later its fonts and sounds.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is Kedai's application icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
