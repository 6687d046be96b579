package sound

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kedai-app/kedai/assets"
)

// helperEnv makes the test binary a small program that opens the sound device, plays one clip
// and exits: the device opens once per process, so each case gets a process of its own.
const helperEnv = "KEDAI_SOUND_HELPER"

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		os.Exit(helper(name))
	}
	os.Exit(m.Run())
}

func helper(name string) int {
	clips, err := Decode(assets.Sounds, "sounds")
	if err != nil {
		fmt.Println("decode:", err)
		return 1
	}
	p := Open(clips)
	p.Play(name) // silent players must take this too
	if err := p.Err(); err != nil {
		fmt.Println("silent:", err)
		return 3
	}
	// ALSA's file plugin takes sound as fast as it comes, silence too: stop soon after the clip.
	for deadline := time.Now().Add(3 * time.Second); p.Playing(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			fmt.Println("still playing after 3 s")
			return 1
		}
	}
	time.Sleep(20 * time.Millisecond)
	fmt.Println("played")
	return 0
}

func TestTheStationsSoundsAreDistinct(t *testing.T) {
	clips, err := Decode(assets.Sounds, "sounds")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"already", "done", "must-not-ship", "unknown", "wrong-stage"}
	if p := (&Player{clips: clips}); !slices.Equal(p.Names(), names) {
		t.Fatalf("sounds %v, want %v", p.Names(), names)
	}
	peak := map[string]float64{}
	for _, n := range names {
		c := clips[n]
		secs := float64(len(c.Samples)) / Rate
		if secs < 0.1 || secs > 1.2 {
			t.Errorf("%s lasts %.2f s", n, secs)
		}
		if len(c.PCM) != len(c.Samples)*8 {
			t.Errorf("%s: %d bytes of PCM for %d samples", n, len(c.PCM), len(c.Samples))
		}
		for _, s := range c.Samples {
			peak[n] = max(peak[n], math.Abs(float64(s)))
		}
		if math.Abs(float64(c.Samples[0])) > 0.01 || math.Abs(float64(c.Samples[len(c.Samples)-1])) > 0.01 {
			t.Errorf("%s starts or ends with a click", n)
		}
	}
	// The parcel that must not ship is the loudest; a double read the softest.
	for _, n := range names {
		if n != "must-not-ship" && peak[n] >= peak["must-not-ship"] {
			t.Errorf("%s (peak %.2f) is as loud as must-not-ship (%.2f)", n, peak[n], peak["must-not-ship"])
		}
		if n != "already" && peak[n] <= peak["already"] {
			t.Errorf("%s (peak %.2f) is as soft as already (%.2f)", n, peak[n], peak["already"])
		}
	}
	// Told apart by pitch too: each sound's zero crossings per second differ by a quarter or more.
	pitch := map[string]float64{}
	for _, n := range names {
		c, cross := clips[n].Samples, 0
		for i := 1; i < len(c); i++ {
			if (c[i-1] < 0) != (c[i] < 0) {
				cross++
			}
		}
		pitch[n] = float64(cross) / (float64(len(c)) / Rate)
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			if r := pitch[a] / pitch[b]; r > 0.8 && r < 1.25 {
				t.Errorf("%s and %s sound alike: %.0f and %.0f crossings a second", a, b, pitch[a], pitch[b])
			}
		}
	}
	if _, err := decodeWAV([]byte("RIFF....not a wave")); err == nil {
		t.Error("a broken file decoded")
	}
}

// asound writes an ALSA configuration into a new home folder and returns the folder.
func asound(t *testing.T, conf string) string {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return home
}

func runHelper(t *testing.T, home, name string) (string, int) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+name, "HOME="+home)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// A clip goes through the real sound system: ALSA's file plugin records what the device was
// given, and the clip's samples are found in it, in order.
func TestPlaysThroughTheSoundSystem(t *testing.T) {
	home := t.TempDir()
	rec := filepath.Join(home, "played.raw")
	home = asound(t, fmt.Sprintf("pcm.!default {\n type file\n slave.pcm \"null\"\n file %q\n format \"raw\"\n}\n", rec))
	out, code := runHelper(t, home, "must-not-ship")
	if code != 0 || !strings.Contains(out, "played") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	raw, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	frames := len(raw) / 8
	played := make([]float32, frames) // the left channel
	for i := range frames {
		played[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[i*8:]))
		if right := math.Float32frombits(binary.LittleEndian.Uint32(raw[i*8+4:])); right != played[i] {
			t.Fatalf("frame %d: left %v, right %v", i, played[i], right)
		}
	}
	clips, _ := Decode(assets.Sounds, "sounds")
	// The null device takes sound faster than real time, so on a busy machine the mixer can
	// outrun the goroutine that reads the clip and write silence in between, which a paced
	// device would not. So the clip's sounding samples must all arrive, in order and unchanged;
	// exact silence between them is not counted.
	sounding := func(v []float32) []float32 {
		return slices.DeleteFunc(slices.Clone(v), func(x float32) bool { return x == 0 })
	}
	want, got := sounding(clips["must-not-ship"].Samples), sounding(played)
	if len(got) < len(want) {
		t.Fatalf("the device got %d sounding frames; the clip has %d", len(got), len(want))
	}
	for i, w := range want {
		if d := math.Abs(float64(got[i] - w)); d > 1e-3 {
			t.Fatalf("sounding sample %d of %d: played %v, the clip has %v", i, len(want), got[i], w)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("the device got %d sounding frames, the clip has %d: something else was played", len(got), len(want))
	}
}

// A computer without a sound device: the player says why and stays silent, without failing.
func TestNoSoundDeviceIsSaid(t *testing.T) {
	home := asound(t, "pcm.!default {\n type hw\n card 9\n}\npcm.!plug {\n type hw\n card 9\n}\n")
	out, code := runHelper(t, home, "done")
	if code != 3 || !strings.Contains(out, "no sound device") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
