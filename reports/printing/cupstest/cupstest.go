//go:build linux

// Package cupstest runs a private CUPS scheduler for tests that print for real: its own
// configuration, spool and socket in a temporary folder, and these queues:
//
//	kedai-pdf   cups-pdf (the default printer): PDFs come out as PDF files in Server.PDFOut
//	kedai-raw   a raw queue whose socket:// device is a TCP listener (Server.Jobs gets each job)
//	kedai-slow  a raw queue whose device takes the connection and never reads (jobs stay printing)
//	kedai-off   disabled (cupsdisable -r ...)
//	kedai-rej   not accepting jobs (cupsreject -r ...)
//	kedai-bad   cups-pdf again, for a document its filters cannot read
//
// The system's own cupsd, if any, is not touched. Starting cupsd and adding queues takes root.
package cupstest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cupsPDFConfDir is where the cups-pdf backend reads its configuration: a path built into it
// (`strings /usr/lib/cups/backend/cups-pdf`), whatever the scheduler's ServerRoot. A device URI
// cups-pdf:/NAME makes it read cups-pdf-NAME.conf there, so the tests add one such file for their
// own output folder and remove it afterwards.
const cupsPDFConfDir = "/etc/cups"

// Server is a private CUPS scheduler with the test queues (see the package comment).
type Server struct {
	Dir     string // everything of the scheduler's: config, spool, logs, socket
	Sock    string
	PDFOut  string // where cups-pdf writes the PDFs: job_<N>-<title>.pdf
	pdfConf string // cupsPDFConfDir/cups-pdf-<instance>.conf
	cupsd   *exec.Cmd
	exited  chan struct{}
	Labels  net.Listener  // kedai-raw's device
	Jobs    chan []byte   // what kedai-raw's device got, one entry per connection
	Stalled net.Listener  // kedai-slow's device
	Held    chan net.Conn // kedai-slow's connections, never read
	Bin     map[string]string
}

func findTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

