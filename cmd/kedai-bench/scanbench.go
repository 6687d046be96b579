package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

var scanRe = regexp.MustCompile(`scanbench n=(\d+) median-us=(\d+) p99-us=(\d+) feedback-median-us=(\d+) feedback-p99-us=(\d+) ` +
	`floor-median-us=(\d+) floor-p99-us=(\d+) arrival-median-us=(\d+) arrival-p99-us=(\d+) arrival-floor-median-us=(\d+) arrival-floor-p99-us=(\d+)`)

// scanCount is how many parcels the scan benchmark scans.
const scanCount = 200

// scanRows measures the scan station on a copy of the workspace (scans move orders To Ship): the
// window (under Xvfb) opens on the station and scans To Process parcels by tracking number, each
// typed into the scan field with Enter as a scanner does, and times each from the Enter to the
// frame that shows its feedback drawn.
func scanRows(kedai, workspace string) ([]row, error) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		return nil, fmt.Errorf("the scan figures need xvfb-run (apt-get install xvfb xauth)")
	}
	dir, err := os.MkdirTemp("", "kedai-scanbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "scan.db")
	if err := copyFile(workspace, path); err != nil {
		return nil, err
	}
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", kedai, "--db", path, "--screen", "scan")
	cmd.Env = append(os.Environ(), "KEDAI_BENCH_SCAN="+strconv.Itoa(scanCount), "KEDAI_KEY_DIR="+filepath.Join(dir, "keys"), "LANG=en_US.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("scan window run: %v\n%s", err, out)
	}
	m := scanRe.FindSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("the window printed no scan report:\n%s", out)
	}
	us := func(i int) time.Duration {
		v, _ := strconv.Atoi(string(m[i]))
		return time.Duration(v) * time.Microsecond
	}
	n := string(m[1])
	floorNote := "floor: the same window repainted with nothing changed"
	return []row{
		{name: "scan to feedback: lookup, To Ship, repaint", median: us(2), p99: us(3), target: 20 * time.Millisecond, floor: us(6),
			note: fmt.Sprintf("%s scans, from the Enter to the frame drawn; lookup and To Ship %s median, %s p99; %s", n, ms(us(4)), ms(us(5)), floorNote)},
		{name: "scan to feedback, p99", median: us(2), p99: us(3), target: 50 * time.Millisecond, targetP99: true, floor: us(7),
			note: floorNote + " (p99)"},
		{name: "scan to feedback from the key's arrival", median: us(8), p99: us(9), floor: us(10),
			note: "adds the wait for the window's next frame, when keys are read (60 a second); floor: the same for a repaint with no change"},
	}, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
