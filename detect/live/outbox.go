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
//
// Delivery is at least once across a crash at any point, with no record of
// deliveries beyond the files themselves: the daemon writes an alert's file
// (Stage) before its event log line and offers it for delivery (Release) after.
// A crash before the file is whole leaves the alert nowhere durable, like any
// record after the checkpoint: a replay detects it again; a crash between the
// file and the log line leaves a file whose alert the log lacks, which the next
// start hands to OpenOutbox's fn to be logged, then delivers; a crash after the
// log line leaves the file pending. The file goes only once the webhook
// answered, so a crash between the answer and the removal sends that alert
// again: receivers de-duplicate on Idempotency-Key. The webhook never learns of
// an alert the log does not hold.
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

// OpenOutbox opens the outbox directory, creating it, and loads the pending
// deliveries. Every file is written whole or not at all (writeFileAtomic), but
// an older version wrote them in place, so a crash could leave one cut short:
// a file that does not hold its alert whole is never POSTed; it is logged with
// its path, counted (stswatch_webhook_deliveries_total{outcome="damaged"}) and
// renamed to NAME.damaged for inspection, and the start goes on. A temporary
// file left by a crash in the middle of a write is removed: it was never
// renamed into place, so its alert was not yet logged (see Stage).
//
// fn, when not nil, is called with each pending alert, oldest first, before
// any is delivered: the daemon logs there the alert a crash left staged but
// not logged. An error from fn stops the opening.
func OpenOutbox(dir, url string, maxPending int, log *slog.Logger, m *metrics, fn func(detect.Event) error) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	o := &Outbox{dir: dir, url: url, max: maxPending, client: &http.Client{Timeout: 10 * time.Second}, log: log, m: m,
		wake: make(chan struct{}, 1), backoff: feed.Backoff{Min: time.Second, Max: 5 * time.Minute}}
	for _, e := range ents { // names start with a zero-padded sequence: sorted
		name, path := e.Name(), filepath.Join(dir, e.Name())
		switch {
		case strings.Contains(name, ".json.tmp"):
			if err := os.Remove(path); err != nil { // left, it is still never loaded
				log.Warn("webhook outbox: unfinished write not removed", "file", path, "err", err)
				continue
			}
			log.Info("webhook outbox: unfinished write removed", "file", path)
		case strings.HasSuffix(name, ".json"):
			var seq int64
			if _, err := fmt.Sscanf(name, "%d-", &seq); err == nil {
				o.seq = max(o.seq, seq)
			}
			ev, err := readOutboxFile(path)
			if err != nil {
				log.Error("webhook outbox file damaged: not delivered", "file", path, "err", err)
				m.webhook.WithLabelValues("damaged").Inc()
				if err := os.Rename(path, path+".damaged"); err != nil {
					log.Error("webhook outbox: damaged file not renamed", "file", path, "err", err)
				}
				continue
			}
			if fn != nil {
				if err := fn(ev); err != nil {
					return nil, fmt.Errorf("outbox %s: %w", path, err)
				}
			}
			o.pending = append(o.pending, name)
		}
	}
	o.m.outboxPending.Set(float64(len(o.pending)))
	return o, nil
}

// readOutboxFile reads the alert of the outbox file at path, or says why the
// file does not hold it whole: it must decode, with the id and status its
// name ends with.
func readOutboxFile(path string) (detect.Event, error) {
	var ev detect.Event
	b, err := os.ReadFile(path)
	if err != nil {
		return ev, err
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return ev, fmt.Errorf("not an alert record: %w", err)
	}
	if ev.ID == "" || !strings.HasSuffix(filepath.Base(path), outboxSuffix(ev)) {
		return ev, fmt.Errorf("holds alert %q/%q, not the one its name gives", ev.ID, ev.Status)
	}
	return ev, nil
}

// outboxSuffix ends the name of an alert's outbox file, after its sequence.
func outboxSuffix(ev detect.Event) string { return fmt.Sprintf("-%s-%s.json", ev.ID, ev.Status) }

// Enqueue stores an alert for delivery (Stage, then Release). An alert
// already pending (the same id and status, written again by a replay) is not
// stored twice.
func (o *Outbox) Enqueue(ev detect.Event) error {
	name, err := o.Stage(ev)
	if err != nil {
		return err
	}
	o.Release(name)
	return nil
}

// Stage writes an alert's file, whole (writeFileAtomic) and fsynced, but does
// not offer it for delivery: Release does, once the alert is in the event log.
// It returns the file's name, or "" when the alert is already pending.
func (o *Outbox) Stage(ev detect.Event) (string, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	suffix := outboxSuffix(ev)
	o.mu.Lock()
	defer o.mu.Unlock()
	if slices.ContainsFunc(o.pending, func(n string) bool { return strings.HasSuffix(n, suffix) }) {
		return "", nil
	}
	o.seq++
	name := fmt.Sprintf("%020d%s", o.seq, suffix)
	if err := writeFileAtomic(filepath.Join(o.dir, name), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	return name, nil
}

// Release offers a staged alert (Stage's name; "" does nothing) for delivery.
func (o *Outbox) Release(name string) {
	if name == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
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
