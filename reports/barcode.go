package reports

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"sync"

	"github.com/boombuler/barcode/code128"
	"github.com/skip2/go-qrcode"
)

// printerDot is one dot of a 203 dpi thermal printer, in millimetres. Barcode modules are a whole
// number of dots wide, so at 203 dpi every bar of one width prints the same number of dots
// instead of alternating between two, which is what makes cheap label printers' barcodes hard
// to read.
const printerDot = 25.4 / 203

// minModuleDots is the narrowest module printed on purpose: 2 dots, 0.25 mm, which hand
// scanners still read off a thermal label.
const minModuleDots = 2

// code128Quiet is the white margin each side of a Code128 symbol, in modules (ISO/IEC 15417: 10).
const code128Quiet = 10

// symbol is a barcode drawn as a grid of modules, quiet zone included. The PNG has one pixel per
// module and the PDF scales it to the module width, so every module has the same width. A
// Code128 image is one pixel tall: stretched far more than 4x, poppler (which smooths images
// scaled up less than that) draws it with hard edges, pure black and white at 203 dpi.
type symbol struct {
	content string
	cols    int // modules across, quiet zones included
	rows    int // 1 for Code128
	png     []byte
	name    string // the image's name in the PDF, set when it is registered
}

// code128Symbol encodes content as Code128. It fails for what Code128 cannot carry: characters
// outside ASCII, more than 80 characters, nothing at all.
func code128Symbol(content string) (*symbol, error) {
	for _, r := range content {
		if r > 127 {
			return nil, fmt.Errorf("code128: %q has a character outside ASCII (%q)", content, r)
		}
	}
	bc, err := code128.Encode(content)
	if err != nil {
		return nil, fmt.Errorf("code128: %w", err)
	}
	n := bc.Bounds().Dx()
	cols := n + 2*code128Quiet
	bars := make([]bool, cols)
	for x := 0; x < n; x++ {
		if r, _, _, _ := bc.At(x, 0).RGBA(); r < 0x8000 {
			bars[code128Quiet+x] = true
		}
	}
	data, err := bitmapPNG(cols, 1, func(x, _ int) bool { return bars[x] })
	if err != nil {
		return nil, fmt.Errorf("code128 %q: %w", content, err)
	}
	return &symbol{content: content, cols: cols, rows: 1, png: data}, nil
}

// qrSymbol encodes content as a QR code, medium error correction, with its 4-module quiet zone.
func qrSymbol(content string) (*symbol, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code %q: %w", content, err)
	}
	bm := q.Bitmap()
	n := len(bm)
	data, err := bitmapPNG(n, n, func(x, y int) bool { return bm[y][x] })
	if err != nil {
		return nil, fmt.Errorf("qr code %q: %w", content, err)
	}
	return &symbol{content: content, cols: n, rows: n, png: data}, nil
}

// qrModuleDots is the module size (in 203 dpi dots) that makes a QR symbol of cols modules,
// quiet zone included, at least minMM wide without the quiet zone.
func qrModuleDots(cols int, minMM float64) int {
	inner := cols - 8
	if inner < 1 {
		inner = cols
	}
	d := int(math.Ceil(minMM / (float64(inner) * printerDot)))
	return max(d, minModuleDots)
}

// bitmapPNG writes a w x h black and white image as a 1-bit greyscale PNG, one pixel per module.
// Greyscale rather than a palette: fpdf embeds a greyscale PNG's data as it is, while for a
// palette it starts a fresh zlib compressor (about 2 MB) per image.
func bitmapPNG(w, h int, black func(x, y int) bool) ([]byte, error) {
	stride := 1 + (w+7)/8 // a filter byte (0, none), then the row's bits, 1 = white
	raw := make([]byte, stride*h)
	for y := 0; y < h; y++ {
		row := raw[y*stride+1 : (y+1)*stride]
		for x := 0; x < w; x++ {
			if !black(x, y) {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	zw := zlibWriters.Get().(*zlibWriter)
	defer zlibWriters.Put(zw)
	zw.buf.Reset()
	zw.w.Reset(&zw.buf)
	if _, err := zw.w.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.w.Close(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(8 + 25 + 12 + zw.buf.Len() + 12)
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 1 // bit depth; colour type 0 (grey), deflate, no filter method, no interlace
	pngChunk(&out, "IHDR", ihdr[:])
	pngChunk(&out, "IDAT", zw.buf.Bytes())
	pngChunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

func pngChunk(out *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	out.WriteString(kind)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}

// zlibWriters keeps compressors for reuse: each is about a megabyte to make.
var zlibWriters = sync.Pool{New: func() any {
	zw := &zlibWriter{}
	zw.w, _ = zlib.NewWriterLevel(&zw.buf, zlib.BestSpeed)
	return zw
}}

type zlibWriter struct {
	buf bytes.Buffer
	w   *zlib.Writer
}
