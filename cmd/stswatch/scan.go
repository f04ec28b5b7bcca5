package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/report"
)

// scanFlags are the flags of stswatch scan.
type scanFlags struct {
	env                        envFlags
	out, geojson, csv, parquet string
	columns                    string
	timeLayout, format         string
	alertsOnly                 bool
	maxDistanceM, maxSpeedKn   float64
	minDuration                time.Duration
	workers                    int
}

func newScanCmd() *cobra.Command {
	var f scanFlags
	def := detect.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Find encounters, loitering, AIS gaps and identity anomalies in AIS archives",
		Long: `scan reads AIS archives (NMEA with any time dialect, CSV, Parquet; plain, gzip,
zstd, bzip2 or zip; files, directories, globs, or - for standard input), runs
every detector over them as one stream in event time, and writes the closed
events as JSON lines (README "Event schema"). A summary goes to standard error.
Bad lines are counted by reason, never fatal. Flags override --config.
Exit status: 0 done, 1 bad flags or no readable input, 130/143 stopped by
SIGINT/SIGTERM (the events found so far are written and the outputs closed).`,
		Example: `  stswatch scan --min-duration 1h --geojson events.geojson archive/2024-03-*.nmea.gz
  stswatch scan --columns mmsi=ID,time=ts,lat=latitude,lon=longitude --time-layout "2006-01-02 15:04:05" export.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			job, err := f.job(cmd, args)
			if err != nil {
				return err
			}
			return runScan(cmd, job, f)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.out, "out", "o", "-", "write events as JSON lines to `FILE` (- is standard output)")
	fs.StringVar(&f.geojson, "geojson", "", "also write events as a GeoJSON FeatureCollection for map review to `FILE`")
	fs.StringVar(&f.csv, "csv", "", "also write events as CSV, one row per event, to `FILE`")
	fs.StringVar(&f.parquet, "parquet", "", "also write events as Parquet (flat columns, as the CSV) to `FILE`")
	f.env.register(fs)
	fs.StringVar(&f.columns, "columns", "", "CSV column `MAPPING` canonical=header,..., e.g. mmsi=ID,time=ts,lat=latitude,lon=longitude (default: columns found by header name)")
	fs.StringVar(&f.timeLayout, "time-layout", "", "Go time `LAYOUT` of the CSV time column, e.g. \"2006-01-02 15:04:05\", or unix (default: common layouts and unix times detected)")
	fs.StringVar(&f.format, "format", "", "input `FORMAT`: nmea, csv or parquet (default: detected from content and name)")
	fs.BoolVar(&f.alertsOnly, "alerts-only", false, "write only events that match the watch rule (alert: true)")
	fs.Float64Var(&f.maxDistanceM, "max-distance", def.Encounter.MaxDistanceM, "encounter: the two vessels within this many `METRES`")
	fs.DurationVar(&f.minDuration, "min-duration", def.Encounter.MinDuration, "encounter: together at least this long")
	fs.Float64Var(&f.maxSpeedKn, "max-speed", def.Encounter.MaxSpeedKn, "encounter: median speed of each vessel under this many `KNOTS`")
	fs.IntVar(&f.workers, "workers", runtime.NumCPU(), "goroutines for decoding each input file and for the detector's per-vessel work, one per CPU by default")
	return cmd
}

// scanJob is one batch run: inputs, detector set-up and outputs.
type scanJob struct {
	files      []string
	open       ais.Options
	cfg        detect.Config
	env        detect.Env
	alertsOnly bool
}

// job checks the flags and loads what they name: every problem is a clear error before any input is read.
func (f *scanFlags) job(cmd *cobra.Command, args []string) (scanJob, error) {
	switch f.format {
	case "", "nmea", "csv", "parquet":
	default:
		return scanJob{}, fmt.Errorf("--format %q: want nmea, csv or parquet", f.format)
	}
	switch {
	case f.maxDistanceM <= 0:
		return scanJob{}, fmt.Errorf("--max-distance %g: must be positive (metres)", f.maxDistanceM)
	case f.minDuration <= 0:
		return scanJob{}, fmt.Errorf("--min-duration %v: must be positive", f.minDuration)
	case f.maxSpeedKn <= 0:
		return scanJob{}, fmt.Errorf("--max-speed %g: must be positive (knots)", f.maxSpeedKn)
	case f.workers < 1:
		return scanJob{}, fmt.Errorf("--workers %d: must be at least 1", f.workers)
	}
	columns, err := parseColumns(f.columns)
	if err != nil {
		return scanJob{}, err
	}
	cfg, env, err := f.env.load()
	if err != nil {
		return scanJob{}, err
	}
	fs := cmd.Flags()
	if fs.Changed("max-distance") {
		cfg.Encounter.MaxDistanceM = f.maxDistanceM
	}
	if fs.Changed("min-duration") {
		cfg.Encounter.MinDuration = f.minDuration
	}
	if fs.Changed("max-speed") {
		cfg.Encounter.MaxSpeedKn = f.maxSpeedKn
	}
	files, err := ais.Expand(args)
	if err != nil {
		return scanJob{}, err
	}
	if len(files) == 0 {
		return scanJob{}, fmt.Errorf("no input files in %s", strings.Join(args, " "))
	}
	return scanJob{
		files:      files,
		open:       ais.Options{Format: f.format, Columns: columns, TimeLayout: f.timeLayout, Workers: f.workers},
		cfg:        cfg,
		env:        env,
		alertsOnly: f.alertsOnly,
	}, nil
}

// parseColumns reads a --columns mapping "mmsi=ID,time=ts,..." (nil when empty).
func parseColumns(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("--columns %q: want canonical=header pairs separated by commas, e.g. mmsi=ID,time=ts", kv)
		}
		m[strings.ToLower(k)] = v
	}
	return m, nil
}

// exitError carries a process exit status other than 1 up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// runScan opens the outputs, runs the job with SIGINT/SIGTERM handling and a
// progress bar, and prints the summary.
func runScan(cmd *cobra.Command, job scanJob, f scanFlags) error {
	out, err := openOutputs(cmd.OutOrStdout(),
		output{f.out, jsonlFormat}, output{f.geojson, geojsonFormat}, output{f.csv, csvFormat}, output{f.parquet, parquetFormat})
	if err != nil {
		return err
	}

	ctx, stop := context.WithCancelCause(cmd.Context())
	defer stop(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs) // a second signal ends the process at once
			stop(signalError{s})
		case <-ctx.Done():
		}
	}()
	defer signal.Stop(sigs)

	st := newRunStats()
	stderr := cmd.ErrOrStderr()
	stopProgress := startProgress(stderr, inputSize(job.files), st)
	err = job.run(ctx, out, st)
	stopProgress()
	if cerr := out.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if st.Inputs > 0 { // with nothing read, the error says it all
		st.print(stderr)
	}
	return err
}

// signalError is the cause of a run stopped by a signal.
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return "stopped by " + e.sig.String() }

// run reads every file in one reading goroutine into the detector's goroutine,
// writes the closed events (only alerts with alertsOnly) to sink, and fills st.
// It returns when the input ends, ctx ends, or the sink fails.
func (j scanJob) run(ctx context.Context, sink report.Writer, st *runStats) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	j.open.Rejects = &st.Rejects
	j.open.BytesRead = &st.Bytes

	var sinkErr error
	det := detect.New(j.cfg, j.env, func(e detect.Event) {
		if sinkErr != nil || e.Status != detect.StatusClosed {
			return
		}
		if j.alertsOnly && !e.Alert {
			st.Filtered++
			return
		}
		if err := sink.Write(e); err != nil {
			sinkErr = err
			cancel(err)
			return
		}
		st.countEvent(e)
	})
	det.SetWorkers(j.open.Workers)

	pipe := newBatches()
	var opened, failed atomic.Int64
	var inputErrs []error
	var untimed []untimedInput
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer pipe.close()
		for _, name := range j.files {
			if ctx.Err() != nil {
				return
			}
			r, err := ais.Open(name, j.open)
			if err != nil {
				failed.Add(1)
				inputErrs = append(inputErrs, err)
				continue
			}
			opened.Add(1)
			counts, err := pipe.fill(ctx, r, &st.Records)
			r.Close()
			if err != nil && ctx.Err() == nil {
				failed.Add(1)
				inputErrs = append(inputErrs, err) // it names the input (and the line), see ais.Open
			}
			if counts.records > 0 && counts.timed == 0 {
				untimed = append(untimed, untimedInput{name: name, records: counts.records})
			}
		}
	}()
	stopped := pipe.drain(ctx, det.Push)
	st.Vessels = det.Stats().ActiveVessels
	det.Flush()
	st.Detector = det.Stats()
	st.Elapsed = time.Since(st.Start)
	st.Inputs, st.Failed = int(opened.Load()), int(failed.Load())

	if sinkErr != nil {
		return sinkErr
	}
	if stopped {
		var se signalError
		if errors.As(context.Cause(ctx), &se) {
			st.Stopped = se.sig.String()
			code := 1
			if n, ok := se.sig.(syscall.Signal); ok {
				code = 128 + int(n) // the shell's convention: 130 for SIGINT, 143 for SIGTERM
			}
			return &exitError{code: code, err: se}
		}
		return context.Cause(ctx)
	}
	<-readDone
	st.InputErrs, st.Untimed = inputErrs, untimed
	if opened.Load() == 0 {
		return fmt.Errorf("no input could be read: %w", errors.Join(inputErrs...))
	}
	return nil
}
