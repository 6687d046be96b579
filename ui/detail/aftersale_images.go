package detail

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kedai-app/kedai/domain"
	"github.com/kedai-app/kedai/ui/widgets"
)

// ImageList is the evidence images chosen for an answer: Add Image… opens a file chooser, each
// chosen file is listed with a Remove button, and no more than Max are taken.
type ImageList struct {
	Max    int
	images []domain.Image
	rows   *fyne.Container
	count  *widget.Label
	// Add is the Add Image… button.
	Add     *widgets.Button
	content fyne.CanvasObject
	// onChange runs after an image was added or removed (the form lays itself out again).
	onChange func()
}

// newImageList makes the list; add runs when Add Image… is pressed.
func newImageList(max int, required bool, add func()) *ImageList {
	l := &ImageList{Max: max, rows: container.NewVBox(), count: widget.NewLabel("")}
	l.Add = widgets.NewButton("Add Image…", add)
	l.Add.Icon = theme.ContentAddIcon()
	head := "Evidence images"
	if !required {
		head += " (optional)"
	}
	l.content = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), l.Add, l.count),
		l.rows)
	l.redraw()
	return l
}

// Take adds an image read from a file; a file that is not a usable image, or one too many, is
// refused with the reason and not added.
func (l *ImageList) Take(name string, data []byte) error {
	if len(l.images) >= l.Max {
		return fmt.Errorf("%s was not added: at most %d images can be attached", name, l.Max)
	}
	im, err := domain.ReadImage(name, data)
	if err != nil {
		return err
	}
	l.images = append(l.images, im)
	l.redraw()
	return nil
}

// Remove drops the i-th image.
func (l *ImageList) Remove(i int) {
	if i < 0 || i >= len(l.images) {
		return
	}
	l.images = append(l.images[:i:i], l.images[i+1:]...)
	l.redraw()
}

// Images are the images chosen, in the order they were added.
func (l *ImageList) Images() []domain.Image { return append([]domain.Image(nil), l.images...) }

// Names are the chosen files' names.
func (l *ImageList) Names() []string {
	var out []string
	for _, im := range l.images {
		out = append(out, im.Name)
	}
	return out
}

func (l *ImageList) redraw() {
	l.rows.RemoveAll()
	for i, im := range l.images {
		rm := widgets.NewButton("Remove", func() { l.Remove(i) })
		rm.Icon = theme.DeleteIcon()
		name := widget.NewLabel(fmt.Sprintf("%s (%s)", im.Name, sizeWords(len(im.Data))))
		name.Truncation = fyne.TextTruncateEllipsis
		l.rows.Add(container.NewBorder(nil, nil, nil, rm, name))
	}
	l.count.SetText(fmt.Sprintf("%d of at most %d; JPEG or PNG, up to %d MB each", len(l.images), l.Max, domain.MaxImageBytes>>20))
	if len(l.images) >= l.Max {
		l.Add.Disable()
	} else {
		l.Add.Enable()
	}
	l.rows.Refresh()
	if l.onChange != nil {
		l.onChange()
	}
}

func sizeWords(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

// pickImage lets the seller choose an image file; done gets the open file, or nil when the
// choice was dismissed.
func pickImage(win fyne.Window, done func(fyne.URIReadCloser, error)) {
	d := dialog.NewFileOpen(done, win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}))
	d.SetConfirmText("Add")
	d.Show()
}

// readImageFile reads a chosen file, at most a byte more than an evidence image may be.
func readImageFile(rc fyne.URIReadCloser) (name string, data []byte, err error) {
	defer rc.Close()
	name = rc.URI().Name()
	data, err = io.ReadAll(io.LimitReader(rc, domain.MaxImageBytes+1))
	if err != nil {
		return name, nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > domain.MaxImageBytes {
		return name, nil, fmt.Errorf("%s is larger than %d MB: an evidence image may be at most %d MB", name, domain.MaxImageBytes>>20, domain.MaxImageBytes>>20)
	}
	return name, data, nil
}
