package detect

import (
	"cmp"
	"encoding/csv"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stswatch/stswatch/ais"
	"github.com/stswatch/stswatch/geo"
)

func TestEncounterScenarios(t *testing.T) {
	const lat, lon = 39.0, 124.0
	farLat, farLon := offset(lat, lon, 0, 10_000)
	type want struct {
		start, end time.Duration // of the one expected encounter
		minDistM   float64
	}
	for _, tc := range []struct {
		name string
		recs []ais.Record
		want *want // nil: no encounter
	}{
		{"across UTC midnight", pair(time.Hour, 7*time.Hour, lat, lon, 200), &want{time.Hour, 7*time.Hour - 10*time.Minute, 200}},
		{"across the antimeridian", func() []ais.Record {
			lat2, lon2 := offset(60, 179.999, 0, 250) // 250 m east: past -180
			require.Less(t, lon2, 0.0)
			return merge(legs(mmsiKP, 3*time.Minute, stay(time.Hour, 5*time.Hour, 60, 179.999)), legs(mmsiCN, 3*time.Minute, stay(time.Hour, 5*time.Hour, lat2, lon2)))
		}(), &want{time.Hour, 5*time.Hour - 10*time.Minute, 250}},
		{"600 m apart for 10 h", pair(0, 10*time.Hour, lat, lon, 600), nil},
		{"convoy at 9 kn 300 m apart", func() []ais.Record {
			lat1, lon1 := offset(lat, lon, 9*mpsPerKn*10*3600, 0) // north at 9 kn for 10 h
			lat2, lon2 := offset(lat, lon, 0, 300)
			lat3, lon3 := offset(lat1, lon1, 0, 300)
			return merge(legs(mmsiKP, time.Minute, leg{0, 10 * time.Hour, lat, lon, lat1, lon1}), legs(mmsiCN, time.Minute, leg{0, 10 * time.Hour, lat2, lon2, lat3, lon3}))
		}(), nil},
		{"40-minute meeting", merge(
			legs(mmsiKP, 3*time.Minute, stay(0, 3*time.Hour, farLat, farLon), stay(3*time.Hour, 3*time.Hour+40*time.Minute, lat, lon), stay(3*time.Hour+40*time.Minute, 8*time.Hour, farLat, farLon)),
			legs(mmsiCN, 3*time.Minute, stay(0, 8*time.Hour, lat, lon+0.002)),
		), nil},
		{"meeting again after 3 h", merge(
			legs(mmsiKP, 3*time.Minute, stay(0, 2*time.Hour, lat, lon), stay(2*time.Hour, 5*time.Hour, farLat, farLon), stay(5*time.Hour, 7*time.Hour, lat, lon)),
			legs(mmsiCN, 3*time.Minute, stay(0, 7*time.Hour, lat, lon+0.002)),
		), &want{0, 7*time.Hour - 10*time.Minute, 173}},
		{"single-fix spike onto another vessel", func() []ais.Record {
			kp := legs(mmsiKP, 3*time.Minute, stay(0, 6*time.Hour, farLat, farLon))
			kp[40].Pos.LatDeg, kp[40].Pos.LonDeg = lat, lon+0.001 // one fix on top of the other ship
			return merge(kp, legs(mmsiCN, 3*time.Minute, stay(0, 6*time.Hour, lat, lon)))
		}(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := detect(t, DefaultConfig(), Env{}, tc.recs)
			enc := ofType(evs, TypeEncounter, StatusClosed)
			if tc.want == nil {
				assert.Empty(t, enc)
				assert.Empty(t, ofType(evs, TypeEncounter, StatusOngoing))
				return
			}
			require.Len(t, enc, 1)
			e := enc[0]
			assert.Equal(t, []uint32{mmsiCN, mmsiKP}, mmsis(e), "sorted by MMSI")
			assert.Equal(t, base.Add(tc.want.start), e.Start)
			assert.Equal(t, base.Add(tc.want.end), e.End)
			assert.Equal(t, int64((tc.want.end - tc.want.start).Seconds()), e.DurationS)
			require.NotNil(t, e.MinDistanceM)
			assert.InDelta(t, tc.want.minDistM, *e.MinDistanceM, 5)
			assert.LessOrEqual(t, *e.MinDistanceM, *e.MedianDistanceM)
			assert.InDelta(t, 0, *e.MedianSOGKn, 0.01)
			assert.Equal(t, eventID(TypeEncounter, []uint32{mmsiKP, mmsiCN}, e.Start, ""), e.ID)
			require.Len(t, e.Tracks, 2, "both vessels' evidence")
			for _, tr := range e.Tracks {
				first, last := tr.Points[0].Time, tr.Points[len(tr.Points)-1].Time
				assert.False(t, first.After(e.Start), "track covers the start")
				assert.False(t, last.Before(e.End), "track covers the end")
				assert.False(t, first.Before(e.Start.Add(-2*time.Hour)), "at most the padding before")
				assert.False(t, last.After(e.End.Add(2*time.Hour)), "at most the padding after")
			}
			assert.True(t, e.Alert, "DPRK ship with a Chinese vessel without static data: the watch rule")
			assert.Contains(t, e.Reasons, "flag-kp")
		})
	}
}

