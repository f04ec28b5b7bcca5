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
// encoding/csv (ReuseRecord), run interleaved, iteration by iteration, so
// that load on the machine weighs on both alike: "x-vs-encoding-csv" is the
// baseline's time over ours (> 1: faster than encoding/csv alone).
func BenchmarkCSVReader(b *testing.B) {
	data, err := os.ReadFile(dataFile(b, "stonesoup/SolentAIS_20160112_130211.csv"))
	if err != nil {
		b.Fatal(err)
	}
	var base time.Duration
	rows := 0
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		start := time.Now()
		cr := csv.NewReader(bytes.NewReader(data))
		cr.ReuseRecord = true
		for {
			if _, err := cr.Read(); err == io.EOF {
				break
			}
		}
		base += time.Since(start)
		b.StartTimer()

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
	reportRowsVsBaseline(b, rows, base, "x-vs-encoding-csv")
}

// reportRowsVsBaseline reports a reader benchmark's rows/s with its baseline's
// rows/s and ns/op beside it (rows read in all, base the baseline's total
// time), named as benchmarks/run pairs them, and ratioUnit as the baseline's
// time over ours (> 1: faster than the baseline).
func reportRowsVsBaseline(b *testing.B, rows int, base time.Duration, ratioUnit string) {
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/base.Seconds(), "baseline-rows/s")
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "baseline-ns/op")
	b.ReportMetric(float64(base)/float64(b.Elapsed()), ratioUnit)
}
