//go:build !windows

package printing

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

// Output of CUPS 2.4's lpstat -l -p, cut down, with states the test scheduler does not reach:
// a printer printing and one whose backend reports it offline.
const lpstatLong = `printer Front_Desk disabled since Sun Nov 22 11:14:09 2026 -
	reason unknown
	Form mounted:
	Content types: any
	Printer types: unknown
	Description: HP LaserJet M110w
	Alerts: paused
	Location: Front desk
	Connection: direct
printer Zebra now printing Zebra-41.  enabled since Sun Nov 22 11:18:16 2026
	Sending data to printer.
	Form mounted:
	Description: Zebra ZD220
	Alerts: none
printer Brother is idle.  enabled since Sun Nov 22 11:18:16 2026
	Waiting for printer to become available.
	Form mounted:
	Description: 
	Alerts: offline-report
printer TSC is idle.  enabled since Sun Nov 22 11:18:16 2026
	Form mounted:
	Description: TSC TE200
	Alerts: media-empty-warning cover-open
`

func TestParsePrinters(t *testing.T) {
	got := parsePrinters(lpstatLong)
	want := []Printer{
		{Name: "Front_Desk", Description: "HP LaserJet M110w", State: StateStopped, Accepting: true},
		{Name: "Zebra", Description: "Zebra ZD220", State: StatePrinting, Reason: "Sending data to printer.", Accepting: true},
		{Name: "Brother", State: StateOffline, Reason: "Waiting for printer to become available.", Accepting: true},
		{Name: "TSC", Description: "TSC TE200", State: StateIdle, Reason: "media-empty-warning, cover-open", Accepting: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsePrinters =\n%+v\nwant\n%+v", got, want)
	}
	// lpstat -p without -l.
	short := "printer kedai-off disabled since Sun Nov 22 11:14:09 2026 -\n\tPaused for the test\nprinter kedai-pdf is idle.  enabled since Sun Nov 22 11:14:09 2026\n"
	got = parsePrinters(short)
	want = []Printer{
		{Name: "kedai-off", State: StateStopped, Reason: "Paused for the test", Accepting: true},
		{Name: "kedai-pdf", State: StateIdle, Accepting: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsePrinters(short) =\n%+v\nwant\n%+v", got, want)
	}
	if got := parsePrinters(""); got != nil {
		t.Errorf("parsePrinters(\"\") = %+v", got)
	}
}

func TestParseAcceptingAndDefault(t *testing.T) {
	out := "kedai-pdf accepting requests since Sun Nov 22 11:14:09 2026\nkedai-rej not accepting requests since Sun Nov 22 11:14:09 2026 -\n\tNo more jobs today\n"
	if got, want := parseAccepting(out), map[string]bool{"kedai-pdf": true, "kedai-rej": false}; !reflect.DeepEqual(got, want) {
		t.Errorf("parseAccepting = %v, want %v", got, want)
	}
	if got := acceptReason(out, "kedai-rej"); got != "No more jobs today" {
		t.Errorf("acceptReason = %q", got)
	}
	for out, want := range map[string]string{
		"system default destination: kedai-pdf\n":    "kedai-pdf",
		"system default destination: Zebra/labels\n": "Zebra",
		"no system default destination\n":            "",
		"lpstat: No destinations added.\n":           "",
	} {
		if got := parseDefault(out); got != want {
			t.Errorf("parseDefault(%q) = %q, want %q", out, got, want)
		}
	}
}

func TestParseJobState(t *testing.T) {
	var b bytes.Buffer
	b.Write([]byte{2, 0, 0, 0, 0, 0, 0, 1}) // IPP 2.0, successful-ok, request 1
	b.WriteByte(ippOperationGroup)
	ippAttr(&b, ippTagCharset, "attributes-charset", []byte("utf-8"))
	b.WriteByte(ippJobGroup)
	ippAttr(&b, ippTagKeyword, "job-state-reasons", []byte("job-completed-successfully"))
	ippAttr(&b, ippTagKeyword, "", []byte("another-value"))
	state := make([]byte, 4)
	binary.BigEndian.PutUint32(state, 7)
	ippAttr(&b, ippTagEnum, "job-state", state)
	b.WriteByte(ippEndGroups)

	status, got, err := parseJobState(b.Bytes())
	if err != nil || status != 0 || got != 7 {
		t.Errorf("parseJobState = %#x, %d, %v; want 0, 7, nil", status, got, err)
	}
	for n := range b.Len() - 1 {
		if n < 8 {
			continue
		}
		// Cut anywhere: an error or a partial answer, never a panic.
		parseJobState(b.Bytes()[:n])
	}
	if _, _, err := parseJobState([]byte{2, 0}); err == nil {
		t.Error("parseJobState of 2 bytes gave no error")
	}
}
