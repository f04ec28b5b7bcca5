package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect/simulate"
	"github.com/stswatch/stswatch/geo"
)

func TestSimulateCommand(t *testing.T) {
	dir := t.TempDir()
	out, truth, wl, ports := filepath.Join(dir, "s.nmea"), filepath.Join(dir, "t.json"), filepath.Join(dir, "w.csv"), filepath.Join(dir, "p.csv")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"simulate", "--seed", "7", "--vessels", "5", "--hours", "18",
		"--start", "2025-01-02T00:00:00Z", "--subsample", "6", "--noise", "--out", out, "--truth", truth, "--watchlist-out", wl, "--ports-out", ports}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Empty(t, stdout.String(), "output went to --out")
	assert.Contains(t, stderr.String(), "expected 6 encounters, 4 alerts, 2 gaps")

	// The file is exactly what the package generates for the same flags.
	cfg := simulate.Demo()
	cfg.Seed, cfg.Vessels, cfg.Duration, cfg.Subsample = 7, 5, 18*time.Hour, 6
	cfg.Start = time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	wantTruth := assertGenerated(t, cfg, out)

	var gotTruth simulate.Truth
	data, err := os.ReadFile(truth)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &gotTruth))
	assert.Equal(t, wantTruth.Expected, gotTruth.Expected)
	assert.Equal(t, len(wantTruth.Events), len(gotTruth.Events))
	list, err := os.ReadFile(wl)
	require.NoError(t, err)
	assert.Contains(t, string(list), "imo,mmsi,name\n")

	// The ports load as scan --ports reads them, one per port of the truth.
	got, err := geo.LoadPorts(ports)
	require.NoError(t, err)
	require.NotEmpty(t, wantTruth.Ports)
	assert.Equal(t, len(wantTruth.Ports), got.Len())
}

// assertGenerated checks that the file at path holds exactly what
// simulate.Generate writes for cfg, and returns that run's truth.
func assertGenerated(t *testing.T, cfg simulate.Config, path string) simulate.Truth {
	t.Helper()
	var want bytes.Buffer
	truth, err := simulate.Generate(cfg, &want)
	require.NoError(t, err)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want.Bytes(), got), "%s differs from simulate.Generate", path)
	return truth
}

func TestSimulateCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "--start", "yesterday"}, "--start"},
		{[]string{"simulate", "--hours", "2"}, "too short"},
		{[]string{"simulate", "--format", "xml"}, "format"},
		{[]string{"simulate", "--region", "119,30,127"}, "got 3 values"},
		{[]string{"simulate", "--region", "119,30,east,40"}, `value 3 ("east")`},
		{[]string{"simulate", "--region", "127,30,119,40"}, "want min < max"}, // min_lon past max_lon
		{[]string{"simulate", "--region", "NaN,30,127,40"}, "want min < max"}, // not a bound
		{[]string{"simulate", "--region", "10,50,10.05,50.05"}, "no room"},    // too small for the planted events
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		assert.Equal(t, 1, code, tc.args)
		assert.Contains(t, stderr.String(), tc.want, tc.args)
		assert.Empty(t, stdout.String(), tc.args)
	}
}

// TestSimulateRegion checks that --region is read in GeoJSON bbox order
// (min_lon,min_lat,max_lon,max_lat): the file is what the package generates
// for that box, and every position lies near it.
func TestSimulateRegion(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.nmea")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"simulate", "--seed", "3", "--vessels", "4", "--hours", "16",
		"--subsample", "20", "--region", "-5,48,-1,51", "--out", out}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())

	cfg := simulate.Demo()
	cfg.Seed, cfg.Vessels, cfg.Duration, cfg.Subsample = 3, 4, 16*time.Hour, 20
	cfg.Region = simulate.Region{MinLatDeg: 48, MinLonDeg: -5, MaxLatDeg: 51, MaxLonDeg: -1}
	cfg.Noise = simulate.Noise{} // no --noise
	assertGenerated(t, cfg, out)

	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	r := ais.NewNMEAReader(f, out, ais.Options{})
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if rec.Has&ais.HasLatLon != 0 {
			n++
			require.InDelta(t, 49.5, rec.Pos.LatDeg, 1.5+1, "latitude of MMSI %d", rec.MMSI) // ships roam up to 1° out
			require.InDelta(t, -3, rec.Pos.LonDeg, 2+1, "longitude of MMSI %d", rec.MMSI)
		}
	}
	assert.Greater(t, n, 1000)
}
