package ais

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"testing"
	"time"
)

// BenchmarkCSVReader reads the Solent CSV (18,623 rows) into records and
// compares with the baseline of only splitting it into fields with
// encoding/csv (ReuseRecord) in the same run: "x-baseline" is the ratio of times.
func BenchmarkCSVReader(b *testing.B) {
	data, err := os.ReadFile(dataFile(b, "stonesoup/SolentAIS_20160112_130211.csv"))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for range b.N {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.ReuseRecord = true
		for {
			if _, err := cr.Read(); err == io.EOF {
				break
			}
		}
	}
	baseNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for range b.N {
		r, err := newCSVReader(bytes.NewReader(data), "solent.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err != nil {
				break
			}
			rows++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseNs, "x-baseline")
}
