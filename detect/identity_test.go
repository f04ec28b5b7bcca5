package detect

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
)

var t0 = time.Date(2024, 3, 1, 23, 50, 0, 0, time.UTC)

func posRec(mmsi uint32, min int, lat, lon float64) ais.Record {
	return ais.Record{
		Kind: ais.KindPosition, Type: 1, MMSI: mmsi, Class: ais.ClassA,
		Has: ais.HasTime | ais.HasLatLon, Time: t0.Add(time.Duration(min) * time.Minute),
		Pos: ais.Position{LatDeg: lat, LonDeg: lon},
	}
}

func staticRec(mmsi uint32, min int, imo uint32, name string) ais.Record {
	r := ais.Record{
		Kind: ais.KindStatic, Type: 5, MMSI: mmsi, Class: ais.ClassA,
		Has: ais.HasTime | ais.HasName, Time: t0.Add(time.Duration(min) * time.Minute),
		Static: ais.Static{IMO: imo, Name: name},
	}
	if imo != 0 {
		r.Has |= ais.HasIMO
	}
	return r
}

// anomalyOf is an emitted event reduced to what the tables compare.
type anomalyOf struct {
	Anomaly string
	MMSIs   []uint32
}

func observeAll(t *testing.T, ids *identities, env Env, recs []ais.Record) []Event {
	t.Helper()
	var out []Event
	for _, r := range recs {
		ids.Observe(r, env, func(ev Event) { out = append(out, ev) })
	}
	return out
}

func reduce(evs []Event) []anomalyOf {
	out := []anomalyOf{}
	for _, ev := range evs {
		a := anomalyOf{Anomaly: ev.Anomaly}
		for _, v := range ev.Vessels {
			a.MMSIs = append(a.MMSIs, v.MMSI)
		}
		out = append(out, a)
	}
	return out
}

