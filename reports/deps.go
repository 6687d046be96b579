package reports

// The libraries the documents are made with, held in go.mod while the code that uses them lands.
import (
	_ "github.com/boombuler/barcode/code128"
	_ "github.com/go-pdf/fpdf"
	_ "github.com/pdfcpu/pdfcpu/pkg/api"
	_ "github.com/skip2/go-qrcode"
	_ "github.com/xuri/excelize/v2"
)
