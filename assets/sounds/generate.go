//go:build ignore

// Generates the scan station's sounds: `go run generate.go` in this folder rewrites the .wav
// files. Each is 16-bit mono at 44.1 kHz, made of tones with soft edges (no clicks), and each
// kind is told apart by its shape as well as its pitch, for people who hear pitch poorly:
//
//	done           two short rising notes, bright
//	already        one soft middle note
//	wrong-stage    two low dull knocks
//	unknown        a falling sweep
//	must-not-ship  a loud two-tone alarm, three times, almost a second long
package main

import (
	"log"
	"math"
	"os"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

const rate = 44100

// tone is a note of a frequency sweeping from f0 to f1, of a loudness and a waveform.
type tone struct {
	f0, f1 float64 // Hz
	ms     int
	gain   float64 // 0..1
	square bool    // a harsh square-ish wave rather than a pure sine
}

// rest is silence.
func rest(ms int) tone { return tone{ms: ms} }

func render(tones ...tone) []int {
	var out []int
	for _, t := range tones {
		n := rate * t.ms / 1000
		edge := min(n/4, rate*6/1000) // 6 ms fade in and out
		phase := 0.0
		for i := range n {
			if t.gain == 0 {
				out = append(out, 0)
				continue
			}
			f := t.f0 + (t.f1-t.f0)*float64(i)/float64(n)
			phase += 2 * math.Pi * f / rate
			v := math.Sin(phase)
			if t.square {
				v = math.Tanh(4 * v) // rounded square: loud and rough, but no aliasing hiss
			}
			env := 1.0
			if i < edge {
				env = float64(i) / float64(edge)
			} else if i > n-edge {
				env = float64(n-i) / float64(edge)
			}
			out = append(out, int(v*env*t.gain*32767*0.9))
		}
	}
	return out
}

func write(name string, samples []int) {
	f, err := os.Create(name)
	if err != nil {
		log.Fatal(err)
	}
	e := wav.NewEncoder(f, rate, 16, 1, 1)
	if err := e.Write(&audio.IntBuffer{Format: &audio.Format{NumChannels: 1, SampleRate: rate}, Data: samples, SourceBitDepth: 16}); err != nil {
		log.Fatal(err)
	}
	if err := e.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	write("done.wav", render(tone{f0: 1568, f1: 1568, ms: 90, gain: 0.7}, rest(20), tone{f0: 2093, f1: 2093, ms: 160, gain: 0.7}))
	write("already.wav", render(tone{f0: 659, f1: 659, ms: 180, gain: 0.45}))
	write("wrong-stage.wav", render(tone{f0: 220, f1: 196, ms: 160, gain: 0.9, square: true}, rest(80), tone{f0: 220, f1: 196, ms: 160, gain: 0.9, square: true}))
	write("unknown.wav", render(tone{f0: 520, f1: 200, ms: 380, gain: 0.8}))
	var alarm []tone
	for range 3 {
		alarm = append(alarm, tone{f0: 1175, f1: 1175, ms: 150, gain: 1, square: true}, tone{f0: 784, f1: 784, ms: 150, gain: 1, square: true})
	}
	write("must-not-ship.wav", render(alarm...))
}