func TestIdentityAnomalies(t *testing.T) {
	env := Env{Watchlist: testWatchlist(t)}
	tests := []struct {
		name string
		recs []ais.Record
		want []anomalyOf
	}{
		{
			name: "invalid MMSI, once",
			recs: []ais.Record{posRec(12345, 0, 38, 124), posRec(12345, 1, 38, 124), staticRec(12345, 2, 0, "X")},
			want: []anomalyOf{{AnomalyMMSIInvalid, []uint32{12345}}},
		},
		{
			name: "unallocated MID, once",
			recs: []ais.Record{posRec(200000001, 0, 38, 124), posRec(200000001, 5, 38, 124)},
			want: []anomalyOf{{AnomalyMIDUnallocated, []uint32{200000001}}},
		},
		{
			name: "valid ship and non-ship MMSIs are quiet",
			recs: []ais.Record{posRec(412345678, 0, 38, 124), posRec(2573000, 0, 60, 5), posRec(992351234, 0, 50, -1)},
			want: []anomalyOf{},
		},
		{
			name: "IMO failing its check digit, once per bad IMO",
			recs: []ais.Record{
				staticRec(412345678, 0, 1234568, "ZHE YU 7"), staticRec(412345678, 6, 1234568, "ZHE YU 7"),
				staticRec(412345678, 12, 1234569, "ZHE YU 7"),
			},
			want: []anomalyOf{
				{AnomalyIMOChecksum, []uint32{412345678}},
				{AnomalyIMOChecksum, []uint32{412345678}},
			},
		},
		{
			name: "one IMO under several MMSIs",
			recs: []ais.Record{
				staticRec(413000001, 0, 9187629, "ZHE HAI 1"),
				staticRec(413000002, 1, 9187629, "MIN HAI 2"),
				staticRec(413000001, 2, 9187629, "ZHE HAI 1"),
				staticRec(413000002, 3, 9187629, "MIN HAI 2"),
				staticRec(413000003, 4, 9187629, "MIN HAI 3"),
			},
			want: []anomalyOf{
				{AnomalyIMOShared, []uint32{413000001, 413000002}},
				{AnomalyIMOShared, []uint32{413000001, 413000002, 413000003}},
			},
		},
		{
			name: "one name under several MMSIs, generic names ignored",
			recs: []ais.Record{
				staticRec(413000001, 0, 0, "OCEAN STAR@@@@"),
				staticRec(413000002, 1, 0, "Ocean-Star"),
				staticRec(413000001, 2, 0, "OCEAN STAR@@@@"),
				staticRec(413000004, 3, 0, "UNKNOWN"),
				staticRec(413000005, 4, 0, "unknown"),
				staticRec(413000006, 5, 0, "@@@@@@@@"),
				staticRec(413000007, 6, 0, "@@@@@@@@"),
				staticRec(413000008, 7, 0, "12"),
				staticRec(413000009, 8, 0, "12"),
			},
			want: []anomalyOf{{AnomalyNameShared, []uint32{413000001, 413000002}}},
		},
		{
			name: "watch-listed IMO and name under a foreign-flag MMSI",
			recs: []ais.Record{
				posRec(667001234, 0, 38.9, 124.1),
				staticRec(667001234, 1, 7408873, "SAM JONG 2"),
				staticRec(667001234, 7, 7408873, "SAM JONG 2"),
			},
			want: []anomalyOf{
				{AnomalyWatchlistIMOOtherMMSI, []uint32{667001234}},
				{AnomalyWatchlistNameOtherMMSI, []uint32{667001234}},
			},
		},
		{
			name: "watch-listed DPRK IMO under a DPRK MMSI is not foreign",
			recs: []ais.Record{staticRec(445012000, 0, 7408873, "SAM JONG 2")},
			want: []anomalyOf{},
		},
		{
			name: "watch-listed IMO under its listed MMSI is quiet, under another MMSI is not",
			recs: []ais.Record{
				staticRec(352000111, 0, 9383663, "TEST TRADER"),
				staticRec(352000999, 1, 9383663, "TEST TRADER"),
			},
			want: []anomalyOf{
				{AnomalyIMOShared, []uint32{352000111, 352000999}},
				{AnomalyWatchlistIMOOtherMMSI, []uint32{352000999}},
				{AnomalyNameShared, []uint32{352000111, 352000999}},
				{AnomalyWatchlistNameOtherMMSI, []uint32{352000999}},
			},
		},
		{
			name: "watch-listed MMSI sending another IMO",
			recs: []ais.Record{staticRec(352000111, 0, 9187629, "NEW NAME")},
			want: []anomalyOf{{AnomalyWatchlistMMSIOtherIMO, []uint32{352000111}}},
		},
		{
			name: "a namesake with another valid IMO is not the listed ship",
			recs: []ais.Record{staticRec(667000001, 0, 9187629, "Sam Jong 2")},
			want: []anomalyOf{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := observeAll(t, newIdentities(), env, tt.recs)
			assert.Equal(t, tt.want, reduce(got))
			for _, ev := range got {
				assert.Equal(t, TypeIdentity, ev.Type)
				assert.Equal(t, StatusClosed, ev.Status)
				assert.Equal(t, ev.Start, ev.End)
				assert.False(t, ev.Start.IsZero())
				assert.NotEmpty(t, ev.Detail)
				assert.Len(t, ev.ID, 32)
			}
		})
	}
}

func TestIdentityEventContents(t *testing.T) {
	env := Env{Watchlist: testWatchlist(t)}
	recs := []ais.Record{
		posRec(667001234, 0, 38.9, 124.1),
		staticRec(667001234, 1, 7408873, "SAM JONG 2@@@"),
	}
	got := observeAll(t, newIdentities(), env, recs)
	require.Len(t, got, 2, "the IMO and the name anomaly")
	ev := got[0]
	assert.Equal(t, AnomalyWatchlistIMOOtherMMSI, ev.Anomaly)
	assert.Equal(t, t0.Add(time.Minute), ev.Start)
	assert.Equal(t, []Vessel{{MMSI: 667001234, Flag: "SL", Name: "SAM JONG 2", IMO: 7408873}}, ev.Vessels)
	assert.Equal(t, 38.9, ev.Lat)
	assert.Equal(t, 124.1, ev.Lon)
	assert.Equal(t, "watch-listed IMO 7408873 (SAM JONG 2, DPRK4) sent by MMSI 667001234 (flag SL)", ev.Detail)
	assert.Equal(t, `watch-listed name "SAM JONG 2" (DPRK4) sent by MMSI 667001234 (flag SL)`, got[1].Detail)

	// The same input gives the same ids; the two anomalies have different ids.
	again := observeAll(t, newIdentities(), env, recs)
	require.Len(t, again, len(got))
	for i := range got {
		assert.Equal(t, got[i].ID, again[i].ID)
	}
	assert.NotEqual(t, got[0].ID, got[1].ID)

	// Scored by the default rules, a watch-listed IMO under a foreign MMSI alerts.
	rules := DefaultRules()
	rules.Apply(&ev, env, Evidence{})
	assert.True(t, ev.Alert)
	assert.Contains(t, ev.Reasons, ReasonWatchlistIMO)
	assert.Contains(t, ev.Reasons, "identity-"+AnomalyWatchlistIMOOtherMMSI)
	assert.Contains(t, ev.Reasons, "flag-sl")
}

