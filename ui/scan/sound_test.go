package scan

import (
	"testing"

	"github.com/kedai-app/kedai/assets"
	"github.com/kedai-app/kedai/ui/sound"
)

// Every kind of outcome the station sounds has its own clip among the embedded sounds.
func TestEverySoundHasAClip(t *testing.T) {
	clips, err := sound.Decode(assets.Sounds, "sounds")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{SoundDone, SoundAlready, SoundWrongStage, SoundMustNotShip, SoundUnknown} {
		if len(clips[kind].Samples) == 0 {
			t.Errorf("no clip for %q", kind)
		}
	}
}
