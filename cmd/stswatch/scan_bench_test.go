package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/simulate"
)

// benchFleets are the simulated days BenchmarkScan reads: 150 vessels at a
// third of the real reporting rates (590 k messages), and 10 000 vessels
// subsampled to about as many (580 k), enough vessels for the detector to
// share each step's walk among walkers (detect.SetWorkers).
var benchFleets = []struct {
	name               string
	vessels, subsample int
}{{"150", 150, 3}, {"10k", 10_000, 180}}

// writeBenchFleet writes a simulated demo day of the given fleet into dir.
func writeBenchFleet(dir string, vessels, subsample int) (string, error) {
	cfg := simulate.Demo()
	cfg.Vessels, cfg.Subsample = vessels, subsample
	path := filepath.Join(dir, "fleet-"+strconv.Itoa(vessels)+".nmea")
	return path, writeFile(path, func(w io.Writer) error {
		_, err := simulate.Generate(cfg, w)
		return err
	})
}

// discard counts events.
type discard struct{ n int }

func (d *discard) Write(detect.Event) error { d.n++; return nil }
func (d *discard) Close() error             { return nil }

// scanSequential is the baseline: decode and detect in one goroutine, no
// batches, one walker.
func scanSequential(path string) (int64, error) {
	r, err := ais.Open(path, ais.Options{Workers: 1, Rejects: &ais.Rejects{}})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var sink discard
	det := detect.New(detect.DefaultConfig(), detect.Env{}, func(e detect.Event) {
		if e.Status == detect.StatusClosed {
			sink.Write(e)
		}
	})
	det.SetWorkers(1)
	var n int64
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, err
		}
		det.Push(rec)
		n++
	}
	det.Flush()
	return n, nil
}

// BenchmarkScan runs scan's pipeline (a reading goroutine with parallel
// decoding, batches to the detector's goroutine, whose walkers share each
// step) on each simulated fleet day and reports its speed-up over the baseline
// measured in the same run: the same decoding and detection in one goroutine
// (baseline-msg/s, x-vs-sequential).
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	for _, fleet := range benchFleets {
		b.Run("vessels="+fleet.name, func(b *testing.B) {
			path, err := writeBenchFleet(dir, fleet.vessels, fleet.subsample)
			if err != nil {
				b.Fatal(err)
			}
			benchScanFleet(b, path)
		})
	}
}

// benchScanFleet runs the sequential baseline and then the pipeline with one
// worker and with one per CPU on the file at path.
func benchScanFleet(b *testing.B, path string) {
	var baseRate float64
	perOp := func(b *testing.B, msgs int64) float64 {
		rate := float64(msgs) * float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rate, "msg/s")
		return rate
	}
	b.Run("sequential", func(b *testing.B) {
		var n int64
		var err error
		for b.Loop() {
			if n, err = scanSequential(path); err != nil {
				b.Fatal(err)
			}
		}
		baseRate = perOp(b, n)
	})
	for _, workers := range []int{1, runtime.NumCPU()} {
		b.Run("pipelined/workers="+strconv.Itoa(workers), func(b *testing.B) {
			job := scanJob{files: []string{path}, cfg: detect.DefaultConfig(), open: ais.Options{Workers: workers}}
			var st *runStats
			for b.Loop() {
				st = newRunStats()
				if err := job.run(context.Background(), &discard{}, st); err != nil {
					b.Fatal(err)
				}
			}
			rate := perOp(b, st.Records.Load())
			if baseRate > 0 {
				b.ReportMetric(baseRate, "baseline-msg/s")
				b.ReportMetric(rate/baseRate, "x-vs-sequential")
			}
		})
	}
}