func TestEncounterCentroidAcrossAntimeridian(t *testing.T) {
	lat2, lon2 := offset(60, 179.999, 0, 250)
	evs := detect(t, DefaultConfig(), Env{}, merge(legs(mmsiKP, 3*time.Minute, stay(0, 4*time.Hour, 60, 179.999)), legs(mmsiCN, 3*time.Minute, stay(0, 4*time.Hour, lat2, lon2))))
	enc := ofType(evs, TypeEncounter, StatusClosed)
	require.Len(t, enc, 1)
	assert.InDelta(t, 60, enc[0].Lat, 1e-6)
	dLon := wrapLon(enc[0].Lon - 180)
	assert.InDelta(t, 0, dLon, 0.003, "centroid at the antimeridian, not at 0°: %v", enc[0].Lon)
}

func TestEncounterEvidencePadding(t *testing.T) {
	// the pair is heard 3 h before and after a 3 h meeting: the tracks hold exactly 2 h either side
	const lat, lon = 39.0, 124.0
	farLat, farLon := offset(lat, lon, 0, 5000)
	kp := legs(mmsiKP, 5*time.Minute, stay(0, 3*time.Hour, farLat, farLon), stay(3*time.Hour, 6*time.Hour, lat, lon), stay(6*time.Hour, 9*time.Hour, farLat, farLon))
	cn := legs(mmsiCN, 5*time.Minute, stay(0, 9*time.Hour, lat, lon+0.002))
	enc := ofType(detect(t, DefaultConfig(), Env{}, merge(kp, cn)), TypeEncounter, StatusClosed)
	require.Len(t, enc, 1)
	e := enc[0]
	require.Len(t, e.Tracks, 2)
	for _, tr := range e.Tracks {
		assert.Equal(t, e.Start.Add(-2*time.Hour), tr.Points[0].Time)
		assert.Equal(t, e.End.Add(2*time.Hour), tr.Points[len(tr.Points)-1].Time)
	}
	assert.Equal(t, []uint32{mmsiCN, mmsiKP}, []uint32{e.Tracks[0].MMSI, e.Tracks[1].MMSI})
}

func TestOngoingEmittedOnceBeforeClosed(t *testing.T) {
	evs := detect(t, DefaultConfig(), Env{}, pair(0, 5*time.Hour, 39, 124, 150))
	var enc []Event
	for _, e := range evs {
		if e.Type == TypeEncounter {
			enc = append(enc, e)
		}
	}
	require.Len(t, enc, 2)
	on, cl := enc[0], enc[1]
	assert.Equal(t, StatusOngoing, on.Status)
	assert.Equal(t, StatusClosed, cl.Status)
	assert.Equal(t, on.ID, cl.ID)
	assert.Equal(t, int64(2*3600), on.DurationS, "ongoing once the run passes MinDuration")
	assert.Equal(t, base.Add(5*time.Hour-10*time.Minute), cl.End)
}

