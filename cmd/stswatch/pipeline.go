package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/report"
	"github.com/stswatch/stswatch/geo"
	"golang.org/x/term"
)

// envFlags are the detector inputs shared by scan and watch: thresholds and
// rules (YAML), watch list, ports and zones.
type envFlags struct {
	config, watchlist, ports, zones string
}

// register adds --config, --watchlist, --ports and --zones to fs.
func (f *envFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "YAML `FILE` of rules and thresholds over the defaults (see README \"Rules and defaults\")")
	fs.StringVar(&f.watchlist, "watchlist", "", "`CSV` of vessels of interest with any of imo, mmsi, name columns (e.g. an OFAC SDN extract)")
	fs.StringVar(&f.ports, "ports", "", "exclude ports and anchorages listed in `FILE`: CSV with latitude/longitude columns (World Port Index, GFW anchorages) or GeoJSON")
	fs.StringVar(&f.zones, "zones", "", "GeoJSON `FILE` of polygons with a \"name\" property that tag events zone:NAME")
}

// load reads the files named by the flags; without --config it gives detect.DefaultConfig().
func (f *envFlags) load() (detect.Config, detect.Env, error) {
	cfg, env := detect.DefaultConfig(), detect.Env{}
	var err error
	if f.config != "" {
		if cfg, err = detect.LoadConfig(f.config); err != nil {
			return cfg, env, err
		}
	}
	if f.watchlist != "" {
		if env.Watchlist, err = detect.LoadWatchlist(f.watchlist); err != nil {
			return cfg, env, err
		}
	}
	if f.ports != "" {
		if env.Ports, err = geo.LoadPorts(f.ports); err != nil {
			return cfg, env, err
		}
	}
	if f.zones != "" {
		if env.Zones, err = geo.LoadZones(f.zones); err != nil {
			return cfg, env, err
		}
	}
	return cfg, env, nil
}

// batchLen is how many records travel together from a reader to the detector.
const batchLen = 1024

// batches carries records from reading goroutines to the one detecting
// goroutine in slices, so decoding and detection overlap on separate cores
// with one channel operation per batch, not per record. Slices are recycled:
// the steady state allocates nothing. Order is kept within each reader, so a
// single reader gives a deterministic stream.
type batches struct {
	full chan []ais.Record
	free chan []ais.Record
}

// newBatches returns an open pipe with a few batches in flight.
func newBatches() *batches {
	return &batches{full: make(chan []ais.Record, 4), free: make(chan []ais.Record, 8)}
}

func (b *batches) get() []ais.Record {
	select {
	case s := <-b.free:
		return s
	default:
		return make([]ais.Record, 0, batchLen)
	}
}

// send passes a batch on, unless ctx ends first.
func (b *batches) send(ctx context.Context, batch []ais.Record) bool {
	if len(batch) == 0 {
		return true
	}
	select {
	case b.full <- batch:
		return true
	case <-ctx.Done():
		return false
	}
}

// inputCounts are what fill saw of one input: its records, and those with a time.
type inputCounts struct{ records, timed int64 }

// fill reads r to its end in batches, adding the records sent to count, and
// counts r's records with and without a time. It returns r's error (nil at
// io.EOF) or the context's when ctx ends first.
func (b *batches) fill(ctx context.Context, r ais.Reader, count *atomic.Int64) (inputCounts, error) {
	var c inputCounts
	batch := b.get()
	for {
		rec, err := r.Next()
		if err != nil {
			n := len(batch)
			if !b.send(ctx, batch) {
				return c, ctx.Err()
			}
			count.Add(int64(n))
			if errors.Is(err, io.EOF) {
				return c, nil
			}
			return c, err
		}
		c.records++
		if rec.Has&ais.HasTime != 0 {
			c.timed++
		}
		batch = append(batch, rec)
		if len(batch) == batchLen {
			if !b.send(ctx, batch) {
				return c, ctx.Err()
			}
			count.Add(batchLen)
			batch = b.get()
		}
	}
}

// close says no more batches will come; call it once every fill has returned.
func (b *batches) close() { close(b.full) }

