package reports

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// BenchmarkMergeLabels500 joins 500 one-page A6 labels, a peak day's batch for one printer run.
// Target: 5 s. Its floor, measured in the same run: pdfcpu reading and writing the same 500 pages
// once as one finished document (what the merge cannot avoid doing), and the ratio between them.
func BenchmarkMergeLabels500(b *testing.B) {
	labels := make([][]byte, 500)
	size := 0
	for i := range labels {
		labels[i] = awbLabel(b, fmt.Sprintf("MYMPA%010d", 4000000000+i), 105, 148, 1)
		size += len(labels[i])
	}
	var merged bytes.Buffer
	if err := MergeLabels(&merged, labels); err != nil {
		b.Fatal(err)
	}
	if n, err := api.PageCount(bytes.NewReader(merged.Bytes()), model.NewDefaultConfiguration()); err != nil || n != 500 {
		b.Fatalf("the merge has %d pages: %v", n, err)
	}
	var floor float64
	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, err := api.ReadAndValidate(bytes.NewReader(merged.Bytes()), model.NewDefaultConfiguration())
			if err != nil {
				b.Fatal(err)
			}
			if err := api.WriteContext(ctx, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		floor = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("merge", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(size))
		for b.Loop() {
			if err := MergeLabels(io.Discard, labels); err != nil {
				b.Fatal(err)
			}
		}
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		if floor > 0 {
			b.ReportMetric(ns/floor, "x-floor")
		}
	})
}
