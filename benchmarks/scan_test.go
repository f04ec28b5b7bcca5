package benchmarks

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
	"github.com/BertoldVdb/go-ais/aisnmea"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/simulate"
)

// scanInput is a simulated NMEA capture held in memory for a throughput benchmark.
type scanInput struct {
	data  []byte
	lines int
}

// scanFleet generates the input for a fleet size: two hours of background
// traffic with reporting rates thinned so every size gives about 420 k
// sentences (2-core machine). It is not kept after its benchmark, so it does
// not weigh on the heap of the ones that follow.
func scanFleet(b *testing.B, vessels int) *scanInput {
	return scanTraffic(b, vessels, fleetSubsample(vessels))
}

// fleetSubsample is the divisor of the reporting rates that gives a fleet
// of this size about 420 k sentences in two hours: 2 at 1 k vessels, 20 at
// 10 k, 200 at 100 k.
func fleetSubsample(vessels int) int { return max(1, 2*vessels/1000) }

// scanTraffic generates two hours of background traffic of a fleet with
// every reporting rate divided by subsample.
func scanTraffic(b *testing.B, vessels, subsample int) *scanInput {
	b.Helper()
	cfg := simulate.Config{Seed: 1, Vessels: vessels, Duration: 2 * time.Hour, Subsample: subsample}
	var buf bytes.Buffer
	if _, err := simulate.Generate(cfg, &buf); err != nil {
		b.Fatal(err)
	}
	return &scanInput{data: buf.Bytes(), lines: countLines(buf.Bytes())}
}

// goaisDecode is the baseline: go-ais's NMEA path (with CodecNewFast, as the
// ais package uses) over every line, returning the lines it accepted.
func goaisDecode(data []byte) int {
	nc := aisnmea.NMEACodecNew(goais.CodecNewFast(false, false, true))
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		if _, err := nc.ParseSentence(sc.Text()); err == nil {
			n++
		}
	}
	return n
}

// scanAll decodes r and pushes every record through a default detector,
// returning records read and events emitted.
func scanAll(b *testing.B, r ais.Reader) (records, events int) {
	d := detect.New(detect.DefaultConfig(), detect.Env{}, func(detect.Event) { events++ })
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		d.Push(rec)
		records++
	}
	d.Flush()
	return records, events
}

// BenchmarkScan is end-to-end scan throughput (decode, tracks, every detector)
// at 1 k, 10 k and 100 k vessels, against go-ais's NMEA decoding alone on the
// same bytes (x-vs-goais > 1: faster than decoding with go-ais). The baseline
// runs after every timed scan, outside the timer, so both see the same load
// on a shared machine.
func BenchmarkScan(b *testing.B) {
	for _, vessels := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("vessels=%dk", vessels/1000), func(b *testing.B) {
			benchScan(b, scanFleet(b, vessels))
		})
	}
}

// BenchmarkScanDensity tells the fleet's size from its density: the 100 k
// fleet of BenchmarkScan at the reporting rates of its 10 k row (divided by
// 20, not 200), so each vessel sends as many messages as there (about 42 in
// the two hours, 4.2 M sentences in all) and only the number of vessels
// differs. Against go-ais on the same bytes, as BenchmarkScan.
func BenchmarkScanDensity(b *testing.B) {
	const vessels, like = 100_000, 10_000
	b.Run(fmt.Sprintf("vessels=%dk/rates-of=%dk", vessels/1000, like/1000), func(b *testing.B) {
		benchScan(b, scanTraffic(b, vessels, fleetSubsample(like)))
	})
}

// benchScan times the end-to-end scan of an input against go-ais's NMEA
// decoding of the same bytes, run after every timed scan outside the timer
// so both see the same load on a shared machine.
func benchScan(b *testing.B, in *scanInput) {
	b.SetBytes(int64(len(in.data)))
	var records int
	var base time.Duration
	for b.Loop() {
		records, _ = scanAll(b, ais.NewNMEAReader(bytes.NewReader(in.data), "sim.nmea", ais.Options{Workers: runtime.GOMAXPROCS(0)}))
		b.StopTimer()
		t0 := time.Now()
		if n := goaisDecode(in.data); n != in.lines {
			b.Fatalf("go-ais decoded %d of %d lines", n, in.lines)
		}
		base += time.Since(t0)
		b.StartTimer()
	}
	b.ReportMetric(float64(in.lines)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(in.lines)*float64(b.N)/base.Seconds(), "baseline-msgs/s")
	b.ReportMetric(base.Seconds()/b.Elapsed().Seconds(), "x-vs-goais")
	b.ReportMetric(float64(records), "records")
}