// drain pushes every record of every batch, in order, until close or until ctx
// ends (then the batches still queued are dropped). It reports whether ctx ended it.
func (b *batches) drain(ctx context.Context, push func(ais.Record)) (stopped bool) {
	for {
		select {
		case batch, ok := <-b.full:
			if !ok {
				return false
			}
			for i := range batch {
				push(batch[i])
			}
			select {
			case b.free <- batch[:0]:
			default:
			}
		case <-ctx.Done():
			return true
		}
	}
}

// runStats are the figures of a run for its summary. The counters may be read
// while the run goes on (progress, metrics).
type runStats struct {
	Records   atomic.Int64   // records decoded and passed to the detector
	Bytes     atomic.Int64   // raw input bytes read (ais.Options.BytesRead)
	Inputs    int            // inputs opened
	Failed    int            // inputs that could not be opened or read to the end
	InputErrs []error        // why they failed (path and reason)
	Untimed   []untimedInput // inputs none of whose records read had a time
	Vessels   int            // vessels the detector held at the end of input
	Detector  detect.Stats   // the detector's counters after Flush
	ByType    map[string]int // events written by type
	Alerts    int            // alerts written
	Rejects   ais.Rejects
	Start     time.Time
	Elapsed   time.Duration
	Stopped   string // the signal that cut the run short, "" when it ran to the end
	Filtered  int    // events found but not written (--alerts-only)
}

// untimedInput is an input none of whose records carries a time (a dump
// without tag blocks or receiver timestamps): the detectors, which work in
// event time, skip every one of them, so the summary says so.
type untimedInput struct {
	name    string
	records int64
}

// newRunStats starts the clock of a run.
func newRunStats() *runStats { return &runStats{Start: time.Now()} }

// countEvent adds a written event to the summary.
func (s *runStats) countEvent(e detect.Event) {
	if s.ByType == nil {
		s.ByType = map[string]int{}
	}
	s.ByType[e.Type]++
	if e.Alert {
		s.Alerts++
	}
}

// print writes the run summary: messages, rejects by reason with their first
// examples as file:line, vessels, events by type, alerts, rate and time.
func (s *runStats) print(w io.Writer) {
	recs, secs := s.Records.Load(), s.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(recs) / secs
	}
	fmt.Fprintf(w, "inputs:    %d read", s.Inputs)
	if s.Failed > 0 {
		fmt.Fprintf(w, ", %d failed", s.Failed)
	}
	for _, err := range s.InputErrs {
		fmt.Fprintf(w, "\n  %v", err)
	}
	fmt.Fprintf(w, "\nmessages:  %d read in %s (%.0f msg/s, %.1f MB)\n", recs, s.Elapsed.Round(time.Millisecond), rate, float64(s.Bytes.Load())/1e6)

	counts := s.Rejects.Counts()
	fmt.Fprintf(w, "rejected:  %d", sum(counts))
	reasons := slices.SortedFunc(maps.Keys(counts), func(a, b ais.Reason) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	for i, r := range reasons {
		sep := ", "
		if i == 0 {
			sep = " ("
		}
		fmt.Fprintf(w, "%s%s %d", sep, r, counts[r])
	}
	if len(reasons) > 0 {
		fmt.Fprint(w, ")")
	}
	fmt.Fprintln(w)
	for _, ex := range s.Rejects.Examples() {
		fmt.Fprintf(w, "  %-17s %s:%d: %s\n", ex.Reason, ex.File, ex.Line, printable(ex.Text))
	}

	fmt.Fprintf(w, "vessels:   %d active at the end of input\n", s.Vessels)
	d := s.Detector
	fmt.Fprintf(w, "dropped:   %d late, %d duplicates, %d thinned, %d outliers, %d without time or position, %d invalid",
		d.Late, d.Duplicates, d.Thinned, d.Outliers, d.Skipped, sum(d.Invalid))
	for i, k := range slices.Sorted(maps.Keys(d.Invalid)) {
		sep := ", "
		if i == 0 {
			sep = " ("
		}
		fmt.Fprintf(w, "%s%s %d", sep, k, d.Invalid[k])
	}
	if len(d.Invalid) > 0 {
		fmt.Fprint(w, ")")
	}
	fmt.Fprintln(w)
	for _, u := range s.Untimed {
		fmt.Fprintf(w, "warning:   %s: none of its %d records has a time (no tag block c:, receiver timestamp or CSV time column), so the detectors skipped them all\n", u.name, u.records)
	}
	fmt.Fprint(w, "events:   ")
	for _, t := range []string{detect.TypeEncounter, detect.TypeLoitering, detect.TypeGap, detect.TypeIdentity} {
		fmt.Fprintf(w, " %s %d", t, s.ByType[t])
	}
	fmt.Fprintf(w, "; alerts %d", s.Alerts)
	if s.Filtered > 0 {
		fmt.Fprintf(w, " (%d non-alert events not written: --alerts-only)", s.Filtered)
	}
	fmt.Fprintln(w)
	if s.Stopped != "" {
		fmt.Fprintf(w, "stopped:   by %s; the events found so far are written\n", s.Stopped)
	}
}

