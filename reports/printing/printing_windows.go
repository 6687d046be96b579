//go:build windows

package printing

// The Windows print spooler, through winspool.drv: EnumPrinters for the list, a RAW-datatype
// document (OpenPrinter, StartDocPrinter, WritePrinter, ...) for label data, and the shell's
// "printto" verb for PDFs, since Windows itself cannot render one to a printer.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	winspool               = windows.NewLazySystemDLL("winspool.drv")
	procEnumPrintersW      = winspool.NewProc("EnumPrintersW")
	procGetDefaultPrinterW = winspool.NewProc("GetDefaultPrinterW")
	procOpenPrinterW       = winspool.NewProc("OpenPrinterW")
	procClosePrinter       = winspool.NewProc("ClosePrinter")
	procGetPrinterW        = winspool.NewProc("GetPrinterW")
	procStartDocPrinterW   = winspool.NewProc("StartDocPrinterW")
	procStartPagePrinter   = winspool.NewProc("StartPagePrinter")
	procWritePrinter       = winspool.NewProc("WritePrinter")
	procEndPagePrinter     = winspool.NewProc("EndPagePrinter")
	procEndDocPrinter      = winspool.NewProc("EndDocPrinter")
	procAbortPrinter       = winspool.NewProc("AbortPrinter")
	procGetJobW            = winspool.NewProc("GetJobW")

	shell32           = windows.NewLazySystemDLL("shell32.dll")
	procShellExecuteW = shell32.NewProc("ShellExecuteW")
)

// printerInfo2 is PRINTER_INFO_2W.
type printerInfo2 struct {
	ServerName         *uint16
	PrinterName        *uint16
	ShareName          *uint16
	PortName           *uint16
	DriverName         *uint16
	Comment            *uint16
	Location           *uint16
	DevMode            uintptr
	SepFile            *uint16
	PrintProcessor     *uint16
	Datatype           *uint16
	Parameters         *uint16
	SecurityDescriptor uintptr
	Attributes         uint32
	Priority           uint32
	DefaultPriority    uint32
	StartTime          uint32
	UntilTime          uint32
	Status             uint32
	Jobs               uint32
	AveragePPM         uint32
}

// jobInfo1 is JOB_INFO_1W.
type jobInfo1 struct {
	JobID        uint32
	PrinterName  *uint16
	MachineName  *uint16
	UserName     *uint16
	Document     *uint16
	Datatype     *uint16
	StatusText   *uint16
	Status       uint32
	Priority     uint32
	Position     uint32
	TotalPages   uint32
	PagesPrinted uint32
	Submitted    windows.Systemtime
}

// docInfo1 is DOC_INFO_1W.
type docInfo1 struct {
	DocName    *uint16
	OutputFile *uint16
	Datatype   *uint16
}

const (
	printerEnumLocal       = 0x2
	printerEnumConnections = 0x4

	printerAttributeWorkOffline = 0x400

	// PRINTER_STATUS_*
	statusPaused           = 0x1
	statusError            = 0x2
	statusPendingDeletion  = 0x4
	statusPaperJam         = 0x8
	statusPaperOut         = 0x10
	statusManualFeed       = 0x20
	statusPaperProblem     = 0x40
	statusOffline          = 0x80
	statusPrinting         = 0x400
	statusOutputBinFull    = 0x800
	statusNotAvailable     = 0x1000
	statusProcessing       = 0x4000
	statusNoToner          = 0x40000
	statusUserIntervention = 0x100000
	statusOutOfMemory      = 0x200000
	statusDoorOpen         = 0x400000
	statusServerOffline    = 0x2000000

	// JOB_STATUS_*
	jobStatusDeleting = 0x4
	jobStatusSpooling = 0x8
	jobStatusPrinting = 0x10
	jobStatusPrinted  = 0x80
	jobStatusDeleted  = 0x100
	jobStatusComplete = 0x1000

	errorInvalidPrinterName = windows.Errno(1801)
	errorInvalidDatatype    = windows.Errno(1804)
	rpcServerUnavailable    = windows.Errno(1722)
	errorInvalidParameter   = windows.Errno(87)

	seErrNoAssoc          = 31
	seErrAssocIncomplete  = 27
	seErrFileNotFound     = 2
	seErrAccessDenied     = 5
	swHide                = 0
	coinitApartmentThread = 0x2
	coinitDisableOLE1DDE  = 0x4
)

