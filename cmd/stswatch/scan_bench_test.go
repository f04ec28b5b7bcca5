package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/simulate"
)

var benchInput = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "stswatch-bench")
	if err != nil {
		return "", err
	}
	cfg := simulate.Demo()
	cfg.Vessels = 150
	path := filepath.Join(dir, "fleet.nmea")
	return path, writeFile(path, func(w io.Writer) error {
		_, err := simulate.Generate(cfg, w)
		return err
	})
})

// discard counts events.
type discard struct{ n int }

func (d *discard) Write(detect.Event) error { d.n++; return nil }
func (d *discard) Close() error             { return nil }

// scanSequential is the baseline: decode and detect in one goroutine, no batches.
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
// decoding, batches to the detector's goroutine) on a simulated fleet day and
// reports its speed-up over the baseline measured in the same run: the same
// decoding and detection in one goroutine.
func BenchmarkScan(b *testing.B) {
	path, err := benchInput()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(filepath.Dir(path)) })
	var baseNs float64
	perOp := func(b *testing.B, msgs int64) float64 {
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(float64(msgs)/(ns/1e9), "msg/s")
		return ns
	}
	b.Run("sequential", func(b *testing.B) {
		var n int64
		for b.Loop() {
			if n, err = scanSequential(path); err != nil {
				b.Fatal(err)
			}
		}
		baseNs = perOp(b, n)
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
			ns := perOp(b, st.Records.Load())
			if baseNs > 0 {
				b.ReportMetric(baseNs/ns, "x-sequential")
			}
		})
	}
}
