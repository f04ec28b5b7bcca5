package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stswatch/stswatch/detect/simulate"
)

func newSimulateCmd() *cobra.Command {
	cfg := simulate.Demo()
	var (
		hours                               float64
		start, out, truth, watchTo, portsTo string
		noise, plant                        bool
	)
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Generate AIS traffic with planted ship-to-ship transfers and a truth file",
		Long: `simulate writes AIS for a fleet in a region (--region; by default the Yellow
Sea / East China Sea, where the DPRK-China transfers were reported) as NMEA
(tag blocks s:rSIM<k>, c:<unix s>) or MarineCadastre CSV, in time order,
deterministic by seed. It plants DPRK-China barge transfers, other-flag
transfers, a watch-listed ship under a foreign MMSI, ships going dark, loiterers
and decoys, and writes what it planted as JSON (--truth), the watch list as
CSV (--watchlist-out) and the scenario's ports (--ports-out) for scan's
--watchlist and --ports.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Duration = time.Duration(hours * float64(time.Hour))
			t, err := time.Parse(time.RFC3339, start)
			if err != nil {
				return fmt.Errorf("--start %q: want RFC 3339, e.g. 2024-03-01T00:00:00Z: %w", start, err)
			}
			cfg.Start = t.UTC()
			if !plant {
				cfg.Plants = simulate.Plants{}
			}
			if !noise || cfg.Format == "csv" {
				cfg.Noise = simulate.Noise{}
			}
			var tr simulate.Truth
			gen := func(w io.Writer) (err error) {
				tr, err = simulate.Generate(cfg, w)
				return err
			}
			if out == "" || out == "-" {
				err = gen(cmd.OutOrStdout())
			} else {
				err = writeFile(out, gen)
			}
			if err != nil {
				return err
			}
			for _, f := range []struct {
				path  string
				write func(io.Writer) error
			}{{truth, tr.WriteJSON}, {watchTo, tr.WriteWatchlist}, {portsTo, tr.WritePorts}} {
				if f.path == "" {
					continue
				}
				if err := writeFile(f.path, f.write); err != nil {
					return fmt.Errorf("%s: %w", f.path, err)
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "simulate: %d vessels, %d messages, %d lines; planted %d events, %d decoys (expected %d encounters, %d alerts, %d gaps)\n",
				tr.Vessels, tr.Messages, tr.Lines, len(tr.Events), len(tr.Decoys), tr.Expected.Encounters, tr.Expected.Alerts, tr.Expected.Gaps)
			return nil
		},
	}
	f := cmd.Flags()
	f.Int64Var(&cfg.Seed, "seed", cfg.Seed, "random seed: the same seed gives the same bytes")
	f.IntVar(&cfg.Vessels, "vessels", cfg.Vessels, "background vessels on the shipping lanes (planted ones come on top)")
	f.Float64Var(&hours, "hours", cfg.Duration.Hours(), "simulated hours (at least 16 for planted events)")
	f.StringVar(&start, "start", cfg.Start.Format(time.RFC3339), "first instant, RFC 3339 UTC")
	f.StringVar(&cfg.Format, "format", cfg.Format, "output format: nmea or csv")
	f.StringVar(&out, "out", "", "output file (default standard output)")
	f.StringVar(&truth, "truth", "", "write the planted events and decoys as JSON to this file")
	f.StringVar(&watchTo, "watchlist-out", "", "write the scenario's watch list (imo,mmsi,name CSV) to this file")
	f.Var((*regionFlag)(&cfg.Region), "region", "lon/lat box min_lon,min_lat,max_lon,max_lat in degrees (GeoJSON bbox order)")
	f.StringVar(&portsTo, "ports-out", "", "write the scenario's ports (name,latitude,longitude CSV, for scan --ports) to this file")
	f.IntVar(&cfg.Subsample, "subsample", cfg.Subsample, "divide every AIS reporting rate by this (1 = real rates)")
	f.BoolVar(&plant, "plant", true, "plant events and decoys (needs --hours 16 or more); false: background traffic only")
	f.BoolVar(&noise, "noise", false, "add bad checksums, truncated lines, receiver duplicates, arrival disorder and multipart interleaving (nmea only)")
	return cmd
}

// regionFlag is --region: a simulate.Region written as a GeoJSON bbox
// (min_lon,min_lat,max_lon,max_lat), so it can be pasted from one.
type regionFlag simulate.Region

func (r *regionFlag) String() string {
	return fmt.Sprintf("%g,%g,%g,%g", r.MinLonDeg, r.MinLatDeg, r.MaxLonDeg, r.MaxLatDeg)
}

// Set parses four comma-separated degrees; the bounds are checked by simulate.Generate.
func (r *regionFlag) Set(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return fmt.Errorf("want min_lon,min_lat,max_lon,max_lat, got %d values", len(parts))
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return fmt.Errorf("value %d (%q) is not a number", i+1, p)
		}
		v[i] = f
	}
	*r = regionFlag{MinLonDeg: v[0], MinLatDeg: v[1], MaxLonDeg: v[2], MaxLatDeg: v[3]}
	return nil
}

func (r *regionFlag) Type() string { return "bbox" }
