//go:build ci || !(cgo || windows || darwin)

package sound

import "errors"

func openDevice() (device, error) {
	return nil, errors.New("this build of Kedai has no sound (built without cgo)")
}