func TestOutOfOrderAndDuplicatedInput(t *testing.T) {
	clean := merge(pair(time.Hour, 6*time.Hour, 39, 124, 200), legs(mmsiX, time.Minute, stay(0, 9*time.Hour, 39.2, 124)))
	// every record twice (two receivers), shuffled within 8-minute windows (under the 10-minute lateness)
	rng := rand.New(rand.NewPCG(1, 2))
	messy := slices.Concat(clean, clean)
	slices.SortStableFunc(messy, func(a, b ais.Record) int { return a.Time.Compare(b.Time) })
	for i := 0; i < len(messy); {
		j := i
		for j < len(messy) && messy[j].Time.Sub(messy[i].Time) < 8*time.Minute {
			j++
		}
		rng.Shuffle(j-i, func(a, b int) { messy[i+a], messy[i+b] = messy[i+b], messy[i+a] })
		i = j
	}
	want := detect(t, DefaultConfig(), Env{}, clean)
	require.NotEmpty(t, ofType(want, TypeEncounter, StatusClosed))
	require.NotEmpty(t, ofType(want, TypeLoitering, StatusClosed))

	var got []Event
	d := New(DefaultConfig(), Env{}, func(e Event) { got = append(got, e) })
	for _, r := range messy {
		d.Push(r)
	}
	d.Flush()
	assert.Equal(t, want, got)
	st := d.Stats()
	assert.Equal(t, int64(len(clean)), st.Duplicates)
	assert.Zero(t, st.Late)
}

func TestTwoShipsOnOneMMSI(t *testing.T) {
	// two ships send MMSI X, 50 km apart, interleaved; Y lies halfway: a zig-zag
	// track through Y would make a false encounter
	const lat, lon = 39.0, 124.0
	lat1, lon1 := offset(lat, lon, 0, -25_000)
	lat2, lon2 := offset(lat, lon, 0, 25_000)
	one := legs(mmsiX, 2*time.Minute, stay(0, 6*time.Hour, lat1, lon1))
	two := legs(mmsiX, 2*time.Minute, stay(time.Minute, 6*time.Hour+time.Minute, lat2, lon2))
	y := legs(mmsiY, 3*time.Minute, stay(0, 6*time.Hour, lat, lon))
	evs := detect(t, DefaultConfig(), Env{}, merge(one, two, y))

	assert.Empty(t, ofType(evs, TypeEncounter, StatusClosed))
	ids := ofType(evs, TypeIdentity, StatusClosed)
	var shared []Event
	for _, e := range ids {
		if e.Anomaly == AnomalyMMSIShared {
			shared = append(shared, e)
		}
	}
	require.Len(t, shared, 1, "reported once")
	assert.Equal(t, []uint32{mmsiX}, mmsis(shared[0]))
	assert.Contains(t, shared[0].Reasons, "identity-mmsi-shared")
	// each ship keeps its own track: two loitering events of X, one at each place
	var places [][2]float64
	for _, e := range ofType(evs, TypeLoitering, StatusClosed) {
		if e.Vessels[0].MMSI == mmsiX {
			places = append(places, [2]float64{e.Lat, e.Lon})
		}
	}
	require.Len(t, places, 2)
	slices.SortFunc(places, func(a, b [2]float64) int { return cmp.Compare(a[1], b[1]) })
	assert.InDelta(t, lon1, places[0][1], 1e-6)
	assert.InDelta(t, lon2, places[1][1], 1e-6)
}

