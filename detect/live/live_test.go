package live

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/ais/feed"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/report"
	"github.com/stswatch/stswatch/detect/simulate"
)

var quiet = slog.New(slog.DiscardHandler)

// scenario is a simulated day of traffic with planted transfers (NMEA with
// tag-block times and noise), generated once, and what a detector run over
// the same bytes emits without a final Flush: every record the daemon must
// log, ongoing and closed, in order, as JSON lines.
var scenario = sync.OnceValues(func() ([]byte, []string) {
	cfg := simulate.Demo()
	cfg.Vessels, cfg.Duration, cfg.Subsample = 20, 20*time.Hour, 10
	var buf bytes.Buffer
	if _, err := simulate.Generate(cfg, &buf); err != nil {
		panic(err)
	}
	return buf.Bytes(), batchEvents(buf.Bytes())
})

// batchEvents runs the detector directly over data and returns the JSON lines
// of everything it emits (no Flush: a live feed never ends).
func batchEvents(data []byte) []string {
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
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
}

// feedServer serves lines over TCP on loopback. dropAt > 0 closes the first
// connection after that many lines; the next connection resumes where it
// stopped (a live feed) or starts again (replay).
type feedServer struct {
	ln     net.Listener
	lines  [][]byte
	replay bool
	dropAt int
	gate   chan struct{} // sending starts once it is closed
	conns  atomic.Int64
	sent   atomic.Int64
}

func newFeedServer(t *testing.T, data []byte, replay bool, dropAt int) *feedServer {
	s := newHeldFeedServer(t, data, replay, dropAt)
	close(s.gate)
	return s
}

// newHeldFeedServer accepts connections but sends nothing until gate is closed.
func newHeldFeedServer(t *testing.T, data []byte, replay bool, dropAt int) *feedServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &feedServer{ln: ln, lines: bytes.SplitAfter(data, []byte("\n")), replay: replay, dropAt: dropAt, gate: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go s.serve()
	return s
}

func (s *feedServer) url() string {
	u := "tcp://" + s.ln.Addr().String()
	if s.replay {
		u += "?replay=true"
	}
	return u
}

func (s *feedServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		n := s.conns.Add(1)
		from := 0
		if !s.replay {
			from = int(s.sent.Load())
		}
		go func() {
			defer c.Close()
			<-s.gate
			bw := bufio.NewWriterSize(c, 64<<10)
			for i := from; i < len(s.lines); i++ {
				if n == 1 && s.dropAt > 0 && i == s.dropAt {
					bw.Flush()
					return
				}
				if _, err := bw.Write(s.lines[i]); err != nil {
					return
				}
				s.sent.Store(int64(i + 1))
			}
			bw.Flush()
			_, _ = io.Copy(io.Discard, c) // stay open, quiet, like a live feed
		}()
	}
}

// harness runs a daemon in-process with its API on an httptest server.
type harness struct {
	d    *Daemon
	dir  string
	api  *httptest.Server
	stop context.CancelFunc
	done chan error
}

func startDaemon(t *testing.T, cfg Config) *harness {
	t.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	cfg.Logger = quiet
	cfg.Detect = detect.DefaultConfig()
	cfg.Feed.MinBackoff, cfg.Feed.MaxBackoff = 5*time.Millisecond, 50*time.Millisecond
	d, err := New(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{d: d, dir: cfg.StateDir, api: httptest.NewServer(d.Handler()), stop: cancel, done: make(chan error, 1)}
	go func() { h.done <- d.Run(ctx) }()
	t.Cleanup(func() { h.shutdown(t); h.api.Close() })
	return h
}

// shutdown stops the daemon and returns Run's result (once).
func (h *harness) shutdown(t *testing.T) error {
	h.stop()
	select {
	case err, ok := <-h.done:
		if ok {
			close(h.done)
		}
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not stop within 10 s")
		return nil
	}
}

// logLines reads the event log.
func logLines(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// waitLines polls the event log until it holds n lines.
func waitLines(t *testing.T, path string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := logLines(t, path)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTCPDropEventsUnchanged(t *testing.T) {
	data, want := scenario()
	require.NotEmpty(t, want)
	lines := bytes.Count(data, []byte("\n"))
	for _, replay := range []bool{false, true} {
		t.Run(fmt.Sprintf("replay=%v", replay), func(t *testing.T) {
			srv := newFeedServer(t, data, replay, lines/2)
			src, err := feed.Parse(srv.url())
			require.NoError(t, err)
			h := startDaemon(t, Config{Feeds: []feed.Source{src}})
			got := waitLines(t, filepath.Join(h.dir, "events.jsonl"), len(want))
			require.NoError(t, h.shutdown(t))
			assert.Equal(t, int64(2), srv.conns.Load(), "the feed reconnected once")
			assert.Equal(t, int64(1), h.d.feeds[0].Reconnects())
			sameEvents(t, want, got)
		})
	}
}

func TestRestartResumes(t *testing.T) {
	data, want := scenario()
	lines := bytes.SplitAfter(data, []byte("\n"))
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl")
	src := feed.Source{Name: "-", Scheme: "stdin"}

	// First run: a prefix of the input, then a clean stop (checkpoint, no flush).
	h := startDaemon(t, Config{Feeds: []feed.Source{src}, StateDir: dir, CheckpointInterval: time.Hour,
		Feed: feed.Options{Stdin: io.MultiReader(bytes.NewReader(bytes.Join(lines[:len(lines)/2], nil)), blockUntilStopped(t))}})
	first := waitLines(t, path, 1)
	require.NotEmpty(t, first)
	time.Sleep(200 * time.Millisecond) // let it drain the prefix
	require.NoError(t, h.shutdown(t))
	first = logLines(t, path)
	require.Less(t, len(first), len(want))

	// Second run: the whole input again on standard input; the checkpoint's
	// offset skips what the first run consumed... standard input is not
	// replayable, so hand it only the rest.
	h2 := startDaemon(t, Config{Feeds: []feed.Source{src}, StateDir: dir,
		Feed: feed.Options{Stdin: io.MultiReader(bytes.NewReader(bytes.Join(lines[h.d.offsets[0]:], nil)), blockUntilStopped(t))}})
	require.True(t, h2.d.Restored())
	got := waitLines(t, path, len(want))
	require.NoError(t, h2.shutdown(t))
	sameEvents(t, want, got) // restart continues where the checkpoint left off: nothing lost or repeated
}

// blockUntilStopped is a reader that never returns data until the test ends:
// standard input left open.
func blockUntilStopped(t *testing.T) io.Reader {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	return pr
}

// sameEvents asserts that got holds exactly want's event records, in order,
// reporting the first difference only (the lines are long).
func sameEvents(t *testing.T, want, got []string) {
	t.Helper()
	assert.Equal(t, keys(t, want), keys(t, got), "event ids and statuses, in order")
	for i := range min(len(want), len(got)) {
		if !assert.Equal(t, want[i], got[i], "event record %d", i) {
			return
		}
	}
}

// keys are the "id/status" of each JSON line.
func keys(t *testing.T, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		var k struct{ ID, Status string }
		require.NoError(t, json.Unmarshal([]byte(l), &k))
		out[i] = k.ID + "/" + k.Status
	}
	return out
}
