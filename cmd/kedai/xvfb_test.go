//go:build xvfb

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests drive the real binary in a real X server. `make test` runs them; they need Xvfb,
// xdotool and ImageMagick, which .ci/run installs, and fail (never skip) without them.

// buildKedai compiles the window binary once per test run.
func buildKedai(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kedai")
	cmd := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building kedai: %v\n%s", err, out)
	}
	return bin
}

// display is an Xvfb server for one test.
type display struct {
	name string
	cmd  *exec.Cmd
}

func startXvfb(t *testing.T) *display {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb (install the xvfb package): %v", err)
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	d := &display{name: ":" + strings.TrimSpace(line), cmd: cmd}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return d
}

func (d *display) env() []string {
	return append(os.Environ(), "DISPLAY="+d.name, "LANG=en_US.UTF-8", "KEDAI_KEY_DIR="+keyDir)
}

// keyDir keeps the window tests' secrets keys out of the user's config folder.
var keyDir = func() string {
	dir, _ := os.MkdirTemp("", "kedai-window-keys")
	return dir
}()

// waitWindow waits until a window with the title is mapped.
func (d *display) waitWindow(t *testing.T, title string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", title)
		cmd.Env = d.env()
		out, _ := cmd.Output()
		if id := strings.TrimSpace(string(out)); id != "" {
			return strings.Fields(id)[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no window titled %q after %v", title, timeout)
	return ""
}

// screenshot captures the whole screen as PNG bytes.
func (d *display) screenshot(t *testing.T) []byte {
	t.Helper()
	cmd := exec.Command("import", "-window", "root", "png:-")
	cmd.Env = d.env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("screenshot (install imagemagick): %v", err)
	}
	return out
}

// rendered reports whether a screenshot shows a drawn window: many colours, most of the screen
// covered, and the accent colour of the highlighted tab button somewhere.
func rendered(png []byte) (ok bool, why string) {
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		return false, err.Error()
	}
	b := img.Bounds()
	colours := map[color.RGBA]int{}
	accent := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
			colours[c]++
			if c.B > 180 && c.R < 120 && c.G > 80 && c.G < 200 { // Fyne's primary blue
				accent++
			}
		}
	}
	most := 0
	for _, n := range colours {
		most = max(most, n)
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	// The table body (below the filters, left of any scroll bar) must hold drawn rows: with rows
	// of text no colour covers more than about 87% of it; empty cells leave it one colour and
	// grid lines (97%).
	body := map[color.RGBA]int{}
	bodyN, bodyMost := 0, 0
	for y := b.Dy() * 30 / 100; y < b.Dy()*90/100; y++ {
		for x := 0; x < b.Dx()*80/100; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
			body[c]++
			bodyN++
			bodyMost = max(bodyMost, body[c])
		}
	}
	switch {
	case len(colours) < 30:
		return false, fmt.Sprintf("only %d colours", len(colours))
	case most > total*97/100:
		return false, "one colour covers the screen"
	case accent < 50:
		return false, "no highlighted tab"
	case bodyMost > bodyN*92/100:
		return false, fmt.Sprintf("the order table is empty (%d%% one colour)", 100*bodyMost/bodyN)
	}
	return true, ""
}

