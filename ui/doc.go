// Package ui holds Kedai's Fyne screens, one subpackage per screen, with a shell for the window
// and widgets shared between screens. Screens depend only on small interfaces they declare
// themselves; cmd/kedai wires them to the real database and clients.
package ui