// solent reads the Stone Soup Solent capture (Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots).
func solent(t *testing.T) []ais.Record {
	t.Helper()
	const path = "../../shared/data/stonesoup/SolentAIS_20160112_130211.csv"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var recs []ais.Record
	for i, row := range rows[1:] {
		tm, err1 := time.Parse("2006-01-02 15:04:05.999", row[0])
		mmsi, err2 := strconv.ParseUint(row[1], 10, 32)
		lat, err3 := strconv.ParseFloat(row[2], 64)
		lon, err4 := strconv.ParseFloat(row[3], 64)
		cog, err5 := strconv.ParseFloat(row[4], 32)
		sog, err6 := strconv.ParseFloat(row[5], 32)
		require.NoError(t, errors.Join(err1, err2, err3, err4, err5, err6), "%s:%d", path, i+2)
		recs = append(recs, ais.Record{Kind: ais.KindPosition, MMSI: uint32(mmsi), Has: ais.HasTime | ais.HasLatLon | ais.HasSOG | ais.HasCOG,
			Time: tm, Pos: ais.Position{LatDeg: lat, LonDeg: lon, SOGKn: float32(sog), COGDeg: float32(cog)}})
	}
	return recs
}

func TestSolentBerthsAreNotTransfers(t *testing.T) {
	recs := solent(t)
	cfg := DefaultConfig()
	cfg.Encounter.MinDuration = 30 * time.Minute
	without := ofType(detect(t, cfg, Env{}, recs), TypeEncounter, StatusClosed)
	require.NotEmpty(t, without, "slow close pairs at berths are found without ports")
	for _, e := range without {
		assert.GreaterOrEqual(t, e.DurationS, int64(30*60))
		assert.Less(t, *e.MinDistanceM, 500.0)
		assert.InDelta(t, 50.8, e.Lat, 0.3, "in the Solent")
	}
	ports, err := geo.LoadPorts("../../shared/data/reference/world_port_index_pub150.csv")
	if err != nil {
		t.Skipf("../shared/data absent: %v", err)
	}
	with := ofType(detect(t, cfg, Env{Ports: ports}, recs), TypeEncounter, StatusClosed)
	assert.Empty(t, with, "all within 10 km of a World Port Index port")
	t.Logf("%d berth pairs without ports, %d with", len(without), len(with))
}

func TestAidsToNavigationAreNotVessels(t *testing.T) {
	// a buoy (AtoN MMSI 99MIDxxxx) 150 m from a drifting ship for 6 h: no encounter, the ship alone loiters
	const aton = 994121234
	buoy := legs(aton, 3*time.Minute, stay(0, 6*time.Hour, 36, 125))
	ship := legs(mmsiKP, 3*time.Minute, stay(0, 6*time.Hour, 36, 125.0017))
	evs := detect(t, DefaultConfig(), Env{}, merge(buoy, ship))
	assert.Empty(t, ofType(evs, TypeEncounter, StatusClosed))
	lo := ofType(evs, TypeLoitering, StatusClosed)
	require.Len(t, lo, 1)
	assert.Equal(t, []uint32{mmsiKP}, mmsis(lo[0]))
}