// problems names the status bits worth telling the user about.
var problems = []struct {
	bit  uint32
	text string
}{
	{statusPaused, "paused"},
	{statusOffline, "offline"},
	{statusServerOffline, "print server offline"},
	{statusNotAvailable, "not available"},
	{statusPaperJam, "paper jam"},
	{statusPaperOut, "out of paper"},
	{statusPaperProblem, "paper problem"},
	{statusManualFeed, "waiting for manual feed"},
	{statusDoorOpen, "door open"},
	{statusNoToner, "out of toner"},
	{statusOutputBinFull, "output bin full"},
	{statusOutOfMemory, "out of memory"},
	{statusUserIntervention, "needs attention"},
	{statusError, "error"},
	{statusPendingDeletion, "being deleted"},
}

func printerFromInfo(info *printerInfo2) Printer {
	p := Printer{
		Name:        windows.UTF16PtrToString(info.PrinterName),
		Description: windows.UTF16PtrToString(info.Comment),
		State:       StateIdle,
		Accepting:   info.Status&statusPendingDeletion == 0,
	}
	if p.Description == "" {
		p.Description = windows.UTF16PtrToString(info.DriverName)
	}
	switch s := info.Status; {
	case s&statusPaused != 0:
		p.State = StateStopped
	case s&(statusOffline|statusNotAvailable|statusServerOffline) != 0 || info.Attributes&printerAttributeWorkOffline != 0:
		p.State = StateOffline
	case s&(statusPrinting|statusProcessing) != 0:
		p.State = StatePrinting
	}
	var rs []string
	if info.Attributes&printerAttributeWorkOffline != 0 {
		rs = append(rs, "set to use the printer offline")
	}
	for _, pr := range problems {
		if info.Status&pr.bit != 0 {
			rs = append(rs, pr.text)
		}
	}
	p.Reason = strings.Join(rs, ", ")
	return p
}

func spoolerError(what string, err error) error {
	if errors.Is(err, rpcServerUnavailable) {
		return newError(ErrPrintService, err, "the print service (Print Spooler) is not running: %v", err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func spoolerPrinters(ctx context.Context) ([]Printer, error) {
	if err := procEnumPrintersW.Find(); err != nil {
		return nil, newError(ErrPrintService, err, "the print service is not available: %v", err)
	}
	flags := uintptr(printerEnumLocal | printerEnumConnections)
	var needed, returned uint32
	var buf []uint64 // 8-aligned, for the structs at its start
	for range 5 {
		r, _, err := procEnumPrintersW.Call(flags, 0, 2, uintptr(bufPtr(buf)), uintptr(len(buf)*8),
			uintptr(unsafe.Pointer(&needed)), uintptr(unsafe.Pointer(&returned)))
		if r != 0 {
			break
		}
		if !errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) {
			return nil, spoolerError("listing printers", err)
		}
		buf = make([]uint64, (needed+7)/8)
		returned = 0
	}
	printers := []Printer{}
	if returned > 0 && len(buf) > 0 {
		infos := unsafe.Slice((*printerInfo2)(unsafe.Pointer(&buf[0])), returned)
		for i := range infos {
			printers = append(printers, printerFromInfo(&infos[i]))
		}
	}
	if def := defaultPrinter(); def != "" {
		for i := range printers {
			if strings.EqualFold(printers[i].Name, def) {
				printers[i].Default = true
			}
		}
	}
	sort.SliceStable(printers, func(i, j int) bool {
		return strings.ToLower(printers[i].Name) < strings.ToLower(printers[j].Name)
	})
	return printers, ctx.Err()
}

// bufPtr points at a buffer's start, or is nil for an empty one.
func bufPtr(buf []uint64) unsafe.Pointer {
	if len(buf) == 0 {
		return nil
	}
	return unsafe.Pointer(&buf[0])
}

func defaultPrinter() string {
	var size uint32
	procGetDefaultPrinterW.Call(0, uintptr(unsafe.Pointer(&size)))
	if size == 0 {
		return ""
	}
	buf := make([]uint16, size)
	r, _, _ := procGetDefaultPrinterW.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)))
	if r == 0 {
		return ""
	}
	return windows.UTF16ToString(buf)
}

// openPrinter opens a printer by name; the caller closes the handle.
func openPrinter(name string) (windows.Handle, error) {
	if err := procOpenPrinterW.Find(); err != nil {
		return 0, newError(ErrPrintService, err, "the print service is not available: %v", err)
	}
	n, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, &PrinterError{Printer: name, State: "unknown", Err: ErrUnknownPrinter}
	}
	var h windows.Handle
	r, _, err := procOpenPrinterW.Call(uintptr(unsafe.Pointer(n)), uintptr(unsafe.Pointer(&h)), 0)
	if r == 0 {
		if errors.Is(err, errorInvalidPrinterName) {
			return 0, &PrinterError{Printer: name, State: "unknown", Err: ErrUnknownPrinter}
		}
		return 0, spoolerError(fmt.Sprintf("opening printer %q", name), err)
	}
	return h, nil
}

