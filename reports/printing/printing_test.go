package printing

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"
)

func TestParseDestination(t *testing.T) {
	tests := []struct {
		in      string
		want    Destination
		wantErr string // part of the error; "" for none
		text    string // String() of the result; in when empty
	}{
		{in: "kedai-pdf", want: Destination{Kind: KindQueue, Name: "kedai-pdf"}},
		{in: "  HP LaserJet M110w  ", want: Destination{Kind: KindQueue, Name: "HP LaserJet M110w"}, text: "HP LaserJet M110w"},
		{in: `\\office-pc\Brother HL-L2350`, want: Destination{Kind: KindQueue, Name: `\\office-pc\Brother HL-L2350`}},
		{in: "raw:Zebra_ZD220", want: Destination{Kind: KindRaw, Name: "Zebra_ZD220"}},
		{in: "RAW:Zebra_ZD220", want: Destination{Kind: KindRaw, Name: "Zebra_ZD220"}, text: "raw:Zebra_ZD220"},
		{in: "tcp:10.0.0.5:9100", want: Destination{Kind: KindTCP, Addr: "10.0.0.5:9100"}},
		{in: "tcp:10.0.0.5", want: Destination{Kind: KindTCP, Addr: "10.0.0.5:9100"}, text: "tcp:10.0.0.5:9100"},
		{in: "tcp:zebra.local:6101", want: Destination{Kind: KindTCP, Addr: "zebra.local:6101"}},
		{in: "tcp:[fe80::1]:9100", want: Destination{Kind: KindTCP, Addr: "[fe80::1]:9100"}},
		{in: "tcp:[::1]", want: Destination{Kind: KindTCP, Addr: "[::1]:9100"}, text: "tcp:[::1]:9100"},
		{in: "tcp:10.0.0.5:09100", want: Destination{Kind: KindTCP, Addr: "10.0.0.5:9100"}, text: "tcp:10.0.0.5:9100"},
		{in: "", wantErr: "no printer given"},
		{in: "   ", wantErr: "no printer given"},
		{in: "raw:", wantErr: "raw: needs the name of a print queue"},
		{in: "raw:  ", wantErr: "raw: needs the name of a print queue"},
		{in: "tcp:", wantErr: "tcp: needs the label printer's address"},
		{in: "tcp:10.0.0.5:", wantErr: `port "" is not a number`},
		{in: "tcp:10.0.0.5:abc", wantErr: `port "abc" is not a number from 1 to 65535`},
		{in: "tcp:10.0.0.5:0", wantErr: `port "0" is not a number from 1 to 65535`},
		{in: "tcp:10.0.0.5:70000", wantErr: `port "70000" is not a number from 1 to 65535`},
		{in: "tcp::9100", wantErr: "has no host"},
		{in: "tcp:fe80::1", wantErr: "put an IPv6 address in brackets"},
		{in: "tcp:http://10.0.0.5", wantErr: "is a URL; give HOST or HOST:PORT"},
		{in: "tcp:10.0.0.5:9100:1", wantErr: "is not HOST or HOST:PORT"},
		{in: "tcp:10.0.0.5/x:9100", wantErr: "is not a host name or IP address"},
		{in: "kedai\npdf", wantErr: "control characters"},
	}
	for _, tt := range tests {
		got, err := ParseDestination(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDestination(%q) = %+v, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDestination(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		text := tt.text
		if text == "" {
			text = tt.in
		}
		if got.String() != text {
			t.Errorf("ParseDestination(%q).String() = %q, want %q", tt.in, got.String(), text)
		}
		if back, err := ParseDestination(got.String()); err != nil || back != got {
			t.Errorf("ParseDestination(%q) does not read back %+v: %+v, %v", got.String(), got, back, err)
		}
	}
}

func TestPrintRefusesBadDocuments(t *testing.T) {
	ctx := context.Background()
	queue := Destination{Kind: KindRaw, Name: "nowhere"}
	tests := []struct {
		name    string
		doc     Document
		wantErr string
	}{
		{"empty", Document{Title: "AWB", Format: FormatZPL}, `nothing to print: "AWB" is empty`},
		{"format", Document{Title: "AWB", Format: "epl2", Data: []byte("N\n")}, `unknown document format "epl2"`},
		{"copies", Document{Title: "AWB", Format: FormatZPL, Data: []byte("^XA^XZ"), Copies: -1}, "number of copies must be from 1 to 999"},
		{"too many copies", Document{Title: "AWB", Format: FormatZPL, Data: []byte("^XA^XZ"), Copies: 1000}, "number of copies must be from 1 to 999"},
		{"not a pdf", Document{Title: "Picking list", Format: FormatPDF, Data: []byte("hello")}, `"Picking list" is not a PDF document`},
	}
	for _, tt := range tests {
		_, err := Print(ctx, queue, tt.doc)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Print = %v, want an error saying %q", tt.name, err, tt.wantErr)
		}
	}
	if _, err := Print(ctx, Destination{Kind: "lpd", Name: "x"}, Document{Format: FormatZPL, Data: []byte("x")}); err == nil {
		t.Error("Print to an unknown kind of destination succeeded")
	}
}

// labelPrinter is a stand-in for a network label printer: a real TCP listener on 127.0.0.1 that
// keeps every byte of each connection it gets.
type labelPrinter struct {
	ln   net.Listener
	jobs chan []byte
}

func newLabelPrinter(t *testing.T) *labelPrinter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lp := &labelPrinter{ln: ln, jobs: make(chan []byte, 10)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				data, _ := io.ReadAll(c)
				lp.jobs <- data
			}()
		}
	}()
	return lp
}

