//go:build !windows

package printing

// CUPS, through its command-line clients (lp, lpstat), as Linux, macOS and the BSDs have it. The
// clients find the scheduler the way every CUPS program does (CUPS_SERVER, client.conf, the local
// socket), and run with LANG=C so that their output can be read.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// lpstatResult is what one run of a CUPS client gave.
type lpstatResult struct {
	out    string
	stderr string
	err    error // nil, or the failure to start it or its exit status
}

// runCUPS runs a CUPS client with LANG=C and returns its output. Only a client that cannot be
// started at all (not installed, ctx done) is an error here; a failing exit is left in res.err
// for the caller, who knows what the message means.
func runCUPS(ctx context.Context, stdin []byte, name string, args ...string) (lpstatResult, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C", "LC_MESSAGES=C")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	res := lpstatResult{out: out.String(), stderr: strings.TrimSpace(stderr.String()), err: err}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s: %w", name, ctx.Err())
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		if errors.Is(err, exec.ErrNotFound) {
			return res, newError(ErrPrintService, err, "the print service (CUPS) is not installed: %v", err)
		}
		return res, fmt.Errorf("%s: %w", name, err)
	}
	return res, nil
}

// failure describes a CUPS client that exited with an error, in its own words.
func (r lpstatResult) failure(name string) string {
	if r.stderr != "" {
		return r.stderr
	}
	return fmt.Sprintf("%s: %v", name, r.err)
}

// schedulerDown tells whether the CUPS scheduler is not running. The clients' other messages can
// mislead when it is not: lpstat -p NAME then says the name is invalid, lp that it does not exist.
func schedulerDown(ctx context.Context) (bool, string, error) {
	res, err := runCUPS(ctx, nil, "lpstat", "-r")
	if err != nil {
		return false, "", err
	}
	out := strings.TrimSpace(res.out + "\n" + res.stderr)
	lower := strings.ToLower(out)
	if strings.Contains(lower, "scheduler is not running") || (res.err != nil && !strings.Contains(lower, "scheduler is running")) {
		return true, out, nil
	}
	return false, "", nil
}

func serviceDown(detail string) error {
	return newError(ErrPrintService, nil, "the print service (CUPS) is not running: %s", detail)
}

// noDestinations is lpstat's message for a scheduler without printers.
func noDestinations(res lpstatResult) bool {
	return strings.Contains(res.stderr, "No destinations added")
}

func spoolerPrinters(ctx context.Context) ([]Printer, error) {
	res, err := runCUPS(ctx, nil, "lpstat", "-l", "-p")
	if err != nil {
		return nil, err
	}
	if res.err != nil || strings.Contains(strings.ToLower(res.stderr), "scheduler is not running") {
		if down, detail, err := schedulerDown(ctx); err != nil {
			return nil, err
		} else if down {
			return nil, serviceDown(detail)
		}
		if !noDestinations(res) {
			return nil, fmt.Errorf("listing printers: %s", res.failure("lpstat -p"))
		}
	}
	printers := parsePrinters(res.out)

	known := make(map[string]int, len(printers))
	for i, p := range printers {
		known[p.Name] = i
	}
	// Queues CUPS knows but has not set up yet (printers it found on the network, which it
	// sets up on first use) are listed by -e only.
	if res, err := runCUPS(ctx, nil, "lpstat", "-e"); err != nil {
		return nil, err
	} else if res.err == nil {
		for _, name := range strings.Fields(res.out) {
			if strings.Contains(name, "/") { // an lpoptions instance of a printer listed already
				continue
			}
			if _, ok := known[name]; !ok {
				known[name] = len(printers)
				printers = append(printers, Printer{Name: name, State: StateIdle, Accepting: true})
			}
		}
	}
	if res, err := runCUPS(ctx, nil, "lpstat", "-a"); err != nil {
		return nil, err
	} else if res.err == nil {
		for name, accepting := range parseAccepting(res.out) {
			if i, ok := known[name]; ok {
				printers[i].Accepting = accepting
			}
		}
	}
	if res, err := runCUPS(ctx, nil, "lpstat", "-d"); err != nil {
		return nil, err
	} else if res.err == nil {
		if i, ok := known[parseDefault(res.out)]; ok {
			printers[i].Default = true
		}
	}
	sort.SliceStable(printers, func(i, j int) bool {
		return strings.ToLower(printers[i].Name) < strings.ToLower(printers[j].Name)
	})
	if printers == nil {
		printers = []Printer{}
	}
	return printers, nil
}

