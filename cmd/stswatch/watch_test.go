package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/detect/live"
	"github.com/stswatch/stswatch/detect/live/livetest"
)

// daemon is a stswatch watch process whose JSON logs go to a file.
type daemon struct {
	cmd *exec.Cmd
	log string
}

// startWatch runs the built binary with args.
func startWatch(t *testing.T, bin string, args ...string) *daemon {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "watch-*.log")
	require.NoError(t, err)
	defer f.Close()
	d := &daemon{cmd: exec.Command(bin, append([]string{"watch"}, args...)...), log: f.Name()}
	d.cmd.Stderr = f
	require.NoError(t, d.cmd.Start())
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			_ = d.cmd.Process.Kill()
			_ = d.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", d.logs(t))
		}
	})
	return d
}

func (d *daemon) logs(t *testing.T) string {
	b, err := os.ReadFile(d.log)
	require.NoError(t, err)
	return string(b)
}

// buildBinary compiles stswatch into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stswatch")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// checkpointOffset reads the line offset the checkpoint holds for a feed.
func checkpointOffset(state, feed string) int64 {
	var meta live.CheckpointMeta
	meta, found, err := live.LoadCheckpoint(filepath.Join(state, live.CheckpointFile), func(io.Reader) error { return nil })
	if err != nil || !found {
		return -1
	}
	return meta.Offsets[feed]
}

// TestWatchSIGKILLRestart kills the daemon with SIGKILL midway through a
// replaying TCP feed and starts it again on the same state: its event log
// must equal a batch run over the same bytes — no event lost, none repeated,
// the encounters open at the kill closed under the ids they had. The second
// run also takes a SIGHUP (reload) and ends on SIGTERM with status 0.
func TestWatchSIGKILLRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	data, want := livetest.Scenario()
	srv := &livetest.FeedServer{Data: data, Replay: true, PaceEvery: 400, Pace: 25 * time.Millisecond} // about 1.5 s a pass
	srv.Start(t)
	state := t.TempDir()
	events := filepath.Join(state, "events.jsonl")
	args := []string{"--feed", srv.URL(), "--state", state, "--listen", "127.0.0.1:0", "--checkpoint-interval", "50ms"}

	first := startWatch(t, bin, args...)
	// Midway: an encounter is open (its ongoing record logged, not its
	// closed one) and a checkpoint was written since it was logged.
	require.Eventually(t, func() bool {
		return len(livetest.Open(t, livetest.ReadLog(t, events))) > 0 && checkpointOffset(state, srv.URL()) > int64(srv.Len()/3)
	}, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	require.Error(t, first.cmd.Wait(), "killed")
	atKill := livetest.ReadLog(t, events)
	require.Less(t, len(atKill), len(want), "killed before the end of the input")

	second := startWatch(t, bin, args...)
	got := livetest.WaitLog(t, events, len(want))
	require.NoError(t, second.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool { return strings.Contains(second.logs(t), `"msg":"rules reloaded"`) }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, second.cmd.Wait(), "SIGTERM: exit 0")

	livetest.SameEvents(t, want, livetest.ReadLog(t, events))
	assert.Len(t, got, len(want))
	assert.Contains(t, second.logs(t), `"restored":true`)
	assert.Contains(t, second.logs(t), `"msg":"stopped"`)
	assert.Equal(t, int64(2), srv.Conns(), "one connection per run")

	// The encounters open at the kill were closed by the second run under
	// their ids, but for those still open at the end of the input.
	assert.Positive(t, livetest.Resumed(t, data, atKill, got), "killed inside an encounter that ends in the input")
}

// TestWatchFlags checks the refusals that happen before any feed is read.
func TestWatchFlags(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte("  \n"), 0o600))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	state := filepath.Join(dir, "state")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "at least one --feed"},
		{[]string{"--feed", "http://x:1"}, "scheme must be"},
		{[]string{"--feed", "-", "--token-file", empty}, "empty token"},
		{[]string{"--feed", "-", "--token-file", filepath.Join(dir, "missing")}, "--token-file"},
		{[]string{"--feed", "-", "--log-level", "loud"}, "--log-level"},
		{[]string{"--feed", "-", "--checkpoint-interval", "0s"}, "--checkpoint-interval must be positive"},
		{[]string{"--feed", "-", "--dedup-window", "0s"}, "--dedup-window must be positive"},
		{[]string{"--feed", "-", "--outbox-max", "-1"}, "--outbox-max must be positive"},
		{[]string{"--feed", "-", "--state", state, "--listen", ln.Addr().String()}, "--listen"},
		{[]string{"--feed", "-", "--config", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"--feed", "tcp://127.0.0.1:1", "--feed", "tcp://127.0.0.1:1", "--state", state, "--listen", "127.0.0.1:0"}, "feed tcp://127.0.0.1:1 given twice"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), append([]string{"watch"}, tt.args...), &stdout, &stderr)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

// TestWatchStdin runs watch on standard input to its end: the closed events
// are those of scan over the same file.
func TestWatchStdin(t *testing.T) {
	data, _ := livetest.Scenario()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.nmea")
	require.NoError(t, os.WriteFile(in, data, 0o600))

	var scanOut, stderr bytes.Buffer
	require.Equal(t, 0, run(t.Context(), []string{"scan", in}, &scanOut, &stderr), stderr.String())

	f, err := os.Open(in)
	require.NoError(t, err)
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = stdin }()
	state := filepath.Join(dir, "state")
	stderr.Reset()
	require.Equal(t, 0, run(t.Context(), []string{"watch", "--feed", "-", "--state", state, "--listen", "127.0.0.1:0"}, io.Discard, &stderr), stderr.String())

	var closed []string
	for _, l := range livetest.ReadLog(t, filepath.Join(state, "events.jsonl")) {
		if strings.Contains(l, `"status":"closed"`) {
			closed = append(closed, l)
		}
	}
	scanned := livetest.Lines(scanOut.String())
	require.NotEmpty(t, scanned)
	assert.ElementsMatch(t, scanned, closed, "watch to the end of input finds what scan finds")
	assert.Contains(t, stderr.String(), fmt.Sprintf(`"msg":%q`, "input ended: flushing open runs"))
}
