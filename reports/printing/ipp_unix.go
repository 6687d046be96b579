//go:build !windows

package printing

// JobState needs what lpstat does not print: whether a finished job was completed, cancelled or
// aborted. So it asks the scheduler itself, with one IPP Get-Job-Attributes request (RFC 8011)
// over the connection the CUPS clients would use.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The scheduler's local socket where CUPS is built to put it (Debian, Fedora; older Linux; macOS).
var cupsSockets = []string{"/run/cups/cups.sock", "/var/run/cups/cups.sock", "/private/var/run/cupsd"}

// cupsServer finds the scheduler as libcups does: CUPS_SERVER, then ServerName in the user's and
// the system's client.conf, then the local socket, then localhost. A name starting with "/" is a
// socket.
func cupsServer() (network, addr, host string) {
	s := os.Getenv("CUPS_SERVER")
	if s == "" {
		var confs []string
		if home, err := os.UserHomeDir(); err == nil {
			confs = append(confs, filepath.Join(home, ".cups", "client.conf"))
		}
		root := os.Getenv("CUPS_SERVERROOT")
		if root == "" {
			root = "/etc/cups"
		}
		confs = append(confs, filepath.Join(root, "client.conf"))
		for _, c := range confs {
			if s = serverName(c); s != "" {
				break
			}
		}
	}
	if s == "" {
		for _, sock := range cupsSockets {
			if _, err := os.Stat(sock); err == nil {
				return "unix", sock, "localhost"
			}
		}
		s = "localhost"
	}
	if strings.HasPrefix(s, "/") {
		return "unix", s, "localhost"
	}
	s, _, _ = strings.Cut(s, "/") // "host:port/version=1.1"
	if _, _, err := net.SplitHostPort(s); err != nil {
		port := os.Getenv("IPP_PORT")
		if port == "" {
			port = "631"
		}
		s = net.JoinHostPort(strings.Trim(s, "[]"), port)
	}
	return "tcp", s, s
}

// serverName reads the ServerName line of a client.conf.
func serverName(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if strings.EqualFold(key, "ServerName") {
			return strings.TrimSpace(val)
		}
	}
	return ""
}

// IPP encoding: value tags and the operation used.
const (
	ippOperationGroup = 0x01
	ippJobGroup       = 0x02
	ippEndGroups      = 0x03
	ippTagEnum        = 0x23
	ippTagName        = 0x42
	ippTagURI         = 0x45
	ippTagCharset     = 0x47
	ippTagLanguage    = 0x48
	ippTagKeyword     = 0x44
	ippGetJobAttrs    = 0x0009
	ippNotFound       = 0x0406
)

// ippJobState asks the scheduler for the job-state of job n.
func ippJobState(ctx context.Context, n int) (string, error) {
	network, addr, host := cupsServer()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()

	var req bytes.Buffer
	req.Write([]byte{2, 0}) // IPP 2.0
	binary.Write(&req, binary.BigEndian, uint16(ippGetJobAttrs))
	binary.Write(&req, binary.BigEndian, uint32(1)) // request id
	req.WriteByte(ippOperationGroup)
	ippAttr(&req, ippTagCharset, "attributes-charset", []byte("utf-8"))
	ippAttr(&req, ippTagLanguage, "attributes-natural-language", []byte("en"))
	ippAttr(&req, ippTagURI, "job-uri", []byte("ipp://localhost/jobs/"+strconv.Itoa(n)))
	ippAttr(&req, ippTagName, "requesting-user-name", []byte(userName()))
	ippAttr(&req, ippTagKeyword, "requested-attributes", []byte("job-state"))
	req.WriteByte(ippEndGroups)

	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		DisableKeepAlives: true,
	}}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+host+"/jobs/", &req)
	if err != nil {
		return JobUnknown, err
	}
	hreq.Header.Set("Content-Type", "application/ipp")
	resp, err := client.Do(hreq)
	if err != nil {
		return JobUnknown, fmt.Errorf("asking the print service about job %d: %w", n, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return JobUnknown, fmt.Errorf("asking the print service about job %d: %w", n, err)
	}
	if resp.StatusCode != http.StatusOK {
		return JobUnknown, fmt.Errorf("asking the print service about job %d: HTTP %s", n, resp.Status)
	}
	status, state, err := parseJobState(body)
	if err != nil {
		return JobUnknown, fmt.Errorf("asking the print service about job %d: %w", n, err)
	}
	switch {
	case status == ippNotFound:
		return JobUnknown, nil
	case status >= 0x0400:
		return JobUnknown, fmt.Errorf("asking the print service about job %d: IPP status 0x%04x", n, status)
	}
	switch state {
	case 3, 4: // pending, pending-held
		return JobPending, nil
	case 5: // processing
		return JobPrinting, nil
	case 6: // processing-stopped
		return JobStopped, nil
	case 7:
		return JobCancelled, nil
	case 8:
		return JobAborted, nil
	case 9:
		return JobCompleted, nil
	}
	return JobUnknown, nil
}

func ippAttr(b *bytes.Buffer, tag byte, name string, value []byte) {
	b.WriteByte(tag)
	binary.Write(b, binary.BigEndian, uint16(len(name)))
	b.WriteString(name)
	binary.Write(b, binary.BigEndian, uint16(len(value)))
	b.Write(value)
}

// parseJobState reads an IPP response: its status code and the job-state in the job group
// (0 when there is none).
func parseJobState(b []byte) (status uint16, state int, err error) {
	if len(b) < 8 {
		return 0, 0, errors.New("short IPP response")
	}
	status = binary.BigEndian.Uint16(b[2:4])
	p := b[8:]
	var group byte
	name := ""
	for len(p) > 0 {
		tag := p[0]
		p = p[1:]
		if tag == ippEndGroups {
			return status, state, nil
		}
		if tag < 0x10 { // a new group
			group = tag
			continue
		}
		if len(p) < 2 {
			return status, state, errors.New("truncated IPP response")
		}
		nl := int(binary.BigEndian.Uint16(p))
		if len(p) < 2+nl+2 {
			return status, state, errors.New("truncated IPP response")
		}
		if nl > 0 { // an empty name continues the attribute before
			name = string(p[2 : 2+nl])
		}
		p = p[2+nl:]
		vl := int(binary.BigEndian.Uint16(p))
		if len(p) < 2+vl {
			return status, state, errors.New("truncated IPP response")
		}
		v := p[2 : 2+vl]
		p = p[2+vl:]
		if group == ippJobGroup && name == "job-state" && tag == ippTagEnum && vl == 4 {
			state = int(binary.BigEndian.Uint32(v))
		}
	}
	return status, state, nil
}

func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "kedai"
}
