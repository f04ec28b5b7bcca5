package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stswatch/stswatch/ais/feed"
	"github.com/stswatch/stswatch/detect"
)

// Outbox delivers alerts to a webhook: each alert is a file in a directory
// (so pending deliveries survive a restart), POSTed by one goroutine that
// retries with exponential backoff and jitter. Enqueue never waits on the
// network; when more than max deliveries are pending the oldest is dropped
// (and counted) rather than blocking ingestion or filling the disk.
type Outbox struct {
	dir    string
	url    string
	max    int
	client *http.Client
	log    *slog.Logger
	m      *metrics

	mu      sync.Mutex
	pending []string // file names, oldest first
	seq     int64
	wake    chan struct{}
	backoff feed.Backoff
}

// OpenOutbox opens the outbox directory, creating it, and loads the pending deliveries.
func OpenOutbox(dir, url string, maxPending int, log *slog.Logger, m *metrics) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	o := &Outbox{dir: dir, url: url, max: maxPending, client: &http.Client{Timeout: 10 * time.Second}, log: log, m: m,
		wake: make(chan struct{}, 1), backoff: feed.Backoff{Min: time.Second, Max: 5 * time.Minute}}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") {
			o.pending = append(o.pending, e.Name()) // names start with a zero-padded sequence: sorted
		}
	}
	if n := len(o.pending); n > 0 {
		fmt.Sscanf(o.pending[n-1], "%d-", &o.seq)
	}
	o.m.outboxPending.Set(float64(len(o.pending)))
	return o, nil
}

// Enqueue stores an alert for delivery. An alert already pending (the same id
// and status, written again by a replay) is not stored twice.
func (o *Outbox) Enqueue(ev detect.Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	suffix := fmt.Sprintf("-%s-%s.json", ev.ID, ev.Status)
	o.mu.Lock()
	defer o.mu.Unlock()
	if slices.ContainsFunc(o.pending, func(n string) bool { return strings.HasSuffix(n, suffix) }) {
		return nil
	}
	o.seq++
	name := fmt.Sprintf("%020d%s", o.seq, suffix)
	if err := writeFileSync(filepath.Join(o.dir, name), b); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	o.pending = append(o.pending, name)
	for len(o.pending) > o.max {
		o.log.Warn("webhook outbox full: oldest alert dropped", "file", o.pending[0])
		_ = os.Remove(filepath.Join(o.dir, o.pending[0]))
		o.pending = o.pending[1:]
		o.m.webhook.WithLabelValues("dropped").Inc()
	}
	o.m.outboxPending.Set(float64(len(o.pending)))
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

// Run delivers pending alerts until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	for {
		name, ok := o.head()
		if !ok {
			select {
			case <-o.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		err := o.deliver(ctx, name)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			o.backoff.Reset()
			o.done(name, "delivered")
			continue
		}
		var refused permanentError
		if errors.As(err, &refused) {
			o.log.Error("webhook refused alert: dropped", "file", name, "err", refused)
			o.done(name, "refused")
			continue
		}
		wait := o.backoff.Next()
		o.m.webhook.WithLabelValues("retried").Inc()
		o.log.Warn("webhook delivery failed", "file", name, "err", err, "retry_in", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
	}
}

// head is the oldest pending delivery.
func (o *Outbox) head() (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.pending) == 0 {
		return "", false
	}
	return o.pending[0], true
}

// done removes a delivery that is finished (delivered or refused).
func (o *Outbox) done(name, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if i := slices.Index(o.pending, name); i >= 0 { // it may have been dropped meanwhile
		o.pending = slices.Delete(o.pending, i, i+1)
	}
	_ = os.Remove(filepath.Join(o.dir, name))
	o.m.webhook.WithLabelValues(outcome).Inc()
	o.m.outboxPending.Set(float64(len(o.pending)))
}

// permanentError is a client error from the webhook (4xx other than 408 and
// 429): retrying the same body cannot succeed.
type permanentError struct{ status int }

// Error says which status the webhook answered.
func (e permanentError) Error() string { return fmt.Sprintf("status %d", e.status) }

func (o *Outbox) deliver(ctx context.Context, name string) error {
	body, err := os.ReadFile(filepath.Join(o.dir, name))
	if err != nil {
		return permanentError{status: 0}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	// The same alert retried carries the same key, so the receiver can drop repeats.
	req.Header.Set("Idempotency-Key", strings.TrimSuffix(name[21:], ".json"))
	resp, err := o.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		return permanentError{status: resp.StatusCode}
	}
	return fmt.Errorf("status %d", resp.StatusCode)
}

// writeFileSync writes a small file and fsyncs it.
func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
