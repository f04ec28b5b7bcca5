// Package live is the durable core of the watch daemon: feeds decoded into
// one detector, events appended and fsynced to a log before anything else
// learns of them, periodic atomic checkpoints of detector state and feed
// offsets, restart from the checkpoint without repeating or losing events, a
// persistent webhook outbox, an HTTP API and Prometheus metrics.
//
// One goroutine owns the detector (it is not safe for concurrent use): it
// pushes records, writes checkpoints, and runs the API's questions to the
// detector between records.
package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/ais/feed"
	"github.com/stswatch/stswatch/detect"
)

// Config is what the daemon runs with. Feeds and StateDir are required.
type Config struct {
	Feeds              []feed.Source
	StateDir           string        // checkpoint and webhook outbox
	OutPath            string        // the event log; default StateDir/events.jsonl
	Token              string        // when set, the API requires "Authorization: Bearer <Token>"
	Webhook            string        // when set, each alert record is POSTed here
	CheckpointInterval time.Duration // default 30 s
	DedupWindow        time.Duration // cross-feed sentence de-duplication window; default 2 s
	OutboxMax          int           // pending webhook deliveries kept; default 1000
	MaxEvents          int           // events kept in memory for the API; default 10000
	Detect             detect.Config
	Env                detect.Env
	Feed               feed.Options // backoff, idle timeout, clock; Offset, Dedup and OnState are set per feed
	Logger             *slog.Logger // default slog.Default()
	Now                func() time.Time
}

// Daemon runs the feeds into the detector and serves the results.
type Daemon struct {
	cfg     Config
	log     *slog.Logger
	det     *detect.Detector
	evlog   *EventLog
	outbox  *Outbox
	store   *store
	m       *metrics
	rejects ais.Rejects

	feeds       []*feed.Reader
	feedCtx     context.Context
	cancelFeeds context.CancelFunc
	offsets     []int64 // per feed: lines whose records the detector holds
	restored    bool

	ctl     chan func(*detect.Detector)
	stopped chan struct{} // closed when Run returns
	err     error         // first event log or outbox failure: the daemon stops rather than lose events

	crash func(point string, ev detect.Event) error // tests: a crash injected in emit; nil in service
}

// CheckpointFile is the name of the checkpoint in the state directory.
const CheckpointFile = "checkpoint"

// New opens the state directory: the event log (whose events the API serves
// again), the checkpoint (restoring detector state and feed offsets) and the
// webhook outbox. Feeds connect when Run starts.
func New(cfg Config) (*Daemon, error) {
	if len(cfg.Feeds) == 0 {
		return nil, errors.New("no feed given")
	}
	if cfg.StateDir == "" {
		return nil, errors.New("no state directory given")
	}
	for i, src := range cfg.Feeds {
		// The name labels the feed's metrics and keys its checkpoint offset.
		if slices.ContainsFunc(cfg.Feeds[:i], func(s feed.Source) bool { return s.Name == src.Name }) {
			return nil, fmt.Errorf("feed %s given twice", src.Name)
		}
	}
	setDefaults(&cfg)
	if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	d := &Daemon{cfg: cfg, log: cfg.Logger, store: newStore(cfg.MaxEvents), ctl: make(chan func(*detect.Detector)),
		stopped: make(chan struct{}), offsets: make([]int64, len(cfg.Feeds))}
	d.m = newMetrics(&d.rejects, cfg.Now)
	d.det = detect.New(cfg.Detect, cfg.Env, d.emit)

	meta, found, err := LoadCheckpoint(filepath.Join(cfg.StateDir, CheckpointFile), d.det.LoadState)
	if err != nil {
		return nil, err
	}
	d.restored = found
	evlog, err := OpenEventLog(cfg.OutPath, func(ev detect.Event) { d.store.add(ev, false) })
	if err != nil {
		return nil, err
	}
	d.evlog = evlog
	if cfg.Webhook != "" {
		// An alert staged in the outbox by a run that crashed before logging
		// it is logged now, in its place: the next line (see Outbox).
		logStaged := func(ev detect.Event) error {
			fresh, err := evlog.Append(ev)
			if err == nil && fresh {
				d.logged(ev, false, "alert staged in the webhook outbox but not in the log: logged")
			}
			return err
		}
		if d.outbox, err = OpenOutbox(filepath.Join(cfg.StateDir, "outbox"), cfg.Webhook, cfg.OutboxMax, d.log, d.m, logStaged); err != nil {
			evlog.Close()
			return nil, err
		}
	}

	d.feedCtx, d.cancelFeeds = context.WithCancel(context.Background())
	var dedup *feed.Dedup
	if len(cfg.Feeds) > 1 { // one feed has nothing to deduplicate against
		dedup = feed.NewDedup(cfg.DedupWindow)
	}
	for i, src := range cfg.Feeds {
		opt := cfg.Feed
		opt.Offset, opt.Dedup, opt.Logger = meta.Offsets[src.Name], dedup, d.log
		d.offsets[i] = opt.Offset
		r := feed.Open(d.feedCtx, src, opt)
		d.feeds = append(d.feeds, r)
		d.m.addFeed(r)
	}
	d.log.Info("state opened", "dir", cfg.StateDir, "log", cfg.OutPath, "restored", found, "checkpoint_saved", meta.Saved, "offsets", meta.Offsets)
	return d, nil
}

