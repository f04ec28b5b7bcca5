package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais/feed"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/live/livetest"
)

var quiet = slog.New(slog.DiscardHandler)

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
	return startDaemonWith(t, cfg, nil)
}

// startDaemonWith is startDaemon with a chance to set the daemon's test hooks
// before it runs.
func startDaemonWith(t *testing.T, cfg Config, before func(*Daemon)) *harness {
	t.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	cfg.Logger = quiet
	cfg.Detect = detect.DefaultConfig()
	cfg.Feed.MinBackoff, cfg.Feed.MaxBackoff = 5*time.Millisecond, 50*time.Millisecond
	d, err := New(cfg)
	require.NoError(t, err)
	if before != nil {
		before(d)
	}
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

func TestTCPDropEventsUnchanged(t *testing.T) {
	data, want := livetest.Scenario()
	require.NotEmpty(t, want)
	lines := bytes.Count(data, []byte("\n"))
	for _, replay := range []bool{false, true} {
		t.Run(fmt.Sprintf("replay=%v", replay), func(t *testing.T) {
			srv := &livetest.FeedServer{Data: data, Replay: replay, DropAt: lines / 2}
			srv.Start(t)
			src, err := feed.Parse(srv.URL())
			require.NoError(t, err)
			h := startDaemon(t, Config{Feeds: []feed.Source{src}})
			got := livetest.WaitLog(t, filepath.Join(h.dir, "events.jsonl"), len(want))
			require.NoError(t, h.shutdown(t))
			assert.Equal(t, int64(2), srv.Conns(), "the feed reconnected once")
			assert.Equal(t, int64(1), h.d.feeds[0].Reconnects())
			livetest.SameEvents(t, want, got)
		})
	}
}

func TestRestartResumes(t *testing.T) {
	data, want := livetest.Scenario()
	lines := bytes.SplitAfter(data, []byte("\n"))
	half := len(lines) / 2
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl")
	src := feed.Source{Name: "-", Scheme: "stdin"}

	// First run: half the input on a standard input left open, then a clean
	// stop: a checkpoint, no flush.
	h := startDaemon(t, Config{Feeds: []feed.Source{src}, StateDir: dir, CheckpointInterval: time.Hour,
		Feed: feed.Options{Stdin: io.MultiReader(bytes.NewReader(bytes.Join(lines[:half], nil)), blockUntilStopped(t))}})
	require.Eventually(t, func() bool { return h.d.feeds[0].Lines() == int64(half) }, 10*time.Second, time.Millisecond)
	require.NoError(t, h.shutdown(t))
	first := livetest.ReadLog(t, path)
	require.NotEmpty(t, first)
	require.Less(t, len(first), len(want))

	// Second run: standard input cannot replay, so it gets the lines after
	// the checkpoint's offset (Safe: never inside a multipart message).
	offset := h.d.offsets[0]
	require.InDelta(t, half, offset, 10)
	h2 := startDaemon(t, Config{Feeds: []feed.Source{src}, StateDir: dir,
		Feed: feed.Options{Stdin: io.MultiReader(bytes.NewReader(bytes.Join(lines[offset:], nil)), blockUntilStopped(t))}})
	require.True(t, h2.d.Restored())
	got := livetest.WaitLog(t, path, len(want))
	require.NoError(t, h2.shutdown(t))
	livetest.SameEvents(t, want, got) // nothing lost, nothing repeated

	// The encounters open at the stop were closed by the second run under
	// their ids, but for those still open at the end of the input.
	assert.Positive(t, livetest.Resumed(t, data, first, got), "the stop fell inside an encounter that ends in the input")
}

// blockUntilStopped is a reader that never returns data until the test ends:
// standard input left open.
func blockUntilStopped(t *testing.T) io.Reader {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	return pr
}

func TestWebhookGetsEveryAlert(t *testing.T) {
	data, want := livetest.Scenario()
	alerts := alertKeys(t, want)
	require.NotEmpty(t, alerts)
	h := &hook{failN: 1, status: http.StatusBadGateway}
	hookSrv := httptest.NewServer(h)
	defer hookSrv.Close()
	srv := &livetest.FeedServer{Data: data}
	srv.Start(t)
	src, err := feed.Parse(srv.URL())
	require.NoError(t, err)
	d := startDaemon(t, Config{Feeds: []feed.Source{src}, Webhook: hookSrv.URL})
	d.d.outbox.backoff.Min = time.Millisecond
	require.Eventually(t, func() bool { return len(h.delivered()) == len(alerts) }, 30*time.Second, 5*time.Millisecond)
	assert.Equal(t, alerts, h.delivered(), "each alert record once, in order, after a failed first try")
}

// TestWebhookCrashAtEachPoint crashes the daemon at each point of an alert's
// way to the log and the outbox, then starts it again on the same state (no
// checkpoint was written), on the same input replayed from the start or, as a
// live feed would, on none of it: every alert the log holds reaches the
// webhook at least once (the one in flight at the crash may be sent twice),
// none that the log does not hold, and the log is what a run without a crash
// wrote, up to the alert at the crash when nothing is replayed.
func TestWebhookCrashAtEachPoint(t *testing.T) {
	data, want := livetest.Scenario()
	alerts := alertKeys(t, want)
	require.Greater(t, len(alerts), 2)
	target := alerts[len(alerts)/2]
	errCrash := errors.New("crash")
	for _, tt := range []struct {
		point      string // where emit stops, at the target alert
		partialLog bool   // and the target's log line was cut short
		replay     bool   // the second run reads the input again from the start
		logged     bool   // the log holds the target at the crash
	}{
		{point: "staged", replay: true},                   // outbox file whole, log line not written
		{point: "staged", partialLog: true, replay: true}, // outbox file whole, log line in part
		{point: "logged", logged: true, replay: true},     // log line fsynced, not offered for delivery
		{point: "released", logged: true, replay: true},   // offered for delivery, maybe delivered
		{point: "staged"},                                 // no replay: logged from the outbox at start
		{point: "staged", partialLog: true},
		{point: "logged", logged: true},
		{point: "released", logged: true},
	} {
		t.Run(fmt.Sprintf("%s/partial=%v/replay=%v", tt.point, tt.partialLog, tt.replay), func(t *testing.T) {
			h := &hook{}
			hookSrv := httptest.NewServer(h)
			defer hookSrv.Close()
			dir := t.TempDir()
			path := filepath.Join(dir, "events.jsonl")
			cfg := Config{Feeds: []feed.Source{{Name: "-", Scheme: "stdin"}}, StateDir: dir, Webhook: hookSrv.URL, CheckpointInterval: time.Hour}

			cfg.Feed.Stdin = io.MultiReader(bytes.NewReader(data), blockUntilStopped(t))
			first := startDaemonWith(t, cfg, func(d *Daemon) {
				d.crash = func(point string, ev detect.Event) error {
					if point == tt.point && ev.ID+"-"+ev.Status == target {
						return errCrash
					}
					return nil
				}
			})
			select {
			case err := <-first.done:
				require.ErrorIs(t, err, errCrash)
				close(first.done)
			case <-time.After(30 * time.Second):
				t.Fatal("the daemon did not reach the crash point")
			}
			atCrash := livetest.ReadLog(t, path)
			require.Less(t, len(atCrash), len(want))
			livetest.SameEvents(t, want[:len(atCrash)], atCrash)
			k := livetest.Keys(t, want)
			assert.Equal(t, tt.logged, k[len(atCrash)-1] == strings.Replace(target, "-", "/", 1), "the log's last line is the target")
			if tt.partialLog {
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				require.NoError(t, err)
				line := want[len(atCrash)]
				require.Equal(t, strings.Replace(target, "-", "/", 1), k[len(atCrash)], "the next line is the target's")
				_, err = f.WriteString(line[:len(line)/2])
				require.NoError(t, err)
				require.NoError(t, f.Close())
			}

			n := len(want)
			cfg.Feed.Stdin = blockUntilStopped(t)
			if tt.replay {
				cfg.Feed.Stdin = io.MultiReader(bytes.NewReader(data), cfg.Feed.Stdin)
			} else if n = len(atCrash); !tt.logged {
				n++
			}
			wantAlerts := alertKeys(t, want[:n])
			require.Contains(t, wantAlerts, target)
			second := startDaemon(t, cfg)
			require.False(t, second.d.Restored(), "no checkpoint: the input is replayed from the start")
			require.Eventually(t, func() bool {
				return len(livetest.ReadLog(t, path)) == n && len(distinct(h.delivered())) == len(wantAlerts)
			}, 30*time.Second, 5*time.Millisecond)
			require.NoError(t, second.shutdown(t))

			livetest.SameEvents(t, want[:n], livetest.ReadLog(t, path))
			assert.ElementsMatch(t, wantAlerts, distinct(h.delivered()), "every alert delivered, none the log lacks")
			assert.LessOrEqual(t, len(h.delivered()), len(wantAlerts)+1, "at most the alert in flight at the crash twice")
		})
	}
}

// TestOutboxWriteFailureStops breaks the outbox directory under a running
// daemon: the first alert cannot be staged, so the daemon stops with the
// error before logging it (a log line without an outbox file would never be
// delivered), and a restart on a repaired directory delivers every alert.
func TestOutboxWriteFailureStops(t *testing.T) {
	data, want := livetest.Scenario()
	alerts := alertKeys(t, want)
	first := slices.IndexFunc(decode(t, want), func(ev detect.Event) bool { return ev.Alert })
	require.Positive(t, first)
	h := &hook{}
	hookSrv := httptest.NewServer(h)
	defer hookSrv.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl")
	outbox := filepath.Join(dir, "outbox")
	cfg := Config{Feeds: []feed.Source{{Name: "-", Scheme: "stdin"}}, StateDir: dir, Webhook: hookSrv.URL, CheckpointInterval: time.Hour}
	cfg.Feed.Stdin = io.MultiReader(bytes.NewReader(data), blockUntilStopped(t))
	broken := startDaemonWith(t, cfg, func(*Daemon) {
		// A file where the directory was: no temporary file can be made in it (even as root).
		require.NoError(t, os.Remove(outbox))
		require.NoError(t, os.WriteFile(outbox, nil, 0o644))
	})
	select {
	case err := <-broken.done:
		require.ErrorContains(t, err, "outbox")
		close(broken.done)
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon did not stop")
	}
	livetest.SameEvents(t, want[:first], livetest.ReadLog(t, path))
	assert.Empty(t, h.delivered())

	require.NoError(t, os.Remove(outbox))
	cfg.Feed.Stdin = io.MultiReader(bytes.NewReader(data), blockUntilStopped(t))
	again := startDaemon(t, cfg)
	require.Eventually(t, func() bool {
		return len(livetest.ReadLog(t, path)) == len(want) && len(h.delivered()) == len(alerts)
	}, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, again.shutdown(t))
	livetest.SameEvents(t, want, livetest.ReadLog(t, path))
	assert.Equal(t, alerts, h.delivered())
}

// alertKeys are the Idempotency-Keys ("id-status") of the alert records among lines.
func alertKeys(t *testing.T, lines []string) []string {
	var out []string
	for _, ev := range decode(t, lines) {
		if ev.Alert {
			out = append(out, ev.ID+"-"+ev.Status)
		}
	}
	return out
}

// distinct is keys without repeats, in their first order.
func distinct(keys []string) []string {
	var out []string
	for _, k := range keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func TestReloadKeepsState(t *testing.T) {
	data, want := livetest.Scenario()
	srv := &livetest.FeedServer{Data: data, PaceEvery: 1000, Pace: 20 * time.Millisecond}
	srv.Start(t)
	src, err := feed.Parse(srv.URL())
	require.NoError(t, err)
	h := startDaemon(t, Config{Feeds: []feed.Source{src}})
	path := filepath.Join(h.dir, "events.jsonl")
	require.Eventually(t, func() bool { return len(livetest.ReadLog(t, path)) > 0 }, 10*time.Second, time.Millisecond)
	// The same rules again: the new detector must carry on from the old one's state.
	sent := srv.Sent()
	require.NoError(t, h.d.Reload(t.Context(), detect.DefaultConfig(), detect.Env{}))
	require.Less(t, sent, int64(srv.Len()), "reloaded before the end of the input")
	got := livetest.WaitLog(t, path, len(want))
	livetest.SameEvents(t, want, got)
}

func TestTwoFeedsDeduplicated(t *testing.T) {
	data, want := livetest.Scenario()
	var srcs []feed.Source
	for range 2 {
		// Paced near 10 k lines/s: two feeds race, and a goroutine paused for
		// a few milliseconds must not fall behind the other by more than the
		// lateness (10 min of feed time, some 300 lines here).
		srv := &livetest.FeedServer{Data: data, PaceEvery: 100, Pace: 10 * time.Millisecond}
		srv.Start(t)
		src, err := feed.Parse(srv.URL())
		require.NoError(t, err)
		srcs = append(srcs, src)
	}
	h := startDaemon(t, Config{Feeds: srcs})
	got := livetest.WaitLog(t, filepath.Join(h.dir, "events.jsonl"), len(want))
	require.Eventually(t, func() bool { return h.d.Consumed() == 2*int64(bytes.Count(data, []byte("\n"))) }, 10*time.Second, time.Millisecond)
	require.NoError(t, h.shutdown(t))
	dups := h.d.feeds[0].Duplicates() + h.d.feeds[1].Duplicates()
	assert.Positive(t, dups, "sentences delivered by both feeds were dropped")
	// Records from two goroutines interleave differently from run to run
	// (within the lateness), and the detector's 30 s thinning keeps the first
	// fix of a bucket to arrive, so a start may move by a step: compare what
	// was found, not the ids.
	assert.Equal(t, kinds(t, want), kinds(t, got), "the same events as one feed")
}

// kinds counts event records by type and status.
func kinds(t *testing.T, lines []string) map[string]int {
	out := map[string]int{}
	for _, ev := range decode(t, lines) {
		out[ev.Type+"/"+ev.Status]++
	}
	return out
}
