package printing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
)

// Printer is one printer the OS knows.
type Printer struct {
	Name        string // queue name, as Print and ParseDestination take it
	Description string // what the spooler calls it (lpstat -l "Description", the Windows comment); may be empty
	Default     bool   // the system's (or the user's) default printer
	State       string // StateIdle, StatePrinting, StateStopped or StateOffline
	Reason      string // the spooler's words for the state, if it gave any ("Paused by the admin", "out of paper")
	Accepting   bool   // false when the queue refuses new jobs
}

// Printer states.
const (
	StateIdle     = "idle"
	StatePrinting = "printing"
	StateStopped  = "stopped" // disabled in CUPS, paused on Windows
	StateOffline  = "offline"
)

// Job states JobState reports.
const (
	JobPending   = "pending"
	JobPrinting  = "printing"
	JobCompleted = "completed"
	JobCancelled = "cancelled"
	JobAborted   = "aborted"
	JobStopped   = "stopped" // the spooler stopped it (a filter failed, say); it prints only if restarted
	JobUnknown   = "unknown"
)

// Destination kinds.
const (
	KindQueue = "queue" // a spooler queue that takes PDFs
	KindRaw   = "raw"   // a spooler queue that passes the bytes through untouched
	KindTCP   = "tcp"   // a network label printer's raw port
)

// DefaultRawPort is the raw ("JetDirect", "AppSocket") port of network label printers.
const DefaultRawPort = 9100

// DefaultTimeout is how long a network label printer may take to answer, or to take more data,
// before Print gives up on it.
const DefaultTimeout = 5 * time.Second

// Destination says where a document goes. Its text form (String, ParseDestination) is what the
// settings screen stores and what `kedai print --printer` takes:
//
//	NAME            a spooler queue (PDF documents)
//	raw:NAME        a spooler queue that takes the bytes as they are (label data)
//	tcp:HOST[:PORT] a network label printer's raw port, 9100 when PORT is left out
type Destination struct {
	Kind    string        // KindQueue, KindRaw or KindTCP
	Name    string        // the spooler queue (KindQueue, KindRaw)
	Addr    string        // host:port (KindTCP)
	Timeout time.Duration // KindTCP: how long the printer may stay silent; 0 means DefaultTimeout
}

// ParseDestination reads a destination in its text form (see Destination).
func ParseDestination(s string) (Destination, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Destination{}, errors.New("no printer given: name a print queue, raw:QUEUE or tcp:HOST:PORT")
	}
	if hasPrefixFold(s, "tcp:") {
		addr, err := parseRawAddr(s[len("tcp:"):])
		if err != nil {
			return Destination{}, fmt.Errorf("printer %q: %w", s, err)
		}
		return Destination{Kind: KindTCP, Addr: addr}, nil
	}
	kind, name := KindQueue, s
	if hasPrefixFold(s, "raw:") {
		kind, name = KindRaw, strings.TrimSpace(s[len("raw:"):])
		if name == "" {
			return Destination{}, fmt.Errorf("printer %q: raw: needs the name of a print queue, as in raw:Zebra_ZD220", s)
		}
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return Destination{}, fmt.Errorf("printer %q: a printer name cannot hold control characters", s)
	}
	return Destination{Kind: kind, Name: name}, nil
}

