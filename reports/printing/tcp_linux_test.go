package printing

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPrintTCPNoAnswer makes a printer that never answers: a socket listening with a backlog of
// 0 and never accepting. Linux queues one connection; after that, it drops the SYNs, so a second
// connect waits, as it would for a printer that is off.
func TestPrintTCPNoAnswer(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
	// Fill the accept queue.
	for range 2 {
		c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
		if err != nil {
			break
		}
		defer c.Close()
	}

	to := Destination{Kind: KindTCP, Addr: addr, Timeout: time.Second}
	start := time.Now()
	_, err = Print(context.Background(), to, Document{Title: "AWB", Format: FormatZPL, Data: []byte("^XA^XZ")})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrPrinterUnreachable) {
		t.Fatalf("Print to a printer that does not answer = %v, want ErrPrinterUnreachable", err)
	}
	if want := "the label printer at " + addr + " did not answer within 1 s"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q does not say %q", err, want)
	}
	if elapsed < 900*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("giving up took %v, want about the 1 s timeout", elapsed)
	}
}
