package reports

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kedai-app/kedai/reports/pdftest"
)

// The documents are checked the way a warehouse meets them: poppler reads the text back and
// renders the pages at printer resolution, zbar decodes the barcodes off the rendered pages.

// The helpers of package pdftest, under the names these tests were written with.
var (
	runTool         = pdftest.Run
	runStatus       = pdftest.RunStatus
	writePDF        = pdftest.WritePDF
	pdfText         = pdftest.Text
	pdfPageTexts    = pdftest.PageTexts
	pdfPageSizes    = pdftest.PageSizes
	pdfBarcodes     = pdftest.Barcodes
	checkBarcodeSet = pdftest.CheckBarcodeSet
	code128Of       = pdftest.Code128
	qrOf            = pdftest.QR
)

type decoded = pdftest.Decoded

// pdfImage is one image placed on a page as pdfimages reports it, with its pixels.
type pdfImage struct {
	page, width, height int
	xppi, yppi          float64 // pixels per inch as placed: the module size of a barcode image
	img                 image.Image
}

// pdfImagesOf lists every image placed in the PDF (pdfimages -list) and extracts each as PNG.
func pdfImagesOf(t testing.TB, path string) []pdfImage {
	t.Helper()
	var out []pdfImage
	for _, line := range strings.Split(runTool(t, "pdfimages", "-list", path), "\n") {
		f := strings.Fields(line)
		if len(f) < 14 || f[2] != "image" {
			continue
		}
		n := func(i int) float64 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				t.Fatalf("pdfimages -list: column %d of %q: %v", i, line, err)
			}
			return v
		}
		out = append(out, pdfImage{page: int(n(0)), width: int(n(3)), height: int(n(4)), xppi: n(12), yppi: n(13)})
	}
	dir := t.TempDir()
	runTool(t, "pdfimages", "-png", path, filepath.Join(dir, "img"))
	for i := range out {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("img-%03d.png", i)))
		if err != nil {
			t.Fatalf("pdfimages -png: %v", err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("pdfimages -png: image %d: %v", i, err)
		}
		if b := img.Bounds(); b.Dx() != out[i].width || b.Dy() != out[i].height {
			t.Fatalf("image %d is %v, pdfimages -list says %dx%d", i, b, out[i].width, out[i].height)
		}
		out[i].img = img
	}
	return out
}

// isWhite reports whether the pixel at (x, y) is white.
func isWhite(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(img.Bounds().Min.X+x, img.Bounds().Min.Y+y).RGBA()
	return r > 0x8000 && g > 0x8000 && b > 0x8000
}
