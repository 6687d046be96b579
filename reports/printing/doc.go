// Package printing sends Kedai's documents to printers: PDFs through the operating system's print
// spooler (CUPS on Linux and macOS, the Windows spooler) and label data (ZPL) untouched to a raw
// spooler queue or straight to a network label printer's TCP port (9100).
package printing
