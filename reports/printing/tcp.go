package printing

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"
)

// rawChunk is how much is handed to the socket at a time; each chunk gets a fresh deadline, so a
// slow printer that keeps taking data is never cut off, and one that stops is noticed within the
// timeout.
const rawChunk = 32 << 10

// sendRaw writes the document, exactly as given, to a network label printer's raw port.
func sendRaw(ctx context.Context, to Destination, doc Document) (string, error) {
	timeout := to.timeout()
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", to.Addr)
	if err != nil {
		return "", dialError(ctx, to, timeout, err)
	}
	defer conn.Close()
	// Cancelling ctx unblocks a write in progress.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	total := int64(len(doc.Data)) * int64(doc.Copies)
	var sent int64
	for range doc.Copies {
		for p := doc.Data; len(p) > 0; {
			chunk := p[:min(len(p), rawChunk)]
			if err := conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
				return "", writeError(ctx, to, timeout, sent, total, err)
			}
			// A cancel that came before the deadline above was overwritten by it.
			if err := ctx.Err(); err != nil {
				return "", writeError(ctx, to, timeout, sent, total, err)
			}
			n, err := conn.Write(chunk)
			sent += int64(n)
			p = p[n:]
			if err != nil {
				return "", writeError(ctx, to, timeout, sent, total, err)
			}
		}
	}
	// Say the job is over (printers that take one job per connection print now), then take
	// whatever the printer said back (answers to ~HS and the like), so closing does not reset
	// the connection while the printer still reads.
	if tc, ok := conn.(*net.TCPConn); ok {
		if err := tc.CloseWrite(); err != nil {
			return "", writeError(ctx, to, timeout, sent, total, err)
		}
		tc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		io.Copy(io.Discard, tc)
	}
	// Every byte went out: a cancel that arrives now is too late to take the label back.
	return newTCPJobID(), nil
}

func dialError(ctx context.Context, to Destination, timeout time.Duration, err error) error {
	if ctx.Err() != nil {
		return newError(ctx.Err(), err, "printing to the label printer at %s was stopped before it answered: %v", to.Addr, ctx.Err())
	}
	_, port, _ := net.SplitHostPort(to.Addr)
	var dnsErr *net.DNSError
	switch {
	case isTimeout(err):
		return newError(ErrPrinterUnreachable, err, "the label printer at %s did not answer within %s (is it on and on this network?)", to.Addr, seconds(timeout))
	case isRefused(err):
		return newError(ErrPrinterUnreachable, err, "the label printer at %s refused the connection (is it on, and is %s its raw print port?)", to.Addr, port)
	case errors.As(err, &dnsErr):
		return newError(ErrPrinterUnreachable, err, "cannot find the label printer %s: %v", to.Addr, dnsErr)
	default:
		return newError(ErrPrinterUnreachable, err, "cannot reach the label printer at %s: %v", to.Addr, err)
	}
}

func writeError(ctx context.Context, to Destination, timeout time.Duration, sent, total int64, err error) error {
	if ctx.Err() != nil {
		return newError(ctx.Err(), err, "printing to the label printer at %s was stopped after %d of %d bytes: %v", to.Addr, sent, total, ctx.Err())
	}
	if isTimeout(err) {
		return newError(ErrPrinterUnreachable, err, "the label printer at %s stopped taking data after %d of %d bytes (nothing moved for %s)", to.Addr, sent, total, seconds(timeout))
	}
	return newError(ErrPrinterUnreachable, err, "the label printer at %s dropped the connection after %d of %d bytes: %v", to.Addr, sent, total, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// isRefused reports a refused connection; Windows reports it as WSAECONNREFUSED, which
// syscall.ECONNREFUSED does not match there.
func isRefused(err error) bool {
	const wsaeconnrefused = 10061
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == syscall.ECONNREFUSED || errno == wsaeconnrefused)
}