func TestOngoingBeforeTheConfirmingStep(t *testing.T) {
	// by default (EarlyOngoing) the ongoing alert goes out once the final
	// fixes settle that the run passes MinDuration, the watermark at most
	// 30 min past start + MinDuration, not when the step at that time runs
	// (once the watermark is MaxInterpGap past it, 1 h; the newest data
	// 1 h 10 min); it is the record that step would send
	lat2, lon2 := offset(39, 124, 0, 300)
	for _, tc := range []struct {
		name  string
		recs  []ais.Record
		distM float64
	}{
		{"every 3 min, 150 m", pair(0, 5*time.Hour, 39, 124, 150), 150},
		{"every 3 min, 480 m, off the step grid", pair(7*time.Minute, 4*time.Hour, 39, 124, 480), 480},
		{"every 10 min, 300 m", merge(legs(mmsiKP, 10*time.Minute, stay(0, 5*time.Hour, 39, 124)), legs(mmsiCN, 10*time.Minute, stay(0, 5*time.Hour, lat2, lon2))), 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var evs []Event
			var wm time.Time // the watermark when the ongoing record came
			cfg := DefaultConfig()
			require.True(t, cfg.Encounter.EarlyOngoing, "on by default")
			d := New(cfg, Env{}, func(e Event) { evs = append(evs, e) })
			for _, r := range tc.recs {
				d.Push(r)
				if wm.IsZero() && len(ofType(evs, TypeEncounter, StatusOngoing)) > 0 {
					wm = d.Watermark()
				}
			}
			d.Flush()
			enc := ofType(evs, TypeEncounter, StatusOngoing)
			require.Len(t, enc, 1)
			on := enc[0]
			cl := ofType(evs, TypeEncounter, StatusClosed)
			require.Len(t, cl, 1)
			assert.Equal(t, cl[0].ID, on.ID)
			assert.Equal(t, int64(cfg.Encounter.MinDuration/time.Second), on.DurationS)
			assert.Equal(t, on.Start.Add(cfg.Encounter.MinDuration), on.End)
			assert.InDelta(t, tc.distM, *on.MinDistanceM, 1)
			require.False(t, wm.IsZero(), "the ongoing record came before the end of the input")
			lag := wm.Sub(on.Start.Add(cfg.Encounter.MinDuration))
			assert.LessOrEqual(t, lag, 30*time.Minute, "watermark %v after the run passed its minimum (the confirming step's: 1 h)", lag)
			assert.GreaterOrEqual(t, lag, time.Duration(0), "not before the final fixes reach the minimum")
			t.Logf("ongoing at watermark %v after start + min_duration", lag)

			// the same events when each block of records spanning less than
			// the lateness arrives newest first
			late := slices.Clone(tc.recs)
			for i, j := 0, 0; i < len(late); i = j {
				for j < len(late) && late[j].Time.Sub(late[i].Time) < cfg.Track.Lateness {
					j++
				}
				slices.Reverse(late[i:j])
			}
			assert.Equal(t, evs, detect(t, cfg, Env{}, late), "independent of arrival order")
		})
	}
}

// TestMergeGap meets a pair twice, the second meeting's first close step
// `apart` after the first's last: within MergeGap (4 h) the two are one
// event, past it two (or none, when neither lasts MinDuration), as the
// early ongoing record already judged.
func TestMergeGap(t *testing.T) {
	const lat, lon = 39.0, 124.0
	farLat, farLon := offset(lat, lon, 0, 10_000)
	type span struct{ start, end time.Duration }
	for _, tc := range []struct {
		name          string
		first, second time.Duration // the meetings' lengths (last close step - first)
		apart         time.Duration
		want          []span
	}{
		{"2 h, 4 h apart, 3 h: one event", 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, []span{{0, 9 * time.Hour}}},
		{"2 h, 4 h 10 min apart, 3 h: two events", 2 * time.Hour, 3 * time.Hour, 4*time.Hour + 10*time.Minute,
			[]span{{0, 2 * time.Hour}, {6*time.Hour + 10*time.Minute, 9*time.Hour + 10*time.Minute}}},
		{"1 h 30 min, 4 h apart, 1 h: one event", 90 * time.Minute, time.Hour, 4 * time.Hour, []span{{0, 6*time.Hour + 30*time.Minute}}},
		{"1 h 30 min, 4 h 10 min apart, 1 h: none", 90 * time.Minute, time.Hour, 4*time.Hour + 10*time.Minute, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// fixes every 10 min, on the steps: KP leaves for 10 km between the meetings
			back := tc.first + tc.apart
			kp := legs(mmsiKP, 10*time.Minute, stay(0, tc.first+10*time.Minute, lat, lon),
				stay(tc.first+10*time.Minute, back, farLat, farLon), stay(back, back+tc.second+10*time.Minute, lat, lon))
			cn := legs(mmsiCN, 10*time.Minute, stay(0, back+tc.second+10*time.Minute, lat, lon+0.002))
			evs := detect(t, DefaultConfig(), Env{}, merge(kp, cn))
			var got []span
			for _, e := range ofType(evs, TypeEncounter, StatusClosed) {
				got = append(got, span{e.Start.Sub(base), e.End.Sub(base)})
			}
			assert.Equal(t, tc.want, got)
			assert.Len(t, ofType(evs, TypeEncounter, StatusOngoing), len(tc.want), "an ongoing record for each")
		})
	}
}