// parsePrinters reads `lpstat -l -p` (or `lpstat -p`). Accepting is left true; lpstat -a says
// otherwise. Each printer is a line such as
//
//	printer kedai-off disabled since Sun Nov 22 11:14:09 2026 -
//
// followed by tab-indented lines: first the printer's state message if it has one (for a
// disabled printer without one, "reason unknown"), then with -l "Key: value" lines, among them
// "Description" and "Alerts" (the printer-state-reasons, separated by spaces).
func parsePrinters(out string) []Printer {
	var (
		printers []Printer
		p        *Printer
		reasons  []string
		fresh    bool // the line before was the printer's first line
	)
	finish := func() {
		if p == nil {
			return
		}
		if p.State != StateStopped {
			for _, r := range reasons {
				if strings.HasPrefix(r, "offline") {
					p.State = StateOffline
				}
			}
		}
		if p.Reason == "" {
			var rs []string
			for _, r := range reasons {
				if r != "none" && r != "paused" {
					rs = append(rs, r)
				}
			}
			p.Reason = strings.Join(rs, ", ")
		}
		printers = append(printers, *p)
		p, reasons = nil, nil
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if rest, ok := strings.CutPrefix(line, "printer "); ok {
			finish()
			name, state, _ := strings.Cut(rest, " ")
			p = &Printer{Name: name, State: StateIdle, Accepting: true}
			switch {
			case strings.HasPrefix(state, "disabled"):
				p.State = StateStopped
			case strings.HasPrefix(state, "now printing"):
				p.State = StatePrinting
			}
			fresh = true
			continue
		}
		if p == nil || !strings.HasPrefix(line, "\t") {
			fresh = false
			continue
		}
		text := strings.TrimSpace(line)
		if fresh {
			fresh = false
			if !strings.HasPrefix(text, "Form mounted:") {
				if text != "reason unknown" {
					p.Reason = text
				}
				continue
			}
		}
		if v, ok := strings.CutPrefix(text, "Description:"); ok {
			p.Description = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(text, "Alerts:"); ok {
			reasons = strings.Fields(v)
		}
	}
	finish()
	return printers
}

// parseAccepting reads `lpstat -a`: "NAME accepting requests since ..." or
// "NAME not accepting requests since ... -", then the reason on a tab-indented line.
func parseAccepting(out string) map[string]bool {
	m := make(map[string]bool)
	for _, line := range strings.Split(out, "\n") {
		if line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, " ") {
			continue
		}
		name, rest, ok := strings.Cut(strings.TrimRight(line, "\r"), " ")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "accepting"):
			m[name] = true
		case strings.HasPrefix(rest, "not accepting"):
			m[name] = false
		}
	}
	return m
}

// acceptReason is the reason lpstat -a gives for a queue that refuses jobs.
func acceptReason(out, name string) string {
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, name+" not accepting") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return ""
}

// parseDefault reads `lpstat -d`: "system default destination: NAME" (or NAME/INSTANCE), or
// "no system default destination".
func parseDefault(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "system default destination:"); ok {
			name, _, _ := strings.Cut(strings.TrimSpace(v), "/")
			return name
		}
	}
	return ""
}

// queueState finds one queue and its state, or says why it cannot be found.
func queueState(ctx context.Context, name string) (Printer, error) {
	res, err := runCUPS(ctx, nil, "lpstat", "-l", "-p", name)
	if err != nil {
		return Printer{}, err
	}
	if res.err != nil || strings.Contains(strings.ToLower(res.stderr), "scheduler is not running") {
		if down, detail, err := schedulerDown(ctx); err != nil {
			return Printer{}, err
		} else if down {
			return Printer{}, serviceDown(detail)
		}
		if !strings.Contains(res.stderr, "Invalid destination") && !strings.Contains(res.stderr, "does not exist") && !noDestinations(res) {
			return Printer{}, fmt.Errorf("checking printer %q: %s", name, res.failure("lpstat -p"))
		}
		// A printer CUPS found on the network but has not set up yet is only in -e; CUPS sets
		// it up when the job comes, so there is no state to check.
		if res, err := runCUPS(ctx, nil, "lpstat", "-e"); err != nil {
			return Printer{}, err
		} else if res.err == nil && containsField(res.out, name) {
			return Printer{Name: name, State: StateIdle, Accepting: true}, nil
		}
		return Printer{}, &PrinterError{Printer: name, State: "unknown", Err: ErrUnknownPrinter}
	}
	var p Printer
	found := false
	for _, q := range parsePrinters(res.out) {
		if q.Name == name {
			p, found = q, true
		}
	}
	if !found {
		return Printer{}, &PrinterError{Printer: name, State: "unknown", Err: ErrUnknownPrinter}
	}
	res, err = runCUPS(ctx, nil, "lpstat", "-a", name)
	if err != nil {
		return Printer{}, err
	}
	if res.err == nil {
		if accepting, ok := parseAccepting(res.out)[name]; ok && !accepting {
			p.Accepting = false
			if r := acceptReason(res.out, name); r != "" {
				p.Reason = r
			}
		}
	}
	return p, nil
}