// parseRawAddr checks a label printer's address and adds the default port when there is none.
func parseRawAddr(a string) (string, error) {
	a = strings.TrimSpace(a)
	if a == "" {
		return "", errors.New("tcp: needs the label printer's address, as in tcp:10.0.0.5 or tcp:10.0.0.5:9100")
	}
	if strings.Contains(a, "://") {
		return "", fmt.Errorf("address %q is a URL; give HOST or HOST:PORT, as in tcp:10.0.0.5:9100", a)
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		// No port: a host name, an IPv4 address, or an IPv6 address in brackets.
		switch {
		case strings.HasPrefix(a, "[") && strings.HasSuffix(a, "]"):
			host = a[1 : len(a)-1]
		case strings.Contains(a, ":"):
			if net.ParseIP(a) != nil {
				return "", fmt.Errorf("address %q: put an IPv6 address in brackets, as in tcp:[%s]:%d", a, a, DefaultRawPort)
			}
			return "", fmt.Errorf("address %q is not HOST or HOST:PORT", a)
		default:
			host = a
		}
		port = strconv.Itoa(DefaultRawPort)
	}
	if host == "" {
		return "", fmt.Errorf("address %q has no host", a)
	}
	if strings.ContainsAny(host, " /\\@?#") || strings.IndexFunc(host, unicode.IsControl) >= 0 {
		return "", fmt.Errorf("address %q: %q is not a host name or IP address", a, host)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("address %q: port %q is not a number from 1 to 65535", a, port)
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// String gives the destination's text form, which ParseDestination reads back.
func (d Destination) String() string {
	switch d.Kind {
	case KindTCP:
		return "tcp:" + d.Addr
	case KindRaw:
		return "raw:" + d.Name
	default:
		return d.Name
	}
}

func (d Destination) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return DefaultTimeout
}

// Document formats.
const (
	FormatPDF = "pdf"
	FormatZPL = "zpl" // label data in the printer's own language, sent as it is
)

// MaxCopies bounds Document.Copies; a larger number is almost certainly a typing slip.
const MaxCopies = 999

// Document is what is printed.
type Document struct {
	Title  string // job title shown in the queue
	Format string // FormatPDF or FormatZPL
	Data   []byte
	Copies int // 0 or 1 = one
}

// The kinds of failure Print, Printers and JobState report; check them with errors.Is. The errors
// themselves say which printer and what to do.
var (
	// ErrUnknownPrinter: the spooler has no printer by that name.
	ErrUnknownPrinter = errors.New("printer is not known to this computer")
	// ErrPrinterOffline: the printer is offline, stopped (disabled, paused) or not accepting jobs,
	// so the document was not sent. PrinterError says which and why.
	ErrPrinterOffline = errors.New("printer is offline, stopped or not accepting jobs")
	// ErrWrongFormat: the document cannot go to that kind of destination (a PDF to a label
	// printer's raw port, label data to a PDF queue). Nothing was sent.
	ErrWrongFormat = errors.New("document format does not suit the printer")
	// ErrPrinterUnreachable: a network label printer refused the connection, did not answer or
	// stopped taking data.
	ErrPrinterUnreachable = errors.New("label printer did not answer")
	// ErrPrintService: the OS print service (CUPS, the Windows Print Spooler) is not running or
	// not installed.
	ErrPrintService = errors.New("the print service is not running")
	// ErrNoPDFApp: Windows has no application registered to print PDF files.
	ErrNoPDFApp = errors.New("no application is registered to print PDF files")
)

// PrinterError says why a spooler printer did not take a document. It unwraps to
// ErrUnknownPrinter or ErrPrinterOffline.
type PrinterError struct {
	Printer string // the queue name
	State   string // "unknown", StateStopped, StateOffline or "not accepting jobs"
	Reason  string // the spooler's own words, may be empty
	Err     error
}

func (e *PrinterError) Error() string {
	var msg string
	switch e.State {
	case "unknown":
		msg = fmt.Sprintf("printer %q is not known to this computer", e.Printer)
	case StateStopped:
		msg = fmt.Sprintf("printer %q is stopped (paused or disabled in the print queue)", e.Printer)
	case StateOffline:
		msg = fmt.Sprintf("printer %q is offline", e.Printer)
	case "not accepting jobs":
		msg = fmt.Sprintf("printer %q is not accepting jobs", e.Printer)
	default:
		msg = fmt.Sprintf("printer %q cannot print now (%s)", e.Printer, e.State)
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

func (e *PrinterError) Unwrap() error { return e.Err }

// printError carries a message written for the user and the errors it stands for.
type printError struct {
	msg  string
	errs []error
}

func (e *printError) Error() string   { return e.msg }
func (e *printError) Unwrap() []error { return e.errs }

func newError(kind, cause error, format string, args ...any) error {
	errs := []error{kind}
	if cause != nil {
		errs = append(errs, cause)
	}
	return &printError{msg: fmt.Sprintf(format, args...), errs: errs}
}

// checkDocument refuses, before anything is sent, documents that are malformed or would come out
// as garbage at the destination.
func checkDocument(to Destination, doc *Document) error {
	switch to.Kind {
	case KindQueue, KindRaw:
		if to.Name == "" {
			return errors.New("no printer given: the destination has no queue name")
		}
	case KindTCP:
		if _, err := parseRawAddr(to.Addr); err != nil {
			return fmt.Errorf("printer %q: %w", to.String(), err)
		}
	default:
		return fmt.Errorf("unknown kind of destination %q (want %q, %q or %q)", to.Kind, KindQueue, KindRaw, KindTCP)
	}
	doc.Format = strings.ToLower(strings.TrimSpace(doc.Format))
	switch doc.Format {
	case FormatPDF, FormatZPL:
	default:
		return fmt.Errorf("unknown document format %q (want %q or %q)", doc.Format, FormatPDF, FormatZPL)
	}
	if len(doc.Data) == 0 {
		return fmt.Errorf("nothing to print: %q is empty", doc.Title)
	}
	if doc.Copies < 0 || doc.Copies > MaxCopies {
		return fmt.Errorf("%d copies: the number of copies must be from 1 to %d", doc.Copies, MaxCopies)
	}
	if doc.Copies == 0 {
		doc.Copies = 1
	}
	if doc.Format == FormatPDF {
		if !bytes.Contains(doc.Data[:min(len(doc.Data), 1024)], []byte("%PDF-")) {
			return fmt.Errorf("%q is not a PDF document (it does not start with %%PDF-)", doc.Title)
		}
		switch to.Kind {
		case KindTCP:
			return newError(ErrWrongFormat, nil, "a PDF cannot be sent to the label printer at %s: its raw port takes label data (ZPL) only; choose a print queue for PDFs", to.Addr)
		case KindRaw:
			return newError(ErrWrongFormat, nil, "a PDF cannot be sent to %s: a raw queue passes the bytes to the printer as they are; choose the queue without raw: for PDFs", to.String())
		}
	}
	if doc.Format == FormatZPL && to.Kind == KindQueue {
		return newError(ErrWrongFormat, nil, "label data (ZPL) cannot be sent to the print queue %q: the spooler would print it as text; use raw:%s, or tcp:ADDRESS for a network label printer", to.Name, to.Name)
	}
	doc.Title = cleanTitle(doc.Title)
	return nil
}

// cleanTitle makes a job title safe to show in a queue and to pass as an argument.
func cleanTitle(t string) string {
	t = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, t)
	t = strings.TrimSpace(t)
	if t == "" {
		t = "kedai"
	}
	if len(t) > 200 {
		t = strings.ToValidUTF8(t[:200], "")
	}
	return t
}

// Printers lists the printers the OS knows. No printers is not an error (an empty list); a print
// service that is not running is (ErrPrintService).
func Printers(ctx context.Context) ([]Printer, error) {
	return spoolerPrinters(ctx)
}

// Print sends the document and returns the job's id: the spooler's ("kedai-pdf-12"), or for a
// tcp: destination one made up here. A printer that is unknown, offline, stopped or refusing jobs
// is refused up front (ErrUnknownPrinter, ErrPrinterOffline), as is a document the destination
// cannot print (ErrWrongFormat). ctx cancels the sending.
func Print(ctx context.Context, to Destination, doc Document) (jobID string, err error) {
	if err := checkDocument(to, &doc); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if to.Kind == KindTCP {
		return sendRaw(ctx, to, doc)
	}
	return spoolerPrint(ctx, to, doc)
}

// JobState asks the spooler what became of a job: JobPending, JobPrinting, JobCompleted,
// JobCancelled, JobAborted, JobStopped (CUPS stopped it, as for a document its filters could not
// read: it will not print unless someone restarts it), or JobUnknown when the spooler no longer
// knows it. A tcp: job is completed once Print returned, as the printer had taken every byte.
func JobState(ctx context.Context, to Destination, jobID string) (string, error) {
	if to.Kind == KindTCP {
		if strings.HasPrefix(jobID, tcpJobPrefix) {
			return JobCompleted, nil
		}
		return JobUnknown, nil
	}
	if to.Name == "" {
		return JobUnknown, errors.New("no printer given: the destination has no queue name")
	}
	return spoolerJobState(ctx, to, jobID)
}

const tcpJobPrefix = "tcp-"

var jobCounter atomic.Int64

func newTCPJobID() string {
	return fmt.Sprintf("%s%d-%d", tcpJobPrefix, time.Now().UnixMilli(), jobCounter.Add(1))
}

// jobNumber takes the spooler's job number from an id such as "kedai-pdf-12".
func jobNumber(jobID string) (int, error) {
	s := jobID[strings.LastIndexByte(jobID, '-')+1:]
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a print job id (want QUEUE-NUMBER, as in kedai-pdf-12)", jobID)
	}
	return n, nil
}

// seconds writes a duration the way the messages say it: "5 s", "0.5 s".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}
