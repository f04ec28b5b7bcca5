package detect

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
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

// TestSortVessels merges new vessels into the sorted order: by MMSI, and an
// MMSI evicted and heard again (its old vessel still in the order until the
// next walk drops it) has its new vessel first.
func TestSortVessels(t *testing.T) {
	for _, tc := range []struct {
		name       string
		order, add []uint32
	}{
		{"into nothing", nil, []uint32{5, 1, 3}},
		{"all before", []uint32{7, 8}, []uint32{2, 1}},
		{"all after", []uint32{1, 2}, []uint32{9, 8}},
		{"interleaved", []uint32{2, 4, 6}, []uint32{5, 1, 7, 3}},
		{"heard again after eviction", []uint32{3, 5, 9}, []uint32{5, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(DefaultConfig(), Env{}, func(Event) {})
			old := map[*vessel]bool{}
			for _, m := range tc.order {
				v := &vessel{Ident: Vessel{MMSI: m}}
				old[v] = true
				d.order, d.orderMMSI = append(d.order, v), append(d.orderMMSI, m)
			}
			for _, m := range tc.add {
				d.fresh = append(d.fresh, newVessel{m, &vessel{Ident: Vessel{MMSI: m}}})
			}
			d.sortVessels()
			want := slices.Sorted(slices.Values(append(slices.Clone(tc.order), tc.add...)))
			assert.Equal(t, want, d.orderMMSI)
			require.Len(t, d.order, len(want))
			for i, v := range d.order {
				assert.Equal(t, d.orderMMSI[i], v.Ident.MMSI, "vessel %d", i)
				if i > 0 && d.orderMMSI[i] == d.orderMMSI[i-1] {
					assert.False(t, old[d.order[i-1]], "the new vessel of MMSI %d first", d.orderMMSI[i])
					assert.True(t, old[v], "its old vessel after")
				}
			}
			assert.Empty(t, d.fresh)
		})
	}
}

// TestPointsAcrossWalkers numbers the step's points in walker order, a walker
// without points in between: points yields them in that order and point
// finds each by its number.
func TestPointsAcrossWalkers(t *testing.T) {
	d := New(DefaultConfig(), Env{}, func(Event) {})
	ws := d.shares(3)
	keys := [][]uint64{{1, 2}, nil, {7, 8, 9}}
	for i, w := range ws {
		for _, k := range keys[i] {
			w.pts = append(w.pts, stepPoint{key: k})
		}
	}
	d.active = ws
	d.merge(ws)
	want := []uint64{1, 2, 7, 8, 9}
	var got []uint64
	for i, p := range d.points() {
		require.Equal(t, int32(len(got)), i, "numbered in turn")
		got = append(got, p.key)
	}
	assert.Equal(t, want, got)
	for i, k := range want {
		assert.Equal(t, k, d.point(int32(i)).key, "point %d", i)
	}
}