func containsField(out, name string) bool {
	for _, f := range strings.Fields(out) {
		if f == name {
			return true
		}
	}
	return false
}

// refusal turns a printer's state into the error that keeps a job from it, or nil.
func refusal(p Printer) error {
	switch {
	case p.State == StateStopped:
		return &PrinterError{Printer: p.Name, State: StateStopped, Reason: p.Reason, Err: ErrPrinterOffline}
	case p.State == StateOffline:
		return &PrinterError{Printer: p.Name, State: StateOffline, Reason: p.Reason, Err: ErrPrinterOffline}
	case !p.Accepting:
		return &PrinterError{Printer: p.Name, State: "not accepting jobs", Reason: p.Reason, Err: ErrPrinterOffline}
	}
	return nil
}

var requestID = regexp.MustCompile(`request id is (\S+)`)

func spoolerPrint(ctx context.Context, to Destination, doc Document) (string, error) {
	p, err := queueState(ctx, to.Name)
	if err != nil {
		return "", err
	}
	if err := refusal(p); err != nil {
		return "", err
	}
	args := []string{"-d", to.Name, "-t", doc.Title, "-n", strconv.Itoa(doc.Copies)}
	if to.Kind == KindRaw {
		args = append(args, "-o", "raw")
	} else {
		args = append(args, "-o", "document-format=application/pdf")
	}
	// No file names: lp reads the document from stdin, so no temporary file is left behind.
	res, err := runCUPS(ctx, doc.Data, "lp", args...)
	if err != nil {
		return "", fmt.Errorf("printing %q on %s: %w", doc.Title, to.String(), err)
	}
	if res.err != nil {
		msg := res.failure("lp")
		switch {
		case strings.Contains(msg, "not accepting"):
			// It stopped accepting since the check above.
			reason := ""
			if a, err := runCUPS(ctx, nil, "lpstat", "-a", to.Name); err == nil && a.err == nil {
				reason = acceptReason(a.out, to.Name)
			}
			return "", &PrinterError{Printer: to.Name, State: "not accepting jobs", Reason: reason, Err: ErrPrinterOffline}
		case strings.Contains(msg, "does not exist"):
			if down, detail, err := schedulerDown(ctx); err == nil && down {
				return "", serviceDown(detail)
			}
			return "", &PrinterError{Printer: to.Name, State: "unknown", Err: ErrUnknownPrinter}
		}
		return "", fmt.Errorf("printing %q on %s: %s", doc.Title, to.String(), msg)
	}
	m := requestID.FindStringSubmatch(res.out)
	if m == nil {
		return "", fmt.Errorf("printing %q on %s: lp took the job but gave no job id (it said %q)", doc.Title, to.String(), strings.TrimSpace(res.out))
	}
	return m[1], nil
}

func spoolerJobState(ctx context.Context, to Destination, jobID string) (string, error) {
	n, err := jobNumber(jobID)
	if err != nil {
		return JobUnknown, err
	}
	state, err := ippJobState(ctx, n)
	if err == nil {
		return state, nil
	}
	if ctx.Err() != nil {
		return JobUnknown, err
	}
	// The scheduler would not answer IPP here (a remote server that wants encryption, say);
	// lpstat still tells a job in the queue from a finished one.
	return lpstatJobState(ctx, to.Name, jobID)
}

// lpstatJobState is JobState through lpstat. lpstat lists cancelled and aborted jobs with the
// completed ones and does not tell them apart, so a finished job reads JobCompleted here.
func lpstatJobState(ctx context.Context, queue, jobID string) (string, error) {
	res, err := runCUPS(ctx, nil, "lpstat", "-W", "not-completed", "-o", queue)
	if err != nil {
		return JobUnknown, err
	}
	if res.err != nil {
		if down, detail, err := schedulerDown(ctx); err == nil && down {
			return JobUnknown, serviceDown(detail)
		}
		return JobUnknown, fmt.Errorf("asking about job %s: %s", jobID, res.failure("lpstat -o"))
	}
	if hasJob(res.out, jobID) {
		p, err := runCUPS(ctx, nil, "lpstat", "-p", queue)
		if err != nil {
			return JobUnknown, err
		}
		if strings.Contains(p.out, "now printing "+jobID+".") {
			return JobPrinting, nil
		}
		return JobPending, nil
	}
	res, err = runCUPS(ctx, nil, "lpstat", "-W", "completed", "-o", queue)
	if err != nil {
		return JobUnknown, err
	}
	if res.err == nil && hasJob(res.out, jobID) {
		return JobCompleted, nil
	}
	return JobUnknown, nil
}

// hasJob tells whether `lpstat -o` lists the job: each job is a line starting with its id.
func hasJob(out, jobID string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(line, "\t") && f[0] == jobID {
			return true
		}
	}
	return false
}
