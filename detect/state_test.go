package detect

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
)

// mixedScenario has an encounter across midnight, loitering, a gap with
// coverage, a shared MMSI and static data: every kind of state.
func mixedScenario() []ais.Record {
	const lat, lon = 38.5, 124.2
	lat1, lon1 := offset(lat, lon, 0, -25_000)
	lat2, lon2 := offset(lat, lon, 0, 25_000)
	gapLat, gapLon := offset(lat, lon, 8000, 0)
	static := func(mmsi uint32, at time.Duration, name string, class ais.Class, length uint16) ais.Record {
		return ais.Record{Kind: ais.KindStatic, Type: 5, MMSI: mmsi, Class: class, Has: ais.HasTime | ais.HasName | ais.HasDims,
			Time: base.Add(at), Static: ais.Static{Name: name, ToBowM: length / 2, ToSternM: length / 2}}
	}
	return merge(
		pair(2*time.Hour, 9*time.Hour, lat, lon, 180),
		legs(mmsiX, 2*time.Minute, stay(0, 10*time.Hour, lat1, lon1)),
		legs(mmsiX, 2*time.Minute, stay(time.Minute, 10*time.Hour, lat2, lon2)),
		legs(mmsiY, 4*time.Minute, stay(0, 2*time.Hour, gapLat, gapLon), stay(9*time.Hour, 12*time.Hour, gapLat, gapLon+0.01)),
		[]ais.Record{static(mmsiKP, 3*time.Hour, "SONG BONG", ais.ClassA, 120), static(mmsiCN, 5*time.Hour, "ZHE JIANG 1", ais.ClassB, 40)},
	)
}

func TestCheckpointSplitGivesSameEvents(t *testing.T) {
	recs := mixedScenario()
	want := detect(t, DefaultConfig(), Env{}, recs)
	for _, typ := range []string{TypeEncounter, TypeLoitering, TypeGap, TypeIdentity} {
		require.NotEmpty(t, ofType(want, typ, StatusClosed), "scenario has a %s event", typ)
	}
	n := len(recs)
	for _, cuts := range [][2]int{{n / 5, 3 * n / 5}, {n/2 - 7, n/2 + 3}, {n / 10, 9 * n / 10}} {
		var got []Event
		emit := func(e Event) { got = append(got, e) }
		d := New(DefaultConfig(), Env{}, emit)
		from := 0
		for _, cut := range []int{cuts[0], cuts[1], n} {
			for _, r := range recs[from:cut] {
				d.Push(r)
			}
			from = cut
			if cut == n {
				break
			}
			var buf bytes.Buffer
			require.NoError(t, d.SaveState(&buf))
			d = New(DefaultConfig(), Env{}, emit) // a fresh process
			require.NoError(t, d.LoadState(&buf))
		}
		d.Flush()
		require.Equal(t, want, got, "cut at %v", cuts)
		assert.Equal(t, int64(n), d.Stats().Records, "counters survive the checkpoint")
	}
}

func TestLoadStateRejectsBadInput(t *testing.T) {
	d := New(DefaultConfig(), Env{}, func(Event) {})
	err := d.LoadState(strings.NewReader("not a checkpoint"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "detect: load state")

	var buf bytes.Buffer
	require.NoError(t, d.SaveState(&buf))
	require.NoError(t, d.LoadState(bytes.NewReader(buf.Bytes())))
	assert.Error(t, d.LoadState(bytes.NewReader(buf.Bytes()[:buf.Len()/2])), "truncated")
}

// TestLoadStateRejectsBrokenSegments: a damaged checkpoint that gob still
// decodes (a zeroed block can leave a segment without fixes) is refused at
// load with the vessel named, rather than loaded and panicking at the next
// step.
func TestLoadStateRejectsBrokenSegments(t *testing.T) {
	recs := mixedScenario()
	for _, tt := range []struct {
		name   string
		damage func(*segment)
		want   string
	}{
		{"no fixes", func(s *segment) { s.Fixes = nil }, "no fixes"},
		{"position before the first fix", func(s *segment) { s.Cur = -1 }, "position -1"},
		{"position past the last fix", func(s *segment) { s.Cur = len(s.Fixes) + 1 }, "position"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := New(DefaultConfig(), Env{}, func(Event) {})
			for _, r := range recs[:len(recs)/2] {
				d.Push(r)
			}
			var mmsi uint32
			for m, v := range d.s.Vessels {
				if len(v.Segs) > 0 {
					mmsi = m
					tt.damage(&v.Segs[0])
					break
				}
			}
			require.NotZero(t, mmsi, "a vessel with a segment")
			var buf bytes.Buffer
			require.NoError(t, d.SaveState(&buf))
			err := New(DefaultConfig(), Env{}, func(Event) {}).LoadState(&buf)
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
			assert.ErrorContains(t, err, fmt.Sprintf("vessel %d", mmsi))
		})
	}
}

// TestLoadStateOfWholeStaticRecords loads a checkpoint written when a vessel
// kept its last static data as whole records (before staticData): the
// identity data comes through, so the same data again is no change.
func TestLoadStateOfWholeStaticRecords(t *testing.T) {
	type oldVessel struct {
		HasStatic  bool
		LastStatic [2]ais.Record
	}
	type oldState struct {
		Started bool
		Vessels map[uint32]*oldVessel
	}
	rec := staticRec(412345678, 0, 9187629, "ZHE HAI 1")
	var buf bytes.Buffer
	require.NoError(t, gob.NewEncoder(&buf).Encode(struct {
		Version int
		State   oldState
	}{stateVersion, oldState{Started: true, Vessels: map[uint32]*oldVessel{rec.MMSI: {HasStatic: true, LastStatic: [2]ais.Record{rec}}}}}))

	d := New(DefaultConfig(), Env{}, func(Event) {})
	require.NoError(t, d.LoadState(&buf))
	v := d.s.Vessels[rec.MMSI]
	require.NotNil(t, v)
	assert.Equal(t, [2]staticData{staticOf(&rec)}, v.LastStatic)
	assert.Equal(t, "ZHE HAI 1", v.LastStatic[0].Static.Name)
}