// printable shows a rejected line as it was, with unprintable bytes as '.'.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return '.'
		}
		return r
	}, s)
}

// sum adds up the counts of a map.
func sum[K comparable](m map[K]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// outputs are the event writers of a run over the files they write.
type outputs struct {
	writers []report.Writer
	files   []*os.File
}

// output is one requested event output: a path ("" for none, "-" for standard
// output) and the writer of its format.
type output struct {
	path string
	new  func(io.Writer) (report.Writer, error)
}

// The output formats.
var (
	jsonlFormat   = func(w io.Writer) (report.Writer, error) { return report.NewJSONL(w), nil }
	geojsonFormat = func(w io.Writer) (report.Writer, error) { return report.NewGeoJSON(w), nil }
	csvFormat     = func(w io.Writer) (report.Writer, error) { return report.NewCSV(w), nil }
	parquetFormat = func(w io.Writer) (report.Writer, error) { return report.NewParquet(w) }
)

// openOutputs creates the file of every output with a path; "-" writes to
// stdout, which is left open. On an error the files created so far are closed.
func openOutputs(stdout io.Writer, outs ...output) (*outputs, error) {
	o := &outputs{}
	for _, out := range outs {
		if out.path == "" {
			continue
		}
		w := stdout
		if out.path != "-" {
			f, err := os.Create(out.path)
			if err != nil {
				o.Close()
				return nil, fmt.Errorf("output: %w", err)
			}
			o.files = append(o.files, f)
			w = f
		}
		rw, err := out.new(w)
		if err != nil {
			o.Close()
			return nil, fmt.Errorf("output %s: %w", out.path, err)
		}
		o.writers = append(o.writers, rw)
	}
	return o, nil
}

// Write sends the event to every writer.
func (o *outputs) Write(e detect.Event) error { return report.Multi(o.writers...).Write(e) }

// Close finishes every format, then syncs and closes the files, so each file
// is complete and valid once Close returns.
func (o *outputs) Close() error {
	errs := []error{report.Multi(o.writers...).Close()}
	for _, f := range o.files {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() { // /dev/null, pipes: nothing to sync
			errs = append(errs, f.Sync())
		}
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

// startProgress draws a progress bar of bytes read against total (-1: unknown)
// with messages and rate on w while the run goes on, when w is a terminal. The
// returned stop removes it.
func startProgress(w io.Writer, total int64, st *runStats) (stop func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return func() {}
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
	)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				bar.Clear()
				return
			case <-tick.C:
				recs := st.Records.Load()
				rate := float64(recs) / time.Since(st.Start).Seconds()
				bar.Describe(fmt.Sprintf("%d msgs, %.0f msg/s", recs, rate))
				bar.Set64(st.Bytes.Load())
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// inputSize sums the sizes of the files (-1 when one is unknown, as standard input).
func inputSize(files []string) int64 {
	var total int64
	for _, name := range files {
		fi, err := os.Stat(name)
		if name == "-" || err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		total += fi.Size()
	}
	return total
}
