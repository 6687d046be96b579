// Package widgets holds the widgets several screens share: the virtualised order table, badges,
// and platform colours.
package widgets