// shotPath is where screenshots are kept for people to look at (CI keeps this folder).
func shotPath(t *testing.T, name string) string {
	dir := os.Getenv("KEDAI_SHOTS")
	if dir == "" {
		dir, _ = filepath.Abs("../../shots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// key sends keystrokes to the focused window, as a person at the keyboard would.
func (d *display) key(t *testing.T, keys ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", append([]string{"key", "--delay", "50"}, keys...)...)
	cmd.Env = d.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool key %v: %v %s", keys, err, out)
	}
}

// waitRendered takes screenshots until one shows the order list, and keeps the last.
func (d *display) waitRendered(t *testing.T, name string, stderr *bytes.Buffer) {
	t.Helper()
	var png []byte
	var why string
	deadline := time.Now().Add(20 * time.Second)
	for {
		png = d.screenshot(t)
		var ok bool
		if ok, why = rendered(png); ok || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	path := shotPath(t, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Println("screenshot:", path)
	if why != "" {
		t.Fatalf("the window did not render (%s); stderr:\n%s", why, stderr.String())
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Fatalf("kedai panicked:\n%s", stderr.String())
	}
}

// launch starts the window on the display and stops it when the test ends; its stderr is kept.
func (d *display) launch(t *testing.T, bin string, args ...string) *bytes.Buffer {
	t.Helper()
	app := exec.Command(bin, args...)
	app.Env = d.env()
	var stderr bytes.Buffer
	app.Stderr = &stderr
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	d.waitWindow(t, "Kedai", 30*time.Second)
	return &stderr
}

// The first start on a new data file offers the demo workspace; Enter takes it.
func TestWindowFirstStartOffersDemo(t *testing.T) {
	bin := buildKedai(t)
	data := filepath.Join(t.TempDir(), "new", "kedai.db")
	d := startXvfb(t)
	stderr := d.launch(t, bin, "--db", data)
	time.Sleep(time.Second)
	if ok, _ := rendered(d.screenshot(t)); ok {
		t.Fatal("a new data file went straight to the order list")
	}
	if _, err := os.Stat(data); err == nil {
		t.Fatal("the data file exists before the seller chose")
	}
	d.key(t, "Return")
	d.waitRendered(t, "first-start-demo.png", stderr)
	if st, err := os.Stat(data); err != nil || st.Size() == 0 {
		t.Fatalf("no demo workspace was written: %v", err)
	}
}

func TestWindowShowsOrders(t *testing.T) {
	bin := buildKedai(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "demo.db")
	demo := exec.Command(bin, "demo", "--db", data, "--orders", "3000")
	demo.Env = append(os.Environ(), "KEDAI_KEY_DIR="+keyDir)
	if out, err := demo.CombinedOutput(); err != nil {
		t.Fatalf("kedai demo: %v\n%s", err, out)
	}
	d := startXvfb(t)
	d.waitRendered(t, "orders-window.png", d.launch(t, bin, "--db", data))
}

// A seller packs everything on New Order from the keyboard alone: the tab, select all, pack,
// the shipping question for each Shopee and TikTok store, the confirmation, and closing the
// result. Every order that could be packed is on To Process afterwards.
// demoWorkspace builds kedai and a demo workspace of n orders; run runs a kedai command on it
// and returns its output.
func demoWorkspace(t *testing.T, n int) (bin, data string, run func(args ...string) []byte) {
	bin = buildKedai(t)
	data = filepath.Join(t.TempDir(), "demo.db")
	env := append(os.Environ(), "KEDAI_KEY_DIR="+keyDir)
	run = func(args ...string) []byte {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.Output()
		if err != nil {
			t.Fatalf("kedai %v: %v", args, err)
		}
		return out
	}
	run("demo", "--db", data, "--orders", strconv.Itoa(n))
	return bin, data, run
}

func TestWindowPacksByKeyboard(t *testing.T) {
	bin, data, run := demoWorkspace(t, 3000)
	type row struct {
		OrderNo string `json:"order_no"`
		Status  string `json:"platform_status"`
		Tab     string `json:"tab"`
	}
	var before []row
	json.Unmarshal(run("orders", "--db", data, "--tab", "new", "--json"), &before)
	if len(before) < 10 {
		t.Fatalf("%d orders on New Order", len(before))
	}
	d := startXvfb(t)
	stderr := d.launch(t, bin, "--db", data)
	d.waitRendered(t, "pack-before.png", stderr)
	d.key(t, "alt+2", "ctrl+shift+a")
	time.Sleep(time.Second)
	d.key(t, "ctrl+shift+k")
	time.Sleep(time.Second)
	for range 4 { // two Shopee and two TikTok stores: "Remember and go on"
		d.key(t, "Return")
		time.Sleep(time.Second)
	}
	d.key(t, "Return") // "Pack N orders?"
	time.Sleep(4 * time.Second)
	shot := d.screenshot(t)
	os.WriteFile(shotPath(t, "pack-result.png"), shot, 0o644)
	d.key(t, "Return") // close the result
	time.Sleep(time.Second)
	if strings.Contains(stderr.String(), "panic") {
		t.Fatalf("kedai panicked:\n%s", stderr.String())
	}
	var after []row
	json.Unmarshal(run("orders", "--db", data, "--json"), &after)
	tab := map[string]row{}
	for _, r := range after {
		tab[r.OrderNo] = r
	}
	packed := 0
	for _, b := range before {
		switch a := tab[b.OrderNo]; {
		case b.Status == "ON_HOLD": // TikTok's hold: refused, stays
		case a.Tab == "to-process":
			packed++
		default:
			t.Errorf("%s (%s) is on %s after the pack", b.OrderNo, b.Status, a.Tab)
		}
	}
	if packed == 0 {
		t.Fatal("nothing was packed")
	}
	t.Logf("%d of %d orders on New Order packed by keyboard", packed, len(before))
}

// The scan station on a packing PC: the app opens straight on it, a scanner types a parcel's
// tracking number at scanner speed and Return, and the order is on To Ship.
func TestWindowScanStation(t *testing.T) {
	bin, data, run := demoWorkspace(t, 2000)
	type row struct {
		OrderNo  string `json:"order_no"`
		Platform string `json:"platform"`
		Tab      string `json:"tab"`
		Tracking string `json:"tracking_no"`
	}
	var waiting []row
	json.Unmarshal(run("orders", "--db", data, "--tab", "to-process", "--json"), &waiting)
	var parcel row
	for _, r := range waiting {
		if r.Tracking != "" && !strings.Contains(r.Tracking, ",") && (parcel.OrderNo == "" || r.Platform == "shopee") {
			parcel = r
		}
	}
	if parcel.OrderNo == "" {
		t.Fatalf("no parcel with a tracking number on To Process among %d orders", len(waiting))
	}
	d := startXvfb(t)
	stderr := d.launch(t, bin, "--db", data, "--screen", "scan")
	d.waitRendered(t, "scan-before.png", stderr)
	cmd := exec.Command("xdotool", "type", "--delay", "5", parcel.Tracking)
	cmd.Env = d.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool type: %v %s", err, out)
	}
	d.key(t, "Return")
	deadline := time.Now().Add(30 * time.Second)
	var now []row
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		json.Unmarshal(run("orders", "--db", data, "--search", parcel.OrderNo, "--json"), &now)
		if len(now) == 1 && now[0].Tab == "to-ship" {
			break
		}
	}
	shot := shotPath(t, "scan-after.png")
	os.WriteFile(shot, d.screenshot(t), 0o644)
	fmt.Println("screenshot:", shot)
	if len(now) != 1 || now[0].Tab != "to-ship" {
		t.Fatalf("after scanning %s (%s order %s): %+v\n%s", parcel.Tracking, parcel.Platform, parcel.OrderNo, now, stderr.String())
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Fatalf("kedai panicked:\n%s", stderr.String())
	}
}