// Start starts the scheduler and adds the queues; call Stop when done (also after an error, when
// the Server is not nil). The process's CUPS_SERVER and related variables point at it from then on.
func Start() (*Server, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("these tests run their own CUPS scheduler and add queues to it, which takes root; run them as root (in CI: sudo -E env PATH=\"$PATH\" go test ./...)")
	}
	c := &Server{Bin: map[string]string{}, Jobs: make(chan []byte, 16), Held: make(chan net.Conn, 16)}
	for _, tool := range []string{"cupsd", "lpadmin", "cupsenable", "cupsdisable", "cupsreject", "cancel", "lp", "lpstat", "pdftotext"} {
		p, err := findTool(tool)
		if err != nil {
			return nil, fmt.Errorf("%v: install cups, cups-client, printer-driver-cups-pdf and poppler-utils", err)
		}
		c.Bin[tool] = p
	}
	const backend = "/usr/lib/cups/backend/cups-pdf"
	if _, err := os.Stat(backend); err != nil {
		return nil, fmt.Errorf("the cups-pdf backend is missing (%v): install printer-driver-cups-pdf", err)
	}
	ppd := ""
	for _, pattern := range []string{"/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd", "/usr/share/ppd/cups-pdf/*.ppd", "/usr/share/cups/model/CUPS-PDF*.ppd", "/usr/share/ppd/cupsfilters/CUPS-PDF*.ppd"} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			ppd = m[0]
			break
		}
	}
	if ppd == "" {
		return nil, errors.New("no cups-pdf PPD under /usr/share/ppd/cups-pdf: install printer-driver-cups-pdf")
	}
	sweepStaleCUPSPDFConfs()

	// A short path: the scheduler's socket name must fit in 108 bytes.
	base := os.TempDir()
	if len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "kedai-cups-")
	if err != nil {
		return nil, err
	}
	c.Dir = dir
	c.Sock = filepath.Join(dir, "cups.sock")
	c.PDFOut = filepath.Join(dir, "pdf")
	// Filters run as the unprivileged user lp, and need to get through to the spool.
	if err := os.Chmod(dir, 0o755); err != nil {
		return c, err
	}
	for _, sub := range []string{"root", "spool", "cache", "state", "log", "pdf", "home"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return c, err
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o1777); err != nil {
		return c, err
	}
	os.Chmod(filepath.Join(dir, "tmp"), 0o1777) // past the umask

	files := fmt.Sprintf(`ServerRoot %[1]s/root
RequestRoot %[1]s/spool
CacheDir %[1]s/cache
StateDir %[1]s/state
TempDir %[1]s/tmp
ErrorLog %[1]s/log/error_log
AccessLog %[1]s/log/access_log
PageLog %[1]s/log/page_log
Printcap
SystemGroup root
User lp
Group lp
`, dir)
	conf := fmt.Sprintf(`LogLevel debug
Listen %s
Browsing No
BrowseLocalProtocols none
DefaultShared No
WebInterface No
DefaultAuthType None
ErrorPolicy abort-job
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow localhost
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
`, c.Sock)
	instance := "kedaitest" + strconv.Itoa(os.Getpid())
	pdfConf := fmt.Sprintf(`Out %[1]s/pdf
AnonDirName %[1]s/pdf
Spool %[1]s/pdfspool
Log %[1]s/log
LogType 7
Label 1
GSTmp %[1]s/tmp
`, dir)
	for name, text := range map[string]string{"root/cups-files.conf": files, "root/cupsd.conf": conf} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return c, err
		}
	}
	c.pdfConf = filepath.Join(cupsPDFConfDir, "cups-pdf-"+instance+".conf")
	if err := os.WriteFile(c.pdfConf, []byte(pdfConf), 0o644); err != nil {
		c.pdfConf = ""
		return c, fmt.Errorf("writing the cups-pdf configuration: %w", err)
	}

	// The clients (ours and the tests') talk to this scheduler only, and read no lpoptions or
	// client.conf of the machine's.
	os.Setenv("CUPS_SERVER", c.Sock)
	os.Setenv("CUPS_SERVERROOT", filepath.Join(dir, "root"))
	os.Setenv("CUPS_STATEDIR", filepath.Join(dir, "state"))
	os.Setenv("HOME", filepath.Join(dir, "home"))
	os.Unsetenv("LPDEST")
	os.Unsetenv("PRINTER")

	out, err := os.Create(filepath.Join(dir, "log", "cupsd.out"))
	if err != nil {
		return c, err
	}
	defer out.Close()
	c.cupsd = exec.Command(c.Bin["cupsd"], "-f", "-c", filepath.Join(dir, "root", "cupsd.conf"), "-s", filepath.Join(dir, "root", "cups-files.conf"))
	c.cupsd.Stdout, c.cupsd.Stderr = out, out
	// Should the test binary die without its cleanup, the scheduler goes with it.
	c.cupsd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := c.cupsd.Start(); err != nil {
		return c, err
	}
	c.exited = make(chan struct{})
	go func() { c.cupsd.Wait(); close(c.exited) }()
	if err := c.waitRunning(15 * time.Second); err != nil {
		return c, err
	}

	// The label printer behind kedai-raw, and one that never reads, behind kedai-slow.
	if c.Labels, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return c, err
	}
	go func() {
		for {
			conn, err := c.Labels.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				data, _ := io.ReadAll(conn)
				c.Jobs <- data
			}()
		}
	}()
	if c.Stalled, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return c, err
	}
	go func() {
		for {
			conn, err := c.Stalled.Accept()
			if err != nil {
				return
			}
			c.Held <- conn
		}
	}()

	steps := [][]string{
		{"lpadmin", "-p", "kedai-pdf", "-E", "-v", "cups-pdf:/" + instance, "-P", ppd, "-D", "Kedai PDF test"},
		{"lpadmin", "-p", "kedai-raw", "-E", "-v", "socket://" + c.Labels.Addr().String(), "-D", "Kedai label test"},
		{"lpadmin", "-p", "kedai-slow", "-E", "-v", "socket://" + c.Stalled.Addr().String(), "-D", "Kedai slow label test"},
		{"lpadmin", "-p", "kedai-off", "-E", "-v", "socket://127.0.0.1:9", "-D", "Kedai disabled test"},
		{"cupsdisable", "-r", "Paused by the Kedai test", "kedai-off"},
		{"lpadmin", "-p", "kedai-rej", "-E", "-v", "socket://127.0.0.1:9", "-D", "Kedai rejecting test"},
		{"cupsreject", "-r", "Not taking jobs in the Kedai test", "kedai-rej"},
		{"lpadmin", "-p", "kedai-bad", "-E", "-v", "cups-pdf:/" + instance, "-P", ppd},
		{"lpadmin", "-d", "kedai-pdf"},
	}
	for _, step := range steps {
		if _, err := c.Run(step[0], step[1:]...); err != nil {
			return c, err
		}
	}
	return c, nil
}