func closePrinter(h windows.Handle) { procClosePrinter.Call(uintptr(h)) }

// printerState reads an open printer's state.
func printerState(h windows.Handle, name string) (Printer, error) {
	var needed uint32
	procGetPrinterW.Call(uintptr(h), 2, 0, 0, uintptr(unsafe.Pointer(&needed)))
	if needed == 0 {
		return Printer{}, fmt.Errorf("reading the state of printer %q: the spooler gave nothing", name)
	}
	buf := make([]uint64, (needed+7)/8)
	r, _, err := procGetPrinterW.Call(uintptr(h), 2, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)*8), uintptr(unsafe.Pointer(&needed)))
	if r == 0 {
		return Printer{}, spoolerError(fmt.Sprintf("reading the state of printer %q", name), err)
	}
	return printerFromInfo((*printerInfo2)(unsafe.Pointer(&buf[0]))), nil
}

// refusal turns a printer's state into the error that keeps a job from it, or nil.
func refusal(p Printer, name string) error {
	switch {
	case p.State == StateStopped:
		return &PrinterError{Printer: name, State: StateStopped, Reason: p.Reason, Err: ErrPrinterOffline}
	case p.State == StateOffline:
		return &PrinterError{Printer: name, State: StateOffline, Reason: p.Reason, Err: ErrPrinterOffline}
	case !p.Accepting:
		return &PrinterError{Printer: name, State: "not accepting jobs", Reason: p.Reason, Err: ErrPrinterOffline}
	}
	return nil
}

func spoolerPrint(ctx context.Context, to Destination, doc Document) (string, error) {
	h, err := openPrinter(to.Name)
	if err != nil {
		return "", err
	}
	defer closePrinter(h)
	p, err := printerState(h, to.Name)
	if err != nil {
		return "", err
	}
	if err := refusal(p, to.Name); err != nil {
		return "", err
	}
	if to.Kind == KindRaw {
		return printRaw(ctx, h, to, doc)
	}
	return printPDF(ctx, to, doc)
}

// printRaw spools the bytes as they are (datatype RAW), once per copy, in one job.
func printRaw(ctx context.Context, h windows.Handle, to Destination, doc Document) (string, error) {
	title, _ := windows.UTF16PtrFromString(doc.Title)
	raw, _ := windows.UTF16PtrFromString("RAW")
	di := docInfo1{DocName: title, Datatype: raw}
	job, _, err := procStartDocPrinterW.Call(uintptr(h), 1, uintptr(unsafe.Pointer(&di)))
	if job == 0 {
		if errors.Is(err, errorInvalidDatatype) {
			return "", newError(ErrWrongFormat, err, "the driver of printer %q does not take raw data (XPS drivers do not); give it the label printer maker's driver or the \"Generic / Text Only\" driver", to.Name)
		}
		return "", spoolerError(fmt.Sprintf("starting a job on printer %q", to.Name), err)
	}
	fail := func(what string, err error) (string, error) {
		procAbortPrinter.Call(uintptr(h)) // deletes the unfinished job
		if ctx.Err() != nil {
			return "", fmt.Errorf("printing %q on %s: %w", doc.Title, to.String(), ctx.Err())
		}
		return "", spoolerError(fmt.Sprintf("printing %q on %s: %s", doc.Title, to.String(), what), err)
	}
	if r, _, err := procStartPagePrinter.Call(uintptr(h)); r == 0 {
		return fail("starting the page", err)
	}
	for range doc.Copies {
		for p := doc.Data; len(p) > 0; {
			if ctx.Err() != nil {
				return fail("cancelled", ctx.Err())
			}
			chunk := p[:min(len(p), rawChunk)]
			var written uint32
			r, _, err := procWritePrinter.Call(uintptr(h), uintptr(unsafe.Pointer(&chunk[0])), uintptr(len(chunk)), uintptr(unsafe.Pointer(&written)))
			if r == 0 || written == 0 {
				return fail("writing", err)
			}
			p = p[written:]
		}
	}
	if r, _, err := procEndPagePrinter.Call(uintptr(h)); r == 0 {
		return fail("ending the page", err)
	}
	if r, _, err := procEndDocPrinter.Call(uintptr(h)); r == 0 {
		return fail("ending the job", err)
	}
	return fmt.Sprintf("%s-%d", to.Name, job), nil
}

const shellJobPrefix = "shell-"

