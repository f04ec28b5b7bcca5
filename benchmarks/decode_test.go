// Package benchmarks measures stswatch against baselines in the same run and reports the ratios.
package benchmarks

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	goais "github.com/BertoldVdb/go-ais"
	"github.com/BertoldVdb/go-ais/aisnmea"

	"github.com/stswatch/stswatch/ais"
)

// sharedData is the real AIS data, relative to this package.
const sharedData = "../../shared/data"

// readShared loads a shared-data file (a benchmark may hold its input in memory; the product streams).
func readShared(b *testing.B, rel string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(sharedData, rel))
	if err != nil {
		b.Skipf("../shared/data absent: %v", err)
	}
	return data
}

// countLines counts the sentences of an input, one a line.
func countLines(data []byte) int { return bytes.Count(data, []byte{'\n'}) }

// decodeStswatch reads every record of data and returns how many there were.
func decodeStswatch(b *testing.B, data []byte, workers int) int {
	r := ais.NewNMEAReader(bytes.NewReader(data), "aishub", ais.Options{Workers: workers})
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// decodeGoAIS decodes data line by line through go-ais's NMEA path, the baseline.
func decodeGoAIS(data []byte) int {
	nc := aisnmea.NMEACodecNew(goais.CodecNewFast(false, false, true))
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		if p, err := nc.ParseSentence(sc.Text()); err == nil && p != nil && p.Packet != nil {
			n++
		}
	}
	return n
}

// BenchmarkDecodeMix decodes the AISHub sample (85 k real sentences: positions,
// multipart type 5, base stations, binary messages, a few bad lines) with
// stswatch's reader on one worker and on all CPUs, and with go-ais's NMEA path,
// in the same run; it reports each one's sentences/s (wall clock, and per CPU
// second) and the ratios.
func BenchmarkDecodeMix(b *testing.B) {
	data := readShared(b, "aishub/aishub_nmea-sample.txt")
	lines := float64(countLines(data))
	var one, all, base, oneCPU, allCPU, baseCPU time.Duration
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		t0, c0 := time.Now(), cpuTime()
		n1 := decodeStswatch(b, data, 1)
		t1, c1 := time.Now(), cpuTime()
		nAll := decodeStswatch(b, data, runtime.NumCPU())
		t2, c2 := time.Now(), cpuTime()
		nBase := decodeGoAIS(data)
		t3, c3 := time.Now(), cpuTime()
		one, all, base = one+t1.Sub(t0), all+t2.Sub(t1), base+t3.Sub(t2)
		oneCPU, allCPU, baseCPU = oneCPU+c1-c0, allCPU+c2-c1, baseCPU+c3-c2
		if n1 != nAll || n1 < 70000 || nBase < 70000 {
			b.Fatalf("records: %d (1 worker), %d (all), go-ais %d", n1, nAll, nBase)
		}
	}
	rate := func(d time.Duration) float64 { return lines * float64(b.N) / d.Seconds() }
	b.ReportMetric(rate(one), "sent/s")
	b.ReportMetric(rate(all), "sent/s-allcpu")
	b.ReportMetric(rate(base), "baseline-sent/s")
	b.ReportMetric(rate(base), "baseline-sent/s-allcpu") // go-ais's NMEA path has no parallel mode
	b.ReportMetric(rate(oneCPU), "sent/cpu-s")
	b.ReportMetric(rate(allCPU), "sent/cpu-s-allcpu")
	b.ReportMetric(rate(baseCPU), "baseline-sent/cpu-s")
	b.ReportMetric(rate(baseCPU), "baseline-sent/cpu-s-allcpu")
	b.ReportMetric(rate(one)/rate(base), "x-goais")
	b.ReportMetric(rate(oneCPU)/rate(baseCPU), "x-goais-cpu")
	b.ReportMetric(rate(all)/rate(base), "x-goais-allcpu")
}

// cpuTime is the CPU time this process has used (user and system, GC included).
// On a shared machine it measures the work better than the wall clock: the
// sent/cpu-s metrics are sentences per second of one core actually given to us.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cycle is an endless reader repeating data, so one op is one sentence.
type cycle struct {
	data []byte
	off  int
}

func (c *cycle) Read(p []byte) (int, error) {
	n := copy(p, c.data[c.off:])
	c.off = (c.off + n) % len(c.data)
	return n, nil
}

// BenchmarkDecodePosition is one op per position sentence through the whole
// reader (framing, checksum, decoding): -benchmem shows its allocations per
// sentence. The baseline, go-ais's NMEA path over the same sentences, runs once
// in the same process (baseline-ns/op and baseline-allocs/op per sentence).
func BenchmarkDecodePosition(b *testing.B) {
	data := readShared(b, "aishub/aishub_nmea-sample.txt")
	var positions [][]byte
	for _, l := range bytes.SplitAfter(data, []byte{'\n'}) {
		if bytes.HasPrefix(l, []byte("!AIVDM,1,1,,")) && len(l) > 15 && bytes.IndexByte([]byte("123"), l[14]) >= 0 {
			positions = append(positions, l)
		}
	}
	strs := make([]string, len(positions))
	for i, p := range positions {
		strs[i] = string(bytes.TrimSpace(p))
	}
	base := measureBaseline("goais-positions", func() int {
		nc := aisnmea.NMEACodecNew(goais.CodecNewFast(false, false, true))
		n := 0
		for _, s := range strs {
			if p, err := nc.ParseSentence(s); err == nil && p != nil && p.Packet != nil {
				n++
			}
		}
		return n
	})
	if base.answer < len(strs)*99/100 { // a few carry bad checksums
		b.Fatalf("go-ais decoded %d of %d position sentences", base.answer, len(strs))
	}
	baseNs, baseAllocs := base.ns/float64(len(strs)), base.allocs/float64(len(strs))
	r := ais.NewNMEAReader(&cycle{data: bytes.Join(positions, nil)}, "positions", ais.Options{})
	for b.Loop() {
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e9/nsPerOp(b), "sent/s")
	b.ReportMetric(1e9/baseNs, "baseline-sent/s")
	b.ReportMetric(baseNs, "baseline-ns/op")
	b.ReportMetric(baseAllocs, "baseline-allocs/op")
	b.ReportMetric(baseNs/nsPerOp(b), "x-vs-goais")
}