func setDefaults(cfg *Config) {
	if cfg.OutPath == "" {
		cfg.OutPath = filepath.Join(cfg.StateDir, "events.jsonl")
	}
	if cfg.CheckpointInterval <= 0 {
		cfg.CheckpointInterval = 30 * time.Second
	}
	if cfg.DedupWindow <= 0 {
		cfg.DedupWindow = 2 * time.Second
	}
	if cfg.OutboxMax <= 0 {
		cfg.OutboxMax = 1000
	}
	if cfg.MaxEvents <= 0 {
		cfg.MaxEvents = 10000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
}

// item is one decoded record on its way to the detector, with the feed's
// checkpoint offset once the record is in (feed.Reader.Safe).
type item struct {
	feed   int
	offset int64
	rec    ais.Record
}

// Run reads the feeds until ctx ends or every feed has ended (standard input
// closed). When ctx ends it stops the feeds, pushes what they had decoded,
// writes a checkpoint and returns nil: open encounters carry over to the next
// run. When the input ends it flushes the detector (closing every open run)
// first. It returns an error only when events could not be made durable.
func (d *Daemon) Run(ctx context.Context) error {
	defer close(d.stopped)
	defer d.evlog.Close()
	defer d.store.close()
	var bg sync.WaitGroup
	bgCtx, stopBg := context.WithCancel(context.Background())
	defer func() { stopBg(); bg.Wait() }()
	if d.outbox != nil {
		bg.Go(func() { d.outbox.Run(bgCtx) })
	}

	recs := make(chan []item, 16)
	free := make(chan []item, 32)
	var feeds sync.WaitGroup
	for i, r := range d.feeds {
		feeds.Go(func() { d.readFeed(i, r, recs, free) })
	}
	go func() { feeds.Wait(); close(recs) }()
	defer d.cancelFeeds()

	checkpoints := time.NewTicker(d.cfg.CheckpointInterval)
	defer checkpoints.Stop()
	stats := time.NewTicker(time.Second)
	defer stats.Stop()
	done := ctx.Done()
	stopping := false
	for {
		select {
		case batch, ok := <-recs:
			if !ok {
				if !stopping {
					d.log.Info("input ended: flushing open runs")
					d.det.Flush()
				}
				if d.err != nil {
					return d.err
				}
				return d.checkpoint()
			}
			for _, it := range batch {
				d.push(it)
			}
			select {
			case free <- batch[:0]:
			default:
			}
		case <-checkpoints.C:
			if err := d.checkpoint(); err != nil {
				d.log.Error("checkpoint failed", "err", err)
			}
		case <-stats.C:
			d.m.activeVessels.Set(float64(d.det.Stats().ActiveVessels))
		case fn := <-d.ctl:
			fn(d.det)
		case <-done:
			d.log.Info("stopping: feeds closed, draining decoded records")
			stopping, done = true, nil
			d.cancelFeeds()
		}
		if d.err != nil {
			d.cancelFeeds()
			go func() { // let the feed goroutines finish their last sends
				for range recs {
				}
			}()
			return d.err
		}
	}
}

// batchLen bounds how many records travel to the detector together.
const batchLen = 256

// readFeed decodes one feed and passes its records on, each with the feed's
// checkpoint offset once it is in the detector, until the feed ends. Records
// go in batches (one channel operation for many records under load), and a
// batch goes as soon as the feed has no further line ready, so a quiet feed's
// record is never held back. Batches are recycled through free.
func (d *Daemon) readFeed(i int, r *feed.Reader, out chan<- []item, free chan []item) {
	nr := ais.NewNMEAReader(r, r.Name(), ais.Options{Rejects: &d.rejects, Clock: r.Arrival, Source: r.Sender})
	msgs := d.m.messages.WithLabelValues(r.Name())
	batch := make([]item, 0, batchLen)
	for {
		rec, err := nr.Next()
		if err != nil {
			if len(batch) > 0 {
				out <- batch
			}
			if !errors.Is(err, io.EOF) {
				d.log.Error("feed decoding stopped", "feed", r.Name(), "err", err)
			}
			return
		}
		msgs.Inc()
		batch = append(batch, item{feed: i, offset: r.Safe(), rec: rec})
		if len(batch) < batchLen && r.Buffered() {
			continue
		}
		out <- batch
		select {
		case batch = <-free:
		default:
			batch = make([]item, 0, batchLen)
		}
	}
}

func (d *Daemon) push(it item) {
	d.det.Push(it.rec)
	d.offsets[it.feed] = it.offset
	if it.rec.Has&ais.HasTime != 0 {
		d.m.lastEventTime.Store(it.rec.Time.UnixNano())
	}
}

// emit is the detector's sink: the event log first (fsynced), then the API,
// stream subscribers and webhook outbox. A record the log already holds (a
// replay after a restart) goes nowhere. An alert is staged in the outbox
// before its log line and released for delivery after it, so that a crash
// between the two loses no delivery (see Outbox); an outbox that cannot be
// written stops the daemon, as a log that cannot be.
func (d *Daemon) emit(ev detect.Event) {
	if d.err != nil {
		return
	}
	if d.evlog.Has(ev) {
		d.log.Debug("event already in the log", "id", ev.ID, "status", ev.Status)
		return
	}
	var staged string
	if d.outbox != nil && ev.Alert {
		var err error
		if staged, err = d.outbox.Stage(ev); err != nil {
			d.err = fmt.Errorf("alert %s/%s: %w", ev.ID, ev.Status, err)
			d.log.Error("webhook outbox write failed: stopping", "err", d.err)
			return
		}
		if d.crashed("staged", ev) {
			return
		}
	}
	if _, err := d.evlog.Append(ev); err != nil {
		d.err = err
		d.log.Error("event log write failed: stopping", "err", err)
		return
	}
	if d.crashed("logged", ev) {
		return
	}
	d.logged(ev, true, "event")
	if d.outbox != nil {
		d.outbox.Release(staged)
		d.crashed("released", ev)
	}
}

// logged tells the metrics, the daemon's log and the API of an event the
// event log now holds; publish sends it to stream subscribers too.
func (d *Daemon) logged(ev detect.Event, publish bool, msg string) {
	d.m.events.WithLabelValues(ev.Type, ev.Status).Inc()
	d.log.Info(msg, "id", ev.ID, "type", ev.Type, "status", ev.Status, "alert", ev.Alert, "start", ev.Start, "end", ev.End)
	d.store.add(ev, publish)
}

// crashed asks the test's crash hook whether emit stops at point, as a crash
// there would: nothing after it is done, and Run returns the hook's error
// without a checkpoint.
func (d *Daemon) crashed(point string, ev detect.Event) bool {
	if d.crash == nil {
		return false
	}
	d.err = d.crash(point, ev)
	return d.err != nil
}

// checkpoint saves detector state and feed offsets atomically.
func (d *Daemon) checkpoint() error {
	start := time.Now()
	meta := CheckpointMeta{Saved: d.cfg.Now(), Offsets: make(map[string]int64, len(d.feeds))}
	for i, r := range d.feeds {
		meta.Offsets[r.Name()] = d.offsets[i]
	}
	err := SaveCheckpoint(filepath.Join(d.cfg.StateDir, CheckpointFile), meta, d.det.SaveState)
	d.m.checkpointDur.Set(time.Since(start).Seconds())
	if err != nil {
		d.m.checkpoints.WithLabelValues("error").Inc()
		return err
	}
	d.m.checkpoints.WithLabelValues("ok").Inc()
	d.log.Debug("checkpoint written", "offsets", meta.Offsets, "took", time.Since(start))
	return nil
}

// do runs fn on the detector's goroutine, between records.
func (d *Daemon) do(ctx context.Context, fn func(*detect.Detector)) error {
	done := make(chan struct{})
	select {
	case d.ctl <- func(det *detect.Detector) { fn(det); close(done) }:
	case <-d.stopped:
		return errors.New("daemon stopped")
	case <-ctx.Done():
		return ctx.Err()
	}
	<-done
	return nil
}

// Reload swaps in new rules and thresholds (SIGHUP): the detector's state is
// carried over through a checkpoint round trip into a detector built with
// the new configuration and environment.
func (d *Daemon) Reload(ctx context.Context, cfg detect.Config, env detect.Env) error {
	var err error
	derr := d.do(ctx, func(old *detect.Detector) {
		var buf bytes.Buffer
		if err = old.SaveState(&buf); err != nil {
			return
		}
		det := detect.New(cfg, env, d.emit)
		if err = det.LoadState(&buf); err != nil {
			return
		}
		d.det = det
	})
	if derr != nil {
		return derr
	}
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	d.log.Info("rules reloaded")
	return nil
}

// Restored reports whether New found a checkpoint to resume from.
func (d *Daemon) Restored() bool { return d.restored }

// Consumed is the number of lines read from all feeds so far (duplicates
// dropped included): a progress figure for monitoring and tests.
func (d *Daemon) Consumed() int64 {
	var n int64
	for _, r := range d.feeds {
		n += r.Lines()
	}
	return n
}
