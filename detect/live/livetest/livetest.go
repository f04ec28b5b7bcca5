// Package livetest provides what tests and benchmarks of the live daemon
// share: a simulated scenario with the events a batch run finds in it, a TCP
// feed server on loopback, and comparisons of event logs.
package livetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/report"
	"github.com/stswatch/stswatch/detect/simulate"
)

// Scenario returns a simulated 20 h of traffic around 20 background vessels
// and the planted transfers (NMEA with tag-block times and noise), generated
// once, and BatchEvents of it.
var Scenario = sync.OnceValues(func() ([]byte, []string) {
	cfg := simulate.Demo()
	cfg.Vessels, cfg.Duration, cfg.Subsample = 20, 20*time.Hour, 10
	var buf bytes.Buffer
	if _, err := simulate.Generate(cfg, &buf); err != nil {
		panic(err) // a fixed configuration: cannot fail
	}
	return buf.Bytes(), BatchEvents(buf.Bytes())
})

// BatchEvents runs the detector (default configuration) directly over NMEA
// data and returns the JSON lines of everything it emits, ongoing and closed,
// in order — without the final Flush, since a live feed never ends. It is
// what the daemon's event log must hold after reading the same data.
func BatchEvents(data []byte) []string {
	live, _ := batch(data)
	return live
}

// openAtEnd returns the ids of the events still open at the end of data:
// those whose closed record only a final Flush would send. A live feed that
// ends there leaves them open (an encounter's ongoing record logged, its
// closed record still to come).
func openAtEnd(tb testing.TB, data []byte) []string {
	_, flushed := batch(data)
	var ids []string
	for _, k := range Keys(tb, flushed) {
		if id, ok := strings.CutSuffix(k, "/"+detect.StatusClosed); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// batch runs the detector (default configuration) over NMEA data and
// returns the JSON lines it emits before a final Flush and those the Flush
// adds.
func batch(data []byte) (live, flushed []string) {
	var out bytes.Buffer
	w := report.NewJSONL(&out)
	det := detect.New(detect.DefaultConfig(), detect.Env{}, func(e detect.Event) { _ = w.Write(e) })
	r := ais.NewNMEAReader(bytes.NewReader(data), "batch", ais.Options{Rejects: &ais.Rejects{}})
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		det.Push(rec)
	}
	_ = w.Flush()
	n := out.Len()
	det.Flush()
	_ = w.Flush()
	return Lines(out.String()[:n]), Lines(out.String()[n:])
}

// Lines splits text into lines, without a last empty one.
func Lines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// FeedServer serves lines over TCP on 127.0.0.1, like an AIS feed. Set the
// fields, then Start.
type FeedServer struct {
	Data      []byte        // NMEA lines
	Replay    bool          // every connection starts from the first line (else from where the last stopped)
	DropAt    int           // when > 0, the first connection is closed after this many lines
	PaceEvery int           // when > 0, pause Pace after this many lines
	Pace      time.Duration //
	Gate      chan struct{} // when set, nothing is sent until it is closed

	lines [][]byte
	ln    net.Listener
	conns atomic.Int64
	sent  atomic.Int64
}

// Start listens on a free loopback port and serves until the test ends.
func (s *FeedServer) Start(tb testing.TB) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	s.ln, s.lines = ln, bytes.SplitAfter(s.Data, []byte("\n"))
	if n := len(s.lines); n > 0 && len(s.lines[n-1]) == 0 {
		s.lines = s.lines[:n-1]
	}
	tb.Cleanup(func() { ln.Close() })
	go s.serve()
}

// URL is the feed URL for --feed, with ?replay=true for a replaying server.
func (s *FeedServer) URL() string {
	u := "tcp://" + s.ln.Addr().String()
	if s.Replay {
		u += "?replay=true"
	}
	return u
}

// Conns is the number of connections accepted.
func (s *FeedServer) Conns() int64 { return s.conns.Load() }

// Sent is the number of lines written on the latest connection.
func (s *FeedServer) Sent() int64 { return s.sent.Load() }

// Len is the number of lines served in all.
func (s *FeedServer) Len() int { return len(s.lines) }

func (s *FeedServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		n := s.conns.Add(1)
		from := 0
		if !s.Replay {
			from = int(s.sent.Load())
		}
		go s.send(c, n, from)
	}
}

func (s *FeedServer) send(c net.Conn, conn int64, from int) {
	defer c.Close()
	if s.Gate != nil {
		<-s.Gate
	}
	bw := bufio.NewWriterSize(c, 64<<10)
	for i := from; i < len(s.lines); i++ {
		if conn == 1 && s.DropAt > 0 && i == s.DropAt {
			bw.Flush()
			return
		}
		if s.PaceEvery > 0 && i%s.PaceEvery == 0 {
			if bw.Flush() != nil {
				return
			}
			time.Sleep(s.Pace)
		}
		if _, err := bw.Write(s.lines[i]); err != nil {
			return
		}
		s.sent.Store(int64(i + 1))
	}
	bw.Flush()
	_, _ = io.Copy(io.Discard, c) // stay open and quiet, like a live feed
}

// ReadLog reads an event log's lines; none while it does not exist.
func ReadLog(tb testing.TB, path string) []string {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	require.NoError(tb, err)
	return Lines(string(b))
}

// WaitLog polls an event log until it holds at least n lines or 30 s pass.
func WaitLog(tb testing.TB, path string, n int) []string {
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := ReadLog(tb, path)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SameEvents asserts that got holds exactly want's event records in order,
// reporting the first difference only (the lines are long).
func SameEvents(tb testing.TB, want, got []string) bool {
	tb.Helper()
	if !assert.Equal(tb, Keys(tb, want), Keys(tb, got), "event ids and statuses, in order") {
		return false
	}
	for i := range want {
		if !assert.Equal(tb, want[i], got[i], "event record %d", i) {
			return false
		}
	}
	return true
}

// Open returns the ids in an event log with an ongoing record and no closed
// one: the encounters open when the log was read.
func Open(tb testing.TB, log []string) []string {
	keys := Keys(tb, log)
	var open []string
	for _, k := range keys {
		if id, ok := strings.CutSuffix(k, "/"+detect.StatusOngoing); ok && !slices.Contains(keys, id+"/"+detect.StatusClosed) {
			open = append(open, id)
		}
	}
	return open
}

// Resumed asserts that each event open in the log before a restart (Open)
// is closed under its id in the log after it, or, when it is still open at
// the end of data (openAtEnd), is not closed there either, and returns how
// many were closed after the restart.
func Resumed(tb testing.TB, data []byte, before, after []string) int {
	tb.Helper()
	stillOpen, keys := openAtEnd(tb, data), Keys(tb, after)
	closed := 0
	for _, id := range Open(tb, before) {
		if slices.Contains(stillOpen, id) {
			assert.NotContains(tb, keys, id+"/"+detect.StatusClosed, "open at the end of the feed")
			continue
		}
		if assert.Contains(tb, keys, id+"/"+detect.StatusClosed, "closed after the restart") {
			closed++
		}
	}
	return closed
}

// Keys are the "id/status" of each JSON line.
func Keys(tb testing.TB, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		var k struct{ ID, Status string }
		require.NoError(tb, json.Unmarshal([]byte(l), &k), l)
		out[i] = k.ID + "/" + k.Status
	}
	return out
}
