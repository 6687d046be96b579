// Package assets holds the files Kedai embeds: its icon, and and the scan station's sounds.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is Kedai's application icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// Sounds are the scan station's sounds, one .wav per kind of outcome (see sounds/generate.go).
//
//go:embed sounds/*.wav
var Sounds embed.FS
