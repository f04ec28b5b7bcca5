package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScanSignalClosesOutputs runs the built binary on a simulated scenario fed
// through standard input that stays open (a scan waiting for more), sends
// SIGINT or SIGTERM, and checks the exit status and that every output is
// complete and valid with the events found so far.
func TestScanSignalClosesOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "stswatch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := newScenario(t, 5)
	data, err := os.ReadFile(s.nmea)
	require.NoError(t, err)

	tests := []struct {
		sig      os.Signal
		name     string
		wantCode int
	}{
		{os.Interrupt, "interrupt", 130},
		{syscall.SIGTERM, "terminated", 143},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			jsonl, gj, pq := filepath.Join(dir, "e.jsonl"), filepath.Join(dir, "e.geojson"), filepath.Join(dir, "e.parquet")
			cmd := exec.Command(bin, "scan", "--watchlist", s.watchlist, "--out", jsonl, "--geojson", gj, "--parquet", pq, "-")
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			defer stdin.Close()
			_, err = stdin.Write(data) // returns once the scan has read nearly all of it
			require.NoError(t, err)
			time.Sleep(2 * time.Second) // let it work through what it read; then it waits for more
			require.NoError(t, cmd.Process.Signal(tt.sig))

			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("no exit 30 s after the signal; stderr:\n%s", stderr.String())
			}
			var exitErr *exec.ExitError
			require.True(t, errors.As(err, &exitErr), "want a non-zero exit, got %v", err)
			assert.Equal(t, tt.wantCode, exitErr.ExitCode(), stderr.String())
			assert.Contains(t, stderr.String(), "stopped:   by "+tt.name)
			assert.NotContains(t, stderr.String(), "panic")

			raw, err := os.ReadFile(jsonl)
			require.NoError(t, err)
			events := readEvents(t, string(raw))
			assert.NotEmpty(t, events, "the detector was flushed: what it had seen is written")

			raw, err = os.ReadFile(gj)
			require.NoError(t, err)
			fc, err := geojson.UnmarshalFeatureCollection(raw)
			require.NoError(t, err, "the GeoJSON is closed properly")
			points := 0
			for _, f := range fc.Features {
				if f.Properties["feature"] == "event" {
					points++
				}
			}
			assert.Equal(t, len(events), points)

			pr, err := file.OpenParquetFile(pq, false)
			require.NoError(t, err, "the Parquet footer is written")
			defer pr.Close()
			assert.Equal(t, int64(len(events)), pr.NumRows())
		})
	}
}
