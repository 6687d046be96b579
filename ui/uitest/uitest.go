// Package uitest reads what a Fyne window draws, for the screens' tests.
package uitest

import (
	"html"
	"regexp"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var textRe = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)

// DrawnText is every string the window draws. Fyne's markup renderer walks the canvas as its
// painter does, so hidden widgets and parts that are never drawn do not count: a widget that
// renders nothing fails a test here as it would on screen.
func DrawnText(c fyne.Canvas) []string {
	var out []string
	for _, m := range textRe.FindAllStringSubmatch(test.RenderToMarkup(c), -1) {
		if t := html.UnescapeString(m[1]); t != "" {
			out = append(out, t)
		}
	}
	return out
}