// printPDF hands the PDF to the application registered for the "printto" verb on .pdf files. The
// application reads the file when it gets to it, so the file cannot be removed here; files older
// than an hour are swept from the same folder on each print.
func printPDF(ctx context.Context, to Destination, doc Document) (string, error) {
	dir := filepath.Join(os.TempDir(), "kedai-print")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("printing %q: %w", doc.Title, err)
	}
	sweep(dir, time.Hour)
	f, err := os.CreateTemp(dir, "print-*.pdf")
	if err != nil {
		return "", fmt.Errorf("printing %q: %w", doc.Title, err)
	}
	_, err = f.Write(doc.Data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("printing %q: %w", doc.Title, err)
	}

	// Shell verbs may use COM, which wants an initialised apartment on this very thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// S_FALSE (1) means COM was set up on this thread already; it still wants its uninitialise.
	if err := windows.CoInitializeEx(0, coinitApartmentThread|coinitDisableOLE1DDE); err == nil || err == windows.Errno(1) {
		defer windows.CoUninitialize()
	}
	verb, _ := windows.UTF16PtrFromString("printto")
	file, _ := windows.UTF16PtrFromString(f.Name())
	args, _ := windows.UTF16PtrFromString(`"` + to.Name + `"`)
	for range doc.Copies {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("printing %q on %s: %w", doc.Title, to.String(), err)
		}
		r, _, _ := procShellExecuteW.Call(0, uintptr(unsafe.Pointer(verb)), uintptr(unsafe.Pointer(file)), uintptr(unsafe.Pointer(args)), 0, swHide)
		if r > 32 {
			continue
		}
		os.Remove(f.Name())
		switch r {
		case seErrNoAssoc, seErrAssocIncomplete:
			return "", newError(ErrNoPDFApp, nil, "cannot print %q on %q: no application on this computer is set up to print PDF files (Edge cannot); install a PDF reader that can, such as SumatraPDF or Adobe Acrobat Reader, and make it the app for .pdf files", doc.Title, to.Name)
		case seErrFileNotFound, seErrAccessDenied:
			return "", fmt.Errorf("printing %q on %q: the PDF application could not open the file (shell error %d)", doc.Title, to.Name, r)
		default:
			return "", fmt.Errorf("printing %q on %q: the PDF application could not be started (shell error %d)", doc.Title, to.Name, r)
		}
	}
	return newShellJobID(), nil
}

func newShellJobID() string {
	return fmt.Sprintf("%s%d-%d", shellJobPrefix, time.Now().UnixMilli(), jobCounter.Add(1))
}

// sweep removes files in dir older than age.
func sweep(dir string, age time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !e.IsDir() && time.Since(info.ModTime()) > age {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// spoolerJobState reads a job from the Windows spooler. Windows forgets a job once it has
// printed (unless the printer keeps printed documents), so a finished job usually reads
// JobUnknown; a PDF handed to an application has no spooler job at all.
func spoolerJobState(ctx context.Context, to Destination, jobID string) (string, error) {
	if strings.HasPrefix(jobID, shellJobPrefix) {
		return JobUnknown, nil
	}
	n, err := jobNumber(jobID)
	if err != nil {
		return JobUnknown, err
	}
	h, err := openPrinter(to.Name)
	if err != nil {
		return JobUnknown, err
	}
	defer closePrinter(h)
	var needed uint32
	r, _, err := procGetJobW.Call(uintptr(h), uintptr(n), 1, 0, 0, uintptr(unsafe.Pointer(&needed)))
	if r == 0 && needed == 0 {
		if errors.Is(err, errorInvalidParameter) {
			return JobUnknown, nil
		}
		return JobUnknown, spoolerError("asking about job "+strconv.Itoa(n), err)
	}
	buf := make([]uint64, (needed+7)/8)
	r, _, err = procGetJobW.Call(uintptr(h), uintptr(n), 1, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)*8), uintptr(unsafe.Pointer(&needed)))
	if r == 0 {
		if errors.Is(err, errorInvalidParameter) {
			return JobUnknown, nil
		}
		return JobUnknown, spoolerError("asking about job "+strconv.Itoa(n), err)
	}
	s := (*jobInfo1)(unsafe.Pointer(&buf[0])).Status
	switch {
	case s&(jobStatusDeleting|jobStatusDeleted) != 0:
		return JobCancelled, ctx.Err()
	case s&(jobStatusPrinted|jobStatusComplete) != 0:
		return JobCompleted, ctx.Err()
	case s&(jobStatusPrinting|jobStatusSpooling) != 0:
		return JobPrinting, ctx.Err()
	}
	return JobPending, ctx.Err()
}
