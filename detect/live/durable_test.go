package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
)

func testEvent(id, status string, alert bool) detect.Event {
	t0 := time.Date(2024, 3, 1, 6, 0, 0, 0, time.UTC)
	return detect.Event{ID: id, Type: detect.TypeEncounter, Status: status, Start: t0, End: t0.Add(2 * time.Hour),
		DurationS: 7200, Lat: 38.5, Lon: 123.2, Vessels: []detect.Vessel{{MMSI: 445123456, Flag: "KP"}, {MMSI: 412123456, Flag: "CN"}},
		Alert: alert, Score: 0.75, Reasons: []string{"flag-kp", "flag-cn"}}
}

func TestEventLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.jsonl")
	l, err := OpenEventLog(path, func(detect.Event) { t.Fatal("a new log holds no events") })
	require.NoError(t, err)
	for _, ev := range []detect.Event{testEvent("a", "ongoing", true), testEvent("a", "closed", true), testEvent("b", "closed", false)} {
		fresh, err := l.Append(ev)
		require.NoError(t, err)
		assert.True(t, fresh)
	}
	fresh, err := l.Append(testEvent("a", "ongoing", true))
	require.NoError(t, err)
	assert.False(t, fresh, "the same id and status again is not written")
	require.NoError(t, l.Close())

	// A crash in the middle of a write leaves a partial last line.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"id":"c","type":"gap","sta`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	var seen []string
	l, err = OpenEventLog(path, func(ev detect.Event) { seen = append(seen, ev.ID+"/"+ev.Status) })
	require.NoError(t, err)
	assert.Equal(t, []string{"a/ongoing", "a/closed", "b/closed"}, seen)
	assert.True(t, l.Has(testEvent("b", "closed", false)))
	assert.False(t, l.Has(testEvent("b", "ongoing", false)))
	fresh, err = l.Append(testEvent("c", "closed", false))
	require.NoError(t, err)
	assert.True(t, fresh)
	require.NoError(t, l.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	require.Len(t, lines, 4, "the partial line was cut off, the new event appended whole")
	assert.True(t, strings.HasPrefix(lines[3], `{"id":"c","type":"encounter","status":"closed"`), lines[3])

	// A damaged line inside the log is an error naming the line.
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(lines[0]+"\nnot json\n"+lines[1]+"\n"), 0o644))
	_, err = OpenEventLog(bad, func(detect.Event) {})
	assert.ErrorContains(t, err, "line 2")
}

func TestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, CheckpointFile)
	_, found, err := LoadCheckpoint(path, func(io.Reader) error { t.Fatal("no checkpoint to load"); return nil })
	require.NoError(t, err)
	assert.False(t, found)

	meta := CheckpointMeta{Saved: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Offsets: map[string]int64{"tcp://a:1": 42, "-": 7}}
	require.NoError(t, SaveCheckpoint(path, meta, func(w io.Writer) error { _, err := io.WriteString(w, "STATE\nbytes"); return err }))
	var state []byte
	got, found, err := LoadCheckpoint(path, func(r io.Reader) error { state, err = io.ReadAll(r); return err })
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, meta, got)
	assert.Equal(t, "STATE\nbytes", string(state))

	// A failing save leaves the previous checkpoint, and no temporary file.
	require.Error(t, SaveCheckpoint(path, CheckpointMeta{}, func(io.Writer) error { return errors.New("disk full") }))
	got, _, err = LoadCheckpoint(path, func(io.Reader) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, meta, got)
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1)

	require.NoError(t, os.WriteFile(path, []byte("something else"), 0o644))
	_, _, err = LoadCheckpoint(path, func(io.Reader) error { return nil })
	assert.ErrorContains(t, err, "not a stswatch checkpoint")
}

// hook is a webhook receiver that fails the first n deliveries with status.
type hook struct {
	mu       sync.Mutex
	failN    int
	status   int
	bodies   []string
	keys     []string
	attempts int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.attempts++
	if h.failN > 0 {
		h.failN--
		w.WriteHeader(h.status)
		return
	}
	b, _ := io.ReadAll(r.Body)
	h.bodies = append(h.bodies, string(b))
	h.keys = append(h.keys, r.Header.Get("Idempotency-Key"))
}

func (h *hook) delivered() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.keys...)
}

func TestOutboxRetriesAndPersists(t *testing.T) {
	h := &hook{failN: 2, status: http.StatusServiceUnavailable}
	srv := httptest.NewServer(h)
	defer srv.Close()
	dir := t.TempDir()
	m := newMetrics(&ais.Rejects{}, time.Now)

	// Queued while the daemon is down: persisted, delivered by the next run.
	o, err := OpenOutbox(dir, srv.URL, 10, quiet, m)
	require.NoError(t, err)
	require.NoError(t, o.Enqueue(testEvent("a", "ongoing", true)))
	require.NoError(t, o.Enqueue(testEvent("a", "ongoing", true)), "a replayed alert is queued once")
	require.NoError(t, o.Enqueue(testEvent("a", "closed", true)))

	o, err = OpenOutbox(dir, srv.URL, 10, quiet, m)
	require.NoError(t, err)
	o.backoff.Min, o.backoff.Max = time.Millisecond, 5*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	require.NoError(t, o.Enqueue(testEvent("b", "ongoing", true)))

	require.Eventually(t, func() bool { return len(h.delivered()) == 3 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, []string{"a-ongoing", "a-closed", "b-ongoing"}, h.delivered(), "in order, each once, after two failures")
	assert.Equal(t, 5, h.attempts)
	assert.Contains(t, h.bodies[0], `"status":"ongoing"`)
	require.Eventually(t, func() bool {
		ents, _ := os.ReadDir(dir)
		return len(ents) == 0
	}, time.Second, time.Millisecond, "delivered alerts leave the outbox")
}

func TestOutboxBoundedAndRefused(t *testing.T) {
	h := &hook{failN: 1, status: http.StatusBadRequest}
	srv := httptest.NewServer(h)
	defer srv.Close()
	dir := t.TempDir()
	o, err := OpenOutbox(dir, srv.URL, 2, quiet, newMetrics(&ais.Rejects{}, time.Now))
	require.NoError(t, err)
	for _, id := range []string{"a", "b", "c"} {
		require.NoError(t, o.Enqueue(testEvent(id, "ongoing", true)))
	}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 2, "beyond the bound the oldest is dropped")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	require.Eventually(t, func() bool { return len(h.delivered()) == 1 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, []string{"c-ongoing"}, h.delivered(), "b refused (400) is not retried; a was dropped")
}

// FuzzOpenEventLog opens arbitrary bytes as an event log: an error or the
// events of its whole lines, never a panic, and a partial last line cut off.
func FuzzOpenEventLog(f *testing.F) {
	ev, err := json.Marshal(testEvent("a", "ongoing", true))
	require.NoError(f, err)
	f.Add(append(ev, '\n'))
	f.Add(append(append(ev, '\n'), ev[:20]...))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`{"id":1}` + "\n"))
	path := filepath.Join(f.TempDir(), "events.jsonl") // one file, rewritten per input
	f.Fuzz(func(t *testing.T, data []byte) {
		require.NoError(t, os.WriteFile(path, data, 0o644))
		n := 0
		l, err := OpenEventLog(path, func(detect.Event) { n++ })
		if err != nil {
			return
		}
		require.NoError(t, l.Close())
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Fatalf("a partial last line was kept: %q", b)
		}
		if !bytes.HasPrefix(data, b) {
			t.Fatalf("the log was changed, not cut: %q -> %q", data, b)
		}
	})
}