// waitRunning waits for the scheduler to answer on its socket.
func (c *Server) waitRunning(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-c.exited:
			return fmt.Errorf("cupsd exited at start: %s", c.LogTail())
		default:
		}
		if out, err := exec.Command(c.Bin["lpstat"], "-r").CombinedOutput(); err == nil && strings.TrimSpace(string(out)) == "scheduler is running" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cupsd did not answer on %s within %v: %s", c.Sock, limit, c.LogTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// run runs one of the CUPS tools against the test scheduler.
func (c *Server) Run(tool string, args ...string) (string, error) {
	cmd := exec.Command(c.Bin[tool], args...)
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v: %s", tool, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// logTail is the end of the scheduler's error log, for failure messages.
func (c *Server) LogTail() string {
	var b []byte
	for _, name := range []string{"cupsd.out", "error_log"} {
		data, _ := os.ReadFile(filepath.Join(c.Dir, "log", name))
		b = append(b, data...)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}

// stop ends the scheduler and removes everything the tests made.
func (c *Server) Stop() error {
	var errs []error
	if c.cupsd != nil && c.cupsd.Process != nil && c.exited != nil {
		c.cupsd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			c.cupsd.Process.Kill()
			<-c.exited
			errs = append(errs, errors.New("cupsd did not stop on SIGTERM within 10 s; killed it"))
		}
	}
	for _, ln := range []net.Listener{c.Labels, c.Stalled} {
		if ln != nil {
			ln.Close()
		}
	}
drain:
	for {
		select {
		case conn := <-c.Held:
			conn.Close()
		default:
			break drain
		}
	}
	if c.pdfConf != "" {
		if err := os.Remove(c.pdfConf); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
	}
	if c.Dir != "" {
		if err := os.RemoveAll(c.Dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sweepStaleCUPSPDFConfs removes cups-pdf configurations left by test runs that were killed.
func sweepStaleCUPSPDFConfs() {
	old, _ := filepath.Glob(filepath.Join(cupsPDFConfDir, "cups-pdf-kedaitest*.conf"))
	for _, f := range old {
		pid, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "cups-pdf-kedaitest"), ".conf"))
		if err != nil {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.Remove(f)
		}
	}
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
)

// Use starts the test binary's scheduler the first time a test needs it; Main stops it.
func Use(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() {
		shared, sharedErr = Start()
		if sharedErr != nil && shared != nil {
			if err := shared.Stop(); err != nil {
				sharedErr = fmt.Errorf("%w (and stopping it: %v)", sharedErr, err)
			}
			shared = nil
		}
	})
	if sharedErr != nil {
		t.Fatalf("starting a private CUPS scheduler: %v", sharedErr)
	}
	return shared
}

// Main runs the tests and then stops the scheduler Use started, if any: call it from TestMain
// as os.Exit(cupstest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test CUPS scheduler:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// PDFs lists the PDF files cups-pdf has written so far.
func (c *Server) PDFs() []string {
	files, _ := filepath.Glob(filepath.Join(c.PDFOut, "*.pdf"))
	return files
}

// WaitPDF waits for cups-pdf to write a new PDF (one not in before) and returns its path.
func (c *Server) WaitPDF(t testing.TB, before []string, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		for _, f := range c.PDFs() {
			if !slices.Contains(before, f) {
				if st, err := os.Stat(f); err == nil && st.Size() > 0 {
					time.Sleep(200 * time.Millisecond) // cups-pdf may still be writing
					return f
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("cups-pdf wrote no PDF within %v:\n%s", limit, c.LogTail())
	return ""
}
