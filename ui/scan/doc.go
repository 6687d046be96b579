// Package scan is the Scan To Ship station: a packer scans each parcel, the order moves from To
// Process to To Ship and joins the station's list, from which AWB labels and manifests print.
package scan
