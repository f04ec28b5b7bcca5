package detect

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/detect/simulate"
	"github.com/stswatch/stswatch/geo"
)

// TestWalkersSameEvents runs the demo scenario (planted meetings, gaps,
// loiterers, a shared MMSI, noise) with the step's walk split into shares of
// a few vessels over 1 to 7 walkers, and with the inbox drained early: the
// events, in order, and the counters must be those of one walker.
func TestWalkersSameEvents(t *testing.T) {
	var buf bytes.Buffer
	truth, err := simulate.Generate(simulate.Demo(), &buf)
	require.NoError(t, err)
	write := func(name string, fn func(io.Writer) error) string {
		var b bytes.Buffer
		require.NoError(t, fn(&b))
		p := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
		return p
	}
	var env Env
	env.Watchlist, err = LoadWatchlist(write("watchlist.csv", truth.WriteWatchlist))
	require.NoError(t, err)
	env.Ports, err = geo.LoadPorts(write("ports.csv", truth.WritePorts))
	require.NoError(t, err)
	r := ais.NewNMEAReader(&buf, "demo.nmea", ais.Options{})
	var recs []ais.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		recs = append(recs, rec)
	}
	// run pushes every record; with drainEvery > 0 it also drains the inbox
	// that often (Stats does), in parallel shares as when the inbox is full.
	run := func(workers, minShare, drainEvery int) ([]Event, Stats, int) {
		var evs []Event
		d := New(DefaultConfig(), env, func(e Event) { evs = append(evs, e) })
		d.SetWorkers(workers)
		d.walkMin = minShare
		most := 0
		for i, rec := range recs {
			d.Push(rec)
			most = max(most, len(d.active))
			if drainEvery > 0 && i%drainEvery == drainEvery-1 {
				d.Stats()
			}
		}
		d.Flush()
		return evs, d.Stats(), most
	}
	want, wantStats, _ := run(1, walkMinVessels, 0)
	encounters, alerts := 0, 0
	for _, e := range want {
		if e.Type == TypeEncounter && e.Status == StatusClosed {
			encounters++
			if e.Alert {
				alerts++
			}
		}
	}
	assert.Equal(t, truth.Expected.Encounters, encounters, "the planted encounters")
	assert.Equal(t, truth.Expected.Alerts, alerts, "the planted alerts")
	for _, tc := range []struct{ workers, minShare, drainEvery int }{{2, 4, 0}, {3, 1, 4999}, {7, 2, 0}, {1, walkMinVessels, 997}} {
		got, gotStats, most := run(tc.workers, tc.minShare, tc.drainEvery)
		if tc.minShare < walkMinVessels {
			assert.Equal(t, sharesPerWorker*tc.workers, most, "shares at once")
		} else {
			assert.Equal(t, 1, most, "one share under walkMinVessels vessels")
		}
		assert.Equal(t, want, got, "events with %d walkers", tc.workers)
		assert.Equal(t, wantStats, gotStats, "counters with %d walkers", tc.workers)
	}
}
