// Package sound plays the scan station's sounds through the computer's speaker. A computer
// without a working sound device is silent and says why (Err); nothing else changes.
package sound

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/go-audio/wav"
)

// Rate is the sample rate the sounds are played at; the device gets 32-bit float stereo.
const Rate = 44100

// Clip is one decoded sound, ready for the device.
type Clip struct {
	Name    string
	Samples []float32 // mono, at Rate
	PCM     []byte    // interleaved float32 little-endian stereo, as the device takes it
}

// Decode reads every .wav in a folder of sounds (16-bit PCM, mono or stereo, at Rate), by its name
// without ".wav".
func Decode(files fs.FS, dir string) (map[string]Clip, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, err
	}
	clips := map[string]Clip{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".wav") {
			continue
		}
		data, err := fs.ReadFile(files, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		c, err := decodeWAV(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		c.Name = strings.TrimSuffix(e.Name(), ".wav")
		clips[c.Name] = c
	}
	return clips, nil
}

func decodeWAV(data []byte) (Clip, error) {
	d := wav.NewDecoder(bytes.NewReader(data))
	if !d.IsValidFile() {
		return Clip{}, errors.New("not a WAV file")
	}
	buf, err := d.FullPCMBuffer()
	if err != nil {
		return Clip{}, err
	}
	f := buf.Format
	if f == nil || f.SampleRate != Rate || d.BitDepth != 16 || f.NumChannels < 1 || f.NumChannels > 2 {
		return Clip{}, fmt.Errorf("want 16-bit mono or stereo at %d Hz", Rate)
	}
	ch := f.NumChannels
	c := Clip{Samples: make([]float32, 0, len(buf.Data)/ch)}
	for i := 0; i+ch <= len(buf.Data); i += ch {
		sum := 0
		for j := range ch {
			sum += buf.Data[i+j]
		}
		c.Samples = append(c.Samples, float32(sum)/float32(ch)/32768)
	}
	c.PCM = make([]byte, 0, len(c.Samples)*8)
	for _, s := range c.Samples {
		bits := math.Float32bits(s)
		c.PCM = binary.LittleEndian.AppendUint32(c.PCM, bits)
		c.PCM = binary.LittleEndian.AppendUint32(c.PCM, bits)
	}
	return c, nil
}

// device plays PCM (see Clip) without blocking; several may sound at once.
type device interface {
	play(pcm []byte)
	busy() bool // something is still sounding
}

// Player plays clips by name. Its methods may be called from any goroutine and never block.
type Player struct {
	mu    sync.Mutex
	clips map[string]Clip
	dev   device
	err   error
	on    bool
}

var (
	shared     *Player
	sharedOnce sync.Once
)

// Open returns the process's player for the clips (the sound device can be opened only once per
// process: later calls return the first player). It is never nil; Err says why it is silent.
func Open(clips map[string]Clip) *Player {
	sharedOnce.Do(func() {
		dev, err := openDevice()
		shared = &Player{clips: clips, dev: dev, err: err, on: true}
	})
	return shared
}

// Err is why the player cannot sound (no device, no driver, a build without sound), or nil.
func (p *Player) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// SetOn turns the sounds on or off (a setting).
func (p *Player) SetOn(on bool) {
	p.mu.Lock()
	p.on = on
	p.mu.Unlock()
}

// On reports whether the sounds are on.
func (p *Player) On() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.on
}

// Play starts a clip by name and returns at once; an unknown name, or a silent player, plays
// nothing.
func (p *Player) Play(name string) {
	p.mu.Lock()
	c, ok := p.clips[name]
	dev, on := p.dev, p.on && p.err == nil
	p.mu.Unlock()
	if ok && on && dev != nil {
		dev.play(c.PCM)
	}
}

// Playing reports whether a clip is still sounding.
func (p *Player) Playing() bool {
	p.mu.Lock()
	dev := p.dev
	p.mu.Unlock()
	return dev != nil && dev.busy()
}

// Names are the clips' names, sorted.
func (p *Player) Names() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for n := range p.clips {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
