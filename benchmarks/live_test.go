package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/ais/feed"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/live"
	"github.com/stswatch/stswatch/detect/live/livetest"
	"github.com/stswatch/stswatch/detect/simulate"
)

// liveFleet is a day of 200 background vessels plus the planted events,
// with noise: the input of the ingestion benchmark, generated once.
var liveFleet = sync.OnceValue(func() []byte {
	cfg := simulate.Demo()
	cfg.Vessels, cfg.Subsample = 200, 2
	var buf bytes.Buffer
	if _, err := simulate.Generate(cfg, &buf); err != nil {
		panic(err) // a fixed configuration: cannot fail
	}
	return buf.Bytes()
})

// startLive runs a daemon on a fresh state directory reading feedURL and
// returns it with a function that stops it.
func startLive(b *testing.B, feedURL string) (*live.Daemon, string, func()) {
	src, err := feed.Parse(feedURL)
	if err != nil {
		b.Fatal(err)
	}
	state := b.TempDir()
	d, err := live.New(live.Config{Feeds: []feed.Source{src}, StateDir: state, Detect: detect.DefaultConfig(),
		Logger: slog.New(slog.DiscardHandler), CheckpointInterval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	return d, filepath.Join(state, "events.jsonl"), func() {
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLiveIngest is sustained ingestion of the watch daemon from a TCP
// feed on loopback (framing, decoding, detection, the fsynced event log),
// against the same bytes decoded and detected in-process (baseline). Each
// op starts a feed server and a daemon and reads the whole feed; the timer
// runs over all of it, so the number of ops stays small, and msgs/s counts
// only the time from opening the feed to the last line consumed.
func BenchmarkLiveIngest(b *testing.B) {
	data := liveFleet()
	lines := int64(countLines(data))
	start := time.Now()
	livetest.BatchEvents(data) // the baseline: the same bytes decoded and detected in-process
	base := time.Since(start)
	var elapsed time.Duration
	for b.Loop() {
		srv := &livetest.FeedServer{Data: data, Gate: make(chan struct{})}
		srv.Start(b)
		d, _, stop := startLive(b, srv.URL())
		start := time.Now()
		close(srv.Gate)
		for d.Consumed() < lines {
			time.Sleep(100 * time.Microsecond)
		}
		elapsed += time.Since(start)
		stop()
	}
	rate := float64(lines) * float64(b.N) / elapsed.Seconds()
	baseRate := float64(lines) / base.Seconds()
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(baseRate, "baseline-msgs/s")
	b.ReportMetric(rate/baseRate, "x-vs-batch")
}

// BenchmarkLiveAlertLatency is the time from writing the input line that
// makes an encounter pass its minimum duration to the alert being in the
// event log (fsynced), against one line's trip over the same loopback TCP
// (baseline). Each op is one alert on a fresh daemon; the timer runs over
// the whole op (start, feeding the lines before the trigger), so the number
// of ops stays small, and alert-latency-ms is the mean over the ops of the
// trigger-to-alert time alone.
func BenchmarkLiveAlertLatency(b *testing.B) {
	data, _ := livetest.Scenario()
	lines := bytes.SplitAfter(data, []byte("\n"))
	trigger, id := alertTrigger(b, data)
	base := loopbackLatency(b)
	var total time.Duration
	for b.Loop() {
		total += alertLatency(b, lines, trigger, id)
	}
	lat := total.Seconds() * 1000 / float64(b.N)
	b.ReportMetric(lat, "alert-latency-ms")
	b.ReportMetric(base.Seconds()*1000, "baseline-alert-latency-ms")
	b.ReportMetric(base.Seconds()*1000/lat, "x-vs-loopback")
}

// alertLatency starts a daemon on a loopback feed, feeds it the lines before
// the trigger, then writes the trigger line and returns the time until the
// alert with id is in the event log.
func alertLatency(b *testing.B, lines [][]byte, trigger int, id string) time.Duration {
	send := make(chan struct{})
	sent := make(chan time.Time, 1)
	addr, stopServing := serveOne(b, func(c net.Conn) {
		bw := bufio.NewWriter(c)
		for _, l := range lines[:trigger] {
			bw.Write(l)
		}
		bw.Flush()
		<-send
		t0 := time.Now()
		c.Write(lines[trigger])
		sent <- t0
		_, _ = io.Copy(io.Discard, c)
	})
	defer stopServing()
	d, logPath, stop := startLive(b, "tcp://"+addr)
	defer stop()
	for d.Consumed() < int64(trigger) {
		time.Sleep(100 * time.Microsecond)
	}
	time.Sleep(20 * time.Millisecond) // the records of those lines reach the detector
	if logHas(logPath, id) {
		b.Fatalf("alert %s out before its trigger line", id)
	}
	close(send)
	t0 := <-sent
	for !logHas(logPath, id) {
		time.Sleep(50 * time.Microsecond)
	}
	return time.Since(t0)
}

// alertTrigger finds the 0-based index of the line whose record makes the
// detector emit its first alert, and the alert's "id","type" prefix.
func alertTrigger(b *testing.B, data []byte) (int, string) {
	r := feed.Open(b.Context(), feed.Source{Name: "-", Scheme: "stdin"}, feed.Options{Stdin: bytes.NewReader(data), Logger: slog.New(slog.DiscardHandler)})
	var alert *detect.Event
	det := detect.New(detect.DefaultConfig(), detect.Env{}, func(e detect.Event) {
		if alert == nil && e.Alert {
			alert = &e
		}
	})
	nr := ais.NewNMEAReader(r, "-", ais.Options{})
	for alert == nil {
		rec, err := nr.Next()
		if errors.Is(err, io.EOF) {
			b.Fatal("no alert in the scenario")
		}
		det.Push(rec)
	}
	return int(r.Lines()) - 1, `"id":"` + alert.ID + `"`
}

// logHas reports whether the event log holds a line containing s.
func logHas(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), s)
}

// loopbackLatency is the mean time for one line written on a loopback TCP
// connection to be read at the other end.
func loopbackLatency(b *testing.B) time.Duration {
	got := make(chan struct{})
	addr, stopServing := serveOne(b, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			if _, err := br.ReadSlice('\n'); err != nil {
				return
			}
			got <- struct{}{}
		}
	})
	defer stopServing()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	const rounds = 200
	start := time.Now()
	for range rounds {
		if _, err := c.Write([]byte("!AIVDM,1,1,,A,x,0*00\n")); err != nil {
			b.Fatal(err)
		}
		<-got
	}
	return time.Since(start) / rounds
}

// serveOne listens on a loopback TCP port and serves the first connection to
// it with serve, in a goroutine, closing the connection after; it returns the
// address and a function that closes the listener.
func serveOne(b *testing.B, serve func(c net.Conn)) (addr string, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		serve(c)
	}()
	return ln.Addr().String(), func() { ln.Close() }
}
