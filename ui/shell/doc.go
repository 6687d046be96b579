// Package shell is Kedai's main window: the navigation between screens, the main menu that carries
// every keyboard shortcut, the status bar, and noticing when the data file changed underneath.
package shell