func (lp *labelPrinter) dest() Destination {
	return Destination{Kind: KindTCP, Addr: lp.ln.Addr().String()}
}

// job waits for the next connection's bytes.
func (lp *labelPrinter) job(t *testing.T) []byte {
	t.Helper()
	select {
	case data := <-lp.jobs:
		return data
	case <-time.After(10 * time.Second):
		t.Fatal("the label printer got no connection within 10 s")
		return nil
	}
}

// noJob checks that nobody connected.
func (lp *labelPrinter) noJob(t *testing.T) {
	t.Helper()
	select {
	case data := <-lp.jobs:
		t.Fatalf("the label printer got a connection with %d bytes; nothing should have been sent", len(data))
	case <-time.After(200 * time.Millisecond):
	}
}

func TestPrintTCPByteExact(t *testing.T) {
	lp := newLabelPrinter(t)
	ctx := context.Background()

	label := []byte("^XA\r\n^CI28^FO50,50^A0N,40,40^FDKedai \xe2\x9c\x93 AWB 123^FS\r\n^XZ\x00\x01\xfe\xff")
	big := make([]byte, 2<<20+12345) // ~2 MB, every byte value, not a multiple of the chunk size
	r := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(r.UintN(256))
	}
	tests := []struct {
		name   string
		data   []byte
		copies int
		want   []byte
	}{
		{"label", label, 0, label},
		{"binary 2 MB", big, 1, big},
		{"three copies", label, 3, bytes.Repeat(label, 3)},
	}
	for _, tt := range tests {
		id, err := Print(ctx, lp.dest(), Document{Title: tt.name, Format: FormatZPL, Data: tt.data, Copies: tt.copies})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := lp.job(t)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("%s: the printer got %d bytes, not the %d sent (first difference at %d)", tt.name, len(got), len(tt.want), firstDiff(got, tt.want))
		}
		if state, err := JobState(ctx, lp.dest(), id); err != nil || state != JobCompleted {
			t.Errorf("%s: JobState(%q) = %q, %v; want completed", tt.name, id, state, err)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestPrintPDFToTCPIsRefused(t *testing.T) {
	lp := newLabelPrinter(t)
	_, err := Print(context.Background(), lp.dest(), Document{Title: "Picking list", Format: FormatPDF, Data: []byte("%PDF-1.4\n%%EOF\n")})
	if !errors.Is(err, ErrWrongFormat) {
		t.Fatalf("Print(PDF to %s) = %v, want ErrWrongFormat", lp.dest(), err)
	}
	if !strings.Contains(err.Error(), "a PDF cannot be sent to the label printer at "+lp.dest().Addr) {
		t.Errorf("message %q does not say what went wrong", err)
	}
	lp.noJob(t)

	_, err = Print(context.Background(), Destination{Kind: KindRaw, Name: "Zebra"}, Document{Title: "Picking list", Format: FormatPDF, Data: []byte("%PDF-1.4\n%%EOF\n")})
	if !errors.Is(err, ErrWrongFormat) {
		t.Errorf("Print(PDF to raw:Zebra) = %v, want ErrWrongFormat", err)
	}
}

func TestPrintTCPRefused(t *testing.T) {
	// A port that was just free: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	// Windows takes about 2 s to give up on a refusing port, retrying the SYN.
	to := Destination{Kind: KindTCP, Addr: addr, Timeout: 10 * time.Second}
	start := time.Now()
	_, err = Print(context.Background(), to, Document{Title: "AWB", Format: FormatZPL, Data: []byte("^XA^XZ")})
	if !errors.Is(err, ErrPrinterUnreachable) {
		t.Fatalf("Print to %s (nobody listening) = %v, want ErrPrinterUnreachable", addr, err)
	}
	if !strings.Contains(err.Error(), "the label printer at "+addr+" refused the connection") {
		t.Errorf("message %q does not say the printer refused the connection", err)
	}
	if d := time.Since(start); d > to.Timeout {
		t.Errorf("the refusal took %v, longer than the %v timeout", d, to.Timeout)
	}
}

func TestPrintTCPStalledPrinter(t *testing.T) {
	// A printer that takes the connection and then never reads: once the socket buffers are
	// full, Print must give up after the timeout rather than hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			held <- c
		}
	}()
	defer func() {
		select {
		case c := <-held:
			c.Close()
		default:
		}
	}()

	to := Destination{Kind: KindTCP, Addr: ln.Addr().String(), Timeout: 500 * time.Millisecond}
	data := bytes.Repeat([]byte("^XA^FDstalled^FS^XZ\n"), (32<<20)/20)
	start := time.Now()
	_, err = Print(context.Background(), to, Document{Title: "AWB", Format: FormatZPL, Data: data})
	if !errors.Is(err, ErrPrinterUnreachable) {
		t.Fatalf("Print to a printer that does not read = %v, want ErrPrinterUnreachable", err)
	}
	if !strings.Contains(err.Error(), "stopped taking data after") || !strings.Contains(err.Error(), "nothing moved for 0.5 s") {
		t.Errorf("message %q does not say the printer stopped taking data", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("giving up took %v", d)
	}
}

func TestPrintTCPCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			time.Sleep(3 * time.Second) // reads nothing
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	to := Destination{Kind: KindTCP, Addr: ln.Addr().String(), Timeout: 30 * time.Second}
	start := time.Now()
	_, err = Print(ctx, to, Document{Title: "AWB", Format: FormatZPL, Data: make([]byte, 32<<20)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Print cancelled mid-way = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancelling took %v", d)
	}
}

func TestJobNumber(t *testing.T) {
	for id, want := range map[string]int{"kedai-pdf-12": 12, "Zebra ZD220-7": 7, "3": 3} {
		if got, err := jobNumber(id); err != nil || got != want {
			t.Errorf("jobNumber(%q) = %d, %v; want %d", id, got, err, want)
		}
	}
	for _, id := range []string{"", "kedai-pdf", "kedai-pdf-0", "kedai-pdf-x"} {
		if _, err := jobNumber(id); err == nil {
			t.Errorf("jobNumber(%q) gave no error", id)
		}
	}
}