func TestIdentityIMODetail(t *testing.T) {
	got := observeAll(t, newIdentities(), Env{}, []ais.Record{
		staticRec(244052000, 0, 843260100, "RHINE"),
		staticRec(244052001, 1, 1234568, "MAAS"),
	})
	require.Len(t, got, 2)
	assert.Contains(t, got[0].Detail, "843260100, which is not a 7-digit IMO number")
	assert.Contains(t, got[1].Detail, "1234568, which fails its check digit")
}

func TestIdentityWithoutWatchlist(t *testing.T) {
	got := observeAll(t, newIdentities(), Env{}, []ais.Record{staticRec(667001234, 0, 7408873, "SAM JONG 2")})
	assert.Empty(t, got)
}

func TestIdentityBoundedState(t *testing.T) {
	ids := newIdentities()
	const max = 100
	ids.Vessels.Max, ids.IMOs.Max, ids.Names.Max, ids.Emitted.Max = max, max, max, max
	n := 0
	for i := range uint32(5000) {
		// every vessel has an invalid MMSI and a bad IMO: two anomalies each, all new
		ids.Observe(staticRec(10000+i, int(i), 1000000+i*10+1, fmt.Sprintf("SHIP NUMBER %d", i)), Env{}, func(Event) { n++ })
	}
	assert.Greater(t, n, 5000, "anomalies keep coming while state is capped")
	for name, size := range map[string]int{
		"vessels": len(ids.Vessels.Cur) + len(ids.Vessels.Old),
		"imos":    len(ids.IMOs.Cur) + len(ids.IMOs.Old),
		"names":   len(ids.Names.Cur) + len(ids.Names.Old),
		"emitted": len(ids.Emitted.Cur) + len(ids.Emitted.Old),
	} {
		assert.LessOrEqual(t, size, max, name)
	}

	// MMSIs kept per IMO are capped too.
	ids = newIdentities()
	for i := range uint32(50) {
		ids.Observe(staticRec(413000000+i, int(i), 9187629, ""), Env{}, func(Event) {})
	}
	list, ok := ids.IMOs.get(9187629)
	require.True(t, ok)
	assert.Len(t, list, maxShared)
}

func TestGenMap(t *testing.T) {
	m := genMap[int, int]{Max: 4}
	for i := range 10 {
		m.put(i, i*i)
	}
	// the last two generations of two keys each are kept
	for i := range 10 {
		v, ok := m.get(i)
		assert.Equal(t, i >= 6, ok, "key %d", i)
		if ok {
			assert.Equal(t, i*i, v)
		}
	}
	// touching an old key keeps it through the next turn
	m.put(6, 1)
	m.put(10, 100)
	m.put(11, 121)
	v, ok := m.get(6)
	assert.True(t, ok)
	assert.Equal(t, 1, v)
	_, ok = m.get(8)
	assert.False(t, ok)

	// touch finds a key and, when it is old, moves it to the current generation
	_, ok = m.touch(11) // current: no turn
	assert.True(t, ok)
	v, ok = m.touch(10) // current too
	assert.True(t, ok)
	assert.Equal(t, 100, v)
	_, ok = m.touch(99)
	assert.False(t, ok)
	m.put(12, 0) // turn: 10 and 11 become old
	m.touch(10)  // current again with 12
	m.put(13, 0) // turn: 10 and 12 old, 11 dropped
	_, ok = m.get(10)
	assert.True(t, ok)
	_, ok = m.get(11)
	assert.False(t, ok)
}

// TestIdentityCheckpoint checks that a gob round trip keeps what was learnt:
// nothing is emitted twice, and sharing across the checkpoint is found.
func TestIdentityCheckpoint(t *testing.T) {
	ids := newIdentities()
	before := observeAll(t, ids, Env{}, []ais.Record{
		posRec(12345, 0, 38, 124),
		staticRec(413000001, 1, 9187629, "ZHE HAI 1"),
	})
	require.Len(t, before, 1)

	var buf bytes.Buffer
	require.NoError(t, gob.NewEncoder(&buf).Encode(ids))
	restored := &identities{}
	require.NoError(t, gob.NewDecoder(&buf).Decode(restored))
	assert.Equal(t, ids.Vessels.Max, restored.Vessels.Max)

	after := observeAll(t, restored, Env{}, []ais.Record{
		posRec(12345, 2, 38, 124),
		staticRec(413000002, 3, 9187629, "MIN HAI 2"),
	})
	assert.Equal(t, []anomalyOf{{AnomalyIMOShared, []uint32{413000001, 413000002}}}, reduce(after))
}

