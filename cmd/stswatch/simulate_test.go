package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/detect/simulate"
)

func TestSimulateCommand(t *testing.T) {
	dir := t.TempDir()
	out, truth, wl := filepath.Join(dir, "s.nmea"), filepath.Join(dir, "t.json"), filepath.Join(dir, "w.csv")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"simulate", "--seed", "7", "--vessels", "5", "--hours", "18",
		"--start", "2025-01-02T00:00:00Z", "--subsample", "6", "--noise", "--out", out, "--truth", truth, "--watchlist-out", wl}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Empty(t, stdout.String(), "output went to --out")
	assert.Contains(t, stderr.String(), "expected 6 encounters, 4 alerts, 2 gaps")

	// The file is exactly what the package generates for the same flags.
	cfg := simulate.Demo()
	cfg.Seed, cfg.Vessels, cfg.Duration, cfg.Subsample = 7, 5, 18*time.Hour, 6
	cfg.Start = time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	var want bytes.Buffer
	wantTruth, err := simulate.Generate(cfg, &want)
	require.NoError(t, err)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want.Bytes(), got), "file differs from simulate.Generate")

	var gotTruth simulate.Truth
	data, err := os.ReadFile(truth)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &gotTruth))
	assert.Equal(t, wantTruth.Expected, gotTruth.Expected)
	assert.Equal(t, len(wantTruth.Events), len(gotTruth.Events))
	list, err := os.ReadFile(wl)
	require.NoError(t, err)
	assert.Contains(t, string(list), "imo,mmsi,name\n")
}

func TestSimulateCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "--start", "yesterday"}, "--start"},
		{[]string{"simulate", "--hours", "2"}, "too short"},
		{[]string{"simulate", "--format", "xml"}, "format"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		assert.Equal(t, 1, code, tc.args)
		assert.Contains(t, stderr.String(), tc.want, tc.args)
		assert.Empty(t, stdout.String(), tc.args)
	}
}
