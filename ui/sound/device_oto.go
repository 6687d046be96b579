//go:build !ci && (cgo || windows || darwin)

package sound

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/ebitengine/oto/v3"
)

// otoDevice plays through the OS's sound system: ALSA on Linux, WASAPI on Windows, Core Audio on
// macOS.
type otoDevice struct {
	ctx     *oto.Context
	mu      sync.Mutex
	playing []*oto.Player // kept until done: a player nobody holds may stop early
}

func openDevice() (device, error) {
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{SampleRate: Rate, ChannelCount: 2, Format: oto.FormatFloat32LE})
	if err != nil {
		return nil, fmt.Errorf("no sound: %w", err)
	}
	<-ready
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("no sound device: %w", err)
	}
	return &otoDevice{ctx: ctx}, nil
}

func (d *otoDevice) play(pcm []byte) {
	p := d.ctx.NewPlayer(bytes.NewReader(pcm))
	p.Play()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prune()
	d.playing = append(d.playing, p)
}

func (d *otoDevice) busy() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prune()
	return len(d.playing) > 0
}

// prune lets go of the players that are done.
func (d *otoDevice) prune() {
	kept := d.playing[:0]
	for _, q := range d.playing {
		if q.IsPlaying() {
			kept = append(kept, q)
		}
	}
	clear(d.playing[len(kept):])
	d.playing = kept
}