func TestEventID(t *testing.T) {
	a := eventID(TypeEncounter, []uint32{2, 1}, t0, "")
	assert.Equal(t, a, eventID(TypeEncounter, []uint32{1, 2}, t0, ""), "vessel order does not matter")
	assert.Equal(t, a, eventID(TypeEncounter, []uint32{1, 2}, t0.In(time.FixedZone("X", 3600)), ""), "same instant in another zone")
	for _, other := range []string{
		eventID(TypeLoitering, []uint32{1, 2}, t0, ""),
		eventID(TypeEncounter, []uint32{1, 3}, t0, ""),
		eventID(TypeEncounter, []uint32{1, 2}, t0.Add(time.Second), ""),
		eventID(TypeEncounter, []uint32{1, 2}, t0, "x"),
	} {
		assert.NotEqual(t, a, other)
	}
	mmsis := []uint32{2, 1}
	eventID(TypeEncounter, mmsis, t0, "")
	assert.Equal(t, []uint32{2, 1}, mmsis, "the caller's slice is left alone")
}

// BenchmarkObservePosition measures the per-message cost of identity checks on
// position reports, the bulk of AIS traffic, against the floor of any
// per-vessel state: one map lookup and store per message ("x-vs-mapstore" is
// its time over Observe's).
func BenchmarkObservePosition(b *testing.B) {
	const vessels = 5000
	recs := make([]ais.Record, vessels)
	for i := range recs {
		recs[i] = posRec(412000000+uint32(i), i, 38+float64(i)/1e4, 124)
	}
	// The baseline runs interleaved with the measured loop, outside the timer,
	// the same number of times, so both see the same machine load.
	last := make(map[uint32]ais.Position, vessels)
	ids := newIdentities()
	emit := func(Event) {}
	for _, r := range recs {
		ids.Observe(r, Env{}, emit)
		last[r.MMSI] = r.Pos
	}
	b.ReportAllocs()
	var baseNs time.Duration
	const chunk = 10_000
	b.ResetTimer()
	for done := 0; done < b.N; done += chunk {
		n := min(chunk, b.N-done)
		b.StopTimer()
		start := time.Now()
		for i := done; i < done+n; i++ {
			r := &recs[i%vessels]
			p := last[r.MMSI]
			p.LatDeg = r.Pos.LatDeg
			last[r.MMSI] = p
		}
		baseNs += time.Since(start)
		b.StartTimer()
		for i := done; i < done+n; i++ {
			ids.Observe(recs[i%vessels], Env{}, emit)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(baseNs.Nanoseconds())/float64(b.N), "baseline-ns/op")
	b.ReportMetric(float64(baseNs)/float64(b.Elapsed()), "x-vs-mapstore")
}

// TestDetectorWatchlistIMOUnderForeignMMSI runs the whole detector: a
// watch-listed DPRK IMO broadcast under a Sierra Leone MMSI comes out as one
// scored identity event that alerts.
func TestDetectorWatchlistIMOUnderForeignMMSI(t *testing.T) {
	env := Env{Watchlist: testWatchlist(t)}
	var got []Event
	d := New(DefaultConfig(), env, func(ev Event) { got = append(got, ev) })
	for i := range 30 {
		d.Push(posRec(667001234, i*10, 38.9, 124.1+float64(i)*0.001))
		if i%6 == 0 {
			d.Push(staticRec(667001234, i*10+1, 7408873, "SAM JONG 2"))
		}
	}
	d.Flush()
	var hits []Event
	for _, ev := range got {
		if ev.Anomaly == AnomalyWatchlistIMOOtherMMSI {
			hits = append(hits, ev)
		}
	}
	require.Len(t, hits, 1, "emitted once although the static report repeats")
	ev := hits[0]
	assert.True(t, ev.Alert)
	assert.GreaterOrEqual(t, ev.Score, 0.5)
	assert.Contains(t, ev.Reasons, ReasonWatchlistIMO)
	assert.Contains(t, ev.Reasons, "flag-sl")
	assert.Equal(t, uint32(667001234), ev.Vessels[0].MMSI)
}
