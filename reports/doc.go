// Package reports makes Kedai's documents: picking lists, courier manifests, merged AWB labels,
// the Excel export, and sends them to printers (the OS spooler, a raw queue or a TCP 9100 port).
package reports
