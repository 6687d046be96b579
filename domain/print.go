package domain

import (
	"fmt"
	"time"
)

// Document is a kind of document Kedai prints.
type Document string

// The documents, by their command-line names (`kedai print NAME`).
const (
	DocPickingList    Document = "picklist"         // a page per order, with its barcode and QR code
	DocPickingSummary Document = "picklist-summary" // every SKU of the orders, totalled, in shelf order
	DocAWB            Document = "awb"              // the platforms' shipping labels, merged
	DocManifest       Document = "manifest"         // a courier's handover list, one per provider
)

// Documents lists them in menu order.
var Documents = []Document{DocPickingList, DocPickingSummary, DocAWB, DocManifest}

// Title is the document's name for people.
func (d Document) Title() string {
	switch d {
	case DocPickingList:
		return "Picking List"
	case DocPickingSummary:
		return "Picking List Summary"
	case DocAWB:
		return "AWB labels"
	case DocManifest:
		return "Courier Manifest"
	}
	return string(d)
}

// ParseDocument reads a document's command-line name.
func ParseDocument(s string) (Document, error) {
	for _, d := range Documents {
		if string(d) == s {
			return d, nil
		}
	}
	return "", fmt.Errorf("unknown document %q: use picklist, picklist-summary, awb or manifest", s)
}

// Print job states.
const (
	PrintAccepted = "accepted" // the printer's queue took it
	PrintFailed   = "failed"   // it could not be printed (Message says why); the file is kept
	PrintSaved    = "saved"    // written to a file, not printed
)

// PrintJob is one document printed (or saved), for the print history: what it was, where it
// went, and whether it was accepted. File keeps the document so it can be printed again.
type PrintJob struct {
	ID       int64
	At       time.Time
	Document Document
	Title    string // "Picking List: 31 orders"
	Orders   int
	Printer  string // where it was sent ("" when only saved)
	JobID    string // the spooler's job id
	State    string // PrintAccepted, PrintFailed or PrintSaved
	Message  string
	File     string
}

// PrintSettings are a document's remembered choices.
type PrintSettings struct {
	Printer string // where it goes: a queue name, "raw:NAME" or "tcp:HOST:PORT"; "" = ask each time
	Page    string // picking lists and manifests: "a4", "a6" or "4x6"
	Order   string // AWB: the order labels print in: "date", "store" or "sku"
	Label   string // AWB: "thermal" (A6 labels) or "normal" (Shopee's A4 waybill, TikTok's A5)
	Format  string // AWB: "pdf", or "zpl" for a label printer that takes ZPL (TikTok only)
}

// Printout is a document made and kept on disk, ready to preview, print or save.
type Printout struct {
	Document Document
	Title    string   // "Picking List: 31 orders"
	File     string   // where it is kept
	Format   string   // "pdf" or "zpl"
	Orders   int      // orders in it
	Skipped  []string // orders left out, each with why ("261122EYHZ8PBL: not packed yet")
}

// Printer is a printer the computer knows.
type Printer struct {
	Name        string
	Description string
	Default     bool
	State       string // idle, printing, stopped, offline
	Reason      string
}
