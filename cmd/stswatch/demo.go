package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect"
	"github.com/stswatch/stswatch/detect/simulate"
	"github.com/stswatch/stswatch/geo"
)

func newDemoCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Simulate a day of Yellow Sea traffic with planted transfers, scan it, and show what was found",
		Long: `demo generates the built-in scenario (60 vessels for 24 h in the Yellow Sea with
planted DPRK-China transfers, a ship going dark, loiterers, decoys and feed
noise; deterministic), scans it with the default rules and the scenario's watch
list and ports, prints the events found, and writes them to DIR/events.jsonl and
DIR/events.geojson. No network, no set-up.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDemo(cmd, dir) },
	}
	cmd.Flags().StringVar(&dir, "dir", "demo-out", "directory for the scenario and the events")
	return cmd
}

// demoFiles are the files the demo writes, in the order it lists them.
type demoFiles struct {
	scenario, truth, watchlist, ports, jsonl, geojson string
}

func runDemo(cmd *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	p := demoFiles{
		scenario:  filepath.Join(dir, "scenario.nmea"),
		truth:     filepath.Join(dir, "truth.json"),
		watchlist: filepath.Join(dir, "watchlist.csv"),
		ports:     filepath.Join(dir, "ports.csv"),
		jsonl:     filepath.Join(dir, "events.jsonl"),
		geojson:   filepath.Join(dir, "events.geojson"),
	}
	stdout := cmd.OutOrStdout()
	sc := simulate.Demo()
	fmt.Fprintf(stdout, "Simulating %d vessels for %v from %s (seed %d)...\n", sc.Vessels, sc.Duration, sc.Start.Format(time.RFC3339), sc.Seed)
	var truth simulate.Truth
	err := writeFile(p.scenario, func(w io.Writer) (err error) {
		truth, err = simulate.Generate(sc, w)
		return err
	})
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
	}{{p.truth, truth.WriteJSON}, {p.watchlist, truth.WriteWatchlist}, {p.ports, truth.WritePorts}} {
		if err == nil {
			err = writeFile(f.path, f.write)
		}
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	env := detect.Env{}
	if env.Watchlist, err = detect.LoadWatchlist(p.watchlist); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if env.Ports, err = geo.LoadPorts(p.ports); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	out, err := openOutputs(nil, output{p.jsonl, jsonlFormat}, output{p.geojson, geojsonFormat})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	var found collected
	out.writers = append(out.writers, &found)

	job := scanJob{files: []string{p.scenario}, cfg: detect.DefaultConfig(), env: env, open: ais.Options{Workers: 1}}
	st := newRunStats()
	err = job.run(cmd.Context(), out, st)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	fmt.Fprintf(stdout, "Scanned %d messages in %s. Planted: %d encounters (%d alerts), %d gaps, %d loiterers.\n",
		st.Records.Load(), st.Elapsed.Round(time.Millisecond), truth.Expected.Encounters, truth.Expected.Alerts, truth.Expected.Gaps, truth.Expected.Loitering)
	printEvents(stdout, found, demoRows)
	hit, want, hitAlerts, wantAlerts := plantedFound(truth.Events, found)
	fmt.Fprintf(stdout, "Planted encounters found: %d of %d, with an alert: %d of %d.\n", hit, want, hitAlerts, wantAlerts)
	fmt.Fprintf(stdout, "\nWrote %s and %s (open the GeoJSON in geojson.io or QGIS: alerts are red).\n", p.jsonl, p.geojson)
	fmt.Fprintf(stdout, "The scenario is %s (truth in %s); scan it yourself with\n  stswatch scan --watchlist %s --ports %s --geojson events.geojson %s\n",
		p.scenario, p.truth, p.watchlist, p.ports, p.scenario)
	return nil
}

// plantedFound counts the planted events that should be encounters and how
// many of them a found encounter matches (the same two vessels, overlapping in
// time), and likewise for those that should raise an alert.
func plantedFound(planted []simulate.Planted, found []detect.Event) (hit, want, hitAlerts, wantAlerts int) {
	for _, p := range planted {
		if !p.ExpectEncounter {
			continue
		}
		want++
		if p.ExpectAlert {
			wantAlerts++
		}
		for _, e := range found {
			if e.Type != detect.TypeEncounter || len(e.Vessels) != 2 || len(p.MMSIs) != 2 ||
				!e.Start.Before(p.End) || !p.Start.Before(e.End) {
				continue
			}
			a, b := e.Vessels[0].MMSI, e.Vessels[1].MMSI
			if (a == p.MMSIs[0] && b == p.MMSIs[1]) || (a == p.MMSIs[1] && b == p.MMSIs[0]) {
				hit++
				if p.ExpectAlert && e.Alert {
					hitAlerts++
				}
				break
			}
		}
	}
	return hit, want, hitAlerts, wantAlerts
}

// writeFile creates path, lets write fill it through a buffer, and closes it.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// collected keeps the events of a small run for printing.
type collected []detect.Event

func (c *collected) Write(e detect.Event) error { *c = append(*c, e); return nil }
func (c *collected) Close() error               { return nil }

// demoRows is how many events the demo lists; the rest are in the files.
const demoRows = 20

// printEvents writes a count of events by type and a table of the first rows
// of them, alerts first, then by score: type, vessels with flags, start,
// duration, score, alert, reasons.
func printEvents(w io.Writer, events []detect.Event, rows int) {
	byType := map[string]int{}
	alerts := 0
	for _, e := range events {
		byType[e.Type]++
		if e.Alert {
			alerts++
		}
	}
	fmt.Fprintf(w, "Found %d events: %d encounters, %d loitering, %d gaps, %d identity anomalies; %d alerts.\n",
		len(events), byType[detect.TypeEncounter], byType[detect.TypeLoitering], byType[detect.TypeGap], byType[detect.TypeIdentity], alerts)
	if len(events) == 0 {
		return
	}
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b detect.Event) int {
		if a.Alert != b.Alert {
			if a.Alert {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.Score, a.Score)
	})
	more := len(events) - rows
	events = events[:min(rows, len(events))]
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tVESSELS\tSTART (UTC)\tDURATION\tSCORE\tALERT\tREASONS")
	for _, e := range events {
		vs := make([]string, len(e.Vessels))
		for i, v := range e.Vessels {
			vs[i] = fmt.Sprintf("%d", v.MMSI)
			if v.Flag != "" {
				vs[i] += " " + v.Flag
			}
			if v.Name != "" {
				vs[i] += " " + v.Name
			}
		}
		alert := ""
		if e.Alert {
			alert = "ALERT"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t%s\t%s\n", e.Type, strings.Join(vs, " + "), e.Start.UTC().Format("2006-01-02 15:04"),
			(time.Duration(e.DurationS) * time.Second).String(), e.Score, alert, strings.Join(e.Reasons, ","))
	}
	tw.Flush()
	if more > 0 {
		fmt.Fprintf(w, "... and %d more with lower scores.\n", more)
	}
}
