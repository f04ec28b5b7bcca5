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
	o, err := OpenOutbox(dir, srv.URL, 10, quiet, m, nil)
	require.NoError(t, err)
	require.NoError(t, o.Enqueue(testEvent("a", "ongoing", true)))
	require.NoError(t, o.Enqueue(testEvent("a", "ongoing", true)), "a replayed alert is queued once")
	require.NoError(t, o.Enqueue(testEvent("a", "closed", true)))

	o, err = OpenOutbox(dir, srv.URL, 10, quiet, m, nil)
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
	o, err := OpenOutbox(dir, srv.URL, 2, quiet, newMetrics(&ais.Rejects{}, time.Now), nil)
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

func TestWriteFileAtomic(t *testing.T) {
	for _, tt := range []struct {
		name    string
		old     string // the file before, "" for none
		write   string // what the write puts out before it returns
		fail    bool   // the write fails after putting it out
		want    string // the file after, "" for none
		wantErr bool
	}{
		{name: "new file", write: `{"id":"a"}`, want: `{"id":"a"}`},
		{name: "replaces the old file", old: "old", write: `{"id":"a"}`, want: `{"id":"a"}`},
		{name: "a failed write leaves no file", write: `{"id":"a","sta`, fail: true, wantErr: true},
		{name: "a failed write leaves the old file", old: "old", write: `{"id":"a","sta`, fail: true, want: "old", wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.json")
			if tt.old != "" {
				require.NoError(t, os.WriteFile(path, []byte(tt.old), 0o644))
			}
			var seen []byte
			err := writeFileAtomic(path, func(w io.Writer) error {
				seen, _ = os.ReadFile(path) // path is untouched while the write is under way
				if _, err := io.WriteString(w, tt.write); err != nil {
					return err
				}
				if tt.fail {
					return errors.New("disk full")
				}
				return nil
			})
			if tt.wantErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.old, string(seen), "the file as it was during the write")
			ents, err := os.ReadDir(dir)
			require.NoError(t, err)
			if tt.want == "" {
				assert.Empty(t, ents, "no file, and no temporary file left")
				return
			}
			require.Len(t, ents, 1, "no temporary file left")
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

// counterValue reads a counter of the metrics' registry by one label.
func counterValue(t *testing.T, m *metrics, name, label, value string) float64 {
	t.Helper()
	fams, err := m.reg.Gather()
	require.NoError(t, err)
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return s.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestOutboxDamagedAtStart starts an outbox on files an older version (which
// wrote them in place) or a crash left: whatever does not hold its alert
// whole is not POSTed, but counted, renamed aside, and the rest delivered.
func TestOutboxDamagedAtStart(t *testing.T) {
	good, err := json.Marshal(testEvent("b", "ongoing", true))
	require.NoError(t, err)
	other, err := json.Marshal(testEvent("x", "closed", true))
	require.NoError(t, err)
	const bad = "00000000000000000001-a-ongoing.json" // ahead of the good one: POSTed first if it were loaded
	for _, tt := range []struct {
		name        string
		file        string // the file's name, bad unless told
		body        []byte
		wantDamaged float64
		wantLeft    []string // the outbox directory once the good alert is delivered
	}{
		{name: "cut short", body: good[:len(good)/2], wantDamaged: 1, wantLeft: []string{bad + ".damaged"}},
		{name: "empty", body: nil, wantDamaged: 1, wantLeft: []string{bad + ".damaged"}},
		{name: "not an alert", body: []byte(`[1,2]`), wantDamaged: 1, wantLeft: []string{bad + ".damaged"}},
		{name: "another alert than its name", body: other, wantDamaged: 1, wantLeft: []string{bad + ".damaged"}},
		{name: "unfinished temporary file", file: bad + ".tmp12345", body: good[:10], wantLeft: nil},
		{name: "damaged earlier", file: bad + ".damaged", body: good[:10], wantLeft: []string{bad + ".damaged"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &hook{}
			srv := httptest.NewServer(h)
			defer srv.Close()
			dir := t.TempDir()
			name := tt.file
			if name == "" {
				name = bad
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), tt.body, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "00000000000000000002-b-ongoing.json"), good, 0o644))
			m := newMetrics(&ais.Rejects{}, time.Now)
			o, err := OpenOutbox(dir, srv.URL, 10, quiet, m, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.wantDamaged, counterValue(t, m, "stswatch_webhook_deliveries_total", "outcome", "damaged"))
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { o.Run(ctx); close(done) }()
			require.Eventually(t, func() bool { return len(h.delivered()) == 1 }, 10*time.Second, time.Millisecond)
			require.NoError(t, o.Enqueue(testEvent("c", "closed", true)))
			require.Eventually(t, func() bool {
				ents, _ := os.ReadDir(dir)
				return len(h.delivered()) == 2 && len(ents) == len(tt.wantLeft)
			}, 10*time.Second, time.Millisecond, "delivered alerts leave the outbox")
			cancel()
			<-done
			assert.Equal(t, []string{"b-ongoing", "c-closed"}, h.delivered(), "the damaged file is not POSTed; new alerts follow the old")
			assert.Equal(t, string(good), h.bodies[0])
			var left []string
			ents, err := os.ReadDir(dir)
			require.NoError(t, err)
			for _, e := range ents {
				left = append(left, e.Name())
			}
			assert.Equal(t, tt.wantLeft, left)
		})
	}
}