// BenchmarkScanCores is how the same end-to-end scan as BenchmarkScan scales
// with cores: on every CPU (decoding workers and the detector's walkers, one
// per CPU) against the same scan with GOMAXPROCS 1, run after every timed
// scan outside the timer (x-vs-1cpu > 1: faster with every CPU).
func BenchmarkScanCores(b *testing.B) {
	for _, vessels := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("vessels=%dk", vessels/1000), func(b *testing.B) {
			in := scanFleet(b, vessels)
			cpus := runtime.GOMAXPROCS(0)
			scan := func() {
				scanAll(b, ais.NewNMEAReader(bytes.NewReader(in.data), "sim.nmea", ais.Options{Workers: runtime.GOMAXPROCS(0)}))
			}
			var base time.Duration
			for b.Loop() {
				scan()
				b.StopTimer()
				runtime.GOMAXPROCS(1)
				t0 := time.Now()
				scan()
				base += time.Since(t0)
				runtime.GOMAXPROCS(cpus)
				b.StartTimer()
			}
			b.ReportMetric(float64(in.lines)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(in.lines)*float64(b.N)/base.Seconds(), "baseline-msgs/s")
			b.ReportMetric(base.Seconds()/b.Elapsed().Seconds(), "x-vs-1cpu")
			b.ReportMetric(float64(cpus), "cpus")
		})
	}
}

// heapPeak samples the live heap (as marked by the latest GC) every few
// milliseconds until stopped, keeping the maximum above the live heap at the
// start (inputs other benchmarks keep in memory do not count). While it runs
// the GC goal is 10 % above the live heap, so a GC — and a fresh mark of the
// live heap — comes often even when earlier benchmarks left a large heap.
type heapPeak struct {
	stop  chan struct{}
	done  chan struct{}
	start uint64
	peak  atomic.Uint64
	gcPct int
}

func startHeapPeak() *heapPeak {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{}), start: s[0].Value.Uint64(), gcPct: debug.SetGCPercent(10)}
	go func() {
		defer close(h.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) end() uint64 {
	close(h.stop)
	<-h.done
	debug.SetGCPercent(h.gcPct)
	return h.peak.Load() - min(h.start, h.peak.Load())
}

// streamScan generates hours of one fleet straight into the scanner through a
// pipe (the input is never held in memory) and returns the peak heap and the
// records scanned.
func streamScan(b *testing.B, hours int) (peak uint64, records int) {
	cfg := simulate.Config{Seed: 2, Vessels: 1000, Duration: time.Duration(hours) * time.Hour, Subsample: 10}
	pr, pw := io.Pipe()
	go func() {
		_, err := simulate.Generate(cfg, pw)
		pw.CloseWithError(err)
	}()
	h := startHeapPeak()
	records, _ = scanAll(b, ais.NewNMEAReader(pr, "sim.nmea", ais.Options{}))
	return h.end(), records
}

// BenchmarkPeakMemory scans 24 h and 72 h of the same 1000-vessel fleet and
// reports both heap peaks: memory follows the active vessels, not the input
// length, so heap-72h/24h (a plain quotient, not an x- ratio: below 1 is
// better) stays near 1 while the input triples.
func BenchmarkPeakMemory(b *testing.B) {
	var peak24, peak72 uint64
	var rec24, rec72 int
	for b.Loop() {
		peak24, rec24 = streamScan(b, 24)
		peak72, rec72 = streamScan(b, 72)
	}
	const mb = 1 << 20
	b.ReportMetric(float64(peak72)/mb, "peak-heap-MB")
	b.ReportMetric(float64(peak24)/mb, "baseline-peak-heap-MB")
	b.ReportMetric(float64(peak72)/float64(peak24), "heap-72h/24h")
	b.ReportMetric(float64(rec72)/float64(rec24), "input-x")
}
